/* cli/render.h — event sinks of the command line: the plain/terminal renderer and the JSON
 * lines renderer. They subscribe to the VM's event stream and never reach into the VM. */
#ifndef RBK_RENDER_H
#define RBK_RENDER_H
#include <stdio.h>
#include "../vm/events.h"

typedef struct rbk_term {
    FILE *out;
    int color;
    int tty;
    int verbose;
    int nsteps;
    int failed_step;
    const char *failed_name;
    int rollbacks_ok, rollbacks_failed, rollbacks_not_run;
    int steps_ok, steps_failed, steps_skipped;
    char *title;
    char *first_failure;
} rbk_term;

void rbk_term_init(rbk_term *t, FILE *out, int color, int tty, int verbose);
void rbk_term_free(rbk_term *t);
void rbk_term_sink(void *ctx, const rbk_event *ev);
void rbk_jsonl_sink(void *ctx, const rbk_event *ev); /* ctx: FILE* */
#endif

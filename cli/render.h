/* cli/render.h — event sinks of the command line: the terminal renderer and the JSON lines
 * renderer. They subscribe to the VM's event stream and never reach into the VM.
 * The terminal renderer has two faces. Plain (stdout is not a terminal, or TERM=dumb): one
 * line per event, the format the golden tests compare. Live (stdout is a terminal): the same
 * lines for what stays on the screen, plus a status line `[3/12] Step ⠋ 4.2s` with countdowns
 * for wait/within/watch, redrawn ~10 times a second by a thread; ✓/✗ step lines and a final
 * summary. One mutex (mu) guards every byte written to the terminal; the status line is
 * cleared before anything else is written and while the operator is asked (RBK_EV_PROMPT until
 * the GATE event, or rbk_term_pause/resume). docs/terminal.md describes what the operator sees.
 * Shares invariants with: vm/events.h (what an event carries), cli/prompt.c (pause/resume). */
#ifndef RBK_RENDER_H
#define RBK_RENDER_H
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include "../vm/events.h"

typedef struct rbk_term {
    FILE *out;
    int color;
    int tty;
    int verbose;
    int live;                 /* out is a terminal and TERM is not dumb: status line + thread */
    int utf8;                 /* the locale is UTF-8: ✓ ✗ and a braille spinner */
    int nsteps;
    int failed_step;
    const char *failed_name;
    int rollbacks_ok, rollbacks_failed, rollbacks_not_run;
    int instances_ok, instances_failed; /* of per-item steps (their steps count as steps) */
    int steps_ok, steps_failed, steps_skipped, steps_stopped;
    int last_end_step, last_end_status; /* to count a step re-run after a decision once */
    char *title;
    char *first_failure;
    char *fail_at;            /* file:line of the latest error or failed check (a dry run's finding) */
    char *last_pass;          /* the passing checks shown in this step, "\nfile:line:col\n" each:
                                 a `watch` or loop that passes one again does not show it again */
    /* live state, guarded by mu */
    pthread_mutex_t mu;
    pthread_cond_t wake;
    pthread_t thread;
    int thread_on, stopping;
    int shown;                /* the status line is on the screen */
    int paused;               /* the operator is being asked, or has the terminal (tty_cmd) */
    int tty_cmd;              /* a `tty: true` command has the terminal until its effect_end */
    int in_step, step_no, attempt, header_shown, rolling_back;
    char *step_name;
    int64_t step_t0, wait_end, wait_total, poll_end;
    char *poll_text;
    unsigned frame;
} rbk_term;

/* tty: stdin and stdout are terminals (the run is interactive). Whether the output is live is
 * decided here from out itself and TERM; TERM=dumb also turns colour off. */
void rbk_term_init(rbk_term *t, FILE *out, int color, int tty, int verbose);
/* Stops the status thread (joined) and clears the status line; safe to call more than once.
 * Called by the sink at RUN_END; call it before writing to the terminal after a run that ended
 * without RUN_END. */
void rbk_term_stop(rbk_term *t);
void rbk_term_free(rbk_term *t); /* stops, then frees */
/* The operator is asked outside the event stream (cli/prompt.c): the status line is cleared and
 * stays off until resume (or the next GATE event). */
void rbk_term_pause(rbk_term *t);
void rbk_term_resume(rbk_term *t);
void rbk_term_sink(void *ctx, const rbk_event *ev);
void rbk_jsonl_sink(void *ctx, const rbk_event *ev); /* ctx: FILE* */
#endif

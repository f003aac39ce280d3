/* compiler/analysis_int.h — what compiler/analysis.c (the walk, items and costs) and
 * compiler/analysis_text.c (positions, compile-time values, text as written, comments) share.
 * Not for other modules: they use compiler/analysis.h. */
#ifndef RBK_ANALYSIS_INT_H
#define RBK_ANALYSIS_INT_H
#include <stdint.h>
#include "analysis.h"

#define COST_LIMIT (INT64_MAX / 8)
#define MAX_DEPTH 64

static inline int64_t sat_add(int64_t a, int64_t b) { return a > COST_LIMIT - b ? COST_LIMIT : a + b; }

/* ------------------------------------------------------------------ walking state */
/* A call of a user function being expanded: its parameters and the arguments bound to them. */
typedef struct frame {
    const struct frame *caller;
    rbk_node *params;          /* the N_FN's parameter list */
    rbk_node *const *args;     /* per parameter: the argument, or NULL (the default applies) */
    const char *via;           /* "f → g", or NULL outside functions */
    int depth;
} frame;

typedef struct walker {
    rbk_outline *o;
    rbk_compiler *c;
    const char *repeat;        /* the context effects are under ("polled within 2m every 5s") */
    const char *need_param;    /* set by ceval: a required parameter made a value unknown */
    int quoted;                /* rendering an @shell/@sql literal: `{p}` stays a value, never spliced */
} walker;

/* ------------------------------------------------------------------ compile-time values */
enum { CV_UNKNOWN, CV_INT, CV_FLOAT, CV_DUR, CV_BOOL, CV_NIL, CV_STR, CV_LIST };
typedef struct cval { int kind; int64_t i; double f; } cval; /* CV_LIST: i = length */

const rbk_source *rbk_an_src_of(walker *w, int file);
int rbk_an_line_of(walker *w, int file, uint32_t off);
/* Source text into out, within the outline's text budget. */
void rbk_an_add_span(walker *w, rbk_sbuf *out, int file, uint32_t a, uint32_t b);
/* Adds text to a list of notes (assumptions, unbounded parts) unless it is there already. */
void rbk_an_add_note(char ***list, int *n, const char *text);
cval rbk_an_ceval(walker *w, rbk_node *n, const frame *f, int depth);
/* A duration bound, or -1 with *why set to the reason it is not known. */
int64_t rbk_an_duration_of(walker *w, rbk_node *n, const frame *f, const char *what, char **why);
void rbk_an_render_expr(walker *w, rbk_node *n, const frame *f, rbk_sbuf *out);
char *rbk_an_render_arg(walker *w, rbk_node *n, const frame *f, int *literal);
char *rbk_an_render_arg_at(walker *w, rbk_node *n, const frame *f, int *literal, rbk_node **at);
char *rbk_an_render(walker *w, rbk_node *n, const frame *f);
char *rbk_an_render_argv(walker *w, rbk_node *n, const frame *f);
char *rbk_an_comment_above(const rbk_source *s, uint32_t off);
char *rbk_an_comment_after(const rbk_source *s, uint32_t off);
#endif

/* compiler/diag.h — the one diagnostics module (docs/contributing.md, convention 4): diagnostics
 * (error/warning/note with a span and an optional hint), and the renderers: text (source line + caret + ~ underline), JSON, GitHub annotations, SARIF.
 * Source files and their line maps are support/source.h (the VM positions runtime errors
 * with them too). */
#ifndef RBK_DIAG_H
#define RBK_DIAG_H
#include <stdint.h>
#include <stdio.h>
#include "../support/sbuf.h"
#include "../support/source.h"

typedef enum rbk_severity { RBK_SEV_ERROR, RBK_SEV_WARNING, RBK_SEV_NOTE } rbk_severity;

/* A note attached to a diagnostic: where something it refers to is (a declaration), or a fact
 * without a position (file -1), such as a builtin's signature. Rendered right after it. */
typedef struct rbk_note {
    int file;          /* -1: no position */
    uint32_t off, end;
    char *msg;
} rbk_note;

typedef struct rbk_diag {
    rbk_severity sev;
    int file;          /* -1: no position */
    uint32_t off, end;
    char *msg;
    char *hint;        /* or NULL */
    const char *rule;  /* short rule id for SARIF/JSON, e.g. "syntax", "unused" */
    rbk_note *notes; /* rbk_diag_note, in order */
    int nnotes;
} rbk_diag;

typedef struct rbk_diags {
    rbk_diag *items;
    int n, cap;
    int nerrors, nwarnings;
    int max_errors;    /* stop recording errors past this many (0 = 100) */
    rbk_sources *sources;
    rbk_diag dropped;  /* returned by rbk_diag_add past max_errors: what is written to it is
                          discarded (its msg stays NULL: rbk_diag_dropped) */
} rbk_diags;

void rbk_diags_init(rbk_diags *d, rbk_sources *sources);
void rbk_diags_free(rbk_diags *d);
rbk_diag *rbk_diag_add(rbk_diags *d, rbk_severity sev, const char *rule, int file, uint32_t off,
                       uint32_t end, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void rbk_diag_hint(rbk_diag *dg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Attaches a note to dg (file -1: without a position); it stays with dg when sorted. */
void rbk_diag_note(rbk_diag *dg, int file, uint32_t off, uint32_t end, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Adds a copy of x (its message, hint and notes) to d. */
rbk_diag *rbk_diag_copy(rbk_diags *d, const rbk_diag *x);
/* Whether rbk_diag_add dropped dg (an error past max_errors): a caller may skip working out a
 * hint nobody will see. */
int rbk_diag_dropped(const rbk_diag *dg);
/* Sorts by file, position (stable), keeping parse and check order for equal positions. */
void rbk_diags_sort(rbk_diags *d);

typedef enum rbk_diag_format { RBK_FMT_TEXT, RBK_FMT_JSON, RBK_FMT_GITHUB, RBK_FMT_SARIF } rbk_diag_format;
void rbk_diags_render(const rbk_diags *d, rbk_diag_format fmt, int color, rbk_sbuf *out);
/* Text for a GitHub Actions workflow command (`::warning file=F,line=L::message`), escaped: % CR LF
 * always, and : , too in a property (prop 1). rbk_diags_render and `runbook diff --format github`. */
void rbk_diag_gh_escape(rbk_sbuf *out, const char *s, int prop);
/* One diagnostic in text form: "file:line:col: error: msg\n  line\n  ^~~~\n  hint". */
void rbk_diag_render_one(const rbk_sources *s, rbk_severity sev, int file, uint32_t off,
                         uint32_t end, const char *msg, const char *hint, int color, rbk_sbuf *out);
/* Appends the source line and the caret line for a span. */
void rbk_diag_caret(const rbk_source *src, uint32_t off, uint32_t end, int color, rbk_sbuf *out);

/* Closest candidate by edit distance (or NULL when none is close): for "did you mean" hints. */
const char *rbk_closest(const char *word, const char *const *cands, int n);
#endif

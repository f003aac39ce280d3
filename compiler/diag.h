/* compiler/diag.h — the one diagnostics module (ENGINEERING.md §4): source files with line
 * maps, diagnostics (error/warning/note with a span and an optional hint), and the
 * renderers: text (source line + caret + ~ underline), JSON, GitHub annotations, SARIF.
 * The VM renders runtime errors with the same caret code (rbk_diag_caret). */
#ifndef RBK_DIAG_H
#define RBK_DIAG_H
#include <stdint.h>
#include <stdio.h>
#include "../support/sbuf.h"

typedef struct rbk_source {
    char *path;        /* as given (relative paths stay relative) */
    char *text;        /* NUL-terminated */
    size_t len;
    uint32_t *lines;   /* byte offset of each line start */
    int nlines;
} rbk_source;

typedef struct rbk_sources {
    rbk_source **items;
    int n, cap;
} rbk_sources;

int rbk_sources_add(rbk_sources *s, const char *path, const char *text, size_t len); /* index */
/* The same, taking ownership of `text` (malloc'd, NUL at text[len]) instead of copying it. */
int rbk_sources_adopt(rbk_sources *s, const char *path, char *text, size_t len);
void rbk_sources_free(rbk_sources *s);
/* The length of the UTF-8 byte-order mark text starts with: 3, or 0 when it has none. The first
 * line starts after it (rbk_source_linecol, rbk_source_line); the lexer skips it. */
uint32_t rbk_source_bom(const char *text, size_t len);
/* 1-based line and column (column counts bytes) of offset off. */
void rbk_source_linecol(const rbk_source *src, uint32_t off, int *line, int *col);
/* The text of line (1-based) without its newline. */
const char *rbk_source_line(const rbk_source *src, int line, size_t *len);

typedef enum rbk_severity { RBK_SEV_ERROR, RBK_SEV_WARNING, RBK_SEV_NOTE } rbk_severity;

typedef struct rbk_diag {
    rbk_severity sev;
    int file;          /* -1: no position */
    uint32_t off, end;
    char *msg;
    char *hint;        /* or NULL */
    const char *rule;  /* short rule id for SARIF/JSON, e.g. "syntax", "unused" */
} rbk_diag;

typedef struct rbk_diags {
    rbk_diag *items;
    int n, cap;
    int nerrors, nwarnings;
    int max_errors;    /* stop recording errors past this many (0 = 100) */
    rbk_sources *sources;
} rbk_diags;

void rbk_diags_init(rbk_diags *d, rbk_sources *sources);
void rbk_diags_free(rbk_diags *d);
rbk_diag *rbk_diag_add(rbk_diags *d, rbk_severity sev, const char *rule, int file, uint32_t off,
                       uint32_t end, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void rbk_diag_hint(rbk_diag *dg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether rbk_diag_add dropped dg (an error past max_errors): a caller may skip working out a
 * hint nobody will see. */
int rbk_diag_dropped(const rbk_diag *dg);
/* Sorts by file, position (stable), keeping parse and check order for equal positions. */
void rbk_diags_sort(rbk_diags *d);

typedef enum rbk_diag_format { RBK_FMT_TEXT, RBK_FMT_JSON, RBK_FMT_GITHUB, RBK_FMT_SARIF } rbk_diag_format;
void rbk_diags_render(const rbk_diags *d, rbk_diag_format fmt, int color, rbk_sbuf *out);
/* One diagnostic in text form: "file:line:col: error: msg\n  line\n  ^~~~\n  hint". */
void rbk_diag_render_one(const rbk_sources *s, rbk_severity sev, int file, uint32_t off,
                         uint32_t end, const char *msg, const char *hint, int color, rbk_sbuf *out);
/* Appends the source line and the caret line for a span. */
void rbk_diag_caret(const rbk_source *src, uint32_t off, uint32_t end, int color, rbk_sbuf *out);

/* Closest candidate by edit distance (or NULL when none is close): for "did you mean" hints. */
const char *rbk_closest(const char *word, const char *const *cands, int n);
#endif

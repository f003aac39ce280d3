/* compiler/fmt.h — the formatter behind `runbook fmt` (and the language server's
 * textDocument/formatting): one canonical layout for a runbook source, from the lexer's token
 * stream and the source between the tokens (comments, blank lines). docs/style.md describes the
 * layout and its reasons. */
#ifndef RBK_FMT_H
#define RBK_FMT_H
#include <stddef.h>
#include "../support/sbuf.h"
#include "diag.h"

enum {
    RBK_FMT_WIDTH = 100, /* a call, list or map that does not fit is broken one item a line */
    RBK_FMT_INDENT = 2,  /* spaces per level */
};

/* Formats the runbook source src[0, n) (src[n] must be a NUL byte, as for the lexer). A file
 * the parser accepts: its canonical text is appended to out and 0 is returned. A file with
 * syntax errors is not formatted: the parser's diagnostics are added to diags (file is the
 * index of src in diags' sources, for their positions) and -1 is returned, out untouched.
 * Only syntax is checked (names and types are the checker's: `runbook check`). Thread-safe:
 * no state outside the call. */
int rbk_fmt_source(const char *src, size_t n, rbk_sbuf *out, rbk_diags *diags, int file);

#endif

/* import/import.h — `runbook import`'s translator: a Markdown runbook to the text of a runbook
 * skeleton that passes `runbook check` and that an author finishes rather than writes
 * (docs/import.md lists every rule). Text in, text out: it reads no file and runs no compiler;
 * cli/import.c reads the document, checks the output as `runbook check` would, writes it and
 * prints the summary. The output depends on the document's bytes and base name only.
 * Layer: import/ uses support/ only (docs/internals.md, "The importer is a library of its own").
 * Owns: rbk_import (one translated document: its text, its summary's counts and TODOs).
 * Shares invariants with: docs/import.md, tests/import/ (goldens of the output and summary). */
#ifndef RBK_IMPORT_H
#define RBK_IMPORT_H
#include <stddef.h>
#include "../support/sbuf.h"

typedef struct rbk_import rbk_import;

/* 1 when text (len bytes) is UTF-8 without a NUL byte; else 0, with the 1-based line and
 * column of the first bad byte and the message in *why (static). */
int rbk_import_text_ok(const char *text, size_t len, int *line, int *col, const char **why);
/* Translates a document that rbk_import_text_ok accepted. path: the document's name as given
 * (its base name is written into the output; kept, not copied). Never fails. */
rbk_import *rbk_import_markdown(const char *path, const char *text, size_t len);
/* The runbook's text (valid until rbk_import_free). */
const char *rbk_import_output(const rbk_import *im, size_t *len);
/* Appends the summary: the counts, the check's result as given (nerrors, nwarnings of the
 * output's compilation; shown: where the output went), and every TODO by its line in path. */
void rbk_import_summary(rbk_import *im, const char *path, const char *shown, int nerrors, int nwarnings, rbk_sbuf *out);
void rbk_import_free(rbk_import *im);
#endif

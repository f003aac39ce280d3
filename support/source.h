/* support/source.h — source files with line maps: the compiler's diagnostics
 * (compiler/diag.h) and the VM's runtime positions and carets (vm/vm.c) share them.
 * Positions are byte offsets into a source; lines and columns are 1-based, columns count bytes. */
#ifndef RBK_SOURCE_H
#define RBK_SOURCE_H
#include <stddef.h>
#include <stdint.h>
#include "sbuf.h"

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
#endif

/* support/source.c — source files with line maps (contract in source.h). */
#include "source.h"
#include <stdlib.h>
#include <string.h>

uint32_t rbk_source_bom(const char *text, size_t len) {
    return len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
}
int rbk_sources_add(rbk_sources *s, const char *path, const char *text, size_t len) {
    return rbk_sources_adopt(s, path, rbk_xstrndup(text, len), len);
}
int rbk_sources_adopt(rbk_sources *s, const char *path, char *text, size_t len) {
    rbk_source *src = rbk_xcalloc(1, sizeof *src);
    src->path = rbk_xstrdup(path);
    src->text = text;
    src->len = len;
    int cap = 64;
    src->lines = rbk_xmalloc(sizeof(uint32_t) * (size_t)cap);
    /* A UTF-8 byte-order mark (which some editors write) is not part of the first line: the
     * lexer skips it, and a column counts from after it, as the editor shows the line. The
     * text keeps it, so the source's SHA-256 is the file's. */
    src->lines[src->nlines++] = rbk_source_bom(text, len);
    /* memchr finds newlines a word at a time: a tenth of the byte loop on a large file */
    const char *p = text, *end = text + len;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        if (src->nlines == cap) {
            cap *= 2;
            src->lines = rbk_xrealloc(src->lines, sizeof(uint32_t) * (size_t)cap);
        }
        p++;
        src->lines[src->nlines++] = (uint32_t)(p - text);
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->items = rbk_xrealloc(s->items, sizeof(rbk_source *) * (size_t)s->cap);
    }
    s->items[s->n] = src;
    return s->n++;
}
void rbk_sources_free(rbk_sources *s) {
    for (int i = 0; i < s->n; i++) {
        free(s->items[i]->path);
        free(s->items[i]->text);
        free(s->items[i]->lines);
        free(s->items[i]);
    }
    free(s->items);
    s->items = NULL;
    s->n = s->cap = 0;
}
void rbk_source_linecol(const rbk_source *src, uint32_t off, int *line, int *col) {
    int lo = 0, hi = src->nlines - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (src->lines[mid] <= off) lo = mid;
        else hi = mid - 1;
    }
    *line = lo + 1;
    *col = off >= src->lines[lo] ? (int)(off - src->lines[lo]) + 1 : 1; /* inside a byte-order mark */
}
const char *rbk_source_line(const rbk_source *src, int line, size_t *len) {
    if (line < 1 || line > src->nlines) { *len = 0; return ""; }
    uint32_t start = src->lines[line - 1];
    uint32_t end = line < src->nlines ? src->lines[line] - 1 : (uint32_t)src->len;
    if (end > start && src->text[end - 1] == '\r') end--;
    *len = end - start;
    return src->text + start;
}

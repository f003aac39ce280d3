/* support/jsonw.c — the JSON writer of the outputs (support/jsonw.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "jsonw.h"

void rbk_jw_init(rbk_jw *w, rbk_sbuf *b, int pretty, void (*esc)(rbk_sbuf *b, const char *s, size_t n)) {
    memset(w, 0, sizeof *w);
    w->b = b;
    w->pretty = pretty;
    w->esc = esc;
}

static void nl(rbk_jw *w) {
    if (!w->pretty) return;
    rbk_sbuf_addc(w->b, '\n');
    for (int i = 0; i < w->depth; i++) rbk_sbuf_adds(w->b, "  ");
}
/* Before a value or a key: the comma and the line break that separate it from the previous one. */
static void pre(rbk_jw *w) {
    if (w->after_key) { w->after_key = 0; return; }
    if (!w->depth) return;
    if (!w->first[w->depth]) rbk_sbuf_addc(w->b, ',');
    w->first[w->depth] = 0;
    nl(w);
}
void rbk_jw_key(rbk_jw *w, const char *k) {
    pre(w);
    w->esc(w->b, k, strlen(k));
    rbk_sbuf_adds(w->b, w->pretty ? ": " : ":");
    w->after_key = 1;
}
static void value(rbk_jw *w, const char *k) {
    if (k) rbk_jw_key(w, k);
    pre(w);
}
void rbk_jw_open(rbk_jw *w, const char *k, char c) {
    value(w, k);
    rbk_sbuf_addc(w->b, c);
    if (w->depth + 1 >= RBK_JW_MAX_DEPTH) abort(); /* the nesting is the code's: a bug, not input */
    w->depth++;
    w->first[w->depth] = 1;
}
void rbk_jw_close(rbk_jw *w, char c) {
    int empty = w->first[w->depth];
    w->depth--;
    if (!empty) nl(w);
    rbk_sbuf_addc(w->b, c);
}
void rbk_jw_str(rbk_jw *w, const char *k, const char *s) {
    value(w, k);
    if (s) w->esc(w->b, s, strlen(s));
    else rbk_sbuf_adds(w->b, "null");
}
void rbk_jw_int(rbk_jw *w, const char *k, int64_t v) {
    value(w, k);
    rbk_sbuf_printf(w->b, "%" PRId64, v);
}
void rbk_jw_num(rbk_jw *w, const char *k, double v) {
    value(w, k);
    if (v != v || v > 1e300 || v < -1e300) rbk_sbuf_adds(w->b, "null"); /* JSON has no NaN or infinity */
    else rbk_sbuf_printf(w->b, "%.10g", v);
}
void rbk_jw_uint(rbk_jw *w, const char *k, uint64_t v) {
    value(w, k);
    rbk_sbuf_printf(w->b, "%" PRIu64, v);
}
void rbk_jw_bool(rbk_jw *w, const char *k, int v) {
    value(w, k);
    rbk_sbuf_adds(w->b, v ? "true" : "false");
}
void rbk_jw_null(rbk_jw *w, const char *k) {
    value(w, k);
    rbk_sbuf_adds(w->b, "null");
}
void rbk_jw_raw(rbk_jw *w, const char *k, const char *json) {
    value(w, k);
    rbk_sbuf_adds(w->b, json);
}

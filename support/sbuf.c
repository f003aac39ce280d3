/* support/sbuf.c — growable strings and checked allocation. See sbuf.h. */
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void) {
    fputs("runbook: out of memory\n", stderr);
    abort();
}
void *rbk_xmalloc(size_t n) { void *p = malloc(n ? n : 1); if (!p) oom(); return p; }
void *rbk_xcalloc(size_t n, size_t m) { void *p = calloc(n ? n : 1, m ? m : 1); if (!p) oom(); return p; }
void *rbk_xrealloc(void *p, size_t n) { p = realloc(p, n ? n : 1); if (!p) oom(); return p; }
char *rbk_xstrdup(const char *s) { return rbk_xstrndup(s, strlen(s)); }
char *rbk_xstrndup(const char *s, size_t n) {
    char *p = rbk_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void rbk_sbuf_reserve(rbk_sbuf *b, size_t extra) {
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->data = rbk_xrealloc(b->data, cap);
    b->cap = cap;
}
void rbk_sbuf_add(rbk_sbuf *b, const void *p, size_t n) {
    rbk_sbuf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}
void rbk_sbuf_adds(rbk_sbuf *b, const char *s) { rbk_sbuf_add(b, s, strlen(s)); }
void rbk_sbuf_addc(rbk_sbuf *b, char c) {
    rbk_sbuf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}
void rbk_sbuf_vprintf(rbk_sbuf *b, const char *fmt, va_list ap) {
    /* try the free space first; grow and format again only when it did not fit */
    rbk_sbuf_reserve(b, 64);
    va_list ap2;
    va_copy(ap2, ap);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) { b->data[b->len] = 0; return; }
    if ((size_t)n >= room) {
        rbk_sbuf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}
void rbk_sbuf_printf(rbk_sbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(b, fmt, ap);
    va_end(ap);
}
void rbk_sbuf_add_json_str(rbk_sbuf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    rbk_sbuf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': rbk_sbuf_adds(b, "\\\""); break;
        case '\\': rbk_sbuf_adds(b, "\\\\"); break;
        case '\n': rbk_sbuf_adds(b, "\\n"); break;
        case '\r': rbk_sbuf_adds(b, "\\r"); break;
        case '\t': rbk_sbuf_adds(b, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
                rbk_sbuf_adds(b, e);
            } else {
                rbk_sbuf_addc(b, (char)c);
            }
        }
    }
    rbk_sbuf_addc(b, '"');
}
const char *rbk_sbuf_cstr(rbk_sbuf *b) { return b->data ? b->data : ""; }
char *rbk_sbuf_detach(rbk_sbuf *b) {
    char *p = b->data ? b->data : rbk_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
void rbk_sbuf_reset(rbk_sbuf *b) { b->len = 0; if (b->data) b->data[0] = 0; }
void rbk_sbuf_free(rbk_sbuf *b) { free(b->data); b->data = NULL; b->len = b->cap = 0; }

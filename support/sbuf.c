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
size_t rbk_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp) {
    unsigned c = p[0];
    size_t len;
    uint32_t min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; *cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; *cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; *cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        *cp = (*cp << 6) | (p[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
    return len;
}
size_t rbk_utf8_seq(const char *str, size_t n) {
    uint32_t cp;
    return n ? rbk_utf8_decode((const unsigned char *)str, n, &cp) : 0;
}
int rbk_utf8_valid(const char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        size_t k = rbk_utf8_seq(s + i, n - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
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
            } else if (c < 0x80) {
                rbk_sbuf_addc(b, (char)c);
            } else {
                /* JSON text is UTF-8: a byte that does not start a valid sequence becomes
                 * U+FFFD, so the output is always valid JSON (lossy; sbuf.h) */
                size_t k = rbk_utf8_seq(s + i, n - i);
                if (k) { rbk_sbuf_add(b, s + i, k); i += k - 1; }
                else rbk_sbuf_adds(b, "\\ufffd");
            }
        }
    }
    rbk_sbuf_addc(b, '"');
}

static const char B64_ALPHA[2][65] = {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"};
void rbk_sbuf_add_base64(rbk_sbuf *out, const void *data, size_t n, int url, int pad) {
    const unsigned char *p = data;
    const char *alpha = B64_ALPHA[url != 0];
    size_t i = 0;
    rbk_sbuf_reserve(out, (n + 2) / 3 * 4);
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        char q[4] = {alpha[v >> 18], alpha[(v >> 12) & 63], alpha[(v >> 6) & 63], alpha[v & 63]};
        rbk_sbuf_add(out, q, 4);
    }
    if (n - i == 1) {
        unsigned v = (unsigned)p[i] << 16;
        rbk_sbuf_addc(out, alpha[v >> 18]);
        rbk_sbuf_addc(out, alpha[(v >> 12) & 63]);
        if (pad) rbk_sbuf_adds(out, "==");
    } else if (n - i == 2) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
        rbk_sbuf_addc(out, alpha[v >> 18]);
        rbk_sbuf_addc(out, alpha[(v >> 12) & 63]);
        rbk_sbuf_addc(out, alpha[(v >> 6) & 63]);
        if (pad) rbk_sbuf_addc(out, '=');
    }
}
int rbk_base64_decode(const char *s, size_t n, rbk_sbuf *out) {
    while (n && s[n - 1] == '=') n--;
    if (n % 4 == 1) return -1;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        const char *at = memchr(B64_ALPHA[0], s[i], 64);
        if (!at || !s[i]) return -1;
        acc = (acc << 6 | (unsigned)(at - B64_ALPHA[0])) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            rbk_sbuf_addc(out, (char)((acc >> bits) & 0xFF));
        }
    }
    return 0;
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

/* support/sbuf.h — the growable byte string every module builds text with.
 * Owns: rbk_sbuf (heap buffer, always NUL-terminated, may contain NULs).
 * Rule (ENGINEERING.md §11): no fixed buffers with sprintf; build text here. */
#ifndef RBK_SBUF_H
#define RBK_SBUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct rbk_sbuf {
    char *data;   /* NUL-terminated; NULL until first write */
    size_t len;
    size_t cap;
} rbk_sbuf;

#define RBK_SBUF_INIT {NULL, 0, 0}

void rbk_sbuf_reserve(rbk_sbuf *b, size_t extra);
void rbk_sbuf_add(rbk_sbuf *b, const void *p, size_t n);
void rbk_sbuf_adds(rbk_sbuf *b, const char *s);
void rbk_sbuf_addc(rbk_sbuf *b, char c);
void rbk_sbuf_printf(rbk_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rbk_sbuf_vprintf(rbk_sbuf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal (quotes included). */
void rbk_sbuf_add_json_str(rbk_sbuf *b, const char *s, size_t n);
const char *rbk_sbuf_cstr(rbk_sbuf *b); /* never NULL */
char *rbk_sbuf_detach(rbk_sbuf *b);      /* caller frees; b is reset */
void rbk_sbuf_reset(rbk_sbuf *b);         /* len = 0, keeps memory */
void rbk_sbuf_free(rbk_sbuf *b);

/* Die on out-of-memory: a half-built runbook run is worse than a clear abort. */
void *rbk_xmalloc(size_t n);
void *rbk_xcalloc(size_t n, size_t m);
void *rbk_xrealloc(void *p, size_t n);
char *rbk_xstrdup(const char *s);
char *rbk_xstrndup(const char *s, size_t n);
#endif

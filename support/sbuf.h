/* support/sbuf.h — the growable byte string every module builds text with.
 * Owns: rbk_sbuf (heap buffer, always NUL-terminated, may contain NULs).
 * Rule (docs/contributing.md, convention 11): no fixed buffers with sprintf; build text here. */
#ifndef RBK_SBUF_H
#define RBK_SBUF_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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
/* Appends s as a JSON string literal (quotes included). The result is always valid JSON:
 * control bytes are escaped (NUL as \u0000), and a byte that does not begin a valid UTF-8
 * sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) is written as
 * U+FFFD — lossy, for text that is shown or audited. Where the exact bytes matter (the
 * journal's values, vm/checkpoint.c), check rbk_utf8_valid first and write base64 instead. */
void rbk_sbuf_add_json_str(rbk_sbuf *b, const char *s, size_t n);
/* The length (1-4) of the valid UTF-8 sequence at s (n bytes available), or 0 when s[0] does
 * not begin one. rbk_utf8_valid: 1 when all n bytes are valid UTF-8 (NUL included). */
size_t rbk_utf8_seq(const char *s, size_t n);
/* Decodes one UTF-8 sequence at p (n > 0 bytes left); returns its length, 0 when invalid
 * (overlong, surrogate, cut, above U+10FFFF), the code point in *cp. The one decoder of the
 * tree: rbk_utf8_seq, the masking's JSON forms, the pattern quoting and text.c use it. */
size_t rbk_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
int rbk_utf8_valid(const char *s, size_t n);
/* base64 (RFC 4648): url selects the URL-safe alphabet (-_), pad the '=' padding. Decoding takes
 * the standard alphabet, padding optional; 0, or -1 on a character outside it. */
void rbk_sbuf_add_base64(rbk_sbuf *out, const void *p, size_t n, int url, int pad);
int rbk_base64_decode(const char *s, size_t n, rbk_sbuf *out);
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

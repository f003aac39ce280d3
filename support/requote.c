/* support/requote.c — a value as a literal in a PCRE2 pattern (contract in requote.h).
 * Owns: rbk_re_quote. No VM dependency.
 * Shares invariants with: vm/interp.c (the pattern's compile options), compiler/holes_re.c,
 * tests/unit/test_re_holes.c, docs/language.md. */
#include "requote.h"

/* The length of the valid UTF-8 sequence at s[i] (RFC 3629), or 0: support/sbuf.h decodes. */
static size_t utf8_len(const unsigned char *s, size_t n, size_t i) {
    uint32_t cp;
    return rbk_utf8_decode(s + i, n - i, &cp);
}

int rbk_re_quote(rbk_sbuf *out, const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_len(u, n, i);
        if (!l) return -1;
        i += l;
    }
    static const char hex[] = "0123456789abcdef";
    rbk_sbuf_reserve(out, n * 2);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = u[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80) {
            rbk_sbuf_addc(out, (char)c);
        } else if (c < 0x20 || c == 0x7f) {
            char e[7] = {'\\', 'x', '{', hex[c >> 4], hex[c & 15], '}', 0};
            rbk_sbuf_add(out, e, 6);
        } else {
            rbk_sbuf_addc(out, '\\');
            rbk_sbuf_addc(out, (char)c);
        }
    }
    rbk_sbuf_cstr(out);
    return 0;
}

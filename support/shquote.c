/* support/shquote.c — POSIX shell quoting of interpolated values (contract in shquote.h).
 * Owns: rbk_sh_quote, rbk_sh_quote_in (a value in each shell context), rbk_sh_has_nul,
 * rbk_sh_heredoc_line_ok. No VM dependency.
 * Shares invariants with: stdlib/std_sh.c (exec display), compiler/ (@shell interpolation),
 * tests/unit/test_shquote.c (the injection corpus), docs/shell.md. */
#include "shquote.h"
#include <string.h>

void rbk_sh_quote(rbk_sbuf *out, const char *s, size_t n) {
    rbk_sbuf_reserve(out, n + 2);
    rbk_sbuf_addc(out, '\'');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\'') continue;
        rbk_sbuf_add(out, s + start, i - start);
        rbk_sbuf_add(out, "'\\''", 4); /* close, escaped quote, reopen */
        start = i + 1;
    }
    rbk_sbuf_add(out, s + start, n - start);
    rbk_sbuf_addc(out, '\'');
}

int rbk_sh_has_nul(const char *s, size_t n) {
    return n > 0 && memchr(s, '\0', n) != NULL;
}

void rbk_sh_quote_in(rbk_sbuf *out, int ctx, const char *s, size_t n) {
    const char *special;
    switch (ctx) {
    case RBK_SH_SQUOTE: {
        size_t start = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] != '\'') continue;
            rbk_sbuf_add(out, s + start, i - start);
            rbk_sbuf_add(out, "'\\''", 4);
            start = i + 1;
        }
        rbk_sbuf_add(out, s + start, n - start);
        return;
    }
    case RBK_SH_DQUOTE: special = "$`\"\\"; break;
    case RBK_SH_HEREDOC: special = "$`\\"; break;
    case RBK_SH_HEREDOC_Q: rbk_sbuf_add(out, s, n); return;
    default: rbk_sh_quote(out, s, n); return;
    }
    rbk_sbuf_reserve(out, n + 2);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (!s[i] || !strchr(special, s[i])) continue;
        rbk_sbuf_add(out, s + start, i - start);
        rbk_sbuf_addc(out, '\\');
        start = i; /* the character itself goes out with the next run */
    }
    rbk_sbuf_add(out, s + start, n - start);
}

static int is_delim(const char *s, size_t n, const char *d, size_t dn) { return n == dn && !memcmp(s, d, n); }
/* 1 when the line s[0..n) ends in an odd number of backslashes (a continuation). */
static int continues(const char *s, size_t n) {
    size_t k = 0;
    while (k < n && s[n - 1 - k] == '\\') k++;
    return k % 2 == 1;
}

int rbk_sh_heredoc_line_ok(const char *text, size_t n, const char *delim, size_t dn, unsigned flags) {
    /* as dash reads it: each physical line */
    for (size_t ls = 0; ls <= n;) {
        const char *nl = memchr(text + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - text) : n;
        if (is_delim(text + ls, le - ls, delim, dn)) return 0;
        if (!nl) break;
        ls = le + 1;
    }
    if (!(flags & RBK_SH_HD_JOIN)) return 1;
    /* as bash reads it: a line that ends in an unescaped backslash joined with the next */
    rbk_sbuf b = RBK_SBUF_INIT;
    int ok = 1;
    for (size_t ls = 0; ls <= n && ok;) {
        rbk_sbuf_reset(&b);
        for (;;) {
            const char *nl = memchr(text + ls, '\n', n - ls);
            size_t le = nl ? (size_t)(nl - text) : n;
            int more = nl && continues(text + ls, le - ls);
            rbk_sbuf_add(&b, text + ls, (more ? le - 1 : le) - ls);
            ls = nl ? le + 1 : n + 1;
            if (!more) break;
        }
        if (is_delim(rbk_sbuf_cstr(&b), b.len, delim, dn)) ok = 0;
    }
    rbk_sbuf_free(&b);
    return ok;
}

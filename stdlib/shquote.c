/* stdlib/shquote.c — POSIX shell quoting of interpolated values (contract in std_sh.h).
 * Owns: rbk_sh_quote, rbk_sh_has_nul. No VM dependency.
 * Shares invariants with: stdlib/std_sh.c (exec display), compiler/ (@shell interpolation),
 * tests/unit/test_shquote.c (the injection corpus), docs/shell.md. */
#include "std_sh.h"
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

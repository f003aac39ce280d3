/* support/numtext.c — decimal text to numbers (see numtext.h). */
#include "numtext.h"
#include <stdlib.h>

int rbk_text_to_i64(const char *s, size_t n, int64_t *out) {
    const char *p = s, *e = s + n;
    int neg = p < e && *p == '-';
    if (neg) p++;
    if (p == e) return 0;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
    int checked = e - p > 18; /* 18 digits always fit */
    for (; p < e; p++) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d > 9) return 0;
        if (checked && v > (limit - d) / 10) return 0; /* v * 10 + d > limit */
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

int rbk_text_to_double(const char *s, size_t n, double *out) {
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s, *e = s + n;
    int neg = p < e && *p == '-';
    if (neg) p++;
    uint64_t m = 0;
    int sig = 0, frac = 0, dot = 0, digits = 0;
    for (; p < e; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            digits++;
            if (dot) frac++;
            if (m || c != '0') { /* leading zeros are not significant */
                if (++sig > 15) goto slow;
                m = m * 10 + (uint64_t)(c - '0');
            }
        } else if (c == '.' && !dot) {
            dot = 1;
        } else {
            goto slow;
        }
    }
    if (!digits || frac > 22) goto slow;
    double d = (double)m; /* < 10^15 < 2^53: exact */
    if (frac) d /= pow10[frac];
    *out = neg ? -d : d;
    return 1;
slow:;
    char *end;
    double v = strtod(s, &end); /* "NaN", "Infinity", "1e+20", long mantissas */
    if (end == s || end != e) return 0;
    *out = v;
    return 1;
}

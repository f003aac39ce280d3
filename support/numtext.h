/* support/numtext.h — decimal text to numbers: the exact results of strtoll/strtod, fast on
 * the forms a database prints most (a column of 100,000 numerics spent 60 M instructions in
 * strtod: docs/benchmarks.md, SQL rows). Used by stdlib/std_sql.c for int and float columns;
 * tested against strtod by tests/unit/test_numtext.c. */
#ifndef RBK_NUMTEXT_H
#define RBK_NUMTEXT_H
#include <stddef.h>
#include <stdint.h>

/* [-]digits, nothing else (no '+', no blanks): 1 with *out set; 0 when the text is anything
 * else or does not fit in an int64. */
int rbk_text_to_i64(const char *s, size_t n, int64_t *out);
/* The double strtod gives for the whole text: 1 with *out set, 0 when the text is not one
 * number. [-]digits[.digits] with at most 15 significant digits and 22 decimals is one exact
 * division (the mantissa and the power of ten are exact doubles, and IEEE division rounds
 * correctly); anything else (exponents, NaN, Infinity, longer mantissas) goes to strtod, so
 * s[n] must be a NUL byte. */
int rbk_text_to_double(const char *s, size_t n, double *out);
#endif

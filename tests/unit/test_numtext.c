/* tests/unit/test_numtext.c — support/numtext.c against the C library: rbk_text_to_double
 * must give strtod's double bit for bit (its fast path is only a shortcut), and
 * rbk_text_to_i64 strtoll's value, on the forms PostgreSQL prints and on edge cases. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/numtext.h"

static void same_as_strtod(const char *s) {
    char *end;
    double want = strtod(s, &end);
    int ok_want = end != s && *end == 0;
    double got = 0;
    int ok = rbk_text_to_double(s, strlen(s), &got);
    if (ok != ok_want) fail_msg("\"%s\": accepted %d, strtod %d", s, ok, ok_want);
    if (ok && memcmp(&got, &want, sizeof got) != 0 && !(isnan(got) && isnan(want)))
        fail_msg("\"%s\": %.17g, strtod %.17g", s, got, want);
}

static void test_double_cases(void **st) {
    (void)st;
    const char *cases[] = {"0", "-0", "0.0", "-0.0", "1", "-1", "0.5", "6172.5", ".5", "5.",
                           "0.1", "0.2", "0.3", "1.1", "2.675", "123456789012345",
                           "1234567890123456", "0.000000000000000000001", "1.0000000000000000000000001",
                           "999999999999999", "9007199254740993", "3.14159265358979",
                           "0.1000000000000000055511151231257827", "1e5", "1.5e-07", "-2E+300",
                           "NaN", "Infinity", "-Infinity", "", "-", ".", "-.", "1.2.3", "1,5", " 1",
                           "1 ", "+1", "0x10", "00012.5000", "-0.000001",
                           "12345678901234.5", "1234567890.12345", "0.0000000000000000000001",
                           "0.00000000000000000000001"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) same_as_strtod(cases[i]);
}

/* random decimals of every length up to 17 digits and up to 25 decimals, as numeric prints */
static void test_double_random(void **st) {
    (void)st;
    uint64_t x = 88172645463325252u;
    char buf[64];
    for (int i = 0; i < 1000000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int ndig = 1 + (int)(x % 17), nfrac = (int)((x >> 8) % 26);
        int pos = 0;
        if ((x >> 20) & 1) buf[pos++] = '-';
        uint64_t y = x;
        for (int d = 0; d < ndig; d++) {
            if (d == ndig - nfrac) buf[pos++] = '.';
            y = y * 6364136223846793005u + 1442695040888963407u;
            buf[pos++] = (char)('0' + (y >> 60) % 10);
        }
        buf[pos] = 0;
        same_as_strtod(buf);
    }
}

static void test_i64(void **st) {
    (void)st;
    const char *good[] = {"0", "-0", "7", "-7", "123456789", "9223372036854775807",
                          "-9223372036854775808", "000042"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t v = 0;
        assert_int_equal(rbk_text_to_i64(good[i], strlen(good[i]), &v), 1);
        assert_true(v == strtoll(good[i], NULL, 10));
    }
    const char *bad[] = {"", "-", "+1", " 1", "1 ", "1.0", "9223372036854775808",
                         "-9223372036854775809", "99999999999999999999", "0x1", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 0;
        assert_int_equal(rbk_text_to_i64(bad[i], strlen(bad[i]), &v), 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_double_cases),
        cmocka_unit_test(test_double_random),
        cmocka_unit_test(test_i64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

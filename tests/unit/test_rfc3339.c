/* tests/unit/test_rfc3339.c — support/rfc3339.c: RFC 3339 times read (leap years, offsets,
 * fractions, the refusals with the byte they point at), written, and written with a layout;
 * the calendar checked against the C library's timegm/gmtime_r for every day of 1900-2100. */
#define _DEFAULT_SOURCE /* timegm */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "support/rfc3339.h"

static int64_t ok(const char *s) {
    int64_t ms = 0;
    const char *why = NULL;
    size_t at = 0;
    if (rbk_rfc3339_parse(s, strlen(s), &ms, &why, &at) != 0) fail_msg("\"%s\" refused: %s at %zu", s, why, at);
    return ms;
}
static void refused(const char *s, const char *why_prefix, size_t want_at) {
    int64_t ms = 0;
    const char *why = NULL;
    size_t at = 0;
    if (rbk_rfc3339_parse(s, strlen(s), &ms, &why, &at) == 0) fail_msg("\"%s\" accepted", s);
    if (strncmp(why, why_prefix, strlen(why_prefix))) fail_msg("\"%s\": \"%s\", not \"%s...\"", s, why, why_prefix);
    if (at != want_at) fail_msg("\"%s\": at %zu, not %zu", s, at, want_at);
}
static void shown(int64_t ms, const char *want) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_rfc3339_fmt(&b, ms);
    assert_string_equal(rbk_sbuf_cstr(&b), want);
    rbk_sbuf_free(&b);
}

static void test_parse(void **st) {
    (void)st;
    assert_int_equal(ok("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(ok("1970-01-01t00:00:00z"), 0);
    assert_int_equal(ok("1970-01-01 00:00:00Z"), 0);
    assert_int_equal(ok("2026-12-06T05:10:00Z"), 1796533800000LL);
    /* offsets: the same instant */
    assert_int_equal(ok("2026-12-06T06:10:00+01:00"), 1796533800000LL);
    assert_int_equal(ok("2026-12-05T23:40:00-05:30"), 1796533800000LL);
    assert_int_equal(ok("2026-12-06T05:10:00-00:00"), 1796533800000LL);
    assert_int_equal(ok("2026-12-06 06:10:00+01"), 1796533800000LL); /* PostgreSQL's timestamptz text */
    assert_int_equal(ok("2026-12-06 05:10:00.25+00"), 1796533800250LL);
    /* fractions: cut to milliseconds toward the past, any number of digits */
    assert_int_equal(ok("1970-01-01T00:00:00.5Z"), 500);
    assert_int_equal(ok("1970-01-01T00:00:00.25Z"), 250);
    assert_int_equal(ok("1970-01-01T00:00:00.123999999Z"), 123);
    assert_int_equal(ok("1969-12-31T23:59:59.999Z"), -1);
    /* leap years: 2024 and 2000 are, 1900 and 2100 are not */
    assert_int_equal(ok("2024-02-29T00:00:00Z"), 1709164800000LL);
    ok("2000-02-29T12:00:00Z");
    refused("2023-02-29T00:00:00Z", "February 29 in a year that is not a leap year", 8);
    refused("1900-02-29T00:00:00Z", "February 29", 8);
    refused("2100-02-29T00:00:00Z", "February 29", 8);
    refused("2024-02-30T00:00:00Z", "day out of range", 8);
    refused("2024-04-31T00:00:00Z", "day out of range", 8);
    refused("2024-01-00T00:00:00Z", "day out of range", 8);
    refused("2024-13-01T00:00:00Z", "month out of range", 5);
    refused("2024-00-01T00:00:00Z", "month out of range", 5);
    /* 24:00 and leap seconds */
    refused("2024-01-01T24:00:00Z", "hour out of range", 11);
    refused("2024-01-01T23:60:00Z", "minutes out of range", 14);
    refused("2016-12-31T23:59:60Z", "second 60", 17);
    refused("2024-01-01T23:59:61Z", "seconds out of range", 17);
    /* syntax, at the byte that is wrong */
    refused("", "expected a 4-digit year", 0);
    refused("24-01-01T00:00:00Z", "expected a 4-digit year", 2);
    refused("2024/01/01T00:00:00Z", "expected `-` after the year", 4);
    refused("2024-1-01T00:00:00Z", "expected a 2-digit month", 6);
    refused("2024-01-01", "expected `T`", 10);
    refused("2024-01-01T00:00Z", "expected `:` after the minutes", 16);
    refused("2024-01-01T00:00:00", "expected `Z` or an offset", 19);
    refused("2024-01-01T00:00:00.Z", "expected digits after the decimal point", 20);
    refused("2024-01-01T00:00:00+0100", "expected `:` in the offset", 22);
    refused("2024-01-01T00:00:00+1", "expected a 2-digit offset hour", 21);
    refused("2024-01-01T00:00:00+01:", "expected 2-digit offset minutes", 23);
    refused("2024-01-01T00:00:00+24:00", "offset out of range", 19);
    refused("2024-01-01T00:00:00Z ", "unexpected text after the time", 20);
    refused("2024-01-01T00:00:00ZZ", "unexpected text after the time", 20);
    /* the ends of the range, and an offset that moves a time past them */
    assert_int_equal(ok("0000-01-01T00:00:00Z"), RBK_TIME_MIN_MS);
    assert_int_equal(ok("9999-12-31T23:59:59.999Z"), RBK_TIME_MAX_MS);
    refused("0000-01-01T00:00:00+00:01", "the offset moves it outside", 19);
    refused("9999-12-31T23:59:59-00:01", "the offset moves it outside", 19);
}

static void test_format(void **st) {
    (void)st;
    shown(0, "1970-01-01T00:00:00.000Z");
    shown(-1, "1969-12-31T23:59:59.999Z");
    shown(1796533800250LL, "2026-12-06T05:10:00.250Z");
    shown(RBK_TIME_MIN_MS, "0000-01-01T00:00:00.000Z");
    shown(RBK_TIME_MAX_MS, "9999-12-31T23:59:59.999Z");
    /* written text reads back as the same time */
    for (int64_t ms = RBK_TIME_MIN_MS; ms < RBK_TIME_MAX_MS - 997LL * 86400000 * 37; ms += 997LL * 86400000 * 37 + 12345) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_rfc3339_fmt(&b, ms);
        assert_int_equal(ok(rbk_sbuf_cstr(&b)), ms);
        rbk_sbuf_free(&b);
    }
    rbk_sbuf b = RBK_SBUF_INIT;
    size_t bad = 99;
    assert_int_equal(rbk_time_layout(&b, ok("2024-02-29T22:30:05.123Z"), "%F %T.%L %a %b %j %s %z %Z %% %Y%m%d-%H%M%S",
                                     strlen("%F %T.%L %a %b %j %s %z %Z %% %Y%m%d-%H%M%S"), &bad), 0);
    assert_string_equal(rbk_sbuf_cstr(&b), "2024-02-29 22:30:05.123 Thu Feb 060 1709245805 +0000 UTC % 20240229-223005");
    rbk_sbuf_reset(&b);
    assert_int_equal(rbk_time_layout(&b, -1, "%s", 2, &bad), 0);
    assert_string_equal(rbk_sbuf_cstr(&b), "-1"); /* the second that holds it, as date +%s */
    assert_int_equal(rbk_time_layout(&b, 0, "ab%q", 4, &bad), -1);
    assert_int_equal(bad, 2);
    assert_int_equal(rbk_time_layout(&b, 0, "ab%", 3, &bad), -1);
    assert_int_equal(bad, 2);
    rbk_sbuf_free(&b);
}

/* every day from 1900 to 2100 against timegm and gmtime_r */
static void test_calendar(void **st) {
    (void)st;
    for (int64_t day = -25567; day <= 47482; day++) {
        time_t secs = (time_t)(day * 86400 + 3723);
        struct tm tm;
        gmtime_r(&secs, &tm);
        char text[40];
        snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour, tm.tm_min, tm.tm_sec);
        assert_int_equal(ok(text), (int64_t)timegm(&tm) * 1000);
        rbk_sbuf b = RBK_SBUF_INIT;
        size_t bad;
        assert_int_equal(rbk_time_layout(&b, (int64_t)secs * 1000, "%Y-%m-%dT%H:%M:%SZ %j %a", strlen("%Y-%m-%dT%H:%M:%SZ %j %a"), &bad), 0);
        char want[64];
        strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ %j %a", &tm);
        assert_string_equal(rbk_sbuf_cstr(&b), want);
        rbk_sbuf_free(&b);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_calendar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* support/rfc3339.h — the time values of the language (docs/language.md §3): Unix epoch
 * milliseconds, read from and written as RFC 3339 text, and written with a strftime-like layout.
 * Years 0000 to 9999 only (what RFC 3339 can write); the proleptic Gregorian calendar, no leap
 * seconds. The code is in support/rfc3339.c; tests/unit/test_rfc3339.c covers the edge cases.
 * Shares invariants with: vm/value.c (a time's text), stdlib/std_data.c (time.parse, time.format). */
#ifndef RBK_RFC3339_H
#define RBK_RFC3339_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sbuf.h"

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in Unix epoch milliseconds */
#define RBK_TIME_MIN_MS (-62167219200000LL)
#define RBK_TIME_MAX_MS (253402300799999LL)
static inline bool rbk_time_in_range(int64_t ms) { return ms >= RBK_TIME_MIN_MS && ms <= RBK_TIME_MAX_MS; }

/* Parses an RFC 3339 date-time (section 5.6): YYYY-MM-DD, `T` (or `t`, or one space), hh:mm:ss,
 * an optional fraction of any number of digits (cut to milliseconds, toward the past), and `Z`
 * or an offset +hh:mm / -hh:mm (or +hh at the end: PostgreSQL writes a timestamptz so). The
 * whole text must be the time. Returns 0 with *ms; or -1 with
 * *why (a static text: what is wrong) and *at (the byte where it is). Hour 24, a day past the
 * end of its month (February 29 outside a leap year) and second 60 (a leap second) are refused. */
int rbk_rfc3339_parse(const char *s, size_t n, int64_t *ms, const char **why, size_t *at);
/* Appends ms (in range) as RFC 3339 UTC, always with milliseconds: 2026-12-06T05:10:00.250Z
 * (as now() wrote its text, and the reports their times: one width, so the texts sort as the
 * times do). */
void rbk_rfc3339_fmt(rbk_sbuf *b, int64_t ms);
/* Appends ms (in range), in UTC, written with layout: %Y year (4 digits), %m month, %d day,
 * %H hour, %M minute, %S second (2 digits each), %L milliseconds (3 digits), %j day of the year
 * (3 digits), %a %b English day and month abbreviations, %s Unix seconds, %F = %Y-%m-%d,
 * %T = %H:%M:%S, %z +0000, %Z UTC, %% a percent sign; other bytes as they are. Returns 0, or -1
 * with *bad at the byte of a conversion it does not know (or a lone % at the end). */
int rbk_time_layout(rbk_sbuf *b, int64_t ms, const char *layout, size_t n, size_t *bad);
#endif

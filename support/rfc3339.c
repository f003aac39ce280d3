/* support/rfc3339.c — see rfc3339.h. The calendar arithmetic is H. Hinnant's days_from_civil
 * and civil_from_days (exact for any year, no time_t, no locale, no time zone database). */
#include "rfc3339.h"
#include <inttypes.h>

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}
typedef struct civil {
    int64_t y;
    unsigned mo, d, h, mi, s, ms, yday, wday; /* wday 0 = Sunday; yday 1..366 */
} civil;
static civil civil_from_ms(int64_t t) {
    civil c;
    int64_t days = t >= 0 ? t / 86400000 : -((-t + 86399999) / 86400000);
    int64_t rem = t - days * 86400000;
    c.h = (unsigned)(rem / 3600000);
    c.mi = (unsigned)(rem / 60000 % 60);
    c.s = (unsigned)(rem / 1000 % 60);
    c.ms = (unsigned)(rem % 1000);
    c.wday = (unsigned)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    c.d = doy - (153 * mp + 2) / 5 + 1;
    c.mo = mp < 10 ? mp + 3 : mp - 9;
    c.y = (int64_t)yoe + era * 400 + (c.mo <= 2);
    c.yday = (unsigned)(days - days_from_civil(c.y, 1, 1)) + 1;
    return c;
}
static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static unsigned month_days(int64_t y, unsigned m) {
    static const unsigned char n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* k digits at s[*i] into *v; false (and *i at the first non-digit) when fewer */
static bool digits(const char *s, size_t n, size_t *i, int k, unsigned *v) {
    *v = 0;
    for (int j = 0; j < k; j++, (*i)++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9') return false;
        *v = *v * 10 + (unsigned)(s[*i] - '0');
    }
    return true;
}
static int refuse(const char **why, size_t *at, const char *w, size_t pos) {
    *why = w;
    *at = pos;
    return -1;
}
/* at the first byte that is not one of the k digits */
#define FIELD(k, var, what) \
    do { if (!digits(s, n, &i, k, &var)) return refuse(why, at, "expected " what, i); } while (0)
#define SEP(c, what) \
    do { if (i >= n || s[i] != (c)) return refuse(why, at, "expected " what, i); i++; } while (0)

int rbk_rfc3339_parse(const char *s, size_t n, int64_t *ms, const char **why, size_t *at) {
    size_t i = 0;
    unsigned y, mo, d, h, mi, sec, frac = 0, oh = 0, om = 0;
    FIELD(4, y, "a 4-digit year");
    SEP('-', "`-` after the year");
    size_t mo_at = i;
    FIELD(2, mo, "a 2-digit month");
    SEP('-', "`-` after the month");
    size_t d_at = i;
    FIELD(2, d, "a 2-digit day");
    if (i >= n || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) return refuse(why, at, "expected `T` between the date and the time", i);
    i++;
    size_t h_at = i;
    FIELD(2, h, "a 2-digit hour");
    SEP(':', "`:` after the hour");
    size_t mi_at = i;
    FIELD(2, mi, "2-digit minutes");
    SEP(':', "`:` after the minutes");
    size_t s_at = i;
    FIELD(2, sec, "2-digit seconds");
    if (i < n && s[i] == '.') {
        i++;
        size_t f0 = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (i - f0 < 3) frac = frac * 10 + (unsigned)(s[i] - '0');
            i++;
        }
        if (i == f0) return refuse(why, at, "expected digits after the decimal point", i);
        for (size_t k = i - f0; k < 3; k++) frac *= 10;
    }
    int sign = 0;
    size_t off_at = i;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        sign = s[i] == '-' ? -1 : 1;
        i++;
        FIELD(2, oh, "a 2-digit offset hour");
        if (i < n) { /* +hh alone: PostgreSQL's timestamptz text (2026-12-06 05:10:00+00) */
            SEP(':', "`:` in the offset (+hh:mm)");
            FIELD(2, om, "2-digit offset minutes");
        }
    } else {
        return refuse(why, at, "expected `Z` or an offset such as +02:00", i);
    }
    if (i != n) return refuse(why, at, "unexpected text after the time", i);
    if (mo < 1 || mo > 12) return refuse(why, at, "month out of range (01-12)", mo_at);
    if (d < 1 || d > month_days(y, mo))
        return refuse(why, at, mo == 2 && d == 29 ? "February 29 in a year that is not a leap year" : "day out of range for its month", d_at);
    if (h > 23) return refuse(why, at, "hour out of range (00-23)", h_at);
    if (mi > 59) return refuse(why, at, "minutes out of range (00-59)", mi_at);
    if (sec == 60) return refuse(why, at, "second 60 (a leap second) cannot be represented", s_at);
    if (sec > 59) return refuse(why, at, "seconds out of range (00-59)", s_at);
    if (oh > 23 || om > 59) return refuse(why, at, "offset out of range (at most 23:59)", off_at);
    int64_t t = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec;
    t = t * 1000 + frac - sign * ((int64_t)oh * 60 + om) * 60000;
    if (!rbk_time_in_range(t)) return refuse(why, at, "the offset moves it outside the years 0000-9999", off_at);
    *ms = t;
    return 0;
}

void rbk_rfc3339_fmt(rbk_sbuf *b, int64_t ms) {
    civil c = civil_from_ms(ms);
    rbk_sbuf_printf(b, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02u.%03uZ", c.y, c.mo, c.d, c.h, c.mi, c.s, c.ms);
}

int rbk_time_layout(rbk_sbuf *b, int64_t ms, const char *layout, size_t n, size_t *bad) {
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    civil c = civil_from_ms(ms);
    for (size_t i = 0; i < n; i++) {
        if (layout[i] != '%') { rbk_sbuf_addc(b, layout[i]); continue; }
        if (i + 1 >= n) { *bad = i; return -1; }
        switch (layout[++i]) {
        case 'Y': rbk_sbuf_printf(b, "%04" PRId64, c.y); break;
        case 'm': rbk_sbuf_printf(b, "%02u", c.mo); break;
        case 'd': rbk_sbuf_printf(b, "%02u", c.d); break;
        case 'H': rbk_sbuf_printf(b, "%02u", c.h); break;
        case 'M': rbk_sbuf_printf(b, "%02u", c.mi); break;
        case 'S': rbk_sbuf_printf(b, "%02u", c.s); break;
        case 'L': rbk_sbuf_printf(b, "%03u", c.ms); break;
        case 'j': rbk_sbuf_printf(b, "%03u", c.yday); break;
        case 'a': rbk_sbuf_adds(b, wd[c.wday]); break;
        case 'b': rbk_sbuf_adds(b, mn[c.mo - 1]); break;
        case 's': rbk_sbuf_printf(b, "%" PRId64, ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000)); break;
        case 'F': rbk_sbuf_printf(b, "%04" PRId64 "-%02u-%02u", c.y, c.mo, c.d); break;
        case 'T': rbk_sbuf_printf(b, "%02u:%02u:%02u", c.h, c.mi, c.s); break;
        case 'z': rbk_sbuf_adds(b, "+0000"); break;
        case 'Z': rbk_sbuf_adds(b, "UTC"); break;
        case '%': rbk_sbuf_addc(b, '%'); break;
        default: *bad = i - 1; return -1;
        }
    }
    return 0;
}

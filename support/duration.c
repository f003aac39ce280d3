/* support/duration.c — durations and byte counts as the language and its messages write them
 * (contract in duration.h). No VM dependency: the VM's values, the CLI's renderers and reports
 * and the option parser share it. */
#include "duration.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rbk_duration_fmt(rbk_sbuf *out, int64_t ms) {
    /* magnitude as unsigned: -INT64_MIN does not fit in int64_t */
    uint64_t u = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
    if (ms < 0) rbk_sbuf_addc(out, '-');
    if (u == 0) { rbk_sbuf_adds(out, "0s"); return; }
    if (u < 1000) { rbk_sbuf_printf(out, "%" PRIu64 "ms", u); return; }
    uint64_t d = u / 86400000, h = u / 3600000 % 24, m = u / 60000 % 60, s = u / 1000 % 60,
             r = u % 1000;
    if (d) rbk_sbuf_printf(out, "%" PRIu64 "d", d);
    if (h) rbk_sbuf_printf(out, "%" PRIu64 "h", h);
    if (m) rbk_sbuf_printf(out, "%" PRIu64 "m", m);
    if (s || r) {
        if (r) {
            char buf[8];
            snprintf(buf, sizeof buf, "%03d", (int)r);
            int len = 3;
            while (len > 0 && buf[len - 1] == '0') len--;
            buf[len] = 0;
            rbk_sbuf_printf(out, "%" PRIu64 ".%ss", s, buf);
        } else {
            rbk_sbuf_printf(out, "%" PRIu64 "s", s);
        }
    }
}
void rbk_size_fmt(rbk_sbuf *out, uint64_t n) {
    if (n && n % ((uint64_t)1 << 20) == 0) rbk_sbuf_printf(out, "%" PRIu64 " MiB", n >> 20);
    else if (n && n % 1024 == 0) rbk_sbuf_printf(out, "%" PRIu64 " KiB", n >> 10);
    else rbk_sbuf_printf(out, "%" PRIu64 " byte%s", n, n == 1 ? "" : "s");
}
int rbk_duration_parse(const char *s, int64_t *ms) {
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || errno) return 0;
    double mult;
    if (!strcmp(end, "ms")) mult = 1;
    else if (!strcmp(end, "s")) mult = 1000;
    else if (!strcmp(end, "m")) mult = 60000;
    else if (!strcmp(end, "h")) mult = 3600000;
    else if (!strcmp(end, "d")) mult = 86400000;
    else return 0;
    if (x < 0 || x * mult > 9e18) return 0;
    *ms = (int64_t)(x * mult + 0.5);
    return 1;
}

int rbk_time_scale_parse(const char *s, double *scale) {
    const char *eq = strchr(s, '=');
    double x;
    if (eq) {
        int64_t a, b;
        char *left = strndup(s, (size_t)(eq - s));
        int ok = left && rbk_duration_parse(left, &a) && rbk_duration_parse(eq + 1, &b) && b > 0;
        free(left);
        if (!ok) return 0;
        x = (double)a / (double)b;
    } else {
        /* digits and one point only: no sign, exponent, "inf" or "nan" */
        if (!*s || strspn(s, "0123456789.") != strlen(s) || strchr(s, '.') != strrchr(s, '.') || !strcmp(s, ".")) return 0;
        x = strtod(s, NULL);
    }
    if (!(x >= 1 && x <= RBK_TIME_SCALE_MAX)) return 0;
    *scale = x;
    return 1;
}
int64_t rbk_time_scaled(double scale, int64_t ms) {
    if (!(scale > 1) || ms <= 0) return ms;
    int64_t r = (int64_t)((double)ms / scale + 0.5);
    if (r < RBK_TIME_SCALE_FLOOR_MS) r = ms < RBK_TIME_SCALE_FLOOR_MS ? ms : RBK_TIME_SCALE_FLOOR_MS;
    return r;
}
void rbk_time_scale_fmt(rbk_sbuf *out, double scale) { rbk_sbuf_printf(out, "1/%.10g", scale); }

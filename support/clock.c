/* support/clock.c — see clock.h */
#define _POSIX_C_SOURCE 200809L
#include "clock.h"
#include "rfc3339.h"
#include "sbuf.h"
#include <stdio.h>
#include <time.h>

int64_t rbk_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
int64_t rbk_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
int64_t rbk_wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
void rbk_rfc3339(int64_t wall_ms, char out[32]) { /* the one formatter, support/rfc3339.h */
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_rfc3339_fmt(&b, wall_ms);
    snprintf(out, 32, "%s", b.data ? b.data : "");
    rbk_sbuf_free(&b);
}
int rbk_cancel_check(const rbk_cancel *c) {
    if (!c) return 0;
    if (c->interrupted && *c->interrupted) return 1;
    if (rbk_now_ms() >= c->deadline_ms) return 2;
    return 0;
}
int rbk_cancel_slice(const rbk_cancel *c, int cap_ms) {
    if (!c) return cap_ms;
    int64_t left = c->deadline_ms - rbk_now_ms();
    if (left < 0) left = 0;
    return left < cap_ms ? (int)left : cap_ms;
}
int rbk_sleep_ms(const rbk_cancel *c, int64_t ms) {
    int64_t end = rbk_now_ms() + ms;
    for (;;) {
        int r = rbk_cancel_check(c);
        if (r) return r;
        int64_t left = end - rbk_now_ms();
        if (left <= 0) return 0;
        int64_t slice = left < RBK_POLL_SLICE_MS ? left : RBK_POLL_SLICE_MS;
        if (c) { int s = rbk_cancel_slice(c, (int)slice); if (s < slice) slice = s; }
        struct timespec ts = {(time_t)(slice / 1000), (long)(slice % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

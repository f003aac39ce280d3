/* support/clock.h — monotonic and wall clocks, and the cancellation token that every
 * blocking operation (process, HTTP, SQL, wait) polls. */
#ifndef RBK_CLOCK_H
#define RBK_CLOCK_H
#include <signal.h>
#include <stdint.h>

int64_t rbk_now_ms(void);      /* monotonic milliseconds */
int64_t rbk_now_us(void);      /* monotonic microseconds */
int64_t rbk_wall_ms(void);     /* Unix epoch milliseconds */
/* Formats epoch ms as RFC 3339 UTC with millisecond precision into out (>= 32 bytes). */
void rbk_rfc3339(int64_t wall_ms, char out[32]);

/* A blocking operation must return promptly once *interrupted becomes non-zero or the
 * monotonic clock passes deadline_ms. Poll in slices of at most RBK_POLL_SLICE_MS. */
typedef struct rbk_cancel {
    volatile sig_atomic_t *interrupted; /* may be NULL */
    int64_t deadline_ms;                /* absolute rbk_now_ms(); INT64_MAX = none */
} rbk_cancel;

#define RBK_POLL_SLICE_MS 50

/* 1 when interrupted, 2 when the deadline passed, else 0 */
int rbk_cancel_check(const rbk_cancel *c);
/* milliseconds until the deadline (>= 0), capped at cap_ms */
int rbk_cancel_slice(const rbk_cancel *c, int cap_ms);
/* Sleeps for ms or until cancelled; returns rbk_cancel_check() at the end (0 = slept fully). */
int rbk_sleep_ms(const rbk_cancel *c, int64_t ms);
#endif

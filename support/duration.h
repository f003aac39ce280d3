/* support/duration.h — durations and byte counts as text: how the language writes a duration
 * ("1.5s", "1m30s"), how a message shows a size, and the command line's duration syntax.
 * Below the VM (vm/value.c renders duration values with it) and used by cli/ renderers and
 * reports, which need no VM header for it. */
#ifndef RBK_DURATION_H
#define RBK_DURATION_H
#include <stdint.h>
#include "sbuf.h"

/* Formats milliseconds as the language writes durations: 1500 -> "1.5s", 90000 -> "1m30s". */
void rbk_duration_fmt(rbk_sbuf *out, int64_t ms);
/* Formats a byte count for messages: an exact number of MiB or KiB as "64 MiB" / "512 KiB",
 * anything else as "1000 bytes" (a limit is shown exactly, so it can be passed back). */
void rbk_size_fmt(rbk_sbuf *out, uint64_t bytes);
/* Parses "250ms", "1.5s", "15m", "2h", "1d" (command-line text); 1 on success. */
int rbk_duration_parse(const char *s, int64_t *ms);

/* Rehearsals in compressed time (`runbook run --time-scale`, docs/cli.md). The factor is how
 * much runbook time one unit of real time stands for: 60 runs a minute of `wait`, `within`,
 * `watch`, `retry ... every` and gate timeouts in a second. */
#define RBK_TIME_SCALE_MAX 1000000.0
#define RBK_TIME_SCALE_FLOOR_MS 10 /* a scaled pause or window never shorter: a real system is polled */
/* Parses "60" or "2.5" (a factor from 1 to RBK_TIME_SCALE_MAX) or "1m=1s" (this much runbook
 * time takes that much real time, durations as rbk_duration_parse reads them); 1 on success. */
int rbk_time_scale_parse(const char *s, double *scale);
/* The real time a rehearsal spends on ms of runbook time: ms / scale rounded, at least
 * RBK_TIME_SCALE_FLOOR_MS (or ms itself when that is shorter). scale <= 1: ms unchanged. */
int64_t rbk_time_scaled(double scale, int64_t ms);
/* The factor as the banners write it: "1/60", "1/2.5". */
void rbk_time_scale_fmt(rbk_sbuf *out, double scale);
#endif

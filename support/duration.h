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
#endif

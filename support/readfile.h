/* support/readfile.h — the one way the program reads a file it was given: a runbook and its
 * modules (compiler/compile.c), a .rbc (compiler/pipeline.c), an --env-file, a journal.
 * Such a path may name anything: a FIFO nobody writes to (open would wait for ever), /dev/zero
 * (a read never ends), /proc/self/environ (a "regular" file of size 0 whose bytes are the
 * environment), a directory, a file of gigabytes. So a file is read only when it is a regular
 * file (stat, then open with O_NONBLOCK, then fstat again: a FIFO is never waited on, a device
 * never read) no larger than the caller's limit (checked before anything is read), in a
 * bounded loop that must end exactly at the size fstat gave: a file whose content does not
 * match its size (a /proc or /sys file, a file being written) is refused, and an error never
 * shows a byte of what it refused. Messages name the path in double quotes, without a prefix
 * (the caller says who is reading): cannot read "x": it is a FIFO, not a regular file.
 * stdlib/std_file.c reads for the runbook's own file.read, with its cancellation token. */
#ifndef RBK_READFILE_H
#define RBK_READFILE_H
#include <stddef.h>
#include "sbuf.h"

/* A runbook's sources, its modules included, total at most this (docs/language.md, Limits). */
#define RBK_READ_MAX_SOURCE ((size_t)64 << 20)
/* A .rbc: at most this. The compiler's output for sources within the limit above is several
 * times smaller (the 100,000-line benchmark: 4.5 MB of source, a 12.7 MB .rbc). */
#define RBK_READ_MAX_ARTIFACT ((size_t)1 << 30)
/* A journal (cli/journal.c): at most this. */
#define RBK_READ_MAX_JOURNAL ((size_t)1 << 30)

enum {
    RBK_READ_OK = 0,
    RBK_READ_ERR = -1,     /* err holds the message */
    RBK_READ_TOO_BIG = -2, /* err holds the message; nothing was read */
};
/* flags */
enum {
    /* A pipe or FIFO is read too, to its end (`--env-file <(vault read ...)`): bounded by the
     * limit, and a FIFO that no process writes to reads as empty instead of waiting. */
    RBK_READ_PIPE = 1,
};

/* Appends the whole file to out (NUL-terminated after it, as every rbk_sbuf). */
int rbk_read_file(const char *path, size_t max, int flags, rbk_sbuf *out, rbk_sbuf *err);
#endif

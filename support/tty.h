/* support/tty.h — reading an answer from the operator's terminal (/dev/tty, so it works while
 * stdout is piped into a log): a prompt, one line, no echo for secrets, a deadline, and a
 * prompt exit on interrupt. Used by the gates (stdlib/std_core.c) and the CLI's decisions
 * (cli/prompt.c). The terminal mode is always restored, also on timeout and interrupt. */
#ifndef RBK_TTY_H
#define RBK_TTY_H
#include <signal.h>
#include <stdint.h>
#include "sbuf.h"

enum { RBK_TTY_OK = 0, RBK_TTY_TIMEOUT = 1, RBK_TTY_INTERRUPTED = 2, RBK_TTY_NONE = -1, RBK_TTY_EOF = 3 };

/* Writes prompt to the terminal, reads one line into *line (without the newline). timeout_ms
 * <= 0: no limit. Returns an RBK_TTY_* code. */
int rbk_tty_read(const char *prompt, int secret, int64_t timeout_ms, volatile sig_atomic_t *interrupted, rbk_sbuf *line);
/* 1 when the process has a controlling terminal that can be opened. */
int rbk_tty_available(void);
#endif

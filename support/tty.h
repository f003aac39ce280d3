/* support/tty.h — reading an answer from the operator's terminal (/dev/tty: the terminal itself,
 * whatever stdin and stdout are): a question, one line of answer with simple editing (backspace,
 * Ctrl-U), no echo for secrets, a deadline shown as a countdown on the answer line, and a
 * prompt exit on interrupt. Input typed before the question is discarded, so keys pressed
 * while the run was busy never answer a gate. Used by the gates (stdlib/std_core.c) and the
 * CLI's decisions (cli/prompt.c). The terminal mode is always restored — on answer, timeout,
 * interrupt and end of input, and by rbk_tty_restore from a signal handler before _exit.
 * Colour and redrawing follow NO_COLOR and TERM (TERM=dumb: plain, no redraw). Every text it
 * writes (question, body, hint, label, the typed answer) is cleaned for the terminal
 * (rbk_text_clean_term, support/text.h); masking secrets in it is the caller's (the VM's). */
#ifndef RBK_TTY_H
#define RBK_TTY_H
#include <signal.h>
#include <stdint.h>
#include "sbuf.h"

enum { RBK_TTY_OK = 0, RBK_TTY_TIMEOUT = 1, RBK_TTY_INTERRUPTED = 2, RBK_TTY_NONE = -1, RBK_TTY_EOF = 3 };

typedef struct rbk_tty_req {
    const char *question;  /* written once, bold, before the answer line, or NULL */
    const char *body;      /* written once after the question (lines: context, a menu), or NULL */
    const char *hint;      /* one line written before the answer line (e.g. why the last answer
                              was not accepted), or NULL */
    const char *label;     /* the answer line: "  LABEL (4m 59s left): typed text" */
    int secret;            /* what is typed is not shown */
    int64_t deadline_ms;   /* absolute rbk_now_ms() time; <= 0: no limit */
    volatile sig_atomic_t *interrupted; /* non-zero: return RBK_TTY_INTERRUPTED; may be NULL */
} rbk_tty_req;

/* Asks on /dev/tty and reads one line into *line (appended, without the newline). Returns an
 * RBK_TTY_* code; RBK_TTY_NONE when there is no terminal to ask on. */
int rbk_tty_ask(const rbk_tty_req *r, rbk_sbuf *line);
/* Async-signal-safe: puts the terminal back the way rbk_tty_ask found it, if a question is
 * open (for a signal handler that is about to _exit). */
void rbk_tty_restore(void);
/* Raw mode on terminal fd, for a command that is handed the terminal (stdlib/proc.c): no echo,
 * no line editing, no signals from keys (Ctrl-C goes to the command as a byte). The mode it
 * found is kept for rbk_tty_restore, which puts it back (also from a signal handler). 0, or -1
 * when fd is not a terminal. */
int rbk_tty_raw(int fd);
/* "29m 41s", "41s", "1h 02m": a countdown for people (out: at least 24 bytes). */
void rbk_tty_fmt_left(int64_t ms, char out[24]);
#endif

/* stdlib/proc.h — the process runner behind sh() and exec() (docs/language.md §8 "shell").
 * Owns: spawning one command in a new process group (posix_spawn), feeding its stdin,
 * capturing stdout/stderr without deadlock (poll), streaming lines, cancellation
 * (SIGTERM to the group, a grace period, SIGKILL), reaping. Independent of the VM's values:
 * plain C strings in, rbk_sbuf out, so it can be unit-tested with real processes alone.
 * Shares invariants with: stdlib/std_sh.c (the natives that call it), support/clock.h
 * (rbk_cancel, RBK_POLL_SLICE_MS), docs/shell.md (the documented behaviour). */
#ifndef RBK_PROC_H
#define RBK_PROC_H
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "../support/clock.h"
#include "../support/sbuf.h"

#define RBK_PROC_GRACE_MS_DEFAULT 2000
/* After the main child has exited and its group was killed, how long to keep reading pipes
 * that something outside the group (a setsid'd daemon) may still hold open. */
#define RBK_PROC_DRAIN_MS 300
/* A sh command longer than this is not passed as one argv string (Linux caps one at 128 KiB)
 * but sourced by /bin/sh from a close-on-exec memory file through /proc/PID/fd/N. */
#define RBK_PROC_INLINE_MAX (64 * 1024)
/* Past capture_limit, a stream's capture keeps between this and twice this many of its last
 * bytes. */
#define RBK_PROC_TAIL_KEEP (256 * 1024)

/* stream is "stdout" or "stderr"; line excludes the '\n' (a final unterminated line is
 * delivered too). A line is delivered whole, whatever its length (never in pieces: a secret
 * across a split could not be masked). Called on the thread that runs rbk_proc_run. */
typedef void (*rbk_proc_line_fn)(const char *stream, const char *line, size_t len, void *ctx);

typedef struct rbk_proc_opts {
    /* Exactly one of argv (exec mode: argv[0] looked up in PATH, no shell) or shell_cmd
     * (sh mode: /bin/sh -c shell_cmd). argv is NULL-terminated. */
    const char *const *argv;
    const char *shell_cmd;
    const char *cwd;              /* NULL: inherit */
    /* NULL-terminated overrides applied to the inherited environment: "NAME=VALUE" sets,
     * a bare "NAME" (no '=') removes NAME. */
    const char *const *env;
    /* stdin_data == NULL: stdin is /dev/null. Otherwise these bytes are written to a pipe
     * (incrementally, non-blocking) and the pipe is closed. */
    const char *stdin_data;
    size_t stdin_len;
    /* 1: stdin is a pipe held open (after stdin_data, if any) until the command exits, and
     * closed first when it is cancelled: the remote runner's watchdog (support/sshcmd.h) ends
     * the remote command when its session's stdin reaches EOF. */
    int stdin_hold;
    const rbk_cancel *cancel;     /* NULL: never cancelled */
    int grace_ms;                 /* SIGTERM → SIGKILL delay; <= 0 means the default (2000) */
    rbk_proc_line_fn on_line;     /* optional live streaming */
    void *line_ctx;
    /* Bytes per stream; SIZE_MAX (set by rbk_proc_opts_init) = unlimited, 0 = none at all.
     * When a stream passes it, the command is stopped as on a
     * deadline (SIGTERM to the group, the grace period, SIGKILL), r->over_limit names the
     * stream, and its pipe is still drained so the command never blocks writing; from then
     * on that stream's capture keeps only its last RBK_PROC_TAIL_KEEP to twice that bytes
     * (the report's tail), not the bytes up to the limit. */
    size_t capture_limit;
    /* NULL, or where the command's process group is published while it runs (0 once it is
     * reaped): the owner's signal handler may kill it (kill(2) is signal-safe). The CLI owns
     * the flag, as it owns the interrupt flag (cli/main.c; rbk_run_opts.running_pgid). */
    volatile sig_atomic_t *running_pgid;
    /* tty >= 0: the operator's terminal, open for reading and writing (sh/exec `tty: true`).
     * The command runs on a new pseudo-terminal, in a session of its own whose process group
     * is its pid as above, with the pty as its stdin, stdout and stderr. While it runs, tty is
     * in raw mode (put back on every path, rbk_tty_restore), the keys typed on it are relayed
     * to the command (Ctrl-C too, as a byte: the pty makes it the command's SIGINT), the
     * window size follows tty's, and what the command writes is captured as stdout (stderr
     * stays empty) and handed to on_output, which shows it. stdin_data must be NULL.
     * -1 (rbk_proc_opts_init): pipes, as above. */
    int tty;
    void (*on_output)(const char *p, size_t n, void *ctx);
    void *output_ctx;
} rbk_proc_opts;

typedef struct rbk_proc_result {
    int exited, code;             /* normal exit and its status */
    int signaled, signo;          /* killed by a signal */
    int timed_out, interrupted;   /* cancelled by the deadline / by the interrupt flag */
    int spawn_errno;              /* non-zero: nothing ran (see spawn_what) */
    const char *spawn_what;       /* "program", "cwd", "pipe", "pty", "spawn" (static text) or NULL */
    rbk_sbuf out, err;            /* captured bytes: all of them, or a tail (capture_limit) */
    size_t out_total, err_total;  /* bytes the command wrote, captured or not */
    int out_truncated, err_truncated; /* the stream passed capture_limit: its capture is a tail */
    const char *over_limit;       /* "stdout" or "stderr": the first stream that passed
                                     capture_limit (the command was stopped), or NULL */
    int64_t duration_ms;
    int pid;                      /* the child's pid == its process group id (0 if none) */
} rbk_proc_result;

void rbk_proc_opts_init(rbk_proc_opts *o);
void rbk_proc_result_init(rbk_proc_result *r);
void rbk_proc_result_free(rbk_proc_result *r);

/* Runs the command to completion (or cancellation) and fills *r (initialised here).
 * Returns 0 when the command ran (whatever its status), -1 when it could not be started
 * (r->spawn_errno, r->spawn_what). Every child is reaped before returning, and the process
 * group is killed with SIGKILL once the main child has exited, so no grandchild survives. */
int rbk_proc_run(const rbk_proc_opts *o, rbk_proc_result *r);

/* Appends a one-line description of a spawn failure: "cannot run `foo`: No such file ..." */
void rbk_proc_describe_spawn_error(rbk_sbuf *out, const rbk_proc_opts *o,
                                   const rbk_proc_result *r);
/* "SIGTERM", "SIGKILL", ... or "signal N". */
void rbk_proc_signame(rbk_sbuf *out, int signo);
#endif

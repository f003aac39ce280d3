/* stdlib/proc.c — the process runner (see proc.h for the contract).
 * Owns: posix_spawn into a new process group, the poll loop that feeds stdin and drains
 * stdout/stderr, the cancellation sequence (SIGTERM to the group, grace, SIGKILL), the final
 * SIGKILL of the group once the main child has exited, and reaping.
 * Invariants:
 *  - the group is only ever signalled while its leader is unreaped (alive or a zombie we
 *    have observed with WNOWAIT), so its pgid cannot have been reused by another process;
 *  - every pipe end is O_CLOEXEC and above fd 2, so the child inherits only 0/1/2;
 *  - a SIGPIPE raised by writing the child's stdin is blocked on this thread and consumed.
 * Shares invariants with: stdlib/std_sh.c, docs/shell.md. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "proc.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "../support/tty.h"

extern char **environ;

#define READ_CHUNK 65536
#define WRITE_CHUNK 65536
/* Per poll round and stream, read at most this much before re-checking the clock. */
#define READ_BUDGET (4u << 20)

void rbk_proc_opts_init(rbk_proc_opts *o) {
    memset(o, 0, sizeof *o);
    o->capture_limit = SIZE_MAX;
    o->tty = -1;
}

void rbk_proc_result_init(rbk_proc_result *r) {
    memset(r, 0, sizeof *r);
    r->code = -1;
}

void rbk_proc_result_free(rbk_proc_result *r) {
    rbk_sbuf_free(&r->out);
    rbk_sbuf_free(&r->err);
}

void rbk_proc_signame(rbk_sbuf *out, int signo) {
    const char *abbrev = sigabbrev_np(signo);
    if (abbrev)
        rbk_sbuf_printf(out, "SIG%s", abbrev);
    else
        rbk_sbuf_printf(out, "signal %d", signo);
}

void rbk_proc_describe_spawn_error(rbk_sbuf *out, const rbk_proc_opts *o,
                                   const rbk_proc_result *r) {
    const char *what = r->spawn_what ? r->spawn_what : "spawn";
    int e = r->spawn_errno;
    if (strcmp(what, "cwd") == 0) {
        rbk_sbuf_printf(out, "cannot use working directory `%s`: %s", o->cwd ? o->cwd : "",
                        strerror(e));
    } else if (strcmp(what, "program") == 0) {
        const char *prog = o->argv && o->argv[0] ? o->argv[0] : "";
        rbk_sbuf_printf(out, "cannot run `%s`: %s", prog, strerror(e));
        if (e == ENOENT && !strchr(prog, '/')) rbk_sbuf_adds(out, " (not found in PATH)");
    } else {
        rbk_sbuf_printf(out, "cannot start the process (%s): %s", what, strerror(e));
    }
}

/* ---- helpers ---- */

/* Moves fd above 2 (keeping O_CLOEXEC) so dup2 onto 0/1/2 in the child never aliases. */
static int fd_above2(int fd) {
    if (fd > 2) return fd;
    int n = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int saved = errno;
    close(fd);
    errno = saved;
    return n;
}

static int make_pipe(int p[2]) {
    if (pipe2(p, O_CLOEXEC) != 0) return -1;
    p[0] = fd_above2(p[0]);
    p[1] = fd_above2(p[1]);
    if (p[0] < 0 || p[1] < 0) {
        if (p[0] >= 0) close(p[0]);
        if (p[1] >= 0) close(p[1]);
        return -1;
    }
    return 0;
}

static void close_fd(int *fd) {
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static size_t name_len(const char *kv) {
    const char *eq = strchr(kv, '=');
    return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* The child's environment: the inherited one with overrides applied (caller frees the array,
 * not the strings, which are borrowed from environ and o->env). */
static char **build_env(const char *const *over) {
    size_t n_env = 0, n_over = 0;
    for (char **e = environ; e && *e; e++) n_env++;
    for (const char *const *v = over; v && *v; v++) n_over++;
    char **envp = rbk_xcalloc(n_env + n_over + 1, sizeof *envp);
    size_t k = 0;
    for (char **e = environ; e && *e; e++) {
        size_t nl = name_len(*e);
        int overridden = 0;
        for (const char *const *v = over; v && *v && !overridden; v++)
            overridden = name_len(*v) == nl && strncmp(*v, *e, nl) == 0;
        if (!overridden) envp[k++] = *e;
    }
    for (size_t i = 0; i < n_over; i++) {
        if (!strchr(over[i], '=')) continue; /* a bare NAME removes it */
        /* a later override of the same name wins */
        size_t nl = name_len(over[i]);
        int later = 0;
        for (size_t j = i + 1; j < n_over && !later; j++)
            later = name_len(over[j]) == nl && strncmp(over[j], over[i], nl) == 0;
        if (!later) envp[k++] = (char *)over[i];
    }
    envp[k] = NULL;
    return envp;
}

static int open_pidfd(pid_t pid) {
#if defined(SYS_pidfd_open) && !defined(RBK_PROC_NO_PIDFD)
    long fd = syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) {
        fcntl((int)fd, F_SETFD, FD_CLOEXEC);
        return (int)fd;
    }
#else
    (void)pid;
#endif
    return -1;
}

/* ---- output streams: capture and line splitting ---- */

typedef struct stream_state {
    const char *name;   /* "stdout" | "stderr" */
    int fd;
    rbk_sbuf *cap;
    size_t *total;
    int *truncated;
    const char **over;  /* r->over_limit */
    rbk_sbuf line;      /* partial line (only with a line callback) */
} stream_state;

static void emit_lines(const rbk_proc_opts *o, stream_state *s, const char *p, size_t n) {
    while (n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t seg = nl ? (size_t)(nl - p) : n;
        /* a line is delivered whole, however long: the VM masks it before anything cuts it */
        if (!nl) {
            rbk_sbuf_add(&s->line, p, seg);
            return;
        }
        if (s->line.len == 0) {
            o->on_line(s->name, p, seg, o->line_ctx);
        } else {
            rbk_sbuf_add(&s->line, p, seg);
            o->on_line(s->name, s->line.data, s->line.len, o->line_ctx);
            rbk_sbuf_reset(&s->line);
        }
        p += seg + 1;
        n -= seg + 1;
    }
}

/* Keeps the last RBK_PROC_TAIL_KEEP..2*RBK_PROC_TAIL_KEEP bytes of a stream past its limit;
 * the first call drops the bytes up to the limit (and their memory). */
static void tail_add(rbk_sbuf *cap, const char *p, size_t n, int first) {
    const size_t keep = RBK_PROC_TAIL_KEEP;
    if (first) {
        rbk_sbuf t = RBK_SBUF_INIT;
        size_t old = cap->len > keep ? keep : cap->len;
        rbk_sbuf_reserve(&t, 2 * keep);
        rbk_sbuf_add(&t, rbk_sbuf_cstr(cap) + cap->len - old, old);
        rbk_sbuf_free(cap);
        *cap = t;
    }
    if (n > keep) { /* only its end can survive */
        p += n - keep;
        n = keep;
    }
    if (cap->len + n > 2 * keep) {
        size_t drop = cap->len + n - keep; /* leave keep bytes once n is added */
        if (drop > cap->len) drop = cap->len;
        memmove(cap->data, cap->data + drop, cap->len - drop);
        cap->len -= drop;
    }
    rbk_sbuf_add(cap, p, n);
}

static void stream_take(const rbk_proc_opts *o, stream_state *s, const char *p, size_t n) {
    *s->total += n;
    if (*s->truncated) {
        tail_add(s->cap, p, n, 0);
    } else if (n > o->capture_limit - s->cap->len) { /* len <= capture_limit until then */
        *s->truncated = 1;
        if (!*s->over) *s->over = s->name;
        tail_add(s->cap, p, n, 1);
    } else {
        rbk_sbuf_add(s->cap, p, n);
    }
    if (o->on_line) emit_lines(o, s, p, n);
    if (o->on_output) o->on_output(p, n, o->output_ctx);
}

static void stream_close(const rbk_proc_opts *o, stream_state *s) {
    close_fd(&s->fd);
    if (o->on_line && s->line.len) {
        o->on_line(s->name, s->line.data, s->line.len, o->line_ctx);
        rbk_sbuf_reset(&s->line);
    }
}

/* Reads what is available (up to READ_BUDGET). Closes the stream at EOF or on error. */
static void stream_read(const rbk_proc_opts *o, stream_state *s, char *buf) {
    size_t budget = READ_BUDGET;
    while (s->fd >= 0 && budget > 0) {
        ssize_t k = read(s->fd, buf, READ_CHUNK);
        if (k > 0) {
            stream_take(o, s, buf, (size_t)k);
            budget -= (size_t)k < budget ? (size_t)k : budget;
            continue;
        }
        if (k < 0 && errno == EINTR) continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        stream_close(o, s); /* EOF or a read error */
    }
}

/* ---- the run ---- */

/* A new pseudo-terminal for tty mode, its window the size of tty's: the master (close-on-exec,
 * above fd 2), the slave's path in slave; -1 when none can be had. */
static int open_pty(int tty, char *slave, size_t cap) {
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0 || (m = fd_above2(m)) < 0) return -1;
    if (grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, slave, cap) != 0) {
        close(m);
        return -1;
    }
    fcntl(m, F_SETFD, FD_CLOEXEC);
    struct winsize ws;
    if (ioctl(tty, TIOCGWINSZ, &ws) == 0) ioctl(m, TIOCSWINSZ, &ws);
    return m;
}

/* tty mode: the pty's window follows the operator's (the kernel sends the command SIGWINCH). */
static void follow_size(int tty, int master, struct winsize *win) {
    struct winsize ws;
    if (ioctl(tty, TIOCGWINSZ, &ws) == 0 && (ws.ws_row != win->ws_row || ws.ws_col != win->ws_col)) {
        *win = ws;
        ioctl(master, TIOCSWINSZ, &ws);
    }
}

/* tty mode: what the operator typed goes to the command (a few bytes: the pty takes them),
 * after any change of the window's size, which came first. */
static void relay_keys(int tty, int master, struct winsize *win, char *buf, int *live) {
    follow_size(tty, master, win);
    ssize_t k = read(tty, buf, 4096);
    if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN)) { *live = 0; return; } /* the terminal went away */
    for (ssize_t off = 0, tries = 0; k > 0 && off < k && tries < 1000; tries++) {
        ssize_t w = write(master, buf + off, (size_t)(k - off));
        if (w > 0) off += w;
        else if (w < 0 && errno != EINTR && errno != EAGAIN) break;
        else if (w < 0 && errno == EAGAIN) poll(&(struct pollfd){master, POLLOUT, 0}, 1, RBK_POLL_SLICE_MS);
    }
}

static int spawn_child(const rbk_proc_opts *o, rbk_proc_result *r, int in_r, int out_w,
                       int err_w, const char *slave, pid_t *pid, int *script_fd) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);

    if (slave) {
        /* a session of its own (glibc: before the file actions), so opening the pty's slave
         * makes it the controlling terminal; the session's group is the child's pid */
        posix_spawn_file_actions_addopen(&fa, 0, slave, O_RDWR, 0);
        posix_spawn_file_actions_adddup2(&fa, 0, 1);
        posix_spawn_file_actions_adddup2(&fa, 0, 2);
    } else if (in_r >= 0)
        posix_spawn_file_actions_adddup2(&fa, in_r, 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (!slave) {
        posix_spawn_file_actions_adddup2(&fa, out_w, 1);
        posix_spawn_file_actions_adddup2(&fa, err_w, 2);
    }
    if (o->cwd) posix_spawn_file_actions_addchdir_np(&fa, o->cwd);

    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setflags(&at, (slave ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP) | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    if (!slave) posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);

    char **envp = build_env(o->env);
    int rc;
    if (o->shell_cmd) {
        /* Linux limits one argv string to 128 KiB (MAX_ARG_STRLEN): a longer command is put
         * in a memory file (close-on-exec here) that the shell sources through /proc. */
        rbk_sbuf via = RBK_SBUF_INIT;
        const char *text = o->shell_cmd;
        int mfd = -1;
        size_t len = strlen(text);
        if (len > RBK_PROC_INLINE_MAX) {
            mfd = memfd_create("runbook-sh", MFD_CLOEXEC);
            size_t off = 0;
            while (mfd >= 0 && off < len) {
                ssize_t w = write(mfd, text + off, len - off);
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0) close_fd(&mfd);
                else off += (size_t)w;
            }
            if (mfd >= 0) {
                rbk_sbuf_printf(&via, ". /proc/%d/fd/%d", (int)getpid(), mfd);
                text = via.data;
            }
        }
        char *const argv[] = {"/bin/sh", "-c", (char *)text, NULL};
        rc = posix_spawn(pid, "/bin/sh", &fa, &at, argv, envp);
        *script_fd = mfd; /* kept open until the child is reaped */
        rbk_sbuf_free(&via);
    } else {
        rc = posix_spawnp(pid, o->argv[0], &fa, &at, (char *const *)o->argv, envp);
    }
    free(envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        r->spawn_errno = rc;
        r->spawn_what = o->shell_cmd ? "spawn" : "program";
        return -1;
    }
    return 0;
}

static int check_cwd(const rbk_proc_opts *o, rbk_proc_result *r) {
    if (!o->cwd) return 0;
    struct stat st;
    int e = 0;
    if (stat(o->cwd, &st) != 0)
        e = errno;
    else if (!S_ISDIR(st.st_mode))
        e = ENOTDIR;
    else if (access(o->cwd, X_OK) != 0)
        e = errno;
    if (!e) return 0;
    r->spawn_errno = e;
    r->spawn_what = "cwd";
    return -1;
}

static void record_status(rbk_proc_result *r, int status) {
    if (WIFEXITED(status)) {
        r->exited = 1;
        r->code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r->signaled = 1;
        r->signo = WTERMSIG(status);
        r->code = 128 + r->signo;
    }
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

int rbk_proc_run(const rbk_proc_opts *o, rbk_proc_result *r) {
    rbk_proc_result_init(r);
    int64_t t0 = rbk_now_ms();
    if ((!o->shell_cmd) == (!o->argv) || (o->argv && !o->argv[0])) {
        r->spawn_errno = EINVAL;
        r->spawn_what = "spawn";
        return -1;
    }
    if (check_cwd(o, r) != 0) return -1;

    int inp[2] = {-1, -1}, outp[2] = {-1, -1}, errp[2] = {-1, -1};
    char slave[128];
    int tty = o->tty >= 0 && !o->stdin_data ? o->tty : -1;
    if (tty >= 0) { /* the pty's master is read as stdout; nothing comes on stderr */
        outp[0] = open_pty(tty, slave, sizeof slave);
        if (outp[0] < 0) {
            r->spawn_errno = errno ? errno : EIO;
            r->spawn_what = "pty";
            return -1;
        }
    } else if (((o->stdin_data || o->stdin_hold) && make_pipe(inp) != 0) || make_pipe(outp) != 0 ||
        make_pipe(errp) != 0) {
        r->spawn_errno = errno;
        r->spawn_what = "pipe";
        close_fd(&inp[0]), close_fd(&inp[1]), close_fd(&outp[0]), close_fd(&outp[1]);
        close_fd(&errp[0]), close_fd(&errp[1]);
        return -1;
    }

    /* Block SIGPIPE on this thread while we may write the child's stdin. */
    sigset_t pipe_set, old_mask;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
    int got_epipe = 0;

    pid_t pid = 0;
    int script_fd = -1;
    int rc = spawn_child(o, r, inp[0], outp[1], errp[1], tty >= 0 ? slave : NULL, &pid, &script_fd);
    close_fd(&inp[0]);
    close_fd(&outp[1]);
    close_fd(&errp[1]);
    if (rc != 0) {
        close_fd(&inp[1]), close_fd(&outp[0]), close_fd(&errp[0]), close_fd(&script_fd);
        pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
        r->duration_ms = rbk_now_ms() - t0;
        return -1;
    }
    r->pid = (int)pid;
    if (o->running_pgid) *o->running_pgid = (sig_atomic_t)pid;

    int in_fd = inp[1];
    size_t in_off = 0;
    if (in_fd >= 0) {
        fcntl(in_fd, F_SETFL, fcntl(in_fd, F_GETFL) | O_NONBLOCK);
        if (o->stdin_len == 0 && !o->stdin_hold) close_fd(&in_fd);
    }
    stream_state ss[2] = {
        {"stdout", outp[0], &r->out, &r->out_total, &r->out_truncated, &r->over_limit, RBK_SBUF_INIT},
        {"stderr", errp[0], &r->err, &r->err_total, &r->err_truncated, &r->over_limit, RBK_SBUF_INIT},
    };
    for (int i = 0; i < 2; i++)
        if (ss[i].fd >= 0) fcntl(ss[i].fd, F_SETFL, fcntl(ss[i].fd, F_GETFL) | O_NONBLOCK);
    int keys = tty >= 0 && rbk_tty_raw(tty) == 0; /* relaying the operator's keys */
    struct winsize win = {0};
    if (tty >= 0) ioctl(tty, TIOCGWINSZ, &win);

    int pidfd = open_pidfd(pid);
    int grace = o->grace_ms > 0 ? o->grace_ms : RBK_PROC_GRACE_MS_DEFAULT;
    char *buf = rbk_xmalloc(READ_CHUNK);
    int reaped = 0, killed = 0;
    int64_t term_at = -1, drain_until = 0;
    int backoff = 1;

    for (;;) {
        int64_t now = rbk_now_ms();
        if (!reaped) {
            /* Observe the exit without reaping: the zombie keeps the pgid reserved while we
             * kill whatever is left of the group. */
            siginfo_t si;
            memset(&si, 0, sizeof si);
            if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                si.si_pid == pid) {
                kill(-pid, SIGKILL);
                int status = 0;
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
                record_status(r, status);
                reaped = 1;
                if (o->running_pgid) *o->running_pgid = 0;
                now = rbk_now_ms();
                drain_until = now + RBK_PROC_DRAIN_MS;
                close_fd(&in_fd);
                close_fd(&pidfd);
                close_fd(&script_fd);
            }
        }
        if (!reaped) {
            int c = term_at < 0 ? rbk_cancel_check(o->cancel) : 0;
            if (c || (term_at < 0 && r->over_limit)) {
                if (c == 1)
                    r->interrupted = 1;
                else if (c == 2)
                    r->timed_out = 1;
                kill(-pid, SIGTERM);
                term_at = now;
                close_fd(&in_fd);
            }
            if (term_at >= 0 && !killed && now - term_at >= grace) {
                kill(-pid, SIGKILL);
                killed = 1;
            }
        }
        if (reaped && ss[0].fd < 0 && ss[1].fd < 0) break;
        if (reaped && now >= drain_until) break;

        if (tty >= 0 && ss[0].fd >= 0) follow_size(tty, ss[0].fd, &win);
        struct pollfd pfd[5];
        int idx[5];
        int n = 0;
        for (int i = 0; i < 2; i++)
            if (ss[i].fd >= 0) {
                pfd[n] = (struct pollfd){ss[i].fd, POLLIN, 0};
                idx[n++] = i;
            }
        if (in_fd >= 0 && in_off < o->stdin_len) {
            pfd[n] = (struct pollfd){in_fd, POLLOUT, 0};
            idx[n++] = 2;
        }
        if (pidfd >= 0) {
            pfd[n] = (struct pollfd){pidfd, POLLIN, 0};
            idx[n++] = 3;
        }
        if (keys && !reaped && term_at < 0 && ss[0].fd >= 0) {
            pfd[n] = (struct pollfd){tty, POLLIN, 0};
            idx[n++] = 4;
        }
        int64_t timeout = RBK_POLL_SLICE_MS;
        if (reaped) {
            timeout = min64(timeout, drain_until - now);
        } else {
            if (term_at < 0 && o->cancel) timeout = rbk_cancel_slice(o->cancel, (int)timeout);
            if (term_at >= 0 && !killed) timeout = min64(timeout, term_at + grace - now);
            if (pidfd < 0 && ss[0].fd < 0 && ss[1].fd < 0) {
                /* nothing will wake us when the child exits: poll its status with backoff */
                timeout = min64(timeout, backoff);
                backoff = backoff < RBK_POLL_SLICE_MS ? backoff * 2 : RBK_POLL_SLICE_MS;
            }
        }
        if (timeout < 0) timeout = 0;
        int pr = poll(pfd, (nfds_t)n, (int)timeout);
        if (pr < 0) {
            if (errno == EINTR) continue;
            break; /* cannot happen with valid fds; the cleanup below still reaps */
        }
        for (int k = 0; k < n; k++) {
            if (!pfd[k].revents) continue;
            if (idx[k] < 2) {
                stream_read(o, &ss[idx[k]], buf);
            } else if (idx[k] == 4) {
                relay_keys(tty, ss[0].fd, &win, buf, &keys);
            } else if (idx[k] == 2 && in_fd >= 0) {
                if (pfd[k].revents & (POLLERR | POLLHUP)) {
                    close_fd(&in_fd);
                    continue;
                }
                size_t left = o->stdin_len - in_off;
                ssize_t w = write(in_fd, o->stdin_data + in_off,
                                  left < WRITE_CHUNK ? left : WRITE_CHUNK);
                if (w > 0) {
                    in_off += (size_t)w;
                    if (in_off == o->stdin_len && !o->stdin_hold) close_fd(&in_fd);
                } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
                           errno != EINTR) {
                    if (errno == EPIPE) got_epipe = 1;
                    close_fd(&in_fd); /* the child stopped reading: not an error */
                }
            }
            /* the pidfd: the top of the loop reaps */
        }
    }

    /* Only reached without reaping if poll failed: kill and reap so nothing is left. */
    if (!reaped) {
        kill(-pid, SIGKILL);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        record_status(r, status);
    }
    if (tty >= 0) rbk_tty_restore(); /* the operator's terminal as it was */
    close_fd(&in_fd);
    close_fd(&pidfd);
    close_fd(&script_fd);
    for (int i = 0; i < 2; i++) {
        stream_close(o, &ss[i]);
        rbk_sbuf_free(&ss[i].line);
    }
    free(buf);
    if (got_epipe && !sigismember(&old_mask, SIGPIPE)) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) > 0) {}
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    r->duration_ms = rbk_now_ms() - t0;
    return 0;
}

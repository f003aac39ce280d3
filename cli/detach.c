/* cli/detach.c — `runbook run --detach` (docs/state.md, "Detached runs"): a run that outlives
 * the operator's SSH session, recorded in its store, followed with `runbook show RUN --follow`.
 *
 * The launcher (the process the operator started) forks, the child starts a session of its own
 * and forks again: the grandchild is the run's process, in no session that has a terminal (it
 * never gets the terminal's SIGHUP, and as it leads no session it can never acquire a
 * terminal), stdin /dev/null. It is the process that opens the store, takes the locks and is
 * recorded as the run's pid. Everything before step 1 (compile, locks, preflight, the first
 * journal record) runs there with the launcher's stderr, so a refusal reads and exits as it
 * does without --detach. A pipe carries to the launcher the run process's pid ("P<pid>\n"),
 * then the launcher's exit code ("C<code>\n"): 0 once the run's first record is in the store
 * and its stdout and stderr went to its output file (rbk_detach_commit), else the code the
 * run's process ends with. Ctrl-C at the launcher before then is forwarded as SIGUSR1, which
 * the run's process takes as SIGINT until the run detached and lets pass after (so that a
 * forwarded interrupt that crosses the commit is never taken for a stop).
 * Shares invariants with: cli/run.c (where the commit happens), cli/state_run.c (the store). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../support/shquote.h"
#include "cli.h"
#include "state.h"

struct rbk_detach {
    int fd;         /* the pipe to the launcher, -1 once it was told */
    int out;        /* the output file, open from rbk_detach_open_output on */
    char *say;      /* the lines the launcher's stderr gets at the commit */
};

static int tell(int fd, char what, long long v) {
    char line[32];
    int n = snprintf(line, sizeof line, "%c%lld\n", what, v);
    return write(fd, line, (size_t)n) == n ? 0 : -1;
}

/* ------------------------------------------------------------ the launcher */
static volatile sig_atomic_t g_runner;  /* the run's process, once it said its pid */
static volatile sig_atomic_t g_pending; /* an interrupt came before its pid */

static void forward(int sig) {
    (void)sig;
    if (g_runner > 0) kill((pid_t)g_runner, SIGUSR1);
    else g_pending = 1;
}

static int launcher(int fd, pid_t mid) {
    while (waitpid(mid, NULL, 0) < 0 && errno == EINTR) {}
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    char buf[256];
    size_t len = 0;
    int code = -1;
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
        buf[len] = 0;
        char *nl;
        while ((nl = strchr(buf, '\n'))) {
            *nl = 0;
            if (buf[0] == 'P') {
                g_runner = (sig_atomic_t)atol(buf + 1);
                if (g_pending) kill((pid_t)g_runner, SIGUSR1);
            } else if (buf[0] == 'C') {
                code = atoi(buf + 1);
            }
            len -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, len + 1);
        }
        if (code >= 0 || len == sizeof buf - 1) break;
    }
    close(fd);
    if (code < 0) {
        fputs("runbook run: the run's process ended before its run began (a second interrupt, or it was killed): "
              "`runbook runs` says where it got to\n", stderr);
        return 4;
    }
    return code;
}

int rbk_detach_fork(rbk_cli_opts *o, int *child) {
    *child = 0;
    int p[2];
    if (pipe2(p, O_CLOEXEC)) {
        fprintf(stderr, "runbook run: --detach: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t mid = fork();
    if (mid < 0) {
        fprintf(stderr, "runbook run: --detach: cannot start the run's process: %s\n", strerror(errno));
        close(p[0]);
        close(p[1]);
        return EXIT_USAGE;
    }
    if (mid > 0) {
        close(p[1]);
        return launcher(p[0], mid);
    }
    /* the middle process: a session of its own, then the run's process, which leads nothing */
    close(p[0]);
    if (setsid() < 0) _exit(0); /* the launcher then says the run's process ended */
    pid_t run = fork();
    if (run < 0) {
        fprintf(stderr, "runbook run: --detach: cannot start the run's process: %s\n", strerror(errno));
        tell(p[1], 'C', EXIT_USAGE);
    }
    if (run != 0) _exit(0);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0 && null != 0) { dup2(null, 0); close(null); }
    rbk_cli_forwarded_interrupts(1);
    signal(SIGPIPE, SIG_IGN); /* a launcher that is gone is no reason to die */
    struct rbk_detach *d = rbk_xcalloc(1, sizeof *d);
    d->fd = p[1];
    d->out = -1;
    o->detached = d;
    tell(d->fd, 'P', (long long)getpid());
    *child = 1;
    return 0;
}

/* ------------------------------------------------------------ the run's process */
/* s quoted for sh when it needs it (a store's path with a blank) */
static void add_word(rbk_sbuf *b, const char *s) {
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:@%+=,-*") == strlen(s)) rbk_sbuf_adds(b, s);
    else rbk_sh_quote(b, s, strlen(s));
}

int rbk_detach_open_output(rbk_cli_opts *o, const rbk_state *s) {
    struct rbk_detach *d = o->detached;
    /* a store that keeps files keeps the output beside the journal; else the per-user directory
     * of the machine that runs it */
    char *path = NULL, *jp = s->ops->journal_path(s->h, o->run_id), *err = NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    if (jp) {
        char *slash = strrchr(jp, '/');
        rbk_sbuf_printf(&b, "%.*s/output.log", slash ? (int)(slash - jp) : 1, slash ? jp : ".");
        path = rbk_sbuf_detach(&b);
        free(jp);
    } else {
        char *dir = rbk_state_user_dir("detached", &err);
        if (dir) {
            rbk_sbuf_printf(&b, "%s/%s.log", dir, o->run_id);
            path = rbk_sbuf_detach(&b);
            free(dir);
        }
    }
    if (path) {
        d->out = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
        if (d->out < 0) {
            rbk_sbuf_printf(&b, "%s: %s", path, strerror(errno));
            err = rbk_sbuf_detach(&b);
        }
    }
    if (d->out < 0) {
        fprintf(stderr, "runbook: not started: --detach: the file for the run's output: %s\n", err ? err : "?");
        free(err);
        free(path);
        return EXIT_USAGE;
    }
    char host[256] = "";
    if (gethostname(host, sizeof host - 1)) strcpy(host, "?");
    long long pid = (long long)getpid();
    rbk_sbuf_printf(&b, "run: %s detached: pid %lld on %s; its output goes to %s\n", o->run_id, pid, host, path);
    rbk_sbuf_printf(&b, "  follow it: runbook show %s --follow --state ", o->run_id);
    char *abs = strcmp(s->ops->name, "directory") ? NULL : realpath(s->where, NULL); /* from any directory */
    add_word(&b, abs ? abs : s->where);
    free(abs);
    rbk_sbuf_printf(&b, "\n  stop it:   kill -TERM %lld (on %s: it stops as at Ctrl-C without a terminal, exit 4; "
                        "`runbook resume %s` continues it)\n", pid, host, o->run_id);
    d->say = rbk_sbuf_detach(&b);
    free(path);
    return 0;
}

void rbk_detach_commit(rbk_cli_opts *o) {
    struct rbk_detach *d = o->detached;
    if (!d || d->fd < 0) return;
    /* from now on a forwarded interrupt passes; one that came before stops the run attached */
    rbk_cli_forwarded_interrupts(0);
    if (o->interrupted && *o->interrupted) return;
    fputs(d->say, stderr);
    fflush(stdout);
    fflush(stderr);
    dup2(d->out, 1);
    dup2(d->out, 2);
    close(d->out);
    d->out = -1;
    setvbuf(stdout, NULL, _IOLBF, 0); /* the output file reads as the run goes */
    tell(d->fd, 'C', 0);
    close(d->fd);
    d->fd = -1;
}

void rbk_detach_end(rbk_cli_opts *o, int rc) {
    struct rbk_detach *d = o->detached;
    if (!d) return;
    if (d->fd >= 0) {
        fflush(stdout);
        fflush(stderr);
        tell(d->fd, 'C', rc);
        close(d->fd);
    }
    if (d->out >= 0) close(d->out);
    free(d->say);
    free(d);
    o->detached = NULL;
}

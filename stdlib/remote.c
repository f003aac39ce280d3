/* stdlib/remote.c — the remote runner (contract in remote.h). */
#include "remote.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "../support/clock.h"

typedef struct pool {
    rbk_remote_job *jobs;
    size_t n, next;
    pthread_mutex_t mu;
} pool;

static void *worker(void *arg) {
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n) return NULL;
        p->jobs[i].rc = rbk_proc_run(&p->jobs[i].opts, &p->jobs[i].res);
    }
}

void rbk_remote_run_all(rbk_remote_job *jobs, size_t n, int forks) {
    if (n == 0) return;
    size_t k = forks < 1 ? 1 : (size_t)forks;
    if (k > n) k = n;
    pool p = {jobs, n, 0, PTHREAD_MUTEX_INITIALIZER};
    if (k == 1) { /* no thread for one at a time */
        worker(&p);
        return;
    }
    pthread_t *t = rbk_xcalloc(k, sizeof *t);
    size_t started = 0;
    for (size_t i = 0; i < k; i++) {
        if (pthread_create(&t[i], NULL, worker, &p)) break;
        started++;
    }
    if (!started) worker(&p); /* no thread could be made: this one does the work */
    for (size_t i = 0; i < started; i++) pthread_join(t[i], NULL);
    free(t);
    pthread_mutex_destroy(&p.mu);
}

/* Why ssh could not connect, in a line: the client's own words, the one that matters. */
static void connect_problem(rbk_sbuf *out, const char *err) {
    if (strstr(err, "IDENTIFICATION HAS CHANGED")) {
        rbk_sbuf_adds(out, "its host key has changed (refused: the key in known_hosts is another one)");
        return;
    }
    if (strstr(err, "Host key verification failed") || strstr(err, "No ED25519 host key is known") ||
        strstr(err, "host key is known")) {
        rbk_sbuf_adds(out, "its host key is not known (refused: add it to known_hosts; it is never accepted silently)");
        return;
    }
    /* the last non-empty line */
    const char *end = err + strlen(err);
    while (end > err && (end[-1] == '\n' || end[-1] == '\r')) end--;
    const char *start = end;
    while (start > err && start[-1] != '\n') start--;
    if (start == end) rbk_sbuf_adds(out, "ssh failed without a message");
    else rbk_sbuf_add(out, start, (size_t)(end - start));
}

int rbk_remote_preflight(rbk_fleet *f, const size_t *hosts, size_t n, volatile sig_atomic_t *interrupted,
                         rbk_sbuf *problems) {
    if (!n) return 0;
    if (!f->control_dir) {
        /* $TMPDIR when it is short enough, else /tmp: a socket's path must fit sun_path (108
         * bytes with its NUL): this directory (base + 19), "/", the socket's name (%C: 40 hex
         * digits) and the 17 characters ssh appends while it binds it */
        const char *base = getenv("TMPDIR");
        if (!base || base[0] != '/' || strlen(base) > 30) base = "/tmp";
        char tmpl[64];
        snprintf(tmpl, sizeof tmpl, "%s/runbook-ssh-XXXXXX", base);
        if (!mkdtemp(tmpl)) { /* mkdtemp makes it 0700 */
            rbk_sbuf_printf(problems, "cannot make the run's ssh control directory in %s: %s\n", base, strerror(errno));
            return 1;
        }
        f->control_dir = rbk_xstrdup(tmpl);
        rbk_fleet_ready(f);
    }
    rbk_remote_job *jobs = rbk_xcalloc(n, sizeof *jobs);
    rbk_ssh_argv *argvs = rbk_xcalloc(n, sizeof *argvs);
    rbk_cancel cancel = {interrupted, rbk_now_ms() + 4 * 1000 * RBK_SSH_CONNECT_TIMEOUT_S};
    int np = 0;
    for (size_t i = 0; i < n; i++) {
        rbk_sbuf err = RBK_SBUF_INIT;
        rbk_proc_opts_init(&jobs[i].opts);
        rbk_proc_result_init(&jobs[i].res);
        if (rbk_ssh_control(&f->hosts[hosts[i]].target, RBK_SSH_MASTER_START, &argvs[i], &err)) {
            rbk_sbuf_printf(problems, "host %s: %s\n", f->hosts[hosts[i]].name, rbk_sbuf_cstr(&err));
            np++;
            jobs[i].rc = -2; /* not run */
        }
        rbk_sbuf_free(&err);
        /* `setsid -w`: ssh -f forks the master and exits, and proc.c then kills the process
         * group it started, which could take the master with it before the master's own
         * setsid (measured: a quarter of the masters died, and the first call to their host
         * made a new connection). Under setsid the whole ssh runs in a session of its own. */
        if (jobs[i].rc != -2) {
            static const char *const pre[] = {"setsid", "-w"};
            argvs[i].argv = rbk_xrealloc(argvs[i].argv, (argvs[i].n + 3) * sizeof *argvs[i].argv);
            memmove(argvs[i].argv + 2, argvs[i].argv, (argvs[i].n + 1) * sizeof *argvs[i].argv);
            for (int k = 0; k < 2; k++) argvs[i].argv[k] = rbk_xstrdup(pre[k]);
            argvs[i].n += 2;
            argvs[i].cap = argvs[i].n + 1;
        }
        jobs[i].opts.argv = (const char *const *)argvs[i].argv;
        jobs[i].opts.cancel = &cancel;
        jobs[i].opts.capture_limit = 64 * 1024;
    }
    /* the jobs that could not be built are not run: run the others */
    rbk_remote_job *run = rbk_xcalloc(n, sizeof *run);
    size_t *back = rbk_xcalloc(n, sizeof *back), nrun = 0;
    for (size_t i = 0; i < n; i++)
        if (jobs[i].rc != -2) { run[nrun] = jobs[i]; back[nrun++] = i; }
    rbk_remote_run_all(run, nrun, f->forks);
    for (size_t k = 0; k < nrun; k++) {
        rbk_remote_job *j = &run[k];
        rbk_fleet_host *h = &f->hosts[hosts[back[k]]];
        if (j->rc == 0 && j->res.exited && j->res.code == 0) {
            h->master = 1;
        } else {
            rbk_sbuf_printf(problems, "host %s (%s%s%s): ", h->name, h->target.address, h->port ? ":" : "", h->port ? h->port : "");
            if (j->rc != 0) rbk_proc_describe_spawn_error(problems, &j->opts, &j->res);
            else if (j->res.interrupted) rbk_sbuf_adds(problems, "interrupted while connecting");
            else if (j->res.timed_out) rbk_sbuf_adds(problems, "no answer (timed out while connecting)");
            else connect_problem(problems, rbk_sbuf_cstr(&j->res.err));
            rbk_sbuf_addc(problems, '\n');
            np++;
        }
        rbk_proc_result_free(&j->res);
    }
    for (size_t i = 0; i < n; i++) rbk_ssh_argv_free(&argvs[i]);
    free(run);
    free(back);
    free(jobs);
    free(argvs);
    return np;
}

/* OpenSSH's multiplexing protocol (PROTOCOL.mux, version 4), the part `ssh -O exit` speaks:
 * each message is a uint32 length and that many bytes, integers big-endian. Spoken here so that
 * ending the masters of 100 hosts does not start 100 ssh clients (about 0.4 s of a 100-host
 * run on 2 CPUs: docs/benchmarks.md). */
enum { MUX_MSG_HELLO = 0x00000001, MUX_C_TERMINATE = 0x10000005, MUX_S_OK = 0x80000001, MUX_VERSION = 4 };

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}
static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static int mux_send(int fd, uint32_t type, uint32_t arg) {
    unsigned char m[12];
    put_u32(m, 8), put_u32(m + 4, type), put_u32(m + 8, arg);
    return send(fd, m, sizeof m, MSG_NOSIGNAL) == (ssize_t)sizeof m ? 0 : -1;
}
/* 0, 1 when the master closed the connection before the first byte, -1 on another failure */
static int recv_full(int fd, unsigned char *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, p + got, n - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0 || (r < 0 && errno == ECONNRESET)) return got ? -1 : 1;
        if (r < 0) return -1;
        got += (size_t)r;
    }
    return 0;
}
/* Reads one message (at most 1 KiB: the master's hello and its replies are a few words);
 * its first two words into *type, *arg. 0, 1 (closed before the message), or -1. */
static int mux_recv(int fd, uint32_t *type, uint32_t *arg) {
    unsigned char m[1024];
    int c = recv_full(fd, m, 4);
    if (c) return c;
    uint32_t len = get_u32(m);
    if (len < 8 || len > sizeof m || recv_full(fd, m, len)) return -1;
    *type = get_u32(m);
    *arg = get_u32(m + 4);
    return 0;
}
/* Asks the master listening on path to end (as `ssh -O exit`): 0 when it said yes, 1 when
 * nothing listens there (a master that died), -1 when one did not answer as expected. */
static int mux_terminate(const char *path) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) return -1;
    memcpy(a.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    /* a master that no longer answers is not waited for long (the fallback asks ssh) */
    struct timeval tv = {RBK_SSH_CONNECT_TIMEOUT_S / 5 ? RBK_SSH_CONNECT_TIMEOUT_S / 5 : 1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
        int e = errno;
        close(fd);
        return e == ECONNREFUSED || e == ENOENT ? 1 : -1;
    }
    uint32_t type = 0, arg = 0;
    int ok = mux_send(fd, MUX_MSG_HELLO, MUX_VERSION) == 0 && mux_recv(fd, &type, &arg) == 0 &&
             type == MUX_MSG_HELLO && mux_send(fd, MUX_C_TERMINATE, 1) == 0;
    if (ok) {
        /* OpenSSH's master ends as soon as it has the request, usually before its MUX_S_OK is
         * out: the connection closed is a yes too (as for `ssh -O exit`: "remote end exited") */
        int c = mux_recv(fd, &type, &arg);
        ok = c == 1 || (c == 0 && type == MUX_S_OK && arg == 1);
    }
    close(fd);
    return ok ? 0 : -1;
}

/* Every entry of the control directory, path by path: fn(path, ctx). */
static void each_socket(const char *dir, void (*fn)(const char *path, void *ctx), void *ctx) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    rbk_sbuf p = RBK_SBUF_INIT;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        rbk_sbuf_reset(&p);
        rbk_sbuf_printf(&p, "%s/%s", dir, e->d_name);
        fn(rbk_sbuf_cstr(&p), ctx);
    }
    rbk_sbuf_free(&p);
    closedir(d);
}
static void terminate_one(const char *path, void *ctx) {
    if (mux_terminate(path) < 0) ++*(int *)ctx;
}
static void unlink_one(const char *path, void *ctx) {
    (void)ctx;
    unlink(path);
}

/* `ssh -O exit` for every host that has a master: the way when a master did not take the
 * protocol's request (another client version, say). */
static void exit_by_ssh(rbk_fleet *f) {
    size_t n = 0;
    for (size_t i = 0; i < f->nhosts; i++) n += f->hosts[i].master != 0;
    rbk_remote_job *jobs = rbk_xcalloc(n ? n : 1, sizeof *jobs);
    rbk_ssh_argv *argvs = rbk_xcalloc(n ? n : 1, sizeof *argvs);
    rbk_cancel cancel = {NULL, rbk_now_ms() + 1000 * RBK_SSH_CONNECT_TIMEOUT_S};
    size_t k = 0;
    for (size_t i = 0; i < f->nhosts; i++) {
        if (!f->hosts[i].master) continue;
        rbk_sbuf err = RBK_SBUF_INIT;
        rbk_proc_opts_init(&jobs[k].opts);
        if (rbk_ssh_control(&f->hosts[i].target, RBK_SSH_MASTER_EXIT, &argvs[k], &err) == 0) {
            jobs[k].opts.argv = (const char *const *)argvs[k].argv;
            jobs[k].opts.cancel = &cancel;
            jobs[k].opts.capture_limit = 4096;
            k++;
        } else {
            rbk_ssh_argv_free(&argvs[k]);
        }
        rbk_sbuf_free(&err);
    }
    rbk_remote_run_all(jobs, k, f->forks);
    for (size_t i = 0; i < k; i++) {
        rbk_proc_result_free(&jobs[i].res);
        rbk_ssh_argv_free(&argvs[i]);
    }
    free(jobs);
    free(argvs);
}

void rbk_remote_close(rbk_fleet *f) {
    if (!f || !f->control_dir) return;
    /* every socket in the directory is a master of this run (ControlPath DIR/%C): each is asked
     * to end through the protocol, one after the other (a round trip each) */
    int refused = 0;
    each_socket(f->control_dir, terminate_one, &refused);
    if (refused) exit_by_ssh(f);
    for (size_t i = 0; i < f->nhosts; i++) f->hosts[i].master = 0;
    /* the masters remove their sockets as they end; anything left (a master that died) goes too */
    each_socket(f->control_dir, unlink_one, NULL);
    rmdir(f->control_dir);
    free(f->control_dir);
    f->control_dir = NULL;
    rbk_fleet_ready(f);
}

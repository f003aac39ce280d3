/* stdlib/remote.c — the remote runner (contract in remote.h). */
#include "remote.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

void rbk_remote_close(rbk_fleet *f) {
    if (!f || !f->control_dir) return;
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
        f->hosts[i].master = 0;
    }
    rbk_remote_run_all(jobs, k, f->forks);
    for (size_t i = 0; i < k; i++) {
        rbk_proc_result_free(&jobs[i].res);
        rbk_ssh_argv_free(&argvs[i]);
    }
    free(jobs);
    free(argvs);
    /* the masters removed their sockets; anything left (a master that died) goes too */
    DIR *d = opendir(f->control_dir);
    if (d) {
        struct dirent *e;
        rbk_sbuf p = RBK_SBUF_INIT;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            rbk_sbuf_reset(&p);
            rbk_sbuf_printf(&p, "%s/%s", f->control_dir, e->d_name);
            unlink(rbk_sbuf_cstr(&p));
        }
        rbk_sbuf_free(&p);
        closedir(d);
    }
    rmdir(f->control_dir);
    free(f->control_dir);
    f->control_dir = NULL;
    rbk_fleet_ready(f);
}

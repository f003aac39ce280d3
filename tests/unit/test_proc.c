/* tests/unit/test_proc.c — stdlib/proc.c with real processes: exit status, signals, 50 MB on
 * both streams, stdin (10 MB, unread stdin), cwd, env, spawn errors, timeout, interrupt from
 * another thread, grandchildren that ignore SIGTERM, pipes held by an escaped daemon, line
 * streaming, capture limits, and no child or group member left behind.
 * The test process makes itself a child subreaper (PR_SET_CHILD_SUBREAPER) so that orphaned
 * grandchildren become its children: it can then prove they were killed and reap them (PID 1
 * in a container may never reap). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stdlib/proc.h"

#define MB (1024u * 1024u)

static int run_sh(const char *cmd, rbk_proc_result *r) {
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = cmd;
    return rbk_proc_run(&o, r);
}

/* The main child was reaped by rbk_proc_run. */
static void assert_reaped(const rbk_proc_result *r) {
    assert_true(r->pid > 0);
    errno = 0;
    assert_int_equal(waitpid(r->pid, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

/* No member of the child's process group survives: strays reparented to us (subreaper) are
 * reaped here; each must have died (they were SIGKILLed). Polls for up to 5 s. */
static void assert_group_gone(int pgid) {
    for (int i = 0; i < 500; i++) {
        int st;
        pid_t p;
        while ((p = waitpid(-1, &st, WNOHANG)) > 0) {}
        if (kill(-pgid, 0) != 0 && errno == ESRCH) return;
        usleep(10000);
    }
    fail_msg("process group %d still has members", pgid);
}

static void make_tmpdir(char *dir, size_t n) {
    snprintf(dir, n, "/tmp/rbk_proc_XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void test_exit_codes(void **state) {
    (void)state;
    int codes[] = {0, 1, 3, 42, 255};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char cmd[32];
        snprintf(cmd, sizeof cmd, "exit %d", codes[i]);
        rbk_proc_result r;
        assert_int_equal(run_sh(cmd, &r), 0);
        assert_true(r.exited);
        assert_false(r.signaled);
        assert_int_equal(r.code, codes[i]);
        assert_false(r.timed_out || r.interrupted);
        assert_reaped(&r);
        rbk_proc_result_free(&r);
    }
}

static void test_stdout_stderr_small(void **state) {
    (void)state;
    rbk_proc_result r;
    assert_int_equal(run_sh("printf 'out\\n'; printf 'err\\n' >&2", &r), 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "out\n");
    assert_string_equal(rbk_sbuf_cstr(&r.err), "err\n");
    assert_int_equal(r.code, 0);
    assert_true(r.duration_ms >= 0);
    rbk_proc_result_free(&r);
}

static void test_signal_death(void **state) {
    (void)state;
    rbk_proc_result r;
    assert_int_equal(run_sh("kill -9 $$", &r), 0);
    assert_true(r.signaled);
    assert_false(r.exited);
    assert_int_equal(r.signo, SIGKILL);
    assert_int_equal(r.code, 128 + SIGKILL);
    rbk_sbuf name = RBK_SBUF_INIT;
    rbk_proc_signame(&name, r.signo);
    assert_string_equal(name.data, "SIGKILL");
    rbk_sbuf_free(&name);
    assert_reaped(&r);
    rbk_proc_result_free(&r);
}

/* The signal dispositions and mask of the parent do not leak into the child. */
static void test_signals_reset(void **state) {
    (void)state;
    struct sigaction ign, old_term;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGTERM, &ign, &old_term);
    sigset_t set, old_mask;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &old_mask);
    rbk_proc_result r;
    assert_int_equal(run_sh("kill -TERM $$; sleep 5; exit 0", &r), 0);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    assert_true(r.signaled);
    assert_int_equal(r.signo, SIGTERM);
    rbk_proc_result_free(&r);
}

static void test_50mb_each_stream(void **state) {
    (void)state;
    rbk_proc_result r;
    assert_int_equal(run_sh("head -c 52428800 /dev/zero >&2 & head -c 52428800 /dev/zero; wait",
                            &r),
                     0);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.out.len, 50 * MB);
    assert_int_equal(r.err.len, 50 * MB);
    assert_int_equal(r.out_total, 50 * MB);
    assert_false(r.out_truncated || r.err_truncated);
    rbk_proc_result_free(&r);
}

static void test_stdin_roundtrip(void **state) {
    (void)state;
    size_t n = 10 * MB;
    char *data = malloc(n);
    assert_non_null(data);
    for (size_t i = 0; i < n; i++) data[i] = (char)((i * 131 + i / 7) & 0xff);
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    const char *argv[] = {"cat", NULL};
    o.argv = argv;
    o.stdin_data = data;
    o.stdin_len = n;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.out.len, n);
    assert_memory_equal(r.out.data, data, n);
    rbk_proc_result_free(&r);

    /* empty stdin: a pipe that is closed at once */
    o.stdin_data = "";
    o.stdin_len = 0;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.out.len, 0);
    rbk_proc_result_free(&r);

    /* no stdin: /dev/null */
    o.stdin_data = NULL;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_int_equal(r.out.len, 0);
    rbk_proc_result_free(&r);

    /* a child that never reads a 10 MB stdin neither deadlocks nor kills us with SIGPIPE */
    const char *argv2[] = {"sh", "-c", "sleep 0.2; echo done", NULL};
    o.argv = argv2;
    o.stdin_data = data;
    o.stdin_len = n;
    assert_int_equal(rbk_proc_run(&o, &r), 0); /* a deadlock would hang: the ctest TIMEOUT fails it */
    assert_int_equal(r.code, 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "done\n");
    rbk_proc_result_free(&r);

    /* a child that reads only a little and exits */
    const char *argv3[] = {"head", "-c", "10", NULL};
    o.argv = argv3;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.out.len, 10);
    rbk_proc_result_free(&r);
    free(data);
}

static void test_cwd(void **state) {
    (void)state;
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    char real[PATH_MAX];
    assert_non_null(realpath(dir, real));
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "pwd -P";
    o.cwd = dir;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    rbk_sbuf want = RBK_SBUF_INIT;
    rbk_sbuf_printf(&want, "%s\n", real);
    assert_string_equal(rbk_sbuf_cstr(&r.out), want.data);
    rbk_sbuf_free(&want);
    rbk_proc_result_free(&r);

    /* exec mode: relative program resolved through PATH, cwd applied */
    const char *argv[] = {"ls", NULL};
    o.shell_cmd = NULL;
    o.argv = argv;
    char f[128];
    snprintf(f, sizeof f, "%s/marker.txt", dir);
    FILE *fp = fopen(f, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "marker.txt\n");
    rbk_proc_result_free(&r);
    unlink(f);

    /* a missing directory is a spawn error naming the cwd */
    o.cwd = "/nonexistent/rbk/dir";
    assert_int_equal(rbk_proc_run(&o, &r), -1);
    assert_int_equal(r.spawn_errno, ENOENT);
    assert_string_equal(r.spawn_what, "cwd");
    rbk_sbuf msg = RBK_SBUF_INIT;
    rbk_proc_describe_spawn_error(&msg, &o, &r);
    assert_non_null(strstr(msg.data, "/nonexistent/rbk/dir"));
    rbk_sbuf_free(&msg);
    rbk_proc_result_free(&r);
    rmdir(dir);
}

static void test_env(void **state) {
    (void)state;
    setenv("RBK_T_INHERITED", "inh", 1);
    setenv("RBK_T_REMOVED", "gone?", 1);
    setenv("RBK_T_REPLACED", "old", 1);
    const char *env[] = {"RBK_T_NEW=new value with 'quotes' and $x", "RBK_T_REMOVED",
                         "RBK_T_REPLACED=first", "RBK_T_REPLACED=new", NULL};
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "printf '%s|%s|%s|%s' \"$RBK_T_INHERITED\" \"$RBK_T_NEW\" "
                  "\"${RBK_T_REMOVED-unset}\" \"$RBK_T_REPLACED\"";
    o.env = env;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "inh|new value with 'quotes' and $x|unset|new");
    rbk_proc_result_free(&r);
    /* exactly one RBK_T_REPLACED in the child's environment */
    o.shell_cmd = "env | grep -c '^RBK_T_REPLACED='";
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "1\n");
    rbk_proc_result_free(&r);
    unsetenv("RBK_T_INHERITED");
    unsetenv("RBK_T_REMOVED");
    unsetenv("RBK_T_REPLACED");
}

static void test_missing_and_nonexec(void **state) {
    (void)state;
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    const char *argv[] = {"rbk-no-such-program-xyz", "arg", NULL};
    o.argv = argv;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), -1);
    assert_int_equal(r.spawn_errno, ENOENT);
    assert_string_equal(r.spawn_what, "program");
    rbk_sbuf msg = RBK_SBUF_INIT;
    rbk_proc_describe_spawn_error(&msg, &o, &r);
    assert_string_equal(msg.data,
                        "cannot run `rbk-no-such-program-xyz`: No such file or directory "
                        "(not found in PATH)");
    rbk_sbuf_free(&msg);
    rbk_proc_result_free(&r);

    /* sh mode: the shell's 127 */
    assert_int_equal(run_sh("rbk-no-such-program-xyz", &r), 0);
    assert_int_equal(r.code, 127);
    assert_true(r.err.len > 0);
    rbk_proc_result_free(&r);

    /* a file without the execute bit */
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    char path[128];
    snprintf(path, sizeof path, "%s/script.sh", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("#!/bin/sh\necho hi\n", fp);
    fclose(fp);
    chmod(path, 0644);
    const char *argv2[] = {path, NULL};
    o.argv = argv2;
    assert_int_equal(rbk_proc_run(&o, &r), -1);
    assert_int_equal(r.spawn_errno, EACCES);
    rbk_proc_result_free(&r);
    rbk_sbuf cmd = RBK_SBUF_INIT;
    rbk_sbuf_printf(&cmd, "%s", path);
    assert_int_equal(run_sh(cmd.data, &r), 0);
    assert_int_equal(r.code, 126);
    rbk_proc_result_free(&r);
    rbk_sbuf_free(&cmd);
    /* with the bit it runs */
    chmod(path, 0755);
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "hi\n");
    rbk_proc_result_free(&r);
    unlink(path);
    rmdir(dir);
}

static void test_timeout_kills_sleep(void **state) {
    (void)state;
    rbk_cancel c = {NULL, rbk_now_ms() + 300};
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "echo started; sleep 100";
    o.cancel = &c;
    rbk_proc_result r;
    int64_t t0 = rbk_now_ms();
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    int64_t took = rbk_now_ms() - t0;
    assert_true(took >= 250); /* not before the deadline */
    assert_true(r.timed_out);
    /* SIGTERM was enough: no SIGKILL after the grace period */
    assert_true(r.signaled);
    assert_int_equal(r.signo, SIGTERM);
    assert_false(r.interrupted);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "started\n");
    assert_reaped(&r);
    assert_group_gone(r.pid);
    rbk_proc_result_free(&r);
}

/* A deadline already passed: the child is killed at once. */
static void test_deadline_in_past(void **state) {
    (void)state;
    rbk_cancel c = {NULL, rbk_now_ms() - 1};
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "sleep 100";
    o.cancel = &c;
    rbk_proc_result r;
    int64_t t0 = rbk_now_ms();
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_true(rbk_now_ms() - t0 < 5000);
    assert_true(r.timed_out);
    assert_reaped(&r);
    rbk_proc_result_free(&r);
}

/* The shell and its grandchildren ignore SIGTERM and keep the pipes open: SIGKILL after the
 * grace period, and nothing of the group survives. */
static void test_grandchildren_ignore_term(void **state) {
    (void)state;
    rbk_cancel c = {NULL, rbk_now_ms() + 300};
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "trap '' TERM; sh -c 'trap \"\" TERM; sleep 100' & "
                  "sh -c 'trap \"\" TERM; sleep 100; echo never' & echo up; wait; wait";
    o.cancel = &c;
    o.grace_ms = 500;
    rbk_proc_result r;
    int64_t t0 = rbk_now_ms();
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    int64_t took = rbk_now_ms() - t0;
    assert_true(took >= 700); /* deadline + grace: SIGTERM was ignored */
    assert_true(took < 10000);
    assert_true(r.timed_out);
    assert_true(r.signaled);
    assert_int_equal(r.signo, SIGKILL);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "up\n");
    assert_reaped(&r);
    assert_group_gone(r.pid);
    rbk_proc_result_free(&r);
}

/* The main child exits at once, leaving a background grandchild that ignores SIGTERM and holds
 * stdout: we return promptly and the grandchild is killed. */
static void test_background_grandchild_killed(void **state) {
    (void)state;
    rbk_proc_result r;
    int64_t t0 = rbk_now_ms();
    assert_int_equal(run_sh("sh -c 'trap \"\" TERM; sleep 100' & echo done", &r), 0);
    assert_true(rbk_now_ms() - t0 < 5000);
    assert_int_equal(r.code, 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "done\n");
    assert_reaped(&r);
    assert_group_gone(r.pid);
    rbk_proc_result_free(&r);
}

/* A process that escaped the group (setsid) and holds the pipes does not hang us: we stop
 * reading after the short drain. The test kills it itself afterwards. */
static void test_escaped_daemon_does_not_hang(void **state) {
    (void)state;
    char dir[64];
    make_tmpdir(dir, sizeof dir);
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.cwd = dir;
    o.shell_cmd = "setsid sh -c 'echo $$ > daemon.pid; exec sleep 100' & "
                  "while [ ! -s daemon.pid ]; do sleep 0.01; done; echo main";
    rbk_proc_result r;
    int64_t t0 = rbk_now_ms();
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_true(rbk_now_ms() - t0 < 5000);
    assert_int_equal(r.code, 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "main\n");
    rbk_proc_result_free(&r);
    char path[128];
    snprintf(path, sizeof path, "%s/daemon.pid", dir);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    int dpid = 0;
    assert_int_equal(fscanf(fp, "%d", &dpid), 1);
    fclose(fp);
    assert_true(dpid > 1);
    kill(dpid, SIGKILL);
    assert_group_gone(dpid); /* reaps it (we are its subreaper) */
    unlink(path);
    rmdir(dir);
}

typedef struct interrupter {
    volatile sig_atomic_t *flag;
    int delay_ms;
} interrupter;

static void *interrupt_later(void *arg) {
    interrupter *it = arg;
    usleep((useconds_t)it->delay_ms * 1000);
    *it->flag = 1;
    return NULL;
}

static void test_interrupt_from_thread(void **state) {
    (void)state;
    volatile sig_atomic_t flag = 0;
    rbk_cancel c = {&flag, INT64_MAX};
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "sleep 100";
    o.cancel = &c;
    interrupter it = {&flag, 200};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, interrupt_later, &it), 0);
    rbk_proc_result r;
    int64_t t0 = rbk_now_ms();
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    int64_t took = rbk_now_ms() - t0;
    pthread_join(th, NULL);
    assert_true(took >= 150);
    assert_true(took < 5000);
    assert_true(r.interrupted);
    assert_false(r.timed_out);
    assert_reaped(&r);
    assert_group_gone(r.pid);
    rbk_proc_result_free(&r);
}

/* Interrupted while a large stdin is being fed to a child that does not read it. */
static void test_interrupt_while_feeding_stdin(void **state) {
    (void)state;
    size_t n = 8 * MB;
    char *data = calloc(1, n);
    assert_non_null(data);
    volatile sig_atomic_t flag = 0;
    rbk_cancel c = {&flag, INT64_MAX};
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "sleep 100";
    o.cancel = &c;
    o.stdin_data = data;
    o.stdin_len = n;
    interrupter it = {&flag, 200};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, interrupt_later, &it), 0);
    rbk_proc_result r;
    int64_t t0 = rbk_now_ms();
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    pthread_join(th, NULL);
    assert_true(rbk_now_ms() - t0 < 5000);
    assert_true(r.interrupted);
    rbk_proc_result_free(&r);
    free(data);
}

typedef struct lines {
    rbk_sbuf log;
    int n;
} lines;

static void on_line(const char *stream, const char *line, size_t len, void *ctx) {
    lines *l = ctx;
    rbk_sbuf_printf(&l->log, "%s:", stream);
    rbk_sbuf_add(&l->log, line, len);
    rbk_sbuf_addc(&l->log, '\n');
    l->n++;
}

static void test_line_callback(void **state) {
    (void)state;
    lines l = {RBK_SBUF_INIT, 0};
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "printf 'a\\nb\\n'; sleep 0.05; printf 'c\\n' >&2; sleep 0.05; "
                  "printf 'par'; sleep 0.05; printf 'tial\\n\\nlast'";
    o.on_line = on_line;
    o.line_ctx = &l;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_string_equal(l.log.data,
                        "stdout:a\nstdout:b\nstderr:c\nstdout:partial\nstdout:\nstdout:last\n");
    assert_int_equal(l.n, 6);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "a\nb\npartial\n\nlast");
    rbk_proc_result_free(&r);
    rbk_sbuf_free(&l.log);

    /* a long line comes whole (it was split at 64 KiB, before masking), written in pieces */
    lines l2 = {RBK_SBUF_INIT, 0};
    o.line_ctx = &l2;
    o.shell_cmd = "head -c 150000 /dev/zero | tr '\\0' x; sleep 0.05; printf yz; echo";
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_int_equal(l2.n, 1);
    assert_int_equal(l2.log.len, strlen("stdout:") + 150002 + 1);
    assert_int_equal(r.out.len, 150003);
    rbk_proc_result_free(&r);
    rbk_sbuf_free(&l2.log);
}

/* capture_limit at N and N+1: N bytes are kept whole; one more stops the command, names the
 * stream, and keeps only a tail of it. */
static void test_capture_limit(void **state) {
    (void)state;
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "head -c 1000 /dev/zero; echo err >&2";
    o.capture_limit = 1000;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.out.len, 1000);
    assert_null(r.over_limit);
    assert_false(r.out_truncated || r.err_truncated);
    assert_string_equal(rbk_sbuf_cstr(&r.err), "err\n");
    rbk_proc_result_free(&r);

    o.shell_cmd = "head -c 1001 /dev/zero; echo err >&2";
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_non_null(r.over_limit);
    assert_string_equal(r.over_limit, "stdout");
    assert_true(r.out_truncated);
    assert_int_equal(r.out_total, 1001);
    assert_int_equal(r.out.len, 1001); /* the tail holds up to RBK_PROC_TAIL_KEEP of the end */
    assert_false(r.err_truncated);
    assert_reaped(&r);
    rbk_proc_result_free(&r);

    /* stderr too; the first stream past the limit is named */
    o.shell_cmd = "head -c 5000 /dev/zero >&2";
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_string_equal(r.over_limit, "stderr");
    assert_true(r.err_truncated);
    assert_false(r.out_truncated);
    rbk_proc_result_free(&r);
}

/* A command that never stops writing is stopped at the limit (SIGTERM to its group), its pipe
 * drained meanwhile; memory stays at the tail, not the output. */
static void test_capture_limit_stops_endless_output(void **state) {
    (void)state;
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "yes & yes >&2 & wait";
    o.capture_limit = 1 * MB;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_non_null(r.over_limit);
    assert_true(r.signaled);
    assert_int_equal(r.signo, SIGTERM);
    assert_false(r.timed_out || r.interrupted);
    rbk_sbuf *s = !strcmp(r.over_limit, "stdout") ? &r.out : &r.err;
    assert_true(s->len >= RBK_PROC_TAIL_KEEP && s->len <= 2 * RBK_PROC_TAIL_KEEP);
    assert_int_equal(s->len % 2, 0);
    for (size_t i = 0; i < s->len; i += 2) assert_memory_equal(s->data + i, "y\n", 2);
    assert_true(r.out.len <= MB && r.err.len <= MB);
    assert_reaped(&r);
    assert_group_gone(r.pid);
    rbk_proc_result_free(&r);
}

/* The tail is the stream's end: a command that ignores SIGTERM finishes writing during the
 * grace period, and everything it wrote is drained, the last bytes kept. */
static void test_capture_limit_keeps_the_end(void **state) {
    (void)state;
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = "trap '' TERM; seq 1 100000";
    o.capture_limit = 1000;
    o.grace_ms = 20000;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_string_equal(r.over_limit, "stdout");
    assert_int_equal(r.code, 0); /* it ignored SIGTERM and ended on its own */
    assert_int_equal(r.out_total, 588895); /* wc -c of seq 1 100000 */
    assert_true(r.out.len >= RBK_PROC_TAIL_KEEP && r.out.len <= 2 * RBK_PROC_TAIL_KEEP);
    const char *end = "99999\n100000\n";
    assert_memory_equal(r.out.data + r.out.len - strlen(end), end, strlen(end));
    /* the tail is a contiguous piece of the output */
    rbk_sbuf want = RBK_SBUF_INIT;
    for (int i = 1; i <= 100000; i++) rbk_sbuf_printf(&want, "%d\n", i);
    assert_memory_equal(r.out.data, want.data + want.len - r.out.len, r.out.len);
    rbk_sbuf_free(&want);
    rbk_proc_result_free(&r);
}

/* A command longer than one argv string may be (128 KiB) still runs, and the child sees no
 * extra descriptor (ls's own directory fd aside, same list as a short command). */
static void test_long_command(void **state) {
    (void)state;
    size_t n = 1 * MB;
    rbk_sbuf cmd = RBK_SBUF_INIT;
    rbk_sbuf_adds(&cmd, "printf %s '");
    for (size_t i = 0; i < n; i++) rbk_sbuf_addc(&cmd, (char)('a' + i % 26));
    rbk_sbuf_adds(&cmd, "'; ls /proc/self/fd >&2");
    rbk_proc_result r;
    assert_int_equal(run_sh(cmd.data, &r), 0);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.out.len, n);
    assert_memory_equal(r.out.data, cmd.data + strlen("printf %s '"), n);
    rbk_proc_result r2;
    assert_int_equal(run_sh("ls /proc/self/fd >&2", &r2), 0);
    assert_string_equal(rbk_sbuf_cstr(&r.err), rbk_sbuf_cstr(&r2.err));
    rbk_proc_result_free(&r);
    rbk_proc_result_free(&r2);
    rbk_sbuf_free(&cmd);
}

static void test_many_runs_no_leak(void **state) {
    (void)state;
    for (int i = 0; i < 200; i++) {
        rbk_proc_result r;
        assert_int_equal(run_sh("echo x", &r), 0);
        assert_int_equal(r.code, 0);
        assert_reaped(&r);
        rbk_proc_result_free(&r);
    }
    /* no descriptor leaked: count our fds */
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) >= 0) n++;
    assert_true(n < 16);
}

int main(void) {
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_stdout_stderr_small),
        cmocka_unit_test(test_signal_death),
        cmocka_unit_test(test_signals_reset),
        cmocka_unit_test(test_50mb_each_stream),
        cmocka_unit_test(test_stdin_roundtrip),
        cmocka_unit_test(test_cwd),
        cmocka_unit_test(test_env),
        cmocka_unit_test(test_missing_and_nonexec),
        cmocka_unit_test(test_timeout_kills_sleep),
        cmocka_unit_test(test_deadline_in_past),
        cmocka_unit_test(test_grandchildren_ignore_term),
        cmocka_unit_test(test_background_grandchild_killed),
        cmocka_unit_test(test_escaped_daemon_does_not_hang),
        cmocka_unit_test(test_interrupt_from_thread),
        cmocka_unit_test(test_interrupt_while_feeding_stdin),
        cmocka_unit_test(test_line_callback),
        cmocka_unit_test(test_capture_limit),
        cmocka_unit_test(test_capture_limit_stops_endless_output),
        cmocka_unit_test(test_capture_limit_keeps_the_end),
        cmocka_unit_test(test_long_command),
        cmocka_unit_test(test_many_runs_no_leak),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/test_sshcmd.c — support/sshcmd.c: the ssh command line and the remote watchdog.
 * Without a fleet (unit.test_sshcmd) it checks the command line and the limits. With one
 * (fleet.sshcmd: RBK_FLEET_DIR names a running scripts/sshd_fleet.sh fleet) it runs commands
 * on real sshd through stdlib/proc.c, as sh(on:) will: the injection corpus byte for byte,
 * exit codes and streams, multiplexing, and cancellation that leaves no remote process behind
 * (a command, one that ignores SIGTERM, and one with children). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/shquote.h"
#include "support/sshcmd.h"
#include "stdlib/proc.h"
#include "shell_corpus.h"

static const char *fleet_dir(void) { return getenv("RBK_FLEET_DIR"); }

static rbk_ssh_target fleet_target(const char *host_addr, const char *control_dir) {
    static char cfg[4096];
    snprintf(cfg, sizeof cfg, "%s/ssh_config", fleet_dir());
    /* the fleet's ssh_config knows the port, user, key and known_hosts for 127.0.10.* */
    return (rbk_ssh_target){.address = host_addr, .config = cfg, .control_dir = control_dir};
}

static int run(const rbk_ssh_target *t, const char *script, size_t n, const rbk_cancel *cancel, rbk_proc_result *r) {
    rbk_ssh_argv a = {0};
    rbk_sbuf err = RBK_SBUF_INIT;
    if (rbk_ssh_command(t, script, n, &a, &err)) fail_msg("rbk_ssh_command: %s", err.data);
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.argv = (const char *const *)a.argv;
    o.stdin_hold = 1;
    o.cancel = cancel;
    int rc = rbk_proc_run(&o, r);
    rbk_ssh_argv_free(&a);
    rbk_sbuf_free(&err);
    return rc;
}

/* Ends the master connection in dir and removes dir. */
static void close_master(const char *dir, const char *addr) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ssh -F %s/ssh_config -o ControlPath=%s/%%C -O exit %s 2>/dev/null; rm -rf %s",
             fleet_dir(), dir, addr, dir);
    assert_int_equal(system(cmd), 0);
}

static int has_arg(const rbk_ssh_argv *a, const char *s) {
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->argv[i], s) == 0) return (int)i;
    return -1;
}

static void test_command_line(void **st) {
    (void)st;
    const char *extra[] = {"-o", "StrictHostKeyChecking=accept-new", "-o", "ProxyJump=bastion", NULL};
    rbk_ssh_target t = {.address = "-oProxyCommand=x", .port = "2222", .user = "ops", .identity = "/k/id",
                        .extra = extra, .config = "/etc/cfg", .control_dir = "/run/rbk.1"};
    rbk_ssh_argv a = {0};
    rbk_sbuf err = RBK_SBUF_INIT, s = RBK_SBUF_INIT;
    assert_int_equal(rbk_ssh_script_sh(&s, "true", 4, NULL, &err), 0);
    assert_int_equal(rbk_ssh_command(&t, s.data, s.len, &a, &err), 0);
    assert_string_equal(a.argv[0], "ssh");
    assert_int_equal(has_arg(&a, "-F"), 1);
    /* BatchMode before the inventory's arguments, which come before the defaults they override */
    int batch = has_arg(&a, "BatchMode=yes"), mine = has_arg(&a, "StrictHostKeyChecking=accept-new"),
        dflt = has_arg(&a, "StrictHostKeyChecking=yes");
    assert_true(batch > 0 && batch < mine && mine < dflt);
    assert_true(has_arg(&a, "ControlPath=/run/rbk.1/%C") > 0);
    assert_true(has_arg(&a, "ConnectTimeout=10") > 0);
    /* the host comes after "--", whatever it looks like; the remote command is last */
    int dd = has_arg(&a, "--");
    assert_true(dd > 0);
    assert_string_equal(a.argv[dd + 1], "-oProxyCommand=x");
    assert_int_equal(a.n, (size_t)dd + 3);
    assert_null(a.argv[a.n]);
    /* a POSIX login shell (Ansible's default shell type): the script single-quoted once */
    const char *remote = a.argv[a.n - 1];
    assert_int_equal(strncmp(remote, "sh -c '", 7), 0);
    assert_int_equal(remote[strlen(remote) - 1], '\'');
    rbk_sbuf want = RBK_SBUF_INIT;
    rbk_sbuf_adds(&want, "sh -c '");
    for (size_t i = 0; i < s.len; i++) rbk_sbuf_adds(&want, s.data[i] == '\'' ? "'\\''" : (char[]){s.data[i], 0});
    rbk_sbuf_addc(&want, '\'');
    assert_string_equal(remote, want.data);
    rbk_sbuf_free(&want);
    rbk_ssh_argv_free(&a);
    /* another shell type (csh, fish): base64, which every shell passes whole */
    t.shell_other = 1;
    assert_int_equal(rbk_ssh_command(&t, s.data, s.len, &a, &err), 0);
    remote = a.argv[a.n - 1];
    assert_int_equal(strncmp(remote, "sh -c 'eval \"$(echo ", 20), 0);
    assert_int_equal(strspn(remote + 20, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
                     strlen(remote + 20) - strlen(" | base64 -d)\"'"));
    rbk_ssh_argv_free(&a);
    rbk_sbuf_free(&s);
    rbk_sbuf_free(&err);
}

/* scp's command line: ssh's options (the port as -P, the user as -o User=), SFTP, the paths
 * after "--"; an IPv6 address in brackets; a download's source escaped as a pattern; refusals */
static void test_scp_command_line(void **st) {
    (void)st;
    const char *extra[] = {"-o", "ProxyJump=bastion", NULL};
    rbk_ssh_target t = {.address = "10.0.0.5", .port = "2222", .user = "ops", .identity = "/k/id",
                        .extra = extra, .config = "/etc/cfg", .control_dir = "/run/rbk.1"};
    rbk_ssh_argv a = {0};
    rbk_sbuf err = RBK_SBUF_INIT;
    assert_int_equal(rbk_scp_command(&t, 1, "rel:a b", "/etc/x*y", &a, &err), 0);
    assert_string_equal(a.argv[0], "scp");
    assert_string_equal(a.argv[1], "-s");
    assert_int_equal(has_arg(&a, "-p"), -1);
    assert_int_equal(has_arg(&a, "-T"), -1);
    assert_string_equal(a.argv[has_arg(&a, "-P") + 1], "2222");
    assert_true(has_arg(&a, "User=ops") > 0 && has_arg(&a, "BatchMode=yes") > 0 && has_arg(&a, "ProxyJump=bastion") > 0);
    assert_true(has_arg(&a, "StrictHostKeyChecking=yes") > 0 && has_arg(&a, "ControlPath=/run/rbk.1/%C") > 0);
    assert_string_equal(a.argv[has_arg(&a, "-F") + 1], "/etc/cfg");
    int dd = has_arg(&a, "--");
    assert_int_equal(a.n, (size_t)dd + 3);
    assert_string_equal(a.argv[dd + 1], "./rel:a b");       /* never taken for host:path */
    assert_string_equal(a.argv[dd + 2], "10.0.0.5:/etc/x*y"); /* an upload's target: as it is */
    rbk_ssh_argv_free(&a);
    t.address = "fe80::1";
    assert_int_equal(rbk_scp_command(&t, 0, "/tmp/out", "log/a?[b]\\c*", &a, &err), 0);
    dd = has_arg(&a, "--");
    assert_string_equal(a.argv[dd + 1], "[fe80::1]:log/a\\?\\[b]\\\\c\\*");
    assert_string_equal(a.argv[dd + 2], "/tmp/out");
    rbk_ssh_argv_free(&a);
    /* a directory: -r, and an upload's source as DIR/. (merged into the target, never nested) */
    assert_int_equal(rbk_scp_command(&t, RBK_SCP_UPLOAD | RBK_SCP_DIR, "site", "/srv/site", &a, &err), 0);
    assert_true(has_arg(&a, "-r") > 0);
    dd = has_arg(&a, "--");
    assert_string_equal(a.argv[dd + 1], "./site/.");
    rbk_ssh_argv_free(&a);
    assert_int_equal(rbk_scp_command(&t, RBK_SCP_UPLOAD | RBK_SCP_DIR, "/b/site/", "s", &a, &err), 0);
    assert_string_equal(a.argv[has_arg(&a, "--") + 1], "/b/site/.");
    rbk_ssh_argv_free(&a);
    assert_int_equal(rbk_scp_command(&t, RBK_SCP_DIR, "/tmp/x/d", "logs", &a, &err), 0);
    assert_true(has_arg(&a, "-r") > 0);
    assert_string_equal(a.argv[has_arg(&a, "--") + 2], "/tmp/x/d");
    rbk_ssh_argv_free(&a);
    assert_int_equal(rbk_scp_command(&t, 1, "x", "-oProxyCommand=y", &a, &err), -1);
    assert_non_null(strstr(err.data, "must not start with '-'"));
    err.len = 0;
    assert_int_equal(rbk_scp_command(&t, 0, "x", "", &a, &err), -1);
    assert_non_null(strstr(err.data, "remote path is empty"));
    assert_null(a.argv);
    rbk_sbuf_free(&err);
}

static void test_limits(void **st) {
    (void)st;
    rbk_sbuf err = RBK_SBUF_INIT, s = RBK_SBUF_INIT;
    assert_int_equal(rbk_ssh_script_sh(&s, "a\0b", 3, NULL, &err), -1);
    assert_non_null(strstr(err.data, "NUL byte"));
    size_t big = RBK_SSH_MAX_SCRIPT + 1;
    char *cmd = malloc(big);
    memset(cmd, 'x', big);
    err.len = 0;
    s.len = 0;
    assert_int_equal(rbk_ssh_script_sh(&s, cmd, big, NULL, &err), -1);
    assert_non_null(strstr(err.data, "too long for a remote host"));
    free(cmd);
    err.len = 0;
    const char *argv[] = {"-rf", NULL};
    assert_int_equal(rbk_ssh_script_exec(&s, argv, NULL, &err), -1);
    assert_non_null(strstr(err.data, "must not start with '-'"));
    rbk_ssh_target t = {.address = ""};
    rbk_ssh_argv a = {0};
    err.len = 0;
    assert_int_equal(rbk_ssh_command(&t, "true", 4, &a, &err), -1);
    assert_non_null(strstr(err.data, "no address"));
    /* a script of many quotes would pass 128 KiB single-quoted (4 bytes each): base64 then */
    char *quotes = malloc(RBK_SSH_MAX_SCRIPT);
    memset(quotes, '\'', RBK_SSH_MAX_SCRIPT);
    t.address = "h";
    assert_int_equal(rbk_ssh_command(&t, quotes, RBK_SSH_MAX_SCRIPT, &a, &err), 0);
    assert_true(strlen(a.argv[a.n - 1]) < 128 * 1024);
    assert_non_null(strstr(a.argv[a.n - 1], "base64 -d"));
    rbk_ssh_argv_free(&a);
    free(quotes);
    rbk_sbuf_free(&s);
    rbk_sbuf_free(&err);
}

#define NEED_FLEET()                                                  \
    do {                                                              \
        if (!fleet_dir()) {                                           \
            skip(); /* fleet.sshcmd runs these with a fleet */        \
            return;                                                   \
        }                                                             \
    } while (0)

static void test_corpus_exec(void **st) {
    (void)st;
    NEED_FLEET();
    size_t nc = sizeof shell_corpus / sizeof shell_corpus[0];
    const char **argv = calloc(nc + 3, sizeof *argv);
    argv[0] = "printf";
    argv[1] = "%s\\0";
    for (size_t i = 0; i < nc; i++) argv[i + 2] = shell_corpus[i];
    rbk_sbuf s = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    assert_int_equal(rbk_ssh_script_exec(&s, argv, NULL, &err), 0);
    rbk_ssh_target t = fleet_target("127.0.10.2", NULL);
    rbk_proc_result r;
    for (int form = 0; form < 2; form++) { /* single-quoted (a POSIX login shell), base64 */
        t.shell_other = form;
        assert_int_equal(run(&t, s.data, s.len, NULL, &r), 0);
        if (r.code != 0) fail_msg("exit %d: %s", r.code, r.err.data);
        size_t at = 0;
        for (size_t i = 0; i < nc; i++) {
            size_t l = strlen(shell_corpus[i]);
            if (at + l >= r.out.len || memcmp(r.out.data + at, shell_corpus[i], l) || r.out.data[at + l])
                fail_msg("corpus value %zu (%s) did not arrive as itself (%s)", i, shell_corpus[i], form ? "base64" : "quoted");
            at += l + 1;
        }
        assert_int_equal(at, r.out.len);
        rbk_proc_result_free(&r);
    }
    t.shell_other = 0;
    /* and nothing ran: a value that runs creates `pwned` in the remote working directory */
    rbk_sbuf_free(&s);
    const char *test[] = {"test", "!", "-e", "pwned", NULL};
    assert_int_equal(rbk_ssh_script_exec(&s, test, NULL, &err), 0);
    assert_int_equal(run(&t, s.data, s.len, NULL, &r), 0);
    assert_int_equal(r.code, 0);
    rbk_proc_result_free(&r);
    free(argv);
    rbk_sbuf_free(&s);
    rbk_sbuf_free(&err);
}

/* sh(): the command is one sh -c string; the values in it were quoted by the caller once */
static void test_corpus_sh(void **st) {
    (void)st;
    NEED_FLEET();
    char dir[] = "/tmp/rbk-ssh-XXXXXX"; /* one master connection for the whole corpus */
    assert_non_null(mkdtemp(dir));
    rbk_ssh_target t = fleet_target("127.0.10.3", dir);
    size_t nc = sizeof shell_corpus / sizeof shell_corpus[0];
    for (size_t i = 0; i < nc; i++) {
        rbk_sbuf cmd = RBK_SBUF_INIT, s = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
        rbk_sbuf_adds(&cmd, "printf '%s' ");
        rbk_sh_quote(&cmd, shell_corpus[i], strlen(shell_corpus[i]));
        rbk_sbuf_adds(&cmd, "; test ! -e pwned");
        assert_int_equal(rbk_ssh_script_sh(&s, cmd.data, cmd.len, NULL, &err), 0);
        for (int form = 0; form < 2; form++) { /* single-quoted (a POSIX login shell), base64 */
            t.shell_other = form;
            rbk_proc_result r;
            assert_int_equal(run(&t, s.data, s.len, NULL, &r), 0);
            if (r.code != 0 || strcmp(r.out.data ? r.out.data : "", shell_corpus[i]) != 0)
                fail_msg("value %zu (%s, %s): exit %d, got '%s' %s", i, shell_corpus[i], form ? "base64" : "quoted", r.code,
                         r.out.data, r.err.data);
            rbk_proc_result_free(&r);
        }
        rbk_sbuf_free(&cmd);
        rbk_sbuf_free(&s);
        rbk_sbuf_free(&err);
    }
    close_master(dir, "127.0.10.3");
}

static void test_status_and_streams(void **st) {
    (void)st;
    NEED_FLEET();
    rbk_ssh_target t = fleet_target("127.0.10.4", NULL);
    rbk_sbuf s = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    const char *cmd = "echo \"out $RBK_FIXTURE_HOST\"; echo err >&2; read x; echo \"stdin:${x:-eof}\"; exit 7";
    assert_int_equal(rbk_ssh_script_sh(&s, cmd, strlen(cmd), NULL, &err), 0);
    rbk_proc_result r;
    assert_int_equal(run(&t, s.data, s.len, NULL, &r), 0);
    assert_true(r.exited);
    assert_int_equal(r.code, 7);
    assert_string_equal(r.out.data, "out h4\nstdin:eof\n"); /* the command's stdin is /dev/null */
    assert_string_equal(r.err.data, "err\n");
    rbk_proc_result_free(&r);
    rbk_sbuf_free(&s);
    rbk_sbuf_free(&err);
}

static int remote_running(const char *marker) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "pgrep -f '^sleep %s' >/dev/null", marker);
    return system(cmd) == 0;
}

typedef struct watch {
    const char *marker;
    volatile sig_atomic_t flag; /* the run's interrupt flag, set once the command runs */
    int seen;
} watch;

/* Interrupts the run once the remote command is seen running (a hang guard bounds the wait). */
static void *watcher(void *p) {
    watch *w = p;
    for (int i = 0; i < 600 && !w->seen; i++) {
        if (remote_running(w->marker)) w->seen = 1;
        else usleep(50 * 1000);
    }
    w->flag = 1;
    return NULL;
}

/* Waits (a hang guard, not a timing assertion) until the marked processes are gone. */
static int gone_eventually(const char *marker) {
    for (int i = 0; i < 300; i++) {
        if (!remote_running(marker)) return 1;
        usleep(100 * 1000);
    }
    return 0;
}

static void cancel_case(const char *host, const char *shape, int n) {
    rbk_ssh_target t = fleet_target(host, NULL);
    char marker[64], cmd[512];
    snprintf(marker, sizeof marker, "299.%d%d", (int)getpid(), n);
    snprintf(cmd, sizeof cmd, shape, marker, marker);
    rbk_sbuf s = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    assert_int_equal(rbk_ssh_script_sh(&s, cmd, strlen(cmd), NULL, &err), 0);
    watch w = {marker, 0, 0};
    rbk_cancel c = {&w.flag, INT64_MAX};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, watcher, &w), 0);
    rbk_proc_result r;
    assert_int_equal(run(&t, s.data, s.len, &c, &r), 0);
    pthread_join(th, NULL);
    if (!w.seen) fail_msg("%s: the remote command never ran: %s", shape, r.err.data);
    assert_true(r.interrupted);
    if (!gone_eventually(marker)) fail_msg("%s: the remote command is still running after the cancel", shape);
    rbk_proc_result_free(&r);
    rbk_sbuf_free(&s);
    rbk_sbuf_free(&err);
}

/* The local ssh is stopped (stdin closed, then SIGTERM to its group): the remote command
 * must not survive it, in each shape: a plain command, one that ignores SIGTERM (SIGKILL
 * after the grace), and one with a child in the background. */
static void test_cancel(void **st) {
    (void)st;
    NEED_FLEET();
    cancel_case("127.0.10.5", "sleep %s; echo %s", 1);
    cancel_case("127.0.10.5", "trap '' TERM; sleep %s; echo %s", 2);
    cancel_case("127.0.10.5", "sleep %s & sleep %s.1; wait", 3);
}

/* cwd:, env: and stdin: (rbk_ssh_run): names a shell cannot set and an empty cwd are refused
 * without a fleet; with one, the frame is read whole before the command starts, and a frame cut
 * short (the runner cancelled or died while sending) runs nothing: exit 125. */
static void test_run_options(void **st) {
    (void)st;
    rbk_sbuf s = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    const char *bad_env[] = {"A-B=x", NULL}, *digit[] = {"1A=x", NULL};
    rbk_ssh_run run = {.env = bad_env};
    assert_int_equal(rbk_ssh_script_sh(&s, "true", 4, &run, &err), -1);
    assert_non_null(strstr(err.data, "\"A-B\" is not a name a remote shell can set"));
    run.env = digit;
    assert_int_equal(rbk_ssh_script_sh(&s, "true", 4, &run, &err), -1);
    run = (rbk_ssh_run){.cwd = ""};
    err.len = 0;
    assert_int_equal(rbk_ssh_script_sh(&s, "true", 4, &run, &err), -1);
    assert_non_null(strstr(err.data, "cwd: is empty"));
    assert_int_equal(rbk_ssh_stdin_frame_len(0), 0);
    assert_int_equal(rbk_ssh_stdin_frame_len(4), 8);
    rbk_sbuf f = RBK_SBUF_INIT;
    rbk_ssh_stdin_frame(&f, "a\0b\n", 4);
    assert_int_equal(f.len, rbk_ssh_stdin_frame_len(4));
    rbk_sbuf_free(&f);
    if (!fleet_dir()) {
        rbk_sbuf_free(&s);
        rbk_sbuf_free(&err);
        return;
    }
    rbk_ssh_target t = fleet_target("127.0.10.7", NULL);
    const char *env[] = {"RBK_X=it's $HOME", "RBK_FIXTURE_HOST", NULL};
    const char data[] = "line 1\n\0line 2";
    rbk_sbuf frame = RBK_SBUF_INIT;
    rbk_ssh_stdin_frame(&frame, data, sizeof data - 1);
    for (int cut = 0; cut < 2; cut++) {
        char mark[128];
        snprintf(mark, sizeof mark, "%s/home/rbk-ran-%d", fleet_dir(), (int)getpid());
        unlink(mark);
        rbk_sbuf cmd = RBK_SBUF_INIT;
        rbk_sbuf_printf(&cmd, "touch %s; pwd; echo \"$RBK_X|${RBK_FIXTURE_HOST-unset}\"; od -An -c", mark);
        run = (rbk_ssh_run){.cwd = "/tmp", .env = env, .has_stdin = 1, .stdin_len = sizeof data - 1};
        s.len = 0;
        assert_int_equal(rbk_ssh_script_sh(&s, cmd.data, cmd.len, &run, &err), 0);
        rbk_ssh_argv a = {0};
        assert_int_equal(rbk_ssh_command(&t, s.data, s.len, &a, &err), 0);
        rbk_proc_opts o;
        rbk_proc_opts_init(&o);
        o.argv = (const char *const *)a.argv;
        o.stdin_data = frame.data;
        o.stdin_len = cut ? frame.len - 3 : frame.len; /* cut: the frame ends early, then EOF */
        o.stdin_hold = !cut;
        rbk_proc_result r;
        assert_int_equal(rbk_proc_run(&o, &r), 0);
        if (!cut) {
            assert_int_equal(r.code, 0);
            assert_non_null(strstr(r.out.data, "/tmp\nit's $HOME|unset\n"));
            assert_non_null(strstr(r.out.data, "\\0"));
            assert_non_null(strstr(r.out.data, "l   i   n   e       2"));
            assert_int_equal(access(mark, F_OK), 0);
        } else {
            assert_int_equal(r.code, 125);
            assert_non_null(strstr(r.err.data, "did not arrive whole"));
            assert_int_not_equal(access(mark, F_OK), 0); /* nothing ran */
        }
        unlink(mark);
        rbk_proc_result_free(&r);
        rbk_ssh_argv_free(&a);
        rbk_sbuf_free(&cmd);
    }
    rbk_sbuf_free(&frame);
    rbk_sbuf_free(&s);
    rbk_sbuf_free(&err);
}

static void test_multiplexing(void **st) {
    (void)st;
    NEED_FLEET();
    char dir[] = "/tmp/rbk-ssh-XXXXXX";
    assert_non_null(mkdtemp(dir));
    rbk_ssh_target t = fleet_target("127.0.10.6", dir);
    rbk_sbuf s = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    const char *cmd = "echo $RBK_FIXTURE_HOST";
    assert_int_equal(rbk_ssh_script_sh(&s, cmd, strlen(cmd), NULL, &err), 0);
    for (int i = 0; i < 3; i++) {
        rbk_proc_result r;
        assert_int_equal(run(&t, s.data, s.len, NULL, &r), 0);
        assert_int_equal(r.code, 0);
        assert_string_equal(r.out.data, "h6\n");
        rbk_proc_result_free(&r);
    }
    /* one master socket serves them */
    char check[512];
    snprintf(check, sizeof check, "test $(ls -A %s | wc -l) = 1 && ssh -F %s/ssh_config -o ControlPath=%s/%%C -O check 127.0.10.6 2>/dev/null",
             dir, fleet_dir(), dir);
    assert_int_equal(system(check), 0);
    close_master(dir, "127.0.10.6");
    rbk_sbuf_free(&s);
    rbk_sbuf_free(&err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_line),       cmocka_unit_test(test_scp_command_line),       cmocka_unit_test(test_limits),
        cmocka_unit_test(test_corpus_exec),        cmocka_unit_test(test_corpus_sh),
        cmocka_unit_test(test_status_and_streams), cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_multiplexing),       cmocka_unit_test(test_run_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

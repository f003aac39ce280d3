/* support/sshcmd.c — the ssh command line and the remote watchdog script (contract in
 * sshcmd.h). Owns: the script's text, the option order of the client's command line. */
#include "sshcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shquote.h"

/* The watchdog around CMD (a subshell that execs the command). Each line is POSIX sh:
 *  - fd 3 keeps the session's stdin for the watchdog; everything else reads /dev/null (or,
 *    with stdin:, the decoded frame through a pipe);
 *  - the watchdog ignores TERM/INT/HUP so that it outlives its own SIGTERM to the group and
 *    can send the SIGKILL; the command is reaped by `wait`, then the watchdog is killed. */
static const char watchdog_fd[] = "exec 3<&0 </dev/null\n";
static const char watchdog[] =
    "{ trap '' TERM INT HUP; while read -r _ <&3; do :; done; kill -TERM 0; sleep %d; kill -KILL 0; } &\n"
    "rbk_w=$!\n"
    "exec 3<&-\n";
static const char watchdog_tail[] =
    ") &\n"
    "rbk_c=$!\n"
    "wait \"$rbk_c\"; rbk_s=$?\n"
    "kill -KILL \"$rbk_w\" 2>/dev/null\n"
    "exit \"$rbk_s\"\n";

static int too_long(size_t n, rbk_sbuf *err) {
    if (n <= RBK_SSH_MAX_SCRIPT) return 0;
    rbk_sbuf_printf(err,
                    "the command is too long for a remote host (%zu bytes, at most %d KiB pass through ssh); "
                    "copy a script to the host and run that instead",
                    n, RBK_SSH_MAX_SCRIPT / 1024);
    return 1;
}

size_t rbk_ssh_stdin_frame_len(size_t n) { return (n + 2) / 3 * 4; }

void rbk_ssh_stdin_frame(rbk_sbuf *out, const char *data, size_t n) { rbk_sbuf_add_base64(out, data, n, 0, 1); }

int rbk_ssh_env_name_ok(const char *s) {
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) return 0;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

/* Everything up to the command's own words: the watchdog (after the stdin frame, when there is
 * one), then the command's subshell opened, with its directory and environment. 0, or -1 with err. */
static int head(rbk_sbuf *out, const rbk_ssh_run *run, rbk_sbuf *err) {
    if (run && run->cwd && !run->cwd[0]) {
        rbk_sbuf_adds(err, "cwd: is empty");
        return -1;
    }
    for (size_t i = 0; run && run->env && run->env[i]; i++) {
        const char *kv = run->env[i], *eq = strchr(kv, '=');
        rbk_sbuf name = RBK_SBUF_INIT;
        rbk_sbuf_add(&name, kv, eq ? (size_t)(eq - kv) : strlen(kv));
        int ok = rbk_ssh_env_name_ok(name.data);
        if (!ok)
            rbk_sbuf_printf(err, "env: \"%s\" is not a name a remote shell can set (letters, digits and _, "
                                 "not starting with a digit)", name.data);
        rbk_sbuf_free(&name);
        if (!ok) return -1;
    }
    rbk_sbuf_adds(out, watchdog_fd);
    int has_stdin = run && run->has_stdin;
    if (has_stdin) {
        /* the frame: the data as base64 on the session's stdin, read whole before anything
         * runs (a frame cut short is a cancelled call: nothing runs); then the watchdog reads
         * on to EOF as without stdin: */
        size_t m = rbk_ssh_stdin_frame_len(run->stdin_len);
        rbk_sbuf_printf(out,
                        "rbk_in=$(head -c %zu <&3)\n"
                        "if [ \"${#rbk_in}\" != %zu ]; then echo 'runbook: the stdin: of the command did not "
                        "arrive whole (the call was cancelled, or this host has no head -c); nothing was run' >&2; "
                        "exit 125; fi\n",
                        m, m);
    }
    rbk_sbuf_printf(out, watchdog, RBK_SSH_GRACE_S);
    if (has_stdin) rbk_sbuf_adds(out, "printf '%s\\n' \"$rbk_in\" | base64 -d | ");
    rbk_sbuf_adds(out, "(");
    if (run && run->cwd) {
        /* -P: the physical directory, as chdir(2) finds it for a local command; a relative one is
         * the login's home's: "./" keeps CDPATH and `cd -` out of it */
        rbk_sbuf dir = RBK_SBUF_INIT;
        if (run->cwd[0] != '/') rbk_sbuf_adds(&dir, "./");
        rbk_sbuf_adds(&dir, run->cwd);
        rbk_sbuf_adds(out, "cd -P ");
        rbk_sh_quote(out, dir.data, dir.len);
        rbk_sbuf_adds(out, " || { printf 'runbook: cwd: cannot change to the directory %s\\n' ");
        rbk_sh_quote(out, dir.data, dir.len);
        rbk_sbuf_adds(out, " >&2; exit 126; }\n");
        rbk_sbuf_free(&dir);
    }
    for (size_t i = 0; run && run->env && run->env[i]; i++) {
        const char *kv = run->env[i], *eq = strchr(kv, '=');
        if (!eq) {
            rbk_sbuf_printf(out, "unset %s\n", kv);
            continue;
        }
        rbk_sbuf_adds(out, "export ");
        rbk_sbuf_add(out, kv, (size_t)(eq - kv) + 1);
        rbk_sh_quote(out, eq + 1, strlen(eq + 1));
        rbk_sbuf_addc(out, '\n');
    }
    rbk_sbuf_adds(out, "exec ");
    return 0;
}

int rbk_ssh_script_sh(rbk_sbuf *out, const char *cmd, size_t n, const rbk_ssh_run *run, rbk_sbuf *err) {
    if (rbk_sh_has_nul(cmd, n)) {
        rbk_sbuf_adds(err, "the command contains a NUL byte, which cannot reach a remote shell");
        return -1;
    }
    if (head(out, run, err)) return -1;
    rbk_sbuf_adds(out, "sh -c ");
    rbk_sh_quote(out, cmd, n);
    rbk_sbuf_adds(out, watchdog_tail);
    return too_long(out->len, err) ? -1 : 0;
}

int rbk_ssh_script_exec(rbk_sbuf *out, const char *const *argv, const rbk_ssh_run *run, rbk_sbuf *err) {
    if (!argv || !argv[0] || !argv[0][0]) {
        rbk_sbuf_adds(err, "exec needs a program name");
        return -1;
    }
    if (argv[0][0] == '-') { /* the remote `exec` would take it for an option */
        rbk_sbuf_adds(err, "a remote program's name must not start with '-'");
        return -1;
    }

    if (head(out, run, err)) return -1;
    for (size_t i = 0; argv[i]; i++) {
        if (i) rbk_sbuf_addc(out, ' ');
        rbk_sh_quote(out, argv[i], strlen(argv[i]));
    }
    rbk_sbuf_adds(out, watchdog_tail);
    return too_long(out->len, err) ? -1 : 0;
}

static void push(rbk_ssh_argv *a, const char *s) {
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->argv = rbk_xrealloc(a->argv, a->cap * sizeof *a->argv);
    }
    a->argv[a->n++] = rbk_xstrdup(s);
    a->argv[a->n] = NULL;
}
static void pushf(rbk_ssh_argv *a, const char *fmt, const char *v) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_printf(&b, fmt, v);
    push(a, b.data);
    rbk_sbuf_free(&b);
}

/* The options of every connection to t, for ssh (scp 0: up to and including the host) or for
 * scp (scp 1: up to and including "--"; scp spells the port -P and has no -l for the user).
 * first: what goes right after the program (the control operation, scp's flags), or NULL. */
static int options(const rbk_ssh_target *t, int scp, const char *const *first, rbk_ssh_argv *out, rbk_sbuf *err) {
    if (!t->address || !t->address[0]) {
        rbk_sbuf_adds(err, "the host has no address");
        return -1;
    }
    push(out, scp ? "scp" : "ssh");
    for (size_t i = 0; first && first[i]; i++) push(out, first[i]);
    if (t->config) {
        push(out, "-F");
        push(out, t->config);
    }
    if (!scp) push(out, "-T"); /* no terminal: output stays two streams, no CRLF */
    push(out, "-o");
    push(out, "BatchMode=yes"); /* never a prompt, whatever comes after */
    for (size_t i = 0; t->extra && t->extra[i]; i++) push(out, t->extra[i]);
    static const char *const defaults[] = {
        "StrictHostKeyChecking=yes", "ServerAliveInterval=15", "ServerAliveCountMax=3", NULL,
    };
    for (size_t i = 0; defaults[i]; i++) {
        push(out, "-o");
        push(out, defaults[i]);
    }
    char num[32];
    snprintf(num, sizeof num, "%d", t->connect_timeout_s > 0 ? t->connect_timeout_s : RBK_SSH_CONNECT_TIMEOUT_S);
    push(out, "-o");
    pushf(out, "ConnectTimeout=%s", num);
    if (t->control_dir) {
        push(out, "-o");
        push(out, "ControlMaster=auto");
        push(out, "-o");
        pushf(out, "ControlPath=%s/%%C", t->control_dir);
        push(out, "-o");
        push(out, "ControlPersist=60");
    }
    if (t->port) {
        push(out, scp ? "-P" : "-p");
        push(out, t->port);
    }
    if (t->user) {
        push(out, scp ? "-o" : "-l");
        if (scp) pushf(out, "User=%s", t->user);
        else push(out, t->user);
    }
    if (t->identity) {
        push(out, "-i");
        push(out, t->identity);
    }
    push(out, "--"); /* a host named -G... is a host; for scp, a path starting with '-' is a path */
    if (!scp) push(out, t->address);
    return 0;
}

int rbk_scp_command(const rbk_ssh_target *t, int flags, const char *local, const char *remote, rbk_ssh_argv *out,
                    rbk_sbuf *err) {
    int upload = flags & RBK_SCP_UPLOAD;
    if (!remote[0] || remote[0] == '-') {
        rbk_sbuf_adds(err, remote[0] ? "a remote path must not start with '-'" : "the remote path is empty");
        return -1;
    }
    if (!local[0]) {
        rbk_sbuf_adds(err, "the local path is empty");
        return -1;
    }
    /* -s: the SFTP protocol whatever the client's default (no remote shell reads the path);
     * -q: no progress meter */
    static const char *const first[] = {"-s", "-q", NULL}, *const first_r[] = {"-s", "-q", "-r", NULL};
    if (options(t, 1, flags & RBK_SCP_DIR ? first_r : first, out, err)) return -1;
    rbk_sbuf r = RBK_SBUF_INIT, l = RBK_SBUF_INIT;
    /* host:path, an IPv6 address in brackets; a local path that is not absolute gets "./", so
     * that a ':' in it never makes it a remote one */
    if (strchr(t->address, ':')) rbk_sbuf_printf(&r, "[%s]:", t->address);
    else rbk_sbuf_printf(&r, "%s:", t->address);
    /* scp expands the remote source of a download as a pattern on the client side (SFTP glob,
     * measured with OpenSSH 9.2): each pattern character is escaped, so the path names one file */
    for (const char *p = remote; *p; p++) {
        if (!upload && strchr("\\*?[", *p)) rbk_sbuf_addc(&r, '\\');
        rbk_sbuf_addc(&r, *p);
    }
    if (local[0] != '/') rbk_sbuf_adds(&l, "./");
    rbk_sbuf_adds(&l, local);
    if (upload && (flags & RBK_SCP_DIR)) rbk_sbuf_adds(&l, l.data[l.len - 1] == '/' ? "." : "/.");
    push(out, upload ? l.data : r.data);
    push(out, upload ? r.data : l.data);
    rbk_sbuf_free(&r);
    rbk_sbuf_free(&l);
    return 0;
}

int rbk_ssh_control(const rbk_ssh_target *t, int op, rbk_ssh_argv *out, rbk_sbuf *err) {
    static const char *const start[] = {"-f", "-N", NULL}, *const exit_[] = {"-O", "exit", NULL},
                             *const check[] = {"-O", "check", NULL};
    if (!t->control_dir) {
        rbk_sbuf_adds(err, "no control directory");
        return -1;
    }
    return options(t, 0, op == RBK_SSH_MASTER_START ? start : op == RBK_SSH_MASTER_EXIT ? exit_ : check, out, err);
}

int rbk_ssh_command(const rbk_ssh_target *t, const char *script, size_t n, rbk_ssh_argv *out, rbk_sbuf *err) {
    if (too_long(n, err)) return -1;
    if (memchr(script, 0, n)) {
        rbk_sbuf_adds(err, "the command contains a NUL byte, which cannot reach a remote shell");
        return -1;
    }
    if (options(t, 0, NULL, out, err)) return -1;
    rbk_sbuf cmd = RBK_SBUF_INIT;
    size_t quotes = 0;
    for (size_t i = 0; i < n; i++) quotes += script[i] == '\'';
    /* one argv string carries at most 128 KiB (MAX_ARG_STRLEN): a script of many quotes, which
     * the quoted form makes four bytes each, goes base64-encoded (4/3, within the limit for
     * any script of RBK_SSH_MAX_SCRIPT) */
    if (t->shell_other || n + 3 * quotes + 16 > 128 * 1024 - 1) {
        /* csh, fish, ...: their quoting differs from sh's; base64 passes through any of them */
        rbk_sbuf_adds(&cmd, "sh -c 'eval \"$(echo ");
        rbk_sbuf_add_base64(&cmd, script, n, 0, 1);
        rbk_sbuf_adds(&cmd, " | base64 -d)\"'");
    } else {
        /* a POSIX login shell (sh, bash, dash, ksh, zsh): the script single-quoted once, each '
         * as '\'' — byte for byte through every such shell, without the decoding's subshell
         * and base64 process (about 1.3 ms of a remote command's CPU) */
        rbk_sbuf_adds(&cmd, "sh -c '");
        for (size_t i = 0; i < n; i++) {
            if (script[i] == '\'') rbk_sbuf_adds(&cmd, "'\\''");
            else rbk_sbuf_addc(&cmd, script[i]);
        }
        rbk_sbuf_addc(&cmd, '\'');
    }
    push(out, cmd.data);
    rbk_sbuf_free(&cmd);
    return 0;
}

void rbk_ssh_argv_free(rbk_ssh_argv *a) {
    for (size_t i = 0; i < a->n; i++) free(a->argv[i]);
    free(a->argv);
    *a = (rbk_ssh_argv){0};
}

/* support/sshcmd.h — how a command reaches a remote host through the system's OpenSSH client
 * (issue 16; docs/fleet.md once `on:` lands): the ssh command line for a host, and the remote
 * script that runs the command under a watchdog. Text only: stdlib/proc.c runs the result
 * (with rbk_proc_opts.stdin_hold), so the local side is one process group like any command.
 *
 * One quoting level, shell-agnostic. The remote login shell gets exactly
 *     sh -c 'eval "$(echo BASE64 | base64 -d)"'
 * where BASE64 is the script below: only [A-Za-z0-9+/=] reaches the login shell, so bash,
 * dash, zsh, tcsh and fish all pass it to sh unchanged (single-quoted forms break on tcsh and
 * fish for some values). Inside, the command and each argument are single-quoted once
 * (support/shquote.h), so every value reaches the remote command byte for byte.
 *
 * Stopping the remote command. Killing the local ssh leaves the remote command running
 * (OpenSSH's client cannot send a signal request; measured in issue 16). So the script keeps
 * the session's stdin as a watchdog: the runner holds an empty pipe on ssh's stdin for the
 * life of the command and closes it (or dies: a SIGKILLed runner closes it too) to cancel
 * (with stdin:, the data goes first on that pipe as one frame; rbk_ssh_run below).
 * On EOF the watchdog sends SIGTERM to the session's process group (sshd makes the session a
 * group leader), then SIGKILL after RBK_SSH_GRACE_S seconds. When the command ends first, the
 * watchdog is killed and the script exits with the command's status. The command's stdin is
 * /dev/null (or stdin:'s data); as an asynchronous list of a non-interactive sh, it ignores SIGINT and SIGQUIT
 * (POSIX), so cancellation uses SIGTERM.
 *
 * Limits: the script must fit one argv string on both ends (Linux: 128 KiB) single-quoted
 * (a POSIX login shell, shell_other 0; a script whose quotes would pass the limit goes as
 * base64 instead) or after base64 (4/3): at most RBK_SSH_MAX_SCRIPT bytes, else an error that
 * says so; a NUL byte cannot pass and is refused. */
#ifndef RBK_SSHCMD_H
#define RBK_SSHCMD_H
#include <stddef.h>
#include "sbuf.h"

/* its base64 (4/3) and the wrapper around it fit 128 KiB less one (MAX_ARG_STRLEN with its NUL) */
#define RBK_SSH_MAX_SCRIPT (96 * 1024 - 64)
#define RBK_SSH_GRACE_S 2
#define RBK_SSH_CONNECT_TIMEOUT_S 10

typedef struct rbk_ssh_target {
    const char *address;       /* where to connect: ansible_host, else the host's name */
    const char *port;          /* NULL: the client's default or its config */
    const char *user;          /* NULL: the client's default or its config */
    const char *identity;      /* a private key file (ansible_ssh_private_key_file), or NULL */
    const char *const *extra;  /* more client arguments (ansible_ssh_common_args, split as
                                  shlex does), NULL-terminated, or NULL. They come before the
                                  defaults below, so they override them (ssh keeps the first
                                  value of an option), except BatchMode, which is always yes */
    const char *config;        /* a client configuration file (-F, --ssh-config), or NULL */
    const char *control_dir;   /* the run's private directory for ControlMaster sockets, or
                                  NULL: no multiplexing */
    int connect_timeout_s;     /* 0: RBK_SSH_CONNECT_TIMEOUT_S */
    int shell_other;           /* the login shell is not a POSIX one (ansible_shell_type csh,
                                  fish, ...): the script goes base64-encoded, which every shell
                                  passes whole; 0 (Ansible's default, sh): single-quoted */
} rbk_ssh_target;

/* What sh/exec's cwd:, env: and stdin: ask of the remote command (docs/fleet.md). They apply
 * to the command only (its subshell), never to the script around it.
 *  - cwd: `cd -P` to it (physical, as chdir(2)), single-quoted; a relative one is the login's home's, passed as ./DIR (no
 *    CDPATH search, `-` is a name). When cd fails the command does not run: exit 126, with
 *    "runbook: cwd: cannot change to the directory DIR" on stderr. Empty: refused.
 *  - env: "NAME=VALUE" is `export NAME='VALUE'`, a bare "NAME" is `unset NAME`. NAME must be a
 *    shell name (rbk_ssh_env_name_ok), else refused: a remote shell cannot set another.
 *  - stdin: a frame on the session's stdin, not in the script (which is capped at
 *    RBK_SSH_MAX_SCRIPT): the runner writes rbk_ssh_stdin_frame(data) — the data as base64,
 *    exactly rbk_ssh_stdin_frame_len(n) bytes, no newline — and then holds the pipe as always.
 *    The script reads exactly that many bytes first (`head -c`); a frame cut short (the call was
 *    cancelled, or the runner died) runs nothing: exit 125. Only then does the watchdog start
 *    reading, so the data is never taken for the watchdog's EOF and the EOF still cancels; the
 *    command reads the decoded bytes (`base64 -d`, NUL bytes too) through a pipe. */
typedef struct rbk_ssh_run {
    const char *cwd;          /* NULL: the login's home directory */
    const char *const *env;   /* NULL-terminated, or NULL */
    int has_stdin;            /* 0: the command's stdin is /dev/null */
    size_t stdin_len;         /* the data's length (before base64) */
} rbk_ssh_run;

/* The remote script for sh(cmd): cmd run by the remote /bin/sh -c; run may be NULL. 0, or -1
 * with err. */
int rbk_ssh_script_sh(rbk_sbuf *out, const char *cmd, size_t n, const rbk_ssh_run *run, rbk_sbuf *err);
/* The remote script for exec(argv): argv[0] found in the remote PATH (env:'s PATH, when it
 * sets one), no shell between. */
int rbk_ssh_script_exec(rbk_sbuf *out, const char *const *argv, const rbk_ssh_run *run, rbk_sbuf *err);
/* The stdin frame of n bytes of data, and its length. */
void rbk_ssh_stdin_frame(rbk_sbuf *out, const char *data, size_t n);
size_t rbk_ssh_stdin_frame_len(size_t n);
/* 1 when s is a name a POSIX shell can export: [A-Za-z_][A-Za-z0-9_]*. */
int rbk_ssh_env_name_ok(const char *s);

/* The ssh command line that runs script on t: a NULL-terminated argv whose strings live in
 * *store (free both with rbk_ssh_argv_free). 0, or -1 with err (too long, a NUL, no address). */
typedef struct rbk_ssh_argv {
    char **argv;
    size_t n, cap;
} rbk_ssh_argv;
int rbk_ssh_command(const rbk_ssh_target *t, const char *script, size_t n, rbk_ssh_argv *out, rbk_sbuf *err);
void rbk_ssh_argv_free(rbk_ssh_argv *a);

/* The scp command line that copies local to remote on t (flags RBK_SCP_UPLOAD) or remote on t
 * to local (no RBK_SCP_UPLOAD): the same options as rbk_ssh_command (the -F config, port as -P, user as
 * -o User=, identity, extra, BatchMode, StrictHostKeyChecking, the ControlPath, so the run's
 * master connection is reused), with -s: the SFTP protocol, in which no remote shell reads the
 * path (OpenSSH 8.7 and later; the default from 9.0). A relative remote path is relative to the
 * login's home directory. The caller refuses NUL bytes; a remote path that is empty or starts
 * with '-' is refused here. 0, or -1 with err.
 * With RBK_SCP_DIR, a directory, recursively (-r): an upload copies local's contents into remote
 * (passed as LOCAL/.: remote is created when missing and merged into when it is a directory,
 * never nested as remote/NAME on a second run); a download copies the remote directory to local,
 * which must not exist (the caller makes it a fresh path: rbk_dir_atomic). */
enum { RBK_SCP_UPLOAD = 1, RBK_SCP_DIR = 2 };
int rbk_scp_command(const rbk_ssh_target *t, int flags, const char *local, const char *remote, rbk_ssh_argv *out,
                    rbk_sbuf *err);

/* The ssh command line that manages t's ControlMaster connection in t->control_dir (needed):
 * START connects and authenticates without running anything, then leaves the master in the
 * background (-f -N; the exit status says whether the host was reached, its key accepted and
 * the login allowed), CHECK asks whether it runs (-O check), EXIT ends it (-O exit). The same
 * options as rbk_ssh_command, so the same connection is shared. 0, or -1 with err. */
enum { RBK_SSH_MASTER_START, RBK_SSH_MASTER_CHECK, RBK_SSH_MASTER_EXIT };
int rbk_ssh_control(const rbk_ssh_target *t, int op, rbk_ssh_argv *out, rbk_sbuf *err);
#endif

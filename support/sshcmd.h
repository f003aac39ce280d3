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
 * life of the command and closes it (or dies: a SIGKILLed runner closes it too) to cancel.
 * On EOF the watchdog sends SIGTERM to the session's process group (sshd makes the session a
 * group leader), then SIGKILL after RBK_SSH_GRACE_S seconds. When the command ends first, the
 * watchdog is killed and the script exits with the command's status. The command's stdin is
 * /dev/null; as an asynchronous list of a non-interactive sh, it ignores SIGINT and SIGQUIT
 * (POSIX), so cancellation uses SIGTERM.
 *
 * Limits: the script must fit one argv string on both ends (Linux: 128 KiB) after base64
 * (4/3): at most RBK_SSH_MAX_SCRIPT bytes, else an error that says so; a NUL byte cannot pass
 * and is refused. */
#ifndef RBK_SSHCMD_H
#define RBK_SSHCMD_H
#include <stddef.h>
#include "sbuf.h"

#define RBK_SSH_MAX_SCRIPT (96 * 1024)
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
} rbk_ssh_target;

/* The remote script for sh(cmd): cmd run by the remote /bin/sh -c. 0, or -1 with err. */
int rbk_ssh_script_sh(rbk_sbuf *out, const char *cmd, size_t n, rbk_sbuf *err);
/* The remote script for exec(argv): argv[0] found in the remote PATH, no shell between. */
int rbk_ssh_script_exec(rbk_sbuf *out, const char *const *argv, rbk_sbuf *err);

/* The ssh command line that runs script on t: a NULL-terminated argv whose strings live in
 * *store (free both with rbk_ssh_argv_free). 0, or -1 with err (too long, a NUL, no address). */
typedef struct rbk_ssh_argv {
    char **argv;
    size_t n, cap;
} rbk_ssh_argv;
int rbk_ssh_command(const rbk_ssh_target *t, const char *script, size_t n, rbk_ssh_argv *out, rbk_sbuf *err);
void rbk_ssh_argv_free(rbk_ssh_argv *a);

/* The scp command line that copies local to remote on t (upload 1) or remote on t to local
 * (upload 0): the same options as rbk_ssh_command (the -F config, port as -P, user as
 * -o User=, identity, extra, BatchMode, StrictHostKeyChecking, the ControlPath, so the run's
 * master connection is reused), with -s: the SFTP protocol, in which no remote shell reads the
 * path (OpenSSH 8.7 and later; the default from 9.0). A relative remote path is relative to the
 * login's home directory. The caller refuses NUL bytes; a remote path that is empty or starts
 * with '-' is refused here. 0, or -1 with err. */
int rbk_scp_command(const rbk_ssh_target *t, int upload, const char *local, const char *remote, rbk_ssh_argv *out,
                    rbk_sbuf *err);

/* The ssh command line that manages t's ControlMaster connection in t->control_dir (needed):
 * START connects and authenticates without running anything, then leaves the master in the
 * background (-f -N; the exit status says whether the host was reached, its key accepted and
 * the login allowed), CHECK asks whether it runs (-O check), EXIT ends it (-O exit). The same
 * options as rbk_ssh_command, so the same connection is shared. 0, or -1 with err. */
enum { RBK_SSH_MASTER_START, RBK_SSH_MASTER_CHECK, RBK_SSH_MASTER_EXIT };
int rbk_ssh_control(const rbk_ssh_target *t, int op, rbk_ssh_argv *out, rbk_sbuf *err);
#endif

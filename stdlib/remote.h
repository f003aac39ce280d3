/* stdlib/remote.h — the remote runner (issue 16, docs/fleet.md): commands on the hosts of the
 * run's fleet (support/fleet.h) through the system's OpenSSH client, many at a time.
 * Owns: the run's private ControlMaster directory (made by the preflight, 0700; every master
 * ended through OpenSSH's mux protocol, as `ssh -O exit` does, and the directory removed by
 * rbk_remote_close), the preflight that
 * connects to every host before step 1 (reachable, host key pinned, login allowed: nothing is
 * run there), and the bounded parallel run of one process per host (--forks threads, each
 * running stdlib/proc.c, which is thread-safe: posix_spawn, O_CLOEXEC pipes, waitpid(pid)).
 * The command line and the remote watchdog are support/sshcmd.h's; stdlib/std_sh.c is the
 * caller for sh/exec with `on:`. */
#ifndef RBK_REMOTE_H
#define RBK_REMOTE_H
#include <stddef.h>
#include "../support/fleet.h"
#include "proc.h"

typedef struct rbk_remote_job {
    rbk_proc_opts opts;       /* filled by the caller (opts.argv: the ssh command line) */
    rbk_proc_result res;      /* filled by rbk_remote_run_all */
    int rc;                   /* rbk_proc_run's */
} rbk_remote_job;

/* Runs every job's process, at most forks at once (forks < 1: 1), in the jobs' order of
 * starting; returns when all have ended. */
void rbk_remote_run_all(rbk_remote_job *jobs, size_t n, int forks);

/* Before step 1: makes the control directory (once) and starts the ControlMaster connection of
 * each of the n hosts (indices into f->hosts) in parallel. A host that cannot be reached, whose
 * key is unknown or changed (refused: StrictHostKeyChecking), or that refuses the login adds
 * one line to problems. Returns the number of problems. */
int rbk_remote_preflight(rbk_fleet *f, const size_t *hosts, size_t n, volatile sig_atomic_t *interrupted,
                         rbk_sbuf *problems);

/* Ends every master (the mux protocol's terminate request to each socket of the directory;
 * `ssh -O exit` for the hosts, in parallel, when a master refused it) and removes the control
 * directory. Safe to
 * call twice, and on a fleet whose preflight never ran. */
void rbk_remote_close(rbk_fleet *f);
#endif

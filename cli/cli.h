/* cli/cli.h — what the subcommands of cli/ share: the parsed command line (main.c), the table
 * of subcommands (cli/commands.c), and the run machinery both `run` and `resume` use
 * (cli/run.c). A subcommand is a row of the table and a file of its own. */
#ifndef RBK_CLI_H
#define RBK_CLI_H
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "../compiler/diag.h"
#include "../vm/vm.h"
#include "journal.h"
#include "prompt.h"

#define EXIT_USAGE 64
#define EXIT_COMPILE 65

/* The command line, parsed by main.c: every subcommand's options (each command refuses those
 * that are not its own). */
typedef struct rbk_cli_opts {
    const char *cmd;
    const char **files; int nfiles;
    int strict;
    rbk_diag_format format;
    const char *output;
    rbk_run_opts run;
    int on_failure_set;
    const char *env_file;
    int json_log;
    int color;
    const char *reports[4]; int nreports;
    const char *journal;
    const char *inventories[16]; int ninventories; /* --inventory (docs/fleet.md) */
    const char *ssh_config;                        /* --ssh-config */
    int forks;                                     /* --forks; 0: RBK_FLEET_FORKS_DEFAULT */
    rbk_prompt_ctx prompt; /* ask_ctx: the operator's answers on the terminal (cli/prompt.h) */
    int unknown; /* resume --unknown rerun|done: 'r' / 'd' */
    const char *state;          /* --state DIR|URL (docs/state.md); else $RUNBOOK_STATE */
    const char *locks[8]; int nlocks; /* run --lock NAME: the run locks (default: the title) */
    int follow;                 /* show --follow */
    const char *run_id;         /* the run's id in its store, while it runs (cli/state_run.c) */
    int detach;                 /* run --detach (cli/detach.c) */
    struct rbk_detach *detached; /* the detached run's process: its launcher and its output */
    volatile sig_atomic_t *interrupted; /* set by main.c's signal handler */
    volatile sig_atomic_t *running_pgid; /* main.c's: the running command's process group */
} rbk_cli_opts;


/* A subcommand (cli/commands.c). Exactly one of run and main is set. */
typedef struct rbk_command {
    const char *name;
    const char *aliases;   /* other names it answers to, separated by spaces ("--help -h"), or NULL */
    /* its lines of `runbook --help`, each "  runbook NAME ..." with continuation lines indented
     * further (the synopsis block of docs/cli.md, which tests/install/man_test.sh keeps equal;
     * `runbook __complete` reads the completions' commands and options from it, and
     * scripts/gen_man.py the man pages); NULL for a hidden command */
    const char *synopsis;
    int (*run)(rbk_cli_opts *o);         /* with the common options parsed by main.c, or */
    int (*main)(int argc, char **argv);  /* with the arguments after its name, to parse itself */
} rbk_command;

/* The row for name (or one of its aliases), or NULL. */
const rbk_command *rbk_command_find(const char *name);
/* `runbook --help`: the synopsis of every command that has one, in the table's order, and the
 * exit codes. */
void rbk_cli_usage(FILE *o);

/* main.c: SIGINT/SIGTERM/SIGHUP set *o->interrupted (a second one ends the process). */
void rbk_cli_install_signals(void);

/* main.c: SIGUSR1 (what the launcher of a detached run forwards of the operator's Ctrl-C, while
 * the run has not begun) interrupts as SIGINT does (take), or is let pass (once it began). */
void rbk_cli_forwarded_interrupts(int take);

/* cli/detach.c: run --detach (docs/state.md, "Detached runs"). The launching process forks the
 * process that runs (a session of its own, no terminal, stdin /dev/null), which does
 * everything before step 1 with the launcher's stderr, so that a refusal is seen and exits as
 * without --detach; once the run's first record is in the store its stdout and stderr go to a
 * file and the launcher exits 0. */
struct rbk_state;
/* In the launcher: *child = 0 and the exit code to exit with. In the run's process: *child = 1,
 * 0 returned. */
int rbk_detach_fork(rbk_cli_opts *o, int *child);
/* In the run's process, once the store has the run (o->run_id): opens the file its output goes
 * to. 0, or EXIT_USAGE (said). */
int rbk_detach_open_output(rbk_cli_opts *o, const struct rbk_state *s);
/* After the run's first record: says where the run is, how to follow and stop it; stdout and
 * stderr to the output file; the launcher exits 0. Not when an interrupt came first (the run
 * then stops as it would attached, and its code is the launcher's). */
void rbk_detach_commit(rbk_cli_opts *o);
/* The run's process is done: tells the launcher rc unless the run detached. */
void rbk_detach_end(rbk_cli_opts *o, int rc);

/* cli/run.c */
/* --env-file: KEY=VALUE lines into o->run.envfile. */
int rbk_cli_load_env_file(rbk_cli_opts *o, const char *path);
/* The same format for flag's file, appended to *kv (--answers). */
int rbk_cli_load_kv_file(const char *flag, const char *path, rbk_kv **kv, int *nkv);
/* cli/answers.c: checks --answer/--answers against the runbook's named asks and confirms;
 * appends one line per problem, returns how many. */
int rbk_cli_check_answers(rbk_vm *vm, rbk_sbuf *problems);
/* The failure policy and the operator's terminal, when the options did not choose them. */
void rbk_cli_default_policy(rbk_cli_opts *o);
/* Runs a verified unit (run and resume): reports, preflight, the journal, the renderers.
 * Takes ownership of u and j. resume: the journal read by `runbook resume` (its start is checked
 * after the preflight), and resume_decisions the resume record's decisions; both NULL for run. */
int rbk_cli_execute(rbk_cli_opts *o, rbk_unit *u, const char *runbook_path, rbk_journal *j,
                    const rbk_journal_state *resume, const char *resume_decisions);

/* cli/state_run.c: the run store (docs/state.md) for run and resume. */
struct rbk_state;
/* Whether run records into a store: --state, or $RUNBOOK_STATE without --journal. */
int rbk_state_wanted_for_run(const rbk_cli_opts *o);
/* run: opens the store, takes the run locks (refused: who holds them), registers the run and
 * opens its journal. 0, or an exit code (the message printed). */
int rbk_state_start_run(rbk_cli_opts *o, const rbk_unit *u, const char *runbook_path, struct rbk_state **store, rbk_journal **j);
/* resume ARG: whether ARG names a run of a store rather than a journal file. */
int rbk_state_resume_wanted(const rbk_cli_opts *o, const char *arg);
/* resume RUN: opens the store, takes the run and its locks, opens and reads its journal. 0, or an
 * exit code (the message printed). */
int rbk_state_resume_run(rbk_cli_opts *o, const char *id, struct rbk_state **store, rbk_journal **j, rbk_journal_state *st);
void rbk_state_close(struct rbk_state *s);

static inline int rbk_cli_ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}
#endif

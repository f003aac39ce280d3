/* cli/main.c — the command line (docs/cli.md): the signal handler, the options, and the
 * dispatch to the subcommands of the table in cli/commands.c (each in its own file: check.c,
 * compile.c, run.c, resume.c, plan.c, doc.c, import.c).
 * Options may come before or after the file. Exit codes: docs/exit-codes.md. The CLI renders
 * the VM's events (cli/render.c); it never reaches into the interpreter. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../support/duration.h"
#include "../support/tty.h"
#include "cli.h"

static volatile sig_atomic_t g_interrupted; /* the one process-wide flag a signal handler may set */
/* The process group of the command a run is running (0: none), published by sh()/exec()
 * (rbk_run_opts.running_pgid): a second interrupt kills it before the CLI exits at once. */
static volatile sig_atomic_t g_running_pgid;

static void on_signal(int sig) {
    if (g_interrupted) {
        static const char msg[] = "\nrunbook: second interrupt: stopping now\n";
        rbk_tty_restore(); /* a question may have the terminal in no-echo mode */
        if (g_running_pgid > 0) kill(-g_running_pgid, SIGKILL); /* no command left behind */
        if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
        _exit(4);
    }
    g_interrupted = sig;
}

void rbk_cli_install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void on_late_forward(int sig) { (void)sig; }

void rbk_cli_forwarded_interrupts(int take) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    /* a handler, not SIG_IGN, after: an ignored signal would stay ignored in the commands run */
    sa.sa_handler = take ? on_signal : on_late_forward;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
}

static int parse_args(int argc, char **argv, rbk_cli_opts *o) {
    memset(o, 0, sizeof *o);
    o->files = calloc((size_t)argc, sizeof(char *));
    o->run.params = calloc((size_t)argc, sizeof(rbk_kv));
    o->run.answers = calloc((size_t)argc, sizeof(rbk_kv));
    o->run.default_timeout_ms = 30000;
    o->cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
#define NEEDARG() do { if (i + 1 >= argc) { fprintf(stderr, "runbook: %s needs a value\n", a); return -1; } } while (0)
        if (!strcmp(a, "--strict")) o->strict = 1;
        else if (!strcmp(a, "--format")) {
            NEEDARG();
            const char *f = argv[++i];
            if (!strcmp(f, "text")) o->format = RBK_FMT_TEXT;
            else if (!strcmp(f, "json")) o->format = RBK_FMT_JSON;
            else if (!strcmp(f, "github")) o->format = RBK_FMT_GITHUB;
            else if (!strcmp(f, "sarif")) o->format = RBK_FMT_SARIF;
            else { fprintf(stderr, "runbook: --format is text, json, github or sarif, not %s\n", f); return -1; }
        } else if (!strcmp(a, "-o")) { NEEDARG(); o->output = argv[++i]; }
        else if (!strcmp(a, "--param") || !strcmp(a, "--answer")) {
            NEEDARG();
            char *kv = argv[++i];
            char *eq = strchr(kv, '=');
            if (!eq) { fprintf(stderr, "runbook: %s takes NAME=VALUE, not %s\n", a, kv); return -1; }
            rbk_kv *to = a[2] == 'p' ? &o->run.params[o->run.nparams++] : &o->run.answers[o->run.nanswers_cli++];
            to->key = strndup(kv, (size_t)(eq - kv));
            to->value = strdup(eq + 1);
            o->run.nanswers = o->run.nanswers_cli;
        } else if (!strcmp(a, "--answers")) { NEEDARG(); o->run.answers_file = argv[++i]; } else if (!strcmp(a, "--env-file")) { NEEDARG(); o->env_file = argv[++i]; }
        else if (!strcmp(a, "--yes")) o->run.yes = 1;
        else if (!strcmp(a, "--on-failure")) {
            NEEDARG();
            const char *f = argv[++i];
            o->on_failure_set = 1;
            if (!strcmp(f, "rollback")) o->run.on_failure = RBK_ONFAIL_ROLLBACK;
            else if (!strcmp(f, "stop")) o->run.on_failure = RBK_ONFAIL_STOP;
            else if (!strcmp(f, "ask")) o->run.on_failure = RBK_ONFAIL_ASK;
            else { fprintf(stderr, "runbook: --on-failure is ask, rollback or stop, not %s\n", f); return -1; }
        } else if (!strncmp(a, "--on-failure=", 13)) {
            const char *f = a + 13;
            o->on_failure_set = 1;
            if (!strcmp(f, "rollback")) o->run.on_failure = RBK_ONFAIL_ROLLBACK;
            else if (!strcmp(f, "stop")) o->run.on_failure = RBK_ONFAIL_STOP;
            else if (!strcmp(f, "ask")) o->run.on_failure = RBK_ONFAIL_ASK;
            else { fprintf(stderr, "runbook: --on-failure is ask, rollback or stop, not %s\n", f); return -1; }
        } else if (!strcmp(a, "--from")) { NEEDARG(); o->run.from = argv[++i]; }
        else if (!strcmp(a, "--only")) { NEEDARG(); o->run.only = argv[++i]; }
        else if (!strcmp(a, "--fail-at")) { NEEDARG(); o->run.fail_at = argv[++i]; }
        else if (!strcmp(a, "--dry-run")) o->run.dry_run = 1;
        else if (!strcmp(a, "--no-wait")) o->run.no_wait = 1;
        else if (!strcmp(a, "--time-scale")) {
            NEEDARG();
            if (!rbk_time_scale_parse(argv[++i], &o->run.time_scale)) {
                fprintf(stderr, "runbook: --time-scale takes a factor from 1 to 1000000 (60: a minute of runbook time takes a "
                                "second) or RUNBOOK=REAL durations such as 1m=1s, not %s\n", argv[i]);
                return -1;
            }
        }
        else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) o->run.verbose = 1;
        else if (!strcmp(a, "--default-timeout")) {
            NEEDARG();
            if (!rbk_duration_parse(argv[++i], &o->run.default_timeout_ms) || o->run.default_timeout_ms <= 0) {
                fprintf(stderr, "runbook: --default-timeout takes a duration such as 30s, not %s\n", argv[i]);
                return -1;
            }
        } else if (!strcmp(a, "--log-format")) {
            NEEDARG();
            const char *f = argv[++i];
            if (!strcmp(f, "json")) o->json_log = 1;
            else if (strcmp(f, "text")) { fprintf(stderr, "runbook: --log-format is text or json\n"); return -1; }
        } else if (!strcmp(a, "--report")) {
            NEEDARG();
            if (o->nreports == 4) { fprintf(stderr, "runbook: at most 4 --report files\n"); return -1; }
            o->reports[o->nreports++] = argv[++i];
        } else if (!strcmp(a, "--journal")) { NEEDARG(); o->journal = argv[++i]; }
        else if (!strcmp(a, "--inventory") || !strcmp(a, "-i")) {
            NEEDARG();
            if (o->ninventories == 16) { fprintf(stderr, "runbook: at most 16 --inventory files\n"); return -1; }
            o->inventories[o->ninventories++] = argv[++i];
        } else if (!strcmp(a, "--ssh-config")) { NEEDARG(); o->ssh_config = argv[++i]; }
        else if (!strcmp(a, "--forks")) {
            NEEDARG();
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (!*argv[i] || *end || v < 1 || v > RBK_FLEET_FORKS_MAX) {
                fprintf(stderr, "runbook: --forks takes a number of parallel connections from 1 to %d, not %s\n", RBK_FLEET_FORKS_MAX, argv[i]);
                return -1;
            }
            o->forks = (int)v;
        }
        else if (!strcmp(a, "--unknown")) {
            NEEDARG();
            const char *f = argv[++i];
            if (!strcmp(f, "rerun")) o->unknown = 'r';
            else if (!strcmp(f, "done")) o->unknown = 'd';
            else { fprintf(stderr, "runbook: --unknown is rerun or done, not %s\n", f); return -1; }
        } else if (!strcmp(a, "--state")) { NEEDARG(); o->state = argv[++i]; }
        else if (!strcmp(a, "--lock")) {
            NEEDARG();
            if (o->nlocks == 8) { fprintf(stderr, "runbook: at most 8 --lock names\n"); return -1; }
            if (!*argv[i + 1]) { fprintf(stderr, "runbook: --lock needs a name\n"); return -1; }
            o->locks[o->nlocks++] = argv[++i];
        } else if (!strcmp(a, "--follow") || !strcmp(a, "-f")) o->follow = 1;
        else if (!strcmp(a, "--detach")) o->detach = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { rbk_cli_usage(stdout); exit(0); }
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "runbook: unknown option %s\n", a); return -1; }
        else o->files[o->nfiles++] = a;
#undef NEEDARG
    }
    return 0;
}

/* Two outputs into one file would overwrite each other: refused. */
static int check_outputs(rbk_cli_opts *o) {
    const char *paths[6];
    int n = 0;
    for (int i = 0; i < o->nreports; i++) paths[n++] = o->reports[i];
    if (o->journal && strcmp(o->cmd, "resume")) paths[n++] = o->journal;
    if (!strcmp(o->cmd, "resume") && o->nfiles) paths[n++] = o->files[0];
    for (int i = 0; i < n; i++)
        for (int k = i + 1; k < n; k++)
            if (!strcmp(paths[i], paths[k])) {
                fprintf(stderr, "runbook: %s is given twice as an output (--report/--journal): each needs its own file\n", paths[i]);
                return -1;
            }
    return 0;
}

/* Two ways of shortening the same waits: which one a rehearsal used must not be a guess. */
static int check_waits(const rbk_cli_opts *o) {
    if (!o->run.no_wait || !(o->run.time_scale > 1)) return 0;
    fputs("runbook: --no-wait and --time-scale both shorten waits: give one of them\n", stderr);
    return -1;
}

static void free_opts(rbk_cli_opts *o) {
    for (int i = 0; i < o->run.nparams; i++) { free(o->run.params[i].key); free(o->run.params[i].value); }
    free(o->run.params);
    for (int i = 0; i < o->run.nanswers; i++) { free(o->run.answers[i].key); free(o->run.answers[i].value); }
    free(o->run.answers);
    for (int i = 0; i < o->run.nenvfile; i++) { free(o->run.envfile[i].key); free(o->run.envfile[i].value); }
    free(o->run.envfile);
    free(o->files);
}

int main(int argc, char **argv) {
    if (argc < 2) { rbk_cli_usage(stderr); return EXIT_USAGE; }
    const rbk_command *cmd = rbk_command_find(argv[1]);
    if (cmd && cmd->main) return cmd->main(argc - 2, argv + 2);
    rbk_cli_opts o;
    if (parse_args(argc, argv, &o) || check_outputs(&o) || check_waits(&o)) { free_opts(&o); return EXIT_USAGE; }
    o.interrupted = &g_interrupted;
    o.running_pgid = &g_running_pgid;
    int rc;
    if (cmd) rc = cmd->run(&o);
    else {
        fprintf(stderr, "runbook: unknown command %s\n", o.cmd);
        rbk_cli_usage(stderr);
        rc = EXIT_USAGE;
    }
    free_opts(&o);
    return rc;
}

/* cli/run.c — `runbook run FILE` (docs/cli.md), and what `runbook resume` runs with it: the
 * environment file, the failure policy, and the run itself (reports, preflight, journal, the
 * terminal or JSON renderer) around the VM (vm/vm.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../inventory/inventory.h"
#include "../stdlib/remote.h"
#include "../support/readfile.h"
#include "cli.h"
#include "load.h"
#include "render.h"
#include "report.h"
#include "state.h"

/* KEY=VALUE lines; `export ` prefix, # comments, blank lines, single or double quotes. */
int rbk_cli_load_env_file(rbk_cli_opts *o, const char *path) {
    return rbk_cli_load_kv_file("--env-file", path, &o->run.envfile, &o->run.nenvfile);
}

int rbk_cli_load_kv_file(const char *flag, const char *path, rbk_kv **kv, int *nkv) {
    rbk_sbuf b = RBK_SBUF_INIT, e = RBK_SBUF_INIT;
    if (rbk_read_file(path, RBK_READ_MAX_SOURCE, RBK_READ_PIPE, &b, &e) != RBK_READ_OK) { /* `--env-file <(...)` too */
        fprintf(stderr, "runbook: %s: %s\n", flag, rbk_sbuf_cstr(&e));
        rbk_sbuf_free(&b);
        rbk_sbuf_free(&e);
        return -1;
    }
    rbk_sbuf_free(&e);
    char *text = rbk_sbuf_detach(&b);
    int lineno = 0, bad = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        while (*line == ' ' || *line == '\t') line++;
        if (!*line || *line == '#') continue;
        if (!strncmp(line, "export ", 7)) line += 7;
        char *eq = strchr(line, '=');
        if (!eq || eq == line) { fprintf(stderr, "%s:%d: expected NAME=VALUE\n", path, lineno); bad = 1; continue; }
        char *v = eq + 1;
        size_t vl = strlen(v);
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' ')) v[--vl] = 0;
        if (vl >= 2 && ((v[0] == '"' && v[vl - 1] == '"') || (v[0] == '\'' && v[vl - 1] == '\''))) { v[vl - 1] = 0; v++; }
        *kv = realloc(*kv, sizeof(rbk_kv) * (size_t)(*nkv + 1));
        (*kv)[*nkv].key = strndup(line, (size_t)(eq - line));
        (*kv)[*nkv].value = strdup(v);
        (*nkv)++;
    }
    free(text);
    return bad ? -1 : 0;
}

static void print_problems(const char *what, rbk_sbuf *problems, int np) {
    fprintf(stderr, "runbook: %s — %d problem%s found before step 1:\n", what, np, np == 1 ? "" : "s");
    const char *p = rbk_sbuf_cstr(problems);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(stderr, "  - %.*s\n", (int)l, p);
        if (!nl) break;
        p = nl + 1;
    }
}

/* --inventory files into the run's fleet (docs/fleet.md). 0, or -1 (said on stderr). */
static int load_fleet(rbk_cli_opts *o, rbk_fleet *f) {
    rbk_inventory inv = RBK_INVENTORY_INIT;
    rbk_sbuf err = RBK_SBUF_INIT;
    int bad = 0;
    for (int i = 0; i < o->ninventories && !bad; i++) bad = rbk_inv_load(&inv, o->inventories[i], &err) != 0;
    if (!bad) bad = rbk_inv_resolve(&inv, &err) != 0;
    if (!bad) {
        f->ssh_config = o->ssh_config ? rbk_xstrdup(o->ssh_config) : NULL;
        f->forks = o->forks > 0 ? o->forks : RBK_FLEET_FORKS_DEFAULT;
        bad = rbk_inv_fleet(&inv, f, &err) != 0;
    }
    if (bad) fprintf(stderr, "runbook: --inventory: %s\n", rbk_sbuf_cstr(&err));
    rbk_inv_free(&inv);
    rbk_sbuf_free(&err);
    return bad ? -1 : 0;
}

/* Before step 1: every host of the declared groups is reached, its key checked and its login
 * allowed (its ControlMaster connection is started: stdlib/remote.h). */
static int check_hosts(rbk_cli_opts *o, rbk_vm *vm, rbk_sbuf *problems) {
    rbk_fleet *f = o->run.fleet;
    const rbk_unit *u = rbk_vm_unit(vm);
    if (!f) return 0;
    unsigned char *want = rbk_xcalloc(f->nhosts ? f->nhosts : 1, 1);
    for (uint32_t i = 0; i < u->nenvs; i++) {
        if (!(u->envs[i].flags & RBK_ENV_HOSTS)) continue;
        const rbk_fleet_group *g = rbk_fleet_group_find(f, rbk_vm_str(vm, u->envs[i].name));
        for (size_t k = 0; g && k < g->n; k++) want[g->hosts[k]] = 1;
    }
    size_t *hosts = rbk_xcalloc(f->nhosts ? f->nhosts : 1, sizeof *hosts), n = 0;
    for (size_t i = 0; i < f->nhosts; i++)
        if (want[i]) hosts[n++] = i;
    int np = rbk_remote_preflight(f, hosts, n, o->interrupted, problems);
    free(hosts);
    free(want);
    return np;
}

static int execute(rbk_cli_opts *o, rbk_unit *u, const char *runbook_path, rbk_journal *j, const rbk_journal_state *resume,
                   const char *resume_decisions);

int rbk_cli_execute(rbk_cli_opts *o, rbk_unit *u, const char *runbook_path, rbk_journal *j, const rbk_journal_state *resume,
                    const char *resume_decisions) {
    rbk_fleet fleet = {0};
    if (o->ninventories) {
        if (load_fleet(o, &fleet)) {
            rbk_fleet_free(&fleet);
            rbk_unit_free(u);
            rbk_journal_close(j);
            return EXIT_USAGE;
        }
        o->run.fleet = &fleet;
    }
    int code = execute(o, u, runbook_path, j, resume, resume_decisions);
    /* every master ended and the control directory removed: after an error and Ctrl-C too */
    rbk_remote_close(&fleet);
    rbk_fleet_free(&fleet);
    o->run.fleet = NULL;
    return code;
}

static int execute(rbk_cli_opts *o, rbk_unit *u, const char *runbook_path, rbk_journal *j, const rbk_journal_state *resume,
                   const char *resume_decisions) {
    o->run.interrupted = o->interrupted;
    o->run.running_pgid = o->running_pgid;
    o->run.checkpoints = j != NULL;
    rbk_cli_install_signals();
    /* docs/language.md §6: a required param that was not given is asked for on a terminal */
    if (o->run.interactive && !resume && rbk_prompt_params(u, NULL, &o->run.params, &o->run.nparams, o->interrupted) < 0) {
        fputs("runbook: interrupted before step 1: nothing was run\n", stderr);
        rbk_unit_free(u);
        rbk_journal_close(j);
        return 4;
    }
    rbk_report *reports[4] = {0};
    for (int i = 0; i < o->nreports; i++) {
        char *err = NULL;
        reports[i] = rbk_report_open(o->reports[i], u, runbook_path, &err);
        if (!reports[i]) {
            fprintf(stderr, "runbook: --report %s: %s\n", o->reports[i], err ? err : "cannot write it");
            free(err);
            for (int k = 0; k < i; k++) rbk_report_close(reports[k], NULL, NULL);
            rbk_unit_free(u);
            rbk_journal_close(j);
            return EXIT_USAGE;
        }
    }
    rbk_vm *vm = rbk_vm_new(u, &o->run);
    rbk_sbuf problems = RBK_SBUF_INIT;
    int np = rbk_vm_preflight(vm, &problems);
    np += rbk_cli_check_answers(vm, &problems);
    np += check_hosts(o, vm, &problems);
    /* resume: the environment and the parameters the journal could not hold are compared now,
     * when the preflight has registered the secrets that mask them */
    if (resume) np += rbk_journal_check_start(resume, vm, &problems);
    if (o->run.on_failure == RBK_ONFAIL_ASK && !o->run.interactive) {
        rbk_sbuf_adds(&problems, "--on-failure ask needs an operator at a terminal: use rollback or stop\n");
        np++;
    }
    if (np) {
        /* a value in a message (a --param that does not parse) may hold a secret: masked */
        rbk_sbuf shown = RBK_SBUF_INIT;
        rbk_vm_mask(vm, &shown, rbk_sbuf_cstr(&problems), problems.len);
        print_problems(resume ? "not resumed" : "not started", &shown, np);
        if (o->detach && strstr(rbk_sbuf_cstr(&shown), "terminal")) /* those messages say "run on a terminal" */
            fputs("  (--detach: the run has no terminal: a gate is answered with --yes, --answer NAME=VALUE or --answers FILE)\n", stderr);
        rbk_sbuf_free(&shown);
        rbk_sbuf_free(&problems);
        rbk_vm_free(vm);
        for (int k = 0; k < o->nreports; k++) rbk_report_close(reports[k], NULL, NULL);
        rbk_journal_close(j);
        return EXIT_USAGE;
    }
    rbk_sbuf_free(&problems);
    /* nothing runs unless its first record is on disk: a journal that cannot be written now
     * would not be there when the operator needs it (docs/journal.md) */
    if (j && (resume ? rbk_journal_resume_record(j, vm, resume_decisions) : rbk_journal_begin(j, vm, runbook_path))) {
        fprintf(stderr, "runbook: %s: the journal %s cannot be written (above): nothing was run\n", resume ? "not resumed" : "not started",
                o->journal);
        rbk_vm_free(vm);
        for (int k = 0; k < o->nreports; k++) rbk_report_close(reports[k], NULL, NULL);
        rbk_journal_close(j);
        return EXIT_USAGE;
    }
    /* --detach: everything before step 1 was seen by the operator; the run goes on alone */
    if (o->detached) rbk_detach_commit(o);
    rbk_term term;
    rbk_term_init(&term, stdout, isatty(1) && !getenv("NO_COLOR"), o->run.interactive, o->run.verbose);
    if (j) rbk_vm_add_sink(vm, rbk_journal_sink, j); /* first: the intent is on disk before anything else */
    o->prompt.term = o->json_log ? NULL : &term;
    if (o->json_log) rbk_vm_add_sink(vm, rbk_jsonl_sink, stdout);
    else rbk_vm_add_sink(vm, rbk_term_sink, &term);
    for (int i = 0; i < o->nreports; i++) rbk_vm_add_sink(vm, rbk_report_sink, reports[i]);
    int code = rbk_vm_run(vm);
    rbk_term_stop(&term); /* the status line is off before anything else is written */
    for (int i = 0; i < o->nreports; i++) {
        char *err = NULL;
        if (rbk_report_close(reports[i], rbk_vm_registry(vm), &err)) { /* secrets known at the end */
            fprintf(stderr, "runbook: the report %s could not be written: %s\n", o->reports[i], err ? err : "?");
            free(err);
        } else if (!o->json_log) {
            fprintf(stderr, "report: %s\n", o->reports[i]);
        }
    }
    if (j && rbk_journal_close(j)) fprintf(stderr, "runbook: the journal %s ends where it could not be written (above)\n", o->journal);
    else if (j && o->run_id && code != 0 && code != 1 && !o->json_log)
        fprintf(stderr, "run: %s — continue this run with `runbook resume %s`%s\n", o->run_id, o->run_id,
                o->state ? " and the same --state" : "");
    else if (j && code != 0 && code != 1 && !o->json_log)
        fprintf(stderr, "journal: %s — continue this run with `runbook resume %s`\n", o->journal, o->journal);
    rbk_vm_free(vm);
    o->prompt.term = NULL;
    rbk_term_free(&term);
    return code;
}

void rbk_cli_default_policy(rbk_cli_opts *o) {
    o->run.interactive = !o->detach && isatty(0) && isatty(1); /* a detached run has nobody at a terminal */
    o->prompt.interrupted = o->interrupted;
    if (o->run.interactive) {
        o->run.ask = rbk_prompt_ask;
        o->run.ask_ctx = &o->prompt;
    }
    /* docs/language.md §7: ask on a terminal, roll back without one */
    if (!o->on_failure_set) o->run.on_failure = o->run.interactive && o->run.ask ? RBK_ONFAIL_ASK : RBK_ONFAIL_ROLLBACK;
}

static int run_it(rbk_cli_opts *o);

int rbk_cmd_run(rbk_cli_opts *o) {
    if (o->nfiles != 1) { fputs("runbook run: give one FILE.rb or FILE.rbc\n", stderr); return EXIT_USAGE; }
    if (o->unknown) { fputs("runbook run: --unknown is an option of `runbook resume`\n", stderr); return EXIT_USAGE; }
    if (o->env_file && rbk_cli_load_env_file(o, o->env_file)) return EXIT_USAGE;
    if (o->state && o->journal) { fputs("runbook run: --journal and --state: the run store keeps the journal; give one of them\n", stderr); return EXIT_USAGE; }
    if (o->nlocks && !rbk_state_wanted_for_run(o)) { fputs("runbook run: --lock takes the lock in a run store: give --state too\n", stderr); return EXIT_USAGE; }
    if (o->run.answers_file && rbk_cli_load_kv_file("--answers", o->run.answers_file, &o->run.answers, &o->run.nanswers))
        return EXIT_USAGE;
    if (!o->detach) return run_it(o);
    /* docs/state.md, "Detached runs": its records are what the operator follows, so a store */
    if (o->journal || !rbk_state_wanted_for_run(o)) {
        fputs("runbook run: --detach needs a run store, where the run's records are followed: give --state DIR|postgresql://... "
              "(or " RBK_STATE_ENV "), not --journal\n", stderr);
        return EXIT_USAGE;
    }
    int child = 0, rc = rbk_detach_fork(o, &child);
    if (!child) return rc; /* the launcher: 0 once the run began detached, else the run's code */
    rc = run_it(o);
    rbk_detach_end(o, rc);
    return rc;
}

static int run_it(rbk_cli_opts *o) {
    rbk_journal *j = NULL;
    if (o->journal) {
        char *err = NULL;
        j = rbk_journal_open(o->journal, 1, &err);
        if (!j) { fprintf(stderr, "runbook: --journal %s\n", err); free(err); return EXIT_USAGE; }
    }
    rbk_unit *u = rbk_cli_unit(o->files[0], 0, NULL);
    if (!u) { rbk_journal_close(j); return EXIT_COMPILE; }
    /* docs/state.md: a declared `lock "NAME"` is taken in a run store; without one the run is
     * refused before anything ran, rather than going on unlocked */
    for (uint32_t i = 0; i < u->nenvs && !rbk_state_wanted_for_run(o); i++) {
        if (!(u->envs[i].flags & RBK_ENV_LOCK)) continue;
        fprintf(stderr, "runbook run: %s declares the run lock \"%s\": run it with --state DIR|postgresql://... "
                "(or " RBK_STATE_ENV ") to take it\n", o->files[0], rbk_unit_str(u, u->envs[i].name, NULL));
        rbk_journal_close(j);
        rbk_unit_free(u);
        return EXIT_USAGE;
    }
    /* a run store (docs/state.md): the run locks before step 1, the run registered, its journal there */
    struct rbk_state *store = NULL;
    if (rbk_state_wanted_for_run(o)) {
        int rc = rbk_state_start_run(o, u, o->files[0], &store, &j);
        if (!rc && o->detach) rc = rbk_detach_open_output(o, store);
        if (rc) { rbk_journal_close(j); rbk_unit_free(u); rbk_state_close(store); return rc; }
    }
    rbk_cli_default_policy(o);
    int rc = rbk_cli_execute(o, u, o->files[0], j, NULL, NULL);
    rbk_state_close(store); /* after the journal: the run's locks are released last */
    return rc;
}


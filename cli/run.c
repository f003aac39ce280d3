/* cli/run.c — `runbook run FILE` (docs/cli.md), and what `runbook resume` runs with it: the
 * environment file, the failure policy, and the run itself (reports, preflight, journal, the
 * terminal or JSON renderer) around the VM (vm/vm.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../support/readfile.h"
#include "cli.h"
#include "load.h"
#include "render.h"
#include "report.h"

/* KEY=VALUE lines; `export ` prefix, # comments, blank lines, single or double quotes. */
int rbk_cli_load_env_file(rbk_cli_opts *o, const char *path) {
    rbk_sbuf b = RBK_SBUF_INIT, e = RBK_SBUF_INIT;
    if (rbk_read_file(path, RBK_READ_MAX_SOURCE, RBK_READ_PIPE, &b, &e) != RBK_READ_OK) { /* `--env-file <(...)` too */
        fprintf(stderr, "runbook: --env-file: %s\n", rbk_sbuf_cstr(&e));
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
        o->run.envfile = realloc(o->run.envfile, sizeof(rbk_kv) * (size_t)(o->run.nenvfile + 1));
        o->run.envfile[o->run.nenvfile].key = strndup(line, (size_t)(eq - line));
        o->run.envfile[o->run.nenvfile].value = strdup(v);
        o->run.nenvfile++;
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

int rbk_cli_execute(rbk_cli_opts *o, rbk_unit *u, const char *runbook_path, rbk_journal *j, const rbk_journal_state *resume,
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
    o->run.interactive = isatty(0) && isatty(1);
    o->prompt.interrupted = o->interrupted;
    if (o->run.interactive) {
        o->run.ask = rbk_prompt_ask;
        o->run.ask_ctx = &o->prompt;
    }
    /* docs/language.md §7: ask on a terminal, roll back without one */
    if (!o->on_failure_set) o->run.on_failure = o->run.interactive && o->run.ask ? RBK_ONFAIL_ASK : RBK_ONFAIL_ROLLBACK;
}

int rbk_cmd_run(rbk_cli_opts *o) {
    if (o->nfiles != 1) { fputs("runbook run: give one FILE.rb or FILE.rbc\n", stderr); return EXIT_USAGE; }
    if (o->unknown) { fputs("runbook run: --unknown is an option of `runbook resume`\n", stderr); return EXIT_USAGE; }
    if (o->env_file && rbk_cli_load_env_file(o, o->env_file)) return EXIT_USAGE;
    if (o->state && o->journal) { fputs("runbook run: --journal and --state: the run store keeps the journal; give one of them\n", stderr); return EXIT_USAGE; }
    if (o->nlocks && !rbk_state_wanted_for_run(o)) { fputs("runbook run: --lock takes the lock in a run store: give --state too\n", stderr); return EXIT_USAGE; }
    rbk_journal *j = NULL;
    if (o->journal) {
        char *err = NULL;
        j = rbk_journal_open(o->journal, 1, &err);
        if (!j) { fprintf(stderr, "runbook: --journal %s\n", err); free(err); return EXIT_USAGE; }
    }
    rbk_unit *u = rbk_cli_unit(o->files[0], 0, NULL);
    if (!u) { rbk_journal_close(j); return EXIT_COMPILE; }
    /* a run store (docs/state.md): the run locks before step 1, the run registered, its journal there */
    struct rbk_state *store = NULL;
    if (rbk_state_wanted_for_run(o)) {
        int rc = rbk_state_start_run(o, u, o->files[0], &store, &j);
        if (rc) { rbk_journal_close(j); rbk_unit_free(u); return rc; }
    }
    rbk_cli_default_policy(o);
    int rc = rbk_cli_execute(o, u, o->files[0], j, NULL, NULL);
    rbk_state_close(store); /* after the journal: the run's locks are released last */
    return rc;
}


/* cli/commands.c — the one table of subcommands: name, synopsis (its lines of `runbook --help`,
 * which are also the man pages' and the shell completions'), handler. A new subcommand is a
 * row here (and its handler's prototype above the table) plus its own file; its synopsis goes
 * into docs/cli.md's synopsis block too (tests/install/man_test.sh compares the two), from
 * which scripts/gen_man.py and packaging/install.cmake take the list of man pages.
 * A handler that takes `run` gets the common options parsed by main.c; one that takes `main`
 * parses its own arguments. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "version.h" /* generated at every build: scripts/version.cmake */

int rbk_cmd_check(rbk_cli_opts *o);    /* cli/check.c */
int rbk_cmd_compile(rbk_cli_opts *o);  /* cli/compile.c */
int rbk_cmd_run(rbk_cli_opts *o);      /* cli/run.c */
int rbk_cmd_resume(rbk_cli_opts *o);   /* cli/resume.c */
int rbk_cmd_plan(rbk_cli_opts *o);     /* cli/plan.c */
int rbk_cmd_runs(rbk_cli_opts *o);     /* cli/runs.c */
int rbk_cmd_show(rbk_cli_opts *o);     /* cli/runs.c */
int rbk_cmd_approve(rbk_cli_opts *o);  /* cli/runs.c */
int rbk_cmd_reject(rbk_cli_opts *o);   /* cli/runs.c */
int rbk_cmd_doc(rbk_cli_opts *o);      /* cli/doc.c */
int rbk_cmd_disasm(rbk_cli_opts *o);   /* cli/compile.c */
int rbk_cli_import(const char *path, const char *out_path);            /* cli/import.c */
int rbk_cli_complete(const char *usage_text, int argc, char **argv);   /* cli/complete.c */
int rbk_cli_fmt(int argc, char **argv);                                /* cli/fmt.c */
int rbk_cli_lsp(int argc, char **argv);                                /* cli/lsp.c: parses its own arguments */
int rbk_cli_diff(int argc, char **argv);                               /* cli/diff.c: parses its own arguments */

static int cmd_import(rbk_cli_opts *o) {
    if (o->nfiles != 1) { fputs("runbook import: give one FILE.md (and -o FILE.rb to write a file)\n", stderr); return EXIT_USAGE; }
    return rbk_cli_import(o->files[0], o->output);
}
static int cmd_help(int argc, char **argv) {
    (void)argc, (void)argv;
    rbk_cli_usage(stdout);
    return 0;
}
static int cmd_version(int argc, char **argv) {
    (void)argc, (void)argv;
    printf("runbook %s (commit %s, bytecode format %u)\n", RBK_VERSION, RBK_COMMIT, RBK_BC_VERSION);
    return 0;
}
/* For the shell completions: the commands and options of the synopsis (cli/complete.c). */
static int cmd_complete(int argc, char **argv) {
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) return EXIT_USAGE;
    rbk_cli_usage(m);
    fclose(m);
    int rc = rbk_cli_complete(text, argc, argv);
    free(text);
    return rc;
}

static const rbk_command commands[] = {
    {"check", NULL, "  runbook check   [--strict] [--format text|json|github|sarif] PATH...\n", rbk_cmd_check, NULL},
    {"compile", NULL, "  runbook compile FILE.rb [-o FILE.rbc]\n", rbk_cmd_compile, NULL},
    {"run", NULL,
     "  runbook run     FILE.rb|FILE.rbc [--param k=v]... [--env-file F] [--yes]\n"
     "                  [--on-failure ask|rollback|stop] [--from STEP] [--only STEP]\n"
     "                  [--dry-run] [--fail-at STEP] [--no-wait] [--default-timeout D]\n"
     "                  [--time-scale N] [--log-format text|json] [--verbose]\n"
     "                  [--report FILE.md|FILE.json|FILE.xml]... [--journal FILE]\n"
     "                  [--answer NAME=VALUE]... [--answers FILE]\n"
     "                  [--inventory FILE]... [--ssh-config FILE] [--forks N]\n"
     "                  [--state DIR|URL] [--lock NAME]... [--detach]\n",
     rbk_cmd_run, NULL},
    {"resume", NULL,
     "  runbook resume  JOURNAL|RUN [FILE.rb|FILE.rbc] [--unknown rerun|done] [--param NAME=V]...\n"
     "                  [--report F]... [--state DIR|URL] [--detach]\n",
     rbk_cmd_resume, NULL},
    {"runs", NULL, "  runbook runs    [--state DIR|URL] [--format text|json]\n", rbk_cmd_runs, NULL},
    {"show", NULL, "  runbook show    RUN [--follow] [--state DIR|URL]\n", rbk_cmd_show, NULL},
    {"approve", NULL, "  runbook approve RUN [--state URL]\n", rbk_cmd_approve, NULL},
    {"reject", NULL, "  runbook reject  RUN [--state URL]\n", rbk_cmd_reject, NULL},
    {"plan", NULL, "  runbook plan    FILE.rb|FILE.rbc [--format text|json] [--default-timeout D]\n", rbk_cmd_plan, NULL},
    {"doc", NULL, "  runbook doc     FILE.rb|FILE.rbc [--default-timeout D]\n", rbk_cmd_doc, NULL},
    {"diff", NULL,
     "  runbook diff    OLD NEW | --git REV FILE [--format text|markdown|json|github]\n"
     "                  [--default-timeout D]\n",
     NULL, rbk_cli_diff},
    {"disasm", NULL, "  runbook disasm  FILE.rb|FILE.rbc\n", rbk_cmd_disasm, NULL},
    {"import", NULL, "  runbook import  FILE.md [-o FILE.rb]\n", cmd_import, NULL},
    {"fmt", NULL, "  runbook fmt     [--check] [--diff] PATH...|-\n", NULL, rbk_cli_fmt},
    {"lsp", NULL, "  runbook lsp     [--stdio]\n", NULL, rbk_cli_lsp},
    {"help", "--help -h", "  runbook help | --help | -h\n", NULL, cmd_help},
    {"version", "--version", "  runbook version | --version\n", NULL, cmd_version},
    {"__complete", NULL, NULL, NULL, cmd_complete},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static int has_alias(const char *aliases, const char *name) {
    size_t n = strlen(name);
    for (const char *p = aliases; p && *p;) {
        size_t l = strcspn(p, " ");
        if (l == n && !strncmp(p, name, n)) return 1;
        p += l;
        while (*p == ' ') p++;
    }
    return 0;
}

const rbk_command *rbk_command_find(const char *name) {
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name) || has_alias(commands[i].aliases, name)) return &commands[i];
    return NULL;
}

void rbk_cli_usage(FILE *o) {
    fputs("usage:\n", o);
    for (int i = 0; i < NCOMMANDS; i++)
        if (commands[i].synopsis) fputs(commands[i].synopsis, o);
    fputs("exit codes: 0 ok, 1 failed and rolled back, 2 stopped, 3 rollback failed or not run,\n"
          "            4 interrupted, 64 usage, 65 compile error or bad artifact\n",
          o);
}

/* cli/main.c — the command line (LANGUAGE.md §12): check, compile, run, disasm, plan, doc,
 * import (cli/import.c).
 * Options may come before or after the file. Exit codes: docs/exit-codes.md. The CLI renders
 * the VM's events (cli/render.c); it never reaches into the interpreter. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../compiler/compiler.h"
#include "../stdlib/builtins.h"
#include "../stdlib/file_ops.h"
#include "../stdlib/proc.h"
#include "../support/readfile.h"
#include "../support/sha256.h"
#include "../support/tty.h"
#include "../vm/vm.h"
#include "prompt.h"
#include "render.h"
#include "report.h"
#include "journal.h"
#include "load.h"
#include "version.h" /* generated at every build: scripts/version.cmake */

#define EXIT_USAGE 64
#define EXIT_COMPILE 65

static volatile sig_atomic_t g_interrupted; /* the one process-wide flag a signal handler may set */

static void on_signal(int sig) {
    if (g_interrupted) {
        static const char msg[] = "\nrunbook: second interrupt: stopping now\n";
        rbk_tty_restore(); /* a question may have the terminal in no-echo mode */
        if (rbk_proc_running_pgid > 0) kill(-rbk_proc_running_pgid, SIGKILL); /* no command left behind */
        if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
        _exit(4);
    }
    g_interrupted = sig;
}

/* The synopsis: the same lines as the block at the top of docs/cli.md, from which the man pages
 * are generated (tests/install/man_test.sh compares the two). `runbook __complete` reads the
 * commands and options of the shell completions from it (cli/complete.c). */
static void usage(FILE *o) {
    fputs("usage:\n"
          "  runbook check   [--strict] [--format text|json|github|sarif] PATH...\n"
          "  runbook compile FILE.rb [-o FILE.rbc]\n"
          "  runbook run     FILE.rb|FILE.rbc [--param k=v]... [--env-file F] [--yes]\n"
          "                  [--on-failure ask|rollback|stop] [--from STEP] [--only STEP]\n"
          "                  [--dry-run] [--fail-at STEP] [--no-wait] [--default-timeout D]\n"
          "                  [--log-format text|json] [--verbose]\n"
          "                  [--report FILE.md|FILE.json|FILE.xml]... [--journal FILE]\n"
          "  runbook resume  JOURNAL [FILE.rb|FILE.rbc] [--unknown rerun|done] [--param NAME=V]...\n"
          "                  [--report F]...\n"
          "  runbook plan    FILE.rb|FILE.rbc [--format text|json] [--default-timeout D]\n"
          "  runbook doc     FILE.rb|FILE.rbc [--default-timeout D]\n"
          "  runbook disasm  FILE.rb|FILE.rbc\n"
          "  runbook import  FILE.md [-o FILE.rb]\n"
          "  runbook help | --help | -h\n"
          "  runbook version | --version\n"
          "exit codes: 0 ok, 1 failed and rolled back, 2 stopped, 3 rollback failed or not run,\n"
          "            4 interrupted, 64 usage, 65 compile error or bad artifact\n",
          o);
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* A whole file of at most max bytes, read by support/readfile.h (a regular file, or a pipe
 * with RBK_READ_PIPE; never a FIFO waited on or a device read without end). */
static char *slurp(const char *path, size_t max, int flags, size_t *len, char **err) {
    rbk_sbuf b = RBK_SBUF_INIT, e = RBK_SBUF_INIT;
    if (rbk_read_file(path, max, flags, &b, &e) != RBK_READ_OK) {
        rbk_sbuf_free(&b);
        *err = rbk_sbuf_detach(&e);
        return NULL;
    }
    rbk_sbuf_free(&e);
    *len = b.len;
    return rbk_sbuf_detach(&b);
}

/* Files are written with stdlib/file_ops.h rbk_file_write_atomic: a temporary file in the
 * same directory, fsync, rename, fsync the directory; never over a device or pipe. */
static int write_atomic(const char *path, const void *data, size_t len, char **err) {
    rbk_sbuf e = RBK_SBUF_INIT;
    if (rbk_file_write_atomic(path, data, len, &e) != RBK_FILE_OK) {
        *err = rbk_sbuf_detach(&e);
        return -1;
    }
    rbk_sbuf_free(&e);
    return 0;
}

/* ---------------------------------------------------------------- options */
typedef struct opts {
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
    rbk_prompt_ctx prompt; /* choose_ctx: the decisions on the terminal (cli/prompt.h) */
    int unknown; /* resume --unknown rerun|done: 'r' / 'd' */
} opts;

static int parse_args(int argc, char **argv, opts *o) {
    memset(o, 0, sizeof *o);
    o->files = calloc((size_t)argc, sizeof(char *));
    o->run.params = calloc((size_t)argc, sizeof(rbk_kv));
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
        else if (!strcmp(a, "--param")) {
            NEEDARG();
            char *kv = argv[++i];
            char *eq = strchr(kv, '=');
            if (!eq) { fprintf(stderr, "runbook: --param takes NAME=VALUE, not %s\n", kv); return -1; }
            o->run.params[o->run.nparams].key = strndup(kv, (size_t)(eq - kv));
            o->run.params[o->run.nparams].value = strdup(eq + 1);
            o->run.nparams++;
        } else if (!strcmp(a, "--env-file")) { NEEDARG(); o->env_file = argv[++i]; }
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
        else if (!strcmp(a, "--unknown")) {
            NEEDARG();
            const char *f = argv[++i];
            if (!strcmp(f, "rerun")) o->unknown = 'r';
            else if (!strcmp(f, "done")) o->unknown = 'd';
            else { fprintf(stderr, "runbook: --unknown is rerun or done, not %s\n", f); return -1; }
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); exit(0); }
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "runbook: unknown option %s\n", a); return -1; }
        else o->files[o->nfiles++] = a;
#undef NEEDARG
    }
    return 0;
}

/* Two outputs into one file would overwrite each other: refused. */
static int check_outputs(opts *o) {
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

static void free_opts(opts *o) {
    for (int i = 0; i < o->run.nparams; i++) { free(o->run.params[i].key); free(o->run.params[i].value); }
    free(o->run.params);
    for (int i = 0; i < o->run.nenvfile; i++) { free(o->run.envfile[i].key); free(o->run.envfile[i].value); }
    free(o->run.envfile);
    free(o->files);
}

/* KEY=VALUE lines; `export ` prefix, # comments, blank lines, single or double quotes. */
static int load_env_file(opts *o, const char *path) {
    size_t len;
    char *err = NULL;
    char *text = slurp(path, RBK_READ_MAX_SOURCE, RBK_READ_PIPE, &len, &err); /* `--env-file <(...)` too */
    if (!text) { fprintf(stderr, "runbook: --env-file: %s\n", err); free(err); return -1; }
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

/* The files to check under path: a file named on the command line as it is, a directory walked
 * in name order for *.rb (hidden entries skipped). A symbolic link to a directory inside is not
 * followed, so a link loop cannot walk round for ever or a link pair double the work at every
 * level; a link to a file is. Whatever the files are, support/readfile.h reads only regular
 * ones: a FIFO or a device named x.rb is an error, not a wait. */
static int walk(const char *path, const char ***list, int *n, int *cap) {
    struct stat st;
    if (stat(path, &st)) { fprintf(stderr, "runbook: %s: %s\n", path, strerror(errno)); return -1; }
    if (S_ISDIR(st.st_mode)) {
        struct dirent **ents;
        int k = scandir(path, &ents, NULL, alphasort);
        if (k < 0) { fprintf(stderr, "runbook: %s: %s\n", path, strerror(errno)); return -1; }
        int rc = 0;
        for (int i = 0; i < k; i++) {
            const char *nm = ents[i]->d_name;
            if (nm[0] == '.') { free(ents[i]); continue; }
            rbk_sbuf p = RBK_SBUF_INIT;
            rbk_sbuf_printf(&p, "%s%s%s", path, ends_with(path, "/") ? "" : "/", nm);
            struct stat s2, l2;
            int linked = !lstat(p.data, &l2) && S_ISLNK(l2.st_mode);
            /* runbook sources: .rb, and .runbook where .rb would be taken for Ruby (docs/editors.md) */
            if (!stat(p.data, &s2) &&
                (S_ISDIR(s2.st_mode) ? !linked : ends_with(nm, ".rb") || ends_with(nm, ".runbook"))) {
                if (walk(p.data, list, n, cap)) rc = -1;
            }
            rbk_sbuf_free(&p);
            free(ents[i]);
        }
        free(ents);
        return rc;
    }
    if (*n == *cap) { *cap = *cap ? *cap * 2 : 16; *list = realloc(*list, sizeof(char *) * (size_t)*cap); }
    (*list)[(*n)++] = strdup(path);
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
/* A set of diagnostics of `all` (indices + 1), by file path, span, severity and message: what
 * check reports once when two runbooks of a directory find it in a module they share. */
typedef struct diag_set {
    int *slots;
    int cap, n;
} diag_set;
static uint32_t diag_hash(const rbk_diags *all, const rbk_diag *x) {
    uint32_t h = 2166136261u;
    const char *parts[2] = {x->file >= 0 ? all->sources->items[x->file]->path : "", x->msg};
    for (int p = 0; p < 2; p++)
        for (const char *c = parts[p]; *c; c++) { h ^= (unsigned char)*c; h *= 16777619u; }
    uint32_t nums[4] = {x->off, x->end, (uint32_t)x->sev, x->file >= 0};
    for (int i = 0; i < 4; i++) { h ^= nums[i]; h *= 16777619u; }
    return h;
}
static int diag_same(const rbk_diags *all, const rbk_diag *z, const rbk_diag *x) {
    return z->off == x->off && z->end == x->end && z->sev == x->sev && !strcmp(z->msg, x->msg) &&
           (z->file >= 0) == (x->file >= 0) &&
           (z->file < 0 || !strcmp(all->sources->items[z->file]->path, all->sources->items[x->file]->path));
}
static int diag_set_has(const diag_set *s, const rbk_diags *all, const rbk_diag *x) {
    if (!s->cap) return 0;
    for (uint32_t j = diag_hash(all, x) & (uint32_t)(s->cap - 1); s->slots[j]; j = (j + 1) & (uint32_t)(s->cap - 1))
        if (diag_same(all, &all->items[s->slots[j] - 1], x)) return 1;
    return 0;
}
static void diag_set_add(diag_set *s, const rbk_diags *all, int k) {
    if (2 * (s->n + 1) > s->cap) {
        int *old = s->slots, oldcap = s->cap;
        s->cap = s->cap ? s->cap * 2 : 64;
        s->slots = rbk_xcalloc((size_t)s->cap, sizeof(int));
        s->n = 0;
        for (int j = 0; j < oldcap; j++)
            if (old[j]) diag_set_add(s, all, old[j] - 1);
        free(old);
    }
    uint32_t j = diag_hash(all, &all->items[k]) & (uint32_t)(s->cap - 1);
    while (s->slots[j]) j = (j + 1) & (uint32_t)(s->cap - 1);
    s->slots[j] = k + 1;
    s->n++;
}

static int cmd_check(opts *o) {
    if (!o->nfiles) { fputs("runbook check: no files given\n", stderr); return EXIT_USAGE; }
    const char **files = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < o->nfiles; i++)
        if (walk(o->files[i], &files, &n, &cap)) { for (int j = 0; j < n; j++) free((char *)files[j]); free(files); return EXIT_USAGE; }
    rbk_sources sources = {0};
    rbk_diags all;
    rbk_diags_init(&all, &sources);
    /* Every file is checked as a runbook. A file that another file of the set `use`s is a
     * module: its problems are reported through that runbook (with the names it is used
     * under), so its own check as a root is dropped; a module nobody in the set uses is
     * still checked on its own. A problem found through two runbooks is reported once. */
    rbk_diags *each = calloc((size_t)(n ? n : 1), sizeof *each);
    char **used = NULL;
    int nused = 0;
    for (int i = 0; i < n; i++) {
        /* Each runbook is compiled with its own sources (a node's file index is 16 bits: one
         * table for a whole directory would run out), which then join the table the report is
         * rendered from, the diagnostics' file indexes moved with them. */
        rbk_sources mine = {0};
        rbk_diags_init(&each[i], &mine);
        /* the checker finds every user error; code generation adds nothing to check */
        rbk_compiler *c = rbk_compile_load(files[i], &mine, &each[i]);
        for (int m = 0; c && m < c->nmodules; m++) {
            char *real = realpath(mine.items[c->modules[m].file]->path, NULL);
            if (!real) continue;
            used = realloc(used, sizeof(char *) * (size_t)(nused + 1));
            used[nused++] = real;
        }
        rbk_compiler_free(c);
        int base = sources.n;
        for (int k = 0; k < mine.n; k++) {
            if (sources.n == sources.cap) {
                sources.cap = sources.cap ? sources.cap * 2 : 16;
                sources.items = rbk_xrealloc(sources.items, sizeof(rbk_source *) * (size_t)sources.cap);
            }
            sources.items[sources.n++] = mine.items[k];
        }
        free(mine.items);
        each[i].sources = &sources;
        for (int k = 0; k < each[i].n; k++)
            if (each[i].items[k].file >= 0) each[i].items[k].file += base;
        rbk_diags_sort(&each[i]);
    }
    /* the modules, sorted for a binary search; the problems reported so far, in a hash set
     * (files x modules and problems x problems were quadratic: 70,000 files) */
    if (nused) qsort(used, (size_t)nused, sizeof(char *), cmp_str);
    diag_set seen = {0};
    for (int i = 0; i < n; i++) {
        char *real = realpath(files[i], NULL);
        int is_module = real && nused && bsearch(&real, used, (size_t)nused, sizeof(char *), cmp_str) != NULL;
        free(real);
        int before = all.n; /* one runbook's own problems are never duplicates of each other */
        for (int k = 0; !is_module && k < each[i].n; k++) {
            rbk_diag *x = &each[i].items[k];
            if (diag_set_has(&seen, &all, x)) continue;
            rbk_diag *y = rbk_diag_add(&all, x->sev, x->rule, x->file, x->off, x->end, "%s", x->msg);
            if (x->hint) rbk_diag_hint(y, "%s", x->hint);
        }
        for (int k = before; k < all.n; k++) diag_set_add(&seen, &all, k);
        rbk_diags_free(&each[i]);
    }
    free(seen.slots);
    free(each);
    for (int u = 0; u < nused; u++) free(used[u]);
    free(used);
    rbk_sbuf out = RBK_SBUF_INIT;
    int color = o->format == RBK_FMT_TEXT && isatty(2) && !getenv("NO_COLOR");
    rbk_diags_render(&all, o->format, color, &out);
    if (o->format == RBK_FMT_TEXT) {
        if (all.nerrors || all.nwarnings)
            rbk_sbuf_printf(&out, "%d error%s, %d warning%s in %d file%s\n", all.nerrors, all.nerrors == 1 ? "" : "s",
                            all.nwarnings, all.nwarnings == 1 ? "" : "s", n, n == 1 ? "" : "s");
        fputs(rbk_sbuf_cstr(&out), stderr);
    } else {
        fputs(rbk_sbuf_cstr(&out), stdout);
    }
    int rc = all.nerrors || (o->strict && all.nwarnings) ? EXIT_COMPILE : 0;
    rbk_sbuf_free(&out);
    rbk_diags_free(&all);
    rbk_sources_free(&sources);
    for (int j = 0; j < n; j++) free((char *)files[j]);
    free(files);
    return rc;
}

static int cmd_compile(opts *o) {
    if (o->nfiles != 1) { fputs("runbook compile: give one FILE.rb\n", stderr); return EXIT_USAGE; }
    /* the bytes that rbk_cli_unit loaded and verified are the ones written; a .rbc given
     * as input is written out again as this version serialises it */
    rbk_sbuf bytes = RBK_SBUF_INIT;
    rbk_unit *u = rbk_cli_unit(o->files[0], 0, &bytes);
    if (!u) return EXIT_COMPILE;
    uint8_t sha[32];
    if (bytes.len) memcpy(sha, u->artifact_sha256, sizeof sha);
    else rbk_bc_write_sha(u, &bytes, sha);
    rbk_unit_free(u);
    rbk_sbuf outp = RBK_SBUF_INIT;
    if (o->output) rbk_sbuf_adds(&outp, o->output);
    else {
        const char *f = o->files[0];
        size_t l = strlen(f);
        if (ends_with(f, ".rb")) l -= 3;
        else if (ends_with(f, ".runbook")) l -= 8;
        rbk_sbuf_add(&outp, f, l);
        rbk_sbuf_adds(&outp, ".rbc");
    }
    char *err = NULL;
    int rc = write_atomic(outp.data, bytes.data, bytes.len, &err);
    if (rc) { fprintf(stderr, "runbook: %s\n", err); free(err); }
    else {
        char hex[65];
        rbk_sha256_to_hex(sha, hex);
        fprintf(stderr, "wrote %s (%zu bytes, sha256 %s)\n", outp.data, bytes.len, hex);
    }
    rbk_sbuf_free(&bytes);
    rbk_sbuf_free(&outp);
    return rc ? EXIT_USAGE : 0;
}

static int cmd_disasm(opts *o) {
    if (o->nfiles != 1) { fputs("runbook disasm: give one file\n", stderr); return EXIT_USAGE; }
    rbk_unit *u = rbk_cli_unit(o->files[0], 0, NULL);
    if (!u) return EXIT_COMPILE;
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_bc_disasm(u, &out);
    fputs(rbk_sbuf_cstr(&out), stdout);
    rbk_sbuf_free(&out);
    rbk_unit_free(u);
    return 0;
}

static void install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
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

/* Runs a verified unit (run and resume): reports, preflight, the journal, the renderers.
 * Takes ownership of u and j. resume: the journal read by `runbook resume` (its start is checked
 * after the preflight), and resume_decisions the resume record's decisions; both NULL for run. */
static int execute(opts *o, rbk_unit *u, const char *runbook_path, rbk_journal *j, const rbk_journal_state *resume,
                   const char *resume_decisions) {
    o->run.interrupted = &g_interrupted;
    o->run.checkpoints = j != NULL;
    install_signals();
    /* LANGUAGE.md §6: a required param that was not given is asked for on a terminal */
    if (o->run.interactive && !resume && rbk_prompt_params(u, NULL, &o->run.params, &o->run.nparams, &g_interrupted) < 0) {
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
    else if (j && code != 0 && code != 1 && !o->json_log)
        fprintf(stderr, "journal: %s — continue this run with `runbook resume %s`\n", o->journal, o->journal);
    rbk_vm_free(vm);
    o->prompt.term = NULL;
    rbk_term_free(&term);
    return code;
}

static void default_policy(opts *o) {
    o->run.interactive = isatty(0) && isatty(1);
    o->prompt.interrupted = &g_interrupted;
    if (o->run.interactive) {
        o->run.choose = rbk_prompt_choose;
        o->run.choose_ctx = &o->prompt;
    }
    /* LANGUAGE.md §7: ask on a terminal, roll back without one */
    if (!o->on_failure_set) o->run.on_failure = o->run.interactive && o->run.choose ? RBK_ONFAIL_ASK : RBK_ONFAIL_ROLLBACK;
}

static int cmd_run(opts *o) {
    if (o->nfiles != 1) { fputs("runbook run: give one FILE.rb or FILE.rbc\n", stderr); return EXIT_USAGE; }
    if (o->unknown) { fputs("runbook run: --unknown is an option of `runbook resume`\n", stderr); return EXIT_USAGE; }
    if (o->env_file && load_env_file(o, o->env_file)) return EXIT_USAGE;
    rbk_journal *j = NULL;
    if (o->journal) {
        char *err = NULL;
        j = rbk_journal_open(o->journal, 1, &err);
        if (!j) { fprintf(stderr, "runbook: --journal %s\n", err); free(err); return EXIT_USAGE; }
    }
    rbk_unit *u = rbk_cli_unit(o->files[0], 0, NULL);
    if (!u) { rbk_journal_close(j); return EXIT_COMPILE; }
    default_policy(o);
    return execute(o, u, o->files[0], j, NULL, NULL);
}

/* The index of the unit's parameter called name, or -1. */
static int param_index(const rbk_unit *u, const char *name) {
    for (uint32_t k = 0; k < u->nparams; k++)
        if (!strcmp(rbk_unit_str(u, u->params[k].name, NULL), name)) return (int)k;
    return -1;
}
static int given_param(const opts *o, const char *name) {
    for (int i = 0; i < o->run.nparams; i++)
        if (!strcmp(o->run.params[i].key, name)) return 1;
    return 0;
}
/* The begin record's entry for the parameter (given with --param or typed at the start), or NULL. */
static const rbk_journal_value *journal_param(const rbk_journal_state *st, const char *name) {
    for (int i = 0; i < st->nparams; i++)
        if (!strcmp(st->params[i].key, name)) return &st->params[i];
    return NULL;
}

static const char *part_word(rbk_part p) { return p == RBK_PART_COND ? "its `if`" : p == RBK_PART_ROLLBACK ? "its rollback" : "its body"; }

/* runbook resume JOURNAL [FILE]: continues the journaled run (docs/journal.md). */
static int cmd_resume(opts *o) {
    if (o->nfiles < 1 || o->nfiles > 2) { fputs("runbook resume: give JOURNAL [FILE.rb|FILE.rbc]\n", stderr); return EXIT_USAGE; }
    if (o->journal) { fputs("runbook resume: the journal is the first argument; --journal is not allowed\n", stderr); return EXIT_USAGE; }
    if (o->run.from || o->run.only || o->run.fail_at) { fputs("runbook resume: --from, --only and --fail-at come from the journal\n", stderr); return EXIT_USAGE; }
    if (o->env_file && load_env_file(o, o->env_file)) return EXIT_USAGE;
    const char *jpath = o->files[0];
    o->journal = jpath;
    char *err = NULL;
    /* the lock first: what is read is then what nobody else is still writing, and no other
     * process continues this run while this one does */
    rbk_journal *j = rbk_journal_open(jpath, 0, &err);
    if (!j) {
        fprintf(stderr, "runbook resume: refused: %s\n", err);
        free(err);
        return EXIT_USAGE;
    }
    rbk_journal_state st;
    if (rbk_journal_read(jpath, &st, &err)) {
        fprintf(stderr, "runbook resume: %s\n", err);
        free(err);
        rbk_journal_close(j);
        return EXIT_USAGE;
    }
    int rc = EXIT_USAGE;
    rbk_unit *u = NULL;
    char *jpath_owned = NULL;
    uint8_t *ask = NULL;
    rbk_sbuf decisions = RBK_SBUF_INIT;
    if (st.ended && (st.end_code == 0 || st.end_code == 1)) {
        fprintf(stderr, "runbook resume: nothing to resume: the run in %s ended with exit %d (%s)\n", jpath, st.end_code,
                st.end_code == 0 ? "GO" : "failed and fully rolled back");
        rc = 0;
        goto out;
    }
    const char *path = o->nfiles == 2 ? o->files[1] : st.runbook;
    if (!path) { fprintf(stderr, "runbook resume: %s does not name the runbook: give it as the second argument\n", jpath); goto out; }
    char jabs[PATH_MAX];
    if (!realpath(jpath, jabs)) { fprintf(stderr, "runbook resume: %s: %s\n", jpath, strerror(errno)); goto out; }
    jpath = o->journal = jpath_owned = strdup(jabs);
    /* the run continues where it started: the same working directory (relative paths in
     * commands, and the source paths the artifact was compiled with) */
    if (o->nfiles == 1 && st.cwd && chdir(st.cwd)) {
        fprintf(stderr, "runbook resume: cannot go back to the run's directory %s: %s\n", st.cwd, strerror(errno));
        goto out;
    }
    u = rbk_cli_unit(path, 0, NULL);
    if (!u) { rc = EXIT_COMPILE; goto out; }
    char hex[65];
    rbk_sha256_to_hex(u->artifact_sha256, hex);
    if (!st.artifact || strcmp(st.artifact, hex)) {
        fprintf(stderr, "runbook resume: refused: %s was written by artifact %.12s…, but %s is now artifact %.12s…:\n"
                        "  the runbook changed since that run, and a changed runbook cannot continue it\n",
                jpath, st.artifact ? st.artifact : "?", path, hex);
        goto out;
    }
    if (st.n > (int)u->nsteps) { fprintf(stderr, "runbook resume: %s names step %d, which the runbook does not have\n", jpath, st.n - 1); goto out; }
    /* the parameters come from the journal, but for those it does not hold (docs/journal.md):
     * a secret one, and one whose value held a secret (masked): given again (--param, or typed
     * on a terminal); the environment is compared after the preflight (execute) */
    ask = calloc((size_t)u->nparams + 1, 1);
    int nask = 0;
    for (int i = 0; i < o->run.nparams; i++) {
        const char *key = o->run.params[i].key;
        int k = param_index(u, key);
        const rbk_journal_value *jv = journal_param(&st, key);
        int secret = k >= 0 && (u->params[k].flags & RBK_PARAM_SECRET);
        if (k < 0 || (!secret && !(jv && jv->masked))) {
            fprintf(stderr, "runbook resume: --param %s: the parameters come from the journal; --param gives again only a secret one, "
                            "or one the journal holds masked\n", key);
            goto out;
        }
        if (secret && !jv && u->params[k].deflt != RBK_NONE) {
            fprintf(stderr, "runbook resume: --param %s: the run used its default, and so does the resumed run\n", key);
            goto out;
        }
    }
    for (uint32_t k = 0; k < u->nparams; k++) {
        const char *name = rbk_unit_str(u, u->params[k].name, NULL);
        if (given_param(o, name)) continue;
        const rbk_journal_value *jv = journal_param(&st, name);
        if (jv && jv->masked) { ask[k] = 2; nask++; }
        else if ((u->params[k].flags & RBK_PARAM_SECRET) && (jv || u->params[k].deflt == RBK_NONE)) { ask[k] = 1; nask++; }
    }
    default_policy(o);
    if (nask && !o->run.interactive) {
        rbk_sbuf secret = RBK_SBUF_INIT, masked = RBK_SBUF_INIT, flags = RBK_SBUF_INIT;
        int ns = 0, nm = 0;
        for (uint32_t k = 0; k < u->nparams; k++) {
            if (!ask[k]) continue;
            const char *name = rbk_unit_str(u, u->params[k].name, NULL);
            rbk_sbuf *to = ask[k] == 1 ? &secret : &masked;
            rbk_sbuf_printf(to, "%s%s", to->len ? ", " : "", name);
            *(ask[k] == 1 ? &ns : &nm) += 1;
            rbk_sbuf_printf(&flags, "%s--param %s=VALUE", flags.len ? " " : "", name);
        }
        fputs("runbook resume: refused: the journal does not hold the value", stderr);
        if (ns) fprintf(stderr, " of secret parameter%s %s (it is never written)", ns == 1 ? "" : "s", rbk_sbuf_cstr(&secret));
        if (nm) fprintf(stderr, "%s of parameter%s %s (%s a secret, and %s masked)", ns ? ", nor" : "", nm == 1 ? "" : "s",
                        rbk_sbuf_cstr(&masked), nm == 1 ? "its value holds" : "their values hold", nm == 1 ? "is" : "are");
        fprintf(stderr, ":\n  give %s again with %s (%s the run started with), or resume on a terminal to be asked\n",
                nask == 1 ? "it" : "them", rbk_sbuf_cstr(&flags), nask == 1 ? "the value" : "the values");
        rbk_sbuf_free(&secret);
        rbk_sbuf_free(&masked);
        rbk_sbuf_free(&flags);
        goto out;
    }
    /* the options of the run, from the journal (the renderer's own options from this command) */
    if (!o->on_failure_set && st.on_failure) {
        if (!strcmp(st.on_failure, "stop")) { o->run.on_failure = RBK_ONFAIL_STOP; o->on_failure_set = 1; }
        else if (!strcmp(st.on_failure, "rollback")) { o->run.on_failure = RBK_ONFAIL_ROLLBACK; o->on_failure_set = 1; }
    }
    default_policy(o); /* again: the failure policy may have come from the journal */
    o->run.default_timeout_ms = st.default_timeout_ms > 0 ? st.default_timeout_ms : o->run.default_timeout_ms;
    o->run.dry_run |= st.dry_run;
    o->run.no_wait |= st.no_wait;
    o->run.yes |= st.yes;
    o->run.verbose |= st.verbose;
    o->run.only = st.only;
    o->run.fail_at = st.fail_at;
    o->run.from = st.from; /* the steps before it were skipped, or are to be: not run by the resume */
    o->run.params = realloc(o->run.params, sizeof(rbk_kv) * (size_t)(o->run.nparams + st.nparams + 1));
    for (int i = 0; i < st.nparams; i++) {
        if (!st.params[i].value) continue; /* secret or masked: given again (above, below) */
        o->run.params[o->run.nparams].key = strdup(st.params[i].key);
        o->run.params[o->run.nparams].value = strdup(st.params[i].value);
        o->run.nparams++;
    }
    install_signals(); /* a Ctrl-C at the questions below ends them cleanly */
    if (nask) {
        int got = rbk_prompt_params(u, ask, &o->run.params, &o->run.nparams, &g_interrupted);
        if (got < 0) { fputs("resume: interrupted: nothing was run\n", stderr); rc = 4; goto out; }
        if (got < nask) { fputs("runbook resume: refused: a parameter the journal does not hold was not given: nothing was run\n", stderr); goto out; }
    }
    /* the journal's last line was cut short by the kill: the records go on after the last whole one */
    if (st.cut_short && rbk_journal_truncate(j, st.valid_bytes)) {
        fprintf(stderr, "runbook resume: %s: cannot cut off its last, incomplete line: %s\n", jpath, strerror(errno));
        goto out;
    }
    /* what the operator is told, and the decisions about effects of unknown outcome */
    int ndone = 0;
    for (int i = 0; i < st.n; i++) ndone += st.done[i] != 0;
    fprintf(stderr, "resume: %s: %d step%s done before%s%s\n", jpath, ndone, ndone == 1 ? "" : "s",
            st.rollback_phase ? "; the run was rolling back: the rollback continues" : "",
            st.cut_short ? "; the last record was cut short (the runner died while writing it) and is left out" : "");
    const char *where = st.incomplete_step >= 0 ? rbk_unit_str(u, u->steps[st.incomplete_step].name, NULL) : "?";
    const char *what = st.incomplete_in_rollback ? "the rollback of" : "step";
    int nreplayed = 0;
    for (int i = 0; i < st.nreplay; i++) nreplayed += st.replay[i].kind != RBK_REPLAY_RUN;
    if (st.incomplete_step >= 0 && st.cut && nreplayed) {
        fprintf(stderr, "resume: %s \"%s\" was cut off; it runs again from its start, and what it did before is not done again "
                        "(the journal gives what each call returned):\n", what, where);
        for (int i = 0; i < st.nreplay; i++)
            if (st.replay[i].kind != RBK_REPLAY_RUN)
                fprintf(stderr, "  = %s %s (%s, %s)\n", st.replay[i].effect, st.replay[i].target, part_word(st.replay[i].part),
                        st.replay[i].kind == RBK_REPLAY_DONE ? "counted as done at an earlier resume" : st.replay[i].status);
    }
    if (st.incomplete_step >= 0 && !st.cut && st.nagain) {
        /* never silently: an attempt that ended (failed, stopped) is followed by a new one */
        fprintf(stderr, "resume: %s \"%s\" ended %s; it runs again from its start, as a new attempt, and these effects of "
                        "the last attempt run again:\n", what, where, st.ended_status ? st.ended_status : "?");
        for (int i = 0; i < st.nagain; i++) fprintf(stderr, "  + %s %s (%s)\n", st.again[i].effect, st.again[i].target, st.again[i].why);
    }
    rbk_sbuf_addc(&decisions, '[');
    if (st.nunknown) {
        fprintf(stderr, "resume: %s \"%s\" was cut off; the outcome of %s unknown:\n", what, where,
                st.nunknown == 1 ? "this effect is" : "these effects is");
        for (int i = 0; i < st.nunknown; i++)
            fprintf(stderr, "  - %s %s (%s)\n", st.unknown[i].effect, st.unknown[i].target, st.unknown[i].why);
        if (!o->unknown && !(o->run.interactive && o->run.choose)) {
            fputs("runbook resume: refused: effects of unknown outcome need a decision — check what happened, then\n"
                  "  resume on a terminal, or pass --unknown rerun (run them again) or --unknown done (count them as done)\n", stderr);
            goto out;
        }
        for (int i = 0; i < st.nunknown; i++) {
            rbk_journal_effect *x = &st.unknown[i];
            int c = o->unknown == 'r' ? 'R' : o->unknown == 'd' ? 'D' : 0;
            if (!c) {
                rbk_sbuf q = RBK_SBUF_INIT, d = RBK_SBUF_INIT;
                rbk_sbuf_printf(&q, "%s \"%s\": `%s %s` may or may not have happened. What now?",
                                st.incomplete_in_rollback ? "The rollback of" : "Step", where, x->effect, x->target);
                rbk_sbuf_printf(&d, "%s\nrun it again: it is performed once more; count it as done: it is not, and what it returned "
                                    "cannot be read", x->why);
                c = o->run.choose(o->run.choose_ctx, rbk_sbuf_cstr(&q), rbk_sbuf_cstr(&d), "RDs");
                rbk_sbuf_free(&q);
                rbk_sbuf_free(&d);
                if (c != 'R' && c != 'D') { fputs("resume: stopped by the operator; nothing was run\n", stderr); rc = 2; goto out; }
            }
            st.replay[x->replay].kind = c == 'D' ? RBK_REPLAY_DONE : RBK_REPLAY_RUN;
            rbk_sbuf_printf(&decisions, "%s{\"step\":%d,\"part\":\"%s\",\"seq\":%d,\"effect\":", i ? "," : "", st.incomplete_step,
                            x->part == RBK_PART_COND ? "cond" : x->part == RBK_PART_ROLLBACK ? "rollback" : "body", x->seq);
            rbk_sbuf_add_json_str(&decisions, x->effect, strlen(x->effect));
            rbk_sbuf_adds(&decisions, ",\"target\":");
            rbk_sbuf_add_json_str(&decisions, x->target, strlen(x->target));
            rbk_sbuf_printf(&decisions, ",\"decision\":\"%s\"}", c == 'D' ? "done" : "rerun");
        }
    }
    rbk_sbuf_addc(&decisions, ']');
    {
        int n = (int)u->nsteps;
        rbk_resume R;
        memset(&R, 0, sizeof R);
        R.done = calloc((size_t)n + 1, 1);
        R.rolled_back = calloc((size_t)n + 1, 1);
        R.checkpoint = calloc((size_t)n + 1, sizeof(char *));
        for (int i = 0; i < st.n; i++) { R.done[i] = st.done[i]; R.rolled_back[i] = st.rolled_back[i]; R.checkpoint[i] = st.checkpoint[i]; }
        R.rollback_phase = st.rollback_phase;
        R.failed_step = st.failed_step;
        R.original_code = 1;
        R.cut_step = st.cut ? st.incomplete_step : -1;
        R.cut_in_rollback = st.incomplete_in_rollback;
        R.cut_attempt = st.cut_attempt;
        R.replay = st.replay;
        R.nreplay = st.nreplay;
        R.last_effect_id = st.last_effect_id;
        o->run.resume = &R;
        rc = execute(o, u, path, j, &st, rbk_sbuf_cstr(&decisions));
        j = NULL;
        u = NULL;
        o->run.resume = NULL;
        free(R.done);
        free(R.rolled_back);
        free(R.checkpoint);
    }
out:
    rbk_journal_close(j);
    rbk_unit_free(u);
    free(ask);
    free(jpath_owned);
    rbk_sbuf_free(&decisions);
    rbk_journal_state_free(&st);
    return rc;
}

int rbk_cli_plan(const char *path, int json, int64_t default_timeout_ms); /* cli/plan.c */
int rbk_cli_doc(const char *path, int64_t default_timeout_ms);
int rbk_cli_complete(const char *usage_text, int argc, char **argv); /* cli/complete.c */
int rbk_cli_import(const char *path, const char *out_path); /* cli/import.c */

int main(int argc, char **argv) {
    if (argc < 2) { usage(stderr); return EXIT_USAGE; }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) { usage(stdout); return 0; }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("runbook %s (commit %s, bytecode format %u)\n", RBK_VERSION, RBK_COMMIT, RBK_BC_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "__complete")) { /* for the shell completions: cli/complete.c */
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        if (!m) return EXIT_USAGE;
        usage(m);
        fclose(m);
        int rc = rbk_cli_complete(text, argc - 2, argv + 2);
        free(text);
        return rc;
    }
    opts o;
    if (parse_args(argc, argv, &o) || check_outputs(&o)) { free_opts(&o); return EXIT_USAGE; }
    int rc;
    if (!strcmp(o.cmd, "check")) rc = cmd_check(&o);
    else if (!strcmp(o.cmd, "compile")) rc = cmd_compile(&o);
    else if (!strcmp(o.cmd, "run")) rc = cmd_run(&o);
    else if (!strcmp(o.cmd, "disasm")) rc = cmd_disasm(&o);
    else if (!strcmp(o.cmd, "plan") || !strcmp(o.cmd, "doc")) {
        if (o.nfiles != 1) { fprintf(stderr, "runbook %s: give one FILE.rb or FILE.rbc\n", o.cmd); rc = EXIT_USAGE; }
        else if (!strcmp(o.cmd, "plan") && o.format != RBK_FMT_TEXT && o.format != RBK_FMT_JSON) {
            fputs("runbook plan: --format is text or json\n", stderr);
            rc = EXIT_USAGE;
        } else rc = !strcmp(o.cmd, "plan") ? rbk_cli_plan(o.files[0], o.format == RBK_FMT_JSON, o.run.default_timeout_ms)
                                         : rbk_cli_doc(o.files[0], o.run.default_timeout_ms);
    } else if (!strcmp(o.cmd, "resume")) rc = cmd_resume(&o);
    else if (!strcmp(o.cmd, "import")) {
        if (o.nfiles != 1) { fputs("runbook import: give one FILE.md (and -o FILE.rb to write a file)\n", stderr); rc = EXIT_USAGE; }
        else rc = rbk_cli_import(o.files[0], o.output);
    } else {
        fprintf(stderr, "runbook: unknown command %s\n", o.cmd);
        usage(stderr);
        rc = EXIT_USAGE;
    }
    free_opts(&o);
    return rc;
}

/* cli/check.c — `runbook check [--strict] [--format F] PATH...` (docs/cli.md): every runbook
 * under the paths checked, a module's problems reported through the runbooks that use it, each
 * problem once, rendered by compiler/diag.c. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../compiler/compiler.h"
#include "../support/hash.h"
#include "cli.h"

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
            rbk_sbuf_printf(&p, "%s%s%s", path, rbk_cli_ends_with(path, "/") ? "" : "/", nm);
            struct stat s2, l2;
            int linked = !lstat(p.data, &l2) && S_ISLNK(l2.st_mode);
            /* runbook sources: .rb, and .runbook where .rb would be taken for Ruby (docs/editors.md) */
            if (!stat(p.data, &s2) &&
                (S_ISDIR(s2.st_mode) ? !linked : rbk_cli_ends_with(nm, ".rb") || rbk_cli_ends_with(nm, ".runbook"))) {
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
    uint32_t h = rbk_fnv1a_add_str(RBK_FNV1A_SEED, x->file >= 0 ? all->sources->items[x->file]->path : "");
    h = rbk_fnv1a_add_str(h, x->msg);
    uint32_t nums[4] = {x->off, x->end, (uint32_t)x->sev, x->file >= 0};
    for (int i = 0; i < 4; i++) { h ^= nums[i]; h *= RBK_FNV1A_PRIME; } /* a word at a time */
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

int rbk_cmd_check(rbk_cli_opts *o) {
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
        for (int k = 0; k < each[i].n; k++) {
            if (each[i].items[k].file >= 0) each[i].items[k].file += base;
            for (int j = 0; j < each[i].items[k].nnotes; j++)
                if (each[i].items[k].notes[j].file >= 0) each[i].items[k].notes[j].file += base;
        }
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
            rbk_diag_copy(&all, x);
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


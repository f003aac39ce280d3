/* compiler/compile.c — the compile driver: reads the root file, parses it, finds its `use`
 * declarations, loads each module (std/... from the embedded standard library, ./relative
 * paths from the root file's directory), parses them, and runs the checker. Every module is
 * linked into the one unit. Files are read by support/readfile.h: regular files only, never
 * waiting on one, and the sources of one runbook, its modules included, total at most
 * RBK_READ_MAX_SOURCE bytes; a runbook uses at most RBK_MAX_MODULES modules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../grammar/lexstate.h"
#include "../support/readfile.h"
#include "compiler.h"
#include "parser.h"

int rbk_std_module_find(const char *name, const char **src, size_t *len); /* generated */
const char *rbk_std_module_name(int i);                                   /* generated, sorted */

/* A source file of at most max bytes (support/readfile.h), or NULL with *err set and *rc the
 * reader's code. */
static char *read_source(const char *path, size_t max, size_t *len, char **err, int *rc) {
    rbk_sbuf b = RBK_SBUF_INIT, e = RBK_SBUF_INIT;
    *rc = rbk_read_file(path, max, 0, &b, &e);
    if (*rc != RBK_READ_OK) {
        rbk_sbuf_free(&b);
        *err = rbk_sbuf_detach(&e);
        return NULL;
    }
    rbk_sbuf_free(&e);
    *len = b.len;
    return rbk_sbuf_detach(&b);
}

/* One parse of the file with `parse`, reporting into `diags`; returns the program or NULL. */
static rbk_node *parse_with(rbk_compiler *c, int file, rbk_diags *diags, int (*parse)(rbk_parser *)) {
    rbk_source *src = c->sources->items[file];
    rbk_lexer L;
    rbk_lex_init(&L, src->text, src->len, file, c->arena, diags);
    rbk_parser P = {0};
    P.L = &L;
    P.arena = c->arena;
    P.diags = diags;
    P.file = file;
    P.text = src->text;
    parse(&P);
    rbk_lex_free(&L);
    return P.program;
}

int rbk_compile_parse_file(rbk_compiler *c, int file) {
    int before = c->diags->nerrors;
    rbk_node *program = NULL;
    int done = 0;
#ifdef RBK_FAST_PARSER
    /* LAC makes syntax errors exact but costs the parser a tenth of its time, and a file
     * without errors parses to the same tree without it: parse without LAC first, keeping
     * what it reports aside, and again with LAC (the only messages anyone sees) if it
     * reported anything. The first tree then stays unused in the arena. */
    rbk_diags quiet;
    rbk_diags_init(&quiet, c->sources);
    program = parse_with(c, file, &quiet, rbk_parse_fast);
    done = quiet.n == 0;
    rbk_diags_free(&quiet);
#endif
    if (!done) program = parse_with(c, file, c->diags, rbk_parse);
    if (file == c->root_file) c->root = program;
    else c->modules[c->nmodules - 1].prog = program;
    if (!program) {
        rbk_node *empty = rbk_node_new(c->arena, N_PROGRAM, file, 0, 0);
        if (file == c->root_file) c->root = empty;
        else c->modules[c->nmodules - 1].prog = empty;
    }
    if (c->diags->nerrors != before) c->syntax_errors = 1;
    return c->diags->nerrors == before;
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void load_modules(rbk_compiler *c, const char *root_path) {
    for (int i = 0; i < c->root->list.n; i++) {
        rbk_node *n = c->root->list.items[i];
        if (!n || n->kind != N_USE) continue;
        if (n->a->kind != N_STRING) {
            if (n->a->kind != N_ERROR) /* else the parser reported it */
                rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", n->a->file, n->a->off, n->a->end, "a module path must be a plain string");
            continue;
        }
        const char *path = n->a->str;
        char *name;
        if (n->str) name = rbk_xstrdup(n->str);
        else {
            const char *b = base_name(path);
            size_t l = strlen(b);
            if (l > 3 && !strcmp(b + l - 3, ".rb")) l -= 3;
            else if (l > 8 && !strcmp(b + l - 8, ".runbook")) l -= 8; /* the other extension (docs/editors.md) */
            name = rbk_xstrndup(b, l);
        }
        if (c->nmodules >= RBK_MAX_MODULES) { /* the checker's file index is 16 bits: see the limit */
            rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "limit", n->file, n->off, n->end,
                                       "too many modules (limit %d)", RBK_MAX_MODULES);
            rbk_diag_hint(d, "a module may hold any number of functions: merge some");
            free(name);
            break;
        }
        int dup = 0;
        for (int m = 0; m < c->nmodules; m++)
            if (!strcmp(c->modules[m].name, name)) dup = 1;
        if (dup) {
            rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", n->file, n->off, n->end, "module `%s` is used twice", name);
            free(name);
            continue;
        }
        const char *text = NULL;
        size_t len = 0;
        char *owned = NULL, *err = NULL;
        char *display = NULL;
        if (!strncmp(path, "std/", 4)) {
            if (!rbk_std_module_find(path, &text, &len)) {
                rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", n->a->file, n->a->off, n->a->end,
                                           "there is no standard module \"%s\"", path);
                /* named from the embedded table, so the list cannot fall behind stdlib/std/ */
                rbk_sbuf names = RBK_SBUF_INIT;
                int nstd = 0;
                while (rbk_std_module_name(nstd)) nstd++;
                for (int k = 0; k < nstd; k++)
                    rbk_sbuf_printf(&names, "%s%s", k == 0 ? "" : k == nstd - 1 ? " and " : ", ", rbk_std_module_name(k));
                rbk_diag_hint(d, "the standard modules are %s", rbk_sbuf_cstr(&names));
                rbk_sbuf_free(&names);
                free(name);
                continue;
            }
            rbk_sbuf b = RBK_SBUF_INIT;
            rbk_sbuf_printf(&b, "<%s>", path);
            display = rbk_sbuf_detach(&b);
        } else {
            if (strncmp(path, "./", 2) && strncmp(path, "../", 3) && path[0] != '/') {
                rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", n->a->file, n->a->off, n->a->end,
                                           "a module path is \"std/NAME\" or a relative path starting with ./");
                (void)d;
                free(name);
                continue;
            }
            rbk_sbuf b = RBK_SBUF_INIT;
            const char *slash = strrchr(root_path, '/');
            if (path[0] != '/' && slash) rbk_sbuf_add(&b, root_path, (size_t)(slash - root_path + 1));
            rbk_sbuf_adds(&b, path[0] == '.' && path[1] == '/' ? path + 2 : path);
            display = rbk_sbuf_detach(&b);
            int rc = RBK_READ_OK;
            if (c->reader) owned = c->reader->read(c->reader->ctx, display, &len);
            if (!owned) owned = read_source(display, RBK_READ_MAX_SOURCE - c->source_bytes, &len, &err, &rc);
            if (!owned) {
                /* never the file's text: a refused file may be /proc/self/environ */
                rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, rc == RBK_READ_TOO_BIG ? "limit" : "check",
                                           n->a->file, n->a->off, n->a->end, "%s", err);
                if (rc == RBK_READ_TOO_BIG)
                    rbk_diag_hint(d, "a runbook's sources, its modules included, total at most %zu bytes (64 MiB); "
                                     "the files read before this one hold %zu", RBK_READ_MAX_SOURCE, c->source_bytes);
                free(err);
                free(display);
                free(name);
                continue;
            }
            text = owned;
        }
        if (len > RBK_READ_MAX_SOURCE - c->source_bytes) { /* a standard module past the budget */
            rbk_diag_add(c->diags, RBK_SEV_ERROR, "limit", n->a->file, n->a->off, n->a->end,
                         "the runbook's sources would exceed %zu bytes (64 MiB) with this module", RBK_READ_MAX_SOURCE);
            free(owned);
            free(display);
            free(name);
            continue;
        }
        c->source_bytes += len;
        c->modules = rbk_xrealloc(c->modules, sizeof(rbk_module) * (size_t)(c->nmodules + 1));
        rbk_module *m = &c->modules[c->nmodules++];
        m->name = name;
        m->path = rbk_xstrdup(path);
        m->file = owned ? rbk_sources_adopt(c->sources, display, owned, len)
                        : rbk_sources_add(c->sources, display, text, len);
        m->prog = NULL;
        free(display);
        rbk_compile_parse_file(c, m->file);
    }
}

static rbk_compiler *new_compiler(rbk_sources *sources, rbk_diags *diags) {
    rbk_compiler *c = rbk_xcalloc(1, sizeof *c);
    c->arena = rbk_arena_new();
    c->sources = sources;
    c->diags = diags;
    return c;
}

/* Parses, links and checks the root file, already in `sources` as `file`. */
static rbk_compiler *compile_root(const char *path, int file, rbk_sources *sources, rbk_diags *diags,
                                  const rbk_module_reader *reader) {
    rbk_compiler *c = new_compiler(sources, diags);
    c->reader = reader;
    c->root_file = file;
    c->source_bytes = sources->items[file]->len;
    if (c->source_bytes > RBK_READ_MAX_SOURCE) { /* text handed over in memory (a .rbc's own) */
        rbk_diag_add(diags, RBK_SEV_ERROR, "limit", -1, 0, 0, "\"%s\" is %zu bytes, more than the %zu allowed",
                     path, c->source_bytes, RBK_READ_MAX_SOURCE);
        c->root = rbk_node_new(c->arena, N_PROGRAM, file, 0, 0);
        return c;
    }
    rbk_compile_parse_file(c, c->root_file);
    load_modules(c, path);
    rbk_sema(c);
    return c;
}

rbk_compiler *rbk_compile_text(const char *path, const char *text, size_t len, rbk_sources *sources,
                               rbk_diags *diags) {
    return compile_root(path, rbk_sources_add(sources, path, text, len), sources, diags, NULL);
}
rbk_compiler *rbk_compile_text_with(const char *path, const char *text, size_t len, rbk_sources *sources,
                                    rbk_diags *diags, const rbk_module_reader *reader) {
    return compile_root(path, rbk_sources_add(sources, path, text, len), sources, diags, reader);
}

rbk_compiler *rbk_compile_load(const char *path, rbk_sources *sources, rbk_diags *diags) {
    size_t len = 0;
    char *err = NULL;
    int rc;
    char *text = read_source(path, RBK_READ_MAX_SOURCE, &len, &err, &rc);
    if (!text) {
        rbk_diag_add(diags, RBK_SEV_ERROR, rc == RBK_READ_TOO_BIG ? "limit" : "io", -1, 0, 0, "%s", err);
        free(err);
        return NULL;
    }
    /* the file's bytes become the source's text: one copy less of a large file */
    return compile_root(path, rbk_sources_adopt(sources, path, text, len), sources, diags, NULL);
}

void rbk_compiler_free(rbk_compiler *c) {
    if (!c) return;
    for (int i = 0; i < c->nmodules; i++) { free(c->modules[i].name); free(c->modules[i].path); }
    free(c->modules);
    for (int i = 0; i < c->nfns; i++) { free(c->fns[i].calls); free(c->fns[i].call_at); free(c->fns[i].default_cost); }
    free(c->fns);
    free(c->globals);
    free(c->steps);
    free(c->step_names);
    free(c->envs);
    free(c->env_index);
    free(c->params);
    rbk_arena_free(c->arena);
    free(c);
}

/* cli/diff.c — `runbook diff OLD NEW` and `runbook diff --git REV FILE` (docs/diff.md): what
 * changed between two versions of a runbook, in procedural terms, as text (colour on a terminal
 * without NO_COLOR), Markdown (a pull request comment), JSON or GitHub Actions annotations.
 * Each side is a file (.rb, .runbook, or a .rbc recompiled from its embedded sources, as `plan`
 * reads it: cli/load.c) or a git revision of one (`REV:PATH`, read with `git show`, its
 * relative modules at the same revision). The changes are compiler/outline_diff.c's, between
 * the outlines `plan` renders (compiler/analysis.c). Exit: 0 the procedures are equal, 1 they
 * differ, 64 usage or a side that cannot be read, 65 a side that does not compile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../compiler/outline_diff.h"
#include "../stdlib/proc.h"
#include "../support/jsonw.h"
#include "../support/readfile.h"
#include "cli.h"
#include "load.h"
#include "markdown.h"

int rbk_cli_diff(int argc, char **argv);

enum { F_TEXT, F_MARKDOWN, F_JSON, F_GITHUB };

static void usage_error(const char *what) {
    fprintf(stderr, "runbook diff: %s\n"
                    "usage: runbook diff OLD NEW | --git REV FILE [--format text|markdown|json|github] [--default-timeout D]\n", what);
}

/* ------------------------------------------------------------------ git revisions */
/* `git show SPEC` into out; 0, or an error message on stderr naming what (64). */
static int git_show(const char *spec, rbk_sbuf *out, rbk_sbuf *err) {
    const char *argv[] = {"git", "show", spec, NULL};
    rbk_proc_opts po;
    rbk_proc_opts_init(&po);
    po.argv = argv;
    po.capture_limit = RBK_READ_MAX_SOURCE;
    rbk_proc_result r;
    int rc = rbk_proc_run(&po, &r);
    if (rc < 0) {
        rbk_proc_describe_spawn_error(err, &po, &r);
    } else if (!r.exited || r.code != 0 || r.over_limit) {
        const char *e = rbk_sbuf_cstr(&r.err);
        size_t n = strcspn(e, "\n");
        if (r.over_limit) rbk_sbuf_adds(err, "larger than a runbook may be (64 MiB)");
        else if (n) rbk_sbuf_printf(err, "git says: %.*s", (int)n, e);
        else rbk_sbuf_printf(err, "git show failed (exit %d)", r.code);
        rc = -1;
    } else {
        rbk_sbuf_add(out, r.out.data ? r.out.data : "", r.out.len);
    }
    rbk_proc_result_free(&r);
    return rc;
}

typedef struct git_ctx { const char *rev; } git_ctx;
/* A relative module of a runbook read at a revision: the compiler passes the root's directory
 * joined with the `use` path ("main:lib/x.rb", or "lib/x.rb" when the root had no directory). */
static char *git_module(void *ctx, const char *path, size_t *len) {
    const git_ctx *g = ctx;
    rbk_sbuf spec = RBK_SBUF_INIT, out = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    size_t rl = strlen(g->rev);
    if (!strncmp(path, g->rev, rl) && path[rl] == ':') rbk_sbuf_adds(&spec, path);
    else rbk_sbuf_printf(&spec, "%s:%s", g->rev, path);
    int rc = git_show(spec.data, &out, &err);
    rbk_sbuf_free(&spec);
    rbk_sbuf_free(&err);
    if (rc) { rbk_sbuf_free(&out); return NULL; } /* then the file on disk (docs/diff.md) */
    *len = out.len;
    if (!out.data) rbk_sbuf_adds(&out, "");
    return rbk_sbuf_detach(&out);
}

/* One side: a file, or REV:PATH when no file has that name. */
static int load_side(const char *spec, int64_t dt, rbk_outline *o) {
    const char *colon = strchr(spec, ':');
    if (!access(spec, F_OK) || !colon || colon == spec) return rbk_cli_outline(spec, "diff", dt, o);
    if (rbk_cli_ends_with(spec, ".rbc")) {
        rbk_outline_init(o, spec, dt);
        fprintf(stderr, "runbook diff: %s: a .rbc at a git revision is not read: diff the .rb it was compiled from\n", spec);
        return EXIT_USAGE;
    }
    rbk_sbuf text = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    if (git_show(spec, &text, &err)) {
        rbk_outline_init(o, spec, dt);
        fprintf(stderr, "runbook diff: cannot read %s from git: %s\n", spec, rbk_sbuf_cstr(&err));
        rbk_sbuf_free(&text);
        rbk_sbuf_free(&err);
        return EXIT_USAGE;
    }
    rbk_sbuf_free(&err);
    char *rev = rbk_xstrndup(spec, (size_t)(colon - spec));
    git_ctx g = {rev};
    rbk_module_reader reader = {git_module, &g};
    int rc = rbk_cli_outline_text(spec, rbk_sbuf_cstr(&text), text.len, &reader, dt, o);
    free(rev);
    rbk_sbuf_free(&text);
    return rc;
}

/* ------------------------------------------------------------------ shared wording */
static void one_line(rbk_sbuf *b, const char *s) {
    int space = 0;
    for (; *s; s++) {
        if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') { space = 1; continue; }
        if (space && b->len) rbk_sbuf_addc(b, ' ');
        space = 0;
        rbk_sbuf_addc(b, *s);
    }
}
static void pnr_text(rbk_sbuf *b, const rbk_outline *o) {
    if (o->point_of_no_return < 0) { rbk_sbuf_adds(b, "none"); return; }
    rbk_sbuf_printf(b, "step %d \"%s\"", o->point_of_no_return + 1, o->steps[o->point_of_no_return].name);
}
static void arrow(rbk_sbuf *b, const char *x, const char *y) {
    if (strcmp(x, y)) rbk_sbuf_printf(b, "%s → %s", x, y);
    else rbk_sbuf_adds(b, x);
}
/* "steps 4 → 5; point of no return: ... → ...; worst case: run 1m → 2m, full rollback 30s" */
static void summary(rbk_sbuf *b, const rbk_outline *x, const rbk_outline *y) {
    rbk_sbuf p = RBK_SBUF_INIT, q = RBK_SBUF_INIT;
    rbk_sbuf_printf(&p, "%d", x->nsteps);
    rbk_sbuf_printf(&q, "%d", y->nsteps);
    rbk_sbuf_adds(b, "steps ");
    arrow(b, p.data, q.data);
    rbk_sbuf_reset(&p); rbk_sbuf_reset(&q);
    pnr_text(&p, x);
    pnr_text(&q, y);
    rbk_sbuf_adds(b, "; point of no return: ");
    arrow(b, p.data, q.data);
    rbk_sbuf_reset(&p); rbk_sbuf_reset(&q);
    rbk_cost_text(&p, &x->run);
    rbk_cost_text(&q, &y->run);
    rbk_sbuf_adds(b, "; worst case: run ");
    arrow(b, p.data, q.data);
    rbk_sbuf_reset(&p); rbk_sbuf_reset(&q);
    rbk_cost_text(&p, &x->rollback);
    rbk_cost_text(&q, &y->rollback);
    rbk_sbuf_adds(b, ", full rollback ");
    arrow(b, p.data, q.data);
    rbk_sbuf_free(&p);
    rbk_sbuf_free(&q);
}
static int texts_differ(const rbk_outline *x, const rbk_outline *y) {
    const rbk_source *s = x->c->sources->items[x->c->root_file], *t = y->c->sources->items[y->c->root_file];
    return s->len != t->len || memcmp(s->text, t->text, s->len);
}
static void position(rbk_sbuf *b, const rbk_dchange *c) {
    if (c->old_line && c->new_line) rbk_sbuf_printf(b, "%s:%d → %s:%d", c->old_file, c->old_line, c->new_file, c->new_line);
    else if (c->new_line) rbk_sbuf_printf(b, "%s:%d", c->new_file, c->new_line);
    else if (c->old_line) rbk_sbuf_printf(b, "was %s:%d", c->old_file, c->old_line);
}

/* ------------------------------------------------------------------ text */
#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"
static const char *col(int on, const char *c) { return on ? c : ""; }
static const char *sign_colour(char s) { return s == '+' ? GREEN : s == '-' ? RED : s == '~' ? YELLOW : CYAN; }

static void text_change(rbk_sbuf *b, const rbk_dchange *c, int color, int with_group) {
    rbk_sbuf_printf(b, "  %s%s%s ", col(color, c->danger ? RED BOLD : ""), c->danger ? "!!" : "  ", col(color, RESET));
    rbk_sbuf_printf(b, "%s%c%s ", col(color, sign_colour(c->sign)), c->sign, col(color, RESET));
    if (with_group) rbk_sbuf_printf(b, "%s: ", c->group ? c->group : "runbook");
    rbk_sbuf_adds(b, c->message);
    rbk_sbuf p = RBK_SBUF_INIT;
    position(&p, c);
    if (p.len) rbk_sbuf_printf(b, "  %s(%s)%s", col(color, DIM), p.data, col(color, RESET));
    rbk_sbuf_free(&p);
    rbk_sbuf_addc(b, '\n');
    if (c->before && c->after) {
        rbk_sbuf_adds(b, "         was: ");
        one_line(b, c->before);
        rbk_sbuf_adds(b, "\n         now: ");
        one_line(b, c->after);
        rbk_sbuf_addc(b, '\n');
    } else if (c->before || c->after) {
        rbk_sbuf_adds(b, "         ");
        one_line(b, c->before ? c->before : c->after);
        rbk_sbuf_addc(b, '\n');
    }
}

static void render_text(rbk_sbuf *b, const rbk_odiff *d, const rbk_outline *x, const rbk_outline *y, int color) {
    rbk_sbuf_printf(b, "%sDiff: %s → %s%s\n  ", col(color, BOLD), x->path, y->path, col(color, RESET));
    summary(b, x, y);
    rbk_sbuf_addc(b, '\n');
    if (!d->n) {
        rbk_sbuf_printf(b, "  the procedures are equal%s\n",
                        texts_differ(x, y) ? " (the texts differ only in layout or comments)" : "");
        return;
    }
    rbk_sbuf_printf(b, "  %d change%s, %s%d dangerous%s\n", d->n, d->n == 1 ? "" : "s",
                    col(color && d->ndanger, RED BOLD), d->ndanger, col(color && d->ndanger, RESET));
    if (d->ndanger) {
        rbk_sbuf_printf(b, "\n%sDangerous changes%s\n", col(color, RED BOLD), col(color, RESET));
        for (int i = 0; i < d->n; i++)
            if (d->v[i].danger) text_change(b, &d->v[i], color, 1);
    }
    rbk_sbuf_printf(b, "\n%sChanges%s\n", col(color, BOLD), col(color, RESET));
    const char *group = "";
    for (int i = 0; i < d->n; i++) {
        const rbk_dchange *c = &d->v[i];
        const char *g = c->group ? c->group : "runbook";
        if (strcmp(g, group)) rbk_sbuf_printf(b, " %s%s%s\n", col(color, BOLD), g, col(color, RESET));
        group = g;
        text_change(b, c, color, 0);
    }
}

/* ------------------------------------------------------------------ Markdown */
static void md_text(rbk_sbuf *b, const char *s) {
    for (; *s; s++) {
        if (strchr("\\`*_[]<>|#~", *s)) rbk_sbuf_addc(b, '\\');
        rbk_sbuf_addc(b, *s == '\n' ? ' ' : *s);
    }
}
/* A code span, or (multi-line) a fenced block under the list item at depth. */
static void md_code(rbk_sbuf *b, const char *label, const char *s, int depth) {
    rbk_md_indent(b, depth);
    rbk_sbuf_printf(b, "- %s", label);
    if (strchr(s, '\n')) {
        rbk_sbuf_addc(b, '\n');
        rbk_md_fence(b, depth + 1, "", s);
        return;
    }
    if (*label) rbk_sbuf_addc(b, ' ');
    int n = rbk_md_longest_run(s, '`') + 1;
    int pad = s[0] == '`' || (*s && s[strlen(s) - 1] == '`');
    for (int i = 0; i < n; i++) rbk_sbuf_addc(b, '`');
    rbk_sbuf_printf(b, "%s%s%s", pad ? " " : "", *s ? s : " ", pad ? " " : "");
    for (int i = 0; i < n; i++) rbk_sbuf_addc(b, '`');
    rbk_sbuf_addc(b, '\n');
}
static void md_change(rbk_sbuf *b, const rbk_dchange *c, int with_group) {
    rbk_sbuf_adds(b, "- ");
    if (c->danger) rbk_sbuf_adds(b, "**danger** ");
    rbk_sbuf_printf(b, "`%c` ", c->sign);
    if (with_group) { rbk_sbuf_adds(b, "**"); md_text(b, c->group ? c->group : "runbook"); rbk_sbuf_adds(b, "**: "); }
    md_text(b, c->message);
    rbk_sbuf p = RBK_SBUF_INIT;
    position(&p, c);
    if (p.len) { rbk_sbuf_adds(b, " ("); md_text(b, p.data); rbk_sbuf_addc(b, ')'); }
    rbk_sbuf_free(&p);
    rbk_sbuf_addc(b, '\n');
    if (c->before && c->after) {
        md_code(b, "was:", c->before, 1);
        md_code(b, "now:", c->after, 1);
    } else if (c->before || c->after) {
        md_code(b, "", c->before ? c->before : c->after, 1);
    }
}
static void render_markdown(rbk_sbuf *b, const rbk_odiff *d, const rbk_outline *x, const rbk_outline *y) {
    rbk_sbuf_adds(b, "### runbook diff: ");
    md_text(b, x->path);
    rbk_sbuf_adds(b, " → ");
    md_text(b, y->path);
    rbk_sbuf_adds(b, "\n\n");
    rbk_sbuf s = RBK_SBUF_INIT;
    summary(&s, x, y);
    md_text(b, s.data);
    rbk_sbuf_free(&s);
    rbk_sbuf_adds(b, "\n\n");
    if (!d->n) {
        rbk_sbuf_printf(b, "**The procedures are equal**%s.\n",
                        texts_differ(x, y) ? " (the texts differ only in layout or comments)" : "");
        return;
    }
    rbk_sbuf_printf(b, "**%d change%s, %d dangerous.**\n\n", d->n, d->n == 1 ? "" : "s", d->ndanger);
    if (d->ndanger) {
        rbk_sbuf_adds(b, "> [!WARNING]\n> Dangerous changes:\n>\n");
        for (int i = 0; i < d->n; i++) {
            if (!d->v[i].danger) continue;
            rbk_sbuf_adds(b, "> - **");
            md_text(b, d->v[i].group ? d->v[i].group : "runbook");
            rbk_sbuf_adds(b, "**: ");
            md_text(b, d->v[i].message);
            rbk_sbuf_addc(b, '\n');
        }
        rbk_sbuf_addc(b, '\n');
    }
    const char *group = NULL;
    for (int i = 0; i < d->n; i++) {
        const rbk_dchange *c = &d->v[i];
        const char *g = c->group ? c->group : "runbook";
        if (!group || strcmp(g, group)) {
            rbk_sbuf_adds(b, group ? "\n#### " : "#### ");
            md_text(b, g);
            rbk_sbuf_adds(b, "\n\n");
        }
        group = g;
        md_change(b, c, 0);
    }
}

/* ------------------------------------------------------------------ JSON */
static void json_side(rbk_jw *w, const char *k, const rbk_outline *o) {
    rbk_jw_open(w, k, '{');
    rbk_jw_str(w, "file", o->path);
    rbk_jw_str(w, "title", o->title);
    rbk_jw_str(w, "artifact_sha256", o->artifact_sha256);
    rbk_jw_int(w, "steps", o->nsteps);
    if (o->point_of_no_return >= 0) {
        rbk_jw_open(w, "point_of_no_return", '{');
        rbk_jw_int(w, "step", o->point_of_no_return + 1);
        rbk_jw_str(w, "name", o->steps[o->point_of_no_return].name);
        rbk_jw_close(w, '}');
    } else {
        rbk_jw_null(w, "point_of_no_return");
    }
    const rbk_cost *cs[2] = {&o->run, &o->rollback};
    const char *ks[2] = {"worst_run_ms", "worst_rollback_ms"};
    for (int i = 0; i < 2; i++) {
        if (rbk_cost_bounded(cs[i])) rbk_jw_int(w, ks[i], rbk_cost_total(cs[i]));
        else rbk_jw_null(w, ks[i]);
    }
    rbk_jw_close(w, '}');
}
static void json_pos(rbk_jw *w, const char *k, const char *file, int line) {
    if (!line) { rbk_jw_null(w, k); return; }
    rbk_jw_open(w, k, '{');
    rbk_jw_str(w, "file", file);
    rbk_jw_int(w, "line", line);
    rbk_jw_close(w, '}');
}
static void render_json(rbk_sbuf *b, const rbk_odiff *d, const rbk_outline *x, const rbk_outline *y) {
    rbk_jw w;
    rbk_jw_init(&w, b, 1, rbk_sbuf_add_json_str);
    rbk_jw_open(&w, NULL, '{');
    rbk_jw_int(&w, "diff_format", 1);
    json_side(&w, "old", x);
    json_side(&w, "new", y);
    rbk_jw_bool(&w, "equal", d->n == 0);
    rbk_jw_bool(&w, "texts_equal", !texts_differ(x, y));
    rbk_jw_int(&w, "dangerous", d->ndanger);
    rbk_jw_open(&w, "changes", '[');
    for (int i = 0; i < d->n; i++) {
        const rbk_dchange *c = &d->v[i];
        rbk_jw_open(&w, NULL, '{');
        rbk_jw_str(&w, "kind", c->kind);
        rbk_jw_str(&w, "change", c->sign == '+' ? "added" : c->sign == '-' ? "removed" : c->sign == '~' ? "changed" : "moved");
        rbk_jw_bool(&w, "dangerous", c->danger);
        rbk_jw_str(&w, "where", c->group);
        rbk_jw_str(&w, "message", c->message);
        rbk_jw_str(&w, "before", c->before);
        rbk_jw_str(&w, "after", c->after);
        json_pos(&w, "old", c->old_file, c->old_line);
        json_pos(&w, "new", c->new_file, c->new_line);
        rbk_jw_close(&w, '}');
    }
    rbk_jw_close(&w, ']');
    rbk_jw_close(&w, '}');
    rbk_sbuf_addc(b, '\n');
}

/* ------------------------------------------------------------------ GitHub annotations */
/* A path as the repository knows it: a git side's PATH without its REV:. */
static const char *repo_path(const char *p) {
    const char *colon = strchr(p, ':');
    return colon && access(p, F_OK) ? colon + 1 : p;
}
static void render_github(rbk_sbuf *b, const rbk_odiff *d, const rbk_outline *y) {
    for (int i = 0; i < d->n; i++) {
        const rbk_dchange *c = &d->v[i];
        /* at its line in the new runbook; a standard module's (<std/pg>) is no file of the
         * repository: the runbook, without a line */
        int at = c->new_line && c->new_file[0] != '<';
        rbk_sbuf_printf(b, "::%s file=", c->danger ? "warning" : "notice");
        rbk_diag_gh_escape(b, repo_path(at ? c->new_file : y->path), 1);
        if (at) rbk_sbuf_printf(b, ",line=%d", c->new_line);
        rbk_sbuf_adds(b, ",title=");
        rbk_diag_gh_escape(b, c->danger ? "runbook diff: dangerous change" : "runbook diff", 1);
        rbk_sbuf_adds(b, "::");
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "%s: %s", c->group ? c->group : "runbook", c->message);
        if (c->before && c->after) {
            rbk_sbuf_adds(&m, " (was: ");
            one_line(&m, c->before);
            rbk_sbuf_adds(&m, "; now: ");
            one_line(&m, c->after);
            rbk_sbuf_addc(&m, ')');
        } else if (c->before || c->after) {
            rbk_sbuf_adds(&m, ": ");
            one_line(&m, c->before ? c->before : c->after);
        }
        rbk_diag_gh_escape(b, m.data, 0);
        rbk_sbuf_free(&m);
        rbk_sbuf_addc(b, '\n');
    }
}

/* ------------------------------------------------------------------ the command */
int rbk_cli_diff(int argc, char **argv) {
    const char *files[2] = {NULL, NULL}, *rev = NULL;
    int nfiles = 0, format = F_TEXT;
    int64_t dt = RBK_DEFAULT_CALL_TIMEOUT_MS;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--format") || !strcmp(a, "--git") || !strcmp(a, "--default-timeout")) {
            if (i + 1 >= argc) { fprintf(stderr, "runbook diff: %s needs a value\n", a); return EXIT_USAGE; }
            const char *v = argv[++i];
            if (!strcmp(a, "--git")) rev = v;
            else if (!strcmp(a, "--default-timeout")) {
                if (!rbk_duration_parse(v, &dt) || dt <= 0) {
                    fprintf(stderr, "runbook diff: --default-timeout takes a duration such as 30s, not %s\n", v);
                    return EXIT_USAGE;
                }
            } else if (!strcmp(v, "text")) format = F_TEXT;
            else if (!strcmp(v, "markdown")) format = F_MARKDOWN;
            else if (!strcmp(v, "json")) format = F_JSON;
            else if (!strcmp(v, "github")) format = F_GITHUB;
            else { fprintf(stderr, "runbook diff: --format is text, markdown, json or github, not %s\n", v); return EXIT_USAGE; }
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            rbk_cli_usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "runbook diff: unknown option %s\n", a);
            return EXIT_USAGE;
        } else if (nfiles == 2) {
            usage_error("too many files");
            return EXIT_USAGE;
        } else {
            files[nfiles++] = a;
        }
    }
    if (rev ? nfiles != 1 : nfiles != 2) {
        usage_error(rev ? "--git REV takes one FILE" : "give OLD and NEW");
        return EXIT_USAGE;
    }
    rbk_sbuf spec = RBK_SBUF_INIT;
    if (rev) { /* the file as it is at REV, its path relative to the current directory */
        rbk_sbuf_printf(&spec, "%s:%s%s", rev, files[0][0] == '/' || !strncmp(files[0], "./", 2) ? "" : "./", files[0]);
        files[1] = files[0];
        files[0] = spec.data;
    }
    rbk_outline x, y;
    int rc = load_side(files[0], dt, &x);
    if (!rc) {
        rc = load_side(files[1], dt, &y);
        if (rc) rbk_outline_free(&x);
    }
    if (rc) { rbk_sbuf_free(&spec); return rc; }
    rbk_odiff d;
    rbk_outline_diff(&x, &y, &d);
    rbk_sbuf out = RBK_SBUF_INIT;
    if (format == F_MARKDOWN) render_markdown(&out, &d, &x, &y);
    else if (format == F_JSON) render_json(&out, &d, &x, &y);
    else if (format == F_GITHUB) render_github(&out, &d, &y);
    else render_text(&out, &d, &x, &y, isatty(1) && !getenv("NO_COLOR"));
    fputs(rbk_sbuf_cstr(&out), stdout);
    rc = d.n ? 1 : 0;
    rbk_sbuf_free(&out);
    rbk_odiff_free(&d);
    rbk_outline_free(&x);
    rbk_outline_free(&y);
    rbk_sbuf_free(&spec);
    return rc;
}

/* cli/load.c — a file named on the command line into a verified unit or an outline
 * (cli/load.h), the errors worded for the operator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../compiler/pipeline.h"
#include "../support/sha256.h"
#include "cli.h"
#include "load.h"

void rbk_cli_show_diags(rbk_diags *d, int warnings) {
    rbk_diags_sort(d);
    rbk_diags show;
    rbk_diags_init(&show, d->sources);
    for (int i = 0; i < d->n; i++) {
        rbk_diag *x = &d->items[i];
        if (x->sev != RBK_SEV_ERROR && !warnings) continue;
        rbk_diag_copy(&show, x);
    }
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_diags_render(&show, RBK_FMT_TEXT, isatty(2) && !getenv("NO_COLOR"), &out);
    fputs(rbk_sbuf_cstr(&out), stderr);
    rbk_sbuf_free(&out);
    rbk_diags_free(&show);
}

static void not_verified(const char *path, char *err) {
    fprintf(stderr, "%s: internal error: the compiled bytecode does not verify: %s\n", path, err);
    free(err);
}

rbk_unit *rbk_cli_unit(const char *path, int show_warnings, rbk_sbuf *keep) {
    char *err = NULL;
    if (rbk_cli_ends_with(path, ".rbc")) {
        int unreadable;
        rbk_unit *u = rbk_artifact_read(path, &unreadable, &err);
        if (!u && unreadable) fprintf(stderr, "runbook: %s\n", err);
        else if (!u) fprintf(stderr, "%s: error: %s\n", path, err);
        free(err);
        return u;
    }
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *c = rbk_compile_load(path, &sources, &diags);
    rbk_unit *u = rbk_unit_build(c, keep, &err);
    if (diags.nerrors || show_warnings) rbk_cli_show_diags(&diags, show_warnings);
    rbk_compiler_free(c);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    if (err) not_verified(path, err);
    return u;
}

/* The sources embedded in the artifact at path, recompiled here; NULL (and *rc) on failure. */
static rbk_compiler *recompile_rbc(const char *path, const char *cmd, rbk_outline *o, int *rc) {
    char *err = NULL;
    int unreadable;
    *rc = 65;
    rbk_unit *u = rbk_artifact_read(path, &unreadable, &err);
    if (!u && unreadable) {
        fprintf(stderr, "runbook %s: %s\n", cmd, err);
        free(err);
        *rc = 64;
        return NULL;
    }
    if (!u) {
        fprintf(stderr, "%s: error: %s\n", path, err ? err : "not a runbook artifact");
        free(err);
        return NULL;
    }
    rbk_compiler *c = NULL;
    char *why = NULL;
    rbk_recompile r = rbk_artifact_recompile(u, o->sources, o->diags, &c, &why);
    if (r == RBK_RECOMPILE_ERRORS) {
        fprintf(stderr, "%s: error: cannot recompile the sources embedded in this artifact here:\n", path);
        rbk_cli_show_diags(o->diags, 0);
        for (uint32_t i = 1; i < u->nsources; i++) {
            size_t plen;
            const char *mp = rbk_unit_str(u, u->sources[i].path, &plen);
            if (plen && mp[0] != '<') {
                fprintf(stderr, "  hint: its `./` modules are read from disk as the compiler read them (%.*s, relative to "
                                "the current directory): run it where it was compiled\n", (int)plen, mp);
                break;
            }
        }
    } else if (r == RBK_RECOMPILE_DIFFERS) {
        fprintf(stderr, "%s: error: cannot %s exactly this artifact: %s\n", path, cmd, why);
        fprintf(stderr, "  hint: run `runbook %s` on the .rb it was compiled from, or recompile it with `runbook compile`\n", cmd);
    } else {
        rbk_sha256_to_hex(u->artifact_sha256, o->artifact_sha256);
        *rc = 0;
    }
    free(why);
    rbk_unit_free(u);
    if (*rc) {
        rbk_compiler_free(c);
        return NULL;
    }
    return c;
}

/* The outline of c, compiled into o's sources and diags: its artifact hash (a recompiled .rbc's
 * is the file's, set already), then the walk. Takes c over; on failure prints the errors and
 * frees o. */
static int outline_of(rbk_outline *o, rbk_compiler *c, const char *path) {
    if (!o->from_rbc) {
        char *err = NULL;
        rbk_unit *u = c && !o->diags->nerrors ? rbk_unit_build(c, NULL, &err) : NULL;
        if (!u) {
            rbk_cli_show_diags(o->diags, 0);
            if (err) not_verified(path, err);
            rbk_compiler_free(c);
            rbk_outline_free(o);
            return 65;
        }
        rbk_sha256_to_hex(u->artifact_sha256, o->artifact_sha256);
        rbk_unit_free(u);
    }
    if (rbk_outline_build(o, c)) { /* an internal error: a statement the outline does not know */
        rbk_cli_show_diags(o->diags, 0);
        rbk_outline_free(o);
        return 65;
    }
    return 0;
}

/* o set up for path, its sources and diagnostics on the heap (the compiler keeps pointers to them). */
static void outline_start(rbk_outline *o, const char *path, int64_t default_timeout_ms) {
    rbk_outline_init(o, path, default_timeout_ms);
    rbk_sources *sources = rbk_xcalloc(1, sizeof *sources);
    rbk_diags *diags = rbk_xcalloc(1, sizeof *diags);
    rbk_diags_init(diags, sources);
    o->sources = sources;
    o->diags = diags;
}

int rbk_cli_outline(const char *path, const char *cmd, int64_t default_timeout_ms, rbk_outline *o) {
    if (access(path, R_OK)) {
        rbk_outline_init(o, path, default_timeout_ms);
        fprintf(stderr, "runbook %s: cannot read %s: ", cmd, path);
        perror(NULL);
        return 64;
    }
    outline_start(o, path, default_timeout_ms);
    o->values = !strcmp(cmd, "doc"); /* a reader's page shows what a string is; plan shows it as written */
    if (strlen(path) > 4 && rbk_cli_ends_with(path, ".rbc")) {
        int rc = 0;
        o->from_rbc = 1;
        rbk_compiler *c = recompile_rbc(path, cmd, o, &rc);
        if (!c) { rbk_outline_free(o); return rc; }
        return outline_of(o, c, path);
    }
    return outline_of(o, rbk_compile_load(path, o->sources, o->diags), path);
}

int rbk_cli_outline_text(const char *path, const char *text, size_t len, const rbk_module_reader *reader,
                         int64_t default_timeout_ms, rbk_outline *o) {
    outline_start(o, path, default_timeout_ms);
    return outline_of(o, rbk_compile_text_with(path, text, len, o->sources, o->diags, reader), path);
}

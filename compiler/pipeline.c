/* compiler/pipeline.c — compile → write → reload → verify, and the artifact file's way in
 * (compiler/pipeline.h). */
#include <stdlib.h>
#include <string.h>
#include "../support/readfile.h"
#include "../support/sha256.h"
#include "pipeline.h"

rbk_unit *rbk_unit_build(rbk_compiler *c, rbk_sbuf *bytes, char **err) {
    *err = NULL;
    rbk_unit *u = c ? rbk_codegen(c) : NULL;
    if (!u) return NULL;
    /* The writer hashes the bytes once for the checksum and the artifact hash together; the
     * reload parses and verifies every section but does not hash again what was hashed a moment
     * ago (rbk_bc_load_written). */
    rbk_sbuf b = RBK_SBUF_INIT;
    uint8_t sha[32];
    rbk_bc_write_sha(u, &b, sha);
    rbk_unit_free(u);
    rbk_unit *v = rbk_bc_load_written((const uint8_t *)b.data, b.len, sha, err);
    if (v && bytes) {
        rbk_sbuf_free(bytes);
        *bytes = b;
    } else {
        rbk_sbuf_free(&b);
    }
    if (!v && !*err) *err = rbk_xstrdup("no reason given");
    return v;
}

rbk_unit *rbk_artifact_read(const char *path, int *unreadable, char **err) {
    rbk_sbuf data = RBK_SBUF_INIT, e = RBK_SBUF_INIT;
    *err = NULL;
    *unreadable = 0;
    if (rbk_read_file(path, RBK_READ_MAX_ARTIFACT, 0, &data, &e) != RBK_READ_OK) {
        rbk_sbuf_free(&data);
        *err = rbk_sbuf_detach(&e);
        *unreadable = 1;
        return NULL;
    }
    rbk_sbuf_free(&e);
    rbk_unit *u = rbk_bc_load((const uint8_t *)data.data, data.len, err);
    rbk_sbuf_free(&data);
    return u;
}

/* The first embedded source the recompilation did not reproduce, as a message; NULL if all
 * match. */
static char *sources_differ(const rbk_unit *u, const rbk_sources *s) {
    rbk_sbuf b = RBK_SBUF_INIT;
    for (uint32_t i = 0; i < u->nsources || (int)i < s->n; i++) {
        size_t plen = 0;
        const char *path = i < u->nsources ? rbk_unit_str(u, u->sources[i].path, &plen) : NULL;
        if (i >= u->nsources) {
            rbk_sbuf_printf(&b, "compiling it now also links %s, which the artifact does not contain", s->items[i]->path);
            break;
        }
        if ((int)i >= s->n) {
            rbk_sbuf_printf(&b, "%.*s, linked into the artifact, is not used by its sources now", (int)plen, path);
            break;
        }
        unsigned char h[32];
        rbk_sha256 st;
        rbk_sha256_init(&st);
        rbk_sha256_update(&st, s->items[i]->text, s->items[i]->len);
        rbk_sha256_final(&st, h);
        if (strlen(s->items[i]->path) != plen || memcmp(s->items[i]->path, path, plen) ||
            memcmp(h, u->sources[i].sha256, 32)) {
            char want[65], got[65];
            rbk_sha256_to_hex(u->sources[i].sha256, want);
            rbk_sha256_to_hex(h, got);
            int std = path[0] == '<';
            rbk_sbuf_printf(&b, "%s %.*s (sha256 %.12s...) differs from the %s (sha256 %.12s...)",
                            std ? "the standard module" : "the module", (int)plen, path, want,
                            std ? "one built into this runbook" : "file on disk", got);
            break;
        }
    }
    return b.len ? rbk_sbuf_detach(&b) : (rbk_sbuf_free(&b), NULL);
}

rbk_recompile rbk_artifact_recompile(const rbk_unit *u, rbk_sources *sources, rbk_diags *diags,
                                     rbk_compiler **out, char **why) {
    *why = NULL;
    size_t rlen = 0, tlen = 0;
    const char *rpath = rbk_unit_str(u, u->sources[0].path, &rlen);
    const char *text = rbk_unit_str(u, u->sources[0].text, &tlen);
    char *root = rbk_xstrndup(rpath, rlen);
    rbk_compiler *c = rbk_compile_text(root, text, tlen, sources, diags);
    free(root);
    *out = c;
    if (diags->nerrors) return RBK_RECOMPILE_ERRORS;
    char *diff = sources_differ(u, sources);
    char hex[65] = "", file_hex[65];
    rbk_sha256_to_hex(u->artifact_sha256, file_hex);
    if (!diff) {
        char *err = NULL;
        rbk_unit *v = rbk_unit_build(c, NULL, &err);
        if (!v) diff = rbk_xstrdup("its sources do not compile");
        else rbk_sha256_to_hex(v->artifact_sha256, hex);
        free(err);
        rbk_unit_free(v);
    }
    if (diff) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_printf(&b, "recompiling its embedded sources gives another artifact, because %s", diff);
        free(diff);
        *why = rbk_sbuf_detach(&b);
        return RBK_RECOMPILE_DIFFERS;
    }
    if (strcmp(hex, file_hex)) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_printf(&b, "this version of runbook compiles its sources to different bytes (sha256 %s, the file's is %s): "
                            "the artifact was built by another version", hex, file_hex);
        *why = rbk_sbuf_detach(&b);
        return RBK_RECOMPILE_DIFFERS;
    }
    return RBK_RECOMPILE_SAME;
}

/* tests/unit/test_analysis.c — the outline (compiler/analysis.h) built from a checked
 * compilation: the statements of a step become its items, and a statement kind the walk does
 * not know is an internal error with its position (as in the checker), never dropped silently.
 * Also the pipeline (compiler/pipeline.h): the unit it builds is the verified reload of the
 * bytes it gives, and an artifact's embedded sources recompile to the same artifact. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "compiler/analysis.h"
#include "compiler/pipeline.h"
#include "support/sha256.h"

static const char SRC[] = "runbook \"outline\"\n"
                          "step \"one\" {\n"
                          "  let n = 2\n"
                          "  sh(\"true\", timeout: 5s)\n"
                          "  wait(1s)\n"
                          "}\n";

/* A checked compilation of SRC in a fresh outline (which owns the sources and diagnostics). */
static rbk_compiler *open_outline(rbk_outline *o) {
    rbk_outline_init(o, "o.rb", 0);
    o->sources = rbk_xcalloc(1, sizeof *o->sources);
    o->diags = rbk_xcalloc(1, sizeof *o->diags);
    rbk_diags_init(o->diags, o->sources);
    rbk_compiler *c = rbk_compile_text("o.rb", SRC, sizeof SRC - 1, o->sources, o->diags);
    assert_non_null(c);
    assert_int_equal(o->diags->nerrors, 0);
    return c;
}

static void test_known_statements(void **state) {
    (void)state;
    rbk_outline o;
    rbk_compiler *c = open_outline(&o);
    assert_int_equal(rbk_outline_build(&o, c), 0);
    assert_int_equal(o.nsteps, 1);
    assert_int_equal(o.steps[0].body.n, 2); /* the let computes nothing outside: sh and wait */
    assert_int_equal(o.steps[0].body.v[0].kind, RBK_OI_EFFECT);
    assert_string_equal(o.steps[0].body.v[0].text, "true");
    assert_int_equal(o.steps[0].body.v[1].kind, RBK_OI_WAIT);
    assert_int_equal(o.steps[0].worst.machine_ms, 6000);
    assert_int_equal(o.diags->nerrors, 0);
    rbk_outline_free(&o);
}

static void test_unknown_statement_is_internal_error(void **state) {
    (void)state;
    rbk_outline o;
    rbk_compiler *c = open_outline(&o);
    /* a node kind that is never a statement, where the `let` was: what a statement kind added
     * to the language without a case in the walk looks like to it */
    rbk_node *body = c->steps[0].node->b;
    assert_true(body->list.n >= 1);
    rbk_node *let = body->list.items[0];
    assert_int_equal(let->kind, N_LET);
    let->kind = N_MAP_ENTRY;
    assert_int_equal(rbk_outline_build(&o, c), -1);
    assert_int_equal(o.diags->nerrors, 1);
    rbk_diag *d = &o.diags->items[o.diags->n - 1];
    assert_non_null(strstr(d->msg, "internal: the outline does not know the"));
    assert_int_equal(d->off, let->off);
    rbk_outline_free(&o);
}

static void test_build_and_recompile(void **state) {
    (void)state;
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *c = rbk_compile_text("o.rb", SRC, sizeof SRC - 1, &sources, &diags);
    rbk_sbuf bytes = RBK_SBUF_INIT;
    char *err = NULL;
    rbk_unit *u = rbk_unit_build(c, &bytes, &err);
    assert_non_null(u);
    assert_null(err);
    uint8_t sha[32];
    rbk_sha256 st;
    rbk_sha256_init(&st);
    rbk_sha256_update(&st, bytes.data, bytes.len);
    rbk_sha256_final(&st, sha);
    assert_memory_equal(sha, u->artifact_sha256, 32);
    /* the artifact as a file would be loaded: its sources recompile to the same bytes */
    rbk_unit *l = rbk_bc_load((const uint8_t *)bytes.data, bytes.len, &err);
    assert_non_null(l);
    rbk_sources s2 = {0};
    rbk_diags d2;
    rbk_diags_init(&d2, &s2);
    rbk_compiler *c2 = NULL;
    char *why = NULL;
    assert_int_equal(rbk_artifact_recompile(l, &s2, &d2, &c2, &why), RBK_RECOMPILE_SAME);
    assert_null(why);
    rbk_compiler_free(c2);
    rbk_diags_free(&d2);
    rbk_sources_free(&s2);
    rbk_unit_free(l);
    rbk_unit_free(u);
    rbk_sbuf_free(&bytes);
    rbk_compiler_free(c);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_statements),
        cmocka_unit_test(test_unknown_statement_is_internal_error),
        cmocka_unit_test(test_build_and_recompile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

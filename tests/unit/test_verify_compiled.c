/* tests/unit/test_verify_compiled.c — bytecode from the real compiler (rbk_compile_text →
 * rbk_codegen → rbk_bc_write): compiling the same source twice gives the same bytes; the file
 * loads and verifies, and disassembles; every truncation and every flipped byte of it is
 * rejected by rbk_bc_load with a message, never a crash (docs/language.md §11). The hand-made
 * units of tests/unit/test_bytecode.c test the verifier's rules one by one; this file covers
 * what the code generator actually emits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "compiler/compiler.h"
#include "compiler/diag.h"
#include "support/sbuf.h"
#include "vm/bytecode.h"

/* Uses most of the language, so that most opcodes appear in the compiled file. */
static const char SRC[] =
    "runbook \"verify compiled\"\n"
    "env RBK_VC_TOKEN secret optional\n"
    "param who = \"world\"\n"
    "param n: int = 3\n"
    "let xs = [1, 2, 3]\n"
    "let m = {a: 1, \"b c\": [true, nil, 1.5, 5s]}\n"
    "let calls = 0\n"
    "fn add(a, b = 10) {\n"
    "  calls = calls + 1\n"
    "  if a > b { return a - b } else if a == b { return 0 } else { return b * a % 7 }\n"
    "}\n"
    "section \"one\" {\n"
    "  step \"loop\" timeout 5m retry 2 every 1s {\n"
    "    let s = 0\n"
    "    for x in xs { s = s + add(x, b: 2) }\n"
    "    for k, v in m { log(\"{k}={v}\") }\n"
    "    for i in 1..n { s = s + i }\n"
    "    expect s > 0 and not (s == 5) or len(xs) == 3, \"sum {s}\"\n"
    "    expect add(1) >= 0 within 2s every 100ms\n"
    "    stop-if who contains \"stop\" or who matches \"^x\", \"stop {who}\"\n"
    "  } rollback {\n"
    "    log(\"undo {xs[-1]} {m.get(\"z\", 0)} {m[\"a\"]}\")\n"
    "  }\n"
    "}\n"
    "step \"watch\" if who != \"\" {\n"
    "  watch 1m every 10s { expect calls >= 0 }\n"
    "  let q = \"\"\"\n"
    "    SELECT 1\n"
    "    \"\"\"\n"
    "  log(q + '{raw}' + str(env.RBK_VC_TOKEN))\n"
    "} irreversible \"cannot undo\"\n";

static void compile_bytes(rbk_sbuf *out) {
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *c = rbk_compile_text("vc.rb", SRC, sizeof SRC - 1, &sources, &diags);
    assert_non_null(c);
    if (diags.nerrors) {
        rbk_sbuf r = RBK_SBUF_INIT;
        rbk_diags_render(&diags, RBK_FMT_TEXT, 0, &r);
        fail_msg("compile errors:\n%s", rbk_sbuf_cstr(&r));
    }
    rbk_unit *u = rbk_codegen(c);
    assert_non_null(u);
    rbk_bc_write(u, out);
    rbk_unit_free(u);
    rbk_compiler_free(c);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
}

static void test_deterministic(void **state) {
    (void)state;
    rbk_sbuf a = RBK_SBUF_INIT, b = RBK_SBUF_INIT;
    compile_bytes(&a);
    compile_bytes(&b);
    assert_true(a.len > 64);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    rbk_sbuf_free(&a);
    rbk_sbuf_free(&b);
}

static void test_loads_verifies_disasm(void **state) {
    (void)state;
    rbk_sbuf a = RBK_SBUF_INIT;
    compile_bytes(&a);
    char *err = NULL;
    rbk_unit *u = rbk_bc_load((const uint8_t *)a.data, a.len, &err);
    if (!u) fail_msg("load failed: %s", err ? err : "?");
    rbk_sbuf verr = RBK_SBUF_INIT;
    assert_int_equal(rbk_bc_verify(u, &verr), 0);
    rbk_sbuf_free(&verr);
    rbk_sbuf d = RBK_SBUF_INIT;
    rbk_bc_disasm(u, &d);
    const char *s = rbk_sbuf_cstr(&d);
    assert_non_null(strstr(s, "title: \"verify compiled\""));
    assert_non_null(strstr(s, "'add'"));
    assert_non_null(strstr(s, "STEP"));
    assert_non_null(strstr(s, "\"loop\""));
    /* writing the loaded unit again gives the same bytes */
    rbk_sbuf again = RBK_SBUF_INIT;
    rbk_bc_write(u, &again);
    assert_int_equal(again.len, a.len);
    assert_memory_equal(again.data, a.data, a.len);
    rbk_sbuf_free(&again);
    rbk_sbuf_free(&d);
    rbk_unit_free(u);
    rbk_sbuf_free(&a);
}

static void test_every_truncation_rejected(void **state) {
    (void)state;
    rbk_sbuf a = RBK_SBUF_INIT;
    compile_bytes(&a);
    for (size_t n = 0; n < a.len; n++) {
        /* a copy of exactly n bytes, so that ASan sees any read past the end */
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, a.data, n);
        char *err = NULL;
        rbk_unit *u = rbk_bc_load(p, n, &err);
        if (u) fail_msg("a file truncated to %zu of %zu bytes was accepted", n, a.len);
        assert_non_null(err);
        assert_true(strlen(err) > 0);
        free(err);
        free(p);
    }
    rbk_sbuf_free(&a);
}

static void test_every_flipped_byte_rejected(void **state) {
    (void)state;
    rbk_sbuf a = RBK_SBUF_INIT;
    compile_bytes(&a);
    uint8_t *p = malloc(a.len);
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    for (size_t m = 0; m < sizeof masks; m++) {
        for (size_t i = 0; i < a.len; i++) {
            memcpy(p, a.data, a.len);
            p[i] ^= masks[m];
            char *err = NULL;
            rbk_unit *u = rbk_bc_load(p, a.len, &err);
            if (u) fail_msg("byte %zu xor 0x%02x was accepted", i, masks[m]);
            assert_non_null(err);
            free(err);
        }
    }
    free(p);
    rbk_sbuf_free(&a);
}

static void test_trailing_garbage_rejected(void **state) {
    (void)state;
    rbk_sbuf a = RBK_SBUF_INIT;
    compile_bytes(&a);
    rbk_sbuf_addc(&a, 0);
    char *err = NULL;
    rbk_unit *u = rbk_bc_load((const uint8_t *)a.data, a.len, &err);
    assert_null(u);
    free(err);
    rbk_sbuf_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_loads_verifies_disasm),
        cmocka_unit_test(test_every_truncation_rejected),
        cmocka_unit_test(test_every_flipped_byte_rejected),
        cmocka_unit_test(test_trailing_garbage_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

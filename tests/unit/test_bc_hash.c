/* tests/unit/test_bc_hash.c — the digests of a .rbc: the writer's one pass (rbk_bc_write_sha)
 * gives the same bytes as rbk_bc_write, a trailing checksum equal to SHA-256 of the body and an
 * artifact hash equal to SHA-256 of the whole file; rbk_bc_load computes the same artifact hash
 * and still rejects a flipped byte anywhere (body or checksum); rbk_bc_load_written (the
 * compile-then-reload path of the CLI) takes the writer's hash but still parses and verifies
 * every section. Both SHA-256 implementations give the same artifact. */
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
#include "support/sha256.h"
#include "vm/bytecode.h"

static const char SRC[] = "runbook \"hashes\"\n"
                          "param who = \"world\"\n"
                          "fn greet(x) { return \"hello {x}\" }\n"
                          "step \"one\" {\n"
                          "  log(greet(who))\n"
                          "  expect len(who) > 0, \"who is empty\"\n"
                          "}\n";

static rbk_unit *compile_unit(void) {
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *c = rbk_compile_text("h.rb", SRC, sizeof SRC - 1, &sources, &diags);
    assert_non_null(c);
    if (diags.nerrors) {
        rbk_sbuf r = RBK_SBUF_INIT;
        rbk_diags_render(&diags, RBK_FMT_TEXT, 0, &r);
        fail_msg("compile errors:\n%s", rbk_sbuf_cstr(&r));
    }
    rbk_unit *u = rbk_codegen(c);
    assert_non_null(u);
    rbk_compiler_free(c);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    return u;
}

static void sha(const void *p, size_t n, uint8_t out[32]) {
    rbk_sha256 s;
    rbk_sha256_init(&s);
    rbk_sha256_update(&s, p, n);
    rbk_sha256_final(&s, out);
}

static void test_writer_digests(void **st) {
    (void)st;
    rbk_unit *u = compile_unit();
    rbk_sbuf a = RBK_SBUF_INIT, b = RBK_SBUF_INIT;
    uint8_t art[32], want[32];
    rbk_bc_write(u, &a);
    rbk_sbuf_adds(&b, "prefix"); /* the artifact may be appended to a non-empty buffer */
    rbk_bc_write_sha(u, &b, art);
    assert_int_equal(b.len, a.len + 6);
    assert_memory_equal(b.data + 6, a.data, a.len);
    sha(a.data, a.len - 32, want);
    assert_memory_equal(a.data + a.len - 32, want, 32); /* checksum = SHA-256(body) */
    sha(a.data, a.len, want);
    assert_memory_equal(art, want, 32); /* artifact = SHA-256(whole file) */

    char *err = NULL;
    rbk_unit *l = rbk_bc_load((const uint8_t *)a.data, a.len, &err);
    if (!l) fail_msg("load: %s", err);
    assert_memory_equal(l->artifact_sha256, want, 32);
    rbk_unit *w = rbk_bc_load_written((const uint8_t *)a.data, a.len, art, &err);
    if (!w) fail_msg("load_written: %s", err);
    assert_memory_equal(w->artifact_sha256, want, 32);
    /* the two loads give the same unit: it serialises to the same bytes */
    rbk_sbuf c = RBK_SBUF_INIT;
    rbk_bc_write(w, &c);
    assert_int_equal(c.len, a.len);
    assert_memory_equal(c.data, a.data, a.len);

    /* the portable code gives the same artifact */
    rbk_sha256_force_portable(1);
    rbk_sbuf d = RBK_SBUF_INIT;
    uint8_t art2[32];
    rbk_bc_write_sha(u, &d, art2);
    rbk_sha256_force_portable(0);
    assert_memory_equal(art2, art, 32);
    assert_memory_equal(d.data, a.data, a.len);

    rbk_sbuf_free(&a);
    rbk_sbuf_free(&b);
    rbk_sbuf_free(&c);
    rbk_sbuf_free(&d);
    rbk_unit_free(l);
    rbk_unit_free(w);
    rbk_unit_free(u);
}

/* A flipped bit anywhere in the body, or in the checksum, is a checksum mismatch for
 * rbk_bc_load (the header fields are checked before the checksum, so start after them). */
static void test_load_rejects_every_flip(void **st) {
    (void)st;
    rbk_unit *u = compile_unit();
    rbk_sbuf a = RBK_SBUF_INIT;
    rbk_bc_write(u, &a);
    rbk_unit_free(u);
    uint8_t *copy = malloc(a.len);
    assert_non_null(copy);
    for (size_t i = 12; i < a.len; i++) {
        memcpy(copy, a.data, a.len);
        copy[i] ^= (uint8_t)(1u << (i % 8));
        char *err = NULL;
        rbk_unit *l = rbk_bc_load(copy, a.len, &err);
        if (l) fail_msg("byte %zu flipped: loaded", i);
        if (!strstr(err, "checksum mismatch")) fail_msg("byte %zu flipped: %s", i, err);
        free(err);
    }
    free(copy);
    rbk_sbuf_free(&a);
}

/* rbk_bc_load_written skips only the hashing: a broken section is still found. */
static void test_load_written_still_verifies(void **st) {
    (void)st;
    rbk_unit *u = compile_unit();
    rbk_sbuf a = RBK_SBUF_INIT;
    uint8_t art[32];
    rbk_bc_write_sha(u, &a, art);
    rbk_unit_free(u);
    char *err = NULL;
    a.data[12] ^= 0x20; /* the first section's tag */
    assert_null(rbk_bc_load_written((const uint8_t *)a.data, a.len, art, &err));
    assert_non_null(strstr(err, "section 1: expected SRCS"));
    free(err);
    a.data[12] ^= 0x20;
    a.data[8] ^= 1; /* total length */
    assert_null(rbk_bc_load_written((const uint8_t *)a.data, a.len, art, &err));
    assert_non_null(strstr(err, "the header says"));
    free(err);
    rbk_sbuf_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_digests),
        cmocka_unit_test(test_load_rejects_every_flip),
        cmocka_unit_test(test_load_written_still_verifies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

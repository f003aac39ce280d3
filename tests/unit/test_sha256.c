/* tests/unit/test_sha256.c — support/sha256.c against the FIPS 180-4 / NIST example vectors,
 * plus incremental == one-shot for random splits and padding boundary lengths. Every test runs
 * twice: with the compression function the library picks (SHA-NI where the CPU has it) and with
 * the portable C code forced (rbk_sha256_force_portable); then the two are compared with each
 * other on random data of every length 0..300, random splits, unaligned input and long inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "support/sha256.h"

static void check(const char *msg, size_t n, const char *want) {
    char hex[65];
    rbk_sha256_hex(msg, n, hex);
    assert_string_equal(hex, want);
}

static void test_empty(void **st) {
    (void)st;
    check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
static void test_abc(void **st) {
    (void)st;
    check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
static void test_448(void **st) {
    (void)st;
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check(m, strlen(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
static void test_896(void **st) {
    (void)st;
    const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                    "klmnopqrlmnopqrsmnopqrstnopqrstu";
    check(m, strlen(m), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
static void test_million_a(void **st) {
    (void)st;
    /* fed in odd-sized chunks to exercise the buffering */
    rbk_sha256 s;
    unsigned char d[32];
    char hex[65], chunk[997];
    memset(chunk, 'a', sizeof chunk);
    rbk_sha256_init(&s);
    size_t left = 1000000;
    while (left) {
        size_t k = left < sizeof chunk ? left : sizeof chunk;
        rbk_sha256_update(&s, chunk, k);
        left -= k;
    }
    rbk_sha256_final(&s, d);
    rbk_sha256_to_hex(d, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* and in one shot */
    char *big = malloc(1000000);
    assert_non_null(big);
    memset(big, 'a', 1000000);
    check(big, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(big);
}

static void test_incremental_random_splits(void **st) {
    (void)st;
    enum { N = 5000 };
    unsigned char *data = malloc(N);
    assert_non_null(data);
    unsigned seed = 12345;
    for (int i = 0; i < N; i++) { seed = seed * 1103515245u + 12345u; data[i] = (unsigned char)(seed >> 16); }
    /* every length around the padding boundaries, and random lengths, split at random points */
    for (int trial = 0; trial < 400; trial++) {
        size_t len;
        if (trial < 140) len = (size_t)trial;                 /* 0..139 covers 55/56/63/64/119/120 */
        else { seed = seed * 1103515245u + 12345u; len = (seed >> 8) % N; }
        char one[65], inc[65];
        rbk_sha256_hex(data, len, one);
        rbk_sha256 s;
        unsigned char d[32];
        rbk_sha256_init(&s);
        size_t off = 0;
        while (off < len) {
            seed = seed * 1103515245u + 12345u;
            size_t k = (seed >> 8) % 150;
            if (k > len - off) k = len - off;
            rbk_sha256_update(&s, data + off, k); /* k may be 0: must be harmless */
            off += k;
        }
        rbk_sha256_final(&s, d);
        rbk_sha256_to_hex(d, inc);
        assert_string_equal(one, inc);
    }
    free(data);
}

/* A copied state finishes like the original: hash a prefix once, fork, finish both with
 * different tails (what vm/bc_load.c and compiler/bc_write.c do for checksum + artifact hash). */
static void test_copy_state(void **st) {
    (void)st;
    unsigned char data[1000];
    for (int i = 0; i < (int)sizeof data; i++) data[i] = (unsigned char)(i * 7 + 3);
    for (size_t prefix = 0; prefix < 200; prefix += 13) {
        rbk_sha256 a;
        rbk_sha256_init(&a);
        rbk_sha256_update(&a, data, prefix);
        rbk_sha256 b = a;
        unsigned char da[32], db[32];
        rbk_sha256_final(&a, da);
        rbk_sha256_update(&b, data + prefix, 32);
        rbk_sha256_final(&b, db);
        char ha[65], hb[65], wa[65], wb[65];
        rbk_sha256_to_hex(da, ha);
        rbk_sha256_to_hex(db, hb);
        rbk_sha256_hex(data, prefix, wa);
        rbk_sha256_hex(data, prefix + 32, wb);
        assert_string_equal(ha, wa);
        assert_string_equal(hb, wb);
    }
}

static int use_auto(void **st) {
    (void)st;
    rbk_sha256_force_portable(0);
    return 0;
}
static int use_portable(void **st) {
    (void)st;
    rbk_sha256_force_portable(1);
    assert_string_equal(rbk_sha256_impl(), "portable");
    return 0;
}

static void digest_with(int portable, const unsigned char *p, size_t n, const size_t *cuts, int ncuts, char hex[65]) {
    rbk_sha256_force_portable(portable);
    rbk_sha256 s;
    unsigned char d[32];
    rbk_sha256_init(&s);
    size_t off = 0;
    for (int i = 0; i < ncuts; i++) {
        rbk_sha256_update(&s, p + off, cuts[i] - off);
        off = cuts[i];
    }
    rbk_sha256_update(&s, p + off, n - off);
    rbk_sha256_final(&s, d);
    rbk_sha256_to_hex(d, hex);
    rbk_sha256_force_portable(0);
}

/* The library's choice against the portable code, on the same bytes: all lengths 0..300 in one
 * piece and split at up to four random points, from an odd address (unaligned loads), and some
 * long inputs (many blocks per compression call). */
static void test_impls_agree(void **st) {
    (void)st;
    int have = rbk_sha256_force_portable(0);
    print_message("[ sha256 ] this CPU %s SHA-NI; library uses %s\n", have ? "has" : "does not have",
                  rbk_sha256_impl());
    if (have) assert_string_equal(rbk_sha256_impl(), "sha-ni");
    else assert_string_equal(rbk_sha256_impl(), "portable");
    enum { N = 70001 };
    unsigned char *buf = malloc(N + 1);
    assert_non_null(buf);
    unsigned seed = 777;
    for (int i = 0; i < N + 1; i++) { seed = seed * 1103515245u + 12345u; buf[i] = (unsigned char)(seed >> 16); }
    const unsigned char *data = buf + 1;
    for (size_t len = 0; len <= 300; len++) {
        for (int trial = 0; trial < 4; trial++) {
            size_t cuts[4];
            int nc = trial; /* 0..3 cut points, sorted */
            for (int i = 0; i < nc; i++) {
                seed = seed * 1103515245u + 12345u;
                cuts[i] = len ? (seed >> 8) % (len + 1) : 0;
            }
            for (int i = 1; i < nc; i++)
                for (int j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
                    size_t t = cuts[j]; cuts[j] = cuts[j - 1]; cuts[j - 1] = t;
                }
            char a[65], b[65], one[65];
            digest_with(0, data, len, cuts, nc, a);
            digest_with(1, data, len, cuts, nc, b);
            if (strcmp(a, b)) fail_msg("length %zu, %d cuts: auto %s, portable %s", len, nc, a, b);
            digest_with(1, data, len, NULL, 0, one);
            assert_string_equal(b, one);
        }
    }
    static const size_t longs[] = {1000, 4096, 65536, N};
    for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
        size_t cuts[2] = {3, longs[i] / 2 + 1};
        char a[65], b[65];
        digest_with(0, data, longs[i], cuts, 2, a);
        digest_with(1, data, longs[i], NULL, 0, b);
        assert_string_equal(a, b);
    }
    free(buf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_abc),
        cmocka_unit_test(test_448),
        cmocka_unit_test(test_896),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_incremental_random_splits),
        cmocka_unit_test(test_copy_state),
    };
    const struct CMUnitTest both[] = {
        cmocka_unit_test(test_impls_agree),
    };
    int failed = cmocka_run_group_tests_name("sha256 (library's choice)", tests, use_auto, NULL);
    failed += cmocka_run_group_tests_name("sha256 (portable forced)", tests, use_portable, use_auto);
    failed += cmocka_run_group_tests_name("sha256 (the two compared)", both, NULL, NULL);
    return failed;
}

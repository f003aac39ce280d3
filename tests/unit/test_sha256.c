/* tests/unit/test_sha256.c — support/sha256.c against the FIPS 180-4 / NIST example vectors,
 * plus incremental == one-shot for random splits and padding boundary lengths. */
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_abc),
        cmocka_unit_test(test_448),
        cmocka_unit_test(test_896),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_incremental_random_splits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

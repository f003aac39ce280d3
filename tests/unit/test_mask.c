/* tests/unit/test_mask.c — support/mask.c: the secret registry and the masking writer's
 * search. Derived forms are produced here independently (base64 by `base64`/`basenc`
 * programs would be real parts, but a fixed table of known encodings is clearer). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "support/mask.h"

/* masks s and returns a malloc'ed copy of the result */
static char *masked(const rbk_mask *m, const char *s) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_mask_apply(m, &b, s, strlen(s));
    return rbk_sbuf_detach(&b);
}

#define ASSERT_MASKED(m, in, want)                 \
    do {                                           \
        char *got_ = masked((m), (in));            \
        assert_string_equal(got_, (want));         \
        free(got_);                                \
    } while (0)

static void add(rbk_mask *m, const char *s) { rbk_mask_add(m, s, strlen(s)); }

static void test_no_secrets_is_copy(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    ASSERT_MASKED(m, "password=*** hunter2 ***", "password=*** hunter2 ***");
    assert_int_equal(rbk_mask_count(m), 0);
    /* embedded NUL bytes pass through */
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_mask_apply(m, &b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 3);
    rbk_sbuf_free(&b);
    assert_false(rbk_mask_hits(m, "anything", 8));
    rbk_mask_free(m);
}

static void test_basic_positions(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    add(m, "hunter2");
    ASSERT_MASKED(m, "hunter2", "***");
    ASSERT_MASKED(m, "hunter2 at start", "*** at start");
    ASSERT_MASKED(m, "at end hunter2", "at end ***");
    ASSERT_MASKED(m, "pw=hunter2;again=hunter2;", "pw=***;again=***;");
    ASSERT_MASKED(m, "hunter2hunter2", "******");  /* adjacent: one *** each */
    ASSERT_MASKED(m, "hunter", "hunter");
    ASSERT_MASKED(m, "hunte", "hunte");
    ASSERT_MASKED(m, "hhunter2", "h***");        /* the automaton must back off correctly */
    ASSERT_MASKED(m, "hunthunter2x", "hunt***x");
    ASSERT_MASKED(m, "", "");
    assert_true(rbk_mask_hits(m, "xxhunter2", 9));
    assert_false(rbk_mask_hits(m, "xxhunter", 8));
    rbk_mask_free(m);
}

static void test_overlapping_union(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    add(m, "abcdef");
    add(m, "defghi");   /* overlaps the first */
    add(m, "cd");       /* inside the first */
    add(m, "xyz");
    ASSERT_MASKED(m, "--abcdefghi--", "--***--");
    ASSERT_MASKED(m, "--abcdef--defghi--", "--***--***--");
    ASSERT_MASKED(m, "--cd--", "--***--");
    ASSERT_MASKED(m, "abcdefghixyz", "******");   /* union, then adjacent xyz */
    ASSERT_MASKED(m, "abcdexyz", "ab***e***");
    rbk_mask_free(m);

    /* a longer pattern that is a suffix-extension of a shorter one: longest wins */
    m = rbk_mask_new();
    add(m, "pass");
    add(m, "password123");
    ASSERT_MASKED(m, "x=password123!", "x=***!");
    ASSERT_MASKED(m, "x=password12!", "x=***word12!");
    rbk_mask_free(m);

    /* self-overlapping repetitions */
    m = rbk_mask_new();
    add(m, "aaaa");
    ASSERT_MASKED(m, "baaaaaab", "b***b");
    ASSERT_MASKED(m, "baaab", "baaab");
    rbk_mask_free(m);
}

static void test_duplicates_and_empty(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    rbk_mask_add(m, "", 0);
    rbk_mask_add(m, NULL, 0);
    assert_int_equal(rbk_mask_count(m), 0);
    ASSERT_MASKED(m, "abc", "abc");
    add(m, "s3cr3t-value");
    size_t c = rbk_mask_count(m);
    assert_true(c > 1);
    add(m, "s3cr3t-value");
    assert_int_equal(rbk_mask_count(m), c);
    /* a secret that is already a derived form of another one still gets its own forms:
     * "czNjcjN0LXZhbHVl" is the base64 of s3cr3t-value; its base64 is new */
    assert_true(rbk_mask_contains(m, "czNjcjN0LXZhbHVl", 16));
    add(m, "czNjcjN0LXZhbHVl");
    assert_true(rbk_mask_count(m) > c);
    assert_true(rbk_mask_contains(m, "Y3pOamNqTjBMWFpoYkhWbA==", 24));
    /* a 1-byte secret is registered as is; its derived forms below 4 bytes are not */
    rbk_mask *m1 = rbk_mask_new();
    add(m1, "Q");
    assert_true(rbk_mask_contains(m1, "Q", 1));
    assert_false(rbk_mask_contains(m1, "UQ", 2));      /* unpadded base64 of "Q" */
    assert_true(rbk_mask_contains(m1, "UQ==", 4));     /* padded is 4 bytes */
    rbk_mask_free(m1);
    rbk_mask_free(m);
}

static void test_multiline(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    const char *key = "-----BEGIN KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAoIB\nab\n-----END KEY-----\n";
    add(m, key);
    assert_true(rbk_mask_contains(m, "MIIEvQIBADANBgkqhkiG9w0B", 24));
    assert_true(rbk_mask_contains(m, "-----BEGIN KEY-----", 19)); /* \r stripped */
    assert_false(rbk_mask_contains(m, "ab", 2));                    /* short line: trivia */
    /* the whole secret, and its lines printed separately / re-wrapped */
    ASSERT_MASKED(m, key, "***");
    ASSERT_MASKED(m, "line 1: MIIEvQIBADANBgkqhkiG9w0B\nline 2: AQEFAASCBKcwggSjAgEAAoIB\n",
                  "line 1: ***\nline 2: ***\n");
    ASSERT_MASKED(m, "cab\nabc", "cab\nabc");
    rbk_mask_free(m);
}

static void test_base64_forms(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    add(m, "hunter2");                     /* base64: aHVudGVyMg== */
    assert_true(rbk_mask_contains(m, "aHVudGVyMg==", 12));
    assert_true(rbk_mask_contains(m, "aHVudGVyMg", 10));
    ASSERT_MASKED(m, "token aHVudGVyMg== end", "token *** end");
    /* HTTP Basic auth of "admin:hunter2" = YWRtaW46aHVudGVyMg== : the secret sits at offset 6
     * (k = 0 in its group) and ends the stream, so its padded encoding is a suffix */
    ASSERT_MASKED(m, "Authorization: Basic YWRtaW46aHVudGVyMg==", "Authorization: Basic YWRtaW46***");
    /* "admin:hunter2!!" = YWRtaW46aHVudGVyMiEh : the k = 0 core aHVudGVyM is caught; "i" mixes
     * 2 bits of the secret with the next byte */
    ASSERT_MASKED(m, "Basic YWRtaW46aHVudGVyMiEh", "Basic YWRtaW46***iEh");
    /* "user:hunter2" = dXNlcjpodW50ZXIy : offset 5 (k = 2) */
    char *got = masked(m, "Basic dXNlcjpodW50ZXIy");
    assert_null(strstr(got, "odW50ZXIy"));
    assert_non_null(strstr(got, "***"));
    free(got);
    /* "ab:hunter2" = YWI6aHVudGVyMg== ; "a:hunter2" = YTpodW50ZXIy ; "abcd:hunter2" (k = 2) */
    const char *enc[] = {"YWI6aHVudGVyMg==", "YTpodW50ZXIy", "YWJjZDpodW50ZXIy", "eDpodW50ZXIyOnk=",
                         NULL};
    for (int i = 0; enc[i]; i++) {
        got = masked(m, enc[i]);
        assert_non_null(strstr(got, "***"));
        free(got);
    }
    rbk_mask_free(m);

    /* URL-safe alphabet: bytes that encode to + and / in the standard alphabet */
    m = rbk_mask_new();
    const char bin[] = "\xfb\xff\xbf\xfe\xfa";   /* std: +/+//vo= ; url: -_-__vo= */
    rbk_mask_add(m, bin, 5);
    assert_true(rbk_mask_contains(m, "+/+//vo=", 8));
    assert_true(rbk_mask_contains(m, "-_-__vo=", 8));
    assert_true(rbk_mask_contains(m, "-_-__vo", 7));
    ASSERT_MASKED(m, "jwt.-_-__vo.sig", "jwt.***.sig");
    rbk_mask_free(m);
}

static void test_url_and_json_forms(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    add(m, "p@ss w/rd\"x\ny");
    /* percent-encoding, upper and lower hex, and the form encoding */
    ASSERT_MASKED(m, "postgres://u:p%40ss%20w%2Frd%22x%0Ay@db/x", "postgres://u:***@db/x");
    ASSERT_MASKED(m, "?pw=p%40ss%20w%2frd%22x%0ay&z=1", "?pw=***&z=1");
    ASSERT_MASKED(m, "pw=p%40ss+w%2Frd%22x%0Ay", "pw=***");
    /* JSON-escaped, as this tool / jansson / Go / escaped slashes write it */
    ASSERT_MASKED(m, "{\"password\":\"p@ss w/rd\\\"x\\ny\"}", "{\"password\":\"***\"}");
    ASSERT_MASKED(m, "{\"password\":\"p@ss w\\/rd\\\"x\\ny\"}", "{\"password\":\"***\"}");
    ASSERT_MASKED(m, "{\"pw\":\"p\\u0040ss\"}", "{\"pw\":\"p\\u0040ss\"}"); /* not a form we claim */
    rbk_mask_free(m);

    m = rbk_mask_new();
    add(m, "a<b>&c\x01\x7f" "\xc3\xa9\xf0\x9f\x94\x91");  /* é and a key emoji */
    ASSERT_MASKED(m, "{\"k\":\"a\\u003cb\\u003e\\u0026c\\u0001\x7f\xc3\xa9\xf0\x9f\x94\x91\"}", "{\"k\":\"***\"}");
    ASSERT_MASKED(m, "{\"k\":\"a<b>&c\\u0001\\u007f\xc3\xa9\xf0\x9f\x94\x91\"}", "{\"k\":\"***\"}");
    ASSERT_MASKED(m, "{\"k\":\"a<b>&c\\u0001\x7f\\u00e9\\ud83d\\udd11\"}", "{\"k\":\"***\"}");
    ASSERT_MASKED(m, "{\"k\":\"a<b>&c\\u0001\x7f\xc3\xa9\xf0\x9f\x94\x91\"}", "{\"k\":\"***\"}");
    rbk_mask_free(m);
}

static void test_contains_exact(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    add(m, "topsecret");
    assert_true(rbk_mask_contains(m, "topsecret", 9));
    assert_false(rbk_mask_contains(m, "topsecre", 8));
    assert_false(rbk_mask_contains(m, "xtopsecret", 10));
    assert_true(rbk_mask_contains(m, "dG9wc2VjcmV0", 12));   /* base64 */
    rbk_mask_free(m);
}

/* Differential test against a naive reference on random texts over {a,b,c}. Derived forms
 * cannot match such text: every base64 character of bytes 0x61-0x63 is outside {a,b,c}, and
 * the URL and JSON forms of plain letters equal the secret. */
static void naive_mask(const char **secs, int nsec, const char *t, size_t n, rbk_sbuf *out) {
    size_t *end_at = calloc(n + 1, sizeof *end_at);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < nsec; k++) {
            size_t l = strlen(secs[k]);
            if (i + l <= n && memcmp(t + i, secs[k], l) == 0 && end_at[i] < i + l) end_at[i] = i + l;
        }
    size_t i = 0;
    while (i < n) {
        if (!end_at[i]) { rbk_sbuf_addc(out, t[i]); i++; continue; }
        size_t e = end_at[i];
        for (size_t j = i + 1; j < e; j++) if (end_at[j] > e) e = end_at[j];
        rbk_sbuf_adds(out, "***");
        i = e;
    }
    free(end_at);
}

static void test_random_vs_naive(void **st) {
    (void)st;
    unsigned seed = 7;
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
    for (int trial = 0; trial < 2000; trial++) {
        char secbuf[6][8];
        const char *secs[6];
        int nsec = 1 + (int)(RND() % 6);
        rbk_mask *m = rbk_mask_new();
        for (int k = 0; k < nsec; k++) {
            int l = 1 + (int)(RND() % 6);
            for (int j = 0; j < l; j++) secbuf[k][j] = (char)('a' + RND() % 3);
            secbuf[k][l] = 0;
            secs[k] = secbuf[k];
            add(m, secs[k]);
        }
        char text[80];
        size_t n = RND() % 79;
        for (size_t j = 0; j < n; j++) text[j] = (char)('a' + RND() % 3);
        text[n] = 0;
        rbk_sbuf want = RBK_SBUF_INIT, got = RBK_SBUF_INIT;
        naive_mask(secs, nsec, text, n, &want);
        rbk_mask_apply(m, &got, text, n);
        if (strcmp(rbk_sbuf_cstr(&want), rbk_sbuf_cstr(&got)) != 0) {
            for (int k = 0; k < nsec; k++) print_message("secret %d: %s\n", k, secs[k]);
            print_message("text: %s\n", text);
        }
        assert_string_equal(rbk_sbuf_cstr(&got), rbk_sbuf_cstr(&want));
        rbk_sbuf_free(&want);
        rbk_sbuf_free(&got);
        rbk_mask_free(m);
    }
#undef RND
}

static void test_performance_1mb_100_secrets(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    char sec[64];
    for (int i = 0; i < 100; i++) {
        snprintf(sec, sizeof sec, "secret/%03d %08x\"tail@", i, (unsigned)(i * 2654435761u));
        add(m, sec);
    }
    size_t n = 1 << 20;
    char *in = malloc(n + 1);
    assert_non_null(in);
    /* text that keeps the automaton busy: many near-misses ("secret-0..") and base64-ish */
    const char *frag = "log line secret/0 near miss c2VjcmV0L secret%2F0 aaaa ";
    size_t fl = strlen(frag);
    for (size_t i = 0; i < n; i++) in[i] = frag[i % fl];
    /* plant 1000 real secrets */
    for (int k = 0; k < 1000; k++) {
        snprintf(sec, sizeof sec, "secret/%03d %08x\"tail@", k % 100, (unsigned)((k % 100) * 2654435761u));
        memcpy(in + (size_t)k * 1000 + 17, sec, strlen(sec));
    }
    in[n] = 0;
    clock_t t0 = clock();
    rbk_sbuf out = RBK_SBUF_INIT;
    for (int rep = 0; rep < 5; rep++) {
        rbk_sbuf_reset(&out);
        rbk_mask_apply(m, &out, in, n);
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    print_message("mask: %zu patterns, 5 x 1 MiB in %.3f s\n", rbk_mask_count(m), secs);
    assert_true(secs < 10.0); /* loose: quadratic behaviour would take minutes */
    assert_null(strstr(out.data, "tail@"));
    size_t stars = 0;
    for (const char *p = out.data; (p = strstr(p, "***")) != NULL; p += 3) stars++;
    assert_int_equal(stars, 1000);
    rbk_sbuf_free(&out);
    free(in);
    rbk_mask_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_secrets_is_copy),
        cmocka_unit_test(test_basic_positions),
        cmocka_unit_test(test_overlapping_union),
        cmocka_unit_test(test_duplicates_and_empty),
        cmocka_unit_test(test_multiline),
        cmocka_unit_test(test_base64_forms),
        cmocka_unit_test(test_url_and_json_forms),
        cmocka_unit_test(test_contains_exact),
        cmocka_unit_test(test_random_vs_naive),
        cmocka_unit_test(test_performance_1mb_100_secrets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

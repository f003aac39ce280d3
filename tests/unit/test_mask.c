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
    /* the same text in lines of 100 bytes (log output): the patterns are matched across the
     * line breaks (the positions ring), the planted secrets still found whole */
    for (size_t i = 99; i < n; i += 100)
        if (in[i] != '"' && in[i] != '@') in[i] = '\n';
    t0 = clock();
    for (int rep = 0; rep < 5; rep++) {
        rbk_sbuf_reset(&out);
        rbk_mask_apply(m, &out, in, n);
    }
    secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    print_message("mask: %zu patterns, 5 x 1 MiB in lines of 100 bytes in %.3f s\n", rbk_mask_count(m), secs);
    assert_true(secs < 10.0);
    assert_null(strstr(out.data, "tail@"));
    rbk_sbuf_free(&out);
    free(in);
    rbk_mask_free(m);
}

/* ---------- encoded forms: hex, more percent-encodings, wrapped at any width ---------- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The test's own encoders (independent of mask.c's). */
static void t_b64(rbk_sbuf *o, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        rbk_sbuf_addc(o, B64[v >> 18]);
        rbk_sbuf_addc(o, B64[(v >> 12) & 63]);
        rbk_sbuf_addc(o, i + 1 < n ? B64[(v >> 6) & 63] : '=');
        rbk_sbuf_addc(o, i + 2 < n ? B64[v & 63] : '=');
    }
}
static void t_hex(rbk_sbuf *o, const unsigned char *p, size_t n, int upper) {
    const char *h = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        rbk_sbuf_addc(o, h[p[i] >> 4]);
        rbk_sbuf_addc(o, h[p[i] & 15]);
    }
}
/* text with "\n" after every `width` characters (and at the end), as base64 and xxd -p print;
 * map[i] = where character i of text landed */
static void t_wrap(rbk_sbuf *o, const char *text, size_t n, size_t width, size_t *map) {
    for (size_t i = 0; i < n; i++) {
        if (i && i % width == 0) rbk_sbuf_addc(o, '\n');
        map[i] = o->len;
        rbk_sbuf_addc(o, text[i]);
    }
    rbk_sbuf_addc(o, '\n');
}
/* expected: wrapped with [map[from], map[to - 1] + 1) replaced by *** */
static void t_expect(rbk_sbuf *want, const rbk_sbuf *wrapped, const size_t *map, size_t from, size_t to) {
    rbk_sbuf_add(want, wrapped->data, map[from]);
    rbk_sbuf_adds(want, "***");
    rbk_sbuf_adds(want, wrapped->data + map[to - 1] + 1);
}

/* `xxd -p` (60 columns) and `xxd -p -u`: the secret's hex at every column it can start at. */
static void test_hex_wrapped(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    const char *sec = "hex-S3cret.value/42";
    add(m, sec);
    assert_true(rbk_mask_contains(m, "6865782d53336372", 16) == 0); /* a piece is not a pattern */
    rbk_sbuf h = RBK_SBUF_INIT;
    t_hex(&h, (const unsigned char *)sec, strlen(sec), 0);
    assert_true(rbk_mask_contains(m, h.data, h.len));
    ASSERT_MASKED(m, "digest 6865782d53336372\n", "digest 6865782d53336372\n");
    for (int upper = 0; upper < 2; upper++)
        for (size_t pre = 0; pre < 31; pre++) { /* 2 * pre: every even column of a 60-column line */
            rbk_sbuf stream = RBK_SBUF_INIT, text = RBK_SBUF_INIT, wrapped = RBK_SBUF_INIT, want = RBK_SBUF_INIT;
            for (size_t i = 0; i < pre + 30; i++) rbk_sbuf_addc(&stream, (char)('A' + i % 26));
            size_t at = stream.len;
            rbk_sbuf_adds(&stream, sec);
            rbk_sbuf_adds(&stream, "-and-then-some-more-bytes");
            t_hex(&text, (const unsigned char *)stream.data, stream.len, upper);
            size_t *map = calloc(text.len, sizeof *map);
            t_wrap(&wrapped, text.data, text.len, 60, map);
            t_expect(&want, &wrapped, map, 2 * at, 2 * (at + strlen(sec)));
            char *got = masked(m, wrapped.data);
            assert_string_equal(got, want.data);
            free(got);
            free(map);
            rbk_sbuf_free(&stream), rbk_sbuf_free(&text), rbk_sbuf_free(&wrapped), rbk_sbuf_free(&want);
        }
    rbk_sbuf_free(&h);
    rbk_mask_free(m);
}

/* `base64` (76 columns) and PEM (64): the secret at every byte alignment and column. Only the
 * characters whose bits all come from the secret (its core) are masked; the one or two next to
 * it mix in neighbouring bytes. */
static void test_base64_wrapped(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    const char *sec = "b64-S3cret:wrapped/value";
    size_t n = strlen(sec);
    add(m, sec);
    const size_t widths[] = {76, 64};
    for (int w = 0; w < 2; w++)
        for (size_t pre = 0; pre < 3 * 76; pre++) {
            rbk_sbuf stream = RBK_SBUF_INIT, text = RBK_SBUF_INIT, wrapped = RBK_SBUF_INIT, want = RBK_SBUF_INIT;
            for (size_t i = 0; i < pre; i++) rbk_sbuf_addc(&stream, (char)(' ' + i % 90));
            rbk_sbuf_adds(&stream, sec);
            rbk_sbuf_adds(&stream, "\n--the rest of the file--");
            t_b64(&text, (const unsigned char *)stream.data, stream.len);
            size_t *map = calloc(text.len, sizeof *map);
            t_wrap(&wrapped, text.data, text.len, widths[w], map);
            size_t k = pre % 3, base = pre / 3 * 4;
            t_expect(&want, &wrapped, map, base + (8 * k + 5) / 6, base + 8 * (k + n) / 6);
            char *got = masked(m, wrapped.data);
            if (strcmp(got, want.data)) print_message("width %zu, %zu bytes before\n", widths[w], pre);
            assert_string_equal(got, want.data);
            free(got);
            free(map);
            rbk_sbuf_free(&stream), rbk_sbuf_free(&text), rbk_sbuf_free(&wrapped), rbk_sbuf_free(&want);
        }
    /* CR LF line ends, and `echo $S | base64` (the secret and a newline) */
    ASSERT_MASKED(m, "YjY0LVMzY3Jl\r\ndDp3cmFwcGVk\r\nL3ZhbHVl\r\n", "***\r\n");
    ASSERT_MASKED(m, "YjY0LVMzY3JldDp3cmFwcGVkL3ZhbHVlCg==\n", "***Cg==\n");
    rbk_mask_free(m);
}

static void test_url_more_forms(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    add(m, "a b/c!(d)");
    ASSERT_MASKED(m, "q=a%20b%2Fc%21%28d%29&", "q=***&");       /* RFC 3986 */
    ASSERT_MASKED(m, "q=a%20b%2fc%21%28d%29&", "q=***&");       /* lower-case hex */
    ASSERT_MASKED(m, "q=a+b%2Fc%21%28d%29&", "q=***&");         /* form, space as + */
    ASSERT_MASKED(m, "q=a+b%2fc%21%28d%29&", "q=***&");         /* form, lower-case hex */
    ASSERT_MASKED(m, "q=a%20b/c%21%28d%29&", "q=***&");         /* Python quote() */
    ASSERT_MASKED(m, "q=a%20b%2Fc!(d)&", "q=***&");             /* encodeURIComponent */
    rbk_mask_free(m);
}

/* Any pattern without a line break of its own is found with line breaks inside it; one that
 * has line breaks is matched as it is. */
static void test_line_breaks_inside(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    add(m, "hunter2-token");
    ASSERT_MASKED(m, "pw: hunter\n2-token!", "pw: ***!");
    ASSERT_MASKED(m, "pw: hun\r\nter2-tok\nen!", "pw: ***!");
    ASSERT_MASKED(m, "pw:\nhunter2-token\n", "pw:\n***\n");     /* breaks around it stay */
    ASSERT_MASKED(m, "hunter2-toke\nn\nhunter2", "***\nhunter2");
    ASSERT_MASKED(m, "hunter2 token", "hunter2 token");
    assert_true(rbk_mask_hits(m, "x hunter\n2-token", 16));
    rbk_mask_free(m);
    m = rbk_mask_new();
    add(m, "line-one\nline-two");                /* and each line, 4 bytes or more */
    ASSERT_MASKED(m, "a line-one\nline-two b", "a *** b");
    ASSERT_MASKED(m, "a line-one b", "a *** b");
    ASSERT_MASKED(m, "line-\none", "***");
    rbk_mask_free(m);
}

/* ---------- a stream shown as it comes (rbk_mask_stream) ---------- */

/* Feeds text in chunks of the given sizes the way stdlib/std_sh.c does for a `tty: true`
 * command (keep the open end, pass it again with the next bytes, apply to the rest at the
 * end); what is shown must be what masking the whole text shows. */
static char *streamed(const rbk_mask *m, const char *text, size_t n, const size_t *chunks, size_t nchunks) {
    rbk_sbuf out = RBK_SBUF_INIT, held = RBK_SBUF_INIT;
    size_t at = 0;
    for (size_t c = 0; at < n; c++) {
        size_t k = c < nchunks ? chunks[c] : n - at;
        if (k > n - at) k = n - at;
        rbk_sbuf_add(&held, text + at, k);
        at += k;
        size_t open = rbk_mask_stream(m, &out, rbk_sbuf_cstr(&held), held.len);
        assert_true(open <= held.len);
        rbk_sbuf rest = RBK_SBUF_INIT;
        rbk_sbuf_add(&rest, rbk_sbuf_cstr(&held) + open, held.len - open);
        rbk_sbuf_free(&held);
        held = rest;
    }
    rbk_mask_apply(m, &out, rbk_sbuf_cstr(&held), held.len);
    rbk_sbuf_free(&held);
    return rbk_sbuf_detach(&out);
}

static void test_stream_split_anywhere(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    rbk_mask_add(m, "s3cr3t-PIN-4242", 15);
    rbk_mask_add(m, "ab", 2);
    rbk_mask_add(m, "abcdef", 6);
    const char *text = "Proceed? [y/N] y\r\npin s3cr3t-PIN-4242 and abcdef, ab, abcde\r\n";
    size_t n = strlen(text);
    rbk_sbuf whole = RBK_SBUF_INIT;
    rbk_mask_apply(m, &whole, text, n);
    for (size_t cut = 0; cut <= n; cut++) { /* every split into two reads */
        size_t chunks[1] = {cut};
        char *got = streamed(m, text, n, chunks, 1);
        assert_string_equal(got, rbk_sbuf_cstr(&whole));
        free(got);
    }
    size_t ones[256];
    for (size_t i = 0; i < 256; i++) ones[i] = 1; /* one byte a read */
    char *got = streamed(m, text, n, ones, 256);
    assert_string_equal(got, rbk_sbuf_cstr(&whole));
    free(got);
    /* a prompt that begins no secret is shown at once, whole */
    rbk_sbuf out = RBK_SBUF_INIT;
    assert_int_equal(rbk_mask_stream(m, &out, "Password: ", 10), 10);
    assert_string_equal(rbk_sbuf_cstr(&out), "Password: ");
    rbk_sbuf_reset(&out);
    /* its start held back until the next read says whether it is one */
    assert_int_equal(rbk_mask_stream(m, &out, "pin s3cr3t-P", 12), 4);
    assert_string_equal(rbk_sbuf_cstr(&out), "pin ");
    rbk_sbuf_free(&out);
    rbk_sbuf_free(&whole);
    rbk_mask_free(m);
}

static void test_stream_random_vs_whole(void **st) {
    (void)st;
    unsigned seed = 12345;
    for (int round = 0; round < 300; round++) {
        rbk_mask *m = rbk_mask_new();
        char secrets[3][12];
        for (int k = 0; k < 3; k++) {
            int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 10;
            for (int i = 0; i < len; i++) secrets[k][i] = "abc\n"[((seed = seed * 1103515245u + 12345u) >> 16) % 4];
            secrets[k][len] = 0;
            rbk_mask_add(m, secrets[k], (size_t)len);
        }
        char text[200];
        size_t n = 0;
        while (n < 150) {
            if (((seed = seed * 1103515245u + 12345u) >> 16) % 4 == 0) {
                const char *sec = secrets[(seed >> 8) % 3];
                size_t l = strlen(sec);
                memcpy(text + n, sec, l);
                n += l;
            } else {
                text[n++] = "abcx\n"[((seed = seed * 1103515245u + 12345u) >> 16) % 5];
            }
        }
        text[n] = 0;
        size_t chunks[64];
        for (int i = 0; i < 64; i++) chunks[i] = 1 + ((seed = seed * 1103515245u + 12345u) >> 16) % 7;
        rbk_sbuf whole = RBK_SBUF_INIT;
        rbk_mask_apply(m, &whole, text, n);
        char *got = streamed(m, text, n, chunks, 64);
        assert_string_equal(got, rbk_sbuf_cstr(&whole));
        free(got);
        rbk_sbuf_free(&whole);
        rbk_mask_free(m);
    }
}

/* ---------- pieces of a text cut elsewhere ---------- */

static char *piece(const rbk_mask *m, const char *s, int before, int after) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_mask_apply_piece(m, &b, s, strlen(s), before, after);
    return rbk_sbuf_detach(&b);
}
#define ASSERT_PIECE(m, in, before, after, want)   \
    do {                                           \
        char *got_ = piece((m), (in), (before), (after)); \
        assert_string_equal(got_, (want));         \
        free(got_);                                \
    } while (0)

static void test_piece_edges(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    ASSERT_PIECE(m, "anything", 1, 1, "anything");           /* no pattern: a copy */
    add(m, "Zq8xK2pLm9Wv");
    ASSERT_PIECE(m, "body ... Zq8xK2", 0, 1, "body ... ***");   /* the head of a cut text */
    ASSERT_PIECE(m, "body ... Zq8xK2", 0, 0, "body ... Zq8xK2");
    ASSERT_PIECE(m, "pLm9Wv ... rest", 1, 0, "*** ... rest");   /* the tail */
    ASSERT_PIECE(m, "pLm9Wv ... rest", 0, 0, "pLm9Wv ... rest");
    ASSERT_PIECE(m, "K2pLm9", 1, 1, "***");                     /* cut on both sides */
    ASSERT_PIECE(m, "K2p\nLm9", 1, 1, "***");
    ASSERT_PIECE(m, "K2pLm9", 1, 0, "K2pLm9");
    ASSERT_PIECE(m, "v Zq8xK2pLm9Wv Z", 1, 1, "*** *** ***");
    ASSERT_PIECE(m, "ends with Zq8xK2pLm9Wv", 0, 1, "ends with ***");
    ASSERT_PIECE(m, "no part here.", 1, 1, "no part here.");
    /* line breaks at the cut: the flow of an encoded form goes on across them */
    ASSERT_PIECE(m, "x Zq8x\nK2", 0, 1, "x ***");
    ASSERT_PIECE(m, "\nm9Wv\n rest", 1, 0, "***\n rest");
    /* a derived form cut: base64 of the secret is WnE4eEsycExtOVd2 */
    ASSERT_PIECE(m, "Authorization: Basic WnE4eEsy", 0, 1, "Authorization: Basic ***");
    ASSERT_PIECE(m, "ExtOVd2 and more", 1, 0, "*** and more");
    rbk_mask_free(m);
}

/* The reference for pieces over {a,b,c} (derived forms cannot match such text, nor begin or
 * end with a, b or c: test_random_vs_naive):
 * full occurrences, plus the longest suffix that begins a secret (after) and the longest
 * prefix that ends one (before). */
static void naive_piece(const char **secs, int nsec, const char *t, size_t n, int before, int after, rbk_sbuf *out) {
    size_t *end_at = calloc(n + 1, sizeof *end_at);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < nsec; k++) {
            size_t l = strlen(secs[k]);
            if (i + l <= n && memcmp(t + i, secs[k], l) == 0 && end_at[i] < i + l) end_at[i] = i + l;
        }
    for (int k = 0; k < nsec; k++) {
        size_t l = strlen(secs[k]);
        for (size_t d = 1; d <= l && d <= n; d++) {
            if (after && memcmp(t + n - d, secs[k], d) == 0 && end_at[n - d] < n) end_at[n - d] = n;
            if (before && memcmp(t, secs[k] + l - d, d) == 0 && end_at[0] < d) end_at[0] = d;
        }
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

static void test_piece_random_vs_naive(void **st) {
    (void)st;
    unsigned seed = 11;
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
    for (int trial = 0; trial < 3000; trial++) {
        char secbuf[5][10];
        const char *secs[5];
        int nsec = 1 + (int)(RND() % 5);
        rbk_mask *m = rbk_mask_new();
        for (int k = 0; k < nsec; k++) {
            int l = 1 + (int)(RND() % 9);
            for (int j = 0; j < l; j++) secbuf[k][j] = (char)('a' + RND() % 3);
            secbuf[k][l] = 0;
            secs[k] = secbuf[k];
            add(m, secs[k]);
        }
        char text[60];
        size_t n = RND() % 59;
        for (size_t j = 0; j < n; j++) text[j] = (char)('a' + RND() % 3);
        text[n] = 0;
        /* one edge at a time: a piece cut on both sides that lies inside a pattern is masked
         * whole, and over {a,b,c} it may lie inside a base64 form (test_piece_edges) */
        int edge = (int)(RND() % 3), before = edge == 1, after = edge == 2;
        rbk_sbuf want = RBK_SBUF_INIT, got = RBK_SBUF_INIT;
        naive_piece(secs, nsec, text, n, before, after, &want);
        rbk_mask_apply_piece(m, &got, text, n, before, after);
        if (strcmp(rbk_sbuf_cstr(&want), rbk_sbuf_cstr(&got)) != 0) {
            for (int k = 0; k < nsec; k++) print_message("secret %d: %s\n", k, secs[k]);
            print_message("text: %s (before %d, after %d)\n", text, before, after);
        }
        assert_string_equal(rbk_sbuf_cstr(&got), rbk_sbuf_cstr(&want));
        rbk_sbuf_free(&want);
        rbk_sbuf_free(&got);
        rbk_mask_free(m);
    }
#undef RND
}

/* The guarantee a cut needs: a secret that straddles it leaves no byte visible in either
 * piece, for a secret registered only after the text was cut. */
static void test_piece_straddling_any_cut(void **st) {
    (void)st;
    const char *sec = "late-S3cret-known-at-the-end";
    size_t n = strlen(sec);
    rbk_sbuf text = RBK_SBUF_INIT;
    rbk_sbuf_adds(&text, "output line one\nvalue: ");
    size_t at = text.len;
    rbk_sbuf_adds(&text, sec);
    rbk_sbuf_adds(&text, "\nlast line\n");
    rbk_mask *m = rbk_mask_new();
    add(m, "unrelated-secret");
    add(m, sec);
    for (size_t cut = at + 1; cut < at + n; cut++) {
        char *h = rbk_xstrndup(text.data, cut);
        char *head = piece(m, h, 0, 1), *tail = piece(m, text.data + cut, 1, 0);
        size_t hl = strlen(head);
        assert_true(hl >= 3 && !strcmp(head + hl - 3, "***"));
        assert_memory_equal(tail, "***", 3);
        assert_memory_equal(head, "output line one\nvalue: ", at);
        assert_string_equal(tail + 3, "\nlast line\n");
        free(h), free(head), free(tail);
    }
    rbk_sbuf_free(&text);
    rbk_mask_free(m);
}

/* The quoting this tool writes around a value (shell '\'', SQL "" for identifiers) and its
 * neighbours (shlex.quote's '"'"', SQL literals' ''). */
static void test_quote_forms(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    add(m, "it's \"q\"-pw");
    ASSERT_MASKED(m, "printf %s 'it'\\''s \"q\"-pw'", "printf %s '***'");
    ASSERT_MASKED(m, "echo 'it'\"'\"'s \"q\"-pw'", "echo '***'");
    ASSERT_MASKED(m, "ALTER ROLE x PASSWORD 'it''s \"q\"-pw'", "ALTER ROLE x PASSWORD '***'");
    ASSERT_MASKED(m, "select 1 as \"it's \"\"q\"\"-pw\"", "select 1 as \"***\"");
    rbk_mask_free(m);
    m = rbk_mask_new();
    add(m, "d$ll`r\"\\-pw");   /* d$ll`r"\-pw */
    ASSERT_MASKED(m, "echo \"d\\$ll\\`r\\\"\\\\-pw\"", "echo \"***\"");  /* inside "..." */
    ASSERT_MASKED(m, "d\\$ll\\`r\"\\\\-pw\n", "***\n");                 /* <<EOF body */
    rbk_mask_free(m);
}

/* A secret of RBK_MASK_MAX_ENCODED bytes gets its encoded forms; one byte more gets its lines
 * only (a dump given secret: true would otherwise add ~20 times its size to the automata). */
static void test_encoded_forms_limit(void **st) {
    (void)st;
    for (size_t n = RBK_MASK_MAX_ENCODED; n <= RBK_MASK_MAX_ENCODED + 1; n++) {
        rbk_mask *m = rbk_mask_new();
        char *s = malloc(n);
        for (size_t i = 0; i < n; i++) s[i] = (char)('a' + i % 26);
        memcpy(s + n / 2, "\nsecond line\n", 13);
        rbk_mask_add(m, s, n);
        rbk_sbuf h = RBK_SBUF_INIT;
        t_hex(&h, (const unsigned char *)s, n, 0);
        assert_true(rbk_mask_contains(m, s, n));
        assert_true(rbk_mask_contains(m, "second line", 11));
        assert_int_equal(rbk_mask_contains(m, h.data, h.len), n == RBK_MASK_MAX_ENCODED);
        rbk_sbuf_free(&h);
        free(s);
        rbk_mask_free(m);
    }
}

/* Secrets registered one at a time between applies (a secret-marked text registered at each
 * turn of a loop) cost O(log n) rebuilds of each pattern byte, not a rebuild of everything per
 * secret: quadratic, that took 14 s for 1,000 SQL rows (`log(upper(row.v))`) and minutes for
 * 8,000. The count is of bytes built, not time. */
static void test_incremental_registration(void **st) {
    (void)st;
    rbk_mask *m = rbk_mask_new();
    rbk_sbuf out = RBK_SBUF_INIT;
    char sec[40];
    size_t bytes = 0;
    for (int i = 0; i < 3000; i++) {
        snprintf(sec, sizeof sec, "row-%08x-%08x", (unsigned)(i * 2654435761u), (unsigned)i);
        add(m, sec);
        rbk_sbuf_reset(&out);
        rbk_mask_apply(m, &out, sec, strlen(sec));
        assert_string_equal(out.data, "***");
    }
    /* every secret is still found after all the merges */
    for (int i = 0; i < 3000; i += 7) {
        snprintf(sec, sizeof sec, "x row-%08x-%08x y", (unsigned)(i * 2654435761u), (unsigned)i);
        rbk_sbuf_reset(&out);
        rbk_mask_apply(m, &out, sec, strlen(sec));
        assert_string_equal(out.data, "x *** y");
    }
    rbk_mask *all = rbk_mask_new(); /* the same patterns registered at once: built once */
    for (int i = 0; i < 3000; i++) {
        snprintf(sec, sizeof sec, "row-%08x-%08x", (unsigned)(i * 2654435761u), (unsigned)i);
        add(all, sec);
    }
    rbk_mask_apply(all, &out, "x", 1);
    bytes = rbk_mask_built_bytes(all);
    size_t built = rbk_mask_built_bytes(m);
    print_message("3000 secrets one by one: %zu pattern bytes built (%.1f x the %zu of one build)\n", built,
                  (double)built / (double)bytes, bytes);
    assert_true(built <= 30 * bytes); /* log1.5(3000 blocks) + 1 < 21; one rebuild per secret: ~1500 x */
    rbk_sbuf_free(&out);
    rbk_mask_free(all);
    rbk_mask_free(m);
}

/* The same with line breaks in the text: a match of a secret (which has none) may have line
 * breaks inside it and then covers them; the reference matches on the text without them. */
static void naive_mask_breaks(const char **secs, int nsec, const char *t, size_t n, rbk_sbuf *out) {
    size_t *map = calloc(n + 1, sizeof *map), m = 0;
    char *flat = calloc(n + 1, 1);
    for (size_t i = 0; i < n; i++)
        if (t[i] != '\n' && t[i] != '\r') { map[m] = i; flat[m++] = t[i]; }
    size_t *end_at = calloc(n + 1, sizeof *end_at); /* in text positions */
    for (size_t i = 0; i < m; i++)
        for (int k = 0; k < nsec; k++) {
            size_t l = strlen(secs[k]);
            if (i + l <= m && memcmp(flat + i, secs[k], l) == 0 && end_at[map[i]] < map[i + l - 1] + 1)
                end_at[map[i]] = map[i + l - 1] + 1;
        }
    size_t i = 0;
    while (i < n) {
        if (!end_at[i]) { rbk_sbuf_addc(out, t[i]); i++; continue; }
        size_t e = end_at[i];
        for (size_t j = i + 1; j < e; j++) if (end_at[j] > e) e = end_at[j];
        rbk_sbuf_adds(out, "***");
        i = e;
    }
    free(end_at), free(flat), free(map);
}

static void test_random_breaks_vs_naive(void **st) {
    (void)st;
    unsigned seed = 23;
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
    for (int trial = 0; trial < 3000; trial++) {
        char secbuf[5][8];
        const char *secs[5];
        int nsec = 1 + (int)(RND() % 5);
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
        for (size_t j = 0; j < n; j++) {
            unsigned r = RND() % 9;
            text[j] = r < 6 ? (char)('a' + r % 3) : r < 8 ? '\n' : 'x'; /* x starts no pattern */
        }
        text[n] = 0;
        rbk_sbuf want = RBK_SBUF_INIT, got = RBK_SBUF_INIT;
        naive_mask_breaks(secs, nsec, text, n, &want);
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
        cmocka_unit_test(test_random_breaks_vs_naive),
        cmocka_unit_test(test_performance_1mb_100_secrets),
        cmocka_unit_test(test_hex_wrapped),
        cmocka_unit_test(test_base64_wrapped),
        cmocka_unit_test(test_url_more_forms),
        cmocka_unit_test(test_line_breaks_inside),
        cmocka_unit_test(test_piece_edges),
        cmocka_unit_test(test_stream_split_anywhere),
        cmocka_unit_test(test_stream_random_vs_whole),
        cmocka_unit_test(test_piece_random_vs_naive),
        cmocka_unit_test(test_piece_straddling_any_cut),
        cmocka_unit_test(test_quote_forms),
        cmocka_unit_test(test_encoded_forms_limit),
        cmocka_unit_test(test_incremental_registration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

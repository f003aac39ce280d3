/* tests/unit/test_re_holes.c — a value interpolated into the pattern of `s matches "..."` is
 * matched as the text it holds (compiler/holes.c rbk_re_holes, support/requote.c
 * rbk_re_quote), proved with PCRE2 compiled as vm/interp.c compiles patterns: every byte
 * 0x00..0x7F, multi-byte UTF-8 characters and a corpus of pattern syntax go through every
 * context the tracker accepts (plain, a character class, a group, after escapes, with the
 * options (?i), (?x), (?xx), (?s), (?m)), assembled as the code generator does (REQUOTE). Each
 * pattern must compile, match the value itself, and (for a one-character value) match no other
 * character. Then the refusals, the raw format and invalid UTF-8. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/holes.h"
#include "support/requote.h"
#include "support/sbuf.h"

#define HOLE '\001' /* marks a hole in a template below; every hole gets the same value */

static const char *const re_corpus[] = {
    ".", ".*", "a.c", "^", "$", "^$", "|", "x|y", "(", ")", "()", "(?i)", "(?x)", "(?#c)", "[", "]", "[]", "[^]]",
    "[a-z]", "[:alpha:]", "[[:alpha:]]", "{", "}", "{2}", "a{2,3}", "*", "+", "?", "*?", "++", "\\", "\\\\", "\\E",
    "\\Q", "\\Qa\\E", "a\\Eb", "\\d", "\\1", "\\x41", "\\x{41}", "\\cA", "\\p{L}", "\\k<n>", "\\g1", "\\n", "#", "# c",
    "a b", " ", "\t", "\n", "\r\n", "-", "a-z", "^a", "&", "~", "'", "\"", "`", "/", "@", ",", ";", "=", "!", "%",
    "<", ">", "(*ACCEPT)", "(*UTF)", "(?=x)", "(?<n>x)", "é", "日本", "\xf0\x9f\x9a\x80", "a\xe2\x80\xae" "b", "",
};

static int split(const char *t, rbk_piece *pieces, int max) {
    int k = 0;
    const char *s = t;
    for (;;) {
        const char *h = strchr(s, HOLE);
        assert_true(k < max);
        pieces[k].s = s;
        pieces[k].n = h ? (size_t)(h - s) : strlen(s);
        if (!h) return k;
        k++;
        s = h + 1;
    }
}

/* The pattern the VM builds from template t with value v in every hole (codegen's cpattern:
 * REQUOTE for each quoted hole). Fails the test when the tracker refuses a hole. */
static void assemble(const char *t, const char *v, size_t vn, rbk_sbuf *pat) {
    rbk_piece pieces[16];
    int n = split(t, pieces, 16);
    unsigned char fmt[16] = {0};
    rbk_holes h;
    rbk_re_holes(&h, pieces, n, fmt);
    for (int p = 0; p <= n; p++) {
        rbk_sbuf_add(pat, pieces[p].s, pieces[p].n);
        if (p == n) break;
        if (h.holes[p].ctx < 0) fail_msg("pattern %s: hole %d refused: %s", t, p, h.holes[p].why);
        assert_int_equal(rbk_re_quote(pat, v, vn), 0);
    }
    rbk_sbuf_cstr(pat);
    rbk_holes_free(&h);
}

static pcre2_code *compile(const rbk_sbuf *pat) {
    int err;
    PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)rbk_sbuf_cstr((rbk_sbuf *)pat), pat->len,
                                  PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
    if (!c) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        fail_msg("pattern %s does not compile: %s at %zu", rbk_sbuf_cstr((rbk_sbuf *)pat), (char *)msg, (size_t)off);
    }
    return c;
}
static int matches(pcre2_code *c, const char *s, size_t n) {
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
    int rc = pcre2_match(c, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    assert_true(rc >= 0 || rc == PCRE2_ERROR_NOMATCH);
    return rc >= 0;
}

/* The accepted contexts: a template, and the subject the value must match in it (\001 for the
 * value, \002 for the value's characters repeated: the class cases). */
typedef struct ctxcase {
    const char *t;       /* the pattern, \001 the value */
    const char *subject; /* \001 the value */
    int single;          /* for a one-character value, no other character matches */
} ctxcase;
static const ctxcase cases[] = {
    {"^\001$", "\001", 1},
    {"^[\001]+$", "\001", 1},
    {"^[^\001]$", "", 0},                /* (checked by hand below) */
    {"^[a\001z]+$", "\001", 0},
    {"^(?:\001|zz)$", "\001", 1},
    {"^(\001)\\1$", "\001\001", 0},
    {"^\\d\001$", "7\001", 0},
    {"^\\x41\001$", "A\001", 0},
    {"^\\x{41}\001$", "A\001", 0},
    {"^\\cZ\001$", "\x1a\001", 0},
    {"^a{2}\001$", "aa\001", 0},
    {"^\\Qa.\\E\001$", "a.\001", 0},
    {"(?i)^\001$", "\001", 0},
    {"(?x)^ \001 $", "\001", 1},
    {"(?xx)^ [ \001 ]+ $", "\001", 1},
    {"(?x)^ # a comment\n \001 $", "\001", 1},
    {"(?s)^\001$", "\001", 1},
    {"(?m)^\001$", "\001", 1},
    {"^\001\001$", "\001\001", 0},
    {"^(?<n>\001)\\k<n>$", "\001\001", 0},
};

static void expand(rbk_sbuf *out, const char *t, const char *v, size_t vn) {
    for (const char *c = t; *c; c++) {
        if (*c == HOLE) rbk_sbuf_add(out, v, vn);
        else rbk_sbuf_addc(out, *c);
    }
    rbk_sbuf_cstr(out);
}

static void one_value(const char *v, size_t vn) {
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ctxcase *c = &cases[i];
        if (!strcmp(c->t, "^[^\001]$") || (vn == 0 && strchr(c->t, '['))) continue; /* [] is not a class */
        rbk_sbuf pat = RBK_SBUF_INIT, subj = RBK_SBUF_INIT;
        assemble(c->t, v, vn, &pat);
        pcre2_code *code = compile(&pat);
        expand(&subj, c->subject, v, vn);
        if (!matches(code, subj.data, subj.len))
            fail_msg("pattern %s (from %s) does not match its value (%zu bytes)", pat.data, c->t, vn);
        if (c->single && vn == 1) {
            for (int o = 0; o < 0x80; o++) {
                char other = (char)o;
                if (o == (unsigned char)v[0]) continue;
                /* (?i): the other case of a letter matches, as it should */
                if (matches(code, &other, 1)) fail_msg("pattern %s (from %s) matches \\x%02x too", pat.data, c->t, o);
            }
        }
        pcre2_code_free(code);
        rbk_sbuf_free(&pat);
        rbk_sbuf_free(&subj);
    }
    /* a negated class holds everything but the value's characters */
    if (vn == 1) {
        rbk_sbuf pat = RBK_SBUF_INIT;
        assemble("^[^\001]$", v, vn, &pat);
        pcre2_code *code = compile(&pat);
        if (matches(code, v, 1)) fail_msg("pattern %s matches the value it excludes", pat.data);
        char other = v[0] == 'q' ? 'r' : 'q';
        assert_true(matches(code, &other, 1));
        pcre2_code_free(code);
        rbk_sbuf_free(&pat);
    }
}

static void test_every_byte(void **state) {
    (void)state;
    for (int c = 0; c < 0x80; c++) {
        char v = (char)c;
        one_value(&v, 1);
        char v3[3] = {'a', (char)c, 'z'};
        one_value(v3, 3);
    }
    static const char *const utf8[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x9a\x80", "\xe2\x80\xae", "\xc2\xa0", NULL};
    for (const char *const *u = utf8; *u; u++) one_value(*u, strlen(*u));
}

static void test_corpus(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof re_corpus / sizeof re_corpus[0]; i++) one_value(re_corpus[i], strlen(re_corpus[i]));
    /* a long value: 4 KiB of every ASCII byte (a compiled PCRE2 pattern is at most 64 KiB: a
     * larger one is the runtime error "regular expression is too large") */
    rbk_sbuf big = RBK_SBUF_INIT;
    for (int i = 0; i < 4096; i++) rbk_sbuf_addc(&big, (char)(i % 128));
    rbk_sbuf pat = RBK_SBUF_INIT;
    assemble("^\001$", big.data, big.len, &pat);
    pcre2_code *code = compile(&pat);
    assert_true(matches(code, big.data, big.len));
    pcre2_code_free(code);
    rbk_sbuf_free(&pat);
    rbk_sbuf_free(&big);
}

static void test_invalid_utf8(void **state) {
    (void)state;
    static const char *const bad[] = {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", NULL};
    for (const char *const *b = bad; *b; b++) {
        rbk_sbuf out = RBK_SBUF_INIT;
        if (rbk_re_quote(&out, *b, strlen(*b)) == 0) fail_msg("invalid UTF-8 %s quoted", *b);
        assert_int_equal(out.len, 0);
        rbk_sbuf_free(&out);
    }
}

static void verdicts(const char *t, const unsigned char *fmt, const int *want) {
    rbk_piece pieces[16];
    int n = split(t, pieces, 16);
    unsigned char f0[16] = {0};
    rbk_holes h;
    rbk_re_holes(&h, pieces, n, fmt ? fmt : f0);
    for (int k = 0; k < n; k++)
        if ((h.holes[k].ctx >= 0) != want[k])
            fail_msg("pattern %s: hole %d %s (%s)", t, k, want[k] ? "refused" : "accepted", h.holes[k].why ? h.holes[k].why : "");
    rbk_holes_free(&h);
}

static void test_refused(void **state) {
    (void)state;
    const int no[1] = {0}, yes[1] = {1};
    verdicts("\\Q\001\\E", NULL, no);
    verdicts("[\\Q\001\\E]", NULL, no);
    verdicts("\\Qa\\E\001", NULL, yes);
    verdicts("[\\Qa\\E\001]", NULL, yes);
    verdicts("a(?#\001)", NULL, no);
    verdicts("a(?#c)\001", NULL, yes);
    verdicts("(?x)a # \001", NULL, no);
    verdicts("(?x)a # c\n\001", NULL, yes);
    verdicts("(?ix:a) # \001", NULL, no);          /* an x anywhere: # may start a comment */
    verdicts("a # \001", NULL, yes);               /* without (?x), # is a character */
    verdicts("(?x)[#\001]", NULL, yes);            /* # in a class is a character */
    verdicts("(?x)\\#\001", NULL, yes);
    verdicts("\\\001", NULL, no);
    verdicts("\\\\\001", NULL, yes);
    verdicts("[\\\001]", NULL, no);
    verdicts("\\1\001", NULL, no);
    verdicts("\\12\001", NULL, no);
    verdicts("\\g\001", NULL, no);
    verdicts("\\g-1\001", NULL, no);
    verdicts("\\g{1}\001", NULL, yes);
    verdicts("\\x\001", NULL, no);
    verdicts("\\x4\001", NULL, no);
    verdicts("\\x41\001", NULL, yes);
    verdicts("\\x{41}\001", NULL, yes);
    verdicts("\\c\001", NULL, no);
    verdicts("\\cA\001", NULL, yes);
    verdicts("\\p\001", NULL, no);
    verdicts("\\pL\001", NULL, yes);
    verdicts("\\p{L}\001", NULL, yes);
    verdicts("\\k<n>\001", NULL, yes);
    verdicts("\\d\001\\w\001\\s\001", NULL, (const int[]){1, 1, 1});
    verdicts("[]\001]", NULL, yes);
    verdicts("[[:alpha:]\001]", NULL, yes);
    {
        unsigned char fi[1] = {RBK_HOLE_IDENT};
        verdicts("^\001$", fi, no);
        unsigned char fr[2] = {RBK_HOLE_RAW, RBK_HOLE_RAW};
        verdicts("\\Q\001\\E(?#\001)", fr, (const int[]){1, 1});
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_byte),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

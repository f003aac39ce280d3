/* tests/unit/test_lexer.c — the re2c lexer (grammar/lexer.re) on its own: token kinds and
 * payloads for durations, numbers with `_`, `stop-if`, interpolation nesting, the newline rules
 * (inside brackets, after operators, before else / rollback, a missing `)` not swallowing the
 * rest of the file) and end of input: an unterminated string or raw string at EOF ends the
 * token stream, and the lexer keeps returning TK_END afterwards (the re2c EOF trap). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "compiler/ast.h"
#include "compiler/diag.h"
#include "grammar/lexstate.h"
#include "parser.h"

#define MAXTOK 256

typedef struct lexed {
    int kinds[MAXTOK];
    YYSTYPE vals[MAXTOK];
    rbk_loc locs[MAXTOK];
    int n;        /* tokens up to and including the first TK_END */
    int errors;
} lexed;

/* Lexes src (copied with a NUL sentinel) until TK_END, then checks TK_END repeats. */
/* token kinds whose value is text (a string piece's may be NULL: no text) */
static int has_text(int k) {
    switch (k) {
    case TK_IDENT: case TK_RAW_STRING: case TK_STR_PLAIN: case TK_STR_PLAIN3: case TK_STR_HEAD:
    case TK_STR_HEAD3: case TK_STR_MID: case TK_STR_TAIL: case TK_STR_TAIL3:
        return 1;
    default:
        return 0;
    }
}
static void lex_all(const char *src, lexed *out) {
    rbk_sources sources = {0};
    rbk_diags diags;
    size_t len = strlen(src);
    int file = rbk_sources_add(&sources, "t.rb", src, len);
    rbk_diags_init(&diags, &sources);
    rbk_arena *arena = rbk_arena_new();
    rbk_lexer L;
    rbk_lex_init(&L, sources.items[file]->text, len, file, arena, &diags);
    memset(out, 0, sizeof *out);
    int t;
    do {
        assert_true(out->n < MAXTOK);
        t = rbk_lex_next(&L, &out->vals[out->n], &out->locs[out->n]);
        out->kinds[out->n++] = t;
    } while (t != TK_END);
    /* the EOF trap: once at the end, the lexer stays there */
    for (int i = 0; i < 5; i++) {
        YYSTYPE v;
        rbk_loc l;
        assert_int_equal(rbk_lex_next(&L, &v, &l), TK_END);
    }
    out->errors = diags.nerrors;
    /* string payloads live in the arena: copy what the tests look at before freeing it */
    for (int i = 0; i < out->n; i++)
        if (has_text(out->kinds[i]) && out->vals[i].str.s) {
            out->vals[i].str.s = strndup(out->vals[i].str.s, out->vals[i].str.n);
        }
    rbk_lex_free(&L);
    rbk_arena_free(arena);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
}
static void lexed_free(lexed *x) {
    for (int i = 0; i < x->n; i++)
        if (has_text(x->kinds[i])) free(x->vals[i].str.s);
}
/* Asserts the token kinds, given as a 0-terminated list that must end with TK_END... (TK_END is 0,
 * so the list is: kinds..., then -1). */
static void expect_kinds(const lexed *x, ...) {
    va_list ap;
    va_start(ap, x);
    int i = 0;
    for (;;) {
        int k = va_arg(ap, int);
        if (k == -1) break;
        assert_true(i < x->n);
        if (x->kinds[i] != k) fail_msg("token %d: kind %d, expected %d", i, x->kinds[i], k);
        i++;
    }
    va_end(ap);
    assert_int_equal(i, x->n);
}

static void test_durations(void **state) {
    (void)state;
    lexed x;
    lex_all("250ms 5s 15m 2h 1d 1.5s 1_000ms", &x);
    expect_kinds(&x, TK_DURATION, TK_DURATION, TK_DURATION, TK_DURATION, TK_DURATION, TK_DURATION, TK_DURATION,
                 TK_NL, TK_END, -1);
    int64_t want[] = {250, 5000, 900000, 7200000, 86400000, 1500, 1000};
    for (int i = 0; i < 7; i++) assert_int_equal(x.vals[i].i, want[i]);
    assert_int_equal(x.errors, 0);
    lexed_free(&x);
}
static void test_numbers(void **state) {
    (void)state;
    lexed x;
    lex_all("42 1_000_000 0.01 2.5e3 9223372036854775807", &x);
    expect_kinds(&x, TK_INT, TK_INT, TK_FLOAT, TK_FLOAT, TK_INT, TK_NL, TK_END, -1);
    assert_int_equal(x.vals[0].i, 42);
    assert_int_equal(x.vals[1].i, 1000000);
    assert_true(x.vals[2].f > 0.0099 && x.vals[2].f < 0.0101);
    assert_true(x.vals[3].f > 2499.9 && x.vals[3].f < 2500.1);
    assert_int_equal(x.vals[4].i, INT64_MAX);
    assert_int_equal(x.errors, 0);
    lexed_free(&x);
}
static void test_number_errors(void **state) {
    (void)state;
    lexed x;
    lex_all("9223372036854775808", &x);  /* INT64_MAX + 1 */
    assert_int_equal(x.errors, 1);
    lexed_free(&x);
    lex_all("5sec", &x);  /* a unit glued to the number that is not a unit */
    assert_int_equal(x.errors, 1);
    lexed_free(&x);
}
static void test_stop_if_one_token(void **state) {
    (void)state;
    lexed x;
    lex_all("stop-if a - b", &x);
    expect_kinds(&x, TK_STOP_IF, TK_IDENT, '-', TK_IDENT, TK_NL, TK_END, -1);
    lexed_free(&x);
    lex_all("stop - if", &x);  /* with spaces it is not the keyword */
    expect_kinds(&x, TK_IDENT, '-', TK_IF, TK_NL, TK_END, -1);
    lexed_free(&x);
}
static void test_keywords_and_labels(void **state) {
    (void)state;
    lexed x;
    lex_all("expect within every contains matches in not and or nil", &x);
    expect_kinds(&x, TK_EXPECT, TK_WITHIN, TK_EVERY, TK_CONTAINS, TK_MATCHES, TK_IN, TK_NOT, TK_AND, TK_OR, TK_NIL,
                 TK_NL, TK_END, -1);
    lexed_free(&x);
    lex_all("timeout retry secret optional expected", &x);  /* attributes are plain identifiers */
    expect_kinds(&x, TK_IDENT, TK_IDENT, TK_IDENT, TK_IDENT, TK_IDENT, TK_NL, TK_END, -1);
    assert_string_equal(x.vals[4].str.s, "expected");
    lexed_free(&x);
}
static void test_interpolation_nesting(void **state) {
    (void)state;
    lexed x;
    lex_all("\"a{b + \"c{d}\"}e\"", &x);
    expect_kinds(&x, TK_STR_HEAD, TK_IDENT, '+', TK_STR_HEAD, TK_IDENT, TK_STR_TAIL, TK_STR_TAIL, TK_NL, TK_END, -1);
    assert_string_equal(x.vals[0].str.s, "a");
    assert_string_equal(x.vals[3].str.s, "c");
    assert_null(x.vals[5].str.s); /* nothing between } and " */
    assert_string_equal(x.vals[6].str.s, "e");
    assert_int_equal(x.errors, 0);
    lexed_free(&x);
    /* a map literal inside an interpolation: its braces do not close the interpolation */
    lex_all("\"{ {a: 1}.a }\"", &x);
    expect_kinds(&x, TK_STR_HEAD, '{', TK_IDENT, ':', TK_INT, '}', '.', TK_IDENT, TK_STR_TAIL, TK_NL, TK_END, -1);
    assert_null(x.vals[0].str.s);
    lexed_free(&x);
}
static void test_plain_strings(void **state) {
    (void)state;
    lexed x;
    lex_all("f(\"abc\", \"\", \"x y{z}\", \"p\\tq\", \"caf\xc3\xa9\")", &x);
    expect_kinds(&x, TK_IDENT, '(', TK_STR_PLAIN, ',', TK_STR_PLAIN, ',', TK_STR_HEAD, TK_IDENT, TK_STR_TAIL, ',',
                 TK_STR_PLAIN, ',', TK_STR_PLAIN, ')', TK_NL, TK_END, -1);
    assert_string_equal(x.vals[2].str.s, "abc");
    assert_int_equal(x.vals[2].str.n, 3);
    assert_int_equal(x.locs[2].off, 2);
    assert_int_equal(x.locs[2].end, 7);
    assert_string_equal(x.vals[4].str.s, "");
    assert_int_equal(x.vals[4].str.n, 0);
    assert_string_equal(x.vals[6].str.s, "x y");
    assert_int_equal(x.locs[6].off, 13); /* "x y{ */
    assert_int_equal(x.locs[6].end, 18);
    assert_string_equal(x.vals[10].str.s, "p\tq"); /* an escape: decoded, still one token */
    assert_string_equal(x.vals[12].str.s, "caf\xc3\xa9");
    assert_int_equal(x.errors, 0);
    lexed_free(&x);
    /* n interpolations: n + 1 tokens, each piece with its text; """ has its own kinds */
    lex_all("\"a{x}b{y}c\" \"\"\"p{q}r\"\"\" \"\"\"s\"\"\"", &x);
    expect_kinds(&x, TK_STR_HEAD, TK_IDENT, TK_STR_MID, TK_IDENT, TK_STR_TAIL, TK_STR_HEAD3, TK_IDENT, TK_STR_TAIL3,
                 TK_STR_PLAIN3, TK_NL, TK_END, -1);
    assert_string_equal(x.vals[2].str.s, "b");
    assert_int_equal(x.locs[2].off, 4); /* }b{ */
    assert_int_equal(x.locs[2].end, 7);
    assert_string_equal(x.vals[4].str.s, "c");
    assert_string_equal(x.vals[7].str.s, "r");
    assert_string_equal(x.vals[8].str.s, "s");
    assert_int_equal(x.errors, 0);
    lexed_free(&x);
    /* a quote that never closes on its line is still an unterminated string */
    lex_all("\"abc\n", &x);
    assert_int_equal(x.errors, 1);
    lexed_free(&x);
}
static void test_escapes_and_raw(void **state) {
    (void)state;
    lexed x;
    lex_all("\"t\\t\\\"q\\\\ \\{x\\}\" 'r{a}\\n\\''", &x);
    expect_kinds(&x, TK_STR_PLAIN, TK_RAW_STRING, TK_NL, TK_END, -1);
    assert_string_equal(x.vals[0].str.s, "t\t\"q\\ {x}");
    assert_string_equal(x.vals[1].str.s, "r{a}\\n'");
    assert_int_equal(x.errors, 0);
    lexed_free(&x);
}
static void test_newline_rules(void **state) {
    (void)state;
    lexed x;
    /* inside ( ) and [ ], newlines do not end the statement */
    lex_all("f(a,\n b\n)\n[1\n]", &x);
    expect_kinds(&x, TK_IDENT, '(', TK_IDENT, ',', TK_IDENT, ')', TK_NL, '[', TK_INT, ']', TK_NL, TK_END, -1);
    lexed_free(&x);
    /* after a binary operator or a comma the line continues; comments do not matter */
    lex_all("a +\n b and # comment\n c\nd", &x);
    expect_kinds(&x, TK_IDENT, '+', TK_IDENT, TK_AND, TK_IDENT, TK_NL, TK_IDENT, TK_NL, TK_END, -1);
    lexed_free(&x);
    /* before else / rollback / irreversible the newline glues */
    lex_all("}\nelse {\n}\n  # c\nrollback {\n}\nirreversible \"x\"\nelsewhere", &x);
    expect_kinds(&x, '}', TK_ELSE, '{', '}', TK_ROLLBACK, '{', '}', TK_IRREVERSIBLE, TK_STR_PLAIN, TK_NL,
                 TK_IDENT, TK_NL, TK_END, -1);
    lexed_free(&x);
    /* blank lines fold into one NL */
    lex_all("a\n\n  \n# c\nb", &x);
    expect_kinds(&x, TK_IDENT, TK_NL, TK_IDENT, TK_NL, TK_END, -1);
    lexed_free(&x);
    /* a backslash at the end of a line joins it with the next */
    lex_all("a \\\n b", &x);
    expect_kinds(&x, TK_IDENT, TK_IDENT, TK_NL, TK_END, -1);
    lexed_free(&x);
}
static void test_unclosed_paren_ends_at_brace(void **state) {
    (void)state;
    lexed x;
    /* a missing ) inside a block: the } closes it, and the next lines have their newlines */
    lex_all("{\nf(1 +\n}\na\nb", &x);
    expect_kinds(&x, '{', TK_IDENT, '(', TK_INT, '+', '}', TK_NL, TK_IDENT, TK_NL, TK_IDENT, TK_NL, TK_END, -1);
    lexed_free(&x);
    /* a map literal inside a call keeps the call's newline rule after it closes */
    lex_all("f({a: 1},\n 2\n)\nb", &x);
    expect_kinds(&x, TK_IDENT, '(', '{', TK_IDENT, ':', TK_INT, '}', ',', TK_INT, ')', TK_NL, TK_IDENT, TK_NL,
                 TK_END, -1);
    lexed_free(&x);
}
static void test_unterminated_strings_at_eof(void **state) {
    (void)state;
    const char *cases[] = {
        "\"abc",            /* "..." at EOF */
        "\"abc{",           /* inside an interpolation at EOF */
        "\"a{\"b{\"c",      /* nested */
        "\"\"\"abc\n def",  /* """...""" at EOF */
        "'abc",             /* raw string */
        "\"abc\\",          /* a backslash as the last byte */
        "\"",
        "\"\"\"",
        "x = \"{1 +",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        lexed x;
        lex_all(cases[i], &x);  /* reaching TK_END and staying there is the point */
        if (x.errors < 1) fail_msg("case %zu: no error reported", i);
        lexed_free(&x);
    }
}
static void test_unterminated_string_at_newline(void **state) {
    (void)state;
    lexed x;
    /* the error token ends the string; the line's newline still ends the statement */
    lex_all("f(\"abc\ng()", &x);
    assert_int_equal(x.errors, 1);
    expect_kinds(&x, TK_IDENT, '(', TK_YYerror, TK_NL, TK_IDENT, '(', ')', TK_NL,
                 TK_END, -1);
    lexed_free(&x);
}
static void test_bad_characters(void **state) {
    (void)state;
    lexed x;
    lex_all("a && b || !c", &x);
    expect_kinds(&x, TK_IDENT, TK_AND, TK_IDENT, TK_OR, TK_NOT, TK_IDENT, TK_NL, TK_END, -1);
    assert_int_equal(x.errors, 3);
    lexed_free(&x);
    lex_all("a \xc3\xa9 $", &x);
    assert_int_equal(x.errors, 2);
    lexed_free(&x);
}
static void test_locations(void **state) {
    (void)state;
    lexed x;
    lex_all("let  abc = 5s", &x);
    assert_int_equal(x.locs[1].off, 5);
    assert_int_equal(x.locs[1].end, 8);
    assert_int_equal(x.locs[3].off, 11);
    assert_int_equal(x.locs[3].end, 13);
    lexed_free(&x);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_number_errors),
        cmocka_unit_test(test_stop_if_one_token),
        cmocka_unit_test(test_keywords_and_labels),
        cmocka_unit_test(test_interpolation_nesting),
        cmocka_unit_test(test_plain_strings),
        cmocka_unit_test(test_escapes_and_raw),
        cmocka_unit_test(test_newline_rules),
        cmocka_unit_test(test_unclosed_paren_ends_at_brace),
        cmocka_unit_test(test_unterminated_strings_at_eof),
        cmocka_unit_test(test_unterminated_string_at_newline),
        cmocka_unit_test(test_bad_characters),
        cmocka_unit_test(test_locations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/test_text.c — support/text.c: untrusted text cleaned for a terminal, for the
 * reports and as JSON. Every C0 control, DEL, every C1 control (raw and in UTF-8), the
 * bidirectional controls, invalid UTF-8 of each kind, and text that must pass unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support/text.h"

typedef void (*clean_fn)(rbk_sbuf *, const char *, size_t);

static char *run(clean_fn f, const char *s, size_t n) {
    rbk_sbuf b = RBK_SBUF_INIT;
    f(&b, s, n);
    if (!b.data) rbk_sbuf_adds(&b, "");
    return rbk_sbuf_detach(&b);
}
#define CHECK(f, in, want)                          \
    do {                                            \
        char *got_ = run((f), (in), sizeof(in) - 1); \
        assert_string_equal(got_, (want));          \
        free(got_);                                 \
    } while (0)

static void test_term(void **st) {
    (void)st;
    clean_fn f = rbk_text_clean_term;
    CHECK(f, "plain text, tabs\tand\nnewlines é ✓ 🚀", "plain text, tabs\tand\nnewlines é ✓ 🚀");
    CHECK(f, "a\x1b]0;title\x07" "b\x1b[2Jc\x1b[31md", "a\\x1b]0;title\\x07b\\x1b[2Jc\\x1b[31md");
    CHECK(f, "cr\rover", "cr\\x0dover");
    CHECK(f, "line\r\nnext\r", "line\nnext");                  /* CR LF and a final CR */
    CHECK(f, "del\x7f bs\x08 nul-free\x01", "del\\x7f bs\\x08 nul-free\\x01");
    CHECK(f, "raw c1 \x9b" "2J", "raw c1 \\x9b2J");              /* not UTF-8: a byte */
    CHECK(f, "utf8 c1 \xc2\x9b" "2J \xc2\x85", "utf8 c1 \\u009b2J \\u0085");
    CHECK(f, "bidi \xe2\x80\xae" "x \xe2\x81\xa6" "y \xe2\x80\x8f" "z \xd8\x9c",
          "bidi \\u202ex \\u2066y \\u200fz \\u061c");
    CHECK(f, "bad \xff \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 cut \xe2\x80",
          "bad \\xff \\xc0\\xaf \\xed\\xa0\\x80 \\xf4\\x90\\x80\\x80 cut \\xe2\\x80");
    /* every C0 control but tab and newline, one by one */
    for (int c = 0; c < 0x20; c++) {
        if (c == '\t' || c == '\n' || c == '\r') continue;
        char in[3] = {'a', (char)c, 'b'};
        char want[8];
        snprintf(want, sizeof want, "a\\x%02xb", c);
        char *got = run(f, in, 3);
        assert_string_equal(got, want);
        free(got);
    }
}

static void test_pictures(void **st) {
    (void)st;
    clean_fn f = rbk_text_clean_pictures;
    CHECK(f, "esc\x1b[1m bel\x07 del\x7f", "esc\xe2\x90\x9b[1m bel\xe2\x90\x87 del\xe2\x90\xa1");
    CHECK(f, "crlf\r\nbidi\xe2\x80\xae c1\xc2\x9b raw\x9b end", "crlf\nbidi\xef\xbf\xbd c1\xef\xbf\xbd raw\xef\xbf\xbd end");
}

static void test_json(void **st) {
    (void)st;
    clean_fn f = rbk_text_json_str;
    CHECK(f, "q\"b\\n\nr\rt\t", "\"q\\\"b\\\\n\\nr\\rt\\t\"");
    CHECK(f, "esc\x1b bel\x07 del\x7f", "\"esc\\u001b bel\\u0007 del\\u007f\"");
    CHECK(f, "c1\xc2\x9b bidi\xe2\x80\xae raw\x9b bad\xff ok é", "\"c1\\u009b bidi\\u202e raw\\ufffd bad\\ufffd ok é\"");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_term),
        cmocka_unit_test(test_pictures),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

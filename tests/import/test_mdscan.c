/* tests/import/test_mdscan.c — the Markdown block scanner of `runbook import` (import/mdscan.c):
 * which blocks a text gives, their lines, levels and parents. The importer's goldens
 * (tests/import/import_test.py) test what the blocks become. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "import/mdscan.h"
#include "support/sbuf.h"

static rbk_md_doc scan(const char *s) {
    rbk_md_doc d;
    rbk_md_scan(s, strlen(s), &d);
    return d;
}

static void test_headings(void **state) {
    (void)state;
    rbk_md_doc d = scan("# Title #\n\nSetext one\n===\n\nSetext two\n---\n\n####### not a heading\n#nospace\n");
    assert_int_equal(d.n, 4);
    assert_int_equal(d.b[0].kind, RBK_MD_HEADING);
    assert_int_equal(d.b[0].level, 1);
    assert_string_equal(d.b[0].text, "Title");
    assert_int_equal(d.b[1].kind, RBK_MD_HEADING);
    assert_int_equal(d.b[1].level, 1);
    assert_string_equal(d.b[1].text, "Setext one");
    assert_int_equal(d.b[2].kind, RBK_MD_HEADING);
    assert_int_equal(d.b[2].level, 2);
    assert_int_equal(d.b[2].line, 6);
    assert_int_equal(d.b[3].kind, RBK_MD_PARA);
    assert_string_equal(d.b[3].text, "####### not a heading\n#nospace");
    rbk_md_free(&d);
}

static void test_fences(void **state) {
    (void)state;
    rbk_md_doc d = scan("```bash title=x\necho 1\n  ```not closing\n```\n~~~~ sql\nSELECT 1;\n~~~\n~~~~\n\n    indented\n\n    code\n\nafter\n```\nnever closed\n");
    assert_int_equal(d.n, 5);
    assert_int_equal(d.b[0].kind, RBK_MD_FENCE);
    assert_string_equal(d.b[0].text, "bash title=x");
    assert_int_equal(d.b[0].nlines, 2);
    assert_string_equal(d.b[0].lines[1].text, "  ```not closing");
    assert_int_equal(d.b[0].lines[1].line, 3);
    assert_string_equal(d.b[1].text, "sql");
    assert_int_equal(d.b[1].nlines, 2); /* ~~~ is shorter than ~~~~: content */
    assert_int_equal(d.b[2].kind, RBK_MD_FENCE);
    assert_true(d.b[2].indented);
    assert_int_equal(d.b[2].nlines, 3);
    assert_string_equal(d.b[2].lines[2].text, "code");
    assert_int_equal(d.b[3].kind, RBK_MD_PARA);
    assert_int_equal(d.b[4].kind, RBK_MD_FENCE); /* to the end of the text */
    assert_int_equal(d.b[4].nlines, 1);
    rbk_md_free(&d);
}

static void test_lists(void **state) {
    (void)state;
    rbk_md_doc d = scan("Actions:\n1) Do it:\n   - `cmd`\n   continued\n2) Next\n- [ ] box\n- [x] done\n  - ```\n    <paste>\n    ```\n\n  a paragraph of the item\n");
    assert_int_equal(d.b[0].kind, RBK_MD_PARA);
    assert_string_equal(d.b[0].text, "Actions:");
    assert_int_equal(d.b[1].kind, RBK_MD_ITEM);
    assert_true(d.b[1].ordered);
    assert_int_equal(d.b[1].parent, -1);
    assert_int_equal(d.b[2].kind, RBK_MD_ITEM);
    assert_int_equal(d.b[2].parent, 1);
    assert_int_equal(d.b[2].level, 1);
    assert_string_equal(d.b[2].text, "`cmd`\ncontinued");
    assert_int_equal(d.b[3].kind, RBK_MD_ITEM);
    assert_int_equal(d.b[3].parent, -1);
    assert_int_equal(d.b[4].check, 1);
    assert_int_equal(d.b[5].check, 2);
    assert_string_equal(d.b[5].text, "done");
    assert_int_equal(d.b[6].kind, RBK_MD_ITEM); /* "- ```": an item holding a fence */
    assert_int_equal(d.b[6].parent, 5);
    assert_int_equal(d.b[7].kind, RBK_MD_FENCE);
    assert_int_equal(d.b[7].parent, 6);
    assert_int_equal(d.b[7].nlines, 1);
    assert_string_equal(d.b[7].lines[0].text, "<paste>");
    assert_int_equal(d.b[8].kind, RBK_MD_PARA);
    assert_int_equal(d.b[8].parent, 5);
    assert_int_equal(d.n, 9);
    rbk_md_free(&d);
}

static void test_tables_quotes_html(void **state) {
    (void)state;
    rbk_md_doc d = scan("| a | b |\n|---|:-:|\n| 1 | `x|y` |\nnot a row\n\n> quoted\nlazy\n> more\n\n<!-- a\ncomment -->\n---\n");
    assert_int_equal(d.b[0].kind, RBK_MD_TABLE);
    assert_int_equal(d.b[0].nlines, 3);
    assert_int_equal(d.b[0].lines[2].line, 3);
    assert_int_equal(d.b[1].kind, RBK_MD_PARA);
    assert_int_equal(d.b[2].kind, RBK_MD_QUOTE);
    assert_string_equal(d.b[2].text, "quoted\nlazy\nmore");
    assert_int_equal(d.b[3].kind, RBK_MD_HTML);
    assert_string_equal(d.b[3].text, "<!-- a\ncomment -->");
    assert_int_equal(d.b[4].kind, RBK_MD_RULE);
    assert_int_equal(d.n, 5);
    rbk_md_free(&d);
}

static void test_crlf_and_deep(void **state) {
    (void)state;
    rbk_md_doc d = scan("# T\r\n\r\n```sh\r\necho a\r\n```\r\n");
    assert_int_equal(d.n, 2);
    assert_string_equal(d.b[0].text, "T");
    assert_string_equal(d.b[1].text, "sh");
    assert_string_equal(d.b[1].lines[0].text, "echo a");
    rbk_md_free(&d);
    /* 1000 nested items: a parent chain, no limit */
    rbk_sbuf t = RBK_SBUF_INIT;
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < i * 2; k++) rbk_sbuf_addc(&t, ' ');
        rbk_sbuf_adds(&t, "- x\n");
    }
    d = scan(rbk_sbuf_cstr(&t));
    assert_int_equal(d.n, 1000);
    assert_int_equal(d.b[999].level, 999);
    assert_int_equal(d.b[999].parent, 998);
    rbk_md_free(&d);
    rbk_sbuf_free(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headings),
        cmocka_unit_test(test_fences),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_tables_quotes_html),
        cmocka_unit_test(test_crlf_and_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

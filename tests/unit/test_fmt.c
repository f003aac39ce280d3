/* tests/unit/test_fmt.c — the formatter's API (compiler/fmt.h, rbk_fmt_source), as the
 * language server calls it: exact layouts, output appended to what the buffer holds, a
 * refusal (-1, the parser's diagnostics with their positions, the buffer untouched), the
 * nesting limit at N and N + 1, an empty source, a byte-order mark, strings byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "compiler/ast.h"
#include "compiler/diag.h"
#include "compiler/fmt.h"

typedef struct result {
    int rc;
    char *out;
    int nerrors;
    char *first_msg;
    int line, col;
} result;

/* Formats src after `before` in the output buffer; the output without that prefix. */
static result fmt_with(const char *src, const char *before) {
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    int file = rbk_sources_add(&sources, "t.rb", src, strlen(src));
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_sbuf_adds(&out, before);
    result r = {0};
    r.rc = rbk_fmt_source(sources.items[file]->text, strlen(src), &out, &diags, file);
    const char *o = rbk_sbuf_cstr(&out);
    assert_memory_equal(o, before, strlen(before)); /* appended, never reset */
    r.out = strdup(o + strlen(before));
    r.nerrors = diags.nerrors;
    if (diags.n) {
        r.first_msg = strdup(diags.items[0].msg);
        rbk_source_linecol(sources.items[file], diags.items[0].off, &r.line, &r.col);
    }
    rbk_sbuf_free(&out);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    return r;
}
static result fmt(const char *src) { return fmt_with(src, ""); }
static void done(result *r) { free(r->out); free(r->first_msg); }

static void expect_layout(const char *src, const char *want) {
    result r = fmt(src);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, want);
    done(&r);
    r = fmt(want); /* a fixed point */
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, want);
    done(&r);
}

static void test_layout(void **state) {
    (void)state;
    expect_layout("step \"a\"{let x=[1,2,]\nif x[0]==1{log( \"one\" )}else{fail \"no\"}}\n",
                  "step \"a\" {\n  let x = [1, 2]\n  if x[0] == 1 {\n    log(\"one\")\n  } else {\n    fail \"no\"\n  }\n}\n");
    /* a step after code gets an empty line, above its comment */
    expect_layout("let a = 1\n# the step\nstep \"s\" {}\n", "let a = 1\n\n# the step\nstep \"s\" {}\n");
    /* trailing comments of consecutive lines share a column; the run ends at a line without one */
    expect_layout("let a = 1 # x\nlet bbbb = 2    # y\nlet c = 3\nlet d = 4 # z\n",
                  "let a = 1     # x\nlet bbbb = 2  # y\nlet c = 3\nlet d = 4  # z\n");
    /* a broken call gets a comma after its last argument; fn parameters do not */
    expect_layout("f(\n  a, b)\nfn g(\n  a, b) {}\n", "f(\n  a,\n  b,\n)\n\nfn g(\n  a, b\n) {}\n");
    /* signs and subtraction */
    expect_layout("let y = 1 - -2\nlet z = -(y)- 1\n", "let y = 1 - -2\nlet z = -(y) - 1\n");
}

static void test_strings_byte_exact(void **state) {
    (void)state;
    const char *src = "let s = \"  a  {x:raw}  \\{ b }  {\"in {y}  \"}\"\n"
                      "let t = '  raw  \\'  '\n"
                      "let u = \"\"\"\n      two   spaces\n    {  z  }\n  \"\"\"\n";
    result r = fmt(src);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, src); /* already in the layout: every byte stays */
    done(&r);
}

static void test_refused(void **state) {
    (void)state;
    result r = fmt_with("step \"a\" {\n  let x = (1 +\n}\n", "KEEP");
    assert_int_equal(r.rc, -1);
    assert_string_equal(r.out, ""); /* nothing appended */
    assert_true(r.nerrors > 0);
    assert_int_equal(r.line, 3);
    done(&r);
    r = fmt("let s = \"open\n");
    assert_int_equal(r.rc, -1);
    assert_non_null(strstr(r.first_msg, "unterminated string"));
    done(&r);
}

/* The parser's nesting limit is the formatter's: a list nested RBK_MAX_EXPR_DEPTH deep is
 * formatted, one more is refused with the limit's message. */
static void test_nesting_limit(void **state) {
    (void)state;
    for (int depth = RBK_MAX_EXPR_DEPTH; depth <= RBK_MAX_EXPR_DEPTH + 1; depth++) {
        rbk_sbuf s = RBK_SBUF_INIT;
        rbk_sbuf_adds(&s, "let x =  ");
        for (int i = 0; i < depth; i++) rbk_sbuf_addc(&s, '[');
        for (int i = 0; i < depth; i++) rbk_sbuf_addc(&s, ']');
        rbk_sbuf_addc(&s, '\n');
        result r = fmt(rbk_sbuf_cstr(&s));
        if (depth == RBK_MAX_EXPR_DEPTH) {
            assert_int_equal(r.rc, 0);
            assert_int_equal(strlen(r.out), s.len - 1); /* one blank fewer */
        } else {
            assert_int_equal(r.rc, -1);
            assert_non_null(strstr(r.first_msg, "nested too deeply"));
        }
        done(&r);
        rbk_sbuf_free(&s);
    }
}

static void test_edges(void **state) {
    (void)state;
    expect_layout("", "");
    expect_layout("\n\n  \n", "");
    expect_layout("  # only a comment   \n\n\n# and another", "# only a comment\n\n# and another\n");
    expect_layout("\xef\xbb\xbf  log(1)\r\n", "\xef\xbb\xbflog(1)\n");
    expect_layout("let a = 1 + \\\n  2\n", "let a = 1 + \\\n  2\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_strings_byte_exact),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

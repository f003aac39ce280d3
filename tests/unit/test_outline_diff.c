/* tests/unit/test_outline_diff.c — compiler/outline_diff.h: texts without their layout (what
 * `runbook fmt` may change is not a difference, what a literal holds always is), and the
 * changes between two outlines built from sources in memory (the corpus of whole runbooks is
 * tests/diff/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler/outline_diff.h"

static void norm_is(const char *in, const char *want) {
    char *got = rbk_odiff_norm(in);
    assert_string_equal(got, want);
    free(got);
}

static void test_norm(void **state) {
    (void)state;
    norm_is("a  ==  1", "a==1");
    norm_is("not   ready and x", "not ready and x");
    norm_is("f( a,\n   b, # why\n )", "f(a,b)");
    norm_is("{a: 1, b: [1, 2,],\n}", "{a:1,b:[1,2]}");
    norm_is("x == \"a  # b,}\"", "x==\"a  # b,}\"");          /* a literal keeps its bytes */
    norm_is("x == 'it\\'s  so'", "x=='it\\'s  so'");
    norm_is("f(\"\"\"\n  a  ,\n\"\"\")", "f(\"\"\"\n  a  ,\n\"\"\")");
    norm_is("s == \"a\\\"  b\"", "s==\"a\\\"  b\"");
    norm_is("", "");
    assert_null(rbk_odiff_norm(NULL));
}

/* The outline of src (o owns everything). */
static void outline(rbk_outline *o, const char *src) {
    rbk_outline_init(o, "t.rb", 0);
    o->sources = rbk_xcalloc(1, sizeof *o->sources);
    o->diags = rbk_xcalloc(1, sizeof *o->diags);
    rbk_diags_init(o->diags, o->sources);
    rbk_compiler *c = rbk_compile_text("t.rb", src, strlen(src), o->sources, o->diags);
    assert_int_equal(o->diags->nerrors, 0);
    assert_int_equal(rbk_outline_build(o, c), 0);
}

static const char *kinds(const rbk_odiff *d, char *buf, size_t n) {
    buf[0] = 0;
    for (int i = 0; i < d->n; i++) {
        strncat(buf, d->v[i].kind, n - strlen(buf) - 1);
        strncat(buf, d->v[i].danger ? "! " : " ", n - strlen(buf) - 1);
    }
    return buf;
}

static void diff_is(const char *a, const char *b, const char *want) {
    rbk_outline x, y;
    outline(&x, a);
    outline(&y, b);
    rbk_odiff d;
    rbk_outline_diff(&x, &y, &d);
    char buf[1024];
    assert_string_equal(kinds(&d, buf, sizeof buf), want);
    rbk_odiff_free(&d);
    rbk_outline_free(&x);
    rbk_outline_free(&y);
}

static void test_changes(void **state) {
    (void)state;
    const char *a = "step \"a\" {\n  expect 1 == 1\n  sh(\"x\", read_only: true)\n}\n"
                    "step \"b\" {\n  confirm(\"go?\")\n}\n"
                    "step \"c\" {\n  sh(\"drop\")\n} irreversible \"gone\"\n";
    diff_is(a, a, "");
    /* layout and comments */
    diff_is(a, "# hi\nstep \"a\" {\n  expect 1==1   # same\n  sh(\"x\",read_only:true)\n}\n"
               "step \"b\" { confirm(\"go?\") }\nstep \"c\" {\n  sh(\"drop\")\n}\nirreversible \"gone\"\n", "");
    /* a renamed step; a check removed; the gate after the point of no return */
    diff_is(a, "step \"A\" {\n  expect 1 == 1\n  sh(\"x\", read_only: true)\n}\n"
               "step \"b\" {\n  confirm(\"go?\")\n}\nstep \"c\" {\n  sh(\"drop\")\n} irreversible \"gone\"\n", "step-renamed ");
    diff_is(a, "step \"a\" {\n  sh(\"x\", read_only: true)\n}\nstep \"b\" {\n  confirm(\"go?\")\n}\n"
               "step \"c\" {\n  sh(\"drop\")\n} irreversible \"gone\"\n", "check-removed! ");
    diff_is(a, "step \"a\" {\n  expect 1 == 1\n  sh(\"x\", read_only: true)\n}\n"
               "step \"c\" {\n  sh(\"drop\")\n} irreversible \"gone\"\nstep \"b\" {\n  confirm(\"go?\")\n}\n",
            "step-moved gate-after-pnr! ");
    /* a step with a rollback block moved before the point of no return */
    diff_is("step \"x\" {\n  sh(\"drop\")\n} irreversible \"gone\"\n"
            "step \"y\" {\n  sh(\"add\")\n} rollback {\n  sh(\"remove\")\n}\n",
            "step \"y\" {\n  sh(\"add\")\n} rollback {\n  sh(\"remove\")\n}\n"
            "step \"x\" {\n  sh(\"drop\")\n} irreversible \"gone\"\n",
            "step-before-pnr! step-moved ");
    /* the point of no return moved earlier */
    diff_is(a, "step \"a\" {\n  expect 1 == 1\n  sh(\"x\", read_only: true)\n} irreversible \"now\"\n"
               "step \"b\" {\n  confirm(\"go?\")\n}\nstep \"c\" {\n  sh(\"drop\")\n} irreversible \"gone\"\n",
            "pnr-earlier! irreversible-added! gate-after-pnr! ");
}

/* The kind of the one change from a to b, steps holding the given check. */
static void check_change(const char *a, const char *b, const char *want) {
    char x[256], y[256];
    snprintf(x, sizeof x, "step \"s\" {\n  let v = 3\n  %s\n}\n", a);
    snprintf(y, sizeof y, "step \"s\" {\n  let v = 3\n  %s\n}\n", b);
    diff_is(x, y, want);
}

static void test_weakened(void **state) {
    (void)state;
    check_change("expect v > 1 and v < 9", "expect v > 1", "check-weakened! ");
    check_change("expect v > 1", "expect v > 1 or v == 0", "check-weakened! ");
    check_change("expect v >= 2", "expect v >= 1", "check-weakened! ");
    check_change("expect v <= 5", "expect v <= 7", "check-weakened! ");
    check_change("expect v >= 1", "expect v >= 2", "check-changed! ");   /* stricter: still for a human */
    check_change("expect v == 1", "expect v == 2", "check-changed! ");
    check_change("stop-if v > 1 or v < 0", "stop-if v > 1", "check-weakened! ");
    check_change("stop-if v > 5", "stop-if v > 8", "check-weakened! ");
    check_change("stop-if v > 5", "stop-if v > 5 and v < 7", "check-weakened! ");
    check_change("stop-if v > 5", "stop-if v > 2", "check-changed! ");
    check_change("expect v > 1, \"a\"", "expect v > 1, \"b\"", "check-message ");
    check_change("expect v > 1", "expect v  >  1   # layout", "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norm),
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_weakened),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

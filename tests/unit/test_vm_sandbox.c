/* tests/unit/test_vm_sandbox.c — the VM's sandbox options (vm/vm.h: no_natives, max_ticks),
 * which tests/fuzz/fuzz_load.c runs every unit the loader accepts with, and the polls they rely
 * on: a native call fails as an ordinary runtime error (the file sh would write is never
 * created; rollback runs as after any failure); an endless loop ends at the tick budget, which
 * no `within` catches; `within`, `watch` and `retry ... every` do not sleep; and a call tree
 * without any loop polls for the interrupt flag too (CALL_FN, in every run); and no list or
 * map nests deeper than RBK_MAX_NESTING (vm/value.h), which would crash freeing or printing
 * it. The runbooks are compiled by the real compiler, written and loaded as a .rbc would be. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "compiler/compiler.h"
#include "compiler/diag.h"
#include "support/clock.h"
#include "support/sbuf.h"
#include "vm/bytecode.h"
#include "vm/vm.h"

static rbk_unit *compile(const char *src) {
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *c = rbk_compile_text("sandbox.rb", src, strlen(src), &sources, &diags);
    assert_non_null(c);
    if (diags.nerrors) {
        rbk_sbuf r = RBK_SBUF_INIT;
        rbk_diags_render(&diags, RBK_FMT_TEXT, 0, &r);
        print_error("%s", rbk_sbuf_cstr(&r));
        rbk_sbuf_free(&r);
    }
    assert_int_equal(diags.nerrors, 0);
    rbk_unit *u = rbk_codegen(c);
    assert_non_null(u);
    rbk_compiler_free(c);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_bc_write(u, &b);
    rbk_unit_free(u);
    char *err = NULL;
    rbk_unit *l = rbk_bc_load((const uint8_t *)b.data, b.len, &err);
    if (!l) print_error("%s\n", err);
    assert_non_null(l);
    rbk_sbuf_free(&b);
    return l;
}

/* what the run emitted: one line per event, "kind status text" */
typedef struct seen {
    rbk_sbuf log;
    int retries, polls;
} seen;
static void sink(void *ctx, const rbk_event *ev) {
    seen *s = ctx;
    rbk_sbuf_printf(&s->log, "%s %s %s\n", rbk_event_kind_name(ev->kind), ev->status ? ev->status : "-",
                    ev->text ? ev->text : "-");
    if (ev->kind == RBK_EV_STEP_RETRY) s->retries++;
    if (ev->kind == RBK_EV_POLL) s->polls++;
}

/* Runs src with opts (o may be NULL: the sandbox); returns the exit code, the events in *s. */
static int run(const char *src, const rbk_run_opts *o, seen *s) {
    rbk_run_opts def;
    memset(&def, 0, sizeof def);
    def.no_natives = 1;
    def.max_ticks = 1000;
    rbk_vm *vm = rbk_vm_new(compile(src), o ? o : &def);
    rbk_sbuf problems = RBK_SBUF_INIT;
    assert_int_equal(rbk_vm_preflight(vm, &problems), 0);
    rbk_sbuf_free(&problems);
    memset(s, 0, sizeof *s);
    rbk_vm_add_sink(vm, sink, s);
    int code = rbk_vm_run(vm);
    rbk_vm_free(vm);
    return code;
}
static void expect_in(seen *s, const char *want) {
    if (!strstr(rbk_sbuf_cstr(&s->log), want)) print_error("events:\n%s\nwanted: %s\n", rbk_sbuf_cstr(&s->log), want);
    assert_non_null(strstr(rbk_sbuf_cstr(&s->log), want));
}

static void test_natives_disabled(void **st) {
    (void)st;
    char path[64], src[512];
    snprintf(path, sizeof path, "/tmp/rbk-sandbox-%d", (int)getpid());
    unlink(path);
    snprintf(src, sizeof src,
             "runbook \"sandbox\"\n"
             "step \"first\" {\n  let x = 1\n} rollback {\n  let y = 2\n}\n"
             "step \"write\" {\n  sh(\"touch %s\")\n}\n", path);
    seen s;
    int code = run(src, NULL, &s);
    expect_in(&s, "fail error native calls are disabled (sh was not called)");
    expect_in(&s, "rollback_end ok"); /* the ordinary course after a failure */
    assert_int_equal(code, 1);
    assert_int_not_equal(access(path, F_OK), 0); /* nothing ran */
    rbk_sbuf_free(&s.log);
    /* --dry-run shows the write as skipped, as always; a read would be refused */
    rbk_run_opts o;
    memset(&o, 0, sizeof o);
    o.no_natives = 1;
    o.dry_run = 1;
    code = run(src, &o, &s);
    expect_in(&s, "effect_end skipped");
    assert_int_equal(code, 0);
    assert_int_not_equal(access(path, F_OK), 0);
    rbk_sbuf_free(&s.log);
}

static void test_budget_ends_a_loop(void **st) {
    (void)st;
    seen s;
    int code = run("runbook \"spin\"\n"
                   "step \"spin\" {\n  let s = 0\n  for i in 1..2000000000 {\n    s = (s + i) % 7\n  }\n}\n",
                   NULL, &s);
    expect_in(&s, "the run's work budget (1000 ticks) is spent");
    assert_int_equal(code, 1);
    rbk_sbuf_free(&s.log);
}

/* the budget's error in a `within` condition is not caught (no poll round follows it) */
static void test_budget_not_caught(void **st) {
    (void)st;
    seen s;
    int code = run("runbook \"spin\"\n"
                   "fn spin() {\n  let s = 0\n  for i in 1..2000000000 {\n    s = (s + i) % 7\n  }\n  return s == 99\n}\n"
                   "step \"poll\" {\n  expect spin() within 1h every 1s\n}\n",
                   NULL, &s);
    expect_in(&s, "the run's work budget (1000 ticks) is spent");
    assert_int_equal(s.polls, 0);
    assert_int_equal(code, 1);
    rbk_sbuf_free(&s.log);
}

/* within, watch and retry-every would wait for hours: a sandboxed run does not sleep */
static void test_no_sleep(void **st) {
    (void)st;
    seen s;
    int code = run("runbook \"waits\"\n"
                   "let n = 0\n"
                   "step \"watch\" {\n  watch 2h every 30m {\n    n = n + 1\n  }\n}\n",
                   NULL, &s);
    expect_in(&s, "the run's work budget (1000 ticks) is spent");
    assert_int_equal(code, 1);
    rbk_sbuf_free(&s.log);
    code = run("runbook \"waits\"\n"
               "let n = 0\n"
               "step \"poll\" {\n  expect n == 1 within 2h every 30m\n}\n",
               NULL, &s);
    expect_in(&s, "the run's work budget (1000 ticks) is spent");
    assert_true(s.polls > 900);
    assert_int_equal(code, 1);
    rbk_sbuf_free(&s.log);
    code = run("runbook \"waits\"\n"
               "let n = 0\n"
               "step \"retry\" retry 3 every 2h {\n  expect n == 1\n}\n",
               NULL, &s);
    assert_int_equal(s.retries, 3);
    expect_in(&s, "step_end failed");
    assert_int_equal(code, 1);
    rbk_sbuf_free(&s.log);
    /* no wall-clock assertion: a sleeping run would take hours, past the unit tests' ctest
     * TIMEOUT (tests/CMakeLists.txt), and fail there */
}

/* 2^13 calls and not one loop: the interpreter still sees the interrupt (any run, not only a
 * sandboxed one: this one has neither option) */
static void test_calls_poll(void **st) {
    (void)st;
    rbk_sbuf src = RBK_SBUF_INIT;
    rbk_sbuf_adds(&src, "runbook \"calls\"\nfn f0() {\n  return 1\n}\n");
    for (int i = 1; i <= 13; i++) rbk_sbuf_printf(&src, "fn f%d() {\n  return f%d() + f%d()\n}\n", i, i - 1, i - 1);
    rbk_sbuf_adds(&src, "step \"tree\" {\n  let n = f13()\n}\n");
    volatile sig_atomic_t flag = 0;
    rbk_run_opts o;
    memset(&o, 0, sizeof o);
    o.interrupted = &flag;
    seen s;
    assert_int_equal(run(rbk_sbuf_cstr(&src), &o, &s), 0); /* the tree itself is fine */
    rbk_sbuf_free(&s.log);
    flag = SIGTERM;
    assert_int_equal(run(rbk_sbuf_cstr(&src), &o, &s), 4);
    expect_in(&s, "step_end interrupted");
    rbk_sbuf_free(&s.log);
    rbk_sbuf_free(&src);
}

/* `l = [l]` in a loop: freeing or printing a million levels would overflow the C stack, so a
 * list or map nests at most RBK_MAX_NESTING levels (any run) */
static void test_nesting_limit(void **st) {
    (void)st;
    rbk_run_opts o;
    memset(&o, 0, sizeof o);
    seen s;
    char src[256];
    const char *fmt = "runbook \"deep\"\nstep \"nest\" {\n  let l = []\n  for i in 1..%d {\n    l = [l]\n  }\n"
                      "  let m = {a: l}\n}\n";
    snprintf(src, sizeof src, fmt, RBK_MAX_NESTING - 2); /* [] is one level; the map one more */
    assert_int_equal(run(src, &o, &s), 0);
    rbk_sbuf_free(&s.log);
    snprintf(src, sizeof src, fmt, RBK_MAX_NESTING - 1); /* the map is one too many */
    assert_int_equal(run(src, &o, &s), 1);
    expect_in(&s, "a list or map cannot nest more than 1000 levels deep");
    rbk_sbuf_free(&s.log);
    snprintf(src, sizeof src, fmt, 1000000);
    assert_int_equal(run(src, &o, &s), 1);
    expect_in(&s, "a list or map cannot nest more than 1000 levels deep");
    rbk_sbuf_free(&s.log);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_natives_disabled),
        cmocka_unit_test(test_budget_ends_a_loop),
        cmocka_unit_test(test_budget_not_caught),
        cmocka_unit_test(test_no_sleep),
        cmocka_unit_test(test_calls_poll),
        cmocka_unit_test(test_nesting_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/report/test_report.c — the report model of cli/report.c fed with events by hand, for
 * what a real run cannot produce on demand: a run with no end event, the per-text limit at N
 * and N+1 bytes, the per-step item limit at N and N+1, every control character and invalid
 * UTF-8, markup in names, a report closed without events (nothing written) and bad paths, and
 * the interleaved events of instances of a per-item step that run at once.
 * Files go to a fresh temporary directory. The snapshots of whole runs are in run_reports.py. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/report.h"
#include "support/mask.h"
#include "support/sbuf.h"

typedef struct fx {
    char dir[64];
    rbk_unit *u;
    rbk_sbuf path;
} fx;

/* A unit with a title, one source and steps named by `names` (NULL-terminated). */
static rbk_unit *mk_unit(const char *const *names) {
    rbk_unit *u = rbk_xcalloc(1, sizeof *u);
    uint32_t n = 0;
    while (names[n]) n++;
    u->nconsts = n + 2;
    u->consts = rbk_xcalloc(u->nconsts, sizeof *u->consts);
    u->consts[0].kind = RBK_K_STRING;
    u->consts[0].v = rbk_str_cstr("A \"title\" <&>");
    u->consts[1].kind = RBK_K_STRING;
    u->consts[1].v = rbk_str_cstr("t.rb");
    u->title = 0;
    u->nsources = 1;
    u->sources = rbk_xcalloc(1, sizeof *u->sources);
    u->sources[0].path = 1;
    u->sources[0].text = RBK_NONE;
    u->nsteps = n;
    u->steps = rbk_xcalloc(n ? n : 1, sizeof *u->steps);
    for (uint32_t i = 0; i < n; i++) {
        u->consts[i + 2].kind = RBK_K_STRING;
        u->consts[i + 2].v = rbk_str_cstr(names[i]);
        u->steps[i].name = i + 2;
        u->steps[i].section = RBK_NONE;
    }
    return u;
}

static int setup(void **st) {
    fx *f = rbk_xcalloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/rbk-report-unit-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    static const char *const names[] = {"first \"<&>\" | `step`", "second", NULL};
    f->u = mk_unit(names);
    *st = f;
    return 0;
}
static int teardown(void **st) {
    fx *f = *st;
    rbk_sbuf cmd = RBK_SBUF_INIT;
    rbk_sbuf_printf(&cmd, "rm -rf '%s'", f->dir);
    if (system(rbk_sbuf_cstr(&cmd))) fprintf(stderr, "could not remove %s\n", f->dir);
    rbk_sbuf_free(&cmd);
    rbk_sbuf_free(&f->path);
    rbk_unit_free(f->u);
    free(f);
    return 0;
}

static const char *at(fx *f, const char *name) {
    rbk_sbuf_reset(&f->path);
    rbk_sbuf_printf(&f->path, "%s/%s", f->dir, name);
    return rbk_sbuf_cstr(&f->path);
}

static char *slurp(const char *path) {
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    rbk_sbuf b = RBK_SBUF_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) rbk_sbuf_add(&b, buf, n);
    fclose(fp);
    return rbk_sbuf_detach(&b);
}

static rbk_event ev(rbk_event_kind k, int step) {
    rbk_event e;
    memset(&e, 0, sizeof e);
    e.kind = k;
    e.step = step;
    e.attempt = 1;
    e.wall_ms = 1700000000000;
    return e;
}
static void send(rbk_report *r, rbk_event e) { rbk_report_sink(r, &e); }

static void start_run(rbk_report *r) {
    send(r, ev(RBK_EV_RUN_START, -1));
    send(r, ev(RBK_EV_STEP_START, 0));
}
static void end_run(rbk_report *r, int code, const char *status) {
    rbk_event e = ev(RBK_EV_RUN_END, -1);
    e.code = code;
    e.status = status;
    send(r, e);
}

/* Opens path, lets fill() send events, closes with the registry m (may be NULL); returns the
 * file's text (caller frees). */
static char *render_masked(fx *f, const char *name, void (*fill)(rbk_report *), const rbk_mask *m) {
    char *err = NULL;
    rbk_report *r = rbk_report_open(at(f, name), f->u, "t.rb", &err);
    assert_non_null(r);
    fill(r);
    assert_int_equal(rbk_report_close(r, m, &err), 0);
    return slurp(at(f, name));
}
static char *render(fx *f, const char *name, void (*fill)(rbk_report *)) {
    return render_masked(f, name, fill, NULL);
}

static void test_no_events_writes_nothing(void **st) {
    fx *f = *st;
    char *err = NULL;
    rbk_report *r = rbk_report_open(at(f, "none.md"), f->u, "t.rb", &err);
    assert_non_null(r);
    assert_int_equal(rbk_report_close(r, NULL, NULL), 0);
    assert_int_not_equal(access(at(f, "none.md"), F_OK), 0);
    assert_int_equal(rbk_report_close(NULL, NULL, NULL), 0);
}

static void test_bad_paths(void **st) {
    fx *f = *st;
    char *err = NULL;
    assert_null(rbk_report_open(at(f, "r.txt"), f->u, "t.rb", &err));
    assert_non_null(strstr(err, ".md (Markdown), .json or .xml (JUnit)"));
    free(err);
    err = NULL;
    assert_null(rbk_report_open(at(f, "md"), f->u, "t.rb", &err)); /* no extension */
    free(err);
    err = NULL;
    assert_null(rbk_report_open(at(f, "missing/r.json"), f->u, "t.rb", &err));
    assert_non_null(strstr(err, "missing"));
    free(err);
    err = NULL;
    rbk_report *r = rbk_report_open(at(f, "UPPER.XML"), f->u, "t.rb", &err); /* case does not matter */
    assert_non_null(r);
    assert_int_equal(rbk_report_close(r, NULL, NULL), 0);
}

static void fill_unfinished(rbk_report *r) { start_run(r); }

static void test_no_end_event(void **st) {
    fx *f = *st;
    char *j = render(f, "u.json", fill_unfinished);
    assert_non_null(strstr(j, "\"verdict\": \"NO-GO\""));
    assert_non_null(strstr(j, "\"exit_code\": null"));
    assert_non_null(strstr(j, "\"outcome\": \"unfinished\""));
    assert_non_null(strstr(j, "\"status\": \"unfinished\""));
    assert_non_null(strstr(j, "\"status\": \"not run\""));
    free(j);
    char *m = render(f, "u.md", fill_unfinished);
    assert_non_null(strstr(m, "**NO-GO** — the run did not finish: no end of the run was recorded."));
    assert_non_null(strstr(m, "(no end recorded)"));
    free(m);
    char *x = render(f, "u.xml", fill_unfinished);
    assert_non_null(strstr(x, "tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"1\""));
    free(x);
}

/* An effect whose stdout is exactly `n` bytes of 'a'. */
static size_t g_out_len;
static void fill_output(rbk_report *r) {
    start_run(r);
    rbk_event s = ev(RBK_EV_EFFECT_START, 0);
    s.effect = "sh";
    s.target = "cat big";
    s.effect_id = 7;
    send(r, s);
    char *out = rbk_xcalloc(1, g_out_len + 1);
    memset(out, 'a', g_out_len);
    rbk_event e = ev(RBK_EV_EFFECT_END, 0);
    e.effect_id = 7;
    e.status = "ok";
    e.out = out;
    send(r, e);
    free(out);
    end_run(r, 0, "ok");
}

static void test_text_limit_at_n_and_n_plus_1(void **st) {
    fx *f = *st;
    g_out_len = 4096;
    char *j = render(f, "n.json", fill_output);
    assert_non_null(strstr(j, "\"bytes\": 4096,\n"));
    assert_non_null(strstr(j, "\"cut_bytes\": 0,"));
    assert_null(strstr(j, "bytes cut"));
    free(j);
    g_out_len = 4097;
    j = render(f, "n1.json", fill_output);
    assert_non_null(strstr(j, "\"bytes\": 4097,\n"));
    assert_non_null(strstr(j, "\"cut_bytes\": 1,"));
    assert_non_null(strstr(j, " [... 1 bytes cut ...] "));
    free(j);
}

static int g_nlogs;
static void fill_logs(rbk_report *r) {
    start_run(r);
    for (int i = 0; i < g_nlogs; i++) {
        rbk_event e = ev(RBK_EV_LOG, 0);
        e.text = "routine";
        send(r, e);
    }
    rbk_event e = ev(RBK_EV_FAIL, 0);
    e.status = "failed";
    e.text = "the failure after the limit";
    send(r, e);
    rbk_event end = ev(RBK_EV_STEP_END, 0);
    end.status = "failed";
    end.text = "the failure after the limit";
    send(r, end);
    end_run(r, 1, "failed");
}

static void test_item_limit_at_n_and_n_plus_1(void **st) {
    fx *f = *st;
    g_nlogs = 999; /* 999 logs + the error = 1000 items: all kept */
    char *j = render(f, "l.json", fill_logs);
    assert_non_null(strstr(j, "\"events_not_kept\": 0"));
    assert_non_null(strstr(j, "the failure after the limit"));
    free(j);
    g_nlogs = 1001; /* one routine item over the limit is counted; the error is still kept */
    j = render(f, "l1.json", fill_logs);
    assert_non_null(strstr(j, "\"events_not_kept\": 1"));
    assert_non_null(strstr(j, "\"message\": \"the failure after the limit\""));
    free(j);
    char *m = render(f, "l1.md", fill_logs);
    assert_non_null(strstr(m, "*1 more routine events (logs, passing checks, commands) were not kept.*"));
    free(m);
}

static void fill_hostile(rbk_report *r) {
    start_run(r);
    rbk_event e = ev(RBK_EV_LOG, 0);
    e.text = "esc\x1b[31m nul-free\x01 del\x7f bad\xff\xfe cr\r\n c1\xc2\x9b surrogate\xed\xa0\x80 bidi\xe2\x80\xae end";
    send(r, e);
    end_run(r, 0, "ok");
}

static void test_control_chars_and_bad_utf8(void **st) {
    fx *f = *st;
    const char *want = "esc\xe2\x90\x9b[31m nul-free\xe2\x90\x81 del\xe2\x90\xa1 bad\xef\xbf\xbd\xef\xbf\xbd cr\n c1\xef\xbf\xbd "
                       "surrogate\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd bidi\xef\xbf\xbd end";
    const char *names[] = {"s.json", "s.xml", "s.md"};
    for (int k = 0; k < 3; k++) {
        char *t = render(f, names[k], fill_hostile);
        for (const unsigned char *p = (const unsigned char *)t; *p; p++)
            assert_true(*p >= 0x20 || *p == '\n' || *p == '\t');
        if (k < 2) assert_non_null(strstr(t, k == 0 ? "esc\xe2\x90\x9b[31m nul-free\xe2\x90\x81 del\xe2\x90\xa1 bad\xef\xbf\xbd\xef\xbf\xbd cr\\n c1" : want));
        free(t);
    }
}

/* Texts recorded before their secret was known: a log line, and a command's output longer than
 * the text limit with the secret across the cut (bytes 2040-2059; the head ends at 2048). */
static void fill_late(rbk_report *r) {
    start_run(r);
    rbk_event e = ev(RBK_EV_LOG, 0);
    e.text = "the token: late-S3cret-9876ab!";
    send(r, e);
    rbk_event s = ev(RBK_EV_EFFECT_START, 0);
    s.effect_id = 1;
    s.effect = "sh";
    s.target = "print it";
    send(r, s);
    rbk_sbuf out = RBK_SBUF_INIT;
    for (int i = 0; i < 2040; i++) rbk_sbuf_addc(&out, 'x');
    rbk_sbuf_adds(&out, "late-S3cret-9876ab");
    for (int i = 0; i < 3000; i++) rbk_sbuf_addc(&out, 'y');
    rbk_event d = ev(RBK_EV_EFFECT_END, 0);
    d.effect_id = 1;
    d.status = "ok";
    d.out = out.data;
    send(r, d);
    rbk_sbuf_free(&out);
    end_run(r, 0, "ok");
}

static void test_masked_again_at_close(void **st) {
    fx *f = *st;
    const char *names[] = {"late.json", "late.xml", "late.md"};
    rbk_mask *m = rbk_mask_new();
    rbk_mask_add(m, "late-S3cret-9876ab", 18);
    for (int k = 0; k < 3; k++) {
        char *before = render(f, names[k], fill_late); /* no registry at close: as recorded */
        assert_non_null(strstr(before, "the token: late-S3cret-9876ab"));
        assert_non_null(strstr(before, "xxlate-S3"));
        free(before);
        char *t = render_masked(f, names[k], fill_late, m);
        assert_null(strstr(t, "late-S3"));
        assert_non_null(strstr(t, k == 2 ? "the token: \\*\\*\\*\\!" : "the token: ***!"));
        assert_non_null(strstr(t, "xx*** [... 962 bytes cut ...] yy"));
        free(t);
    }
    rbk_mask_free(m);
}

/* A text cannot forge the stored form's cut marker (0x01 L N 0x01). */
static void fill_forged_cut(rbk_report *r) {
    start_run(r);
    rbk_event e = ev(RBK_EV_LOG, 0);
    e.text = "a\x01L5\x01" "b \x01\x02 c\x01";
    send(r, e);
    end_run(r, 0, "ok");
}
static void test_forged_cut_marker(void **st) {
    fx *f = *st;
    char *t = render(f, "forged.json", fill_forged_cut);
    assert_non_null(strstr(t, "a\xe2\x90\x81" "L5\xe2\x90\x81" "b \xe2\x90\x81\xe2\x90\x82 c\xe2\x90\x81"));
    assert_null(strstr(t, "bytes cut"));
    free(t);
}

static void fill_ok(rbk_report *r) {
    start_run(r);
    rbk_event e = ev(RBK_EV_STEP_END, 0);
    e.status = "ok";
    send(r, e);
    end_run(r, 0, "ok");
}

static void test_markup_in_names(void **st) {
    fx *f = *st;
    char *x = render(f, "m.xml", fill_ok);
    assert_non_null(strstr(x, "<testsuites name=\"A &quot;title&quot; &lt;&amp;&gt;\""));
    assert_non_null(strstr(x, "name=\"first &quot;&lt;&amp;&gt;&quot; | `step`\""));
    free(x);
    char *m = render(f, "m.md", fill_ok);
    assert_non_null(strstr(m, "# Run report: A \"title\" \\<\\&\\>\n"));
    assert_non_null(strstr(m, "| 1 |  | first \"\\<\\&\\>\" \\| \\`step\\` | ok |"));
    free(m);
    char *j = render(f, "m.json", fill_ok);
    assert_non_null(strstr(j, "\"name\": \"first \\\"<&>\\\" | `step`\""));
    free(j);
}

/* --on-failure ask: step 1 fails, the operator chooses retry, it passes; step 2 was done
 * before a resume (an end without a start). */
static void fill_operator_retry(rbk_report *r) {
    start_run(r);
    rbk_event e = ev(RBK_EV_STEP_END, 0);
    e.status = "failed";
    e.text = "the first try failed";
    send(r, e);
    rbk_event g = ev(RBK_EV_GATE, 0);
    g.text = "Step failed. What now?";
    g.answer = "retry the step";
    g.who = "operator";
    send(r, g);
    rbk_event again = ev(RBK_EV_STEP_START, 0);
    again.attempt = 2;
    send(r, again);
    rbk_event ok = ev(RBK_EV_STEP_END, 0);
    ok.status = "ok";
    send(r, ok);
    rbk_event done = ev(RBK_EV_STEP_END, 1);
    done.status = "ok";
    done.text = "done before the resume (journal)";
    send(r, done);
    end_run(r, 0, "ok");
}

static void test_operator_retry_and_resumed_step(void **st) {
    fx *f = *st;
    char *j = render(f, "o.json", fill_operator_retry);
    assert_non_null(strstr(j, "\"attempts\": 2,"));
    assert_non_null(strstr(j, "\"type\": \"retry\",\n          \"attempt\": 2,"));
    assert_non_null(strstr(j, "\"text\": \"the first try failed\""));
    assert_non_null(strstr(j, "\"answer\": \"retry the step\""));
    assert_non_null(strstr(j, "\"ok\": 2,"));
    free(j);
    char *m = render(f, "o.md", fill_operator_retry);
    assert_non_null(strstr(m, "#### Attempt 1\n"));
    assert_non_null(strstr(m, "#### Attempt 2\n\nThe last attempt failed: the first try failed\n"));
    assert_non_null(strstr(m, "| 2 |  | second | ok: done before the resume (journal) | 0 | — |"));
    assert_non_null(strstr(m, "Not run in this run: done before the resume (journal)"));
    free(m);
}

/* A per-item step (step 0) with a batch of two instances whose events interleave, as those of
 * instances running at once do: each event goes to its instance, none to the step; "b" fails
 * beyond max_fail 0, the step fails, and its rollback runs around the instances' rollbacks. */
static void inst_ev(rbk_report *r, rbk_event_kind k, const char *inst, uint64_t id, const char *status, const char *text) {
    rbk_event e = ev(k, 0);
    e.instance = inst;
    e.effect_id = id;
    e.status = status;
    e.text = text;
    if (k == RBK_EV_EFFECT_START) { e.effect = "sh"; e.target = text; e.text = NULL; }
    if (k == RBK_EV_EFFECT_END) { e.out = text; e.text = NULL; e.code = !strcmp(status, "ok") ? 0 : 1; }
    send(r, e);
}
static void fill_instances(rbk_report *r) {
    start_run(r);
    rbk_event note = ev(RBK_EV_NOTE, 0);
    note.text = "2 instances (for n in LIST), 2 at a time, 0 failures tolerated";
    send(r, note);
    uint64_t A = (1ull << 32) + 1, B = (2ull << 32) + 1;
    inst_ev(r, RBK_EV_STEP_START, "Up a", 0, NULL, NULL);
    inst_ev(r, RBK_EV_STEP_START, "Up b", 0, NULL, NULL);
    inst_ev(r, RBK_EV_EFFECT_START, "Up b", B, NULL, "echo b");
    inst_ev(r, RBK_EV_EFFECT_START, "Up a", A, NULL, "echo a");
    inst_ev(r, RBK_EV_EFFECT_END, "Up b", B, "failed", "out of b\n");
    inst_ev(r, RBK_EV_EFFECT_END, "Up a", A, "ok", "out of a\n");
    inst_ev(r, RBK_EV_FAIL, "Up b", 0, "error", "b broke");
    inst_ev(r, RBK_EV_STEP_END, "Up a", 0, "ok", NULL);
    inst_ev(r, RBK_EV_STEP_END, "Up b", 0, "failed", "b broke");
    rbk_event end = ev(RBK_EV_STEP_END, 0);
    end.status = "failed";
    end.text = "1 of 2 instances failed (Up b), more than max_fail 0 allows";
    send(r, end);
    send(r, ev(RBK_EV_ROLLBACK_START, 0));
    inst_ev(r, RBK_EV_ROLLBACK_START, "Up b", 0, NULL, NULL);
    inst_ev(r, RBK_EV_EFFECT_START, "Up b", B + 1, NULL, "undo b");
    inst_ev(r, RBK_EV_EFFECT_END, "Up b", B + 1, "ok", "undone b\n");
    inst_ev(r, RBK_EV_ROLLBACK_END, "Up b", 0, "ok", NULL);
    inst_ev(r, RBK_EV_ROLLBACK_START, "Up a", 0, NULL, NULL);
    inst_ev(r, RBK_EV_FAIL, "Up a", 0, "error", "rollback: a stuck");
    inst_ev(r, RBK_EV_ROLLBACK_END, "Up a", 0, "failed", "a stuck");
    rbk_event rbe = ev(RBK_EV_ROLLBACK_END, 0);
    rbe.status = "failed";
    send(r, rbe);
    end_run(r, 3, "rollback-incomplete");
}

static void test_interleaved_instances(void **st) {
    fx *f = *st;
    f->u->steps[0].flags |= RBK_STEP_PER_ITEM;
    char *j = render(f, "i.json", fill_instances);
    /* the step keeps its own events only, and one attempt */
    assert_non_null(strstr(j, "\"attempts\": 1,\n      \"started\""));
    assert_non_null(strstr(j, "\"instances_summary\": \"2 instances: 1 ok, 1 failed (more than max_fail 0 allows)\""));
    const char *a = strstr(j, "\"name\": \"Up a\""), *b = strstr(j, "\"name\": \"Up b\"");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b); /* in the order they started */
    const char *step_events = strstr(j, "\"events\": [");
    assert_true(step_events < a);
    const char *echo = strstr(step_events, "\"target\": \"echo");
    assert_true(echo > a); /* no instance event in the step's list */
    /* each instance's command, with its own output, in its own list */
    const char *ea = strstr(a, "\"target\": \"echo a\""), *eb = strstr(b, "\"target\": \"echo b\"");
    assert_non_null(ea);
    assert_non_null(eb);
    assert_true(ea < b);
    assert_non_null(strstr(ea, "\"text\": \"out of a\\n\""));
    assert_true(strstr(ea, "\"text\": \"out of a\\n\"") < b);
    assert_non_null(strstr(b, "\"message\": \"b broke\""));
    assert_non_null(strstr(b, "\"instance\": \"Up b\""));
    assert_non_null(strstr(b, "\"target\": \"undo b\""));
    assert_non_null(strstr(j, "\"rollback_order\": [\n    {\n      \"step\": 1,\n      \"instance\": null,\n      \"status\": \"failed\"\n    },\n"
                              "    {\n      \"step\": 1,\n      \"instance\": \"Up b\",\n      \"status\": \"ok\"\n    },\n"
                              "    {\n      \"step\": 1,\n      \"instance\": \"Up a\",\n      \"status\": \"failed\"\n    }"));
    assert_non_null(strstr(j, "\"instances\": {\n      \"per_item_steps\": 1,\n      \"total\": 2,\n      \"ok\": 1,\n      \"failed\": 1,\n      \"tolerated\": 0,"));
    assert_non_null(strstr(j, "\"steps\": 2,\n    \"ok\": 0,\n    \"failed\": 1,")); /* instances are not steps */
    free(j);
    char *m = render(f, "i.md", fill_instances);
    assert_non_null(strstr(m, "| 1.1 |  | Up a | ok | 1 |"));
    assert_non_null(strstr(m, "| 1.2 |  | Up b | **FAILED** | 1 |"));
    assert_non_null(strstr(m, "#### 1.2. Up b — **FAILED**\n"));
    assert_non_null(strstr(m, "Rollback: **FAILED** — a stuck (under Rollback below)."));
    assert_non_null(strstr(m, "### Rollback of 1.1. Up a — **FAILED**"));
    assert_non_null(strstr(m, "Reason: step 1 \"first"));
    assert_non_null(strstr(m, "; instance \"Up b\" failed: b broke"));
    free(m);
    char *x = render(f, "i.xml", fill_instances);
    assert_non_null(strstr(x, "tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\""));
    assert_non_null(strstr(x, "name=\"Up b\" time=\"0.000\">\n      <failure message=\"failed: b broke\" type=\"failed\">"));
    assert_non_null(strstr(x, "instance Up b: failed — b broke\n"));
    free(x);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_events_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_end_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_limit_at_n_and_n_plus_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_item_limit_at_n_and_n_plus_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_chars_and_bad_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_masked_again_at_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_cut_marker, setup, teardown),
        cmocka_unit_test_setup_teardown(test_markup_in_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_retry_and_resumed_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interleaved_instances, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

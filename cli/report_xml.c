/* cli/report_xml.c — the JUnit XML evidence report (docs/reports.md): one testcase per step,
 * and one per instance of a per-item step,
 * for CI, rendered from the finished model (cli/report_int.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../support/clock.h"
#include "../vm/value.h"
#include "report_int.h"

/* Text is already free of characters XML 1.0 forbids (sanitize); this escapes markup. In an
 * attribute, newlines and tabs are written as references so they survive normalisation. */
static void xml_esc(rbk_sbuf *b, const char *s, int attr) {
    for (; *s; s++) {
        switch (*s) {
        case '&': rbk_sbuf_adds(b, "&amp;"); break;
        case '<': rbk_sbuf_adds(b, "&lt;"); break;
        case '>': rbk_sbuf_adds(b, "&gt;"); break;
        case '"': rbk_sbuf_adds(b, attr ? "&quot;" : "\""); break;
        case '\n': rbk_sbuf_adds(b, attr ? "&#10;" : "\n"); break;
        case '\t': rbk_sbuf_adds(b, attr ? "&#9;" : "\t"); break;
        default: rbk_sbuf_addc(b, *s);
        }
    }
}
static void xml_attr(rbk_sbuf *b, const char *name, const char *v) {
    rbk_sbuf_printf(b, " %s=\"", name);
    xml_esc(b, v ? v : "", 1);
    rbk_sbuf_addc(b, '"');
}
static void xml_secs(rbk_sbuf *b, const char *name, int64_t ms) {
    if (ms < 0) ms = 0;
    rbk_sbuf_printf(b, " %s=\"%" PRId64 ".%03d\"", name, ms / 1000, (int)(ms % 1000));
}
static void xml_prop(rbk_sbuf *b, const char *name, const char *v) {
    rbk_sbuf_adds(b, "      <property");
    xml_attr(b, "name", name);
    xml_attr(b, "value", v);
    rbk_sbuf_adds(b, "/>\n");
}

/* The details of a failed or stopped step, from its last attempt: the failing checks (with
 * their values), the commands that did not succeed, the errors not already said by a check. */
static void xml_problem_details(rbk_sbuf *t, const rp_list *l, int attempts) {
    for (int i = 0; i < l->n; i++) {
        const rp_item *it = &l->v[i];
        if (it->attempt != attempts) continue;
        int bad = (it->kind == RP_ERROR && !it->of_expect) ||
                  ((it->kind == RP_EXPECT || it->kind == RP_STOP_IF) && (!strcmp(it->status, "failed") || !strcmp(it->status, "stopped"))) ||
                  (it->kind == RP_EFFECT && it->ended && strcmp(it->status, "ok") && strcmp(it->status, "skipped"));
        if (bad) rp_item_text(t, it);
    }
}

static void xml_rollback_line(rbk_sbuf *t, const rbk_report *r, int rollback) {
    if (rollback < 0) return;
    const rp_rollback *rb = &r->rb[rollback];
    rbk_sbuf_printf(t, "rollback: %s%s%s\n", rb->status ? rb->status : "unfinished", rb->reason ? " — " : "", rb->reason ? rb->reason : "");
    rp_list_text(t, &rb->items);
}

static void xml_testcase(rbk_sbuf *b, const rbk_report *r, int i) {
    const rp_step *s = &r->steps[i];
    const char *st = rp_step_status(s);
    rbk_sbuf_adds(b, "    <testcase");
    xml_attr(b, "classname", s->section ? s->section : r->title ? r->title : r->runbook);
    xml_attr(b, "name", s->name);
    xml_secs(b, "time", s->status && s->started ? s->duration_ms : 0);
    rbk_sbuf_adds(b, ">\n");
    rbk_sbuf msg = RBK_SBUF_INIT, t = RBK_SBUF_INIT;
    rbk_sbuf_adds(&msg, st);
    if (s->reason && strcmp(s->reason, st)) rbk_sbuf_printf(&msg, ": %s", s->reason);
    if (!strcmp(st, "failed") || !strcmp(st, "stopped") || !strcmp(st, "interrupted") || !strcmp(st, "unfinished")) {
        const char *el = !strcmp(st, "failed") ? "failure" : "error";
        rbk_sbuf_printf(b, "      <%s", el);
        xml_attr(b, "message", rbk_sbuf_cstr(&msg));
        xml_attr(b, "type", st);
        rbk_sbuf_adds(b, ">");
        xml_problem_details(&t, &s->items, s->attempts);
        for (int k = 0; k < s->ninst; k++) { /* a per-item step: the instances that did not end ok (their testcases follow) */
            const rp_instance *in = &s->inst[k];
            const char *ist = rp_instance_status(in);
            if (!strcmp(ist, "ok") || !strcmp(ist, "skipped")) continue;
            rbk_sbuf_printf(&t, "instance %s: %s%s%s\n", in->name, ist, in->reason ? " — " : "", in->reason ? in->reason : "");
        }
        xml_esc(b, rbk_sbuf_cstr(&t), 0);
        rbk_sbuf_printf(b, "</%s>\n", el);
    } else if (!strcmp(st, "skipped") || !strcmp(st, "not run")) {
        if (!strcmp(st, "not run")) rbk_sbuf_adds(&msg, ": the run ended before this step");
        rbk_sbuf_adds(b, "      <skipped");
        xml_attr(b, "message", rbk_sbuf_cstr(&msg));
        rbk_sbuf_adds(b, "/>\n");
    }
    rbk_sbuf_reset(&t);
    rp_add_instances_summary(&t, r, i);
    if (t.len) rbk_sbuf_adds(&t, "\n");
    rp_list_text(&t, &s->items);
    xml_rollback_line(&t, r, s->rollback);
    if (t.len) {
        rbk_sbuf_adds(b, "      <system-out>");
        xml_esc(b, rbk_sbuf_cstr(&t), 0);
        rbk_sbuf_adds(b, "</system-out>\n");
    }
    rbk_sbuf_adds(b, "    </testcase>\n");
    rbk_sbuf_free(&msg);
    rbk_sbuf_free(&t);
}

/* An instance of a per-item step: a testcase of its own after its step's, named after the
 * instance. A failure within max_fail is a <failure type="tolerated">: it did fail, and the
 * run went on (the suite's verdict property says GO or NO-GO). */
static void xml_instance_case(rbk_sbuf *b, const rbk_report *r, int i, int k) {
    const rp_step *s = &r->steps[i];
    const rp_instance *in = &s->inst[k];
    const char *st = rp_instance_status(in);
    int tolerated = rp_instance_tolerated(s, in);
    rbk_sbuf_adds(b, "    <testcase");
    xml_attr(b, "classname", s->section ? s->section : r->title ? r->title : r->runbook);
    xml_attr(b, "name", in->name);
    xml_secs(b, "time", in->status && in->started ? in->duration_ms : 0);
    rbk_sbuf_adds(b, ">\n");
    rbk_sbuf msg = RBK_SBUF_INIT, t = RBK_SBUF_INIT;
    rbk_sbuf_adds(&msg, st);
    if (tolerated) rbk_sbuf_printf(&msg, " (tolerated by max_fail %s)", s->max_fail);
    if (in->reason && strcmp(in->reason, st)) rbk_sbuf_printf(&msg, ": %s", in->reason);
    if (!strcmp(st, "failed") || !strcmp(st, "stopped") || !strcmp(st, "interrupted") || !strcmp(st, "unfinished")) {
        const char *el = !strcmp(st, "failed") ? "failure" : "error";
        rbk_sbuf_printf(b, "      <%s", el);
        xml_attr(b, "message", rbk_sbuf_cstr(&msg));
        xml_attr(b, "type", tolerated ? "tolerated" : st);
        rbk_sbuf_adds(b, ">");
        xml_problem_details(&t, &in->items, in->attempts);
        xml_esc(b, rbk_sbuf_cstr(&t), 0);
        rbk_sbuf_printf(b, "</%s>\n", el);
    } else if (!strcmp(st, "skipped")) {
        rbk_sbuf_adds(b, "      <skipped");
        xml_attr(b, "message", rbk_sbuf_cstr(&msg));
        rbk_sbuf_adds(b, "/>\n");
    }
    rbk_sbuf_reset(&t);
    rbk_sbuf_printf(&t, "instance %d.%d of step %d \"%s\"\n", i + 1, k + 1, i + 1, s->name);
    rp_list_text(&t, &in->items);
    xml_rollback_line(&t, r, in->rollback);
    rbk_sbuf_adds(b, "      <system-out>");
    xml_esc(b, rbk_sbuf_cstr(&t), 0);
    rbk_sbuf_adds(b, "</system-out>\n");
    rbk_sbuf_adds(b, "    </testcase>\n");
    rbk_sbuf_free(&msg);
    rbk_sbuf_free(&t);
}

static void xml_properties(rbk_sbuf *b, const rbk_report *r) {
    rbk_sbuf v = RBK_SBUF_INIT;
    rbk_sbuf_adds(b, "    <properties>\n");
    xml_prop(b, "verdict", rp_verdict(r));
    rbk_sbuf_printf(&v, "%d", r->code);
    xml_prop(b, "exit_code", r->have_end ? rbk_sbuf_cstr(&v) : "");
    xml_prop(b, "outcome", rp_outcome(r));
    xml_prop(b, "meaning", rp_meaning(r));
    xml_prop(b, "dry_run", r->dry_run ? "true" : "false");
    rbk_sbuf_reset(&v);
    if (rp_add_rehearsal(&v, r)) xml_prop(b, "rehearsal", rbk_sbuf_cstr(&v)); /* --time-scale */
    if (r->dry_run) { /* the dry run's findings: checks verified, unverified, already failing */
        rp_counts c = rp_count_steps(r);
        rbk_sbuf_reset(&v);
        rbk_sbuf_printf(&v, "%d verified, %d unverified, %d failing", c.verified, c.unverified, c.failing);
        xml_prop(b, "dry_run_checks", rbk_sbuf_cstr(&v));
    }
    xml_prop(b, "runbook", r->runbook);
    xml_prop(b, "run_by", r->user);
    xml_prop(b, "artifact_sha256", r->artifact);
    for (int i = 0; i < r->nsources; i++) {
        rbk_sbuf_reset(&v);
        rbk_sbuf_printf(&v, "source_sha256:%s", r->src_path[i]);
        xml_prop(b, rbk_sbuf_cstr(&v), r->src_sha[i]);
    }
    rbk_sbuf_reset(&v);
    if (r->pnr >= 0) rbk_sbuf_printf(&v, "%d %s", r->pnr + 1, r->steps[r->pnr].name);
    xml_prop(b, "point_of_no_return", rbk_sbuf_cstr(&v));
    rbk_sbuf_adds(b, "    </properties>\n");
    rbk_sbuf_free(&v);
}

/* An error in top-level code fails the run without failing a step: it gets a testcase of its
 * own ("top-level code") so that CI shows the run as failed. */
static void xml_toplevel_case(rbk_sbuf *b, const rbk_report *r, const rp_item *e) {
    const char *el = !strcmp(e->status, "interrupted") ? "error" : "failure";
    rbk_sbuf t = RBK_SBUF_INIT;
    rbk_sbuf_adds(b, "    <testcase");
    xml_attr(b, "classname", r->title ? r->title : r->runbook);
    rbk_sbuf_adds(b, " name=\"top-level code\" time=\"0.000\">\n");
    rbk_sbuf_printf(b, "      <%s", el);
    xml_attr(b, "message", e->text);
    xml_attr(b, "type", e->status);
    rbk_sbuf_adds(b, ">");
    rp_item_text(&t, e);
    xml_esc(b, rbk_sbuf_cstr(&t), 0);
    rbk_sbuf_printf(b, "</%s>\n    </testcase>\n", el);
    rbk_sbuf_free(&t);
}

static void xml_counts(rbk_sbuf *b, const rbk_report *r) {
    rp_counts c = rp_count_steps(r);
    rp_icounts ic = rp_count_instances(r, -1); /* a testcase each */
    const rp_item *e = rp_outside_error(r);
    int top_fail = e && strcmp(e->status, "interrupted"), top_err = e && !top_fail;
    rbk_sbuf_printf(b, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\"", r->nsteps + ic.total + (e != NULL),
                    c.failed + ic.failed + top_fail, c.stopped + c.interrupted + c.unfinished + ic.stopped + ic.interrupted + ic.unfinished + top_err,
                    c.skipped + c.not_run + ic.skipped);
    xml_secs(b, "time", r->have_end ? r->duration_ms : 0);
}

void rbk_report_xml(rbk_sbuf *b, const rbk_report *r) {
    const char *name = r->title ? r->title : r->runbook;
    char ts[32] = "";
    if (r->have_start) rbk_rfc3339(r->start_wall, ts);
    rbk_sbuf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
    xml_attr(b, "name", name);
    xml_counts(b, r);
    rbk_sbuf_adds(b, ">\n  <testsuite");
    xml_attr(b, "name", name);
    xml_counts(b, r);
    xml_attr(b, "timestamp", ts);
    xml_attr(b, "hostname", r->host);
    rbk_sbuf_adds(b, ">\n");
    xml_properties(b, r);
    for (int i = 0; i < r->nsteps; i++) {
        xml_testcase(b, r, i);
        for (int k = 0; k < r->steps[i].ninst; k++) xml_instance_case(b, r, i, k);
    }
    if (rp_outside_error(r)) xml_toplevel_case(b, r, rp_outside_error(r));
    rbk_sbuf t = RBK_SBUF_INIT, why = RBK_SBUF_INIT;
    rbk_sbuf_printf(&t, "%s — ", rp_verdict(r));
    if (r->have_end) rbk_sbuf_printf(&t, "exit %d (%s): ", r->code, rp_outcome(r));
    rbk_sbuf_printf(&t, "%s\n", rp_meaning(r));
    if (rp_add_reason(&why, r)) rbk_sbuf_printf(&t, "reason: %s\n", rbk_sbuf_cstr(&why));
    rp_list_text(&t, &r->outside);
    for (int k = 0; k < r->nrb; k++) {
        if (r->rb[k].inst < 0)
            rbk_sbuf_printf(&t, "rollback %d: step %d %s: %s\n", k + 1, r->rb[k].step + 1, r->steps[r->rb[k].step].name,
                            r->rb[k].status ? r->rb[k].status : "unfinished");
        else
            rbk_sbuf_printf(&t, "rollback %d: instance %d.%d %s: %s\n", k + 1, r->rb[k].step + 1, r->rb[k].inst + 1,
                            r->steps[r->rb[k].step].inst[r->rb[k].inst].name, r->rb[k].status ? r->rb[k].status : "unfinished");
    }
    rbk_sbuf_adds(b, "    <system-out>");
    xml_esc(b, rbk_sbuf_cstr(&t), 0);
    rbk_sbuf_adds(b, "</system-out>\n  </testsuite>\n</testsuites>\n");
    rbk_sbuf_free(&t);
    rbk_sbuf_free(&why);
}

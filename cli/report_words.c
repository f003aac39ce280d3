/* cli/report_words.c — the wording the report formats share (cli/report_int.h): times and
 * durations, the verdict and what it means, step statuses and counts, why a run is NO-GO, and
 * an item as plain text (the JUnit body, the Markdown lines). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../support/clock.h"
#include "../vm/value.h"
#include "report_int.h"

void rp_add_time(rbk_sbuf *b, int64_t wall_ms) {
    char t[32];
    rbk_rfc3339(wall_ms, t);
    rbk_sbuf_adds(b, t);
}
void rp_add_dur(rbk_sbuf *b, int64_t ms) { rbk_duration_fmt(b, ms); }

/* "time scaled 1/60" for a rehearsal with --time-scale (1), nothing for a real run (0). */
int rp_add_rehearsal(rbk_sbuf *b, const rbk_report *r) {
    if (!(r->time_scale > 1)) return 0;
    rbk_sbuf_adds(b, "time scaled ");
    rbk_time_scale_fmt(b, r->time_scale);
    return 1;
}

const char *rp_verdict(const rbk_report *r) { return r->have_end && r->code == 0 ? "GO" : "NO-GO"; }
const char *rp_outcome(const rbk_report *r) {
    if (!r->have_end) return "unfinished";
    return r->end_status;
}
const char *rp_meaning(const rbk_report *r) {
    if (!r->have_end) return "the run did not finish: no end of the run was recorded";
    switch (r->code) {
    case 0: return r->dry_run ? "every step ended ok or skipped in a dry run: writes were shown, not done"
                              : "every step ended ok or skipped";
    case 1: return "a step (or top-level code) failed and the rollback completed";
    case 2: return "the run stopped on purpose: nothing else ran, nothing was rolled back";
    case 3: return "NOT FULLY RESTORED: a step (or top-level code) failed and a rollback failed or was not run";
    case 4: return "the run was interrupted by a signal; nothing after that point ran";
    default: return "the run ended with an error";
    }
}

/* The step's status word: its end status, "unfinished" when it started and never ended,
 * "not run" when it never started. */
const char *rp_step_status(const rp_step *s) {
    if (s->status) return s->status;
    return s->started ? "unfinished" : "not run";
}

static void count_checks(rp_counts *c, const rp_list *l) {
    for (int k = 0; k < l->n; k++) {
        const rp_item *it = &l->v[k];
        if (it->kind != RP_EXPECT && it->kind != RP_STOP_IF) continue;
        if (!strcmp(it->status, "unverified")) c->unverified++;
        else if (!strcmp(it->status, "failed") || !strcmp(it->status, "stopped")) c->failing++;
        else c->verified++;
    }
}

/* The steps by status (an instance is not a step: rp_count_instances counts them); the
 * checks of the steps and of their instances. */
rp_counts rp_count_steps(const rbk_report *r) {
    rp_counts c = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < r->nsteps; i++) {
        count_checks(&c, &r->steps[i].items);
        for (int k = 0; k < r->steps[i].ninst; k++) count_checks(&c, &r->steps[i].inst[k].items);
        const char *s = rp_step_status(&r->steps[i]);
        if (!strcmp(s, "ok")) c.ok++;
        else if (!strcmp(s, "failed")) c.failed++;
        else if (!strcmp(s, "stopped")) c.stopped++;
        else if (!strcmp(s, "skipped")) c.skipped++;
        else if (!strcmp(s, "interrupted")) c.interrupted++;
        else if (!strcmp(s, "not run")) c.not_run++;
        else c.unfinished++;
    }
    if (r->have_end) { /* the VM's counts also hold the dry run's excused failures (notes) */
        c.verified = r->checks_verified;
        c.unverified = r->checks_unverified;
        c.failing = r->checks_failing;
    }
    return c;
}

/* An instance's status word: its end status, else "unfinished" (no end was recorded). */
const char *rp_instance_status(const rp_instance *in) { return in->status ? in->status : "unfinished"; }

/* 1 when the instance failed and its step went on: the failure was within max_fail. */
int rp_instance_tolerated(const rp_step *s, const rp_instance *in) {
    return in->status && !strcmp(in->status, "failed") && s->status && (!strcmp(s->status, "ok") || !strcmp(s->status, "skipped"));
}

static void count_instance(rp_icounts *c, const rp_step *s, const rp_instance *in) {
    const char *st = rp_instance_status(in);
    c->total++;
    if (!strcmp(st, "ok")) c->ok++;
    else if (!strcmp(st, "failed")) { c->failed++; c->tolerated += rp_instance_tolerated(s, in); }
    else if (!strcmp(st, "stopped")) c->stopped++;
    else if (!strcmp(st, "skipped")) c->skipped++;
    else if (!strcmp(st, "interrupted")) c->interrupted++;
    else c->unfinished++;
}

rp_icounts rp_count_instances(const rbk_report *r, int step) {
    rp_icounts c;
    memset(&c, 0, sizeof c);
    for (int i = 0; i < r->nsteps; i++) {
        const rp_step *s = &r->steps[i];
        if ((step >= 0 && i != step) || !s->per_item) continue;
        c.per_item_steps++;
        for (int k = 0; k < s->ninst; k++) count_instance(&c, s, &s->inst[k]);
    }
    return c;
}

/* "4 instances: 3 ok, 1 failed (tolerated by max_fail 1)": the instances of a per-item step
 * that started or ended (one never started — after max_fail was exceeded, or after a stop —
 * has no event and is not counted). Nothing for a step that never started. */
void rp_add_instances_summary(rbk_sbuf *b, const rbk_report *r, int step) {
    const rp_step *s = &r->steps[step];
    if (!s->per_item || (!s->started && !s->ninst)) return;
    rp_icounts c = rp_count_instances(r, step);
    if (!c.total) { rbk_sbuf_adds(b, "no instances ran"); return; }
    rbk_sbuf_printf(b, "%d instance%s:", c.total, c.total == 1 ? "" : "s");
    const char *sep = " ";
    const struct { int n; const char *w; } parts[] = {{c.ok, "ok"}, {c.failed, "failed"}, {c.stopped, "stopped"}, {c.skipped, "skipped"},
                                                       {c.interrupted, "interrupted"}, {c.unfinished, "unfinished"}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].n) continue;
        rbk_sbuf_printf(b, "%s%d %s", sep, parts[i].n, parts[i].w);
        if (parts[i].w[0] == 'f' && s->max_fail) {
            if (c.tolerated) rbk_sbuf_printf(b, " (tolerated by max_fail %s)", s->max_fail);
            else if (s->status && !strcmp(s->status, "failed")) rbk_sbuf_printf(b, " (more than max_fail %s allows)", s->max_fail);
        }
        sep = ", ";
    }
}

/* Whose rollback it is: "2. Upgrade {n}" (a step), "2.3. Upgrade c" (an instance of it). */
void rp_add_rollback_name(rbk_sbuf *b, const rbk_report *r, const rp_rollback *rb) {
    const rp_step *s = &r->steps[rb->step];
    if (rb->inst < 0) rbk_sbuf_printf(b, "%d. %s", rb->step + 1, s->name);
    else rbk_sbuf_printf(b, "%d.%d. %s", rb->step + 1, rb->inst + 1, s->inst[rb->inst].name);
}

/* Why the run is NO-GO: the first step that did not end ok or skipped, else the first error
 * outside the steps. NULL when there is none. Appended to b. */
int rp_add_reason(rbk_sbuf *b, const rbk_report *r) {
    for (int i = 0; i < r->nsteps; i++) {
        const rp_step *s = &r->steps[i];
        const char *st = rp_step_status(s);
        if (!strcmp(st, "ok") || !strcmp(st, "skipped") || !strcmp(st, "not run")) continue;
        rbk_sbuf_printf(b, "step %d \"%s\" %s", i + 1, s->name, st);
        if (s->reason && strcmp(s->reason, st)) rbk_sbuf_printf(b, ": %s", s->reason);
        for (int k = 0; k < s->ninst; k++) { /* a per-item step: the first instance that did not end ok, and why */
            const rp_instance *in = &s->inst[k];
            const char *ist = rp_instance_status(in);
            if (!strcmp(ist, "ok") || !strcmp(ist, "skipped")) continue;
            rbk_sbuf_printf(b, "; instance \"%s\" %s", in->name, ist);
            if (in->reason && strcmp(in->reason, ist)) rbk_sbuf_printf(b, ": %s", in->reason);
            break;
        }
        return 1;
    }
    const rp_item *e = rp_outside_error(r);
    if (e) rbk_sbuf_printf(b, "outside the steps: %s", e->text ? e->text : "");
    return e != NULL;
}

/* A command's code as words: an exit code, an HTTP status, a row count. */
static void add_code(rbk_sbuf *b, const char *effect, int code) {
    if (!strcmp(effect, "sh") || !strcmp(effect, "exec")) rbk_sbuf_printf(b, "exit code %d", code);
    else if (!strcmp(effect, "http")) rbk_sbuf_printf(b, "HTTP %d", code);
    else if (!strcmp(effect, "sql")) rbk_sbuf_printf(b, "%d row%s", code, code == 1 ? "" : "s");
    else rbk_sbuf_printf(b, "code %d", code);
}

/* The item's one-line summary in plain text (the JUnit body and the Markdown lines share it). */
void rp_item_summary(rbk_sbuf *b, const rp_item *it) {
    rbk_sbuf d = RBK_SBUF_INIT;
    switch (it->kind) {
    case RP_EFFECT:
        if (!strcmp(it->effect, "dry-run")) { rbk_sbuf_adds(b, "not done (dry run)"); break; }
        if (!it->ended) { rbk_sbuf_adds(b, "no outcome recorded (the run ended during it)"); break; }
        rp_add_dur(&d, it->duration_ms);
        rbk_sbuf_printf(b, "%s, ", it->status);
        add_code(b, it->effect, it->code);
        rbk_sbuf_printf(b, ", %s", rbk_sbuf_cstr(&d));
        break;
    case RP_WAIT:
        rp_add_dur(b, it->duration_ms);
        if (it->text) rbk_sbuf_printf(b, " — %s", it->text);
        break;
    case RP_GATE:
        rbk_sbuf_printf(b, "answered %s by %s at ", it->answer, it->who);
        rp_add_time(b, it->wall_ms);
        if (it->asked_ms) { rbk_sbuf_adds(b, " (asked at "); rp_add_time(b, it->asked_ms); rbk_sbuf_addc(b, ')'); }
        break;
    default: break;
    }
    rbk_sbuf_free(&d);
}

const char *rp_kind_word(const rp_item *it) {
    static const char *w[] = {"expect", "stop-if", "effect", "log", "note", "wait", "gate", "error", "retry"};
    return it->kind == RP_EFFECT ? it->effect : w[it->kind];
}

/* An error event is a stop or an interruption when it says so, else an error (failed, timeout). */
const char *rp_error_word(const rp_item *it) {
    if (!strcmp(it->status, "stopped") || !strcmp(it->status, "interrupted")) return it->status;
    return "error";
}

void rp_add_caret(rbk_sbuf *b, const rp_item *it, const char *indent) {
    if (!it->file || !it->source_line) return;
    rbk_sbuf_printf(b, "%s%5d | %s\n%s      | ", indent, it->line, it->source_line, indent);
    for (int i = 1; i < it->col && it->source_line[i - 1]; i++) rbk_sbuf_addc(b, it->source_line[i - 1] == '\t' ? '\t' : ' ');
    rbk_sbuf_adds(b, "^\n");
}

/* Appends text with every line indented. */
static void add_indented(rbk_sbuf *b, const char *indent, const char *text) {
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        rbk_sbuf_adds(b, indent);
        rbk_sbuf_add(b, p, n);
        rbk_sbuf_addc(b, '\n');
        if (!nl) break;
        p = nl + 1;
    }
}

/* One item as plain text lines (JUnit bodies and system-out). */
void rp_item_text(rbk_sbuf *b, const rp_item *it) {
    switch (it->kind) {
    case RP_EXPECT:
    case RP_STOP_IF:
        rbk_sbuf_printf(b, "%s %s: %s", rp_kind_word(it), it->source, it->status);
        if (it->count > 1) rbk_sbuf_printf(b, " (%d evaluations)", it->count);
        if (it->file) rbk_sbuf_printf(b, " at %s:%d:%d", it->file, it->line, it->col);
        if (it->text) rbk_sbuf_printf(b, " — %s", it->text);
        rbk_sbuf_addc(b, '\n');
        for (int i = 0; i < it->nvalues; i++) {
            const rp_value *v = &it->values[i];
            if (v->error) rbk_sbuf_printf(b, "    %s = error: %s\n", v->expr, v->error);
            else rbk_sbuf_printf(b, "    %s = %s\n", v->expr, v->value ? v->value : "(not evaluated)");
        }
        break;
    case RP_EFFECT:
        rbk_sbuf_printf(b, "%s %s: ", it->effect, it->target);
        rp_item_summary(b, it);
        rbk_sbuf_addc(b, '\n');
        if (it->out.s) { rbk_sbuf_printf(b, "  stdout (%zu bytes):\n", it->out.bytes); add_indented(b, "    ", it->out.s); }
        if (it->err.s) { rbk_sbuf_printf(b, "  stderr (%zu bytes):\n", it->err.bytes); add_indented(b, "    ", it->err.s); }
        break;
    case RP_ERROR:
        rbk_sbuf_adds(b, rp_error_word(it));
        if (!strcmp(rp_error_word(it), "error")) rbk_sbuf_printf(b, " (%s)", it->status);
        if (it->file) rbk_sbuf_printf(b, " at %s:%d:%d", it->file, it->line, it->col);
        rbk_sbuf_printf(b, ": %s\n", it->text ? it->text : "");
        rp_add_caret(b, it, "  ");
        break;
    case RP_GATE:
        rbk_sbuf_printf(b, "gate \"%s\": ", it->text ? it->text : "");
        rp_item_summary(b, it);
        rbk_sbuf_addc(b, '\n');
        break;
    case RP_RETRY:
        rbk_sbuf_printf(b, "retry: attempt %d (the last attempt failed: %s)\n", it->attempt, it->text ? it->text : "?");
        break;
    case RP_WAIT:
        rbk_sbuf_adds(b, "wait ");
        rp_item_summary(b, it);
        rbk_sbuf_addc(b, '\n');
        break;
    default:
        rbk_sbuf_printf(b, "%s %s\n", rp_kind_word(it), it->text ? it->text : "");
        break;
    }
}

void rp_list_text(rbk_sbuf *b, const rp_list *l) {
    for (int i = 0; i < l->n; i++) rp_item_text(b, &l->v[i]);
    if (l->dropped) rbk_sbuf_printf(b, "(%d more routine events not kept)\n", l->dropped);
}

/* The first error outside the steps (top-level code), or NULL. */
const rp_item *rp_outside_error(const rbk_report *r) {
    for (int i = 0; i < r->outside.n; i++)
        if (r->outside.v[i].kind == RP_ERROR) return &r->outside.v[i];
    return NULL;
}

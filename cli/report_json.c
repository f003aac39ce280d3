/* cli/report_json.c — the JSON evidence report (docs/reports.md): the content of the Markdown
 * report in a stable key order, rendered from the finished model (cli/report_int.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../support/clock.h"
#include "../vm/value.h"
#include "../support/jsonw.h"
#include "report_int.h"

static void jw_time(rbk_jw *w, const char *k, int have, int64_t wall_ms) {
    char t[32];
    if (!have) { rbk_jw_null(w, k); return; }
    rbk_rfc3339(wall_ms, t);
    rbk_jw_str(w, k, t);
}

static void json_position(rbk_jw *w, const rp_item *it) {
    if (!it->file) { rbk_jw_null(w, "position"); return; }
    rbk_jw_key(w, "position");
    rbk_jw_open(w, NULL, '{');
    rbk_jw_str(w, "file", it->file);
    rbk_jw_int(w, "line", it->line);
    rbk_jw_int(w, "column", it->col);
    rbk_jw_str(w, "source_line", it->source_line);
    rbk_jw_close(w, '}');
}
static void json_stream(rbk_jw *w, const char *k, const rp_text *t) {
    if (!t->s) { rbk_jw_null(w, k); return; }
    rbk_jw_key(w, k);
    rbk_jw_open(w, NULL, '{');
    rbk_jw_int(w, "bytes", (int64_t)t->bytes);
    rbk_jw_int(w, "cut_bytes", (int64_t)t->cut);
    rbk_jw_str(w, "text", t->s);
    rbk_jw_close(w, '}');
}

static void json_item(rbk_jw *w, const rp_item *it) {
    static const char *type[] = {"expect", "stop_if", "effect", "log", "note", "wait", "gate", "error", "retry"};
    rbk_jw_open(w, NULL, '{');
    rbk_jw_str(w, "type", type[it->kind]);
    rbk_jw_int(w, "attempt", it->attempt);
    jw_time(w, "time", 1, it->wall_ms);
    switch (it->kind) {
    case RP_EXPECT:
    case RP_STOP_IF:
        rbk_jw_str(w, "status", it->status);
        rbk_jw_str(w, "source", it->source);
        rbk_jw_str(w, "message", it->text);
        json_position(w, it);
        rbk_jw_int(w, "evaluations", it->count);
        rbk_jw_key(w, "values");
        rbk_jw_open(w, NULL, '[');
        for (int i = 0; i < it->nvalues; i++) {
            rbk_jw_open(w, NULL, '{');
            rbk_jw_str(w, "expr", it->values[i].expr);
            rbk_jw_str(w, "value", it->values[i].value);
            rbk_jw_str(w, "error", it->values[i].error);
            rbk_jw_close(w, '}');
        }
        rbk_jw_close(w, ']');
        break;
    case RP_EFFECT:
        rbk_jw_str(w, "effect", it->effect);
        rbk_jw_str(w, "target", it->target);
        rbk_jw_bool(w, "done", strcmp(it->effect, "dry-run") != 0);
        rbk_jw_str(w, "status", it->ended ? it->status : NULL);
        if (it->ended) rbk_jw_int(w, "code", it->code); else rbk_jw_null(w, "code");
        if (it->ended) rbk_jw_int(w, "duration_ms", it->duration_ms); else rbk_jw_null(w, "duration_ms");
        json_stream(w, "stdout", &it->out);
        json_stream(w, "stderr", &it->err);
        break;
    case RP_ERROR:
        rbk_jw_str(w, "status", it->status);
        rbk_jw_str(w, "message", it->text);
        json_position(w, it);
        break;
    case RP_GATE:
        rbk_jw_str(w, "question", it->text);
        rbk_jw_str(w, "answer", it->answer);
        rbk_jw_str(w, "who", it->who);
        jw_time(w, "asked", it->asked_ms != 0, it->asked_ms);
        break;
    case RP_WAIT:
        rbk_jw_int(w, "duration_ms", it->duration_ms);
        rbk_jw_str(w, "text", it->text);
        break;
    default: /* log, note, retry */
        rbk_jw_str(w, "text", it->text);
        break;
    }
    rbk_jw_close(w, '}');
}

/* The list under key k, then k_not_kept: how many routine events were over the limit. */
static void json_list(rbk_jw *w, const char *k, const rp_list *l) {
    rbk_jw_key(w, k);
    rbk_jw_open(w, NULL, '[');
    for (int i = 0; i < l->n; i++) json_item(w, &l->v[i]);
    rbk_jw_close(w, ']');
    rbk_sbuf nk = RBK_SBUF_INIT;
    rbk_sbuf_printf(&nk, "%s_not_kept", k);
    rbk_jw_int(w, rbk_sbuf_cstr(&nk), l->dropped);
    rbk_sbuf_free(&nk);
}

static void json_header(rbk_jw *w, const rbk_report *r) {
    rbk_jw_str(w, "report", "runbook-run");
    rbk_jw_int(w, "version", 1);
    rbk_jw_str(w, "title", r->title);
    rbk_jw_str(w, "runbook", r->runbook);
    rbk_jw_str(w, "verdict", rp_verdict(r));
    if (r->have_end) rbk_jw_int(w, "exit_code", r->code); else rbk_jw_null(w, "exit_code");
    rbk_jw_str(w, "outcome", rp_outcome(r));
    rbk_jw_str(w, "meaning", rp_meaning(r));
    rbk_sbuf why = RBK_SBUF_INIT;
    rbk_jw_str(w, "reason", rp_add_reason(&why, r) ? rbk_sbuf_cstr(&why) : NULL);
    rbk_sbuf_free(&why);
    rbk_jw_bool(w, "dry_run", r->dry_run);
    rbk_sbuf reh = RBK_SBUF_INIT; /* --time-scale: "time scaled 1/60" (only in a rehearsal) */
    if (rp_add_rehearsal(&reh, r)) {
        rbk_jw_str(w, "rehearsal", rbk_sbuf_cstr(&reh));
        rbk_jw_num(w, "time_scale", r->time_scale);
    }
    rbk_sbuf_free(&reh);
    jw_time(w, "started", r->have_start, r->start_wall);
    jw_time(w, "ended", r->have_end, r->end_wall);
    if (r->have_end) rbk_jw_int(w, "duration_ms", r->duration_ms); else rbk_jw_null(w, "duration_ms");
    rbk_jw_str(w, "run_by", r->user);
    rbk_jw_str(w, "host", r->host);
    rbk_jw_str(w, "artifact_sha256", r->artifact);
    rbk_jw_key(w, "sources");
    rbk_jw_open(w, NULL, '[');
    for (int i = 0; i < r->nsources; i++) {
        rbk_jw_open(w, NULL, '{');
        rbk_jw_str(w, "path", r->src_path[i]);
        rbk_jw_str(w, "sha256", r->src_sha[i]);
        rbk_jw_close(w, '}');
    }
    rbk_jw_close(w, ']');
    rp_counts c = rp_count_steps(r);
    rbk_jw_key(w, "counts");
    rbk_jw_open(w, NULL, '{');
    rbk_jw_int(w, "steps", r->nsteps);
    rbk_jw_int(w, "ok", c.ok);
    rbk_jw_int(w, "failed", c.failed);
    rbk_jw_int(w, "stopped", c.stopped);
    rbk_jw_int(w, "skipped", c.skipped);
    rbk_jw_int(w, "interrupted", c.interrupted);
    rbk_jw_int(w, "unfinished", c.unfinished);
    rbk_jw_int(w, "not_run", c.not_run);
    rbk_jw_int(w, "unverified_checks", c.unverified);
    rbk_jw_int(w, "verified_checks", c.verified);
    rbk_jw_int(w, "failing_checks", c.failing);
    rp_icounts ic = rp_count_instances(r, -1); /* the instances of per-item steps: not steps */
    rbk_jw_key(w, "instances");
    rbk_jw_open(w, NULL, '{');
    rbk_jw_int(w, "per_item_steps", ic.per_item_steps);
    rbk_jw_int(w, "total", ic.total);
    rbk_jw_int(w, "ok", ic.ok);
    rbk_jw_int(w, "failed", ic.failed);
    rbk_jw_int(w, "tolerated", ic.tolerated);
    rbk_jw_int(w, "stopped", ic.stopped);
    rbk_jw_int(w, "skipped", ic.skipped);
    rbk_jw_int(w, "interrupted", ic.interrupted);
    rbk_jw_int(w, "unfinished", ic.unfinished);
    rbk_jw_close(w, '}');
    rbk_jw_close(w, '}');
}

static void json_rollback(rbk_jw *w, const rbk_report *r, const rp_rollback *rb) {
    rbk_jw_open(w, NULL, '{');
    rbk_jw_int(w, "step", rb->step + 1);
    rbk_jw_str(w, "name", r->steps[rb->step].name);
    rbk_jw_str(w, "instance", rb->inst >= 0 ? r->steps[rb->step].inst[rb->inst].name : NULL);
    rbk_jw_str(w, "status", rb->status ? rb->status : "unfinished");
    rbk_jw_str(w, "reason", rb->reason);
    rbk_jw_bool(w, "ran", rb->ran);
    jw_time(w, "started", rb->ran, rb->start_wall);
    if (rb->ran && rb->status) rbk_jw_int(w, "duration_ms", rb->duration_ms); else rbk_jw_null(w, "duration_ms");
    json_list(w, "events", &rb->items);
    rbk_jw_close(w, '}');
}

static void json_instance(rbk_jw *w, const rbk_report *r, const rp_step *s, int k) {
    const rp_instance *in = &s->inst[k];
    rbk_jw_open(w, NULL, '{');
    rbk_jw_int(w, "index", k + 1);
    rbk_jw_str(w, "name", in->name);
    rbk_jw_str(w, "status", rp_instance_status(in));
    rbk_jw_str(w, "reason", in->reason);
    rbk_jw_bool(w, "tolerated", rp_instance_tolerated(s, in));
    rbk_jw_int(w, "attempts", in->attempts);
    jw_time(w, "started", in->started, in->start_wall);
    jw_time(w, "ended", in->status != NULL, in->end_wall);
    if (in->status && in->started) rbk_jw_int(w, "duration_ms", in->duration_ms); else rbk_jw_null(w, "duration_ms");
    json_list(w, "events", &in->items);
    if (in->rollback >= 0) { rbk_jw_key(w, "rollback"); json_rollback(w, r, &r->rb[in->rollback]); }
    else rbk_jw_null(w, "rollback");
    rbk_jw_close(w, '}');
}

static void json_step(rbk_jw *w, const rbk_report *r, int i) {
    const rp_step *s = &r->steps[i];
    rbk_jw_open(w, NULL, '{');
    rbk_jw_int(w, "index", i + 1);
    rbk_jw_str(w, "name", s->name);
    rbk_jw_str(w, "section", s->section);
    rbk_jw_str(w, "status", rp_step_status(s));
    rbk_jw_str(w, "reason", s->reason);
    rbk_jw_int(w, "attempts", s->attempts);
    jw_time(w, "started", s->started, s->start_wall);
    jw_time(w, "ended", s->status != NULL, s->end_wall);
    if (s->status && s->started) rbk_jw_int(w, "duration_ms", s->duration_ms); else rbk_jw_null(w, "duration_ms");
    json_list(w, "events", &s->items);
    if (s->rollback >= 0) { rbk_jw_key(w, "rollback"); json_rollback(w, r, &r->rb[s->rollback]); }
    else rbk_jw_null(w, "rollback");
    rbk_jw_str(w, "max_fail", s->per_item ? s->max_fail : NULL);
    rbk_sbuf sum = RBK_SBUF_INIT;
    rp_add_instances_summary(&sum, r, i);
    rbk_jw_str(w, "instances_summary", sum.len ? rbk_sbuf_cstr(&sum) : NULL);
    rbk_sbuf_free(&sum);
    if (s->per_item) {
        rbk_jw_key(w, "instances");
        rbk_jw_open(w, NULL, '[');
        for (int k = 0; k < s->ninst; k++) json_instance(w, r, s, k);
        rbk_jw_close(w, ']');
    } else {
        rbk_jw_null(w, "instances");
    }
    rbk_jw_close(w, '}');
}

void rbk_report_json(rbk_sbuf *b, const rbk_report *r) {
    rbk_jw w;
    rbk_jw_init(&w, b, 1, rbk_sbuf_add_json_str);
    rbk_jw_open(&w, NULL, '{');
    json_header(&w, r);
    rbk_jw_key(&w, "steps");
    rbk_jw_open(&w, NULL, '[');
    for (int i = 0; i < r->nsteps; i++) json_step(&w, r, i);
    rbk_jw_close(&w, ']');
    json_list(&w, "outside_steps", &r->outside);
    rbk_jw_key(&w, "rollback_order");
    rbk_jw_open(&w, NULL, '[');
    for (int k = 0; k < r->nrb; k++) {
        rbk_jw_open(&w, NULL, '{');
        rbk_jw_int(&w, "step", r->rb[k].step + 1);
        rbk_jw_str(&w, "instance", r->rb[k].inst >= 0 ? r->steps[r->rb[k].step].inst[r->rb[k].inst].name : NULL);
        rbk_jw_str(&w, "status", r->rb[k].status ? r->rb[k].status : "unfinished");
        rbk_jw_close(&w, '}');
    }
    rbk_jw_close(&w, ']');
    if (r->pnr >= 0) {
        rbk_jw_key(&w, "point_of_no_return");
        rbk_jw_open(&w, NULL, '{');
        rbk_jw_int(&w, "step", r->pnr + 1);
        rbk_jw_str(&w, "name", r->steps[r->pnr].name);
        rbk_jw_str(&w, "reason", r->pnr_text);
        jw_time(&w, "time", 1, r->pnr_wall);
        rbk_jw_close(&w, '}');
    } else {
        rbk_jw_null(&w, "point_of_no_return");
    }
    rbk_jw_int(&w, "text_limit_bytes", RP_TEXT_LIMIT);
    rbk_jw_close(&w, '}');
    rbk_sbuf_addc(b, '\n');
}

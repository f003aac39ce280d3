/* cli/report_json.c — the JSON evidence report (docs/reports.md): the content of the Markdown
 * report in a stable key order, rendered from the finished model (cli/report_int.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../support/clock.h"
#include "../vm/value.h"
#include "report_int.h"

typedef struct jw {
    rbk_sbuf *b;
    int depth, after_key;
    int first[16];
} jw;

static void jw_nl(jw *w) {
    rbk_sbuf_addc(w->b, '\n');
    for (int i = 0; i < w->depth; i++) rbk_sbuf_adds(w->b, "  ");
}
static void jw_pre(jw *w) {
    if (w->after_key) { w->after_key = 0; return; }
    if (!w->depth) return;
    if (!w->first[w->depth]) rbk_sbuf_addc(w->b, ',');
    w->first[w->depth] = 0;
    jw_nl(w);
}
static void jw_open(jw *w, char c) {
    jw_pre(w);
    rbk_sbuf_addc(w->b, c);
    w->depth++;
    w->first[w->depth] = 1;
}
static void jw_close(jw *w, char c) {
    int empty = w->first[w->depth];
    w->depth--;
    if (!empty) jw_nl(w);
    rbk_sbuf_addc(w->b, c);
}
static void jw_key(jw *w, const char *k) {
    jw_pre(w);
    rbk_sbuf_add_json_str(w->b, k, strlen(k));
    rbk_sbuf_adds(w->b, ": ");
    w->after_key = 1;
}
static void jw_str(jw *w, const char *k, const char *s) {
    jw_key(w, k);
    jw_pre(w);
    if (s) rbk_sbuf_add_json_str(w->b, s, strlen(s));
    else rbk_sbuf_adds(w->b, "null");
}
static void jw_int(jw *w, const char *k, int64_t v) {
    jw_key(w, k);
    jw_pre(w);
    rbk_sbuf_printf(w->b, "%" PRId64, v);
}
static void jw_bool(jw *w, const char *k, int v) {
    jw_key(w, k);
    jw_pre(w);
    rbk_sbuf_adds(w->b, v ? "true" : "false");
}
static void jw_null(jw *w, const char *k) {
    jw_key(w, k);
    jw_pre(w);
    rbk_sbuf_adds(w->b, "null");
}
static void jw_time(jw *w, const char *k, int have, int64_t wall_ms) {
    char t[32];
    if (!have) { jw_null(w, k); return; }
    rbk_rfc3339(wall_ms, t);
    jw_str(w, k, t);
}

static void json_position(jw *w, const rp_item *it) {
    if (!it->file) { jw_null(w, "position"); return; }
    jw_key(w, "position");
    jw_open(w, '{');
    jw_str(w, "file", it->file);
    jw_int(w, "line", it->line);
    jw_int(w, "column", it->col);
    jw_str(w, "source_line", it->source_line);
    jw_close(w, '}');
}
static void json_stream(jw *w, const char *k, const rp_text *t) {
    if (!t->s) { jw_null(w, k); return; }
    jw_key(w, k);
    jw_open(w, '{');
    jw_int(w, "bytes", (int64_t)t->bytes);
    jw_int(w, "cut_bytes", (int64_t)t->cut);
    jw_str(w, "text", t->s);
    jw_close(w, '}');
}

static void json_item(jw *w, const rp_item *it) {
    static const char *type[] = {"expect", "stop_if", "effect", "log", "note", "wait", "gate", "error", "retry"};
    jw_open(w, '{');
    jw_str(w, "type", type[it->kind]);
    jw_int(w, "attempt", it->attempt);
    jw_time(w, "time", 1, it->wall_ms);
    switch (it->kind) {
    case RP_EXPECT:
    case RP_STOP_IF:
        jw_str(w, "status", it->status);
        jw_str(w, "source", it->source);
        jw_str(w, "message", it->text);
        json_position(w, it);
        jw_int(w, "evaluations", it->count);
        jw_key(w, "values");
        jw_open(w, '[');
        for (int i = 0; i < it->nvalues; i++) {
            jw_open(w, '{');
            jw_str(w, "expr", it->values[i].expr);
            jw_str(w, "value", it->values[i].value);
            jw_str(w, "error", it->values[i].error);
            jw_close(w, '}');
        }
        jw_close(w, ']');
        break;
    case RP_EFFECT:
        jw_str(w, "effect", it->effect);
        jw_str(w, "target", it->target);
        jw_bool(w, "done", strcmp(it->effect, "dry-run") != 0);
        jw_str(w, "status", it->ended ? it->status : NULL);
        if (it->ended) jw_int(w, "code", it->code); else jw_null(w, "code");
        if (it->ended) jw_int(w, "duration_ms", it->duration_ms); else jw_null(w, "duration_ms");
        json_stream(w, "stdout", &it->out);
        json_stream(w, "stderr", &it->err);
        break;
    case RP_ERROR:
        jw_str(w, "status", it->status);
        jw_str(w, "message", it->text);
        json_position(w, it);
        break;
    case RP_GATE:
        jw_str(w, "question", it->text);
        jw_str(w, "answer", it->answer);
        jw_str(w, "who", it->who);
        jw_time(w, "asked", it->asked_ms != 0, it->asked_ms);
        break;
    case RP_WAIT:
        jw_int(w, "duration_ms", it->duration_ms);
        jw_str(w, "text", it->text);
        break;
    default: /* log, note, retry */
        jw_str(w, "text", it->text);
        break;
    }
    jw_close(w, '}');
}

/* The list under key k, then k_not_kept: how many routine events were over the limit. */
static void json_list(jw *w, const char *k, const rp_list *l) {
    jw_key(w, k);
    jw_open(w, '[');
    for (int i = 0; i < l->n; i++) json_item(w, &l->v[i]);
    jw_close(w, ']');
    rbk_sbuf nk = RBK_SBUF_INIT;
    rbk_sbuf_printf(&nk, "%s_not_kept", k);
    jw_int(w, rbk_sbuf_cstr(&nk), l->dropped);
    rbk_sbuf_free(&nk);
}

static void json_header(jw *w, const rbk_report *r) {
    jw_str(w, "report", "runbook-run");
    jw_int(w, "version", 1);
    jw_str(w, "title", r->title);
    jw_str(w, "runbook", r->runbook);
    jw_str(w, "verdict", rp_verdict(r));
    if (r->have_end) jw_int(w, "exit_code", r->code); else jw_null(w, "exit_code");
    jw_str(w, "outcome", rp_outcome(r));
    jw_str(w, "meaning", rp_meaning(r));
    rbk_sbuf why = RBK_SBUF_INIT;
    jw_str(w, "reason", rp_add_reason(&why, r) ? rbk_sbuf_cstr(&why) : NULL);
    rbk_sbuf_free(&why);
    jw_bool(w, "dry_run", r->dry_run);
    jw_time(w, "started", r->have_start, r->start_wall);
    jw_time(w, "ended", r->have_end, r->end_wall);
    if (r->have_end) jw_int(w, "duration_ms", r->duration_ms); else jw_null(w, "duration_ms");
    jw_str(w, "run_by", r->user);
    jw_str(w, "host", r->host);
    jw_str(w, "artifact_sha256", r->artifact);
    jw_key(w, "sources");
    jw_open(w, '[');
    for (int i = 0; i < r->nsources; i++) {
        jw_open(w, '{');
        jw_str(w, "path", r->src_path[i]);
        jw_str(w, "sha256", r->src_sha[i]);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    rp_counts c = rp_count_steps(r);
    jw_key(w, "counts");
    jw_open(w, '{');
    jw_int(w, "steps", r->nsteps);
    jw_int(w, "ok", c.ok);
    jw_int(w, "failed", c.failed);
    jw_int(w, "stopped", c.stopped);
    jw_int(w, "skipped", c.skipped);
    jw_int(w, "interrupted", c.interrupted);
    jw_int(w, "unfinished", c.unfinished);
    jw_int(w, "not_run", c.not_run);
    jw_int(w, "unverified_checks", c.unverified);
    jw_close(w, '}');
}

static void json_rollback(jw *w, const rbk_report *r, const rp_rollback *rb) {
    jw_open(w, '{');
    jw_int(w, "step", rb->step + 1);
    jw_str(w, "name", r->steps[rb->step].name);
    jw_str(w, "status", rb->status ? rb->status : "unfinished");
    jw_str(w, "reason", rb->reason);
    jw_bool(w, "ran", rb->ran);
    jw_time(w, "started", rb->ran, rb->start_wall);
    if (rb->ran && rb->status) jw_int(w, "duration_ms", rb->duration_ms); else jw_null(w, "duration_ms");
    json_list(w, "events", &rb->items);
    jw_close(w, '}');
}

static void json_step(jw *w, const rbk_report *r, int i) {
    const rp_step *s = &r->steps[i];
    jw_open(w, '{');
    jw_int(w, "index", i + 1);
    jw_str(w, "name", s->name);
    jw_str(w, "section", s->section);
    jw_str(w, "status", rp_step_status(s));
    jw_str(w, "reason", s->reason);
    jw_int(w, "attempts", s->attempts);
    jw_time(w, "started", s->started, s->start_wall);
    jw_time(w, "ended", s->status != NULL, s->end_wall);
    if (s->status && s->started) jw_int(w, "duration_ms", s->duration_ms); else jw_null(w, "duration_ms");
    json_list(w, "events", &s->items);
    if (s->rollback >= 0) { jw_key(w, "rollback"); json_rollback(w, r, &r->rb[s->rollback]); }
    else jw_null(w, "rollback");
    jw_close(w, '}');
}

void rbk_report_json(rbk_sbuf *b, const rbk_report *r) {
    jw w;
    memset(&w, 0, sizeof w);
    w.b = b;
    jw_open(&w, '{');
    json_header(&w, r);
    jw_key(&w, "steps");
    jw_open(&w, '[');
    for (int i = 0; i < r->nsteps; i++) json_step(&w, r, i);
    jw_close(&w, ']');
    json_list(&w, "outside_steps", &r->outside);
    jw_key(&w, "rollback_order");
    jw_open(&w, '[');
    for (int k = 0; k < r->nrb; k++) {
        jw_open(&w, '{');
        jw_int(&w, "step", r->rb[k].step + 1);
        jw_str(&w, "status", r->rb[k].status ? r->rb[k].status : "unfinished");
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    if (r->pnr >= 0) {
        jw_key(&w, "point_of_no_return");
        jw_open(&w, '{');
        jw_int(&w, "step", r->pnr + 1);
        jw_str(&w, "name", r->steps[r->pnr].name);
        jw_str(&w, "reason", r->pnr_text);
        jw_time(&w, "time", 1, r->pnr_wall);
        jw_close(&w, '}');
    } else {
        jw_null(&w, "point_of_no_return");
    }
    jw_int(&w, "text_limit_bytes", RP_TEXT_LIMIT);
    jw_close(&w, '}');
    rbk_sbuf_addc(b, '\n');
}

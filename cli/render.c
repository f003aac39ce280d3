/* cli/render.c — renders the event stream for people (one plain line per event; colour on a
 * terminal unless NO_COLOR) and for machines (--log-format json: one JSON object per line).
 * Every string in an event is already masked by the VM. */
#include "render.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "../support/sbuf.h"
#include "../vm/value.h"

void rbk_term_init(rbk_term *t, FILE *out, int color, int tty, int verbose) {
    memset(t, 0, sizeof *t);
    t->out = out;
    t->color = color;
    t->tty = tty;
    t->verbose = verbose;
    t->failed_step = -1;
}
void rbk_term_free(rbk_term *t) {
    free(t->title);
    free(t->first_failure);
}

#define C(t, code) ((t)->color ? "\033[" code "m" : "")
static void dur(rbk_sbuf *b, int64_t ms) { rbk_duration_fmt(b, ms); }

static void indent_lines(FILE *out, const char *prefix, const char *text) {
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "%s%.*s\n", prefix, (int)n, p);
        if (!nl) break;
        p = nl + 1;
    }
}

static void caret(rbk_term *t, const rbk_event *ev) {
    if (!ev->file || !ev->source_line) return;
    fprintf(t->out, "%5d | %s\n      | ", ev->line, ev->source_line);
    for (int i = 1; i < ev->col && ev->source_line[i - 1]; i++) fputc(ev->source_line[i - 1] == '\t' ? '\t' : ' ', t->out);
    fprintf(t->out, "%s^%s\n", C(t, "1;32"), C(t, "0"));
}

void rbk_term_sink(void *ctx, const rbk_event *ev) {
    rbk_term *t = ctx;
    FILE *o = t->out;
    rbk_sbuf d = RBK_SBUF_INIT;
    switch (ev->kind) {
    case RBK_EV_RUN_START:
        t->nsteps = ev->nsteps;
        free(t->title);
        t->title = ev->text ? strdup(ev->text) : NULL;
        fprintf(o, "%s== %s%s (%d step%s)%s%s\n", C(t, "1"), ev->text ? ev->text : "runbook", "",
                ev->nsteps, ev->nsteps == 1 ? "" : "s", ev->dry_run ? " — DRY RUN: writes are shown, not done" : "", C(t, "0"));
        break;
    case RBK_EV_SECTION: fprintf(o, "%s## %s%s\n", C(t, "1"), ev->text, C(t, "0")); break;
    case RBK_EV_STEP_START:
        fprintf(o, "%s[%d/%d] %s%s%s\n", C(t, "1"), ev->code, ev->nsteps, ev->step_name,
                ev->attempt > 1 ? " (retry)" : "", C(t, "0"));
        break;
    case RBK_EV_STEP_RETRY:
        fprintf(o, "  %sretry%s attempt %d of the step\n", C(t, "33"), C(t, "0"), ev->attempt);
        break;
    case RBK_EV_STEP_END: {
        dur(&d, ev->duration_ms);
        const char *s = ev->status;
        if (!strcmp(s, "ok")) { t->steps_ok++; fprintf(o, "[%d/%d] %sok%s %s (%s)\n", ev->code, ev->nsteps, C(t, "32"), C(t, "0"), ev->step_name, rbk_sbuf_cstr(&d)); }
        else if (!strcmp(s, "skipped")) { t->steps_skipped++; fprintf(o, "[%d/%d] %sskipped%s %s: %s\n", ev->code, ev->nsteps, C(t, "2"), C(t, "0"), ev->step_name, ev->text ? ev->text : ""); }
        else {
            if (!strcmp(s, "failed")) t->steps_failed++;
            if (t->failed_step < 0) {
                t->failed_step = ev->step;
                free(t->first_failure);
                rbk_sbuf f = RBK_SBUF_INIT;
                rbk_sbuf_printf(&f, "\"%s\" %s", ev->step_name, s);
                t->first_failure = rbk_sbuf_detach(&f);
            }
            fprintf(o, "[%d/%d] %s%s%s %s (%s)\n", ev->code, ev->nsteps, C(t, "1;31"), !strcmp(s, "failed") ? "FAILED" : !strcmp(s, "stopped") ? "STOPPED" : "INTERRUPTED",
                    C(t, "0"), ev->step_name, rbk_sbuf_cstr(&d));
        }
        break;
    }
    case RBK_EV_EXPECT:
    case RBK_EV_STOP_IF: {
        int bad = !strcmp(ev->status, "failed") || !strcmp(ev->status, "stopped");
        if (!bad && !t->verbose && ev->kind == RBK_EV_STOP_IF) break;
        const char *word = ev->kind == RBK_EV_STOP_IF ? "stop-if" : "expect";
        const char *st = !strcmp(ev->status, "passed") ? "ok" : !strcmp(ev->status, "clear") ? "clear" : !strcmp(ev->status, "failed") ? "FAILED" : !strcmp(ev->status, "stopped") ? "STOP" : ev->status;
        fprintf(o, "  %s%-6s%s %s %s%s%s\n", bad ? C(t, "1;31") : C(t, "32"), st, C(t, "0"), word, ev->source,
                bad && ev->text ? " — " : "", bad && ev->text ? ev->text : "");
        if (bad)
            for (int i = 0; i < ev->nvalues; i++)
                fprintf(o, "           %s = %s\n", ev->values[i].expr, ev->values[i].value ? ev->values[i].value : "(not evaluated)");
        break;
    }
    case RBK_EV_FAIL: {
        const char *what = ev->status && !strcmp(ev->status, "stopped") ? "stopped" : "error";
        if (ev->file) {
            fprintf(o, "%s%s:%d:%d: %s%s:%s %s\n", C(t, "1"), ev->file, ev->line, ev->col, !strcmp(what, "error") ? C(t, "1;31") : C(t, "1;33"), what, C(t, "0"), ev->text);
            caret(t, ev);
        } else {
            fprintf(o, "%s: %s\n", what, ev->text);
        }
        break;
    }
    case RBK_EV_LOG: indent_lines(o, "  log    ", ev->text ? ev->text : ""); break;
    case RBK_EV_WAIT:
        dur(&d, ev->duration_ms);
        fprintf(o, "  wait   %s%s%s\n", rbk_sbuf_cstr(&d), ev->text ? " — " : "", ev->text ? ev->text : "");
        break;
    case RBK_EV_POLL:
        if (t->verbose) {
            dur(&d, ev->remaining_ms);
            fprintf(o, "  ...    %s left; last: %s\n", rbk_sbuf_cstr(&d), ev->text ? ev->text : "");
        }
        break;
    case RBK_EV_EFFECT_START:
        if (ev->effect && !strcmp(ev->effect, "dry-run")) fprintf(o, "  %swould%s %s\n", C(t, "36"), C(t, "0"), ev->target);
        else if (t->verbose) fprintf(o, "  %-6s %s\n", ev->effect, ev->target);
        break;
    case RBK_EV_EFFECT_END:
        if (t->verbose && ev->status && strcmp(ev->status, "skipped")) {
            dur(&d, ev->duration_ms);
            fprintf(o, "         -> %s (code %d, %s)\n", ev->status, ev->code, rbk_sbuf_cstr(&d));
        }
        break;
    case RBK_EV_OUTPUT: fprintf(o, "  %s | %s\n", ev->stream && !strcmp(ev->stream, "stderr") ? "err" : "out", ev->text); break;
    case RBK_EV_GATE: fprintf(o, "  gate   %s -> %s (by %s)\n", ev->text, ev->answer ? ev->answer : "", ev->who ? ev->who : "?"); break;
    case RBK_EV_ROLLBACK_START: fprintf(o, "%srollback%s %s\n", C(t, "33"), C(t, "0"), ev->step_name); break;
    case RBK_EV_ROLLBACK_END: {
        const char *s = ev->status;
        if (!strcmp(s, "ok")) { t->rollbacks_ok++; dur(&d, ev->duration_ms); fprintf(o, "rollback %sok%s %s (%s)\n", C(t, "32"), C(t, "0"), ev->step_name, rbk_sbuf_cstr(&d)); }
        else if (!strcmp(s, "none")) fprintf(o, "rollback none %s: %s\n", ev->step_name, ev->text ? ev->text : "");
        else if (!strcmp(s, "failed")) { t->rollbacks_failed++; fprintf(o, "rollback %sFAILED%s %s\n", C(t, "1;31"), C(t, "0"), ev->step_name); }
        else { t->rollbacks_not_run++; fprintf(o, "rollback %s%s%s %s: %s\n", C(t, "1;33"), !strcmp(s, "blocked") ? "BLOCKED" : "NOT RUN", C(t, "0"), ev->step_name, ev->text ? ev->text : ""); }
        break;
    }
    case RBK_EV_POINT_OF_NO_RETURN:
        fprintf(o, "  %spoint of no return%s: \"%s\" is irreversible%s%s\n", C(t, "1;33"), C(t, "0"), ev->step_name,
                ev->text && *ev->text ? " — " : "", ev->text ? ev->text : "");
        break;
    case RBK_EV_NOTE: indent_lines(o, "  note   ", ev->text ? ev->text : ""); break;
    case RBK_EV_RUN_END: {
        dur(&d, ev->duration_ms);
        const char *verdict = ev->code == 0 ? "GO" : "NO-GO";
        fprintf(o, "%s== %s%s: ", C(t, "1"), ev->code == 0 ? C(t, "1;32") : C(t, "1;31"), verdict);
        fprintf(o, "%s", C(t, "0"));
        switch (ev->code) {
        case 0: fprintf(o, "%d ok, %d skipped", t->steps_ok, t->steps_skipped); break;
        case 1: fprintf(o, "%s; rollback completed (%d rolled back)", t->first_failure ? t->first_failure : "the run failed", t->rollbacks_ok); break;
        case 2: fprintf(o, "%s; nothing else ran, nothing rolled back", t->first_failure ? t->first_failure : "stopped"); break;
        case 3: fprintf(o, "%s; NOT FULLY RESTORED (%d rolled back, %d failed, %d not run)", t->first_failure ? t->first_failure : "the run failed",
                        t->rollbacks_ok, t->rollbacks_failed, t->rollbacks_not_run); break;
        case 4: fprintf(o, "interrupted"); break;
        default: break;
        }
        fprintf(o, " — %s, exit %d\n", rbk_sbuf_cstr(&d), ev->code);
        break;
    }
    default: break;
    }
    rbk_sbuf_free(&d);
    fflush(o);
}

static void jstr(rbk_sbuf *b, const char *key, const char *v) {
    if (!v) return;
    rbk_sbuf_printf(b, ",\"%s\":", key);
    rbk_sbuf_add_json_str(b, v, strlen(v));
}
void rbk_jsonl_sink(void *ctx, const rbk_event *ev) {
    FILE *o = ctx;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_printf(&b, "{\"event\":\"%s\",\"t_ms\":%" PRId64 ",\"wall_ms\":%" PRId64, rbk_event_kind_name(ev->kind), ev->t_ms, ev->wall_ms);
    if (ev->step >= 0) rbk_sbuf_printf(&b, ",\"step\":%d", ev->step);
    if (ev->attempt) rbk_sbuf_printf(&b, ",\"attempt\":%d", ev->attempt);
    jstr(&b, "step_name", ev->step_name);
    jstr(&b, "status", ev->status);
    jstr(&b, "text", ev->text);
    jstr(&b, "detail", ev->detail);
    jstr(&b, "source", ev->source);
    if (ev->file) { jstr(&b, "file", ev->file); rbk_sbuf_printf(&b, ",\"line\":%d,\"column\":%d", ev->line, ev->col); }
    if (ev->kind == RBK_EV_STEP_END || ev->kind == RBK_EV_RUN_END || ev->kind == RBK_EV_EFFECT_END || ev->kind == RBK_EV_ROLLBACK_END || ev->kind == RBK_EV_WAIT)
        rbk_sbuf_printf(&b, ",\"duration_ms\":%" PRId64, ev->duration_ms);
    if (ev->kind == RBK_EV_POLL || ev->kind == RBK_EV_WAIT) rbk_sbuf_printf(&b, ",\"remaining_ms\":%" PRId64, ev->remaining_ms);
    if (ev->kind == RBK_EV_RUN_END || ev->kind == RBK_EV_EFFECT_END) rbk_sbuf_printf(&b, ",\"code\":%d", ev->code);
    if (ev->kind == RBK_EV_RUN_START) rbk_sbuf_printf(&b, ",\"steps\":%d", ev->nsteps);
    if (ev->nvalues) {
        rbk_sbuf_adds(&b, ",\"values\":[");
        for (int i = 0; i < ev->nvalues; i++) {
            rbk_sbuf_adds(&b, i ? ",{\"expr\":" : "{\"expr\":");
            rbk_sbuf_add_json_str(&b, ev->values[i].expr, strlen(ev->values[i].expr));
            rbk_sbuf_adds(&b, ",\"value\":");
            if (ev->values[i].value) rbk_sbuf_add_json_str(&b, ev->values[i].value, strlen(ev->values[i].value));
            else rbk_sbuf_adds(&b, "null");
            rbk_sbuf_addc(&b, '}');
        }
        rbk_sbuf_addc(&b, ']');
    }
    if (ev->effect_id) rbk_sbuf_printf(&b, ",\"effect_id\":%" PRIu64, ev->effect_id);
    jstr(&b, "effect", ev->effect);
    jstr(&b, "target", ev->target);
    jstr(&b, "stdout", ev->out);
    jstr(&b, "stderr", ev->err);
    jstr(&b, "stream", ev->stream);
    jstr(&b, "answer", ev->answer);
    jstr(&b, "who", ev->who);
    if (ev->dry_run) rbk_sbuf_adds(&b, ",\"dry_run\":true");
    rbk_sbuf_adds(&b, "}\n");
    fwrite(b.data, 1, b.len, o);
    fflush(o);
    rbk_sbuf_free(&b);
}

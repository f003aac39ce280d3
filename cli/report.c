/* cli/report.c — evidence reports (--report FILE.md|FILE.json|FILE.xml), docs/reports.md.
 * Owns: the report model (the run, every step of the unit, the instances of per-item steps —
 * each with its own outcome, attempts, items and rollback, from the events that name it —, the
 * items each step produced, the rollback, the point of no return) built from the event stream
 * (the sink), and the table of its formats — Markdown (a go/no-go evidence document,
 * cli/report_md.c), JSON (the same content, stable key order, cli/report_json.c) and JUnit XML
 * (one testcase per step and per instance, cli/report_xml.c), which share their wording (cli/report_words.c). While the run goes the model keeps each text
 * as the event gave it (long texts cut to RP_TEXT_LIMIT bytes, head and tail kept); when the
 * report is written every text is masked again with every secret known at the end of the run,
 * and only then cleaned (valid UTF-8, no control characters) — see "stored text" below. The
 * file is written atomically when the run ends.
 * Shares invariants with: vm/events.h (fields), vm/steps.c and vm/vm.c (statuses, order of
 * events), cli/run.c (open, sink, close), tests/report/ (snapshots of all three formats). */
#include "report_int.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../support/fileops.h"
#include "../support/clock.h"
#include "../support/mask.h"
#include "../support/text.h"
#include "../support/sbuf.h"
#include "../support/sha256.h"
#include "../support/duration.h"
#include "../vm/vm.h"



/* Appends s[0..n) as text that is safe in Markdown, JSON, XML 1.0 and on a terminal: control
 * pictures for C0 controls, U+FFFD for C1 and bidirectional controls and invalid bytes
 * (rbk_text_clean_pictures, support/text.h). */
static void sanitize(rbk_sbuf *b, const char *s, size_t n) { rbk_text_clean_pictures(b, s, n); }

/* ---- stored text ----
 * While the run goes, the model keeps each text as its event gave it: masked by the VM with the
 * secrets known then, not cleaned. rbk_report_close (finalize) masks every text again with the
 * registry as it stands at the end of the run — a secret that became known late, such as
 * secret(trim(sh("...").stdout)), is masked in what was recorded before — and only then cleans
 * it (sanitize), since masking must see the bytes before anything reshapes them.
 * A text longer than its limit keeps its head and its tail, cut where clip_to says; the stored
 * form is one C string: byte 0x01 of the text is written 0x01 0x02, and the cut is written
 * 0x01, 'L' (a multi-line text: the marker becomes a line of its own) or 'W' (one line), the
 * number of bytes cut in decimal, 0x01. The pieces next to a cut are masked with
 * rbk_mask_apply_piece, so a secret that straddled the cut leaves no part on either side. */
static void store_add(rbk_sbuf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        rbk_sbuf_addc(b, s[i]);
        if (s[i] == '\x01') rbk_sbuf_addc(b, '\x02');
    }
}

/* The stored form of s cut to `limit` bytes: the head and the tail are kept around a cut.
 * Multi-line text is cut at line ends when one is near (the marker is a line of its own); a
 * single line is cut on character boundaries. */
static char *clip_to(const char *s, size_t limit, size_t *bytes, size_t *cut) {
    if (!s) return NULL;
    size_t n = strlen(s), h = n, t = n;
    int lines = strchr(s, '\n') != NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    if (n > limit) {
        h = limit / 2;
        t = n - limit / 2;
        size_t near = limit / 8;
        for (size_t k = 0; lines && k < near && h > k; k++)
            if (s[h - k - 1] == '\n') { h -= k; break; }
        for (size_t k = 0; lines && k < near && t + k < n; k++)
            if (s[t + k] == '\n') { t += k + 1; break; }
        while (h > 0 && ((unsigned char)s[h] & 0xC0) == 0x80) h--;
        while (t < n && ((unsigned char)s[t] & 0xC0) == 0x80) t++;
    }
    store_add(&b, s, h);
    if (t > h) {
        rbk_sbuf_printf(&b, "\x01%c%zu\x01", lines ? 'L' : 'W', t - h);
        store_add(&b, s + t, n - t);
    }
    if (bytes) *bytes = n;
    if (cut) *cut = t - h;
    if (!b.data) rbk_sbuf_adds(&b, "");
    return rbk_sbuf_detach(&b);
}
static char *dup_text(const char *s) { return clip_to(s, RP_TEXT_LIMIT, NULL, NULL); }
static char *dup_value(const char *s) { return clip_to(s, RP_VALUE_LIMIT, NULL, NULL); }
static rp_text dup_stream(const char *s) {
    rp_text t = {NULL, 0, 0};
    if (s && *s) t.s = clip_to(s, RP_TEXT_LIMIT, &t.bytes, &t.cut);
    return t;
}
/* 1 when the stored text holds exactly raw (uncut); for folding repeated items */
static int same_text(const char *stored, const char *raw) {
    for (;; stored++, raw++) {
        if (*stored == '\x01' && stored[1] != '\x02') return 0; /* a cut */
        if (*stored != *raw) return 0;
        if (!*raw) return 1;
        if (*raw == '\x01') stored++;
    }
}

/* The final text of a stored one: each piece masked with m (when mask_it; m may be NULL),
 * cleaned, the cuts written as "[... N bytes cut ...]". Replaces *field. */
static void finalize_text(char **field, const rbk_mask *m, int mask_it) {
    if (!*field) return;
    const char *p = *field;
    rbk_sbuf out = RBK_SBUF_INIT, piece = RBK_SBUF_INIT, masked = RBK_SBUF_INIT;
    int after_cut = 0;
    for (;;) {
        rbk_sbuf_reset(&piece);
        while (*p && !(*p == '\x01' && p[1] != '\x02')) {
            rbk_sbuf_addc(&piece, *p);
            p += *p == '\x01' ? 2 : 1;
        }
        int before_cut = *p != 0;
        rbk_sbuf_reset(&masked);
        if (mask_it) rbk_mask_apply_piece(m, &masked, rbk_sbuf_cstr(&piece), piece.len, after_cut, before_cut);
        else rbk_sbuf_add(&masked, rbk_sbuf_cstr(&piece), piece.len);
        sanitize(&out, rbk_sbuf_cstr(&masked), masked.len);
        if (!before_cut) break;
        char kind = p[1];
        size_t ncut = strtoull(p + 2, NULL, 10);
        p = strchr(p + 2, '\x01') + 1;
        if (kind == 'L')
            rbk_sbuf_printf(&out, "%s[... %zu bytes cut ...]\n", out.len && out.data[out.len - 1] != '\n' ? "\n" : "", ncut);
        else
            rbk_sbuf_printf(&out, " [... %zu bytes cut ...] ", ncut);
        after_cut = 1;
    }
    rbk_sbuf_free(&piece);
    rbk_sbuf_free(&masked);
    free(*field);
    *field = rbk_sbuf_detach(&out);
}

static void values_free(rp_item *it) {
    for (int i = 0; i < it->nvalues; i++) { free(it->values[i].expr); free(it->values[i].value); free(it->values[i].error); }
    free(it->values);
}
static void item_free(rp_item *it) {
    free(it->status); free(it->text); free(it->file); free(it->source_line); free(it->source);
    values_free(it);
    free(it->effect); free(it->target); free(it->out.s); free(it->err.s);
    free(it->answer); free(it->who);
}
static void list_free(rp_list *l) {
    for (int i = 0; i < l->n; i++) item_free(&l->v[i]);
    free(l->v);
}

/* A new zeroed item at the end of l, or NULL when l is full and the item is routine (the
 * failures, gates and retries are always kept). */
static rp_item *list_add(rp_list *l, rp_kind k, int important) {
    if (l->n >= RP_MAX_ITEMS && !important) { l->dropped++; return NULL; }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = rbk_xrealloc(l->v, sizeof *l->v * (size_t)l->cap);
    }
    rp_item *it = &l->v[l->n++];
    memset(it, 0, sizeof *it);
    it->kind = k;
    it->count = 1;
    return it;
}

/* ------------------------------------------------------------------ open */
static const rp_format formats[] = {
    {".md", rbk_report_md},
    {".json", rbk_report_json},
    {".xml", rbk_report_xml},
};

static const rp_format *format_of(const char *path) {
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return NULL;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (!strcasecmp(dot, formats[i].ext)) return &formats[i];
    return NULL;
}

/* The file can be written: its directory exists and is writable, and the path is not
 * something other than a regular file (a directory, a device). */
static char *check_writable(const char *path) {
    rbk_sbuf m = RBK_SBUF_INIT;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? rbk_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : rbk_xstrdup(".");
    struct stat st;
    if (stat(dir, &st)) rbk_sbuf_printf(&m, "cannot use the directory \"%s\": %s", dir, strerror(errno));
    else if (!S_ISDIR(st.st_mode)) rbk_sbuf_printf(&m, "\"%s\" is not a directory", dir);
    else if (access(dir, W_OK | X_OK)) rbk_sbuf_printf(&m, "cannot write in the directory \"%s\": %s", dir, strerror(errno));
    else if (!stat(path, &st) && !S_ISREG(st.st_mode)) rbk_sbuf_printf(&m, "\"%s\" exists and is not a regular file", path);
    free(dir);
    return m.len ? rbk_sbuf_detach(&m) : NULL;
}

static char *who_runs(void) {
    return dup_text(rbk_operator_name());
}
static char *host_name(void) {
    char h[256];
    if (gethostname(h, sizeof h)) return rbk_xstrdup("unknown");
    h[sizeof h - 1] = 0;
    return dup_text(h);
}

rbk_report *rbk_report_open(const char *path, const rbk_unit *u, const char *runbook_path, char **err) {
    const rp_format *fmt = format_of(path);
    if (!fmt) {
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "the format comes from the extension: .md (Markdown), .json or .xml (JUnit), not \"%s\"", path);
        *err = rbk_sbuf_detach(&m);
        return NULL;
    }
    if ((*err = check_writable(path))) return NULL;
    rbk_report *r = rbk_xcalloc(1, sizeof *r);
    r->path = rbk_xstrdup(path);
    r->format = fmt;
    r->runbook = dup_text(runbook_path);
    r->title = dup_text(rbk_unit_str(u, u->title, NULL));
    r->user = who_runs();
    r->host = host_name();
    rbk_sha256_to_hex(u->artifact_sha256, r->artifact);
    r->nsources = (int)u->nsources;
    r->src_path = rbk_xcalloc(u->nsources ? u->nsources : 1, sizeof *r->src_path);
    r->src_sha = rbk_xcalloc(u->nsources ? u->nsources : 1, sizeof *r->src_sha);
    for (uint32_t i = 0; i < u->nsources; i++) {
        const char *p = rbk_unit_str(u, u->sources[i].path, NULL);
        r->src_path[i] = dup_text(p ? p : "?");
        rbk_sha256_to_hex(u->sources[i].sha256, r->src_sha[i]);
    }
    r->nsteps = (int)u->nsteps;
    r->steps = rbk_xcalloc(u->nsteps ? u->nsteps : 1, sizeof *r->steps);
    for (uint32_t i = 0; i < u->nsteps; i++) {
        const char *n = rbk_unit_str(u, u->steps[i].name, NULL);
        r->steps[i].name = dup_text(n ? n : "?");
        r->steps[i].section = dup_text(rbk_unit_str(u, u->steps[i].section, NULL));
        r->steps[i].rollback = -1;
        if (u->steps[i].flags & RBK_STEP_PER_ITEM) {
            r->steps[i].per_item = 1;
            rbk_sbuf m = RBK_SBUF_INIT;
            rbk_sbuf_printf(&m, "%" PRIu32 "%s", u->steps[i].max_fail, (u->steps[i].flags & RBK_STEP_MAX_FAIL_PCT) ? "%" : "");
            r->steps[i].max_fail = rbk_sbuf_detach(&m);
        }
    }
    r->cur_rb = -1;
    r->pnr = -1;
    return r;
}

/* ------------------------------------------------------------------ the sink */
/* The instance an event names (rbk_event.instance) of its step, added when it is new; NULL for
 * an event of no instance. Instances of a batch run at once, so their events interleave: each
 * goes to its own instance, never to the step. */
static rp_instance *instance_of(rbk_report *r, const rbk_event *ev) {
    if (!ev->instance || ev->step < 0 || ev->step >= r->nsteps) return NULL;
    rp_step *s = &r->steps[ev->step];
    for (int i = s->ninst - 1; i >= 0; i--)
        if (same_text(s->inst[i].name, ev->instance)) return &s->inst[i];
    if (s->ninst == s->capinst) {
        s->capinst = s->capinst ? s->capinst * 2 : 8;
        s->inst = rbk_xrealloc(s->inst, sizeof *s->inst * (size_t)s->capinst);
    }
    if (!s->ninst) s->inst_at = s->items.n;
    rp_instance *in = &s->inst[s->ninst++];
    memset(in, 0, sizeof *in);
    in->name = dup_text(ev->instance);
    in->rollback = -1;
    s->per_item = 1;
    if (!s->max_fail) s->max_fail = rbk_xstrdup("?"); /* instances of a step the unit does not call per-item */
    return in;
}

/* Where an event's items go: its instance (or the instance's rollback block while that runs),
 * else the rollback block that runs, else its step, else outside. */
static rp_list *items_for(rbk_report *r, const rbk_event *ev, int *attempt) {
    *attempt = 1;
    rp_instance *in = instance_of(r, ev);
    if (in && in->rollback >= 0 && r->rb[in->rollback].ran && !r->rb[in->rollback].status) return &r->rb[in->rollback].items;
    if (in) {
        *attempt = in->attempts ? in->attempts : 1;
        return &in->items;
    }
    if (r->cur_rb >= 0) return &r->rb[r->cur_rb].items;
    if (ev->step >= 0 && ev->step < r->nsteps) {
        rp_step *s = &r->steps[ev->step];
        *attempt = s->attempts ? s->attempts : 1;
        return &s->items;
    }
    return &r->outside;
}

static void set_position(rp_item *it, const rbk_event *ev) {
    if (!ev->file) return;
    it->file = dup_text(ev->file);
    it->line = ev->line;
    it->col = ev->col;
    it->source_line = dup_text(ev->source_line);
}

static void set_values(rp_item *it, const rbk_event *ev) {
    values_free(it);
    it->nvalues = ev->nvalues > 0 ? ev->nvalues : 0;
    it->values = it->nvalues ? rbk_xcalloc((size_t)it->nvalues, sizeof *it->values) : NULL;
    for (int i = 0; i < it->nvalues; i++) {
        it->values[i].expr = dup_value(ev->values[i].expr ? ev->values[i].expr : "");
        it->values[i].value = dup_value(ev->values[i].value);
        it->values[i].error = dup_value(ev->values[i].error);
    }
}

/* An expectation or stop-if. Passing evaluations of the same condition in the same attempt
 * (a `watch`, a loop) fold into one item that counts them and keeps the latest values. */
static void on_expect(rbk_report *r, const rbk_event *ev) {
    int attempt;
    rp_list *l = items_for(r, ev, &attempt);
    rp_kind k = ev->kind == RBK_EV_STOP_IF ? RP_STOP_IF : RP_EXPECT;
    const char *st = ev->status ? ev->status : "?";
    int routine = !strcmp(st, "passed") || !strcmp(st, "clear");
    if (routine && ev->file)
        for (int i = l->n - 1; i >= 0; i--) {
            rp_item *o = &l->v[i];
            if (o->kind == k && o->attempt == attempt && o->file && same_text(o->file, ev->file) && o->line == ev->line &&
                o->col == ev->col && !strcmp(o->status, st)) {
                o->count++;
                o->wall_ms = ev->wall_ms;
                set_values(o, ev);
                return;
            }
        }
    rp_item *it = list_add(l, k, !routine);
    if (!it) return;
    it->attempt = attempt;
    it->wall_ms = ev->wall_ms;
    it->status = rbk_xstrdup(st);
    it->source = dup_text(ev->source ? ev->source : "");
    it->text = dup_text(ev->text);
    set_position(it, ev);
    set_values(it, ev);
}

static rp_item *add_simple(rbk_report *r, const rbk_event *ev, rp_kind k, int important) {
    int attempt;
    rp_list *l = items_for(r, ev, &attempt);
    rp_item *it = list_add(l, k, important);
    if (!it) return NULL;
    it->attempt = attempt;
    it->wall_ms = ev->wall_ms;
    it->text = dup_text(ev->text);
    return it;
}

static void on_effect_end(rbk_report *r, const rbk_event *ev) {
    int attempt;
    rp_list *l = items_for(r, ev, &attempt);
    for (int i = l->n - 1; i >= 0; i--) {
        rp_item *it = &l->v[i];
        if (it->kind != RP_EFFECT || it->effect_id != ev->effect_id || it->ended) continue;
        it->ended = 1;
        it->status = dup_text(ev->status ? ev->status : "?");
        it->code = ev->code;
        it->duration_ms = ev->duration_ms;
        it->out = dup_stream(ev->out);
        it->err = dup_stream(ev->err);
        return;
    }
}

/* A step's start, retry and end. A step started again after it ended (the operator chose
 * "retry" at --on-failure ask, or after an interruption) continues its record: the new
 * attempt is marked like a retry, and its duration runs from the first start. */
/* An instance's start, retry and end, as a step's (on_step). An end with no start since its
 * last end is an instance the VM did not run again: ended in an earlier attempt of the step
 * (its record stays), or not run at all (skipped by --only/--from, done before a resume). */
static void on_instance(rbk_report *r, const rbk_event *ev, rp_instance *in) {
    if (ev->kind == RBK_EV_STEP_START) {
        if (in->started) {
            in->restarted = 1;
            in->attempts = ev->attempt > in->attempts ? ev->attempt : in->attempts + 1;
            rp_item *it = add_simple(r, ev, RP_RETRY, 1);
            if (it) { it->attempt = in->attempts; it->text = in->reason ? rbk_xstrdup(in->reason) : NULL; }
            free(in->status);
            free(in->reason);
            in->status = in->reason = NULL;
        } else {
            in->started = 1;
            in->start_wall = ev->wall_ms;
            in->attempts = ev->attempt > 0 ? ev->attempt : 1;
        }
        in->running = 1;
    } else if (ev->kind == RBK_EV_STEP_RETRY) {
        in->attempts = ev->attempt;
        rp_item *it = add_simple(r, ev, RP_RETRY, 1);
        if (it) it->attempt = ev->attempt;
    } else {
        if (!in->running && in->status) return; /* ended in an earlier attempt of the step */
        free(in->status);
        free(in->reason);
        in->status = dup_text(ev->status ? ev->status : "?");
        in->reason = dup_text(ev->text);
        in->end_wall = ev->wall_ms;
        in->duration_ms = !in->started ? 0 : in->restarted ? ev->wall_ms - in->start_wall : ev->duration_ms;
        in->running = 0;
    }
}

static void on_step(rbk_report *r, const rbk_event *ev) {
    if (ev->step < 0 || ev->step >= r->nsteps) return;
    rp_instance *in = instance_of(r, ev);
    if (in) { on_instance(r, ev, in); return; }
    rp_step *s = &r->steps[ev->step];
    if (ev->kind == RBK_EV_STEP_START) {
        if (s->started) {
            s->restarted = 1;
            s->attempts = ev->attempt > s->attempts ? ev->attempt : s->attempts + 1;
            rp_item *it = add_simple(r, ev, RP_RETRY, 1);
            if (it) { it->attempt = s->attempts; it->text = s->reason ? rbk_xstrdup(s->reason) : NULL; }
            free(s->status);
            free(s->reason);
            s->status = s->reason = NULL;
            return;
        }
        s->started = 1;
        s->start_wall = ev->wall_ms;
        s->attempts = ev->attempt > 0 ? ev->attempt : 1;
    } else if (ev->kind == RBK_EV_STEP_RETRY) {
        s->attempts = ev->attempt;
        rp_item *it = add_simple(r, ev, RP_RETRY, 1);
        if (it) it->attempt = ev->attempt;
    } else {
        free(s->status);
        free(s->reason);
        s->status = dup_text(ev->status ? ev->status : "?");
        s->reason = dup_text(ev->text);
        s->end_wall = ev->wall_ms;
        s->duration_ms = s->restarted ? ev->wall_ms - s->start_wall : ev->duration_ms;
    }
}

static rp_rollback *rollback_add(rbk_report *r, int step, int inst) {
    r->rb = rbk_xrealloc(r->rb, sizeof *r->rb * (size_t)(r->nrb + 1));
    rp_rollback *b = &r->rb[r->nrb];
    memset(b, 0, sizeof *b);
    b->step = step;
    b->inst = inst;
    if (inst < 0) r->steps[step].rollback = r->nrb;
    else r->steps[step].inst[inst].rollback = r->nrb;
    r->nrb++;
    return b;
}

/* An instance's rollback is its own block (rp_rollback.inst); the block of its step, when one
 * runs around it, stays the one running (cur_rb) for the events of no instance. */
static void on_instance_rollback(rbk_report *r, const rbk_event *ev, rp_instance *in) {
    rp_step *s = &r->steps[ev->step];
    int k = (int)(in - s->inst);
    rp_rollback *b;
    if (ev->kind == RBK_EV_ROLLBACK_END && in->rollback >= 0 && r->rb[in->rollback].ran && !r->rb[in->rollback].status)
        b = &r->rb[in->rollback];
    else
        b = rollback_add(r, ev->step, k);
    if (ev->kind == RBK_EV_ROLLBACK_START) {
        b->ran = 1;
        b->start_wall = ev->wall_ms;
        return;
    }
    b->status = dup_text(ev->status ? ev->status : "?");
    b->reason = dup_text(ev->text);
    b->duration_ms = ev->duration_ms;
}

static void on_rollback(rbk_report *r, const rbk_event *ev) {
    if (ev->step < 0 || ev->step >= r->nsteps) return;
    rp_instance *in = instance_of(r, ev);
    if (in) { on_instance_rollback(r, ev, in); return; }
    rp_rollback *b;
    if (ev->kind == RBK_EV_ROLLBACK_END && r->cur_rb >= 0 && r->rb[r->cur_rb].step == ev->step)
        b = &r->rb[r->cur_rb];
    else
        b = rollback_add(r, ev->step, -1);
    if (ev->kind == RBK_EV_ROLLBACK_START) {
        b->ran = 1;
        b->start_wall = ev->wall_ms;
        r->cur_rb = (int)(b - r->rb);
        return;
    }
    b->status = dup_text(ev->status ? ev->status : "?");
    b->reason = dup_text(ev->text);
    b->duration_ms = ev->duration_ms;
    r->cur_rb = -1;
}

void rbk_report_sink(void *ctx, const rbk_event *ev) {
    rbk_report *r = ctx;
    r->nevents++;
    rp_item *it;
    switch (ev->kind) {
    case RBK_EV_RUN_START:
        r->have_start = 1;
        r->start_wall = ev->wall_ms;
        r->dry_run = ev->dry_run;
        r->time_scale = ev->time_scale;
        break;
    case RBK_EV_RUN_END:
        r->have_end = 1;
        r->end_wall = ev->wall_ms;
        r->duration_ms = ev->duration_ms;
        r->code = ev->code;
        r->checks_verified = ev->checks_verified;
        r->checks_unverified = ev->checks_unverified;
        r->checks_failing = ev->checks_failing;
        free(r->end_status);
        r->end_status = dup_text(ev->status ? ev->status : "?");
        break;
    case RBK_EV_STEP_START:
    case RBK_EV_STEP_RETRY:
    case RBK_EV_STEP_END: on_step(r, ev); break;
    case RBK_EV_EXPECT:
    case RBK_EV_STOP_IF: on_expect(r, ev); break;
    case RBK_EV_FAIL:
        if ((it = add_simple(r, ev, RP_ERROR, 1))) {
            it->status = dup_text(ev->status ? ev->status : "error");
            it->of_expect = ev->detail && !strcmp(ev->detail, "expectation");
            set_position(it, ev);
        }
        break;
    case RBK_EV_LOG: add_simple(r, ev, RP_LOG, 0); break;
    case RBK_EV_NOTE: add_simple(r, ev, RP_NOTE, 0); break;
    case RBK_EV_WAIT:
        if (ev->effect) break; /* a watch window (its checks are the evidence), an approval (its gate) */
        if ((it = add_simple(r, ev, RP_WAIT, 0))) {
            it->duration_ms = ev->duration_ms;
            if (!it->text) it->text = dup_text(ev->detail); /* --time-scale: "500ms at --time-scale 60" */
        }
        break;
    case RBK_EV_EFFECT_START:
        if ((it = add_simple(r, ev, RP_EFFECT, 0))) {
            it->effect_id = ev->effect_id;
            it->effect = dup_text(ev->effect ? ev->effect : "?");
            it->target = dup_text(ev->target ? ev->target : "");
        }
        break;
    case RBK_EV_EFFECT_END: on_effect_end(r, ev); break;
    case RBK_EV_PROMPT: /* a question; not a command handed the terminal */
        r->prompt_wall = ev->detail && !strcmp(ev->detail, RBK_PROMPT_TERMINAL) ? 0 : ev->wall_ms;
        break;
    case RBK_EV_GATE:
        if ((it = add_simple(r, ev, RP_GATE, 1))) {
            it->answer = dup_text(ev->answer ? ev->answer : "");
            it->who = dup_text(ev->who ? ev->who : "unknown");
            it->asked_ms = r->prompt_wall;
        }
        r->prompt_wall = 0;
        break;
    case RBK_EV_ROLLBACK_START:
    case RBK_EV_ROLLBACK_END: on_rollback(r, ev); break;
    case RBK_EV_POINT_OF_NO_RETURN:
        if (r->pnr < 0 && ev->step >= 0 && ev->step < r->nsteps) {
            r->pnr = ev->step;
            r->pnr_text = dup_text(ev->text);
            r->pnr_wall = ev->wall_ms;
        }
        break;
    default: break; /* SECTION (sections come from the unit), POLL and OUTPUT (live only) */
    }
}
/* ------------------------------------------------------------------ close */
/* Every stored text of the model made final (finalize_text): masked with m — the texts that
 * events carry masked and the unit's title and names, which the terminal shows masked too —
 * and cleaned. Status words, kinds, paths and who/where are cleaned only. A field added to the
 * model is added here, or it is written as stored. */
static void finalize_list(rp_list *l, const rbk_mask *m) {
    for (int i = 0; i < l->n; i++) {
        rp_item *it = &l->v[i];
        finalize_text(&it->status, m, 0);
        finalize_text(&it->text, m, 1);
        finalize_text(&it->file, m, 0);
        finalize_text(&it->source_line, m, 1);
        finalize_text(&it->source, m, 1);
        for (int k = 0; k < it->nvalues; k++) {
            finalize_text(&it->values[k].expr, m, 1);
            finalize_text(&it->values[k].value, m, 1);
            finalize_text(&it->values[k].error, m, 1);
        }
        finalize_text(&it->effect, m, 0);
        finalize_text(&it->target, m, 1);
        finalize_text(&it->out.s, m, 1);
        finalize_text(&it->err.s, m, 1);
        finalize_text(&it->answer, m, 1);
        finalize_text(&it->who, m, 0);
    }
}
static void finalize(rbk_report *r, const rbk_mask *m) {
    finalize_text(&r->runbook, m, 0);
    finalize_text(&r->title, m, 1);
    finalize_text(&r->host, m, 0);
    finalize_text(&r->user, m, 0);
    for (int i = 0; i < r->nsources; i++) finalize_text(&r->src_path[i], m, 0);
    for (int i = 0; i < r->nsteps; i++) {
        rp_step *s = &r->steps[i];
        finalize_text(&s->name, m, 1);
        finalize_text(&s->section, m, 1);
        finalize_text(&s->status, m, 0);
        finalize_text(&s->reason, m, 1);
        finalize_list(&s->items, m);
        for (int k = 0; k < s->ninst; k++) {
            rp_instance *in = &s->inst[k];
            finalize_text(&in->name, m, 1);
            finalize_text(&in->status, m, 0);
            finalize_text(&in->reason, m, 1);
            finalize_list(&in->items, m);
        }
    }
    for (int k = 0; k < r->nrb; k++) {
        finalize_text(&r->rb[k].status, m, 0);
        finalize_text(&r->rb[k].reason, m, 1);
        finalize_list(&r->rb[k].items, m);
    }
    finalize_list(&r->outside, m);
    finalize_text(&r->pnr_text, m, 1);
    finalize_text(&r->end_status, m, 0);
}

static void report_free(rbk_report *r) {
    free(r->path); free(r->runbook); free(r->title); free(r->host); free(r->user);
    for (int i = 0; i < r->nsources; i++) free(r->src_path[i]);
    free(r->src_path);
    free(r->src_sha);
    for (int i = 0; i < r->nsteps; i++) {
        rp_step *s = &r->steps[i];
        free(s->name); free(s->section); free(s->status); free(s->reason);
        list_free(&s->items);
        free(s->max_fail);
        for (int k = 0; k < s->ninst; k++) {
            rp_instance *in = &s->inst[k];
            free(in->name); free(in->status); free(in->reason);
            list_free(&in->items);
        }
        free(s->inst);
    }
    free(r->steps);
    for (int k = 0; k < r->nrb; k++) {
        free(r->rb[k].status);
        free(r->rb[k].reason);
        list_free(&r->rb[k].items);
    }
    free(r->rb);
    list_free(&r->outside);
    free(r->pnr_text);
    free(r->end_status);
    free(r);
}

int rbk_report_close(rbk_report *r, const rbk_mask *secrets, char **err) {
    if (!r) return 0;
    if (!r->nevents) { report_free(r); return 0; } /* refused before step 1: nothing to say */
    finalize(r, secrets);
    rbk_sbuf out = RBK_SBUF_INIT, e = RBK_SBUF_INIT;
    r->format->render(&out, r);
    int rc = rbk_file_write_atomic(r->path, rbk_sbuf_cstr(&out), out.len, &e) ? -1 : 0;
    if (rc && err) *err = rbk_sbuf_detach(&e);
    rbk_sbuf_free(&out);
    rbk_sbuf_free(&e);
    report_free(r);
    return rc;
}


/* cli/report.c — evidence reports (--report FILE.md|FILE.json|FILE.xml), docs/reports.md.
 * Owns: the report model (the run, every step of the unit, the items each step produced,
 * the rollback, the point of no return) built from the event stream, and its three
 * renderings — Markdown (a go/no-go evidence document), JSON (the same content, stable key
 * order) and JUnit XML (one testcase per step). While the run goes the model keeps each text
 * as the event gave it (long texts cut to RP_TEXT_LIMIT bytes, head and tail kept); when the
 * report is written every text is masked again with every secret known at the end of the run,
 * and only then cleaned (valid UTF-8, no control characters) — see "stored text" below. The
 * file is written atomically when the run ends.
 * Shares invariants with: vm/events.h (fields), vm/steps.c and vm/vm.c (statuses, order of
 * events), cli/main.c (open, sink, close), tests/report/ (snapshots of all three formats). */
#include "report.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../stdlib/file_ops.h"
#include "../support/clock.h"
#include "../support/mask.h"
#include "../support/text.h"
#include "../support/sbuf.h"
#include "../support/sha256.h"
#include "../vm/value.h"
#include "../vm/vm.h"

#define RP_TEXT_LIMIT 4096 /* bytes kept of one text (command output, log line, value) */
#define RP_VALUE_LIMIT 1024 /* bytes kept of one traced value (a table cell) */
#define RP_MAX_ITEMS 1000  /* items kept per step; later routine ones are counted, not kept */

enum { RP_MD, RP_JSON, RP_XML };

/* ------------------------------------------------------------------ the model */
typedef enum rp_kind { RP_EXPECT, RP_STOP_IF, RP_EFFECT, RP_LOG, RP_NOTE, RP_WAIT, RP_GATE, RP_ERROR, RP_RETRY } rp_kind;

typedef struct rp_value { char *expr, *value, *error; } rp_value; /* value NULL: not evaluated (or error: raised) */
typedef struct rp_text { char *s; size_t bytes, cut; } rp_text; /* s NULL: none */

typedef struct rp_item {
    rp_kind kind;
    int attempt;
    int64_t wall_ms;
    char *status, *text;             /* text: log/note/wait/retry/error text, expect message, gate question */
    char *file, *source_line;        /* position (expect, stop-if, error) */
    int line, col, of_expect;        /* of_expect: an error raised by a failed expect/stop-if */
    char *source;                    /* expect / stop-if condition */
    int nvalues, count;              /* count: evaluations folded into this item */
    rp_value *values;
    uint64_t effect_id;              /* effects */
    char *effect, *target;
    int ended, code;
    int64_t duration_ms;
    rp_text out, err;
    char *answer, *who;              /* gates */
    int64_t asked_ms;
} rp_item;

typedef struct rp_list { rp_item *v; int n, cap, dropped; } rp_list;

typedef struct rp_step {
    char *name, *section;
    char *status, *reason;  /* status NULL: never ended (not run, or unfinished when started) */
    int started, restarted, attempts, rollback; /* rollback: index in rbk_report.rb, or -1 */
    int64_t start_wall, end_wall, duration_ms;
    rp_list items;
} rp_step;

typedef struct rp_rollback {
    int step, ran;
    char *status, *reason; /* status NULL: started, no end recorded */
    int64_t start_wall, duration_ms;
    rp_list items;
} rp_rollback;

struct rbk_report {
    char *path, *runbook, *title, *host, *user;
    int fmt;
    char artifact[65];
    int nsources;
    char **src_path;
    char (*src_sha)[65];
    int nsteps;
    rp_step *steps;
    rp_list outside;           /* events outside any step: top-level code, policy notes */
    rp_rollback *rb;           /* in the order the rollback went */
    int nrb, cur_rb;           /* cur_rb: the rollback block running, or -1 */
    int pnr;                   /* point of no return: step index, or -1 */
    char *pnr_text;
    int64_t pnr_wall;
    long nevents;
    int have_start, have_end, dry_run, code;
    char *end_status;
    int64_t start_wall, end_wall, duration_ms, prompt_wall;
};

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
static int format_of(const char *path) {
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return -1;
    if (!strcasecmp(dot, ".md")) return RP_MD;
    if (!strcasecmp(dot, ".json")) return RP_JSON;
    if (!strcasecmp(dot, ".xml")) return RP_XML;
    return -1;
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
    int fmt = format_of(path);
    if (fmt < 0) {
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "the format comes from the extension: .md (Markdown), .json or .xml (JUnit), not \"%s\"", path);
        *err = rbk_sbuf_detach(&m);
        return NULL;
    }
    if ((*err = check_writable(path))) return NULL;
    rbk_report *r = rbk_xcalloc(1, sizeof *r);
    r->path = rbk_xstrdup(path);
    r->fmt = fmt;
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
    }
    r->cur_rb = -1;
    r->pnr = -1;
    return r;
}

/* ------------------------------------------------------------------ the sink */
/* Where an event's items go: the rollback block that runs, else its step, else outside. */
static rp_list *items_for(rbk_report *r, const rbk_event *ev, int *attempt) {
    *attempt = 1;
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
static void on_step(rbk_report *r, const rbk_event *ev) {
    if (ev->step < 0 || ev->step >= r->nsteps) return;
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

static void on_rollback(rbk_report *r, const rbk_event *ev) {
    if (ev->step < 0 || ev->step >= r->nsteps) return;
    rp_rollback *b;
    if (ev->kind == RBK_EV_ROLLBACK_END && r->cur_rb >= 0 && r->rb[r->cur_rb].step == ev->step) {
        b = &r->rb[r->cur_rb];
    } else {
        r->rb = rbk_xrealloc(r->rb, sizeof *r->rb * (size_t)(r->nrb + 1));
        b = &r->rb[r->nrb];
        memset(b, 0, sizeof *b);
        b->step = ev->step;
        r->steps[ev->step].rollback = r->nrb++;
    }
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
        break;
    case RBK_EV_RUN_END:
        r->have_end = 1;
        r->end_wall = ev->wall_ms;
        r->duration_ms = ev->duration_ms;
        r->code = ev->code;
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
        if ((it = add_simple(r, ev, RP_WAIT, 0))) it->duration_ms = ev->duration_ms;
        break;
    case RBK_EV_EFFECT_START:
        if ((it = add_simple(r, ev, RP_EFFECT, 0))) {
            it->effect_id = ev->effect_id;
            it->effect = dup_text(ev->effect ? ev->effect : "?");
            it->target = dup_text(ev->target ? ev->target : "");
        }
        break;
    case RBK_EV_EFFECT_END: on_effect_end(r, ev); break;
    case RBK_EV_PROMPT: r->prompt_wall = ev->wall_ms; break;
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

/* ------------------------------------------------------------------ shared wording */
static void add_time(rbk_sbuf *b, int64_t wall_ms) {
    char t[32];
    rbk_rfc3339(wall_ms, t);
    rbk_sbuf_adds(b, t);
}
static void add_dur(rbk_sbuf *b, int64_t ms) { rbk_duration_fmt(b, ms); }

static const char *verdict(const rbk_report *r) { return r->have_end && r->code == 0 ? "GO" : "NO-GO"; }
static const char *outcome(const rbk_report *r) {
    if (!r->have_end) return "unfinished";
    return r->end_status;
}
static const char *meaning(const rbk_report *r) {
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
static const char *step_status(const rp_step *s) {
    if (s->status) return s->status;
    return s->started ? "unfinished" : "not run";
}

typedef struct rp_counts { int ok, failed, stopped, skipped, interrupted, unfinished, not_run, unverified; } rp_counts;
static rp_counts count_steps(const rbk_report *r) {
    rp_counts c = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < r->nsteps; i++) {
        for (int k = 0; k < r->steps[i].items.n; k++) {
            const rp_item *it = &r->steps[i].items.v[k];
            if ((it->kind == RP_EXPECT || it->kind == RP_STOP_IF) && !strcmp(it->status, "unverified")) c.unverified++;
        }
        const char *s = step_status(&r->steps[i]);
        if (!strcmp(s, "ok")) c.ok++;
        else if (!strcmp(s, "failed")) c.failed++;
        else if (!strcmp(s, "stopped")) c.stopped++;
        else if (!strcmp(s, "skipped")) c.skipped++;
        else if (!strcmp(s, "interrupted")) c.interrupted++;
        else if (!strcmp(s, "not run")) c.not_run++;
        else c.unfinished++;
    }
    return c;
}

static const rp_item *outside_error(const rbk_report *r);

/* Why the run is NO-GO: the first step that did not end ok or skipped, else the first error
 * outside the steps. NULL when there is none. Appended to b. */
static int add_reason(rbk_sbuf *b, const rbk_report *r) {
    for (int i = 0; i < r->nsteps; i++) {
        const rp_step *s = &r->steps[i];
        const char *st = step_status(s);
        if (!strcmp(st, "ok") || !strcmp(st, "skipped") || !strcmp(st, "not run")) continue;
        rbk_sbuf_printf(b, "step %d \"%s\" %s", i + 1, s->name, st);
        if (s->reason && strcmp(s->reason, st)) rbk_sbuf_printf(b, ": %s", s->reason);
        return 1;
    }
    const rp_item *e = outside_error(r);
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
static void item_summary(rbk_sbuf *b, const rp_item *it) {
    rbk_sbuf d = RBK_SBUF_INIT;
    switch (it->kind) {
    case RP_EFFECT:
        if (!strcmp(it->effect, "dry-run")) { rbk_sbuf_adds(b, "not done (dry run)"); break; }
        if (!it->ended) { rbk_sbuf_adds(b, "no outcome recorded (the run ended during it)"); break; }
        add_dur(&d, it->duration_ms);
        rbk_sbuf_printf(b, "%s, ", it->status);
        add_code(b, it->effect, it->code);
        rbk_sbuf_printf(b, ", %s", rbk_sbuf_cstr(&d));
        break;
    case RP_WAIT:
        add_dur(b, it->duration_ms);
        if (it->text) rbk_sbuf_printf(b, " — %s", it->text);
        break;
    case RP_GATE:
        rbk_sbuf_printf(b, "answered %s by %s at ", it->answer, it->who);
        add_time(b, it->wall_ms);
        if (it->asked_ms) { rbk_sbuf_adds(b, " (asked at "); add_time(b, it->asked_ms); rbk_sbuf_addc(b, ')'); }
        break;
    default: break;
    }
    rbk_sbuf_free(&d);
}

static const char *kind_word(const rp_item *it) {
    static const char *w[] = {"expect", "stop-if", "effect", "log", "note", "wait", "gate", "error", "retry"};
    return it->kind == RP_EFFECT ? it->effect : w[it->kind];
}

/* An error event is a stop or an interruption when it says so, else an error (failed, timeout). */
static const char *error_word(const rp_item *it) {
    if (!strcmp(it->status, "stopped") || !strcmp(it->status, "interrupted")) return it->status;
    return "error";
}

static void add_caret(rbk_sbuf *b, const rp_item *it, const char *indent) {
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
static void item_text(rbk_sbuf *b, const rp_item *it) {
    switch (it->kind) {
    case RP_EXPECT:
    case RP_STOP_IF:
        rbk_sbuf_printf(b, "%s %s: %s", kind_word(it), it->source, it->status);
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
        item_summary(b, it);
        rbk_sbuf_addc(b, '\n');
        if (it->out.s) { rbk_sbuf_printf(b, "  stdout (%zu bytes):\n", it->out.bytes); add_indented(b, "    ", it->out.s); }
        if (it->err.s) { rbk_sbuf_printf(b, "  stderr (%zu bytes):\n", it->err.bytes); add_indented(b, "    ", it->err.s); }
        break;
    case RP_ERROR:
        rbk_sbuf_adds(b, error_word(it));
        if (!strcmp(error_word(it), "error")) rbk_sbuf_printf(b, " (%s)", it->status);
        if (it->file) rbk_sbuf_printf(b, " at %s:%d:%d", it->file, it->line, it->col);
        rbk_sbuf_printf(b, ": %s\n", it->text ? it->text : "");
        add_caret(b, it, "  ");
        break;
    case RP_GATE:
        rbk_sbuf_printf(b, "gate \"%s\": ", it->text ? it->text : "");
        item_summary(b, it);
        rbk_sbuf_addc(b, '\n');
        break;
    case RP_RETRY:
        rbk_sbuf_printf(b, "retry: attempt %d (the last attempt failed: %s)\n", it->attempt, it->text ? it->text : "?");
        break;
    case RP_WAIT:
        rbk_sbuf_adds(b, "wait ");
        item_summary(b, it);
        rbk_sbuf_addc(b, '\n');
        break;
    default:
        rbk_sbuf_printf(b, "%s %s\n", kind_word(it), it->text ? it->text : "");
        break;
    }
}

static void list_text(rbk_sbuf *b, const rp_list *l) {
    for (int i = 0; i < l->n; i++) item_text(b, &l->v[i]);
    if (l->dropped) rbk_sbuf_printf(b, "(%d more routine events not kept)\n", l->dropped);
}

/* ------------------------------------------------------------------ Markdown */
static size_t longest_run(const char *s, char c) {
    size_t best = 0, cur = 0;
    for (; *s; s++) {
        cur = *s == c ? cur + 1 : 0;
        if (cur > best) best = cur;
    }
    return best;
}

/* Text that reads literally in a paragraph or a table cell: Markdown punctuation is
 * backslash-escaped; a newline is <br> in a cell, a space elsewhere. */
static void md_esc(rbk_sbuf *b, const char *s, int cell) {
    for (; *s; s++) {
        if (*s == '\n') { rbk_sbuf_adds(b, cell ? "<br>" : " "); continue; }
        if (strchr("\\`*_[]<>|#!~&", *s)) rbk_sbuf_addc(b, '\\');
        rbk_sbuf_addc(b, *s);
    }
}

/* A code span (one line); in a table cell `|` is escaped as GFM requires. Multi-line text
 * falls back to escaped text. */
static void md_code(rbk_sbuf *b, const char *s, int cell) {
    size_t n = strlen(s);
    if (!n) { rbk_sbuf_adds(b, "*(empty)*"); return; }
    if (strchr(s, '\n')) { md_esc(b, s, cell); return; }
    size_t ticks = longest_run(s, '`') + 1;
    int pad = s[0] == '`' || s[n - 1] == '`' || (s[0] == ' ' && s[n - 1] == ' ');
    for (size_t i = 0; i < ticks; i++) rbk_sbuf_addc(b, '`');
    if (pad) rbk_sbuf_addc(b, ' ');
    for (; *s; s++) {
        if (cell && *s == '|') rbk_sbuf_addc(b, '\\');
        rbk_sbuf_addc(b, *s);
    }
    if (pad) rbk_sbuf_addc(b, ' ');
    for (size_t i = 0; i < ticks; i++) rbk_sbuf_addc(b, '`');
}

/* A fenced block longer than any backtick run in the text. */
static void md_fence(rbk_sbuf *b, const char *s) {
    size_t ticks = longest_run(s, '`') + 1;
    if (ticks < 3) ticks = 3;
    for (size_t i = 0; i < ticks; i++) rbk_sbuf_addc(b, '`');
    rbk_sbuf_addc(b, '\n');
    rbk_sbuf_adds(b, s);
    if (*s && s[strlen(s) - 1] != '\n') rbk_sbuf_addc(b, '\n');
    for (size_t i = 0; i < ticks; i++) rbk_sbuf_addc(b, '`');
    rbk_sbuf_adds(b, "\n\n");
}

/* " `text`" for a single line; multi-line text goes to a fenced block in `block`, shown
 * after the line. */
static void md_code_or_block(rbk_sbuf *b, const char *s, rbk_sbuf *block) {
    if (strchr(s, '\n')) { md_fence(block, s); return; }
    rbk_sbuf_addc(b, ' ');
    md_code(b, s, 0);
}

static void md_status(rbk_sbuf *b, const char *st) {
    if (!strcmp(st, "ok") || !strcmp(st, "passed") || !strcmp(st, "clear") || !strcmp(st, "skipped") || !strcmp(st, "not run") ||
        !strcmp(st, "none"))
        rbk_sbuf_adds(b, st);
    else {
        rbk_sbuf_adds(b, "**");
        for (const char *p = st; *p; p++) rbk_sbuf_addc(b, *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p == '-' ? ' ' : *p);
        rbk_sbuf_adds(b, "**");
    }
}

static void md_values(rbk_sbuf *b, const rp_item *it) {
    if (!it->nvalues) return;
    rbk_sbuf_adds(b, "| Expression | Value |\n|---|---|\n");
    for (int i = 0; i < it->nvalues; i++) {
        rbk_sbuf_adds(b, "| ");
        md_code(b, it->values[i].expr, 1);
        rbk_sbuf_adds(b, " | ");
        if (it->values[i].error) { rbk_sbuf_adds(b, "*error:* "); md_code(b, it->values[i].error, 1); }
        else if (it->values[i].value) md_code(b, it->values[i].value, 1);
        else rbk_sbuf_adds(b, "*(not evaluated)*");
        rbk_sbuf_adds(b, " |\n");
    }
    rbk_sbuf_addc(b, '\n');
}

static void md_stream(rbk_sbuf *b, const char *name, const rp_text *t) {
    if (!t->s) return;
    rbk_sbuf_printf(b, "%s (%zu byte%s", name, t->bytes, t->bytes == 1 ? "" : "s");
    if (t->cut) rbk_sbuf_printf(b, ", %zu cut from the middle", t->cut);
    rbk_sbuf_adds(b, "):\n\n");
    md_fence(b, t->s);
}

static void md_item(rbk_sbuf *b, const rp_item *it) {
    rbk_sbuf block = RBK_SBUF_INIT;
    switch (it->kind) {
    case RP_EXPECT:
    case RP_STOP_IF:
        rbk_sbuf_printf(b, "**%s**", kind_word(it));
        md_code_or_block(b, it->source, &block);
        rbk_sbuf_adds(b, " — ");
        md_status(b, it->status);
        if (it->file) rbk_sbuf_printf(b, " at `%s:%d:%d`", it->file, it->line, it->col);
        if (it->count > 1) rbk_sbuf_printf(b, "; evaluated %d times, the values are from the last", it->count);
        if (it->text) { rbk_sbuf_adds(b, "  \nMessage: "); md_esc(b, it->text, 0); }
        rbk_sbuf_adds(b, "\n\n");
        rbk_sbuf_add(b, rbk_sbuf_cstr(&block), block.len);
        md_values(b, it);
        break;
    case RP_EFFECT:
        rbk_sbuf_printf(b, "**%s**", !strcmp(it->effect, "dry-run") ? "would run" : it->effect);
        md_code_or_block(b, it->target, &block);
        rbk_sbuf_adds(b, " — ");
        item_summary(b, it);
        rbk_sbuf_adds(b, "\n\n");
        rbk_sbuf_add(b, rbk_sbuf_cstr(&block), block.len);
        md_stream(b, "stdout", &it->out);
        md_stream(b, "stderr", &it->err);
        break;
    case RP_ERROR: {
        rbk_sbuf_printf(b, "**%s**", error_word(it));
        if (!strcmp(error_word(it), "error")) { rbk_sbuf_adds(b, " ("); md_esc(b, it->status, 0); rbk_sbuf_adds(b, ")"); }
        if (it->file) rbk_sbuf_printf(b, " at `%s:%d:%d`", it->file, it->line, it->col);
        rbk_sbuf_adds(b, ":\n\n");
        rbk_sbuf t = RBK_SBUF_INIT;
        rbk_sbuf_printf(&t, "%s\n", it->text ? it->text : "");
        add_caret(&t, it, "");
        md_fence(b, rbk_sbuf_cstr(&t));
        rbk_sbuf_free(&t);
        break;
    }
    case RP_GATE:
        rbk_sbuf_adds(b, "**gate** ");
        md_esc(b, it->text ? it->text : "", 0);
        rbk_sbuf_adds(b, " — **");
        md_esc(b, it->answer, 0);
        rbk_sbuf_adds(b, "**, by ");
        md_esc(b, it->who, 0);
        rbk_sbuf_adds(b, " at ");
        add_time(b, it->wall_ms);
        if (it->asked_ms) { rbk_sbuf_adds(b, " (asked at "); add_time(b, it->asked_ms); rbk_sbuf_addc(b, ')'); }
        rbk_sbuf_adds(b, "\n\n");
        break;
    case RP_RETRY:
        rbk_sbuf_printf(b, "#### Attempt %d\n\nThe last attempt failed: ", it->attempt);
        md_esc(b, it->text ? it->text : "?", 0);
        rbk_sbuf_adds(b, "\n\n");
        break;
    case RP_WAIT:
        rbk_sbuf_adds(b, "**wait** ");
        add_dur(b, it->duration_ms);
        if (it->text) { rbk_sbuf_adds(b, " — "); md_esc(b, it->text, 0); }
        rbk_sbuf_adds(b, "\n\n");
        break;
    default: /* log, note */
        rbk_sbuf_printf(b, "**%s**", kind_word(it));
        if (it->text && strchr(it->text, '\n')) { rbk_sbuf_adds(b, "\n\n"); md_fence(b, it->text); break; }
        rbk_sbuf_addc(b, ' ');
        md_esc(b, it->text ? it->text : "", 0);
        rbk_sbuf_adds(b, "\n\n");
        break;
    }
    rbk_sbuf_free(&block);
}

static void md_list(rbk_sbuf *b, const rp_list *l, int attempts) {
    if (attempts > 1) rbk_sbuf_adds(b, "#### Attempt 1\n\n");
    for (int i = 0; i < l->n; i++) md_item(b, &l->v[i]);
    if (l->dropped) rbk_sbuf_printf(b, "*%d more routine events (logs, passing checks, commands) were not kept.*\n\n", l->dropped);
}

static void md_header(rbk_sbuf *b, const rbk_report *r) {
    rbk_sbuf_adds(b, "# Run report: ");
    md_esc(b, r->title ? r->title : r->runbook, 0);
    rbk_sbuf_printf(b, "\n\n**%s** — ", verdict(r));
    if (r->have_end) rbk_sbuf_printf(b, "exit %d (%s): ", r->code, outcome(r));
    rbk_sbuf_printf(b, "%s.\n\n", meaning(r));
    rbk_sbuf why = RBK_SBUF_INIT;
    if (add_reason(&why, r)) {
        rbk_sbuf_adds(b, "Reason: ");
        md_esc(b, rbk_sbuf_cstr(&why), 0);
        rbk_sbuf_adds(b, "\n\n");
    }
    rbk_sbuf_free(&why);
    if (r->dry_run) rbk_sbuf_adds(b, "**DRY RUN**: reads ran for real; every write was shown, not done.\n\n");
    rbk_sbuf_adds(b, "| | |\n|---|---|\n| Runbook | ");
    md_code(b, r->runbook, 1);
    rbk_sbuf_adds(b, " |\n| Title | ");
    md_esc(b, r->title ? r->title : "(none)", 1);
    rbk_sbuf_adds(b, " |\n| Started | ");
    if (r->have_start) add_time(b, r->start_wall);
    rbk_sbuf_adds(b, " |\n| Ended | ");
    if (r->have_end) add_time(b, r->end_wall);
    else rbk_sbuf_adds(b, "(no end recorded)");
    rbk_sbuf_adds(b, " |\n| Duration | ");
    if (r->have_end) add_dur(b, r->duration_ms);
    rbk_sbuf_adds(b, " |\n| Run by | ");
    md_esc(b, r->user, 1);
    rbk_sbuf_adds(b, " |\n| Host | ");
    md_esc(b, r->host, 1);
    rbk_sbuf_printf(b, " |\n| Mode | %s |\n| Artifact sha256 | `%s` |\n", r->dry_run ? "dry run" : "live", r->artifact);
    for (int i = 0; i < r->nsources; i++) {
        rbk_sbuf_adds(b, "| Source ");
        md_code(b, r->src_path[i], 1);
        rbk_sbuf_printf(b, " | sha256 `%s` |\n", r->src_sha[i]);
    }
    rbk_sbuf_addc(b, '\n');
}

static void md_summary(rbk_sbuf *b, const rbk_report *r) {
    rbk_sbuf_adds(b, "## Steps\n\n| # | Section | Step | Status | Attempts | Duration |\n|--:|---|---|---|--:|--:|\n");
    for (int i = 0; i < r->nsteps; i++) {
        const rp_step *s = &r->steps[i];
        rbk_sbuf_printf(b, "| %d | ", i + 1);
        md_esc(b, s->section ? s->section : "", 1);
        rbk_sbuf_adds(b, " | ");
        md_esc(b, s->name, 1);
        rbk_sbuf_adds(b, " | ");
        md_status(b, step_status(s));
        if (s->status && s->reason && (!strcmp(s->status, "skipped") || !s->started)) { rbk_sbuf_adds(b, ": "); md_esc(b, s->reason, 1); }
        rbk_sbuf_printf(b, " | %d | ", s->attempts);
        if (s->status && s->started) add_dur(b, s->duration_ms);
        else rbk_sbuf_adds(b, "—");
        rbk_sbuf_adds(b, " |\n");
    }
    rp_counts c = count_steps(r);
    rbk_sbuf_printf(b, "\n%d step%s: %d ok, %d failed, %d stopped, %d skipped, %d interrupted, %d not run", r->nsteps,
                    r->nsteps == 1 ? "" : "s", c.ok, c.failed, c.stopped, c.skipped, c.interrupted, c.not_run);
    if (c.unfinished) rbk_sbuf_printf(b, ", %d unfinished", c.unfinished);
    rbk_sbuf_adds(b, ".\n\n");
    if (c.unverified)
        rbk_sbuf_printf(b, "%d check%s unverified: %s on a write the dry run did not do.\n\n", c.unverified,
                        c.unverified == 1 ? "" : "s", c.unverified == 1 ? "it depends" : "they depend");
}

static void md_step(rbk_sbuf *b, const rbk_report *r, int i) {
    const rp_step *s = &r->steps[i];
    rbk_sbuf_printf(b, "### %d. ", i + 1);
    md_esc(b, s->name, 0);
    rbk_sbuf_adds(b, " — ");
    md_status(b, step_status(s));
    rbk_sbuf_adds(b, "\n\n");
    if (s->section) { rbk_sbuf_adds(b, "Section: "); md_esc(b, s->section, 0); rbk_sbuf_adds(b, ".  \n"); }
    if (s->started) {
        rbk_sbuf_adds(b, "Started ");
        add_time(b, s->start_wall);
        if (s->status) { rbk_sbuf_adds(b, ", ended "); add_time(b, s->end_wall); rbk_sbuf_adds(b, ", took "); add_dur(b, s->duration_ms); }
        rbk_sbuf_printf(b, "; %d attempt%s.", s->attempts, s->attempts == 1 ? "" : "s");
    } else if (!s->status) {
        rbk_sbuf_adds(b, "Never started: the run ended before this step.");
    }
    if (s->reason && s->status && (strcmp(s->status, "ok") || !s->started)) {
        rbk_sbuf_adds(b, s->started ? "  \n" : "");
        rbk_sbuf_adds(b, !strcmp(s->status, "skipped") ? "Skipped: " : !s->started ? "Not run in this run: " : "Outcome: ");
        md_esc(b, s->reason, 0);
    }
    rbk_sbuf_adds(b, "\n\n");
    md_list(b, &s->items, s->attempts);
}

static void md_rollback(rbk_sbuf *b, const rbk_report *r) {
    rbk_sbuf_adds(b, "## Rollback\n\n");
    if (!r->nrb) {
        rbk_sbuf_adds(b, r->have_end && r->code == 1 ? "Nothing needed rolling back.\n\n" : "No rollback ran.\n\n");
        return;
    }
    rbk_sbuf_adds(b, "In the order it ran (newest step first):\n\n| Order | # | Step | Rollback | Duration | Detail |\n|--:|--:|---|---|--:|---|\n");
    for (int k = 0; k < r->nrb; k++) {
        const rp_rollback *rb = &r->rb[k];
        rbk_sbuf_printf(b, "| %d | %d | ", k + 1, rb->step + 1);
        md_esc(b, r->steps[rb->step].name, 1);
        rbk_sbuf_adds(b, " | ");
        md_status(b, rb->status ? rb->status : "unfinished");
        rbk_sbuf_adds(b, " | ");
        if (rb->ran && rb->status) add_dur(b, rb->duration_ms);
        else rbk_sbuf_adds(b, "—");
        rbk_sbuf_adds(b, " | ");
        md_esc(b, rb->reason ? rb->reason : "", 1);
        rbk_sbuf_adds(b, " |\n");
    }
    rbk_sbuf_addc(b, '\n');
    for (int k = 0; k < r->nrb; k++) {
        const rp_rollback *rb = &r->rb[k];
        if (!rb->ran) continue;
        rbk_sbuf_printf(b, "### Rollback of %d. ", rb->step + 1);
        md_esc(b, r->steps[rb->step].name, 0);
        rbk_sbuf_adds(b, " — ");
        md_status(b, rb->status ? rb->status : "unfinished");
        rbk_sbuf_adds(b, "\n\nStarted ");
        add_time(b, rb->start_wall);
        if (rb->status) { rbk_sbuf_adds(b, ", took "); add_dur(b, rb->duration_ms); }
        rbk_sbuf_adds(b, ".\n\n");
        md_list(b, &rb->items, 1);
    }
}

static void md_render(rbk_sbuf *b, const rbk_report *r) {
    md_header(b, r);
    md_summary(b, r);
    for (int i = 0; i < r->nsteps; i++) md_step(b, r, i);
    if (r->outside.n || r->outside.dropped) {
        rbk_sbuf_adds(b, "## Outside the steps\n\nTop-level code and the failure policy:\n\n");
        md_list(b, &r->outside, 1);
    }
    md_rollback(b, r);
    rbk_sbuf_adds(b, "## Point of no return\n\n");
    if (r->pnr >= 0) {
        rbk_sbuf_printf(b, "Step %d \"", r->pnr + 1);
        md_esc(b, r->steps[r->pnr].name, 0);
        rbk_sbuf_adds(b, "\" is irreversible");
        if (r->pnr_text && *r->pnr_text) { rbk_sbuf_adds(b, " ("); md_esc(b, r->pnr_text, 0); rbk_sbuf_addc(b, ')'); }
        rbk_sbuf_adds(b, "; it completed at ");
        add_time(b, r->pnr_wall);
        rbk_sbuf_adds(b, ". No rollback can go back past it.\n\n");
    } else {
        rbk_sbuf_adds(b, "Not reached: no irreversible step completed.\n\n");
    }
    rbk_sbuf_printf(b, "---\n\nWritten by `runbook run` from the run's events. Secrets are masked (`***`); a text longer "
                       "than %d bytes keeps its head and tail; control characters are shown as symbols (␛).\n",
                    RP_TEXT_LIMIT);
}

/* ------------------------------------------------------------------ JSON */
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
    jw_str(w, "verdict", verdict(r));
    if (r->have_end) jw_int(w, "exit_code", r->code); else jw_null(w, "exit_code");
    jw_str(w, "outcome", outcome(r));
    jw_str(w, "meaning", meaning(r));
    rbk_sbuf why = RBK_SBUF_INIT;
    jw_str(w, "reason", add_reason(&why, r) ? rbk_sbuf_cstr(&why) : NULL);
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
    rp_counts c = count_steps(r);
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
    jw_str(w, "status", step_status(s));
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

static void json_render(rbk_sbuf *b, const rbk_report *r) {
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

/* ------------------------------------------------------------------ JUnit XML */
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
static void xml_problem_details(rbk_sbuf *t, const rp_step *s) {
    for (int i = 0; i < s->items.n; i++) {
        const rp_item *it = &s->items.v[i];
        if (it->attempt != s->attempts) continue;
        int bad = (it->kind == RP_ERROR && !it->of_expect) ||
                  ((it->kind == RP_EXPECT || it->kind == RP_STOP_IF) && (!strcmp(it->status, "failed") || !strcmp(it->status, "stopped"))) ||
                  (it->kind == RP_EFFECT && it->ended && strcmp(it->status, "ok") && strcmp(it->status, "skipped"));
        if (bad) item_text(t, it);
    }
}

static void xml_rollback_line(rbk_sbuf *t, const rbk_report *r, const rp_step *s) {
    if (s->rollback < 0) return;
    const rp_rollback *rb = &r->rb[s->rollback];
    rbk_sbuf_printf(t, "rollback: %s%s%s\n", rb->status ? rb->status : "unfinished", rb->reason ? " — " : "", rb->reason ? rb->reason : "");
    list_text(t, &rb->items);
}

static void xml_testcase(rbk_sbuf *b, const rbk_report *r, int i) {
    const rp_step *s = &r->steps[i];
    const char *st = step_status(s);
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
        xml_problem_details(&t, s);
        xml_esc(b, rbk_sbuf_cstr(&t), 0);
        rbk_sbuf_printf(b, "</%s>\n", el);
    } else if (!strcmp(st, "skipped") || !strcmp(st, "not run")) {
        if (!strcmp(st, "not run")) rbk_sbuf_adds(&msg, ": the run ended before this step");
        rbk_sbuf_adds(b, "      <skipped");
        xml_attr(b, "message", rbk_sbuf_cstr(&msg));
        rbk_sbuf_adds(b, "/>\n");
    }
    rbk_sbuf_reset(&t);
    list_text(&t, &s->items);
    xml_rollback_line(&t, r, s);
    if (t.len) {
        rbk_sbuf_adds(b, "      <system-out>");
        xml_esc(b, rbk_sbuf_cstr(&t), 0);
        rbk_sbuf_adds(b, "</system-out>\n");
    }
    rbk_sbuf_adds(b, "    </testcase>\n");
    rbk_sbuf_free(&msg);
    rbk_sbuf_free(&t);
}

static void xml_properties(rbk_sbuf *b, const rbk_report *r) {
    rbk_sbuf v = RBK_SBUF_INIT;
    rbk_sbuf_adds(b, "    <properties>\n");
    xml_prop(b, "verdict", verdict(r));
    rbk_sbuf_printf(&v, "%d", r->code);
    xml_prop(b, "exit_code", r->have_end ? rbk_sbuf_cstr(&v) : "");
    xml_prop(b, "outcome", outcome(r));
    xml_prop(b, "meaning", meaning(r));
    xml_prop(b, "dry_run", r->dry_run ? "true" : "false");
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

/* The first error outside the steps (top-level code), or NULL. */
static const rp_item *outside_error(const rbk_report *r) {
    for (int i = 0; i < r->outside.n; i++)
        if (r->outside.v[i].kind == RP_ERROR) return &r->outside.v[i];
    return NULL;
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
    item_text(&t, e);
    xml_esc(b, rbk_sbuf_cstr(&t), 0);
    rbk_sbuf_printf(b, "</%s>\n    </testcase>\n", el);
    rbk_sbuf_free(&t);
}

static void xml_counts(rbk_sbuf *b, const rbk_report *r) {
    rp_counts c = count_steps(r);
    const rp_item *e = outside_error(r);
    int top_fail = e && strcmp(e->status, "interrupted"), top_err = e && !top_fail;
    rbk_sbuf_printf(b, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\"", r->nsteps + (e != NULL), c.failed + top_fail,
                    c.stopped + c.interrupted + c.unfinished + top_err, c.skipped + c.not_run);
    xml_secs(b, "time", r->have_end ? r->duration_ms : 0);
}

static void xml_render(rbk_sbuf *b, const rbk_report *r) {
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
    for (int i = 0; i < r->nsteps; i++) xml_testcase(b, r, i);
    if (outside_error(r)) xml_toplevel_case(b, r, outside_error(r));
    rbk_sbuf t = RBK_SBUF_INIT, why = RBK_SBUF_INIT;
    rbk_sbuf_printf(&t, "%s — ", verdict(r));
    if (r->have_end) rbk_sbuf_printf(&t, "exit %d (%s): ", r->code, outcome(r));
    rbk_sbuf_printf(&t, "%s\n", meaning(r));
    if (add_reason(&why, r)) rbk_sbuf_printf(&t, "reason: %s\n", rbk_sbuf_cstr(&why));
    list_text(&t, &r->outside);
    for (int k = 0; k < r->nrb; k++)
        rbk_sbuf_printf(&t, "rollback %d: step %d %s: %s\n", k + 1, r->rb[k].step + 1, r->steps[r->rb[k].step].name,
                        r->rb[k].status ? r->rb[k].status : "unfinished");
    rbk_sbuf_adds(b, "    <system-out>");
    xml_esc(b, rbk_sbuf_cstr(&t), 0);
    rbk_sbuf_adds(b, "</system-out>\n  </testsuite>\n</testsuites>\n");
    rbk_sbuf_free(&t);
    rbk_sbuf_free(&why);
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
    if (r->fmt == RP_MD) md_render(&out, r);
    else if (r->fmt == RP_JSON) json_render(&out, r);
    else xml_render(&out, r);
    int rc = rbk_file_write_atomic(r->path, rbk_sbuf_cstr(&out), out.len, &e) ? -1 : 0;
    if (rc && err) *err = rbk_sbuf_detach(&e);
    rbk_sbuf_free(&out);
    rbk_sbuf_free(&e);
    report_free(r);
    return rc;
}

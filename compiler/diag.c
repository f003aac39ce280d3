/* compiler/diag.c — see diag.h. */
#include "diag.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void rbk_diags_init(rbk_diags *d, rbk_sources *sources) {
    memset(d, 0, sizeof *d);
    d->sources = sources;
    d->max_errors = 100;
}
void rbk_diags_free(rbk_diags *d) {
    for (int i = 0; i < d->n; i++) {
        free(d->items[i].msg);
        free(d->items[i].hint);
        for (int j = 0; j < d->items[i].nnotes; j++) free(d->items[i].notes[j].msg);
        free(d->items[i].notes);
    }
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
    free(d->dropped.hint);
    d->dropped.hint = NULL;
}
rbk_diag *rbk_diag_add(rbk_diags *d, rbk_severity sev, const char *rule, int file, uint32_t off,
                       uint32_t end, const char *fmt, ...) {
    if (sev == RBK_SEV_ERROR) {
        d->nerrors++;
        if (d->nerrors > d->max_errors) { /* its own, per diagnostics set (convention 6) */
            free(d->dropped.hint);
            d->dropped.hint = NULL;
            return &d->dropped;
        }
    }
    if (sev == RBK_SEV_WARNING) d->nwarnings++;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = rbk_xrealloc(d->items, sizeof(rbk_diag) * (size_t)d->cap);
    }
    rbk_diag *dg = &d->items[d->n++];
    memset(dg, 0, sizeof *dg);
    dg->sev = sev;
    dg->rule = rule;
    dg->file = file;
    dg->off = off;
    dg->end = end < off ? off : end;
    rbk_sbuf b = RBK_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    dg->msg = rbk_sbuf_detach(&b);
    return dg;
}
int rbk_diag_dropped(const rbk_diag *dg) { return dg->msg == NULL; }
void rbk_diag_hint(rbk_diag *dg, const char *fmt, ...) {
    rbk_sbuf b = RBK_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    free(dg->hint);
    dg->hint = rbk_sbuf_detach(&b);
}
void rbk_diag_note(rbk_diag *dg, int file, uint32_t off, uint32_t end, const char *fmt, ...) {
    if (rbk_diag_dropped(dg)) return;
    rbk_sbuf b = RBK_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    dg->notes = rbk_xrealloc(dg->notes, sizeof(rbk_note) * (size_t)(dg->nnotes + 1));
    dg->notes[dg->nnotes++] = (rbk_note){file, off, end < off ? off : end, rbk_sbuf_detach(&b)};
}
rbk_diag *rbk_diag_copy(rbk_diags *d, const rbk_diag *x) {
    rbk_diag *y = rbk_diag_add(d, x->sev, x->rule, x->file, x->off, x->end, "%s", x->msg);
    if (x->hint) rbk_diag_hint(y, "%s", x->hint);
    for (int j = 0; j < x->nnotes; j++)
        rbk_diag_note(y, x->notes[j].file, x->notes[j].off, x->notes[j].end, "%s", x->notes[j].msg);
    return y;
}
static int diag_cmp(const void *a, const void *b) {
    const rbk_diag *x = a, *y = b;
    if (x->file != y->file) return x->file - y->file;
    if (x->off != y->off) return x->off < y->off ? -1 : 1;
    return 0;
}
void rbk_diags_sort(rbk_diags *d) {
    /* a merge sort: stable, and n log n. Warnings are not capped as errors are, and the checker
     * adds some at the end (unused top-level names) that belong before all the others: the
     * insertion sort this was took 1.7 s for 40,000 of each, quadratically more for more. */
    if (d->n < 2) return;
    rbk_diag *a = d->items, *b = rbk_xmalloc(sizeof(rbk_diag) * (size_t)d->n);
    for (int w = 1; w < d->n; w *= 2) {
        for (int lo = 0; lo < d->n; lo += 2 * w) {
            int mid = lo + w < d->n ? lo + w : d->n, hi = lo + 2 * w < d->n ? lo + 2 * w : d->n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi) b[k++] = diag_cmp(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
            while (i < mid) b[k++] = a[i++];
            while (j < hi) b[k++] = a[j++];
        }
        rbk_diag *t = a;
        a = b;
        b = t;
    }
    if (a != d->items) {
        memcpy(d->items, a, sizeof(rbk_diag) * (size_t)d->n);
        free(a);
    } else {
        free(b);
    }
}

static const char *sev_name(rbk_severity s) {
    return s == RBK_SEV_ERROR ? "error" : s == RBK_SEV_WARNING ? "warning" : "note";
}
static const char *sev_color(rbk_severity s) {
    return s == RBK_SEV_ERROR ? "\033[1;31m" : s == RBK_SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
}
void rbk_diag_caret(const rbk_source *src, uint32_t off, uint32_t end, int color, rbk_sbuf *out) {
    int line, col;
    rbk_source_linecol(src, off, &line, &col);
    size_t llen;
    const char *l = rbk_source_line(src, line, &llen);
    /* A line longer than LINE_SHOWN bytes is shown as the part around the caret, cut at
     * character boundaries with "..." (a generated line of megabytes, printed whole under each
     * of thousands of diagnostics, was gigabytes of output). */
    enum { LINE_SHOWN = 200, BEFORE_CARET = 60 };
    size_t c0 = (size_t)col - 1 < llen ? (size_t)col - 1 : llen, from = 0, to = llen;
    if (llen > LINE_SHOWN) {
        if (c0 > BEFORE_CARET) from = c0 - BEFORE_CARET;
        while (from > 0 && (l[from] & 0xC0) == 0x80) from--;
        if (from + LINE_SHOWN < llen) to = from + LINE_SHOWN;
        while (to < llen && to > c0 && (l[to] & 0xC0) == 0x80) to--;
        if (to < c0) to = c0;
    }
    const char *cut_l = from > 0 ? "..." : "", *cut_r = to < llen ? "..." : "";
    rbk_sbuf_printf(out, "%5d | %s", line, cut_l);
    rbk_sbuf_add(out, l + from, to - from);
    rbk_sbuf_printf(out, "%s\n      | %*s", cut_r, (int)strlen(cut_l), "");
    for (size_t i = from; i < c0; i++) rbk_sbuf_addc(out, l[i] == '\t' ? '\t' : ' ');
    if (color) rbk_sbuf_adds(out, "\033[1;32m");
    rbk_sbuf_addc(out, '^');
    size_t span = end > off ? end - off : 1;
    size_t room = to > c0 ? to - c0 : 1;
    if (span > room) span = room;
    for (size_t i = 1; i < span; i++) rbk_sbuf_addc(out, '~');
    if (color) rbk_sbuf_adds(out, "\033[0m");
    rbk_sbuf_addc(out, '\n');
}
void rbk_diag_render_one(const rbk_sources *s, rbk_severity sev, int file, uint32_t off,
                         uint32_t end, const char *msg, const char *hint, int color, rbk_sbuf *out) {
    const rbk_source *src = (file >= 0 && s && file < s->n) ? s->items[file] : NULL;
    if (src) {
        int line, col;
        rbk_source_linecol(src, off, &line, &col);
        if (color) rbk_sbuf_adds(out, "\033[1m");
        rbk_sbuf_printf(out, "%s:%d:%d: ", src->path, line, col);
    } else if (color) {
        rbk_sbuf_adds(out, "\033[1m");
    }
    if (color) rbk_sbuf_adds(out, sev_color(sev));
    rbk_sbuf_printf(out, "%s:", sev_name(sev));
    if (color) rbk_sbuf_adds(out, "\033[0m\033[1m");
    rbk_sbuf_printf(out, " %s\n", msg);
    if (color) rbk_sbuf_adds(out, "\033[0m");
    if (src) rbk_diag_caret(src, off, end, color, out);
    if (hint) rbk_sbuf_printf(out, "      = hint: %s\n", hint);
}

static void json_pos(const rbk_sources *s, const rbk_diag *dg, rbk_sbuf *out) {
    if (dg->file < 0) { rbk_sbuf_adds(out, "\"file\":null"); return; }
    const rbk_source *src = s->items[dg->file];
    int line, col, eline, ecol;
    rbk_source_linecol(src, dg->off, &line, &col);
    rbk_source_linecol(src, dg->end, &eline, &ecol);
    rbk_sbuf_adds(out, "\"file\":");
    rbk_sbuf_add_json_str(out, src->path, strlen(src->path));
    rbk_sbuf_printf(out, ",\"line\":%d,\"column\":%d,\"end_line\":%d,\"end_column\":%d", line, col, eline, ecol);
}
void rbk_diag_gh_escape(rbk_sbuf *out, const char *s, int prop) {
    for (; *s; s++) {
        if (*s == '%') rbk_sbuf_adds(out, "%25");
        else if (*s == '\r') rbk_sbuf_adds(out, "%0D");
        else if (*s == '\n') rbk_sbuf_adds(out, "%0A");
        else if (prop && *s == ':') rbk_sbuf_adds(out, "%3A");
        else if (prop && *s == ',') rbk_sbuf_adds(out, "%2C");
        else rbk_sbuf_addc(out, *s);
    }
}
void rbk_diags_render(const rbk_diags *d, rbk_diag_format fmt, int color, rbk_sbuf *out) {
    const rbk_sources *s = d->sources;
    switch (fmt) {
    case RBK_FMT_TEXT:
        for (int i = 0; i < d->n; i++) {
            const rbk_diag *dg = &d->items[i];
            rbk_diag_render_one(s, dg->sev, dg->file, dg->off, dg->end, dg->msg, dg->hint, color, out);
            for (int j = 0; j < dg->nnotes; j++) {
                const rbk_note *nt = &dg->notes[j];
                if (nt->file < 0) rbk_sbuf_printf(out, "      = note: %s\n", nt->msg);
                else rbk_diag_render_one(s, RBK_SEV_NOTE, nt->file, nt->off, nt->end, nt->msg, NULL, color, out);
            }
        }
        if (d->nerrors > d->max_errors)
            rbk_sbuf_printf(out, "note: %d more errors not shown\n", d->nerrors - d->max_errors);
        break;
    case RBK_FMT_JSON:
        rbk_sbuf_adds(out, "{\"diagnostics\":[");
        for (int i = 0; i < d->n; i++) {
            const rbk_diag *dg = &d->items[i];
            if (i) rbk_sbuf_addc(out, ',');
            rbk_sbuf_printf(out, "{\"severity\":\"%s\",\"rule\":\"%s\",", sev_name(dg->sev), dg->rule ? dg->rule : "");
            json_pos(s, dg, out);
            rbk_sbuf_adds(out, ",\"message\":");
            rbk_sbuf_add_json_str(out, dg->msg, strlen(dg->msg));
            if (dg->hint) {
                rbk_sbuf_adds(out, ",\"hint\":");
                rbk_sbuf_add_json_str(out, dg->hint, strlen(dg->hint));
            }
            if (dg->nnotes) {
                rbk_sbuf_adds(out, ",\"notes\":[");
                for (int j = 0; j < dg->nnotes; j++) {
                    rbk_diag note = {.file = dg->notes[j].file, .off = dg->notes[j].off, .end = dg->notes[j].end};
                    rbk_sbuf_adds(out, j ? ",{" : "{");
                    json_pos(s, &note, out);
                    rbk_sbuf_adds(out, ",\"message\":");
                    rbk_sbuf_add_json_str(out, dg->notes[j].msg, strlen(dg->notes[j].msg));
                    rbk_sbuf_addc(out, '}');
                }
                rbk_sbuf_addc(out, ']');
            }
            rbk_sbuf_addc(out, '}');
        }
        rbk_sbuf_printf(out, "],\"errors\":%d,\"warnings\":%d}\n", d->nerrors, d->nwarnings);
        break;
    case RBK_FMT_GITHUB:
        for (int i = 0; i < d->n; i++) {
            const rbk_diag *dg = &d->items[i];
            rbk_sbuf_printf(out, "::%s", dg->sev == RBK_SEV_ERROR ? "error" : dg->sev == RBK_SEV_WARNING ? "warning" : "notice");
            if (dg->file >= 0) {
                int line, col, eline, ecol;
                rbk_source_linecol(s->items[dg->file], dg->off, &line, &col);
                rbk_source_linecol(s->items[dg->file], dg->end, &eline, &ecol);
                rbk_sbuf_adds(out, " file=");
                rbk_diag_gh_escape(out, s->items[dg->file]->path, 1);
                rbk_sbuf_printf(out, ",line=%d,col=%d,endLine=%d,endColumn=%d", line, col, eline, ecol);
            }
            rbk_sbuf_adds(out, "::");
            rbk_diag_gh_escape(out, dg->msg, 0);
            if (dg->hint) { rbk_sbuf_adds(out, " (hint: "); rbk_diag_gh_escape(out, dg->hint, 0); rbk_sbuf_adds(out, ")"); }
            for (int j = 0; j < dg->nnotes; j++) { rbk_sbuf_adds(out, " (note: "); rbk_diag_gh_escape(out, dg->notes[j].msg, 0); rbk_sbuf_adds(out, ")"); }
            rbk_sbuf_addc(out, '\n');
        }
        break;
    case RBK_FMT_SARIF:
        rbk_sbuf_adds(out, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
                           "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"runbook\",\"informationUri\":\"https://example.invalid/runbook\",\"rules\":[]}},\"results\":[");
        for (int i = 0; i < d->n; i++) {
            const rbk_diag *dg = &d->items[i];
            if (i) rbk_sbuf_addc(out, ',');
            rbk_sbuf_printf(out, "{\"ruleId\":\"%s\",\"level\":\"%s\",\"message\":{\"text\":",
                            dg->rule ? dg->rule : "runbook", dg->sev == RBK_SEV_ERROR ? "error" : dg->sev == RBK_SEV_WARNING ? "warning" : "note");
            rbk_sbuf sb = RBK_SBUF_INIT;
            rbk_sbuf_adds(&sb, dg->msg);
            if (dg->hint) rbk_sbuf_printf(&sb, " (hint: %s)", dg->hint);
            for (int j = 0; j < dg->nnotes; j++) rbk_sbuf_printf(&sb, " (note: %s)", dg->notes[j].msg);
            rbk_sbuf_add_json_str(out, sb.data, sb.len);
            rbk_sbuf_free(&sb);
            rbk_sbuf_addc(out, '}');
            if (dg->file >= 0) {
                int line, col, eline, ecol;
                rbk_source_linecol(s->items[dg->file], dg->off, &line, &col);
                rbk_source_linecol(s->items[dg->file], dg->end, &eline, &ecol);
                rbk_sbuf_adds(out, ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
                const char *p = s->items[dg->file]->path;
                rbk_sbuf_add_json_str(out, p, strlen(p));
                rbk_sbuf_printf(out, "},\"region\":{\"startLine\":%d,\"startColumn\":%d,\"endLine\":%d,\"endColumn\":%d}}}]",
                                line, col, eline, ecol);
            }
            rbk_sbuf_addc(out, '}');
        }
        rbk_sbuf_adds(out, "]}]}\n");
        break;
    }
}

static int edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 99;
    int prev[65], cur[65];
    for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int c = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < c) c = prev[j] + 1;
            if (cur[j - 1] + 1 < c) c = cur[j - 1] + 1;
            cur[j] = c;
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb];
}
const char *rbk_closest(const char *word, const char *const *cands, int n) {
    const char *best = NULL;
    int bestd = 99;
    int limit = (int)strlen(word) / 3 + 1;
    if (limit > 3) limit = 3;
    size_t wl = strlen(word);
    for (int i = 0; i < n; i++) {
        if (!cands[i] || !strcmp(cands[i], word)) continue;
        size_t cl = strlen(cands[i]); /* the distance is at least the difference in length */
        if ((cl > wl ? cl - wl : wl - cl) > (size_t)limit) continue;
        int d = edit_distance(word, cands[i]);
        if (d < bestd) { bestd = d; best = cands[i]; }
    }
    return bestd <= limit ? best : NULL;
}

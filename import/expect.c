/* import/expect.c — what the prose of a Markdown runbook says, for `runbook import`
 * (import/imp_doc.h, docs/import.md): "Expected" lines to expectations on the call above them,
 * and the sentences that become statements — "DO NOT PROCEED IF" (stop-if), "roll back if",
 * waits, questions (ask) and the labels that announce a list or a block ("Rollback:",
 * "Expected output:", "Actions:").
 * Owns: the classification of an expected value (ev), the phrases recognised.
 * Shares invariants with: import/emit.c (the templates it fills), import/imp.h (imp_call: what
 * a call's expectations can read). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imp_doc.h"

/* ------------------------------------------------------------------ "Expected" values */

void imp_ev_free(ev *e) {
    free(e->lit);
    for (int i = 0; i < e->nf; i++) { free(e->keys[i]); free(e->vals[i]); }
    free(e->keys);
    free(e->vals);
    for (int i = 0; i < e->nalts; i++) free(e->alts[i]);
    free(e->alts);
    memset(e, 0, sizeof *e);
}

char *imp_quote_lit(const char *s, size_t n) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_addc(&b, '"');
    imp_lit(&b, s, n);
    rbk_sbuf_addc(&b, '"');
    return rbk_sbuf_detach(&b);
}

static int number_lit(const char *s, size_t n) {
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    size_t d = i;
    while (i < n && isdigit((unsigned char)s[i])) i++;
    if (i == d || i - d > 18) return 0;
    if (i < n && s[i] == '.') {
        i++;
        size_t f = i;
        while (i < n && isdigit((unsigned char)s[i])) i++;
        if (i == f) return 0;
    }
    return i == n;
}

/* A scalar as a literal: a number, true/false/null, a "string" or 'string', or a bare word
 * (a string). NULL for anything else. */
static char *scalar_lit(const char *s, size_t n, int bare_ok) {
    while (n && *s == ' ') { s++; n--; }
    while (n && s[n - 1] == ' ') n--;
    if (!n) return NULL;
    if (number_lit(s, n)) return rbk_xstrndup(s, n);
    if (n == 4 && !memcmp(s, "true", 4)) return rbk_xstrdup("true");
    if (n == 5 && !memcmp(s, "false", 5)) return rbk_xstrdup("false");
    if (n == 4 && !memcmp(s, "null", 4)) return rbk_xstrdup("nil");
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        if ((n == 5 && !memcmp(s + 1, "...", 3)) || memchr(s + 1, s[0], n - 2)) return NULL;
        return imp_quote_lit(s + 1, n - 2);
    }
    if (bare_ok) {
        for (size_t i = 0; i < n; i++)
            if (!isalnum((unsigned char)s[i]) && !strchr("_-.:/", s[i])) return NULL;
        return imp_quote_lit(s, n);
    }
    return NULL;
}

/* {"a": 1, "b": "x"} or { ok: true, db: true } or ok: true — flat fields; "..." values and
 * nested values are left out. 0 when it is not such a text. */
int imp_fields(const char *s, ev *e) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    int braced = n >= 2 && s[0] == '{' && s[n - 1] == '}';
    if (braced) { s++; n -= 2; }
    if (!braced && !memchr(s, ':', n)) return 0;
    const char *p = s, *end = s + n;
    while (p < end) {
        while (p < end && (isspace((unsigned char)*p) || *p == ',')) p++;
        if (p >= end) break;
        const char *k = p, *ke;
        if (*p == '"') {
            k = ++p;
            while (p < end && *p != '"') p++;
            if (p >= end) return 0;
            ke = p++;
        } else {
            while (p < end && (isalnum((unsigned char)*p) || *p == '_')) p++;
            ke = p;
        }
        if (ke == k) return 0;
        while (p < end && isspace((unsigned char)*p)) p++;
        if (p >= end || *p != ':') return 0;
        p++;
        while (p < end && isspace((unsigned char)*p)) p++;
        const char *v = p;
        int depth = 0;
        char q = 0;
        while (p < end) {
            if (q) { if (*p == '\\') p++; else if (*p == q) q = 0; p++; continue; }
            if (*p == '"') q = '"';
            else if (*p == '{' || *p == '[') depth++;
            else if (*p == '}' || *p == ']') depth--;
            else if (*p == ',' && depth == 0) break;
            p++;
        }
        const char *ve = p;
        while (ve > v && isspace((unsigned char)ve[-1])) ve--;
        char *l = scalar_lit(v, (size_t)(ve - v), 1);
        if (!l) continue; /* nested, "...", <number>, < 200: left out (the author adds them) */
        e->keys = rbk_xrealloc(e->keys, sizeof(char *) * (size_t)(e->nf + 1));
        e->vals = rbk_xrealloc(e->vals, sizeof(char *) * (size_t)(e->nf + 1));
        e->keys[e->nf] = rbk_xstrndup(k, (size_t)(ke - k));
        e->vals[e->nf] = l;
        e->nf++;
    }
    return e->nf > 0;
}

/* What an "Expected" text says, as a value to compare with. */
void imp_classify(const char *text, ev *e) {
    memset(e, 0, sizeof *e);
    char *t = imp_trim_dup(text, strlen(text));
    /* markup around the whole value */
    size_t n = strlen(t);
    while (n >= 4 && !strncmp(t, "**", 2) && !strcmp(t + n - 2, "**")) { memmove(t, t + 2, n - 4); n -= 4; t[n] = 0; }
    /* a note in parentheses at the end: "0 (empty table)", "27/28 (pre-existing 1 fail)" */
    if (n && t[n - 1] == ')' && t[0] != '(') {
        char *open = strrchr(t, '(');
        if (open && open > t && open[-1] == ' ') { *open = 0; n = strlen(t); while (n && t[n - 1] == ' ') t[--n] = 0; }
    }
    if (n && t[n - 1] == '.' && !(n >= 2 && isdigit((unsigned char)t[n - 2]))) t[--n] = 0;
    e->kind = EV_PROSE;
    if (!n) { free(t); return; }
    /* `code`: the value inside (alternatives: `a` or `b`) */
    spans sp;
    imp_code_spans(t, &sp);
    if (sp.n == 1 && sp.at[0] == 0 && t[n - 1] == '`') {
        char *inner = rbk_xstrdup(sp.v[0]);
        imp_spans_free(&sp);
        free(t);
        if (!imp_fields(inner, e) || inner[0] != '{') {
            imp_ev_free(e);
            char *l = scalar_lit(inner, strlen(inner), 0);
            e->kind = EV_STRING;
            e->lit = l ? l : imp_quote_lit(inner, strlen(inner));
            if (l && l[0] != '"') e->kind = !strcmp(l, "true") || !strcmp(l, "false") ? EV_BOOL : !strcmp(l, "nil") ? EV_NULL : EV_NUMBER;
            if (e->kind == EV_NUMBER) { long v = strtol(l, NULL, 10); e->status = !strchr(l, '.') && v >= 100 && v <= 599; }
        } else {
            e->kind = EV_FIELDS;
        }
        free(inner);
        return;
    }
    if (sp.n >= 2) {
        /* Either `A` or `B` [or ...]: every alternative a code span */
        rbk_sbuf rest = RBK_SBUF_INIT;
        const char *p = t;
        for (int i = 0; i < sp.n; i++) {
            rbk_sbuf_add(&rest, p, (size_t)(t + sp.at[i] - p));
            p = t + sp.at[i];
            const char *close = strchr(p + 1, '`');
            p = close ? close + 1 : p + 1;
        }
        rbk_sbuf_adds(&rest, p);
        char *r = imp_plain(rest.data ? rest.data : "");
        rbk_sbuf_free(&rest);
        int only_or = 1;
        for (char *q = strtok(r, " ,"); q; q = strtok(NULL, " ,"))
            if (strcasecmp(q, "or") && strcasecmp(q, "either")) only_or = 0;
        free(r);
        if (only_or) {
            e->kind = EV_ANY;
            e->alts = rbk_xcalloc((size_t)sp.n, sizeof(char *));
            for (int i = 0; i < sp.n; i++) e->alts[i] = imp_quote_lit(sp.v[i], strlen(sp.v[i]));
            e->nalts = sp.n;
            imp_spans_free(&sp);
            free(t);
            return;
        }
    }
    imp_spans_free(&sp);
    /* one word, as a command prints it (active, OK, v2.3.1): that text */
    char *l = scalar_lit(t, n, !strchr(t, ' '));
    if (l) {
        e->lit = l;
        if (l[0] == '"') e->kind = EV_STRING;
        else if (!strcmp(l, "true") || !strcmp(l, "false")) e->kind = EV_BOOL;
        else if (!strcmp(l, "nil")) e->kind = EV_NULL;
        else {
            e->kind = EV_NUMBER;
            long v = strtol(l, NULL, 10);
            e->status = !strchr(l, '.') && v >= 100 && v <= 599;
        }
        free(t);
        return;
    }
    /* 200 OK, 404 Not Found */
    if (n > 4 && isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[2]) && t[3] == ' ') {
        int words_only = 1;
        for (size_t i = 4; i < n; i++) if (!isalpha((unsigned char)t[i]) && t[i] != ' ' && t[i] != '-') words_only = 0;
        long v = strtol(t, NULL, 10);
        if (words_only && v >= 100 && v <= 599) {
            e->kind = EV_NUMBER;
            e->status = 1;
            e->lit = rbk_xstrndup(t, 3);
            free(t);
            return;
        }
    }
    if (!strcasecmp(t, "2xx") || !strcasecmp(t, "a 2xx") || !strcasecmp(t, "2xx status")) { e->kind = EV_2XX; free(t); return; }
    static const struct { const char *w; const char *op; } cmp[] = {
        {"\xe2\x89\xa5", ">="}, {">=", ">="}, {"\xe2\x89\xa4", "<="}, {"<=", "<="}, {"\xe2\x89\xa0", "!="}, {"!=", "!="},
        {">", ">"}, {"<", "<"}, {"at least ", ">="}, {"at most ", "<="}, {"more than ", ">"}, {"less than ", "<"},
        {"fewer than ", "<"}, {"greater than ", ">"}, {NULL, NULL}};
    for (int i = 0; cmp[i].w; i++) {
        if (!ci_starts(t, cmp[i].w)) continue;
        const char *v = t + strlen(cmp[i].w);
        while (*v == ' ') v++;
        size_t vn = 0;
        while (v[vn] && v[vn] != ' ') vn++;
        if (number_lit(v, vn)) {
            e->kind = EV_CMP;
            e->op = cmp[i].op;
            e->lit = rbk_xstrndup(v, vn);
            free(t);
            return;
        }
    }
    static const char *empty[] = {"none", "nothing", "no output", "no matches", "empty", "no rows", "(empty)", "(none)",
                                  "(no output)", "no errors", "no error", "blank", "no lines", NULL};
    for (int i = 0; empty[i]; i++)
        if (!strcasecmp(t, empty[i])) { e->kind = EV_EMPTY; free(t); return; }
    if ((t[0] == '{' || t[0] == '[') && imp_fields(t, e)) { e->kind = EV_FIELDS; free(t); return; }
    imp_ev_free(e);
    e->kind = EV_PROSE;
    /* 57/57 checks pass: the count as it is printed */
    size_t k = 0;
    while (k < n && isdigit((unsigned char)t[k])) k++;
    if (k && k < n && t[k] == '/' && isdigit((unsigned char)t[k + 1])) {
        size_t m = k + 1;
        while (m < n && isdigit((unsigned char)t[m])) m++;
        if (m == n || t[m] == ' ') {
            e->kind = EV_STRING;
            e->lit = imp_quote_lit(t, m);
        }
    }
    free(t);
}

/* The expectations of a value on a call, as templates (one a line) into out; 0 when none fits. */
int imp_expectations(const imp_call *k, const ev *e, rbk_sbuf *out, int *want_scalar, int *check_false) {
    rbk_sbuf b = RBK_SBUF_INIT;
#define E(...) do { if (b.len) rbk_sbuf_addc(&b, '\n'); rbk_sbuf_printf(&b, __VA_ARGS__); } while (0)
    switch (k->kind) {
    case IMP_CALL_HTTP: {
        const char *sel = k->jq ? k->jq : k->jq_raw ? "%R.json" : NULL;
        if (e->kind == EV_NUMBER && e->status && (k->http_status || !sel)) E("%%R.status == %s", e->lit);
        else if (e->kind == EV_2XX && (k->http_status || !sel)) E("%%R.status >= 200 and %%R.status < 300");
        else if (sel && (e->kind == EV_STRING || e->kind == EV_NUMBER || e->kind == EV_BOOL || e->kind == EV_NULL)) E("%s == %s", sel, e->lit);
        else if (sel && e->kind == EV_CMP) E("%s %s %s", sel, e->op, e->lit);
        else if (sel && e->kind == EV_ANY) {
            rbk_sbuf a = RBK_SBUF_INIT;
            for (int i = 0; i < e->nalts; i++) rbk_sbuf_printf(&a, "%s%s == %s", i ? " or " : "", sel, e->alts[i]);
            E("%s", a.data);
            rbk_sbuf_free(&a);
        } else if (e->kind == EV_FIELDS) {
            /* each field of the document (or of what the jq filter selects) */
            const char *base = k->jq && !k->jq_raw ? k->jq : "%R.json";
            for (int i = 0; i < e->nf; i++) {
                int bare = isalpha((unsigned char)e->keys[i][0]) || e->keys[i][0] == '_';
                for (const char *q = e->keys[i]; *q && bare; q++) bare = isalnum((unsigned char)*q) || *q == '_';
                if (bare) E("%s.%s == %s", base, e->keys[i], e->vals[i]);
                else {
                    char *kl = imp_quote_lit(e->keys[i], strlen(e->keys[i]));
                    E("%s[%s] == %s", base, kl, e->vals[i]);
                    free(kl);
                }
            }
        } else if (!sel && e->kind == EV_STRING) E("%%R.body contains %s", e->lit);
        else if (!sel && e->kind == EV_EMPTY) E("trim(%%R.body) == \"\"");
        else if (!sel && e->kind == EV_NUMBER) E("trim(%%R.body) == \"%s\"", e->lit);
        break;
    }
    case IMP_CALL_SQL:
        if (k->sql_select && (e->kind == EV_STRING || e->kind == EV_NUMBER || e->kind == EV_BOOL || e->kind == EV_NULL)) {
            E("%%C == %s", e->lit);
            *want_scalar = 1;
        } else if (k->sql_select && e->kind == EV_CMP) {
            E("%%C %s %s", e->op, e->lit);
            *want_scalar = 1;
        } else if (k->sql_select && e->kind == EV_EMPTY) {
            E("len(%%C) == 0");
        } else if (!k->sql_select && e->kind == EV_NUMBER) {
            E("%%C == %s", e->lit);
        }
        break;
    case IMP_CALL_SH:
        if (e->kind == EV_STRING) E("%%R.stdout contains %s", e->lit);
        else if (e->kind == EV_NUMBER || e->kind == EV_BOOL || e->kind == EV_NULL) {
            const char *v = !strcmp(e->lit, "nil") ? "null" : e->lit;
            E("trim(%%R.stdout) == \"%s\"", v);
            if (k->grep && !strcmp(e->lit, "0")) *check_false = 1; /* grep -c: 0 matches is exit 1 */
        } else if (e->kind == EV_CMP) E("int(trim(%%R.stdout)) %s %s", e->op, e->lit);
        else if (e->kind == EV_EMPTY) {
            E("trim(%%R.stdout) == \"\"");
            if (k->grep) *check_false = 1; /* grep exits 1 when nothing matches */
        } else if (e->kind == EV_ANY) {
            rbk_sbuf a = RBK_SBUF_INIT;
            for (int i = 0; i < e->nalts; i++) rbk_sbuf_printf(&a, "%s%%R.stdout contains %s", i ? " or " : "", e->alts[i]);
            E("%s", a.data);
            rbk_sbuf_free(&a);
        }
        break;
    case IMP_CALL_PG:
    case IMP_CALL_WAIT:
        break;
    }
#undef E
    int ok = b.len > 0;
    if (ok) {
        if (out->len) rbk_sbuf_addc(out, '\n');
        rbk_sbuf_add(out, b.data, b.len);
    }
    rbk_sbuf_free(&b);
    return ok;
}

/* An "Expected" line for the waiting call: expectations, or a TODO. Counts it. */
void imp_expected(imp *I, step_out *s, int rb, const char *value, int line) {
    I->c.expected++;
    pending *P = &s->pend;
    if (!P->k || s->pend_rb != rb) {
        char *v = imp_plain(value);
        imp_todo_comment(I, s, rb, line, "Expected \"%s\": no command before it to check", v);
        free(v);
        return;
    }
    if (P->k->kind == IMP_CALL_PG && !strcmp(P->k->fn, "pg.backup")) {
        /* pg.backup expects a complete, non-empty dump itself */
        char *v = imp_plain(value);
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "Expected: %s — pg.backup expects a complete dump itself", v);
        imp_note_after(I, s, rb, m.data);
        rbk_sbuf_free(&m);
        free(v);
        I->c.expected_done++;
        return;
    }
    ev e;
    imp_classify(value, &e);
    int check_false = 0;
    int ok = e.kind != EV_PROSE && imp_expectations(P->k, &e, &P->exps, &P->want_scalar, &check_false);
    imp_ev_free(&e);
    if (ok) {
        P->nexps++;
        if (check_false && !P->k->check_false) P->k->check_false = 1;
        I->c.expected_done++;
        return;
    }
    char *v = imp_plain(value);
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_sbuf_printf(&m, "Expected: %s", v);
    imp_note_after(I, s, rb, m.data);
    rbk_sbuf_free(&m);
    char *t = imp_todo(&I->c, line, "write the expectation \"%s\" as an expect on the result", v);
    rbk_sbuf c = RBK_SBUF_INIT;
    rbk_sbuf_adds(&c, t);
    imp_note_after(I, s, rb, c.data);
    rbk_sbuf_free(&c);
    free(t);
    free(v);
}

/* "Expected: X" / "Expected output: X" / "Should return X" at the start of a text: X (or "" for
 * a label that announces lines below it); NULL when it is not such a text. */
const char *imp_expected_marker(const char *t) {
    while (*t == ' ' || *t == '*' || *t == '_' || *t == '>') t++;
    static const char *marks[] = {"expected output", "expected result", "expected response", "expected", "expect",
                                  "expected outcome", NULL};
    for (int i = 0; marks[i]; i++) {
        size_t n = strlen(marks[i]);
        if (strncasecmp(t, marks[i], n)) continue;
        const char *p = t + n;
        while (*p == '*' || *p == '_') p++;
        if (*p == ' ' && p[1] == '(') { const char *c = strchr(p, ')'); if (c) p = c + 1; }
        while (*p == '*' || *p == '_') p++;
        if (*p != ':') return NULL;
        p++;
        while (*p == '*' || *p == '_') p++;
        while (*p == ' ') p++;
        return p;
    }
    return NULL;
}

/* ------------------------------------------------------------------ sentences */
/* The sentence of text that holds at (up to . ! ? or a line end), plain. */
char *imp_sentence_at(const char *text, const char *at) {
    const char *a = at, *e = at;
    while (a > text && !strchr(".!?\n", a[-1])) a--;
    while (*e && !strchr(".!?\n", *e)) e++;
    if (*e && *e != '\n') e++;
    char *raw = rbk_xstrndup(a, (size_t)(e - a));
    char *p = imp_plain(raw);
    free(raw);
    return p;
}

/* Where text says not to go on ("DO NOT PROCEED IF", "STOP HERE if"), or NULL. strict: only
 * "do not proceed/continue" (in a rollback plan, "stop the rollout" is part of the undo). */
const char *imp_stop_phrase(const char *p, int strict) {
    static const char *ph[] = {"do not proceed", "don't proceed", "do not continue", "don't continue", "do **not** proceed",
                               "do **not** continue", "stop here", "do not go further", "abort the", "halt the",
                               "stop the rollout", "stop the cutover", "stop the deploy", "stop if", "abort if", NULL};
    for (int i = 0; ph[i]; i++) {
        if (strict && i >= 6) break;
        const char *f = ci_find(p, ph[i]);
        if (f) return f;
    }
    return NULL;
}
const char *imp_rollback_if_phrase(const char *p) {
    static const char *ph[] = {"rollback if", "roll back if", "rollback immediately if", "roll back immediately if", NULL};
    for (int i = 0; ph[i]; i++) {
        const char *f = ci_find(p, ph[i]);
        if (f) return f;
    }
    return NULL;
}
/* "wait 15 minutes": the duration literal, or NULL. */
char *imp_wait_phrase(const char *p) {
    for (const char *f = p; (f = ci_find(f, "wait")) != NULL; f += 4) {
        if (f > p && isalpha((unsigned char)f[-1])) continue;
        const char *q = f + 4;
        while (*q == ' ' || *q == '*' || *q == '_') q++;
        if (ci_starts(q, "for ")) q += 4;
        if (ci_starts(q, "at least ")) q += 9;
        char *end;
        long v = strtol(q, &end, 10);
        if (end == q || v <= 0 || v > 100000) continue;
        while (*end == ' ') end++;
        char unit = 0;
        if (ci_starts(end, "second") || ci_starts(end, "sec") || (tolower((unsigned char)*end) == 's' && !isalpha((unsigned char)end[1]))) unit = 's';
        else if (ci_starts(end, "minute") || ci_starts(end, "min") || (tolower((unsigned char)*end) == 'm' && !isalpha((unsigned char)end[1]))) unit = 'm';
        else if (ci_starts(end, "hour") || ci_starts(end, "hr") || (tolower((unsigned char)*end) == 'h' && !isalpha((unsigned char)end[1]))) unit = 'h';
        if (!unit) continue;
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_printf(&b, "%ld%c", v, unit);
        return rbk_sbuf_detach(&b);
    }
    return NULL;
}

/* confirm("...") text from an item: plain, ending with a question mark. */
char *imp_question(const char *text) {
    char *p = imp_plain(text);
    size_t n = strlen(p);
    while (n && (p[n - 1] == ':' || p[n - 1] == ' ')) p[--n] = 0;
    if (n && p[n - 1] == '.' && !(n >= 2 && p[n - 2] == '.')) p[--n] = 0; /* a full stop, not "..." */
    rbk_sbuf b = RBK_SBUF_INIT;
    imp_lit(&b, p, n);
    if (!n || p[n - 1] != '?') rbk_sbuf_addc(&b, '?');
    free(p);
    return rbk_sbuf_detach(&b);
}

/* ------------------------------------------------------------------ labels */
/* A paragraph that ends with ':' announces the list or block below it. */
label_kind imp_label_of(const char *text) {
    char *p = imp_plain(text);
    size_t n = strlen(p);
    label_kind k = LB_NONE;
    if (n && n < 160 && p[n - 1] == ':') {
        if (imp_expected_marker(text) || ci_starts(p, "output") || ci_starts(p, "result")) k = LB_EXPECT;
        else if (ci_find(p, "rollback") || ci_find(p, "roll back") || ci_find(p, "revert") || ci_find(p, "undo")) k = LB_ROLLBACK;
        else if (ci_find(p, "env var") || ci_find(p, "environment variable")) k = LB_ENV;
        else if (ci_starts(p, "action") || ci_starts(p, "command") || ci_starts(p, "step") || ci_starts(p, "run") ||
                 ci_starts(p, "procedure") || ci_starts(p, "post-check") || ci_starts(p, "check") || ci_starts(p, "verify") ||
                 ci_starts(p, "validate") || ci_starts(p, "do ") || ci_starts(p, "then"))
            k = LB_ACTION;
        else k = LB_PROSE;
    }
    free(p);
    return k;
}

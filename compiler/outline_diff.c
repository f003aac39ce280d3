/* compiler/outline_diff.c — the changes between two outlines (compiler/outline_diff.h).
 * Steps are matched by name, then the unmatched ones by content (their effects and checks:
 * a rename); the order of the matched ones is compared through a longest increasing
 * subsequence (the steps outside it moved). Within a step, effects and checks are matched by a
 * longest common subsequence of their keys (what they are and do, the layout of the code
 * ignored); a check whose condition changed is paired with the one it replaced. The rules of
 * what is dangerous are docs/diff.md's. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "outline_diff.h"

/* ------------------------------------------------------------------ texts without layout */
static int wordc(char c) { return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80; }

char *rbk_odiff_norm(const char *s) {
    if (!s) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    int gap = 0;
    for (const char *p = s; *p;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') { gap = 1; p++; continue; }
        if (*p == '#') { while (*p && *p != '\n') p++; gap = 1; continue; }
        if (gap && b.len && wordc(b.data[b.len - 1]) && wordc(*p)) rbk_sbuf_addc(&b, ' ');
        gap = 0;
        if (!strncmp(p, "\"\"\"", 3)) { /* a """ literal: its bytes, to the closing """ */
            const char *e = strstr(p + 3, "\"\"\"");
            size_t n = e ? (size_t)(e + 3 - p) : strlen(p);
            rbk_sbuf_add(&b, p, n);
            p += n;
            continue;
        }
        if (*p == '"' || *p == '\'') { /* a literal: its bytes (escapes included) */
            char q = *p;
            const char *e = p + 1;
            while (*e && *e != q) e += e[0] == '\\' && e[1] ? 2 : 1;
            if (*e) e++;
            rbk_sbuf_add(&b, p, (size_t)(e - p));
            p = e;
            continue;
        }
        if (*p == ',') { /* a trailing comma (the formatter adds one where a list breaks) */
            const char *q = p + 1;
            while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || *q == '#') {
                if (*q == '#') while (*q && *q != '\n') q++;
                else q++;
            }
            if (*q == ')' || *q == ']' || *q == '}') { p++; continue; }
        }
        rbk_sbuf_addc(&b, *p++);
    }
    if (!b.data) rbk_sbuf_adds(&b, "");
    return rbk_sbuf_detach(&b);
}

/* ------------------------------------------------------------------ the changes */
static rbk_dchange *add(rbk_odiff *d, const char *kind, char sign, int danger, const char *group) {
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = rbk_xrealloc(d->v, sizeof(rbk_dchange) * (size_t)d->cap);
    }
    rbk_dchange *c = &d->v[d->n++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->sign = sign;
    c->danger = danger;
    c->group = group ? rbk_xstrdup(group) : NULL;
    d->ndanger += danger != 0;
    return c;
}
static void msg(rbk_dchange *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void msg(rbk_dchange *c, const char *fmt, ...) {
    rbk_sbuf b = RBK_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    c->message = rbk_sbuf_detach(&b);
}
static void texts(rbk_dchange *c, const char *before, const char *after) {
    c->before = before ? rbk_xstrdup(before) : NULL;
    c->after = after ? rbk_xstrdup(after) : NULL;
}
static void per_item_changes(rbk_odiff *d, const rbk_ostep *s, const rbk_ostep *t, const rbk_outline *a, const rbk_outline *b,
                             const char *group);
static void where(rbk_dchange *c, const rbk_outline *a, int afile, int aline, const rbk_outline *b, int bfile, int bline) {
    if (a && aline) { c->old_file = rbk_outline_file(a, afile); c->old_line = aline; }
    if (b && bline) { c->new_file = rbk_outline_file(b, bfile); c->new_line = bline; }
}
static int same_str(const char *x, const char *y) { return (!x && !y) || (x && y && !strcmp(x, y)); }
static int same_code(const char *x, const char *y) {
    if (!x || !y) return !x && !y;
    char *p = rbk_odiff_norm(x), *q = rbk_odiff_norm(y);
    int r = !strcmp(p, q);
    free(p);
    free(q);
    return r;
}
static char *dur_text(int64_t ms) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_outline_dur(&b, ms);
    return rbk_sbuf_detach(&b);
}

/* ------------------------------------------------------------------ leaves: effects and checks */
enum { W_EFFECTS = 1, W_CHECKS = 2 };
typedef struct leaf {
    const rbk_oitem *it;
    char *when;     /* the branches it sits in, without layout, or NULL */
    char *key;      /* what it is and does: class, builtin, method, text, branches */
    char *shown;    /* how it is shown: "write sh rm -rf x", "expect x == 1" */
} leaf;
typedef struct leaves { leaf *v; int n, cap, want; } leaves;

static int is_effect(const rbk_oitem *it) {
    return it->kind == RBK_OI_EFFECT || it->kind == RBK_OI_GATE || it->kind == RBK_OI_WAIT;
}
static int is_check(const rbk_oitem *it) {
    return it->kind == RBK_OI_EXPECT || it->kind == RBK_OI_STOP_IF || it->kind == RBK_OI_FAIL;
}
/* An effect's operand: a literal's inside as written, an expression without its layout. */
static char *operand(const rbk_oitem *it) {
    return it->literal ? rbk_xstrdup(it->text ? it->text : "") : rbk_odiff_norm(it->text ? it->text : "");
}
static void on_leaf(void *ctx, const rbk_oitem *it, const char *when) {
    leaves *l = ctx;
    if (!((l->want & W_EFFECTS) && is_effect(it)) && !((l->want & W_CHECKS) && is_check(it))) return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = rbk_xrealloc(l->v, sizeof(leaf) * (size_t)l->cap);
    }
    leaf *f = &l->v[l->n++];
    f->it = it;
    f->when = rbk_odiff_norm(when);
    char *text = is_effect(it) ? operand(it) : rbk_odiff_norm(it->kind == RBK_OI_FAIL ? it->message : it->text);
    rbk_sbuf k = RBK_SBUF_INIT, s = RBK_SBUF_INIT;
    rbk_sbuf_printf(&k, "%s\x1f%s\x1f%s\x1f%s\x1f%s", rbk_oitem_class(it), it->builtin ? it->builtin : "",
                    it->verb ? it->verb : "", text, f->when ? f->when : "");
    /* shown as written (the renderers put it on one line) */
    const char *raw = (it->kind == RBK_OI_FAIL ? it->message : it->text);
    if (is_effect(it))
        rbk_sbuf_printf(&s, "%s %s %s%s", rbk_oitem_class(it), it->verb ? it->verb : it->builtin,
                        it->literal || it->kind == RBK_OI_WAIT ? "" : "<value of> ", raw ? raw : "");
    else rbk_sbuf_printf(&s, "%s %s", rbk_oitem_class(it), raw ? raw : "");
    if (when) rbk_sbuf_printf(&s, " (%s)", when);
    free(text);
    f->key = rbk_sbuf_detach(&k);
    f->shown = rbk_sbuf_detach(&s);
}
static leaves collect(const rbk_oitems *l1, const rbk_oitems *l2, const char *when, int want) {
    leaves l = {NULL, 0, 0, want};
    if (l1) rbk_oitems_flatten(l1, when, on_leaf, &l);
    if (l2) rbk_oitems_flatten(l2, when, on_leaf, &l);
    return l;
}
static void leaves_free(leaves *l) {
    for (int i = 0; i < l->n; i++) { free(l->v[i].when); free(l->v[i].key); free(l->v[i].shown); }
    free(l->v);
}
/* The content of a step for rename detection: its effects and checks, messages included. */
static char *signature(const rbk_ostep *s) {
    leaves l = collect(&s->cond_items, &s->body, NULL, W_EFFECTS | W_CHECKS);
    rbk_sbuf b = RBK_SBUF_INIT;
    for (int i = 0; i < l.n; i++) {
        char *m = rbk_odiff_norm(l.v[i].it->message);
        rbk_sbuf_printf(&b, "%s\x1e%s\x1d", l.v[i].key, m ? m : "");
        free(m);
    }
    leaves_free(&l);
    if (!b.data) rbk_sbuf_adds(&b, "");
    return rbk_sbuf_detach(&b);
}

/* ma[i]: the index in b of a's leaf i (-1: none), a longest common subsequence of the keys;
 * past a size where the table would be large, equal keys are paired in order instead. */
static void lcs(const leaves *a, const leaves *b, int *ma, int *mb) {
    for (int i = 0; i < a->n; i++) ma[i] = -1;
    for (int j = 0; j < b->n; j++) mb[j] = -1;
    if ((int64_t)a->n * b->n > 4000000) {
        for (int i = 0, j0 = 0; i < a->n; i++)
            for (int j = j0; j < b->n; j++)
                if (mb[j] < 0 && !strcmp(a->v[i].key, b->v[j].key)) { ma[i] = j; mb[j] = i; j0 = j + 1; break; }
        return;
    }
    int w = b->n + 1;
    int *t = rbk_xcalloc((size_t)(a->n + 1) * (size_t)w, sizeof(int));
    for (int i = a->n - 1; i >= 0; i--)
        for (int j = b->n - 1; j >= 0; j--)
            t[i * w + j] = !strcmp(a->v[i].key, b->v[j].key) ? t[(i + 1) * w + j + 1] + 1
                           : t[(i + 1) * w + j] > t[i * w + j + 1] ? t[(i + 1) * w + j] : t[i * w + j + 1];
    for (int i = 0, j = 0; i < a->n && j < b->n;) {
        if (!strcmp(a->v[i].key, b->v[j].key)) { ma[i] = j; mb[j] = i; i++; j++; }
        else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) i++;
        else j++;
    }
    free(t);
}

typedef struct side {
    const rbk_outline *a, *b;
    const char *group;
    const char *area;        /* "rollback" or NULL */
} side;

static void leaf_where(rbk_dchange *c, const side *s, const leaf *x, const leaf *y) {
    where(c, s->a, x ? x->it->file : 0, x ? x->it->line : 0, s->b, y ? y->it->file : 0, y ? y->it->line : 0);
}
static const char *area_of(const side *s, const char *what, rbk_sbuf *b) {
    rbk_sbuf_reset(b);
    if (s->area) rbk_sbuf_printf(b, "%s: ", s->area);
    rbk_sbuf_adds(b, what);
    return rbk_sbuf_cstr(b);
}

/* Details of two leaves with the same key. */
static void leaf_details(rbk_odiff *d, const side *s, const leaf *x, const leaf *y) {
    const rbk_oitem *p = x->it, *q = y->it;
    rbk_sbuf t = RBK_SBUF_INIT;
    if (is_effect(p)) {
        if (!same_code(p->options, q->options) || p->tmo_kind != q->tmo_kind) {
            rbk_dchange *c = add(d, "effect-changed", '~', 0, s->group);
            msg(c, "%s: its options changed", area_of(s, x->shown, &t));
            texts(c, p->options ? p->options : "(none)", q->options ? q->options : "(none)");
            leaf_where(c, s, x, y);
        }
        if (!same_code(p->repeat, q->repeat)) {
            rbk_dchange *c = add(d, "effect-changed", '~', 0, s->group);
            msg(c, "%s: now runs %s", area_of(s, x->shown, &t), q->repeat ? q->repeat : "once");
            texts(c, p->repeat ? p->repeat : "once", q->repeat ? q->repeat : "once");
            leaf_where(c, s, x, y);
        }
    } else {
        if (!same_code(p->message, q->message) && p->kind != RBK_OI_FAIL) {
            rbk_dchange *c = add(d, "check-message", '~', 0, s->group);
            msg(c, "%s: its message changed", area_of(s, x->shown, &t));
            texts(c, p->message ? p->message : "(none)", q->message ? q->message : "(none)");
            leaf_where(c, s, x, y);
        }
        if (!same_code(p->window, q->window)) {
            int weaker = p->window && (!q->window || q->timeout_ms > p->timeout_ms);
            rbk_dchange *c = add(d, "check-window", '~', 0, s->group);
            msg(c, "%s: its window changed%s", area_of(s, x->shown, &t),
                weaker ? " (it now waits longer for the condition)" : "");
            texts(c, p->window ? p->window : "checked once", q->window ? q->window : "checked once");
            leaf_where(c, s, x, y);
        }
    }
    rbk_sbuf_free(&t);
}

/* Whether word w stands in s as a word of its own. */
static int has_word(const char *s, const char *w) {
    size_t n = strlen(w);
    for (const char *p = strstr(s, w); p; p = strstr(p + 1, w))
        if ((p == s || !wordc(p[-1])) && !wordc(p[n])) return 1;
    return 0;
}
/* Whether s is LHS OP NUMBER with OP one of > >= < <= (the first < or > in s): the LHS's length,
 * whether OP is a lower bound (> >=), whether it is strict, and the number. 0 when it is not
 * (an operator inside the LHS makes the rest fail to read as a number: no answer, not a wrong one). */
static int bound_of(const char *s, size_t *lhs_len, int *lower, int *strict, double *v) {
    const char *p = strpbrk(s, "<>");
    if (!p || p == s) return 0;
    *lhs_len = (size_t)(p - s);
    *lower = *p == '>';
    *strict = p[1] != '=';
    const char *num = p + (*strict ? 1 : 2);
    char *e;
    *v = strtod(num, &e);
    if (e == num) return 0;
    while (*e == ' ') e++;
    return *e == 0;
}
/* Why condition b (texts without layout) lets more through than a, if it visibly does: for an
 * expect, a part of an `and` dropped, an `or` alternative added, a bound loosened; for a
 * stop-if (which stops when true), the reverse. NULL when it cannot tell. */
static const char *weakened(const char *a, const char *b, int stop) {
    const char *narrow = stop ? "or" : "and", *widen = stop ? "and" : "or";
    if (strlen(b) < strlen(a) && strstr(a, b) && has_word(a, narrow)) return "a part of the condition was dropped";
    if (strlen(a) < strlen(b) && strstr(b, a) && has_word(b, widen))
        return stop ? "a condition was added that must also hold" : "an alternative was added";
    /* LHS OP NUMBER on both sides, the same LHS, bounds of the same direction (> and >= are
     * lower bounds, < and <= upper ones): compared as the sets of values they let through, so
     * `x > 0` to `x >= 0` lets 0 through too */
    size_t la, lb;
    int lowa, lowb, sa, sb;
    double va, vb;
    if (!bound_of(a, &la, &lowa, &sa, &va) || !bound_of(b, &lb, &lowb, &sb, &vb) || la != lb ||
        strncmp(a, b, la) || lowa != lowb)
        return NULL;
    /* does b take in more values than a? (for a lower bound: a smaller one, or the same made inclusive) */
    int wider = lowa ? (vb < va || (vb == va && sa && !sb)) : (vb > va || (vb == va && sa && !sb));
    int narrower = lowa ? (vb > va || (vb == va && !sa && sb)) : (vb < va || (vb == va && !sa && sb));
    if (!stop && wider) return vb == va ? "its bound now lets the bound itself through" : lowa ? "its lower bound is lower" : "its upper bound is higher";
    if (stop && narrower) return vb == va ? "it no longer stops at the bound itself" : lowa ? "it stops only above a higher bound" : "it stops only below a lower bound";
    return NULL;
}

static int guard(const rbk_oitem *it) { return it->kind == RBK_OI_EXPECT || it->kind == RBK_OI_STOP_IF; }

/* The three ways a leaf left over on each side after the common subsequence is one leaf:
 * the same leaf elsewhere (moved); an effect replaced where it stood (the same gap between
 * common leaves) by one of the same builtin, class, method and branch (what it runs changed);
 * a check replaced by one of its kind at the same branch (its condition changed). */
enum { PAIR_MOVED, PAIR_EFFECT, PAIR_CHECK };
typedef struct pairing {
    const leaves *a, *b;
    int *ma, *mb, *ga, *gb; /* matches as in lcs; the gap each leaf is in */
} pairing;

static int pairs_with(const pairing *pr, int rule, int i, int j) {
    const leaf *x = &pr->a->v[i], *y = &pr->b->v[j];
    const rbk_oitem *p = x->it, *q = y->it;
    switch (rule) {
    case PAIR_MOVED: return !strcmp(x->key, y->key);
    case PAIR_EFFECT:
        return is_effect(p) && pr->ga[i] == pr->gb[j] && q->kind == p->kind && q->write == p->write &&
               same_str(p->builtin, q->builtin) && same_str(p->verb, q->verb) && same_str(x->when, y->when);
    default: return is_check(p) && q->kind == p->kind && same_str(x->when, y->when);
    }
}

static void report_pair(rbk_odiff *d, const side *s, int rule, const leaf *x, const leaf *y, rbk_sbuf *t) {
    const rbk_oitem *p = x->it, *q = y->it;
    rbk_dchange *c;
    if (rule == PAIR_MOVED) {
        c = add(d, is_check(p) ? "check-moved" : "effect-moved", '>', 0, s->group);
        msg(c, "%s: moved within the step", area_of(s, x->shown, t));
    } else if (rule == PAIR_EFFECT) {
        c = add(d, "effect-changed", '~', 0, s->group);
        rbk_sbuf what = RBK_SBUF_INIT;
        rbk_sbuf_printf(&what, "%s %s: %s changed", rbk_oitem_class(p), p->verb ? p->verb : p->builtin,
                        p->kind == RBK_OI_GATE ? "its question" : p->kind == RBK_OI_WAIT ? "its duration" : "what it runs");
        msg(c, "%s", area_of(s, what.data, t));
        rbk_sbuf_free(&what);
        texts(c, p->text, q->text);
    } else {
        const char *tp = p->kind == RBK_OI_FAIL && p->message ? p->message : p->text ? p->text : "";
        const char *tq = q->kind == RBK_OI_FAIL && q->message ? q->message : q->text ? q->text : "";
        char *nx = rbk_odiff_norm(tp), *ny = rbk_odiff_norm(tq);
        const char *why = guard(p) ? weakened(nx, ny, p->kind == RBK_OI_STOP_IF) : NULL;
        free(nx);
        free(ny);
        c = add(d, why ? "check-weakened" : "check-changed", '~', s->area ? 0 : guard(p), s->group);
        if (why) msg(c, "%s weakened: %s", area_of(s, rbk_oitem_class(p), t), why);
        else msg(c, "%s: its condition changed%s", area_of(s, rbk_oitem_class(p), t),
                 guard(p) && !s->area ? " (review whether it still holds the line)" : "");
        texts(c, tp, tq); /* shown as written */
    }
    leaf_where(c, s, x, y);
}

/* Leaves a -> b: matched ones compared in detail, the leftovers paired by the rules above,
 * the rest removed and added. */
static void diff_leaves(rbk_odiff *d, const side *s, const leaves *a, const leaves *b) {
    pairing pr = {a, b, rbk_xmalloc(sizeof(int) * (size_t)(a->n + 1)), rbk_xmalloc(sizeof(int) * (size_t)(b->n + 1)),
                  rbk_xmalloc(sizeof(int) * (size_t)(a->n + 1)), rbk_xmalloc(sizeof(int) * (size_t)(b->n + 1))};
    int *ma = pr.ma, *mb = pr.mb;
    lcs(a, b, ma, mb);
    for (int i = 0, g = 0; i < a->n; i++) { pr.ga[i] = g; g += ma[i] >= 0; }
    for (int j = 0, g = 0; j < b->n; j++) { pr.gb[j] = g; g += mb[j] >= 0; }
    rbk_sbuf t = RBK_SBUF_INIT;
    for (int i = 0; i < a->n; i++)
        if (ma[i] >= 0) leaf_details(d, s, &a->v[i], &b->v[ma[i]]);
    for (int rule = PAIR_MOVED; rule <= PAIR_CHECK; rule++)
        for (int i = 0; i < a->n; i++)
            for (int j = 0; ma[i] < 0 && j < b->n; j++) {
                if (mb[j] >= 0 || !pairs_with(&pr, rule, i, j)) continue;
                ma[i] = j;
                mb[j] = i;
                report_pair(d, s, rule, &a->v[i], &b->v[j], &t);
                leaf_details(d, s, &a->v[i], &b->v[j]);
            }
    for (int i = 0; i < a->n; i++) {
        if (ma[i] >= 0) continue;
        const rbk_oitem *p = a->v[i].it;
        int check = is_check(p);
        int danger = !s->area && (guard(p) || p->kind == RBK_OI_GATE);
        rbk_dchange *c = add(d, check ? "check-removed" : "effect-removed", '-', danger, s->group);
        msg(c, "%s removed%s", area_of(s, check ? rbk_oitem_class(p) : "effect", &t),
            !danger ? "" : p->kind == RBK_OI_GATE ? ": nobody is asked here any more"
                         : p->kind == RBK_OI_STOP_IF ? ": nothing stops the run here any more"
                                                     : ": the step no longer verifies this");
        texts(c, a->v[i].shown, NULL);
        leaf_where(c, s, &a->v[i], NULL);
    }
    for (int j = 0; j < b->n; j++) {
        if (mb[j] >= 0) continue;
        rbk_dchange *c = add(d, is_check(b->v[j].it) ? "check-added" : "effect-added", '+', 0, s->group);
        msg(c, "%s added", area_of(s, is_check(b->v[j].it) ? rbk_oitem_class(b->v[j].it) : "effect", &t));
        texts(c, NULL, b->v[j].shown);
        leaf_where(c, s, NULL, &b->v[j]);
    }
    rbk_sbuf_free(&t);
    free(pr.ma);
    free(pr.mb);
    free(pr.ga);
    free(pr.gb);
}

/* ------------------------------------------------------------------ declarations */
/* A declaration compared by name: key, what it is (a param's default without its layout);
 * shown, the same as written ("optional, secret", "int = 500", "string, required"); must, what
 * a run has to do about it once it is added, or NULL. diff_named frees key and shown. */
typedef struct named {
    const char *name;
    int line;
    char *key, *shown;
    const char *must;
} named;
typedef struct named_kind { const char *word, *added, *removed, *changed; } named_kind;
static const named_kind NAMED_ENV = {"env", "env-added", "env-removed", "env-changed"};
static const named_kind NAMED_PARAM = {"param", "param-added", "param-removed", "param-changed"};
static const named_kind NAMED_LOCK = {"lock", "lock-added", "lock-removed", "lock-changed"}; /* never changed: a name only */
static const named_kind NAMED_GROUP = {"hosts group", "group-added", "group-removed", "group-changed"}; /* a name only */

static void env_named(named *n, const rbk_oenv *e) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_printf(&b, "%s%s", e->optional ? "optional" : "required", e->secret ? ", secret" : "");
    n->name = e->name;
    n->line = e->line;
    n->shown = rbk_sbuf_detach(&b);
    n->key = rbk_xstrdup(n->shown);
    n->must = e->optional ? NULL : "a run needs it set";
}
static void group_named(named *n, const rbk_oenv *g) {
    n->name = g->name;
    n->line = g->line;
    n->shown = rbk_xstrdup("hosts group");
    n->key = rbk_xstrdup("");
    n->must = "a run needs it in its --inventory";
}
static void lock_named(named *n, const rbk_oenv *l) {
    n->name = l->name;
    n->line = l->line;
    n->shown = rbk_xstrdup("run lock");
    n->key = rbk_xstrdup("");
    n->must = "a run takes it in a run store (--state)";
}
static void param_named(named *n, const rbk_oparam *p) {
    rbk_sbuf b = RBK_SBUF_INIT, k = RBK_SBUF_INIT;
    char *d = rbk_odiff_norm(p->deflt);
    rbk_sbuf_printf(&b, "%s%s%s%s", p->type, p->deflt ? " = " : ", required", p->deflt ? p->deflt : "", p->secret ? ", secret" : "");
    rbk_sbuf_printf(&k, "%s\x1f%s\x1f%d", p->type, d ? d : "\x1e", p->secret);
    free(d);
    n->name = p->name;
    n->line = p->line;
    n->shown = rbk_sbuf_detach(&b);
    n->key = rbk_sbuf_detach(&k);
    n->must = p->deflt ? NULL : "a run must pass it with --param";
}

static void diff_named(rbk_odiff *d, const rbk_outline *a, const rbk_outline *b, const named_kind *k,
                       named *x, int nx, named *y, int ny) {
    for (int i = 0; i < nx; i++) {
        const named *f = NULL;
        for (int j = 0; j < ny && !f; j++) if (!strcmp(y[j].name, x[i].name)) f = &y[j];
        rbk_dchange *c;
        if (!f) {
            c = add(d, k->removed, '-', 0, NULL);
            msg(c, "%s %s removed", k->word, x[i].name);
            texts(c, x[i].shown, NULL);
            where(c, a, a->c->root_file, x[i].line, NULL, 0, 0);
        } else if (strcmp(x[i].key, f->key)) {
            c = add(d, k->changed, '~', 0, NULL);
            msg(c, "%s %s changed", k->word, x[i].name);
            texts(c, x[i].shown, f->shown);
            where(c, a, a->c->root_file, x[i].line, b, b->c->root_file, f->line);
        }
    }
    for (int j = 0; j < ny; j++) {
        int found = 0;
        for (int i = 0; i < nx && !found; i++) found = !strcmp(x[i].name, y[j].name);
        if (found) continue;
        rbk_dchange *c = add(d, k->added, '+', 0, NULL);
        msg(c, "%s %s added%s%s", k->word, y[j].name, y[j].must ? ": " : "", y[j].must ? y[j].must : "");
        texts(c, NULL, y[j].shown);
        where(c, NULL, 0, 0, b, b->c->root_file, y[j].line);
    }
    for (int i = 0; i < nx; i++) { free(x[i].key); free(x[i].shown); }
    for (int j = 0; j < ny; j++) { free(y[j].key); free(y[j].shown); }
}

static void diff_decls(rbk_odiff *d, const rbk_outline *a, const rbk_outline *b) {
    if (!same_str(a->title, b->title)) {
        rbk_dchange *c = add(d, "title-changed", '~', 0, NULL);
        msg(c, "the title changed");
        texts(c, a->title ? a->title : "(none)", b->title ? b->title : "(none)");
    }
    /* env, hosts groups (in the env table, flagged: docs/fleet.md), params and locks */
    named *x = rbk_xcalloc((size_t)(a->nenvs + a->nparams + a->nlocks) + 1, sizeof(named));
    named *y = rbk_xcalloc((size_t)(b->nenvs + b->nparams + b->nlocks) + 1, sizeof(named));
    for (int hosts = 0; hosts < 2; hosts++) {
        int nx = 0, ny = 0;
        for (int i = 0; i < a->nenvs; i++)
            if (a->envs[i].hosts == hosts) (hosts ? group_named : env_named)(&x[nx++], &a->envs[i]);
        for (int j = 0; j < b->nenvs; j++)
            if (b->envs[j].hosts == hosts) (hosts ? group_named : env_named)(&y[ny++], &b->envs[j]);
        diff_named(d, a, b, hosts ? &NAMED_GROUP : &NAMED_ENV, x, nx, y, ny);
    }
    for (int i = 0; i < a->nparams; i++) param_named(&x[i], &a->params[i]);
    for (int j = 0; j < b->nparams; j++) param_named(&y[j], &b->params[j]);
    diff_named(d, a, b, &NAMED_PARAM, x, a->nparams, y, b->nparams);
    for (int i = 0; i < a->nlocks; i++) lock_named(&x[i], &a->locks[i]);
    for (int j = 0; j < b->nlocks; j++) lock_named(&y[j], &b->locks[j]);
    diff_named(d, a, b, &NAMED_LOCK, x, a->nlocks, y, b->nlocks);
    free(x);
    free(y);
}

/* ------------------------------------------------------------------ steps */
static char *step_label(const rbk_ostep *s) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_printf(&b, "step %d \"%s\"", s->index + 1, s->name);
    return rbk_sbuf_detach(&b);
}
static int count_guards(const rbk_ostep *s) {
    leaves l = collect(&s->body, NULL, NULL, W_CHECKS);
    int n = 0;
    for (int i = 0; i < l.n; i++) n += guard(l.v[i].it);
    leaves_free(&l);
    return n;
}

typedef struct matching {
    int *a2b, *b2a;   /* step index on the other side, or -1 */
    int *moved;       /* per b step: its place among the matched ones changed */
} matching;

static void match_steps(const rbk_outline *a, const rbk_outline *b, matching *m) {
    m->a2b = rbk_xmalloc(sizeof(int) * (size_t)(a->nsteps + 1));
    m->b2a = rbk_xmalloc(sizeof(int) * (size_t)(b->nsteps + 1));
    m->moved = rbk_xcalloc((size_t)b->nsteps + 1, sizeof(int));
    for (int i = 0; i < a->nsteps; i++) m->a2b[i] = -1;
    for (int j = 0; j < b->nsteps; j++) m->b2a[j] = -1;
    for (int i = 0; i < a->nsteps; i++)
        for (int j = 0; j < b->nsteps; j++)
            if (m->b2a[j] < 0 && !strcmp(a->steps[i].name, b->steps[j].name)) { m->a2b[i] = j; m->b2a[j] = i; break; }
    /* renamed: the same effects and checks (something to compare: not an empty step) */
    char **sa = rbk_xcalloc((size_t)a->nsteps + 1, sizeof(char *)), **sb = rbk_xcalloc((size_t)b->nsteps + 1, sizeof(char *));
    for (int i = 0; i < a->nsteps; i++) if (m->a2b[i] < 0) sa[i] = signature(&a->steps[i]);
    for (int j = 0; j < b->nsteps; j++) if (m->b2a[j] < 0) sb[j] = signature(&b->steps[j]);
    for (int i = 0; i < a->nsteps; i++) {
        if (!sa[i] || !*sa[i]) continue;
        for (int j = 0; j < b->nsteps; j++)
            if (sb[j] && m->b2a[j] < 0 && !strcmp(sa[i], sb[j])) { m->a2b[i] = j; m->b2a[j] = i; break; }
    }
    for (int i = 0; i < a->nsteps; i++) free(sa[i]);
    for (int j = 0; j < b->nsteps; j++) free(sb[j]);
    free(sa);
    free(sb);
    /* reordered: the matched steps of a, in a's order, by their index in b; those outside a
     * longest increasing subsequence moved */
    int n = 0, len = 0;
    int *seq = rbk_xmalloc(sizeof(int) * (size_t)(a->nsteps + 1));
    for (int i = 0; i < a->nsteps; i++) if (m->a2b[i] >= 0) seq[n++] = m->a2b[i];
    int *tail = rbk_xmalloc(sizeof(int) * (size_t)(n + 1)), *prev = rbk_xmalloc(sizeof(int) * (size_t)(n + 1));
    for (int k = 0; k < n; k++) {
        int lo = 0, hi = len;
        while (lo < hi) { int mid = (lo + hi) / 2; if (seq[tail[mid]] < seq[k]) lo = mid + 1; else hi = mid; }
        prev[k] = lo ? tail[lo - 1] : -1;
        tail[lo] = k;
        if (lo == len) len++;
    }
    for (int k = 0; k < n; k++) m->moved[seq[k]] = 1;
    for (int k = len ? tail[len - 1] : -1; k >= 0; k = prev[k]) m->moved[seq[k]] = 0;
    free(seq);
    free(tail);
    free(prev);
}

static void diff_step(rbk_odiff *d, const rbk_outline *a, const rbk_outline *b, const matching *m, int j) {
    const rbk_ostep *t = &b->steps[j];
    char *group = step_label(t);
    int i = m->b2a[j];
    if (i < 0) {
        rbk_dchange *c = add(d, "step-added", '+', 0, group);
        msg(c, "step added");
        where(c, NULL, 0, 0, b, t->file, t->line);
        free(group);
        return;
    }
    const rbk_ostep *s = &a->steps[i];
    side sd = {a, b, group, NULL};
    rbk_dchange *c;
    if (strcmp(s->name, t->name)) {
        c = add(d, "step-renamed", '>', 0, group);
        msg(c, "renamed (the same effects and checks)");
        texts(c, s->name, t->name);
        where(c, a, s->file, s->line, b, t->file, t->line);
    }
    if (m->moved[j]) {
        c = add(d, "step-moved", '>', 0, group);
        const char *before = NULL, *now = NULL;
        for (int k = i - 1; k >= 0 && !before; k--) if (m->a2b[k] >= 0) before = a->steps[k].name;
        for (int k = j - 1; k >= 0 && !now; k--) if (m->b2a[k] >= 0) now = b->steps[k].name;
        msg(c, "moved: it was step %d of %d, it is step %d of %d", s->index + 1, a->nsteps, t->index + 1, b->nsteps);
        rbk_sbuf x = RBK_SBUF_INIT, y = RBK_SBUF_INIT;
        if (before) rbk_sbuf_printf(&x, "after \"%s\"", before); else rbk_sbuf_adds(&x, "first");
        if (now) rbk_sbuf_printf(&y, "after \"%s\"", now); else rbk_sbuf_adds(&y, "first");
        texts(c, x.data, y.data);
        rbk_sbuf_free(&x);
        rbk_sbuf_free(&y);
        where(c, a, s->file, s->line, b, t->file, t->line);
    }
    /* after the point of no return before, before it now (the step moved, or the point of no
     * return moved later): a failure after that point no longer reaches its rollback block */
    int pa = a->point_of_no_return, pb = b->point_of_no_return;
    if (t->has_rollback && pa >= 0 && i > pa && pb >= 0 && j < pb) {
        c = add(d, "step-before-pnr", '>', 1, group);
        msg(c, "now runs before the point of no return (%s \"%s\"): once that has run, its rollback block cannot run",
            "step", b->steps[pb].name);
        where(c, a, s->file, s->line, b, t->file, t->line);
    }
    if (!same_str(s->section, t->section)) {
        c = add(d, "step-section", '~', 0, group);
        msg(c, "its section changed");
        texts(c, s->section ? s->section : "(none)", t->section ? t->section : "(none)");
        where(c, a, s->file, s->line, b, t->file, t->line);
    }
    if (!same_code(s->cond, t->cond)) {
        c = add(d, "step-if", '~', 0, group);
        msg(c, "%s", !s->cond ? "now runs only if a condition holds" : !t->cond ? "now always runs (its `if` was removed)" : "its `if` changed");
        texts(c, s->cond ? s->cond : "(always)", t->cond ? t->cond : "(always)");
        where(c, a, s->file, s->line, b, t->file, t->line);
    }
    if (s->timeout_ms != t->timeout_ms || s->retries != t->retries || s->retry_every_ms != t->retry_every_ms) {
        c = add(d, "step-limits", '~', 0, group);
        msg(c, "its timeout or retry changed");
        rbk_sbuf x = RBK_SBUF_INIT, y = RBK_SBUF_INIT;
        const rbk_ostep *st[2] = {s, t};
        rbk_sbuf *o[2] = {&x, &y};
        for (int k = 0; k < 2; k++) {
            if (st[k]->timeout_ms) { char *dt = dur_text(st[k]->timeout_ms); rbk_sbuf_printf(o[k], "timeout %s", dt); free(dt); }
            else rbk_sbuf_adds(o[k], "no timeout");
            if (st[k]->retries) rbk_sbuf_printf(o[k], ", retry %d", st[k]->retries);
            if (st[k]->retries && st[k]->retry_every_ms) { char *dt = dur_text(st[k]->retry_every_ms); rbk_sbuf_printf(o[k], " every %s", dt); free(dt); }
        }
        texts(c, x.data, y.data);
        rbk_sbuf_free(&x);
        rbk_sbuf_free(&y);
        where(c, a, s->file, s->line, b, t->file, t->line);
    }
    per_item_changes(d, s, t, a, b, group);
    leaves la = collect(&s->cond_items, &s->body, NULL, W_EFFECTS | W_CHECKS);
    leaves lb = collect(&t->cond_items, &t->body, NULL, W_EFFECTS | W_CHECKS);
    diff_leaves(d, &sd, &la, &lb);
    leaves_free(&la);
    leaves_free(&lb);
    if (s->has_rollback && !t->has_rollback) {
        c = add(d, "rollback-removed", '-', 1, group);
        msg(c, "rollback block removed: %s", t->irreversible ? "the step is irreversible now" : "a failure later leaves this step's changes in place");
        where(c, a, s->file, s->line, b, t->file, t->line);
    } else if (!s->has_rollback && t->has_rollback) {
        c = add(d, "rollback-added", '+', 0, group);
        msg(c, "rollback block added");
        where(c, a, s->file, s->line, b, t->file, t->line);
    } else if (s->has_rollback) {
        side rs = {a, b, group, "rollback"};
        la = collect(&s->rollback, NULL, NULL, W_EFFECTS | W_CHECKS);
        lb = collect(&t->rollback, NULL, NULL, W_EFFECTS | W_CHECKS);
        diff_leaves(d, &rs, &la, &lb);
        leaves_free(&la);
        leaves_free(&lb);
        if (s->rollback_timeout_ms != t->rollback_timeout_ms) {
            c = add(d, "rollback-timeout", '~', 0, group);
            msg(c, "the rollback block's own timeout changed");
            char *x = s->rollback_timeout_ms ? dur_text(s->rollback_timeout_ms) : NULL;
            char *y = t->rollback_timeout_ms ? dur_text(t->rollback_timeout_ms) : NULL;
            texts(c, x ? x : "(the step's)", y ? y : "(the step's)");
            free(x);
            free(y);
            where(c, a, s->file, s->line, b, t->file, t->line);
        }
    }
    if (!s->irreversible && t->irreversible) {
        c = add(d, "irreversible-added", '+', 1, group);
        msg(c, "became irreversible: a rollback stops here once it has run");
        texts(c, NULL, t->why);
        where(c, a, s->file, s->line, b, t->file, t->line);
    } else if (s->irreversible && !t->irreversible) {
        c = add(d, "irreversible-removed", '-', 0, group);
        msg(c, "no longer irreversible");
        texts(c, s->why, NULL);
        where(c, a, s->file, s->line, b, t->file, t->line);
    } else if (s->irreversible && !same_str(s->why, t->why)) {
        c = add(d, "irreversible-why", '~', 0, group);
        msg(c, "the reason it is irreversible changed");
        texts(c, s->why, t->why);
        where(c, a, s->file, s->line, b, t->file, t->line);
    }
    free(group);
}

/* A per-item step's clause (docs/fleet.md): its list, its batch size, its failure budget. A
 * batch that may hold more instances, or a budget that lets more fail before the step stops,
 * is dangerous: more of the fleet is changed before a failure stops the step. A count against
 * a percentage cannot be ordered without the list's length: flagged for a human to judge. */
static void pct_text(rbk_sbuf *b, const char *what, int v, int pct) { rbk_sbuf_printf(b, "%s %d%s", what, v, pct ? "%" : ""); }
static int grows(int x, int xpct, int y, int ypct) { return xpct != ypct || y > x; }
/* One of those numbers (`serial`, `max_fail`) changed from sv (a percentage when sp) to tv (tp):
 * kind and word name it, noun in a sentence; mixed is what a count becoming a share (or back)
 * may mean, more/fewer the direction. */
static void budget_change(rbk_odiff *d, const rbk_ostep *s, const rbk_ostep *t, const rbk_outline *a, const rbk_outline *b,
                          const char *group, const char *kind, const char *word, int sv, int sp, int tv, int tp,
                          const char *noun, const char *mixed, const char *more_text, const char *fewer_text) {
    if (sv == tv && sp == tp) return;
    int more = grows(sv, sp, tv, tp);
    rbk_dchange *c = add(d, kind, '~', more, group);
    if (sp != tp) msg(c, "its %s changed from a %s to a %s: %s", noun, sp ? "share" : "count", tp ? "share" : "count", mixed);
    else msg(c, "%s", more ? more_text : fewer_text);
    rbk_sbuf x = RBK_SBUF_INIT, y = RBK_SBUF_INIT;
    pct_text(&x, word, sv, sp);
    pct_text(&y, word, tv, tp);
    texts(c, x.data, y.data);
    rbk_sbuf_free(&x);
    rbk_sbuf_free(&y);
    where(c, a, s->file, s->line, b, t->file, t->line);
}
static void per_item_changes(rbk_odiff *d, const rbk_ostep *s, const rbk_ostep *t, const rbk_outline *a, const rbk_outline *b,
                             const char *group) {
    rbk_dchange *c;
    if (!s->per_item && !t->per_item) return;
    if (s->per_item != t->per_item || !same_code(s->list, t->list) || strcmp(s->var, t->var)) {
        c = add(d, "step-per-item", '~', 0, group);
        msg(c, "%s", !s->per_item ? "now runs once per item of a list" : !t->per_item ? "no longer runs per item (once, as a step)"
                                                                           : "its list changed");
        rbk_sbuf x = RBK_SBUF_INIT, y = RBK_SBUF_INIT;
        if (s->per_item) rbk_sbuf_printf(&x, "for %s in %s", s->var, s->list); else rbk_sbuf_adds(&x, "(once)");
        if (t->per_item) rbk_sbuf_printf(&y, "for %s in %s", t->var, t->list); else rbk_sbuf_adds(&y, "(once)");
        texts(c, x.data, y.data);
        rbk_sbuf_free(&x);
        rbk_sbuf_free(&y);
        where(c, a, s->file, s->line, b, t->file, t->line);
    }
    if (!s->per_item || !t->per_item) return;
    budget_change(d, s, t, a, b, group, "step-serial", "serial", s->serial, s->serial_pct, t->serial, t->serial_pct,
                  "batch size", "more instances may run at a time",
                  "more instances run at a time (a larger batch)", "fewer instances run at a time (a smaller batch)");
    budget_change(d, s, t, a, b, group, "step-max-fail", "max_fail", s->max_fail, s->max_fail_pct, t->max_fail, t->max_fail_pct,
                  "failure budget", "more failed instances may be tolerated",
                  "more failed instances are tolerated before the step stops", "fewer failed instances are tolerated");
}

static void step_removed(rbk_odiff *d, const rbk_outline *a, int i) {
    const rbk_ostep *s = &a->steps[i];
    rbk_sbuf label = RBK_SBUF_INIT;
    rbk_sbuf_printf(&label, "old step %d \"%s\"", s->index + 1, s->name);
    char *group = rbk_sbuf_detach(&label);
    int g = count_guards(s);
    rbk_dchange *c = add(d, "step-removed", '-', g > 0 || s->has_rollback, group);
    if (g) msg(c, "step removed, with its %d expect/stop-if check%s%s", g, g == 1 ? "" : "s", s->has_rollback ? " and its rollback block" : "");
    else if (s->has_rollback) msg(c, "step removed, with its rollback block");
    else msg(c, "step removed");
    where(c, a, s->file, s->line, NULL, 0, 0);
    free(group);
}

/* ------------------------------------------------------------------ the point of no return, gates */
typedef struct gate { char *key; int step, after; const rbk_oitem *it; } gate;
typedef struct gates { gate *v; int n, cap; int step, pnr; } gates;
static void on_gate(void *ctx, const rbk_oitem *it, const char *when) {
    (void)when;
    gates *g = ctx;
    if (it->kind != RBK_OI_GATE) return;
    if (g->n == g->cap) { g->cap = g->cap ? g->cap * 2 : 8; g->v = rbk_xrealloc(g->v, sizeof(gate) * (size_t)g->cap); }
    rbk_sbuf k = RBK_SBUF_INIT;
    char *text = operand(it);
    rbk_sbuf_printf(&k, "%s\x1f%s", it->builtin, text);
    free(text);
    g->v[g->n].key = rbk_sbuf_detach(&k);
    g->v[g->n].step = g->step;
    g->v[g->n].after = g->pnr >= 0 && g->step > g->pnr; /* the PNR step's own gates still guard it */
    g->v[g->n].it = it;
    g->n++;
}
static gates all_gates(const rbk_outline *o) {
    gates g = {NULL, 0, 0, 0, o->point_of_no_return};
    for (int i = 0; i < o->nsteps; i++) {
        g.step = i;
        rbk_oitems_flatten(&o->steps[i].cond_items, NULL, on_gate, &g);
        rbk_oitems_flatten(&o->steps[i].body, NULL, on_gate, &g);
    }
    return g;
}
static void gates_free(gates *g) {
    for (int i = 0; i < g->n; i++) free(g->v[i].key);
    free(g->v);
}

static void diff_pnr(rbk_odiff *d, const rbk_outline *a, const rbk_outline *b, const matching *m) {
    int pa = a->point_of_no_return, pb = b->point_of_no_return;
    if (pa < 0 && pb < 0) return;
    char *la = pa >= 0 ? step_label(&a->steps[pa]) : rbk_xstrdup("none"), *lb = pb >= 0 ? step_label(&b->steps[pb]) : rbk_xstrdup("none");
    rbk_dchange *c = NULL;
    if (pa < 0) {
        c = add(d, "pnr-added", '+', 1, NULL);
        msg(c, "a point of no return appeared: after %s, the steps before it cannot be rolled back", lb);
    } else if (pb < 0) {
        c = add(d, "pnr-removed", '-', 0, NULL);
        msg(c, "the point of no return is gone: no step is irreversible");
    } else if (m->a2b[pa] != pb) {
        int q = m->a2b[pa];
        int earlier = q >= 0 ? pb < q : pb < pa;
        c = add(d, earlier ? "pnr-earlier" : "pnr-later", '~', earlier, NULL);
        if (earlier) msg(c, "the point of no return moved earlier: fewer steps can be rolled back");
        else msg(c, "the point of no return moved later");
    }
    if (c) {
        texts(c, la, lb);
        where(c, a, pa >= 0 ? a->steps[pa].file : 0, pa >= 0 ? a->steps[pa].line : 0, b, pb >= 0 ? b->steps[pb].file : 0,
              pb >= 0 ? b->steps[pb].line : 0);
    }
    free(la);
    free(lb);
}

/* A gate of a that runs after b's point of no return in b, and did not run after a's in a. */
static void diff_gates(rbk_odiff *d, const rbk_outline *a, const rbk_outline *b, int j, gates *ga, gates *gb, int *used) {
    for (int k = 0; k < gb->n; k++) {
        if (gb->v[k].step != j) continue;
        int o = -1;
        for (int i = 0; i < ga->n && o < 0; i++) if (!used[i] && !strcmp(ga->v[i].key, gb->v[k].key)) o = i;
        if (o < 0) continue; /* a new gate: added, as an effect */
        used[o] = 1;
        if (!gb->v[k].after || ga->v[o].after) continue;
        char *group = step_label(&b->steps[j]);
        char *pnr = step_label(&b->steps[b->point_of_no_return]);
        rbk_dchange *c = add(d, "gate-after-pnr", '~', 1, group);
        msg(c, "%s now runs after the point of no return (%s): answering no can no longer prevent it",
            gb->v[k].it->builtin, pnr);
        char *text = operand(gb->v[k].it);
        texts(c, NULL, text);
        free(text);
        where(c, a, ga->v[o].it->file, ga->v[o].it->line, b, gb->v[k].it->file, gb->v[k].it->line);
        free(group);
        free(pnr);
    }
}

/* ------------------------------------------------------------------ the whole */
static void diff_code(rbk_odiff *d, const rbk_outline *a, const rbk_outline *b) {
    leaves la = {NULL, 0, 0, W_EFFECTS | W_CHECKS}, lb = {NULL, 0, 0, W_EFFECTS | W_CHECKS};
    for (int i = 0; i < a->ncode; i++) rbk_oitems_flatten(&a->code[i].items, NULL, on_leaf, &la);
    for (int i = 0; i < b->ncode; i++) rbk_oitems_flatten(&b->code[i].items, NULL, on_leaf, &lb);
    side sd = {a, b, "top-level code", NULL};
    diff_leaves(d, &sd, &la, &lb);
    leaves_free(&la);
    leaves_free(&lb);
}

static void diff_cost(rbk_odiff *d, const char *kind, const char *what, const rbk_cost *x, const rbk_cost *y) {
    rbk_sbuf p = RBK_SBUF_INIT, q = RBK_SBUF_INIT;
    rbk_cost_text(&p, x);
    rbk_cost_text(&q, y);
    if (strcmp(p.data, q.data)) {
        rbk_dchange *c = add(d, kind, '~', 0, "worst case");
        msg(c, "worst-case duration of %s changed", what);
        texts(c, p.data, q.data);
    }
    rbk_sbuf_free(&p);
    rbk_sbuf_free(&q);
}

void rbk_outline_diff(const rbk_outline *a, const rbk_outline *b, rbk_odiff *d) {
    memset(d, 0, sizeof *d);
    diff_decls(d, a, b);
    matching m;
    match_steps(a, b, &m);
    diff_pnr(d, a, b, &m);
    gates ga = all_gates(a), gb = all_gates(b);
    int *used = rbk_xcalloc((size_t)ga.n + 1, sizeof(int));
    /* the removed steps of a at their place: after the step of b that matches the last
     * matched step before them */
    for (int i = 0; i < a->nsteps && m.a2b[i] < 0; i++) step_removed(d, a, i);
    for (int j = 0; j < b->nsteps; j++) {
        diff_step(d, a, b, &m, j);
        diff_gates(d, a, b, j, &ga, &gb, used);
        int i = m.b2a[j];
        for (int k = i + 1; i >= 0 && k < a->nsteps && m.a2b[k] < 0; k++) step_removed(d, a, k);
    }
    free(used);
    gates_free(&ga);
    gates_free(&gb);
    diff_code(d, a, b);
    diff_cost(d, "worst-case-run", "the run", &a->run, &b->run);
    diff_cost(d, "worst-case-rollback", "the full rollback", &a->rollback, &b->rollback);
    free(m.a2b);
    free(m.b2a);
    free(m.moved);
}

void rbk_odiff_free(rbk_odiff *d) {
    for (int i = 0; i < d->n; i++) {
        free(d->v[i].group);
        free(d->v[i].message);
        free(d->v[i].before);
        free(d->v[i].after);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* cli/outline.c — builds the outline of a runbook (cli/outline.h) from the checked AST: what
 * each step and each piece of top-level code does, in source order, as written; and the
 * worst-case durations by the rules of docs/plan.md. Calls to user functions are expanded
 * where they are made, with the function's parameters shown as the call's arguments, so an
 * effect inside std/pg or a local helper is attributed to the step that reaches it.
 * Loading (FILE.rb, or FILE.rbc recompiled from its embedded sources) is at the end. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../stdlib/builtins.h"
#include "../support/readfile.h"
#include "../support/sha256.h"
#include "outline.h"

#define COST_LIMIT (INT64_MAX / 8)
#define MAX_DEPTH 64
#define ITEM_BUDGET 100000
#define TEXT_BUDGET (64 << 20)

/* ------------------------------------------------------------------ costs */
static rbk_cost cost_zero(void) { rbk_cost c = {0, 0, NULL, NULL}; return c; }
static int64_t sat_add(int64_t a, int64_t b) { return a > COST_LIMIT - b ? COST_LIMIT : a + b; }
static int64_t sat_mul(int64_t a, int64_t n) {
    if (a == 0 || n == 0) return 0;
    return a > COST_LIMIT / n ? COST_LIMIT : a * n;
}
static void why_keep(char **dst, const char *src) {
    if (!*dst && src) *dst = rbk_xstrdup(src);
}
static void cost_add(rbk_cost *a, const rbk_cost *b) {
    a->machine_ms = sat_add(a->machine_ms, b->machine_ms);
    a->operator_ms = sat_add(a->operator_ms, b->operator_ms);
    why_keep(&a->machine_why, b->machine_why);
    why_keep(&a->operator_why, b->operator_why);
}
static void cost_max(rbk_cost *a, const rbk_cost *b) {
    if (b->machine_ms > a->machine_ms) a->machine_ms = b->machine_ms;
    if (b->operator_ms > a->operator_ms) a->operator_ms = b->operator_ms;
    why_keep(&a->machine_why, b->machine_why);
    why_keep(&a->operator_why, b->operator_why);
}
static void cost_mul(rbk_cost *a, int64_t n) {
    a->machine_ms = sat_mul(a->machine_ms, n);
    a->operator_ms = sat_mul(a->operator_ms, n);
}
static rbk_cost cost_copy(const rbk_cost *c) {
    rbk_cost r = cost_zero();
    cost_add(&r, c);
    return r;
}
static void cost_free(rbk_cost *c) {
    free(c->machine_why);
    free(c->operator_why);
    c->machine_why = c->operator_why = NULL;
}
static int cost_empty(const rbk_cost *c) {
    return !c->machine_ms && !c->operator_ms && !c->machine_why && !c->operator_why;
}
int rbk_cost_bounded(const rbk_cost *c) { return !c->machine_why && !c->operator_why; }
int64_t rbk_cost_total(const rbk_cost *c) { return sat_add(c->machine_ms, c->operator_ms); }
/* A step's timeout caps the machine time of one run of a part (vm/steps.c run_part); gates
 * wait for their own timeout regardless (stdlib/std_core.c), so operator time is not capped. */
static rbk_cost capped(const rbk_cost *c, int64_t timeout_ms) {
    rbk_cost r = cost_copy(c);
    if (timeout_ms > 0) {
        if (r.machine_why || r.machine_ms > timeout_ms) r.machine_ms = timeout_ms;
        free(r.machine_why);
        r.machine_why = NULL;
    }
    return r;
}

void rbk_outline_dur(rbk_sbuf *out, int64_t ms) { rbk_duration_fmt(out, ms); }

/* ------------------------------------------------------------------ items */
static void items_push(rbk_oitems *l, rbk_oitem *it) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = rbk_xrealloc(l->v, sizeof(rbk_oitem) * (size_t)l->cap);
    }
    l->v[l->n++] = *it;
}
static void items_free(rbk_oitems *l);
static void item_free(rbk_oitem *it) {
    free(it->verb); free(it->text); free(it->options); free(it->message);
    free(it->window); free(it->repeat); free(it->via); free(it->note);
    cost_free(&it->cost);
    items_free(&it->kids);
    items_free(&it->alt);
}
static void items_free(rbk_oitems *l) {
    for (int i = 0; i < l->n; i++) item_free(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}
void rbk_oitems_flags(const rbk_oitems *l, int *w, int *g) {
    for (int i = 0; i < l->n; i++) {
        const rbk_oitem *it = &l->v[i];
        if ((it->kind == RBK_OI_EFFECT && it->write) || it->has_write) *w = 1;
        if (it->kind == RBK_OI_GATE || it->has_gate) *g = 1;
    }
}

/* ------------------------------------------------------------------ walking state */
/* A call of a user function being expanded: its parameters and the arguments bound to them. */
typedef struct frame {
    const struct frame *caller;
    rbk_node *params;          /* the N_FN's parameter list */
    rbk_node *const *args;     /* per parameter: the argument, or NULL (the default applies) */
    const char *via;           /* "f → g", or NULL outside functions */
    int depth;
} frame;

typedef struct walker {
    rbk_outline *o;
    rbk_compiler *c;
    const char *repeat;        /* the context effects are under ("polled within 2m every 5s") */
    const char *need_param;    /* set by ceval: a required parameter made a value unknown */
    int quoted;                /* rendering an @shell/@sql literal: `{p}` stays a value, never spliced */
} walker;

static const rbk_source *src_of(walker *w, int file) { return w->c->sources->items[file]; }
static int line_of(walker *w, int file, uint32_t off) {
    int line, col;
    rbk_source_linecol(src_of(w, file), off, &line, &col);
    return line;
}
/* Source text into out; all rendering of one outline shares TEXT_BUDGET bytes, so that calls
 * nested to pass `x + x` down many levels cannot multiply a text without end. */
static void add_span(walker *w, rbk_sbuf *out, int file, uint32_t a, uint32_t b) {
    if (b <= a) return;
    if (w->o->text_budget < (int64_t)(b - a)) {
        if (w->o->text_budget >= 0) rbk_sbuf_adds(out, "…");
        w->o->text_budget = -1;
        return;
    }
    w->o->text_budget -= b - a;
    rbk_sbuf_add(out, src_of(w, file)->text + a, b - a);
}

static int param_index(const frame *f, const rbk_node *decl) {
    if (!f || !f->params) return -1;
    for (int i = 0; i < f->params->list.n; i++)
        if (f->params->list.items[i] == decl) return i;
    return -1;
}
/* The expression a parameter stands for in frame f, and the frame to read it in: the call's
 * argument (in the caller) or the parameter's default (top-level names and literals only). */
static rbk_node *binding(const frame *f, const rbk_node *decl, const frame **bf) {
    int i = param_index(f, decl);
    if (i < 0) return NULL;
    if (f->args[i]) { *bf = f->caller; return f->args[i]; }
    *bf = NULL;
    return f->params->list.items[i]->a;
}
static rbk_node *bound_param_of(const frame *f, const rbk_node *n) {
    if (n && n->kind == N_IDENT && n->sym && n->sym->kind == SYM_LOCAL && param_index(f, n->sym->decl) >= 0)
        return n->sym->decl;
    return NULL;
}

/* ------------------------------------------------------------------ compile-time values */
enum { CV_UNKNOWN, CV_INT, CV_FLOAT, CV_DUR, CV_BOOL, CV_NIL, CV_STR, CV_LIST };
typedef struct cval { int kind; int64_t i; double f; } cval; /* CV_LIST: i = length */

static void add_note(char ***list, int *n, const char *text) {
    for (int i = 0; i < *n; i++)
        if (!strcmp((*list)[i], text)) return;
    *list = rbk_xrealloc(*list, sizeof(char *) * (size_t)(*n + 1));
    (*list)[(*n)++] = rbk_xstrdup(text);
}

static cval ceval(walker *w, rbk_node *n, const frame *f, int depth);
static cval cv(int kind, int64_t i) { cval v = {kind, i, 0}; return v; }

static cval ceval_global(walker *w, rbk_sym *y, int depth) {
    rbk_node *d = y->decl;
    if (!d) return cv(CV_UNKNOWN, 0);
    if (y->is_param && d->kind == N_PARAM) {
        /* a secret param's default is not shown, so nothing is computed from it either */
        if (!d->b || (d->flags & RBK_NF_SECRET)) { w->need_param = y->name; return cv(CV_UNKNOWN, 0); }
        cval v = ceval(w, d->b, NULL, depth + 1);
        if (v.kind != CV_UNKNOWN) {
            rbk_sbuf b = RBK_SBUF_INIT;
            rbk_sbuf_printf(&b, "%s = ", y->name);
            add_span(w, &b, d->b->file, d->b->off, d->b->end);
            rbk_sbuf_printf(&b, " (its default; --param %s=... changes it)", y->name);
            add_note(&w->o->assumptions, &w->o->nassumptions, b.data);
            rbk_sbuf_free(&b);
        }
        return v;
    }
    if (d->kind == N_LET && !y->assigned) return ceval(w, d->a, NULL, depth + 1);
    return cv(CV_UNKNOWN, 0);
}

static cval ceval(walker *w, rbk_node *n, const frame *f, int depth) {
    if (!n || depth > MAX_DEPTH) return cv(CV_UNKNOWN, 0);
    switch (n->kind) {
    case N_INT: return cv(CV_INT, n->i);
    case N_DURATION: return cv(CV_DUR, n->i);
    case N_BOOL: return cv(CV_BOOL, n->i);
    case N_NIL: return cv(CV_NIL, 0);
    case N_FLOAT: { cval v = cv(CV_FLOAT, 0); v.f = n->f; return v; }
    case N_STRING: case N_INTERP: return cv(CV_STR, 0);
    case N_LIST: case N_MAP: return cv(CV_LIST, n->list.n);
    case N_RANGE: {
        cval a = ceval(w, n->a, f, depth + 1), b = ceval(w, n->b, f, depth + 1);
        int64_t len;
        if (a.kind != CV_INT || b.kind != CV_INT) return cv(CV_UNKNOWN, 0);
        if (b.i < a.i) return cv(CV_LIST, 0);
        if (__builtin_sub_overflow(b.i, a.i, &len) || len >= COST_LIMIT) return cv(CV_LIST, COST_LIMIT);
        return cv(CV_LIST, len + 1);
    }
    case N_UNARY: {
        cval a = ceval(w, n->a, f, depth + 1);
        if ((a.kind == CV_INT || a.kind == CV_DUR) && a.i != INT64_MIN) { a.i = -a.i; return a; }
        return cv(CV_UNKNOWN, 0);
    }
    case N_IDENT: {
        rbk_sym *y = n->sym;
        if (!y) return cv(CV_UNKNOWN, 0);
        if (y->kind == SYM_LOCAL) {
            const frame *bf = NULL;
            rbk_node *b = binding(f, y->decl, &bf);
            if (b) return ceval(w, b, bf, depth + 1);
            if (y->decl && y->decl->kind == N_LET && !y->assigned) return ceval(w, y->decl->a, f, depth + 1);
            return cv(CV_UNKNOWN, 0);
        }
        if (y->kind == SYM_GLOBAL) return ceval_global(w, y, depth);
        return cv(CV_UNKNOWN, 0);
    }
    case N_FIELD:
        if (n->aux == 12 && n->sym && n->sym->kind == SYM_GLOBAL) return ceval_global(w, n->sym, depth);
        return cv(CV_UNKNOWN, 0);
    case N_BINARY: {
        cval a = ceval(w, n->a, f, depth + 1), b = ceval(w, n->b, f, depth + 1);
        if (a.kind == CV_UNKNOWN || b.kind == CV_UNKNOWN) return cv(CV_UNKNOWN, 0);
        int num_a = a.kind == CV_INT || a.kind == CV_DUR, num_b = b.kind == CV_INT || b.kind == CV_DUR;
        if (n->op == OP_ADD && a.kind == CV_LIST && b.kind == CV_LIST) return cv(CV_LIST, sat_add(a.i, b.i));
        if (!num_a || !num_b) return cv(CV_UNKNOWN, 0);
        int kind = (a.kind == CV_DUR || b.kind == CV_DUR) ? CV_DUR : CV_INT;
        int64_t r;
        switch (n->op) { /* what overflows at run time is an error there: unknown here */
        case OP_ADD: return __builtin_add_overflow(a.i, b.i, &r) ? cv(CV_UNKNOWN, 0) : cv(kind, r);
        case OP_SUB: return __builtin_sub_overflow(a.i, b.i, &r) ? cv(CV_UNKNOWN, 0) : cv(kind, r);
        case OP_MUL:
            if (a.kind == CV_DUR && b.kind == CV_DUR) return cv(CV_UNKNOWN, 0);
            return __builtin_mul_overflow(a.i, b.i, &r) ? cv(CV_UNKNOWN, 0) : cv(kind, r);
        case OP_DIV:
            if (b.i == 0 || b.kind == CV_DUR || (a.i == INT64_MIN && b.i == -1)) return cv(CV_UNKNOWN, 0);
            return cv(kind, a.i / b.i);
        default: return cv(CV_UNKNOWN, 0);
        }
    }
    default: return cv(CV_UNKNOWN, 0);
    }
}
/* A duration bound, or -1 with *why set to the reason it is not known. */
static int64_t duration_of(walker *w, rbk_node *n, const frame *f, const char *what, char **why) {
    w->need_param = NULL;
    cval v = ceval(w, n, f, 0);
    if (v.kind == CV_DUR && v.i >= 0) return v.i;
    rbk_sbuf b = RBK_SBUF_INIT;
    int line = line_of(w, n->file, n->off);
    rbk_sbuf_printf(&b, "%s `", what);
    add_span(w, &b, n->file, n->off, n->end);
    rbk_sbuf_printf(&b, "` (%s:%d) is not known before the run", rbk_outline_file(w->o, n->file), line);
    if (w->need_param) rbk_sbuf_printf(&b, ": it depends on --param %s", w->need_param);
    *why = rbk_sbuf_detach(&b);
    return -1;
}

/* ------------------------------------------------------------------ text as written */
static void render_expr(walker *w, rbk_node *n, const frame *f, rbk_sbuf *out);
static void render_inner(walker *w, rbk_node *n, const frame *f, rbk_sbuf *out);

static int is_string(const rbk_node *n) { return n && (n->kind == N_STRING || n->kind == N_INTERP); }
static int is_triple(const rbk_node *n) { return is_string(n) && (n->flags & RBK_NF_TRIPLE); }

typedef struct sub { rbk_node *id; int direct; } sub; /* direct: the whole of an `{x}` part */
typedef struct subs { sub v[64]; int n; } subs;

static void collect(rbk_node *n, const frame *f, subs *s, int direct) {
    if (!n || s->n == 64) return;
    if (n->kind == N_IDENT) {
        if (bound_param_of(f, n)) { s->v[s->n].id = n; s->v[s->n].direct = direct; s->n++; }
        return;
    }
    if (n->kind == N_INTERP_PART) { collect(n->a, f, s, n->b == NULL); return; }
    if (n->kind == N_FIELD) { collect(n->a, f, s, 0); return; }
    int has = rbk_node_has(n);
    if (has >= RBK_HAS_A) collect(n->a, f, s, 0);
    if (has >= RBK_HAS_B) collect(n->b, f, s, 0);
    if (has >= RBK_HAS_C) collect(n->c, f, s, 0);
    if (has >= RBK_HAS_LIST)
        for (int i = 0; i < n->list.n; i++) collect(n->list.items[i], f, s, 0);
}
static int cmp_sub(const void *a, const void *b) {
    const sub *x = a, *y = b;
    return x->id->off < y->id->off ? -1 : x->id->off > y->id->off;
}

/* Whether the identifier at [a, e) is the whole of an interpolation `{ x }` inside [lo, hi);
 * *from and *to are then the braces' span. */
static int braced(const char *t, uint32_t lo, uint32_t hi, uint32_t a, uint32_t e, uint32_t *from, uint32_t *to) {
    while (a > lo && t[a - 1] == ' ') a--;
    while (e < hi && t[e] == ' ') e++;
    if (a <= lo || t[a - 1] != '{' || e >= hi || t[e] != '}') return 0;
    *from = a - 1;
    *to = e + 1;
    return 1;
}
static int is_scalar_literal(const rbk_node *n) {
    return n && (n->kind == N_INT || n->kind == N_FLOAT || n->kind == N_DURATION || n->kind == N_BOOL);
}

/* The source text of n, with each parameter of the function being expanded replaced by what
 * the call passed for it. Inside a string, `{p}` where p is passed a literal becomes the
 * literal's text (`{url}` passed "{base}/x" reads {base}/x; `{code}` passed 200 reads 200) —
 * except in a shell command or a query, where a value is quoted or bound, not spliced. */
#define RENDER_MAX 65536 /* one text: past this, say so and stop */
static void render_expr(walker *w, rbk_node *n, const frame *f, rbk_sbuf *out) {
    if (out->len > RENDER_MAX || w->o->text_budget < 0) { rbk_sbuf_adds(out, "…"); return; }
    subs s;
    s.n = 0;
    if (f && f->params) collect(n, f, &s, 0);
    if (!s.n) { add_span(w, out, n->file, n->off, n->end); return; }
    qsort(s.v, (size_t)s.n, sizeof(sub), cmp_sub);
    const char *t = src_of(w, n->file)->text;
    uint32_t pos = n->off;
    for (int i = 0; i < s.n; i++) {
        rbk_node *id = s.v[i].id;
        if (id->off < pos) continue;
        const frame *bf = NULL;
        rbk_node *b = binding(f, id->sym->decl, &bf);
        uint32_t from, to;
        int splice = s.v[i].direct && !w->quoted && ((is_string(b) && !is_triple(b)) || is_scalar_literal(b));
        if (splice && braced(t, pos, n->end, id->off, id->end, &from, &to)) {
            add_span(w, out, n->file, pos, from);
            if (is_string(b)) render_inner(w, b, bf, out);
            else add_span(w, out, b->file, b->off, b->end);
            pos = to;
            continue;
        }
        add_span(w, out, n->file, pos, id->off);
        render_expr(w, b, bf, out);
        pos = id->end;
    }
    add_span(w, out, n->file, pos, n->end);
}

static void add_escaped_braces(rbk_sbuf *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '{' || s[i] == '}') rbk_sbuf_addc(out, '\\');
        rbk_sbuf_addc(out, s[i]);
    }
}
/* The inside of a string literal as written (without its quotes); a """ string without its
 * common indentation, as the language reads it. */
static void render_inner(walker *w, rbk_node *n, const frame *f, rbk_sbuf *out) {
    if (n->kind == N_STRING && (n->flags & RBK_NF_TRIPLE)) { add_escaped_braces(out, n->str, n->slen); return; }
    if (n->kind == N_INTERP && (n->flags & RBK_NF_TRIPLE)) {
        for (int i = 0; i < n->list.n; i++) {
            rbk_node *p = n->list.items[i];
            if (p->kind == N_STRING) { add_escaped_braces(out, p->str, p->slen); continue; }
            const frame *bf = NULL;
            rbk_node *b = !p->b && !w->quoted && bound_param_of(f, p->a) ? binding(f, p->a->sym->decl, &bf) : NULL;
            if (b && is_string(b) && !is_triple(b)) { render_inner(w, b, bf, out); continue; }
            rbk_sbuf_addc(out, '{');
            render_expr(w, p->a, f, out);
            if (p->b) rbk_sbuf_printf(out, ":%s", p->b->str);
            rbk_sbuf_addc(out, '}');
        }
        return;
    }
    rbk_sbuf t = RBK_SBUF_INIT;
    render_expr(w, n, f, &t);
    if (t.len >= 2) rbk_sbuf_add(out, t.data + 1, t.len - 2);
    rbk_sbuf_free(&t);
}
/* An argument as written: the inside of a string literal (literal = 1), following a
 * parameter to the literal its call passed; otherwise the expression's text. */
static char *render_arg_at(walker *w, rbk_node *n, const frame *f, int *literal, rbk_node **at);
static char *render_arg(walker *w, rbk_node *n, const frame *f, int *literal) {
    rbk_node *at;
    return render_arg_at(w, n, f, literal, &at);
}
/* The same; *at is the literal (or expression) the text comes from. */
static char *render_arg_at(walker *w, rbk_node *n, const frame *f, int *literal, rbk_node **at) {
    rbk_sbuf b = RBK_SBUF_INIT;
    for (int hops = 0; hops < MAX_DEPTH && bound_param_of(f, n); hops++) {
        const frame *bf = NULL;
        rbk_node *x = binding(f, n->sym->decl, &bf);
        if (!is_string(x) && !bound_param_of(bf, x)) break;
        n = x;
        f = bf;
    }
    *at = n;
    if (is_string(n)) { *literal = 1; render_inner(w, n, f, &b); }
    else { *literal = 0; render_expr(w, n, f, &b); }
    if (!b.data) rbk_sbuf_adds(&b, "");
    return rbk_sbuf_detach(&b);
}
static char *render(walker *w, rbk_node *n, const frame *f) {
    rbk_sbuf b = RBK_SBUF_INIT;
    render_expr(w, n, f, &b);
    if (!b.data) rbk_sbuf_adds(&b, "");
    return rbk_sbuf_detach(&b);
}

/* ------------------------------------------------------------------ the walk */
static rbk_cost expr_items(walker *w, rbk_node *n, const frame *f, rbk_oitems *out);
static rbk_cost block_items(walker *w, rbk_node *b, const frame *f, rbk_oitems *out);
static rbk_cost stmt_items(walker *w, rbk_node *n, const frame *f, rbk_oitems *out);

static rbk_oitem new_item(walker *w, rbk_oi_kind k, rbk_node *at, const frame *f) {
    rbk_oitem it;
    memset(&it, 0, sizeof it);
    it.kind = k;
    it.file = at->file;
    it.line = line_of(w, at->file, at->off);
    if (w->repeat) it.repeat = rbk_xstrdup(w->repeat);
    if (f && f->via) it.via = rbk_xstrdup(f->via);
    w->o->budget--;
    return it;
}
/* Appends it (its cost already set) and returns a copy of its cost for the caller's sum. */
static rbk_cost push_item(rbk_oitems *out, rbk_oitem *it) {
    rbk_oitems_flags(&it->kids, &it->has_write, &it->has_gate);
    rbk_oitems_flags(&it->alt, &it->has_write, &it->has_gate);
    rbk_cost c = cost_copy(&it->cost);
    items_push(out, it);
    return c;
}
static int param_of(const rbk_builtin *b, const char *name) {
    for (int i = 0; i < b->nparams; i++)
        if (!strcmp(b->params[i].name, name)) return i;
    return -1;
}

/* The run parameters spliced in unquoted (`{p:raw}`): the command is theirs, so say what they
 * hold by default. */
static char *raw_params(walker *w, rbk_node *lit) {
    if (!lit || lit->kind != N_INTERP) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    for (int i = 0; i < lit->list.n; i++) {
        rbk_node *p = lit->list.items[i];
        if (p->kind != N_INTERP_PART || !p->b || strcmp(p->b->str, "raw") || p->a->kind != N_IDENT) continue;
        rbk_sym *y = p->a->sym;
        if (!y || !y->is_param || !y->decl || y->decl->kind != N_PARAM) continue;
        if (!y->decl->b || (y->decl->flags & RBK_NF_SECRET)) continue; /* required or secret: the parameters' table says so */
        if (b.len) rbk_sbuf_adds(&b, "; ");
        rbk_sbuf_printf(&b, "%s = ", y->name);
        add_span(w, &b, y->decl->b->file, y->decl->b->off, y->decl->b->end);
    }
    return b.len ? rbk_sbuf_detach(&b) : (rbk_sbuf_free(&b), NULL);
}

/* A builtin that leaves the process, a gate, wait or log. */
static rbk_cost builtin_item(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    const rbk_builtin *b = rbk_builtin_get(n->slot);
    rbk_node **args = n->list2.items;
    int nargs = n->list2.n;
    int is_wait = !strcmp(b->name, "wait"), is_log = !strcmp(b->name, "log");
    if (b->effect == RBK_EFF_PURE && !is_wait && !is_log) return cost_zero();
    rbk_oi_kind k = b->effect == RBK_EFF_GATE ? RBK_OI_GATE : is_wait ? RBK_OI_WAIT : is_log ? RBK_OI_LOG : RBK_OI_EFFECT;
    rbk_oitem it = new_item(w, k, n, f);
    it.builtin = b->name;
    int ro = b->read_only_param; /* sh(..., read_only: true) is a read: the checker made it a literal */
    rbk_node *roa = ro >= 0 && ro < nargs ? args[ro] : NULL;
    it.write = rbk_call_effect(b, roa && roa->kind == N_BOOL && roa->i) == RBK_EFF_WRITE;
    /* the main operand: the first argument that is not the handle (http.request: the URL,
     * its method goes in verb) */
    int primary = 0;
    while (primary < b->nparams && !strncmp(b->params[primary].type, "handle:", 7)) primary++;
    if (!strcmp(b->name, "http.request")) {
        primary = 1;
        int lit = 0;
        char *m = args[0] ? render_arg(w, args[0], f, &lit) : rbk_xstrdup("?");
        if (lit) for (char *p = m; *p; p++) *p = (char)toupper((unsigned char)*p);
        it.verb = m;
    } else if (!strncmp(b->name, "http.", 5)) {
        it.verb = rbk_xstrdup(b->name + 5);
        for (char *p = it.verb; *p; p++) *p = (char)toupper((unsigned char)*p);
    }
    if (primary < nargs && args[primary]) {
        rbk_node *at = NULL;
        /* a URL's values are shown as the run's parameters give them (spliced: encoding aside,
         * that is the request) */
        w->quoted = b->params[primary].interp == 'S' || b->params[primary].interp == 'Q';
        it.text = render_arg_at(w, args[primary], f, &it.literal, &at);
        w->quoted = 0;
        it.note = raw_params(w, at);
    } else {
        it.text = rbk_xstrdup("");
    }
    int tmo = param_of(b, "timeout");
    rbk_sbuf opts = RBK_SBUF_INIT;
    for (int i = 0; i < nargs && i < b->nparams; i++) {
        if (!args[i] || i == primary || !strncmp(b->params[i].type, "handle:", 7)) continue;
        if (!strcmp(b->name, "http.request") && i == 0) continue;
        char *v = render(w, args[i], f);
        if (strcmp(v, "nil")) { /* a helper's `headers = nil` passed on: nothing given */
            if (opts.len) rbk_sbuf_adds(&opts, ", ");
            rbk_sbuf_printf(&opts, "%s: %s", b->params[i].name, v);
        }
        free(v);
    }
    if (opts.len) it.options = rbk_sbuf_detach(&opts);
    rbk_sbuf_free(&opts);
    char *why = NULL;
    if (k == RBK_OI_WAIT) {
        it.tmo_kind = RBK_TMO_EXPLICIT;
        it.timeout_ms = args[0] ? duration_of(w, args[0], f, "wait", &why) : 0;
        if (why) { it.tmo_kind = RBK_TMO_UNKNOWN; it.cost.machine_why = why; }
        else it.cost.machine_ms = it.timeout_ms;
    } else if (k == RBK_OI_GATE || (k == RBK_OI_EFFECT && tmo >= 0)) {
        if (tmo >= 0 && tmo < nargs && args[tmo]) {
            it.tmo_kind = RBK_TMO_EXPLICIT;
            it.timeout_ms = duration_of(w, args[tmo], f, "the timeout", &why);
            if (why) it.tmo_kind = RBK_TMO_UNKNOWN;
        } else {
            it.tmo_kind = RBK_TMO_DEFAULT;
            it.timeout_ms = k == RBK_OI_GATE ? RBK_DEFAULT_GATE_TIMEOUT_MS : w->o->default_timeout_ms;
            if (k == RBK_OI_EFFECT && w->o->default_timeout_ms == RBK_DEFAULT_CALL_TIMEOUT_MS)
                add_note(&w->o->assumptions, &w->o->nassumptions,
                         "a call without `timeout:` counts the default 30s (`--default-timeout D` changes it, for the run and for this plan)");
            else if (k == RBK_OI_EFFECT) {
                rbk_sbuf d = RBK_SBUF_INIT, t = RBK_SBUF_INIT;
                rbk_duration_fmt(&d, w->o->default_timeout_ms);
                rbk_sbuf_printf(&t, "a call without `timeout:` counts %s (--default-timeout): run with the same value", rbk_sbuf_cstr(&d));
                add_note(&w->o->assumptions, &w->o->nassumptions, rbk_sbuf_cstr(&t));
                rbk_sbuf_free(&d);
                rbk_sbuf_free(&t);
            }
        }
        if (k == RBK_OI_GATE) {
            if (why) it.cost.operator_why = why;
            else it.cost.operator_ms = it.timeout_ms;
        } else {
            if (why) it.cost.machine_why = why;
            else it.cost.machine_ms = it.timeout_ms;
        }
    }
    return push_item(out, &it);
}

static char *via_of(walker *w, rbk_node *call, const frame *f) {
    rbk_sbuf b = RBK_SBUF_INIT;
    if (f && f->via) rbk_sbuf_printf(&b, "%s → ", f->via);
    add_span(w, &b, call->a->file, call->a->off, call->a->end);
    return rbk_sbuf_detach(&b);
}

/* A call of a user function: its arguments' calls, then the function's body expanded. */
static rbk_cost user_call_item(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    rbk_fninfo *fi = &w->c->fns[n->slot];
    if (!fi->decl || fi->decl->kind != N_FN) return cost_zero();
    rbk_oitem it = new_item(w, RBK_OI_CALL, n, f);
    it.text = render(w, n, f);
    it.module = fi->module >= 0 ? w->c->modules[fi->module].path : NULL;
    char *via = via_of(w, n, f);
    int depth = f ? f->depth + 1 : 1;
    if (depth > MAX_DEPTH || w->o->budget <= 0) {
        it.cost.machine_why = rbk_xstrdup("the calls nest too deeply (or too many) to expand");
    } else {
        frame callee = {f, fi->decl->a, n->list2.items, via, depth};
        const char *saved = w->repeat;
        it.cost = block_items(w, fi->body, &callee, &it.kids);
        w->repeat = saved;
    }
    free(via);
    if (!it.kids.n && cost_empty(&it.cost)) { item_free(&it); return cost_zero(); }
    return push_item(out, &it);
}

static void visit_children(walker *w, rbk_node *n, const frame *f, rbk_oitems *out, rbk_cost *sum) {
    int has = rbk_node_has(n);
    rbk_node *ch[3] = {has >= RBK_HAS_A ? n->a : NULL, has >= RBK_HAS_B ? n->b : NULL, has >= RBK_HAS_C ? n->c : NULL};
    for (int i = 0; i < 3; i++)
        if (ch[i]) { rbk_cost c = expr_items(w, ch[i], f, out); cost_add(sum, &c); cost_free(&c); }
    for (int i = 0; has >= RBK_HAS_LIST && i < n->list.n; i++) {
        rbk_cost c = expr_items(w, n->list.items[i], f, out);
        cost_add(sum, &c);
        cost_free(&c);
    }
}

/* Every call in an expression, in evaluation order (arguments first). */
static rbk_cost expr_items(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    rbk_cost sum = cost_zero();
    if (!n) return sum;
    if (n->kind == N_CALL) {
        if (n->aux == 1 || n->aux == 2) {
            for (int i = 0; i < n->list2.n; i++) {
                if (!n->list2.items[i]) continue;
                rbk_cost c = expr_items(w, n->list2.items[i], f, out);
                cost_add(&sum, &c);
                cost_free(&c);
            }
            rbk_cost c = n->aux == 1 ? builtin_item(w, n, f, out) : user_call_item(w, n, f, out);
            cost_add(&sum, &c);
            cost_free(&c);
            return sum;
        }
        if (n->a->kind == N_FIELD) { rbk_cost c = expr_items(w, n->a->a, f, out); cost_add(&sum, &c); cost_free(&c); }
        for (int i = 0; i < n->list.n; i++) {
            rbk_cost c = expr_items(w, n->list.items[i], f, out);
            cost_add(&sum, &c);
            cost_free(&c);
        }
        return sum;
    }
    if (n->kind == N_FIELD) return expr_items(w, n->a, f, out);
    visit_children(w, n, f, out, &sum);
    return sum;
}

/* The first effect, gate or wait in items (depth first): "sh (x.rb:12)". */
static int first_call(walker *w, const rbk_oitems *l, rbk_sbuf *out) {
    for (int i = 0; i < l->n; i++) {
        const rbk_oitem *it = &l->v[i];
        if (it->kind == RBK_OI_EFFECT || it->kind == RBK_OI_GATE || it->kind == RBK_OI_WAIT) {
            rbk_sbuf_printf(out, "%s (%s:%d)", it->builtin, rbk_outline_file(w->o, it->file), it->line);
            return 1;
        }
        if (first_call(w, &it->kids, out) || first_call(w, &it->alt, out)) return 1;
    }
    return 0;
}

static const char *push_repeat(walker *w, const char *what, char **owned) {
    const char *saved = w->repeat;
    rbk_sbuf b = RBK_SBUF_INIT;
    if (saved) rbk_sbuf_printf(&b, "%s; ", saved);
    rbk_sbuf_adds(&b, what);
    *owned = rbk_sbuf_detach(&b);
    w->repeat = *owned;
    return saved;
}

static rbk_cost for_items(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    rbk_cost sum = expr_items(w, n->a, f, out);
    rbk_oitem it = new_item(w, RBK_OI_FOR, n, f);
    it.text = render(w, n->a, f);
    rbk_sbuf vars = RBK_SBUF_INIT, what = RBK_SBUF_INIT;
    rbk_sbuf_add(&vars, n->str, n->slen);
    if ((n->flags & RBK_NF_TWO_VARS) && n->c) rbk_sbuf_printf(&vars, ", %s", n->c->str);
    it.message = rbk_sbuf_detach(&vars);
    rbk_sbuf_printf(&what, "for each %s in %s", it.message, it.text);
    char *owned;
    const char *saved = push_repeat(w, what.data, &owned);
    rbk_cost body = block_items(w, n->b, f, &it.kids);
    w->repeat = saved;
    free(owned);
    w->need_param = NULL;
    cval v = ceval(w, n->a, f, 0);
    if (v.kind == CV_LIST) {
        cost_mul(&body, v.i);
        it.timeout_ms = v.i; /* iterations */
        it.tmo_kind = RBK_TMO_EXPLICIT;
    } else if (!cost_empty(&body)) {
        rbk_sbuf why = RBK_SBUF_INIT, call = RBK_SBUF_INIT;
        if (!first_call(w, &it.kids, &call)) rbk_sbuf_adds(&call, "a function");
        rbk_sbuf_printf(&why, "`for %s in ", it.message);
        add_span(w, &why, n->a->file, n->a->off, n->a->end);
        rbk_sbuf_printf(&why, "` (%s:%d) repeats %s a number of times not known before the run",
                        rbk_outline_file(w->o, n->file), line_of(w, n->file, n->off), call.data);
        if (w->need_param) rbk_sbuf_printf(&why, " (it depends on --param %s)", w->need_param);
        free(body.machine_why);
        body.machine_why = rbk_sbuf_detach(&why);
        rbk_sbuf_free(&call);
        it.tmo_kind = RBK_TMO_UNKNOWN;
    }
    rbk_sbuf_free(&what);
    it.cost = body;
    if (!it.kids.n && cost_empty(&it.cost)) { item_free(&it); return sum; }
    rbk_cost c = push_item(out, &it);
    cost_add(&sum, &c);
    cost_free(&c);
    return sum;
}

static rbk_cost if_items(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    rbk_cost sum = expr_items(w, n->a, f, out);
    rbk_oitem it = new_item(w, RBK_OI_IF, n, f);
    it.text = render(w, n->a, f);
    rbk_cost yes = block_items(w, n->b, f, &it.kids), no = cost_zero();
    if (n->c) no = n->c->kind == N_IF ? stmt_items(w, n->c, f, &it.alt) : block_items(w, n->c, f, &it.alt);
    cost_max(&yes, &no);
    cost_free(&no);
    it.cost = yes;
    if (!it.kids.n && !it.alt.n && cost_empty(&it.cost)) { item_free(&it); return sum; }
    rbk_cost c = push_item(out, &it);
    cost_add(&sum, &c);
    cost_free(&c);
    return sum;
}

static void window_text(walker *w, rbk_sbuf *b, const char *kw, rbk_node *d, rbk_node *p, const frame *f) {
    rbk_sbuf_printf(b, "%s", kw);
    render_expr(w, d, f, b);
    rbk_sbuf_adds(b, " every ");
    if (p) render_expr(w, p, f, b);
    else rbk_sbuf_adds(b, "2s");
}

static rbk_cost guard_items(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    rbk_oi_kind k = n->kind == N_EXPECT ? RBK_OI_EXPECT : n->kind == N_STOP_IF ? RBK_OI_STOP_IF : RBK_OI_FAIL;
    rbk_oitem it = new_item(w, k, n, f);
    rbk_node *msg = k == RBK_OI_FAIL ? n->a : n->c;
    int within = k == RBK_OI_EXPECT && n->b;
    char *owned = NULL;
    const char *saved = w->repeat;
    if (within) {
        rbk_sbuf win = RBK_SBUF_INIT;
        window_text(w, &win, "within ", n->b->a, n->b->b, f);
        it.window = rbk_sbuf_detach(&win);
        rbk_sbuf rep = RBK_SBUF_INIT;
        rbk_sbuf_printf(&rep, "polled %s", it.window);
        push_repeat(w, rep.data, &owned);
        rbk_sbuf_free(&rep);
    }
    if (k != RBK_OI_FAIL) {
        it.text = render(w, n->a, f);
        it.cost = expr_items(w, n->a, f, &it.kids);
    }
    w->repeat = saved;
    free(owned);
    if (within) {
        char *why = NULL;
        int64_t d = duration_of(w, n->b->a, f, "`within`", &why);
        if (why) { free(it.cost.machine_why); it.cost.machine_why = why; }
        else it.cost.machine_ms = sat_add(it.cost.machine_ms, d);
        it.timeout_ms = d;
    }
    if (msg) {
        int lit = 0;
        it.message = render_arg(w, msg, f, &lit);
    }
    rbk_cost sum = push_item(out, &it);
    if (msg) { rbk_cost c = expr_items(w, msg, f, out); cost_add(&sum, &c); cost_free(&c); }
    return sum;
}

static rbk_cost watch_items(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    rbk_cost sum = expr_items(w, n->a, f, out);
    rbk_cost p = expr_items(w, n->b, f, out);
    cost_add(&sum, &p);
    cost_free(&p);
    rbk_oitem it = new_item(w, RBK_OI_WATCH, n, f);
    rbk_sbuf win = RBK_SBUF_INIT;
    window_text(w, &win, "", n->a, n->b, f);
    it.window = rbk_sbuf_detach(&win);
    rbk_sbuf rep = RBK_SBUF_INIT;
    rbk_sbuf_printf(&rep, "watched for %s", it.window);
    char *owned;
    const char *saved = push_repeat(w, rep.data, &owned);
    rbk_sbuf_free(&rep);
    it.cost = block_items(w, n->c, f, &it.kids);
    w->repeat = saved;
    free(owned);
    char *why = NULL;
    int64_t d = duration_of(w, n->a, f, "`watch`", &why);
    if (why) { free(it.cost.machine_why); it.cost.machine_why = why; }
    else it.cost.machine_ms = sat_add(it.cost.machine_ms, d);
    it.timeout_ms = d;
    rbk_cost c = push_item(out, &it);
    cost_add(&sum, &c);
    cost_free(&c);
    return sum;
}

static rbk_cost stmt_items(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    if (!n) return cost_zero();
    switch (n->kind) {
    case N_LET: case N_ASSIGN: case N_RETURN: case N_EXPR_STMT: return expr_items(w, n->a, f, out);
    case N_IF: return if_items(w, n, f, out);
    case N_FOR: return for_items(w, n, f, out);
    case N_EXPECT: case N_STOP_IF: case N_FAIL: return guard_items(w, n, f, out);
    case N_WATCH: return watch_items(w, n, f, out);
    default: return cost_zero();
    }
}
static rbk_cost block_items(walker *w, rbk_node *b, const frame *f, rbk_oitems *out) {
    rbk_cost sum = cost_zero();
    if (!b) return sum;
    for (int i = 0; i < b->list.n; i++) {
        rbk_cost c = stmt_items(w, b->list.items[i], f, out);
        cost_add(&sum, &c);
        cost_free(&c);
    }
    return sum;
}

/* ------------------------------------------------------------------ comments beside code */
/* The comment lines written directly above the line holding off (no blank line between),
 * without their `#`. */
static char *comment_above(const rbk_source *s, uint32_t off) {
    int line, col;
    rbk_source_linecol(s, off, &line, &col);
    int first = line;
    for (int l = line - 1; l >= 1; l--) {
        size_t len;
        const char *t = rbk_source_line(s, l, &len);
        size_t i = 0;
        while (i < len && (t[i] == ' ' || t[i] == '\t')) i++;
        if (i == len || t[i] != '#') break;
        first = l;
    }
    if (first == line) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    for (int l = first; l < line; l++) {
        size_t len;
        const char *t = rbk_source_line(s, l, &len);
        size_t i = 0;
        while (i < len && (t[i] == ' ' || t[i] == '\t')) i++;
        i++; /* the # */
        if (i < len && t[i] == ' ') i++;
        while (len > i && (t[len - 1] == ' ' || t[len - 1] == '\t')) len--;
        if (b.len) rbk_sbuf_addc(&b, '\n');
        rbk_sbuf_add(&b, t + i, len - i);
    }
    return rbk_sbuf_detach(&b);
}
/* The comment at the end of the line holding off (after the code), or NULL. */
static char *comment_after(const rbk_source *s, uint32_t off) {
    int quote = 0;
    for (uint32_t i = off; i < s->len && s->text[i] != '\n'; i++) {
        char ch = s->text[i];
        if (quote) {
            if (ch == '\\' && quote == '"') i++;
            else if (ch == quote) quote = 0;
            continue;
        }
        if (ch == '"' || ch == '\'') { quote = ch; continue; }
        if (ch != '#') continue;
        i++;
        while (i < s->len && s->text[i] == ' ') i++;
        uint32_t e = i;
        while (e < s->len && s->text[e] != '\n') e++;
        while (e > i && (s->text[e - 1] == ' ' || s->text[e - 1] == '\r')) e--;
        return e > i ? rbk_xstrndup(s->text + i, e - i) : NULL;
    }
    return NULL;
}

const char *rbk_outline_file(const rbk_outline *o, int file) {
    if (file < 0 || file >= o->c->sources->n) return "?";
    return o->c->sources->items[file]->path;
}

/* ------------------------------------------------------------------ the outline */
static void build_decls(walker *w) {
    rbk_outline *o = w->o;
    rbk_compiler *c = w->c;
    if (c->title) o->title = rbk_xstrndup(c->title->str, c->title->slen);
    o->nenvs = c->nenvs;
    o->envs = rbk_xcalloc((size_t)c->nenvs + 1, sizeof(rbk_oenv));
    for (int i = 0; i < c->nenvs; i++) {
        rbk_node *e = c->envs[i];
        o->envs[i].name = e->str;
        o->envs[i].secret = (e->flags & RBK_NF_SECRET) != 0;
        o->envs[i].optional = (e->flags & RBK_NF_OPTIONAL) != 0;
        o->envs[i].line = line_of(w, e->file, e->off);
        o->envs[i].description = comment_after(src_of(w, e->file), e->end);
    }
    o->nparams = c->nparams;
    o->params = rbk_xcalloc((size_t)c->nparams + 1, sizeof(rbk_oparam));
    for (int i = 0; i < c->nparams; i++) {
        rbk_node *p = c->params[i];
        rbk_oparam *op = &o->params[i];
        op->name = p->str;
        op->type = p->sym && p->sym->type ? rbk_type_str(p->sym->type) : "string";
        op->secret = (p->flags & RBK_NF_SECRET) != 0;
        op->deflt = !p->b ? NULL : op->secret ? rbk_xstrdup("***") : render(w, p->b, NULL);
        op->line = line_of(w, p->file, p->off);
        op->description = comment_after(src_of(w, p->file), p->end);
    }
}

static void build_step(walker *w, int i) {
    rbk_stepinfo *si = &w->c->steps[i];
    rbk_ostep *st = &w->o->steps[i];
    rbk_node *n = si->node;
    st->index = i;
    st->name = si->name;
    st->section = si->section;
    st->file = n->file;
    st->line = line_of(w, n->file, n->off);
    st->description = comment_above(src_of(w, n->file), n->off);
    st->timeout_ms = si->timeout_ms;
    st->retries = si->retries;
    st->retry_every_ms = si->retry_every_ms;
    st->irreversible = si->irreversible;
    if (si->irreversible_why) {
        int lit;
        st->why = render_arg(w, si->irreversible_why, NULL, &lit);
    }
    st->has_rollback = si->rollback_fn >= 0;
    for (int k = 0; k < n->list.n; k++) {
        rbk_node *a = n->list.items[k];
        if (strcmp(a->str, "if")) continue;
        st->cond = render(w, a->a, NULL);
        st->cond_cost = expr_items(w, a->a, NULL, &st->cond_items);
    }
    st->body_cost = block_items(w, n->b, NULL, &st->body);
    if (st->has_rollback) st->rollback_cost = block_items(w, n->c, NULL, &st->rollback);
    /* the step's rules: the `if` once, each attempt capped by the timeout, `every` between */
    int64_t t = st->timeout_ms;
    st->worst = capped(&st->cond_cost, t);
    rbk_cost body = capped(&st->body_cost, t);
    cost_mul(&body, st->retries + 1);
    cost_add(&st->worst, &body);
    cost_free(&body);
    st->worst.machine_ms = sat_add(st->worst.machine_ms, sat_mul(st->retry_every_ms, st->retries));
    st->rollback_worst = capped(&st->rollback_cost, t);
}

static rbk_ocode *new_code(rbk_outline *o, const char *label, int file, int line) {
    o->code = rbk_xrealloc(o->code, sizeof(rbk_ocode) * (size_t)(o->ncode + 1));
    rbk_ocode *k = &o->code[o->ncode++];
    memset(k, 0, sizeof *k);
    k->label = label;
    k->file = file;
    k->line = k->last_line = line;
    k->before_step = -1;
    return k;
}
static void seq_push(rbk_outline *o, int is_step, int index) {
    o->seq = rbk_xrealloc(o->seq, sizeof(rbk_oseq) * (size_t)(o->nseq + 1));
    o->seq[o->nseq].is_step = is_step;
    o->seq[o->nseq].index = index;
    o->nseq++;
}
/* Appends a top-level statement to the code segment open at the end of the sequence. */
static void code_stmt(walker *w, rbk_node *n, const char *label) {
    rbk_outline *o = w->o;
    int line = line_of(w, n->file, n->off);
    if (!o->nseq || o->seq[o->nseq - 1].is_step || strcmp(o->code[o->seq[o->nseq - 1].index].label, label)) {
        new_code(o, label, n->file, line);
        seq_push(o, 0, o->ncode - 1);
    }
    rbk_ocode *k = &o->code[o->ncode - 1];
    k->last_line = line_of(w, n->file, n->end > n->off ? n->end - 1 : n->off);
    rbk_cost c = stmt_items(w, n, NULL, &k->items);
    cost_add(&k->cost, &c);
    cost_free(&c);
}

static void build_sequence(walker *w) {
    rbk_outline *o = w->o;
    rbk_compiler *c = w->c;
    for (int m = 0; m < c->nmodules; m++) {
        rbk_node *prog = c->modules[m].prog;
        for (int i = 0; prog && i < prog->list.n; i++)
            if (prog->list.items[i] && prog->list.items[i]->kind == N_LET) {
                code_stmt(w, prog->list.items[i], c->modules[m].path);
                o->code[o->ncode - 1].module_init = 1;
            }
    }
    for (int i = 0; i < c->root->list.n; i++) {
        rbk_node *n = c->root->list.items[i];
        if (!n) continue;
        switch (n->kind) {
        case N_FN: case N_ENV: case N_PARAM: case N_USE: case N_RUNBOOK: break;
        case N_STEP: seq_push(o, 1, n->slot); break;
        case N_SECTION: {
            o->sections = rbk_xrealloc(o->sections, sizeof(rbk_osection) * (size_t)(o->nsections + 1));
            rbk_osection *s = &o->sections[o->nsections++];
            s->title = n->a->str;
            s->description = comment_above(src_of(w, n->file), n->off);
            s->line = line_of(w, n->file, n->off);
            s->first_step = n->list.n ? n->list.items[0]->slot : -1;
            s->nsteps = n->list.n;
            for (int j = 0; j < n->list.n; j++) seq_push(o, 1, n->list.items[j]->slot);
            break;
        }
        default: code_stmt(w, n, "top-level code"); break;
        }
    }
    /* which step each code segment runs before */
    int next = -1;
    for (int i = o->nseq - 1; i >= 0; i--) {
        if (o->seq[i].is_step) next = o->seq[i].index;
        else o->code[o->seq[i].index].before_step = next;
    }
}

static void note_unbounded(rbk_outline *o, const char *where, const rbk_cost *c) {
    const char *why[2] = {c->machine_why, c->operator_why};
    for (int i = 0; i < 2; i++) {
        if (!why[i]) continue;
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_printf(&b, "%s: %s", where, why[i]);
        add_note(&o->unbounded, &o->nunbounded, b.data);
        rbk_sbuf_free(&b);
    }
}

static int count_gates(const rbk_oitems *l) {
    int n = 0;
    for (int i = 0; i < l->n; i++)
        n += (l->v[i].kind == RBK_OI_GATE) + count_gates(&l->v[i].kids) + count_gates(&l->v[i].alt);
    return n;
}

static void build(rbk_outline *o, rbk_compiler *c) {
    walker W = {0}, *w = &W;
    w->o = o;
    w->c = c;
    o->c = c;
    o->budget = ITEM_BUDGET;
    o->text_budget = TEXT_BUDGET;
    o->root_path = c->sources->items[c->root_file]->path;
    o->point_of_no_return = -1;
    build_decls(w);
    o->nsteps = c->nsteps;
    o->steps = rbk_xcalloc((size_t)c->nsteps + 1, sizeof(rbk_ostep));
    for (int i = 0; i < c->nsteps; i++) build_step(w, i);
    build_sequence(w);
    if (o->text_budget < 0)
        add_note(&o->assumptions, &o->nassumptions, "texts marked … are cut: the calls nest too deeply to show them all");
    o->run = cost_zero();
    o->rollback = cost_zero();
    for (int i = 0; i < o->nseq; i++) {
        if (o->seq[i].is_step) {
            rbk_ostep *st = &o->steps[o->seq[i].index];
            rbk_sbuf where = RBK_SBUF_INIT;
            rbk_sbuf_printf(&where, "step %d \"%s\"", st->index + 1, st->name);
            cost_add(&o->run, &st->worst);
            note_unbounded(o, where.data, &st->worst);
            cost_add(&o->rollback, &st->rollback_worst);
            rbk_sbuf_adds(&where, " (rollback)");
            note_unbounded(o, where.data, &st->rollback_worst);
            rbk_sbuf_free(&where);
            if (st->irreversible && o->point_of_no_return < 0) o->point_of_no_return = st->index;
            o->ngates += count_gates(&st->cond_items) + count_gates(&st->body) + count_gates(&st->rollback);
        } else {
            rbk_ocode *k = &o->code[o->seq[i].index];
            rbk_sbuf where = RBK_SBUF_INIT;
            rbk_sbuf_printf(&where, "%s at %s:%d", k->label, rbk_outline_file(o, k->file), k->line);
            cost_add(&o->run, &k->cost);
            note_unbounded(o, where.data, &k->cost);
            rbk_sbuf_free(&where);
        }
    }
}

/* ------------------------------------------------------------------ loading */
static void show_errors(rbk_diags *d) {
    rbk_diags_sort(d);
    rbk_diags show;
    rbk_diags_init(&show, d->sources);
    for (int i = 0; i < d->n; i++) {
        rbk_diag *x = &d->items[i];
        if (x->sev != RBK_SEV_ERROR) continue;
        rbk_diag *y = rbk_diag_add(&show, x->sev, x->rule, x->file, x->off, x->end, "%s", x->msg);
        if (x->hint) rbk_diag_hint(y, "%s", x->hint);
    }
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_diags_render(&show, RBK_FMT_TEXT, isatty(2) && !getenv("NO_COLOR"), &out);
    fputs(rbk_sbuf_cstr(&out), stderr);
    rbk_sbuf_free(&out);
    rbk_diags_free(&show);
}

/* The bytes `runbook compile` would write for this compilation, as a SHA-256. */
static int artifact_hash(rbk_compiler *c, char hex[65]) {
    rbk_unit *u = rbk_codegen(c);
    if (!u) return -1;
    rbk_sbuf bytes = RBK_SBUF_INIT;
    rbk_bc_write(u, &bytes);
    rbk_unit_free(u);
    rbk_sha256_hex(bytes.data, bytes.len, hex);
    rbk_sbuf_free(&bytes);
    return 0;
}

static const char *kstr(const rbk_unit *u, uint32_t k, size_t *len) {
    rbk_str *s = RBK_AS_STR(u->consts[k].v);
    *len = s->len;
    return s->data;
}

/* The first embedded source the recompilation did not reproduce, as a message; NULL if all
 * match. */
static char *sources_differ(const rbk_unit *u, const rbk_sources *s) {
    rbk_sbuf b = RBK_SBUF_INIT;
    for (uint32_t i = 0; i < u->nsources || (int)i < s->n; i++) {
        size_t plen = 0;
        const char *path = i < u->nsources ? kstr(u, u->sources[i].path, &plen) : NULL;
        if (i >= u->nsources) {
            rbk_sbuf_printf(&b, "compiling it now also links %s, which the artifact does not contain", s->items[i]->path);
            break;
        }
        if ((int)i >= s->n) {
            rbk_sbuf_printf(&b, "%.*s, linked into the artifact, is not used by its sources now", (int)plen, path);
            break;
        }
        unsigned char h[32];
        rbk_sha256 st;
        rbk_sha256_init(&st);
        rbk_sha256_update(&st, s->items[i]->text, s->items[i]->len);
        rbk_sha256_final(&st, h);
        if (strlen(s->items[i]->path) != plen || memcmp(s->items[i]->path, path, plen) ||
            memcmp(h, u->sources[i].sha256, 32)) {
            char want[65], got[65];
            rbk_sha256_to_hex(u->sources[i].sha256, want);
            rbk_sha256_to_hex(h, got);
            int std = path[0] == '<';
            rbk_sbuf_printf(&b, "%s %.*s (sha256 %.12s...) differs from the %s (sha256 %.12s...)",
                            std ? "the standard module" : "the module", (int)plen, path, want,
                            std ? "one built into this runbook" : "file on disk", got);
            break;
        }
    }
    return b.len ? rbk_sbuf_detach(&b) : (rbk_sbuf_free(&b), NULL);
}

static rbk_compiler *recompile_rbc(const char *path, const char *cmd, rbk_outline *o, int *rc) {
    rbk_sbuf data = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    *rc = 65;
    if (rbk_read_file(path, RBK_READ_MAX_ARTIFACT, 0, &data, &err) != RBK_READ_OK) {
        fprintf(stderr, "runbook %s: %s\n", cmd, rbk_sbuf_cstr(&err));
        rbk_sbuf_free(&data);
        rbk_sbuf_free(&err);
        *rc = 64;
        return NULL;
    }
    rbk_sbuf_free(&err);
    char *lerr = NULL;
    rbk_unit *u = rbk_bc_load((const uint8_t *)data.data, data.len, &lerr);
    if (!u) {
        fprintf(stderr, "%s: error: %s\n", path, lerr ? lerr : "not a runbook artifact");
        free(lerr);
        rbk_sbuf_free(&data);
        return NULL;
    }
    char file_hex[65];
    rbk_sha256_hex(data.data, data.len, file_hex);
    rbk_sbuf_free(&data);
    size_t rlen = 0, tlen = 0;
    const char *rpath = kstr(u, u->sources[0].path, &rlen);
    const char *text = kstr(u, u->sources[0].text, &tlen);
    char *root = rbk_xstrndup(rpath, rlen);
    rbk_compiler *c = rbk_compile_text(root, text, tlen, o->sources, o->diags);
    free(root);
    if (o->diags->nerrors) {
        fprintf(stderr, "%s: error: cannot recompile the sources embedded in this artifact here:\n", path);
        show_errors(o->diags);
        for (uint32_t i = 1; i < u->nsources; i++) {
            size_t plen;
            const char *mp = kstr(u, u->sources[i].path, &plen);
            if (plen && mp[0] != '<') {
                fprintf(stderr, "  hint: its `./` modules are read from disk as the compiler read them (%.*s, relative to "
                                "the current directory): run it where it was compiled\n", (int)plen, mp);
                break;
            }
        }
        rbk_compiler_free(c);
        rbk_unit_free(u);
        return NULL;
    }
    char *diff = sources_differ(u, o->sources);
    char hex[65] = "";
    if (!diff && artifact_hash(c, hex)) diff = rbk_xstrdup("its sources do not compile");
    if (diff || strcmp(hex, file_hex)) {
        fprintf(stderr, "%s: error: cannot %s exactly this artifact: ", path, cmd);
        if (diff) fprintf(stderr, "recompiling its embedded sources gives another artifact, because %s\n", diff);
        else fprintf(stderr, "this version of runbook compiles its sources to different bytes (sha256 %s, the file's is %s): "
                             "the artifact was built by another version\n", hex, file_hex);
        fprintf(stderr, "  hint: run `runbook %s` on the .rb it was compiled from, or recompile it with `runbook compile`\n", cmd);
        free(diff);
        rbk_compiler_free(c);
        rbk_unit_free(u);
        return NULL;
    }
    memcpy(o->artifact_sha256, file_hex, 65);
    rbk_unit_free(u);
    *rc = 0;
    return c;
}

int rbk_outline_open(const char *path, const char *cmd, int64_t default_timeout_ms, rbk_outline *o) {
    memset(o, 0, sizeof *o);
    o->path = path;
    o->default_timeout_ms = default_timeout_ms > 0 ? default_timeout_ms : RBK_DEFAULT_CALL_TIMEOUT_MS;
    o->point_of_no_return = -1;
    size_t l = strlen(path);
    int rbc = l > 4 && !strcmp(path + l - 4, ".rbc");
    if (access(path, R_OK)) {
        fprintf(stderr, "runbook %s: cannot read %s: ", cmd, path);
        perror(NULL);
        return 64;
    }
    /* the sources and diagnostics live on the heap: the compiler keeps pointers to them */
    rbk_sources *sources = rbk_xcalloc(1, sizeof *sources);
    rbk_diags *diags = rbk_xcalloc(1, sizeof *diags);
    rbk_diags_init(diags, sources);
    o->sources = sources;
    o->diags = diags;
    rbk_compiler *c;
    int rc = 0;
    if (rbc) {
        o->from_rbc = 1;
        c = recompile_rbc(path, cmd, o, &rc);
        if (!c) { rbk_outline_free(o); return rc; }
    } else {
        c = rbk_compile_load(path, sources, diags);
        if (!c || diags->nerrors || artifact_hash(c, o->artifact_sha256)) {
            show_errors(diags);
            rbk_compiler_free(c);
            rbk_outline_free(o);
            return 65;
        }
    }
    build(o, c);
    return 0;
}

static void free_step(rbk_ostep *s) {
    free(s->description); free(s->cond); free(s->why);
    items_free(&s->cond_items); items_free(&s->body); items_free(&s->rollback);
    cost_free(&s->cond_cost); cost_free(&s->body_cost); cost_free(&s->rollback_cost);
    cost_free(&s->worst); cost_free(&s->rollback_worst);
}

void rbk_outline_free(rbk_outline *o) {
    for (int i = 0; i < o->nsteps; i++) free_step(&o->steps[i]);
    free(o->steps);
    for (int i = 0; i < o->ncode; i++) { items_free(&o->code[i].items); cost_free(&o->code[i].cost); }
    free(o->code);
    for (int i = 0; i < o->nsections; i++) free(o->sections[i].description);
    free(o->sections);
    for (int i = 0; i < o->nenvs; i++) free(o->envs[i].description);
    free(o->envs);
    for (int i = 0; i < o->nparams; i++) { free(o->params[i].deflt); free(o->params[i].description); }
    free(o->params);
    free(o->seq);
    for (int i = 0; i < o->nassumptions; i++) free(o->assumptions[i]);
    free(o->assumptions);
    for (int i = 0; i < o->nunbounded; i++) free(o->unbounded[i]);
    free(o->unbounded);
    cost_free(&o->run);
    cost_free(&o->rollback);
    free(o->title);
    rbk_compiler_free(o->c);
    if (o->diags) { rbk_diags_free(o->diags); free(o->diags); }
    if (o->sources) { rbk_sources_free(o->sources); free(o->sources); }
    memset(o, 0, sizeof *o);
}

/* compiler/analysis.c — builds the outline of a runbook (compiler/analysis.h) from the checked
 * AST: what each step and each piece of top-level code does, in source order, as written; and
 * the worst-case durations by the rules of docs/plan.md. Calls to user functions are expanded
 * where they are made, with the function's parameters shown as the call's arguments, so an
 * effect inside std/pg or a local helper is attributed to the step that reaches it. A statement
 * kind the walk does not know is an internal error (a diagnostic), never left out silently.
 * Reading the source (values, text as written, comments) is compiler/analysis_text.c; loading a
 * file into a checked compilation is the CLI's (cli/load.c, through compiler/pipeline.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../stdlib/builtins.h"
#include "analysis_int.h"

#define ITEM_BUDGET 100000
#define TEXT_BUDGET (64 << 20)

/* ------------------------------------------------------------------ costs */
static rbk_cost cost_zero(void) { rbk_cost c = {0, 0, NULL, NULL}; return c; }
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
void rbk_cost_text(rbk_sbuf *b, const rbk_cost *c) {
    if (!rbk_cost_bounded(c)) { rbk_sbuf_adds(b, "unbounded"); return; }
    rbk_duration_fmt(b, rbk_cost_total(c));
    if (c->operator_ms) {
        rbk_sbuf_adds(b, " (operator ");
        rbk_duration_fmt(b, c->operator_ms);
        rbk_sbuf_addc(b, ')');
    }
}
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

static char *join_when(const char *when, const char *prefix, const char *text) {
    rbk_sbuf b = RBK_SBUF_INIT;
    if (when) rbk_sbuf_printf(&b, "%s; ", when);
    rbk_sbuf_printf(&b, "%s%s", prefix, text);
    return rbk_sbuf_detach(&b);
}
void rbk_oitems_flatten(const rbk_oitems *l, const char *when, rbk_oleaf_fn fn, void *ctx) {
    for (int i = 0; i < l->n; i++) {
        const rbk_oitem *it = &l->v[i];
        if (it->kind == RBK_OI_IF) {
            char *yes = join_when(when, "if ", it->text), *no = join_when(when, "unless ", it->text);
            rbk_oitems_flatten(&it->kids, yes, fn, ctx);
            rbk_oitems_flatten(&it->alt, no, fn, ctx);
            free(yes);
            free(no);
            continue;
        }
        if (it->kind != RBK_OI_CALL && it->kind != RBK_OI_FOR && it->kind != RBK_OI_WATCH) fn(ctx, it, when);
        rbk_oitems_flatten(&it->kids, when, fn, ctx);
    }
}
const char *rbk_oitem_class(const rbk_oitem *it) {
    switch (it->kind) {
    case RBK_OI_EFFECT: return it->write ? "write" : "read";
    case RBK_OI_GATE: return "gate";
    case RBK_OI_WAIT: return "wait";
    case RBK_OI_EXPECT: return "expect";
    case RBK_OI_STOP_IF: return "stop-if";
    case RBK_OI_FAIL: return "fail";
    case RBK_OI_WATCH: return "watch";
    case RBK_OI_IF: return "if";
    case RBK_OI_FOR: return "for";
    case RBK_OI_CALL: return "call";
    case RBK_OI_LOG: return "log";
    }
    return "?";
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
    it.line = rbk_an_line_of(w, at->file, at->off);
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
        rbk_an_add_span(w, &b, y->decl->b->file, y->decl->b->off, y->decl->b->end);
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
        char *m = args[0] ? rbk_an_render_arg(w, args[0], f, &lit) : rbk_xstrdup("?");
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
        /* exec's argv: the command line it makes, also when a helper builds it (render_argv) */
        if (!strcmp(b->params[primary].type, "list") && !strcmp(b->params[primary].name, "argv") &&
            (it.text = rbk_an_render_argv(w, args[primary], f))) {
            it.literal = 1;
            at = args[primary];
        } else {
            it.text = rbk_an_render_arg_at(w, args[primary], f, &it.literal, &at);
        }
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
        if (!strcmp(b->params[i].name, "tty") && args[i]->kind == N_BOOL) { /* a literal: the checker says so */
            if (args[i]->i) rbk_sbuf_printf(&opts, "%sneeds a terminal", opts.len ? ", " : "");
            continue;
        }
        char *v = rbk_an_render(w, args[i], f);
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
        it.timeout_ms = args[0] ? rbk_an_duration_of(w, args[0], f, "wait", &why) : 0;
        if (why) { it.tmo_kind = RBK_TMO_UNKNOWN; it.cost.machine_why = why; }
        else it.cost.machine_ms = it.timeout_ms;
    } else if (k == RBK_OI_GATE || (k == RBK_OI_EFFECT && tmo >= 0)) {
        if (tmo >= 0 && tmo < nargs && args[tmo]) {
            it.tmo_kind = RBK_TMO_EXPLICIT;
            it.timeout_ms = rbk_an_duration_of(w, args[tmo], f, "the timeout", &why);
            if (why) it.tmo_kind = RBK_TMO_UNKNOWN;
        } else {
            it.tmo_kind = RBK_TMO_DEFAULT;
            it.timeout_ms = k == RBK_OI_GATE ? RBK_DEFAULT_GATE_TIMEOUT_MS : w->o->default_timeout_ms;
            if (k == RBK_OI_EFFECT && w->o->default_timeout_ms == RBK_DEFAULT_CALL_TIMEOUT_MS)
                rbk_an_add_note(&w->o->assumptions, &w->o->nassumptions,
                         "a call without `timeout:` counts the default 30s (`--default-timeout D` changes it, for the run and for this plan)");
            else if (k == RBK_OI_EFFECT) {
                rbk_sbuf d = RBK_SBUF_INIT, t = RBK_SBUF_INIT;
                rbk_duration_fmt(&d, w->o->default_timeout_ms);
                rbk_sbuf_printf(&t, "a call without `timeout:` counts %s (--default-timeout): run with the same value", rbk_sbuf_cstr(&d));
                rbk_an_add_note(&w->o->assumptions, &w->o->nassumptions, rbk_sbuf_cstr(&t));
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
    rbk_an_add_span(w, &b, call->a->file, call->a->off, call->a->end);
    return rbk_sbuf_detach(&b);
}

/* A call of a user function: its arguments' calls, then the function's body expanded. */
static rbk_cost user_call_item(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    rbk_fninfo *fi = &w->c->fns[n->slot];
    if (!fi->decl || fi->decl->kind != N_FN) return cost_zero();
    rbk_oitem it = new_item(w, RBK_OI_CALL, n, f);
    it.text = rbk_an_render(w, n, f);
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
    rbk_node *ch;
    RBK_EACH_CHILD(n, i, ch)
        if (ch) { rbk_cost c = expr_items(w, ch, f, out); cost_add(sum, &c); cost_free(&c); }
}

/* Every call in an expression, in evaluation order (arguments first). */
static rbk_cost expr_items(walker *w, rbk_node *n, const frame *f, rbk_oitems *out) {
    rbk_cost sum = cost_zero();
    if (!n) return sum;
    if (n->kind == N_CALL) {
        if (n->aux == RBK_CALL_BUILTIN || n->aux == RBK_CALL_FN) {
            for (int i = 0; i < n->list2.n; i++) {
                if (!n->list2.items[i]) continue;
                rbk_cost c = expr_items(w, n->list2.items[i], f, out);
                cost_add(&sum, &c);
                cost_free(&c);
            }
            rbk_cost c = n->aux == RBK_CALL_BUILTIN ? builtin_item(w, n, f, out) : user_call_item(w, n, f, out);
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
    it.text = rbk_an_render(w, n->a, f);
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
    cval v = rbk_an_ceval(w, n->a, f, 0);
    if (v.kind == CV_LIST) {
        cost_mul(&body, v.i);
        it.timeout_ms = v.i; /* iterations */
        it.tmo_kind = RBK_TMO_EXPLICIT;
    } else if (!cost_empty(&body)) {
        rbk_sbuf why = RBK_SBUF_INIT, call = RBK_SBUF_INIT;
        if (!first_call(w, &it.kids, &call)) rbk_sbuf_adds(&call, "a function");
        rbk_sbuf_printf(&why, "`for %s in ", it.message);
        rbk_an_add_span(w, &why, n->a->file, n->a->off, n->a->end);
        rbk_sbuf_printf(&why, "` (%s:%d) repeats %s a number of times not known before the run",
                        rbk_outline_file(w->o, n->file), rbk_an_line_of(w, n->file, n->off), call.data);
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
    it.text = rbk_an_render(w, n->a, f);
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
    rbk_an_render_expr(w, d, f, b);
    rbk_sbuf_adds(b, " every ");
    if (p) rbk_an_render_expr(w, p, f, b);
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
        it.text = rbk_an_render(w, n->a, f);
        it.cost = expr_items(w, n->a, f, &it.kids);
    }
    w->repeat = saved;
    free(owned);
    if (within) {
        char *why = NULL;
        int64_t d = rbk_an_duration_of(w, n->b->a, f, "`within`", &why);
        if (why) { free(it.cost.machine_why); it.cost.machine_why = why; }
        else it.cost.machine_ms = sat_add(it.cost.machine_ms, d);
        it.timeout_ms = d;
    }
    if (msg) {
        int lit = 0;
        it.message = rbk_an_render_arg(w, msg, f, &lit);
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
    int64_t d = rbk_an_duration_of(w, n->a, f, "`watch`", &why);
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
    case N_ASSIGN:
        if (n->b) { /* `x[k] = v`: the keys' calls run first (codegen.c, cset_item) */
            rbk_cost sum = expr_items(w, n->b, f, out), c = expr_items(w, n->a, f, out);
            cost_add(&sum, &c);
            cost_free(&c);
            return sum;
        }
        return expr_items(w, n->a, f, out);
    case N_LET: case N_RETURN: case N_EXPR_STMT: return expr_items(w, n->a, f, out);
    case N_IF: return if_items(w, n, f, out);
    case N_FOR: return for_items(w, n, f, out);
    case N_EXPECT: case N_STOP_IF: case N_FAIL: return guard_items(w, n, f, out);
    case N_WATCH: return watch_items(w, n, f, out);
    default: /* as in the checker (sema.c): a kind added to the language must be outlined here */
        rbk_diag_add(w->c->diags, RBK_SEV_ERROR, "check", n->file, n->off, n->end,
                     "internal: the outline does not know the %s statement", rbk_node_kind_name(n->kind));
        return cost_zero();
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
        o->envs[i].hosts = (e->flags & RBK_NF_HOSTS) != 0;
        o->envs[i].line = rbk_an_line_of(w, e->file, e->off);
        o->envs[i].description = rbk_an_comment_after(rbk_an_src_of(w, e->file), e->end);
    }
    o->locks = rbk_xcalloc((size_t)c->root->list.n + 1, sizeof(rbk_oenv));
    for (int i = 0; i < c->root->list.n; i++) {
        rbk_node *n = c->root->list.items[i];
        if (!n || n->kind != N_LOCK) continue;
        rbk_oenv *l = &o->locks[o->nlocks++];
        l->name = n->a->str;
        l->line = rbk_an_line_of(w, n->file, n->off);
        l->description = rbk_an_comment_after(rbk_an_src_of(w, n->file), n->end);
    }
    o->nparams = c->nparams;
    o->params = rbk_xcalloc((size_t)c->nparams + 1, sizeof(rbk_oparam));
    for (int i = 0; i < c->nparams; i++) {
        rbk_node *p = c->params[i];
        rbk_oparam *op = &o->params[i];
        op->name = p->str;
        op->type = p->sym && p->sym->type ? rbk_type_str(p->sym->type) : "string";
        op->secret = (p->flags & RBK_NF_SECRET) != 0;
        op->deflt = !p->b ? NULL : op->secret ? rbk_xstrdup("***") : rbk_an_render(w, p->b, NULL);
        op->line = rbk_an_line_of(w, p->file, p->off);
        op->description = rbk_an_comment_after(rbk_an_src_of(w, p->file), p->end);
    }
}

/* A per-item step's worst cases from its instance's (vm/instances.c: a batch of `serial`, or of
 * ceil(items x P / 100) for `serial P%`, the next batch after the last instance of this one
 * ends; the rollback undoes the instances one at a time, last ended first). */
static int64_t ceil_div(int64_t a, int64_t b) { return b > 0 ? a / b + (a % b != 0) : 0; }
static int64_t batches_of(const rbk_ostep *st, int64_t n) {
    if (n < 0) return st->serial_pct ? ceil_div(100, st->serial) : -1; /* a share: at most ceil(100/P), whatever n */
    int64_t b = st->serial_pct ? ceil_div(sat_mul(n, st->serial), 100) : st->serial;
    return ceil_div(n, b < 1 ? 1 : b);
}
/* why a product by an unknown count has no bound: "1m10s per instance × ceil(items / 2) batches, and ..." */
static char *count_why(const rbk_outline *o, const rbk_ostep *st, const rbk_cost *one, const char *times) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_cost_text(&b, one);
    rbk_sbuf_printf(&b, " per instance × %s, and the number of items of `%s` is not known before the run", times, st->list);
    if (st->list_group >= 0) rbk_sbuf_printf(&b, " (runbook plan --inventory FILE counts group %s)", o->envs[st->list_group].name);
    else if (st->list_param) rbk_sbuf_printf(&b, " (it depends on --param %s)", st->list_param);
    return rbk_sbuf_detach(&b);
}
static void per_item_worst(rbk_outline *o, rbk_ostep *st) {
    cost_free(&st->worst);
    cost_free(&st->rollback_worst);
    st->batches = batches_of(st, st->items);
    st->worst = capped(&st->cond_cost, st->timeout_ms);
    cost_add(&st->worst, &st->list_cost); /* not under the step's timeout: no instance runs yet */
    rbk_cost run = cost_copy(&st->instance_worst);
    if (st->batches >= 0) cost_mul(&run, st->batches);
    else if (rbk_cost_bounded(&run) && !cost_empty(&run)) {
        rbk_sbuf t = RBK_SBUF_INIT;
        rbk_sbuf_printf(&t, "ceil(items / %d) batches", st->serial);
        run.machine_why = count_why(o, st, &st->instance_worst, t.data);
        if (run.operator_ms) run.operator_why = rbk_xstrdup(run.machine_why);
        rbk_sbuf_free(&t);
    }
    cost_add(&st->worst, &run);
    cost_free(&run);
    st->rollback_worst = cost_copy(&st->instance_rollback_worst);
    if (st->items >= 0) cost_mul(&st->rollback_worst, st->items);
    else if (st->has_rollback && rbk_cost_bounded(&st->rollback_worst) && !cost_empty(&st->rollback_worst)) {
        st->rollback_worst.machine_why = count_why(o, st, &st->instance_rollback_worst, "items (undone one at a time)");
        if (st->rollback_worst.operator_ms) st->rollback_worst.operator_why = rbk_xstrdup(st->rollback_worst.machine_why);
    }
}

void rbk_ostep_worst_text(rbk_sbuf *b, const rbk_ostep *s) {
    if (!s->per_item || !rbk_cost_bounded(&s->instance_worst)) { rbk_cost_text(b, &s->worst); return; }
    if (s->batches < 0) {
        rbk_cost_text(b, &s->instance_worst);
        rbk_sbuf_printf(b, " per instance; × ceil(items / %d) batches", s->serial);
        return;
    }
    rbk_cost_text(b, &s->worst);
    rbk_sbuf_printf(b, " (%s%lld batch%s × ", s->items < 0 ? "at most " : "", (long long)s->batches, s->batches == 1 ? "" : "es");
    rbk_cost_text(b, &s->instance_worst);
    rbk_sbuf_adds(b, " per instance)");
}

/* a per-item step's rollback undoes its instances one at a time: "30s per instance; × items" */
void rbk_ostep_rollback_worst_text(rbk_sbuf *b, const rbk_ostep *s) {
    if (!s->per_item || !rbk_cost_bounded(&s->instance_rollback_worst)) { rbk_cost_text(b, &s->rollback_worst); return; }
    if (s->items >= 0) {
        rbk_cost_text(b, &s->rollback_worst);
        rbk_sbuf_printf(b, " = %lld instance%s × ", (long long)s->items, s->items == 1 ? "" : "s");
        rbk_cost_text(b, &s->instance_rollback_worst);
        return;
    }
    rbk_cost_text(b, &s->instance_rollback_worst);
    rbk_sbuf_adds(b, " per instance; × items");
}

void rbk_ostep_per_item_text(rbk_sbuf *b, const rbk_ostep *s) {
    rbk_sbuf_printf(b, "for %s in %s", s->var, s->list);
    if (s->items >= 0) rbk_sbuf_printf(b, " (%lld item%s)", (long long)s->items, s->items == 1 ? "" : "s");
    if (s->serial_pct) {
        rbk_sbuf_printf(b, ", %d%% of the items at a time (serial %d%%", s->serial, s->serial);
        if (s->items > 0) rbk_sbuf_printf(b, ": %lld", (long long)ceil_div(sat_mul(s->items, s->serial), 100));
        rbk_sbuf_addc(b, ')');
    } else if (s->serial == 1) rbk_sbuf_adds(b, ", one at a time (serial 1)");
    else rbk_sbuf_printf(b, ", %d at a time (serial %d)", s->serial, s->serial);
    if (s->max_fail_pct) {
        rbk_sbuf_printf(b, ", at most %d%% failed instances tolerated (max_fail %d%%", s->max_fail, s->max_fail);
        if (s->items >= 0) rbk_sbuf_printf(b, ": %lld", (long long)(sat_mul(s->items, s->max_fail) / 100));
        rbk_sbuf_addc(b, ')');
    } else if (s->max_fail == 0) rbk_sbuf_adds(b, ", no failed instance tolerated (max_fail 0)");
    else rbk_sbuf_printf(b, ", at most %d failed instance%s tolerated (max_fail %d)", s->max_fail, s->max_fail == 1 ? "" : "s", s->max_fail);
}

static void build_step(walker *w, int i) {
    rbk_stepinfo *si = &w->c->steps[i];
    rbk_ostep *st = &w->o->steps[i];
    rbk_node *n = si->node;
    st->index = i;
    st->name = si->name;
    st->section = si->section;
    st->file = n->file;
    st->line = rbk_an_line_of(w, n->file, n->off);
    st->description = rbk_an_comment_above(rbk_an_src_of(w, n->file), n->off);
    st->timeout_ms = si->timeout_ms;
    st->rollback_timeout_ms = si->rollback_fn >= 0 ? si->rollback_timeout_ms : 0;
    st->retries = si->retries;
    st->retry_every_ms = si->retry_every_ms;
    st->irreversible = si->irreversible;
    if (si->irreversible_why) {
        int lit;
        st->why = rbk_an_render_arg(w, si->irreversible_why, NULL, &lit);
    }
    st->has_rollback = si->rollback_fn >= 0;
    st->nothing_to_undo = st->has_rollback && n->c && n->c->list.n == 0;
    for (int k = 0; k < n->list.n; k++) {
        rbk_node *a = n->list.items[k];
        if (a->kind != N_STEP_ATTR || strcmp(a->str, "if")) continue;
        st->cond = rbk_an_render(w, a->a, NULL);
        st->cond_cost = expr_items(w, a->a, NULL, &st->cond_items);
    }
    if (si->per_item) { /* the list is computed once, after the `if`, before any instance (vm/instances.c) */
        st->list_cost = expr_items(w, si->per_item->a, NULL, &st->cond_items);
    }
    st->body_cost = block_items(w, n->b, NULL, &st->body);
    if (st->has_rollback) st->rollback_cost = block_items(w, n->c, NULL, &st->rollback);
    /* the step's rules: the `if` once, each attempt capped by the timeout, `every` between */
    int64_t t = st->timeout_ms;
    rbk_cost body = capped(&st->body_cost, t);
    cost_mul(&body, st->retries + 1);
    body.machine_ms = sat_add(body.machine_ms, sat_mul(st->retry_every_ms, st->retries));
    rbk_cost rb = capped(&st->rollback_cost, st->rollback_timeout_ms ? st->rollback_timeout_ms : t); /* its own, or the step's */
    st->list_group = -1;
    st->items = st->batches = -1;
    if (!si->per_item) {
        st->worst = capped(&st->cond_cost, t);
        cost_add(&st->worst, &body);
        cost_free(&body);
        st->rollback_worst = rb;
        return;
    }
    /* a per-item step: each instance has the attempts above (vm/instances.c run_instance) */
    rbk_node *list = si->per_item->a;
    st->per_item = 1;
    st->var = si->per_item->str;
    st->list = rbk_an_render(w, list, NULL);
    st->serial = si->serial;
    st->serial_pct = si->serial_pct;
    st->max_fail = si->max_fail;
    st->max_fail_pct = si->max_fail_pct;
    st->instance_worst = body;
    st->instance_rollback_worst = rb;
    if (list->kind == N_FIELD && list->aux == RBK_FIELD_ENV && list->slot >= 0 && list->slot < w->c->nenvs &&
        (w->c->envs[list->slot]->flags & RBK_NF_HOSTS))
        st->list_group = list->slot;
    w->need_param = NULL;
    cval v = rbk_an_ceval(w, list, NULL, 0);
    st->items = v.kind == CV_LIST ? v.i : -1;
    st->list_param = st->items < 0 ? w->need_param : NULL;
    per_item_worst(w->o, st);
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
    int line = rbk_an_line_of(w, n->file, n->off);
    if (!o->nseq || o->seq[o->nseq - 1].is_step || strcmp(o->code[o->seq[o->nseq - 1].index].label, label)) {
        new_code(o, label, n->file, line);
        seq_push(o, 0, o->ncode - 1);
    }
    rbk_ocode *k = &o->code[o->ncode - 1];
    k->last_line = rbk_an_line_of(w, n->file, n->end > n->off ? n->end - 1 : n->off);
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
        case N_FN: case N_ENV: case N_PARAM: case N_USE: case N_RUNBOOK: case N_LOCK: break;
        case N_STEP: seq_push(o, 1, n->slot); break;
        case N_SECTION: {
            o->sections = rbk_xrealloc(o->sections, sizeof(rbk_osection) * (size_t)(o->nsections + 1));
            rbk_osection *s = &o->sections[o->nsections++];
            s->title = n->a->str;
            s->description = rbk_an_comment_above(rbk_an_src_of(w, n->file), n->off);
            s->line = rbk_an_line_of(w, n->file, n->off);
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
        rbk_an_add_note(&o->unbounded, &o->nunbounded, b.data);
        rbk_sbuf_free(&b);
    }
}

static int count_gates(const rbk_oitems *l) {
    int n = 0;
    for (int i = 0; i < l->n; i++)
        n += (l->v[i].kind == RBK_OI_GATE) + count_gates(&l->v[i].kids) + count_gates(&l->v[i].alt);
    return n;
}

void rbk_outline_init(rbk_outline *o, const char *path, int64_t default_timeout_ms) {
    memset(o, 0, sizeof *o);
    o->path = path;
    o->default_timeout_ms = default_timeout_ms > 0 ? default_timeout_ms : RBK_DEFAULT_CALL_TIMEOUT_MS;
    o->point_of_no_return = -1;
}

static void outline_totals(rbk_outline *o);
int rbk_outline_build(rbk_outline *o, rbk_compiler *c) {
    int errors = c->diags->nerrors;
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
        rbk_an_add_note(&o->assumptions, &o->nassumptions, "texts marked … are cut: the calls nest too deeply to show them all");
    outline_totals(o);
    return c->diags->nerrors != errors ? -1 : 0;
}

/* The run's and the rollback's totals, what has no bound, the point of no return, the gates. */
static void outline_totals(rbk_outline *o) {
    cost_free(&o->run);
    cost_free(&o->rollback);
    for (int i = 0; i < o->nunbounded; i++) free(o->unbounded[i]);
    o->nunbounded = 0;
    o->point_of_no_return = -1;
    o->ngates = 0;
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

void rbk_outline_set_items(rbk_outline *o, int i, int64_t items) {
    if (i < 0 || i >= o->nsteps || !o->steps[i].per_item || items < 0) return;
    o->steps[i].items = items;
    per_item_worst(o, &o->steps[i]);
    outline_totals(o);
}

static void free_step(rbk_ostep *s) {
    free(s->description); free(s->cond); free(s->why);
    items_free(&s->cond_items); items_free(&s->body); items_free(&s->rollback);
    cost_free(&s->cond_cost); cost_free(&s->body_cost); cost_free(&s->rollback_cost);
    cost_free(&s->worst); cost_free(&s->rollback_worst);
    free(s->list);
    cost_free(&s->instance_worst); cost_free(&s->instance_rollback_worst); cost_free(&s->list_cost);
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
    for (int i = 0; i < o->nlocks; i++) free(o->locks[i].description);
    free(o->locks);
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

/* compiler/sema.c — the checker (docs/language.md): statements and blocks, functions and
 * steps, the top-level declarations, and the runbook rules over the whole program (guards only
 * in steps, duplicate steps, recursion and the effects of what a step calls, the growth of
 * default arguments, unused and unreachable code); rbk_sema runs it all. Expressions are in
 * sema_expr.c, literals of other languages in sema_literals.c, names and scopes in scope.c,
 * types in types.c (their header: sema_int.h). Annotates nodes (sym, slot, type, aux, list2 =
 * bound arguments: compiler/ast.def) for compiler/codegen.c. Every message goes through
 * compiler/diag.c.
 * Shares invariants with: codegen.c (slot layout, bound argument lists, hidden locals). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "sema_int.h"

/* The checker reads a step's nodes long after the parser wrote them (the whole file is parsed
 * first), so on a large runbook they come from memory, not from the cache. The parser builds
 * bottom-up in one arena, so the nodes of a top-level item lie between the node of the item
 * before it and its own: while one item is checked, each statement prefetches a little of the
 * next item's range (a little at a time, so that the loads overlap with the work). A wrong
 * guess costs nothing: prefetching never faults. */
static void prefetch_range(sema *S, const rbk_node *prev, const rbk_node *next) {
    S->pf = S->pf_end = NULL;
    if (!prev || !next) return;
    const char *from = (const char *)prev, *to = (const char *)next + rbk_node_size((rbk_node_kind)next->kind);
    if (to <= from || to - from > (256 << 10)) return; /* another chunk, or too far to help */
    S->pf = from;
    S->pf_end = to;
}
static void prefetch_some(sema *S) {
    for (int k = 0; k < 8 && S->pf < S->pf_end; k++, S->pf += 128) __builtin_prefetch(S->pf);
}

static void block(sema *S, rbk_node *b, int new_scope);

/* An expectation's condition, checked (as an `expect`, `stop-if`): what it traces is counted,
 * and past RBK_BC_MAX_TRACE it is refused here, not by the verifier. */
static void traced_cond(sema *S, rbk_node *n, rbk_node *cond, const char *what) {
    S->tracing = 1;
    S->ntraced = 0;
    rbk_ctype *t = sema_expr(S, cond);
    S->tracing = 0;
    sema_check_cond(S, cond, t, what);
    if (S->ntraced > RBK_BC_MAX_TRACE) {
        rbk_diag *d = ERR(cond, "this %s shows too many values when it fails (%u; the limit is %d)",
                          n->kind == N_EXPECT ? "expectation" : "stop-if", S->ntraced, RBK_BC_MAX_TRACE);
        rbk_diag_hint(d, "each name, call and operator of the condition is shown: check the parts in separate `expect`s");
    }
}

static void guard_allowed(sema *S, rbk_node *n, const char *what) {
    if (!S->fx->in_step && !S->fx->is_fn) {
        rbk_diag *d = ERR(n, "`%s` can only be used inside a step", what);
        rbk_diag_hint(d, "top-level code prepares values; checks belong in a step");
    }
    S->c->fns[S->fx->fn].effects |= 8;
}

static int ends_flow(rbk_node *s) { return s && (s->kind == N_RETURN || s->kind == N_FAIL); }

/* `x[k1].k2 = v` (N_ASSIGN with a target): checks each level from the variable out (a list
 * takes an int index, a map a string key, nothing else has items to assign) and returns the
 * variable's type afterwards. A map whose fields the checker knows keeps its type only when
 * every key is one of its fields and the value's type is the field's; otherwise it is a map
 * of unknown fields from here on (a new key can be read as a field after it is set). */
static rbk_ctype *set_item_type(sema *S, rbk_node *n, rbk_sym *y, rbk_ctype *vt) {
    rbk_node *root = n->b;
    int depth = 0;
    while (root->kind == N_INDEX || root->kind == N_FIELD) { root = root->a; depth++; }
    sema_expr(S, root); /* the variable is read: declared before, used */
    rbk_node **levels = rbk_xmalloc(sizeof(rbk_node *) * (size_t)depth);
    int i = depth;
    for (rbk_node *l = n->b; l != root; l = l->a) levels[--i] = l;
    rbk_ctype *ct = y->type;
    int keep = y->type->kind == TY_RECORD;
    for (i = 0; i < depth; i++) {
        rbk_node *l = levels[i];
        rbk_ctype *kt = l->kind == N_INDEX ? sema_expr(S, l->b) : T(TY_STRING);
        const char *key = l->kind == N_FIELD ? l->str : l->b->kind == N_STRING ? l->b->str : NULL;
        l->type = ct;
        if (!known(ct)) { keep = 0; ct = T(TY_ANY); continue; }
        if (ct->kind == TY_LIST) {
            if (l->kind == N_FIELD) ERR(l, "a list has no fields (`.%s`): assign an item with `[index]`", l->str);
            else if (known(kt) && kt->kind != TY_INT) ERR(l->b, "a list index must be an int, not %s", rbk_type_str(kt));
        } else if (is_mapish(ct)) {
            if (known(kt) && kt->kind != TY_STRING) ERR(l->b, "a map key must be a string, not %s", rbk_type_str(kt));
        } else {
            rbk_diag *d = ERR(l, "%s %s has no items to assign", strchr("aeiou", rbk_type_str(ct)[0]) ? "an" : "a", rbk_type_str(ct));
            if (ct->kind == TY_STRING) rbk_diag_hint(d, "a string cannot be changed in place: assign a new one to the variable");
            else rbk_diag_hint(d, "only a list's items and a map's entries can be assigned");
            keep = 0;
            break;
        }
        int f = ct->kind == TY_RECORD && key ? sema_record_field(ct, key) : -1;
        if (f < 0) keep = 0;
        rbk_ctype *next = f >= 0 ? ct->ftypes[f] : T(TY_ANY);
        if (i == depth - 1 && f >= 0 && known(next) && (next->kind != vt->kind || next->kind == TY_RECORD)) keep = 0;
        ct = next;
    }
    free(levels);
    if (y->type->kind == TY_RECORD && !keep) return T(TY_MAP);
    return y->type;
}

/* The first part of a list or map param's default that JSON cannot hold as the literal is
 * written (a list or map param takes its value from JSON text: vm/vm.c), or NULL. */
static rbk_node *json_literal_bad(rbk_node *n) {
    switch (n->kind) {
    case N_STRING: case N_INT: case N_FLOAT: case N_BOOL: case N_NIL: case N_ERROR: return NULL;
    case N_UNARY: return n->a->kind == N_INT || n->a->kind == N_FLOAT ? NULL : n;
    case N_LIST:
        for (int i = 0; i < n->list.n; i++) {
            rbk_node *b = json_literal_bad(n->list.items[i]);
            if (b) return b;
        }
        return NULL;
    case N_MAP:
        for (int i = 0; i < n->list.n; i++) {
            rbk_node *e = n->list.items[i];
            if (e->a && e->a->kind != N_STRING) return e->a;
            rbk_node *b = json_literal_bad(e->b);
            if (b) return b;
        }
        return NULL;
    default: return n;
    }
}

static void stmt(sema *S, rbk_node *n) {
    if (!n) return;
    prefetch_some(S);
    switch (n->kind) {
    case N_LET: {
        rbk_ctype *t = sema_expr(S, n->a);
        if (t->kind == TY_NIL) t = T(TY_ANY);
        if (S->fx->is_main && S->sc->parent == NULL) {
            /* top-level let: a global, already declared by the collection pass */
            rbk_sym *y = scope_find(S->globals, n->str);
            if (y && y->decl == n) { y->type = t; n->sym = y; }
            break;
        }
        n->sym = sema_declare_local(S, n->str, n, t);
        break;
    }
    case N_ASSIGN: {
        rbk_ctype *t = sema_expr(S, n->a);
        rbk_sym *y = lookup(S, n->str);
        if (!y && n->b && !strcmp(n->str, "env")) {
            rbk_diag *d = ERR(n, "environment variables cannot be assigned");
            rbk_diag_hint(d, "copy the value into a variable: let x = env.NAME");
            break;
        }
        if (!y) {
            rbk_diag *d = ERR(n, "`%s` is not declared", n->str);
            rbk_diag_hint(d, "declare it first: let %s = ...", n->str);
            break;
        }
        if (y->kind != SYM_LOCAL && y->kind != SYM_GLOBAL) { ERR(n, "`%s` cannot be assigned", n->str); break; }
        if (y->is_param) { ERR(n, "`%s` is a run parameter and cannot be assigned", n->str); break; }
        if (y->kind == SYM_GLOBAL && S->module >= 0 && S->fx->is_fn) {
            ERR(n, "a module's functions cannot assign its top-level names");
        }
        y->assigned = 1;
        n->sym = y;
        if (y->kind == SYM_GLOBAL && S->fx && !S->fx->is_main) {
            rbk_fninfo *f = &S->c->fns[S->fx->fn];
            f->effects |= 16;
            if (!f->assigns_global) f->assigns_global = n;
            if (S->fx->step && S->fx->step->per_item) {
                rbk_diag *d = ERR(n, "a per-item step cannot assign `%s`, a top-level variable", n->str);
                rbk_diag_hint(d, "its instances run apart (a batch of more than one in processes of their own), so the value "
                                 "could not come back: keep it in the step (`let`), or compute it before the step");
            }
        }
        if (n->b) { y->type = set_item_type(S, n, y, t); break; }
        if (known(y->type) && known(t) && y->type->kind != t->kind && !(numeric(y->type) && numeric(t)))
            y->type = T(TY_ANY);
        break;
    }
    case N_IF: {
        sema_check_cond(S, n->a, sema_expr(S, n->a), "an `if` condition");
        block(S, n->b, 1);
        if (n->c) {
            if (n->c->kind == N_IF) stmt(S, n->c);
            else block(S, n->c, 1);
        }
        break;
    }
    case N_FOR: {
        rbk_ctype *it = sema_expr(S, n->a);
        if (known(it) && it->kind != TY_LIST && !is_mapish(it))
            ERR(n->a, "`for` iterates over a list, a map or a range, not %s", rbk_type_str(it));
        sema_scope_push(S);
        n->slot = sema_slot_alloc(S, 2, n->file, n->off, n->end); /* hidden: iterable (or range cursor), index (or range end) */
        rbk_ctype *vt = T(TY_ANY);
        if (n->a->kind == N_RANGE) vt = T(TY_INT);
        if (n->flags & RBK_NF_TWO_VARS) {
            if (known(it) && it->kind == TY_LIST) vt = T(TY_INT);
            else if (known(it)) vt = T(TY_STRING);
            rbk_sym *k = sema_declare_local(S, n->str, n, vt);
            RBK_NAME_OFF(n->c) = (int)n->c->off; /* as a let's */
            rbk_sym *v = sema_declare_local(S, n->c->str, n->c, T(TY_ANY));
            if (v->index != k->index + 1) ERR(n, "internal: loop slots");
            n->sym = k;
        } else {
            n->sym = sema_declare_local(S, n->str, n, vt);
        }
        block(S, n->b, 0);
        sema_scope_pop(S);
        break;
    }
    case N_RETURN:
        if (!S->fx->is_fn) ERR(n, "`return` is only allowed in a `fn`");
        if (n->a) sema_expr(S, n->a);
        break;
    case N_EXPR_STMT: {
        rbk_node *e = n->a;
        sema_expr(S, e);
        if (e->kind != N_CALL && e->kind != N_ERROR) {
            rbk_diag *d = WARN("no-effect", n, "this expression's value is not used");
            if (e->kind == N_BINARY && e->op == OP_EQ) rbk_diag_hint(d, "to check it, write `expect %.*s`", (int)(e->end - e->off), S->c->sources->items[e->file]->text + e->off);
        }
        break;
    }
    case N_EXPECT: {
        guard_allowed(S, n, "expect");
        traced_cond(S, n, n->a, "an expectation");
        if (n->b) {
            rbk_ctype *d = sema_expr(S, n->b->a);
            if (known(d) && d->kind != TY_DURATION) ERR(n->b->a, "`within` needs a duration, not %s", rbk_type_str(d));
            if (n->b->b) {
                rbk_ctype *p = sema_expr(S, n->b->b);
                if (known(p) && p->kind != TY_DURATION) ERR(n->b->b, "`every` needs a duration, not %s", rbk_type_str(p));
            }
            n->slot = sema_slot_alloc(S, 2, n->file, n->off, n->end); /* hidden: deadline, period */
        }
        if (n->c) sema_expr(S, n->c);
        break;
    }
    case N_STOP_IF:
        guard_allowed(S, n, "stop-if");
        traced_cond(S, n, n->a, "a stop-if condition");
        if (n->c) sema_expr(S, n->c);
        break;
    case N_FAIL: /* anywhere: in top-level code it is an error there, which fails the run */
        sema_expr(S, n->a);
        break;
    case N_WATCH: {
        guard_allowed(S, n, "watch");
        rbk_ctype *d = sema_expr(S, n->a), *p = sema_expr(S, n->b);
        if (known(d) && d->kind != TY_DURATION) ERR(n->a, "`watch` needs a duration, not %s", rbk_type_str(d));
        if (known(p) && p->kind != TY_DURATION) ERR(n->b, "`every` needs a duration, not %s", rbk_type_str(p));
        n->slot = sema_slot_alloc(S, 2, n->file, n->off, n->end);
        block(S, n->c, 1);
        break;
    }
    case N_STEP:
    case N_SECTION:
        ERR(n, "a %s can only be written at the top level", n->kind == N_STEP ? "step" : "section");
        break;
    case N_FN: ERR(n, "functions are declared at the top level"); break;
    case N_ENV: case N_PARAM: case N_USE: case N_RUNBOOK: case N_LOCK:
        ERR(n, "declarations belong at the top of the file");
        break;
    default: ERR(n, "internal: unexpected %s statement", rbk_node_kind_name(n->kind)); break;
    }
}

static void block(sema *S, rbk_node *b, int new_scope) {
    if (!b) return;
    if (new_scope) sema_scope_push(S);
    for (int i = 0; i < b->list.n; i++) {
        rbk_node *s = b->list.items[i];
        if (!s) continue;
        if (i > 0 && ends_flow(b->list.items[i - 1])) {
            rbk_diag *d = WARN("unreachable", s, "unreachable code");
            rbk_diag_hint(d, "the `%s` above ends this block", b->list.items[i - 1]->kind == N_RETURN ? "return" : "fail");
        }
        stmt(S, s);
    }
    if (new_scope) sema_scope_pop(S);
}

/* ------------------------------------------------------------------ functions and steps */
static void check_fn_body(sema *S, int fi, int module) {
    rbk_fninfo *f = &S->c->fns[fi];
    fnctx fx = {0};
    fx.fn = fi;
    fx.is_fn = 1;
    fx.module = module;
    fnctx *saved = S->fx;
    scope *saved_sc = S->sc;
    S->fx = &fx;
    sema_scope_push(S);
    rbk_node *params = f->decl->a;
    for (int i = 0; i < params->list.n; i++) {
        rbk_node *p = params->list.items[i];
        RBK_NAME_OFF(p) = (int)p->off;
        rbk_sym *y = sema_declare_local(S, p->str, p, T(TY_ANY));
        y->used = 1; /* parameters are part of the interface */
        if (p->a) {
            /* defaults are evaluated at the call site: only literals and top-level names */
            scope *inner = S->sc;
            S->sc = S->globals;
            sema_expr(S, p->a);
            S->sc = inner;
        }
    }
    block(S, f->body, 0);
    sema_scope_pop(S);
    f->nlocals = fx.max_slot;
    S->fx = saved;
    S->sc = saved_sc;
}

static int64_t literal_duration(sema *S, rbk_node *e, const char *what) {
    if (e->kind == N_DURATION) return e->i;
    if (e->kind == N_ERROR) return 0; /* reported by the parser */
    rbk_diag *d = ERR(e, "`%s` needs a duration literal", what);
    rbk_diag_hint(d, "write it with its unit, e.g. %s 30s — the plan's worst-case time is computed from it", what);
    return 0;
}

static int new_step_fn(sema *S, rbk_stepinfo *si, const char *suffix, rbk_node *body) {
    size_t a = strlen(si->name), b = strlen(suffix);
    char *nm = rbk_arena_alloc(S->c->arena, a + b + 1);
    memcpy(nm, si->name, a);
    memcpy(nm + a, suffix, b + 1);
    return sema_fn_add(S->c, nm, si->node, body, -1);
}
/* is_cond: 1 the `if` (a bool), 2 a per-item step's list, 3 its instance name (a string);
 * item: declare the per-item step's variable as the function's one parameter */
/* What a per-item step's model cannot run safely (docs/fleet.md, "Per-item steps"): its list is
 * computed before any instance starts and only reads (a write or a gate would run outside
 * every instance); nothing it calls assigns a top-level variable (an instance's value could not
 * come back); a gate asks the operator only when instances run one at a time (`serial 1`). */
static void per_item_rules(rbk_compiler *c, rbk_stepinfo *si) {
    rbk_node *list = si->per_item->a;
    if (si->list_fn >= 0 && (c->fns[si->list_fn].effects & 6)) {
        rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", list->file, list->off, list->end,
                                   "the list of per-item step \"%s\" changes something or asks the operator", si->name);
        rbk_diag_hint(d, "compute it before the step, in a step of its own or at the top level (let nodes = ...), and iterate that");
    }
    int parts[2] = {si->body_fn, si->rollback_fn};
    for (int k = 0; k < 2; k++) {
        int f = parts[k];
        if (f < 0) continue;
        if ((c->fns[f].effects & 16) && !c->fns[f].assigns_global) { /* through a function it calls */
            rbk_node *n = si->node;
            rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", n->file, n->off, n->a->end,
                                       "per-item step \"%s\" calls a function that assigns a top-level variable%s", si->name,
                                       k ? " (in its rollback)" : "");
            rbk_diag_hint(d, "its instances run apart, so the value could not come back: return it from the function instead");
        }
        if ((c->fns[f].effects & 4) && (si->serial != 1 || si->serial_pct)) {
            rbk_node *n = si->node;
            rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", n->file, n->off, n->a->end,
                                       "per-item step \"%s\" asks the operator (confirm/ask/approve) but runs its instances %s at a time",
                                       si->name, si->serial_pct ? "a share" : "more than one");
            rbk_diag_hint(d, "questions are asked one at a time: use serial 1, or ask in a step before it");
        }
    }
}

static void check_step_part(sema *S, rbk_stepinfo *si, int fi, rbk_node *body, int is_cond, int item) {
    fnctx fx = {0};
    fx.fn = fi;
    fx.in_step = !is_cond;
    fx.step = si;
    fx.module = -1;
    fnctx *saved = S->fx;
    S->fx = &fx;
    sema_scope_push(S);
    if (item) {
        rbk_node *v = si->per_item;
        rbk_sym *y = sema_declare_local(S, v->str, v, T(TY_ANY));
        y->used = 1; /* an instance may not need its item in every part */
        v->sym = y;
        S->c->fns[fi].nparams = 1;
    }
    if (is_cond == 1) sema_check_cond(S, body, sema_expr(S, body), "a step's `if` condition");
    else if (is_cond == 2) {
        rbk_ctype *t = sema_expr(S, body);
        if (known(t) && t->kind != TY_LIST) {
            rbk_diag *d = ERR(body, "a per-item step runs once per item of a list, not of %s", rbk_type_str(t));
            rbk_diag_hint(d, "for a map, iterate its keys: for k in keys(m); for a range, build the list first");
        }
    } else if (is_cond == 3) sema_expr(S, body);
    else block(S, body, 0);
    sema_scope_pop(S);
    S->c->fns[fi].nlocals = fx.max_slot;
    S->fx = saved;
}

static void step_decl(sema *S, rbk_node *n, const char *section) {
    rbk_compiler *c = S->c;
    if (c->nsteps == c->capsteps) {
        c->capsteps = c->capsteps ? c->capsteps * 2 : 16;
        c->steps = rbk_xrealloc(c->steps, sizeof(rbk_stepinfo) * (size_t)c->capsteps);
    }
    rbk_stepinfo *si = &c->steps[c->nsteps];
    memset(si, 0, sizeof *si);
    si->node = n;
    si->section = section;
    si->rollback_fn = si->cond_fn = si->list_fn = si->name_fn = -1;
    si->serial = 1;
    n->slot = c->nsteps;
    c->nsteps++;
    if (n->list.n && n->list.items[0]->kind == N_STEP_FOR) si->per_item = n->list.items[0];
    if (n->a->kind == N_INTERP && si->per_item) {
        /* a per-item step's name is a template: each instance's is computed from its item */
        const char *src = c->sources->items[n->a->file]->text;
        uint32_t a0 = n->a->off + 1, a1 = n->a->end > n->a->off + 1 ? n->a->end - 1 : a0;
        if (n->a->flags & RBK_NF_TRIPLE) { a0 = n->a->off + 3; a1 = n->a->end >= a0 + 3 ? n->a->end - 3 : a0; }
        si->name = rbk_arena_strndup(c->arena, src + a0, a1 - a0);
    } else if (n->a->kind != N_STRING) {
        if (n->a->kind != N_ERROR) {
            rbk_diag *d = ERR(n->a, "a step's name must be a plain string (no interpolation)");
            rbk_diag_hint(d, "only a per-item step's name has holes: step \"Upgrade {n.name}\" for n in hosts.workers { ... }");
        }
        si->name = "?";
    } else {
        si->name = n->a->str;
        if (!si->name[0]) ERR(n->a, "a step needs a name");
    }
    /* duplicate names: a hash set keeps this linear in the number of steps */
    if (c->nsteps * 2 > c->step_names_cap) {
        int cap = c->step_names_cap ? c->step_names_cap * 2 : 64;
        int *t = rbk_xcalloc((size_t)cap, sizeof(int));
        for (int i = 0; i < c->step_names_cap; i++) {
            int k = c->step_names[i];
            if (!k) continue;
            uint32_t h = rbk_fnv1a_str(c->steps[k - 1].name);
            uint32_t j = h & (uint32_t)(cap - 1);
            while (t[j]) j = (j + 1) & (uint32_t)(cap - 1);
            t[j] = k;
        }
        free(c->step_names);
        c->step_names = t;
        c->step_names_cap = cap;
    }
    {
        uint32_t h = rbk_fnv1a_str(si->name);
        uint32_t j = h & (uint32_t)(c->step_names_cap - 1);
        int dup = -1;
        while (c->step_names[j]) {
            if (!strcmp(c->steps[c->step_names[j] - 1].name, si->name)) { dup = c->step_names[j] - 1; break; }
            j = (j + 1) & (uint32_t)(c->step_names_cap - 1);
        }
        if (dup >= 0) {
            rbk_diag *d = ERR(n->a, "duplicate step name \"%s\"", si->name);
            int line, col;
            rbk_node *o = c->steps[dup].node;
            rbk_source_linecol(c->sources->items[o->file], o->off, &line, &col);
            rbk_diag_hint(d, "the first step with this name is at line %d; step names are unique (--from and --only use them)", line);
        } else {
            c->step_names[j] = c->nsteps; /* index + 1 of this step */
        }
    }
    rbk_node *cond = NULL;
    int seen_retry = 0;
    for (int i = 0; i < n->list.n; i++) {
        rbk_node *a = n->list.items[i];
        if (!strcmp(a->str, "timeout")) si->timeout_ms = literal_duration(S, a->a, "timeout");
        else if (!strcmp(a->str, "retry")) {
            seen_retry = 1;
            if (a->a->kind == N_ERROR) continue; /* reported by the parser */
            if (a->a->kind != N_INT || a->a->i < 0 || a->a->i > 100) ERR(a->a, "`retry` needs a whole number from 0 to 100");
            else si->retries = (int)a->a->i;
        } else if (!strcmp(a->str, "every")) {
            if (!seen_retry) ERR(a, "`every` follows `retry N` in a step header");
            si->retry_every_ms = literal_duration(S, a->a, "every");
        } else if (!strcmp(a->str, "if")) cond = a->a;
        else if (a->kind == N_STEP_FOR) continue;
        else if (!strcmp(a->str, "serial") || !strcmp(a->str, "max_fail")) {
            int is_serial = a->str[0] == 's';
            if (!si->per_item) {
                rbk_diag *d = ERR(a, "`%s` is an attribute of a per-item step", a->str);
                rbk_diag_hint(d, "step \"Upgrade {n.name}\" for n in hosts.workers %s { ... }", is_serial ? "serial 2" : "max_fail 1");
                continue;
            }
            if (a->a->kind == N_ERROR) continue;
            int pct = (a->flags & RBK_NF_PERCENT) != 0;
            int64_t v = a->a->kind == N_INT ? a->a->i : -1;
            int64_t lo = is_serial ? 1 : 0, hi = pct ? 100 : 1000000;
            if (a->a->kind != N_INT || v < lo || v > hi) {
                rbk_diag *d = ERR(a->a, "`%s` needs a whole number from %lld%s to %lld%s", a->str, (long long)lo, pct ? "%" : "", (long long)hi, pct ? "%" : "");
                rbk_diag_hint(d, is_serial ? "the batch size: serial 1 (the default: one at a time), serial 5, or serial 25%% of the items"
                                           : "the failures tolerated: max_fail 0 (the default), max_fail 2, or max_fail 10%% of the items");
                continue;
            }
            if (is_serial) { si->serial = (int)v; si->serial_pct = pct; }
            else { si->max_fail = (int)v; si->max_fail_pct = pct; }
        } else {
            rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", a->file, a->off, a->off + (uint32_t)a->slen,
                                       "unknown step attribute `%s`", a->str);
            static const char *const attrs[] = {"timeout", "retry", "every", "if", "serial", "max_fail"};
            const char *best = rbk_closest(a->str, attrs, 6);
            rbk_diag_hint(d, best ? "did you mean `%s`?" : "the attributes are timeout D, retry N [every D], if COND (and serial N, max_fail N on a per-item step)", best);
        }
    }
    si->body_fn = new_step_fn(S, si, "", n->b);
    if (n->c && n->c->aux == RBK_BLOCK_ROLLBACK) {
        si->rollback_fn = new_step_fn(S, si, " (rollback)", n->c);
        for (int i = 0; n->c->a && i < n->c->a->list.n; i++) { /* `rollback timeout D {` */
            rbk_node *a = n->c->a->list.items[i];
            if (!strcmp(a->str, "timeout")) si->rollback_timeout_ms = literal_duration(S, a->a, "timeout");
            else {
                rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", a->file, a->off, a->off + (uint32_t)a->slen,
                                           "unknown rollback attribute `%s`", a->str);
                rbk_diag_hint(d, "a rollback block takes `timeout D` only (`} rollback timeout 30m {`); it is not retried");
            }
        }
    }
    if (n->c && n->c->aux == RBK_BLOCK_IRREVERSIBLE) { si->irreversible = 1; si->irreversible_why = n->c->a; }
    if (cond) si->cond_fn = new_step_fn(S, si, " (if)", cond);
    int item = si->per_item != NULL;
    if (item) {
        si->list_fn = new_step_fn(S, si, " (items)", si->per_item->a);
        if (n->a->kind == N_INTERP) si->name_fn = new_step_fn(S, si, " (name)", n->a);
    }
    check_step_part(S, si, si->body_fn, n->b, 0, item);
    if (si->rollback_fn >= 0) check_step_part(S, si, si->rollback_fn, n->c, 0, item);
    if (si->cond_fn >= 0) check_step_part(S, si, si->cond_fn, cond, 1, 0);
    if (item) check_step_part(S, si, si->list_fn, si->per_item->a, 2, 0);
    if (si->name_fn >= 0) check_step_part(S, si, si->name_fn, n->a, 3, 1);
}

/* ------------------------------------------------------------------ declarations */
/* `lock "NAME"` (docs/state.md), item i of prog: a plain string, non-empty, printable, no comma
 * (the run store keeps a run's locks comma separated), declared once */
static void lock_decl(sema *S, rbk_node *prog, int i) {
    rbk_node *n = prog->list.items[i], *s = n->a;
    if (s->kind != N_STRING) {
        if (s->kind != N_ERROR) ERR(s, "a lock name must be a plain string (no interpolation)");
        return;
    }
    if (!s->slen) { ERR(s, "a lock name cannot be empty"); return; }
    for (size_t k = 0; k < s->slen; k++) {
        unsigned char ch = (unsigned char)s->str[k];
        if (ch < 0x20 || ch == 0x7f || ch == ',') {
            rbk_diag *d = ERR(s, ch == ',' ? "a lock name has no comma" : "a lock name must be printable");
            rbk_diag_hint(d, "declare each lock on its own line: lock \"orders-db\"");
            return;
        }
    }
    for (int j = 0; j < i; j++) {
        rbk_node *p = prog->list.items[j];
        if (p && p->kind == N_LOCK && p->a->kind == N_STRING && p->a->slen == s->slen && !memcmp(p->a->str, s->str, s->slen)) {
            rbk_diag *d = ERR(s, "lock `%s` is declared twice", s->str);
            rbk_diag_note(d, p->file, p->off, p->end, "first declared here");
            return;
        }
    }
}

static void declare_top(sema *S, rbk_node *prog, scope *g, int module) {
    rbk_compiler *c = S->c;
    for (int i = 0; i < prog->list.n; i++) {
        rbk_node *n = prog->list.items[i];
        if (!n) continue;
        switch (n->kind) {
        case N_FN: {
            rbk_sym *prev = scope_find(g, n->str);
            if (prev) {
                ERR(n, "`%s` is already declared", n->str);
                break;
            }
            rbk_sym *y = sema_sym_new(c, SYM_FN, n->str, n);
            int fi = sema_fn_add(c, n->str, n, n->b, module);
            c->fns[fi].nparams = n->a->list.n;
            y->index = fi;
            y->type = T(TY_FUNC);
            sema_scope_add(c, g, y);
            break;
        }
        case N_LET: {
            rbk_sym *prev = scope_find(g, n->str);
            if (prev) {
                rbk_diag *d = ERR(n, "`%s` is already declared at the top level", n->str);
                rbk_diag_hint(d, "to change its value, write `%s = ...` without `let`", n->str);
                break;
            }
            rbk_sym *y = sema_sym_new(c, SYM_GLOBAL, n->str, n);
            sema_global_add(c, y);
            sema_scope_add(c, g, y);
            break;
        }
        case N_PARAM:
        case N_ENV:
        case N_USE:
        case N_RUNBOOK:
        case N_LOCK:
            if (module >= 0) {
                ERR(n, "a module contains only `fn` and `let`");
                break;
            }
            if (n->kind == N_PARAM) {
                /* modifiers: `secret` only (docs/language.md §6) */
                for (int j = 0; n->c && j < n->c->list.n; j++) {
                    rbk_node *m = n->c->list.items[j];
                    if (!strcmp(m->str, "secret")) { n->flags |= RBK_NF_SECRET; continue; }
                    static const char *const mods[] = {"secret"};
                    rbk_diag *d = ERR(m, "unknown param modifier `%s`", m->str);
                    if (rbk_closest(m->str, mods, 1)) rbk_diag_hint(d, "did you mean `secret`?");
                    else rbk_diag_hint(d, "the only modifier of a param is `secret`");
                }
                if ((n->flags & RBK_NF_SECRET) && n->b) {
                    rbk_diag *d = WARN("secret-default", n->b, "a secret param's default is in the source");
                    rbk_diag_hint(d, "anyone who can read the runbook or its .rbc can read it: leave the default out, "
                                     "so that the value is passed with --param or typed at the prompt");
                }
                if (scope_find(g, n->str)) { ERR(n, "`%s` is already declared", n->str); break; }
                rbk_sym *y = sema_sym_new(c, SYM_GLOBAL, n->str, n);
                y->is_param = 1;
                sema_global_add(c, y);
                sema_scope_add(c, g, y);
                rbk_ctype *t = T(TY_STRING);
                int bad_type = 0; /* reported: the default is not compared with it */
                if (n->a) {
                    static const char *const tn[] = {"string", "int", "float", "bool", "duration", "list", "map"};
                    int k = -1;
                    for (int j = 0; j < 7; j++) if (!strcmp(n->a->str, tn[j])) k = j;
                    if (k < 0) {
                        rbk_diag *d = ERR(n->a, "unknown parameter type `%s`", n->a->str);
                        const char *best = rbk_closest(n->a->str, tn, 7);
                        rbk_diag_hint(d, best ? "did you mean `%s`?" : "the types are string, int, float, bool, duration, list and map", best);
                        bad_type = 1;
                    } else {
                        static const rbk_tkind tk[] = {TY_STRING, TY_INT, TY_FLOAT, TY_BOOL, TY_DURATION, TY_LIST, TY_MAP};
                        t = T(tk[k]);
                    }
                }
                if (n->b) {
                    rbk_ctype *dt = sema_expr(S, n->b);
                    if (is_mapish(dt)) dt = T(TY_MAP); /* its keys are whatever --param gives */
                    int literal = n->b->kind == N_STRING || n->b->kind == N_INT || n->b->kind == N_FLOAT ||
                                  n->b->kind == N_BOOL || n->b->kind == N_DURATION ||
                                  (n->b->kind == N_UNARY && (n->b->a->kind == N_INT || n->b->a->kind == N_FLOAT)) ||
                                  n->b->kind == N_ERROR; /* reported by the parser */
                    if (n->b->kind == N_LIST || n->b->kind == N_MAP) {
                        rbk_node *bad = json_literal_bad(n->b);
                        literal = 1;
                        if (bad) {
                            rbk_diag *d = ERR(bad, "a list or map parameter's default holds only literal strings, numbers, bools, nil, "
                                                   "lists and maps");
                            rbk_diag_hint(d, "what --param can give in JSON; compute anything else from the parameter in the runbook");
                        }
                    }
                    if (!literal) ERR(n->b, "a parameter's default must be a literal");
                    else if (n->a && !bad_type && known(dt) && dt->kind != t->kind && !(t->kind == TY_FLOAT && dt->kind == TY_INT))
                        ERR(n->b, "the default is %s but the parameter is declared %s", rbk_type_str(dt), rbk_type_str(t));
                    if (!n->a) t = dt;
                }
                if ((n->flags & RBK_NF_SECRET) && t->kind == TY_BOOL) {
                    rbk_diag *d = ERR(n->a ? n->a : n->b ? n->b : n, "a bool param cannot be secret");
                    rbk_diag_hint(d, "its text, true or false, cannot be masked in the output");
                }
                y->type = t;
                if (c->nparams == c->capparams) {
                    c->capparams = c->capparams ? c->capparams * 2 : 8;
                    c->params = rbk_xrealloc(c->params, sizeof(rbk_node *) * (size_t)c->capparams);
                }
                c->params[c->nparams++] = n;
                n->sym = y;
            } else if (n->kind == N_ENV) {
                int flags = n->flags & RBK_NF_HOSTS; /* `hosts web, workers` (docs/fleet.md) */
                for (int j = 0; j < n->b->list.n; j++) {
                    rbk_node *m = n->b->list.items[j];
                    if (!strcmp(m->str, "secret")) flags |= RBK_NF_SECRET;
                    else if (!strcmp(m->str, "optional")) flags |= RBK_NF_OPTIONAL;
                    else {
                        rbk_diag *d = ERR(m, "unknown env modifier `%s`", m->str);
                        rbk_diag_hint(d, "the modifiers are `secret` and `optional`");
                    }
                }
                for (int j = 0; j < n->a->list.n; j++) {
                    rbk_node *e = n->a->list.items[j];
                    int prev = sema_env_find(c, e->str);
                    if (prev >= 0 && (c->envs[prev]->flags & RBK_NF_HOSTS) != flags) { ERR(e, "`%s` is declared both as an environment variable and as a hosts group", e->str); continue; }
                    if (prev >= 0) { ERR(e, flags ? "hosts group `%s` is declared twice" : "environment variable `%s` is declared twice", e->str); continue; }
                    e->flags = flags;
                    sema_env_add(c, e);
                }
            } else if (n->kind == N_RUNBOOK) {
                if (c->title) ERR(n, "the runbook's title is given twice");
                if (n->a->kind != N_STRING && n->a->kind != N_ERROR) ERR(n->a, "the title must be a plain string");
                c->title = n->a;
            } else if (n->kind == N_LOCK) {
                lock_decl(S, prog, i);
            }
            break;
        default:
            break;
        }
    }
}

/* The nodes the code generator emits for n, a default argument (or part of one), with the
 * defaults of the calls in it that leave arguments out; saturated past the limit. The callees'
 * costs are known: check_calls computes a function's after every function it calls. */
static int64_t default_tree_cost(const rbk_compiler *c, const rbk_node *n) {
    if (!n) return 0;
    int64_t k = 1;
    rbk_node *ch;
    RBK_EACH_CHILD(n, i, ch) {
        k += default_tree_cost(c, ch);
        if (k > RBK_MAX_DEFAULT_NODES) return RBK_MAX_DEFAULT_NODES + 1;
    }
    if (n->kind == N_CALL && n->aux == RBK_CALL_FN && n->slot >= 0 && n->slot < c->nfns && c->fns[n->slot].default_cost)
        for (int j = 0; j < c->fns[n->slot].nparams; j++)
            if (j >= n->list2.n || !n->list2.items[j]) k += c->fns[n->slot].default_cost[j];
    return k > RBK_MAX_DEFAULT_NODES ? RBK_MAX_DEFAULT_NODES + 1 : k;
}
static void default_costs(rbk_compiler *c, rbk_fninfo *f) {
    if (!f->decl || f->decl->kind != N_FN || !f->nparams) return;
    f->default_cost = rbk_xcalloc((size_t)f->nparams, sizeof(int64_t));
    rbk_node *params = f->decl->a;
    for (int j = 0; j < f->nparams && j < params->list.n; j++)
        f->default_cost[j] = default_tree_cost(c, params->list.items[j]->a);
}
/* Every call of a user function compiles the defaults it leaves out: past
 * RBK_MAX_DEFAULT_NODES for the whole runbook, the call that passes it is an error. */
static void check_default_growth(rbk_compiler *c) {
    int64_t total = 0;
    for (int g = 0; g < c->nfns; g++)
        for (int k = 0; k < c->fns[g].ncalls; k++) {
            rbk_node *call = c->fns[g].call_at[k];
            const rbk_fninfo *f = &c->fns[c->fns[g].calls[k]];
            for (int j = 0; f->default_cost && j < f->nparams; j++)
                if (j >= call->list2.n || !call->list2.items[j]) total += f->default_cost[j];
            if (total > RBK_MAX_DEFAULT_NODES) {
                rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "limit", call->file, call->off, call->end,
                                           "the default arguments the calls of this runbook leave out are too large "
                                           "in all (limit %d nodes of code)", RBK_MAX_DEFAULT_NODES);
                rbk_diag_hint(d, "a default is compiled into every call that leaves it out: pass the argument, "
                                 "or make a large default a top-level `let` and name it");
                return;
            }
        }
}

/* Recursion, by a depth-first search over user function calls from fns[root], which also
 * gives each function the effects of everything it calls. Iterative, with the path in stack[]
 * and each one's next call in next[] (both nfns long): a chain of 200,000 functions each
 * calling the next took one C frame a link, a segfault. */
static void check_calls(rbk_compiler *c, int root, int *state, int *stack, int *next) {
    int depth = 0;
    stack[0] = root;
    next[0] = 0;
    state[root] = 1;
    while (depth >= 0) {
        int f = stack[depth];
        rbk_fninfo *fi = &c->fns[f];
        if (next[depth] < fi->ncalls) {
            int g = fi->calls[next[depth]++];
            if (state[g] == 1) {
                rbk_node *at = c->fns[g].decl;
                rbk_sbuf b = RBK_SBUF_INIT;
                int k = depth;
                while (k > 0 && stack[k] != g) k--;
                for (int j = k; j <= depth; j++) rbk_sbuf_printf(&b, "%s -> ", c->fns[stack[j]].name);
                rbk_sbuf_adds(&b, c->fns[g].name);
                rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "recursion", at->file, (uint32_t)RBK_NAME_OFF(at),
                                           (uint32_t)RBK_NAME_OFF(at) + (uint32_t)strlen(c->fns[g].name),
                                           "recursion is not allowed: %s", b.data);
                rbk_diag_hint(d, "every runbook terminates: loop over a list or a range instead");
                rbk_sbuf_free(&b);
            } else if (state[g] == 0) {
                state[g] = 1;
                depth++;
                stack[depth] = g;
                next[depth] = 0;
            } else {
                fi->effects |= c->fns[g].effects;
            }
            continue;
        }
        state[f] = 2;
        default_costs(c, fi); /* after those of every function it calls */
        if (--depth >= 0) c->fns[stack[depth]].effects |= fi->effects; /* its caller's call returned */
    }
}

void rbk_sema(rbk_compiler *c) {
    sema SS = {0}, *S = &SS;
    S->c = c;
    c->module_scopes = rbk_arena_alloc(c->arena, sizeof(scope) * (size_t)(c->nmodules + 1));
    scope *root = &c->module_scopes[c->nmodules];
    int main_fn = sema_fn_add(c, "<top level>", NULL, c->root, -1);
    (void)main_fn;
    /* modules first: their fns and lets */
    for (int m = 0; m < c->nmodules; m++) {
        S->module = m;
        S->globals = &c->module_scopes[m];
        declare_top(S, c->modules[m].prog, &c->module_scopes[m], m);
    }
    S->module = -1;
    S->globals = root;
    for (int m = 0; m < c->nmodules; m++) {
        if (scope_find(root, c->modules[m].name)) continue;
        rbk_sym *y = sema_sym_new(c, SYM_MODULE, c->modules[m].name, NULL);
        y->index = m;
        sema_scope_add(c, root, y);
    }
    declare_top(S, c->root, root, -1);
    /* module bodies */
    fnctx mainfx = {0};
    mainfx.fn = 0;
    mainfx.is_main = 1;
    mainfx.module = -1;
    for (int m = 0; m < c->nmodules; m++) {
        S->module = m;
        S->globals = &c->module_scopes[m];
        S->sc = S->globals;
        S->fx = &mainfx;
        for (int i = 0; i < c->modules[m].prog->list.n; i++) {
            rbk_node *n = c->modules[m].prog->list.items[i];
            if (!n) continue;
            if (n->kind == N_LET) stmt(S, n);
            else if (n->kind == N_FN) {
                rbk_sym *y = scope_find(S->globals, n->str);
                if (y && y->decl == n) check_fn_body(S, y->index, m);
            } else if (n->kind != N_PARAM && n->kind != N_ENV && n->kind != N_USE && n->kind != N_RUNBOOK && n->kind != N_LOCK)
                ERR(n, "a module contains only `fn` and `let`");
        }
    }
    /* the root: top-level code and steps in order; fn bodies */
    S->module = -1;
    S->globals = root;
    S->sc = root;
    S->fx = &mainfx;
    for (int i = 0; i < c->root->list.n; i++) {
        rbk_node *n = c->root->list.items[i];
        if (!n) continue;
        if (i + 1 < c->root->list.n) prefetch_range(S, n, c->root->list.items[i + 1]);
        switch (n->kind) {
        case N_FN: {
            rbk_sym *y = scope_find(root, n->str);
            if (y && y->decl == n) check_fn_body(S, y->index, -1);
            break;
        }
        case N_STEP: step_decl(S, n, NULL); break;
        case N_SECTION: {
            const char *title = n->a->kind == N_STRING ? n->a->str : "?";
            if (n->a->kind != N_STRING && n->a->kind != N_ERROR) ERR(n->a, "a section's title must be a plain string");
            for (int j = 0; j < n->list.n; j++) {
                if (j + 1 < n->list.n) prefetch_range(S, n->list.items[j], n->list.items[j + 1]);
                step_decl(S, n->list.items[j], title);
            }
            break;
        }
        case N_ENV: case N_PARAM: case N_USE: case N_RUNBOOK: case N_LOCK: break;
        case N_LET: {
            S->sc = root;
            stmt(S, n);
            break;
        }
        default: stmt(S, n); break;
        }
    }
    c->fns[0].nlocals = mainfx.max_slot;
    /* recursion and effects */
    int *state = rbk_xcalloc((size_t)c->nfns, sizeof(int));
    int *stack = rbk_xcalloc((size_t)c->nfns + 1, sizeof(int));
    int *next = rbk_xcalloc((size_t)c->nfns + 1, sizeof(int));
    for (int f = 0; f < c->nfns; f++) if (!state[f]) check_calls(c, f, state, stack, next);
    free(state);
    free(stack);
    free(next);
    check_default_growth(c);
    /* guards called from top-level code through functions */
    for (int i = 0; i < c->fns[0].ncalls; i++) {
        int g = c->fns[0].calls[i];
        rbk_node *at = c->fns[0].call_at[i]; /* the call in top-level code: what to move */
        if (c->fns[g].effects & 8) {
            rbk_diag *dg = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", at->file, at->off, at->end,
                                        "`%s` uses expect/stop-if/watch and cannot be called from top-level code", c->fns[g].name);
            rbk_diag_hint(dg, "call it from inside a step");
        }
        if (c->fns[g].effects & 4) {
            rbk_diag *dg = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", at->file, at->off, at->end,
                                        "`%s` asks the operator (confirm/ask/approve) and cannot be called from top-level code", c->fns[g].name);
            rbk_diag_hint(dg, "call it from inside a step");
        }
    }
    /* steps that change things without a way back */
    for (int i = 0; i < c->nsteps; i++) {
        rbk_stepinfo *si = &c->steps[i];
        if (si->per_item) per_item_rules(c, si);
        if ((c->fns[si->body_fn].effects & 2) && si->rollback_fn < 0 && !si->irreversible) {
            rbk_node *n = si->node;
            rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_WARNING, "no-rollback", n->file, n->off,
                                       n->a->end, "step \"%s\" changes something but has neither `rollback` nor `irreversible`", si->name);
            rbk_diag_hint(d, "add `rollback { ... }` to undo it, `rollback {}` when there is nothing to undo, "
                             "or `irreversible \"why\"` when it cannot be undone");
        }
    }
    /* unused top-level names of the root file — unless it is a library (fn, let and use only,
     * checked on its own, e.g. by `runbook check DIR`): its names are for the files that use it,
     * or a file had syntax errors: the statement error recovery skipped may be the one use */
    if (c->syntax_errors) return;
    int library = 1;
    for (int i = 0; i < c->root->list.n && library; i++) {
        rbk_node *n = c->root->list.items[i];
        library = !n || n->kind == N_FN || n->kind == N_LET || n->kind == N_USE;
    }
    for (int i = 0; i < root->n && !library; i++) {
        rbk_sym *y = root->syms[i];
        if (y->used || y->name[0] == '_' || !y->decl) continue;
        if (y->kind == SYM_GLOBAL && !y->is_param)
            rbk_diag_add(c->diags, RBK_SEV_WARNING, "unused", y->decl->file, y->decl->off, y->decl->end, "`%s` is never used", y->name);
        else if (y->is_param)
            rbk_diag_add(c->diags, RBK_SEV_WARNING, "unused", y->decl->file, y->decl->off, y->decl->end, "parameter `%s` is never used", y->name);
        else if (y->kind == SYM_FN)
            rbk_diag_add(c->diags, RBK_SEV_WARNING, "unused", y->decl->file, (uint32_t)RBK_NAME_OFF(y->decl),
                         (uint32_t)RBK_NAME_OFF(y->decl) + (uint32_t)strlen(y->name), "function `%s` is never used", y->name);
    }
    for (int i = 0; i < c->nenvs; i++) {
        rbk_node *e = c->envs[i];
        if (!(e->aux & RBK_ENV_USED))
            rbk_diag_add(c->diags, RBK_SEV_WARNING, "unused", e->file, e->off, e->end,
                         (e->flags & RBK_NF_HOSTS) ? "hosts group `%s` is declared but never used" : "environment variable `%s` is declared but never read", e->str);
    }
}

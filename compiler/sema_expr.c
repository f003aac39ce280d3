/* compiler/sema_expr.c — the checker's expressions: names and their symbols, field accesses,
 * calls (user functions, builtins with their signatures, methods) and the binding of their
 * arguments, operators, literals; each node annotated for compiler/codegen.c (type, sym,
 * slot, aux: the RBK_CALL_ and RBK_FIELD_ kinds, list2). Part of the checker (sema_int.h). */
#include <stdlib.h>
#include <string.h>
#include "query.h"
#include "sema_int.h"

static rbk_ctype *expr(sema *S, rbk_node *n);
static rbk_ctype *field(sema *S, rbk_node *n);

void sema_check_cond(sema *S, rbk_node *n, rbk_ctype *t, const char *what) {
    if (known(t) && t->kind != TY_BOOL) {
        rbk_diag *d = ERR(n, "%s must be a bool, but this is %s %s", what,
                          t->kind == TY_INT ? "an" : "a", rbk_type_str(t));
        if (t->kind == TY_STRING || t->kind == TY_LIST || is_mapish(t))
            rbk_diag_hint(d, "compare it explicitly, e.g. `len(x) > 0` or `x != nil`");
    }
}

/* The symbol a callee names: `f` in f(...), `m` in m.f(...), looked up once per call and
 * handed to fn_index_of, builtin_of and call. */
static rbk_sym *callee_sym(sema *S, rbk_node *callee) {
    if (callee->kind == N_IDENT) return lookup(S, callee->str);
    if (callee->kind == N_FIELD && callee->a->kind == N_IDENT) return lookup(S, callee->a->str);
    return NULL;
}
/* The builtin a callee expression names, or -1: `len`, `http.get`, `db.scalar` on a sql handle.
 * y = callee_sym(callee). */
static int builtin_of(rbk_node *callee, rbk_sym *y, rbk_node **receiver) {
    *receiver = NULL;
    if (callee->kind == N_IDENT) {
        if (y && y->kind != SYM_BUILTIN) return -1;
        return rbk_builtin_find(callee->str);
    }
    if (callee->kind == N_FIELD && callee->a->kind == N_IDENT) {
        /* `use "std/http"` binds `http` too: what the module lacks, the builtins provide */
        if ((!y || y->kind == SYM_MODULE) && is_namespace(callee->a->str))
            return sema_builtin_dotted(callee->a->str, callee->str);
    }
    return -1;
}

/* What a call is bound to, for the note that shows its signature: a builtin (shown: how the
 * call names it, "db.scalar" for a method) or a user fn. */
typedef struct callsig {
    const rbk_builtin *b;
    const char *shown;
    const rbk_fninfo *f;
} callsig;
/* The note under a call that does not fit: the builtin's signature from builtins.def, or the
 * fn's header where it is declared. */
static void sig_note(sema *S, rbk_diag *d, const callsig *cs) {
    if (rbk_diag_dropped(d)) return;
    rbk_sbuf b = RBK_SBUF_INIT;
    if (cs->b) {
        rbk_query_builtin_sig(cs->b, cs->shown, &b);
        rbk_diag_note(d, -1, 0, 0, "the signature is %s", rbk_sbuf_cstr(&b));
    } else if (cs->f && cs->f->decl && cs->f->decl->kind == N_FN) {
        rbk_node *decl = cs->f->decl;
        uint32_t at = (uint32_t)RBK_NAME_OFF(decl);
        rbk_diag_note(d, decl->file, at, at + (uint32_t)decl->slen, "`%s` is declared here", cs->f->name);
    }
    rbk_sbuf_free(&b);
}

/* The names after `ns.` of the builtins "ns.NAME" (only the methods, those taking a handle
 * first, when methods): the candidates of a "did you mean". Returns how many (at most max). */
static int dotted_names(const char *ns, int methods, const char **cands, int max) {
    int k = 0;
    size_t pl = strlen(ns);
    for (int i = 0; i < rbk_builtin_count() && k < max; i++) {
        const rbk_builtin *b = rbk_builtin_get(i);
        if (strncmp(b->name, ns, pl) || b->name[pl] != '.') continue;
        if (methods && !(b->nparams > 0 && !strncmp(b->params[0].type, "handle:", 7))) continue;
        cands[k++] = b->name + pl + 1;
    }
    return k;
}

static void bind_error_unknown(sema *S, rbk_node *arg, const char *fname, const char *const *names, int n,
                               const callsig *cs) {
    rbk_diag *d = ERR(arg, "`%s` has no parameter named `%s`", fname, arg->str);
    if (rbk_diag_dropped(d)) return; /* past the error limit: no hint to look for */
    sig_note(S, d, cs);
    const char *best = rbk_closest(arg->str, names, n);
    if (best) rbk_diag_hint(d, "did you mean `%s`?", best);
    else {
        rbk_sbuf b = RBK_SBUF_INIT;
        for (int i = 0; i < n; i++) rbk_sbuf_printf(&b, "%s`%s`", i ? ", " : "", names[i]);
        rbk_diag_hint(d, "its parameters are %s", n ? b.data : "none");
        rbk_sbuf_free(&b);
    }
}

/* Binds the call's arguments to parameters: call->list2 gets one entry per parameter (the
 * argument expression or NULL). first = the receiver for method calls (bound to param 0). */
static int bind_args(sema *S, rbk_node *call, const char *fname, int nparams, const char *const *names,
                     const int *optional, rbk_node *first, const callsig *cs) {
    rbk_node **bound = rbk_arena_alloc(S->c->arena, sizeof(rbk_node *) * (size_t)(nparams + 1));
    int pos = 0, ok = 1, named_seen = 0;
    int *pidx = NULL; /* parameter position + 1 by name, for a function of many */
    uint32_t pcap = 0;
    if (first) bound[pos++] = first;
    for (int i = 0; i < call->list.n; i++) {
        rbk_node *arg = call->list.items[i];
        const char *name = rbk_arg_name(arg);
        if (!name) {
            if (named_seen) { ERR(arg, "a positional argument cannot follow named arguments"); ok = 0; continue; }
            if (pos >= nparams) {
                rbk_diag *d = ERR(arg, "too many arguments: `%s` takes %d", fname, nparams - (first ? 1 : 0));
                sig_note(S, d, cs);
                ok = 0;
                continue;
            }
            bound[pos++] = arg;
        } else {
            named_seen = 1;
            int k = -1;
            if (nparams <= 16) {
                for (int j = 0; j < nparams; j++) if (!strcmp(names[j], name)) k = j;
            } else { /* a hash of the names, made at the first named argument: not args x params */
                if (!pidx) {
                    for (pcap = 32; pcap < 2 * (uint32_t)nparams; pcap *= 2) {}
                    pidx = rbk_xcalloc(pcap, sizeof(int));
                    for (int j = 0; j < nparams; j++) {
                        uint32_t h = name_hash(names[j]) & (pcap - 1);
                        while (pidx[h]) h = (h + 1) & (pcap - 1);
                        pidx[h] = j + 1;
                    }
                }
                for (uint32_t h = name_hash(name) & (pcap - 1); pidx[h]; h = (h + 1) & (pcap - 1))
                    if (!strcmp(names[pidx[h] - 1], name)) k = pidx[h] - 1; /* the last, as the scan did */
            }
            if (k < 0) { bind_error_unknown(S, arg, fname, names + (first ? 1 : 0), nparams - (first ? 1 : 0), cs); ok = 0; continue; }
            if (bound[k]) { ERR(arg, "`%s` is given twice", name); ok = 0; continue; }
            bound[k] = arg->a;
        }
    }
    for (int j = 0; j < nparams; j++) {
        if (!bound[j] && !optional[j]) {
            rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_ERROR, "check", call->file, call->off, call->end,
                                       "missing argument `%s` of `%s`", names[j], fname);
            sig_note(S, d, cs);
            ok = 0;
        }
    }
    free(pidx);
    call->list2.items = bound;
    call->list2.n = nparams;
    call->list2.cap = nparams;
    return ok;
}

static void note_effect(sema *S, int eff, rbk_node *at) {
    if (!S->fx) return;
    rbk_fninfo *f = &S->c->fns[S->fx->fn];
    f->effects |= eff;
    if ((eff & 4) && S->fx->is_main) ERR(at, "a gate (confirm/ask/approve) can only be used inside a step");
}

/* A gate's `name:` is a literal the preflight can read: letters, digits, _ - . */
static int gate_name_ok(const rbk_node *a) {
    if (a->kind != N_STRING || a->slen == 0 || a->slen > 64) return 0;
    for (size_t k = 0; k < a->slen; k++) {
        char c = a->str[k];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) return 0;
    }
    return 1;
}

/* sh/exec with `tty: true`: the operator's terminal is its stdin and shows its output */
static void check_tty_call(sema *S, rbk_node *n, const rbk_builtin *b) {
    rbk_node *tty = NULL, *sec = NULL, *in = NULL, *on = NULL;
    for (int i = 0; i < n->list2.n && i < b->nparams; i++) {
        rbk_node *a = n->list2.items[i];
        if (!a) continue;
        if (!strcmp(b->params[i].name, "tty")) tty = a;
        else if (!strcmp(b->params[i].name, "secret")) sec = a;
        else if (!strcmp(b->params[i].name, "stdin")) in = a;
        else if (!strcmp(b->params[i].name, "on")) on = a;
    }
    if (!tty || tty->kind != N_BOOL || !tty->i) return;
    if (on && on->kind != N_NIL) {
        rbk_diag *d = ERR(on, "`on:` and `tty: true` cannot go together: a remote command runs in batch mode, without the operator's terminal");
        rbk_diag_hint(d, "run it on the host by hand, or with `ssh -t` in a local `sh(..., tty: true)` (docs/fleet.md)");
    }
    if (sec && !(sec->kind == N_BOOL && !sec->i))
        ERR(sec, "`secret: true` and `tty: true` cannot go together: the operator's terminal shows what the command writes");
    if (in && in->kind != N_NIL) ERR(in, "`stdin:` and `tty: true` cannot go together: the operator types the command's input");
}

static __attribute__((noinline)) void bind_builtin_call(sema *S, rbk_node *n, const rbk_builtin *b, rbk_node *receiver) {
    const char *names[RBK_SIG_MAX];
    int optional[RBK_SIG_MAX];
    for (int i = 0; i < b->nparams; i++) { names[i] = b->params[i].name; optional[i] = b->params[i].optional; }
    callsig cs = {b, NULL, NULL};
    rbk_node *callee = n->a;
    if (receiver && callee && callee->kind == N_FIELD && callee->a->kind == N_IDENT) {
        /* a method is named as the call writes it: db.scalar, not sql.scalar */
        size_t a = strlen(callee->a->str), m = strlen(callee->str);
        char *shown = rbk_arena_alloc(S->c->arena, a + m + 2);
        memcpy(shown, callee->a->str, a);
        shown[a] = '.';
        memcpy(shown + a + 1, callee->str, m + 1);
        cs.shown = shown;
    }
    bind_args(S, n, cs.shown ? cs.shown : b->name, b->nparams, names, optional, receiver, &cs);
}
static rbk_ctype *call_builtin(sema *S, rbk_node *n, int id, rbk_node *receiver) {
    const rbk_builtin *b = rbk_builtin_get(id);
    if (!S->bi_ret[id]) {
        S->bi_ret[id] = rbk_type_parse(S->c, b->ret);
        for (int i = 0; i < b->nparams; i++) S->bi_fit[id][i] = sema_spec_mask(b->params[i].type);
    }
    n->aux = RBK_CALL_BUILTIN;
    n->slot = id;
    bind_builtin_call(S, n, b, receiver);
    for (int i = 0; i < n->list2.n; i++) {
        rbk_node *a = n->list2.items[i];
        if (!a) continue;
        rbk_ctype *t = a == receiver ? a->type : expr(S, a);
        /* an interpolated command or query is built by codegen's cinterp/csql_text, not traced
         * itself (its parts are) */
        if (S->tracing && a->kind == N_INTERP && (b->params[i].interp == 'S' || b->params[i].interp == 'Q')) S->ntraced--;
        int fits = !known(t) || t->kind == TY_NIL ||
                   (t->kind == TY_HANDLE ? sema_type_fits(t, b->params[i].type) : (int)((S->bi_fit[id][i] >> t->kind) & 1));
        if ((i == b->read_only_param || !strcmp(b->params[i].name, "tty")) && a->kind != N_BOOL) {
            /* the call's effect (rbk_call_effect), and whether it needs a terminal, are decided
             * here, before the run */
            rbk_diag *d = ERR(a, "`%s` of `%s` must be written as `true` or `false`", b->params[i].name, b->name);
            rbk_diag_hint(d, "the checker, --dry-run and plan need %s before the run; "
                             "to decide at run time, write two calls under an `if`",
                          i == b->read_only_param ? "the call's effect" : "to know whether the run needs a terminal");
        } else if (b->effect == RBK_EFF_GATE && !strcmp(b->params[i].name, "name") && !gate_name_ok(a)) {
            rbk_diag *d = ERR(a, "`name` of `%s` must be written as a string literal such as \"ticket\"", b->name);
            rbk_diag_hint(d, "letters, digits, `_`, `-` and `.`; --answer NAME=VALUE and the preflight need it before the run");
        } else if (!fits) {
            rbk_diag *d = ERR(a, "argument `%s` of `%s` must be %s, but this is %s", b->params[i].name, b->name,
                              b->params[i].type, rbk_type_str(t));
            if (t->kind == TY_INT && !strcmp(b->params[i].type, "string")) rbk_diag_hint(d, "convert it with str(...)");
            if (t->kind == TY_INT && !strcmp(b->params[i].type, "duration")) rbk_diag_hint(d, "write a duration with its unit, e.g. 5s or 250ms");
            if (t->kind == TY_STRING && !strcmp(b->params[i].type, "time")) rbk_diag_hint(d, "read the text with time.parse(...)");
            if (t->kind == TY_TIME && strstr(b->params[i].type, "string")) rbk_diag_hint(d, "a time's text: str(t), \"{t}\" or time.format(t, layout)");
        }
        if (b->params[i].interp == 'Q') {
            if (sema_is_literal_string(a)) {
                sema_sql_no_where(S, a);
                if (a->kind == N_INTERP) sema_literal_holes(S, a, 'Q');
            }
            else {
                rbk_diag *d = WARN("sql-not-literal", a, "the query is not a string literal written in the call, so its values are not bind parameters");
                rbk_diag_hint(d, "write the query in the call: db.query(\"... WHERE id = {id}\")");
            }
        }
        if (b->params[i].interp == 'S' && a->kind == N_INTERP) sema_literal_holes(S, a, 'S');
        if (b->params[i].interp == 'U' && a->kind == N_INTERP) sema_literal_holes(S, a, 'U');
        if (b->params[i].interp == 'R' && a->kind == N_INTERP) sema_literal_holes(S, a, 'R');
        if (id == RBK_BI_EXEC && i == 0) sema_exec_shell(S, a);
        if (b->params[i].interp == 'S' && !sema_is_literal_string(a)) {
            rbk_diag *d = WARN("sh-not-literal", a, "the command is not a string literal written in the call, so interpolated values are not shell-quoted");
            rbk_diag_hint(d, "write the command in the call: sh(\"cmd {value}\"), or use exec([...])");
        }
    }
    check_tty_call(S, n, b);
    int ro = b->read_only_param;
    rbk_node *roa = ro >= 0 && ro < n->list2.n ? n->list2.items[ro] : NULL;
    rbk_effect e = rbk_call_effect(b, roa && roa->kind == N_BOOL && roa->i);
    int eff = e == RBK_EFF_READ ? 1 : e == RBK_EFF_WRITE ? 2 : e == RBK_EFF_GATE ? 4 : 0;
    if (eff) note_effect(S, eff, n);
    if (id == RBK_BI_SH || id == RBK_BI_EXEC) {
        /* on: a list gives a list of results (each with its host), one host a map with host */
        for (int i = 0; i < b->nparams && i < n->list2.n; i++)
            if (!strcmp(b->params[i].name, "on") && n->list2.items[i]) {
                rbk_ctype *ot = n->list2.items[i]->type;
                return ot && ot->kind == TY_LIST ? T(TY_LIST) : T(TY_ANY);
            }
    }
    return S->bi_ret[id]; /* types are never changed once made: one per builtin is enough */
}

static int fn_index_of(sema *S, rbk_node *callee, rbk_sym *cy) {
    if (callee->kind == N_IDENT) {
        rbk_sym *y = cy;
        if (y && y->kind == SYM_FN) { y->used = 1; return y->index; }
    }
    if (callee->kind == N_FIELD && callee->a->kind == N_IDENT) {
        rbk_sym *m = cy;
        if (m && m->kind == SYM_MODULE) {
            m->used = 1;
            rbk_sym *y = scope_find(&S->c->module_scopes[m->index], callee->str);
            if (y && y->kind == SYM_FN) { y->used = 1; return y->index; }
        }
    }
    return -1;
}

/* Binds a call of user function f: one argument (or NULL) per parameter, however many. */
static __attribute__((noinline)) void bind_user_call(sema *S, rbk_node *n, rbk_fninfo *f) {
    enum { ON_STACK = 16 };
    const char *names_s[ON_STACK] = {0};
    int optional_s[ON_STACK] = {0};
    int np = f->nparams;
    const char **names = np <= ON_STACK ? names_s : rbk_xmalloc(sizeof(char *) * (size_t)np);
    int *optional = np <= ON_STACK ? optional_s : rbk_xmalloc(sizeof(int) * (size_t)np);
    rbk_node *params = f->decl->a;
    for (int i = 0; i < np; i++) {
        names[i] = params->list.items[i]->str;
        optional[i] = params->list.items[i]->a != NULL;
    }
    callsig cs = {NULL, NULL, f};
    bind_args(S, n, f->name, np, names, optional, NULL, &cs);
    if (names != names_s) free(names);
    if (optional != optional_s) free(optional);
}

static rbk_ctype *call(sema *S, rbk_node *n) {
    rbk_node *callee = n->a, *receiver = NULL;
    rbk_sym *cy = callee_sym(S, callee);
    int fi = fn_index_of(S, callee, cy);
    if (fi >= 0) {
        rbk_fninfo *f = &S->c->fns[fi];
        n->aux = RBK_CALL_FN;
        n->slot = fi;
        bind_user_call(S, n, f);
        for (int i = 0; i < n->list2.n; i++)
            if (n->list2.items[i]) expr(S, n->list2.items[i]);
        if (S->fx) sema_fn_add_call(S->c, S->fx->fn, fi, n);
        n->d = callee; /* keep for recursion diagnostics */
        return T(TY_ANY);
    }
    int id = builtin_of(callee, cy, &receiver);
    if (id >= 0) return call_builtin(S, n, id, NULL);
    if (callee->kind == N_FIELD && callee->a->kind == N_IDENT && is_namespace(callee->a->str)) {
        rbk_sym *y = cy;
        if (!y || y->kind == SYM_MODULE) {
            field(S, callee); /* reports "`file` has no function `exist`" with a hint */
            for (int i = 0; i < n->list.n; i++) expr(S, rbk_arg_value(n->list.items[i]));
            return T(TY_ANY);
        }
    }
    if (callee->kind == N_FIELD && callee->a->kind == N_IDENT && cy && cy->kind == SYM_MODULE &&
        !scope_find(&S->c->module_scopes[cy->index], callee->str)) {
        field(S, callee); /* not a fn of the module: "module `pg` has no member `bakup`" with a hint */
        for (int i = 0; i < n->list.n; i++) expr(S, rbk_arg_value(n->list.items[i]));
        return T(TY_ANY);
    }
    if (callee->kind == N_FIELD) {
        /* a method: x.f(args) — a handle method when the receiver is a handle (or unknown and
         * exactly one handle module has f), else a map method (get) at run time */
        rbk_ctype *rt = expr(S, callee->a);
        if (rt->kind == TY_HANDLE || rt->kind == TY_ANY) {
            int mid = sema_builtin_dotted(rt->kind == TY_HANDLE ? rt->handle : "sql", callee->str);
            if (mid >= 0) {
                const rbk_builtin *bi = rbk_builtin_get(mid);
                if (bi->nparams > 0 && !strncmp(bi->params[0].type, "handle:", 7)) {
                    callee->a->type = rt;
                    return call_builtin(S, n, mid, callee->a);
                }
            }
            if (rt->kind == TY_HANDLE) {
                rbk_diag *d = ERR(callee, "a %s has no method `%s`", rbk_type_str(rt), callee->str);
                const char *cands[64];
                int k = dotted_names(rt->handle, 1, cands, 64);
                const char *best = rbk_diag_dropped(d) ? NULL : rbk_closest(callee->str, cands, k);
                if (best) rbk_diag_hint(d, "did you mean `%s`?", best);
                else if (k) {
                    rbk_sbuf b = RBK_SBUF_INIT;
                    for (int i = 0; i < k; i++) rbk_sbuf_printf(&b, "%s`%s`", i ? ", " : "", cands[i]);
                    rbk_diag_hint(d, "its methods are %s", rbk_sbuf_cstr(&b));
                    rbk_sbuf_free(&b);
                }
                return T(TY_ANY);
            }
        }
        if (!strcmp(callee->str, "get") && (is_mapish(rt) || rt->kind == TY_ANY)) {
            n->aux = RBK_CALL_METHOD;
            for (int i = 0; i < n->list.n; i++) {
                if (rbk_arg_name(n->list.items[i])) ERR(n->list.items[i], "named arguments are not accepted by `get`");
                expr(S, rbk_arg_value(n->list.items[i]));
            }
            if (n->list.n < 1 || n->list.n > 2) ERR(n, "`get` takes a key and an optional default");
            return T(TY_ANY);
        }
        if (known(rt)) {
            ERR(callee, "a %s has no method `%s`", rbk_type_str(rt), callee->str);
            return T(TY_ANY);
        }
        n->aux = RBK_CALL_METHOD;
        for (int i = 0; i < n->list.n; i++) expr(S, rbk_arg_value(n->list.items[i]));
        return T(TY_ANY);
    }
    /* calling a value (a function held in a variable) */
    rbk_ctype *ct = expr(S, callee);
    if (known(ct) && ct->kind != TY_FUNC) ERR(callee, "a %s cannot be called", rbk_type_str(ct));
    for (int i = 0; i < n->list.n; i++) {
        if (rbk_arg_name(n->list.items[i])) ERR(n->list.items[i], "named arguments need a function known by name");
        expr(S, rbk_arg_value(n->list.items[i]));
    }
    n->aux = RBK_CALL_VALUE;
    return T(TY_ANY);
}

static rbk_ctype *ident(sema *S, rbk_node *n) {
    rbk_sym *y = lookup(S, n->str);
    if (!y) {
        if (!strcmp(n->str, "env")) { ERR(n, "`env` is read as env.NAME or env.get(\"NAME\")"); return T(TY_ANY); }
        int bi = rbk_builtin_find(n->str);
        if (bi >= 0) {
            rbk_diag *d = ERR(n, "`%s` is a builtin function, not a value", n->str);
            rbk_diag_hint(d, "call it: %s(...)", n->str);
            n->sym = NULL; n->slot = bi; n->aux = RBK_IDENT_BUILTIN;
            return T(TY_FUNC);
        }
        if (is_namespace(n->str)) { ERR(n, "`%s` is a module of builtins: call one of its functions, e.g. %s.get(...)", n->str, n->str); return T(TY_ANY); }
        rbk_diag *d = ERR(n, "unknown name `%s`", n->str);
        if (rbk_diag_dropped(d)) return T(TY_ANY); /* 100,000 unknown names took 16 s of hints nobody sees */
        /* suggestions: names in scope */
        const char *cands[256];
        int k = 0;
        for (scope *s = S->sc; s && k < 250; s = s->parent)
            for (int i = 0; i < s->n && k < 250; i++) cands[k++] = s->syms[i]->name;
        const char *best = rbk_closest(n->str, cands, k);
        if (best) rbk_diag_hint(d, "did you mean `%s`?", best);
        return T(TY_ANY);
    }
    y->used = 1;
    n->sym = y;
    if (y->kind == SYM_GLOBAL && y->decl && !y->is_param && S->fx && (S->fx->is_main || S->fx->step) &&
        y->decl->file == n->file && y->decl->off > n->off && y->index >= 0 && S->module < 0) {
        rbk_diag *d = ERR(n, "`%s` is used before its declaration", n->str);
        rbk_diag_hint(d, "top-level code and steps run in source order; move the `let` above this use");
    }
    if (y->kind == SYM_MODULE) { ERR(n, "`%s` is a module: use one of its members, e.g. %s.name(...)", n->str, n->str); return T(TY_ANY); }
    if (y->kind == SYM_FN) {
        rbk_diag *d = ERR(n, "`%s` is a function, not a value (functions cannot be stored or passed)", n->str);
        rbk_diag_hint(d, "call it: %s(...)", n->str);
        return T(TY_FUNC);
    }
    return y->type;
}

/* `env.NAME` (o is `env`, not a variable). Out of line, as are the other leaves of field() and
 * call() that keep arrays on the stack: field() and call() recurse once per link of a chain,
 * and their frames are what bounds RBK_MAX_EXPR_DEPTH (compiler/ast.h). */
static __attribute__((noinline)) rbk_ctype *env_field(sema *S, rbk_node *n) {
    int i = sema_env_find(S->c, n->str);
    if (i >= 0 && !(S->c->envs[i]->flags & RBK_NF_HOSTS)) {
        rbk_node *e = S->c->envs[i];
        e->aux |= RBK_ENV_USED;
        n->slot = i;
        n->aux = RBK_FIELD_ENV;
        note_effect(S, 1, n);
        return (e->flags & RBK_NF_OPTIONAL) ? T(TY_ANY) : T(TY_STRING);
    }
    rbk_diag *d = ERR(n, "environment variable `%s` is not declared", n->str);
    if (rbk_diag_dropped(d)) return T(TY_ANY);
    const char *cands[128];
    int k = 0;
    for (int i = 0; i < S->c->nenvs && k < 128; i++) cands[k++] = S->c->envs[i]->str;
    const char *best = rbk_closest(n->str, cands, k);
    if (best) rbk_diag_hint(d, "did you mean `%s`? (or declare it: env %s)", best, n->str);
    else rbk_diag_hint(d, "declare it at the top: env %s", n->str);
    return T(TY_ANY);
}
/* `hosts.NAME` (o is `hosts`, not a variable): the hosts of inventory group NAME, declared by
 * `hosts NAME` (docs/fleet.md). Read from the env table: a group is an env entry with
 * RBK_NF_HOSTS, which the preflight fills with the group's host values. */
static __attribute__((noinline)) rbk_ctype *hosts_field(sema *S, rbk_node *n) {
    int i = sema_env_find(S->c, n->str);
    if (i >= 0 && (S->c->envs[i]->flags & RBK_NF_HOSTS)) {
        S->c->envs[i]->aux |= RBK_ENV_USED;
        n->slot = i;
        n->aux = RBK_FIELD_ENV;
        note_effect(S, 1, n);
        return T(TY_LIST);
    }
    rbk_diag *d = ERR(n, "hosts group `%s` is not declared", n->str);
    if (rbk_diag_dropped(d)) return T(TY_ANY);
    const char *cands[128];
    int k = 0;
    for (int j = 0; j < S->c->nenvs && k < 128; j++)
        if (S->c->envs[j]->flags & RBK_NF_HOSTS) cands[k++] = S->c->envs[j]->str;
    const char *best = rbk_closest(n->str, cands, k);
    if (best) rbk_diag_hint(d, "did you mean `%s`? (or declare it: hosts %s)", best, n->str);
    else rbk_diag_hint(d, "declare the inventory groups the runbook uses at the top: hosts %s", n->str);
    return T(TY_ANY);
}
/* `http.get` used as a value (o names a module of builtins). */
static __attribute__((noinline)) rbk_ctype *namespace_field(sema *S, rbk_node *n) {
    rbk_node *o = n->a;
    int id = sema_builtin_dotted(o->str, n->str);
    if (id < 0) {
        rbk_diag *d = ERR(n, "`%s` has no function `%s`", o->str, n->str);
        const char *cands[64];
        int k = dotted_names(o->str, 0, cands, 64);
        const char *best = rbk_closest(n->str, cands, k);
        if (best) rbk_diag_hint(d, "did you mean `%s.%s`?", o->str, best);
    }
    if (id >= 0) ERR(n, "`%s.%s` is a builtin function, not a value; call it", o->str, n->str);
    n->aux = RBK_FIELD_BUILTIN;
    n->slot = id;
    return T(TY_FUNC);
}

static rbk_ctype *field(sema *S, rbk_node *n) {
    rbk_node *o = n->a;
    if (o->kind == N_IDENT && !lookup(S, o->str)) {
        if (!strcmp(o->str, "env")) return env_field(S, n);
        if (!strcmp(o->str, "hosts")) return hosts_field(S, n);
        if (is_namespace(o->str)) return namespace_field(S, n);
    }
    if (o->kind == N_IDENT) {
        rbk_sym *m = lookup(S, o->str);
        if (m && m->kind == SYM_MODULE) {
            m->used = 1;
            rbk_sym *y = scope_find(&S->c->module_scopes[m->index], n->str);
            if (!y && is_namespace(o->str)) {
                int id = sema_builtin_dotted(o->str, n->str);
                if (id >= 0) {
                    ERR(n, "`%s.%s` is a builtin function, not a value; call it", o->str, n->str);
                    n->aux = RBK_FIELD_BUILTIN; n->slot = id; return T(TY_FUNC);
                }
            }
            if (!y) {
                rbk_diag *d = ERR(n, "module `%s` has no member `%s`", o->str, n->str);
                if (rbk_diag_dropped(d)) return T(TY_ANY);
                /* its fns and lets, and the builtins of the same name's module (`use "std/http"`) */
                const scope *ms = &S->c->module_scopes[m->index];
                enum { MAX = 256 };
                const char *cands[MAX];
                int k = is_namespace(o->str) ? dotted_names(o->str, 0, cands, MAX / 2) : 0;
                for (int i = 0; i < ms->n && k < MAX; i++) cands[k++] = ms->syms[i]->name;
                const char *best = rbk_closest(n->str, cands, k);
                if (best) rbk_diag_hint(d, "did you mean `%s.%s`?", o->str, best);
                return T(TY_ANY);
            }
            y->used = 1;
            n->sym = y;
            n->aux = RBK_FIELD_MODULE;
            if (y->kind == SYM_FN) ERR(n, "`%s.%s` is a function, not a value; call it", o->str, n->str);
            return y->kind == SYM_FN ? T(TY_FUNC) : y->type;
        }
    }
    rbk_ctype *t = expr(S, o);
    if (t->kind == TY_RECORD) {
        int f = sema_record_field(t, n->str);
        if (f >= 0) return t->ftypes[f];
        rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_ERROR, "check", n->file, rbk_field_name_off(n),
                                   n->end, "this map has no field `%s`", n->str);
        if (rbk_diag_dropped(d)) return T(TY_ANY);
        const char *best = rbk_closest(n->str, t->fnames, t->nfields);
        if (best) rbk_diag_hint(d, "did you mean `%s`?", best);
        else {
            rbk_sbuf b = RBK_SBUF_INIT;
            enum { SHOWN = 16 }; /* a map of 100,000 keys is not one hint line */
            for (int i = 0; i < t->nfields && i < SHOWN; i++) rbk_sbuf_printf(&b, "%s%s", i ? ", " : "", t->fnames[i]);
            if (t->nfields > SHOWN) rbk_sbuf_printf(&b, ", ... (%d in all)", t->nfields);
            rbk_diag_hint(d, "its fields are %s", b.data ? b.data : "none");
            rbk_sbuf_free(&b);
        }
        return T(TY_ANY);
    }
    if (known(t) && t->kind != TY_MAP) {
        ERR(n, "a %s has no fields (`.%s`)", rbk_type_str(t), n->str);
    }
    n->aux = RBK_FIELD_MAP;
    return T(TY_ANY);
}

/* The type of map a + map b: when both fields are known, a's fields with b's types where b has
 * them too, then b's other fields (as the merge orders its keys); else a map. */
static rbk_ctype *merged_type(sema *S, rbk_ctype *a, rbk_ctype *b) {
    if (a->kind != TY_RECORD || b->kind != TY_RECORD) return T(TY_MAP);
    int cap = a->nfields + b->nfields;
    rbk_ctype *r = rbk_arena_alloc(S->c->arena, sizeof *r);
    r->kind = TY_RECORD;
    r->fnames = rbk_arena_alloc(S->c->arena, sizeof(char *) * (size_t)(cap + 1));
    r->ftypes = rbk_arena_alloc(S->c->arena, sizeof(rbk_ctype *) * (size_t)(cap + 1));
    for (int i = 0; i < a->nfields; i++) {
        int j = sema_record_field(b, a->fnames[i]);
        sema_record_add(S->c, r, cap, a->fnames[i], j >= 0 ? b->ftypes[j] : a->ftypes[i]);
    }
    for (int j = 0; j < b->nfields; j++)
        if (sema_record_field(a, b->fnames[j]) < 0) sema_record_add(S->c, r, cap, b->fnames[j], b->ftypes[j]);
    return r;
}

static rbk_ctype *binary(sema *S, rbk_node *n) {
    rbk_ctype *a = expr(S, n->a), *b = expr(S, n->b);
    int op = n->op;
    static const char *const opname[] = {"", "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "contains", "matches", "in"};
    if (op == OP_EQ || op == OP_NE) {
        if (known(a) && known(b) && a->kind != TY_NIL && b->kind != TY_NIL && !(numeric(a) && numeric(b)) &&
            !(is_mapish(a) && is_mapish(b)) && a->kind != b->kind) {
            rbk_diag *d = ERR(n, "`%s` compares %s with %s: it is always %s", opname[op], rbk_type_str(a), rbk_type_str(b),
                              op == OP_EQ ? "false" : "true");
            if (a->kind == TY_INT && b->kind == TY_STRING && n->b->kind == N_STRING)
                rbk_diag_hint(d, "compare with the number: %.*s", (int)n->b->slen, n->b->str);
            else if (a->kind == TY_STRING && b->kind == TY_INT)
                rbk_diag_hint(d, "convert one side: int(...) or str(...)");
            else if ((a->kind == TY_TIME && b->kind == TY_STRING) || (a->kind == TY_STRING && b->kind == TY_TIME))
                rbk_diag_hint(d, "read the text with time.parse(...), or compare the time's text: str(t)");
        }
        return T(TY_BOOL);
    }
    if (op >= OP_LT && op <= OP_GE) {
        int ok = !known(a) || !known(b) || (numeric(a) && numeric(b)) ||
                 (a->kind == b->kind && (a->kind == TY_STRING || a->kind == TY_DURATION || a->kind == TY_TIME));
        if (!ok) ERR(n, "`%s` cannot order %s and %s", opname[op], rbk_type_str(a), rbk_type_str(b));
        return T(TY_BOOL);
    }
    if (op == OP_CONTAINS || op == OP_IN) {
        rbk_ctype *cont = op == OP_CONTAINS ? a : b, *elem = op == OP_CONTAINS ? b : a;
        if (known(cont) && cont->kind != TY_STRING && cont->kind != TY_LIST && !is_mapish(cont))
            ERR(n, "`%s` needs a string, list or map, not %s", opname[op], rbk_type_str(cont));
        else if (known(cont) && (cont->kind == TY_STRING || is_mapish(cont)) && known(elem) && elem->kind != TY_STRING)
            ERR(n, "`%s` on a %s needs a string, not %s", opname[op], rbk_type_str(cont), rbk_type_str(elem));
        return T(TY_BOOL);
    }
    if (op == OP_MATCHES) {
        if (known(a) && a->kind != TY_STRING) ERR(n->a, "`matches` needs a string on the left, not %s", rbk_type_str(a));
        if (known(b) && b->kind != TY_STRING) ERR(n->b, "`matches` needs a pattern string on the right, not %s", rbk_type_str(b));
        if (n->b->kind == N_INTERP) sema_literal_holes(S, n->b, 'R');
        return T(TY_BOOL);
    }
    /* arithmetic */
    if (!known(a) || !known(b)) {
        if (op == OP_ADD && (a->kind == TY_STRING || b->kind == TY_STRING)) return T(TY_ANY);
        return T(TY_ANY);
    }
    if (numeric(a) && numeric(b)) {
        if (op == OP_MOD && (a->kind != TY_INT || b->kind != TY_INT)) ERR(n, "`%%` needs ints");
        return (a->kind == TY_FLOAT || b->kind == TY_FLOAT) ? T(TY_FLOAT) : T(TY_INT);
    }
    if (a->kind == TY_DURATION && b->kind == TY_DURATION && (op == OP_ADD || op == OP_SUB)) return T(TY_DURATION);
    if (a->kind == TY_DURATION && b->kind == TY_DURATION && op == OP_DIV) return T(TY_FLOAT);
    if (((a->kind == TY_DURATION && numeric(b)) || (numeric(a) && b->kind == TY_DURATION)) && op == OP_MUL) return T(TY_DURATION);
    if (a->kind == TY_DURATION && numeric(b) && op == OP_DIV) return T(TY_DURATION);
    if (a->kind == TY_TIME && b->kind == TY_TIME && op == OP_SUB) return T(TY_DURATION);
    if (((a->kind == TY_TIME && b->kind == TY_DURATION) && (op == OP_ADD || op == OP_SUB)) ||
        (a->kind == TY_DURATION && b->kind == TY_TIME && op == OP_ADD)) return T(TY_TIME);
    if (op == OP_ADD && a->kind == TY_STRING && b->kind == TY_STRING) return T(TY_STRING);
    if (op == OP_ADD && a->kind == TY_LIST && b->kind == TY_LIST) return T(TY_LIST);
    if (op == OP_ADD && is_mapish(a) && is_mapish(b)) return merged_type(S, a, b);
    rbk_diag *d = ERR(n, "`%s` cannot combine %s and %s", opname[op], rbk_type_str(a), rbk_type_str(b));
    if (op == OP_ADD && (a->kind == TY_STRING || b->kind == TY_STRING))
        rbk_diag_hint(d, "convert with str(...), or interpolate: \"...{x}...\"");
    else if (a->kind == TY_TIME || b->kind == TY_TIME)
        rbk_diag_hint(d, "a time takes a duration: t + 5m, t - 1h; t2 - t1 is the duration between two times");
    return T(TY_ANY);
}

static rbk_ctype *expr(sema *S, rbk_node *n) {
    rbk_ctype *t = T(TY_ANY);
    switch (n->kind) {
    case N_NIL: t = T(TY_NIL); break;
    case N_BOOL: t = T(TY_BOOL); break;
    case N_INT: t = T(TY_INT); break;
    case N_FLOAT: t = T(TY_FLOAT); break;
    case N_DURATION: t = T(TY_DURATION); break;
    case N_STRING: t = T(TY_STRING); break;
    case N_INTERP:
        for (int i = 0; i < n->list.n; i++) {
            rbk_node *p = n->list.items[i];
            if (p->kind != N_INTERP_PART) continue;
            expr(S, p->a);
            if (p->b && strcmp(p->b->str, "raw") && strcmp(p->b->str, "ident")) {
                rbk_diag *d = ERR(p->b, "unknown interpolation format `%s`", p->b->str);
                rbk_diag_hint(d, "the formats are {x:raw} (no quoting) and {x:ident} (an SQL identifier)");
            }
        }
        t = T(TY_STRING);
        break;
    case N_IDENT: t = ident(S, n); break;
    case N_LIST:
        for (int i = 0; i < n->list.n; i++) expr(S, n->list.items[i]);
        t = T(TY_LIST);
        break;
    case N_MAP: {
        rbk_ctype *r = rbk_arena_alloc(S->c->arena, sizeof *r);
        r->kind = TY_RECORD;
        r->fnames = rbk_arena_alloc(S->c->arena, sizeof(char *) * (size_t)(n->list.n + 1));
        r->ftypes = rbk_arena_alloc(S->c->arena, sizeof(rbk_ctype *) * (size_t)(n->list.n + 1));
        int dynamic = 0;
        for (int i = 0; i < n->list.n; i++) {
            rbk_node *e = n->list.items[i];
            const char *key = e->str;
            if (e->a) {
                expr(S, e->a);
                if (e->a->kind == N_STRING) key = e->a->str;
                else dynamic = 1;
            }
            rbk_ctype *vt = expr(S, e->b);
            if (key && sema_record_add(S->c, r, n->list.n, key, vt)) ERR(e, "key `%s` appears twice in this map", key);
        }
        t = dynamic ? T(TY_MAP) : r;
        break;
    }
    case N_UNARY: {
        rbk_ctype *a = expr(S, n->a);
        if (known(a) && !numeric(a) && a->kind != TY_DURATION) ERR(n, "`-` needs a number or duration, not %s", rbk_type_str(a));
        t = known(a) ? a : T(TY_ANY);
        break;
    }
    case N_NOT: sema_check_cond(S, n->a, expr(S, n->a), "the operand of `not`"); t = T(TY_BOOL); break;
    case N_AND:
    case N_OR:
        sema_check_cond(S, n->a, expr(S, n->a), n->kind == N_AND ? "each side of `and`" : "each side of `or`");
        sema_check_cond(S, n->b, expr(S, n->b), n->kind == N_AND ? "each side of `and`" : "each side of `or`");
        t = T(TY_BOOL);
        break;
    case N_BINARY: t = binary(S, n); break;
    case N_RANGE: {
        rbk_ctype *a = expr(S, n->a), *b = expr(S, n->b);
        if (known(a) && a->kind != TY_INT) ERR(n->a, "a range needs ints, not %s", rbk_type_str(a));
        if (known(b) && b->kind != TY_INT) ERR(n->b, "a range needs ints, not %s", rbk_type_str(b));
        t = T(TY_LIST);
        break;
    }
    case N_FIELD: t = field(S, n); break;
    case N_INDEX: {
        rbk_ctype *o = expr(S, n->a), *i = expr(S, n->b);
        if (known(o) && o->kind != TY_LIST && o->kind != TY_STRING && !is_mapish(o))
            ERR(n, "a %s cannot be indexed", rbk_type_str(o));
        else if (known(o) && (o->kind == TY_LIST || o->kind == TY_STRING) && known(i) && i->kind != TY_INT)
            ERR(n->b, "a %s index must be an int, not %s", rbk_type_str(o), rbk_type_str(i));
        else if (known(o) && is_mapish(o) && known(i) && i->kind != TY_STRING)
            ERR(n->b, "a map key must be a string, not %s", rbk_type_str(i));
        t = (known(o) && o->kind == TY_STRING) ? T(TY_STRING) : T(TY_ANY);
        if (o->kind == TY_RECORD && n->b->kind == N_STRING && sema_record_field(o, n->b->str) >= 0)
            t = o->ftypes[sema_record_field(o, n->b->str)];
        break;
    }
    case N_CALL: t = call(S, n); break;
    case N_ERROR: break; /* refused by the parser, which reported it: any type, nothing more to say */
    default: ERR(n, "internal: unexpected %s in an expression", rbk_node_kind_name(n->kind)); break;
    }
    n->type = t;
    if (S->tracing && rbk_traced(n)) S->ntraced++; /* this walk evaluates what codegen does, once each */
    return t;
}

rbk_ctype *sema_expr(sema *S, rbk_node *n) { return expr(S, n); }

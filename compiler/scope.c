/* compiler/scope.c — the checker's names: block scopes (a bloom word and, for a large scope, a
 * hash index: the lookups themselves are inline in sema_int.h), symbols, local slots, the
 * tables of functions, globals and env names of the compilation.
 * Part of the checker (sema_int.h). */
#include <stdlib.h>
#include <string.h>
#include "sema_int.h"

/* Enters s->syms[i] in the index; a later symbol of the same name replaces the earlier one. */
static void index_put(scope *s, int i) {
    uint32_t h = s->hashes[i];
    uint32_t j = h & (uint32_t)(s->index_cap - 1);
    for (; s->index[j]; j = (j + 1) & (uint32_t)(s->index_cap - 1)) {
        int k = s->index[j] - 1;
        if (s->hashes[k] == h && !strcmp(s->syms[k]->name, s->syms[i]->name)) break;
    }
    s->index[j] = i + 1;
}
void sema_scope_add(rbk_compiler *c, scope *s, rbk_sym *sym) {
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 8;
        rbk_sym **n = rbk_arena_alloc(c->arena, sizeof(rbk_sym *) * (size_t)cap);
        uint32_t *h = rbk_arena_alloc(c->arena, sizeof(uint32_t) * (size_t)cap);
        if (s->n) {
            memcpy(n, s->syms, sizeof(rbk_sym *) * (size_t)s->n);
            memcpy(h, s->hashes, sizeof(uint32_t) * (size_t)s->n);
        }
        s->syms = n;
        s->hashes = h;
        s->cap = cap;
    }
    uint32_t h = name_hash(sym->name);
    s->hashes[s->n] = h;
    s->syms[s->n++] = sym;
    s->bloom |= bloom_bit(h);
    if (s->n > SCOPE_INDEX_MIN && s->n * 2 > s->index_cap) {
        s->index_cap = s->index_cap ? s->index_cap * 4 : 64;
        s->index = rbk_arena_alloc(c->arena, sizeof(int) * (size_t)s->index_cap);
        for (int i = 0; i < s->n; i++) index_put(s, i);
    } else if (s->index) {
        index_put(s, s->n - 1);
    }
}
rbk_sym *sema_sym_new(rbk_compiler *c, rbk_symkind k, const char *name, rbk_node *decl) {
    rbk_sym *s = rbk_arena_alloc(c->arena, sizeof *s);
    s->kind = k;
    s->name = name;
    s->decl = decl;
    s->type = T(TY_ANY);
    s->index = -1;
    return s;
}

void sema_scope_push(sema *S) {
    scope *s = rbk_arena_alloc(S->c->arena, sizeof *s);
    s->parent = S->sc;
    s->saved_slot = S->fx ? S->fx->next_slot : 0;
    S->sc = s;
}
void sema_scope_pop(sema *S) {
    scope *s = S->sc;
    for (int i = 0; i < s->n; i++) {
        rbk_sym *y = s->syms[i];
        if (y->kind == SYM_LOCAL && !y->used && y->name[0] != '_' && y->decl && !S->c->syntax_errors) {
            rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_WARNING, "unused", y->decl->file,
                                       (uint32_t)RBK_NAME_OFF(y->decl), (uint32_t)RBK_NAME_OFF(y->decl) + (uint32_t)strlen(y->name),
                                       "unused variable `%s`", y->name);
            rbk_diag_hint(d, "remove it, or name it `_%s` if it is unused on purpose", y->name);
        }
    }
    if (S->fx) S->fx->next_slot = s->saved_slot;
    S->sc = s->parent;
}
/* n local slots for what is declared at [off, end); a function has at most RBK_BC_MAX_LOCALS,
 * its parameters, variables and the two hidden slots of each `for`, `within` and `watch`
 * included (at the same time: a block's slots are reused after it). Past that the runbook is
 * refused here, at the declaration, once per function; the verifier would only have said that
 * the compiled code is wrong. */
int sema_slot_alloc(sema *S, int n, int file, uint32_t off, uint32_t end) {
    int s = S->fx->next_slot;
    S->fx->next_slot += n;
    if (S->fx->next_slot > S->fx->max_slot) S->fx->max_slot = S->fx->next_slot;
    if (S->fx->next_slot > RBK_BC_MAX_LOCALS && !S->fx->too_many_locals) {
        S->fx->too_many_locals = 1;
        rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_ERROR, "limit", file, off, end,
                                   "too many local variables in this function (limit %d)", RBK_BC_MAX_LOCALS);
        rbk_diag_hint(d, "each `for`, `within` and `watch` holds two more while it runs; move some of the code into a `fn`");
    }
    return s;
}
rbk_sym *sema_declare_local(sema *S, const char *name, rbk_node *decl, rbk_ctype *t) {
    rbk_sym *prev = scope_find(S->sc, name);
    if (prev && prev->kind == SYM_LOCAL) {
        rbk_diag *d = ERR(decl, "`%s` is already declared in this block", name);
        rbk_diag_hint(d, "to change its value, write `%s = ...` without `let`", name);
    }
    if (is_namespace(name) && strcmp(name, "env")) {
        rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_WARNING, "shadow", decl->file, (uint32_t)RBK_NAME_OFF(decl),
                                   (uint32_t)RBK_NAME_OFF(decl) + (uint32_t)strlen(name),
                                   "`%s` hides the builtin module %s in this block", name, name);
        rbk_diag_hint(d, "%s.f(...) calls will not reach the builtins here: pick another name", name);
    }
    rbk_sym *y = sema_sym_new(S->c, SYM_LOCAL, name, decl);
    y->index = sema_slot_alloc(S, 1, decl->file, (uint32_t)RBK_NAME_OFF(decl), (uint32_t)RBK_NAME_OFF(decl) + (uint32_t)strlen(name));
    y->type = t;
    y->fn_owner = S->fx->fn;
    sema_scope_add(S->c, S->sc, y);
    return y;
}

/* The builtin "ns.name" (e.g. http.get), or -1. */
int sema_builtin_dotted(const char *ns, const char *name) {
    char buf[96];
    size_t a = strlen(ns), b = strlen(name);
    if (a + b + 2 > sizeof buf) {
        rbk_sbuf sb = RBK_SBUF_INIT;
        rbk_sbuf_printf(&sb, "%s.%s", ns, name);
        int id = rbk_builtin_find(sb.data);
        rbk_sbuf_free(&sb);
        return id;
    }
    memcpy(buf, ns, a);
    buf[a] = '.';
    memcpy(buf + a + 1, name, b + 1);
    return rbk_builtin_find(buf);
}

int sema_fn_add(rbk_compiler *c, const char *name, rbk_node *decl, rbk_node *body, int module) {
    if (c->nfns == c->capfns) {
        c->capfns = c->capfns ? c->capfns * 2 : 16;
        c->fns = rbk_xrealloc(c->fns, sizeof(rbk_fninfo) * (size_t)c->capfns);
    }
    rbk_fninfo *f = &c->fns[c->nfns];
    memset(f, 0, sizeof *f);
    f->name = name;
    f->decl = decl;
    f->body = body;
    f->module = module;
    return c->nfns++;
}
void sema_fn_add_call(rbk_compiler *c, int from, int to, rbk_node *at) {
    rbk_fninfo *f = &c->fns[from];
    if (f->ncalls == f->capcalls) {
        f->capcalls = f->capcalls ? f->capcalls * 2 : 4;
        f->calls = rbk_xrealloc(f->calls, sizeof(int) * (size_t)f->capcalls);
        f->call_at = rbk_xrealloc(f->call_at, sizeof(rbk_node *) * (size_t)f->capcalls);
    }
    f->call_at[f->ncalls] = at;
    f->calls[f->ncalls++] = to;
}
int sema_global_add(rbk_compiler *c, rbk_sym *y) {
    if (c->nglobals == c->capglobals) {
        c->capglobals = c->capglobals ? c->capglobals * 2 : 16;
        c->globals = rbk_xrealloc(c->globals, sizeof(rbk_sym *) * (size_t)c->capglobals);
    }
    y->index = c->nglobals;
    c->globals[c->nglobals++] = y;
    return y->index;
}

/* The declared environment variable `name` (its position in c->envs), or -1; and its
 * declaration. A hash index over the names: 50,000 `env` names and reads took 7 s of scans. */
int sema_env_find(const rbk_compiler *c, const char *name) {
    if (!c->env_index) return -1;
    uint32_t m = (uint32_t)c->env_index_cap - 1;
    for (uint32_t j = name_hash(name) & m; c->env_index[j]; j = (j + 1) & m)
        if (!strcmp(c->envs[c->env_index[j] - 1]->str, name)) return c->env_index[j] - 1;
    return -1;
}
static void env_index_put(rbk_compiler *c, int i) {
    uint32_t m = (uint32_t)c->env_index_cap - 1, j = name_hash(c->envs[i]->str) & m;
    while (c->env_index[j]) j = (j + 1) & m;
    c->env_index[j] = i + 1;
}
void sema_env_add(rbk_compiler *c, rbk_node *e) {
    if (c->nenvs == c->capenvs) {
        c->capenvs = c->capenvs ? c->capenvs * 2 : 8;
        c->envs = rbk_xrealloc(c->envs, sizeof(rbk_node *) * (size_t)c->capenvs);
    }
    c->envs[c->nenvs++] = e;
    if (c->nenvs * 2 > c->env_index_cap) {
        free(c->env_index);
        c->env_index_cap = c->env_index_cap ? c->env_index_cap * 2 : 16;
        c->env_index = rbk_xcalloc((size_t)c->env_index_cap, sizeof(int));
        for (int i = 0; i < c->nenvs; i++) env_index_put(c, i);
    } else {
        env_index_put(c, c->nenvs - 1);
    }
}

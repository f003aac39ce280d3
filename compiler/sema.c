/* compiler/sema.c — the checker (LANGUAGE.md §10): name resolution with block scopes, local
 * slot assignment, types known from literals and builtin signatures, and the runbook rules
 * (guards only in steps, duplicate steps, recursion, rollback warnings, SQL without WHERE,
 * unused and unreachable code). Annotates nodes (sym, slot, type, list2 = bound arguments)
 * for compiler/codegen.c. Every message goes through compiler/diag.c.
 * Shares invariants with: codegen.c (slot layout, bound argument lists, hidden locals). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "../stdlib/builtins.h"
#include "../support/hash.h"
#include "compiler.h"
#include "holes.h"

/* ------------------------------------------------------------------ types */
static rbk_ctype basic_types[] = {
    {.kind = TY_ANY}, {.kind = TY_NIL}, {.kind = TY_BOOL}, {.kind = TY_INT}, {.kind = TY_FLOAT},
    {.kind = TY_DURATION}, {.kind = TY_STRING}, {.kind = TY_LIST}, {.kind = TY_MAP},
    {.kind = TY_FUNC}, {.kind = TY_HANDLE},
};
rbk_ctype *rbk_type_basic(rbk_tkind k) { return &basic_types[k]; }
#define T(k) (&basic_types[k])

const char *rbk_type_str(const rbk_ctype *t) {
    static const char *n[] = {"any", "nil", "bool", "int", "float", "duration", "string",
                              "list", "map", "function", "handle", "map"};
    if (t->kind == TY_HANDLE && t->handle) return !strcmp(t->handle, "sql") ? "sql connection" : t->handle;
    return n[t->kind];
}
static int known(const rbk_ctype *t) { return t && t->kind != TY_ANY; }
static int is_mapish(const rbk_ctype *t) { return t->kind == TY_MAP || t->kind == TY_RECORD; }
static int numeric(const rbk_ctype *t) { return t->kind == TY_INT || t->kind == TY_FLOAT; }

rbk_ctype *rbk_type_parse(rbk_compiler *c, const char *s) {
    while (*s == ' ') s++;
    if (*s == '{') {
        rbk_ctype *t = rbk_arena_alloc(c->arena, sizeof *t);
        t->kind = TY_RECORD;
        const char *names[16];
        rbk_ctype *types[16];
        int n = 0;
        const char *p = s + 1;
        while (*p && *p != '}' && n < 16) {
            while (*p == ' ' || *p == ',') p++;
            const char *ns = p;
            while (*p && *p != ':') p++;
            names[n] = rbk_arena_strndup(c->arena, ns, (size_t)(p - ns));
            if (*p) p++;
            const char *ts = p;
            while (*p && *p != ',' && *p != '}') p++;
            char *tt = rbk_arena_strndup(c->arena, ts, (size_t)(p - ts));
            types[n] = rbk_type_parse(c, tt);
            n++;
        }
        t->nfields = n;
        t->fnames = rbk_arena_alloc(c->arena, sizeof(char *) * (size_t)n);
        t->ftypes = rbk_arena_alloc(c->arena, sizeof(rbk_ctype *) * (size_t)n);
        memcpy(t->fnames, names, sizeof(char *) * (size_t)n);
        memcpy(t->ftypes, types, sizeof(rbk_ctype *) * (size_t)n);
        return t;
    }
    if (strchr(s, '|')) return T(TY_ANY);
    if (!strncmp(s, "handle:", 7)) {
        rbk_ctype *t = rbk_arena_alloc(c->arena, sizeof *t);
        t->kind = TY_HANDLE;
        t->handle = rbk_arena_strndup(c->arena, s + 7, strlen(s + 7));
        return t;
    }
    static const struct { const char *n; rbk_tkind k; } m[] = {
        {"any", TY_ANY}, {"nil", TY_NIL}, {"bool", TY_BOOL}, {"int", TY_INT}, {"float", TY_FLOAT},
        {"number", TY_ANY}, {"duration", TY_DURATION}, {"string", TY_STRING}, {"list", TY_LIST},
        {"map", TY_MAP}, {"func", TY_FUNC}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (!strcmp(m[i].n, s)) return T(m[i].k);
    return T(TY_ANY);
}
/* Does a value of type t fit a parameter declared as spec ("string|list", "number", ...)? */
static int type_fits(const rbk_ctype *t, const char *spec) {
    if (!known(t) || t->kind == TY_NIL) return 1; /* nil means "omitted" for optionals */
    char buf[64];
    size_t n = strlen(spec);
    if (n >= sizeof buf) return 1;
    memcpy(buf, spec, n + 1);
    for (char *tok = strtok(buf, "|"); tok; tok = strtok(NULL, "|")) {
        if (!strcmp(tok, "any")) return 1;
        if (!strcmp(tok, "number") && numeric(t)) return 1;
        if (!strcmp(tok, "float") && numeric(t)) return 1;
        if (!strcmp(tok, "map") && is_mapish(t)) return 1;
        if (!strncmp(tok, "handle:", 7) && t->kind == TY_HANDLE) return 1;
        if (!strcmp(tok, rbk_type_str(t))) return 1;
        if (!strcmp(tok, "func") && t->kind == TY_FUNC) return 1;
    }
    return 0;
}

/* The kinds a builtins.def type spec accepts, as a bit set over rbk_tkind: type_fits() for
 * every kind but TY_HANDLE (whose match depends on the handle's name), computed once per
 * parameter instead of tokenizing the spec at every call. */
static unsigned spec_mask(const char *spec) {
    if (strlen(spec) >= 64) return ~0u; /* type_fits accepts anything it cannot copy */
    unsigned m = 0;
    for (const char *p = spec; *p;) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        for (int k = TY_BOOL; k <= TY_RECORD; k++) {
            if (k == TY_HANDLE) continue;
            rbk_ctype t = {.kind = (rbk_tkind)k};
            const char *name = rbk_type_str(&t);
            if (n == strlen(name) && !memcmp(p, name, n)) m |= 1u << k;
        }
#define TOK(w) (n == sizeof(w) - 1 && !memcmp(p, w, n))
        if (TOK("any")) m = ~0u;
        if (TOK("number") || TOK("float")) m |= 1u << TY_INT | 1u << TY_FLOAT;
        if (TOK("map")) m |= 1u << TY_MAP | 1u << TY_RECORD;
        if (TOK("func")) m |= 1u << TY_FUNC;
#undef TOK
        p += n;
        while (*p == '|') p++;
    }
    return m;
}

/* ------------------------------------------------------------------ scopes */
/* A block's names. Lookups hash the name once (name_hash) and skip every scope whose bloom
 * word lacks the name's bit; a scope with more than SCOPE_INDEX_MIN names (the top level of a
 * large runbook) also keeps an open-addressing index, so no lookup scans a long list. */
enum { SCOPE_INDEX_MIN = 8 };
typedef struct rbk_scope {
    struct rbk_scope *parent;
    rbk_sym **syms;
    uint32_t *hashes;  /* name_hash of each sym's name */
    int n, cap;
    int saved_slot;
    uint64_t bloom;
    int *index;        /* sym position + 1, by hash; NULL while the scope is small */
    int index_cap;
} scope;

typedef struct fnctx {
    int fn;           /* index in c->fns */
    int next_slot, max_slot;
    int in_step;      /* step body or rollback: guards allowed */
    int is_fn;        /* a `fn`: return allowed */
    int is_main;
    int module;       /* -1 root */
    rbk_stepinfo *step;
    int too_many_locals; /* reported once */
} fnctx;

typedef struct sema {
    rbk_compiler *c;
    scope *sc;        /* innermost */
    scope *globals;   /* root or module scope in effect */
    fnctx *fx;
    int module;       /* -1 root */
    /* per builtin, filled on its first call: the return type and each parameter's spec_mask */
    rbk_ctype *bi_ret[RBK_BI__COUNT];
    unsigned bi_fit[RBK_BI__COUNT][RBK_SIG_MAX];
    const char *pf, *pf_end; /* memory still to prefetch (prefetch_some) */
    int tracing;      /* checking an expectation's condition: count what it traces */
    uint32_t ntraced; /* the values it traces so far (rbk_traced, RBK_BC_MAX_TRACE) */
} sema;

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

static uint32_t name_hash(const char *s) { return rbk_fnv1a_str(s); }
static uint64_t bloom_bit(uint32_t h) { return 1ull << (h >> 26); }
/* The last symbol named `name` (hash h) declared in s, or NULL. */
static rbk_sym *scope_find_h(const scope *s, const char *name, uint32_t h) {
    if (!(s->bloom & bloom_bit(h))) return NULL;
    if (s->index) {
        for (uint32_t j = h & (uint32_t)(s->index_cap - 1); s->index[j]; j = (j + 1) & (uint32_t)(s->index_cap - 1)) {
            int i = s->index[j] - 1;
            if (s->hashes[i] == h && !strcmp(s->syms[i]->name, name)) return s->syms[i];
        }
        return NULL;
    }
    for (int i = s->n - 1; i >= 0; i--)
        if (s->hashes[i] == h && !strcmp(s->syms[i]->name, name)) return s->syms[i];
    return NULL;
}
static rbk_sym *scope_find(const scope *s, const char *name) { return scope_find_h(s, name, name_hash(name)); }
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
static void scope_add(rbk_compiler *c, scope *s, rbk_sym *sym) {
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
static rbk_sym *newsym(rbk_compiler *c, rbk_symkind k, const char *name, rbk_node *decl) {
    rbk_sym *s = rbk_arena_alloc(c->arena, sizeof *s);
    s->kind = k;
    s->name = name;
    s->decl = decl;
    s->type = T(TY_ANY);
    s->index = -1;
    return s;
}

#define ERR(node, ...) rbk_diag_add(S->c->diags, RBK_SEV_ERROR, "check", (node)->file, (node)->off, (node)->end, __VA_ARGS__)
#define WARN(rule, node, ...) rbk_diag_add(S->c->diags, RBK_SEV_WARNING, rule, (node)->file, (node)->off, (node)->end, __VA_ARGS__)

static void push_scope(sema *S) {
    scope *s = rbk_arena_alloc(S->c->arena, sizeof *s);
    s->parent = S->sc;
    s->saved_slot = S->fx ? S->fx->next_slot : 0;
    S->sc = s;
}
static void pop_scope(sema *S) {
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
static int alloc_slot(sema *S, int n, int file, uint32_t off, uint32_t end) {
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
static int is_namespace(const char *n);
static rbk_sym *declare_local(sema *S, const char *name, rbk_node *decl, rbk_ctype *t) {
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
    rbk_sym *y = newsym(S->c, SYM_LOCAL, name, decl);
    y->index = alloc_slot(S, 1, decl->file, (uint32_t)RBK_NAME_OFF(decl), (uint32_t)RBK_NAME_OFF(decl) + (uint32_t)strlen(name));
    y->type = t;
    y->fn_owner = S->fx->fn;
    scope_add(S->c, S->sc, y);
    return y;
}

static const char *const namespaces[] = {"http", "sql", "file", "json", "tcp", "env"};
static int is_namespace(const char *n) {
    switch (n[0]) { /* every namespace starts with one of these */
    case 'h': case 's': case 'f': case 'j': case 't': case 'e': break;
    default: return 0;
    }
    for (size_t i = 0; i < sizeof namespaces / sizeof namespaces[0]; i++)
        if (!strcmp(namespaces[i], n)) return 1;
    return 0;
}

static rbk_sym *lookup(sema *S, const char *name) {
    uint32_t h = name_hash(name);
    uint64_t bit = bloom_bit(h);
    for (scope *s = S->sc; s; s = s->parent) {
        if (!(s->bloom & bit)) continue; /* most scopes: no call */
        rbk_sym *y = scope_find_h(s, name, h);
        if (y) return y;
    }
    return NULL;
}
/* The builtin "ns.name" (e.g. http.get), or -1. */
static int builtin_dotted(const char *ns, const char *name) {
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

static int add_fn(rbk_compiler *c, const char *name, rbk_node *decl, rbk_node *body, int module) {
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
static void add_call(rbk_compiler *c, int from, int to, rbk_node *at) {
    rbk_fninfo *f = &c->fns[from];
    if (f->ncalls == f->capcalls) {
        f->capcalls = f->capcalls ? f->capcalls * 2 : 4;
        f->calls = rbk_xrealloc(f->calls, sizeof(int) * (size_t)f->capcalls);
        f->call_at = rbk_xrealloc(f->call_at, sizeof(rbk_node *) * (size_t)f->capcalls);
    }
    f->call_at[f->ncalls] = at;
    f->calls[f->ncalls++] = to;
}
static int add_global(rbk_compiler *c, rbk_sym *y) {
    if (c->nglobals == c->capglobals) {
        c->capglobals = c->capglobals ? c->capglobals * 2 : 16;
        c->globals = rbk_xrealloc(c->globals, sizeof(rbk_sym *) * (size_t)c->capglobals);
    }
    y->index = c->nglobals;
    c->globals[c->nglobals++] = y;
    return y->index;
}

/* ------------------------------------------------------------------ records */
/* A record (a map literal's type) of more fields than this keeps a hash index of them: a map
 * literal of 100,000 keys took 19 s of pairwise compares for its duplicate check, and every
 * field read was a scan of them all. */
enum { RECORD_INDEX_MIN = 8 };
/* The position of r's field `name` (the first, if it is written twice), or -1. */
static int record_field(const rbk_ctype *r, const char *name) {
    if (!r->index) {
        for (int i = 0; i < r->nfields; i++)
            if (!strcmp(r->fnames[i], name)) return i;
        return -1;
    }
    uint32_t m = (uint32_t)r->index_cap - 1;
    for (uint32_t j = name_hash(name) & m; r->index[j]; j = (j + 1) & m)
        if (!strcmp(r->fnames[r->index[j] - 1], name)) return r->index[j] - 1;
    return -1;
}
/* Enters r's field i in the index, unless a field of that name is there already. */
static void record_index_put(rbk_ctype *r, int i) {
    uint32_t m = (uint32_t)r->index_cap - 1, j = name_hash(r->fnames[i]) & m;
    for (; r->index[j]; j = (j + 1) & m)
        if (!strcmp(r->fnames[r->index[j] - 1], r->fnames[i])) return;
    r->index[j] = i + 1;
}
/* Appends a field to r, which has room for `capacity`; returns -1 when r had a field of that
 * name already (the new one is listed too, but found after the first), else 0. */
static int record_add(rbk_compiler *c, rbk_ctype *r, int capacity, const char *name, rbk_ctype *t) {
    int dup = record_field(r, name) >= 0;
    r->fnames[r->nfields] = name;
    r->ftypes[r->nfields++] = t;
    if (r->index) {
        record_index_put(r, r->nfields - 1);
    } else if (r->nfields > RECORD_INDEX_MIN) {
        for (r->index_cap = 16; r->index_cap < 2 * capacity; r->index_cap *= 2) {}
        r->index = rbk_arena_alloc(c->arena, sizeof(int) * (size_t)r->index_cap);
        for (int i = 0; i < r->nfields; i++) record_index_put(r, i);
    }
    return dup ? -1 : 0;
}

static rbk_ctype *expr(sema *S, rbk_node *n);
static rbk_ctype *field(sema *S, rbk_node *n);
static void block(sema *S, rbk_node *b, int new_scope);

static void check_cond(sema *S, rbk_node *n, rbk_ctype *t, const char *what) {
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
            return builtin_dotted(callee->a->str, callee->str);
    }
    return -1;
}

static void bind_error_unknown(sema *S, rbk_node *arg, const char *fname, const char *const *names, int n) {
    rbk_diag *d = ERR(arg, "`%s` has no parameter named `%s`", fname, arg->str);
    if (rbk_diag_dropped(d)) return; /* past the error limit: no hint to look for */
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
                     const int *optional, rbk_node *first) {
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
                (void)d;
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
            if (k < 0) { bind_error_unknown(S, arg, fname, names + (first ? 1 : 0), nparams - (first ? 1 : 0)); ok = 0; continue; }
            if (bound[k]) { ERR(arg, "`%s` is given twice", name); ok = 0; continue; }
            bound[k] = arg->a;
        }
    }
    for (int j = 0; j < nparams; j++) {
        if (!bound[j] && !optional[j]) {
            rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_ERROR, "check", call->file, call->off, call->end,
                                       "missing argument `%s` of `%s`", names[j], fname);
            (void)d;
            ok = 0;
        }
    }
    free(pidx);
    call->list2.items = bound;
    call->list2.n = nparams;
    call->list2.cap = nparams;
    return ok;
}

static int is_literal_string(rbk_node *n) { return n && (n->kind == N_STRING || n->kind == N_INTERP); }

/* DELETE or UPDATE without WHERE in an SQL literal (LANGUAGE.md §10), statement by statement
 * as compiler/holes.c reads them: a `;` or a WHERE in a string, a comment or a subquery does
 * not count. */
static void check_sql_literal(sema *S, rbk_node *q) {
    rbk_piece one = {q->str, q->slen}, *pieces = &one;
    unsigned char nofmt = 0, *fmt = &nofmt;
    rbk_node **parts = NULL;
    int n = 0;
    if (q->kind == N_INTERP) n = rbk_literal_split(q, &pieces, &fmt, &parts);
    else if (!one.s) one.s = "";
    rbk_holes h;
    rbk_sql_holes(&h, pieces, n, fmt);
    for (int i = 0; i < h.nstmts; i++)
        if (h.stmts[i].no_where) {
            rbk_diag *d = WARN("sql-no-where", q, "%s without WHERE changes every row of the table",
                               h.stmts[i].no_where == 'D' ? "DELETE" : "UPDATE");
            rbk_diag_hint(d, "add a WHERE clause, or `WHERE true` if every row is meant");
        }
    rbk_holes_free(&h);
    if (q->kind == N_INTERP) {
        free(pieces);
        free(fmt);
        free(parts);
    }
}

/* The span of a hole, from its `{` (RBK_HOLE_OFF, set by the parser) to its `}`. */
static void hole_span(sema *S, rbk_node *p, uint32_t *off, uint32_t *end) {
    const rbk_source *src = S->c->sources->items[p->file];
    uint32_t e = p->b ? p->b->end : p->a->end;
    while (e < src->len && (src->text[e] == ' ' || src->text[e] == '\t')) e++;
    if (e < src->len && src->text[e] == '}') e++;
    *off = (uint32_t)RBK_HOLE_OFF(p);
    *end = e > *off ? e : p->end;
}

/* Reports the refused holes of a command or query literal (compiler/holes.c), each at its
 * `{ ... }`: "`{x}` is inside ...", with the safe spelling as the hint. */
static void report_holes(sema *S, rbk_node **parts, const rbk_holes *h, const char *rule) {
    for (int k = 0; k < h->nholes; k++) {
        if (h->holes[k].ctx >= 0) continue;
        uint32_t off, end;
        hole_span(S, parts[k], &off, &end);
        const rbk_source *src = S->c->sources->items[parts[k]->file];
        int shown = end - off <= 40 && !memchr(src->text + off, '\n', end - off);
        rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_ERROR, rule, parts[k]->file, off, end, "`%.*s` %s",
                                   shown ? (int)(end - off) : 5, shown ? src->text + off : "{...}", h->holes[k].why);
        rbk_diag_hint(d, "%s", h->holes[k].hint);
    }
}

/* The holes of an interpolated literal that is code in another language, each reported at its
 * `{ ... }` where no quoting makes its value a literal there (compiler/holes.c decides):
 *   'S' a sh() command: each {expr} must stand where its quoting is correct (docs/shell.md
 *       "Quoting interpolated values"); {x:ident} is an SQL format that a command would not
 *       quote, an error of its own;
 *   'Q' an SQL query: a bind parameter or an {x:ident} only works in SQL code, not inside a
 *       string, a quoted identifier, dollar quotes or a comment (docs/sql.md);
 *   'U' an HTTP URL: {x:ident} is an SQL format, and a value right after a `%` would complete
 *       a percent-escape (docs/http.md "Values in URLs");
 *   'R' the pattern of `s matches "..."`: a value is matched as the text it holds, except where
 *       no escaping can make it a literal (docs/language.md "Values in patterns"). */
static void check_holes(sema *S, rbk_node *lit, char lang) {
    rbk_piece *pieces;
    unsigned char *fmt;
    rbk_node **parts;
    int n = rbk_literal_split(lit, &pieces, &fmt, &parts);
    rbk_holes h;
    const char *rule;
    switch (lang) {
    case 'S':
        for (int k = 0; k < n; k++)
            if (fmt[k] == RBK_HOLE_IDENT) {
                rbk_diag *d = ERR(parts[k]->b, "`{...:ident}` quotes an SQL identifier, not a shell word: in a command the value would not be shell-quoted");
                rbk_diag_hint(d, "write {x} (shell-quoted) or {x:raw} (shell code you vouch for)");
                fmt[k] = RBK_HOLE_QUOTED;
            }
        rbk_sh_holes(&h, pieces, n, fmt);
        rule = "sh-context";
        break;
    case 'Q': rbk_sql_holes(&h, pieces, n, fmt); rule = "sql-context"; break;
    case 'U': rbk_url_holes(&h, pieces, n, fmt); rule = "url-context"; break;
    default: rbk_re_holes(&h, pieces, n, fmt); rule = "regex-context"; break;
    }
    report_holes(S, parts, &h, rule);
    rbk_holes_free(&h);
    free(pieces);
    free(fmt);
    free(parts);
}

/* exec(["sh", "-c", "script {x}", ...]): the script is shell code, and exec quotes nothing,
 * so a value interpolated into it would be code. An error at the value unless it is {x:raw}
 * (docs/shell.md "exec"). */
static void check_exec_shell(sema *S, rbk_node *argv) {
    if (!argv || argv->kind != N_LIST || argv->list.n < 3) return;
    rbk_node *prog = argv->list.items[0];
    if (prog->kind != N_STRING) return;
    const char *base = strrchr(prog->str, '/');
    base = base ? base + 1 : prog->str;
    static const char *const shells[] = {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"};
    int shell = 0;
    for (size_t i = 0; i < sizeof shells / sizeof shells[0]; i++) shell |= !strcmp(base, shells[i]);
    if (!shell) return;
    for (int i = 1; i + 1 < argv->list.n; i++) {
        rbk_node *o = argv->list.items[i];
        if (o->kind != N_STRING || o->str[0] != '-' || !strchr(o->str, 'c') || strspn(o->str + 1, "abcefhiklmnpstuvxCEHPT") != o->slen - 1)
            continue;
        rbk_node *script = argv->list.items[i + 1];
        if (script->kind != N_INTERP) return;
        for (int k = 0; k < script->list.n; k++) {
            rbk_node *p = script->list.items[k];
            if (p->kind != N_INTERP_PART || (p->b && !strcmp(p->b->str, "raw"))) continue;
            uint32_t off, end;
            hole_span(S, p, &off, &end);
            rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_ERROR, "sh-context", p->file, off, end,
                                       "the script of `%s %s` is shell code, and exec quotes nothing: this value would be run as code",
                                       base, o->str);
            rbk_diag_hint(d, "pass it as a positional parameter, exec([\"%s\", \"%s\", \"cmd \\\"$1\\\"\", \"%s\", x]); or write "
                             "the command with sh(\"cmd {x}\"), which quotes it; or {x:raw} for shell code you vouch for",
                          prog->str, o->str, base);
        }
        return;
    }
}

static void note_effect(sema *S, int eff, rbk_node *at) {
    if (!S->fx) return;
    rbk_fninfo *f = &S->c->fns[S->fx->fn];
    f->effects |= eff;
    if ((eff & 4) && S->fx->is_main) ERR(at, "a gate (confirm/ask) can only be used inside a step");
}

static __attribute__((noinline)) void bind_builtin_call(sema *S, rbk_node *n, const rbk_builtin *b, rbk_node *receiver) {
    const char *names[RBK_SIG_MAX];
    int optional[RBK_SIG_MAX];
    for (int i = 0; i < b->nparams; i++) { names[i] = b->params[i].name; optional[i] = b->params[i].optional; }
    bind_args(S, n, b->name, b->nparams, names, optional, receiver);
}
static rbk_ctype *call_builtin(sema *S, rbk_node *n, int id, rbk_node *receiver) {
    const rbk_builtin *b = rbk_builtin_get(id);
    if (!S->bi_ret[id]) {
        S->bi_ret[id] = rbk_type_parse(S->c, b->ret);
        for (int i = 0; i < b->nparams; i++) S->bi_fit[id][i] = spec_mask(b->params[i].type);
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
                   (t->kind == TY_HANDLE ? type_fits(t, b->params[i].type) : (int)((S->bi_fit[id][i] >> t->kind) & 1));
        if (i == b->read_only_param && a->kind != N_BOOL) {
            /* the call's effect (rbk_call_effect) is decided here, before the run */
            rbk_diag *d = ERR(a, "`read_only` of `%s` must be written as `true` or `false`", b->name);
            rbk_diag_hint(d, "the checker, --dry-run and plan need the call's effect before the run; "
                             "to decide at run time, write two calls under an `if`");
        } else if (!fits) {
            rbk_diag *d = ERR(a, "argument `%s` of `%s` must be %s, but this is %s", b->params[i].name, b->name,
                              b->params[i].type, rbk_type_str(t));
            if (t->kind == TY_INT && !strcmp(b->params[i].type, "string")) rbk_diag_hint(d, "convert it with str(...)");
            if (t->kind == TY_INT && !strcmp(b->params[i].type, "duration")) rbk_diag_hint(d, "write a duration with its unit, e.g. 5s or 250ms");
        }
        if (b->params[i].interp == 'Q') {
            if (is_literal_string(a)) {
                check_sql_literal(S, a);
                if (a->kind == N_INTERP) check_holes(S, a, 'Q');
            }
            else {
                rbk_diag *d = WARN("sql-not-literal", a, "the query is not a string literal written in the call, so its values are not bind parameters");
                rbk_diag_hint(d, "write the query in the call: db.query(\"... WHERE id = {id}\")");
            }
        }
        if (b->params[i].interp == 'S' && a->kind == N_INTERP) check_holes(S, a, 'S');
        if (b->params[i].interp == 'U' && a->kind == N_INTERP) check_holes(S, a, 'U');
        if (id == RBK_BI_EXEC && i == 0) check_exec_shell(S, a);
        if (b->params[i].interp == 'S' && !is_literal_string(a)) {
            rbk_diag *d = WARN("sh-not-literal", a, "the command is not a string literal written in the call, so interpolated values are not shell-quoted");
            rbk_diag_hint(d, "write the command in the call: sh(\"cmd {value}\"), or use exec([...])");
        }
    }
    int ro = b->read_only_param;
    rbk_node *roa = ro >= 0 && ro < n->list2.n ? n->list2.items[ro] : NULL;
    rbk_effect e = rbk_call_effect(b, roa && roa->kind == N_BOOL && roa->i);
    int eff = e == RBK_EFF_READ ? 1 : e == RBK_EFF_WRITE ? 2 : e == RBK_EFF_GATE ? 4 : 0;
    if (eff) note_effect(S, eff, n);
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
    bind_args(S, n, f->name, np, names, optional, NULL);
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
        if (S->fx) add_call(S->c, S->fx->fn, fi, n);
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
    if (callee->kind == N_FIELD) {
        /* a method: x.f(args) — a handle method when the receiver is a handle (or unknown and
         * exactly one handle module has f), else a map method (get) at run time */
        rbk_ctype *rt = expr(S, callee->a);
        if (rt->kind == TY_HANDLE || rt->kind == TY_ANY) {
            int mid = builtin_dotted(rt->kind == TY_HANDLE ? rt->handle : "sql", callee->str);
            if (mid >= 0) {
                const rbk_builtin *bi = rbk_builtin_get(mid);
                if (bi->nparams > 0 && !strncmp(bi->params[0].type, "handle:", 7)) {
                    callee->a->type = rt;
                    return call_builtin(S, n, mid, callee->a);
                }
            }
            if (rt->kind == TY_HANDLE) {
                ERR(callee, "a %s has no method `%s`", rbk_type_str(rt), callee->str);
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

/* The declared environment variable `name` (its position in c->envs), or -1; and its
 * declaration. A hash index over the names: 50,000 `env` names and reads took 7 s of scans. */
static int env_find(const rbk_compiler *c, const char *name) {
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
static void env_add(rbk_compiler *c, rbk_node *e) {
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

/* `env.NAME` (o is `env`, not a variable). Out of line, as are the other leaves of field() and
 * call() that keep arrays on the stack: field() and call() recurse once per link of a chain,
 * and their frames are what bounds RBK_MAX_EXPR_DEPTH (compiler/ast.h). */
static __attribute__((noinline)) rbk_ctype *env_field(sema *S, rbk_node *n) {
    int i = env_find(S->c, n->str);
    if (i >= 0) {
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
/* `http.get` used as a value (o names a module of builtins). */
static __attribute__((noinline)) rbk_ctype *namespace_field(sema *S, rbk_node *n) {
    rbk_node *o = n->a;
    int id = builtin_dotted(o->str, n->str);
    if (id < 0) {
        rbk_diag *d = ERR(n, "`%s` has no function `%s`", o->str, n->str);
        const char *cands[64];
        int k = 0;
        size_t pl = strlen(o->str);
        for (int i = 0; i < rbk_builtin_count() && k < 64; i++) {
            const char *bn = rbk_builtin_get(i)->name;
            if (!strncmp(bn, o->str, pl) && bn[pl] == '.') cands[k++] = bn + pl + 1;
        }
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
        if (is_namespace(o->str)) return namespace_field(S, n);
    }
    if (o->kind == N_IDENT) {
        rbk_sym *m = lookup(S, o->str);
        if (m && m->kind == SYM_MODULE) {
            m->used = 1;
            rbk_sym *y = scope_find(&S->c->module_scopes[m->index], n->str);
            if (!y && is_namespace(o->str)) {
                int id = builtin_dotted(o->str, n->str);
                if (id >= 0) {
                    ERR(n, "`%s.%s` is a builtin function, not a value; call it", o->str, n->str);
                    n->aux = RBK_FIELD_BUILTIN; n->slot = id; return T(TY_FUNC);
                }
            }
            if (!y) {
                ERR(n, "module `%s` has no member `%s`", o->str, n->str);
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
        int f = record_field(t, n->str);
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
        }
        return T(TY_BOOL);
    }
    if (op >= OP_LT && op <= OP_GE) {
        int ok = !known(a) || !known(b) || (numeric(a) && numeric(b)) ||
                 (a->kind == b->kind && (a->kind == TY_STRING || a->kind == TY_DURATION));
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
        if (n->b->kind == N_INTERP) check_holes(S, n->b, 'R');
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
    if (op == OP_ADD && a->kind == TY_STRING && b->kind == TY_STRING) return T(TY_STRING);
    if (op == OP_ADD && a->kind == TY_LIST && b->kind == TY_LIST) return T(TY_LIST);
    rbk_diag *d = ERR(n, "`%s` cannot combine %s and %s", opname[op], rbk_type_str(a), rbk_type_str(b));
    if (op == OP_ADD && (a->kind == TY_STRING || b->kind == TY_STRING))
        rbk_diag_hint(d, "convert with str(...), or interpolate: \"...{x}...\"");
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
            if (key && record_add(S->c, r, n->list.n, key, vt)) ERR(e, "key `%s` appears twice in this map", key);
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
    case N_NOT: check_cond(S, n->a, expr(S, n->a), "the operand of `not`"); t = T(TY_BOOL); break;
    case N_AND:
    case N_OR:
        check_cond(S, n->a, expr(S, n->a), n->kind == N_AND ? "each side of `and`" : "each side of `or`");
        check_cond(S, n->b, expr(S, n->b), n->kind == N_AND ? "each side of `and`" : "each side of `or`");
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
        if (o->kind == TY_RECORD && n->b->kind == N_STRING && record_field(o, n->b->str) >= 0)
            t = o->ftypes[record_field(o, n->b->str)];
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

/* An expectation's condition, checked (as an `expect`, `stop-if`): what it traces is counted,
 * and past RBK_BC_MAX_TRACE it is refused here, not by the verifier. */
static void traced_cond(sema *S, rbk_node *n, rbk_node *cond, const char *what) {
    S->tracing = 1;
    S->ntraced = 0;
    rbk_ctype *t = expr(S, cond);
    S->tracing = 0;
    check_cond(S, cond, t, what);
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

static void stmt(sema *S, rbk_node *n) {
    if (!n) return;
    prefetch_some(S);
    switch (n->kind) {
    case N_LET: {
        rbk_ctype *t = expr(S, n->a);
        if (t->kind == TY_NIL) t = T(TY_ANY);
        if (S->fx->is_main && S->sc->parent == NULL) {
            /* top-level let: a global, already declared by the collection pass */
            rbk_sym *y = scope_find(S->globals, n->str);
            if (y && y->decl == n) { y->type = t; n->sym = y; }
            break;
        }
        n->sym = declare_local(S, n->str, n, t);
        break;
    }
    case N_ASSIGN: {
        rbk_ctype *t = expr(S, n->a);
        rbk_sym *y = lookup(S, n->str);
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
        if (known(y->type) && known(t) && y->type->kind != t->kind && !(numeric(y->type) && numeric(t)))
            y->type = T(TY_ANY);
        n->sym = y;
        break;
    }
    case N_IF: {
        check_cond(S, n->a, expr(S, n->a), "an `if` condition");
        block(S, n->b, 1);
        if (n->c) {
            if (n->c->kind == N_IF) stmt(S, n->c);
            else block(S, n->c, 1);
        }
        break;
    }
    case N_FOR: {
        rbk_ctype *it = expr(S, n->a);
        if (known(it) && it->kind != TY_LIST && !is_mapish(it))
            ERR(n->a, "`for` iterates over a list, a map or a range, not %s", rbk_type_str(it));
        push_scope(S);
        n->slot = alloc_slot(S, 2, n->file, n->off, n->end); /* hidden: iterable (or range cursor), index (or range end) */
        rbk_ctype *vt = T(TY_ANY);
        if (n->a->kind == N_RANGE) vt = T(TY_INT);
        if (n->flags & RBK_NF_TWO_VARS) {
            if (known(it) && it->kind == TY_LIST) vt = T(TY_INT);
            else if (known(it)) vt = T(TY_STRING);
            rbk_sym *k = declare_local(S, n->str, n, vt);
            RBK_NAME_OFF(n->c) = (int)n->c->off; /* as a let's */
            rbk_sym *v = declare_local(S, n->c->str, n->c, T(TY_ANY));
            if (v->index != k->index + 1) ERR(n, "internal: loop slots");
            n->sym = k;
        } else {
            n->sym = declare_local(S, n->str, n, vt);
        }
        block(S, n->b, 0);
        pop_scope(S);
        break;
    }
    case N_RETURN:
        if (!S->fx->is_fn) ERR(n, "`return` is only allowed in a `fn`");
        if (n->a) expr(S, n->a);
        break;
    case N_EXPR_STMT: {
        rbk_node *e = n->a;
        expr(S, e);
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
            rbk_ctype *d = expr(S, n->b->a);
            if (known(d) && d->kind != TY_DURATION) ERR(n->b->a, "`within` needs a duration, not %s", rbk_type_str(d));
            if (n->b->b) {
                rbk_ctype *p = expr(S, n->b->b);
                if (known(p) && p->kind != TY_DURATION) ERR(n->b->b, "`every` needs a duration, not %s", rbk_type_str(p));
            }
            n->slot = alloc_slot(S, 2, n->file, n->off, n->end); /* hidden: deadline, period */
        }
        if (n->c) expr(S, n->c);
        break;
    }
    case N_STOP_IF:
        guard_allowed(S, n, "stop-if");
        traced_cond(S, n, n->a, "a stop-if condition");
        if (n->c) expr(S, n->c);
        break;
    case N_FAIL: /* anywhere: in top-level code it is an error there, which fails the run */
        expr(S, n->a);
        break;
    case N_WATCH: {
        guard_allowed(S, n, "watch");
        rbk_ctype *d = expr(S, n->a), *p = expr(S, n->b);
        if (known(d) && d->kind != TY_DURATION) ERR(n->a, "`watch` needs a duration, not %s", rbk_type_str(d));
        if (known(p) && p->kind != TY_DURATION) ERR(n->b, "`every` needs a duration, not %s", rbk_type_str(p));
        n->slot = alloc_slot(S, 2, n->file, n->off, n->end);
        block(S, n->c, 1);
        break;
    }
    case N_STEP:
    case N_SECTION:
        ERR(n, "a %s can only be written at the top level", n->kind == N_STEP ? "step" : "section");
        break;
    case N_FN: ERR(n, "functions are declared at the top level"); break;
    case N_ENV: case N_PARAM: case N_USE: case N_RUNBOOK:
        ERR(n, "declarations belong at the top of the file");
        break;
    default: ERR(n, "internal: unexpected %s statement", rbk_node_kind_name(n->kind)); break;
    }
}

static void block(sema *S, rbk_node *b, int new_scope) {
    if (!b) return;
    if (new_scope) push_scope(S);
    for (int i = 0; i < b->list.n; i++) {
        rbk_node *s = b->list.items[i];
        if (!s) continue;
        if (i > 0 && ends_flow(b->list.items[i - 1])) {
            rbk_diag *d = WARN("unreachable", s, "unreachable code");
            rbk_diag_hint(d, "the `%s` above ends this block", b->list.items[i - 1]->kind == N_RETURN ? "return" : "fail");
        }
        stmt(S, s);
    }
    if (new_scope) pop_scope(S);
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
    push_scope(S);
    rbk_node *params = f->decl->a;
    for (int i = 0; i < params->list.n; i++) {
        rbk_node *p = params->list.items[i];
        RBK_NAME_OFF(p) = (int)p->off;
        rbk_sym *y = declare_local(S, p->str, p, T(TY_ANY));
        y->used = 1; /* parameters are part of the interface */
        if (p->a) {
            /* defaults are evaluated at the call site: only literals and top-level names */
            scope *inner = S->sc;
            S->sc = S->globals;
            expr(S, p->a);
            S->sc = inner;
        }
    }
    block(S, f->body, 0);
    pop_scope(S);
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
    return add_fn(S->c, nm, si->node, body, -1);
}
static void check_step_part(sema *S, rbk_stepinfo *si, int fi, rbk_node *body, int is_cond) {
    fnctx fx = {0};
    fx.fn = fi;
    fx.in_step = !is_cond;
    fx.step = si;
    fx.module = -1;
    fnctx *saved = S->fx;
    S->fx = &fx;
    push_scope(S);
    if (is_cond) check_cond(S, body, expr(S, body), "a step's `if` condition");
    else block(S, body, 0);
    pop_scope(S);
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
    si->rollback_fn = si->cond_fn = -1;
    n->slot = c->nsteps;
    c->nsteps++;
    if (n->a->kind != N_STRING) {
        if (n->a->kind != N_ERROR) ERR(n->a, "a step's name must be a plain string (no interpolation)");
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
        else {
            rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_ERROR, "check", a->file, a->off, a->off + (uint32_t)a->slen,
                                       "unknown step attribute `%s`", a->str);
            static const char *const attrs[] = {"timeout", "retry", "every", "if"};
            const char *best = rbk_closest(a->str, attrs, 4);
            rbk_diag_hint(d, best ? "did you mean `%s`?" : "the attributes are timeout D, retry N [every D] and if COND", best);
        }
    }
    si->body_fn = new_step_fn(S, si, "", n->b);
    if (n->c && n->c->aux == RBK_BLOCK_ROLLBACK) si->rollback_fn = new_step_fn(S, si, " (rollback)", n->c);
    if (n->c && n->c->aux == RBK_BLOCK_IRREVERSIBLE) { si->irreversible = 1; si->irreversible_why = n->c->a; }
    if (cond) si->cond_fn = new_step_fn(S, si, " (if)", cond);
    check_step_part(S, si, si->body_fn, n->b, 0);
    if (si->rollback_fn >= 0) check_step_part(S, si, si->rollback_fn, n->c, 0);
    if (si->cond_fn >= 0) check_step_part(S, si, si->cond_fn, cond, 1);
}

/* ------------------------------------------------------------------ declarations */
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
            rbk_sym *y = newsym(c, SYM_FN, n->str, n);
            int fi = add_fn(c, n->str, n, n->b, module);
            c->fns[fi].nparams = n->a->list.n;
            y->index = fi;
            y->type = T(TY_FUNC);
            scope_add(c, g, y);
            break;
        }
        case N_LET: {
            rbk_sym *prev = scope_find(g, n->str);
            if (prev) {
                rbk_diag *d = ERR(n, "`%s` is already declared at the top level", n->str);
                rbk_diag_hint(d, "to change its value, write `%s = ...` without `let`", n->str);
                break;
            }
            rbk_sym *y = newsym(c, SYM_GLOBAL, n->str, n);
            add_global(c, y);
            scope_add(c, g, y);
            break;
        }
        case N_PARAM:
        case N_ENV:
        case N_USE:
        case N_RUNBOOK:
            if (module >= 0) {
                ERR(n, "a module contains only `fn` and `let`");
                break;
            }
            if (n->kind == N_PARAM) {
                /* modifiers: `secret` only (LANGUAGE.md §6) */
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
                rbk_sym *y = newsym(c, SYM_GLOBAL, n->str, n);
                y->is_param = 1;
                add_global(c, y);
                scope_add(c, g, y);
                rbk_ctype *t = T(TY_STRING);
                if (n->a) {
                    static const char *const tn[] = {"string", "int", "float", "bool", "duration"};
                    int k = -1;
                    for (int j = 0; j < 5; j++) if (!strcmp(n->a->str, tn[j])) k = j;
                    if (k < 0) {
                        rbk_diag *d = ERR(n->a, "unknown parameter type `%s`", n->a->str);
                        const char *best = rbk_closest(n->a->str, tn, 5);
                        rbk_diag_hint(d, best ? "did you mean `%s`?" : "the types are string, int, float, bool and duration", best);
                    } else {
                        static const rbk_tkind tk[] = {TY_STRING, TY_INT, TY_FLOAT, TY_BOOL, TY_DURATION};
                        t = T(tk[k]);
                    }
                }
                if (n->b) {
                    rbk_ctype *dt = expr(S, n->b);
                    int literal = n->b->kind == N_STRING || n->b->kind == N_INT || n->b->kind == N_FLOAT ||
                                  n->b->kind == N_BOOL || n->b->kind == N_DURATION ||
                                  (n->b->kind == N_UNARY && (n->b->a->kind == N_INT || n->b->a->kind == N_FLOAT)) ||
                                  n->b->kind == N_ERROR; /* reported by the parser */
                    if (!literal) ERR(n->b, "a parameter's default must be a literal");
                    else if (n->a && known(dt) && dt->kind != t->kind && !(t->kind == TY_FLOAT && dt->kind == TY_INT))
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
                int flags = 0;
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
                    if (env_find(c, e->str) >= 0) { ERR(e, "environment variable `%s` is declared twice", e->str); continue; }
                    e->flags = flags;
                    env_add(c, e);
                }
            } else if (n->kind == N_RUNBOOK) {
                if (c->title) ERR(n, "the runbook's title is given twice");
                if (n->a->kind != N_STRING && n->a->kind != N_ERROR) ERR(n->a, "the title must be a plain string");
                c->title = n->a;
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
    int main_fn = add_fn(c, "<top level>", NULL, c->root, -1);
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
        rbk_sym *y = newsym(c, SYM_MODULE, c->modules[m].name, NULL);
        y->index = m;
        scope_add(c, root, y);
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
            } else if (n->kind != N_PARAM && n->kind != N_ENV && n->kind != N_USE && n->kind != N_RUNBOOK)
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
        case N_ENV: case N_PARAM: case N_USE: case N_RUNBOOK: break;
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
                                        "`%s` asks the operator (confirm/ask) and cannot be called from top-level code", c->fns[g].name);
            rbk_diag_hint(dg, "call it from inside a step");
        }
    }
    /* steps that change things without a way back */
    for (int i = 0; i < c->nsteps; i++) {
        rbk_stepinfo *si = &c->steps[i];
        if ((c->fns[si->body_fn].effects & 2) && si->rollback_fn < 0 && !si->irreversible) {
            rbk_node *n = si->node;
            rbk_diag *d = rbk_diag_add(c->diags, RBK_SEV_WARNING, "no-rollback", n->file, n->off,
                                       n->a->end, "step \"%s\" changes something but has neither `rollback` nor `irreversible`", si->name);
            rbk_diag_hint(d, "add `rollback { ... }` to undo it, or `irreversible \"why\"` to say it cannot be undone");
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
                         "environment variable `%s` is declared but never read", e->str);
    }
}

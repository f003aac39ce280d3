/* compiler/sema_int.h — the checker's own header, shared by its parts and by no one else
 * (compiler/compiler.h is the checker's interface: rbk_sema, the types):
 *   types.c          the checker's types (compiler/types.def) and records
 *   scope.c          block scopes, symbols, local slots, functions, globals, env names
 *   sema_expr.c      expressions: names, fields, calls and their arguments, operators
 *   sema_literals.c  command, query, URL and pattern literals (compiler/holes.c)
 *   sema.c           statements, functions and steps, declarations, the call graph, rbk_sema
 * Shares invariants with: compiler/codegen.c (slot layout, bound argument lists, hidden
 * locals, the annotations of compiler/ast.def). */
#ifndef RBK_SEMA_INT_H
#define RBK_SEMA_INT_H
#include <stdint.h>
#include <string.h>
#include "../stdlib/builtins.h"
#include "../support/hash.h"
#include "compiler.h"

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

/* The shared instance of a type without parts (types.c). */
extern rbk_ctype rbk_basic_types[TY__COUNT];
#define T(k) (&rbk_basic_types[k])

/* types (types.c) */
static inline int known(const rbk_ctype *t) { return t && t->kind != TY_ANY; }
static inline int is_mapish(const rbk_ctype *t) { return t->kind == TY_MAP || t->kind == TY_RECORD; }
static inline int numeric(const rbk_ctype *t) { return t->kind == TY_INT || t->kind == TY_FLOAT; }
/* names (scope.c): inline, as every name the checker meets is looked up */
static inline uint32_t name_hash(const char *s) { return rbk_fnv1a_str(s); }
static inline uint64_t bloom_bit(uint32_t h) { return 1ull << (h >> 26); }
/* The last symbol named `name` (hash h) declared in s, or NULL. */
static inline rbk_sym *scope_find_h(const scope *s, const char *name, uint32_t h) {
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
static inline rbk_sym *scope_find(const scope *s, const char *name) { return scope_find_h(s, name, name_hash(name)); }
/* Whether n names a module of builtins (http.get, sql.connect, ...). */
static inline int is_namespace(const char *n) {
    static const char *const namespaces[] = {"http", "sql", "file", "json", "tcp", "env", "re", "time"};
    switch (n[0]) { /* every namespace starts with one of these */
    case 'h': case 's': case 'f': case 'j': case 't': case 'e': case 'r': break;
    default: return 0;
    }
    for (size_t i = 0; i < sizeof namespaces / sizeof namespaces[0]; i++)
        if (!strcmp(namespaces[i], n)) return 1;
    return 0;
}

static inline rbk_sym *lookup(sema *S, const char *name) {
    uint32_t h = name_hash(name);
    uint64_t bit = bloom_bit(h);
    for (scope *s = S->sc; s; s = s->parent) {
        if (!(s->bloom & bit)) continue; /* most scopes: no call */
        rbk_sym *y = scope_find_h(s, name, h);
        if (y) return y;
    }
    return NULL;
}
#define ERR(node, ...) rbk_diag_add(S->c->diags, RBK_SEV_ERROR, "check", (node)->file, (node)->off, (node)->end, __VA_ARGS__)
#define WARN(rule, node, ...) rbk_diag_add(S->c->diags, RBK_SEV_WARNING, rule, (node)->file, (node)->off, (node)->end, __VA_ARGS__)
static inline int sema_is_literal_string(const rbk_node *n) { return n && (n->kind == N_STRING || n->kind == N_INTERP); }

/* types.c */
/* Does a value of type t fit a parameter declared as spec ("string|list", "number", ...)? */
int sema_type_fits(const rbk_ctype *t, const char *spec);
/* The kinds spec accepts, as a bit set over rbk_tkind (all but TY_HANDLE). */
unsigned sema_spec_mask(const char *spec);
/* The position of record r's field `name` (the first, if it is written twice), or -1. */
int sema_record_field(const rbk_ctype *r, const char *name);
/* Appends a field to r, which has room for `capacity`; -1 when r had a field of that name. */
int sema_record_add(rbk_compiler *c, rbk_ctype *r, int capacity, const char *name, rbk_ctype *t);

/* scope.c */
void sema_scope_add(rbk_compiler *c, scope *s, rbk_sym *sym);
rbk_sym *sema_sym_new(rbk_compiler *c, rbk_symkind k, const char *name, rbk_node *decl);
void sema_scope_push(sema *S);
/* Leaves the innermost scope: its unused locals are reported, its slots free again. */
void sema_scope_pop(sema *S);
/* n local slots for what is declared at [off, end) (past RBK_BC_MAX_LOCALS: an error, once). */
int sema_slot_alloc(sema *S, int n, int file, uint32_t off, uint32_t end);
/* A local of the innermost scope, declared by decl (whose name starts at RBK_NAME_OFF). */
rbk_sym *sema_declare_local(sema *S, const char *name, rbk_node *decl, rbk_ctype *t);
/* The builtin "ns.name" (e.g. http.get), or -1. */
int sema_builtin_dotted(const char *ns, const char *name);
int sema_fn_add(rbk_compiler *c, const char *name, rbk_node *decl, rbk_node *body, int module);
void sema_fn_add_call(rbk_compiler *c, int from, int to, rbk_node *at);
int sema_global_add(rbk_compiler *c, rbk_sym *y);
/* The declared environment variable `name` (its position in c->envs), or -1. */
int sema_env_find(const rbk_compiler *c, const char *name);
void sema_env_add(rbk_compiler *c, rbk_node *e);

/* sema_expr.c */
/* Checks expression n and annotates it; its type. */
rbk_ctype *sema_expr(sema *S, rbk_node *n);
/* An error at n unless t (n's type) is bool or unknown: `what` must be a bool. */
void sema_check_cond(sema *S, rbk_node *n, rbk_ctype *t, const char *what);

/* sema_literals.c */
/* DELETE or UPDATE without WHERE in the SQL literal q: a warning per statement. */
void sema_sql_no_where(sema *S, rbk_node *q);
/* The refused holes of an interpolated literal of language 'S' (command), 'Q' (query), 'U'
 * (URL) or 'R' (pattern). */
void sema_literal_holes(sema *S, rbk_node *lit, char lang);
/* exec(["sh", "-c", "script {x}", ...]): a value in the script is an error unless {x:raw}. */
void sema_exec_shell(sema *S, rbk_node *argv);
#endif

/* compiler/compiler.h — the compilation: loading sources (root file and `use`d modules),
 * parsing, checking (sema.c) and code generation (codegen.c) into an rbk_unit.
 * Owns: rbk_compiler (all compile-time state), symbols and types.
 * Shares invariants with: sema.c (annotates nodes: sym, slot, type), codegen.c (reads them). */
#ifndef RBK_COMPILER_H
#define RBK_COMPILER_H
#include "../vm/bytecode.h"
#include "ast.h"
#include "diag.h"

/* The checker's types: the rows of compiler/types.def. */
typedef enum rbk_tkind {
#define RBK_TYPE(KIND, NAME, SPEC) TY_##KIND,
#include "types.def"
#undef RBK_TYPE
    TY__COUNT
} rbk_tkind;

typedef struct rbk_ctype {
    rbk_tkind kind;
    const char *handle;       /* TY_HANDLE: "sql" */
    int nfields;              /* TY_RECORD: a map whose fields are known */
    const char **fnames;
    struct rbk_ctype **ftypes;
    int *index, index_cap;    /* TY_RECORD of many fields: field position + 1 by name (sema.c) */
} rbk_ctype;

typedef enum rbk_symkind {
    SYM_GLOBAL, SYM_LOCAL, SYM_FN, SYM_MODULE, SYM_NAMESPACE, SYM_BUILTIN, SYM_ENV
} rbk_symkind;

typedef struct rbk_sym {
    rbk_symkind kind;
    const char *name;
    int index;                /* global slot, local slot, function index, builtin id, module */
    rbk_ctype *type;
    rbk_node *decl;
    int used, assigned;
    int is_param;             /* a run parameter (global) */
    int fn_owner;             /* function index owning a local */
} rbk_sym;

typedef struct rbk_fninfo {
    rbk_node *decl;           /* N_FN, N_STEP body/rollback/cond wrapper, or NULL for main */
    rbk_node *body;
    const char *name;
    int module;               /* -1 root */
    int nparams, nlocals;
    rbk_sym **params;
    int effects;              /* 1 read, 2 write, 4 gate, 8 guards (expect/stop-if/watch), 16 assigns a
                               * top-level variable (refused in a per-item step: sema.c) */
    rbk_node *assigns_global; /* the first such assignment written in this function */
    int *calls; int ncalls, capcalls; /* user functions called (for recursion/effects) */
    rbk_node **call_at;               /* where each of those calls is written */
    int worst_ms_known;
    int64_t *default_cost;    /* per parameter: the nodes its default compiles to at each call that
                               * leaves it out, the defaults it expands in turn included (sema.c) */
} rbk_fninfo;

typedef struct rbk_stepinfo {
    rbk_node *node;           /* N_STEP */
    const char *name;
    const char *section;      /* or NULL */
    int body_fn, rollback_fn, cond_fn; /* -1 when absent */
    int64_t timeout_ms, retry_every_ms;
    int64_t rollback_timeout_ms; /* `rollback timeout D {`; 0: the step's timeout */
    int retries;
    int irreversible;
    rbk_node *irreversible_why;
    /* a per-item step (`step "X {n}" for n in LIST`, docs/fleet.md): the clause (N_STEP_FOR),
     * the function computing the list (0 parameters) and the one naming an instance (the item;
     * -1: the name has no hole, instances are named "NAME [ITEM]"); body and rollback take the
     * item as their one parameter. serial/max_fail as written; *_pct: written as N% */
    rbk_node *per_item;
    int list_fn, name_fn;
    int serial, serial_pct, max_fail, max_fail_pct;
    rbk_node *gate_at;         /* the first gate of a per-item body whose batch may run more than one */
} rbk_stepinfo;

typedef struct rbk_module {
    char *name;               /* binding name: "pg", "checks" */
    char *path;               /* "std/pg" or the resolved relative path */
    int file;
    rbk_node *prog;
} rbk_module;

typedef struct rbk_compiler {
    rbk_arena *arena;
    rbk_sources *sources;
    rbk_diags *diags;
    int root_file;
    rbk_node *root;
    rbk_module *modules; int nmodules;
    /* symbols */
    rbk_sym **globals; int nglobals, capglobals;
    rbk_fninfo *fns; int nfns, capfns;       /* fns[0] = main */
    rbk_stepinfo *steps; int nsteps, capsteps;
    int *step_names; int step_names_cap;   /* open-addressing set of step indices + 1, by name */
    rbk_node **envs; int nenvs, capenvs;     /* N_IDENT nodes of env names (decl in ->a) */
    int *env_index; int env_index_cap;       /* open-addressing set of env indices + 1, by name */
    rbk_node **params; int nparams, capparams;
    rbk_node *title;
    /* a symbol table per module plus the root (index nmodules) */
    struct rbk_scope *module_scopes;
    int strict;
    /* a file of the program had syntax errors: statements were skipped by error recovery, so
     * sema reports no "never used" (a use may have been in what was skipped) */
    int syntax_errors;
    size_t source_bytes;      /* the root's and the modules' bytes so far (RBK_READ_MAX_SOURCE) */
    const struct rbk_module_reader *reader; /* or NULL: modules come from the files */
} rbk_compiler;

/* Where a relative module's text may come from before the file system: the language server's
 * open documents, whose unsaved text is what the author sees. read returns the text (malloc'd,
 * NUL at [*len]) of the module at path (the root's directory joined with the use path, as
 * rbk_compile_load reads it), or NULL to read the file. */
typedef struct rbk_module_reader {
    char *(*read)(void *ctx, const char *path, size_t *len);
    void *ctx;
} rbk_module_reader;

/* A runbook uses at most this many modules: a node's file index is 16 bits (ast.h), and a
 * thousand is far more than a runbook needs while keeping the check for a name used twice
 * trivial (docs/language.md, Limits). */
enum { RBK_MAX_MODULES = 1000 };
/* A default argument is compiled into every call that leaves it out (it is evaluated there),
 * so a large default called often, or defaults that call functions with defaults, multiply
 * the code: a 283 KB runbook compiled to 101 MB, and nesting made it exponential. The calls of
 * one runbook repeat at most this many nodes of defaults (docs/language.md, Limits). */
enum { RBK_MAX_DEFAULT_NODES = 1 << 22 };

/* Loads path, parses it and its modules, checks everything. Returns the compiler (always;
 * diags tell whether it succeeded). */
rbk_compiler *rbk_compile_load(const char *path, rbk_sources *sources, rbk_diags *diags);
/* Same from text in memory (tests, fuzzing). */
rbk_compiler *rbk_compile_text(const char *path, const char *text, size_t len,
                               rbk_sources *sources, rbk_diags *diags);
/* rbk_compile_text with relative modules read through reader first (NULL: as rbk_compile_text). */
rbk_compiler *rbk_compile_text_with(const char *path, const char *text, size_t len, rbk_sources *sources,
                                    rbk_diags *diags, const rbk_module_reader *reader);
/* Generates the unit; NULL when there were errors. */
rbk_unit *rbk_codegen(rbk_compiler *c);
void rbk_compiler_free(rbk_compiler *c);

/* Whether the code generator records n's value for its expectation's message (TRACE): names,
 * fields, indexes, calls and operators, not literals, a module member or a builtin named as a
 * value. The checker counts them the same way against RBK_BC_MAX_TRACE. */
static inline int rbk_traced(const rbk_node *n) {
    switch (n->kind) {
    case N_IDENT: case N_INDEX: case N_CALL: case N_BINARY: case N_AND: case N_OR: case N_NOT:
    case N_UNARY: case N_RANGE: case N_INTERP:
        return 1;
    case N_FIELD: return n->aux != RBK_FIELD_BUILTIN && n->aux != RBK_FIELD_MODULE;
    default: return 0;
    }
}

/* sema.c */
void rbk_sema(rbk_compiler *c);
rbk_ctype *rbk_type_basic(rbk_tkind k);
const char *rbk_type_str(const rbk_ctype *t);
/* parse a builtins.def type string ("int", "string|list", "handle:sql", "{a:int, ...}") */
rbk_ctype *rbk_type_parse(rbk_compiler *c, const char *s);
int rbk_compile_parse_file(rbk_compiler *c, int file);
#endif

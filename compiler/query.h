/* compiler/query.h — questions about a checked program at a source position, for the language
 * server (cli/lsp*.c) and any other tool that points into a runbook: the node under a position,
 * the names visible there, what a name is (hover text), where it is declared, the outline of a
 * file, and the parameters of a callee. Positions are byte offsets into one source file of the
 * compilation (rbk_compiler.sources); the program may have errors (the parser's recovery keeps
 * what it could parse, and the checker annotates what it reached).
 * Every read of the syntax tree's layout is in query.c, so a change of ast.h touches one file. */
#ifndef RBK_QUERY_H
#define RBK_QUERY_H
#include "compiler.h"

/* The chain of nodes from a file's program down to the innermost node whose span holds off
 * (an end counts as inside: the cursor right after a name is on it). */
typedef struct rbk_query_path {
    rbk_node **items;
    int n, cap;
} rbk_query_path;
void rbk_query_path_at(rbk_compiler *c, int file, uint32_t off, rbk_query_path *p);
void rbk_query_path_free(rbk_query_path *p);

/* What a declaration is, for completion and the outline. */
typedef enum rbk_query_kind {
    RBK_Q_VAR, RBK_Q_PARAM, RBK_Q_FN_PARAM, RBK_Q_FN, RBK_Q_MODULE, RBK_Q_ENV, RBK_Q_STEP, RBK_Q_SECTION, RBK_Q_LOCK
} rbk_query_kind;
/* detail: a short text (a type, "fn name(params)", a use path), or NULL. */
typedef void (*rbk_query_name_fn)(void *ctx, const char *name, rbk_query_kind kind, const char *detail);

/* The names visible at off: block variables declared before it and loop variables of the
 * loops around it, the parameters of the fn around it, and the file's fns, modules, params and
 * top-level lets (those written before off). Innermost first; a name may come twice (shadowing):
 * the first is the one that counts. */
void rbk_query_scope(rbk_compiler *c, int file, uint32_t off, rbk_query_name_fn cb, void *ctx);

/* The environment variables the file's program declares (kind RBK_Q_ENV, detail its modifiers). */
/* The declared environment variables (hosts 0) or `hosts` groups (hosts 1); how many. */
int rbk_query_envs(rbk_compiler *c, int hosts, rbk_query_name_fn cb, void *ctx);

/* The type of the name visible at off (rbk_ctype of a let's value, a param's declared type),
 * or NULL when it is not known. */
const rbk_ctype *rbk_query_name_type(rbk_compiler *c, int file, uint32_t off, const char *name);

/* The members of module `name` (its fns and lets), when name is a module visible in file. */
int rbk_query_module_members(rbk_compiler *c, const char *name, rbk_query_name_fn cb, void *ctx);

/* The parameter names of the callee written as `callee` (a name, `ns.name`, `module.fn` or
 * `var.method` of a handle) as seen at off: each given to cb (kind RBK_Q_FN_PARAM, detail its
 * type or default). Returns 0 when the callee is not known. */
int rbk_query_callee_params(rbk_compiler *c, int file, uint32_t off, const char *callee,
                            rbk_query_name_fn cb, void *ctx);

/* Markdown text describing what is at off (a builtin's signature and synopsis, a declaration's
 * type, a param's default, an env's modifiers, a fn's header, a module's path, a run lock), with the span
 * it describes; NULL when there is nothing to say. Free the text. */
char *rbk_query_hover(rbk_compiler *c, int file, uint32_t off, uint32_t *span_off, uint32_t *span_end);

/* Where what is at off is declared: file index and the declared name's span. 0 when nothing. */
int rbk_query_definition(rbk_compiler *c, int file, uint32_t off, int *dfile, uint32_t *doff, uint32_t *dend);

/* The outline of a file: run locks (`lock "NAME"`), sections, steps (inside their section) and
 * fns, in source order.
 * depth 0 for top level, 1 for a step inside a section; [off, end) the whole declaration,
 * [noff, nend) its name. */
typedef void (*rbk_query_symbol_fn)(void *ctx, rbk_query_kind kind, const char *name, int depth,
                                    uint32_t off, uint32_t end, uint32_t noff, uint32_t nend);
void rbk_query_outline(rbk_compiler *c, int file, rbk_query_symbol_fn cb, void *ctx);

/* The program of a file of the compilation (the root or a module's), or NULL. */
rbk_node *rbk_query_program(rbk_compiler *c, int file);
/* "fn name(a, b = 2)": a fn's header as written, up to its block (hover, and the checker's
 * note on a call that does not fit it). */
void rbk_query_fn_header(rbk_compiler *c, rbk_node *fn, rbk_sbuf *b);
/* "sql.scalar(db: handle:sql, q: string, ...) -> any" from the row of builtins.def; with
 * shown ("db.scalar"), a method is named so and written without its receiver. */
struct rbk_builtin;
void rbk_query_builtin_sig(const struct rbk_builtin *bi, const char *shown, rbk_sbuf *b);
#endif

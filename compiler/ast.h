/* compiler/ast.h — the syntax tree built by grammar/parser.y, annotated by compiler/sema.c
 * and consumed by compiler/codegen.c. Nodes live in an arena owned by the compilation, so
 * parser error recovery cannot leak them (see docs/internals.md).
 * Positions are byte offsets into the node's source file (rbk_source in compiler/diag.h). */
#ifndef RBK_AST_H
#define RBK_AST_H
#include <stddef.h>
#include <stdint.h>

/* The node kinds, in the order of compiler/ast.def (the table of what each kind's fields
 * mean): N_NIL ... N_ERROR are expressions, N_BLOCK ... N_WATCH statements, N_RUNBOOK ...
 * N_PROGRAM declarations. */
typedef enum rbk_node_kind {
#define RBK_NODE(KIND, CLASS, SHAPE, NAME, STR, A, B, C, LIST, AUX) N_##KIND,
#include "ast.def"
#undef RBK_NODE
    N__COUNT
} rbk_node_kind;

/* How deep an expression's tree may be: every node is a level (an operator, a call, an
 * argument given by name, an index, a field access, a list, a map, an interpolation, a name or
 * a literal), so the chain `1 + 1 + ... + 1` of n terms is n levels deep. The parser refuses a
 * deeper expression ("expression nested too deeply") and puts an N_ERROR in its place, which bounds the C recursion of every
 * walker of the tree (the checker, the code generator, plan and doc): the deepest of them needs
 * about 2 KiB of stack per level in an ASan build (docs/language.md, Limits). Parentheses add
 * no node; the parser's own stack (YYMAXDEPTH, 10,000) bounds them. */
enum { RBK_MAX_EXPR_DEPTH = 1000 };

/* binary and unary operators (N_BINARY / N_UNARY .op) */
typedef enum rbk_binop {
    OP_ADD = 1, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
    OP_CONTAINS, OP_MATCHES, OP_IN, OP_NEG
} rbk_binop;

/* a source span: byte offsets [off, end) in one file (the parser's location type) */
typedef struct rbk_loc {
    uint32_t off, end;
} rbk_loc;

typedef struct rbk_node rbk_node;
typedef struct rbk_nodes {
    rbk_node **items;
    int n, cap;
} rbk_nodes;

struct rbk_ctype;
struct rbk_sym;

/* A node's size depends on its kind (rbk_node_size, the table in ast.c): the fields come in
 * the order of how many kinds have them, and a node is allocated only up to the last field its
 * kind has. Every node has the first part (kind ... aux): that is all a name, a string or nil
 * is, 48 bytes. A literal (N_INT, N_FLOAT, N_DURATION, N_BOOL) adds its value, in the place of
 * `a` (56 bytes). Then `a`, `b`, `c` (a node with only `a` is 56 bytes, with `a` and `b` 64),
 * `list` (88), and `d` and `list2` on N_CALL only (112). A program's tree is most of the memory
 * `runbook check` touches, and fresh memory costs the kernel a page clear (docs/internals.md).
 * So: read a child field only on a kind that has it (a generic walker asks rbk_node_has), read
 * `op` only on N_BINARY/N_UNARY and `flags` only on the kinds that set them (they share a
 * byte), and never copy a node by value (`rbk_node x = *n`). ASan builds allocate every node
 * whole and poison what its kind does not have, so a read past it fails the test suite. */
struct rbk_node {
    uint8_t kind;
    union {
        uint8_t op;    /* N_BINARY, N_UNARY: rbk_binop */
        uint8_t flags; /* N_STRING, N_INTERP, N_FOR, N_STEP, N_STEP_ATTR, N_PARAM, env names: RBK_NF_* */
    };
    uint16_t file;     /* source file index */
    uint32_t off, end; /* byte span [off, end) */
    uint32_t slen;     /* length of str (a source file is under 4 GiB: rbk_loc) */
    /* payload */
    char *str;         /* identifier, string text, field name, label, format spec (NUL-terminated) */
    /* annotations (sema) */
    struct rbk_ctype *type;
    struct rbk_sym *sym;
    int slot;          /* local/global slot, builtin id, function index ... by sym kind; while
                        * parsing, an expression's nesting depth (RBK_MAX_EXPR_DEPTH) */
    int aux;           /* by kind (ast.def): a position, or an RBK_BLOCK_/RBK_CALL_/RBK_FIELD_ value */
    /* children, by kind (rbk_node_has); a literal's value where others have `a` */
    union {
        rbk_node *a;
        int64_t i;     /* N_INT, N_DURATION (ms), N_BOOL */
        double f;      /* N_FLOAT */
    };
    rbk_node *b, *c;
    rbk_nodes list;
    /* N_CALL only */
    rbk_node *d;       /* the callee again (sema) */
    rbk_nodes list2;   /* bound arguments, one per parameter (sema) */
};

/* An argument of a call (an item of an N_CALL's list): a named one (`name: expr`) is an N_ARG
 * whose str is the name and `a` the expression; a positional one is the expression itself
 * (no node of its own: most arguments are positional). */
static inline rbk_node *rbk_arg_value(rbk_node *arg) { return arg->kind == N_ARG ? arg->a : arg; }
static inline const char *rbk_arg_name(const rbk_node *arg) { return arg->kind == N_ARG ? arg->str : NULL; }
/* Where the name of a field access `a.name` starts: the name is the node's last token. (Not
 * kept in `aux`, which the checker sets to say what kind of field access it is.) */
static inline uint32_t rbk_field_name_off(const rbk_node *f) { return f->end - f->slen; }

/* The child fields a kind has (its SHAPE in ast.def), for walkers that do not switch on the
 * kind: a node has `b` only if it has `a`, and so on (RBK_HAS_LIST implies a, b and c). */
enum { RBK_HAS_A = 1, RBK_HAS_B = 2, RBK_HAS_C = 3, RBK_HAS_LIST = 4 };
extern const uint8_t rbk_node_kids[N__COUNT];
/* How many of a, b, c, list n's kind has (0: a leaf; RBK_HAS_LIST: all four). */
static inline int rbk_node_has(const rbk_node *n) { return n->kind < N__COUNT ? rbk_node_kids[n->kind] : 0; }
/* The child walk: n's children are a, b, c (those its kind has) and then the items of its
 * list, in that order; rbk_node_nchildren counts them (NULL ones included) and
 * rbk_node_child(n, i) is the i-th, or NULL where an optional child is absent. A call's
 * annotations (d, list2) are not children: they point at nodes that are children already.
 *     rbk_node *ch;
 *     RBK_EACH_CHILD(n, i, ch) if (ch) ...;
 */
static inline int rbk_node_nchildren(const rbk_node *n) {
    int has = rbk_node_has(n);
    return has < RBK_HAS_LIST ? has : 3 + n->list.n;
}
static inline rbk_node *rbk_node_child(const rbk_node *n, int i) {
    switch (i) {
    case 0: return n->a;
    case 1: return n->b;
    case 2: return n->c;
    default: return n->list.items[i - 3];
    }
}
#define RBK_EACH_CHILD(n, i, ch) \
    for (int i = 0, i##_count = rbk_node_nchildren(n); i < i##_count && ((ch) = rbk_node_child((n), i), 1); i++)

/* What `aux` holds, by kind (ast.def's AUX column says where each applies).
 * A position, set by the parser (the checker for N_FN_PARAM and a for's second variable):
 * where a declaration's name starts (N_LET, N_FOR, N_PARAM, N_FN, N_FN_PARAM), where the
 * keyword `step` starts (N_STEP), where a hole's `{` is (N_INTERP_PART). */
#define RBK_NAME_OFF(n) ((n)->aux)
#define RBK_STEP_OFF(n) ((n)->aux)
#define RBK_HOLE_OFF(n) ((n)->aux)
/* N_BLOCK: what the block is (parser) */
typedef enum rbk_block_kind {
    RBK_BLOCK_PLAIN = 0,
    RBK_BLOCK_ROLLBACK = 1,     /* a step's `rollback { ... }` */
    RBK_BLOCK_IRREVERSIBLE = 2  /* a step's `irreversible "why"`: no statements, the reason in a */
} rbk_block_kind;
/* N_CALL: what is called (checker; 0 until checked) */
typedef enum rbk_call_kind {
    RBK_CALL_BUILTIN = 1,       /* slot: the builtin's id; list2: the bound arguments */
    RBK_CALL_FN = 2,            /* a user function: slot its index in rbk_compiler.fns */
    RBK_CALL_METHOD = 3,        /* a method found at run time (INVOKE): `m.get(k)` */
    RBK_CALL_VALUE = 4          /* a value called (CALL) */
} rbk_call_kind;
/* N_FIELD: what `x.name` reads (checker) */
typedef enum rbk_field_kind {
    RBK_FIELD_MAP = 0,          /* a field of a map, at run time */
    RBK_FIELD_ENV = 10,         /* env.NAME: slot the env's index */
    RBK_FIELD_BUILTIN = 11,     /* a builtin named as a value (an error): slot the builtin */
    RBK_FIELD_MODULE = 12       /* a module's member: sym */
} rbk_field_kind;
/* N_IDENT: a builtin named as a value (an error; slot: the builtin). The N_IDENT of a
 * declared env name: RBK_ENV_USED once something reads it (the checker's "never read"). */
enum { RBK_IDENT_BUILTIN = 1, RBK_ENV_USED = 0x100 };

/* N_ENV flags (N_PARAM: RBK_NF_SECRET, set by sema from its modifiers in ->c) */
enum { RBK_NF_SECRET = 1, RBK_NF_OPTIONAL = 2, RBK_NF_HOSTS = 16 /* `hosts NAME, ...`: inventory groups */ };
/* N_STRING/N_INTERP flags (flags is one byte) */
enum { RBK_NF_TRIPLE = 4, RBK_NF_RAW = 8 };
/* N_FOR flags: two variables */
enum { RBK_NF_TWO_VARS = 32 };
/* N_STEP_ATTR flags: the value was written as a percentage (`serial 20%`; the N_INT holds 20) */
enum { RBK_NF_PERCENT = 64 };

/* The arena: bump allocation in chunks that grow with the program; everything is freed at
 * once by rbk_arena_free. rbk_arena_alloc returns zeroed memory aligned for any object. */
typedef struct rbk_arena rbk_arena;
rbk_arena *rbk_arena_new(void);
void rbk_arena_free(rbk_arena *a);
void *rbk_arena_alloc(rbk_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n) (byte-aligned, not zeroed beyond the copy). */
char *rbk_arena_strndup(rbk_arena *a, const char *s, size_t n);

/* A node of kind k with every field zero except kind, file, span and slot (-1). A node may
 * later change kind only to one of the same size or smaller (rbk_node_size). */
rbk_node *rbk_node_new(rbk_arena *a, rbk_node_kind k, int file, uint32_t off, uint32_t end);
size_t rbk_node_size(rbk_node_kind k);
/* Makes n a node of kind k, which must be no larger than n's (the parser's `become`). */
void rbk_node_retag(rbk_node *n, rbk_node_kind k);
/* Appends n to l. Arrays grow in place when they end at the arena's top; an outgrown array is
 * recycled for the next list of its size, so building lists leaves little garbage. */
void rbk_nodes_push(rbk_arena *a, rbk_nodes *l, rbk_node *n);
const char *rbk_node_kind_name(rbk_node_kind k);
#endif

/* compiler/ast.h — the syntax tree built by grammar/parser.y, annotated by compiler/sema.c
 * and consumed by compiler/codegen.c. Nodes live in an arena owned by the compilation, so
 * parser error recovery cannot leak them (see docs/internals.md).
 * Positions are byte offsets into the node's source file (rbk_source in compiler/diag.h). */
#ifndef RBK_AST_H
#define RBK_AST_H
#include <stddef.h>
#include <stdint.h>

typedef enum rbk_node_kind {
    /* expressions */
    N_NIL, N_BOOL, N_INT, N_FLOAT, N_DURATION, N_STRING, N_INTERP, N_INTERP_PART,
    N_IDENT, N_LIST, N_MAP, N_MAP_ENTRY, N_UNARY, N_BINARY, N_AND, N_OR, N_NOT, N_FIELD,
    N_INDEX, N_CALL, N_ARG, N_RANGE,
    N_ERROR, /* an expression the parser refused (nested too deeply): reported there */
    /* statements */
    N_BLOCK, N_LET, N_ASSIGN, N_IF, N_FOR, N_RETURN, N_EXPR_STMT, N_EXPECT, N_STOP_IF,
    N_FAIL, N_WATCH,
    /* declarations */
    N_RUNBOOK, N_ENV, N_PARAM, N_USE, N_FN, N_FN_PARAM, N_SECTION, N_STEP, N_STEP_ATTR,
    N_PROGRAM,
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
        uint8_t flags; /* N_STRING, N_INTERP, N_FOR, N_STEP, N_PARAM, env names: RBK_NF_* */
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
    int aux;           /* codegen helpers */
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

/* The child fields a kind has, for walkers that do not switch on the kind: a node has `b`
 * only if it has `a`, and so on (RBK_HAS_LIST implies a, b and c). */
enum { RBK_HAS_A = 1, RBK_HAS_B = 2, RBK_HAS_C = 3, RBK_HAS_LIST = 4 };
/* How many of a, b, c, list n's kind has (0: a leaf; RBK_HAS_LIST: all four). */
int rbk_node_has(const rbk_node *n);

/* N_ENV flags (N_PARAM: RBK_NF_SECRET, set by sema from its modifiers in ->c) */
enum { RBK_NF_SECRET = 1, RBK_NF_OPTIONAL = 2 };
/* N_STRING/N_INTERP flags (flags is one byte) */
enum { RBK_NF_TRIPLE = 4, RBK_NF_RAW = 8 };
/* N_STEP flags */
enum { RBK_NF_IRREVERSIBLE = 16 };
/* N_FOR flags: two variables */
enum { RBK_NF_TWO_VARS = 32 };

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

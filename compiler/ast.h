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
    /* statements */
    N_BLOCK, N_LET, N_ASSIGN, N_IF, N_FOR, N_RETURN, N_EXPR_STMT, N_EXPECT, N_STOP_IF,
    N_FAIL, N_WATCH,
    /* declarations */
    N_RUNBOOK, N_ENV, N_PARAM, N_USE, N_FN, N_FN_PARAM, N_SECTION, N_STEP, N_STEP_ATTR,
    N_PROGRAM,
    N__COUNT
} rbk_node_kind;

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

struct rbk_node {
    uint8_t kind;
    uint8_t op;        /* rbk_binop, or a flag set for some kinds */
    uint16_t file;     /* source file index */
    uint32_t off, end; /* byte span [off, end) */
    /* payload */
    char *str;         /* identifier, string text, field name, label, format spec */
    size_t slen;
    int64_t i;         /* int, duration ms, bool */
    double f;
    rbk_node *a, *b, *c, *d;
    rbk_nodes list;
    rbk_nodes list2;
    int flags;
    /* annotations (sema) */
    struct rbk_ctype *type;
    struct rbk_sym *sym;
    int slot;          /* local/global slot, builtin id, function index ... by sym kind */
    int aux;           /* codegen helpers */
};

/* N_ENV flags */
enum { RBK_NF_SECRET = 1, RBK_NF_OPTIONAL = 2 };
/* N_STRING/N_INTERP flags */
enum { RBK_NF_TRIPLE = 4, RBK_NF_RAW = 8 };
/* N_STEP flags */
enum { RBK_NF_IRREVERSIBLE = 16 };
/* N_FOR flags: two variables */
enum { RBK_NF_TWO_VARS = 32 };

typedef struct rbk_arena rbk_arena;
rbk_arena *rbk_arena_new(void);
void rbk_arena_free(rbk_arena *a);
void *rbk_arena_alloc(rbk_arena *a, size_t n);
char *rbk_arena_strndup(rbk_arena *a, const char *s, size_t n);

rbk_node *rbk_node_new(rbk_arena *a, rbk_node_kind k, int file, uint32_t off, uint32_t end);
void rbk_nodes_push(rbk_arena *a, rbk_nodes *l, rbk_node *n);
const char *rbk_node_kind_name(rbk_node_kind k);
#endif

/* vm/bytecode.h — the in-memory form of a compiled unit (what a .rbc holds) and its
 * (de)serialisation and verification entry points. docs/bytecode.md describes the file.
 * Produced by compiler/codegen.c; written by compiler/bc_write.c; read by vm/bc_load.c,
 * checked by vm/bc_verify.c before the interpreter (vm/interp.c) may touch it.
 * Shares invariants with: vm/opcodes.def (operand layout, stack effects). */
#ifndef RBK_BYTECODE_H
#define RBK_BYTECODE_H
#include <stddef.h>
#include <stdint.h>
#include "../support/sbuf.h"
#include "value.h"

#define RBK_BC_MAGIC "RBKC"      /* 4 bytes */
#define RBK_BC_VERSION 6u        /* bump on any change of layout or opcode semantics */

enum rbk_opflags { RBK_OPF_JUMP = 1, RBK_OPF_END = 2, RBK_OPF_HANDLER = 4, RBK_OPF_MAIN = 8 };
typedef enum rbk_opcode {
#define RBK_OP(name, ops, pop, push, flags, doc) RBK_OP_##name,
#include "opcodes.def"
#undef RBK_OP
    RBK_OP__COUNT
} rbk_opcode;
typedef struct rbk_opinfo {
    const char *name;
    const char *operands; /* letters, see opcodes.def */
    int flags;
    const char *doc;
} rbk_opinfo;
extern const rbk_opinfo rbk_opinfo_table[RBK_OP__COUNT];
/* Stack effect of an instruction given its operands. */
void rbk_op_effect(rbk_opcode op, uint32_t a, uint32_t b, uint32_t c, int64_t *pop, int64_t *push);
/* Size in bytes of an instruction with this opcode (1 + 4 per operand). */
static inline size_t rbk_op_size(const rbk_opinfo *oi) {
    size_t n = 0;
    while (oi->operands[n]) n++;
    return 1 + 4 * n;
}

/* Constants: only these types appear in a constant pool. */
typedef enum rbk_const_kind { RBK_K_INT = 1, RBK_K_FLOAT, RBK_K_STRING, RBK_K_DURATION } rbk_const_kind;

typedef struct rbk_lineinfo {
    uint32_t pc;   /* first instruction offset this entry covers */
    uint32_t off;  /* byte offset in the function's source file */
} rbk_lineinfo;

/* A function's locals and trace slots, at most (vm/bc_verify.c: the VM allocates frames from
 * these counts, so a forged file cannot ask for huge ones). The checker reports a runbook that
 * needs more at the source (compiler/sema.c), never the verifier. */
enum { RBK_BC_MAX_LOCALS = 65535, RBK_BC_MAX_TRACE = 65535 };

typedef struct rbk_function {
    uint32_t name;        /* string constant */
    uint32_t file;        /* source file index */
    uint32_t nparams;     /* parameters are locals 0 .. nparams-1 */
    uint32_t nlocals;     /* including parameters and hidden loop locals */
    uint32_t max_stack;   /* operand stack depth above the locals (verified) */
    uint32_t ntrace;      /* expectation trace slots used by TRACE */
    uint32_t code_len;
    uint8_t *code;
    uint32_t nlines;
    rbk_lineinfo *lines;  /* sorted by pc */
} rbk_function;

enum rbk_step_flags {
    RBK_STEP_IRREVERSIBLE = 1, RBK_STEP_HAS_ROLLBACK = 2,
    RBK_STEP_PER_ITEM = 4,       /* format 6: `step "X {n}" for n in LIST` (docs/fleet.md) */
    RBK_STEP_SERIAL_PCT = 8,     /* serial is a percentage of the items (1..100) */
    RBK_STEP_MAX_FAIL_PCT = 16,  /* max_fail is a percentage of the items (0..100) */
    RBK_STEP_NOTHING_TO_UNDO = 32 /* format 6: its rollback block is empty, `rollback {}` */
};
#define RBK_NONE 0xffffffffu

typedef struct rbk_step {
    uint32_t name;          /* string constant */
    uint32_t section;       /* string constant of the section title, or RBK_NONE */
    uint32_t flags;
    int64_t timeout_ms;     /* 0 = none */
    uint32_t retries;       /* extra attempts */
    int64_t retry_every_ms;
    uint32_t cond_fn;       /* function returning the `if` condition, or RBK_NONE */
    uint32_t body_fn;
    uint32_t rollback_fn;   /* or RBK_NONE */
    uint32_t irreversible;  /* string constant (the reason), or RBK_NONE */
    uint32_t file, off;     /* position of the `step` keyword */
    uint32_t effects;       /* bit set of effect tags used by the body: 1 read, 2 write, 4 gate */
    int64_t worst_ms;       /* worst-case duration bound computed by the compiler, -1 unknown */
    int64_t rollback_timeout_ms; /* `rollback timeout D {` (format 3); 0: the step's timeout_ms */
    /* format 6, a per-item step (RBK_STEP_PER_ITEM; otherwise RBK_NONE and 0): the function
     * returning the list (0 parameters), the one returning an instance's name (1: the item;
     * RBK_NONE: "NAME [ITEM]"); body_fn and rollback_fn then take the item. The batch size and
     * the failures tolerated (percentages with the _PCT flags); the item variable's name and the
     * list's source text (string constants, for plan and doc). */
    uint32_t list_fn, name_fn;
    uint32_t serial, max_fail;
    uint32_t var, list_src;
} rbk_step;

typedef struct rbk_expect_sub {
    uint32_t off, len;      /* span of the sub-expression, relative to the expectation's start */
} rbk_expect_sub;

enum rbk_expect_kind { RBK_EXPECT_EXPECT = 1, RBK_EXPECT_STOP_IF = 2 };
typedef struct rbk_expectation {
    uint32_t kind;
    uint32_t file, off;     /* the condition's span in the source */
    uint32_t source;        /* string constant: the condition's source text */
    uint32_t message;       /* string constant or RBK_NONE: the author's message (static part) */
    uint32_t nsubs;
    rbk_expect_sub *subs;   /* trace slot i describes sub-expression i */
} rbk_expectation;

/* RBK_ENV_HOSTS: not an environment variable but an inventory group (`hosts NAME`,
 * docs/fleet.md): the preflight gives it the list of the group's host values */
/* RBK_ENV_LOCK: not an environment variable but a run lock the runbook declares (`lock "NAME"`,
 * docs/state.md): its name is the lock's; never read by GET_ENV, the preflight leaves it nil */
enum rbk_env_flags { RBK_ENV_SECRET = 1, RBK_ENV_OPTIONAL = 2, RBK_ENV_HOSTS = 4, RBK_ENV_LOCK = 8 };
typedef struct rbk_envdecl {
    uint32_t name;          /* string constant */
    uint32_t flags;
    uint32_t file, off;
} rbk_envdecl;

/* A list or map param's default is a string constant holding its JSON text (the value is made
 * as a --param given in JSON is: vm/vm.c, rbk_param_parse). */
enum rbk_param_type { RBK_PT_STRING = 1, RBK_PT_INT, RBK_PT_FLOAT, RBK_PT_BOOL, RBK_PT_DURATION, RBK_PT_LIST, RBK_PT_MAP };
/* "string", "int", ... as the language spells the type; "?" for no type (vm/unit.c) */
const char *rbk_param_type_name(uint32_t type);
/* RBK_PARAM_SECRET: `param NAME ... secret` — its value is marked and masked from the moment it
 * is read, asked for without echo, and never written to the journal (docs/secrets.md). In the
 * file the flags share the type's word: type | flags << 8 (docs/bytecode.md: why that needs no
 * new format version). */
enum rbk_param_flags { RBK_PARAM_SECRET = 1 };
#define RBK_PARAM_FLAGS_SHIFT 8
typedef struct rbk_paramdecl {
    uint32_t name;          /* string constant */
    uint32_t type;          /* rbk_param_type */
    uint32_t global;        /* global slot it initialises */
    uint32_t deflt;         /* constant index of the default, or RBK_NONE (required) */
    uint32_t file, off;
    uint32_t flags;         /* rbk_param_flags (last, so that positional initialisers may omit it) */
} rbk_paramdecl;

/* What needs the operator: a confirm or an ask (a gate), or a sh/exec with `tty: true`
 * (RBK_GATE_TTY). The preflight reads the table: --answer names, what needs a terminal. */
enum rbk_gate_flags { RBK_GATE_SECRET = 1, RBK_GATE_TTY = 2, RBK_GATE_READ_ONLY = 4 };
typedef struct rbk_gatedecl {
    uint32_t native;        /* builtin index (confirm / ask; sh / exec with RBK_GATE_TTY) */
    uint32_t question;      /* string constant of the literal question (command), or RBK_NONE */
    uint32_t step;          /* step index, or RBK_NONE */
    uint32_t file, off;
    uint32_t name;          /* string constant: the name --answer uses, or RBK_NONE */
    uint32_t flags;         /* rbk_gate_flags: SECRET an ask with the literal `secret: true`,
                               READ_ONLY a tty command with `read_only: true` (a dry run runs it) */
} rbk_gatedecl;

typedef struct rbk_srcinfo {
    uint32_t path;          /* string constant: path as given to the compiler */
    uint8_t sha256[32];
    uint32_t text;          /* string constant: the whole source text (for carets and disasm) */
} rbk_srcinfo;

typedef struct rbk_constant {
    uint32_t kind;          /* rbk_const_kind */
    rbk_value v;            /* INT/FLOAT/DURATION immediate; STRING owns a reference */
} rbk_constant;

typedef struct rbk_unit {
    uint32_t title;         /* string constant or RBK_NONE */
    uint32_t nsources;   rbk_srcinfo *sources;
    uint32_t nconsts;    rbk_constant *consts;
    uint32_t nglobals;   uint32_t *global_names;   /* string constants (for the journal) */
    uint32_t nnatives;   uint32_t *native_names;   /* string constants: builtin names used;
                                                     native operand n indexes this table */
    uint32_t nfuncs;     rbk_function *funcs;      /* funcs[0] is the top-level code */
    uint32_t nsteps;     rbk_step *steps;
    uint32_t nexpects;   rbk_expectation *expects;
    uint32_t nenvs;      rbk_envdecl *envs;
    uint32_t nparams;    rbk_paramdecl *params;
    uint32_t ngates;     rbk_gatedecl *gates;
    uint8_t artifact_sha256[32]; /* of the serialised file (set by write and load) */
} rbk_unit;

void rbk_unit_free(rbk_unit *u);
/* The text of string constant k (its length in *len when len is not NULL: a source text may
 * hold a NUL), or NULL when k is RBK_NONE, out of range or not a string (vm/unit.c). */
const char *rbk_unit_str(const rbk_unit *u, uint32_t k, size_t *len);
/* Serialises deterministically (same unit → same bytes), with a trailing SHA-256 checksum. */
void rbk_bc_write(const rbk_unit *u, rbk_sbuf *out);
/* The same, and also gives the SHA-256 of the whole artifact (what rbk_bc_load sets as
 * artifact_sha256) from the same single pass over the bytes. */
void rbk_bc_write_sha(const rbk_unit *u, rbk_sbuf *out, uint8_t artifact_sha256[32]);
/* Parses and verifies. On failure returns NULL and sets *err to a message (caller frees). */
rbk_unit *rbk_bc_load(const uint8_t *data, size_t len, char **err);
/* The same for bytes this process has just made with rbk_bc_write_sha (the compile-then-reload
 * check): every section is parsed and verified, but the checksum is not recomputed over bytes
 * that were hashed a moment ago, and artifact_sha256 is the writer's. Never for bytes read from
 * a file or a peer: those go through rbk_bc_load. */
rbk_unit *rbk_bc_load_written(const uint8_t *data, size_t len, const uint8_t artifact_sha256[32], char **err);
/* Verifies a unit (also used on in-process compiler output in debug builds). 0 = ok. */
int rbk_bc_verify(const rbk_unit *u, rbk_sbuf *err);
/* Human-readable listing with source positions (runbook disasm). */
void rbk_bc_disasm(const rbk_unit *u, rbk_sbuf *out);
/* Source position of instruction pc in function f: file index and byte offset. */
int rbk_bc_position(const rbk_unit *u, uint32_t f, uint32_t pc, uint32_t *file, uint32_t *off);
#endif

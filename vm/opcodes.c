/* vm/opcodes.c — the opcode table and stack effects, expanded from vm/opcodes.def (the one
 * list of opcodes, docs/contributing.md, convention 1). Nothing here is written by hand per opcode.
 * Shares invariants with: vm/bc_verify.c (reads the effects), vm/interp.c (executes them),
 * tests/gen_opcodes_md.c (docs/opcodes.md). */
#include "bytecode.h"

const rbk_opinfo rbk_opinfo_table[RBK_OP__COUNT] = {
#define RBK_OP(name, ops, pop, push, flags, doc) {#name, ops, flags, doc},
#include "opcodes.def"
#undef RBK_OP
};

void rbk_op_effect(rbk_opcode op, uint32_t a_, uint32_t b_, uint32_t c_, int64_t *pop, int64_t *push) {
    /* The .def expressions are written over a, b, c; evaluate them in 64 bits so that a hostile
     * operand (2 * 0xffffffff) cannot overflow. */
    int64_t a = a_, b = b_, c = c_;
    (void)a; (void)b; (void)c;
    switch (op) {
#define RBK_OP(name, ops, po, pu, flags, doc) \
    case RBK_OP_##name: *pop = (po); *push = (pu); return;
#include "opcodes.def"
#undef RBK_OP
    case RBK_OP__COUNT: break;
    }
    *pop = 0;
    *push = 0;
}

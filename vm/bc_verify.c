/* vm/bc_verify.c — the bytecode verifier: everything the interpreter assumes about a unit is
 * checked here, so that no .rbc (hostile, corrupt or merely stale) can make the VM read out of
 * bounds, underflow or overflow its stack, or jump into the middle of an instruction.
 * Owns: the rules listed in docs/bytecode.md "Verification". Every loop is bounded by the
 * unit's own counts; the stack-depth pass visits each instruction once (worklist).
 * Shares invariants with: vm/opcodes.def (operand letters, stack effects, flags),
 * vm/interp.c (what it may assume), compiler/codegen.c (what it must produce),
 * stdlib/builtins.def (native names and signatures). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "builtins.h"
#include "../support/shquote.h"
#include "../support/urlquote.h"
#include "bytecode.h"

typedef struct vctx {
    const rbk_unit *u;
    rbk_sbuf *err;
    int *native_ids; /* builtin id of each native_names entry */
} vctx;

static int fail(vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(vctx *v, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(v->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* Appends s quoted, non-printable bytes escaped, cut at 40 bytes: safe to show any input. */
static void quote(rbk_sbuf *b, const char *s, size_t n) {
    rbk_sbuf_addc(b, '\'');
    for (size_t i = 0; i < n && i < 40; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') rbk_sbuf_addc(b, (char)c);
        else rbk_sbuf_printf(b, "\\x%02x", c);
    }
    if (n > 40) rbk_sbuf_adds(b, "...");
    rbk_sbuf_addc(b, '\'');
}

static int is_str(const rbk_unit *u, uint32_t k) {
    return k < u->nconsts && u->consts[k].kind == RBK_K_STRING && u->consts[k].v.t == RBK_T_STRING;
}
/* What a message is about: "step 3 name". */
typedef struct where {
    const char *what;
    uint32_t i;
    const char *field;
} where;
#define W(what, i, field) ((where){what, i, field})
#define WFMT "%s %" PRIu32 "%s%s"
#define WARGS(w) (w).what, (w).i, *(w).field ? " " : "", (w).field
static int need_str(vctx *v, uint32_t k, where w) {
    if (is_str(v->u, k)) return 0;
    if (k >= v->u->nconsts)
        return fail(v, WFMT ": constant %" PRIu32 " out of range (%" PRIu32 " constants)", WARGS(w), k, v->u->nconsts);
    return fail(v, WFMT ": constant %" PRIu32 " is not a string", WARGS(w), k);
}
static int opt_str(vctx *v, uint32_t k, where w) { return k == RBK_NONE ? 0 : need_str(v, k, w); }
static size_t text_len(const rbk_unit *u, uint32_t file) { return RBK_AS_STR(u->consts[u->sources[file].text].v)->len; }
/* file < nsources and off within that source's text (== length: the end-of-file position). */
static int need_pos(vctx *v, uint32_t file, uint32_t off, where w) {
    if (file >= v->u->nsources)
        return fail(v, WFMT ": source file %" PRIu32 " out of range (%" PRIu32 " sources)", WARGS(w), file, v->u->nsources);
    if (off > text_len(v->u, file))
        return fail(v, WFMT ": source offset %" PRIu32 " past the end of the file (%zu bytes)", WARGS(w), off,
                    text_len(v->u, file));
    return 0;
}
static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
/* A function's name for messages: only when it is short and printable (a hostile file must
 * not put terminal escapes into an error message). */
static const char *fname(const rbk_unit *u, uint32_t f) {
    if (!is_str(u, u->funcs[f].name)) return "?";
    const rbk_str *s = RBK_AS_STR(u->consts[u->funcs[f].name].v);
    if (s->len > 80) return "<long name>";
    for (size_t i = 0; i < s->len; i++)
        if ((unsigned char)s->data[i] < 0x20 || s->data[i] == 0x7f) return "<unprintable name>";
    return s->data;
}

/* Opcodes whose local operand names a pair of slots (x, x+1). Returns the operand position or -1. */
static int pair_local(rbk_opcode op) {
    switch (op) {
    case RBK_OP_FOR_PREP: case RBK_OP_RANGE_PREP: case RBK_OP_RANGE_NEXT: case RBK_OP_RANGE_LOOP:
    case RBK_OP_WITHIN_BEGIN: case RBK_OP_WITHIN_POLL:
    case RBK_OP_WATCH_BEGIN: case RBK_OP_WATCH_NEXT: return 0;
    case RBK_OP_FOR_NEXT2: return 1;
    default: return -1;
    }
}

/* Opcodes that may jump backward: each polls the interrupt flag and the step's deadline
 * before it does (vm/interp.c: JUMP and RANGE_LOOP via check_budget, WITHIN_POLL and
 * WATCH_NEXT after their wait). Any other backward jump would be a loop the interpreter never
 * polls: a forged unit could spin forever past Ctrl-C and every timeout. */
static int may_jump_back(rbk_opcode op) {
    return op == RBK_OP_JUMP || op == RBK_OP_RANGE_LOOP || op == RBK_OP_WITHIN_POLL || op == RBK_OP_WATCH_NEXT;
}

/* Checks one instruction's operands (everything but jump targets). */
static int check_operands(vctx *v, uint32_t fi, uint32_t pc, rbk_opcode op, const uint32_t *x, int nops) {
    const rbk_unit *u = v->u;
    const rbk_function *f = &u->funcs[fi];
    const rbk_opinfo *oi = &rbk_opinfo_table[op];
    for (int i = 0; i < nops; i++) {
        uint32_t a = x[i];
        const char *what = NULL;
        uint32_t lim = 0;
        switch (oi->operands[i]) {
        case 'k': what = "constant"; lim = u->nconsts; break;
        case 'l': what = "local"; lim = f->nlocals; break;
        case 'g': what = "global"; lim = u->nglobals; break;
        case 'f': what = "function"; lim = u->nfuncs; break;
        case 'n': what = "native"; lim = u->nnatives; break;
        case 's': what = "step"; lim = u->nsteps; break;
        case 'e': what = "expectation"; lim = u->nexpects; break;
        default: break;
        }
        if (what && a >= lim)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s: %s %" PRIu32 " out of range (%" PRIu32 ")",
                        fi, fname(u, fi), pc, oi->name, what, a, lim);
    }
    int pl = pair_local(op);
    if (pl >= 0 && (uint64_t)x[pl] + 1 >= f->nlocals)
        return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s: locals %" PRIu32 "..%" PRIu64
                    " out of range (%" PRIu32 ")", fi, fname(u, fi), pc, oi->name, x[pl], (uint64_t)x[pl] + 1, f->nlocals);
    /* a `for` loop's variable (two slots for FOR_NEXT2) is not one of its hidden pair: the
     * interpreter stores the variable, then the index, and would drop the iterable it is
     * reading or overwrite a reference it just stored (RANGE_NEXT and RANGE_LOOP store only
     * ints, as whole values, and need no such rule) */
    if (op == RBK_OP_FOR_NEXT || op == RBK_OP_FOR_NEXT2) {
        uint64_t l = x[0], var = x[1], nvar = op == RBK_OP_FOR_NEXT2 ? 2 : 1;
        if (var < l + 2 && l < var + nvar)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s: the variable's local %" PRIu64
                        " overlaps the loop's locals %" PRIu64 "..%" PRIu64, fi, fname(u, fi), pc, oi->name, var, l, l + 1);
    }
    switch (op) {
    case RBK_OP_FIELD: case RBK_OP_SECTION: case RBK_OP_INVOKE:
        if (!is_str(u, x[0]))
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s: constant %" PRIu32 " is not a string",
                        fi, fname(u, fi), pc, oi->name, x[0]);
        break;
    case RBK_OP_SHQUOTE_IN:
        if (x[0] >= RBK_SH_NCTX)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": SHQUOTE_IN: unknown shell context %" PRIu32,
                        fi, fname(u, fi), pc, x[0]);
        break;
    case RBK_OP_URLQUOTE:
        if (x[0] == RBK_URL_BASE || x[0] >= RBK_URL_NCTX)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": URLQUOTE: unknown URL part %" PRIu32,
                        fi, fname(u, fi), pc, x[0]);
        break;
    case RBK_OP_SHHEREDOC:
        if (!is_str(u, x[0]))
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s: constant %" PRIu32 " is not a string",
                        fi, fname(u, fi), pc, oi->name, x[0]);
        if (x[1] & ~(uint32_t)RBK_SH_HD_FLAGS)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": SHHEREDOC: unknown flags 0x%" PRIx32,
                        fi, fname(u, fi), pc, x[1]);
        break;
    case RBK_OP_SET_ITEM:
        if (x[0] == 0)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": SET_ITEM: a path of no keys", fi, fname(u, fi), pc);
        break;
    case RBK_OP_SMALLINT:
        if (x[0] > INT32_MAX)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": SMALLINT %" PRIu32 " out of range",
                        fi, fname(u, fi), pc, x[0]);
        break;
    case RBK_OP_GET_ENV:
        if (x[0] >= u->nenvs)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": GET_ENV: environment variable %" PRIu32
                        " out of range (%" PRIu32 ")", fi, fname(u, fi), pc, x[0], u->nenvs);
        break;
    case RBK_OP_TRACE:
        if (x[0] >= f->ntrace)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": TRACE: slot %" PRIu32 " out of range (ntrace %" PRIu32 ")",
                        fi, fname(u, fi), pc, x[0], f->ntrace);
        break;
    case RBK_OP_CALL_FN:
        if (x[1] != u->funcs[x[0]].nparams)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": CALL_FN: function %" PRIu32 " '%s' takes %"
                        PRIu32 " arguments, called with %" PRIu32, fi, fname(u, fi), pc, x[0], fname(u, x[0]),
                        u->funcs[x[0]].nparams, x[1]);
        if (x[0] == 0)
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": CALL_FN: function 0 is the top-level code",
                        fi, fname(u, fi), pc);
        break;
    case RBK_OP_CALL_NATIVE: {
        /* natives index args[0 .. nsig-1] (plus the bind list of an @sql parameter) */
        const rbk_builtin *b = rbk_builtin_get(v->native_ids[x[0]]);
        int sqlbind = 0;
        for (int i = 0; i < b->nparams; i++)
            if (b->params[i].interp == 'Q') sqlbind = 1;
        if (x[1] != (uint32_t)b->nparams && !(sqlbind && x[1] == (uint32_t)b->nparams + 1))
            return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": CALL_NATIVE: '%s' takes %d arguments, called with %" PRIu32,
                        fi, fname(u, fi), pc, b->name, b->nparams, x[1]);
        break;
    }
    default: break;
    }
    return 0;
}

static int flow(vctx *v, uint32_t fi, uint32_t from, int64_t *depth, uint32_t *work, uint32_t *nwork,
                uint32_t to, int64_t d) {
    const rbk_function *f = &v->u->funcs[fi];
    if (d > f->max_stack)
        return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": stack depth %" PRId64 " exceeds max_stack %" PRIu32,
                    fi, fname(v->u, fi), from, d, f->max_stack);
    if (depth[to] < 0) {
        depth[to] = d;
        work[(*nwork)++] = to;
        return 0;
    }
    if (depth[to] != d)
        return fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": inconsistent stack depth (%" PRId64
                    " on one path, %" PRId64 " on another)", fi, fname(v->u, fi), to, depth[to], d);
    return 0;
}

static int verify_code(vctx *v, uint32_t fi) {
    const rbk_unit *u = v->u;
    const rbk_function *f = &u->funcs[fi];
    if (f->code_len == 0 || !f->code)
        return fail(v, "function %" PRIu32 " '%s': empty code", fi, fname(u, fi));
    uint32_t len = f->code_len;
    int rc = -1;
    uint8_t *start = calloc(len, 1);        /* 1 at each instruction boundary */
    int64_t *depth = malloc(sizeof(int64_t) * len);
    uint32_t *work = malloc(sizeof(uint32_t) * len);
    if (!start || !depth || !work) { fail(v, "out of memory"); goto out; }
    for (uint32_t i = 0; i < len; i++) depth[i] = -1;

    /* pass 1: decode into whole instructions, operands in range */
    uint32_t pc = 0, last = 0;
    while (pc < len) {
        uint8_t op = f->code[pc];
        if (op >= RBK_OP__COUNT) { fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": invalid opcode 0x%02x", fi, fname(u, fi), pc, op); goto out; }
        const rbk_opinfo *oi = &rbk_opinfo_table[op];
        size_t sz = rbk_op_size(oi);
        if (sz > len - pc) { fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s runs past the end of the code", fi, fname(u, fi), pc, oi->name); goto out; }
        if ((oi->flags & RBK_OPF_MAIN) && fi != 0) { fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s is only allowed in the top-level code", fi, fname(u, fi), pc, oi->name); goto out; }
        uint32_t x[3] = {0, 0, 0};
        int nops = (int)(sz - 1) / 4;
        for (int i = 0; i < nops; i++) x[i] = rd32(f->code + pc + 1 + 4 * i);
        if (check_operands(v, fi, pc, (rbk_opcode)op, x, nops)) goto out;
        start[pc] = 1;
        last = pc;
        pc += (uint32_t)sz;
    }
    if (!(rbk_opinfo_table[f->code[last]].flags & RBK_OPF_END)) {
        fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": execution can run off the end of the code (%s is not a terminator)",
             fi, fname(u, fi), last, rbk_opinfo_table[f->code[last]].name);
        goto out;
    }
    /* jump targets: relative to the next instruction, on a boundary, inside the function */
    for (pc = 0; pc < len; pc += (uint32_t)rbk_op_size(&rbk_opinfo_table[f->code[pc]])) {
        const rbk_opinfo *oi = &rbk_opinfo_table[f->code[pc]];
        const char *j = strchr(oi->operands, 'j');
        if (!j) continue;
        int64_t next = (int64_t)pc + (int64_t)rbk_op_size(oi);
        int64_t t = next + (int32_t)rd32(f->code + pc + 1 + 4 * (j - oi->operands));
        if (t < 0 || t >= len) { fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s: jump target %" PRId64 " outside the function (0..%" PRIu32 ")", fi, fname(u, fi), pc, oi->name, t, len - 1); goto out; }
        if (!start[t]) { fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s: jump target %04" PRId64 " is inside an instruction", fi, fname(u, fi), pc, oi->name, t); goto out; }
        if (t < next && !may_jump_back((rbk_opcode)f->code[pc])) { fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": %s: jump target %04" PRId64 " is backward (only JUMP, RANGE_LOOP, WITHIN_POLL and WATCH_NEXT may jump back)", fi, fname(u, fi), pc, oi->name, t); goto out; }
    }

    /* pass 2: stack depth by abstract interpretation over the control-flow graph */
    uint32_t nwork = 0;
    depth[0] = 0;
    work[nwork++] = 0;
    while (nwork > 0) {
        pc = work[--nwork];
        uint8_t op = f->code[pc];
        const rbk_opinfo *oi = &rbk_opinfo_table[op];
        size_t sz = rbk_op_size(oi);
        uint32_t x[3] = {0, 0, 0};
        int nops = (int)(sz - 1) / 4;
        for (int i = 0; i < nops; i++) x[i] = rd32(f->code + pc + 1 + 4 * i);
        int64_t d = depth[pc], pop, push;
        rbk_op_effect((rbk_opcode)op, x[0], x[1], x[2], &pop, &push);
        if (pop > d) { fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": stack underflow (%s pops %" PRId64 ", the stack holds %" PRId64 ")", fi, fname(u, fi), pc, oi->name, pop, d); goto out; }
        int64_t nd = d - pop + push;
        if (nd > f->max_stack) { fail(v, "function %" PRIu32 " '%s' at %04" PRIu32 ": stack depth %" PRId64 " exceeds max_stack %" PRIu32, fi, fname(u, fi), pc, nd, f->max_stack); goto out; }
        if (!(oi->flags & RBK_OPF_END) && flow(v, fi, pc, depth, work, &nwork, pc + (uint32_t)sz, nd)) goto out;
        const char *j = strchr(oi->operands, 'j');
        if (j) {
            uint32_t t = (uint32_t)((int64_t)pc + (int64_t)sz + (int32_t)x[j - oi->operands]);
            if ((oi->flags & RBK_OPF_JUMP) && flow(v, fi, pc, depth, work, &nwork, t, nd)) goto out;
            if ((oi->flags & RBK_OPF_HANDLER) && flow(v, fi, pc, depth, work, &nwork, t, d + 1)) goto out;
        }
    }
    rc = 0;
out:
    free(start);
    free(depth);
    free(work);
    return rc;
}

static int need_fn(vctx *v, uint32_t fn, int optional, const char *what, uint32_t si, uint32_t nparams) {
    if (optional && fn == RBK_NONE) return 0;
    if (fn >= v->u->nfuncs || fn == 0)
        return fail(v, "step %" PRIu32 ": %s function %" PRIu32 " out of range (1..%" PRIu32 ")", si, what, fn,
                    v->u->nfuncs ? v->u->nfuncs - 1 : 0);
    if (v->u->funcs[fn].nparams != nparams)
        return fail(v, "step %" PRIu32 ": %s function %" PRIu32 " '%s' takes %" PRIu32 " parameters (must be %" PRIu32 ")", si,
                    what, fn, fname(v->u, fn), v->u->funcs[fn].nparams, nparams);
    return 0;
}

static int verify_unit(vctx *v) {
    const rbk_unit *u = v->u;
    for (uint32_t i = 0; i < u->nconsts; i++) {
        const rbk_constant *k = &u->consts[i];
        static const uint8_t want[] = {0, RBK_T_INT, RBK_T_FLOAT, RBK_T_STRING, RBK_T_DURATION};
        if (k->kind < RBK_K_INT || k->kind > RBK_K_DURATION)
            return fail(v, "constant %" PRIu32 ": unknown kind %" PRIu32, i, k->kind);
        if (k->v.t != want[k->kind])
            return fail(v, "constant %" PRIu32 ": value of type %s for kind %" PRIu32, i,
                        k->v.t < RBK_T__COUNT ? rbk_type_name((rbk_type)k->v.t) : "?", k->kind);
    }
    for (uint32_t i = 0; i < u->nsources; i++) {
        if (need_str(v, u->sources[i].path, W("source", i, "path")) ||
            need_str(v, u->sources[i].text, W("source", i, "text")))
            return -1;
    }
    if (opt_str(v, u->title, W("unit", 0, "title"))) return -1;
    for (uint32_t i = 0; i < u->nglobals; i++) {
        if (need_str(v, u->global_names[i], W("global", i, "name"))) return -1;
    }
    for (uint32_t i = 0; i < u->nnatives; i++) {
        if (need_str(v, u->native_names[i], W("native", i, "name"))) return -1;
        const rbk_str *s = RBK_AS_STR(u->consts[u->native_names[i]].v);
        int id = memchr(s->data, 0, s->len) ? -1 : rbk_builtin_find(s->data);
        if (id < 0) {
            rbk_sbuf_adds(v->err, "unknown builtin ");
            quote(v->err, s->data, s->len);
            return -1;
        }
        v->native_ids[i] = id;
    }
    if (u->nfuncs == 0) return fail(v, "no functions (function 0 is the top-level code)");
    for (uint32_t i = 0; i < u->nfuncs; i++) {
        const rbk_function *f = &u->funcs[i];
        if (need_str(v, f->name, W("function", i, "name"))) return -1;
        if (f->nparams > f->nlocals)
            return fail(v, "function %" PRIu32 " '%s': %" PRIu32 " parameters but %" PRIu32 " locals", i, fname(u, i),
                        f->nparams, f->nlocals);
        if (i == 0 && f->nparams != 0) return fail(v, "function 0 (the top-level code) has parameters");
        /* Limits that keep a forged file from making the VM allocate huge frames. An instruction
         * raises the depth by at most 1 (a handler entry too, from its PROTECT), so no function
         * can need more stack than it has code bytes. */
        _Static_assert(RBK_BC_MAX_LOCALS == RBK_BC_MAX_TRACE, "the message names one limit");
        if (f->nlocals > RBK_BC_MAX_LOCALS || f->ntrace > RBK_BC_MAX_TRACE)
            return fail(v, "function %" PRIu32 " '%s': %" PRIu32 " locals and %" PRIu32 " trace slots (the limit is %u)",
                        i, fname(u, i), f->nlocals, f->ntrace, RBK_BC_MAX_LOCALS);
        if (f->max_stack > f->code_len)
            return fail(v, "function %" PRIu32 " '%s': max_stack %" PRIu32 " is more than %" PRIu32 " bytes of code can use",
                        i, fname(u, i), f->max_stack, f->code_len);
        if (need_pos(v, f->file, 0, W("function", i, ""))) return -1;
        for (uint32_t j = 0; j < f->nlines; j++) {
            if (f->lines[j].pc >= f->code_len)
                return fail(v, "function %" PRIu32 " '%s': line table entry %" PRIu32 ": pc %" PRIu32 " past the code (%" PRIu32 " bytes)",
                            i, fname(u, i), j, f->lines[j].pc, f->code_len);
            if (j > 0 && f->lines[j].pc < f->lines[j - 1].pc)
                return fail(v, "function %" PRIu32 " '%s': line table not sorted at entry %" PRIu32, i, fname(u, i), j);
            if (need_pos(v, f->file, f->lines[j].off, W("function", i, "line table"))) return -1;
        }
    }
    for (uint32_t i = 0; i < u->nfuncs; i++)
        if (verify_code(v, i)) return -1;
    for (uint32_t i = 0; i < u->nsteps; i++) {
        const rbk_step *s = &u->steps[i];
        where what = W("step", i, "");
        if (need_str(v, s->name, what) || opt_str(v, s->section, what) || opt_str(v, s->irreversible, what) ||
            need_pos(v, s->file, s->off, what))
            return -1;
        if (s->flags & ~(uint32_t)(RBK_STEP_IRREVERSIBLE | RBK_STEP_HAS_ROLLBACK | RBK_STEP_PER_ITEM | RBK_STEP_SERIAL_PCT |
                                   RBK_STEP_MAX_FAIL_PCT | RBK_STEP_NOTHING_TO_UNDO))
            return fail(v, "step %" PRIu32 ": unknown flags 0x%" PRIx32, i, s->flags);
        if ((s->flags & RBK_STEP_NOTHING_TO_UNDO) && s->rollback_fn == RBK_NONE)
            return fail(v, "step %" PRIu32 ": an empty rollback block without a rollback function", i);
        uint32_t item = (s->flags & RBK_STEP_PER_ITEM) ? 1 : 0; /* body and rollback take the item */
        if (need_fn(v, s->body_fn, 0, "body", i, item) || need_fn(v, s->cond_fn, 1, "condition", i, 0) ||
            need_fn(v, s->rollback_fn, 1, "rollback", i, item))
            return -1;
        if (item) {
            if (need_fn(v, s->list_fn, 0, "list", i, 0) || need_fn(v, s->name_fn, 1, "instance name", i, 1) ||
                need_str(v, s->var, what) || need_str(v, s->list_src, what))
                return -1;
            if (s->serial < 1 || ((s->flags & RBK_STEP_SERIAL_PCT) && s->serial > 100) || ((s->flags & RBK_STEP_MAX_FAIL_PCT) && s->max_fail > 100))
                return fail(v, "step %" PRIu32 ": serial %" PRIu32 " / max_fail %" PRIu32 " out of range", i, s->serial, s->max_fail);
        } else if (s->list_fn != RBK_NONE || s->name_fn != RBK_NONE || s->var != RBK_NONE || s->list_src != RBK_NONE || s->serial ||
                   s->max_fail || (s->flags & (RBK_STEP_SERIAL_PCT | RBK_STEP_MAX_FAIL_PCT)))
            return fail(v, "step %" PRIu32 ": per-item fields on a step that is not per-item", i);
        if (s->timeout_ms < 0 || s->rollback_timeout_ms < 0)
            return fail(v, "step %" PRIu32 ": negative timeout", i);
        if (s->rollback_timeout_ms && s->rollback_fn == RBK_NONE)
            return fail(v, "step %" PRIu32 ": a rollback timeout without a rollback block", i);
    }
    for (uint32_t i = 0; i < u->nexpects; i++) {
        const rbk_expectation *e = &u->expects[i];
        where what = W("expectation", i, "");
        if (e->kind != RBK_EXPECT_EXPECT && e->kind != RBK_EXPECT_STOP_IF)
            return fail(v, "expectation %" PRIu32 ": unknown kind %" PRIu32, i, e->kind);
        if (need_pos(v, e->file, e->off, what) || need_str(v, e->source, what) || opt_str(v, e->message, what))
            return -1;
        size_t slen = RBK_AS_STR(u->consts[e->source].v)->len;
        for (uint32_t j = 0; j < e->nsubs; j++)
            if ((uint64_t)e->subs[j].off + e->subs[j].len > slen)
                return fail(v, "expectation %" PRIu32 ": sub-expression %" PRIu32 " (%" PRIu32 "+%" PRIu32
                            ") outside its source text (%zu bytes)", i, j, e->subs[j].off, e->subs[j].len, slen);
    }
    for (uint32_t i = 0; i < u->nenvs; i++) {
        const rbk_envdecl *e = &u->envs[i];
        where what = W("environment variable", i, "");
        if (need_str(v, e->name, what) || need_pos(v, e->file, e->off, what)) return -1;
        if (e->flags & ~(uint32_t)(RBK_ENV_SECRET | RBK_ENV_OPTIONAL | RBK_ENV_HOSTS | RBK_ENV_LOCK) ||
            ((e->flags & RBK_ENV_HOSTS) && e->flags != RBK_ENV_HOSTS) || ((e->flags & RBK_ENV_LOCK) && e->flags != RBK_ENV_LOCK))
            return fail(v, "environment variable %" PRIu32 ": unknown flags 0x%" PRIx32, i, e->flags);
        if (e->flags & RBK_ENV_LOCK) { /* a lock name as the checker allows it: non-empty, printable, no comma */
            const rbk_str *ls = RBK_AS_STR(u->consts[e->name].v);
            int ok = ls->len > 0;
            for (size_t k = 0; ok && k < ls->len; k++) ok = (unsigned char)ls->data[k] >= 0x20 && ls->data[k] != 0x7f && ls->data[k] != ',';
            if (!ok) return fail(v, "lock %" PRIu32 ": a lock name is non-empty and printable, without a comma", i);
        }
    }
    for (uint32_t i = 0; i < u->nparams; i++) {
        const rbk_paramdecl *p = &u->params[i];
        where what = W("parameter", i, "");
        if (need_str(v, p->name, what) || need_pos(v, p->file, p->off, what)) return -1;
        if (p->type < RBK_PT_STRING || p->type > RBK_PT_MAP)
            return fail(v, "parameter %" PRIu32 ": unknown type %" PRIu32, i, p->type);
        if (p->flags & ~(uint32_t)RBK_PARAM_SECRET)
            return fail(v, "parameter %" PRIu32 ": unknown flags 0x%" PRIx32, i, p->flags);
        if (p->global >= u->nglobals)
            return fail(v, "parameter %" PRIu32 ": global %" PRIu32 " out of range (%" PRIu32 ")", i, p->global, u->nglobals);
        if (p->deflt != RBK_NONE && p->deflt >= u->nconsts)
            return fail(v, "parameter %" PRIu32 ": default constant %" PRIu32 " out of range (%" PRIu32 ")", i, p->deflt, u->nconsts);
        if ((p->type == RBK_PT_LIST || p->type == RBK_PT_MAP) && p->deflt != RBK_NONE && !is_str(u, p->deflt))
            return fail(v, "parameter %" PRIu32 ": the default of a list or map is its JSON text, not constant %" PRIu32, i, p->deflt);
    }
    for (uint32_t i = 0; i < u->ngates; i++) {
        const rbk_gatedecl *g = &u->gates[i];
        where what = W("gate", i, "");
        if (g->native >= u->nnatives)
            return fail(v, "gate %" PRIu32 ": native %" PRIu32 " out of range (%" PRIu32 ")", i, g->native, u->nnatives);
        const rbk_builtin *gb = rbk_builtin_get(v->native_ids[g->native]);
        if (g->flags & ~(uint32_t)(RBK_GATE_SECRET | RBK_GATE_TTY | RBK_GATE_READ_ONLY))
            return fail(v, "gate %" PRIu32 ": unknown flags 0x%" PRIx32, i, g->flags);
        if ((g->flags & RBK_GATE_TTY) ? strcmp(gb->name, "sh") && strcmp(gb->name, "exec") : gb->effect != RBK_EFF_GATE)
            return fail(v, "gate %" PRIu32 ": native %" PRIu32 " '%s' is not a gate", i, g->native, gb->name);
        if (opt_str(v, g->question, what) || opt_str(v, g->name, what) || need_pos(v, g->file, g->off, what)) return -1;
        if (g->step != RBK_NONE && g->step >= u->nsteps)
            return fail(v, "gate %" PRIu32 ": step %" PRIu32 " out of range (%" PRIu32 ")", i, g->step, u->nsteps);
    }
    return 0;
}

int rbk_bc_verify(const rbk_unit *u, rbk_sbuf *err) {
    vctx v = {u, err, NULL};
    v.native_ids = calloc(u->nnatives ? u->nnatives : 1, sizeof(int));
    if (!v.native_ids) return fail(&v, "out of memory");
    int rc = verify_unit(&v);
    free(v.native_ids);
    return rc;
}

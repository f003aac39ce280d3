/* tests/unit/test_bytecode.c — the .rbc artifact: write → load round trip and determinism,
 * the disassembly, the position lookup, and rejection of every truncated, bit-flipped or
 * forged file and of hand-made units breaking each verifier rule (vm/bc_verify.c).
 * Units are built by hand here (the code generator is tested elsewhere). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stdlib/builtins.h"
#include "support/sha256.h"
#include "vm/bytecode.h"

/* ---- building units by hand ---- */
static uint32_t kadd(rbk_unit *u, uint32_t kind, rbk_value v) {
    u->consts = realloc(u->consts, sizeof *u->consts * (u->nconsts + 1));
    u->consts[u->nconsts].kind = kind;
    u->consts[u->nconsts].v = v;
    return u->nconsts++;
}
static uint32_t kstr(rbk_unit *u, const char *s) { return kadd(u, RBK_K_STRING, rbk_str_cstr(s)); }
static uint32_t kint(rbk_unit *u, int64_t i) { return kadd(u, RBK_K_INT, rbk_int(i)); }

typedef struct code {
    uint8_t *b;
    uint32_t len;
} code;
static uint32_t emit(code *c, rbk_opcode op, ...) {
    uint32_t at = c->len;
    size_t sz = rbk_op_size(&rbk_opinfo_table[op]);
    c->b = realloc(c->b, c->len + sz);
    c->b[c->len++] = (uint8_t)op;
    va_list ap;
    va_start(ap, op);
    for (size_t i = 1; i < sz; i += 4) {
        uint32_t x = va_arg(ap, uint32_t);
        for (int k = 0; k < 4; k++) c->b[c->len++] = (uint8_t)(x >> (8 * k));
    }
    va_end(ap);
    return at;
}
static void set_u32(code *c, uint32_t at, uint32_t x) {
    for (int k = 0; k < 4; k++) c->b[at + k] = (uint8_t)(x >> (8 * k));
}
static rbk_function *fadd(rbk_unit *u, const char *name, uint32_t nparams, uint32_t nlocals, uint32_t max_stack,
                          code *c) {
    u->funcs = realloc(u->funcs, sizeof *u->funcs * (u->nfuncs + 1));
    rbk_function *f = &u->funcs[u->nfuncs++];
    memset(f, 0, sizeof *f);
    f->name = kstr(u, name);
    f->nparams = nparams;
    f->nlocals = nlocals;
    f->max_stack = max_stack;
    f->code = c->b;
    f->code_len = c->len;
    c->b = NULL;
    c->len = 0;
    return f;
}
static void line(rbk_function *f, uint32_t pc, uint32_t off) {
    f->lines = realloc(f->lines, sizeof *f->lines * (f->nlines + 1));
    f->lines[f->nlines].pc = pc;
    f->lines[f->nlines].off = off;
    f->nlines++;
}

static const char *MAIN_SRC = "x = 1 + 2\nprint(x)\n";
static rbk_unit *new_unit(void) {
    rbk_unit *u = rbk_xcalloc(1, sizeof *u);
    u->title = RBK_NONE;
    u->sources = rbk_xcalloc(1, sizeof *u->sources);
    u->nsources = 1;
    u->sources[0].path = kstr(u, "main.rb");
    u->sources[0].text = kstr(u, MAIN_SRC);
    rbk_sha256 h;
    rbk_sha256_init(&h);
    rbk_sha256_update(&h, MAIN_SRC, strlen(MAIN_SRC));
    rbk_sha256_final(&h, u->sources[0].sha256);
    return u;
}
/* main: CONST 1; CONST 2; ADD; POP; HALT */
static rbk_unit *unit_basic(void) {
    rbk_unit *u = new_unit();
    code c = {0};
    uint32_t k1 = kint(u, 1), k2 = kint(u, 2);
    emit(&c, RBK_OP_CONST, k1);
    emit(&c, RBK_OP_CONST, k2);
    uint32_t add = emit(&c, RBK_OP_ADD);
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_HALT);
    rbk_function *f = fadd(u, "<main>", 0, 0, 2, &c);
    line(f, 0, 4);
    line(f, add, 6);
    return u;
}
/* Everything: a step with a body and rollback, a call, a native, jumps, a handler, an
 * expectation, env, param, gate, globals, title, every constant kind. */
static rbk_unit *unit_full(void) {
    rbk_unit *u = new_unit();
    u->title = kstr(u, "Deploy \"the\" thing");
    uint32_t kf = kadd(u, RBK_K_FLOAT, rbk_float(2.5));
    uint32_t kd = kadd(u, RBK_K_DURATION, rbk_duration(90000));
    uint32_t ksec = kstr(u, "Preparation");
    uint32_t kfield = kstr(u, "status");
    u->nglobals = 2;
    u->global_names = rbk_xcalloc(2, sizeof(uint32_t));
    u->global_names[0] = kstr(u, "x");
    u->global_names[1] = kstr(u, "region");
    u->nnatives = 2;
    u->native_names = rbk_xcalloc(2, sizeof(uint32_t));
    u->native_names[0] = kstr(u, "len");
    u->native_names[1] = kstr(u, "confirm");
    u->nenvs = 1;
    u->envs = rbk_xcalloc(1, sizeof *u->envs);
    u->envs[0] = (rbk_envdecl){kstr(u, "TOKEN"), RBK_ENV_SECRET, 0, 0};

    code c = {0};
    /* funcs[0] main */
    emit(&c, RBK_OP_SECTION, ksec);
    emit(&c, RBK_OP_STEP, 0u);
    emit(&c, RBK_OP_CONST, kf);
    emit(&c, RBK_OP_CONST, kd);
    emit(&c, RBK_OP_CALL_FN, 2u, 2u);        /* add(2.5, 90s) */
    emit(&c, RBK_OP_SET_GLOBAL, 0u);
    emit(&c, RBK_OP_GET_ENV, 0u);
    emit(&c, RBK_OP_CALL_NATIVE, 0u, 1u);    /* len(TOKEN) */
    emit(&c, RBK_OP_SMALLINT, 3u);
    emit(&c, RBK_OP_GT);
    uint32_t jf = emit(&c, RBK_OP_JUMP_IF_FALSE, 0u);
    emit(&c, RBK_OP_PROTECT, 0u);
    uint32_t pr = c.len - 5;
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_FIELD, kfield);
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_UNPROTECT);
    uint32_t jmp = emit(&c, RBK_OP_JUMP, 0u);
    uint32_t handler = c.len;
    emit(&c, RBK_OP_POP);                     /* the error value */
    uint32_t end = c.len;
    emit(&c, RBK_OP_HALT);
    set_u32(&c, jf + 1, end - (jf + 5));
    set_u32(&c, pr + 1, handler - (pr + 5));
    set_u32(&c, jmp + 1, end - (jmp + 5));
    rbk_function *f0 = fadd(u, "<main>", 0, 0, 3, &c);
    line(f0, 0, 0);
    line(f0, 5, 4);
    line(f0, handler, 10);
    /* funcs[1] step body: TRACE_RESET; GET_GLOBAL 0; TRACE 0; SMALLINT 1; EQ; NIL; EXPECT 0; NIL; RETURN */
    emit(&c, RBK_OP_TRACE_RESET);
    emit(&c, RBK_OP_GET_GLOBAL, 0u);
    emit(&c, RBK_OP_TRACE, 0u);
    emit(&c, RBK_OP_SMALLINT, 1u);
    emit(&c, RBK_OP_EQ);
    emit(&c, RBK_OP_NIL);                     /* no message */
    emit(&c, RBK_OP_EXPECT, 0u);
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_RETURN);
    rbk_function *f1 = fadd(u, "step body", 0, 0, 2, &c);
    f1->ntrace = 1;
    line(f1, 0, 10);
    /* funcs[2] add(a, b) with a loop over a list and an AND_JUMP */
    emit(&c, RBK_OP_GET_LOCAL, 0u);
    emit(&c, RBK_OP_GET_LOCAL, 1u);
    emit(&c, RBK_OP_LIST, 2u);
    emit(&c, RBK_OP_FOR_PREP, 2u);
    uint32_t loop = emit(&c, RBK_OP_FOR_NEXT, 2u, 4u, 0u);
    emit(&c, RBK_OP_TRUE);                    /* true and false */
    uint32_t aj = emit(&c, RBK_OP_AND_JUMP, 0u);
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_FALSE);
    uint32_t after = c.len;
    set_u32(&c, aj + 1, after - (aj + 5));
    emit(&c, RBK_OP_POP);
    uint32_t back = emit(&c, RBK_OP_JUMP, 0u);
    set_u32(&c, back + 1, (uint32_t)(int32_t)(loop - (back + 5)));
    uint32_t done = c.len;
    set_u32(&c, loop + 9, done - (loop + 13));
    emit(&c, RBK_OP_GET_LOCAL, 0u);
    emit(&c, RBK_OP_GET_LOCAL, 1u);
    emit(&c, RBK_OP_ADD);
    emit(&c, RBK_OP_RETURN);
    rbk_function *f2 = fadd(u, "add", 2, 5, 2, &c);
    line(f2, 0, 10);
    line(f2, done, 16);
    /* funcs[3] rollback */
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_RETURN);
    fadd(u, "rollback", 0, 0, 1, &c);

    u->nsteps = 1;
    u->steps = rbk_xcalloc(1, sizeof *u->steps);
    u->steps[0] = (rbk_step){.name = kstr(u, "check x"), .section = ksec, .flags = RBK_STEP_HAS_ROLLBACK,
                             .timeout_ms = 10000, .retries = 2, .retry_every_ms = 1500, .cond_fn = RBK_NONE,
                             .body_fn = 1, .rollback_fn = 3, .irreversible = RBK_NONE, .file = 0, .off = 10,
                             .effects = 1, .worst_ms = 31500, .rollback_timeout_ms = 1800000, .list_fn = RBK_NONE,
                             .name_fn = RBK_NONE, .var = RBK_NONE, .list_src = RBK_NONE};
    u->nexpects = 1;
    u->expects = rbk_xcalloc(1, sizeof *u->expects);
    u->expects[0] = (rbk_expectation){RBK_EXPECT_EXPECT, 0, 16, kstr(u, "x == 1"), kstr(u, "x must be one"), 1, NULL};
    u->expects[0].subs = rbk_xcalloc(1, sizeof(rbk_expect_sub));
    u->expects[0].subs[0] = (rbk_expect_sub){0, 1};
    u->nparams = 1;
    u->params = rbk_xcalloc(1, sizeof *u->params);
    u->params[0] = (rbk_paramdecl){kstr(u, "region"), RBK_PT_STRING, 1, kstr(u, "eu-west-1"), 0, 0, 0};
    u->ngates = 1;
    u->gates = rbk_xcalloc(1, sizeof *u->gates);
    u->gates[0] = (rbk_gatedecl){1, kstr(u, "Proceed?"), 0, 0, 10, kstr(u, "go"), 0};
    return u;
}

/* Points the jump operand (operand index i) of the instruction at `at` to `target`. */
static void patch_jump(code *c, uint32_t at, int i, uint32_t target) {
    uint32_t next = at + (uint32_t)rbk_op_size(&rbk_opinfo_table[c->b[at]]);
    set_u32(c, at + 1 + 4 * (uint32_t)i, (uint32_t)((int32_t)target - (int32_t)next));
}
/* The remaining opcodes: loops over ranges and maps, polls, watches, calls of values, method
 * calls, guards, text operators. */
static rbk_unit *unit_ops(void) {
    rbk_unit *u = new_unit();
    uint32_t kd = kadd(u, RBK_K_DURATION, rbk_duration(500)), kk = kstr(u, "k"), km = kstr(u, "name");
    u->nexpects = 1;
    u->expects = rbk_xcalloc(1, sizeof *u->expects);
    u->expects[0] = (rbk_expectation){RBK_EXPECT_STOP_IF, 0, 0, kstr(u, "x = 1"), RBK_NONE, 0, NULL};
    code c = {0};
    emit(&c, RBK_OP_NOP);
    emit(&c, RBK_OP_SMALLINT, 1u);
    emit(&c, RBK_OP_SMALLINT, 3u);
    emit(&c, RBK_OP_RANGE_PREP, 0u);
    uint32_t l1 = emit(&c, RBK_OP_RANGE_NEXT, 0u, 2u, 0u);
    emit(&c, RBK_OP_GET_LOCAL, 2u);
    emit(&c, RBK_OP_DUP);
    emit(&c, RBK_OP_SET_LOCAL, 2u);
    emit(&c, RBK_OP_POP);
    patch_jump(&c, emit(&c, RBK_OP_JUMP, 0u), 0, l1);
    patch_jump(&c, l1, 2, c.len);
    /* a range loop as compiler/codegen.c writes it (tested at the top, then at the bottom)
     * around the fused arithmetic: immediate right operand, local right, local left */
    emit(&c, RBK_OP_SMALLINT, 1u);
    emit(&c, RBK_OP_SMALLINT, 3u);
    emit(&c, RBK_OP_RANGE_PREP, 0u);
    uint32_t l3 = emit(&c, RBK_OP_RANGE_NEXT, 0u, 2u, 0u);
    uint32_t body = emit(&c, RBK_OP_GET_LOCAL, 2u);
    static const rbk_opcode fused[] = {RBK_OP_ADD_I, RBK_OP_SUB_I, RBK_OP_MUL_I, RBK_OP_DIV_I, RBK_OP_MOD_I,
                                       RBK_OP_ADD_L, RBK_OP_SUB_L, RBK_OP_MUL_L, RBK_OP_DIV_L, RBK_OP_MOD_L,
                                       RBK_OP_LADD, RBK_OP_LSUB, RBK_OP_LMUL, RBK_OP_LDIV, RBK_OP_LMOD};
    for (size_t i = 0; i < sizeof fused / sizeof fused[0]; i++)
        emit(&c, fused[i], rbk_opinfo_table[fused[i]].operands[0] == 'l' ? 2u : (uint32_t)i + 1);
    emit(&c, RBK_OP_POP);
    patch_jump(&c, emit(&c, RBK_OP_RANGE_LOOP, 0u, 2u, 0u), 2, body);
    patch_jump(&c, l3, 2, c.len);
    emit(&c, RBK_OP_CONST, kk); /* the key and value SET_ITEM sets in the map below */
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_CONST, kk);
    emit(&c, RBK_OP_TRUE);
    emit(&c, RBK_OP_MAP, 1u);
    emit(&c, RBK_OP_SET_ITEM, 1u);
    emit(&c, RBK_OP_FOR_PREP, 3u);
    uint32_t l2 = emit(&c, RBK_OP_FOR_NEXT2, 3u, 5u, 0u);
    patch_jump(&c, emit(&c, RBK_OP_JUMP, 0u), 0, l2);
    patch_jump(&c, l2, 2, c.len);
    emit(&c, RBK_OP_CONST, kd);
    emit(&c, RBK_OP_CONST, kd);
    emit(&c, RBK_OP_WITHIN_BEGIN, 7u);
    uint32_t poll = emit(&c, RBK_OP_TRUE);
    emit(&c, RBK_OP_NIL);
    patch_jump(&c, emit(&c, RBK_OP_WITHIN_POLL, 7u, 0u, 0u), 2, poll);
    emit(&c, RBK_OP_CONST, kd);
    emit(&c, RBK_OP_CONST, kd);
    emit(&c, RBK_OP_WATCH_BEGIN, 9u);
    uint32_t w = emit(&c, RBK_OP_NOP);
    patch_jump(&c, emit(&c, RBK_OP_WATCH_NEXT, 9u, 0u), 1, w);
    emit(&c, RBK_OP_CONST, kk);
    emit(&c, RBK_OP_SMALLINT, 2u);
    emit(&c, RBK_OP_INTERP, 2u);
    emit(&c, RBK_OP_SHQUOTE);
    emit(&c, RBK_OP_SHQUOTE_IN, 2u);
    emit(&c, RBK_OP_SHHEREDOC, kk, 1u);
    emit(&c, RBK_OP_URLQUOTE, 1u);
    emit(&c, RBK_OP_URLQUOTE, 6u);
    emit(&c, RBK_OP_URLSEG);
    emit(&c, RBK_OP_REQUOTE);
    emit(&c, RBK_OP_SQLIDENT);
    emit(&c, RBK_OP_CONST, kk);
    emit(&c, RBK_OP_CONTAINS);
    emit(&c, RBK_OP_NOT);
    uint32_t oj = emit(&c, RBK_OP_OR_JUMP, 0u);
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_FALSE);
    patch_jump(&c, oj, 0, c.len);
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_STOP_IF, 0u);
    static const rbk_opcode binops[] = {RBK_OP_SUB, RBK_OP_MUL, RBK_OP_DIV, RBK_OP_MOD, RBK_OP_NE, RBK_OP_LT,
                                        RBK_OP_LE, RBK_OP_GE, RBK_OP_MATCHES, RBK_OP_IN, RBK_OP_RANGE, RBK_OP_INDEX};
    emit(&c, RBK_OP_SMALLINT, 7u);
    for (size_t i = 0; i < sizeof binops / sizeof binops[0]; i++) {
        emit(&c, RBK_OP_SMALLINT, (uint32_t)i + 1);
        emit(&c, binops[i]);
    }
    emit(&c, RBK_OP_NEG);
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_CALL, 1u);
    emit(&c, RBK_OP_SMALLINT, 1u);
    emit(&c, RBK_OP_INVOKE, km, 1u);
    emit(&c, RBK_OP_LIST, 1u);
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_TRACE_RESET);
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_FAIL);
    emit(&c, RBK_OP_HALT);
    rbk_function *f = fadd(u, "<main>", 0, 11, 4, &c);
    line(f, 0, 0);
    line(f, 40, 19); /* the end of the file */
    /* every opcode appears somewhere in unit_full or here */
    return u;
}

static rbk_sbuf write_unit(const rbk_unit *u) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_bc_write(u, &b);
    return b;
}
static void reseal(uint8_t *d, size_t len) { /* recompute the trailing checksum (a forger's move) */
    rbk_sha256 h;
    rbk_sha256_init(&h);
    rbk_sha256_update(&h, d, len - 32);
    rbk_sha256_final(&h, d + len - 32);
}
static void expect_verify_ok(const rbk_unit *u) {
    rbk_sbuf e = RBK_SBUF_INIT;
    int rc = rbk_bc_verify(u, &e);
    if (rc) print_error("unexpected verifier error: %s\n", rbk_sbuf_cstr(&e));
    assert_int_equal(rc, 0);
    rbk_sbuf_free(&e);
}
/* The unit must fail verification with a message containing want, both directly and when
 * written and loaded. Frees u. */
static void expect_reject(rbk_unit *u, const char *want) {
    rbk_sbuf e = RBK_SBUF_INIT;
    assert_int_not_equal(rbk_bc_verify(u, &e), 0);
    if (!strstr(rbk_sbuf_cstr(&e), want)) print_error("message: %s\nwanted: %s\n", rbk_sbuf_cstr(&e), want);
    assert_non_null(strstr(rbk_sbuf_cstr(&e), want));
    rbk_sbuf_free(&e);
    rbk_sbuf b = write_unit(u);
    char *err = NULL;
    rbk_unit *l = rbk_bc_load((const uint8_t *)b.data, b.len, &err);
    assert_null(l);
    assert_non_null(err);
    assert_non_null(strstr(err, "invalid bytecode: "));
    assert_non_null(strstr(err, want));
    free(err);
    rbk_sbuf_free(&b);
    rbk_unit_free(u);
}

/* ---- round trip ---- */
static void check_round_trip(rbk_unit *u, const char *seed_name) {
    expect_verify_ok(u);
    rbk_sbuf a = write_unit(u), a2 = write_unit(u);
    assert_int_equal(a.len, a2.len);
    assert_memory_equal(a.data, a2.data, a.len); /* determinism */
    char *err = NULL;
    rbk_unit *l = rbk_bc_load((const uint8_t *)a.data, a.len, &err);
    if (!l) print_error("load: %s\n", err);
    assert_non_null(l);
    assert_null(err);
    rbk_sbuf b = write_unit(l);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len); /* load(write(u)) == u, byte for byte */
    char hex[65], hex2[65];
    rbk_sha256_hex(a.data, a.len, hex);
    rbk_sha256_to_hex(l->artifact_sha256, hex2);
    assert_string_equal(hex, hex2);
    assert_int_equal(l->nfuncs, u->nfuncs);
    for (uint32_t i = 0; i < u->nfuncs; i++) {
        assert_int_equal(l->funcs[i].code_len, u->funcs[i].code_len);
        assert_memory_equal(l->funcs[i].code, u->funcs[i].code, u->funcs[i].code_len);
    }
    for (uint32_t i = 0; i < u->nconsts; i++) {
        assert_int_equal(l->consts[i].kind, u->consts[i].kind);
        assert_true(rbk_equal(l->consts[i].v, u->consts[i].v));
    }
    /* seeds for the loader fuzzer: RBK_WRITE_SEEDS=dir */
    const char *dir = getenv("RBK_WRITE_SEEDS");
    if (dir && seed_name) {
        rbk_sbuf p = RBK_SBUF_INIT;
        rbk_sbuf_printf(&p, "%s/%s", dir, seed_name);
        FILE *fp = fopen(p.data, "wb");
        if (fp) { fwrite(a.data, 1, a.len, fp); fclose(fp); }
        rbk_sbuf_free(&p);
    }
    rbk_unit_free(l);
    rbk_sbuf_free(&a);
    rbk_sbuf_free(&a2);
    rbk_sbuf_free(&b);
}
static void test_round_trip_basic(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    check_round_trip(u, "basic");
    rbk_unit_free(u);
}
static void test_round_trip_full(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    check_round_trip(u, "full");
    rbk_unit_free(u);
}
static void test_round_trip_ops(void **st) {
    (void)st;
    rbk_unit *u = unit_ops();
    check_round_trip(u, "ops");
    rbk_unit_free(u);
}
/* Every opcode of opcodes.def appears in a hand-made unit that verifies: a new opcode needs a
 * line here (and a thought about what the verifier must check for it). */
static void test_every_opcode_covered(void **st) {
    (void)st;
    int seen[RBK_OP__COUNT] = {0};
    rbk_unit *units[] = {unit_basic(), unit_full(), unit_ops()};
    for (size_t k = 0; k < 3; k++) {
        expect_verify_ok(units[k]);
        for (uint32_t f = 0; f < units[k]->nfuncs; f++) {
            const rbk_function *fn = &units[k]->funcs[f];
            for (uint32_t pc = 0; pc < fn->code_len; pc += (uint32_t)rbk_op_size(&rbk_opinfo_table[fn->code[pc]]))
                seen[fn->code[pc]] = 1;
        }
        rbk_unit_free(units[k]);
    }
    for (int op = 0; op < RBK_OP__COUNT; op++)
        if (!seen[op]) fail_msg("opcode %s is in no test unit", rbk_opinfo_table[op].name);
}
static void test_header_layout(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    rbk_sbuf b = write_unit(u);
    assert_memory_equal(b.data, "RBKC", 4);
    assert_int_equal((uint8_t)b.data[4], RBK_BC_VERSION);
    uint32_t total = (uint8_t)b.data[8] | (uint8_t)b.data[9] << 8 | (uint8_t)b.data[10] << 16 | (uint32_t)(uint8_t)b.data[11] << 24;
    assert_int_equal(total, b.len);
    assert_memory_equal(b.data + 12, "SRCS", 4);
    rbk_sbuf_free(&b);
    rbk_unit_free(u);
}

/* ---- disassembly and positions ---- */
static void test_disasm(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    rbk_sbuf b = write_unit(u);
    char *err = NULL;
    rbk_unit *l = rbk_bc_load((const uint8_t *)b.data, b.len, &err);
    assert_non_null(l);
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_bc_disasm(l, &out);
    const char *s = rbk_sbuf_cstr(&out);
    const char *want[] = {
        "format version 6",
        "title: \"Deploy \\\"the\\\" thing\"",
        "artifact sha256: ",
        "  0  main.rb  sha256 ",
        "function 0 '<main>'  params 0  locals 0  stack 3",
        "  0000  SECTION     ",
        "; main.rb:1:1  \"Preparation\"",
        "  0005  STEP        0        ; main.rb:1:5  step 'check x'",
        "CALL_FN     2 2      ; main.rb:1:5  2 'add'",
        "CALL_NATIVE 0 1      ; main.rb:1:5  len",
        "GET_ENV     0        ; main.rb:1:5  TOKEN",
        "1m30s",
        "2.5",
        "function 2 'add'  params 2  locals 5",
        "; main.rb:2:7",
        "\"check x\"  at main.rb:2:1",
        "retries 2 every 1.5s  rollback-timeout 30m  worst 31.5s",
        "expect \"x == 1\"  at main.rb:2:7",
        "message \"x must be one\"",
        "trace 0: \"x\"",
        "TOKEN  secret  at main.rb:1:1",
        "region: string  global 1  default \"eu-west-1\"",
        "confirm \"Proceed?\"  name \"go\"  in step \"check x\"",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(s, want[i])) fail_msg("disasm lacks [%s]:\n%s", want[i], s);
    rbk_sbuf_free(&out);
    rbk_unit_free(l);
    rbk_sbuf_free(&b);
    rbk_unit_free(u);
}
/* `param ... secret`: the flag travels in the type's word (type | flags << 8), round-trips, is
 * listed without the default, and an unknown flag is refused. */
static void test_param_flags(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    u->params[0].flags = RBK_PARAM_SECRET;
    check_round_trip(u, NULL);
    rbk_sbuf b = write_unit(u);
    char *err = NULL;
    rbk_unit *l = rbk_bc_load((const uint8_t *)b.data, b.len, &err);
    assert_non_null(l);
    assert_int_equal(l->params[0].type, RBK_PT_STRING);
    assert_int_equal(l->params[0].flags, RBK_PARAM_SECRET);
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_bc_disasm(l, &out);
    const char *s = rbk_sbuf_cstr(&out);
    if (!strstr(s, "region: string  global 1  default (secret, not shown)  secret  at main.rb:"))
        fail_msg("disasm of a secret param:\n%s", s);
    rbk_sbuf_free(&out);
    rbk_unit_free(l);
    rbk_sbuf_free(&b);
    u->params[0].flags = 2;
    expect_reject(u, "parameter 0: unknown flags 0x2"); /* frees u */
}
static void test_position(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    uint32_t file = 9, off = 9;
    assert_int_equal(rbk_bc_position(u, 0, 0, &file, &off), 0);
    assert_int_equal(file, 0);
    assert_int_equal(off, 4);
    assert_int_equal(rbk_bc_position(u, 0, 9, &file, &off), 0); /* inside the first entry */
    assert_int_equal(off, 4);
    assert_int_equal(rbk_bc_position(u, 0, 10, &file, &off), 0);
    assert_int_equal(off, 6);
    assert_int_equal(rbk_bc_position(u, 0, 12, &file, &off), 0);
    assert_int_equal(off, 6);
    assert_int_equal(rbk_bc_position(u, 1, 0, &file, &off), -1);
    rbk_unit_free(u);
}

/* ---- hostile files ---- */
static void test_every_truncation(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    rbk_sbuf b = write_unit(u);
    for (size_t n = 0; n < b.len; n++) {
        uint8_t *copy = malloc(n ? n : 1); /* exact size so ASan sees any over-read */
        memcpy(copy, b.data, n);
        char *err = NULL;
        rbk_unit *l = rbk_bc_load(copy, n, &err);
        assert_null(l);
        assert_non_null(err);
        free(err);
        /* the same prefix with its length field and checksum forged to match */
        if (n >= 44) {
            copy[8] = (uint8_t)n; copy[9] = (uint8_t)(n >> 8); copy[10] = (uint8_t)(n >> 16); copy[11] = (uint8_t)(n >> 24);
            reseal(copy, n);
            l = rbk_bc_load(copy, n, &err);
            assert_null(l);
            assert_non_null(err);
            free(err);
        }
        free(copy);
    }
    rbk_sbuf_free(&b);
    rbk_unit_free(u);
}
static void test_every_bit_flip(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    rbk_sbuf b = write_unit(u);
    uint8_t *copy = malloc(b.len);
    size_t forged_loaded = 0, forged_rejected = 0;
    for (size_t bit = 0; bit < b.len * 8; bit++) {
        memcpy(copy, b.data, b.len);
        copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        char *err = NULL;
        rbk_unit *l = rbk_bc_load(copy, b.len, &err);
        assert_null(l);
        assert_non_null(err);
        if (bit / 8 >= 12) assert_string_equal(err, "checksum mismatch: the file is corrupt");
        free(err);
        if (bit / 8 < b.len - 32) {
            reseal(copy, b.len); /* forged: must still never crash */
            err = NULL;
            l = rbk_bc_load(copy, b.len, &err);
            if (l) {
                forged_loaded++;
                expect_verify_ok(l);
                rbk_sbuf d = RBK_SBUF_INIT; /* a loaded unit can always be listed */
                rbk_bc_disasm(l, &d);
                rbk_sbuf_free(&d);
                rbk_unit_free(l);
            } else {
                forged_rejected++;
                assert_non_null(err);
                free(err);
            }
        }
    }
    print_message("forged single-bit flips: %zu loaded (still valid), %zu rejected\n", forged_loaded, forged_rejected);
    assert_true(forged_rejected > 0);
    free(copy);
    rbk_sbuf_free(&b);
    rbk_unit_free(u);
}
static void test_bad_magic_and_version(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    rbk_sbuf b = write_unit(u);
    char *err = NULL;
    b.data[0] = 'X';
    assert_null(rbk_bc_load((const uint8_t *)b.data, b.len, &err));
    assert_string_equal(err, "not a runbook artifact (bad magic)");
    free(err);
    assert_null(rbk_bc_load((const uint8_t *)"#!/usr/bin/env runbook\nstep \"x\" {}\n", 37, &err));
    assert_string_equal(err, "not a runbook artifact (bad magic)");
    free(err);
    b.data[0] = 'R';
    b.data[4] = 1;
    assert_null(rbk_bc_load((const uint8_t *)b.data, b.len, &err));
    assert_string_equal(err, "built by format version 1; this runbook reads version 6 — recompile the .rb");
    free(err);
    b.data[4] = 2; /* format 2: before the rollback timeout of the step table */
    assert_null(rbk_bc_load((const uint8_t *)b.data, b.len, &err));
    assert_string_equal(err, "built by format version 2; this runbook reads version 6 — recompile the .rb");
    free(err);
    b.data[4] = 3; /* format 3: before gate names and tty: */
    assert_null(rbk_bc_load((const uint8_t *)b.data, b.len, &err));
    assert_string_equal(err, "built by format version 3; this runbook reads version 6 — recompile the .rb");
    free(err);
    b.data[4] = 4; /* format 4: sh and exec before on: (one argument fewer) */
    assert_null(rbk_bc_load((const uint8_t *)b.data, b.len, &err));
    assert_string_equal(err, "built by format version 4; this runbook reads version 6 — recompile the .rb");
    free(err);
    b.data[4] = 5; /* format 5: steps before per-item steps (six fields fewer) */
    assert_null(rbk_bc_load((const uint8_t *)b.data, b.len, &err));
    assert_string_equal(err, "built by format version 5; this runbook reads version 6 — recompile the .rb");
    free(err);
    b.data[4] = (char)RBK_BC_VERSION;
    assert_null(rbk_bc_load((const uint8_t *)b.data, b.len - 1, &err));
    assert_non_null(strstr(err, "truncated: the header says"));
    free(err);
    assert_null(rbk_bc_load((const uint8_t *)b.data, 3, &err));
    assert_non_null(strstr(err, "truncated"));
    free(err);
    assert_null(rbk_bc_load(NULL, 0, &err));
    free(err);
    rbk_sbuf_free(&b);
    rbk_unit_free(u);
}
static void test_forged_huge_count(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    rbk_sbuf b = write_unit(u);
    /* the constant count sits after SRCS (8 + 4 + 40) and CNST's tag and length */
    size_t at = 12 + 8 + 4 + 40 + 8;
    assert_memory_equal(b.data + at - 8, "CNST", 4);
    memset(b.data + at, 0xff, 4);
    reseal((uint8_t *)b.data, b.len);
    char *err = NULL;
    assert_null(rbk_bc_load((const uint8_t *)b.data, b.len, &err));
    assert_non_null(strstr(err, "section CNST: 4294967295 constants cannot fit"));
    free(err);
    rbk_sbuf_free(&b);
    rbk_unit_free(u);
}
static void test_unknown_builtin(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    rbk_str *s = RBK_AS_STR(u->consts[u->native_names[0]].v);
    s->data[0] = 'x'; /* "len" -> "xen" */
    expect_reject(u, "unknown builtin 'xen'");
}

/* ---- verifier rules ---- */
static void test_jump_into_instruction(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_JUMP, (uint32_t)-3); /* back into its own operand */
    emit(&c, RBK_OP_HALT);
    free(u->funcs[0].code);
    u->funcs[0].code = c.b;
    u->funcs[0].code_len = c.len;
    u->funcs[0].nlines = 0;
    expect_reject(u, "jump target 0002 is inside an instruction");
}
static void test_jump_out_of_range(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_JUMP, 1000u);
    emit(&c, RBK_OP_HALT);
    free(u->funcs[0].code);
    u->funcs[0].code = c.b;
    u->funcs[0].code_len = c.len;
    u->funcs[0].nlines = 0;
    expect_reject(u, "outside the function");
}
static void replace_main(rbk_unit *u, code *c, uint32_t max_stack) {
    free(u->funcs[0].code);
    u->funcs[0].code = c->b;
    u->funcs[0].code_len = c->len;
    u->funcs[0].max_stack = max_stack;
    u->funcs[0].nlines = 0;
}
/* A loop the interpreter would never poll (Ctrl-C, the step's timeout): only JUMP,
 * RANGE_LOOP, WITHIN_POLL and WATCH_NEXT may jump backward; a handler is entered forward. */
static void test_backward_jump_rules(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_FALSE);
    emit(&c, RBK_OP_JUMP_IF_FALSE, (uint32_t)-6); /* back to FALSE, for ever */
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 4);
    expect_reject(u, "JUMP_IF_FALSE: jump target 0000 is backward");
    c = (code){0}; /* the unit owns the bytes now */
    u = unit_basic();
    emit(&c, RBK_OP_NOP);
    emit(&c, RBK_OP_PROTECT, (uint32_t)-6); /* its handler is the NOP before it */
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 4);
    expect_reject(u, "PROTECT: jump target 0000 is backward");
    c = (code){0};
    u = unit_basic();
    emit(&c, RBK_OP_NOP);
    emit(&c, RBK_OP_JUMP, (uint32_t)-6); /* JUMP polls: accepted */
    replace_main(u, &c, 4);
    expect_verify_ok(u);
    rbk_unit_free(u);
}
/* A loop's variable is not one of its hidden pair (the interpreter would drop the iterable it
 * reads, or overwrite the reference it just stored: a fuzzer's leak). */
static void test_loop_variable_slots(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_FOR_NEXT2, 3u, 4u, 0u);
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 4);
    u->funcs[0].nlocals = 8;
    expect_reject(u, "FOR_NEXT2: the variable's local 4 overlaps the loop's locals 3..4");
    c = (code){0};
    u = unit_basic();
    emit(&c, RBK_OP_FOR_NEXT, 3u, 3u, 0u);
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 4);
    u->funcs[0].nlocals = 8;
    expect_reject(u, "FOR_NEXT: the variable's local 3 overlaps the loop's locals 3..4");
    c = (code){0};
    u = unit_basic();
    emit(&c, RBK_OP_FOR_NEXT2, 3u, 5u, 0u); /* 5, 6 beside 3, 4: fine */
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 4);
    u->funcs[0].nlocals = 8;
    expect_verify_ok(u);
    rbk_unit_free(u);
}
static void test_stack_underflow(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_CONST, 0u);
    emit(&c, RBK_OP_ADD);
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 4);
    expect_reject(u, "stack underflow (ADD pops 2, the stack holds 1)");
}
static void test_inconsistent_join(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_TRUE);
    emit(&c, RBK_OP_JUMP_IF_FALSE, 1u); /* skips NIL: depth 0 on one path, 1 on the other */
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 4);
    expect_reject(u, "at 0007: inconsistent stack depth");
}
static void test_max_stack_too_small(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    u->funcs[0].max_stack = 1;
    expect_reject(u, "stack depth 2 exceeds max_stack 1");
}
static void test_local_out_of_range(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_GET_LOCAL, 0u);
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 1);
    expect_reject(u, "GET_LOCAL: local 0 out of range (0)");
}
static void test_local_pair_out_of_range(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_FOR_PREP, 0u); /* uses locals 0 and 1 */
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 1);
    u->funcs[0].nlocals = 1;
    expect_reject(u, "FOR_PREP: locals 0..1 out of range (1)");
}
/* RANGE_LOOP reads and writes the range's pair of hidden locals like RANGE_NEXT; the fused
 * arithmetic's local operand is range-checked like GET_LOCAL's. */
static void test_range_loop_and_fused_locals(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    uint32_t top = emit(&c, RBK_OP_NOP);
    patch_jump(&c, emit(&c, RBK_OP_RANGE_LOOP, 1u, 0u, 0u), 2, top); /* locals 1..2 */
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 1);
    u->funcs[0].nlocals = 2;
    expect_reject(u, "RANGE_LOOP: locals 1..2 out of range (2)");

    u = unit_basic();
    c = (code){0};
    emit(&c, RBK_OP_SMALLINT, 1u);
    emit(&c, RBK_OP_LMUL, 3u);
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 1);
    u->funcs[0].nlocals = 3;
    expect_reject(u, "LMUL: local 3 out of range (3)");

    u = unit_basic();
    c = (code){0};
    emit(&c, RBK_OP_MOD_I, 7u); /* pops one: nothing is there */
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 1);
    expect_reject(u, "stack underflow (MOD_I pops 1, the stack holds 0)");

    u = unit_basic();
    c = (code){0};
    emit(&c, RBK_OP_NOP);
    uint32_t j = emit(&c, RBK_OP_RANGE_LOOP, 0u, 1u, 0u);
    patch_jump(&c, j, 2, j + 1); /* into the middle of RANGE_LOOP itself */
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 1);
    u->funcs[0].nlocals = 2;
    expect_reject(u, "RANGE_LOOP: jump target 0002 is inside an instruction");
}
static void test_const_out_of_range(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_CONST, 99u);
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 1);
    expect_reject(u, "CONST: constant 99 out of range");
}
static void test_field_not_string(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_FIELD, 2u); /* constant 2 is the int 1 */
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 1);
    expect_reject(u, "FIELD: constant 2 is not a string");
}
/* SHQUOTE_IN takes one of the five shell contexts, SHHEREDOC a string delimiter and flag 1,
 * URLQUOTE one of the six parts of a URL that are written (1 .. 6; 0, the base, is not). */
static void test_shell_operands(void **st) {
    (void)st;
    static const struct {
        rbk_opcode op;
        uint32_t a, b;
        const char *want;
    } bad[] = {
        {RBK_OP_SHQUOTE_IN, 5u, 0u, "SHQUOTE_IN: unknown shell context 5"},
        {RBK_OP_SHHEREDOC, 2u, 0u, "SHHEREDOC: constant 2 is not a string"},
        {RBK_OP_SHHEREDOC, 0u, 2u, "SHHEREDOC: unknown flags 0x2"},
        {RBK_OP_URLQUOTE, 0u, 0u, "URLQUOTE: unknown URL part 0"},
        {RBK_OP_URLQUOTE, 7u, 0u, "URLQUOTE: unknown URL part 7"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rbk_unit *u = unit_basic();
        code c = {0};
        emit(&c, RBK_OP_NIL);
        if (bad[i].op == RBK_OP_SHQUOTE_IN || bad[i].op == RBK_OP_URLQUOTE) emit(&c, bad[i].op, bad[i].a);
        else emit(&c, bad[i].op, bad[i].a, bad[i].b);
        emit(&c, RBK_OP_POP);
        emit(&c, RBK_OP_HALT);
        replace_main(u, &c, 1);
        expect_reject(u, bad[i].want);
    }
}
/* SET_ITEM sets an item at a path of at least one key */
static void test_set_item_path(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_NIL);
    emit(&c, RBK_OP_SET_ITEM, 0u);
    emit(&c, RBK_OP_POP);
    emit(&c, RBK_OP_HALT);
    replace_main(u, &c, 2);
    expect_reject(u, "SET_ITEM: a path of no keys");
}
static void test_call_fn_arity(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    /* main calls add (2 parameters) with 2 arguments; make it 1 */
    uint8_t *p = u->funcs[0].code;
    uint32_t pc = 0;
    while (p[pc] != RBK_OP_CALL_FN) pc += (uint32_t)rbk_op_size(&rbk_opinfo_table[p[pc]]);
    p[pc + 5] = 1;
    expect_reject(u, "CALL_FN: function 2 'add' takes 2 arguments, called with 1");
}
static void test_native_arity(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    uint8_t *p = u->funcs[0].code;
    uint32_t pc = 0;
    while (p[pc] != RBK_OP_CALL_NATIVE) pc += (uint32_t)rbk_op_size(&rbk_opinfo_table[p[pc]]);
    p[pc + 5] = 0; /* len() with no argument: the native would read args[0] */
    p[pc - 5] = RBK_OP_SMALLINT; /* keep the depth right: GET_ENV 0 -> SMALLINT 0, stack check passes */
    expect_reject(u, "CALL_NATIVE: 'len' takes 1 arguments, called with 0");
}
static void test_main_only_op(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    code c = {0};
    emit(&c, RBK_OP_HALT);
    free(u->funcs[3].code);
    u->funcs[3].code = c.b;
    u->funcs[3].code_len = c.len;
    expect_reject(u, "function 3 'rollback' at 0000: HALT is only allowed in the top-level code");
}
static void test_missing_terminator(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    u->funcs[0].code_len -= 1; /* drop HALT: ends with POP */
    expect_reject(u, "execution can run off the end of the code (POP is not a terminator)");
}
static void test_truncated_instruction(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    u->funcs[0].code[5] = RBK_OP_HALT; /* CONST 1; HALT; then garbage bytes of the second CONST */
    u->funcs[0].code[u->funcs[0].code_len - 1] = RBK_OP_CONST; /* last byte: CONST without operand */
    u->funcs[0].nlines = 1;
    expect_reject(u, "runs past the end of the code");
}
static void test_invalid_opcode(void **st) {
    (void)st;
    rbk_unit *u = unit_basic();
    u->funcs[0].code[0] = 0xee;
    expect_reject(u, "invalid opcode 0xee");
}
static void test_step_rules(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    u->steps[0].body_fn = 2; /* add takes 2 parameters */
    expect_reject(u, "step 0: body function 2 'add' takes 2 parameters (must be 0)");
    u = unit_full();
    u->steps[0].rollback_fn = 0; /* the top-level code */
    expect_reject(u, "step 0: rollback function 0 out of range");
    u = unit_full();
    u->steps[0].name = 3; /* constant 3: the float 2.5 */
    expect_reject(u, "step 0: constant 3 is not a string");
    u = unit_full();
    u->steps[0].rollback_timeout_ms = -1;
    expect_reject(u, "step 0: negative timeout");
    u = unit_full();
    u->steps[0].rollback_fn = RBK_NONE; /* a rollback timeout needs a rollback block */
    u->steps[0].flags = 0;
    expect_reject(u, "step 0: a rollback timeout without a rollback block");
    u = unit_full();
    u->steps[0].rollback_fn = RBK_NONE; /* `rollback {}` is a rollback block */
    u->steps[0].rollback_timeout_ms = 0;
    u->steps[0].flags = RBK_STEP_NOTHING_TO_UNDO;
    expect_reject(u, "step 0: an empty rollback block without a rollback function");
    /* per-item steps (format 6) */
    u = unit_full();
    u->steps[0].serial = 1; /* per-item fields on an ordinary step */
    expect_reject(u, "step 0: per-item fields on a step that is not per-item");
    u = unit_full();
    u->steps[0].flags |= RBK_STEP_PER_ITEM; /* its body must take the item */
    u->steps[0].serial = 1;
    expect_reject(u, "step 0: body function 1");
    u = unit_full();
    u->steps[0].flags |= RBK_STEP_SERIAL_PCT; /* a percentage flag on an ordinary step */
    expect_reject(u, "step 0: per-item fields on a step that is not per-item");
}
static void test_tables(void **st) {
    (void)st;
    rbk_unit *u = unit_full();
    u->expects[0].subs[0].len = 7;
    expect_reject(u, "expectation 0: sub-expression 0 (0+7) outside its source text (6 bytes)");
    u = unit_full();
    u->funcs[2].lines[1].pc = 0;
    u->funcs[2].lines[0].pc = 4;
    expect_reject(u, "line table not sorted");
    u = unit_full();
    u->funcs[0].lines[0].off = 1000;
    expect_reject(u, "source offset 1000 past the end of the file");
    u = unit_full();
    u->gates[0].native = 0;
    expect_reject(u, "gate 0: native 0 'len' is not a gate");
    u = unit_full();
    u->gates[0].native = 2;
    expect_reject(u, "gate 0: native 2 out of range (2)");
    u = unit_full();
    u->gates[0].flags = 8;
    expect_reject(u, "gate 0: unknown flags 0x8");
    u = unit_full();
    u->envs[0] = (rbk_envdecl){kstr(u, "orders-db"), RBK_ENV_LOCK, 0, 0}; /* lock "orders-db" */
    expect_verify_ok(u);
    rbk_unit_free(u);
    u = unit_full();
    u->envs[0].flags = RBK_ENV_LOCK | RBK_ENV_SECRET; /* a lock is nothing else */
    expect_reject(u, "environment variable 0: unknown flags 0x9");
    u = unit_full();
    u->envs[0] = (rbk_envdecl){kstr(u, "a,b"), RBK_ENV_LOCK, 0, 0}; /* the store keeps the names comma separated */
    expect_reject(u, "lock 0: a lock name is non-empty and printable, without a comma");
    u = unit_full();
    u->envs[0] = (rbk_envdecl){kstr(u, ""), RBK_ENV_LOCK, 0, 0};
    expect_reject(u, "lock 0: a lock name is non-empty");
    u = unit_full();
    u->gates[0].flags = RBK_GATE_TTY; /* only sh and exec need a terminal */
    expect_reject(u, "gate 0: native 1 'confirm' is not a gate");
    u = unit_full();
    u->params[0].global = 2;
    expect_reject(u, "parameter 0: global 2 out of range (2)");
    u = unit_full();
    u->funcs[1].ntrace = 0;
    expect_reject(u, "TRACE: slot 0 out of range (ntrace 0)");
    u = unit_full();
    u->funcs[3].max_stack = 3; /* 2 bytes of code */
    expect_reject(u, "function 3 'rollback': max_stack 3 is more than 2 bytes of code can use");
    u = unit_full();
    u->funcs[3].max_stack = 3;
    u->funcs[3].name = kstr(u, "\x1b[2Jgotcha"); /* no terminal escapes in messages */
    expect_reject(u, "function 3 '<unprintable name>': max_stack 3");
    u = unit_full();
    u->funcs[2].nlocals = 65536;
    expect_reject(u, "function 2 'add': 65536 locals and 0 trace slots (the limit is 65535)");
    u = unit_full();
    u->funcs[2].nlocals = 1;
    expect_reject(u, "2 parameters but 1 locals");
    /* an unknown constant kind: the verifier says so; the loader cannot even parse past it */
    u = unit_full();
    u->consts[3].kind = 9;
    rbk_sbuf e = RBK_SBUF_INIT;
    assert_int_not_equal(rbk_bc_verify(u, &e), 0);
    assert_string_equal(rbk_sbuf_cstr(&e), "constant 3: unknown kind 9");
    rbk_sbuf_free(&e);
    rbk_sbuf b = write_unit(u);
    char *err = NULL;
    assert_null(rbk_bc_load((const uint8_t *)b.data, b.len, &err));
    assert_string_equal(err, "section CNST: constant 3: unknown kind 9");
    free(err);
    rbk_sbuf_free(&b);
    rbk_unit_free(u);
}
static void test_handler_depth(void **st) {
    (void)st;
    /* a PROTECT handler is entered with the error on the stack: POP there is fine (unit_full);
     * a handler that jumps to code expecting depth 0 is a join error */
    rbk_unit *u = unit_basic();
    code c = {0};
    emit(&c, RBK_OP_PROTECT, 1u);  /* handler at 0006 = the HALT */
    emit(&c, RBK_OP_UNPROTECT);
    emit(&c, RBK_OP_HALT);         /* reached at depth 0 and at depth 1 */
    replace_main(u, &c, 2);
    expect_reject(u, "at 0006: inconsistent stack depth (");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_basic),
        cmocka_unit_test(test_round_trip_full),
        cmocka_unit_test(test_round_trip_ops),
        cmocka_unit_test(test_every_opcode_covered),
        cmocka_unit_test(test_header_layout),
        cmocka_unit_test(test_disasm),
        cmocka_unit_test(test_param_flags),
        cmocka_unit_test(test_position),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_every_bit_flip),
        cmocka_unit_test(test_bad_magic_and_version),
        cmocka_unit_test(test_forged_huge_count),
        cmocka_unit_test(test_unknown_builtin),
        cmocka_unit_test(test_shell_operands),
        cmocka_unit_test(test_jump_into_instruction),
        cmocka_unit_test(test_jump_out_of_range),
        cmocka_unit_test(test_stack_underflow),
        cmocka_unit_test(test_inconsistent_join),
        cmocka_unit_test(test_max_stack_too_small),
        cmocka_unit_test(test_local_out_of_range),
        cmocka_unit_test(test_local_pair_out_of_range),
        cmocka_unit_test(test_range_loop_and_fused_locals),
        cmocka_unit_test(test_const_out_of_range),
        cmocka_unit_test(test_field_not_string),
        cmocka_unit_test(test_set_item_path),
        cmocka_unit_test(test_call_fn_arity),
        cmocka_unit_test(test_native_arity),
        cmocka_unit_test(test_main_only_op),
        cmocka_unit_test(test_missing_terminator),
        cmocka_unit_test(test_truncated_instruction),
        cmocka_unit_test(test_invalid_opcode),
        cmocka_unit_test(test_step_rules),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_handler_depth),
        cmocka_unit_test(test_backward_jump_rules),
        cmocka_unit_test(test_loop_variable_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

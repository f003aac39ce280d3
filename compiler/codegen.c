/* compiler/codegen.c — checked AST → rbk_unit (vm/bytecode.h). One function per `fn`, per
 * step body, rollback and `if` condition, and funcs[0] for the top-level code, which runs
 * module initialisers, top-level statements and STEP instructions in source order.
 * Reads the annotations of compiler/sema.c (sym, slot, list2, and aux: the RBK_CALL_ and
 * RBK_FIELD_ kinds of compiler/ast.h); emits line tables for every instruction that can fail,
 * and the expectation table with the span of each traced sub-expression (power-assert messages).
 * Shares invariants with: vm/opcodes.def (stack effects), vm/interp.c (semantics). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "../stdlib/builtins.h"
#include "../support/hash.h"
#include "../support/shquote.h"
#include "../support/urlquote.h"
#include "../support/sha256.h"
#include "compiler.h"
#include "holes.h"

typedef struct kslot {
    uint32_t hash;
    uint32_t idx;
} kslot;

typedef struct cg {
    rbk_compiler *c;
    rbk_unit *u;
    uint32_t capconsts;
    kslot *ktab;
    uint32_t kcap;
    int native_of[RBK_BI__COUNT]; /* builtin id -> unit native index + 1 */
    uint32_t capnatives, capexpects, capgates;
    /* function being generated */
    rbk_sbuf code;
    int depth, maxdepth;
    rbk_lineinfo *lines;
    uint32_t nlines, caplines;
    uint32_t last_off;
    int cur_file;        /* the file of the function being generated: positions elsewhere are skipped */
    int fn;
    int step;            /* step index being generated, -1 */
    /* expectation being traced */
    int tracing;
    uint32_t trace_base;
    rbk_expect_sub *subs;
    uint32_t nsubs, capsubs;
    uint32_t maxtrace;
    rbk_node *let;       /* the `let` whose value is being generated: it names an ask in it */
} cg;

static uint32_t hash_key(uint32_t kind, const void *p, size_t n) {
    uint32_t h = rbk_fnv1a_add(RBK_FNV1A_SEED ^ kind, p, n);
    return h ? h : 1;
}
static int const_eq(const rbk_constant *k, uint32_t kind, const void *p, size_t n) {
    if (k->kind != kind) return 0;
    if (kind == RBK_K_STRING) {
        rbk_str *s = RBK_AS_STR(k->v);
        return s->len == n && !memcmp(s->data, p, n);
    }
    return !memcmp(&k->v.as, p, n);
}
static void ktab_grow(cg *g) {
    uint32_t cap = g->kcap ? g->kcap * 2 : 1024;
    kslot *t = rbk_xcalloc(cap, sizeof(kslot));
    for (uint32_t i = 0; i < g->kcap; i++) {
        if (!g->ktab[i].hash) continue;
        uint32_t j = g->ktab[i].hash & (cap - 1);
        while (t[j].hash) j = (j + 1) & (cap - 1);
        t[j] = g->ktab[i];
    }
    free(g->ktab);
    g->ktab = t;
    g->kcap = cap;
}
static uint32_t add_const(cg *g, uint32_t kind, rbk_value v, const void *key, size_t keylen) {
    if (g->u->nconsts * 2 >= g->kcap) ktab_grow(g);
    uint32_t h = hash_key(kind, key, keylen);
    uint32_t j = h & (g->kcap - 1);
    while (g->ktab[j].hash) {
        if (g->ktab[j].hash == h && const_eq(&g->u->consts[g->ktab[j].idx], kind, key, keylen)) {
            rbk_unref(v);
            return g->ktab[j].idx;
        }
        j = (j + 1) & (g->kcap - 1);
    }
    if (g->u->nconsts == g->capconsts) {
        g->capconsts = g->capconsts ? g->capconsts * 2 : 64;
        g->u->consts = rbk_xrealloc(g->u->consts, sizeof(rbk_constant) * g->capconsts);
    }
    uint32_t idx = g->u->nconsts++;
    g->u->consts[idx].kind = kind;
    g->u->consts[idx].v = v;
    g->ktab[j].hash = h;
    g->ktab[j].idx = idx;
    return idx;
}
static uint32_t kstr(cg *g, const char *s, size_t n) {
    return add_const(g, RBK_K_STRING, rbk_str_new(s, n), s, n);
}
static uint32_t kcstr(cg *g, const char *s) { return kstr(g, s, strlen(s)); }
static uint32_t kint(cg *g, int64_t i) { rbk_value v = rbk_int(i); return add_const(g, RBK_K_INT, v, &v.as, sizeof v.as); }
static uint32_t kfloat(cg *g, double f) { rbk_value v = rbk_float(f); return add_const(g, RBK_K_FLOAT, v, &v.as, sizeof v.as); }
static uint32_t kdur(cg *g, int64_t ms) { rbk_value v = rbk_duration(ms); return add_const(g, RBK_K_DURATION, v, &v.as, sizeof v.as); }

static uint32_t native(cg *g, int id) {
    if (g->native_of[id]) return (uint32_t)g->native_of[id] - 1;
    if (g->u->nnatives == g->capnatives) {
        g->capnatives = g->capnatives ? g->capnatives * 2 : 16;
        g->u->native_names = rbk_xrealloc(g->u->native_names, sizeof(uint32_t) * g->capnatives);
    }
    g->u->native_names[g->u->nnatives] = kcstr(g, rbk_builtin_get(id)->name);
    g->native_of[id] = (int)++g->u->nnatives;
    return g->u->nnatives - 1;
}

/* ---------------------------------------------------------------- emission */
static void put32(cg *g, uint32_t v) {
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    rbk_sbuf_add(&g->code, b, 4);
}
static uint32_t pc(cg *g) { return (uint32_t)g->code.len; }
static void mark(cg *g, rbk_node *n) {
    if (!n || n->file != g->cur_file) return; /* e.g. a default argument written in a module */
    uint32_t off = n->off;
    if (g->nlines && g->lines[g->nlines - 1].pc == pc(g)) { g->lines[g->nlines - 1].off = off; g->last_off = off; return; }
    if (g->nlines && g->last_off == off) return;
    if (g->nlines == g->caplines) {
        g->caplines = g->caplines ? g->caplines * 2 : 64;
        g->lines = rbk_xrealloc(g->lines, sizeof(rbk_lineinfo) * g->caplines);
    }
    g->lines[g->nlines].pc = pc(g);
    g->lines[g->nlines].off = off;
    g->nlines++;
    g->last_off = off;
}
static void adjust(cg *g, rbk_opcode op, uint32_t a, uint32_t b, uint32_t c) {
    int64_t pop, push;
    rbk_op_effect(op, a, b, c, &pop, &push);
    g->depth -= (int)pop;
    g->depth += (int)push;
    if (g->depth > g->maxdepth) g->maxdepth = g->depth;
}
static void emit(cg *g, rbk_opcode op) { rbk_sbuf_addc(&g->code, (char)op); adjust(g, op, 0, 0, 0); }
static void emit1(cg *g, rbk_opcode op, uint32_t a) { rbk_sbuf_addc(&g->code, (char)op); put32(g, a); adjust(g, op, a, 0, 0); }
static void emit2(cg *g, rbk_opcode op, uint32_t a, uint32_t b) {
    rbk_sbuf_addc(&g->code, (char)op); put32(g, a); put32(g, b); adjust(g, op, a, b, 0);
}
/* Emits a jump-carrying instruction whose last operand is a placeholder; returns the
 * position of that operand for patch(). */
static uint32_t emit_jump(cg *g, rbk_opcode op, int nops_before, uint32_t a, uint32_t b) {
    rbk_sbuf_addc(&g->code, (char)op);
    if (nops_before >= 1) put32(g, a);
    if (nops_before >= 2) put32(g, b);
    uint32_t at = pc(g);
    put32(g, 0);
    adjust(g, op, a, b, 0);
    return at;
}
static void patch_to(cg *g, uint32_t at, uint32_t target) {
    int32_t rel = (int32_t)target - (int32_t)(at + 4);
    uint32_t v = (uint32_t)rel;
    unsigned char *p = (unsigned char *)g->code.data + at;
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}
static void patch(cg *g, uint32_t at) { patch_to(g, at, pc(g)); }
static void emit_loop(cg *g, rbk_opcode op, int nops_before, uint32_t a, uint32_t b, uint32_t target) {
    uint32_t at = emit_jump(g, op, nops_before, a, b);
    patch_to(g, at, target);
}

#define CERR(node, ...) rbk_diag_add(g->c->diags, RBK_SEV_ERROR, "check", (node)->file, (node)->off, (node)->end, __VA_ARGS__)

static void cexpr(cg *g, rbk_node *n);
static void cblock(cg *g, rbk_node *b);

static void trace(cg *g, rbk_node *n) {
    if (!g->tracing || !rbk_traced(n)) return;
    if (g->nsubs == g->capsubs) {
        g->capsubs = g->capsubs ? g->capsubs * 2 : 8;
        g->subs = rbk_xrealloc(g->subs, sizeof(rbk_expect_sub) * g->capsubs);
    }
    g->subs[g->nsubs].off = n->off - g->trace_base;
    g->subs[g->nsubs].len = n->end - n->off;
    emit1(g, RBK_OP_TRACE, g->nsubs);
    g->nsubs++;
    if (g->nsubs > g->maxtrace) g->maxtrace = g->nsubs;
}

static void cstring_const(cg *g, const char *s, size_t n) { emit1(g, RBK_OP_CONST, kstr(g, s, n)); }

/* Interpolated string (not a command literal). */
static void cinterp(cg *g, rbk_node *n) {
    int parts = 0;
    for (int i = 0; i < n->list.n; i++) {
        rbk_node *p = n->list.items[i];
        if (p->kind == N_STRING) { cstring_const(g, p->str, p->slen); parts++; continue; }
        cexpr(g, p->a);
        const char *fmt = p->b ? p->b->str : NULL;
        if (fmt && !strcmp(fmt, "ident")) { mark(g, p); emit(g, RBK_OP_SQLIDENT); }
        parts++;
    }
    if (parts == 0) cstring_const(g, "", 0);
    else if (parts > 1 || n->list.items[0]->kind != N_STRING) { mark(g, n); emit1(g, RBK_OP_INTERP, (uint32_t)parts); }
}

/* A text piece of a command literal into the current string (*count parts so far). */
static void cpiece(cg *g, const char *s, size_t n, int *count) {
    if (!n) return;
    cstring_const(g, s, n);
    (*count)++;
}
/* An @shell literal (sh's cmd, lang 'S') or an @url literal (the HTTP builtins' url, lang
 * 'U'): each {expr} written for the context it stands in, as compiler/holes.c found it (sema
 * refused the rest, so codegen sees only accepted holes). Shell: SHQUOTE for a word,
 * SHQUOTE_IN for the others; the lines of a here-document body that hold values are each
 * built as one string and checked by SHHEREDOC before they join the command. URL: URLQUOTE
 * for a part of the URL, nothing for its base; each path segment that holds a value is built
 * as one string and checked by URLSEG. */
static void cquoted(cg *g, rbk_node *n, int lang) {
    rbk_piece *pieces;
    unsigned char *fmt;
    rbk_node **parts;
    int nholes = rbk_literal_split(n, &pieces, &fmt, &parts);
    rbk_holes h;
    if (lang == 'S') rbk_sh_holes(&h, pieces, nholes, fmt);
    else rbk_url_holes(&h, pieces, nholes, fmt);
    int outer = 0, inner = 0, grp = -1, next = 0;
    for (int p = 0; p <= nholes; p++) {
        const char *s = pieces[p].s;
        size_t pos = 0;
        for (;;) {
            if (grp >= 0 && h.groups[grp].to_piece == p) {
                rbk_hdgroup *gr = &h.groups[grp];
                cpiece(g, s + pos, gr->to_off - pos, &inner);
                pos = gr->to_off;
                if (inner > 1) { mark(g, parts[gr->first_hole]); emit1(g, RBK_OP_INTERP, (uint32_t)inner); }
                mark(g, parts[gr->first_hole]);
                if (lang == 'S') emit2(g, RBK_OP_SHHEREDOC, kstr(g, gr->delim, gr->dlen), gr->flags);
                else emit(g, RBK_OP_URLSEG);
                outer++;
                grp = -1;
            } else if (grp < 0 && next < h.ngroups && h.groups[next].from_piece == p) {
                cpiece(g, s + pos, h.groups[next].from_off - pos, &outer);
                pos = h.groups[next].from_off;
                grp = next++;
                inner = 0;
            } else {
                break;
            }
        }
        cpiece(g, s + pos, pieces[p].n - pos, grp >= 0 ? &inner : &outer);
        if (p == nholes) break;
        rbk_node *part = parts[p];
        cexpr(g, part->a);
        int ctx = h.holes[p].ctx;
        if (fmt[p] != RBK_HOLE_RAW && (lang == 'S' || ctx != RBK_URL_BASE)) {
            mark(g, part);
            if (lang == 'U') emit1(g, RBK_OP_URLQUOTE, (uint32_t)ctx);
            else if (ctx == RBK_SH_WORD) emit(g, RBK_OP_SHQUOTE);
            else emit1(g, RBK_OP_SHQUOTE_IN, (uint32_t)ctx);
        }
        (*(grp >= 0 ? &inner : &outer))++;
    }
    mark(g, n);
    emit1(g, RBK_OP_INTERP, (uint32_t)outer);
    rbk_holes_free(&h);
    free(pieces);
    free(fmt);
    free(parts);
}
/* The pattern literal of `s matches "..."` (and of an @re parameter, re.match's): each {expr} written as a literal of the pattern
 * (REQUOTE), {x:raw} as it is (compiler/holes.c, rbk_re_holes; sema refused the rest). */
static void cpattern(cg *g, rbk_node *n) {
    int parts = 0;
    for (int i = 0; i < n->list.n; i++) {
        rbk_node *p = n->list.items[i];
        if (p->kind == N_STRING) { cstring_const(g, p->str, p->slen); parts++; continue; }
        cexpr(g, p->a);
        if (!(p->b && !strcmp(p->b->str, "raw"))) { mark(g, p); emit(g, RBK_OP_REQUOTE); }
        parts++;
    }
    mark(g, n);
    emit1(g, RBK_OP_INTERP, (uint32_t)parts);
}
/* An @sql literal: the query text with $1.. placeholders; returns the number of binds,
 * whose values are pushed later by cbinds(). */
static int csql_text(cg *g, rbk_node *n) {
    if (n->kind == N_STRING) { cstring_const(g, n->str, n->slen); return 0; }
    int parts = 0, binds = 0;
    rbk_sbuf text = RBK_SBUF_INIT;
    for (int i = 0; i < n->list.n; i++) {
        rbk_node *p = n->list.items[i];
        const char *fmt = (p->kind == N_INTERP_PART && p->b) ? p->b->str : NULL;
        if (p->kind == N_STRING) { rbk_sbuf_add(&text, p->str, p->slen); continue; }
        if (!fmt) { rbk_sbuf_printf(&text, "$%d", ++binds); continue; }
        if (text.len) { cstring_const(g, text.data, text.len); parts++; rbk_sbuf_reset(&text); }
        cexpr(g, p->a);
        if (!strcmp(fmt, "ident")) { mark(g, p); emit(g, RBK_OP_SQLIDENT); }
        parts++;
    }
    if (text.len || parts == 0) { cstring_const(g, rbk_sbuf_cstr(&text), text.len); parts++; }
    rbk_sbuf_free(&text);
    if (parts > 1) emit1(g, RBK_OP_INTERP, (uint32_t)parts);
    return binds;
}
static void cbinds(cg *g, rbk_node *n, int binds) {
    for (int i = 0; n->kind == N_INTERP && i < n->list.n; i++) {
        rbk_node *p = n->list.items[i];
        if (p->kind == N_INTERP_PART && !p->b) cexpr(g, p->a);
    }
    emit1(g, RBK_OP_LIST, (uint32_t)binds);
}

/* The index of b's parameter called name, or -1. */
static int param_index(const rbk_builtin *b, const char *name) {
    for (int i = 0; i < b->nparams; i++)
        if (!strcmp(b->params[i].name, name)) return i;
    return -1;
}

/* The name --answer gives for a gate: its literal `name:`, else for an ask the variable of
 * the `let` it initialises (docs/cli.md); RBK_NONE when it has none. */
static uint32_t gate_name(cg *g, int id, rbk_node *call) {
    int ni = param_index(rbk_builtin_get(id), "name");
    if (ni < 0) return RBK_NONE;
    rbk_node *a = ni < call->list2.n ? call->list2.items[ni] : NULL;
    if (a && a->kind == N_STRING) return kstr(g, a->str, a->slen);
    if (!a && id == RBK_BI_ASK && g->let && g->let->a == call && g->let->str) return kstr(g, g->let->str, strlen(g->let->str));
    return RBK_NONE;
}

static void record_gate(cg *g, int id, rbk_node *call) {
    rbk_unit *u = g->u;
    const rbk_builtin *b = rbk_builtin_get(id);
    int tty = param_index(b, "tty"), secret = param_index(b, "secret");
    rbk_node *ta = tty >= 0 && tty < call->list2.n ? call->list2.items[tty] : NULL;
    int is_tty = ta && ta->kind == N_BOOL && ta->i;
    if (b->effect != RBK_EFF_GATE && !is_tty) return;
    if (u->ngates == g->capgates) {
        g->capgates = g->capgates ? g->capgates * 2 : 4;
        u->gates = rbk_xrealloc(u->gates, sizeof(rbk_gatedecl) * g->capgates);
    }
    rbk_gatedecl *gd = &u->gates[u->ngates++];
    gd->native = native(g, id);
    rbk_node *q = call->list2.n > 0 ? call->list2.items[0] : NULL;
    gd->question = (q && q->kind == N_STRING) ? kstr(g, q->str, q->slen) : RBK_NONE;
    gd->step = g->step >= 0 ? (uint32_t)g->step : RBK_NONE;
    gd->file = call->file;
    gd->off = call->off;
    gd->name = gate_name(g, id, call);
    rbk_node *sa = b->effect == RBK_EFF_GATE && secret >= 0 && secret < call->list2.n ? call->list2.items[secret] : NULL;
    int ro = b->read_only_param;
    rbk_node *roa = ro >= 0 && ro < call->list2.n ? call->list2.items[ro] : NULL;
    gd->flags = (is_tty ? RBK_GATE_TTY : 0) | (sa && sa->kind == N_BOOL && sa->i ? RBK_GATE_SECRET : 0) |
                (roa && roa->kind == N_BOOL && roa->i ? RBK_GATE_READ_ONLY : 0);
}

static void ccall(cg *g, rbk_node *n) {
    if (n->aux == RBK_CALL_BUILTIN) {
        int id = n->slot;
        const rbk_builtin *b = rbk_builtin_get(id);
        int nargs = b->nparams, sqlp = -1, binds = 0;
        for (int i = 0; i < b->nparams; i++) {
            rbk_node *a = i < n->list2.n ? n->list2.items[i] : NULL;
            if (!a && b->effect == RBK_EFF_GATE && !strcmp(b->params[i].name, "name")) {
                uint32_t k = gate_name(g, id, n); /* an ask named by its `let` */
                if (k != RBK_NONE) emit1(g, RBK_OP_CONST, k);
                else emit(g, RBK_OP_NIL);
                continue;
            }
            if (!a) { emit(g, RBK_OP_NIL); continue; }
            int lit = a->kind == N_STRING || a->kind == N_INTERP;
            if (b->params[i].interp == 'S' && a->kind == N_INTERP) cquoted(g, a, 'S');
            else if (b->params[i].interp == 'U' && a->kind == N_INTERP) { cquoted(g, a, 'U'); trace(g, a); }
            else if (b->params[i].interp == 'R' && a->kind == N_INTERP) { cpattern(g, a); trace(g, a); }
            else if (b->params[i].interp == 'Q' && lit) { sqlp = i; binds = csql_text(g, a); }
            else cexpr(g, a);
        }
        if (sqlp >= 0) { cbinds(g, n->list2.items[sqlp], binds); nargs++; }
        record_gate(g, id, n);
        mark(g, n);
        emit2(g, RBK_OP_CALL_NATIVE, native(g, id), (uint32_t)nargs);
        return;
    }
    if (n->aux == RBK_CALL_FN) {
        int fi = n->slot;
        rbk_fninfo *f = &g->c->fns[fi];
        rbk_node *params = f->decl->a;
        for (int i = 0; i < f->nparams; i++) {
            rbk_node *a = i < n->list2.n ? n->list2.items[i] : NULL;
            if (a) cexpr(g, a);
            else if (params->list.items[i]->a) {
                /* the default is written at the function, not in the traced condition */
                int tracing = g->tracing;
                g->tracing = 0;
                cexpr(g, params->list.items[i]->a);
                g->tracing = tracing;
            } else emit(g, RBK_OP_NIL);
        }
        mark(g, n);
        emit2(g, RBK_OP_CALL_FN, (uint32_t)fi, (uint32_t)f->nparams);
        return;
    }
    if (n->aux == RBK_CALL_METHOD) {
        rbk_node *callee = n->a;
        cexpr(g, callee->a);
        for (int i = 0; i < n->list.n; i++) cexpr(g, rbk_arg_value(n->list.items[i]));
        mark(g, n);
        emit2(g, RBK_OP_INVOKE, kstr(g, callee->str, callee->slen), (uint32_t)n->list.n);
        return;
    }
    CERR(n, "functions cannot be called through a value in this version");
    emit(g, RBK_OP_NIL);
}

static int local_ident(rbk_node *n) { return n->kind == N_IDENT && n->sym && n->sym->kind == SYM_LOCAL; }
/* `a OP b` for the five arithmetic operators, with an operand that needs no instruction of its
 * own: an int literal 0 .. 2^32-1 or a local on the right (`ADD_I k`, `ADD_L l`), or a local on
 * the left (`LADD l`, after the right operand: reading a local has no effect and cannot fail,
 * and no expression assigns one, so reading it last gives the same value). Not while tracing an
 * expectation, whose operands each need their TRACE. The fused instruction carries the
 * operator's position, as the operator did. Returns 1 when it emitted the expression. */
static int carith_fused(cg *g, rbk_node *n, rbk_opcode op) {
    if (g->tracing || op < RBK_OP_ADD || op > RBK_OP_MOD) return 0;
    int k = (int)(op - RBK_OP_ADD);
    static const rbk_opcode imm[] = {RBK_OP_ADD_I, RBK_OP_SUB_I, RBK_OP_MUL_I, RBK_OP_DIV_I, RBK_OP_MOD_I};
    static const rbk_opcode rloc[] = {RBK_OP_ADD_L, RBK_OP_SUB_L, RBK_OP_MUL_L, RBK_OP_DIV_L, RBK_OP_MOD_L};
    static const rbk_opcode lloc[] = {RBK_OP_LADD, RBK_OP_LSUB, RBK_OP_LMUL, RBK_OP_LDIV, RBK_OP_LMOD};
    if (n->b->kind == N_INT && n->b->i >= 0 && n->b->i <= (int64_t)UINT32_MAX) {
        cexpr(g, n->a);
        mark(g, n);
        emit1(g, imm[k], (uint32_t)n->b->i);
        return 1;
    }
    if (local_ident(n->b)) {
        cexpr(g, n->a);
        mark(g, n);
        emit1(g, rloc[k], (uint32_t)n->b->sym->index);
        return 1;
    }
    if (local_ident(n->a)) {
        cexpr(g, n->b);
        mark(g, n);
        emit1(g, lloc[k], (uint32_t)n->a->sym->index);
        return 1;
    }
    return 0;
}

static void cexpr(cg *g, rbk_node *n) {
    switch (n->kind) {
    case N_NIL: emit(g, RBK_OP_NIL); break;
    case N_BOOL: emit(g, n->i ? RBK_OP_TRUE : RBK_OP_FALSE); break;
    case N_INT:
        if (n->i >= 0 && n->i <= 0x7fffffff) emit1(g, RBK_OP_SMALLINT, (uint32_t)n->i);
        else emit1(g, RBK_OP_CONST, kint(g, n->i));
        break;
    case N_FLOAT: emit1(g, RBK_OP_CONST, kfloat(g, n->f)); break;
    case N_DURATION: emit1(g, RBK_OP_CONST, kdur(g, n->i)); break;
    case N_STRING: cstring_const(g, n->str, n->slen); break;
    case N_INTERP: cinterp(g, n); break;
    case N_IDENT: {
        rbk_sym *y = n->sym;
        if (!y) { CERR(n, "builtins are not values in this version; call `%s(...)`", n->str); emit(g, RBK_OP_NIL); break; }
        if (y->kind == SYM_LOCAL) emit1(g, RBK_OP_GET_LOCAL, (uint32_t)y->index);
        else if (y->kind == SYM_GLOBAL) { mark(g, n); emit1(g, RBK_OP_GET_GLOBAL, (uint32_t)y->index); }
        else { CERR(n, "functions are not values in this version; call `%s(...)`", n->str); emit(g, RBK_OP_NIL); }
        break;
    }
    case N_LIST:
        for (int i = 0; i < n->list.n; i++) cexpr(g, n->list.items[i]);
        mark(g, n); /* building it can fail (nesting past 1,000 levels): the error is at the `[` */
        emit1(g, RBK_OP_LIST, (uint32_t)n->list.n);
        break;
    case N_MAP:
        for (int i = 0; i < n->list.n; i++) {
            rbk_node *e = n->list.items[i];
            if (e->a) cexpr(g, e->a);
            else cstring_const(g, e->str, e->slen);
            cexpr(g, e->b);
        }
        mark(g, n);
        emit1(g, RBK_OP_MAP, (uint32_t)n->list.n);
        break;
    case N_UNARY: cexpr(g, n->a); mark(g, n); emit(g, RBK_OP_NEG); break;
    case N_NOT: cexpr(g, n->a); mark(g, n); emit(g, RBK_OP_NOT); break;
    case N_AND:
    case N_OR: {
        cexpr(g, n->a);
        mark(g, n);
        uint32_t j = emit_jump(g, n->kind == N_AND ? RBK_OP_AND_JUMP : RBK_OP_OR_JUMP, 0, 0, 0);
        emit(g, RBK_OP_POP);
        cexpr(g, n->b);
        mark(g, n);
        emit(g, RBK_OP_NOT); emit(g, RBK_OP_NOT); /* the right side must be a bool too */
        patch(g, j);
        break;
    }
    case N_BINARY: {
        static const rbk_opcode ops[] = {RBK_OP_NOP, RBK_OP_ADD, RBK_OP_SUB, RBK_OP_MUL, RBK_OP_DIV, RBK_OP_MOD,
                                         RBK_OP_EQ, RBK_OP_NE, RBK_OP_LT, RBK_OP_LE, RBK_OP_GT, RBK_OP_GE,
                                         RBK_OP_CONTAINS, RBK_OP_MATCHES, RBK_OP_IN};
        if (carith_fused(g, n, ops[n->op])) break;
        cexpr(g, n->a);
        if (n->op == OP_MATCHES && n->b->kind == N_INTERP) { cpattern(g, n->b); trace(g, n->b); }
        else cexpr(g, n->b);
        mark(g, n);
        emit(g, ops[n->op]);
        break;
    }
    case N_RANGE: cexpr(g, n->a); cexpr(g, n->b); mark(g, n); emit(g, RBK_OP_RANGE); break;
    case N_FIELD:
        if (n->aux == RBK_FIELD_ENV) { emit1(g, RBK_OP_GET_ENV, (uint32_t)n->slot); break; }
        if (n->aux == RBK_FIELD_BUILTIN) { CERR(n, "builtins are not values in this version; call it"); emit(g, RBK_OP_NIL); break; }
        if (n->aux == RBK_FIELD_MODULE) {
            rbk_sym *y = n->sym;
            if (y->kind == SYM_GLOBAL) { mark(g, n); emit1(g, RBK_OP_GET_GLOBAL, (uint32_t)y->index); }
            else { CERR(n, "functions are not values in this version; call it"); emit(g, RBK_OP_NIL); }
            break;
        }
        cexpr(g, n->a);
        { rbk_node at = {.file = n->file, .off = rbk_field_name_off(n)}; mark(g, &at); } /* the field name's position */
        emit1(g, RBK_OP_FIELD, kstr(g, n->str, n->slen));
        break;
    case N_INDEX: cexpr(g, n->a); cexpr(g, n->b); mark(g, n); emit(g, RBK_OP_INDEX); break;
    case N_CALL: ccall(g, n); break;
    default: CERR(n, "internal: cannot generate %s", rbk_node_kind_name(n->kind)); emit(g, RBK_OP_NIL); break;
    }
    trace(g, n);
}

static uint32_t new_expect(cg *g, rbk_node *stmt, int kind) {
    rbk_unit *u = g->u;
    if (u->nexpects == g->capexpects) {
        g->capexpects = g->capexpects ? g->capexpects * 2 : 16;
        u->expects = rbk_xrealloc(u->expects, sizeof(rbk_expectation) * g->capexpects);
    }
    uint32_t e = u->nexpects++;
    rbk_expectation *x = &u->expects[e];
    memset(x, 0, sizeof *x);
    rbk_node *cond = stmt->a;
    x->kind = (uint32_t)kind;
    x->file = cond->file;
    x->off = cond->off;
    const char *text = g->c->sources->items[cond->file]->text;
    x->source = kstr(g, text + cond->off, cond->end - cond->off);
    x->message = (stmt->c && stmt->c->kind == N_STRING) ? kstr(g, stmt->c->str, stmt->c->slen) : RBK_NONE;
    return e;
}
static void finish_expect(cg *g, uint32_t e) {
    rbk_expectation *x = &g->u->expects[e];
    x->nsubs = g->nsubs;
    x->subs = g->nsubs ? rbk_xmalloc(sizeof(rbk_expect_sub) * g->nsubs) : NULL;
    if (g->nsubs) memcpy(x->subs, g->subs, sizeof(rbk_expect_sub) * g->nsubs);
    g->nsubs = 0;
    g->tracing = 0;
}
static void ctraced_cond(cg *g, rbk_node *cond) {
    g->tracing = 1;
    g->nsubs = 0;
    g->trace_base = cond->off;
    emit(g, RBK_OP_TRACE_RESET);
    cexpr(g, cond);
    g->tracing = 0;
}
static void cmsg(cg *g, rbk_node *msg) {
    if (msg) cexpr(g, msg);
    else emit(g, RBK_OP_NIL);
}

/* `x[k1][k2] = v` (`.k` is ["k"]): the keys in source order, the value, then the variable (read
 * last, after anything the keys and the value call), SET_ITEM with the path's length, and the
 * result stored back: `x = x with [k1][k2] set to v`. */
static void cset_item(cg *g, rbk_node *n) {
    uint32_t depth = 0;
    for (rbk_node *t = n->b; t->kind == N_INDEX || t->kind == N_FIELD; t = t->a) depth++;
    rbk_node **levels = rbk_xmalloc(sizeof(rbk_node *) * depth);
    uint32_t i = depth;
    for (rbk_node *t = n->b; t->kind == N_INDEX || t->kind == N_FIELD; t = t->a) levels[--i] = t;
    for (i = 0; i < depth; i++) {
        if (levels[i]->kind == N_INDEX) cexpr(g, levels[i]->b);
        else emit1(g, RBK_OP_CONST, kstr(g, levels[i]->str, levels[i]->slen));
    }
    free(levels);
    cexpr(g, n->a);
    rbk_sym *y = n->sym;
    if (!y) { for (i = 0; i <= depth; i++) emit(g, RBK_OP_POP); return; }
    mark(g, n);
    emit1(g, y->kind == SYM_GLOBAL ? RBK_OP_GET_GLOBAL : RBK_OP_GET_LOCAL, (uint32_t)y->index);
    mark(g, n->b);
    emit1(g, RBK_OP_SET_ITEM, depth);
    mark(g, n);
    emit1(g, y->kind == SYM_GLOBAL ? RBK_OP_SET_GLOBAL : RBK_OP_SET_LOCAL, (uint32_t)y->index);
}

/* The JSON text of a list or map param's default (bytecode.h: the default of such a param is
 * made from it as a --param in JSON is); the checker let only JSON's kinds of literal through. */
static void json_literal(rbk_sbuf *b, const rbk_node *n) {
    int neg = n->kind == N_UNARY;
    if (neg) n = n->a;
    switch (n->kind) {
    case N_STRING: rbk_sbuf_add_json_str(b, n->str, n->slen); break;
    case N_INT: rbk_sbuf_printf(b, "%s%" PRId64, neg ? "-" : "", n->i); break;
    case N_FLOAT: {
        size_t at = b->len;
        rbk_sbuf_printf(b, "%s%.17g", neg ? "-" : "", n->f);
        if (!strpbrk(b->data + at, ".eE")) rbk_sbuf_adds(b, ".0"); /* a float, not an int */
        break;
    }
    case N_BOOL: rbk_sbuf_adds(b, n->i ? "true" : "false"); break;
    case N_LIST:
        rbk_sbuf_addc(b, '[');
        for (int i = 0; i < n->list.n; i++) {
            if (i) rbk_sbuf_addc(b, ',');
            json_literal(b, n->list.items[i]);
        }
        rbk_sbuf_addc(b, ']');
        break;
    case N_MAP:
        rbk_sbuf_addc(b, '{');
        for (int i = 0; i < n->list.n; i++) {
            const rbk_node *e = n->list.items[i];
            if (i) rbk_sbuf_addc(b, ',');
            if (e->a) rbk_sbuf_add_json_str(b, e->a->str, e->a->slen);
            else rbk_sbuf_add_json_str(b, e->str, e->slen);
            rbk_sbuf_addc(b, ':');
            json_literal(b, e->b);
        }
        rbk_sbuf_addc(b, '}');
        break;
    default: rbk_sbuf_adds(b, "null"); break;
    }
}

static void cstmt(cg *g, rbk_node *n) {
    if (!n) return;
    mark(g, n);
    switch (n->kind) {
    case N_LET:
    case N_ASSIGN: {
        rbk_sym *y = n->sym;
        if (n->kind == N_ASSIGN && n->b) { cset_item(g, n); break; }
        g->let = n->kind == N_LET ? n : NULL; /* an ask's name is its let's (--answer) */
        cexpr(g, n->a);
        g->let = NULL;
        if (!y) { emit(g, RBK_OP_POP); break; }
        mark(g, n);
        if (y->kind == SYM_GLOBAL) emit1(g, RBK_OP_SET_GLOBAL, (uint32_t)y->index);
        else emit1(g, RBK_OP_SET_LOCAL, (uint32_t)y->index);
        break;
    }
    case N_IF: {
        cexpr(g, n->a);
        mark(g, n->a);
        if (!n->c) {
            uint32_t jf = emit_jump(g, RBK_OP_JUMP_IF_FALSE, 0, 0, 0);
            cblock(g, n->b);
            patch(g, jf);
            break;
        }
        /* With an else, an undecidable condition (--dry-run: it depends on a write that was
         * not done) must run neither block, so the condition is kept for a second test:
         *   c DUP JUMP_IF_FALSE else POP then-block JUMP end
         *   else: NOT AND_JUMP skip POP else-block JUMP end   skip: POP   end:
         * At `else` the condition is false or unverified; NOT keeps an unverified value so and
         * AND_JUMP jumps over the else-block on it (JUMP_IF_FALSE has already noted it). */
        int d0 = g->depth;
        emit(g, RBK_OP_DUP);
        uint32_t jf = emit_jump(g, RBK_OP_JUMP_IF_FALSE, 0, 0, 0);
        emit(g, RBK_OP_POP);
        cblock(g, n->b);
        uint32_t je = emit_jump(g, RBK_OP_JUMP, 0, 0, 0);
        patch(g, jf);
        g->depth = d0; /* the condition, still on the stack at `else` */
        emit(g, RBK_OP_NOT);
        uint32_t js = emit_jump(g, RBK_OP_AND_JUMP, 0, 0, 0);
        emit(g, RBK_OP_POP);
        if (n->c->kind == N_IF) cstmt(g, n->c);
        else cblock(g, n->c);
        uint32_t je2 = emit_jump(g, RBK_OP_JUMP, 0, 0, 0);
        patch(g, js);
        g->depth = d0;
        emit(g, RBK_OP_POP);
        patch(g, je);
        patch(g, je2);
        break;
    }
    case N_FOR: {
        uint32_t hidden = (uint32_t)n->slot, var = (uint32_t)n->sym->index;
        uint32_t loop, exit_at;
        if (n->a->kind == N_RANGE) {
            /* tested at the top once, then at the bottom: RANGE_LOOP assigns the next value and
             * jumps back to the body (one instruction per iteration instead of two) */
            cexpr(g, n->a->a);
            cexpr(g, n->a->b);
            mark(g, n->a);
            emit1(g, RBK_OP_RANGE_PREP, hidden);
            exit_at = emit_jump(g, RBK_OP_RANGE_NEXT, 2, hidden, var);
            loop = pc(g);
            cblock(g, n->b);
            mark(g, n->a); /* a timeout or interrupt noticed at the bottom is reported at the range */
            emit_loop(g, RBK_OP_RANGE_LOOP, 2, hidden, var, loop);
            patch(g, exit_at);
            break;
        } else {
            cexpr(g, n->a);
            mark(g, n->a);
            emit1(g, RBK_OP_FOR_PREP, hidden);
            loop = pc(g);
            exit_at = emit_jump(g, (n->flags & RBK_NF_TWO_VARS) ? RBK_OP_FOR_NEXT2 : RBK_OP_FOR_NEXT, 2, hidden, var);
        }
        cblock(g, n->b);
        emit_loop(g, RBK_OP_JUMP, 0, 0, 0, loop);
        patch(g, exit_at);
        break;
    }
    case N_RETURN:
        if (n->a) cexpr(g, n->a);
        else emit(g, RBK_OP_NIL);
        emit(g, RBK_OP_RETURN);
        break;
    case N_EXPR_STMT:
        cexpr(g, n->a);
        emit(g, RBK_OP_POP);
        break;
    case N_EXPECT: {
        uint32_t e = new_expect(g, n, RBK_EXPECT_EXPECT);
        if (!n->b) {
            ctraced_cond(g, n->a);
            cmsg(g, n->c);
            mark(g, n->a);
            emit1(g, RBK_OP_EXPECT, e);
        } else {
            cexpr(g, n->b->a);
            if (n->b->b) cexpr(g, n->b->b);
            else emit1(g, RBK_OP_CONST, kdur(g, 2000));
            mark(g, n);
            emit1(g, RBK_OP_WITHIN_BEGIN, (uint32_t)n->slot);
            uint32_t loop = pc(g);
            uint32_t prot = emit_jump(g, RBK_OP_PROTECT, 0, 0, 0);
            int d0 = g->depth;
            ctraced_cond(g, n->a);
            emit(g, RBK_OP_UNPROTECT);
            patch(g, prot);
            g->depth = d0 + 1;
            cmsg(g, n->c);
            mark(g, n->a);
            emit_loop(g, RBK_OP_WITHIN_POLL, 2, (uint32_t)n->slot, e, loop);
        }
        finish_expect(g, e);
        break;
    }
    case N_STOP_IF: {
        uint32_t e = new_expect(g, n, RBK_EXPECT_STOP_IF);
        ctraced_cond(g, n->a);
        cmsg(g, n->c);
        mark(g, n->a);
        emit1(g, RBK_OP_STOP_IF, e);
        finish_expect(g, e);
        break;
    }
    case N_FAIL:
        cexpr(g, n->a);
        mark(g, n);
        emit(g, RBK_OP_FAIL);
        break;
    case N_WATCH: {
        cexpr(g, n->a);
        cexpr(g, n->b);
        mark(g, n);
        emit1(g, RBK_OP_WATCH_BEGIN, (uint32_t)n->slot);
        uint32_t loop = pc(g);
        cblock(g, n->c);
        mark(g, n);
        emit_loop(g, RBK_OP_WATCH_NEXT, 1, (uint32_t)n->slot, 0, loop);
        break;
    }
    default: CERR(n, "internal: cannot generate statement %s", rbk_node_kind_name(n->kind)); break;
    }
}
static void cblock(cg *g, rbk_node *b) {
    if (!b) return;
    for (int i = 0; i < b->list.n; i++) cstmt(g, b->list.items[i]);
}

static void begin_fn(cg *g, int fi) {
    g->cur_file = fi < g->c->nfns && g->c->fns[fi].decl ? g->c->fns[fi].decl->file : g->c->root_file;
    rbk_sbuf_reset(&g->code);
    g->depth = g->maxdepth = 0;
    g->nlines = 0;
    g->last_off = (uint32_t)-1;
    g->fn = fi;
    g->maxtrace = 0;
}
static void end_fn(cg *g, int fi, rbk_node *decl, const char *name, int file) {
    rbk_function *f = &g->u->funcs[fi];
    rbk_fninfo *info = &g->c->fns[fi];
    f->name = kcstr(g, name);
    f->file = (uint32_t)(decl ? decl->file : file);
    /* a `fn`'s parameters; a per-item step's body, rollback and name take the item (sema.c) */
    f->nparams = (uint32_t)(info->decl && (info->decl->kind == N_FN || info->decl->kind == N_STEP) ? info->nparams : 0);
    f->nlocals = (uint32_t)info->nlocals;
    if (f->nlocals < f->nparams) f->nlocals = f->nparams;
    f->max_stack = (uint32_t)g->maxdepth;
    f->ntrace = g->maxtrace;
    f->code_len = (uint32_t)g->code.len;
    f->code = rbk_xmalloc(g->code.len ? g->code.len : 1);
    memcpy(f->code, g->code.data, g->code.len);
    f->nlines = g->nlines;
    f->lines = g->nlines ? rbk_xmalloc(sizeof(rbk_lineinfo) * g->nlines) : NULL;
    if (g->nlines) memcpy(f->lines, g->lines, sizeof(rbk_lineinfo) * g->nlines);
}

rbk_unit *rbk_codegen(rbk_compiler *c) {
    if (c->diags->nerrors) return NULL;
    cg G, *g = &G;
    memset(g, 0, sizeof G);
    g->c = c;
    g->step = -1;
    rbk_unit *u = rbk_xcalloc(1, sizeof *u);
    g->u = u;
    /* sources */
    u->nsources = (uint32_t)c->sources->n;
    u->sources = rbk_xcalloc(u->nsources, sizeof(rbk_srcinfo));
    for (int i = 0; i < c->sources->n; i++) {
        rbk_source *s = c->sources->items[i];
        u->sources[i].path = kcstr(g, s->path);
        u->sources[i].text = kstr(g, s->text, s->len);
        rbk_sha256 h;
        rbk_sha256_init(&h);
        rbk_sha256_update(&h, s->text, s->len);
        rbk_sha256_final(&h, u->sources[i].sha256);
    }
    u->title = c->title ? kstr(g, c->title->str, c->title->slen) : RBK_NONE;
    /* globals */
    u->nglobals = (uint32_t)c->nglobals;
    u->global_names = rbk_xcalloc(u->nglobals ? u->nglobals : 1, sizeof(uint32_t));
    for (int i = 0; i < c->nglobals; i++) u->global_names[i] = kcstr(g, c->globals[i]->name);
    /* envs, then the declared run locks (`lock "NAME"`: RBK_ENV_LOCK entries after the env
     * variables, so GET_ENV's indexes are c->envs') */
    int nlocks = 0;
    for (int i = 0; i < c->root->list.n; i++) nlocks += c->root->list.items[i] && c->root->list.items[i]->kind == N_LOCK;
    u->nenvs = (uint32_t)(c->nenvs + nlocks);
    u->envs = rbk_xcalloc(u->nenvs ? u->nenvs : 1, sizeof(rbk_envdecl));
    for (int i = 0, k = c->nenvs; i < c->root->list.n; i++) {
        rbk_node *n = c->root->list.items[i];
        if (!n || n->kind != N_LOCK) continue;
        u->envs[k] = (rbk_envdecl){kstr(g, n->a->str, n->a->slen), RBK_ENV_LOCK, n->file, n->off};
        k++;
    }
    for (int i = 0; i < c->nenvs; i++) {
        rbk_node *e = c->envs[i];
        u->envs[i].name = kstr(g, e->str, e->slen);
        u->envs[i].flags = ((e->flags & RBK_NF_SECRET) ? RBK_ENV_SECRET : 0) | ((e->flags & RBK_NF_OPTIONAL) ? RBK_ENV_OPTIONAL : 0) |
                           ((e->flags & RBK_NF_HOSTS) ? RBK_ENV_HOSTS : 0);
        u->envs[i].file = e->file;
        u->envs[i].off = e->off;
    }
    /* params */
    u->nparams = (uint32_t)c->nparams;
    u->params = rbk_xcalloc(u->nparams ? u->nparams : 1, sizeof(rbk_paramdecl));
    for (int i = 0; i < c->nparams; i++) {
        rbk_node *p = c->params[i];
        rbk_paramdecl *pd = &u->params[i];
        pd->name = kstr(g, p->str, p->slen);
        rbk_tkind k = p->sym->type->kind;
        pd->type = k == TY_INT ? RBK_PT_INT : k == TY_FLOAT ? RBK_PT_FLOAT : k == TY_BOOL ? RBK_PT_BOOL
                 : k == TY_DURATION ? RBK_PT_DURATION : k == TY_LIST ? RBK_PT_LIST : k == TY_MAP ? RBK_PT_MAP : RBK_PT_STRING;
        pd->global = (uint32_t)p->sym->index;
        pd->flags = (p->flags & RBK_NF_SECRET) ? RBK_PARAM_SECRET : 0;
        pd->deflt = RBK_NONE;
        rbk_node *d = p->b;
        if (d) {
            int neg = 0;
            if (d->kind == N_UNARY) { neg = 1; d = d->a; }
            if (pd->type == RBK_PT_LIST || pd->type == RBK_PT_MAP) {
                rbk_sbuf j = RBK_SBUF_INIT;
                json_literal(&j, p->b);
                pd->deflt = kstr(g, rbk_sbuf_cstr(&j), j.len);
                rbk_sbuf_free(&j);
            } else if (d->kind == N_STRING) pd->deflt = kstr(g, d->str, d->slen);
            else if (d->kind == N_INT) {
                if (pd->type == RBK_PT_FLOAT) pd->deflt = kfloat(g, neg ? -(double)d->i : (double)d->i);
                else pd->deflt = kint(g, neg ? -d->i : d->i);
            }
            else if (d->kind == N_FLOAT) pd->deflt = kfloat(g, neg ? -d->f : d->f);
            else if (d->kind == N_DURATION) pd->deflt = kdur(g, d->i);
            else if (d->kind == N_BOOL) pd->deflt = kint(g, d->i);
        }
        pd->file = p->file;
        pd->off = p->off;
    }
    /* functions */
    /* one initialiser function per module that has top-level lets, after the checked ones */
    int ninit = 0;
    int *init_fn = rbk_xcalloc((size_t)c->nmodules + 1, sizeof(int));
    for (int m = 0; m < c->nmodules; m++) {
        init_fn[m] = -1;
        for (int i = 0; i < c->modules[m].prog->list.n; i++)
            if (c->modules[m].prog->list.items[i] && c->modules[m].prog->list.items[i]->kind == N_LET) {
                init_fn[m] = c->nfns + ninit++;
                break;
            }
    }
    u->nfuncs = (uint32_t)(c->nfns + ninit);
    u->funcs = rbk_xcalloc(u->nfuncs, sizeof(rbk_function));
    /* steps: body/rollback/cond functions are generated with g->step set */
    u->nsteps = (uint32_t)c->nsteps;
    u->steps = rbk_xcalloc(u->nsteps ? u->nsteps : 1, sizeof(rbk_step));
    int *fn_step = rbk_xcalloc((size_t)c->nfns, sizeof(int));
    for (int i = 0; i < c->nfns; i++) fn_step[i] = -1;
    for (int i = 0; i < c->nsteps; i++) {
        rbk_stepinfo *si = &c->steps[i];
        fn_step[si->body_fn] = i;
        if (si->rollback_fn >= 0) fn_step[si->rollback_fn] = i;
        if (si->cond_fn >= 0) fn_step[si->cond_fn] = i;
        if (si->list_fn >= 0) fn_step[si->list_fn] = i;
        if (si->name_fn >= 0) fn_step[si->name_fn] = i;
    }
    for (int fi = 1; fi < c->nfns; fi++) {
        rbk_fninfo *f = &c->fns[fi];
        begin_fn(g, fi);
        g->step = fn_step[fi];
        if (f->decl && f->decl->kind == N_FN) {
            cblock(g, f->body);
            emit(g, RBK_OP_NIL);
            emit(g, RBK_OP_RETURN);
        } else if (g->step >= 0 && (fi == c->steps[g->step].cond_fn || fi == c->steps[g->step].list_fn || fi == c->steps[g->step].name_fn)) {
            cexpr(g, f->body);
            emit(g, RBK_OP_RETURN);
        } else {
            cblock(g, f->body);
            emit(g, RBK_OP_NIL);
            emit(g, RBK_OP_RETURN);
        }
        end_fn(g, fi, f->decl, f->name, c->root_file);
    }
    g->step = -1;
    for (int m = 0; m < c->nmodules; m++) {
        if (init_fn[m] < 0) continue;
        begin_fn(g, init_fn[m]);
        g->cur_file = c->modules[m].file;
        for (int i = 0; i < c->modules[m].prog->list.n; i++) {
            rbk_node *n = c->modules[m].prog->list.items[i];
            if (n && n->kind == N_LET) cstmt(g, n);
        }
        emit(g, RBK_OP_NIL);
        emit(g, RBK_OP_RETURN);
        rbk_function *f = &u->funcs[init_fn[m]];
        rbk_sbuf nm = RBK_SBUF_INIT;
        rbk_sbuf_printf(&nm, "<module %s>", c->modules[m].name);
        f->name = kstr(g, nm.data, nm.len);
        rbk_sbuf_free(&nm);
        f->file = (uint32_t)c->modules[m].file;
        f->max_stack = (uint32_t)g->maxdepth;
        f->ntrace = g->maxtrace;
        f->code_len = (uint32_t)g->code.len;
        f->code = rbk_xmalloc(g->code.len);
        memcpy(f->code, g->code.data, g->code.len);
        f->nlines = g->nlines;
        f->lines = g->nlines ? rbk_xmalloc(sizeof(rbk_lineinfo) * g->nlines) : NULL;
        if (g->nlines) memcpy(f->lines, g->lines, sizeof(rbk_lineinfo) * g->nlines);
    }
    /* main: module initialisers, then the root's top-level code and steps */
    begin_fn(g, 0);
    for (int m = 0; m < c->nmodules; m++)
        if (init_fn[m] >= 0) {
            emit2(g, RBK_OP_CALL_FN, (uint32_t)init_fn[m], 0);
            emit(g, RBK_OP_POP);
        }
    free(init_fn);
    for (int i = 0; i < c->root->list.n; i++) {
        rbk_node *n = c->root->list.items[i];
        if (!n) continue;
        switch (n->kind) {
        case N_FN: case N_ENV: case N_PARAM: case N_USE: case N_RUNBOOK: case N_LOCK: break;
        case N_STEP: mark(g, n); emit1(g, RBK_OP_STEP, (uint32_t)n->slot); break;
        case N_SECTION:
            mark(g, n);
            emit1(g, RBK_OP_SECTION, kstr(g, n->a->str, n->a->slen));
            for (int j = 0; j < n->list.n; j++) { mark(g, n->list.items[j]); emit1(g, RBK_OP_STEP, (uint32_t)n->list.items[j]->slot); }
            break;
        default: cstmt(g, n); break;
        }
    }
    emit(g, RBK_OP_HALT);
    end_fn(g, 0, NULL, "<top level>", c->root_file);
    for (int i = 0; i < c->nsteps; i++) {
        rbk_stepinfo *si = &c->steps[i];
        rbk_step *st = &u->steps[i];
        st->name = kcstr(g, si->name);
        st->section = si->section ? kcstr(g, si->section) : RBK_NONE;
        st->flags = (si->irreversible ? RBK_STEP_IRREVERSIBLE : 0) | (si->rollback_fn >= 0 ? RBK_STEP_HAS_ROLLBACK : 0);
        if (si->rollback_fn >= 0 && si->node->c && si->node->c->list.n == 0) st->flags |= RBK_STEP_NOTHING_TO_UNDO;
        st->timeout_ms = si->timeout_ms;
        st->retries = (uint32_t)si->retries;
        st->retry_every_ms = si->retry_every_ms;
        st->cond_fn = si->cond_fn >= 0 ? (uint32_t)si->cond_fn : RBK_NONE;
        st->body_fn = (uint32_t)si->body_fn;
        st->rollback_fn = si->rollback_fn >= 0 ? (uint32_t)si->rollback_fn : RBK_NONE;
        st->irreversible = si->irreversible_why && si->irreversible_why->kind == N_STRING
                               ? kstr(g, si->irreversible_why->str, si->irreversible_why->slen) : (si->irreversible ? kcstr(g, "") : RBK_NONE);
        st->file = si->node->file;
        st->off = si->node->off;
        int eff = c->fns[si->body_fn].effects;
        st->effects = (uint32_t)(eff & 7);
        st->worst_ms = si->timeout_ms ? si->timeout_ms * (si->retries + 1) + si->retry_every_ms * si->retries : -1;
        st->rollback_timeout_ms = si->rollback_fn >= 0 ? si->rollback_timeout_ms : 0;
        st->list_fn = st->name_fn = st->var = st->list_src = RBK_NONE;
        if (si->per_item) {
            rbk_node *v = si->per_item, *l = v->a;
            st->flags |= RBK_STEP_PER_ITEM | (si->serial_pct ? RBK_STEP_SERIAL_PCT : 0) | (si->max_fail_pct ? RBK_STEP_MAX_FAIL_PCT : 0);
            st->list_fn = (uint32_t)si->list_fn;
            st->name_fn = si->name_fn >= 0 ? (uint32_t)si->name_fn : RBK_NONE;
            st->serial = (uint32_t)si->serial;
            st->max_fail = (uint32_t)si->max_fail;
            st->var = kstr(g, v->str, v->slen);
            st->list_src = kstr(g, c->sources->items[l->file]->text + l->off, l->end - l->off);
            /* the worst case of one instance: batches multiply it (plan) */
        }
    }
    free(fn_step);
    rbk_sbuf_free(&g->code);
    free(g->lines);
    free(g->subs);
    free(g->ktab);
    if (c->diags->nerrors) { rbk_unit_free(u); return NULL; }
    return u;
}

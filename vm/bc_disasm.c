/* vm/bc_disasm.c — the human-readable listing of a unit (`runbook disasm`), and the
 * line-table lookup that maps an instruction back to its source position.
 * Owns: the listing format (docs/bytecode.md "Disassembly") and rbk_bc_position.
 * Meant for verified units, but defensive: an out-of-range index prints as '?', never crashes.
 * Shares invariants with: vm/opcodes.def (operand letters), vm/bytecode.h (the unit). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "../support/sha256.h"
#include "bytecode.h"

int rbk_bc_position(const rbk_unit *u, uint32_t f, uint32_t pc, uint32_t *file, uint32_t *off) {
    if (!u || f >= u->nfuncs) return -1;
    const rbk_function *fn = &u->funcs[f];
    /* last entry with entry.pc <= pc (entries are sorted by pc) */
    uint32_t lo = 0, hi = fn->nlines;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (fn->lines[mid].pc <= pc) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return -1;
    if (file) *file = fn->file;
    if (off) *off = fn->lines[lo - 1].off;
    return 0;
}

/* ---- helpers ---- */
typedef struct lines {
    uint32_t n;      /* number of line starts */
    uint32_t *start; /* byte offset of each line's first byte */
} lines;
typedef struct dctx {
    const rbk_unit *u;
    rbk_sbuf *out;
    lines *src; /* per source file */
} dctx;

static const rbk_str *kstr(const rbk_unit *u, uint32_t k) {
    if (k >= u->nconsts || u->consts[k].kind != RBK_K_STRING || u->consts[k].v.t != RBK_T_STRING) return NULL;
    return RBK_AS_STR(u->consts[k].v);
}
/* Appends a string quoted with escapes, cut at max bytes. */
static void quoted(rbk_sbuf *b, const char *s, size_t n, size_t max) {
    rbk_sbuf_addc(b, '"');
    for (size_t i = 0; i < n && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') rbk_sbuf_printf(b, "\\%c", c);
        else if (c == '\n') rbk_sbuf_adds(b, "\\n");
        else if (c == '\t') rbk_sbuf_adds(b, "\\t");
        else if (c < 0x20 || c == 0x7f) rbk_sbuf_printf(b, "\\x%02x", c);
        else rbk_sbuf_addc(b, (char)c);
    }
    rbk_sbuf_addc(b, '"');
    if (n > max) rbk_sbuf_adds(b, "...");
}
static void kstring(rbk_sbuf *b, const rbk_unit *u, uint32_t k, size_t max) {
    const rbk_str *s = kstr(u, k);
    if (s) quoted(b, s->data, s->len, max);
    else rbk_sbuf_adds(b, "?");
}
static void constant(rbk_sbuf *b, const rbk_unit *u, uint32_t k) {
    if (k >= u->nconsts) { rbk_sbuf_adds(b, "?"); return; }
    const rbk_constant *c = &u->consts[k];
    switch (c->kind) {
    case RBK_K_INT: rbk_sbuf_printf(b, "%" PRId64, c->v.as.i); break;
    case RBK_K_FLOAT: rbk_sbuf_printf(b, "%.17g", c->v.as.f); break;
    case RBK_K_DURATION: rbk_duration_fmt(b, c->v.as.i); break;
    case RBK_K_STRING: kstring(b, u, k, 40); break;
    default: rbk_sbuf_adds(b, "?"); break;
    }
}
/* A name as is, but with control bytes escaped (a hostile file must not put terminal escapes
 * into the listing). */
static void name(rbk_sbuf *b, const rbk_unit *u, uint32_t k) {
    const rbk_str *s = kstr(u, k);
    if (!s) { rbk_sbuf_adds(b, "?"); return; }
    for (size_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        if (c < 0x20 || c == 0x7f) rbk_sbuf_printf(b, "\\x%02x", c);
        else rbk_sbuf_addc(b, (char)c);
    }
}
static void lines_build(lines *l, const rbk_str *text) {
    l->n = 1;
    for (size_t i = 0; text && i < text->len; i++)
        if (text->data[i] == '\n') l->n++;
    l->start = rbk_xmalloc(sizeof(uint32_t) * l->n);
    l->start[0] = 0;
    uint32_t j = 1;
    for (size_t i = 0; text && i < text->len; i++)
        if (text->data[i] == '\n') l->start[j++] = (uint32_t)(i + 1);
}
/* file:line:col (1-based; col counts bytes). */
static void position(dctx *d, uint32_t file, uint32_t off) {
    const rbk_unit *u = d->u;
    if (file >= u->nsources) { rbk_sbuf_adds(d->out, "?"); return; }
    name(d->out, u, u->sources[file].path);
    const lines *l = &d->src[file];
    uint32_t lo = 0, hi = l->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->start[mid] <= off) lo = mid + 1;
        else hi = mid;
    }
    uint32_t line = lo ? lo : 1;
    rbk_sbuf_printf(d->out, ":%" PRIu32 ":%" PRIu32, line, off - l->start[line - 1] + 1);
}
static void fnref(rbk_sbuf *b, const rbk_unit *u, uint32_t f) {
    if (f == RBK_NONE) { rbk_sbuf_adds(b, "-"); return; }
    rbk_sbuf_printf(b, "%" PRIu32, f);
    if (f < u->nfuncs) {
        rbk_sbuf_adds(b, " '");
        name(b, u, u->funcs[f].name);
        rbk_sbuf_adds(b, "'");
    }
}
static void pad(rbk_sbuf *b, size_t from, size_t width) {
    size_t w = b->len - from;
    if (w < width) for (; w < width; w++) rbk_sbuf_addc(b, ' ');
    else rbk_sbuf_addc(b, ' ');
}
static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void function(dctx *d, uint32_t fi) {
    const rbk_unit *u = d->u;
    const rbk_function *f = &u->funcs[fi];
    rbk_sbuf *o = d->out;
    rbk_sbuf_printf(o, "\nfunction %" PRIu32 " '", fi);
    name(o, u, f->name);
    rbk_sbuf_printf(o, "'  params %" PRIu32 "  locals %" PRIu32 "  stack %" PRIu32 "  trace %" PRIu32
                    "  code %" PRIu32 " bytes\n", f->nparams, f->nlocals, f->max_stack, f->ntrace, f->code_len);
    uint32_t pc = 0;
    while (pc < f->code_len) {
        uint8_t op = f->code[pc];
        if (op >= RBK_OP__COUNT) { rbk_sbuf_printf(o, "  %04" PRIu32 "  <invalid opcode 0x%02x>\n", pc, op); return; }
        const rbk_opinfo *oi = &rbk_opinfo_table[op];
        size_t sz = rbk_op_size(oi);
        if (sz > f->code_len - pc) { rbk_sbuf_printf(o, "  %04" PRIu32 "  <truncated %s>\n", pc, oi->name); return; }
        size_t line0 = o->len;
        rbk_sbuf_printf(o, "  %04" PRIu32 "  %s", pc, oi->name);
        pad(o, line0, 20);
        size_t ops0 = o->len;
        rbk_sbuf notes = RBK_SBUF_INIT;
        for (int i = 0; oi->operands[i]; i++) {
            uint32_t x = rd32(f->code + pc + 1 + 4 * i);
            if (i) rbk_sbuf_addc(o, ' ');
            switch (oi->operands[i]) {
            case 'j': {
                int64_t t = (int64_t)pc + (int64_t)sz + (int32_t)x;
                rbk_sbuf_printf(o, "%+" PRId32, (int32_t)x);
                rbk_sbuf_printf(&notes, "%s-> %04" PRId64, notes.len ? "  " : "", t);
                break;
            }
            default: rbk_sbuf_printf(o, "%" PRIu32, x); break;
            }
            const char *sep = notes.len ? "  " : "";
            switch (oi->operands[i]) {
            case 'k': rbk_sbuf_adds(&notes, sep); constant(&notes, u, x); break;
            case 'g':
                if (x < u->nglobals) { rbk_sbuf_adds(&notes, sep); name(&notes, u, u->global_names[x]); }
                break;
            case 'f': rbk_sbuf_adds(&notes, sep); fnref(&notes, u, x); break;
            case 'n':
                if (x < u->nnatives) { rbk_sbuf_adds(&notes, sep); name(&notes, u, u->native_names[x]); }
                break;
            case 's':
                if (x < u->nsteps) { rbk_sbuf_printf(&notes, "%sstep '", sep); name(&notes, u, u->steps[x].name); rbk_sbuf_addc(&notes, '\''); }
                break;
            case 'u':
                if (op == RBK_OP_GET_ENV && x < u->nenvs) { rbk_sbuf_adds(&notes, sep); name(&notes, u, u->envs[x].name); }
                break;
            default: break;
            }
        }
        uint32_t file, off;
        int haspos = rbk_bc_position(u, fi, pc, &file, &off) == 0;
        if (haspos || notes.len) {
            pad(o, ops0, 9);
            rbk_sbuf_adds(o, "; ");
            if (haspos) position(d, file, off);
            if (haspos && notes.len) rbk_sbuf_adds(o, "  ");
            rbk_sbuf_add(o, rbk_sbuf_cstr(&notes), notes.len);
        }
        rbk_sbuf_free(&notes);
        while (o->len > 0 && o->data[o->len - 1] == ' ') o->data[--o->len] = 0;
        rbk_sbuf_addc(o, '\n');
        pc += (uint32_t)sz;
    }
}

static void ms(rbk_sbuf *b, int64_t v) {
    if (v < 0) rbk_sbuf_adds(b, "unknown");
    else rbk_duration_fmt(b, v);
}

void rbk_bc_disasm(const rbk_unit *u, rbk_sbuf *out) {
    dctx d = {u, out, NULL};
    d.src = rbk_xcalloc(u->nsources ? u->nsources : 1, sizeof(lines));
    for (uint32_t i = 0; i < u->nsources; i++) lines_build(&d.src[i], kstr(u, u->sources[i].text));

    rbk_sbuf_printf(out, "runbook artifact, format version %u\n", RBK_BC_VERSION);
    rbk_sbuf_adds(out, "title: ");
    if (u->title == RBK_NONE) rbk_sbuf_adds(out, "-");
    else kstring(out, u, u->title, 200);
    rbk_sbuf_addc(out, '\n');
    static const uint8_t zero[32];
    if (memcmp(u->artifact_sha256, zero, 32) != 0) {
        char hex[65];
        rbk_sha256_to_hex(u->artifact_sha256, hex);
        rbk_sbuf_printf(out, "artifact sha256: %s\n", hex);
    }
    rbk_sbuf_printf(out, "constants %" PRIu32 ", globals %" PRIu32 ", natives %" PRIu32 ", functions %" PRIu32
                    ", steps %" PRIu32 ", expectations %" PRIu32 "\n", u->nconsts, u->nglobals, u->nnatives,
                    u->nfuncs, u->nsteps, u->nexpects);
    rbk_sbuf_adds(out, "sources:\n");
    for (uint32_t i = 0; i < u->nsources; i++) {
        char hex[65];
        rbk_sha256_to_hex(u->sources[i].sha256, hex);
        const rbk_str *t = kstr(u, u->sources[i].text);
        rbk_sbuf_printf(out, "  %" PRIu32 "  ", i);
        name(out, u, u->sources[i].path);
        rbk_sbuf_printf(out, "  sha256 %s  %zu bytes\n", hex, t ? t->len : (size_t)0);
    }
    if (u->nglobals) {
        rbk_sbuf_adds(out, "globals:");
        for (uint32_t i = 0; i < u->nglobals; i++) {
            rbk_sbuf_printf(out, " %" PRIu32 "=", i);
            name(out, u, u->global_names[i]);
        }
        rbk_sbuf_addc(out, '\n');
    }
    if (u->nnatives) {
        rbk_sbuf_adds(out, "natives:");
        for (uint32_t i = 0; i < u->nnatives; i++) {
            rbk_sbuf_printf(out, " %" PRIu32 "=", i);
            name(out, u, u->native_names[i]);
        }
        rbk_sbuf_addc(out, '\n');
    }
    for (uint32_t i = 0; i < u->nfuncs; i++) function(&d, i);

    if (u->nsteps) rbk_sbuf_adds(out, "\nsteps:\n");
    for (uint32_t i = 0; i < u->nsteps; i++) {
        const rbk_step *s = &u->steps[i];
        rbk_sbuf_printf(out, "  %" PRIu32 "  ", i);
        kstring(out, u, s->name, 60);
        rbk_sbuf_adds(out, "  at ");
        position(&d, s->file, s->off);
        if (s->section != RBK_NONE) { rbk_sbuf_adds(out, "\n      section "); kstring(out, u, s->section, 60); }
        rbk_sbuf_adds(out, "\n      body ");
        fnref(out, u, s->body_fn);
        rbk_sbuf_adds(out, "  if ");
        fnref(out, u, s->cond_fn);
        rbk_sbuf_adds(out, "  rollback ");
        fnref(out, u, s->rollback_fn);
        rbk_sbuf_adds(out, "\n      timeout ");
        if (s->timeout_ms) rbk_duration_fmt(out, s->timeout_ms); else rbk_sbuf_adds(out, "none");
        rbk_sbuf_printf(out, "  retries %" PRIu32, s->retries);
        if (s->retries) { rbk_sbuf_adds(out, " every "); rbk_duration_fmt(out, s->retry_every_ms); }
        if (s->rollback_timeout_ms) { rbk_sbuf_adds(out, "  rollback-timeout "); rbk_duration_fmt(out, s->rollback_timeout_ms); }
        rbk_sbuf_adds(out, "  worst ");
        ms(out, s->worst_ms);
        rbk_sbuf_adds(out, "  effects");
        if (!s->effects) rbk_sbuf_adds(out, " none");
        if (s->effects & 1) rbk_sbuf_adds(out, " read");
        if (s->effects & 2) rbk_sbuf_adds(out, " write");
        if (s->effects & 4) rbk_sbuf_adds(out, " gate");
        if (s->effects & 8) rbk_sbuf_adds(out, " guards");
        if (s->flags & RBK_STEP_HAS_ROLLBACK) rbk_sbuf_adds(out, "  has-rollback");
        if (s->flags & RBK_STEP_IRREVERSIBLE) {
            rbk_sbuf_adds(out, "  irreversible");
            if (s->irreversible != RBK_NONE) { rbk_sbuf_addc(out, ' '); kstring(out, u, s->irreversible, 60); }
        }
        rbk_sbuf_addc(out, '\n');
    }
    if (u->nexpects) rbk_sbuf_adds(out, "\nexpectations:\n");
    for (uint32_t i = 0; i < u->nexpects; i++) {
        const rbk_expectation *e = &u->expects[i];
        rbk_sbuf_printf(out, "  %" PRIu32 "  %s ", i, e->kind == RBK_EXPECT_STOP_IF ? "stop_if" : "expect");
        kstring(out, u, e->source, 200);
        rbk_sbuf_adds(out, "  at ");
        position(&d, e->file, e->off);
        if (e->message != RBK_NONE) { rbk_sbuf_adds(out, "\n      message "); kstring(out, u, e->message, 200); }
        const rbk_str *src = kstr(u, e->source);
        for (uint32_t j = 0; j < e->nsubs; j++) {
            rbk_sbuf_printf(out, "\n      trace %" PRIu32 ": ", j);
            if (src && (uint64_t)e->subs[j].off + e->subs[j].len <= src->len)
                quoted(out, src->data + e->subs[j].off, e->subs[j].len, 60);
            else
                rbk_sbuf_adds(out, "?");
        }
        rbk_sbuf_addc(out, '\n');
    }
    if (u->nenvs) rbk_sbuf_adds(out, "\nenvironment:\n");
    for (uint32_t i = 0; i < u->nenvs; i++) {
        const rbk_envdecl *e = &u->envs[i];
        rbk_sbuf_printf(out, "  %" PRIu32 "  ", i);
        name(out, u, e->name);
        if (e->flags & RBK_ENV_SECRET) rbk_sbuf_adds(out, "  secret");
        if (e->flags & RBK_ENV_OPTIONAL) rbk_sbuf_adds(out, "  optional");
        if (e->flags & RBK_ENV_LOCK) rbk_sbuf_adds(out, "  lock");
        rbk_sbuf_adds(out, "  at ");
        position(&d, e->file, e->off);
        rbk_sbuf_addc(out, '\n');
    }
    if (u->nparams) rbk_sbuf_adds(out, "\nparameters:\n");
    for (uint32_t i = 0; i < u->nparams; i++) {
        const rbk_paramdecl *p = &u->params[i];
        rbk_sbuf_printf(out, "  %" PRIu32 "  ", i);
        name(out, u, p->name);
        rbk_sbuf_printf(out, ": %s  global %" PRIu32 "  default ", rbk_param_type_name(p->type),
                        p->global);
        if (p->deflt == RBK_NONE) rbk_sbuf_adds(out, "(required)");
        else if (p->flags & RBK_PARAM_SECRET) rbk_sbuf_adds(out, "(secret, not shown)");
        else constant(out, u, p->deflt);
        if (p->flags & RBK_PARAM_SECRET) rbk_sbuf_adds(out, "  secret");
        rbk_sbuf_adds(out, "  at ");
        position(&d, p->file, p->off);
        rbk_sbuf_addc(out, '\n');
    }
    if (u->ngates) rbk_sbuf_adds(out, "\ngates:\n");
    for (uint32_t i = 0; i < u->ngates; i++) {
        const rbk_gatedecl *g = &u->gates[i];
        rbk_sbuf_printf(out, "  %" PRIu32 "  ", i);
        if (g->native < u->nnatives) name(out, u, u->native_names[g->native]);
        else rbk_sbuf_adds(out, "?");
        if (g->question != RBK_NONE) { rbk_sbuf_addc(out, ' '); kstring(out, u, g->question, 60); }
        if (g->name != RBK_NONE) { rbk_sbuf_adds(out, "  name "); kstring(out, u, g->name, 60); }
        if (g->flags & RBK_GATE_SECRET) rbk_sbuf_adds(out, "  secret");
        if (g->flags & RBK_GATE_TTY) rbk_sbuf_adds(out, "  tty");
        if (g->step != RBK_NONE && g->step < u->nsteps) {
            rbk_sbuf_adds(out, "  in step ");
            kstring(out, u, u->steps[g->step].name, 60);
        }
        rbk_sbuf_adds(out, "  at ");
        position(&d, g->file, g->off);
        rbk_sbuf_addc(out, '\n');
    }
    for (uint32_t i = 0; i < u->nsources; i++) free(d.src[i].start);
    free(d.src);
}

/* compiler/bc_write.c — serialises an rbk_unit into the .rbc format (docs/bytecode.md).
 * Owns: the byte layout on the writing side. Deterministic: every field is written explicitly
 * as a little-endian fixed-width integer (no structs, pointers, padding or timestamps), so the
 * same unit always gives the same bytes. The unit is const: nothing is filled back.
 * Shares invariants with: vm/bc_load.c (the reading side; keep the two in step),
 * vm/bytecode.h (section tags, RBK_BC_VERSION), docs/bytecode.md. */
#include <string.h>
#include "../support/sha256.h"
#include "../vm/bytecode.h"

/* Section tags: four ASCII letters read as a little-endian u32. The same list is in
 * vm/bc_load.c (proposed to move into vm/bytecode.h; until then keep both in step). */
#define TAG(s) ((uint32_t)(s)[0] | (uint32_t)(s)[1] << 8 | (uint32_t)(s)[2] << 16 | (uint32_t)(s)[3] << 24)
#define RBK_SEC_SOURCES TAG("SRCS")
#define RBK_SEC_CONSTS TAG("CNST")
#define RBK_SEC_GLOBALS TAG("GLOB")
#define RBK_SEC_NATIVES TAG("NATV")
#define RBK_SEC_FUNCS TAG("FUNC")
#define RBK_SEC_STEPS TAG("STEP")
#define RBK_SEC_EXPECTS TAG("EXPT")
#define RBK_SEC_ENVS TAG("ENVS")
#define RBK_SEC_PARAMS TAG("PARM")
#define RBK_SEC_GATES TAG("GATE")
#define RBK_SEC_HEADER TAG("HEAD")

static void put_u32(rbk_sbuf *b, uint32_t v) {
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    rbk_sbuf_add(b, x, 4);
}
static void put_u64(rbk_sbuf *b, uint64_t v) {
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}
static void put_i64(rbk_sbuf *b, int64_t v) { put_u64(b, (uint64_t)v); }
static void put_bytes(rbk_sbuf *b, const void *p, size_t n) {
    put_u32(b, (uint32_t)n);
    if (n) rbk_sbuf_add(b, p, n);
}
static void patch_u32(rbk_sbuf *b, size_t at, uint32_t v) {
    unsigned char *p = (unsigned char *)b->data + at;
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}
/* Starts a section: tag and a length placeholder; returns where the payload begins. */
static size_t sect_begin(rbk_sbuf *b, uint32_t tag) {
    put_u32(b, tag);
    put_u32(b, 0);
    return b->len;
}
static void sect_end(rbk_sbuf *b, size_t start) { patch_u32(b, start - 4, (uint32_t)(b->len - start)); }

void rbk_bc_write(const rbk_unit *u, rbk_sbuf *out) { rbk_bc_write_sha(u, out, NULL); }

void rbk_bc_write_sha(const rbk_unit *u, rbk_sbuf *out, uint8_t artifact_sha256[32]) {
    size_t base = out->len; /* the artifact may be appended to a non-empty buffer */
    rbk_sbuf_add(out, RBK_BC_MAGIC, 4);
    put_u32(out, RBK_BC_VERSION);
    put_u32(out, 0); /* total length, patched below */
    size_t s;

    s = sect_begin(out, RBK_SEC_SOURCES);
    put_u32(out, u->nsources);
    for (uint32_t i = 0; i < u->nsources; i++) {
        put_u32(out, u->sources[i].path);
        rbk_sbuf_add(out, u->sources[i].sha256, 32);
        put_u32(out, u->sources[i].text);
    }
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_CONSTS);
    put_u32(out, u->nconsts);
    for (uint32_t i = 0; i < u->nconsts; i++) {
        const rbk_constant *k = &u->consts[i];
        put_u32(out, k->kind);
        switch (k->kind) {
        case RBK_K_INT:
        case RBK_K_DURATION: put_i64(out, k->v.as.i); break;
        case RBK_K_FLOAT: {
            uint64_t bits;
            memcpy(&bits, &k->v.as.f, 8);
            put_u64(out, bits);
            break;
        }
        case RBK_K_STRING:
            if (k->v.t == RBK_T_STRING) put_bytes(out, RBK_AS_STR(k->v)->data, RBK_AS_STR(k->v)->len);
            else put_u32(out, 0);
            break;
        default: break; /* unknown kinds have no payload; the loader rejects them */
        }
    }
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_GLOBALS);
    put_u32(out, u->nglobals);
    for (uint32_t i = 0; i < u->nglobals; i++) put_u32(out, u->global_names[i]);
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_NATIVES);
    put_u32(out, u->nnatives);
    for (uint32_t i = 0; i < u->nnatives; i++) put_u32(out, u->native_names[i]);
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_FUNCS);
    put_u32(out, u->nfuncs);
    for (uint32_t i = 0; i < u->nfuncs; i++) {
        const rbk_function *f = &u->funcs[i];
        put_u32(out, f->name);
        put_u32(out, f->file);
        put_u32(out, f->nparams);
        put_u32(out, f->nlocals);
        put_u32(out, f->max_stack);
        put_u32(out, f->ntrace);
        put_bytes(out, f->code, f->code_len);
        put_u32(out, f->nlines);
        for (uint32_t j = 0; j < f->nlines; j++) {
            put_u32(out, f->lines[j].pc);
            put_u32(out, f->lines[j].off);
        }
    }
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_STEPS);
    put_u32(out, u->nsteps);
    for (uint32_t i = 0; i < u->nsteps; i++) {
        const rbk_step *st = &u->steps[i];
        put_u32(out, st->name);
        put_u32(out, st->section);
        put_u32(out, st->flags);
        put_i64(out, st->timeout_ms);
        put_u32(out, st->retries);
        put_i64(out, st->retry_every_ms);
        put_u32(out, st->cond_fn);
        put_u32(out, st->body_fn);
        put_u32(out, st->rollback_fn);
        put_u32(out, st->irreversible);
        put_u32(out, st->file);
        put_u32(out, st->off);
        put_u32(out, st->effects);
        put_i64(out, st->worst_ms);
        put_i64(out, st->rollback_timeout_ms);
        put_u32(out, st->list_fn);
        put_u32(out, st->name_fn);
        put_u32(out, st->serial);
        put_u32(out, st->max_fail);
        put_u32(out, st->var);
        put_u32(out, st->list_src);
    }
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_EXPECTS);
    put_u32(out, u->nexpects);
    for (uint32_t i = 0; i < u->nexpects; i++) {
        const rbk_expectation *e = &u->expects[i];
        put_u32(out, e->kind);
        put_u32(out, e->file);
        put_u32(out, e->off);
        put_u32(out, e->source);
        put_u32(out, e->message);
        put_u32(out, e->nsubs);
        for (uint32_t j = 0; j < e->nsubs; j++) {
            put_u32(out, e->subs[j].off);
            put_u32(out, e->subs[j].len);
        }
    }
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_ENVS);
    put_u32(out, u->nenvs);
    for (uint32_t i = 0; i < u->nenvs; i++) {
        put_u32(out, u->envs[i].name);
        put_u32(out, u->envs[i].flags);
        put_u32(out, u->envs[i].file);
        put_u32(out, u->envs[i].off);
    }
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_PARAMS);
    put_u32(out, u->nparams);
    for (uint32_t i = 0; i < u->nparams; i++) {
        const rbk_paramdecl *p = &u->params[i];
        put_u32(out, p->name);
        put_u32(out, p->type | p->flags << RBK_PARAM_FLAGS_SHIFT);
        put_u32(out, p->global);
        put_u32(out, p->deflt);
        put_u32(out, p->file);
        put_u32(out, p->off);
    }
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_GATES);
    put_u32(out, u->ngates);
    for (uint32_t i = 0; i < u->ngates; i++) {
        const rbk_gatedecl *g = &u->gates[i];
        put_u32(out, g->native);
        put_u32(out, g->question);
        put_u32(out, g->step);
        put_u32(out, g->file);
        put_u32(out, g->off);
        put_u32(out, g->name);
        put_u32(out, g->flags);
    }
    sect_end(out, s);

    s = sect_begin(out, RBK_SEC_HEADER);
    put_u32(out, u->title);
    sect_end(out, s);

    patch_u32(out, base + 8, (uint32_t)(out->len - base + RBK_SHA256_DIGEST));
    /* One pass over the body for both digests: the checksum is SHA-256(body), the artifact hash
     * SHA-256(body ‖ checksum), so a copy of the state after the body finishes the second. */
    rbk_sha256 h;
    unsigned char d[RBK_SHA256_DIGEST];
    rbk_sha256_init(&h);
    rbk_sha256_update(&h, out->data + base, out->len - base);
    rbk_sha256 whole = h;
    rbk_sha256_final(&h, d);
    rbk_sbuf_add(out, d, sizeof d);
    if (artifact_sha256) {
        rbk_sha256_update(&whole, d, sizeof d);
        rbk_sha256_final(&whole, artifact_sha256);
    }
}

/* vm/bc_load.c — reads a .rbc artifact (docs/bytecode.md) into an rbk_unit, then verifies it.
 * Owns: the byte layout on the reading side and the order of the checks: size, magic,
 * version, total length, checksum, then every section with bounds checks on every count and
 * length (a count is checked against the bytes left before anything is allocated, so a forged
 * count cannot cause a huge allocation), then rbk_bc_verify. No input may crash it.
 * Shares invariants with: compiler/bc_write.c (the writing side; keep the two in step),
 * vm/bc_verify.c, vm/bytecode.h, docs/bytecode.md. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "../support/sha256.h"
#include "bytecode.h"

/* Section tags: four ASCII letters read as a little-endian u32. The same list is in
 * compiler/bc_write.c (proposed to move into vm/bytecode.h; until then keep both in step). */
#define TAG(s) ((uint32_t)(s)[0] | (uint32_t)(s)[1] << 8 | (uint32_t)(s)[2] << 16 | (uint32_t)(s)[3] << 24)
static const char *const section_names[] = {"SRCS", "CNST", "GLOB", "NATV", "FUNC", "STEP",
                                            "EXPT", "ENVS", "PARM", "GATE", "HEAD"};
enum { NSECTIONS = sizeof section_names / sizeof section_names[0] };
enum { HEADER_SIZE = 12 };

typedef struct reader {
    const uint8_t *p, *end;
    const char *sect; /* for messages */
    rbk_sbuf *err;
    int bad;
} reader;

static void rfail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rfail(reader *r, const char *fmt, ...) {
    if (r->bad) return;
    r->bad = 1;
    rbk_sbuf_printf(r->err, "section %s: ", r->sect);
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(r->err, fmt, ap);
    va_end(ap);
}
static size_t left(const reader *r) { return (size_t)(r->end - r->p); }
static uint32_t get_u32(reader *r) {
    if (r->bad) return 0;
    if (left(r) < 4) { rfail(r, "truncated (needs 4 more bytes, %zu left)", left(r)); return 0; }
    const uint8_t *p = r->p;
    r->p += 4;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get_u64(reader *r) {
    uint64_t lo = get_u32(r);
    uint64_t hi = get_u32(r);
    return lo | hi << 32;
}
static int64_t get_i64(reader *r) { return (int64_t)get_u64(r); }
/* Bytes of a u32-length-prefixed string or blob, borrowed from the input. */
static const uint8_t *get_bytes(reader *r, uint32_t *n) {
    *n = get_u32(r);
    if (r->bad) return NULL;
    if (*n > left(r)) { rfail(r, "length %" PRIu32 " exceeds the %zu bytes left", *n, left(r)); *n = 0; return NULL; }
    const uint8_t *p = r->p;
    r->p += *n;
    return p;
}
/* A count of items of at least min_size bytes each, checked against the bytes left; then a
 * zeroed array of count * elem_size bytes (NULL when count is 0). */
static void *get_array(reader *r, uint32_t *count, size_t min_size, size_t elem_size, const char *what) {
    *count = get_u32(r);
    if (r->bad) { *count = 0; return NULL; }
    if (*count > left(r) / min_size) {
        rfail(r, "%" PRIu32 " %s cannot fit in the %zu bytes left", *count, what, left(r));
        *count = 0;
        return NULL;
    }
    return *count ? rbk_xcalloc(*count, elem_size) : NULL;
}

static void read_sources(reader *r, rbk_unit *u) {
    u->sources = get_array(r, &u->nsources, 40, sizeof *u->sources, "sources");
    for (uint32_t i = 0; i < u->nsources && !r->bad; i++) {
        u->sources[i].path = get_u32(r);
        if (left(r) >= 32) memcpy(u->sources[i].sha256, r->p, 32), r->p += 32;
        else rfail(r, "truncated source hash");
        u->sources[i].text = get_u32(r);
    }
}
static void read_consts(reader *r, rbk_unit *u) {
    u->consts = get_array(r, &u->nconsts, 8, sizeof *u->consts, "constants");
    for (uint32_t i = 0; i < u->nconsts && !r->bad; i++) {
        rbk_constant *k = &u->consts[i];
        uint32_t kind = get_u32(r);
        switch (kind) {
        case RBK_K_INT: k->v = rbk_int(get_i64(r)); break;
        case RBK_K_DURATION: k->v = rbk_duration(get_i64(r)); break;
        case RBK_K_FLOAT: {
            uint64_t bits = get_u64(r);
            double d;
            memcpy(&d, &bits, 8);
            k->v = rbk_float(d);
            break;
        }
        case RBK_K_STRING: {
            uint32_t n;
            const uint8_t *p = get_bytes(r, &n);
            if (!r->bad) k->v = rbk_str_new((const char *)p, n);
            break;
        }
        default:
            if (!r->bad) rfail(r, "constant %" PRIu32 ": unknown kind %" PRIu32, i, kind);
            return;
        }
        if (!r->bad) k->kind = kind;
    }
}
static void read_u32s(reader *r, uint32_t *n, uint32_t **arr, const char *what) {
    *arr = get_array(r, n, 4, sizeof **arr, what);
    for (uint32_t i = 0; i < *n && !r->bad; i++) (*arr)[i] = get_u32(r);
}
static void read_funcs(reader *r, rbk_unit *u) {
    u->funcs = get_array(r, &u->nfuncs, 32, sizeof *u->funcs, "functions");
    for (uint32_t i = 0; i < u->nfuncs && !r->bad; i++) {
        rbk_function *f = &u->funcs[i];
        f->name = get_u32(r);
        f->file = get_u32(r);
        f->nparams = get_u32(r);
        f->nlocals = get_u32(r);
        f->max_stack = get_u32(r);
        f->ntrace = get_u32(r);
        uint32_t n;
        const uint8_t *code = get_bytes(r, &n);
        if (r->bad) return;
        if (n) {
            f->code = rbk_xmalloc(n);
            memcpy(f->code, code, n);
            f->code_len = n;
        }
        f->lines = get_array(r, &f->nlines, 8, sizeof *f->lines, "line table entries");
        for (uint32_t j = 0; j < f->nlines && !r->bad; j++) {
            f->lines[j].pc = get_u32(r);
            f->lines[j].off = get_u32(r);
        }
    }
}
static void read_steps(reader *r, rbk_unit *u) {
    u->steps = get_array(r, &u->nsteps, 100, sizeof *u->steps, "steps");
    for (uint32_t i = 0; i < u->nsteps && !r->bad; i++) {
        rbk_step *s = &u->steps[i];
        s->name = get_u32(r);
        s->section = get_u32(r);
        s->flags = get_u32(r);
        s->timeout_ms = get_i64(r);
        s->retries = get_u32(r);
        s->retry_every_ms = get_i64(r);
        s->cond_fn = get_u32(r);
        s->body_fn = get_u32(r);
        s->rollback_fn = get_u32(r);
        s->irreversible = get_u32(r);
        s->file = get_u32(r);
        s->off = get_u32(r);
        s->effects = get_u32(r);
        s->worst_ms = get_i64(r);
        s->rollback_timeout_ms = get_i64(r);
        s->list_fn = get_u32(r);
        s->name_fn = get_u32(r);
        s->serial = get_u32(r);
        s->max_fail = get_u32(r);
        s->var = get_u32(r);
        s->list_src = get_u32(r);
    }
}
static void read_expects(reader *r, rbk_unit *u) {
    u->expects = get_array(r, &u->nexpects, 24, sizeof *u->expects, "expectations");
    for (uint32_t i = 0; i < u->nexpects && !r->bad; i++) {
        rbk_expectation *e = &u->expects[i];
        e->kind = get_u32(r);
        e->file = get_u32(r);
        e->off = get_u32(r);
        e->source = get_u32(r);
        e->message = get_u32(r);
        e->subs = get_array(r, &e->nsubs, 8, sizeof *e->subs, "sub-expressions");
        for (uint32_t j = 0; j < e->nsubs && !r->bad; j++) {
            e->subs[j].off = get_u32(r);
            e->subs[j].len = get_u32(r);
        }
    }
}
static void read_envs(reader *r, rbk_unit *u) {
    u->envs = get_array(r, &u->nenvs, 16, sizeof *u->envs, "environment variables");
    for (uint32_t i = 0; i < u->nenvs && !r->bad; i++) {
        u->envs[i].name = get_u32(r);
        u->envs[i].flags = get_u32(r);
        u->envs[i].file = get_u32(r);
        u->envs[i].off = get_u32(r);
    }
}
static void read_params(reader *r, rbk_unit *u) {
    u->params = get_array(r, &u->nparams, 24, sizeof *u->params, "parameters");
    for (uint32_t i = 0; i < u->nparams && !r->bad; i++) {
        rbk_paramdecl *p = &u->params[i];
        p->name = get_u32(r);
        uint32_t tf = get_u32(r); /* type | flags << 8 */
        p->type = tf & ((1u << RBK_PARAM_FLAGS_SHIFT) - 1);
        p->flags = tf >> RBK_PARAM_FLAGS_SHIFT;
        p->global = get_u32(r);
        p->deflt = get_u32(r);
        p->file = get_u32(r);
        p->off = get_u32(r);
    }
}
static void read_gates(reader *r, rbk_unit *u) {
    u->gates = get_array(r, &u->ngates, 28, sizeof *u->gates, "gates");
    for (uint32_t i = 0; i < u->ngates && !r->bad; i++) {
        rbk_gatedecl *g = &u->gates[i];
        g->native = get_u32(r);
        g->question = get_u32(r);
        g->step = get_u32(r);
        g->file = get_u32(r);
        g->off = get_u32(r);
        g->name = get_u32(r);
        g->flags = get_u32(r);
    }
}
static void read_header(reader *r, rbk_unit *u) { u->title = get_u32(r); }

typedef void (*section_reader)(reader *r, rbk_unit *u);
static void read_globals(reader *r, rbk_unit *u) { read_u32s(r, &u->nglobals, &u->global_names, "globals"); }
static void read_natives(reader *r, rbk_unit *u) { read_u32s(r, &u->nnatives, &u->native_names, "natives"); }
static const section_reader section_readers[NSECTIONS] = {
    read_sources, read_consts, read_globals, read_natives, read_funcs, read_steps,
    read_expects, read_envs, read_params, read_gates, read_header,
};

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* known_sha: NULL to check the checksum (and compute the artifact hash), or the artifact hash of
 * bytes this process has just written (rbk_bc_load_written): then nothing is hashed. */
static rbk_unit *load(const uint8_t *data, size_t len, const uint8_t *known_sha, rbk_sbuf *err) {
    if (!data || len < HEADER_SIZE + RBK_SHA256_DIGEST) {
        if (data && len >= 4 && memcmp(data, RBK_BC_MAGIC, 4) != 0)
            rbk_sbuf_adds(err, "not a runbook artifact (bad magic)");
        else
            rbk_sbuf_printf(err, "truncated: %zu bytes, shorter than the smallest artifact (%d bytes)", len,
                            HEADER_SIZE + RBK_SHA256_DIGEST);
        return NULL;
    }
    if (memcmp(data, RBK_BC_MAGIC, 4) != 0) {
        rbk_sbuf_adds(err, "not a runbook artifact (bad magic)");
        return NULL;
    }
    uint32_t version = le32(data + 4);
    if (version != RBK_BC_VERSION) {
        rbk_sbuf_printf(err, "built by format version %" PRIu32 "; this runbook reads version %u — recompile the .rb",
                        version, RBK_BC_VERSION);
        return NULL;
    }
    uint32_t total = le32(data + 8);
    if (total != len) {
        if (total > len)
            rbk_sbuf_printf(err, "truncated: the header says %" PRIu32 " bytes, the file has %zu", total, len);
        else
            rbk_sbuf_printf(err, "trailing data: the header says %" PRIu32 " bytes, the file has %zu", total, len);
        return NULL;
    }
    size_t body = len - RBK_SHA256_DIGEST;
    /* One pass over the body for both digests: the checksum is SHA-256(body), the artifact hash
     * SHA-256(body ‖ checksum), so a copy of the state after the body finishes the second. */
    unsigned char artifact[RBK_SHA256_DIGEST];
    if (known_sha) {
        memcpy(artifact, known_sha, RBK_SHA256_DIGEST);
    } else {
        unsigned char sum[RBK_SHA256_DIGEST];
        rbk_sha256 h;
        rbk_sha256_init(&h);
        rbk_sha256_update(&h, data, body);
        rbk_sha256 whole = h;
        rbk_sha256_final(&h, sum);
        if (memcmp(sum, data + body, RBK_SHA256_DIGEST) != 0) {
            rbk_sbuf_adds(err, "checksum mismatch: the file is corrupt");
            return NULL;
        }
        rbk_sha256_update(&whole, data + body, RBK_SHA256_DIGEST);
        rbk_sha256_final(&whole, artifact);
    }

    rbk_unit *u = rbk_xcalloc(1, sizeof *u);
    u->title = RBK_NONE;
    reader top = {data + HEADER_SIZE, data + body, "header", err, 0};
    for (int s = 0; s < NSECTIONS; s++) {
        top.sect = section_names[s];
        uint32_t tag = get_u32(&top);
        uint32_t slen = get_u32(&top);
        if (top.bad) goto fail;
        if (tag != TAG(section_names[s])) {
            rbk_sbuf_printf(err, "section %d: expected %s, found tag 0x%08" PRIx32, s + 1, section_names[s], tag);
            goto fail;
        }
        if (slen > left(&top)) {
            rbk_sbuf_printf(err, "section %s: length %" PRIu32 " exceeds the %zu bytes left", section_names[s], slen,
                            left(&top));
            goto fail;
        }
        reader r = {top.p, top.p + slen, section_names[s], err, 0};
        section_readers[s](&r, u);
        if (r.bad) goto fail;
        if (r.p != r.end) {
            rbk_sbuf_printf(err, "section %s: %zu unexpected bytes at its end", section_names[s], left(&r));
            goto fail;
        }
        top.p += slen;
    }
    if (top.p != top.end) {
        rbk_sbuf_printf(err, "%zu unexpected bytes after the last section", left(&top));
        goto fail;
    }
    rbk_sbuf verr = RBK_SBUF_INIT;
    if (rbk_bc_verify(u, &verr)) {
        rbk_sbuf_printf(err, "invalid bytecode: %s", rbk_sbuf_cstr(&verr));
        rbk_sbuf_free(&verr);
        goto fail;
    }
    rbk_sbuf_free(&verr);
    memcpy(u->artifact_sha256, artifact, RBK_SHA256_DIGEST);
    return u;
fail:
    rbk_unit_free(u);
    return NULL;
}

static rbk_unit *load_or_error(const uint8_t *data, size_t len, const uint8_t *known_sha, char **err) {
    rbk_sbuf e = RBK_SBUF_INIT;
    rbk_unit *u = load(data, len, known_sha, &e);
    if (u) {
        rbk_sbuf_free(&e);
        if (err) *err = NULL;
        return u;
    }
    if (err) *err = rbk_sbuf_detach(&e);
    else rbk_sbuf_free(&e);
    return NULL;
}

rbk_unit *rbk_bc_load(const uint8_t *data, size_t len, char **err) { return load_or_error(data, len, NULL, err); }

rbk_unit *rbk_bc_load_written(const uint8_t *data, size_t len, const uint8_t artifact_sha256[32], char **err) {
    return load_or_error(data, len, artifact_sha256, err);
}

/* compiler/types.c — the checker's types: the table of compiler/types.def (names, shared
 * instances, builtins.def spellings), the parsing of a builtin's signature types, whether a
 * value's type fits a parameter, and records (a map literal's type, its fields known).
 * Part of the checker (sema_int.h). */
#include <stdlib.h>
#include <string.h>
#include "sema_int.h"

/* One shared instance of each type that has no parts (types are never changed once made). */
rbk_ctype rbk_basic_types[TY__COUNT] = {
#define RBK_TYPE(KIND, NAME, SPEC) [TY_##KIND] = {.kind = TY_##KIND},
#include "types.def"
#undef RBK_TYPE
};
rbk_ctype *rbk_type_basic(rbk_tkind k) { return &rbk_basic_types[k]; }

const char *rbk_type_str(const rbk_ctype *t) {
    static const char *const n[TY__COUNT] = {
#define RBK_TYPE(KIND, NAME, SPEC) [TY_##KIND] = NAME,
#include "types.def"
#undef RBK_TYPE
    };
    if (t->kind == TY_HANDLE && t->handle) return !strcmp(t->handle, "sql") ? "sql connection" : t->handle;
    return n[t->kind];
}
rbk_ctype *rbk_type_parse(rbk_compiler *c, const char *s) {
    while (*s == ' ') s++;
    if (*s == '{') {
        rbk_ctype *t = rbk_arena_alloc(c->arena, sizeof *t);
        t->kind = TY_RECORD;
        const char *names[16];
        rbk_ctype *types[16];
        int n = 0;
        const char *p = s + 1;
        while (*p && *p != '}' && n < 16) {
            while (*p == ' ' || *p == ',') p++;
            const char *ns = p;
            while (*p && *p != ':') p++;
            names[n] = rbk_arena_strndup(c->arena, ns, (size_t)(p - ns));
            if (*p) p++;
            const char *ts = p;
            while (*p && *p != ',' && *p != '}') p++;
            char *tt = rbk_arena_strndup(c->arena, ts, (size_t)(p - ts));
            types[n] = rbk_type_parse(c, tt);
            n++;
        }
        t->nfields = n;
        t->fnames = rbk_arena_alloc(c->arena, sizeof(char *) * (size_t)n);
        t->ftypes = rbk_arena_alloc(c->arena, sizeof(rbk_ctype *) * (size_t)n);
        memcpy(t->fnames, names, sizeof(char *) * (size_t)n);
        memcpy(t->ftypes, types, sizeof(rbk_ctype *) * (size_t)n);
        return t;
    }
    if (strchr(s, '|')) return T(TY_ANY);
    if (!strncmp(s, "handle:", 7)) {
        rbk_ctype *t = rbk_arena_alloc(c->arena, sizeof *t);
        t->kind = TY_HANDLE;
        t->handle = rbk_arena_strndup(c->arena, s + 7, strlen(s + 7));
        return t;
    }
    static const char *const spec[TY__COUNT] = {
#define RBK_TYPE(KIND, NAME, SPEC) [TY_##KIND] = SPEC,
#include "types.def"
#undef RBK_TYPE
    };
    for (int k = 0; k < TY__COUNT; k++)
        if (spec[k] && !strcmp(spec[k], s)) return T(k);
    return T(TY_ANY); /* "number" too: int or float */
}
/* Does a value of type t fit a parameter declared as spec ("string|list", "number", ...)? */
int sema_type_fits(const rbk_ctype *t, const char *spec) {
    if (!known(t) || t->kind == TY_NIL) return 1; /* nil means "omitted" for optionals */
    char buf[64];
    size_t n = strlen(spec);
    if (n >= sizeof buf) return 1;
    memcpy(buf, spec, n + 1);
    for (char *tok = strtok(buf, "|"); tok; tok = strtok(NULL, "|")) {
        if (!strcmp(tok, "any")) return 1;
        if (!strcmp(tok, "number") && numeric(t)) return 1;
        if (!strcmp(tok, "float") && numeric(t)) return 1;
        if (!strcmp(tok, "map") && is_mapish(t)) return 1;
        if (!strncmp(tok, "handle:", 7) && t->kind == TY_HANDLE) return 1;
        if (!strcmp(tok, rbk_type_str(t))) return 1;
        if (!strcmp(tok, "func") && t->kind == TY_FUNC) return 1;
    }
    return 0;
}

/* The kinds a builtins.def type spec accepts, as a bit set over rbk_tkind: sema_type_fits() for
 * every kind but TY_HANDLE (whose match depends on the handle's name), computed once per
 * parameter instead of tokenizing the spec at every call. */
unsigned sema_spec_mask(const char *spec) {
    if (strlen(spec) >= 64) return ~0u; /* type_fits accepts anything it cannot copy */
    unsigned m = 0;
    for (const char *p = spec; *p;) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        for (int k = TY_BOOL; k <= TY_RECORD; k++) {
            if (k == TY_HANDLE) continue;
            rbk_ctype t = {.kind = (rbk_tkind)k};
            const char *name = rbk_type_str(&t);
            if (n == strlen(name) && !memcmp(p, name, n)) m |= 1u << k;
        }
#define TOK(w) (n == sizeof(w) - 1 && !memcmp(p, w, n))
        if (TOK("any")) m = ~0u;
        if (TOK("number") || TOK("float")) m |= 1u << TY_INT | 1u << TY_FLOAT;
        if (TOK("map")) m |= 1u << TY_MAP | 1u << TY_RECORD;
        if (TOK("func")) m |= 1u << TY_FUNC;
#undef TOK
        p += n;
        while (*p == '|') p++;
    }
    return m;
}

/* Records */
/* A record (a map literal's type) of more fields than this keeps a hash index of them: a map
 * literal of 100,000 keys took 19 s of pairwise compares for its duplicate check, and every
 * field read was a scan of them all. */
enum { RECORD_INDEX_MIN = 8 };
/* The position of r's field `name` (the first, if it is written twice), or -1. */
int sema_record_field(const rbk_ctype *r, const char *name) {
    if (!r->index) {
        for (int i = 0; i < r->nfields; i++)
            if (!strcmp(r->fnames[i], name)) return i;
        return -1;
    }
    uint32_t m = (uint32_t)r->index_cap - 1;
    for (uint32_t j = name_hash(name) & m; r->index[j]; j = (j + 1) & m)
        if (!strcmp(r->fnames[r->index[j] - 1], name)) return r->index[j] - 1;
    return -1;
}
/* Enters r's field i in the index, unless a field of that name is there already. */
static void record_index_put(rbk_ctype *r, int i) {
    uint32_t m = (uint32_t)r->index_cap - 1, j = name_hash(r->fnames[i]) & m;
    for (; r->index[j]; j = (j + 1) & m)
        if (!strcmp(r->fnames[r->index[j] - 1], r->fnames[i])) return;
    r->index[j] = i + 1;
}
/* Appends a field to r, which has room for `capacity`; returns -1 when r had a field of that
 * name already (the new one is listed too, but found after the first), else 0. */
int sema_record_add(rbk_compiler *c, rbk_ctype *r, int capacity, const char *name, rbk_ctype *t) {
    int dup = sema_record_field(r, name) >= 0;
    r->fnames[r->nfields] = name;
    r->ftypes[r->nfields++] = t;
    if (r->index) {
        record_index_put(r, r->nfields - 1);
    } else if (r->nfields > RECORD_INDEX_MIN) {
        for (r->index_cap = 16; r->index_cap < 2 * capacity; r->index_cap *= 2) {}
        r->index = rbk_arena_alloc(c->arena, sizeof(int) * (size_t)r->index_cap);
        for (int i = 0; i < r->nfields; i++) record_index_put(r, i);
    }
    return dup ? -1 : 0;
}

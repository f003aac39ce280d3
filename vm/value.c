/* vm/value.c — runtime values: allocation, reference counting, maps, equality, ordering and
 * rendering. See value.h for the ownership rules. */
#include "value.h"
#include "../support/numtext.h"
#include "../support/hash.h"
#include "../support/mask.h"
#include "../support/rfc3339.h"
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

_Static_assert(sizeof(rbk_obj) == 8, "the depth lives in the header's padding");

static void *obj_init(void *p, rbk_type t) {
    rbk_obj *o = p;
    o->rc = 1;
    o->type = (uint8_t)t;
    o->inblock = 0;
    o->depth = 0;
    return o;
}
static void *obj_alloc(size_t size, rbk_type t) { return obj_init(rbk_xmalloc(size), t); }
static void obj_dealloc(rbk_obj *o);
static rbk_value mkobj(rbk_type t, void *o) {
    rbk_value v;
    v.t = (uint8_t)t;
    v.secret = 0;
    v.as.o = o;
    return v;
}

rbk_value rbk_str_new(const char *s, size_t n) {
    rbk_str *str = obj_alloc(sizeof(rbk_str) + n + 1, RBK_T_STRING);
    str->hash = 0;
    str->len = n;
    if (n) memcpy(str->data, s, n);
    str->data[n] = 0;
    return mkobj(RBK_T_STRING, str);
}
rbk_value rbk_str_cstr(const char *s) { return rbk_str_new(s, strlen(s)); }
rbk_value rbk_str_take_sbuf(rbk_sbuf *b) {
    size_t n = b->len;
    if (n < 4096) { /* small: a copy is cheaper than a move */
        rbk_value v = rbk_str_new(rbk_sbuf_cstr(b), n);
        rbk_sbuf_free(b);
        return v;
    }
    /* large (a command's output, a file): the buffer becomes the string in place, so the
     * text is never held twice (realloc, then move it behind the header) */
    char *p = rbk_xrealloc(b->data, sizeof(rbk_str) + n + 1);
    memmove(p + sizeof(rbk_str), p, n + 1); /* with its NUL */
    b->data = NULL;
    b->len = b->cap = 0;
    rbk_str *str = obj_init(p, RBK_T_STRING);
    str->hash = 0;
    str->len = n;
    return mkobj(RBK_T_STRING, str);
}
rbk_value rbk_list_new(size_t cap) {
    rbk_list *l = obj_alloc(sizeof(rbk_list), RBK_T_LIST);
    l->len = 0;
    l->cap = cap;
    l->items = cap ? rbk_xmalloc(cap * sizeof(rbk_value)) : NULL;
    return mkobj(RBK_T_LIST, l);
}
/* ---- maps: a key table (shareable) and the values, each with its first room inline ---- */

#define MAP_INDEX_MIN 8 /* linear search below this many keys */

rbk_keys *rbk_keys_new(size_t cap) {
    rbk_keys *k = rbk_xmalloc(sizeof(rbk_keys) + cap * sizeof(rbk_str *));
    k->rc = 1;
    k->len = 0;
    k->cap = (uint32_t)cap;
    k->index_cap = 0;
    k->index = NULL;
    k->k = k->inline_k;
    return k;
}
void rbk_keys_release(rbk_keys *k) {
    if (!k || --k->rc) return;
    for (uint32_t i = 0; i < k->len; i++) {
        rbk_str *s = k->k[i];
        if (--s->h.rc == 0) obj_dealloc(&s->h);
    }
    if (k->k != k->inline_k) free(k->k);
    free(k->index);
    free(k);
}
/* room for one more key in k's array (doubled when full; the inline array is left) */
static void keys_room(rbk_keys *k) {
    if (k->len < k->cap) return;
    uint32_t cap = k->cap ? k->cap * 2 : 4;
    rbk_str **a = rbk_xmalloc(cap * sizeof(rbk_str *));
    memcpy(a, k->k, k->len * sizeof(rbk_str *));
    if (k->k != k->inline_k) free(k->k);
    k->k = a;
    k->cap = cap;
}
/* a map under construction that owns the only reference to its table (after copying a
 * shared one), with room for one more key */
static rbk_keys *keys_own(rbk_map *m) {
    rbk_keys *k = m->keys;
    if (!k) return m->keys = rbk_keys_new(m->cap > 4 ? m->cap : 4);
    if (k->rc > 1) {
        rbk_keys *c = rbk_keys_new(k->len + 4);
        for (uint32_t i = 0; i < k->len; i++) {
            c->k[i] = k->k[i];
            c->k[i]->h.rc++;
        }
        c->len = k->len;
        k->rc--;
        m->keys = k = c;
    }
    keys_room(k);
    return k;
}
rbk_value rbk_map_new(size_t cap) {
    rbk_map *m = obj_alloc(sizeof(rbk_map) + cap * sizeof(rbk_value), RBK_T_MAP);
    m->len = 0;
    m->cap = (uint32_t)cap;
    m->keys = NULL;
    m->vals = cap ? (rbk_value *)(m + 1) : NULL;
    return mkobj(RBK_T_MAP, m);
}
static void map_init_keys(rbk_map *m, rbk_keys *k) {
    m->len = m->cap = k->len;
    m->keys = k;
    k->rc++;
    m->vals = (rbk_value *)(m + 1);
    for (uint32_t i = 0; i < k->len; i++) m->vals[i] = rbk_nil();
}
rbk_value rbk_map_new_keys(rbk_keys *k) {
    rbk_map *m = obj_alloc(sizeof(rbk_map) + k->len * sizeof(rbk_value), RBK_T_MAP);
    map_init_keys(m, k);
    return mkobj(RBK_T_MAP, m);
}
rbk_value rbk_handle_new(const rbk_handle_class *cls, void *data) {
    rbk_handle *h = obj_alloc(sizeof(rbk_handle), RBK_T_HANDLE);
    h->cls = cls;
    h->data = data;
    h->closed = false;
    h->pid = (int)getpid();
    return mkobj(RBK_T_HANDLE, h);
}
int rbk_handle_foreign(const rbk_handle *h) { return h->pid != (int)getpid(); }
rbk_value rbk_lazy_new(rbk_lazy_fn force, rbk_value arg) {
    rbk_lazy *z = obj_alloc(sizeof(rbk_lazy), RBK_T_LAZY);
    z->force = force;
    z->arg = arg;
    return mkobj(RBK_T_LAZY, z);
}

/* ---- blocks of values built together (value.h, rbk_vbuild) ---- */

/* gcc says ASan with __SANITIZE_ADDRESS__, clang with __has_feature: such builds malloc each
 * value, so that every access to a freed one is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define VBLOCK_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VBLOCK_OFF 1
#endif
#endif

/* A block is VBLOCK bytes at an address that is a multiple of VBLOCK, so a value finds its
 * block by masking its address. Mapped from the kernel, not malloc'd, and returned to it when
 * its last value is freed; pages never written cost no memory. */
#define VBLOCK ((size_t)256 << 10)
#define VBLOCK_HEAD 16                 /* struct rbk_vblock, rounded to the values' alignment */
#define VBLOCK_BIG (VBLOCK / 8)        /* a larger value is malloc'd on its own */
struct rbk_vblock {
    uint64_t live; /* values carved from it and not freed, + 1 while a builder carves from it */
};
_Static_assert(sizeof(struct rbk_vblock) <= VBLOCK_HEAD, "the head fits");

static void vblock_drop(struct rbk_vblock *blk) {
    if (--blk->live == 0) munmap(blk, VBLOCK);
}
static void obj_dealloc(rbk_obj *o) {
    if (!o->inblock) free(o);
    else vblock_drop((struct rbk_vblock *)((uintptr_t)o & ~(uintptr_t)(VBLOCK - 1)));
}
/* size bytes for a value from b's block, or NULL (then the caller mallocs it) */
static void *vbuild_alloc(rbk_vbuild *b, size_t size) {
#ifdef VBLOCK_OFF
    (void)b;
    (void)size;
    return NULL;
#else
    size = (size + 7) & ~(size_t)7;
    if (size > VBLOCK_BIG) return NULL;
    if (!b->blk || b->used + size > VBLOCK) {
        /* map twice the size and unmap what lies outside an aligned block */
        uint8_t *raw = mmap(NULL, 2 * VBLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) return NULL;
        uint8_t *at = (uint8_t *)(((uintptr_t)raw + VBLOCK - 1) & ~(uintptr_t)(VBLOCK - 1));
        if (at > raw) munmap(raw, (size_t)(at - raw));
        if (at + VBLOCK < raw + 2 * VBLOCK) munmap(at + VBLOCK, (size_t)(raw + 2 * VBLOCK - (at + VBLOCK)));
        if (b->blk) vblock_drop(b->blk);
        b->blk = (struct rbk_vblock *)at;
        b->blk->live = 1;
        b->used = VBLOCK_HEAD;
    }
    void *p = (uint8_t *)b->blk + b->used;
    b->used += size;
    b->blk->live++;
    return p;
#endif
}
rbk_value rbk_vbuild_str(rbk_vbuild *b, const char *s, size_t n) {
    rbk_str *str = vbuild_alloc(b, sizeof(rbk_str) + n + 1);
    if (!str) return rbk_str_new(s, n);
    obj_init(str, RBK_T_STRING);
    str->h.inblock = 1;
    str->hash = 0;
    str->len = n;
    if (n) memcpy(str->data, s, n);
    str->data[n] = 0;
    return mkobj(RBK_T_STRING, str);
}
rbk_value rbk_vbuild_map_keys(rbk_vbuild *b, rbk_keys *k) {
    rbk_map *m = vbuild_alloc(b, sizeof(rbk_map) + k->len * sizeof(rbk_value));
    if (!m) return rbk_map_new_keys(k);
    obj_init(m, RBK_T_MAP);
    m->h.inblock = 1;
    map_init_keys(m, k);
    return mkobj(RBK_T_MAP, m);
}
void rbk_vbuild_end(rbk_vbuild *b) {
    if (b->blk) vblock_drop(b->blk);
    b->blk = NULL;
    b->used = 0;
}

void rbk_obj_free(rbk_obj *o) {
    switch (o->type) {
    case RBK_T_STRING: break;
    case RBK_T_LIST: {
        rbk_list *l = (rbk_list *)o;
        for (size_t i = 0; i < l->len; i++) rbk_unref(l->items[i]);
        free(l->items);
        break;
    }
    case RBK_T_MAP: {
        rbk_map *m = (rbk_map *)o;
        for (size_t i = 0; i < m->len; i++) rbk_unref(m->vals[i]);
        if (m->vals != (rbk_value *)(m + 1)) free(m->vals);
        rbk_keys_release(m->keys);
        break;
    }
    case RBK_T_HANDLE: {
        rbk_handle *h = (rbk_handle *)o;
        if (h->cls && h->cls->destroy && h->data) h->cls->destroy(h->data);
        break;
    }
    case RBK_T_LAZY: rbk_unref(((rbk_lazy *)o)->arg); break;
    default: break;
    }
    obj_dealloc(o);
}

/* a container took child: its depth covers the child's nesting (value.h) */
static inline void nest(rbk_obj *o, rbk_value child) {
    unsigned n = rbk_nesting(child);
    if (n > o->depth) o->depth = n > UINT16_MAX ? UINT16_MAX : (uint16_t)n;
}

void rbk_list_push(rbk_value list, rbk_value v) {
    rbk_list *l = RBK_AS_LIST(list);
    nest(&l->h, v);
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->items = rbk_xrealloc(l->items, l->cap * sizeof(rbk_value));
    }
    l->items[l->len++] = v;
}

static uint32_t hash_bytes(const char *s, size_t n) {
    uint32_t h = rbk_fnv1a(s, n);
    return h ? h : 1;
}
static uint32_t str_hash(rbk_str *s) {
    if (!s->hash) s->hash = hash_bytes(s->data, s->len);
    return s->hash;
}
static void keys_reindex(rbk_keys *k) {
    free(k->index);
    uint32_t cap = 16;
    while (cap < k->len * 2) cap *= 2;
    k->index = rbk_xcalloc(cap, sizeof(uint32_t));
    k->index_cap = cap;
    for (uint32_t i = 0; i < k->len; i++) {
        uint32_t j = str_hash(k->k[i]) & (cap - 1);
        while (k->index[j]) j = (j + 1) & (cap - 1);
        k->index[j] = i + 1;
    }
}
static long keys_lookup(const rbk_keys *k, const char *key, size_t keylen) {
    if (!k) return -1;
    if (!k->index) {
        for (uint32_t i = 0; i < k->len; i++) {
            rbk_str *s = k->k[i];
            if (s->len == keylen && memcmp(s->data, key, keylen) == 0) return (long)i;
        }
        return -1;
    }
    uint32_t h = hash_bytes(key, keylen);
    uint32_t j = h & (k->index_cap - 1);
    while (k->index[j]) {
        rbk_str *s = k->k[k->index[j] - 1];
        if (s->len == keylen && str_hash(s) == h && memcmp(s->data, key, keylen) == 0)
            return (long)k->index[j] - 1;
        j = (j + 1) & (k->index_cap - 1);
    }
    return -1;
}
/* appends a key known to be absent to a table no one else uses, with room for it */
static void keys_append(rbk_keys *k, rbk_str *s) {
    k->k[k->len++] = s;
    if (k->len >= MAP_INDEX_MIN && (!k->index || k->len * 2 > k->index_cap)) keys_reindex(k);
    else if (k->index) {
        uint32_t j = str_hash(s) & (k->index_cap - 1);
        while (k->index[j]) j = (j + 1) & (k->index_cap - 1);
        k->index[j] = k->len;
    }
}
uint32_t rbk_keys_add(rbk_keys *k, const char *key, size_t keylen) {
    long i = keys_lookup(k, key, keylen);
    if (i >= 0) return (uint32_t)i;
    keys_room(k);
    rbk_value s = rbk_str_new(key, keylen);
    keys_append(k, RBK_AS_STR(s));
    return k->len - 1;
}
rbk_value *rbk_map_find(rbk_value map, const char *key, size_t keylen) {
    rbk_map *m = RBK_AS_MAP(map);
    long i = keys_lookup(m->keys, key, keylen);
    return i < 0 || (size_t)i >= m->len ? NULL : &m->vals[i];
}
/* item *slot of container o becomes val (consumed): the depth grows with it, and is computed
 * again when the item it replaces may have been the deepest (a container changed after it
 * was built, by SET_ITEM: a depth left too high would refuse a later value as too deep) */
static void put_item(rbk_obj *o, rbk_value *slot, rbk_value val, rbk_value *items, size_t n) {
    unsigned was = rbk_nesting(*slot);
    rbk_unref(*slot);
    *slot = val;
    if (was && was >= o->depth && rbk_nesting(val) < was) {
        o->depth = 0;
        for (size_t i = 0; i < n; i++) nest(o, items[i]);
    } else {
        nest(o, val);
    }
}
void rbk_map_put(rbk_value map, uint32_t i, rbk_value val) {
    rbk_map *m = RBK_AS_MAP(map);
    put_item(&m->h, &m->vals[i], val, m->vals, m->len);
}
void rbk_list_put(rbk_value list, size_t i, rbk_value val) {
    rbk_list *l = RBK_AS_LIST(list);
    put_item(&l->h, &l->items[i], val, l->items, l->len);
}
void rbk_item_changed(rbk_value c, unsigned was, unsigned now) {
    rbk_obj *o = c.as.o;
    if (now > o->depth) {
        o->depth = now > UINT16_MAX ? UINT16_MAX : (uint16_t)now;
    } else if (now < was && was >= o->depth) {
        rbk_value *items = c.t == RBK_T_LIST ? RBK_AS_LIST(c)->items : RBK_AS_MAP(c)->vals;
        size_t n = c.t == RBK_T_LIST ? RBK_AS_LIST(c)->len : RBK_AS_MAP(c)->len;
        o->depth = 0;
        for (size_t i = 0; i < n; i++) nest(o, items[i]);
    }
}
rbk_value rbk_container_copy(rbk_value v) {
    rbk_value c;
    if (v.t == RBK_T_LIST) {
        rbk_list *l = RBK_AS_LIST(v);
        c = rbk_list_new(l->len);
        for (size_t i = 0; i < l->len; i++) rbk_list_push(c, rbk_ref(l->items[i]));
    } else {
        rbk_map *m = RBK_AS_MAP(v);
        if (!m->keys || m->keys->len != m->len) {
            c = rbk_map_new(m->len);
            for (uint32_t i = 0; i < m->len; i++)
                rbk_map_set(c, rbk_map_key(m, i)->data, rbk_map_key(m, i)->len, rbk_ref(m->vals[i]));
        } else {
            c = rbk_map_new_keys(m->keys); /* the key table is shared until a key is added */
            for (uint32_t i = 0; i < m->len; i++) rbk_map_put(c, i, rbk_ref(m->vals[i]));
        }
    }
    c.secret = v.secret;
    return c;
}
void rbk_map_set(rbk_value map, const char *key, size_t keylen, rbk_value val) {
    rbk_map *m = RBK_AS_MAP(map);
    long i = keys_lookup(m->keys, key, keylen);
    if (i >= 0) {
        rbk_map_put(map, (uint32_t)i, val);
        return;
    }
    nest(&m->h, val);
    if (m->len == m->cap) {
        uint32_t cap = m->cap ? m->cap * 2 : 4;
        rbk_value *a = rbk_xmalloc(cap * sizeof(rbk_value));
        if (m->len) memcpy(a, m->vals, m->len * sizeof(rbk_value));
        if (m->vals != (rbk_value *)(m + 1)) free(m->vals);
        m->vals = a;
        m->cap = cap;
    }
    rbk_keys *k = keys_own(m);
    rbk_value s = rbk_str_new(key, keylen);
    keys_append(k, RBK_AS_STR(s));
    m->vals[m->len++] = val;
}
void rbk_map_sets(rbk_value map, const char *key, rbk_value val) {
    rbk_map_set(map, key, strlen(key), val);
}

const char *rbk_type_name(rbk_type t) {
    static const char *names[] = {"nil", "bool", "int", "float", "duration", "time", "string", "list",
                                  "map", "function", "function", "handle", "lazy"};
    return t < RBK_T__COUNT ? names[t] : "?";
}
bool rbk_truthy(rbk_value v) {
    return !(v.t == RBK_T_NIL || (v.t == RBK_T_BOOL && !v.as.b));
}
static bool is_num(rbk_value v) { return v.t == RBK_T_INT || v.t == RBK_T_FLOAT; }
static double num(rbk_value v) { return v.t == RBK_T_INT ? (double)v.as.i : v.as.f; }

bool rbk_equal(rbk_value a, rbk_value b) {
    if (is_num(a) && is_num(b)) {
        if (a.t == RBK_T_INT && b.t == RBK_T_INT) return a.as.i == b.as.i;
        return num(a) == num(b);
    }
    if (a.t != b.t) return false;
    switch (a.t) {
    case RBK_T_NIL: return true;
    case RBK_T_BOOL: return a.as.b == b.as.b;
    case RBK_T_DURATION:
    case RBK_T_TIME:
    case RBK_T_FUNC:
    case RBK_T_NATIVE: return a.as.i == b.as.i;
    case RBK_T_STRING: {
        rbk_str *x = RBK_AS_STR(a), *y = RBK_AS_STR(b);
        return x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
    }
    case RBK_T_LIST: {
        rbk_list *x = RBK_AS_LIST(a), *y = RBK_AS_LIST(b);
        if (x->len != y->len) return false;
        for (size_t i = 0; i < x->len; i++)
            if (!rbk_equal(x->items[i], y->items[i])) return false;
        return true;
    }
    case RBK_T_MAP: {
        rbk_map *x = RBK_AS_MAP(a), *y = RBK_AS_MAP(b);
        if (x->len != y->len) return false;
        for (size_t i = 0; i < x->len; i++) {
            rbk_value *o;
            if (x->keys == y->keys) o = &y->vals[i]; /* the same table: the same slot */
            else o = rbk_map_find(b, rbk_map_key(x, i)->data, rbk_map_key(x, i)->len);
            if (!o || !rbk_equal(x->vals[i], *o)) return false;
        }
        return true;
    }
    default: return a.as.o == b.as.o;
    }
}
bool rbk_compare(rbk_value a, rbk_value b, int *out) {
    if (is_num(a) && is_num(b)) {
        if (a.t == RBK_T_INT && b.t == RBK_T_INT) *out = (a.as.i > b.as.i) - (a.as.i < b.as.i);
        else {
            double x = num(a), y = num(b);
            if (isnan(x) || isnan(y)) return false;
            *out = (x > y) - (x < y);
        }
        return true;
    }
    if (a.t != b.t) return false;
    if (a.t == RBK_T_DURATION || a.t == RBK_T_TIME) { *out = (a.as.i > b.as.i) - (a.as.i < b.as.i); return true; }
    if (a.t == RBK_T_STRING) {
        rbk_str *x = RBK_AS_STR(a), *y = RBK_AS_STR(b);
        size_t n = x->len < y->len ? x->len : y->len;
        int c = memcmp(x->data, y->data, n);
        *out = c ? (c > 0) - (c < 0) : (x->len > y->len) - (x->len < y->len);
        return true;
    }
    return false;
}

static void fmt_float(rbk_sbuf *out, double f) {
    if (isnan(f)) { rbk_sbuf_adds(out, "nan"); return; }
    if (isinf(f)) { rbk_sbuf_adds(out, f > 0 ? "inf" : "-inf"); return; }
    char buf[40];
    /* The shortest representation that round-trips. When it has k <= 15 digits, %.15g gives
     * exactly those digits (a double is within 1.2e-16 of its shortest decimal, the 15-digit
     * grid is 1e-15 apart) with its zeros stripped, so at most three tries are needed where
     * p = 1, 2, ... took up to seventeen; what %.15g writes plain where %.{k}g wrote an
     * exponent is written plain below anyway (tests/unit/test_value.c compares the two on a
     * million doubles). Round trips are checked with rbk_text_to_double (strtod's results,
     * without its slow path for short decimals). A subnormal has fewer bits than that
     * argument needs: it is searched from p = 1. */
    int p = f != 0 && fabs(f) < DBL_MIN ? 1 : 15;
    double back;
    for (; p <= 17; p++) {
        int n = snprintf(buf, sizeof buf, "%.*g", p, f);
        if (rbk_text_to_double(buf, (size_t)n, &back) && back == f) break;
    }
    /* %g switches to exponent form when the exponent >= p (100.0 at p=1 gives "1e+02"):
     * write plain decimals up to 1e17, as 123456789.0 already is. */
    char *ep = strpbrk(buf, "eE");
    int e = ep ? atoi(ep + 1) : -1;
    if (ep && e >= 0 && e < 17) snprintf(buf, sizeof buf, "%.*f", p - 1 - e > 0 ? p - 1 - e : 0, f);
    rbk_sbuf_adds(out, buf);
    if (!strpbrk(buf, ".eE")) rbk_sbuf_adds(out, ".0");
}
/* A rendering: where it stops (value.h: the work stops with the text), the registry it masks
 * strings with (NULL: the language's own text) and whether the registry masked any. */
typedef struct {
    size_t stop;
    const rbk_mask *mask;
    int hit;
} render_ctx;

/* A string as a literal. With a registry, the string is masked first and the masked text is
 * escaped: escaping changes a secret's bytes (a brace, a quote, a control character), which
 * masking afterwards would no longer recognise. */
static void repr_str(rbk_sbuf *out, const char *s, size_t n, render_ctx *cx) {
    rbk_sbuf masked = RBK_SBUF_INIT;
    if (cx->mask && rbk_mask_hits(cx->mask, s, n)) {
        rbk_mask_apply(cx->mask, &masked, s, n);
        s = masked.data;
        n = masked.len;
        cx->hit = 1;
    }
    rbk_sbuf_addc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': rbk_sbuf_adds(out, "\\\""); break;
        case '\\': rbk_sbuf_adds(out, "\\\\"); break;
        case '\n': rbk_sbuf_adds(out, "\\n"); break;
        case '\t': rbk_sbuf_adds(out, "\\t"); break;
        case '\r': rbk_sbuf_adds(out, "\\r"); break;
        case '{': rbk_sbuf_adds(out, "\\{"); break;
        case '}': rbk_sbuf_adds(out, "\\}"); break;
        default:
            if (c < 0x20 || c == 0x7f) rbk_sbuf_printf(out, "\\x%02x", c);
            else rbk_sbuf_addc(out, (char)c);
        }
    }
    rbk_sbuf_addc(out, '"');
    rbk_sbuf_free(&masked);
}
static void render(rbk_sbuf *out, rbk_value v, bool repr, render_ctx *cx);
/* An item of a list or map, inside a container marked `within` (its mark is the item's: reading
 * the item gives it). Shown to the operator (a mask), a marked item is `***` whole unless the
 * registry masks its text: the mark is all that hides a number, a short text or a piece. */
static void render_item(rbk_sbuf *out, rbk_value x, uint8_t within, render_ctx *cx) {
    uint8_t sec = x.secret | within;
    if (cx->mask && (sec & RBK_SECRET)) {
        int shown = x.t == RBK_T_STRING && !(sec & RBK_OPAQUE) &&
                    rbk_mask_hits(cx->mask, RBK_AS_STR(x)->data, RBK_AS_STR(x)->len);
        if (!shown) {
            rbk_sbuf_adds(out, RBK_MASK_REPLACEMENT);
            return;
        }
    }
    if (x.t == RBK_T_LIST || x.t == RBK_T_MAP) x.secret = sec; /* its items inherit it */
    render(out, x, true, cx);
}
static void render(rbk_sbuf *out, rbk_value v, bool repr, render_ctx *cx) {
    if (out->len >= cx->stop) return; /* value.h: the work stops with the text */
    switch (v.t) {
    case RBK_T_NIL: rbk_sbuf_adds(out, "nil"); break;
    case RBK_T_BOOL: rbk_sbuf_adds(out, v.as.b ? "true" : "false"); break;
    case RBK_T_INT: rbk_sbuf_printf(out, "%" PRId64, v.as.i); break;
    case RBK_T_FLOAT: fmt_float(out, v.as.f); break;
    case RBK_T_DURATION: rbk_duration_fmt(out, v.as.i); break;
    case RBK_T_TIME: rbk_rfc3339_fmt(out, v.as.i); break;
    case RBK_T_STRING: {
        /* at most the bytes that reach stop (the output still reaches it: a caller that
         * checks out->len >= its limit sees the cut) */
        size_t n = RBK_AS_STR(v)->len, room = cx->stop - out->len;
        if (n > room) n = room;
        if (repr) repr_str(out, RBK_AS_STR(v)->data, n, cx);
        else rbk_sbuf_add(out, RBK_AS_STR(v)->data, n);
        break;
    }
    case RBK_T_LIST: {
        rbk_list *l = RBK_AS_LIST(v);
        rbk_sbuf_addc(out, '[');
        for (size_t i = 0; i < l->len && out->len < cx->stop; i++) {
            if (i) rbk_sbuf_adds(out, ", ");
            render_item(out, l->items[i], v.secret, cx);
        }
        rbk_sbuf_addc(out, ']');
        break;
    }
    case RBK_T_MAP: {
        rbk_map *m = RBK_AS_MAP(v);
        rbk_sbuf_addc(out, '{');
        for (size_t i = 0; i < m->len && out->len < cx->stop; i++) {
            if (i) rbk_sbuf_adds(out, ", ");
            repr_str(out, rbk_map_key(m, i)->data, rbk_map_key(m, i)->len, cx);
            rbk_sbuf_adds(out, ": ");
            render_item(out, m->vals[i], v.secret, cx);
        }
        rbk_sbuf_addc(out, '}');
        break;
    }
    case RBK_T_FUNC: rbk_sbuf_adds(out, "<function>"); break;
    case RBK_T_NATIVE: rbk_sbuf_adds(out, "<builtin>"); break;
    case RBK_T_HANDLE: {
        rbk_handle *h = RBK_AS_HANDLE(v);
        rbk_sbuf_printf(out, "<%s connection%s>", h->cls ? h->cls->name : "?",
                        h->closed ? ", closed" : "");
        break;
    }
    case RBK_T_LAZY: rbk_sbuf_adds(out, "<not yet read>"); break;
    default: rbk_sbuf_adds(out, "?"); break;
    }
}
static void render_plain(rbk_sbuf *out, rbk_value v, bool repr) {
    render_ctx cx = {RBK_TEXT_MAX, NULL, 0};
    render(out, v, repr, &cx);
}
void rbk_value_str(rbk_sbuf *out, rbk_value v) { render_plain(out, v, false); }
void rbk_value_repr(rbk_sbuf *out, rbk_value v) { render_plain(out, v, true); }
void rbk_value_render_max(rbk_sbuf *out, rbk_value v, int repr, size_t max, const rbk_mask *mask, int *hit) {
    render_ctx cx = {max < RBK_TEXT_MAX - out->len ? out->len + max : RBK_TEXT_MAX, mask, 0};
    render(out, v, repr != 0, &cx);
    if (hit) *hit = cx.hit;
}

void rbk_value_json(rbk_sbuf *out, rbk_value v) {
    if (out->len >= RBK_TEXT_MAX) return; /* as render */
    switch (v.t) {
    case RBK_T_NIL: rbk_sbuf_adds(out, "null"); break;
    case RBK_T_BOOL: rbk_sbuf_adds(out, v.as.b ? "true" : "false"); break;
    case RBK_T_INT:
    case RBK_T_DURATION: rbk_sbuf_printf(out, "%" PRId64, v.as.i); break;
    case RBK_T_FLOAT:
        if (isnan(v.as.f) || isinf(v.as.f)) rbk_sbuf_adds(out, "null");
        else fmt_float(out, v.as.f);
        break;
    case RBK_T_STRING: rbk_sbuf_add_json_str(out, RBK_AS_STR(v)->data, RBK_AS_STR(v)->len); break;
    case RBK_T_LIST: {
        rbk_list *l = RBK_AS_LIST(v);
        rbk_sbuf_addc(out, '[');
        for (size_t i = 0; i < l->len && out->len < RBK_TEXT_MAX; i++) {
            if (i) rbk_sbuf_addc(out, ',');
            rbk_value_json(out, l->items[i]);
        }
        rbk_sbuf_addc(out, ']');
        break;
    }
    case RBK_T_MAP: {
        rbk_map *m = RBK_AS_MAP(v);
        rbk_sbuf_addc(out, '{');
        for (size_t i = 0; i < m->len && out->len < RBK_TEXT_MAX; i++) {
            if (i) rbk_sbuf_addc(out, ',');
            rbk_sbuf_add_json_str(out, rbk_map_key(m, i)->data, rbk_map_key(m, i)->len);
            rbk_sbuf_addc(out, ':');
            rbk_value_json(out, m->vals[i]);
        }
        rbk_sbuf_addc(out, '}');
        break;
    }
    default: {
        rbk_sbuf tmp = RBK_SBUF_INIT;
        render_plain(&tmp, v, false);
        rbk_sbuf_add_json_str(out, rbk_sbuf_cstr(&tmp), tmp.len);
        rbk_sbuf_free(&tmp);
    }
    }
}
rbk_value rbk_mark_secret(rbk_value v) {
    v.secret = (uint8_t)((v.secret & RBK_OPAQUE) | RBK_SECRET);
    return v;
}

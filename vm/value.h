/* vm/value.h — runtime values of the runbook language (docs/language.md §3).
 * Owns: rbk_value (16-byte tagged value), heap objects (string, list, map, function ref,
 * handle, lazy), reference counting, equality, ordering, rendering.
 * Values are immutable once built: a list or map is changed in place only while nothing but
 * its changer holds it (being built, or by SET_ITEM when the variable being assigned is its one
 * other holder: vm/interp.c), so no other value ever sees it change, reference graphs are
 * acyclic and reference counting frees everything.
 * Shares invariants with: vm/interp.c (stack discipline), stdlib natives (ownership rules). */
#ifndef RBK_VALUE_H
#define RBK_VALUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../support/duration.h"
#include "../support/sbuf.h"

typedef enum rbk_type {
    RBK_T_NIL = 0,
    RBK_T_BOOL,
    RBK_T_INT,
    RBK_T_FLOAT,
    RBK_T_DURATION, /* milliseconds in as.i */
    RBK_T_TIME,     /* an instant: Unix epoch milliseconds in as.i, years 0000-9999 (support/rfc3339.h) */
    RBK_T_STRING,
    RBK_T_LIST,
    RBK_T_MAP,
    RBK_T_FUNC,     /* as.i = function index in the unit */
    RBK_T_NATIVE,   /* as.i = builtin index (builtins.def row) */
    RBK_T_HANDLE,   /* as.o = rbk_handle */
    RBK_T_LAZY,     /* only inside maps: forced on read (e.g. an HTTP response's json) */
    RBK_T__COUNT
} rbk_type;

enum { RBK_SECRET = 1, RBK_UNVERIFIED = 2, RBK_OPAQUE = 4 };

typedef struct rbk_obj {
    uint32_t rc;
    uint8_t type;
    uint8_t inblock; /* carved from a block of values built together (rbk_vbuild), not malloc'd */
    uint16_t depth; /* lists and maps: how many list/map levels lie inside (0: none), kept by
                       rbk_list_push and rbk_map_set, saturating; in the padding of the header */
} rbk_obj;

typedef struct rbk_value {
    uint8_t t;      /* rbk_type */
    uint8_t secret; /* taint bits, carried through every computation with `|`:
                       RBK_SECRET derived from a secret (docs/language.md §9);
                       RBK_UNVERIFIED derived from a write skipped by --dry-run;
                       RBK_OPAQUE (with RBK_SECRET) a text that holds a secret's text the
                       registry does not mask (a number, a short piece, an item of a list
                       built into the text: rbk_vm_text_mark), so it is never shown even in
                       part, where a text the registry masks shows what is not secret */
    union {
        bool b;
        int64_t i;
        double f;
        rbk_obj *o;
    } as;
} rbk_value;

/* The deepest nesting a list or map may have. Rendering, equality, JSON and freeing recurse
 * once per level, so a value built by `l = [l]` in a long loop would overflow the C stack; the
 * interpreter refuses to build one deeper than this (vm/interp.c, too_deep). */
enum { RBK_MAX_NESTING = 1000 };
/* the nesting of a value: the depth of a list or map plus one, 0 for anything else */
static inline unsigned rbk_nesting(rbk_value v) {
    return v.t == RBK_T_LIST || v.t == RBK_T_MAP ? (unsigned)v.as.o->depth + 1u : 0u;
}

typedef struct rbk_str {
    rbk_obj h;
    uint32_t hash; /* 0 = not computed */
    size_t len;
    char data[];   /* NUL-terminated, may contain NULs */
} rbk_str;

typedef struct rbk_list {
    rbk_obj h;
    size_t len, cap;
    rbk_value *items;
} rbk_list;

/* The keys of a map, in insertion order, with their hash index once there are 8 or more. A
 * key table may be shared by many maps with the same keys: the rows of one SQL result share
 * one, so a column's name is stored once, not once per row. A map that adds a key to a shared
 * table copies the table first. */
typedef struct rbk_keys {
    uint32_t rc;               /* the maps that use it (and a builder holding it) */
    uint32_t len, cap;
    uint32_t index_cap;        /* 0 while there is no index */
    uint32_t *index;           /* open addressing: positions + 1; NULL below 8 keys */
    rbk_str **k;               /* k[0 .. len-1]; points at inline_k until it outgrows it */
    rbk_str *inline_k[];
} rbk_keys;

/* A map: values in insertion order, vals[i] the value of keys->k[i]. len == keys->len (keys
 * is NULL while the map is empty and has no table). vals points right after the map (one
 * allocation) until it outgrows it. Read them with rbk_map_key and rbk_map_val. */
typedef struct rbk_map {
    rbk_obj h;
    uint32_t len, cap;
    rbk_keys *keys;
    rbk_value *vals;
} rbk_map;
static inline rbk_str *rbk_map_key(const rbk_map *m, size_t i) { return m->keys->k[i]; }
static inline rbk_value *rbk_map_val(const rbk_map *m, size_t i) { return &m->vals[i]; }

struct rbk_vm;
typedef struct rbk_handle_class {
    const char *name;          /* module whose natives take it as first argument: "sql" */
    void (*destroy)(void *data);
} rbk_handle_class;

typedef struct rbk_handle {
    rbk_obj h;
    const rbk_handle_class *cls;
    void *data;
    bool closed;
    int pid;        /* the process that opened it: an instance of a per-item step in a process of
                     * its own (vm/instances.c) must not use its parent's socket (rbk_handle_foreign) */
} rbk_handle;
/* 1 when h was opened by another process (the run's, before a per-item step forked an
 * instance): its connection is not this process's to use or close. */
int rbk_handle_foreign(const rbk_handle *h);

/* A lazily computed map entry: force() is called with arg on first read, its result replaces
 * the entry. Returns 0 on success (*out set), non-zero with the VM's error set. */
typedef int (*rbk_lazy_fn)(struct rbk_vm *vm, rbk_value arg, rbk_value *out);
typedef struct rbk_lazy {
    rbk_obj h;
    rbk_lazy_fn force;
    rbk_value arg;
} rbk_lazy;

/* ---- constructors (returned values are owned by the caller: one reference) ---- */
static inline rbk_value rbk_nil(void) { rbk_value v = {RBK_T_NIL, 0, {.i = 0}}; return v; }
static inline rbk_value rbk_bool(bool b) { rbk_value v = {RBK_T_BOOL, 0, {.b = b}}; return v; }
static inline rbk_value rbk_int(int64_t i) { rbk_value v = {RBK_T_INT, 0, {.i = i}}; return v; }
static inline rbk_value rbk_float(double f) { rbk_value v = {RBK_T_FLOAT, 0, {.f = f}}; return v; }
static inline rbk_value rbk_duration(int64_t ms) { rbk_value v = {RBK_T_DURATION, 0, {.i = ms}}; return v; }
static inline rbk_value rbk_time(int64_t ms) { rbk_value v = {RBK_T_TIME, 0, {.i = ms}}; return v; }
rbk_value rbk_str_new(const char *s, size_t n);
rbk_value rbk_str_cstr(const char *s);
rbk_value rbk_str_take_sbuf(rbk_sbuf *b); /* consumes b's contents */
rbk_value rbk_list_new(size_t cap);
rbk_value rbk_map_new(size_t cap);
rbk_value rbk_handle_new(const rbk_handle_class *cls, void *data);
rbk_value rbk_lazy_new(rbk_lazy_fn force, rbk_value arg /* consumed */);

/* ---- reference counting ---- */
static inline bool rbk_is_obj(rbk_value v) {
    return v.t == RBK_T_STRING || v.t == RBK_T_LIST || v.t == RBK_T_MAP || v.t == RBK_T_HANDLE ||
           v.t == RBK_T_LAZY;
}
void rbk_obj_free(rbk_obj *o);
static inline rbk_value rbk_ref(rbk_value v) { if (rbk_is_obj(v)) v.as.o->rc++; return v; }
static inline void rbk_unref(rbk_value v) {
    if (rbk_is_obj(v) && --v.as.o->rc == 0) rbk_obj_free(v.as.o);
}

/* ---- accessors ---- */
#define RBK_AS_STR(v) ((rbk_str *)(v).as.o)
#define RBK_AS_LIST(v) ((rbk_list *)(v).as.o)
#define RBK_AS_MAP(v) ((rbk_map *)(v).as.o)
#define RBK_AS_HANDLE(v) ((rbk_handle *)(v).as.o)

/* list: push consumes v. Only on lists under construction (rc == 1). */
void rbk_list_push(rbk_value list, rbk_value v);
/* map: set consumes val, copies key. Only on maps under construction (rc == 1). */
void rbk_map_set(rbk_value map, const char *key, size_t keylen, rbk_value val);
void rbk_map_sets(rbk_value map, const char *key, rbk_value val);
/* map lookup: borrowed pointer to the stored value, or NULL. Does not force lazies. */
rbk_value *rbk_map_find(rbk_value map, const char *key, size_t keylen);

/* Changing a container after it was built (SET_ITEM), only one nothing else holds (rc == 1):
 * rbk_list_put replaces item i (consumes v; the depth stays exact, as rbk_map_put keeps it).
 * rbk_container_copy: a new list or map with the same items (one level, the items shared)
 * and marks, for a change to one that something else holds. */
void rbk_list_put(rbk_value list, size_t i, rbk_value v);
rbk_value rbk_container_copy(rbk_value v);
/* An item of list or map c was changed in place, its nesting from was to now: c's depth follows. */
void rbk_item_changed(rbk_value c, unsigned was, unsigned now);

/* Many maps with the same keys (the rows of a query): make the key table once, then each map
 * with rbk_map_new_keys and fill its slots with rbk_map_put. */
rbk_keys *rbk_keys_new(size_t cap);
/* The slot of key in k, added (copied) when it is not there yet. Only on a table no map uses. */
uint32_t rbk_keys_add(rbk_keys *k, const char *key, size_t keylen);
void rbk_keys_release(rbk_keys *k);
/* A map with k's keys (shared, not copied), every value nil. */
rbk_value rbk_map_new_keys(rbk_keys *k);
/* Sets the value of slot i (consumes val) of a map under construction. */
void rbk_map_put(rbk_value map, uint32_t i, rbk_value val);

/* Builds many small values that are made together and usually freed together (the rows of
 * a query) in shared blocks instead of one malloc each: no allocator overhead per value, and
 * none of the churn of interleaving them with the allocations of a library (libpq's result
 * per row). The values are ordinary values; a block is freed when the last value carved from
 * it is (a value kept longer keeps its block). Builds with AddressSanitizer malloc each value
 * (so it still checks every access). Start with {0}; end with rbk_vbuild_end. */
typedef struct rbk_vbuild {
    struct rbk_vblock *blk;
    size_t used;
} rbk_vbuild;
rbk_value rbk_vbuild_str(rbk_vbuild *b, const char *s, size_t n);
rbk_value rbk_vbuild_map_keys(rbk_vbuild *b, rbk_keys *k);
void rbk_vbuild_end(rbk_vbuild *b);

/* ---- semantics ---- */
const char *rbk_type_name(rbk_type t);
bool rbk_truthy(rbk_value v);             /* only false and nil are false */
bool rbk_equal(rbk_value a, rbk_value b); /* structural; 1 == 1.0 */
/* <0, 0, >0; returns false when the types are unordered (error for the caller) */
bool rbk_compare(rbk_value a, rbk_value b, int *out);
/* Appends the value as the language would print it with str(): strings raw. */
/* The longest text a value may have or be shown as: a string built by `+`, an interpolation,
 * str() or join() past it is a runtime error, and rendering stops there (a list that shares
 * itself, `l = [l, l]` thirty times, has 2^30 items to show: without a bound, str(l) ran for
 * minutes and took 7.5 GB). Text shown to the operator is cut with a note (vm.c). */
#define RBK_TEXT_MAX ((size_t)256 << 20)
/* Appends the text of v to out (rbk_value_repr: as a literal; rbk_value_json: as JSON); each
 * stops once out holds RBK_TEXT_MAX bytes, so a caller that makes a value of it, or sends it,
 * checks out->len. */
void rbk_value_str(rbk_sbuf *out, rbk_value v);
/* Appends a source-like representation: strings quoted, for expect messages and events. */
void rbk_value_repr(rbk_sbuf *out, rbk_value v);
/* rbk_value_str (repr 0) or rbk_value_repr (repr 1) that stops once it has appended max
 * bytes (or a little more: the piece it was writing): for a value shown, not used. With a mask,
 * every string (and map key) is masked with the registry BEFORE it is escaped (escaping a
 * brace, a quote or a control character changes a secret's bytes); the caller then masks the
 * whole text again (a secret that spans items): rbk_vm_render_value. With a mask too, an item
 * of a list or map that is secret-marked (or inside a marked container) is written `***` whole,
 * unless it is a text the registry masks (then it is written masked, `"***"`): a number, a
 * short text or a piece of a secret has no registered text to mask, and its mark is all that
 * hides it (docs/secrets.md). *hit (when not NULL) is set when the registry masked a string. */
struct rbk_mask;
void rbk_value_render_max(rbk_sbuf *out, rbk_value v, int repr, size_t max, const struct rbk_mask *mask, int *hit);
/* Appends JSON (strings escaped; durations as milliseconds; times as RFC 3339 strings; handles
 * as "<sql connection>"). */
void rbk_value_json(rbk_sbuf *out, rbk_value v);
/* Marks v (and, for containers, a copy of v) as secret; returns the marked value. */
rbk_value rbk_mark_secret(rbk_value v);
#endif

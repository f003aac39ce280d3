/* compiler/ast.c — arena and node constructors. See ast.h.
 * The arena is a bump allocator over chunks that double in size (64 KiB up to 1 MiB), so a
 * large program costs few mallocs. Nodes and strings are not zeroed twice: a node is written
 * field by field, a string copy overwrites its bytes. List arrays that outgrow themselves go
 * to a free list by capacity and are handed to the next list that needs that capacity. */
#include "ast.h"
#include <stdlib.h>
#include <string.h>
#include "../support/sbuf.h"

enum { CHUNK_MIN = 64 * 1024, CHUNK_MAX = 1024 * 1024, LIST_CLASSES = 24, LIST_MIN = 4 };

typedef struct chunk {
    struct chunk *next;
    max_align_t data[];
} chunk;
struct rbk_arena {
    chunk *head;
    char *cur, *lim;           /* free bytes of the head chunk */
    size_t next_cap;           /* size of the next chunk */
    void *free_lists[LIST_CLASSES]; /* outgrown node arrays of capacity LIST_MIN << k */
};

rbk_arena *rbk_arena_new(void) {
    rbk_arena *a = rbk_xcalloc(1, sizeof(rbk_arena));
    a->next_cap = CHUNK_MIN;
    return a;
}
void rbk_arena_free(rbk_arena *a) {
    if (!a) return;
    chunk *c = a->head;
    while (c) { chunk *n = c->next; free(c); c = n; }
    free(a);
}
/* A new head chunk with room for at least n bytes. */
static void grow(rbk_arena *a, size_t n) {
    size_t cap = a->next_cap;
    if (a->next_cap < CHUNK_MAX) a->next_cap *= 2;
    if (cap < n) cap = n;
    chunk *c = rbk_xmalloc(sizeof(chunk) + cap);
    c->next = a->head;
    a->head = c;
    a->cur = (char *)c->data;
    a->lim = a->cur + cap;
}
/* n bytes aligned to `align` (a power of two), not zeroed. */
static inline void *bump(rbk_arena *a, size_t n, size_t align) {
    uintptr_t p = ((uintptr_t)a->cur + (align - 1)) & ~(uintptr_t)(align - 1);
    if (!a->cur || p + n > (uintptr_t)a->lim) {
        grow(a, n + align);
        p = ((uintptr_t)a->cur + (align - 1)) & ~(uintptr_t)(align - 1);
    }
    a->cur = (char *)(p + n);
    return (void *)p;
}
void *rbk_arena_alloc(rbk_arena *a, size_t n) {
    void *p = bump(a, n, _Alignof(max_align_t));
    memset(p, 0, n);
    return p;
}
char *rbk_arena_strndup(rbk_arena *a, const char *s, size_t n) {
    char *p = bump(a, n + 1, 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}
rbk_node *rbk_node_new(rbk_arena *a, rbk_node_kind k, int file, uint32_t off, uint32_t end) {
    rbk_node *n = bump(a, sizeof(rbk_node), _Alignof(rbk_node));
    *n = (rbk_node){.kind = (uint8_t)k, .file = (uint16_t)file, .off = off, .end = end, .slot = -1};
    return n;
}

static int list_class(int cap) {
    int k = 0;
    while ((LIST_MIN << k) < cap) k++;
    return k;
}
static rbk_node **list_array(rbk_arena *a, int cap) {
    int k = list_class(cap);
    if (k < LIST_CLASSES && a->free_lists[k]) {
        void **p = a->free_lists[k];
        a->free_lists[k] = *p;
        return (rbk_node **)p;
    }
    return bump(a, (size_t)cap * sizeof(rbk_node *), _Alignof(rbk_node *));
}
void rbk_nodes_push(rbk_arena *a, rbk_nodes *l, rbk_node *n) {
    if (l->n == l->cap) {
        if (!l->cap) {
            l->items = list_array(a, LIST_MIN);
            l->cap = LIST_MIN;
        } else if ((char *)(l->items + l->cap) == a->cur &&
                   (size_t)(a->lim - a->cur) >= (size_t)l->cap * sizeof(rbk_node *)) {
            /* the array ends at the arena's top: double it where it is */
            a->cur += (size_t)l->cap * sizeof(rbk_node *);
            l->cap *= 2;
        } else {
            int cap = l->cap * 2;
            rbk_node **items = list_array(a, cap);
            memcpy(items, l->items, (size_t)l->n * sizeof(rbk_node *));
            /* recycle the old array if its capacity is a class size (lists made here) */
            int k = list_class(l->cap);
            if (k < LIST_CLASSES && (LIST_MIN << k) == l->cap) {
                *(void **)l->items = a->free_lists[k];
                a->free_lists[k] = l->items;
            }
            l->items = items;
            l->cap = cap;
        }
    }
    l->items[l->n++] = n;
}
const char *rbk_node_kind_name(rbk_node_kind k) {
    static const char *names[] = {
        "nil", "bool", "int", "float", "duration", "string", "interpolated string", "part",
        "name", "list", "map", "map entry", "unary", "binary", "and", "or", "not", "field",
        "index", "call", "argument", "range", "block", "let", "assignment", "if", "for",
        "return", "expression", "expect", "stop-if", "fail", "watch", "runbook", "env", "param",
        "use", "fn", "parameter", "section", "step", "step attribute", "program"};
    return k < N__COUNT ? names[k] : "?";
}

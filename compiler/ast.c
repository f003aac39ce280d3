/* compiler/ast.c — arena and node constructors. See ast.h.
 * The arena is a bump allocator over chunks that double in size (64 KiB up to 1 MiB), so a
 * large program costs few mallocs. Chunks start zeroed and nothing is freed back into them, so
 * a node (allocated at the size of its kind, ast.h) only has its non-zero fields written. List arrays that outgrow
 * themselves go to a free list by capacity and are handed to the next list of that capacity.
 * Past BIG_AFTER bytes (a runbook of some 5,000 lines) the arena takes 8 MiB chunks straight
 * from mmap, 2 MiB-aligned and marked MADV_HUGEPAGE: faulting in the ~650 bytes of syntax tree
 * per source line 4 KiB at a time cost `runbook check` more than parsing them
 * (docs/benchmarks.md). The allocation fast paths make no call; growing is out of line. */
#include "ast.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "../support/sbuf.h"
#if defined(__linux__)
#include <sys/mman.h>
#endif
/* ASan builds allocate every node whole and poison the fields its kind does not have (see
 * rbk_node_has): a read of `n->a` on a name, say, is then an error the test suite reports,
 * where a release build would read the next node's bytes. (gcc says ASan with
 * __SANITIZE_ADDRESS__, clang with __has_feature.) */
#if defined(__SANITIZE_ADDRESS__)
#define NODE_POISON 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NODE_POISON 1
#endif
#endif
#ifdef NODE_POISON
#include <sanitizer/asan_interface.h>
#endif

enum { CHUNK_MIN = 64 * 1024, CHUNK_MAX = 1024 * 1024, LIST_CLASSES = 24, LIST_MIN = 2 };
#define BIG_AFTER ((size_t)4 << 20)
#define BIG_CHUNK ((size_t)8 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

typedef struct chunk {
    struct chunk *next;
    size_t mapped;             /* bytes mapped with mmap (0: malloc'd) */
    size_t cap;                /* bytes of data */
    max_align_t data[];
} chunk;
struct rbk_arena {
    chunk *head;
    char *cur, *lim;           /* free bytes of the head chunk */
    size_t next_cap;           /* size of the next malloc'd chunk */
    size_t total;              /* bytes in all chunks */
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
    while (c) {
        chunk *n = c->next;
#ifdef NODE_POISON
        ASAN_UNPOISON_MEMORY_REGION(c, c->mapped ? c->mapped : sizeof(chunk) + c->cap);
#endif
#if defined(__linux__)
        if (c->mapped) munmap(c, c->mapped);
        else
#endif
            free(c);
        c = n;
    }
    free(a);
}
#if defined(__linux__) && defined(MADV_HUGEPAGE)
/* A 2 MiB-aligned chunk of at least size bytes from mmap, or NULL. */
static chunk *big_chunk(size_t size) {
    size = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    char *raw = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    char *p = (char *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (p > raw) munmap(raw, (size_t)(p - raw));
    if (p + size < raw + size + HUGE_PAGE) munmap(p + size, (size_t)(raw + size + HUGE_PAGE - (p + size)));
    madvise(p, size, MADV_HUGEPAGE); /* advice only: without THP these are ordinary pages */
    chunk *c = (chunk *)p;
    c->mapped = size;
    return c;
}
#endif
/* A new head chunk with room for at least n bytes. */
static void grow(rbk_arena *a, size_t n) {
    chunk *c = NULL;
    size_t cap = 0;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (a->total >= BIG_AFTER) {
        size_t want = n + sizeof(chunk) > BIG_CHUNK ? n + sizeof(chunk) : BIG_CHUNK;
        c = big_chunk(want);
        if (c) cap = c->mapped - sizeof(chunk);
    }
#endif
    if (!c) {
        cap = a->next_cap;
        if (a->next_cap < CHUNK_MAX) a->next_cap *= 2;
        if (cap < n) cap = n;
        c = rbk_xcalloc(1, sizeof(chunk) + cap); /* zeroed: see node_init */
        c->mapped = 0;
    }
    c->next = a->head;
    c->cap = cap;
    a->head = c;
    a->cur = (char *)c->data;
    a->lim = a->cur + cap;
    a->total += cap;
}
/* n bytes aligned to `align` (a power of two), not zeroed: the slow path makes a new chunk. */
__attribute__((noinline)) static void *bump_slow(rbk_arena *a, size_t n, size_t align) {
    grow(a, n + align);
    uintptr_t p = ((uintptr_t)a->cur + (align - 1)) & ~(uintptr_t)(align - 1);
    a->cur = (char *)(p + n);
    return (void *)p;
}
static inline void *bump(rbk_arena *a, size_t n, size_t align) {
    uintptr_t p = ((uintptr_t)a->cur + (align - 1)) & ~(uintptr_t)(align - 1);
    if (!a->cur || p + n > (uintptr_t)a->lim) return bump_slow(a, n, align);
    a->cur = (char *)(p + n);
    return (void *)p;
}
void *rbk_arena_alloc(rbk_arena *a, size_t n) {
    void *p = bump(a, n, _Alignof(max_align_t)); /* zero already: see node_init */
#ifdef RBK_DEBUG
    for (size_t i = 0; i < n; i++)
        if (((const unsigned char *)p)[i]) abort();
#endif
    return p;
}
char *rbk_arena_strndup(rbk_arena *a, const char *s, size_t n) {
    char *p = bump(a, n + 1, 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}
/* A kind's SHAPE (ast.def) as how many of a, b, c, list it has (ast.h: rbk_node_has), and as
 * the size of its node: up to its last child field (a literal: up to its value, which is where
 * `a` is; N_CALL: the whole node, d and list2 included). */
enum { SHAPE_LEAF_KIDS = 0, SHAPE_VALUE_KIDS = 0, SHAPE_A_KIDS = 1, SHAPE_B_KIDS = 2, SHAPE_C_KIDS = 3,
       SHAPE_LIST_KIDS = 4, SHAPE_CALL_KIDS = 4 };
#define SHAPE_LEAF_SIZE offsetof(rbk_node, a)
#define SHAPE_VALUE_SIZE offsetof(rbk_node, b)
#define SHAPE_A_SIZE offsetof(rbk_node, b)
#define SHAPE_B_SIZE offsetof(rbk_node, c)
#define SHAPE_C_SIZE offsetof(rbk_node, list)
#define SHAPE_LIST_SIZE offsetof(rbk_node, d)
#define SHAPE_CALL_SIZE sizeof(rbk_node)
const uint8_t rbk_node_kids[N__COUNT] = {
#define RBK_NODE(KIND, CLASS, SHAPE, NAME, STR, A, B, C, LIST, AUX) [N_##KIND] = SHAPE_##SHAPE##_KIDS,
#include "ast.def"
#undef RBK_NODE
};
static const uint8_t kind_size[N__COUNT] = {
#define RBK_NODE(KIND, CLASS, SHAPE, NAME, STR, A, B, C, LIST, AUX) [N_##KIND] = (uint8_t)SHAPE_##SHAPE##_SIZE,
#include "ast.def"
#undef RBK_NODE
};
_Static_assert(sizeof(rbk_node) <= UINT8_MAX, "kind_size holds node sizes in a byte");
static inline size_t node_size(rbk_node_kind k) { return kind_size[k]; }
size_t rbk_node_size(rbk_node_kind k) { return node_size(k); }
/* Every chunk starts zeroed (calloc, or fresh pages from mmap) and the bump pointer only moves
 * forward, so the bytes a new node (or rbk_arena_alloc) gets have never been written: only the
 * fields that are not zero are set. Debug builds check the claim. */
static inline void node_init(rbk_node *n, size_t size, rbk_node_kind k, int file, uint32_t off, uint32_t end) {
#ifdef RBK_DEBUG
    for (size_t i = 0; i < size; i++)
        if (((const unsigned char *)n)[i]) abort();
#else
    (void)size;
#endif
    n->kind = (uint8_t)k;
    n->file = (uint16_t)file;
    n->off = off;
    n->end = end;
    n->slot = -1;
}
__attribute__((noinline)) static rbk_node *node_new_slow(rbk_arena *a, rbk_node_kind k, int file, uint32_t off, uint32_t end) {
    size_t size = node_size(k);
#ifdef NODE_POISON
    rbk_node *n = bump(a, sizeof(rbk_node), _Alignof(rbk_node));
    node_init(n, sizeof(rbk_node), k, file, off, end);
    ASAN_POISON_MEMORY_REGION((char *)n + size, sizeof(rbk_node) - size);
#else
    rbk_node *n = bump(a, size, _Alignof(rbk_node));
    node_init(n, size, k, file, off, end);
#endif
    return n;
}
rbk_node *rbk_node_new(rbk_arena *a, rbk_node_kind k, int file, uint32_t off, uint32_t end) {
#ifdef NODE_POISON
    return node_new_slow(a, k, file, off, end); /* whole nodes, poisoned past the kind's fields */
#else
    size_t size = node_size(k);
    uintptr_t p = ((uintptr_t)a->cur + (_Alignof(rbk_node) - 1)) & ~(uintptr_t)(_Alignof(rbk_node) - 1);
    if (!a->cur || p + size > (uintptr_t)a->lim) return node_new_slow(a, k, file, off, end);
    a->cur = (char *)(p + size);
    rbk_node *n = (rbk_node *)p;
    node_init(n, size, k, file, off, end);
    return n;
#endif
}

void rbk_node_retag(rbk_node *n, rbk_node_kind k) {
#ifdef RBK_DEBUG
    if (node_size(k) > node_size((rbk_node_kind)n->kind)) abort();
#endif
    n->kind = (uint8_t)k;
#ifdef NODE_POISON
    ASAN_UNPOISON_MEMORY_REGION(n, node_size(k));
    ASAN_POISON_MEMORY_REGION((char *)n + node_size(k), sizeof(rbk_node) - node_size(k));
#endif
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
    static const char *const names[N__COUNT] = {
#define RBK_NODE(KIND, CLASS, SHAPE, NAME, STR, A, B, C, LIST, AUX) [N_##KIND] = NAME,
#include "ast.def"
#undef RBK_NODE
    };
    return k < N__COUNT ? names[k] : "?";
}

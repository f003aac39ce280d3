/* compiler/ast.c — arena and node constructors. See ast.h. */
#include "ast.h"
#include <stdlib.h>
#include <string.h>
#include "../support/sbuf.h"

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk;
struct rbk_arena {
    chunk *head;
};
rbk_arena *rbk_arena_new(void) { return rbk_xcalloc(1, sizeof(rbk_arena)); }
void rbk_arena_free(rbk_arena *a) {
    if (!a) return;
    chunk *c = a->head;
    while (c) { chunk *n = c->next; free(c); c = n; }
    free(a);
}
void *rbk_arena_alloc(rbk_arena *a, size_t n) {
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (!a->head || a->head->used + n > a->head->cap) {
        size_t cap = n > 65536 ? n : 65536;
        chunk *c = rbk_xmalloc(sizeof(chunk) + cap);
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}
char *rbk_arena_strndup(rbk_arena *a, const char *s, size_t n) {
    char *p = rbk_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}
rbk_node *rbk_node_new(rbk_arena *a, rbk_node_kind k, int file, uint32_t off, uint32_t end) {
    rbk_node *n = rbk_arena_alloc(a, sizeof(rbk_node));
    n->kind = (uint8_t)k;
    n->file = (uint16_t)file;
    n->off = off;
    n->end = end;
    n->slot = -1;
    return n;
}
void rbk_nodes_push(rbk_arena *a, rbk_nodes *l, rbk_node *n) {
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        rbk_node **items = rbk_arena_alloc(a, (size_t)cap * sizeof(rbk_node *));
        if (l->n) memcpy(items, l->items, (size_t)l->n * sizeof(rbk_node *));
        l->items = items;
        l->cap = cap;
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

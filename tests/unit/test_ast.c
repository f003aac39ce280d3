/* tests/unit/test_ast.c — the node table of compiler/ast.def as compiler/ast.h expands it:
 * node sizes by shape (the figures docs/internals.md gives), the generic child walk
 * (RBK_EACH_CHILD: a, b, c, then the list, absent children as NULL), one distinct name per
 * kind; and support/hash.h's FNV-1a against the published test vectors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "compiler/ast.h"
#include "support/hash.h"

static void test_fnv1a_vectors(void **st) {
    (void)st;
    /* the FNV-1a 32-bit test vectors of the reference (Fowler, Noll, Vo) */
    assert_int_equal(rbk_fnv1a_str(""), 0x811c9dc5u);
    assert_int_equal(rbk_fnv1a_str("a"), 0xe40c292cu);
    assert_int_equal(rbk_fnv1a_str("foobar"), 0xbf9cf968u);
    assert_int_equal(rbk_fnv1a("foobar", 6), 0xbf9cf968u);
    /* a running hash: in parts is the same as at once, and bytes past a NUL count */
    assert_int_equal(rbk_fnv1a_add(rbk_fnv1a("foo", 3), "bar", 3), 0xbf9cf968u);
    assert_int_equal(rbk_fnv1a_add_str(rbk_fnv1a_str("foo"), "bar"), 0xbf9cf968u);
    assert_true(rbk_fnv1a("a\0b", 3) != rbk_fnv1a_str("a"));
}

/* docs/internals.md ("AST nodes live in an arena"): a name or a string is 48 bytes, a literal
 * or a field access 56, a binary operator 64, a block 88, a call 112 (on a 64-bit target). */
static void test_node_sizes(void **st) {
    (void)st;
    if (sizeof(void *) != 8) skip();
    assert_int_equal(rbk_node_size(N_IDENT), 48);
    assert_int_equal(rbk_node_size(N_STRING), 48);
    assert_int_equal(rbk_node_size(N_NIL), 48);
    assert_int_equal(rbk_node_size(N_INT), 56);
    assert_int_equal(rbk_node_size(N_FLOAT), 56);
    assert_int_equal(rbk_node_size(N_FIELD), 56);
    assert_int_equal(rbk_node_size(N_BINARY), 64);
    assert_int_equal(rbk_node_size(N_IF), 72);
    assert_int_equal(rbk_node_size(N_BLOCK), 88);
    assert_int_equal(rbk_node_size(N_CALL), 112);
    assert_int_equal(rbk_node_size(N_CALL), sizeof(rbk_node));
}

/* Shapes nest: a kind with more children is at least as large, a literal holds its value
 * where `a` is, and only N_CALL has d and list2. */
static void test_shapes(void **st) {
    (void)st;
    rbk_arena *a = rbk_arena_new();
    for (int k = 0; k < N__COUNT; k++) {
        rbk_node *n = rbk_node_new(a, (rbk_node_kind)k, 0, 0, 0);
        int has = rbk_node_has(n);
        assert_true(has >= 0 && has <= RBK_HAS_LIST);
        size_t size = rbk_node_size((rbk_node_kind)k);
        static const size_t end[] = {offsetof(rbk_node, a), offsetof(rbk_node, b), offsetof(rbk_node, c),
                                     offsetof(rbk_node, list), offsetof(rbk_node, d)};
        if (k == N_CALL) assert_int_equal(size, sizeof(rbk_node));
        else if (k == N_INT || k == N_FLOAT || k == N_DURATION || k == N_BOOL) assert_int_equal(size, offsetof(rbk_node, b));
        else assert_int_equal(size, end[has]);
        assert_int_equal(rbk_node_nchildren(n), has < RBK_HAS_LIST ? has : 3); /* a, b, c and an empty list */
    }
    rbk_arena_free(a);
}

static void test_each_child(void **st) {
    (void)st;
    rbk_arena *a = rbk_arena_new();
    rbk_node *x = rbk_node_new(a, N_IDENT, 0, 0, 1), *y = rbk_node_new(a, N_INT, 0, 2, 3);
    rbk_node *z = rbk_node_new(a, N_IDENT, 0, 4, 5);
    /* a leaf: nothing */
    rbk_node *ch;
    int seen = 0;
    RBK_EACH_CHILD(x, i, ch) seen++;
    assert_int_equal(seen, 0);
    /* an `if` without else: a, b, then c as NULL */
    rbk_node *n = rbk_node_new(a, N_IF, 0, 0, 5);
    n->a = x;
    n->b = y;
    rbk_node *want_if[] = {x, y, NULL};
    seen = 0;
    RBK_EACH_CHILD(n, i, ch) {
        assert_true(i == seen && ch == want_if[i]);
        seen++;
    }
    assert_int_equal(seen, 3);
    /* a call: the callee (a), b and c (absent), then the arguments in order */
    rbk_node *call = rbk_node_new(a, N_CALL, 0, 0, 5);
    call->a = x;
    rbk_nodes_push(a, &call->list, y);
    rbk_nodes_push(a, &call->list, z);
    rbk_node *want_call[] = {x, NULL, NULL, y, z};
    seen = 0;
    RBK_EACH_CHILD(call, i, ch) {
        assert_true(ch == want_call[i]);
        seen++;
    }
    assert_int_equal(seen, 5);
    assert_int_equal(rbk_node_nchildren(call), 5);
    rbk_arena_free(a);
}

static void test_kind_names(void **st) {
    (void)st;
    for (int k = 0; k < N__COUNT; k++) {
        const char *name = rbk_node_kind_name((rbk_node_kind)k);
        assert_non_null(name);
        assert_true(name[0] != 0 && strcmp(name, "?"));
        for (int j = 0; j < k; j++) assert_string_not_equal(name, rbk_node_kind_name((rbk_node_kind)j));
    }
    assert_string_equal(rbk_node_kind_name(N__COUNT), "?");
    assert_string_equal(rbk_node_kind_name(N_INTERP), "interpolated string");
    assert_string_equal(rbk_node_kind_name(N_PROGRAM), "program");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fnv1a_vectors), cmocka_unit_test(test_node_sizes), cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_each_child), cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/test_value.c — value semantics of vm/value.c (docs/language.md §3): equality, ordering,
 * truthiness, maps (insertion order, the hashed index past 8 keys, replacement), reference
 * counting (run under valgrind: every test frees what it builds), and rendering with str(),
 * repr and JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vm/value.h"

/* ---- helpers ---- */

static rbk_value S(const char *s) { return rbk_str_cstr(s); }

/* [a, b, ...] from values (consumed); terminated by a value of type RBK_T__COUNT */
static rbk_value END(void) { rbk_value v = rbk_nil(); v.t = RBK_T__COUNT; return v; }
static rbk_value L(rbk_value first, ...) {
    rbk_value l = rbk_list_new(0);
    va_list ap;
    va_start(ap, first);
    for (rbk_value v = first; v.t != RBK_T__COUNT; v = va_arg(ap, rbk_value)) rbk_list_push(l, v);
    va_end(ap);
    return l;
}
/* {k: v, ...} from (const char *, rbk_value) pairs, terminated by NULL */
static rbk_value M(const char *k, ...) {
    rbk_value m = rbk_map_new(0);
    va_list ap;
    va_start(ap, k);
    for (; k; k = va_arg(ap, const char *)) rbk_map_sets(m, k, va_arg(ap, rbk_value));
    va_end(ap);
    return m;
}

enum { STR, REPR, JSON };
static void check_render(int how, rbk_value v, const char *want) {
    rbk_sbuf b = RBK_SBUF_INIT;
    if (how == STR) rbk_value_str(&b, v);
    else if (how == REPR) rbk_value_repr(&b, v);
    else rbk_value_json(&b, v);
    if (strcmp(rbk_sbuf_cstr(&b), want) != 0)
        print_error("%s: got '%s', want '%s'\n", how == STR ? "str" : how == REPR ? "repr" : "json",
                    rbk_sbuf_cstr(&b), want);
    assert_string_equal(rbk_sbuf_cstr(&b), want);
    rbk_sbuf_free(&b);
}
/* checks and consumes v */
static void render_all(rbk_value v, const char *str, const char *repr, const char *json) {
    check_render(STR, v, str);
    check_render(REPR, v, repr);
    check_render(JSON, v, json);
    rbk_unref(v);
}
static void check_dur(int64_t ms, const char *want) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_duration_fmt(&b, ms);
    assert_string_equal(rbk_sbuf_cstr(&b), want);
    rbk_sbuf_free(&b);
}
static bool eq_consume(rbk_value a, rbk_value b) {
    bool r = rbk_equal(a, b);
    assert_true(rbk_equal(b, a) == r); /* symmetric */
    rbk_unref(a);
    rbk_unref(b);
    return r;
}

/* ---- equality ---- */

static void test_equal_scalars(void **state) {
    (void)state;
    assert_true(rbk_equal(rbk_int(1), rbk_float(1.0)));
    assert_true(rbk_equal(rbk_float(1.0), rbk_int(1)));
    assert_false(rbk_equal(rbk_int(1), rbk_float(1.5)));
    assert_true(rbk_equal(rbk_int(-7), rbk_int(-7)));
    assert_false(rbk_equal(rbk_int(1), rbk_int(2)));
    assert_true(rbk_equal(rbk_nil(), rbk_nil()));
    assert_false(rbk_equal(rbk_nil(), rbk_bool(false)));
    assert_true(rbk_equal(rbk_bool(true), rbk_bool(true)));
    assert_false(rbk_equal(rbk_bool(true), rbk_bool(false)));
    assert_false(rbk_equal(rbk_int(0), rbk_bool(false)));
    assert_false(rbk_equal(rbk_float(NAN), rbk_float(NAN)));
    assert_true(rbk_equal(rbk_duration(1500), rbk_duration(1500)));
    assert_false(rbk_equal(rbk_duration(1500), rbk_duration(1501)));
    /* a duration is not a number */
    assert_false(rbk_equal(rbk_duration(1000), rbk_int(1000)));
    assert_true(eq_consume(S("abc"), S("abc")));
    assert_false(eq_consume(S("abc"), S("abd")));
    assert_false(eq_consume(S("ab"), S("abc")));
    assert_false(eq_consume(S("1"), rbk_int(1)));
    /* strings may hold NUL bytes: compared by length and bytes */
    assert_false(eq_consume(rbk_str_new("a\0b", 3), rbk_str_new("a\0c", 3)));
    assert_true(eq_consume(rbk_str_new("a\0b", 3), rbk_str_new("a\0b", 3)));
    assert_false(eq_consume(rbk_str_new("a\0b", 3), S("a")));
}

static void test_equal_containers(void **state) {
    (void)state;
    assert_true(eq_consume(L(rbk_int(1), S("x"), L(rbk_float(2.0), END()), END()),
                           L(rbk_float(1.0), S("x"), L(rbk_int(2), END()), END())));
    assert_false(eq_consume(L(rbk_int(1), rbk_int(2), END()), L(rbk_int(2), rbk_int(1), END())));
    assert_false(eq_consume(L(rbk_int(1), END()), L(rbk_int(1), rbk_int(1), END())));
    assert_true(eq_consume(L(END()), L(END())));
    /* maps: structural and insensitive to insertion order */
    assert_true(eq_consume(M("a", rbk_int(1), "b", L(S("x"), END()), NULL),
                           M("b", L(S("x"), END()), "a", rbk_float(1.0), NULL)));
    assert_false(eq_consume(M("a", rbk_int(1), NULL), M("a", rbk_int(2), NULL)));
    assert_false(eq_consume(M("a", rbk_int(1), NULL), M("b", rbk_int(1), NULL)));
    assert_false(eq_consume(M("a", rbk_int(1), NULL), M("a", rbk_int(1), "b", rbk_nil(), NULL)));
    assert_false(eq_consume(M("a", rbk_nil(), NULL), M(NULL)));
    assert_true(eq_consume(M(NULL), M(NULL)));
    assert_false(eq_consume(M(NULL), L(END())));
    /* nested maps inside lists, big maps with the index on one side only */
    rbk_value a = rbk_map_new(0), b = rbk_map_new(0);
    char k[16];
    for (int i = 0; i < 20; i++) {
        snprintf(k, sizeof k, "k%d", i);
        rbk_map_sets(a, k, rbk_int(i));
    }
    for (int i = 19; i >= 0; i--) {
        snprintf(k, sizeof k, "k%d", i);
        rbk_map_sets(b, k, rbk_int(i));
    }
    assert_true(eq_consume(L(a, END()), L(b, END())));
}

/* ---- ordering ---- */

static int cmp(rbk_value a, rbk_value b) {
    int c = 99;
    assert_true(rbk_compare(a, b, &c));
    int r = 99;
    assert_true(rbk_compare(b, a, &r));
    assert_int_equal(r, -c); /* antisymmetric */
    return c;
}
static void no_order(rbk_value a, rbk_value b) {
    int c;
    assert_false(rbk_compare(a, b, &c));
    assert_false(rbk_compare(b, a, &c));
    rbk_unref(a);
    rbk_unref(b);
}

static void test_compare(void **state) {
    (void)state;
    assert_int_equal(cmp(rbk_int(1), rbk_int(2)), -1);
    assert_int_equal(cmp(rbk_int(2), rbk_int(2)), 0);
    assert_int_equal(cmp(rbk_int(INT64_MIN), rbk_int(INT64_MAX)), -1);
    assert_int_equal(cmp(rbk_float(0.5), rbk_float(0.25)), 1);
    assert_int_equal(cmp(rbk_int(1), rbk_float(1.5)), -1);
    assert_int_equal(cmp(rbk_int(2), rbk_float(2.0)), 0);
    assert_int_equal(cmp(rbk_duration(250), rbk_duration(1000)), -1);
    assert_int_equal(cmp(rbk_duration(1000), rbk_duration(1000)), 0);
    rbk_value a = S("abc"), b = S("abd"), c = S("ab"), e = S(""), hi = S("\xc3\xa9");
    assert_int_equal(cmp(a, b), -1);
    assert_int_equal(cmp(c, a), -1);   /* a prefix sorts first */
    assert_int_equal(cmp(e, c), -1);
    assert_int_equal(cmp(a, a), 0);
    assert_int_equal(cmp(hi, a), 1);   /* bytes compare unsigned */
    rbk_unref(a); rbk_unref(b); rbk_unref(c); rbk_unref(e); rbk_unref(hi);
    /* unordered: mixed types, nil, bools, containers, NaN */
    no_order(S("1"), rbk_int(1));
    no_order(rbk_duration(1000), rbk_int(1000));
    no_order(rbk_nil(), rbk_nil());
    no_order(rbk_bool(false), rbk_bool(true));
    no_order(L(END()), L(END()));
    no_order(M(NULL), M(NULL));
    no_order(rbk_float(NAN), rbk_int(1));
}

/* ---- truthiness ---- */

static void test_truthy(void **state) {
    (void)state;
    assert_false(rbk_truthy(rbk_nil()));
    assert_false(rbk_truthy(rbk_bool(false)));
    assert_true(rbk_truthy(rbk_bool(true)));
    assert_true(rbk_truthy(rbk_int(0)));
    assert_true(rbk_truthy(rbk_float(0.0)));
    assert_true(rbk_truthy(rbk_duration(0)));
    rbk_value v[] = {S(""), L(END()), M(NULL)};
    for (int i = 0; i < 3; i++) {
        assert_true(rbk_truthy(v[i]));
        rbk_unref(v[i]);
    }
}

/* ---- maps ---- */

static void check_map_n(int n) {
    rbk_value m = rbk_map_new(0);
    char k[32];
    for (int i = 0; i < n; i++) {
        snprintf(k, sizeof k, "key-%d", (i * 7919) % 1000); /* not in sorted order */
        rbk_map_sets(m, k, rbk_int(i));
    }
    rbk_map *mp = RBK_AS_MAP(m);
    assert_int_equal(mp->len, (size_t)n);
    for (int i = 0; i < n; i++) { /* insertion order kept */
        snprintf(k, sizeof k, "key-%d", (i * 7919) % 1000);
        assert_string_equal(rbk_map_key(mp, i)->data, k);
        rbk_value *v = rbk_map_find(m, k, strlen(k));
        assert_non_null(v);
        assert_int_equal(v->t, RBK_T_INT);
        assert_int_equal(v->as.i, i);
    }
    assert_null(rbk_map_find(m, "missing", 7));
    assert_null(rbk_map_find(m, "key-", 4));
    /* replacing an existing key keeps its position and the count */
    snprintf(k, sizeof k, "key-%d", ((n / 2) * 7919) % 1000);
    rbk_map_sets(m, k, S("replaced"));
    assert_int_equal(mp->len, (size_t)n);
    assert_string_equal(rbk_map_key(mp, n / 2)->data, k);
    rbk_value *v = rbk_map_find(m, k, strlen(k));
    assert_non_null(v);
    assert_int_equal(v->t, RBK_T_STRING);
    assert_string_equal(RBK_AS_STR(*v)->data, "replaced");
    /* a new key goes last and is found */
    rbk_map_sets(m, "late", rbk_bool(true));
    assert_int_equal(mp->len, (size_t)n + 1);
    assert_string_equal(rbk_map_key(mp, n)->data, "late");
    assert_non_null(rbk_map_find(m, "late", 4));
    rbk_unref(m);
}

static void test_map_small(void **state) { (void)state; check_map_n(3); }
static void test_map_at_index_threshold(void **state) {
    (void)state;
    check_map_n(7);
    check_map_n(8);
    check_map_n(9);
}
static void test_map_large(void **state) { (void)state; check_map_n(1000); }

static void test_map_binary_keys(void **state) {
    (void)state;
    for (int big = 0; big < 2; big++) {
        rbk_value m = rbk_map_new(0);
        if (big)
            for (int i = 0; i < 10; i++) {
                char k[8];
                snprintf(k, sizeof k, "f%d", i);
                rbk_map_sets(m, k, rbk_nil());
            }
        rbk_map_set(m, "a", 1, rbk_int(1));
        rbk_map_set(m, "a\0b", 3, rbk_int(2));
        rbk_map_set(m, "", 0, rbk_int(3));
        rbk_value *v = rbk_map_find(m, "a\0b", 3);
        assert_non_null(v);
        assert_int_equal(v->as.i, 2);
        v = rbk_map_find(m, "a", 1);
        assert_non_null(v);
        assert_int_equal(v->as.i, 1);
        v = rbk_map_find(m, "", 0);
        assert_non_null(v);
        assert_int_equal(v->as.i, 3);
        assert_null(rbk_map_find(m, "a\0c", 3));
        rbk_unref(m);
    }
}

/* ---- reference counting ---- */

static void test_refcount(void **state) {
    (void)state;
    rbk_value shared = S("shared text");
    rbk_value inner = L(rbk_ref(shared), rbk_int(1), END());
    rbk_value m = M("a", rbk_ref(inner), "b", rbk_ref(shared), "c", M("d", rbk_ref(inner), NULL), NULL);
    rbk_value outer = L(rbk_ref(m), rbk_ref(m), rbk_ref(shared), END());
    assert_int_equal(shared.as.o->rc, 4); /* ours, inner, m.b, outer[2] */
    assert_int_equal(inner.as.o->rc, 3);  /* ours, m.a, m.c.d */
    assert_int_equal(m.as.o->rc, 3);      /* ours, outer[0], outer[1] */
    rbk_unref(m);
    rbk_unref(inner);
    assert_int_equal(shared.as.o->rc, 4);
    rbk_unref(outer); /* frees m and inner */
    assert_int_equal(shared.as.o->rc, 1);
    rbk_unref(shared);
    /* scalars: ref/unref are no-ops */
    rbk_value i = rbk_ref(rbk_int(5));
    rbk_unref(i);
    /* secret mark lives in the value, not the object */
    rbk_value s = S("pw");
    rbk_value t = rbk_mark_secret(rbk_ref(s));
    assert_int_equal(t.secret, 1);
    assert_int_equal(s.secret, 0);
    rbk_unref(t);
    rbk_unref(s);
    /* sbuf hand-over */
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_adds(&b, "from sbuf");
    rbk_value fs = rbk_str_take_sbuf(&b);
    assert_null(b.data);
    assert_int_equal(RBK_AS_STR(fs)->len, 9);
    rbk_unref(fs);
    rbk_sbuf empty = RBK_SBUF_INIT;
    rbk_value es = rbk_str_take_sbuf(&empty);
    assert_int_equal(RBK_AS_STR(es)->len, 0);
    assert_string_equal(RBK_AS_STR(es)->data, "");
    rbk_unref(es);
}

static int destroyed;
static void destroy_counter(void *data) { destroyed += *(int *)data; }
static const rbk_handle_class test_cls = {"sql", destroy_counter};

static void test_handle_lifetime(void **state) {
    (void)state;
    int one = 1;
    destroyed = 0;
    rbk_value h = rbk_handle_new(&test_cls, &one);
    rbk_value l = L(rbk_ref(h), END());
    rbk_unref(h);
    assert_int_equal(destroyed, 0);
    render_all(rbk_ref(l), "[<sql connection>]", "[<sql connection>]", "[\"<sql connection>\"]");
    RBK_AS_HANDLE(RBK_AS_LIST(l)->items[0])->closed = true;
    check_render(STR, RBK_AS_LIST(l)->items[0], "<sql connection, closed>");
    rbk_unref(l);
    assert_int_equal(destroyed, 1);
}

static int lazy_force(struct rbk_vm *vm, rbk_value arg, rbk_value *out) {
    (void)vm;
    *out = rbk_ref(arg);
    return 0;
}
static void test_lazy_lifetime(void **state) {
    (void)state;
    rbk_value m = M("json", rbk_lazy_new(lazy_force, S("payload")), NULL);
    check_render(STR, m, "{\"json\": <not yet read>}");
    rbk_unref(m); /* frees the lazy and its argument */
}

/* ---- rendering ---- */

static void test_render_scalars(void **state) {
    (void)state;
    render_all(rbk_nil(), "nil", "nil", "null");
    render_all(rbk_bool(true), "true", "true", "true");
    render_all(rbk_bool(false), "false", "false", "false");
    render_all(rbk_int(42), "42", "42", "42");
    render_all(rbk_int(-7), "-7", "-7", "-7");
    render_all(rbk_int(INT64_MIN), "-9223372036854775808", "-9223372036854775808",
               "-9223372036854775808");
    render_all(rbk_float(1.5), "1.5", "1.5", "1.5");
    render_all(rbk_float(-2.25), "-2.25", "-2.25", "-2.25");
    render_all(rbk_float(NAN), "nan", "nan", "null");
    render_all(rbk_float(INFINITY), "inf", "inf", "null");
    render_all(rbk_float(-INFINITY), "-inf", "-inf", "null");
    render_all(rbk_duration(1500), "1.5s", "1.5s", "1500");
    rbk_value fn = rbk_nil();
    fn.t = RBK_T_FUNC;
    render_all(fn, "<function>", "<function>", "\"<function>\"");
    fn.t = RBK_T_NATIVE;
    render_all(fn, "<builtin>", "<builtin>", "\"<builtin>\"");
}

/* Shortest text that reads back as the same double, always with a '.' or exponent. */
static void test_render_float_shortest(void **state) {
    (void)state;
    render_all(rbk_float(0.1), "0.1", "0.1", "0.1");
    render_all(rbk_float(1.0), "1.0", "1.0", "1.0");
    render_all(rbk_float(0.0), "0.0", "0.0", "0.0");
    render_all(rbk_float(-0.0), "-0.0", "-0.0", "-0.0");
    render_all(rbk_float(0.1 + 0.2), "0.30000000000000004", "0.30000000000000004",
               "0.30000000000000004");
    render_all(rbk_float(1.0 / 3), "0.3333333333333333", "0.3333333333333333", "0.3333333333333333");
    render_all(rbk_float(123456789.0), "123456789.0", "123456789.0", "123456789.0");
    render_all(rbk_float(0.01), "0.01", "0.01", "0.01");
    render_all(rbk_float(2.5e-7), "2.5e-07", "2.5e-07", "2.5e-07");
    render_all(rbk_float(1e300), "1e+300", "1e+300", "1e+300");
    double samples[] = {0.1, 1.0 / 3, 2.0 / 3, 1e-9, 6.02214076e23, 9007199254740993.0, 5e-324};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_value_str(&b, rbk_float(samples[i]));
        assert_true(strtod(rbk_sbuf_cstr(&b), NULL) == samples[i]);
        rbk_sbuf_free(&b);
    }
}

/* value.c bug: floats with trailing zeros in the integer part come out in exponent form,
 * because the shortest %.*g precision (1 for 100.0) switches %g to exponent notation.
 * float(100) must print "100.0" (as 123456789.0 prints "123456789.0"), not "1e+02". */
static void test_render_float_round_numbers(void **state) {
    (void)state;
    render_all(rbk_float(10.0), "10.0", "10.0", "10.0");
    render_all(rbk_float(100.0), "100.0", "100.0", "100.0");
    render_all(rbk_float(1500.0), "1500.0", "1500.0", "1500.0");
    render_all(rbk_float(-20.0), "-20.0", "-20.0", "-20.0");
}

static void test_render_durations(void **state) {
    (void)state;
    check_dur(1500, "1.5s");
    check_dur(90000, "1m30s");
    check_dur(250, "250ms");
    check_dur(0, "0s");
    check_dur(1, "1ms");
    check_dur(999, "999ms");
    check_dur(1000, "1s");
    check_dur(1001, "1.001s");
    check_dur(1250, "1.25s");
    check_dur(60000, "1m");
    check_dur(3600000, "1h");
    check_dur(5400000, "1h30m");
    check_dur(86400000, "1d");
    check_dur(2 * 86400000LL + 3 * 3600000 + 4 * 60000 + 5500, "2d3h4m5.5s");
    check_dur(-1500, "-1.5s");
    check_dur(-250, "-250ms");
}

/* value.c bug: rbk_duration_fmt negates INT64_MIN (undefined behaviour; in practice it stays
 * negative and prints "--9223372036854775808ms"). */
static void test_render_duration_min(void **state) {
    (void)state;
    check_dur(INT64_MIN, "-106751991167d7h12m55.808s");
    check_dur(INT64_MAX, "106751991167d7h12m55.807s");
}

static void test_render_strings(void **state) {
    (void)state;
    render_all(S("plain"), "plain", "\"plain\"", "\"plain\"");
    render_all(S(""), "", "\"\"", "\"\"");
    render_all(S("a\"b\\c\nd\te{x}"), "a\"b\\c\nd\te{x}", "\"a\\\"b\\\\c\\nd\\te\\{x\\}\"",
               "\"a\\\"b\\\\c\\nd\\te{x}\"");
    render_all(S("caf\xc3\xa9"), "caf\xc3\xa9", "\"caf\xc3\xa9\"", "\"caf\xc3\xa9\"");
    render_all(S("\x01\x7f"), "\x01\x7f", "\"\\x01\\x7f\"", "\"\\u0001\\u007f\"");
    rbk_value z = rbk_str_new("a\0b", 3);
    check_render(REPR, z, "\"a\\x00b\"");
    check_render(JSON, z, "\"a\\u0000b\"");
    rbk_unref(z);
}

static void test_render_containers(void **state) {
    (void)state;
    render_all(L(END()), "[]", "[]", "[]");
    render_all(M(NULL), "{}", "{}", "{}");
    render_all(L(rbk_int(1), S("a"), rbk_nil(), rbk_float(2.5), rbk_duration(250), END()),
               "[1, \"a\", nil, 2.5, 250ms]", "[1, \"a\", nil, 2.5, 250ms]",
               "[1,\"a\",null,2.5,250]");
    render_all(M("z", rbk_int(1), "a", L(rbk_bool(true), END()), "odd key", M("n", rbk_nil(), NULL), NULL),
               "{\"z\": 1, \"a\": [true], \"odd key\": {\"n\": nil}}",
               "{\"z\": 1, \"a\": [true], \"odd key\": {\"n\": nil}}",
               "{\"z\":1,\"a\":[true],\"odd key\":{\"n\":null}}");
    render_all(M("q\"k", S("v"), NULL), "{\"q\\\"k\": \"v\"}", "{\"q\\\"k\": \"v\"}",
               "{\"q\\\"k\":\"v\"}");
}

static void test_type_names(void **state) {
    (void)state;
    assert_string_equal(rbk_type_name(RBK_T_NIL), "nil");
    assert_string_equal(rbk_type_name(RBK_T_INT), "int");
    assert_string_equal(rbk_type_name(RBK_T_FLOAT), "float");
    assert_string_equal(rbk_type_name(RBK_T_DURATION), "duration");
    assert_string_equal(rbk_type_name(RBK_T_STRING), "string");
    assert_string_equal(rbk_type_name(RBK_T_LIST), "list");
    assert_string_equal(rbk_type_name(RBK_T_MAP), "map");
    assert_string_equal(rbk_type_name(RBK_T_HANDLE), "handle");
    assert_string_equal(rbk_type_name(RBK_T__COUNT), "?");
}

/* The float rendering of str() and JSON (fmt_float in vm/value.c) against the implementation
 * it replaced (p = 1, 2, ... until %.{p}g round-trips through strtod), byte for byte: random
 * bit patterns, short decimals, integers, powers of ten, tiny and huge values. */
static void old_fmt_float(char *out, size_t cap, double f) {
    char buf[40];
    int p = 1;
    for (; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, f);
        if (strtod(buf, NULL) == f) break;
    }
    char *ep = strpbrk(buf, "eE");
    int e = ep ? atoi(ep + 1) : -1;
    if (ep && e >= 0 && e < 17) snprintf(buf, sizeof buf, "%.*f", p - 1 - e > 0 ? p - 1 - e : 0, f);
    snprintf(out, cap, "%s%s", buf, strpbrk(buf, ".eE") ? "" : ".0");
}
static void check_float_text(double f) {
    if (isnan(f) || isinf(f)) return;
    char want[64];
    old_fmt_float(want, sizeof want, f);
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_value_str(&b, rbk_float(f));
    if (strcmp(b.data, want) != 0) fail_msg("%.17g: \"%s\", was \"%s\"", f, b.data, want);
    rbk_sbuf_free(&b);
}
static void test_float_text_unchanged(void **state) {
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double f;
        memcpy(&f, &x, sizeof f);
        check_float_text(f);
        check_float_text((double)(int64_t)(x >> (x % 64))); /* integers of every size */
        char dec[40];
        snprintf(dec, sizeof dec, "%.*f", (int)(x % 9), (double)(x % 100000000) / 1000.0);
        check_float_text(strtod(dec, NULL)); /* short decimals, as a database prints them */
    }
    double p = 1;
    for (int e = 0; e < 300; e++, p *= 10) {
        check_float_text(p);
        check_float_text(1 / p);
        check_float_text(1.5 * p);
        check_float_text(-p / 3);
    }
    double edge[] = {0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                     0.1, 0.2, 0.30000000000000004, 1e15, 1e16, 1e17, 123456789012345678.0,
                     9007199254740993.0, 100000.0, 1e-5, 1e-4, 0.00012345};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) check_float_text(edge[i]);
}

/* Maps that share one key table (the rows of a query): each has its own values; the keys
 * are stored once (the table's reference count is the maps'); a map that adds a key copies the
 * table and leaves the others alone; a repeated key is one slot. Run under valgrind and ASan
 * too: every test frees what it builds. */
static void test_shared_keys(void **state) {
    (void)state;
    for (int nk = 1; nk <= 12; nk += 11) { /* without and with the hash index (8 keys) */
        rbk_keys *k = rbk_keys_new(2);    /* grows past its first room */
        char name[32];
        for (int c = 0; c < nk; c++) {
            snprintf(name, sizeof name, "col%d", c);
            assert_int_equal(rbk_keys_add(k, name, strlen(name)), c);
        }
        assert_int_equal(rbk_keys_add(k, "col0", 4), 0); /* a repeated name: the same slot */
        rbk_value rows[3];
        for (int r = 0; r < 3; r++) {
            rows[r] = rbk_map_new_keys(k);
            for (int c = 0; c < nk; c++) rbk_map_put(rows[r], (uint32_t)c, rbk_int(r * 100 + c));
        }
        assert_int_equal(k->rc, 4);
        assert_ptr_equal(RBK_AS_MAP(rows[0])->keys, RBK_AS_MAP(rows[2])->keys);
        rbk_keys_release(k); /* the maps keep it */
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < nk; c++) {
                snprintf(name, sizeof name, "col%d", c);
                rbk_value *v = rbk_map_find(rows[r], name, strlen(name));
                assert_non_null(v);
                assert_int_equal(v->as.i, r * 100 + c);
            }
        /* equal to a map built key by key, in either order of comparison */
        rbk_value plain = rbk_map_new(0);
        for (int c = nk - 1; c >= 0; c--) {
            snprintf(name, sizeof name, "col%d", c);
            rbk_map_sets(plain, name, rbk_int(100 + c));
        }
        assert_true(rbk_equal(rows[1], plain));
        assert_true(rbk_equal(plain, rows[1]));
        assert_false(rbk_equal(rows[0], rows[1]));
        /* adding a key to one row copies the table: the other rows do not see it */
        rbk_map_sets(rows[0], "extra", rbk_bool(true));
        assert_int_equal(RBK_AS_MAP(rows[0])->len, nk + 1);
        assert_non_null(rbk_map_find(rows[0], "extra", 5));
        assert_null(rbk_map_find(rows[1], "extra", 5));
        assert_int_equal(RBK_AS_MAP(rows[1])->len, nk);
        assert_int_equal(RBK_AS_MAP(rows[1])->keys->rc, 2);
        assert_ptr_not_equal(RBK_AS_MAP(rows[0])->keys, RBK_AS_MAP(rows[1])->keys);
        /* replacing a value in one row leaves the others */
        rbk_map_sets(rows[2], "col0", S("new"));
        assert_int_equal(rbk_map_find(rows[1], "col0", 4)->as.i, 100);
        rbk_unref(plain);
        for (int r = 0; r < 3; r++) rbk_unref(rows[r]);
    }
}

/* Values carved from blocks (rbk_vbuild) are ordinary values: rendered, compared, kept after
 * the builder ended and after the list that held them is gone, freed in any order; a string
 * too large for a block is allocated on its own. */
static void test_value_blocks(void **state) {
    (void)state;
    rbk_keys *k = rbk_keys_new(2);
    rbk_keys_add(k, "id", 2);
    rbk_keys_add(k, "name", 4);
    rbk_vbuild vb = {0};
    rbk_value list = rbk_list_new(0);
    enum { N = 20000 }; /* several blocks */
    char name[32];
    for (int i = 0; i < N; i++) {
        rbk_value m = rbk_vbuild_map_keys(&vb, k);
        snprintf(name, sizeof name, "name-%d", i);
        rbk_map_put(m, 0, rbk_int(i));
        rbk_map_put(m, 1, rbk_vbuild_str(&vb, name, strlen(name)));
        rbk_list_push(list, m);
    }
    char *big = calloc(1, 200000);
    memset(big, 'b', 199999);
    rbk_value bigs = rbk_vbuild_str(&vb, big, 199999);
    assert_int_equal(RBK_AS_STR(bigs)->len, 199999);
    assert_int_equal(bigs.as.o->inblock, 0);
    rbk_vbuild_end(&vb);
    rbk_keys_release(k);
    rbk_list *l = RBK_AS_LIST(list);
    assert_int_equal(l->len, N);
    check_render(JSON, l->items[7], "{\"id\":7,\"name\":\"name-7\"}");
    /* keep a row and a name from the middle, then drop the list */
    rbk_value row = rbk_ref(l->items[N / 2]);
    rbk_value nm = rbk_ref(*rbk_map_find(l->items[N - 1], "name", 4));
    rbk_unref(list);
    check_render(REPR, row, "{\"id\": 10000, \"name\": \"name-10000\"}");
    assert_string_equal(RBK_AS_STR(nm)->data, "name-19999");
    rbk_unref(nm);
    rbk_unref(row);
    rbk_unref(bigs);
    free(big);
    /* a builder that made nothing, and one whose values are freed before it ends */
    rbk_vbuild none = {0};
    rbk_vbuild_end(&none);
    rbk_vbuild early = {0};
    rbk_unref(rbk_vbuild_str(&early, "x", 1));
    rbk_vbuild_end(&early);
}

/* rbk_str_take_sbuf: a small buffer is copied, a large one becomes the string in place (a
 * command's 64 MiB output is not held twice); both give the same string, NULs included. */
static void test_str_take_sbuf(void **state) {
    (void)state;
    size_t sizes[] = {0, 1, 4095, 4096, 4097, 1 << 20};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        rbk_sbuf b = RBK_SBUF_INIT, want = RBK_SBUF_INIT;
        for (size_t i = 0; i < n; i++) {
            char c = (char)(i % 251);
            rbk_sbuf_addc(&b, c);
            rbk_sbuf_addc(&want, c);
        }
        rbk_value v = rbk_str_take_sbuf(&b);
        assert_null(b.data);
        assert_int_equal(b.len, 0);
        assert_int_equal(v.t, RBK_T_STRING);
        assert_int_equal(v.as.o->rc, 1);
        assert_int_equal(RBK_AS_STR(v)->len, n);
        assert_int_equal(RBK_AS_STR(v)->data[n], 0);
        if (n) assert_memory_equal(RBK_AS_STR(v)->data, want.data, n);
        rbk_value same = rbk_str_new(want.data ? want.data : "", n);
        assert_true(rbk_equal(v, same));
        rbk_unref(same);
        rbk_unref(v);
        rbk_sbuf_free(&want);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_take_sbuf),
        cmocka_unit_test(test_float_text_unchanged),
        cmocka_unit_test(test_shared_keys),
        cmocka_unit_test(test_value_blocks),
        cmocka_unit_test(test_equal_scalars),
        cmocka_unit_test(test_equal_containers),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_truthy),
        cmocka_unit_test(test_map_small),
        cmocka_unit_test(test_map_at_index_threshold),
        cmocka_unit_test(test_map_large),
        cmocka_unit_test(test_map_binary_keys),
        cmocka_unit_test(test_refcount),
        cmocka_unit_test(test_handle_lifetime),
        cmocka_unit_test(test_lazy_lifetime),
        cmocka_unit_test(test_render_scalars),
        cmocka_unit_test(test_render_float_shortest),
        cmocka_unit_test(test_render_float_round_numbers),
        cmocka_unit_test(test_render_durations),
        cmocka_unit_test(test_render_duration_min),
        cmocka_unit_test(test_render_strings),
        cmocka_unit_test(test_render_containers),
        cmocka_unit_test(test_type_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

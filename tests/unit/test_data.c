/* tests/unit/test_data.c — the pure data builtins of stdlib/std_data.c, called through the
 * native API of vm/native.h on a bare VM (vm/vm.h): results, error messages (naming the
 * builtin and showing the offending value, masked and truncated), and secret propagation
 * (docs/language.md §8 "data", §9). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vm/json_value.h"
#include "vm/native.h"
#include "vm/vm.h"

#define RBK_BUILTIN(id, name, lib, effect, sig, ret, cfunc, synopsis) \
    int cfunc(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);
#include "stdlib/builtins.def"
#undef RBK_BUILTIN

/* ---- fixture and helpers ---- */

static int setup(void **state) {
    *state = rbk_vm_new_bare();
    return *state ? 0 : -1;
}
static int teardown(void **state) {
    rbk_vm_free(*state);
    return 0;
}

static rbk_value S(const char *s) { return rbk_str_cstr(s); }
static rbk_value END(void) { rbk_value v = rbk_nil(); v.t = RBK_T__COUNT; return v; }
static rbk_value L(rbk_value first, ...) {
    rbk_value l = rbk_list_new(0);
    va_list ap;
    va_start(ap, first);
    for (rbk_value v = first; v.t != RBK_T__COUNT; v = va_arg(ap, rbk_value)) rbk_list_push(l, v);
    va_end(ap);
    return l;
}
static rbk_value M(const char *k, ...) {
    rbk_value m = rbk_map_new(0);
    va_list ap;
    va_start(ap, k);
    for (; k; k = va_arg(ap, const char *)) rbk_map_sets(m, k, va_arg(ap, rbk_value));
    va_end(ap);
    return m;
}
static rbk_value secret(rbk_value v) { v.secret = 1; return v; }

/* Calls fn with the given arguments (consumed after the call); asserts success; returns *out. */
static rbk_value ok_call(rbk_vm *vm, rbk_native_fn fn, int nargs, ...) {
    rbk_value args[8];
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) args[i] = va_arg(ap, rbk_value);
    va_end(ap);
    rbk_value out = rbk_nil();
    int r = fn(vm, args, nargs, &out);
    if (r != 0) print_error("unexpected error: %s\n", rbk_vm_last_error(vm));
    for (int i = 0; i < nargs; i++) rbk_unref(args[i]);
    assert_int_equal(r, 0);
    return out;
}
/* Calls fn expecting an error; asserts the message contains every NULL-terminated needle. */
static void err_call(rbk_vm *vm, rbk_native_fn fn, int nargs, rbk_value *args, ...) {
    rbk_value out = rbk_nil();
    int r = fn(vm, args, nargs, &out);
    for (int i = 0; i < nargs; i++) rbk_unref(args[i]);
    if (r == 0) {
        rbk_unref(out);
        fail_msg("expected an error");
    }
    assert_int_equal(r, -1);
    const char *msg = rbk_vm_last_error(vm);
    va_list ap;
    va_start(ap, args);
    for (const char *want; (want = va_arg(ap, const char *));) {
        if (!strstr(msg, want)) {
            va_end(ap);
            fail_msg("error message '%s' lacks '%s'", msg, want);
        }
    }
    va_end(ap);
}
#define ERR1(vm, fn, a, ...) do { rbk_value args_[1] = {a}; err_call(vm, fn, 1, args_, __VA_ARGS__, NULL); } while (0)
#define ERR2(vm, fn, a, b, ...) do { rbk_value args_[2] = {a, b}; err_call(vm, fn, 2, args_, __VA_ARGS__, NULL); } while (0)
#define ERR3(vm, fn, a, b, c, ...) do { rbk_value args_[3] = {a, b, c}; err_call(vm, fn, 3, args_, __VA_ARGS__, NULL); } while (0)

static void want_int(rbk_value v, int64_t i) {
    assert_int_equal(v.t, RBK_T_INT);
    assert_true(v.as.i == i);
}
static void want_float(rbk_value v, double f) {
    assert_int_equal(v.t, RBK_T_FLOAT);
    assert_true(v.as.f == f);
}
static void want_bool(rbk_value v, bool b) {
    assert_int_equal(v.t, RBK_T_BOOL);
    assert_int_equal(v.as.b, b);
}
/* asserts v is the string s (n bytes) and releases v */
static void want_strn(rbk_value v, const char *s, size_t n) {
    assert_int_equal(v.t, RBK_T_STRING);
    if (RBK_AS_STR(v)->len != n || memcmp(RBK_AS_STR(v)->data, s, n) != 0)
        fail_msg("got '%s', want '%s'", RBK_AS_STR(v)->data, s);
    rbk_unref(v);
}
static void want_str(rbk_value v, const char *s) { want_strn(v, s, strlen(s)); }
/* asserts repr(v) == s and releases v */
static void want_repr(rbk_value v, const char *s) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_value_repr(&b, v);
    if (strcmp(rbk_sbuf_cstr(&b), s) != 0) fail_msg("got %s, want %s", rbk_sbuf_cstr(&b), s);
    rbk_sbuf_free(&b);
    rbk_unref(v);
}
static char *masked(rbk_vm *vm, const char *s) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &b, s, strlen(s));
    return rbk_sbuf_detach(&b);
}

/* ---- len keys values ---- */

static void test_len(void **state) {
    rbk_vm *vm = *state;
    want_int(ok_call(vm, rbk_std_len, 1, S("h\xc3\xa9llo")), 6); /* bytes, not characters */
    want_int(ok_call(vm, rbk_std_len, 1, S("")), 0);
    want_int(ok_call(vm, rbk_std_len, 1, rbk_str_new("a\0b", 3)), 3);
    want_int(ok_call(vm, rbk_std_len, 1, L(rbk_int(1), rbk_nil(), END())), 2);
    want_int(ok_call(vm, rbk_std_len, 1, M("a", rbk_int(1), "b", rbk_int(2), "c", rbk_int(3), NULL)), 3);
    ERR1(vm, rbk_std_len, rbk_int(5), "len:", "int 5");
    ERR1(vm, rbk_std_len, rbk_nil(), "len:", "nil");
}

static void test_keys_values(void **state) {
    rbk_vm *vm = *state;
    rbk_value m = M("z", rbk_int(1), "a", S("two"), "m", rbk_nil(), NULL);
    want_repr(ok_call(vm, rbk_std_keys, 1, rbk_ref(m)), "[\"z\", \"a\", \"m\"]");
    want_repr(ok_call(vm, rbk_std_values, 1, rbk_ref(m)), "[1, \"two\", nil]");
    rbk_unref(m);
    want_repr(ok_call(vm, rbk_std_keys, 1, M(NULL)), "[]");
    want_repr(ok_call(vm, rbk_std_values, 1, M(NULL)), "[]");
    ERR1(vm, rbk_std_keys, L(END()), "keys:", "a map", "list []");
    ERR1(vm, rbk_std_values, S("m"), "values:", "a map", "\"m\"");
}

static int force_upper(struct rbk_vm *vm, rbk_value arg, rbk_value *out) {
    return rbk_std_upper(vm, &arg, 1, out);
}
static int force_fail(struct rbk_vm *vm, rbk_value arg, rbk_value *out) {
    (void)arg;
    (void)out;
    return rbk_vm_error(vm, "the body is not JSON");
}

/* values() reads every entry, so it forces lazy entries (value.h RBK_T_LAZY). */
static void test_values_forces_lazy(void **state) {
    rbk_vm *vm = *state;
    rbk_value m = M("status", rbk_int(200), "json", rbk_lazy_new(force_upper, S("abc")), NULL);
    want_repr(ok_call(vm, rbk_std_values, 1, rbk_ref(m)), "[200, \"ABC\"]");
    rbk_value *j = rbk_map_find(m, "json", 4);
    assert_int_equal(j->t, RBK_T_STRING); /* the forced value replaced the entry */
    rbk_unref(m);
    ERR1(vm, rbk_std_values, M("json", rbk_lazy_new(force_fail, rbk_nil()), NULL), "not JSON");
}

/* ---- str int float ---- */

static void test_str(void **state) {
    rbk_vm *vm = *state;
    want_str(ok_call(vm, rbk_std_str, 1, S("as is")), "as is");
    want_str(ok_call(vm, rbk_std_str, 1, rbk_int(-42)), "-42");
    want_str(ok_call(vm, rbk_std_str, 1, rbk_float(0.1)), "0.1");
    want_str(ok_call(vm, rbk_std_str, 1, rbk_float(2.0)), "2.0");
    want_str(ok_call(vm, rbk_std_str, 1, rbk_bool(true)), "true");
    want_str(ok_call(vm, rbk_std_str, 1, rbk_nil()), "nil");
    want_str(ok_call(vm, rbk_std_str, 1, rbk_duration(90000)), "1m30s");
    want_str(ok_call(vm, rbk_std_str, 1, L(rbk_int(1), S("a"), END())), "[1, \"a\"]");
    want_str(ok_call(vm, rbk_std_str, 1, M("k", S("v"), NULL)), "{\"k\": \"v\"}");
}

static void test_int(void **state) {
    rbk_vm *vm = *state;
    want_int(ok_call(vm, rbk_std_int, 1, S("42")), 42);
    want_int(ok_call(vm, rbk_std_int, 1, S("  42\n")), 42); /* e.g. the stdout of wc -l */
    want_int(ok_call(vm, rbk_std_int, 1, S("-17")), -17);
    want_int(ok_call(vm, rbk_std_int, 1, S("+5")), 5);
    want_int(ok_call(vm, rbk_std_int, 1, S("007")), 7);
    want_int(ok_call(vm, rbk_std_int, 1, S("9223372036854775807")), INT64_MAX);
    want_int(ok_call(vm, rbk_std_int, 1, S("-9223372036854775808")), INT64_MIN);
    want_int(ok_call(vm, rbk_std_int, 1, rbk_float(3.9)), 3);
    want_int(ok_call(vm, rbk_std_int, 1, rbk_float(-3.9)), -3);
    want_int(ok_call(vm, rbk_std_int, 1, rbk_float(-9223372036854775808.0)), INT64_MIN);
    want_int(ok_call(vm, rbk_std_int, 1, rbk_int(12)), 12);
    want_int(ok_call(vm, rbk_std_int, 1, rbk_duration(1500)), 1500);
    want_int(ok_call(vm, rbk_std_int, 1, rbk_bool(true)), 1);
    want_int(ok_call(vm, rbk_std_int, 1, rbk_bool(false)), 0);
    ERR1(vm, rbk_std_int, S("abc"), "int:", "\"abc\"");
    ERR1(vm, rbk_std_int, S("4.2"), "int:", "\"4.2\"");
    ERR1(vm, rbk_std_int, S(""), "int:", "\"\"");
    ERR1(vm, rbk_std_int, S("-"), "int:", "\"-\"");
    ERR1(vm, rbk_std_int, S("1 2"), "int:", "\"1 2\"");
    ERR1(vm, rbk_std_int, S("12abc"), "int:", "\"12abc\"");
    ERR1(vm, rbk_std_int, S("9223372036854775808"), "int:", "range", "\"9223372036854775808\"");
    ERR1(vm, rbk_std_int, S("-9223372036854775809"), "int:", "range");
    ERR1(vm, rbk_std_int, S("99999999999999999999999"), "int:", "range");
    ERR1(vm, rbk_std_int, rbk_float(9223372036854775808.0), "int:", "range");
    ERR1(vm, rbk_std_int, rbk_float(-1e300), "int:", "range");
    ERR1(vm, rbk_std_int, rbk_float(INFINITY), "int:", "range", "inf");
    ERR1(vm, rbk_std_int, rbk_float(NAN), "int:", "NaN");
    ERR1(vm, rbk_std_int, rbk_nil(), "int:", "got nil");
    ERR1(vm, rbk_std_int, L(END()), "int:", "got list");
}

static void test_float(void **state) {
    rbk_vm *vm = *state;
    want_float(ok_call(vm, rbk_std_float, 1, S("1.5")), 1.5);
    want_float(ok_call(vm, rbk_std_float, 1, S(" 2 \n")), 2.0);
    want_float(ok_call(vm, rbk_std_float, 1, S("1e3")), 1000.0);
    want_float(ok_call(vm, rbk_std_float, 1, S("-0.25")), -0.25);
    want_float(ok_call(vm, rbk_std_float, 1, S(".5")), 0.5);
    want_float(ok_call(vm, rbk_std_float, 1, S("5.")), 5.0);
    want_float(ok_call(vm, rbk_std_float, 1, S("0.1")), 0.1);
    want_float(ok_call(vm, rbk_std_float, 1, S("1e-400")), 0.0); /* underflow rounds to 0 */
    want_float(ok_call(vm, rbk_std_float, 1, rbk_int(3)), 3.0);
    want_float(ok_call(vm, rbk_std_float, 1, rbk_float(2.5)), 2.5);
    ERR1(vm, rbk_std_float, S("abc"), "float:", "\"abc\"");
    ERR1(vm, rbk_std_float, S("nan"), "float:", "\"nan\"");
    ERR1(vm, rbk_std_float, S("inf"), "float:", "\"inf\"");
    ERR1(vm, rbk_std_float, S("0x10"), "float:", "\"0x10\"");
    ERR1(vm, rbk_std_float, S("1e"), "float:");
    ERR1(vm, rbk_std_float, S("."), "float:");
    ERR1(vm, rbk_std_float, S(""), "float:");
    ERR1(vm, rbk_std_float, S("1e999"), "float:", "range");
    ERR1(vm, rbk_std_float, rbk_bool(true), "float:", "got bool");
    ERR1(vm, rbk_std_float, rbk_duration(5), "float:", "got duration");
}

/* ---- json ---- */

static void test_json_parse(void **state) {
    rbk_vm *vm = *state;
    rbk_value v = ok_call(vm, rbk_std_json_parse, 1,
                          S("{\"z\": 1, \"a\": [true, false, null, 1.5, -2], \"m\": {\"s\": \"x\\u00e9\"}}"));
    want_repr(v, "{\"z\": 1, \"a\": [true, false, nil, 1.5, -2], \"m\": {\"s\": \"x\xc3\xa9\"}}");
    /* 1.0 stays a float, 1 an int */
    v = ok_call(vm, rbk_std_json_parse, 1, S("[1, 1.0, 1e2]"));
    rbk_list *l = RBK_AS_LIST(v);
    assert_int_equal(l->items[0].t, RBK_T_INT);
    assert_int_equal(l->items[1].t, RBK_T_FLOAT);
    assert_int_equal(l->items[2].t, RBK_T_FLOAT);
    rbk_unref(v);
    /* any value at top level */
    want_int(ok_call(vm, rbk_std_json_parse, 1, S("42")), 42);
    want_str(ok_call(vm, rbk_std_json_parse, 1, S("\"hi\"")), "hi");
    assert_int_equal(ok_call(vm, rbk_std_json_parse, 1, S(" null ")).t, RBK_T_NIL);
    /* NUL inside strings */
    want_strn(ok_call(vm, rbk_std_json_parse, 1, S("\"a\\u0000b\"")), "a\0b", 3);
    /* duplicate keys: the last value wins */
    want_repr(ok_call(vm, rbk_std_json_parse, 1, S("{\"a\":1,\"b\":2,\"a\":3}")), "{\"a\": 3, \"b\": 2}");
    /* many keys: order kept past the map's index threshold */
    want_repr(ok_call(vm, rbk_std_json_parse, 1,
                      S("{\"k9\":9,\"k8\":8,\"k7\":7,\"k6\":6,\"k5\":5,\"k4\":4,\"k3\":3,\"k2\":2,\"k1\":1,\"k0\":0}")),
              "{\"k9\": 9, \"k8\": 8, \"k7\": 7, \"k6\": 6, \"k5\": 5, \"k4\": 4, \"k3\": 3, \"k2\": 2, \"k1\": 1, \"k0\": 0}");
    ERR1(vm, rbk_std_json_parse, S("{\"a\":"), "json.parse:", "line 1 column 5", "{\\\"a\\\":");
    ERR1(vm, rbk_std_json_parse, S("[1,\n2,,]"), "json.parse:", "line 2 column 3");
    ERR1(vm, rbk_std_json_parse, S(""), "json.parse:", "invalid JSON");
    ERR1(vm, rbk_std_json_parse, S("1 2"), "json.parse:");
    ERR1(vm, rbk_std_json_parse, S("99999999999999999999"), "json.parse:", "too big integer");
    ERR1(vm, rbk_std_json_parse, rbk_int(1), "json.parse:", "got int");
}

static void test_json_value_api(void **state) {
    (void)state;
    rbk_sbuf err = RBK_SBUF_INIT;
    rbk_value v;
    assert_int_equal(rbk_json_to_value("[1,", 3, &v, &err), -1);
    assert_int_equal(v.t, RBK_T_NIL);
    assert_non_null(strstr(rbk_sbuf_cstr(&err), "line 1 column"));
    rbk_sbuf_free(&err);
    assert_int_equal(rbk_json_to_value("[1,2] trailing", 5, &v, NULL), 0); /* only n bytes */
    want_repr(v, "[1, 2]");
    assert_int_equal(rbk_json_value_from_jansson(NULL).t, RBK_T_NIL);
}

static void test_json_encode(void **state) {
    rbk_vm *vm = *state;
    rbk_value v = M("name", S("a\"b\n"), "n", rbk_int(3), "f", rbk_float(0.5), "d", rbk_duration(1500),
                    "l", L(rbk_nil(), rbk_bool(true), END()), "e", M(NULL), NULL);
    rbk_value text = ok_call(vm, rbk_std_json_encode, 1, rbk_ref(v));
    assert_string_equal(RBK_AS_STR(text)->data,
                        "{\"name\":\"a\\\"b\\n\",\"n\":3,\"f\":0.5,\"d\":1500,\"l\":[null,true],\"e\":{}}");
    /* round trip (a duration comes back as its milliseconds) */
    rbk_value back = ok_call(vm, rbk_std_json_parse, 1, text);
    rbk_value *d = rbk_map_find(back, "d", 1);
    assert_int_equal(d->t, RBK_T_INT);
    *d = rbk_duration(d->as.i);
    assert_true(rbk_equal(v, back));
    rbk_unref(back);
    rbk_unref(v);
    want_str(ok_call(vm, rbk_std_json_encode, 1, S("x")), "\"x\"");
    want_str(ok_call(vm, rbk_std_json_encode, 1, rbk_nil()), "null");
    want_str(ok_call(vm, rbk_std_json_encode, 1, rbk_float(NAN)), "null");
}

/* ---- strings ---- */

static void test_case_trim(void **state) {
    rbk_vm *vm = *state;
    want_str(ok_call(vm, rbk_std_lower, 1, S("MiXeD 123 \xc3\x84")), "mixed 123 \xc3\x84");
    want_str(ok_call(vm, rbk_std_upper, 1, S("MiXeD 123 \xc3\xa4")), "MIXED 123 \xc3\xa4");
    want_str(ok_call(vm, rbk_std_upper, 1, S("")), "");
    want_str(ok_call(vm, rbk_std_trim, 1, S(" \t a b \r\n")), "a b");
    want_str(ok_call(vm, rbk_std_trim, 1, S("   ")), "");
    want_str(ok_call(vm, rbk_std_trim, 1, S("x")), "x");
    ERR1(vm, rbk_std_lower, rbk_int(1), "lower:", "got int");
    ERR1(vm, rbk_std_upper, rbk_nil(), "upper:", "got nil");
    ERR1(vm, rbk_std_trim, L(END()), "trim:", "got list");
}

static void test_split(void **state) {
    rbk_vm *vm = *state;
    want_repr(ok_call(vm, rbk_std_split, 2, S("  a  b\tc\n"), rbk_nil()), "[\"a\", \"b\", \"c\"]");
    want_repr(ok_call(vm, rbk_std_split, 2, S(""), rbk_nil()), "[]");
    want_repr(ok_call(vm, rbk_std_split, 2, S(" \n "), rbk_nil()), "[]");
    want_repr(ok_call(vm, rbk_std_split, 2, S("one"), rbk_nil()), "[\"one\"]");
    want_repr(ok_call(vm, rbk_std_split, 2, S("a,,b"), S(",")), "[\"a\", \"\", \"b\"]");
    want_repr(ok_call(vm, rbk_std_split, 2, S(",a,"), S(",")), "[\"\", \"a\", \"\"]");
    want_repr(ok_call(vm, rbk_std_split, 2, S("a::b::c"), S("::")), "[\"a\", \"b\", \"c\"]");
    want_repr(ok_call(vm, rbk_std_split, 2, S("a b"), S(" ")), "[\"a\", \"b\"]");
    want_repr(ok_call(vm, rbk_std_split, 2, S("abc"), S(",")), "[\"abc\"]");
    want_repr(ok_call(vm, rbk_std_split, 2, S(""), S(",")), "[\"\"]");
    want_repr(ok_call(vm, rbk_std_split, 2, S("a\n\nb"), S("\n")), "[\"a\", \"\", \"b\"]");
    ERR2(vm, rbk_std_split, S("abc"), S(""), "split:", "empty");
    ERR2(vm, rbk_std_split, S("abc"), rbk_int(1), "split:", "sep", "got int");
    ERR2(vm, rbk_std_split, rbk_nil(), rbk_nil(), "split:", "got nil");
}

static void test_join(void **state) {
    rbk_vm *vm = *state;
    want_str(ok_call(vm, rbk_std_join, 2,
                     L(rbk_int(1), S("a"), rbk_nil(), rbk_float(2.5), rbk_duration(250), END()), S(", ")),
             "1, a, nil, 2.5, 250ms");
    want_str(ok_call(vm, rbk_std_join, 2, L(S("a"), S("b"), END()), rbk_nil()), "ab");
    want_str(ok_call(vm, rbk_std_join, 2, L(END()), S(",")), "");
    want_str(ok_call(vm, rbk_std_join, 2, L(S("only"), END()), S(",")), "only");
    want_str(ok_call(vm, rbk_std_join, 2, L(L(rbk_int(1), END()), M("k", S("v"), NULL), END()), S(" ")),
             "[1] {\"k\": \"v\"}");
    ERR2(vm, rbk_std_join, S("abc"), S(","), "join:", "a list", "got string");
    ERR2(vm, rbk_std_join, L(END()), rbk_int(1), "join:", "sep", "got int");
}

static void test_replace(void **state) {
    rbk_vm *vm = *state;
    want_str(ok_call(vm, rbk_std_replace, 3, S("aaa"), S("a"), S("bb")), "bbbbbb");
    want_str(ok_call(vm, rbk_std_replace, 3, S("aaaa"), S("aa"), S("b")), "bb");
    want_str(ok_call(vm, rbk_std_replace, 3, S("x.y.z"), S("."), S("")), "xyz");
    want_str(ok_call(vm, rbk_std_replace, 3, S("none"), S("q"), S("r")), "none");
    want_str(ok_call(vm, rbk_std_replace, 3, S(""), S("q"), S("r")), "");
    want_str(ok_call(vm, rbk_std_replace, 3, S("v1.2"), S("v1"), S("v2")), "v2.2");
    ERR3(vm, rbk_std_replace, S("abc"), S(""), S("x"), "replace:", "empty");
    ERR3(vm, rbk_std_replace, S("abc"), rbk_int(1), S("x"), "replace:", "old", "got int");
    ERR3(vm, rbk_std_replace, S("abc"), S("a"), rbk_nil(), "replace:", "new", "got nil");
}

static void test_affixes(void **state) {
    rbk_vm *vm = *state;
    want_bool(ok_call(vm, rbk_std_starts_with, 2, S("prefix-rest"), S("prefix")), true);
    want_bool(ok_call(vm, rbk_std_starts_with, 2, S("prefix-rest"), S("rest")), false);
    want_bool(ok_call(vm, rbk_std_starts_with, 2, S("ab"), S("abc")), false);
    want_bool(ok_call(vm, rbk_std_starts_with, 2, S("ab"), S("")), true);
    want_bool(ok_call(vm, rbk_std_ends_with, 2, S("backup.sql"), S(".sql")), true);
    want_bool(ok_call(vm, rbk_std_ends_with, 2, S("backup.sql"), S("backup")), false);
    want_bool(ok_call(vm, rbk_std_ends_with, 2, S("ql"), S(".sql")), false);
    want_bool(ok_call(vm, rbk_std_ends_with, 2, S(""), S("")), true);
    ERR2(vm, rbk_std_starts_with, S("a"), rbk_nil(), "starts_with:", "prefix", "got nil");
    ERR2(vm, rbk_std_ends_with, rbk_int(3), S("a"), "ends_with:", "got int 3");
}

static void test_any_all(void **state) {
    rbk_vm *vm = *state;
    want_bool(ok_call(vm, rbk_std_any, 1, L(END())), false);
    want_bool(ok_call(vm, rbk_std_all, 1, L(END())), true);
    want_bool(ok_call(vm, rbk_std_any, 1, L(rbk_nil(), rbk_bool(false), rbk_int(0), END())), true);
    want_bool(ok_call(vm, rbk_std_any, 1, L(rbk_nil(), rbk_bool(false), END())), false);
    want_bool(ok_call(vm, rbk_std_all, 1, L(rbk_int(1), S(""), L(END()), END())), true);
    want_bool(ok_call(vm, rbk_std_all, 1, L(rbk_int(1), rbk_nil(), END())), false);
    ERR1(vm, rbk_std_any, M(NULL), "any:", "a list", "got map");
    ERR1(vm, rbk_std_all, rbk_bool(true), "all:", "got bool");
}

static void test_now(void **state) {
    rbk_vm *vm = *state;
    rbk_value v = ok_call(vm, rbk_std_now, 0);
    assert_int_equal(v.t, RBK_T_TIME); /* a time, shown as RFC 3339 UTC with milliseconds */
    rbk_sbuf text = RBK_SBUF_INIT;
    rbk_value_str(&text, v);
    regex_t re;
    assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                             REG_EXTENDED | REG_NOSUB), 0);
    assert_int_equal(regexec(&re, rbk_sbuf_cstr(&text), 0, NULL, 0), 0);
    regfree(&re);
    /* the same UTC date as the C library says (generous: allow a midnight rollover) */
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    int year = atoi(rbk_sbuf_cstr(&text));
    assert_true(year == tm.tm_year + 1900 || year == tm.tm_year + 1900 + 1);
    rbk_sbuf_free(&text);
    rbk_unref(v);
}

/* ---- errors: masked, truncated ---- */

static void test_error_value_truncated(void **state) {
    rbk_vm *vm = *state;
    char big[301];
    memset(big, 'x', 300);
    big[300] = 0;
    ERR1(vm, rbk_std_int, S(big), "int:", "\"xxxxxxxx", "...");
    assert_true(strlen(rbk_vm_last_error(vm)) < 160);
    /* cut on a UTF-8 character boundary: no lone lead byte before "..." */
    rbk_sbuf b = RBK_SBUF_INIT;
    for (int i = 0; i < 100; i++) rbk_sbuf_adds(&b, "\xc3\xa9");
    ERR1(vm, rbk_std_int, rbk_str_take_sbuf(&b), "int:", "...");
    const char *msg = rbk_vm_last_error(vm);
    const char *dots = strstr(msg, "...");
    assert_non_null(dots);
    assert_true(dots[-2] == '\xc3' && dots[-1] == '\xa9');
}

static void test_error_masks_before_truncating(void **state) {
    rbk_vm *vm = *state;
    /* a long registered secret inside an unmarked value: showing the first 80 bytes would
     * leak them past a whole-text mask */
    char pw[201];
    for (int i = 0; i < 200; i++) pw[i] = (char)('a' + i % 26);
    pw[200] = 0;
    rbk_vm_add_secret(vm, pw, 200);
    ERR1(vm, rbk_std_int, S(pw), "int:", "\"***\"");
    assert_null(strstr(rbk_vm_last_error(vm), "abcdefghij"));
}

static void test_error_hides_secret_values(void **state) {
    rbk_vm *vm = *state;
    /* marked but never registered (e.g. a piece of a secret): not shown at all */
    ERR1(vm, rbk_std_int, secret(S("piece-of-pw")), "int:", "<secret string>");
    assert_null(strstr(rbk_vm_last_error(vm), "piece"));
    ERR2(vm, rbk_std_join, secret(S("piece-of-pw")), rbk_nil(), "join:", "got string <secret string>");
    /* json.parse quotes the bad token: dropped for a secret text */
    ERR1(vm, rbk_std_json_parse, secret(S("{\"user\": hunter2}")), "json.parse:", "line 1 column");
    assert_null(strstr(rbk_vm_last_error(vm), "hunter"));
    ERR1(vm, rbk_std_json_parse, S("{\"user\": hunter2}"), "json.parse:", "near 'hunter'");
}

/* ---- secrets (docs/language.md §9) ---- */

static void test_secret_registers_text(void **state) {
    rbk_vm *vm = *state;
    rbk_value v = ok_call(vm, rbk_std_secret, 1, S("hunter2"));
    assert_int_equal(v.secret, 1);
    assert_int_equal(v.t, RBK_T_STRING);
    assert_string_equal(RBK_AS_STR(v)->data, "hunter2"); /* the value itself is unchanged */
    rbk_unref(v);
    char *m = masked(vm, "password=hunter2;");
    assert_string_equal(m, "password=***;");
    free(m);
    /* containers: every string inside is registered, everything inside is marked */
    v = ok_call(vm, rbk_std_secret, 1,
                L(S("tok-aaa"), L(S("tok-bbb"), END()), M("key", S("tok-ccc"), NULL), rbk_int(7), END()));
    assert_int_equal(v.secret, 1);
    rbk_list *l = RBK_AS_LIST(v);
    assert_int_equal(l->items[0].secret, 1);
    assert_int_equal(RBK_AS_LIST(l->items[1])->items[0].secret, 1);
    assert_int_equal(rbk_map_find(l->items[2], "key", 3)->secret, 1);
    assert_int_equal(l->items[3].secret, 1);
    rbk_unref(v);
    m = masked(vm, "tok-aaa tok-bbb tok-ccc key 7");
    assert_string_equal(m, "*** *** *** key 7");
    free(m);
    /* a shared container is copied, never marked in place */
    rbk_value orig = L(S("tok-ddd"), L(rbk_int(1), END()), END());
    v = ok_call(vm, rbk_std_secret, 1, rbk_ref(orig));
    assert_int_equal(RBK_AS_LIST(v)->items[0].secret, 1);
    assert_int_equal(RBK_AS_LIST(RBK_AS_LIST(v)->items[1])->items[0].secret, 1);
    assert_int_equal(orig.secret, 0);
    assert_int_equal(RBK_AS_LIST(orig)->items[0].secret, 0);
    assert_int_equal(RBK_AS_LIST(RBK_AS_LIST(orig)->items[1])->items[0].secret, 0);
    assert_true(rbk_equal(v, orig));
    rbk_unref(v);
    rbk_unref(orig);
    /* scalars and empty strings: marked, nothing registered */
    v = ok_call(vm, rbk_std_secret, 1, rbk_int(1234));
    assert_int_equal(v.secret, 1);
    want_int(v, 1234);
    v = ok_call(vm, rbk_std_secret, 1, S(""));
    assert_int_equal(v.secret, 1);
    want_str(v, "");
    m = masked(vm, "1234 ok");
    assert_string_equal(m, "1234 ok");
    free(m);
}

static void test_secret_propagates(void **state) {
    rbk_vm *vm = *state;
    rbk_value pw = ok_call(vm, rbk_std_secret, 1, S("Abc Def"));
    rbk_value v;
    v = ok_call(vm, rbk_std_len, 1, rbk_ref(pw));
    assert_int_equal(v.secret, 1);
    want_int(v, 7);
    v = ok_call(vm, rbk_std_upper, 1, rbk_ref(pw));
    assert_int_equal(v.secret, 1);
    want_str(v, "ABC DEF");
    v = ok_call(vm, rbk_std_str, 1, rbk_ref(pw));
    assert_int_equal(v.secret, 1);
    rbk_unref(v);
    v = ok_call(vm, rbk_std_starts_with, 2, S("Abc Def!"), rbk_ref(pw)); /* secret in 2nd arg */
    assert_int_equal(v.secret, 1);
    want_bool(v, true);
    /* a container result and every item in it */
    v = ok_call(vm, rbk_std_split, 2, rbk_ref(pw), rbk_nil());
    assert_int_equal(v.secret, 1);
    assert_int_equal(RBK_AS_LIST(v)->items[0].secret, 1);
    assert_int_equal(RBK_AS_LIST(v)->items[1].secret, 1);
    rbk_unref(v);
    /* a secret inside a container argument counts */
    v = ok_call(vm, rbk_std_join, 2, L(S("user"), rbk_ref(pw), END()), S(":"));
    assert_int_equal(v.secret, 1);
    want_str(v, "user:Abc Def");
    v = ok_call(vm, rbk_std_json_encode, 1, M("k", rbk_ref(pw), NULL));
    assert_int_equal(v.secret, 1);
    rbk_unref(v);
    v = ok_call(vm, rbk_std_str, 1, L(rbk_int(1), L(rbk_ref(pw), END()), END()));
    assert_int_equal(v.secret, 1);
    rbk_unref(v);
    v = ok_call(vm, rbk_std_len, 1, secret(L(rbk_int(1), END())));
    assert_int_equal(v.secret, 1);
    want_int(v, 1);
    v = ok_call(vm, rbk_std_values, 1, secret(M("a", S("x"), NULL)));
    assert_int_equal(v.secret, 1);
    assert_int_equal(RBK_AS_LIST(v)->items[0].secret, 1);
    rbk_unref(v);
    v = ok_call(vm, rbk_std_keys, 1, secret(M("a", rbk_int(1), NULL)));
    assert_int_equal(v.secret, 1);
    assert_int_equal(RBK_AS_LIST(v)->items[0].secret, 1);
    rbk_unref(v);
    v = ok_call(vm, rbk_std_json_parse, 1, secret(S("{\"a\": \"b\"}")));
    assert_int_equal(v.secret, 1);
    assert_int_equal(rbk_map_find(v, "a", 1)->secret, 1);
    rbk_unref(v);
    /* nothing secret: nothing marked */
    v = ok_call(vm, rbk_std_split, 2, S("a b"), rbk_nil());
    assert_int_equal(v.secret, 0);
    assert_int_equal(RBK_AS_LIST(v)->items[0].secret, 0);
    rbk_unref(v);
    v = ok_call(vm, rbk_std_len, 1, S("abc"));
    assert_int_equal(v.secret, 0);
    rbk_unref(pw);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_len, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values_forces_lazy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_str, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int, setup, teardown),
        cmocka_unit_test_setup_teardown(test_float, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_value_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_encode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_trim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_join, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_affixes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_any_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_now, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_value_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_masks_before_truncating, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_hides_secret_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_registers_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_propagates, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/test_journal_values.c — what the journal writes and reads back exactly
 * (docs/journal.md): the one JSON string writer always writes valid JSON (support/sbuf.c),
 * base64 both ways, values in the checkpoint encoding and back (vm/checkpoint.c: bytes that are
 * not UTF-8, NUL, "$" keys, durations, times, floats, an HTTP json entry not read yet), the limit on a
 * recorded result (RBK_RESULT_MAX, at N and N + 1), what is never recorded (a secret), the
 * unreadable result of an effect counted as done, and the passwords of connection strings
 * (support/conninfo.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "support/conninfo.h"
#include "vm/vm_internal.h" /* the journal's value encoding is the VM's own */

/* parses text as one JSON value; NULL when it is not valid JSON */
static json_t *parse(const char *text, size_t n) {
    return json_loadb(text, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

static void test_json_str_is_always_valid(void **state) {
    (void)state;
    static const struct { const char *in; size_t n; const char *out; size_t outn; } cases[] = {
        {"caf\xc3\xa9", 5, "caf\xc3\xa9", 5},                                  /* valid 2-byte */
        {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80", 4},                         /* valid 4-byte */
        {"a\xffz", 3, "a\xef\xbf\xbdz", 5},                                     /* a byte that starts nothing */
        {"\xc0\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd", 6},                         /* overlong NUL */
        {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 9},           /* a surrogate */
        {"\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 12}, /* above U+10FFFF */
        {"\xe2\x82", 2, "\xef\xbf\xbd\xef\xbf\xbd", 6},                         /* cut short */
        {"n\0ul", 4, "n\0ul", 4},                                               /* NUL as \u0000 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_add_json_str(&b, cases[i].in, cases[i].n);
        json_t *j = parse(b.data, b.len);
        assert_non_null(j);
        assert_true(json_is_string(j));
        assert_int_equal(json_string_length(j), cases[i].outn);
        assert_memory_equal(json_string_value(j), cases[i].out, cases[i].outn);
        json_decref(j);
        rbk_sbuf_free(&b);
    }
    assert_true(rbk_utf8_valid("caf\xc3\xa9\0x", 7));
    assert_false(rbk_utf8_valid("\xed\xa0\x80", 3));
    assert_false(rbk_utf8_valid("\xc1\xbf", 2));
}

static void test_base64_round_trip(void **state) {
    (void)state;
    unsigned char raw[300];
    for (size_t i = 0; i < sizeof raw; i++) raw[i] = (unsigned char)(i * 37 + 11);
    for (size_t n = 0; n < sizeof raw; n += 7) {
        rbk_sbuf enc = RBK_SBUF_INIT, dec = RBK_SBUF_INIT;
        rbk_sbuf_add_base64(&enc, raw, n, 0, 1);
        assert_int_equal(enc.len, (n + 2) / 3 * 4);
        assert_int_equal(rbk_base64_decode(rbk_sbuf_cstr(&enc), enc.len, &dec), 0);
        assert_int_equal(dec.len, n);
        if (n) assert_memory_equal(dec.data, raw, n);
        rbk_sbuf_free(&enc);
        rbk_sbuf_free(&dec);
    }
    rbk_sbuf dec = RBK_SBUF_INIT;
    assert_int_equal(rbk_base64_decode("ab*d", 4, &dec), -1);
    rbk_sbuf_free(&dec);
}

/* v -> {"value":V} -> V -> a value equal to v */
static void round_trip(rbk_vm *vm, rbk_value v) {
    rbk_sbuf r = RBK_SBUF_INIT;
    rbk_vm_result_json(vm, v, &r);
    json_t *j = parse(r.data, r.len);
    assert_non_null(j);
    json_t *val = json_object_get(j, "value");
    assert_non_null(val);
    char *text = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
    rbk_value back;
    assert_int_equal(rbk_vm_value_from_json(vm, text, &back), 0);
    assert_true(rbk_equal(v, back));
    rbk_unref(back);
    free(text);
    json_decref(j);
    rbk_sbuf_free(&r);
}

static void test_values_are_exact(void **state) {
    (void)state;
    rbk_vm *vm = rbk_vm_new_bare();
    rbk_value s = rbk_str_new("caf\xe9 \xff\xfe\0end", 12); /* latin-1, invalid bytes, a NUL */
    round_trip(vm, s);
    rbk_value m = rbk_map_new(4);
    rbk_map_sets(m, "$ref", rbk_ref(s));             /* a "$" key: the $map form */
    rbk_map_set(m, "k\xff", 2, rbk_int(-7));        /* a key that is not UTF-8 */
    rbk_map_sets(m, "d", rbk_duration(1500));
    rbk_map_sets(m, "t", rbk_time(1796533800250LL));   /* {"$time":"2026-12-06T05:10:00.250Z"} */
    rbk_map_sets(m, "t0", rbk_time(-62167219200000LL)); /* 0000-01-01, the first time there is */
    rbk_map_sets(m, "ts", rbk_str_cstr("2026-12-06T05:10:00.250Z")); /* text that looks like one stays text */
    rbk_map_sets(m, "f", rbk_float(0.1));
    rbk_value l = rbk_list_new(2);
    rbk_list_push(l, rbk_nil());
    rbk_list_push(l, rbk_bool(true));
    rbk_map_sets(m, "l", l);
    round_trip(vm, m);
    rbk_unref(m);
    rbk_unref(s);
    rbk_vm_free(vm);
}

/* a string of n bytes encodes as n + 2 (its quotes): recorded up to RBK_RESULT_MAX */
static void test_result_limit(void **state) {
    (void)state;
    rbk_vm *vm = rbk_vm_new_bare();
    for (size_t n = RBK_RESULT_MAX - 2; n <= RBK_RESULT_MAX - 1; n++) {
        char *buf = malloc(n);
        memset(buf, 'x', n);
        rbk_value v = rbk_str_new(buf, n);
        rbk_sbuf r = RBK_SBUF_INIT;
        rbk_vm_result_json(vm, v, &r);
        if (n == RBK_RESULT_MAX - 2) assert_memory_equal(r.data, "{\"value\":\"", 10);
        else assert_non_null(strstr(r.data, "{\"unrecorded\":\"larger than"));
        rbk_sbuf_free(&r);
        rbk_unref(v);
        free(buf);
    }
    rbk_vm_free(vm);
}

static void test_secrets_are_not_recorded(void **state) {
    (void)state;
    rbk_vm *vm = rbk_vm_new_bare();
    rbk_vm_add_secret(vm, "hunter22", 8);
    rbk_value marked = rbk_mark_secret(rbk_str_cstr("derived"));
    rbk_value holds = rbk_str_cstr("a hunter22 b");
    rbk_value url = rbk_str_cstr("postgres://app:Url-Pw-1@db/app"); /* registered as it is written */
    rbk_value all[] = {marked, holds, url};
    for (int i = 0; i < 3; i++) {
        rbk_sbuf r = RBK_SBUF_INIT;
        rbk_vm_result_json(vm, all[i], &r);
        assert_string_equal(r.data, "{\"unrecorded\":\"secret\"}");
        rbk_sbuf_free(&r);
        rbk_unref(all[i]);
    }
    rbk_vm_free(vm);
}

static void test_unknown_result_has_the_fields(void **state) {
    (void)state;
    rbk_value m = rbk_vm_unknown_result("{code:int, stdout:string, stderr:string, time:duration}", "not known");
    assert_int_equal(m.t, RBK_T_MAP);
    const char *keys[] = {"code", "stdout", "stderr", "time"};
    for (int i = 0; i < 4; i++) {
        rbk_value *x = rbk_map_find(m, keys[i], strlen(keys[i]));
        assert_non_null(x);
        assert_int_equal(x->t, RBK_T_LAZY); /* reading it raises "not known" */
    }
    assert_int_equal(RBK_AS_MAP(m)->len, 4);
    rbk_unref(m);
    assert_int_equal(rbk_vm_unknown_result("int", "x").t, RBK_T_NIL);
}

static void collect(void *ctx, const char *s, size_t n) {
    rbk_sbuf *b = ctx;
    rbk_sbuf_add(b, s, n);
    rbk_sbuf_addc(b, '|');
}

static void test_conninfo_passwords(void **state) {
    (void)state;
    rbk_sbuf got = RBK_SBUF_INIT, shown = RBK_SBUF_INIT;
    rbk_conninfo_passwords("postgresql://app:p%40ss@db:5432/app?password=q2", &shown, collect, &got);
    assert_string_equal(got.data, "p%40ss|p@ss|q2|");
    assert_string_equal(shown.data, "postgresql://app:***@db:5432/app?password=***");
    rbk_sbuf_reset(&got);
    rbk_conninfo_passwords("host=db password='a b' user=x", NULL, collect, &got);
    assert_string_equal(got.data, "'a b'|a b|");
    rbk_sbuf_reset(&got);
    rbk_conninfo_passwords("eu-west-1", NULL, collect, &got); /* not a connection string: nothing */
    assert_int_equal(got.len, 0);
    const char *text = "connect to \"postgres://u:Free-Pw@h/db\" then xpostgres://v:no@h and postgresql://w:W2@h";
    rbk_conninfo_scan(text, strlen(text), collect, &got);
    assert_string_equal(got.data, "Free-Pw|W2|");
    rbk_sbuf_free(&got);
    rbk_sbuf_free(&shown);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_str_is_always_valid),
        cmocka_unit_test(test_base64_round_trip),
        cmocka_unit_test(test_values_are_exact),
        cmocka_unit_test(test_result_limit),
        cmocka_unit_test(test_secrets_are_not_recorded),
        cmocka_unit_test(test_unknown_result_has_the_fields),
        cmocka_unit_test(test_conninfo_passwords),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

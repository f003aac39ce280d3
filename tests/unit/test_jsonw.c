/* tests/unit/test_jsonw.c — the JSON writer of the outputs (support/jsonw.h): the pretty form
 * the report and the plan are diffed in (two spaces, "key": value, {} and [] when empty), the
 * compact form of the JSON log, the journal and the resume record, null for a missing string,
 * JSON written as given (the journal's state and result), and the escaper it is given. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "support/jsonw.h"
#include "support/text.h"

static void write_doc(rbk_jw *w) {
    rbk_jw_open(w, NULL, '{');
    rbk_jw_int(w, "n", -3);
    rbk_jw_str(w, "s", "a\"b");
    rbk_jw_str(w, "none", NULL);
    rbk_jw_open(w, "empty", '[');
    rbk_jw_close(w, ']');
    rbk_jw_open(w, "list", '[');
    rbk_jw_uint(w, NULL, 18446744073709551615u);
    rbk_jw_open(w, NULL, '{');
    rbk_jw_bool(w, "t", 1);
    rbk_jw_null(w, "z");
    rbk_jw_close(w, '}');
    rbk_jw_open(w, NULL, '{');
    rbk_jw_close(w, '}');
    rbk_jw_close(w, ']');
    rbk_jw_close(w, '}');
}

static void test_pretty(void **state) {
    (void)state;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_jw w;
    rbk_jw_init(&w, &b, 1, rbk_sbuf_add_json_str);
    write_doc(&w);
    assert_string_equal(rbk_sbuf_cstr(&b), "{\n"
                                           "  \"n\": -3,\n"
                                           "  \"s\": \"a\\\"b\",\n"
                                           "  \"none\": null,\n"
                                           "  \"empty\": [],\n"
                                           "  \"list\": [\n"
                                           "    18446744073709551615,\n"
                                           "    {\n"
                                           "      \"t\": true,\n"
                                           "      \"z\": null\n"
                                           "    },\n"
                                           "    {}\n"
                                           "  ]\n"
                                           "}");
    rbk_sbuf_free(&b);
}

static void test_compact(void **state) {
    (void)state;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_jw w;
    rbk_jw_init(&w, &b, 0, rbk_sbuf_add_json_str);
    write_doc(&w);
    assert_string_equal(rbk_sbuf_cstr(&b),
                        "{\"n\":-3,\"s\":\"a\\\"b\",\"none\":null,\"empty\":[],\"list\":[18446744073709551615,{\"t\":true,\"z\":null},{}]}");
    rbk_sbuf_free(&b);
}

/* The JSON log's escaper: an invalid byte comes out as U+FFFD, never as itself. */
static void test_escaper(void **state) {
    (void)state;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_jw w;
    rbk_jw_init(&w, &b, 0, rbk_text_json_str);
    rbk_jw_open(&w, NULL, '{');
    rbk_jw_str(&w, "v", "x\xff");
    rbk_jw_close(&w, '}');
    assert_null(strchr(rbk_sbuf_cstr(&b), '\xff'));
    assert_non_null(strstr(rbk_sbuf_cstr(&b), "\"v\":\"x"));
    rbk_sbuf_free(&b);
}

/* A journal record: raw JSON after a key and as an element, `/` and UTF-8 as they are. */
static void test_raw(void **state) {
    (void)state;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_jw w;
    rbk_jw_init(&w, &b, 0, rbk_sbuf_add_json_str);
    rbk_jw_open(&w, NULL, '{');
    rbk_jw_str(&w, "rec", "a/b\xc3\xa9");
    rbk_jw_raw(&w, "state", "{\"globals\":[]}");
    rbk_jw_open(&w, "list", '[');
    rbk_jw_raw(&w, NULL, "[1,2]");
    rbk_jw_raw(&w, NULL, "null");
    rbk_jw_close(&w, ']');
    rbk_jw_close(&w, '}');
    assert_string_equal(rbk_sbuf_cstr(&b), "{\"rec\":\"a/b\xc3\xa9\",\"state\":{\"globals\":[]},\"list\":[[1,2],null]}");
    rbk_sbuf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pretty),
        cmocka_unit_test(test_compact),
        cmocka_unit_test(test_escaper),
        cmocka_unit_test(test_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

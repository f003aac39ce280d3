/* vm/json_value.c — JSON text → runtime values with jansson (see json_value.h).
 * jansson (2.8 and later) iterates objects in insertion order, which keeps map key order;
 * jansson's parser caps nesting depth (2048), which bounds the recursion here. */
#include "json_value.h"
#include <jansson.h>

rbk_value rbk_json_value_from_jansson(void *json_t_ptr) {
    json_t *j = json_t_ptr;
    if (!j) return rbk_nil();
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        rbk_value m = rbk_map_new(json_object_size(j));
        const char *key;
        size_t keylen;
        json_t *item;
        json_object_keylen_foreach(j, key, keylen, item) {
            rbk_map_set(m, key, keylen, rbk_json_value_from_jansson(item));
        }
        return m;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        rbk_value l = rbk_list_new(n);
        for (size_t i = 0; i < n; i++) rbk_list_push(l, rbk_json_value_from_jansson(json_array_get(j, i)));
        return l;
    }
    case JSON_STRING: return rbk_str_new(json_string_value(j), json_string_length(j));
    case JSON_INTEGER: return rbk_int((int64_t)json_integer_value(j));
    case JSON_REAL: return rbk_float(json_real_value(j));
    case JSON_TRUE: return rbk_bool(true);
    case JSON_FALSE: return rbk_bool(false);
    case JSON_NULL:
    default: return rbk_nil();
    }
}

int rbk_json_to_value(const char *text, size_t n, rbk_value *out, rbk_sbuf *err) {
    json_error_t e;
    json_t *j = json_loadb(text, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!j) {
        *out = rbk_nil();
        if (err) rbk_sbuf_printf(err, "line %d column %d: %s", e.line, e.column, e.text);
        return -1;
    }
    *out = rbk_json_value_from_jansson(j);
    json_decref(j);
    return 0;
}

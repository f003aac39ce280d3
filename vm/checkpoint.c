/* vm/checkpoint.c — the globals of a run as JSON, for the journal (LANGUAGE.md §12), and back.
 * A checkpoint is written after each step when a journal is kept; `runbook resume` restores the
 * last one of each completed step it skips, so the steps after it see the values they would
 * have seen. Left out (listed in "unsaved" with the reason, and re-computed by the top-level
 * code when the run resumes): secrets (§9: never in the journal), handles (a connection cannot
 * be written down), functions, and text that is not UTF-8.
 *   {"globals":[{"i":3,"name":"backup","v":"/tmp/b.sql"}, ...],
 *    "unsaved":[{"i":1,"name":"db","why":"handle"}]}
 * Values: null, booleans, strings, lists as JSON; ints as JSON integers; floats always with a
 * "." or an exponent; durations {"$duration":MS}; maps as objects, or {"$map":[[k,v]...]} when
 * a key starts with "$".
 * Shares invariants with: cli/journal.c (writes and reads the records), vm/steps.c (when). */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vm.h"

static int utf8_ok(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t k;
        if (c == 0) return 0; /* NUL: the JSON reader would refuse it */
        if (c < 0x80) k = 0;
        else if ((c & 0xE0) == 0xC0) k = 1;
        else if ((c & 0xF0) == 0xE0) k = 2;
        else if ((c & 0xF8) == 0xF0) k = 3;
        else return 0;
        if (n - i - 1 < k) return 0;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

/* Appends v; returns NULL when it can be saved, else why not. */
static const char *encode(rbk_sbuf *out, rbk_value v) {
    if (v.secret & RBK_SECRET) return "secret";
    if (v.secret & RBK_UNVERIFIED) return "not known in a dry run";
    switch (v.t) {
    case RBK_T_NIL: rbk_sbuf_adds(out, "null"); return NULL;
    case RBK_T_BOOL: rbk_sbuf_adds(out, v.as.b ? "true" : "false"); return NULL;
    case RBK_T_INT: rbk_sbuf_printf(out, "%" PRId64, v.as.i); return NULL;
    case RBK_T_DURATION: rbk_sbuf_printf(out, "{\"$duration\":%" PRId64 "}", v.as.i); return NULL;
    case RBK_T_FLOAT: {
        if (isnan(v.as.f) || isinf(v.as.f)) return "not a finite number";
        char b[40];
        snprintf(b, sizeof b, "%.17g", v.as.f);
        rbk_sbuf_adds(out, b);
        if (!strpbrk(b, ".eE")) rbk_sbuf_adds(out, ".0");
        return NULL;
    }
    case RBK_T_STRING: {
        rbk_str *s = RBK_AS_STR(v);
        if (!utf8_ok((const unsigned char *)s->data, s->len)) return "not UTF-8 text";
        rbk_sbuf_add_json_str(out, s->data, s->len);
        return NULL;
    }
    case RBK_T_LIST: {
        rbk_list *l = RBK_AS_LIST(v);
        rbk_sbuf_addc(out, '[');
        for (size_t i = 0; i < l->len; i++) {
            if (i) rbk_sbuf_addc(out, ',');
            const char *why = encode(out, l->items[i]);
            if (why) return why;
        }
        rbk_sbuf_addc(out, ']');
        return NULL;
    }
    case RBK_T_MAP: {
        rbk_map *m = RBK_AS_MAP(v);
        int dollar = 0;
        for (size_t i = 0; i < m->len; i++)
            if (m->entries[i].key->len && m->entries[i].key->data[0] == '$') dollar = 1;
        rbk_sbuf_adds(out, dollar ? "{\"$map\":[" : "{");
        for (size_t i = 0; i < m->len; i++) {
            rbk_str *k = m->entries[i].key;
            if (!utf8_ok((const unsigned char *)k->data, k->len)) return "not UTF-8 text";
            if (i) rbk_sbuf_addc(out, ',');
            if (dollar) rbk_sbuf_addc(out, '[');
            rbk_sbuf_add_json_str(out, k->data, k->len);
            rbk_sbuf_addc(out, dollar ? ',' : ':');
            const char *why = encode(out, m->entries[i].val);
            if (why) return why;
            if (dollar) rbk_sbuf_addc(out, ']');
        }
        rbk_sbuf_adds(out, dollar ? "]}" : "}");
        return NULL;
    }
    case RBK_T_HANDLE: return "handle";
    case RBK_T_LAZY: return "not evaluated";
    default: return "function";
    }
}

void rbk_vm_checkpoint_json(rbk_vm *vm, rbk_sbuf *out) {
    rbk_unit *u = vm->u;
    rbk_sbuf unsaved = RBK_SBUF_INIT, val = RBK_SBUF_INIT, masked = RBK_SBUF_INIT;
    int ng = 0, nu = 0;
    rbk_sbuf_adds(out, "{\"globals\":[");
    for (uint32_t i = 0; i < u->nglobals; i++) {
        if (!vm->global_set[i]) continue;
        const char *name = rbk_vm_str(vm, u->global_names[i]);
        rbk_sbuf_reset(&val);
        const char *why = encode(&val, vm->globals[i]);
        if (!why) {
            /* text that contains a registered secret (a value whose secret mark was lost on
             * the way) is not written either */
            rbk_sbuf_reset(&masked);
            rbk_vm_mask(vm, &masked, rbk_sbuf_cstr(&val), val.len);
            if (masked.len != val.len || memcmp(rbk_sbuf_cstr(&masked), rbk_sbuf_cstr(&val), val.len)) why = "secret";
        }
        rbk_sbuf *dst = why ? &unsaved : out;
        if (why ? nu++ : ng++) rbk_sbuf_addc(dst, ',');
        rbk_sbuf_printf(dst, "{\"i\":%" PRIu32 ",\"name\":", i);
        rbk_sbuf_add_json_str(dst, name ? name : "", name ? strlen(name) : 0);
        if (why) rbk_sbuf_printf(dst, ",\"why\":\"%s\"}", why);
        else {
            rbk_sbuf_adds(dst, ",\"v\":");
            rbk_sbuf_add(dst, rbk_sbuf_cstr(&val), val.len);
            rbk_sbuf_addc(dst, '}');
        }
    }
    rbk_sbuf_adds(out, "],\"unsaved\":[");
    rbk_sbuf_add(out, rbk_sbuf_cstr(&unsaved), unsaved.len);
    rbk_sbuf_adds(out, "]}");
    rbk_sbuf_free(&unsaved);
    rbk_sbuf_free(&val);
    rbk_sbuf_free(&masked);
}

static int decode(json_t *j, rbk_value *out) {
    switch (json_typeof(j)) {
    case JSON_NULL: *out = rbk_nil(); return 0;
    case JSON_TRUE: *out = rbk_bool(true); return 0;
    case JSON_FALSE: *out = rbk_bool(false); return 0;
    case JSON_INTEGER: *out = rbk_int((int64_t)json_integer_value(j)); return 0;
    case JSON_REAL: *out = rbk_float(json_real_value(j)); return 0;
    case JSON_STRING: *out = rbk_str_new(json_string_value(j), json_string_length(j)); return 0;
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        rbk_value l = rbk_list_new(n);
        for (size_t i = 0; i < n; i++) {
            rbk_value x;
            if (decode(json_array_get(j, i), &x)) { rbk_unref(l); return -1; }
            rbk_list_push(l, x);
        }
        *out = l;
        return 0;
    }
    case JSON_OBJECT: {
        json_t *d = json_object_get(j, "$duration");
        if (d && json_object_size(j) == 1) {
            if (!json_is_integer(d)) return -1;
            *out = rbk_duration((int64_t)json_integer_value(d));
            return 0;
        }
        json_t *pairs = json_object_get(j, "$map");
        rbk_value m = rbk_map_new(json_object_size(j));
        if (pairs && json_object_size(j) == 1) {
            if (!json_is_array(pairs)) { rbk_unref(m); return -1; }
            for (size_t i = 0; i < json_array_size(pairs); i++) {
                json_t *p = json_array_get(pairs, i);
                rbk_value x;
                if (!json_is_array(p) || json_array_size(p) != 2 || !json_is_string(json_array_get(p, 0)) ||
                    decode(json_array_get(p, 1), &x)) { rbk_unref(m); return -1; }
                json_t *k = json_array_get(p, 0);
                rbk_map_set(m, json_string_value(k), json_string_length(k), x);
            }
        } else {
            const char *k;
            json_t *x;
            json_object_foreach(j, k, x) {
                rbk_value y;
                if (decode(x, &y)) { rbk_unref(m); return -1; }
                rbk_map_sets(m, k, y);
            }
        }
        *out = m;
        return 0;
    }
    }
    return -1;
}

int rbk_vm_restore_checkpoint(rbk_vm *vm, const char *text, rbk_sbuf *err) {
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    json_t *gl = root ? json_object_get(root, "globals") : NULL;
    if (!json_is_array(gl)) {
        rbk_sbuf_printf(err, "a checkpoint is not readable: %s", root ? "no \"globals\" list" : je.text);
        json_decref(root);
        return -1;
    }
    int rc = 0;
    for (size_t k = 0; k < json_array_size(gl); k++) {
        json_t *e = json_array_get(gl, k);
        json_t *ji = json_object_get(e, "i"), *jn = json_object_get(e, "name"), *jv = json_object_get(e, "v");
        if (!json_is_integer(ji) || !json_is_string(jn) || !jv) { rbk_sbuf_adds(err, "a checkpoint entry lacks i, name or v"); rc = -1; break; }
        json_int_t i = json_integer_value(ji);
        const char *name = i >= 0 && (uint64_t)i < vm->u->nglobals ? rbk_vm_str(vm, vm->u->global_names[i]) : NULL;
        if (!name || strcmp(name, json_string_value(jn))) {
            rbk_sbuf_printf(err, "the checkpoint names global %s at slot %" JSON_INTEGER_FORMAT ", which this artifact does not have",
                            json_string_value(jn), i);
            rc = -1;
            break;
        }
        rbk_value v;
        if (decode(jv, &v)) { rbk_sbuf_printf(err, "the checkpoint value of %s is malformed", name); rc = -1; break; }
        rbk_unref(vm->globals[i]);
        vm->globals[i] = v;
        vm->global_set[i] = 1;
    }
    json_decref(root);
    return rc;
}

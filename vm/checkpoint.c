/* vm/checkpoint.c — values as JSON for the journal (docs/journal.md), and back: the globals
 * after each step (the state of a step_end), and what an effect's call returned (the result of
 * an effect_end, which `runbook resume` replays). Left out of a state (listed in "unsaved" with
 * the reason, and re-computed by the top-level code when the run resumes — or, when a step set
 * them, unreadable after the resume: rbk_vm_restore_checkpoint): secrets (§9: never in the
 * journal), handles (a connection cannot be written down), functions, values a dry run does not
 * know. A result that cannot be written is {"unrecorded":"why"}.
 *   {"globals":[{"i":3,"name":"backup","v":"/tmp/b.sql"}, ...],
 *    "unsaved":[{"i":1,"name":"db","why":"handle","in_step":true}]}
 * Values: null, booleans, lists as JSON; ints as JSON integers; floats always with a "." or an
 * exponent; strings as JSON strings when they are UTF-8, else {"$bytes":BASE64} (exact);
 * durations {"$duration":MS}; times {"$time":"RFC 3339 UTC"} (exact: milliseconds); maps as objects, or {"$map":[[k,v]...]} when a key starts with
 * "$"; a map entry not read yet (an HTTP response's json) as what reading it gives, or
 * {"$error":"text"} when reading it raises that error.
 * Shares invariants with: cli/journal.c (writes and reads the records), vm/steps.c (when),
 * vm/vm.c (rbk_vm_effect_finish). */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vm_internal.h"
#include "../support/rfc3339.h"

/* a string: exact, whatever its bytes */
static void add_text(rbk_sbuf *out, const char *s, size_t n) {
    if (rbk_utf8_valid(s, n)) {
        rbk_sbuf_add_json_str(out, s, n);
        return;
    }
    rbk_sbuf_adds(out, "{\"$bytes\":\"");
    rbk_sbuf_add_base64(out, s, n, 0, 1);
    rbk_sbuf_adds(out, "\"}");
}

/* Appends v; returns NULL when it can be saved, else why not. */
static const char *encode(rbk_vm *vm, rbk_sbuf *out, rbk_value v) {
    if (v.secret & RBK_SECRET) return "secret";
    if (v.secret & RBK_UNVERIFIED) return "not known in a dry run";
    switch (v.t) {
    case RBK_T_NIL: rbk_sbuf_adds(out, "null"); return NULL;
    case RBK_T_BOOL: rbk_sbuf_adds(out, v.as.b ? "true" : "false"); return NULL;
    case RBK_T_INT: rbk_sbuf_printf(out, "%" PRId64, v.as.i); return NULL;
    case RBK_T_DURATION: rbk_sbuf_printf(out, "{\"$duration\":%" PRId64 "}", v.as.i); return NULL;
    case RBK_T_TIME:
        rbk_sbuf_adds(out, "{\"$time\":\"");
        rbk_rfc3339_fmt(out, v.as.i);
        rbk_sbuf_adds(out, "\"}");
        return NULL;
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
        add_text(out, s->data, s->len);
        return NULL;
    }
    case RBK_T_LIST: {
        rbk_list *l = RBK_AS_LIST(v);
        rbk_sbuf_addc(out, '[');
        for (size_t i = 0; i < l->len; i++) {
            if (i) rbk_sbuf_addc(out, ',');
            const char *why = encode(vm, out, l->items[i]);
            if (why) return why;
        }
        rbk_sbuf_addc(out, ']');
        return NULL;
    }
    case RBK_T_MAP: {
        rbk_map *m = RBK_AS_MAP(v);
        int dollar = 0;
        for (size_t i = 0; i < m->len; i++) {
            rbk_str *k = rbk_map_key(m, i);
            if ((k->len && k->data[0] == '$') || !rbk_utf8_valid(k->data, k->len)) dollar = 1;
        }
        rbk_sbuf_adds(out, dollar ? "{\"$map\":[" : "{");
        for (size_t i = 0; i < m->len; i++) {
            rbk_str *k = rbk_map_key(m, i);
            if (i) rbk_sbuf_addc(out, ',');
            if (dollar) rbk_sbuf_addc(out, '[');
            if (dollar) add_text(out, k->data, k->len);
            else rbk_sbuf_add_json_str(out, k->data, k->len);
            rbk_sbuf_addc(out, dollar ? ',' : ':');
            rbk_value x = m->vals[i];
            const char *why;
            if (x.t == RBK_T_LAZY) {
                /* not read yet: what reading it gives (reading is pure), or the error it raises */
                rbk_lazy *z = (rbk_lazy *)x.as.o;
                rbk_value y = rbk_nil();
                if (!vm) return "not evaluated";
                if (z->force(vm, z->arg, &y)) {
                    const char *e = vm->err ? vm->err : "error";
                    rbk_sbuf_adds(out, "{\"$error\":");
                    rbk_sbuf_add_json_str(out, e, strlen(e));
                    rbk_sbuf_addc(out, '}');
                    why = rbk_utf8_valid(e, strlen(e)) ? NULL : "not UTF-8 text";
                    rbk_vm_clear_error(vm);
                } else {
                    y.secret |= x.secret | v.secret;
                    why = encode(vm, out, y);
                    rbk_unref(y);
                }
            } else {
                why = encode(vm, out, x);
            }
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

/* v as it may be written: NULL, or why not (a text that holds a registered secret, a value
 * whose secret mark was lost on the way, is not written either). */
static const char *encode_checked(rbk_vm *vm, rbk_sbuf *val, rbk_value v) {
    const char *why = encode(vm, val, v);
    if (why) return why;
    rbk_sbuf masked = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &masked, rbk_sbuf_cstr(val), val->len);
    if (masked.len != val->len || memcmp(rbk_sbuf_cstr(&masked), rbk_sbuf_cstr(val), val->len)) why = "secret";
    rbk_sbuf_free(&masked);
    return why;
}

void rbk_vm_result_json(rbk_vm *vm, rbk_value v, rbk_sbuf *out) {
    rbk_sbuf val = RBK_SBUF_INIT;
    const char *why = encode_checked(vm, &val, v);
    if (!why && val.len > RBK_RESULT_MAX) why = "larger than the journal records (1 MiB)";
    if (why) {
        rbk_sbuf_adds(out, "{\"unrecorded\":");
        rbk_sbuf_add_json_str(out, why, strlen(why));
        rbk_sbuf_addc(out, '}');
    } else {
        rbk_sbuf_adds(out, "{\"value\":");
        rbk_sbuf_add(out, rbk_sbuf_cstr(&val), val.len);
        rbk_sbuf_addc(out, '}');
    }
    rbk_sbuf_free(&val);
}

void rbk_vm_checkpoint_json(rbk_vm *vm, rbk_sbuf *out) {
    rbk_unit *u = vm->u;
    rbk_sbuf unsaved = RBK_SBUF_INIT, val = RBK_SBUF_INIT;
    int ng = 0, nu = 0;
    rbk_sbuf_adds(out, "{\"globals\":[");
    for (uint32_t i = 0; i < u->nglobals; i++) {
        const char *lost = vm->global_set[i] ? NULL : rbk_vm_lost_why(vm, i);
        if (!vm->global_set[i] && !lost) continue;
        const char *name = rbk_vm_str(vm, u->global_names[i]);
        rbk_sbuf_reset(&val);
        const char *why = lost ? lost : encode_checked(vm, &val, vm->globals[i]);
        rbk_sbuf *dst = why ? &unsaved : out;
        if (why ? nu++ : ng++) rbk_sbuf_addc(dst, ',');
        rbk_sbuf_printf(dst, "{\"i\":%" PRIu32 ",\"name\":", i);
        rbk_sbuf_add_json_str(dst, name ? name : "", name ? strlen(name) : 0);
        if (why) {
            /* in_step: a step set it last, so the top-level code does not compute it again */
            rbk_sbuf_printf(dst, ",\"why\":\"%s\"%s}", why, lost || vm->global_set[i] == 2 ? ",\"in_step\":true" : "");
        } else {
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
}

/* a map entry that raises its text when read: an error recorded in the journal, or the result
 * of an effect counted as done */
static int error_force(rbk_vm *vm, rbk_value arg, rbk_value *out) {
    (void)out;
    return rbk_vm_error(vm, "%s", RBK_AS_STR(arg)->data);
}

rbk_value rbk_vm_unknown_result(const char *ret, const char *why) {
    if (!ret || ret[0] != '{') return rbk_nil();
    rbk_value m = rbk_map_new(4);
    const char *p = ret + 1;
    while (*p && *p != '}') {
        while (*p == ' ' || *p == ',') p++;
        size_t n = strcspn(p, ":,}");
        if (n) rbk_map_set(m, p, n, rbk_lazy_new(error_force, rbk_str_cstr(why)));
        p += n;
        p += strcspn(p, ",}");
    }
    return m;
}

static int decode_text(json_t *j, rbk_value *out) {
    if (json_is_string(j)) { *out = rbk_str_new(json_string_value(j), json_string_length(j)); return 0; }
    json_t *b = json_object_get(j, "$bytes");
    if (!json_is_string(b) || json_object_size(j) != 1) return -1;
    rbk_sbuf raw = RBK_SBUF_INIT;
    if (rbk_base64_decode(json_string_value(b), json_string_length(b), &raw)) { rbk_sbuf_free(&raw); return -1; }
    *out = rbk_str_new(rbk_sbuf_cstr(&raw), raw.len);
    rbk_sbuf_free(&raw);
    return 0;
}

static int decode(json_t *j, rbk_value *out, int in_map) {
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
            if (decode(json_array_get(j, i), &x, 0)) { rbk_unref(l); return -1; }
            rbk_list_push(l, x);
        }
        *out = l;
        return 0;
    }
    case JSON_OBJECT: {
        if (json_object_get(j, "$bytes")) return decode_text(j, out);
        json_t *er = json_object_get(j, "$error");
        if (er && json_object_size(j) == 1) {
            if (!json_is_string(er) || !in_map) return -1; /* a lazy entry lives only in a map */
            *out = rbk_lazy_new(error_force, rbk_str_new(json_string_value(er), json_string_length(er)));
            return 0;
        }
        json_t *d = json_object_get(j, "$duration");
        if (d && json_object_size(j) == 1) {
            if (!json_is_integer(d)) return -1;
            *out = rbk_duration((int64_t)json_integer_value(d));
            return 0;
        }
        json_t *tm = json_object_get(j, "$time");
        if (tm && json_object_size(j) == 1) {
            int64_t ms;
            const char *why;
            size_t at;
            if (!json_is_string(tm) || rbk_rfc3339_parse(json_string_value(tm), json_string_length(tm), &ms, &why, &at)) return -1;
            *out = rbk_time(ms);
            return 0;
        }
        json_t *pairs = json_object_get(j, "$map");
        rbk_value m = rbk_map_new(json_object_size(j));
        if (pairs && json_object_size(j) == 1) {
            if (!json_is_array(pairs)) { rbk_unref(m); return -1; }
            for (size_t i = 0; i < json_array_size(pairs); i++) {
                json_t *p = json_array_get(pairs, i);
                rbk_value x;
                rbk_value k;
                if (!json_is_array(p) || json_array_size(p) != 2 || decode_text(json_array_get(p, 0), &k)) { rbk_unref(m); return -1; }
                if (decode(json_array_get(p, 1), &x, 1)) { rbk_unref(k); rbk_unref(m); return -1; }
                rbk_map_set(m, RBK_AS_STR(k)->data, RBK_AS_STR(k)->len, x);
                rbk_unref(k);
            }
        } else {
            const char *k;
            json_t *x;
            size_t kl;
            json_object_keylen_foreach(j, k, kl, x) {
                rbk_value y;
                if (decode(x, &y, 1)) { rbk_unref(m); return -1; }
                rbk_map_set(m, k, kl, y);
            }
        }
        *out = m;
        return 0;
    }
    }
    return -1;
}

int rbk_vm_value_from_json(rbk_vm *vm, const char *text, rbk_value *out) {
    (void)vm;
    json_error_t je;
    json_t *root = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    int rc = root ? decode(root, out, 0) : -1;
    json_decref(root);
    return rc;
}

/* why a global is lost (rbk_vm_restore_checkpoint), for the error when it is read */
static const char *const k_lost[] = {"", "a secret", "a connection (handle)", "a function", "a value a dry run does not know",
                                     "a value the journal could not hold"};
static uint8_t lost_code(const char *why) {
    if (!strcmp(why, "secret")) return 1;
    if (!strcmp(why, "handle")) return 2;
    if (!strcmp(why, "function")) return 3;
    if (!strcmp(why, "not known in a dry run")) return 4;
    for (uint8_t c = 1; c < sizeof k_lost / sizeof *k_lost; c++)
        if (!strcmp(why, k_lost[c])) return c;
    return 5;
}
const char *rbk_vm_lost_why(rbk_vm *vm, uint32_t k) {
    return vm->global_lost && vm->global_lost[k] && vm->global_lost[k] < sizeof k_lost / sizeof *k_lost ? k_lost[vm->global_lost[k]] : NULL;
}

int rbk_vm_restore_checkpoint(rbk_vm *vm, const char *text, rbk_sbuf *err) {
    json_error_t je;
    json_t *root = json_loads(text, JSON_ALLOW_NUL, &je);
    json_t *gl = root ? json_object_get(root, "globals") : NULL;
    json_t *un = root ? json_object_get(root, "unsaved") : NULL;
    if (!json_is_array(gl) || (un && !json_is_array(un))) {
        rbk_sbuf_printf(err, "a checkpoint is not readable: %s", root ? "no \"globals\" list" : je.text);
        json_decref(root);
        return -1;
    }
    int rc = 0;
    for (int pass = 0; pass < 2 && !rc; pass++) {
        json_t *list = pass ? un : gl;
        for (size_t k = 0; k < json_array_size(list); k++) {
            json_t *e = json_array_get(list, k);
            json_t *ji = json_object_get(e, "i"), *jn = json_object_get(e, "name"), *jv = json_object_get(e, "v");
            json_t *jw = json_object_get(e, "why");
            if (!json_is_integer(ji) || !json_is_string(jn) || (pass ? !json_is_string(jw) : !jv)) {
                rbk_sbuf_printf(err, "a checkpoint entry lacks i, name or %s", pass ? "why" : "v");
                rc = -1;
                break;
            }
            json_int_t i = json_integer_value(ji);
            const char *name = i >= 0 && (uint64_t)i < vm->u->nglobals ? rbk_vm_str(vm, vm->u->global_names[i]) : NULL;
            if (!name || strcmp(name, json_string_value(jn))) {
                rbk_sbuf_printf(err, "the checkpoint names global %s at slot %" JSON_INTEGER_FORMAT ", which this artifact does not have",
                                json_string_value(jn), i);
                rc = -1;
                break;
            }
            if (pass) {
                /* a step set it to what the journal cannot hold: the top-level code does not
                 * compute it again, so the value it has now is not the one that step left.
                 * Reading it is an error (vm/interp.c), never a stale value. */
                if (!json_is_true(json_object_get(e, "in_step"))) continue;
                if (!vm->global_lost) vm->global_lost = rbk_xcalloc(vm->u->nglobals, 1);
                vm->global_lost[i] = lost_code(json_string_value(jw));
                rbk_unref(vm->globals[i]);
                vm->globals[i] = rbk_nil();
                vm->global_set[i] = 0;
                continue;
            }
            rbk_value v;
            if (decode(jv, &v, 0)) { rbk_sbuf_printf(err, "the checkpoint value of %s is malformed", name); rc = -1; break; }
            rbk_unref(vm->globals[i]);
            vm->globals[i] = v;
            vm->global_set[i] = 2; /* as the step left it */
            if (vm->global_lost) vm->global_lost[i] = 0;
        }
    }
    json_decref(root);
    return rc;
}

/* stdlib/std_data.c — the pure data builtins of stdlib/builtins.def (docs/language.md §8 "data"):
 * len keys values str int float json.parse json.encode lower upper trim split join replace
 * starts_with ends_with any all secret; time (now time.parse time.format), patterns (re.match
 * re.find_all) and lists (sort unique min max sum).
 * Owns: their runtime type checks and error messages, and secret propagation for them
 * (docs/language.md §9): a result is secret-marked — and so is every item of a container result —
 * when any argument is secret (for str, join and json.encode, which render what is inside a
 * container: when any argument contains a secret value); secret(v) marks v deeply and registers
 * every string inside it with the VM so that its text is masked from then on.
 * Ownership (vm/native.h): args are borrowed, *out is owned by the caller.
 * Shares invariants with: vm/value.c (rendering, maps), vm/json_value.c (JSON → values). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../vm/json_value.h"
#include "../support/hash.h"
#include "../support/rfc3339.h"
#include "../vm/native.h"

/* Prototypes of every native, from the one table. */
#define RBK_BUILTIN(id, name, lib, effect, sig, ret, cfunc, synopsis) \
    int cfunc(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);
#include "builtins.def"
#undef RBK_BUILTIN

#define REPR_MAX 80 /* bytes of an offending value shown in an error message */

/* ---- helpers ---- */

/* Whether v is secret or holds a secret anywhere inside. */
static bool has_secret(rbk_value v) {
    if (v.secret) return true;
    if (v.t == RBK_T_LIST) {
        rbk_list *l = RBK_AS_LIST(v);
        for (size_t i = 0; i < l->len; i++)
            if (has_secret(l->items[i])) return true;
    } else if (v.t == RBK_T_MAP) {
        rbk_map *m = RBK_AS_MAP(v);
        for (size_t i = 0; i < m->len; i++)
            if (has_secret(m->vals[i])) return true;
    }
    return false;
}
/* Whether any argument is secret-marked. The builtins that render a container's contents
 * into text (str, join, json.encode) also look inside with has_secret; the others depend on
 * the container itself only, and stay O(1) for len() of a large list. */
static bool args_secret(rbk_value *args, int nargs) {
    for (int i = 0; i < nargs; i++)
        if (args[i].secret) return true;
    return false;
}
static bool args_secret_deep(rbk_value *args, int nargs) {
    for (int i = 0; i < nargs; i++)
        if (has_secret(args[i])) return true;
    return false;
}

/* Returns v (consumed) with the secret mark on it and on everything inside it. Values are
 * immutable once shared, so a shared container is copied; one we hold the only reference to
 * (typically the result just built) is marked in place. */
static rbk_value mark_deep(rbk_value v) {
    if ((v.t == RBK_T_LIST || v.t == RBK_T_MAP) && v.as.o->rc == 1) {
        if (v.t == RBK_T_LIST) {
            rbk_list *l = RBK_AS_LIST(v);
            for (size_t i = 0; i < l->len; i++) l->items[i] = mark_deep(l->items[i]);
        } else {
            rbk_map *m = RBK_AS_MAP(v);
            for (size_t i = 0; i < m->len; i++) m->vals[i] = mark_deep(m->vals[i]);
        }
    } else if (v.t == RBK_T_LIST) {
        rbk_list *l = RBK_AS_LIST(v);
        rbk_value c = rbk_list_new(l->len);
        for (size_t i = 0; i < l->len; i++) rbk_list_push(c, mark_deep(rbk_ref(l->items[i])));
        rbk_unref(v);
        v = c;
    } else if (v.t == RBK_T_MAP) {
        rbk_map *m = RBK_AS_MAP(v);
        rbk_value c = rbk_map_new(m->len);
        for (size_t i = 0; i < m->len; i++)
            rbk_map_set(c, rbk_map_key(m, i)->data, rbk_map_key(m, i)->len,
                        mark_deep(rbk_ref(m->vals[i])));
        rbk_unref(v);
        v = c;
    }
    v.secret = 1;
    return v;
}

/* Sets *out = v (consumed), marked deeply when secret is set. Returns 0. */
static int ret(rbk_value *out, rbk_value v, bool secret) {
    *out = secret ? mark_deep(v) : v;
    return 0;
}
/* ret() for a text rendered from the arguments (str, join, json.encode): marked when a secret
 * is anywhere inside them, and opaque when one is a secret the registry does not mask (a
 * number, a short text: rbk_vm_text_mark), so the text is never shown in part. */
static int ret_text(rbk_vm *vm, rbk_value *out, rbk_sbuf *b, rbk_value *args, int nargs) {
    uint8_t opaque = 0;
    for (int i = 0; i < nargs; i++) opaque |= rbk_vm_text_mark(vm, args[i]) & RBK_OPAQUE;
    int r = ret(out, rbk_str_take_sbuf(b), args_secret_deep(args, nargs));
    out->secret |= opaque;
    return r;
}

/* Appends the value as shown in an error message. A secret-marked value is not shown at all:
 * its text may be derived from a secret (a piece of it) that the VM's mask cannot recognise.
 * Other values are masked first (so that truncation cannot expose part of a registered
 * secret), then cut to REPR_MAX bytes on a UTF-8 boundary. */
static void show(rbk_vm *vm, rbk_sbuf *b, rbk_value v) {
    if (has_secret(v)) {
        rbk_sbuf_printf(b, "<secret %s>", rbk_type_name((rbk_type)v.t));
        return;
    }
    rbk_sbuf masked = RBK_SBUF_INIT;
    rbk_vm_render_value(vm, &masked, v, 1); /* masked before it is escaped, then cut */
    const char *s = rbk_sbuf_cstr(&masked);
    if (masked.len <= REPR_MAX) {
        rbk_sbuf_add(b, s, masked.len);
    } else {
        size_t n = REPR_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
        rbk_sbuf_add(b, s, n);
        rbk_sbuf_adds(b, "...");
    }
    rbk_sbuf_free(&masked);
}

/* rbk_vm_error with "NAME: WHAT <value>" where the value is shown with show(). */
static int fail_value(rbk_vm *vm, const char *name, const char *what, rbk_value v) {
    rbk_sbuf b = RBK_SBUF_INIT;
    show(vm, &b, v);
    int r = rbk_vm_error(vm, "%s: %s %s", name, what, rbk_sbuf_cstr(&b));
    rbk_sbuf_free(&b);
    return r;
}

/* Type check: error "NAME: PARAM must be a TYPES, got TYPE VALUE". */
static int fail_type(rbk_vm *vm, const char *name, const char *param, const char *types,
                     rbk_value v) {
    rbk_sbuf what = RBK_SBUF_INIT;
    rbk_sbuf_printf(&what, "%s must be %s, got %s", param, types, rbk_type_name((rbk_type)v.t));
    int r = fail_value(vm, name, rbk_sbuf_cstr(&what), v);
    rbk_sbuf_free(&what);
    return r;
}
#define NEED(cond, name, param, types, v) \
    do { if (!(cond)) return fail_type(vm, name, param, types, v); } while (0)
#define IS_STR(v) ((v).t == RBK_T_STRING)

static rbk_value arg(rbk_value *args, int nargs, int i) { return i < nargs ? args[i] : rbk_nil(); }

static bool is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* ---- len keys values ---- */

int rbk_std_len(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value v = arg(args, nargs, 0);
    int64_t n;
    switch (v.t) {
    case RBK_T_STRING: n = (int64_t)RBK_AS_STR(v)->len; break;
    case RBK_T_LIST: n = (int64_t)RBK_AS_LIST(v)->len; break;
    case RBK_T_MAP: n = (int64_t)RBK_AS_MAP(v)->len; break;
    default: return fail_type(vm, "len", "the argument", "a string, list or map", v);
    }
    return ret(out, rbk_int(n), args_secret(args, nargs));
}

int rbk_std_keys(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value m = arg(args, nargs, 0);
    NEED(m.t == RBK_T_MAP, "keys", "the argument", "a map", m);
    rbk_map *mp = RBK_AS_MAP(m);
    rbk_value l = rbk_list_new(mp->len);
    for (size_t i = 0; i < mp->len; i++)
        rbk_list_push(l, rbk_str_new(rbk_map_key(mp, i)->data, rbk_map_key(mp, i)->len));
    return ret(out, l, args_secret(args, nargs));
}

/* A map entry read by a builtin: a lazy one is computed first (value.h); the result replaces
 * the entry, which no one can observe except through the saved work. -1 with the error. */
static int force_slot(rbk_vm *vm, rbk_value *slot) {
    if (slot->t != RBK_T_LAZY) return 0;
    rbk_lazy *z = (rbk_lazy *)slot->as.o;
    rbk_value forced;
    if (z->force(vm, z->arg, &forced) != 0) return -1;
    rbk_value old = *slot;
    *slot = forced;
    rbk_unref(old);
    return 0;
}

int rbk_std_values(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value m = arg(args, nargs, 0);
    NEED(m.t == RBK_T_MAP, "values", "the argument", "a map", m);
    rbk_map *mp = RBK_AS_MAP(m);
    rbk_value l = rbk_list_new(mp->len);
    for (size_t i = 0; i < mp->len; i++) {
        rbk_value *slot = &mp->vals[i];
        if (force_slot(vm, slot) != 0) {
            rbk_unref(l);
            return -1;
        }
        rbk_list_push(l, rbk_ref(*slot));
    }
    return ret(out, l, args_secret(args, nargs));
}

/* ---- str int float ---- */

/* The text built in b reached RBK_TEXT_MAX (vm/value.h): frees it, the error. */
static int text_too_long(rbk_vm *vm, rbk_sbuf *b, const char *fn) {
    rbk_sbuf_free(b);
    return rbk_vm_text_too_long(vm, fn);
}

int rbk_std_str(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)vm;
    rbk_value v = arg(args, nargs, 0);
    if (IS_STR(v)) return ret(out, rbk_ref(v), args_secret(args, nargs));
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_value_str(&b, v);
    if (b.len >= RBK_TEXT_MAX) return text_too_long(vm, &b, "str");
    return ret_text(vm, out, &b, args, nargs);
}

/* Trimmed view of a string argument. */
static const char *trimmed(rbk_value v, size_t *n) {
    const char *s = RBK_AS_STR(v)->data;
    size_t len = RBK_AS_STR(v)->len;
    while (len && is_space((unsigned char)*s)) { s++; len--; }
    while (len && is_space((unsigned char)s[len - 1])) len--;
    *n = len;
    return s;
}

/* Parses [+-]?[0-9]+ (surrounding white space allowed, e.g. the stdout of `wc -l`). */
static int parse_int(const char *s, size_t n, int64_t *out, bool *range) {
    size_t i = 0;
    bool neg = false;
    *range = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == n) return -1;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX, acc = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (acc > (limit - d) / 10) *range = true;
        else acc = acc * 10 + d;
    }
    if (*range) return -1;
    *out = neg ? (acc == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)acc) : (int64_t)acc;
    return 0;
}

int rbk_std_int(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value v = arg(args, nargs, 0);
    bool sec = args_secret(args, nargs);
    switch (v.t) {
    case RBK_T_INT:
    case RBK_T_DURATION: return ret(out, rbk_int(v.as.i), sec);
    case RBK_T_BOOL: return ret(out, rbk_int(v.as.b ? 1 : 0), sec);
    case RBK_T_FLOAT: {
        double f = v.as.f;
        if (isnan(f)) return fail_value(vm, "int", "cannot convert NaN to int:", v);
        /* [-2^63, 2^63): both bounds are exact doubles */
        if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
            return fail_value(vm, "int", "float out of the int range:", v);
        return ret(out, rbk_int((int64_t)f), sec); /* C conversion truncates toward zero */
    }
    case RBK_T_STRING: {
        size_t n;
        const char *s = trimmed(v, &n);
        int64_t i;
        bool range;
        if (parse_int(s, n, &i, &range) != 0)
            return fail_value(vm, "int", range ? "number out of the int range:" : "not an integer:", v);
        return ret(out, rbk_int(i), sec);
    }
    default:
        return fail_type(vm, "int", "the argument", "a string, int, float, bool or duration", v);
    }
}

/* Decimal float syntax only: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
 * (strtod alone would also take "nan", "inf" and hex floats). */
static bool float_syntax(const char *s, size_t n) {
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') { i++; digits++; }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') { i++; digits++; }
    }
    if (!digits) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t e = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') { i++; e++; }
        if (!e) return false;
    }
    return i == n;
}

int rbk_std_float(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value v = arg(args, nargs, 0);
    bool sec = args_secret(args, nargs);
    switch (v.t) {
    case RBK_T_INT: return ret(out, rbk_float((double)v.as.i), sec);
    case RBK_T_FLOAT: return ret(out, rbk_float(v.as.f), sec);
    case RBK_T_STRING: {
        size_t n;
        const char *s = trimmed(v, &n);
        if (!float_syntax(s, n)) return fail_value(vm, "float", "not a number:", v);
        char *copy = rbk_xstrndup(s, n);
        errno = 0;
        double f = strtod(copy, NULL);
        int e = errno;
        free(copy);
        if (e == ERANGE && isinf(f)) return fail_value(vm, "float", "number out of the float range:", v);
        return ret(out, rbk_float(f), sec);
    }
    default: return fail_type(vm, "float", "the argument", "a string, int or float", v);
    }
}

/* ---- json ---- */

int rbk_std_json_parse(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value s = arg(args, nargs, 0);
    NEED(IS_STR(s), "json.parse", "the argument", "a string", s);
    rbk_sbuf err = RBK_SBUF_INIT;
    rbk_value v;
    if (rbk_json_to_value(rbk_arg_str(s), rbk_arg_len(s), &v, &err) != 0) {
        if (s.secret) { /* jansson quotes the offending token: a piece of the secret */
            const char *near = strstr(rbk_sbuf_cstr(&err), " near ");
            if (near) {
                err.len = (size_t)(near - err.data);
                err.data[err.len] = 0;
            }
        }
        rbk_sbuf what = RBK_SBUF_INIT;
        rbk_sbuf_printf(&what, "invalid JSON (%s) in", rbk_sbuf_cstr(&err));
        int r = fail_value(vm, "json.parse", rbk_sbuf_cstr(&what), s);
        rbk_sbuf_free(&what);
        rbk_sbuf_free(&err);
        return r;
    }
    rbk_sbuf_free(&err);
    return ret(out, v, args_secret(args, nargs));
}

int rbk_std_json_encode(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)vm;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_value_json(&b, arg(args, nargs, 0));
    if (b.len >= RBK_TEXT_MAX) return text_too_long(vm, &b, "json.encode");
    return ret_text(vm, out, &b, args, nargs);
}

/* ---- strings ---- */

static int change_case(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out, bool upper) {
    rbk_value s = arg(args, nargs, 0);
    NEED(IS_STR(s), upper ? "upper" : "lower", "the argument", "a string", s);
    rbk_value r = rbk_str_new(rbk_arg_str(s), rbk_arg_len(s));
    rbk_str *p = RBK_AS_STR(r);
    for (size_t i = 0; i < p->len; i++) {
        char c = p->data[i];
        if (upper && c >= 'a' && c <= 'z') p->data[i] = (char)(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z') p->data[i] = (char)(c - 'A' + 'a');
    }
    return ret(out, r, args_secret(args, nargs));
}
int rbk_std_lower(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return change_case(vm, args, nargs, out, false);
}
int rbk_std_upper(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return change_case(vm, args, nargs, out, true);
}

int rbk_std_trim(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value s = arg(args, nargs, 0);
    NEED(IS_STR(s), "trim", "the argument", "a string", s);
    size_t n;
    const char *p = trimmed(s, &n);
    return ret(out, rbk_str_new(p, n), args_secret(args, nargs));
}

/* memmem for a non-empty needle */
static const char *find(const char *h, size_t hn, const char *n, size_t nn) {
    return memmem(h, hn, n, nn);
}

int rbk_std_split(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value s = arg(args, nargs, 0), sep = arg(args, nargs, 1);
    NEED(IS_STR(s), "split", "s", "a string", s);
    NEED(IS_STR(sep) || sep.t == RBK_T_NIL, "split", "sep", "a string", sep);
    const char *p = rbk_arg_str(s);
    size_t n = rbk_arg_len(s);
    rbk_value l = rbk_list_new(0);
    if (sep.t == RBK_T_NIL) {
        size_t i = 0;
        for (;;) {
            while (i < n && is_space((unsigned char)p[i])) i++;
            if (i == n) break;
            size_t start = i;
            while (i < n && !is_space((unsigned char)p[i])) i++;
            rbk_list_push(l, rbk_str_new(p + start, i - start));
        }
    } else {
        size_t sn = rbk_arg_len(sep);
        if (sn == 0) {
            rbk_unref(l);
            return rbk_vm_error(vm, "split: the separator must not be empty (omit it to split on white space)");
        }
        const char *cur = p, *end = p + n, *hit;
        while ((hit = find(cur, (size_t)(end - cur), rbk_arg_str(sep), sn))) {
            rbk_list_push(l, rbk_str_new(cur, (size_t)(hit - cur)));
            cur = hit + sn;
        }
        rbk_list_push(l, rbk_str_new(cur, (size_t)(end - cur)));
    }
    return ret(out, l, args_secret(args, nargs));
}

int rbk_std_join(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value items = arg(args, nargs, 0), sep = arg(args, nargs, 1);
    NEED(items.t == RBK_T_LIST, "join", "items", "a list", items);
    NEED(IS_STR(sep) || sep.t == RBK_T_NIL, "join", "sep", "a string", sep);
    rbk_list *l = RBK_AS_LIST(items);
    rbk_sbuf b = RBK_SBUF_INIT;
    for (size_t i = 0; i < l->len && b.len < RBK_TEXT_MAX; i++) {
        if (i && sep.t == RBK_T_STRING) rbk_sbuf_add(&b, rbk_arg_str(sep), rbk_arg_len(sep));
        rbk_value_str(&b, l->items[i]);
    }
    if (b.len >= RBK_TEXT_MAX) return text_too_long(vm, &b, "join");
    return ret_text(vm, out, &b, args, nargs);
}

int rbk_std_replace(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value s = arg(args, nargs, 0), old = arg(args, nargs, 1), new = arg(args, nargs, 2);
    NEED(IS_STR(s), "replace", "s", "a string", s);
    NEED(IS_STR(old), "replace", "old", "a string", old);
    NEED(IS_STR(new), "replace", "new", "a string", new);
    size_t on = rbk_arg_len(old);
    if (on == 0) return rbk_vm_error(vm, "replace: the text to replace (old) must not be empty");
    const char *cur = rbk_arg_str(s), *end = cur + rbk_arg_len(s), *hit;
    rbk_sbuf b = RBK_SBUF_INIT;
    while ((hit = find(cur, (size_t)(end - cur), rbk_arg_str(old), on))) {
        rbk_sbuf_add(&b, cur, (size_t)(hit - cur));
        rbk_sbuf_add(&b, rbk_arg_str(new), rbk_arg_len(new));
        cur = hit + on;
    }
    rbk_sbuf_add(&b, cur, (size_t)(end - cur));
    return ret(out, rbk_str_take_sbuf(&b), args_secret(args, nargs));
}

static int affix(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out, bool at_end) {
    const char *name = at_end ? "ends_with" : "starts_with";
    rbk_value s = arg(args, nargs, 0), a = arg(args, nargs, 1);
    NEED(IS_STR(s), name, "s", "a string", s);
    NEED(IS_STR(a), name, at_end ? "suffix" : "prefix", "a string", a);
    size_t sn = rbk_arg_len(s), an = rbk_arg_len(a);
    bool r = an <= sn &&
             memcmp(rbk_arg_str(s) + (at_end ? sn - an : 0), rbk_arg_str(a), an) == 0;
    return ret(out, rbk_bool(r), args_secret(args, nargs));
}
int rbk_std_starts_with(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return affix(vm, args, nargs, out, false);
}
int rbk_std_ends_with(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return affix(vm, args, nargs, out, true);
}

/* ---- any all ---- */

static int quantify(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out, bool all) {
    rbk_value items = arg(args, nargs, 0);
    NEED(items.t == RBK_T_LIST, all ? "all" : "any", "the argument", "a list", items);
    rbk_list *l = RBK_AS_LIST(items);
    bool r = all;
    for (size_t i = 0; i < l->len; i++) {
        if (rbk_truthy(l->items[i]) != all) { r = !all; break; }
    }
    return ret(out, rbk_bool(r), args_secret_deep(args, nargs)); /* any([secret(true)]) tells the item */
}
int rbk_std_any(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return quantify(vm, args, nargs, out, false);
}
int rbk_std_all(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return quantify(vm, args, nargs, out, true);
}

/* ---- secret now ---- */

/* Registers every non-empty string value inside v (map keys excepted: names such as
 * "password" would otherwise be masked everywhere). */
static void register_secrets(rbk_vm *vm, rbk_value v) {
    switch (v.t) {
    case RBK_T_STRING:
        if (rbk_arg_len(v)) rbk_vm_add_secret(vm, rbk_arg_str(v), rbk_arg_len(v));
        break;
    case RBK_T_LIST: {
        rbk_list *l = RBK_AS_LIST(v);
        for (size_t i = 0; i < l->len; i++) register_secrets(vm, l->items[i]);
        break;
    }
    case RBK_T_MAP: {
        rbk_map *m = RBK_AS_MAP(v);
        for (size_t i = 0; i < m->len; i++) register_secrets(vm, m->vals[i]);
        break;
    }
    default: break;
    }
}

int rbk_std_secret(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value v = arg(args, nargs, 0);
    register_secrets(vm, v);
    return ret(out, rbk_ref(v), true);
}

/* ---- time: now time.parse time.format (support/rfc3339.h) ---- */

int rbk_std_now(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)vm;
    return ret(out, rbk_time(rbk_wall_ms()), args_secret(args, nargs));
}

int rbk_std_time_parse(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value s = arg(args, nargs, 0);
    NEED(IS_STR(s), "time.parse", "the argument", "a string", s);
    int64_t ms;
    const char *why;
    size_t at;
    if (rbk_rfc3339_parse(rbk_arg_str(s), rbk_arg_len(s), &ms, &why, &at) != 0) {
        rbk_sbuf what = RBK_SBUF_INIT;
        if (s.secret) rbk_sbuf_printf(&what, "not an RFC 3339 time (%s):", why); /* a byte offset tells a piece of it */
        else rbk_sbuf_printf(&what, "not an RFC 3339 time (%s, at byte %zu):", why, at);
        int r = fail_value(vm, "time.parse", rbk_sbuf_cstr(&what), s);
        rbk_sbuf_free(&what);
        return r;
    }
    return ret(out, rbk_time(ms), args_secret(args, nargs));
}

int rbk_std_time_format(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value t = arg(args, nargs, 0), layout = arg(args, nargs, 1);
    NEED(t.t == RBK_T_TIME, "time.format", "t", "a time", t);
    NEED(IS_STR(layout) || layout.t == RBK_T_NIL, "time.format", "layout", "a string", layout);
    rbk_sbuf b = RBK_SBUF_INIT;
    size_t bad;
    if (layout.t == RBK_T_NIL) rbk_rfc3339_fmt(&b, t.as.i);
    else if (rbk_time_layout(&b, t.as.i, rbk_arg_str(layout), rbk_arg_len(layout), &bad) != 0) {
        rbk_sbuf_free(&b);
        const char *l = rbk_arg_str(layout);
        if (bad + 1 >= rbk_arg_len(layout))
            return rbk_vm_error(vm, "time.format: the layout ends with a lone %% (write %%%% for a percent sign)");
        return rbk_vm_error(vm, "time.format: unknown conversion %%%c%s in the layout (known: %%Y %%m %%d %%H %%M %%S %%L %%j %%a %%b %%s %%F %%T %%z %%Z %%%%)",
                            (unsigned char)l[bad + 1] < 0x80 && (unsigned char)l[bad + 1] >= 0x20 ? l[bad + 1] : '?',
                            (unsigned char)l[bad + 1] < 0x80 && (unsigned char)l[bad + 1] >= 0x20 ? "" : " (a byte that is not printable ASCII)");
    }
    if (b.len >= RBK_TEXT_MAX) return text_too_long(vm, &b, "time.format");
    return ret(out, rbk_str_take_sbuf(&b), args_secret(args, nargs));
}

/* ---- re.match re.find_all (the PCRE2 search of `matches`: rbk_vm_regex_search) ---- */

/* The match at ov (n groups) in s as a list: the whole match, then each group or nil (a group
 * that ends before it starts, which \K can make, as empty). */
static rbk_value match_list(const char *s, const size_t *ov, int n) {
    rbk_value l = rbk_list_new((size_t)n);
    for (int i = 0; i < n; i++)
        rbk_list_push(l, ov[2 * i] == SIZE_MAX ? rbk_nil()
                         : rbk_str_new(s + ov[2 * i], ov[2 * i + 1] > ov[2 * i] ? ov[2 * i + 1] - ov[2 * i] : 0));
    return l;
}
static int re_search(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out, bool all) {
    const char *name = all ? "re.find_all" : "re.match";
    rbk_value s = arg(args, nargs, 0), p = arg(args, nargs, 1);
    NEED(IS_STR(s), name, "s", "a string", s);
    NEED(IS_STR(p), name, "pattern", "a string", p);
    const char *text = rbk_arg_str(s);
    size_t len = rbk_arg_len(s), at = 0;
    rbk_value found = all ? rbk_list_new(0) : rbk_nil();
    int after_empty = 0; /* the last match was empty at `at`: look for a non-empty one there first */
    for (;;) {
        const size_t *ov;
        int n = rbk_vm_regex_search(vm, text, len, at, rbk_arg_str(p), rbk_arg_len(p), p.secret & RBK_SECRET,
                                    after_empty, &ov);
        if (n < 0) { rbk_unref(found); return -1; }
        if (n == 0) {
            if (!after_empty || at >= len) break;
            /* none there: go on after the character at `at` (a whole UTF-8 sequence) */
            after_empty = 0;
            at++;
            while (at < len && ((unsigned char)text[at] & 0xC0) == 0x80) at++;
            continue;
        }
        rbk_value m = match_list(text, ov, n);
        if (!all) { found = m; break; }
        rbk_list_push(found, m);
        at = ov[1] > ov[0] ? ov[1] : ov[0]; /* \K in a lookahead can end a match before its start */
        after_empty = ov[1] <= ov[0];
        if (at > len) break;
    }
    return ret(out, found, args_secret(args, nargs));
}
int rbk_std_re_match(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return re_search(vm, args, nargs, out, false);
}
int rbk_std_re_find_all(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return re_search(vm, args, nargs, out, true);
}

/* ---- sort unique min max sum ---- */

/* The value of map item i's key (borrowed, a lazy entry read first), or -1 with the error. */
static int key_of(rbk_vm *vm, const char *fn, rbk_value item, size_t i, rbk_value key, rbk_value *out) {
    if (item.t != RBK_T_MAP)
        return rbk_vm_error(vm, "%s: with key:, every item must be a map; item %zu is %s", fn, i, rbk_type_name((rbk_type)item.t));
    rbk_value *slot = rbk_map_find(item, rbk_arg_str(key), rbk_arg_len(key));
    if (!slot) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_map *m = RBK_AS_MAP(item);
        for (size_t k = 0; k < m->len && k < 20; k++) rbk_sbuf_printf(&b, "%s%s", k ? ", " : "", rbk_map_key(m, k)->data);
        int r = rbk_vm_error(vm, "%s: item %zu has no key \"%s\" (%s%s)", fn, i, rbk_arg_str(key),
                             m->len ? "its keys are " : "the map is empty", rbk_sbuf_cstr(&b));
        rbk_sbuf_free(&b);
        return r;
    }
    if (force_slot(vm, slot) != 0) return -1;
    *out = *slot;
    return 0;
}
/* What sort, min and max order: the items, or their key's values (borrowed). */
static int sort_keys(rbk_vm *vm, const char *fn, rbk_value *args, int nargs, rbk_value **keys, size_t *n) {
    rbk_value items = arg(args, nargs, 0), key = arg(args, nargs, 1);
    NEED(items.t == RBK_T_LIST, fn, "items", "a list", items);
    NEED(IS_STR(key) || key.t == RBK_T_NIL, fn, "key", "a string", key);
    rbk_list *l = RBK_AS_LIST(items);
    *n = l->len;
    *keys = rbk_xmalloc(sizeof(rbk_value) * (l->len ? l->len : 1));
    for (size_t i = 0; i < l->len; i++) {
        if (key.t == RBK_T_NIL) (*keys)[i] = l->items[i];
        else if (key_of(vm, fn, l->items[i], i, key, &(*keys)[i]) != 0) { free(*keys); return -1; }
    }
    return 0;
}
/* Orders keys i and j: *c <0, 0, >0; -1 with the error when they have no order. */
static int order(rbk_vm *vm, const char *fn, const rbk_value *keys, size_t i, size_t j, bool by_key, int *c) {
    if (rbk_compare(keys[i], keys[j], c)) return 0;
    rbk_value a = keys[i], b = keys[j];
    if (a.t == b.t && a.t == RBK_T_FLOAT) return rbk_vm_error(vm, "%s: items %zu and %zu cannot be ordered (NaN)", fn, i, j);
    const char *what = by_key ? "the key's values of items" : "items";
    const char *kinds = "ints and floats, strings, durations and times are ordered, each among their own kind";
    if (a.t == b.t) return rbk_vm_error(vm, "%s: a %s has no order (%s %zu and %zu); %s", fn, rbk_type_name((rbk_type)a.t), what, i, j, kinds);
    return rbk_vm_error(vm, "%s: cannot order %s and %s (%s %zu and %zu); %s", fn, rbk_type_name((rbk_type)a.t),
                        rbk_type_name((rbk_type)b.t), what, i, j, kinds);
}
/* Stable merge sort of the positions idx[0..n) by keys; -1 with the error. */
static int merge_sort(rbk_vm *vm, const char *fn, const rbk_value *keys, size_t *idx, size_t *tmp, size_t n, bool desc, bool by_key) {
    if (n < 2) return 0;
    size_t h = n / 2;
    if (merge_sort(vm, fn, keys, idx, tmp, h, desc, by_key) || merge_sort(vm, fn, keys, idx + h, tmp, n - h, desc, by_key)) return -1;
    size_t a = 0, b = h, k = 0;
    while (a < h && b < n) {
        int c;
        if (order(vm, fn, keys, idx[a], idx[b], by_key, &c)) return -1;
        tmp[k++] = (desc ? c < 0 : c > 0) ? idx[b++] : idx[a++];
    }
    while (a < h) tmp[k++] = idx[a++];
    while (b < n) tmp[k++] = idx[b++];
    memcpy(idx, tmp, n * sizeof *idx);
    return 0;
}

int rbk_std_sort(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value desc = arg(args, nargs, 2);
    NEED(desc.t == RBK_T_BOOL || desc.t == RBK_T_NIL, "sort", "desc", "a bool", desc);
    rbk_value *keys;
    size_t n;
    if (sort_keys(vm, "sort", args, nargs, &keys, &n)) return -1;
    size_t *idx = rbk_xmalloc(sizeof(size_t) * (n ? n : 1)), *tmp = rbk_xmalloc(sizeof(size_t) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) idx[i] = i;
    int r = merge_sort(vm, "sort", keys, idx, tmp, n, desc.t == RBK_T_BOOL && desc.as.b, arg(args, nargs, 1).t != RBK_T_NIL);
    int c;
    if (r == 0 && n == 1) r = order(vm, "sort", keys, 0, 0, arg(args, nargs, 1).t != RBK_T_NIL, &c); /* as min */
    rbk_value l = rbk_nil();
    if (r == 0) {
        rbk_list *items = RBK_AS_LIST(args[0]);
        l = rbk_list_new(n);
        for (size_t i = 0; i < n; i++) rbk_list_push(l, rbk_ref(items->items[idx[i]]));
    }
    free(keys);
    free(idx);
    free(tmp);
    if (r) return -1;
    return ret(out, l, args_secret_deep(args, nargs)); /* the order tells of a secret item */
}

static int extreme(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out, bool max) {
    const char *fn = max ? "max" : "min";
    rbk_value *keys;
    size_t n;
    if (sort_keys(vm, fn, args, nargs, &keys, &n)) return -1;
    if (n == 0) {
        free(keys);
        return rbk_vm_error(vm, "%s: the list is empty", fn);
    }
    size_t best = 0;
    bool by_key = arg(args, nargs, 1).t != RBK_T_NIL;
    int c = 0;
    for (size_t i = 1; i < n; i++) {
        if (order(vm, fn, keys, i, best, by_key, &c)) { free(keys); return -1; }
        if (max ? c > 0 : c < 0) best = i;
    }
    /* one item: still one the order knows (min([{}]) is as wrong as min([{}, {}])) */
    if (n == 1 && order(vm, fn, keys, 0, 0, by_key, &c)) { free(keys); return -1; }
    free(keys);
    return ret(out, rbk_ref(RBK_AS_LIST(args[0])->items[best]), args_secret_deep(args, nargs)); /* the choice tells of a secret item */
}
int rbk_std_min(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) { return extreme(vm, args, nargs, out, false); }
int rbk_std_max(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) { return extreme(vm, args, nargs, out, true); }

int rbk_std_sum(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value items = arg(args, nargs, 0);
    NEED(items.t == RBK_T_LIST, "sum", "items", "a list", items);
    rbk_list *l = RBK_AS_LIST(items);
    int64_t i = 0;
    double f = 0;
    int kind = 0; /* 0 ints so far, 1 a float seen, 2 durations */
    uint8_t sec = items.secret;
    for (size_t k = 0; k < l->len; k++) {
        rbk_value v = l->items[k];
        sec |= v.secret;
        bool dur = v.t == RBK_T_DURATION, num = v.t == RBK_T_INT || v.t == RBK_T_FLOAT;
        if ((!dur && !num) || (k && (kind == 2) != dur))
            return rbk_vm_error(vm, "sum: item %zu is %s; the items must be all numbers or all durations%s", k,
                                rbk_type_name((rbk_type)v.t), v.t == RBK_T_STRING ? " (convert with int(...) or float(...))" : "");
        if (dur) kind = 2;
        if (v.t == RBK_T_FLOAT && kind == 0) { kind = 1; f = (double)i; }
        if (kind == 1) f += v.t == RBK_T_FLOAT ? v.as.f : (double)v.as.i;
        else if (__builtin_add_overflow(i, v.as.i, &i))
            return rbk_vm_error(vm, "sum: %s overflow at item %zu", kind == 2 ? "duration" : "integer", k);
    }
    rbk_value r = kind == 1 ? rbk_float(f) : kind == 2 ? rbk_duration(i) : rbk_int(i);
    return ret(out, r, sec & RBK_SECRET);
}

/* A hash of v that agrees with rbk_equal (1 and 1.0 hash alike; a map's hash ignores its
 * order), for unique(). */
static uint32_t value_hash(rbk_value v) {
    uint32_t h = RBK_FNV1A_SEED ^ v.t;
    switch (v.t) {
    case RBK_T_BOOL: return h ^ (uint32_t)v.as.b;
    case RBK_T_FLOAT:
        if (v.as.f >= -9e18 && v.as.f <= 9e18 && v.as.f == (double)(int64_t)v.as.f) {
            int64_t x = (int64_t)v.as.f;
            return rbk_fnv1a_add(RBK_FNV1A_SEED ^ RBK_T_INT, &x, sizeof x);
        }
        return rbk_fnv1a_add(h, &v.as.f, sizeof v.as.f);
    case RBK_T_INT:
    case RBK_T_DURATION:
    case RBK_T_TIME: return rbk_fnv1a_add(h, &v.as.i, sizeof v.as.i);
    case RBK_T_STRING: return rbk_fnv1a_add(h, RBK_AS_STR(v)->data, RBK_AS_STR(v)->len);
    case RBK_T_LIST: {
        rbk_list *l = RBK_AS_LIST(v);
        for (size_t i = 0; i < l->len; i++) h = (h ^ value_hash(l->items[i])) * RBK_FNV1A_PRIME;
        return h;
    }
    case RBK_T_MAP: {
        rbk_map *m = RBK_AS_MAP(v);
        uint32_t sum = 0;
        for (size_t i = 0; i < m->len; i++)
            sum += rbk_fnv1a(rbk_map_key(m, i)->data, rbk_map_key(m, i)->len) * 31u + (m->vals[i].t == RBK_T_LAZY ? 0 : value_hash(m->vals[i]));
        return h ^ sum;
    }
    default: return h;
    }
}

int rbk_std_unique(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    rbk_value *keys;
    size_t n;
    if (sort_keys(vm, "unique", args, nargs, &keys, &n)) return -1;
    rbk_list *items = RBK_AS_LIST(args[0]);
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    size_t *table = rbk_xcalloc(cap, sizeof(size_t)); /* positions + 1 of the items kept */
    rbk_value l = rbk_list_new(0);
    for (size_t i = 0; i < n; i++) {
        size_t j = value_hash(keys[i]) & (cap - 1);
        bool seen = false;
        for (; table[j]; j = (j + 1) & (cap - 1))
            if (rbk_equal(keys[table[j] - 1], keys[i])) { seen = true; break; }
        if (seen) continue;
        table[j] = i + 1;
        rbk_list_push(l, rbk_ref(items->items[i]));
    }
    free(table);
    free(keys);
    return ret(out, l, args_secret_deep(args, nargs)); /* what was dropped tells of a secret item */
}

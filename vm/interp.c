/* vm/interp.c — the bytecode interpreter: one C call runs a function (top-level code, a step
 * body, a rollback block, an `if` condition) to completion, with user-function calls as frames
 * on the VM's fixed-size stack. Errors unwind to the innermost `within` handler (PROTECT) or
 * out of the call with an rbk_status for vm/steps.c to judge.
 * The unit was verified (vm/bc_verify.c) before it gets here: operands are in range, jumps
 * land on instructions, stack depths are consistent; the interpreter does not re-check them.
 * Dispatch is computed goto (GCC/Clang); operands are 32-bit little-endian.
 * Why this file is over 1,000 lines: rbk_interp_call is one function of ~970 lines (a
 * computed-goto dispatch loop cannot be split across functions without a call per
 * instruction), and the helpers above it are static in the same file so that the compiler can
 * inline them into the loop's hot paths (arith, too_deep, index_value, the regex cache); moving
 * them to another file would put a call on those paths (the build has no LTO). The cold parts
 * that do not belong to the loop live elsewhere: events and effects (vm/vm.c), steps
 * (vm/steps.c), the natives' interface (vm/native_api.c), checkpoints (vm/checkpoint.c). */
#include <inttypes.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "builtins.h"
#include "../support/shquote.h"
#include "../support/requote.h"
#include "../support/rfc3339.h"
#include "../support/urlquote.h"
#include "vm_internal.h"

static inline uint32_t rd32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* ------------------------------------------------------------------ regex cache */
typedef struct rx_entry {
    char *pat;
    size_t len;
    pcre2_code *code;
    pcre2_match_data *md;
} rx_entry;
#define RX_CACHE 32
void rbk_vm_regex_free(rbk_vm *vm) {
    rx_entry *c = (rx_entry *)vm->regex;
    if (!c) return;
    for (uint32_t i = 0; i < vm->nregex && i < RX_CACHE; i++) {
        if (!c[i].pat) continue;
        free(c[i].pat);
        pcre2_match_data_free(c[i].md);
        pcre2_code_free(c[i].code);
    }
}
/* The cache slot of the pattern, compiled on first use (UTF-8 mode, and a subject that is not
 * valid UTF-8 is searched, not refused); -1 with the error set. secret: the pattern holds a
 * secret value, whose escaped form (REQUOTE) the registry does not know, so an error does not
 * show the pattern. */
static int rx_slot(rbk_vm *vm, const char *pat, size_t plen, int secret) {
    if (!vm->regex) {
        vm->regex = rbk_xcalloc(RX_CACHE, sizeof(rx_entry));
        vm->nregex = RX_CACHE;
    }
    rx_entry *c = (rx_entry *)vm->regex;
    for (int i = 0; i < RX_CACHE; i++) {
        if (c[i].pat && c[i].len == plen && !memcmp(c[i].pat, pat, plen)) return i;
    }
    int err;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, plen, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &erroff, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        if (secret)
            return rbk_vm_error(vm, "invalid regular expression (it holds a secret, not shown): %s at offset %zu",
                                (char *)msg, (size_t)erroff);
        return rbk_vm_error(vm, "invalid regular expression \"%s\": %s at offset %zu", pat, (char *)msg, (size_t)erroff);
    }
    int slot = 0;
    for (int i = 0; i < RX_CACHE; i++) if (!c[i].pat) { slot = i; break; }
    if (c[slot].pat) { free(c[slot].pat); pcre2_match_data_free(c[slot].md); pcre2_code_free(c[slot].code); }
    c[slot].pat = rbk_xstrndup(pat, plen);
    c[slot].len = plen;
    c[slot].code = code;
    c[slot].md = pcre2_match_data_create_from_pattern(code, NULL);
    return slot;
}
static int regex_match(rbk_vm *vm, rbk_str *subject, rbk_str *pat, int secret, int *out) {
    int slot = rx_slot(vm, pat->data, pat->len, secret);
    if (slot < 0) return -1;
    rx_entry *c = (rx_entry *)vm->regex;
    int rc = pcre2_match(c[slot].code, (PCRE2_SPTR)subject->data, subject->len, 0, 0, c[slot].md, NULL);
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) return rbk_vm_error(vm, "regular expression match failed (code %d)", rc);
    *out = rc >= 0;
    return 0;
}
/* vm/native.h: the search of re.match and re.find_all, with the cache and options of `matches` */
int rbk_vm_regex_search(rbk_vm *vm, const char *subject, size_t len, size_t start, const char *pat, size_t plen,
                        int secret, int not_empty_here, const size_t **ovector) {
    int slot = rx_slot(vm, pat, plen, secret);
    if (slot < 0) return -1;
    rx_entry *c = (rx_entry *)vm->regex;
    /* not_empty_here: after an empty match at start, a match that is not empty there
     * (PCRE2's own recipe for finding every match, pcre2demo.c) */
    uint32_t opts = not_empty_here ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
    int rc = pcre2_match(c[slot].code, (PCRE2_SPTR)subject, len, start, opts, c[slot].md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc < 0) return rbk_vm_error(vm, "regular expression match failed (code %d)", rc);
    uint32_t groups = 0;
    pcre2_pattern_info(c[slot].code, PCRE2_INFO_CAPTURECOUNT, &groups);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c[slot].md);
    /* the match data is made for the pattern, so it holds every group; rc counts up to the
     * last group that matched: the ones after it are unset */
    for (uint32_t i = (uint32_t)rc; i <= groups; i++) ov[2 * i] = ov[2 * i + 1] = PCRE2_UNSET;
    *ovector = ov;
    return (int)groups + 1;
}

/* ------------------------------------------------------------------ helpers */
static const char *tname(rbk_value v) { return rbk_type_name((rbk_type)v.t); }

static int list_contains(rbk_value list, rbk_value x) {
    rbk_list *l = RBK_AS_LIST(list);
    for (size_t i = 0; i < l->len; i++) if (rbk_equal(l->items[i], x)) return 1;
    return 0;
}
static int op_contains(rbk_vm *vm, rbk_value a, rbk_value b, int *out) {
    if (a.t == RBK_T_STRING) {
        if (b.t != RBK_T_STRING) return rbk_vm_error(vm, "`contains` on a string needs a string, not %s", tname(b));
        rbk_str *s = RBK_AS_STR(a), *t = RBK_AS_STR(b);
        *out = t->len == 0 || memmem(s->data, s->len, t->data, t->len) != NULL;
        return 0;
    }
    if (a.t == RBK_T_LIST) { *out = list_contains(a, b); return 0; }
    if (a.t == RBK_T_MAP) {
        if (b.t != RBK_T_STRING) return rbk_vm_error(vm, "a map's keys are strings, not %s", tname(b));
        *out = rbk_map_find(a, RBK_AS_STR(b)->data, RBK_AS_STR(b)->len) != NULL;
        return 0;
    }
    return rbk_vm_error(vm, "`contains` needs a string, list or map, not %s", tname(a));
}

static void keys_hint(rbk_sbuf *b, rbk_value map) {
    rbk_map *m = RBK_AS_MAP(map);
    if (m->len == 0) { rbk_sbuf_adds(b, "the map is empty"); return; }
    rbk_sbuf_adds(b, "its keys are ");
    for (size_t i = 0; i < m->len && i < 20; i++) rbk_sbuf_printf(b, "%s%s", i ? ", " : "", rbk_map_key(m, i)->data);
    if (m->len > 20) rbk_sbuf_printf(b, " and %zu more", (size_t)m->len - 20);
}
/* A list or map just built (or handed back by a native) nests deeper than RBK_MAX_NESTING
 * (value.h): the error, so that no value can take the C stack's depth to render or free. */
__attribute__((noinline)) static int too_deep_error(rbk_vm *vm) {
    rbk_vm_error(vm, "a list or map cannot nest more than %d levels deep", (int)RBK_MAX_NESTING);
    return 1;
}
static inline int too_deep(rbk_vm *vm, rbk_value v) {
    if (__builtin_expect(rbk_nesting(v) <= RBK_MAX_NESTING, 1)) return 0;
    return too_deep_error(vm);
}

/* Registers text computed from a secret when it does not already show a registered secret
 * (then masking that part is enough, and "token=***" stays readable) or when it is opaque (it
 * also holds a secret masking that part would leave: a number, a short piece). */
static void register_derived(rbk_vm *vm, rbk_str *s, int opaque) {
    if (s->len < 4 || (!opaque && rbk_mask_hits(vm->mask, s->data, s->len))) return;
    rbk_vm_add_secret(vm, s->data, s->len);
}

/* A secret-marked text is registered (register_derived) where its mark stops protecting it:
 * when it is quoted into a command or an identifier, or handed to a builtin that talks to the
 * world. Its mark hides a value printed on its own (and a log line or message built from it,
 * which is marked too); but a command line, a URL or a query is shown through the registry
 * alone, so without this the text of a value computed from a secret by a command (its result
 * is marked, its text unknown) would show in the next command's line. Not at every
 * interpolation: a loop that logs marked values would register one text per turn for
 * nothing. Strings, and numbers, durations and times of 4 bytes or more (their digits are then
 * masked everywhere: safe, if sometimes more than needed; docs/secrets.md), inside lists and
 * maps too. */
static void register_marked(rbk_vm *vm, rbk_value v, int depth) {
    if (v.t == RBK_T_STRING) {
        if (v.secret & RBK_SECRET) register_derived(vm, RBK_AS_STR(v), v.secret & RBK_OPAQUE);
    } else if (v.t == RBK_T_INT || v.t == RBK_T_FLOAT || v.t == RBK_T_DURATION || v.t == RBK_T_TIME) {
        /* a secret number leaving the language: a command, a server or a database may print
         * it back, and no mark follows it there, so its text is registered (4 bytes or more;
         * not a bool: "true" would be masked everywhere) */
        if (v.secret & RBK_SECRET) {
            rbk_sbuf b = RBK_SBUF_INIT;
            for (int json = 0; json <= (v.t == RBK_T_DURATION); json++) { /* a duration in JSON: its milliseconds */
                rbk_sbuf_reset(&b);
                if (json) rbk_value_json(&b, v);
                else rbk_value_str(&b, v);
                if (b.len >= 4 && !rbk_mask_hits(vm->mask, rbk_sbuf_cstr(&b), b.len)) rbk_vm_add_secret(vm, rbk_sbuf_cstr(&b), b.len);
            }
            rbk_sbuf_free(&b);
        }
    } else if (v.t == RBK_T_LIST && depth < 4) {
        rbk_list *l = RBK_AS_LIST(v);
        for (size_t i = 0; i < l->len; i++) {
            rbk_value x = l->items[i];
            x.secret |= v.secret;
            register_marked(vm, x, depth + 1);
        }
    } else if (v.t == RBK_T_MAP && depth < 4) {
        rbk_map *m = RBK_AS_MAP(v);
        for (size_t i = 0; i < m->len; i++) {
            rbk_value x = m->vals[i];
            x.secret |= v.secret;
            register_marked(vm, x, depth + 1);
        }
    }
}

/* The text of v into t (empty) for quoting (SHQUOTE, SHQUOTE_IN, SQLIDENT, URLQUOTE, REQUOTE): a string as it is, any other
 * value as str() shows it; -1 with the error (and t freed) when that text was cut at
 * RBK_TEXT_MAX: half a value is never quoted. */
static int value_text(rbk_vm *vm, rbk_value v, rbk_sbuf *t) {
    if (v.t == RBK_T_STRING) { rbk_sbuf_add(t, RBK_AS_STR(v)->data, RBK_AS_STR(v)->len); return 0; }
    rbk_value_str(t, v);
    if (t->len < RBK_TEXT_MAX) return 0;
    rbk_sbuf_free(t);
    return rbk_vm_text_too_long(vm, NULL);
}

/* Replaces *top (v, still referenced there) with the text in q, which it takes: the quoted form
 * keeps the value's marks (secret, unverified), and those of a text built from it (a list that
 * holds a secret number: rbk_vm_text_mark). The tail of every quoting opcode. */
static void take_quoted(rbk_vm *vm, rbk_value *top, rbk_sbuf *q) {
    rbk_value r = rbk_str_take_sbuf(q);
    r.secret = rbk_vm_text_mark(vm, *top);
    rbk_unref(*top);
    *top = r;
}

/* Quotes *top for shell context ctx (RBK_SH_*, support/shquote.h) in place: SHQUOTE, SHQUOTE_IN. */
static int sh_quote_top(rbk_vm *vm, rbk_value *top, int ctx) {
    rbk_value v = *top;
    rbk_sbuf t = RBK_SBUF_INIT, q = RBK_SBUF_INIT;
    register_marked(vm, v, 0); /* before quoting: each context's quoted form is a derived form */
    if (value_text(vm, v, &t)) return -1;
    if (rbk_sh_has_nul(rbk_sbuf_cstr(&t), t.len)) {
        rbk_sbuf_free(&t);
        rbk_vm_error(vm, "a value interpolated into a command contains a NUL byte, which a command cannot carry");
        return -1;
    }
    rbk_sh_quote_in(&q, ctx, rbk_sbuf_cstr(&t), t.len);
    rbk_sbuf_free(&t);
    take_quoted(vm, top, &q);
    return 0;
}

/* Reads key from map, forcing a lazy entry; *out is a new reference. */
static int map_read(rbk_vm *vm, rbk_value map, const char *key, size_t keylen, rbk_value *out, int must) {
    rbk_value *slot = rbk_map_find(map, key, keylen);
    if (!slot) {
        if (!must) { *out = rbk_nil(); return 0; }
        rbk_sbuf b = RBK_SBUF_INIT;
        keys_hint(&b, map);
        rbk_vm_error(vm, "the map has no key \"%.*s\" (%s)", (int)keylen, key, rbk_sbuf_cstr(&b));
        rbk_sbuf_free(&b);
        return -1;
    }
    if (slot->t == RBK_T_LAZY) {
        rbk_lazy *z = (rbk_lazy *)slot->as.o;
        rbk_value v;
        if (z->force(vm, z->arg, &v)) return -1;
        if (too_deep(vm, v)) { rbk_unref(v); return -1; }
        v.secret |= map.secret;
        rbk_value old = *slot;
        *slot = v;
        rbk_unref(old);
    }
    *out = rbk_ref(*slot);
    out->secret |= map.secret;
    return 0;
}

/* --dry-run: a value computed from the result of a skipped write is an "unverified" nil;
 * operations on it give unverified results instead of errors (docs/language.md, dry run). */
static int unverified(rbk_value *r, int taint) {
    *r = rbk_nil();
    r->secret = (uint8_t)(taint | RBK_UNVERIFIED);
    return 0;
}
static void dry_condition(rbk_vm *vm) {
    rbk_vm_note(vm, "dry run: a condition depends on a write that was not done; the block it guards is not run");
}

/* --dry-run: the per-run set of skipped writes (docs/internals.md, "The dry run"). Once it is
 * not empty, a check that does not hold or a read that fails may only be showing the world the
 * skipped writes would have changed: it is "unverified", not failed, and the run goes on. */
static void dry_skip(rbk_vm *vm, const char *call) {
    rbk_sbuf d = RBK_SBUF_INIT, line = RBK_SBUF_INIT;
    rbk_sbuf_printf(&d, "would %s", call);
    /* where it is written, and, inside a module (std/pg ...), where the runbook called it */
    for (int k = vm->nframes - 1, first = 1; k >= 0; k--) {
        rbk_frame *fr = &vm->frames[k];
        uint32_t file, off;
        rbk_event pos;
        memset(&pos, 0, sizeof pos);
        if (!fr->ip || rbk_bc_position(vm->u, fr->fn, (uint32_t)(fr->ip - 1 - vm->u->funcs[fr->fn].code), &file, &off)) continue;
        if (!first && file != 0) continue;
        rbk_vm_position(vm, file, off, &pos, &line);
        if (pos.file) rbk_sbuf_printf(&d, first ? " at %s:%d" : " (called at %s:%d)", pos.file, pos.line);
        if (file == 0) break; /* the runbook's own file */
        first = 0;
    }
    free(vm->dry_last);
    vm->dry_last = rbk_sbuf_detach(&d);
    vm->dry_skipped++;
    rbk_sbuf_free(&line);
}
/* Appends what a check or read may depend on: the latest skipped write, and how many before it. */
void rbk_vm_dry_depends(rbk_vm *vm, rbk_sbuf *b) {
    rbk_sbuf_printf(b, "may depend on: %s", vm->dry_last ? vm->dry_last : "a skipped write");
    if (vm->dry_skipped > 1)
        rbk_sbuf_printf(b, " (and %d earlier skipped write%s)", vm->dry_skipped - 1, vm->dry_skipped == 2 ? "" : "s");
}
/* A failure that a skipped write may explain: in a dry run, after one, of a runtime error (not
 * an interrupt, not the step's timeout). */
static int dry_excused(rbk_vm *vm) {
    return vm->opts.dry_run && vm->dry_skipped > 0 && vm->err_status == RBK_E_RUNTIME && !*vm->interrupted &&
           rbk_now_ms() < vm->step_deadline; /* an error after the deadline is the timeout's (run_part) */
}
/* A read builtin failed after a skipped write: a note says so, and its result is unverified. */
static int dry_read_failed(rbk_vm *vm, const char *name, rbk_value *out) {
    rbk_sbuf n = RBK_SBUF_INIT;
    rbk_sbuf_printf(&n, "dry run: %s failed; unverified (", name);
    rbk_vm_dry_depends(vm, &n);
    rbk_sbuf_printf(&n, "): %s", vm->err ? vm->err : "error");
    rbk_vm_clear_error(vm);
    rbk_vm_note(vm, "%s", rbk_sbuf_cstr(&n));
    rbk_sbuf_free(&n);
    return unverified(out, 0);
}

static int arith(rbk_vm *vm, rbk_opcode op, rbk_value a, rbk_value b, rbk_value *r) {
    static const char *sym[] = {[RBK_OP_ADD] = "+", [RBK_OP_SUB] = "-", [RBK_OP_MUL] = "*", [RBK_OP_DIV] = "/", [RBK_OP_MOD] = "%"};
    int sec = a.secret | b.secret;
    if (sec & RBK_UNVERIFIED) return unverified(r, sec);
    if (a.t == RBK_T_INT && b.t == RBK_T_INT) {
        int64_t x = a.as.i, y = b.as.i, z = 0;
        int ovf = 0;
        switch (op) {
        case RBK_OP_ADD: ovf = __builtin_add_overflow(x, y, &z); break;
        case RBK_OP_SUB: ovf = __builtin_sub_overflow(x, y, &z); break;
        case RBK_OP_MUL: ovf = __builtin_mul_overflow(x, y, &z); break;
        case RBK_OP_DIV:
        case RBK_OP_MOD:
            if (y == 0) return rbk_vm_error(vm, "division by zero");
            if (x == INT64_MIN && y == -1) { ovf = 1; break; }
            z = op == RBK_OP_DIV ? x / y : x % y;
            break;
        default: break;
        }
        if (ovf) return rbk_vm_error(vm, "integer overflow: %" PRId64 " %s %" PRId64, x, sym[op], y);
        *r = rbk_int(z);
        r->secret = (uint8_t)sec;
        return 0;
    }
    int an = a.t == RBK_T_INT || a.t == RBK_T_FLOAT, bn = b.t == RBK_T_INT || b.t == RBK_T_FLOAT;
    if (an && bn) {
        double x = a.t == RBK_T_INT ? (double)a.as.i : a.as.f, y = b.t == RBK_T_INT ? (double)b.as.i : b.as.f;
        double z;
        switch (op) {
        case RBK_OP_ADD: z = x + y; break;
        case RBK_OP_SUB: z = x - y; break;
        case RBK_OP_MUL: z = x * y; break;
        case RBK_OP_DIV:
            if (y == 0) return rbk_vm_error(vm, "division by zero");
            z = x / y;
            break;
        default: return rbk_vm_error(vm, "`%%` needs ints, not %s and %s", tname(a), tname(b));
        }
        *r = rbk_float(z);
        r->secret = (uint8_t)sec;
        return 0;
    }
    if (a.t == RBK_T_DURATION && b.t == RBK_T_DURATION) {
        int64_t z;
        if (op == RBK_OP_ADD && !__builtin_add_overflow(a.as.i, b.as.i, &z)) { *r = rbk_duration(z); r->secret = (uint8_t)sec; return 0; }
        if (op == RBK_OP_SUB && !__builtin_sub_overflow(a.as.i, b.as.i, &z)) { *r = rbk_duration(z); r->secret = (uint8_t)sec; return 0; }
        if (op == RBK_OP_DIV) {
            if (b.as.i == 0) return rbk_vm_error(vm, "division by a zero duration");
            *r = rbk_float((double)a.as.i / (double)b.as.i);
            r->secret = (uint8_t)sec;
            return 0;
        }
        if (op == RBK_OP_ADD || op == RBK_OP_SUB) return rbk_vm_error(vm, "duration overflow");
    }
    if (a.t == RBK_T_TIME || b.t == RBK_T_TIME) {
        /* time ± duration, duration + time: a time; time - time: the duration between them */
        int64_t z;
        if (a.t == RBK_T_TIME && b.t == RBK_T_TIME && op == RBK_OP_SUB) {
            *r = rbk_duration(a.as.i - b.as.i); /* both within years 0000-9999: no overflow */
            r->secret = (uint8_t)sec;
            return 0;
        }
        if ((op == RBK_OP_ADD && ((a.t == RBK_T_TIME && b.t == RBK_T_DURATION) || (a.t == RBK_T_DURATION && b.t == RBK_T_TIME))) ||
            (op == RBK_OP_SUB && a.t == RBK_T_TIME && b.t == RBK_T_DURATION)) {
            int ovf = op == RBK_OP_ADD ? __builtin_add_overflow(a.as.i, b.as.i, &z) : __builtin_sub_overflow(a.as.i, b.as.i, &z);
            if (ovf || !rbk_time_in_range(z)) return rbk_vm_error(vm, "time out of range (years 0000 to 9999)");
            *r = rbk_time(z);
            r->secret = (uint8_t)sec;
            return 0;
        }
    }
    if ((a.t == RBK_T_DURATION && bn && (op == RBK_OP_MUL || op == RBK_OP_DIV)) || (an && b.t == RBK_T_DURATION && op == RBK_OP_MUL)) {
        rbk_value d = a.t == RBK_T_DURATION ? a : b, n = a.t == RBK_T_DURATION ? b : a;
        double f = n.t == RBK_T_INT ? (double)n.as.i : n.as.f;
        if (op == RBK_OP_DIV && f == 0) return rbk_vm_error(vm, "division by zero");
        double z = op == RBK_OP_MUL ? (double)d.as.i * f : (double)d.as.i / f;
        if (!(fabs(z) < 9e18)) return rbk_vm_error(vm, "duration overflow");
        *r = rbk_duration((int64_t)llround(z));
        r->secret = (uint8_t)sec;
        return 0;
    }
    if (op == RBK_OP_ADD && a.t == RBK_T_STRING && b.t == RBK_T_STRING) {
        rbk_str *x = RBK_AS_STR(a), *y = RBK_AS_STR(b);
        if (x->len + y->len >= RBK_TEXT_MAX) return rbk_vm_text_too_long(vm, NULL);
        rbk_sbuf s = RBK_SBUF_INIT;
        rbk_sbuf_reserve(&s, x->len + y->len);
        rbk_sbuf_add(&s, x->data, x->len);
        rbk_sbuf_add(&s, y->data, y->len);
        *r = rbk_str_take_sbuf(&s);
        /* a piece the registry does not mask makes the whole text opaque (rbk_vm_text_mark) */
        r->secret = (uint8_t)(sec & RBK_SECRET ? rbk_vm_text_mark(vm, a) | rbk_vm_text_mark(vm, b) : sec);
        return 0;
    }
    if (op == RBK_OP_ADD && a.t == RBK_T_LIST && b.t == RBK_T_LIST) {
        rbk_list *x = RBK_AS_LIST(a), *y = RBK_AS_LIST(b);
        rbk_value l = rbk_list_new(x->len + y->len);
        for (size_t i = 0; i < x->len; i++) rbk_list_push(l, rbk_ref(x->items[i]));
        for (size_t i = 0; i < y->len; i++) rbk_list_push(l, rbk_ref(y->items[i]));
        l.secret = (uint8_t)sec;
        *r = l;
        return 0;
    }
    if (op == RBK_OP_ADD && a.t == RBK_T_MAP && b.t == RBK_T_MAP) {
        /* a merge (docs/language.md §4): a's keys in a's order, then b's new ones; b's values win */
        rbk_map *y = RBK_AS_MAP(b);
        rbk_value m = rbk_container_copy(a);
        for (uint32_t i = 0; i < y->len; i++)
            rbk_map_set(m, rbk_map_key(y, i)->data, rbk_map_key(y, i)->len, rbk_ref(y->vals[i]));
        m.secret = (uint8_t)sec;
        *r = m;
        return 0;
    }
    if (op == RBK_OP_ADD && (a.t == RBK_T_STRING || b.t == RBK_T_STRING))
        return rbk_vm_error(vm, "cannot add %s and %s (convert with str(...) or interpolate \"{x}\")", tname(a), tname(b));
    return rbk_vm_error(vm, "cannot apply `%s` to %s and %s", sym[op], tname(a), tname(b));
}

/* Forgets the traced values of function f (its own slots: vm.h): at the start of each of its
 * expectations (TRACE_RESET) and once the expectation is decided, so that no value outlives
 * the evaluation it belongs to. */
static void trace_clear(rbk_vm *vm, uint32_t f) {
    size_t from = vm->trace_base[f], to = from + vm->u->funcs[f].ntrace;
    for (size_t i = from; i < to; i++)
        if (vm->trace_set[i]) { rbk_unref(vm->trace[i]); vm->trace_set[i] = 0; }
}

/* Sorts expectation e's sub-expressions for display: longest span first (the whole condition),
 * then by position. order[] gets the indices. */
static void subs_order(const rbk_expectation *x, uint32_t *order) {
    uint32_t n = x->nsubs;
    for (uint32_t i = 0; i < n; i++) order[i] = i;
    for (uint32_t i = 1; i < n; i++) {
        uint32_t t = order[i];
        int j = (int)i - 1;
        while (j >= 0) {
            rbk_expect_sub *a = &x->subs[order[j]], *b = &x->subs[t];
            int before = a->len > b->len || (a->len == b->len && a->off <= b->off);
            if (before) break;
            order[j + 1] = order[j];
            j--;
        }
        order[j + 1] = t;
    }
}

/* A `within` poll of expectation e raised an error, caught in function fn (the expectation's
 * own) at pc: the instruction that raised it, or the call that led to it.
 * Records the error (a string) as the value of the sub-expression being evaluated when it was
 * raised: the innermost one not yet evaluated in this poll whose span holds pc's position
 * (the ones evaluated before it are traced already, and the ones after it do not hold it).
 * The ones around it stay unevaluated, the ones evaluated before keep their values. When pc's
 * position is not in the condition (a default argument, written at its fn), the whole
 * condition gets it: no sub-expression is ever named that did not raise it. */
static void trace_error(rbk_vm *vm, uint32_t e, uint32_t fn, uint32_t pc, rbk_value err) {
    const rbk_expectation *x = &vm->u->expects[e];
    size_t tb = vm->trace_base[fn];
    uint32_t n = x->nsubs < vm->u->funcs[fn].ntrace ? x->nsubs : vm->u->funcs[fn].ntrace;
    uint32_t file, off, best = RBK_NONE, whole = (uint32_t)strlen(rbk_vm_str(vm, x->source));
    if (rbk_bc_position(vm->u, fn, pc, &file, &off) == 0 && file == x->file && off >= x->off) {
        uint32_t rel = off - x->off;
        for (uint32_t i = 0; i < n; i++) {
            const rbk_expect_sub *s = &x->subs[i];
            if (!vm->trace_set[tb + i] && rel >= s->off && rel - s->off < s->len &&
                (best == RBK_NONE || s->len < x->subs[best].len))
                best = i;
        }
    }
    for (uint32_t i = 0; i < n && best == RBK_NONE; i++)
        if (!vm->trace_set[tb + i] && x->subs[i].off == 0 && x->subs[i].len == whole) best = i;
    if (best == RBK_NONE) return;
    vm->trace[tb + best] = rbk_ref(err);
    vm->trace_set[tb + best] = 2;
}

/* Emits an expectation event with the traced sub-expression values (fn: the expectation's
 * function, whose slots hold them). */
static void emit_expect(rbk_vm *vm, uint32_t e, const char *status, rbk_value msg, const char *extra, uint32_t fn,
                        const uint8_t *ip) {
    rbk_expectation *x = &vm->u->expects[e];
    size_t tb = vm->trace_base[fn];
    uint32_t ntrace = vm->u->funcs[fn].ntrace;
    rbk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = x->kind == RBK_EXPECT_STOP_IF ? RBK_EV_STOP_IF : RBK_EV_EXPECT;
    rbk_vm_stamp(vm, &ev, RBK_STAMP_ALL);
    ev.status = status;
    if (!strcmp(status, "unverified")) vm->checks_unverified++;
    else if (!strcmp(status, "failed") || !strcmp(status, "stopped")) vm->checks_failing++;
    else vm->checks_verified++;
    const char *src = rbk_vm_str(vm, x->source);
    ev.source = src;
    rbk_sbuf text = RBK_SBUF_INIT, line = RBK_SBUF_INIT;
    if (msg.t == RBK_T_STRING) rbk_vm_render_value(vm, &text, msg, 0);
    else if (x->message != RBK_NONE) rbk_sbuf_adds(&text, rbk_vm_str(vm, x->message));
    if (extra) rbk_sbuf_printf(&text, "%s%s", text.len ? "; " : "", extra);
    ev.text = text.len ? rbk_sbuf_cstr(&text) : NULL;
    /* sub-expressions in source order, the whole condition first */
    uint32_t n = x->nsubs;
    rbk_event_value *vals = rbk_xcalloc(n ? n : 1, sizeof *vals);
    rbk_sbuf *bufs = rbk_xcalloc(n ? n : 1, sizeof(rbk_sbuf));
    uint32_t *order = rbk_xcalloc(n ? n : 1, sizeof(uint32_t));
    subs_order(x, order);
    size_t srclen = strlen(src);
    int nv = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = order[k];
        rbk_expect_sub *s = &x->subs[i];
        if (s->off + s->len > srclen) continue;
        int set = i < ntrace ? vm->trace_set[tb + i] : 0;
        /* the same text twice (`x > 1 or x < 0`) is shown once: with the value of the first
         * place that has one (the first may have been skipped by `and`/`or`) */
        int q = 0;
        while (q < nv && !(strlen(vals[q].expr) == s->len && !strncmp(vals[q].expr, src + s->off, s->len))) q++;
        if (q < nv) {
            if (!set || vals[q].value || vals[q].error) continue;
            rbk_sbuf_reset(&bufs[q]);
        } else {
            q = nv++;
        }
        rbk_sbuf_add(&bufs[q], src + s->off, s->len);
        size_t exprlen = bufs[q].len;
        rbk_sbuf_addc(&bufs[q], 0);
        /* a value as the runbook would write it; an error raised there as its text */
        if (set) rbk_vm_render_shown(vm, &bufs[q], vm->trace[tb + i], set == 1, RBK_TRACE_VALUE_MAX);
        vals[q].expr = bufs[q].data;
        if (set == 1) vals[q].value = bufs[q].data + exprlen + 1;
        if (set == 2) vals[q].error = bufs[q].data + exprlen + 1;
    }
    ev.nvalues = nv;
    ev.values = vals;
    (void)ip;
    rbk_vm_position(vm, x->file, x->off, &ev, &line); /* the condition's own position */
    rbk_vm_emit(vm, &ev);
    trace_clear(vm, fn); /* shown: they belong to no later evaluation */
    for (int i = 0; i < nv; i++) rbk_sbuf_free(&bufs[i]);
    free(bufs);
    free(vals);
    free(order);
    rbk_sbuf_free(&text);
    rbk_sbuf_free(&line);
}

static void emit_poll(rbk_vm *vm, int64_t remaining, const char *what) {
    rbk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = RBK_EV_POLL;
    rbk_vm_stamp(vm, &ev, RBK_STAMP_ALL);
    ev.remaining_ms = remaining;
    ev.text = what;
    rbk_vm_emit(vm, &ev);
}

/* The poll of a loop's back edge (see rbk_interp_call): the interrupt flag, the step's
 * deadline and, in a sandboxed run, the tick budget (vm.h, max_ticks). */
static int check_budget(rbk_vm *vm) {
    if (*vm->interrupted) return rbk_vm_raise(vm, RBK_E_INTERRUPT, "interrupted");
    if (vm->step_deadline != INT64_MAX && rbk_now_ms() >= vm->step_deadline) {
        rbk_steps_raise_timeout(vm, NULL);
        return -1;
    }
    if (vm->opts.max_ticks > 0) return rbk_vm_tick(vm);
    return 0;
}

/* The countdown of rbk_interp_call reached zero: restarts it and polls. Out of line, so that
 * the interpreter's hot loop keeps its registers (measured: bench/vm loops). */
__attribute__((noinline, cold)) static int poll_again(rbk_vm *vm, int *budget) {
    *budget = vm->poll_every;
    return check_budget(vm);
}

/* Sleeps ms or until interrupted / the step's deadline: returns an rbk_status. A sandboxed
 * run (max_ticks) does not sleep: the round is a tick. */
static rbk_status vm_sleep(rbk_vm *vm, int64_t ms) {
    if (vm->opts.max_ticks > 0) return check_budget(vm) ? vm->err_status : RBK_OK;
    rbk_cancel c;
    c.interrupted = vm->interrupted;
    c.deadline_ms = vm->step_deadline;
    int r = rbk_sleep_ms(&c, ms);
    if (r == 1) { rbk_vm_raise(vm, RBK_E_INTERRUPT, "interrupted"); return RBK_E_INTERRUPT; }
    if (r == 2) return rbk_steps_raise_timeout(vm, NULL);
    return RBK_OK;
}

/* now + ms, saturated (a duration constant may be as large as a forged file likes) */
__attribute__((noinline)) static int64_t deadline_after(int64_t ms) {
    int64_t now = rbk_now_ms(), t;
    return __builtin_add_overflow(now, ms, &t) ? INT64_MAX : t;
}


/* " on h1, h3": the hosts of an on: argument by their names (a host value's `name`) */
__attribute__((noinline)) static void dry_run_hosts(rbk_vm *vm, rbk_sbuf *t, rbk_value on) {
    int list = on.t == RBK_T_LIST;
    size_t n = list ? RBK_AS_LIST(on)->len : 1;
    rbk_sbuf_adds(t, " on ");
    for (size_t i = 0; i < n; i++) {
        rbk_value h = list ? RBK_AS_LIST(on)->items[i] : on;
        rbk_value *name = h.t == RBK_T_MAP ? rbk_map_find(h, "name", 4) : NULL;
        if (i) rbk_sbuf_adds(t, ", ");
        rbk_vm_render_value(vm, t, name ? *name : h, 0);
    }
}

static int call_native(rbk_vm *vm, uint32_t n, rbk_value *args, int argc, rbk_value *out) {
    rbk_native_fn fn = vm->native_fns[n];
    int id = vm->native_ids[n];
    if (id < 0) return rbk_vm_error(vm, "unknown builtin %s", rbk_vm_str(vm, vm->u->native_names[n]));
    if (!fn && !vm->opts.no_natives) { /* a sandboxed run neither loads nor calls one (below) */
        if (!(fn = rbk_vm_native_fn(vm, id))) return -1;
        vm->native_fns[n] = fn;
    }
    const rbk_builtin *b = rbk_builtin_get(id);
    int dry_args = 0;
    for (int i = 0; i < argc; i++) dry_args |= args[i].secret & RBK_UNVERIFIED;
    if (dry_args && b->effect == RBK_EFF_PURE && strcmp(b->name, "log")) return unverified(out, RBK_UNVERIFIED);
    /* sh/exec with read_only: true are reads (rbk_call_effect): a dry run runs them for real */
    int ro = b->read_only_param;
    rbk_effect eff = rbk_call_effect(b, ro >= 0 && ro < argc && args[ro].t == RBK_T_BOOL && args[ro].as.b);
    if (vm->opts.dry_run && (eff == RBK_EFF_WRITE || (dry_args && b->effect != RBK_EFF_PURE))) {
        /* --dry-run: show the write instead of doing it */
        rbk_sbuf t = RBK_SBUF_INIT;
        rbk_sbuf_printf(&t, "%s(", b->name);
        int shown = 0;
        int on = -1; /* sh/exec on: hosts: shown after the call by their names (docs/fleet.md) */
        for (int i = 0; i < argc && i < b->nparams; i++) {
            if (args[i].t == RBK_T_NIL && !(args[i].secret & RBK_UNVERIFIED)) continue;
            if (!strcmp(b->params[i].name, "on") && !(args[i].secret & RBK_UNVERIFIED)) { on = i; continue; }
            if (shown++) rbk_sbuf_adds(&t, ", ");
            /* an optional argument by its name, as the runbook may write it: sh("...", read_only: false) */
            if (b->params[i].optional) rbk_sbuf_printf(&t, "%s: ", b->params[i].name);
            if (args[i].secret & RBK_UNVERIFIED) rbk_sbuf_adds(&t, "<dry-run>");
            else rbk_vm_render_value(vm, &t, args[i], 1); /* masked before it is escaped */
        }
        rbk_sbuf_adds(&t, ")");
        if (on >= 0) dry_run_hosts(vm, &t, args[on]);
        vm->call_write = 1;
        uint64_t id2 = rbk_vm_effect_begin(vm, "dry-run", rbk_sbuf_cstr(&t));
        rbk_vm_effect_end(vm, id2, "skipped", 0, NULL, 0, NULL, 0, 0);
        if (eff == RBK_EFF_WRITE) dry_skip(vm, rbk_sbuf_cstr(&t));
        rbk_sbuf_free(&t);
        if (!id2) return -1; /* the journal could not record it (rbk_vm_sink_failed) */
        return unverified(out, 0);
    }
    /* sandboxed (vm.h): an ordinary runtime error, after the dry run has shown its writes */
    if (vm->opts.no_natives) return rbk_vm_error(vm, "native calls are disabled (%s was not called)", b->name);
    /* what leaves the language for the world is shown through the registry alone */
    if (b->effect != RBK_EFF_PURE)
        for (int i = 0; i < argc; i++) register_marked(vm, args[i], 0);
    rbk_value r = rbk_nil();
    vm->call_write = eff == RBK_EFF_WRITE;
    vm->in_native = 1;
    int failed = fn(vm, args, argc, &r);
    vm->in_native = 0;
    /* an effect replayed from the journal, or the end of one that waits for its result */
    if (__builtin_expect(vm->replay_now != NULL || vm->pending_end.set, 0)) failed = rbk_vm_effect_finish(vm, b->ret, failed, &r);
    if (failed) {
        rbk_unref(r);
        if (!vm->err) rbk_vm_error(vm, "%s failed", b->name);
        if (eff == RBK_EFF_READ && dry_excused(vm)) return dry_read_failed(vm, b->name, out);
        return -1;
    }
    if (too_deep(vm, r)) { rbk_unref(r); return -1; }
    /* a pure computation on a secret is secret; external calls decide for themselves what
     * their results carry (their texts are masked on output in any case) */
    if (b->effect == RBK_EFF_PURE)
        for (int i = 0; i < argc; i++) r.secret |= args[i].secret & (RBK_SECRET | RBK_OPAQUE);
    /* text derived from a secret (upper, replace, trim, a split piece...) is not the registered
     * text: register it too, so that every output masks it (pieces under 4 bytes excepted,
     * or single letters would be masked everywhere) */
    if ((r.secret & RBK_SECRET) && r.t == RBK_T_STRING) register_derived(vm, RBK_AS_STR(r), 0);
    if ((r.secret & RBK_SECRET) && r.t == RBK_T_LIST)
        for (size_t i = 0; i < RBK_AS_LIST(r)->len; i++) {
            rbk_value x = RBK_AS_LIST(r)->items[i];
            if (x.t == RBK_T_STRING) register_derived(vm, RBK_AS_STR(x), 0);
        }
    *out = r;
    return 0;
}

static int invoke(rbk_vm *vm, rbk_value *recv, int argc, const char *name, rbk_value *out) {
    rbk_value r = recv[0];
    if (r.t == RBK_T_MAP && !strcmp(name, "get")) {
        if (argc < 1 || argc > 2) return rbk_vm_error(vm, "`get` takes a key and an optional default");
        if (recv[1].t != RBK_T_STRING) return rbk_vm_error(vm, "a map's keys are strings, not %s", tname(recv[1]));
        if (map_read(vm, r, RBK_AS_STR(recv[1])->data, RBK_AS_STR(recv[1])->len, out, 0)) return -1;
        if (out->t == RBK_T_NIL && argc == 2 && !rbk_map_find(r, RBK_AS_STR(recv[1])->data, RBK_AS_STR(recv[1])->len))
            *out = rbk_ref(recv[2]);
        return 0;
    }
    if (r.t == RBK_T_HANDLE) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_printf(&b, "%s.%s", RBK_AS_HANDLE(r)->cls->name, name);
        int id = rbk_builtin_find(b.data);
        rbk_sbuf_free(&b);
        if (id < 0) return rbk_vm_error(vm, "a %s connection has no method `%s`", RBK_AS_HANDLE(r)->cls->name, name);
        const rbk_builtin *bi = rbk_builtin_get(id);
        if (vm->opts.no_natives) return rbk_vm_error(vm, "native calls are disabled (%s was not called)", bi->name);
        rbk_value args[RBK_SIG_MAX + 1];
        int n = 0;
        for (int i = 0; i <= argc && i < RBK_SIG_MAX; i++) args[n++] = recv[i];
        while (n < bi->nparams) args[n++] = rbk_nil();
        /* the row is found by name each time: method calls on unknown receivers are rare */
        rbk_native_fn fn = rbk_vm_native_fn(vm, id);
        if (!fn) return -1;
        rbk_value res = rbk_nil();
        if (fn(vm, args, n, &res)) return -1;
        if (too_deep(vm, res)) { rbk_unref(res); return -1; }
        *out = res;
        return 0;
    }
    return rbk_vm_error(vm, "a %s has no method `%s`", tname(r), name);
}

/* index i of list or string o, which has len items or bytes, is not there (INDEX, SET_ITEM) */
static int out_of_range(rbk_vm *vm, rbk_value o, int64_t i, int64_t len) {
    return rbk_vm_error(vm, "index %" PRId64 " is out of range: the %s has %" PRId64 " %s", i, tname(o), len,
                        o.t == RBK_T_LIST ? (len == 1 ? "item" : "items") : (len == 1 ? "byte" : "bytes"));
}

static int index_value(rbk_vm *vm, rbk_value o, rbk_value i, rbk_value *out) {
    if (o.t == RBK_T_LIST || o.t == RBK_T_STRING) {
        if (i.t != RBK_T_INT) return rbk_vm_error(vm, "a %s index must be an int, not %s", tname(o), tname(i));
        int64_t len = o.t == RBK_T_LIST ? (int64_t)RBK_AS_LIST(o)->len : (int64_t)RBK_AS_STR(o)->len;
        int64_t k = i.as.i < 0 ? len + i.as.i : i.as.i;
        if (k < 0 || k >= len) return out_of_range(vm, o, i.as.i, len);
        if (o.t == RBK_T_LIST) *out = rbk_ref(RBK_AS_LIST(o)->items[k]);
        else *out = rbk_str_new(RBK_AS_STR(o)->data + k, 1);
        out->secret |= o.secret;
        return 0;
    }
    if (o.t == RBK_T_MAP) {
        if (i.t != RBK_T_STRING) return rbk_vm_error(vm, "a map's keys are strings, not %s", tname(i));
        return map_read(vm, o, RBK_AS_STR(i)->data, RBK_AS_STR(i)->len, out, 1);
    }
    return rbk_vm_error(vm, "a %s cannot be indexed", tname(o));
}

/* SET_ITEM: a secret stored in a container. A string whose text the registry masks (registered
 * here when it is not yet, as register_derived does) is masked wherever the container is shown
 * and keeps its mark on the item, so reading it back is secret and the other items are not; any
 * other secret (a number, a text too short to register, a list) would show in the container's
 * text, so the container it is stored in is marked as a whole. Returns that mark. */
static uint8_t stored_secret(rbk_vm *vm, rbk_value v) {
    if (!(v.secret & RBK_SECRET)) return 0;
    if (v.t == RBK_T_STRING) {
        rbk_str *s = RBK_AS_STR(v);
        register_derived(vm, s, 0);
        if (s->len && rbk_mask_hits(vm->mask, s->data, s->len)) return 0;
    }
    return RBK_SECRET;
}

/* RBK_SECRET when a list or map holds a secret item anywhere inside (not the container's own
 * mark): a comparison or a membership test that looks at the items tells something of them. */
static uint8_t held_secret(rbk_value v) {
    if (v.t != RBK_T_LIST && v.t != RBK_T_MAP) return 0;
    rbk_value *items = v.t == RBK_T_LIST ? RBK_AS_LIST(v)->items : RBK_AS_MAP(v)->vals;
    size_t n = v.t == RBK_T_LIST ? RBK_AS_LIST(v)->len : RBK_AS_MAP(v)->len;
    for (size_t i = 0; i < n; i++)
        if ((items[i].secret & RBK_SECRET) || held_secret(items[i])) return RBK_SECRET;
    return 0;
}

/* A map key that is secret (SET_ITEM, a map literal): a key carries no mark and is shown
 * wherever the map is, so it must be a text the registry masks (registered here when it is
 * 4 bytes or more, as stored_secret does); any other is refused (docs/secrets.md): -1 with
 * the error. */
static int secret_key(rbk_vm *vm, rbk_value k) {
    if (!(k.secret & RBK_SECRET)) return 0;
    rbk_str *s = RBK_AS_STR(k);
    if (!(k.secret & RBK_OPAQUE)) register_derived(vm, s, 0);
    if (s->len && !(k.secret & RBK_OPAQUE) && rbk_mask_hits(vm->mask, s->data, s->len)) return 0;
    return rbk_vm_error(vm, "a map key cannot be a secret that masking would not hide (%s): a map's keys "
                            "are shown wherever the map is; store the secret as a value instead",
                        s->len < 4 ? "a text of fewer than 4 bytes" : "a text that holds a secret masking cannot find");
}

/* SET_ITEM (docs/language.md §5, `m["a"][i] = v`): *c, held by the caller and replaced by the
 * result, with the item at keys[0 .. n-1] set to val (consumed). Lists and maps are values: a
 * level that anything else holds is copied before it changes (excl: nothing else holds *c), so
 * no other variable ever sees the change. Each level is checked before anything changes, and
 * only the last level changes a container it does not own: an error leaves every value as it
 * was. *mark collects what the whole result is marked with (stored_secret). */
static int set_path(rbk_vm *vm, rbk_value *c, const rbk_value *keys, uint32_t n, rbk_value val, int excl, uint8_t *mark) {
    rbk_value k = keys[0];
    if ((c->secret | k.secret) & RBK_UNVERIFIED) {
        /* --dry-run: the container or the key is known only from a write that was not done */
        uint8_t taint = c->secret | k.secret;
        rbk_unref(val);
        rbk_unref(*c);
        return unverified(c, taint);
    }
    size_t at = 0;
    int add = 0; /* a new key of a map */
    if (c->t == RBK_T_LIST) {
        if (k.t != RBK_T_INT) { rbk_unref(val); return rbk_vm_error(vm, "a list index must be an int, not %s", tname(k)); }
        int64_t len = (int64_t)RBK_AS_LIST(*c)->len, i = k.as.i < 0 ? len + k.as.i : k.as.i;
        if (i < 0 || i >= len) { rbk_unref(val); return out_of_range(vm, *c, k.as.i, len); }
        at = (size_t)i;
    } else if (c->t == RBK_T_MAP) {
        if (k.t != RBK_T_STRING) { rbk_unref(val); return rbk_vm_error(vm, "a map's keys are strings, not %s", tname(k)); }
        if (secret_key(vm, k)) { rbk_unref(val); return -1; }
        rbk_str *ks = RBK_AS_STR(k);
        rbk_value *p = rbk_map_find(*c, ks->data, ks->len);
        if (n > 1 && (!p || p->t == RBK_T_LAZY)) {
            /* a level on the way must be there (the error names the keys), read as a read would */
            rbk_value tmp;
            if (map_read(vm, *c, ks->data, ks->len, &tmp, 1)) { rbk_unref(val); return -1; }
            rbk_unref(tmp);
            p = rbk_map_find(*c, ks->data, ks->len);
        }
        if (p) at = (size_t)(p - RBK_AS_MAP(*c)->vals);
        else add = 1;
    } else {
        rbk_unref(val);
        return rbk_vm_error(vm, "cannot set an item of %s%s: only a list's items and a map's entries can be assigned",
                            c->t == RBK_T_INT ? "an " : "a ", tname(*c));
    }
    *mark |= stored_secret(vm, k);
    if (!excl) {
        rbk_value cp = rbk_container_copy(*c);
        rbk_unref(*c);
        *c = cp;
    }
    rbk_value *items = c->t == RBK_T_LIST ? RBK_AS_LIST(*c)->items : RBK_AS_MAP(*c)->vals;
    if (n > 1) {
        /* the item is changed where it lies: this level is the caller's alone now */
        rbk_value *slot = &items[at];
        unsigned was = rbk_nesting(*slot);
        int cx = rbk_is_obj(*slot) && slot->as.o->rc == 1;
        if (set_path(vm, slot, keys + 1, n - 1, val, cx, mark)) return -1;
        rbk_item_changed(*c, was, rbk_nesting(*slot));
        return 0;
    }
    *mark |= stored_secret(vm, val);
    if (add) rbk_map_set(*c, RBK_AS_STR(k)->data, RBK_AS_STR(k)->len, val);
    else if (c->t == RBK_T_LIST) rbk_list_put(*c, at, val);
    else rbk_map_put(*c, (uint32_t)at, val);
    return 0;
}

/* ------------------------------------------------------------------ the loop */
/* Int division and remainder for the fast paths: false (the slow path reports it) for a zero
 * divisor and for INT64_MIN / -1. Operands that both fit in 32 bits unsigned use the 32-bit
 * divide, which is the same result and several times cheaper than the 64-bit one on x86. */
static inline bool int_div(int64_t x, int64_t y, int64_t *z) {
    if (y == 0 || (x == INT64_MIN && y == -1)) return false;
    if ((((uint64_t)x | (uint64_t)y) >> 32) == 0) *z = (int64_t)((uint32_t)x / (uint32_t)y);
    else *z = x / y;
    return true;
}
static inline bool int_mod(int64_t x, int64_t y, int64_t *z) {
    if (y == 0 || (x == INT64_MIN && y == -1)) return false;
    if ((((uint64_t)x | (uint64_t)y) >> 32) == 0) *z = (int64_t)((uint32_t)x % (uint32_t)y);
    else *z = x % y;
    return true;
}
/* Types at or below TIME are plain values; every heap object type is above it, so one
 * compare decides whether a reference count is involved (the hot int paths skip the rest). */
_Static_assert(RBK_T_NIL < RBK_T_TIME && RBK_T_BOOL < RBK_T_TIME && RBK_T_INT < RBK_T_TIME &&
               RBK_T_FLOAT < RBK_T_TIME && RBK_T_DURATION < RBK_T_TIME && RBK_T_STRING > RBK_T_TIME &&
               RBK_T_LIST > RBK_T_TIME && RBK_T_MAP > RBK_T_TIME && RBK_T_HANDLE > RBK_T_TIME && RBK_T_LAZY > RBK_T_TIME,
               "heap object types must sort after the plain ones");
#define MAYBE_OBJ(v) ((v).t > RBK_T_TIME)

/* Store forwarding. A load that a recent store only partly covers (a 16-byte load of a slot
 * just written by 8-byte stores) cannot be served from the store buffer and stalls for ~15
 * cycles; 40 % of the loops kernel's time went to such stalls (docs/benchmarks.md). So the hot
 * instructions load values as two 8-byte words, w0 (t, secret and padding) and w1 (the
 * payload), and store a whole value with one 16-byte store; only the int fast paths update
 * the word(s) that change in place, which the next hot instruction reads as words again. For
 * two ints, the OR of their w0 is the result's w0: t stays RBK_T_INT, the secret bits are or-ed. */
_Static_assert(sizeof(rbk_value) == 16 && offsetof(rbk_value, as) == 8 && offsetof(rbk_value, t) < 8 &&
               offsetof(rbk_value, secret) < 8, "rbk_value is two 8-byte words");
static inline uint64_t vw0(const rbk_value *v) { uint64_t w; memcpy(&w, v, 8); return w; }
static inline uint64_t vw1(const rbk_value *v) { uint64_t w; memcpy(&w, &v->as, 8); return w; }
/* in place, word by word: only for results the hot instructions read back as words */
static inline void vset(rbk_value *d, uint64_t w0, uint64_t w1) { memcpy(d, &w0, 8); memcpy(&d->as, &w1, 8); }
/* a whole value, one 16-byte store */
static inline void vstore(rbk_value *d, uint64_t w0, uint64_t w1) {
#ifdef __GNUC__
    typedef uint64_t u64x2 __attribute__((vector_size(16)));
    u64x2 v = {w0, w1};
    memcpy(d, &v, 16);
#else
    vset(d, w0, w1);
#endif
}
/* keeps GCC from merging the two 8-byte loads of w0 and w1 back into one 16-byte load */
#ifdef __GNUC__
#define VKEEP(w0, w1) __asm__("" : "+r"(w0), "+r"(w1))
#else
#define VKEEP(w0, w1) ((void)0)
#endif
/* *d = *s, loaded as words, stored whole */
static inline void vput(rbk_value *d, const rbk_value *s) {
    uint64_t w0 = vw0(s), w1 = vw1(s);
    VKEEP(w0, w1);
    vstore(d, w0, w1);
}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
_Static_assert(offsetof(rbk_value, t) == 0 && offsetof(rbk_value, secret) == 1, "t and secret lead w0");
/* the words computed in registers: building the value in memory first and copying it would
 * stall the same way */
static inline void vset_bool(rbk_value *d, bool b, uint8_t secret) {
    vset(d, (uint64_t)RBK_T_BOOL | (uint64_t)secret << 8, (uint64_t)b);
}
static inline void vstore_int(rbk_value *d, int64_t i) { vstore(d, (uint64_t)RBK_T_INT, (uint64_t)i); }
#else
static inline void vset_bool(rbk_value *d, bool b, uint8_t secret) {
    *d = rbk_bool(b);
    d->secret = secret;
}
static inline void vstore_int(rbk_value *d, int64_t i) { *d = rbk_int(i); }
#endif

rbk_status rbk_interp_call(rbk_vm *vm, uint32_t fnidx, rbk_value *result) {
#define RBK_OP(name, ops, pop, push, flags, doc) &&L_##name,
    static void *const dispatch[RBK_OP__COUNT] = {
#include "opcodes.def"
    };
#undef RBK_OP
    rbk_unit *u = vm->u;
    rbk_value *const stack = vm->stack;
    rbk_value *const stack_end = stack + vm->stack_cap;
    const int frame_base = vm->nframes;
    const int handler_base = vm->nhandlers;
    const size_t sp_base = vm->sp;
    rbk_function *F = &u->funcs[fnidx];
    rbk_value *bp = stack + sp_base;
    rbk_value *sp;
    const uint8_t *ip;
    /* Polls (check_budget) on every loop's back edge: a backward JUMP, RANGE_LOOP, a CALL_FN
     * (a call tree can be exponential without any loop) and a caught error (a forged unit can
     * loop through its handlers); the verifier admits no other backward jump (docs/bytecode.md).
     * Counting down a register and polling every poll_every-th time keeps the clock read off
     * the hot path; a sandboxed run polls every time, each poll one tick (vm.h, max_ticks). */
    int budget = vm->poll_every;
    rbk_opcode aop = RBK_OP_ADD; /* the operator arith_slow applies */
    rbk_status st = RBK_OK;

    /* + 2: slack above the verified max_stack; the slow path of a fused arithmetic instruction
     * (ADD_I, ADD_L, LADD...) uses one slot of it, pushing the operand it had fused */
    if (bp + F->nlocals + F->max_stack + 2 > stack_end || vm->nframes >= vm->cap_frames) {
        rbk_vm_raise(vm, RBK_E_RUNTIME, "call depth exceeded");
        return RBK_E_RUNTIME;
    }
    for (uint32_t i = 0; i < F->nlocals; i++) bp[i] = rbk_nil();
    if (vm->entry_arg_set) { /* a per-item step's part: its item (vm/instances.c; verified: 1 parameter) */
        vm->entry_arg_set = 0;
        if (F->nlocals) bp[0] = rbk_ref(vm->entry_arg);
    }
    sp = bp + F->nlocals;
    ip = F->code;
    vm->frames[vm->nframes].fn = fnidx;
    vm->frames[vm->nframes].base = bp;
    vm->frames[vm->nframes].nhandlers_at_entry = vm->nhandlers;
    vm->nframes++;
    uint32_t curfn = fnidx;

#define DISPATCH() goto *dispatch[*ip++]
#define A1() (ip += 4, rd32(ip - 4))
#define RAISE() goto error
#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
    DISPATCH();

L_NOP: DISPATCH();
L_CONST: { uint32_t k = A1(); PUSH(rbk_ref(u->consts[k].v)); DISPATCH(); }
L_NIL: PUSH(rbk_nil()); DISPATCH();
L_TRUE: PUSH(rbk_bool(true)); DISPATCH();
L_FALSE: PUSH(rbk_bool(false)); DISPATCH();
L_SMALLINT: { uint32_t k = A1(); vstore_int(sp, (int64_t)k); sp++; DISPATCH(); }
L_POP: { rbk_unref(POP()); DISPATCH(); }
L_DUP: {
    if (MAYBE_OBJ(sp[-1])) (void)rbk_ref(sp[-1]);
    vput(sp, sp - 1);
    sp++;
    DISPATCH();
}
L_GET_LOCAL: {
    uint32_t k = A1();
    rbk_value *s = &bp[k];
    if (MAYBE_OBJ(*s)) (void)rbk_ref(*s);
    vput(sp, s);
    sp++;
    DISPATCH();
}
L_SET_LOCAL: {
    uint32_t k = A1();
    rbk_value *d = &bp[k];
    rbk_value old = rbk_nil();
    old.t = d->t;
    old.as.o = d->as.o;
    sp--;
    vput(d, sp);
    if (MAYBE_OBJ(old)) rbk_unref(old);
    DISPATCH();
}
L_GET_GLOBAL: {
    uint32_t k = A1();
    if (!vm->global_set[k]) {
        const char *lost = rbk_vm_lost_why(vm, k);
        if (lost)
            rbk_vm_error(vm, "`%s` cannot be read after the resume: a step that completed before it set it to %s, which the "
                             "journal does not hold (set it in top-level code, which runs again, or in the step that reads it)",
                         rbk_vm_str(vm, u->global_names[k]), lost);
        else rbk_vm_error(vm, "`%s` is read before it is set", rbk_vm_str(vm, u->global_names[k]));
        RAISE();
    }
    rbk_value *s = &vm->globals[k];
    if (MAYBE_OBJ(*s)) (void)rbk_ref(*s);
    vput(sp, s);
    sp++;
    DISPATCH();
}
L_SET_GLOBAL: {
    uint32_t k = A1();
    rbk_value *d = &vm->globals[k];
    rbk_value old = rbk_nil();
    old.t = d->t;
    old.as.o = d->as.o;
    sp--;
    vput(d, sp);
    vm->global_set[k] = vm->cur_step >= 0 ? 2 : 1; /* 2: a step set it (vm/checkpoint.c) */
    if (MAYBE_OBJ(old)) rbk_unref(old);
    DISPATCH();
}
L_GET_ENV: { uint32_t k = A1(); PUSH(rbk_ref(vm->envvals[k])); DISPATCH(); }
/* Arithmetic. Each operator has an int fast path of its own; the fused forms take the right
 * operand from an immediate (`ADD_I k`) or a local (`ADD_L l`), or the left one from a local
 * (`LADD l`, the top being the right one). Anything but two ints without overflow (and a
 * non-zero divisor) puts the operands on the stack as the unfused sequence would have, and
 * goes through arith_slow with the operator in aop: same results, errors and positions. */
#define INT_ADD(x, y, z) (!__builtin_add_overflow(x, y, z))
#define INT_SUB(x, y, z) (!__builtin_sub_overflow(x, y, z))
#define INT_MUL(x, y, z) (!__builtin_mul_overflow(x, y, z))
#define INT_DIV(x, y, z) int_div(x, y, z)
#define INT_MOD(x, y, z) int_mod(x, y, z)
#define ARITH_OPS(X) X(ADD) X(SUB) X(MUL) X(DIV) X(MOD)
#define ARITH_STACK(NAME)                                                                        \
    L_##NAME: {                                                                                  \
        rbk_value *pa = sp - 2, *pb = sp - 1;                                                    \
        int64_t z;                                                                               \
        if (pa->t == RBK_T_INT && pb->t == RBK_T_INT && INT_##NAME(pa->as.i, pb->as.i, &z)) {    \
            vset(pa, vw0(pa) | vw0(pb), (uint64_t)z);                                            \
            sp--;                                                                                \
            DISPATCH();                                                                          \
        }                                                                                        \
        aop = RBK_OP_##NAME;                                                                     \
        goto arith_slow;                                                                         \
    }                                                                                            \
    L_##NAME##_I: {                                                                              \
        uint32_t k = A1();                                                                       \
        rbk_value *pa = sp - 1;                                                                  \
        int64_t z;                                                                               \
        if (pa->t == RBK_T_INT && INT_##NAME(pa->as.i, (int64_t)k, &z)) {                        \
            pa->as.i = z;                                                                        \
            DISPATCH();                                                                          \
        }                                                                                        \
        vstore_int(sp, (int64_t)k);                                                                \
        sp++;                                                                                    \
        aop = RBK_OP_##NAME;                                                                     \
        goto arith_slow;                                                                         \
    }                                                                                            \
    L_##NAME##_L: {                                                                              \
        uint32_t k = A1();                                                                       \
        rbk_value *pa = sp - 1, *pb = &bp[k];                                                    \
        int64_t z;                                                                               \
        if (pa->t == RBK_T_INT && pb->t == RBK_T_INT && INT_##NAME(pa->as.i, pb->as.i, &z)) {    \
            vset(pa, vw0(pa) | vw0(pb), (uint64_t)z);                                            \
            DISPATCH();                                                                          \
        }                                                                                        \
        PUSH(rbk_ref(*pb));                                                                      \
        aop = RBK_OP_##NAME;                                                                     \
        goto arith_slow;                                                                         \
    }                                                                                            \
    L_L##NAME: {                                                                                 \
        uint32_t k = A1();                                                                       \
        rbk_value *pa = &bp[k], *pb = sp - 1;                                                    \
        int64_t z;                                                                               \
        if (pa->t == RBK_T_INT && pb->t == RBK_T_INT && INT_##NAME(pa->as.i, pb->as.i, &z)) {    \
            vset(pb, vw0(pa) | vw0(pb), (uint64_t)z);                                            \
            DISPATCH();                                                                          \
        }                                                                                        \
        rbk_value b = *pb;                                                                       \
        sp[-1] = rbk_ref(*pa);                                                                   \
        PUSH(b);                                                                                 \
        aop = RBK_OP_##NAME;                                                                     \
        goto arith_slow;                                                                         \
    }
ARITH_OPS(ARITH_STACK)
#undef ARITH_STACK
#undef ARITH_OPS
arith_slow: {
    rbk_value b = sp[-1], a = sp[-2];
    /* `x = x + [..]`: when the list's only other reference is the variable this result is
     * stored into next, appending in place is invisible and turns O(n^2) building into O(n).
     * (docs/internals.md, measured in bench/vm/vm.rb's lists kernel) */
    if (aop == RBK_OP_ADD && a.t == RBK_T_LIST && b.t == RBK_T_LIST && a.as.o->rc == 2 &&
        (ip[0] == RBK_OP_SET_LOCAL || ip[0] == RBK_OP_SET_GLOBAL)) {
        uint32_t k = rd32(ip + 1);
        rbk_value *dst = ip[0] == RBK_OP_SET_LOCAL ? &bp[k] : &vm->globals[k];
        if (dst->t == RBK_T_LIST && dst->as.o == a.as.o && b.as.o != a.as.o) {
            rbk_list *y = RBK_AS_LIST(b);
            for (size_t i = 0; i < y->len; i++) rbk_list_push(a, rbk_ref(y->items[i]));
            rbk_unref(b);
            sp--;
            sp[-1].secret |= b.secret;
            DISPATCH();
        }
    }
    rbk_value r = rbk_nil();
    if (arith(vm, aop, a, b, &r)) RAISE();
    rbk_unref(a); rbk_unref(b);
    sp -= 2;
    PUSH(r);
    DISPATCH();
}
L_NEG: {
    rbk_value a = sp[-1];
    if (a.t == RBK_T_INT) {
        if (a.as.i == INT64_MIN) { rbk_vm_error(vm, "integer overflow: -(%" PRId64 ")", a.as.i); RAISE(); }
        sp[-1].as.i = -a.as.i;
    } else if (a.t == RBK_T_FLOAT) sp[-1].as.f = -a.as.f;
    else if (a.t == RBK_T_DURATION) sp[-1].as.i = -a.as.i;
    else if (!(a.secret & RBK_UNVERIFIED)) { rbk_vm_error(vm, "`-` needs a number or duration, not %s", tname(a)); RAISE(); }
    DISPATCH();
}
L_NOT: {
    if (sp[-1].t != RBK_T_BOOL) {
        if (sp[-1].secret & RBK_UNVERIFIED) DISPATCH();
        rbk_vm_error(vm, "`not` needs a bool, not %s", tname(sp[-1]));
        RAISE();
    }
    sp[-1].as.b = !sp[-1].as.b;
    DISPATCH();
}
L_EQ:
L_NE: {
    if (sp[-2].t == RBK_T_INT && sp[-1].t == RBK_T_INT) {
        bool r = (sp[-2].as.i == sp[-1].as.i) == (ip[-1] == RBK_OP_EQ);
        sp--;
        vset_bool(sp - 1, r, sp[-1].secret | sp[0].secret);
        DISPATCH();
    }
    rbk_value b = sp[-1], a = sp[-2];
    bool eq = rbk_equal(a, b);
    uint8_t sec = a.secret | b.secret | held_secret(a) | held_secret(b); /* [secret(42)] == [42] */
    rbk_unref(a); rbk_unref(b);
    sp -= 2;
    rbk_value r = rbk_bool(ip[-1] == RBK_OP_EQ ? eq : !eq);
    r.secret = sec;
    PUSH(r);
    DISPATCH();
}
L_LT:
L_LE:
L_GT:
L_GE: {
    rbk_opcode op = (rbk_opcode)ip[-1];
    if (sp[-2].t == RBK_T_INT && sp[-1].t == RBK_T_INT) {
        int64_t x = sp[-2].as.i, y = sp[-1].as.i;
        bool r = op == RBK_OP_LT ? x < y : op == RBK_OP_LE ? x <= y : op == RBK_OP_GT ? x > y : x >= y;
        sp--;
        vset_bool(sp - 1, r, sp[-1].secret | sp[0].secret);
        DISPATCH();
    }
    rbk_value b = sp[-1], a = sp[-2];
    int c;
    if ((a.secret | b.secret) & RBK_UNVERIFIED) c = 0;
    else if (!rbk_compare(a, b, &c)) { rbk_vm_error(vm, "cannot compare %s with %s", tname(a), tname(b)); RAISE(); }
    bool r = op == RBK_OP_LT ? c < 0 : op == RBK_OP_LE ? c <= 0 : op == RBK_OP_GT ? c > 0 : c >= 0;
    uint8_t sec = a.secret | b.secret;
    rbk_unref(a); rbk_unref(b);
    sp -= 2;
    rbk_value rv = rbk_bool(r);
    rv.secret = sec;
    PUSH(rv);
    DISPATCH();
}
L_CONTAINS:
L_IN: {
    rbk_value b = sp[-1], a = sp[-2];
    int r = 0;
    if (((a.secret | b.secret) & RBK_UNVERIFIED) == 0 && (ip[-1] == RBK_OP_CONTAINS ? op_contains(vm, a, b, &r) : op_contains(vm, b, a, &r))) RAISE();
    /* 42 in [secret(42)] tells the item; a map's keys carry no mark (and `k in m` stays O(1)) */
    rbk_value hay = ip[-1] == RBK_OP_CONTAINS ? a : b, needle = ip[-1] == RBK_OP_CONTAINS ? b : a;
    uint8_t sec = a.secret | b.secret | held_secret(needle) | (hay.t == RBK_T_LIST ? held_secret(hay) : 0);
    rbk_unref(a); rbk_unref(b);
    sp -= 2;
    rbk_value rv = rbk_bool(r);
    rv.secret = sec;
    PUSH(rv);
    DISPATCH();
}
L_MATCHES: {
    rbk_value b = sp[-1], a = sp[-2];
    int r = 0;
    if (!((a.secret | b.secret) & RBK_UNVERIFIED)) { /* unverified: the result is too */
        if (a.t != RBK_T_STRING || b.t != RBK_T_STRING) {
            rbk_vm_error(vm, "`matches` needs a string and a pattern string, not %s and %s", tname(a), tname(b));
            RAISE();
        }
        if (regex_match(vm, RBK_AS_STR(a), RBK_AS_STR(b), b.secret & RBK_SECRET, &r)) RAISE();
    }
    uint8_t sec = a.secret | b.secret;
    rbk_unref(a); rbk_unref(b);
    sp -= 2;
    rbk_value rv = rbk_bool(r);
    rv.secret = sec;
    PUSH(rv);
    DISPATCH();
}
L_RANGE: {
    rbk_value b = sp[-1], a = sp[-2];
    if (a.t != RBK_T_INT || b.t != RBK_T_INT) { rbk_vm_error(vm, "a range needs ints, not %s and %s", tname(a), tname(b)); RAISE(); }
    if (b.as.i >= a.as.i && (uint64_t)(b.as.i - a.as.i) >= 10000000u) {
        rbk_vm_error(vm, "the range %" PRId64 "..%" PRId64 " is too large for a list (loop over it with `for` instead)", a.as.i, b.as.i);
        RAISE();
    }
    rbk_value l = rbk_list_new(b.as.i >= a.as.i ? (size_t)(b.as.i - a.as.i + 1) : 0);
    for (int64_t i = a.as.i; i <= b.as.i; i++) rbk_list_push(l, rbk_int(i));
    sp -= 2;
    PUSH(l);
    DISPATCH();
}
L_JUMP: {
    int32_t rel = (int32_t)A1();
    ip += rel;
    if (rel < 0 && --budget == 0 && poll_again(vm, &budget)) RAISE();
    DISPATCH();
}
L_JUMP_IF_FALSE: {
    int32_t rel = (int32_t)A1();
    sp--;
    if (sp->t == RBK_T_BOOL && !(sp->secret & RBK_UNVERIFIED)) { /* fields, not the whole value (see vw0) */
        if (!sp->as.b) ip += rel;
        DISPATCH();
    }
    rbk_value c = *sp;
    if (c.secret & RBK_UNVERIFIED) {
        /* --dry-run: a condition on the result of a skipped write cannot be decided; the
         * guarded block is not run (its expectations would be unverified anyway) */
        dry_condition(vm);
        rbk_unref(c);
        ip += rel;
        DISPATCH();
    }
    if (c.t != RBK_T_BOOL) {
        rbk_vm_error(vm, "a condition must be a bool, not %s", tname(c));
        rbk_unref(c);
        RAISE();
    }
    if (!c.as.b) ip += rel;
    DISPATCH();
}
L_AND_JUMP:
L_OR_JUMP: {
    int32_t rel = (int32_t)A1();
    if (sp[-1].secret & RBK_UNVERIFIED) { ip += rel; DISPATCH(); } /* the unverified value is the result */
    if (sp[-1].t != RBK_T_BOOL) { rbk_vm_error(vm, "`%s` needs bools, not %s", ip[-5] == RBK_OP_AND_JUMP ? "and" : "or", tname(sp[-1])); RAISE(); }
    if (ip[-5] == RBK_OP_AND_JUMP ? !sp[-1].as.b : sp[-1].as.b) ip += rel;
    DISPATCH();
}
L_LIST: {
    uint32_t n = A1();
    rbk_value l = rbk_list_new(n);
    for (uint32_t i = 0; i < n; i++) rbk_list_push(l, sp[-(int)n + (int)i]);
    sp -= n;
    if (too_deep(vm, l)) { rbk_unref(l); RAISE(); } /* `l = [l]` in a loop */
    PUSH(l);
    DISPATCH();
}
L_MAP: {
    uint32_t n = A1();
    rbk_value m = rbk_map_new(n);
    rbk_value *kv = sp - 2 * n;
    for (uint32_t i = 0; i < n; i++) {
        if (kv[2 * i].t != RBK_T_STRING) {
            rbk_vm_error(vm, "a map key must be a string, not %s", tname(kv[2 * i]));
            rbk_unref(m);
            RAISE();
        }
        if (secret_key(vm, kv[2 * i])) { rbk_unref(m); RAISE(); }
    }
    for (uint32_t i = 0; i < n; i++) {
        rbk_map_set(m, RBK_AS_STR(kv[2 * i])->data, RBK_AS_STR(kv[2 * i])->len, kv[2 * i + 1]);
        rbk_unref(kv[2 * i]);
    }
    sp -= 2 * n;
    if (too_deep(vm, m)) { rbk_unref(m); RAISE(); }
    PUSH(m);
    DISPATCH();
}
L_FIELD: {
    uint32_t k = A1();
    rbk_value o = sp[-1];
    rbk_str *name = RBK_AS_STR(u->consts[k].v);
    if (o.secret & RBK_UNVERIFIED) {
        rbk_unref(o);
        unverified(&sp[-1], o.secret);
        DISPATCH();
    }
    if (o.t != RBK_T_MAP) {
        rbk_vm_error(vm, "cannot read field `%s` of %s%s", name->data, o.t == RBK_T_INT ? "an " : "a ", tname(o));
        RAISE();
    }
    rbk_value r = rbk_nil();
    if (map_read(vm, o, name->data, name->len, &r, 1)) RAISE();
    rbk_unref(o);
    sp[-1] = r;
    DISPATCH();
}
L_INDEX: {
    rbk_value i = sp[-1], o = sp[-2];
    rbk_value r = rbk_nil();
    if ((o.secret | i.secret) & RBK_UNVERIFIED) unverified(&r, o.secret | i.secret);
    else if (index_value(vm, o, i, &r)) RAISE();
    rbk_unref(o); rbk_unref(i);
    sp -= 2;
    PUSH(r);
    DISPATCH();
}
L_SET_ITEM: {
    uint32_t n = A1();
    rbk_value *base = sp - n - 2, *c = sp - 1;
    rbk_value val = sp[-2];
    if (rbk_nesting(val) + n > RBK_MAX_NESTING) { too_deep_error(vm); RAISE(); } /* the result nests val n levels down */
    sp[-2] = rbk_nil(); /* set_path takes it */
    /* Nothing else holds the container, or only the variable the result is stored into next
     * (`x[i] = v` is `x = x with [i] set to v`): changed in place, so that assigning the items
     * of a list one by one is not quadratic (as for `x = x + [..]`, arith_slow). */
    int excl = 0;
    if (c->t == RBK_T_LIST || c->t == RBK_T_MAP) {
        excl = c->as.o->rc == 1;
        if (c->as.o->rc == 2 && (ip[0] == RBK_OP_SET_LOCAL || ip[0] == RBK_OP_SET_GLOBAL)) {
            uint32_t k = rd32(ip + 1);
            rbk_value *dst = ip[0] == RBK_OP_SET_LOCAL ? &bp[k] : &vm->globals[k];
            excl = dst->t == c->t && dst->as.o == c->as.o;
        }
    }
    uint8_t mark = 0;
    if (set_path(vm, c, base, n, val, excl, &mark)) RAISE();
    rbk_value r = *c;
    r.secret |= mark;
    for (uint32_t i = 0; i < n; i++) rbk_unref(base[i]);
    base[0] = r;
    sp = base + 1;
    DISPATCH();
}
L_INTERP: {
    uint32_t n = A1();
    rbk_sbuf s = RBK_SBUF_INIT;
    uint8_t sec = 0;
    for (uint32_t i = 0; i < n; i++) {
        rbk_value v = sp[-(int)n + (int)i];
        if (s.len >= RBK_TEXT_MAX) ; /* too long already: only the references are dropped */
        else if (v.t == RBK_T_STRING) rbk_sbuf_add(&s, RBK_AS_STR(v)->data, RBK_AS_STR(v)->len);
        else if (v.secret & RBK_UNVERIFIED) rbk_sbuf_adds(&s, "<dry-run>");
        else rbk_value_str(&s, v);
        sec |= rbk_vm_text_mark(vm, v); /* opaque when a piece the registry does not mask is in it */
        rbk_unref(v);
    }
    sp -= n;
    if (s.len >= RBK_TEXT_MAX) {
        rbk_sbuf_free(&s);
        rbk_vm_text_too_long(vm, NULL);
        RAISE();
    }
    rbk_value r = rbk_str_take_sbuf(&s);
    r.secret = sec;
    PUSH(r);
    DISPATCH();
}
L_SHQUOTE:
    if (sh_quote_top(vm, &sp[-1], RBK_SH_WORD)) RAISE();
    DISPATCH();
L_SHQUOTE_IN: {
    uint32_t ctx = A1();
    if (sh_quote_top(vm, &sp[-1], (int)ctx)) RAISE();
    DISPATCH();
}
L_SHHEREDOC: {
    uint32_t k = A1(), flags = A1();
    rbk_value v = sp[-1];
    rbk_str *delim = RBK_AS_STR(u->consts[k].v);
    /* a line built from a write the dry run skipped is not the real text: nothing to check */
    if (v.t == RBK_T_STRING && !(v.secret & RBK_UNVERIFIED) &&
        !rbk_sh_heredoc_line_ok(RBK_AS_STR(v)->data, RBK_AS_STR(v)->len, delim->data, delim->len, flags)) {
        rbk_vm_error(vm, "a value interpolated into the here-document makes a line that is its delimiter `%s`, "
                         "which would end the body there and run the rest as commands", delim->data);
        RAISE();
    }
    DISPATCH();
}
L_URLQUOTE: {
    uint32_t ctx = A1();
    rbk_value v = sp[-1];
    rbk_sbuf t = RBK_SBUF_INIT, q = RBK_SBUF_INIT;
    register_marked(vm, v, 0); /* then its percent-encoded form in the URL is masked too */
    if (value_text(vm, v, &t)) RAISE();
    const char *why = NULL;
    /* a value a dry run did not compute is not the real text: encoded, never refused */
    int c = (v.secret & RBK_UNVERIFIED) && ctx >= RBK_URL_HOST ? RBK_URL_PATH : (int)ctx;
    if (rbk_url_quote_in(&q, c, rbk_sbuf_cstr(&t), t.len, &why)) {
        rbk_sbuf_free(&t);
        rbk_sbuf_free(&q);
        rbk_vm_error(vm, "%s", why);
        RAISE();
    }
    rbk_sbuf_free(&t);
    take_quoted(vm, &sp[-1], &q);
    DISPATCH();
}
L_URLSEG: {
    rbk_value v = sp[-1];
    if (v.t == RBK_T_STRING && !(v.secret & RBK_UNVERIFIED) &&
        !rbk_url_segment_ok(RBK_AS_STR(v)->data, RBK_AS_STR(v)->len)) {
        rbk_vm_error(vm, "a value interpolated into the URL's path makes a segment that is empty, `.` or `..`, "
                         "which would reach another path than the one written");
        RAISE();
    }
    DISPATCH();
}
L_REQUOTE: {
    rbk_value v = sp[-1];
    rbk_sbuf t = RBK_SBUF_INIT, q = RBK_SBUF_INIT;
    if (value_text(vm, v, &t)) RAISE();
    if (rbk_re_quote(&q, rbk_sbuf_cstr(&t), t.len)) {
        rbk_sbuf_free(&t);
        rbk_sbuf_free(&q);
        rbk_vm_error(vm, "a value interpolated into the pattern is not valid UTF-8, which a pattern cannot hold "
                         "(to find bytes, use `contains`)");
        RAISE();
    }
    rbk_sbuf_free(&t);
    take_quoted(vm, &sp[-1], &q);
    DISPATCH();
}
L_SQLIDENT: {
    rbk_value v = sp[-1];
    rbk_sbuf t = RBK_SBUF_INIT, q = RBK_SBUF_INIT;
    register_marked(vm, v, 0);
    if (value_text(vm, v, &t)) RAISE();
    if (memchr(rbk_sbuf_cstr(&t), 0, t.len) || t.len == 0) {
        rbk_sbuf_free(&t);
        rbk_vm_error(vm, "an SQL identifier cannot be empty or contain a NUL byte");
        RAISE();
    }
    rbk_sbuf_addc(&q, '"');
    for (size_t i = 0; i < t.len; i++) {
        if (t.data[i] == '"') rbk_sbuf_addc(&q, '"');
        rbk_sbuf_addc(&q, t.data[i]);
    }
    rbk_sbuf_addc(&q, '"');
    rbk_sbuf_free(&t);
    take_quoted(vm, &sp[-1], &q);
    DISPATCH();
}
L_CALL: {
    uint32_t n = A1();
    (void)n;
    rbk_vm_error(vm, "calling a function value is not supported in this version");
    RAISE();
}
L_CALL_FN: {
    uint32_t f = A1(), n = A1();
    rbk_function *G = &u->funcs[f];
    rbk_value *nbp = sp - n;
    if (--budget == 0 && poll_again(vm, &budget)) RAISE();
    if (nbp + G->nlocals + G->max_stack + 2 > stack_end || vm->nframes >= vm->cap_frames) { /* + 2: see above */
        rbk_vm_error(vm, "call depth exceeded (calling %s)", rbk_vm_str(vm, G->name));
        RAISE();
    }
    vm->frames[vm->nframes - 1].ip = ip;
    for (uint32_t i = 0; i < n; i++) vput(&nbp[i], &nbp[i]); /* arguments become locals: whole stores (see vw0) */
    for (uint32_t i = n; i < G->nlocals; i++) nbp[i] = rbk_nil();
    vm->frames[vm->nframes].fn = f;
    vm->frames[vm->nframes].base = nbp;
    vm->frames[vm->nframes].nhandlers_at_entry = vm->nhandlers;
    vm->nframes++;
    F = G;
    curfn = f;
    bp = nbp;
    sp = bp + G->nlocals;
    ip = G->code;
    DISPATCH();
}
L_CALL_NATIVE: {
    uint32_t n = A1(), argc = A1();
    rbk_value *args = sp - argc;
    rbk_value r = rbk_nil();
    vm->frames[vm->nframes - 1].ip = ip;
    vm->sp = (size_t)(sp - stack);
    if (call_native(vm, n, args, (int)argc, &r)) RAISE();
    for (uint32_t i = 0; i < argc; i++) rbk_unref(args[i]);
    sp = args;
    PUSH(r);
    DISPATCH();
}
L_INVOKE: {
    uint32_t k = A1(), argc = A1();
    rbk_value *recv = sp - argc - 1;
    rbk_value r = rbk_nil();
    if (invoke(vm, recv, (int)argc, RBK_AS_STR(u->consts[k].v)->data, &r)) RAISE();
    for (uint32_t i = 0; i <= argc; i++) rbk_unref(recv[i]);
    sp = recv;
    PUSH(r);
    DISPATCH();
}
L_RETURN: {
    sp--;
    uint64_t r0 = vw0(sp), r1 = vw1(sp); /* the result, loaded as words (see vw0) */
    VKEEP(r0, r1);
    for (rbk_value *p = bp; p < sp; p++) rbk_unref(*p);
    vm->nframes--;
    if (vm->nframes == frame_base) {
        vstore(result, r0, r1);
        vm->sp = sp_base;
        return RBK_OK;
    }
    sp = bp;
    rbk_frame *fr = &vm->frames[vm->nframes - 1];
    curfn = fr->fn;
    F = &u->funcs[curfn];
    bp = fr->base;
    ip = fr->ip;
    vstore(sp, r0, r1);
    sp++;
    DISPATCH();
}
L_FOR_PREP: {
    uint32_t l = A1();
    rbk_value it = POP();
    if (it.secret & RBK_UNVERIFIED) { /* --dry-run: nothing known to iterate over */
        rbk_unref(it);
        it = rbk_list_new(0);
    }
    if (it.t != RBK_T_LIST && it.t != RBK_T_MAP) {
        rbk_vm_error(vm, "`for` iterates over a list, a map or a range, not %s", tname(it));
        rbk_unref(it);
        RAISE();
    }
    rbk_unref(bp[l]);
    rbk_unref(bp[l + 1]);  /* may still hold an earlier block's local */
    bp[l] = it;
    bp[l + 1] = rbk_int(0);
    DISPATCH();
}
L_FOR_NEXT:
L_FOR_NEXT2: {
    int two = ip[-1] == RBK_OP_FOR_NEXT2;
    uint32_t l = A1(), v = A1();
    int32_t rel = (int32_t)A1();
    rbk_value it = bp[l];
    int64_t i = bp[l + 1].as.i;
    if (it.t == RBK_T_LIST) {
        rbk_list *L = RBK_AS_LIST(it);
        if ((size_t)i >= L->len) { ip += rel; DISPATCH(); }
        /* the taint only when there is one: a byte store into the slot just written would
         * stall the next read of the whole value (see vw0) */
        if (two) {
            rbk_unref(bp[v]); bp[v] = rbk_int(i);
            rbk_unref(bp[v + 1]); bp[v + 1] = rbk_ref(L->items[i]);
            if (it.secret) bp[v + 1].secret |= it.secret;
        } else {
            rbk_unref(bp[v]); bp[v] = rbk_ref(L->items[i]);
            if (it.secret) bp[v].secret |= it.secret;
        }
    } else {
        if (it.t != RBK_T_MAP) { ip += rel; DISPATCH(); } /* only in a forged unit (no FOR_PREP) */
        rbk_map *M = RBK_AS_MAP(it);
        if ((size_t)i >= M->len) { ip += rel; DISPATCH(); }
        rbk_str *key = rbk_map_key(M, i);
        rbk_value kv = rbk_str_new(key->data, key->len);
        kv.secret |= it.secret;
        rbk_unref(bp[v]);
        bp[v] = kv;
        if (two) {
            rbk_value val;
            if (map_read(vm, it, key->data, key->len, &val, 1)) RAISE();
            rbk_unref(bp[v + 1]);
            bp[v + 1] = val;
        }
    }
    vstore_int(&bp[l + 1], i + 1); /* the whole value: see RANGE_NEXT */
    DISPATCH();
}
L_RANGE_PREP: {
    uint32_t l = A1();
    rbk_value to = POP(), from = POP();
    if (from.t != RBK_T_INT || to.t != RBK_T_INT) {
        rbk_vm_error(vm, "a range needs ints, not %s and %s", tname(from), tname(to));
        rbk_unref(from); rbk_unref(to);
        RAISE();
    }
    rbk_unref(bp[l]);      /* the slots may still hold an earlier block's locals */
    rbk_unref(bp[l + 1]);
    bp[l] = from;
    bp[l + 1] = to;
    DISPATCH();
}
L_RANGE_NEXT: {
    uint32_t l = A1(), v = A1();
    int32_t rel = (int32_t)A1();
    int64_t cur = bp[l].as.i, to = bp[l + 1].as.i;
    if (cur > to) { ip += rel; DISPATCH(); }
    rbk_value old = rbk_nil();
    old.t = bp[v].t;
    old.as.o = bp[v].as.o;
    vstore_int(&bp[v], cur);
    if (MAYBE_OBJ(old)) rbk_unref(old);
    /* whole values are stored (not just .as.i): in a forged unit the hidden slots may hold an
     * object, whose pointer must not be overwritten with a number */
    if (cur == to) vstore_int(&bp[l + 1], cur - 1); /* done after this one, without overflowing */
    else vstore_int(&bp[l], cur + 1);
    DISPATCH();
}
L_RANGE_LOOP: {
    uint32_t l = A1(), v = A1();
    int32_t rel = (int32_t)A1();
    int64_t cur = bp[l].as.i, to = bp[l + 1].as.i;
    if (cur > to) DISPATCH();
    /* the backward jump of a loop: poll here, as JUMP does (the error's position is this
     * instruction's, the range) */
    if (--budget == 0 && poll_again(vm, &budget)) RAISE();
    rbk_value old = rbk_nil();
    old.t = bp[v].t;
    old.as.o = bp[v].as.o;
    vstore_int(&bp[v], cur);
    if (MAYBE_OBJ(old)) rbk_unref(old);
    if (cur == to) vstore_int(&bp[l + 1], cur - 1); /* as RANGE_NEXT */
    else vstore_int(&bp[l], cur + 1);
    ip += rel;
    DISPATCH();
}
L_TRACE: {
    uint32_t k = A1();
    if (k < u->funcs[curfn].ntrace) { /* the verifier checks it */
        size_t i = vm->trace_base[curfn] + k;
        if (vm->trace_set[i]) rbk_unref(vm->trace[i]);
        vm->trace[i] = rbk_ref(sp[-1]);
        vm->trace_set[i] = 1;
    }
    DISPATCH();
}
L_TRACE_RESET: trace_clear(vm, curfn); DISPATCH();
L_EXPECT:
L_STOP_IF: {
    int is_stop = ip[-1] == RBK_OP_STOP_IF;
    uint32_t e = A1();
    rbk_value msg = POP(), c = POP();
    if (c.secret & RBK_UNVERIFIED) {
        /* --dry-run: the condition depends on a write that was not done: neither passed nor
         * failed (docs/cli.md) */
        vm->frames[vm->nframes - 1].ip = ip;
        rbk_sbuf why = RBK_SBUF_INIT;
        rbk_sbuf_adds(&why, "depends on a write the dry run did not do; ");
        rbk_vm_dry_depends(vm, &why);
        emit_expect(vm, e, "unverified", msg, rbk_sbuf_cstr(&why), curfn, ip - 1);
        rbk_sbuf_free(&why);
        rbk_unref(msg); rbk_unref(c);
        DISPATCH();
    }
    if (c.t != RBK_T_BOOL) {
        rbk_vm_error(vm, "%s must be a bool, not %s", is_stop ? "a stop-if condition" : "an expectation", tname(c));
        rbk_unref(msg); rbk_unref(c);
        trace_clear(vm, curfn);
        RAISE();
    }
    vm->frames[vm->nframes - 1].ip = ip;
    if (c.as.b == is_stop && vm->opts.dry_run && vm->dry_skipped) {
        /* --dry-run: it does not hold, but a write skipped before it may be why (dry_skip) */
        rbk_sbuf why = RBK_SBUF_INIT;
        rbk_vm_dry_depends(vm, &why);
        emit_expect(vm, e, "unverified", msg, rbk_sbuf_cstr(&why), curfn, ip - 1);
        rbk_sbuf_free(&why);
        rbk_unref(msg);
        DISPATCH();
    }
    if (!is_stop) {
        emit_expect(vm, e, c.as.b ? "passed" : "failed", msg, NULL, curfn, ip - 1);
        if (!c.as.b) {
            rbk_sbuf m = RBK_SBUF_INIT;
            rbk_sbuf_printf(&m, "expectation failed: %s", rbk_vm_str(vm, u->expects[e].source));
            if (msg.t == RBK_T_STRING) { rbk_sbuf_adds(&m, " — "); rbk_vm_render_value(vm, &m, msg, 0); }
            rbk_vm_raise(vm, RBK_E_FAIL, "%s", rbk_sbuf_cstr(&m));
            rbk_sbuf_free(&m);
            vm->err_expect = (int)e;
            rbk_unref(msg);
            RAISE();
        }
    } else {
        if (c.as.b) {
            emit_expect(vm, e, "stopped", msg, NULL, curfn, ip - 1);
            rbk_sbuf m = RBK_SBUF_INIT;
            rbk_sbuf_printf(&m, "stop-if %s", rbk_vm_str(vm, u->expects[e].source));
            if (msg.t == RBK_T_STRING) { rbk_sbuf_adds(&m, " — "); rbk_vm_render_value(vm, &m, msg, 0); }
            rbk_vm_raise(vm, RBK_E_STOP, "%s", rbk_sbuf_cstr(&m));
            rbk_sbuf_free(&m);
            vm->err_expect = (int)e;
            rbk_unref(msg);
            RAISE();
        }
        emit_expect(vm, e, "clear", msg, NULL, curfn, ip - 1);
    }
    rbk_unref(msg);
    DISPATCH();
}
L_FAIL: {
    rbk_value msg = POP();
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_vm_render_value(vm, &m, msg, 0);
    rbk_vm_raise(vm, RBK_E_FAIL, "%s", rbk_sbuf_cstr(&m));
    rbk_sbuf_free(&m);
    rbk_unref(msg);
    RAISE();
}
L_WITHIN_BEGIN: {
    uint32_t l = A1();
    rbk_value p = POP(), d = POP();
    if (d.t != RBK_T_DURATION || p.t != RBK_T_DURATION) {
        rbk_vm_error(vm, "`within` and `every` need durations, not %s and %s", tname(d), tname(p));
        rbk_unref(p); rbk_unref(d); /* popped: the unwind no longer sees them */
        RAISE();
    }
    rbk_unref(bp[l]);      /* the slots may still hold an earlier block's locals */
    rbk_unref(bp[l + 1]);
    bp[l] = rbk_int(deadline_after(rbk_time_scaled(vm->opts.time_scale, d.as.i))); /* --time-scale: real time */
    bp[l + 1] = rbk_duration(p.as.i > 0 ? rbk_time_scaled(vm->opts.time_scale, p.as.i) : 1);
    DISPATCH();
}
L_WITHIN_POLL: {
    uint32_t l = A1(), e = A1();
    int32_t rel = (int32_t)A1();
    rbk_value msg = POP(), r = POP();
    const uint8_t *here = ip - 13;
    vm->frames[vm->nframes - 1].ip = ip;
    /* this poll's outcome only: the error its handler caught, taken here (never an earlier
     * poll's or attempt's, nor one a fn called from the condition caught in a `within` of its own) */
    uint32_t caught_pc = vm->caught_pc[curfn];
    vm->caught_pc[curfn] = RBK_NONE;
    rbk_sbuf last = RBK_SBUF_INIT;
    if (caught_pc != RBK_NONE) {
        /* r is the error's text (pushed by the handler): the value of what raised it */
        trace_error(vm, e, curfn, caught_pc, r);
        rbk_vm_render_value(vm, &last, r, 0);
    } else if (r.secret & RBK_UNVERIFIED) {
        rbk_sbuf_adds(&last, "depends on a write the dry run did not do");
    } else if (r.t == RBK_T_BOOL && r.as.b) {
        emit_expect(vm, e, "passed", msg, NULL, curfn, here);
        rbk_unref(msg);
        rbk_sbuf_free(&last);
        DISPATCH();
    } else if (r.t != RBK_T_BOOL) {
        rbk_sbuf_printf(&last, "the condition is %s, not bool", tname(r));
    } else {
        rbk_sbuf_adds(&last, "false");
    }
    if (vm->opts.dry_run && vm->dry_skipped) {
        /* --dry-run: not true, after a skipped write: polling would only wait for what the
         * write would have done. Unverified after this one evaluation (dry_skip). */
        rbk_sbuf why = RBK_SBUF_INIT;
        rbk_sbuf_printf(&why, "not polled: %s%s; ", caught_pc != RBK_NONE ? "error: " : "", rbk_sbuf_cstr(&last));
        rbk_vm_dry_depends(vm, &why);
        emit_expect(vm, e, "unverified", msg, rbk_sbuf_cstr(&why), curfn, here);
        rbk_sbuf_free(&why);
        rbk_sbuf_free(&last);
        rbk_unref(msg);
        rbk_unref(r);
        DISPATCH();
    }
    int64_t now = rbk_now_ms(), deadline = bp[l].as.i, period = bp[l + 1].as.i;
    if (now < deadline) {
        trace_clear(vm, curfn); /* the next poll traces its own */
        emit_poll(vm, deadline - now, rbk_sbuf_cstr(&last));
        rbk_sbuf_free(&last);
        rbk_unref(msg);
        rbk_unref(r);
        int64_t nap = period < deadline - now ? period : deadline - now;
        if (vm_sleep(vm, nap) != RBK_OK) RAISE();
        ip += rel;
        DISPATCH();
    }
    rbk_sbuf extra = RBK_SBUF_INIT;
    rbk_sbuf_adds(&extra, "still not true when the `within` time ran out");
    if (caught_pc != RBK_NONE) rbk_sbuf_printf(&extra, " (last error: %s)", rbk_sbuf_cstr(&last));
    emit_expect(vm, e, "failed", msg, rbk_sbuf_cstr(&extra), curfn, here);
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_sbuf_printf(&m, "expectation failed: %s — %s", rbk_vm_str(vm, u->expects[e].source), rbk_sbuf_cstr(&extra));
    if (msg.t == RBK_T_STRING) { rbk_sbuf_adds(&m, " — "); rbk_vm_render_value(vm, &m, msg, 0); }
    rbk_vm_raise(vm, RBK_E_FAIL, "%s", rbk_sbuf_cstr(&m));
    vm->err_expect = (int)e;
    rbk_sbuf_free(&m);
    rbk_sbuf_free(&extra);
    rbk_sbuf_free(&last);
    rbk_unref(msg);
    rbk_unref(r);
    RAISE();
}
L_PROTECT: {
    int32_t rel = (int32_t)A1();
    if (vm->nhandlers == vm->cap_handlers) {
        vm->cap_handlers = vm->cap_handlers ? vm->cap_handlers * 2 : 8;
        vm->handlers = rbk_xrealloc(vm->handlers, sizeof(rbk_handler) * (size_t)vm->cap_handlers);
    }
    rbk_handler *h = &vm->handlers[vm->nhandlers++];
    h->frame = vm->nframes - 1;
    h->sp = (size_t)(sp - stack);
    h->target = ip + rel;
    vm->caught_pc[curfn] = RBK_NONE; /* a new poll: nothing caught yet */
    DISPATCH();
}
L_UNPROTECT: if (vm->nhandlers > handler_base) vm->nhandlers--; DISPATCH();
L_WATCH_BEGIN: {
    uint32_t l = A1();
    rbk_value p = POP(), d = POP();
    if (d.t != RBK_T_DURATION || p.t != RBK_T_DURATION) {
        rbk_vm_error(vm, "`watch` needs durations, not %s and %s", tname(d), tname(p));
        rbk_unref(p); rbk_unref(d); /* popped: the unwind no longer sees them */
        RAISE();
    }
    rbk_unref(bp[l]);      /* as WITHIN_BEGIN */
    rbk_unref(bp[l + 1]);
    /* --dry-run after a skipped write: what it would watch has not happened; the body runs once */
    int once = vm->opts.no_wait || (vm->opts.dry_run && vm->dry_skipped);
    if (once && !vm->opts.no_wait) rbk_vm_note(vm, "dry run: `watch` evaluates its block once (a write it would watch was skipped)");
    /* a wait of the run like wait(): its WAIT event, and a resume keeps the window's deadline
     * (what is left of it: the time the run was down counts, unwatched; the block still runs) */
    int64_t left = 0;
    if (!once) {
        vm->frames[vm->nframes - 1].ip = ip;
        left = rbk_vm_wait_announce(vm, d.as.i, "watch", NULL, NULL, NULL, NULL);
    }
    bp[l] = rbk_int(once ? rbk_now_ms() : deadline_after(left));
    bp[l + 1] = rbk_duration(p.as.i > 0 ? rbk_time_scaled(vm->opts.time_scale, p.as.i) : 1);
    DISPATCH();
}
L_WATCH_NEXT: {
    uint32_t l = A1();
    int32_t rel = (int32_t)A1();
    int64_t now = rbk_now_ms(), deadline = bp[l].as.i, period = bp[l + 1].as.i;
    if (now >= deadline) DISPATCH();
    emit_poll(vm, deadline - now, "watching");
    int64_t nap = period < deadline - now ? period : deadline - now;
    vm->frames[vm->nframes - 1].ip = ip;
    if (vm_sleep(vm, nap) != RBK_OK) RAISE();
    ip += rel;
    DISPATCH();
}
L_STEP: {
    uint32_t s = A1();
    vm->frames[vm->nframes - 1].ip = ip;
    vm->sp = (size_t)(sp - stack);
    int halt = rbk_steps_run(vm, s);
    vm->sp = sp_base;
    if (halt) { st = RBK_HALT; goto unwind_all; }
    DISPATCH();
}
L_SECTION: {
    uint32_t k = A1();
    rbk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = RBK_EV_SECTION;
    ev.step = -1;
    ev.text = rbk_vm_str(vm, k);
    rbk_vm_emit(vm, &ev);
    DISPATCH();
}
L_HALT: {
    st = RBK_OK;
    *result = rbk_nil();
    goto unwind_all;
}

error: {
    st = vm->err_status ? vm->err_status : RBK_E_RUNTIME;
    if (!vm->err_has_pos) {
        uint32_t file, off;
        uint32_t pc = (uint32_t)(ip - 1 - u->funcs[curfn].code);
        if (rbk_bc_position(u, curfn, pc, &file, &off) == 0) {
            vm->err_has_pos = 1;
            vm->err_file = file;
            vm->err_off = off;
        }
    }
    /* a catch is a back edge too: poll; a poll's error is not caught */
    if (st == RBK_E_RUNTIME && vm->nhandlers > handler_base && --budget == 0 && poll_again(vm, &budget)) {
        st = vm->err_status;
        goto unwind_all;
    }
    if (st == RBK_E_RUNTIME && vm->nhandlers > handler_base) {
        rbk_handler h = vm->handlers[--vm->nhandlers];
        /* where the handler's frame was when the error was raised: at the instruction that
         * raised it, or at the call that led to the frame that did (its saved ip) */
        rbk_frame *hf = &vm->frames[h.frame];
        const uint8_t *at = vm->nframes - 1 == h.frame ? ip : hf->ip;
        vm->caught_pc[hf->fn] = (uint32_t)(at - 1 - u->funcs[hf->fn].code);
        /* unwind frames above the handler's */
        while (vm->nframes - 1 > h.frame) vm->nframes--;
        rbk_frame *fr = &vm->frames[vm->nframes - 1];
        rbk_value *target_sp = stack + h.sp;
        for (rbk_value *p = target_sp; p < sp; p++) rbk_unref(*p);
        /* locals of popped frames live above target_sp too: already released */
        sp = target_sp;
        curfn = fr->fn;
        F = &u->funcs[curfn];
        bp = fr->base;
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_adds(&m, vm->err ? vm->err : "error");
        PUSH(rbk_str_take_sbuf(&m));
        ip = h.target;
        rbk_vm_clear_error(vm);
        DISPATCH();
    }
    goto unwind_all;
}
unwind_all:
    for (rbk_value *p = stack + sp_base; p < sp; p++) rbk_unref(*p);
    vm->nframes = frame_base;
    vm->nhandlers = handler_base;
    vm->sp = sp_base;
    return st;
#undef DISPATCH
#undef A1
#undef RAISE
#undef PUSH
#undef POP
}

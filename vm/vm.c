/* vm/vm.c — VM lifetime, the native API of vm/native.h, the masking writer, event
 * emission (the checks that run before step 1 are vm/preflight.c).
 * Every string an event carries is masked here, once, before any sink sees it. */
#include "vm_internal.h"
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>
#include "builtins.h"
#include "../support/conninfo.h"
#include "../support/duration.h"
#include "../support/sha256.h"
#include "json_value.h"

const char *rbk_event_kind_name(rbk_event_kind k) {
    static const char *const n[] = {
#define RBK_EVENT(id, name) name,
#include "events.def"
#undef RBK_EVENT
    };
    return k < RBK_EV__COUNT ? n[k] : "?";
}

const char *rbk_vm_str(rbk_vm *vm, uint32_t k) {
    if (k == RBK_NONE || k >= vm->u->nconsts) return NULL;
    return RBK_AS_STR(vm->u->consts[k].v)->data;
}

static rbk_vm *vm_alloc(void) {
    rbk_vm *vm = rbk_xcalloc(1, sizeof *vm);
    vm->mask = rbk_mask_new();
    vm->cur_step = -1;
    vm->point_of_no_return = -1;
    vm->step_deadline = INT64_MAX;
    vm->err_expect = -1;
    vm->opts.default_timeout_ms = 30000;
    vm->interrupted = &vm->no_interrupt;
    vm->poll_every = 1024;
    vm->inst_step = -1;
    vm->child_fd = vm->child_ack = -1;
    return vm;
}
rbk_vm *rbk_vm_new_bare(void) { return vm_alloc(); }

rbk_vm *rbk_vm_new(rbk_unit *u, const rbk_run_opts *opts) {
    rbk_vm *vm = vm_alloc();
    vm->u = u;
    if (opts) vm->opts = *opts;
    if (vm->opts.default_timeout_ms <= 0) vm->opts.default_timeout_ms = 30000;
    if (vm->opts.max_ticks > 0) vm->poll_every = 1; /* every poll point is a tick */
    vm->interrupted = vm->opts.interrupted ? vm->opts.interrupted : &vm->no_interrupt;
    for (uint32_t i = 0; i < u->nsources; i++) {
        rbk_str *text = RBK_AS_STR(u->consts[u->sources[i].text].v);
        rbk_sources_add(&vm->sources, rbk_vm_str(vm, u->sources[i].path), text->data, text->len);
    }
    vm->native_ids = rbk_xcalloc(u->nnatives ? u->nnatives : 1, sizeof(int));
    vm->native_fns = rbk_xcalloc(u->nnatives ? u->nnatives : 1, sizeof(rbk_native_fn));
    for (uint32_t i = 0; i < u->nnatives; i++) vm->native_ids[i] = rbk_builtin_find(rbk_vm_str(vm, u->native_names[i]));
    vm->globals = rbk_xcalloc(u->nglobals ? u->nglobals : 1, sizeof(rbk_value));
    vm->global_set = rbk_xcalloc(u->nglobals ? u->nglobals : 1, 1);
    vm->envvals = rbk_xcalloc(u->nenvs ? u->nenvs : 1, sizeof(rbk_value));
    /* The stack never grows: without recursion a call chain holds each function at most
     * once, so twice the sum of every frame's size (top-level code plus a step or rollback
     * chain) bounds it. A hostile .rbc with recursion hits the bound and gets an error. */
    size_t cap = 64, tcap = 0;
    vm->trace_base = rbk_xcalloc(u->nfuncs ? u->nfuncs : 1, sizeof(size_t));
    vm->caught_pc = rbk_xcalloc(u->nfuncs ? u->nfuncs : 1, sizeof(uint32_t));
    for (uint32_t i = 0; i < u->nfuncs; i++) {
        cap += (size_t)u->funcs[i].nlocals + u->funcs[i].max_stack + 4;
        vm->trace_base[i] = tcap; /* every function's own slots (vm.h) */
        tcap += u->funcs[i].ntrace;
        vm->caught_pc[i] = RBK_NONE;
    }
    vm->stack_cap = cap * 2;
    vm->stack = rbk_xcalloc(vm->stack_cap, sizeof(rbk_value));
    vm->cap_frames = (int)u->nfuncs * 2 + 8;
    vm->frames = rbk_xcalloc((size_t)vm->cap_frames, sizeof(rbk_frame));
    vm->trace = rbk_xcalloc(tcap ? tcap : 1, sizeof(rbk_value));
    vm->trace_set = rbk_xcalloc(tcap ? tcap : 1, 1);
    vm->completed = rbk_xcalloc(u->nsteps ? u->nsteps : 1, sizeof(int));
    if (vm->opts.resume) vm->next_effect = vm->opts.resume->last_effect_id; /* one id per effect in the journal */
    return vm;
}

void rbk_vm_regex_free(rbk_vm *vm); /* interp.c */

void rbk_vm_free(rbk_vm *vm) {
    if (!vm) return;
    for (int i = vm->non_destroy - 1; i >= 0; i--) vm->on_destroy[i].fn(vm->on_destroy[i].arg);
    rbk_instances_free(vm);
    if (vm->u) {
        for (uint32_t i = 0; i < vm->u->nglobals; i++) rbk_unref(vm->globals[i]);
        for (uint32_t i = 0; i < vm->u->nenvs; i++) rbk_unref(vm->envvals[i]);
        for (uint32_t f = 0; f < vm->u->nfuncs; f++)
            for (size_t i = vm->trace_base[f]; i < vm->trace_base[f] + vm->u->funcs[f].ntrace; i++)
                if (vm->trace_set[i]) rbk_unref(vm->trace[i]);
        rbk_vm_regex_free(vm);
        rbk_unit_free(vm->u);
    }
    free(vm->globals);
    free(vm->global_set);
    free(vm->envvals);
    free(vm->stack);
    free(vm->frames);
    free(vm->handlers);
    free(vm->trace);
    free(vm->trace_set);
    free(vm->trace_base);
    free(vm->caught_pc);
    free(vm->native_ids);
    free(vm->native_fns);
    free(vm->fns_by_id);
    free(vm->completed);
    free(vm->global_lost);
    free(vm->sink_failed);
    free(vm->dry_last);
    free(vm->pending_end.status);
    free(vm->pending_end.out);
    free(vm->pending_end.err);
    free(vm->regex);
    free(vm->err);
    rbk_sbuf_free(&vm->scratch);
    rbk_sources_free(&vm->sources);
    rbk_mask_free(vm->mask);
    free(vm);
}

void rbk_vm_add_sink(rbk_vm *vm, rbk_event_sink_fn fn, void *ctx) {
    if (vm->nsinks < 8) { vm->sinks[vm->nsinks].fn = fn; vm->sinks[vm->nsinks].ctx = ctx; vm->nsinks++; }
}

/* ------------------------------------------------------------- errors */
int rbk_vm_vraise(rbk_vm *vm, rbk_status st, const char *fmt, va_list ap) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_vprintf(&b, fmt, ap);
    free(vm->err);
    vm->err = rbk_sbuf_detach(&b);
    vm->err_status = st;
    return -1;
}
int rbk_vm_raise(rbk_vm *vm, rbk_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rbk_vm_vraise(vm, st, fmt, ap);
    va_end(ap);
    return -1;
}
int rbk_vm_tick(rbk_vm *vm) {
    if (++vm->ticks <= vm->opts.max_ticks) return 0;
    vm->ticks = vm->opts.max_ticks + 1; /* stays spent, never wraps */
    return rbk_vm_raise(vm, RBK_E_RUNTIME, "the run's work budget (%" PRId64 " ticks) is spent", vm->opts.max_ticks);
}
__attribute__((cold)) int rbk_vm_text_too_long(rbk_vm *vm, const char *who) {
    return rbk_vm_error(vm, "%s%sa text cannot be %zu MiB or longer", who ? who : "", who ? ": " : "", RBK_TEXT_MAX >> 20);
}
int rbk_vm_error(rbk_vm *vm, const char *fmt, ...) {
    /* a cancelled call reports why; the step engine decides what it means */
    rbk_status st = RBK_E_RUNTIME;
    if (*vm->interrupted) st = RBK_E_INTERRUPT;
    else if (vm->step_deadline != INT64_MAX && rbk_now_ms() >= vm->step_deadline) st = RBK_E_TIMEOUT;
    va_list ap;
    va_start(ap, fmt);
    rbk_vm_vraise(vm, st, fmt, ap);
    va_end(ap);
    return -1;
}
void rbk_vm_clear_error(rbk_vm *vm) {
    free(vm->err);
    vm->err = NULL;
    vm->err_status = RBK_OK;
    vm->err_has_pos = 0;
    vm->err_expect = -1;
}
const char *rbk_vm_last_error(rbk_vm *vm) { return vm->err; }

/* ------------------------------------------------------------- natives' API */
int rbk_vm_interrupted(rbk_vm *vm) { return *vm->interrupted != 0; }
rbk_cancel rbk_vm_cancel(rbk_vm *vm, int64_t timeout_ms) {
    rbk_cancel c;
    c.interrupted = vm->interrupted;
    int64_t now = rbk_now_ms();
    int64_t t = timeout_ms < 0 ? vm->opts.default_timeout_ms : timeout_ms;
    if (t > INT64_MAX / 4) t = INT64_MAX / 4;
    c.deadline_ms = now + t;
    if (vm->step_deadline < c.deadline_ms) c.deadline_ms = vm->step_deadline;
    return c;
}
const char *rbk_vm_cancel_reason(rbk_vm *vm, const rbk_cancel *c, int64_t timeout_ms) {
    rbk_sbuf_reset(&vm->scratch);
    if (*vm->interrupted) return "interrupted";
    rbk_sbuf d = RBK_SBUF_INIT;
    if (vm->step_deadline != INT64_MAX && c->deadline_ms >= vm->step_deadline && vm->cur_step >= 0) {
        rbk_duration_fmt(&d, vm->part_timeout_ms); /* the step's, or a rollback block's own */
        rbk_sbuf_printf(&vm->scratch, "the %s's timeout (%s)", vm->part_own_timeout ? "rollback" : "step", rbk_sbuf_cstr(&d));
    } else {
        rbk_duration_fmt(&d, timeout_ms < 0 ? vm->opts.default_timeout_ms : timeout_ms);
        rbk_sbuf_printf(&vm->scratch, "timeout (%s)", rbk_sbuf_cstr(&d));
    }
    rbk_sbuf_free(&d);
    return rbk_sbuf_cstr(&vm->scratch);
}
int rbk_vm_default_timeout_ms(rbk_vm *vm) { return (int)vm->opts.default_timeout_ms; }
int rbk_vm_verbose(rbk_vm *vm) { return vm->opts.verbose; }
void rbk_vm_add_secret(rbk_vm *vm, const char *s, size_t n) {
    size_t before = vm->child_fd >= 0 ? rbk_mask_count(vm->mask) : 0;
    rbk_mask_add(vm->mask, s, n);
    /* an instance's process: a secret new to it is the parent's to mask too (rbk_vm_mask
     * registers a connection string's password at every text it masks: not each time again) */
    if (vm->child_fd >= 0 && rbk_mask_count(vm->mask) != before) rbk_instances_child_secret(vm, s, n);
}
void rbk_vm_add_secret_cb(void *vm, const char *s, size_t n) { rbk_vm_add_secret(vm, s, n); }
/* The one masking writer: the password of a postgres URI anywhere in the text is a secret
 * before sql.connect sees it (support/conninfo.h), then every registered secret is masked. */
void rbk_vm_mask(rbk_vm *vm, rbk_sbuf *out, const char *s, size_t n) {
    rbk_conninfo_scan(s, n, rbk_vm_add_secret_cb, vm);
    rbk_mask_apply(vm->mask, out, s, n);
}
size_t rbk_vm_mask_stream(rbk_vm *vm, rbk_sbuf *out, const char *s, size_t n) {
    return rbk_mask_stream(vm->mask, out, s, n);
}
const rbk_mask *rbk_vm_registry(const rbk_vm *vm) { return vm->mask; }
void rbk_vm_add_secret_output(rbk_vm *vm, const char *s, size_t n) {
    rbk_vm_add_secret(vm, s, n);
    size_t a = 0;
    while (a < n && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r')) a++;
    while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    rbk_vm_add_secret(vm, s + a, n - a);
}
void **rbk_vm_slot(rbk_vm *vm, int slot) { return &vm->slots[slot]; }
void rbk_vm_on_destroy(rbk_vm *vm, void (*fn)(void *), void *arg) {
    if (vm->non_destroy < 8) { vm->on_destroy[vm->non_destroy].fn = fn; vm->on_destroy[vm->non_destroy].arg = arg; vm->non_destroy++; }
}

static char *masked(rbk_vm *vm, const char *s) {
    if (!s) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &b, s, strlen(s));
    return rbk_sbuf_detach(&b);
}

/* Emits an event: every string field is masked first. */
void rbk_vm_emit(rbk_vm *vm, rbk_event *ev) {
    ev->t_ms = rbk_now_ms() - vm->run_start_ms;
    /* a wait's record keeps the time its deadline was computed from (rbk_vm_wait_announce) */
    if (ev->kind != RBK_EV_WAIT || !ev->wall_ms) ev->wall_ms = rbk_wall_ms();
    if (!ev->nsteps && vm->u) ev->nsteps = (int)vm->u->nsteps;
    rbk_event m = *ev;
    char *fields[12] = {0};
    int k = 0;
#define M(f) if (ev->f) { fields[k] = masked(vm, ev->f); m.f = fields[k++]; }
    M(text) M(detail) M(source) M(target) M(out) M(err) M(answer) M(source_line) M(step_name) M(instance)
#undef M
    rbk_event_value *vals = NULL;
    if (ev->nvalues) {
        vals = rbk_xcalloc((size_t)ev->nvalues, sizeof *vals);
        for (int i = 0; i < ev->nvalues; i++) {
            vals[i].expr = masked(vm, ev->values[i].expr);
            vals[i].value = masked(vm, ev->values[i].value);
            vals[i].error = masked(vm, ev->values[i].error);
        }
        m.values = vals;
    }
    for (int i = 0; i < vm->nsinks; i++) vm->sinks[i].fn(vm->sinks[i].ctx, &m);
    for (int i = 0; i < k; i++) free(fields[i]);
    if (vals) {
        for (int i = 0; i < ev->nvalues; i++) {
            free((char *)vals[i].expr);
            free((char *)vals[i].value);
            free((char *)vals[i].error);
        }
        free(vals);
    }
}

static rbk_event ev_init(rbk_vm *vm, rbk_event_kind k) {
    rbk_event e;
    memset(&e, 0, sizeof e);
    e.kind = k;
    rbk_vm_stamp(vm, &e, RBK_STAMP_ALL);
    return e;
}

static const char *part_name(rbk_part p) {
    return p == RBK_PART_COND ? "cond" : p == RBK_PART_BODY ? "body" : p == RBK_PART_ROLLBACK ? "rollback" : NULL;
}

void rbk_vm_sink_failed(rbk_vm *vm, const char *why) {
    if (!vm->sink_failed) vm->sink_failed = rbk_xstrdup(why ? why : "a record could not be written");
}

/* Nothing starts without its intent on disk: the journal's write failed (rbk_vm_sink_failed). */
static uint64_t refuse_unrecorded(rbk_vm *vm) {
    rbk_vm_raise(vm, RBK_E_INTERRUPT, "not started: the journal could not be written (%s); nothing is started "
                                      "without its record on disk", vm->sink_failed);
    return 0;
}

/* The journaled form of a target, to compare with what the journal holds: masked, and as the
 * JSON writer writes text (invalid UTF-8 as U+FFFD), read back. */
static void journaled_text(rbk_vm *vm, rbk_sbuf *out, const char *s) {
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &m, s, strlen(s));
    for (size_t i = 0; i < m.len;) {
        size_t k = rbk_utf8_seq(m.data + i, m.len - i);
        if (k) { rbk_sbuf_add(out, m.data + i, k); i += k; }
        else { rbk_sbuf_adds(out, "\xef\xbf\xbd"); i++; }
    }
    rbk_sbuf_free(&m);
}

static int same_text(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

int64_t rbk_vm_wait_announce(rbk_vm *vm, int64_t ms, const char *what, const char *target, const char *skipped,
                             int64_t *deadline_wall, int *kept) {
    rbk_event e;
    memset(&e, 0, sizeof e);
    e.kind = RBK_EV_WAIT;
    rbk_vm_stamp(vm, &e, RBK_STAMP_NAME);
    e.effect = what;
    e.target = target;
    int64_t real = skipped || ms <= 0 ? 0 : rbk_time_scaled(vm->opts.time_scale, ms), at = 0, now_wall = rbk_wall_ms();
    if (vm->cur_step >= 0 && vm->cur_part != RBK_PART_TOP) {
        e.part = part_name(vm->cur_part);
        e.seq = ++vm->part_waits;
        /* a resume keeps the deadline of the same wait it cut off: the latest record of the
         * seq-th wait of the part, when it is of the same kind and for the same question */
        const rbk_resume *R = vm->opts.resume;
        for (int i = R && vm->waits_kept ? R->nwaits - 1 : -1; i >= 0; i--) {
            const rbk_resume_wait *w = &R->waits[i];
            if (w->part != vm->cur_part || w->seq != e.seq) continue;
            rbk_sbuf jt = RBK_SBUF_INIT;
            if (target) journaled_text(vm, &jt, target);
            if (same_text(w->what, what) && same_text(w->target, target ? rbk_sbuf_cstr(&jt) : NULL)) at = w->deadline_wall_ms;
            rbk_sbuf_free(&jt);
            break;
        }
    }
    if (at > 0 && !skipped) real = at > now_wall ? (at - now_wall < real ? at - now_wall : real) : 0; /* what is left of it */
    e.duration_ms = ms;
    e.remaining_ms = real;
    int64_t end = skipped ? 0 : at > 0 ? at : now_wall + real;
    if (!skipped && e.part && ms > 0) e.deadline_wall_ms = end;
    e.text = skipped ? skipped : at > 0 ? "the deadline the run had before it was cut off" : NULL;
    rbk_sbuf d = RBK_SBUF_INIT;
    if (!skipped && real != ms && ms > 0) { /* --time-scale, or what is left */
        rbk_duration_fmt(&d, real);
        if (at > 0) rbk_sbuf_adds(&d, " left");
        if (vm->opts.time_scale > 0 && vm->opts.time_scale != 1) rbk_sbuf_printf(&d, " at --time-scale %.10g", vm->opts.time_scale);
        e.detail = rbk_sbuf_cstr(&d);
    }
    e.wall_ms = now_wall; /* the record's time is the one its deadline was computed from */
    rbk_vm_emit(vm, &e);
    rbk_sbuf_free(&d);
    if (deadline_wall) *deadline_wall = end;
    if (kept) *kept = at > 0 && !skipped;
    return real;
}

/* runbook resume, in the first run of a part of the step that was cut off: the entry for this
 * effect, if the journal has one. The run stops (RBK_E_STOP) when the step no longer does what it
 * did: an effect of another kind or target at the same place. */
static const rbk_replay *replay_match(rbk_vm *vm, const char *effect, const char *target, int seq, int *diverged) {
    const rbk_resume *R = vm->opts.resume;
    const rbk_replay *hit = NULL;
    int more = 0;
    for (int i = 0; i < R->nreplay; i++) {
        const rbk_replay *r = &R->replay[i];
        if (r->part != vm->cur_part) continue;
        if (r->seq == seq) hit = r;
        if (r->seq > seq) more = 1;
    }
    if (!more) vm->replaying = 0; /* the rest of the part runs as usual */
    if (!hit) return NULL;
    rbk_sbuf now = RBK_SBUF_INIT;
    journaled_text(vm, &now, target);
    int same = !strcmp(hit->effect, effect) && !strcmp(hit->target, rbk_sbuf_cstr(&now));
    if (!same) {
        rbk_sbuf later = RBK_SBUF_INIT;
        for (int i = 0; i < R->nreplay; i++) {
            const rbk_replay *r = &R->replay[i];
            if (r->part == vm->cur_part && r->seq >= seq && r->write)
                rbk_sbuf_printf(&later, "\n  - #%d %s %s (%s)", r->seq, r->effect, r->target,
                                r->kind == RBK_REPLAY_DONE ? "counted as done" : r->kind == RBK_REPLAY_RUN ? "outcome unknown" : r->status);
        }
        rbk_vm_raise(vm, RBK_E_STOP,
                     "resume: this step no longer does what it did before the run was cut off: its effect #%d was "
                     "`%s %s` and is now `%s %s`, so the effects it recorded from there on cannot be matched. "
                     "These writes happened (or may have) and are not repeated or undone:%s\nThe run stops here: check the system; "
                     "`runbook resume` again runs the step from its start, as a new attempt",
                     seq, hit->effect, hit->target, effect, rbk_sbuf_cstr(&now),
                     later.len ? rbk_sbuf_cstr(&later) : " (none)");
        rbk_sbuf_free(&later);
        vm->replaying = 0;
        *diverged = 1;
        hit = NULL;
    }
    rbk_sbuf_free(&now);
    return hit;
}

int rbk_vm_replay_unmatched(rbk_vm *vm, rbk_sbuf *out) {
    const rbk_resume *R = vm->opts.resume;
    int n = 0;
    for (int i = 0; R && i < R->nreplay; i++) {
        const rbk_replay *r = &R->replay[i];
        if (r->part != vm->cur_part || r->seq <= vm->part_seq || !r->write) continue;
        rbk_sbuf_printf(out, "\n  - #%d %s %s (%s)", r->seq, r->effect, r->target,
                        r->kind == RBK_REPLAY_DONE ? "counted as done" : r->kind == RBK_REPLAY_RUN ? "outcome unknown" : r->status);
        n++;
    }
    return n;
}

static void emit_effect_end(rbk_vm *vm, uint64_t id, int seq, const char *status, int code, const char *out, const char *err,
                            int64_t duration_ms, const char *result, int replayed);
uint64_t rbk_vm_effect_begin(rbk_vm *vm, const char *effect, const char *target) {
    vm->replay_now = NULL;
    if (vm->pending_end.set) rbk_vm_effect_finish(vm, NULL, 0, NULL); /* not ended by its native */
    if (vm->sink_failed) return refuse_unrecorded(vm);
    rbk_event e = ev_init(vm, RBK_EV_EFFECT_START);
    e.effect_id = ++vm->next_effect;
    e.effect = effect;
    e.target = target;
    e.dry_run = vm->opts.dry_run;
    e.write = vm->call_write;
    if (vm->cur_step >= 0) {
        e.part = part_name(vm->cur_part);
        e.seq = ++vm->part_seq;
    }
    if (vm->replaying && vm->cur_step >= 0 && strcmp(effect, "dry-run")) {
        int diverged = 0;
        const rbk_replay *r = replay_match(vm, effect, target, e.seq, &diverged);
        if (diverged) return 0;
        if (r && r->kind == RBK_REPLAY_IN_CALL) {
            /* one host of a call on several: its intent and outcome again, marked replayed; the
             * call's result comes with its last host (rbk_vm_effect_finish) */
            e.replayed = 1;
            rbk_vm_emit(vm, &e);
            if (vm->sink_failed) return refuse_unrecorded(vm);
            emit_effect_end(vm, e.effect_id, r->seq, r->status, r->code, NULL, NULL, r->duration_ms, "{\"in_call\":true}", 1);
            return 0;
        }
        if (r && r->kind != RBK_REPLAY_RUN) {
            e.replayed = 1;
            rbk_vm_emit(vm, &e);
            if (vm->sink_failed) return refuse_unrecorded(vm);
            vm->replay_now = r;
            vm->replay_id = e.effect_id;
            return 0; /* the native returns at once; rbk_vm_effect_finish gives the recorded outcome */
        }
    }
    rbk_vm_emit(vm, &e);
    if (vm->sink_failed) {
        /* this very intent is not on disk: the effect does not start (the other sinks are told) */
        rbk_event x = ev_init(vm, RBK_EV_EFFECT_END);
        x.effect_id = e.effect_id;
        x.status = "skipped";
        x.part = e.part;
        x.seq = e.seq;
        rbk_vm_emit(vm, &x);
        return refuse_unrecorded(vm);
    }
    if (vm->in_native && vm->opts.checkpoints) vm->pending_end.seq = e.seq;
    return e.effect_id;
}

static void emit_effect_end(rbk_vm *vm, uint64_t id, int seq, const char *status, int code, const char *out,
                            const char *err, int64_t duration_ms, const char *result, int replayed) {
    rbk_event e = ev_init(vm, RBK_EV_EFFECT_END);
    e.effect_id = id;
    e.status = status;
    e.code = code;
    e.out = out;
    e.err = err;
    e.duration_ms = duration_ms;
    e.result = result;
    e.replayed = replayed;
    if (vm->cur_step >= 0) {
        e.part = part_name(vm->cur_part);
        e.seq = seq;
    }
    rbk_vm_emit(vm, &e);
}

void rbk_vm_effect_in_transaction(rbk_vm *vm, uint64_t id) {
    if (id && vm->in_native && vm->opts.checkpoints) vm->pending_end.in_txn = 1;
}

/* The seq of effect id in the current part: every rbk_vm_effect_begin in a step counts one id
 * and one seq, so a native with several effects open at once (sh/exec on: a list of hosts,
 * all intents before the commands) ends each with its own. */
static int seq_of(const rbk_vm *vm, uint64_t id) {
    return vm->part_seq - (int)(vm->next_effect - id);
}

void rbk_vm_effect_end(rbk_vm *vm, uint64_t id, const char *status, int code, const char *out, size_t outlen,
                       const char *err, size_t errlen, int64_t duration_ms) {
    if (!id) return; /* not started (rbk_vm_effect_begin returned 0) */
    if (vm->in_native && vm->opts.checkpoints) {
        char *o = out ? rbk_xstrndup(out, outlen) : NULL;
        char *r = err ? rbk_xstrndup(err, errlen) : NULL;
        /* the journal records what the call returns: the end waits for the native to return; an
         * earlier effect of the same call (a host of several) records that it is part of it */
        if (vm->pending_end.set) {
            vm->pending_in_call = 1;
            rbk_vm_effect_finish(vm, NULL, 0, NULL);
            vm->pending_in_call = 0;
        }
        vm->pending_end.set = 1;
        vm->pending_end.id = id;
        vm->pending_end.status = rbk_xstrdup(status);
        vm->pending_end.code = code;
        vm->pending_end.out = o;
        vm->pending_end.err = r;
        vm->pending_end.duration_ms = duration_ms;
        vm->pending_end.seq = seq_of(vm, id);
        /* in_txn was set by rbk_vm_effect_in_transaction just before */
        return;
    }
    /* a whole output may be large: no copy when it already ends at its length (an rbk_sbuf's
     * data does) */
    char *o = out && out[outlen] ? rbk_xstrndup(out, outlen) : NULL;
    char *r = err && err[errlen] ? rbk_xstrndup(err, errlen) : NULL;
    emit_effect_end(vm, id, seq_of(vm, id), status, code, o ? o : out, r ? r : err, duration_ms, NULL, 0);
    free(o);
    free(r);
}

int rbk_vm_effect_finish(rbk_vm *vm, const char *ret, int failed, rbk_value *out) {
    const rbk_replay *r = vm->replay_now;
    if (r && out) {
        vm->replay_now = NULL;
        rbk_sbuf res = RBK_SBUF_INIT, note = RBK_SBUF_INIT;
        rbk_vm_clear_error(vm);
        if (r->kind == RBK_REPLAY_VALUE) {
            rbk_value v;
            if (rbk_vm_value_from_json(vm, r->value, &v)) {
                rbk_vm_raise(vm, RBK_E_RUNTIME, "resume: the journal's record of what `%s %s` returned is not readable",
                             r->effect, r->target);
                failed = 1;
            } else {
                rbk_unref(*out);
                *out = v;
                failed = 0;
            }
            rbk_sbuf_printf(&res, "{\"value\":%s}", r->value);
            rbk_sbuf_printf(&note, "replayed from the journal: `%s %s` ran before the resume (%s); not run again",
                            r->effect, r->target, r->status);
        } else if (r->kind == RBK_REPLAY_ERROR) {
            rbk_vm_raise(vm, r->timeout ? RBK_E_TIMEOUT : RBK_E_RUNTIME, "%s", r->error);
            failed = 1;
            rbk_sbuf_adds(&res, "{\"error\":");
            rbk_sbuf_add_json_str(&res, r->error, strlen(r->error));
            rbk_sbuf_printf(&res, ",\"status\":\"%s\"}", r->timeout ? "timeout" : "runtime");
            rbk_sbuf_printf(&note, "replayed from the journal: `%s %s` ran before the resume (%s); not run again",
                            r->effect, r->target, r->status);
        } else { /* RBK_REPLAY_DONE */
            rbk_sbuf why = RBK_SBUF_INIT;
            rbk_sbuf_printf(&why, "the result of `%s %s` is not known: the operator counted it as done at the resume, "
                                  "and it was not run again", r->effect, r->target);
            rbk_unref(*out);
            *out = rbk_vm_unknown_result(ret, rbk_sbuf_cstr(&why));
            rbk_sbuf_free(&why);
            failed = 0;
            rbk_sbuf_adds(&res, "{\"done\":true}");
            rbk_sbuf_printf(&note, "counted as done at the resume: `%s %s` is not run again (its result cannot be read)",
                            r->effect, r->target);
        }
        /* the error (if any) is the call's: the events below must not see it cleared */
        rbk_vm_note(vm, "%s", rbk_sbuf_cstr(&note));
        emit_effect_end(vm, vm->replay_id, r->seq, r->kind == RBK_REPLAY_DONE ? "counted-done" : r->status, r->code, NULL,
                        NULL, r->duration_ms, rbk_sbuf_cstr(&res), 1);
        rbk_sbuf_free(&res);
        rbk_sbuf_free(&note);
        return failed;
    }
    if (!vm->pending_end.set) return failed;
    rbk_sbuf res = RBK_SBUF_INIT;
    if (!out && vm->pending_in_call) {
        rbk_sbuf_adds(&res, "{\"in_call\":true}"); /* the call's result: its last effect's */
    } else if (!out) {
        rbk_sbuf_adds(&res, "{\"unrecorded\":\"the call did not end it\"}");
    } else if (!failed) {
        rbk_vm_result_json(vm, *out, &res);
    } else if (vm->err_status == RBK_E_INTERRUPT || !vm->err) {
        rbk_sbuf_adds(&res, "{\"unrecorded\":\"interrupted\"}");
    } else {
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_vm_mask(vm, &m, vm->err, strlen(vm->err));
        if (strcmp(rbk_sbuf_cstr(&m), vm->err)) rbk_sbuf_adds(&res, "{\"unrecorded\":\"its error message holds a secret\"}");
        else if (!rbk_utf8_valid(vm->err, strlen(vm->err))) rbk_sbuf_adds(&res, "{\"unrecorded\":\"its error message is not UTF-8 text\"}");
        else if (m.len > RBK_RESULT_MAX) rbk_sbuf_adds(&res, "{\"unrecorded\":\"its error message is too large\"}");
        else {
            rbk_sbuf_adds(&res, "{\"error\":");
            rbk_sbuf_add_json_str(&res, vm->err, strlen(vm->err));
            rbk_sbuf_printf(&res, ",\"status\":\"%s\"}", vm->err_status == RBK_E_TIMEOUT ? "timeout" : "runtime");
        }
        rbk_sbuf_free(&m);
    }
    if (vm->pending_end.in_txn && res.len && res.data[res.len - 1] == '}') {
        res.data[--res.len] = 0;
        rbk_sbuf_adds(&res, ",\"in_transaction\":true}");
    }
    vm->pending_end.set = 0;
    emit_effect_end(vm, vm->pending_end.id, vm->pending_end.seq, vm->pending_end.status, vm->pending_end.code,
                    vm->pending_end.out, vm->pending_end.err, vm->pending_end.duration_ms, rbk_sbuf_cstr(&res), 0);
    free(vm->pending_end.status);
    free(vm->pending_end.out);
    free(vm->pending_end.err);
    memset(&vm->pending_end, 0, sizeof vm->pending_end);
    rbk_sbuf_free(&res);
    return failed;
}
void rbk_vm_output_line(rbk_vm *vm, const char *stream, const char *line, size_t n) {
    if (!vm->opts.verbose) return;
    rbk_event e = ev_init(vm, RBK_EV_OUTPUT);
    char *t = rbk_xstrndup(line, n);
    e.text = t;
    e.stream = stream;
    rbk_vm_emit(vm, &e);
    free(t);
}
void rbk_vm_note(rbk_vm *vm, const char *fmt, ...) {
    rbk_sbuf b = RBK_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    rbk_event e = ev_init(vm, RBK_EV_NOTE);
    e.text = rbk_sbuf_cstr(&b);
    rbk_vm_emit(vm, &e);
    rbk_sbuf_free(&b);
}

/* A value as the operator may see it: secrets masked (each string before it is escaped:
 * rbk_value_render_max with the mask, then the whole text); a secret value whose text is not a
 * registered secret (a number computed from one, a piece of one) is shown as *** whole.
 * At most max bytes of text are shown (RBK_TEXT_MAX: all a text may hold), with a note when
 * cut. Only max + margin bytes are rendered (a traced list of 100,000 rows was rendered whole,
 * 5 MB of text, to show 1 KiB of it), the margin being the longest registered secret: the
 * raw text is masked before it is cut, and the last margin bytes of the masked text are never
 * shown when the rendering stopped early, since a secret cut there by the rendering's end
 * cannot be recognised, and it lies within that many bytes of the end (masking only shortens
 * what precedes it). */
static void render_value(rbk_vm *vm, rbk_sbuf *out, rbk_value v, int repr, size_t max) {
    if ((v.secret & RBK_UNVERIFIED) && v.t != RBK_T_STRING) {
        rbk_sbuf_adds(out, "<dry-run: not known>");
        return;
    }
    rbk_sbuf raw = RBK_SBUF_INIT, m = RBK_SBUF_INIT;
    int all = max >= RBK_TEXT_MAX;
    size_t margin = all ? 0 : rbk_mask_longest(vm->mask);
    size_t want = all ? RBK_TEXT_MAX : max + margin;
    int hit = 0;
    rbk_value_render_max(&raw, v, repr, want, vm->mask, &hit);
    rbk_mask_apply(vm->mask, &m, rbk_sbuf_cstr(&raw), raw.len);
    /* whether the registry masked any of its text (an item written *** for its mark alone is
     * not that: a marked list of numbers is *** whole, as a marked number is) */
    int masked = hit || m.len != raw.len || memcmp(rbk_sbuf_cstr(&m), rbk_sbuf_cstr(&raw), raw.len) != 0;
    /* the same rendering unmasked: whether it ended before the value did (the masked one is
     * shorter, so its length cannot tell) */
    rbk_sbuf plain = RBK_SBUF_INIT;
    rbk_value_render_max(&plain, v, repr, want, NULL, NULL);
    int stopped = plain.len >= want;
    rbk_sbuf_free(&plain);
    size_t keep = m.len;
    if (stopped && !all) {
        keep = m.len > margin ? m.len - margin : 0;
        if (keep > max) keep = max;
        while (keep > 0 && ((unsigned char)m.data[keep] & 0xC0) == 0x80) keep--; /* UTF-8 */
    }
    if ((v.secret & RBK_SECRET) && (!masked || (v.secret & RBK_OPAQUE))) {
        rbk_sbuf_adds(out, "***");
    } else {
        rbk_sbuf_add(out, rbk_sbuf_cstr(&m), keep);
        if (stopped && all) rbk_sbuf_printf(out, " … (cut at %zu MiB)", RBK_TEXT_MAX >> 20);
        else if (stopped) {
            rbk_sbuf_adds(out, " … (cut: ");
            rbk_size_fmt(out, max);
            rbk_sbuf_adds(out, " shown)");
        }
    }
    rbk_sbuf_free(&raw);
    rbk_sbuf_free(&m);
}
/* RBK_SECRET and RBK_OPAQUE of rbk_vm_text_mark; inherited: whether a container v is in is
 * marked (reading v out of it gives v the mark) */
static uint8_t text_mark(rbk_vm *vm, rbk_value v, int inherited, unsigned depth) {
    int sec = (v.secret & RBK_SECRET) || inherited;
    if (v.secret & RBK_OPAQUE) return RBK_SECRET | RBK_OPAQUE;
    if (v.t == RBK_T_LIST || v.t == RBK_T_MAP) {
        if (depth >= RBK_MAX_NESTING) return sec ? RBK_SECRET | RBK_OPAQUE : 0;
        rbk_value *items = v.t == RBK_T_LIST ? RBK_AS_LIST(v)->items : RBK_AS_MAP(v)->vals;
        size_t n = v.t == RBK_T_LIST ? RBK_AS_LIST(v)->len : RBK_AS_MAP(v)->len;
        uint8_t r = sec ? RBK_SECRET : 0;
        for (size_t i = 0; i < n && !(r & RBK_OPAQUE); i++) r |= text_mark(vm, items[i], sec, depth + 1);
        return r;
    }
    if (!sec) return 0;
    if (v.t == RBK_T_STRING)
        return rbk_mask_hits(vm->mask, RBK_AS_STR(v)->data, RBK_AS_STR(v)->len) ? RBK_SECRET : RBK_SECRET | RBK_OPAQUE;
    /* a number (a bool, a duration, a time) whose whole text is registered (a secret param's
     * value, `--param pin=4711`) is masked as a text is; any other is opaque */
    rbk_sbuf t = RBK_SBUF_INIT, m = RBK_SBUF_INIT;
    rbk_value_str(&t, v);
    rbk_mask_apply(vm->mask, &m, rbk_sbuf_cstr(&t), t.len);
    int whole = !strcmp(rbk_sbuf_cstr(&m), RBK_MASK_REPLACEMENT);
    rbk_sbuf_free(&t);
    rbk_sbuf_free(&m);
    return whole ? RBK_SECRET : RBK_SECRET | RBK_OPAQUE;
}
uint8_t rbk_vm_text_mark(rbk_vm *vm, rbk_value v) {
    if (!(v.secret & RBK_SECRET) && v.t != RBK_T_LIST && v.t != RBK_T_MAP) return v.secret;
    return (uint8_t)(v.secret | text_mark(vm, v, 0, 0));
}
void rbk_vm_render_value(rbk_vm *vm, rbk_sbuf *out, rbk_value v, int repr) {
    render_value(vm, out, v, repr, RBK_TEXT_MAX);
}
void rbk_vm_render_shown(rbk_vm *vm, rbk_sbuf *out, rbk_value v, int repr, size_t max) {
    render_value(vm, out, v, repr, max);
}

void rbk_vm_position(rbk_vm *vm, uint32_t file, uint32_t off, rbk_event *ev, rbk_sbuf *lineb) {
    if ((int)file >= vm->sources.n) return;
    rbk_source *s = vm->sources.items[file];
    int line, col;
    rbk_source_linecol(s, off, &line, &col);
    ev->file = s->path;
    ev->line = line;
    ev->col = col;
    size_t len;
    const char *l = rbk_source_line(s, line, &len);
    rbk_sbuf_reset(lineb);
    rbk_sbuf_add(lineb, l, len);
    ev->source_line = rbk_sbuf_cstr(lineb);
}

int rbk_vm_run(rbk_vm *vm) {
    vm->run_start_ms = rbk_now_ms();
    rbk_event e = ev_init(vm, RBK_EV_RUN_START);
    e.text = vm->u->title != RBK_NONE ? rbk_vm_str(vm, vm->u->title) : NULL;
    char hex[65];
    rbk_sha256_to_hex(vm->u->artifact_sha256, hex);
    e.detail = hex;
    e.nsteps = (int)vm->u->nsteps;
    e.dry_run = vm->opts.dry_run;
    e.time_scale = vm->opts.time_scale > 1 ? vm->opts.time_scale : 0;
    rbk_vm_emit(vm, &e);
    if (vm->opts.dry_run && vm->opts.resume) { /* the skipped writes before it are not in the journal's state */
        vm->dry_skipped = 1;
        vm->dry_last = strdup("the writes skipped before the resume");
    }
    rbk_value result = rbk_nil();
    rbk_status st = rbk_interp_call(vm, 0, &result);
    rbk_unref(result);
    if (st != RBK_OK && st != RBK_HALT) vm->exit_code = rbk_steps_top_level_error(vm);
    rbk_event end = ev_init(vm, RBK_EV_RUN_END);
    end.step = -1;
    end.step_name = NULL;
    end.code = vm->exit_code;
    static const char *status[] = {"ok", "failed", "stopped", "rollback-incomplete", "interrupted"};
    end.status = vm->exit_code >= 0 && vm->exit_code <= 4 ? status[vm->exit_code] : "error";
    end.duration_ms = rbk_now_ms() - vm->run_start_ms;
    end.dry_run = vm->opts.dry_run;
    end.time_scale = vm->opts.time_scale > 1 ? vm->opts.time_scale : 0;
    end.checks_verified = vm->checks_verified;
    end.checks_unverified = vm->checks_unverified;
    end.checks_failing = vm->checks_failing;
    rbk_vm_emit(vm, &end);
    return vm->exit_code;
}

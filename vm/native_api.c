/* vm/native_api.c — the parts of vm/native.h that give a native what it needs of the run
 * without its state: the options it may read, the environment, the step's cancellation token,
 * stamping and emitting events, the one question seam to the operator (rbk_vm_ask) and the
 * gate events; and the per-VM resolution of a builtin's function (vm/builtins.h).
 * Shares invariants with: vm/vm.c (emit, the error state), stdlib/std_core.c (the gates),
 * cli/prompt.c (the answers). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "vm_internal.h"

const rbk_unit *rbk_vm_unit(const rbk_vm *vm) { return vm->u; }
const rbk_run_opts *rbk_vm_opts(const rbk_vm *vm) { return &vm->opts; }
int rbk_vm_no_wait(rbk_vm *vm) { return vm->opts.no_wait ? 1 : vm->opts.dry_run && vm->dry_skipped ? 2 : 0; }
int64_t rbk_vm_scaled(rbk_vm *vm, int64_t ms) { return rbk_time_scaled(vm->opts.time_scale, ms); }
double rbk_vm_time_scale(rbk_vm *vm) { return vm->opts.time_scale; }
int rbk_vm_interactive(rbk_vm *vm) { return vm->opts.interactive; }
int rbk_vm_yes(rbk_vm *vm) { return vm->opts.yes; }
const char *rbk_vm_answer(rbk_vm *vm, const char *name, rbk_sbuf *from) {
    for (int i = 0; name && i < vm->opts.nanswers; i++)
        if (!strcmp(vm->opts.answers[i].key, name)) {
            if (from && i < vm->opts.nanswers_cli) rbk_sbuf_adds(from, "--answer");
            else if (from) rbk_sbuf_printf(from, "--answers %s", vm->opts.answers_file ? vm->opts.answers_file : "");
            return vm->opts.answers[i].value;
        }
    return NULL;
}
volatile sig_atomic_t *rbk_vm_running_pgid(rbk_vm *vm) { return vm->opts.running_pgid; }

const char *rbk_vm_env(rbk_vm *vm, const char *name, int *secret) {
    const char *v = rbk_run_env(&vm->opts, name);
    *secret = 0;
    if (v && vm->u)
        for (uint32_t i = 0; i < vm->u->nenvs; i++)
            if ((vm->u->envs[i].flags & RBK_ENV_SECRET) && !strcmp(rbk_vm_str(vm, vm->u->envs[i].name), name)) *secret = 1;
    return v;
}

rbk_cancel rbk_vm_step_cancel(rbk_vm *vm) {
    rbk_cancel c;
    c.interrupted = vm->interrupted;
    c.deadline_ms = vm->step_deadline;
    return c;
}

int rbk_vm_stop(rbk_vm *vm, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rbk_vm_vraise(vm, RBK_E_STOP, fmt, ap);
    va_end(ap);
    return -1;
}

void rbk_vm_stamp_step(rbk_vm *vm, rbk_event *ev, int step, unsigned what) {
    ev->step = step;
    if (what & RBK_STAMP_ATTEMPT) ev->attempt = vm->attempt;
    if ((what & RBK_STAMP_NAME) && step >= 0 && vm->u) ev->step_name = rbk_vm_str(vm, vm->u->steps[step].name);
}
void rbk_vm_stamp(rbk_vm *vm, rbk_event *ev, unsigned what) { rbk_vm_stamp_step(vm, ev, vm->cur_step, what); }

/* A gate's question may interpolate a secret: whoever answers sees it masked. */
static void ask_masked(rbk_vm *vm, rbk_ask_fn fn, void *ctx, const rbk_question *q, rbk_reply *reply) {
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &m, q->question, strlen(q->question));
    rbk_question masked = *q;
    masked.question = rbk_sbuf_cstr(&m);
    fn(ctx, &masked, reply);
    rbk_sbuf_free(&m);
}

void rbk_vm_approve(rbk_vm *vm, const rbk_question *q, rbk_reply *reply) {
    reply->status = RBK_REPLY_NO_TERMINAL;
    reply->choice = 0;
    if (vm->opts.approve) ask_masked(vm, vm->opts.approve, vm->opts.approve_ctx, q, reply);
}

void rbk_vm_ask(rbk_vm *vm, const rbk_question *q, rbk_reply *reply) {
    reply->status = RBK_REPLY_NO_TERMINAL;
    reply->choice = 0;
    if (!vm->opts.ask) return;
    if (q->kind == RBK_ASK_CHOOSE) {
        vm->opts.ask(vm->opts.ask_ctx, q, reply);
        return;
    }
    ask_masked(vm, vm->opts.ask, vm->opts.ask_ctx, q, reply);
}

/* The start of a gate's event: its kind, the step, the question. */
static void gate_event(rbk_vm *vm, rbk_event *e, rbk_event_kind kind, const char *question) {
    memset(e, 0, sizeof *e);
    e->kind = kind;
    rbk_vm_stamp(vm, e, RBK_STAMP_NAME);
    e->text = question;
}

void rbk_vm_prompt_event(rbk_vm *vm, const char *question, const char *choices, int64_t timeout_ms) {
    rbk_event e;
    gate_event(vm, &e, RBK_EV_PROMPT, question);
    e.detail = choices;
    e.remaining_ms = timeout_ms > 0 ? timeout_ms : 0;
    rbk_vm_emit(vm, &e);
}

void rbk_vm_record_answer_by(rbk_vm *vm, const char *question, const char *answer, const char *who) {
    rbk_event e;
    gate_event(vm, &e, RBK_EV_GATE, question);
    e.answer = answer;
    e.who = who;
    rbk_vm_emit(vm, &e);
}

void rbk_vm_record_answer(rbk_vm *vm, const char *question, const char *answer) {
    rbk_vm_record_answer_by(vm, question, answer, rbk_operator_name());
}

rbk_native_fn rbk_vm_native_fn(rbk_vm *vm, int id) {
    int n = rbk_builtin_count();
    if (id < 0 || id >= n) {
        rbk_vm_error(vm, "unknown builtin");
        return NULL;
    }
    if (!vm->fns_by_id) vm->fns_by_id = rbk_xcalloc((size_t)n, sizeof(rbk_native_fn));
    if (vm->fns_by_id[id]) return vm->fns_by_id[id];
    rbk_native_fn fn = NULL;
    char *err = NULL;
    if (rbk_builtin_resolve(id, &fn, &err)) {
        rbk_vm_error(vm, "%s", err);
        free(err);
        return NULL;
    }
    if (!fn) {
        rbk_vm_error(vm, "builtin %s is not available", rbk_builtin_get(id)->name);
        return NULL;
    }
    return vm->fns_by_id[id] = fn;
}

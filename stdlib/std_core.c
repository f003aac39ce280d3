/* stdlib/std_core.c — natives that need the run's context: log, wait, env.get and the gates
 * (confirm, ask). The terminal interaction of gates reads /dev/tty; without a terminal,
 * --yes answers confirm (ask cannot be answered: the run is refused before step 1). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "../vm/vm.h"
#include "../support/tty.h"
#include "builtins.h"

int rbk_std_log(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_vm_render_value(vm, &b, args[0], 0);
    rbk_event e;
    memset(&e, 0, sizeof e);
    e.kind = RBK_EV_LOG;
    e.step = vm->cur_step;
    if (vm->cur_step >= 0) e.step_name = rbk_vm_str(vm, vm->u->steps[vm->cur_step].name);
    e.text = rbk_sbuf_cstr(&b);
    rbk_vm_emit(vm, &e);
    rbk_sbuf_free(&b);
    *out = rbk_nil();
    return 0;
}

int rbk_std_wait(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    *out = rbk_nil();
    if (args[0].t != RBK_T_DURATION) return rbk_vm_error(vm, "wait needs a duration, not %s", rbk_type_name((rbk_type)args[0].t));
    int64_t ms = args[0].as.i;
    rbk_event e;
    memset(&e, 0, sizeof e);
    e.kind = RBK_EV_WAIT;
    e.step = vm->cur_step;
    if (vm->cur_step >= 0) e.step_name = rbk_vm_str(vm, vm->u->steps[vm->cur_step].name);
    e.duration_ms = ms;
    e.remaining_ms = vm->opts.no_wait ? 0 : ms;
    e.text = vm->opts.no_wait ? "skipped (--no-wait)" : NULL;
    rbk_vm_emit(vm, &e);
    if (vm->opts.no_wait || ms <= 0) return 0;
    rbk_cancel c;
    c.interrupted = vm->interrupted;
    c.deadline_ms = vm->step_deadline;
    int64_t end = rbk_now_ms() + ms;
    for (;;) {
        int64_t left = end - rbk_now_ms();
        if (left <= 0) return 0;
        int r = rbk_sleep_ms(&c, left < 1000 ? left : 1000);
        if (r == 1) return rbk_vm_error(vm, "interrupted during wait");
        if (r == 2) return rbk_vm_error(vm, "the step's timeout expired during wait");
        left = end - rbk_now_ms();
        if (left > 0 && vm->opts.interactive) {
            rbk_event p;
            memset(&p, 0, sizeof p);
            p.kind = RBK_EV_POLL;
            p.step = vm->cur_step;
            p.remaining_ms = left;
            p.text = "waiting";
            rbk_vm_emit(vm, &p);
        }
    }
}

int rbk_std_env_get(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    if (args[0].t != RBK_T_STRING) return rbk_vm_error(vm, "env.get needs a name string");
    const char *name = RBK_AS_STR(args[0])->data;
    const char *v = rbk_run_env(&vm->opts, name);
    if (!v) { *out = rbk_nil(); return 0; }
    *out = rbk_str_cstr(v);
    if (vm->u)
        for (uint32_t i = 0; i < vm->u->nenvs; i++)
            if ((vm->u->envs[i].flags & RBK_ENV_SECRET) && !strcmp(rbk_vm_str(vm, vm->u->envs[i].name), name)) out->secret = 1;
    return 0;
}

void rbk_vm_prompt_event(rbk_vm *vm, const char *question, const char *choices, int64_t timeout_ms) {
    rbk_event e;
    memset(&e, 0, sizeof e);
    e.kind = RBK_EV_PROMPT;
    e.step = vm->cur_step;
    if (vm->cur_step >= 0 && vm->u) e.step_name = rbk_vm_str(vm, vm->u->steps[vm->cur_step].name);
    e.text = question;
    e.detail = choices;
    e.remaining_ms = timeout_ms > 0 ? timeout_ms : 0;
    rbk_vm_emit(vm, &e);
}

void rbk_vm_record_answer(rbk_vm *vm, const char *question, const char *answer) {
    rbk_event e;
    memset(&e, 0, sizeof e);
    e.kind = RBK_EV_GATE;
    e.step = vm->cur_step;
    if (vm->cur_step >= 0) e.step_name = rbk_vm_str(vm, vm->u->steps[vm->cur_step].name);
    e.text = question;
    e.answer = answer;
    e.who = rbk_operator_name();
    rbk_vm_emit(vm, &e);
}

static void trim(rbk_sbuf *b) {
    size_t a = 0, n = b->len;
    while (a < n && (b->data[a] == ' ' || b->data[a] == '\t')) a++;
    while (n > a && (b->data[n - 1] == ' ' || b->data[n - 1] == '\t')) n--;
    if (a) memmove(b->data, b->data + a, n - a);
    b->len = n - a;
    if (b->data) b->data[b->len] = 0;
}

/* The operator's yes or no: 1 yes, 0 no; *rc is the RBK_TTY_* code of the last read. Anything
 * but y/yes/n/no is asked again, within the same deadline. */
/* "? question" as the terminal shows it: masked (a question may interpolate a secret). The
 * terminal writer cleans it (support/tty.c). */
static void question_line(rbk_vm *vm, rbk_sbuf *qline, const char *question) {
    rbk_sbuf_adds(qline, "? ");
    rbk_vm_mask(vm, qline, question, strlen(question));
}

static int ask_yes_no(rbk_vm *vm, const char *question, int64_t timeout_ms, int *rc) {
    rbk_sbuf qline = RBK_SBUF_INIT, hint = RBK_SBUF_INIT;
    question_line(vm, &qline, question);
    rbk_tty_req r = {.question = rbk_sbuf_cstr(&qline), .label = "yes or no",
                     .deadline_ms = timeout_ms > 0 ? rbk_now_ms() + timeout_ms : 0, .interrupted = vm->interrupted};
    int yes = -1;
    while (yes < 0) {
        rbk_sbuf line = RBK_SBUF_INIT;
        *rc = rbk_tty_ask(&r, &line);
        trim(&line);
        const char *a = rbk_sbuf_cstr(&line);
        if (*rc != RBK_TTY_OK) yes = 0;
        else if (!strcasecmp(a, "y") || !strcasecmp(a, "yes")) yes = 1;
        else if (!strcasecmp(a, "n") || !strcasecmp(a, "no")) yes = 0;
        else {
            rbk_sbuf_reset(&hint);
            rbk_sbuf_printf(&hint, "  \"%s\" is not an answer: type yes or no, then Enter", a);
            r.question = NULL;
            r.hint = rbk_sbuf_cstr(&hint);
        }
        rbk_sbuf_free(&line);
    }
    rbk_sbuf_free(&qline);
    rbk_sbuf_free(&hint);
    return yes;
}

static const char *no_answer(int rc) {
    return rc == RBK_TTY_TIMEOUT ? "no answer in time" : rc == RBK_TTY_INTERRUPTED ? "interrupted"
         : rc == RBK_TTY_EOF ? "no answer (end of input)" : "no answer (no terminal)";
}

int rbk_std_confirm(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    const char *q = args[0].t == RBK_T_STRING ? RBK_AS_STR(args[0])->data : "Continue?";
    int64_t timeout = args[1].t == RBK_T_DURATION ? args[1].as.i : 30 * 60 * 1000;
    *out = rbk_nil();
    if (vm->opts.yes) {
        rbk_vm_record_answer(vm, q, "yes (--yes)");
        *out = rbk_bool(true);
        return 0;
    }
    if (!vm->opts.interactive) {
        rbk_vm_record_answer(vm, q, "no operator (no terminal, no --yes)");
        return rbk_vm_raise(vm, RBK_E_STOP, "confirm \"%s\": nobody to answer (no terminal and no --yes)", q);
    }
    rbk_vm_prompt_event(vm, q, "yes/no", timeout);
    int rc;
    int yes = ask_yes_no(vm, q, timeout, &rc);
    rbk_vm_record_answer(vm, q, rc == RBK_TTY_OK ? (yes ? "yes" : "no") : no_answer(rc));
    if (rc == RBK_TTY_INTERRUPTED) return rbk_vm_error(vm, "interrupted at confirm");
    if (!yes)
        return rbk_vm_raise(vm, RBK_E_STOP, "confirm \"%s\" was answered %s", q,
                            rc == RBK_TTY_OK ? "no" : rc == RBK_TTY_TIMEOUT ? "by nobody in time" : rc == RBK_TTY_EOF ? "by end of input" : "by nobody (no terminal)");
    *out = rbk_bool(true);
    return 0;
}

int rbk_std_ask(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    const char *q = args[0].t == RBK_T_STRING ? RBK_AS_STR(args[0])->data : "Value";
    int secret = args[1].t == RBK_T_BOOL && args[1].as.b;
    *out = rbk_nil();
    if (!vm->opts.interactive) return rbk_vm_raise(vm, RBK_E_STOP, "ask \"%s\": nobody to answer (no terminal)", q);
    const int64_t timeout = 30 * 60 * 1000;
    rbk_vm_prompt_event(vm, q, secret ? "secret text" : "text", timeout);
    rbk_sbuf qline = RBK_SBUF_INIT, line = RBK_SBUF_INIT;
    question_line(vm, &qline, q);
    rbk_tty_req r = {.question = rbk_sbuf_cstr(&qline), .label = secret ? "value, not shown as you type" : "value", .secret = secret,
                     .deadline_ms = rbk_now_ms() + timeout, .interrupted = vm->interrupted};
    int rc;
    while ((rc = rbk_tty_ask(&r, &line)) == RBK_TTY_OK && secret && !line.len) {
        r.question = NULL; /* an empty secret is a stray Enter, not an answer */
        r.hint = "  nothing was typed: type the value, then Enter";
    }
    rbk_sbuf_free(&qline);
    if (rc != RBK_TTY_OK) {
        rbk_vm_record_answer(vm, q, no_answer(rc));
        rbk_sbuf_free(&line);
        if (rc == RBK_TTY_INTERRUPTED) return rbk_vm_error(vm, "interrupted at ask");
        return rbk_vm_raise(vm, RBK_E_STOP, "ask \"%s\": %s", q, no_answer(rc));
    }
    if (secret) rbk_vm_add_secret(vm, line.data, line.len);
    rbk_vm_record_answer(vm, q, secret ? "***" : rbk_sbuf_cstr(&line));
    *out = rbk_str_new(rbk_sbuf_cstr(&line), line.len);
    if (secret) out->secret = 1;
    rbk_sbuf_free(&line);
    return 0;
}

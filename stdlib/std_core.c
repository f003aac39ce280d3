/* stdlib/std_core.c — natives that need the run's context: log, wait, env.get and the gates
 * (confirm, ask). A gate asks the operator through the VM's one question seam (rbk_vm_ask,
 * answered by cli/prompt.c on the terminal); without a terminal, --yes answers confirm (ask
 * cannot be answered: the run is refused before step 1). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "../support/duration.h"
#include "../vm/native.h"
#include "../vm/vm.h"

int rbk_std_log(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_vm_render_value(vm, &b, args[0], 0);
    rbk_event e;
    memset(&e, 0, sizeof e);
    e.kind = RBK_EV_LOG;
    rbk_vm_stamp(vm, &e, RBK_STAMP_NAME);
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
    int no_wait = rbk_vm_no_wait(vm);
    /* --time-scale: ms is runbook time, real what it takes; a resume keeps the deadline of the
     * wait it cut off (docs/journal.md): what is left of it */
    int64_t real = rbk_vm_wait_announce(vm, ms, NULL, NULL,
                                        no_wait == 2 ? "skipped (dry run: what it waits for depends on a write that was skipped)"
                                        : no_wait ? "skipped (--no-wait)" : NULL, NULL, NULL);
    if (real <= 0) return 0;
    ms = real;
    rbk_cancel c = rbk_vm_step_cancel(vm);
    int64_t end = rbk_now_ms() + ms;
    for (;;) {
        int64_t left = end - rbk_now_ms();
        if (left <= 0) return 0;
        int r = rbk_sleep_ms(&c, left < 1000 ? left : 1000);
        if (r == 1) return rbk_vm_error(vm, "interrupted during wait");
        if (r == 2) return rbk_vm_error(vm, "the step's timeout expired during wait");
        left = end - rbk_now_ms();
        if (left > 0 && rbk_vm_interactive(vm)) {
            rbk_event p;
            memset(&p, 0, sizeof p);
            p.kind = RBK_EV_POLL;
            rbk_vm_stamp(vm, &p, 0);
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
    int secret;
    const char *v = rbk_vm_env(vm, name, &secret);
    if (!v) { *out = rbk_nil(); return 0; }
    *out = rbk_str_cstr(v);
    if (secret) out->secret = 1;
    return 0;
}

/* Why nobody answered, for the GATE event */
static const char *no_answer(rbk_reply_status st) {
    return st == RBK_REPLY_TIMEOUT ? "no answer in time" : st == RBK_REPLY_INTERRUPTED ? "interrupted"
         : st == RBK_REPLY_EOF ? "no answer (end of input)" : "no answer (no terminal)";
}

int rbk_std_confirm(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    const char *q = args[0].t == RBK_T_STRING ? RBK_AS_STR(args[0])->data : "Continue?";
    int64_t timeout = rbk_vm_scaled(vm, args[1].t == RBK_T_DURATION ? args[1].as.i : 30 * 60 * 1000); /* --time-scale */
    *out = rbk_nil();
    /* --answer NAME=yes|no (the CLI checked the value before step 1): before --yes */
    rbk_sbuf from = RBK_SBUF_INIT;
    const char *given = args[2].t == RBK_T_STRING ? rbk_vm_answer(vm, RBK_AS_STR(args[2])->data, &from) : NULL;
    if (given) {
        int yes = !strcmp(given, "yes");
        rbk_sbuf a = RBK_SBUF_INIT;
        rbk_sbuf_printf(&a, "%s (%s)", yes ? "yes" : "no", rbk_sbuf_cstr(&from));
        rbk_vm_record_answer(vm, q, rbk_sbuf_cstr(&a));
        rbk_sbuf_free(&a);
        rbk_sbuf_free(&from);
        if (!yes) return rbk_vm_stop(vm, "confirm \"%s\" was answered no", q);
        *out = rbk_bool(true);
        return 0;
    }
    rbk_sbuf_free(&from);
    if (rbk_vm_yes(vm)) {
        rbk_vm_record_answer(vm, q, "yes (--yes)");
        *out = rbk_bool(true);
        return 0;
    }
    if (!rbk_vm_interactive(vm)) {
        rbk_vm_record_answer(vm, q, "no operator (no terminal, no --yes)");
        return rbk_vm_stop(vm, "confirm \"%s\": nobody to answer (no terminal and no --yes)", q);
    }
    rbk_vm_prompt_event(vm, q, "yes/no", timeout);
    rbk_question ask = {.kind = RBK_ASK_CONFIRM, .question = q, .timeout_ms = timeout};
    rbk_reply r = {.text = RBK_SBUF_INIT};
    rbk_vm_ask(vm, &ask, &r);
    rbk_sbuf_free(&r.text);
    int yes = r.status == RBK_REPLY_OK && r.choice;
    rbk_vm_record_answer(vm, q, r.status == RBK_REPLY_OK ? (yes ? "yes" : "no") : no_answer(r.status));
    if (r.status == RBK_REPLY_INTERRUPTED) return rbk_vm_error(vm, "interrupted at confirm");
    if (!yes)
        return rbk_vm_stop(vm, "confirm \"%s\" was answered %s", q,
                           r.status == RBK_REPLY_OK ? "no" : r.status == RBK_REPLY_TIMEOUT ? "by nobody in time"
                           : r.status == RBK_REPLY_EOF ? "by end of input" : "by nobody (no terminal)");
    *out = rbk_bool(true);
    return 0;
}

/* approve(question, by: N, timeout: D): N people other than the operator approve, in the run store */
int rbk_std_approve(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    const char *q = args[0].t == RBK_T_STRING ? RBK_AS_STR(args[0])->data : "Approve?";
    int64_t by = args[1].t == RBK_T_INT ? args[1].as.i : 1;
    *out = rbk_nil();
    if (by < 1 || by > 100) return rbk_vm_error(vm, "approve: by: %" PRId64 " is not a number of people from 1 to 100", by);
    if (rbk_vm_opts(vm)->dry_run) {
        /* a dry run asks nobody: a request would reach other people, for a run that changes
         * nothing (docs/approvals.md); the run goes on as if approved, and what depends on the
         * answer is unverified */
        rbk_sbuf a = RBK_SBUF_INIT;
        rbk_sbuf_printf(&a, "not asked: a dry run (the run asks %d other %s)", (int)by, by == 1 ? "person" : "people");
        rbk_vm_record_answer(vm, q, rbk_sbuf_cstr(&a));
        rbk_sbuf_free(&a);
        rbk_vm_note(vm, "dry run: approve() is not asked; the run goes on as if %d approved", (int)by);
        *out = rbk_bool(true);
        out->secret |= RBK_UNVERIFIED;
        return 0;
    }
    /* a wait of the run like wait(): --time-scale, and a resume keeps the request's deadline
     * (and the store the request, with the approvals it has: docs/approvals.md) */
    int64_t deadline = 0;
    int kept = 0;
    int64_t timeout = rbk_vm_wait_announce(vm, args[2].t == RBK_T_DURATION ? args[2].as.i : 30 * 60 * 1000, "approve", q, NULL,
                                           &deadline, &kept);
    rbk_sbuf how = RBK_SBUF_INIT;
    rbk_sbuf_printf(&how, "approval by %d other %s (runbook approve)", (int)by, by == 1 ? "person" : "people");
    rbk_vm_prompt_event(vm, q, rbk_sbuf_cstr(&how), timeout);
    rbk_sbuf_free(&how);
    rbk_question ask = {.kind = RBK_ASK_APPROVE, .question = q, .timeout_ms = timeout, .by = (int)by, .deadline_wall_ms = deadline,
                        .kept = kept};
    rbk_reply r = {.text = RBK_SBUF_INIT};
    rbk_vm_approve(vm, &ask, &r);
    /* r.text: the approvers' names (the rejecter's), a newline, then each with when */
    const char *text = rbk_sbuf_cstr(&r.text), *nl = strchr(text, '\n');
    rbk_sbuf who = RBK_SBUF_INIT;
    rbk_sbuf_add(&who, text, nl ? (size_t)(nl - text) : strlen(text));
    const char *said = nl ? nl + 1 : text;
    int ok = r.status == RBK_REPLY_OK && r.choice, rejected = r.status == RBK_REPLY_OK && !r.choice;
    rbk_sbuf a = RBK_SBUF_INIT;
    if (ok) rbk_sbuf_printf(&a, "approved by %s", said);
    else if (rejected) rbk_sbuf_printf(&a, "rejected by %s", said);
    else if (r.status == RBK_REPLY_TIMEOUT) rbk_sbuf_printf(&a, "not approved by %d in time%s%s%s", (int)by, *said ? " (approved by " : "", said, *said ? ")" : "");
    else rbk_sbuf_adds(&a, no_answer(r.status));
    /* who answered: the approvers, the rejecter; nobody, when no one did in time */
    rbk_vm_record_answer_by(vm, q, rbk_sbuf_cstr(&a), ok || rejected ? rbk_sbuf_cstr(&who) : r.status == RBK_REPLY_TIMEOUT ? "nobody" : rbk_operator_name());
    rbk_sbuf_free(&who);
    rbk_sbuf_free(&r.text);
    int rc = 0;
    if (r.status == RBK_REPLY_INTERRUPTED) rc = rbk_vm_error(vm, "interrupted at approve");
    else if (!ok) rc = rbk_vm_stop(vm, "approve \"%s\": %s", q, rbk_sbuf_cstr(&a));
    else *out = rbk_bool(true);
    rbk_sbuf_free(&a);
    return rc;
}

int rbk_std_ask(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    const char *q = args[0].t == RBK_T_STRING ? RBK_AS_STR(args[0])->data : "Value";
    int secret = args[1].t == RBK_T_BOOL && args[1].as.b;
    *out = rbk_nil();
    /* --answer NAME=VALUE or --answers FILE: the same answer each time the ask runs */
    rbk_sbuf from = RBK_SBUF_INIT;
    const char *given = args[2].t == RBK_T_STRING ? rbk_vm_answer(vm, RBK_AS_STR(args[2])->data, &from) : NULL;
    if (given) {
        size_t n = strlen(given);
        if (secret && n) rbk_vm_add_secret(vm, given, n);
        rbk_sbuf a = RBK_SBUF_INIT;
        rbk_sbuf_printf(&a, "%s (%s)", secret ? RBK_MASK_REPLACEMENT : given, rbk_sbuf_cstr(&from));
        rbk_vm_record_answer(vm, q, rbk_sbuf_cstr(&a));
        rbk_sbuf_free(&a);
        rbk_sbuf_free(&from);
        *out = rbk_str_new(given, n);
        if (secret) out->secret = 1;
        return 0;
    }
    rbk_sbuf_free(&from);
    if (!rbk_vm_interactive(vm)) return rbk_vm_stop(vm, "ask \"%s\": nobody to answer (no terminal)", q);
    const int64_t timeout = rbk_vm_scaled(vm, 30 * 60 * 1000); /* --time-scale */
    rbk_vm_prompt_event(vm, q, secret ? "secret text" : "text", timeout);
    rbk_question ask = {.kind = RBK_ASK_TEXT, .question = q, .secret = secret, .timeout_ms = timeout};
    rbk_reply r = {.text = RBK_SBUF_INIT};
    rbk_vm_ask(vm, &ask, &r);
    if (r.status != RBK_REPLY_OK) {
        rbk_vm_record_answer(vm, q, no_answer(r.status));
        rbk_sbuf_free(&r.text);
        if (r.status == RBK_REPLY_INTERRUPTED) return rbk_vm_error(vm, "interrupted at ask");
        return rbk_vm_stop(vm, "ask \"%s\": %s", q, no_answer(r.status));
    }
    if (secret) rbk_vm_add_secret(vm, r.text.data, r.text.len);
    rbk_vm_record_answer(vm, q, secret ? RBK_MASK_REPLACEMENT : rbk_sbuf_cstr(&r.text));
    *out = rbk_str_new(rbk_sbuf_cstr(&r.text), r.text.len);
    if (secret) out->secret = 1;
    rbk_sbuf_free(&r.text);
    return 0;
}

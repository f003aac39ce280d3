/* vm/steps.c — step outcomes (docs/language.md §7): the `if` condition, attempts with `retry N
 * every P`, the step's timeout, --from/--only/--fail-at, the point of no return, the failure
 * policy, and rollback in reverse order (the failed step's own rollback first). Decides the
 * run's exit code. Emits the step and rollback events every renderer works from.
 * Shares invariants with: vm/interp.c (statuses, the error state), vm/vm.c (events). */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "vm_internal.h"

rbk_event rbk_steps_ev(rbk_vm *vm, rbk_event_kind k, int step) {
    rbk_event e;
    memset(&e, 0, sizeof e);
    e.kind = k;
    rbk_vm_stamp_step(vm, &e, step, RBK_STAMP_ALL);
    return e;
}

/* The current error as an event (FAIL) with its position and caret line. */
void rbk_steps_emit_error(rbk_vm *vm, int step, const char *prefix) {
    rbk_event e = rbk_steps_ev(vm, RBK_EV_FAIL, step);
    rbk_sbuf line = RBK_SBUF_INIT, text = RBK_SBUF_INIT;
    rbk_sbuf_printf(&text, "%s%s", prefix ? prefix : "", vm->err ? vm->err : "failed");
    e.text = rbk_sbuf_cstr(&text);
    e.status = vm->err_status == RBK_E_FAIL ? "failed" : vm->err_status == RBK_E_TIMEOUT ? "timeout"
             : vm->err_status == RBK_E_INTERRUPT ? "interrupted" : vm->err_status == RBK_E_STOP ? "stopped" : "error";
    if (vm->err_has_pos) rbk_vm_position(vm, vm->err_file, vm->err_off, &e, &line);
    e.detail = vm->err_expect >= 0 ? "expectation" : NULL;
    rbk_vm_emit(vm, &e);
    rbk_sbuf_free(&line);
    rbk_sbuf_free(&text);
}

rbk_status rbk_steps_raise_timeout(rbk_vm *vm, const char *detail) {
    rbk_sbuf d = RBK_SBUF_INIT;
    rbk_duration_fmt(&d, vm->part_timeout_ms);
    rbk_vm_raise(vm, RBK_E_TIMEOUT, "the %s's timeout (%s) expired%s%s", vm->part_own_timeout ? "rollback" : "step", rbk_sbuf_cstr(&d),
                 detail ? ": " : "", detail ? detail : "");
    rbk_sbuf_free(&d);
    return RBK_E_TIMEOUT;
}

/* own: timeout_ms is the rollback block's own (`rollback timeout D`), not the step's */
rbk_status rbk_steps_run_part(rbk_vm *vm, uint32_t fn, int step, rbk_part part, int64_t timeout_ms, int own, rbk_value *result) {
    int saved_step = vm->cur_step;
    int64_t saved_deadline = vm->step_deadline, saved_timeout = vm->part_timeout_ms;
    int saved_own = vm->part_own_timeout;
    vm->part_timeout_ms = timeout_ms;
    vm->part_own_timeout = own;
    vm->cur_step = step;
    vm->cur_part = part;
    vm->part_seq = 0;
    /* runbook resume: the first run of each part of the step that was cut off replays the
     * effects the journal recorded (vm.c, rbk_vm_effect_begin) */
    const rbk_resume *R = vm->opts.resume;
    vm->replaying = R && R->cut_step == step && !vm->replay_used[part] && (part == RBK_PART_ROLLBACK) == (R->cut_in_rollback != 0);
    if (vm->replaying) vm->replay_used[part] = 1;
    vm->part_waits = 0;
    vm->waits_kept = vm->replaying; /* its waits end when they were to end before the cut */
    int64_t deadline = INT64_MAX; /* saturated: the table's timeout may be as large as a forged file likes */
    if (timeout_ms > 0 && __builtin_add_overflow(rbk_now_ms(), timeout_ms, &deadline)) deadline = INT64_MAX;
    vm->step_deadline = deadline;
    rbk_vm_clear_error(vm);
    rbk_status st = rbk_interp_call(vm, fn, result);
    /* an error raised after the deadline passed is the timeout's doing */
    if (st == RBK_E_RUNTIME && vm->step_deadline != INT64_MAX && rbk_now_ms() >= vm->step_deadline) {
        char *old = vm->err;
        vm->err = NULL;
        st = rbk_steps_raise_timeout(vm, old ? old : "");
        free(old);
    }
    if (st == RBK_E_RUNTIME && *vm->interrupted) st = vm->err_status = RBK_E_INTERRUPT;
    rbk_sbuf left = RBK_SBUF_INIT;
    if (vm->replaying && rbk_vm_replay_unmatched(vm, &left)) {
        /* runbook resume: the part ended before it reached writes the journal says it did (it
         * took another path): they happened, and nothing here knows of them */
        if (st == RBK_OK) {
            rbk_vm_raise(vm, RBK_E_STOP, "resume: this step ended before it did what it did before the run was cut off; "
                                         "these writes happened then (or may have) and are not repeated or undone:%s\nThe run stops here: "
                                         "check the system; `runbook resume` again runs the step from its start, as a new attempt",
                         rbk_sbuf_cstr(&left));
            st = RBK_E_STOP;
        } else {
            rbk_vm_note(vm, "resume: the step failed before it did what it did before the run was cut off; these effects "
                            "happened then:%s", rbk_sbuf_cstr(&left));
        }
    }
    rbk_sbuf_free(&left);
    vm->step_deadline = saved_deadline;
    vm->part_timeout_ms = saved_timeout;
    vm->part_own_timeout = saved_own;
    vm->cur_step = saved_step;
    vm->cur_part = RBK_PART_TOP;
    vm->part_seq = 0;
    vm->replaying = 0;
    vm->waits_kept = 0;
    return st;
}

/* --dry-run: a body that failed (a `fail`, a runtime error) after a write was skipped may only
 * be showing the world that write would have changed: unverified, and the run goes on as if the
 * step had succeeded (docs/internals.md, "The dry run"). 1 when excused. */
int rbk_steps_dry_excused(rbk_vm *vm, rbk_status rs) {
    if (!vm->opts.dry_run || !vm->dry_skipped || (rs != RBK_E_RUNTIME && rs != RBK_E_FAIL) || vm->opts.max_ticks > 0) return 0;
    rbk_sbuf n = RBK_SBUF_INIT;
    rbk_sbuf_adds(&n, "dry run: the step failed after a skipped write; unverified (");
    rbk_vm_dry_depends(vm, &n);
    rbk_sbuf_printf(&n, "): %s", vm->err ? vm->err : "failed");
    rbk_vm_clear_error(vm);
    rbk_vm_note(vm, "%s", rbk_sbuf_cstr(&n));
    rbk_sbuf_free(&n);
    vm->checks_unverified++;
    return 1;
}

const char *rbk_steps_status_word(rbk_status st) {
    switch (st) {
    case RBK_OK: return "ok";
    case RBK_E_STOP: return "stopped";
    case RBK_E_INTERRUPT: return "interrupted";
    default: return "failed";
    }
}

/* Rolls back: the failed step's own rollback (if any), then every completed step in reverse.
 * Returns the exit code: `ok_code` when everything that could be rolled back was, else 3. */
static int rollback(rbk_vm *vm, int failed_step, int ok_code) {
    rbk_unit *u = vm->u;
    int n = 0;
    int *order = rbk_xcalloc((size_t)u->nsteps + 1, sizeof(int));
    if (failed_step >= 0) order[n++] = failed_step;
    for (int i = vm->ncompleted - 1; i >= 0; i--) order[n++] = vm->completed[i];
    vm->in_rollback = 1;
    int code = ok_code;
    const rbk_resume *R = vm->opts.resume;
    for (int k = 0; k < n; k++) {
        int s = order[k];
        rbk_step *st = &u->steps[s];
        if (R && R->rolled_back[s]) {
            rbk_event e = rbk_steps_ev(vm, RBK_EV_NOTE, s);
            rbk_sbuf t = RBK_SBUF_INIT;
            rbk_sbuf_printf(&t, "rollback of \"%s\": done before the resume (journal)", rbk_vm_str(vm, st->name));
            e.text = rbk_sbuf_cstr(&t);
            rbk_vm_emit(vm, &e);
            rbk_sbuf_free(&t);
            continue;
        }
        if ((st->flags & RBK_STEP_IRREVERSIBLE) && s != failed_step) {
            rbk_event e = rbk_steps_ev(vm, RBK_EV_ROLLBACK_END, s);
            e.status = "blocked";
            rbk_sbuf t = RBK_SBUF_INIT;
            const char *why = rbk_vm_str(vm, st->irreversible);
            rbk_sbuf_printf(&t, "cannot roll back past an irreversible step%s%s", why && *why ? ": " : "", why ? why : "");
            e.text = rbk_sbuf_cstr(&t);
            rbk_vm_emit(vm, &e);
            rbk_sbuf_free(&t);
            for (int j = k + 1; j < n; j++) {
                rbk_event e2 = rbk_steps_ev(vm, RBK_EV_ROLLBACK_END, order[j]);
                e2.status = "not-run";
                e2.text = "before the point of no return";
                rbk_vm_emit(vm, &e2);
            }
            code = 3;
            break;
        }
        if (st->rollback_fn == RBK_NONE || (st->flags & RBK_STEP_NOTHING_TO_UNDO)) {
            rbk_event e = rbk_steps_ev(vm, RBK_EV_ROLLBACK_END, s);
            e.status = "none";
            e.text = (st->flags & RBK_STEP_IRREVERSIBLE) ? "irreversible: nothing to roll back"
                   : (st->flags & RBK_STEP_NOTHING_TO_UNDO) ? "nothing to undo (an empty rollback block)" : "no rollback block";
            rbk_vm_emit(vm, &e);
            continue;
        }
        if (st->flags & RBK_STEP_PER_ITEM) {
            int ran = 0;
            for (int i = 0; vm->inst && i < vm->inst[s].n; i++) ran += vm->inst[s].v[i].ran && !vm->inst[s].v[i].rolled_back;
            if (!ran) {
                rbk_event e = rbk_steps_ev(vm, RBK_EV_ROLLBACK_END, s);
                e.status = "none";
                e.text = "no instance to roll back";
                rbk_vm_emit(vm, &e);
                continue;
            }
        }
        rbk_event e = rbk_steps_ev(vm, RBK_EV_ROLLBACK_START, s);
        rbk_vm_emit(vm, &e);
        int64_t t0 = rbk_now_ms();
        vm->attempt = 1;
        rbk_status rs;
        if (st->flags & RBK_STEP_PER_ITEM) {
            /* each instance that ran, in reverse order of their end (vm/instances.c) */
            rs = rbk_instances_rollback(vm, (uint32_t)s, 0);
        } else {
            rbk_value r = rbk_nil();
            /* `rollback timeout D`: the block's own bound (a restore may need longer than the step) */
            int own = st->rollback_timeout_ms > 0;
            rs = rbk_steps_run_part(vm, st->rollback_fn, s, RBK_PART_ROLLBACK, own ? st->rollback_timeout_ms : st->timeout_ms, own, &r);
            rbk_unref(r);
        }
        rbk_event e2 = rbk_steps_ev(vm, RBK_EV_ROLLBACK_END, s);
        e2.duration_ms = rbk_now_ms() - t0;
        if (rs == RBK_OK) {
            e2.status = "ok";
            rbk_vm_emit(vm, &e2);
            continue;
        }
        rbk_steps_emit_error(vm, s, "rollback: ");
        e2.status = "failed";
        e2.text = vm->err;
        rbk_vm_emit(vm, &e2);
        for (int j = k + 1; j < n; j++) {
            rbk_event e3 = rbk_steps_ev(vm, RBK_EV_ROLLBACK_END, order[j]);
            e3.status = "not-run";
            e3.text = "the rollback stopped at an earlier failure";
            rbk_vm_emit(vm, &e3);
        }
        code = rs == RBK_E_INTERRUPT ? 4 : 3;
        break;
    }
    vm->in_rollback = 0;
    free(order);
    return code;
}

/* Asks the operator through the CLI's hook (RBK_ASK_CHOOSE, rbk_ask_fn in vm.h). Returns the letter, or
 * 0 when there is nobody to ask or nobody answered. The question and the detail are masked
 * before they reach the terminal; the decision is recorded as a GATE event. */
static int choose(rbk_vm *vm, int step, const char *question, const char *detail, const char *options) {
    if (!vm->opts.ask || !vm->opts.interactive || *vm->interrupted == SIGHUP) return 0;
    int saved = vm->cur_step;
    vm->cur_step = step;
    rbk_sbuf q = RBK_SBUF_INIT, d = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &q, question, strlen(question));
    if (detail) rbk_vm_mask(vm, &d, detail, strlen(detail));
    rbk_vm_prompt_event(vm, question, options, 0);
    rbk_question ask = {.kind = RBK_ASK_CHOOSE, .question = rbk_sbuf_cstr(&q), .detail = detail ? rbk_sbuf_cstr(&d) : NULL,
                        .options = options};
    rbk_reply reply = {.text = RBK_SBUF_INIT};
    rbk_vm_ask(vm, &ask, &reply);
    rbk_sbuf_free(&reply.text);
    int c = reply.choice;
    if (c && !strchr(options, c)) c = 0;
    rbk_vm_record_answer(vm, question, c == 'r' ? "retry the step" : c == 'b' ? "roll back" : c == 's' ? "stop" : "no answer: stop");
    rbk_sbuf_free(&q);
    rbk_sbuf_free(&d);
    vm->cur_step = saved;
    return c;
}

/* After a failure (a step, or top-level code): apply the failure policy. Returns the exit
 * code, or -1 when the operator chose to retry the step. */
static int after_failure(rbk_vm *vm, int failed_step) {
    rbk_on_failure policy = vm->opts.on_failure;
    if (policy == RBK_ONFAIL_ASK) {
        rbk_sbuf q = RBK_SBUF_INIT;
        if (failed_step >= 0) rbk_sbuf_printf(&q, "Step \"%s\" failed. What now?", rbk_vm_str(vm, vm->u->steps[failed_step].name));
        else rbk_sbuf_adds(&q, "The top-level code failed. What now?");
        int c = choose(vm, failed_step, rbk_sbuf_cstr(&q), vm->err, failed_step >= 0 ? "rbs" : "bs");
        rbk_sbuf_free(&q);
        if (c == 'r') return -1;
        policy = c == 'b' ? RBK_ONFAIL_ROLLBACK : RBK_ONFAIL_STOP;
    }
    if (policy == RBK_ONFAIL_STOP) {
        rbk_event e = rbk_steps_ev(vm, RBK_EV_NOTE, -1);
        e.text = vm->opts.on_failure == RBK_ONFAIL_STOP ? "--on-failure=stop: nothing was rolled back"
                                                        : "stopped by the operator: nothing was rolled back";
        rbk_vm_emit(vm, &e);
        return 3;
    }
    return rollback(vm, failed_step, 1);
}

/* The attempts of step idx's body (`retry N every D`), from automatic attempt first_k on: the
 * STEP_RETRY events, each failed attempt's error, --fail-at (the step's name, or label: an
 * instance's), a dry run's excuse. item: a per-item step's instance's (its body's parameter),
 * else NULL. *attempt counts every attempt made (in and out); *rehearsal: failed on purpose.
 * Returns the last attempt's status (its error set). Shared by a step and an instance
 * (vm/instances.c). */
rbk_status rbk_steps_attempts(rbk_vm *vm, uint32_t idx, const rbk_value *item, const char *label, uint32_t first_k,
                              uint32_t *attempt, int *rehearsal) {
    rbk_step *st = &vm->u->steps[idx];
    const char *name = rbk_vm_str(vm, st->name);
    rbk_status rs = RBK_OK;
    for (uint32_t k = first_k; k <= st->retries; k++, (*attempt)++) {
        vm->attempt = (int)*attempt + 1;
        if (vm->opts.max_ticks > 0 && rbk_vm_tick(vm)) { /* sandboxed: an attempt is a tick (vm.h) */
            rs = RBK_E_RUNTIME;
            rbk_steps_emit_error(vm, (int)idx, "");
            (*attempt)++;
            break;
        }
        if (k > first_k) {
            rbk_event r = rbk_steps_ev(vm, RBK_EV_STEP_RETRY, (int)idx);
            r.attempt = (int)*attempt + 1;
            r.text = vm->err;
            rbk_vm_emit(vm, &r);
            if (st->retry_every_ms > 0 && vm->opts.max_ticks <= 0) { /* a sandboxed run does not wait */
                rbk_cancel c = {vm->interrupted, INT64_MAX};
                if (rbk_sleep_ms(&c, rbk_time_scaled(vm->opts.time_scale, st->retry_every_ms)) == 1) { rs = RBK_E_INTERRUPT; rbk_vm_raise(vm, rs, "interrupted"); break; }
            }
        }
        rbk_value res = rbk_nil();
        if (item) { /* a per-item step's instance: its item is the body's parameter */
            vm->entry_arg = *item;
            vm->entry_arg_set = 1;
        }
        rs = rbk_steps_run_part(vm, st->body_fn, (int)idx, RBK_PART_BODY, st->timeout_ms, 0, &res);
        vm->entry_arg_set = 0;
        rbk_unref(res);
        if (rs != RBK_OK && rbk_steps_dry_excused(vm, rs)) rs = RBK_OK;
        if (rs == RBK_OK && vm->opts.fail_at && (!strcmp(vm->opts.fail_at, name) || (label && !strcmp(vm->opts.fail_at, label)))) {
            rbk_vm_raise(vm, RBK_E_FAIL, "failed on purpose after its body (--fail-at rehearsal)");
            *rehearsal = 1;
            rs = RBK_E_FAIL;
            rbk_steps_emit_error(vm, (int)idx, "");
            (*attempt)++;
            break; /* a rehearsal failure is not retried */
        }
        if (rs == RBK_OK || rs == RBK_E_STOP || rs == RBK_E_INTERRUPT) { (*attempt)++; break; }
        rbk_steps_emit_error(vm, (int)idx, k < st->retries ? "attempt failed: " : "");
    }
    return rs;
}

/* The journal could not be written: what has not started does not start; exit 4 as after an
 * interrupt, with the reason. */
static void refuse_unjournaled(rbk_vm *vm, int step) {
    rbk_vm_raise(vm, RBK_E_INTERRUPT, "not started: the journal could not be written (%s); nothing is started without its record on disk",
                 vm->sink_failed);
    rbk_steps_emit_error(vm, step, "");
    vm->exit_code = 4;
}

/* Emits a step_end; after a step that ended ok or skipped, with --journal, it carries the globals
 * (state): the step's completion and what it left are one record, so no kill can separate them. */
static void emit_step_end(rbk_vm *vm, rbk_event *e) {
    rbk_sbuf j = RBK_SBUF_INIT;
    if (vm->opts.checkpoints && e->status && (!strcmp(e->status, "ok") || !strcmp(e->status, "skipped"))) {
        rbk_vm_checkpoint_json(vm, &j);
        e->state = rbk_sbuf_cstr(&j);
    }
    rbk_vm_emit(vm, e);
    e->state = NULL;
    rbk_sbuf_free(&j);
}

/* runbook resume: a step that completed before is not run again; its checkpoint restores the
 * globals it left. The first step not done, in a run that was rolling back, continues the
 * rollback. Returns -1 when the step is to run. */
static int resumed(rbk_vm *vm, uint32_t idx) {
    const rbk_resume *R = vm->opts.resume;
    if (!R) return -1;
    rbk_step *st = &vm->u->steps[idx];
    if (R->done[idx]) {
        if ((st->flags & RBK_STEP_PER_ITEM) && R->done[idx] == 1 && rbk_instances_restore(vm, idx)) {
            /* its instances' items, for a rollback later in this run */
            rbk_steps_emit_error(vm, (int)idx, "resume: ");
            vm->exit_code = 3;
            return 1;
        }
        if (R->checkpoint[idx]) {
            rbk_sbuf err = RBK_SBUF_INIT;
            if (rbk_vm_restore_checkpoint(vm, R->checkpoint[idx], &err)) {
                rbk_vm_raise(vm, RBK_E_RUNTIME, "resume: %s", rbk_sbuf_cstr(&err));
                rbk_sbuf_free(&err);
                rbk_steps_emit_error(vm, (int)idx, "");
                vm->exit_code = 3;
                return 1;
            }
            rbk_sbuf_free(&err);
        }
        rbk_event e = rbk_steps_ev(vm, RBK_EV_STEP_END, (int)idx);
        e.status = R->done[idx] == 2 ? "skipped" : "ok";
        e.text = "done before the resume (journal)";
        e.code = vm->stepno;
        emit_step_end(vm, &e); /* with the state again: a resumed run can be resumed */
        if (R->done[idx] != 2) {
            vm->completed[vm->ncompleted++] = (int)idx;
            if ((st->flags & RBK_STEP_IRREVERSIBLE) && vm->point_of_no_return < 0) vm->point_of_no_return = (int)idx;
        }
        return 0;
    }
    if (R->rollback_phase) {
        rbk_event e = rbk_steps_ev(vm, RBK_EV_NOTE, -1);
        e.text = "resume: continuing the rollback that was under way";
        rbk_vm_emit(vm, &e);
        vm->exit_code = rollback(vm, R->failed_step, R->original_code);
        return 1;
    }
    return -1;
}

int rbk_steps_run(rbk_vm *vm, uint32_t idx) {
    rbk_unit *u = vm->u;
    rbk_step *st = &u->steps[idx];
    const char *name = rbk_vm_str(vm, st->name);
    vm->stepno++;
    vm->attempt = 1;
    /* --from / --only */
    const char *skip_reason = NULL;
    int per_item = (st->flags & RBK_STEP_PER_ITEM) != 0;
    vm->only_instance = vm->from_instance_pending = 0;
    if (vm->opts.only && strcmp(vm->opts.only, name)) {
        /* a per-item step's instance (vm/instances.c picks it) */
        if (per_item && rbk_instance_name_fits(vm, idx, vm->opts.only)) vm->only_instance = 1;
        else skip_reason = "not selected by --only";
    }
    if (vm->opts.from && !vm->from_reached) {
        if (!strcmp(vm->opts.from, name)) vm->from_reached = 1;
        else if (per_item && rbk_instance_name_fits(vm, idx, vm->opts.from)) vm->from_instance_pending = 1;
        else skip_reason = "before --from";
    }
    if (skip_reason) {
        rbk_event e = rbk_steps_ev(vm, RBK_EV_STEP_END, (int)idx);
        e.status = "skipped";
        e.text = skip_reason;
        e.code = vm->stepno;
        emit_step_end(vm, &e);
        return 0;
    }
    int r = resumed(vm, idx);
    if (r >= 0) return r;
    if (vm->sink_failed) {
        /* the journal cannot record this step: it does not start (rbk_vm_sink_failed) */
        refuse_unjournaled(vm, (int)idx);
        return 1;
    }
    uint32_t attempt = 0; /* counts every attempt, also those the operator asked for */
    uint32_t first_k = 0; /* the automatic attempts already made (`retry N`) */
    int rehearsal = 0;    /* --fail-at failed the step, on purpose */
    const rbk_resume *R = vm->opts.resume;
    if (R && R->cut_step == (int)idx && !R->cut_in_rollback && R->cut_attempt > 1) {
        /* the attempt that was cut off goes on with its number, and with the retries left */
        attempt = (uint32_t)R->cut_attempt - 1;
        first_k = attempt < st->retries ? attempt : st->retries;
    }
again:;
    rbk_event start = rbk_steps_ev(vm, RBK_EV_STEP_START, (int)idx);
    start.nsteps = (int)u->nsteps;
    start.code = vm->stepno;
    start.attempt = vm->attempt = (int)attempt + 1;
    rbk_vm_emit(vm, &start);
    int64_t t0 = rbk_now_ms();
    /* the step's `if` */
    if (st->cond_fn != RBK_NONE) {
        rbk_value c = rbk_nil();
        rbk_status cs = rbk_steps_run_part(vm, st->cond_fn, (int)idx, RBK_PART_COND, st->timeout_ms, 0, &c);
        if (cs == RBK_OK && (c.secret & RBK_UNVERIFIED)) {
            /* --dry-run: the condition depends on a write that was not done: show the step */
            rbk_vm_note(vm, "dry run: the step's `if` depends on a write that was not done; the step is shown as if it were true");
            rbk_unref(c);
            c = rbk_bool(true);
        }
        if (cs == RBK_OK && c.t != RBK_T_BOOL) {
            rbk_vm_raise(vm, RBK_E_RUNTIME, "the step's `if` condition must be a bool, not %s", rbk_type_name((rbk_type)c.t));
            cs = RBK_E_RUNTIME;
        }
        if (cs == RBK_OK && !c.as.b) {
            rbk_event e = rbk_steps_ev(vm, RBK_EV_STEP_END, (int)idx);
            e.status = "skipped";
            e.text = "its `if` condition is false";
            e.code = vm->stepno;
            e.duration_ms = rbk_now_ms() - t0;
            emit_step_end(vm, &e);
            return 0;
        }
        rbk_unref(c);
        if (cs != RBK_OK) {
            rbk_steps_emit_error(vm, (int)idx, "");
            rbk_event e = rbk_steps_ev(vm, RBK_EV_STEP_END, (int)idx);
            e.duration_ms = rbk_now_ms() - t0;
            e.code = vm->stepno;
            e.status = cs == RBK_E_INTERRUPT ? "interrupted" : cs == RBK_E_STOP ? "stopped" : "failed";
            e.text = vm->err;
            rbk_vm_emit(vm, &e);
            if (cs == RBK_E_INTERRUPT) goto interrupted;
            if (cs == RBK_E_STOP) { vm->exit_code = 2; return 1; }
            goto failed;
        }
    }
    if (per_item) {
        /* its instances, each with its attempts (vm/instances.c) */
        int tolerated = 0;
        rbk_status rs = rbk_instances_run(vm, idx, &tolerated);
        if (vm->opts.from && !vm->from_reached && !vm->from_instance_pending) vm->from_reached = 1;
        vm->from_instance_pending = vm->only_instance = 0;
        if (rs == RBK_OK && tolerated) {
            /* failures within max_fail: each failed instance is rolled back now (the fleet stays
             * whole), unless the operator said --on-failure=stop */
            if (vm->opts.on_failure == RBK_ONFAIL_STOP) {
                rbk_vm_note(vm, "--on-failure=stop: the failed instances were not rolled back");
            } else if (st->rollback_fn != RBK_NONE) {
                rbk_status rr = rbk_instances_rollback(vm, idx, 1);
                if (rr != RBK_OK) {
                    char *why = vm->err ? rbk_xstrdup(vm->err) : NULL;
                    rbk_vm_raise(vm, rr == RBK_E_INTERRUPT ? rr : RBK_E_FAIL, "the rollback of a failed instance failed: %s", why ? why : "failed");
                    free(why);
                    rs = rr == RBK_E_INTERRUPT ? rr : RBK_E_FAIL;
                }
            }
        }
        int ran = 0;
        rbk_instances *I = vm->inst ? &vm->inst[idx] : NULL;
        for (int i = 0; I && i < I->n; i++) ran += I->v[i].ran;
        rbk_event e = rbk_steps_ev(vm, RBK_EV_STEP_END, (int)idx);
        e.duration_ms = rbk_now_ms() - t0;
        e.code = vm->stepno;
        e.status = rs == RBK_OK && !ran && I && I->n ? "skipped" : rbk_steps_status_word(rs);
        if (rs == RBK_OK) {
            if (!ran && I && I->n) e.text = "no instance selected";
            emit_step_end(vm, &e);
            if (ran) vm->completed[vm->ncompleted++] = (int)idx;
            if (ran && (st->flags & RBK_STEP_IRREVERSIBLE) && vm->point_of_no_return < 0) {
                vm->point_of_no_return = (int)idx;
                rbk_event p = rbk_steps_ev(vm, RBK_EV_POINT_OF_NO_RETURN, (int)idx);
                p.text = rbk_vm_str(vm, st->irreversible);
                rbk_vm_emit(vm, &p);
            }
            return 0;
        }
        rbk_steps_emit_error(vm, (int)idx, "");
        e.text = rs == RBK_E_INTERRUPT ? "interrupted" : vm->err;
        rbk_vm_emit(vm, &e);
        if (rs == RBK_E_STOP) { vm->exit_code = 2; return 1; }
        if (rs == RBK_E_INTERRUPT) goto interrupted;
        goto failed;
    }
    {
        rbk_status rs = RBK_OK;
        rs = rbk_steps_attempts(vm, idx, NULL, NULL, first_k, &attempt, &rehearsal);
        rbk_event e = rbk_steps_ev(vm, RBK_EV_STEP_END, (int)idx);
        e.duration_ms = rbk_now_ms() - t0;
        e.code = vm->stepno;
        e.status = rbk_steps_status_word(rs);
        if (rs == RBK_OK) {
            emit_step_end(vm, &e);
            vm->completed[vm->ncompleted++] = (int)idx;
            if ((st->flags & RBK_STEP_IRREVERSIBLE) && vm->point_of_no_return < 0) {
                vm->point_of_no_return = (int)idx;
                rbk_event p = rbk_steps_ev(vm, RBK_EV_POINT_OF_NO_RETURN, (int)idx);
                p.text = rbk_vm_str(vm, st->irreversible);
                rbk_vm_emit(vm, &p);
            }
            return 0;
        }
        if (rs == RBK_E_STOP) {
            rbk_steps_emit_error(vm, (int)idx, "");
            e.text = vm->err;
            rbk_vm_emit(vm, &e);
            vm->exit_code = 2;
            return 1;
        }
        if (rs == RBK_E_INTERRUPT) {
            rbk_steps_emit_error(vm, (int)idx, "");
            e.text = "interrupted";
            rbk_vm_emit(vm, &e);
            goto interrupted;
        }
        e.text = vm->err;
        rbk_vm_emit(vm, &e);
    }
failed:
    /* a dry run's finding that is not a check (an error, a `fail`) already fails too */
    if (vm->opts.dry_run && vm->err_expect < 0 && !rehearsal) vm->checks_failing++;
    vm->exit_code = after_failure(vm, (int)idx);
    if (vm->exit_code == -1) { vm->exit_code = 0; first_k = 0; goto again; }
    return 1;
interrupted:
    /* SIGINT/SIGTERM on a terminal: the operator decides (docs/language.md §7); without one, or
     * after SIGHUP (the terminal is gone), the run stops with exit 4 */
    if (vm->opts.interactive && vm->opts.ask && *vm->interrupted != SIGHUP && !vm->sink_failed) {
        *vm->interrupted = 0;
        rbk_sbuf q = RBK_SBUF_INIT;
        rbk_sbuf_printf(&q, "Interrupted during step \"%s\". What now?", name);
        int c = choose(vm, (int)idx, rbk_sbuf_cstr(&q), "the running command was cancelled", "rbs");
        rbk_sbuf_free(&q);
        if (c == 'r') { first_k = 0; goto again; }
        if (c == 'b') { vm->exit_code = rollback(vm, (int)idx, 4); return 1; }
    }
    vm->exit_code = 4;
    return 1;
}

int rbk_steps_top_level_error(rbk_vm *vm) {
    if (vm->err_status == RBK_E_INTERRUPT) {
        rbk_steps_emit_error(vm, -1, "");
        return 4;
    }
    rbk_steps_emit_error(vm, -1, "top-level code failed: ");
    if (vm->opts.dry_run && vm->err_expect < 0) vm->checks_failing++; /* as a step's (rbk_steps_run) */
    int code = after_failure(vm, -1);
    return code < 0 ? 3 : code;
}

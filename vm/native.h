/* vm/native.h — what a native builtin (a row of stdlib/builtins.def) may use.
 * A native is   int fn(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out)
 * args[] are in the order of the row's signature (positional and named arguments already
 * bound by the compiler); an omitted optional argument is nil. args are borrowed; *out is
 * owned by the caller. Return 0 with *out set, or return rbk_vm_error(vm, ...) (-1).
 * Natives never print: they emit events, and every string they hand over is masked by the VM. */
#ifndef RBK_NATIVE_H
#define RBK_NATIVE_H
#include <stdarg.h>
#include "../support/clock.h"
#include "events.h"
#include "value.h"
#include "vm.h" /* the handle, the question seam, rbk_vm_mask */

typedef int (*rbk_native_fn)(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);

/* Sets the runtime error (message is masked before anyone sees it) and returns -1. */
int rbk_vm_error(rbk_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* rbk_vm_error for a text that would reach RBK_TEXT_MAX (value.h): "a text cannot be 256 MiB
 * or longer", with "WHO: " first when who (a builtin's name) is given. */
int rbk_vm_text_too_long(rbk_vm *vm, const char *who);
/* The cancellation token for an external call: deadline = now + timeout_ms (or the run's
 * --default-timeout when timeout_ms < 0), capped by the enclosing step's remaining time. */
rbk_cancel rbk_vm_cancel(rbk_vm *vm, int64_t timeout_ms);
/* Why a cancelled call stopped: "interrupted", "the step's timeout (10s)", "timeout (5s)". */
const char *rbk_vm_cancel_reason(rbk_vm *vm, const rbk_cancel *c, int64_t timeout_ms);
int rbk_vm_default_timeout_ms(rbk_vm *vm);
int rbk_vm_verbose(rbk_vm *vm);

/* Secrets: register a secret text so that it is masked in every byte written from now on. */
void rbk_vm_add_secret(rbk_vm *vm, const char *s, size_t n);
/* An output a call was told is secret (`secret: true`): registers the whole text and the text
 * without its leading and trailing white space (what trim() gives). Call it before any event
 * carries the text. */
void rbk_vm_add_secret_output(rbk_vm *vm, const char *s, size_t n);
/* rbk_vm_mask (vm/vm.h) appends a text with every registered secret replaced by ***. */
/* Appends v as the operator may see it (repr 1: as a literal, strings quoted and escaped):
 * every string masked before it is escaped, then the whole masked; a secret-marked value that
 * masking does not change is shown as *** whole. */
void rbk_vm_render_value(rbk_vm *vm, rbk_sbuf *out, rbk_value v, int repr);
/* The marks of a text built from v (an interpolation, `+`, str, join, json.encode): v's own,
 * with RBK_SECRET when it holds a secret anywhere inside, and RBK_OPAQUE too when one of those
 * secrets is not a text the registry masks (a number, a short text, a piece of one): then the
 * text built is shown as *** whole, never with only its registered parts masked
 * (docs/secrets.md). O(1) for a value without a mark that is not a list or a map. */
uint8_t rbk_vm_text_mark(rbk_vm *vm, rbk_value v);

/* Effects (the journal's intent/outcome pairs and the report's command list).
 * effect: "sh" | "exec" | "http" | "sql" | "file"; target: command, "GET url", query (unmasked:
 * the VM masks). Returns an id for rbk_vm_effect_end — or 0: do NOT perform the effect, free what
 * the call holds and return -1 at once. The VM has then decided the call's outcome: `runbook
 * resume` replays it from the journal (the value it returned, or the error it raised), or the
 * journal could not record the intent (the error is set). Call it right before the effect
 * starts, after everything that can fail without touching the world. */
uint64_t rbk_vm_effect_begin(rbk_vm *vm, const char *effect, const char *target);
/* The outcome (with --journal it is written when the native returns, with what it returned).
 * out/err: the WHOLE output (a command's stdout and stderr, a response body, a row count) or
 * the error text, unmasked and uncut: the VM masks the whole text, and each sink that keeps it
 * bounds it afterwards (masking before any cut: a secret across a cut cannot leave a part).
 * out[outlen] must be readable (it is not copied when it is the terminating NUL, as in an
 * rbk_sbuf); a NUL byte inside ends the text. */
void rbk_vm_effect_end(rbk_vm *vm, uint64_t id, const char *status, int code, const char *out,
                       size_t outlen, const char *err, size_t errlen, int64_t duration_ms);
/* Before rbk_vm_effect_end: the effect left its connection inside a transaction (SQL), so it
 * is not durable until a later COMMIT — the journal says so, and `runbook resume` does not
 * count it as done when the run died with the transaction open (docs/journal.md). */
void rbk_vm_effect_in_transaction(rbk_vm *vm, uint64_t id);
/* One live output line of a running command (emitted only with --verbose). */
void rbk_vm_output_line(rbk_vm *vm, const char *stream, const char *line, size_t n);
/* A free-form note for the operator. */
void rbk_vm_note(rbk_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Gates and decisions: emits RBK_EV_PROMPT before the run waits for the operator, and the
 * GATE event that records an answer (who: $USER, else the account name; when: the event). */
void rbk_vm_prompt_event(rbk_vm *vm, const char *question, const char *choices, int64_t timeout_ms);
void rbk_vm_record_answer(rbk_vm *vm, const char *question, const char *answer);
/* The same, answered by `who` rather than the operator (approve(): the approvers). */
void rbk_vm_record_answer_by(rbk_vm *vm, const char *question, const char *answer, const char *who);

/* The run as a native sees it. */
int rbk_vm_no_wait(rbk_vm *vm);     /* wait() does not sleep: 1 --no-wait, 2 a dry run after a skipped write */
/* --time-scale: the real time ms of runbook time takes in this run (ms itself in a real run) */
int64_t rbk_vm_scaled(rbk_vm *vm, int64_t ms);
double rbk_vm_time_scale(rbk_vm *vm); /* the factor; 0 or 1: real time */
int rbk_vm_interactive(rbk_vm *vm); /* an operator is at a terminal */
int rbk_vm_yes(rbk_vm *vm);         /* --yes answers confirm() */
/* The answer given for the ask or confirm called name (--answer, then --answers FILE), or NULL;
 * from (may be NULL) gets where it came from, as the gate event shows it ("--answer",
 * "--answers FILE"). */
const char *rbk_vm_answer(rbk_vm *vm, const char *name, rbk_sbuf *from);
/* The value of environment variable name for this run (the process environment, else the
 * --env-file values: rbk_run_env), or NULL when unset; *secret: the unit declares it secret. */
const char *rbk_vm_env(rbk_vm *vm, const char *name, int *secret);
/* The cancellation token of the running step alone: its deadline and the interrupt, no
 * timeout of the call's own (wait()). */
rbk_cancel rbk_vm_step_cancel(rbk_vm *vm);
/* Where a command runner publishes the running command's process group (rbk_run_opts), or NULL. */
volatile sig_atomic_t *rbk_vm_running_pgid(rbk_vm *vm);
/* Sets the error that stops the run (as `stop-if` true: confirm answered no, nobody to ask;
 * not caught by `within`) and returns -1. */
int rbk_vm_stop(rbk_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Events. rbk_vm_stamp fills in what is running now: ev->step (-1 outside a step), with
 * RBK_STAMP_NAME the step's name, with RBK_STAMP_ATTEMPT its attempt (the VM's own events carry
 * both; log, wait, gate and prompt events the name only, a wait's poll neither: the JSON log
 * shows what is set). rbk_vm_emit masks every string of ev and hands it to every sink. */
enum { RBK_STAMP_NAME = 1, RBK_STAMP_ATTEMPT = 2, RBK_STAMP_ALL = 3 };
void rbk_vm_stamp(rbk_vm *vm, rbk_event *ev, unsigned what);
void rbk_vm_emit(rbk_vm *vm, rbk_event *ev);

/* A wait of the run — wait() (what NULL), a `watch` window ("watch"), an approve() request
 * ("approve", target: its question) — of ms runbook time (--time-scale makes it the real time it
 * takes). Emits its WAIT event, in a step numbered in its run of the part (part, seq) with the
 * deadline it ends at (the journal's deadline_ms), and returns the real time left (>= 0). When
 * this run of the part resumes the one that was cut off, the same wait (the seq-th, of the same
 * kind and target) keeps the deadline the journal recorded for it: it returns what is left of it,
 * or 0, and sets *kept (docs/journal.md); top-level code runs again whole. *deadline_wall: when it
 * ends (epoch ms). skipped: it does not wait (--no-wait, a dry run): the event says why; returns
 * 0. deadline_wall and kept may be NULL. */
int64_t rbk_vm_wait_announce(rbk_vm *vm, int64_t ms, const char *what, const char *target, const char *skipped,
                             int64_t *deadline_wall, int *kept);

/* Asks the operator through the run's one callback (rbk_run_opts.ask, vm/vm.h). For CONFIRM and
 * TEXT the VM masks q->question first. Without a callback, reply->status is
 * RBK_REPLY_NO_TERMINAL (and reply->choice 0). reply->text must be initialized. */
void rbk_vm_ask(rbk_vm *vm, const rbk_question *q, rbk_reply *reply);
/* approve(): asks the run store for q->by approvals (rbk_run_opts.approve), q->question masked
 * first. Without one, reply->status is RBK_REPLY_NO_TERMINAL (the preflight refuses that run). */
void rbk_vm_approve(rbk_vm *vm, const rbk_question *q, rbk_reply *reply);

/* Per-VM storage for a library (the HTTP multi handle, ...): slot is a small constant. */
enum { RBK_VM_SLOT_HTTP, RBK_VM_SLOT_SQL, RBK_VM_SLOT_PROC, RBK_VM_SLOT__COUNT };
void **rbk_vm_slot(rbk_vm *vm, int slot);
/* Registers a cleanup called when the VM is destroyed. */
void rbk_vm_on_destroy(rbk_vm *vm, void (*fn)(void *), void *arg);

/* A limit argument of a builtin (max_output:, max_size:, max_rows:, max_bytes:): nil gives
 * dflt; otherwise it must be an int from 0 to max, or the call fails with
 * "WHO: NAME must be an int from 0 to MAX, got ...". Returns 0 with *out set, or -1. */
static inline int rbk_limit_arg(rbk_vm *vm, const char *who, const char *name, rbk_value v,
                                int64_t dflt, int64_t max, int64_t *out) {
    if (v.t == RBK_T_NIL) {
        *out = dflt;
        return 0;
    }
    if (v.t != RBK_T_INT)
        return rbk_vm_error(vm, "%s: %s must be an int from 0 to %lld, got %s", who, name,
                            (long long)max, rbk_type_name((rbk_type)v.t));
    if (v.as.i < 0 || v.as.i > max)
        return rbk_vm_error(vm, "%s: %s must be an int from 0 to %lld, got %lld", who, name,
                            (long long)max, (long long)v.as.i);
    *out = v.as.i;
    return 0;
}

/* A PCRE2 search of pat in subject[0..len) from byte start, with the engine, options and
 * compiled-pattern cache of `matches` (docs/language.md §4). Returns the number of groups, the
 * whole match counted (n >= 1), with *ovector at 2n byte offsets (start, end) of each, SIZE_MAX
 * for a group that did not take part; valid until the next search. Returns 0 when nothing
 * matches, -1 with the error set (a pattern that does not compile; secret: it holds a secret
 * value, so the error does not show it). not_empty_here: only a match that starts at `start`
 * and is not empty (after an empty match there, as PCRE2's pcre2demo.c finds every match). */
int rbk_vm_regex_search(rbk_vm *vm, const char *subject, size_t len, size_t start, const char *pat, size_t plen,
                        int secret, int not_empty_here, const size_t **ovector);

/* Argument helpers: string bytes of an argument known to be a string. */
static inline const char *rbk_arg_str(rbk_value v) { return RBK_AS_STR(v)->data; }
static inline size_t rbk_arg_len(rbk_value v) { return RBK_AS_STR(v)->len; }
#endif

/* Parameters marked @sql in builtins.def: when the argument is a string literal written in
 * the call, the compiler rewrites each {expr} to $1, $2, ... and passes the values as one
 * extra trailing argument (args[nsig], a list; nargs == nsig + 1). Otherwise nargs == nsig
 * and the query text is used as is. {expr:ident} is inserted quoted as an identifier and
 * {expr:raw} verbatim, by the compiler, before the call.
 * Parameters marked @shell: each {expr} is shell-quoted by the compiler (rbk_sh_quote in
 * support/shquote.h) before the call; {expr:raw} is inserted verbatim. */

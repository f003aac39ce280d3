/* vm/vm.h — the virtual machine: one rbk_vm per run (no globals; two VMs share nothing but
 * the read-only builtin table). Owns the run's options, the value stack, globals, declared
 * environment values, the secret mask (the one masking writer every emitted byte passes
 * through), event sinks, the error state and the step bookkeeping.
 * Shares invariants with: vm/interp.c (stack and frames), vm/steps.c (outcomes, rollback),
 * stdlib/native.h (what natives may call). */
#ifndef RBK_VM_H
#define RBK_VM_H
#include <signal.h>
#include "../compiler/diag.h"
#include "../stdlib/native.h"
#include "../support/mask.h"
#include "bytecode.h"
#include "events.h"

typedef enum rbk_on_failure { RBK_ONFAIL_ROLLBACK, RBK_ONFAIL_STOP, RBK_ONFAIL_ASK } rbk_on_failure;

typedef struct rbk_kv {
    char *key, *value;
} rbk_kv;

/* The operator's decisions: after a failure with --on-failure ask, after an interrupt on a
 * terminal (and, from cli/main.c, about an effect of unknown outcome at resume). The CLI
 * answers from the terminal (the VM never reads it). question: one line; detail: context (may
 * be NULL); options: letters from "r" retry the step (re-run it), "b" roll back, "s" stop (and
 * cli/prompt.h's resume letters). Returns the letter chosen, or 0 when nobody answered (no
 * terminal, EOF, a second interrupt): stop. */
typedef int (*rbk_choose_fn)(void *ctx, const char *question, const char *detail, const char *options);

/* Which function of a step is running: its effects are numbered per run of a part (the
 * journal's part and seq), so that `runbook resume` can match them. */
typedef enum rbk_part { RBK_PART_TOP, RBK_PART_COND, RBK_PART_BODY, RBK_PART_ROLLBACK } rbk_part;

/* An effect of the part that was cut off, as the journal recorded it (docs/journal.md). */
typedef enum rbk_replay_kind {
    RBK_REPLAY_VALUE, /* it completed: the call returns the recorded value, not performed again */
    RBK_REPLAY_ERROR, /* it completed with an error: the call raises the recorded error */
    RBK_REPLAY_RUN,   /* performed again: a read, or the operator chose to run it again */
    RBK_REPLAY_DONE   /* the operator counted it as done: not performed; its result cannot be read */
} rbk_replay_kind;
typedef struct rbk_replay {
    rbk_part part;
    int seq;
    rbk_replay_kind kind;
    int write;                   /* a write (a read changes nothing: not reaching it is harmless) */
    const char *effect, *target; /* as journaled: masked (the match is on the masked text) */
    const char *status;          /* its effect_end, emitted again */
    int code;
    int64_t duration_ms;
    const char *value;           /* VALUE: the returned value (JSON, the checkpoint encoding) */
    const char *error;           /* ERROR: the text of the error it raised */
    int timeout;                 /* ERROR: it was the step's timeout */
} rbk_replay;

/* What `runbook resume` knows from the journal (cli/journal.c builds it; vm/steps.c obeys it).
 * Arrays have one entry per step of the unit. */
typedef struct rbk_resume {
    uint8_t *done;          /* 0 run it; 1 completed ok; 2 skipped */
    char **checkpoint;      /* the globals after that step (the state of its step_end) */
    uint8_t *rolled_back;   /* 1: its rollback already ran */
    int rollback_phase;     /* the run was rolling back: continue the rollback */
    int failed_step;        /* the step whose failure started that rollback, -1 top-level */
    int original_code;      /* exit code the rollback phase ends with when it completes (1) */
    /* The step (or rollback block) that was cut off runs again from its start; the first run
     * of each of its parts replays the effects the journal recorded (rbk_vm_effect_begin). */
    int cut_step;           /* -1: none */
    int cut_in_rollback;
    int cut_attempt;        /* the attempt that was cut (its step_start or step_retry) */
    const rbk_replay *replay; int nreplay; /* in the order they ran, per part */
    uint64_t last_effect_id; /* the journal's highest effect_id: the resumed run's go on from it */
} rbk_resume;

typedef struct rbk_run_opts {
    rbk_on_failure on_failure;
    int dry_run, no_wait, yes, verbose, interactive;
    int64_t default_timeout_ms;
    const char *fail_at, *from, *only;
    rbk_kv *params; int nparams;
    rbk_kv *envfile; int nenvfile;     /* values from --env-file (the process env wins) */
    volatile sig_atomic_t *interrupted; /* set by the CLI's signal handler (to the signal number) */
    rbk_choose_fn choose; void *choose_ctx; /* NULL: nobody to ask */
    int checkpoints;                    /* --journal: a step_end carries the globals (state), an
                                           effect_end what the call returned (result) */
    const rbk_resume *resume;           /* runbook resume: what ran before */
    /* A sandboxed run, for tests/fuzz/fuzz_load.c, which runs every unit the loader accepts;
     * the CLI leaves both 0.
     * no_natives: no builtin is ever called. A native call (or a method call on a connection)
     *   fails with the runtime error "native calls are disabled (NAME was not called)", which
     *   the run handles as any other error (`within`, retries, the failure policy, rollback):
     *   no command, request, query, file, prompt or `wait` happens. With dry_run a write is
     *   first shown as skipped, as always (no native is called for that either).
     * max_ticks: > 0 bounds the run's work. A tick is a backward jump, a function call, a
     *   caught error, a step attempt, or one round of a `within`/`watch` poll; such a run never
     *   sleeps (a poll round and a `retry ... every` pause do not wait). Once more than
     *   max_ticks ticks are counted, each further one raises the runtime error "the run's work
     *   budget (N ticks) is spent", which no `within` catches. 0: no limit. */
    int no_natives;
    int64_t max_ticks;
} rbk_run_opts;

/* status of interpreting a function */
typedef enum rbk_status {
    RBK_OK = 0,
    RBK_E_RUNTIME,   /* an error (catchable by `within`) */
    RBK_E_FAIL,      /* expect false / fail: the step fails */
    RBK_E_STOP,      /* stop-if true / confirm no: the run stops */
    RBK_E_TIMEOUT,   /* the step's timeout */
    RBK_E_INTERRUPT, /* Ctrl-C / SIGTERM */
    RBK_HALT         /* the run is over (exit code decided) */
} rbk_status;

typedef struct rbk_handler {
    int frame;
    size_t sp;       /* stack height to restore */
    const uint8_t *target;
} rbk_handler;

typedef struct rbk_frame {
    uint32_t fn;
    const uint8_t *ip;
    rbk_value *base;
    int nhandlers_at_entry;
} rbk_frame;

struct rbk_vm {
    rbk_unit *u;
    rbk_run_opts opts;
    rbk_sources sources;        /* the unit's sources, for positions and carets */
    rbk_event_sink sinks[8];
    int nsinks;
    rbk_mask *mask;
    volatile sig_atomic_t *interrupted;
    volatile sig_atomic_t no_interrupt;
    /* natives */
    int *native_ids;            /* unit native index -> builtin id */
    rbk_native_fn *native_fns;
    /* state */
    rbk_value *globals;
    uint8_t *global_set;
    rbk_value *envvals;
    rbk_value *stack;
    size_t stack_cap;
    size_t sp;                  /* height used by suspended interpreter calls */
    rbk_frame *frames;
    int nframes, cap_frames;
    rbk_handler *handlers;
    int nhandlers, cap_handlers;
    /* Expectation values (TRACE). Function f owns trace[trace_base[f] .. + its ntrace): a
     * function is on the call stack at most once (there is no recursion), so a call made while
     * a condition is traced (a fn that runs an expect of its own) cannot shift or overwrite
     * them. Cleared by TRACE_RESET, at the start of each expectation, and once it is decided
     * (vm/interp.c, trace_clear). A forged unit that recurses only shares one function's slots
     * between its activations: indices stay in bounds. */
    rbk_value *trace;
    uint8_t *trace_set;         /* 0 not evaluated, 1 a value, 2 the error it raised (a string) */
    size_t *trace_base;         /* per function */
    /* Per function: a `within` handler in it caught an error raised at this pc of its code (the
     * instruction itself, or the call that led to it), RBK_NONE: none. WITHIN_POLL takes it;
     * PROTECT clears it (every poll starts with one), so it never outlives its poll. */
    uint32_t *caught_pc;
    /* error */
    rbk_status err_status;
    char *err;                  /* unmasked message (masked when emitted) */
    int err_has_pos;
    uint32_t err_file, err_off;
    int err_expect;             /* expectation index of a failed expect, or -1 */
    /* run */
    int64_t run_start_ms;
    int cur_step;
    int attempt;
    int64_t step_deadline;      /* absolute monotonic ms, INT64_MAX when none */
    int poll_every;             /* the interpreter polls (check_budget) every this many backward
                                   jumps, calls and caught errors: 1024, or 1 with max_ticks */
    int64_t ticks;              /* counted against opts.max_ticks (rbk_vm_tick) */
    int in_rollback;
    int *completed; int ncompleted;
    int point_of_no_return;     /* step index or -1 */
    int exit_code;
    int from_reached, stepno;
    uint64_t next_effect;
    rbk_part cur_part;          /* the running part of step cur_step */
    int part_seq;               /* effects begun in this run of the part */
    int replaying;              /* this run of the part replays opts.resume->replay */
    uint8_t replay_used[4];     /* per rbk_part: only its first run in the cut step replays */
    const rbk_replay *replay_now; /* set by rbk_vm_effect_begin: the running call replays it */
    uint64_t replay_id;
    int call_write;             /* the running native call is a write (rbk_call_effect) */
    int in_native;              /* a native is running: its effect_end waits for its result */
    struct {                    /* that effect_end (rbk_vm_effect_end, rbk_vm_effect_finish) */
        int set, code, seq, in_txn;
        uint64_t id;
        char *status, *out, *err;
        int64_t duration_ms;
    } pending_end;
    char *sink_failed;          /* a sink could not record an event (rbk_vm_sink_failed) */
    uint8_t *global_lost;       /* restored from a checkpoint that could not hold its value */
    void *slots[RBK_VM_SLOT__COUNT];
    struct { void (*fn)(void *); void *arg; } on_destroy[8];
    int non_destroy;
    /* regex cache (pattern constant -> compiled) */
    void **regex;
    uint32_t nregex;
    rbk_sbuf scratch;
};

/* The value of environment variable name for this run: the process environment, else the
 * --env-file values; NULL when unset. The one lookup (preflight, env.get, the journal, resume). */
const char *rbk_run_env(const rbk_run_opts *o, const char *name);
/* Who is running: $USER, else the account name ($USER is unset under cron, CI and sudo -i). */
const char *rbk_operator_name(void);

/* Creates a VM for a verified unit (the VM takes ownership of u). */
rbk_vm *rbk_vm_new(rbk_unit *u, const rbk_run_opts *opts);
/* A VM without a unit, for unit tests of natives. */
rbk_vm *rbk_vm_new_bare(void);
void rbk_vm_free(rbk_vm *vm);
const char *rbk_vm_last_error(rbk_vm *vm);
void rbk_vm_add_sink(rbk_vm *vm, rbk_event_sink_fn fn, void *ctx);
/* Checks env, params and gates (everything that can be checked before step 1); on problems
 * appends one line per problem to *problems and returns the number of problems. */
int rbk_vm_preflight(rbk_vm *vm, rbk_sbuf *problems);
/* Runs the unit; returns the exit code (LANGUAGE.md §7). */
int rbk_vm_run(rbk_vm *vm);
/* A sink that must record every event (the journal) and could not: no effect starts from now
 * on (its intent could not be recorded): rbk_vm_effect_begin raises an interrupt instead, and
 * the run stops as after one, without a question and without a rollback. why: shown. */
void rbk_vm_sink_failed(rbk_vm *vm, const char *why);

/* The run's secret registry, for a sink that keeps text until the run ends and masks it again
 * then (cli/report.c): every secret registered so far. */
const rbk_mask *rbk_vm_registry(const rbk_vm *vm);

/* internal, shared by interp.c and steps.c */
void rbk_vm_emit(rbk_vm *vm, rbk_event *ev);
rbk_status rbk_interp_call(rbk_vm *vm, uint32_t fn, rbk_value *result);
int rbk_steps_run(rbk_vm *vm, uint32_t step); /* 0 continue, 1 halt */
int rbk_steps_top_level_error(rbk_vm *vm);    /* returns the exit code */
int rbk_vm_raise(rbk_vm *vm, rbk_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Counts one tick of opts.max_ticks: 0, or -1 with the budget error raised (RBK_E_RUNTIME).
 * Call only when opts.max_ticks > 0. */
int rbk_vm_tick(rbk_vm *vm);
void rbk_vm_clear_error(rbk_vm *vm);
const char *rbk_vm_str(rbk_vm *vm, uint32_t k); /* string constant */
void rbk_vm_render_value(rbk_vm *vm, rbk_sbuf *out, rbk_value v, int repr); /* masked */
/* rbk_vm_render_value that shows at most max bytes (" … (cut: 64 KiB shown)" after them),
 * and renders little more than that. */
void rbk_vm_render_shown(rbk_vm *vm, rbk_sbuf *out, rbk_value v, int repr, size_t max);
/* The most text an expectation's traced sub-expression value shows (the report keeps 1 KiB
 * of it, the terminal prints it when the expectation fails). */
#define RBK_TRACE_VALUE_MAX ((size_t)64 << 10)
void rbk_vm_position(rbk_vm *vm, uint32_t file, uint32_t off, rbk_event *ev, rbk_sbuf *lineb);
int rbk_vm_interrupted(rbk_vm *vm);
/* vm/checkpoint.c: the globals as checkpoint JSON (secrets, handles and functions left out,
 * named in "unsaved"); and restoring them. */
void rbk_vm_checkpoint_json(rbk_vm *vm, rbk_sbuf *out);
int rbk_vm_restore_checkpoint(rbk_vm *vm, const char *json, rbk_sbuf *err);
/* Why global k cannot be read after a resume ("a secret", ...), or NULL when it can. */
const char *rbk_vm_lost_why(rbk_vm *vm, uint32_t k);
/* A call's returned value in the same encoding, for the journal: appends {"value":V}, or
 * {"unrecorded":"why"} when it cannot be written (a secret, a handle, larger than
 * RBK_RESULT_MAX). And back: the value of V (JSON text); 0, or -1 when malformed. */
#define RBK_RESULT_MAX ((size_t)1 << 20)
void rbk_vm_result_json(rbk_vm *vm, rbk_value v, rbk_sbuf *out);
int rbk_vm_value_from_json(rbk_vm *vm, const char *json, rbk_value *out);
/* The result of an effect counted as done at a resume: for a builtin that returns a record
 * (ret "{code:int, ...}"), a map whose every field raises `why` when read; else nil. */
rbk_value rbk_vm_unknown_result(const char *ret, const char *why);
/* After a native call (vm/interp.c, call_native): replays what rbk_vm_effect_begin matched,
 * or emits the effect_end the call deferred, with its result. Returns the call's failed flag. */
int rbk_vm_effect_finish(rbk_vm *vm, const char *ret, int failed, rbk_value *out);
/* The writes the journal recorded for the running part that this run of it has not reached
 * (one line each), when it replays (vm->replaying); returns their number. */
int rbk_vm_replay_unmatched(rbk_vm *vm, rbk_sbuf *out);
#endif

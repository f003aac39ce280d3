/* vm/vm_internal.h — the VM's state and the functions its own files share: the interpreter
 * (vm/interp.c), the steps (vm/steps.c), the run (vm/vm.c), checkpoints (vm/checkpoint.c).
 * Nothing outside vm/ includes it (tests may): the CLI uses vm/vm.h, natives vm/native.h, and
 * everything they need of the state is a function there.
 * Shares invariants with: vm/interp.c (stack and frames), vm/steps.c (outcomes, rollback),
 * vm/vm.c (events, effects, the error state). */
#ifndef RBK_VM_INTERNAL_H
#define RBK_VM_INTERNAL_H
#include "../support/source.h"
#include "builtins.h"
#include "native.h"
#include "vm.h"

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

/* A per-item step's instances (vm/instances.c): one per item of its list, in the list's order. */
typedef enum rbk_inst_outcome {
    RBK_INST_PENDING = 0, RBK_INST_OK, RBK_INST_FAILED, RBK_INST_SKIPPED, RBK_INST_STOPPED, RBK_INST_INTERRUPTED
} rbk_inst_outcome;
typedef struct rbk_instance {
    char *label;            /* its name: the step's name with the item in its holes */
    rbk_value item;
    rbk_inst_outcome outcome;
    int ran;                /* its body ran (to the end or not): its rollback undoes it */
    int order;              /* the order it ended in, from 1 (rollback goes in reverse); 0: not ended */
    int rolled_back;
} rbk_instance;
typedef struct rbk_instances {
    rbk_instance *v;
    int n, ended;
} rbk_instances;

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
    rbk_native_fn *native_fns;  /* unit native index -> its function, once resolved */
    rbk_native_fn *fns_by_id;   /* builtin id -> its function, once resolved (rbk_vm_native_fn) */
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
    int64_t part_timeout_ms;    /* the timeout that set step_deadline (run_part), for its message */
    int part_own_timeout;       /* 1: a rollback block's own `rollback timeout D` */
    int poll_every;             /* the interpreter polls (check_budget) every this many backward
                                   jumps, calls and caught errors: 1024, or 1 with max_ticks */
    int64_t ticks;              /* counted against opts.max_ticks (rbk_vm_tick) */
    int in_rollback;
    int *completed; int ncompleted;
    int point_of_no_return;     /* step index or -1 */
    int exit_code;
    int from_reached, stepno;
    int from_instance_pending;  /* --from names an instance of the per-item step running now */
    int only_instance;          /* --only names an instance of the per-item step running now */
    uint64_t next_effect;
    /* per-item steps (vm/instances.c): per step index, its instances (NULL until it runs);
     * the instance running now (its name stamps every event of step inst_step); the value the
     * next rbk_interp_call puts in its first local (the item); in an instance's own process,
     * the pipes to the parent (-1: not one) */
    rbk_instances *inst;
    const char *cur_instance;
    int inst_step;
    rbk_value entry_arg;
    int entry_arg_set;
    int child_fd, child_ack;
    rbk_part cur_part;          /* the running part of step cur_step */
    int part_seq;               /* effects begun in this run of the part */
    int replaying;              /* this run of the part replays opts.resume->replay */
    int part_waits;             /* waits begun in this run of the part */
    int waits_kept;             /* this run of the part keeps the deadlines of opts.resume->waits */
    uint8_t replay_used[4];     /* per rbk_part: only its first run in the cut step replays */
    const rbk_replay *replay_now; /* set by rbk_vm_effect_begin: the running call replays it */
    uint64_t replay_id;
    int call_write;             /* the running native call is a write (rbk_call_effect) */
    int in_native;              /* a native is running: its effect_end waits for its result */
    int pending_in_call;        /* that effect_end is ended by another of the same call (vm.c) */
    struct {                    /* that effect_end (rbk_vm_effect_end, rbk_vm_effect_finish) */
        int set, code, seq, in_txn;
        uint64_t id;
        char *status, *out, *err;
        int64_t duration_ms;
    } pending_end;
    char *sink_failed;          /* a sink could not record an event (rbk_vm_sink_failed) */
    /* --dry-run (docs/internals.md, "The dry run"): the writes skipped so far in this run, the
     * latest one as "sh(...) at file:line"; and the outcomes of the checks (expect, stop-if) by
     * kind, for the run_end summary */
    int dry_skipped;
    char *dry_last;
    int checks_verified, checks_unverified, checks_failing;
    uint8_t *global_lost;       /* restored from a checkpoint that could not hold its value */
    void *slots[RBK_VM_SLOT__COUNT];
    struct { void (*fn)(void *); void *arg; } on_destroy[8];
    int non_destroy;
    /* regex cache (pattern constant -> compiled) */
    void **regex;
    uint32_t nregex;
    rbk_sbuf scratch;
};

/* The function of builtin row id for this VM: resolved once (a plugin's is loaded then) and
 * kept; NULL with the runtime error set when it cannot be had. */
rbk_native_fn rbk_vm_native_fn(rbk_vm *vm, int id);
/* rbk_vm_stamp for a given step (steps.c: rollback events name the step rolled back). */
void rbk_vm_stamp_step(rbk_vm *vm, rbk_event *ev, int step, unsigned what);
/* shared by the VM's files (interp.c, steps.c, vm.c, checkpoint.c) */
rbk_status rbk_interp_call(rbk_vm *vm, uint32_t fn, rbk_value *result);
int rbk_steps_run(rbk_vm *vm, uint32_t step); /* 0 continue, 1 halt */
/* vm/steps.c, shared with vm/instances.c: an event stamped for step; the current error as a FAIL
 * event; one part of a step run under its timeout (the item of a per-item step in
 * vm->entry_arg); a dry run's excuse for a failed body; "ok", "failed", ... */
rbk_event rbk_steps_ev(rbk_vm *vm, rbk_event_kind k, int step);
void rbk_steps_emit_error(rbk_vm *vm, int step, const char *prefix);
rbk_status rbk_steps_run_part(rbk_vm *vm, uint32_t fn, int step, rbk_part part, int64_t timeout_ms, int own, rbk_value *result);
int rbk_steps_dry_excused(rbk_vm *vm, rbk_status rs);
const char *rbk_steps_status_word(rbk_status st);
rbk_status rbk_steps_attempts(rbk_vm *vm, uint32_t idx, const rbk_value *item, const char *label, uint32_t first_k,
                              uint32_t *attempt, int *rehearsal);
/* vm/instances.c: runs a per-item step's instances (after its `if`); RBK_OK when no more of
 * them failed than max_fail allows, with the error set otherwise. *tolerated: how many failed
 * within the budget. */
rbk_status rbk_instances_run(rbk_vm *vm, uint32_t idx, int *tolerated);
/* Rolls back the instances of per-item step idx that ran, in reverse order of their end
 * (only_failed: just the failed ones, the tolerated failures at the end of the step). Returns 0
 * when all are rolled back, else the status of the rollback that failed (its error set). */
rbk_status rbk_instances_rollback(rbk_vm *vm, uint32_t idx, int only_failed);
/* runbook resume: the instances of a per-item step done before (their items, for a rollback). */
int rbk_instances_restore(rbk_vm *vm, uint32_t idx);
void rbk_instances_free(rbk_vm *vm);
/* 1 when name may be an instance of per-item step idx: it has the literal text around the
 * holes of the step's name (its list is not known before the step runs). */
int rbk_instance_name_fits(rbk_vm *vm, uint32_t idx, const char *name);
/* In an instance's own process: a secret it learned goes to the parent too. */
void rbk_instances_child_secret(rbk_vm *vm, const char *s, size_t n);
int rbk_steps_top_level_error(rbk_vm *vm);    /* returns the exit code */
/* Raises RBK_E_TIMEOUT "the step's timeout (10m) expired" (or "the rollback's timeout (30m)
 * expired" in a rollback block with its own) with ": detail" when detail is not NULL. */
rbk_status rbk_steps_raise_timeout(rbk_vm *vm, const char *detail);
/* --dry-run: appends what a check or read may depend on, "may depend on: would sh(...) at
 * file:line" (the latest skipped write, and how many before it). vm/interp.c */
void rbk_vm_dry_depends(rbk_vm *vm, rbk_sbuf *b);
/* rbk_vm_add_secret as a callback (support/conninfo.h: the passwords of connection URIs). vm/vm.c */
void rbk_vm_add_secret_cb(void *vm, const char *s, size_t n);
int rbk_vm_raise(rbk_vm *vm, rbk_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int rbk_vm_vraise(rbk_vm *vm, rbk_status st, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
/* Counts one tick of opts.max_ticks: 0, or -1 with the budget error raised (RBK_E_RUNTIME).
 * Call only when opts.max_ticks > 0. */
int rbk_vm_tick(rbk_vm *vm);
void rbk_vm_clear_error(rbk_vm *vm);
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

/* vm/vm.h — the virtual machine's public interface: what the CLI (and tests) use to run a
 * verified unit. One rbk_vm per run (no globals; two VMs share nothing but the const builtin
 * table). The handle is opaque: its state (stack, globals, steps, error, effects) is
 * vm/vm_internal.h, for the interpreter, the steps and the VM's own files only; natives use
 * vm/native.h. Events leave through sinks (vm/events.h); the operator is asked through one
 * callback (rbk_ask_fn): the VM never reads the terminal.
 * Shares invariants with: vm/vm_internal.h (the state), vm/native.h (what natives may call),
 * cli/main.c (options), cli/prompt.c (the answers), cli/journal.c (resume). */
#ifndef RBK_VM_H
#define RBK_VM_H
#include <signal.h>
#include "../support/fleet.h"
#include "../support/mask.h"
#include "../support/sbuf.h"
#include "bytecode.h"
#include "events.h"

typedef struct rbk_vm rbk_vm;

typedef enum rbk_on_failure { RBK_ONFAIL_ROLLBACK, RBK_ONFAIL_STOP, RBK_ONFAIL_ASK } rbk_on_failure;

typedef struct rbk_kv {
    char *key, *value;
} rbk_kv;

/* Every question to the operator goes through one callback, rbk_ask_fn, which the CLI answers
 * from the terminal (cli/prompt.c; the VM never reads it):
 *   RBK_ASK_CHOOSE  a decision: after a failure with --on-failure ask, after an interrupt on a
 *                   terminal (and, from cli/main.c, about an effect of unknown outcome at
 *                   resume). question: one line; detail: context (may be NULL); options:
 *                   letters from "r" retry the step (re-run it), "b" roll back, "s" stop (and
 *                   cli/prompt.h's resume letters). reply->choice: the letter chosen, or 0
 *                   when nobody answered (no terminal, EOF, a second interrupt): stop.
 *   RBK_ASK_CONFIRM the gate confirm(): yes or no. reply->choice: 1 yes, 0 no.
 *   RBK_ASK_TEXT    the gate ask(): a line of text in reply->text (secret: typed without
 *                   echo; an empty secret is not an answer).
 *   RBK_ASK_APPROVE the gate approve(): `by` people other than the operator approve, through a
 *                   shared run store (rbk_run_opts.approve, not .ask: no terminal needed).
 *                   reply->text: who approved ("alice, bob").
 * For CONFIRM and TEXT, question is already masked, timeout_ms > 0 bounds the wait (0: none),
 * and reply->status says whether anyone answered (RBK_REPLY_*). The callback appends to
 * reply->text (initialized by the caller, freed by the caller). */
typedef enum rbk_ask_kind { RBK_ASK_CHOOSE, RBK_ASK_CONFIRM, RBK_ASK_TEXT, RBK_ASK_APPROVE } rbk_ask_kind;
typedef struct rbk_question {
    rbk_ask_kind kind;
    const char *question;
    const char *detail;   /* CHOOSE */
    const char *options;  /* CHOOSE */
    int secret;           /* TEXT */
    int64_t timeout_ms;   /* CONFIRM, TEXT, APPROVE */
    int by;               /* APPROVE: how many approvals */
    int64_t deadline_wall_ms; /* APPROVE: when the request ends (epoch ms), as the journal recorded it */
    int kept;             /* APPROVE: a resume keeps that deadline: the request of the run that was
                             cut off, asked with the same question and deadline, goes on */
} rbk_question;
typedef enum rbk_reply_status {
    RBK_REPLY_OK, RBK_REPLY_TIMEOUT, RBK_REPLY_INTERRUPTED, RBK_REPLY_EOF, RBK_REPLY_NO_TERMINAL
} rbk_reply_status;
typedef struct rbk_reply {
    rbk_reply_status status;
    int choice;
    rbk_sbuf text;
} rbk_reply;
typedef void (*rbk_ask_fn)(void *ctx, const rbk_question *q, rbk_reply *reply);

/* Which function of a step is running: its effects are numbered per run of a part (the
 * journal's part and seq), so that `runbook resume` can match them. */
typedef enum rbk_part { RBK_PART_TOP, RBK_PART_COND, RBK_PART_BODY, RBK_PART_ROLLBACK } rbk_part;

/* An effect of the part that was cut off, as the journal recorded it (docs/journal.md). */
typedef enum rbk_replay_kind {
    RBK_REPLAY_VALUE, /* it completed: the call returns the recorded value, not performed again */
    RBK_REPLAY_ERROR, /* it completed with an error: the call raises the recorded error */
    RBK_REPLAY_RUN,   /* performed again: a read, or the operator chose to run it again */
    RBK_REPLAY_DONE,  /* the operator counted it as done: not performed; its result cannot be read */
    RBK_REPLAY_IN_CALL /* one host of a call on several (sh/exec on: a list) that completed: not
                          performed; the call's result is its last effect's (VALUE or ERROR) */
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
/* A wait of the part that was cut off — wait(), a `watch` window, an approve() request — as the
 * journal recorded it: a resumed run's same wait (the seq-th of the part's first run, of the same
 * kind, for approve() with the same question) ends at the same time, not a whole duration later. */
typedef struct rbk_resume_wait {
    rbk_part part;
    int seq;                 /* its number among the waits of that run of the part, from 1 */
    int64_t deadline_wall_ms;
    const char *what;        /* NULL: wait(); "watch"; "approve" (the record's `effect`) */
    const char *target;      /* approve(): the question, as journaled (masked); else NULL */
} rbk_resume_wait;

/* An instance of a per-item step as the journal recorded it (docs/journal.md): done 1 ended ok,
 * 2 failed (and, when rolled_back, its rollback ran); a cut instance (started, no end) is not
 * listed unless the operator counted it as done (done 1) at the resume. */
typedef struct rbk_resume_instance {
    int step;
    const char *label;
    int done;
    int rolled_back;
} rbk_resume_instance;

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
    const rbk_resume_wait *waits; int nwaits; /* the cut step's waits (the latest record of each) */
    const rbk_resume_instance *instances; int ninstances; /* per-item steps' instances, in the order they ended */
} rbk_resume;

typedef struct rbk_run_opts {
    rbk_on_failure on_failure;
    int dry_run, no_wait, yes, verbose, interactive;
    /* --time-scale: > 1 compresses `wait`, `within`, `watch`, `retry ... every` and gate
     * timeouts by this factor (support/duration.h, rbk_time_scaled); never a step's timeout
     * or a call's. 0 or 1: real time. */
    double time_scale;
    int64_t default_timeout_ms;
    const char *fail_at, *from, *only;
    rbk_kv *params; int nparams;
    rbk_kv *envfile; int nenvfile;     /* values from --env-file (the process env wins) */
    /* --answer NAME=VALUE (the first nanswers_cli) then --answers FILE's lines: the answers to
     * named asks and confirms (docs/cli.md); checked by the CLI before step 1 */
    rbk_kv *answers; int nanswers, nanswers_cli;
    const char *answers_file;
    /* --inventory (docs/fleet.md): the hosts `hosts NAME` groups and `on:` name; NULL: none
     * given. The CLI owns it (and its ControlMaster connections, stdlib/remote.h). */
    rbk_fleet *fleet;
    volatile sig_atomic_t *interrupted; /* set by the CLI's signal handler (to the signal number) */
    volatile sig_atomic_t *running_pgid; /* the CLI's: sh()/exec() publish the running command's
                                            process group here (0: none; NULL: not published),
                                            for the signal handler's second interrupt */
    rbk_ask_fn ask; void *ask_ctx;      /* every question to the operator; NULL: nobody to ask */
    rbk_ask_fn approve; void *approve_ctx; /* approve(): a shared run store's approvals
                                           (cli/state_run.c); NULL: none, refused before step 1 */
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

/* The value of environment variable name for this run: the process environment, else the
 * --env-file values; NULL when unset. The one lookup (preflight, env.get, the journal, resume). */
const char *rbk_run_env(const rbk_run_opts *o, const char *name);
/* The value of --param text for a param of type (bytecode.h, RBK_PT_*): 1 with *out set, or 0
 * with why it is not one in *why ("not a valid int", "not valid JSON (...)"). The one reading
 * of a param's text: the preflight, the default of a list or map, the prompt (cli/prompt.c). */
int rbk_param_parse(const char *text, uint32_t type, rbk_value *out, rbk_sbuf *why);
/* Who is running: $USER, else the account name ($USER is unset under cron, CI and sudo -i). */
const char *rbk_operator_name(void);

/* Creates a VM for a verified unit (the VM takes ownership of u). */
rbk_vm *rbk_vm_new(rbk_unit *u, const rbk_run_opts *opts);
/* A VM without a unit, for unit tests of natives (vm/native.h). */
rbk_vm *rbk_vm_new_bare(void);
void rbk_vm_free(rbk_vm *vm);
const char *rbk_vm_last_error(rbk_vm *vm);
void rbk_vm_add_sink(rbk_vm *vm, rbk_event_sink_fn fn, void *ctx);
/* Checks env, params and gates (everything that can be checked before step 1); on problems
 * appends one line per problem to *problems and returns the number of problems. */
int rbk_vm_preflight(rbk_vm *vm, rbk_sbuf *problems);
/* Runs the unit; returns the exit code (docs/exit-codes.md). */
int rbk_vm_run(rbk_vm *vm);
/* A sink that must record every event (the journal) and could not: no effect starts from now
 * on (its intent could not be recorded): rbk_vm_effect_begin raises an interrupt instead, and
 * the run stops as after one, without a question and without a rollback. why: shown. */
void rbk_vm_sink_failed(rbk_vm *vm, const char *why);

/* The run's secret registry, for a sink that keeps text until the run ends and masks it again
 * then (cli/report.c): every secret registered so far. */
const rbk_mask *rbk_vm_registry(const rbk_vm *vm);

/* What the CLI reads back: the unit the VM runs (it owns it) and the options it runs with (as
 * given to rbk_vm_new, with the default timeout filled in); the string constant k of the unit. */
const rbk_unit *rbk_vm_unit(const rbk_vm *vm);
const rbk_run_opts *rbk_vm_opts(const rbk_vm *vm);
const char *rbk_vm_str(rbk_vm *vm, uint32_t k);
/* Appends s with every secret registered so far replaced by *** (a sink's own messages). */
void rbk_vm_mask(rbk_vm *vm, rbk_sbuf *out, const char *s, size_t n);
/* rbk_vm_mask for text shown as it arrives (support/mask.h rbk_mask_stream): appends all but
 * the open end, masked, and returns where the open end starts (to pass again with the next
 * bytes). */
size_t rbk_vm_mask_stream(rbk_vm *vm, rbk_sbuf *out, const char *s, size_t n);
#endif

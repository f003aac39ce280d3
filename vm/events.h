/* vm/events.h — the one event stream. The VM (and the natives, through the functions in
 * vm/native.h) emit rbk_event records; every output — terminal lines, JSON log, reports,
 * journal — is a sink that renders them. Every string in an event is already masked
 * (docs/language.md §9): a sink never sees a secret. Producers hand over whole texts — nothing is
 * cut, split or reshaped before rbk_vm_emit masks it; a sink may cut what it keeps.
 * The kinds and their names are the rows of vm/events.def.
 * Shares invariants with: vm/interp.c, vm/steps.c (emitters), cli/ sinks (renderers). */
#ifndef RBK_EVENTS_H
#define RBK_EVENTS_H
#include <stdint.h>

typedef enum rbk_event_kind {
#define RBK_EVENT(id, name) RBK_EV_##id,
#include "events.def"
#undef RBK_EVENT
    RBK_EV__COUNT
} rbk_event_kind;
/* The detail of a PROMPT event for a `tty: true` command (events.def). */
#define RBK_PROMPT_TERMINAL "terminal"

typedef struct rbk_event_value {
    const char *expr;  /* source text of the sub-expression */
    const char *value; /* its rendered value, or NULL when it has none (not evaluated, or raised) */
    const char *error; /* the error it raised (a `within` poll), or NULL; value is NULL then */
} rbk_event_value;

typedef struct rbk_event {
    rbk_event_kind kind;
    int64_t t_ms;         /* milliseconds since the run started (monotonic) */
    int64_t wall_ms;      /* epoch milliseconds */
    int step;             /* step index, -1 outside steps */
    int nsteps;
    const char *step_name;
    const char *instance; /* an instance of a per-item step: its name (NULL otherwise) */
    int attempt;          /* 1-based */
    const char *status;
    const char *text;
    const char *detail;
    const char *file;     /* source position of the statement or call, or NULL */
    int line, col;
    const char *source_line; /* that line's text, for carets */
    int64_t duration_ms;
    int64_t remaining_ms;
    int code;
    /* expectations */
    const char *source;
    int nvalues;
    const rbk_event_value *values;
    /* effects */
    uint64_t effect_id;
    const char *effect;
    const char *target;
    const char *out;
    const char *err;
    const char *stream;
    int dry_run;
    double time_scale;    /* RUN_START, RUN_END: the run's --time-scale (0: real time) */
    /* RUN_END: the expectations and stop-ifs decided, by outcome: verified (passed, clear),
     * unverified (a dry run could not decide: docs/internals.md, "The dry run"), failing
     * (failed, stopped) */
    int checks_verified, checks_unverified, checks_failing;
    const char *part;     /* the part of the step it ran in: "cond", "body", "rollback"; NULL at top level */
    int seq;              /* its number among the effects of that run of the part, from 1 */
    int write;            /* 1: a write (rbk_call_effect); 0: a read */
    int replayed;         /* runbook resume: recorded in the journal, not performed again */
    int64_t deadline_wall_ms; /* WAIT (wait, watch, approve) in a step: when it ends (epoch ms), which a resume keeps; 0: none */
    /* What the call returned or raised, for `runbook resume` to replay (opts.checkpoints only):
     * a JSON object {"value":V} (V in the checkpoint encoding), {"error":"text","status":
     * "runtime"|"timeout"}, {"done":true} (counted as done at a resume), or {"unrecorded":"why"}
     * (a secret, too large). Built secret-free by vm/checkpoint.c: not masked again. */
    const char *result;
    /* STEP_END: see above. Not masked again, like result. */
    const char *state;
    /* gates */
    const char *answer;
    const char *who;
} rbk_event;

typedef void (*rbk_event_sink_fn)(void *ctx, const rbk_event *ev);
typedef struct rbk_event_sink {
    rbk_event_sink_fn fn;
    void *ctx;
} rbk_event_sink;

const char *rbk_event_kind_name(rbk_event_kind k);
#endif

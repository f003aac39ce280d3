/* vm/events.h — the one event stream. The VM (and the natives, through the functions in
 * stdlib/native.h) emit rbk_event records; every output — terminal lines, JSON log, reports,
 * journal — is a sink that renders them. Every string in an event is already masked
 * (LANGUAGE.md §9): a sink never sees a secret. Producers hand over whole texts — nothing is
 * cut, split or reshaped before rbk_vm_emit masks it; a sink may cut what it keeps.
 * Shares invariants with: vm/interp.c, vm/steps.c (emitters), cli/ sinks (renderers). */
#ifndef RBK_EVENTS_H
#define RBK_EVENTS_H
#include <stdint.h>

typedef enum rbk_event_kind {
    RBK_EV_RUN_START,      /* text = title; detail = artifact hash; count = number of steps */
    RBK_EV_RUN_END,        /* status = ok|failed|stopped|rollback-failed|interrupted; code = exit */
    RBK_EV_SECTION,        /* text = section title */
    RBK_EV_STEP_START,     /* step, step_name, attempt */
    RBK_EV_STEP_END,       /* status = ok|failed|stopped|skipped|interrupted; text = reason;
                              state = the globals after an ok or skipped step as checkpoint JSON
                              (vm/checkpoint.c), only with opts.checkpoints (--journal) */
    RBK_EV_STEP_RETRY,     /* attempt = next attempt; text = why the last one failed */
    RBK_EV_EXPECT,         /* status = passed|failed|unverified; source; values; text = message */
    RBK_EV_STOP_IF,        /* status = clear|stopped; source; values; text = message */
    RBK_EV_FAIL,           /* text = message from `fail` or the runtime error */
    RBK_EV_LOG,            /* text */
    RBK_EV_WAIT,           /* duration_ms = total; remaining_ms; text = what is waited for */
    RBK_EV_POLL,           /* within/watch progress: remaining_ms, text = last value or error */
    RBK_EV_EFFECT_START,   /* intent: effect = sh|exec|http|sql|file; target = command/URL/query;
                              part, seq, write; replayed (runbook resume: not performed again) */
    RBK_EV_EFFECT_END,     /* outcome: status, code, out, err, duration_ms; part, seq; replayed;
                              result (with opts.checkpoints). out and err are the whole output
                              (masked): a sink that keeps them bounds them itself */
    RBK_EV_OUTPUT,         /* one live line of a running command (--verbose): text (the whole
                              line, masked), stream */
    RBK_EV_GATE,           /* text = question; answer; who */
    RBK_EV_ROLLBACK_START, /* step whose rollback block starts */
    RBK_EV_ROLLBACK_END,   /* status = ok|failed|not-run|blocked; text = reason */
    RBK_EV_POINT_OF_NO_RETURN, /* step = the first irreversible step that ran */
    RBK_EV_NOTE,           /* text: anything else worth telling the operator */
    RBK_EV_PROMPT,         /* the run waits for the operator: text = question, detail = choices,
                              remaining_ms = time left to answer (0: no limit). A GATE event
                              with the answer follows. Renderers pause live output. */
    RBK_EV__COUNT
} rbk_event_kind;

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
    const char *part;     /* the part of the step it ran in: "cond", "body", "rollback"; NULL at top level */
    int seq;              /* its number among the effects of that run of the part, from 1 */
    int write;            /* 1: a write (rbk_call_effect); 0: a read */
    int replayed;         /* runbook resume: recorded in the journal, not performed again */
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

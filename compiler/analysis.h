/* compiler/analysis.h — the reviewable outline of a runbook, rendered by `runbook plan`
 * (cli/plan.c) and `runbook doc` (cli/doc.c): built from the checked AST (compiler/compiler.h),
 * never from a run. It holds the declarations (env, params, with the comments written beside them), the
 * sequence of top-level code and steps, each step's items in source order (external effects
 * "as written", gates, guards, waits, watch/within windows, branches, loops, and calls to
 * user functions expanded in place with their parameters replaced by the call's arguments),
 * and the worst-case durations (docs/plan.md, "Worst-case duration").
 * Owns: the outline and its costs (compiler/analysis.c, compiler/analysis_text.c). Loading
 * FILE.rb or FILE.rbc into the checked compilation it is built from is cli/load.c's.
 * Shares invariants with: compiler/sema.c (annotations: sym, list2, aux of calls and fields),
 * compiler/codegen.c (what a step's timeout/retry/rollback mean), stdlib/builtins.def
 * (effect tags), vm/steps.c and stdlib/std_core.c (what the worst case models). */
#ifndef RBK_ANALYSIS_H
#define RBK_ANALYSIS_H
#include <stdint.h>
#include "compiler.h"

#define RBK_DEFAULT_CALL_TIMEOUT_MS 30000      /* --default-timeout when not given */
#define RBK_DEFAULT_GATE_TIMEOUT_MS 1800000    /* confirm without timeout:, ask */

/* A worst-case bound: machine time (calls, waits, polling) and operator time (gates), each
 * with the reason it has no bound (NULL when bounded). */
typedef struct rbk_cost {
    int64_t machine_ms, operator_ms;
    char *machine_why, *operator_why;
} rbk_cost;

typedef enum rbk_oi_kind {
    RBK_OI_EFFECT,   /* a builtin that leaves the process (read or write) */
    RBK_OI_GATE,     /* confirm / ask */
    RBK_OI_WAIT,     /* wait(d) */
    RBK_OI_EXPECT,   /* expect [within D every P]; kids: the calls in the condition */
    RBK_OI_STOP_IF,
    RBK_OI_FAIL,
    RBK_OI_WATCH,    /* kids: the block */
    RBK_OI_IF,       /* kids: the then-block; alt: the else-block */
    RBK_OI_FOR,      /* kids: the body */
    RBK_OI_CALL,     /* a user function; kids: its body's items */
    RBK_OI_LOG       /* log(msg) */
} rbk_oi_kind;

enum { RBK_TMO_NONE, RBK_TMO_EXPLICIT, RBK_TMO_DEFAULT, RBK_TMO_UNKNOWN };

typedef struct rbk_oitem rbk_oitem;
typedef struct rbk_oitems {
    rbk_oitem *v;
    int n, cap;
} rbk_oitems;

struct rbk_oitem {
    rbk_oi_kind kind;
    const char *builtin;   /* builtins.def name: "sh", "http.get", "sql.exec" ... */
    int write;             /* EFFECT: 1 write, 0 read */
    char *verb;            /* "GET", "POST" ... for HTTP; else NULL */
    char *text;            /* the main operand (command, URL, query, path, question, condition) */
    int literal;           /* text is the inside of a string literal written in the call */
    char *options;         /* the other arguments as written: "timeout: 10m, check: false" */
    char *message;         /* expect / stop-if / fail message, inside of the literal (or source) */
    char *window;          /* EXPECT within: "within 2m every 5s"; WATCH: "15m every 30s" */
    char *repeat;          /* context of an effect: "polled within 2m every 5s", "for each t in tables" */
    char *via;             /* the user functions it is reached through: "v1_healthy → web.expect_status" */
    char *note;            /* the operand splices run parameters `{p:raw}`: "p = DEFAULT; ..." */
    int tmo_kind;          /* EFFECT/GATE: RBK_TMO_* */
    int64_t timeout_ms;    /* EFFECT/GATE/WAIT: the bound used */
    int file, line;        /* where it is written */
    const char *module;    /* CALL: the module path ("std/pg") or NULL for the root file */
    rbk_cost cost;         /* worst case of this item (kids included) */
    int has_write, has_gate; /* some kid (transitively) writes / asks */
    rbk_oitems kids, alt;
};

typedef struct rbk_ostep {
    int index;             /* 0-based execution order (c->steps) */
    const char *name;
    const char *section;   /* or NULL */
    int file, line;
    char *description;     /* the comment lines written directly above `step`, or NULL */
    char *cond;            /* the `if` condition as written, or NULL */
    int64_t timeout_ms;    /* 0: none */
    int64_t rollback_timeout_ms; /* `rollback timeout D`; 0: the rollback block has the step's */
    int retries;
    int64_t retry_every_ms;
    int irreversible;
    char *why;             /* irreversible "why" */
    int has_rollback;
    int nothing_to_undo;   /* the rollback block is empty, `rollback {}`: there is nothing to undo */
    rbk_oitems cond_items, body, rollback;
    rbk_cost cond_cost, body_cost, rollback_cost; /* uncapped, one attempt */
    rbk_cost worst, rollback_worst;               /* the step's rules applied */
    /* a per-item step (docs/fleet.md): `for VAR in LIST serial N|P% max_fail N|P%`. Its
     * instances run in batches of `serial`, a batch as long as its longest instance, so worst
     * is the `if` and the list plus batches x instance_worst; the rollback undoes the instances one at a
     * time, so rollback_worst is items x instance_rollback_worst. A count not known before
     * the run leaves the product unbounded, its why saying so (rbk_ostep_worst_text). */
    int per_item;
    const char *var;
    char *list;            /* the list as written */
    int list_group;        /* the list is `hosts.G`: G's index in envs (--inventory knows its length); else -1 */
    int serial, serial_pct, max_fail, max_fail_pct;
    int64_t items;         /* the list's length, when known before the run; else -1 */
    const char *list_param; /* not known because of this required (or secret) param, or NULL */
    int64_t batches;       /* at most this many batches (known items, or a serial P%: ceil(100/P)); else -1 */
    rbk_cost instance_worst, instance_rollback_worst;
    rbk_cost list_cost;    /* computing the list, once (its effects are in cond_items, after the `if`'s) */
} rbk_ostep;

typedef struct rbk_ocode {   /* top-level code (or a module's initialiser) between steps */
    const char *label;       /* "top-level code", or the module's path ("std/pg") */
    int module_init;         /* a module's top-level lets (they run before everything) */
    int file, line, last_line;
    int before_step;         /* index of the step that follows, or -1 (after the last step) */
    rbk_oitems items;
    rbk_cost cost;
} rbk_ocode;

typedef struct rbk_osection {
    const char *title;
    char *description;
    int line, first_step, nsteps;
} rbk_osection;

typedef struct rbk_oenv {
    const char *name;
    int secret, optional, line;
    int hosts;               /* a `hosts` group (docs/fleet.md), not an environment variable */
    char *description;       /* the comment written at the end of its line */
} rbk_oenv;

typedef struct rbk_oparam {
    const char *name;
    const char *type;
    char *deflt;             /* the default as written ("***" when secret), or NULL (required) */
    int secret;              /* `param ... secret`: its value is never shown */
    int line;
    char *description;
} rbk_oparam;

typedef struct rbk_oseq { int is_step, index; } rbk_oseq;

typedef struct rbk_outline {
    rbk_compiler *c;
    rbk_sources *sources;    /* owned: the compiler points into them */
    rbk_diags *diags;
    const char *path;        /* as given on the command line */
    int64_t default_timeout_ms; /* of calls without `timeout:` (runbook plan --default-timeout) */
    const char *root_path;   /* the root source's path inside the artifact */
    char *title;             /* or NULL */
    char artifact_sha256[65];
    int from_rbc;
    int values;              /* a string literal's text as the language reads it (doc), not as written (plan) */
    rbk_oenv *envs; int nenvs;
    rbk_oenv *locks; int nlocks; /* `lock "NAME"` (docs/state.md): name, line, description only */
    rbk_oparam *params; int nparams;
    rbk_ostep *steps; int nsteps;
    rbk_ocode *code; int ncode;
    rbk_osection *sections; int nsections;
    rbk_oseq *seq; int nseq;
    int point_of_no_return;  /* step index, -1 none */
    int ngates;
    rbk_cost run, rollback;  /* totals */
    char **assumptions; int nassumptions;
    char **unbounded; int nunbounded;
    int budget;              /* items left before expansion stops (pathological call graphs) */
    int64_t text_budget;     /* bytes of rendered text left (the same), -1 when exhausted */
} rbk_outline;

/* Sets o up for path (as given on the command line): every field zero but these.
 * default_timeout_ms: what a call without `timeout:` counts (--default-timeout; 0: the default).
 * The loader then sets sources, diags (heap: the compiler points into them; o owns them),
 * from_rbc and artifact_sha256; and values, for `runbook doc`. */
void rbk_outline_init(rbk_outline *o, const char *path, int64_t default_timeout_ms);
/* Builds the outline of c, a compilation without errors, and takes c over. Returns 0, or -1
 * when a node the walk does not know was met: an internal error, added to c->diags. */
int rbk_outline_build(rbk_outline *o, rbk_compiler *c);
/* Tells the outline the length of per-item step i's list (e.g. a hosts group counted in an
 * inventory: runbook plan --inventory) and works its worst cases and the totals out again. */
void rbk_outline_set_items(rbk_outline *o, int i, int64_t items);
/* Frees everything o holds, the compilation, its sources and diagnostics included. */
void rbk_outline_free(rbk_outline *o);

/* Helpers for the renderers. */
const char *rbk_outline_file(const rbk_outline *o, int file);   /* path of a source */
void rbk_outline_dur(rbk_sbuf *out, int64_t ms);                 /* "1h2m" / "0s" */
/* Whether some item (transitively) writes / asks the operator. */
void rbk_oitems_flags(const rbk_oitems *l, int *writes, int *gates);
/* Calls fn for every leaf of l (an effect, gate, wait, log or check), depth first: calls, loops
 * and watches are entered, an `if` is entered with "if COND" (its else with "unless COND")
 * joined to when ("a; b"); when is NULL outside every branch. (`runbook plan`, `runbook diff`.) */
typedef void (*rbk_oleaf_fn)(void *ctx, const rbk_oitem *it, const char *when);
void rbk_oitems_flatten(const rbk_oitems *l, const char *when, rbk_oleaf_fn fn, void *ctx);
/* What an item is, as plan and diff name it: "read", "write", "gate", "wait" for effects,
 * "expect", "stop-if", "fail" for checks, "log", "watch", "if", "for", "call". */
const char *rbk_oitem_class(const rbk_oitem *it);
int rbk_cost_bounded(const rbk_cost *c);
/* "unbounded", or the total ("35m5s") with its operator part ("35m5s (operator 30m)"). */
void rbk_cost_text(rbk_sbuf *b, const rbk_cost *c);
int64_t rbk_cost_total(const rbk_cost *c);
/* A step's worst case as plan and doc say it: rbk_cost_text's, and for a per-item step how it
 * was counted: "3m30s (3 batches × 1m10s per instance)", or "1m10s per instance; × ceil(items
 * / 2) batches" when the number of items is not known before the run. */
void rbk_ostep_worst_text(rbk_sbuf *b, const rbk_ostep *s);
/* Its rollback's worst case: rbk_cost_text's, and for a per-item step "2m30s = 5 instances ×
 * 30s", or "30s per instance; × items" when the number of items is not known. */
void rbk_ostep_rollback_worst_text(rbk_sbuf *b, const rbk_ostep *s);
/* A per-item step's clause: "for n in hosts.workers (5 items), 2 at a time (serial 2), at most 1
 * failed instance tolerated (max_fail 1)". */
void rbk_ostep_per_item_text(rbk_sbuf *b, const rbk_ostep *s);
#endif

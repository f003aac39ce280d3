/* cli/journal.h — the run journal (--journal FILE) and what `runbook resume` reads back.
 * The journal is append-only JSON lines, each record written with one write(2) and made
 * durable with fdatasync(2) before the run goes on — so the intent of an effect is on disk
 * before the effect starts, and a SIGKILL loses at most the record being written (a cut-short
 * last line is ignored when reading). Records: "begin" (artifact hash, runbook path, options,
 * parameters — a secret one listed with the value "***" —, non-secret environment), the
 * events that matter for resuming and for audit (step and rollback boundaries, effect intents
 * and outcomes, gate answers, expectations, errors, checkpoints of the globals), "resume"
 * when a run is resumed, and "run_end".
 * Every string is masked (events are); secrets are never written. Format: docs/journal.md.
 * Shares invariants with: vm/events.h, vm/checkpoint.c, vm/steps.c (rbk_resume), cli/main.c. */
#ifndef RBK_JOURNAL_H
#define RBK_JOURNAL_H
#include "../vm/vm.h"

typedef struct rbk_journal rbk_journal;

/* Opens FILE for appending. fresh: refuse a file that already holds records (resume it
 * instead); !fresh: the file must exist (resume). NULL with *err (malloc'd). */
rbk_journal *rbk_journal_open(const char *path, int fresh, char **err);
/* The "begin" record of a new run. */
/* The "begin" record of a new run; vm: after rbk_vm_preflight (its secrets mask the record). */
int rbk_journal_begin(rbk_journal *j, rbk_vm *vm, const char *runbook_path);
/* A "resume" record: who, when, and the operator's decisions about unknown effects. */
int rbk_journal_resume_record(rbk_journal *j, const char *decisions);
void rbk_journal_sink(void *ctx, const rbk_event *ev); /* ctx: rbk_journal* */
/* 0, or -1 when any record could not be written (the message was printed when it happened). */
int rbk_journal_close(rbk_journal *j);

/* ------------------------------------------------------------ reading (runbook resume) */
typedef struct rbk_journal_effect {
    char *step_name;    /* the step (or rollback) it belongs to */
    char *effect;       /* sh, exec, http, sql */
    char *target;       /* masked, as written to the journal */
    char *why;          /* "no outcome recorded", "interrupted", ... */
} rbk_journal_effect;

typedef struct rbk_journal_state {
    char *artifact;     /* hex */
    char *runbook;      /* the .rb/.rbc that ran, as it was given */
    char *cwd;          /* the directory the run started in */
    char *title;
    /* options of the run */
    char *on_failure;   /* ask, rollback, stop */
    int64_t default_timeout_ms;
    int dry_run, no_wait, yes, verbose;
    char *only, *fail_at;
    rbk_kv *params; int nparams;
    rbk_kv *env; int nenv;           /* non-secret declared environment values at the start */
    /* progress: per step index (n entries) */
    int n;
    uint8_t *done;                   /* as rbk_resume.done */
    char **checkpoint;
    uint8_t *rolled_back;
    int rollback_phase, failed_step;
    int incomplete_step;             /* the step (or rollback block) cut off, or -1 */
    int incomplete_in_rollback;
    rbk_journal_effect *unknown; int nunknown; /* effects of unknown outcome in it */
    int ended, end_code;             /* a run_end record after the last begin/resume */
    int cut_short;                   /* the last line was incomplete and ignored */
    int records;
} rbk_journal_state;

/* Reads FILE. 0, or -1 with *err (malloc'd) naming the line. */
int rbk_journal_read(const char *path, rbk_journal_state *st, char **err);
void rbk_journal_state_free(rbk_journal_state *st);
#endif

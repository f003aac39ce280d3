/* cli/journal.h — the run journal (--journal FILE) and what `runbook resume` reads back.
 * The journal is append-only JSON lines, each record written with one write(2) and made
 * durable with fdatasync(2) before the run goes on — so the intent of an effect is on disk
 * before the effect starts, and a SIGKILL loses at most the record being written (a cut-short
 * last line is ignored when reading, and cut off before a resume appends). A record that cannot
 * be written is taken back (ftruncate) and the run is told (rbk_vm_sink_failed): nothing starts
 * from then on. The file is locked (flock) by the run and by a resume for their whole life, so
 * that two processes never continue one run.
 * Records: "begin" (artifact hash, runbook path, options, parameters and environment — a value
 * the run treats as secret is never written: a secret param is {"$secret":true}, a value with a
 * secret in it {"$masked":TEXT}), the events that matter for resuming and for audit (step and
 * rollback boundaries — a step_end carries the globals —, effect intents and outcomes with what
 * the call returned, gate answers, expectations, errors), "resume" when a run is resumed, and
 * "run_end". Format: docs/journal.md.
 * Shares invariants with: vm/events.h, vm/checkpoint.c, vm/steps.c (rbk_resume), vm/vm.c
 * (rbk_vm_effect_begin: the replay), cli/resume.c. */
#ifndef RBK_JOURNAL_H
#define RBK_JOURNAL_H
#include "../vm/vm.h"

#define RBK_JOURNAL_VERSION 2

typedef struct rbk_journal rbk_journal;

/* Opens FILE for appending and locks it (flock, held until rbk_journal_close). fresh: refuse a
 * file that already holds records (resume it instead); !fresh: the file must exist (resume).
 * NULL with *err (malloc'd): also when another process holds the lock (who it is, from the
 * journal's last begin or resume record). */
rbk_journal *rbk_journal_open(const char *path, int fresh, char **err);
/* A journal kept by a run store (cli/state.h): each record goes to append(ctx, line, len, err),
 * which returns 0 once it is committed (the run goes on only then), or -1 with *err (malloc'd):
 * the record is not there, and the run is told as for a file. name: the run's, for messages. */
rbk_journal *rbk_journal_open_appender(const char *name, int (*append)(void *ctx, const char *line, size_t len, char **err),
                                       void *ctx);
/* Cuts the file back to its first `bytes` bytes (a record cut short by a kill: a resume appends
 * after the last whole record). 0, or -1 with errno. */
int rbk_journal_truncate(rbk_journal *j, long long bytes);
/* The "begin" record of a new run; vm: after rbk_vm_preflight (its secrets mask the record).
 * 0, or -1 when it could not be written (the run must not start: nothing was written). */
int rbk_journal_begin(rbk_journal *j, rbk_vm *vm, const char *runbook_path);
/* A "resume" record: who, when, and the operator's decisions about effects of unknown outcome
 * (a JSON array). 0, or -1 when it could not be written (the resume must not start). */
int rbk_journal_resume_record(rbk_journal *j, rbk_vm *vm, const char *decisions_json);
void rbk_journal_sink(void *ctx, const rbk_event *ev); /* ctx: rbk_journal* */
/* 0, or -1 when any record could not be written (the message was printed when it happened). */
int rbk_journal_close(rbk_journal *j);

/* ------------------------------------------------------------ reading (runbook resume) */
/* A parameter or environment value of the begin record. */
typedef struct rbk_journal_value {
    char *key;
    char *value;        /* the exact value; NULL when it was not written (secret, masked) or unset */
    char *masked;       /* the value held a secret: the text as masked, for comparison only */
    int secret;         /* a secret param: nothing about it was written */
} rbk_journal_value;

/* An effect of the part that was cut off whose outcome the journal cannot tell (a write: a
 * read is simply performed again): the operator decides, rerun or done. */
typedef struct rbk_journal_effect {
    char *effect;       /* sh, exec, http, sql, file */
    char *target;       /* masked, as written to the journal */
    char *why;          /* "started, no outcome recorded", "cancelled part-way", ... */
    int seq;
    rbk_part part;
    int replay;         /* its index in replay[] (the decision is written there) */
} rbk_journal_effect;

/* An instance of a per-item step (records with "instance"): how it ended, or that it was cut
 * off (started, no end, or ended interrupted or stopped) and which writes it began then. */
typedef struct rbk_journal_instance {
    int step;
    char *label;
    int done;           /* 1 ended ok (or counted as done at a resume), 2 failed; 0 not ended */
    int rolled_back;
    int started;        /* its last step_start has no end (or an interrupted one): cut off */
    int ended_seq;      /* the order it ended in */
    int writes;         /* the writes its last run began */
    char *write_list;   /* them, one "  - effect target (why)" line each */
} rbk_journal_instance;

typedef struct rbk_journal_state {
    char *artifact;     /* hex */
    char *runbook;      /* the .rb/.rbc that ran, as it was given (NULL when masked) */
    char *cwd;          /* the directory the run started in */
    char *title;
    /* options of the run */
    char *on_failure;   /* ask, rollback, stop */
    int64_t default_timeout_ms;
    int dry_run, no_wait, yes, verbose;
    double time_scale;  /* --time-scale (0: real time) */
    char *only, *fail_at, *from;
    rbk_journal_value *params; int nparams;
    rbk_journal_value *env; int nenv; /* declared non-secret environment at the start */
    /* who holds the journal (the last begin or resume record), for the lock's message */
    char *holder;
    /* progress: per step index (n entries) */
    int n;
    uint8_t *done;                   /* as rbk_resume.done */
    char **checkpoint;               /* the state of its step_end */
    uint8_t *rolled_back;
    int rollback_phase, failed_step;
    int incomplete_step;             /* the step (or rollback block) cut off or ended unfinished, or -1 */
    int incomplete_in_rollback;
    int cut;                         /* it was cut off: its effects are replayed */
    int cut_attempt;
    char *ended_status;              /* !cut: how its last attempt ended (failed, stopped) */
    rbk_replay *replay; int nreplay; /* cut: its effects, in order (strings owned) */
    rbk_journal_effect *unknown; int nunknown; /* cut: the writes of unknown outcome */
    rbk_journal_effect *again; int nagain; /* !cut: the writes of its last attempt, which run again */
    uint64_t last_effect_id;
    rbk_journal_instance *instances; int ninstances; /* per-item steps' instances, as they appear */
    rbk_resume_wait *waits; int nwaits; /* cut: the waits of the part's run that was cut, with their deadlines */
    int ended, end_code;             /* a run_end record after the last begin/resume */
    int cut_short;                   /* the last line was incomplete and is ignored */
    long long valid_bytes;           /* the bytes up to the end of the last whole record */
    int records;
} rbk_journal_state;

/* Reads FILE. 0, or -1 with *err (malloc'd) naming the line. */
int rbk_journal_read(const char *path, rbk_journal_state *st, char **err);
/* The same from the records of a run store (text: whole lines; name: for messages). */
int rbk_journal_read_text(const char *name, const char *text, size_t len, rbk_journal_state *st, char **err);
void rbk_journal_state_free(rbk_journal_state *st);
/* runbook resume, after rbk_vm_preflight of the resumed run (whose secrets mask what is
 * compared and shown): the environment and the parameters must be those the run started with —
 * a value the journal holds masked is compared as masked (only the parts that are not secret).
 * Appends one line per difference to problems (values masked) and returns their number. */
int rbk_journal_check_start(const rbk_journal_state *st, rbk_vm *vm, rbk_sbuf *problems);
#endif

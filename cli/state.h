/* cli/state.h — the run store (--state DIR or --state postgresql://..., docs/state.md): every
 * run's id, title, artifact, operator, host, start and journal, and the run locks.
 * One interface (rbk_state_ops), two backends: the local directory (cli/state.c, linked in) and
 * PostgreSQL (cli/state_pg.c, built as the plugin runbook-state.so and loaded on first use of a
 * postgresql:// store, so that only plugins map libpq: contributing.md, convention 7).
 * The journal's format and crash guarantees are the journal's (cli/journal.c): the local store
 * keeps the journal as a file written by rbk_journal_open; the PostgreSQL store gets each record
 * through rbk_journal_open_appender, committed before the run goes on.
 * Shares invariants with: cli/journal.c (the records), cli/run.c and cli/resume.c (when the
 * locks are taken), cli/runs.c (runs, show). */
#ifndef RBK_STATE_H
#define RBK_STATE_H
#include <signal.h>
#include <stdint.h>
#include "../support/sbuf.h"

#define RBK_STATE_SCHEMA_VERSION 3 /* the PostgreSQL schema this runbook creates and reads */
#define RBK_STATE_ENV "RUNBOOK_STATE"

/* A run as the store lists it. Strings owned by the list. */
typedef struct rbk_state_run {
    char *id;        /* 20261206-0412-ab12cd */
    char *title, *artifact, *runbook, *operator_, *host, *locks; /* locks: names, comma separated */
    long long pid;
    long long started_ms; /* Unix epoch milliseconds */
    int live;        /* a process holds the run now (running, or being resumed) */
    int waiting;     /* it waits for approvals (approve()) */
    char *asks;      /* waiting: its open request, "\"Go?\" (1 of 2 approvals: bob; until 2026-12-06T04:42:03Z)" */
    int begun;       /* its journal has its begin record (a run refused by its preflight has none) */
    int ended;       /* its last run_end is after its last resume */
    int end_code;    /* ended: the exit code (docs/exit-codes.md) */
} rbk_state_run;

/* Who holds a lock, or asks for one. */
typedef struct rbk_state_holder {
    const char *run_id, *operator_, *host;
    long long pid, since_ms;
} rbk_state_holder;

/* One backend. h: its handle. Every function returns 0, or -1 with *err (malloc'd), except
 * where it says. */
typedef struct rbk_state_ops {
    const char *name; /* "directory", "postgresql" */
    void *(*open)(const char *where, char **err);
    /* A new run: its metadata (run->id set by the caller); takes the run's lock (as take_run)
     * before the run can be listed. */
    int (*create_run)(void *h, const rbk_state_run *run, char **err);
    /* Takes the run's own lock (one process continues a run): 1 when another process holds it. */
    int (*take_run)(void *h, const char *run_id, char **err);
    /* The journal file of a run, for a store that keeps files (NULL: records go through append). */
    char *(*journal_path)(void *h, const char *run_id);
    /* Appends one journal record (a whole line, '\n' included), durable when it returns. */
    int (*append)(void *h, const char *run_id, const char *line, size_t len, char **err);
    /* Takes lock `name` for the run `me` describes: 0 taken, 1 held by another (*held: who, a
     * line of text, malloc'd), -1 error. Held until close (or the holder's death). */
    int (*lock)(void *h, const char *name, const rbk_state_holder *me, char **held, char **err);
    /* Every run, newest first. */
    int (*list)(void *h, rbk_state_run **runs, int *n, char **err);
    /* One run's metadata (live, ended too): 1 when there is no such run. */
    int (*get)(void *h, const char *run_id, rbk_state_run *run, char **err);
    /* The run's journal records after the first *cursor ones (whole lines), appended to out;
     * *cursor moves past them. */
    int (*read)(void *h, const char *run_id, long long *cursor, rbk_sbuf *out, char **err);
    void (*close)(void *h);
    /* approve(): asks for `by` approvals of question by people other than the run's operator, and
     * waits for them until deadline_ms (epoch ms, the journal's) or *interrupted, or until
     * someone rejects. resumed: a resume kept that deadline: the request of this run with the
     * same question, number and deadline that this role asked (the run that was cut off) goes
     * on, reopened, with the answers it has (approvals count; a rejection stops the run); a new
     * one only when there is none. 0 approved, 1 not in time, 2 interrupted, 3 rejected, -1
     * error; approvers: who approved (who rejected, for 3): the names, comma separated, a
     * newline, then each with when ("bob at 2026-12-06T04:12:30Z"). NULL: the store has no
     * approvals. */
    int (*approval_wait)(void *h, const char *run_id, const char *question, int by, int64_t deadline_ms, int resumed,
                         volatile sig_atomic_t *interrupted, rbk_sbuf *approvers, char **err);
    /* runbook approve|reject RUN: approves (reject: rejects) the run's open request as this
     * session's user. 0 (msg: what was answered, and how many approvals it has), 1 when there is
     * no open request, -1 error. */
    int (*approve)(void *h, const char *run_id, int reject, rbk_sbuf *msg, char **err);
} rbk_state_ops;

typedef struct rbk_state {
    const rbk_state_ops *ops;
    void *h;
    char *where; /* the directory or the URL, as given (its password replaced: printable) */
    char *run_id; /* the run this process continues, whose journal it appends (cli/state_run.c) */
    volatile sig_atomic_t *interrupted; /* the CLI's signal flag, for waits on the store */
} rbk_state;

/* The store named by spec, else by $RUNBOOK_STATE, else the per-user directory
 * ($XDG_STATE_HOME/runbook, or ~/.local/state/runbook). NULL with *err. */
rbk_state *rbk_state_open(const char *spec, char **err);
void rbk_state_close(rbk_state *s);
/* The per-user directory ($XDG_STATE_HOME/runbook, or ~/.local/state/runbook), or its
 * subdirectory sub, created (0700) when it is not there. NULL with *err. */
char *rbk_state_user_dir(const char *sub, char **err);
/* A new run id: UTC date and time, and 6 random hex digits (20261206-0412-ab12cd). */
char *rbk_state_new_id(void);
/* A run id is [0-9a-z-]{1,64}: it names a directory. */
int rbk_state_id_ok(const char *id);
void rbk_state_runs_free(rbk_state_run *runs, int n);
void rbk_state_run_clear(rbk_state_run *r);
/* "running", "interrupted" (resumable), or the verdict of an ended run. */
const char *rbk_state_status(const rbk_state_run *r);

/* The PostgreSQL backend's entry point (cli/state_pg.c, in runbook-state.so). */
typedef const rbk_state_ops *(*rbk_state_pg_entry)(void);
#endif

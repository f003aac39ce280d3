/* cli/report_int.h — what the parts of the evidence reports share (cli/report.h is the API):
 * the model, built from the event stream by cli/report.c; the wording every format uses
 * (cli/report_words.c); and the formats, one file each (report_md.c, report_json.c,
 * report_xml.c), listed in the table of cli/report.c. A new format is a file that renders the
 * model and a row of that table. */
#ifndef RBK_REPORT_INT_H
#define RBK_REPORT_INT_H
#include <stdint.h>
#include "../support/sbuf.h"
#include "report.h"

#define RP_TEXT_LIMIT 4096 /* bytes kept of one text (command output, log line, value) */
#define RP_VALUE_LIMIT 1024 /* bytes kept of one traced value (a table cell) */
#define RP_MAX_ITEMS 1000  /* items kept per step; later routine ones are counted, not kept */

/* ------------------------------------------------------------------ the model */
typedef enum rp_kind { RP_EXPECT, RP_STOP_IF, RP_EFFECT, RP_LOG, RP_NOTE, RP_WAIT, RP_GATE, RP_ERROR, RP_RETRY } rp_kind;

typedef struct rp_value { char *expr, *value, *error; } rp_value; /* value NULL: not evaluated (or error: raised) */
typedef struct rp_text { char *s; size_t bytes, cut; } rp_text; /* s NULL: none */

typedef struct rp_item {
    rp_kind kind;
    int attempt;
    int64_t wall_ms;
    char *status, *text;             /* text: log/note/wait/retry/error text, expect message, gate question */
    char *file, *source_line;        /* position (expect, stop-if, error) */
    int line, col, of_expect;        /* of_expect: an error raised by a failed expect/stop-if */
    char *source;                    /* expect / stop-if condition */
    int nvalues, count;              /* count: evaluations folded into this item */
    rp_value *values;
    uint64_t effect_id;              /* effects */
    char *effect, *target;
    int ended, code;
    int64_t duration_ms;
    rp_text out, err;
    char *answer, *who;              /* gates */
    int64_t asked_ms;
} rp_item;

typedef struct rp_list { rp_item *v; int n, cap, dropped; } rp_list;

/* An instance of a per-item step (docs/fleet.md): its own outcome, attempts, items and
 * rollback, from the events that name it (rbk_event.instance). */
typedef struct rp_instance {
    char *name;
    char *status, *reason;  /* status NULL: never ended (unfinished) */
    int started, running, restarted, attempts, rollback; /* rollback: index in rbk_report.rb, or -1 */
    int64_t start_wall, end_wall, duration_ms;
    rp_list items;
} rp_instance;

typedef struct rp_step {
    char *name, *section;
    char *status, *reason;  /* status NULL: never ended (not run, or unfinished when started) */
    int started, restarted, attempts, rollback; /* rollback: index in rbk_report.rb, or -1 */
    int64_t start_wall, end_wall, duration_ms;
    rp_list items;          /* a per-item step: only the events of the step itself (not of an instance) */
    int per_item;           /* `step ... for n in LIST`: its instances, in the order they started */
    char *max_fail;         /* a per-item step: its max_fail as written ("1", "25%") */
    rp_instance *inst;
    int ninst, capinst;
    int inst_at;            /* how many of items came before the first instance's event (for the order of a report) */
} rp_step;

/* A rollback block that ran or was considered: a step's, or (inst >= 0) an instance's. The
 * rollback of a per-item step is its own entry around its instances' entries, which follow it
 * in the order they ran; an instance that failed within max_fail is rolled back while its step
 * runs (an entry of its own, with no entry of the step). */
typedef struct rp_rollback {
    int step, inst, ran;
    char *status, *reason; /* status NULL: started, no end recorded */
    int64_t start_wall, duration_ms;
    rp_list items;
} rp_rollback;

struct rbk_report {
    char *path, *runbook, *title, *host, *user;
    const struct rp_format *format; /* from the extension (report.c) */
    char artifact[65];
    int nsources;
    char **src_path;
    char (*src_sha)[65];
    int nsteps;
    rp_step *steps;
    rp_list outside;           /* events outside any step: top-level code, policy notes */
    rp_rollback *rb;           /* in the order the rollback went */
    int nrb, cur_rb;           /* cur_rb: the rollback block running, or -1 */
    int pnr;                   /* point of no return: step index, or -1 */
    char *pnr_text;
    int64_t pnr_wall;
    long nevents;
    int have_start, have_end, dry_run, code;
    double time_scale;         /* --time-scale of a rehearsal; 0: real time */
    int checks_verified, checks_unverified, checks_failing; /* the run_end's counts */
    char *end_status;
    int64_t start_wall, end_wall, duration_ms, prompt_wall;
};

/* A format: the extension it is chosen by (any case) and its renderer of the finished model
 * (every text masked and cleaned). */
typedef struct rp_format {
    const char *ext;
    void (*render)(rbk_sbuf *b, const rbk_report *r);
} rp_format;
void rbk_report_md(rbk_sbuf *b, const rbk_report *r);    /* cli/report_md.c */
void rbk_report_json(rbk_sbuf *b, const rbk_report *r);  /* cli/report_json.c */
void rbk_report_xml(rbk_sbuf *b, const rbk_report *r);   /* cli/report_xml.c */

/* ------------------------------------------------------------------ shared wording (report_words.c) */
/* unverified, verified, failing: checks (expect, stop-if; a dry run's excused failures are
 * unverified too), from the run_end when there is one, else counted from the items */
typedef struct rp_counts { int ok, failed, stopped, skipped, interrupted, unfinished, not_run, unverified, verified, failing; } rp_counts;
/* The instances of per-item steps by status (tolerated: failed, within the step's max_fail). */
typedef struct rp_icounts { int per_item_steps, total, ok, failed, tolerated, stopped, skipped, interrupted, unfinished; } rp_icounts;
void rp_add_dur(rbk_sbuf *b, int64_t ms);
const char *rp_kind_word(const rp_item *it);
const char *rp_error_word(const rp_item *it);
const char *rp_verdict(const rbk_report *r);
void rp_item_summary(rbk_sbuf *b, const rp_item *it);
const char *rp_step_status(const rp_step *s);
int rp_add_reason(rbk_sbuf *b, const rbk_report *r);
void rp_add_time(rbk_sbuf *b, int64_t wall_ms);
rp_counts rp_count_steps(const rbk_report *r);
rp_icounts rp_count_instances(const rbk_report *r, int step); /* step -1: every per-item step */
const char *rp_instance_status(const rp_instance *in);
int rp_instance_tolerated(const rp_step *s, const rp_instance *in);
void rp_add_instances_summary(rbk_sbuf *b, const rbk_report *r, int step);
void rp_add_rollback_name(rbk_sbuf *b, const rbk_report *r, const rp_rollback *rb);
void rp_add_caret(rbk_sbuf *b, const rp_item *it, const char *indent);
const char *rp_meaning(const rbk_report *r);
const char *rp_outcome(const rbk_report *r);
void rp_list_text(rbk_sbuf *b, const rp_list *l);
void rp_item_text(rbk_sbuf *b, const rp_item *it);
const rp_item *rp_outside_error(const rbk_report *r);
int rp_add_rehearsal(rbk_sbuf *b, const rbk_report *r);
#endif

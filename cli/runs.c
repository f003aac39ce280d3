/* cli/runs.c — `runbook runs` (the runs of a store: running, waiting for approval, interrupted,
 * ended with their verdicts), `runbook approve|reject RUN`, and `runbook show RUN [--follow]` (a run's journal records so far, and with
 * --follow the ones to come, until the run is no longer live), from any machine that reaches
 * the store (docs/state.md). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../support/jsonw.h"
#include "../support/rfc3339.h"
#include "cli.h"
#include "state.h"

static rbk_state *open_store(const rbk_cli_opts *o, const char *cmd) {
    char *err = NULL;
    rbk_state *s = rbk_state_open(o->state, &err);
    if (!s) {
        fprintf(stderr, "runbook %s: --state: %s\n", cmd, err);
        free(err);
    }
    return s;
}

/* runbook runs [--state S] [--format text|json] */
int rbk_cmd_runs(rbk_cli_opts *o) {
    if (o->nfiles) { fputs("runbook runs: takes no argument (`runbook show RUN` shows one run)\n", stderr); return EXIT_USAGE; }
    if (o->format != RBK_FMT_TEXT && o->format != RBK_FMT_JSON) { fputs("runbook runs: --format is text or json\n", stderr); return EXIT_USAGE; }
    rbk_state *s = open_store(o, "runs");
    if (!s) return EXIT_USAGE;
    rbk_state_run *runs = NULL;
    int n = 0;
    char *err = NULL;
    if (s->ops->list(s->h, &runs, &n, &err)) {
        fprintf(stderr, "runbook runs: %s\n", err);
        free(err);
        rbk_state_close(s);
        return EXIT_USAGE;
    }
    rbk_sbuf b = RBK_SBUF_INIT;
    if (o->format == RBK_FMT_TEXT) rbk_sbuf_printf(&b, "%-21s %-27s %-24s %-24s %s\n", "RUN", "STATUS", "STARTED (UTC)", "OPERATOR@HOST", "TITLE");
    for (int i = 0; i < n; i++) {
        const rbk_state_run *r = &runs[i];
        rbk_sbuf t = RBK_SBUF_INIT, who = RBK_SBUF_INIT;
        if (rbk_time_in_range(r->started_ms)) rbk_rfc3339_fmt(&t, r->started_ms);
        if (o->format == RBK_FMT_JSON) {
            rbk_jw w; /* one compact object per line, through the one JSON writer */
            rbk_jw_init(&w, &b, 0, rbk_sbuf_add_json_str);
            rbk_jw_open(&w, NULL, '{');
            rbk_jw_str(&w, "id", r->id);
            rbk_jw_str(&w, "status", rbk_state_status(r));
            rbk_jw_bool(&w, "live", r->live);
            rbk_jw_bool(&w, "begun", r->begun);
            rbk_jw_bool(&w, "ended", r->ended);
            rbk_jw_str(&w, "title", r->title);
            rbk_jw_str(&w, "operator", r->operator_);
            rbk_jw_str(&w, "host", r->host);
            rbk_jw_str(&w, "artifact", r->artifact);
            rbk_jw_str(&w, "runbook", r->runbook);
            rbk_jw_int(&w, "pid", r->pid);
            rbk_jw_str(&w, "started", rbk_sbuf_cstr(&t));
            rbk_jw_str(&w, "locks", r->locks);
            if (r->ended) rbk_jw_int(&w, "code", r->end_code);
            rbk_jw_close(&w, '}');
            rbk_sbuf_addc(&b, '\n');
        } else {
            rbk_sbuf_printf(&who, "%s@%s", r->operator_ ? r->operator_ : "?", r->host ? r->host : "?");
            rbk_sbuf st = RBK_SBUF_INIT;
            rbk_sbuf_adds(&st, rbk_state_status(r));
            if (r->ended && r->end_code >= 0) rbk_sbuf_printf(&st, " (exit %d)", r->end_code);
            rbk_sbuf_printf(&b, "%-21s %-27s %-24s %-24s %s\n", r->id, rbk_sbuf_cstr(&st), rbk_sbuf_cstr(&t), rbk_sbuf_cstr(&who),
                            r->title ? r->title : "");
            rbk_sbuf_free(&st);
        }
        rbk_sbuf_free(&t);
        rbk_sbuf_free(&who);
    }
    fwrite(b.data ? b.data : "", 1, b.len, stdout);
    rbk_sbuf_free(&b);
    rbk_state_runs_free(runs, n);
    rbk_state_close(s);
    return 0;
}

static int print_new(rbk_state *s, const char *id, long long *cursor, char **err) {
    rbk_sbuf b = RBK_SBUF_INIT;
    int rc = s->ops->read(s->h, id, cursor, &b, err);
    if (!rc && b.len) {
        fwrite(b.data, 1, b.len, stdout);
        fflush(stdout);
    }
    rbk_sbuf_free(&b);
    return rc;
}

/* runbook show RUN [--follow] [--state S]: the run's journal records (JSON lines) on stdout;
 * with --follow, the exit code is the followed run's. */
int rbk_cmd_show(rbk_cli_opts *o) {
    if (o->nfiles != 1) { fputs("runbook show: give one RUN (its id: `runbook runs` lists them)\n", stderr); return EXIT_USAGE; }
    const char *id = o->files[0];
    rbk_state *s = open_store(o, "show");
    if (!s) return EXIT_USAGE;
    rbk_state_run r;
    char *err = NULL;
    int rc = s->ops->get(s->h, id, &r, &err);
    if (rc) {
        if (rc > 0) fprintf(stderr, "runbook show: the store %s has no run %s (`runbook runs` lists them)\n", s->where, id);
        else fprintf(stderr, "runbook show: %s\n", err);
        free(err);
        rbk_state_close(s);
        return EXIT_USAGE;
    }
    fprintf(stderr, "run %s: %s — %s, by %s on %s\n", id, r.title ? r.title : "(no title)", rbk_state_status(&r), r.operator_ ? r.operator_ : "?",
            r.host ? r.host : "?");
    if (r.live && r.asks) /* what an approver answers, with the evidence below */
        fprintf(stderr, "run %s asks %s: `runbook approve %s` or `runbook reject %s`\n", id, r.asks, id, id);
    rbk_state_run_clear(&r);
    if (o->follow) rbk_cli_install_signals(); /* Ctrl-C ends the following, not the run */
    long long cursor = 0;
    int code = 0; /* --follow: the run's exit code when it is no longer live */
    rc = 0;
    for (;;) {
        if (print_new(s, id, &cursor, &err)) { rc = -1; break; }
        if (!o->follow) break;
        /* live: more records may come; once it is not, its records are all committed: read them, and stop */
        if (s->ops->get(s->h, id, &r, &err)) { rc = -1; break; }
        int live = r.live;
        rbk_state_run_clear(&r);
        if (!live) {
            if (print_new(s, id, &cursor, &err)) rc = -1;
            if (!rc && s->ops->get(s->h, id, &r, &err) == 0) {
                fprintf(stderr, "run %s: %s\n", id, rbk_state_status(&r));
                /* its verdict (docs/exit-codes.md); a run whose process died before its end:
                 * interrupted; one refused before step 1: refused */
                code = r.ended ? (r.end_code >= 0 && r.end_code < 126 ? r.end_code : EXIT_USAGE) : r.begun ? 4 : EXIT_USAGE;
                rbk_state_run_clear(&r);
            }
            break;
        }
        if (o->interrupted && *o->interrupted) { code = 4; break; } /* the run goes on; its end was not seen */
        struct timespec ts = {0, 200 * 1000000L}; /* a poll: the store has no push that works for both backends */
        nanosleep(&ts, NULL);
    }
    if (rc) {
        fprintf(stderr, "runbook show: %s\n", err ? err : "?");
        free(err);
    }
    rbk_state_close(s);
    return rc ? EXIT_USAGE : code;
}

/* runbook approve|reject RUN [--state URL]: approves (rejects) the run's open request for approval
 * as the store's user (PostgreSQL: the session_user; never the run's operator). */
static int answer(rbk_cli_opts *o, int reject) {
    const char *cmd = reject ? "reject" : "approve";
    if (o->nfiles != 1) { fprintf(stderr, "runbook %s: give one RUN (its id: `runbook runs` lists them)\n", cmd); return EXIT_USAGE; }
    rbk_state *s = open_store(o, cmd);
    if (!s) return EXIT_USAGE;
    if (!s->ops->approve) {
        fprintf(stderr, "runbook %s: the %s store %s has no approvals: they need a shared store where each person is a "
                        "database user (--state postgresql://...)\n", cmd, s->ops->name, s->where);
        rbk_state_close(s);
        return EXIT_USAGE;
    }
    rbk_sbuf msg = RBK_SBUF_INIT;
    char *err = NULL;
    int rc = s->ops->approve(s->h, o->files[0], reject, &msg, &err);
    if (rc == 0) printf("%s\n", rbk_sbuf_cstr(&msg));
    else if (rc > 0) fprintf(stderr, "runbook %s: run %s waits for no approval now (`runbook runs` shows which do)\n", cmd, o->files[0]);
    else fprintf(stderr, "runbook %s: refused: %s\n", cmd, err ? err : "?");
    free(err);
    rbk_sbuf_free(&msg);
    rbk_state_close(s);
    return rc ? EXIT_USAGE : 0;
}

int rbk_cmd_approve(rbk_cli_opts *o) { return answer(o, 0); }
int rbk_cmd_reject(rbk_cli_opts *o) { return answer(o, 1); }

/* cli/state_run.c — what `run --state` and `resume RUN` do with the run store (docs/state.md):
 * the run locks (taken before step 1; a refusal says who holds the lock, since when, from where,
 * and how to see that run), registering the run, and its journal (a file of the directory store,
 * or records committed to PostgreSQL). The store itself is cli/state.c and cli/state_pg.c. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../support/clock.h"
#include "../support/rfc3339.h"
#include "../support/sha256.h"
#include "cli.h"
#include "state.h"

int rbk_state_wanted_for_run(const rbk_cli_opts *o) {
    const char *env = getenv(RBK_STATE_ENV);
    return o->state || (env && *env && !o->journal); /* --journal FILE: that file, not the environment's store */
}

int rbk_state_resume_wanted(const rbk_cli_opts *o, const char *arg) {
    if (o->state) return 1;
    struct stat st;
    return stat(arg, &st) != 0 && rbk_state_id_ok(arg); /* not a journal file, and a run's id */
}

static int state_append(void *ctx, const char *line, size_t len, char **err) {
    rbk_state *s = ctx;
    return s->ops->append(s->h, s->run_id, line, len, err);
}

/* approve() of a run in a store with approvals (rbk_run_opts.approve) */
static void state_approve(void *ctx, const rbk_question *q, rbk_reply *reply) {
    rbk_state *s = ctx;
    char *err = NULL;
    int rc = s->ops->approval_wait(s->h, s->run_id, q->question, q->by, q->deadline_wall_ms, q->kept, s->interrupted,
                                   &reply->text, &err);
    /* approved: OK and choice 1; rejected: OK and choice 0 (a confirm answered no) */
    reply->status = rc == 0 || rc == 3 ? RBK_REPLY_OK : rc == 1 ? RBK_REPLY_TIMEOUT : rc == 2 ? RBK_REPLY_INTERRUPTED : RBK_REPLY_NO_TERMINAL;
    reply->choice = rc == 0;
    if (rc < 0) {
        fprintf(stderr, "runbook: approve: the run store: %s\n", err ? err : "?");
        rbk_sbuf_reset(&reply->text);
    }
    free(err);
}

/* The run (or resume) holds s now: approve() asks it, when it has approvals. */
static void attach(rbk_cli_opts *o, rbk_state *s) {
    s->interrupted = o->interrupted;
    if (!s->ops->approval_wait) return;
    o->run.approve = state_approve;
    o->run.approve_ctx = s;
}

static char *hostname_now(void) {
    char host[256] = "";
    if (gethostname(host, sizeof host - 1)) strcpy(host, "?");
    return rbk_xstrdup(host);
}

/* The refusal: who holds lock `name` (held: the backend's JSON), and how to see that run. */
static void say_held(const rbk_state *s, const char *doing, const char *name, const char *held) {
    json_t *h = json_loads(held, 0, NULL);
    const char *run = json_string_value(json_object_get(h, "run"));
    fprintf(stderr, "runbook: %s: the run lock \"%s\" is held", doing, name);
    if (run) {
        const char *op = json_string_value(json_object_get(h, "operator")), *host = json_string_value(json_object_get(h, "host"));
        json_int_t since = json_integer_value(json_object_get(h, "since_ms"));
        rbk_sbuf t = RBK_SBUF_INIT;
        if (rbk_time_in_range(since)) rbk_rfc3339_fmt(&t, since);
        fprintf(stderr, " by run %s of %s on %s (pid %" JSON_INTEGER_FORMAT "), since %s;\n  see it with `runbook show %s --state %s`%s\n",
                run, op ? op : "?", host ? host : "?", json_integer_value(json_object_get(h, "pid")), rbk_sbuf_cstr(&t), run, s->where,
                " (a lock is released when its run ends or its process dies)");
        rbk_sbuf_free(&t);
    } else {
        fprintf(stderr, " by a process that has not written its name yet: try `runbook runs --state %s`\n", s->where);
    }
    json_decref(h);
}

/* Adds NAME to the comma separated names unless it is there already (a lock is taken once). */
static void add_lock_name(rbk_sbuf *names, const char *name) {
    size_t n = strlen(name);
    for (const char *p = rbk_sbuf_cstr(names); *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !memcmp(p, name, n)) return;
        p += len + (e != NULL);
    }
    if (names->len) rbk_sbuf_addc(names, ',');
    rbk_sbuf_adds(names, name);
}

/* Takes every lock of the run (names: comma separated): 0, or EXIT_USAGE (said why). */
static int take_locks(rbk_state *s, const char *doing, const char *names, const char *run_id) {
    rbk_state_holder me = {run_id, rbk_operator_name(), NULL, (long long)getpid(), rbk_wall_ms()};
    char *host = hostname_now();
    me.host = host;
    int rc = 0;
    char *copy = rbk_xstrdup(names ? names : ""), *save = NULL;
    for (char *n = strtok_r(copy, ",", &save); n && !rc; n = strtok_r(NULL, ",", &save)) {
        char *held = NULL, *err = NULL;
        int got = s->ops->lock(s->h, n, &me, &held, &err);
        if (got == 1) say_held(s, doing, n, held);
        else if (got < 0) fprintf(stderr, "runbook: %s: the run lock \"%s\": %s\n", doing, n, err);
        if (got) rc = EXIT_USAGE;
        free(held);
        free(err);
    }
    free(copy);
    free(host);
    return rc;
}

int rbk_state_start_run(rbk_cli_opts *o, const rbk_unit *u, const char *runbook_path, rbk_state **store, rbk_journal **j) {
    *store = NULL;
    *j = NULL;
    char *err = NULL;
    rbk_state *s = rbk_state_open(o->state, &err);
    if (!s) {
        fprintf(stderr, "runbook run: --state: %s\n", err);
        free(err);
        return EXIT_USAGE;
    }
    /* the locks: --lock NAME... and the runbook's `lock "NAME"` declarations (each name once),
     * else the runbook's title (else its file name) */
    rbk_sbuf names = RBK_SBUF_INIT;
    for (int i = 0; i < o->nlocks; i++) {
        if (strchr(o->locks[i], ',')) {
            fprintf(stderr, "runbook run: --lock %s: a lock name has no comma\n", o->locks[i]);
            rbk_sbuf_free(&names);
            rbk_state_close(s);
            return EXIT_USAGE;
        }
        add_lock_name(&names, o->locks[i]);
    }
    int declared = 0;
    for (uint32_t i = 0; i < u->nenvs; i++)
        if (u->envs[i].flags & RBK_ENV_LOCK) { add_lock_name(&names, rbk_unit_str(u, u->envs[i].name, NULL)); declared++; }
    const char *title = u->title != RBK_NONE ? rbk_unit_str(u, u->title, NULL) : NULL;
    if (!o->nlocks && !declared) {
        const char *base = strrchr(runbook_path, '/');
        const char *dflt = title && *title ? title : base ? base + 1 : runbook_path;
        for (const char *c = dflt; *c; c++) rbk_sbuf_addc(&names, *c == ',' ? ';' : *c);
    }
    char *id = rbk_state_new_id();
    int rc = take_locks(s, "not started", rbk_sbuf_cstr(&names), id);
    if (rc) goto bad;
    char hex[65];
    rbk_sha256_to_hex(u->artifact_sha256, hex);
    char *host = hostname_now();
    rbk_state_run r = {0};
    r.id = id;
    r.title = (char *)title;
    r.artifact = hex;
    r.runbook = (char *)runbook_path;
    r.operator_ = (char *)rbk_operator_name();
    r.host = host;
    r.locks = (char *)rbk_sbuf_cstr(&names);
    r.pid = (long long)getpid();
    r.started_ms = rbk_wall_ms();
    rc = s->ops->create_run(s->h, &r, &err);
    free(host);
    if (rc) {
        fprintf(stderr, "runbook: not started: the run cannot be registered in the store %s: %s\n", s->where, err);
        free(err);
        rc = EXIT_USAGE;
        goto bad;
    }
    s->run_id = id;
    char *path = s->ops->journal_path(s->h, id);
    if (path) {
        *j = rbk_journal_open(path, 1, &err);
        free(path);
        if (!*j) {
            fprintf(stderr, "runbook: not started: the journal of run %s: %s\n", id, err);
            free(err);
            rc = EXIT_USAGE;
            goto bad;
        }
    } else {
        *j = rbk_journal_open_appender(id, state_append, s);
    }
    o->journal = o->run_id = id;
    attach(o, s);
    fprintf(stderr, "run: %s (store %s; `runbook show %s` follows it)\n", id, s->where, id);
    rbk_sbuf_free(&names);
    *store = s;
    return 0;
bad:
    rbk_sbuf_free(&names);
    if (s->run_id != id) free(id);
    rbk_state_close(s); /* the locks taken go with it */
    return rc;
}

int rbk_state_resume_run(rbk_cli_opts *o, const char *id, rbk_state **store, rbk_journal **j, rbk_journal_state *st) {
    *store = NULL;
    *j = NULL;
    memset(st, 0, sizeof *st);
    char *err = NULL;
    rbk_state *s = rbk_state_open(o->state, &err);
    if (!s) {
        fprintf(stderr, "runbook resume: --state: %s\n", err);
        free(err);
        return EXIT_USAGE;
    }
    rbk_state_run r;
    int rc = s->ops->get(s->h, id, &r, &err);
    if (rc) {
        if (rc > 0) fprintf(stderr, "runbook resume: the store %s has no run %s (`runbook runs` lists them)\n", s->where, id);
        else fprintf(stderr, "runbook resume: %s\n", err);
        free(err);
        rbk_state_close(s);
        return EXIT_USAGE;
    }
    /* the run first (one process continues it), then its locks, as the run took them */
    rc = s->ops->take_run(s->h, id, &err);
    if (rc) {
        if (rc > 0)
            fprintf(stderr, "runbook resume: refused: run %s is in use: a process continues it now (`runbook show %s --follow` "
                            "follows it); wait for it to end, or stop it, then try again\n", id, id);
        else fprintf(stderr, "runbook resume: %s\n", err);
        goto bad;
    }
    s->run_id = rbk_xstrdup(id);
    if ((rc = take_locks(s, "not resumed", r.locks, id))) goto bad;
    char *path = s->ops->journal_path(s->h, id);
    if (path) {
        *j = rbk_journal_open(path, 0, &err);
        rc = !*j || rbk_journal_read(path, st, &err);
        free(path);
    } else {
        rbk_sbuf recs = RBK_SBUF_INIT;
        long long cursor = 0;
        rc = s->ops->read(s->h, id, &cursor, &recs, &err) || rbk_journal_read_text(id, recs.data ? recs.data : "", recs.len, st, &err);
        rbk_sbuf_free(&recs);
        if (!rc) *j = rbk_journal_open_appender(id, state_append, s);
    }
    if (rc) {
        fprintf(stderr, "runbook resume: run %s: %s\n", id, err ? err : "?");
        rbk_journal_close(*j);
        *j = NULL;
        goto bad;
    }
    o->journal = o->run_id = s->run_id;
    attach(o, s);
    rbk_state_run_clear(&r);
    *store = s;
    return 0;
bad:
    free(err);
    rbk_state_run_clear(&r);
    rbk_state_close(s);
    return EXIT_USAGE;
}

/* cli/state_pg.c — the PostgreSQL run store (docs/state.md), built as the plugin
 * runbook-state.so and loaded by cli/state.c on first use of a postgresql:// store: with
 * stdlib/std_sql.c, the only file that includes libpq (contributing.md, convention 7). It calls
 * back into the executable only for support/sbuf.
 * One connection for the life of the process. Its session holds the advisory locks: (1918, run)
 * while a process continues a run, (1917, lock) for each run lock — PostgreSQL ends them with the
 * session, so a dead holder (SIGKILL, a lost machine once its connection is dropped) holds
 * nothing. Every journal record is one INSERT, committed (autocommit) before append returns.
 * The schema (runbook.*) is created and migrated here, versioned in runbook.schema_version;
 * identity is the session_user, enforced by CHECK constraints. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "state.h"


typedef struct pg_store {
    PGconn *c;
    char *run_id; /* the run this process continues (take_run), whose records it appends */
    long long run_num, next_seq;
} pg_store;

static void set_err(char **err, const char *what, const char *detail) {
    rbk_sbuf e = RBK_SBUF_INIT;
    rbk_sbuf_printf(&e, "%s", what);
    if (detail && *detail) {
        size_t n = strlen(detail);
        while (n && (detail[n - 1] == '\n' || detail[n - 1] == ' ')) n--;
        rbk_sbuf_printf(&e, ": %.*s", (int)n, detail);
    }
    *err = rbk_sbuf_detach(&e);
}

/* One statement with text parameters; the result (PGRES_COMMAND_OK or TUPLES_OK), or NULL with *err. */
static PGresult *q(pg_store *s, const char *sql, int n, const char *const *params, char **err) {
    PGresult *r = PQexecParams(s->c, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    /* the server's message and its detail, without its context (a PL/pgSQL line) */
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL, *d = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    rbk_sbuf t = RBK_SBUF_INIT;
    if (m) rbk_sbuf_printf(&t, "%s%s%s%s", m, d ? " (" : "", d ? d : "", d ? ")" : "");
    set_err(err, "the run store (PostgreSQL)", m ? rbk_sbuf_cstr(&t) : PQerrorMessage(s->c));
    rbk_sbuf_free(&t);
    PQclear(r);
    return NULL;
}
/* Statements without parameters (a migration is several). */
static int exec0(pg_store *s, const char *sql, char **err) {
    PGresult *r = PQexec(s->c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        PQclear(r);
        return 0;
    }
    set_err(err, "the run store (PostgreSQL)", r ? PQresultErrorMessage(r) : PQerrorMessage(s->c));
    PQclear(r);
    return -1;
}

/* The migrations: migration[v] takes the schema from version v to v + 1 (docs/state.md lists
 * them). A migration is never edited once released: a change is a new one. */
static const char *const migration[RBK_STATE_SCHEMA_VERSION] = {
    /* 0 -> 1 */
    "CREATE SCHEMA IF NOT EXISTS runbook;"
    "CREATE TABLE runbook.schema_version (version int NOT NULL);"
    "INSERT INTO runbook.schema_version VALUES (0);"
    "CREATE TABLE runbook.runs ("
    "  num serial PRIMARY KEY,"
    "  id text NOT NULL UNIQUE CHECK (id ~ '^[0-9a-z][0-9a-z-]{0,63}$'),"
    "  title text, artifact text, runbook text,"
    "  operator text NOT NULL DEFAULT session_user CHECK (operator = session_user),"
    "  os_user text, host text, pid bigint,"
    "  started timestamptz NOT NULL DEFAULT now(),"
    "  locks text);"
    "CREATE TABLE runbook.journal ("
    "  run int NOT NULL REFERENCES runbook.runs (num),"
    "  seq int NOT NULL CHECK (seq > 0),"
    "  rec text NOT NULL,"
    "  line text NOT NULL,"
    "  db_user text NOT NULL DEFAULT session_user CHECK (db_user = session_user),"
    "  at timestamptz NOT NULL DEFAULT clock_timestamp(),"
    "  PRIMARY KEY (run, seq));"
    "CREATE TABLE runbook.locks ("
    "  id serial PRIMARY KEY,"
    "  name text NOT NULL UNIQUE,"
    "  backend_pid int, run text, operator text, host text, pid bigint, since timestamptz);",
    /* 1 -> 2: approvals (approve(), runbook approve): by people other than the run's operator
     * and the requester, as the session_user, on an open request */
    "CREATE TABLE runbook.approval_requests ("
    "  id serial PRIMARY KEY,"
    "  run int NOT NULL REFERENCES runbook.runs (num),"
    "  question text NOT NULL,"
    "  needed int NOT NULL CHECK (needed BETWEEN 1 AND 100),"
    "  requested_by text NOT NULL DEFAULT session_user CHECK (requested_by = session_user),"
    "  asked timestamptz NOT NULL DEFAULT now(),"
    "  deadline timestamptz NOT NULL,"
    "  closed timestamptz);"
    "CREATE TABLE runbook.approvals ("
    "  request int NOT NULL REFERENCES runbook.approval_requests (id),"
    "  approver text NOT NULL DEFAULT session_user CHECK (approver = session_user),"
    "  at timestamptz NOT NULL DEFAULT clock_timestamp(),"
    "  PRIMARY KEY (request, approver));"
    "CREATE FUNCTION runbook.approval_check() RETURNS trigger LANGUAGE plpgsql AS $$"
    "DECLARE q runbook.approval_requests; op text;"
    "BEGIN"
    "  SELECT * INTO q FROM runbook.approval_requests WHERE id = NEW.request;"
    "  SELECT operator INTO op FROM runbook.runs WHERE num = q.run;"
    "  IF NEW.approver = op OR NEW.approver = q.requested_by THEN"
    "    RAISE EXCEPTION 'the run''s operator (%) cannot approve it: approvals are other people''s', NEW.approver"
    "      USING ERRCODE = 'check_violation';"
    "  END IF;"
    "  IF q.closed IS NOT NULL OR q.deadline <= now() THEN"
    "    RAISE EXCEPTION 'this request for approval is closed' USING ERRCODE = 'check_violation';"
    "  END IF;"
    "  RETURN NEW;"
    "END $$;"
    "CREATE TRIGGER approval_check BEFORE INSERT ON runbook.approvals FOR EACH ROW EXECUTE FUNCTION runbook.approval_check();",
    /* 2 -> 3: rejections (runbook reject): a row of approvals with verdict 'rejected' ends the
     * request at once; the same people as an approval, once per person and request */
    "ALTER TABLE runbook.approvals ADD COLUMN verdict text NOT NULL DEFAULT 'approved' "
    "  CHECK (verdict IN ('approved', 'rejected'));"
    "CREATE OR REPLACE FUNCTION runbook.approval_check() RETURNS trigger LANGUAGE plpgsql AS $$"
    "DECLARE q runbook.approval_requests; op text;"
    "BEGIN"
    "  SELECT * INTO q FROM runbook.approval_requests WHERE id = NEW.request;"
    "  SELECT operator INTO op FROM runbook.runs WHERE num = q.run;"
    "  IF NEW.approver = op OR NEW.approver = q.requested_by THEN"
    "    RAISE EXCEPTION 'the run''s operator (%) cannot approve or reject it: approvals are other people''s', NEW.approver"
    "      USING ERRCODE = 'check_violation';"
    "  END IF;"
    "  IF q.closed IS NOT NULL OR q.deadline <= now() THEN"
    "    RAISE EXCEPTION 'this request for approval is closed' USING ERRCODE = 'check_violation';"
    "  END IF;"
    "  RETURN NEW;"
    "END $$;",
};

static int schema_version(pg_store *s, int *v, char **err) {
    PGresult *r = q(s, "SELECT to_regclass('runbook.schema_version') IS NOT NULL", 0, NULL, err);
    if (!r) return -1;
    int exists = !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    *v = 0;
    if (!exists) return 0;
    if (!(r = q(s, "SELECT max(version) FROM runbook.schema_version", 0, NULL, err))) return -1;
    *v = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* Creates or migrates the schema, one process at a time (the advisory lock (1917, 0)). */
static int migrate(pg_store *s, char **err) {
    int v;
    if (schema_version(s, &v, err)) return -1;
    if (v == RBK_STATE_SCHEMA_VERSION) return 0;
    if (v > RBK_STATE_SCHEMA_VERSION) {
        char m[200];
        snprintf(m, sizeof m, "the store's schema is version %d, newer than this runbook's (%d): use a newer runbook", v,
                 RBK_STATE_SCHEMA_VERSION);
        set_err(err, m, NULL);
        return -1;
    }
    /* the lock before the transaction: a transaction that waited for it would still see the
     * catalog as it was when it began (the schema another process just created: not there) */
    if (exec0(s, "SELECT pg_advisory_lock(1917, 0)", err)) return -1;
    char *e2 = NULL;
    if (exec0(s, "BEGIN", &e2) || schema_version(s, &v, &e2)) goto bad;
    for (; v < RBK_STATE_SCHEMA_VERSION; v++) {
        char up[100];
        snprintf(up, sizeof up, "UPDATE runbook.schema_version SET version = %d", v + 1);
        if (exec0(s, migration[v], &e2) || exec0(s, up, &e2)) goto bad;
    }
    if (exec0(s, "COMMIT", &e2)) goto bad;
    PQclear(PQexec(s->c, "SELECT pg_advisory_unlock(1917, 0)"));
    return 0;
bad:
    PQclear(PQexec(s->c, "ROLLBACK"));
    PQclear(PQexec(s->c, "SELECT pg_advisory_unlock(1917, 0)"));
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_sbuf_printf(&m, "the store's schema (version %d) needs version %d, and this role could not create it (%s); its owner creates "
                        "it once: docs/state.md, \"Roles and privileges\"", v, RBK_STATE_SCHEMA_VERSION, e2 ? e2 : "?");
    free(e2);
    *err = rbk_sbuf_detach(&m);
    return -1;
}

static void *pg_open(const char *url, char **err) {
    pg_store *s = rbk_xcalloc(1, sizeof *s);
    s->c = PQconnectdb(url);
    if (PQstatus(s->c) != CONNECTION_OK) {
        set_err(err, "cannot connect to the run store", PQerrorMessage(s->c));
        PQfinish(s->c);
        free(s);
        return NULL;
    }
    PGresult *r = PQexec(s->c, "SET application_name = 'runbook'");
    PQclear(r);
    if (migrate(s, err)) {
        PQfinish(s->c);
        free(s);
        return NULL;
    }
    return s;
}

static void pg_close(void *h) {
    pg_store *s = h;
    PQfinish(s->c); /* the session's advisory locks end with it */
    free(s->run_id);
    free(s);
}

static char *num_text(long long v) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_printf(&b, "%lld", v);
    return rbk_sbuf_detach(&b);
}

static int pg_create_run(void *h, const rbk_state_run *run, char **err) {
    pg_store *s = h;
    char *pid = num_text(run->pid), *ms = num_text(run->started_ms);
    const char *p[] = {run->id, run->title, run->artifact, run->runbook, run->operator_, run->host, pid, ms, run->locks};
    /* the run's lock is taken before the row is committed: a run that is listed is live or was */
    if (exec0(s, "BEGIN", err)) { free(pid); free(ms); return -1; }
    PGresult *r = q(s,
                    "INSERT INTO runbook.runs (id, title, artifact, runbook, os_user, host, pid, started, locks) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, to_timestamp($8::bigint / 1000.0), $9) RETURNING num, "
                    "pg_advisory_lock(1918, num)",
                    9, p, err);
    free(pid);
    free(ms);
    if (r) {
        free(s->run_id);
        s->run_id = rbk_xstrdup(run->id);
        s->run_num = atoll(PQgetvalue(r, 0, 0));
        s->next_seq = 1;
    }
    PQclear(r);
    if (!r || exec0(s, "COMMIT", err)) {
        PGresult *rb = PQexec(s->c, "ROLLBACK");
        PQclear(rb);
        return -1;
    }
    return 0;
}

static int pg_take_run(void *h, const char *id, char **err) {
    pg_store *s = h;
    const char *p[] = {id};
    PGresult *r = q(s,
                    "SELECT r.num, pg_try_advisory_lock(1918, r.num), (SELECT coalesce(max(seq), 0) FROM runbook.journal j WHERE j.run = r.num) "
                    "FROM runbook.runs r WHERE r.id = $1",
                    1, p, err);
    if (!r) return -1;
    if (PQntuples(r) != 1) {
        PQclear(r);
        set_err(err, "no such run in the store", id);
        return -1;
    }
    int got = !strcmp(PQgetvalue(r, 0, 1), "t");
    if (got) {
        free(s->run_id);
        s->run_id = rbk_xstrdup(id);
        s->run_num = atoll(PQgetvalue(r, 0, 0));
        s->next_seq = atoll(PQgetvalue(r, 0, 2)) + 1;
    }
    PQclear(r);
    return got ? 0 : 1;
}

static char *pg_journal_path(void *h, const char *id) {
    (void)h, (void)id;
    return NULL;
}

/* the record's kind: every record starts {"rec":"KIND" (cli/journal.c) */
static char *rec_of(const char *line, size_t len) {
    static const char pre[] = "{\"rec\":\"";
    if (len < sizeof pre || memcmp(line, pre, sizeof pre - 1)) return rbk_xstrdup("?");
    const char *a = line + sizeof pre - 1, *b = memchr(a, '"', len - (sizeof pre - 1));
    return b ? strndup(a, (size_t)(b - a)) : rbk_xstrdup("?");
}

static int pg_append(void *h, const char *id, const char *line, size_t len, char **err) {
    pg_store *s = h;
    if (!s->run_id || strcmp(s->run_id, id)) {
        set_err(err, "this process does not hold the run", id);
        return -1;
    }
    char *run = num_text(s->run_num), *seq = num_text(s->next_seq), *rec = rec_of(line, len);
    char *text = strndup(line, len && line[len - 1] == '\n' ? len - 1 : len);
    const char *p[] = {run, seq, rec, text};
    PGresult *r = q(s, "INSERT INTO runbook.journal (run, seq, rec, line) VALUES ($1::int, $2::int, $3, $4)", 4, p, err);
    free(run); free(seq); free(rec); free(text);
    PQclear(r);
    if (!r) return -1;
    s->next_seq++;
    return 0;
}

/* The holder's JSON from pg_lock's query, when the row names the session that holds the
 * advisory lock (else NULL: the holder has not written it yet). */
static char *holder_json(PGresult *r) {
    const char *holder = PQgetvalue(r, 0, 2), *stored = PQgetvalue(r, 0, 3);
    if (!*holder || strcmp(holder, stored)) return NULL;
    rbk_sbuf j = RBK_SBUF_INIT;
    rbk_sbuf_adds(&j, "{\"run\":");
    rbk_sbuf_add_json_str(&j, PQgetvalue(r, 0, 4), strlen(PQgetvalue(r, 0, 4)));
    rbk_sbuf_adds(&j, ",\"operator\":");
    rbk_sbuf_add_json_str(&j, PQgetvalue(r, 0, 5), strlen(PQgetvalue(r, 0, 5)));
    rbk_sbuf_adds(&j, ",\"host\":");
    rbk_sbuf_add_json_str(&j, PQgetvalue(r, 0, 6), strlen(PQgetvalue(r, 0, 6)));
    rbk_sbuf_printf(&j, ",\"pid\":%s,\"since_ms\":%s}", *PQgetvalue(r, 0, 7) ? PQgetvalue(r, 0, 7) : "0",
                    *PQgetvalue(r, 0, 8) ? PQgetvalue(r, 0, 8) : "0");
    return rbk_sbuf_detach(&j);
}

static int pg_lock(void *h, const char *name, const rbk_state_holder *me, char **held, char **err) {
    pg_store *s = h;
    *held = NULL;
    const char *p1[] = {name};
    PGresult *r = q(s, "INSERT INTO runbook.locks (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", 1, p1, err);
    if (!r) return -1;
    PQclear(r);
    /* the holder writes who it is just after taking the advisory lock: a row that does not name
     * the holding session yet is read again, for up to 2 s (the lock is tried again each time) */
    for (int tries = 0; !*held; tries++) {
        r = q(s,
              "SELECT l.id, pg_try_advisory_lock(1917, l.id), "
              "  (SELECT k.pid FROM pg_locks k WHERE k.locktype = 'advisory' AND k.classid = 1917 AND k.objid = l.id::oid "
              "   AND k.objsubid = 2 AND k.granted AND k.pid <> pg_backend_pid() LIMIT 1), "
              "  l.backend_pid, l.run, l.operator, l.host, l.pid, (extract(epoch FROM l.since) * 1000)::bigint "
              "FROM runbook.locks l WHERE l.name = $1",
              1, p1, err);
        if (!r) return -1;
        if (!strcmp(PQgetvalue(r, 0, 1), "t")) {
            char *id = rbk_xstrdup(PQgetvalue(r, 0, 0)), *pid = num_text(me->pid), *ms = num_text(me->since_ms);
            PQclear(r);
            const char *p2[] = {id, me->run_id, me->host, pid, ms};
            r = q(s,
                  "UPDATE runbook.locks SET backend_pid = pg_backend_pid(), run = $2, operator = session_user, host = $3, "
                  "pid = $4::bigint, since = to_timestamp($5::bigint / 1000.0) WHERE id = $1::int",
                  5, p2, err);
            free(id); free(pid); free(ms);
            PQclear(r);
            return r ? 0 : -1;
        }
        *held = holder_json(r);
        PQclear(r);
        if (!*held && tries == 20) *held = rbk_xstrdup("{}");
        if (!*held) {
            struct timespec ts = {0, 100 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    return 1;
}

#define RUN_COLUMNS                                                                                                                   \
    "SELECT r.id, r.title, r.artifact, r.runbook, r.operator, r.host, r.pid, (extract(epoch FROM r.started) * 1000)::bigint, r.locks, " \
    "  EXISTS (SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.classid = 1918 AND k.objid = r.num::oid "              \
    "          AND k.objsubid = 2 AND k.granted), "                                                                                 \
    "  (SELECT j.line FROM runbook.journal j WHERE j.run = r.num AND j.rec IN ('run_end', 'resume') ORDER BY j.seq DESC LIMIT 1), "  \
    "  EXISTS (SELECT 1 FROM runbook.journal j WHERE j.run = r.num AND j.seq = 1), "                                                 \
    "  (SELECT format('\"%s\" (%s of %s approval%s%s; until %s)', a.question, "                                                    \
    "     (SELECT count(*) FROM runbook.approvals p WHERE p.request = a.id AND p.verdict = 'approved'), a.needed, "               \
    "     CASE WHEN a.needed = 1 THEN '' ELSE 's' END, "                                                                            \
    "     (SELECT ': ' || string_agg(p.approver, ', ' ORDER BY p.at) FROM runbook.approvals p WHERE p.request = a.id AND p.verdict = 'approved'), "          \
    "     to_char(a.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) "                                                \
    "   FROM runbook.approval_requests a WHERE a.run = r.num AND a.closed IS NULL AND a.deadline > now() "                         \
    "   ORDER BY a.id DESC LIMIT 1) "                                                                                               \
    "FROM runbook.runs r "

static char *col(PGresult *r, int i, int c) { return PQgetisnull(r, i, c) ? NULL : rbk_xstrdup(PQgetvalue(r, i, c)); }

static void row_to_run(PGresult *r, int i, rbk_state_run *run) {
    memset(run, 0, sizeof *run);
    run->id = col(r, i, 0);
    run->title = col(r, i, 1);
    run->artifact = col(r, i, 2);
    run->runbook = col(r, i, 3);
    run->operator_ = col(r, i, 4);
    run->host = col(r, i, 5);
    run->pid = atoll(PQgetvalue(r, i, 6));
    run->started_ms = atoll(PQgetvalue(r, i, 7));
    run->locks = col(r, i, 8);
    run->live = !strcmp(PQgetvalue(r, i, 9), "t");
    run->begun = !strcmp(PQgetvalue(r, i, 11), "t");
    run->asks = col(r, i, 12);
    run->waiting = run->asks != NULL;
    const char *last = PQgetvalue(r, i, 10);
    if (!strncmp(last, "{\"rec\":\"run_end\"", 16)) {
        run->ended = 1;
        const char *c = strstr(last, ",\"code\":");
        run->end_code = c ? atoi(c + 8) : -1;
    }
}

static int pg_list(void *h, rbk_state_run **runs, int *n, char **err) {
    pg_store *s = h;
    *runs = NULL;
    *n = 0;
    PGresult *r = q(s, RUN_COLUMNS "ORDER BY r.started DESC, r.id DESC", 0, NULL, err);
    if (!r) return -1;
    *n = PQntuples(r);
    *runs = rbk_xcalloc((size_t)*n + 1, sizeof **runs);
    for (int i = 0; i < *n; i++) row_to_run(r, i, &(*runs)[i]);
    PQclear(r);
    return 0;
}

static int pg_get(void *h, const char *id, rbk_state_run *run, char **err) {
    pg_store *s = h;
    memset(run, 0, sizeof *run);
    const char *p[] = {id};
    PGresult *r = q(s, RUN_COLUMNS "WHERE r.id = $1", 1, p, err);
    if (!r) return -1;
    int found = PQntuples(r) == 1;
    if (found) row_to_run(r, 0, run);
    PQclear(r);
    return found ? 0 : 1;
}

static int pg_read(void *h, const char *id, long long *cursor, rbk_sbuf *out, char **err) {
    pg_store *s = h;
    char *after = num_text(*cursor);
    const char *p[] = {id, after};
    PGresult *r = q(s,
                    "SELECT j.seq, j.line FROM runbook.journal j JOIN runbook.runs r ON r.num = j.run "
                    "WHERE r.id = $1 AND j.seq > $2::int ORDER BY j.seq",
                    2, p, err);
    free(after);
    if (!r) return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        rbk_sbuf_add(out, PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1));
        rbk_sbuf_addc(out, '\n');
        *cursor = atoll(PQgetvalue(r, i, 0));
    }
    PQclear(r);
    return 0;
}

static int pg_approval_wait(void *h, const char *run_id, const char *question, int by, int64_t deadline_ms, int resumed,
                            volatile sig_atomic_t *interrupted, rbk_sbuf *approvers, char **err) {
    pg_store *s = h;
    if (!s->run_id || strcmp(s->run_id, run_id)) {
        set_err(err, "this process does not hold the run", run_id);
        return -1;
    }
    /* the deadline is the runner's (the journal's deadline_ms, as wait()'s): a resume finds the
     * request by it, and its answers count (approvals, a rejection) — when the same role
     * resumes: the trigger refuses the answer of the one who asked, so another operator who
     * resumes asks anew (with the kept deadline), or they could approve the run they now continue */
#define DEADLINE "'epoch'::timestamptz + $4::bigint * interval '1 millisecond'"
    char *run = num_text(s->run_num), *need = num_text(by), *dl = num_text(deadline_ms), *id = NULL;
    const char *p1[] = {run, question, need, dl};
    PGresult *r;
    int failed = 0;
    if (resumed &&
        !(failed = !(r = q(s,
               "UPDATE runbook.approval_requests SET closed = NULL WHERE id = (SELECT id FROM runbook.approval_requests "
               "WHERE run = $1::int AND question = $2 AND needed = $3::int AND deadline = " DEADLINE " AND requested_by = session_user "
               "ORDER BY id DESC LIMIT 1) "
               "RETURNING id",
               4, p1, err)))) {
        if (PQntuples(r) == 1) id = rbk_xstrdup(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    if (!id && !failed &&
        (r = q(s, "INSERT INTO runbook.approval_requests (run, question, needed, deadline) VALUES ($1::int, $2, $3::int, " DEADLINE ") "
                  "RETURNING id",
               4, p1, err))) {
        id = rbk_xstrdup(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
#undef DEADLINE
    free(run); free(need); free(dl);
    if (!id) return -1;
    const char *p2[] = {id};
    int rc;
    /* a poll: the approvals come from other sessions, on other machines. Each answer is its
     * person and when: "bob at 2026-12-06T04:12:30Z" */
    for (;;) {
        /* approvals count on this request only; a rejection of any request of this run with the
         * same question and deadline stops it: one given to the cut-off run's request while it was
         * down, when another operator's resume asked anew, is not lost */
        r = q(s,
              "WITH me AS (SELECT run, question, deadline FROM runbook.approval_requests WHERE id = $1::int), "
              "a AS (SELECT ap.request, ap.approver, ap.verdict, ap.at, ap.approver || ' at ' || "
              "    to_char(ap.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS said "
              "  FROM runbook.approvals ap JOIN runbook.approval_requests rq ON rq.id = ap.request JOIN me "
              "    ON rq.run = me.run AND rq.question = me.question AND rq.deadline = me.deadline) "
              "SELECT (SELECT count(*) FROM a WHERE verdict = 'approved' AND request = $1::int), "
              "  (SELECT coalesce(string_agg(approver, ', ' ORDER BY at), '') || E'\\n' || coalesce(string_agg(said, ', ' ORDER BY at), '') "
              "     FROM a WHERE verdict = 'approved' AND request = $1::int), "
              "  (SELECT approver || E'\\n' || said FROM a WHERE verdict = 'rejected' ORDER BY at LIMIT 1), "
              "  (SELECT now() >= deadline FROM runbook.approval_requests WHERE id = $1::int)",
              1, p2, err);
        if (!r) { rc = -1; break; }
        int got = atoi(PQgetvalue(r, 0, 0)), rejected = !PQgetisnull(r, 0, 2), late = !strcmp(PQgetvalue(r, 0, 3), "t");
        rbk_sbuf_reset(approvers);
        rbk_sbuf_adds(approvers, PQgetvalue(r, 0, rejected ? 2 : 1));
        PQclear(r);
        if (rejected) { rc = 3; break; }
        if (got >= by) { rc = 0; break; }
        if (late) { rc = 1; break; }
        if (interrupted && *interrupted) { rc = 2; break; }
        struct timespec ts = {0, 250 * 1000000L};
        nanosleep(&ts, NULL);
    }
    char *e2 = NULL; /* closed whatever happened: no approval is taken for it from now on (a resume
                        that keeps its deadline reopens it: docs/approvals.md) */
    PQclear(q(s, "UPDATE runbook.approval_requests SET closed = now() WHERE id = $1::int", 1, p2, &e2));
    free(e2);
    free(id);
    return rc;
}

static int pg_approve(void *h, const char *run_id, int reject, rbk_sbuf *msg, char **err) {
    pg_store *s = h;
    const char *p1[] = {run_id};
    PGresult *r = q(s,
                    "SELECT a.id, a.question, a.needed, session_user FROM runbook.approval_requests a JOIN runbook.runs r ON r.num = a.run "
                    "WHERE r.id = $1 AND a.closed IS NULL AND a.deadline > now() ORDER BY a.id DESC LIMIT 1",
                    1, p1, err);
    if (!r) return -1;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return 1;
    }
    char *id = rbk_xstrdup(PQgetvalue(r, 0, 0)), *question = rbk_xstrdup(PQgetvalue(r, 0, 1)), *user = rbk_xstrdup(PQgetvalue(r, 0, 3));
    int needed = atoi(PQgetvalue(r, 0, 2));
    PQclear(r);
    const char *p2[] = {id, reject ? "rejected" : "approved"};
    int rc = -1;
    if ((r = q(s, "INSERT INTO runbook.approvals (request, verdict) VALUES ($1::int, $2)", 2, p2, err))) {
        PQclear(r);
        if (reject) {
            rbk_sbuf_printf(msg, "rejected \"%s\" of run %s as %s: the run stops", question, run_id, user);
            rc = 0;
        } else if ((r = q(s, "SELECT count(*) FROM runbook.approvals WHERE request = $1::int AND verdict = 'approved'", 1, p2, err))) {
            rbk_sbuf_printf(msg, "approved \"%s\" of run %s as %s: %s of %d approval%s", question, run_id, user, PQgetvalue(r, 0, 0), needed,
                            needed == 1 ? "" : "s");
            PQclear(r);
            rc = 0;
        }
    }
    free(id); free(question); free(user);
    return rc;
}

static const rbk_state_ops ops = {
    "postgresql", pg_open, pg_create_run, pg_take_run, pg_journal_path, pg_append, pg_lock, pg_list, pg_get, pg_read, pg_close,
    pg_approval_wait, pg_approve,
};

const rbk_state_ops *rbk_state_pg_ops(void);
const rbk_state_ops *rbk_state_pg_ops(void) { return &ops; }

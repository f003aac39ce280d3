/* stdlib/std_sql.c — the SQL builtins (sql.connect, sql.query, sql.scalar, sql.exec, sql.close)
 * on libpq. Built as the plugin runbook-sql.so, loaded on first use; it calls back into the
 * executable (native.h, value.h, sbuf.h, json_value.h). The ONLY file that includes libpq
 * (docs/contributing.md, convention 7).
 *
 * Owns: the "sql" handle class (one PGconn per handle), connection strings shown with the
 * password replaced by *** (and the password registered as a secret), bind parameters (text
 * format, out of band: docs/language.md §8), the wait loop that bounds every call by the VM's
 * cancellation token (PQcancel, a 2 s grace, then the connection is dropped), the mapping of
 * column types to values, and the error messages (SQLSTATE, message, detail, hint, query).
 * Shares invariants with: stdlib/builtins.def (the SQL_* rows: argument order), vm/native.h
 * (the trailing bind list when nargs == nsig + 1), vm/json_value.c (json/jsonb columns),
 * docs/sql.md (the documented behaviour), tests/golden/sql/ (the goldens). */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "../vm/native.h"
#include "../vm/json_value.h"
#include "../support/conninfo.h"
#include "../support/numtext.h"

/* Column type OIDs (catalog/pg_type_d.h is a server header, not shipped with libpq). */
enum {
    OID_BOOL = 16, OID_CHAR = 18, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
    OID_TEXT = 25, OID_JSON = 114, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_BPCHAR = 1042,
    OID_VARCHAR = 1043, OID_NUMERIC = 1700, OID_JSONB = 3802
};

enum { SQL_GRACE_MS = 2000, SQL_DRAIN_MAX_MS = 30000, SQL_QUERY_SHOWN = 200 };

/* The size of a result, as max_bytes counts it (docs/sql.md): about what its values take in
 * memory, and the same in every build. Default: 64 MiB, as an HTTP body. */
enum { SQL_ROW_BYTES = 48, SQL_FIELD_BYTES = 16 };
enum { SQL_FEW_COLUMNS = 16 }; /* column facts of a result this narrow live in sql_run */
#define SQL_MAX_BYTES_DEFAULT ((int64_t)64 << 20)

/* One connection. `shown` is the connection string with its password replaced by ***. */
typedef struct sql_conn {
    PGconn *pg;
    char *shown;
    char *why_closed; /* NULL while open; "closed by sql.close", "connection lost", ... */
} sql_conn;

static void sql_destroy(void *data) {
    sql_conn *c = data;
    if (!c) return;
    if (c->pg) PQfinish(c->pg);
    free(c->shown);
    free(c->why_closed);
    free(c);
}

static const rbk_handle_class sql_class = {"sql", sql_destroy};

/* Closes the connection of a handle; later calls fail with `why`. */
static void sql_drop(rbk_handle *h, const char *why) {
    sql_conn *c = h->data;
    if (c->pg) { PQfinish(c->pg); c->pg = NULL; }
    if (!c->why_closed) c->why_closed = rbk_xstrdup(why);
    h->closed = true;
}

/* ---- connection strings: find the password, show the rest (support/conninfo.c) ---- */

static void add_secret_cb(void *vm, const char *s, size_t n) { rbk_vm_add_secret(vm, s, n); }

/* Registers every password of a connection string as a secret and returns the string as it
 * may be shown (caller frees). */
static char *conninfo_shown(rbk_vm *vm, const char *s) {
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_conninfo_passwords(s, &out, add_secret_cb, vm);
    /* libpq's own reading, in case ours missed a form it accepts */
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(s, &perr);
    if (opts) {
        for (PQconninfoOption *o = opts; o->keyword; o++)
            if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
                rbk_vm_add_secret(vm, o->val, strlen(o->val));
        PQconninfoFree(opts);
    }
    if (perr) PQfreemem(perr);
    return rbk_sbuf_detach(&out);
}

/* ---- messages ---- */

/* Appends text with runs of white space collapsed to one space, trimmed, at most max bytes
 * (cut on a UTF-8 boundary, "..." appended). Only on masked text (add_shown): a secret with
 * white space in it, or across the cut, must be masked whole before this reshapes it. */
static void add_collapsed(rbk_sbuf *out, const char *s, size_t max) {
    size_t start = out->len, shown = 0;
    bool space = false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { space = true; continue; }
        if (space && out->len > start) { rbk_sbuf_addc(out, ' '); shown++; }
        space = false;
        if (shown >= max && (c & 0xC0) != 0x80) { rbk_sbuf_adds(out, "..."); return; }
        rbk_sbuf_addc(out, (char)c);
        shown++;
    }
}

/* Text from the server, the query or libpq as the operator sees it: masked whole with every
 * secret known now, then collapsed and cut (add_collapsed). */
static void add_shown(rbk_vm *vm, rbk_sbuf *out, const char *s, size_t max) {
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &m, s, strlen(s));
    add_collapsed(out, rbk_sbuf_cstr(&m), max);
    rbk_sbuf_free(&m);
}

static int64_t timeout_arg(rbk_value v) {
    if (v.t == RBK_T_DURATION || v.t == RBK_T_INT) return v.as.i < 0 ? 0 : v.as.i;
    return -1;
}

/* libpq's last error: its first message only (continuation lines start with a tab; later
 * messages such as "invalid socket" add nothing), masked whole first, white space collapsed. */
static void add_conn_error(rbk_vm *vm, rbk_sbuf *msg, PGconn *pg) {
    const char *e0 = pg ? PQerrorMessage(pg) : "";
    if (!e0 || !*e0) { rbk_sbuf_adds(msg, "no message from libpq"); return; }
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &m, e0, strlen(e0));
    const char *e = rbk_sbuf_cstr(&m);
    size_t n = 0;
    while (e[n] && !(e[n] == '\n' && e[n + 1] && e[n + 1] != '\t')) n++;
    char *first = rbk_xstrndup(e, n);
    add_collapsed(msg, first, 1000);
    free(first);
    rbk_sbuf_free(&m);
}

/* Server notices (NOTICE, WARNING) go to the operator as notes, never to stderr. */
static void sql_notice(void *arg, const char *message) {
    rbk_sbuf text = RBK_SBUF_INIT;
    add_shown((rbk_vm *)arg, &text, message, 1000);
    rbk_vm_note((rbk_vm *)arg, "sql: %s", rbk_sbuf_cstr(&text));
    rbk_sbuf_free(&text);
}

/* ---- sql.connect ---- */

int rbk_std_sql_connect(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    if (args[0].t != RBK_T_STRING) return rbk_vm_error(vm, "sql.connect: url must be a string");
    const char *url = rbk_arg_str(args[0]);
    if (strlen(url) != rbk_arg_len(args[0]))
        return rbk_vm_error(vm, "sql.connect: the connection string contains a NUL byte");
    char *shown = conninfo_shown(vm, url);
    int64_t timeout_ms = timeout_arg(args[1]);
    rbk_cancel cancel = rbk_vm_cancel(vm, timeout_ms);

    /* Earlier entries are overridden by what the connection string sets (expand_dbname). */
    const char *const keys[] = {"application_name", "keepalives", "keepalives_idle",
                                "keepalives_interval", "keepalives_count", "dbname", NULL};
    const char *const vals[] = {"runbook", "1", "30", "10", "3", url, NULL};
    PGconn *pg = PQconnectStartParams(keys, vals, 1);
    rbk_sbuf msg = RBK_SBUF_INIT;
    if (!pg) {
        free(shown);
        return rbk_vm_error(vm, "sql.connect: out of memory");
    }
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    if (PQstatus(pg) == CONNECTION_BAD) st = PGRES_POLLING_FAILED;
    while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        int cc = rbk_cancel_check(&cancel);
        if (cc) {
            rbk_sbuf_printf(&msg, "sql.connect(%s): cancelled: %s", shown,
                            rbk_vm_cancel_reason(vm, &cancel, timeout_ms));
            break;
        }
        struct pollfd pfd = {PQsocket(pg), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
        if (pfd.fd < 0) { st = PGRES_POLLING_FAILED; break; }
        int n = poll(&pfd, 1, rbk_cancel_slice(&cancel, RBK_POLL_SLICE_MS));
        if (n < 0 && errno != EINTR) {
            rbk_sbuf_printf(&msg, "sql.connect(%s): poll: %s", shown, strerror(errno));
            break;
        }
        if (n > 0) st = PQconnectPoll(pg);
    }
    if (st == PGRES_POLLING_FAILED) {
        rbk_sbuf_printf(&msg, "sql.connect(%s): connection failed: ", shown);
        add_conn_error(vm, &msg, pg);
    }
    if (msg.len) {
        PQfinish(pg);
        free(shown);
        int r = rbk_vm_error(vm, "%s", msg.data);
        rbk_sbuf_free(&msg);
        return r;
    }
    PQsetnonblocking(pg, 0);
    PQsetNoticeProcessor(pg, sql_notice, vm);
    sql_conn *c = rbk_xcalloc(1, sizeof *c);
    c->pg = pg;
    c->shown = shown;
    *out = rbk_handle_new(&sql_class, c);
    return 0;
}

/* ---- queries ---- */

typedef enum { SQL_QUERY, SQL_SCALAR, SQL_EXEC } sql_mode;

typedef struct sql_run {
    rbk_vm *vm;        /* masks the server's texts (add_shown) */
    sql_mode mode;
    bool secret;       /* the query or a bind value was secret: mark every result value */
    rbk_value rows;    /* query: list of row maps */
    rbk_value first;   /* scalar: the first value seen */
    int64_t nrows;
    int ncols;         /* of the last tuple-bearing result, -1 before any */
    int64_t affected;
    int64_t max_bytes; /* query, scalar: the limit of `bytes` */
    int64_t bytes;     /* the size of the values kept so far (SQL_ROW_BYTES, SQL_FIELD_BYTES) */
    bool over;         /* a row would pass max_bytes: it and the rest are not kept */
    int64_t long_field;/* the length of a field too long to be a text (RBK_TEXT_MAX), or 0 */
    /* query: the rows are built in blocks (rbk_vbuild), with one key table for all of them
     * (column c is slot[c] of it; a repeated column name is one key) */
    rbk_vbuild vb;
    rbk_keys *keys;
    uint32_t *slot;
    int nslot;
    /* the columns of the rows seen: their number, types, and the current row's lengths */
    int ncolumns;
    Oid *type;
    int *len;
    Oid type_few[SQL_FEW_COLUMNS];
    int len_few[SQL_FEW_COLUMNS];
    bool failed;
    bool lost;         /* the connection broke (it is dropped) */
    rbk_sbuf err;      /* the server's error, formatted */
} sql_run;

/* Sets the secret mark on v and everything inside it (the objects were just built: rc 1). */
static void mark_deep(rbk_value *v) {
    v->secret = 1;
    if (v->t == RBK_T_LIST) {
        rbk_list *l = RBK_AS_LIST(*v);
        for (size_t i = 0; i < l->len; i++) mark_deep(&l->items[i]);
    } else if (v->t == RBK_T_MAP) {
        rbk_map *m = RBK_AS_MAP(*v);
        for (size_t i = 0; i < m->len; i++) mark_deep(&m->vals[i]);
    }
}

/* The value of one field (text s of n bytes, NUL-terminated), typed by its column's OID.
 * Strings go into vb's blocks when vb is given (the rows of a query). */
static rbk_value field_value(Oid type, const char *s, size_t n, rbk_vbuild *vb) {
    switch (type) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8: {
        int64_t i;
        if (rbk_text_to_i64(s, n, &i)) return rbk_int(i);
        break;
    }
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC: {
        double f; /* "NaN", "Infinity", "-Infinity" included */
        if (rbk_text_to_double(s, n, &f)) return rbk_float(f);
        break;
    }
    case OID_BOOL: return rbk_bool(s[0] == 't');
    case OID_JSON:
    case OID_JSONB: {
        rbk_value v;
        if (rbk_json_to_value(s, n, &v, NULL) == 0) return v;
        break;
    }
    default: break; /* text, varchar, bpchar, name, char and every other type: their text */
    }
    return vb ? rbk_vbuild_str(vb, s, n) : rbk_str_new(s, n);
}

/* Counts what a row of these field lengths would add to the result (for scalar, its first
 * value when it is the first row) against max_bytes; false when it may not be kept. */
static bool row_fits(sql_run *r, const int *len, int nf) {
    if (r->over || r->long_field) return false;
    if (r->mode == SQL_SCALAR && (r->nrows > 0 || nf < 1)) return true; /* nothing kept */
    int kept = r->mode == SQL_SCALAR ? 1 : nf;
    int64_t cost = SQL_ROW_BYTES;
    for (int c = 0; c < kept; c++) {
        if ((size_t)len[c] >= RBK_TEXT_MAX) {
            r->long_field = len[c];
            return false;
        }
        cost += SQL_FIELD_BYTES + len[c];
    }
    if (cost > r->max_bytes - r->bytes) {
        r->over = true;
        return false;
    }
    r->bytes += cost;
    return true;
}

static void add_row(sql_run *r, const PGresult *res, int row) {
    int nf = PQnfields(res);
    if (nf != r->ncolumns) { /* the first row (of this shape): what every row reuses */
        if (r->len != r->len_few) free(r->len);
        if (r->type != r->type_few) free(r->type);
        int few = nf <= SQL_FEW_COLUMNS; /* most results: no allocation per query */
        r->len = few ? r->len_few : rbk_xcalloc((size_t)nf, sizeof *r->len);
        r->type = few ? r->type_few : rbk_xcalloc((size_t)nf, sizeof *r->type);
        for (int c = 0; c < nf; c++) r->type[c] = PQftype(res, c);
        r->ncolumns = nf;
    }
    for (int c = 0; c < nf; c++) r->len[c] = PQgetlength(res, row, c);
    if (!row_fits(r, r->len, nf)) return;
    if (r->mode == SQL_SCALAR) {
        if (r->nrows == 0 && nf >= 1 && (r->len[0] || !PQgetisnull(res, row, 0)))
            r->first = field_value(r->type[0], PQgetvalue(res, row, 0), (size_t)r->len[0], NULL);
        r->nrows++;
        return;
    }
    if (!r->keys) { /* the column names, stored once for every row */
        r->keys = rbk_keys_new((size_t)nf);
        r->slot = rbk_xcalloc(nf ? (size_t)nf : 1, sizeof *r->slot);
        for (int c = 0; c < nf; c++) { /* a repeated name is one key: the last column wins */
            const char *name = PQfname(res, c);
            r->slot[c] = rbk_keys_add(r->keys, name, strlen(name));
        }
        r->nslot = nf;
    }
    rbk_value m = rbk_vbuild_map_keys(&r->vb, r->keys);
    for (int c = 0; c < nf && c < r->nslot; c++) {
        if (!r->len[c] && PQgetisnull(res, row, c)) continue; /* nil already (a NULL is empty) */
        rbk_map_put(m, r->slot[c], field_value(r->type[c], PQgetvalue(res, row, c),
                                               (size_t)r->len[c], &r->vb));
    }
    rbk_list_push(r->rows, m);
    r->nrows++;
}

/* Formats a server error result: SQLSTATE, message, detail, hint, position. */
static void add_result_error(sql_run *r, const PGresult *res) {
    if (r->failed) return; /* keep the first error */
    r->failed = true;
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
    const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
    if (state) rbk_sbuf_printf(&r->err, "SQLSTATE %s: ", state);
    if (primary) add_shown(r->vm, &r->err, primary, 2000);
    else add_shown(r->vm, &r->err, PQresultErrorMessage(res), 2000);
    if (pos) rbk_sbuf_printf(&r->err, " (at character %s)", pos);
    if (detail) { rbk_sbuf_adds(&r->err, "\n  detail: "); add_shown(r->vm, &r->err, detail, 2000); }
    if (hint) { rbk_sbuf_adds(&r->err, "\n  hint: "); add_shown(r->vm, &r->err, hint, 2000); }
}

static void take_result(sql_run *r, PGresult *res) {
    switch (PQresultStatus(res)) {
    case PGRES_SINGLE_TUPLE:
    case PGRES_TUPLES_OK: {
        if (r->failed) break;
        r->ncols = PQnfields(res);
        int nt = PQntuples(res);
        if (r->mode == SQL_EXEC) r->nrows += nt;
        else for (int i = 0; i < nt; i++) add_row(r, res, i);
        if (PQresultStatus(res) == PGRES_TUPLES_OK) {
            const char *t = PQcmdTuples(res);
            r->affected = *t ? strtoll(t, NULL, 10) : r->nrows;
        }
        break;
    }
    case PGRES_COMMAND_OK: {
        const char *t = PQcmdTuples(res);
        r->affected = *t ? strtoll(t, NULL, 10) : 0;
        if (r->ncols < 0) r->ncols = 0;
        break;
    }
    case PGRES_EMPTY_QUERY:
        if (r->ncols < 0) r->ncols = 0;
        break;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
        if (!r->failed) {
            r->failed = true;
            rbk_sbuf_adds(&r->err, "COPY FROM STDIN / TO STDOUT is not supported; use a file on the server or psql through sh()");
        }
        break;
    default: add_result_error(r, res); break;
    }
}

/* Converts one bind value to parameter text; returns false (with msg set) when it cannot be. */
static bool bind_text(rbk_value v, int index, rbk_sbuf *text, bool *null, rbk_sbuf *msg) {
    *null = false;
    switch (v.t) {
    case RBK_T_NIL: *null = true; return true;
    case RBK_T_BOOL:
    case RBK_T_INT:
    case RBK_T_FLOAT:
    case RBK_T_STRING:
    case RBK_T_TIME: rbk_value_str(text, v); break; /* RFC 3339 UTC: a timestamptz as it is */
    case RBK_T_DURATION: rbk_sbuf_printf(text, "%" PRId64 " milliseconds", v.as.i); break;
    case RBK_T_LIST:
    case RBK_T_MAP:
        rbk_value_json(text, v);
        if (text->len >= RBK_TEXT_MAX) {
            rbk_sbuf_printf(msg, "bind parameter $%d: its JSON text would be %zu MiB or longer", index + 1, RBK_TEXT_MAX >> 20);
            return false;
        }
        break;
    default:
        rbk_sbuf_printf(msg, "bind parameter $%d: a %s cannot be sent to the database", index + 1,
                        rbk_type_name((rbk_type)v.t));
        return false;
    }
    if (strlen(rbk_sbuf_cstr(text)) != text->len) {
        rbk_sbuf_printf(msg, "bind parameter $%d contains a NUL byte (PostgreSQL text cannot hold one)", index + 1);
        return false;
    }
    return true;
}

static const char *mode_name(sql_mode m) {
    return m == SQL_QUERY ? "sql.query" : m == SQL_SCALAR ? "sql.scalar" : "sql.exec";
}

/* Waits for input on the connection (or the deadline); false when the connection broke. */
static bool wait_input(PGconn *pg, int timeout_ms, bool *got) {
    struct pollfd pfd = {PQsocket(pg), POLLIN, 0};
    if (pfd.fd < 0) return false;
    int n = poll(&pfd, 1, timeout_ms);
    if (n < 0 && errno != EINTR) return false;
    if (n > 0 && !PQconsumeInput(pg)) return false;
    if (got) *got = n > 0;
    return true;
}

/* Sends the cancel request and drains every result into r (a statement that finished before
 * the cancel reached the server leaves r without error). The server has SQL_GRACE_MS to
 * answer, counted from the last byte that arrived, not from the cancel: the rows it sent
 * before it stopped (megabytes of small rows fit in the socket buffers, and libpq makes a
 * result of each) take the client as long as they take, and an ASan build took more than
 * 2 s over the rows of a query stopped at max_bytes. Never longer than SQL_DRAIN_MAX_MS in
 * all. Returns true when the connection is still usable. */
static bool cancel_and_drain(PGconn *pg, sql_run *r) {
    PGcancel *pc = PQgetCancel(pg);
    if (pc) {
        char errbuf[256];
        PQcancel(pc, errbuf, (int)sizeof errbuf);
        PQfreeCancel(pc);
    }
    int64_t start = rbk_now_ms(), last = start;
    for (;;) {
        while (!PQisBusy(pg)) {
            PGresult *res = PQgetResult(pg);
            if (!res) return PQstatus(pg) == CONNECTION_OK;
            take_result(r, res);
            PQclear(res);
        }
        int64_t now = rbk_now_ms();
        int64_t left = last + SQL_GRACE_MS - now;
        if (start + SQL_DRAIN_MAX_MS - now < left) left = start + SQL_DRAIN_MAX_MS - now;
        if (left <= 0) return false;
        bool got = false;
        if (!wait_input(pg, left < RBK_POLL_SLICE_MS ? (int)left : RBK_POLL_SLICE_MS, &got)) return false;
        if (got) last = rbk_now_ms();
    }
}

/* A connection opened by the run's process, used from an instance of a per-item step that runs
 * in a process of its own (vm/instances.c): the socket is the run's, shared by the fork; using
 * it from here would interleave two conversations on one connection. */
static int foreign(rbk_vm *vm, const char *fn, const sql_conn *c) {
    return rbk_vm_error(vm, "%s: the connection to %s was opened before this per-item step, by the run's process; this instance "
                            "runs in a process of its own and cannot share it (its socket is the run's): connect inside the step "
                            "(docs/fleet.md, The concurrency model)", fn, c->shown);
}

static int sql_run_query(rbk_vm *vm, rbk_value *args, int nargs, sql_mode mode, rbk_value *out) {
    const int nsig = mode == SQL_EXEC ? 3 : 4; /* builtins.def: query and scalar take max_bytes */
    const char *fn = mode_name(mode);
    if (args[0].t != RBK_T_HANDLE || RBK_AS_HANDLE(args[0])->cls != &sql_class)
        return rbk_vm_error(vm, "%s: the first argument must be a connection from sql.connect", fn);
    rbk_handle *h = RBK_AS_HANDLE(args[0]);
    sql_conn *conn = h->data;
    if (rbk_handle_foreign(h)) return foreign(vm, fn, conn);
    if (h->closed || !conn->pg)
        return rbk_vm_error(vm, "%s: the connection to %s is closed (%s)", fn, conn->shown,
                            conn->why_closed ? conn->why_closed : "closed");
    if (args[1].t != RBK_T_STRING) return rbk_vm_error(vm, "%s: the query must be a string", fn);
    const char *q = rbk_arg_str(args[1]);
    if (strlen(q) != rbk_arg_len(args[1]))
        return rbk_vm_error(vm, "%s: the query contains a NUL byte", fn);
    int64_t timeout_ms = timeout_arg(args[2]);
    int64_t max_bytes = INT64_MAX;
    if (mode != SQL_EXEC &&
        rbk_limit_arg(vm, fn, "max_bytes", args[3], SQL_MAX_BYTES_DEFAULT, INT64_MAX, &max_bytes))
        return -1;

    sql_run r = {.vm = vm, .mode = mode, .secret = args[1].secret != 0, .rows = rbk_nil(), .first = rbk_nil(),
                 .ncols = -1, .max_bytes = max_bytes, .ncolumns = -1, .err = RBK_SBUF_INIT};
    rbk_sbuf msg = RBK_SBUF_INIT;

    /* Bind values: the trailing list the compiler adds for a literal query (native.h). */
    int nparams = 0;
    char **pvals = NULL;
    if (nargs == nsig + 1 && args[nsig].t == RBK_T_LIST) {
        rbk_list *binds = RBK_AS_LIST(args[nsig]);
        if (args[nsig].secret) r.secret = true;
        nparams = (int)binds->len;
        pvals = rbk_xcalloc(binds->len ? binds->len : 1, sizeof *pvals);
        for (int i = 0; i < nparams; i++) {
            rbk_value v = binds->items[i];
            if (v.secret) r.secret = true;
            rbk_sbuf text = RBK_SBUF_INIT;
            bool isnull;
            if (!bind_text(v, i, &text, &isnull, &msg)) {
                rbk_sbuf_free(&text);
                break;
            }
            pvals[i] = isnull ? NULL : rbk_sbuf_detach(&text);
            if (!pvals[i] && !isnull) pvals[i] = rbk_xstrdup("");
            rbk_sbuf_free(&text);
        }
    }

    uint64_t effect = 0;
    int64_t t0 = rbk_now_ms();
    PGconn *pg = conn->pg;
    bool dropped = false;
    bool skipped = false; /* not to be performed: replayed from the journal, or its intent not on disk (native.h) */
    if (!msg.len && !(effect = rbk_vm_effect_begin(vm, "sql", q))) skipped = true;
    if (!msg.len && !skipped) {
        if (mode == SQL_QUERY) r.rows = rbk_list_new(16);
        rbk_cancel cancel = rbk_vm_cancel(vm, timeout_ms);
        if (PQstatus(pg) != CONNECTION_OK ||
            !PQsendQueryParams(pg, q, nparams, NULL, (const char *const *)pvals, NULL, NULL, 0)) {
            rbk_sbuf_adds(&msg, PQstatus(pg) != CONNECTION_OK ? "connection lost: " : "could not send the query: ");
            add_conn_error(vm, &msg, pg);
        } else {
            /* rows are taken one at a time as they arrive, so libpq never holds a whole
             * result: exec counts them, query and scalar convert them up to max_bytes */
            PQsetSingleRowMode(pg);
            for (;;) {
                if (!PQisBusy(pg)) {
                    PGresult *res = PQgetResult(pg);
                    if (!res) break;
                    take_result(&r, res);
                    PQclear(res);
                    if (r.over || r.long_field) {
                        /* the result is larger than the runbook may hold: the server stops
                         * the statement, and what still arrives is dropped */
                        if (!cancel_and_drain(pg, &r)) dropped = true;
                        break;
                    }
                    continue;
                }
                if (rbk_cancel_check(&cancel)) {
                    const char *why = rbk_vm_cancel_reason(vm, &cancel, timeout_ms);
                    if (!cancel_and_drain(pg, &r)) {
                        dropped = true;
                        rbk_sbuf_printf(&msg, "cancelled: %s (the server did not answer the cancel "
                                        "request within %d s: connection dropped)", why, SQL_GRACE_MS / 1000);
                    } else if (r.failed) {
                        rbk_sbuf_printf(&msg, "cancelled: %s", why);
                    } /* else: it completed before the cancel arrived — a success */
                    break;
                }
                if (!wait_input(pg, rbk_cancel_slice(&cancel, RBK_POLL_SLICE_MS), NULL)) {
                    /* The socket broke: drain what libpq has, then report the loss. */
                    PGresult *res;
                    while ((res = PQgetResult(pg)) != NULL) PQclear(res);
                    break;
                }
            }
        }
        /* A connection that broke is reported as lost, whatever else happened. */
        if (!dropped && PQstatus(pg) != CONNECTION_OK) {
            r.lost = true;
            if (!msg.len) {
                rbk_sbuf_adds(&msg, "connection lost: ");
                if (r.failed) rbk_sbuf_add(&msg, r.err.data, r.err.len);
                else add_conn_error(vm, &msg, pg);
            }
        }
    }
    int64_t dur = rbk_now_ms() - t0;
    rbk_vbuild_end(&r.vb);
    rbk_keys_release(r.keys);
    free(r.slot);
    if (r.type != r.type_few) free(r.type);
    if (r.len != r.len_few) free(r.len);
    if (pvals) {
        for (int i = 0; i < nparams; i++) free(pvals[i]);
        free(pvals);
    }
    if (r.lost) sql_drop(h, "connection lost");
    else if (dropped) sql_drop(h, "dropped after a cancelled query");
    if (skipped) {
        rbk_sbuf_free(&r.err);
        rbk_sbuf_free(&msg);
        return -1;
    }
    /* inside a transaction nothing is durable until COMMIT: `runbook resume` must know */
    if (effect && !r.lost && !dropped && conn->pg &&
        (PQtransactionStatus(conn->pg) == PQTRANS_INTRANS || PQtransactionStatus(conn->pg) == PQTRANS_INERROR))
        rbk_vm_effect_in_transaction(vm, effect);

    /* Too large: whatever else the cancel produced (its own "canceling statement" error) */
    if ((r.over || r.long_field) && !r.lost) {
        rbk_sbuf why = RBK_SBUF_INIT;
        if (r.long_field) {
            rbk_sbuf_printf(&why, "a field of %" PRId64 " bytes is too long: a text cannot be ",
                            r.long_field);
            rbk_size_fmt(&why, RBK_TEXT_MAX);
            rbk_sbuf_adds(&why, " or longer");
        } else {
            rbk_sbuf_adds(&why, "the result is larger than ");
            rbk_size_fmt(&why, (uint64_t)r.max_bytes);
            rbk_sbuf_printf(&why, " (max_bytes: a row counts %d bytes, a field %d plus its text) "
                            "after %" PRId64 " row%s; the query was cancelled. Narrow it (WHERE, "
                            "LIMIT, fewer columns), or pass max_bytes: BYTES to allow more",
                            SQL_ROW_BYTES, SQL_FIELD_BYTES, r.nrows, r.nrows == 1 ? "" : "s");
        }
        if (dropped)
            rbk_sbuf_printf(&why, " (the server did not answer the cancel request within %d s: "
                            "connection dropped)", SQL_GRACE_MS / 1000);
        rbk_sbuf_free(&msg);
        msg = why;
    }

    /* Shape checks */
    if (!msg.len && !r.failed && mode == SQL_SCALAR && (r.nrows != 1 || r.ncols != 1)) {
        rbk_sbuf_printf(&msg, "expected 1 row with 1 column, got %" PRId64 " row%s", r.nrows,
                        r.nrows == 1 ? "" : "s");
        if (r.ncols >= 0) rbk_sbuf_printf(&msg, " with %d column%s", r.ncols, r.ncols == 1 ? "" : "s");
    }
    if (!msg.len && r.failed) rbk_sbuf_add(&msg, r.err.data, r.err.len);
    if (msg.len) {
        if (effect) rbk_vm_effect_end(vm, effect, "error", 0, NULL, 0, msg.data, msg.len, dur);
        rbk_sbuf full = RBK_SBUF_INIT;
        rbk_sbuf_printf(&full, "%s: %s\n  query: ", fn, msg.data);
        add_shown(vm, &full, q, SQL_QUERY_SHOWN);
        rbk_unref(r.rows);
        rbk_unref(r.first);
        rbk_sbuf_free(&r.err);
        rbk_sbuf_free(&msg);
        int ret = rbk_vm_error(vm, "%s", full.data);
        rbk_sbuf_free(&full);
        return ret;
    }
    rbk_sbuf_free(&r.err);
    int64_t count = mode == SQL_EXEC ? r.affected : r.nrows;
    rbk_sbuf summary = RBK_SBUF_INIT;
    if (mode == SQL_EXEC) rbk_sbuf_printf(&summary, "%" PRId64 " row%s affected", count, count == 1 ? "" : "s");
    else rbk_sbuf_printf(&summary, "%" PRId64 " row%s", count, count == 1 ? "" : "s");
    rbk_vm_effect_end(vm, effect, "ok", count > INT32_MAX ? INT32_MAX : (int)count, summary.data,
                      summary.len, NULL, 0, dur);
    rbk_sbuf_free(&summary);
    switch (mode) {
    case SQL_QUERY: *out = r.rows; break;
    case SQL_SCALAR: *out = r.first; break;
    case SQL_EXEC: *out = rbk_int(r.affected); break;
    }
    if (r.secret) mark_deep(out);
    return 0;
}

int rbk_std_sql_query(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return sql_run_query(vm, args, nargs, SQL_QUERY, out);
}
int rbk_std_sql_scalar(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return sql_run_query(vm, args, nargs, SQL_SCALAR, out);
}
int rbk_std_sql_exec(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return sql_run_query(vm, args, nargs, SQL_EXEC, out);
}

int rbk_std_sql_close(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    if (args[0].t != RBK_T_HANDLE || RBK_AS_HANDLE(args[0])->cls != &sql_class)
        return rbk_vm_error(vm, "sql.close: the argument must be a connection from sql.connect");
    rbk_handle *h = RBK_AS_HANDLE(args[0]);
    sql_conn *c = h->data;
    if (rbk_handle_foreign(h)) return foreign(vm, "sql.close", c); /* closing it would end the run's session */
    if (h->closed && c->why_closed && strcmp(c->why_closed, "closed by sql.close") == 0)
        return rbk_vm_error(vm, "sql.close: the connection to %s is already closed", c->shown);
    sql_drop(h, "closed by sql.close");
    *out = rbk_nil();
    return 0;
}

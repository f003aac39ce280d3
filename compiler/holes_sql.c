/* compiler/holes_sql.c — the PostgreSQL lexical and statement tracker: where each {expr} of an
 * SQL query literal stands (rbk_sql_holes, contract in holes.h; the rules and their reasons in
 * docs/sql.md "Quoting interpolated values"), and each statement's DELETE/UPDATE-without-WHERE.
 * Owns: the SQL lexical contexts, the statement classes that take no bind parameters, their
 * messages.
 * Shares invariants with: compiler/sema.c (sql-no-where, reports), compiler/codegen.c (binds),
 * compiler/holes_flat.h, tests/unit/test_holes.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "holes_flat.h"

/* ==========================================================================================
 * The SQL tracker: PostgreSQL's lexical contexts (standard_conforming_strings on, the default
 * since 9.1): code, '...' (E'...' with backslash escapes), "...", $tag$...$tag$, -- and
 * nested block comments. A bind parameter ($n) and an {x:ident} only mean something in code. */

enum { Q_CODE, Q_STR, Q_ESTR, Q_IDENT, Q_DOLLAR, Q_LINE, Q_BLOCK };

static int sql_ident_char(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}
static int sql_tag_start(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }

typedef struct sqlscan {
    flat fl;
    int k;
} sqlscan;
static int speek(const sqlscan *s, size_t x) {
    if (hole_in(&s->fl, s->k, x, x)) return NONE_HOLE;
    return x < s->fl.t.len ? (unsigned char)s->fl.t.data[x] : AT_END;
}
/* The length of a dollar-quote delimiter $tag$ at x (no hole inside), or 0. */
static size_t dollar_tag(const sqlscan *s, size_t x) {
    size_t i = x + 1;
    int c = speek(s, i);
    if (c == '$') return 2;
    if (c < 0 || !sql_tag_start(c)) return 0;
    while ((c = speek(s, i)) >= 0 && c != '$' && (sql_tag_start(c) || (c >= '0' && c <= '9'))) i++;
    return c == '$' ? i + 1 - x : 0;
}

/* 1 when t[x - 1] is a byte of an identifier or number right before x (no hole between). */
static int ident_before(const sqlscan *s, size_t x) {
    return x > 0 && !hole_in(&s->fl, 0, x, x) && sql_ident_char((unsigned char)s->fl.t.data[x - 1]);
}

static void sql_refuse(rbk_hole *o, int st, int ident) {
    if (ident) {
        switch (st) {
        case Q_STR: case Q_ESTR:
            refuse(o, "is inside an SQL string literal '...', where the quoted identifier would not be escaped",
                   "write {x:ident} outside the quotes");
            break;
        case Q_IDENT:
            refuse(o, "is inside a quoted identifier \"...\", which it would end",
                   "write {x:ident} without the double quotes: it is inserted as a quoted identifier");
            break;
        case Q_DOLLAR:
            refuse(o, "is inside a dollar-quoted string $$...$$, where the quoted identifier would not be escaped",
                   "write {x:ident} outside the dollar quotes");
            break;
        default:
            refuse(o, "is inside an SQL comment, which a newline in the value would end", "take the value out of the comment");
            break;
        }
        return;
    }
    switch (st) {
    case Q_STR: case Q_ESTR:
        refuse(o, "is inside an SQL string literal '...': a bind parameter there is only the text $1",
               "write {x} without the quotes: it is sent as a bind parameter (add a cast where the type is unclear, "
               "{x}::text; for text around it, 'pre' || {x} || 'post')");
        break;
    case Q_IDENT:
        refuse(o, "is inside a quoted identifier \"...\": a bind parameter cannot name a table or column",
               "write {x:ident} without the double quotes: it is inserted as a quoted identifier");
        break;
    case Q_DOLLAR:
        refuse(o, "is inside a dollar-quoted string $$...$$: a bind parameter there is only the text $1",
               "move the value out of the dollar quotes (a DO block or a function body cannot see bind parameters: "
               "pass it as an argument, or with set_config('app.x', {x}, true) and current_setting('app.x'))");
        break;
    default:
        refuse(o, "is inside an SQL comment: a bind parameter there is only the text $1", "take the value out of the comment");
        break;
    }
}

/* ------------------------------------------------------------------------------------------
 * Statements. PostgreSQL takes bind parameters only in the statements its parse analysis
 * transforms (transformStmt in src/backend/parser/analyze.c): SELECT (VALUES, TABLE, set
 * operations, SELECT INTO), INSERT, UPDATE, DELETE, MERGE, WITH, DECLARE ... CURSOR, CALL,
 * CREATE TABLE ... AS and EXPLAIN of those. Every other statement is a utility statement whose
 * text is never analysed with the parameters: $1 in it is "syntax error at or near $1" or
 * "bind message supplies 1 parameters, but prepared statement requires 0" at run time
 * (tests/golden/sql/no_params.rb shows each against PostgreSQL 15). So the code tokens of
 * each statement are kept (words upper-cased, parentheses, holes), and when the statement ends
 * (a `;` in code, or the end) the quoted holes of a statement that takes no parameters are
 * refused. The same tokens give the checker's DELETE/UPDATE-without-WHERE warning. */

enum { T_WORD, T_OPEN, T_CLOSE, T_HOLE };
#define SQL_TOKENS 24 /* the tokens kept from a statement's start: enough to classify it */
#define SQL_WORD 16   /* the bytes kept of a word (no keyword is longer) */

typedef struct sqltok {
    int kind;
    char w[SQL_WORD + 1];
} sqltok;

typedef struct sqlstmt {
    sqltok tok[SQL_TOKENS];
    int ntok;
    int depth;        /* open ( in code */
    char main[SQL_WORD + 1]; /* the statement's verb: its first word, or after WITH the first
                                top-level SELECT/INSERT/UPDATE/DELETE/MERGE/VALUES/TABLE */
    int where;        /* a top-level WHERE after the verb */
    int as_top;       /* a top-level AS ... */
    char after_as[SQL_WORD + 1]; /* ... and the first word after it */
    int want_after_as;
    /* a DELETE or UPDATE that opens a parenthesis (a WITH clause's data-modifying query):
     * its kind and whether a WHERE of its own followed, by depth (the first 32) */
    char sub_kind[32];
    char sub_where[32];
    int fresh;        /* the last token opened a parenthesis */
    int sub_no_where; /* such a query ended without WHERE: 'D' or 'U' */
    int *holes;       /* the quoted holes of the statement not refused already */
    int nholes, cap;
    int any;          /* the statement has a token */
} sqlstmt;

static int word_is(const char *w, const char *const *set) {
    for (; *set; set++)
        if (!strcmp(w, *set)) return 1;
    return 0;
}
static const char *const takes_params[] = {"SELECT", "VALUES", "TABLE", "WITH", "INSERT", "UPDATE", "DELETE",
                                           "MERGE", "CALL", "DECLARE", NULL};
static const char *const query_verbs[] = {"SELECT", "VALUES", "TABLE", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", NULL};

/* Why a statement takes no parameters, and the fix, by its verb. */
typedef struct utility {
    const char *verb, *why, *hint;
} utility;
#define NOPARAM(v) "is in " v " statement, which takes no bind parameters: PostgreSQL would reject the $1 at run time"
#define BUILD_HINT "for a name write {x:ident}; for a value, have the server quote it into the statement's text: " \
                   "let q = db.scalar(\"SELECT format('... %L', {x}::text)\"), then db.exec(q)"
static const utility utilities[] = {
    {"SET", NOPARAM("a SET"), "for a setting's value: SELECT set_config('name', {x}, false) (true for SET LOCAL); "
                              "for a name (SET ROLE): {x:ident}"},
    {"RESET", NOPARAM("a RESET"), "for the setting's name write {x:ident}"},
    {"SHOW", NOPARAM("a SHOW"), "SELECT current_setting({x})"},
    {"NOTIFY", NOPARAM("a NOTIFY"), "SELECT pg_notify('channel', {x})"},
    {"LISTEN", NOPARAM("a LISTEN"), "for the channel write {x:ident}"},
    {"UNLISTEN", NOPARAM("an UNLISTEN"), "for the channel write {x:ident}"},
    {"DO", NOPARAM("a DO"), "a DO block cannot see bind parameters: SELECT set_config('app.x', {x}, false) first, "
                            "then current_setting('app.x') inside"},
    {"PREPARE", NOPARAM("a PREPARE"), "run the query itself: its {x} are bind parameters already"},
    {"EXECUTE", NOPARAM("an EXECUTE"), "run the query itself: its {x} are bind parameters already"},
    {"CREATE", NOPARAM("a CREATE"), BUILD_HINT},
    {"ALTER", NOPARAM("an ALTER"), BUILD_HINT},
    {"DROP", NOPARAM("a DROP"), BUILD_HINT},
    {"GRANT", NOPARAM("a GRANT"), BUILD_HINT},
    {"REVOKE", NOPARAM("a REVOKE"), BUILD_HINT},
    {"COPY", NOPARAM("a COPY"), BUILD_HINT},
    {"VACUUM", NOPARAM("a VACUUM"), BUILD_HINT},
    {"ANALYZE", NOPARAM("an ANALYZE"), BUILD_HINT},
    {"ANALYSE", NOPARAM("an ANALYSE"), BUILD_HINT},
    {"CLUSTER", NOPARAM("a CLUSTER"), BUILD_HINT},
    {"REINDEX", NOPARAM("a REINDEX"), BUILD_HINT},
    {"REFRESH", NOPARAM("a REFRESH"), BUILD_HINT},
    {"TRUNCATE", NOPARAM("a TRUNCATE"), BUILD_HINT},
    {"LOCK", NOPARAM("a LOCK"), BUILD_HINT},
    {"COMMENT", NOPARAM("a COMMENT"), BUILD_HINT},
    {"SECURITY", NOPARAM("a SECURITY LABEL"), BUILD_HINT},
    {"IMPORT", NOPARAM("an IMPORT"), BUILD_HINT},
    {"REASSIGN", NOPARAM("a REASSIGN"), BUILD_HINT},
    {"LOAD", NOPARAM("a LOAD"), BUILD_HINT},
    {"FETCH", NOPARAM("a FETCH"), BUILD_HINT},
    {"MOVE", NOPARAM("a MOVE"), BUILD_HINT},
    {"CLOSE", NOPARAM("a CLOSE"), BUILD_HINT},
    {"DEALLOCATE", NOPARAM("a DEALLOCATE"), BUILD_HINT},
    {"DISCARD", NOPARAM("a DISCARD"), BUILD_HINT},
    {"SAVEPOINT", NOPARAM("a SAVEPOINT"), BUILD_HINT},
    {"RELEASE", NOPARAM("a RELEASE"), BUILD_HINT},
    {"BEGIN", NOPARAM("a BEGIN"), BUILD_HINT},
    {"START", NOPARAM("a START TRANSACTION"), BUILD_HINT},
    {"COMMIT", NOPARAM("a COMMIT"), BUILD_HINT},
    {"END", NOPARAM("an END"), BUILD_HINT},
    {"ROLLBACK", NOPARAM("a ROLLBACK"), BUILD_HINT},
    {"ABORT", NOPARAM("an ABORT"), BUILD_HINT},
    {"CHECKPOINT", NOPARAM("a CHECKPOINT"), BUILD_HINT},
    {NULL, NULL, NULL},
};
static const utility matview = {
    "MATERIALIZED",
    "is in CREATE MATERIALIZED VIEW, which PostgreSQL refuses to define with bind parameters "
    "(materialized views may not be defined using bound parameters)",
    "store the value in a table first (CREATE TABLE ... AS SELECT {x} takes parameters) and select from it, or "
    "for a name write {x:ident}"};
static const utility ctas_execute = {"EXECUTE", NOPARAM("an EXECUTE"),
                                     "run the query itself in CREATE TABLE ... AS SELECT: its {x} are bind parameters"};

/* The verdict on a statement whose first tokens are tok[i..n): NULL when it takes parameters
 * (or the tracker cannot tell: an unknown word, a hole where its verb should be), else why
 * not. */
static const utility *stmt_verdict(const sqlstmt *st, int i) {
    const sqltok *t = st->tok;
    int n = st->ntok;
    while (i < n && t[i].kind == T_OPEN) i++;
    if (i >= n || t[i].kind != T_WORD) return NULL;
    const char *w = t[i].w;
    if (word_is(w, takes_params)) return NULL;
    if (!strcmp(w, "EXPLAIN")) {
        i++;
        if (i < n && t[i].kind == T_OPEN) {
            int d = 0;
            for (; i < n; i++) {
                d += t[i].kind == T_OPEN ? 1 : t[i].kind == T_CLOSE ? -1 : 0;
                if (d == 0) break;
            }
            if (i >= n) return NULL; /* options past the kept tokens: cannot tell */
            i++;
        } else {
            static const char *const opts[] = {"ANALYZE", "ANALYSE", "VERBOSE", NULL};
            while (i < n && t[i].kind == T_WORD && word_is(t[i].w, opts)) i++;
        }
        if (i >= n) return NULL;
        return stmt_verdict(st, i);
    }
    if (!strcmp(w, "CREATE")) {
        static const char *const mods[] = {"GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED", NULL};
        int j = i + 1;
        while (j < n && t[j].kind == T_WORD && word_is(t[j].w, mods)) j++;
        if (j < n && t[j].kind == T_WORD && !strcmp(t[j].w, "MATERIALIZED")) return &matview;
        if (j < n && t[j].kind == T_WORD && !strcmp(t[j].w, "TABLE") && st->as_top) {
            if (!strcmp(st->after_as, "EXECUTE")) return &ctas_execute;
            return NULL; /* CREATE TABLE ... AS a query */
        }
    }
    for (const utility *u = utilities; u->verb; u++)
        if (!strcmp(w, u->verb)) return u;
    return NULL;
}

static void stmt_token(sqlstmt *st, int kind, const char *w, size_t n) {
    st->any = 1;
    int fresh = st->fresh;
    st->fresh = kind == T_OPEN;
    if (kind == T_OPEN) {
        st->depth++;
        if (st->depth < 32) st->sub_kind[st->depth] = st->sub_where[st->depth] = 0;
    }
    if (kind == T_CLOSE && st->depth > 0) {
        if (st->depth < 32 && st->sub_kind[st->depth] && !st->sub_where[st->depth] && !st->sub_no_where)
            st->sub_no_where = st->sub_kind[st->depth];
        st->depth--;
    }
    char up[SQL_WORD + 1] = "";
    int top = st->depth == 0;
    if (kind == T_WORD) {
        size_t m = n < SQL_WORD ? n : SQL_WORD;
        for (size_t i = 0; i < m; i++) up[i] = (char)(w[i] >= 'a' && w[i] <= 'z' ? w[i] - 32 : w[i]);
        up[m] = 0;
        if (st->want_after_as) {
            memcpy(st->after_as, up, sizeof up);
            st->want_after_as = 0;
        }
        if (top && !strcmp(up, "AS") && !st->as_top) { st->as_top = 1; st->want_after_as = 1; }
        if (!st->main[0]) memcpy(st->main, up, sizeof up);
        else if (top && !strcmp(st->main, "WITH") && word_is(up, query_verbs) && strcmp(up, "WITH"))
            memcpy(st->main, up, sizeof up);
        else if (top && !strcmp(up, "WHERE") && strcmp(st->main, "WITH")) st->where = 1;
        if (!top && st->depth < 32) {
            if (fresh && (!strcmp(up, "DELETE") || !strcmp(up, "UPDATE"))) st->sub_kind[st->depth] = up[0];
            else if (!strcmp(up, "WHERE")) st->sub_where[st->depth] = 1;
        }
    } else if (kind == T_HOLE) {
        st->want_after_as = 0;
        if (!st->main[0]) strcpy(st->main, "?");
    }
    if (st->ntok < SQL_TOKENS) {
        st->tok[st->ntok].kind = kind;
        memcpy(st->tok[st->ntok].w, up, sizeof up);
        st->ntok++;
    }
}

/* The statement ends: refuse its quoted holes if it takes no parameters; note it for the
 * WHERE warning; start the next one. */
static void stmt_end(rbk_holes *h, sqlstmt *st) {
    if (st->any) {
        const utility *u = stmt_verdict(st, 0);
        for (int i = 0; u && i < st->nholes; i++) refuse(&h->holes[st->holes[i]], u->why, u->hint);
        int del = !strcmp(st->main, "DELETE"), upd = !strcmp(st->main, "UPDATE");
        h->stmts = rbk_xrealloc(h->stmts, sizeof(rbk_sql_stmt) * (size_t)(h->nstmts + 1));
        h->stmts[h->nstmts].no_where = (del || upd) && !st->where ? (del ? 'D' : 'U') : st->sub_no_where;
        h->nstmts++;
    }
    int *holes = st->holes, cap = st->cap;
    memset(st, 0, sizeof *st);
    st->holes = holes;
    st->cap = cap;
}

void rbk_sql_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt) {
    holes_start(h, nholes);
    sqlscan s;
    memset(&s, 0, sizeof s);
    flat_init(&s.fl, pieces, nholes);
    const char *t = s.fl.t.data;
    size_t len = s.fl.t.len, x = 0, tag = 0, tagat = 0;
    int st = Q_CODE, depth = 0;
    int prev_hole = 0; /* a bind or identifier hole stands right before x */
    sqlstmt stmt;
    memset(&stmt, 0, sizeof stmt);
    for (;;) {
        for (; s.k < nholes && s.fl.hpos[s.k] == x; s.k++) {
            rbk_hole *o = &h->holes[s.k];
            int f = fmt[s.k], quoted = f == RBK_HOLE_QUOTED;
            o->group = -1;
            if (st == Q_CODE) stmt_token(&stmt, T_HOLE, NULL, 0);
            if (f == RBK_HOLE_RAW) { prev_hole = 0; continue; }
            int nx = hole_in(&s.fl, s.k + 1, x, x) ? NONE_HOLE : x < len ? (unsigned char)t[x] : AT_END;
            if (st != Q_CODE) sql_refuse(o, st, f == RBK_HOLE_IDENT);
            else if (quoted && x > 0 && !prev_hole && t[x - 1] == '$')
                refuse(o, "comes right after a `$`: $$1 would start a dollar-quoted string",
                       "write {x} without the `$`: it is sent as a bind parameter");
            else if (quoted && (prev_hole || (x > 0 && sql_ident_char((unsigned char)t[x - 1]))))
                refuse(o, "touches the name, number or value right before it: the two would read as one token "
                          "(after `abc`, $1 is the name abc$1)",
                       "put a space or an operator between them; to build a name, compute it in the runbook and "
                       "write {name:ident}");
            else if (quoted && nx >= 0 && sql_ident_char(nx))
                refuse(o, "is followed right away by a letter, digit, `_` or `$`: the two would read as one token "
                          "({x}0 would be the parameter $10)",
                       "put a space or an operator between them");
            if (quoted && o->ctx >= 0) {
                if (stmt.nholes == stmt.cap) {
                    stmt.cap = stmt.cap ? stmt.cap * 2 : 8;
                    stmt.holes = rbk_xrealloc(stmt.holes, sizeof(int) * (size_t)stmt.cap);
                }
                stmt.holes[stmt.nholes++] = s.k;
            }
            prev_hole = 1;
        }
        if (x >= len) break;
        prev_hole = 0;
        int c = (unsigned char)t[x], nx = speek(&s, x + 1);
        size_t used = 1;
        switch (st) {
        case Q_CODE:
            if (c == '\'') {
                /* E'...' (or e'...') has backslash escapes; the E must start its token */
                int e = x > 0 && (t[x - 1] == 'E' || t[x - 1] == 'e') && !hole_in(&s.fl, 0, x, x) && !ident_before(&s, x - 1);
                st = e ? Q_ESTR : Q_STR;
            } else if (c == '"') st = Q_IDENT;
            else if (c == '-' && nx == '-') { st = Q_LINE; used = 2; }
            else if (c == '/' && nx == '*') { st = Q_BLOCK; depth = 1; used = 2; }
            else if (c == '$' && !ident_before(&s, x) && (tag = dollar_tag(&s, x))) {
                /* $tag$ opens a dollar-quoted string; after a name byte, $ is part of the name */
                st = Q_DOLLAR;
                tagat = x;
                used = tag;
            } else if (c == '(') stmt_token(&stmt, T_OPEN, NULL, 0);
            else if (c == ')') stmt_token(&stmt, T_CLOSE, NULL, 0);
            else if (c == ';') stmt_end(h, &stmt);
            else if (sql_ident_char(c) && c != '$' && !ident_before(&s, x)) {
                /* a word (a keyword or a name) or a number, to its end or the next hole */
                size_t j = x + 1;
                while (j < len && !hole_in(&s.fl, s.k, j, j) && sql_ident_char((unsigned char)t[j])) j++;
                if (sql_tag_start(c)) stmt_token(&stmt, T_WORD, t + x, j - x);
                used = j - x;
            }
            break;
        case Q_STR: case Q_IDENT:
            if (c == (st == Q_STR ? '\'' : '"')) {
                if (nx == c) used = 2;
                else st = Q_CODE;
            }
            break;
        case Q_ESTR:
            if (c == '\\') used = nx >= 0 ? 2 : 1;
            else if (c == '\'') {
                if (nx == '\'') used = 2;
                else st = Q_CODE;
            }
            break;
        case Q_DOLLAR:
            if (c == '$' && x + tag <= len && !hole_in(&s.fl, s.k, x + 1, x + tag - 1) && !memcmp(t + x, t + tagat, tag)) {
                st = Q_CODE;
                used = tag;
            }
            break;
        case Q_LINE:
            if (c == '\n') st = Q_CODE;
            break;
        default: /* Q_BLOCK */
            if (c == '/' && nx == '*') { depth++; used = 2; }
            else if (c == '*' && nx == '/') { used = 2; if (--depth == 0) st = Q_CODE; }
            break;
        }
        x += used;
    }
    stmt_end(h, &stmt);
    free(stmt.holes);
    flat_free(&s.fl);
}

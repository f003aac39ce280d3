/* import/imp.h — the interface between the two halves of `runbook import`'s translator
 * (import/import.h is its public face; docs/import.md):
 *   the document half  (import/imp_doc.h: model.c, emit.c, expect.c, fence.c, items.c,
 *                      document.c) headings to sections and steps, prose to comments, lists,
 *                      check boxes, tables, "Expected" lines, gates, rollback sections, the
 *                      declarations, the output text and the summary;
 *   the shell half     (import/sh_int.h: sh_split.c, sh_literal.c, sh_recognise.c,
 *                      sh_command.c) a fenced block to commands (multi-line commands and
 *                      here-documents kept whole), $VAR to declared env reads, and curl / psql /
 *                      pg_dump / sleep recognised as http, db, std/pg and wait calls.
 * Owns: imp_ctx (everything the output's declarations need, the counters of the summary and
 * the TODO list) and imp_call (one translated command, before its expectations are known).
 * Shares invariants with: grammar/lexer.re (what a string literal may hold: imp_lit escapes
 * for it), docs/shell.md (how {x} is quoted in a command), import/mdscan.h (the blocks). */
#ifndef RBK_IMP_H
#define RBK_IMP_H
#include "../support/sbuf.h"
#include "mdscan.h"

typedef struct imp_env {
    char *name;
    char *note;          /* what the document says about it (a comment), or NULL */
    int secret, optional, line;
} imp_env;

typedef struct imp_param {
    char *name;
    char *deflt;         /* a runbook literal, or NULL: required */
    char *note;
    int line;
} imp_param;

typedef struct imp_conn {
    char *var;           /* db, db_orders ... */
    char *url;           /* the expression: env.DATABASE_URL */
} imp_conn;

typedef struct imp_todo_item {
    int line;            /* in the Markdown document */
    char *msg;
} imp_todo_item;

typedef struct imp_ctx {
    const char *src;     /* the document's name as given */
    imp_env *envs; int nenvs, capenvs;
    imp_param *params; int nparams, capparams;
    imp_conn *conns; int nconns, capconns;
    imp_todo_item *todos; int ntodos, captodos;
    int use_pg;
    /* the summary */
    int steps, sections, fns;
    int calls_sh, calls_http, calls_sql, calls_pg, waits;
    int expects, confirms, asks, stop_ifs;
    int cmds, cmds_called, cmds_absorbed;   /* commands in shell fences; how many became calls */
    int inline_cmds, inline_called;         /* commands in list items and table cells */
    int expected, expected_done;            /* "Expected" lines; how many became expectations */
    int expected_gated;                     /* Expected cells of check-list rows done by hand */
} imp_ctx;

/* Declarations, deduplicated by name (the first note and line win; secret/optional add up). */
imp_env *imp_env_use(imp_ctx *c, const char *name, size_t n, int line);
imp_param *imp_param_use(imp_ctx *c, const char *name, int line);
/* The connection variable for a URL expression (sql.connect(URL) declared once). */
const char *imp_conn_for(imp_ctx *c, const char *url_expr);
/* Records a TODO; returns the comment text to write ("TODO(import): msg (line N)"), malloc'd. */
char *imp_todo(imp_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Whether a name reads as an environment variable that holds a secret (TOKEN, KEY, ...). */
int imp_secret_name(const char *name, size_t n);

/* Appends s as the inside of a "..." literal: \ " { } escaped, newline, tab and CR as \n \t \r
 * (other bytes are kept as they are: the lexer takes them). */
void imp_lit(rbk_sbuf *b, const char *s, size_t n);
/* The same for a """ literal: newlines stay newlines. */
void imp_lit3(rbk_sbuf *b, const char *s, size_t n);
/* A whole """ literal of inside (already escaped by imp_lit3) on lines of their own, each
 * non-empty line indented by two spaces: the language removes the common indentation, so the
 * value is exactly the text. */
void imp_lit3_block(rbk_sbuf *b, const char *inside);
/* "s" as a whole literal. */
void imp_lit_q(rbk_sbuf *b, const char *s);

/* ------------------------------------------------------------------ the shell half (sh_*.c) */
/* IMP_SH_OUTPUT: a line of output written under "# Expected output:" without a '#' */
typedef enum imp_sh_kind { IMP_SH_BLANK, IMP_SH_COMMENT, IMP_SH_CMD, IMP_SH_OUTPUT } imp_sh_kind;

typedef struct imp_sh_item {
    imp_sh_kind kind;
    char *text;          /* a comment without its '#', or a whole command (lines joined) */
    char *note;          /* a command's trailing comment, or NULL */
    int line, last_line;
} imp_sh_item;

/* Splits a fence's lines into comments, blank lines and whole commands: a command continues
 * over a trailing \ | && ||, an open quote, $( ), { }, if/for/while/case ... to its end, and
 * over its here-documents. */
int imp_sh_split(const rbk_md_line *lines, int n, imp_sh_item **out);
void imp_sh_items_free(imp_sh_item *items, int n);

/* The names a command assigns (NAME=..., export/read/for NAME), space-separated with spaces
 * around, for imp_sh_group; "" when none. */
char *imp_sh_assigned(const char *cmd);
/* Whether cmd reads $name / ${name...}. */
int imp_sh_reads(const char *cmd, const char *name);

/* What a command became. */
typedef enum imp_call_kind {
    IMP_CALL_SH, IMP_CALL_HTTP, IMP_CALL_SQL, IMP_CALL_PG, IMP_CALL_WAIT
} imp_call_kind;

typedef struct imp_call {
    imp_call_kind kind;
    char *fn;            /* sh, http.get, db.query ... (SQL: the connection variable) */
    rbk_sbuf args;       /* the arguments as written, without the parentheses */
    int line;
    /* what expectations need */
    char *sql;           /* SQL: the statement, escaped for a literal */
    int sql_select;      /* SQL: a SELECT (or WITH / SHOW / VALUES / TABLE) */
    char *jq;            /* HTTP: the value the jq filter selects, as an expression on %R, or NULL */
    int jq_raw;          /* HTTP: `jq .` (the whole document) */
    int http_status;     /* HTTP: curl prints the status (-w '%{http_code}') */
    int http_fail;       /* HTTP: curl -f: a 2xx status is expected */
    int grep;            /* sh: a pipeline through grep (no match is exit 1) */
    int check_false;     /* sh: check: false is added */
    char *note;          /* a comment to write above the call (what the importer changed), or NULL */
    char *auto_expect;   /* an expectation the command itself implies (curl -f: a 2xx status;
                          * psql < FILE: the restore succeeded), on %R / %C, or NULL */
} imp_call;

/* The state a step's commands share, as in one shell session: the directory (cd) and the
 * exported variables (export X=...). */
typedef struct imp_shstate {
    char *cwd;           /* a runbook literal's inside, or NULL */
    char **env_names; char **env_vals; int nenv;   /* vals: runbook expressions */
} imp_shstate;
void imp_shstate_free(imp_shstate *s);

typedef enum imp_cmd_result {
    IMP_CMD_CALL,        /* *call is set */
    IMP_CMD_ABSORBED,    /* cd / export / an assignment: in the state now, no call */
    IMP_CMD_TODO         /* kept as a comment: *why says why */
} imp_cmd_result;

/* Translates one command (or a group of commands sharing shell variables) into calls (psql
 * -c "A; B" is one call per statement): *calls (malloc'd, *ncalls of them) for IMP_CMD_CALL.
 * *why: the TODO to write (malloc'd) or NULL — also with a call (a database URL assumed). */
imp_cmd_result imp_sh_command(imp_ctx *c, imp_shstate *st, const char *cmd, int line,
                              imp_call **calls, int *ncalls, char **why);
void imp_call_free(imp_call *k);
/* The builtin of an HTTP method: http.get for GET (malloc'd). */
char *imp_http_fn(const char *method);
/* Renders fn(args) into b. */
void imp_call_render(rbk_sbuf *b, const imp_call *k);

/* Whether an inline code span reads as a command to run (a known program, a path to a script). */
int imp_looks_like_command(const char *code);
#endif

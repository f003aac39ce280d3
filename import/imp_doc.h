/* import/imp_doc.h — the seams inside the document half of `runbook import` (the Markdown
 * runbook read as blocks, to sections, steps and statements; docs/import.md):
 *   import/model.c     literals, declarations, TODOs, Markdown inline text (plain, code spans)
 *   import/emit.c      the output model: a step's lines and the call waiting for its "Expected"
 *   import/expect.c    what prose says: expected values, stop-if, waits, questions, labels
 *   import/fence.c     fenced blocks (shell, console, SQL, kept as they are)
 *   import/items.c     list items, paragraphs, tables
 *   import/document.c  headings to sections and steps, the whole output, the entry point
 * Owns: imp (the translator's state over one document), step_out (one step or fn being
 * written), ev (one expected value), label_kind.
 * Shares invariants with: import/imp.h (what the shell half gives), import/mdscan.h. */
#ifndef RBK_IMP_DOC_H
#define RBK_IMP_DOC_H
#include <string.h>
#include <strings.h>
#include "imp.h"

/* ------------------------------------------------------------------ Markdown text (model.c) */
/* The code spans of s, in order. */
typedef struct spans { char **v; int *at; int n; } spans;

/* ------------------------------------------------------------------ the output (emit.c) */
typedef struct line_buf { rbk_sbuf b; int nstmts; } line_buf;

/* A call waiting for the "Expected" lines that follow it. */
typedef struct pending {
    imp_call *k;          /* NULL: none */
    rbk_sbuf exps;        /* expectation templates (%R the result, %C the call), one a line */
    rbk_sbuf notes;       /* comments written after the call */
    int nexps, want_scalar;
} pending;

typedef struct step_out {
    char *name;           /* as the reader sees it (escaped when written) */
    int line;
    rbk_sbuf desc;        /* prose, one line each ("" for a paragraph break) */
    line_buf body, rb;
    pending pend;         /* the call waiting for its expectations (in body or rollback) */
    int pend_rb;
    int nvars;            /* let r, r2, ... */
    int is_fn;
    int named;            /* the name is unique already */
    imp_shstate sh;
} step_out;

typedef struct imp {
    imp_ctx c;
    rbk_md_doc d;
    const char *src;
    int *first_child;     /* per block: the index of its first child, or -1 */
    int *next_sibling;
    rbk_sbuf main;        /* sections, steps and fns, in order */
    rbk_sbuf pending;     /* prose for the next step or section */
    /* the current section */
    char *sec_title; int sec_line;
    rbk_sbuf sec_desc, sec_body;
    rbk_sbuf after_sec;   /* fns met inside the section: written after it (a section holds steps) */
    int sec_steps;
    int in_section;
    step_out *last;       /* the last step, still open (a rollback section may add to it) */
    int last_in_section;
    char **names; int nnames;     /* step names used */
    char **fnames; int nfnames;   /* fn names used */
    int sheet;            /* inside a go/no-go sheet */
    int item_is_step;     /* the list item being read is a step's name: no comment repeats it */
    int base_url_line;    /* GET /path requests: the base_url param */
} imp;

/* ------------------------------------------------------------------ "Expected" values (expect.c) */
typedef enum ev_kind {
    EV_PROSE, EV_STRING, EV_NUMBER, EV_BOOL, EV_NULL, EV_2XX, EV_CMP, EV_EMPTY, EV_FIELDS, EV_ANY
} ev_kind;

typedef struct ev {
    ev_kind kind;
    char *lit;            /* a runbook literal: "\"ok\"", 200, true, nil */
    const char *op;       /* EV_CMP */
    int status;           /* EV_NUMBER: 100-599, reads as an HTTP status */
    char **keys, **vals; int nf;   /* EV_FIELDS */
    char **alts; int nalts;        /* EV_ANY: literals */
} ev;

/* ------------------------------------------------------------------ blocks */
/* What a paragraph that ends with ':' announces for the list or block below it. */
typedef enum label_kind { LB_NONE, LB_ACTION, LB_EXPECT, LB_ROLLBACK, LB_PROSE, LB_ENV } label_kind;

/* Small helpers of Markdown text, inline where they are used. */
static inline int ci_starts(const char *s, const char *prefix) { return !strncasecmp(s, prefix, strlen(prefix)); }
static inline const char *ci_find(const char *s, const char *needle) {
    size_t n = strlen(needle);
    for (; *s; s++) if (!strncasecmp(s, needle, n)) return s;
    return NULL;
}
/* A fill-in blank: `____`, ______ */
static inline int has_blank(const char *s) { return strstr(s, "___") != NULL; }

/* ------------------------------------------------------------------ model.c */
/* s without its leading and trailing white space, malloc'd. */
char *imp_trim_dup(const char *s, size_t n);
/* The text a reader sees: **bold**, _em_, `code` markers and [link](url) targets removed, lines
 * joined by spaces. */
char *imp_plain(const char *s);
void imp_code_spans(const char *s, spans *out);
void imp_spans_free(spans *s);
int imp_is_env_name(const char *s);

/* ------------------------------------------------------------------ emit.c */
void imp_desc_line(rbk_sbuf *d, const char *s);
/* Prose (several lines) into a description, separated from what is there by an empty line. */
void imp_desc_text(rbk_sbuf *d, const char *s);
void imp_step_free(step_out *s);
/* Writes the waiting call with its expectations. */
void imp_flush(imp *I, step_out *s);
/* A statement or comment line into the body (or rollback) of a step. While a call waits for
 * its "Expected" lines (which may come after a gate or a note: "Expected output:" below a list
 * of actions), what follows it waits too, and is written after the call's expectations. */
void imp_stmt(imp *I, step_out *s, int rb, int is_stmt, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void imp_comment(imp *I, step_out *s, int rb, const char *text);
/* A TODO(import) comment, recorded for the summary. */
void imp_todo_comment(imp *I, step_out *s, int rb, int line, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A comment after the waiting call (before its expectations are written). */
void imp_note_after(imp *I, step_out *s, int rb, const char *text);
void imp_put_call(imp *I, step_out *s, int rb, imp_call *k);
/* The calls one command became (imp_sh_command's IMP_CMD_CALL), after the TODO it came with
 * (why, or NULL: a comment at line); takes the calls and frees the array. */
void imp_put_calls(imp *I, step_out *s, int rb, int line, imp_call *calls, int n, const char *why);

/* ------------------------------------------------------------------ expect.c */
char *imp_quote_lit(const char *s, size_t n);
/* {"a": 1, "b": "x"} or { ok: true, db: true } or ok: true — flat fields; "..." values and
 * nested values are left out. 0 when it is not such a text. */
int imp_fields(const char *s, ev *e);
/* What an "Expected" text says, as a value to compare with. */
void imp_classify(const char *text, ev *e);
void imp_ev_free(ev *e);
/* The expectations of a value on a call, as templates (one a line) into out; 0 when none fits. */
int imp_expectations(const imp_call *k, const ev *e, rbk_sbuf *out, int *want_scalar, int *check_false);
/* An "Expected" line for the waiting call: expectations, or a TODO. Counts it. */
void imp_expected(imp *I, step_out *s, int rb, const char *value, int line);
/* "Expected: X" / "Expected output: X" / "Should return X" at the start of a text: X (or "" for
 * a label that announces lines below it); NULL when it is not such a text. */
const char *imp_expected_marker(const char *t);
/* The sentence of text that holds at (up to . ! ? or a line end), plain. */
char *imp_sentence_at(const char *text, const char *at);
/* Where text says not to go on ("DO NOT PROCEED IF", "STOP HERE if"), or NULL. strict: only
 * "do not proceed/continue" (in a rollback plan, "stop the rollout" is part of the undo). */
const char *imp_stop_phrase(const char *p, int strict);
const char *imp_rollback_if_phrase(const char *p);
/* "wait 15 minutes": the duration literal, or NULL. */
char *imp_wait_phrase(const char *p);
/* confirm("...") text from an item: plain, ending with a question mark. */
char *imp_question(const char *text);
/* A paragraph that ends with ':' announces the list or block below it. */
label_kind imp_label_of(const char *text);

/* ------------------------------------------------------------------ fence.c */
void imp_fence(imp *I, step_out *s, const rbk_md_block *f, label_kind label, int rb);

/* ------------------------------------------------------------------ items.c */
/* A paragraph's sentences: stop-if, rollback-if, wait; prose to the description. */
void imp_paragraph(imp *I, step_out *s, const char *text, int line, int rb, int in_desc);
void imp_list_item(imp *I, step_out *s, int bi, label_kind label, int rb);
void imp_table(imp *I, step_out *s, const rbk_md_block *t, int rb);

/* ------------------------------------------------------------------ document.c */
void imp_translate_children(imp *I, step_out *s, int parent, label_kind label, int rb);
#endif

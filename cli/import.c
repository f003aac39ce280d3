/* cli/import.c — `runbook import FILE.md [-o FILE.rb]`: a Markdown runbook to a runbook skeleton
 * that passes `runbook check` and that an author finishes rather than writes (docs/import.md
 * lists every rule). The document half of the importer; cli/import_sh.c is the shell half.
 *
 * The document is read as blocks (cli/mdscan.c). The first level-1 heading is the title; the
 * next level used is the section level: such a heading is a `section` (or, with no headings
 * under it, one step; or one step per item of its numbered list); a deeper heading is a step
 * when its content translates into statements, and prose otherwise. Prose becomes the comment
 * above the step it belongs to (so `runbook doc` gives it back); fenced commands become calls
 * with their "Expected" lines as expectations; check boxes become gates; "DO NOT PROCEED IF"
 * becomes a stop-if; a rollback section becomes the rollback block of the step before it (or,
 * when the owner is unclear, a fn to be called from the right rollback block). What cannot be
 * translated is kept as a comment with a TODO(import), and every TODO is in the summary with
 * its line in the document.
 *
 * The output is deterministic: it depends on the document's bytes and name only. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../compiler/compiler.h"
#include "../stdlib/file_ops.h"
#include "../support/readfile.h"
#include "import.h"

int rbk_cli_import(const char *path, const char *out_path);

/* ------------------------------------------------------------------ literals */
static void lit_any(rbk_sbuf *b, const char *s, size_t n, int triple) {
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (c) {
        case '\\': rbk_sbuf_adds(b, "\\\\"); break;
        case '"': rbk_sbuf_adds(b, "\\\""); break;
        case '{': rbk_sbuf_adds(b, "\\{"); break;
        case '}': rbk_sbuf_adds(b, "\\}"); break;
        case '\n': if (triple) rbk_sbuf_addc(b, '\n'); else rbk_sbuf_adds(b, "\\n"); break;
        case '\t': rbk_sbuf_adds(b, "\\t"); break;
        case '\r': rbk_sbuf_adds(b, "\\r"); break;
        default: rbk_sbuf_addc(b, c);
        }
    }
}
void imp_lit(rbk_sbuf *b, const char *s, size_t n) { lit_any(b, s, n, 0); }
void imp_lit3(rbk_sbuf *b, const char *s, size_t n) { lit_any(b, s, n, 1); }
void imp_lit_q(rbk_sbuf *b, const char *s) {
    rbk_sbuf_addc(b, '"');
    imp_lit(b, s, strlen(s));
    rbk_sbuf_addc(b, '"');
}

/* ------------------------------------------------------------------ declarations */
int imp_secret_name(const char *s, size_t n) {
    static const char *words[] = {"SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASS", "KEY", "CREDENTIAL", "CREDENTIALS",
                                  "PRIVATE", "DATABASE_URL", "DB_URL", "DSN", "CONNECTION_STRING", NULL};
    char *u = rbk_xstrndup(s, n);
    for (char *p = u; *p; p++) *p = (char)toupper((unsigned char)*p);
    int r = 0;
    for (int i = 0; words[i] && !r; i++) {
        const char *f = strstr(u, words[i]);
        /* a whole part of the name: KEY in API_KEY, not in MONKEY */
        while (f && !r) {
            size_t w = strlen(words[i]);
            int left = f == u || f[-1] == '_';
            int right = !f[w] || f[w] == '_';
            r = (left && right) || !strcmp(words[i], "DATABASE_URL");
            f = strstr(f + 1, words[i]);
        }
    }
    free(u);
    return r;
}

imp_env *imp_env_use(imp_ctx *c, const char *name, size_t n, int line) {
    for (int i = 0; i < c->nenvs; i++)
        if (strlen(c->envs[i].name) == n && !memcmp(c->envs[i].name, name, n)) return &c->envs[i];
    if (c->nenvs == c->capenvs) {
        c->capenvs = c->capenvs ? c->capenvs * 2 : 16;
        c->envs = rbk_xrealloc(c->envs, sizeof(imp_env) * (size_t)c->capenvs);
    }
    imp_env *e = &c->envs[c->nenvs++];
    memset(e, 0, sizeof *e);
    e->name = rbk_xstrndup(name, n);
    e->secret = imp_secret_name(name, n);
    e->line = line;
    return e;
}

static const char *reserved[] = {"runbook", "env", "param", "use", "let", "fn", "return", "section", "step", "rollback",
                                 "irreversible", "expect", "fail", "watch", "within", "every", "if", "else", "for", "in",
                                 "and", "or", "not", "contains", "matches", "true", "false", "nil", "as",
                                 /* builtins and namespaces a global would hide */
                                 "len", "keys", "values", "str", "int", "float", "json", "lower", "upper", "trim", "split",
                                 "join", "replace", "starts_with", "ends_with", "any", "all", "secret", "log", "now",
                                 "wait", "file", "tcp", "sh", "exec", "confirm", "ask", "http", "sql", "pg", "db", NULL};

imp_param *imp_param_use(imp_ctx *c, const char *name, int line) {
    /* a valid, unreserved identifier */
    rbk_sbuf b = RBK_SBUF_INIT;
    for (const char *p = name; *p; p++) rbk_sbuf_addc(&b, isalnum((unsigned char)*p) ? *p : '_');
    if (!b.len || isdigit((unsigned char)b.data[0])) { rbk_sbuf_reset(&b); rbk_sbuf_printf(&b, "p_%s", name); }
    int local_like = b.data[0] == 'r' && strspn(b.data + 1, "0123456789") == strlen(b.data + 1); /* r, r2: step locals */
    if (local_like || !strncmp(b.data, "rollback_", 9)) { /* and rollback_*: the importer's fns */
        char *t = rbk_sbuf_detach(&b);
        rbk_sbuf_printf(&b, "p_%s", t);
        free(t);
    }
    for (int i = 0; reserved[i]; i++)
        if (!strcmp(b.data, reserved[i]) || !strncmp(b.data, "db_", 3)) {
            char *t = rbk_sbuf_detach(&b);
            rbk_sbuf_printf(&b, "p_%s", t);
            free(t);
            break;
        }
    for (int i = 0; i < c->nparams; i++)
        if (!strcmp(c->params[i].name, b.data)) { rbk_sbuf_free(&b); return &c->params[i]; }
    if (c->nparams == c->capparams) {
        c->capparams = c->capparams ? c->capparams * 2 : 8;
        c->params = rbk_xrealloc(c->params, sizeof(imp_param) * (size_t)c->capparams);
    }
    imp_param *p = &c->params[c->nparams++];
    memset(p, 0, sizeof *p);
    p->name = rbk_sbuf_detach(&b);
    p->line = line;
    return p;
}

const char *imp_conn_for(imp_ctx *c, const char *url) {
    for (int i = 0; i < c->nconns; i++)
        if (!strcmp(c->conns[i].url, url)) return c->conns[i].var;
    if (c->nconns == c->capconns) {
        c->capconns = c->capconns ? c->capconns * 2 : 4;
        c->conns = rbk_xrealloc(c->conns, sizeof(imp_conn) * (size_t)c->capconns);
    }
    imp_conn *k = &c->conns[c->nconns];
    k->url = rbk_xstrdup(url);
    rbk_sbuf v = RBK_SBUF_INIT;
    if (c->nconns == 0) rbk_sbuf_adds(&v, "db");
    else rbk_sbuf_printf(&v, "db_%d", c->nconns + 1);
    k->var = rbk_sbuf_detach(&v);
    c->nconns++;
    return k->var;
}

char *imp_todo(imp_ctx *c, int line, const char *fmt, ...) {
    rbk_sbuf m = RBK_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&m, fmt, ap);
    va_end(ap);
    /* one line: a comment ends at the line's end */
    for (size_t i = 0; i < m.len; i++) if (m.data[i] == '\n' || m.data[i] == '\r') m.data[i] = ' ';
    if (c->ntodos == c->captodos) {
        c->captodos = c->captodos ? c->captodos * 2 : 16;
        c->todos = rbk_xrealloc(c->todos, sizeof(imp_todo_item) * (size_t)c->captodos);
    }
    c->todos[c->ntodos].line = line;
    c->todos[c->ntodos].msg = rbk_xstrdup(m.data);
    c->ntodos++;
    rbk_sbuf t = RBK_SBUF_INIT;
    rbk_sbuf_printf(&t, "TODO(import): %s (line %d)", m.data, line);
    rbk_sbuf_free(&m);
    return rbk_sbuf_detach(&t);
}

/* ------------------------------------------------------------------ Markdown text */
static char *trim_dup(const char *s, size_t n) {
    while (n && isspace((unsigned char)*s)) { s++; n--; }
    while (n && isspace((unsigned char)s[n - 1])) n--;
    return rbk_xstrndup(s, n);
}

/* The text a reader sees: **bold**, _em_, `code` markers and [link](url) targets removed, lines
 * joined by spaces. */
static char *plain(const char *s) {
    rbk_sbuf b = RBK_SBUF_INIT;
    for (const char *p = s; *p; p++) {
        if (*p == '\n') { rbk_sbuf_addc(&b, ' '); continue; }
        if ((*p == '*' && p[1] == '*') || (*p == '_' && p[1] == '_')) { p++; continue; }
        if (*p == '`') continue;
        if (*p == '!' && p[1] == '[') continue;
        if (*p == '[') {
            const char *close = strchr(p, ']');
            if (close && close[1] == '(' && strchr(close, ')')) {
                rbk_sbuf_add(&b, p + 1, (size_t)(close - p - 1));
                p = strchr(close, ')');
                continue;
            }
        }
        if (*p == '\\' && p[1] && strchr("\\`*_{}[]()#+-.!|<>", p[1])) { p++; rbk_sbuf_addc(&b, *p); continue; }
        rbk_sbuf_addc(&b, *p);
    }
    char *r = trim_dup(b.data ? b.data : "", b.len);
    rbk_sbuf_free(&b);
    /* runs of spaces to one */
    char *w = r;
    for (char *q = r; *q; q++) if (!(*q == ' ' && w > r && w[-1] == ' ')) *w++ = *q;
    *w = 0;
    return r;
}

/* The code spans of s, in order. */
typedef struct spans { char **v; int *at; int n; } spans;
static void code_spans(const char *s, spans *out) {
    memset(out, 0, sizeof *out);
    for (const char *p = s; *p; p++) {
        if (*p != '`') continue;
        size_t k = 0;
        while (p[k] == '`') k++;
        const char *e = p + k;
        const char *close = NULL;
        while ((e = strchr(e, '`')) != NULL) {
            size_t m = 0;
            while (e[m] == '`') m++;
            if (m == k) { close = e; break; }
            e += m;
        }
        if (!close) { p += k - 1; continue; }
        out->v = rbk_xrealloc(out->v, sizeof(char *) * (size_t)(out->n + 1));
        out->at = rbk_xrealloc(out->at, sizeof(int) * (size_t)(out->n + 1));
        const char *a = p + k;
        size_t n = (size_t)(close - a);
        if (n >= 2 && a[0] == ' ' && a[n - 1] == ' ') { a++; n -= 2; }
        out->v[out->n] = rbk_xstrndup(a, n);
        for (char *q = out->v[out->n]; *q; q++) if (*q == '\n') *q = ' ';
        out->at[out->n] = (int)(p - s);
        out->n++;
        p = close + k - 1;
    }
}
static void spans_free(spans *s) {
    for (int i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    free(s->at);
}

static int ci_starts(const char *s, const char *prefix) { return !strncasecmp(s, prefix, strlen(prefix)); }
static const char *ci_find(const char *s, const char *needle) {
    size_t n = strlen(needle);
    for (; *s; s++) if (!strncasecmp(s, needle, n)) return s;
    return NULL;
}
static int is_env_name(const char *s) {
    if (!isupper((unsigned char)*s)) return 0;
    size_t n = 0;
    for (; s[n]; n++) if (!isupper((unsigned char)s[n]) && !isdigit((unsigned char)s[n]) && s[n] != '_') return 0;
    return n >= 2;
}

/* ------------------------------------------------------------------ the output */
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

static void desc_line(rbk_sbuf *d, const char *s) {
    rbk_sbuf_adds(d, s);
    rbk_sbuf_addc(d, '\n');
}
/* Prose (several lines) into a description, separated from what is there by an empty line. */
static void desc_text(rbk_sbuf *d, const char *s) {
    if (d->len) rbk_sbuf_addc(d, '\n');
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r')) n--;
        rbk_sbuf_add(d, p, n);
        rbk_sbuf_addc(d, '\n');
        p += (e ? (size_t)(e - p) + 1 : strlen(p));
    }
}

static void step_free(step_out *s) {
    if (!s) return;
    free(s->name);
    rbk_sbuf_free(&s->desc);
    rbk_sbuf_free(&s->body.b);
    rbk_sbuf_free(&s->rb.b);
    if (s->pend.k) { imp_call_free(s->pend.k); free(s->pend.k); }
    rbk_sbuf_free(&s->pend.exps);
    rbk_sbuf_free(&s->pend.notes);
    imp_shstate_free(&s->sh);
    free(s);
}

static line_buf *target(step_out *s, int rb) { return rb ? &s->rb : &s->body; }

/* Replaces %R and %C in a template. */
static void subst(rbk_sbuf *out, const char *t, const char *r, const char *call) {
    for (const char *p = t; *p; p++) {
        if (*p == '%' && p[1] == 'R') { rbk_sbuf_adds(out, r); p++; }
        else if (*p == '%' && p[1] == 'C') { rbk_sbuf_adds(out, call); p++; }
        else rbk_sbuf_addc(out, *p);
    }
}

static void count_call(imp *I, const imp_call *k) {
    switch (k->kind) {
    case IMP_CALL_SH: I->c.calls_sh++; break;
    case IMP_CALL_HTTP: I->c.calls_http++; break;
    case IMP_CALL_SQL: I->c.calls_sql++; break;
    case IMP_CALL_PG: I->c.calls_pg++; break;
    case IMP_CALL_WAIT: I->c.waits++; break;
    }
}

/* Writes the waiting call with its expectations. */
static void flush(imp *I, step_out *s) {
    pending *P = &s->pend;
    if (!P->k) return;
    line_buf *L = target(s, s->pend_rb);
    imp_call *k = P->k;
    if (k->auto_expect) {
        if (P->exps.len) rbk_sbuf_addc(&P->exps, '\n');
        rbk_sbuf_adds(&P->exps, k->auto_expect);
        P->nexps++;
    }
    if (k->kind == IMP_CALL_SQL && P->want_scalar && k->sql_select) {
        char *dot = strrchr(k->fn, '.');
        if (dot) {
            rbk_sbuf f = RBK_SBUF_INIT;
            rbk_sbuf_printf(&f, "%.*s.scalar", (int)(dot - k->fn), k->fn);
            free(k->fn);
            k->fn = rbk_sbuf_detach(&f);
        }
    }
    if (k->check_false) rbk_sbuf_adds(&k->args, ", check: false");
    rbk_sbuf call = RBK_SBUF_INIT;
    imp_call_render(&call, k);
    int uses_r = P->exps.len && strstr(P->exps.data, "%R") != NULL;
    int uses_c = 0;
    for (const char *p = P->exps.data; p && (p = strstr(p, "%C")) != NULL; p += 2) uses_c++;
    rbk_sbuf var = RBK_SBUF_INIT;
    if (uses_r || uses_c > 1) {
        s->nvars++;
        if (s->nvars == 1) rbk_sbuf_adds(&var, "r");
        else rbk_sbuf_printf(&var, "r%d", s->nvars);
        rbk_sbuf_printf(&L->b, "let %s = %s\n", var.data, call.data);
    } else if (!uses_c) {
        rbk_sbuf_printf(&L->b, "%s\n", call.data);
    }
    L->nstmts++;
    count_call(I, k);
    for (const char *p = P->exps.data; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *t = rbk_xstrndup(p, n);
        rbk_sbuf_adds(&L->b, "expect ");
        subst(&L->b, t, var.len ? var.data : "r", var.len ? var.data : call.data);
        rbk_sbuf_addc(&L->b, '\n');
        free(t);
        L->nstmts++;
        I->c.expects++;
        p += n + (e ? 1 : 0);
    }
    if (P->notes.len) rbk_sbuf_add(&L->b, P->notes.data, P->notes.len);
    rbk_sbuf_free(&var);
    rbk_sbuf_free(&call);
    imp_call_free(k);
    free(k);
    P->k = NULL;
    rbk_sbuf_reset(&P->exps);
    rbk_sbuf_reset(&P->notes);
    P->nexps = P->want_scalar = 0;
}

/* A statement or comment line into the body (or rollback) of a step. While a call waits for
 * its "Expected" lines (which may come after a gate or a note: "Expected output:" below a list
 * of actions), what follows it waits too, and is written after the call's expectations. */
static void stmt(imp *I, step_out *s, int rb, int is_stmt, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void stmt(imp *I, step_out *s, int rb, int is_stmt, const char *fmt, ...) {
    (void)I;
    line_buf *L = target(s, rb);
    rbk_sbuf *out = s->pend.k && s->pend_rb == rb ? &s->pend.notes : &L->b;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(out, fmt, ap);
    va_end(ap);
    rbk_sbuf_addc(out, '\n');
    if (is_stmt) L->nstmts++;
}
static void comment(imp *I, step_out *s, int rb, const char *text) {
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && isspace((unsigned char)p[n - 1])) n--;
        stmt(I, s, rb, 0, n ? "# %.*s" : "#", (int)n, p);
        p += (e ? (size_t)(e - p) + 1 : strlen(p));
    }
}
static void todo_comment(imp *I, step_out *s, int rb, int line, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void todo_comment(imp *I, step_out *s, int rb, int line, const char *fmt, ...) {
    rbk_sbuf m = RBK_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&m, fmt, ap);
    va_end(ap);
    char *t = imp_todo(&I->c, line, "%s", m.data);
    stmt(I, s, rb, 0, "# %s", t);
    free(t);
    rbk_sbuf_free(&m);
}
/* A comment after the waiting call (before its expectations are written). */
static void note_after(imp *I, step_out *s, int rb, const char *text) { comment(I, s, rb, text); }

static void put_call(imp *I, step_out *s, int rb, imp_call *k) {
    flush(I, s);
    if (k->note) comment(I, s, rb, k->note);
    s->pend.k = k;
    s->pend_rb = rb;
}

/* ------------------------------------------------------------------ "Expected" values */
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

static void ev_free(ev *e) {
    free(e->lit);
    for (int i = 0; i < e->nf; i++) { free(e->keys[i]); free(e->vals[i]); }
    free(e->keys);
    free(e->vals);
    for (int i = 0; i < e->nalts; i++) free(e->alts[i]);
    free(e->alts);
    memset(e, 0, sizeof *e);
}

static char *quote_lit(const char *s, size_t n) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_addc(&b, '"');
    imp_lit(&b, s, n);
    rbk_sbuf_addc(&b, '"');
    return rbk_sbuf_detach(&b);
}

static int number_lit(const char *s, size_t n) {
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    size_t d = i;
    while (i < n && isdigit((unsigned char)s[i])) i++;
    if (i == d || i - d > 18) return 0;
    if (i < n && s[i] == '.') {
        i++;
        size_t f = i;
        while (i < n && isdigit((unsigned char)s[i])) i++;
        if (i == f) return 0;
    }
    return i == n;
}

/* A scalar as a literal: a number, true/false/null, a "string" or 'string', or a bare word
 * (a string). NULL for anything else. */
static char *scalar_lit(const char *s, size_t n, int bare_ok) {
    while (n && *s == ' ') { s++; n--; }
    while (n && s[n - 1] == ' ') n--;
    if (!n) return NULL;
    if (number_lit(s, n)) return rbk_xstrndup(s, n);
    if (n == 4 && !memcmp(s, "true", 4)) return rbk_xstrdup("true");
    if (n == 5 && !memcmp(s, "false", 5)) return rbk_xstrdup("false");
    if (n == 4 && !memcmp(s, "null", 4)) return rbk_xstrdup("nil");
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        if ((n == 5 && !memcmp(s + 1, "...", 3)) || memchr(s + 1, s[0], n - 2)) return NULL;
        return quote_lit(s + 1, n - 2);
    }
    if (bare_ok) {
        for (size_t i = 0; i < n; i++)
            if (!isalnum((unsigned char)s[i]) && !strchr("_-.:/", s[i])) return NULL;
        return quote_lit(s, n);
    }
    return NULL;
}

/* {"a": 1, "b": "x"} or { ok: true, db: true } or ok: true — flat fields; "..." values and
 * nested values are left out. 0 when it is not such a text. */
static int fields(const char *s, ev *e) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    int braced = n >= 2 && s[0] == '{' && s[n - 1] == '}';
    if (braced) { s++; n -= 2; }
    if (!braced && !memchr(s, ':', n)) return 0;
    const char *p = s, *end = s + n;
    while (p < end) {
        while (p < end && (isspace((unsigned char)*p) || *p == ',')) p++;
        if (p >= end) break;
        const char *k = p, *ke;
        if (*p == '"') {
            k = ++p;
            while (p < end && *p != '"') p++;
            if (p >= end) return 0;
            ke = p++;
        } else {
            while (p < end && (isalnum((unsigned char)*p) || *p == '_')) p++;
            ke = p;
        }
        if (ke == k) return 0;
        while (p < end && isspace((unsigned char)*p)) p++;
        if (p >= end || *p != ':') return 0;
        p++;
        while (p < end && isspace((unsigned char)*p)) p++;
        const char *v = p;
        int depth = 0;
        char q = 0;
        while (p < end) {
            if (q) { if (*p == '\\') p++; else if (*p == q) q = 0; p++; continue; }
            if (*p == '"') q = '"';
            else if (*p == '{' || *p == '[') depth++;
            else if (*p == '}' || *p == ']') depth--;
            else if (*p == ',' && depth == 0) break;
            p++;
        }
        const char *ve = p;
        while (ve > v && isspace((unsigned char)ve[-1])) ve--;
        char *l = scalar_lit(v, (size_t)(ve - v), 1);
        if (!l) continue; /* nested, "...", <number>, < 200: left out (the author adds them) */
        e->keys = rbk_xrealloc(e->keys, sizeof(char *) * (size_t)(e->nf + 1));
        e->vals = rbk_xrealloc(e->vals, sizeof(char *) * (size_t)(e->nf + 1));
        e->keys[e->nf] = rbk_xstrndup(k, (size_t)(ke - k));
        e->vals[e->nf] = l;
        e->nf++;
    }
    return e->nf > 0;
}

/* What an "Expected" text says, as a value to compare with. */
static void classify(const char *text, ev *e) {
    memset(e, 0, sizeof *e);
    char *t = trim_dup(text, strlen(text));
    /* markup around the whole value */
    size_t n = strlen(t);
    while (n >= 4 && !strncmp(t, "**", 2) && !strcmp(t + n - 2, "**")) { memmove(t, t + 2, n - 4); n -= 4; t[n] = 0; }
    /* a note in parentheses at the end: "0 (empty table)", "27/28 (pre-existing 1 fail)" */
    if (n && t[n - 1] == ')' && t[0] != '(') {
        char *open = strrchr(t, '(');
        if (open && open > t && open[-1] == ' ') { *open = 0; n = strlen(t); while (n && t[n - 1] == ' ') t[--n] = 0; }
    }
    if (n && t[n - 1] == '.' && !(n >= 2 && isdigit((unsigned char)t[n - 2]))) t[--n] = 0;
    e->kind = EV_PROSE;
    if (!n) { free(t); return; }
    /* `code`: the value inside (alternatives: `a` or `b`) */
    spans sp;
    code_spans(t, &sp);
    if (sp.n == 1 && sp.at[0] == 0 && t[n - 1] == '`') {
        char *inner = rbk_xstrdup(sp.v[0]);
        spans_free(&sp);
        free(t);
        if (!fields(inner, e) || inner[0] != '{') {
            ev_free(e);
            char *l = scalar_lit(inner, strlen(inner), 0);
            e->kind = EV_STRING;
            e->lit = l ? l : quote_lit(inner, strlen(inner));
            if (l && l[0] != '"') e->kind = !strcmp(l, "true") || !strcmp(l, "false") ? EV_BOOL : !strcmp(l, "nil") ? EV_NULL : EV_NUMBER;
            if (e->kind == EV_NUMBER) { long v = strtol(l, NULL, 10); e->status = !strchr(l, '.') && v >= 100 && v <= 599; }
        } else {
            e->kind = EV_FIELDS;
        }
        free(inner);
        return;
    }
    if (sp.n >= 2) {
        /* Either `A` or `B` [or ...]: every alternative a code span */
        rbk_sbuf rest = RBK_SBUF_INIT;
        const char *p = t;
        for (int i = 0; i < sp.n; i++) {
            rbk_sbuf_add(&rest, p, (size_t)(t + sp.at[i] - p));
            p = t + sp.at[i];
            const char *close = strchr(p + 1, '`');
            p = close ? close + 1 : p + 1;
        }
        rbk_sbuf_adds(&rest, p);
        char *r = plain(rest.data ? rest.data : "");
        rbk_sbuf_free(&rest);
        int only_or = 1;
        for (char *q = strtok(r, " ,"); q; q = strtok(NULL, " ,"))
            if (strcasecmp(q, "or") && strcasecmp(q, "either")) only_or = 0;
        free(r);
        if (only_or) {
            e->kind = EV_ANY;
            e->alts = rbk_xcalloc((size_t)sp.n, sizeof(char *));
            for (int i = 0; i < sp.n; i++) e->alts[i] = quote_lit(sp.v[i], strlen(sp.v[i]));
            e->nalts = sp.n;
            spans_free(&sp);
            free(t);
            return;
        }
    }
    spans_free(&sp);
    /* one word, as a command prints it (active, OK, v2.3.1): that text */
    char *l = scalar_lit(t, n, !strchr(t, ' '));
    if (l) {
        e->lit = l;
        if (l[0] == '"') e->kind = EV_STRING;
        else if (!strcmp(l, "true") || !strcmp(l, "false")) e->kind = EV_BOOL;
        else if (!strcmp(l, "nil")) e->kind = EV_NULL;
        else {
            e->kind = EV_NUMBER;
            long v = strtol(l, NULL, 10);
            e->status = !strchr(l, '.') && v >= 100 && v <= 599;
        }
        free(t);
        return;
    }
    /* 200 OK, 404 Not Found */
    if (n > 4 && isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[2]) && t[3] == ' ') {
        int words_only = 1;
        for (size_t i = 4; i < n; i++) if (!isalpha((unsigned char)t[i]) && t[i] != ' ' && t[i] != '-') words_only = 0;
        long v = strtol(t, NULL, 10);
        if (words_only && v >= 100 && v <= 599) {
            e->kind = EV_NUMBER;
            e->status = 1;
            e->lit = rbk_xstrndup(t, 3);
            free(t);
            return;
        }
    }
    if (!strcasecmp(t, "2xx") || !strcasecmp(t, "a 2xx") || !strcasecmp(t, "2xx status")) { e->kind = EV_2XX; free(t); return; }
    static const struct { const char *w; const char *op; } cmp[] = {
        {"\xe2\x89\xa5", ">="}, {">=", ">="}, {"\xe2\x89\xa4", "<="}, {"<=", "<="}, {"\xe2\x89\xa0", "!="}, {"!=", "!="},
        {">", ">"}, {"<", "<"}, {"at least ", ">="}, {"at most ", "<="}, {"more than ", ">"}, {"less than ", "<"},
        {"fewer than ", "<"}, {"greater than ", ">"}, {NULL, NULL}};
    for (int i = 0; cmp[i].w; i++) {
        if (!ci_starts(t, cmp[i].w)) continue;
        const char *v = t + strlen(cmp[i].w);
        while (*v == ' ') v++;
        size_t vn = 0;
        while (v[vn] && v[vn] != ' ') vn++;
        if (number_lit(v, vn)) {
            e->kind = EV_CMP;
            e->op = cmp[i].op;
            e->lit = rbk_xstrndup(v, vn);
            free(t);
            return;
        }
    }
    static const char *empty[] = {"none", "nothing", "no output", "no matches", "empty", "no rows", "(empty)", "(none)",
                                  "(no output)", "no errors", "no error", "blank", "no lines", NULL};
    for (int i = 0; empty[i]; i++)
        if (!strcasecmp(t, empty[i])) { e->kind = EV_EMPTY; free(t); return; }
    if ((t[0] == '{' || t[0] == '[') && fields(t, e)) { e->kind = EV_FIELDS; free(t); return; }
    ev_free(e);
    e->kind = EV_PROSE;
    /* 57/57 checks pass: the count as it is printed */
    size_t k = 0;
    while (k < n && isdigit((unsigned char)t[k])) k++;
    if (k && k < n && t[k] == '/' && isdigit((unsigned char)t[k + 1])) {
        size_t m = k + 1;
        while (m < n && isdigit((unsigned char)t[m])) m++;
        if (m == n || t[m] == ' ') {
            e->kind = EV_STRING;
            e->lit = quote_lit(t, m);
        }
    }
    free(t);
}

/* The expectations of a value on a call, as templates (one a line) into out; 0 when none fits. */
static int expectations(const imp_call *k, const ev *e, rbk_sbuf *out, int *want_scalar, int *check_false) {
    rbk_sbuf b = RBK_SBUF_INIT;
#define E(...) do { if (b.len) rbk_sbuf_addc(&b, '\n'); rbk_sbuf_printf(&b, __VA_ARGS__); } while (0)
    switch (k->kind) {
    case IMP_CALL_HTTP: {
        const char *sel = k->jq ? k->jq : k->jq_raw ? "%R.json" : NULL;
        if (e->kind == EV_NUMBER && e->status && (k->http_status || !sel)) E("%%R.status == %s", e->lit);
        else if (e->kind == EV_2XX && (k->http_status || !sel)) E("%%R.status >= 200 and %%R.status < 300");
        else if (sel && (e->kind == EV_STRING || e->kind == EV_NUMBER || e->kind == EV_BOOL || e->kind == EV_NULL)) E("%s == %s", sel, e->lit);
        else if (sel && e->kind == EV_CMP) E("%s %s %s", sel, e->op, e->lit);
        else if (sel && e->kind == EV_ANY) {
            rbk_sbuf a = RBK_SBUF_INIT;
            for (int i = 0; i < e->nalts; i++) rbk_sbuf_printf(&a, "%s%s == %s", i ? " or " : "", sel, e->alts[i]);
            E("%s", a.data);
            rbk_sbuf_free(&a);
        } else if (e->kind == EV_FIELDS) {
            /* each field of the document (or of what the jq filter selects) */
            const char *base = k->jq && !k->jq_raw ? k->jq : "%R.json";
            for (int i = 0; i < e->nf; i++) {
                int bare = isalpha((unsigned char)e->keys[i][0]) || e->keys[i][0] == '_';
                for (const char *q = e->keys[i]; *q && bare; q++) bare = isalnum((unsigned char)*q) || *q == '_';
                if (bare) E("%s.%s == %s", base, e->keys[i], e->vals[i]);
                else {
                    char *kl = quote_lit(e->keys[i], strlen(e->keys[i]));
                    E("%s[%s] == %s", base, kl, e->vals[i]);
                    free(kl);
                }
            }
        } else if (!sel && e->kind == EV_STRING) E("%%R.body contains %s", e->lit);
        else if (!sel && e->kind == EV_EMPTY) E("trim(%%R.body) == \"\"");
        else if (!sel && e->kind == EV_NUMBER) E("trim(%%R.body) == \"%s\"", e->lit);
        break;
    }
    case IMP_CALL_SQL:
        if (k->sql_select && (e->kind == EV_STRING || e->kind == EV_NUMBER || e->kind == EV_BOOL || e->kind == EV_NULL)) {
            E("%%C == %s", e->lit);
            *want_scalar = 1;
        } else if (k->sql_select && e->kind == EV_CMP) {
            E("%%C %s %s", e->op, e->lit);
            *want_scalar = 1;
        } else if (k->sql_select && e->kind == EV_EMPTY) {
            E("len(%%C) == 0");
        } else if (!k->sql_select && e->kind == EV_NUMBER) {
            E("%%C == %s", e->lit);
        }
        break;
    case IMP_CALL_SH:
        if (e->kind == EV_STRING) E("%%R.stdout contains %s", e->lit);
        else if (e->kind == EV_NUMBER || e->kind == EV_BOOL || e->kind == EV_NULL) {
            const char *v = !strcmp(e->lit, "nil") ? "null" : e->lit;
            E("trim(%%R.stdout) == \"%s\"", v);
            if (k->grep && !strcmp(e->lit, "0")) *check_false = 1; /* grep -c: 0 matches is exit 1 */
        } else if (e->kind == EV_CMP) E("int(trim(%%R.stdout)) %s %s", e->op, e->lit);
        else if (e->kind == EV_EMPTY) {
            E("trim(%%R.stdout) == \"\"");
            if (k->grep) *check_false = 1; /* grep exits 1 when nothing matches */
        } else if (e->kind == EV_ANY) {
            rbk_sbuf a = RBK_SBUF_INIT;
            for (int i = 0; i < e->nalts; i++) rbk_sbuf_printf(&a, "%s%%R.stdout contains %s", i ? " or " : "", e->alts[i]);
            E("%s", a.data);
            rbk_sbuf_free(&a);
        }
        break;
    case IMP_CALL_PG:
    case IMP_CALL_WAIT:
        break;
    }
#undef E
    int ok = b.len > 0;
    if (ok) {
        if (out->len) rbk_sbuf_addc(out, '\n');
        rbk_sbuf_add(out, b.data, b.len);
    }
    rbk_sbuf_free(&b);
    return ok;
}

/* An "Expected" line for the waiting call: expectations, or a TODO. Counts it. */
static void expected(imp *I, step_out *s, int rb, const char *value, int line) {
    I->c.expected++;
    pending *P = &s->pend;
    if (!P->k || s->pend_rb != rb) {
        char *v = plain(value);
        todo_comment(I, s, rb, line, "Expected \"%s\": no command before it to check", v);
        free(v);
        return;
    }
    if (P->k->kind == IMP_CALL_PG && !strcmp(P->k->fn, "pg.backup")) {
        /* pg.backup expects a complete, non-empty dump itself */
        char *v = plain(value);
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "Expected: %s — pg.backup expects a complete dump itself", v);
        note_after(I, s, rb, m.data);
        rbk_sbuf_free(&m);
        free(v);
        I->c.expected_done++;
        return;
    }
    ev e;
    classify(value, &e);
    int check_false = 0;
    int ok = e.kind != EV_PROSE && expectations(P->k, &e, &P->exps, &P->want_scalar, &check_false);
    ev_free(&e);
    if (ok) {
        P->nexps++;
        if (check_false && !P->k->check_false) P->k->check_false = 1;
        I->c.expected_done++;
        return;
    }
    char *v = plain(value);
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_sbuf_printf(&m, "Expected: %s", v);
    note_after(I, s, rb, m.data);
    rbk_sbuf_free(&m);
    char *t = imp_todo(&I->c, line, "write the expectation \"%s\" as an expect on the result", v);
    rbk_sbuf c = RBK_SBUF_INIT;
    rbk_sbuf_adds(&c, t);
    note_after(I, s, rb, c.data);
    rbk_sbuf_free(&c);
    free(t);
    free(v);
}

/* "Expected: X" / "Expected output: X" / "Should return X" at the start of a text: X (or "" for
 * a label that announces lines below it); NULL when it is not such a text. */
static const char *expected_marker(const char *t) {
    while (*t == ' ' || *t == '*' || *t == '_' || *t == '>') t++;
    static const char *marks[] = {"expected output", "expected result", "expected response", "expected", "expect",
                                  "expected outcome", NULL};
    for (int i = 0; marks[i]; i++) {
        size_t n = strlen(marks[i]);
        if (strncasecmp(t, marks[i], n)) continue;
        const char *p = t + n;
        while (*p == '*' || *p == '_') p++;
        if (*p == ' ' && p[1] == '(') { const char *c = strchr(p, ')'); if (c) p = c + 1; }
        while (*p == '*' || *p == '_') p++;
        if (*p != ':') return NULL;
        p++;
        while (*p == '*' || *p == '_') p++;
        while (*p == ' ') p++;
        return p;
    }
    return NULL;
}

/* ------------------------------------------------------------------ sentences */
/* The sentence of text that holds at (up to . ! ? or a line end), plain. */
static char *sentence_at(const char *text, const char *at) {
    const char *a = at, *e = at;
    while (a > text && !strchr(".!?\n", a[-1])) a--;
    while (*e && !strchr(".!?\n", *e)) e++;
    if (*e && *e != '\n') e++;
    char *raw = rbk_xstrndup(a, (size_t)(e - a));
    char *p = plain(raw);
    free(raw);
    return p;
}

/* Where text says not to go on ("DO NOT PROCEED IF", "STOP HERE if"), or NULL. strict: only
 * "do not proceed/continue" (in a rollback plan, "stop the rollout" is part of the undo). */
static const char *stop_phrase(const char *p, int strict) {
    static const char *ph[] = {"do not proceed", "don't proceed", "do not continue", "don't continue", "do **not** proceed",
                               "do **not** continue", "stop here", "do not go further", "abort the", "halt the",
                               "stop the rollout", "stop the cutover", "stop the deploy", "stop if", "abort if", NULL};
    for (int i = 0; ph[i]; i++) {
        if (strict && i >= 6) break;
        const char *f = ci_find(p, ph[i]);
        if (f) return f;
    }
    return NULL;
}
static const char *rollback_if_phrase(const char *p) {
    static const char *ph[] = {"rollback if", "roll back if", "rollback immediately if", "roll back immediately if", NULL};
    for (int i = 0; ph[i]; i++) {
        const char *f = ci_find(p, ph[i]);
        if (f) return f;
    }
    return NULL;
}
/* "wait 15 minutes": the duration literal, or NULL. */
static char *wait_phrase(const char *p) {
    for (const char *f = p; (f = ci_find(f, "wait")) != NULL; f += 4) {
        if (f > p && isalpha((unsigned char)f[-1])) continue;
        const char *q = f + 4;
        while (*q == ' ' || *q == '*' || *q == '_') q++;
        if (ci_starts(q, "for ")) q += 4;
        if (ci_starts(q, "at least ")) q += 9;
        char *end;
        long v = strtol(q, &end, 10);
        if (end == q || v <= 0 || v > 100000) continue;
        while (*end == ' ') end++;
        char unit = 0;
        if (ci_starts(end, "second") || ci_starts(end, "sec") || (tolower((unsigned char)*end) == 's' && !isalpha((unsigned char)end[1]))) unit = 's';
        else if (ci_starts(end, "minute") || ci_starts(end, "min") || (tolower((unsigned char)*end) == 'm' && !isalpha((unsigned char)end[1]))) unit = 'm';
        else if (ci_starts(end, "hour") || ci_starts(end, "hr") || (tolower((unsigned char)*end) == 'h' && !isalpha((unsigned char)end[1]))) unit = 'h';
        if (!unit) continue;
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_printf(&b, "%ld%c", v, unit);
        return rbk_sbuf_detach(&b);
    }
    return NULL;
}

/* confirm("...") text from an item: plain, ending with a question mark. */
static char *question(const char *text) {
    char *p = plain(text);
    size_t n = strlen(p);
    while (n && (p[n - 1] == ':' || p[n - 1] == ' ')) p[--n] = 0;
    if (n && p[n - 1] == '.' && !(n >= 2 && p[n - 2] == '.')) p[--n] = 0; /* a full stop, not "..." */
    rbk_sbuf b = RBK_SBUF_INIT;
    imp_lit(&b, p, n);
    if (!n || p[n - 1] != '?') rbk_sbuf_addc(&b, '?');
    free(p);
    return rbk_sbuf_detach(&b);
}

/* A fill-in blank: `____`, ______ */
static int has_blank(const char *s) { return strstr(s, "___") != NULL; }

/* ------------------------------------------------------------------ blocks */
typedef enum label_kind { LB_NONE, LB_ACTION, LB_EXPECT, LB_ROLLBACK, LB_PROSE, LB_ENV } label_kind;

/* A paragraph that ends with ':' announces the list or block below it. */
static label_kind label_of(const char *text) {
    char *p = plain(text);
    size_t n = strlen(p);
    label_kind k = LB_NONE;
    if (n && n < 160 && p[n - 1] == ':') {
        if (expected_marker(text) || ci_starts(p, "output") || ci_starts(p, "result")) k = LB_EXPECT;
        else if (ci_find(p, "rollback") || ci_find(p, "roll back") || ci_find(p, "revert") || ci_find(p, "undo")) k = LB_ROLLBACK;
        else if (ci_find(p, "env var") || ci_find(p, "environment variable")) k = LB_ENV;
        else if (ci_starts(p, "action") || ci_starts(p, "command") || ci_starts(p, "step") || ci_starts(p, "run") ||
                 ci_starts(p, "procedure") || ci_starts(p, "post-check") || ci_starts(p, "check") || ci_starts(p, "verify") ||
                 ci_starts(p, "validate") || ci_starts(p, "do ") || ci_starts(p, "then"))
            k = LB_ACTION;
        else k = LB_PROSE;
    }
    free(p);
    return k;
}

static void translate_children(imp *I, step_out *s, int parent, label_kind label, int rb);
static void translate_block(imp *I, step_out *s, int bi, label_kind *label, int rb);

/* The shell fence's commands. */
static void shell_fence(imp *I, step_out *s, const rbk_md_block *f, int rb, int console) {
    rbk_md_line *lines = f->lines;
    int n = f->nlines;
    rbk_md_line *conv = NULL;
    if (console) {
        /* $ commands, the lines below them their output */
        conv = rbk_xcalloc((size_t)n * 2 + 1, sizeof(rbk_md_line));
        int m = 0, in_out = 0;
        for (int i = 0; i < n; i++) {
            const char *t = lines[i].text;
            if (!strncmp(t, "$ ", 2) || !strcmp(t, "$")) {
                conv[m].text = rbk_xstrdup(t + (t[1] ? 2 : 1));
                conv[m++].line = lines[i].line;
                in_out = 0;
            } else if (!*t) {
                conv[m].text = rbk_xstrdup("");
                conv[m++].line = lines[i].line;
                in_out = 0;
            } else {
                if (!in_out) {
                    conv[m].text = rbk_xstrdup("# Expected output:");
                    conv[m++].line = lines[i].line;
                    in_out = 1;
                }
                rbk_sbuf b = RBK_SBUF_INIT;
                rbk_sbuf_printf(&b, "# %s", t);
                conv[m].text = rbk_sbuf_detach(&b);
                conv[m++].line = lines[i].line;
            }
        }
        lines = conv;
        n = m;
    }
    imp_sh_item *items;
    int ni = imp_sh_split(lines, n, &items);
    /* a block of assignments only (NAME=value, export NAME=value) and comments: declarations */
    int ncmd = 0, nassign = 0;
    for (int i = 0; i < ni; i++) {
        if (items[i].kind != IMP_SH_CMD) continue;
        ncmd++;
        const char *t = items[i].text;
        if (!strncmp(t, "export ", 7)) t += 7;
        size_t k = 0;
        while (isalnum((unsigned char)t[k]) || t[k] == '_') k++;
        if (k && !isdigit((unsigned char)t[0]) && t[k] == '=' && !strchr(t, '\n') && !strchr(t + k, ' ') && !strstr(t, "$(")) nassign++;
    }
    if (ncmd && nassign == ncmd && ncmd >= 2 && !I->sheet) {
        rbk_sbuf last_comment = RBK_SBUF_INIT;
        for (int i = 0; i < ni; i++) {
            if (items[i].kind == IMP_SH_COMMENT) { rbk_sbuf_reset(&last_comment); rbk_sbuf_adds(&last_comment, items[i].text); continue; }
            if (items[i].kind != IMP_SH_CMD) continue;
            const char *t = items[i].text;
            if (!strncmp(t, "export ", 7)) t += 7;
            const char *eq = strchr(t, '=');
            imp_env *e = imp_env_use(&I->c, t, (size_t)(eq - t), items[i].line);
            if (!e->note) {
                rbk_sbuf note = RBK_SBUF_INIT;
                if (items[i].note) rbk_sbuf_adds(&note, items[i].note);
                const char *v = eq + 1;
                if (*v) rbk_sbuf_printf(&note, "%sthe document: %s", note.len ? " — " : "", v);
                e->note = note.len ? rbk_sbuf_detach(&note) : NULL;
                rbk_sbuf_free(&note);
            }
        }
        rbk_sbuf_free(&last_comment);
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "(the variables of the block at line %d are the env declarations at the top)", f->line);
        desc_line(&s->desc, m.data);
        rbk_sbuf_free(&m);
        imp_sh_items_free(items, ni);
        if (conv) { for (int i = 0; i < n; i++) free(conv[i].text); free(conv); }
        return;
    }
    /* commands that share a variable one of them sets (X=$(...) then $X) run as one */
    int *group_end = rbk_xcalloc((size_t)ni + 1, sizeof(int));
    for (int i = 0; i < ni; i++) group_end[i] = i;
    for (int i = 0; i < ni; i++) {
        if (items[i].kind != IMP_SH_CMD) continue;
        char *as = imp_sh_assigned(items[i].text);
        for (char *nm = strtok(as, " "); nm; nm = strtok(NULL, " "))
            for (int j = i + 1; j < ni; j++)
                if (items[j].kind == IMP_SH_CMD && imp_sh_reads(items[j].text, nm) && j > group_end[i]) group_end[i] = j;
        free(as);
    }
    int in_expected_block = 0, after_blank = 1;
    int examples = 0, alternative = 0, last_todo = 0, ran = 0;
    for (int i = 0; i < ni; i++) {
        imp_sh_item *it = &items[i];
        if (it->kind == IMP_SH_OUTPUT) {
            /* output written as it is under "# Expected output:": a JSON document's fields, or
             * each line */
            rbk_sbuf all = RBK_SBUF_INIT;
            int first = it->line;
            while (i < ni && items[i].kind == IMP_SH_OUTPUT) {
                rbk_sbuf_adds(&all, items[i].text);
                rbk_sbuf_addc(&all, '\n');
                i++;
            }
            i--;
            if (!in_expected_block) I->c.expected++;
            int ok = s->pend.k && s->pend_rb == rb;
            if (ok) {
                ev e;
                memset(&e, 0, sizeof e);
                int check_false = 0;
                const char *t = all.data;
                while (*t == ' ') t++;
                if (*t == '{' || *t == '[') {
                    ok = fields(t, &e) && (e.kind = EV_FIELDS, expectations(s->pend.k, &e, &s->pend.exps, &s->pend.want_scalar, &check_false));
                } else {
                    for (const char *p = all.data; ok && *p;) {
                        const char *nl = strchr(p, '\n');
                        size_t ln = (size_t)(nl - p);
                        char *line = trim_dup(p, ln);
                        if (*line) {
                            ev one;
                            memset(&one, 0, sizeof one);
                            one.kind = EV_STRING;
                            one.lit = quote_lit(line, strlen(line));
                            ok = expectations(s->pend.k, &one, &s->pend.exps, &s->pend.want_scalar, &check_false);
                            ev_free(&one);
                        }
                        free(line);
                        p = nl + 1;
                    }
                }
                ev_free(&e);
            }
            if (ok) {
                s->pend.nexps++;
                I->c.expected_done++;
            } else {
                char *t = imp_todo(&I->c, first, "the expected output below is not checked: write the expectation");
                comment(I, s, rb, t);
                free(t);
            }
            comment(I, s, rb, all.data);
            rbk_sbuf_free(&all);
            in_expected_block = 0;
            continue;
        }
        if (it->kind == IMP_SH_BLANK) {
            in_expected_block = 0;
            after_blank = 1;
            continue;
        }
        if (it->kind == IMP_SH_COMMENT) {
            const char *v = expected_marker(it->text);
            if (v && !s->pend.k && last_todo) {
                /* the expectation of a command that was not translated: kept with it */
                I->c.expected++;
                comment(I, s, rb, it->text);
                continue;
            }
            /* "# or", "# PM2 example:" ... "# Systemd example:": alternatives, the first is run */
            size_t tl = strlen(it->text);
            if (!strcasecmp(it->text, "or") || !strcasecmp(it->text, "or:") || ci_starts(it->text, "alternatively") ||
                !strcasecmp(it->text, "or,")) {
                if (ran) alternative = 1;
            } else if ((tl >= 8 && !strcasecmp(it->text + tl - 8, "example:")) || (tl >= 7 && !strcasecmp(it->text + tl - 7, "example"))) {
                if (++examples >= 2 && ran) alternative = 1;
            }
            if (v && s->pend.k && s->pend_rb == rb) {
                if (*v) expected(I, s, rb, v, it->line);
                else in_expected_block = 1, I->c.expected++;
                continue;
            }
            if (in_expected_block) {
                /* a line of the expected output */
                ev e;
                classify(it->text, &e);
                int check_false = 0;
                rbk_sbuf one = RBK_SBUF_INIT;
                if (e.kind == EV_PROSE) { ev_free(&e); e.kind = EV_STRING; e.lit = quote_lit(it->text, strlen(it->text)); }
                int ok = s->pend.k && expectations(s->pend.k, &e, &s->pend.exps, &s->pend.want_scalar, &check_false);
                ev_free(&e);
                rbk_sbuf_free(&one);
                if (ok) {
                    if (in_expected_block == 1) I->c.expected_done++;
                    in_expected_block = 2;
                    s->pend.nexps++;
                } else {
                    char *t = imp_todo(&I->c, it->line, "expected output line \"%s\" not checked", it->text);
                    note_after(I, s, rb, t);
                    free(t);
                }
                continue;
            }
            if (v && !s->pend.k) {
                expected(I, s, rb, *v ? v : it->text, it->line);
                continue;
            }
            if (s->pend.k && !after_blank) note_after(I, s, rb, it->text);
            else comment(I, s, rb, it->text);
            continue;
        }
        after_blank = 0;
        in_expected_block = 0;
        if (alternative) {
            /* an alternative to the command above: the author keeps one */
            alternative = 0;
            I->c.cmds++;
            flush(I, s);
            {
                const char *nl = strchr(it->text, '\n');
                todo_comment(I, s, rb, it->line, "`%.*s%s` is an alternative to the command above, which is run: keep the one this system uses",
                             (int)(nl ? (size_t)(nl - it->text) : strlen(it->text)), it->text, nl ? " ..." : "");
            }
            comment(I, s, rb, it->text);
            last_todo = 1;
            continue;
        }
        /* a command, or a group of them */
        int end = group_end[i];
        for (int j = i; j <= end; j++)
            if (items[j].kind == IMP_SH_CMD && group_end[j] > end) end = group_end[j];
        rbk_sbuf text = RBK_SBUF_INIT;
        int ncmds = 0;
        for (int j = i; j <= end; j++) {
            if (items[j].kind == IMP_SH_BLANK && j > i) continue;
            if (text.len) rbk_sbuf_addc(&text, '\n');
            if (items[j].kind == IMP_SH_COMMENT) {
                rbk_sbuf_printf(&text, "# %s", items[j].text);
            } else { rbk_sbuf_adds(&text, items[j].text); ncmds++; }
        }
        if (it->note) comment(I, s, rb, it->note);
        I->c.cmds += ncmds;
        if (I->sheet) {
            rbk_sbuf m = RBK_SBUF_INIT;
            rbk_sbuf_printf(&m, "(evidence command, not run from the sheet: %s)", text.data);
            comment(I, s, rb, m.data);
            rbk_sbuf_free(&m);
            rbk_sbuf_free(&text);
            i = end;
            continue;
        }
        imp_call *calls;
        int nc;
        char *why;
        imp_cmd_result r = imp_sh_command(&I->c, &s->sh, text.data, it->line, &calls, &nc, &why);
        if (r == IMP_CMD_CALL) {
            I->c.cmds_called += ncmds;
            if (why) {
                char *t = imp_todo(&I->c, it->line, "%s", why);
                comment(I, s, rb, t);
                free(t);
            }
            for (int q = 0; q < nc; q++) {
                imp_call *k = rbk_xcalloc(1, sizeof(imp_call));
                *k = calls[q];
                put_call(I, s, rb, k);
            }
            free(calls);
            /* an "Expected" comment between the commands of a group cannot be checked on its own */
            for (int j = i; j < end; j++) {
                if (items[j].kind != IMP_SH_COMMENT || !expected_marker(items[j].text)) continue;
                I->c.expected++;
                char *t = imp_todo(&I->c, items[j].line,
                                   "\"%s\" is between commands that share shell variables (one sh call): check it in the command",
                                   items[j].text);
                note_after(I, s, rb, t);
                free(t);
            }
            last_todo = 0;
            ran = 1;
        } else if (r == IMP_CMD_ABSORBED) {
            I->c.cmds_absorbed += ncmds;
            flush(I, s);
            rbk_sbuf m = RBK_SBUF_INIT;
            rbk_sbuf_printf(&m, "%s  (for the commands below: %s)", text.data,
                            !strncmp(text.data, "cd", 2) ? "cwd:" : "env:");
            comment(I, s, rb, m.data);
            rbk_sbuf_free(&m);
        } else {
            flush(I, s);
            {
                const char *nl = strchr(text.data, '\n');
                todo_comment(I, s, rb, it->line, "%s: `%.*s%s` is kept as a comment below", why ? why : "not translated",
                             (int)(nl ? (size_t)(nl - text.data) : text.len), text.data, nl ? " ..." : "");
            }
            comment(I, s, rb, text.data);
            last_todo = 1;
        }
        free(why);
        rbk_sbuf_free(&text);
        i = end;
    }
    free(group_end);
    imp_sh_items_free(items, ni);
    if (conv) { for (int i = 0; i < n; i++) free(conv[i].text); free(conv); }
}

/* An SQL fence: one call per statement on the DATABASE_URL connection. */
static void sql_fence(imp *I, step_out *s, const rbk_md_block *f, int rb) {
    int declared = 0;
    for (int i = 0; i < I->c.nenvs; i++) declared |= !strcmp(I->c.envs[i].name, "DATABASE_URL");
    imp_env *e = imp_env_use(&I->c, "DATABASE_URL", 12, f->line);
    e->secret = 1;
    if (!declared) todo_comment(I, s, rb, f->line, "which database? the statements below run on DATABASE_URL");
    const char *conn = imp_conn_for(&I->c, "env.DATABASE_URL");
    rbk_sbuf stmt_text = RBK_SBUF_INIT;
    int stmt_line = 0;
    char q = 0;
    for (int i = 0; i < f->nlines; i++) {
        const char *t = f->lines[i].text;
        const char *p = t;
        while (*p == ' ' || *p == '\t') p++;
        if (!stmt_text.len && !q) {
            if (!*p) { flush(I, s); continue; }
            if (!strncmp(p, "--", 2)) {
                const char *c = p + 2;
                while (*c == ' ') c++;
                const char *v = expected_marker(c);
                if (v && *v) expected(I, s, rb, v, f->lines[i].line);
                else if (s->pend.k) note_after(I, s, rb, c);
                else comment(I, s, rb, c);
                continue;
            }
            if (*p == '\\') {
                flush(I, s);
                todo_comment(I, s, rb, f->lines[i].line, "the psql meta-command `%s` has no SQL equivalent: kept as a comment", p);
                continue;
            }
            stmt_line = f->lines[i].line;
        }
        if (stmt_text.len) rbk_sbuf_addc(&stmt_text, '\n');
        /* up to a ; outside quotes; a -- comment ends the line */
        for (const char *c = t; *c; c++) {
            if (q) { if (*c == q) q = 0; rbk_sbuf_addc(&stmt_text, *c); continue; }
            if (*c == '\'' || *c == '"') { q = *c; rbk_sbuf_addc(&stmt_text, *c); continue; }
            if (c[0] == '-' && c[1] == '-') break;
            if (*c == ';') {
                char *sql = trim_dup(stmt_text.data, stmt_text.len);
                if (*sql) {
                    I->c.cmds++;
                    I->c.cmds_called++;
                    imp_call *k = rbk_xcalloc(1, sizeof(imp_call));
                    k->kind = IMP_CALL_SQL;
                    k->line = stmt_line;
                    static const char *sel[] = {"select", "with", "show", "values", "table", "explain", NULL};
                    for (int z = 0; sel[z]; z++)
                        if (!strncasecmp(sql, sel[z], strlen(sel[z])) && !isalnum((unsigned char)sql[strlen(sel[z])])) k->sql_select = 1;
                    rbk_sbuf fn = RBK_SBUF_INIT;
                    rbk_sbuf_printf(&fn, "%s.%s", conn, k->sql_select ? "query" : "exec");
                    k->fn = rbk_sbuf_detach(&fn);
                    rbk_sbuf l = RBK_SBUF_INIT;
                    if (strchr(sql, '\n')) {
                        rbk_sbuf_adds(&k->args, "\"\"\"\n");
                        rbk_sbuf body = RBK_SBUF_INIT;
                        imp_lit3(&body, sql, strlen(sql));
                        for (const char *x = body.data; x && *x;) {
                            const char *e2 = strchr(x, '\n');
                            size_t ln = e2 ? (size_t)(e2 - x) : strlen(x);
                            if (ln) rbk_sbuf_adds(&k->args, "  ");
                            rbk_sbuf_add(&k->args, x, ln);
                            rbk_sbuf_addc(&k->args, '\n');
                            x += ln + (e2 ? 1 : 0);
                        }
                        rbk_sbuf_adds(&k->args, "\"\"\"");
                        rbk_sbuf_free(&body);
                    } else {
                        imp_lit(&l, sql, strlen(sql));
                        rbk_sbuf_printf(&k->args, "\"%s\"", l.data ? l.data : "");
                    }
                    rbk_sbuf_free(&l);
                    put_call(I, s, rb, k);
                }
                free(sql);
                rbk_sbuf_reset(&stmt_text);
                stmt_line = f->lines[i].line;
                continue;
            }
            rbk_sbuf_addc(&stmt_text, *c);
        }
    }
    char *rest = trim_dup(stmt_text.data ? stmt_text.data : "", stmt_text.len);
    if (*rest) {
        I->c.cmds++;
        flush(I, s);
        todo_comment(I, s, rb, stmt_line, "an SQL statement without its ';' at the end of the block: kept as a comment below");
        comment(I, s, rb, rest);
    }
    free(rest);
    rbk_sbuf_free(&stmt_text);
}

static int paste_block(const rbk_md_block *f) {
    for (int i = 0; i < f->nlines; i++) {
        const char *t = f->lines[i].text;
        while (*t == ' ') t++;
        if (!*t) continue;
        size_t n = strlen(t);
        if ((t[0] == '<' && t[n - 1] == '>') || strstr(t, "___") || ci_find(t, "paste")) continue;
        return 0;
    }
    return 1;
}

static const char *fence_lang(const rbk_md_block *f, char *buf, size_t cap) {
    size_t n = 0;
    const char *p = f->text ? f->text : "";
    if (*p == '{') p++;
    if (*p == '.') p++;
    while (p[n] && !strchr(" \t,{}", p[n]) && n + 1 < cap) { buf[n] = (char)tolower((unsigned char)p[n]); n++; }
    buf[n] = 0;
    return buf;
}

static void fence(imp *I, step_out *s, const rbk_md_block *f, label_kind label, int rb) {
    char lang[32];
    fence_lang(f, lang, sizeof lang);
    static const char *shells[] = {"bash", "sh", "shell", "zsh", "ksh", "shellscript", "bash-session", NULL};
    static const char *consoles[] = {"console", "shell-session", "sh-session", "terminal", "shellsession", NULL};
    static const char *sqls[] = {"sql", "psql", "pgsql", "postgresql", "postgres", "plpgsql", NULL};
    int is_shell = 0, is_console = 0, is_sql = 0;
    for (int i = 0; shells[i]; i++) is_shell |= !strcmp(lang, shells[i]);
    for (int i = 0; consoles[i]; i++) is_console |= !strcmp(lang, consoles[i]);
    for (int i = 0; sqls[i]; i++) is_sql |= !strcmp(lang, sqls[i]);
    if (!*lang && f->nlines) {
        int all_prompts = 1;
        for (int i = 0; i < f->nlines; i++)
            if (f->lines[i].text[0] && strncmp(f->lines[i].text, "$ ", 2)) all_prompts = 0;
        if (all_prompts) is_console = 1;
    }
    if (I->sheet || (!is_shell && !is_sql && !is_console && paste_block(f))) {
        flush(I, s);
        comment(I, s, rb, "(a block to paste evidence into: the run's report records it — runbook run --report)");
        return;
    }
    if (label == LB_EXPECT && !is_shell && !is_sql && !is_console) {
        /* expected output: each line, or the JSON's fields */
        I->c.expected++;
        if (!s->pend.k || s->pend_rb != rb) {
            todo_comment(I, s, rb, f->line, "expected output with no command before it to check");
            return;
        }
        rbk_sbuf all = RBK_SBUF_INIT;
        for (int i = 0; i < f->nlines; i++) { rbk_sbuf_adds(&all, f->lines[i].text); rbk_sbuf_addc(&all, '\n'); }
        ev e;
        memset(&e, 0, sizeof e);
        int ok = 0, check_false = 0;
        if (all.len && (all.data[0] == '{') && fields(all.data, &e)) {
            e.kind = EV_FIELDS;
            ok = expectations(s->pend.k, &e, &s->pend.exps, &s->pend.want_scalar, &check_false);
        } else {
            ok = 1;
            for (int i = 0; i < f->nlines && ok; i++) {
                if (!f->lines[i].text[0]) continue;
                ev one;
                memset(&one, 0, sizeof one);
                one.kind = EV_STRING;
                one.lit = quote_lit(f->lines[i].text, strlen(f->lines[i].text));
                ok = expectations(s->pend.k, &one, &s->pend.exps, &s->pend.want_scalar, &check_false);
                ev_free(&one);
            }
        }
        ev_free(&e);
        rbk_sbuf_free(&all);
        if (ok) { I->c.expected_done++; s->pend.nexps++; }
        else todo_comment(I, s, rb, f->line, "expected output block not checked");
        return;
    }
    if (is_shell || is_console) { shell_fence(I, s, f, rb, is_console); return; }
    if (is_sql) { sql_fence(I, s, f, rb); return; }
    flush(I, s);
    if (*lang) todo_comment(I, s, rb, f->line, "a ```%s block is not translated: kept as a comment below", lang);
    else todo_comment(I, s, rb, f->line, "a code block without a language is not translated: kept as a comment below");
    for (int i = 0; i < f->nlines; i++) comment(I, s, rb, f->lines[i].text[0] ? f->lines[i].text : " ");
}

/* `GET /path` (→ `200` with `{ ok: true }`): an HTTP call on base_url. */
static int http_request_span(const char *code, const char **method, const char **path) {
    static const char *ms[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", NULL};
    for (int i = 0; ms[i]; i++) {
        size_t n = strlen(ms[i]);
        if (!strncmp(code, ms[i], n) && code[n] == ' ') {
            const char *p = code + n + 1;
            while (*p == ' ') p++;
            if (*p != '/' && strncmp(p, "http://", 7) && strncmp(p, "https://", 8)) return 0;
            if (strchr(p, ' ')) return 0;
            *method = ms[i];
            *path = p;
            return 1;
        }
    }
    return 0;
}

static void http_item(imp *I, step_out *s, int rb, const char *text, const spans *sp, int at, const char *method,
                      const char *path, int line) {
    imp_call *k = rbk_xcalloc(1, sizeof(imp_call));
    k->kind = IMP_CALL_HTTP;
    k->line = line;
    rbk_sbuf fn = RBK_SBUF_INIT;
    rbk_sbuf_adds(&fn, "http.");
    for (const char *m = method; *m; m++) rbk_sbuf_addc(&fn, (char)tolower((unsigned char)*m));
    k->fn = rbk_sbuf_detach(&fn);
    rbk_sbuf u = RBK_SBUF_INIT;
    if (*path == '/') {
        imp_param *p = imp_param_use(&I->c, "base_url", line);
        if (!p->note && !p->deflt) p->note = rbk_xstrdup("where the document's `METHOD /path` requests go (no host in the document)");
        rbk_sbuf_adds(&u, "{base_url}");
    }
    /* :id path parameters are params */
    for (const char *c = path; *c; c++) {
        if (*c == ':' && c > path && c[-1] == '/' && (isalpha((unsigned char)c[1]) || c[1] == '_')) {
            const char *e = c + 1;
            while (isalnum((unsigned char)*e) || *e == '_') e++;
            char *nm = rbk_xstrndup(c + 1, (size_t)(e - c - 1));
            imp_param *p = imp_param_use(&I->c, nm, line);
            if (!p->note) {
                rbk_sbuf note = RBK_SBUF_INIT;
                rbk_sbuf_printf(&note, "%.*s in %s %s", (int)(e - c), c, method, path);
                p->note = rbk_sbuf_detach(&note);
            }
            rbk_sbuf_printf(&u, "{%s}", p->name);
            free(nm);
            c = e - 1;
            continue;
        }
        imp_lit(&u, c, 1);
    }
    rbk_sbuf_printf(&k->args, "\"%s\", follow: false", u.data);
    rbk_sbuf_free(&u);
    put_call(I, s, rb, k);
    /* what the text says it returns: code spans after the request */
    int first_exp = 1;
    for (int i = at + 1; i < sp->n; i++) {
        const char *v = sp->v[i];
        ev e;
        classify(v, &e);
        if (e.kind == EV_PROSE) {
            ev_free(&e);
            if (!fields(v, &e)) { ev_free(&e); continue; }
            e.kind = EV_FIELDS;
        }
        if (e.kind == EV_STRING && strchr(v, ':')) { ev_free(&e); if (fields(v, &e)) e.kind = EV_FIELDS; else { ev_free(&e); continue; } }
        if (first_exp) I->c.expected++;
        int cf = 0;
        if (expectations(k, &e, &s->pend.exps, &s->pend.want_scalar, &cf)) {
            s->pend.nexps++;
            if (first_exp) I->c.expected_done++;
        }
        first_exp = 0;
        ev_free(&e);
    }
    (void)text;
}

/* Runs an inline command (from a list item or a table cell) in the step. 1 when it became a call. */
static int inline_command(imp *I, step_out *s, int rb, const char *code, int line) {
    if (strstr(code, "...") || strstr(code, "\xe2\x80\xa6")) return 0; /* elided: not runnable */
    imp_call *calls;
    int nc;
    char *why;
    imp_cmd_result r = imp_sh_command(&I->c, &s->sh, code, line, &calls, &nc, &why);
    I->c.inline_cmds++;
    I->c.inline_called += r == IMP_CMD_CALL;
    if (r == IMP_CMD_CALL) {
        if (why) {
            char *t = imp_todo(&I->c, line, "%s", why);
            comment(I, s, rb, t);
            free(t);
        }
        for (int q = 0; q < nc; q++) {
            imp_call *k = rbk_xcalloc(1, sizeof(imp_call));
            *k = calls[q];
            put_call(I, s, rb, k);
        }
        free(calls);
    } else if (r == IMP_CMD_ABSORBED) {
        flush(I, s);
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "%s  (for the commands below)", code);
        comment(I, s, rb, m.data);
        rbk_sbuf_free(&m);
    } else {
        flush(I, s);
        todo_comment(I, s, rb, line, "%s: `%s` is kept as this comment", why ? why : "not translated", code);
    }
    free(why);
    return r != IMP_CMD_TODO;
}

/* The item's text and its children's, as one line ("If X: a; b"). */
static void item_text_all(imp *I, int item, rbk_sbuf *out) {
    const rbk_md_block *b = &I->d.b[item];
    char *p = plain(b->text ? b->text : "");
    rbk_sbuf_adds(out, p);
    free(p);
    int first = 1;
    for (int c = I->first_child[item]; c >= 0; c = I->next_sibling[c]) {
        const rbk_md_block *k = &I->d.b[c];
        if (k->kind != RBK_MD_ITEM && k->kind != RBK_MD_PARA) continue;
        if (out->len && first && !strchr(":.?!", out->data[out->len - 1])) rbk_sbuf_addc(out, ':');
        rbk_sbuf_adds(out, first ? " " : "; ");
        first = 0;
        rbk_sbuf sub = RBK_SBUF_INIT;
        item_text_all(I, c, &sub);
        size_t n = sub.len;
        while (n && (sub.data[n - 1] == '.' || sub.data[n - 1] == ' ')) n--;
        rbk_sbuf_add(out, sub.data ? sub.data : "", n);
        rbk_sbuf_free(&sub);
    }
}

static void stop_if(imp *I, step_out *s, const char *sentence, int line) {
    char *t = imp_todo(&I->c, line, "write the condition of this stop-if; until then it always stops the run here");
    stmt(I, s, 0, 0, "# %s", t);
    free(t);
    rbk_sbuf m = RBK_SBUF_INIT;
    imp_lit(&m, sentence, strlen(sentence));
    stmt(I, s, 0, 1, "stop-if true, \"%s\"", m.data);
    rbk_sbuf_free(&m);
    I->c.stop_ifs++;
}

/* A paragraph's sentences: stop-if, rollback-if, wait; prose to the description. */
static void paragraph(imp *I, step_out *s, const char *text, int line, int rb, int in_desc) {
    const char *stop = stop_phrase(text, 0);
    if (stop && !I->sheet) {
        char *sen = sentence_at(text, stop);
        stop_if(I, s, sen, line);
        free(sen);
        return;
    }
    const char *rif = rollback_if_phrase(text);
    if (rif && !I->sheet) {
        char *sen = sentence_at(text, rif);
        todo_comment(I, s, rb, line, "an expect that fails when this holds rolls the step back: %s", sen);
        free(sen);
    }
    char *w = I->sheet ? NULL : wait_phrase(text);
    if (w) {
        stmt(I, s, rb, 1, "wait(%s)", w);
        I->c.waits++;
        free(w);
    }
    if (in_desc) desc_text(&s->desc, text);
    else comment(I, s, rb, text);
}

/* "Set X", "Update X", "Enable X": the operator changes something (an action, not a declaration). */
static int setting_text(const char *p) {
    return ci_starts(p, "set ") || ci_starts(p, "set:") || ci_starts(p, "update ") || ci_starts(p, "change ") ||
           ci_starts(p, "enable ") || ci_starts(p, "disable ") || ci_starts(p, "immediately update");
}

/* Whether code span i is the item's command: the item is the span, "Label: `cmd`", or "`cmd`
 * (note)" — not a command mentioned in a sentence ("should be running (`npm run worker`)"). */
static int runnable_span(const char *text, const spans *sp, int i) {
    const char *v = sp->v[i];
    if (!imp_looks_like_command(v) || strstr(v, "...") || strstr(v, "\xe2\x80\xa6")) return 0;
    const char *start = text + sp->at[i];
    size_t ticks = 0;
    while (start[ticks] == '`') ticks++;
    const char *end = start + ticks;
    while (*end && strncmp(end, start, ticks)) end++;
    end = *end ? end + ticks : end;
    char *raw = rbk_xstrndup(text, (size_t)(start - text));
    char *before = plain(raw);
    free(raw);
    char *after = plain(end);
    size_t bn = strlen(before);
    int ok = (!bn || before[bn - 1] == ':') &&
             (!*after || after[0] == '(' || !strncmp(after, "\xe2\x80\x94", 3) || after[0] == '-' || !strcmp(after, ".") || after[0] == '#');
    free(before);
    free(after);
    return ok;
}

static void list_item(imp *I, step_out *s, int bi, label_kind label, int rb) {
    const rbk_md_block *b = &I->d.b[bi];
    const char *text = b->text ? b->text : "";
    spans sp;
    code_spans(text, &sp);
    if (b->check) {
        /* a check box: a gate (a fill-in blank: ask for the value) */
        if (has_blank(text)) {
            rbk_sbuf t = RBK_SBUF_INIT;
            for (const char *p = text; *p; p++) {
                if (*p == '`' || *p == '_') continue;
                rbk_sbuf_addc(&t, *p);
            }
            char *q = plain(t.data ? t.data : "");
            size_t n = strlen(q);
            while (n && (q[n - 1] == ':' || q[n - 1] == ' ')) q[--n] = 0;
            rbk_sbuf l = RBK_SBUF_INIT;
            imp_lit(&l, q, n);
            stmt(I, s, rb, 1, "ask(\"%s\")", l.data ? l.data : "");
            I->c.asks++;
            rbk_sbuf_free(&l);
            free(q);
            rbk_sbuf_free(&t);
        } else {
            char *q = question(text);
            stmt(I, s, rb, 1, "confirm(\"%s\")", q);
            I->c.confirms++;
            free(q);
        }
        spans_free(&sp);
        translate_children(I, s, bi, label, rb);
        return;
    }
    if (I->sheet) {
        char *p = plain(text);
        if (ci_find(p, "no-go") && ci_find(p, "go")) {
            stmt(I, s, rb, 1, "confirm(\"GO?\")");
            I->c.confirms++;
        } else if (has_blank(text)) {
            rbk_sbuf m = RBK_SBUF_INIT;
            rbk_sbuf_printf(&m, "(fill-in, recorded by the run's report: %s)", p);
            comment(I, s, rb, m.data);
            rbk_sbuf_free(&m);
        } else if (*p) {
            comment(I, s, rb, p);
        }
        free(p);
        spans_free(&sp);
        translate_children(I, s, bi, label, rb);
        return;
    }
    if (label == LB_EXPECT) {
        expected(I, s, rb, text, b->line);
        spans_free(&sp);
        translate_children(I, s, bi, label, rb);
        return;
    }
    /* an item under "If X:" that says do not proceed: a stop-if */
    rbk_sbuf all = RBK_SBUF_INIT;
    item_text_all(I, bi, &all);
    if (stop_phrase(all.data ? all.data : "", label == LB_ROLLBACK)) {
        stop_if(I, s, all.data, b->line);
        rbk_sbuf_free(&all);
        spans_free(&sp);
        return;
    }
    if (label == LB_ROLLBACK) {
        /* the rollback: commands run, instructions are confirmed */
        int ran = 0;
        for (int i = 0; i < sp.n; i++)
            if (imp_looks_like_command(sp.v[i])) {
                char *p = plain(text);
                comment(I, s, 1, p);
                free(p);
                ran |= inline_command(I, s, 1, sp.v[i], b->line);
            }
        if (!ran) {
            char *q = question(all.data ? all.data : "");
            stmt(I, s, 1, 1, "confirm(\"%s\")", q);
            I->c.confirms++;
            free(q);
        }
        rbk_sbuf_free(&all);
        spans_free(&sp);
        return;
    }
    rbk_sbuf_free(&all);
    /* env names: `NAME=value` and, under an env heading or item, `NAME` — unless the item says
     * to set them (then it is an action) */
    int parent_env = label == LB_ENV;
    char *ptext = plain(text);
    int setting = setting_text(ptext);
    if (b->parent >= 0) {
        char *pp = plain(I->d.b[b->parent].text ? I->d.b[b->parent].text : "");
        if (ci_find(pp, "env var") || ci_find(pp, "environment variable")) parent_env = 1;
        setting |= setting_text(pp);
        free(pp);
    }
    int nenv = 0;
    for (int i = 0; i < sp.n && !setting; i++) {
        const char *v = sp.v[i];
        const char *eq = strchr(v, '=');
        char *name = eq ? rbk_xstrndup(v, (size_t)(eq - v)) : rbk_xstrdup(v);
        size_t nl = strlen(name);
        if (nl && name[nl - 1] == '*') { free(name); continue; } /* OBJECT_STORAGE_S3_*: a family, not a name */
        if (is_env_name(name) && (eq || parent_env)) {
            imp_env *e = imp_env_use(&I->c, name, strlen(name), b->line);
            if (!e->note) e->note = plain(text);
            /* "optional `X`", "(Optional) `X`" */
            const char *at = text + sp.at[i];
            size_t k = 0;
            while (at - k > text && k < 14) k++;
            char *head = rbk_xstrndup(at - k, k);
            if (ci_find(head, "optional")) e->optional = 1;
            free(head);
            nenv++;
        }
        free(name);
    }
    if (nenv && nenv == sp.n && !setting) {
        /* declarations: nothing to run here */
        rbk_sbuf m = RBK_SBUF_INIT;
        for (int i = 0; i < b->level; i++) rbk_sbuf_adds(&m, "  ");
        rbk_sbuf_printf(&m, "%s %s", b->ordered ? "1." : "-", text);
        desc_line(&s->desc, m.data);
        rbk_sbuf_free(&m);
        free(ptext);
        spans_free(&sp);
        translate_children(I, s, bi, label, rb);
        return;
    }
    /* an HTTP request, or a command */
    for (int i = 0; i < sp.n; i++) {
        const char *method, *path;
        if (http_request_span(sp.v[i], &method, &path) && (!strcmp(method, "GET") || !strcmp(method, "HEAD") || i + 1 < sp.n)) {
            comment(I, s, rb, ptext);
            http_item(I, s, rb, text, &sp, i, method, path, b->line);
            free(ptext);
            spans_free(&sp);
            translate_children(I, s, bi, label, rb);
            return;
        }
    }
    int commands = 0;
    for (int i = 0; i < sp.n; i++) commands += runnable_span(text, &sp, i);
    if (commands && label != LB_PROSE) {
        comment(I, s, rb, ptext);
        for (int i = 0; i < sp.n; i++)
            if (runnable_span(text, &sp, i)) inline_command(I, s, rb, sp.v[i], b->line);
        free(ptext);
        spans_free(&sp);
        translate_children(I, s, bi, label, rb);
        return;
    }
    /* an action: its sub-items do it, or the operator does */
    if (b->ordered || label == LB_ACTION || setting) {
        size_t pl = strlen(ptext);
        if (pl && ptext[pl - 1] != ':' && I->first_child[bi] >= 0) {
            /* "Restart the service." with notes under it: the item is the action, its sub-items
             * are read on their own (bullets are prose, numbered ones actions) */
            char *q = question(ptext);
            stmt(I, s, rb, 1, "confirm(\"%s\")", q);
            I->c.confirms++;
            free(q);
            I->item_is_step = 0;
            free(ptext);
            spans_free(&sp);
            translate_children(I, s, bi, LB_NONE, rb);
            return;
        }
        /* "Apply the migration:" — its sub-items say how. (A call waiting for its "Expected"
         * lines counts: it is written.) */
        int before = s->body.nstmts + s->rb.nstmts + (s->pend.k != NULL), envs = I->c.nenvs;
        if (I->first_child[bi] >= 0) {
            if (!I->item_is_step) comment(I, s, rb, ptext);
            I->item_is_step = 0;
            translate_children(I, s, bi, LB_ACTION, rb);
        }
        if (s->body.nstmts + s->rb.nstmts + (s->pend.k != NULL) == before && I->c.nenvs == envs) {
            /* nothing to run: the operator does it and confirms (the whole item; a short one
             * under an item that says what to do with it, with that item's text) */
            rbk_sbuf all2 = RBK_SBUF_INIT;
            int words = 0;
            for (const char *w = ptext; *w; w++) words += *w == ' ';
            if (b->parent >= 0 && words < 3 && sp.n) {
                char *pp = plain(I->d.b[b->parent].text ? I->d.b[b->parent].text : "");
                rbk_sbuf_printf(&all2, "%s%s", pp, *pp && !strchr(":.?!", pp[strlen(pp) - 1]) ? ": " : " ");
                free(pp);
            }
            item_text_all(I, bi, &all2);
            char *q = question(all2.data ? all2.data : "");
            stmt(I, s, rb, 1, "confirm(\"%s\")", q);
            I->c.confirms++;
            free(q);
            rbk_sbuf_free(&all2);
        }
        free(ptext);
        spans_free(&sp);
        return;
    }
    /* prose: the description, as a list */
    rbk_sbuf m = RBK_SBUF_INIT;
    for (int i = 0; i < b->level; i++) rbk_sbuf_adds(&m, "  ");
    rbk_sbuf_printf(&m, "%s %s", b->ordered ? "1." : "-", text);
    for (size_t i = 0; i < m.len; i++) if (m.data[i] == '\n') m.data[i] = ' ';
    desc_line(&s->desc, m.data);
    rbk_sbuf_free(&m);
    char *w = wait_phrase(ptext);
    if (w) {
        stmt(I, s, rb, 1, "wait(%s)", w);
        I->c.waits++;
        free(w);
    }
    free(ptext);
    spans_free(&sp);
    translate_children(I, s, bi, label == LB_NONE ? LB_PROSE : label, rb);
}

/* ------------------------------------------------------------------ tables */
static int split_row(const char *row, char ***cells) {
    char **v = NULL;
    int n = 0;
    const char *p = row;
    while (*p == ' ') p++;
    if (*p == '|') p++;
    rbk_sbuf c = RBK_SBUF_INIT;
    int code = 0;
    for (;; p++) {
        if (*p == '`') code = !code;
        if (!*p || (*p == '|' && !code && (p == row || p[-1] != '\\'))) {
            char *t = trim_dup(c.data ? c.data : "", c.len);
            if (*p || *t) {
                v = rbk_xrealloc(v, sizeof(char *) * (size_t)(n + 1));
                v[n++] = t;
            } else free(t);
            rbk_sbuf_reset(&c);
            if (!*p) break;
            continue;
        }
        rbk_sbuf_addc(&c, *p);
    }
    rbk_sbuf_free(&c);
    /* a trailing | leaves an empty last cell */
    if (n && !v[n - 1][0]) {
        const char *e = row + strlen(row);
        while (e > row && e[-1] == ' ') e--;
        if (e > row && e[-1] == '|') free(v[--n]);
    }
    *cells = v;
    return n;
}
static void cells_free(char **v, int n) { for (int i = 0; i < n; i++) free(v[i]); free(v); }
static int is_box(const char *c) {
    return !strcmp(c, "\xe2\x98\x90") || !strcmp(c, "[ ]") || !strcmp(c, "\xe2\x98\x91") || !strcmp(c, "\xe2\x9c\x93") ||
           !strcmp(c, "\xe2\x9c\x94") || !strcasecmp(c, "done") || !strcmp(c, "[x]");
}

static void table(imp *I, step_out *s, const rbk_md_block *t, int rb) {
    char **head;
    int nh = t->nlines ? split_row(t->lines[0].text, &head) : 0;
    int col_var = -1, col_desc = -1, col_req = -1, col_def = -1, col_box = -1, col_cmd = -1, col_exp = -1, col_what = -1;
    for (int i = 0; i < nh; i++) {
        char *h = plain(head[i]);
        for (char *q = h; *q; q++) *q = (char)tolower((unsigned char)*q);
        if (!strcmp(h, "variable") || !strcmp(h, "env") || !strcmp(h, "env var") || !strcmp(h, "environment variable") ||
            !strcmp(h, "name") || !strcmp(h, "key") || !strcmp(h, "var"))
            col_var = col_var < 0 ? i : col_var;
        else if (strstr(h, "description") || !strcmp(h, "purpose") || !strcmp(h, "notes") || !strcmp(h, "meaning")) col_desc = i;
        else if (!strcmp(h, "required")) col_req = i;
        else if (!strcmp(h, "default")) col_def = i;
        else if (is_box(head[i]) || !strcmp(h, "\xe2\x98\x90") || !strcmp(h, "done")) col_box = i;
        else if (strstr(h, "command") || !strcmp(h, "how") || !strcmp(h, "action")) col_cmd = i;
        else if (strstr(h, "expected") || !strcmp(h, "result")) col_exp = i;
        else if (col_what < 0 && strcmp(h, "#") && strcmp(h, "step") != 0) col_what = i;
        else if (col_what < 0 && !strcmp(h, "step")) col_what = i;
        free(h);
    }
    if (col_what < 0) for (int i = 0; i < nh; i++) if (i != col_cmd && i != col_exp && i != col_box && strcmp(head[i], "#")) { col_what = i; break; }
    int rows = t->nlines > 2 ? t->nlines - 2 : 0;
    /* an env table: most rows name a variable */
    int envrows = 0;
    for (int r = 0; r < rows && col_var >= 0; r++) {
        char **c;
        int nc = split_row(t->lines[r + 2].text, &c);
        if (col_var < nc) {
            char *p = plain(c[col_var]);
            envrows += is_env_name(p);
            free(p);
        }
        cells_free(c, nc);
    }
    if (col_var >= 0 && rows && envrows * 2 >= rows) {
        for (int r = 0; r < rows; r++) {
            char **c;
            int nc = split_row(t->lines[r + 2].text, &c);
            char *name = col_var < nc ? plain(c[col_var]) : rbk_xstrdup("");
            if (is_env_name(name)) {
                imp_env *e = imp_env_use(&I->c, name, strlen(name), t->lines[r + 2].line);
                if (col_req >= 0 && col_req < nc && ci_starts(c[col_req], "no")) e->optional = 1;
                rbk_sbuf note = RBK_SBUF_INIT;
                if (col_desc >= 0 && col_desc < nc) { char *d = plain(c[col_desc]); rbk_sbuf_adds(&note, d); free(d); }
                if (col_def >= 0 && col_def < nc) {
                    char *d = plain(c[col_def]);
                    if (*d && strcmp(d, "\xe2\x80\x94") && strcmp(d, "-")) rbk_sbuf_printf(&note, "%sdefault %s", note.len ? "; " : "", d);
                    free(d);
                }
                if (note.len) { free(e->note); e->note = rbk_sbuf_detach(&note); }
                rbk_sbuf_free(&note);
            }
            free(name);
            cells_free(c, nc);
        }
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "(the table of variables at line %d is the env declarations at the top)", t->line);
        desc_text(&s->desc, m.data);
        rbk_sbuf_free(&m);
        cells_free(head, nh);
        return;
    }
    /* a check list: each row a command with its expected result, or a gate */
    int boxes = 0;
    for (int r = 0; r < rows; r++) {
        char **c;
        int nc = split_row(t->lines[r + 2].text, &c);
        for (int i = 0; i < nc; i++) boxes += is_box(c[i]);
        cells_free(c, nc);
    }
    if (!I->sheet && rows && (col_box >= 0 || boxes >= rows || (col_cmd >= 0 && col_exp >= 0))) {
        for (int r = 0; r < rows; r++) {
            char **c;
            int nc = split_row(t->lines[r + 2].text, &c);
            int line = t->lines[r + 2].line;
            const char *cmd = col_cmd >= 0 && col_cmd < nc ? c[col_cmd] : "";
            const char *exp = col_exp >= 0 && col_exp < nc ? c[col_exp] : "";
            const char *what = col_what >= 0 && col_what < nc ? c[col_what] : "";
            spans sp;
            code_spans(cmd, &sp);
            int ran = 0;
            for (int i = 0; i < sp.n && !ran; i++) {
                const char *method, *path;
                if (http_request_span(sp.v[i], &method, &path)) {
                    char *w = plain(what);
                    comment(I, s, rb, w);
                    free(w);
                    http_item(I, s, rb, cmd, &sp, i, method, path, line);
                    ran = 1;
                } else if (imp_looks_like_command(sp.v[i]) && !strstr(sp.v[i], "...") && !strstr(sp.v[i], "\xe2\x80\xa6")) {
                    char *w = plain(what);
                    comment(I, s, rb, w);
                    free(w);
                    ran = inline_command(I, s, rb, sp.v[i], line);
                }
            }
            spans_free(&sp);
            if (ran && *exp) expected(I, s, rb, exp, line);
            else if (!ran) {
                if (*exp) { I->c.expected++; I->c.expected_gated++; }
                rbk_sbuf q = RBK_SBUF_INIT;
                char *w = plain(what), *cm = plain(cmd), *ex = plain(exp);
                rbk_sbuf_adds(&q, w);
                if (*cm) rbk_sbuf_printf(&q, " (%s)", cm);
                if (*ex) rbk_sbuf_printf(&q, " — expected: %s", ex);
                free(w);
                free(cm);
                free(ex);
                char *qq = question(q.data ? q.data : "");
                stmt(I, s, rb, 1, "confirm(\"%s\")", qq);
                I->c.confirms++;
                free(qq);
                rbk_sbuf_free(&q);
            }
            cells_free(c, nc);
        }
        cells_free(head, nh);
        return;
    }
    /* any other table: prose */
    if (s->desc.len) rbk_sbuf_addc(&s->desc, '\n');
    for (int i = 0; i < t->nlines; i++) desc_line(&s->desc, t->lines[i].text);
    cells_free(head, nh);
}

/* ------------------------------------------------------------------ a heading's content */
static void translate_block(imp *I, step_out *s, int bi, label_kind *label, int rb) {
    const rbk_md_block *b = &I->d.b[bi];
    switch (b->kind) {
    case RBK_MD_PARA:
    case RBK_MD_QUOTE: {
        const char *text = b->text ? b->text : "";
        label_kind l = label_of(text);
        if (l != LB_NONE) {
            *label = l;
            /* "Expected output: `x`" has its value on the line; an "Expected output:" or
             * "Rollback plan:" label is said by what follows; an action label is a comment
             * above its commands */
            const char *v = expected_marker(text);
            if (v && *v && l == LB_EXPECT) expected(I, s, rb, v, b->line);
            else if (l == LB_EXPECT || l == LB_ROLLBACK) return;
            else if (l == LB_ACTION) {
                char *p = plain(text);
                comment(I, s, rb, p);
                free(p);
            } else if (b->kind == RBK_MD_QUOTE) {
                rbk_sbuf q = RBK_SBUF_INIT;
                for (const char *p = text; *p; p++) { if (p == text || p[-1] == '\n') rbk_sbuf_adds(&q, "> "); rbk_sbuf_addc(&q, *p); }
                desc_text(&s->desc, q.data);
                rbk_sbuf_free(&q);
            } else desc_text(&s->desc, text);
            return;
        }
        *label = LB_NONE;
        const char *v = expected_marker(text);
        if (v && *v) { expected(I, s, rb, v, b->line); return; }
        if (b->kind == RBK_MD_QUOTE) {
            const char *stop = stop_phrase(text, 0);
            if (stop && !I->sheet) { paragraph(I, s, text, b->line, rb, 1); return; }
            rbk_sbuf q = RBK_SBUF_INIT;
            for (const char *p = text; *p; p++) { if (p == text || p[-1] == '\n') rbk_sbuf_adds(&q, "> "); rbk_sbuf_addc(&q, *p); }
            paragraph(I, s, q.data, b->line, rb, 1);
            rbk_sbuf_free(&q);
            return;
        }
        paragraph(I, s, text, b->line, rb, 1);
        return;
    }
    case RBK_MD_ITEM: {
        label_kind l = *label;
        if (l == LB_ROLLBACK) { list_item(I, s, bi, LB_ROLLBACK, 1); return; }
        list_item(I, s, bi, l, rb);
        return;
    }
    case RBK_MD_FENCE:
        fence(I, s, b, *label, rb);
        return;
    case RBK_MD_TABLE:
        table(I, s, b, rb);
        *label = LB_NONE;
        return;
    case RBK_MD_HTML:
        desc_text(&s->desc, b->text ? b->text : "");
        return;
    case RBK_MD_RULE:
    case RBK_MD_HEADING:
        return;
    }
}

static void translate_children(imp *I, step_out *s, int parent, label_kind label, int rb) {
    for (int c = I->first_child[parent]; c >= 0; c = I->next_sibling[c]) {
        const rbk_md_block *b = &I->d.b[c];
        if (b->kind == RBK_MD_PARA && label != LB_ROLLBACK) {
            /* a paragraph inside an item: prose, or "Expected: ..." */
            const char *v = expected_marker(b->text ? b->text : "");
            if (v && *v) { expected(I, s, rb, v, b->line); continue; }
            label_kind l = label_of(b->text ? b->text : "");
            if (l != LB_NONE) { label = l; desc_text(&s->desc, b->text); continue; }
            paragraph(I, s, b->text ? b->text : "", b->line, rb, 1);
            continue;
        }
        label_kind l = label;
        translate_block(I, s, c, &l, label == LB_ROLLBACK ? 1 : rb);
        if (b->kind == RBK_MD_PARA) label = l;
    }
}

static step_out *new_step(const char *name, int line) {
    step_out *s = rbk_xcalloc(1, sizeof(step_out));
    s->name = rbk_xstrdup(name);
    s->line = line;
    return s;
}

/* The blocks [from, to) at the top level (not inside a list item) into s. */
static void translate_range(imp *I, step_out *s, int from, int to) {
    label_kind label = LB_NONE;
    for (int i = from; i < to; i++) {
        if (I->d.b[i].parent >= 0) continue;
        translate_block(I, s, i, &label, 0);
    }
    flush(I, s);
}

/* ------------------------------------------------------------------ writing */
static void add_indented(rbk_sbuf *out, const char *text, int indent) {
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) for (int i = 0; i < indent; i++) rbk_sbuf_addc(out, ' ');
        rbk_sbuf_add(out, p, n);
        rbk_sbuf_addc(out, '\n');
        p += n + (e ? 1 : 0);
    }
}
/* Description lines as comments ("#" for an empty one), with no empty line at either end. */
static void add_desc(rbk_sbuf *out, const char *d, int indent) {
    if (!d) return;
    while (*d == '\n') d++;
    size_t n = strlen(d);
    while (n && d[n - 1] == '\n') n--;
    /* no two empty lines in a row */
    const char *p = d, *end = d + n;
    int prev_empty = 0;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t ln = e ? (size_t)(e - p) : (size_t)(end - p);
        if (!ln && prev_empty) { p += 1; continue; }
        for (int i = 0; i < indent; i++) rbk_sbuf_addc(out, ' ');
        if (ln) { rbk_sbuf_adds(out, "# "); rbk_sbuf_add(out, p, ln); }
        else rbk_sbuf_addc(out, '#');
        rbk_sbuf_addc(out, '\n');
        prev_empty = !ln;
        p += ln + (e ? 1 : 0);
    }
}

/* want, or want (2), want (3) ... (an identifier: want_2 ...) that is not used yet. */
static char *unique_name(char ***names, int *n, const char *want, int ident) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_adds(&b, want);
    for (int k = 2;; k++) {
        int dup = 0;
        for (int i = 0; i < *n && !dup; i++) dup = !strcmp((*names)[i], b.data);
        if (!dup) break;
        rbk_sbuf_reset(&b);
        rbk_sbuf_printf(&b, ident ? "%s_%d" : "%s (%d)", want, k);
    }
    *names = rbk_xrealloc(*names, sizeof(char *) * (size_t)(*n + 1));
    (*names)[(*n)++] = rbk_xstrdup(b.data);
    return rbk_sbuf_detach(&b);
}

/* Writes the open step (into its section or the main text). */
static void commit_step(imp *I) {
    step_out *s = I->last;
    if (!s) return;
    flush(I, s);
    rbk_sbuf *out = I->last_in_section ? &I->sec_body : s->is_fn && I->in_section ? &I->after_sec : &I->main;
    int ind = I->last_in_section ? 2 : 0;
    if (out->len) rbk_sbuf_addc(out, '\n');
    add_desc(out, s->desc.data, ind);
    rbk_sbuf name = RBK_SBUF_INIT;
    imp_lit(&name, s->name, strlen(s->name));
    for (int i = 0; i < ind; i++) rbk_sbuf_addc(out, ' ');
    if (s->is_fn) {
        rbk_sbuf_printf(out, "fn %s() {\n", s->name);
        I->c.fns++;
    } else {
        rbk_sbuf_printf(out, "step \"%s\" {\n", name.data);
        I->c.steps++;
    }
    add_indented(out, s->body.b.data, ind + 2);
    if (s->rb.nstmts) {
        for (int i = 0; i < ind; i++) rbk_sbuf_addc(out, ' ');
        rbk_sbuf_adds(out, "} rollback {\n");
        add_indented(out, s->rb.b.data, ind + 2);
    } else if (s->rb.b.len) {
        /* comments only: kept after the body */
        for (int i = 0; i < ind + 2; i++) rbk_sbuf_addc(out, ' ');
        rbk_sbuf_adds(out, "# rollback (no statement to run):\n");
        add_indented(out, s->rb.b.data, ind + 2);
    }
    for (int i = 0; i < ind; i++) rbk_sbuf_addc(out, ' ');
    rbk_sbuf_adds(out, "}\n");
    if (I->last_in_section) I->sec_steps++;
    rbk_sbuf_free(&name);
    step_free(s);
    I->last = NULL;
}

static void close_section(imp *I) {
    commit_step(I);
    if (!I->in_section) return;
    if (I->sec_steps) {
        if (I->main.len) rbk_sbuf_addc(&I->main, '\n');
        add_desc(&I->main, I->sec_desc.data, 0);
        rbk_sbuf t = RBK_SBUF_INIT;
        imp_lit(&t, I->sec_title, strlen(I->sec_title));
        rbk_sbuf_printf(&I->main, "section \"%s\" {\n", t.data);
        rbk_sbuf_free(&t);
        rbk_sbuf_add(&I->main, I->sec_body.data, I->sec_body.len);
        rbk_sbuf_adds(&I->main, "}\n");
        I->c.sections++;
    } else if (I->sec_desc.len) {
        /* a section with no steps: its prose goes on */
        rbk_sbuf_add(&I->pending, I->sec_desc.data, I->sec_desc.len);
    }
    if (I->after_sec.len) {
        rbk_sbuf_add(&I->main, I->after_sec.data, I->after_sec.len);
        rbk_sbuf_reset(&I->after_sec);
    }
    free(I->sec_title);
    I->sec_title = NULL;
    rbk_sbuf_reset(&I->sec_desc);
    rbk_sbuf_reset(&I->sec_body);
    I->sec_steps = 0;
    I->in_section = 0;
}

/* A translated heading becomes a step (the pending prose above it). */
static void open_step(imp *I, step_out *t, int in_section) {
    commit_step(I);
    rbk_sbuf d = RBK_SBUF_INIT;
    rbk_sbuf_add(&d, I->pending.data ? I->pending.data : "", I->pending.len);
    if (d.len && t->desc.len) rbk_sbuf_addc(&d, '\n');
    rbk_sbuf_add(&d, t->desc.data ? t->desc.data : "", t->desc.len);
    rbk_sbuf_free(&t->desc);
    t->desc = d;
    rbk_sbuf_reset(&I->pending);
    if (!t->named) {
        char *name = unique_name(t->is_fn ? &I->fnames : &I->names, t->is_fn ? &I->nfnames : &I->nnames, t->name, t->is_fn);
        free(t->name);
        t->name = name;
    }
    I->last = t;
    I->last_in_section = in_section && !t->is_fn;
}

static void absorb_comments(step_out *t);
static void pending_heading(imp *I, const char *title, step_out *t) {
    if (t) absorb_comments(t);
    if (I->pending.len) rbk_sbuf_addc(&I->pending, '\n');
    rbk_sbuf_printf(&I->pending, "**%s**\n", title);
    if (t && t->desc.len) {
        rbk_sbuf_addc(&I->pending, '\n');
        rbk_sbuf_add(&I->pending, t->desc.data, t->desc.len);
    }
}

static int rollback_title(const char *t) {
    return ci_find(t, "rollback") || ci_find(t, "roll back") || ci_find(t, "rolling back") || ci_find(t, "revert") ||
           ci_find(t, "emergency") || ci_find(t, "back out") || ci_find(t, "backout");
}
static int sheet_title(const char *t) {
    return ci_find(t, "go/no-go") || ci_find(t, "go / no-go") || ci_find(t, "go-no-go") || ci_find(t, "go/nogo") ||
           ci_find(t, "sign-off sheet") || ci_find(t, "evidence sheet");
}
static int toc_title(const char *t) {
    return !strcasecmp(t, "table of contents") || !strcasecmp(t, "contents") || !strcasecmp(t, "toc");
}

/* Statements; a heading whose content left a TODO (a command not translated) counts as one: it
 * is a step for the author to finish, not prose. */
static int stmts(const step_out *s) {
    int n = s->body.nstmts + s->rb.nstmts;
    if (!n && ((s->body.b.data && strstr(s->body.b.data, "TODO(import):")) || (s->rb.b.data && strstr(s->rb.b.data, "TODO(import):")))) n = 1;
    return n;
}

/* A heading with no statements is prose: the comments its content left in the body (a command
 * kept with its TODO, a note) join its description, so nothing is lost. */
static void absorb_comments(step_out *t) {
    for (int k = 0; k < 2; k++) {
        rbk_sbuf *b = k ? &t->rb.b : &t->body.b;
        if (!b->len) continue;
        if (t->desc.len) rbk_sbuf_addc(&t->desc, '\n');
        for (const char *p = b->data; *p;) {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            const char *q = p;
            size_t qn = n;
            if (qn && *q == '#') { q++; qn--; }
            if (qn && *q == ' ') { q++; qn--; }
            rbk_sbuf_add(&t->desc, q, qn);
            rbk_sbuf_addc(&t->desc, '\n');
            p += n + (e ? 1 : 0);
        }
        rbk_sbuf_reset(b);
    }
}

/* The ordered list items at the top of [from, to), when everything else there is prose. */
static int ordered_steps(imp *I, int from, int to) {
    int items = 0;
    for (int i = from; i < to; i++) {
        const rbk_md_block *b = &I->d.b[i];
        if (b->parent >= 0) continue;
        if (b->kind == RBK_MD_ITEM) {
            if (!b->ordered || b->check) return 0;
            items++;
        } else if (b->kind != RBK_MD_PARA && b->kind != RBK_MD_QUOTE && b->kind != RBK_MD_RULE && b->kind != RBK_MD_HTML) {
            return 0;
        }
    }
    return items >= 2 ? items : 0;
}

static void run(imp *I) {
    rbk_md_doc *d = &I->d;
    /* children */
    I->first_child = rbk_xcalloc((size_t)d->n + 1, sizeof(int));
    I->next_sibling = rbk_xcalloc((size_t)d->n + 1, sizeof(int));
    int *last_child = rbk_xcalloc((size_t)d->n + 1, sizeof(int));
    for (int i = 0; i < d->n; i++) I->first_child[i] = I->next_sibling[i] = last_child[i] = -1;
    for (int i = 0; i < d->n; i++) {
        int p = d->b[i].parent;
        if (p < 0) continue;
        if (I->first_child[p] < 0) I->first_child[p] = i;
        else I->next_sibling[last_child[p]] = i;
        last_child[p] = i;
    }
    free(last_child);
}

/* The whole document; the title in *title (malloc'd). */
static void document(imp *I, char **title) {
    rbk_md_doc *d = &I->d;
    run(I);
    int th = -1;
    for (int i = 0; i < d->n; i++)
        if (d->b[i].kind == RBK_MD_HEADING) { if (d->b[i].level == 1) th = i; break; }
    int S = 7;
    for (int i = 0; i < d->n; i++)
        if (d->b[i].kind == RBK_MD_HEADING && i != th && d->b[i].level < S) S = d->b[i].level;
    *title = th >= 0 ? plain(d->b[th].text) : NULL;
    /* the preamble: before the first heading that is not the title */
    int first = th >= 0 ? th + 1 : 0;
    int h = first;
    while (h < d->n && d->b[h].kind != RBK_MD_HEADING) h++;
    {
        step_out *t = new_step(*title ? *title : "Preamble", first < d->n ? d->b[first].line : 1);
        translate_range(I, t, first, h);
        if (stmts(t)) open_step(I, t, 0);
        else {
            absorb_comments(t);
            if (t->desc.len) rbk_sbuf_add(&I->pending, t->desc.data, t->desc.len);
            step_free(t);
        }
    }
    int rb_region = 0, sheet_region = 0, toc_region = 0;
    while (h < d->n) {
        int next = h + 1;
        while (next < d->n && d->b[next].kind != RBK_MD_HEADING) next++;
        const rbk_md_block *H = &d->b[h];
        int L = H->level;
        if (rb_region && L <= rb_region) rb_region = 0;
        if (sheet_region && L <= sheet_region) { sheet_region = 0; I->sheet = 0; }
        if (toc_region && L <= toc_region) toc_region = 0;
        char *name = plain(H->text ? H->text : "");
        int subheadings = next < d->n && d->b[next].level > L;
        if (L <= S) {
            close_section(I);
            /* prose of a section that had no steps stays where it is, as a comment block (the
             * prose before the first step or section is that one's description: the introduction) */
            if (I->pending.len && I->main.len) {
                rbk_sbuf_addc(&I->main, '\n');
                add_desc(&I->main, I->pending.data, 0);
                rbk_sbuf_reset(&I->pending);
            }
        }
        if (toc_title(name)) {
            toc_region = L;
            if (I->pending.len) rbk_sbuf_addc(&I->pending, '\n');
            rbk_sbuf_printf(&I->pending, "(the table of contents is left out: the sections below are the runbook's)\n");
            free(name);
            h = next;
            continue;
        }
        if (toc_region) { free(name); h = next; continue; }
        if (sheet_title(name)) { sheet_region = L; I->sheet = 1; }
        int is_rb = rollback_title(name) || rb_region;
        if (rollback_title(name) && L <= S) rb_region = L;
        /* the heading's own content */
        step_out *t = new_step(name, H->line);
        if (is_rb && L > S && !rb_region && I->last && I->last_in_section == I->in_section) {
            /* the rollback of the step before it */
            step_out *owner = I->last;
            flush(I, owner);
            rbk_sbuf_free(&t->desc);
            step_out *tmp = t;
            translate_range(I, tmp, h + 1, next);
            if (stmts(tmp)) {
                rbk_sbuf_printf(&owner->rb.b, "# %s\n", name);
                if (tmp->desc.len) {
                    rbk_sbuf c = RBK_SBUF_INIT;
                    add_desc(&c, tmp->desc.data, 0);
                    rbk_sbuf_add(&owner->rb.b, c.data, c.len);
                    rbk_sbuf_free(&c);
                }
                if (tmp->body.b.len) rbk_sbuf_add(&owner->rb.b, tmp->body.b.data, tmp->body.b.len);
                if (tmp->rb.b.len) rbk_sbuf_add(&owner->rb.b, tmp->rb.b.data, tmp->rb.b.len);
                owner->rb.nstmts += tmp->body.nstmts + tmp->rb.nstmts;
                /* a stop-if or gate in the rollback text belongs there too */
            } else if (tmp->desc.len || tmp->body.b.len || tmp->rb.b.len) {
                absorb_comments(tmp);
                if (owner->desc.len) rbk_sbuf_addc(&owner->desc, '\n');
                rbk_sbuf_printf(&owner->desc, "**%s**\n\n", name);
                rbk_sbuf_add(&owner->desc, tmp->desc.data, tmp->desc.len);
            }
            step_free(tmp);
        } else if (is_rb) {
            translate_range(I, t, h + 1, next);
            if (stmts(t)) {
                /* no clear owner: a fn for the author to call from the right rollback block */
                rbk_sbuf fname = RBK_SBUF_INIT;
                /* rollback_ + the heading's words (ASCII letters and digits, lower case): a name
                 * that is never a keyword ("rollback" alone is one) */
                rbk_sbuf slug = RBK_SBUF_INIT;
                int us = 1;
                for (const char *p = name; *p; p++) {
                    if (isalnum((unsigned char)*p)) { rbk_sbuf_addc(&slug, (char)tolower((unsigned char)*p)); us = 0; }
                    else if (!us) { rbk_sbuf_addc(&slug, '_'); us = 1; }
                }
                while (slug.len && slug.data[slug.len - 1] == '_') slug.data[--slug.len] = 0;
                const char *rest = slug.data ? slug.data : "";
                if (!strncmp(rest, "rollback", 8) && (!rest[8] || rest[8] == '_')) rest += rest[8] ? 9 : 8;
                rbk_sbuf_printf(&fname, "rollback_%s", *rest ? rest : "procedure");
                rbk_sbuf_free(&slug);
                char *unique = unique_name(&I->fnames, &I->nfnames, fname.data, 1);
                rbk_sbuf_reset(&fname);
                rbk_sbuf_adds(&fname, unique);
                free(unique);
                free(t->name);
                t->name = rbk_sbuf_detach(&fname);
                t->is_fn = 1;
                t->named = 1;
                /* the body becomes the fn; anything it had as rollback, too */
                if (t->rb.b.len) { rbk_sbuf_add(&t->body.b, t->rb.b.data, t->rb.b.len); t->body.nstmts += t->rb.nstmts; rbk_sbuf_reset(&t->rb.b); t->rb.nstmts = 0; }
                char *todo = imp_todo(&I->c, H->line, "\"%s\" has no clear owner step: call %s() from the rollback block of the step it undoes", name, t->name);
                rbk_sbuf d2 = RBK_SBUF_INIT;
                rbk_sbuf_printf(&d2, "%s\n**%s**\n", todo, name);
                if (t->desc.len) { rbk_sbuf_addc(&d2, '\n'); rbk_sbuf_add(&d2, t->desc.data, t->desc.len); }
                rbk_sbuf_free(&t->desc);
                t->desc = d2;
                free(todo);
                open_step(I, t, 0);
                commit_step(I);
            } else {
                pending_heading(I, name, t);
                step_free(t);
            }
        } else if (L <= S) {
            /* a section: its steps are its sub-headings, or the items of its numbered list */
            int items = !subheadings && !I->sheet ? ordered_steps(I, h + 1, next) : 0;
            I->in_section = 1;
            I->sec_title = rbk_xstrdup(name);
            I->sec_line = H->line;
            rbk_sbuf_add(&I->sec_desc, I->pending.data ? I->pending.data : "", I->pending.len);
            rbk_sbuf_reset(&I->pending);
            if (items) {
                for (int i = h + 1; i < next; i++) {
                    const rbk_md_block *b = &d->b[i];
                    if (b->parent >= 0) continue;
                    if (b->kind != RBK_MD_ITEM) {
                        if (b->kind == RBK_MD_PARA || b->kind == RBK_MD_QUOTE) desc_text(&I->sec_desc, b->text);
                        continue;
                    }
                    char *iname = plain(b->text ? b->text : "");
                    size_t n = strlen(iname);
                    while (n && (iname[n - 1] == '.' || iname[n - 1] == ':')) iname[--n] = 0;
                    if (n > 80) {
                        size_t cut = 77;
                        while (cut > 40 && iname[cut] != ' ') cut--;
                        strcpy(iname + cut, "...");
                    }
                    step_out *st = new_step(iname, b->line);
                    free(iname);
                    /* the item itself: what it says to do (its sub-items, or a gate) */
                    I->item_is_step = 1;
                    list_item(I, st, i, LB_ACTION, 0);
                    I->item_is_step = 0;
                    flush(I, st);
                    if (stmts(st)) open_step(I, st, 1);
                    else {
                        /* nothing to do (declarations): the item is prose of the section */
                        absorb_comments(st);
                        if (st->desc.len) desc_text(&I->sec_desc, st->desc.data);
                        step_free(st);
                    }
                }
            } else if (subheadings) {
                translate_range(I, t, h + 1, next);
                if (stmts(t)) open_step(I, t, 1);
                else {
                    absorb_comments(t);
                    if (t->desc.len) desc_text(&I->sec_desc, t->desc.data);
                    step_free(t);
                }
                t = NULL;
            } else {
                translate_range(I, t, h + 1, next);
                /* no sub-headings: one step, outside any section */
                free(I->sec_title);
                I->sec_title = NULL;
                I->in_section = 0;
                rbk_sbuf_add(&I->pending, I->sec_desc.data ? I->sec_desc.data : "", I->sec_desc.len);
                rbk_sbuf_reset(&I->sec_desc);
                if (stmts(t)) open_step(I, t, 0);
                else {
                    pending_heading(I, name, t);
                    step_free(t);
                }
                t = NULL;
            }
            if (items) step_free(t);
        } else {
            translate_range(I, t, h + 1, next);
            if (stmts(t)) open_step(I, t, I->in_section);
            else {
                pending_heading(I, name, t);
                step_free(t);
            }
        }
        free(name);
        h = next;
    }
    close_section(I);
    commit_step(I);
}

/* ------------------------------------------------------------------ the command */
/* Whether s is UTF-8 without NUL bytes; *bad: the offset of the first bad byte. */
static int utf8_check(const char *s, size_t n, size_t *bad) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) { *bad = i; return 0; }
        if (c < 0x80) { i++; continue; }
        int k = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xC2 && c <= 0xDF ? 1 : 0;
        int ok = k > 0 && i + (size_t)k < n;
        for (int j = 1; ok && j <= k; j++) ok = ((unsigned char)s[i + (size_t)j] & 0xC0) == 0x80;
        if (ok && k >= 2) {
            unsigned char c1 = (unsigned char)s[i + 1];
            ok = !((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90));
        }
        if (!ok) { *bad = i; return 0; }
        i += (size_t)k + 1;
    }
    return 1;
}

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void free_imp(imp *I) {
    rbk_md_free(&I->d);
    free(I->first_child);
    free(I->next_sibling);
    rbk_sbuf_free(&I->main);
    rbk_sbuf_free(&I->pending);
    rbk_sbuf_free(&I->sec_desc);
    rbk_sbuf_free(&I->sec_body);
    rbk_sbuf_free(&I->after_sec);
    free(I->sec_title);
    step_free(I->last);
    for (int i = 0; i < I->nnames; i++) free(I->names[i]);
    free(I->names);
    for (int i = 0; i < I->nfnames; i++) free(I->fnames[i]);
    free(I->fnames);
    imp_ctx *c = &I->c;
    for (int i = 0; i < c->nenvs; i++) { free(c->envs[i].name); free(c->envs[i].note); }
    free(c->envs);
    for (int i = 0; i < c->nparams; i++) { free(c->params[i].name); free(c->params[i].deflt); free(c->params[i].note); }
    free(c->params);
    for (int i = 0; i < c->nconns; i++) { free(c->conns[i].var); free(c->conns[i].url); }
    free(c->conns);
    for (int i = 0; i < c->ntodos; i++) free(c->todos[i].msg);
    free(c->todos);
}

static void pct(rbk_sbuf *b, int a, int n) {
    if (!n) rbk_sbuf_adds(b, "-");
    else rbk_sbuf_printf(b, "%d%%", (int)((a * 100 + n / 2) / n));
}

/* The note of a declaration as one comment line. */
static void trailing_note(rbk_sbuf *out, const char *note) {
    if (!note || !*note) { rbk_sbuf_addc(out, '\n'); return; }
    rbk_sbuf_adds(out, "  # ");
    for (const char *p = note; *p; p++) rbk_sbuf_addc(out, *p == '\n' ? ' ' : *p);
    rbk_sbuf_addc(out, '\n');
}

int rbk_cli_import(const char *path, const char *out_path) {
    rbk_sbuf text = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    /* support/readfile.h: a regular file or a pipe (`runbook import <(curl ...)`), at most the
     * size of a runbook's sources; never a FIFO waited on, a device or a /proc file */
    if (rbk_read_file(path, RBK_READ_MAX_SOURCE, RBK_READ_PIPE, &text, &err) != RBK_READ_OK) {
        fprintf(stderr, "runbook import: %s\n", rbk_sbuf_cstr(&err));
        rbk_sbuf_free(&text);
        rbk_sbuf_free(&err);
        return 64;
    }
    rbk_sbuf_free(&err);
    size_t bad;
    if (!utf8_check(text.data ? text.data : "", text.len, &bad)) {
        int line = 1, col = 1;
        for (size_t i = 0; i < bad; i++) {
            if (text.data[i] == '\n') { line++; col = 1; }
            else if (((unsigned char)text.data[i] & 0xC0) != 0x80) col++;
        }
        fprintf(stderr, "%s:%d:%d: error: %s\n", path, line, col,
                text.data[bad] ? "the document is not UTF-8 text (an invalid byte sequence)" : "a NUL byte: the document is not text");
        rbk_sbuf_free(&text);
        return 65;
    }
    imp I;
    memset(&I, 0, sizeof I);
    I.src = base_name(path);
    I.c.src = I.src;
    rbk_md_scan(text.data ? text.data : "", text.len, &I.d);
    rbk_sbuf_free(&text);
    char *title = NULL;
    document(&I, &title);
    if (!title) {
        const char *b = I.src;
        const char *dot = strrchr(b, '.');
        title = rbk_xstrndup(b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
    }
    /* the file */
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_sbuf_printf(&out, "# Imported from %s by `runbook import`: a skeleton to finish. Each TODO(import) below\n"
                          "# marks what was not translated (%d in all); the summary on stderr lists them by line.\n",
                    I.src, I.c.ntodos);
    rbk_sbuf t = RBK_SBUF_INIT;
    imp_lit(&t, title, strlen(title));
    rbk_sbuf_printf(&out, "runbook \"%s\"\n", t.data ? t.data : "");
    rbk_sbuf_free(&t);
    if (I.c.nenvs) {
        rbk_sbuf_addc(&out, '\n');
        for (int i = 0; i < I.c.nenvs; i++) {
            imp_env *e = &I.c.envs[i];
            rbk_sbuf_printf(&out, "env %s%s%s", e->name, e->secret ? " secret" : "", e->optional ? " optional" : "");
            trailing_note(&out, e->note);
        }
    }
    if (I.c.nparams) {
        rbk_sbuf_addc(&out, '\n');
        for (int i = 0; i < I.c.nparams; i++) {
            imp_param *p = &I.c.params[i];
            if (p->deflt) rbk_sbuf_printf(&out, "param %s = %s", p->name, p->deflt);
            else rbk_sbuf_printf(&out, "param %s: string", p->name);
            trailing_note(&out, p->note);
        }
    }
    if (I.c.use_pg) rbk_sbuf_adds(&out, "\nuse \"std/pg\"\n");
    if (I.c.nconns) {
        rbk_sbuf_addc(&out, '\n');
        for (int i = 0; i < I.c.nconns; i++) rbk_sbuf_printf(&out, "let %s = sql.connect(%s)\n", I.c.conns[i].var, I.c.conns[i].url);
    }
    if (I.main.len) {
        rbk_sbuf_addc(&out, '\n');
        rbk_sbuf_add(&out, I.main.data, I.main.len);
    }
    if (I.pending.len) {
        rbk_sbuf_addc(&out, '\n');
        add_desc(&out, I.pending.data, 0);
    }
    /* check what was written, as `runbook check` would */
    const char *shown = out_path ? out_path : "<stdout>";
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *cc = rbk_compile_text(shown, out.data, out.len, &sources, &diags);
    rbk_compiler_free(cc);
    int rc = 0;
    if (out_path) {
        rbk_sbuf e = RBK_SBUF_INIT;
        if (rbk_file_write_atomic(out_path, out.data, out.len, &e) != RBK_FILE_OK) {
            fprintf(stderr, "runbook import: %s\n", rbk_sbuf_cstr(&e));
            rbk_sbuf_free(&e);
            rbk_diags_free(&diags);
            rbk_sources_free(&sources);
            rbk_sbuf_free(&out);
            free(title);
            free_imp(&I);
            return 64;
        }
        rbk_sbuf_free(&e);
    } else {
        fwrite(out.data, 1, out.len, stdout);
        fflush(stdout);
    }
    /* the summary */
    imp_ctx *c = &I.c;
    rbk_sbuf s = RBK_SBUF_INIT;
    rbk_sbuf_printf(&s, "import %s -> %s\n", path, shown);
    rbk_sbuf_printf(&s, "  %d step%s in %d section%s, %d fn%s; %d env, %d param%s\n", c->steps, c->steps == 1 ? "" : "s", c->sections,
                    c->sections == 1 ? "" : "s", c->fns, c->fns == 1 ? "" : "s", c->nenvs, c->nparams, c->nparams == 1 ? "" : "s");
    int calls = c->calls_sh + c->calls_http + c->calls_sql + c->calls_pg;
    rbk_sbuf_printf(&s, "  calls %d (shell %d, http %d, sql %d, std/pg %d), waits %d, expectations %d, gates %d (confirm %d, ask %d), stop-ifs %d\n",
                    calls, c->calls_sh, c->calls_http, c->calls_sql, c->calls_pg, c->waits, c->expects, c->confirms + c->asks,
                    c->confirms, c->asks, c->stop_ifs);
    rbk_sbuf_printf(&s, "  fenced commands: %d of %d became calls (", c->cmds_called, c->cmds);
    pct(&s, c->cmds_called, c->cmds);
    rbk_sbuf_printf(&s, "); %d set the cwd:/env: of later calls\n", c->cmds_absorbed);
    rbk_sbuf_printf(&s, "  inline commands (in lists and tables): %d of %d became calls (", c->inline_called, c->inline_cmds);
    pct(&s, c->inline_called, c->inline_cmds);
    rbk_sbuf_adds(&s, ")\n");
    rbk_sbuf_printf(&s, "  \"Expected\" lines: %d of %d became expectations (", c->expected_done, c->expected);
    pct(&s, c->expected_done, c->expected);
    rbk_sbuf_adds(&s, ")");
    if (c->expected_gated) rbk_sbuf_printf(&s, "; %d more %s checked by hand (a row of a check list: a confirm)", c->expected_gated, c->expected_gated == 1 ? "is" : "are");
    rbk_sbuf_addc(&s, '\n');
    rbk_sbuf_printf(&s, "  check: %d error%s, %d warning%s%s\n", diags.nerrors, diags.nerrors == 1 ? "" : "s", diags.nwarnings,
                    diags.nwarnings == 1 ? "" : "s", diags.nerrors ? " — a bug in the importer: please report it with the document" : "");
    rbk_sbuf_printf(&s, "  TODO %d\n", c->ntodos);
    for (int i = 1; i < c->ntodos; i++) { /* by line, in the order found for one line */
        imp_todo_item t = c->todos[i];
        int j = i;
        while (j > 0 && c->todos[j - 1].line > t.line) { c->todos[j] = c->todos[j - 1]; j--; }
        c->todos[j] = t;
    }
    for (int i = 0; i < c->ntodos; i++) rbk_sbuf_printf(&s, "    %s:%d: %s\n", path, c->todos[i].line, c->todos[i].msg);
    if (diags.nerrors) {
        rbk_sbuf r = RBK_SBUF_INIT;
        rbk_diags_sort(&diags);
        rbk_diags_render(&diags, RBK_FMT_TEXT, 0, &r);
        rbk_sbuf_add(&s, r.data ? r.data : "", r.len);
        rbk_sbuf_free(&r);
        if (!rc) rc = 70;
    }
    fwrite(s.data, 1, s.len, stderr);
    rbk_sbuf_free(&s);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    rbk_sbuf_free(&out);
    free(title);
    free_imp(&I);
    return rc;
}

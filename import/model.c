/* import/model.c — what both halves of `runbook import` share (import/imp.h): the runbook
 * string literals the output is written with, the declarations the output needs (env, param,
 * the SQL connections), the TODO list, and the text of Markdown inline markup as a reader sees
 * it (plain text, code spans).
 * Owns: imp_ctx's tables (one entry per name: the first note and line win).
 * Shares invariants with: grammar/lexer.re (what a string literal may hold: imp_lit escapes for
 * it), import/mdscan.h (the block text these helpers read). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imp_doc.h"

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
void imp_lit3_block(rbk_sbuf *b, const char *inside) {
    rbk_sbuf_adds(b, "\"\"\"\n");
    for (const char *p = inside; *p;) {
        const char *e = strchr(p, '\n');
        size_t ln = e ? (size_t)(e - p) : strlen(p);
        if (ln) rbk_sbuf_adds(b, "  ");
        rbk_sbuf_add(b, p, ln);
        rbk_sbuf_addc(b, '\n');
        p += ln + (e ? 1 : 0);
    }
    rbk_sbuf_adds(b, "\"\"\"");
}
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
                                 "wait", "file", "tcp", "sh", "exec", "confirm", "ask", "approve", "http", "sql", "pg", "db",
                                 "sort", "unique", "min", "max", "sum", "re", "time", NULL};

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
char *imp_trim_dup(const char *s, size_t n) {
    while (n && isspace((unsigned char)*s)) { s++; n--; }
    while (n && isspace((unsigned char)s[n - 1])) n--;
    return rbk_xstrndup(s, n);
}

/* The text a reader sees: **bold**, _em_, `code` markers and [link](url) targets removed, lines
 * joined by spaces. */
char *imp_plain(const char *s) {
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
    char *r = imp_trim_dup(b.data ? b.data : "", b.len);
    rbk_sbuf_free(&b);
    /* runs of spaces to one */
    char *w = r;
    for (char *q = r; *q; q++) if (!(*q == ' ' && w > r && w[-1] == ' ')) *w++ = *q;
    *w = 0;
    return r;
}

void imp_code_spans(const char *s, spans *out) {
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
void imp_spans_free(spans *s) {
    for (int i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    free(s->at);
}

int imp_is_env_name(const char *s) {
    if (!isupper((unsigned char)*s)) return 0;
    size_t n = 0;
    for (; s[n]; n++) if (!isupper((unsigned char)s[n]) && !isdigit((unsigned char)s[n]) && s[n] != '_') return 0;
    return n >= 2;
}

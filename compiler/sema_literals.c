/* compiler/sema_literals.c — the checker's reading of the string literals that are code in
 * another language: the SQL of a query (DELETE or UPDATE without WHERE), and where each
 * {expr} of a command, query, URL or pattern literal stands in it (compiler/holes.c), reported
 * at the hole. compiler/codegen.c reads the same verdicts again to choose each value's quoting.
 * Part of the checker (sema_int.h). */
#include <stdlib.h>
#include <string.h>
#include "holes.h"
#include "sema_int.h"

/* DELETE or UPDATE without WHERE in an SQL literal (docs/language.md §10), statement by statement
 * as compiler/holes.c reads them: a `;` or a WHERE in a string, a comment or a subquery does
 * not count. */
void sema_sql_no_where(sema *S, rbk_node *q) {
    rbk_piece one = {q->str, q->slen}, *pieces = &one;
    unsigned char nofmt = 0, *fmt = &nofmt;
    rbk_node **parts = NULL;
    int n = 0;
    if (q->kind == N_INTERP) n = rbk_literal_split(q, &pieces, &fmt, &parts);
    else if (!one.s) one.s = "";
    rbk_holes h;
    rbk_sql_holes(&h, pieces, n, fmt);
    for (int i = 0; i < h.nstmts; i++)
        if (h.stmts[i].no_where) {
            rbk_diag *d = WARN("sql-no-where", q, "%s without WHERE changes every row of the table",
                               h.stmts[i].no_where == 'D' ? "DELETE" : "UPDATE");
            rbk_diag_hint(d, "add a WHERE clause, or `WHERE true` if every row is meant");
        }
    rbk_holes_free(&h);
    if (q->kind == N_INTERP) {
        free(pieces);
        free(fmt);
        free(parts);
    }
}

/* The span of a hole, from its `{` (RBK_HOLE_OFF, set by the parser) to its `}`. */
static void hole_span(sema *S, rbk_node *p, uint32_t *off, uint32_t *end) {
    const rbk_source *src = S->c->sources->items[p->file];
    uint32_t e = p->b ? p->b->end : p->a->end;
    while (e < src->len && (src->text[e] == ' ' || src->text[e] == '\t')) e++;
    if (e < src->len && src->text[e] == '}') e++;
    *off = (uint32_t)RBK_HOLE_OFF(p);
    *end = e > *off ? e : p->end;
}

/* Reports the refused holes of a command or query literal (compiler/holes.c), each at its
 * `{ ... }`: "`{x}` is inside ...", with the safe spelling as the hint. */
static void report_holes(sema *S, rbk_node **parts, const rbk_holes *h, const char *rule) {
    for (int k = 0; k < h->nholes; k++) {
        if (h->holes[k].ctx >= 0) continue;
        uint32_t off, end;
        hole_span(S, parts[k], &off, &end);
        const rbk_source *src = S->c->sources->items[parts[k]->file];
        int shown = end - off <= 40 && !memchr(src->text + off, '\n', end - off);
        rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_ERROR, rule, parts[k]->file, off, end, "`%.*s` %s",
                                   shown ? (int)(end - off) : 5, shown ? src->text + off : "{...}", h->holes[k].why);
        rbk_diag_hint(d, "%s", h->holes[k].hint);
    }
}

/* The holes of an interpolated literal that is code in another language, each reported at its
 * `{ ... }` where no quoting makes its value a literal there (compiler/holes.c decides):
 *   'S' a sh() command: each {expr} must stand where its quoting is correct (docs/shell.md
 *       "Quoting interpolated values"); {x:ident} is an SQL format that a command would not
 *       quote, an error of its own;
 *   'Q' an SQL query: a bind parameter or an {x:ident} only works in SQL code, not inside a
 *       string, a quoted identifier, dollar quotes or a comment (docs/sql.md);
 *   'U' an HTTP URL: {x:ident} is an SQL format, and a value right after a `%` would complete
 *       a percent-escape (docs/http.md "Values in URLs");
 *   'R' the pattern of `s matches "..."`: a value is matched as the text it holds, except where
 *       no escaping can make it a literal (docs/language.md "Values in patterns"). */
void sema_literal_holes(sema *S, rbk_node *lit, char lang) {
    rbk_piece *pieces;
    unsigned char *fmt;
    rbk_node **parts;
    int n = rbk_literal_split(lit, &pieces, &fmt, &parts);
    rbk_holes h;
    const char *rule;
    switch (lang) {
    case 'S':
        for (int k = 0; k < n; k++)
            if (fmt[k] == RBK_HOLE_IDENT) {
                rbk_diag *d = ERR(parts[k]->b, "`{...:ident}` quotes an SQL identifier, not a shell word: in a command the value would not be shell-quoted");
                rbk_diag_hint(d, "write {x} (shell-quoted) or {x:raw} (shell code you vouch for)");
                fmt[k] = RBK_HOLE_QUOTED;
            }
        rbk_sh_holes(&h, pieces, n, fmt);
        rule = "sh-context";
        break;
    case 'Q': rbk_sql_holes(&h, pieces, n, fmt); rule = "sql-context"; break;
    case 'U': rbk_url_holes(&h, pieces, n, fmt); rule = "url-context"; break;
    default: rbk_re_holes(&h, pieces, n, fmt); rule = "regex-context"; break;
    }
    report_holes(S, parts, &h, rule);
    rbk_holes_free(&h);
    free(pieces);
    free(fmt);
    free(parts);
}

/* exec(["sh", "-c", "script {x}", ...]): the script is shell code, and exec quotes nothing,
 * so a value interpolated into it would be code. An error at the value unless it is {x:raw}
 * (docs/shell.md "exec"). */
void sema_exec_shell(sema *S, rbk_node *argv) {
    if (!argv || argv->kind != N_LIST || argv->list.n < 3) return;
    rbk_node *prog = argv->list.items[0];
    if (prog->kind != N_STRING) return;
    const char *base = strrchr(prog->str, '/');
    base = base ? base + 1 : prog->str;
    static const char *const shells[] = {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"};
    int shell = 0;
    for (size_t i = 0; i < sizeof shells / sizeof shells[0]; i++) shell |= !strcmp(base, shells[i]);
    if (!shell) return;
    for (int i = 1; i + 1 < argv->list.n; i++) {
        rbk_node *o = argv->list.items[i];
        if (o->kind != N_STRING || o->str[0] != '-' || !strchr(o->str, 'c') || strspn(o->str + 1, "abcefhiklmnpstuvxCEHPT") != o->slen - 1)
            continue;
        rbk_node *script = argv->list.items[i + 1];
        if (script->kind != N_INTERP) return;
        for (int k = 0; k < script->list.n; k++) {
            rbk_node *p = script->list.items[k];
            if (p->kind != N_INTERP_PART || (p->b && !strcmp(p->b->str, "raw"))) continue;
            uint32_t off, end;
            hole_span(S, p, &off, &end);
            rbk_diag *d = rbk_diag_add(S->c->diags, RBK_SEV_ERROR, "sh-context", p->file, off, end,
                                       "the script of `%s %s` is shell code, and exec quotes nothing: this value would be run as code",
                                       base, o->str);
            rbk_diag_hint(d, "pass it as a positional parameter, exec([\"%s\", \"%s\", \"cmd \\\"$1\\\"\", \"%s\", x]); or write "
                             "the command with sh(\"cmd {x}\"), which quotes it; or {x:raw} for shell code you vouch for",
                          prog->str, o->str, base);
        }
        return;
    }
}

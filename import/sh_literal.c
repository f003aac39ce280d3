/* import/sh_literal.c — a shell command to the literal of sh("...") for `runbook import`
 * (import/sh_int.h, docs/import.md), and a word to a plain string literal.
 *
 * Quoting (docs/shell.md). A command becomes the literal of sh("..."), where every {x} is
 * shell-quoted into one word. So a $VAR of the document becomes {env.VAR} only where the shell
 * would have expanded it into (part of) one word and a quoted word glued there means the same:
 *   - unquoted ($VAR, $VAR/path, x$VAR):           {env.VAR}
 *   - inside "...":  the double quotes are closed around it: "Bearer $T" -> "Bearer "{env.T}
 *     (and "$T" -> {env.T}), which the shell reads as the same one word;
 *   - inside '...': nothing (the shell does not expand there either);
 *   - where a quoted word would not mean the same — a here-document body, `...` backquotes,
 *     ${VAR:-default} and other parameter operations, $((arithmetic)) — the $VAR stays as
 *     written and the call passes the variable through: env: {VAR: env.VAR}, so the shell
 *     expands it itself from the declared, checked value.
 * Variables the command assigns itself (X=$(...) then $X) and the shell's own ($HOME, $1, $?)
 * stay as written. A <placeholder> becomes a required param, glued the same way.
 * Everything else in the command is copied byte for byte (escaped for the literal). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sh_int.h"

static void lit(conv *V, const char *s, size_t n) {
    if (V->triple) imp_lit3(&V->out, s, n);
    else imp_lit(&V->out, s, n);
}

static void add_pass(conv *V, const char *s, size_t n) {
    for (int i = 0; i < V->npass; i++)
        if (strlen(V->pass[i]) == n && !memcmp(V->pass[i], s, n)) return;
    if (V->npass == V->cappass) {
        V->cappass = V->cappass ? V->cappass * 2 : 4;
        V->pass = rbk_xrealloc(V->pass, sizeof(char *) * (size_t)V->cappass);
    }
    V->pass[V->npass++] = rbk_xstrndup(s, n);
    imp_env_use(V->c, s, n, V->line);
}

/* Whether $NAME (n bytes at s) reads a variable of the runbook's environment. */
static int env_var(conv *V, const char *s, size_t n) {
    return !imp_shell_own(s, n) && !imp_in_list(V->locals, s, n);
}

/* The <placeholder> at s (up to the closing >): its length, or 0. strict (unquoted): it must
 * stand where a word or a part of a URL does (not `cmd <in >out`). In quotes, where <title> may
 * be HTML, a placeholder has a - or _ or capitals in it, or is one of the names documents use. */
static size_t placeholder(const char *s, const char *start, int strict) {
    if (*s != '<' || !isalpha((unsigned char)s[1])) return 0;
    if (s > start && (s[-1] == '<' || s[-1] == '>' || isdigit((unsigned char)s[-1]) || s[-1] == '&')) return 0;
    if (strict && s > start && !strchr(" \t=/:@(,", s[-1])) return 0;
    size_t k = 1;
    int marked = 0;
    while (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '-') {
        marked |= s[k] == '_' || s[k] == '-' || isupper((unsigned char)s[k]);
        k++;
    }
    if (s[k] != '>' || k < 2) return 0;
    if (strict && s[k + 1] && !strchr(" \t/:@.);,\n\"'", s[k + 1])) return 0;
    if (!strict && !marked) {
        static const char *names[] = {"token", "host", "hostname", "password", "user", "username", "id", "sha", "commit",
                                      "version", "tag", "branch", "key", "secret", "url", "port", "region", "namespace",
                                      "cluster", "service", "app", "domain", "email", "project", "bucket", "account",
                                      "database", "db", "release", "name", "value", NULL};
        int known = 0;
        for (int i = 0; names[i] && !known; i++) known = strlen(names[i]) == k - 1 && !strncmp(s + 1, names[i], k - 1);
        if (!known) return 0;
    }
    return k + 1;
}

/* The param a <placeholder> becomes: previous-commit-hash -> previous_commit_hash. */
static const char *placeholder_param(conv *V, const char *s, size_t n) {
    rbk_sbuf b = RBK_SBUF_INIT;
    for (size_t i = 1; i + 1 < n; i++) rbk_sbuf_addc(&b, s[i] == '-' ? '_' : (char)tolower((unsigned char)s[i]));
    imp_param *p = imp_param_use(V->c, rbk_sbuf_cstr(&b), V->line);
    rbk_sbuf_free(&b);
    if (!p->note) {
        rbk_sbuf note = RBK_SBUF_INIT;
        rbk_sbuf_printf(&note, "%.*s in the document", (int)n, s);
        p->note = rbk_sbuf_detach(&note);
    }
    return p->name;
}

/* Whether a "..." or `...` is open below the innermost context ($( ) inside "...", say). */
static int quoted_below(const rbk_sbuf *st) {
    for (size_t q = 0; q + 1 < st->len; q++)
        if (st->data[q] == 'D' || st->data[q] == 'B') return 1;
    return 0;
}

/* Converts a whole command into the inside of its sh literal (see the file comment). */
void imp_convert(conv *V, const char *s) {
    size_t n = strlen(s);
    rbk_sbuf st = RBK_SBUF_INIT;
    size_t dq_open_end = (size_t)-1;   /* out.len right after a \" that opened the current "..." */
    int dq_reopen = 0;                  /* a "..." was closed around a value: reopen before text */
    size_t sq_open_end = (size_t)-1;
    int sq_reopen = 0;
    scan hd;                            /* here-documents pending at the end of the line */
    memset(&hd, 0, sizeof hd);
    size_t i = 0;
    while (i < n) {
        char t = top(&st);
        char c = s[i];
        if (c == '\n' && unquoted(t) && hd.nhd) {
            /* here-document bodies: as written; $NAME in an unquoted one is passed through */
            lit(V, "\n", 1);
            i++;
            for (int h = 0; h < hd.nhd; h++) {
                while (i < n) {
                    const char *e = memchr(s + i, '\n', n - i);
                    size_t ln = e ? (size_t)(e - (s + i)) : n - i;
                    const char *m = s + i;
                    size_t mn = ln;
                    if (hd.hd[h].strip_tabs) while (mn && *m == '\t') { m++; mn--; }
                    if (!hd.hd[h].quoted) {
                        for (size_t k = 0; k < ln; k++) {
                            if (s[i + k] == '\\') { k++; continue; }
                            if (s[i + k] != '$') continue;
                            size_t a = k + 1 + (s[i + k + 1] == '{');
                            size_t b = a;
                            while (b < ln && name_char((unsigned char)s[i + b])) b++;
                            if (b > a && name_start((unsigned char)s[i + a]) && env_var(V, s + i + a, b - a)) add_pass(V, s + i + a, b - a);
                        }
                    }
                    lit(V, s + i, ln);
                    i += ln;
                    int end = strlen(hd.hd[h].delim) == mn && !memcmp(m, hd.hd[h].delim, mn);
                    if (i < n) { lit(V, "\n", 1); i++; }
                    if (end) break;
                }
            }
            for (int h = 0; h < hd.nhd; h++) free(hd.hd[h].delim);
            hd.nhd = 0;
            continue;
        }
        if (t == 'S') {
            if (c == '\'') {
                pop(&st);
                if (sq_reopen) { sq_reopen = 0; i++; continue; } /* the quotes would be empty */
            } else if (sq_reopen) {
                lit(V, "'", 1);
                sq_reopen = 0;
            }
            size_t ph = c == '<' ? placeholder(s + i, s, 0) : 0;
            if (ph && (V->pass_all || quoted_below(&st))) { V->placeholder_left = 1; ph = 0; }
            if (ph) {
                const char *p = placeholder_param(V, s + i, ph);
                if (V->out.len == sq_open_end) { V->out.len--; V->out.data[V->out.len] = 0; }
                else lit(V, "'", 1);
                rbk_sbuf_printf(&V->out, "{%s}", p);
                sq_reopen = 1;
                i += ph;
                continue;
            }
            lit(V, &c, 1);
            i++;
            continue;
        }
        /* a comment (# at the start of a word, outside quotes): as written to the end of the
         * line — a value is never put in a comment, which its newline would end */
        if (c == '#' && unquoted(t) && t != 'C' && t != 'A' && (i == 0 || strchr(" \t\n;|&()", s[i - 1]))) {
            const char *e = memchr(s + i, '\n', n - i);
            size_t ln = e ? (size_t)(e - (s + i)) : n - i;
            lit(V, s + i, ln);
            i += ln;
            continue;
        }
        if (t == 'D' && dq_reopen && c != '"') {
            lit(V, "\"", 1);
            dq_reopen = 0;
            dq_open_end = (size_t)-1;
        }
        if (c == '\\' && i + 1 < n) {
            lit(V, s + i, 2);
            i += 2;
            continue;
        }
        if (t == 'D' && c == '"') {
            pop(&st);
            if (dq_reopen) { dq_reopen = 0; i++; continue; }
            lit(V, "\"", 1);
            i++;
            continue;
        }
        if (unquoted(t) && c == '\'') {
            push(&st, 'S');
            lit(V, "'", 1);
            sq_open_end = V->out.len;
            i++;
            continue;
        }
        if (unquoted(t) && c == '"') {
            push(&st, 'D');
            lit(V, "\"", 1);
            dq_open_end = V->out.len;
            i++;
            continue;
        }
        if (c == '`') {
            if (t == 'B') pop(&st);
            else push(&st, 'B');
            lit(V, "`", 1);
            i++;
            continue;
        }
        if (c == '$') {
            char d = i + 1 < n ? s[i + 1] : 0;
            if (d == '(' && i + 2 < n && s[i + 2] == '(') { push(&st, 'A'); lit(V, "$((", 3); i += 3; continue; }
            if (d == '(') { push(&st, 'P'); lit(V, "$(", 2); i += 2; continue; }
            size_t a = i + 1, b;
            int braced = d == '{';
            if (braced) a++;
            b = a;
            while (b < n && name_char((unsigned char)s[b])) b++;
            int simple = b > a && name_start((unsigned char)s[a]) && (!braced || (b < n && s[b] == '}'));
            if (braced && !simple) {
                /* ${NAME op ...}: the shell evaluates it; NAME passed through */
                if (b > a && name_start((unsigned char)s[a]) && env_var(V, s + a, b - a)) add_pass(V, s + a, b - a);
                push(&st, 'C');
                lit(V, "${", 2);
                i += 2;
                continue;
            }
            if (!simple || !env_var(V, s + a, b - a)) {
                lit(V, "$", 1);
                i++;
                continue;
            }
            size_t end = braced ? b + 1 : b;
            /* passed through: where a quoted word would not be one word of the shell's (`...`,
             * ${...}, $((...))), and inside a $( ) that is itself inside "..." — correct there,
             * but a value is never written where a reader (or a checker) may see double quotes */
            if (V->pass_all || t == 'B' || t == 'C' || t == 'A' || quoted_below(&st)) {
                add_pass(V, s + a, b - a);
                lit(V, s + i, end - i);
                i = end;
                continue;
            }
            imp_env_use(V->c, s + a, b - a, V->line);
            if (t == 'D') {
                if (V->out.len == dq_open_end) { V->out.len -= 2; V->out.data[V->out.len] = 0; } /* drop the empty "" */
                else lit(V, "\"", 1);
                dq_reopen = 1;
            }
            rbk_sbuf_printf(&V->out, "{env.%.*s}", (int)(b - a), s + a);
            i = end;
            continue;
        }
        if (c == '}' && t == 'C') { pop(&st); lit(V, "}", 1); i++; continue; }
        if (unquoted(t) && c == '(') { push(&st, 'P'); lit(V, "(", 1); i++; continue; }
        if (unquoted(t) && c == ')') {
            if (t == 'A' && i + 1 < n && s[i + 1] == ')') { pop(&st); lit(V, "))", 2); i += 2; continue; }
            if (t == 'P') pop(&st);
            lit(V, ")", 1);
            i++;
            continue;
        }
        if (unquoted(t) && c == '<' && i + 2 < n && s[i + 1] == '<' && s[i + 2] == '<') {
            lit(V, "<<<", 3);
            i += 3;
            continue;
        }
        if (unquoted(t) && c == '<' && i + 1 < n && s[i + 1] == '<') {
            size_t e = imp_heredoc_op(&hd, s, n, i);
            lit(V, s + i, e - i);
            i = e;
            continue;
        }
        if (c == '<' && (t == 'D' || unquoted(t))) {
            size_t ph = placeholder(s + i, s, t != 'D');
            if (ph && (V->pass_all || t == 'B' || t == 'C' || t == 'A' || quoted_below(&st))) { V->placeholder_left = 1; ph = 0; }
            if (ph) {
                const char *p = placeholder_param(V, s + i, ph);
                if (t == 'D') {
                    if (V->out.len == dq_open_end) { V->out.len -= 2; V->out.data[V->out.len] = 0; }
                    else lit(V, "\"", 1);
                    dq_reopen = 1;
                }
                rbk_sbuf_printf(&V->out, "{%s}", p);
                i += ph;
                continue;
            }
        }
        lit(V, &c, 1);
        i++;
    }
    if (dq_reopen) lit(V, "\"", 1);  /* an unterminated "...": as written */
    if (sq_reopen) lit(V, "'", 1);
    for (int h = 0; h < hd.nhd; h++) free(hd.hd[h].delim);
    free(hd.hd);
    rbk_sbuf_free(&st);
}

/* Whether the command has a here-document (<<WORD, not <<< ). */
int imp_has_heredoc(const char *c) {
    for (const char *p = c; (p = strstr(p, "<<")) != NULL; p += 2)
        if (p[2] != '<' && (p == c || p[-1] != '<')) return 1;
    return 0;
}

/* Syntax of bash that /bin/sh (dash on Debian) refuses or reads otherwise: the command is then run
 * by bash. A false alarm costs only that (bash runs POSIX sh as written). */
const char *imp_bashism(const char *c) {
    static const char *marks[][2] = {{"<<<", "<<< here-strings"}, {"[[", "[[ ]] tests"}, {"$'", "$'...' strings"},
                                      {"<(", "<( ) process substitution"}, {">(", ">( ) process substitution"},
                                      {"&>", "&> redirection"}, {"|&", "|& pipes"}, {"pipefail", "set -o pipefail"},
                                      {"declare -", "declare"}, {"source ", "source"}, {"function ", "function"}};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strstr(c, marks[i][0])) return marks[i][1];
    for (const char *p = c; *p; p++) {
        if (*p == '=' && p[1] == '(' && p > c && name_char((unsigned char)p[-1])) return "arrays";
        if (*p == '$' && p[1] == '{') {
            const char *q = p + 2;
            while (name_char((unsigned char)*q)) q++;
            if ((q[0] == '/' ) || (q[0] == ':' && isdigit((unsigned char)q[1])) || (q[0] == '^') || (q[0] == ',')) return "${...} substitutions";
        }
        if (*p == '{' && (p == c || p[-1] != '$')) { /* brace expansion: {a,b} {1..3} */
            const char *q = p + 1;
            int sep = 0;
            while (*q && *q != '}' && *q != '{' && *q != ' ' && *q != '\n' && *q != '"' && *q != '\'') {
                if (*q == ',' || (q[0] == '.' && q[1] == '.')) sep = 1;
                q++;
            }
            if (*q == '}' && sep) return "{a,b} brace expansion";
        }
    }
    return NULL;
}

/* A word (quotes removed) as the inside of a plain string literal (not a command: no shell
 * quoting applies), $VAR as {env.VAR}, <placeholder> as {param}. NULL when it holds anything
 * else the shell would expand ($(...), `...`, ${X:-y}, $1, a variable the command sets). */
char *imp_word_string(conv *V, const char *raw) {
    rbk_sbuf out = RBK_SBUF_INIT;
    size_t n = strlen(raw), i = 0;
    char q = 0;
    while (i < n) {
        char c = raw[i];
        if (q == '\'') {
            if (c == '\'') { q = 0; i++; continue; }
            size_t ph = c == '<' ? placeholder(raw + i, raw, 0) : 0;
            if (ph) { rbk_sbuf_printf(&out, "{%s}", placeholder_param(V, raw + i, ph)); i += ph; continue; }
            imp_lit(&out, &c, 1);
            i++;
            continue;
        }
        if (c == '\'' && !q) { q = '\''; i++; continue; }
        if (c == '"') { q = q ? 0 : '"'; i++; continue; }
        if (c == '\\' && i + 1 < n) {
            if (q == '"' && !strchr("$`\"\\", raw[i + 1])) imp_lit(&out, &c, 1);
            imp_lit(&out, raw + i + 1, 1);
            i += 2;
            continue;
        }
        if (c == '`') goto fail;
        if (c == '$') {
            size_t a = i + 1, b;
            int braced = raw[a] == '{';
            if (braced) a++;
            b = a;
            while (b < n && name_char((unsigned char)raw[b])) b++;
            if (b == a || !name_start((unsigned char)raw[a]) || (braced && raw[b] != '}')) {
                if (b == a && !braced && (!raw[a] || strchr(" \t/:.-,", raw[a]))) { imp_lit(&out, "$", 1); i++; continue; }
                goto fail;
            }
            if (!env_var(V, raw + a, b - a)) goto fail;
            imp_env_use(V->c, raw + a, b - a, V->line);
            rbk_sbuf_printf(&out, "{env.%.*s}", (int)(b - a), raw + a);
            i = braced ? b + 1 : b;
            continue;
        }
        size_t ph = c == '<' ? placeholder(raw + i, raw, 0) : 0;
        if (ph) { rbk_sbuf_printf(&out, "{%s}", placeholder_param(V, raw + i, ph)); i += ph; continue; }
        imp_lit(&out, &c, 1);
        i++;
    }
    if (!out.data) rbk_sbuf_adds(&out, "");
    return rbk_sbuf_detach(&out);
fail:
    rbk_sbuf_free(&out);
    return NULL;
}

/* cli/import_sh.c — the shell half of `runbook import` (cli/import.h, docs/import.md): a fenced
 * block's lines to whole commands, and a command to a call.
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
#include "import.h"

/* ------------------------------------------------------------------ contexts */
/* The stack of open quoting contexts: S '...', D "...", P $( ) or ( ), B `...`, C ${...},
 * A $(( )). An rbk_sbuf used as a stack of bytes: no depth limit. */
static char top(const rbk_sbuf *st) { return st->len ? st->data[st->len - 1] : 0; }
static void push(rbk_sbuf *st, char c) { rbk_sbuf_addc(st, c); }
static void pop(rbk_sbuf *st) { if (st->len) st->data[--st->len] = 0; }
static int unquoted(char t) { return t == 0 || t == 'P' || t == 'B' || t == 'C' || t == 'A'; }
static int name_start(int c) { return isalpha(c) || c == '_'; }
static int name_char(int c) { return isalnum(c) || c == '_'; }

typedef struct heredoc {
    char *delim;
    int strip_tabs, quoted;
} heredoc;

typedef struct scan {
    rbk_sbuf st;
    int kw;              /* open if/case/for/while/until/{ */
    int cont;            /* the line ended with \ or an operator */
    heredoc *hd; int nhd, caphd;
} scan;

static void scan_free(scan *S) {
    rbk_sbuf_free(&S->st);
    for (int i = 0; i < S->nhd; i++) free(S->hd[i].delim);
    free(S->hd);
    memset(S, 0, sizeof *S);
}

/* The here-document operator at s[i] ("<<" not "<<<"): registers its delimiter, returns the
 * index after it. */
static size_t heredoc_op(scan *S, const char *s, size_t n, size_t i) {
    i += 2;
    int strip = 0;
    if (i < n && s[i] == '-') { strip = 1; i++; }
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    rbk_sbuf d = RBK_SBUF_INIT;
    int quoted = 0;
    while (i < n && !strchr(" \t\n;|&<>()", s[i])) {
        if (s[i] == '\'' || s[i] == '"') {
            char q = s[i++];
            quoted = 1;
            while (i < n && s[i] != q) rbk_sbuf_addc(&d, s[i++]);
            if (i < n) i++;
        } else if (s[i] == '\\' && i + 1 < n) {
            quoted = 1;
            rbk_sbuf_addc(&d, s[i + 1]);
            i += 2;
        } else {
            rbk_sbuf_addc(&d, s[i++]);
        }
    }
    if (d.len) {
        if (S->nhd == S->caphd) {
            S->caphd = S->caphd ? S->caphd * 2 : 4;
            S->hd = rbk_xrealloc(S->hd, sizeof(heredoc) * (size_t)S->caphd);
        }
        S->hd[S->nhd].delim = rbk_sbuf_detach(&d);
        S->hd[S->nhd].strip_tabs = strip;
        S->hd[S->nhd].quoted = quoted;
        S->nhd++;
    }
    rbk_sbuf_free(&d);
    return i;
}

static int is_word(const char *s, size_t n, const char *w) { return strlen(w) == n && !memcmp(s, w, n); }

/* Reads one line of a command, updating the contexts. Returns the offset of a comment that
 * starts outside every context (its text is dropped from the command), or n. */
static size_t scan_line(scan *S, const char *s, size_t n) {
    int cmdpos = 1;
    size_t word_at = (size_t)-1;
    size_t comment = n;
    S->cont = 0;
    for (size_t i = 0; i <= n; i++) {
        char t = top(&S->st);
        char c = i < n ? s[i] : '\n';
        /* a word ends: keywords that open and close compound commands */
        if (word_at != (size_t)-1 && (i == n || strchr(" \t;|&()<>", c))) {
            const char *w = s + word_at;
            size_t wn = i - word_at;
            if (cmdpos) {
                if (is_word(w, wn, "if") || is_word(w, wn, "case") || is_word(w, wn, "for") || is_word(w, wn, "while") ||
                    is_word(w, wn, "until") || is_word(w, wn, "select") || is_word(w, wn, "{"))
                    S->kw++;
                else if (is_word(w, wn, "fi") || is_word(w, wn, "esac") || is_word(w, wn, "done") || is_word(w, wn, "}"))
                    S->kw--;
                cmdpos = is_word(w, wn, "then") || is_word(w, wn, "do") || is_word(w, wn, "else") || is_word(w, wn, "elif") ||
                         is_word(w, wn, "!") || is_word(w, wn, "{") || is_word(w, wn, "if") || is_word(w, wn, "while") ||
                         is_word(w, wn, "until") || is_word(w, wn, "time");
            }
            word_at = (size_t)-1;
        }
        if (i == n) break;
        if (t == 'S') {
            if (c == '\'') pop(&S->st);
            continue;
        }
        if (t == 'D') {
            if (c == '\\') i++;
            else if (c == '"') pop(&S->st);
            else if (c == '`') push(&S->st, 'B');
            else if (c == '$' && i + 2 < n && s[i + 1] == '(' && s[i + 2] == '(') { push(&S->st, 'A'); i += 2; }
            else if (c == '$' && i + 1 < n && s[i + 1] == '(') { push(&S->st, 'P'); i++; }
            else if (c == '$' && i + 1 < n && s[i + 1] == '{') { push(&S->st, 'C'); i++; }
            continue;
        }
        /* unquoted, or inside $( ), ( ), ` `, ${ }, $(( )) */
        if (c == ' ' || c == '\t') continue;
        if (c == '#' && word_at == (size_t)-1 && (i == 0 || strchr(" \t;|&()", s[i - 1]))) {
            if (t == 0) comment = i;
            break;
        }
        if (c == '\\') {
            if (i + 1 == n) { S->cont = 1; break; }
            if (word_at == (size_t)-1) word_at = i;
            i++;
            continue;
        }
        if (c == '\'') { push(&S->st, 'S'); if (word_at == (size_t)-1) word_at = i; cmdpos = 0; continue; }
        if (c == '"') { push(&S->st, 'D'); if (word_at == (size_t)-1) word_at = i; cmdpos = 0; continue; }
        if (c == '`') {
            if (t == 'B') pop(&S->st);
            else push(&S->st, 'B');
            continue;
        }
        if (c == '$' && i + 2 < n && s[i + 1] == '(' && s[i + 2] == '(') { push(&S->st, 'A'); i += 2; cmdpos = 0; continue; }
        if (c == '$' && i + 1 < n && s[i + 1] == '(') { push(&S->st, 'P'); i++; cmdpos = 0; continue; }
        if (c == '$' && i + 1 < n && s[i + 1] == '{') { push(&S->st, 'C'); i++; cmdpos = 0; continue; }
        if (c == '(') { push(&S->st, 'P'); cmdpos = 1; continue; }
        if (c == ')') {
            if (t == 'A' && i + 1 < n && s[i + 1] == ')') { pop(&S->st); i++; }
            else if (t == 'P') pop(&S->st);
            continue;
        }
        if (c == '}' && t == 'C') { pop(&S->st); continue; }
        if (c == '<' && i + 2 < n && s[i + 1] == '<' && s[i + 2] == '<') { i += 2; continue; } /* a here-string */
        if (c == '<' && i + 1 < n && s[i + 1] == '<') {
            i = heredoc_op(S, s, n, i) - 1;
            continue;
        }
        if (c == ';' || c == '&' || c == '|') { cmdpos = 1; continue; }
        if (c == '<' || c == '>') continue;
        if (word_at == (size_t)-1) word_at = i;
    }
    /* a line that ends with | && || continues */
    size_t e = comment;
    while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    if (unquoted(top(&S->st)) && e > 0 && !S->cont) {
        if (s[e - 1] == '|' || (e >= 2 && s[e - 1] == '&' && s[e - 2] == '&')) S->cont = 1;
    }
    return comment;
}

static imp_sh_item *add_item(imp_sh_item **items, int *n, int *cap) {
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *items = rbk_xrealloc(*items, sizeof(imp_sh_item) * (size_t)*cap);
    }
    imp_sh_item *it = &(*items)[(*n)++];
    memset(it, 0, sizeof *it);
    return it;
}

static void trim_right(rbk_sbuf *b) {
    while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t')) b->data[--b->len] = 0;
}

/* "# Expected output:", "# Expected response:", "# Output:" — a label whose lines follow. */
static int output_label(const char *c) {
    size_t n = strlen(c);
    while (n && (c[n - 1] == ' ' || c[n - 1] == '*')) n--;
    if (!n || c[n - 1] != ':') return 0;
    return !strncasecmp(c, "expected", 8) || !strncasecmp(c, "expect ", 7) || !strncasecmp(c, "output", 6) ||
           !strncasecmp(c, "result", 6) || !strncasecmp(c, "response", 8);
}

int imp_sh_split(const rbk_md_line *lines, int n, imp_sh_item **out) {
    imp_sh_item *items = NULL;
    int nitems = 0, cap = 0;
    int i = 0;
    int after_label = 0;   /* the lines after "# Expected output:" up to a blank line are output */
    while (i < n) {
        const char *l = lines[i].text;
        size_t k = 0;
        while (l[k] == ' ' || l[k] == '\t') k++;
        if (!l[k]) {
            add_item(&items, &nitems, &cap)->kind = IMP_SH_BLANK;
            items[nitems - 1].line = items[nitems - 1].last_line = lines[i].line;
            after_label = 0;
            i++;
            continue;
        }
        if (after_label && l[k] != '#') {
            imp_sh_item *it = add_item(&items, &nitems, &cap);
            it->kind = IMP_SH_OUTPUT;
            it->text = rbk_xstrdup(l);
            it->line = it->last_line = lines[i].line;
            i++;
            continue;
        }
        if (l[k] == '#') {
            imp_sh_item *it = add_item(&items, &nitems, &cap);
            it->kind = IMP_SH_COMMENT;
            const char *c = l + k + 1;
            if (*c == ' ') c++;
            it->text = rbk_xstrdup(c);
            size_t m = strlen(it->text);
            while (m && (it->text[m - 1] == ' ' || it->text[m - 1] == '\t')) it->text[--m] = 0;
            it->line = it->last_line = lines[i].line;
            after_label = output_label(it->text);
            i++;
            continue;
        }
        /* a command: lines until it is complete, then its here-documents */
        scan S;
        memset(&S, 0, sizeof S);
        rbk_sbuf cmd = RBK_SBUF_INIT, note = RBK_SBUF_INIT;
        int first = lines[i].line, last = first;
        int start = 1;
        while (i < n) {
            const char *t = lines[i].text + (start ? k : 0);
            size_t tn = strlen(t);
            int hd_before = S.nhd;
            size_t cm = scan_line(&S, t, tn);
            if (!start) rbk_sbuf_addc(&cmd, '\n');
            rbk_sbuf_add(&cmd, t, cm);
            if (cm < tn) {
                trim_right(&cmd);
                const char *c = t + cm + 1;
                while (*c == ' ') c++;
                if (*c) {
                    if (note.len) rbk_sbuf_adds(&note, "; ");
                    rbk_sbuf_adds(&note, c);
                    trim_right(&note);
                }
            }
            last = lines[i].line;
            start = 0;
            i++;
            /* here-document bodies follow the line that opened them */
            for (int h = hd_before; h < S.nhd; h++) {
                while (i < n) {
                    const char *b = lines[i].text;
                    rbk_sbuf_addc(&cmd, '\n');
                    rbk_sbuf_adds(&cmd, b);
                    last = lines[i].line;
                    i++;
                    const char *m = b;
                    if (S.hd[h].strip_tabs)
                        while (*m == '\t') m++;
                    if (!strcmp(m, S.hd[h].delim)) break;
                }
            }
            if (!S.st.len && S.kw <= 0 && !S.cont) break;
        }
        scan_free(&S);
        trim_right(&cmd);
        imp_sh_item *it = add_item(&items, &nitems, &cap);
        it->kind = IMP_SH_CMD;
        it->text = rbk_sbuf_detach(&cmd);
        if (!it->text) it->text = rbk_xstrdup("");
        it->note = note.len ? rbk_sbuf_detach(&note) : NULL;
        rbk_sbuf_free(&note);
        it->line = first;
        it->last_line = last;
    }
    *out = items;
    return nitems;
}

void imp_sh_items_free(imp_sh_item *items, int n) {
    for (int i = 0; i < n; i++) { free(items[i].text); free(items[i].note); }
    free(items);
}

/* ------------------------------------------------------------------ words */
typedef struct word {
    int op;              /* an operator: | || && ; & > >> < << <<< 2> &> ( ) */
    char *raw;           /* as written */
    char *val;           /* quote removal done; NULL when it has an expansion ($, `) */
    int dollar;          /* holds $ or ` outside single quotes */
} word;

typedef struct words { word *w; int n, cap; } words;

static void words_free(words *W) {
    for (int i = 0; i < W->n; i++) { free(W->w[i].raw); free(W->w[i].val); }
    free(W->w);
    memset(W, 0, sizeof *W);
}

static word *add_word(words *W) {
    if (W->n == W->cap) {
        W->cap = W->cap ? W->cap * 2 : 16;
        W->w = rbk_xrealloc(W->w, sizeof(word) * (size_t)W->cap);
    }
    word *w = &W->w[W->n++];
    memset(w, 0, sizeof *w);
    return w;
}

/* Splits a one-line command (no here-documents) into words and operators. A newline that is
 * not inside quotes is an operator ';'. */
static void split_words(const char *s, words *W) {
    size_t n = strlen(s), i = 0;
    while (i < n) {
        char c = s[i];
        if (c == ' ' || c == '\t') { i++; continue; }
        if (c == '\\' && i + 1 < n && s[i + 1] == '\n') { i += 2; continue; }
        if (c == '\n') { word *w = add_word(W); w->op = 1; w->raw = rbk_xstrdup(";"); i++; continue; }
        static const char *ops[] = {"&>>", "<<<", "2>&1", ">&2", "2>>", "&&", "||", ">>", "<<", "2>", "&>", "|", ";", "&", ">", "<", "(", ")"};
        int matched = 0;
        for (size_t k = 0; k < sizeof ops / sizeof *ops; k++) {
            size_t L = strlen(ops[k]);
            if (i + L <= n && !memcmp(s + i, ops[k], L)) {
                /* "2>" only as a word of its own */
                if (ops[k][0] == '2' && i > 0 && !strchr(" \t", s[i - 1])) continue;
                word *w = add_word(W);
                w->op = 1;
                w->raw = rbk_xstrdup(ops[k]);
                i += L;
                matched = 1;
                break;
            }
        }
        if (matched) continue;
        rbk_sbuf raw = RBK_SBUF_INIT, val = RBK_SBUF_INIT;
        int dollar = 0;
        rbk_sbuf st = RBK_SBUF_INIT;
        while (i < n) {
            char t = top(&st);
            c = s[i];
            if (!t && (strchr(" \t\n;|&<>()", c))) break;
            if (t == 'S') {
                if (c == '\'') pop(&st);
                else rbk_sbuf_addc(&val, c);
                rbk_sbuf_addc(&raw, c);
                i++;
                continue;
            }
            if (c == '\\' && i + 1 < n) {
                rbk_sbuf_addc(&raw, c);
                rbk_sbuf_addc(&raw, s[i + 1]);
                if (t == 'D' && !strchr("$`\"\\\n", s[i + 1])) rbk_sbuf_addc(&val, c);
                if (s[i + 1] != '\n') rbk_sbuf_addc(&val, s[i + 1]);
                i += 2;
                continue;
            }
            if (c == '$' || c == '`') {
                /* a lone $ before nothing nameish is literal */
                char d = i + 1 < n ? s[i + 1] : 0;
                if (c == '`' || name_start((unsigned char)d) || (d && strchr("{(@*#?$!-0123456789", d))) dollar = 1;
            }
            if (t == 'D') {
                if (c == '"') pop(&st);
                else rbk_sbuf_addc(&val, c);
                if (c == '$' && i + 1 < n && (s[i + 1] == '(' || s[i + 1] == '{')) {
                    /* skip to the matching close, quotes and all: it is an expansion */
                    char open = s[i + 1], close = open == '(' ? ')' : '}';
                    int depth = 0;
                    rbk_sbuf_addc(&raw, c);
                    i++;
                    while (i < n) {
                        if (s[i] == open) depth++;
                        else if (s[i] == close && --depth == 0) break;
                        rbk_sbuf_addc(&raw, s[i]);
                        i++;
                    }
                    if (i < n) { rbk_sbuf_addc(&raw, s[i]); i++; }
                    continue;
                }
                rbk_sbuf_addc(&raw, c);
                i++;
                continue;
            }
            if (c == '\'') { push(&st, 'S'); rbk_sbuf_addc(&raw, c); i++; continue; }
            if (c == '"') { push(&st, 'D'); rbk_sbuf_addc(&raw, c); i++; continue; }
            if (c == '$' && i + 1 < n && (s[i + 1] == '(' || s[i + 1] == '{')) {
                char open = s[i + 1], close = open == '(' ? ')' : '}';
                int depth = 0;
                rbk_sbuf_addc(&raw, c);
                i++;
                while (i < n) {
                    if (s[i] == open) depth++;
                    else if (s[i] == close && --depth == 0) break;
                    rbk_sbuf_addc(&raw, s[i]);
                    i++;
                }
                if (i < n) { rbk_sbuf_addc(&raw, s[i]); i++; }
                continue;
            }
            rbk_sbuf_addc(&raw, c);
            rbk_sbuf_addc(&val, c);
            i++;
        }
        rbk_sbuf_free(&st);
        word *w = add_word(W);
        w->raw = rbk_sbuf_detach(&raw);
        if (!w->raw) w->raw = rbk_xstrdup("");
        w->dollar = dollar;
        w->val = dollar ? NULL : rbk_sbuf_detach(&val);
        if (!dollar && !w->val) w->val = rbk_xstrdup("");
        rbk_sbuf_free(&val);
    }
}

/* ------------------------------------------------------------------ names */
/* Variables the shell sets itself or every login has: they stay $NAME. */
static int shell_own(const char *s, size_t n) {
    static const char *own[] = {"HOME", "USER", "LOGNAME", "PATH", "PWD", "OLDPWD", "SHELL", "TERM", "LANG", "HOSTNAME",
                                "UID", "EUID", "RANDOM", "LINENO", "SECONDS", "IFS", "PPID", "BASH_SOURCE", "BASH",
                                "TMPDIR", "EDITOR", "PAGER", "REPLY", "OPTARG", "OPTIND", "PS1", "PS2", NULL};
    for (int i = 0; own[i]; i++)
        if (strlen(own[i]) == n && !memcmp(own[i], s, n)) return 1;
    return 0;
}

/* " NAME NAME2 " for NAME=..., export/local/declare/readonly NAME, read NAME, for NAME in */
char *imp_sh_assigned(const char *cmd) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_addc(&b, ' ');
    const char *p = cmd;
    int cmdpos = 1;
    while (*p) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        const char *w = p;
        while (*p && !strchr(" \t\n;|&()", *p)) {
            if (*p == '\'' || *p == '"') {
                char q = *p++;
                while (*p && *p != q) { if (q == '"' && *p == '\\' && p[1]) p++; p++; }
                if (*p) p++;
            } else p++;
        }
        size_t wn = (size_t)(p - w);
        if (wn && cmdpos && name_start((unsigned char)*w)) {
            size_t k = 0;
            while (k < wn && name_char((unsigned char)w[k])) k++;
            if (k < wn && w[k] == '=') {
                rbk_sbuf_add(&b, w, k);
                rbk_sbuf_addc(&b, ' ');
                continue; /* still at a command position: X=1 Y=2 cmd */
            }
            if (is_word(w, wn, "export") || is_word(w, wn, "local") || is_word(w, wn, "declare") || is_word(w, wn, "readonly") ||
                is_word(w, wn, "read") || is_word(w, wn, "for") || is_word(w, wn, "typeset")) {
                int is_for = is_word(w, wn, "for");
                /* the names that follow (options skipped) */
                while (*p && *p != '\n' && *p != ';' && *p != '|' && *p != '&') {
                    while (*p == ' ' || *p == '\t') p++;
                    const char *a = p;
                    while (*p && !strchr(" \t\n;|&=", *p)) p++;
                    size_t an = (size_t)(p - a);
                    if (an && name_start((unsigned char)*a)) {
                        size_t k2 = 0;
                        while (k2 < an && name_char((unsigned char)a[k2])) k2++;
                        if (k2 == an) { rbk_sbuf_add(&b, a, an); rbk_sbuf_addc(&b, ' '); }
                    }
                    if (*p == '=') { /* skip the value */
                        p++;
                        while (*p && !strchr(" \t\n;|&", *p)) {
                            if (*p == '\'' || *p == '"') {
                                char q = *p++;
                                while (*p && *p != q) p++;
                                if (*p) p++;
                            } else p++;
                        }
                    }
                    if (is_for) break; /* for NAME in ... */
                    if (!an && !*p) break;
                    if (!an && *p != '=') { if (*p && !strchr("\n;|&", *p)) p++; }
                }
                cmdpos = 0;
                continue;
            }
        }
        cmdpos = 0;
        if (*p == ';' || *p == '|' || *p == '&' || *p == '\n' || *p == '(' || *p == ')') {
            p++;
            cmdpos = 1;
        } else if (wn && (is_word(w, wn, "then") || is_word(w, wn, "do") || is_word(w, wn, "else") || is_word(w, wn, "if") ||
                          is_word(w, wn, "while") || is_word(w, wn, "!"))) {
            cmdpos = 1;
        } else if (*p == '$' && p[1] == '(') {
            p++;
        }
    }
    return rbk_sbuf_detach(&b);
}

int imp_sh_reads(const char *cmd, const char *name) {
    size_t n = strlen(name);
    int dq = 0;
    for (const char *p = cmd; *p; p++) {
        if (*p == '\\' && p[1]) { p++; continue; }
        if (*p == '"') { dq = !dq; continue; }
        if (*p == '\'' && !dq) { /* single quotes outside double quotes: nothing expands */
            const char *e = strchr(p + 1, '\'');
            if (!e) return 0;
            p = e;
            continue;
        }
        if (*p != '$') continue;
        const char *a = p + 1;
        if (*a == '{') a++;
        if (!strncmp(a, name, n) && !name_char((unsigned char)a[n])) return 1;
    }
    return 0;
}

static int in_list(const char *list, const char *s, size_t n) {
    /* list: " A B C " */
    for (const char *p = list; (p = strstr(p, " ")) != NULL; p++) {
        if (!strncmp(p + 1, s, n) && p[1 + n] == ' ') return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ the sh literal */
typedef struct conv {
    imp_ctx *c;
    const char *locals;  /* " X Y " */
    int line;
    rbk_sbuf out;        /* the literal's inside */
    char **pass; int npass, cappass;   /* names passed through env: */
    int triple;          /* the literal is a """ one: newlines stay */
    int pass_all;        /* every variable is passed through env: (the text goes to bash as written) */
    int placeholder_left;/* pass_all: a <placeholder> stays as written */
} conv;

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
    return !shell_own(s, n) && !in_list(V->locals, s, n);
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
static void convert(conv *V, const char *s) {
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
            size_t e = heredoc_op(&hd, s, n, i);
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
static int has_heredoc(const char *c) {
    for (const char *p = c; (p = strstr(p, "<<")) != NULL; p += 2)
        if (p[2] != '<' && (p == c || p[-1] != '<')) return 1;
    return 0;
}

/* Syntax of bash that /bin/sh (dash on Debian) refuses or reads otherwise: the command is then run
 * by bash. A false alarm costs only that (bash runs POSIX sh as written). */
static const char *bashism(const char *c) {
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
static char *word_string(conv *V, const char *raw) {
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

/* ------------------------------------------------------------------ calls */
void imp_call_free(imp_call *k) {
    free(k->fn);
    rbk_sbuf_free(&k->args);
    free(k->sql);
    free(k->jq);
    free(k->auto_expect);
    free(k->note);
    memset(k, 0, sizeof *k);
}

void imp_call_render(rbk_sbuf *b, const imp_call *k) {
    rbk_sbuf_printf(b, "%s(%s)", k->fn, k->args.len ? k->args.data : "");
}

static void arg(imp_call *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(imp_call *k, const char *fmt, ...) {
    if (k->args.len) rbk_sbuf_adds(&k->args, ", ");
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&k->args, fmt, ap);
    va_end(ap);
}

void imp_shstate_free(imp_shstate *s) {
    free(s->cwd);
    for (int i = 0; i < s->nenv; i++) { free(s->env_names[i]); free(s->env_vals[i]); }
    free(s->env_names);
    free(s->env_vals);
    memset(s, 0, sizeof *s);
}

static void state_set_env(imp_shstate *s, const char *name, const char *val) {
    for (int i = 0; i < s->nenv; i++)
        if (!strcmp(s->env_names[i], name)) { free(s->env_vals[i]); s->env_vals[i] = rbk_xstrdup(val); return; }
    s->env_names = rbk_xrealloc(s->env_names, sizeof(char *) * (size_t)(s->nenv + 1));
    s->env_vals = rbk_xrealloc(s->env_vals, sizeof(char *) * (size_t)(s->nenv + 1));
    s->env_names[s->nenv] = rbk_xstrdup(name);
    s->env_vals[s->nenv] = rbk_xstrdup(val);
    s->nenv++;
}

/* A map key: bare when it is a name, else quoted. */
static void map_key(rbk_sbuf *b, const char *k) {
    int bare = name_start((unsigned char)*k);
    for (const char *p = k; *p && bare; p++) bare = name_char((unsigned char)*p);
    if (bare) rbk_sbuf_adds(b, k);
    else imp_lit_q(b, k);
}

/* env: {...} of a sh call: the step's exported variables, then the passed-through ones. */
static void env_arg(imp_call *k, const imp_shstate *st, char **pass, int npass) {
    if (!st->nenv && !npass) return;
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_sbuf_adds(&m, "env: {");
    int first = 1;
    for (int i = 0; i < st->nenv; i++) {
        if (!first) rbk_sbuf_adds(&m, ", ");
        first = 0;
        map_key(&m, st->env_names[i]);
        rbk_sbuf_printf(&m, ": %s", st->env_vals[i]);
    }
    for (int i = 0; i < npass; i++) {
        int dup = 0;
        for (int j = 0; j < st->nenv; j++) dup |= !strcmp(st->env_names[j], pass[i]);
        if (dup) continue;
        if (!first) rbk_sbuf_adds(&m, ", ");
        first = 0;
        map_key(&m, pass[i]);
        rbk_sbuf_printf(&m, ": env.%s", pass[i]);
    }
    rbk_sbuf_addc(&m, '}');
    arg(k, "%s", m.data);
    rbk_sbuf_free(&m);
}

/* Programs that only look, when none of their words changes something (docs/shell.md
 * read_only: the author's promise; here the importer's, for commands that cannot write). */
static int read_only_stage(const words *W, int a, int b) {
    if (a >= b || W->w[a].op || !W->w[a].val) return 0;
    const char *p = W->w[a].val;
    if (!strcmp(p, "sudo") && a + 1 < b) { a++; p = W->w[a].val ? W->w[a].val : ""; }
    static const char *plain[] = {"ls", "cat", "grep", "egrep", "fgrep", "head", "wc", "jq", "printenv", "echo", "printf",
                                  "pwd", "whoami", "id", "date", "df", "du", "free", "uptime", "ps", "pgrep", "which",
                                  "test", "stat", "sort", "uniq", "cut", "tr", "diff", "pg_isready", "dig", "nslookup",
                                  "host", "hostname", "uname", "true", "env", "basename", "dirname", "file", "sha256sum",
                                  "md5sum", "nproc", "lsblk", "mount", "ss", "netstat", "getent", "tac", "column", NULL};
    for (int i = 0; plain[i]; i++) {
        if (strcmp(p, plain[i])) continue;
        if (!strcmp(p, "env") && b - a > 1) return 0;   /* env X=1 cmd runs cmd */
        return 1;
    }
    const char *sub = a + 1 < b && W->w[a + 1].val ? W->w[a + 1].val : "";
    const char *sub2 = a + 2 < b && W->w[a + 2].val ? W->w[a + 2].val : "";
    if (!strcmp(p, "tail")) {
        for (int i = a + 1; i < b; i++)
            if (W->w[i].val && (!strcmp(W->w[i].val, "-f") || !strcmp(W->w[i].val, "-F") || !strcmp(W->w[i].val, "--follow"))) return 0;
        return 1;
    }
    if (!strcmp(p, "git")) {
        static const char *g[] = {"log", "status", "show", "diff", "rev-parse", "describe", "ls-files", "remote", "branch", "tag", "fetch", NULL};
        for (int i = 0; g[i]; i++)
            if (!strcmp(sub, g[i])) return strcmp(sub, "branch") && strcmp(sub, "tag") && strcmp(sub, "remote") ? 1 : b - a == 2 || !strcmp(sub2, "-v") || !strcmp(sub2, "--list") || !strcmp(sub2, "-a");
        return 0;
    }
    if (!strcmp(p, "kubectl")) {
        if (!strcmp(sub, "get") || !strcmp(sub, "describe") || !strcmp(sub, "top") || !strcmp(sub, "version") ||
            !strcmp(sub, "explain") || !strcmp(sub, "api-resources"))
            return 1;
        if (!strcmp(sub, "rollout") && !strcmp(sub2, "status")) return 1;
        if (!strcmp(sub, "config") && (!strcmp(sub2, "view") || !strcmp(sub2, "current-context"))) return 1;
        return 0;
    }
    if (!strcmp(p, "systemctl"))
        return !strcmp(sub, "status") || !strcmp(sub, "is-active") || !strcmp(sub, "is-enabled") || !strcmp(sub, "is-failed") ||
               !strcmp(sub, "show") || !strcmp(sub, "list-units") || !strcmp(sub, "cat");
    if (!strcmp(p, "docker"))
        return !strcmp(sub, "ps") || !strcmp(sub, "images") || !strcmp(sub, "inspect") || !strcmp(sub, "version") || !strcmp(sub, "info");
    if (!strcmp(p, "pm2")) {
        if (!strcmp(sub, "list") || !strcmp(sub, "ls") || !strcmp(sub, "status") || !strcmp(sub, "show") ||
            !strcmp(sub, "describe") || !strcmp(sub, "jlist"))
            return 1;
        if (!strcmp(sub, "logs"))
            for (int i = a + 2; i < b; i++)
                if (W->w[i].val && !strcmp(W->w[i].val, "--nostream")) return 1;
        return 0;
    }
    if ((!strcmp(p, "npx") && !strcmp(sub, "prisma")) || !strcmp(p, "prisma")) {
        int off = !strcmp(p, "npx") ? 2 : 1;
        const char *x = a + off < b && W->w[a + off].val ? W->w[a + off].val : "";
        const char *y = a + off + 1 < b && W->w[a + off + 1].val ? W->w[a + off + 1].val : "";
        return !strcmp(x, "migrate") && !strcmp(y, "status");
    }
    return 0;
}

/* Commands that wait for a person or never end: they cannot be run by a runbook as written. */
static const char *interactive(const words *W, int a, int b) {
    if (a >= b || W->w[a].op) return NULL;
    const char *p = W->w[a].val ? W->w[a].val : "";
    if (!strcmp(p, "sudo") && a + 1 < b) {
        if (W->w[a + 1].val && (!strcmp(W->w[a + 1].val, "-i") || !strcmp(W->w[a + 1].val, "-s") || !strcmp(W->w[a + 1].val, "su")))
            return "an interactive shell";
        a++;
        p = W->w[a].val ? W->w[a].val : "";
    }
    static const char *tty[] = {"vim", "vi", "nano", "emacs", "less", "more", "top", "htop", "watch", "tmux", "screen", "su", "pm2 monit", NULL};
    for (int i = 0; tty[i]; i++)
        if (!strcmp(p, tty[i])) return "an interactive program";
    int follow = 0, nostream = 0, args = 0;
    for (int i = a + 1; i < b; i++) {
        const char *v = W->w[i].val ? W->w[i].val : "";
        if (!strcmp(v, "-f") || !strcmp(v, "-F") || !strcmp(v, "--follow")) follow = 1;
        if (!strcmp(v, "--nostream")) nostream = 1;
        args++;
    }
    const char *sub = a + 1 < b && W->w[a + 1].val ? W->w[a + 1].val : "";
    if (follow && (!strcmp(p, "tail") || !strcmp(p, "journalctl") || (!strcmp(p, "kubectl") && !strcmp(sub, "logs")) ||
                   (!strcmp(p, "docker") && !strcmp(sub, "logs"))))
        return "it follows the log forever (-f)";
    if (!strcmp(p, "pm2") && !strcmp(sub, "logs") && !nostream) return "`pm2 logs` follows the log forever (add --nostream)";
    /* docker/podman/kubectl exec/run/attach with a terminal; compose logs -f; port-forward */
    if ((!strcmp(p, "docker") || !strcmp(p, "podman") || !strcmp(p, "kubectl") || !strcmp(p, "docker-compose")) &&
        (!strcmp(sub, "exec") || !strcmp(sub, "run") || !strcmp(sub, "attach") || !strcmp(sub, "compose"))) {
        const char *sub2 = a + 2 < b && W->w[a + 2].val ? W->w[a + 2].val : "";
        for (int i = a + 2; i < b; i++) {
            const char *v = W->w[i].val ? W->w[i].val : "";
            if (v[0] != '-') { if (strcmp(sub, "compose")) break; else continue; }
            if (!strcmp(v, "--tty") || !strcmp(v, "--interactive=true") || (v[1] != '-' && strchr(v, 't') && strcmp(sub, "compose")))
                return "an interactive session in a container (-t)";
        }
        if (!strcmp(sub, "compose") && !strcmp(sub2, "logs") && follow) return "it follows the log forever (-f)";
        if (!strcmp(sub, "attach")) return "an interactive session in a container";
    }
    if ((!strcmp(p, "docker-compose") && !strcmp(sub, "logs") && follow)) return "it follows the log forever (-f)";
    if (!strcmp(p, "kubectl") && (!strcmp(sub, "port-forward") || !strcmp(sub, "proxy"))) return "it runs until stopped";
    if (!strcmp(p, "pm2") && !strcmp(sub, "monit")) return "an interactive program";
    if ((!strcmp(p, "ssh") || !strcmp(p, "mosh")) && args <= 1) return "an interactive login";
    if ((!strcmp(p, "bash") || !strcmp(p, "sh") || !strcmp(p, "zsh")) && args == 0) return "an interactive shell";
    return NULL;
}

/* A duration literal for N[s|m|h|d] (sleep's argument), or NULL. */
static char *sleep_duration(const char *v) {
    char *end;
    double d = strtod(v, &end);
    if (end == v || d < 0 || d > 1e9) return NULL;
    char unit = *end ? *end : 's';
    if (*end && end[1]) return NULL;
    double ms = d * (unit == 's' ? 1000 : unit == 'm' ? 60000 : unit == 'h' ? 3600000 : unit == 'd' ? 86400000 : -1);
    if (ms < 0) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    long long m = (long long)(ms + 0.5);
    if (m % 86400000 == 0 && m) rbk_sbuf_printf(&b, "%lldd", m / 86400000);
    else if (m % 3600000 == 0 && m) rbk_sbuf_printf(&b, "%lldh", m / 3600000);
    else if (m % 60000 == 0 && m) rbk_sbuf_printf(&b, "%lldm", m / 60000);
    else if (m % 1000 == 0) rbk_sbuf_printf(&b, "%llds", m / 1000);
    else rbk_sbuf_printf(&b, "%lldms", m);
    return rbk_sbuf_detach(&b);
}

/* ------------------------------------------------------------------ JSON bodies */
/* A JSON text as a runbook value literal (objects as maps, arrays as lists), or -1 when it is
 * not JSON (or nests deeper than 32: the body is then sent as text). */
static int json_value(const char **p, rbk_sbuf *b, int depth);
static void json_ws(const char **p) { while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r') (*p)++; }
static int json_string(const char **p, rbk_sbuf *raw) {
    if (**p != '"') return -1;
    (*p)++;
    while (**p && **p != '"') {
        if (**p == '\\') {
            char e = (*p)[1];
            const char *map = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
            const char *m = e ? strchr(map, e) : NULL;
            if (m) { rbk_sbuf_addc(raw, to[m - map]); *p += 2; continue; }
            if (e == 'u') {
                unsigned v = 0;
                for (int k = 2; k < 6; k++) {
                    char h = (*p)[k];
                    if (!isxdigit((unsigned char)h)) return -1;
                    v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : tolower((unsigned char)h) - 'a' + 10);
                }
                if (v == 0 || (v >= 0xD800 && v <= 0xDFFF)) return -1; /* NUL, surrogates: keep the text */
                if (v < 0x80) rbk_sbuf_addc(raw, (char)v);
                else if (v < 0x800) { rbk_sbuf_addc(raw, (char)(0xC0 | (v >> 6))); rbk_sbuf_addc(raw, (char)(0x80 | (v & 0x3F))); }
                else {
                    rbk_sbuf_addc(raw, (char)(0xE0 | (v >> 12)));
                    rbk_sbuf_addc(raw, (char)(0x80 | ((v >> 6) & 0x3F)));
                    rbk_sbuf_addc(raw, (char)(0x80 | (v & 0x3F)));
                }
                *p += 6;
                continue;
            }
            return -1;
        }
        if ((unsigned char)**p < 0x20) return -1;
        rbk_sbuf_addc(raw, **p);
        (*p)++;
    }
    if (**p != '"') return -1;
    (*p)++;
    return 0;
}
static int json_value(const char **p, rbk_sbuf *b, int depth) {
    if (depth > 32) return -1;
    json_ws(p);
    if (**p == '{' || **p == '[') {
        char close = **p == '{' ? '}' : ']';
        int obj = **p == '{';
        rbk_sbuf_addc(b, **p);
        (*p)++;
        json_ws(p);
        int first = 1;
        while (**p != close) {
            if (!first) {
                if (**p != ',') return -1;
                (*p)++;
                json_ws(p);
                rbk_sbuf_adds(b, ", ");
            }
            first = 0;
            if (obj) {
                rbk_sbuf key = RBK_SBUF_INIT;
                if (json_string(p, &key)) { rbk_sbuf_free(&key); return -1; }
                for (size_t k = 0; k < key.len; k++) if (!key.data[k]) { rbk_sbuf_free(&key); return -1; }
                map_key(b, key.len ? key.data : "");
                rbk_sbuf_free(&key);
                json_ws(p);
                if (**p != ':') return -1;
                (*p)++;
                rbk_sbuf_adds(b, ": ");
            }
            if (json_value(p, b, depth + 1)) return -1;
            json_ws(p);
        }
        (*p)++;
        rbk_sbuf_addc(b, close);
        return 0;
    }
    if (**p == '"') {
        rbk_sbuf s = RBK_SBUF_INIT;
        int r = json_string(p, &s);
        if (!r) { rbk_sbuf_addc(b, '"'); imp_lit(b, s.data ? s.data : "", s.len); rbk_sbuf_addc(b, '"'); }
        rbk_sbuf_free(&s);
        return r;
    }
    if (!strncmp(*p, "true", 4)) { rbk_sbuf_adds(b, "true"); *p += 4; return 0; }
    if (!strncmp(*p, "false", 5)) { rbk_sbuf_adds(b, "false"); *p += 5; return 0; }
    if (!strncmp(*p, "null", 4)) { rbk_sbuf_adds(b, "nil"); *p += 4; return 0; }
    const char *s = *p;
    if (*s == '-') s++;
    if (!isdigit((unsigned char)*s)) return -1;
    while (isdigit((unsigned char)*s)) s++;
    int flt = 0;
    if (*s == '.') { flt = 1; s++; if (!isdigit((unsigned char)*s)) return -1; while (isdigit((unsigned char)*s)) s++; }
    if (*s == 'e' || *s == 'E') {
        flt = 1;
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!isdigit((unsigned char)*s)) return -1;
        while (isdigit((unsigned char)*s)) s++;
    }
    if (!flt && s - *p > 18) return -1; /* may not fit an int: keep the text */
    rbk_sbuf_add(b, *p, (size_t)(s - *p));
    *p = s;
    return 0;
}
static char *json_literal(const char *text) {
    rbk_sbuf b = RBK_SBUF_INIT;
    const char *p = text;
    json_ws(&p);
    if (*p != '{' && *p != '[') { rbk_sbuf_free(&b); return NULL; }
    if (json_value(&p, &b, 0)) { rbk_sbuf_free(&b); return NULL; }
    json_ws(&p);
    if (*p) { rbk_sbuf_free(&b); return NULL; }
    return rbk_sbuf_detach(&b);
}

/* ------------------------------------------------------------------ jq */
/* A jq filter (.a.b[0] | length) as an expression on %R.json, or NULL. */
static char *jq_expr(const char *f) {
    rbk_sbuf b = RBK_SBUF_INIT;
    const char *p = f;
    while (*p == ' ') p++;
    const char *pipe = strchr(p, '|');
    size_t pn = pipe ? (size_t)(pipe - p) : strlen(p);
    while (pn && p[pn - 1] == ' ') pn--;
    rbk_sbuf_adds(&b, "%R.json");
    if (!pn || p[0] != '.') goto fail;
    size_t i = 1;
    if (pn == 1) goto tail;
    i = 0;
    while (i < pn) {
        if (p[i] == '.' && i + 1 < pn && p[i + 1] == '[') { i++; continue; }
        if (p[i] == '.') {
            i++;
            if (i < pn && p[i] == '"') {
                size_t e = i + 1;
                while (e < pn && p[e] != '"') e++;
                if (e >= pn) goto fail;
                rbk_sbuf_adds(&b, "[\"");
                imp_lit(&b, p + i + 1, e - i - 1);
                rbk_sbuf_adds(&b, "\"]");
                i = e + 1;
                continue;
            }
            size_t e = i;
            while (e < pn && name_char((unsigned char)p[e])) e++;
            if (e == i || !name_start((unsigned char)p[i])) goto fail;
            rbk_sbuf_addc(&b, '.');
            rbk_sbuf_add(&b, p + i, e - i);
            i = e;
            continue;
        }
        if (p[i] == '[') {
            size_t e = i + 1;
            if (e < pn && p[e] == '"') {
                size_t q = e + 1;
                while (q < pn && p[q] != '"') q++;
                if (q + 1 >= pn || p[q + 1] != ']') goto fail;
                rbk_sbuf_adds(&b, "[\"");
                imp_lit(&b, p + e + 1, q - e - 1);
                rbk_sbuf_adds(&b, "\"]");
                i = q + 2;
                continue;
            }
            while (e < pn && isdigit((unsigned char)p[e])) e++;
            if (e == i + 1 || e >= pn || p[e] != ']') goto fail;
            rbk_sbuf_add(&b, p + i, e - i + 1);
            i = e + 1;
            continue;
        }
        goto fail;
    }
tail:
    if (pipe) {
        const char *q = pipe + 1;
        while (*q == ' ') q++;
        size_t qn = strlen(q);
        while (qn && q[qn - 1] == ' ') qn--;
        const char *fn = qn == 6 && !memcmp(q, "length", 6) ? "len" : qn == 4 && !memcmp(q, "keys", 4) ? "keys" : NULL;
        if (!fn) goto fail;
        rbk_sbuf w = RBK_SBUF_INIT;
        rbk_sbuf_printf(&w, "%s(%s)", fn, b.data);
        rbk_sbuf_free(&b);
        return rbk_sbuf_detach(&w);
    }
    return rbk_sbuf_detach(&b);
fail:
    rbk_sbuf_free(&b);
    return NULL;
}

/* ------------------------------------------------------------------ recognisers */
/* The runbook expression of a database URL word: env.X for $X, "literal" for a postgres URL;
 * NULL for anything else (a bare database name: the caller assumes DATABASE_URL). */
static char *db_url_expr(conv *V, const word *w) {
    char *s = word_string(V, w->raw);
    if (!s) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    size_t n = strlen(s);
    if (n > 6 && !strncmp(s, "{env.", 5) && s[n - 1] == '}' && !strchr(s + 5, '{')) {
        rbk_sbuf_printf(&b, "env.%.*s", (int)(n - 6), s + 5);
    } else if (!strncmp(s, "postgres://", 11) || !strncmp(s, "postgresql://", 13)) {
        rbk_sbuf_printf(&b, "\"%s\"", s);
    } else {
        free(s);
        return NULL;
    }
    free(s);
    return rbk_sbuf_detach(&b);
}

static int is_opt(const char *v, const char *s, const char *l) { return (s && !strcmp(v, s)) || (l && !strcmp(v, l)); }

/* Removes the header NAME from a "K: v, K2: v2" list (written by try_curl: one ", " between
 * entries, a name never holds one). */
static void drop_header(rbk_sbuf *h, int *n, const char *name) {
    size_t nl = strlen(name);
    const char *p = h->data ? h->data : "";
    rbk_sbuf out = RBK_SBUF_INIT;
    int kept = 0;
    while (*p) {
        const char *e = strstr(p, ", ");
        /* an entry ends at ", " followed by a name and ':' (values may hold ", ") */
        while (e) {
            const char *k = e + 2;
            if (*k == '"') { k = strchr(k + 1, '"'); if (k) k++; }
            else while (k && (isalnum((unsigned char)*k) || *k == '_')) k++;
            if (k && *k == ':') break;
            e = strstr(e + 2, ", ");
        }
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *k = p;
        size_t kl = 0;
        if (*k == '"') { k++; while (k[kl] && k[kl] != '"') kl++; }
        else while (isalnum((unsigned char)k[kl]) || k[kl] == '_' || k[kl] == '-') kl++;
        if (!(kl == nl && !strncasecmp(k, name, nl))) {
            if (kept++) rbk_sbuf_adds(&out, ", ");
            rbk_sbuf_add(&out, p, len);
        }
        p += len + (e ? 2 : 0);
    }
    rbk_sbuf_free(h);
    *h = out;
    *n = kept;
}

/* curl [options] URL [| jq FILTER] */
static int try_curl(conv *V, const words *W, imp_call *k) {
    int n = W->n, pipe_at = -1;
    for (int i = 0; i < n; i++) {
        if (!W->w[i].op) continue;
        if (!strcmp(W->w[i].raw, "|") && pipe_at < 0) pipe_at = i;
        else return 0;
    }
    int end = pipe_at < 0 ? n : pipe_at;
    if (!W->w[0].val || strcmp(W->w[0].val, "curl")) return 0;
    const char *method = NULL;
    char *url = NULL, *data = NULL, *timeout = NULL;
    rbk_sbuf headers = RBK_SBUF_INIT;
    int nheaders = 0, follow = 0, insecure = 0, fail = 0, status = 0, json_ct = 0, head = 0, data_json = 0;
    int ok = 1;
    for (int i = 1; i < end && ok; i++) {
        const word *w = &W->w[i];
        const char *v = w->val;
        if (!v) {
            if (!url) { url = word_string(V, w->raw); if (!url) ok = 0; continue; }
            ok = 0;
            break;
        }
        if (v[0] != '-' || !v[1]) {
            if (url) { ok = 0; break; }
            url = word_string(V, w->raw);
            if (!url) ok = 0;
            continue;
        }
        const word *nx = i + 1 < end ? &W->w[i + 1] : NULL;
#define NEXT_STR(dst) do { if (!nx) { ok = 0; break; } dst = word_string(V, nx->raw); if (!dst) ok = 0; i++; } while (0)
        if (v[1] != '-' && strspn(v + 1, "sSfLkv") == strlen(v + 1)) {
            for (const char *f = v + 1; *f; f++) {
                if (*f == 'f') fail = 1;
                if (*f == 'L') follow = 1;
                if (*f == 'k') insecure = 1;
            }
        } else if (is_opt(v, NULL, "--silent") || is_opt(v, NULL, "--show-error") || is_opt(v, NULL, "--compressed") ||
                   is_opt(v, NULL, "--verbose")) {
        } else if (is_opt(v, NULL, "--fail") || is_opt(v, NULL, "--fail-with-body")) fail = 1;
        else if (is_opt(v, NULL, "--location")) follow = 1;
        else if (is_opt(v, NULL, "--insecure")) insecure = 1;
        else if (is_opt(v, "-I", "--head")) head = 1;
        else if (is_opt(v, "-X", "--request") || (!strncmp(v, "-X", 2) && v[2])) {
            const char *m = v[2] && v[1] == 'X' ? v + 2 : nx && nx->val ? nx->val : NULL;
            if (!m) { ok = 0; break; }
            if (!(v[2] && v[1] == 'X')) i++;
            static const char *ms[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", NULL};
            method = NULL;
            for (int q = 0; ms[q]; q++) if (!strcmp(m, ms[q])) method = ms[q];
            if (!method) ok = 0;
        } else if (is_opt(v, "-H", "--header")) {
            char *h = NULL;
            NEXT_STR(h);
            if (!ok) break;
            char *colon = strchr(h, ':');
            if (!colon || colon == h) { free(h); ok = 0; break; }
            *colon = 0;
            const char *val = colon + 1;
            while (*val == ' ') val++;
            /* the header name was escaped for a literal too: names have no escapes in practice */
            if (!strcasecmp(h, "Content-Type") && strstr(val, "application/json")) json_ct = 1;
            if (nheaders++) rbk_sbuf_adds(&headers, ", ");
            int bare = name_start((unsigned char)*h);
            for (const char *q = h; *q && bare; q++) bare = name_char((unsigned char)*q);
            if (bare) rbk_sbuf_adds(&headers, h);
            else rbk_sbuf_printf(&headers, "\"%s\"", h);
            rbk_sbuf_printf(&headers, ": \"%s\"", val);
            free(h);
        } else if (is_opt(v, "-d", "--data") || is_opt(v, NULL, "--data-raw") || is_opt(v, NULL, "--data-binary") ||
                   is_opt(v, NULL, "--data-ascii") || is_opt(v, NULL, "--json")) {
            if (data || !nx) { ok = 0; break; }
            if (!strcmp(v, "--json")) data_json = 1;
            /* the body as text: quotes removed; variables kept only when plain */
            if (nx->val) {
                data = rbk_xstrdup(nx->val);
            } else {
                ok = 0;
                break;
            }
            i++;
        } else if (is_opt(v, "-o", "--output")) {
            if (!nx || !nx->val || strcmp(nx->val, "/dev/null")) { ok = 0; break; }
            i++;
        } else if (is_opt(v, "-w", "--write-out")) {
            if (!nx || !nx->val || strncmp(nx->val, "%{http_code}", 12) || (nx->val[12] && strcmp(nx->val + 12, "\\n") && strcmp(nx->val + 12, "\n"))) {
                ok = 0;
                break;
            }
            status = 1;
            i++;
        } else if (is_opt(v, "-m", "--max-time")) {
            if (!nx || !nx->val) { ok = 0; break; }
            timeout = sleep_duration(nx->val);
            if (!timeout) ok = 0;
            i++;
        } else if (is_opt(v, NULL, "--connect-timeout")) {
            i++;
        } else if (is_opt(v, NULL, "--url")) {
            if (url) { ok = 0; break; }
            NEXT_STR(url);
        } else {
            ok = 0;
        }
#undef NEXT_STR
    }
    char *jq = NULL;
    int jq_raw = 0;
    if (ok && pipe_at >= 0) {
        /* | jq [-r] [-M] [-c] FILTER */
        if (pipe_at + 1 >= n || !W->w[pipe_at + 1].val || strcmp(W->w[pipe_at + 1].val, "jq")) ok = 0;
        const char *filter = NULL;
        for (int i = pipe_at + 2; ok && i < n; i++) {
            const char *v = W->w[i].val;
            if (!v) { ok = 0; break; }
            if (!strcmp(v, "-r") || !strcmp(v, "-M") || !strcmp(v, "-c") || !strcmp(v, "--raw-output")) continue;
            if (v[0] == '-' || filter) { ok = 0; break; }
            filter = v;
        }
        if (ok) {
            if (!filter || !strcmp(filter, ".")) jq_raw = 1;
            else if (!(jq = jq_expr(filter))) ok = 0;
        }
    }
    if (ok && (!url || !*url)) ok = 0;
    if (ok && strncmp(url, "http://", 7) && strncmp(url, "https://", 8) && url[0] != '{') ok = 0;
    if (ok && url[0] == '{' && strncmp(url, "{env.", 5) && !strchr(url, '}')) ok = 0;
    if (!ok) {
        free(url);
        free(data);
        free(timeout);
        free(jq);
        rbk_sbuf_free(&headers);
        return 0;
    }
    if (!method) method = head ? "HEAD" : data ? "POST" : "GET";
    k->kind = IMP_CALL_HTTP;
    rbk_sbuf fn = RBK_SBUF_INIT;
    rbk_sbuf_adds(&fn, "http.");
    for (const char *m = method; *m; m++) rbk_sbuf_addc(&fn, (char)tolower((unsigned char)*m));
    k->fn = rbk_sbuf_detach(&fn);
    /* the URL: its origin becomes a param (base_url), so the runbook can be pointed elsewhere */
    rbk_sbuf u = RBK_SBUF_INIT;
    if (url[0] != '{') {
        const char *host = strstr(url, "://") + 3;
        const char *slash = strchr(host, '/');
        size_t on = slash ? (size_t)(slash - url) : strlen(url);
        char *origin = rbk_xstrndup(url, on);
        const char *pname = NULL;
        for (int i = 0; i < V->c->nparams; i++) {
            imp_param *p = &V->c->params[i];
            if (p->deflt && !strncmp(p->name, "base_url", 8) && strlen(p->deflt) == on + 2 && !strncmp(p->deflt + 1, origin, on)) pname = p->name;
        }
        if (!pname && !strchr(origin, '{') && !strchr(origin, '\\')) {
            int nbase = 0;
            for (int i = 0; i < V->c->nparams; i++) nbase += !strncmp(V->c->params[i].name, "base_url", 8);
            rbk_sbuf nm = RBK_SBUF_INIT;
            if (nbase) rbk_sbuf_printf(&nm, "base_url_%d", nbase + 1);
            else rbk_sbuf_adds(&nm, "base_url");
            imp_param *p = imp_param_use(V->c, nm.data, V->line);
            rbk_sbuf_free(&nm);
            rbk_sbuf d = RBK_SBUF_INIT;
            rbk_sbuf_printf(&d, "\"%s\"", origin);
            p->deflt = rbk_sbuf_detach(&d);
            pname = p->name;
        }
        if (pname) rbk_sbuf_printf(&u, "{%s}%s", pname, url + on);
        else rbk_sbuf_adds(&u, url);
        free(origin);
    } else {
        rbk_sbuf_adds(&u, url);
    }
    arg(k, "\"%s\"", u.data);
    rbk_sbuf_free(&u);
    if (data) {
        char *lit = (json_ct || data_json) ? json_literal(data) : NULL;
        if (lit) {
            arg(k, "json: %s", lit);
            free(lit);
            /* json: sets Content-Type itself */
            if (json_ct) drop_header(&headers, &nheaders, "Content-Type");
        } else {
            rbk_sbuf b = RBK_SBUF_INIT;
            imp_lit_q(&b, data);
            arg(k, "body: %s", b.data);
            rbk_sbuf_free(&b);
            if (data_json && !json_ct) {
                if (nheaders++) rbk_sbuf_adds(&headers, ", ");
                rbk_sbuf_adds(&headers, "\"Content-Type\": \"application/json\"");
            }
        }
    }
    if (nheaders) arg(k, "headers: {%s}", headers.data);
    if (timeout) arg(k, "timeout: %s", timeout);
    if (!follow) arg(k, "follow: false");
    if (insecure) arg(k, "insecure: true");
    k->jq = jq;
    k->jq_raw = jq_raw;
    k->http_status = status;
    k->http_fail = fail;
    if (fail) k->auto_expect = rbk_xstrdup("%R.status >= 200 and %R.status < 300");
    free(url);
    free(data);
    free(timeout);
    rbk_sbuf_free(&headers);
    return 1;
}

/* SQL statements of a -c text, split at ; outside quotes. */
static int split_sql(const char *sql, char ***out) {
    char **v = NULL;
    int n = 0;
    const char *p = sql, *start = sql;
    char q = 0;
    for (;; p++) {
        if (*p && q) { if (*p == q) q = 0; continue; }
        if (*p == '\'' || *p == '"') { q = *p; continue; }
        if (*p == ';' || !*p) {
            const char *a = start, *e = p;
            while (a < e && isspace((unsigned char)*a)) a++;
            while (e > a && isspace((unsigned char)e[-1])) e--;
            if (e > a) {
                v = rbk_xrealloc(v, sizeof(char *) * (size_t)(n + 1));
                v[n++] = rbk_xstrndup(a, (size_t)(e - a));
            }
            if (!*p) break;
            start = p + 1;
        }
    }
    *out = v;
    return n;
}

static int sql_is_select(const char *s) {
    static const char *kw[] = {"select", "with", "show", "values", "table", "explain", NULL};
    for (int i = 0; kw[i]; i++) {
        size_t n = strlen(kw[i]);
        if (!strncasecmp(s, kw[i], n) && !name_char((unsigned char)s[n])) return 1;
    }
    return 0;
}

/* The connection for psql/pg_dump's target; a TODO when it is a bare database name. */
static char *db_target(conv *V, const word *target, const char *prog, rbk_sbuf *todo) {
    char *e = target ? db_url_expr(V, target) : NULL;
    if (e) return e;
    imp_env *env = imp_env_use(V->c, "DATABASE_URL", 12, V->line);
    env->secret = 1;
    if (target) rbk_sbuf_printf(todo, "%s connects to `%s`: DATABASE_URL is assumed to be its URL", prog, target->raw);
    else rbk_sbuf_printf(todo, "%s names no database: DATABASE_URL is assumed to be its URL", prog);
    return rbk_xstrdup("env.DATABASE_URL");
}

/* psql TARGET -c "SQL" (one call per statement), psql TARGET < FILE (std/pg restore). */
static int try_psql(conv *V, const words *W, imp_call **calls, int *ncalls, rbk_sbuf *todo) {
    if (!W->w[0].val || strcmp(W->w[0].val, "psql")) return 0;
    const word *target = NULL;
    const char *sql = NULL;
    const char *infile = NULL;
    for (int i = 1; i < W->n; i++) {
        const word *w = &W->w[i];
        if (w->op) {
            if (!strcmp(w->raw, "<") && i + 1 < W->n && W->w[i + 1].val && !infile) { infile = W->w[i + 1].val; i++; continue; }
            return 0;
        }
        const char *v = w->val;
        if (v && v[0] == '-' && v[1]) {
            if (!strcmp(v, "-c") || !strcmp(v, "--command")) {
                if (i + 1 >= W->n || !W->w[i + 1].val || sql) return 0;
                sql = W->w[++i].val;
            } else if (!strncmp(v, "--command=", 10)) {
                sql = v + 10;
            } else if (!strcmp(v, "-d") || !strcmp(v, "--dbname")) {
                if (i + 1 >= W->n || target) return 0;
                target = &W->w[++i];
            } else if (!strcmp(v, "-v") || !strcmp(v, "--set")) {
                i++;
            } else if (v[1] != '-' && strspn(v + 1, "tAqXc") == strlen(v + 1)) {
                if (strchr(v, 'c')) {
                    if (v[strlen(v) - 1] != 'c' || i + 1 >= W->n || !W->w[i + 1].val || sql) return 0;
                    sql = W->w[++i].val;
                }
            } else if (strcmp(v, "--tuples-only") && strcmp(v, "--no-align") && strcmp(v, "--quiet") && strcmp(v, "--no-psqlrc")) {
                return 0;
            }
            continue;
        }
        if (target) return 0;
        target = w;
    }
    if (!!sql == !!infile) return 0;
    char *url = db_target(V, target, "psql", todo);
    if (infile) {
        V->c->use_pg = 1;
        imp_call *k = *calls = rbk_xcalloc(1, sizeof(imp_call));
        *ncalls = 1;
        k->kind = IMP_CALL_PG;
        k->fn = rbk_xstrdup("pg.restore");
        rbk_sbuf f = RBK_SBUF_INIT;
        imp_lit_q(&f, infile);
        arg(k, "%s, %s", url, f.data);
        rbk_sbuf_free(&f);
        k->auto_expect = rbk_xstrdup("%C");
        free(url);
        return 1;
    }
    char **stmts;
    int ns = split_sql(sql, &stmts);
    if (!ns) { free(url); free(stmts); return 0; }
    const char *conn = imp_conn_for(V->c, url);
    free(url);
    imp_call *ks = rbk_xcalloc((size_t)ns, sizeof(imp_call));
    for (int i = 0; i < ns; i++) {
        imp_call *k = &ks[i];
        k->kind = IMP_CALL_SQL;
        k->sql_select = sql_is_select(stmts[i]);
        rbk_sbuf q = RBK_SBUF_INIT;
        imp_lit(&q, stmts[i], strlen(stmts[i]));
        k->sql = rbk_sbuf_detach(&q);
        rbk_sbuf fn = RBK_SBUF_INIT;
        rbk_sbuf_printf(&fn, "%s.%s", conn, k->sql_select ? "query" : "exec");
        k->fn = rbk_sbuf_detach(&fn);
        arg(k, "\"%s\"", k->sql);
        free(stmts[i]);
    }
    free(stmts);
    *calls = ks;
    *ncalls = ns;
    return 1;
}

/* pg_dump TARGET > FILE, pg_dump TARGET -f FILE: std/pg's backup (plain SQL, checked complete). */
static int try_pg_dump(conv *V, const words *W, imp_call *k, rbk_sbuf *todo) {
    if (!W->w[0].val || strcmp(W->w[0].val, "pg_dump")) return 0;
    const word *target = NULL, *file = NULL;
    rbk_sbuf tables = RBK_SBUF_INIT;
    int ntables = 0;
    for (int i = 1; i < W->n; i++) {
        const word *w = &W->w[i];
        if (w->op) {
            if (!strcmp(w->raw, ">") && i + 1 < W->n && !file) { file = &W->w[++i]; continue; }
            rbk_sbuf_free(&tables);
            return 0;
        }
        const char *v = w->val;
        if (v && v[0] == '-' && v[1]) {
            if ((!strcmp(v, "-f") || !strcmp(v, "--file")) && i + 1 < W->n && !file) file = &W->w[++i];
            else if ((!strcmp(v, "-d") || !strcmp(v, "--dbname")) && i + 1 < W->n && !target) target = &W->w[++i];
            else if ((!strcmp(v, "-t") || !strcmp(v, "--table")) && i + 1 < W->n && W->w[i + 1].val) {
                rbk_sbuf t = RBK_SBUF_INIT;
                imp_lit_q(&t, W->w[++i].val);
                rbk_sbuf_printf(&tables, "%s%s", ntables++ ? ", " : "", t.data);
                rbk_sbuf_free(&t);
            } else if (strcmp(v, "--clean") && strcmp(v, "--if-exists") && strcmp(v, "--no-password") && strcmp(v, "-w")) {
                rbk_sbuf_free(&tables);
                return 0;
            }
            continue;
        }
        if (target) { rbk_sbuf_free(&tables); return 0; }
        target = w;
    }
    if (!file) { rbk_sbuf_free(&tables); return 0; }
    /* the file name: $(date ...) becomes {now()} (the time the step runs) */
    rbk_sbuf fname = RBK_SBUF_INIT;
    const char *r = file->raw;
    if (strstr(r, "$(date")) {
        rbk_sbuf plain = RBK_SBUF_INIT;
        for (const char *p = r; *p;) {
            if (!strncmp(p, "$(date", 6)) {
                const char *e = strchr(p, ')');
                if (!e) break;
                rbk_sbuf_adds(&plain, "\x01");
                p = e + 1;
                continue;
            }
            rbk_sbuf_addc(&plain, *p++);
        }
        char *s = word_string(V, plain.data);
        rbk_sbuf_free(&plain);
        if (!s) { rbk_sbuf_free(&tables); return 0; }
        for (const char *p = s; *p; p++) {
            if (*p == '\x01') rbk_sbuf_adds(&fname, "{now()}");
            else rbk_sbuf_addc(&fname, *p);
        }
        free(s);
    } else {
        char *s = word_string(V, r);
        if (!s) { rbk_sbuf_free(&tables); return 0; }
        rbk_sbuf_adds(&fname, s);
        free(s);
    }
    char *url = db_target(V, target, "pg_dump", todo);
    V->c->use_pg = 1;
    k->kind = IMP_CALL_PG;
    k->fn = rbk_xstrdup("pg.backup");
    arg(k, "%s, \"%s\"", url, fname.data);
    if (ntables) arg(k, "tables: [%s]", tables.data);
    free(url);
    rbk_sbuf_free(&fname);
    rbk_sbuf_free(&tables);
    return 1;
}

/* ------------------------------------------------------------------ a command */
static int all_words(const words *W) {
    for (int i = 0; i < W->n; i++) if (W->w[i].op) return 0;
    return 1;
}

imp_cmd_result imp_sh_command(imp_ctx *c, imp_shstate *st, const char *cmd, int line,
                              imp_call **calls, int *ncalls, char **why) {
    *calls = NULL;
    *ncalls = 0;
    *why = NULL;
    conv V;
    memset(&V, 0, sizeof V);
    V.c = c;
    V.line = line;
    char *locals = imp_sh_assigned(cmd);
    V.locals = locals;
    words W;
    memset(&W, 0, sizeof W);
    int multiline = strchr(cmd, '\n') != NULL;
    if (!multiline || !strstr(cmd, "<<")) split_words(cmd, &W);
    imp_cmd_result res = IMP_CMD_CALL;
    rbk_sbuf todo = RBK_SBUF_INIT;
    /* cd DIR && rest: the directory of rest and of the commands after it (the shell stays there) */
    if (W.n >= 4 && !W.w[0].op && W.w[0].val && !strcmp(W.w[0].val, "cd") && !W.w[1].op && W.w[2].op && !strcmp(W.w[2].raw, "&&")) {
        char *dir = word_string(&V, W.w[1].raw);
        const char *amp = strstr(cmd, "&&");
        if (dir && *dir && dir[0] != '~' && strcmp(dir, "-") && amp) {
            if (st->cwd && dir[0] != '/') {
                rbk_sbuf d = RBK_SBUF_INIT;
                rbk_sbuf_printf(&d, "%s/%s", st->cwd, dir);
                free(dir);
                dir = rbk_sbuf_detach(&d);
            }
            free(st->cwd);
            st->cwd = dir;
            const char *rest = amp + 2;
            while (*rest == ' ' || *rest == '\t') rest++;
            words_free(&W);
            free(locals);
            imp_cmd_result r = imp_sh_command(c, st, rest, line, calls, ncalls, why);
            return r;
        }
        free(dir);
    }
    /* pm2 logs shows the log and then follows it: --nostream stops after the lines shown */
    if (W.n >= 2 && W.w[0].val && !strcmp(W.w[0].val, "pm2") && W.w[1].val && !strcmp(W.w[1].val, "logs") && !strstr(cmd, "--nostream") &&
        !strchr(cmd, '\n')) {
        const char *bar = strchr(cmd, '|');
        size_t at = bar ? (size_t)(bar - cmd) : strlen(cmd);
        while (at && cmd[at - 1] == ' ') at--;
        rbk_sbuf fixed = RBK_SBUF_INIT;
        rbk_sbuf_add(&fixed, cmd, at);
        rbk_sbuf_adds(&fixed, " --nostream");
        rbk_sbuf_adds(&fixed, cmd + at);
        words_free(&W);
        free(locals);
        imp_cmd_result r = imp_sh_command(c, st, fixed.data, line, calls, ncalls, why);
        rbk_sbuf_free(&fixed);
        if (r == IMP_CMD_CALL && *ncalls) {
            free((*calls)[0].note);
            (*calls)[0].note = rbk_xstrdup("--nostream added: `pm2 logs` follows the log forever without it");
        }
        return r;
    }
    /* simple commands first: cd, export, assignments, sleep, interactive ones */
    if (W.n && all_words(&W) && W.w[0].val) {
        const char *p = W.w[0].val;
        if (!strcmp(p, "cd") && W.n <= 2) {
            char *dir = W.n == 2 ? word_string(&V, W.w[1].raw) : NULL;
            if (!dir || !*dir || dir[0] == '~' || !strcmp(dir, "-")) {
                rbk_sbuf_adds(&todo, "only a named directory (not ~ or -, nor one the shell computes) can become the cwd: of the commands after it");
                free(dir);
                res = IMP_CMD_TODO;
                goto out;
            }
            if (st->cwd && dir[0] != '/') {
                rbk_sbuf d = RBK_SBUF_INIT;
                rbk_sbuf_printf(&d, "%s/%s", st->cwd, dir);
                free(dir);
                dir = rbk_sbuf_detach(&d);
            }
            free(st->cwd);
            st->cwd = dir;
            res = IMP_CMD_ABSORBED;
            goto out;
        }
        if (!strcmp(p, "sleep") && W.n == 2 && W.w[1].val) {
            char *d = sleep_duration(W.w[1].val);
            if (d) {
                imp_call *k = *calls = rbk_xcalloc(1, sizeof(imp_call));
                *ncalls = 1;
                k->kind = IMP_CALL_WAIT;
                k->fn = rbk_xstrdup("wait");
                arg(k, "%s", d);
                free(d);
                goto out;
            }
        }
        /* export X=v Y=w / X=v: the variables of the commands after it */
        int exp = !strcmp(p, "export");
        int assigns = 1;
        for (int i = exp; i < W.n && assigns; i++) {
            const char *r = W.w[i].raw;
            size_t k = 0;
            while (name_char((unsigned char)r[k])) k++;
            assigns = k && name_start((unsigned char)r[0]) && r[k] == '=';
        }
        if (assigns && W.n > exp) {
            for (int i = exp; i < W.n; i++) {
                const char *r = W.w[i].raw;
                const char *eq = strchr(r, '=');
                char *name = rbk_xstrndup(r, (size_t)(eq - r));
                char *val = word_string(&V, eq + 1);
                if (!val) {
                    rbk_sbuf_printf(&todo, "the shell computes the value of %s: give it in the env: of the commands that need it", name);
                    free(name);
                    res = IMP_CMD_TODO;
                    goto out;
                }
                rbk_sbuf e = RBK_SBUF_INIT;
                rbk_sbuf_printf(&e, "\"%s\"", val);
                state_set_env(st, name, e.data);
                rbk_sbuf_free(&e);
                free(name);
                free(val);
            }
            res = IMP_CMD_ABSORBED;
            goto out;
        }
        if (exp) { res = IMP_CMD_ABSORBED; goto out; } /* export NAME: already in the environment */
    }
    if (W.n) {
        /* the first stage of each pipeline decides whether a person is needed */
        int a = 0;
        for (int i = 0; i <= W.n; i++) {
            if (i == W.n || (W.w[i].op && strcmp(W.w[i].raw, ">") && strcmp(W.w[i].raw, "<") && strcmp(W.w[i].raw, ">>") &&
                             strcmp(W.w[i].raw, "2>") && strcmp(W.w[i].raw, "2>&1"))) {
                const char *r = interactive(&W, a, i);
                if (r) {
                    rbk_sbuf_printf(&todo, "not run (%s)", r);
                    res = IMP_CMD_TODO;
                    goto out;
                }
                a = i + 1;
            }
        }
        if (!strcmp(W.w[0].val ? W.w[0].val : "", "psql")) {
            int interactive_psql = 1;
            for (int i = 1; i < W.n; i++) {
                const char *v = W.w[i].val ? W.w[i].val : "";
                if (W.w[i].op || !strcmp(v, "-c") || !strcmp(v, "-f") || !strncmp(v, "--command", 9) || !strncmp(v, "--file", 6) ||
                    (v[0] == '-' && v[1] != '-' && strchr(v, 'c')))
                    interactive_psql = 0;
            }
            if (interactive_psql) {
                rbk_sbuf_adds(&todo, "not run (psql without -c, -f or < is an interactive session)");
                res = IMP_CMD_TODO;
                goto out;
            }
        }
        imp_call *one = rbk_xcalloc(1, sizeof(imp_call));
        if (try_curl(&V, &W, one)) {
            one->line = line;
            *calls = one;
            *ncalls = 1;
            goto out;
        }
        imp_call_free(one);
        if (try_pg_dump(&V, &W, one, &todo)) {
            one->line = line;
            *calls = one;
            *ncalls = 1;
            goto out;
        }
        free(one);
        if (try_psql(&V, &W, calls, ncalls, &todo)) {
            for (int i = 0; i < *ncalls; i++) (*calls)[i].line = line;
            goto out;
        }
    }
    /* anything else: sh("...") */
    {
        V.triple = strchr(cmd, '\n') != NULL;
        /* bash syntax: exec(["bash", "-c", TEXT]) with the text as written (no interpolation: every
         * variable comes through env:, so bash expands it exactly as the document says) */
        const char *bash = bashism(cmd);
        /* a command with a here-document: every variable through env: too (no value anywhere
         * in it: the body's lines are the shell's to read, and where a body ends depends on
         * how each shell joins its lines) */
        V.pass_all = bash != NULL || has_heredoc(cmd);
        convert(&V, cmd);
        imp_call *k = *calls = rbk_xcalloc(1, sizeof(imp_call));
        *ncalls = 1;
        k->kind = IMP_CALL_SH;
        k->fn = rbk_xstrdup(bash ? "exec" : "sh");
        k->line = line;
        if (bash) {
            rbk_sbuf n = RBK_SBUF_INIT;
            rbk_sbuf_printf(&n, "bash syntax (%s): run by bash -c, not /bin/sh; its variables come through env:", bash);
            k->note = rbk_sbuf_detach(&n);
            rbk_sbuf_adds(&k->args, "[\"bash\", \"-c\", ");
        }
        if (V.placeholder_left) rbk_sbuf_adds(&todo, "a <placeholder> where a value cannot be spliced (bash syntax, `...`, $( ) in quotes) is left as written: give its value");
        if (strchr(cmd, '\n')) {
            /* a multi-line command: a """ literal, each line indented by the writer (the
             * language removes the common indentation: the text is exactly the command) */
            rbk_sbuf_adds(&k->args, "\"\"\"\n");
            const char *p = V.out.data ? V.out.data : "";
            while (*p) {
                const char *e = strchr(p, '\n');
                size_t ln = e ? (size_t)(e - p) : strlen(p);
                if (ln) rbk_sbuf_adds(&k->args, "  ");
                rbk_sbuf_add(&k->args, p, ln);
                rbk_sbuf_addc(&k->args, '\n');
                p += ln + (e ? 1 : 0);
            }
            rbk_sbuf_adds(&k->args, "\"\"\"");
        } else {
            rbk_sbuf_printf(&k->args, "\"%s\"", V.out.data ? V.out.data : "");
        }
        if (bash) rbk_sbuf_addc(&k->args, ']');
        if (st->cwd) arg(k, "cwd: \"%s\"", st->cwd);
        env_arg(k, st, V.pass, V.npass);
        /* read_only: every stage of the pipeline only looks, and nothing is redirected to a file */
        int ro = W.n > 0;
        int a = 0;
        for (int i = 0; ro && i <= W.n; i++) {
            if (i < W.n && W.w[i].op) {
                const char *o = W.w[i].raw;
                if (!strcmp(o, ">") || !strcmp(o, ">>") || !strcmp(o, "&>") || !strcmp(o, "&>>") || !strcmp(o, "2>") || !strcmp(o, "2>>")) {
                    if (i + 1 >= W.n || !W.w[i + 1].val || strcmp(W.w[i + 1].val, "/dev/null")) ro = 0;
                    i++;
                    continue;
                }
                if (!strcmp(o, "2>&1") || !strcmp(o, ">&2")) continue;
                if (strcmp(o, "|") && strcmp(o, "&&") && strcmp(o, "||") && strcmp(o, ";")) { ro = 0; break; }
            }
            if (i == W.n || W.w[i].op) {
                int e = i;
                /* a stage ends at its first redirection */
                for (int q = a; q < i; q++) if (W.w[q].op) { e = q; break; }
                if (!read_only_stage(&W, a, e)) ro = 0;
                a = i + 1;
            }
        }
        if (ro) arg(k, "read_only: true");
        for (int i = 0; i < W.n; i++)
            if (!W.w[i].op && W.w[i].val && (!strcmp(W.w[i].val, "grep") || !strcmp(W.w[i].val, "egrep"))) k->grep = 1;
    }
out:
    if (todo.len) *why = rbk_sbuf_detach(&todo);
    rbk_sbuf_free(&todo);
    words_free(&W);
    free(locals);
    rbk_sbuf_free(&V.out);
    for (int i = 0; i < V.npass; i++) free(V.pass[i]);
    free(V.pass);
    return res;
}

/* ------------------------------------------------------------------ inline code */
int imp_looks_like_command(const char *code) {
    static const char *progs[] = {"npm", "npx", "node", "yarn", "pnpm", "git", "curl", "wget", "psql", "pg_dump", "pg_restore",
                                  "pg_isready", "kubectl", "helm", "docker", "docker-compose", "podman", "systemctl",
                                  "journalctl", "pm2", "python", "python3", "pip", "bash", "sh", "make", "terraform", "aws",
                                  "gcloud", "az", "redis-cli", "mysql", "sudo", "railway", "stripe", "ssh", "scp", "rsync",
                                  "ls", "cat", "grep", "echo", "printenv", "export", "cd", "cp", "mv", "rm", "mkdir", "tar",
                                  "go", "cargo", "bundle", "rails", "rake", "php", "composer", "mvn", "gradle", "java",
                                  "dotnet", "flyway", "liquibase", "alembic", "prisma", "ansible", "ansible-playbook",
                                  "vault", "consul", "nomad", "heroku", "fly", "flyctl", "vercel", "supabase", "sleep",
                                  "tail", "head", "jq", "openssl", "dig", "nc", "sqlite3", "mongosh", "pg_basebackup",
                                  "crontab", "service", "nginx", "apachectl", "certbot", "deno", "bun", "uv", NULL};
    while (*code == ' ') code++;
    if (*code == '$' && code[1] == ' ') code += 2;
    size_t n = 0;
    while (code[n] && code[n] != ' ') n++;
    if (!n) return 0;
    if (!strncmp(code, "./", 2) || (!strncmp(code, "scripts/", 8) && (strstr(code, ".sh") || strstr(code, ".py")))) return 1;
    for (int i = 0; progs[i]; i++)
        if (strlen(progs[i]) == n && !memcmp(progs[i], code, n)) return code[n] == ' ' || !strcmp(progs[i], "printenv");
    return 0;
}

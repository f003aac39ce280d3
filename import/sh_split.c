/* import/sh_split.c — a fenced block's lines to whole commands, and a command to words, for
 * `runbook import` (import/imp_sh.h): a command continues over a trailing \\ | && ||, an open
 * quote, $( ), { }, if/for/while/case ... to its end, and over its here-documents; the names a
 * command assigns and reads.
 * Owns: the quoting contexts of the splitter, the word splitter (import/sh_int.h: words).
 * Shares invariants with: import/sh_literal.c (reads the words), docs/import.md. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sh_int.h"

/* ------------------------------------------------------------------ contexts */

static void scan_free(scan *S) {
    rbk_sbuf_free(&S->st);
    for (int i = 0; i < S->nhd; i++) free(S->hd[i].delim);
    free(S->hd);
    memset(S, 0, sizeof *S);
}

/* The here-document operator at s[i] ("<<" not "<<<"): registers its delimiter, returns the
 * index after it. */
size_t imp_heredoc_op(scan *S, const char *s, size_t n, size_t i) {
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
            i = imp_heredoc_op(S, s, n, i) - 1;
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

void imp_words_free(words *W) {
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

/* The $( ... ) or ${ ... } at s[i], copied whole into raw up to its matching close, quotes
 * and all (it is an expansion: no word of its own is split or unquoted inside); returns the
 * index after it. */
static size_t skip_expansion(const char *s, size_t n, size_t i, rbk_sbuf *raw) {
    char open = s[i + 1], close = open == '(' ? ')' : '}';
    int depth = 0;
    rbk_sbuf_addc(raw, s[i]);
    i++;
    while (i < n) {
        if (s[i] == open) depth++;
        else if (s[i] == close && --depth == 0) break;
        rbk_sbuf_addc(raw, s[i]);
        i++;
    }
    if (i < n) { rbk_sbuf_addc(raw, s[i]); i++; }
    return i;
}

/* Splits a one-line command (no here-documents) into words and operators. A newline that is
 * not inside quotes is an operator ';'. */
void imp_split_words(const char *s, words *W) {
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
                    i = skip_expansion(s, n, i, &raw);
                    continue;
                }
                rbk_sbuf_addc(&raw, c);
                i++;
                continue;
            }
            if (c == '\'') { push(&st, 'S'); rbk_sbuf_addc(&raw, c); i++; continue; }
            if (c == '"') { push(&st, 'D'); rbk_sbuf_addc(&raw, c); i++; continue; }
            if (c == '$' && i + 1 < n && (s[i + 1] == '(' || s[i + 1] == '{')) {
                i = skip_expansion(s, n, i, &raw);
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
int imp_shell_own(const char *s, size_t n) {
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

int imp_in_list(const char *list, const char *s, size_t n) {
    /* list: " A B C " */
    for (const char *p = list; (p = strstr(p, " ")) != NULL; p++) {
        if (!strncmp(p + 1, s, n) && p[1 + n] == ' ') return 1;
    }
    return 0;
}

/* import/mdscan.c — Markdown blocks for `runbook import` (see mdscan.h for what is read and how
 * it departs from CommonMark). One pass over the lines with a stack of open list items: a line
 * indented at least to an item's content column belongs to that item; a fence stays open until
 * its closing fence (or until a line leaves the list item holding it). */
#include <stdlib.h>
#include <string.h>
#include "../support/sbuf.h"
#include "mdscan.h"

typedef struct open_item {
    int block;       /* index in the document */
    int content_col; /* the column its content starts at */
} open_item;

typedef struct scanner {
    rbk_md_doc *doc;
    open_item *stack; int nstack, capstack;
    int para;        /* the block whose text the next line may continue, or -1 */
    int blank;       /* a blank line since that block's last line */
    int fence;       /* the open fence, or -1 */
    char fence_ch; int fence_len, fence_indent;
    int icode;       /* the open indented code block, or -1 */
    int icode_col;   /* its content column */
    int html;        /* the open HTML comment, or -1 */
} scanner;

static int new_block(scanner *S, rbk_md_kind kind, int line) {
    rbk_md_doc *d = S->doc;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->b = rbk_xrealloc(d->b, sizeof(rbk_md_block) * (size_t)d->cap);
    }
    rbk_md_block *b = &d->b[d->n];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->line = line;
    b->parent = S->nstack ? S->stack[S->nstack - 1].block : -1;
    return d->n++;
}

static void add_line(rbk_md_block *b, const char *s, size_t n, int line) {
    if (b->nlines == b->caplines) {
        b->caplines = b->caplines ? b->caplines * 2 : 8;
        b->lines = rbk_xrealloc(b->lines, sizeof(rbk_md_line) * (size_t)b->caplines);
    }
    b->lines[b->nlines].text = rbk_xstrndup(s, n);
    b->lines[b->nlines].line = line;
    b->nlines++;
}

/* A block's text: set_text starts it, add_text appends a line ('\n' between lines) in amortised
 * constant time (the capacity doubles: a paragraph of many lines is not copied once per line). */
static void text_room(rbk_md_block *b, size_t need) {
    if (need <= b->textcap) return;
    size_t cap = b->textcap ? b->textcap : 64;
    while (cap < need) cap *= 2;
    b->text = rbk_xrealloc(b->text, cap);
    b->textcap = cap;
}
static void set_text(rbk_md_block *b, const char *s, size_t n) {
    text_room(b, n + 1);
    memcpy(b->text, s, n);
    b->text[n] = 0;
    b->textlen = n;
}
static void add_text(rbk_md_block *b, const char *s, size_t n) {
    text_room(b, b->textlen + n + 2);
    b->text[b->textlen++] = '\n';
    memcpy(b->text + b->textlen, s, n);
    b->textlen += n;
    b->text[b->textlen] = 0;
}

/* The column after the leading white space (tabs to the next multiple of 4) and its length. */
static int indent_of(const char *s, size_t n, size_t *skip) {
    int col = 0;
    size_t i = 0;
    for (; i < n && (s[i] == ' ' || s[i] == '\t'); i++) col = s[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    *skip = i;
    return col;
}

/* The bytes after removing up to `cols` columns of leading white space (a tab that would go past
 * stays). */
static size_t strip_cols(const char *s, size_t n, int cols) {
    int col = 0;
    size_t i = 0;
    while (i < n && col < cols) {
        int next = s[i] == ' ' ? col + 1 : s[i] == '\t' ? (col / 4 + 1) * 4 : -1;
        if (next < 0 || next > cols) break;
        col = next;
        i++;
    }
    return i;
}

static int is_blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t') return 0;
    return 1;
}

/* "#".."######" then a space or the end: the level, and the heading's text (closing #s and
 * spaces removed). */
static int atx_heading(const char *s, size_t n, size_t *ts, size_t *te) {
    size_t k = 0;
    while (k < n && s[k] == '#') k++;
    if (k < 1 || k > 6 || (k < n && s[k] != ' ' && s[k] != '\t')) return 0;
    size_t a = k, e = n;
    while (a < e && (s[a] == ' ' || s[a] == '\t')) a++;
    while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    size_t h = e;
    while (h > a && s[h - 1] == '#') h--;
    if (h < e && (h == a || s[h - 1] == ' ' || s[h - 1] == '\t')) { /* a closing sequence */
        e = h;
        while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    }
    *ts = a;
    *te = e;
    return (int)k;
}

/* ``` or ~~~ (3 or more): the fence character and length, the info string's span. */
static int fence_open(const char *s, size_t n, char *ch, int *len, size_t *is, size_t *ie) {
    if (n < 3 || (s[0] != '`' && s[0] != '~')) return 0;
    size_t k = 0;
    while (k < n && s[k] == s[0]) k++;
    if (k < 3) return 0;
    size_t a = k, e = n;
    while (a < e && (s[a] == ' ' || s[a] == '\t')) a++;
    while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    if (s[0] == '`' && memchr(s + a, '`', e - a)) return 0; /* inline code, not a fence */
    *ch = s[0];
    *len = (int)k;
    *is = a;
    *ie = e;
    return 1;
}

static int fence_close(const char *s, size_t n, char ch, int len) {
    size_t k = 0;
    while (k < n && s[k] == ch) k++;
    return (int)k >= len && is_blank(s + k, n - k);
}

/* ---, ***, ___ (3 or more, spaces allowed between) */
static int thematic_break(const char *s, size_t n) {
    if (!n || (s[0] != '-' && s[0] != '*' && s[0] != '_')) return 0;
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == s[0]) k++;
        else if (s[i] != ' ' && s[i] != '\t') return 0;
    }
    return k >= 3;
}

static int setext_underline(const char *s, size_t n) {
    if (!n || (s[0] != '=' && s[0] != '-')) return 0;
    size_t k = 0;
    while (k < n && s[k] == s[0]) k++;
    return is_blank(s + k, n - k) ? (s[0] == '=' ? 1 : 2) : 0;
}

/* A list marker: its length (the bullet, or the digits and . or )), ordered or not. */
static int list_marker(const char *s, size_t n, int *ordered) {
    size_t k = 0;
    if (n && (s[0] == '-' || s[0] == '+' || s[0] == '*')) {
        k = 1;
        *ordered = 0;
    } else {
        while (k < n && k < 9 && s[k] >= '0' && s[k] <= '9') k++;
        if (k == 0 || k >= n || (s[k] != '.' && s[k] != ')')) return 0;
        k++;
        *ordered = 1;
    }
    if (k < n && s[k] != ' ' && s[k] != '\t') return 0;
    return (int)k;
}

/* A table's delimiter row: | --- | :---: | (pipes at the ends optional, one at least). */
static int table_delimiter(const char *s, size_t n) {
    int dashes = 0, pipes = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-') dashes++;
        else if (c == '|') pipes++;
        else if (c != ':' && c != ' ' && c != '\t') return 0;
    }
    return dashes >= 1 && pipes >= 1;
}

/* Whether the line (without its indentation) starts a block, so it cannot continue a paragraph. */
static int starts_block(const char *s, size_t n, const char *next, size_t nnext) {
    size_t a, b;
    char ch;
    int len, ordered;
    if (atx_heading(s, n, &a, &b) || fence_open(s, n, &ch, &len, &a, &b) || thematic_break(s, n)) return 1;
    if (list_marker(s, n, &ordered)) return 1;
    if (n && s[0] == '>') return 1;
    if (n >= 4 && !memcmp(s, "<!--", 4)) return 1;
    if (memchr(s, '|', n) && next) {
        size_t skip;
        indent_of(next, nnext, &skip);
        if (table_delimiter(next + skip, nnext - skip)) return 1;
    }
    return 0;
}

/* A fence opened at line: its info string (n bytes), its character and length, and the column
 * its content is indented to (a line less indented leaves the list item holding it). */
static void open_fence(scanner *S, int line, const char *info, size_t n, char ch, int len, int indent) {
    int i = new_block(S, RBK_MD_FENCE, line);
    S->doc->b[i].text = rbk_xstrndup(info, n);
    S->fence = i;
    S->fence_ch = ch;
    S->fence_len = len;
    S->fence_indent = indent;
    S->para = -1;
}
static void close_fence(scanner *S) { S->fence = -1; }

static void close_icode(scanner *S) {
    if (S->icode < 0) return;
    rbk_md_block *b = &S->doc->b[S->icode];
    while (b->nlines && !b->lines[b->nlines - 1].text[0]) free(b->lines[--b->nlines].text);
    S->icode = -1;
}

void rbk_md_scan(const char *text, size_t len, rbk_md_doc *out) {
    memset(out, 0, sizeof *out);
    scanner S;
    memset(&S, 0, sizeof S);
    S.doc = out;
    S.para = S.fence = S.icode = S.html = -1;
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        lineno++;
        if (n && line[n - 1] == '\r') n--;
        /* the next line, for tables */
        const char *next = NULL;
        size_t nnext = 0;
        if (pos < len) {
            next = text + pos;
            const char *nl2 = memchr(next, '\n', len - pos);
            nnext = nl2 ? (size_t)(nl2 - next) : len - pos;
            if (nnext && next[nnext - 1] == '\r') nnext--;
        }
        size_t skip;
        int indent = indent_of(line, n, &skip);
        const char *s = line + skip;
        size_t sn = n - skip;
        int blank = sn == 0;

        if (S.fence >= 0) {
            rbk_md_block *f = &out->b[S.fence];
            int owner_col = f->parent >= 0 ? 0 : -1;
            for (int i = 0; i < S.nstack; i++)
                if (S.stack[i].block == f->parent) owner_col = S.stack[i].content_col;
            if (!blank && owner_col > 0 && indent < owner_col && !fence_close(s, sn, S.fence_ch, S.fence_len)) {
                close_fence(&S); /* the list item holding the fence ended: read the line anew */
            } else if (!blank && indent < S.fence_indent + 4 && fence_close(s, sn, S.fence_ch, S.fence_len)) {
                close_fence(&S);
                continue;
            } else {
                size_t k = strip_cols(line, n, S.fence_indent);
                add_line(f, line + k, n - k, lineno);
                continue;
            }
        }
        if (S.html >= 0) {
            add_text(&out->b[S.html], line, n);
            if (memmem(line, n, "-->", 3)) S.html = -1;
            continue;
        }
        if (blank) {
            if (S.icode >= 0) add_line(&out->b[S.icode], "", 0, lineno);
            S.blank = 1;
            S.para = -1;
            continue;
        }
        /* a paragraph (or an item's first paragraph, or a quote) continues */
        if (S.para >= 0 && !S.blank) {
            rbk_md_block *p = &out->b[S.para];
            int under = p->kind == RBK_MD_PARA ? setext_underline(s, sn) : 0;
            if (under && p->parent == (S.nstack ? S.stack[S.nstack - 1].block : -1) && indent < 4) {
                p->kind = RBK_MD_HEADING;
                p->level = under;
                S.para = -1;
                continue;
            }
            /* (a quote continues lazily with a line without '>'; one with '>' is added below) */
            if (!starts_block(s, sn, next, nnext)) {
                add_text(p, s, sn);
                continue;
            }
        }
        /* leave the list items this line is not indented into */
        while (S.nstack && indent < S.stack[S.nstack - 1].content_col) S.nstack--;
        int base = S.nstack ? S.stack[S.nstack - 1].content_col : 0;
        int rel = indent - base;
        if (S.icode >= 0) {
            if (rel >= 4 && S.icode_col == base + 4) {
                size_t k = strip_cols(line, n, S.icode_col);
                add_line(&out->b[S.icode], line + k, n - k, lineno);
                continue;
            }
            close_icode(&S);
        }
        S.blank = 0;
        if (rel >= 4 && S.para < 0) {
            int i = new_block(&S, RBK_MD_FENCE, lineno);
            out->b[i].indented = 1;
            out->b[i].text = rbk_xstrdup("");
            S.icode = i;
            S.icode_col = base + 4;
            size_t k = strip_cols(line, n, S.icode_col);
            add_line(&out->b[i], line + k, n - k, lineno);
            continue;
        }
        size_t a, e;
        char ch;
        int flen, ordered;
        int level = atx_heading(s, sn, &a, &e);
        if (level) {
            S.nstack = 0;
            int i = new_block(&S, RBK_MD_HEADING, lineno);
            out->b[i].level = level;
            out->b[i].text = rbk_xstrndup(s + a, e - a);
            S.para = -1;
            continue;
        }
        if (fence_open(s, sn, &ch, &flen, &a, &e)) {
            open_fence(&S, lineno, s + a, e - a, ch, flen, indent);
            continue;
        }
        if (thematic_break(s, sn)) {
            S.nstack = 0;
            new_block(&S, RBK_MD_RULE, lineno);
            S.para = -1;
            continue;
        }
        int mlen = list_marker(s, sn, &ordered);
        if (mlen) {
            size_t r = (size_t)mlen;
            int spaces = 0;
            while (r < sn && (s[r] == ' ' || s[r] == '\t') && spaces < 5) { r++; spaces++; }
            int content_col = indent + mlen + (r >= sn ? 1 : spaces > 4 ? 1 : spaces);
            if (spaces > 4) r = (size_t)mlen + 1;
            int i = new_block(&S, RBK_MD_ITEM, lineno);
            rbk_md_block *it = &out->b[i];
            it->ordered = ordered;
            it->level = S.nstack;
            if (S.nstack == S.capstack) {
                S.capstack = S.capstack ? S.capstack * 2 : 8;
                S.stack = rbk_xrealloc(S.stack, sizeof(open_item) * (size_t)S.capstack);
            }
            S.stack[S.nstack].block = i;
            S.stack[S.nstack].content_col = content_col;
            S.nstack++;
            const char *c = s + r;
            size_t cn = sn - r;
            if (cn >= 3 && c[0] == '[' && (c[1] == ' ' || c[1] == 'x' || c[1] == 'X') && c[2] == ']' && (cn == 3 || c[3] == ' ' || c[3] == '\t')) {
                it->check = c[1] == ' ' ? 1 : 2;
                c += 3;
                cn -= 3;
                while (cn && (*c == ' ' || *c == '\t')) { c++; cn--; }
            }
            if (fence_open(c, cn, &ch, &flen, &a, &e)) { /* "- ```": the item holds a fence */
                set_text(it, "", 0);
                open_fence(&S, lineno, c + a, e - a, ch, flen, content_col);
                continue;
            }
            set_text(it, c, cn);
            S.para = i;
            continue;
        }
        if (s[0] == '>') {
            size_t k = 1;
            if (k < sn && s[k] == ' ') k++;
            if (S.para >= 0 && out->b[S.para].kind == RBK_MD_QUOTE && !S.blank) {
                add_text(&out->b[S.para], s + k, sn - k);
                continue;
            }
            int i = new_block(&S, RBK_MD_QUOTE, lineno);
            set_text(&out->b[i], s + k, sn - k);
            S.para = i;
            continue;
        }
        if (sn >= 4 && !memcmp(s, "<!--", 4)) {
            int i = new_block(&S, RBK_MD_HTML, lineno);
            set_text(&out->b[i], s, sn);
            S.para = -1;
            if (!memmem(s, sn, "-->", 3)) S.html = i;
            continue;
        }
        if (memchr(s, '|', sn) && next) {
            size_t k2;
            indent_of(next, nnext, &k2);
            if (table_delimiter(next + k2, nnext - k2)) {
                int i = new_block(&S, RBK_MD_TABLE, lineno);
                add_line(&out->b[i], s, sn, lineno);
                /* the delimiter row and the body rows: lines with a | that are not blank */
                while (pos < len) {
                    const char *l2 = text + pos;
                    const char *nl2 = memchr(l2, '\n', len - pos);
                    size_t n2 = nl2 ? (size_t)(nl2 - l2) : len - pos;
                    size_t n2r = n2 && l2[n2 - 1] == '\r' ? n2 - 1 : n2;
                    size_t sk;
                    indent_of(l2, n2r, &sk);
                    if (is_blank(l2, n2r) || !memchr(l2, '|', n2r)) break;
                    add_line(&out->b[i], l2 + sk, n2r - sk, lineno + 1);
                    lineno++;
                    pos += n2 + (nl2 ? 1 : 0);
                }
                S.para = -1;
                continue;
            }
        }
        int i = new_block(&S, RBK_MD_PARA, lineno);
        set_text(&out->b[i], s, sn);
        S.para = i;
    }
    close_icode(&S);
    free(S.stack);
}

void rbk_md_free(rbk_md_doc *d) {
    for (int i = 0; i < d->n; i++) {
        free(d->b[i].text);
        for (int k = 0; k < d->b[i].nlines; k++) free(d->b[i].lines[k].text);
        free(d->b[i].lines);
    }
    free(d->b);
    memset(d, 0, sizeof *d);
}

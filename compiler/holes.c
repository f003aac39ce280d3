/* compiler/holes.c — the shell, SQL, URL and pattern context of each {expr} in a command,
 * query, URL or `matches` pattern literal (contract in holes.h; the rules and their reasons in
 * docs/shell.md, docs/sql.md, docs/http.md and docs/language.md "Values in patterns").
 * Owns: the POSIX shell context tracker, the PostgreSQL lexical and statement tracker, the URL
 * part tracker, the PCRE2 pattern tracker, their messages.
 * Shares invariants with: stdlib/shquote.c, stdlib/urlquote.c and stdlib/requote.c (what each
 * accepted context's quoting does), compiler/sema.c (reports), compiler/codegen.c (emits),
 * tests/unit/test_holes.c, test_url_holes.c, test_re_holes.c. */
#include "holes.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../stdlib/std_sh.h"
#include "../stdlib/std_url.h"
#include "../support/sbuf.h"
#include "ast.h"

static void refuse(rbk_hole *h, const char *why, const char *hint) {
    h->ctx = -1;
    h->why = why;
    h->hint = hint;
}

int rbk_literal_split(rbk_node *lit, rbk_piece **pieces, unsigned char **fmt, rbk_node ***parts) {
    int nholes = 0;
    for (int i = 0; i < lit->list.n; i++) nholes += lit->list.items[i]->kind == N_INTERP_PART;
    rbk_piece *pc = rbk_xcalloc((size_t)nholes + 1, sizeof *pc);
    unsigned char *f = rbk_xcalloc((size_t)nholes + 1, 1);
    rbk_node **pt = rbk_xcalloc((size_t)nholes + 1, sizeof *pt);
    int k = 0;
    for (int i = 0; i < lit->list.n; i++) {
        rbk_node *p = lit->list.items[i];
        if (p->kind == N_STRING) { pc[k].s = p->str; pc[k].n = p->slen; continue; }
        const char *spec = p->b ? p->b->str : NULL;
        f[k] = !spec ? RBK_HOLE_QUOTED : !strcmp(spec, "raw") ? RBK_HOLE_RAW : !strcmp(spec, "ident") ? RBK_HOLE_IDENT
                                                                                                       : RBK_HOLE_QUOTED;
        pt[k++] = p;
    }
    for (int i = 0; i <= nholes; i++)
        if (!pc[i].s) pc[i].s = "";
    *pieces = pc;
    *fmt = f;
    *parts = pt;
    return nholes;
}

void rbk_holes_free(rbk_holes *h) {
    for (int i = 0; i < h->ngroups; i++) free(h->groups[i].delim);
    free(h->groups);
    free(h->holes);
    free(h->stmts);
    memset(h, 0, sizeof *h);
}

/* ------------------------------------------------------------------------------------------
 * The literal as one text with the holes at offsets in it. A hole at offset x stands before
 * t[x]; several holes may stand at one offset. */
typedef struct flat {
    rbk_sbuf t;
    size_t *start;  /* start[i]: where piece i begins in t; start[npieces] == t.len */
    size_t *hpos;   /* where hole k stands */
    int npieces, nholes;
} flat;

static void flat_init(flat *fl, const rbk_piece *pieces, int nholes) {
    memset(fl, 0, sizeof *fl);
    fl->nholes = nholes;
    fl->npieces = nholes + 1;
    fl->start = rbk_xmalloc(sizeof(size_t) * (size_t)(fl->npieces + 1));
    fl->hpos = rbk_xmalloc(sizeof(size_t) * (size_t)(nholes + 1));
    for (int i = 0; i < fl->npieces; i++) {
        fl->start[i] = fl->t.len;
        rbk_sbuf_add(&fl->t, pieces[i].s, pieces[i].n);
        if (i < nholes) fl->hpos[i] = fl->t.len;
    }
    fl->start[fl->npieces] = fl->t.len;
    rbk_sbuf_cstr(&fl->t);
}
static void flat_free(flat *fl) {
    rbk_sbuf_free(&fl->t);
    free(fl->start);
    free(fl->hpos);
}
/* 1 when a hole stands at an offset in [a, b]; holes before index `from` are not looked at. */
static int hole_in(const flat *fl, int from, size_t a, size_t b) {
    for (int k = from; k < fl->nholes && fl->hpos[k] <= b; k++)
        if (fl->hpos[k] >= a) return 1;
    return 0;
}
/* The piece and offset of flat offset x: the first piece that holds it (a start: before the
 * holes there) or the last (an end: after them). */
static void flat_locate(const flat *fl, size_t x, int last, int *piece, size_t *off) {
    int p = 0;
    if (last) {
        for (int i = 0; i < fl->npieces; i++)
            if (fl->start[i] <= x) p = i;
    } else {
        while (p < fl->npieces - 1 && x > fl->start[p + 1]) p++;
    }
    *piece = p;
    *off = x - fl->start[p];
}

/* ==========================================================================================
 * The shell tracker. It reads the command the way a POSIX shell's lexer does, as far as
 * quoting goes: a stack of frames (a command level, '...', "...", $'...', `...`, ${...},
 * $((...)), a comment, a here-document body). A hole takes the context of the frame on top.
 * Where two shells would read the text differently, or the tracker does not model what it
 * sees, it is "lost" from there on: every later quoted hole is refused (never guessed). */

enum { F_CMD, F_SQ, F_DQ, F_ANSI, F_BQ, F_PARAM, F_ARITH, F_COMMENT, F_HD };

typedef struct frame {
    int kind;
    int paren;       /* F_CMD: open ( of subshells; F_ARITH: open ( */
    int dollar;      /* F_CMD: opened by $( (0 for the command itself) */
    int quoted;      /* some frame below this one is not a command level */
    int word_start;  /* F_CMD: the next byte starts a word */
    int wlen;        /* F_CMD: bytes of the current word while it is plain letters (-1: not) */
    char word[4];
} frame;

typedef struct pending {
    rbk_sbuf delim;
    int quoted, dash;
} pending;

typedef struct shscan {
    flat fl;
    const unsigned char *fmt;
    rbk_holes *out;
    int k;               /* the next hole */
    frame f[RBK_SH_MAX_NESTING];
    int depth;           /* frames in use; f[0] is the command itself */
    const char *lost;    /* why every later quoted hole is refused */
    int pre;             /* what stands right before the next hole: 0, '\\' or '$' */
    int after_raw;       /* the last thing in a command frame was a {x:raw} */
    /* a here-document operator's delimiter word being read */
    int dstate;          /* 0, 1 skipping blanks after << or <<-, 2 in the word */
    int dquote, dquoted, ddash;
    rbk_sbuf dword;
    /* here-documents whose bodies start at the next newline of frame pend_depth */
    pending *pend;
    int npend, cappend, head, pend_depth;
    /* the body being read */
    int hd, hd_quoted, hd_dash;
    int hd_of;           /* its entry in pend */
    size_t hd_end, hd_resume; /* where its delimiter line starts, and what follows that line */
    size_t hd_line;      /* where the body's current line starts */
    int hd_group;        /* the group of the current line, or -1 */
} shscan;

#define NONE_HOLE (-1)
#define AT_END (-2)

static frame *top(shscan *s) { return &s->f[s->depth - 1]; }
/* The byte at x, NONE_HOLE when a hole stands there first, AT_END past the text. */
static int peek(const shscan *s, size_t x) {
    if (hole_in(&s->fl, s->k, x, x)) return NONE_HOLE;
    return x < s->fl.t.len ? (unsigned char)s->fl.t.data[x] : AT_END;
}
static void lose(shscan *s, const char *why) {
    if (!s->lost) s->lost = why;
}
static void push(shscan *s, int kind) {
    if (s->depth == RBK_SH_MAX_NESTING) {
        lose(s, "cannot be quoted safely: the command nests quotes and substitutions more than 32 levels deep before it");
        return;
    }
    frame *p = top(s), *f = &s->f[s->depth++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->quoted = p->quoted || p->kind != F_CMD;
    f->word_start = 1;
    f->wlen = -1;
}
static void pop(shscan *s) {
    if (s->depth > 1) s->depth--;
    frame *f = top(s);
    if (f->kind == F_CMD) { f->word_start = 0; f->wlen = -1; }
}
static int npending(const shscan *s) { return s->npend - s->head; }

/* The end of the word in a command frame: `case` in a $(...) inside quotes is lost, because
 * its patterns' `)` would close the $( for a tracker that does not parse case. */
static void end_word(shscan *s, frame *f) {
    if (f->wlen == 4 && !memcmp(f->word, "case", 4) && f->dollar && f->quoted)
        lose(s, "cannot be quoted safely: a `case` inside $(...) within quotes before it (its patterns' `)` are not tracked)");
    f->wlen = -1;
}

/* Odd number of backslashes right before offset x (no hole between them): a continuation. */
static int escaped_newline(const shscan *s, size_t x) {
    size_t n = 0;
    while (n < x && s->fl.t.data[x - 1 - n] == '\\' && !hole_in(&s->fl, 0, x - n, x - n)) n++;
    return n % 2 == 1;
}

/* Where a here-document body that starts at b ends, as one reading of it: v 0 each physical
 * line (dash), v 1 continuations joined after removing the tabs of each line, v 2 joined and
 * then the tabs removed (bash). A line with a hole in it is never the delimiter: SHHEREDOC
 * refuses, at run time, a value that would make it one. */
static void body_end(const shscan *s, const pending *p, size_t b, int v, size_t *end, size_t *resume) {
    const char *t = s->fl.t.data;
    size_t len = s->fl.t.len;
    rbk_sbuf line = RBK_SBUF_INIT;
    size_t ls = b;
    for (;;) {
        size_t first = ls, next;
        int has_hole = 0;
        rbk_sbuf_reset(&line);
        for (;;) {
            const char *nl = memchr(t + ls, '\n', len - ls);
            size_t le = nl ? (size_t)(nl - t) : len;
            if (hole_in(&s->fl, 0, ls, le)) has_hole = 1;
            int more = v > 0 && !p->quoted && nl && escaped_newline(s, le);
            size_t e = more ? le - 1 : le, from = ls;
            if (p->dash && v < 2)
                while (from < e && t[from] == '\t') from++;
            rbk_sbuf_add(&line, t + from, e - from);
            next = nl ? le + 1 : len + 1;
            if (!more) break;
            ls = next;
        }
        size_t skip = 0;
        if (p->dash && v == 2)
            while (skip < line.len && line.data[skip] == '\t') skip++;
        if (!has_hole && line.len - skip == p->delim.len &&
            !memcmp(rbk_sbuf_cstr(&line) + skip, p->delim.data, p->delim.len)) {
            *end = first;
            *resume = next > len ? len : next;
            break;
        }
        if (next > len) {
            *end = *resume = len;
            break;
        }
        ls = next;
    }
    rbk_sbuf_free(&line);
}

/* Starts the body of the next pending here-document at b. */
static void start_body(shscan *s, size_t b) {
    const pending *p = &s->pend[s->head++];
    size_t end, resume;
    body_end(s, p, b, 0, &end, &resume);
    if (!p->quoted)
        for (int v = 1; v <= 2; v++) {
            size_t e2, r2;
            body_end(s, p, b, v, &e2, &r2);
            if (e2 != end || r2 != resume)
                lose(s, "cannot be quoted safely: dash and bash end the here-document before it at different lines "
                        "(a line of its body ends in a backslash)");
        }
    push(s, F_HD);
    s->hd = 1;
    s->hd_quoted = p->quoted;
    s->hd_dash = p->dash;
    s->hd_of = s->head - 1;
    s->hd_end = end;
    s->hd_resume = resume;
    s->hd_line = b;
    s->hd_group = -1;
}

static void add_pending(shscan *s) {
    if (s->hd) lose(s, "cannot be quoted safely: a here-document is opened inside a here-document's body before it");
    else if (npending(s) && s->pend_depth != s->depth)
        lose(s, "cannot be quoted safely: here-documents are opened at two levels of nesting before it");
    if (s->npend == s->cappend) {
        s->cappend = s->cappend ? s->cappend * 2 : 4;
        s->pend = rbk_xrealloc(s->pend, sizeof(pending) * (size_t)s->cappend);
    }
    pending *p = &s->pend[s->npend++];
    memset(&p->delim, 0, sizeof p->delim);
    rbk_sbuf_add(&p->delim, s->dword.data ? s->dword.data : "", s->dword.len);
    rbk_sbuf_cstr(&p->delim);
    p->quoted = s->dquoted;
    p->dash = s->ddash;
    s->pend_depth = s->depth;
}

/* The line group of a hole in a here-document body. */
static void join_group(shscan *s, int k) {
    rbk_hole *h = &s->out->holes[k];
    if (s->hd_group >= 0) { h->group = s->hd_group; return; }
    const char *t = s->fl.t.data;
    size_t end = s->fl.hpos[k];
    while (end < s->hd_end && !(t[end] == '\n' && (s->hd_quoted || !escaped_newline(s, end)))) end++;
    if (end > s->fl.t.len) end = s->fl.t.len;
    rbk_holes *o = s->out;
    o->groups = rbk_xrealloc(o->groups, sizeof(rbk_hdgroup) * (size_t)(o->ngroups + 1));
    rbk_hdgroup *g = &o->groups[o->ngroups];
    flat_locate(&s->fl, s->hd_line, 0, &g->from_piece, &g->from_off);
    flat_locate(&s->fl, end, 1, &g->to_piece, &g->to_off);
    const pending *p = &s->pend[s->hd_of];
    g->dlen = p->delim.len;
    g->delim = rbk_xmalloc(g->dlen + 1);
    memcpy(g->delim, p->delim.data, g->dlen + 1);
    g->flags = s->hd_quoted ? 0 : RBK_SH_HD_JOIN;
    g->first_hole = k;
    h->group = s->hd_group = o->ngroups++;
}

static void sh_hole(shscan *s, int k) {
    rbk_hole *h = &s->out->holes[k];
    frame *f = top(s);
    h->group = -1;
    h->ctx = RBK_SH_WORD;
    if (s->fmt[k] == RBK_HOLE_RAW) {
        /* shell code the author wrote: assumed to leave the context as it found it */
        if (f->kind == F_CMD) { f->word_start = 0; f->wlen = -1; s->after_raw = 1; }
        s->pre = 0;
        if (s->hd && !s->lost) join_group(s, k);
        return;
    }
    if (s->lost) { refuse(h, s->lost, "pass the value in the environment instead, where nothing in it is code: "
                                      "sh(\"cmd \\\"$NAME\\\"\", env: {NAME: x})"); return; }
    if (s->pre == '\\') {
        refuse(h, "comes right after a `\\`, which would escape the quote that protects the value",
               "remove the backslash (the value is quoted already); for a literal backslash before the value write \\\\\\\\{x}");
    } else if (s->pre == '$') {
        refuse(h, "comes right after a `$`: the shell would expand the quoted value ($'...' is a string with escapes in bash)",
               "write {x} without the `$` (it is quoted already); for a literal `$` before the value write \\\\${x}");
    } else if (s->hd && !s->hd_quoted && f->kind != F_HD) {
        refuse(h, "is inside a substitution in a here-document body: bash removes every backslash-newline from the "
                  "body, the value's own too, before it runs the command",
               "run the command before the here-document and interpolate its result in the body: "
               "let out = sh(...).stdout, then {out}");
    } else {
        switch (f->kind) {
        case F_CMD:
            if (s->dstate) {
                refuse(h, "is in a here-document's delimiter word: the value would decide where the body ends",
                       "write the delimiter as a fixed word, <<EOF, and interpolate the value in the body");
                s->dstate = 2;
                s->dquoted = 1;
            }
            f->word_start = 0;
            f->wlen = -1;
            break;
        case F_SQ: h->ctx = RBK_SH_SQUOTE; break;
        case F_DQ: h->ctx = RBK_SH_DQUOTE; break;
        case F_HD:
            if (s->hd_dash)
                refuse(h, "is in the body of a <<- here-document, which removes the leading tabs of every line, "
                          "the value's own lines included",
                       "write <<EOF instead of <<-EOF");
            else h->ctx = s->hd_quoted ? RBK_SH_HEREDOC_Q : RBK_SH_HEREDOC;
            break;
        case F_ANSI:
            refuse(h, "is inside $'...', where a backslash in the value would be an escape",
                   "close the $'...' string before the value: $'...'{x} (a value outside quotes is quoted as a word)");
            break;
        case F_BQ:
            refuse(h, "is inside backquotes (`...`), where no quoting of the value is safe",
                   "write $(...) instead of backquotes: inside $(...) the value is quoted as a word");
            break;
        case F_PARAM:
            refuse(h, "is inside ${...}, where shells differ on how quotes are read",
                   "pass the value in the environment and write the expansion with it: "
                   "sh(\"echo \\\"$\\{VAR:-$DEF\\}\\\"\", env: {DEF: x})");
            break;
        case F_ARITH:
            refuse(h, "is inside $((...)): the shell would evaluate the value as arithmetic",
                   "compute the number in the runbook and interpolate the result outside $((...)): {n + 1}");
            break;
        default: /* F_COMMENT */
            refuse(h, "is in a shell comment: a newline in the value would end the comment and run the rest",
                   "take the value out of the comment (log() it if it is for the reader)");
            break;
        }
    }
    s->pre = 0;
    if (h->ctx >= 0 && s->hd) join_group(s, k);
}

static int is_blank(int c) { return c == ' ' || c == '\t'; }
static int is_op(int c) { return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>'; }

/* `$` at x in a frame where it expands: the construct it opens. Returns the bytes used. */
static size_t dollar(shscan *s, frame *f, size_t x) {
    int nx = peek(s, x + 1);
    if (nx == NONE_HOLE) { s->pre = '$'; return 1; }
    int unquoted = f->kind == F_CMD || (f->kind == F_PARAM && !f->quoted);
    switch (nx) {
    case '(':
        if (peek(s, x + 2) == '(') { push(s, F_ARITH); return 3; }
        push(s, F_CMD);
        top(s)->dollar = 1;
        return 2;
    case '{': push(s, F_PARAM); return 2;
    case '\'':
        if (!unquoted) return 1;
        push(s, F_ANSI);
        return 2;
    case '"':
        if (!unquoted) return 1;
        push(s, F_DQ); /* bash's $"..." (a translated string) is read as "..." */
        return 2;
    case '$': case '?': case '#': case '!': case '@': case '*': case '-':
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        return 2; /* a special parameter */
    default: return 1;
    }
}

/* A byte of a here-document operator's delimiter word (dstate != 0). Returns the bytes used,
 * or 0 when the word has ended and c is for the command frame. */
static size_t delim_byte(shscan *s, size_t x, int c) {
    if (s->dstate == 1) {
        if (is_blank(c)) return 1;
        if (c == '\n' || is_op(c)) { s->dstate = 0; return 0; } /* no word: the shell's syntax error */
        s->dstate = 2;
    }
    if (s->dquote == '\'') {
        if (c == '\'') s->dquote = 0;
        else rbk_sbuf_addc(&s->dword, (char)c);
        return 1;
    }
    if (s->dquote == '"') {
        int nx = peek(s, x + 1);
        if (c == '"') s->dquote = 0;
        else if (c == '\\' && nx >= 0 && strchr("$`\"\\\n", nx)) { rbk_sbuf_addc(&s->dword, (char)nx); return 2; }
        else rbk_sbuf_addc(&s->dword, (char)c);
        return 1;
    }
    if (c == '\'' || c == '"') { s->dquote = c; s->dquoted = 1; return 1; }
    if (c == '\\') {
        int nx = peek(s, x + 1);
        s->dquoted = 1;
        if (nx >= 0) { rbk_sbuf_addc(&s->dword, (char)nx); return 2; }
        return 1;
    }
    if (is_blank(c) || c == '\n' || is_op(c)) {
        add_pending(s);
        s->dstate = 0;
        return 0;
    }
    rbk_sbuf_addc(&s->dword, (char)c);
    return 1;
}

static size_t step_cmd(shscan *s, frame *f, size_t x, int c, int after_raw) {
    if (s->dstate) {
        size_t used = delim_byte(s, x, c);
        if (used) return used;
        f = top(s);
    }
    switch (c) {
    case '\\': {
        int nx = peek(s, x + 1);
        f->word_start = 0;
        f->wlen = -1;
        if (nx == NONE_HOLE) { s->pre = '\\'; return 1; }
        return nx == AT_END ? 1 : 2;
    }
    case '\'': f->word_start = 0; f->wlen = -1; push(s, F_SQ); return 1;
    case '"': f->word_start = 0; f->wlen = -1; push(s, F_DQ); return 1;
    case '`': f->word_start = 0; f->wlen = -1; push(s, F_BQ); return 1;
    case '$': f->word_start = 0; f->wlen = -1; return dollar(s, f, x);
    case '#':
        if (after_raw) lose(s, "cannot be quoted safely: a `#` right after a {x:raw} before it may start a comment");
        if (f->word_start) { push(s, F_COMMENT); return 1; }
        break;
    case '\n':
        end_word(s, f);
        f->word_start = 1;
        if (npending(s)) {
            if (s->pend_depth == s->depth) { start_body(s, x + 1); return 1; }
            lose(s, "cannot be quoted safely: a here-document before it has its body after a newline inside a nested command");
        }
        return 1;
    case ' ': case '\t': case ';': case '&': case '|': case '>':
        end_word(s, f);
        f->word_start = 1;
        return 1;
    case '(':
        end_word(s, f);
        f->paren++;
        f->word_start = 1;
        return 1;
    case ')':
        end_word(s, f);
        f->word_start = 1;
        if (f->paren > 0) { f->paren--; return 1; }
        if (f->dollar) {
            if (npending(s) && s->pend_depth == s->depth)
                lose(s, "cannot be quoted safely: a here-document opened inside $(...) before it has no body there");
            pop(s);
        }
        return 1;
    case '<':
        end_word(s, f);
        f->word_start = 1;
        if (peek(s, x + 1) != '<') return 1;
        if (peek(s, x + 2) == '<') return 3; /* bash's here-string <<< */
        s->dstate = 1;
        s->dquote = s->dquoted = 0;
        s->ddash = peek(s, x + 2) == '-';
        rbk_sbuf_reset(&s->dword);
        return s->ddash ? 3 : 2;
    default: break;
    }
    /* a byte of a word */
    if (f->word_start) { f->word_start = 0; f->wlen = 0; }
    if (f->wlen >= 0) {
        if (f->wlen < 4 && c >= 'a' && c <= 'z') f->word[f->wlen++] = (char)c;
        else f->wlen = c >= 'a' && c <= 'z' ? 5 : -1;
    }
    return 1;
}

/* One step at x (the holes at x are done). Returns the bytes used; 0 when the frame on top
 * ended without using c, which the frame below then reads. */
static size_t sh_step(shscan *s, size_t x) {
    int c = (unsigned char)s->fl.t.data[x];
    frame *f = top(s);
    int after_raw = s->after_raw;
    s->after_raw = 0;
    s->pre = 0;
    if (c == '\n' && s->hd && (s->hd_quoted || !escaped_newline(s, x))) {
        s->hd_line = x + 1;
        s->hd_group = -1;
    }
    if (c == '\n' && npending(s) && f->kind != F_CMD && f->kind != F_SQ && f->kind != F_DQ && f->kind != F_ANSI &&
        f->kind != F_COMMENT && f->kind != F_HD)
        lose(s, "cannot be quoted safely: a here-document before it has its body after a newline inside a nested command");
    switch (f->kind) {
    case F_CMD: return step_cmd(s, f, x, c, after_raw);
    case F_SQ:
        if (c == '\'') pop(s);
        return 1;
    case F_ANSI:
        if (c == '\\') lose(s, "cannot be quoted safely: a $'...' string before it has a backslash, and dash and bash "
                               "end it at different places");
        if (c == '\'') pop(s);
        return 1;
    case F_DQ:
    case F_HD: {
        if (f->kind == F_HD && s->hd_quoted) return 1;
        int nx = peek(s, x + 1);
        const char *esc = f->kind == F_DQ ? "$`\"\\\n" : "$`\\\n";
        if (c == '\\') {
            if (nx == NONE_HOLE) { s->pre = '\\'; return 1; }
            return nx >= 0 && strchr(esc, nx) ? 2 : 1;
        }
        if (c == '"' && f->kind == F_DQ) { pop(s); return 1; }
        if (c == '$') return dollar(s, f, x);
        if (c == '`') push(s, F_BQ);
        return 1;
    }
    case F_BQ:
        if (c == '\\') return peek(s, x + 1) >= 0 ? 2 : 1;
        if (c == '`') pop(s);
        return 1;
    case F_PARAM:
        switch (c) {
        case '}': pop(s); return 1;
        case '\\': return peek(s, x + 1) >= 0 ? 2 : 1;
        case '\'':
            if (f->quoted) lose(s, "cannot be quoted safely: a ' inside ${...} within quotes before it is read differently "
                                   "by different shells");
            else push(s, F_SQ);
            return 1;
        case '"': push(s, F_DQ); return 1;
        case '`': push(s, F_BQ); return 1;
        case '$': return dollar(s, f, x);
        default: return 1;
        }
    case F_ARITH:
        switch (c) {
        case '(': f->paren++; return 1;
        case ')':
            if (f->paren > 0) { f->paren--; return 1; }
            if (peek(s, x + 1) == ')') { pop(s); return 2; }
            lose(s, "cannot be quoted safely: a $((...)) before it is not closed by `))`");
            return 1;
        case '\\': return peek(s, x + 1) >= 0 ? 2 : 1;
        case '\'': push(s, F_SQ); return 1;
        case '"': push(s, F_DQ); return 1;
        case '`': push(s, F_BQ); return 1;
        case '$': return dollar(s, f, x);
        default: return 1;
        }
    default: /* F_COMMENT */
        if (c == '\n') { pop(s); return 0; }
        return 1;
    }
}

void rbk_sh_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt) {
    memset(h, 0, sizeof *h);
    h->nholes = nholes;
    h->holes = rbk_xcalloc((size_t)(nholes ? nholes : 1), sizeof(rbk_hole));
    shscan s;
    memset(&s, 0, sizeof s);
    flat_init(&s.fl, pieces, nholes);
    s.fmt = fmt;
    s.out = h;
    s.depth = 1;
    s.f[0].kind = F_CMD;
    s.f[0].word_start = 1;
    s.f[0].wlen = -1;
    size_t x = 0, len = s.fl.t.len;
    for (;;) {
        while (s.k < nholes && s.fl.hpos[s.k] == x) { sh_hole(&s, s.k); s.k++; }
        if (s.lost) break;
        if (s.hd && x >= s.hd_end) {
            if (x > s.hd_end || top(&s)->kind != F_HD) {
                lose(&s, "cannot be quoted safely: a here-document's body before it ends inside a quote or substitution");
                break;
            }
            pop(&s);
            s.hd = 0;
            x = s.hd_resume;
            top(&s)->word_start = 1;
            if (npending(&s)) start_body(&s, x);
            if (s.lost) break;
            continue;
        }
        if (x >= len) break;
        x += sh_step(&s, x);
    }
    for (; s.k < nholes; s.k++) sh_hole(&s, s.k); /* after the tracker got lost */
    for (int i = 0; i < s.npend; i++) rbk_sbuf_free(&s.pend[i].delim);
    free(s.pend);
    rbk_sbuf_free(&s.dword);
    flat_free(&s.fl);
}

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
    memset(h, 0, sizeof *h);
    h->nholes = nholes;
    h->holes = rbk_xcalloc((size_t)(nholes ? nholes : 1), sizeof(rbk_hole));
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

/* ==========================================================================================
 * The URL tracker: which part of an HTTP URL each hole stands in (RFC 3986: scheme ":" "//"
 * authority path "?" query "#" fragment; docs/http.md "Values in URLs"). A hole that starts
 * the literal is its base, and so is every hole before the first `/`, `?` or `#` after it
 * (unless a `://` follows the base: then it was the scheme, and the authority comes next).
 * A literal that does not start with a hole or `scheme://` is read as libcurl reads it, as if
 * it started with http://. In the path, each segment that holds a quoted value is a group:
 * the code generator builds it as one string and URLSEG checks it. */

enum { U_BASE, U_AUTH, U_PATH, U_QUERY, U_FRAG };

static int scheme_char(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}
static int hex_digit(int c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

typedef struct urlscan {
    flat fl;
    rbk_holes *out;
    int st;
    size_t auth_end, at; /* the authority ends before auth_end; its userinfo before at (or none) */
    int has_at, brackets, port;
    size_t seg_start;    /* the path segment being read starts here */
    int group;           /* its group, or -1 */
} urlscan;

/* The literal bytes from x up to (not including) the first of `stops` in it (holes do not
 * count), or the end. */
static size_t url_find(const urlscan *s, size_t x, const char *stops) {
    const char *t = s->fl.t.data;
    size_t len = s->fl.t.len;
    while (x < len && !strchr(stops, t[x])) x++;
    return x;
}

static void url_authority(urlscan *s, size_t x) {
    const char *t = s->fl.t.data;
    s->st = U_AUTH;
    s->auth_end = url_find(s, x, "/?#");
    s->has_at = 0;
    for (size_t i = x; i < s->auth_end; i++)
        if (t[i] == '@') { s->has_at = 1; s->at = i; }
    s->brackets = s->port = 0;
}

static void url_segment(urlscan *s, size_t x) {
    s->st = U_PATH;
    s->seg_start = x;
    s->group = -1;
}

static void url_hole(urlscan *s, int k, const unsigned char *fmt, int prev_hole) {
    rbk_hole *h = &s->out->holes[k];
    const char *t = s->fl.t.data;
    size_t x = s->fl.hpos[k];
    h->group = -1;
    h->ctx = RBK_URL_BASE;
    if (fmt[k] == RBK_HOLE_IDENT) {
        refuse(h, "quotes an SQL identifier, not a part of a URL",
               "write {x} (encoded for the part of the URL it stands in) or {x:raw} (URL text you vouch for)");
        return;
    }
    int raw = fmt[k] == RBK_HOLE_RAW;
    switch (s->st) {
    case U_BASE: return;
    case U_AUTH:
        if (raw) return;
        h->ctx = s->has_at && x <= s->at ? RBK_URL_USERINFO : s->port ? RBK_URL_PORT : RBK_URL_HOST;
        return;
    default: break;
    }
    /* the path, the query, the fragment: percent-encoded */
    h->ctx = s->st == U_PATH ? RBK_URL_PATH : s->st == U_QUERY ? RBK_URL_QUERY : RBK_URL_FRAGMENT;
    if (raw) { h->ctx = RBK_URL_BASE; }
    else if (!prev_hole && ((x >= 1 && t[x - 1] == '%') ||
                            (x >= 2 && t[x - 2] == '%' && hex_digit((unsigned char)t[x - 1]) && !hole_in(&s->fl, 0, x - 1, x - 1)))) {
        refuse(h, "comes right after a `%`: the value's first characters would complete a percent-escape",
               "write %25 for a literal `%` before the value (the value itself is encoded already)");
        return;
    }
    if (s->st != U_PATH || (raw && s->group < 0)) return;
    if (s->group < 0) {
        /* the segment holds a value: it is built as one string and checked (URLSEG) */
        rbk_holes *o = s->out;
        size_t end = url_find(s, x, "/?#");
        o->groups = rbk_xrealloc(o->groups, sizeof(rbk_hdgroup) * (size_t)(o->ngroups + 1));
        rbk_hdgroup *g = &o->groups[o->ngroups];
        memset(g, 0, sizeof *g);
        flat_locate(&s->fl, s->seg_start, 0, &g->from_piece, &g->from_off);
        flat_locate(&s->fl, end, 1, &g->to_piece, &g->to_off);
        g->first_hole = k;
        s->group = o->ngroups++;
    }
    h->group = s->group;
}

void rbk_url_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt) {
    memset(h, 0, sizeof *h);
    h->nholes = nholes;
    h->holes = rbk_xcalloc((size_t)(nholes ? nholes : 1), sizeof(rbk_hole));
    urlscan s;
    memset(&s, 0, sizeof s);
    s.out = h;
    s.group = -1;
    flat_init(&s.fl, pieces, nholes);
    const char *t = s.fl.t.data;
    size_t len = s.fl.t.len, x = 0;
    if (nholes > 0 && s.fl.hpos[0] == 0) {
        s.st = U_BASE;
    } else {
        size_t i = 0;
        if (len && ((t[0] | 0x20) >= 'a' && (t[0] | 0x20) <= 'z'))
            while (i < len && !hole_in(&s.fl, 0, i, i) && scheme_char((unsigned char)t[i])) i++;
        if (i > 0 && i + 3 <= len && !memcmp(t + i, "://", 3) && !hole_in(&s.fl, 0, i, i + 2)) x = i + 3;
        url_authority(&s, x); /* without a scheme, libcurl guesses http:// */
    }
    int k = 0, prev_hole = 0;
    for (;;) {
        for (; k < nholes && s.fl.hpos[k] == x; k++) {
            url_hole(&s, k, fmt, prev_hole);
            prev_hole = 1;
        }
        if (x >= len) break;
        prev_hole = 0;
        int c = (unsigned char)t[x];
        switch (s.st) {
        case U_BASE:
            if (c == ':' && x + 3 <= len && t[x + 1] == '/' && t[x + 2] == '/' && !hole_in(&s.fl, k, x + 1, x + 2)) {
                url_authority(&s, x + 3);
                x += 3;
                continue;
            }
            if (c == '/') url_segment(&s, x + 1);
            else if (c == '?') s.st = U_QUERY;
            else if (c == '#') s.st = U_FRAG;
            break;
        case U_AUTH:
            if (x == s.auth_end) {
                if (c == '/') url_segment(&s, x + 1);
                else s.st = c == '?' ? U_QUERY : U_FRAG;
            } else if (!s.has_at || x > s.at) {
                if (c == '[') s.brackets = 1;
                else if (c == ']') s.brackets = 0;
                else if (c == ':' && !s.brackets) s.port = 1;
            }
            break;
        case U_PATH:
            if (c == '/') url_segment(&s, x + 1);
            else if (c == '?') s.st = U_QUERY;
            else if (c == '#') s.st = U_FRAG;
            break;
        case U_QUERY:
            if (c == '#') s.st = U_FRAG;
            break;
        default: break;
        }
        x++;
    }
    flat_free(&s.fl);
}

/* ==========================================================================================
 * The pattern tracker: where each hole of the pattern literal of `s matches "..."` stands in
 * PCRE2's syntax (docs/language.md "Values in patterns"). An accepted hole is written as a
 * literal (REQUOTE: stdlib/std_re.h), which is exact outside and inside a character class.
 * Refused: inside \Q...\E (a backslash would be a literal there), inside a comment ((?#...),
 * or `#` to the end of the line once an option (?x) was set: a newline in the value would end
 * it), right after an unescaped `\` (it would escape the value's first escape), and right
 * after an escape that reads what follows it (\c, \x, \o, \N, \p, \P, \g, \k, a digit: the
 * value's first characters would continue it). */

enum { R_CODE, R_CLASS, R_QUOTE, R_PCOMMENT, R_XCOMMENT };

static int re_alnum(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

void rbk_re_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt) {
    memset(h, 0, sizeof *h);
    h->nholes = nholes;
    h->holes = rbk_xcalloc((size_t)(nholes ? nholes : 1), sizeof(rbk_hole));
    flat fl;
    flat_init(&fl, pieces, nholes);
    const char *t = fl.t.data;
    size_t len = fl.t.len, x = 0;
    int st = R_CODE, extended = 0, k = 0, qret = R_CODE;
    int pre = 0;            /* what stands right before the next hole: 0, '\\' or 'e' (an escape that reads on) */
    size_t class_start = 0; /* R_CLASS: where a `]` would still be a literal */
    for (;;) {
        for (; k < nholes && fl.hpos[k] == x; k++) {
            rbk_hole *o = &h->holes[k];
            o->group = -1;
            o->ctx = 1;
            if (fmt[k] == RBK_HOLE_RAW) { o->ctx = 0; pre = 0; continue; }
            if (fmt[k] == RBK_HOLE_IDENT)
                refuse(o, "quotes an SQL identifier, not a part of a pattern",
                       "write {x} (matched as the literal text it holds) or {x:raw} (a pattern you vouch for)");
            else if (st == R_QUOTE)
                refuse(o, "is inside \\Q...\\E, where the escapes that make the value a literal would be literal backslashes",
                       "end the \\Q...\\E before the value: \\Q...\\E{x} (the value is matched literally already)");
            else if (st == R_PCOMMENT || st == R_XCOMMENT)
                refuse(o, "is inside a comment of the pattern, which a `)` or newline in the value would end",
                       "take the value out of the comment");
            else if (pre == '\\')
                refuse(o, "comes right after a `\\`, which would escape the value's first character and undo its escape",
                       "remove the backslash (the value is matched literally already); for a literal backslash before "
                       "the value write \\\\\\\\{x}");
            else if (pre == 'e')
                refuse(o, "comes right after an escape that reads the characters after it (\\x, \\c, \\p, \\g, \\k, \\1 ...): "
                          "the value's first characters would continue it",
                       "put the escape in a group before the value: (?:\\1){x}");
            pre = 0;
            if (st == R_CLASS) class_start = SIZE_MAX; /* after a value, a `]` ends the class */
        }
        if (x >= len) break;
        int c = (unsigned char)t[x];
        int nx = hole_in(&fl, k, x + 1, x + 1) ? NONE_HOLE : x + 1 < len ? (unsigned char)t[x + 1] : AT_END;
        size_t used = 1;
        pre = 0;
        switch (st) {
        case R_CODE:
        case R_CLASS:
            if (c == '\\') {
                if (nx == NONE_HOLE) { pre = '\\'; break; }
                if (nx == AT_END) break;
                used = 2;
                if (nx == 'Q') { qret = st; st = R_QUOTE; break; }
                if ((nx && strchr("cxoNpPgk", nx)) || (nx >= '0' && nx <= '9')) {
                    /* an escape with an argument: a braced one ends at its close; an unbraced
                     * one that can read more (\x4, \12, \c, \p, \g1) refuses a value right
                     * after it */
                    size_t y = x + 2;
                    int at = y < len && !hole_in(&fl, k, y, y) ? (unsigned char)t[y] : -1;
                    int close = at == '{' ? '}' : at == '<' ? '>' : at == '\'' ? '\'' : 0;
                    if (close && strchr("xoNpPgk", nx)) {
                        y++;
                        while (y < len && t[y] != close && !hole_in(&fl, k, y, y)) y++;
                        used = (y < len && t[y] == close ? y + 1 : y) - x;
                        break;
                    }
                    int more = 0; /* how many more characters the escape may read */
                    if (nx == 'x') more = 2;
                    else if (nx == 'c' || nx == 'p' || nx == 'P') more = 1;
                    else if (nx == 'g' || (nx >= '0' && nx <= '9')) more = -1; /* digits, any number */
                    if (nx == 'g' && at == '-') y++;
                    while (more != 0 && y < len && !hole_in(&fl, k, y, y)) {
                        int d = (unsigned char)t[y];
                        int fits = nx == 'x' ? (d >= '0' && d <= '9') || ((d | 0x20) >= 'a' && (d | 0x20) <= 'f')
                                 : nx == 'c' ? d >= 0x20 && d < 0x7f
                                 : nx == 'p' || nx == 'P' ? re_alnum(d)
                                 : d >= '0' && d <= '9';
                        if (!fits) break;
                        y++;
                        if (more > 0) more--;
                    }
                    used = y - x;
                    if (more != 0) pre = 'e';
                }
                break;
            }
            if (st == R_CLASS) {
                if (c == '[' && nx == ':') { /* [:alpha:] */
                    size_t y = x + 2;
                    while (y + 1 < len && !(t[y] == ':' && t[y + 1] == ']') && !hole_in(&fl, k, y, y)) y++;
                    used = y + 1 < len && t[y] == ':' ? y + 2 - x : 1;
                } else if (c == ']' && x != class_start) st = R_CODE;
                break;
            }
            if (c == '[') {
                st = R_CLASS;
                class_start = x + 1;
                if (nx == '^') class_start = x + 2;
            } else if (c == '(' && nx == '?') {
                size_t y = x + 2;
                if (y < len && t[y] == '#' && !hole_in(&fl, k, y, y)) { st = R_PCOMMENT; used = 3; break; }
                /* inline options (?imsx-imsx) or (?x: ... ): any x may turn the extended syntax on */
                while (y < len && !hole_in(&fl, k, y, y) && (re_alnum((unsigned char)t[y]) || t[y] == '-' || t[y] == '^')) {
                    if (t[y] == 'x') extended = 1;
                    y++;
                }
            } else if (c == '#' && extended) {
                st = R_XCOMMENT;
            }
            break;
        case R_QUOTE:
            if (c == '\\' && nx == 'E') { st = qret; used = 2; }
            break;
        case R_PCOMMENT:
            if (c == ')') st = R_CODE;
            break;
        default: /* R_XCOMMENT */
            if (c == '\n') st = R_CODE;
            break;
        }
        x += used;
    }
    flat_free(&fl);
}

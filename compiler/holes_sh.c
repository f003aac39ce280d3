/* compiler/holes_sh.c — the POSIX shell context tracker: where each {expr} of a sh() command
 * literal stands in the shell text around it (rbk_sh_holes, contract in holes.h; the rules and
 * their reasons in docs/shell.md).
 * Owns: the frames of shell quoting it models, here-document bodies and their line groups,
 * the shell messages.
 * Shares invariants with: support/shquote.c and support/shquote.h (what each RBK_SH_* context's
 * quoting does, the here-document check), compiler/holes_flat.h, tests/unit/test_holes.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "holes_flat.h"
#include "../support/shquote.h"

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
    holes_start(h, nholes);
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

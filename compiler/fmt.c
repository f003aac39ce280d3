/* compiler/fmt.c — the formatter (compiler/fmt.h; the layout: docs/style.md).
 *
 * It works on the token stream, not on the AST: the lexer (grammar/lexer.re, unchanged, the
 * same that feeds the parser) gives every token with its byte span, and what lies between two
 * tokens can only be blanks, newlines, `\`-newlines and comments, so comments and blank lines
 * are read from those gaps. Each token is written as its exact source bytes: a string literal is
 * one piece from its opening to its closing quote(s), interpolations, `{x:raw}` holes and
 * """ bodies included, so no text the program sees can change; numbers and durations keep their
 * spelling. Only the gaps are rewritten: indentation, spaces, line breaks, blank lines and the
 * column of trailing comments. A file is formatted only once the parser accepts it.
 *
 * Where a newline may go is the lexer's rule (lex_filter): inside ( ) and [ ] a newline is
 * blank, after a binary operator, a comma, `(`, `[` or `{` it continues the line, before `else`,
 * `rollback` and `irreversible` it is glued; anywhere else it ends a statement. So in a block
 * the formatter keeps every newline of the source (a newline that ended a statement still does,
 * one that continued a line still does, indented one level more) and adds newlines only after a
 * block's `{`, before its `}`, and in a call, list or map it breaks (after the opening bracket
 * and after each comma, where a newline is blank or continues the line). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../grammar/lexstate.h"
#include "fmt.h"
#include "parser.h"

enum { FT_STR = 100000 }; /* a whole "..." or """...""" literal, its interpolations included */

/* What an opening bracket opens (and its closing one closes). */
enum { C_TOP, C_BLOCK, C_MAP, C_CALL, C_PARAMS, C_PAREN, C_LIST, C_INDEX };

typedef struct ftok {
    int kind;          /* the parser's token kind, or FT_STR */
    uint32_t off, end; /* source bytes */
    int match;         /* a bracket's partner */
    uint8_t cls;       /* a bracket's C_* */
    uint8_t nl;        /* newlines in the gap before it that are not `\`-newlines (at most 255) */
    uint8_t comment;   /* the gap before it holds a comment */
    uint8_t bs;        /* the gap before it holds a `\`-newline */
    uint8_t unary;     /* a `-` that is a sign */
} ftok;

typedef struct fctx {
    int kind;          /* C_* */
    int broken;        /* a group written one item a line */
    int fill;          /* broken, its items (no brackets in them) filling each line */
    int indent;        /* the level of the lines inside */
    int outer;         /* the level of the line it opened on (its closing bracket's) */
    int open, close;   /* token indices (-1, ntok for the file) */
    int last_sep;      /* the last comma between its items */
} fctx;

typedef struct gcom { uint32_t off, len; int nlb; } gcom; /* a comment of a gap, newlines before it */
typedef struct tcom { size_t at; uint32_t off, len; int line, col; } tcom; /* a trailing comment */

typedef struct fmtr {
    const char *src;
    size_t n;
    uint32_t start;    /* after a byte-order mark */
    ftok *t;
    int nt, capt;
    fctx *cx;
    int ncx, capcx;
    gcom *g;           /* the gap being written */
    int ng, capg, g_after; /* its comments, and the newlines after the last one */
    rbk_sbuf body;     /* the text without its trailing comments */
    tcom *tc;
    int ntc, captc;
    int line, col;     /* where the next byte of body goes */
    int at_bol;        /* nothing written on the current line yet */
    int indent;        /* the level of the current line */
    int space;         /* a space is due before the next text on this line */
} fmtr;

/* ---- tokens ---------------------------------------------------------------------------------- */

static int is_opener(int k) { return k == '(' || k == '[' || k == '{'; }
static int is_closer(int k) { return k == ')' || k == ']' || k == '}'; }
static int is_keyword(int k) {
    switch (k) {
    case TK_RUNBOOK: case TK_ENV: case TK_PARAM: case TK_USE: case TK_LET: case TK_FN: case TK_RETURN:
    case TK_SECTION: case TK_STEP: case TK_ROLLBACK: case TK_IRREVERSIBLE: case TK_EXPECT: case TK_STOP_IF:
    case TK_FAIL: case TK_WATCH: case TK_WITHIN: case TK_EVERY: case TK_IF: case TK_ELSE: case TK_FOR:
    case TK_IN: case TK_AND: case TK_OR: case TK_NOT: case TK_CONTAINS: case TK_MATCHES: case TK_TRUE:
    case TK_FALSE: case TK_NIL: case TK_AS:
        return 1;
    default:
        return 0;
    }
}
/* The lexer's continues_line: a newline after this token does not end the statement. */
static int continues(int k) {
    switch (k) {
    case ',': case '+': case '-': case '*': case '/': case '%': case '<': case '>': case '=': case '.':
    case ':': case '(': case '[': case '{': case TK_EQ: case TK_NE: case TK_LE: case TK_GE: case TK_DOTDOT:
    case TK_AND: case TK_OR: case TK_NOT: case TK_CONTAINS: case TK_MATCHES: case TK_IN:
        return 1;
    default:
        return 0;
    }
}
/* Whether token i ends an operand: a `(` or `[` right after it is a call or an index, a `-` a
 * subtraction, a `{` a block. */
static int operand_end(const fmtr *F, int i) {
    if (i < 0) return 0;
    switch (F->t[i].kind) {
    case TK_IDENT: case TK_INT: case TK_FLOAT: case TK_DURATION: case TK_PERCENT: case FT_STR: case TK_RAW_STRING:
    case TK_TRUE: case TK_FALSE: case TK_NIL: case TK_ENV: case ')': case ']':
        return 1;
    case '}':
        return F->t[i].cls == C_MAP;
    default:
        return 0;
    }
}

static void tok_push(fmtr *F, int kind, uint32_t off, uint32_t end) {
    if (F->nt == F->capt) {
        F->capt = F->capt ? F->capt * 2 : 256;
        F->t = rbk_xrealloc(F->t, sizeof *F->t * (size_t)F->capt);
    }
    /* a keyword after `.` is a field name (x.step) */
    if (F->nt > 0 && F->t[F->nt - 1].kind == '.' && is_keyword(kind)) kind = TK_IDENT;
    ftok *t = &F->t[F->nt++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->off = off;
    t->end = end;
    t->match = -1;
}

/* The tokens of the source, a string literal as one token. Lexer errors cannot happen here:
 * the parser accepted the file (the lexer reports into a throwaway list all the same). */
static void lex_all(fmtr *F, rbk_diags *diags, int file) {
    rbk_arena *arena = rbk_arena_new();
    rbk_diags quiet;
    rbk_diags_init(&quiet, diags->sources);
    rbk_lexer L;
    rbk_lex_init(&L, F->src, F->n, file, arena, &quiet);
    union rbk_yyvalue v;
    rbk_loc loc;
    int depth = 0;
    uint32_t from = 0;
    for (;;) {
        int k = rbk_lex_next(&L, &v, &loc);
        if (k == TK_END) break;
        if (k == TK_NL) continue;
        if (depth > 0) { /* inside an interpolated string: it is written whole */
            if (k == TK_STR_HEAD || k == TK_STR_HEAD3) depth++;
            else if ((k == TK_STR_TAIL || k == TK_STR_TAIL3) && --depth == 0) tok_push(F, FT_STR, from, loc.end);
            continue;
        }
        if (k == TK_STR_HEAD || k == TK_STR_HEAD3) { depth = 1; from = loc.off; continue; }
        if (k == TK_STR_PLAIN || k == TK_STR_PLAIN3) k = FT_STR;
        tok_push(F, k, loc.off, loc.end);
    }
    rbk_lex_free(&L);
    rbk_diags_free(&quiet);
    rbk_arena_free(arena);
}

/* What the gap before each token holds, the brackets' partners and kinds, and which `-` are
 * signs. A newline is significant (ends a statement) in a block, or a map, unless the token
 * before it continues the line; inside ( ) and [ ] it is blank. */
static void classify(fmtr *F) {
    int *stack = rbk_xmalloc(sizeof(int) * (size_t)(F->nt + 1));
    int sp = 0;
    for (int i = 0; i < F->nt; i++) {
        ftok *t = &F->t[i];
        uint32_t a = i ? F->t[i - 1].end : F->start;
        int nl = 0;
        for (uint32_t p = a; p < t->off; p++) {
            char c = F->src[p];
            if (c == '\n') nl++;
            else if (c == '#') { t->comment = 1; while (p + 1 < t->off && F->src[p + 1] != '\n') p++; }
            else if (c == '\\') { /* \ blanks newline: the lexer skips both */
                t->bs = 1;
                while (p + 1 < t->off && F->src[p + 1] != '\n') p++;
                p++;
            }
        }
        t->nl = (uint8_t)(nl > 255 ? 255 : nl);
        int top = sp ? F->t[stack[sp - 1]].cls : C_TOP;
        int sig_nl = i > 0 && nl > 0 && (top == C_TOP || top == C_BLOCK || top == C_MAP) && !continues(F->t[i - 1].kind);
        int after_operand = !sig_nl && operand_end(F, i - 1);
        if (t->kind == '-') t->unary = !after_operand;
        if (t->kind == '{') {
            int pk = i ? F->t[i - 1].kind : 0;
            t->cls = after_operand || (!sig_nl && (pk == TK_ELSE || pk == TK_ROLLBACK)) ? C_BLOCK : C_MAP;
        } else if (t->kind == '(') {
            t->cls = !after_operand ? C_PAREN : i >= 2 && F->t[i - 2].kind == TK_FN ? C_PARAMS : C_CALL;
        } else if (t->kind == '[') {
            t->cls = after_operand ? C_INDEX : C_LIST;
        }
        if (is_opener(t->kind)) stack[sp++] = i;
        else if (is_closer(t->kind) && sp > 0) {
            int o = stack[--sp];
            F->t[o].match = i;
            t->match = o;
            t->cls = F->t[o].cls;
        }
    }
    free(stack);
}

/* ---- output ---------------------------------------------------------------------------------- */

static void put(fmtr *F, const char *p, size_t n) {
    if (F->at_bol) {
        for (int i = 0; i < F->indent * RBK_FMT_INDENT; i++) rbk_sbuf_addc(&F->body, ' ');
        F->col = F->indent * RBK_FMT_INDENT;
        F->at_bol = 0;
    } else if (F->space) {
        rbk_sbuf_addc(&F->body, ' ');
        F->col++;
    }
    F->space = 0;
    rbk_sbuf_add(&F->body, p, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\n') { F->line++; F->col = 0; }
        else if ((c & 0xC0) != 0x80) F->col++; /* characters, not bytes */
    }
}
static void end_line(fmtr *F) {
    if (F->at_bol) return;
    rbk_sbuf_addc(&F->body, '\n');
    F->line++;
    F->col = 0;
    F->at_bol = 1;
    F->space = 0;
}
/* One empty line here (never two, never at the top of the file). */
static void blank_line(fmtr *F) {
    end_line(F);
    size_t n = F->body.len;
    if (n == 0 || (n >= 2 && F->body.data[n - 2] == '\n')) return;
    rbk_sbuf_addc(&F->body, '\n');
    F->line++;
}
/* A comment at the end of the current line: its column is decided at the end (align()). */
static void trailing(fmtr *F, const gcom *c) {
    if (F->at_bol) { /* nothing before it on the line: a comment of its own */
        put(F, F->src + c->off, c->len);
        end_line(F);
        return;
    }
    if (F->ntc == F->captc) {
        F->captc = F->captc ? F->captc * 2 : 64;
        F->tc = rbk_xrealloc(F->tc, sizeof *F->tc * (size_t)F->captc);
    }
    F->tc[F->ntc++] = (tcom){F->body.len, c->off, c->len, F->line, F->col};
    end_line(F);
}
static void own_line(fmtr *F, const gcom *c, int indent) {
    end_line(F);
    F->indent = indent;
    put(F, F->src + c->off, c->len);
    end_line(F);
}

/* The comments of the gap [a, b) into F->g (text without trailing blanks), the newlines
 * before each (`\`-newlines not counted) and after the last into F->g_after. */
static void scan_gap(fmtr *F, uint32_t a, uint32_t b) {
    F->ng = 0;
    int nl = 0;
    for (uint32_t p = a; p < b; p++) {
        char c = F->src[p];
        if (c == '\n') nl++;
        else if (c == '\\') { while (p + 1 < b && F->src[p + 1] != '\n') p++; p++; }
        else if (c == '#') {
            uint32_t q = p;
            while (q < b && F->src[q] != '\n') q++;
            uint32_t e = q;
            while (e > p && (F->src[e - 1] == ' ' || F->src[e - 1] == '\t' || F->src[e - 1] == '\r')) e--;
            if (F->ng == F->capg) {
                F->capg = F->capg ? F->capg * 2 : 16;
                F->g = rbk_xrealloc(F->g, sizeof *F->g * (size_t)F->capg);
            }
            F->g[F->ng++] = (gcom){p, e - p, nl};
            nl = 0;
            p = q - 1;
        }
    }
    F->g_after = nl;
}
/* Writes the comments of the gap: the first, when on the line of the token before, stays at the
 * end of that line; the others each on a line at `indent`, an empty line kept before one that
 * had one (blanks: 0 never). Returns whether an empty line is due before what follows. */
static int gap_comments(fmtr *F, int indent, int blanks) {
    int k = 0;
    if (F->ng > 0 && F->g[0].nlb == 0) trailing(F, &F->g[k++]);
    for (; k < F->ng; k++) {
        if (blanks && F->g[k].nlb >= 2) blank_line(F);
        own_line(F, &F->g[k], indent);
    }
    return blanks && (F->ng ? F->g_after : 0) >= 2;
}

/* ---- layout ---------------------------------------------------------------------------------- */

/* A space between tokens p and i on one line? */
static int want_space(const fmtr *F, int p, int i) {
    const ftok *a = &F->t[p], *b = &F->t[i];
    if (b->kind == ',' || b->kind == ':' || b->kind == ')' || b->kind == ']' || b->kind == '.' || b->kind == TK_DOTDOT)
        return 0;
    if (a->kind == '(' || a->kind == '[' || a->kind == '.' || a->kind == TK_DOTDOT) return 0;
    if (a->kind == '{' && a->cls == C_MAP) return 0;
    if (b->kind == '}' && b->cls == C_MAP) return 0;
    if (a->kind == '-' && a->unary) return 0;
    if ((b->kind == '(' || b->kind == '[') && (b->cls == C_CALL || b->cls == C_PARAMS || b->cls == C_INDEX)) return 0;
    return 1;
}
static int has_newline(const fmtr *F, int i) { return memchr(F->src + F->t[i].off, '\n', F->t[i].end - F->t[i].off) != NULL; }
static int width_of(const fmtr *F, int i) {
    int w = 0;
    for (uint32_t p = F->t[i].off; p < F->t[i].end && F->src[p] != '\n'; p++)
        if (((unsigned char)F->src[p] & 0xC0) != 0x80) w++;
    return w;
}
/* The columns tokens (o, c] take written on one line (up to a string's first newline), or more
 * than `room` when that is more. */
static int flat_width(const fmtr *F, int o, int c, int room) {
    int w = 0;
    for (int i = o + 1; i <= c && w <= room; i++) {
        if (want_space(F, i - 1, i)) w++;
        w += width_of(F, i);
        if (has_newline(F, i)) break;
    }
    return w;
}
static int trailing_comma(int kind) { return kind == C_CALL || kind == C_LIST || kind == C_MAP; }

static fctx *push_ctx(fmtr *F, int kind, int open, int close) {
    if (F->ncx == F->capcx) {
        F->capcx = F->capcx ? F->capcx * 2 : 32;
        F->cx = rbk_xrealloc(F->cx, sizeof *F->cx * (size_t)F->capcx);
    }
    fctx *c = &F->cx[F->ncx++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->open = open;
    c->close = close;
    c->last_sep = -1;
    c->outer = F->indent;
    c->indent = kind == C_TOP ? 0 : F->indent + 1;
    return c;
}

/* Broken (1: one item a line; 2: a list or fn parameters whose items hold no brackets, filling
 * each line) or on one line (0): a group is broken when the source breaks the line right after
 * its opening bracket, when a comment is among its items, or when it has two items or more and
 * does not fit in RBK_FMT_WIDTH columns. Called with its opening bracket written. */
static int decide_broken(const fmtr *F, int o) {
    int c = F->t[o].match;
    if (c == o + 1) return F->t[c].comment;
    if (F->t[o + 1].comment) return 1;
    /* last: the last token of its own level (a nested group: its closing bracket); fill: no
     * item is wider than RBK_FMT_WIDTH / 3 nor holds a group broken by the source */
    int commas = 0, last = -1, kind = F->t[o].cls, fill = kind == C_LIST || kind == C_PARAMS, from = o + 1;
    for (int k = o + 1; k < c;) {
        if (F->t[k].comment) return 1;
        if (F->t[k].kind == ',') {
            commas++;
            if (flat_width(F, from - 1, k - 1, RBK_FMT_WIDTH / 3) > RBK_FMT_WIDTH / 3) fill = 0;
            from = k + 1;
        }
        if ((is_opener(F->t[k].kind) && (F->t[k + 1].nl || F->t[k + 1].bs)) || (F->t[k].kind == FT_STR && has_newline(F, k))) fill = 0;
        last = is_opener(F->t[k].kind) ? F->t[k].match : k;
        k = last + 1;
    }
    if (from < c && flat_width(F, from - 1, c - 1, RBK_FMT_WIDTH / 3) > RBK_FMT_WIDTH / 3) fill = 0;
    fill = fill ? 2 : 1;
    if (F->t[c].comment) return 1;
    if (F->t[o + 1].nl || F->t[o + 1].bs) return fill;
    int items = commas + (last >= 0 && F->t[last].kind != ',');
    if (items < 2 || kind == C_PAREN || kind == C_INDEX) return 0;
    int room = RBK_FMT_WIDTH - F->col;
    return flat_width(F, o, c, room) > room ? fill : 0;
}

/* The gap before token i (i == nt: the end of the file) and the line break or space it becomes. */
static void gap(fmtr *F, int i) {
    fctx *c = &F->cx[F->ncx - 1];
    int p = i - 1;
    uint32_t a = p >= 0 ? F->t[p].end : F->start, b = i < F->nt ? F->t[i].off : (uint32_t)F->n;
    if (i == 0 || i == F->nt) { /* the top or the end of the file */
        scan_gap(F, a, b);
        int k = 0;
        if (i > 0 && F->ng > 0 && F->g[0].nlb == 0) trailing(F, &F->g[k++]);
        for (; k < F->ng; k++) {
            if (k > 0 && F->g[k].nlb >= 2) blank_line(F);
            own_line(F, &F->g[k], 0);
        }
        if (i == 0 && F->ng > 0 && F->g_after >= 2) blank_line(F);
        end_line(F);
        F->indent = 0;
        return;
    }
    const ftok *t = &F->t[i], *pt = &F->t[p];
    if (i == c->close) { /* the closing bracket of the innermost group or block */
        if (c->kind != C_BLOCK && !c->broken) { F->space = 0; return; }
        if (p == c->open && !t->comment) { F->space = 0; return; } /* {} */
        if (c->broken && trailing_comma(c->kind) && p != c->open && pt->kind != ',') {
            F->space = 0;
            put(F, ",", 1);
        }
        if (t->comment) {
            scan_gap(F, a, b);
            gap_comments(F, c->indent, p != c->open);
        }
        end_line(F);
        F->indent = c->outer;
        return;
    }
    if (c->kind == C_TOP || c->kind == C_BLOCK) {
        if (p == c->open) { /* the first line of a block */
            if (t->comment) {
                scan_gap(F, a, b);
                gap_comments(F, c->indent, 0);
            }
            end_line(F);
            F->indent = c->indent;
            return;
        }
        if (!t->nl && !t->comment) {
            if (t->bs) { /* kept: the author's line break */
                F->space = 1;
                put(F, "\\", 1);
                end_line(F);
                F->indent = c->indent + 1;
                return;
            }
            F->space = want_space(F, p, i);
            return;
        }
        if ((t->kind == TK_ELSE || t->kind == TK_ROLLBACK || t->kind == TK_IRREVERSIBLE) && pt->kind == '}' && !t->comment) {
            F->space = 1; /* } else {, } rollback {: the lexer glues them */
            return;
        }
        scan_gap(F, a, b);
        if (continues(pt->kind)) { /* the statement goes on: one level deeper */
            gap_comments(F, c->indent + 1, 0);
            end_line(F);
            F->indent = c->indent + 1;
            return;
        }
        /* a new statement: empty lines kept (one at most); a step, section or fn is set apart
         * by one, before the comments right above it */
        int k = 0;
        if (F->ng > 0 && F->g[0].nlb == 0) trailing(F, &F->g[k++]);
        int first = k, blank_at = -1; /* the item (comment k, or F->ng: the token) after an empty line */
        for (int j = k; j < F->ng; j++)
            if (F->g[j].nlb >= 2) blank_at = j;
        if ((F->ng > first ? F->g_after : t->nl) >= 2) blank_at = F->ng;
        if (blank_at < 0 && (t->kind == TK_STEP || t->kind == TK_SECTION || t->kind == TK_FN)) blank_at = first;
        for (int j = k; j <= F->ng; j++) {
            int blank = j < F->ng ? F->g[j].nlb >= 2 : (F->ng > first ? F->g_after : t->nl) >= 2;
            if (blank || j == blank_at) blank_line(F);
            if (j < F->ng) own_line(F, &F->g[j], c->indent);
        }
        end_line(F);
        F->indent = c->indent;
        return;
    }
    /* a group: a call, fn parameters, a list, a map, an index, parentheses */
    if (p == c->open || p == c->last_sep) {
        if (!c->broken) { F->space = p != c->open; return; }
        if (c->fill && p != c->open && !t->comment && t->nl < 2) {
            /* the next item, its comma included, on this line if it fits */
            int w = 1;
            for (int k = i; k < c->close && F->t[k].kind != ','; k++) {
                w += (k > i && want_space(F, k - 1, k)) + width_of(F, k);
                if (is_opener(F->t[k].kind)) { w += flat_width(F, k, F->t[k].match, RBK_FMT_WIDTH); k = F->t[k].match; }
            }
            if (F->col + 1 + w <= RBK_FMT_WIDTH) { F->space = 1; return; }
        }
        int due = 0;
        if (t->comment) {
            scan_gap(F, a, b);
            due = gap_comments(F, c->indent, p != c->open);
        } else due = p != c->open && t->nl >= 2;
        if (due) blank_line(F);
        end_line(F);
        F->indent = c->indent;
        return;
    }
    if (t->comment) { /* inside an item: the item goes on after it, one level deeper */
        scan_gap(F, a, b);
        gap_comments(F, c->indent + 1, 0);
        end_line(F);
        F->indent = c->indent + 1;
        return;
    }
    F->space = want_space(F, p, i);
}

static void token(fmtr *F, int i) {
    const ftok *t = &F->t[i];
    fctx *c = &F->cx[F->ncx - 1];
    if (t->kind == ',' && c->kind >= C_MAP && !c->broken && i + 1 == c->close) return; /* f(a, b,) */
    put(F, F->src + t->off, t->end - t->off);
    if (t->kind == ',' && c->kind >= C_MAP) c->last_sep = i;
    if (is_opener(t->kind) && t->match > i) {
        int broken = t->cls == C_BLOCK ? 1 : decide_broken(F, i);
        fctx *n = push_ctx(F, t->cls, i, t->match);
        n->broken = broken != 0;
        n->fill = broken == 2;
    } else if (is_closer(t->kind) && F->ncx > 1 && i == c->close) {
        F->ncx--;
    }
}

/* Trailing comments in runs of consecutive lines start in one column, two spaces after the
 * longest code of the run. */
static void assemble(fmtr *F, rbk_sbuf *out) {
    size_t from = 0;
    for (int r = 0; r < F->ntc;) {
        int e = r + 1, maxcol = F->tc[r].col;
        while (e < F->ntc && F->tc[e].line == F->tc[e - 1].line + 1) {
            if (F->tc[e].col > maxcol) maxcol = F->tc[e].col;
            e++;
        }
        for (int k = r; k < e; k++) {
            const tcom *x = &F->tc[k];
            rbk_sbuf_add(out, F->body.data + from, x->at - from);
            for (int s = x->col; s < maxcol + 2; s++) rbk_sbuf_addc(out, ' ');
            rbk_sbuf_add(out, F->src + x->off, x->len);
            from = x->at;
        }
        r = e;
    }
    rbk_sbuf_add(out, F->body.data + from, F->body.len - from);
}

/* The parser's verdict, its messages into diags: the fast parser first, the one with exact
 * messages only when that one reports anything (as compiler/compile.c does). */
static int parses(const char *src, size_t n, rbk_diags *diags, int file) {
    int (*parsers[2])(rbk_parser *) = {
#ifdef RBK_FAST_PARSER
        rbk_parse_fast,
#else
        rbk_parse,
#endif
        rbk_parse};
    for (int k = 0; k < 2; k++) {
        rbk_diags quiet;
        rbk_diags_init(&quiet, diags->sources);
        rbk_diags *to = k == 0 ? &quiet : diags;
        int before = to->nerrors;
        rbk_arena *arena = rbk_arena_new();
        rbk_lexer L;
        rbk_lex_init(&L, src, n, file, arena, to);
        rbk_parser P = {0};
        P.L = &L;
        P.arena = arena;
        P.diags = to;
        P.file = file;
        P.text = src;
        parsers[k](&P);
        rbk_lex_free(&L);
        rbk_arena_free(arena);
        int ok = to->nerrors == before;
        rbk_diags_free(&quiet);
        if (ok || k == 1) return ok;
    }
    return 0;
}

int rbk_fmt_source(const char *src, size_t n, rbk_sbuf *out, rbk_diags *diags, int file) {
    if (!parses(src, n, diags, file)) return -1;
    fmtr F;
    memset(&F, 0, sizeof F);
    F.src = src;
    F.n = n;
    F.start = rbk_source_bom(src, n);
    F.at_bol = 1;
    F.capt = (int)(n / 6 < INT32_MAX / 2 ? n / 6 : INT32_MAX / 2) + 64; /* about a token per 6 bytes: no copies */
    F.t = rbk_xmalloc(sizeof *F.t * (size_t)F.capt);
    rbk_sbuf_reserve(&F.body, n + n / 8 + 64);
    lex_all(&F, diags, file);
    classify(&F);
    push_ctx(&F, C_TOP, -1, F.nt);
    if (F.start) rbk_sbuf_add(&F.body, src, F.start); /* a byte-order mark stays */
    for (int i = 0; i <= F.nt; i++) {
        gap(&F, i);
        if (i < F.nt) token(&F, i);
    }
    assemble(&F, out);
    rbk_sbuf_free(&F.body);
    free(F.t);
    free(F.cx);
    free(F.g);
    free(F.tc);
    return 0;
}

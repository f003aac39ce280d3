/* grammar/lexer.re — the re2c lexer (docs/language.md §2). Generated into the build tree with
 *   re2c -W -Werror --no-generation-date -c -t lexer_cond.h
 * Conditions: INIT (code), DQ ("..." pieces), TQ ("""...""" pieces). A `{` inside a string
 * pushes an interpolation level and switches to INIT; the matching `}` pops back. Every
 * condition's end-of-input rule leads back to INIT and end of file (docs/contributing.md, Toolchain: a condition
 * that returns an error token at EOF without switching back makes recovery loop forever).
 * Newlines: see lex_filter() — a newline ends a statement unless inside ( ) or [ ], after a
 * binary operator or comma, or before `else` / `rollback` / `irreversible`. */
#include "grammar/lexstate.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "parser.h"
#include "lexer_cond.h"

/* The lexer already reported the problem: Bison recovers without a second message. */
#define TK_ERROR_TOKEN TK_YYerror

void rbk_lex_init(rbk_lexer *L, const char *src, size_t len, int file, rbk_arena *arena,
                  rbk_diags *diags) {
    memset(L, 0, sizeof *L);
    L->src = L->cur = (const unsigned char *)src;
    L->lim = L->src + len; /* src[len] must be NUL (the sentinel) */
    L->cur += rbk_source_bom(src, len); /* a UTF-8 byte-order mark starts no token */
    L->file = file;
    L->arena = arena;
    L->diags = diags;
    L->cond = yycINIT;
}
void rbk_lex_free(rbk_lexer *L) { rbk_sbuf_free(&L->text); }

static uint32_t pos(rbk_lexer *L, const unsigned char *p) { return (uint32_t)(p - L->src); }
static void lex_error(rbk_lexer *L, const unsigned char *from, const unsigned char *to,
                      const char *msg, const char *hint) {
    rbk_diag *d = rbk_diag_add(L->diags, RBK_SEV_ERROR, "syntax", L->file, pos(L, from), pos(L, to), "%s", msg);
    if (hint) rbk_diag_hint(d, "%s", hint);
}
static char *tok_str(rbk_lexer *L, const unsigned char *a, const unsigned char *b) {
    return rbk_arena_strndup(L->arena, (const char *)a, (size_t)(b - a));
}
static int number(rbk_lexer *L, const unsigned char *a, const unsigned char *b, YYSTYPE *v) {
    int64_t x = 0;
    for (const unsigned char *p = a; p < b; p++) {
        if (*p == '_') continue;
        if (x > (INT64_MAX - (*p - '0')) / 10) {
            lex_error(L, a, b, "integer literal is too large (the limit is 9223372036854775807)", NULL);
            v->i = 0;
            return TK_INT;
        }
        x = x * 10 + (*p - '0');
    }
    v->i = x;
    return TK_INT;
}
static int duration(rbk_lexer *L, const unsigned char *a, const unsigned char *b, YYSTYPE *v) {
    const unsigned char *u = b;
    while (u > a && ((u[-1] >= 'a' && u[-1] <= 'z'))) u--;
    int64_t mult = 1;
    size_t ul = (size_t)(b - u);
    if (ul == 2) mult = 1; /* ms */
    else if (*u == 's') mult = 1000;
    else if (*u == 'm') mult = 60000;
    else if (*u == 'h') mult = 3600000;
    else if (*u == 'd') mult = 86400000;
    /* whole numbers: the product is exact below 2^53, where strtod()*mult below is exact too */
    int64_t x = 0;
    int digits = 0;
    const unsigned char *q = a;
    for (; q < u && x < ((int64_t)1 << 53); q++)
        if (*q != '_') {
            if (*q < '0' || *q > '9') break;
            x = x * 10 + (*q - '0');
            digits++;
        }
    if (q == u && digits < 62 && x < ((int64_t)1 << 53) / mult) {
        v->i = x * mult;
        return TK_DURATION;
    }
    char buf[64];
    size_t n = 0;
    for (const unsigned char *p = a; p < u && n + 1 < sizeof buf; p++)
        if (*p != '_') buf[n++] = (char)*p;
    buf[n] = 0;
    double d = strtod(buf, NULL) * (double)mult;
    if (d > 9.2e18 || n + 1 >= sizeof buf) {
        lex_error(L, a, b, "duration literal is too large", NULL);
        d = 0;
    }
    v->i = (int64_t)llround(d);
    return TK_DURATION;
}
/* A string piece's text: while it is one span of the source (no escapes), only where that
 * span is (L->run), copied once by frag_token; else decoded into L->text. */
static void text_flush(rbk_lexer *L) {
    if (L->run) { rbk_sbuf_add(&L->text, L->run, L->runlen); L->run = NULL; }
}
static void text_add(rbk_lexer *L, const unsigned char *p, size_t n) {
    if (!L->run && !L->text.len) { L->run = p; L->runlen = n; return; }
    text_flush(L);
    rbk_sbuf_add(&L->text, p, n);
}
static void text_addc(rbk_lexer *L, char c) { text_flush(L); rbk_sbuf_addc(&L->text, c); }
static void text_clear(rbk_lexer *L) { L->run = NULL; rbk_sbuf_reset(&L->text); }
/* A string is read as pieces of text between its quotes and its interpolations, each piece one
 * token that also holds what ends it: STR_PLAIN "text" (no interpolation), STR_HEAD "text{,
 * STR_MID }text{ and STR_TAIL }text" (and STR_PLAIN3, STR_HEAD3, STR_TAIL3 for """). A string
 * with n interpolations is n + 1 tokens, where it was 2 + 2n + its text pieces: the parser's work
 * for strings, the most common literal of a runbook, is about halved. A piece ends: hand its
 * decoded text (NULL when empty, except for a whole string) and its span to the parser. */
static int frag_token(rbk_lexer *L, YYSTYPE *v, rbk_loc *loc, int kind) {
    loc->off = pos(L, L->stack[L->sp - 1].frag);
    loc->end = pos(L, L->cur);
    if (L->run) {
        v->str.s = rbk_arena_strndup(L->arena, (const char *)L->run, L->runlen);
        v->str.n = L->runlen;
        L->run = NULL;
    } else if (L->text.len || kind == TK_STR_PLAIN || kind == TK_STR_PLAIN3) {
        v->str.s = rbk_arena_strndup(L->arena, rbk_sbuf_cstr(&L->text), L->text.len);
        v->str.n = L->text.len;
        rbk_sbuf_reset(&L->text);
    } else {
        v->str.s = NULL;
        v->str.n = 0;
    }
    return kind;
}
/* The kind of the piece ended by `{` or by the closing quote(s) (end != 0). */
static int frag_kind(const rbk_lexer *L, int end) {
    int triple = L->stack[L->sp - 1].kind == 'T', interp = L->stack[L->sp - 1].interp;
    if (!end) return interp ? TK_STR_MID : triple ? TK_STR_HEAD3 : TK_STR_HEAD;
    return interp ? (triple ? TK_STR_TAIL3 : TK_STR_TAIL) : (triple ? TK_STR_PLAIN3 : TK_STR_PLAIN);
}

/* The bytes that end a run of plain text in a "..." string (the <DQ> text rule's class). */
static const unsigned char str_stop[256] = {['"'] = 1, ['\\'] = 1, ['{'] = 1, ['\n'] = 1, [0] = 1};

/* Brackets outside strings (see lexstate.h). */
static void bracket_open(rbk_lexer *L, unsigned char kind) {
    if (L->nbrackets < RBK_LEX_MAX_BRACKETS) {
        L->brackets[L->nbrackets] = kind;
        L->bracket_at[L->nbrackets] = pos(L, L->tok);
    }
    L->nbrackets++;
    if (kind != '{') L->parens++;
    else L->parens = 0;
}
int rbk_lex_open_bracket(const rbk_lexer *L, uint32_t *at) {
    if (L->sp > 0 || L->nbrackets <= 0 || L->nbrackets > RBK_LEX_MAX_BRACKETS) return 0;
    *at = L->bracket_at[L->nbrackets - 1];
    return L->brackets[L->nbrackets - 1];
}
/* Whether the interpolation whose `{` ends just before p is closed: its `}` comes before the
 * end of the file and before a "..." string inside it runs into the end of its line. A lone `{`
 * in a string, meant as text, is not: the string's own closing quote then opens a string in the
 * interpolation, and the quotes after it on the line pair up, so the last one runs into the end
 * of the line. Such a `{` is reported once, at itself, where lexing on would have read the rest
 * of the line as code and the next quote as the start of a string (two errors, neither at the
 * brace). An interpolation may span lines. Reads at most SCAN bytes; past that, the
 * interpolation is taken as closed. */
static int interp_closes(const rbk_lexer *L, const unsigned char *p) {
    enum { SCAN = 4096 };
    unsigned char mode[RBK_LEX_MAX_NEST]; /* 0 code (of an interpolation), '"' or 'T' a string in it */
    int depth[RBK_LEX_MAX_NEST];          /* { } of maps and blocks in each code level */
    int sp = 0;
    mode[0] = 0;
    depth[0] = 0;
    const unsigned char *lim = L->lim - p > SCAN ? p + SCAN : L->lim;
    for (; p < lim; p++) {
        unsigned char c = *p;
        if (mode[sp] == 0) {
            if (c == '{') depth[sp]++;
            else if (c == '}' && depth[sp] > 0) depth[sp]--;
            else if (c == '}') { if (sp == 0) return 1; sp--; } /* back in the string it interpolates */
            else if (c == '#') { while (p + 1 < lim && p[1] != '\n') p++; }
            else if (c == '\'') {
                for (p++; p < lim && *p != '\''; p++) if (*p == '\\' && p + 1 < lim) p++;
                if (p >= lim) break;
            } else if (c == '"') {
                if (sp + 1 >= RBK_LEX_MAX_NEST) return 1; /* the lexer says "nested too deeply" */
                int tq = p + 2 < lim && p[1] == '"' && p[2] == '"';
                mode[++sp] = tq ? 'T' : '"';
                if (tq) p += 2;
            }
        } else if (c == '\\') {
            if (p + 1 < lim) p++;
        } else if (c == '{') {
            if (sp + 1 >= RBK_LEX_MAX_NEST) return 1;
            mode[++sp] = 0;
            depth[sp] = 0;
        } else if (mode[sp] == '"' && (c == '"' || c == '\n')) {
            if (c == '\n') return 0; /* a string in the interpolation is not ended on its line */
            sp--;
        } else if (mode[sp] == 'T' && c == '"' && p + 2 < lim && p[1] == '"' && p[2] == '"') {
            p += 2;
            sp--;
        }
    }
    return p >= L->lim ? 0 : 1; /* the end of the file: never closed; the end of the scan: taken as closed */
}
static void bracket_close_brace(rbk_lexer *L) {
    /* drop the ( [ left open inside this { and the { itself */
    L->nbrackets -= L->parens;
    if (L->nbrackets > 0) L->nbrackets--;
    /* recount the ( [ above the { that is now innermost */
    L->parens = 0;
    for (int i = L->nbrackets - 1; i >= 0; i--) {
        if (i < RBK_LEX_MAX_BRACKETS && L->brackets[i] == '{') break;
        L->parens++;
    }
}

static int lex_raw(rbk_lexer *L, YYSTYPE *v, rbk_loc *loc) {
    const unsigned char *YYCURSOR;
    (void)YYCURSOR;
restart:
    L->tok = L->cur;
    loc->off = pos(L, L->cur);
/*!re2c
    re2c:api:style = free-form;
    re2c:define:YYCTYPE = "unsigned char";
    re2c:define:YYCURSOR = "L->cur";
    re2c:define:YYMARKER = "L->mark";
    re2c:define:YYLIMIT = "L->lim";
    re2c:define:YYGETCONDITION = "L->cond";
    re2c:define:YYSETCONDITION = "L->cond = @@;";
    re2c:yyfill:enable = 0;
    re2c:eof = 0;

    ident = [A-Za-z_][A-Za-z0-9_]*;
    digits = [0-9][0-9_]*;
    unit = "ms" | "s" | "m" | "h" | "d";

    <INIT> $ {
        loc->end = loc->off;
        if (L->sp > 0) { /* end of file inside an interpolation: report once, then TK_END */
            lex_error(L, L->tok, L->cur, "unterminated string at end of file", NULL);
            L->sp = 0;
            return TK_ERROR_TOKEN;
        }
        return TK_END;
    }
    <INIT> [ \t\r]+ { goto restart; }
    <INIT> "\\" [ \t\r]* "\n" { goto restart; }
    <INIT> "#" [^\n\x00]* { goto restart; }
    <INIT> "\n" { loc->end = pos(L, L->cur); return TK_NL; }

    <INIT> "runbook" { loc->end = pos(L, L->cur); return TK_RUNBOOK; }
    <INIT> "env" { loc->end = pos(L, L->cur); return TK_ENV; }
    /* `hosts web, workers` (docs/fleet.md): a keyword only where a line starts with it and a
     * name follows, so `hosts` stays a name everywhere else (a param, a variable, hosts.web) */
    <INIT> "hosts" {
        loc->end = pos(L, L->cur);
        const unsigned char *q = L->cur;
        while (q < L->lim && (*q == ' ' || *q == '\t')) q++;
        if ((L->last == 0 || L->last == TK_NL) && q > L->cur && q < L->lim &&
            ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_'))
            return TK_HOSTS;
        v->str.s = tok_str(L, L->tok, L->cur);
        v->str.n = (size_t)(L->cur - L->tok);
        return TK_IDENT;
    }
    /* `lock "orders-db"` (docs/state.md): a keyword only where a line starts with it and a
     * string follows, so `lock` stays a name everywhere else */
    <INIT> "lock" {
        loc->end = pos(L, L->cur);
        const unsigned char *q = L->cur;
        while (q < L->lim && (*q == ' ' || *q == '\t')) q++;
        if ((L->last == 0 || L->last == TK_NL) && q > L->cur && q < L->lim && *q == '"')
            return TK_LOCK;
        v->str.s = tok_str(L, L->tok, L->cur);
        v->str.n = (size_t)(L->cur - L->tok);
        return TK_IDENT;
    }
    <INIT> "param" { loc->end = pos(L, L->cur); return TK_PARAM; }
    <INIT> "use" { loc->end = pos(L, L->cur); return TK_USE; }
    <INIT> "let" { loc->end = pos(L, L->cur); return TK_LET; }
    <INIT> "fn" { loc->end = pos(L, L->cur); return TK_FN; }
    <INIT> "return" { loc->end = pos(L, L->cur); return TK_RETURN; }
    <INIT> "section" { loc->end = pos(L, L->cur); return TK_SECTION; }
    <INIT> "step" { loc->end = pos(L, L->cur); return TK_STEP; }
    <INIT> "rollback" { loc->end = pos(L, L->cur); return TK_ROLLBACK; }
    <INIT> "irreversible" { loc->end = pos(L, L->cur); return TK_IRREVERSIBLE; }
    <INIT> "expect" { loc->end = pos(L, L->cur); return TK_EXPECT; }
    <INIT> "stop-if" { loc->end = pos(L, L->cur); return TK_STOP_IF; }
    <INIT> "fail" { loc->end = pos(L, L->cur); return TK_FAIL; }
    <INIT> "watch" { loc->end = pos(L, L->cur); return TK_WATCH; }
    <INIT> "within" { loc->end = pos(L, L->cur); return TK_WITHIN; }
    <INIT> "every" { loc->end = pos(L, L->cur); return TK_EVERY; }
    <INIT> "if" { loc->end = pos(L, L->cur); return TK_IF; }
    <INIT> "else" { loc->end = pos(L, L->cur); return TK_ELSE; }
    <INIT> "for" { loc->end = pos(L, L->cur); return TK_FOR; }
    <INIT> "in" { loc->end = pos(L, L->cur); return TK_IN; }
    <INIT> "and" { loc->end = pos(L, L->cur); return TK_AND; }
    <INIT> "or" { loc->end = pos(L, L->cur); return TK_OR; }
    <INIT> "not" { loc->end = pos(L, L->cur); return TK_NOT; }
    <INIT> "contains" { loc->end = pos(L, L->cur); return TK_CONTAINS; }
    <INIT> "matches" { loc->end = pos(L, L->cur); return TK_MATCHES; }
    <INIT> "true" { loc->end = pos(L, L->cur); return TK_TRUE; }
    <INIT> "false" { loc->end = pos(L, L->cur); return TK_FALSE; }
    <INIT> "nil" { loc->end = pos(L, L->cur); return TK_NIL; }
    <INIT> "as" { loc->end = pos(L, L->cur); return TK_AS; }

    <INIT> ident {
        loc->end = pos(L, L->cur);
        v->str.s = tok_str(L, L->tok, L->cur);
        v->str.n = (size_t)(L->cur - L->tok);
        return TK_IDENT;
    }
    <INIT> digits unit { loc->end = pos(L, L->cur); return duration(L, L->tok, L->cur, v); }
    <INIT> digits "." [0-9]+ unit { loc->end = pos(L, L->cur); return duration(L, L->tok, L->cur, v); }
    <INIT> digits {
        loc->end = pos(L, L->cur);
        return number(L, L->tok, L->cur, v);
    }
    /* a percentage (`serial 20%`, `max_fail 10%` of a per-item step): digits and `%` with a
     * blank or `{` right after it, which an operand of `%` (modulo) never starts with; the
     * character after it is not part of the token */
    <INIT> digits "%" [ \t\r\n{] {
        L->cur--;
        loc->end = pos(L, L->cur);
        (void)number(L, L->tok, L->cur - 1, v);
        return TK_PERCENT;
    }
    <INIT> digits "." [0-9]+ ([eE] [+-]? [0-9]+)? | digits [eE] [+-]? [0-9]+ {
        loc->end = pos(L, L->cur);
        char *s = tok_str(L, L->tok, L->cur);
        char *w = s;
        for (char *r = s; *r; r++) if (*r != '_') *w++ = *r;
        *w = 0;
        v->f = strtod(s, NULL);
        return TK_FLOAT;
    }
    <INIT> digits ("." [0-9]+)? ([eE] [+-]? [0-9]+)? [A-Za-z_][A-Za-z0-9_]* {
        loc->end = pos(L, L->cur);
        lex_error(L, L->tok, L->cur, "invalid number or duration",
                  "durations are written with a unit right after the number: 250ms, 5s, 15m, 2h, 1d");
        v->i = 0;
        return TK_INT;
    }
    <INIT> "'" ([^'\\\x00] | "\\" [^\x00])* "'" {
        loc->end = pos(L, L->cur);
        rbk_sbuf_reset(&L->text);
        for (const unsigned char *p = L->tok + 1; p < L->cur - 1; p++) {
            if (*p == '\\' && p[1] == '\'') { rbk_sbuf_addc(&L->text, '\''); p++; }
            else rbk_sbuf_addc(&L->text, (char)*p);
        }
        v->str.s = rbk_arena_strndup(L->arena, rbk_sbuf_cstr(&L->text), L->text.len);
        v->str.n = L->text.len;
        rbk_sbuf_reset(&L->text);
        return TK_RAW_STRING;
    }
    <INIT> "'" {
        loc->end = pos(L, L->cur);
        lex_error(L, L->tok, L->cur, "unterminated raw string", "a '...' string ends with ' on the same file; write \\' for a quote inside");
        L->cur = L->lim;
        return TK_ERROR_TOKEN;
    }
    <INIT> '"""' => TQ {
        loc->end = pos(L, L->cur);
        if (L->sp >= RBK_LEX_MAX_NEST) {
            lex_error(L, L->tok, L->cur, "strings nested too deeply", NULL);
            L->cur = L->lim; L->cond = yycINIT; return TK_ERROR_TOKEN;
        }
        L->stack[L->sp].kind = 'T'; L->stack[L->sp].braces = 0; L->stack[L->sp].parens = 0;
        L->stack[L->sp].interp = 0; L->stack[L->sp].frag = L->tok; L->sp++;
        text_clear(L);
        goto restart; /* the first piece, in TQ */
    }
    <INIT> '"' => DQ {
        loc->end = pos(L, L->cur);
        if (L->sp >= RBK_LEX_MAX_NEST) {
            lex_error(L, L->tok, L->cur, "strings nested too deeply", NULL);
            L->cur = L->lim; L->cond = yycINIT; return TK_ERROR_TOKEN;
        }
        /* The text up to the first " \ { newline or NUL: when that is the closing quote,
         * the string is plain (no escapes, no interpolation, the common case) and done here.
         * Otherwise the text scanned so far starts the first piece, read on in DQ. */
        const unsigned char *p = L->cur;
        while (!str_stop[*p]) p++;
        if (*p == '"') {
            L->cond = yycINIT;
            L->cur = p + 1;
            loc->end = pos(L, L->cur);
            v->str.n = (size_t)(p - L->tok) - 1;
            v->str.s = rbk_arena_strndup(L->arena, (const char *)L->tok + 1, v->str.n);
            return TK_STR_PLAIN;
        }
        L->stack[L->sp].kind = '"'; L->stack[L->sp].braces = 0; L->stack[L->sp].parens = 0;
        L->stack[L->sp].interp = 0; L->stack[L->sp].frag = L->tok; L->sp++;
        text_clear(L);
        if (p > L->cur) { text_add(L, L->cur, (size_t)(p - L->cur)); L->cur = p; }
        goto restart;
    }
    <INIT> "{" {
        loc->end = pos(L, L->cur);
        if (L->sp > 0) L->stack[L->sp - 1].braces++;
        else bracket_open(L, '{');
        return '{';
    }
    <INIT> "}" {
        loc->end = pos(L, L->cur);
        if (L->sp > 0) {
            if (L->stack[L->sp - 1].braces == 0) { /* the interpolation ends: read the next piece */
                L->cond = L->stack[L->sp - 1].kind == 'T' ? yycTQ : yycDQ;
                L->stack[L->sp - 1].interp = 1;
                L->stack[L->sp - 1].frag = L->tok;
                text_clear(L);
                goto restart;
            }
            L->stack[L->sp - 1].braces--;
        } else bracket_close_brace(L);
        return '}';
    }
    <INIT> "(" | "[" {
        loc->end = pos(L, L->cur);
        if (L->sp > 0) L->stack[L->sp - 1].parens++; else bracket_open(L, L->tok[0]);
        return L->tok[0];
    }
    <INIT> ")" | "]" {
        loc->end = pos(L, L->cur);
        if (L->sp > 0) { if (L->stack[L->sp - 1].parens > 0) L->stack[L->sp - 1].parens--; }
        else if (L->parens > 0) { L->parens--; L->nbrackets--; }
        return L->tok[0];
    }
    <INIT> "==" { loc->end = pos(L, L->cur); return TK_EQ; }
    <INIT> "!=" { loc->end = pos(L, L->cur); return TK_NE; }
    <INIT> "<=" { loc->end = pos(L, L->cur); return TK_LE; }
    <INIT> ">=" { loc->end = pos(L, L->cur); return TK_GE; }
    <INIT> ".." { loc->end = pos(L, L->cur); return TK_DOTDOT; }
    <INIT> [-+*/%<>=.,:] { loc->end = pos(L, L->cur); return L->tok[0]; }
    <INIT> "&&" | "||" | "!" {
        loc->end = pos(L, L->cur);
        lex_error(L, L->tok, L->cur, "unexpected operator",
                  L->tok[0] == '&' ? "write `and`" : L->tok[0] == '|' ? "write `or`" : "write `not`");
        return L->tok[0] == '&' ? TK_AND : L->tok[0] == '|' ? TK_OR : TK_NOT;
    }
    <INIT> * {
        loc->end = pos(L, L->cur);
        if (L->tok[0] == 0) lex_error(L, L->tok, L->cur, "NUL byte in source", NULL);
        else if (L->tok[0] >= 0x80) {
            while (L->cur < L->lim && (*L->cur & 0xC0) == 0x80) L->cur++;
            loc->end = pos(L, L->cur);
            lex_error(L, L->tok, L->cur, "unexpected character", "non-ASCII text belongs in strings or comments");
        } else lex_error(L, L->tok, L->cur, "unexpected character", NULL);
        return TK_ERROR_TOKEN;
    }

    <DQ, TQ> "\\n" { text_addc(L, '\n'); goto restart_text; }
    <DQ, TQ> "\\t" { text_addc(L, '\t'); goto restart_text; }
    <DQ, TQ> "\\r" { text_addc(L, '\r'); goto restart_text; }
    <DQ, TQ> "\\\"" { text_addc(L, '"'); goto restart_text; }
    <DQ, TQ> "\\\\" { text_addc(L, '\\'); goto restart_text; }
    <DQ, TQ> "\\{" { text_addc(L, '{'); goto restart_text; }
    <DQ, TQ> "\\}" { text_addc(L, '}'); goto restart_text; }
    <DQ, TQ> "\\" [^\x00] {
        lex_error(L, L->tok, L->cur, "unknown escape sequence",
                  "the escapes are \\n \\t \\\" \\\\ \\{ \\}; a '...' string takes text as written");
        text_add(L, L->tok, (size_t)(L->cur - L->tok));
        goto restart_text;
    }
    <DQ, TQ> "{" {
        if (!interp_closes(L, L->cur)) {
            lex_error(L, L->tok, L->cur, "this `{` starts an interpolation that is never closed",
                      "an interpolation is written {expr}; for a `{` as text, write \\{");
            text_addc(L, '{'); /* read on as text: one error, not a cascade */
            goto restart_text;
        }
        L->cond = yycINIT;
        return frag_token(L, v, loc, frag_kind(L, 0));
    }
    <DQ> '"' {
        int t = frag_token(L, v, loc, frag_kind(L, 1));
        L->sp--;
        L->cond = yycINIT;
        return t;
    }
    <DQ> "\n" {
        L->cur--;
        text_clear(L);
        loc->off = loc->end = pos(L, L->cur);
        lex_error(L, L->tok, L->cur, "unterminated string", "a \"...\" string ends on its line; use \"\"\"...\"\"\" for text that spans lines");
        L->sp--;
        L->cond = yycINIT;
        if (L->sp == 0) { L->nbrackets -= L->parens; L->parens = 0; } /* the line is broken: let it end */
        return TK_ERROR_TOKEN; /* already reported: the parser recovers at the end of the line */
    }
    <TQ> '"""' {
        int t = frag_token(L, v, loc, frag_kind(L, 1));
        L->sp--;
        L->cond = yycINIT;
        return t;
    }
    <DQ, TQ> $ {
        lex_error(L, L->tok, L->cur, "unterminated string at end of file", NULL);
        int t = frag_token(L, v, loc, frag_kind(L, 1)); /* the string ends here */
        L->sp = 0;
        L->cond = yycINIT;
        return t;
    }
    <DQ, TQ> [\x00] {
        lex_error(L, L->tok, L->cur, "NUL byte in string", "write the text without NUL bytes");
        goto restart_text;
    }
    <DQ> [^"\\{\n\x00]+ { text_add(L, L->tok, (size_t)(L->cur - L->tok)); goto restart_text; }
    <TQ> [^"\\{\x00]+ { text_add(L, L->tok, (size_t)(L->cur - L->tok)); goto restart_text; }
    <DQ, TQ> [^] { text_addc(L, (char)L->tok[0]); goto restart_text; }
*/
restart_text:
    goto restart;
}

static int continues_line(int t) {
    switch (t) {
    case 0: case TK_NL: case ',': case '+': case '-': case '*': case '/': case '%': case '<':
    case '>': case '=': case '.': case ':': case '(': case '[': case '{': case TK_EQ: case TK_NE:
    case TK_LE: case TK_GE: case TK_DOTDOT: case TK_AND: case TK_OR: case TK_NOT:
    case TK_CONTAINS: case TK_MATCHES: case TK_IN: case TK_STR_HEAD: case TK_STR_HEAD3: case TK_STR_MID:
        return 1;
    default:
        return 0;
    }
}
/* After a newline: does the next significant word glue to the previous line? */
static int next_word_glues(rbk_lexer *L) {
    const unsigned char *p = L->cur;
    for (;;) {
        while (p < L->lim && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
        if (p < L->lim && *p == '#') { while (p < L->lim && *p != '\n') p++; continue; }
        break;
    }
    if (p >= L->lim || (*p != 'e' && *p != 'r' && *p != 'i')) return 0; /* the common case */
    static const char *const glue[] = {"else", "rollback", "irreversible"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(glue[i]);
        if ((size_t)(L->lim - p) >= n && !memcmp(p, glue[i], n)) {
            unsigned char c = p + n < L->lim ? p[n] : 0;
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
                return 1;
        }
    }
    return 0;
}
int rbk_lex_next(rbk_lexer *L, YYSTYPE *v, rbk_loc *loc) {
    for (;;) {
        int t = lex_raw(L, v, loc);
        if (t == TK_NL) {
            int parens = L->sp > 0 ? L->stack[L->sp - 1].parens : L->parens;
            if (parens > 0 || continues_line(L->last) || L->sp > 0 || next_word_glues(L)) continue;
        }
        if (t == TK_END && !continues_line(L->last) && !L->eof_nl_sent) {
            /* the last statement ends at end of file */
            L->eof_nl_sent = 1;
            L->cur = L->lim;
            t = TK_NL;
        }
        L->last = t;
        if (t != TK_NL) { L->prev_end = L->last_end; L->last_end = loc->end; }
        return t;
    }
}

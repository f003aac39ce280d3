/* grammar/lexstate.h — the lexer's state (all of it: no globals) and its interface to the
 * Bison parser. Tokens in, nothing else: the lexer builds no AST, it only decodes token
 * payloads (identifiers, string pieces with escapes resolved, numbers, durations). */
#ifndef RBK_LEXER_H
#define RBK_LEXER_H
#include <stddef.h>
#include <stdint.h>
#include "../compiler/ast.h"
#include "../compiler/diag.h"

#define RBK_LEX_MAX_NEST 32
#define RBK_LEX_MAX_BRACKETS 256

typedef struct rbk_lexer {
    const unsigned char *src, *cur, *mark, *tok, *lim;
    int file;
    rbk_arena *arena;
    rbk_diags *diags;
    int cond;             /* re2c condition */
    int sp;               /* open strings (interpolation nesting) */
    struct {
        int kind;         /* '"' or 'T' (triple) */
        int braces;       /* { depth inside the current interpolation */
        int parens;       /* ( [ depth inside the current interpolation */
        int interp;       /* an interpolation was closed: the next piece is STR_MID/STR_TAIL */
        const unsigned char *frag; /* where the piece being read started: the opening quote or a } */
    } stack[RBK_LEX_MAX_NEST];
    int parens;           /* ( [ depth outside strings, innermost bracket group only */
    /* Open brackets outside strings, innermost last: '(', '[' or '{'. A `}` closes
     * every ( [ left open inside its { (so one missing `)` cannot swallow the newlines of the
     * rest of the file); `parens` counts the ( [ above the innermost {. */
    unsigned char brackets[RBK_LEX_MAX_BRACKETS];
    uint32_t bracket_at[RBK_LEX_MAX_BRACKETS]; /* where each is: "this `(` is never closed" */
    int nbrackets;        /* may exceed RBK_LEX_MAX_BRACKETS: deeper levels are only counted */
    uint32_t last_end, prev_end; /* where the last token returned ends, and the one before it */
    int last;             /* last token returned to the parser (0 = none) */
    int eof_nl_sent;
    int in_interp_spec;   /* after ':' inside {expr:spec} */
    rbk_sbuf text;        /* string piece being decoded */
    const unsigned char *run; /* or: the piece so far is source[run, run + runlen) (no escapes) */
    size_t runlen;
    /* token queue: a string literal's pieces are produced one at a time */
} rbk_lexer;

void rbk_lex_init(rbk_lexer *L, const char *src, size_t len, int file, rbk_arena *arena,
                  rbk_diags *diags);
void rbk_lex_free(rbk_lexer *L);
/* The innermost bracket still open outside strings ('(', '[' or '{', and where it is), for the
 * parser's "never closed" error; 0 when none (or it is past RBK_LEX_MAX_BRACKETS). */
int rbk_lex_open_bracket(const rbk_lexer *L, uint32_t *at);
/* Returns the next token (Bison token kind) with its value (YYSTYPE) and location. */
union rbk_yyvalue;
int rbk_lex_next(rbk_lexer *L, union rbk_yyvalue *val, rbk_loc *loc);
#endif

/* grammar/parser.y — the Bison grammar (docs/language.md §2-§6). Builds the AST and nothing else:
 * no name resolution, no code. Pure, with locations (byte spans), custom error messages,
 * LAC, and `error` productions at statement and block boundaries so that a file with several
 * independent syntax errors reports each once. Semantic values live in the compilation's
 * arena (compiler/ast.h), so error recovery cannot leak them and no %destructor is needed.
 * Every expression node records its nesting depth (nest); one deeper than RBK_MAX_EXPR_DEPTH
 * is reported and replaced by an N_ERROR, so no later pass recurses deeper than that. */
%define api.pure full
%define api.token.prefix {TK_}
%define api.location.type {rbk_loc}
%define api.value.type {union rbk_yyvalue}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {rbk_parser *P}

%code requires {
#include <stdint.h>
#include "compiler/ast.h"
#include "compiler/diag.h"
typedef struct rbk_parser rbk_parser;
struct rbk_lexer;
/* The semantic value (YYSTYPE), named so that the lexer has one type for both parsers built
 * from this grammar (see rbk_parse_fast below). */
union rbk_yyvalue {
    struct rbk_yystr { char *s; size_t n; } str;
    int64_t i;
    double f;
    rbk_node *node;
};
struct rbk_parser {
    struct rbk_lexer *L;
    rbk_arena *arena;
    rbk_diags *diags;
    int file;
    rbk_node *program;
    const char *text;
};
/* Parses with LAC: exact "expected ..." lists and error recovery in the right context. */
int rbk_parse(rbk_parser *P);
/* The same grammar built a second time without LAC (CMakeLists.txt: parser_fast.c, bison
 * -Fparse.lac=none -Fapi.prefix={rbk_fast_}), where the build defines RBK_FAST_PARSER. On a
 * file without syntax errors it builds the same tree, faster; compiler/compile.c uses it
 * first and parses again with rbk_parse when it reports anything. */
int rbk_parse_fast(rbk_parser *P);
#define YYLLOC_DEFAULT(Cur, Rhs, N) do { \
    if (N) { (Cur).off = YYRHSLOC(Rhs, 1).off; (Cur).end = YYRHSLOC(Rhs, N).end; } \
    else { (Cur).off = (Cur).end = YYRHSLOC(Rhs, 0).end; } } while (0)
}

%code {
#include <string.h>
#include "grammar/lexstate.h"
static int yylex(YYSTYPE *v, YYLTYPE *l, rbk_parser *P) { return rbk_lex_next(P->L, v, l); }
static rbk_node *mk(rbk_parser *P, rbk_node_kind k, YYLTYPE l) {
    return rbk_node_new(P->arena, k, P->file, l.off, l.end);
}
/* The parser's stack holds every open bracket, block and prefix operator: past this it reports
 * the program nesting too deeply (yyerror). Bison's default, written out for docs/language.md. */
#define YYMAXDEPTH 10000
/* Nesting depth (compiler/ast.h, RBK_MAX_EXPR_DEPTH): every node the grammar builds for an
 * expression keeps its depth in `slot` (a leaf's slot is still -1: depth 1) until the checker
 * reuses the field. Chains grow to the left (`a + b + c`, `x.a.b`, `l[0][0]`, `f()()`) without
 * growing the parser's stack, so only this count bounds them. */
enum { DEPTH_REFUSED = 1 << 30 }; /* an N_ERROR's depth: whatever holds it is refused too */
static int depth(const rbk_node *n) { return !n ? 0 : n->slot > 0 ? n->slot : 1; }
/* Sets n's depth from its children's (made before it, so already known); returns it. */
static int set_depth(rbk_node *n) {
    int d = 0;
    rbk_node *ch;
    RBK_EACH_CHILD(n, i, ch)
        if (depth(ch) > d) d = depth(ch);
    n->slot = d + 1;
    return d + 1;
}
/* n, or an N_ERROR in its place when n is deeper than the limit. The error is reported where
 * the limit is first passed; an expression holding an N_ERROR becomes that N_ERROR without a
 * word, so one expression too deep is one error however far it goes on, its statement stays
 * (no "unknown name" for a `let` dropped by error recovery), and no later pass ever sees the
 * deep tree. The checker takes an N_ERROR for a value of unknown type and says nothing more. */
static rbk_node *nest(rbk_parser *P, rbk_node *n) {
    int d = set_depth(n);
    if (d <= RBK_MAX_EXPR_DEPTH) return n;
    if (d <= DEPTH_REFUSED) {
        rbk_diag *g = rbk_diag_add(P->diags, RBK_SEV_ERROR, "limit", P->file, n->off, n->end,
                                   "expression nested too deeply (limit %d)", RBK_MAX_EXPR_DEPTH);
        rbk_diag_hint(g, "each operator, call, index, field access, list, map and interpolation is a level, "
                         "and each link of a chain like `a + b + c` or `x.a.b` one more: compute it in parts with `let`");
    }
    rbk_node *e = mk(P, N_ERROR, (YYLTYPE){n->off, n->end});
    e->slot = DEPTH_REFUSED;
    return e;
}
static rbk_node *bin(rbk_parser *P, int op, rbk_node *a, rbk_node *b, YYLTYPE l) {
    rbk_node *n = mk(P, N_BINARY, l);
    n->op = (uint8_t)op; n->a = a; n->b = b;
    return n;
}
static void push(rbk_parser *P, rbk_nodes *l, rbk_node *n) { if (n) rbk_nodes_push(P->arena, l, n); }
/* The node that collected a list (arguments, step attributes, a section's steps, a string's
 * parts) becomes the node that owns it: one node less per call, step, section and string.
 * (Only to a kind of the same size or smaller: ast.h.) */
static rbk_node *become(rbk_node *n, rbk_node_kind k, YYLTYPE l) {
    rbk_node_retag(n, k); n->off = l.off; n->end = l.end;
    return n;
}
/* An argument list: an N_CALL from the start, since it becomes one (ast.h: only calls have
 * d and list2); nothing reads it before `expr '(' arglist ')'` does. */
static rbk_node *mkargs(rbk_parser *P, YYLTYPE l) { return mk(P, N_CALL, l); }
static rbk_node *strnode(rbk_parser *P, rbk_node *parts, YYLTYPE l, int triple);
/* A string's parts while it is parsed: NULL (none yet), the one part itself (a plain string,
 * the common case, needs no list), or an N_LIST of them from the second part on. */
static rbk_node *parts_list(rbk_parser *P, rbk_node *part) {
    rbk_node *l = mk(P, N_LIST, (YYLTYPE){part->off, part->end});
    push(P, &l->list, part);
    return l;
}
static rbk_node *add_part(rbk_parser *P, rbk_node *parts, rbk_node *t) {
    if (!parts) return t;
    if (parts->kind != N_LIST) parts = parts_list(P, parts);
    push(P, &parts->list, t);
    return parts;
}
static YYLTYPE span(YYLTYPE a, YYLTYPE b) { return (YYLTYPE){a.off, b.end}; }
/* parts + a text piece (none when empty), its span empty at `at` */
static rbk_node *text_part(rbk_parser *P, rbk_node *parts, char *s, size_t n, uint32_t at) {
    if (!s || !n) return parts;
    rbk_node *t = mk(P, N_STRING, (YYLTYPE){at, at});
    t->str = s; t->slen = n;
    return add_part(P, parts, t);
}
/* parts + an interpolation of e, with its format spec when there is one; its span is e's,
 * and RBK_HOLE_OFF the offset of its `{` (where a check of the hole as a whole points) */
static rbk_node *interp(rbk_parser *P, rbk_node *parts, rbk_node *e, const struct rbk_yystr *spec, YYLTYPE l, YYLTYPE specl,
                        uint32_t brace) {
    rbk_node *t = mk(P, N_INTERP_PART, l);
    t->a = e;
    RBK_HOLE_OFF(t) = (int)brace;
    parts = add_part(P, parts, t);
    if (spec) { t->b = mk(P, N_IDENT, specl); t->b->str = spec->s; t->b->slen = spec->n; }
    set_depth(t); /* checked with the whole string (nest, after strnode) */
    return parts;
}
static rbk_node *field(rbk_parser *P, rbk_node *of, char *name, size_t len, YYLTYPE l) {
    rbk_node *n = mk(P, N_FIELD, l);
    n->a = of; n->str = name; n->slen = len;
    return n;
}
/* `target = value`: a variable (`x = v`), or an item or field of one, at any depth (`xs[i] = v`,
 * `m["a"]["b"] = v`, `m.k = v`): an N_ASSIGN named by the variable, the chain in b. Anything
 * else on the left of `=` is reported here, saying what can be assigned (the statement is
 * dropped; `=` inside a condition is the parser's "to compare, write `==`"). */
static rbk_node *assign(rbk_parser *P, rbk_node *target, rbk_node *value, YYLTYPE l) {
    rbk_node *root = target;
    while (root->kind == N_INDEX || root->kind == N_FIELD) root = root->a;
    if (root->kind != N_IDENT) {
        if (root->kind == N_ERROR) return NULL; /* reported where it was refused */
        rbk_diag *d = rbk_diag_add(P->diags, RBK_SEV_ERROR, "syntax", P->file, target->off, target->end,
                                   "the left side of `=` cannot be assigned");
        rbk_diag_hint(d, "a variable (`x = v`), a list's item (`xs[0] = v`) or a map's entry (`m[\"k\"] = v`, `m.k = v`) can be "
                         "assigned; to compare, write `==`");
        return NULL;
    }
    rbk_node *n = mk(P, N_ASSIGN, l);
    n->str = root->str; n->slen = root->slen; n->a = value;
    if (target != root) n->b = target;
    return n;
}
static rbk_node *arg(rbk_parser *P, char *name, size_t len, rbk_node *e, YYLTYPE l) {
    rbk_node *n = mk(P, N_ARG, l);
    n->str = name; n->slen = len; n->a = e;
    set_depth(n); /* checked with the call (nest) */
    return n;
}
/* Only reached on parser stack exhaustion (nesting deeper than YYMAXDEPTH; Bison says
 * "memory exhausted", which would send the reader looking at the machine). */
static void yyerror(YYLTYPE *l, rbk_parser *P, const char *msg) {
    (void)msg;
    rbk_diag *d = rbk_diag_add(P->diags, RBK_SEV_ERROR, "limit", P->file, l->off, l->end,
                               "the program nests too deeply here (the parser holds at most %d open brackets, blocks and operators)",
                               YYMAXDEPTH);
    rbk_diag_hint(d, "move the inner part into a `fn` or compute it in parts with `let`");
}
}

%token END 0 "end of file"
%token NL "end of line"
%token <str> IDENT "name"
%token <i> INT "integer"
%token <f> FLOAT "number"
%token <i> DURATION "duration"
%token <i> PERCENT "percentage"
%token <str> RAW_STRING "raw string"
/* A "..." or """...""" string, as pieces of text each with what ends it (grammar/lexer.re,
 * frag_token): STR_HEAD "text{  STR_MID }text{  STR_TAIL }text"  STR_PLAIN "text" (none).
 * Messages name them by what the reader sees first: "string", "\"\"\"string" or "} in
 * string" (yyreport_syntax_error: symbol_shown). */
%token <str> STR_HEAD "string" STR_HEAD3 "\"\"\"string" STR_MID "} in string"
%token <str> STR_TAIL "} in string\"" STR_TAIL3 "} in string\"\"\""
%token <str> STR_PLAIN "\"string\"" STR_PLAIN3 "\"\"\"string\"\"\""
%token RUNBOOK "runbook" ENV "env" PARAM "param" USE "use" LET "let" FN "fn" RETURN "return"
%token SECTION "section" STEP "step" ROLLBACK "rollback" IRREVERSIBLE "irreversible"
%token EXPECT "expect" STOP_IF "stop-if" FAIL "fail" WATCH "watch" WITHIN "within" EVERY "every"
%token IF "if" ELSE "else" FOR "for" IN "in" AND "and" OR "or" NOT "not" CONTAINS "contains"
%token MATCHES "matches" TRUE "true" FALSE "false" NIL "nil" AS "as" HOSTS "hosts" LOCK "lock"
%token EQ "==" NE "!=" LE "<=" GE ">=" DOTDOT ".."

%type <node> program top_list top decl step step_attrs rollback_attrs rollback_opt section section_body
%type <node> fn fn_params fn_param block stmt_list stmt if_stmt else_opt within_opt msg_opt
%type <node> expr string istr arglist map_items map_entries map_entry
%type <node> list_items env_names env_mods param_mods type_opt default_opt
%type <str> keyword

%left OR
%left AND
%precedence NOT
%nonassoc EQ NE '<' LE '>' GE CONTAINS MATCHES IN
%nonassoc DOTDOT
%left '+' '-'
%left '*' '/' '%'
%precedence UMINUS
%precedence '.' '[' '('   /* postfix: a field, an index or a call binds tighter than any operator */

%start program
%%

program
    : %empty { $$ = mk(P, N_PROGRAM, @$); P->program = $$; }
    | top_list nls_opt { $$ = $1; P->program = $$; }  /* the lexer sends no NL first */
    ;
top_list
    : top { $$ = mk(P, N_PROGRAM, @$); push(P, &$$->list, $1); }
    | top_list nls top { $$ = $1; push(P, &$$->list, $3); $$->end = @3.end; }
    | top_list error { $$ = $1; }   /* keeps what was parsed while tokens are skipped */
    ;
top
    : decl
    | step
    | section
    | fn
    | stmt
    ;
nls : NL | nls NL ;
nls_opt : %empty | nls ;

decl
    : RUNBOOK string { $$ = mk(P, N_RUNBOOK, @$); $$->a = $2; }
    | ENV env_names env_mods { $$ = mk(P, N_ENV, @$); $$->a = $2; $$->b = $3; }
    | HOSTS env_names { $$ = mk(P, N_ENV, @$); $$->a = $2; $$->b = mk(P, N_LIST, @$); $$->flags = RBK_NF_HOSTS; }
    | PARAM IDENT type_opt default_opt param_mods {
        $$ = mk(P, N_PARAM, @$); $$->str = $2.s; $$->slen = $2.n; $$->a = $3; $$->b = $4; $$->c = $5;
        RBK_NAME_OFF($$) = (int)@2.off; }
    | LOCK string { $$ = mk(P, N_LOCK, @$); $$->a = $2; }
    | USE string { $$ = mk(P, N_USE, @$); $$->a = $2; }
    | USE string AS IDENT { $$ = mk(P, N_USE, @$); $$->a = $2; $$->str = $4.s; $$->slen = $4.n; }
    ;
env_names
    : IDENT { $$ = mk(P, N_LIST, @$); rbk_node *n = mk(P, N_IDENT, @1); n->str = $1.s; n->slen = $1.n; push(P, &$$->list, n); }
    | env_names ',' IDENT { $$ = $1; rbk_node *n = mk(P, N_IDENT, @3); n->str = $3.s; n->slen = $3.n; push(P, &$$->list, n); }
    ;
env_mods
    : %empty { $$ = mk(P, N_LIST, @$); }
    | env_mods IDENT { $$ = $1; rbk_node *n = mk(P, N_IDENT, @2); n->str = $2.s; n->slen = $2.n; push(P, &$$->list, n); }
    ;
/* A param's modifiers (`secret`): identifiers recognised by position, as env's are; sema
 * checks them. NULL when there are none. */
param_mods
    : %empty { $$ = NULL; }
    | param_mods IDENT {
        $$ = $1 ? $1 : mk(P, N_LIST, @2); rbk_node *n = mk(P, N_IDENT, @2); n->str = $2.s; n->slen = $2.n;
        push(P, &$$->list, n); $$->end = @2.end; }
    ;
type_opt
    : %empty { $$ = NULL; }
    | ':' IDENT { $$ = mk(P, N_IDENT, @2); $$->str = $2.s; $$->slen = $2.n; }
    ;
default_opt
    : %empty { $$ = NULL; }
    | '=' expr { $$ = $2; }
    ;

fn
    : FN IDENT '(' fn_params ')' block {
        $$ = mk(P, N_FN, @$); $$->str = $2.s; $$->slen = $2.n; $$->a = $4; $$->b = $6; RBK_NAME_OFF($$) = (int)@2.off; }
    ;
fn_params
    : %empty { $$ = mk(P, N_LIST, @$); }
    | fn_param { $$ = mk(P, N_LIST, @$); push(P, &$$->list, $1); }
    | fn_params ',' fn_param { $$ = $1; push(P, &$$->list, $3); }
    ;
fn_param
    : IDENT { $$ = mk(P, N_FN_PARAM, @$); $$->str = $1.s; $$->slen = $1.n; }
    | IDENT '=' expr { $$ = mk(P, N_FN_PARAM, @$); $$->str = $1.s; $$->slen = $1.n; $$->a = $3; }
    ;

section
    : SECTION string '{' nls_opt section_body nls_opt '}' { $$ = become($5, N_SECTION, @$); $$->a = $2; }
    | SECTION string '{' nls_opt '}' { $$ = mk(P, N_SECTION, @$); $$->a = $2; }
    ;
section_body
    : step { $$ = mk(P, N_LIST, @$); push(P, &$$->list, $1); }
    | section_body nls step { $$ = $1; push(P, &$$->list, $3); }
    | error { $$ = mk(P, N_LIST, @$); }
    | section_body nls error { $$ = $1; }
    | section_body error { $$ = $1; }
    ;

step
    : STEP string step_attrs block rollback_opt {
        $$ = become($3, N_STEP, @$); $$->a = $2; $$->b = $4; $$->c = $5;
        RBK_STEP_OFF($$) = (int)@1.off; }
    | STEP string FOR IDENT IN expr step_attrs block rollback_opt { /* a per-item step (docs/fleet.md) */
        rbk_node *f = mk(P, N_STEP_FOR, @3); f->end = @6.end; f->str = $4.s; f->slen = $4.n; f->a = $6;
        RBK_NAME_OFF(f) = (int)@4.off;
        rbk_nodes l = $7->list; $7->list.n = 0; $7->list.cap = 0; $7->list.items = NULL;
        push(P, &$7->list, f);
        for (int i = 0; i < l.n; i++) push(P, &$7->list, l.items[i]);
        $$ = become($7, N_STEP, @$); $$->a = $2; $$->b = $8; $$->c = $9;
        RBK_STEP_OFF($$) = (int)@1.off; }
    ;
step_attrs
    : %empty { $$ = mk(P, N_LIST, @$); }
    | step_attrs IDENT expr {
        $$ = $1; rbk_node *n = mk(P, N_STEP_ATTR, @2); n->end = @3.end; n->str = $2.s; n->slen = $2.n; n->a = $3;
        push(P, &$$->list, n); }
    | step_attrs EVERY expr {
        $$ = $1; rbk_node *n = mk(P, N_STEP_ATTR, @2); n->end = @3.end; n->str = "every"; n->slen = 5; n->a = $3;
        push(P, &$$->list, n); }
    | step_attrs IDENT PERCENT { /* `serial 20%`, `max_fail 10%` */
        $$ = $1; rbk_node *n = mk(P, N_STEP_ATTR, @2); n->end = @3.end; n->str = $2.s; n->slen = $2.n;
        n->a = mk(P, N_INT, @3); n->a->i = $3; n->flags = RBK_NF_PERCENT;
        push(P, &$$->list, n); }
    | step_attrs IF expr {
        $$ = $1; rbk_node *n = mk(P, N_STEP_ATTR, @2); n->end = @3.end; n->str = "if"; n->slen = 2; n->a = $3;
        push(P, &$$->list, n); }
    ;
rollback_attrs /* `rollback timeout 30m {`: the checker takes `timeout` only */
    : IDENT expr {
        $$ = mk(P, N_LIST, @$); rbk_node *n = mk(P, N_STEP_ATTR, @1); n->end = @2.end; n->str = $1.s; n->slen = $1.n; n->a = $2;
        push(P, &$$->list, n); }
    | rollback_attrs IDENT expr {
        $$ = $1; rbk_node *n = mk(P, N_STEP_ATTR, @2); n->end = @3.end; n->str = $2.s; n->slen = $2.n; n->a = $3;
        push(P, &$$->list, n); }
    ;
rollback_opt
    : %empty { $$ = NULL; }
    | ROLLBACK block { $$ = $2; $$->aux = RBK_BLOCK_ROLLBACK; }
    | ROLLBACK rollback_attrs block { $$ = $3; $$->aux = RBK_BLOCK_ROLLBACK; $$->a = $2; }
    | IRREVERSIBLE string { $$ = mk(P, N_BLOCK, @$); $$->a = $2; $$->aux = RBK_BLOCK_IRREVERSIBLE; }
    ;

block
    : '{' nls_opt '}' { $$ = mk(P, N_BLOCK, @$); }
    | '{' nls_opt stmt_list nls_opt '}' { $$ = $3; $$->off = @$.off; $$->end = @$.end; }
    ;
stmt_list
    : stmt { $$ = mk(P, N_BLOCK, @$); push(P, &$$->list, $1); }
    | stmt_list nls stmt { $$ = $1; push(P, &$$->list, $3); }
    | stmt_list error { $$ = $1; }
    ;

stmt
    : LET IDENT '=' expr { $$ = mk(P, N_LET, @$); $$->str = $2.s; $$->slen = $2.n; $$->a = $4; RBK_NAME_OFF($$) = (int)@2.off; }
    | expr '=' expr { $$ = assign(P, $1, $3, @$); }
    | if_stmt
    | FOR IDENT IN expr block {
        $$ = mk(P, N_FOR, @$); $$->str = $2.s; $$->slen = $2.n; $$->a = $4; $$->b = $5; RBK_NAME_OFF($$) = (int)@2.off; }
    | FOR IDENT ',' IDENT IN expr block {
        $$ = mk(P, N_FOR, @$); $$->str = $2.s; $$->slen = $2.n; $$->flags = RBK_NF_TWO_VARS;
        rbk_node *v = mk(P, N_IDENT, @4); v->str = $4.s; v->slen = $4.n; $$->c = v;
        $$->a = $6; $$->b = $7; RBK_NAME_OFF($$) = (int)@2.off; }
    | RETURN { $$ = mk(P, N_RETURN, @$); }
    | RETURN expr { $$ = mk(P, N_RETURN, @$); $$->a = $2; }
    | EXPECT expr within_opt msg_opt { $$ = mk(P, N_EXPECT, @$); $$->a = $2; $$->b = $3; $$->c = $4; }
    | STOP_IF expr msg_opt { $$ = mk(P, N_STOP_IF, @$); $$->a = $2; $$->c = $3; }
    | FAIL expr { $$ = mk(P, N_FAIL, @$); $$->a = $2; }
    | WATCH expr EVERY expr block { $$ = mk(P, N_WATCH, @$); $$->a = $2; $$->b = $4; $$->c = $5; }
    | expr { $$ = mk(P, N_EXPR_STMT, @$); $$->a = $1; }
    | error { $$ = NULL; }
    ;
if_stmt
    : IF expr block else_opt { $$ = mk(P, N_IF, @$); $$->a = $2; $$->b = $3; $$->c = $4; }
    ;
else_opt
    : %empty { $$ = NULL; }
    | ELSE block { $$ = $2; }
    | ELSE if_stmt { $$ = $2; }
    ;
within_opt
    : %empty { $$ = NULL; }
    | WITHIN expr { $$ = mk(P, N_LIST, @$); $$->a = $2; }
    | WITHIN expr EVERY expr { $$ = mk(P, N_LIST, @$); $$->a = $2; $$->b = $4; }
    ;
msg_opt
    : %empty { $$ = NULL; }
    | ',' expr { $$ = $2; }
    ;

/* One nonterminal for every expression (operands, postfix forms and operators), so that an
 * operand is one reduction, not three (primary -> postfix -> expr): the parser does a third
 * less work. The precedence of '.', '[' and '(' makes the postfix forms bind tightest, as a
 * separate postfix level would; the language and every parse are the same. */
expr
    : expr OR expr { $$ = mk(P, N_OR, @$); $$->a = $1; $$->b = $3; $$ = nest(P, $$); }
    | expr AND expr { $$ = mk(P, N_AND, @$); $$->a = $1; $$->b = $3; $$ = nest(P, $$); }
    | NOT expr { $$ = mk(P, N_NOT, @$); $$->a = $2; $$ = nest(P, $$); }
    | expr EQ expr { $$ = bin(P, OP_EQ, $1, $3, @$); $$ = nest(P, $$); }
    | expr NE expr { $$ = bin(P, OP_NE, $1, $3, @$); $$ = nest(P, $$); }
    | expr '<' expr { $$ = bin(P, OP_LT, $1, $3, @$); $$ = nest(P, $$); }
    | expr LE expr { $$ = bin(P, OP_LE, $1, $3, @$); $$ = nest(P, $$); }
    | expr '>' expr { $$ = bin(P, OP_GT, $1, $3, @$); $$ = nest(P, $$); }
    | expr GE expr { $$ = bin(P, OP_GE, $1, $3, @$); $$ = nest(P, $$); }
    | expr CONTAINS expr { $$ = bin(P, OP_CONTAINS, $1, $3, @$); $$ = nest(P, $$); }
    | expr MATCHES expr { $$ = bin(P, OP_MATCHES, $1, $3, @$); $$ = nest(P, $$); }
    | expr IN expr { $$ = bin(P, OP_IN, $1, $3, @$); $$ = nest(P, $$); }
    | expr DOTDOT expr { $$ = mk(P, N_RANGE, @$); $$->a = $1; $$->b = $3; $$ = nest(P, $$); }
    | expr '+' expr { $$ = bin(P, OP_ADD, $1, $3, @$); $$ = nest(P, $$); }
    | expr '-' expr { $$ = bin(P, OP_SUB, $1, $3, @$); $$ = nest(P, $$); }
    | expr '*' expr { $$ = bin(P, OP_MUL, $1, $3, @$); $$ = nest(P, $$); }
    | expr '/' expr { $$ = bin(P, OP_DIV, $1, $3, @$); $$ = nest(P, $$); }
    | expr '%' expr { $$ = bin(P, OP_MOD, $1, $3, @$); $$ = nest(P, $$); }
    | '-' expr %prec UMINUS { $$ = mk(P, N_UNARY, @$); $$->op = OP_NEG; $$->a = $2; $$ = nest(P, $$); }
    | expr '.' IDENT { $$ = field(P, $1, $3.s, $3.n, @$); $$ = nest(P, $$); }
    | expr '.' keyword { $$ = field(P, $1, $3.s, $3.n, @$); $$ = nest(P, $$); }
    | expr '[' expr ']' { $$ = mk(P, N_INDEX, @$); $$->a = $1; $$->b = $3; $$ = nest(P, $$); }
    | expr '(' ')' { $$ = mk(P, N_CALL, @$); $$->a = $1; $$ = nest(P, $$); }
    | expr '(' arglist ')' { $$ = become($3, N_CALL, @$); $$->a = $1; $$ = nest(P, $$); }
    | expr '(' arglist ',' ')' { $$ = become($3, N_CALL, @$); $$->a = $1; $$ = nest(P, $$); }
    | INT { $$ = mk(P, N_INT, @$); $$->i = $1; }
    | FLOAT { $$ = mk(P, N_FLOAT, @$); $$->f = $1; }
    | DURATION { $$ = mk(P, N_DURATION, @$); $$->i = $1; }
    | TRUE { $$ = mk(P, N_BOOL, @$); $$->i = 1; }
    | FALSE { $$ = mk(P, N_BOOL, @$); $$->i = 0; }
    | NIL { $$ = mk(P, N_NIL, @$); }
    | STR_PLAIN { $$ = mk(P, N_STRING, @$); $$->str = $1.s; $$->slen = $1.n; }
    | STR_PLAIN3 { $$ = strnode(P, text_part(P, NULL, $1.s, $1.n, @1.end - 3), @$, 1); }
    | istr STR_TAIL { $$ = strnode(P, text_part(P, $1, $2.s, $2.n, @2.end - 1), @$, 0); $$ = nest(P, $$); }
    | istr STR_TAIL3 { $$ = strnode(P, text_part(P, $1, $2.s, $2.n, @2.end - 3), @$, 1); $$ = nest(P, $$); }
    | RAW_STRING { $$ = mk(P, N_STRING, @$); $$->str = $1.s; $$->slen = $1.n; $$->flags = RBK_NF_RAW; }
    | IDENT { $$ = mk(P, N_IDENT, @$); $$->str = $1.s; $$->slen = $1.n; }
    | ENV { $$ = mk(P, N_IDENT, @$); $$->str = "env"; $$->slen = 3; }
    | '(' expr ')' { $$ = $2; }
    | '[' list_items ']' { $$ = $2; $$->off = @$.off; $$->end = @$.end; $$ = nest(P, $$); }
    | '{' map_items nls_opt '}' { $$ = $2; $$->off = @$.off; $$->end = @$.end; $$ = nest(P, $$); }
    ;
list_items
    : %empty { $$ = mk(P, N_LIST, @$); }
    | expr { $$ = mk(P, N_LIST, @$); push(P, &$$->list, $1); }
    | list_items ',' expr { $$ = $1; push(P, &$$->list, $3); }
    | list_items ',' { $$ = $1; }
    ;
map_items
    : %empty { $$ = mk(P, N_MAP, @$); }
    | map_entries { $$ = $1; }
    | map_entries ',' { $$ = $1; }
    ;
map_entries
    : map_entry { $$ = mk(P, N_MAP, @$); push(P, &$$->list, $1); }
    | map_entries ',' map_entry { $$ = $1; push(P, &$$->list, $3); }
    ;
map_entry
    : IDENT ':' expr { $$ = mk(P, N_MAP_ENTRY, @$); $$->str = $1.s; $$->slen = $1.n; $$->b = $3; set_depth($$); }
    | keyword ':' expr { $$ = mk(P, N_MAP_ENTRY, @$); $$->str = $1.s; $$->slen = $1.n; $$->b = $3; set_depth($$); }
    | string ':' expr { $$ = mk(P, N_MAP_ENTRY, @$); $$->a = $1; $$->b = $3; set_depth($$); }
    ;
/* A call's arguments, collected in the node that becomes the N_CALL: a positional argument is
 * its expression, a named one (`name: expr`) an N_ARG (ast.h: rbk_arg_value). The forms are
 * spelled out (no `arg` and `label` levels) to save the parser a reduction per argument; a
 * field or argument name may be a keyword. */
arglist
    : expr { $$ = mkargs(P, @$); push(P, &$$->list, $1); }
    | IDENT ':' expr { $$ = mkargs(P, @$); push(P, &$$->list, arg(P, $1.s, $1.n, $3, @$)); }
    | keyword ':' expr { $$ = mkargs(P, @$); push(P, &$$->list, arg(P, $1.s, $1.n, $3, @$)); }
    | arglist ',' expr { $$ = $1; push(P, &$$->list, $3); }
    | arglist ',' IDENT ':' expr { $$ = $1; push(P, &$$->list, arg(P, $3.s, $3.n, $5, span(@3, @5))); }
    | arglist ',' keyword ':' expr { $$ = $1; push(P, &$$->list, arg(P, $3.s, $3.n, $5, span(@3, @5))); }
    ;
keyword
    : RUNBOOK { $$.s = "runbook"; $$.n = 7; } | ENV { $$.s = "env"; $$.n = 3; }
    | PARAM { $$.s = "param"; $$.n = 5; } | USE { $$.s = "use"; $$.n = 3; }
    | LET { $$.s = "let"; $$.n = 3; } | FN { $$.s = "fn"; $$.n = 2; }
    | RETURN { $$.s = "return"; $$.n = 6; } | SECTION { $$.s = "section"; $$.n = 7; }
    | STEP { $$.s = "step"; $$.n = 4; } | ROLLBACK { $$.s = "rollback"; $$.n = 8; }
    | IRREVERSIBLE { $$.s = "irreversible"; $$.n = 12; } | EXPECT { $$.s = "expect"; $$.n = 6; }
    | FAIL { $$.s = "fail"; $$.n = 4; } | WATCH { $$.s = "watch"; $$.n = 5; }
    | WITHIN { $$.s = "within"; $$.n = 6; } | EVERY { $$.s = "every"; $$.n = 5; }
    | IF { $$.s = "if"; $$.n = 2; } | ELSE { $$.s = "else"; $$.n = 4; } | FOR { $$.s = "for"; $$.n = 3; }
    | IN { $$.s = "in"; $$.n = 2; } | AND { $$.s = "and"; $$.n = 3; } | OR { $$.s = "or"; $$.n = 2; }
    | NOT { $$.s = "not"; $$.n = 3; } | CONTAINS { $$.s = "contains"; $$.n = 8; }
    | MATCHES { $$.s = "matches"; $$.n = 7; } | TRUE { $$.s = "true"; $$.n = 4; }
    | FALSE { $$.s = "false"; $$.n = 5; } | NIL { $$.s = "nil"; $$.n = 3; } | AS { $$.s = "as"; $$.n = 2; }
    ;

string
    : STR_PLAIN { $$ = mk(P, N_STRING, @$); $$->str = $1.s; $$->slen = $1.n; }
    | STR_PLAIN3 { $$ = strnode(P, text_part(P, NULL, $1.s, $1.n, @1.end - 3), @$, 1); }
    | istr STR_TAIL { $$ = strnode(P, text_part(P, $1, $2.s, $2.n, @2.end - 1), @$, 0); $$ = nest(P, $$); }
    | istr STR_TAIL3 { $$ = strnode(P, text_part(P, $1, $2.s, $2.n, @2.end - 3), @$, 1); $$ = nest(P, $$); }
    ;
/* A string's parts up to its last interpolation: each piece's text (when not empty), then the
 * interpolation it opens. A text part's span is empty, at what ends it (as the lexer always
 * gave it). An interpolation that does not parse is skipped up to the next piece. */
istr
    : STR_HEAD expr { $$ = interp(P, text_part(P, NULL, $1.s, $1.n, @1.end - 1), $2, NULL, @2, @2, @1.end - 1); }
    | STR_HEAD expr ':' IDENT { $$ = interp(P, text_part(P, NULL, $1.s, $1.n, @1.end - 1), $2, &$4, @2, @4, @1.end - 1); }
    | STR_HEAD error { $$ = text_part(P, NULL, $1.s, $1.n, @1.end - 1); }
    | STR_HEAD3 expr { $$ = interp(P, text_part(P, NULL, $1.s, $1.n, @1.end - 1), $2, NULL, @2, @2, @1.end - 1); }
    | STR_HEAD3 expr ':' IDENT { $$ = interp(P, text_part(P, NULL, $1.s, $1.n, @1.end - 1), $2, &$4, @2, @4, @1.end - 1); }
    | STR_HEAD3 error { $$ = text_part(P, NULL, $1.s, $1.n, @1.end - 1); }
    | istr STR_MID expr { $$ = interp(P, text_part(P, $1, $2.s, $2.n, @2.end - 1), $3, NULL, @3, @3, @2.end - 1); }
    | istr STR_MID expr ':' IDENT { $$ = interp(P, text_part(P, $1, $2.s, $2.n, @2.end - 1), $3, &$5, @3, @5, @2.end - 1); }
    | istr STR_MID error { $$ = text_part(P, $1, $2.s, $2.n, @2.end - 1); }
    ;
%%

/* """ strings: drop the newline after the opening quotes and the last line when it holds
 * only indentation, then remove the indentation common to every non-blank line. */
static void dedent(rbk_parser *P, rbk_node *parts) {
    int n = parts->list.n;
    if (n == 0) return;
    rbk_node *first = parts->list.items[0];
    if (first->kind == N_STRING && first->slen && first->str[0] == '\n') { first->str++; first->slen--; }
    rbk_node *last = parts->list.items[n - 1];
    if (last->kind == N_STRING) {
        size_t k = last->slen;
        while (k > 0 && (last->str[k - 1] == ' ' || last->str[k - 1] == '\t')) k--;
        if (k > 0 && last->str[k - 1] == '\n') last->slen = k - 1;
        else if (k == 0 && n == 1) last->slen = 0;
    }
    /* common indentation: scan line starts across parts */
    size_t common = (size_t)-1;
    int at_start = 1;
    for (int i = 0; i < n; i++) {
        rbk_node *p = parts->list.items[i];
        if (p->kind != N_STRING) {
            if (at_start) common = 0;
            at_start = 0;
            continue;
        }
        for (size_t j = 0; j < p->slen; j++) {
            if (at_start) {
                size_t k = j;
                while (k < p->slen && (p->str[k] == ' ' || p->str[k] == '\t')) k++;
                int blank = (k < p->slen && p->str[k] == '\n') || (k == p->slen && i == n - 1);
                if (!blank && (k < p->slen || i + 1 < n)) { if (k - j < common) common = k - j; }
                at_start = 0;
                j = k;
                if (j >= p->slen) break;
            }
            if (p->str[j] == '\n') at_start = 1;
        }
    }
    if (common == (size_t)-1 || common == 0) return;
    at_start = 1;
    for (int i = 0; i < n; i++) {
        rbk_node *p = parts->list.items[i];
        if (p->kind != N_STRING) { at_start = 0; continue; }
        rbk_sbuf b = RBK_SBUF_INIT;
        for (size_t j = 0; j < p->slen; j++) {
            if (at_start) {
                size_t k = 0;
                while (k < common && j < p->slen && (p->str[j] == ' ' || p->str[j] == '\t')) { j++; k++; }
                at_start = 0;
                if (j >= p->slen) break;
            }
            rbk_sbuf_addc(&b, p->str[j]);
            if (p->str[j] == '\n') at_start = 1;
        }
        p->str = rbk_arena_strndup(P->arena, rbk_sbuf_cstr(&b), b.len);
        p->slen = b.len;
        rbk_sbuf_free(&b);
    }
}
/* The string literal from its parts (add_part). A plain string is its one text piece; an
 * interpolated string is the parts list itself: no copies, no new node. */
static rbk_node *strnode(rbk_parser *P, rbk_node *parts, YYLTYPE l, int triple) {
    if (!parts) {
        rbk_node *n = mk(P, N_STRING, l);
        n->str = rbk_arena_strndup(P->arena, "", 0);
        if (triple) n->flags |= RBK_NF_TRIPLE;
        return n;
    }
    if (parts->kind != N_LIST && (triple || parts->kind != N_STRING)) parts = parts_list(P, parts);
    if (parts->kind == N_STRING) return become(parts, N_STRING, l); /* the one piece, as lexed */
    if (triple) dedent(P, parts);
    int plain = 1;
    for (int i = 0; i < parts->list.n; i++)
        if (parts->list.items[i]->kind != N_STRING) plain = 0;
    rbk_node *n;
    if (!plain) {
        n = become(parts, N_INTERP, l);
    } else if (parts->list.n == 1) {
        n = become(parts->list.items[0], N_STRING, l);
        n->str[n->slen] = 0; /* dedent may have shortened it; the text is the lexer's copy */
    } else {
        rbk_sbuf b = RBK_SBUF_INIT;
        for (int i = 0; i < parts->list.n; i++)
            rbk_sbuf_add(&b, parts->list.items[i]->str, parts->list.items[i]->slen);
        n = become(parts, N_STRING, l);
        n->str = rbk_arena_strndup(P->arena, rbk_sbuf_cstr(&b), b.len);
        n->slen = b.len;
        rbk_sbuf_free(&b);
    }
    if (triple) n->flags |= RBK_NF_TRIPLE;
    return n;
}

/* The symbol a message shows for s: a string piece by what the reader sees first. */
static yysymbol_kind_t symbol_shown(yysymbol_kind_t s) {
    switch (s) {
    case YYSYMBOL_STR_PLAIN: return YYSYMBOL_STR_HEAD;
    case YYSYMBOL_STR_PLAIN3: return YYSYMBOL_STR_HEAD3;
    case YYSYMBOL_STR_TAIL: case YYSYMBOL_STR_TAIL3: return YYSYMBOL_STR_MID;
    default: return s;
    }
}
/* Where the line holding off starts, and its indentation (spaces and tabs). */
static uint32_t line_start(const rbk_parser *P, uint32_t off) {
    while (off > 0 && P->L->src[off - 1] != '\n') off--;
    return off;
}
static uint32_t indent_of(const rbk_parser *P, uint32_t start) {
    uint32_t i = start;
    while (P->L->src[i] == ' ' || P->L->src[i] == '\t') i++;
    return i - start;
}
/* A `(`, `[` or `{` left open is found only where the next statement starts: inside ( [ a
 * newline ends nothing, so the error would be one line late, at whatever follows, with no
 * word about the bracket (a `{` of a map or a block: at the next statement that cannot be
 * inside it). When the innermost open bracket's closer is one of the tokens expected, and the
 * unexpected token is the end of the file or starts a later line indented no deeper than the
 * bracket's line (a continuation line is indented deeper: there a `,` is more likely missing),
 * the error is the bracket's, with a note where the closer was expected: right after the last
 * token before. */
static int never_closed(rbk_parser *P, yysymbol_kind_t la, YYLTYPE at, const yysymbol_kind_t *expected, int n) {
    uint32_t bat;
    int open = rbk_lex_open_bracket(P->L, &bat);
    const char *closer = open == '(' ? "')'" : open == '[' ? "']'" : open == '{' ? "'}'" : NULL;
    if (!closer || bat >= at.off) return 0;
    int expects = 0;
    for (int i = 0; i < n; i++) expects |= !strcmp(yysymbol_name(expected[i]), closer);
    if (!expects) return 0;
    /* the end of the file, or the end of line sent there (the lexer's last statement ends there) */
    int eof = la == YYSYMBOL_YYEOF || (la == YYSYMBOL_NL && P->L->src + at.off >= P->L->lim);
    if (!eof) {
        uint32_t ls = line_start(P, at.off), bls = line_start(P, bat);
        if (ls == bls || at.off - ls != indent_of(P, ls) || indent_of(P, ls) > indent_of(P, bls)) return 0;
    }
    rbk_diag *d = rbk_diag_add(P->diags, RBK_SEV_ERROR, "syntax", P->file, bat, bat + 1, "this `%c` is never closed", open);
    /* right after the last token before la (an end of line is not counted as one) */
    uint32_t last = la == YYSYMBOL_NL ? P->L->last_end : P->L->prev_end;
    uint32_t before = last > bat ? last : bat + 1;
    if (eof) {
        rbk_diag_note(d, P->file, before, before, "expected `%c` here, before the end of the file", closer[1]);
    } else {
        int line = 0, col = 0;
        if (P->diags->sources && P->file >= 0 && P->file < P->diags->sources->n)
            rbk_source_linecol(P->diags->sources->items[P->file], at.off, &line, &col);
        rbk_diag_note(d, P->file, before, before, "expected `%c` here, before %s on line %d", closer[1],
                      yysymbol_name(la), line);
    }
    return 1;
}
static int yyreport_syntax_error(const yypcontext_t *ctx, rbk_parser *P) {
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
    /* a string's pieces are named by what the reader sees first, once each */
    int k = 0;
    for (int i = 0; i < n; i++) {
        yysymbol_kind_t e = symbol_shown(expected[i]);
        int seen = 0;
        for (int j = 0; j < k; j++) seen |= expected[j] == e;
        if (!seen) expected[k++] = e;
    }
    n = k;
    yysymbol_kind_t la = yypcontext_token(ctx);
    YYLTYPE at = *yypcontext_location(ctx);
    if (symbol_shown(la) != la || la == YYSYMBOL_STR_HEAD || la == YYSYMBOL_STR_HEAD3 || la == YYSYMBOL_STR_MID) {
        la = symbol_shown(la); /* the span of what is named: the opening quote(s) or the } */
        at.end = at.off + (la == YYSYMBOL_STR_HEAD3 ? 3 : 1);
    }
    if (never_closed(P, la, at, expected, n)) return 0;
    const YYLTYPE *loc = &at;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_printf(&b, "unexpected %s", yysymbol_name(la));
    if (n > 0 && n <= 6) {
        rbk_sbuf_adds(&b, ", expected ");
        for (int i = 0; i < n; i++) {
            if (i) rbk_sbuf_adds(&b, i == n - 1 ? " or " : ", ");
            rbk_sbuf_adds(&b, yysymbol_name(expected[i]));
        }
    }
    uint32_t end = loc->end > loc->off ? loc->end : loc->off + 1;
    rbk_diag *d = rbk_diag_add(P->diags, RBK_SEV_ERROR, "syntax", P->file, loc->off, end, "%s", rbk_sbuf_cstr(&b));
    rbk_sbuf_free(&b);
    if (!strcmp(yysymbol_name(la), "'='")) {
        /* '=' where an expression continues: the author meant == */
        for (int i = 0; i < n; i++) if (expected[i] == YYSYMBOL_EQ) { rbk_diag_hint(d, "to compare, write `==`"); break; }
    }
    if (la == YYSYMBOL_STEP) rbk_diag_hint(d, "steps are written at the top level or inside a section");
    return 0;
}

#ifdef YY_LAC_ESTABLISH
int rbk_parse(rbk_parser *P) { return yyparse(P); }
#else
int rbk_parse_fast(rbk_parser *P) { return yyparse(P); }
#endif

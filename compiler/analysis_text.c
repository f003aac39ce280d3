/* compiler/analysis_text.c — the outline's reading of the source (compiler/analysis.h): the
 * walker's positions and spans, the parameters a call binds, compile-time values (ceval: what a
 * duration, a range or a list length is before the run), the text of an expression as written
 * with a function's parameters replaced by the call's arguments, and the comments written beside
 * declarations. The walk itself is compiler/analysis.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis_int.h"

const rbk_source *rbk_an_src_of(walker *w, int file) { return w->c->sources->items[file]; }
int rbk_an_line_of(walker *w, int file, uint32_t off) {
    int line, col;
    rbk_source_linecol(rbk_an_src_of(w, file), off, &line, &col);
    return line;
}
/* Source text into out; all rendering of one outline shares TEXT_BUDGET bytes, so that calls
 * nested to pass `x + x` down many levels cannot multiply a text without end. */
void rbk_an_add_span(walker *w, rbk_sbuf *out, int file, uint32_t a, uint32_t b) {
    if (b <= a) return;
    if (w->o->text_budget < (int64_t)(b - a)) {
        if (w->o->text_budget >= 0) rbk_sbuf_adds(out, "…");
        w->o->text_budget = -1;
        return;
    }
    w->o->text_budget -= b - a;
    rbk_sbuf_add(out, rbk_an_src_of(w, file)->text + a, b - a);
}

static int param_index(const frame *f, const rbk_node *decl) {
    if (!f || !f->params) return -1;
    for (int i = 0; i < f->params->list.n; i++)
        if (f->params->list.items[i] == decl) return i;
    return -1;
}
/* The expression a parameter stands for in frame f, and the frame to read it in: the call's
 * argument (in the caller) or the parameter's default (top-level names and literals only). */
static rbk_node *binding(const frame *f, const rbk_node *decl, const frame **bf) {
    int i = param_index(f, decl);
    if (i < 0) return NULL;
    if (f->args[i]) { *bf = f->caller; return f->args[i]; }
    *bf = NULL;
    return f->params->list.items[i]->a;
}
static rbk_node *bound_param_of(const frame *f, const rbk_node *n) {
    if (n && n->kind == N_IDENT && n->sym && n->sym->kind == SYM_LOCAL && param_index(f, n->sym->decl) >= 0)
        return n->sym->decl;
    return NULL;
}

/* ------------------------------------------------------------------ compile-time values */

void rbk_an_add_note(char ***list, int *n, const char *text) {
    for (int i = 0; i < *n; i++)
        if (!strcmp((*list)[i], text)) return;
    *list = rbk_xrealloc(*list, sizeof(char *) * (size_t)(*n + 1));
    (*list)[(*n)++] = rbk_xstrdup(text);
}

static cval cv(int kind, int64_t i) { cval v = {kind, i, 0}; return v; }

static cval ceval_global(walker *w, rbk_sym *y, int depth) {
    rbk_node *d = y->decl;
    if (!d) return cv(CV_UNKNOWN, 0);
    if (y->is_param && d->kind == N_PARAM) {
        /* a secret param's default is not shown, so nothing is computed from it either */
        if (!d->b || (d->flags & RBK_NF_SECRET)) { w->need_param = y->name; return cv(CV_UNKNOWN, 0); }
        cval v = rbk_an_ceval(w, d->b, NULL, depth + 1);
        if (v.kind != CV_UNKNOWN) {
            rbk_sbuf b = RBK_SBUF_INIT;
            rbk_sbuf_printf(&b, "%s = ", y->name);
            rbk_an_add_span(w, &b, d->b->file, d->b->off, d->b->end);
            rbk_sbuf_printf(&b, " (its default; --param %s=... changes it)", y->name);
            rbk_an_add_note(&w->o->assumptions, &w->o->nassumptions, b.data);
            rbk_sbuf_free(&b);
        }
        return v;
    }
    if (d->kind == N_LET && !y->assigned) return rbk_an_ceval(w, d->a, NULL, depth + 1);
    return cv(CV_UNKNOWN, 0);
}

cval rbk_an_ceval(walker *w, rbk_node *n, const frame *f, int depth) {
    if (!n || depth > MAX_DEPTH) return cv(CV_UNKNOWN, 0);
    switch (n->kind) {
    case N_INT: return cv(CV_INT, n->i);
    case N_DURATION: return cv(CV_DUR, n->i);
    case N_BOOL: return cv(CV_BOOL, n->i);
    case N_NIL: return cv(CV_NIL, 0);
    case N_FLOAT: { cval v = cv(CV_FLOAT, 0); v.f = n->f; return v; }
    case N_STRING: case N_INTERP: return cv(CV_STR, 0);
    case N_LIST: case N_MAP: return cv(CV_LIST, n->list.n);
    case N_RANGE: {
        cval a = rbk_an_ceval(w, n->a, f, depth + 1), b = rbk_an_ceval(w, n->b, f, depth + 1);
        int64_t len;
        if (a.kind != CV_INT || b.kind != CV_INT) return cv(CV_UNKNOWN, 0);
        if (b.i < a.i) return cv(CV_LIST, 0);
        if (__builtin_sub_overflow(b.i, a.i, &len) || len >= COST_LIMIT) return cv(CV_LIST, COST_LIMIT);
        return cv(CV_LIST, len + 1);
    }
    case N_UNARY: {
        cval a = rbk_an_ceval(w, n->a, f, depth + 1);
        if ((a.kind == CV_INT || a.kind == CV_DUR) && a.i != INT64_MIN) { a.i = -a.i; return a; }
        return cv(CV_UNKNOWN, 0);
    }
    case N_IDENT: {
        rbk_sym *y = n->sym;
        if (!y) return cv(CV_UNKNOWN, 0);
        if (y->kind == SYM_LOCAL) {
            const frame *bf = NULL;
            rbk_node *b = binding(f, y->decl, &bf);
            if (b) return rbk_an_ceval(w, b, bf, depth + 1);
            if (y->decl && y->decl->kind == N_LET && !y->assigned) return rbk_an_ceval(w, y->decl->a, f, depth + 1);
            return cv(CV_UNKNOWN, 0);
        }
        if (y->kind == SYM_GLOBAL) return ceval_global(w, y, depth);
        return cv(CV_UNKNOWN, 0);
    }
    case N_FIELD:
        if (n->aux == RBK_FIELD_MODULE && n->sym && n->sym->kind == SYM_GLOBAL) return ceval_global(w, n->sym, depth);
        return cv(CV_UNKNOWN, 0);
    case N_BINARY: {
        cval a = rbk_an_ceval(w, n->a, f, depth + 1), b = rbk_an_ceval(w, n->b, f, depth + 1);
        if (a.kind == CV_UNKNOWN || b.kind == CV_UNKNOWN) return cv(CV_UNKNOWN, 0);
        int num_a = a.kind == CV_INT || a.kind == CV_DUR, num_b = b.kind == CV_INT || b.kind == CV_DUR;
        if (n->op == OP_ADD && a.kind == CV_LIST && b.kind == CV_LIST) return cv(CV_LIST, sat_add(a.i, b.i));
        if (!num_a || !num_b) return cv(CV_UNKNOWN, 0);
        int kind = (a.kind == CV_DUR || b.kind == CV_DUR) ? CV_DUR : CV_INT;
        int64_t r;
        switch (n->op) { /* what overflows at run time is an error there: unknown here */
        case OP_ADD: return __builtin_add_overflow(a.i, b.i, &r) ? cv(CV_UNKNOWN, 0) : cv(kind, r);
        case OP_SUB: return __builtin_sub_overflow(a.i, b.i, &r) ? cv(CV_UNKNOWN, 0) : cv(kind, r);
        case OP_MUL:
            if (a.kind == CV_DUR && b.kind == CV_DUR) return cv(CV_UNKNOWN, 0);
            return __builtin_mul_overflow(a.i, b.i, &r) ? cv(CV_UNKNOWN, 0) : cv(kind, r);
        case OP_DIV:
            if (b.i == 0 || b.kind == CV_DUR || (a.i == INT64_MIN && b.i == -1)) return cv(CV_UNKNOWN, 0);
            return cv(kind, a.i / b.i);
        default: return cv(CV_UNKNOWN, 0);
        }
    }
    default: return cv(CV_UNKNOWN, 0);
    }
}
/* A duration bound, or -1 with *why set to the reason it is not known. */
int64_t rbk_an_duration_of(walker *w, rbk_node *n, const frame *f, const char *what, char **why) {
    w->need_param = NULL;
    cval v = rbk_an_ceval(w, n, f, 0);
    if (v.kind == CV_DUR && v.i >= 0) return v.i;
    rbk_sbuf b = RBK_SBUF_INIT;
    int line = rbk_an_line_of(w, n->file, n->off);
    rbk_sbuf_printf(&b, "%s `", what);
    rbk_an_add_span(w, &b, n->file, n->off, n->end);
    rbk_sbuf_printf(&b, "` (%s:%d) is not known before the run", rbk_outline_file(w->o, n->file), line);
    if (w->need_param) rbk_sbuf_printf(&b, ": it depends on --param %s", w->need_param);
    *why = rbk_sbuf_detach(&b);
    return -1;
}

/* ------------------------------------------------------------------ text as written */
static void render_inner(walker *w, rbk_node *n, const frame *f, rbk_sbuf *out);

static int is_string(const rbk_node *n) { return n && (n->kind == N_STRING || n->kind == N_INTERP); }
static int is_triple(const rbk_node *n) { return is_string(n) && (n->flags & RBK_NF_TRIPLE); }

typedef struct sub { rbk_node *id; int direct; } sub; /* direct: the whole of an `{x}` part */
typedef struct subs { sub v[64]; int n; } subs;

static void collect(rbk_node *n, const frame *f, subs *s, int direct) {
    if (!n || s->n == 64) return;
    if (n->kind == N_IDENT) {
        if (bound_param_of(f, n)) { s->v[s->n].id = n; s->v[s->n].direct = direct; s->n++; }
        return;
    }
    if (n->kind == N_INTERP_PART) { collect(n->a, f, s, n->b == NULL); return; }
    if (n->kind == N_FIELD) { collect(n->a, f, s, 0); return; }
    rbk_node *ch;
    RBK_EACH_CHILD(n, i, ch) collect(ch, f, s, 0);
}
static int cmp_sub(const void *a, const void *b) {
    const sub *x = a, *y = b;
    return x->id->off < y->id->off ? -1 : x->id->off > y->id->off;
}

/* Whether the identifier at [a, e) is the whole of an interpolation `{ x }` inside [lo, hi);
 * *from and *to are then the braces' span. */
static int braced(const char *t, uint32_t lo, uint32_t hi, uint32_t a, uint32_t e, uint32_t *from, uint32_t *to) {
    while (a > lo && t[a - 1] == ' ') a--;
    while (e < hi && t[e] == ' ') e++;
    if (a <= lo || t[a - 1] != '{' || e >= hi || t[e] != '}') return 0;
    *from = a - 1;
    *to = e + 1;
    return 1;
}
static int is_scalar_literal(const rbk_node *n) {
    return n && (n->kind == N_INT || n->kind == N_FLOAT || n->kind == N_DURATION || n->kind == N_BOOL);
}

/* The source text of n, with each parameter of the function being expanded replaced by what
 * the call passed for it. Inside a string, `{p}` where p is passed a literal becomes the
 * literal's text (`{url}` passed "{base}/x" reads {base}/x; `{code}` passed 200 reads 200) —
 * except in a shell command or a query, where a value is quoted or bound, not spliced. */
#define RENDER_MAX 65536 /* one text: past this, say so and stop */
void rbk_an_render_expr(walker *w, rbk_node *n, const frame *f, rbk_sbuf *out) {
    if (out->len > RENDER_MAX || w->o->text_budget < 0) { rbk_sbuf_adds(out, "…"); return; }
    subs s;
    s.n = 0;
    if (f && f->params) collect(n, f, &s, 0);
    if (!s.n) { rbk_an_add_span(w, out, n->file, n->off, n->end); return; }
    qsort(s.v, (size_t)s.n, sizeof(sub), cmp_sub);
    const char *t = rbk_an_src_of(w, n->file)->text;
    uint32_t pos = n->off;
    for (int i = 0; i < s.n; i++) {
        rbk_node *id = s.v[i].id;
        if (id->off < pos) continue;
        const frame *bf = NULL;
        rbk_node *b = binding(f, id->sym->decl, &bf);
        uint32_t from, to;
        int splice = s.v[i].direct && !w->quoted && ((is_string(b) && !is_triple(b)) || is_scalar_literal(b));
        if (splice && braced(t, pos, n->end, id->off, id->end, &from, &to)) {
            rbk_an_add_span(w, out, n->file, pos, from);
            if (is_string(b)) render_inner(w, b, bf, out);
            else rbk_an_add_span(w, out, b->file, b->off, b->end);
            pos = to;
            continue;
        }
        rbk_an_add_span(w, out, n->file, pos, id->off);
        rbk_an_render_expr(w, b, bf, out);
        pos = id->end;
    }
    rbk_an_add_span(w, out, n->file, pos, n->end);
}

static void add_escaped_braces(rbk_sbuf *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '{' || s[i] == '}') rbk_sbuf_addc(out, '\\');
        rbk_sbuf_addc(out, s[i]);
    }
}
/* The inside of a string literal as written (without its quotes); a """ string without its
 * common indentation, as the language reads it. With o->values (doc), every string as the
 * language reads it: escapes decoded (a `\n` is a newline), holes as written, a literal brace
 * as `\{` (a raw '...' string has no holes: its text as it is). */
static void render_inner(walker *w, rbk_node *n, const frame *f, rbk_sbuf *out) {
    int value = (n->flags & RBK_NF_TRIPLE) || w->o->values;
    if (n->kind == N_STRING && value && (n->flags & RBK_NF_RAW)) { rbk_sbuf_add(out, n->str, n->slen); return; }
    if (n->kind == N_STRING && value) { add_escaped_braces(out, n->str, n->slen); return; }
    if (n->kind == N_INTERP && value) {
        for (int i = 0; i < n->list.n; i++) {
            rbk_node *p = n->list.items[i];
            if (p->kind == N_STRING) { add_escaped_braces(out, p->str, p->slen); continue; }
            const frame *bf = NULL;
            rbk_node *b = !p->b && !w->quoted && bound_param_of(f, p->a) ? binding(f, p->a->sym->decl, &bf) : NULL;
            if (b && is_string(b) && !is_triple(b)) { render_inner(w, b, bf, out); continue; }
            /* a number, duration or bool passed: its text, as outside a """ string (doc only:
             * plan's """ strings keep `{200}`) */
            if (b && w->o->values && is_scalar_literal(b)) { rbk_an_add_span(w, out, b->file, b->off, b->end); continue; }
            rbk_sbuf_addc(out, '{');
            rbk_an_render_expr(w, p->a, f, out);
            if (p->b) rbk_sbuf_printf(out, ":%s", p->b->str);
            rbk_sbuf_addc(out, '}');
        }
        return;
    }
    rbk_sbuf t = RBK_SBUF_INIT;
    rbk_an_render_expr(w, n, f, &t);
    if (t.len >= 2) rbk_sbuf_add(out, t.data + 1, t.len - 2);
    rbk_sbuf_free(&t);
}
/* An argument as written: the inside of a string literal (literal = 1), following a
 * parameter to the literal its call passed; otherwise the expression's text. */
char *rbk_an_render_arg(walker *w, rbk_node *n, const frame *f, int *literal) {
    rbk_node *at;
    return rbk_an_render_arg_at(w, n, f, literal, &at);
}
/* The same; *at is the literal (or expression) the text comes from. */
char *rbk_an_render_arg_at(walker *w, rbk_node *n, const frame *f, int *literal, rbk_node **at) {
    rbk_sbuf b = RBK_SBUF_INIT;
    for (int hops = 0; hops < MAX_DEPTH && bound_param_of(f, n); hops++) {
        const frame *bf = NULL;
        rbk_node *x = binding(f, n->sym->decl, &bf);
        if (!is_string(x) && !bound_param_of(bf, x)) break;
        n = x;
        f = bf;
    }
    *at = n;
    if (is_string(n)) { *literal = 1; render_inner(w, n, f, &b); }
    else { *literal = 0; rbk_an_render_expr(w, n, f, &b); }
    if (!b.data) rbk_sbuf_adds(&b, "");
    return rbk_sbuf_detach(&b);
}
/* A command's argument list (exec's argv) as the command line it makes: `pg_dump --file
 * {path}` for ["pg_dump", "--file", path], through `+`, the parameters of the function being
 * expanded and the `let`s it is built from; a word that is not a string literal shows as
 * `{expr}`, a word with a space in quotes, and `…` stands for what a list got after its `let`
 * (`argv = argv + [...]`). 0 (out unchanged in meaning) when n is not built that way. */
static int render_argv(walker *w, rbk_node *n, const frame *f, rbk_sbuf *out, int depth) {
    if (!n || depth > MAX_DEPTH || out->len > RENDER_MAX) return 0;
    if (n->kind == N_LIST) {
        for (int i = 0; i < n->list.n; i++) {
            rbk_node *x = n->list.items[i];
            const frame *xf = f;
            for (int hops = 0; hops < MAX_DEPTH && bound_param_of(xf, x); hops++) {
                const frame *bf = NULL;
                rbk_node *y = binding(xf, x->sym->decl, &bf);
                x = y;
                xf = bf;
            }
            if (out->len) rbk_sbuf_addc(out, ' ');
            rbk_sbuf word = RBK_SBUF_INIT;
            int lit = is_string(x);
            if (lit) render_inner(w, x, xf, &word);
            else { rbk_sbuf_addc(&word, '{'); rbk_an_render_expr(w, x, xf, &word); rbk_sbuf_addc(&word, '}'); }
            int quote = lit && (!word.len || strpbrk(rbk_sbuf_cstr(&word), " \t'") != NULL);
            if (quote) rbk_sbuf_addc(out, '\'');
            rbk_sbuf_add(out, rbk_sbuf_cstr(&word), word.len);
            if (quote) rbk_sbuf_addc(out, '\'');
            rbk_sbuf_free(&word);
        }
        return 1;
    }
    if (n->kind == N_BINARY && n->op == OP_ADD)
        return render_argv(w, n->a, f, out, depth + 1) && render_argv(w, n->b, f, out, depth + 1);
    if (n->kind != N_IDENT || !n->sym) return 0;
    if (bound_param_of(f, n)) {
        const frame *bf = NULL;
        rbk_node *b = binding(f, n->sym->decl, &bf);
        return render_argv(w, b, bf, out, depth + 1);
    }
    rbk_node *d = n->sym->decl;
    if (!d || d->kind != N_LET || (n->sym->kind != SYM_LOCAL && n->sym->kind != SYM_GLOBAL)) return 0;
    if (!render_argv(w, d->a, n->sym->kind == SYM_LOCAL ? f : NULL, out, depth + 1)) return 0;
    if (n->sym->assigned) rbk_sbuf_adds(out, out->len ? " …" : "…");
    return 1;
}
/* exec's argv as a command line (render_argv), or NULL when it is not built from lists. */
char *rbk_an_render_argv(walker *w, rbk_node *n, const frame *f) {
    rbk_sbuf b = RBK_SBUF_INIT;
    if (!render_argv(w, n, f, &b, 0)) { rbk_sbuf_free(&b); return NULL; }
    if (!b.data) rbk_sbuf_adds(&b, "");
    return rbk_sbuf_detach(&b);
}
char *rbk_an_render(walker *w, rbk_node *n, const frame *f) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_an_render_expr(w, n, f, &b);
    if (!b.data) rbk_sbuf_adds(&b, "");
    return rbk_sbuf_detach(&b);
}
/* ------------------------------------------------------------------ comments beside code */
/* The comment lines written directly above the line holding off (no blank line between),
 * without their `#`. */
char *rbk_an_comment_above(const rbk_source *s, uint32_t off) {
    int line, col;
    rbk_source_linecol(s, off, &line, &col);
    int first = line;
    for (int l = line - 1; l >= 1; l--) {
        size_t len;
        const char *t = rbk_source_line(s, l, &len);
        size_t i = 0;
        while (i < len && (t[i] == ' ' || t[i] == '\t')) i++;
        if (i == len || t[i] != '#') break;
        first = l;
    }
    if (first == line) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    for (int l = first; l < line; l++) {
        size_t len;
        const char *t = rbk_source_line(s, l, &len);
        size_t i = 0;
        while (i < len && (t[i] == ' ' || t[i] == '\t')) i++;
        i++; /* the # */
        if (i < len && t[i] == ' ') i++;
        while (len > i && (t[len - 1] == ' ' || t[len - 1] == '\t')) len--;
        if (b.len) rbk_sbuf_addc(&b, '\n');
        rbk_sbuf_add(&b, t + i, len - i);
    }
    return rbk_sbuf_detach(&b);
}
/* The comment at the end of the line holding off (after the code), or NULL. */
char *rbk_an_comment_after(const rbk_source *s, uint32_t off) {
    int quote = 0;
    for (uint32_t i = off; i < s->len && s->text[i] != '\n'; i++) {
        char ch = s->text[i];
        if (quote) {
            if (ch == '\\' && quote == '"') i++;
            else if (ch == quote) quote = 0;
            continue;
        }
        if (ch == '"' || ch == '\'') { quote = ch; continue; }
        if (ch != '#') continue;
        i++;
        while (i < s->len && s->text[i] == ' ') i++;
        uint32_t e = i;
        while (e < s->len && s->text[e] != '\n') e++;
        while (e > i && (s->text[e - 1] == ' ' || s->text[e - 1] == '\r')) e--;
        return e > i ? rbk_xstrndup(s->text + i, e - i) : NULL;
    }
    return NULL;
}


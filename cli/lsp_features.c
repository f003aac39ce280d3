/* cli/lsp_features.c — the language features of `runbook lsp` (see lsp.h): positions in the
 * protocol's units, hover, go to definition, document symbols and completion. Each answers
 * from the document's last check (compiler/query.h); completion also reads the text before the
 * cursor, which is usually not valid yet (`r.`, `sh("x", ti`). */
#include <stdlib.h>
#include <string.h>
#include "../compiler/fmt.h"
#include "../stdlib/builtins.h"
#include "lsp.h"

int rbk_std_module_find(const char *name, const char **src, size_t *len); /* generated */
const char *rbk_std_module_name(int i);

/* ------------------------------------------------------------------ positions */
/* The bytes of the character at p (n > 0 left): a valid UTF-8 sequence, or one stray byte. */
static size_t seq_len(const char *p, size_t n) {
    size_t k = rbk_utf8_seq(p, n);
    return k ? k : 1;
}
/* UTF-16 code units of the UTF-8 text p[0..n): a 4-byte sequence is two, a stray byte one. */
static int64_t utf16_units(const char *p, size_t n) {
    int64_t u = 0;
    for (size_t i = 0; i < n;) {
        size_t k = seq_len(p + i, n - i);
        u += k == 4 ? 2 : 1;
        i += k;
    }
    return u;
}
/* The line's first byte: the text's start for the first line (a byte-order mark is a character
 * of the client's text, where the checker's columns start after it). */
static uint32_t line_start(const rbk_source *src, int line) { return line == 1 ? 0 : src->lines[line - 1]; }

json_t *rbk_lsp_position(const rbk_source *src, uint32_t off) {
    if (off > src->len) off = (uint32_t)src->len;
    int line, col;
    rbk_source_linecol(src, off, &line, &col);
    uint32_t ls = line_start(src, line);
    return json_pack("{s:i, s:I}", "line", line - 1, "character", (json_int_t)utf16_units(src->text + ls, off - ls));
}
json_t *rbk_lsp_range(const rbk_source *src, uint32_t off, uint32_t end) {
    return json_pack("{s:o, s:o}", "start", rbk_lsp_position(src, off), "end", rbk_lsp_position(src, end < off ? off : end));
}
int64_t rbk_lsp_offset(const char *text, size_t len, const json_t *pos) {
    json_t *jl = json_object_get(pos, "line"), *jc = json_object_get(pos, "character");
    if (!json_is_integer(jl) || !json_is_integer(jc)) return -1;
    json_int_t line = json_integer_value(jl), ch = json_integer_value(jc);
    if (line < 0 || ch < 0) return -1;
    size_t p = 0;
    for (json_int_t l = 0; l < line; l++) {
        const char *nl = memchr(text + p, '\n', len - p);
        if (!nl) return (int64_t)len; /* past the last line: the end */
        p = (size_t)(nl - text) + 1;
    }
    /* walk the line, counting UTF-16 units, up to ch or the line's end */
    json_int_t u = 0;
    while (p < len && text[p] != '\n' && u < ch) {
        size_t k = seq_len(text + p, len - p);
        u += k == 4 ? 2 : 1;
        p += k;
    }
    if (p > 0 && p < len && text[p] == '\n' && text[p - 1] == '\r' && u <= ch) p--; /* before CR LF */
    return (int64_t)p;
}

static const rbk_source *doc_src(rbk_lsp_doc *d) {
    return d->c && d->file >= 0 && d->file < d->sources.n ? d->sources.items[d->file] : NULL;
}

/* ------------------------------------------------------------------ hover, definition */
json_t *rbk_lsp_hover(rbk_lsp_doc *d, uint32_t off) {
    const rbk_source *src = doc_src(d);
    if (!src) return json_null();
    uint32_t so = off, se = off;
    char *text = rbk_query_hover(d->c, d->file, off, &so, &se);
    if (!text) return json_null();
    json_t *r = json_pack("{s:{s:s, s:s}, s:o}", "contents", "kind", "markdown", "value", text, "range",
                          rbk_lsp_range(src, so, se));
    free(text);
    return r ? r : json_null();
}

json_t *rbk_lsp_definition(rbk_lsp_doc *d, uint32_t off) {
    if (!doc_src(d)) return json_null();
    int df;
    uint32_t a, b;
    if (!rbk_query_definition(d->c, d->file, off, &df, &a, &b) || df < 0 || df >= d->sources.n) return json_null();
    const rbk_source *s = d->sources.items[df];
    char *uri = df == d->file ? rbk_xstrdup(d->uri) : rbk_lsp_path_to_uri(s->path);
    json_t *r = json_pack("{s:s, s:o}", "uri", uri, "range", rbk_lsp_range(s, a, b));
    free(uri);
    return r;
}

/* ------------------------------------------------------------------ document symbols */
typedef struct sym_ctx {
    const rbk_source *src;
    json_t *out, *section; /* the section's children while its steps come */
} sym_ctx;
static void symbol_cb(void *ctx, rbk_query_kind kind, const char *name, int depth, uint32_t off, uint32_t end,
                      uint32_t noff, uint32_t nend) {
    sym_ctx *x = ctx;
    /* SymbolKind: Namespace 3 for a section, Event 24 for a step, Key 20 for a run lock, Function 12 */
    int k = kind == RBK_Q_SECTION ? 3 : kind == RBK_Q_STEP ? 24 : kind == RBK_Q_LOCK ? 20 : 12;
    json_t *s = json_pack("{s:s, s:i, s:o, s:o}", "name", name[0] ? name : "(unnamed)", "kind", k, "range",
                          rbk_lsp_range(x->src, off, end), "selectionRange", rbk_lsp_range(x->src, noff, nend));
    json_object_set_new(s, "detail", json_string(kind == RBK_Q_SECTION ? "section" : kind == RBK_Q_STEP ? "step"
                                                 : kind == RBK_Q_LOCK ? "run lock" : "fn"));
    if (kind == RBK_Q_SECTION) {
        x->section = json_array();
        json_object_set_new(s, "children", x->section);
        json_array_append_new(x->out, s);
    } else if (depth == 1 && x->section) {
        json_array_append_new(x->section, s);
    } else {
        x->section = NULL;
        json_array_append_new(x->out, s);
    }
}
json_t *rbk_lsp_symbols(rbk_lsp_doc *d) {
    const rbk_source *src = doc_src(d);
    json_t *out = json_array();
    if (!src) return out;
    sym_ctx x = {src, out, NULL};
    rbk_query_outline(d->c, d->file, symbol_cb, &x);
    return out;
}

/* ------------------------------------------------------------------ completion */
/* CompletionItemKind */
enum { CK_METHOD = 2, CK_FUNCTION = 3, CK_FIELD = 5, CK_VARIABLE = 6, CK_MODULE = 9, CK_PROPERTY = 10,
       CK_KEYWORD = 14, CK_FILE = 17, CK_CONSTANT = 21 };

typedef struct comp {
    json_t *items;
    char **labels;       /* an open-addressing set of the labels offered (each once) */
    size_t nlabels, cap;
    const char *prefix;  /* what is typed of the word at the cursor */
    const char *suffix;  /* appended to each label's insert text (": " for a named argument) */
    int kind;            /* for items from a name callback */
} comp;

static size_t hash(const char *s) {
    size_t h = 14695981039346656037u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}
/* Whether label was offered already; records it if not. */
static int seen(comp *c, const char *label) {
    if (2 * (c->nlabels + 1) > c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 256;
        char **n = rbk_xcalloc(ncap, sizeof(char *));
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->labels[i]) continue;
            size_t j = hash(c->labels[i]) & (ncap - 1);
            while (n[j]) j = (j + 1) & (ncap - 1);
            n[j] = c->labels[i];
        }
        free(c->labels);
        c->labels = n;
        c->cap = ncap;
    }
    size_t j = hash(label) & (c->cap - 1);
    for (; c->labels[j]; j = (j + 1) & (c->cap - 1))
        if (!strcmp(c->labels[j], label)) return 1;
    c->labels[j] = rbk_xstrdup(label);
    c->nlabels++;
    return 0;
}
static void add_item(comp *c, const char *label, int kind, const char *detail, const char *doc) {
    if (strncmp(label, c->prefix, strlen(c->prefix)) || seen(c, label)) return;
    json_t *it = json_pack("{s:s, s:i}", "label", label, "kind", kind);
    if (detail) json_object_set_new(it, "detail", json_string(detail));
    if (doc) json_object_set_new(it, "documentation", json_string(doc));
    if (c->suffix) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_printf(&b, "%s%s", label, c->suffix);
        json_object_set_new(it, "insertText", json_string(b.data));
        rbk_sbuf_free(&b);
    }
    json_array_append_new(c->items, it);
}
static void name_cb(void *ctx, const char *name, rbk_query_kind kind, const char *detail) {
    comp *c = ctx;
    int k = c->kind ? c->kind : kind == RBK_Q_FN ? CK_FUNCTION : kind == RBK_Q_MODULE ? CK_MODULE
                              : kind == RBK_Q_PARAM ? CK_CONSTANT : CK_VARIABLE;
    add_item(c, name, k, detail, NULL);
}

static int is_word(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* The builtins whose name starts with ns + "." (ns NULL: the undotted ones, and each
 * namespace once); with handle, only the methods of a handle:ns value. */
static void builtin_items(comp *c, const char *ns, int handle) {
    size_t nl = ns ? strlen(ns) : 0;
    for (int i = 0; i < rbk_builtin_count(); i++) {
        const rbk_builtin *b = rbk_builtin_get(i);
        const char *dot = strchr(b->name, '.');
        rbk_sbuf sig = RBK_SBUF_INIT;
        rbk_sbuf_printf(&sig, "%s(%s) -> %s", b->name, b->sig, b->ret);
        if (ns) {
            if (!strncmp(b->name, ns, nl) && b->name[nl] == '.' &&
                handle == (b->nparams > 0 && !strncmp(b->params[0].type, "handle:", 7)))
                add_item(c, b->name + nl + 1, CK_FUNCTION, sig.data, b->doc);
        } else if (!dot) {
            add_item(c, b->name, CK_FUNCTION, sig.data, b->doc);
        } else if (strncmp(b->name, "sql.", 4) || !strcmp(b->name, "sql.connect")) {
            /* a namespace (sql's other rows are methods of a connection) */
            char *nsn = rbk_xstrndup(b->name, (size_t)(dot - b->name));
            add_item(c, nsn, CK_MODULE, "builtins", NULL);
            free(nsn);
        }
        rbk_sbuf_free(&sig);
    }
}

/* Where the innermost `(` not yet closed before the cursor is, looking back over at most
 * LOOK bytes from a line start, skipping strings and comments as the lexer would (a string's
 * {interpolation} is taken as text). -1 when none. */
static int64_t open_paren(const char *text, size_t cur) {
    enum { LOOK = 16384, MAXDEPTH = 256 };
    size_t from = cur > LOOK ? cur - LOOK : 0;
    while (from > 0 && from < cur && text[from - 1] != '\n') from++;
    int64_t stack[MAXDEPTH];
    int depth = 0;
    for (size_t i = from; i < cur; i++) {
        char ch = text[i];
        if (ch == '#') { while (i < cur && text[i] != '\n') i++; continue; }
        if (ch == '"' || ch == '\'') {
            int triple = ch == '"' && i + 2 < cur && text[i + 1] == '"' && text[i + 2] == '"';
            i += triple ? 3 : 1;
            for (; i < cur; i++) {
                if (text[i] == '\\' && ch == '"') { i++; continue; }
                if (triple ? (text[i] == '"' && i + 2 < cur && text[i + 1] == '"' && text[i + 2] == '"') : text[i] == ch) {
                    if (triple) i += 2;
                    break;
                }
                if (!triple && text[i] == '\n') break;
            }
            continue;
        }
        if (ch == '(') { if (depth < MAXDEPTH) stack[depth] = (int64_t)i; depth++; }
        else if (ch == ')' && depth > 0) depth--;
        else if (ch == '}' && depth > 0) depth = 0; /* a block ended: no call spans it */
    }
    return depth > 0 && depth <= MAXDEPTH ? stack[depth - 1] : -1;
}

/* The dotted name that ends at end (`a.b.c`), as [*start, end). */
static size_t chain_start(const char *text, size_t end) {
    size_t s = end;
    while (s > 0 && (is_word(text[s - 1]) || (text[s - 1] == '.' && s > 1 && is_word(text[s - 2])))) s--;
    return s;
}

static const char *const keywords[] = {"runbook", "env", "param", "lock", "use", "let", "fn", "section", "step", "if",
                                       "else", "for", "in", "return", "expect", "stop-if", "fail", "watch", "within",
                                       "every", "rollback", "irreversible", "timeout", "retry", "and", "or", "not",
                                       "contains", "matches", "true", "false", "nil"};

json_t *rbk_lsp_completion(rbk_lsp_doc *d, uint32_t off) {
    json_t *items = json_array();
    const char *text = d->text;
    if (off > d->len) off = (uint32_t)d->len;
    size_t ws = off;
    while (ws > 0 && is_word(text[ws - 1])) ws--;
    char *prefix = rbk_xstrndup(text + ws, off - ws);
    comp c = {.items = items, .prefix = prefix};
    size_t ls = off;
    while (ls > 0 && text[ls - 1] != '\n') ls--;

    /* use "std/...: the standard modules, replacing what is typed after the quote */
    size_t q = off;
    while (q > ls && text[q - 1] != '"' && text[q - 1] != ' ') q--;
    if (q > ls && text[q - 1] == '"') {
        size_t u = q - 1;
        while (u > ls && text[u - 1] == ' ') u--;
        if (u >= ls + 3 && !strncmp(text + u - 3, "use", 3) && (u == ls + 3 || !is_word(text[u - 4]))) {
            char *typed = rbk_xstrndup(text + q, off - q);
            const rbk_source *src = doc_src(d);
            for (int i = 0; rbk_std_module_name(i); i++) {
                const char *name = rbk_std_module_name(i);
                if (strncmp(name, typed, strlen(typed))) continue;
                json_t *it = json_pack("{s:s, s:i, s:s}", "label", name, "kind", CK_MODULE, "detail", "standard module");
                if (src && off <= src->len)
                    json_object_set_new(it, "textEdit", json_pack("{s:o, s:s}", "range", rbk_lsp_range(src, (uint32_t)q, off), "newText", name));
                json_array_append_new(items, it);
            }
            free(typed);
            goto done;
        }
    }
    if (!d->c) goto done;

    /* a member: env.X, http.get, module.fn, r.status, db.query */
    if (ws > 0 && text[ws - 1] == '.') {
        size_t cs = chain_start(text, ws - 1);
        char *chain = rbk_xstrndup(text + cs, ws - 1 - cs);
        if (!chain[0]) { free(chain); goto done; }
        if (!strcmp(chain, "env")) {
            c.kind = CK_CONSTANT;
            rbk_query_envs(d->c, 0, name_cb, &c);
            c.kind = 0;
        } else if (!strcmp(chain, "hosts") && rbk_query_envs(d->c, 1, NULL, NULL)) { /* docs/fleet.md */
            c.kind = CK_CONSTANT;
            rbk_query_envs(d->c, 1, name_cb, &c);
            c.kind = 0;
        } else if (!strchr(chain, '.')) {
            rbk_query_module_members(d->c, chain, name_cb, &c);
            builtin_items(&c, chain, 0);
            const rbk_ctype *t = rbk_query_name_type(d->c, d->file, (uint32_t)cs, chain);
            if (t && t->kind == TY_RECORD)
                for (int i = 0; i < t->nfields; i++) add_item(&c, t->fnames[i], CK_FIELD, rbk_type_str(t->ftypes[i]), NULL);
            if (t && t->kind == TY_HANDLE && t->handle) builtin_items(&c, t->handle, 1);
        } else {
            /* a.b.: the record field types along the chain */
            char *save = NULL, *part = strtok_r(chain, ".", &save);
            const rbk_ctype *t = rbk_query_name_type(d->c, d->file, (uint32_t)cs, part);
            while (t && (part = strtok_r(NULL, ".", &save)) != NULL) {
                const rbk_ctype *next = NULL;
                for (int i = 0; t->kind == TY_RECORD && i < t->nfields; i++)
                    if (!strcmp(t->fnames[i], part)) next = t->ftypes[i];
                t = next;
            }
            if (t && t->kind == TY_RECORD)
                for (int i = 0; i < t->nfields; i++) add_item(&c, t->fnames[i], CK_FIELD, rbk_type_str(t->ftypes[i]), NULL);
        }
        free(chain);
        goto done;
    }

    /* inside a call's parentheses: its named arguments first */
    int64_t paren = open_paren(text, ws);
    if (paren > 0) {
        size_t ce = (size_t)paren;
        size_t cs = chain_start(text, ce);
        if (cs < ce) {
            char *callee = rbk_xstrndup(text + cs, ce - cs);
            c.suffix = ": ";
            c.kind = CK_PROPERTY;
            rbk_query_callee_params(d->c, d->file, (uint32_t)cs, callee, name_cb, &c);
            c.suffix = NULL;
            c.kind = 0;
            free(callee);
        }
    }
    rbk_query_scope(d->c, d->file, off, name_cb, &c);
    builtin_items(&c, NULL, 0);
    if (d->file == d->c->root_file && !strncmp("env", prefix, strlen(prefix))) add_item(&c, "env", CK_MODULE, "environment variables", NULL);
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) add_item(&c, keywords[i], CK_KEYWORD, NULL, NULL);
done:
    for (size_t i = 0; i < c.cap; i++) free(c.labels[i]);
    free(c.labels);
    free(prefix);
    return json_pack("{s:b, s:o}", "isIncomplete", 0, "items", items);
}

/* ------------------------------------------------------------------ formatting */
/* The position of the end of text[0..len): its line count and the last line's UTF-16 units. */
static json_t *end_position(const char *text, size_t len) {
    json_int_t line = 0;
    size_t ls = 0;
    for (const char *p = text, *e = text + len; (p = memchr(p, '\n', (size_t)(e - p))); p++, line++)
        ls = (size_t)(p - text) + 1;
    return json_pack("{s:I, s:I}", "line", line, "character", (json_int_t)utf16_units(text + ls, len - ls));
}

json_t *rbk_lsp_formatting(rbk_lsp_doc *d, char **why) {
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    int file = rbk_sources_add(&sources, d->path ? d->path : d->uri, d->text, d->len);
    rbk_sbuf out = RBK_SBUF_INIT;
    json_t *r = NULL;
    *why = NULL;
    if (rbk_fmt_source(sources.items[file]->text, d->len, &out, &diags, file) != 0) {
        rbk_diags_sort(&diags);
        rbk_sbuf msg = RBK_SBUF_INIT;
        rbk_sbuf_adds(&msg, "the document has syntax errors, so it is not formatted");
        if (diags.n > 0) rbk_sbuf_printf(&msg, " (the first: %s)", diags.items[0].msg);
        *why = rbk_sbuf_detach(&msg);
    } else if (out.len == d->len && memcmp(out.data, d->text, d->len) == 0) {
        r = json_array();
    } else {
        json_t *range = json_pack("{s:{s:i, s:i}, s:o}", "start", "line", 0, "character", 0, "end",
                                  end_position(d->text, d->len));
        r = json_pack("[{s:o, s:s%}]", "range", range, "newText", out.data ? out.data : "", out.len);
    }
    rbk_sbuf_free(&out);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    return r;
}

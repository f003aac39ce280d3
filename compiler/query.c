/* compiler/query.c — see query.h. Reads the tree the parser built and the checker annotated
 * (sym, type, slot and aux of calls and field accesses: sema.c); changes nothing. */
#include "query.h"
#include <stdlib.h>
#include <string.h>
#include "../stdlib/builtins.h"

rbk_node *rbk_query_program(rbk_compiler *c, int file) {
    if (!c) return NULL;
    if (file == c->root_file) return c->root;
    for (int i = 0; i < c->nmodules; i++)
        if (c->modules[i].file == file) return c->modules[i].prog;
    return NULL;
}

static void path_push(rbk_query_path *p, rbk_node *n) {
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->items = rbk_xrealloc(p->items, sizeof(rbk_node *) * (size_t)p->cap);
    }
    p->items[p->n++] = n;
}
static int holds(const rbk_node *n, uint32_t off) { return n && n->off <= off && off <= n->end; }
/* A list's own span may end at its first item (the grammar's left recursion appends without
 * extending it: fn parameters, env names): it holds off when an item does. */
static int reaches(const rbk_node *n, uint32_t off) {
    if (holds(n, off)) return 1;
    if (!n || n->kind != N_LIST) return 0;
    for (int i = 0; i < n->list.n; i++)
        if (holds(n->list.items[i], off)) return 1;
    return 0;
}

/* The child of n that holds off (the last one that does: `a.b|` is in b, not after a). */
static rbk_node *child_at(rbk_node *n, uint32_t off) {
    int has = rbk_node_has(n);
    rbk_node *best = NULL;
    if (has >= RBK_HAS_A && reaches(n->a, off)) best = n->a;
    if (has >= RBK_HAS_B && reaches(n->b, off)) best = n->b;
    if (has >= RBK_HAS_C && reaches(n->c, off)) best = n->c;
    if (has >= RBK_HAS_LIST)
        for (int i = 0; i < n->list.n; i++)
            if (holds(n->list.items[i], off)) best = n->list.items[i];
    return best;
}

void rbk_query_path_at(rbk_compiler *c, int file, uint32_t off, rbk_query_path *p) {
    p->n = 0;
    rbk_node *n = rbk_query_program(c, file);
    if (!n) return;
    path_push(p, n);
    /* a loop, not recursion: each level picks one child (the tree's depth is bounded, ast.h) */
    while ((n = child_at(n, off)) != NULL) path_push(p, n);
}
void rbk_query_path_free(rbk_query_path *p) {
    free(p->items);
    p->items = NULL;
    p->n = p->cap = 0;
}

/* ------------------------------------------------------------------ type text */
/* A record's fields, nested records to DEPTH levels: a map literal of maps of maps would
 * otherwise be text exponential in its depth. */
static void type_text_at(const rbk_ctype *t, rbk_sbuf *b, int depth) {
    enum { SHOWN = 12, DEPTH = 2 };
    if (!t) { rbk_sbuf_adds(b, "any"); return; }
    if (t->kind != TY_RECORD) { rbk_sbuf_adds(b, rbk_type_str(t)); return; }
    if (depth >= DEPTH) { rbk_sbuf_adds(b, "{...}"); return; }
    rbk_sbuf_addc(b, '{');
    for (int i = 0; i < t->nfields && i < SHOWN; i++) {
        rbk_sbuf_printf(b, "%s%s: ", i ? ", " : "", t->fnames[i]);
        type_text_at(t->ftypes[i], b, depth + 1);
    }
    if (t->nfields > SHOWN) rbk_sbuf_printf(b, ", ... (%d fields)", t->nfields);
    rbk_sbuf_addc(b, '}');
}
static void type_text(const rbk_ctype *t, rbk_sbuf *b) { type_text_at(t, b, 0); }

/* The source text [off, end) of file, cut at the first newline and at `max` bytes. */
static void src_text(rbk_compiler *c, int file, uint32_t off, uint32_t end, size_t max, rbk_sbuf *b) {
    if (file < 0 || file >= c->sources->n) return;
    const rbk_source *s = c->sources->items[file];
    if (end > s->len) end = (uint32_t)s->len;
    if (off > end) return;
    size_t n = end - off;
    const char *nl = memchr(s->text + off, '\n', n);
    if (nl) n = (size_t)(nl - (s->text + off));
    int cut = n > max;
    if (cut) n = max;
    while (n > 0 && (s->text[off + n - 1] == ' ' || s->text[off + n - 1] == '\r')) n--;
    rbk_sbuf_add(b, s->text + off, n);
    if (cut || nl) rbk_sbuf_adds(b, " ...");
}

void rbk_query_fn_header(rbk_compiler *c, rbk_node *fn, rbk_sbuf *b) {
    uint32_t end = rbk_node_has(fn) >= RBK_HAS_B && fn->b ? fn->b->off : fn->end;
    src_text(c, fn->file, fn->off, end, 300, b);
}

void rbk_query_builtin_sig(const rbk_builtin *bi, const char *shown, rbk_sbuf *b) {
    int skip = shown && bi->nparams > 0 && !strncmp(bi->params[0].type, "handle:", 7); /* a method: its receiver */
    rbk_sbuf_printf(b, "%s(", shown ? shown : bi->name);
    for (int i = skip; i < bi->nparams; i++)
        rbk_sbuf_printf(b, "%s%s%s: %s", i > skip ? ", " : "", bi->params[i].name, bi->params[i].optional ? "?" : "",
                        bi->params[i].type);
    rbk_sbuf_printf(b, ") -> %s", bi->ret);
}
static void builtin_hover(const rbk_builtin *bi, rbk_sbuf *b) {
    rbk_sbuf_adds(b, "```runbook\n");
    rbk_query_builtin_sig(bi, NULL, b);
    rbk_sbuf_printf(b, "\n```\n%s builtin (%s). %s", rbk_lib_name(bi->lib), rbk_effect_name(bi->effect), bi->doc);
}

/* ------------------------------------------------------------------ scopes */
static const char *decl_detail(rbk_compiler *c, rbk_node *d, rbk_sbuf *b) {
    b->len = 0;
    if (b->data) b->data[0] = 0;
    switch (d->kind) {
    case N_FN: rbk_query_fn_header(c, d, b); break;
    case N_USE: if (d->a && d->a->kind == N_STRING) rbk_sbuf_printf(b, "use \"%s\"", d->a->str); break;
    case N_FN_PARAM:
        if (d->a) { rbk_sbuf_adds(b, "= "); src_text(c, d->file, d->a->off, d->a->end, 80, b); }
        break;
    default:
        if (d->sym && d->sym->type) type_text(d->sym->type, b);
        break;
    }
    return b->len ? b->data : NULL;
}

/* The names a statement list declares before off (lets), innermost last. */
static void block_names(rbk_compiler *c, rbk_node *blk, uint32_t off, rbk_query_name_fn cb, void *ctx, rbk_sbuf *tb) {
    if (rbk_node_has(blk) < RBK_HAS_LIST) return;
    for (int i = blk->list.n - 1; i >= 0; i--) {
        rbk_node *s = blk->list.items[i];
        if (!s || s->end > off) continue;
        if (s->kind == N_LET) cb(ctx, s->str, RBK_Q_VAR, decl_detail(c, s, tb));
    }
}

void rbk_query_scope(rbk_compiler *c, int file, uint32_t off, rbk_query_name_fn cb, void *ctx) {
    rbk_query_path p = {0};
    rbk_sbuf tb = RBK_SBUF_INIT;
    rbk_query_path_at(c, file, off, &p);
    for (int i = p.n - 1; i >= 1; i--) {
        rbk_node *n = p.items[i];
        if (n->kind == N_BLOCK) block_names(c, n, off, cb, ctx, &tb);
        else if (n->kind == N_FOR && n->b && holds(n->b, off)) {
            cb(ctx, n->str, RBK_Q_VAR, NULL);
            if ((n->flags & RBK_NF_TWO_VARS) && n->c) cb(ctx, n->c->str, RBK_Q_VAR, NULL);
        } else if (n->kind == N_FN && n->a) {
            for (int j = 0; j < n->a->list.n; j++) {
                rbk_node *fp = n->a->list.items[j];
                if (fp) cb(ctx, fp->str, RBK_Q_FN_PARAM, decl_detail(c, fp, &tb));
            }
        }
    }
    rbk_node *prog = p.n ? p.items[0] : rbk_query_program(c, file);
    if (prog) {
        for (int i = 0; i < prog->list.n; i++) {
            rbk_node *s = prog->list.items[i];
            if (!s) continue;
            switch (s->kind) {
            case N_LET: if (s->end <= off) cb(ctx, s->str, RBK_Q_VAR, decl_detail(c, s, &tb)); break;
            case N_PARAM: cb(ctx, s->str, RBK_Q_PARAM, decl_detail(c, s, &tb)); break;
            case N_FN: cb(ctx, s->str, RBK_Q_FN, decl_detail(c, s, &tb)); break;
            case N_USE:
                if (file == c->root_file)
                    for (int m = 0; m < c->nmodules; m++)
                        if (c->modules[m].path && s->a && s->a->kind == N_STRING && !strcmp(c->modules[m].path, s->a->str))
                            cb(ctx, c->modules[m].name, RBK_Q_MODULE, decl_detail(c, s, &tb));
                break;
            default: break;
            }
        }
    }
    rbk_sbuf_free(&tb);
    rbk_query_path_free(&p);
}

/* The declaration node of `name` visible at off (for its annotations), or NULL. */
static rbk_node *decl_of(rbk_compiler *c, int file, uint32_t off, const char *name) {
    rbk_query_path p = {0};
    rbk_node *found = NULL;
    rbk_query_path_at(c, file, off, &p);
    for (int i = p.n - 1; i >= 1 && !found; i--) {
        rbk_node *n = p.items[i];
        if (n->kind == N_BLOCK) {
            for (int j = n->list.n - 1; j >= 0 && !found; j--) {
                rbk_node *s = n->list.items[j];
                if (s && s->end <= off && s->kind == N_LET && !strcmp(s->str, name)) found = s;
            }
        } else if (n->kind == N_FN && n->a) {
            for (int j = 0; j < n->a->list.n && !found; j++) {
                rbk_node *fp = n->a->list.items[j];
                if (fp && !strcmp(fp->str, name)) found = fp;
            }
        }
    }
    rbk_node *prog = p.n ? p.items[0] : NULL;
    for (int i = 0; prog && !found && i < prog->list.n; i++) {
        rbk_node *s = prog->list.items[i];
        if (s && (s->kind == N_LET || s->kind == N_PARAM || s->kind == N_FN) && !strcmp(s->str, name)) found = s;
    }
    rbk_query_path_free(&p);
    return found;
}

const rbk_ctype *rbk_query_name_type(rbk_compiler *c, int file, uint32_t off, const char *name) {
    rbk_node *d = decl_of(c, file, off, name);
    if (d && (d->kind == N_LET || d->kind == N_PARAM) && d->sym && d->sym->type && d->sym->type->kind != TY_ANY)
        return d->sym->type;
    return NULL;
}

int rbk_query_envs(rbk_compiler *c, int hosts, rbk_query_name_fn cb, void *ctx) {
    int n = 0;
    for (int i = 0; i < c->nenvs; i++) {
        rbk_node *e = c->envs[i];
        int fl = e->flags;
        if (!(fl & RBK_NF_HOSTS) != !hosts) continue; /* `hosts` groups are listed apart */
        n++;
        if (!cb) continue; /* counting */
        if (hosts) {
            cb(ctx, e->str, RBK_Q_ENV, "hosts group");
            continue;
        }
        cb(ctx, e->str, RBK_Q_ENV, (fl & RBK_NF_SECRET) && (fl & RBK_NF_OPTIONAL) ? "env, secret optional"
                                   : fl & RBK_NF_SECRET ? "env, secret" : fl & RBK_NF_OPTIONAL ? "env, optional" : "env");
    }
    return n;
}

static int module_index(rbk_compiler *c, const char *name) {
    for (int i = 0; i < c->nmodules; i++)
        if (!strcmp(c->modules[i].name, name)) return i;
    return -1;
}

int rbk_query_module_members(rbk_compiler *c, const char *name, rbk_query_name_fn cb, void *ctx) {
    int m = module_index(c, name);
    if (m < 0 || !c->modules[m].prog) return 0;
    rbk_node *prog = c->modules[m].prog;
    rbk_sbuf tb = RBK_SBUF_INIT;
    for (int i = 0; i < prog->list.n; i++) {
        rbk_node *s = prog->list.items[i];
        if (!s) continue;
        if (s->kind == N_FN) cb(ctx, s->str, RBK_Q_FN, decl_detail(c, s, &tb));
        else if (s->kind == N_LET) cb(ctx, s->str, RBK_Q_VAR, decl_detail(c, s, &tb));
    }
    rbk_sbuf_free(&tb);
    return 1;
}

static rbk_node *module_fn(rbk_compiler *c, int m, const char *name) {
    rbk_node *prog = c->modules[m].prog;
    for (int i = 0; prog && i < prog->list.n; i++) {
        rbk_node *s = prog->list.items[i];
        if (s && s->kind == N_FN && !strcmp(s->str, name)) return s;
    }
    return NULL;
}

static void fn_params(rbk_compiler *c, rbk_node *fn, rbk_query_name_fn cb, void *ctx) {
    rbk_sbuf tb = RBK_SBUF_INIT;
    for (int j = 0; fn->a && j < fn->a->list.n; j++) {
        rbk_node *fp = fn->a->list.items[j];
        if (fp) cb(ctx, fp->str, RBK_Q_FN_PARAM, decl_detail(c, fp, &tb));
    }
    rbk_sbuf_free(&tb);
}
static void builtin_params(const rbk_builtin *bi, int skip_receiver, rbk_query_name_fn cb, void *ctx) {
    for (int i = skip_receiver; i < bi->nparams; i++) cb(ctx, bi->params[i].name, RBK_Q_FN_PARAM, bi->params[i].type);
}

int rbk_query_callee_params(rbk_compiler *c, int file, uint32_t off, const char *callee,
                            rbk_query_name_fn cb, void *ctx) {
    const char *dot = strrchr(callee, '.');
    if (!dot) {
        rbk_node *d = decl_of(c, file, off, callee);
        if (d && d->kind == N_FN) { fn_params(c, d, cb, ctx); return 1; }
        if (d) return 0;
        int id = rbk_builtin_find(callee);
        if (id < 0) return 0;
        builtin_params(rbk_builtin_get(id), 0, cb, ctx);
        return 1;
    }
    size_t hl = (size_t)(dot - callee);
    char *head = rbk_xstrndup(callee, hl);
    const char *member = dot + 1;
    int ok = 0;
    int m = strchr(head, '.') ? -1 : module_index(c, head);
    rbk_node *fn = m >= 0 ? module_fn(c, m, member) : NULL;
    if (fn) { fn_params(c, fn, cb, ctx); ok = 1; }
    if (!ok) {
        /* a handle's method: the receiver's type names the row ("sql.query") */
        const rbk_ctype *t = strchr(head, '.') ? NULL : rbk_query_name_type(c, file, off, head);
        if (t && t->kind == TY_HANDLE && t->handle) {
            rbk_sbuf b = RBK_SBUF_INIT;
            rbk_sbuf_printf(&b, "%s.%s", t->handle, member);
            int id = rbk_builtin_find(b.data);
            rbk_sbuf_free(&b);
            if (id >= 0) { builtin_params(rbk_builtin_get(id), 1, cb, ctx); ok = 1; }
        } else {
            int id = rbk_builtin_find(callee); /* http.get, file.read */
            if (id >= 0) { builtin_params(rbk_builtin_get(id), 0, cb, ctx); ok = 1; }
        }
    }
    free(head);
    return ok;
}

/* ------------------------------------------------------------------ what is at a position */
typedef struct target {
    int builtin;          /* builtin id, or -1 */
    rbk_node *decl;       /* the declaration named, or NULL */
    rbk_node *env;        /* an env name's N_IDENT (c->envs) */
    int module;           /* a module index, or -1 */
    rbk_node *at;         /* the node under the position */
    rbk_node *field;      /* a field access whose type the checker knows */
    rbk_node *lock;       /* a run lock's declaration (N_LOCK) */
} target;

/* The N_ENV declaration that declares env name e. */
static rbk_node *env_decl(rbk_compiler *c, rbk_node *e) {
    rbk_node *prog = rbk_query_program(c, e->file);
    for (int i = 0; prog && i < prog->list.n; i++) {
        rbk_node *s = prog->list.items[i];
        if (s && s->kind == N_ENV && s->off <= e->off && e->end <= s->end) return s;
    }
    return NULL;
}

static int module_of_use(rbk_compiler *c, rbk_node *use) {
    if (!use->a || use->a->kind != N_STRING) return -1;
    for (int m = 0; m < c->nmodules; m++) {
        if (strcmp(c->modules[m].path, use->a->str)) continue;
        if (use->str && strcmp(use->str, c->modules[m].name)) continue;
        return m;
    }
    return -1;
}

static int resolve(rbk_compiler *c, int file, uint32_t off, target *t) {
    memset(t, 0, sizeof *t);
    t->builtin = t->module = -1;
    rbk_query_path p = {0};
    rbk_query_path_at(c, file, off, &p);
    if (p.n < 2) { rbk_query_path_free(&p); return 0; }
    rbk_node *n = p.items[p.n - 1], *parent = p.items[p.n - 2];
    if (n->kind == N_IDENT && parent->kind == N_FIELD && parent->a == n && !n->sym && p.n >= 3 &&
        (file != c->root_file || module_index(c, n->str) < 0)) {
        /* `http` of http.get: the builtin namespace names nothing alone, the access does */
        n = parent;
        parent = p.items[p.n - 3];
    }
    t->at = n;
    /* the callee of a call: what the checker bound the call to */
    rbk_node *call = parent->kind == N_CALL && parent->a == n ? parent : NULL;
    if (n->kind == N_FIELD && off < rbk_field_name_off(n)) { /* on the `a` of a.b: a itself */ }
    if (call && call->aux == 1) t->builtin = call->slot;
    else if (call && call->aux == 2 && call->slot >= 0 && call->slot < c->nfns) t->decl = c->fns[call->slot].decl;
    else if (n->kind == N_IDENT && n->sym) {
        rbk_sym *y = n->sym;
        if (y->kind == SYM_MODULE) t->module = y->index;
        else if (y->kind == SYM_BUILTIN) t->builtin = rbk_builtin_find(n->str);
        else t->decl = y->decl;
    } else if (n->kind == N_IDENT && n->aux == 1 && n->slot >= 0) {
        t->builtin = n->slot;
    } else if (n->kind == N_IDENT && file == c->root_file && module_index(c, n->str) >= 0 &&
               !decl_of(c, file, off, n->str)) {
        t->module = module_index(c, n->str); /* `m` of m.f(...): the checker looked it up without a mark */
    } else if (n->kind == N_FIELD) {
        if (n->aux == 10 && n->slot >= 0 && n->slot < c->nenvs) t->env = c->envs[n->slot];
        else if (n->aux == 11 && n->slot >= 0) t->builtin = n->slot;
        else if (n->aux == 12 && n->sym) t->decl = n->sym->decl;
        else if (n->aux == 0 && n->type && n->type->kind != TY_ANY) t->field = n; /* a known record's field */
    } else if (n->kind == N_IDENT && parent->kind == N_LIST && p.n >= 3 && p.items[p.n - 3]->kind == N_ENV) {
        t->env = n; /* an env name where it is declared */
    } else if (n->kind == N_STRING && parent->kind == N_USE) {
        t->module = module_of_use(c, parent);
    } else if (n->kind == N_USE) {
        t->module = module_of_use(c, n);
    } else if (n->kind == N_LET || n->kind == N_PARAM || n->kind == N_FN || n->kind == N_FN_PARAM) {
        t->decl = n; /* on a declaration itself */
    } else if (n->kind == N_LOCK && n->a && n->a->kind == N_STRING) {
        t->lock = n; /* `lock "orders-db"`: on the keyword */
    } else if (n->kind == N_STRING && parent->kind == N_LOCK) {
        t->lock = parent; /* ... or on its name */
    }
    rbk_query_path_free(&p);
    return t->builtin >= 0 || t->decl || t->env || t->module >= 0 || t->field || t->lock;
}

/* The span of a declaration's name. */
static void decl_name_span(rbk_node *d, uint32_t *off, uint32_t *end) {
    switch (d->kind) {
    case N_LET: case N_PARAM: case N_FN: case N_FOR:
        *off = (uint32_t)d->aux;
        *end = *off + (uint32_t)strlen(d->str);
        break;
    default:
        *off = d->off;
        *end = d->kind == N_FN_PARAM || d->kind == N_IDENT ? d->off + (uint32_t)strlen(d->str) : d->end;
        break;
    }
}

char *rbk_query_hover(rbk_compiler *c, int file, uint32_t off, uint32_t *span_off, uint32_t *span_end) {
    target t;
    if (!c || !resolve(c, file, off, &t)) return NULL;
    *span_off = t.at->kind == N_FIELD ? rbk_field_name_off(t.at) : t.at->off;
    *span_end = t.at->end;
    if (t.at->kind == N_LET || t.at->kind == N_PARAM || t.at->kind == N_FN) decl_name_span(t.at, span_off, span_end);
    rbk_sbuf b = RBK_SBUF_INIT;
    if (t.builtin >= 0 && t.builtin < rbk_builtin_count()) {
        builtin_hover(rbk_builtin_get(t.builtin), &b);
    } else if (t.env) {
        rbk_node *d = env_decl(c, t.env);
        rbk_sbuf_adds(&b, "```runbook\n");
        if (d) src_text(c, d->file, d->off, d->end, 300, &b);
        else rbk_sbuf_printf(&b, "env %s", t.env->str);
        rbk_sbuf_printf(&b, "\n```\nenvironment variable `%s`", t.env->str);
        int fl = t.env->flags;
        if (fl & (RBK_NF_SECRET | RBK_NF_OPTIONAL))
            rbk_sbuf_printf(&b, ": %s%s%s", fl & RBK_NF_SECRET ? "secret (masked in every output)" : "",
                            (fl & RBK_NF_SECRET) && (fl & RBK_NF_OPTIONAL) ? ", " : "",
                            fl & RBK_NF_OPTIONAL ? "optional (nil when unset)" : "");
        else rbk_sbuf_adds(&b, ": required (a run refuses to start without it)");
    } else if (t.module >= 0 && t.module < c->nmodules) {
        rbk_sbuf_printf(&b, "```runbook\nuse \"%s\"\n```\nmodule `%s`", c->modules[t.module].path, c->modules[t.module].name);
        const char *p = c->sources->items[c->modules[t.module].file]->path;
        if (p[0] != '<') rbk_sbuf_printf(&b, " (%s)", p);
    } else if (t.lock) {
        rbk_sbuf_adds(&b, "```runbook\n");
        src_text(c, t.lock->file, t.lock->off, t.lock->end, 300, &b);
        rbk_sbuf_printf(&b, "\n```\nrun lock `%s`: held by one run at a time, taken in the run store (`--state`) before step 1 "
                            "with the `--lock` names; a second run that needs it is refused, told who holds it. "
                            "Without a store the run is refused (docs/state.md, \"Run locks\")", t.lock->a->str);
    } else if (t.field) {
        rbk_sbuf_printf(&b, "```runbook\n.%s: ", t.field->str);
        type_text(t.field->type, &b);
        rbk_sbuf_adds(&b, "\n```\nfield of a map whose fields are known");
    } else if (t.decl) {
        rbk_node *d = t.decl;
        rbk_sbuf_adds(&b, "```runbook\n");
        switch (d->kind) {
        case N_FN: rbk_query_fn_header(c, d, &b); break;
        case N_PARAM: src_text(c, d->file, d->off, d->end, 300, &b); break;
        case N_FN_PARAM: src_text(c, d->file, d->off, d->end, 300, &b); break;
        case N_LET: rbk_sbuf_printf(&b, "let %s: ", d->str); type_text(d->sym ? d->sym->type : NULL, &b); break;
        case N_FOR: rbk_sbuf_printf(&b, "for %s", d->str); break;
        default: src_text(c, d->file, d->off, d->end, 300, &b); break;
        }
        rbk_sbuf_adds(&b, "\n```");
        if (d->kind == N_PARAM) {
            rbk_sbuf_adds(&b, "\nrun parameter (--param ");
            rbk_sbuf_printf(&b, "%s=...), type ", d->str);
            type_text(d->sym ? d->sym->type : NULL, &b);
            if (d->b) {
                rbk_sbuf_adds(&b, ", default `");
                src_text(c, d->file, d->b->off, d->b->end, 200, &b);
                rbk_sbuf_adds(&b, "`");
            } else {
                rbk_sbuf_adds(&b, ", required");
            }
            if (d->flags & RBK_NF_SECRET) rbk_sbuf_adds(&b, ", secret");
        } else if (d->kind == N_FN_PARAM) {
            rbk_sbuf_adds(&b, d->a ? "\nfunction parameter with a default" : "\nfunction parameter");
        }
        if (d->file != file && d->file < c->sources->n)
            rbk_sbuf_printf(&b, "\n\ndeclared in %s", c->sources->items[d->file]->path);
    }
    return rbk_sbuf_detach(&b);
}

int rbk_query_definition(rbk_compiler *c, int file, uint32_t off, int *dfile, uint32_t *doff, uint32_t *dend) {
    target t;
    if (!c || !resolve(c, file, off, &t)) return 0;
    if (t.env) {
        *dfile = t.env->file;
        *doff = t.env->off;
        *dend = t.env->end;
        return 1;
    }
    if (t.module >= 0 && t.module < c->nmodules) {
        int mf = c->modules[t.module].file;
        if (c->sources->items[mf]->path[0] == '<') return 0; /* a standard module: no file */
        *dfile = mf;
        *doff = *dend = 0;
        return 1;
    }
    if (t.decl) {
        *dfile = t.decl->file;
        decl_name_span(t.decl, doff, dend);
        return 1;
    }
    if (t.lock) { /* the declaration is the only place a lock is named */
        *dfile = t.lock->file;
        *doff = t.lock->a->off;
        *dend = t.lock->a->end;
        return 1;
    }
    return 0;
}

void rbk_query_outline(rbk_compiler *c, int file, rbk_query_symbol_fn cb, void *ctx) {
    rbk_node *prog = rbk_query_program(c, file);
    for (int i = 0; prog && i < prog->list.n; i++) {
        rbk_node *s = prog->list.items[i];
        if (!s) continue;
        if (s->kind == N_STEP || s->kind == N_SECTION) {
            rbk_node *name = s->a;
            cb(ctx, s->kind == N_STEP ? RBK_Q_STEP : RBK_Q_SECTION, name && name->kind == N_STRING ? name->str : "?", 0,
               s->off, s->end, name ? name->off : s->off, name ? name->end : s->end);
            for (int j = 0; s->kind == N_SECTION && j < s->list.n; j++) {
                rbk_node *st = s->list.items[j];
                if (!st || st->kind != N_STEP) continue;
                rbk_node *sn = st->a;
                cb(ctx, RBK_Q_STEP, sn && sn->kind == N_STRING ? sn->str : "?", 1, st->off, st->end,
                   sn ? sn->off : st->off, sn ? sn->end : st->end);
            }
        } else if (s->kind == N_FN) {
            uint32_t no, ne;
            decl_name_span(s, &no, &ne);
            cb(ctx, RBK_Q_FN, s->str, 0, s->off, s->end, no, ne);
        } else if (s->kind == N_LOCK && s->a && s->a->kind == N_STRING) {
            cb(ctx, RBK_Q_LOCK, s->a->str, 0, s->off, s->end, s->a->off, s->a->end);
        }
    }
}

/* import/items.c — the list items, paragraphs and tables of a Markdown runbook, for `runbook
 * import` (import/imp_doc.h, docs/import.md): a list item to a statement (an inline command, an
 * HTTP request written as `GET /path`, a check box to a gate, a stop-if sentence) or to prose;
 * a check-list table to gates with their expectations.
 * Owns: when an inline code span is run, how a table's columns are read.
 * Shares invariants with: import/fence.c (the fences inside an item), import/expect.c,
 * import/imp_sh.h (imp_looks_like_command, imp_sh_command). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imp_doc.h"

static int http_request_span(const char *code, const char **method, const char **path) {
    static const char *ms[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", NULL};
    for (int i = 0; ms[i]; i++) {
        size_t n = strlen(ms[i]);
        if (!strncmp(code, ms[i], n) && code[n] == ' ') {
            const char *p = code + n + 1;
            while (*p == ' ') p++;
            if (*p != '/' && strncmp(p, "http://", 7) && strncmp(p, "https://", 8)) return 0;
            if (strchr(p, ' ')) return 0;
            *method = ms[i];
            *path = p;
            return 1;
        }
    }
    return 0;
}

static void http_item(imp *I, step_out *s, int rb, const char *text, const spans *sp, int at, const char *method,
                      const char *path, int line) {
    imp_call *k = rbk_xcalloc(1, sizeof(imp_call));
    k->kind = IMP_CALL_HTTP;
    k->line = line;
    k->fn = imp_http_fn(method);
    rbk_sbuf u = RBK_SBUF_INIT;
    if (*path == '/') {
        imp_param *p = imp_param_use(&I->c, "base_url", line);
        if (!p->note && !p->deflt) p->note = rbk_xstrdup("where the document's `METHOD /path` requests go (no host in the document)");
        rbk_sbuf_adds(&u, "{base_url}");
    }
    /* :id path parameters are params */
    for (const char *c = path; *c; c++) {
        if (*c == ':' && c > path && c[-1] == '/' && (isalpha((unsigned char)c[1]) || c[1] == '_')) {
            const char *e = c + 1;
            while (isalnum((unsigned char)*e) || *e == '_') e++;
            char *nm = rbk_xstrndup(c + 1, (size_t)(e - c - 1));
            imp_param *p = imp_param_use(&I->c, nm, line);
            if (!p->note) {
                rbk_sbuf note = RBK_SBUF_INIT;
                rbk_sbuf_printf(&note, "%.*s in %s %s", (int)(e - c), c, method, path);
                p->note = rbk_sbuf_detach(&note);
            }
            rbk_sbuf_printf(&u, "{%s}", p->name);
            free(nm);
            c = e - 1;
            continue;
        }
        imp_lit(&u, c, 1);
    }
    rbk_sbuf_printf(&k->args, "\"%s\", follow: false", u.data);
    rbk_sbuf_free(&u);
    imp_put_call(I, s, rb, k);
    /* what the text says it returns: code spans after the request */
    int first_exp = 1;
    for (int i = at + 1; i < sp->n; i++) {
        const char *v = sp->v[i];
        ev e;
        imp_classify(v, &e);
        if (e.kind == EV_PROSE) {
            imp_ev_free(&e);
            if (!imp_fields(v, &e)) { imp_ev_free(&e); continue; }
            e.kind = EV_FIELDS;
        }
        if (e.kind == EV_STRING && strchr(v, ':')) { imp_ev_free(&e); if (imp_fields(v, &e)) e.kind = EV_FIELDS; else { imp_ev_free(&e); continue; } }
        if (first_exp) I->c.expected++;
        int cf = 0;
        if (imp_expectations(k, &e, &s->pend.exps, &s->pend.want_scalar, &cf)) {
            s->pend.nexps++;
            if (first_exp) I->c.expected_done++;
        }
        first_exp = 0;
        imp_ev_free(&e);
    }
    (void)text;
}

/* Runs an inline command (from a list item or a table cell) in the step. 1 when it became a call. */
static int inline_command(imp *I, step_out *s, int rb, const char *code, int line) {
    if (strstr(code, "...") || strstr(code, "\xe2\x80\xa6")) return 0; /* elided: not runnable */
    imp_call *calls;
    int nc;
    char *why;
    imp_cmd_result r = imp_sh_command(&I->c, &s->sh, code, line, &calls, &nc, &why);
    I->c.inline_cmds++;
    I->c.inline_called += r == IMP_CMD_CALL;
    if (r == IMP_CMD_CALL) {
        imp_put_calls(I, s, rb, line, calls, nc, why);
    } else if (r == IMP_CMD_ABSORBED) {
        imp_flush(I, s);
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "%s  (for the commands below)", code);
        imp_comment(I, s, rb, m.data);
        rbk_sbuf_free(&m);
    } else {
        imp_flush(I, s);
        imp_todo_comment(I, s, rb, line, "%s: `%s` is kept as this comment", why ? why : "not translated", code);
    }
    free(why);
    return r != IMP_CMD_TODO;
}

/* The item's text and its children's, as one line ("If X: a; b"). */
static void item_text_all(imp *I, int item, rbk_sbuf *out) {
    const rbk_md_block *b = &I->d.b[item];
    char *p = imp_plain(b->text ? b->text : "");
    rbk_sbuf_adds(out, p);
    free(p);
    int first = 1;
    for (int c = I->first_child[item]; c >= 0; c = I->next_sibling[c]) {
        const rbk_md_block *k = &I->d.b[c];
        if (k->kind != RBK_MD_ITEM && k->kind != RBK_MD_PARA) continue;
        if (out->len && first && !strchr(":.?!", out->data[out->len - 1])) rbk_sbuf_addc(out, ':');
        rbk_sbuf_adds(out, first ? " " : "; ");
        first = 0;
        rbk_sbuf sub = RBK_SBUF_INIT;
        item_text_all(I, c, &sub);
        size_t n = sub.len;
        while (n && (sub.data[n - 1] == '.' || sub.data[n - 1] == ' ')) n--;
        rbk_sbuf_add(out, sub.data ? sub.data : "", n);
        rbk_sbuf_free(&sub);
    }
}

static void stop_if(imp *I, step_out *s, const char *sentence, int line) {
    char *t = imp_todo(&I->c, line, "write the condition of this stop-if; until then it always stops the run here");
    imp_stmt(I, s, 0, 0, "# %s", t);
    free(t);
    rbk_sbuf m = RBK_SBUF_INIT;
    imp_lit(&m, sentence, strlen(sentence));
    imp_stmt(I, s, 0, 1, "stop-if true, \"%s\"", m.data);
    rbk_sbuf_free(&m);
    I->c.stop_ifs++;
}

/* A paragraph's sentences: stop-if, rollback-if, wait; prose to the description. */
void imp_paragraph(imp *I, step_out *s, const char *text, int line, int rb, int in_desc) {
    const char *stop = imp_stop_phrase(text, 0);
    if (stop && !I->sheet) {
        char *sen = imp_sentence_at(text, stop);
        stop_if(I, s, sen, line);
        free(sen);
        return;
    }
    const char *rif = imp_rollback_if_phrase(text);
    if (rif && !I->sheet) {
        char *sen = imp_sentence_at(text, rif);
        imp_todo_comment(I, s, rb, line, "an expect that fails when this holds rolls the step back: %s", sen);
        free(sen);
    }
    char *w = I->sheet ? NULL : imp_wait_phrase(text);
    if (w) {
        imp_stmt(I, s, rb, 1, "wait(%s)", w);
        I->c.waits++;
        free(w);
    }
    if (in_desc) imp_desc_text(&s->desc, text);
    else imp_comment(I, s, rb, text);
}

/* "Set X", "Update X", "Enable X": the operator changes something (an action, not a declaration). */
static int setting_text(const char *p) {
    return ci_starts(p, "set ") || ci_starts(p, "set:") || ci_starts(p, "update ") || ci_starts(p, "change ") ||
           ci_starts(p, "enable ") || ci_starts(p, "disable ") || ci_starts(p, "immediately update");
}

/* Whether code span i is the item's command: the item is the span, "Label: `cmd`", or "`cmd`
 * (note)" — not a command mentioned in a sentence ("should be running (`npm run worker`)"). */
static int runnable_span(const char *text, const spans *sp, int i) {
    const char *v = sp->v[i];
    if (!imp_looks_like_command(v) || strstr(v, "...") || strstr(v, "\xe2\x80\xa6")) return 0;
    const char *start = text + sp->at[i];
    size_t ticks = 0;
    while (start[ticks] == '`') ticks++;
    const char *end = start + ticks;
    while (*end && strncmp(end, start, ticks)) end++;
    end = *end ? end + ticks : end;
    char *raw = rbk_xstrndup(text, (size_t)(start - text));
    char *before = imp_plain(raw);
    free(raw);
    char *after = imp_plain(end);
    size_t bn = strlen(before);
    int ok = (!bn || before[bn - 1] == ':') &&
             (!*after || after[0] == '(' || !strncmp(after, "\xe2\x80\x94", 3) || after[0] == '-' || !strcmp(after, ".") || after[0] == '#');
    free(before);
    free(after);
    return ok;
}

void imp_list_item(imp *I, step_out *s, int bi, label_kind label, int rb) {
    const rbk_md_block *b = &I->d.b[bi];
    const char *text = b->text ? b->text : "";
    spans sp;
    imp_code_spans(text, &sp);
    if (b->check) {
        /* a check box: a gate (a fill-in blank: ask for the value) */
        if (has_blank(text)) {
            rbk_sbuf t = RBK_SBUF_INIT;
            for (const char *p = text; *p; p++) {
                if (*p == '`' || *p == '_') continue;
                rbk_sbuf_addc(&t, *p);
            }
            char *q = imp_plain(t.data ? t.data : "");
            size_t n = strlen(q);
            while (n && (q[n - 1] == ':' || q[n - 1] == ' ')) q[--n] = 0;
            rbk_sbuf l = RBK_SBUF_INIT;
            imp_lit(&l, q, n);
            imp_stmt(I, s, rb, 1, "ask(\"%s\")", l.data ? l.data : "");
            I->c.asks++;
            rbk_sbuf_free(&l);
            free(q);
            rbk_sbuf_free(&t);
        } else {
            char *q = imp_question(text);
            imp_stmt(I, s, rb, 1, "confirm(\"%s\")", q);
            I->c.confirms++;
            free(q);
        }
        imp_spans_free(&sp);
        imp_translate_children(I, s, bi, label, rb);
        return;
    }
    if (I->sheet) {
        char *p = imp_plain(text);
        if (ci_find(p, "no-go") && ci_find(p, "go")) {
            imp_stmt(I, s, rb, 1, "confirm(\"GO?\")");
            I->c.confirms++;
        } else if (has_blank(text)) {
            rbk_sbuf m = RBK_SBUF_INIT;
            rbk_sbuf_printf(&m, "(fill-in, recorded by the run's report: %s)", p);
            imp_comment(I, s, rb, m.data);
            rbk_sbuf_free(&m);
        } else if (*p) {
            imp_comment(I, s, rb, p);
        }
        free(p);
        imp_spans_free(&sp);
        imp_translate_children(I, s, bi, label, rb);
        return;
    }
    if (label == LB_EXPECT) {
        imp_expected(I, s, rb, text, b->line);
        imp_spans_free(&sp);
        imp_translate_children(I, s, bi, label, rb);
        return;
    }
    /* an item under "If X:" that says do not proceed: a stop-if */
    rbk_sbuf all = RBK_SBUF_INIT;
    item_text_all(I, bi, &all);
    if (imp_stop_phrase(all.data ? all.data : "", label == LB_ROLLBACK)) {
        stop_if(I, s, all.data, b->line);
        rbk_sbuf_free(&all);
        imp_spans_free(&sp);
        return;
    }
    if (label == LB_ROLLBACK) {
        /* the rollback: commands run, instructions are confirmed */
        int ran = 0;
        for (int i = 0; i < sp.n; i++)
            if (imp_looks_like_command(sp.v[i])) {
                char *p = imp_plain(text);
                imp_comment(I, s, 1, p);
                free(p);
                ran |= inline_command(I, s, 1, sp.v[i], b->line);
            }
        if (!ran) {
            char *q = imp_question(all.data ? all.data : "");
            imp_stmt(I, s, 1, 1, "confirm(\"%s\")", q);
            I->c.confirms++;
            free(q);
        }
        rbk_sbuf_free(&all);
        imp_spans_free(&sp);
        return;
    }
    rbk_sbuf_free(&all);
    /* env names: `NAME=value` and, under an env heading or item, `NAME` — unless the item says
     * to set them (then it is an action) */
    int parent_env = label == LB_ENV;
    char *ptext = imp_plain(text);
    int setting = setting_text(ptext);
    if (b->parent >= 0) {
        char *pp = imp_plain(I->d.b[b->parent].text ? I->d.b[b->parent].text : "");
        if (ci_find(pp, "env var") || ci_find(pp, "environment variable")) parent_env = 1;
        setting |= setting_text(pp);
        free(pp);
    }
    int nenv = 0;
    for (int i = 0; i < sp.n && !setting; i++) {
        const char *v = sp.v[i];
        const char *eq = strchr(v, '=');
        char *name = eq ? rbk_xstrndup(v, (size_t)(eq - v)) : rbk_xstrdup(v);
        size_t nl = strlen(name);
        if (nl && name[nl - 1] == '*') { free(name); continue; } /* OBJECT_STORAGE_S3_*: a family, not a name */
        if (imp_is_env_name(name) && (eq || parent_env)) {
            imp_env *e = imp_env_use(&I->c, name, strlen(name), b->line);
            if (!e->note) e->note = imp_plain(text);
            /* "optional `X`", "(Optional) `X`" */
            const char *at = text + sp.at[i];
            size_t k = 0;
            while (at - k > text && k < 14) k++;
            char *head = rbk_xstrndup(at - k, k);
            if (ci_find(head, "optional")) e->optional = 1;
            free(head);
            nenv++;
        }
        free(name);
    }
    if (nenv && nenv == sp.n && !setting) {
        /* declarations: nothing to run here */
        rbk_sbuf m = RBK_SBUF_INIT;
        for (int i = 0; i < b->level; i++) rbk_sbuf_adds(&m, "  ");
        rbk_sbuf_printf(&m, "%s %s", b->ordered ? "1." : "-", text);
        imp_desc_line(&s->desc, m.data);
        rbk_sbuf_free(&m);
        free(ptext);
        imp_spans_free(&sp);
        imp_translate_children(I, s, bi, label, rb);
        return;
    }
    /* an HTTP request, or a command */
    for (int i = 0; i < sp.n; i++) {
        const char *method, *path;
        if (http_request_span(sp.v[i], &method, &path) && (!strcmp(method, "GET") || !strcmp(method, "HEAD") || i + 1 < sp.n)) {
            imp_comment(I, s, rb, ptext);
            http_item(I, s, rb, text, &sp, i, method, path, b->line);
            free(ptext);
            imp_spans_free(&sp);
            imp_translate_children(I, s, bi, label, rb);
            return;
        }
    }
    int commands = 0;
    for (int i = 0; i < sp.n; i++) commands += runnable_span(text, &sp, i);
    if (commands && label != LB_PROSE) {
        imp_comment(I, s, rb, ptext);
        for (int i = 0; i < sp.n; i++)
            if (runnable_span(text, &sp, i)) inline_command(I, s, rb, sp.v[i], b->line);
        free(ptext);
        imp_spans_free(&sp);
        imp_translate_children(I, s, bi, label, rb);
        return;
    }
    /* an action: its sub-items do it, or the operator does */
    if (b->ordered || label == LB_ACTION || setting) {
        size_t pl = strlen(ptext);
        if (pl && ptext[pl - 1] != ':' && I->first_child[bi] >= 0) {
            /* "Restart the service." with notes under it: the item is the action, its sub-items
             * are read on their own (bullets are prose, numbered ones actions) */
            char *q = imp_question(ptext);
            imp_stmt(I, s, rb, 1, "confirm(\"%s\")", q);
            I->c.confirms++;
            free(q);
            I->item_is_step = 0;
            free(ptext);
            imp_spans_free(&sp);
            imp_translate_children(I, s, bi, LB_NONE, rb);
            return;
        }
        /* "Apply the migration:" — its sub-items say how. (A call waiting for its "Expected"
         * lines counts: it is written.) */
        int before = s->body.nstmts + s->rb.nstmts + (s->pend.k != NULL), envs = I->c.nenvs;
        if (I->first_child[bi] >= 0) {
            if (!I->item_is_step) imp_comment(I, s, rb, ptext);
            I->item_is_step = 0;
            imp_translate_children(I, s, bi, LB_ACTION, rb);
        }
        if (s->body.nstmts + s->rb.nstmts + (s->pend.k != NULL) == before && I->c.nenvs == envs) {
            /* nothing to run: the operator does it and confirms (the whole item; a short one
             * under an item that says what to do with it, with that item's text) */
            rbk_sbuf all2 = RBK_SBUF_INIT;
            int words = 0;
            for (const char *w = ptext; *w; w++) words += *w == ' ';
            if (b->parent >= 0 && words < 3 && sp.n) {
                char *pp = imp_plain(I->d.b[b->parent].text ? I->d.b[b->parent].text : "");
                rbk_sbuf_printf(&all2, "%s%s", pp, *pp && !strchr(":.?!", pp[strlen(pp) - 1]) ? ": " : " ");
                free(pp);
            }
            item_text_all(I, bi, &all2);
            char *q = imp_question(all2.data ? all2.data : "");
            imp_stmt(I, s, rb, 1, "confirm(\"%s\")", q);
            I->c.confirms++;
            free(q);
            rbk_sbuf_free(&all2);
        }
        free(ptext);
        imp_spans_free(&sp);
        return;
    }
    /* prose: the description, as a list */
    rbk_sbuf m = RBK_SBUF_INIT;
    for (int i = 0; i < b->level; i++) rbk_sbuf_adds(&m, "  ");
    rbk_sbuf_printf(&m, "%s %s", b->ordered ? "1." : "-", text);
    for (size_t i = 0; i < m.len; i++) if (m.data[i] == '\n') m.data[i] = ' ';
    imp_desc_line(&s->desc, m.data);
    rbk_sbuf_free(&m);
    char *w = imp_wait_phrase(ptext);
    if (w) {
        imp_stmt(I, s, rb, 1, "wait(%s)", w);
        I->c.waits++;
        free(w);
    }
    free(ptext);
    imp_spans_free(&sp);
    imp_translate_children(I, s, bi, label == LB_NONE ? LB_PROSE : label, rb);
}

/* ------------------------------------------------------------------ tables */
static int split_row(const char *row, char ***cells) {
    char **v = NULL;
    int n = 0;
    const char *p = row;
    while (*p == ' ') p++;
    if (*p == '|') p++;
    rbk_sbuf c = RBK_SBUF_INIT;
    int code = 0;
    for (;; p++) {
        if (*p == '`') code = !code;
        if (!*p || (*p == '|' && !code && (p == row || p[-1] != '\\'))) {
            char *t = imp_trim_dup(c.data ? c.data : "", c.len);
            if (*p || *t) {
                v = rbk_xrealloc(v, sizeof(char *) * (size_t)(n + 1));
                v[n++] = t;
            } else free(t);
            rbk_sbuf_reset(&c);
            if (!*p) break;
            continue;
        }
        rbk_sbuf_addc(&c, *p);
    }
    rbk_sbuf_free(&c);
    /* a trailing | leaves an empty last cell */
    if (n && !v[n - 1][0]) {
        const char *e = row + strlen(row);
        while (e > row && e[-1] == ' ') e--;
        if (e > row && e[-1] == '|') free(v[--n]);
    }
    *cells = v;
    return n;
}
static void cells_free(char **v, int n) { for (int i = 0; i < n; i++) free(v[i]); free(v); }
static int is_box(const char *c) {
    return !strcmp(c, "\xe2\x98\x90") || !strcmp(c, "[ ]") || !strcmp(c, "\xe2\x98\x91") || !strcmp(c, "\xe2\x9c\x93") ||
           !strcmp(c, "\xe2\x9c\x94") || !strcasecmp(c, "done") || !strcmp(c, "[x]");
}

void imp_table(imp *I, step_out *s, const rbk_md_block *t, int rb) {
    char **head = NULL;
    int nh = t->nlines ? split_row(t->lines[0].text, &head) : 0;
    int col_var = -1, col_desc = -1, col_req = -1, col_def = -1, col_box = -1, col_cmd = -1, col_exp = -1, col_what = -1;
    for (int i = 0; i < nh; i++) {
        char *h = imp_plain(head[i]);
        for (char *q = h; *q; q++) *q = (char)tolower((unsigned char)*q);
        if (!strcmp(h, "variable") || !strcmp(h, "env") || !strcmp(h, "env var") || !strcmp(h, "environment variable") ||
            !strcmp(h, "name") || !strcmp(h, "key") || !strcmp(h, "var"))
            col_var = col_var < 0 ? i : col_var;
        else if (strstr(h, "description") || !strcmp(h, "purpose") || !strcmp(h, "notes") || !strcmp(h, "meaning")) col_desc = i;
        else if (!strcmp(h, "required")) col_req = i;
        else if (!strcmp(h, "default")) col_def = i;
        else if (is_box(head[i]) || !strcmp(h, "\xe2\x98\x90") || !strcmp(h, "done")) col_box = i;
        else if (strstr(h, "command") || !strcmp(h, "how") || !strcmp(h, "action")) col_cmd = i;
        else if (strstr(h, "expected") || !strcmp(h, "result")) col_exp = i;
        else if (col_what < 0 && strcmp(h, "#") && strcmp(h, "step") != 0) col_what = i;
        else if (col_what < 0 && !strcmp(h, "step")) col_what = i;
        free(h);
    }
    if (col_what < 0) for (int i = 0; i < nh; i++) if (i != col_cmd && i != col_exp && i != col_box && strcmp(head[i], "#")) { col_what = i; break; }
    int rows = t->nlines > 2 ? t->nlines - 2 : 0;
    /* an env table: most rows name a variable */
    int envrows = 0;
    for (int r = 0; r < rows && col_var >= 0; r++) {
        char **c;
        int nc = split_row(t->lines[r + 2].text, &c);
        if (col_var < nc) {
            char *p = imp_plain(c[col_var]);
            envrows += imp_is_env_name(p);
            free(p);
        }
        cells_free(c, nc);
    }
    if (col_var >= 0 && rows && envrows * 2 >= rows) {
        for (int r = 0; r < rows; r++) {
            char **c;
            int nc = split_row(t->lines[r + 2].text, &c);
            char *name = col_var < nc ? imp_plain(c[col_var]) : rbk_xstrdup("");
            if (imp_is_env_name(name)) {
                imp_env *e = imp_env_use(&I->c, name, strlen(name), t->lines[r + 2].line);
                if (col_req >= 0 && col_req < nc && ci_starts(c[col_req], "no")) e->optional = 1;
                rbk_sbuf note = RBK_SBUF_INIT;
                if (col_desc >= 0 && col_desc < nc) { char *d = imp_plain(c[col_desc]); rbk_sbuf_adds(&note, d); free(d); }
                if (col_def >= 0 && col_def < nc) {
                    char *d = imp_plain(c[col_def]);
                    if (*d && strcmp(d, "\xe2\x80\x94") && strcmp(d, "-")) rbk_sbuf_printf(&note, "%sdefault %s", note.len ? "; " : "", d);
                    free(d);
                }
                if (note.len) { free(e->note); e->note = rbk_sbuf_detach(&note); }
                rbk_sbuf_free(&note);
            }
            free(name);
            cells_free(c, nc);
        }
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "(the table of variables at line %d is the env declarations at the top)", t->line);
        imp_desc_text(&s->desc, m.data);
        rbk_sbuf_free(&m);
        cells_free(head, nh);
        return;
    }
    /* a check list: each row a command with its expected result, or a gate */
    int boxes = 0;
    for (int r = 0; r < rows; r++) {
        char **c;
        int nc = split_row(t->lines[r + 2].text, &c);
        for (int i = 0; i < nc; i++) boxes += is_box(c[i]);
        cells_free(c, nc);
    }
    if (!I->sheet && rows && (col_box >= 0 || boxes >= rows || (col_cmd >= 0 && col_exp >= 0))) {
        for (int r = 0; r < rows; r++) {
            char **c;
            int nc = split_row(t->lines[r + 2].text, &c);
            int line = t->lines[r + 2].line;
            const char *cmd = col_cmd >= 0 && col_cmd < nc ? c[col_cmd] : "";
            const char *exp = col_exp >= 0 && col_exp < nc ? c[col_exp] : "";
            const char *what = col_what >= 0 && col_what < nc ? c[col_what] : "";
            spans sp;
            imp_code_spans(cmd, &sp);
            int ran = 0;
            for (int i = 0; i < sp.n && !ran; i++) {
                const char *method, *path;
                if (http_request_span(sp.v[i], &method, &path)) {
                    char *w = imp_plain(what);
                    imp_comment(I, s, rb, w);
                    free(w);
                    http_item(I, s, rb, cmd, &sp, i, method, path, line);
                    ran = 1;
                } else if (imp_looks_like_command(sp.v[i]) && !strstr(sp.v[i], "...") && !strstr(sp.v[i], "\xe2\x80\xa6")) {
                    char *w = imp_plain(what);
                    imp_comment(I, s, rb, w);
                    free(w);
                    ran = inline_command(I, s, rb, sp.v[i], line);
                }
            }
            imp_spans_free(&sp);
            if (ran && *exp) imp_expected(I, s, rb, exp, line);
            else if (!ran) {
                if (*exp) { I->c.expected++; I->c.expected_gated++; }
                rbk_sbuf q = RBK_SBUF_INIT;
                char *w = imp_plain(what), *cm = imp_plain(cmd), *ex = imp_plain(exp);
                rbk_sbuf_adds(&q, w);
                if (*cm) rbk_sbuf_printf(&q, " (%s)", cm);
                if (*ex) rbk_sbuf_printf(&q, " — expected: %s", ex);
                free(w);
                free(cm);
                free(ex);
                char *qq = imp_question(q.data ? q.data : "");
                imp_stmt(I, s, rb, 1, "confirm(\"%s\")", qq);
                I->c.confirms++;
                free(qq);
                rbk_sbuf_free(&q);
            }
            cells_free(c, nc);
        }
        cells_free(head, nh);
        return;
    }
    /* any other table: prose */
    if (s->desc.len) rbk_sbuf_addc(&s->desc, '\n');
    for (int i = 0; i < t->nlines; i++) imp_desc_line(&s->desc, t->lines[i].text);
    cells_free(head, nh);
}

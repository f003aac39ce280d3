/* import/document.c — the structure of a Markdown runbook, for `runbook import`
 * (import/import.h, docs/import.md), and the translator's entry point. The first level-1
 * heading is the title; the next level used is the section level: such a heading is a
 * `section` (or, with no headings under it, one step; or one step per item of its numbered
 * list); a deeper heading is a step when its content translates into statements, and prose
 * otherwise. Prose becomes the comment above the step it belongs to (so `runbook doc` gives it
 * back); a rollback section becomes the rollback block of the step before it (or, when the
 * owner is unclear, a fn to be called from the right rollback block).
 * Owns: the block tree (children of list items), step and fn names (unique), sections, the
 * whole output text (declarations first), the summary's text.
 * Shares invariants with: import/items.c and import/fence.c (a block's content),
 * import/emit.c (a step's lines). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "import.h"
#include "imp_doc.h"

/* ------------------------------------------------------------------ a heading's content */
static void translate_block(imp *I, step_out *s, int bi, label_kind *label, int rb) {
    const rbk_md_block *b = &I->d.b[bi];
    switch (b->kind) {
    case RBK_MD_PARA:
    case RBK_MD_QUOTE: {
        const char *text = b->text ? b->text : "";
        label_kind l = imp_label_of(text);
        if (l != LB_NONE) {
            *label = l;
            /* "Expected output: `x`" has its value on the line; an "Expected output:" or
             * "Rollback plan:" label is said by what follows; an action label is a comment
             * above its commands */
            const char *v = imp_expected_marker(text);
            if (v && *v && l == LB_EXPECT) imp_expected(I, s, rb, v, b->line);
            else if (l == LB_EXPECT || l == LB_ROLLBACK) return;
            else if (l == LB_ACTION) {
                char *p = imp_plain(text);
                imp_comment(I, s, rb, p);
                free(p);
            } else if (b->kind == RBK_MD_QUOTE) {
                rbk_sbuf q = RBK_SBUF_INIT;
                for (const char *p = text; *p; p++) { if (p == text || p[-1] == '\n') rbk_sbuf_adds(&q, "> "); rbk_sbuf_addc(&q, *p); }
                imp_desc_text(&s->desc, q.data);
                rbk_sbuf_free(&q);
            } else imp_desc_text(&s->desc, text);
            return;
        }
        *label = LB_NONE;
        const char *v = imp_expected_marker(text);
        if (v && *v) { imp_expected(I, s, rb, v, b->line); return; }
        if (b->kind == RBK_MD_QUOTE) {
            const char *stop = imp_stop_phrase(text, 0);
            if (stop && !I->sheet) { imp_paragraph(I, s, text, b->line, rb, 1); return; }
            rbk_sbuf q = RBK_SBUF_INIT;
            for (const char *p = text; *p; p++) { if (p == text || p[-1] == '\n') rbk_sbuf_adds(&q, "> "); rbk_sbuf_addc(&q, *p); }
            imp_paragraph(I, s, q.data, b->line, rb, 1);
            rbk_sbuf_free(&q);
            return;
        }
        imp_paragraph(I, s, text, b->line, rb, 1);
        return;
    }
    case RBK_MD_ITEM: {
        label_kind l = *label;
        if (l == LB_ROLLBACK) { imp_list_item(I, s, bi, LB_ROLLBACK, 1); return; }
        imp_list_item(I, s, bi, l, rb);
        return;
    }
    case RBK_MD_FENCE:
        imp_fence(I, s, b, *label, rb);
        return;
    case RBK_MD_TABLE:
        imp_table(I, s, b, rb);
        *label = LB_NONE;
        return;
    case RBK_MD_HTML:
        imp_desc_text(&s->desc, b->text ? b->text : "");
        return;
    case RBK_MD_RULE:
    case RBK_MD_HEADING:
        return;
    }
}

void imp_translate_children(imp *I, step_out *s, int parent, label_kind label, int rb) {
    for (int c = I->first_child[parent]; c >= 0; c = I->next_sibling[c]) {
        const rbk_md_block *b = &I->d.b[c];
        if (b->kind == RBK_MD_PARA && label != LB_ROLLBACK) {
            /* a paragraph inside an item: prose, or "Expected: ..." */
            const char *v = imp_expected_marker(b->text ? b->text : "");
            if (v && *v) { imp_expected(I, s, rb, v, b->line); continue; }
            label_kind l = imp_label_of(b->text ? b->text : "");
            if (l != LB_NONE) { label = l; imp_desc_text(&s->desc, b->text); continue; }
            imp_paragraph(I, s, b->text ? b->text : "", b->line, rb, 1);
            continue;
        }
        label_kind l = label;
        translate_block(I, s, c, &l, label == LB_ROLLBACK ? 1 : rb);
        if (b->kind == RBK_MD_PARA) label = l;
    }
}

static step_out *new_step(const char *name, int line) {
    step_out *s = rbk_xcalloc(1, sizeof(step_out));
    s->name = rbk_xstrdup(name);
    s->line = line;
    return s;
}

/* The blocks [from, to) at the top level (not inside a list item) into s. */
static void translate_range(imp *I, step_out *s, int from, int to) {
    label_kind label = LB_NONE;
    for (int i = from; i < to; i++) {
        if (I->d.b[i].parent >= 0) continue;
        translate_block(I, s, i, &label, 0);
    }
    imp_flush(I, s);
}

/* ------------------------------------------------------------------ writing */
static void add_indented(rbk_sbuf *out, const char *text, int indent) {
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) for (int i = 0; i < indent; i++) rbk_sbuf_addc(out, ' ');
        rbk_sbuf_add(out, p, n);
        rbk_sbuf_addc(out, '\n');
        p += n + (e ? 1 : 0);
    }
}
/* Description lines as comments ("#" for an empty one), with no empty line at either end. */
static void add_desc(rbk_sbuf *out, const char *d, int indent) {
    if (!d) return;
    while (*d == '\n') d++;
    size_t n = strlen(d);
    while (n && d[n - 1] == '\n') n--;
    /* no two empty lines in a row */
    const char *p = d, *end = d + n;
    int prev_empty = 0;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t ln = e ? (size_t)(e - p) : (size_t)(end - p);
        if (!ln && prev_empty) { p += 1; continue; }
        for (int i = 0; i < indent; i++) rbk_sbuf_addc(out, ' ');
        if (ln) { rbk_sbuf_adds(out, "# "); rbk_sbuf_add(out, p, ln); }
        else rbk_sbuf_addc(out, '#');
        rbk_sbuf_addc(out, '\n');
        prev_empty = !ln;
        p += ln + (e ? 1 : 0);
    }
}

/* want, or want (2), want (3) ... (an identifier: want_2 ...) that is not used yet. */
static char *unique_name(char ***names, int *n, const char *want, int ident) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_adds(&b, want);
    for (int k = 2;; k++) {
        int dup = 0;
        for (int i = 0; i < *n && !dup; i++) dup = !strcmp((*names)[i], b.data);
        if (!dup) break;
        rbk_sbuf_reset(&b);
        rbk_sbuf_printf(&b, ident ? "%s_%d" : "%s (%d)", want, k);
    }
    *names = rbk_xrealloc(*names, sizeof(char *) * (size_t)(*n + 1));
    (*names)[(*n)++] = rbk_xstrdup(b.data);
    return rbk_sbuf_detach(&b);
}

/* Writes the open step (into its section or the main text). */
static void commit_step(imp *I) {
    step_out *s = I->last;
    if (!s) return;
    imp_flush(I, s);
    rbk_sbuf *out = I->last_in_section ? &I->sec_body : s->is_fn && I->in_section ? &I->after_sec : &I->main;
    int ind = I->last_in_section ? 2 : 0;
    if (out->len) rbk_sbuf_addc(out, '\n');
    add_desc(out, s->desc.data, ind);
    rbk_sbuf name = RBK_SBUF_INIT;
    imp_lit(&name, s->name, strlen(s->name));
    for (int i = 0; i < ind; i++) rbk_sbuf_addc(out, ' ');
    if (s->is_fn) {
        rbk_sbuf_printf(out, "fn %s() {\n", s->name);
        I->c.fns++;
    } else {
        rbk_sbuf_printf(out, "step \"%s\" {\n", name.data);
        I->c.steps++;
    }
    add_indented(out, s->body.b.data, ind + 2);
    if (s->rb.nstmts) {
        for (int i = 0; i < ind; i++) rbk_sbuf_addc(out, ' ');
        rbk_sbuf_adds(out, "} rollback {\n");
        add_indented(out, s->rb.b.data, ind + 2);
    } else if (s->rb.b.len) {
        /* comments only: kept after the body */
        for (int i = 0; i < ind + 2; i++) rbk_sbuf_addc(out, ' ');
        rbk_sbuf_adds(out, "# rollback (no statement to run):\n");
        add_indented(out, s->rb.b.data, ind + 2);
    }
    for (int i = 0; i < ind; i++) rbk_sbuf_addc(out, ' ');
    rbk_sbuf_adds(out, "}\n");
    if (I->last_in_section) I->sec_steps++;
    rbk_sbuf_free(&name);
    imp_step_free(s);
    I->last = NULL;
}

static void close_section(imp *I) {
    commit_step(I);
    if (!I->in_section) return;
    if (I->sec_steps) {
        if (I->main.len) rbk_sbuf_addc(&I->main, '\n');
        add_desc(&I->main, I->sec_desc.data, 0);
        rbk_sbuf t = RBK_SBUF_INIT;
        imp_lit(&t, I->sec_title, strlen(I->sec_title));
        rbk_sbuf_printf(&I->main, "section \"%s\" {\n", t.data);
        rbk_sbuf_free(&t);
        rbk_sbuf_add(&I->main, I->sec_body.data, I->sec_body.len);
        rbk_sbuf_adds(&I->main, "}\n");
        I->c.sections++;
    } else if (I->sec_desc.len) {
        /* a section with no steps: its prose goes on */
        rbk_sbuf_add(&I->pending, I->sec_desc.data, I->sec_desc.len);
    }
    if (I->after_sec.len) {
        rbk_sbuf_add(&I->main, I->after_sec.data, I->after_sec.len);
        rbk_sbuf_reset(&I->after_sec);
    }
    free(I->sec_title);
    I->sec_title = NULL;
    rbk_sbuf_reset(&I->sec_desc);
    rbk_sbuf_reset(&I->sec_body);
    I->sec_steps = 0;
    I->in_section = 0;
}

/* A translated heading becomes a step (the pending prose above it). */
static void open_step(imp *I, step_out *t, int in_section) {
    commit_step(I);
    rbk_sbuf d = RBK_SBUF_INIT;
    rbk_sbuf_add(&d, I->pending.data ? I->pending.data : "", I->pending.len);
    if (d.len && t->desc.len) rbk_sbuf_addc(&d, '\n');
    rbk_sbuf_add(&d, t->desc.data ? t->desc.data : "", t->desc.len);
    rbk_sbuf_free(&t->desc);
    t->desc = d;
    rbk_sbuf_reset(&I->pending);
    if (!t->named) {
        char *name = unique_name(t->is_fn ? &I->fnames : &I->names, t->is_fn ? &I->nfnames : &I->nnames, t->name, t->is_fn);
        free(t->name);
        t->name = name;
    }
    I->last = t;
    I->last_in_section = in_section && !t->is_fn;
}

static void absorb_comments(step_out *t);
static void pending_heading(imp *I, const char *title, step_out *t) {
    if (t) absorb_comments(t);
    if (I->pending.len) rbk_sbuf_addc(&I->pending, '\n');
    rbk_sbuf_printf(&I->pending, "**%s**\n", title);
    if (t && t->desc.len) {
        rbk_sbuf_addc(&I->pending, '\n');
        rbk_sbuf_add(&I->pending, t->desc.data, t->desc.len);
    }
}

static int rollback_title(const char *t) {
    return ci_find(t, "rollback") || ci_find(t, "roll back") || ci_find(t, "rolling back") || ci_find(t, "revert") ||
           ci_find(t, "emergency") || ci_find(t, "back out") || ci_find(t, "backout");
}
static int sheet_title(const char *t) {
    return ci_find(t, "go/no-go") || ci_find(t, "go / no-go") || ci_find(t, "go-no-go") || ci_find(t, "go/nogo") ||
           ci_find(t, "sign-off sheet") || ci_find(t, "evidence sheet");
}
static int toc_title(const char *t) {
    return !strcasecmp(t, "table of contents") || !strcasecmp(t, "contents") || !strcasecmp(t, "toc");
}

/* Statements; a heading whose content left a TODO (a command not translated) counts as one: it
 * is a step for the author to finish, not prose. */
static int stmts(const step_out *s) {
    int n = s->body.nstmts + s->rb.nstmts;
    if (!n && ((s->body.b.data && strstr(s->body.b.data, "TODO(import):")) || (s->rb.b.data && strstr(s->rb.b.data, "TODO(import):")))) n = 1;
    return n;
}

/* A heading with no statements is prose: the comments its content left in the body (a command
 * kept with its TODO, a note) join its description, so nothing is lost. */
static void absorb_comments(step_out *t) {
    for (int k = 0; k < 2; k++) {
        rbk_sbuf *b = k ? &t->rb.b : &t->body.b;
        if (!b->len) continue;
        if (t->desc.len) rbk_sbuf_addc(&t->desc, '\n');
        for (const char *p = b->data; *p;) {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            const char *q = p;
            size_t qn = n;
            if (qn && *q == '#') { q++; qn--; }
            if (qn && *q == ' ') { q++; qn--; }
            rbk_sbuf_add(&t->desc, q, qn);
            rbk_sbuf_addc(&t->desc, '\n');
            p += n + (e ? 1 : 0);
        }
        rbk_sbuf_reset(b);
    }
}

/* The ordered list items at the top of [from, to), when everything else there is prose. */
static int ordered_steps(imp *I, int from, int to) {
    int items = 0;
    for (int i = from; i < to; i++) {
        const rbk_md_block *b = &I->d.b[i];
        if (b->parent >= 0) continue;
        if (b->kind == RBK_MD_ITEM) {
            if (!b->ordered || b->check) return 0;
            items++;
        } else if (b->kind != RBK_MD_PARA && b->kind != RBK_MD_QUOTE && b->kind != RBK_MD_RULE && b->kind != RBK_MD_HTML) {
            return 0;
        }
    }
    return items >= 2 ? items : 0;
}

static void run(imp *I) {
    rbk_md_doc *d = &I->d;
    /* children */
    I->first_child = rbk_xcalloc((size_t)d->n + 1, sizeof(int));
    I->next_sibling = rbk_xcalloc((size_t)d->n + 1, sizeof(int));
    int *last_child = rbk_xcalloc((size_t)d->n + 1, sizeof(int));
    for (int i = 0; i < d->n; i++) I->first_child[i] = I->next_sibling[i] = last_child[i] = -1;
    for (int i = 0; i < d->n; i++) {
        int p = d->b[i].parent;
        if (p < 0) continue;
        if (I->first_child[p] < 0) I->first_child[p] = i;
        else I->next_sibling[last_child[p]] = i;
        last_child[p] = i;
    }
    free(last_child);
}

/* The whole document; the title in *title (malloc'd). */
static void document(imp *I, char **title) {
    rbk_md_doc *d = &I->d;
    run(I);
    int th = -1;
    for (int i = 0; i < d->n; i++)
        if (d->b[i].kind == RBK_MD_HEADING) { if (d->b[i].level == 1) th = i; break; }
    int S = 7;
    for (int i = 0; i < d->n; i++)
        if (d->b[i].kind == RBK_MD_HEADING && i != th && d->b[i].level < S) S = d->b[i].level;
    *title = th >= 0 ? imp_plain(d->b[th].text) : NULL;
    /* the preamble: before the first heading that is not the title */
    int first = th >= 0 ? th + 1 : 0;
    int h = first;
    while (h < d->n && d->b[h].kind != RBK_MD_HEADING) h++;
    {
        step_out *t = new_step(*title ? *title : "Preamble", first < d->n ? d->b[first].line : 1);
        translate_range(I, t, first, h);
        if (stmts(t)) open_step(I, t, 0);
        else {
            absorb_comments(t);
            if (t->desc.len) rbk_sbuf_add(&I->pending, t->desc.data, t->desc.len);
            imp_step_free(t);
        }
    }
    int rb_region = 0, sheet_region = 0, toc_region = 0;
    while (h < d->n) {
        int next = h + 1;
        while (next < d->n && d->b[next].kind != RBK_MD_HEADING) next++;
        const rbk_md_block *H = &d->b[h];
        int L = H->level;
        if (rb_region && L <= rb_region) rb_region = 0;
        if (sheet_region && L <= sheet_region) { sheet_region = 0; I->sheet = 0; }
        if (toc_region && L <= toc_region) toc_region = 0;
        char *name = imp_plain(H->text ? H->text : "");
        int subheadings = next < d->n && d->b[next].level > L;
        if (L <= S) {
            close_section(I);
            /* prose of a section that had no steps stays where it is, as a comment block (the
             * prose before the first step or section is that one's description: the introduction) */
            if (I->pending.len && I->main.len) {
                rbk_sbuf_addc(&I->main, '\n');
                add_desc(&I->main, I->pending.data, 0);
                rbk_sbuf_reset(&I->pending);
            }
        }
        if (toc_title(name)) {
            toc_region = L;
            if (I->pending.len) rbk_sbuf_addc(&I->pending, '\n');
            rbk_sbuf_printf(&I->pending, "(the table of contents is left out: the sections below are the runbook's)\n");
            free(name);
            h = next;
            continue;
        }
        if (toc_region) { free(name); h = next; continue; }
        if (sheet_title(name)) { sheet_region = L; I->sheet = 1; }
        int is_rb = rollback_title(name) || rb_region;
        if (rollback_title(name) && L <= S) rb_region = L;
        /* the heading's own content */
        step_out *t = new_step(name, H->line);
        if (is_rb && L > S && !rb_region && I->last && I->last_in_section == I->in_section) {
            /* the rollback of the step before it */
            step_out *owner = I->last;
            imp_flush(I, owner);
            rbk_sbuf_free(&t->desc);
            step_out *tmp = t;
            translate_range(I, tmp, h + 1, next);
            if (stmts(tmp)) {
                rbk_sbuf_printf(&owner->rb.b, "# %s\n", name);
                if (tmp->desc.len) {
                    rbk_sbuf c = RBK_SBUF_INIT;
                    add_desc(&c, tmp->desc.data, 0);
                    rbk_sbuf_add(&owner->rb.b, c.data, c.len);
                    rbk_sbuf_free(&c);
                }
                if (tmp->body.b.len) rbk_sbuf_add(&owner->rb.b, tmp->body.b.data, tmp->body.b.len);
                if (tmp->rb.b.len) rbk_sbuf_add(&owner->rb.b, tmp->rb.b.data, tmp->rb.b.len);
                owner->rb.nstmts += tmp->body.nstmts + tmp->rb.nstmts;
                /* a stop-if or gate in the rollback text belongs there too */
            } else if (tmp->desc.len || tmp->body.b.len || tmp->rb.b.len) {
                absorb_comments(tmp);
                if (owner->desc.len) rbk_sbuf_addc(&owner->desc, '\n');
                rbk_sbuf_printf(&owner->desc, "**%s**\n\n", name);
                rbk_sbuf_add(&owner->desc, tmp->desc.data, tmp->desc.len);
            }
            imp_step_free(tmp);
        } else if (is_rb) {
            translate_range(I, t, h + 1, next);
            if (stmts(t)) {
                /* no clear owner: a fn for the author to call from the right rollback block */
                rbk_sbuf fname = RBK_SBUF_INIT;
                /* rollback_ + the heading's words (ASCII letters and digits, lower case): a name
                 * that is never a keyword ("rollback" alone is one) */
                rbk_sbuf slug = RBK_SBUF_INIT;
                int us = 1;
                for (const char *p = name; *p; p++) {
                    if (isalnum((unsigned char)*p)) { rbk_sbuf_addc(&slug, (char)tolower((unsigned char)*p)); us = 0; }
                    else if (!us) { rbk_sbuf_addc(&slug, '_'); us = 1; }
                }
                while (slug.len && slug.data[slug.len - 1] == '_') slug.data[--slug.len] = 0;
                const char *rest = slug.data ? slug.data : "";
                if (!strncmp(rest, "rollback", 8) && (!rest[8] || rest[8] == '_')) rest += rest[8] ? 9 : 8;
                rbk_sbuf_printf(&fname, "rollback_%s", *rest ? rest : "procedure");
                rbk_sbuf_free(&slug);
                char *unique = unique_name(&I->fnames, &I->nfnames, fname.data, 1);
                rbk_sbuf_reset(&fname);
                rbk_sbuf_adds(&fname, unique);
                free(unique);
                free(t->name);
                t->name = rbk_sbuf_detach(&fname);
                t->is_fn = 1;
                t->named = 1;
                /* the body becomes the fn; anything it had as rollback, too */
                if (t->rb.b.len) { rbk_sbuf_add(&t->body.b, t->rb.b.data, t->rb.b.len); t->body.nstmts += t->rb.nstmts; rbk_sbuf_reset(&t->rb.b); t->rb.nstmts = 0; }
                char *todo = imp_todo(&I->c, H->line, "\"%s\" has no clear owner step: call %s() from the rollback block of the step it undoes", name, t->name);
                rbk_sbuf d2 = RBK_SBUF_INIT;
                rbk_sbuf_printf(&d2, "%s\n**%s**\n", todo, name);
                if (t->desc.len) { rbk_sbuf_addc(&d2, '\n'); rbk_sbuf_add(&d2, t->desc.data, t->desc.len); }
                rbk_sbuf_free(&t->desc);
                t->desc = d2;
                free(todo);
                open_step(I, t, 0);
                commit_step(I);
            } else {
                pending_heading(I, name, t);
                imp_step_free(t);
            }
        } else if (L <= S) {
            /* a section: its steps are its sub-headings, or the items of its numbered list */
            int items = !subheadings && !I->sheet ? ordered_steps(I, h + 1, next) : 0;
            I->in_section = 1;
            I->sec_title = rbk_xstrdup(name);
            I->sec_line = H->line;
            rbk_sbuf_add(&I->sec_desc, I->pending.data ? I->pending.data : "", I->pending.len);
            rbk_sbuf_reset(&I->pending);
            if (items) {
                for (int i = h + 1; i < next; i++) {
                    const rbk_md_block *b = &d->b[i];
                    if (b->parent >= 0) continue;
                    if (b->kind != RBK_MD_ITEM) {
                        if (b->kind == RBK_MD_PARA || b->kind == RBK_MD_QUOTE) imp_desc_text(&I->sec_desc, b->text);
                        continue;
                    }
                    char *iname = imp_plain(b->text ? b->text : "");
                    size_t n = strlen(iname);
                    while (n && (iname[n - 1] == '.' || iname[n - 1] == ':')) iname[--n] = 0;
                    if (n > 80) {
                        size_t cut = 77;
                        while (cut > 40 && iname[cut] != ' ') cut--;
                        strcpy(iname + cut, "...");
                    }
                    step_out *st = new_step(iname, b->line);
                    free(iname);
                    /* the item itself: what it says to do (its sub-items, or a gate) */
                    I->item_is_step = 1;
                    imp_list_item(I, st, i, LB_ACTION, 0);
                    I->item_is_step = 0;
                    imp_flush(I, st);
                    if (stmts(st)) open_step(I, st, 1);
                    else {
                        /* nothing to do (declarations): the item is prose of the section */
                        absorb_comments(st);
                        if (st->desc.len) imp_desc_text(&I->sec_desc, st->desc.data);
                        imp_step_free(st);
                    }
                }
            } else if (subheadings) {
                translate_range(I, t, h + 1, next);
                if (stmts(t)) open_step(I, t, 1);
                else {
                    absorb_comments(t);
                    if (t->desc.len) imp_desc_text(&I->sec_desc, t->desc.data);
                    imp_step_free(t);
                }
                t = NULL;
            } else {
                translate_range(I, t, h + 1, next);
                /* no sub-headings: one step, outside any section */
                free(I->sec_title);
                I->sec_title = NULL;
                I->in_section = 0;
                rbk_sbuf_add(&I->pending, I->sec_desc.data ? I->sec_desc.data : "", I->sec_desc.len);
                rbk_sbuf_reset(&I->sec_desc);
                if (stmts(t)) open_step(I, t, 0);
                else {
                    pending_heading(I, name, t);
                    imp_step_free(t);
                }
                t = NULL;
            }
            if (items) imp_step_free(t);
        } else {
            translate_range(I, t, h + 1, next);
            if (stmts(t)) open_step(I, t, I->in_section);
            else {
                pending_heading(I, name, t);
                imp_step_free(t);
            }
        }
        free(name);
        h = next;
    }
    close_section(I);
    commit_step(I);
}

/* ------------------------------------------------------------------ the translator (import.h) */
/* Whether s is UTF-8 without NUL bytes; *bad: the offset of the first bad byte. */
static int utf8_check(const char *s, size_t n, size_t *bad) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) { *bad = i; return 0; }
        if (c < 0x80) { i++; continue; }
        int k = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xC2 && c <= 0xDF ? 1 : 0;
        int ok = k > 0 && i + (size_t)k < n;
        for (int j = 1; ok && j <= k; j++) ok = ((unsigned char)s[i + (size_t)j] & 0xC0) == 0x80;
        if (ok && k >= 2) {
            unsigned char c1 = (unsigned char)s[i + 1];
            ok = !((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90));
        }
        if (!ok) { *bad = i; return 0; }
        i += (size_t)k + 1;
    }
    return 1;
}

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void free_imp(imp *I) {
    rbk_md_free(&I->d);
    free(I->first_child);
    free(I->next_sibling);
    rbk_sbuf_free(&I->main);
    rbk_sbuf_free(&I->pending);
    rbk_sbuf_free(&I->sec_desc);
    rbk_sbuf_free(&I->sec_body);
    rbk_sbuf_free(&I->after_sec);
    free(I->sec_title);
    imp_step_free(I->last);
    for (int i = 0; i < I->nnames; i++) free(I->names[i]);
    free(I->names);
    for (int i = 0; i < I->nfnames; i++) free(I->fnames[i]);
    free(I->fnames);
    imp_ctx *c = &I->c;
    for (int i = 0; i < c->nenvs; i++) { free(c->envs[i].name); free(c->envs[i].note); }
    free(c->envs);
    for (int i = 0; i < c->nparams; i++) { free(c->params[i].name); free(c->params[i].deflt); free(c->params[i].note); }
    free(c->params);
    for (int i = 0; i < c->nconns; i++) { free(c->conns[i].var); free(c->conns[i].url); }
    free(c->conns);
    for (int i = 0; i < c->ntodos; i++) free(c->todos[i].msg);
    free(c->todos);
}

static void pct(rbk_sbuf *b, int a, int n) {
    if (!n) rbk_sbuf_adds(b, "-");
    else rbk_sbuf_printf(b, "%d%%", (int)((a * 100 + n / 2) / n));
}

/* The note of a declaration as one comment line. */
static void trailing_note(rbk_sbuf *out, const char *note) {
    if (!note || !*note) { rbk_sbuf_addc(out, '\n'); return; }
    rbk_sbuf_adds(out, "  # ");
    for (const char *p = note; *p; p++) rbk_sbuf_addc(out, *p == '\n' ? ' ' : *p);
    rbk_sbuf_addc(out, '\n');
}

struct rbk_import {
    imp I;
    rbk_sbuf out;        /* the runbook's text */
};

int rbk_import_text_ok(const char *text, size_t len, int *line, int *col, const char **why) {
    size_t bad;
    if (utf8_check(text ? text : "", len, &bad)) return 1;
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < bad; i++) {
        if (text[i] == '\n') { (*line)++; *col = 1; }
        else if (((unsigned char)text[i] & 0xC0) != 0x80) (*col)++;
    }
    *why = text[bad] ? "the document is not UTF-8 text (an invalid byte sequence)" : "a NUL byte: the document is not text";
    return 0;
}

rbk_import *rbk_import_markdown(const char *path, const char *text, size_t len) {
    rbk_import *im = rbk_xcalloc(1, sizeof *im);
    imp *I = &im->I; /* zeroed */
    I->src = base_name(path);
    I->c.src = I->src;
    rbk_md_scan(text ? text : "", len, &I->d);
    char *title = NULL;
    document(I, &title);
    if (!title) {
        const char *b = I->src;
        const char *dot = strrchr(b, '.');
        title = rbk_xstrndup(b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
    }
    /* the file */
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_sbuf_printf(&out, "# Imported from %s by `runbook import`: a skeleton to finish. Each TODO(import) below\n"
                          "# marks what was not translated (%d in all); the summary on stderr lists them by line.\n",
                    I->src, I->c.ntodos);
    rbk_sbuf t = RBK_SBUF_INIT;
    imp_lit(&t, title, strlen(title));
    rbk_sbuf_printf(&out, "runbook \"%s\"\n", t.data ? t.data : "");
    rbk_sbuf_free(&t);
    if (I->c.nenvs) {
        rbk_sbuf_addc(&out, '\n');
        for (int i = 0; i < I->c.nenvs; i++) {
            imp_env *e = &I->c.envs[i];
            rbk_sbuf_printf(&out, "env %s%s%s", e->name, e->secret ? " secret" : "", e->optional ? " optional" : "");
            trailing_note(&out, e->note);
        }
    }
    if (I->c.nparams) {
        rbk_sbuf_addc(&out, '\n');
        for (int i = 0; i < I->c.nparams; i++) {
            imp_param *p = &I->c.params[i];
            if (p->deflt) rbk_sbuf_printf(&out, "param %s = %s", p->name, p->deflt);
            else rbk_sbuf_printf(&out, "param %s: string", p->name);
            trailing_note(&out, p->note);
        }
    }
    if (I->c.use_pg) rbk_sbuf_adds(&out, "\nuse \"std/pg\"\n");
    if (I->c.nconns) {
        rbk_sbuf_addc(&out, '\n');
        for (int i = 0; i < I->c.nconns; i++) rbk_sbuf_printf(&out, "let %s = sql.connect(%s)\n", I->c.conns[i].var, I->c.conns[i].url);
    }
    if (I->main.len) {
        rbk_sbuf_addc(&out, '\n');
        rbk_sbuf_add(&out, I->main.data, I->main.len);
    }
    if (I->pending.len) {
        rbk_sbuf_addc(&out, '\n');
        add_desc(&out, I->pending.data, 0);
    }
    free(title);
    im->out = out;
    return im;
}

const char *rbk_import_output(const rbk_import *im, size_t *len) {
    *len = im->out.len;
    return im->out.data ? im->out.data : "";
}

void rbk_import_summary(rbk_import *im, const char *path, const char *shown, int nerrors, int nwarnings, rbk_sbuf *s) {
    imp_ctx *c = &im->I.c;
    rbk_sbuf_printf(s, "import %s -> %s\n", path, shown);
    rbk_sbuf_printf(s, "  %d step%s in %d section%s, %d fn%s; %d env, %d param%s\n", c->steps, c->steps == 1 ? "" : "s", c->sections,
                    c->sections == 1 ? "" : "s", c->fns, c->fns == 1 ? "" : "s", c->nenvs, c->nparams, c->nparams == 1 ? "" : "s");
    int calls = c->calls_sh + c->calls_http + c->calls_sql + c->calls_pg;
    rbk_sbuf_printf(s, "  calls %d (shell %d, http %d, sql %d, std/pg %d), waits %d, expectations %d, gates %d (confirm %d, ask %d), stop-ifs %d\n",
                    calls, c->calls_sh, c->calls_http, c->calls_sql, c->calls_pg, c->waits, c->expects, c->confirms + c->asks,
                    c->confirms, c->asks, c->stop_ifs);
    rbk_sbuf_printf(s, "  fenced commands: %d of %d became calls (", c->cmds_called, c->cmds);
    pct(s, c->cmds_called, c->cmds);
    rbk_sbuf_printf(s, "); %d set the cwd:/env: of later calls\n", c->cmds_absorbed);
    rbk_sbuf_printf(s, "  inline commands (in lists and tables): %d of %d became calls (", c->inline_called, c->inline_cmds);
    pct(s, c->inline_called, c->inline_cmds);
    rbk_sbuf_adds(s, ")\n");
    rbk_sbuf_printf(s, "  \"Expected\" lines: %d of %d became expectations (", c->expected_done, c->expected);
    pct(s, c->expected_done, c->expected);
    rbk_sbuf_adds(s, ")");
    if (c->expected_gated) rbk_sbuf_printf(s, "; %d more %s checked by hand (a row of a check list: a confirm)", c->expected_gated, c->expected_gated == 1 ? "is" : "are");
    rbk_sbuf_addc(s, '\n');
    rbk_sbuf_printf(s, "  check: %d error%s, %d warning%s%s\n", nerrors, nerrors == 1 ? "" : "s", nwarnings,
                    nwarnings == 1 ? "" : "s", nerrors ? " — a bug in the importer: please report it with the document" : "");
    rbk_sbuf_printf(s, "  TODO %d\n", c->ntodos);
    for (int i = 1; i < c->ntodos; i++) { /* by line, in the order found for one line */
        imp_todo_item t = c->todos[i];
        int j = i;
        while (j > 0 && c->todos[j - 1].line > t.line) { c->todos[j] = c->todos[j - 1]; j--; }
        c->todos[j] = t;
    }
    for (int i = 0; i < c->ntodos; i++) rbk_sbuf_printf(s, "    %s:%d: %s\n", path, c->todos[i].line, c->todos[i].msg);
}

void rbk_import_free(rbk_import *im) {
    if (!im) return;
    rbk_sbuf_free(&im->out);
    free_imp(&im->I);
    free(im);
}

/* cli/doc.c — `runbook doc FILE`: the runbook as a Markdown checklist for review (docs/plan.md).
 * The checklist teams keep by hand, generated from the runbook, so it cannot drift from what
 * runs: title, a summary, prerequisites (env, params), then every step as a `- [ ]` item with
 * its commands, URLs and queries as written, its expectations ("Expect ..."), its stop
 * conditions ("DO NOT PROCEED IF ..."), its gates ("Confirm with the operator ..."), retry and
 * timeout, "If this fails, roll back: ...", IRREVERSIBLE warnings and the point of no return;
 * then the rollback order and the worst-case durations. Comment lines written directly above
 * a step (or section) become its description.
 * Reads the outline built by compiler/analysis.c; writes Markdown on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "load.h"
#include "markdown.h"

int rbk_cmd_doc(rbk_cli_opts *opts);

/* ------------------------------------------------------------------ Markdown helpers */
/* Plain text: what Markdown would read as markup where it stands is escaped (cli/markdown.h). */
static void md_text(rbk_sbuf *b, const char *s) { rbk_md_text(b, s, 0); }
/* A code span (in a table cell: `|` escaped, a multi-line text as text with <br>). */
static void md_code(rbk_sbuf *b, const char *s, int in_table) { rbk_md_code(b, s, in_table ? RBK_MD_CELL : 0); }
/* "D every P" as two code spans: "`D`, every `P`" */
static void window_md(rbk_sbuf *b, const char *window, const char *fmt_d, const char *fmt_p) {
    const char *w = window;
    if (!strncmp(w, "within ", 7)) w += 7;
    const char *e = strstr(w, " every ");
    char *d = e ? rbk_xstrndup(w, (size_t)(e - w)) : rbk_xstrdup(w);
    rbk_sbuf_adds(b, fmt_d);
    md_code(b, d, 0);
    if (e) { rbk_sbuf_adds(b, fmt_p); md_code(b, e + 7, 0); }
    free(d);
}
/* Text the author wrote as prose (comments), one paragraph per blank-line-separated run. */
static void md_prose(rbk_sbuf *b, int depth, const char *s) {
    rbk_md_indent_lines(b, depth, s);
}
static void dur(rbk_sbuf *b, int64_t ms) { rbk_outline_dur(b, ms); }
static void cost_md(rbk_sbuf *b, const rbk_cost *c) {
    if (!rbk_cost_bounded(c)) { rbk_sbuf_adds(b, "unbounded"); return; }
    dur(b, rbk_cost_total(c));
    if (c->operator_ms && c->machine_ms) {
        rbk_sbuf_adds(b, " (operator ");
        dur(b, c->operator_ms);
        rbk_sbuf_addc(b, ')');
    } else if (c->operator_ms) {
        rbk_sbuf_adds(b, " (operator)");
    }
}

/* ------------------------------------------------------------------ items */
typedef struct doc {
    rbk_sbuf b;
    const rbk_outline *o;
} doc;

/* mode bits: inside a guard's condition (only calls that change things or ask are shown);
 * inside a standard-library function (its own checks and logs are its name's business) */
enum { IN_GUARD = 1, IN_STD = 2 };
static void items_md(doc *d, const rbk_oitems *l, int depth, int mode);

/* The operand: a code span, or a fenced block when it spans lines. */
static void operand(doc *d, const rbk_oitem *it, int depth, const char *lang) {
    rbk_sbuf *b = &d->b;
    if (strchr(it->text, '\n')) {
        rbk_sbuf_adds(b, it->literal ? ":\n" : " (a value):\n");
        rbk_md_fence(b, depth + 1, lang, it->text);
        return;
    }
    rbk_sbuf_addc(b, ' ');
    md_code(b, it->text, 0);
    if (!it->literal) rbk_sbuf_adds(b, " (a value)");
}
static void tail(doc *d, const rbk_oitem *it) {
    rbk_sbuf *b = &d->b;
    if (it->options) {
        rbk_sbuf_adds(b, " — ");
        md_code(b, it->options, 0);
    }
    if (it->note) {
        rbk_sbuf_adds(b, " — by default ");
        md_code(b, it->note, 0);
    }
}
static int multiline(const rbk_oitem *it) { return it->text && strchr(it->text, '\n'); }
static void effect_md(doc *d, const rbk_oitem *it, int depth) {
    rbk_sbuf *b = &d->b;
    const char *n = it->builtin;
    const char *lang = "";
    if (!strcmp(n, "sh")) { rbk_sbuf_adds(b, "Run"); lang = "sh"; }
    else if (!strcmp(n, "exec")) rbk_sbuf_adds(b, "Run (no shell)");
    else if (it->verb) rbk_sbuf_printf(b, "HTTP %s%s", it->verb, it->write ? " (**changes**)" : "");
    else if (!strcmp(n, "sql.connect")) rbk_sbuf_adds(b, "Connect to PostgreSQL at");
    else if (!strncmp(n, "sql.", 4)) { rbk_sbuf_adds(b, it->write ? "SQL (**changes data**)" : "SQL query"); lang = "sql"; }
    else if (!strcmp(n, "file.write")) rbk_sbuf_adds(b, "Write the file");
    else if (!strncmp(n, "file.", 5)) rbk_sbuf_printf(b, "Read the file (%s):", n + 5);
    else if (!strcmp(n, "tcp.open")) rbk_sbuf_adds(b, "Check a TCP connection to");
    else if (!strcmp(n, "env.get")) rbk_sbuf_adds(b, "Read the environment variable");
    else rbk_sbuf_adds(b, n);
    if (multiline(it)) {
        tail(d, it);
        operand(d, it, depth, lang);
        return;
    }
    operand(d, it, depth, lang);
    tail(d, it);
    rbk_sbuf_addc(b, '\n');
}
/* What is said: "HEAD: “text”REST" (an expression: a code span), or, when the text spans
 * lines, "HEADREST:" and the text in a fenced block below; head is "HEAD:" in bold or not. */
static void said_md(doc *d, const rbk_oitem *it, int depth, const char *head, int bold, const char *rest) {
    rbk_sbuf *b = &d->b;
    const char *em = bold ? "**" : "";
    if (it->literal && multiline(it)) {
        rbk_sbuf_printf(b, "%s%s%s%s:\n", em, head, em, rest);
        rbk_md_fence(b, depth + 1, "", it->text);
        return;
    }
    rbk_sbuf_printf(b, "%s%s:%s ", em, head, em);
    if (it->literal) { rbk_sbuf_adds(b, "“"); md_text(b, it->text); rbk_sbuf_adds(b, "”"); }
    else md_code(b, it->text, 0);
    rbk_sbuf_printf(b, "%s\n", rest);
}
static void gate_md(doc *d, const rbk_oitem *it, int depth) {
    int confirm = !strcmp(it->builtin, "confirm");
    rbk_sbuf rest = RBK_SBUF_INIT;
    if (!confirm && it->options && strstr(it->options, "secret: true")) rbk_sbuf_adds(&rest, " (a secret: the answer is masked)");
    if (confirm) {
        rbk_sbuf_adds(&rest, " — no, or no answer within ");
        if (it->tmo_kind == RBK_TMO_UNKNOWN) rbk_sbuf_adds(&rest, "its timeout");
        else dur(&rest, it->timeout_ms);
        rbk_sbuf_adds(&rest, ", stops the run");
    }
    said_md(d, it, depth, confirm ? "Confirm with the operator" : "Ask the operator", 1, rbk_sbuf_cstr(&rest));
    rbk_sbuf_free(&rest);
}
static void message_md(doc *d, const rbk_oitem *it) {
    if (!it->message) return;
    rbk_sbuf_adds(&d->b, " — “");
    md_text(&d->b, it->message);
    rbk_sbuf_adds(&d->b, "”");
}
static void item_md(doc *d, const rbk_oitem *it, int depth, int mode) {
    rbk_sbuf *b = &d->b;
    int in_guard = mode & IN_GUARD;
    if (in_guard && it->kind != RBK_OI_CALL) return;
    if (in_guard && !it->has_write && !it->has_gate) return;
    /* an expect that polls is a wait (std/systemd.wait_active is nothing else): shown */
    if ((mode & IN_STD) && ((it->kind == RBK_OI_EXPECT && !it->window) || it->kind == RBK_OI_STOP_IF || it->kind == RBK_OI_FAIL ||
                            it->kind == RBK_OI_LOG)) return;
    rbk_md_indent(b, depth);
    rbk_sbuf_adds(b, "- ");
    switch (it->kind) {
    case RBK_OI_EFFECT: effect_md(d, it, depth); return;
    case RBK_OI_GATE: gate_md(d, it, depth); return;
    case RBK_OI_WAIT:
        rbk_sbuf_adds(b, "Wait ");
        if (it->tmo_kind == RBK_TMO_EXPLICIT) dur(b, it->timeout_ms);
        else md_code(b, it->text, 0);
        rbk_sbuf_addc(b, '\n');
        return;
    case RBK_OI_LOG:
        said_md(d, it, depth, "Log", 0, "");
        return;
    case RBK_OI_EXPECT:
        rbk_sbuf_adds(b, "Expect: ");
        md_code(b, it->text, 0);
        if (it->window) window_md(b, it->window, " — retried for up to ", ", every ");
        message_md(d, it);
        rbk_sbuf_addc(b, '\n');
        items_md(d, &it->kids, depth + 1, mode | IN_GUARD);
        return;
    case RBK_OI_STOP_IF:
        rbk_sbuf_adds(b, "**DO NOT PROCEED IF** ");
        md_code(b, it->text, 0);
        message_md(d, it);
        rbk_sbuf_adds(b, " _(the run stops here, without rollback)_\n");
        items_md(d, &it->kids, depth + 1, mode | IN_GUARD);
        return;
    case RBK_OI_FAIL:
        rbk_sbuf_adds(b, "**Fail the step**");
        message_md(d, it);
        rbk_sbuf_addc(b, '\n');
        return;
    case RBK_OI_WATCH:
        window_md(b, it->window, "Watch for ", ", every ");
        rbk_sbuf_adds(b, ":\n");
        items_md(d, &it->kids, depth + 1, mode);
        return;
    case RBK_OI_IF:
        rbk_sbuf_adds(b, "If ");
        md_code(b, it->text, 0);
        rbk_sbuf_adds(b, ":\n");
        items_md(d, &it->kids, depth + 1, mode);
        if (it->alt.n) {
            rbk_md_indent(b, depth);
            rbk_sbuf_adds(b, "- Otherwise:\n");
            items_md(d, &it->alt, depth + 1, mode);
        }
        return;
    case RBK_OI_FOR:
        rbk_sbuf_adds(b, "For each ");
        md_code(b, it->message, 0);
        rbk_sbuf_adds(b, " in ");
        md_code(b, it->text, 0);
        if (it->tmo_kind == RBK_TMO_EXPLICIT) rbk_sbuf_printf(b, " (%lld times)", (long long)it->timeout_ms);
        rbk_sbuf_adds(b, ":\n");
        items_md(d, &it->kids, depth + 1, mode);
        return;
    case RBK_OI_CALL: {
        md_code(b, it->text, 0);
        if (it->module) rbk_sbuf_printf(b, " (from %s)", it->module);
        /* what it does, or nothing more when all of it is its own business (no empty list) */
        doc kids = {RBK_SBUF_INIT, d->o};
        items_md(&kids, &it->kids, depth + 1, mode | (it->module && !strncmp(it->module, "std/", 4) ? IN_STD : 0));
        rbk_sbuf_adds(b, kids.b.len ? ":\n" : "\n");
        rbk_sbuf_add(b, rbk_sbuf_cstr(&kids.b), kids.b.len);
        rbk_sbuf_free(&kids.b);
        return;
    }
    }
}
static void items_md(doc *d, const rbk_oitems *l, int depth, int mode) {
    for (int i = 0; i < l->n; i++) {
        const rbk_oitem *it = &l->v[i];
        item_md(d, it, depth, mode);
    }
}

/* ------------------------------------------------------------------ sections of the page */
static void summary(doc *d) {
    const rbk_outline *o = d->o;
    rbk_sbuf *b = &d->b;
    rbk_sbuf_adds(b, "# ");
    rbk_md_text(b, o->title ? o->title : o->root_path, RBK_MD_HEADING);
    rbk_sbuf_adds(b, "\n\n");
    rbk_sbuf_adds(b, "> Generated by `runbook doc` from ");
    md_code(b, o->path, 0);
    rbk_sbuf_printf(b, " (artifact sha256 `%.16s…`).\n"
                       "> Do not edit this page: change the runbook and regenerate it. `runbook run` performs and checks\n"
                       "> every item below and writes the evidence report.\n\n",
                    o->artifact_sha256);
    rbk_sbuf_printf(b, "- **%d step%s**", o->nsteps, o->nsteps == 1 ? "" : "s");
    if (o->nsections) rbk_sbuf_printf(b, " in %d section%s", o->nsections, o->nsections == 1 ? "" : "s");
    rbk_sbuf_printf(b, ", **%d operator gate%s**\n", o->ngates, o->ngates == 1 ? "" : "s");
    rbk_sbuf_adds(b, "- Point of no return: ");
    if (o->point_of_no_return >= 0) {
        const rbk_ostep *s = &o->steps[o->point_of_no_return];
        rbk_sbuf_printf(b, "**step %d, ", s->index + 1);
        md_text(b, s->name);
        rbk_sbuf_adds(b, "**");
        if (s->cond) { rbk_sbuf_adds(b, " (when it runs: if "); md_code(b, s->cond, 0); rbk_sbuf_adds(b, ")"); }
        rbk_sbuf_addc(b, '\n');
    } else {
        rbk_sbuf_adds(b, "none — no step is irreversible\n");
    }
    rbk_sbuf_adds(b, "- Worst case: **");
    cost_md(b, &o->run);
    rbk_sbuf_adds(b, "**; the full rollback: **");
    cost_md(b, &o->rollback);
    rbk_sbuf_adds(b, "** ([how this is computed](#worst-case-duration))\n\n");
}

/* a row `| `NAME` | its line comment |` of the Hosts and Run locks tables */
static void name_notes_row(rbk_sbuf *b, const rbk_oenv *e) {
    rbk_sbuf_adds(b, "| ");
    md_code(b, e->name, 1);
    rbk_sbuf_adds(b, " | ");
    if (e->description) md_text(b, e->description);
    rbk_sbuf_adds(b, " |\n");
}

static void prerequisites(doc *d) {
    const rbk_outline *o = d->o;
    rbk_sbuf *b = &d->b;
    rbk_sbuf_adds(b, "## Prerequisites\n\n");
    rbk_sbuf_adds(b, "### Environment variables\n\n");
    int nhosts = 0;
    for (int i = 0; i < o->nenvs; i++) nhosts += o->envs[i].hosts;
    if (o->nenvs == nhosts) rbk_sbuf_adds(b, "None.\n\n");
    else {
        rbk_sbuf_adds(b, "Required variables are checked, all at once, before anything runs.\n\n");
        rbk_md_table_head(b, "Variable|Required|Secret|Notes", "");
        for (int i = 0; i < o->nenvs; i++) {
            const rbk_oenv *e = &o->envs[i];
            if (e->hosts) continue;
            rbk_sbuf_adds(b, "| ");
            md_code(b, e->name, 1);
            rbk_sbuf_printf(b, " | %s | %s | ", e->optional ? "no (optional)" : "yes", e->secret ? "yes: masked in all output" : "no");
            if (e->description) rbk_md_text(b, e->description, RBK_MD_CELL);
            rbk_sbuf_adds(b, " |\n");
        }
        rbk_sbuf_addc(b, '\n');
    }
    if (nhosts) { /* docs/fleet.md */
        rbk_sbuf_adds(b, "### Hosts\n\nInventory groups (`runbook run --inventory FILE`); every host is reached, its key checked, "
                         "before anything runs.\n\n| Group | Notes |\n|---|---|\n");
        for (int i = 0; i < o->nenvs; i++)
            if (o->envs[i].hosts) name_notes_row(b, &o->envs[i]);
        rbk_sbuf_addc(b, '\n');
    }
    if (o->nlocks) { /* docs/state.md */
        rbk_sbuf_adds(b, "### Run locks\n\nTaken in the run store (`runbook run --state ...`) before anything runs; a run "
                         "while another holds one is refused.\n\n| Lock | Notes |\n|---|---|\n");
        for (int i = 0; i < o->nlocks; i++) name_notes_row(b, &o->locks[i]);
        rbk_sbuf_addc(b, '\n');
    }
    rbk_sbuf_adds(b, "### Parameters\n\n");
    if (!o->nparams) { rbk_sbuf_adds(b, "None.\n\n"); return; }
    rbk_sbuf_adds(b, "Given as `--param NAME=VALUE`; a required one is asked for at the start on a terminal.\n\n");
    rbk_md_table_head(b, "Parameter|Type|Default|Notes", "");
    int secrets = 0;
    for (int i = 0; i < o->nparams; i++) {
        const rbk_oparam *p = &o->params[i];
        rbk_sbuf_adds(b, "| ");
        md_code(b, p->name, 1);
        rbk_sbuf_printf(b, " | %s%s | ", p->type, p->secret ? ", **secret**" : "");
        secrets += p->secret;
        if (p->deflt) md_code(b, p->deflt, 1);
        else rbk_sbuf_adds(b, "**required**");
        rbk_sbuf_adds(b, " | ");
        if (p->description) rbk_md_text(b, p->description, RBK_MD_CELL);
        rbk_sbuf_adds(b, " |\n");
    }
    if (secrets)
        rbk_sbuf_adds(b, "\nA **secret** parameter is typed without echo when asked for, masked in all output, and not "
                         "written to the journal: `runbook resume` asks for it again.\n");
    rbk_sbuf_addc(b, '\n');
}

/* a per-item step's worst case says how it is counted (batches × an instance's) */
static void step_worst_md(rbk_sbuf *b, const rbk_ostep *s) {
    if (s->per_item) rbk_ostep_worst_text(b, s);
    else cost_md(b, &s->worst);
}

static void glance(doc *d) {
    const rbk_outline *o = d->o;
    rbk_sbuf *b = &d->b;
    if (!o->nsteps) return;
    rbk_sbuf_adds(b, "## At a glance\n\n");
    rbk_md_table_head(b, "#|Step|If it fails|Worst case", "");
    for (int i = 0; i < o->nsteps; i++) {
        const rbk_ostep *s = &o->steps[i];
        int writes = 0, gates = 0;
        rbk_oitems_flags(&s->body, &writes, &gates);
        rbk_sbuf_printf(b, "| %d | ", s->index + 1);
        rbk_md_text(b, s->name, RBK_MD_CELL);
        if (s->cond) { rbk_sbuf_adds(b, " (if "); md_code(b, s->cond, 1); rbk_sbuf_adds(b, ")"); }
        rbk_sbuf_adds(b, " | ");
        if (s->irreversible) rbk_sbuf_adds(b, "**IRREVERSIBLE**");
        else if (s->nothing_to_undo) rbk_sbuf_adds(b, "nothing to undo");
        else if (s->has_rollback) rbk_sbuf_adds(b, "rolled back");
        else if (writes) rbk_sbuf_adds(b, "**no rollback**");
        else rbk_sbuf_adds(b, "nothing to undo");
        rbk_sbuf_adds(b, " | ");
        step_worst_md(b, s);
        rbk_sbuf_adds(b, " |\n");
    }
    rbk_sbuf_addc(b, '\n');
}

static void code_md(doc *d, const rbk_ocode *k) {
    rbk_sbuf *b = &d->b;
    if (!k->items.n) return;
    if (k->module_init) rbk_sbuf_printf(b, "- [ ] **Module %s** sets up its names:\n", k->label);
    else if (k->before_step >= 0) rbk_sbuf_printf(b, "- [ ] **Before step %d** (top-level code, line %d):\n", k->before_step + 1, k->line);
    else rbk_sbuf_printf(b, "- [ ] **After the last step** (top-level code, line %d):\n", k->line);
    items_md(d, &k->items, 1, 0);
    rbk_sbuf_addc(b, '\n');
}

static void step_md(doc *d, const rbk_ostep *s) {
    const rbk_outline *o = d->o;
    rbk_sbuf *b = &d->b;
    if (s->index == o->point_of_no_return) {
        rbk_sbuf_adds(b, "> **POINT OF NO RETURN.** Step ");
        rbk_sbuf_printf(b, "%d is irreversible", s->index + 1);
        if (s->why && *s->why) { rbk_sbuf_adds(b, ": "); md_text(b, s->why); }
        rbk_sbuf_adds(b, ". Until it runs, a failure rolls back the completed steps; once it has run, the steps "
                         "before it can no longer be rolled back.\n\n");
    }
    rbk_sbuf_printf(b, "- [ ] **Step %d. ", s->index + 1);
    md_text(b, s->name);
    rbk_sbuf_adds(b, "**");
    if (s->cond) { rbk_sbuf_adds(b, " — only if "); md_code(b, s->cond, 0); }
    rbk_sbuf_addc(b, '\n');
    if (s->description) {
        rbk_sbuf_addc(b, '\n');
        md_prose(b, 1, s->description);
        rbk_sbuf_addc(b, '\n');
    }
    if (s->per_item) { /* docs/fleet.md */
        rbk_sbuf t = RBK_SBUF_INIT;
        rbk_ostep_per_item_text(&t, s);
        rbk_sbuf_adds(b, "  - Runs once per item, each run an instance of its own: ");
        md_text(b, t.data);
        rbk_sbuf_addc(b, '\n');
        rbk_sbuf_free(&t);
    }
    items_md(d, &s->cond_items, 1, 0);
    items_md(d, &s->body, 1, 0);
    if (!s->body.n && !s->cond_items.n) rbk_sbuf_adds(b, "  - Nothing to do but the checks above.\n");
    if (s->timeout_ms || s->retries) {
        rbk_sbuf_adds(b, "  - ");
        if (s->timeout_ms) {
            rbk_sbuf_adds(b, "Timeout ");
            dur(b, s->timeout_ms);
            rbk_sbuf_adds(b, s->per_item ? " for each attempt of an instance" : " for each attempt");
            if (s->retries) rbk_sbuf_adds(b, "; ");
        }
        if (s->retries) {
            rbk_sbuf_printf(b, "%s up to %d more time%s", s->timeout_ms ? "retried" : "Retried", s->retries, s->retries == 1 ? "" : "s");
            if (s->retry_every_ms) { rbk_sbuf_adds(b, ", "); dur(b, s->retry_every_ms); rbk_sbuf_adds(b, " apart"); }
        }
        rbk_sbuf_addc(b, '\n');
    }
    if (rbk_cost_total(&s->worst) || !rbk_cost_bounded(&s->worst)) {
        rbk_sbuf_adds(b, "  - Worst case: ");
        step_worst_md(b, s);
        rbk_sbuf_addc(b, '\n');
    }
    int writes = 0, gates = 0;
    rbk_oitems_flags(&s->body, &writes, &gates);
    if (s->nothing_to_undo) {
        rbk_sbuf_adds(b, "  - Nothing to undo (an empty rollback block): the rollback passes over this step.\n");
    } else if (s->has_rollback) {
        rbk_sbuf_adds(b, s->per_item ? "  - If this fails, roll back each instance that ran, last ended first" : "  - If this fails, roll back");
        if (s->rollback_timeout_ms) { rbk_sbuf_adds(b, " (timeout "); dur(b, s->rollback_timeout_ms); rbk_sbuf_addc(b, ')'); }
        rbk_sbuf_adds(b, ":\n");
        if (s->rollback.n) items_md(d, &s->rollback, 2, 0);
        else rbk_sbuf_adds(b, "    - nothing to undo (the rollback block has no external effect)\n");
    } else if (s->irreversible) {
        rbk_sbuf_adds(b, "  - **IRREVERSIBLE");
        if (s->why && *s->why) { rbk_sbuf_adds(b, ":** "); md_text(b, s->why); }
        else rbk_sbuf_adds(b, "**");
        rbk_sbuf_adds(b, ". Once this step has run, the steps before it cannot be rolled back.\n");
    } else if (writes) {
        rbk_sbuf_adds(b, "  - **No rollback:** what this step changes stays changed if a later step fails.\n");
    }
    rbk_sbuf_addc(b, '\n');
}

static void sequence_md(doc *d) {
    const rbk_outline *o = d->o;
    rbk_sbuf *b = &d->b;
    rbk_sbuf_adds(b, "## Checklist\n\n");
    const char *section = NULL;
    int in_section = 0;
    for (int i = 0; i < o->nseq; i++) {
        if (!o->seq[i].is_step) {
            const rbk_ocode *k = &o->code[o->seq[i].index];
            if (k->items.n && in_section) { rbk_sbuf_adds(b, "### Between the sections\n\n"); in_section = 0; section = NULL; }
            code_md(d, k);
            continue;
        }
        const rbk_ostep *s = &o->steps[o->seq[i].index];
        if (s->section && (!section || strcmp(section, s->section))) {
            rbk_sbuf_adds(b, "### ");
            rbk_md_text(b, s->section, RBK_MD_HEADING);
            rbk_sbuf_adds(b, "\n\n");
            for (int k = 0; k < o->nsections; k++)
                if (o->sections[k].first_step == s->index && o->sections[k].description) {
                    md_prose(b, 0, o->sections[k].description);
                    rbk_sbuf_addc(b, '\n');
                }
            in_section = 1;
        } else if (!s->section && in_section) {
            rbk_sbuf_adds(b, "### After the sections\n\n");
            in_section = 0;
        }
        section = s->section;
        step_md(d, s);
    }
}

static void rollback_md(doc *d) {
    const rbk_outline *o = d->o;
    rbk_sbuf *b = &d->b;
    rbk_sbuf_adds(b, "## Rollback order\n\n"
                     "When a step fails (and the operator, or `--on-failure=rollback`, chooses to roll back), its own\n"
                     "rollback block runs first, then those of the completed steps, last first. A failure inside a\n"
                     "rollback block stops the rollback; `stop-if` and a refused confirmation stop the run without one.\n\n");
    int k = 0;
    for (int i = o->nsteps - 1; i >= 0; i--) {
        const rbk_ostep *s = &o->steps[i];
        int writes = 0, gates = 0;
        rbk_oitems_flags(&s->body, &writes, &gates);
        if (!s->irreversible && !s->has_rollback && !writes) continue;
        rbk_sbuf_printf(b, "%d. Step %d, ", ++k, s->index + 1);
        md_text(b, s->name);
        if (s->irreversible) rbk_sbuf_adds(b, ": **IRREVERSIBLE — once it has run, the rollback stops here**\n");
        else if (!s->has_rollback) rbk_sbuf_adds(b, ": **no rollback block**: its changes stay\n");
        else if (s->nothing_to_undo) rbk_sbuf_adds(b, ": nothing to undo (an empty rollback block)\n");
        else {
            if (s->per_item) { /* its instances, one at a time */
                rbk_sbuf_adds(b, ", each instance that ran, last ended first (worst case ");
                rbk_ostep_rollback_worst_text(b, s);
            } else {
                rbk_sbuf_adds(b, " (worst case ");
                cost_md(b, &s->rollback_worst);
            }
            rbk_sbuf_adds(b, ")\n");
            items_md(d, &s->rollback, 2, 0);
        }
    }
    if (!k) rbk_sbuf_adds(b, "No step has a rollback block or changes anything.\n");
    rbk_sbuf_addc(b, '\n');
}

static void worst_md(doc *d) {
    const rbk_outline *o = d->o;
    rbk_sbuf *b = &d->b;
    rbk_sbuf_adds(b, "## Worst-case duration\n\n");
    rbk_md_table_head(b, "|Machine|Operator|Total", "");
    const struct { const char *label; const rbk_cost *c; } rows[] = {{"The run", &o->run}, {"The full rollback", &o->rollback}};
    for (int i = 0; i < 2; i++) {
        const rbk_cost *c = rows[i].c;
        rbk_sbuf_printf(b, "| %s | ", rows[i].label);
        if (c->machine_why) rbk_sbuf_adds(b, "unbounded");
        else dur(b, c->machine_ms);
        rbk_sbuf_adds(b, " | ");
        if (c->operator_why) rbk_sbuf_adds(b, "unbounded");
        else dur(b, c->operator_ms);
        rbk_sbuf_adds(b, " | ");
        cost_md(b, c);
        rbk_sbuf_adds(b, " |\n");
    }
    rbk_sbuf_adds(b, "\nMachine time: each call's timeout, `wait`, and `within`/`watch` windows (plus one more evaluation),\n"
                     "each attempt capped by the step's `timeout`, times the attempts, plus `retry ... every` between them.\n"
                     "Operator time: how long each gate waits for an answer.");
    if (o->nassumptions) {
        rbk_sbuf_adds(b, " Assuming:\n\n");
        for (int i = 0; i < o->nassumptions; i++) rbk_sbuf_printf(b, "- %s\n", o->assumptions[i]);
    } else {
        rbk_sbuf_addc(b, '\n');
    }
    if (o->nunbounded) {
        rbk_sbuf_adds(b, "\n**Not bounded:**\n\n");
        for (int i = 0; i < o->nunbounded; i++) rbk_sbuf_printf(b, "- %s\n", o->unbounded[i]);
    }
}

int rbk_cmd_doc(rbk_cli_opts *opts) {
    if (opts->nfiles != 1) { fputs("runbook doc: give one FILE.rb or FILE.rbc\n", stderr); return EXIT_USAGE; }
    rbk_outline o;
    int rc = rbk_cli_outline(opts->files[0], "doc", opts->run.default_timeout_ms, &o);
    if (rc) return rc;
    doc d = {RBK_SBUF_INIT, &o};
    summary(&d);
    prerequisites(&d);
    glance(&d);
    sequence_md(&d);
    rollback_md(&d);
    worst_md(&d);
    fputs(rbk_sbuf_cstr(&d.b), stdout);
    rbk_sbuf_free(&d.b);
    rbk_outline_free(&o);
    return 0;
}

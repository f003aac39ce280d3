/* cli/plan.c — `runbook plan FILE [--format json]` (docs/cli.md, docs/plan.md): what a run
 * of this exact artifact would do, before it does anything — env and params, the sequence of
 * top-level code and steps with every external effect as written, the gates, the rollback
 * order, the point of no return and the worst-case durations. Text on stdout (colour only on
 * a terminal without NO_COLOR), or one JSON document whose shape docs/plan.md fixes.
 * Reads the outline built by compiler/analysis.c; shares nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../support/sha256.h"
#include "cli.h"
#include "../support/jsonw.h"
#include "load.h"
#include "../inventory/inventory.h"

int rbk_cmd_plan(rbk_cli_opts *o);

/* ------------------------------------------------------------------ flattening */
/* rbk_oitems_flatten (compiler/analysis.h): effects and checks, depth first, each with the
 * branches it sits in. */
static int is_effect(const rbk_oitem *it) {
    return it->kind == RBK_OI_EFFECT || it->kind == RBK_OI_GATE || it->kind == RBK_OI_WAIT;
}
static int is_check(const rbk_oitem *it) {
    return it->kind == RBK_OI_EXPECT || it->kind == RBK_OI_STOP_IF || it->kind == RBK_OI_FAIL;
}
static void collapse_ws(rbk_sbuf *out, const char *s) {
    int space = 0;
    for (; *s; s++) {
        if (*s == '\n' || *s == '\r' || (*s == ' ' && space)) {
            if (!space && out->len) rbk_sbuf_addc(out, ' ');
            space = 1;
            while (s[1] == ' ' || s[1] == '\t') s++;
            continue;
        }
        space = *s == ' ';
        rbk_sbuf_addc(out, *s);
    }
}

/* ------------------------------------------------------------------ text */
typedef struct tx {
    rbk_sbuf out;
    int color;
    const rbk_outline *o;
    const char *indent;
    int count;
    const int64_t *group_hosts; /* per env: the hosts of a group in --inventory, -1 not there; NULL: no --inventory */
} tx;

static const char *C(const tx *t, const char *code) { return t->color ? code : ""; }
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"
#define MAGENTA "\033[35m"
#define RESET "\033[0m"

static void dur(rbk_sbuf *b, int64_t ms) { rbk_outline_dur(b, ms); }

static void text_leaf(void *ctx, const rbk_oitem *it, const char *when) {
    tx *t = ctx;
    if (!is_effect(it)) return;
    const char *cls = rbk_oitem_class(it);
    const char *col = it->kind == RBK_OI_GATE ? MAGENTA : it->write ? YELLOW : it->kind == RBK_OI_WAIT ? CYAN : "";
    rbk_sbuf *b = &t->out;
    rbk_sbuf_printf(b, "%s%s%-5s%s  %-10s ", t->indent, C(t, col), cls, C(t, RESET),
                    it->verb ? it->verb : it->builtin);
    if (it->kind == RBK_OI_WAIT && it->tmo_kind == RBK_TMO_EXPLICIT) dur(b, it->timeout_ms);
    else if (it->literal) collapse_ws(b, it->text);
    else rbk_sbuf_printf(b, "<value of %s>", it->text);
    rbk_sbuf d = RBK_SBUF_INIT;
    if (it->options) { collapse_ws(&d, it->options); rbk_sbuf_adds(&d, "; "); }
    if (it->note) rbk_sbuf_printf(&d, "by default %s; ", it->note);
    if (it->kind == RBK_OI_GATE && it->tmo_kind == RBK_TMO_DEFAULT) {
        rbk_sbuf_adds(&d, "waits up to ");
        dur(&d, it->timeout_ms);
        rbk_sbuf_adds(&d, "; ");
    }
    if (when) rbk_sbuf_printf(&d, "%s; ", when);
    if (it->repeat) rbk_sbuf_printf(&d, "%s; ", it->repeat);
    if (it->via) rbk_sbuf_printf(&d, "via %s; ", it->via);
    rbk_sbuf_printf(&d, "%s:%d", rbk_outline_file(t->o, it->file), it->line);
    rbk_sbuf_printf(b, "  %s(%s)%s\n", C(t, DIM), d.data, C(t, RESET));
    rbk_sbuf_free(&d);
    t->count++;
}
static int text_effects(tx *t, const rbk_oitems *l, const char *indent) {
    t->indent = indent;
    t->count = 0;
    rbk_oitems_flatten(l, NULL, text_leaf, t);
    return t->count;
}
static void count_checks(void *ctx, const rbk_oitem *it, const char *when) {
    (void)when;
    int *n = ctx;
    if (it->kind == RBK_OI_EXPECT) n[0]++;
    else if (it->kind == RBK_OI_STOP_IF) n[1]++;
    else if (it->kind == RBK_OI_FAIL) n[2]++;
}

static void text_header(tx *t) {
    const rbk_outline *o = t->o;
    rbk_sbuf *b = &t->out;
    rbk_sbuf_printf(b, "%sPlan: %s%s\n", C(t, BOLD), o->title ? o->title : o->root_path, C(t, RESET));
    rbk_sbuf_printf(b, "  file      %s%s\n", o->path, o->from_rbc ? "  (recompiled from its embedded sources: identical bytes)" : "");
    rbk_sbuf_printf(b, "  artifact  sha256 %s\n", o->artifact_sha256);
    rbk_sbuf_printf(b, "  %d step%s, %d gate%s, point of no return: ", o->nsteps, o->nsteps == 1 ? "" : "s",
                    o->ngates, o->ngates == 1 ? "" : "s");
    if (o->point_of_no_return >= 0)
        rbk_sbuf_printf(b, "%sstep %d \"%s\"%s\n", C(t, RED), o->point_of_no_return + 1,
                        o->steps[o->point_of_no_return].name, C(t, RESET));
    else rbk_sbuf_adds(b, "none\n");
    rbk_sbuf_adds(b, "  worst case: run ");
    rbk_cost_text(b, &o->run);
    rbk_sbuf_adds(b, ", full rollback ");
    rbk_cost_text(b, &o->rollback);
    rbk_sbuf_adds(b, "\n\n");
}

static void text_decls(tx *t) {
    const rbk_outline *o = t->o;
    rbk_sbuf *b = &t->out;
    rbk_sbuf_printf(b, "%sEnvironment%s (the required ones are checked before anything runs)\n", C(t, BOLD), C(t, RESET));
    int nhosts = 0;
    for (int i = 0; i < o->nenvs; i++) nhosts += o->envs[i].hosts;
    if (o->nenvs == nhosts) rbk_sbuf_adds(b, "  none\n");
    int w = 4;
    for (int i = 0; i < o->nenvs; i++) if ((int)strlen(o->envs[i].name) > w) w = (int)strlen(o->envs[i].name);
    for (int i = 0; i < o->nenvs; i++) {
        const rbk_oenv *e = &o->envs[i];
        if (e->hosts) continue;
        rbk_sbuf_printf(b, "  %-*s  %-8s  %-6s", w, e->name, e->optional ? "optional" : "required", e->secret ? "secret" : "");
        if (e->description) rbk_sbuf_printf(b, "  # %s", e->description);
        while (b->len && b->data[b->len - 1] == ' ') b->data[--b->len] = 0;
        rbk_sbuf_addc(b, '\n');
    }
    if (nhosts) { /* docs/fleet.md: only when the runbook declares groups */
        rbk_sbuf_printf(b, "\n%sHosts%s (inventory groups: --inventory; every host is reached before anything runs)\n", C(t, BOLD),
                        C(t, RESET));
        for (int i = 0; i < o->nenvs; i++) {
            if (!o->envs[i].hosts) continue;
            rbk_sbuf_printf(b, "  %s", o->envs[i].name);
            if (t->group_hosts && t->group_hosts[i] >= 0)
                rbk_sbuf_printf(b, "  %lld host%s in the inventory", (long long)t->group_hosts[i], t->group_hosts[i] == 1 ? "" : "s");
            else if (t->group_hosts) rbk_sbuf_printf(b, "  %snot in the inventory%s", C(t, RED), C(t, RESET));
            if (o->envs[i].description) rbk_sbuf_printf(b, "  # %s", o->envs[i].description);
            rbk_sbuf_addc(b, '\n');
        }
    }
    if (o->nlocks) { /* docs/state.md: only when the runbook declares locks */
        rbk_sbuf_printf(b, "\n%sLocks%s (taken in the run store before step 1: --state)\n", C(t, BOLD), C(t, RESET));
        for (int i = 0; i < o->nlocks; i++) {
            rbk_sbuf_printf(b, "  %s", o->locks[i].name);
            if (o->locks[i].description) rbk_sbuf_printf(b, "  # %s", o->locks[i].description);
            rbk_sbuf_addc(b, '\n');
        }
    }
    rbk_sbuf_printf(b, "\n%sParameters%s (--param NAME=VALUE)\n", C(t, BOLD), C(t, RESET));
    if (!o->nparams) rbk_sbuf_adds(b, "  none\n");
    w = 4;
    for (int i = 0; i < o->nparams; i++) if ((int)strlen(o->params[i].name) > w) w = (int)strlen(o->params[i].name);
    for (int i = 0; i < o->nparams; i++) {
        const rbk_oparam *p = &o->params[i];
        rbk_sbuf_printf(b, "  %-*s  %-8s  ", w, p->name, p->type);
        if (p->deflt) rbk_sbuf_printf(b, "= %s", p->deflt);
        else rbk_sbuf_printf(b, "%srequired%s", C(t, BOLD), C(t, RESET));
        if (p->secret) rbk_sbuf_adds(b, "  secret");
        if (p->description) rbk_sbuf_printf(b, "  # %s", p->description);
        rbk_sbuf_addc(b, '\n');
    }
    rbk_sbuf_addc(b, '\n');
}

static void text_code(tx *t, const rbk_ocode *k) {
    rbk_sbuf *b = &t->out;
    if (!k->items.n && rbk_cost_total(&k->cost) == 0 && rbk_cost_bounded(&k->cost)) return;
    if (k->module_init) rbk_sbuf_printf(b, "  %smodule %s%s (initialises its top-level names)", C(t, BOLD), k->label, C(t, RESET));
    else if (k->before_step >= 0) rbk_sbuf_printf(b, "  %stop-level code%s before step %d", C(t, BOLD), C(t, RESET), k->before_step + 1);
    else rbk_sbuf_printf(b, "  %stop-level code%s after the last step", C(t, BOLD), C(t, RESET));
    rbk_sbuf_printf(b, "  %s:%d", rbk_outline_file(t->o, k->file), k->line);
    if (k->last_line > k->line) rbk_sbuf_printf(b, "-%d", k->last_line);
    rbk_sbuf_adds(b, "  worst ");
    rbk_cost_text(b, &k->cost);
    rbk_sbuf_addc(b, '\n');
    if (!text_effects(t, &k->items, "      ")) rbk_sbuf_adds(b, "      no external effects\n");
    rbk_sbuf_addc(b, '\n');
}

static void text_step(tx *t, const rbk_ostep *s, const char **section) {
    const rbk_outline *o = t->o;
    rbk_sbuf *b = &t->out;
    if (s->section && (!*section || strcmp(*section, s->section)))
        rbk_sbuf_printf(b, "  %s== section \"%s\"%s\n", C(t, BOLD), s->section, C(t, RESET));
    *section = s->section;
    rbk_sbuf_printf(b, "  %s%2d. %s%s  %s:%d", C(t, BOLD), s->index + 1, s->name, C(t, RESET),
                    rbk_outline_file(o, s->file), s->line);
    rbk_sbuf_adds(b, "  worst ");
    rbk_ostep_worst_text(b, s);
    rbk_sbuf_addc(b, '\n');
    if (s->per_item) { /* docs/fleet.md: one instance per item, in batches */
        rbk_sbuf_adds(b, "      ");
        rbk_ostep_per_item_text(b, s);
        rbk_sbuf_addc(b, '\n');
    }
    if (s->cond) rbk_sbuf_printf(b, "      runs only if %s\n", s->cond);
    if (s->timeout_ms || s->retries) {
        rbk_sbuf_adds(b, s->per_item ? "      each instance: " : "      ");
        if (s->timeout_ms) { rbk_sbuf_adds(b, "timeout "); dur(b, s->timeout_ms); rbk_sbuf_adds(b, s->retries ? ", " : ""); }
        if (s->retries) {
            rbk_sbuf_printf(b, "retry %d", s->retries);
            if (s->retry_every_ms) { rbk_sbuf_adds(b, " every "); dur(b, s->retry_every_ms); }
        }
        rbk_sbuf_addc(b, '\n');
    }
    int n = text_effects(t, &s->cond_items, "      ");
    n += text_effects(t, &s->body, "      ");
    int checks[3] = {0, 0, 0};
    rbk_oitems_flatten(&s->body, NULL, count_checks, checks);
    if (!n) rbk_sbuf_adds(b, "      no external effects\n");
    if (checks[0] || checks[1] || checks[2]) {
        rbk_sbuf_printf(b, "      checks: %d expect, %d stop-if", checks[0], checks[1]);
        if (checks[2]) rbk_sbuf_printf(b, ", %d fail", checks[2]);
        rbk_sbuf_addc(b, '\n');
    }
    if (s->nothing_to_undo) {
        rbk_sbuf_adds(b, "      rollback: nothing to undo (an empty rollback block)\n");
    } else if (s->has_rollback) {
        rbk_sbuf_adds(b, s->per_item ? "      rollback of each instance that ran, last ended first (" : "      rollback (");
        if (s->rollback_timeout_ms) { rbk_sbuf_adds(b, "timeout "); dur(b, s->rollback_timeout_ms); rbk_sbuf_adds(b, ", "); }
        rbk_sbuf_adds(b, "worst ");
        rbk_ostep_rollback_worst_text(b, s);
        rbk_sbuf_adds(b, "):\n");
        if (!text_effects(t, &s->rollback, "        ")) rbk_sbuf_adds(b, "        no external effects\n");
    }
    if (s->irreversible)
        rbk_sbuf_printf(b, "      %sIRREVERSIBLE%s: %s\n", C(t, RED), C(t, RESET), s->why && *s->why ? s->why : "(no reason given)");
    if (s->index == o->point_of_no_return)
        rbk_sbuf_printf(b, "      %s>> POINT OF NO RETURN%s: once this step has run, the steps before it cannot be rolled back\n",
                        C(t, RED), C(t, RESET));
    rbk_sbuf_addc(b, '\n');
}

static void text_rollback(tx *t) {
    const rbk_outline *o = t->o;
    rbk_sbuf *b = &t->out;
    rbk_sbuf_printf(b, "%sRollback order%s (after a failure: the failed step's rollback block, then each completed step's, last first)\n",
                    C(t, BOLD), C(t, RESET));
    if (!o->nsteps) rbk_sbuf_adds(b, "  no steps\n");
    for (int i = o->nsteps - 1; i >= 0; i--) {
        const rbk_ostep *s = &o->steps[i];
        int writes = 0, gates = 0;
        rbk_oitems_flags(&s->body, &writes, &gates);
        rbk_sbuf_printf(b, "  %2d. %s", s->index + 1, s->name);
        if (s->irreversible) {
            rbk_sbuf_printf(b, "  %sIRREVERSIBLE: the rollback stops here once this step has run%s\n", C(t, RED), C(t, RESET));
            continue;
        }
        if (s->nothing_to_undo) {
            rbk_sbuf_adds(b, "  nothing to undo (an empty rollback block)\n");
            continue;
        }
        if (s->has_rollback) {
            rbk_sbuf_adds(b, s->per_item ? "  rollback block of each instance that ran, worst " : "  rollback block, worst ");
            rbk_ostep_rollback_worst_text(b, s);
            rbk_sbuf_addc(b, '\n');
            continue;
        }
        if (writes) rbk_sbuf_printf(b, "  %sno rollback block, although the step changes things%s\n", C(t, YELLOW), C(t, RESET));
        else rbk_sbuf_adds(b, "  no rollback block (nothing it does needs undoing)\n");
    }
    rbk_sbuf_adds(b, "  point of no return: ");
    if (o->point_of_no_return >= 0) {
        const rbk_ostep *s = &o->steps[o->point_of_no_return];
        rbk_sbuf_printf(b, "%sstep %d \"%s\"%s", C(t, RED), s->index + 1, s->name, C(t, RESET));
        if (s->cond) rbk_sbuf_printf(b, " (when it runs: if %s)", s->cond);
        rbk_sbuf_printf(b, " — %s\n", s->why && *s->why ? s->why : "irreversible");
    } else {
        rbk_sbuf_adds(b, "none (no step is irreversible)\n");
    }
    rbk_sbuf_addc(b, '\n');
}

static void cell(rbk_sbuf *b, int64_t ms, const char *why) {
    rbk_sbuf c = RBK_SBUF_INIT;
    if (why) rbk_sbuf_adds(&c, "unbounded");
    else dur(&c, ms);
    rbk_sbuf_printf(b, "  %10s", c.data);
    rbk_sbuf_free(&c);
}
/* rb: the rollback column (NULL: empty; dash: the step has no rollback block) */
static void cost_row(tx *t, const char *label, const rbk_cost *c, const rbk_cost *rb, int dash, int w) {
    rbk_sbuf *b = &t->out;
    rbk_sbuf_printf(b, "  %-*s", w, label);
    cell(b, c->machine_ms, c->machine_why);
    cell(b, c->operator_ms, c->operator_why);
    cell(b, rbk_cost_total(c), c->machine_why ? c->machine_why : c->operator_why);
    if (rb) cell(b, rbk_cost_total(rb), rb->machine_why ? rb->machine_why : rb->operator_why);
    else if (dash) rbk_sbuf_printf(b, "  %10s", "-");
    rbk_sbuf_addc(b, '\n');
}
static void text_worst(tx *t) {
    const rbk_outline *o = t->o;
    rbk_sbuf *b = &t->out;
    int w = 28; /* "run, then the full rollback" */
    for (int i = 0; i < o->nsteps; i++)
        if ((int)strlen(o->steps[i].name) + 4 > w) w = (int)strlen(o->steps[i].name) + 4;
    if (w > 48) w = 48;
    rbk_sbuf_printf(b, "%sWorst-case duration%s\n", C(t, BOLD), C(t, RESET));
    rbk_sbuf_printf(b, "  %-*s  %10s  %10s  %10s  %10s\n", w, "", "machine", "operator", "total", "rollback");
    for (int i = 0; i < o->nseq; i++) {
        rbk_sbuf label = RBK_SBUF_INIT;
        if (o->seq[i].is_step) {
            const rbk_ostep *s = &o->steps[o->seq[i].index];
            rbk_sbuf_printf(&label, "%2d. %.*s", s->index + 1, w - 4, s->name);
            cost_row(t, label.data, &s->worst, s->has_rollback ? &s->rollback_worst : NULL, 1, w);
        } else {
            const rbk_ocode *k = &o->code[o->seq[i].index];
            if (rbk_cost_total(&k->cost) || !rbk_cost_bounded(&k->cost)) {
                if (k->module_init) rbk_sbuf_printf(&label, "module %s", k->label);
                else rbk_sbuf_printf(&label, "top-level code, line %d", k->line);
                cost_row(t, label.data, &k->cost, NULL, 0, w);
            }
        }
        rbk_sbuf_free(&label);
    }
    rbk_sbuf_printf(b, "  %-*s  %10s  %10s  %10s  %10s\n", w, "", "----------", "----------", "----------", "----------");
    cost_row(t, "run", &o->run, &o->rollback, 0, w);
    rbk_cost both = {0, 0, NULL, NULL};
    both.machine_ms = o->run.machine_ms + o->rollback.machine_ms;
    both.operator_ms = o->run.operator_ms + o->rollback.operator_ms;
    both.machine_why = o->run.machine_why ? o->run.machine_why : o->rollback.machine_why;
    both.operator_why = o->run.operator_why ? o->run.operator_why : o->rollback.operator_why;
    cost_row(t, "run, then the full rollback", &both, NULL, 0, w);
    rbk_sbuf_adds(b, "  rules: a step's timeout caps each attempt's machine time; retry N runs up to N+1 attempts with\n"
                     "  `every` between them; within/watch count their window plus one more evaluation; operator\n"
                     "  time is the gates' answer timeouts (confirm: 30m unless `timeout:`, ask: 30m; --yes answers at once)\n");
    if (o->nassumptions) {
        rbk_sbuf_adds(b, "  assuming:\n");
        for (int i = 0; i < o->nassumptions; i++) rbk_sbuf_printf(b, "    - %s\n", o->assumptions[i]);
    }
    if (o->nunbounded) {
        rbk_sbuf_printf(b, "  %snot bounded%s:\n", C(t, YELLOW), C(t, RESET));
        for (int i = 0; i < o->nunbounded; i++) rbk_sbuf_printf(b, "    - %s\n", o->unbounded[i]);
    }
}

static void plan_text(const rbk_outline *o, int color, const int64_t *group_hosts) {
    tx t = {RBK_SBUF_INIT, color, o, "", 0, group_hosts};
    text_header(&t);
    text_decls(&t);
    rbk_sbuf_printf(&t.out, "%sSequence%s (in order; top-level code runs between the steps)\n", C(&t, BOLD), C(&t, RESET));
    const char *section = NULL;
    for (int i = 0; i < o->nseq; i++) {
        if (o->seq[i].is_step) text_step(&t, &o->steps[o->seq[i].index], &section);
        else text_code(&t, &o->code[o->seq[i].index]);
    }
    text_rollback(&t);
    text_worst(&t);
    fputs(rbk_sbuf_cstr(&t.out), stdout);
    rbk_sbuf_free(&t.out);
}

/* ------------------------------------------------------------------ JSON */
/* Two-space indented, one value per line (support/jsonw.h): a plan diffs line by line in CI. */
typedef struct js {
    rbk_jw *w;
    const rbk_outline *o;
    int first;
    const int64_t *group_hosts;
} js;

static void jms(rbk_jw *w, const char *k, int64_t ms, const char *why) {
    if (why) rbk_jw_null(w, k);
    else rbk_jw_int(w, k, ms);
}
static void jcost(rbk_jw *w, const char *k, const rbk_cost *c) {
    rbk_jw_open(w, k, '{');
    jms(w, "machine_ms", c->machine_ms, c->machine_why);
    jms(w, "operator_ms", c->operator_ms, c->operator_why);
    jms(w, "total_ms", rbk_cost_total(c), c->machine_why ? c->machine_why : c->operator_why);
    rbk_jw_open(w, "unbounded", '[');
    if (c->machine_why) rbk_jw_str(w, NULL, c->machine_why);
    if (c->operator_why) rbk_jw_str(w, NULL, c->operator_why);
    rbk_jw_close(w, ']');
    rbk_jw_close(w, '}');
}
/* The keys every effect, check and gate ends with (where it is in the source), and the close. */
static void json_item_end(js *j, const rbk_oitem *it) {
    rbk_jw *w = j->w;
    if (it->via) rbk_jw_str(w, "via", it->via);
    rbk_jw_str(w, "file", rbk_outline_file(j->o, it->file));
    rbk_jw_int(w, "line", it->line);
    rbk_jw_close(w, '}');
}
static void json_effect(void *ctx, const rbk_oitem *it, const char *when) {
    js *j = ctx;
    if (!is_effect(it)) return;
    rbk_jw *w = j->w;
    rbk_jw_open(w, NULL, '{');
    rbk_jw_str(w, "class", rbk_oitem_class(it));
    rbk_jw_str(w, "builtin", it->builtin);
    if (it->verb) rbk_jw_str(w, "method", it->verb);
    rbk_jw_str(w, "text", it->text);
    rbk_jw_bool(w, "literal", it->literal);
    if (it->options) rbk_jw_str(w, "options", it->options);
    if (it->note) rbk_jw_str(w, "note", it->note);
    if (it->tmo_kind != RBK_TMO_NONE) {
        rbk_jw_str(w, "timeout", it->tmo_kind == RBK_TMO_EXPLICIT ? "explicit" : it->tmo_kind == RBK_TMO_DEFAULT ? "default" : "unknown");
        jms(w, "timeout_ms", it->timeout_ms, it->tmo_kind == RBK_TMO_UNKNOWN ? "?" : NULL);
    }
    if (when) rbk_jw_str(w, "when", when);
    if (it->repeat) rbk_jw_str(w, "repeat", it->repeat);
    json_item_end(j, it);
}
static void json_check(void *ctx, const rbk_oitem *it, const char *when) {
    js *j = ctx;
    if (!is_check(it)) return;
    rbk_jw *w = j->w;
    rbk_jw_open(w, NULL, '{');
    rbk_jw_str(w, "kind", rbk_oitem_class(it));
    if (it->text) rbk_jw_str(w, "text", it->text);
    if (it->message) rbk_jw_str(w, "message", it->message);
    if (it->window) rbk_jw_str(w, "window", it->window);
    if (when) rbk_jw_str(w, "when", when);
    json_item_end(j, it);
}
static void json_list(js *j, const char *key, const rbk_oitems *l, rbk_oleaf_fn fn) {
    rbk_jw_open(j->w, key, '[');
    rbk_oitems_flatten(l, NULL, fn, j);
    rbk_jw_close(j->w, ']');
}
static void json_effects2(js *j, const char *key, const rbk_oitems *a, const rbk_oitems *c) {
    rbk_jw_open(j->w, key, '[');
    rbk_oitems_flatten(a, NULL, json_effect, j);
    rbk_oitems_flatten(c, NULL, json_effect, j);
    rbk_jw_close(j->w, ']');
}

static void json_step(js *j, const rbk_ostep *s) {
    rbk_jw *w = j->w;
    rbk_jw_open(w, NULL, '{');
    rbk_jw_str(w, "kind", "step");
    rbk_jw_int(w, "number", s->index + 1);
    rbk_jw_str(w, "name", s->name);
    rbk_jw_str(w, "section", s->section);
    rbk_jw_str(w, "file", rbk_outline_file(j->o, s->file));
    rbk_jw_int(w, "line", s->line);
    rbk_jw_str(w, "description", s->description);
    rbk_jw_str(w, "if", s->cond);
    jms(w, "timeout_ms", s->timeout_ms, s->timeout_ms ? NULL : "none");
    rbk_jw_int(w, "retries", s->retries);
    rbk_jw_int(w, "retry_every_ms", s->retry_every_ms);
    rbk_jw_str(w, "irreversible", s->irreversible ? (s->why ? s->why : "") : NULL);
    rbk_jw_bool(w, "has_rollback", s->has_rollback);
    json_effects2(j, "effects", &s->cond_items, &s->body);
    json_list(j, "checks", &s->body, json_check);
    json_list(j, "rollback_effects", &s->rollback, json_effect);
    jcost(w, "worst", &s->worst);
    jcost(w, "rollback_worst", &s->rollback_worst);
    if (s->per_item) { /* docs/fleet.md: only on a per-item step */
        rbk_jw_open(w, "per_item", '{');
        rbk_jw_str(w, "var", s->var);
        rbk_jw_str(w, "list", s->list);
        jms(w, "items", s->items, s->items < 0 ? "?" : NULL);
        rbk_jw_int(w, "serial", s->serial);
        rbk_jw_bool(w, "serial_percent", s->serial_pct);
        rbk_jw_int(w, "max_fail", s->max_fail);
        rbk_jw_bool(w, "max_fail_percent", s->max_fail_pct);
        jms(w, "batches", s->batches, s->batches < 0 ? "?" : NULL);
        jcost(w, "instance_worst", &s->instance_worst);
        jcost(w, "instance_rollback_worst", &s->instance_rollback_worst);
        rbk_jw_close(w, '}');
    }
    if (s->has_rollback) { /* the rollback block's bound: its own `rollback timeout D`, else the step's */
        int64_t rt = s->rollback_timeout_ms ? s->rollback_timeout_ms : s->timeout_ms;
        jms(w, "rollback_timeout_ms", rt, rt ? NULL : "none");
    }
    rbk_jw_close(w, '}');
}
static void json_code(js *j, const rbk_ocode *k) {
    rbk_jw *w = j->w;
    rbk_jw_open(w, NULL, '{');
    rbk_jw_str(w, "kind", k->module_init ? "module" : "code");
    if (k->module_init) rbk_jw_str(w, "module", k->label);
    rbk_jw_str(w, "file", rbk_outline_file(j->o, k->file));
    rbk_jw_int(w, "line", k->line);
    rbk_jw_int(w, "last_line", k->last_line);
    if (k->before_step >= 0) rbk_jw_int(w, "before_step", k->before_step + 1);
    else rbk_jw_null(w, "before_step");
    json_list(j, "effects", &k->items, json_effect);
    jcost(w, "worst", &k->cost);
    rbk_jw_close(w, '}');
}
static void json_gate(void *ctx, const rbk_oitem *it, const char *when) {
    js *j = ctx;
    if (it->kind != RBK_OI_GATE) return;
    rbk_jw *w = j->w;
    rbk_jw_open(w, NULL, '{');
    if (j->first >= 0) rbk_jw_int(w, "step", j->first + 1);
    else rbk_jw_null(w, "step");
    rbk_jw_str(w, "builtin", it->builtin);
    rbk_jw_str(w, "text", it->text);
    rbk_jw_bool(w, "literal", it->literal);
    jms(w, "timeout_ms", it->timeout_ms, it->tmo_kind == RBK_TMO_UNKNOWN ? "?" : NULL);
    if (when) rbk_jw_str(w, "when", when);
    json_item_end(j, it);
}

/* {KEY: name, line, description}: a hosts group or a run lock */
static void jw_named(rbk_jw *w, const char *key, const rbk_oenv *e, const int64_t *count) {
    rbk_jw_open(w, NULL, '{');
    rbk_jw_str(w, key, e->name);
    if (count && *count >= 0) rbk_jw_int(w, "inventory_hosts", *count); /* runbook plan --inventory */
    else if (count) rbk_jw_null(w, "inventory_hosts");
    rbk_jw_int(w, "line", e->line);
    rbk_jw_str(w, "description", e->description);
    rbk_jw_close(w, '}');
}

static void json_decls(js *j) {
    const rbk_outline *o = j->o;
    rbk_jw *w = j->w;
    rbk_jw_open(w, "sources", '[');
    for (int i = 0; i < o->c->sources->n; i++) {
        const rbk_source *s = o->c->sources->items[i];
        char hex[65];
        rbk_sha256_hex(s->text, s->len, hex);
        rbk_jw_open(w, NULL, '{');
        rbk_jw_str(w, "path", s->path);
        rbk_jw_str(w, "sha256", hex);
        rbk_jw_close(w, '}');
    }
    rbk_jw_close(w, ']');
    rbk_jw_open(w, "env", '[');
    int nhosts = 0;
    for (int i = 0; i < o->nenvs; i++) {
        if (o->envs[i].hosts && ++nhosts) continue;
        rbk_jw_open(w, NULL, '{');
        rbk_jw_str(w, "name", o->envs[i].name);
        rbk_jw_bool(w, "secret", o->envs[i].secret);
        rbk_jw_bool(w, "optional", o->envs[i].optional);
        rbk_jw_int(w, "line", o->envs[i].line);
        rbk_jw_str(w, "description", o->envs[i].description);
        rbk_jw_close(w, '}');
    }
    rbk_jw_close(w, ']');
    if (nhosts) { /* docs/fleet.md: only when the runbook declares groups */
        rbk_jw_open(w, "hosts", '[');
        for (int i = 0; i < o->nenvs; i++)
            if (o->envs[i].hosts) jw_named(w, "group", &o->envs[i], j->group_hosts ? &j->group_hosts[i] : NULL);
        rbk_jw_close(w, ']');
    }
    if (o->nlocks) { /* docs/state.md: only when the runbook declares locks */
        rbk_jw_open(w, "locks", '[');
        for (int i = 0; i < o->nlocks; i++) jw_named(w, "name", &o->locks[i], NULL);
        rbk_jw_close(w, ']');
    }
    rbk_jw_open(w, "params", '[');
    for (int i = 0; i < o->nparams; i++) {
        rbk_jw_open(w, NULL, '{');
        rbk_jw_str(w, "name", o->params[i].name);
        rbk_jw_str(w, "type", o->params[i].type);
        rbk_jw_str(w, "default", o->params[i].deflt);
        rbk_jw_bool(w, "required", !o->params[i].deflt);
        rbk_jw_bool(w, "secret", o->params[i].secret);
        rbk_jw_int(w, "line", o->params[i].line);
        rbk_jw_str(w, "description", o->params[i].description);
        rbk_jw_close(w, '}');
    }
    rbk_jw_close(w, ']');
}

static void json_tail(js *j) {
    const rbk_outline *o = j->o;
    rbk_jw *w = j->w;
    rbk_jw_open(w, "sections", '[');
    for (int i = 0; i < o->nsections; i++) {
        const rbk_osection *s = &o->sections[i];
        rbk_jw_open(w, NULL, '{');
        rbk_jw_str(w, "title", s->title);
        rbk_jw_str(w, "description", s->description);
        rbk_jw_int(w, "line", s->line);
        rbk_jw_open(w, "steps", '[');
        for (int k = 0; k < s->nsteps; k++) rbk_jw_int(w, NULL, s->first_step + k + 1);
        rbk_jw_close(w, ']');
        rbk_jw_close(w, '}');
    }
    rbk_jw_close(w, ']');
    rbk_jw_open(w, "gates", '[');
    for (int i = 0; i < o->nseq; i++) {
        if (!o->seq[i].is_step) continue;
        const rbk_ostep *s = &o->steps[o->seq[i].index];
        j->first = s->index;
        rbk_oitems_flatten(&s->cond_items, NULL, json_gate, j);
        rbk_oitems_flatten(&s->body, NULL, json_gate, j);
        rbk_oitems_flatten(&s->rollback, "rollback", json_gate, j);
    }
    rbk_jw_close(w, ']');
    rbk_jw_open(w, "rollback_order", '[');
    for (int i = o->nsteps - 1; i >= 0; i--) {
        const rbk_ostep *s = &o->steps[i];
        int writes = 0, gates = 0;
        rbk_oitems_flags(&s->body, &writes, &gates);
        rbk_jw_open(w, NULL, '{');
        rbk_jw_int(w, "step", s->index + 1);
        rbk_jw_str(w, "name", s->name);
        rbk_jw_str(w, "action", s->irreversible ? "stop" : s->has_rollback ? "rollback" : "none");
        rbk_jw_bool(w, "changes_without_rollback", !s->irreversible && !s->has_rollback && writes);
        rbk_jw_close(w, '}');
    }
    rbk_jw_close(w, ']');
    if (o->point_of_no_return >= 0) {
        const rbk_ostep *s = &o->steps[o->point_of_no_return];
        rbk_jw_open(w, "point_of_no_return", '{');
        rbk_jw_int(w, "step", s->index + 1);
        rbk_jw_str(w, "name", s->name);
        rbk_jw_str(w, "why", s->why ? s->why : "");
        rbk_jw_str(w, "if", s->cond);
        rbk_jw_close(w, '}');
    } else {
        rbk_jw_null(w, "point_of_no_return");
    }
    rbk_jw_open(w, "worst_case", '{');
    jcost(w, "run", &o->run);
    jcost(w, "rollback", &o->rollback);
    rbk_jw_int(w, "default_call_timeout_ms", o->default_timeout_ms);
    rbk_jw_open(w, "assumptions", '[');
    for (int i = 0; i < o->nassumptions; i++) rbk_jw_str(w, NULL, o->assumptions[i]);
    rbk_jw_close(w, ']');
    rbk_jw_open(w, "unbounded", '[');
    for (int i = 0; i < o->nunbounded; i++) rbk_jw_str(w, NULL, o->unbounded[i]);
    rbk_jw_close(w, ']');
    rbk_jw_close(w, '}');
}

static void plan_json(const rbk_outline *o, const int64_t *group_hosts) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_jw w;
    rbk_jw_init(&w, &b, 1, rbk_sbuf_add_json_str);
    js j = {&w, o, 0, group_hosts};
    rbk_jw_open(&w, NULL, '{');
    rbk_jw_int(&w, "plan_format", 1);
    rbk_jw_str(&w, "title", o->title);
    rbk_jw_str(&w, "file", o->path);
    rbk_jw_str(&w, "artifact_sha256", o->artifact_sha256);
    json_decls(&j);
    rbk_jw_open(&w, "sequence", '[');
    for (int i = 0; i < o->nseq; i++) {
        if (o->seq[i].is_step) json_step(&j, &o->steps[o->seq[i].index]);
        else json_code(&j, &o->code[o->seq[i].index]);
    }
    rbk_jw_close(&w, ']');
    json_tail(&j);
    rbk_jw_close(&w, '}');
    rbk_sbuf_addc(&b, '\n');
    fputs(rbk_sbuf_cstr(&b), stdout);
    rbk_sbuf_free(&b);
}

/* --inventory (docs/fleet.md, read as `run` reads it): how many hosts each declared group has
 * (-1: not in the inventory), and so the length of a per-item step's list `hosts.G`. */
static int count_groups(rbk_cli_opts *opts, rbk_outline *o, int64_t **out) {
    rbk_inventory inv = RBK_INVENTORY_INIT;
    rbk_sbuf err = RBK_SBUF_INIT;
    int bad = 0;
    for (int i = 0; i < opts->ninventories && !bad; i++) bad = rbk_inv_load(&inv, opts->inventories[i], &err) != 0;
    if (!bad) bad = rbk_inv_resolve(&inv, &err) != 0;
    if (bad) {
        fprintf(stderr, "runbook plan: --inventory: %s\n", rbk_sbuf_cstr(&err));
        rbk_inv_free(&inv);
        rbk_sbuf_free(&err);
        return EXIT_USAGE;
    }
    int64_t *n = rbk_xcalloc((size_t)o->nenvs + 1, sizeof *n);
    for (int i = 0; i < o->nenvs; i++) {
        const rbk_inv_group *g = o->envs[i].hosts ? rbk_inv_find_group(&inv, o->envs[i].name) : NULL;
        n[i] = g ? (int64_t)g->nall_hosts : -1;
    }
    for (int i = 0; i < o->nsteps; i++)
        if (o->steps[i].per_item && o->steps[i].list_group >= 0 && n[o->steps[i].list_group] >= 0)
            rbk_outline_set_items(o, i, n[o->steps[i].list_group]);
    rbk_inv_free(&inv);
    rbk_sbuf_free(&err);
    *out = n;
    return 0;
}

int rbk_cmd_plan(rbk_cli_opts *opts) {
    if (opts->nfiles != 1) { fputs("runbook plan: give one FILE.rb or FILE.rbc\n", stderr); return EXIT_USAGE; }
    if (opts->format != RBK_FMT_TEXT && opts->format != RBK_FMT_JSON) {
        fputs("runbook plan: --format is text or json\n", stderr);
        return EXIT_USAGE;
    }
    rbk_outline o;
    int rc = rbk_cli_outline(opts->files[0], "plan", opts->run.default_timeout_ms, &o);
    if (rc) return rc;
    int64_t *group_hosts = NULL;
    if (opts->ninventories && (rc = count_groups(opts, &o, &group_hosts))) {
        rbk_outline_free(&o);
        return rc;
    }
    if (opts->format == RBK_FMT_JSON) plan_json(&o, group_hosts);
    else plan_text(&o, isatty(1) && !getenv("NO_COLOR"), group_hosts);
    free(group_hosts);
    rbk_outline_free(&o);
    return 0;
}

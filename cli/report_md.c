/* cli/report_md.c — the Markdown evidence report (docs/reports.md): a go/no-go document for a
 * reviewer, rendered from the finished model (cli/report_int.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../support/clock.h"
#include "../vm/value.h"
#include "markdown.h"
#include "report_int.h"

/* Text from the run reads literally in a paragraph or a table cell (cli/markdown.h): every
 * Markdown punctuation character is escaped; a newline is <br> in a cell, a space elsewhere. */
static void md_esc(rbk_sbuf *b, const char *s, int cell) { rbk_md_text(b, s, RBK_MD_ALL_PUNCT | (cell ? RBK_MD_CELL : 0)); }

/* A code span; multi-line text in a cell is escaped text (single-line elsewhere: a block is
 * md_code_or_block's). */
static void md_code(rbk_sbuf *b, const char *s, int cell) { rbk_md_code(b, s, RBK_MD_ALL_PUNCT | (cell ? RBK_MD_CELL : 0)); }

/* A fenced block, and the blank line after it. */
static void md_fence(rbk_sbuf *b, const char *s) {
    rbk_md_fence(b, 0, "", s);
    rbk_sbuf_addc(b, '\n');
}

/* " `text`" for a single line; multi-line text goes to a fenced block in `block`, shown
 * after the line. */
static void md_code_or_block(rbk_sbuf *b, const char *s, rbk_sbuf *block) {
    if (strchr(s, '\n')) { md_fence(block, s); return; }
    rbk_sbuf_addc(b, ' ');
    md_code(b, s, 0);
}

static void md_status(rbk_sbuf *b, const char *st) {
    if (!strcmp(st, "ok") || !strcmp(st, "passed") || !strcmp(st, "clear") || !strcmp(st, "skipped") || !strcmp(st, "not run") ||
        !strcmp(st, "none"))
        rbk_sbuf_adds(b, st);
    else {
        rbk_sbuf_adds(b, "**");
        for (const char *p = st; *p; p++) rbk_sbuf_addc(b, *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p == '-' ? ' ' : *p);
        rbk_sbuf_adds(b, "**");
    }
}

static void md_values(rbk_sbuf *b, const rp_item *it) {
    if (!it->nvalues) return;
    rbk_md_table_head(b, "Expression|Value", "");
    for (int i = 0; i < it->nvalues; i++) {
        rbk_sbuf_adds(b, "| ");
        md_code(b, it->values[i].expr, 1);
        rbk_sbuf_adds(b, " | ");
        if (it->values[i].error) { rbk_sbuf_adds(b, "*error:* "); md_code(b, it->values[i].error, 1); }
        else if (it->values[i].value) md_code(b, it->values[i].value, 1);
        else rbk_sbuf_adds(b, "*(not evaluated)*");
        rbk_sbuf_adds(b, " |\n");
    }
    rbk_sbuf_addc(b, '\n');
}

static void md_stream(rbk_sbuf *b, const char *name, const rp_text *t) {
    if (!t->s) return;
    rbk_sbuf_printf(b, "%s (%zu byte%s", name, t->bytes, t->bytes == 1 ? "" : "s");
    if (t->cut) rbk_sbuf_printf(b, ", %zu cut from the middle", t->cut);
    rbk_sbuf_adds(b, "):\n\n");
    md_fence(b, t->s);
}

static void md_item(rbk_sbuf *b, const rp_item *it) {
    rbk_sbuf block = RBK_SBUF_INIT;
    switch (it->kind) {
    case RP_EXPECT:
    case RP_STOP_IF:
        rbk_sbuf_printf(b, "**%s**", rp_kind_word(it));
        md_code_or_block(b, it->source, &block);
        rbk_sbuf_adds(b, " — ");
        md_status(b, it->status);
        if (it->file) rbk_sbuf_printf(b, " at `%s:%d:%d`", it->file, it->line, it->col);
        if (it->count > 1) rbk_sbuf_printf(b, "; evaluated %d times, the values are from the last", it->count);
        if (it->text) { rbk_sbuf_adds(b, "  \nMessage: "); md_esc(b, it->text, 0); }
        rbk_sbuf_adds(b, "\n\n");
        rbk_sbuf_add(b, rbk_sbuf_cstr(&block), block.len);
        md_values(b, it);
        break;
    case RP_EFFECT:
        rbk_sbuf_printf(b, "**%s**", !strcmp(it->effect, "dry-run") ? "would run" : it->effect);
        md_code_or_block(b, it->target, &block);
        rbk_sbuf_adds(b, " — ");
        rp_item_summary(b, it);
        rbk_sbuf_adds(b, "\n\n");
        rbk_sbuf_add(b, rbk_sbuf_cstr(&block), block.len);
        md_stream(b, "stdout", &it->out);
        md_stream(b, "stderr", &it->err);
        break;
    case RP_ERROR: {
        rbk_sbuf_printf(b, "**%s**", rp_error_word(it));
        if (!strcmp(rp_error_word(it), "error")) { rbk_sbuf_adds(b, " ("); md_esc(b, it->status, 0); rbk_sbuf_adds(b, ")"); }
        if (it->file) rbk_sbuf_printf(b, " at `%s:%d:%d`", it->file, it->line, it->col);
        rbk_sbuf_adds(b, ":\n\n");
        rbk_sbuf t = RBK_SBUF_INIT;
        rbk_sbuf_printf(&t, "%s\n", it->text ? it->text : "");
        rp_add_caret(&t, it, "");
        md_fence(b, rbk_sbuf_cstr(&t));
        rbk_sbuf_free(&t);
        break;
    }
    case RP_GATE:
        rbk_sbuf_adds(b, "**gate** ");
        md_esc(b, it->text ? it->text : "", 0);
        rbk_sbuf_adds(b, " — **");
        md_esc(b, it->answer, 0);
        rbk_sbuf_adds(b, "**, by ");
        md_esc(b, it->who, 0);
        rbk_sbuf_adds(b, " at ");
        rp_add_time(b, it->wall_ms);
        if (it->asked_ms) { rbk_sbuf_adds(b, " (asked at "); rp_add_time(b, it->asked_ms); rbk_sbuf_addc(b, ')'); }
        rbk_sbuf_adds(b, "\n\n");
        break;
    case RP_RETRY:
        rbk_sbuf_printf(b, "#### Attempt %d\n\nThe last attempt failed: ", it->attempt);
        md_esc(b, it->text ? it->text : "?", 0);
        rbk_sbuf_adds(b, "\n\n");
        break;
    case RP_WAIT:
        rbk_sbuf_adds(b, "**wait** ");
        rp_add_dur(b, it->duration_ms);
        if (it->text) { rbk_sbuf_adds(b, " — "); md_esc(b, it->text, 0); }
        rbk_sbuf_adds(b, "\n\n");
        break;
    default: /* log, note */
        rbk_sbuf_printf(b, "**%s**", rp_kind_word(it));
        if (it->text && strchr(it->text, '\n')) { rbk_sbuf_adds(b, "\n\n"); md_fence(b, it->text); break; }
        rbk_sbuf_addc(b, ' ');
        md_esc(b, it->text ? it->text : "", 0);
        rbk_sbuf_adds(b, "\n\n");
        break;
    }
    rbk_sbuf_free(&block);
}

/* The items [from, to) of a step (heading level 4 for its attempts) or of an instance (level 5). */
static void md_items(rbk_sbuf *b, const rp_list *l, int from, int to, int attempts, int level) {
    if (attempts > 1 && from == 0) rbk_sbuf_printf(b, "%.*s Attempt 1\n\n", level, "#####");
    for (int i = from; i < to && i < l->n; i++) {
        if (l->v[i].kind == RP_RETRY && level > 4) rbk_sbuf_adds(b, "#"); /* "##### Attempt N" */
        md_item(b, &l->v[i]);
    }
}
static void md_list(rbk_sbuf *b, const rp_list *l, int attempts, int level) {
    md_items(b, l, 0, l->n, attempts, level);
    if (l->dropped) rbk_sbuf_printf(b, "*%d more routine events (logs, passing checks, commands) were not kept.*\n\n", l->dropped);
}

static void md_header(rbk_sbuf *b, const rbk_report *r) {
    rbk_sbuf_adds(b, "# Run report: ");
    md_esc(b, r->title ? r->title : r->runbook, 0);
    rbk_sbuf_printf(b, "\n\n**%s** — ", rp_verdict(r));
    if (r->have_end) rbk_sbuf_printf(b, "exit %d (%s): ", r->code, rp_outcome(r));
    rbk_sbuf_printf(b, "%s.\n\n", rp_meaning(r));
    rbk_sbuf why = RBK_SBUF_INIT;
    if (rp_add_reason(&why, r)) {
        rbk_sbuf_adds(b, "Reason: ");
        md_esc(b, rbk_sbuf_cstr(&why), 0);
        rbk_sbuf_adds(b, "\n\n");
    }
    rbk_sbuf_free(&why);
    if (r->dry_run) rbk_sbuf_adds(b, "**DRY RUN**: reads ran for real; every write was shown, not done.\n\n");
    rbk_sbuf reh = RBK_SBUF_INIT;
    if (rp_add_rehearsal(&reh, r))
        rbk_sbuf_printf(b, "**REHEARSAL: %s** (`--time-scale %.10g`): every `wait`, `within` and `watch` window, `retry` pause and "
                           "gate timeout took that part of the time it states; step and call timeouts were real.\n\n",
                        rbk_sbuf_cstr(&reh), r->time_scale);
    rbk_sbuf_adds(b, "| | |\n|---|---|\n| Runbook | ");
    md_code(b, r->runbook, 1);
    rbk_sbuf_adds(b, " |\n| Title | ");
    md_esc(b, r->title ? r->title : "(none)", 1);
    rbk_sbuf_adds(b, " |\n| Started | ");
    if (r->have_start) rp_add_time(b, r->start_wall);
    rbk_sbuf_adds(b, " |\n| Ended | ");
    if (r->have_end) rp_add_time(b, r->end_wall);
    else rbk_sbuf_adds(b, "(no end recorded)");
    rbk_sbuf_adds(b, " |\n| Duration | ");
    if (r->have_end) rp_add_dur(b, r->duration_ms);
    rbk_sbuf_adds(b, " |\n| Run by | ");
    md_esc(b, r->user, 1);
    rbk_sbuf_adds(b, " |\n| Host | ");
    md_esc(b, r->host, 1);
    rbk_sbuf_printf(b, " |\n| Mode | %s%s%s |\n| Artifact sha256 | `%s` |\n", r->dry_run ? "dry run" : "live", reh.len ? ", rehearsal: " : "",
                    rbk_sbuf_cstr(&reh), r->artifact);
    rbk_sbuf_free(&reh);
    for (int i = 0; i < r->nsources; i++) {
        rbk_sbuf_adds(b, "| Source ");
        md_code(b, r->src_path[i], 1);
        rbk_sbuf_printf(b, " | sha256 `%s` |\n", r->src_sha[i]);
    }
    rbk_sbuf_addc(b, '\n');
}

static void md_summary(rbk_sbuf *b, const rbk_report *r) {
    rbk_sbuf_adds(b, "## Steps\n\n");
    rbk_md_table_head(b, "#|Section|Step|Status|Attempts|Duration", "r---rr");
    for (int i = 0; i < r->nsteps; i++) {
        const rp_step *s = &r->steps[i];
        rbk_sbuf_printf(b, "| %d | ", i + 1);
        md_esc(b, s->section ? s->section : "", 1);
        rbk_sbuf_adds(b, " | ");
        md_esc(b, s->name, 1);
        rbk_sbuf_adds(b, " | ");
        md_status(b, rp_step_status(s));
        if (s->status && s->reason && (!strcmp(s->status, "skipped") || !s->started)) { rbk_sbuf_adds(b, ": "); md_esc(b, s->reason, 1); }
        rbk_sbuf sum = RBK_SBUF_INIT;
        rp_add_instances_summary(&sum, r, i);
        if (sum.len) { rbk_sbuf_adds(b, " — "); md_esc(b, rbk_sbuf_cstr(&sum), 1); }
        rbk_sbuf_free(&sum);
        rbk_sbuf_printf(b, " | %d | ", s->attempts);
        if (s->status && s->started) rp_add_dur(b, s->duration_ms);
        else rbk_sbuf_adds(b, "—");
        rbk_sbuf_adds(b, " |\n");
        for (int k = 0; k < s->ninst; k++) { /* its instances, a row each: "2.1" */
            const rp_instance *in = &s->inst[k];
            rbk_sbuf_printf(b, "| %d.%d | ", i + 1, k + 1);
            md_esc(b, s->section ? s->section : "", 1);
            rbk_sbuf_adds(b, " | ");
            md_esc(b, in->name, 1);
            rbk_sbuf_adds(b, " | ");
            md_status(b, rp_instance_status(in));
            if (rp_instance_tolerated(s, in)) rbk_sbuf_printf(b, " (tolerated by max\\_fail %s)", s->max_fail);
            if (in->status && in->reason && (!strcmp(in->status, "skipped") || !in->started)) { rbk_sbuf_adds(b, ": "); md_esc(b, in->reason, 1); }
            rbk_sbuf_printf(b, " | %d | ", in->attempts);
            if (in->status && in->started) rp_add_dur(b, in->duration_ms);
            else rbk_sbuf_adds(b, "—");
            rbk_sbuf_adds(b, " |\n");
        }
    }
    rp_counts c = rp_count_steps(r);
    rbk_sbuf_printf(b, "\n%d step%s: %d ok, %d failed, %d stopped, %d skipped, %d interrupted, %d not run", r->nsteps,
                    r->nsteps == 1 ? "" : "s", c.ok, c.failed, c.stopped, c.skipped, c.interrupted, c.not_run);
    if (c.unfinished) rbk_sbuf_printf(b, ", %d unfinished", c.unfinished);
    rbk_sbuf_adds(b, ".\n\n");
    rp_icounts ic = rp_count_instances(r, -1);
    if (ic.per_item_steps) {
        rbk_sbuf_printf(b, "%d instance%s of %d per-item step%s: %d ok, %d failed", ic.total, ic.total == 1 ? "" : "s", ic.per_item_steps,
                        ic.per_item_steps == 1 ? "" : "s", ic.ok, ic.failed);
        if (ic.tolerated) rbk_sbuf_printf(b, " (%d tolerated by max\\_fail)", ic.tolerated);
        rbk_sbuf_printf(b, ", %d stopped, %d skipped, %d interrupted", ic.stopped, ic.skipped, ic.interrupted);
        if (ic.unfinished) rbk_sbuf_printf(b, ", %d unfinished", ic.unfinished);
        rbk_sbuf_adds(b, ".\n\n");
    }
    if (r->dry_run) /* the dry run's findings (docs/cli.md, "Dry runs") */
        rbk_sbuf_printf(b, "Dry run: %d check%s verified, %d unverified (%s on a write the dry run did not do), "
                           "%d already fail%s in today's world.\n\n", c.verified, c.verified == 1 ? "" : "s", c.unverified,
                        c.unverified == 1 ? "it may depend" : "they may depend", c.failing, c.failing == 1 ? "s" : "");
    else if (c.unverified)
        rbk_sbuf_printf(b, "%d check%s unverified: %s on a write the dry run did not do.\n\n", c.unverified,
                        c.unverified == 1 ? "" : "s", c.unverified == 1 ? "it depends" : "they depend");
}

/* An instance of a per-item step: "#### 2.1. NAME — status", its timing and outcome, its items,
 * and a line on its rollback (what the rollback did is under ## Rollback). */
static void md_instance(rbk_sbuf *b, const rbk_report *r, int i, int k) {
    const rp_step *s = &r->steps[i];
    const rp_instance *in = &s->inst[k];
    rbk_sbuf_printf(b, "#### %d.%d. ", i + 1, k + 1);
    md_esc(b, in->name, 0);
    rbk_sbuf_adds(b, " — ");
    md_status(b, rp_instance_status(in));
    rbk_sbuf_adds(b, "\n\n");
    if (in->started) {
        rbk_sbuf_adds(b, "Instance of step ");
        rbk_sbuf_printf(b, "%d. Started ", i + 1);
        rp_add_time(b, in->start_wall);
        if (in->status) { rbk_sbuf_adds(b, ", ended "); rp_add_time(b, in->end_wall); rbk_sbuf_adds(b, ", took "); rp_add_dur(b, in->duration_ms); }
        rbk_sbuf_printf(b, "; %d attempt%s.", in->attempts, in->attempts == 1 ? "" : "s");
    } else {
        rbk_sbuf_printf(b, "Instance of step %d; not run in this run.", i + 1);
    }
    if (in->reason && in->status && (strcmp(in->status, "ok") || !in->started)) {
        rbk_sbuf_adds(b, "  \n");
        rbk_sbuf_adds(b, !strcmp(in->status, "skipped") ? "Skipped: " : !in->started ? "Not run: " : "Outcome: ");
        md_esc(b, in->reason, 0);
    }
    if (rp_instance_tolerated(s, in)) rbk_sbuf_printf(b, "  \nTolerated by max\\_fail %s: the step went on.", s->max_fail);
    if (in->rollback >= 0) {
        const rp_rollback *rb = &r->rb[in->rollback];
        rbk_sbuf_adds(b, "  \nRollback: ");
        md_status(b, rb->status ? rb->status : "unfinished");
        if (rb->reason) { rbk_sbuf_adds(b, " — "); md_esc(b, rb->reason, 0); }
        if (rb->ran) rbk_sbuf_adds(b, " (under Rollback below)");
        rbk_sbuf_addc(b, '.');
    }
    rbk_sbuf_adds(b, "\n\n");
    md_list(b, &in->items, in->attempts, 5);
}

static void md_step(rbk_sbuf *b, const rbk_report *r, int i) {
    const rp_step *s = &r->steps[i];
    rbk_sbuf_printf(b, "### %d. ", i + 1);
    md_esc(b, s->name, 0);
    rbk_sbuf_adds(b, " — ");
    md_status(b, rp_step_status(s));
    rbk_sbuf_adds(b, "\n\n");
    if (s->section) { rbk_sbuf_adds(b, "Section: "); md_esc(b, s->section, 0); rbk_sbuf_adds(b, ".  \n"); }
    if (s->started) {
        rbk_sbuf_adds(b, "Started ");
        rp_add_time(b, s->start_wall);
        if (s->status) { rbk_sbuf_adds(b, ", ended "); rp_add_time(b, s->end_wall); rbk_sbuf_adds(b, ", took "); rp_add_dur(b, s->duration_ms); }
        rbk_sbuf_printf(b, "; %d attempt%s.", s->attempts, s->attempts == 1 ? "" : "s");
    } else if (!s->status) {
        rbk_sbuf_adds(b, "Never started: the run ended before this step.");
    }
    if (s->reason && s->status && (strcmp(s->status, "ok") || !s->started)) {
        rbk_sbuf_adds(b, s->started ? "  \n" : "");
        rbk_sbuf_adds(b, !strcmp(s->status, "skipped") ? "Skipped: " : !s->started ? "Not run in this run: " : "Outcome: ");
        md_esc(b, s->reason, 0);
    }
    rbk_sbuf_adds(b, "\n\n");
    rbk_sbuf sum = RBK_SBUF_INIT;
    rp_add_instances_summary(&sum, r, i);
    if (sum.len) { rbk_sbuf_adds(b, "Per-item step: "); md_esc(b, rbk_sbuf_cstr(&sum), 0); rbk_sbuf_adds(b, ".\n\n"); }
    rbk_sbuf_free(&sum);
    if (!s->ninst) { md_list(b, &s->items, s->attempts, 4); return; }
    /* a per-item step: its own items before its instances, the instances, then its items after them (its outcome) */
    md_items(b, &s->items, 0, s->inst_at, s->attempts, 4);
    for (int k = 0; k < s->ninst; k++) md_instance(b, r, i, k);
    if (s->inst_at < s->items.n) {
        rbk_sbuf_printf(b, "#### Step %d after its instances\n\n", i + 1);
        md_items(b, &s->items, s->inst_at, s->items.n, s->attempts, 4);
    }
    if (s->items.dropped) rbk_sbuf_printf(b, "*%d more routine events (logs, passing checks, commands) were not kept.*\n\n", s->items.dropped);
}

static void md_rollback(rbk_sbuf *b, const rbk_report *r) {
    rbk_sbuf_adds(b, "## Rollback\n\n");
    if (!r->nrb) {
        rbk_sbuf_adds(b, r->have_end && r->code == 1 ? "Nothing needed rolling back.\n\n" : "No rollback ran.\n\n");
        return;
    }
    rbk_sbuf_adds(b, "In the order it ran (newest step first):\n\n");
    rbk_md_table_head(b, "Order|#|Step|Rollback|Duration|Detail", "rr--r-");
    for (int k = 0; k < r->nrb; k++) {
        const rp_rollback *rb = &r->rb[k];
        if (rb->inst < 0) rbk_sbuf_printf(b, "| %d | %d | ", k + 1, rb->step + 1);
        else rbk_sbuf_printf(b, "| %d | %d.%d | ", k + 1, rb->step + 1, rb->inst + 1);
        md_esc(b, rb->inst < 0 ? r->steps[rb->step].name : r->steps[rb->step].inst[rb->inst].name, 1);
        rbk_sbuf_adds(b, " | ");
        md_status(b, rb->status ? rb->status : "unfinished");
        rbk_sbuf_adds(b, " | ");
        if (rb->ran && rb->status) rp_add_dur(b, rb->duration_ms);
        else rbk_sbuf_adds(b, "—");
        rbk_sbuf_adds(b, " | ");
        md_esc(b, rb->reason ? rb->reason : "", 1);
        rbk_sbuf_adds(b, " |\n");
    }
    rbk_sbuf_addc(b, '\n');
    for (int k = 0; k < r->nrb; k++) {
        const rp_rollback *rb = &r->rb[k];
        if (!rb->ran) continue;
        if (rb->inst < 0) rbk_sbuf_printf(b, "### Rollback of %d. ", rb->step + 1);
        else rbk_sbuf_printf(b, "### Rollback of %d.%d. ", rb->step + 1, rb->inst + 1);
        md_esc(b, rb->inst < 0 ? r->steps[rb->step].name : r->steps[rb->step].inst[rb->inst].name, 0);
        rbk_sbuf_adds(b, " — ");
        md_status(b, rb->status ? rb->status : "unfinished");
        rbk_sbuf_adds(b, "\n\nStarted ");
        rp_add_time(b, rb->start_wall);
        if (rb->status) { rbk_sbuf_adds(b, ", took "); rp_add_dur(b, rb->duration_ms); }
        rbk_sbuf_adds(b, ".");
        if (rb->inst < 0 && r->steps[rb->step].per_item) rbk_sbuf_adds(b, " It rolled back the step's instances, each below, newest first.");
        rbk_sbuf_adds(b, "\n\n");
        md_list(b, &rb->items, 1, 4);
    }
}

void rbk_report_md(rbk_sbuf *b, const rbk_report *r) {
    md_header(b, r);
    md_summary(b, r);
    for (int i = 0; i < r->nsteps; i++) md_step(b, r, i);
    if (r->outside.n || r->outside.dropped) {
        rbk_sbuf_adds(b, "## Outside the steps\n\nTop-level code and the failure policy:\n\n");
        md_list(b, &r->outside, 1, 4);
    }
    md_rollback(b, r);
    rbk_sbuf_adds(b, "## Point of no return\n\n");
    if (r->pnr >= 0) {
        rbk_sbuf_printf(b, "Step %d \"", r->pnr + 1);
        md_esc(b, r->steps[r->pnr].name, 0);
        rbk_sbuf_adds(b, "\" is irreversible");
        if (r->pnr_text && *r->pnr_text) { rbk_sbuf_adds(b, " ("); md_esc(b, r->pnr_text, 0); rbk_sbuf_addc(b, ')'); }
        rbk_sbuf_adds(b, "; it completed at ");
        rp_add_time(b, r->pnr_wall);
        rbk_sbuf_adds(b, ". No rollback can go back past it.\n\n");
    } else {
        rbk_sbuf_adds(b, "Not reached: no irreversible step completed.\n\n");
    }
    rbk_sbuf_printf(b, "---\n\nWritten by `runbook run` from the run's events. Secrets are masked (`***`); a text longer "
                       "than %d bytes keeps its head and tail; control characters are shown as symbols (␛).\n",
                    RP_TEXT_LIMIT);
}

/* cli/resume.c — `runbook resume JOURNAL [FILE]` (docs/journal.md): reads the journal of a run
 * that was cut off, refuses a changed runbook, takes the run's options and parameters from the
 * journal (asking again for those it does not hold), lets the operator decide about effects of
 * unknown outcome, and continues the run through cli/run.c. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../support/duration.h"
#include "../support/sha256.h"
#include "cli.h"
#include "../support/jsonw.h"
#include "load.h"

/* The index of the unit's parameter called name, or -1. */
static int param_index(const rbk_unit *u, const char *name) {
    for (uint32_t k = 0; k < u->nparams; k++)
        if (!strcmp(rbk_unit_str(u, u->params[k].name, NULL), name)) return (int)k;
    return -1;
}
static int given_param(const rbk_cli_opts *o, const char *name) {
    for (int i = 0; i < o->run.nparams; i++)
        if (!strcmp(o->run.params[i].key, name)) return 1;
    return 0;
}
/* The begin record's entry for the parameter (given with --param or typed at the start), or NULL. */
static const rbk_journal_value *journal_param(const rbk_journal_state *st, const char *name) {
    for (int i = 0; i < st->nparams; i++)
        if (!strcmp(st->params[i].key, name)) return &st->params[i];
    return NULL;
}

static const char *part_word(rbk_part p) { return p == RBK_PART_COND ? "its `if`" : p == RBK_PART_ROLLBACK ? "its rollback" : "its body"; }

static int resume_it(rbk_cli_opts *o);

/* runbook resume JOURNAL [FILE]: continues the journaled run (docs/journal.md). */
/* the order instances ended in (rbk_journal_instance.ended_seq); 0, counted as done at this
 * resume, after all of them, in the order they appear */
static int by_end(const void *a, const void *b) {
    const rbk_journal_instance *x = *(rbk_journal_instance *const *)a, *y = *(rbk_journal_instance *const *)b;
    unsigned ex = x->ended_seq ? (unsigned)x->ended_seq : UINT_MAX, ey = y->ended_seq ? (unsigned)y->ended_seq : UINT_MAX;
    if (ex != ey) return ex < ey ? -1 : 1;
    return x < y ? -1 : x > y;
}

int rbk_cmd_resume(rbk_cli_opts *o) {
    if (o->nfiles < 1 || o->nfiles > 2) { fputs("runbook resume: give JOURNAL [FILE.rb|FILE.rbc]\n", stderr); return EXIT_USAGE; }
    if (o->journal) { fputs("runbook resume: the journal is the first argument; --journal is not allowed\n", stderr); return EXIT_USAGE; }
    if (o->run.from || o->run.only || o->run.fail_at) { fputs("runbook resume: --from, --only and --fail-at come from the journal\n", stderr); return EXIT_USAGE; }
    if (o->env_file && rbk_cli_load_env_file(o, o->env_file)) return EXIT_USAGE;
    if (o->run.answers_file && rbk_cli_load_kv_file("--answers", o->run.answers_file, &o->run.answers, &o->run.nanswers))
        return EXIT_USAGE;
    if (!o->detach) return resume_it(o);
    /* as run --detach (cli/detach.c): a run of a store, followed there */
    if (!rbk_state_resume_wanted(o, o->files[0])) {
        fprintf(stderr, "runbook resume: --detach resumes a run of a run store (RUN and --state), where it is followed; %s is a journal file\n",
                o->files[0]);
        return EXIT_USAGE;
    }
    int child = 0, rc = rbk_detach_fork(o, &child);
    if (!child) return rc;
    rc = resume_it(o);
    rbk_detach_end(o, rc);
    return rc;
}

static int resume_it(rbk_cli_opts *o) {
    const char *jpath = o->files[0];
    o->journal = jpath;
    char *err = NULL;
    rbk_journal *j = NULL;
    rbk_journal_state st;
    /* a run of a store (docs/state.md): the run, its locks and its journal from there */
    struct rbk_state *store = NULL;
    if (rbk_state_resume_wanted(o, jpath)) {
        int src = rbk_state_resume_run(o, jpath, &store, &j, &st);
        if (!src && o->detach && (src = rbk_detach_open_output(o, store))) {
            rbk_journal_close(j);
            rbk_state_close(store);
            rbk_journal_state_free(&st);
        }
        if (src) return src;
        jpath = o->journal;
    } else {
        /* the lock first: what is read is then what nobody else is still writing, and no other
         * process continues this run while this one does */
        j = rbk_journal_open(jpath, 0, &err);
        if (!j) {
            fprintf(stderr, "runbook resume: refused: %s\n", err);
            free(err);
            return EXIT_USAGE;
        }
        if (rbk_journal_read(jpath, &st, &err)) {
            fprintf(stderr, "runbook resume: %s\n", err);
            free(err);
            rbk_journal_close(j);
            return EXIT_USAGE;
        }
    }
    int rc = EXIT_USAGE;
    rbk_unit *u = NULL;
    char *jpath_owned = NULL;
    uint8_t *ask = NULL;
    rbk_sbuf decisions = RBK_SBUF_INIT;
    if (st.ended && (st.end_code == 0 || st.end_code == 1)) {
        fprintf(stderr, "runbook resume: nothing to resume: the run in %s ended with exit %d (%s)\n", jpath, st.end_code,
                st.end_code == 0 ? "GO" : "failed and fully rolled back");
        rc = 0;
        goto out;
    }
    const char *path = o->nfiles == 2 ? o->files[1] : st.runbook;
    if (!path) { fprintf(stderr, "runbook resume: %s does not name the runbook: give it as the second argument\n", jpath); goto out; }
    char jabs[PATH_MAX];
    if (!store && !realpath(jpath, jabs)) { fprintf(stderr, "runbook resume: %s: %s\n", jpath, strerror(errno)); goto out; }
    if (!store) jpath = o->journal = jpath_owned = strdup(jabs);
    /* the run continues where it started: the same working directory (relative paths in
     * commands, and the source paths the artifact was compiled with) */
    if (o->nfiles == 1 && st.cwd && chdir(st.cwd)) {
        fprintf(stderr, "runbook resume: cannot go back to the run's directory %s: %s\n", st.cwd, strerror(errno));
        goto out;
    }
    u = rbk_cli_unit(path, 0, NULL);
    if (!u) { rc = EXIT_COMPILE; goto out; }
    char hex[65];
    rbk_sha256_to_hex(u->artifact_sha256, hex);
    if (!st.artifact || strcmp(st.artifact, hex)) {
        fprintf(stderr, "runbook resume: refused: %s was written by artifact %.12s…, but %s is now artifact %.12s…:\n"
                        "  the runbook changed since that run, and a changed runbook cannot continue it\n",
                jpath, st.artifact ? st.artifact : "?", path, hex);
        goto out;
    }
    if (st.n > (int)u->nsteps) { fprintf(stderr, "runbook resume: %s names step %d, which the runbook does not have\n", jpath, st.n - 1); goto out; }
    /* the parameters come from the journal, but for those it does not hold (docs/journal.md):
     * a secret one, and one whose value held a secret (masked): given again (--param, or typed
     * on a terminal); the environment is compared after the preflight (execute) */
    ask = calloc((size_t)u->nparams + 1, 1);
    int nask = 0;
    for (int i = 0; i < o->run.nparams; i++) {
        const char *key = o->run.params[i].key;
        int k = param_index(u, key);
        const rbk_journal_value *jv = journal_param(&st, key);
        int secret = k >= 0 && (u->params[k].flags & RBK_PARAM_SECRET);
        if (k < 0 || (!secret && !(jv && jv->masked))) {
            fprintf(stderr, "runbook resume: --param %s: the parameters come from the journal; --param gives again only a secret one, "
                            "or one the journal holds masked\n", key);
            goto out;
        }
        if (secret && !jv && u->params[k].deflt != RBK_NONE) {
            fprintf(stderr, "runbook resume: --param %s: the run used its default, and so does the resumed run\n", key);
            goto out;
        }
    }
    for (uint32_t k = 0; k < u->nparams; k++) {
        const char *name = rbk_unit_str(u, u->params[k].name, NULL);
        if (given_param(o, name)) continue;
        const rbk_journal_value *jv = journal_param(&st, name);
        if (jv && jv->masked) { ask[k] = 2; nask++; }
        else if ((u->params[k].flags & RBK_PARAM_SECRET) && (jv || u->params[k].deflt == RBK_NONE)) { ask[k] = 1; nask++; }
    }
    rbk_cli_default_policy(o);
    if (nask && !o->run.interactive) {
        rbk_sbuf secret = RBK_SBUF_INIT, masked = RBK_SBUF_INIT, flags = RBK_SBUF_INIT;
        int ns = 0, nm = 0;
        for (uint32_t k = 0; k < u->nparams; k++) {
            if (!ask[k]) continue;
            const char *name = rbk_unit_str(u, u->params[k].name, NULL);
            rbk_sbuf *to = ask[k] == 1 ? &secret : &masked;
            rbk_sbuf_printf(to, "%s%s", to->len ? ", " : "", name);
            *(ask[k] == 1 ? &ns : &nm) += 1;
            rbk_sbuf_printf(&flags, "%s--param %s=VALUE", flags.len ? " " : "", name);
        }
        fputs("runbook resume: refused: the journal does not hold the value", stderr);
        if (ns) fprintf(stderr, " of secret parameter%s %s (it is never written)", ns == 1 ? "" : "s", rbk_sbuf_cstr(&secret));
        if (nm) fprintf(stderr, "%s of parameter%s %s (%s a secret, and %s masked)", ns ? ", nor" : "", nm == 1 ? "" : "s",
                        rbk_sbuf_cstr(&masked), nm == 1 ? "its value holds" : "their values hold", nm == 1 ? "is" : "are");
        fprintf(stderr, ":\n  give %s again with %s (%s the run started with), or resume on a terminal to be asked\n",
                nask == 1 ? "it" : "them", rbk_sbuf_cstr(&flags), nask == 1 ? "the value" : "the values");
        rbk_sbuf_free(&secret);
        rbk_sbuf_free(&masked);
        rbk_sbuf_free(&flags);
        goto out;
    }
    /* the options of the run, from the journal (the renderer's own options from this command) */
    if (!o->on_failure_set && st.on_failure) {
        if (!strcmp(st.on_failure, "stop")) { o->run.on_failure = RBK_ONFAIL_STOP; o->on_failure_set = 1; }
        else if (!strcmp(st.on_failure, "rollback")) { o->run.on_failure = RBK_ONFAIL_ROLLBACK; o->on_failure_set = 1; }
    }
    rbk_cli_default_policy(o); /* again: the failure policy may have come from the journal */
    o->run.default_timeout_ms = st.default_timeout_ms > 0 ? st.default_timeout_ms : o->run.default_timeout_ms;
    o->run.dry_run |= st.dry_run;
    o->run.no_wait |= st.no_wait;
    /* --time-scale is the journal's: a rehearsal goes on as a rehearsal, a real run stays real */
    if ((o->run.time_scale > 1 && o->run.time_scale != st.time_scale) || (st.time_scale > 1 && o->run.no_wait)) {
        rbk_sbuf was = RBK_SBUF_INIT;
        if (st.time_scale > 1) { rbk_sbuf_adds(&was, "as a rehearsal, time scaled "); rbk_time_scale_fmt(&was, st.time_scale); }
        else rbk_sbuf_adds(&was, "in real time (no --time-scale)");
        fprintf(stderr, "runbook resume: refused: the run was started %s; a resume goes on at the journal's time scale: "
                        "leave --time-scale%s out\n", rbk_sbuf_cstr(&was), o->run.no_wait ? " and --no-wait" : "");
        rbk_sbuf_free(&was);
        goto out;
    }
    o->run.time_scale = st.time_scale;
    o->run.yes |= st.yes;
    o->run.verbose |= st.verbose;
    o->run.only = st.only;
    o->run.fail_at = st.fail_at;
    o->run.from = st.from; /* the steps before it were skipped, or are to be: not run by the resume */
    o->run.params = realloc(o->run.params, sizeof(rbk_kv) * (size_t)(o->run.nparams + st.nparams + 1));
    for (int i = 0; i < st.nparams; i++) {
        if (!st.params[i].value) continue; /* secret or masked: given again (above, below) */
        o->run.params[o->run.nparams].key = strdup(st.params[i].key);
        o->run.params[o->run.nparams].value = strdup(st.params[i].value);
        o->run.nparams++;
    }
    rbk_cli_install_signals(); /* a Ctrl-C at the questions below ends them cleanly */
    if (nask) {
        int got = rbk_prompt_params(u, ask, &o->run.params, &o->run.nparams, o->interrupted);
        if (got < 0) { fputs("resume: interrupted: nothing was run\n", stderr); rc = 4; goto out; }
        if (got < nask) { fputs("runbook resume: refused: a parameter the journal does not hold was not given: nothing was run\n", stderr); goto out; }
    }
    /* the journal's last line was cut short by the kill: the records go on after the last whole one */
    if (st.cut_short && rbk_journal_truncate(j, st.valid_bytes)) {
        fprintf(stderr, "runbook resume: %s: cannot cut off its last, incomplete line: %s\n", jpath, strerror(errno));
        goto out;
    }
    /* what the operator is told, and the decisions about effects of unknown outcome */
    int ndone = 0;
    for (int i = 0; i < st.n; i++) ndone += st.done[i] != 0;
    fprintf(stderr, "resume: %s: %d step%s done before%s%s\n", jpath, ndone, ndone == 1 ? "" : "s",
            st.rollback_phase ? "; the run was rolling back: the rollback continues" : "",
            st.cut_short ? "; the last record was cut short (the runner died while writing it) and is left out" : "");
    const char *where = st.incomplete_step >= 0 ? rbk_unit_str(u, u->steps[st.incomplete_step].name, NULL) : "?";
    const char *what = st.incomplete_in_rollback ? "the rollback of" : "step";
    int nreplayed = 0;
    for (int i = 0; i < st.nreplay; i++) nreplayed += st.replay[i].kind != RBK_REPLAY_RUN;
    if (st.incomplete_step >= 0 && st.cut && nreplayed) {
        fprintf(stderr, "resume: %s \"%s\" was cut off; it runs again from its start, and what it did before is not done again "
                        "(the journal gives what each call returned):\n", what, where);
        for (int i = 0; i < st.nreplay; i++)
            if (st.replay[i].kind != RBK_REPLAY_RUN)
                fprintf(stderr, "  = %s %s (%s, %s)\n", st.replay[i].effect, st.replay[i].target, part_word(st.replay[i].part),
                        st.replay[i].kind == RBK_REPLAY_DONE ? "counted as done at an earlier resume" : st.replay[i].status);
    }
    if (st.incomplete_step >= 0 && !st.cut && st.nagain) {
        /* never silently: an attempt that ended (failed, stopped) is followed by a new one */
        fprintf(stderr, "resume: %s \"%s\" ended %s; it runs again from its start, as a new attempt, and these effects of "
                        "the last attempt run again:\n", what, where, st.ended_status ? st.ended_status : "?");
        for (int i = 0; i < st.nagain; i++) fprintf(stderr, "  + %s %s (%s)\n", st.again[i].effect, st.again[i].target, st.again[i].why);
    }
    rbk_jw dw; /* the resume record's decisions (cli/journal.c writes them as given) */
    rbk_jw_init(&dw, &decisions, 0, rbk_sbuf_add_json_str);
    rbk_jw_open(&dw, NULL, '[');
    if (st.nunknown) {
        fprintf(stderr, "resume: %s \"%s\" was cut off; the outcome of %s unknown:\n", what, where,
                st.nunknown == 1 ? "this effect is" : "these effects is");
        for (int i = 0; i < st.nunknown; i++)
            fprintf(stderr, "  - %s %s (%s)\n", st.unknown[i].effect, st.unknown[i].target, st.unknown[i].why);
        if (!o->unknown && !(o->run.interactive && o->run.ask)) {
            fputs("runbook resume: refused: effects of unknown outcome need a decision — check what happened, then\n"
                  "  resume on a terminal, or pass --unknown rerun (run them again) or --unknown done (count them as done)\n", stderr);
            goto out;
        }
        for (int i = 0; i < st.nunknown; i++) {
            rbk_journal_effect *x = &st.unknown[i];
            int c = o->unknown == 'r' ? 'R' : o->unknown == 'd' ? 'D' : 0;
            if (!c) {
                rbk_sbuf q = RBK_SBUF_INIT, d = RBK_SBUF_INIT;
                rbk_sbuf_printf(&q, "%s \"%s\": `%s %s` may or may not have happened. What now?",
                                st.incomplete_in_rollback ? "The rollback of" : "Step", where, x->effect, x->target);
                rbk_sbuf_printf(&d, "%s\nrun it again: it is performed once more; count it as done: it is not, and what it returned "
                                    "cannot be read", x->why);
                c = rbk_prompt_choose(&o->prompt, rbk_sbuf_cstr(&q), rbk_sbuf_cstr(&d), "RDs");
                rbk_sbuf_free(&q);
                rbk_sbuf_free(&d);
                if (c != 'R' && c != 'D') { fputs("resume: stopped by the operator; nothing was run\n", stderr); rc = 2; goto out; }
            }
            st.replay[x->replay].kind = c == 'D' ? RBK_REPLAY_DONE : RBK_REPLAY_RUN;
            rbk_jw_open(&dw, NULL, '{');
            rbk_jw_int(&dw, "step", st.incomplete_step);
            rbk_jw_str(&dw, "part", x->part == RBK_PART_COND ? "cond" : x->part == RBK_PART_ROLLBACK ? "rollback" : "body");
            rbk_jw_int(&dw, "seq", x->seq);
            rbk_jw_str(&dw, "effect", x->effect);
            rbk_jw_str(&dw, "target", x->target);
            rbk_jw_str(&dw, "decision", c == 'D' ? "done" : "rerun");
            rbk_jw_close(&dw, '}');
        }
    }
    /* instances of per-item steps that were cut off after they began writes: they run again
     * from their start (those writes too) or count as done — the operator decides, as for effects */
    for (int i = 0; i < st.ninstances; i++) {
        rbk_journal_instance *x = &st.instances[i];
        if (!x->started || x->done || x->step >= (int)u->nsteps) continue;
        const char *sn = rbk_unit_str(u, u->steps[x->step].name, NULL);
        if (!x->writes) {
            fprintf(stderr, "resume: instance \"%s\" of step \"%s\" was cut off before any write; it runs again from its start\n", x->label, sn);
            continue;
        }
        fprintf(stderr, "resume: instance \"%s\" of step \"%s\" was cut off after it began %s:\n%s", x->label, sn,
                x->writes == 1 ? "this write" : "these writes", x->write_list ? x->write_list : "");
        if (!o->unknown && !(o->run.interactive && o->run.ask)) {
            fputs("runbook resume: refused: an instance of unknown outcome needs a decision — check what happened, then\n"
                  "  resume on a terminal, or pass --unknown rerun (run it again from its start) or --unknown done (count it as done)\n", stderr);
            goto out;
        }
        int c = o->unknown == 'r' ? 'R' : o->unknown == 'd' ? 'D' : 0;
        if (!c) {
            rbk_sbuf q = RBK_SBUF_INIT;
            rbk_sbuf_printf(&q, "Instance \"%s\" may or may not have done its work. What now?", x->label);
            c = rbk_prompt_choose(&o->prompt, rbk_sbuf_cstr(&q),
                                  "run it again: it runs from its start, its writes once more; count it as done: it does not run again",
                                  "RDs");
            rbk_sbuf_free(&q);
            if (c != 'R' && c != 'D') { fputs("resume: stopped by the operator; nothing was run\n", stderr); rc = 2; goto out; }
        }
        if (c == 'D') { x->done = 1; x->started = 0; }
        rbk_jw_open(&dw, NULL, '{');
        rbk_jw_int(&dw, "step", x->step);
        rbk_jw_str(&dw, "instance", x->label);
        rbk_jw_str(&dw, "decision", c == 'D' ? "done" : "rerun");
        rbk_jw_close(&dw, '}');
    }
    rbk_jw_close(&dw, ']');
    {
        int n = (int)u->nsteps;
        rbk_resume R;
        memset(&R, 0, sizeof R);
        R.done = calloc((size_t)n + 1, 1);
        R.rolled_back = calloc((size_t)n + 1, 1);
        R.checkpoint = calloc((size_t)n + 1, sizeof(char *));
        for (int i = 0; i < st.n; i++) { R.done[i] = st.done[i]; R.rolled_back[i] = st.rolled_back[i]; R.checkpoint[i] = st.checkpoint[i]; }
        R.rollback_phase = st.rollback_phase;
        R.failed_step = st.failed_step;
        R.original_code = 1;
        R.cut_step = st.cut ? st.incomplete_step : -1;
        R.cut_in_rollback = st.incomplete_in_rollback;
        R.cut_attempt = st.cut_attempt;
        R.replay = st.replay;
        R.nreplay = st.nreplay;
        R.last_effect_id = st.last_effect_id;
        R.waits = st.waits;
        R.nwaits = st.nwaits;
        /* the instances that ended, in the order they did (a rollback undoes them in reverse);
         * those counted as done at this resume (no ended_seq) last */
        rbk_journal_instance **order = calloc((size_t)st.ninstances + 1, sizeof *order);
        int nri = 0;
        for (int i = 0; i < st.ninstances; i++)
            if (st.instances[i].done) order[nri++] = &st.instances[i];
        qsort(order, (size_t)nri, sizeof *order, by_end);
        rbk_resume_instance *ri = calloc((size_t)nri + 1, sizeof *ri);
        for (int i = 0; i < nri; i++) ri[i] = (rbk_resume_instance){order[i]->step, order[i]->label, order[i]->done, order[i]->rolled_back};
        free(order);
        R.instances = ri;
        R.ninstances = nri;
        o->run.resume = &R;
        rc = rbk_cli_execute(o, u, path, j, &st, rbk_sbuf_cstr(&decisions));
        j = NULL;
        u = NULL;
        o->run.resume = NULL;
        free(R.done);
        free(R.rolled_back);
        free(R.checkpoint);
        free(ri);
    }
out:
    rbk_journal_close(j);
    rbk_state_close(store); /* after the journal: the run and its locks are released last */
    rbk_unit_free(u);
    free(ask);
    free(jpath_owned);
    rbk_sbuf_free(&decisions);
    rbk_journal_state_free(&st);
    return rc;
}


/* cli/journal.c — see journal.h. */
#include "journal.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../support/sha256.h"

struct rbk_journal {
    int fd;
    char *path;
    int failed;
    rbk_vm *vm; /* for masking the begin record (set by rbk_journal_begin) */
};

static void fsync_dir_of(const char *path) {
    char *copy = strdup(path);
    int d = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d >= 0) { fsync(d); close(d); }
    free(copy);
}

rbk_journal *rbk_journal_open(const char *path, int fresh, char **err) {
    rbk_sbuf e = RBK_SBUF_INIT;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        rbk_sbuf_printf(&e, "%s is not a regular file", path);
        *err = rbk_sbuf_detach(&e);
        return NULL;
    }
    if (fresh && exists && st.st_size > 0) {
        rbk_sbuf_printf(&e, "%s already holds a journal: resume that run with `runbook resume %s`, or give another file", path, path);
        *err = rbk_sbuf_detach(&e);
        return NULL;
    }
    if (!fresh && !exists) {
        rbk_sbuf_printf(&e, "%s: %s", path, strerror(ENOENT));
        *err = rbk_sbuf_detach(&e);
        return NULL;
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | (fresh ? O_CREAT : 0), 0600);
    if (fd < 0) {
        rbk_sbuf_printf(&e, "%s: %s", path, strerror(errno));
        *err = rbk_sbuf_detach(&e);
        return NULL;
    }
    if (fresh && !exists) fsync_dir_of(path); /* the new name is durable too */
    rbk_journal *j = calloc(1, sizeof *j);
    j->fd = fd;
    j->path = strdup(path);
    return j;
}

/* One record: one write, then fdatasync, before the run goes on. */
static void put(rbk_journal *j, rbk_sbuf *line) {
    if (j->fd < 0) return;
    rbk_sbuf_adds(line, "}\n");
    const char *p = line->data;
    size_t left = line->len;
    while (left) {
        ssize_t w = write(j->fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) goto fail;
        p += w;
        left -= (size_t)w;
    }
    if (fdatasync(j->fd) && errno != EINVAL) goto fail;
    return;
fail:
    if (!j->failed)
        fprintf(stderr, "runbook: WARNING: the journal %s could not be written (%s): what happens from here on is not journaled, "
                        "and `runbook resume` will not know about it\n", j->path, strerror(errno));
    j->failed = 1;
}

static void kstr(rbk_journal *j, rbk_sbuf *b, const char *key, const char *v) {
    if (!v) return;
    rbk_sbuf_printf(b, ",\"%s\":", key);
    if (j->vm) {
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_vm_mask(j->vm, &m, v, strlen(v));
        rbk_sbuf_add_json_str(b, rbk_sbuf_cstr(&m), m.len);
        rbk_sbuf_free(&m);
    } else {
        rbk_sbuf_add_json_str(b, v, strlen(v));
    }
}

static void kraw(rbk_sbuf *b, const char *key, const char *v) {
    if (!v) return;
    rbk_sbuf_printf(b, ",\"%s\":", key);
    rbk_sbuf_add_json_str(b, v, strlen(v));
}
/* a masked JSON string value (no key) */
static void jval(rbk_journal *j, rbk_sbuf *b, const char *v) {
    rbk_sbuf m = RBK_SBUF_INIT;
    if (j->vm) rbk_vm_mask(j->vm, &m, v, strlen(v));
    else rbk_sbuf_adds(&m, v);
    rbk_sbuf_add_json_str(b, rbk_sbuf_cstr(&m), m.len);
    rbk_sbuf_free(&m);
}

static void head(rbk_sbuf *b, const char *rec) {
    rbk_sbuf_printf(b, "{\"rec\":\"%s\",\"wall_ms\":%" PRId64, rec, rbk_wall_ms());
}

int rbk_journal_begin(rbk_journal *j, rbk_vm *vm, const char *runbook_path) {
    j->vm = vm;
    const rbk_unit *u = vm->u;
    const rbk_run_opts *o = &vm->opts;
    rbk_sbuf b = RBK_SBUF_INIT;
    head(&b, "begin");
    char hex[65];
    rbk_sha256_to_hex(u->artifact_sha256, hex);
    rbk_sbuf_printf(&b, ",\"version\":1,\"artifact\":\"%s\"", hex);
    char cwd[PATH_MAX];
    kstr(j, &b, "runbook", runbook_path); /* as given: the artifact holds source paths as given */
    kstr(j, &b, "cwd", getcwd(cwd, sizeof cwd) ? cwd : NULL);
    kstr(j, &b, "title", u->title != RBK_NONE ? rbk_vm_str(vm, u->title) : NULL);
    kstr(j, &b, "who", rbk_operator_name());
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) == 0) kstr(j, &b, "host", host);
    rbk_sbuf_printf(&b, ",\"pid\":%ld", (long)getpid());
    static const char *pol[] = {"rollback", "stop", "ask"};
    rbk_sbuf_printf(&b, ",\"on_failure\":\"%s\",\"default_timeout_ms\":%" PRId64 ",\"dry_run\":%s,\"no_wait\":%s,\"yes\":%s,\"verbose\":%s",
                    pol[o->on_failure], o->default_timeout_ms, o->dry_run ? "true" : "false", o->no_wait ? "true" : "false",
                    o->yes ? "true" : "false", o->verbose ? "true" : "false");
    kstr(j, &b, "only", o->only);
    kstr(j, &b, "fail_at", o->fail_at);
    kstr(j, &b, "from", o->from);
    rbk_sbuf_adds(&b, ",\"params\":{");
    for (int i = 0; i < o->nparams; i++) {
        if (i) rbk_sbuf_addc(&b, ',');
        rbk_sbuf_add_json_str(&b, o->params[i].key, strlen(o->params[i].key));
        rbk_sbuf_addc(&b, ':');
        int secret = 0;
        for (uint32_t k = 0; k < u->nparams; k++)
            if (!strcmp(rbk_vm_str(vm, u->params[k].name), o->params[i].key)) secret = (u->params[k].flags & RBK_PARAM_SECRET) != 0;
        /* a secret param: listed (resume asks for it again), its value never written */
        if (secret) rbk_sbuf_adds(&b, "\"" RBK_MASK_REPLACEMENT "\"");
        else jval(j, &b, o->params[i].value);
    }
    rbk_sbuf_adds(&b, "},\"env\":{");
    int k = 0;
    for (uint32_t i = 0; i < u->nenvs; i++) {
        if (u->envs[i].flags & RBK_ENV_SECRET) continue; /* never written, not even hashed */
        const char *name = rbk_vm_str(vm, u->envs[i].name);
        const char *v = rbk_run_env(o, name);
        if (k++) rbk_sbuf_addc(&b, ',');
        rbk_sbuf_add_json_str(&b, name, strlen(name));
        rbk_sbuf_addc(&b, ':');
        if (v) jval(j, &b, v);
        else rbk_sbuf_adds(&b, "null");
    }
    rbk_sbuf_addc(&b, '}');
    put(j, &b);
    rbk_sbuf_free(&b);
    return j->failed ? -1 : 0;
}

int rbk_journal_resume_record(rbk_journal *j, const char *decisions) {
    rbk_sbuf b = RBK_SBUF_INIT;
    head(&b, "resume");
    kstr(j, &b, "who", rbk_operator_name());
    rbk_sbuf_printf(&b, ",\"pid\":%ld", (long)getpid());
    kraw(&b, "decisions", decisions);
    put(j, &b);
    rbk_sbuf_free(&b);
    return j->failed ? -1 : 0;
}

void rbk_journal_sink(void *ctx, const rbk_event *ev) {
    rbk_journal *j = ctx;
    switch (ev->kind) {
    case RBK_EV_POLL: case RBK_EV_OUTPUT: case RBK_EV_PROMPT: return; /* progress, not history */
    default: break;
    }
    rbk_sbuf b = RBK_SBUF_INIT;
    /* event strings are masked by the VM already: written as they come */
    head(&b, rbk_event_kind_name(ev->kind));
    rbk_sbuf_printf(&b, ",\"t_ms\":%" PRId64, ev->t_ms);
    if (ev->step >= 0) rbk_sbuf_printf(&b, ",\"step\":%d", ev->step);
    kraw(&b, "step_name", ev->step_name);
    if (ev->attempt && (ev->kind == RBK_EV_STEP_START || ev->kind == RBK_EV_STEP_RETRY)) rbk_sbuf_printf(&b, ",\"attempt\":%d", ev->attempt);
    kraw(&b, "status", ev->status);
    if (ev->kind == RBK_EV_CHECKPOINT) {
        rbk_sbuf_adds(&b, ",\"state\":");
        rbk_sbuf_adds(&b, ev->detail ? ev->detail : "null");
    } else if (ev->kind == RBK_EV_RUN_START) {
        kraw(&b, "artifact", ev->detail);
    }
    kraw(&b, "text", ev->text);
    kraw(&b, "source", ev->source);
    if (ev->file) {
        kraw(&b, "file", ev->file);
        rbk_sbuf_printf(&b, ",\"line\":%d,\"column\":%d", ev->line, ev->col);
    }
    if (ev->effect_id) rbk_sbuf_printf(&b, ",\"effect_id\":%" PRIu64, ev->effect_id);
    kraw(&b, "effect", ev->effect);
    kraw(&b, "target", ev->target);
    if (ev->dry_run && ev->kind == RBK_EV_EFFECT_START) rbk_sbuf_adds(&b, ",\"dry_run\":true");
    if (ev->kind == RBK_EV_EFFECT_END || ev->kind == RBK_EV_RUN_END) rbk_sbuf_printf(&b, ",\"code\":%d", ev->code);
    if (ev->kind == RBK_EV_STEP_END || ev->kind == RBK_EV_EFFECT_END || ev->kind == RBK_EV_ROLLBACK_END || ev->kind == RBK_EV_RUN_END)
        rbk_sbuf_printf(&b, ",\"duration_ms\":%" PRId64, ev->duration_ms);
    kraw(&b, "answer", ev->answer);
    kraw(&b, "who", ev->who);
    put(j, &b);
    rbk_sbuf_free(&b);
}

int rbk_journal_close(rbk_journal *j) {
    if (!j) return 0;
    int rc = j->failed ? -1 : 0;
    if (j->fd >= 0 && close(j->fd)) rc = -1;
    free(j->path);
    free(j);
    return rc;
}

/* ------------------------------------------------------------ reading */
static char *jdup(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}
static int jint(json_t *o, const char *key, int dflt) {
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

typedef struct open_effect {
    int64_t id;
    rbk_journal_effect e;
    char *status; /* outcome status, NULL while none */
} open_effect;

static void effects_clear(open_effect **v, int *n) {
    for (int i = 0; i < *n; i++) {
        free((*v)[i].e.step_name); free((*v)[i].e.effect); free((*v)[i].e.target); free((*v)[i].status);
    }
    free(*v);
    *v = NULL;
    *n = 0;
}

static void grow(rbk_journal_state *st, int step) {
    if (step < st->n) return;
    int n = step + 1;
    st->done = realloc(st->done, (size_t)n);
    st->rolled_back = realloc(st->rolled_back, (size_t)n);
    st->checkpoint = realloc(st->checkpoint, sizeof(char *) * (size_t)n);
    for (int i = st->n; i < n; i++) { st->done[i] = 0; st->rolled_back[i] = 0; st->checkpoint[i] = NULL; }
    st->n = n;
}

static void kv_from_object(json_t *o, rbk_kv **out, int *n) {
    const char *k;
    json_t *v;
    if (!json_is_object(o)) return;
    json_object_foreach(o, k, v) {
        *out = realloc(*out, sizeof(rbk_kv) * (size_t)(*n + 1));
        (*out)[*n].key = strdup(k);
        (*out)[*n].value = json_is_string(v) ? strdup(json_string_value(v)) : NULL;
        (*n)++;
    }
}

int rbk_journal_read(const char *path, rbk_journal_state *st, char **err) {
    memset(st, 0, sizeof *st);
    st->failed_step = -1;
    st->incomplete_step = -1;
    rbk_sbuf e = RBK_SBUF_INIT;
    FILE *f = fopen(path, "re");
    if (!f) {
        rbk_sbuf_printf(&e, "%s: %s", path, strerror(errno));
        *err = rbk_sbuf_detach(&e);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = 0;
    int pending_failure = -1, last_failed = -1;
    int part_interrupted = 0;      /* the incomplete part ended "interrupted" */
    open_effect *eff = NULL;
    int neff = 0;
    int begun = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        int complete = line[len - 1] == '\n';
        json_error_t je;
        json_t *r = json_loadb(line, (size_t)len, 0, &je);
        if (!r || !json_is_object(r)) {
            json_decref(r);
            int c = fgetc(f);
            if (c == EOF && !complete) { st->cut_short = 1; break; } /* killed while writing it */
            rbk_sbuf_printf(&e, "%s:%d: not a journal record (%s)", path, lineno, je.text);
            rc = -1;
            break;
        }
        st->records++;
        const char *rec = json_string_value(json_object_get(r, "rec"));
        if (!rec) rec = "";
        int step = jint(r, "step", -1);
        if (step >= 10000000) step = -1;
        if (step >= 0) grow(st, step);
        const char *status = json_string_value(json_object_get(r, "status"));
        if (!begun && strcmp(rec, "begin")) {
            rbk_sbuf_printf(&e, "%s:%d: a journal starts with a \"begin\" record; this file does not look like a runbook journal", path, lineno);
            json_decref(r);
            rc = -1;
            break;
        }
        if (!strcmp(rec, "begin")) {
            if (begun) {
                rbk_sbuf_printf(&e, "%s:%d: a second \"begin\" record: two runs were written into one journal", path, lineno);
                json_decref(r);
                rc = -1;
                break;
            }
            begun = 1;
            if (jint(r, "version", 0) != 1) {
                rbk_sbuf_printf(&e, "%s:%d: journal version %d is not one this runbook reads (1)", path, lineno, jint(r, "version", 0));
                json_decref(r);
                rc = -1;
                break;
            }
            st->artifact = jdup(r, "artifact");
            st->runbook = jdup(r, "runbook");
            st->cwd = jdup(r, "cwd");
            st->title = jdup(r, "title");
            st->on_failure = jdup(r, "on_failure");
            json_t *t = json_object_get(r, "default_timeout_ms");
            st->default_timeout_ms = json_is_integer(t) ? json_integer_value(t) : 30000;
            st->dry_run = json_is_true(json_object_get(r, "dry_run"));
            st->no_wait = json_is_true(json_object_get(r, "no_wait"));
            st->yes = json_is_true(json_object_get(r, "yes"));
            st->verbose = json_is_true(json_object_get(r, "verbose"));
            st->only = jdup(r, "only");
            st->fail_at = jdup(r, "fail_at");
            kv_from_object(json_object_get(r, "params"), &st->params, &st->nparams);
            kv_from_object(json_object_get(r, "env"), &st->env, &st->nenv);
        } else if (!strcmp(rec, "resume")) {
            st->ended = 0;
        } else if (!strcmp(rec, "run_end")) {
            st->ended = 1;
            st->end_code = jint(r, "code", -1);
        } else if (!strcmp(rec, "step_start") && step >= 0) {
            st->incomplete_step = step;
            st->incomplete_in_rollback = 0;
            part_interrupted = 0;
            pending_failure = -1;
            effects_clear(&eff, &neff);
        } else if (!strcmp(rec, "step_end") && step >= 0 && status) {
            if (!strcmp(status, "ok") || !strcmp(status, "skipped")) {
                st->done[step] = !strcmp(status, "ok") ? 1 : 2;
                if (last_failed == step) last_failed = -1;
                st->incomplete_step = -1;
                effects_clear(&eff, &neff);
            } else {
                st->done[step] = 0;
                if (!strcmp(status, "failed")) { pending_failure = step; last_failed = step; }
                part_interrupted = !strcmp(status, "interrupted");
            }
        } else if (!strcmp(rec, "rollback_start") && step >= 0) {
            if (!st->rollback_phase) st->failed_step = last_failed;
            st->rollback_phase = 1;
            pending_failure = -1;
            st->incomplete_step = step;
            st->incomplete_in_rollback = 1;
            part_interrupted = 0;
            effects_clear(&eff, &neff);
        } else if (!strcmp(rec, "rollback_end") && step >= 0 && status) {
            if (!st->rollback_phase) st->failed_step = last_failed;
            st->rollback_phase = 1;
            pending_failure = -1;
            if (!strcmp(status, "ok") || !strcmp(status, "none")) {
                st->rolled_back[step] = 1;
                if (st->incomplete_step == step) { st->incomplete_step = -1; effects_clear(&eff, &neff); }
            } else if (!strcmp(status, "failed") && st->incomplete_step == step) {
                part_interrupted = 1; /* its last effect may have half-happened */
            }
        } else if (!strcmp(rec, "checkpoint") && step >= 0) {
            json_t *s = json_object_get(r, "state");
            free(st->checkpoint[step]);
            st->checkpoint[step] = s ? json_dumps(s, JSON_COMPACT) : NULL;
        } else if (!strcmp(rec, "effect_start") && !json_is_true(json_object_get(r, "dry_run"))) {
            eff = realloc(eff, sizeof *eff * (size_t)(neff + 1));
            memset(&eff[neff], 0, sizeof *eff);
            json_t *id = json_object_get(r, "effect_id");
            eff[neff].id = json_is_integer(id) ? json_integer_value(id) : -1;
            eff[neff].e.step_name = jdup(r, "step_name");
            eff[neff].e.effect = jdup(r, "effect");
            eff[neff].e.target = jdup(r, "target");
            neff++;
        } else if (!strcmp(rec, "effect_end")) {
            json_t *id = json_object_get(r, "effect_id");
            for (int i = 0; i < neff; i++)
                if (json_is_integer(id) && eff[i].id == json_integer_value(id)) {
                    free(eff[i].status);
                    eff[i].status = strdup(status ? status : "?");
                }
        }
        json_decref(r);
    }
    free(line);
    fclose(f);
    if (!rc && !begun) {
        rbk_sbuf_printf(&e, "%s: empty: no run was journaled in it", path);
        rc = -1;
    }
    if (rc) {
        effects_clear(&eff, &neff);
        rbk_journal_state_free(st);
        *err = rbk_sbuf_detach(&e);
        return -1;
    }
    rbk_sbuf_free(&e);
    /* killed after a step failed and before its rollback started: the policy decides */
    if (pending_failure >= 0 && !st->ended && !st->rollback_phase && st->on_failure && !strcmp(st->on_failure, "rollback")) {
        st->rollback_phase = 1;
        st->failed_step = pending_failure;
        st->incomplete_step = -1;
        effects_clear(&eff, &neff);
    }
    /* effects of unknown outcome in the part that was cut off: started and never finished, or
     * cancelled mid-way (the last one of an interrupted part, unless it finished "ok") */
    if (st->incomplete_step >= 0) {
        for (int i = 0; i < neff; i++) {
            const char *why = NULL;
            if (!eff[i].status) why = "started, no outcome recorded";
            else if (!strcmp(eff[i].status, "interrupted") || !strcmp(eff[i].status, "timeout")) why = "cancelled part-way";
            else if (part_interrupted && i == neff - 1 && strcmp(eff[i].status, "ok")) why = "cancelled part-way";
            if (!why) continue;
            st->unknown = realloc(st->unknown, sizeof *st->unknown * (size_t)(st->nunknown + 1));
            rbk_journal_effect *u = &st->unknown[st->nunknown++];
            u->step_name = eff[i].e.step_name; eff[i].e.step_name = NULL;
            u->effect = eff[i].e.effect; eff[i].e.effect = NULL;
            u->target = eff[i].e.target; eff[i].e.target = NULL;
            u->why = strdup(why);
        }
    }
    effects_clear(&eff, &neff);
    return 0;
}

void rbk_journal_state_free(rbk_journal_state *st) {
    free(st->artifact); free(st->runbook); free(st->cwd); free(st->title); free(st->on_failure); free(st->only); free(st->fail_at);
    for (int i = 0; i < st->nparams; i++) { free(st->params[i].key); free(st->params[i].value); }
    free(st->params);
    for (int i = 0; i < st->nenv; i++) { free(st->env[i].key); free(st->env[i].value); }
    free(st->env);
    for (int i = 0; i < st->n; i++) free(st->checkpoint[i]);
    free(st->checkpoint); free(st->done); free(st->rolled_back);
    for (int i = 0; i < st->nunknown; i++) {
        free(st->unknown[i].step_name); free(st->unknown[i].effect); free(st->unknown[i].target); free(st->unknown[i].why);
    }
    free(st->unknown);
    memset(st, 0, sizeof *st);
}

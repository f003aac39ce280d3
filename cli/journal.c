/* cli/journal.c — see journal.h. */
#include "journal.h"
#include "../support/clock.h"
#include "../support/duration.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../support/jsonw.h"
#include "../support/readfile.h"
#include "../support/sha256.h"

struct rbk_journal {
    int fd;            /* -1 for a journal kept by a run store (append below) */
    char *path;        /* the file, or the name of the run in its store */
    /* a run store's appender (cli/state.h): the record is committed when it returns 0 */
    int (*append)(void *ctx, const char *line, size_t len, char **err);
    void *append_ctx;
    int failed;
    long long size;  /* bytes of whole records: a failed write is cut back to it */
    rbk_vm *vm;      /* masks the begin record; told when a record cannot be written */
};

static void fsync_dir_of(const char *path) {
    char *copy = strdup(path);
    int d = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d >= 0) { fsync(d); close(d); }
    free(copy);
}

/* Who holds FILE, from its last begin or resume record. */
static void describe_holder(const char *path, rbk_sbuf *out) {
    FILE *f = fopen(path, "re");
    char *line = NULL, *found = NULL;
    size_t cap = 0;
    ssize_t len;
    while (f && (len = getline(&line, &cap, f)) > 0) {
        if (strstr(line, "\"rec\":\"begin\"") || strstr(line, "\"rec\":\"resume\"")) {
            free(found);
            found = strdup(line);
        }
    }
    free(line);
    if (f) fclose(f);
    json_t *r = found ? json_loads(found, JSON_ALLOW_NUL, NULL) : NULL;
    free(found);
    const char *rec = json_string_value(json_object_get(r, "rec"));
    if (!rec) {
        rbk_sbuf_adds(out, "a process that has not written its first record yet");
    } else {
        const char *who = json_string_value(json_object_get(r, "who"));
        const char *host = json_string_value(json_object_get(r, "host"));
        json_t *pid = json_object_get(r, "pid");
        rbk_sbuf_printf(out, "`runbook %s` of %s on %s, pid %" JSON_INTEGER_FORMAT " (its %s record)", !strcmp(rec, "begin") ? "run" : "resume",
                        who ? who : "?", host ? host : "?", json_is_integer(pid) ? json_integer_value(pid) : (json_int_t)-1, rec);
    }
    json_decref(r);
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
    /* one process at a time continues a run: the run holds the lock for its whole life, and so
     * does a resume; the descriptor is close-on-exec, so a command the run started does not
     * keep it */
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        int en = errno;
        close(fd);
        if (en == EWOULDBLOCK) {
            rbk_sbuf h = RBK_SBUF_INIT;
            describe_holder(path, &h);
            rbk_sbuf_printf(&e, "%s is in use: %s holds it, and is still running (a run and its resume, or two resumes, "
                                "never continue one run together); wait for it to end, or stop it, then try again",
                            path, rbk_sbuf_cstr(&h));
            rbk_sbuf_free(&h);
        } else {
            rbk_sbuf_printf(&e, "%s: cannot lock it: %s", path, strerror(en));
        }
        *err = rbk_sbuf_detach(&e);
        return NULL;
    }
    if (fstat(fd, &st)) {
        rbk_sbuf_printf(&e, "%s: %s", path, strerror(errno));
        close(fd);
        *err = rbk_sbuf_detach(&e);
        return NULL;
    }
    if (fresh && st.st_size > 0) {
        rbk_sbuf_printf(&e, "%s already holds a journal: resume that run with `runbook resume %s`, or give another file", path, path);
        close(fd);
        *err = rbk_sbuf_detach(&e);
        return NULL;
    }
    if (fresh && !exists) fsync_dir_of(path); /* the new name is durable too */
    rbk_journal *j = calloc(1, sizeof *j);
    j->fd = fd;
    j->path = strdup(path);
    j->size = st.st_size;
    return j;
}

rbk_journal *rbk_journal_open_appender(const char *name, int (*append)(void *ctx, const char *line, size_t len, char **err), void *ctx) {
    rbk_journal *j = calloc(1, sizeof *j);
    j->fd = -1;
    j->path = strdup(name);
    j->append = append;
    j->append_ctx = ctx;
    return j;
}

int rbk_journal_truncate(rbk_journal *j, long long bytes) {
    if (j->append) return 0; /* a store's records are whole (one committed row each) */
    if (ftruncate(j->fd, (off_t)bytes) || (fdatasync(j->fd) && errno != EINVAL)) return -1;
    j->size = bytes;
    return 0;
}

/* One record: one write, then fdatasync, before the run goes on. A record that cannot be
 * written whole and made durable is taken back (the file ends with whole records), and from
 * then on nothing more is written: the run is told, and starts nothing new (vm.h). */
static void put(rbk_journal *j, rbk_jw *w) {
    rbk_sbuf *line = w->b;
    rbk_jw_close(w, '}');
    if ((j->fd < 0 && !j->append) || j->failed) return;
    rbk_sbuf_addc(line, '\n');
    if (j->append) { /* a run store: committed before the run goes on, as fdatasync is for a file */
        char *err = NULL;
        if (!j->append(j->append_ctx, line->data, line->len, &err)) {
            j->size += (long long)line->len;
            return;
        }
        j->failed = 1;
        fprintf(stderr, "runbook: the journal of run %s could not be written to its store (%s): nothing more is started; the journal "
                        "ends with the last record committed — once the cause is fixed, `runbook resume %s` continues from there\n",
                j->path, err ? err : "?", j->path);
        if (j->vm) rbk_vm_sink_failed(j->vm, err ? err : "the run store");
        free(err);
        return;
    }
    const char *p = line->data;
    size_t left = line->len;
    const char *what = "write";
    while (left) {
        ssize_t w = write(j->fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;
            goto fail;
        }
        p += w;
        left -= (size_t)w;
    }
    what = "fdatasync";
    if (fdatasync(j->fd) && errno != EINVAL) goto fail;
    j->size += (long long)line->len;
    return;
fail:;
    int en = errno;
    if (ftruncate(j->fd, (off_t)j->size) == 0) (void)fdatasync(j->fd);
    j->failed = 1;
    rbk_sbuf why = RBK_SBUF_INIT;
    rbk_sbuf_printf(&why, "%s %s: %s", what, j->path, strerror(en));
    fprintf(stderr, "runbook: the journal %s could not be written (%s: %s): nothing more is started; the journal ends "
                    "with the last record written whole — once the cause is fixed, `runbook resume %s` continues from there\n",
            j->path, what, strerror(en), j->path);
    if (j->vm) rbk_vm_sink_failed(j->vm, rbk_sbuf_cstr(&why));
    rbk_sbuf_free(&why);
}

/* A record is one compact JSON object written with support/jsonw.h (strings escaped by
 * rbk_sbuf_add_json_str, `/` and non-ASCII UTF-8 as they are: RFC 8259 §7), on one line. */

/* a masked text field (audit) */
static void kstr(rbk_journal *j, rbk_jw *w, const char *key, const char *v) {
    if (!v) return;
    rbk_sbuf m = RBK_SBUF_INIT;
    if (j->vm) rbk_vm_mask(j->vm, &m, v, strlen(v));
    else rbk_sbuf_adds(&m, v);
    rbk_jw_str(w, key, rbk_sbuf_cstr(&m));
    rbk_sbuf_free(&m);
}

/* an event field, masked by the VM already */
static void kraw(rbk_jw *w, const char *key, const char *v) {
    if (v) rbk_jw_str(w, key, v);
}

/* A value resume acts on: exact (a JSON string, or {"$bytes":BASE64} when it is not UTF-8) —
 * unless it holds a secret: then only {"$masked":TEXT}, and resume gets it again. */
static void jvalue(rbk_journal *j, rbk_jw *w, const char *key, const char *v) {
    size_t n = strlen(v);
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_vm_mask(j->vm, &m, v, n);
    if (m.len != n || memcmp(rbk_sbuf_cstr(&m), v, n)) {
        rbk_jw_open(w, key, '{');
        rbk_jw_str(w, "$masked", rbk_sbuf_cstr(&m));
        rbk_jw_close(w, '}');
    } else if (rbk_utf8_valid(v, n)) {
        rbk_jw_str(w, key, v);
    } else {
        rbk_sbuf b64 = RBK_SBUF_INIT;
        rbk_sbuf_add_base64(&b64, v, n, 0, 1);
        rbk_jw_open(w, key, '{');
        rbk_jw_str(w, "$bytes", rbk_sbuf_cstr(&b64));
        rbk_jw_close(w, '}');
        rbk_sbuf_free(&b64);
    }
    rbk_sbuf_free(&m);
}
static void kvalue(rbk_journal *j, rbk_jw *w, const char *key, const char *v) {
    if (v) jvalue(j, w, key, v);
}

/* opens the record (put closes it) */
static void head(rbk_jw *w, rbk_sbuf *b, const char *rec) {
    rbk_jw_init(w, b, 0, rbk_sbuf_add_json_str);
    rbk_jw_open(w, NULL, '{');
    rbk_jw_str(w, "rec", rec);
    rbk_jw_int(w, "wall_ms", rbk_wall_ms());
}

static void identity(rbk_journal *j, rbk_jw *w) {
    kstr(j, w, "who", rbk_operator_name());
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) == 0) kstr(j, w, "host", host);
    rbk_jw_int(w, "pid", (long)getpid());
}

int rbk_journal_begin(rbk_journal *j, rbk_vm *vm, const char *runbook_path) {
    j->vm = vm;
    const rbk_unit *u = rbk_vm_unit(vm);
    const rbk_run_opts *o = rbk_vm_opts(vm);
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_jw w;
    head(&w, &b, "begin");
    char hex[65];
    rbk_sha256_to_hex(u->artifact_sha256, hex);
    rbk_jw_int(&w, "version", RBK_JOURNAL_VERSION);
    rbk_jw_str(&w, "artifact", hex);
    char cwd[PATH_MAX];
    kvalue(j, &w, "runbook", runbook_path); /* as given: the artifact holds source paths as given */
    kvalue(j, &w, "cwd", getcwd(cwd, sizeof cwd) ? cwd : NULL);
    kstr(j, &w, "title", u->title != RBK_NONE ? rbk_vm_str(vm, u->title) : NULL);
    identity(j, &w);
    static const char *pol[] = {"rollback", "stop", "ask"};
    rbk_jw_str(&w, "on_failure", pol[o->on_failure]);
    rbk_jw_int(&w, "default_timeout_ms", o->default_timeout_ms);
    rbk_jw_bool(&w, "dry_run", o->dry_run);
    rbk_jw_bool(&w, "no_wait", o->no_wait);
    rbk_jw_bool(&w, "yes", o->yes);
    rbk_jw_bool(&w, "verbose", o->verbose);
    if (o->time_scale > 1) { /* a rehearsal in compressed time; `runbook resume` keeps it */
        rbk_jw_num(&w, "time_scale", o->time_scale);
        rbk_sbuf ts = RBK_SBUF_INIT;
        rbk_sbuf_adds(&ts, "time scaled ");
        rbk_time_scale_fmt(&ts, o->time_scale);
        rbk_jw_str(&w, "rehearsal", ts.data);
        rbk_sbuf_free(&ts);
    }
    kvalue(j, &w, "only", o->only);
    kvalue(j, &w, "fail_at", o->fail_at);
    kvalue(j, &w, "from", o->from);
    rbk_jw_open(&w, "params", '{');
    for (int i = 0; i < o->nparams; i++) {
        int secret = 0;
        for (uint32_t k = 0; k < u->nparams; k++)
            if (!strcmp(rbk_vm_str(vm, u->params[k].name), o->params[i].key)) secret = (u->params[k].flags & RBK_PARAM_SECRET) != 0;
        /* a secret param: listed (resume asks for it again), nothing about its value written */
        if (secret) {
            rbk_jw_open(&w, o->params[i].key, '{');
            rbk_jw_bool(&w, "$secret", 1);
            rbk_jw_close(&w, '}');
        } else {
            jvalue(j, &w, o->params[i].key, o->params[i].value);
        }
    }
    rbk_jw_close(&w, '}');
    rbk_jw_open(&w, "env", '{');
    for (uint32_t i = 0; i < u->nenvs; i++) {
        if (u->envs[i].flags & RBK_ENV_SECRET) continue; /* never written, not even hashed */
        if (u->envs[i].flags & RBK_ENV_LOCK) continue;   /* a run lock, not an environment variable */
        const char *name = rbk_vm_str(vm, u->envs[i].name);
        const char *v = rbk_run_env(o, name);
        if (v) jvalue(j, &w, name, v);
        else rbk_jw_null(&w, name);
    }
    rbk_jw_close(&w, '}');
    put(j, &w);
    rbk_sbuf_free(&b);
    return j->failed ? -1 : 0;
}

int rbk_journal_resume_record(rbk_journal *j, rbk_vm *vm, const char *decisions) {
    j->vm = vm;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_jw w;
    head(&w, &b, "resume");
    identity(j, &w);
    rbk_jw_raw(&w, "decisions", decisions && *decisions ? decisions : "[]");
    put(j, &w);
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
    rbk_jw w;
    /* event strings are masked by the VM already: written as they come */
    head(&w, &b, rbk_event_kind_name(ev->kind));
    rbk_jw_int(&w, "t_ms", ev->t_ms);
    if (ev->step >= 0) rbk_jw_int(&w, "step", ev->step);
    kraw(&w, "step_name", ev->step_name);
    kraw(&w, "instance", ev->instance);
    if (ev->attempt && (ev->kind == RBK_EV_STEP_START || ev->kind == RBK_EV_STEP_RETRY)) rbk_jw_int(&w, "attempt", ev->attempt);
    kraw(&w, "status", ev->status);
    if (ev->kind == RBK_EV_RUN_START) kraw(&w, "artifact", ev->detail);
    kraw(&w, "text", ev->text);
    kraw(&w, "source", ev->source);
    if (ev->file) {
        kraw(&w, "file", ev->file);
        rbk_jw_int(&w, "line", ev->line);
        rbk_jw_int(&w, "column", ev->col);
    }
    if (ev->effect_id) rbk_jw_uint(&w, "effect_id", ev->effect_id);
    kraw(&w, "effect", ev->effect);
    kraw(&w, "target", ev->target);
    kraw(&w, "part", ev->part);
    if (ev->seq) rbk_jw_int(&w, "seq", ev->seq);
    if (ev->kind == RBK_EV_EFFECT_START) rbk_jw_bool(&w, "write", ev->write);
    if (ev->dry_run && ev->kind == RBK_EV_EFFECT_START) rbk_jw_bool(&w, "dry_run", 1);
    if (ev->replayed) rbk_jw_bool(&w, "replayed", 1);
    if (ev->kind == RBK_EV_EFFECT_END || ev->kind == RBK_EV_RUN_END) rbk_jw_int(&w, "code", ev->code);
    if (ev->kind == RBK_EV_STEP_END || ev->kind == RBK_EV_EFFECT_END || ev->kind == RBK_EV_ROLLBACK_END || ev->kind == RBK_EV_RUN_END)
        rbk_jw_int(&w, "duration_ms", ev->duration_ms);
    if (ev->deadline_wall_ms) { /* a wait in a step: when it ends, which a resume keeps */
        rbk_jw_int(&w, "remaining_ms", ev->remaining_ms);
        rbk_jw_int(&w, "deadline_ms", ev->deadline_wall_ms);
    }
    /* JSON built secret-free by vm/checkpoint.c (events.h) */
    if (ev->result) rbk_jw_raw(&w, "result", ev->result);
    if (ev->state) rbk_jw_raw(&w, "state", ev->state);
    kraw(&w, "answer", ev->answer);
    kraw(&w, "who", ev->who);
    put(j, &w);
    rbk_sbuf_free(&b);
}

int rbk_journal_close(rbk_journal *j) {
    if (!j) return 0;
    int rc = j->failed ? -1 : 0;
    if (j->fd >= 0 && close(j->fd)) rc = -1; /* the lock goes with it */
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
    return json_is_integer(v) && json_integer_value(v) >= INT_MIN && json_integer_value(v) <= INT_MAX ? (int)json_integer_value(v) : dflt;
}

/* a value written by jvalue: 0, or -1 when malformed */
static int read_value(json_t *v, rbk_journal_value *out) {
    if (json_is_null(v)) return 0;
    if (json_is_string(v)) {
        if (strlen(json_string_value(v)) != json_string_length(v)) return -1; /* a NUL: not from an argument */
        out->value = strdup(json_string_value(v));
        return 0;
    }
    json_t *x;
    if (json_is_object(v) && json_object_size(v) == 1) {
        if ((x = json_object_get(v, "$secret")) && json_is_true(x)) { out->secret = 1; return 0; }
        if ((x = json_object_get(v, "$masked")) && json_is_string(x)) { out->masked = strdup(json_string_value(x)); return 0; }
        if ((x = json_object_get(v, "$bytes")) && json_is_string(x)) {
            rbk_sbuf raw = RBK_SBUF_INIT;
            if (rbk_base64_decode(json_string_value(x), json_string_length(x), &raw) || memchr(rbk_sbuf_cstr(&raw), 0, raw.len)) {
                rbk_sbuf_free(&raw);
                return -1;
            }
            out->value = rbk_sbuf_detach(&raw);
            return 0;
        }
    }
    return -1;
}

static int values_from_object(json_t *o, rbk_journal_value **out, int *n) {
    const char *k;
    json_t *v;
    if (!json_is_object(o)) return o ? -1 : 0;
    json_object_foreach(o, k, v) {
        *out = realloc(*out, sizeof **out * (size_t)(*n + 1));
        rbk_journal_value *x = &(*out)[*n];
        memset(x, 0, sizeof *x);
        x->key = strdup(k);
        (*n)++;
        if (read_value(v, x)) return -1;
    }
    return 0;
}

/* a text field resume acts on (runbook, cwd, only, fail_at): NULL when absent; -1 when masked */
static int text_value(json_t *r, const char *key, char **out) {
    json_t *v = json_object_get(r, key);
    if (!v) return 0;
    rbk_journal_value x = {0};
    int rc = read_value(v, &x);
    if (!rc && !x.value) rc = -1;
    *out = x.value;
    free(x.masked);
    return rc;
}

/* one effect of the part being read */
typedef struct jeffect {
    int64_t id;
    rbk_part part;
    int seq, write, ended, code;
    int decided_done; /* an earlier resume counted it as done (its decisions) */
    int64_t duration_ms;
    char *effect, *target, *status;
    json_t *result; /* the effect_end's result (a reference), or NULL */
} jeffect;

static void effects_clear(jeffect **v, int *n, int keep_cond) {
    int k = 0;
    for (int i = 0; i < *n; i++) {
        jeffect *e = &(*v)[i];
        if (keep_cond && e->part == RBK_PART_COND) { (*v)[k++] = *e; continue; }
        free(e->effect); free(e->target); free(e->status);
        json_decref(e->result);
    }
    *n = k;
    if (!k) { free(*v); *v = NULL; }
}

static rbk_journal_instance *instance_of(rbk_journal_state *st, int step, const char *label) {
    for (int i = 0; i < st->ninstances; i++)
        if (st->instances[i].step == step && !strcmp(st->instances[i].label, label)) return &st->instances[i];
    st->instances = realloc(st->instances, sizeof *st->instances * (size_t)(st->ninstances + 1));
    rbk_journal_instance *x = &st->instances[st->ninstances++];
    memset(x, 0, sizeof *x);
    x->step = step;
    x->label = strdup(label);
    return x;
}

/* A record of an instance of a per-item step (docs/journal.md): its own bookkeeping, apart from
 * the step's (whose start and end have no "instance"). */
static void instance_record(rbk_journal_state *st, json_t *r, const char *rec, int step, const char *label, const char *status,
                            int *ended_seq) {
    rbk_journal_instance *x = instance_of(st, step, label);
    if (!strcmp(rec, "step_start")) {
        x->started = 1;
        x->done = 0;
        x->writes = 0;
        free(x->write_list);
        x->write_list = NULL;
    } else if (!strcmp(rec, "step_end") && status) {
        if (!strcmp(status, "ok")) { x->done = 1; x->started = 0; x->ended_seq = ++*ended_seq; }
        else if (!strcmp(status, "failed")) { x->done = 2; x->started = 0; x->ended_seq = ++*ended_seq; }
        /* skipped: not selected; interrupted, stopped: cut off (started stays) */
    } else if (!strcmp(rec, "rollback_end") && status && !strcmp(status, "ok")) {
        x->rolled_back = 1;
    } else if (!strcmp(rec, "effect_start") && x->started && !json_is_true(json_object_get(r, "dry_run")) &&
               !json_is_false(json_object_get(r, "write")) && !json_is_true(json_object_get(r, "replayed"))) {
        const char *ef = json_string_value(json_object_get(r, "effect")), *tg = json_string_value(json_object_get(r, "target"));
        rbk_sbuf b = RBK_SBUF_INIT;
        if (x->write_list) rbk_sbuf_adds(&b, x->write_list);
        rbk_sbuf_printf(&b, "  - %s %s\n", ef ? ef : "?", tg ? tg : "?");
        free(x->write_list);
        x->write_list = rbk_sbuf_detach(&b);
        x->writes++;
    }
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

static rbk_part part_of(const char *s) {
    if (!s) return RBK_PART_TOP;
    if (!strcmp(s, "cond")) return RBK_PART_COND;
    if (!strcmp(s, "body")) return RBK_PART_BODY;
    if (!strcmp(s, "rollback")) return RBK_PART_ROLLBACK;
    return RBK_PART_TOP;
}

static void add_listed(rbk_journal_effect **v, int *n, const jeffect *e, const char *why, int replay) {
    *v = realloc(*v, sizeof **v * (size_t)(*n + 1));
    rbk_journal_effect *x = &(*v)[(*n)++];
    x->effect = strdup(e->effect ? e->effect : "?");
    x->target = strdup(e->target ? e->target : "?");
    x->why = strdup(why);
    x->seq = e->seq;
    x->part = e->part;
    x->replay = replay;
}

/* The part that was cut off: what its effects did, as rbk_replay entries (docs/journal.md). */
static void build_replay(rbk_journal_state *st, jeffect *eff, int neff) {
    /* SQL inside a transaction the run died with: the server rolled it back when the runner's
     * connection dropped, so the statements since the last one that left its connection idle
     * (a COMMIT, or autocommit) are not done, whatever they returned */
    uint8_t *uncommitted = calloc((size_t)neff + 1, 1);
    int last = -1;
    for (int i = 0; i < neff; i++)
        if (eff[i].effect && !strcmp(eff[i].effect, "sql") && eff[i].ended && !eff[i].decided_done) last = i;
    for (int i = last; i >= 0 && json_is_true(json_object_get(eff[last].result, "in_transaction")); i--) {
        if (!eff[i].effect || strcmp(eff[i].effect, "sql") || !eff[i].ended) continue;
        if (!json_is_true(json_object_get(eff[i].result, "in_transaction"))) break;
        uncommitted[i] = 1;
    }
    for (int i = 0; i < neff; i++) {
        jeffect *e = &eff[i];
        st->replay = realloc(st->replay, sizeof *st->replay * (size_t)(st->nreplay + 1));
        rbk_replay *r = &st->replay[st->nreplay];
        memset(r, 0, sizeof *r);
        r->part = e->part;
        r->seq = e->seq;
        r->write = e->write;
        r->effect = strdup(e->effect ? e->effect : "?");
        r->target = strdup(e->target ? e->target : "");
        r->status = strdup(e->status ? e->status : "?");
        r->code = e->code;
        r->duration_ms = e->duration_ms;
        r->kind = RBK_REPLAY_RUN;
        const char *why = NULL;
        json_t *value = json_object_get(e->result, "value"), *error = json_object_get(e->result, "error");
        json_t *unrec = json_object_get(e->result, "unrecorded");
        /* one host of a call on several: done when the call ended with a recorded result (its
         * last effect's, the next one of the part that is not in_call) */
        int call_done = 0;
        if (json_is_true(json_object_get(e->result, "in_call")) && e->ended && strcmp(e->status, "interrupted")) {
            for (int j = i + 1; j < neff && !call_done; j++) {
                if (eff[j].part != e->part) continue;
                if (!eff[j].ended) break;
                if (json_is_true(json_object_get(eff[j].result, "in_call"))) continue;
                call_done = json_object_get(eff[j].result, "value") || json_is_string(json_object_get(eff[j].result, "error"));
                break;
            }
            if (!call_done) unrec = json_string("the call it was part of did not end, or its result is not in the journal");
            else json_incref(unrec);
        } else {
            json_incref(unrec);
        }
        if (e->decided_done) r->kind = RBK_REPLAY_DONE;
        else if (call_done) r->kind = RBK_REPLAY_IN_CALL;
        else if (!e->ended) why = "started, no outcome recorded";
        else if (uncommitted[i])
            why = "it ran inside a transaction that was still open when the run stopped: the server rolled it back when "
                  "the connection dropped (unless it ran on another connection)";
        else if (!strcmp(e->status, "interrupted")) why = "cancelled part-way";
        else if (e->decided_done || json_is_true(json_object_get(e->result, "done"))) r->kind = RBK_REPLAY_DONE;
        else if (value) {
            r->kind = RBK_REPLAY_VALUE;
            r->value = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
        } else if (json_is_string(error)) {
            r->kind = RBK_REPLAY_ERROR;
            r->error = strdup(json_string_value(error));
            const char *s = json_string_value(json_object_get(e->result, "status"));
            r->timeout = s && !strcmp(s, "timeout");
        } else {
            why = json_is_string(unrec) ? json_string_value(unrec) : "what it returned is not in the journal";
        }
        rbk_sbuf whyb = RBK_SBUF_INIT;
        if (why) { rbk_sbuf_adds(&whyb, why); why = rbk_sbuf_cstr(&whyb); }
        json_decref(unrec);
        if (why && e->write) {
            rbk_sbuf w = RBK_SBUF_INIT;
            if (uncommitted[i]) rbk_sbuf_adds(&w, why);
            else if (e->ended && strcmp(e->status, "interrupted")) rbk_sbuf_printf(&w, "it ended %s, but what it returned is not in the journal: %s", e->status, why);
            else rbk_sbuf_adds(&w, why);
            add_listed(&st->unknown, &st->nunknown, e, rbk_sbuf_cstr(&w), st->nreplay);
            rbk_sbuf_free(&w);
        }
        rbk_sbuf_free(&whyb);
        /* a read whose outcome is unknown is performed again (RBK_REPLAY_RUN): it changes nothing */
        st->nreplay++;
    }
    free(uncommitted);
}

/* The strings of the first n waits (rbk_resume_wait: what, target). */
static void waits_free(rbk_resume_wait *w, int n) {
    for (int i = 0; i < n; i++) { free((char *)w[i].what); free((char *)w[i].target); }
}

static int read_records(const char *path, rbk_sbuf data, rbk_journal_state *st, char **err);

int rbk_journal_read(const char *path, rbk_journal_state *st, char **err) {
    memset(st, 0, sizeof *st);
    rbk_sbuf e = RBK_SBUF_INIT;
    /* read whole by support/readfile.h: a regular file only (a FIFO would be waited on for
     * ever, /dev/zero would be one line without end), of the size it says (not a /proc file,
     * whose text a "not a journal record" message could quote) */
    rbk_sbuf data = RBK_SBUF_INIT;
    if (rbk_read_file(path, RBK_READ_MAX_JOURNAL, 0, &data, &e) != RBK_READ_OK) {
        rbk_sbuf_free(&data);
        *err = rbk_sbuf_detach(&e);
        return -1;
    }
    rbk_sbuf_free(&e);
    return read_records(path, data, st, err);
}

int rbk_journal_read_text(const char *name, const char *text, size_t len, rbk_journal_state *st, char **err) {
    memset(st, 0, sizeof *st);
    rbk_sbuf data = RBK_SBUF_INIT;
    rbk_sbuf_add(&data, text, len);
    return read_records(name, data, st, err);
}

/* The records of data (taken: freed here), into st. */
static int read_records(const char *path, rbk_sbuf data, rbk_journal_state *st, char **err) {
    st->failed_step = -1;
    st->incomplete_step = -1;
    rbk_sbuf e = RBK_SBUF_INIT;
    size_t at = 0;
    const char *line;
    ssize_t len;
    int lineno = 0, rc = 0;
    int pending_failure = -1, last_failed = -1;
    char *part_end = NULL;       /* how the incomplete part ended (NULL: it did not) */
    int attempt = 1;
    jeffect *eff = NULL;
    int neff = 0;
    int begun = 0;
    long long offset = 0;
    /* A resumed run starts the part that was cut off again, and replays its effects: that start
     * continues the cut attempt (its effects stay, and the resumed run's own records of them
     * are not taken as new ones), so that a resume killed in turn can be resumed again. */
    int carry = 0, carry_step = -1, carry_rb = 0, continuing = 0;
    int inst_seq = 0; /* the order instances of per-item steps ended in */
    int wait_from = 0; /* the waits of the incomplete part's run start here in st->waits */
#define BAD(...) do { rbk_sbuf_printf(&e, __VA_ARGS__); json_decref(r); rc = -1; goto done; } while (0)
    while (at < data.len) {
        line = data.data + at;
        const char *nl = memchr(line, '\n', data.len - at);
        len = nl ? nl - line + 1 : (ssize_t)(data.len - at);
        at += (size_t)len;
        lineno++;
        int complete = line[len - 1] == '\n';
        json_error_t je;
        /* NUL in a string is valid JSON (a command's output may hold one) */
        json_t *r = json_loadb(line, (size_t)len, JSON_ALLOW_NUL, &je);
        if (!r || !json_is_object(r) || !complete) {
            json_decref(r);
            if (at == data.len && !complete) { st->cut_short = 1; break; } /* killed while writing it */
            rbk_sbuf_printf(&e, "%s:%d: not a journal record (%s)", path, lineno, r ? "not an object" : je.text);
            rc = -1;
            break;
        }
        offset += len;
        st->valid_bytes = offset;
        st->records++;
        const char *rec = json_string_value(json_object_get(r, "rec"));
        if (!rec) rec = "";
        int step = jint(r, "step", -1);
        if (step >= 10000000) step = -1;
        if (step >= 0) grow(st, step);
        const char *status = json_string_value(json_object_get(r, "status"));
        json_t *eid = json_object_get(r, "effect_id");
        if (json_is_integer(eid) && json_integer_value(eid) > 0 && (uint64_t)json_integer_value(eid) > st->last_effect_id)
            st->last_effect_id = (uint64_t)json_integer_value(eid);
        if (!begun && strcmp(rec, "begin"))
            BAD("%s:%d: a journal starts with a \"begin\" record; this file does not look like a runbook journal", path, lineno);
        const char *inst = json_string_value(json_object_get(r, "instance"));
        if (inst && step >= 0) {
            instance_record(st, r, rec, step, inst, status, &inst_seq);
            json_decref(r);
            continue;
        }
        if (!strcmp(rec, "begin")) {
            if (begun) BAD("%s:%d: a second \"begin\" record: two runs were written into one journal", path, lineno);
            begun = 1;
            int v = jint(r, "version", 0);
            if (v != RBK_JOURNAL_VERSION)
                BAD("%s:%d: journal version %d is not the one this runbook reads (%d)%s", path, lineno, v, RBK_JOURNAL_VERSION,
                    v == 1 ? ": it was written by an earlier runbook, which can resume it" : "");
            st->artifact = jdup(r, "artifact");
            if (text_value(r, "runbook", &st->runbook) || text_value(r, "cwd", &st->cwd) || text_value(r, "only", &st->only) ||
                text_value(r, "fail_at", &st->fail_at) || text_value(r, "from", &st->from))
                BAD("%s:%d: the begin record's runbook, cwd, only, fail_at or from is not readable (or was masked)", path, lineno);
            st->title = jdup(r, "title");
            st->on_failure = jdup(r, "on_failure");
            json_t *t = json_object_get(r, "default_timeout_ms");
            st->default_timeout_ms = json_is_integer(t) ? json_integer_value(t) : 30000;
            st->dry_run = json_is_true(json_object_get(r, "dry_run"));
            st->no_wait = json_is_true(json_object_get(r, "no_wait"));
            json_t *ts = json_object_get(r, "time_scale");
            st->time_scale = json_is_number(ts) ? json_number_value(ts) : 0;
            if (ts && !(json_is_number(ts) && st->time_scale >= 1 && st->time_scale <= RBK_TIME_SCALE_MAX))
                BAD("%s:%d: the begin record's time_scale is not a factor from 1 to 1000000", path, lineno);
            st->yes = json_is_true(json_object_get(r, "yes"));
            st->verbose = json_is_true(json_object_get(r, "verbose"));
            if (values_from_object(json_object_get(r, "params"), &st->params, &st->nparams) ||
                values_from_object(json_object_get(r, "env"), &st->env, &st->nenv))
                BAD("%s:%d: a parameter or environment value of the begin record is not readable", path, lineno);
        }
        if (!strcmp(rec, "begin") || !strcmp(rec, "resume")) {
            free(st->holder);
            st->holder = NULL;
            const char *who = json_string_value(json_object_get(r, "who"));
            const char *host = json_string_value(json_object_get(r, "host"));
            rbk_sbuf h = RBK_SBUF_INIT;
            rbk_sbuf_printf(&h, "%s on %s, pid %d", who ? who : "?", host ? host : "?", jint(r, "pid", -1));
            st->holder = rbk_sbuf_detach(&h);
        }
        if (!strcmp(rec, "resume")) {
            st->ended = 0;
            int last_interrupted = neff && eff[neff - 1].ended && eff[neff - 1].status && !strcmp(eff[neff - 1].status, "interrupted");
            carry = st->incomplete_step >= 0 && (!part_end || !strcmp(part_end, "interrupted") || last_interrupted);
            carry_step = st->incomplete_step;
            carry_rb = st->incomplete_in_rollback;
            continuing = 0;
            json_t *dec = json_object_get(r, "decisions");
            for (size_t k = 0; k < json_array_size(dec); k++) { /* a cut instance counted as done */
                json_t *x = json_array_get(dec, k);
                const char *what = json_string_value(json_object_get(x, "decision")), *in = json_string_value(json_object_get(x, "instance"));
                if (!what || !in || strcmp(what, "done") || jint(x, "step", -1) < 0) continue;
                rbk_journal_instance *y = instance_of(st, jint(x, "step", -1), in);
                y->done = 1;
                y->started = 0;
                y->ended_seq = ++inst_seq;
            }
            for (size_t k = 0; carry && k < json_array_size(dec); k++) {
                json_t *x = json_array_get(dec, k);
                const char *what = json_string_value(json_object_get(x, "decision"));
                if (!what || strcmp(what, "done") || jint(x, "step", -1) != carry_step) continue;
                rbk_part pt = part_of(json_string_value(json_object_get(x, "part")));
                for (int i = 0; i < neff; i++)
                    if (eff[i].part == pt && eff[i].seq == jint(x, "seq", -1)) eff[i].decided_done = 1;
            }
        } else if (!strcmp(rec, "run_end")) {
            st->ended = 1;
            st->end_code = jint(r, "code", -1);
        } else if (!strcmp(rec, "step_start") && step >= 0) {
            continuing = carry && step == carry_step && !carry_rb;
            carry = 0;
            if (!continuing) wait_from = st->nwaits;
            st->incomplete_step = step;
            st->incomplete_in_rollback = 0;
            attempt = jint(r, "attempt", 1);
            free(part_end);
            part_end = NULL;
            pending_failure = -1;
            if (!continuing) effects_clear(&eff, &neff, 0);
        } else if (!strcmp(rec, "step_retry") && step >= 0 && step == st->incomplete_step) {
            attempt = jint(r, "attempt", attempt + 1);
            free(part_end);
            part_end = NULL;
            continuing = 0;
            wait_from = st->nwaits;
            effects_clear(&eff, &neff, 1); /* a new run of the body; the `if` ran once */
        } else if (!strcmp(rec, "step_end") && step >= 0 && status) {
            if (!strcmp(status, "ok") || !strcmp(status, "skipped")) {
                json_t *s = json_object_get(r, "state");
                /* a step counts as done with what it left, or not at all */
                if (!json_is_object(s)) BAD("%s:%d: a step_end without the state of the globals", path, lineno);
                free(st->checkpoint[step]);
                st->checkpoint[step] = json_dumps(s, JSON_COMPACT);
                st->done[step] = !strcmp(status, "ok") ? 1 : 2;
                if (last_failed == step) last_failed = -1;
                if (st->incomplete_step == step) {
                    st->incomplete_step = -1;
                    effects_clear(&eff, &neff, 0);
                }
            } else {
                st->done[step] = 0;
                if (!strcmp(status, "failed")) { pending_failure = step; last_failed = step; }
                free(part_end);
                part_end = strdup(status);
            }
        } else if (!strcmp(rec, "rollback_start") && step >= 0) {
            continuing = carry && step == carry_step && carry_rb;
            carry = 0;
            if (!st->rollback_phase) st->failed_step = last_failed;
            st->rollback_phase = 1;
            pending_failure = -1;
            st->incomplete_step = step;
            st->incomplete_in_rollback = 1;
            attempt = 1;
            free(part_end);
            part_end = NULL;
            if (!continuing) effects_clear(&eff, &neff, 0);
            if (!continuing) wait_from = st->nwaits;
        } else if (!strcmp(rec, "wait") && step >= 0 && step == st->incomplete_step && json_object_get(r, "part")) {
            /* a wait's deadline: a resume of this part keeps it (rbk_resume.waits) */
            json_t *dl = json_object_get(r, "deadline_ms");
            if (json_is_integer(dl) && json_integer_value(dl) > 0) {
                /* what waits (wait(): no `effect`) and, for approve(), its question: a resume
                 * keeps the deadline of the same wait only */
                const char *what = json_string_value(json_object_get(r, "effect")), *target = json_string_value(json_object_get(r, "target"));
                st->waits = rbk_xrealloc(st->waits, sizeof *st->waits * (size_t)(st->nwaits + 1));
                st->waits[st->nwaits++] = (rbk_resume_wait){part_of(json_string_value(json_object_get(r, "part"))), jint(r, "seq", 0),
                                                            json_integer_value(dl), what ? rbk_xstrdup(what) : NULL,
                                                            target ? rbk_xstrdup(target) : NULL};
            }
        } else if (!strcmp(rec, "rollback_end") && step >= 0 && status) {
            if (!st->rollback_phase) st->failed_step = last_failed;
            st->rollback_phase = 1;
            pending_failure = -1;
            if (!strcmp(status, "ok") || !strcmp(status, "none")) {
                st->rolled_back[step] = 1;
                if (st->incomplete_step == step) { st->incomplete_step = -1; effects_clear(&eff, &neff, 0); }
            } else if (st->incomplete_step == step && st->incomplete_in_rollback) {
                free(part_end);
                part_end = strdup(status);
            }
        } else if (!strcmp(rec, "effect_start") && step >= 0 && step == st->incomplete_step &&
                   !json_is_true(json_object_get(r, "dry_run")) && json_object_get(r, "part") &&
                   !(continuing && json_is_true(json_object_get(r, "replayed")))) {
            rbk_part pt = part_of(json_string_value(json_object_get(r, "part")));
            int sq = jint(r, "seq", 0);
            jeffect *x = NULL;
            for (int i = 0; continuing && i < neff && !x; i++)
                if (eff[i].part == pt && eff[i].seq == sq) x = &eff[i]; /* performed again: the new record counts */
            if (x) {
                free(x->effect); free(x->target); free(x->status);
                json_decref(x->result);
            } else {
                eff = realloc(eff, sizeof *eff * (size_t)(neff + 1));
                x = &eff[neff++];
            }
            memset(x, 0, sizeof *x);
            x->id = json_is_integer(eid) ? json_integer_value(eid) : -1;
            x->part = pt;
            x->seq = sq;
            x->write = !json_is_false(json_object_get(r, "write"));
            x->effect = jdup(r, "effect");
            x->target = jdup(r, "target");
        } else if (!strcmp(rec, "effect_end") && json_is_integer(eid)) {
            for (int i = 0; i < neff; i++)
                if (eff[i].id == json_integer_value(eid) && !eff[i].ended) {
                    eff[i].ended = 1;
                    eff[i].status = strdup(status ? status : "?");
                    eff[i].code = jint(r, "code", 0);
                    json_t *d = json_object_get(r, "duration_ms");
                    eff[i].duration_ms = json_is_integer(d) ? json_integer_value(d) : 0;
                    eff[i].result = json_incref(json_object_get(r, "result"));
                }
        }
        json_decref(r);
    }
#undef BAD
done:
    rbk_sbuf_free(&data);
    if (!rc && !begun) {
        rbk_sbuf_printf(&e, "%s: empty: no run was journaled in it", path);
        rc = -1;
    }
    if (rc) {
        effects_clear(&eff, &neff, 0);
        free(part_end);
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
        effects_clear(&eff, &neff, 0);
    }
    if (st->incomplete_step >= 0) {
        /* cut off: no end, or it ended interrupted (the rollback block too: its last effect was) */
        int last_interrupted = neff && eff[neff - 1].ended && !strcmp(eff[neff - 1].status, "interrupted");
        st->cut = !part_end || !strcmp(part_end, "interrupted") || last_interrupted;
        st->cut_attempt = attempt;
        if (st->cut) {
            build_replay(st, eff, neff);
            if (st->waits) {
                waits_free(st->waits, wait_from);
                st->nwaits -= wait_from;
                memmove(st->waits, st->waits + wait_from, sizeof *st->waits * (size_t)st->nwaits);
            }
        } else {
            st->ended_status = strdup(part_end);
            for (int i = 0; i < neff; i++)
                if (eff[i].write && eff[i].ended) add_listed(&st->again, &st->nagain, &eff[i], eff[i].status, -1);
        }
    }
    if (!st->cut) { waits_free(st->waits, st->nwaits); st->nwaits = 0; }
    effects_clear(&eff, &neff, 0);
    free(part_end);
    return 0;
}

void rbk_journal_state_free(rbk_journal_state *st) {
    free(st->artifact); free(st->runbook); free(st->cwd); free(st->title); free(st->on_failure); free(st->only); free(st->fail_at);
    free(st->from);
    free(st->holder); free(st->ended_status);
    waits_free(st->waits, st->nwaits);
    free(st->waits);
    for (int i = 0; i < st->ninstances; i++) { free(st->instances[i].label); free(st->instances[i].write_list); }
    free(st->instances);
    for (int i = 0; i < st->nparams; i++) { free(st->params[i].key); free(st->params[i].value); free(st->params[i].masked); }
    free(st->params);
    for (int i = 0; i < st->nenv; i++) { free(st->env[i].key); free(st->env[i].value); free(st->env[i].masked); }
    free(st->env);
    for (int i = 0; i < st->n; i++) free(st->checkpoint[i]);
    free(st->checkpoint); free(st->done); free(st->rolled_back);
    for (int i = 0; i < st->nreplay; i++) {
        rbk_replay *r = &st->replay[i];
        free((char *)r->effect); free((char *)r->target); free((char *)r->status); free((char *)r->value); free((char *)r->error);
    }
    free(st->replay);
    for (int i = 0; i < st->nunknown; i++) { free(st->unknown[i].effect); free(st->unknown[i].target); free(st->unknown[i].why); }
    free(st->unknown);
    for (int i = 0; i < st->nagain; i++) { free(st->again[i].effect); free(st->again[i].target); free(st->again[i].why); }
    free(st->again);
    memset(st, 0, sizeof *st);
}

/* ------------------------------------------------------------ the start of a resume */
/* v as the journal would hold it: masked, and JSON's lossy text (sbuf.h) read back */
static void as_journaled(rbk_vm *vm, const char *v, rbk_sbuf *out) {
    rbk_sbuf m = RBK_SBUF_INIT, j = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &m, v, strlen(v));
    rbk_sbuf_add_json_str(&j, rbk_sbuf_cstr(&m), m.len);
    json_t *s = json_loadb(rbk_sbuf_cstr(&j), j.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    rbk_sbuf_adds(out, json_is_string(s) ? json_string_value(s) : "");
    json_decref(s);
    rbk_sbuf_free(&m);
    rbk_sbuf_free(&j);
}

/* then: the journal's value; now: the value now (NULL: unset). 1 when they differ. */
static int differs(rbk_vm *vm, const rbk_journal_value *then, const char *now) {
    if (then->masked) {
        if (!now) return 1;
        rbk_sbuf a = RBK_SBUF_INIT;
        as_journaled(vm, now, &a);
        int d = strcmp(rbk_sbuf_cstr(&a), then->masked) != 0;
        rbk_sbuf_free(&a);
        return d;
    }
    if (!then->value || !now) return !then->value != !now;
    return strcmp(then->value, now) != 0;
}

static void show(rbk_vm *vm, rbk_sbuf *out, const rbk_journal_value *then, const char *now, int is_now) {
    if (is_now ? !now : !then->value && !then->masked) { rbk_sbuf_adds(out, "unset"); return; }
    rbk_sbuf t = RBK_SBUF_INIT;
    if (is_now) rbk_vm_mask(vm, &t, now, strlen(now)); /* never a secret in a message */
    else rbk_sbuf_adds(&t, then->masked ? then->masked : "");
    if (!is_now && !then->masked) rbk_vm_mask(vm, &t, then->value, strlen(then->value));
    rbk_sbuf_add_json_str(out, rbk_sbuf_cstr(&t), t.len);
    rbk_sbuf_free(&t);
}

int rbk_journal_check_start(const rbk_journal_state *st, rbk_vm *vm, rbk_sbuf *problems) {
    int n = 0;
    for (int i = 0; i < st->nenv; i++) {
        const char *now = rbk_run_env(rbk_vm_opts(vm), st->env[i].key);
        if (!differs(vm, &st->env[i], now)) continue;
        rbk_sbuf_printf(problems, "the environment is not the one the run started with: %s was ", st->env[i].key);
        show(vm, problems, &st->env[i], now, 0);
        rbk_sbuf_adds(problems, ", is now ");
        show(vm, problems, &st->env[i], now, 1);
        if (st->env[i].masked) rbk_sbuf_adds(problems, " (the parts that are not secret are compared)");
        rbk_sbuf_addc(problems, '\n');
        n++;
    }
    /* a parameter the journal held masked was given again: it must be the one the run had */
    for (int i = 0; i < st->nparams; i++) {
        if (!st->params[i].masked) continue;
        const char *now = NULL;
        const rbk_run_opts *o = rbk_vm_opts(vm);
        for (int k = 0; k < o->nparams; k++)
            if (!strcmp(o->params[k].key, st->params[i].key)) now = o->params[k].value;
        if (!differs(vm, &st->params[i], now)) continue;
        rbk_sbuf_printf(problems, "--param %s: not the value the run started with (the journal holds it masked: ", st->params[i].key);
        show(vm, problems, &st->params[i], now, 0);
        rbk_sbuf_adds(problems, "; given: ");
        show(vm, problems, &st->params[i], now, 1);
        rbk_sbuf_adds(problems, ")\n");
        n++;
    }
    return n;
}

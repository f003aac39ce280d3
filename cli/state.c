/* cli/state.c — see state.h: choosing the store, run ids, and the local-directory backend.
 * A directory store DIR holds
 *   DIR/runs/ID/meta.json      the run's metadata (written once: temporary, fsync, rename, fsync DIR)
 *   DIR/runs/ID/journal.jsonl  its journal, written and locked by cli/journal.c as --journal FILE is
 *   DIR/runs/ID/run.lock       flocked by the process that continues the run (run, resume): it is live
 *   DIR/locks/NAME.lock        a run lock: held with flock(2) by the run for its life (the kernel
 *                              drops it when the holder dies); its text says who holds it
 * A run is live while its run.lock is held; it ended when its journal's last run_end is
 * after its last resume (docs/state.md). */
#include "state.h"
#include "../support/fileops.h"
#include "../support/jsonw.h"
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "../vm/builtins.h"

static char *fail(char **err, const char *fmt, const char *a, const char *b) {
    rbk_sbuf e = RBK_SBUF_INIT;
    rbk_sbuf_printf(&e, fmt, a, b);
    *err = rbk_sbuf_detach(&e);
    return NULL;
}

char *rbk_state_new_id(void) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    unsigned char r[3] = {0};
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) { /* a clock and the pid then: still unique enough per host */
        long x = (long)clock() ^ ((long)getpid() << 8);
        memcpy(r, &x, sizeof r);
    }
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_printf(&b, "%04d%02d%02d-%02d%02d-%02x%02x%02x", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, r[0],
                    r[1], r[2]);
    return rbk_sbuf_detach(&b);
}

int rbk_state_id_ok(const char *id) {
    size_t n = strlen(id);
    if (n == 0 || n > 64 || id[0] == '-') return 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') || id[i] == '-')) return 0;
    return 1;
}

void rbk_state_run_clear(rbk_state_run *r) {
    free(r->id); free(r->title); free(r->artifact); free(r->runbook); free(r->operator_); free(r->host); free(r->locks);
    free(r->asks);
    memset(r, 0, sizeof *r);
}
void rbk_state_runs_free(rbk_state_run *runs, int n) {
    for (int i = 0; i < n; i++) rbk_state_run_clear(&runs[i]);
    free(runs);
}

const char *rbk_state_status(const rbk_state_run *r) {
    if (r->live && r->waiting) return "waiting for approval";
    if (r->live) return "running";
    if (!r->begun) return "not started";
    if (!r->ended) return "interrupted";
    switch (r->end_code) {
    case 0: return "ended: GO";
    case 1: return "ended: failed, rolled back";
    case 2: return "ended: stopped";
    case 3: return "ended: not restored";
    case 4: return "ended: interrupted";
    default: return "ended: refused";
    }
}

/* ------------------------------------------------------------ the directory backend */
typedef struct dir_store {
    char *dir;
    int *lockfds; int nlockfds; /* the run locks taken: held until close */
} dir_store;

static char *path2(const char *a, const char *b, const char *c) {
    rbk_sbuf p = RBK_SBUF_INIT;
    rbk_sbuf_printf(&p, "%s/%s", a, b);
    if (c) rbk_sbuf_printf(&p, "/%s", c);
    return rbk_sbuf_detach(&p);
}

static int mkdir_p(const char *path, mode_t mode) {
    char *p = rbk_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, mode) && errno != EEXIST) { free(p); return -1; }
        *s = '/';
    }
    int rc = mkdir(p, mode) && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

static void fsync_dir(const char *dir) {
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d >= 0) { fsync(d); close(d); }
}

static void *dir_open(const char *where, char **err) {
    struct stat st;
    /* a team's directory is shared: group-writable when the umask allows it */
    char *runs = path2(where, "runs", NULL), *locks = path2(where, "locks", NULL);
    int bad = mkdir_p(runs, 0777) || mkdir_p(locks, 0777) || stat(runs, &st) || !S_ISDIR(st.st_mode);
    int en = errno;
    free(runs);
    free(locks);
    if (bad) return fail(err, "%s: cannot use it as a run store: %s", where, strerror(en ? en : ENOTDIR));
    dir_store *s = rbk_xcalloc(1, sizeof *s);
    /* absolute: `resume` goes back to the run's directory (chdir) while it holds the store */
    char *abs = realpath(where, NULL);
    s->dir = abs ? abs : rbk_xstrdup(where);
    return s;
}

static void dir_close(void *h) {
    dir_store *s = h;
    for (int i = 0; i < s->nlockfds; i++) close(s->lockfds[i]); /* the locks go with them */
    free(s->lockfds);
    free(s->dir);
    free(s);
}

static char *dir_journal_path(void *h, const char *id) {
    dir_store *s = h;
    rbk_sbuf p = RBK_SBUF_INIT;
    rbk_sbuf_printf(&p, "%s/runs/%s/journal.jsonl", s->dir, id);
    return rbk_sbuf_detach(&p);
}

/* Writes path whole and durable: a temporary in its directory, fsync, rename, fsync of the directory. */
/* DIR/NAME replaced atomically and durably with text (support/fileops.h: temp file, fsync,
 * rename, fsync of the directory). */
static int write_durable(const char *dir, const char *name, const rbk_sbuf *text, char **err) {
    char *dst = path2(dir, name, NULL);
    rbk_sbuf e = RBK_SBUF_INIT;
    int rc = rbk_file_write_atomic(dst, text->data ? text->data : "", text->len, &e) == RBK_FILE_OK ? 0 : -1;
    if (rc) fail(err, "%s%s", rbk_sbuf_cstr(&e), "");
    rbk_sbuf_free(&e);
    free(dst);
    return rc;
}

/* A key with a string, left out when the string is NULL (as the readers expect). */
static void jw_opt_str(rbk_jw *w, const char *k, const char *v) {
    if (v) rbk_jw_str(w, k, v);
}

/* The run's own lock: DIR/runs/ID/run.lock, flocked by the process that continues the run
 * (the kernel drops it when that process dies). 0 taken (kept until close), 1 held, -1 error. */
static int run_lock(dir_store *s, const char *id, char **err) {
    char *d = path2(s->dir, "runs", id), *p = path2(d, "run.lock", NULL);
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    int rc = fd < 0 ? -1 : flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno == EWOULDBLOCK ? 1 : -1;
    if (rc < 0) fail(err, "%s: %s", p, strerror(errno));
    if (rc) {
        if (fd >= 0) close(fd);
    } else {
        s->lockfds = rbk_xrealloc(s->lockfds, sizeof(int) * (size_t)(s->nlockfds + 1));
        s->lockfds[s->nlockfds++] = fd;
    }
    free(d);
    free(p);
    return rc;
}

static int dir_create_run(void *h, const rbk_state_run *r, char **err) {
    dir_store *s = h;
    char *d = path2(s->dir, "runs", r->id);
    if (mkdir(d, 0777)) {
        fail(err, "%s: cannot create the run's directory: %s", d, strerror(errno));
        free(d);
        return -1;
    }
    /* held before the metadata makes the run visible: a run that is listed is live or was */
    if (run_lock(s, r->id, err)) {
        free(d);
        return -1;
    }
    rbk_sbuf t = RBK_SBUF_INIT; /* through the one JSON writer (support/jsonw.h) */
    rbk_jw w;
    rbk_jw_init(&w, &t, 0, rbk_sbuf_add_json_str);
    rbk_jw_open(&w, NULL, '{');
    jw_opt_str(&w, "id", r->id);
    jw_opt_str(&w, "title", r->title);
    jw_opt_str(&w, "artifact", r->artifact);
    jw_opt_str(&w, "runbook", r->runbook);
    jw_opt_str(&w, "operator", r->operator_);
    jw_opt_str(&w, "host", r->host);
    rbk_jw_int(&w, "pid", r->pid);
    rbk_jw_int(&w, "started_ms", r->started_ms);
    jw_opt_str(&w, "locks", r->locks);
    rbk_jw_close(&w, '}');
    rbk_sbuf_addc(&t, '\n');
    int rc = write_durable(d, "meta.json", &t, err);
    if (!rc) fsync_dir(s->dir);
    rbk_sbuf_free(&t);
    free(d);
    return rc;
}

static int dir_take_run(void *h, const char *id, char **err) { return run_lock(h, id, err); }

static int dir_append(void *h, const char *id, const char *line, size_t len, char **err) {
    (void)h, (void)id, (void)line, (void)len;
    fail(err, "%s%s", "the directory store keeps journals as files", "");
    return -1;
}

/* A lock name as a file name: bytes outside [A-Za-z0-9._-] as %XX; never empty, never "." or "..". */
static char *lock_file(const dir_store *s, const char *name) {
    rbk_sbuf p = RBK_SBUF_INIT;
    rbk_sbuf_printf(&p, "%s/locks/", s->dir);
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        int plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
                    (*c == '.' && c != (const unsigned char *)name);
        if (plain) rbk_sbuf_addc(&p, (char)*c);
        else rbk_sbuf_printf(&p, "%%%02X", *c);
    }
    rbk_sbuf_adds(&p, ".lock");
    return rbk_sbuf_detach(&p);
}

/* Whether process pid holds a flock on the file of fd (/proc/locks: "1: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE ..."). */
static int pid_holds(int fd, long long pid) {
    struct stat st;
    FILE *f = fopen("/proc/locks", "re");
    if (!f || fstat(fd, &st)) { if (f) fclose(f); return 0; }
    char line[512];
    int yes = 0;
    while (!yes && fgets(line, sizeof line, f)) {
        long long p;
        unsigned maj, min;
        unsigned long long ino;
        char kind[16];
        if (sscanf(line, "%*s %15s %*s %*s %lld %x:%x:%llu", kind, &p, &maj, &min, &ino) == 5)
            yes = !strcmp(kind, "FLOCK") && p == pid && ino == (unsigned long long)st.st_ino;
    }
    fclose(f);
    return yes;
}

/* Who holds the lock of fd: its holder writes it just after taking the flock, so the text may
 * still be the last holder's, or empty, for a moment: on this host the text counts when its pid
 * holds the flock; read again for up to 2 s, then "{}" (not known). */
static char *read_holder(int fd, const char *myhost) {
    for (int tries = 0;; tries++) {
        rbk_sbuf t = RBK_SBUF_INIT;
        char buf[4096];
        ssize_t n;
        off_t off = 0;
        while ((n = pread(fd, buf, sizeof buf, off)) > 0 && t.len < 65536) { rbk_sbuf_add(&t, buf, (size_t)n); off += n; }
        json_t *m = t.len ? json_loadb(t.data, t.len, 0, NULL) : NULL;
        const char *host = json_string_value(json_object_get(m, "host"));
        int current = m && host && (strcmp(host, myhost) || pid_holds(fd, json_integer_value(json_object_get(m, "pid"))));
        json_decref(m);
        if (current) return rbk_sbuf_detach(&t);
        rbk_sbuf_free(&t);
        if (tries == 20) return rbk_xstrdup("{}");
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static int dir_lock(void *h, const char *name, const rbk_state_holder *me, char **held, char **err) {
    dir_store *s = h;
    *held = NULL;
    char *path = lock_file(s, name);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        fail(err, "%s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        int en = errno;
        if (en != EWOULDBLOCK) {
            fail(err, "%s: cannot lock it: %s", path, strerror(en));
            close(fd);
            free(path);
            return -1;
        }
        *held = read_holder(fd, me->host);
        close(fd);
        free(path);
        return 1;
    }
    /* the lock is ours: who holds it now, for whoever is refused (the kernel releases the flock
     * when this process dies, whatever the file says then) */
    rbk_sbuf text = RBK_SBUF_INIT;
    rbk_jw w;
    rbk_jw_init(&w, &text, 0, rbk_sbuf_add_json_str);
    rbk_jw_open(&w, NULL, '{');
    jw_opt_str(&w, "run", me->run_id);
    jw_opt_str(&w, "operator", me->operator_);
    jw_opt_str(&w, "host", me->host);
    rbk_jw_int(&w, "pid", me->pid);
    rbk_jw_int(&w, "since_ms", me->since_ms);
    rbk_jw_close(&w, '}');
    if (ftruncate(fd, 0) || pwrite(fd, rbk_sbuf_cstr(&text), text.len, 0) != (ssize_t)text.len) {
        fail(err, "%s: cannot write it: %s", path, strerror(errno));
        rbk_sbuf_free(&text);
        close(fd);
        free(path);
        return -1;
    }
    rbk_sbuf_free(&text);
    free(path);
    s->lockfds = rbk_xrealloc(s->lockfds, sizeof(int) * (size_t)(s->nlockfds + 1));
    s->lockfds[s->nlockfds++] = fd;
    return 0;
}

static char *jstr(json_t *o, const char *k) {
    const char *v = json_string_value(json_object_get(o, k));
    return v ? rbk_xstrdup(v) : NULL;
}

/* live (its run.lock held by a process), ended and the exit code (from the journal) */
static void dir_status(dir_store *s, rbk_state_run *r) {
    char *d = path2(s->dir, "runs", r->id), *lp = path2(d, "run.lock", NULL);
    int lfd = open(lp, O_RDONLY | O_CLOEXEC);
    free(d);
    free(lp);
    if (lfd >= 0) {
        int held = 0;
        for (int i = 0; i < s->nlockfds && !held; i++) { /* our own: this process continues it */
            struct stat a, b;
            held = fstat(s->lockfds[i], &a) == 0 && fstat(lfd, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
        }
        if (held) r->live = 1;
        else if (flock(lfd, LOCK_SH | LOCK_NB)) r->live = errno == EWOULDBLOCK;
        else flock(lfd, LOCK_UN);
        close(lfd);
    }
    char *jp = dir_journal_path(s, r->id);
    int fd = open(jp, O_RDONLY | O_CLOEXEC);
    free(jp);
    if (fd < 0) return;
    FILE *f = fdopen(fd, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] != '\n') break; /* cut short */
        if (!strncmp(line, "{\"rec\":\"begin\"", 14)) r->begun = 1;
        else if (!strncmp(line, "{\"rec\":\"resume\"", 15)) r->ended = 0;
        else if (!strncmp(line, "{\"rec\":\"run_end\"", 16)) {
            json_t *e = json_loadb(line, (size_t)len, 0, NULL);
            json_t *c = json_object_get(e, "code");
            r->ended = 1;
            r->end_code = json_is_integer(c) ? (int)json_integer_value(c) : -1;
            json_decref(e);
        }
    }
    free(line);
    fclose(f);
}

static int dir_get(void *h, const char *id, rbk_state_run *r, char **err) {
    dir_store *s = h;
    memset(r, 0, sizeof *r);
    if (!rbk_state_id_ok(id)) return 1;
    rbk_sbuf p = RBK_SBUF_INIT;
    rbk_sbuf_printf(&p, "%s/runs/%s/meta.json", s->dir, id);
    json_error_t je;
    json_t *m = json_load_file(rbk_sbuf_cstr(&p), 0, &je);
    if (!m) {
        int missing = access(rbk_sbuf_cstr(&p), F_OK) != 0;
        if (!missing) fail(err, "%s: %s", rbk_sbuf_cstr(&p), je.text);
        rbk_sbuf_free(&p);
        return missing ? 1 : -1;
    }
    rbk_sbuf_free(&p);
    r->id = rbk_xstrdup(id);
    r->title = jstr(m, "title");
    r->artifact = jstr(m, "artifact");
    r->runbook = jstr(m, "runbook");
    r->operator_ = jstr(m, "operator");
    r->host = jstr(m, "host");
    r->locks = jstr(m, "locks");
    r->pid = json_integer_value(json_object_get(m, "pid"));
    r->started_ms = json_integer_value(json_object_get(m, "started_ms"));
    json_decref(m);
    dir_status(s, r);
    return 0;
}

static int newest_first(const void *a, const void *b) {
    const rbk_state_run *x = a, *y = b;
    if (x->started_ms != y->started_ms) return x->started_ms < y->started_ms ? 1 : -1;
    return strcmp(y->id, x->id);
}

static int dir_list(void *h, rbk_state_run **runs, int *n, char **err) {
    dir_store *s = h;
    *runs = NULL;
    *n = 0;
    char *d = path2(s->dir, "runs", NULL);
    DIR *dp = opendir(d);
    if (!dp) {
        fail(err, "%s: %s", d, strerror(errno));
        free(d);
        return -1;
    }
    free(d);
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (!rbk_state_id_ok(de->d_name)) continue;
        rbk_state_run r;
        char *e = NULL;
        int rc = dir_get(s, de->d_name, &r, &e);
        free(e); /* a directory without readable metadata (being created, or not a run): not listed */
        if (rc) continue;
        *runs = rbk_xrealloc(*runs, sizeof **runs * (size_t)(*n + 1));
        (*runs)[(*n)++] = r;
    }
    closedir(dp);
    if (*n) qsort(*runs, (size_t)*n, sizeof **runs, newest_first);
    return 0;
}

static int dir_read(void *h, const char *id, long long *cursor, rbk_sbuf *out, char **err) {
    char *jp = dir_journal_path(h, id);
    int fd = open(jp, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int en = errno;
        if (en == ENOENT) { free(jp); return 0; } /* registered, its first record not written yet */
        fail(err, "%s: %s", jp, strerror(en));
        free(jp);
        return -1;
    }
    free(jp);
    rbk_sbuf t = RBK_SBUF_INIT;
    char buf[65536];
    ssize_t n;
    off_t off = (off_t)*cursor;
    while ((n = pread(fd, buf, sizeof buf, off)) > 0) { rbk_sbuf_add(&t, buf, (size_t)n); off += n; }
    close(fd);
    /* whole records only: a line being written is read next time */
    size_t whole = t.len;
    while (whole && t.data[whole - 1] != '\n') whole--;
    rbk_sbuf_add(out, t.data, whole);
    *cursor += (long long)whole;
    rbk_sbuf_free(&t);
    return 0;
}

static const rbk_state_ops dir_ops = {
    "directory", dir_open, dir_create_run, dir_take_run, dir_journal_path, dir_append, dir_lock, dir_list, dir_get, dir_read, dir_close,
    NULL, NULL, /* approvals need a shared store with identities: PostgreSQL */
};

/* ------------------------------------------------------------ choosing the store */
static int is_pg_url(const char *s) { return !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11); }

static const rbk_state_ops *pg_ops(char **err) {
    /* dlopen maps the plugin once per process: the handle is never closed */
    char *path = rbk_plugin_path("runbook-state.so");
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fail(err, "cannot load the PostgreSQL store (%s): %s", path, dlerror());
        free(path);
        return NULL;
    }
    free(path);
    void *sym = dlsym(h, "rbk_state_pg_ops");
    if (!sym) { fail(err, "%s%s", "runbook-state.so lacks rbk_state_pg_ops", ""); return NULL; }
    rbk_state_pg_entry entry;
    memcpy(&entry, &sym, sizeof sym);
    return entry();
}

/* A URL without its password (postgresql://user:SECRET@host/db -> postgresql://user:***@host/db):
 * the store's name is printed in messages. */
static char *printable(const char *spec) {
    const char *scheme = strstr(spec, "://");
    if (!is_pg_url(spec) || !scheme) return rbk_xstrdup(spec);
    const char *auth = scheme + 3, *at = strchr(auth, '@'), *colon = strchr(auth, ':');
    const char *slash = strchr(auth, '/');
    if (!at || (slash && slash < at) || !colon || colon > at) return rbk_xstrdup(spec);
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_add(&b, spec, (size_t)(colon + 1 - spec));
    rbk_sbuf_adds(&b, "***");
    rbk_sbuf_adds(&b, at);
    return rbk_sbuf_detach(&b);
}

char *rbk_state_user_dir(const char *sub, char **err) {
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    rbk_sbuf p = RBK_SBUF_INIT;
    if (xdg && *xdg == '/') rbk_sbuf_printf(&p, "%s/runbook", xdg);
    else if (home && *home) rbk_sbuf_printf(&p, "%s/.local/state/runbook", home);
    else return fail(err, "%s%s", "no $XDG_STATE_HOME and no $HOME for the per-user directory", "");
    if (sub) rbk_sbuf_printf(&p, "/%s", sub);
    char *dir = rbk_sbuf_detach(&p);
    if (mkdir_p(dir, 0700)) { /* the user's alone */
        int en = errno;
        fail(err, "%s: %s", dir, strerror(en));
        free(dir);
        return NULL;
    }
    return dir;
}

rbk_state *rbk_state_open(const char *spec, char **err) {
    char *deflt = NULL;
    if (!spec || !*spec) spec = getenv(RBK_STATE_ENV);
    if (!spec || !*spec) {
        char *e = NULL;
        if (!(deflt = rbk_state_user_dir(NULL, &e))) {
            fail(err, "the per-user store (no --state, no $" RBK_STATE_ENV "): %s%s", e, "");
            free(e);
            return NULL;
        }
        spec = deflt;
    }
    const rbk_state_ops *ops = is_pg_url(spec) ? pg_ops(err) : &dir_ops;
    void *h = ops ? ops->open(spec, err) : NULL;
    if (!h) { free(deflt); return NULL; }
    rbk_state *s = rbk_xcalloc(1, sizeof *s);
    s->ops = ops;
    s->h = h;
    s->where = deflt ? deflt : printable(spec);
    return s;
}

void rbk_state_close(rbk_state *s) {
    if (!s) return;
    s->ops->close(s->h);
    free(s->where);
    free(s->run_id);
    free(s);
}

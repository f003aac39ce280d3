/* stdlib/std_sh.c — the natives sh() and exec() (rows SH and EXEC of stdlib/builtins.def).
 * Owns: argument checking (types, NUL bytes), the effect events (intent before, outcome after,
 * with the whole output, which the VM masks), live output lines with --verbose, the result map
 * {code, stdout, stderr, time}, and the error texts for a failed, killed, timed-out or
 * interrupted command. The process itself is run by stdlib/proc.c; quoting is in
 * support/shquote.c.
 * Shares invariants with: stdlib/builtins.def (signature order), vm/native.h (what a
 * native may call), docs/shell.md (documented behaviour), tests/golden/sh/. */
#include "std_sh.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../support/fileops.h"
#include "proc.h"
#include "remote.h"

typedef struct sh_args {
    const char *label;       /* "sh" | "exec" */
    const char *cmd;         /* sh: the command */
    const char **argv;       /* exec: NULL-terminated, borrowed strings */
    int64_t timeout_ms;      /* -1: the run's default */
    int check;
    const char *cwd;
    char **env;              /* owned "NAME=VALUE" / "NAME" strings, NULL-terminated */
    size_t nenv;
    const char *stdin_data;  /* NULL: /dev/null */
    size_t stdin_len;
    int64_t max_output;      /* per stream */
    int secret;              /* the command is secret: the whole result is marked */
    int secret_out;          /* secret: true — the output is secret */
    int tty;                 /* tty: true — run on a pseudo-terminal handed to the operator */
    rbk_sbuf display;        /* the command as shown in events and errors (unmasked) */
} sh_args;

static void sh_args_free(sh_args *a) {
    free(a->argv);
    for (size_t i = 0; i < a->nenv; i++) free(a->env[i]);
    free(a->env);
    rbk_sbuf_free(&a->display);
}

/* A string argument (nil allowed when optional): rejects other types and NUL bytes. */
static int get_str(rbk_vm *vm, const sh_args *a, const char *name, rbk_value v,
                   const char **out, int nul_ok) {
    *out = NULL;
    if (v.t == RBK_T_NIL) return 0;
    if (v.t != RBK_T_STRING)
        return rbk_vm_error(vm, "%s: %s must be a string, got %s", a->label, name,
                            rbk_type_name((rbk_type)v.t));
    if (!nul_ok && rbk_sh_has_nul(rbk_arg_str(v), rbk_arg_len(v)))
        return rbk_vm_error(vm, "%s: %s contains a NUL byte, which cannot be passed to a process",
                            a->label, name);
    *out = rbk_arg_str(v);
    return 0;
}

/* True when s can be shown without quotes in a display of argv. */
static int plain_word(const char *s) {
    if (!*s) return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("_-./:@%+,=", c)))
            return 0;
    }
    return 1;
}

static int parse_args(rbk_vm *vm, int is_exec, rbk_value *args, int nargs, sh_args *a) {
    if (nargs < 11) return rbk_vm_error(vm, "%s: expected 11 arguments, got %d", a->label, nargs);
    rbk_value cmd = args[0];
    a->secret = cmd.secret;
    if (!is_exec) {
        if (cmd.t != RBK_T_STRING)
            return rbk_vm_error(vm, "sh: the command must be a string, got %s",
                                rbk_type_name((rbk_type)cmd.t));
        if (get_str(vm, a, "the command", cmd, &a->cmd, 0) != 0) return -1;
        rbk_sbuf_add(&a->display, a->cmd, rbk_arg_len(cmd));
    } else {
        if (cmd.t != RBK_T_LIST)
            return rbk_vm_error(vm, "exec: argv must be a list of strings, got %s",
                                rbk_type_name((rbk_type)cmd.t));
        rbk_list *l = RBK_AS_LIST(cmd);
        if (l->len == 0) return rbk_vm_error(vm, "exec: argv is empty (it needs a program)");
        a->argv = rbk_xcalloc(l->len + 1, sizeof *a->argv);
        for (size_t i = 0; i < l->len; i++) {
            rbk_value it = l->items[i];
            if (it.secret) a->secret = 1;
            if (it.t != RBK_T_STRING)
                return rbk_vm_error(vm, "exec: argv[%zu] must be a string, got %s (use str(...))",
                                    i, rbk_type_name((rbk_type)it.t));
            if (rbk_sh_has_nul(rbk_arg_str(it), rbk_arg_len(it)))
                return rbk_vm_error(vm, "exec: argv[%zu] contains a NUL byte, which cannot be "
                                        "passed to a process", i);
            a->argv[i] = rbk_arg_str(it);
            if (i) rbk_sbuf_addc(&a->display, ' ');
            if (plain_word(a->argv[i]))
                rbk_sbuf_adds(&a->display, a->argv[i]);
            else
                rbk_sh_quote(&a->display, rbk_arg_str(it), rbk_arg_len(it));
        }
    }
    /* a command line that holds a secret the registry does not mask (a number, a text under 4
     * bytes: rbk_vm_text_mark) is shown *** whole, everywhere it is shown (docs/secrets.md) */
    if (rbk_vm_text_mark(vm, cmd) & RBK_OPAQUE) {
        rbk_sbuf_reset(&a->display);
        rbk_sbuf_adds(&a->display, RBK_MASK_REPLACEMENT);
    }

    rbk_value t = args[1];
    a->timeout_ms = -1;
    if (t.t == RBK_T_DURATION) {
        if (t.as.i <= 0)
            return rbk_vm_error(vm, "%s: timeout must be longer than 0, got %lldms", a->label,
                                (long long)t.as.i);
        a->timeout_ms = t.as.i;
    } else if (t.t != RBK_T_NIL) {
        return rbk_vm_error(vm, "%s: timeout must be a duration (e.g. 30s), got %s", a->label,
                            rbk_type_name((rbk_type)t.t));
    }

    rbk_value c = args[2];
    a->check = 1;
    if (c.t == RBK_T_BOOL)
        a->check = c.as.b;
    else if (c.t != RBK_T_NIL)
        return rbk_vm_error(vm, "%s: check must be a bool, got %s", a->label,
                            rbk_type_name((rbk_type)c.t));

    if (get_str(vm, a, "cwd", args[3], &a->cwd, 0) != 0) return -1;

    rbk_value e = args[4];
    if (e.t == RBK_T_MAP) {
        rbk_map *m = RBK_AS_MAP(e);
        a->env = rbk_xcalloc(m->len + 1, sizeof *a->env);
        for (size_t i = 0; i < m->len; i++) {
            rbk_str *k = rbk_map_key(m, i);
            rbk_value v = m->vals[i];
            if (k->len == 0 || memchr(k->data, '=', k->len) || rbk_sh_has_nul(k->data, k->len))
                return rbk_vm_error(vm, "%s: env: invalid variable name \"%s\" (empty, or "
                                        "contains '=' or a NUL byte)", a->label, k->data);
            rbk_sbuf kv = RBK_SBUF_INIT;
            rbk_sbuf_add(&kv, k->data, k->len);
            if (v.t == RBK_T_STRING || v.t == RBK_T_INT || v.t == RBK_T_FLOAT ||
                v.t == RBK_T_BOOL) {
                rbk_sbuf_addc(&kv, '=');
                size_t at = kv.len;
                rbk_value_str(&kv, v);
                if (rbk_sh_has_nul(kv.data + at, kv.len - at)) {
                    rbk_sbuf_free(&kv);
                    return rbk_vm_error(vm, "%s: env: the value of %s contains a NUL byte",
                                        a->label, k->data);
                }
            } else if (v.t != RBK_T_NIL) { /* nil removes the variable */
                rbk_sbuf_free(&kv);
                return rbk_vm_error(vm, "%s: env: the value of %s must be a string, got %s",
                                    a->label, k->data, rbk_type_name((rbk_type)v.t));
            }
            a->env[a->nenv++] = rbk_sbuf_detach(&kv);
        }
    } else if (e.t != RBK_T_NIL) {
        return rbk_vm_error(vm, "%s: env must be a map, got %s", a->label,
                            rbk_type_name((rbk_type)e.t));
    }

    if (get_str(vm, a, "stdin", args[5], &a->stdin_data, 1) != 0) return -1;
    if (a->stdin_data) a->stdin_len = rbk_arg_len(args[5]);

    /* read_only changes nothing here: it made the call a read for the dry run before the call
     * (rbk_call_effect); the command runs and is recorded like any other */
    if (args[6].t != RBK_T_BOOL && args[6].t != RBK_T_NIL)
        return rbk_vm_error(vm, "%s: read_only must be a bool, got %s", a->label,
                            rbk_type_name((rbk_type)args[6].t));
    if (rbk_limit_arg(vm, a->label, "max_output", args[7], RBK_SH_MAX_OUTPUT_DEFAULT,
                      (int64_t)RBK_TEXT_MAX - 1, &a->max_output))
        return -1;
    if (args[8].t != RBK_T_BOOL && args[8].t != RBK_T_NIL)
        return rbk_vm_error(vm, "%s: secret must be a bool, got %s", a->label,
                            rbk_type_name((rbk_type)args[8].t));
    a->secret_out = args[8].t == RBK_T_BOOL && args[8].as.b;
    if (args[9].t != RBK_T_BOOL && args[9].t != RBK_T_NIL)
        return rbk_vm_error(vm, "%s: tty must be a bool, got %s", a->label, rbk_type_name((rbk_type)args[9].t));
    a->tty = args[9].t == RBK_T_BOOL && args[9].as.b;
    if (a->tty && (a->stdin_data || a->secret_out))
        return rbk_vm_error(vm, "%s: tty: true goes with neither stdin: nor secret: true", a->label);
    return 0;
}

/* tty: true — what the command writes goes to the operator's terminal as it comes, masked; the
 * bytes that may begin a secret wait for the next read (rbk_vm_mask_stream). */
typedef struct tty_relay {
    rbk_vm *vm;
    int fd;
    rbk_sbuf held;
    char last;  /* the last byte shown: the run's next line starts on a line of its own */
} tty_relay;

static void tty_put(int fd, const char *s, size_t n) {
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return; /* the terminal went away: the command's output is still captured */
        s += w;
        n -= (size_t)w;
    }
}

static void tty_show(tty_relay *t, int last) {
    rbk_sbuf shown = RBK_SBUF_INIT, rest = RBK_SBUF_INIT;
    size_t at = t->held.len;
    if (last) rbk_vm_mask(t->vm, &shown, rbk_sbuf_cstr(&t->held), t->held.len);
    else at = rbk_vm_mask_stream(t->vm, &shown, rbk_sbuf_cstr(&t->held), t->held.len);
    tty_put(t->fd, rbk_sbuf_cstr(&shown), shown.len);
    if (shown.len) t->last = shown.data[shown.len - 1];
    if (last && t->last && t->last != '\n') tty_put(t->fd, "\r\n", 2);
    rbk_sbuf_add(&rest, rbk_sbuf_cstr(&t->held) + at, t->held.len - at);
    rbk_sbuf_free(&t->held);
    t->held = rest;
    rbk_sbuf_free(&shown);
}

static void tty_output(const char *p, size_t n, void *ctx) {
    tty_relay *t = ctx;
    rbk_sbuf_add(&t->held, p, n);
    tty_show(t, 0);
}

static void forward_line(const char *stream, const char *line, size_t len, void *ctx) {
    rbk_vm_output_line((rbk_vm *)ctx, stream, line, len);
}

/* The last `limit` bytes of s, not starting inside a UTF-8 sequence. */
static size_t tail_start(const char *s, size_t n, size_t limit) {
    if (n <= limit) return 0;
    size_t at = n - limit;
    for (int k = 0; k < 3 && at < n && ((unsigned char)s[at] & 0xC0) == 0x80; k++) at++;
    return at;
}

/* What the event shows of a stream captured as a tail (past max_output: proc.h): the capture's
 * first RBK_SH_TAIL_SKIP bytes may begin inside a secret that masking cannot recognise, so they
 * are never shown; the rest is masked into *masked, and the event gets its last
 * RBK_SH_TAIL_SKIP bytes (from a whole UTF-8 sequence on), which is the same for the same
 * output however much of it the capture kept. Returns where that part starts in *masked. */
#define RBK_SH_TAIL_SKIP (64 * 1024)
_Static_assert(RBK_PROC_TAIL_KEEP >= 2 * RBK_SH_TAIL_SKIP, "a tail left after the skip");
static size_t masked_end(rbk_vm *vm, rbk_sbuf *raw, rbk_sbuf *masked) {
    const char *s = rbk_sbuf_cstr(raw);
    size_t n = raw->len;
    size_t at = RBK_SH_TAIL_SKIP < n ? RBK_SH_TAIL_SKIP : n;
    rbk_vm_mask(vm, masked, s + at, n - at);
    s = rbk_sbuf_cstr(masked);
    n = masked->len;
    at = n > RBK_SH_TAIL_SKIP ? n - RBK_SH_TAIL_SKIP : 0;
    for (int k = 0; k < 3 && at < n && ((unsigned char)s[at] & 0xC0) == 0x80; k++) at++;
    return at;
}

/* Appends the last RBK_SH_ERROR_LINES lines of (already masked) stderr, indented. */
static void add_stderr_lines(rbk_sbuf *msg, const char *s, size_t n) {
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    if (n == 0) return;
    size_t start = n;
    int lines = 0;
    while (start > 0 && lines < RBK_SH_ERROR_LINES) {
        start--;
        if (s[start] == '\n') {
            lines++;
            if (lines == RBK_SH_ERROR_LINES) {
                start++;
                break;
            }
        }
    }
    rbk_sbuf_adds(msg, "\nlast lines of stderr:");
    const char *p = s + start, *end = s + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t show = len > 500 ? tail_start(p, len, 500) : 0; /* keep the line's end */
        rbk_sbuf_adds(msg, "\n  ");
        if (show) rbk_sbuf_adds(msg, "...");
        /* the message is a C string: a NUL byte would end it (and drop the rest, the hint
         * included); show it as the control picture ␀, as the reports do */
        for (const char *q = p + show, *e = p + len; q < e;) {
            const char *z = memchr(q, 0, (size_t)(e - q));
            rbk_sbuf_add(msg, q, (size_t)((z ? z : e) - q));
            if (!z) break;
            rbk_sbuf_adds(msg, "\xe2\x90\x80");
            q = z + 1;
        }
        p += len + (nl ? 1 : 0);
    }
}

/* ------------------------------------------------------------- on: a remote host (docs/fleet.md) */

/* The inventory name of one `on:` item: a host's name, or a host value (only its name is
 * read: the connection is always the inventory's, support/fleet.h). */
static const char *on_name(rbk_vm *vm, const char *label, rbk_value v) {
    if (v.t == RBK_T_MAP) {
        rbk_value *n = rbk_map_find(v, "name", 4);
        if (n && n->t == RBK_T_STRING) return rbk_arg_str(*n);
        rbk_vm_error(vm, "%s: on: a host value has a `name` (a host of hosts.GROUP)", label);
        return NULL;
    }
    if (v.t == RBK_T_STRING) return rbk_arg_str(v);
    rbk_vm_error(vm, "%s: on: must be a host, a host's name or a list of them, got %s", label, rbk_type_name((rbk_type)v.t));
    return NULL;
}

typedef struct remote_line_ctx {
    rbk_vm *vm;
    const char *host;
    rbk_sbuf line;
} remote_line_ctx;

/* a live line of a remote command, prefixed with its host */
static void remote_line(const char *stream, const char *line, size_t len, void *ctx) {
    remote_line_ctx *c = ctx;
    rbk_sbuf_reset(&c->line);
    rbk_sbuf_printf(&c->line, "%s: ", c->host);
    rbk_sbuf_add(&c->line, line, len);
    rbk_vm_output_line(c->vm, stream, c->line.data, c->line.len);
}

/* The result {code, stdout, stderr, time}, with `host` first for a remote one (host != NULL),
 * each marked secret as the command is (and the output as `secret: true` says). Takes vout and
 * verr. */
static rbk_value result_map(const sh_args *a, const char *host, int code, rbk_value vout, rbk_value verr,
                            int64_t duration_ms) {
    rbk_value m = rbk_map_new(host ? 5 : 4);
    rbk_value vcode = rbk_int(code), vtime = rbk_duration(duration_ms);
    vcode.secret = vout.secret = verr.secret = vtime.secret = (uint8_t)a->secret;
    if (a->secret_out) vout.secret = verr.secret = 1;
    if (host) rbk_map_sets(m, "host", rbk_str_cstr(host));
    rbk_map_sets(m, "code", vcode);
    rbk_map_sets(m, "stdout", vout);
    rbk_map_sets(m, "stderr", verr);
    rbk_map_sets(m, "time", vtime);
    m.secret = (uint8_t)a->secret;
    return m;
}

/* The result map of a command that ran; r's captures are taken. */
static rbk_value proc_result_map(const sh_args *a, const char *host, rbk_proc_result *r) {
    rbk_value vout = r->out.len ? rbk_str_take_sbuf(&r->out) : rbk_str_new("", 0);
    rbk_value verr = r->err.len ? rbk_str_take_sbuf(&r->err) : rbk_str_new("", 0);
    return result_map(a, host, r->code, vout, verr, r->duration_ms);
}

/* The hosts of an on: argument (one, or a list), each found in the fleet: an array of *n (the
 * caller frees it), or NULL after an error naming the host that is not in the inventory. */
static const rbk_fleet_host **on_hosts(rbk_vm *vm, const char *label, rbk_fleet *f, rbk_value on, size_t *n) {
    int is_list = on.t == RBK_T_LIST;
    *n = is_list ? RBK_AS_LIST(on)->len : 1;
    const rbk_fleet_host **hosts = rbk_xcalloc(*n ? *n : 1, sizeof *hosts);
    for (size_t i = 0; i < *n; i++) {
        const char *name = on_name(vm, label, is_list ? RBK_AS_LIST(on)->items[i] : on);
        if (!name) { free(hosts); return NULL; }
        if (!(hosts[i] = rbk_fleet_find(f, name))) {
            free(hosts);
            rbk_vm_error(vm, "%s: on: host `%s` is not in the inventory (a host is named by its inventory name)", label, name);
            return NULL;
        }
    }
    return hosts;
}

/* "\nHOST: " and why a remote process failed, when it was stopped (interrupted, timed out, past
 * max_output) or killed by a signal: returns 1; else 0, and the caller says how it exited.
 * stopped: what was stopped; prog: "ssh" or "scp". */
static int remote_why(rbk_vm *vm, rbk_sbuf *msg, const char *host, const rbk_proc_result *r, rbk_cancel *cancel,
                      int64_t timeout_ms, const char *stopped, const char *prog) {
    rbk_sbuf_printf(msg, "\n%s: ", host);
    if (r->interrupted) rbk_sbuf_printf(msg, "interrupted; %s was stopped", stopped);
    else if (r->timed_out) {
        rbk_sbuf_adds(msg, "timed out after ");
        rbk_duration_fmt(msg, r->duration_ms);
        rbk_sbuf_printf(msg, " (%s); %s was stopped", rbk_vm_cancel_reason(vm, cancel, timeout_ms), stopped);
    } else if (r->over_limit) rbk_sbuf_printf(msg, "wrote more than max_output: to %s; stopped", r->over_limit);
    else if (r->signaled) { rbk_sbuf_printf(msg, "%s killed by signal ", prog); rbk_proc_signame(msg, r->signo); }
    else return 0;
    return 1;
}

/* The last lines of a remote process's stderr, masked, into msg. */
static void remote_stderr(rbk_vm *vm, rbk_sbuf *msg, rbk_proc_result *r) {
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &m, rbk_sbuf_cstr(&r->err), r->err.len);
    add_stderr_lines(msg, rbk_sbuf_cstr(&m), m.len);
    rbk_sbuf_free(&m);
}

/* The end of one host's effect when its process did not run: skipped (another host's call could
 * not begin: returns 1), or the spawn error, added to msg (returns 1). 0: it ran. */
static int remote_not_run(rbk_vm *vm, int skipped, uint64_t eid, rbk_remote_job *j, const char *host, rbk_sbuf *msg) {
    if (skipped) {
        rbk_vm_effect_end(vm, eid, "skipped", 0, NULL, 0, NULL, 0, 0);
        return 1;
    }
    if (j->rc == 0) return 0;
    rbk_sbuf why = RBK_SBUF_INIT;
    rbk_proc_describe_spawn_error(&why, &j->opts, &j->res);
    rbk_vm_effect_end(vm, eid, "error", -1, "", 0, why.data, why.len, j->res.duration_ms);
    rbk_sbuf_printf(msg, "\n%s: %s", host, why.data);
    rbk_sbuf_free(&why);
    rbk_proc_result_free(&j->res);
    return 1;
}

/* One remote operation on n hosts (sh/exec with on:, file.upload/download): a job, an ssh or
 * scp argv and an effect per host, run in parallel at most --forks at once. */
typedef struct remote_batch {
    const rbk_fleet_host **hosts; /* taken over from on_hosts() */
    size_t n, begun;              /* begun: the hosts whose effect was begun */
    size_t replayed;              /* of those, replayed by a resume (eid 0): not run */
    rbk_remote_job *jobs;
    rbk_ssh_argv *argvs;          /* filled by the caller, host by host */
    uint64_t *eids;
} remote_batch;

static void batch_new(remote_batch *b, const rbk_fleet_host **hosts, size_t n) {
    *b = (remote_batch){hosts, n, 0, 0, rbk_xcalloc(n ? n : 1, sizeof *b->jobs), rbk_xcalloc(n ? n : 1, sizeof *b->argvs),
                        rbk_xcalloc(n ? n : 1, sizeof *b->eids)};
}
/* Host i's process options, on the argv in b->argvs[i], cancelled by cancel; the caller adds
 * its own. */
static rbk_proc_opts *batch_job(remote_batch *b, size_t i, rbk_cancel *cancel) {
    rbk_proc_opts *o = &b->jobs[i].opts;
    rbk_proc_opts_init(o);
    rbk_proc_result_init(&b->jobs[i].res);
    o->argv = (const char *const *)b->argvs[i].argv;
    o->cancel = cancel;
    return o;
}
/* Begins host i's effect (effect, target as the journal and report show it): 0 (begun, or
 * replayed by a resume: counted in b->replayed), or -1 with the error set. */
static int batch_begin(rbk_vm *vm, remote_batch *b, size_t i, const char *effect, const char *target) {
    b->eids[i] = rbk_vm_effect_begin(vm, effect, target);
    b->begun = i + 1;
    if (!b->eids[i]) {
        if (rbk_vm_last_error(vm)) return -1; /* its intent is not on disk, or the step diverged */
        b->replayed++; /* a resume replays it (native.h): not run */
    }
    return 0;
}
/* After every host's effect was begun: 0 run them; 1 a resume replays the whole call (every
 * host's effect ended before the run was cut off: the native returns at once, the VM gives the
 * recorded result); -1 with the error set when the resume replays some hosts and runs others
 * again (the operator counted some as done and others not: no result can be made of both). */
static int batch_replayed(rbk_vm *vm, remote_batch *b, const char *who, const char *kind) {
    if (!b->replayed) return 0;
    if (b->replayed == b->n) return 1;
    rbk_vm_error(vm, "%s: at the resume, %zu of the %zu hosts of this %s are counted as done or replayed and the others are "
                     "to run again: one result cannot be made of both; resume again deciding the same for all of them "
                     "(--unknown rerun or --unknown done), or finish the step by hand",
                 who, b->replayed, b->n, kind);
    return -1;
}
/* Runs the begun jobs. A host outside the declared groups got its master from this call
 * (ControlMaster=auto): marked, so that rbk_remote_close ends it too. */
static void batch_run(remote_batch *b, rbk_fleet *f) {
    rbk_remote_run_all(b->jobs, b->n, f->forks);
    for (size_t i = 0; i < b->begun; i++) f->hosts[b->hosts[i] - f->hosts].master = 1;
}
static void batch_free(remote_batch *b) {
    for (size_t i = 0; i < b->n; i++) rbk_ssh_argv_free(&b->argvs[i]);
    free(b->jobs);
    free(b->argvs);
    free(b->eids);
    free(b->hosts);
}

/* sh/exec with on: — the command on each host through its ssh (support/sshcmd.h), in parallel
 * (at most --forks at once), each host its own effect (intent before, outcome after: the
 * reports and the journal keep one row per host). One result map per host, in the order of
 * on:; a single host (not a list) gives its map alone. */
static int run_remote(rbk_vm *vm, int is_exec, sh_args *a, rbk_value on, rbk_value *out) {
    const rbk_run_opts *ro = rbk_vm_opts(vm);
    rbk_fleet *f = ro->fleet;
    if (!f) return rbk_vm_error(vm, "%s: on: needs the run's inventory (runbook run --inventory FILE)", a->label);
    int is_list = on.t == RBK_T_LIST;
    size_t n;
    const rbk_fleet_host **hosts = on_hosts(vm, a->label, f, on, &n);
    if (!hosts) return -1;
    /* cwd:, env: and stdin: go into the remote script; stdin:'s data as a frame on ssh's stdin
     * before the watchdog's hold (support/sshcmd.h, rbk_ssh_run) */
    rbk_ssh_run run = {a->cwd, (const char *const *)a->env, a->stdin_data != NULL, a->stdin_len};
    rbk_sbuf script = RBK_SBUF_INIT, err = RBK_SBUF_INIT, frame = RBK_SBUF_INIT;
    int bad = is_exec ? rbk_ssh_script_exec(&script, a->argv, &run, &err)
                      : rbk_ssh_script_sh(&script, a->cmd, strlen(a->cmd), &run, &err);
    if (a->stdin_data) rbk_ssh_stdin_frame(&frame, a->stdin_data, a->stdin_len);
    if (bad) {
        free(hosts);
        rbk_sbuf_free(&script);
        rbk_sbuf_free(&frame);
        int r = rbk_vm_error(vm, "%s: %s", a->label, rbk_sbuf_cstr(&err));
        rbk_sbuf_free(&err);
        return r;
    }
    const char *shown = rbk_sbuf_cstr(&a->display);
    rbk_cancel cancel = rbk_vm_cancel(vm, a->timeout_ms);
    remote_batch b;
    batch_new(&b, hosts, n);
    remote_line_ctx lc = {vm, n ? hosts[0]->name : "", RBK_SBUF_INIT};
    rbk_sbuf who = RBK_SBUF_INIT;
    rbk_sbuf_printf(&who, "%s `%s`", a->label, shown);
    int res = 0;
    for (size_t i = 0; i < n && !res; i++) {
        if (rbk_ssh_command(&hosts[i]->target, script.data, script.len, &b.argvs[i], &err)) {
            res = rbk_vm_error(vm, "%s on %s: %s", a->label, hosts[i]->name, rbk_sbuf_cstr(&err));
            break;
        }
        rbk_proc_opts *o = batch_job(&b, i, &cancel);
        o->stdin_hold = 1; /* the remote watchdog: EOF ends the remote command (support/sshcmd.h) */
        if (a->stdin_data) { /* every host's ssh is fed the same frame */
            o->stdin_data = rbk_sbuf_cstr(&frame);
            o->stdin_len = frame.len;
        }
        o->capture_limit = (size_t)a->max_output;
        if (n == 1 && rbk_vm_verbose(vm) && !a->secret_out) { /* live: it runs on this thread */
            o->on_line = remote_line;
            o->line_ctx = &lc;
        }
        rbk_sbuf t = RBK_SBUF_INIT;
        rbk_sbuf_printf(&t, "%s on %s", shown, hosts[i]->name);
        res = batch_begin(vm, &b, i, a->label, t.data);
        rbk_sbuf_free(&t);
    }
    if (!res && batch_replayed(vm, &b, who.data, "call")) res = -1; /* replayed whole: the VM has its result */
    rbk_sbuf_free(&who);
    if (!res) batch_run(&b, f);
    rbk_sbuf msg = RBK_SBUF_INIT;
    int nfailed = 0, nexit = 0;
    rbk_value list = is_list ? rbk_list_new(n) : rbk_nil();
    for (size_t i = 0; i < b.begun; i++) {
        rbk_proc_result *r = &b.jobs[i].res;
        /* not run: the intents already written end as skipped, or a spawn error */
        if (remote_not_run(vm, res, b.eids[i], &b.jobs[i], hosts[i]->name, &msg)) {
            nfailed += !res;
            continue;
        }
        if (n > 1 && rbk_vm_verbose(vm) && !a->secret_out) { /* after the fact, host by host */
            lc.host = hosts[i]->name;
            for (int s = 0; s < 2; s++) {
                const char *p = rbk_sbuf_cstr(s ? &r->err : &r->out), *e = p + (s ? r->err.len : r->out.len);
                while (p < e) {
                    const char *nl = memchr(p, '\n', (size_t)(e - p));
                    size_t l = nl ? (size_t)(nl - p) : (size_t)(e - p);
                    remote_line(s ? "stderr" : "stdout", p, l, &lc);
                    p += l + (nl ? 1 : 0);
                }
            }
        }
        const char *status = r->interrupted ? "interrupted" : r->timed_out ? "timeout"
                             : (r->exited && r->code == 0 && !r->over_limit) ? "ok" : "failed";
        if (a->secret_out) rbk_vm_add_secret_output(vm, rbk_sbuf_cstr(&r->out), r->out.len);
        rbk_vm_effect_end(vm, b.eids[i], status, r->code, a->secret_out ? NULL : rbk_sbuf_cstr(&r->out), r->out.len,
                          rbk_sbuf_cstr(&r->err), r->err.len, r->duration_ms);
        int ssh_failed = r->exited && r->code == 255; /* ssh's own failure (or the command's 255) */
        if (r->interrupted || r->timed_out || r->over_limit || (a->check && !(r->exited && r->code == 0)) ||
            (ssh_failed && !a->check)) {
            nfailed++;
            if (!remote_why(vm, &msg, hosts[i]->name, r, &cancel, a->timeout_ms, "the remote command", "ssh") && ++nexit)
                rbk_sbuf_printf(&msg, "exited with code %d%s", r->code, r->code == 255 ? " (ssh: the connection failed, or the command exited 255)" : "");
            remote_stderr(vm, &msg, r);
            rbk_proc_result_free(r);
            continue;
        }
        rbk_value one = proc_result_map(a, hosts[i]->name, r);
        if (is_list) rbk_list_push(list, one);
        else *out = one;
        rbk_proc_result_free(r);
    }
    if (!res && nfailed) {
        rbk_unref(list);
        list = rbk_nil();
        res = rbk_vm_error(vm, "%s `%s` failed on %d of %zu host%s:%s%s", a->label, shown, nfailed, n, n == 1 ? "" : "s",
                           rbk_sbuf_cstr(&msg), a->check && nexit ? "\n(pass check: false to handle a non-zero exit yourself)" : "");
    } else if (!res && is_list) {
        *out = list;
    } else {
        rbk_unref(list);
    }
    rbk_sbuf_free(&msg);
    rbk_sbuf_free(&lc.line);
    rbk_sbuf_free(&script);
    rbk_sbuf_free(&frame);
    rbk_sbuf_free(&err);
    batch_free(&b);
    return res;
}

static int run_native(rbk_vm *vm, int is_exec, rbk_value *args, int nargs, rbk_value *out) {
    sh_args a;
    memset(&a, 0, sizeof a);
    a.label = is_exec ? "exec" : "sh";
    if (parse_args(vm, is_exec, args, nargs, &a) != 0) {
        sh_args_free(&a);
        return -1;
    }
    if (args[10].t != RBK_T_NIL) {
        if (a.tty) {
            sh_args_free(&a);
            return rbk_vm_error(vm, "%s: tty: true and on: cannot be combined yet (a remote command gets no terminal)", a.label);
        }
        int r = run_remote(vm, is_exec, &a, args[10], out);
        sh_args_free(&a);
        return r;
    }
    const char *shown = rbk_sbuf_cstr(&a.display);

    rbk_cancel cancel = rbk_vm_cancel(vm, a.timeout_ms);
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.running_pgid = rbk_vm_running_pgid(vm);
    o.shell_cmd = a.cmd;
    o.argv = a.argv;
    o.cwd = a.cwd;
    o.env = (const char *const *)a.env;
    o.stdin_data = a.stdin_data;
    o.stdin_len = a.stdin_len;
    o.cancel = &cancel;
    o.capture_limit = (size_t)a.max_output;
    tty_relay relay = {vm, -1, RBK_SBUF_INIT, 0};
    if (a.tty) {
        /* the preflight refused a run without a terminal; the terminal may have gone since */
        relay.fd = rbk_vm_interactive(vm) ? open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
        if (relay.fd < 0) {
            int res = rbk_vm_error(vm, "%s `%s`: tty: true needs the operator's terminal, and there is none", a.label, shown);
            sh_args_free(&a);
            return res;
        }
        o.tty = relay.fd;
        o.on_output = tty_output;
        o.output_ctx = &relay;
    } else if (rbk_vm_verbose(vm) && !a.secret_out) { /* a secret output is never streamed */
        o.on_line = forward_line;
        o.line_ctx = vm;
    }

    uint64_t eid = rbk_vm_effect_begin(vm, a.label, shown);
    if (!eid) { /* not to be run: replayed from the journal, or its intent not on disk (native.h) */
        if (relay.fd >= 0) close(relay.fd);
        sh_args_free(&a);
        return -1;
    }
    if (relay.fd >= 0) rbk_vm_prompt_event(vm, shown, RBK_PROMPT_TERMINAL, 0); /* renderers step aside */
    rbk_proc_result r;
    int rc = rbk_proc_run(&o, &r);
    if (relay.fd >= 0) {
        tty_show(&relay, 1);
        close(relay.fd);
        rbk_sbuf_free(&relay.held);
    }

    if (rc != 0) {
        rbk_sbuf why = RBK_SBUF_INIT;
        rbk_proc_describe_spawn_error(&why, &o, &r);
        int as_code = is_exec && r.spawn_what && strcmp(r.spawn_what, "program") == 0 &&
                      (r.spawn_errno == ENOENT || r.spawn_errno == EACCES);
        int code = r.spawn_errno == ENOENT ? 127 : 126;
        rbk_vm_effect_end(vm, eid, "error", as_code ? code : -1, "", 0, why.data, why.len,
                          r.duration_ms);
        int res;
        if (as_code && !a.check) {
            /* like the shell's 127/126, so check: false can probe for a program */
            rbk_sbuf err = RBK_SBUF_INIT;
            rbk_sbuf_printf(&err, "exec: %s\n", why.data);
            rbk_value m = result_map(&a, NULL, code, rbk_str_new("", 0), rbk_str_take_sbuf(&err), r.duration_ms);
            *out = m;
            res = 0;
        } else {
            res = rbk_vm_error(vm, "%s `%s`: %s", a.label, shown, why.data);
        }
        rbk_sbuf_free(&why);
        rbk_proc_result_free(&r);
        sh_args_free(&a);
        return res;
    }

    /* The whole output: the VM masks it, and whatever keeps part of it cuts it afterwards. A
     * stream past max_output was captured as a tail: the event shows its masked end
     * (masked_end). A secret output is registered first and not handed to the event at all. */
    rbk_sbuf mout = RBK_SBUF_INIT, merr = RBK_SBUF_INIT;
    const char *out_s = rbk_sbuf_cstr(&r.out), *err_s = rbk_sbuf_cstr(&r.err);
    size_t out_n = r.out.len, err_n = r.err.len;
    if (r.out_truncated) {
        size_t at = masked_end(vm, &r.out, &mout);
        out_s = rbk_sbuf_cstr(&mout) + at;
        out_n = mout.len - at;
    }
    if (r.err_truncated) {
        size_t at = masked_end(vm, &r.err, &merr);
        err_s = rbk_sbuf_cstr(&merr) + at;
        err_n = merr.len - at;
    }
    const char *status = r.interrupted ? "interrupted"
                         : r.timed_out ? "timeout"
                         : (r.exited && r.code == 0 && !r.over_limit) ? "ok"
                                                                      : "failed";
    if (a.secret_out) rbk_vm_add_secret_output(vm, rbk_sbuf_cstr(&r.out), r.out.len);
    rbk_vm_effect_end(vm, eid, status, r.code, a.secret_out ? NULL : out_s, out_n, err_s, err_n,
                      r.duration_ms);
    /* the stderr lines an error quotes: masked whole (or its masked end), then cut */
    rbk_sbuf elines = RBK_SBUF_INIT;
    rbk_vm_mask(vm, &elines, err_s, err_n);
    rbk_sbuf_free(&mout);
    rbk_sbuf_free(&merr);

    int res = 0;
    if (r.interrupted || r.timed_out || r.over_limit || (a.check && !(r.exited && r.code == 0))) {
        rbk_sbuf msg = RBK_SBUF_INIT;
        if (r.over_limit) {
            /* the output is incomplete: an error whatever check: says, as a timeout is */
            rbk_sbuf_printf(&msg, "%s `%s` wrote more than ", a.label, shown);
            rbk_size_fmt(&msg, (uint64_t)a.max_output);
            rbk_sbuf_printf(&msg, " to %s (the limit of max_output:); it was stopped and its "
                                  "process group killed", r.over_limit);
        } else if (r.interrupted) {
            rbk_sbuf_printf(&msg, "%s `%s` interrupted; its process group was killed", a.label,
                            shown);
        } else if (r.timed_out) {
            rbk_sbuf_printf(&msg, "%s `%s` timed out after ", a.label, shown);
            rbk_duration_fmt(&msg, r.duration_ms);
            rbk_sbuf_printf(&msg, " (%s); its process group was killed",
                            rbk_vm_cancel_reason(vm, &cancel, a.timeout_ms));
        } else if (r.signaled) {
            rbk_sbuf_printf(&msg, "%s `%s` killed by signal ", a.label, shown);
            rbk_proc_signame(&msg, r.signo);
        } else {
            rbk_sbuf_printf(&msg, "%s `%s` exited with code %d", a.label, shown, r.code);
        }
        add_stderr_lines(&msg, rbk_sbuf_cstr(&elines), elines.len);
        if (r.over_limit)
            rbk_sbuf_printf(&msg, "\n(pass max_output: BYTES, at most %zu, to allow more; "
                                  "or send the output to a file)", RBK_TEXT_MAX - 1);
        else if (!r.interrupted && !r.timed_out)
            rbk_sbuf_adds(&msg, "\n(pass check: false to handle a non-zero exit yourself)");
        res = rbk_vm_error(vm, "%s", msg.data);
        rbk_sbuf_free(&msg);
    } else {
        *out = proc_result_map(&a, NULL, &r);
    }
    rbk_sbuf_free(&elines);
    rbk_proc_result_free(&r);
    sh_args_free(&a);
    return res;
}

int rbk_std_sh(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return run_native(vm, 0, args, nargs, out);
}

int rbk_std_exec(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return run_native(vm, 1, args, nargs, out);
}

/* -------------------------------------------- file.upload / file.download (docs/fleet.md) */

/* A path argument of a copy: a string without a NUL byte. */
static const char *copy_path(rbk_vm *vm, const char *label, const char *what, rbk_value v) {
    if (v.t != RBK_T_STRING) {
        rbk_vm_error(vm, "%s: the %s path must be a string, got %s", label, what, rbk_type_name((rbk_type)v.t));
        return NULL;
    }
    if (rbk_sh_has_nul(rbk_arg_str(v), rbk_arg_len(v))) {
        rbk_vm_error(vm, "%s: the %s path contains a NUL byte, which no file name holds", label, what);
        return NULL;
    }
    return rbk_arg_str(v);
}

/* Whether remote names a directory on host (a download copies it recursively then): ssh runs
 * `test -d` over the run's connection, one round trip. 1 yes, 0 no (a file, nothing there, or
 * the host could not say: the copy then reports why), -1 after an error (cancelled). */
static int remote_is_dir(rbk_vm *vm, const rbk_fleet_host *h, const char *remote, rbk_cancel *cancel) {
    const char *argv[] = {"test", "-d", remote, NULL};
    rbk_sbuf script = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    rbk_ssh_argv a = {0};
    int res = 0;
    if (rbk_ssh_script_exec(&script, argv, NULL, &err) || rbk_ssh_command(&h->target, script.data, script.len, &a, &err)) {
        res = rbk_vm_error(vm, "file.download on %s: %s", h->name, rbk_sbuf_cstr(&err));
    } else {
        rbk_proc_opts o;
        rbk_proc_opts_init(&o);
        o.argv = (const char *const *)a.argv;
        o.stdin_hold = 1; /* the watchdog, as for any remote command */
        o.cancel = cancel;
        o.running_pgid = rbk_vm_running_pgid(vm);
        rbk_proc_result r;
        if (rbk_proc_run(&o, &r) == 0) {
            if (r.interrupted || r.timed_out)
                res = rbk_vm_error(vm, "file.download of %s on %s: %s while asking whether it is a directory", remote,
                                   h->name, r.interrupted ? "interrupted" : "timed out");
            else res = r.exited && r.code == 0;
        }
        rbk_proc_result_free(&r);
    }
    rbk_ssh_argv_free(&a);
    rbk_sbuf_free(&script);
    rbk_sbuf_free(&err);
    return res;
}

/* upload: local to remote on every host of on (in parallel, at most --forks at once); a local
 * directory is copied recursively into remote (created when missing, merged into otherwise).
 * download: remote on one host to local, through a temporary file beside it renamed into place;
 * a remote directory through a temporary directory beside it, put in place whole.
 * One effect per host; an error names each failing host with scp's last lines, masked. */
static int file_copy(rbk_vm *vm, int upload, rbk_value *args, rbk_value *out) {
    const char *label = upload ? "file.upload" : "file.download";
    const char *local = copy_path(vm, label, "local", args[upload ? 0 : 1]);
    const char *remote = local ? copy_path(vm, label, "remote", args[upload ? 1 : 0]) : NULL;
    if (!remote) return -1;
    int64_t timeout_ms = -1;
    if (args[3].t == RBK_T_DURATION) {
        if (args[3].as.i <= 0) return rbk_vm_error(vm, "%s: timeout must be longer than 0", label);
        timeout_ms = args[3].as.i;
    } else if (args[3].t != RBK_T_NIL) {
        return rbk_vm_error(vm, "%s: timeout must be a duration (e.g. 30s), got %s", label, rbk_type_name((rbk_type)args[3].t));
    }
    rbk_fleet *f = rbk_vm_opts(vm)->fleet;
    if (!f) return rbk_vm_error(vm, "%s: on: needs the run's inventory (runbook run --inventory FILE)", label);
    rbk_value on = args[2];
    if (!upload && on.t == RBK_T_LIST && RBK_AS_LIST(on)->len != 1)
        return rbk_vm_error(vm, "file.download: on: must be one host (a list would write every host's file to the same "
                                "path; call it once per host, each with its own local path)");
    int flags = upload ? RBK_SCP_UPLOAD : 0;
    struct stat lst;
    if (upload && stat(local, &lst) == 0) {
        if (S_ISDIR(lst.st_mode)) flags |= RBK_SCP_DIR;
        else if (!S_ISREG(lst.st_mode))
            return rbk_vm_error(vm, "file.upload: \"%s\" is %s: only a regular file or a directory is copied", local,
                                rbk_file_kind(lst.st_mode));
    }
    size_t n;
    const rbk_fleet_host **hosts = on_hosts(vm, label, f, on, &n);
    if (!hosts) return -1;
    rbk_cancel cancel = rbk_vm_cancel(vm, timeout_ms);
    if (!upload && n == 1 && remote[0] && remote[0] != '-') {
        int d = remote_is_dir(vm, hosts[0], remote, &cancel);
        if (d < 0) {
            free(hosts);
            return -1;
        }
        if (d) flags |= RBK_SCP_DIR;
    }
    const char *what = flags & RBK_SCP_DIR ? "directory " : "";
    rbk_sbuf err = RBK_SBUF_INIT;
    rbk_file_atomic tmp = {.fd = -1};
    rbk_dir_atomic dtmp = {0};
    const char *into = local;
    if (!upload) { /* scp writes a temporary file (directory) beside the local path, put in its place after */
        int bad = flags & RBK_SCP_DIR ? rbk_dir_atomic_begin(&dtmp, local, &err) : rbk_file_atomic_begin(&tmp, local, &err);
        if (bad != RBK_FILE_OK) {
            free(hosts);
            int r = rbk_vm_error(vm, "file.download: %s", rbk_sbuf_cstr(&err));
            rbk_sbuf_free(&err);
            return r;
        }
        if (flags & RBK_SCP_DIR) {
            into = dtmp.into.data;
        } else {
            close(tmp.fd);
            tmp.fd = -1;
            into = tmp.tmp.data;
        }
    }
    remote_batch b;
    batch_new(&b, hosts, n);
    int res = 0;
    for (size_t i = 0; i < n && !res; i++) {
        if (rbk_scp_command(&hosts[i]->target, flags, into, remote, &b.argvs[i], &err)) {
            res = rbk_vm_error(vm, "%s on %s: %s", label, hosts[i]->name, rbk_sbuf_cstr(&err));
            break;
        }
        batch_job(&b, i, &cancel);
        rbk_sbuf t = RBK_SBUF_INIT;
        if (upload) rbk_sbuf_printf(&t, "upload %s%s to %s on %s", what, local, remote, hosts[i]->name);
        else rbk_sbuf_printf(&t, "download %s%s to %s on %s", what, remote, local, hosts[i]->name);
        res = batch_begin(vm, &b, i, "file", t.data);
        rbk_sbuf_free(&t);
    }
    if (!res && batch_replayed(vm, &b, label, "copy")) res = -1; /* replayed whole: the VM has its result */
    if (!res) batch_run(&b, f);
    rbk_sbuf msg = RBK_SBUF_INIT;
    int nfailed = 0;
    for (size_t i = 0; i < b.begun; i++) {
        rbk_proc_result *r = &b.jobs[i].res;
        if (remote_not_run(vm, res, b.eids[i], &b.jobs[i], hosts[i]->name, &msg)) {
            nfailed += !res;
            continue;
        }
        int ok = r->exited && r->code == 0 && !r->interrupted && !r->timed_out;
        const char *status = r->interrupted ? "interrupted" : r->timed_out ? "timeout" : ok ? "ok" : "failed";
        rbk_vm_effect_end(vm, b.eids[i], status, r->code, NULL, 0, rbk_sbuf_cstr(&r->err), r->err.len, r->duration_ms);
        if (!ok) {
            nfailed++;
            if (!remote_why(vm, &msg, hosts[i]->name, r, &cancel, timeout_ms, "scp", "scp"))
                rbk_sbuf_printf(&msg, "scp exited with code %d", r->code);
            remote_stderr(vm, &msg, r);
        }
        rbk_proc_result_free(r);
    }
    if (!res && nfailed)
        res = rbk_vm_error(vm, "%s of %s%s failed on %d of %zu host%s:%s", label, what, upload ? local : remote, nfailed, n,
                           n == 1 ? "" : "s", rbk_sbuf_cstr(&msg));
    if (!upload && (flags & RBK_SCP_DIR)) {
        if (res) rbk_dir_atomic_abort(&dtmp);
        else if (rbk_dir_atomic_commit(&dtmp, &err) != RBK_FILE_OK)
            res = rbk_vm_error(vm, "file.download: %s", rbk_sbuf_cstr(&err));
    } else if (!upload && res) rbk_file_atomic_abort(&tmp);
    else if (!upload && rbk_file_atomic_commit(&tmp, &err) != RBK_FILE_OK)
        res = rbk_vm_error(vm, "file.download: %s", rbk_sbuf_cstr(&err));
    if (!res) *out = rbk_nil();
    rbk_sbuf_free(&msg);
    rbk_sbuf_free(&err);
    batch_free(&b);
    return res;
}

int rbk_std_file_upload(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    return file_copy(vm, 1, args, out);
}

int rbk_std_file_download(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    return file_copy(vm, 0, args, out);
}

/* vm/instances.c — per-item steps (docs/fleet.md, "Per-item steps"): `step "Upgrade {n.name}"
 * for n in LIST serial N max_fail M { ... } rollback { ... }` runs its body once per item, each
 * run an instance with its own outcome, attempts, events and rollback.
 *
 * The concurrency model: a batch of one instance runs here, in the run's process, as a step
 * does. A batch of more runs each instance in a process of its own (fork), which runs the
 * instance's attempts and sends every event to this process over a pipe, waiting for its
 * acknowledgement before it goes on: the parent alone writes the journal, the terminal and the
 * reports, so an effect's intent is on disk before the effect starts, as in a step (the
 * acknowledgement says whether the journal took it). Why processes and not fibers: every builtin
 * (libcurl, libpq, the process runner, ssh) blocks; in processes they run concurrently as they
 * are, a crash or a hang stays in its instance, and nothing is shared but what the checker lets
 * an instance read. What the model cannot run, the checker refuses (compiler/sema.c,
 * per_item_rules): assigning a top-level variable (the value could not come back), a gate in
 * an instance that may run beside another, a list computed by a builtin with an effect.
 * A connection opened before the step is not used from an instance's process (vm/interp.c:
 * the socket is the parent's); HTTP keep-alive state is dropped in the child (new connections).
 * An instance's process is a process group of its own: an interrupt of the run (Ctrl-C,
 * SIGTERM, SIGHUP) is passed on to each once, and each stops its command as a step does (a
 * remote one too: support/sshcmd.h); a second interrupt ends the run at once, and an instance's
 * process dies with the run's (PR_SET_PDEATHSIG: SIGTERM, its second interrupt), killing its
 * command's group.
 * Shares invariants with: vm/steps.c (a step's attempts and rollback), cli/journal.c (the
 * records with "instance"), docs/fleet.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vm_internal.h"

/* ------------------------------------------------------------------ instances and their names */

void rbk_instances_free(rbk_vm *vm) {
    if (!vm->inst || !vm->u) return;
    for (uint32_t s = 0; s < vm->u->nsteps; s++) {
        rbk_instances *I = &vm->inst[s];
        for (int i = 0; i < I->n; i++) {
            free(I->v[i].label);
            rbk_unref(I->v[i].item);
        }
        free(I->v);
    }
    free(vm->inst);
    vm->inst = NULL;
}

/* Computes the list and each instance's name. 0, or -1 with the error set. */
static int make_instances(rbk_vm *vm, uint32_t idx) {
    rbk_step *st = &vm->u->steps[idx];
    if (!vm->inst) vm->inst = rbk_xcalloc(vm->u->nsteps, sizeof *vm->inst);
    rbk_instances *I = &vm->inst[idx];
    rbk_instances old = *I; /* a retry of the step in this run: its instances that ended ok stay done */
    memset(I, 0, sizeof *I);
    int saved = vm->cur_step;
    vm->cur_step = (int)idx;
    rbk_value list = rbk_nil();
    rbk_vm_clear_error(vm);
    rbk_status rs = rbk_interp_call(vm, st->list_fn, &list);
    vm->cur_step = saved;
    if (rs != RBK_OK) goto fail;
    if (list.t != RBK_T_LIST) {
        rbk_vm_raise(vm, RBK_E_RUNTIME, "the list of per-item step \"%s\" (%s) is %s, not a list", rbk_vm_str(vm, st->name),
                     rbk_vm_str(vm, st->list_src), rbk_type_name((rbk_type)list.t));
        goto fail;
    }
    rbk_list *l = RBK_AS_LIST(list);
    I->v = rbk_xcalloc(l->len ? l->len : 1, sizeof *I->v);
    for (size_t i = 0; i < l->len; i++) {
        rbk_instance *in = &I->v[I->n++];
        in->item = rbk_ref(l->items[i]);
        rbk_sbuf b = RBK_SBUF_INIT;
        if (st->name_fn != RBK_NONE) {
            rbk_value nm = rbk_nil();
            vm->entry_arg = in->item;
            vm->entry_arg_set = 1;
            vm->cur_step = (int)idx;
            rs = rbk_interp_call(vm, st->name_fn, &nm);
            vm->entry_arg_set = 0;
            vm->cur_step = saved;
            if (rs != RBK_OK) { rbk_sbuf_free(&b); goto fail; }
            rbk_vm_render_value(vm, &b, nm, 0);
            rbk_unref(nm);
        } else {
            rbk_sbuf_printf(&b, "%s [", rbk_vm_str(vm, st->name));
            rbk_vm_render_value(vm, &b, in->item, 0);
            rbk_sbuf_addc(&b, ']');
        }
        in->label = rbk_sbuf_detach(&b);
        for (int j = 0; j + 1 < I->n; j++)
            if (!strcmp(I->v[j].label, in->label)) {
                rbk_vm_raise(vm, RBK_E_RUNTIME, "per-item step \"%s\": items %d and %zu both make the instance name \"%s\"; "
                             "instance names are unique (--only, --from and resume name them)", rbk_vm_str(vm, st->name), j + 1, i + 1,
                             in->label);
                goto fail;
            }
    }
    rbk_unref(list);
    for (int i = 0; i < old.n; i++) {
        for (int j = 0; j < I->n; j++)
            if (old.v[i].outcome == RBK_INST_OK && !strcmp(old.v[i].label, I->v[j].label)) {
                I->v[j].outcome = RBK_INST_OK;
                I->v[j].ran = 1;
                I->v[j].order = old.v[i].order;
                if (I->ended < old.v[i].order) I->ended = old.v[i].order;
            }
        free(old.v[i].label);
        rbk_unref(old.v[i].item);
    }
    free(old.v);
    return 0;
fail:
    rbk_unref(list);
    for (int i = 0; i < old.n; i++) { free(old.v[i].label); rbk_unref(old.v[i].item); }
    free(old.v);
    return -1;
}

/* ------------------------------------------------------------------ one instance */

static int64_t pct_of(int64_t n, uint32_t pct, int up) {
    int64_t x = n * (int64_t)pct;
    return up ? (x + 99) / 100 : x / 100;
}

static rbk_event inst_ev(rbk_vm *vm, rbk_event_kind k, uint32_t idx, rbk_instance *in) {
    rbk_event e = rbk_steps_ev(vm, k, (int)idx);
    e.instance = in->label;
    return e;
}

/* Runs one instance's attempts here (in the run's process, or in the instance's own): a
 * step's attempts (vm/steps.c, rbk_steps_attempts) between the instance's start and end. */
static rbk_status run_instance(rbk_vm *vm, uint32_t idx, rbk_instance *in) {
    vm->cur_instance = in->label;
    vm->inst_step = (int)idx;
    rbk_event start = inst_ev(vm, RBK_EV_STEP_START, idx, in);
    start.nsteps = (int)vm->u->nsteps;
    start.code = vm->stepno;
    start.attempt = vm->attempt = 1;
    rbk_vm_emit(vm, &start);
    int64_t t0 = rbk_now_ms();
    in->ran = 1;
    uint32_t attempt = 0;
    int rehearsal = 0;
    rbk_status rs = rbk_steps_attempts(vm, idx, &in->item, in->label, 0, &attempt, &rehearsal);
    if (rs == RBK_E_STOP || rs == RBK_E_INTERRUPT) rbk_steps_emit_error(vm, (int)idx, "");
    rbk_event e = inst_ev(vm, RBK_EV_STEP_END, idx, in);
    e.duration_ms = rbk_now_ms() - t0;
    e.code = vm->stepno;
    e.status = rbk_steps_status_word(rs);
    if (rs != RBK_OK) e.text = rs == RBK_E_INTERRUPT ? "interrupted" : vm->err;
    rbk_vm_emit(vm, &e);
    vm->cur_instance = NULL;
    vm->inst_step = -1;
    return rs;
}

/* ------------------------------------------------------------------ the instance's own process */
/* Messages (child to parent): u32 length of what follows, u8 kind, the body. E: an event (the
 * parent's sinks get it as it is: masked already, stamped); S: a secret; R: the result. The
 * parent answers E and S with one byte on the other pipe: 0, or 1 when the journal could not
 * record it (the child then starts nothing more, rbk_vm_sink_failed). */

static void put_u64(rbk_sbuf *b, uint64_t x) { rbk_sbuf_add(b, (const char *)&x, sizeof x); }
static void put_str(rbk_sbuf *b, const char *s) {
    uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
    rbk_sbuf_add(b, (const char *)&n, sizeof n);
    if (s) rbk_sbuf_add(b, s, n);
}

typedef struct reader {
    const char *p, *end;
    int bad;
} reader;
static uint64_t get_u64(reader *r) {
    uint64_t x = 0;
    if (r->end - r->p < (ptrdiff_t)sizeof x) { r->bad = 1; return 0; }
    memcpy(&x, r->p, sizeof x);
    r->p += sizeof x;
    return x;
}
/* the strings are copied out NUL-terminated into *keep (freed by the caller) */
static const char *get_str(reader *r, char ***keep, int *nkeep) {
    uint32_t n = 0;
    if (r->end - r->p < (ptrdiff_t)sizeof n) { r->bad = 1; return NULL; }
    memcpy(&n, r->p, sizeof n);
    r->p += sizeof n;
    if (n == UINT32_MAX) return NULL;
    if ((size_t)(r->end - r->p) < n) { r->bad = 1; return NULL; }
    char *s = rbk_xmalloc((size_t)n + 1);
    memcpy(s, r->p, n);
    s[n] = 0;
    r->p += n;
    *keep = rbk_xrealloc(*keep, sizeof(char *) * (size_t)(*nkeep + 1));
    (*keep)[(*nkeep)++] = s;
    return s;
}

#define EV_INTS(X) X(t_ms) X(wall_ms) X(step) X(nsteps) X(attempt) X(line) X(col) X(duration_ms) X(remaining_ms) X(code) \
    X(effect_id) X(dry_run) X(checks_verified) X(checks_unverified) X(checks_failing) X(seq) X(write) X(replayed) X(deadline_wall_ms)
#define EV_STRS(X) X(step_name) X(instance) X(status) X(text) X(detail) X(file) X(source_line) X(source) X(effect) X(target) \
    X(out) X(err) X(stream) X(part) X(result) X(state) X(answer) X(who)

static void write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) _exit(70); /* the run's process is gone: PR_SET_PDEATHSIG ends this one too */
        p += w;
        n -= (size_t)w;
    }
}
static int read_all(int fd, char *p, size_t n) {
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* child: sends a message and, for E and S, waits for the parent's answer */
static void child_send(rbk_vm *vm, char kind, rbk_sbuf *body) {
    uint32_t n = (uint32_t)body->len + 1;
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_sbuf_add(&m, (const char *)&n, sizeof n);
    rbk_sbuf_addc(&m, kind);
    rbk_sbuf_add(&m, body->data ? body->data : "", body->len);
    write_all(vm->child_fd, m.data, m.len);
    rbk_sbuf_free(&m);
    if (kind == 'R') return;
    char ack = 0;
    if (read_all(vm->child_ack, &ack, 1)) _exit(70);
    if (ack) rbk_vm_sink_failed(vm, "the run's journal could not record an event of this instance");
}

static void child_sink(void *ctx, const rbk_event *ev) {
    rbk_vm *vm = ctx;
    rbk_sbuf b = RBK_SBUF_INIT;
    put_u64(&b, (uint64_t)ev->kind);
#define PI(f) put_u64(&b, (uint64_t)(int64_t)ev->f);
    EV_INTS(PI)
#undef PI
    uint64_t ts;
    memcpy(&ts, &ev->time_scale, sizeof ts);
    put_u64(&b, ts);
#define PS(f) put_str(&b, ev->f);
    EV_STRS(PS)
#undef PS
    put_u64(&b, (uint64_t)ev->nvalues);
    for (int i = 0; i < ev->nvalues; i++) {
        put_str(&b, ev->values[i].expr);
        put_str(&b, ev->values[i].value);
        put_str(&b, ev->values[i].error);
    }
    child_send(vm, 'E', &b);
    rbk_sbuf_free(&b);
}

void rbk_instances_child_secret(rbk_vm *vm, const char *s, size_t n) {
    if (!n) return;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_add(&b, s, n);
    child_send(vm, 'S', &b);
    rbk_sbuf_free(&b);
}

/* One instance's process, as the parent sees it. */
typedef struct kid {
    pid_t pid;
    int evfd, ackfd;
    rbk_instance *in;
    int done, got_result;
    rbk_status rs;
    char *err;
    int err_expect;
    int64_t verified, unverified, failing;
    int dry_skipped;
    char *dry_last;
    uint64_t next_effect;
} kid;

/* In the child: the instance runs, its result goes to the parent, and the process ends. */
static void child_main(rbk_vm *vm, uint32_t idx, rbk_instance *in, int evfd, int ackfd, uint64_t effect_base) {
    vm->child_fd = evfd;
    vm->child_ack = ackfd;
    vm->sinks[0].fn = child_sink;
    vm->sinks[0].ctx = vm;
    vm->nsinks = 1;
    vm->opts.interactive = 0; /* the checker let no gate in (serial 1 runs in the run's process) */
    vm->opts.ask = NULL;
    vm->opts.approve = NULL;
    /* opts.running_pgid stays: this process's copy of the CLI's, which its own second interrupt
     * (the run's death: PR_SET_PDEATHSIG) kills before it exits */
    /* the natives' per-run state (HTTP keep-alive connections) is the parent's: start afresh;
     * nothing of it is freed here (that would close the parent's connections) */
    for (int i = 0; i < RBK_VM_SLOT__COUNT; i++) vm->slots[i] = NULL;
    vm->non_destroy = 0;
    vm->next_effect = effect_base;
    rbk_status rs = run_instance(vm, idx, in);
    rbk_sbuf b = RBK_SBUF_INIT;
    put_u64(&b, (uint64_t)rs);
    put_str(&b, vm->err);
    put_u64(&b, (uint64_t)(int64_t)vm->err_expect);
    put_u64(&b, (uint64_t)vm->checks_verified);
    put_u64(&b, (uint64_t)vm->checks_unverified);
    put_u64(&b, (uint64_t)vm->checks_failing);
    put_u64(&b, (uint64_t)vm->dry_skipped);
    put_str(&b, vm->dry_last);
    put_u64(&b, vm->next_effect);
    child_send(vm, 'R', &b);
    rbk_sbuf_free(&b);
    _exit(0);
}

/* Passes on an event of an instance's process; 1 when it was the instance's end */
static int parent_event(rbk_vm *vm, reader *r) {
    rbk_event e;
    memset(&e, 0, sizeof e);
    char **keep = NULL;
    int nkeep = 0;
    e.kind = (rbk_event_kind)get_u64(r);
#define GI(f) e.f = (__typeof__(e.f))(int64_t)get_u64(r);
    EV_INTS(GI)
#undef GI
    uint64_t ts = get_u64(r);
    memcpy(&e.time_scale, &ts, sizeof ts);
#define GS(f) e.f = get_str(r, &keep, &nkeep);
    EV_STRS(GS)
#undef GS
    int64_t nv = (int64_t)get_u64(r);
    rbk_event_value *vals = NULL;
    if (!r->bad && nv > 0 && nv < 100000) {
        vals = rbk_xcalloc((size_t)nv, sizeof *vals);
        for (int64_t i = 0; i < nv && !r->bad; i++) {
            vals[i].expr = get_str(r, &keep, &nkeep);
            vals[i].value = get_str(r, &keep, &nkeep);
            vals[i].error = get_str(r, &keep, &nkeep);
        }
        e.nvalues = (int)nv;
        e.values = vals;
    }
    int end = 0;
    if (!r->bad && e.kind < RBK_EV__COUNT) {
        for (int i = 0; i < vm->nsinks; i++) vm->sinks[i].fn(vm->sinks[i].ctx, &e);
        end = e.kind == RBK_EV_STEP_END && e.instance;
    }
    for (int i = 0; i < nkeep; i++) free(keep[i]);
    free(keep);
    free(vals);
    return end;
}

/* Reads one message of k; 0, or -1 at its end (EOF). The order instances end in (their
 * step_end, as the journal has it) is the order a rollback undoes them in reverse. */
static int parent_read(rbk_vm *vm, uint32_t idx, kid *k) {
    uint32_t n = 0;
    if (read_all(k->evfd, (char *)&n, sizeof n) || n == 0 || n > (1u << 30)) return -1;
    char *buf = rbk_xmalloc(n);
    if (read_all(k->evfd, buf, n)) { free(buf); return -1; }
    reader r = {buf + 1, buf + n, 0};
    char kind = buf[0];
    if (kind == 'E' && parent_event(vm, &r) && !k->in->order) k->in->order = ++vm->inst[idx].ended;
    else if (kind == 'S') rbk_mask_add(vm->mask, buf + 1, n - 1);
    else if (kind == 'R') {
        char **keep = NULL;
        int nkeep = 0;
        k->rs = (rbk_status)get_u64(&r);
        const char *err = get_str(&r, &keep, &nkeep);
        k->err_expect = (int)(int64_t)get_u64(&r);
        k->verified = (int64_t)get_u64(&r);
        k->unverified = (int64_t)get_u64(&r);
        k->failing = (int64_t)get_u64(&r);
        k->dry_skipped = (int)get_u64(&r);
        const char *dl = get_str(&r, &keep, &nkeep);
        k->next_effect = get_u64(&r);
        k->got_result = !r.bad;
        k->err = err ? rbk_xstrdup(err) : NULL;
        k->dry_last = dl ? rbk_xstrdup(dl) : NULL;
        for (int i = 0; i < nkeep; i++) free(keep[i]);
        free(keep);
    }
    free(buf);
    if (kind == 'E' || kind == 'S') {
        char ack = vm->sink_failed ? 1 : 0;
        if (write(k->ackfd, &ack, 1) != 1) { /* the child is gone: its EOF follows */ }
    }
    return 0;
}

/* Runs the instances of one batch each in a process of its own; returns when all have ended. */
static void run_batch_forked(rbk_vm *vm, uint32_t idx, rbk_instance **batch, int nb, rbk_status *out) {
    kid *kids = rbk_xcalloc((size_t)nb, sizeof *kids);
    int base_verified = vm->checks_verified, base_unverified = vm->checks_unverified, base_failing = vm->checks_failing;
    uint64_t effect_top = vm->next_effect;
    pid_t parent = getpid();
    fflush(NULL);
    for (int i = 0; i < nb; i++) {
        kid *k = &kids[i];
        k->in = batch[i];
        k->in->ran = 1;
        int ev[2], ack[2];
        if (pipe2(ev, O_CLOEXEC) || pipe2(ack, O_CLOEXEC)) {
            k->in->ran = 0;
            k->done = 1;
            k->rs = RBK_E_RUNTIME;
            k->err = rbk_xstrdup("could not start the instance's process (pipe failed)");
            continue;
        }
        uint64_t base = vm->next_effect + ((uint64_t)(i + 1) << 32);
        pid_t pid = fork();
        if (pid == 0) {
            close(ev[0]);
            close(ack[1]);
            for (int j = 0; j < i; j++) { close(kids[j].evfd); close(kids[j].ackfd); }
            /* a group of its own: the terminal's Ctrl-C reaches the run's process, which passes
             * it on once (a second one to the run ends it, and this one with it) */
            setpgid(0, 0);
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent) _exit(70);
            child_main(vm, idx, k->in, ev[1], ack[0], base);
        }
        close(ev[1]);
        close(ack[0]);
        if (pid < 0) {
            close(ev[0]);
            close(ack[1]);
            k->in->ran = 0;
            k->done = 1;
            k->rs = RBK_E_RUNTIME;
            k->err = rbk_xstrdup("could not start the instance's process (fork failed)");
            continue;
        }
        k->pid = pid;
        k->evfd = ev[0];
        k->ackfd = ack[1];
    }
    struct pollfd *pf = rbk_xcalloc((size_t)nb, sizeof *pf);
    int forwarded = 0;
    for (;;) {
        int n = 0;
        for (int i = 0; i < nb; i++)
            if (!kids[i].done) { pf[n].fd = kids[i].evfd; pf[n].events = POLLIN; pf[n].revents = 0; n++; }
        if (!n) break;
        /* an interrupt of the run is passed on to its instances (their own process groups: the
         * terminal's signals do not reach them) */
        int sig = *vm->interrupted;
        if (sig && sig != forwarded) {
            for (int i = 0; i < nb; i++) if (!kids[i].done && kids[i].pid > 0) kill(kids[i].pid, sig);
            forwarded = sig;
        }
        int pr = poll(pf, (nfds_t)n, 200);
        if (pr < 0 && errno != EINTR) break;
        if (pr <= 0) continue;
        for (int j = 0; j < n; j++) {
            if (!(pf[j].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            kid *k = NULL;
            for (int i = 0; i < nb && !k; i++) if (!kids[i].done && kids[i].evfd == pf[j].fd) k = &kids[i];
            if (!k) continue;
            if (parent_read(vm, idx, k) == 0) continue;
            /* its end */
            if (!k->in->order) k->in->order = ++vm->inst[idx].ended;
            close(k->evfd);
            close(k->ackfd);
            int status = 0;
            while (waitpid(k->pid, &status, 0) < 0 && errno == EINTR) {}
            k->done = 1;
            if (!k->got_result) {
                k->rs = RBK_E_RUNTIME;
                rbk_sbuf w = RBK_SBUF_INIT;
                if (WIFSIGNALED(status)) rbk_sbuf_printf(&w, "the instance's process was killed by signal %d", WTERMSIG(status));
                else rbk_sbuf_printf(&w, "the instance's process ended (exit %d) before its result", WEXITSTATUS(status));
                k->err = rbk_sbuf_detach(&w);
                /* its end as an event, since the process could not say it */
                vm->cur_instance = k->in->label;
                vm->inst_step = (int)idx;
                rbk_vm_raise(vm, RBK_E_RUNTIME, "%s", k->err);
                rbk_steps_emit_error(vm, (int)idx, "");
                rbk_event e = inst_ev(vm, RBK_EV_STEP_END, idx, k->in);
                e.status = "failed";
                e.text = k->err;
                rbk_vm_emit(vm, &e);
                vm->cur_instance = NULL;
                vm->inst_step = -1;
            }
        }
    }
    free(pf);
    for (int i = 0; i < nb; i++) {
        kid *k = &kids[i];
        out[i] = k->rs;
        if (k->got_result) {
            vm->checks_verified += (int)(k->verified - base_verified);
            vm->checks_unverified += (int)(k->unverified - base_unverified);
            vm->checks_failing += (int)(k->failing - base_failing);
            if (k->dry_skipped && k->dry_last) {
                vm->dry_skipped += k->dry_skipped;
                free(vm->dry_last);
                vm->dry_last = k->dry_last;
                k->dry_last = NULL;
            }
            if (k->next_effect > effect_top) effect_top = k->next_effect;
        }
        if (k->rs != RBK_OK) {
            rbk_vm_raise(vm, k->rs, "%s", k->err ? k->err : "failed");
            vm->err_expect = k->err_expect;
        }
        free(k->err);
        free(k->dry_last);
    }
    vm->next_effect = effect_top;
    free(kids);
}

/* ------------------------------------------------------------------ the step */

rbk_status rbk_instances_run(rbk_vm *vm, uint32_t idx, int *tolerated) {
    rbk_step *st = &vm->u->steps[idx];
    const char *name = rbk_vm_str(vm, st->name);
    *tolerated = 0;
    if (make_instances(vm, idx)) return vm->err_status ? vm->err_status : RBK_E_RUNTIME;
    rbk_instances *I = &vm->inst[idx];
    int64_t n = I->n;
    int64_t batch = (st->flags & RBK_STEP_SERIAL_PCT) ? pct_of(n, st->serial, 1) : st->serial;
    if (batch < 1) batch = 1;
    int64_t budget = (st->flags & RBK_STEP_MAX_FAIL_PCT) ? pct_of(n, st->max_fail, 0) : st->max_fail;
    const rbk_resume *R = vm->opts.resume;
    /* --only / --from naming one instance (the step's own name takes them all: vm/steps.c) */
    int only_one = vm->only_instance;
    int from_one = vm->from_instance_pending;
    if (only_one || from_one) { /* the name fits the step's; it must be one of its instances */
        const char *want = only_one ? vm->opts.only : vm->opts.from;
        int hit = 0;
        for (int i = 0; i < I->n && !hit; i++) hit = !strcmp(I->v[i].label, want);
        if (!hit) {
            rbk_sbuf l = RBK_SBUF_INIT;
            for (int i = 0; i < I->n && i < 10; i++) rbk_sbuf_printf(&l, "%s\"%s\"", i ? ", " : "", I->v[i].label);
            if (I->n > 10) rbk_sbuf_printf(&l, ", ... (%d in all)", I->n);
            rbk_vm_raise(vm, RBK_E_RUNTIME, "%s \"%s\": step \"%s\" has no instance of that name; its instances: %s", only_one ? "--only" : "--from",
                         want, name, I->n ? rbk_sbuf_cstr(&l) : "none (its list is empty)");
            rbk_sbuf_free(&l);
            vm->from_instance_pending = 0;
            return RBK_E_RUNTIME;
        }
    }
    {
        rbk_event e = rbk_steps_ev(vm, RBK_EV_NOTE, (int)idx);
        rbk_sbuf t = RBK_SBUF_INIT;
        rbk_sbuf_printf(&t, "%" PRId64 " instance%s (for %s in %s), %" PRId64 " at a time, %" PRId64 " failure%s tolerated", n, n == 1 ? "" : "s",
                        rbk_vm_str(vm, st->var), rbk_vm_str(vm, st->list_src), batch, budget, budget == 1 ? "" : "s");
        e.text = rbk_sbuf_cstr(&t);
        rbk_vm_emit(vm, &e);
        rbk_sbuf_free(&t);
    }
    int failures = 0, stopped = 0, interrupted = 0;
    rbk_status worst = RBK_OK;
    rbk_sbuf failed_names = RBK_SBUF_INIT;
    rbk_instance **b = rbk_xcalloc((size_t)(n ? n : 1), sizeof *b);
    rbk_status *res = rbk_xcalloc((size_t)(n ? n : 1), sizeof *res);
    int pos = 0;
    int sandboxed = vm->opts.max_ticks > 0 || vm->opts.no_natives;
    while (pos < n) {
        if (failures > budget || stopped || interrupted || *vm->interrupted) break;
        int nb = 0;
        while (pos < n && nb < batch) {
            rbk_instance *in = &I->v[pos++];
            const char *skip = NULL;
            if (only_one && strcmp(vm->opts.only, in->label)) skip = "not selected by --only";
            if (from_one) {
                if (!strcmp(vm->opts.from, in->label)) { from_one = 0; vm->from_instance_pending = 0; }
                else skip = "before --from";
            }
            int prev = 0;
            for (int r = 0; R && !skip && r < R->ninstances; r++)
                if (R->instances[r].step == (int)idx && !strcmp(R->instances[r].label, in->label)) prev = R->instances[r].done;
            if (!skip && prev == 1) skip = "done before the resume (journal)";
            if (!skip && in->outcome == RBK_INST_OK) { /* a retry of the step: it ended ok before */
                rbk_event e = inst_ev(vm, RBK_EV_STEP_END, idx, in);
                e.status = "ok";
                e.text = "done in an earlier attempt of the step";
                e.code = vm->stepno;
                rbk_vm_emit(vm, &e);
                continue;
            }
            if (skip) {
                in->outcome = prev == 1 ? RBK_INST_OK : RBK_INST_SKIPPED;
                if (prev == 1) { in->ran = 1; in->order = ++I->ended; }
                rbk_event e = inst_ev(vm, RBK_EV_STEP_END, idx, in);
                e.status = prev == 1 ? "ok" : "skipped";
                e.text = skip;
                e.code = vm->stepno;
                rbk_vm_emit(vm, &e);
                continue;
            }
            b[nb++] = in;
        }
        if (!nb) continue;
        if (nb == 1 || sandboxed) {
            for (int i = 0; i < nb; i++) res[i] = run_instance(vm, idx, b[i]); /* all of a batch run, as forked ones would */
        } else {
            run_batch_forked(vm, idx, b, nb, res);
        }
        for (int i = 0; i < nb; i++) {
            rbk_instance *in = b[i];
            if (!in->order) in->order = ++I->ended;
            in->outcome = res[i] == RBK_OK ? RBK_INST_OK : res[i] == RBK_E_STOP ? RBK_INST_STOPPED
                        : res[i] == RBK_E_INTERRUPT ? RBK_INST_INTERRUPTED : RBK_INST_FAILED;
            if (res[i] == RBK_E_STOP) stopped = 1;
            else if (res[i] == RBK_E_INTERRUPT) interrupted = 1;
            else if (res[i] != RBK_OK) {
                failures++;
                rbk_sbuf_printf(&failed_names, "%s%s", failed_names.len ? ", " : "", in->label);
                if (worst == RBK_OK) worst = res[i];
            }
        }
    }
    int not_started = 0;
    for (int i = 0; i < n; i++) if (I->v[i].outcome == RBK_INST_PENDING) not_started++;
    rbk_status rs = RBK_OK;
    if (interrupted || *vm->interrupted) {
        rbk_vm_raise(vm, RBK_E_INTERRUPT, "interrupted");
        rs = RBK_E_INTERRUPT;
    } else if (stopped) {
        rs = RBK_E_STOP; /* the error of the instance that stopped is set */
    } else if (failures > budget) {
        rbk_sbuf more = RBK_SBUF_INIT;
        if (not_started) rbk_sbuf_printf(&more, "; not started: %d", not_started);
        rbk_vm_raise(vm, RBK_E_FAIL, "%d of %" PRId64 " instances failed (%s), more than max_fail %" PRId64 " allows%s", failures, n,
                     rbk_sbuf_cstr(&failed_names), budget, rbk_sbuf_cstr(&more));
        rbk_sbuf_free(&more);
        vm->err_expect = -1;
        vm->err_has_pos = 0; /* the step's verdict, not the position of an instance's error */
        rs = RBK_E_FAIL;
    } else if (failures) {
        *tolerated = failures;
        rbk_vm_clear_error(vm);
        rbk_event e = rbk_steps_ev(vm, RBK_EV_NOTE, (int)idx);
        rbk_sbuf t = RBK_SBUF_INIT;
        rbk_sbuf_printf(&t, "%d of %" PRId64 " instances failed (%s), within max_fail %" PRId64, failures, n, rbk_sbuf_cstr(&failed_names), budget);
        e.text = rbk_sbuf_cstr(&t);
        rbk_vm_emit(vm, &e);
        rbk_sbuf_free(&t);
    }
    /* the instances that never started end too, each with its reason (a row in the reports) */
    for (int i = 0; i < n && rs != RBK_OK; i++) {
        rbk_instance *in = &I->v[i];
        if (in->outcome != RBK_INST_PENDING) continue;
        in->outcome = RBK_INST_SKIPPED;
        rbk_event e = inst_ev(vm, RBK_EV_STEP_END, idx, in);
        e.status = "skipped";
        e.text = rs == RBK_E_INTERRUPT ? "not started: the run was interrupted"
               : rs == RBK_E_STOP ? "not started: the run stopped" : "not started: more instances failed than max_fail allows";
        e.code = vm->stepno;
        rbk_vm_emit(vm, &e);
    }
    rbk_sbuf_free(&failed_names);
    free(b);
    free(res);
    return rs;
}

/* ------------------------------------------------------------------ rollback */

rbk_status rbk_instances_rollback(rbk_vm *vm, uint32_t idx, int only_failed) {
    rbk_step *st = &vm->u->steps[idx];
    rbk_instances *I = vm->inst ? &vm->inst[idx] : NULL;
    if (!I || st->rollback_fn == RBK_NONE || (st->flags & RBK_STEP_NOTHING_TO_UNDO)) return RBK_OK;
    const rbk_resume *R = vm->opts.resume;
    for (int ord = I->ended; ord >= 1; ord--) {
        rbk_instance *in = NULL;
        for (int i = 0; i < I->n && !in; i++) if (I->v[i].order == ord) in = &I->v[i];
        if (!in || !in->ran || in->rolled_back) continue;
        if (only_failed && in->outcome != RBK_INST_FAILED) continue;
        int before = 0;
        for (int r = 0; R && r < R->ninstances; r++)
            if (R->instances[r].step == (int)idx && !strcmp(R->instances[r].label, in->label) && R->instances[r].rolled_back) before = 1;
        vm->cur_instance = in->label;
        vm->inst_step = (int)idx;
        if (before) {
            in->rolled_back = 1;
            rbk_event e = inst_ev(vm, RBK_EV_ROLLBACK_END, idx, in);
            e.status = "ok";
            e.text = "done before the resume (journal)";
            rbk_vm_emit(vm, &e);
            continue;
        }
        rbk_event e = inst_ev(vm, RBK_EV_ROLLBACK_START, idx, in);
        rbk_vm_emit(vm, &e);
        int64_t t0 = rbk_now_ms();
        vm->attempt = 1;
        rbk_value r = rbk_nil();
        int own = st->rollback_timeout_ms > 0;
        vm->entry_arg = in->item;
        vm->entry_arg_set = 1;
        rbk_status rs = rbk_steps_run_part(vm, st->rollback_fn, (int)idx, RBK_PART_ROLLBACK, own ? st->rollback_timeout_ms : st->timeout_ms, own, &r);
        vm->entry_arg_set = 0;
        rbk_unref(r);
        rbk_event e2 = inst_ev(vm, RBK_EV_ROLLBACK_END, idx, in);
        e2.duration_ms = rbk_now_ms() - t0;
        if (rs == RBK_OK) {
            in->rolled_back = 1;
            e2.status = "ok";
            rbk_vm_emit(vm, &e2);
            vm->cur_instance = NULL;
            vm->inst_step = -1;
            continue;
        }
        rbk_steps_emit_error(vm, (int)idx, "rollback: ");
        e2.status = "failed";
        e2.text = vm->err;
        rbk_vm_emit(vm, &e2);
        vm->cur_instance = NULL;
        vm->inst_step = -1;
        return rs;
    }
    vm->cur_instance = NULL;
    vm->inst_step = -1;
    return RBK_OK;
}

int rbk_instances_restore(rbk_vm *vm, uint32_t idx) {
    if (make_instances(vm, idx)) return -1;
    const rbk_resume *R = vm->opts.resume;
    rbk_instances *I = &vm->inst[idx];
    /* in the order the journal saw them end */
    for (int r = 0; R && r < R->ninstances; r++) {
        if (R->instances[r].step != (int)idx || !R->instances[r].done) continue;
        for (int i = 0; i < I->n; i++)
            if (!strcmp(I->v[i].label, R->instances[r].label) && !I->v[i].order) {
                I->v[i].ran = 1;
                I->v[i].outcome = R->instances[r].done == 1 ? RBK_INST_OK : RBK_INST_FAILED;
                I->v[i].order = ++I->ended;
                I->v[i].rolled_back = R->instances[r].rolled_back;
            }
    }
    return 0;
}

int rbk_instance_name_fits(rbk_vm *vm, uint32_t idx, const char *name) {
    rbk_step *st = &vm->u->steps[idx];
    const char *t = rbk_vm_str(vm, st->name);
    size_t n = strlen(name);
    if (st->name_fn == RBK_NONE) { /* "NAME [ITEM]" */
        size_t tl = strlen(t);
        return n > tl + 2 && !strncmp(name, t, tl) && name[tl] == ' ' && name[tl + 1] == '[' && name[n - 1] == ']';
    }
    const char *open = strchr(t, '{'), *close = strrchr(t, '}');
    if (!open || !close) return 0;
    size_t pre = (size_t)(open - t), post = strlen(close + 1);
    return n >= pre + post && !strncmp(name, t, pre) && !strcmp(name + n - post, close + 1);
}

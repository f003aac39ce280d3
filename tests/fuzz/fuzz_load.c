/* tests/fuzz/fuzz_load.c — libFuzzer target for the .rbc loader and verifier (vm/bc_load.c,
 * vm/bc_verify.c), the disassembler of whatever loads, and the VM running it. Each input is
 * tried twice: as is (exercising magic, version, length and checksum checks), then with its
 * length field and trailing SHA-256 forged to match, so that mutations reach the section
 * parsers and the verifier instead of dying at the checksum (the second try is skipped when it
 * would be the same bytes). A unit that loads is disassembled, then run in a sandbox
 * (vm/vm.h: no_natives, max_ticks): no builtin is called (no command, request, query, file,
 * prompt or sleep), the work is bounded, every declared parameter and environment variable
 * gets a dummy value, and the events go to a sink that reads every string they carry. Any
 * outcome of the run is fine; a crash, a leak, undefined behaviour or a hang is not.
 * The run's options (failure policy, dry run, checkpoints, --fail-at/--from/--only) are picked
 * from the last byte of the input, so each corpus entry always runs the same way.
 * Seeds: tests/fuzz/seeds/load/ (written by tests/unit/test_bytecode.c with RBK_WRITE_SEEDS=dir,
 * plus regression inputs named after what they found). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "support/sha256.h"
#include "vm/bytecode.h"
#include "vm/vm.h"

/* the bound on a run's work: every tick (vm.h) costs at most one pass over straight-line code */
enum { FUZZ_MAX_TICKS = 2000 };

/* UBSan findings are crashes here, not log lines */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void) { return "halt_on_error=1:print_stacktrace=1"; }

/* Renders every string of every event into memory (ASan sees each byte read), then drops it. */
static void sink(void *ctx, const rbk_event *ev) {
    rbk_sbuf *b = ctx;
    const char *s[] = {rbk_event_kind_name(ev->kind), ev->step_name, ev->status, ev->text, ev->detail, ev->file,
                       ev->source_line, ev->source, ev->effect, ev->target, ev->out, ev->err, ev->stream,
                       ev->answer, ev->who};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        if (s[i]) rbk_sbuf_adds(b, s[i]);
    for (int i = 0; i < ev->nvalues; i++) {
        rbk_sbuf_adds(b, ev->values[i].expr);
        if (ev->values[i].value) rbk_sbuf_adds(b, ev->values[i].value);
    }
    rbk_sbuf_printf(b, "%d %d %d %d %d\n", ev->step, ev->nsteps, ev->attempt, ev->line, ev->col);
    rbk_sbuf_reset(b);
}

/* The operator: answers a decision in turn with each offered letter ("r" at most every other
 * time, so a retry chosen by the operator cannot go on for ever). A gate is never asked: no
 * native is called in the sandbox (nobody answers one). */
static void choose(void *ctx, const rbk_question *q, rbk_reply *reply) {
    unsigned *turn = ctx;
    reply->status = RBK_REPLY_NO_TERMINAL;
    reply->choice = 0;
    if (q->kind != RBK_ASK_CHOOSE) return;
    reply->status = RBK_REPLY_OK;
    reply->choice = q->options[(*turn)++ % strlen(q->options)];
}

static const char *step_name(const rbk_unit *u, uint32_t i) { return RBK_AS_STR(u->consts[u->steps[i].name].v)->data; }

/* Runs a verified unit in the sandbox, as cli/run.c's rbk_cli_execute does (preflight first; not
 * run when it finds problems); takes ownership of u. */
static void run_unit(rbk_unit *u, uint8_t mode) {
    static const char *dummy[] = {"", "x", "1", "1.5", "true", "1s"}; /* by rbk_param_type */
    rbk_kv *params = calloc(u->nparams ? u->nparams : 1, sizeof *params);
    rbk_kv *envs = calloc(u->nenvs ? u->nenvs : 1, sizeof *envs);
    if (!params || !envs) abort();
    for (uint32_t i = 0; i < u->nparams; i++) {
        params[i].key = RBK_AS_STR(u->consts[u->params[i].name].v)->data;
        params[i].value = (char *)dummy[u->params[i].type];
    }
    for (uint32_t i = 0; i < u->nenvs; i++) {
        envs[i].key = RBK_AS_STR(u->consts[u->envs[i].name].v)->data;
        envs[i].value = "fuzz";
    }
    unsigned turn = 0;
    rbk_run_opts o;
    memset(&o, 0, sizeof o);
    o.no_natives = 1;
    o.max_ticks = FUZZ_MAX_TICKS;
    o.on_failure = (mode & 3) == 1 ? RBK_ONFAIL_STOP : (mode & 3) == 2 ? RBK_ONFAIL_ASK : RBK_ONFAIL_ROLLBACK;
    o.dry_run = (mode >> 2) & 1;
    o.checkpoints = (mode >> 3) & 1;
    o.yes = 1;
    o.interactive = 1; /* `ask` passes preflight; choose() answers */
    o.ask = choose;
    o.ask_ctx = &turn;
    o.params = params;
    o.nparams = (int)u->nparams;
    o.envfile = envs;
    o.nenvfile = (int)u->nenvs;
    if (u->nsteps && (mode >> 4) & 3) {
        const char *name = step_name(u, (mode >> 6) % u->nsteps);
        if (((mode >> 4) & 3) == 1) o.fail_at = name;
        else if (((mode >> 4) & 3) == 2) o.from = name;
        else o.only = name;
    }
    rbk_vm *vm = rbk_vm_new(u, &o);
    rbk_sbuf problems = RBK_SBUF_INIT, events = RBK_SBUF_INIT;
    if (rbk_vm_preflight(vm, &problems) == 0) {
        rbk_vm_add_sink(vm, sink, &events);
        int code = rbk_vm_run(vm);
        if (code < 0 || code > 4) abort(); /* docs/language.md §7: the run's exit codes */
    }
    rbk_vm_free(vm);
    rbk_sbuf_free(&problems);
    rbk_sbuf_free(&events);
    free(params);
    free(envs);
}

static void try_load(const uint8_t *data, size_t size) {
    char *err = NULL;
    rbk_unit *u = rbk_bc_load(data, size, &err);
    if (u) {
        if (err) abort(); /* success never leaves a message */
        rbk_sbuf out = RBK_SBUF_INIT;
        rbk_bc_disasm(u, &out);
        rbk_sbuf_free(&out);
        run_unit(u, data[size - 1]);
    } else if (!err) {
        abort(); /* failure always explains itself */
    }
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    try_load(data, size);
    if (size >= 12 + RBK_SHA256_DIGEST && size <= UINT32_MAX) {
        uint8_t *copy = malloc(size);
        if (!copy) return 0;
        memcpy(copy, data, size);
        copy[8] = (uint8_t)size;
        copy[9] = (uint8_t)(size >> 8);
        copy[10] = (uint8_t)(size >> 16);
        copy[11] = (uint8_t)(size >> 24);
        rbk_sha256 h;
        rbk_sha256_init(&h);
        rbk_sha256_update(&h, copy, size - RBK_SHA256_DIGEST);
        rbk_sha256_final(&h, copy + size - RBK_SHA256_DIGEST);
        if (memcmp(copy, data, size)) try_load(copy, size);
        free(copy);
    }
    return 0;
}

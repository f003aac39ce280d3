/* stdlib/std_file.c — natives of the builtins.def rows FILE_EXISTS, FILE_SIZE, FILE_READ,
 * FILE_WRITE, FILE_SHA256 and TCP_OPEN, which wrap the VM-free operations of
 * support/fileops.h (tested by tests/unit/test_file.c).
 * Shares invariants with: stdlib/builtins.def (signatures: args arrive in that order, an
 * omitted optional is nil), vm/native.h (ownership, errors, cancellation), vm/value.h.
 * Rules kept here: errors name the path and strerror; results computed from a secret argument
 * are secret; file.write replaces atomically; every wait polls the cancel token in slices of
 * RBK_POLL_SLICE_MS (file reads check it between 64 KiB chunks). */
#include "../support/fileops.h"
#include "../vm/native.h"
#include <stdlib.h>
#include <string.h>

/* file.read's limit without max_size: (docs/language.md, "Files"), as HTTP's body limit */
#define FILE_READ_DEFAULT_MAX ((int64_t)64 << 20)
_Static_assert(RBK_FILE_READ_LIMIT == RBK_TEXT_MAX - 1, "a file read is a text");

/* ---------------------------------------------------------------- natives */

/* file operations leave the process' control only through the disk: no default timeout, but
 * the step's timeout and an interrupt still stop them between chunks */
#define FILE_NO_TIMEOUT_MS ((int64_t)1 << 50)

static int path_arg(rbk_vm *vm, const char *fn, rbk_value v, const char **path) {
    if (v.t != RBK_T_STRING)
        return rbk_vm_error(vm, "%s: the path must be a string, not %s", fn, rbk_type_name((rbk_type)v.t));
    if (memchr(rbk_arg_str(v), 0, rbk_arg_len(v)))
        return rbk_vm_error(vm, "%s: the path contains a NUL byte", fn);
    *path = rbk_arg_str(v);
    return 0;
}

static int any_secret(rbk_value *args, int nargs) {
    for (int i = 0; i < nargs; i++)
        if (args[i].secret) return 1;
    return 0;
}

static int fail_err(rbk_vm *vm, const char *fn, rbk_sbuf *err) {
    int r = rbk_vm_error(vm, "%s: %s", fn, rbk_sbuf_cstr(err));
    rbk_sbuf_free(err);
    return r;
}

static int fail_cancel(rbk_vm *vm, const char *fn, const rbk_cancel *c, int64_t timeout_ms) {
    if (rbk_cancel_check(c) == 1) return rbk_vm_error(vm, "interrupted");
    return rbk_vm_error(vm, "%s: stopped by %s", fn, rbk_vm_cancel_reason(vm, c, timeout_ms));
}

int rbk_std_file_exists(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    const char *path = NULL;
    if (path_arg(vm, "file.exists", args[0], &path)) return -1;
    rbk_sbuf err = RBK_SBUF_INIT;
    int r = rbk_file_exists(path, &err);
    if (r < 0) return fail_err(vm, "file.exists", &err);
    *out = rbk_bool(r == 1);
    out->secret = (uint8_t)any_secret(args, nargs);
    return 0;
}

int rbk_std_file_size(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    const char *path = NULL;
    if (path_arg(vm, "file.size", args[0], &path)) return -1;
    rbk_sbuf err = RBK_SBUF_INIT;
    int64_t size = 0;
    if (rbk_file_size(path, &size, &err) != RBK_FILE_OK) return fail_err(vm, "file.size", &err);
    *out = rbk_int(size);
    out->secret = (uint8_t)any_secret(args, nargs);
    return 0;
}

int rbk_std_file_read(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    const char *path = NULL;
    if (path_arg(vm, "file.read", args[0], &path)) return -1;
    int64_t max = FILE_READ_DEFAULT_MAX;
    if (nargs > 1 && rbk_limit_arg(vm, "file.read", "max_size", args[1], FILE_READ_DEFAULT_MAX,
                                   (int64_t)RBK_FILE_READ_LIMIT, &max))
        return -1;
    rbk_cancel c = rbk_vm_cancel(vm, FILE_NO_TIMEOUT_MS);
    rbk_sbuf err = RBK_SBUF_INIT, data = RBK_SBUF_INIT;
    int r = rbk_file_read_max(path, (size_t)max, &data, &c, &err);
    if (r != RBK_FILE_OK) {
        rbk_sbuf_free(&data);
        if (r == RBK_FILE_CANCELLED) {
            rbk_sbuf_free(&err);
            return fail_cancel(vm, "file.read", &c, FILE_NO_TIMEOUT_MS);
        }
        if (r == RBK_FILE_TOO_LARGE)
            rbk_sbuf_printf(&err, "; pass max_size: (bytes, at most %zu) to read more",
                            (size_t)RBK_FILE_READ_LIMIT);
        return fail_err(vm, "file.read", &err);
    }
    *out = rbk_str_take_sbuf(&data);
    out->secret = (uint8_t)any_secret(args, nargs);
    return 0;
}

int rbk_std_file_write(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    (void)nargs;
    const char *path = NULL;
    if (path_arg(vm, "file.write", args[0], &path)) return -1;
    if (args[1].t != RBK_T_STRING)
        return rbk_vm_error(vm, "file.write: the content must be a string, not %s",
                            rbk_type_name((rbk_type)args[1].t));
    /* an effect like a command: journaled (intent, then outcome), replayed by `runbook resume` */
    rbk_sbuf target = RBK_SBUF_INIT;
    rbk_sbuf_printf(&target, "write %s (%zu bytes)", path, rbk_arg_len(args[1]));
    uint64_t eid = rbk_vm_effect_begin(vm, "file", rbk_sbuf_cstr(&target));
    rbk_sbuf_free(&target);
    if (!eid) return -1; /* not to be performed (native.h) */
    int64_t t0 = rbk_now_ms();
    rbk_sbuf err = RBK_SBUF_INIT;
    if (rbk_file_write_atomic(path, rbk_arg_str(args[1]), rbk_arg_len(args[1]), &err) != RBK_FILE_OK) {
        rbk_vm_effect_end(vm, eid, "error", 0, NULL, 0, err.data, err.len, rbk_now_ms() - t0);
        return fail_err(vm, "file.write", &err);
    }
    rbk_vm_effect_end(vm, eid, "ok", 0, NULL, 0, NULL, 0, rbk_now_ms() - t0);
    *out = rbk_nil();
    return 0;
}

int rbk_std_file_sha256(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    const char *path = NULL;
    if (path_arg(vm, "file.sha256", args[0], &path)) return -1;
    rbk_cancel c = rbk_vm_cancel(vm, FILE_NO_TIMEOUT_MS);
    rbk_sbuf err = RBK_SBUF_INIT;
    char hex[65];
    int r = rbk_file_sha256(path, hex, &c, &err);
    if (r == RBK_FILE_CANCELLED) {
        rbk_sbuf_free(&err);
        return fail_cancel(vm, "file.sha256", &c, FILE_NO_TIMEOUT_MS);
    }
    if (r != RBK_FILE_OK) return fail_err(vm, "file.sha256", &err);
    *out = rbk_str_new(hex, 64);
    out->secret = (uint8_t)any_secret(args, nargs);
    return 0;
}

int rbk_std_tcp_open(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    if (args[0].t != RBK_T_STRING)
        return rbk_vm_error(vm, "tcp.open: the host must be a string, not %s",
                            rbk_type_name((rbk_type)args[0].t));
    if (args[1].t != RBK_T_INT)
        return rbk_vm_error(vm, "tcp.open: the port must be an int, not %s",
                            rbk_type_name((rbk_type)args[1].t));
    if (args[1].as.i < 1 || args[1].as.i > 65535)
        return rbk_vm_error(vm, "tcp.open: port %lld is out of range (1-65535)", (long long)args[1].as.i);
    int64_t timeout_ms = -1;
    if (nargs > 2 && args[2].t == RBK_T_DURATION) timeout_ms = args[2].as.i < 0 ? 0 : args[2].as.i;
    else if (nargs > 2 && args[2].t != RBK_T_NIL)
        return rbk_vm_error(vm, "tcp.open: timeout must be a duration, not %s",
                            rbk_type_name((rbk_type)args[2].t));
    const char *host = rbk_arg_str(args[0]);
    if (!*host || memchr(host, 0, rbk_arg_len(args[0])))
        return rbk_vm_error(vm, "tcp.open: invalid host \"%s\"", host);
    rbk_cancel c = rbk_vm_cancel(vm, timeout_ms);
    rbk_sbuf why = RBK_SBUF_INIT;
    int r = rbk_tcp_probe(host, (int)args[1].as.i, &c, &why);
    if (r == RBK_FILE_CANCELLED) {
        rbk_sbuf_free(&why);
        return rbk_vm_error(vm, "interrupted");
    }
    if (r == 0 && why.len) rbk_vm_note(vm, "tcp.open: %s", why.data);
    rbk_sbuf_free(&why);
    *out = rbk_bool(r == 1);
    out->secret = (uint8_t)any_secret(args, nargs);
    return 0;
}

/* stdlib/builtins.c — the native table of builtins.def (const: generated at build time with
 * its signatures parsed, scripts/gen_builtins.c), its lookup, and the plugin loading: the HTTP
 * and SQL natives are resolved on demand (dlopen), so libcurl and libpq are only mapped into
 * runs that use them. Contract: vm/builtins.h. */
#include "builtins.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the natives' functions: core ones are linked in, plugin ones resolved by name */
#define RBK_BUILTIN(id, name, lib, eff, sig, ret, fn, doc) \
    int fn(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);
#include "builtins.def"
#undef RBK_BUILTIN

/* table[] and find_slots[], generated from builtins.def (scripts/gen_builtins.c) */
#include "builtins_table.inc"
_Static_assert(sizeof table / sizeof table[0] == RBK_BI__COUNT, "the generated table is builtins.def's");

const rbk_builtin *rbk_builtin_get(int id) {
    return (id >= 0 && id < RBK_BI__COUNT) ? &table[id] : NULL;
}
int rbk_builtin_count(void) { return RBK_BI__COUNT; }
/* Name lookup: an open-addressing index over the table (FNV-1a), built at build time. The
 * checker looks up every call and name it meets, so this is on the `runbook check` path. */
int rbk_builtin_find(const char *name) {
    for (unsigned j = rbk_builtin_name_hash(name) & (RBK_BUILTIN_FIND_SLOTS - 1); find_slots[j];
         j = (j + 1) & (RBK_BUILTIN_FIND_SLOTS - 1))
        if (!strcmp(table[find_slots[j] - 1].name, name)) return find_slots[j] - 1;
    return -1;
}
const char *rbk_effect_name(rbk_effect e) {
    static const char *n[] = {"pure", "read", "write", "gate"};
    return n[e];
}
rbk_effect rbk_call_effect(const rbk_builtin *b, int read_only) {
    if (b->effect == RBK_EFF_WRITE && b->read_only_param >= 0 && read_only) return RBK_EFF_READ;
    return b->effect;
}
const char *rbk_lib_name(rbk_lib l) {
    static const char *n[] = {"core", "http", "sql"};
    return n[l];
}
/* Where the plugins are installed, relative to the directory of the installed executable
 * (packaging/install.cmake computes it from GNUInstallDirs: "../lib/runbook", or
 * "../lib/x86_64-linux-gnu/runbook" for a /usr prefix on Debian). The build tree has them next
 * to the executable, looked at first. */
#ifndef RBK_PLUGIN_RELDIR
#define RBK_PLUGIN_RELDIR "../lib/runbook"
#endif
char *rbk_plugin_path(const char *file) {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    rbk_sbuf b = RBK_SBUF_INIT;
    const char *env = getenv("RUNBOOK_PLUGIN_DIR");
    if (env && *env) {
        rbk_sbuf_printf(&b, "%s/%s", env, file);
        return rbk_sbuf_detach(&b);
    }
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) *slash = 0;
        rbk_sbuf_printf(&b, "%s/%s", exe, file);
        if (access(b.data, R_OK) == 0) return rbk_sbuf_detach(&b);
        rbk_sbuf_reset(&b);
        rbk_sbuf_printf(&b, "%s/" RBK_PLUGIN_RELDIR "/%s", exe, file);
        if (access(b.data, R_OK) == 0) return rbk_sbuf_detach(&b);
        rbk_sbuf_reset(&b);
    }
    rbk_sbuf_adds(&b, file);
    return rbk_sbuf_detach(&b);
}
int rbk_builtin_resolve(int id, rbk_native_fn *fn, char **err) {
    const rbk_builtin *b = rbk_builtin_get(id);
    *fn = NULL;
    if (!b) {
        *err = rbk_xstrdup("no such builtin");
        return -1;
    }
    if (b->lib == RBK_LIB_CORE) {
        *fn = b->fn;
        return 0;
    }
    /* dlopen maps a plugin once per process and counts further loads: the handle is never
     * closed, so the pointer stays valid for as long as the caller keeps it */
    const char *file = b->lib == RBK_LIB_HTTP ? "runbook-http.so" : "runbook-sql.so";
    char *path = rbk_plugin_path(file);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        rbk_sbuf e = RBK_SBUF_INIT;
        rbk_sbuf_printf(&e, "cannot load the %s builtins (%s): %s", rbk_lib_name(b->lib), path, dlerror());
        *err = rbk_sbuf_detach(&e);
        free(path);
        return -1;
    }
    free(path);
    void *sym = dlsym(h, b->cname);
    if (!sym) {
        rbk_sbuf e = RBK_SBUF_INIT;
        rbk_sbuf_printf(&e, "the %s plugin lacks %s", rbk_lib_name(b->lib), b->cname);
        *err = rbk_sbuf_detach(&e);
        return -1;
    }
    /* POSIX dlsym returns data pointers; converting to a function pointer is sanctioned. */
    memcpy(fn, &sym, sizeof sym);
    return 0;
}

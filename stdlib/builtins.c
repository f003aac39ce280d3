/* stdlib/builtins.c — expands builtins.def into the native table; parses signatures; loads
 * the HTTP and SQL plugins on demand (dlopen), so libcurl and libpq are only mapped into
 * runs that use them. */
#include "builtins.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CORE_FN(fn) fn
#define HTTP_FN(fn) NULL
#define SQL_FN(fn) NULL
/* core natives are linked in; plugin natives are resolved by name */
#define RBK_BUILTIN(id, name, lib, eff, sig, ret, fn, doc) \
    int fn(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);
#include "builtins.def"
#undef RBK_BUILTIN

static rbk_builtin table[] = {
#define RBK_BUILTIN(id, name, lib, eff, sig, ret, fn, doc) \
    {name, RBK_LIB_##lib, RBK_EFF_##eff, sig, ret, lib##_FN(fn), #fn, doc, -1, {{{0}, {0}, 0, 0}}, -1},
#include "builtins.def"
#undef RBK_BUILTIN
};
static int plugin_loaded[3] = {1, 0, 0};

static void parse_sig(rbk_builtin *b) {
    b->nparams = 0;
    b->read_only_param = -1;
    const char *p = b->sig;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        rbk_sig_param *sp = &b->params[b->nparams++];
        memset(sp, 0, sizeof *sp);
        size_t i = 0;
        while (*p && *p != ':' && *p != '?' && i + 1 < sizeof sp->name) sp->name[i++] = *p++;
        if (*p == '?') { sp->optional = 1; p++; }
        if (*p == ':') p++;
        i = 0;
        while (*p && *p != ',' && *p != '@' && i + 1 < sizeof sp->type) sp->type[i++] = *p++;
        if (*p == '@') {
            p++;
            sp->interp = !strncmp(p, "shell", 5) ? 'S' : !strncmp(p, "url", 3) ? 'U' : 'Q';
            while (*p && *p != ',') p++;
        }
        if (!strcmp(sp->name, "read_only")) b->read_only_param = b->nparams - 1;
    }
}
static void init(void) {
    if (table[0].nparams >= 0) return;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) parse_sig(&table[i]);
}
const rbk_builtin *rbk_builtin_get(int id) {
    init();
    return (id >= 0 && id < RBK_BI__COUNT) ? &table[id] : NULL;
}
int rbk_builtin_count(void) { return RBK_BI__COUNT; }
/* Name lookup: an open-addressing index over the table (FNV-1a), built on first use. The
 * checker looks up every call and name it meets, so this is on the `runbook check` path. */
enum { FIND_SLOTS = 128 };
_Static_assert(RBK_BI__COUNT * 2 <= FIND_SLOTS, "grow FIND_SLOTS with the builtin table");
static unsigned name_hash(const char *s) {
    unsigned h = 2166136261u;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 16777619u; }
    return h;
}
int rbk_builtin_find(const char *name) {
    static short slots[FIND_SLOTS]; /* builtin id + 1; 0 = empty */
    static int built;
    if (!built) {
        for (int i = 0; i < RBK_BI__COUNT; i++) {
            unsigned j = name_hash(table[i].name) & (FIND_SLOTS - 1);
            while (slots[j] && strcmp(table[slots[j] - 1].name, table[i].name)) j = (j + 1) & (FIND_SLOTS - 1);
            if (!slots[j]) slots[j] = (short)(i + 1); /* a repeated name keeps its first entry */
        }
        built = 1;
    }
    for (unsigned j = name_hash(name) & (FIND_SLOTS - 1); slots[j]; j = (j + 1) & (FIND_SLOTS - 1))
        if (!strcmp(table[slots[j] - 1].name, name)) return slots[j] - 1;
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
static char *plugin_path(const char *file) {
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
int rbk_builtin_load_lib(rbk_lib lib, char **err) {
    init();
    if (plugin_loaded[lib]) return 0;
    const char *file = lib == RBK_LIB_HTTP ? "runbook-http.so" : "runbook-sql.so";
    char *path = plugin_path(file);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_printf(&b, "cannot load the %s builtins (%s): %s", rbk_lib_name(lib), path, dlerror());
        *err = rbk_sbuf_detach(&b);
        free(path);
        return -1;
    }
    free(path);
    for (int i = 0; i < RBK_BI__COUNT; i++) {
        if (table[i].lib != lib) continue;
        void *sym = dlsym(h, table[i].cname);
        if (!sym) {
            rbk_sbuf b = RBK_SBUF_INIT;
            rbk_sbuf_printf(&b, "the %s plugin lacks %s", rbk_lib_name(lib), table[i].cname);
            *err = rbk_sbuf_detach(&b);
            return -1;
        }
        /* POSIX dlsym returns data pointers; converting to a function pointer is sanctioned. */
        memcpy(&table[i].fn, &sym, sizeof sym);
    }
    plugin_loaded[lib] = 1; /* the handle stays open for the life of the process */
    return 0;
}
rbk_native_fn rbk_builtin_fn(int id) { init(); return table[id].fn; }

/* vm/builtins.h — what the VM, the verifier and the compiler know of a native builtin: its row
 * of the builtin table (name, library, effect, signature parsed at build time, return type)
 * and how a row's function is found. The rows themselves are stdlib/builtins.def; the table
 * is built from it by scripts/gen_builtins.c (signatures parsed at build time) and defined in
 * stdlib/builtins.c, which also owns the plugin loading. The VM sees rows only through the
 * functions below, by id or by name (row ids by name are stdlib/builtins.h, for the layers
 * above the VM).
 * The table is const: nothing writes it at run time. A plugin native's function pointer is not
 * in it: rbk_builtin_resolve hands it to the caller, which keeps it (vm/vm.c, per VM). */
#ifndef RBK_VM_BUILTINS_H
#define RBK_VM_BUILTINS_H
#include "../support/hash.h"
#include "native.h"

typedef enum rbk_lib { RBK_LIB_CORE, RBK_LIB_HTTP, RBK_LIB_SQL } rbk_lib;
typedef enum rbk_effect { RBK_EFF_PURE, RBK_EFF_READ, RBK_EFF_WRITE, RBK_EFF_GATE } rbk_effect;

#define RBK_SIG_MAX 12
typedef struct rbk_sig_param {
    char name[24];
    char type[48];     /* as written: "string", "handle:sql", "string|list" */
    int optional;
    int interp;        /* 0, 'S' (@shell), 'Q' (@sql), 'U' (@url), 'R' (@re: a pattern, as after `matches`) */
} rbk_sig_param;

typedef struct rbk_builtin {
    const char *name;
    rbk_lib lib;
    rbk_effect effect;
    const char *sig;
    const char *ret;
    rbk_native_fn fn;  /* a CORE row's function; NULL for plugin rows (rbk_builtin_resolve) */
    const char *cname;
    const char *doc;
    /* the signature, parsed at build time (scripts/gen_builtins.c) */
    int nparams;
    rbk_sig_param params[RBK_SIG_MAX];
    int read_only_param; /* index of a `read_only` parameter (sh, exec), or -1 */
} rbk_builtin;

/* The row of id, or NULL when id is out of range. */
const rbk_builtin *rbk_builtin_get(int id);
int rbk_builtin_count(void);
int rbk_builtin_find(const char *name); /* -1 when unknown */
const char *rbk_effect_name(rbk_effect e);
/* The effect of one call of b: the row's tag, except that a WRITE row with a `read_only`
 * parameter (b->read_only_param >= 0: sh, exec) called with read_only: true is a READ. That
 * is the runbook author's declaration, which nothing verifies (docs/shell.md); the checker
 * requires a literal true/false, so the effect is known before the run. read_only: 1 when the
 * call passes true, 0 when it passes false or nothing. The checker's effect bits, the dry run's
 * run-or-show decision and plan/doc's read/write all come from here. */
rbk_effect rbk_call_effect(const rbk_builtin *b, int read_only);
const char *rbk_lib_name(rbk_lib l);
/* The function of row id: a CORE row's at once; a plugin row's after loading its plugin
 * (runbook-http.so / runbook-sql.so, next to the executable) and resolving it there. The
 * caller keeps the pointer (the plugin stays mapped for the life of the process: dlopen counts
 * the loads, nothing unloads it). 0 with *fn set; -1 with *err (malloc'd) saying why. */
int rbk_builtin_resolve(int id, rbk_native_fn *fn, char **err);
/* Where the plugin FILE (runbook-http.so, ...) is: $RUNBOOK_PLUGIN_DIR, next to the executable,
 * or where packaging installs it (malloc'd). cli/state.c loads runbook-state.so from there too. */
char *rbk_plugin_path(const char *file);

/* The name hash of the table's lookup index (FNV-1a), shared by the generator and the lookup. */
static inline unsigned rbk_builtin_name_hash(const char *s) { return rbk_fnv1a_str(s); }
enum { RBK_BUILTIN_FIND_SLOTS = 128 };
#endif

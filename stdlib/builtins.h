/* stdlib/builtins.h — the native table expanded from builtins.def, and signature parsing
 * shared by the checker, the code generator, the loader and the dry run. */
#ifndef RBK_BUILTINS_H
#define RBK_BUILTINS_H
#include "native.h"

typedef enum rbk_lib { RBK_LIB_CORE, RBK_LIB_HTTP, RBK_LIB_SQL } rbk_lib;
typedef enum rbk_effect { RBK_EFF_PURE, RBK_EFF_READ, RBK_EFF_WRITE, RBK_EFF_GATE } rbk_effect;

typedef enum rbk_builtin_id {
#define RBK_BUILTIN(id, name, lib, eff, sig, ret, fn, doc) RBK_BI_##id,
#include "builtins.def"
#undef RBK_BUILTIN
    RBK_BI__COUNT
} rbk_builtin_id;

#define RBK_SIG_MAX 12
typedef struct rbk_sig_param {
    char name[24];
    char type[48];     /* as written: "string", "handle:sql", "string|list" */
    int optional;
    int interp;        /* 0, 'S' (@shell), 'Q' (@sql), 'U' (@url) */
} rbk_sig_param;

typedef struct rbk_builtin {
    const char *name;
    rbk_lib lib;
    rbk_effect effect;
    const char *sig;
    const char *ret;
    rbk_native_fn fn;  /* NULL for plugin natives until loaded */
    const char *cname;
    const char *doc;
    /* parsed signature */
    int nparams;
    rbk_sig_param params[RBK_SIG_MAX];
    int read_only_param; /* index of a `read_only` parameter (sh, exec), or -1 */
} rbk_builtin;

/* The table; parsed lazily on first use of rbk_builtin_get (thread-unsafe init is fine:
 * it is idempotent and runs before any VM starts). */
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
/* Loads the plugin for lib (runbook-http.so / runbook-sql.so) next to the executable and
 * resolves its natives. 0 on success; on failure *err says why. */
int rbk_builtin_load_lib(rbk_lib lib, char **err);
rbk_native_fn rbk_builtin_fn(int id); /* the function, or NULL if its plugin is not loaded */
#endif

/* stdlib/builtins.h — the ids of the rows of stdlib/builtins.def (RBK_BI_LEN, ...), for the
 * layers that name a builtin (the checker, the code generator, plan). What a row holds and how
 * its function is found is vm/builtins.h. */
#ifndef RBK_BUILTINS_H
#define RBK_BUILTINS_H
#include "../vm/builtins.h"

typedef enum rbk_builtin_id {
#define RBK_BUILTIN(id, name, lib, eff, sig, ret, fn, doc) RBK_BI_##id,
#include "builtins.def"
#undef RBK_BUILTIN
    RBK_BI__COUNT
} rbk_builtin_id;
#endif

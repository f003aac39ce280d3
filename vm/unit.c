/* vm/unit.c — freeing a compiled unit (vm/bytecode.h). A unit is one heap block (rbk_unit,
 * allocated with malloc/rbk_xcalloc) owning every array it points to and one reference to
 * each string constant. Used by the loader (vm/bc_load.c), the code generator and the VM.
 * NULL-safe; every array may be NULL when its count is 0 (or when a load failed half-way).
 * Also the one reading of a string constant (rbk_unit_str). */
#include <stdlib.h>
#include "bytecode.h"

void rbk_unit_free(rbk_unit *u) {
    if (!u) return;
    if (u->consts)
        for (uint32_t i = 0; i < u->nconsts; i++) rbk_unref(u->consts[i].v);
    free(u->consts);
    free(u->sources);
    free(u->global_names);
    free(u->native_names);
    if (u->funcs)
        for (uint32_t i = 0; i < u->nfuncs; i++) {
            free(u->funcs[i].code);
            free(u->funcs[i].lines);
        }
    free(u->funcs);
    free(u->steps);
    if (u->expects)
        for (uint32_t i = 0; i < u->nexpects; i++) free(u->expects[i].subs);
    free(u->expects);
    free(u->envs);
    free(u->params);
    free(u->gates);
    free(u);
}

const char *rbk_unit_str(const rbk_unit *u, uint32_t k, size_t *len) {
    if (k == RBK_NONE || k >= u->nconsts || u->consts[k].kind != RBK_K_STRING) return NULL;
    rbk_str *s = RBK_AS_STR(u->consts[k].v);
    if (len) *len = s->len;
    return s->data;
}

const char *rbk_param_type_name(uint32_t type) {
    static const char *const names[] = {"?", "string", "int", "float", "bool", "duration", "list", "map"};
    return type < sizeof names / sizeof names[0] ? names[type] : "?";
}

/* compiler/fuzz_entry.c — one call that runs the whole front end and the bytecode round trip
 * on arbitrary input, for the libFuzzer target tests/fuzz/fuzz_parse.c: lexer, parser (with
 * error recovery), checker, code generator, writer, loader and verifier. */
#include <stdint.h>
#include <stdlib.h>
#include "compiler.h"

int rbk_fuzz_compile(const uint8_t *data, size_t size) {
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *c = rbk_compile_text("fuzz.rb", (const char *)data, size, &sources, &diags);
    rbk_unit *u = rbk_codegen(c);
    if (u) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_bc_write(u, &b);
        char *err = NULL;
        rbk_unit *v = rbk_bc_load((const uint8_t *)b.data, b.len, &err);
        if (!v) abort(); /* compiler output must always verify */
        rbk_unit_free(v);
        rbk_sbuf_free(&b);
        rbk_unit_free(u);
    }
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_diags_render(&diags, RBK_FMT_TEXT, 0, &out);
    rbk_sbuf_free(&out);
    rbk_compiler_free(c);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    return 0;
}

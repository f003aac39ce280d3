/* compiler/fuzz_entry.c — one call that runs the whole front end and the bytecode round trip
 * on arbitrary input, for the libFuzzer target tests/fuzz/fuzz_parse.c: lexer, parser (with
 * error recovery), checker, code generator, writer, loader and verifier — the pipeline every
 * subcommand uses (compiler/pipeline.h). */
#include <stdint.h>
#include <stdlib.h>
#include "pipeline.h"

int rbk_fuzz_compile(const uint8_t *data, size_t size) {
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *c = rbk_compile_text("fuzz.rb", (const char *)data, size, &sources, &diags);
    char *err = NULL;
    rbk_unit *u = rbk_unit_build(c, NULL, &err);
    if (err) abort(); /* compiler output must always verify */
    rbk_unit_free(u);
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_diags_render(&diags, RBK_FMT_TEXT, 0, &out);
    rbk_sbuf_free(&out);
    rbk_compiler_free(c);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    return 0;
}

/* tests/fuzz/fuzz_parse.c — libFuzzer target for the front end (lexer, parser, checker, code
 * generator, and the verifier on its output). rbk_fuzz_compile is provided by the compiler
 * (compiler/): it compiles the bytes as a runbook source held in memory, frees everything, and
 * returns 0 (a compile error is a normal outcome, not a finding). Use a timeout (-timeout=10):
 * a lexer condition that never reaches end-of-file makes the parser loop (TOOLCHAIN.md). */
#include <stddef.h>
#include <stdint.h>

int rbk_fuzz_compile(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rbk_fuzz_compile(data, size);
    return 0;
}

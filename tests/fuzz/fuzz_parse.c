/* tests/fuzz/fuzz_parse.c — libFuzzer target for the front end (lexer, parser, checker, code
 * generator, and the verifier on its output). rbk_fuzz_compile is provided by the compiler
 * (compiler/): it compiles the bytes as a runbook source held in memory, frees everything, and
 * returns 0 (a compile error is a normal outcome, not a finding). Use a timeout (-timeout=10):
 * a lexer condition that never reaches end-of-file makes the parser loop (docs/contributing.md, Toolchain).
 *
 * Structure: the dictionary tests/fuzz/parse.dict holds the language's tokens and chain links
 * (" + 1", ".a", "[0]", "not "), and the mutator below, one time in eight, repeats a short span
 * of the input up to 1,100 times (one time in sixteen of those, up to 12,000): the long chains
 * and deep nestings of a generated runbook (docs/language.md, Limits: 1,000 levels, the
 * parser's 10,000) that byte mutations never build. Run with -max_len=65536 so that they fit.
 * Seeds: tests/fuzz/seeds/parse/ (chains at the limit and one past it, a runbook using most of
 * the language). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int rbk_fuzz_compile(const uint8_t *data, size_t size);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rbk_fuzz_compile(data, size);
    return 0;
}

static uint32_t next(uint32_t *s) { /* xorshift32: the mutation is a function of the seed */
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
    uint32_t s = seed | 1;
    if (size == 0 || size >= max_size || next(&s) % 8) return LLVMFuzzerMutate(data, size, max_size);
    size_t len = 1 + next(&s) % (size < 16 ? size : 16); /* a link: "+ 1 ", ".a", "[0]", "{a: " */
    size_t at = next(&s) % (size - len + 1);
    size_t times = 1 + next(&s) % 1100; /* around the expression limit of 1,000 */
    if (next(&s) % 16 == 0) times = 1 + next(&s) % 12000; /* past the parser's stack */
    if (times > (max_size - size) / len) times = (max_size - size) / len;
    size_t tail = at + len;
    memmove(data + tail + times * len, data + tail, size - tail);
    for (size_t k = 0; k < times; k++) memcpy(data + tail + k * len, data + at, len);
    return size + times * len;
}

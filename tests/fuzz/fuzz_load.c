/* tests/fuzz/fuzz_load.c — libFuzzer target for the .rbc loader and verifier (vm/bc_load.c,
 * vm/bc_verify.c) and the disassembler of whatever loads. Each input is tried twice: as is
 * (exercising magic, version, length and checksum checks), then with its length field and
 * trailing SHA-256 forged to match, so that mutations reach the section parsers and the
 * verifier instead of dying at the checksum. Seeds: tests/fuzz/seeds/load/ (written by
 * tests/unit/test_bytecode.c with RBK_WRITE_SEEDS=dir). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "support/sha256.h"
#include "vm/bytecode.h"

static void try_load(const uint8_t *data, size_t size) {
    char *err = NULL;
    rbk_unit *u = rbk_bc_load(data, size, &err);
    if (u) {
        if (err) abort(); /* success never leaves a message */
        rbk_sbuf out = RBK_SBUF_INIT;
        rbk_bc_disasm(u, &out);
        rbk_sbuf_free(&out);
        rbk_unit_free(u);
    } else if (!err) {
        abort(); /* failure always explains itself */
    }
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    try_load(data, size);
    if (size >= 12 + RBK_SHA256_DIGEST && size <= UINT32_MAX) {
        uint8_t *copy = malloc(size);
        if (!copy) return 0;
        memcpy(copy, data, size);
        copy[8] = (uint8_t)size;
        copy[9] = (uint8_t)(size >> 8);
        copy[10] = (uint8_t)(size >> 16);
        copy[11] = (uint8_t)(size >> 24);
        rbk_sha256 h;
        rbk_sha256_init(&h);
        rbk_sha256_update(&h, copy, size - RBK_SHA256_DIGEST);
        rbk_sha256_final(&h, copy + size - RBK_SHA256_DIGEST);
        try_load(copy, size);
        free(copy);
    }
    return 0;
}

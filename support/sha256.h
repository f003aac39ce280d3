/* support/sha256.h — SHA-256 (FIPS 180-4), our own implementation.
 * Owns: the incremental digest state (init/update/final) and the one-shot hex helper.
 * Used by: the bytecode writer/loader (source hashes, artifact hash), the journal
 * (artifact identity) and file.sha256 (stdlib/std_file.c, streamed).
 * The state is a plain struct that may live on the stack, and may be copied by assignment: hash a
 * common prefix once, copy, and finish each copy with its own tail (vm/bc_load.c does this for the
 * checksum and the artifact hash). The one global is the choice of compression function (SHA-NI
 * where the CPU has it, else portable C), made once on first use. */
#ifndef RBK_SHA256_H
#define RBK_SHA256_H
#include <stddef.h>
#include <stdint.h>

#define RBK_SHA256_DIGEST 32
#define RBK_SHA256_BLOCK 64

typedef struct rbk_sha256 {
    uint32_t h[8];
    uint64_t total;                 /* bytes hashed so far */
    size_t buflen;                  /* bytes pending in buf (< 64) */
    unsigned char buf[RBK_SHA256_BLOCK];
} rbk_sha256;

void rbk_sha256_init(rbk_sha256 *s);
void rbk_sha256_update(rbk_sha256 *s, const void *data, size_t n);
/* Writes the 32-byte digest; the state must be re-initialised before reuse. */
void rbk_sha256_final(rbk_sha256 *s, unsigned char out[RBK_SHA256_DIGEST]);
/* Lower-case hex of a 32-byte digest, NUL-terminated. */
void rbk_sha256_to_hex(const unsigned char digest[RBK_SHA256_DIGEST], char out[65]);
/* One shot: lower-case hex digest of data. */
void rbk_sha256_hex(const void *data, size_t n, char out[65]);
/* "sha-ni" or "portable": the compression function in use (for tests and benchmarks). */
const char *rbk_sha256_impl(void);
/* Tests and benchmarks only: nonzero makes every later block go through the portable code even on
 * a CPU with SHA-NI, zero restores the automatic choice. Returns 1 if this CPU has SHA-NI (so a
 * test can tell whether it compared two implementations or one with itself). */
int rbk_sha256_force_portable(int on);
#endif

/* support/hash.h — FNV-1a (32 bits), the one string hash of the project: the checker's scopes,
 * records and step names, the code generator's constant pool, the VM's strings and map keys,
 * and the builtin table's name index all hash with these. Inline: the checker hashes every name
 * it meets, on the `runbook check` path (docs/benchmarks.md).
 * Owns: nothing (pure functions). Not a cryptographic hash (support/sha256.h is one). */
#ifndef RBK_HASH_H
#define RBK_HASH_H
#include <stddef.h>
#include <stdint.h>

enum { RBK_FNV1A_PRIME = 16777619u };
#define RBK_FNV1A_SEED 2166136261u

/* h (a running hash: start at RBK_FNV1A_SEED) continued over the n bytes at p. */
static inline uint32_t rbk_fnv1a_add(uint32_t h, const void *p, size_t n) {
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) { h ^= s[i]; h *= RBK_FNV1A_PRIME; }
    return h;
}
/* h continued over the NUL-terminated string s (its NUL not included). */
static inline uint32_t rbk_fnv1a_add_str(uint32_t h, const char *s) {
    for (; *s; s++) { h ^= (unsigned char)*s; h *= RBK_FNV1A_PRIME; }
    return h;
}
/* The hash of n bytes, and of a NUL-terminated string (the same for the same bytes). */
static inline uint32_t rbk_fnv1a(const void *p, size_t n) { return rbk_fnv1a_add(RBK_FNV1A_SEED, p, n); }
static inline uint32_t rbk_fnv1a_str(const char *s) { return rbk_fnv1a_add_str(RBK_FNV1A_SEED, s); }
#endif

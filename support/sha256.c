/* support/sha256.c — SHA-256 per FIPS 180-4 §6.2. See sha256.h.
 * Two compression functions, both written here from the standard:
 *  - portable C (any target): the 64 rounds unrolled by eight with the working variables renamed
 *    instead of moved, and a 16-word rolling message schedule; about 18-20 instructions a byte.
 *  - x86-64 SHA extensions (sha256rnds2 / sha256msg1 / sha256msg2, Intel's "SHA extensions" paper):
 *    about 2-3 instructions a byte, used when CPUID says the CPU has them (leaf 7 EBX bit 29, with
 *    SSSE3 and SSE4.1 from leaf 1). The choice is made once, on first use, and kept in an atomic.
 *    (gcc 12 knows __builtin_cpu_supports("sha") but clang 14, used for the fuzz build, does not,
 *    and libgcc's check runs a dozen CPUIDs in a constructor: glibc's answers or CPUID instead.)
 * Who needs the speed: `runbook compile` and the .rbc loader hash whole artifacts (megabytes for a
 * large runbook; docs/benchmarks.md), file.sha256 hashes whole files. */
#include "sha256.h"
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RBK_SHA_X86 1
#include <cpuid.h>
#include <immintrin.h>
#if defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h> /* glibc >= 2.33: the CPUID answers it read at start-up */
#define RBK_SHA_GLIBC_CPU 1
#endif
#endif
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* ---- portable ---------------------------------------------------------------------------- */

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define CH(x, y, z) ((((y) ^ (z)) & (x)) ^ (z))          /* = (x & y) ^ (~x & z) */
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y)))) /* = (x & y) ^ (x & z) ^ (y & z) */
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

static uint32_t load_be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* One round: t1 and t2 of §6.2.2 step 3, with the eight variables renamed by the caller instead of
 * shifted, so `d += t1` is the new e and `h = t1 + t2` the new a. */
#define RND(a, b, c, d, e, f, g, h, k, w)                                                          \
    do {                                                                                           \
        uint32_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + (k) + (w);                                   \
        (d) += t1_;                                                                                \
        (h) = t1_ + BSIG0(a) + MAJ(a, b, c);                                                       \
    } while (0)
/* W[i] for i >= 16 in a 16-word ring: W[i] = σ1(W[i-2]) + W[i-7] + σ0(W[i-15]) + W[i-16]. */
#define WX(i) (w[(i) & 15] += SSIG1(w[((i) - 2) & 15]) + w[((i) - 7) & 15] + SSIG0(w[((i) - 15) & 15]))
#define EIGHT(i, W)                                                                                \
    do {                                                                                           \
        RND(a, b, c, d, e, f, g, h, K[(i) + 0], W((i) + 0));                                       \
        RND(h, a, b, c, d, e, f, g, K[(i) + 1], W((i) + 1));                                       \
        RND(g, h, a, b, c, d, e, f, K[(i) + 2], W((i) + 2));                                       \
        RND(f, g, h, a, b, c, d, e, K[(i) + 3], W((i) + 3));                                       \
        RND(e, f, g, h, a, b, c, d, K[(i) + 4], W((i) + 4));                                       \
        RND(d, e, f, g, h, a, b, c, K[(i) + 5], W((i) + 5));                                       \
        RND(c, d, e, f, g, h, a, b, K[(i) + 6], W((i) + 6));                                       \
        RND(b, c, d, e, f, g, h, a, K[(i) + 7], W((i) + 7));                                       \
    } while (0)
#define W0(i) (w[i] = load_be32(p + 4 * (i)))

static void compress_portable(uint32_t st[8], const unsigned char *p, size_t nblocks) {
    for (; nblocks; nblocks--, p += RBK_SHA256_BLOCK) {
        uint32_t w[16];
        uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
        EIGHT(0, W0);
        EIGHT(8, W0);
        for (int i = 16; i < 64; i += 16) {
            EIGHT(i, WX);
            EIGHT(i + 8, WX);
        }
        st[0] += a; st[1] += b; st[2] += c; st[3] += d;
        st[4] += e; st[5] += f; st[6] += g; st[7] += h;
    }
}

/* ---- x86-64 SHA extensions ---------------------------------------------------------------- */

#ifdef RBK_SHA_X86
/* The instructions keep the state as two registers, ABEF = {F, E, B, A} and CDGH = {H, G, D, C}
 * (lane 0 first). sha256rnds2(cdgh, abef, wk) does two rounds with the message+constant words in
 * lanes 0 and 1 of wk and returns the new ABEF; the old ABEF is the new CDGH. */
__attribute__((target("sha,sse4.1"))) static void compress_shani(uint32_t st[8], const unsigned char *p,
                                                                  size_t nblocks) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)&st[0]); /* {A, B, C, D} */
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)&st[4]); /* {E, F, G, H} */
    __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);                         /* {B, A, D, C} */
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);                         /* {H, G, F, E} */
    __m128i abef = _mm_alignr_epi8(badc, efgh, 8);                        /* {F, E, B, A} */
    __m128i cdgh = _mm_blend_epi16(efgh, badc, 0xF0);                     /* {H, G, D, C} */

    for (; nblocks; nblocks--, p += RBK_SHA256_BLOCK) {
        const __m128i abef0 = abef, cdgh0 = cdgh;
        /* m0..m3: the last four groups of four schedule words, W[i..i+3] in lanes 0..3 */
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 0)), bswap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), bswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), bswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), bswap);
        for (int g = 0; g < 16; g++) {
            __m128i w;
            if (g < 4) {
                w = g == 0 ? m0 : g == 1 ? m1 : g == 2 ? m2 : m3;
            } else {
                /* W[t..t+3] from W[t-16..t-1]: msg1 adds σ0(W[t-15+j]) to W[t-16+j], then
                 * W[t-7+j] is added, then msg2 adds σ1(W[t-2+j]) (using its own lanes 0-1 for
                 * lanes 2-3). */
                w = _mm_sha256msg1_epu32(m0, m1);
                w = _mm_add_epi32(w, _mm_alignr_epi8(m3, m2, 4));
                w = _mm_sha256msg2_epu32(w, m3);
                m0 = m1;
                m1 = m2;
                m2 = m3;
                m3 = w;
            }
            __m128i wk = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)(const void *)&K[4 * g]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk); /* rounds 4g, 4g+1: cdgh now holds ABEF */
            wk = _mm_shuffle_epi32(wk, 0x0E);              /* lanes 2, 3 down to 0, 1 */
            abef = _mm_sha256rnds2_epu32(abef, cdgh, wk); /* rounds 4g+2, 4g+3 */
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }

    __m128i abfe = _mm_shuffle_epi32(abef, 0x1B);        /* {A, B, E, F} */
    __m128i ghcd = _mm_shuffle_epi32(cdgh, 0xB1);        /* {G, H, C, D} */
    dcba = _mm_blend_epi16(abfe, ghcd, 0xF0);            /* {A, B, C, D} */
    hgfe = _mm_alignr_epi8(ghcd, abfe, 8);               /* {E, F, G, H} */
    _mm_storeu_si128((__m128i *)(void *)&st[0], dcba);
    _mm_storeu_si128((__m128i *)(void *)&st[4], hgfe);
}

/* SHA (CPUID leaf 7 EBX bit 29), SSSE3 and SSE4.1 (leaf 1 ECX bits 9 and 19). glibc has executed
 * CPUID at start-up and keeps the answers: reading them costs nothing, while CPUID itself traps to
 * the hypervisor on a VM (~5 µs each here, 2 % of `runbook run`'s start-up for four of them). */
static int cpu_has_shani(void) {
#ifdef RBK_SHA_GLIBC_CPU
    return CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSSE3) && CPU_FEATURE_ACTIVE(SSE4_1);
#else
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid(1, a, b, c, d);
    if (!(c & bit_SSSE3) || !(c & bit_SSE4_1)) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 29) & 1;
#endif
}
#endif

/* ---- dispatch ------------------------------------------------------------------------------ */

enum { IMPL_UNKNOWN, IMPL_PORTABLE, IMPL_SHANI };
static atomic_int impl_choice = IMPL_UNKNOWN; /* what the CPU offers, found once */
static atomic_int force_portable = 0;

static int detect(void) {
    int c = atomic_load_explicit(&impl_choice, memory_order_relaxed);
    if (c == IMPL_UNKNOWN) {
#ifdef RBK_SHA_X86
        c = cpu_has_shani() ? IMPL_SHANI : IMPL_PORTABLE;
#else
        c = IMPL_PORTABLE;
#endif
        atomic_store_explicit(&impl_choice, c, memory_order_relaxed);
    }
    return c;
}

static void compress(uint32_t st[8], const unsigned char *p, size_t nblocks) {
#ifdef RBK_SHA_X86
    if (detect() == IMPL_SHANI && !atomic_load_explicit(&force_portable, memory_order_relaxed)) {
        compress_shani(st, p, nblocks);
        return;
    }
#endif
    compress_portable(st, p, nblocks);
}

int rbk_sha256_force_portable(int on) {
    atomic_store_explicit(&force_portable, on != 0, memory_order_relaxed);
    return detect() == IMPL_SHANI;
}

const char *rbk_sha256_impl(void) {
    return detect() == IMPL_SHANI && !atomic_load_explicit(&force_portable, memory_order_relaxed) ? "sha-ni"
                                                                                                  : "portable";
}

/* ---- the incremental interface --------------------------------------------------------------- */

void rbk_sha256_init(rbk_sha256 *s) {
    static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, H0, sizeof H0);
    s->total = 0;
    s->buflen = 0;
}

void rbk_sha256_update(rbk_sha256 *s, const void *data, size_t n) {
    const unsigned char *p = data;
    s->total += n;
    if (s->buflen) {
        size_t take = RBK_SHA256_BLOCK - s->buflen;
        if (take > n) take = n;
        memcpy(s->buf + s->buflen, p, take);
        s->buflen += take;
        p += take;
        n -= take;
        if (s->buflen < RBK_SHA256_BLOCK) return;
        compress(s->h, s->buf, 1);
        s->buflen = 0;
    }
    if (n >= RBK_SHA256_BLOCK) { /* every whole block straight from the caller's bytes */
        size_t nb = n / RBK_SHA256_BLOCK;
        compress(s->h, p, nb);
        p += nb * RBK_SHA256_BLOCK;
        n -= nb * RBK_SHA256_BLOCK;
    }
    if (n) {
        memcpy(s->buf, p, n);
        s->buflen = n;
    }
}

void rbk_sha256_final(rbk_sha256 *s, unsigned char out[RBK_SHA256_DIGEST]) {
    uint64_t bits = s->total * 8;
    s->buf[s->buflen++] = 0x80;
    if (s->buflen > 56) {
        memset(s->buf + s->buflen, 0, RBK_SHA256_BLOCK - s->buflen);
        compress(s->h, s->buf, 1);
        s->buflen = 0;
    }
    memset(s->buf + s->buflen, 0, 56 - s->buflen);
    for (int i = 0; i < 8; i++) s->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    compress(s->h, s->buf, 1);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(s->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)s->h[i];
    }
    s->buflen = 0;
}

void rbk_sha256_to_hex(const unsigned char digest[RBK_SHA256_DIGEST], char out[65]) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < RBK_SHA256_DIGEST; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = 0;
}

void rbk_sha256_hex(const void *data, size_t n, char out[65]) {
    rbk_sha256 s;
    unsigned char d[RBK_SHA256_DIGEST];
    rbk_sha256_init(&s);
    rbk_sha256_update(&s, data, n);
    rbk_sha256_final(&s, d);
    rbk_sha256_to_hex(d, out);
}

/* support/sha256.c — SHA-256 per FIPS 180-4 §6.2. See sha256.h.
 * Straightforward portable code: ~200-400 MB/s, well above what file.sha256 and the artifact
 * hash need (a runbook artifact is kilobytes; a backup file is read at disk speed). */
#include "sha256.h"
#include <string.h>

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

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

static void compress(uint32_t h[8], const unsigned char *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) w[i] = SSIG1(w[i - 2]) + w[i - 7] + SSIG0(w[i - 15]) + w[i - 16];
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + BSIG1(e) + CH(e, f, g) + K[i] + w[i];
        uint32_t t2 = BSIG0(a) + MAJ(a, b, c);
        hh = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

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
        compress(s->h, s->buf);
        s->buflen = 0;
    }
    while (n >= RBK_SHA256_BLOCK) {
        compress(s->h, p);
        p += RBK_SHA256_BLOCK;
        n -= RBK_SHA256_BLOCK;
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
        compress(s->h, s->buf);
        s->buflen = 0;
    }
    memset(s->buf + s->buflen, 0, 56 - s->buflen);
    for (int i = 0; i < 8; i++) s->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    compress(s->h, s->buf);
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

/* support/conninfo.c — see conninfo.h. */
#include "conninfo.h"
#include <stdbool.h>
#include <string.h>

typedef struct finder {
    rbk_secret_fn add;
    void *ctx;
} finder;

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }
static bool is_uri(const char *s) {
    return has_prefix(s, "postgresql://") || has_prefix(s, "postgres://");
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Registers a password as a secret: the text as written and, when it differs, percent-decoded. */
static void add_password_secret(const finder *f, const char *s, size_t n) {
    if (n == 0) return;
    f->add(f->ctx, s, n);
    rbk_sbuf dec = RBK_SBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            rbk_sbuf_addc(&dec, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
        } else {
            rbk_sbuf_addc(&dec, s[i]);
        }
    }
    if (dec.len && (dec.len != n || memcmp(dec.data, s, n) != 0)) f->add(f->ctx, dec.data, dec.len);
    rbk_sbuf_free(&dec);
}

/* Masks `password=value` pairs of a URI query string [q, end) into out. */
static void mask_uri_query(const finder *f, rbk_sbuf *out, const char *q, const char *end) {
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(stop - q));
        if (eq && (size_t)(eq - q) == 8 && memcmp(q, "password", 8) == 0) {
            rbk_sbuf_add(out, q, (size_t)(eq + 1 - q));
            add_password_secret(f, eq + 1, (size_t)(stop - eq - 1));
            if (stop > eq + 1) rbk_sbuf_adds(out, "***");
        } else {
            rbk_sbuf_add(out, q, (size_t)(stop - q));
        }
        if (amp) rbk_sbuf_addc(out, '&');
        q = amp ? amp + 1 : end;
    }
}

/* postgresql://user:password@host:port/db?password=...  (libpq looks for the '@' of the
 * user info before the first '/'). */
static void mask_uri(const finder *f, rbk_sbuf *out, const char *s) {
    const char *p = strstr(s, "://") + 3;
    rbk_sbuf_add(out, s, (size_t)(p - s));
    size_t auth_len = strcspn(p, "/?");
    const char *at = NULL;
    for (const char *x = p; x < p + auth_len; x++)
        if (*x == '@') at = x; /* the last '@' of the authority ends the user info */
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (colon) {
            rbk_sbuf_add(out, p, (size_t)(colon + 1 - p));
            add_password_secret(f, colon + 1, (size_t)(at - colon - 1));
            if (at > colon + 1) rbk_sbuf_adds(out, "***");
            p = at;
        }
    }
    const char *qm = strchr(p, '?');
    const char *end = p + strlen(p);
    if (!qm) { rbk_sbuf_add(out, p, (size_t)(end - p)); return; }
    rbk_sbuf_add(out, p, (size_t)(qm + 1 - p));
    mask_uri_query(f, out, qm + 1, end);
}

/* key = value pairs, values bare or single-quoted with \' and \\ escapes. */
static void mask_kv(const finder *f, rbk_sbuf *out, const char *s) {
    const char *p = s;
    while (*p) {
        const char *ws = p;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        rbk_sbuf_add(out, ws, (size_t)(p - ws));
        if (!*p) break;
        const char *key = p;
        while (*p && *p != '=' && *p != ' ' && *p != '\t' && *p != '\n') p++;
        size_t keylen = (size_t)(p - key);
        rbk_sbuf_add(out, key, keylen);
        const char *sep = p;
        while (*p == ' ' || *p == '\t') p++;
        if (*p != '=') { /* malformed: show nothing more (it might be a password) */
            if (*p) rbk_sbuf_adds(out, " ...");
            return;
        }
        p++;
        while (*p == ' ' || *p == '\t') p++;
        rbk_sbuf_add(out, sep, (size_t)(p - sep));
        bool pw = keylen == 8 && memcmp(key, "password", 8) == 0;
        const char *val = p;
        rbk_sbuf raw = RBK_SBUF_INIT;
        if (*p == '\'') {
            p++;
            while (*p && *p != '\'') {
                if (*p == '\\' && p[1]) p++;
                rbk_sbuf_addc(&raw, *p++);
            }
            if (*p == '\'') p++;
        } else {
            while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
                if (*p == '\\' && p[1]) p++;
                rbk_sbuf_addc(&raw, *p++);
            }
        }
        if (pw) {
            add_password_secret(f, val, (size_t)(p - val));
            add_password_secret(f, rbk_sbuf_cstr(&raw), raw.len);
            rbk_sbuf_adds(out, "***");
        } else {
            rbk_sbuf_add(out, val, (size_t)(p - val));
        }
        rbk_sbuf_free(&raw);
    }
}


void rbk_conninfo_passwords(const char *s, rbk_sbuf *shown, rbk_secret_fn add, void *ctx) {
    finder f = {add, ctx};
    rbk_sbuf scratch = RBK_SBUF_INIT;
    rbk_sbuf *out = shown ? shown : &scratch;
    if (is_uri(s)) mask_uri(&f, out, s);
    else mask_kv(&f, out, s);
    rbk_sbuf_free(&scratch);
}

/* A URI ends at white space, a quote, or a character no URI holds (RFC 3986). */
static bool uri_char(unsigned char c) {
    return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '`' && c != '<' && c != '>' && c != '\\' &&
           c != '{' && c != '}' && c != '|' && c != '^';
}

void rbk_conninfo_scan(const char *text, size_t n, rbk_secret_fn add, void *ctx) {
    finder f = {add, ctx};
    const char *p = text, *end = text + n;
    rbk_sbuf uri = RBK_SBUF_INIT, scratch = RBK_SBUF_INIT;
    while (p < end) {
        const char *hit = memmem(p, (size_t)(end - p), "postgres", 8);
        if (!hit) break;
        const char *q = hit + 8;
        if (q < end && *q == 'q' && end - q >= 2 && q[1] == 'l') q += 2;
        if (end - q < 3 || memcmp(q, "://", 3) != 0 || (hit > text && ((hit[-1] >= 'a' && hit[-1] <= 'z') ||
                                                                     (hit[-1] >= 'A' && hit[-1] <= 'Z')))) {
            p = hit + 8;
            continue;
        }
        const char *e = q + 3;
        while (e < end && uri_char((unsigned char)*e)) e++;
        rbk_sbuf_reset(&uri);
        rbk_sbuf_add(&uri, hit, (size_t)(e - hit));
        rbk_sbuf_reset(&scratch);
        mask_uri(&f, &scratch, rbk_sbuf_cstr(&uri));
        p = e;
    }
    rbk_sbuf_free(&uri);
    rbk_sbuf_free(&scratch);
}

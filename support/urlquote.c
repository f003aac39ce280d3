/* support/urlquote.c — values in the parts of an HTTP URL (contract in urlquote.h).
 * Owns: rbk_url_encode, rbk_url_quote_in (a value in each context), rbk_url_segment_ok. No VM
 * dependency.
 * Shares invariants with: compiler/holes_url.c (which part of the URL a hole stands in),
 * vm/interp.c (URLQUOTE, URLSEG), tests/unit/test_url_holes.c, docs/http.md. */
#include "urlquote.h"
#include <string.h>

static int unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

void rbk_url_encode(rbk_sbuf *out, const char *s, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    rbk_sbuf_reserve(out, n);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c)) continue;
        rbk_sbuf_add(out, s + start, i - start);
        char e[3] = {'%', hex[c >> 4], hex[c & 15]};
        rbk_sbuf_add(out, e, 3);
        start = i + 1;
    }
    rbk_sbuf_add(out, s + start, n - start);
}

/* A host as libcurl takes it: a name or an IPv4 address (letters, digits, - . _ ~, and bytes
 * of UTF-8 for an international name, which libcurl converts), or an IPv6 address in [ ],
 * then an optional :port. None of these bytes can end the authority (/ ? # @ \ and controls
 * are all refused), so the path, the query and the credentials stay the literal's. */
static const char *host_check(const char *s, size_t n) {
    if (n == 0) return "the value interpolated as the URL's host is empty";
    for (size_t j = 0; j < n; j++) {
        unsigned char c = (unsigned char)s[j];
        if (!(unreserved(c) || c >= 0x80 || c == ':' || c == '[' || c == ']'))
            return "the value interpolated as the URL's host has a byte that cannot stand in a host (a name or address: "
                   "letters, digits, `-`, `.`, `_`, `~`, [IPv6] and a :port; write the path's `/` in the literal: "
                   "http://{host}/{path})";
    }
    size_t i = 0;
    if (s[0] == '[') {
        for (i = 1; i < n && s[i] != ']'; i++) {
            unsigned char c = (unsigned char)s[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
                return "the value interpolated as the URL's host has a byte that cannot stand in an [IPv6] address "
                       "(hex digits, `:` and `.` only)";
        }
        if (i == n) return "the value interpolated as the URL's host opens `[` and does not close it";
        i++;
    } else {
        for (; i < n && s[i] != ':'; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '[' || c == ']') return "the value interpolated as the URL's host has a `[` or `]` outside an [IPv6] address";
        }
        if (i == 0) return "the value interpolated as the URL's host has no host name before its `:`";
    }
    if (i == n) return NULL;
    if (s[i] != ':') return "the value interpolated as the URL's host has something after its `]` that is not a :port";
    size_t digits = n - i - 1;
    unsigned long port = 0;
    for (size_t j = i + 1; j < n; j++) {
        if (s[j] < '0' || s[j] > '9')
            return "the value interpolated as the URL's host has a port that is not a number";
        port = port * 10 + (unsigned long)(s[j] - '0');
        if (port > 65535) break;
    }
    if (digits == 0 || digits > 5 || port > 65535)
        return "the value interpolated as the URL's host has a port that is not 1 to 5 digits up to 65535";
    return NULL;
}

static const char *port_check(const char *s, size_t n) {
    unsigned long port = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return "the value interpolated as the URL's port is not a number";
        port = port * 10 + (unsigned long)(s[i] - '0');
        if (port > 65535) break;
    }
    if (n == 0 || n > 5 || port > 65535)
        return "the value interpolated as the URL's port is not 1 to 5 digits up to 65535";
    return NULL;
}

int rbk_url_quote_in(rbk_sbuf *out, int ctx, const char *s, size_t n, const char **why) {
    const char *bad = NULL;
    switch (ctx) {
    case RBK_URL_HOST: bad = host_check(s, n); break;
    case RBK_URL_PORT: bad = port_check(s, n); break;
    default: rbk_url_encode(out, s, n); return 0;
    }
    if (bad) {
        *why = bad;
        return -1;
    }
    rbk_sbuf_add(out, s, n);
    return 0;
}

/* 1 when s[0..n) is "." or "..", a dot written as itself or as %2E / %2e. */
static int dot_segment(const char *s, size_t n) {
    int dots = 0;
    size_t i = 0;
    while (i < n) {
        if (s[i] == '.') i++;
        else if (i + 2 < n && s[i] == '%' && s[i + 1] == '2' && (s[i + 2] == 'E' || s[i + 2] == 'e')) i += 3;
        else return 0;
        if (++dots > 2) return 0;
    }
    return dots > 0;
}

int rbk_url_segment_ok(const char *s, size_t n) {
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '/') continue;
        if (i == start || dot_segment(s + start, i - start)) return 0;
        start = i + 1;
    }
    return 1;
}

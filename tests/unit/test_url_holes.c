/* tests/unit/test_url_holes.c — the part of an HTTP URL each {expr} of a URL literal stands in
 * (compiler/holes.c, rbk_url_holes) and how a value is written there (support/urlquote.c),
 * proved against the real fixture server (tests/fixtures/httpd.c, its /target route echoes the
 * request target as it arrived and the path and query as it decodes them): every byte
 * 0x01..0xFF and the injection corpus go through each encoded part (a path segment, a query
 * name and value, the fragment, the userinfo), assembled as the code generator does
 * (URLQUOTE, URLSEG), and sent with libcurl set up as stdlib/std_http.c sets it up. Each value
 * must arrive as exactly its own bytes in its own part and change nothing else of the request.
 * Then the host and port checks, the segment check and the tracker's verdicts. The server is
 * the one ctest names in RBK_FIXTURE_HTTPD; without it the round trips are skipped. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compiler/holes.h"
#include "support/urlquote.h"
#include "support/sbuf.h"

#define HOLE '\001' /* marks a hole in a template below; every hole gets the same value */

/* Values chosen to break a URL built by pasting: path traversal, query and fragment
 * delimiters, encodings of them, credentials, CR/LF, spaces, non-ASCII. */
static const char *const url_corpus[] = {
    "plain", "..", ".", "", "../admin", "..%2Fadmin", "%2e%2e", "%2E%2E%2F", "a/b", "/", "//evil.example",
    "\\..\\admin", "..;/admin", "1?admin=true#", "?", "#", "&x=1", "=", "a=b&c=d", "+", "a+b", "a b", " ",
    "%", "%%", "%zz", "%00", "%0d%0aX-Injected: 1", "\r\nX-Injected: 1", "\n", "\t", "@evil.example",
    "user:pass@evil.example", ":80", "http://evil.example/", "javascript:alert(1)", ";", ",", "'", "\"",
    "<script>", "{x}", "[::1]", "é", "\xe2\x80\xae", "\xff\xfe", "~-._", "a%20b", "%252e%252e",
};

static int split(const char *t, rbk_piece *pieces, int max) {
    int k = 0;
    const char *s = t;
    for (;;) {
        const char *h = strchr(s, HOLE);
        assert_true(k < max);
        pieces[k].s = s;
        pieces[k].n = h ? (size_t)(h - s) : strlen(s);
        if (!h) return k;
        k++;
        s = h + 1;
    }
}

/* The URL the VM builds from template t with value v in every hole, as compiler/codegen.c
 * emits it: each value written for its part (URLQUOTE), each path segment that holds one
 * checked (URLSEG). Returns 0, or -1 when a value is refused at run time (a host or port that
 * is not one, a segment that would be empty, . or ..). */
static int assemble(const char *t, const char *v, size_t vn, rbk_sbuf *url) {
    rbk_piece pieces[16];
    int n = split(t, pieces, 16);
    unsigned char fmt[16] = {0};
    rbk_holes h;
    rbk_url_holes(&h, pieces, n, fmt);
    int ok = 0, grp = -1, next = 0;
    rbk_sbuf seg = RBK_SBUF_INIT;
    for (int p = 0; p <= n; p++) {
        const char *s = pieces[p].s;
        size_t pos = 0;
        for (;;) {
            if (grp >= 0 && h.groups[grp].to_piece == p) {
                rbk_hdgroup *g = &h.groups[grp];
                rbk_sbuf_add(&seg, s + pos, g->to_off - pos);
                pos = g->to_off;
                if (!rbk_url_segment_ok(rbk_sbuf_cstr(&seg), seg.len)) ok = -1;
                rbk_sbuf_add(url, seg.data, seg.len);
                grp = -1;
            } else if (grp < 0 && next < h.ngroups && h.groups[next].from_piece == p) {
                rbk_sbuf_add(url, s + pos, h.groups[next].from_off - pos);
                pos = h.groups[next].from_off;
                grp = next++;
                rbk_sbuf_reset(&seg);
            } else {
                break;
            }
        }
        rbk_sbuf_add(grp >= 0 ? &seg : url, s + pos, pieces[p].n - pos);
        if (p == n) break;
        if (h.holes[p].ctx < 0) fail_msg("template %s: hole %d refused: %s", t, p, h.holes[p].why);
        if (h.holes[p].ctx == RBK_URL_BASE) {
            rbk_sbuf_add(grp >= 0 ? &seg : url, v, vn);
        } else {
            const char *why = NULL;
            if (rbk_url_quote_in(grp >= 0 ? &seg : url, h.holes[p].ctx, v, vn, &why)) ok = -1;
        }
    }
    rbk_sbuf_cstr(url);
    rbk_sbuf_free(&seg);
    rbk_holes_free(&h);
    return ok;
}

static void hex(rbk_sbuf *b, const char *s, size_t n) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        rbk_sbuf_addc(b, digits[c >> 4]);
        rbk_sbuf_addc(b, digits[c & 15]);
    }
    rbk_sbuf_cstr(b);
}
static int unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}
/* RFC 3986 percent-encoding written independently of support/urlquote.c. */
static void encode(rbk_sbuf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c)) rbk_sbuf_addc(b, (char)c);
        else rbk_sbuf_printf(b, "%%%02X", c);
    }
    rbk_sbuf_cstr(b);
}
static int b64val(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}
static void b64decode(rbk_sbuf *out, const char *s) {
    unsigned acc = 0;
    int bits = 0;
    for (; *s && *s != '='; s++) {
        int v = b64val((unsigned char)*s);
        assert_true(v >= 0);
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            rbk_sbuf_addc(out, (char)((acc >> bits) & 0xff));
        }
    }
    rbk_sbuf_cstr(out);
}

/* ------------------------------------------------------------------ the fixture server */

typedef struct server {
    pid_t pid;
    char dir[64];
    unsigned port;
    CURL *easy;
} server;

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    rbk_sbuf_add(ud, p, size * n);
    return size * n;
}

static int setup(void **state) {
    server *s = calloc(1, sizeof *s);
    *state = s;
    const char *bin = getenv("RBK_FIXTURE_HTTPD");
    if (!bin || !*bin) return 0;
    snprintf(s->dir, sizeof s->dir, "/tmp/rbk_url_XXXXXX");
    if (!mkdtemp(s->dir)) return -1;
    rbk_sbuf pf = RBK_SBUF_INIT;
    rbk_sbuf_printf(&pf, "%s/port", s->dir);
    s->pid = fork();
    if (s->pid == 0) {
        execl(bin, bin, "--port-file", pf.data, "--exit-after", "600", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200 && !s->port; i++) { /* up to 20 s for the port file */
        FILE *f = fopen(pf.data, "r");
        if (f) {
            if (fscanf(f, "%u", &s->port) != 1) s->port = 0;
            fclose(f);
        }
        if (!s->port) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    unlink(pf.data);
    rbk_sbuf_free(&pf);
    if (!s->port) return -1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    s->easy = curl_easy_init();
    return s->easy ? 0 : -1;
}
static int teardown(void **state) {
    server *s = *state;
    if (s->easy) curl_easy_cleanup(s->easy);
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        rmdir(s->dir);
    }
    free(s);
    return 0;
}

/* GETs url as stdlib/std_http.c does (the options that decide what is sent) and returns the
 * /target route's answer, parsed. */
static json_t *get(server *s, const char *url) {
    rbk_sbuf body = RBK_SBUF_INIT;
    CURL *e = s->easy;
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "runbook");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(e);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) fail_msg("GET %s: %s, status %ld", url, curl_easy_strerror(rc), status);
    json_error_t err;
    json_t *j = json_loadb(body.data ? body.data : "", body.len, 0, &err);
    if (!j) fail_msg("GET %s: not JSON: %s", url, err.text);
    rbk_sbuf_free(&body);
    return j;
}
static const char *str_of(json_t *j, const char *key) {
    json_t *v = json_object_get(j, key);
    assert_non_null(v);
    return json_string_value(v);
}

/* The base URL of the server (a value that starts the literal: inserted as it is). */
static void base_of(server *s, rbk_sbuf *b) { rbk_sbuf_printf(b, "http://127.0.0.1:%u", s->port); }

/* One value through every encoded part; n its length. */
static void round_trip(server *s, const char *v, size_t n) {
    rbk_sbuf base = RBK_SBUF_INIT, url = RBK_SBUF_INIT, want = RBK_SBUF_INIT, got = RBK_SBUF_INIT;
    base_of(s, &base);
    /* a path segment: {base}/target/p/{v}/end (assemble puts one value in every hole, so the
     * base, a value inserted as it is, is written first and the rest assembled after it) */
    rbk_sbuf t = RBK_SBUF_INIT;
    rbk_sbuf_add(&url, base.data, base.len);
    int dot = n == 0 || (n == 1 && v[0] == '.') || (n == 2 && v[0] == '.' && v[1] == '.');
    int r = assemble("/target/p/\001/end", v, n, &url);
    assert_int_equal(r, dot ? -1 : 0);
    if (!dot) {
        json_t *j = get(s, url.data);
        rbk_sbuf_adds(&want, "/target/p/");
        encode(&want, v, n);
        rbk_sbuf_adds(&want, "/end");
        if (strcmp(str_of(j, "target"), rbk_sbuf_cstr(&want))) fail_msg("path: sent %s, want %s", str_of(j, "target"), want.data);
        rbk_sbuf_reset(&want);
        rbk_sbuf raw = RBK_SBUF_INIT;
        rbk_sbuf_adds(&raw, "/target/p/");
        rbk_sbuf_add(&raw, v, n);
        rbk_sbuf_adds(&raw, "/end");
        hex(&want, raw.data, raw.len);
        if (strcmp(str_of(j, "path_hex"), rbk_sbuf_cstr(&want))) fail_msg("path: decoded %s, want %s", str_of(j, "path_hex"), want.data);
        rbk_sbuf_free(&raw);
        json_decref(j);
    }
    /* a query name and value: /target/q?{v}={v}&k={v} */
    rbk_sbuf_reset(&url);
    rbk_sbuf_add(&url, base.data, base.len);
    assert_int_equal(assemble("/target/q?\001=\001&k=\001", v, n, &url), 0);
    {
        json_t *j = get(s, url.data);
        rbk_sbuf_reset(&want);
        rbk_sbuf_adds(&want, "/target/q?");
        encode(&want, v, n);
        rbk_sbuf_adds(&want, "=");
        encode(&want, v, n);
        rbk_sbuf_adds(&want, "&k=");
        encode(&want, v, n);
        if (strcmp(str_of(j, "target"), rbk_sbuf_cstr(&want))) fail_msg("query: sent %s, want %s", str_of(j, "target"), want.data);
        json_t *args = json_object_get(j, "args");
        rbk_sbuf vh = RBK_SBUF_INIT;
        hex(&vh, v, n);
        if (json_array_size(args) != 2) fail_msg("query: %zu arguments for a value of %zu bytes", json_array_size(args), n);
        assert_string_equal(json_string_value(json_array_get(json_array_get(args, 0), 0)), rbk_sbuf_cstr(&vh));
        assert_string_equal(json_string_value(json_array_get(json_array_get(args, 0), 1)), rbk_sbuf_cstr(&vh));
        assert_string_equal(json_string_value(json_array_get(json_array_get(args, 1), 0)), "6b");
        assert_string_equal(json_string_value(json_array_get(json_array_get(args, 1), 1)), rbk_sbuf_cstr(&vh));
        rbk_sbuf_free(&vh);
        json_decref(j);
    }
    /* the fragment: never sent, and nothing of it reaches the path or the query */
    rbk_sbuf_reset(&url);
    rbk_sbuf_add(&url, base.data, base.len);
    assert_int_equal(assemble("/target/f?a=1#\001", v, n, &url), 0);
    {
        json_t *j = get(s, url.data);
        assert_string_equal(str_of(j, "target"), "/target/f?a=1");
        json_decref(j);
        rbk_sbuf_reset(&want);
        encode(&want, v, n);
        const char *hash = strchr(url.data, '#');
        assert_non_null(hash);
        assert_string_equal(hash + 1, rbk_sbuf_cstr(&want));
    }
    /* the userinfo: http://{v}:{v}@127.0.0.1:PORT/target/u, sent as Basic credentials */
    rbk_sbuf_reset(&t);
    rbk_sbuf_printf(&t, "http://\001:\001@127.0.0.1:%u/target/u", s->port);
    rbk_sbuf_reset(&url);
    assert_int_equal(assemble(t.data, v, n, &url), 0);
    {
        json_t *j = get(s, url.data);
        json_t *auth = json_object_get(j, "authorization");
        assert_string_equal(str_of(j, "target"), "/target/u");
        if (n) {
            assert_true(json_is_string(auth));
            const char *a = json_string_value(auth);
            assert_true(!strncmp(a, "Basic ", 6));
            b64decode(&got, a + 6);
            rbk_sbuf_reset(&want);
            rbk_sbuf_add(&want, v, n);
            rbk_sbuf_addc(&want, ':');
            rbk_sbuf_add(&want, v, n);
            if (got.len != want.len || memcmp(got.data, want.data, got.len)) {
                rbk_sbuf gh = RBK_SBUF_INIT, wh = RBK_SBUF_INIT;
                hex(&gh, got.data, got.len);
                hex(&wh, want.data, want.len);
                fail_msg("userinfo: credentials %s, want %s", gh.data, wh.data);
            }
        }
        json_decref(j);
    }
    rbk_sbuf_free(&t);
    rbk_sbuf_free(&base);
    rbk_sbuf_free(&url);
    rbk_sbuf_free(&want);
    rbk_sbuf_free(&got);
}

static void test_every_byte(void **state) {
    server *s = *state;
    if (!s->port) skip();
    for (int c = 1; c <= 255; c++) {
        char v[3] = {'a', (char)c, 'z'};
        round_trip(s, v + 1, 1); /* the byte alone */
        round_trip(s, v, 3);     /* and between others */
    }
}

static void test_corpus(void **state) {
    server *s = *state;
    if (!s->port) skip();
    for (size_t i = 0; i < sizeof url_corpus / sizeof url_corpus[0]; i++)
        round_trip(s, url_corpus[i], strlen(url_corpus[i]));
    /* a long value: 2 KiB of every byte (encoded three times into one query it stays under the
     * 32 KiB libmicrohttpd gives a request's head) */
    rbk_sbuf big = RBK_SBUF_INIT;
    for (int i = 0; i < 2048; i++) rbk_sbuf_addc(&big, (char)(1 + i % 255));
    round_trip(s, big.data, big.len);
    rbk_sbuf_free(&big);
}

/* A value as the host or the port is checked, not encoded: what passes reaches the server. */
static void test_host_and_port(void **state) {
    server *s = *state;
    const char *why = NULL;
    rbk_sbuf out = RBK_SBUF_INIT;
    static const char *const hosts_ok[] = {"127.0.0.1", "localhost", "a-b.example_x~", "[::1]", "[fe80::1]:8080",
                                           "host:1", "host:65535", "b\xc3\xbc" "cher.example", NULL};
    for (const char *const *h = hosts_ok; *h; h++) {
        rbk_sbuf_reset(&out);
        if (rbk_url_quote_in(&out, RBK_URL_HOST, *h, strlen(*h), &why)) fail_msg("host %s refused: %s", *h, why);
        assert_string_equal(rbk_sbuf_cstr(&out), *h);
    }
    static const char *const hosts_bad[] = {"", "evil.example/x", "a?b", "a#b", "user@evil.example", "a b", "a\\b",
                                            "a%2Fb", ":80", "host:", "host:65536", "host:123456", "host:8x", "[::1",
                                            "[::g]", "[::1]x", "a[b]", "a\r\nb", "a\tb", "a;b", "a,b", NULL};
    for (const char *const *h = hosts_bad; *h; h++) {
        why = NULL;
        if (!rbk_url_quote_in(&out, RBK_URL_HOST, *h, strlen(*h), &why)) fail_msg("host \"%s\" accepted", *h);
        assert_non_null(why);
    }
    /* every byte as a host: only the ones a host name or an address can hold */
    for (int c = 1; c <= 255; c++) {
        char v[3] = {'a', (char)c, 'z'};
        int ok = !rbk_url_quote_in(&out, RBK_URL_HOST, v, 3, &why);
        int want = unreserved((unsigned char)c) || c >= 0x80;
        if (ok != want) fail_msg("host a\\x%02xz %s", c, ok ? "accepted" : "refused");
    }
    static const char *const ports_ok[] = {"1", "80", "8080", "65535", "00080", NULL};
    for (const char *const *p = ports_ok; *p; p++)
        if (rbk_url_quote_in(&out, RBK_URL_PORT, *p, strlen(*p), &why)) fail_msg("port %s refused", *p);
    static const char *const ports_bad[] = {"", "65536", "123456", "-1", "80/x", "8 0", "0x50", "80#", NULL};
    for (const char *const *p = ports_bad; *p; p++)
        if (!rbk_url_quote_in(&out, RBK_URL_PORT, *p, strlen(*p), &why)) fail_msg("port \"%s\" accepted", *p);
    rbk_sbuf_free(&out);
    if (!s->port) return;
    /* through the server: a host alone, a host with the port, the port alone */
    rbk_sbuf url = RBK_SBUF_INIT, t = RBK_SBUF_INIT;
    rbk_sbuf_printf(&t, "http://\001:%u/target/h", s->port);
    assert_int_equal(assemble(t.data, "127.0.0.1", 9, &url), 0);
    json_t *j = get(s, url.data);
    assert_string_equal(str_of(j, "target"), "/target/h");
    json_decref(j);
    rbk_sbuf_reset(&url);
    rbk_sbuf_reset(&t);
    rbk_sbuf_printf(&t, "127.0.0.1:%u", s->port);
    char hostport[64];
    snprintf(hostport, sizeof hostport, "%s", t.data);
    assert_int_equal(assemble("http://\001/target/hp", hostport, strlen(hostport), &url), 0);
    j = get(s, url.data);
    assert_string_equal(str_of(j, "target"), "/target/hp");
    json_decref(j);
    rbk_sbuf_reset(&url);
    char port[16];
    snprintf(port, sizeof port, "%u", s->port);
    assert_int_equal(assemble("http://127.0.0.1:\001/target/port", port, strlen(port), &url), 0);
    j = get(s, url.data);
    assert_string_equal(str_of(j, "target"), "/target/port");
    json_decref(j);
    rbk_sbuf_reset(&url);
    assert_int_equal(assemble("http://\001:1/target/h", "127.0.0.1/target/evil?", 22, &url), -1);
    rbk_sbuf_free(&url);
    rbk_sbuf_free(&t);
}

static void test_segment_check(void **state) {
    (void)state;
    static const char *const ok[] = {"a", "...", "..a", "a..", ".a", "%2E%2E%2E", "%2e.a", "%2", "%2E%2", "a/b", NULL};
    for (const char *const *p = ok; *p; p++)
        if (!rbk_url_segment_ok(*p, strlen(*p))) fail_msg("segment %s refused", *p);
    static const char *const bad[] = {"", ".", "..", "%2E", "%2e", "%2E%2E", ".%2e", "%2E.", "a/..", "../a", "a//b",
                                      "a/", "/a", "a/./b", NULL};
    for (const char *const *p = bad; *p; p++)
        if (rbk_url_segment_ok(*p, strlen(*p))) fail_msg("segment %s accepted", *p);
}

/* ------------------------------------------------------------------ the tracker */

static void ctxs_are(const char *t, const unsigned char *fmt, const int *want) {
    rbk_piece pieces[16];
    int n = split(t, pieces, 16);
    unsigned char f0[16] = {0};
    rbk_holes h;
    rbk_url_holes(&h, pieces, n, fmt ? fmt : f0);
    for (int k = 0; k < n; k++)
        if (h.holes[k].ctx != want[k])
            fail_msg("url %s: hole %d in part %d (%s), not %d", t, k, h.holes[k].ctx, h.holes[k].why ? h.holes[k].why : "",
                     want[k]);
    rbk_holes_free(&h);
}
enum { B = RBK_URL_BASE, P = RBK_URL_PATH, Q = RBK_URL_QUERY, F = RBK_URL_FRAGMENT, U = RBK_URL_USERINFO,
       H = RBK_URL_HOST, O = RBK_URL_PORT, X = -1 };

static void test_tracker(void **state) {
    (void)state;
    ctxs_are("\001/users/\001?q=\001&\001=1#\001", NULL, (const int[]){B, P, Q, Q, F});
    ctxs_are("\001", NULL, (const int[]){B});
    ctxs_are("\001\001/x", NULL, (const int[]){B, B});               /* {base_url}{path}: both the base */
    ctxs_are("\001:\001/x/\001", NULL, (const int[]){B, B, P});       /* {host}:{port} after a base */
    ctxs_are("\001?a=\001", NULL, (const int[]){B, Q});
    ctxs_are("\001#\001", NULL, (const int[]){B, F});
    ctxs_are("\001://\001:\001/\001", NULL, (const int[]){B, H, O, P}); /* {scheme}://{host}:{port}/{p} */
    ctxs_are("https://\001/\001", NULL, (const int[]){H, P});
    ctxs_are("https://\001.example:\001/a", NULL, (const int[]){H, O});
    ctxs_are("http://\001:\001@\001:\001/", NULL, (const int[]){U, U, H, O});
    ctxs_are("http://a:b@c:d@\001/", NULL, (const int[]){H});         /* the last @ ends the userinfo */
    ctxs_are("http://\001@h/", NULL, (const int[]){U});
    ctxs_are("http://[\001]:\001/", NULL, (const int[]){H, O});
    ctxs_are("http://[::1]:\001", NULL, (const int[]){O});
    ctxs_are("http://h\001", NULL, (const int[]){H});
    ctxs_are("http://h/a\001b/\001", NULL, (const int[]){P, P});
    ctxs_are("http://h?\001/\001#\001?\001", NULL, (const int[]){Q, Q, F, F});  /* / and ? in the query */
    ctxs_are("http://h#\001/\001", NULL, (const int[]){F, F});
    ctxs_are("127.0.0.1:\001/\001", NULL, (const int[]){O, P});       /* no scheme: read as http:// */
    ctxs_are("localhost/\001", NULL, (const int[]){P});
    ctxs_are("http\001://h/", NULL, (const int[]){H});                /* not a scheme: a host, checked */
    /* refused: after %, and {x:ident} */
    ctxs_are("http://h/%\001", NULL, (const int[]){X});
    ctxs_are("http://h/?a=%2\001", NULL, (const int[]){X});
    ctxs_are("http://h/%25\001", NULL, (const int[]){P});
    ctxs_are("http://h/%\001\001", NULL, (const int[]){X, P});
    {
        unsigned char fi[2] = {RBK_HOLE_IDENT, RBK_HOLE_QUOTED};
        ctxs_are("http://h/\001/\001", fi, (const int[]){X, P});
        unsigned char fr[3] = {RBK_HOLE_RAW, RBK_HOLE_RAW, RBK_HOLE_QUOTED};
        ctxs_are("http://h/%\001/\001?\001", fr, (const int[]){B, B, Q}); /* raw: inserted as it is */
    }
    /* groups: one per path segment that holds a quoted value */
    {
        rbk_piece pieces[8];
        int n = split("\001/a/\001/b\001c/d?\001", pieces, 8);
        unsigned char f[4] = {0};
        rbk_holes h;
        rbk_url_holes(&h, pieces, n, f);
        assert_int_equal(h.ngroups, 2);
        assert_int_equal(h.holes[1].group, 0);
        assert_int_equal(h.holes[2].group, 1);
        assert_int_equal(h.holes[3].group, -1);
        assert_int_equal(h.groups[0].from_piece, 1);
        assert_int_equal(h.groups[0].from_off, 3);
        assert_int_equal(h.groups[0].to_piece, 2);
        assert_int_equal(h.groups[0].to_off, 0);
        assert_int_equal(h.groups[1].from_piece, 2);
        assert_int_equal(h.groups[1].from_off, 1);
        assert_int_equal(h.groups[1].to_piece, 3);
        assert_int_equal(h.groups[1].to_off, 1);
        rbk_holes_free(&h);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tracker),
        cmocka_unit_test(test_segment_check),
        cmocka_unit_test_setup_teardown(test_host_and_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* stdlib/std_http.c — the HTTP builtins (builtins.def rows HTTP_*) on libcurl.
 * Owns: the per-VM curl state (one multi handle + one reused easy handle, in
 * rbk_vm_slot(vm, RBK_VM_SLOT_HTTP), freed by rbk_vm_on_destroy), the request options and
 * their safe defaults (docs/contributing.md, Toolchain: libcurl), the cancellable transfer loop, the
 * response map {status, headers, body, json, time, url, error} and the lazy JSON decoding.
 * Built as the plugin runbook-http.so; it calls back into the executable (native.h,
 * value.h). It is the only file that includes curl (docs/contributing.md, convention 7).
 * Shares invariants with: stdlib/builtins.def (argument order of each row), vm/native.h
 * (ownership, cancellation, effects), docs/http.md (the user-facing contract),
 * tests/fixtures/httpd.c and tests/golden/http/ (its tests). */
#include <ctype.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vm/native.h"

/* Prototypes of every native, expanded from the one table so that a signature mismatch with
 * builtins.def is a compile error here. */
#define RBK_BUILTIN(ID, NAME, LIB, EFFECT, SIG, RET, FN, SYN) \
    int FN(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);
#include "stdlib/builtins.def"
#undef RBK_BUILTIN

enum {
    HTTP_MAX_REDIRS = 10,
    HTTP_ERROR_BODY_PREVIEW = 80,         /* body bytes quoted by a failed .json */
    HTTP_MAX_METHOD = 32,
};
/* A response body larger than this fails the call instead of exhausting memory. */
#define HTTP_MAX_BODY ((size_t)64 * 1024 * 1024)

/* ---- per-VM state ---- */

typedef struct http_state {
    CURLM *multi; /* owns the connection pool: connections are reused across calls */
    CURL *easy;   /* reused (curl_easy_reset keeps its live connections) */
    bool busy;    /* easy is in a transfer (a nested call would take a fresh handle) */
} http_state;

/* curl_global_init is process-wide and not ours to repeat: the one static in this file is
 * this once-guard (allowed for curl_global_init only). curl_global_cleanup is never called:
 * another VM in the process may still use curl, and process exit releases everything. */
static pthread_once_t http_curl_once = PTHREAD_ONCE_INIT;
static void http_curl_global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static void http_state_free(void *p) {
    http_state *st = p;
    if (!st) return;
    if (st->easy) curl_easy_cleanup(st->easy);
    if (st->multi) curl_multi_cleanup(st->multi);
    free(st);
}

static http_state *http_state_get(rbk_vm *vm) {
    void **slot = rbk_vm_slot(vm, RBK_VM_SLOT_HTTP);
    if (*slot) return *slot;
    pthread_once(&http_curl_once, http_curl_global_init);
    http_state *st = rbk_xcalloc(1, sizeof *st);
    st->multi = curl_multi_init();
    st->easy = curl_easy_init();
    if (!st->multi || !st->easy) {
        http_state_free(st);
        return NULL;
    }
    *slot = st;
    rbk_vm_on_destroy(vm, http_state_free, st);
    return st;
}

/* ---- one request ---- */

typedef struct http_req {
    const char *fname;  /* builtin name for messages: "http.get" */
    rbk_sbuf method;    /* upper case */
    /* borrowed; nil = omitted */
    rbk_value url, body, json, headers, timeout, follow, insecure, secret, check;
} http_req;

/* What the curl callbacks fill in. */
typedef struct http_resp {
    rbk_sbuf body;
    rbk_value headers; /* map under construction; reset at each new status line */
    bool too_large;
} http_resp;

static bool http_value_secret(rbk_value v) {
    if (v.secret) return true;
    if (v.t == RBK_T_LIST) {
        rbk_list *l = RBK_AS_LIST(v);
        for (size_t i = 0; i < l->len; i++)
            if (http_value_secret(l->items[i])) return true;
    } else if (v.t == RBK_T_MAP) {
        rbk_map *m = RBK_AS_MAP(v);
        for (size_t i = 0; i < m->len; i++)
            if (http_value_secret(m->vals[i])) return true;
    }
    return false;
}

static size_t http_on_body(char *p, size_t size, size_t n, void *ud) {
    http_resp *r = ud;
    size_t len = size * n;
    if (r->body.len + len > HTTP_MAX_BODY) {
        r->too_large = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    rbk_sbuf_add(&r->body, p, len);
    return len;
}

static bool http_is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* One header line. A status line starts a new response (a redirect hop, 100 Continue):
 * the headers kept are those of the last response. Names are lower-cased; a repeated header
 * is joined with ", "; an obs-fold continuation line extends the previous value. */
static size_t http_on_header(char *p, size_t size, size_t n, void *ud) {
    http_resp *r = ud;
    size_t len = size * n;
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        rbk_unref(r->headers);
        r->headers = rbk_map_new(16);
        return len;
    }
    while (len && http_is_space(p[len - 1])) len--;
    if (!len) return size * n;
    rbk_map *m = RBK_AS_MAP(r->headers);
    if ((p[0] == ' ' || p[0] == '\t') && m->len) { /* continuation of the last header */
        rbk_str *lastk = rbk_map_key(m, m->len - 1);
        rbk_str *lastv = RBK_AS_STR(m->vals[m->len - 1]);
        size_t i = 0;
        while (i < len && http_is_space(p[i])) i++;
        rbk_sbuf v = RBK_SBUF_INIT;
        rbk_sbuf_add(&v, lastv->data, lastv->len);
        rbk_sbuf_addc(&v, ' ');
        rbk_sbuf_add(&v, p + i, len - i);
        rbk_map_set(r->headers, lastk->data, lastk->len, rbk_str_take_sbuf(&v));
        return size * n;
    }
    const char *colon = memchr(p, ':', len);
    if (!colon || colon == p) return size * n; /* not a header: ignore */
    rbk_sbuf name = RBK_SBUF_INIT;
    for (const char *q = p; q < colon; q++) rbk_sbuf_addc(&name, (char)tolower((unsigned char)*q));
    const char *v = colon + 1, *end = p + len;
    while (v < end && http_is_space(*v)) v++;
    rbk_value *old = rbk_map_find(r->headers, name.data, name.len);
    if (old && old->t == RBK_T_STRING) {
        rbk_sbuf j = RBK_SBUF_INIT;
        rbk_sbuf_add(&j, RBK_AS_STR(*old)->data, RBK_AS_STR(*old)->len);
        rbk_sbuf_adds(&j, ", ");
        rbk_sbuf_add(&j, v, (size_t)(end - v));
        rbk_map_set(r->headers, name.data, name.len, rbk_str_take_sbuf(&j));
    } else {
        rbk_map_set(r->headers, name.data, name.len, rbk_str_new(v, (size_t)(end - v)));
    }
    rbk_sbuf_free(&name);
    return size * n;
}

static bool http_header_name_ok(const char *s, size_t n) {
    if (!n) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == ':') return false;
    }
    return true;
}

static bool http_has_ctl(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') return true;
    return false;
}

/* Builds the request's header list from the headers: map. Returns -1 with the VM error set. */
static int http_build_headers(rbk_vm *vm, http_req *rq, struct curl_slist **out,
                              bool *has_ctype, bool *has_expect) {
    *out = NULL;
    if (rq->headers.t == RBK_T_NIL) return 0;
    rbk_map *m = RBK_AS_MAP(rq->headers);
    rbk_sbuf line = RBK_SBUF_INIT;
    for (size_t i = 0; i < m->len; i++) {
        rbk_str *k = rbk_map_key(m, i);
        rbk_value v = m->vals[i];
        if (!http_header_name_ok(k->data, k->len)) {
            rbk_sbuf_free(&line);
            return rbk_vm_error(vm, "%s: invalid header name \"%s\"", rq->fname, k->data);
        }
        if (v.t != RBK_T_STRING && v.t != RBK_T_INT && v.t != RBK_T_FLOAT && v.t != RBK_T_BOOL &&
            v.t != RBK_T_NIL) {
            rbk_sbuf_free(&line);
            return rbk_vm_error(vm, "%s: header \"%s\" must be a string or a number, not %s",
                                rq->fname, k->data, rbk_type_name((rbk_type)v.t));
        }
        if (strcasecmp(k->data, "content-type") == 0) *has_ctype = true;
        if (strcasecmp(k->data, "expect") == 0) *has_expect = true;
        rbk_sbuf_reset(&line);
        rbk_sbuf_add(&line, k->data, k->len);
        if (v.t == RBK_T_NIL) { /* "Name:" removes a header curl would send */
            rbk_sbuf_addc(&line, ':');
        } else {
            size_t at = line.len + 2;
            rbk_sbuf_adds(&line, ": ");
            rbk_value_str(&line, v);
            if (http_has_ctl(line.data + at, line.len - at)) {
                rbk_sbuf_free(&line);
                return rbk_vm_error(vm, "%s: header \"%s\" contains a line break or NUL byte",
                                    rq->fname, k->data);
            }
            if (line.len == at) { /* empty value: curl's syntax is "Name;" */
                line.len = k->len;
                rbk_sbuf_addc(&line, ';');
            }
        }
        struct curl_slist *l = curl_slist_append(*out, rbk_sbuf_cstr(&line));
        if (!l) {
            rbk_sbuf_free(&line);
            return rbk_vm_error(vm, "%s: out of memory building headers", rq->fname);
        }
        *out = l;
    }
    rbk_sbuf_free(&line);
    return 0;
}

static const char *http_type(rbk_value v) { return rbk_type_name((rbk_type)v.t); }

/* Checks the argument types the compiler may not have known (values of type any). */
static int http_check_args(rbk_vm *vm, http_req *rq) {
    if (rq->url.t != RBK_T_STRING)
        return rbk_vm_error(vm, "%s: url must be a string, not %s", rq->fname, http_type(rq->url));
    if (rbk_arg_len(rq->url) == 0) return rbk_vm_error(vm, "%s: url is empty", rq->fname);
    if (memchr(rbk_arg_str(rq->url), 0, rbk_arg_len(rq->url)))
        return rbk_vm_error(vm, "%s: url contains a NUL byte", rq->fname);
    if (rq->body.t != RBK_T_NIL && rq->body.t != RBK_T_STRING)
        return rbk_vm_error(vm, "%s: body must be a string, not %s (use json: for values)",
                            rq->fname, http_type(rq->body));
    if (rq->body.t != RBK_T_NIL && rq->json.t != RBK_T_NIL)
        return rbk_vm_error(vm, "%s: give body: or json:, not both", rq->fname);
    if (rq->headers.t != RBK_T_NIL && rq->headers.t != RBK_T_MAP)
        return rbk_vm_error(vm, "%s: headers must be a map, not %s", rq->fname,
                            http_type(rq->headers));
    if (rq->timeout.t != RBK_T_NIL && rq->timeout.t != RBK_T_DURATION)
        return rbk_vm_error(vm, "%s: timeout must be a duration (like 5s), not %s", rq->fname,
                            http_type(rq->timeout));
    if (rq->timeout.t == RBK_T_DURATION && rq->timeout.as.i <= 0)
        return rbk_vm_error(vm, "%s: timeout must be positive", rq->fname);
    if (rq->follow.t != RBK_T_NIL && rq->follow.t != RBK_T_BOOL)
        return rbk_vm_error(vm, "%s: follow must be a bool, not %s", rq->fname,
                            http_type(rq->follow));
    if (rq->insecure.t != RBK_T_NIL && rq->insecure.t != RBK_T_BOOL)
        return rbk_vm_error(vm, "%s: insecure must be a bool, not %s", rq->fname,
                            http_type(rq->insecure));
    if (rq->secret.t != RBK_T_NIL && rq->secret.t != RBK_T_BOOL)
        return rbk_vm_error(vm, "%s: secret must be a bool, not %s", rq->fname,
                            http_type(rq->secret));
    if (rq->check.t != RBK_T_NIL && rq->check.t != RBK_T_BOOL)
        return rbk_vm_error(vm, "%s: check must be a bool, not %s", rq->fname,
                            http_type(rq->check));
    return 0;
}

/* ---- the lazy .json ---- */

static rbk_value http_from_json(json_t *j, bool secret) {
    rbk_value v = rbk_nil();
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        v = rbk_map_new(json_object_size(j));
        for (void *it = json_object_iter(j); it; it = json_object_iter_next(j, it))
            rbk_map_set(v, json_object_iter_key(it), json_object_iter_key_len(it),
                        http_from_json(json_object_iter_value(it), secret));
        break;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        v = rbk_list_new(n);
        for (size_t i = 0; i < n; i++) rbk_list_push(v, http_from_json(json_array_get(j, i), secret));
        break;
    }
    case JSON_STRING: v = rbk_str_new(json_string_value(j), json_string_length(j)); break;
    case JSON_INTEGER: v = rbk_int((int64_t)json_integer_value(j)); break;
    case JSON_REAL: v = rbk_float(json_real_value(j)); break;
    case JSON_TRUE: v = rbk_bool(true); break;
    case JSON_FALSE: v = rbk_bool(false); break;
    case JSON_NULL: v = rbk_nil(); break;
    }
    return secret ? rbk_mark_secret(v) : v;
}

/* arg = [body, content-type or nil, "GET url"] */
static int http_json_force(rbk_vm *vm, rbk_value arg, rbk_value *out) {
    rbk_list *l = RBK_AS_LIST(arg);
    rbk_value body = l->items[0], ctype = l->items[1], target = l->items[2];
    const char *s = rbk_arg_str(body);
    size_t n = rbk_arg_len(body);
    json_error_t e;
    json_t *j = n ? json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e) : NULL;
    if (!j) {
        const char *ct = ctype.t == RBK_T_STRING ? rbk_arg_str(ctype) : "none";
        if (!n)
            return rbk_vm_error(vm, ".json: the response to %s has an empty body (content-type: %s)",
                                rbk_arg_str(target), ct);
        /* the whole body masked first, then cut: a secret across the cut shows no part */
        rbk_sbuf mb = RBK_SBUF_INIT;
        rbk_vm_mask(vm, &mb, s, n);
        const char *ms = rbk_sbuf_cstr(&mb);
        size_t k = mb.len < HTTP_ERROR_BODY_PREVIEW ? mb.len : HTTP_ERROR_BODY_PREVIEW;
        while (k > 0 && k < mb.len && ((unsigned char)ms[k] & 0xC0) == 0x80) k--; /* UTF-8 boundary */
        rbk_value pv = rbk_str_new(ms, k);
        rbk_sbuf preview = RBK_SBUF_INIT;
        rbk_value_repr(&preview, pv);
        rbk_unref(pv);
        if (k < mb.len) rbk_sbuf_adds(&preview, "...");
        rbk_sbuf_free(&mb);
        int rc = rbk_vm_error(vm,
                              ".json: the response to %s is not JSON (content-type: %s; %s at "
                              "line %d column %d); the body starts with %s",
                              rbk_arg_str(target), ct, e.text, e.line, e.column,
                              rbk_sbuf_cstr(&preview));
        rbk_sbuf_free(&preview);
        return rc;
    }
    *out = http_from_json(j, body.secret != 0);
    json_decref(j);
    return 0;
}

/* ---- the transfer ---- */

static void http_trim(rbk_sbuf *b) {
    while (b->len && http_is_space(b->data[b->len - 1])) b->data[--b->len] = 0;
}

static int http_perform(rbk_vm *vm, http_req *rq, rbk_value *out) {
    if (http_check_args(vm, rq)) return -1;
    http_state *st = http_state_get(vm);
    if (!st) return rbk_vm_error(vm, "%s: cannot initialise libcurl", rq->fname);

    /* The response is not secret because a request header or body was: the server's answer
     * is its own data, and every registered secret text in it is masked on output anyway.
     * A secret URL (a token in the query string) does make the response secret. */
    bool secret = http_value_secret(rq->url);
    /* secret: true — the response is secret: its body is registered before the outcome event,
     * which does not carry it; body, json and headers are marked */
    bool secret_out = rq->secret.t == RBK_T_BOOL && rq->secret.as.b;
    bool follow = rq->follow.t == RBK_T_BOOL ? rq->follow.as.b : true;
    bool insecure = rq->insecure.t == RBK_T_BOOL && rq->insecure.as.b;
    int64_t timeout_ms = rq->timeout.t == RBK_T_DURATION ? rq->timeout.as.i : -1;
    const char *method = rbk_sbuf_cstr(&rq->method);
    const char *url = rbk_arg_str(rq->url);

    /* request body */
    rbk_sbuf reqbody = RBK_SBUF_INIT;
    bool has_body = false;
    if (rq->body.t == RBK_T_STRING) {
        rbk_sbuf_add(&reqbody, rbk_arg_str(rq->body), rbk_arg_len(rq->body));
        has_body = true;
    } else if (rq->json.t != RBK_T_NIL) {
        rbk_value_json(&reqbody, rq->json);
        has_body = true;
        if (reqbody.len >= RBK_TEXT_MAX) {
            rbk_sbuf_free(&reqbody);
            return rbk_vm_error(vm, "%s: json: a body cannot be %zu MiB or longer", rq->fname, RBK_TEXT_MAX >> 20);
        }
    }
    bool has_ctype = false, has_expect = false;
    struct curl_slist *hdrs = NULL;
    if (http_build_headers(vm, rq, &hdrs, &has_ctype, &has_expect)) {
        rbk_sbuf_free(&reqbody);
        return -1;
    }
    struct curl_slist *tmp;
    if (rq->json.t != RBK_T_NIL && !has_ctype &&
        (tmp = curl_slist_append(hdrs, "Content-Type: application/json")))
        hdrs = tmp;
    if (has_body && !has_expect && (tmp = curl_slist_append(hdrs, "Expect:"))) /* no 1 s wait */
        hdrs = tmp;

    rbk_sbuf target = RBK_SBUF_INIT;
    rbk_sbuf_printf(&target, "%s %s", method, url);

    CURL *easy = st->busy ? curl_easy_init() : st->easy;
    if (!easy) {
        curl_slist_free_all(hdrs);
        rbk_sbuf_free(&reqbody);
        rbk_sbuf_free(&target);
        return rbk_vm_error(vm, "%s: cannot initialise libcurl", rq->fname);
    }
    bool own_easy = easy != st->easy;
    if (!own_easy) st->busy = true;
    curl_easy_reset(easy);

    rbk_cancel c = rbk_vm_cancel(vm, timeout_ms);
    int64_t t0 = rbk_now_ms();
    long curl_ms = 0; /* 0 = no limit: only when the token has no deadline */
    if (c.deadline_ms != INT64_MAX) {
        int64_t left = c.deadline_ms - t0;
        curl_ms = left < 1 ? 1 : left > LONG_MAX ? LONG_MAX : (long)left;
    }
    char errbuf[CURL_ERROR_SIZE]; /* curl's API: a buffer of exactly this size */
    errbuf[0] = 0;
    http_resp resp = {RBK_SBUF_INIT, rbk_map_new(16), false};

    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRS);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, curl_ms);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, curl_ms);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, insecure ? 0L : 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, insecure ? 0L : 2L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, http_on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &resp);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "runbook");
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, ""); /* every decoding curl supports */
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    if (hdrs) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, hdrs);
    bool is_head = strcmp(method, "HEAD") == 0;
    if (is_head) {
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else if (has_body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
               strcmp(method, "PATCH") == 0) {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)reqbody.len);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, rbk_sbuf_cstr(&reqbody));
        if (strcmp(method, "POST") != 0) curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    }

    int rc = 0;
    rbk_sbuf err = RBK_SBUF_INIT;
    uint64_t effect = rbk_vm_effect_begin(vm, "http", rbk_sbuf_cstr(&target));
    if (!effect) { /* not to be performed: replayed from the journal, or its intent not on disk (native.h) */
        rc = -1;
        goto cleanup;
    }

    /* Drive the transfer in slices so that Ctrl-C and the deadline stop it promptly. */
    int cancelled = 0;
    CURLcode result = CURLE_OK;
    CURLMcode mc = curl_multi_add_handle(st->multi, easy);
    if (mc == CURLM_OK) {
        for (;;) {
            int running = 0;
            mc = curl_multi_perform(st->multi, &running);
            if (mc != CURLM_OK || !running) break;
            if ((cancelled = rbk_cancel_check(&c)) != 0) break;
            mc = curl_multi_poll(st->multi, NULL, 0, rbk_cancel_slice(&c, RBK_POLL_SLICE_MS), NULL);
            if (mc != CURLM_OK) break;
        }
        int left = 0;
        CURLMsg *msg;
        bool done = false;
        while ((msg = curl_multi_info_read(st->multi, &left)) != NULL)
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) {
                result = msg->data.result;
                done = true;
            }
        if (!done && !cancelled && mc == CURLM_OK) result = CURLE_RECV_ERROR; /* not reached */
        curl_multi_remove_handle(st->multi, easy);
    }
    int64_t elapsed = rbk_now_ms() - t0;

    if (cancelled || result == CURLE_OPERATION_TIMEDOUT) {
        rbk_sbuf_printf(&err, "%s: %s after %" PRId64 "ms", rbk_sbuf_cstr(&target),
                        rbk_vm_cancel_reason(vm, &c, timeout_ms), elapsed);
    } else if (mc != CURLM_OK) {
        rbk_sbuf_printf(&err, "%s: %s after %" PRId64 "ms", rbk_sbuf_cstr(&target),
                        curl_multi_strerror(mc), elapsed);
    } else if (resp.too_large) {
        rbk_sbuf_printf(&err, "%s: the response body is larger than %zu MiB after %" PRId64 "ms",
                        rbk_sbuf_cstr(&target), HTTP_MAX_BODY >> 20, elapsed);
    } else if (result != CURLE_OK) {
        rbk_sbuf text = RBK_SBUF_INIT;
        rbk_sbuf_adds(&text, errbuf[0] ? errbuf : curl_easy_strerror(result));
        http_trim(&text);
        rbk_sbuf_printf(&err, "%s: %s after %" PRId64 "ms", rbk_sbuf_cstr(&target),
                        rbk_sbuf_cstr(&text), elapsed);
        rbk_sbuf_free(&text);
    }

    /* check: false — a failed transfer is the caller's to judge: status 0, the reason in
     * `error`. An interrupt and the step's own timeout still end the call: the run must stop,
     * or the step has no time left for anything else. */
    bool check = rq->check.t != RBK_T_BOOL || rq->check.as.b;
    if (err.len) {
        rbk_vm_effect_end(vm, effect, "error", 0, NULL, 0, err.data, err.len, elapsed);
        /* the step's deadline, if any; the call's own deadline c was capped by it */
        rbk_cancel step = rbk_vm_cancel(vm, INT64_MAX / 4);
        bool timed_out = cancelled || result == CURLE_OPERATION_TIMEDOUT;
        if (check || rbk_cancel_check(&step) != 0 ||
            (timed_out && c.deadline_ms >= step.deadline_ms)) {
            rc = rbk_vm_error(vm, "%s", rbk_sbuf_cstr(&err));
        } else {
            rbk_value m = rbk_map_new(7);
            rbk_value body = rbk_str_new("", 0);
            if (secret || secret_out) body = rbk_mark_secret(body);
            rbk_map_sets(m, "status", rbk_int(0));
            rbk_map_sets(m, "headers", rbk_map_new(0));
            rbk_map_sets(m, "body", body);
            rbk_map_sets(m, "json", rbk_nil());
            rbk_map_sets(m, "time", rbk_duration(elapsed));
            rbk_map_sets(m, "url", rbk_str_new(url, strlen(url)));
            rbk_map_sets(m, "error", rbk_str_take_sbuf(&err));
            *out = m;
        }
    } else {
        long status = 0;
        char *eff_url = NULL, *ctype = NULL;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &eff_url);
        curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ctype);
        /* the whole body: masked by the VM before any sink keeps part of it */
        if (secret_out) rbk_vm_add_secret_output(vm, rbk_sbuf_cstr(&resp.body), resp.body.len);
        rbk_vm_effect_end(vm, effect, "ok", (int)status, secret_out ? NULL : rbk_sbuf_cstr(&resp.body),
                          resp.body.len, NULL, 0, elapsed);

        rbk_value body = rbk_str_new(rbk_sbuf_cstr(&resp.body), resp.body.len);
        if (secret || secret_out) body = rbk_mark_secret(body);
        rbk_value arg = rbk_list_new(3);
        rbk_list_push(arg, rbk_ref(body));
        rbk_list_push(arg, ctype ? rbk_str_cstr(ctype) : rbk_nil());
        rbk_list_push(arg, rbk_str_new(target.data, target.len));
        rbk_value lazy = rbk_lazy_new(http_json_force, arg);
        if (secret || secret_out) lazy = rbk_mark_secret(lazy);
        if (secret_out) resp.headers = rbk_mark_secret(resp.headers);

        rbk_value m = rbk_map_new(7);
        rbk_map_sets(m, "status", rbk_int(status));
        rbk_map_sets(m, "headers", resp.headers);
        resp.headers = rbk_nil();
        rbk_map_sets(m, "body", body);
        rbk_map_sets(m, "json", lazy);
        rbk_map_sets(m, "time", rbk_duration(elapsed));
        rbk_map_sets(m, "url", rbk_str_cstr(eff_url ? eff_url : url));
        rbk_map_sets(m, "error", rbk_str_new("", 0));
        *out = m;
    }

cleanup:
    rbk_sbuf_free(&err);
    rbk_unref(resp.headers);
    rbk_sbuf_free(&resp.body);
    if (own_easy) curl_easy_cleanup(easy);
    else {
        curl_easy_reset(easy); /* drops pointers to this call's buffers; keeps connections */
        st->busy = false;
    }
    curl_slist_free_all(hdrs);
    rbk_sbuf_free(&reqbody);
    rbk_sbuf_free(&target);
    return rc;
}

/* ---- the natives: map each row's argument order onto http_req ---- */

static void http_req_init(http_req *rq, const char *fname, const char *method) {
    memset(rq, 0, sizeof *rq);
    rq->fname = fname;
    rbk_sbuf_adds(&rq->method, method);
    rq->url = rq->body = rq->json = rq->headers = rq->timeout = rq->follow = rq->insecure =
        rq->secret = rq->check = rbk_nil();
}

static int http_run(rbk_vm *vm, http_req *rq, rbk_value *out) {
    int rc = http_perform(vm, rq, out);
    rbk_sbuf_free(&rq->method);
    return rc;
}

/* url, headers?, timeout?, follow?, insecure?, secret?, check? */
static int http_simple(rbk_vm *vm, const char *fname, const char *method, rbk_value *a, int n,
                       rbk_value *out) {
    if (n < 7) return rbk_vm_error(vm, "%s: expected 7 arguments, got %d", fname, n);
    http_req rq;
    http_req_init(&rq, fname, method);
    rq.url = a[0], rq.headers = a[1], rq.timeout = a[2], rq.follow = a[3], rq.insecure = a[4];
    rq.secret = a[5], rq.check = a[6];
    return http_run(vm, &rq, out);
}

/* url, body?, json?, headers?, timeout?, follow?, insecure?, secret?, check? */
static int http_with_body(rbk_vm *vm, const char *fname, const char *method, rbk_value *a, int n,
                          rbk_value *out) {
    if (n < 9) return rbk_vm_error(vm, "%s: expected 9 arguments, got %d", fname, n);
    http_req rq;
    http_req_init(&rq, fname, method);
    rq.url = a[0], rq.body = a[1], rq.json = a[2], rq.headers = a[3], rq.timeout = a[4];
    rq.follow = a[5], rq.insecure = a[6], rq.secret = a[7], rq.check = a[8];
    return http_run(vm, &rq, out);
}

int rbk_std_http_get(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return http_simple(vm, "http.get", "GET", args, nargs, out);
}
int rbk_std_http_head(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return http_simple(vm, "http.head", "HEAD", args, nargs, out);
}
int rbk_std_http_delete(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return http_simple(vm, "http.delete", "DELETE", args, nargs, out);
}
int rbk_std_http_post(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return http_with_body(vm, "http.post", "POST", args, nargs, out);
}
int rbk_std_http_put(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return http_with_body(vm, "http.put", "PUT", args, nargs, out);
}
int rbk_std_http_patch(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    return http_with_body(vm, "http.patch", "PATCH", args, nargs, out);
}

/* method, url, body?, json?, headers?, timeout?, follow?, insecure?, secret?, check? */
int rbk_std_http_request(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out) {
    if (nargs < 10) return rbk_vm_error(vm, "http.request: expected 10 arguments, got %d", nargs);
    rbk_value m = args[0];
    if (m.t != RBK_T_STRING)
        return rbk_vm_error(vm, "http.request: method must be a string, not %s", http_type(m));
    size_t n = rbk_arg_len(m);
    const char *s = rbk_arg_str(m);
    bool ok = n > 0 && n <= HTTP_MAX_METHOD;
    for (size_t i = 0; ok && i < n; i++) ok = isalpha((unsigned char)s[i]) || s[i] == '-' || s[i] == '_';
    if (!ok)
        return rbk_vm_error(vm, "http.request: invalid method \"%s\" (letters only, like \"OPTIONS\")", s);
    http_req rq;
    http_req_init(&rq, "http.request", "");
    for (size_t i = 0; i < n; i++) rbk_sbuf_addc(&rq.method, (char)toupper((unsigned char)s[i]));
    rq.url = args[1], rq.body = args[2], rq.json = args[3], rq.headers = args[4];
    rq.timeout = args[5], rq.follow = args[6], rq.insecure = args[7], rq.secret = args[8];
    rq.check = args[9];
    return http_run(vm, &rq, out);
}

/* import/sh_recognise.c — the commands `runbook import` recognises as more than sh()
 * (import/sh_int.h, docs/import.md): curl to an http call (its JSON body to a map literal, its
 * jq filter to a field access), psql to db calls (one per statement) and pg_dump to std/pg.
 * Owns: the options of curl, psql and pg_dump that are read; what is a TODO when they are not.
 * Shares invariants with: import/sh_literal.c (the words of the command), docs/http.md,
 * docs/sql.md (the calls written). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sh_int.h"

/* ------------------------------------------------------------------ JSON bodies */
/* A JSON text as a runbook value literal (objects as maps, arrays as lists), or -1 when it is
 * not JSON (or nests deeper than 32: the body is then sent as text). */
static int json_value(const char **p, rbk_sbuf *b, int depth);
static void json_ws(const char **p) { while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r') (*p)++; }
static int json_string(const char **p, rbk_sbuf *raw) {
    if (**p != '"') return -1;
    (*p)++;
    while (**p && **p != '"') {
        if (**p == '\\') {
            char e = (*p)[1];
            const char *map = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
            const char *m = e ? strchr(map, e) : NULL;
            if (m) { rbk_sbuf_addc(raw, to[m - map]); *p += 2; continue; }
            if (e == 'u') {
                unsigned v = 0;
                for (int k = 2; k < 6; k++) {
                    char h = (*p)[k];
                    if (!isxdigit((unsigned char)h)) return -1;
                    v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : tolower((unsigned char)h) - 'a' + 10);
                }
                if (v == 0 || (v >= 0xD800 && v <= 0xDFFF)) return -1; /* NUL, surrogates: keep the text */
                if (v < 0x80) rbk_sbuf_addc(raw, (char)v);
                else if (v < 0x800) { rbk_sbuf_addc(raw, (char)(0xC0 | (v >> 6))); rbk_sbuf_addc(raw, (char)(0x80 | (v & 0x3F))); }
                else {
                    rbk_sbuf_addc(raw, (char)(0xE0 | (v >> 12)));
                    rbk_sbuf_addc(raw, (char)(0x80 | ((v >> 6) & 0x3F)));
                    rbk_sbuf_addc(raw, (char)(0x80 | (v & 0x3F)));
                }
                *p += 6;
                continue;
            }
            return -1;
        }
        if ((unsigned char)**p < 0x20) return -1;
        rbk_sbuf_addc(raw, **p);
        (*p)++;
    }
    if (**p != '"') return -1;
    (*p)++;
    return 0;
}
static int json_value(const char **p, rbk_sbuf *b, int depth) {
    if (depth > 32) return -1;
    json_ws(p);
    if (**p == '{' || **p == '[') {
        char close = **p == '{' ? '}' : ']';
        int obj = **p == '{';
        rbk_sbuf_addc(b, **p);
        (*p)++;
        json_ws(p);
        int first = 1;
        while (**p != close) {
            if (!first) {
                if (**p != ',') return -1;
                (*p)++;
                json_ws(p);
                rbk_sbuf_adds(b, ", ");
            }
            first = 0;
            if (obj) {
                rbk_sbuf key = RBK_SBUF_INIT;
                if (json_string(p, &key)) { rbk_sbuf_free(&key); return -1; }
                for (size_t k = 0; k < key.len; k++) if (!key.data[k]) { rbk_sbuf_free(&key); return -1; }
                imp_map_key(b, key.len ? key.data : "");
                rbk_sbuf_free(&key);
                json_ws(p);
                if (**p != ':') return -1;
                (*p)++;
                rbk_sbuf_adds(b, ": ");
            }
            if (json_value(p, b, depth + 1)) return -1;
            json_ws(p);
        }
        (*p)++;
        rbk_sbuf_addc(b, close);
        return 0;
    }
    if (**p == '"') {
        rbk_sbuf s = RBK_SBUF_INIT;
        int r = json_string(p, &s);
        if (!r) { rbk_sbuf_addc(b, '"'); imp_lit(b, s.data ? s.data : "", s.len); rbk_sbuf_addc(b, '"'); }
        rbk_sbuf_free(&s);
        return r;
    }
    if (!strncmp(*p, "true", 4)) { rbk_sbuf_adds(b, "true"); *p += 4; return 0; }
    if (!strncmp(*p, "false", 5)) { rbk_sbuf_adds(b, "false"); *p += 5; return 0; }
    if (!strncmp(*p, "null", 4)) { rbk_sbuf_adds(b, "nil"); *p += 4; return 0; }
    const char *s = *p;
    if (*s == '-') s++;
    if (!isdigit((unsigned char)*s)) return -1;
    while (isdigit((unsigned char)*s)) s++;
    int flt = 0;
    if (*s == '.') { flt = 1; s++; if (!isdigit((unsigned char)*s)) return -1; while (isdigit((unsigned char)*s)) s++; }
    if (*s == 'e' || *s == 'E') {
        flt = 1;
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!isdigit((unsigned char)*s)) return -1;
        while (isdigit((unsigned char)*s)) s++;
    }
    if (!flt && s - *p > 18) return -1; /* may not fit an int: keep the text */
    rbk_sbuf_add(b, *p, (size_t)(s - *p));
    *p = s;
    return 0;
}
static char *json_literal(const char *text) {
    rbk_sbuf b = RBK_SBUF_INIT;
    const char *p = text;
    json_ws(&p);
    if (*p != '{' && *p != '[') { rbk_sbuf_free(&b); return NULL; }
    if (json_value(&p, &b, 0)) { rbk_sbuf_free(&b); return NULL; }
    json_ws(&p);
    if (*p) { rbk_sbuf_free(&b); return NULL; }
    return rbk_sbuf_detach(&b);
}

/* ------------------------------------------------------------------ jq */
/* A jq filter (.a.b[0] | length) as an expression on %R.json, or NULL. */
static char *jq_expr(const char *f) {
    rbk_sbuf b = RBK_SBUF_INIT;
    const char *p = f;
    while (*p == ' ') p++;
    const char *pipe = strchr(p, '|');
    size_t pn = pipe ? (size_t)(pipe - p) : strlen(p);
    while (pn && p[pn - 1] == ' ') pn--;
    rbk_sbuf_adds(&b, "%R.json");
    if (!pn || p[0] != '.') goto fail;
    size_t i = 1;
    if (pn == 1) goto tail;
    i = 0;
    while (i < pn) {
        if (p[i] == '.' && i + 1 < pn && p[i + 1] == '[') { i++; continue; }
        if (p[i] == '.') {
            i++;
            if (i < pn && p[i] == '"') {
                size_t e = i + 1;
                while (e < pn && p[e] != '"') e++;
                if (e >= pn) goto fail;
                rbk_sbuf_adds(&b, "[\"");
                imp_lit(&b, p + i + 1, e - i - 1);
                rbk_sbuf_adds(&b, "\"]");
                i = e + 1;
                continue;
            }
            size_t e = i;
            while (e < pn && name_char((unsigned char)p[e])) e++;
            if (e == i || !name_start((unsigned char)p[i])) goto fail;
            rbk_sbuf_addc(&b, '.');
            rbk_sbuf_add(&b, p + i, e - i);
            i = e;
            continue;
        }
        if (p[i] == '[') {
            size_t e = i + 1;
            if (e < pn && p[e] == '"') {
                size_t q = e + 1;
                while (q < pn && p[q] != '"') q++;
                if (q + 1 >= pn || p[q + 1] != ']') goto fail;
                rbk_sbuf_adds(&b, "[\"");
                imp_lit(&b, p + e + 1, q - e - 1);
                rbk_sbuf_adds(&b, "\"]");
                i = q + 2;
                continue;
            }
            while (e < pn && isdigit((unsigned char)p[e])) e++;
            if (e == i + 1 || e >= pn || p[e] != ']') goto fail;
            rbk_sbuf_add(&b, p + i, e - i + 1);
            i = e + 1;
            continue;
        }
        goto fail;
    }
tail:
    if (pipe) {
        const char *q = pipe + 1;
        while (*q == ' ') q++;
        size_t qn = strlen(q);
        while (qn && q[qn - 1] == ' ') qn--;
        const char *fn = qn == 6 && !memcmp(q, "length", 6) ? "len" : qn == 4 && !memcmp(q, "keys", 4) ? "keys" : NULL;
        if (!fn) goto fail;
        rbk_sbuf w = RBK_SBUF_INIT;
        rbk_sbuf_printf(&w, "%s(%s)", fn, b.data);
        rbk_sbuf_free(&b);
        return rbk_sbuf_detach(&w);
    }
    return rbk_sbuf_detach(&b);
fail:
    rbk_sbuf_free(&b);
    return NULL;
}

/* ------------------------------------------------------------------ recognisers */
/* The runbook expression of a database URL word: env.X for $X, "literal" for a postgres URL;
 * NULL for anything else (a bare database name: the caller assumes DATABASE_URL). */
static char *db_url_expr(conv *V, const word *w) {
    char *s = imp_word_string(V, w->raw);
    if (!s) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    size_t n = strlen(s);
    if (n > 6 && !strncmp(s, "{env.", 5) && s[n - 1] == '}' && !strchr(s + 5, '{')) {
        rbk_sbuf_printf(&b, "env.%.*s", (int)(n - 6), s + 5);
    } else if (!strncmp(s, "postgres://", 11) || !strncmp(s, "postgresql://", 13)) {
        rbk_sbuf_printf(&b, "\"%s\"", s);
    } else {
        free(s);
        return NULL;
    }
    free(s);
    return rbk_sbuf_detach(&b);
}

static int is_opt(const char *v, const char *s, const char *l) { return (s && !strcmp(v, s)) || (l && !strcmp(v, l)); }

/* Removes the header NAME from a "K: v, K2: v2" list (written by try_curl: one ", " between
 * entries, a name never holds one). */
static void drop_header(rbk_sbuf *h, int *n, const char *name) {
    size_t nl = strlen(name);
    const char *p = h->data ? h->data : "";
    rbk_sbuf out = RBK_SBUF_INIT;
    int kept = 0;
    while (*p) {
        const char *e = strstr(p, ", ");
        /* an entry ends at ", " followed by a name and ':' (values may hold ", ") */
        while (e) {
            const char *k = e + 2;
            if (*k == '"') { k = strchr(k + 1, '"'); if (k) k++; }
            else while (k && (isalnum((unsigned char)*k) || *k == '_')) k++;
            if (k && *k == ':') break;
            e = strstr(e + 2, ", ");
        }
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *k = p;
        size_t kl = 0;
        if (*k == '"') { k++; while (k[kl] && k[kl] != '"') kl++; }
        else while (isalnum((unsigned char)k[kl]) || k[kl] == '_' || k[kl] == '-') kl++;
        if (!(kl == nl && !strncasecmp(k, name, nl))) {
            if (kept++) rbk_sbuf_adds(&out, ", ");
            rbk_sbuf_add(&out, p, len);
        }
        p += len + (e ? 2 : 0);
    }
    rbk_sbuf_free(h);
    *h = out;
    *n = kept;
}

/* curl [options] URL [| jq FILTER] */
int imp_try_curl(conv *V, const words *W, imp_call *k) {
    int n = W->n, pipe_at = -1;
    for (int i = 0; i < n; i++) {
        if (!W->w[i].op) continue;
        if (!strcmp(W->w[i].raw, "|") && pipe_at < 0) pipe_at = i;
        else return 0;
    }
    int end = pipe_at < 0 ? n : pipe_at;
    if (!W->w[0].val || strcmp(W->w[0].val, "curl")) return 0;
    const char *method = NULL;
    char *url = NULL, *data = NULL, *timeout = NULL;
    rbk_sbuf headers = RBK_SBUF_INIT;
    int nheaders = 0, follow = 0, insecure = 0, fail = 0, status = 0, json_ct = 0, head = 0, data_json = 0;
    int ok = 1;
    for (int i = 1; i < end && ok; i++) {
        const word *w = &W->w[i];
        const char *v = w->val;
        if (!v) {
            if (!url) { url = imp_word_string(V, w->raw); if (!url) ok = 0; continue; }
            ok = 0;
            break;
        }
        if (v[0] != '-' || !v[1]) {
            if (url) { ok = 0; break; }
            url = imp_word_string(V, w->raw);
            if (!url) ok = 0;
            continue;
        }
        const word *nx = i + 1 < end ? &W->w[i + 1] : NULL;
#define NEXT_STR(dst) do { if (!nx) { ok = 0; break; } dst = imp_word_string(V, nx->raw); if (!dst) ok = 0; i++; } while (0)
        if (v[1] != '-' && strspn(v + 1, "sSfLkv") == strlen(v + 1)) {
            for (const char *f = v + 1; *f; f++) {
                if (*f == 'f') fail = 1;
                if (*f == 'L') follow = 1;
                if (*f == 'k') insecure = 1;
            }
        } else if (is_opt(v, NULL, "--silent") || is_opt(v, NULL, "--show-error") || is_opt(v, NULL, "--compressed") ||
                   is_opt(v, NULL, "--verbose")) {
        } else if (is_opt(v, NULL, "--fail") || is_opt(v, NULL, "--fail-with-body")) fail = 1;
        else if (is_opt(v, NULL, "--location")) follow = 1;
        else if (is_opt(v, NULL, "--insecure")) insecure = 1;
        else if (is_opt(v, "-I", "--head")) head = 1;
        else if (is_opt(v, "-X", "--request") || (!strncmp(v, "-X", 2) && v[2])) {
            const char *m = v[2] && v[1] == 'X' ? v + 2 : nx && nx->val ? nx->val : NULL;
            if (!m) { ok = 0; break; }
            if (!(v[2] && v[1] == 'X')) i++;
            static const char *ms[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", NULL};
            method = NULL;
            for (int q = 0; ms[q]; q++) if (!strcmp(m, ms[q])) method = ms[q];
            if (!method) ok = 0;
        } else if (is_opt(v, "-H", "--header")) {
            char *h = NULL;
            NEXT_STR(h);
            if (!ok) break;
            char *colon = strchr(h, ':');
            if (!colon || colon == h) { free(h); ok = 0; break; }
            *colon = 0;
            const char *val = colon + 1;
            while (*val == ' ') val++;
            /* the header name was escaped for a literal too: names have no escapes in practice */
            if (!strcasecmp(h, "Content-Type") && strstr(val, "application/json")) json_ct = 1;
            if (nheaders++) rbk_sbuf_adds(&headers, ", ");
            int bare = name_start((unsigned char)*h);
            for (const char *q = h; *q && bare; q++) bare = name_char((unsigned char)*q);
            if (bare) rbk_sbuf_adds(&headers, h);
            else rbk_sbuf_printf(&headers, "\"%s\"", h);
            rbk_sbuf_printf(&headers, ": \"%s\"", val);
            free(h);
        } else if (is_opt(v, "-d", "--data") || is_opt(v, NULL, "--data-raw") || is_opt(v, NULL, "--data-binary") ||
                   is_opt(v, NULL, "--data-ascii") || is_opt(v, NULL, "--json")) {
            if (data || !nx) { ok = 0; break; }
            if (!strcmp(v, "--json")) data_json = 1;
            /* the body as text: quotes removed; variables kept only when plain */
            if (nx->val) {
                data = rbk_xstrdup(nx->val);
            } else {
                ok = 0;
                break;
            }
            i++;
        } else if (is_opt(v, "-o", "--output")) {
            if (!nx || !nx->val || strcmp(nx->val, "/dev/null")) { ok = 0; break; }
            i++;
        } else if (is_opt(v, "-w", "--write-out")) {
            if (!nx || !nx->val || strncmp(nx->val, "%{http_code}", 12) || (nx->val[12] && strcmp(nx->val + 12, "\\n") && strcmp(nx->val + 12, "\n"))) {
                ok = 0;
                break;
            }
            status = 1;
            i++;
        } else if (is_opt(v, "-m", "--max-time")) {
            if (!nx || !nx->val) { ok = 0; break; }
            timeout = imp_sleep_duration(nx->val);
            if (!timeout) ok = 0;
            i++;
        } else if (is_opt(v, NULL, "--connect-timeout")) {
            i++;
        } else if (is_opt(v, NULL, "--url")) {
            if (url) { ok = 0; break; }
            NEXT_STR(url);
        } else {
            ok = 0;
        }
#undef NEXT_STR
    }
    char *jq = NULL;
    int jq_raw = 0;
    if (ok && pipe_at >= 0) {
        /* | jq [-r] [-M] [-c] FILTER */
        if (pipe_at + 1 >= n || !W->w[pipe_at + 1].val || strcmp(W->w[pipe_at + 1].val, "jq")) ok = 0;
        const char *filter = NULL;
        for (int i = pipe_at + 2; ok && i < n; i++) {
            const char *v = W->w[i].val;
            if (!v) { ok = 0; break; }
            if (!strcmp(v, "-r") || !strcmp(v, "-M") || !strcmp(v, "-c") || !strcmp(v, "--raw-output")) continue;
            if (v[0] == '-' || filter) { ok = 0; break; }
            filter = v;
        }
        if (ok) {
            if (!filter || !strcmp(filter, ".")) jq_raw = 1;
            else if (!(jq = jq_expr(filter))) ok = 0;
        }
    }
    if (ok && (!url || !*url)) ok = 0;
    if (ok && strncmp(url, "http://", 7) && strncmp(url, "https://", 8) && url[0] != '{') ok = 0;
    if (ok && url[0] == '{' && strncmp(url, "{env.", 5) && !strchr(url, '}')) ok = 0;
    if (!ok) {
        free(url);
        free(data);
        free(timeout);
        free(jq);
        rbk_sbuf_free(&headers);
        return 0;
    }
    if (!method) method = head ? "HEAD" : data ? "POST" : "GET";
    k->kind = IMP_CALL_HTTP;
    k->fn = imp_http_fn(method);
    /* the URL: its origin becomes a param (base_url), so the runbook can be pointed elsewhere */
    rbk_sbuf u = RBK_SBUF_INIT;
    if (url[0] != '{') {
        const char *host = strstr(url, "://") + 3;
        const char *slash = strchr(host, '/');
        size_t on = slash ? (size_t)(slash - url) : strlen(url);
        char *origin = rbk_xstrndup(url, on);
        const char *pname = NULL;
        for (int i = 0; i < V->c->nparams; i++) {
            imp_param *p = &V->c->params[i];
            if (p->deflt && !strncmp(p->name, "base_url", 8) && strlen(p->deflt) == on + 2 && !strncmp(p->deflt + 1, origin, on)) pname = p->name;
        }
        if (!pname && !strchr(origin, '{') && !strchr(origin, '\\')) {
            int nbase = 0;
            for (int i = 0; i < V->c->nparams; i++) nbase += !strncmp(V->c->params[i].name, "base_url", 8);
            rbk_sbuf nm = RBK_SBUF_INIT;
            if (nbase) rbk_sbuf_printf(&nm, "base_url_%d", nbase + 1);
            else rbk_sbuf_adds(&nm, "base_url");
            imp_param *p = imp_param_use(V->c, nm.data, V->line);
            rbk_sbuf_free(&nm);
            rbk_sbuf d = RBK_SBUF_INIT;
            rbk_sbuf_printf(&d, "\"%s\"", origin);
            p->deflt = rbk_sbuf_detach(&d);
            pname = p->name;
        }
        if (pname) rbk_sbuf_printf(&u, "{%s}%s", pname, url + on);
        else rbk_sbuf_adds(&u, url);
        free(origin);
    } else {
        rbk_sbuf_adds(&u, url);
    }
    imp_arg(k, "\"%s\"", u.data);
    rbk_sbuf_free(&u);
    if (data) {
        char *lit = (json_ct || data_json) ? json_literal(data) : NULL;
        if (lit) {
            imp_arg(k, "json: %s", lit);
            free(lit);
            /* json: sets Content-Type itself */
            if (json_ct) drop_header(&headers, &nheaders, "Content-Type");
        } else {
            rbk_sbuf b = RBK_SBUF_INIT;
            imp_lit_q(&b, data);
            imp_arg(k, "body: %s", b.data);
            rbk_sbuf_free(&b);
            if (data_json && !json_ct) {
                if (nheaders++) rbk_sbuf_adds(&headers, ", ");
                rbk_sbuf_adds(&headers, "\"Content-Type\": \"application/json\"");
            }
        }
    }
    if (nheaders) imp_arg(k, "headers: {%s}", headers.data);
    if (timeout) imp_arg(k, "timeout: %s", timeout);
    if (!follow) imp_arg(k, "follow: false");
    if (insecure) imp_arg(k, "insecure: true");
    k->jq = jq;
    k->jq_raw = jq_raw;
    k->http_status = status;
    k->http_fail = fail;
    if (fail) k->auto_expect = rbk_xstrdup("%R.status >= 200 and %R.status < 300");
    free(url);
    free(data);
    free(timeout);
    rbk_sbuf_free(&headers);
    return 1;
}

/* SQL statements of a -c text, split at ; outside quotes. */
static int split_sql(const char *sql, char ***out) {
    char **v = NULL;
    int n = 0;
    const char *p = sql, *start = sql;
    char q = 0;
    for (;; p++) {
        if (*p && q) { if (*p == q) q = 0; continue; }
        if (*p == '\'' || *p == '"') { q = *p; continue; }
        if (*p == ';' || !*p) {
            const char *a = start, *e = p;
            while (a < e && isspace((unsigned char)*a)) a++;
            while (e > a && isspace((unsigned char)e[-1])) e--;
            if (e > a) {
                v = rbk_xrealloc(v, sizeof(char *) * (size_t)(n + 1));
                v[n++] = rbk_xstrndup(a, (size_t)(e - a));
            }
            if (!*p) break;
            start = p + 1;
        }
    }
    *out = v;
    return n;
}

static int sql_is_select(const char *s) {
    static const char *kw[] = {"select", "with", "show", "values", "table", "explain", NULL};
    for (int i = 0; kw[i]; i++) {
        size_t n = strlen(kw[i]);
        if (!strncasecmp(s, kw[i], n) && !name_char((unsigned char)s[n])) return 1;
    }
    return 0;
}

/* The connection for psql/pg_dump's target; a TODO when it is a bare database name. */
static char *db_target(conv *V, const word *target, const char *prog, rbk_sbuf *todo) {
    char *e = target ? db_url_expr(V, target) : NULL;
    if (e) return e;
    imp_env *env = imp_env_use(V->c, "DATABASE_URL", 12, V->line);
    env->secret = 1;
    if (target) rbk_sbuf_printf(todo, "%s connects to `%s`: DATABASE_URL is assumed to be its URL", prog, target->raw);
    else rbk_sbuf_printf(todo, "%s names no database: DATABASE_URL is assumed to be its URL", prog);
    return rbk_xstrdup("env.DATABASE_URL");
}

/* psql TARGET -c "SQL" (one call per statement), psql TARGET < FILE (std/pg restore). */
int imp_try_psql(conv *V, const words *W, imp_call **calls, int *ncalls, rbk_sbuf *todo) {
    if (!W->w[0].val || strcmp(W->w[0].val, "psql")) return 0;
    const word *target = NULL;
    const char *sql = NULL;
    const char *infile = NULL;
    for (int i = 1; i < W->n; i++) {
        const word *w = &W->w[i];
        if (w->op) {
            if (!strcmp(w->raw, "<") && i + 1 < W->n && W->w[i + 1].val && !infile) { infile = W->w[i + 1].val; i++; continue; }
            return 0;
        }
        const char *v = w->val;
        if (v && v[0] == '-' && v[1]) {
            if (!strcmp(v, "-c") || !strcmp(v, "--command")) {
                if (i + 1 >= W->n || !W->w[i + 1].val || sql) return 0;
                sql = W->w[++i].val;
            } else if (!strncmp(v, "--command=", 10)) {
                sql = v + 10;
            } else if (!strcmp(v, "-d") || !strcmp(v, "--dbname")) {
                if (i + 1 >= W->n || target) return 0;
                target = &W->w[++i];
            } else if (!strcmp(v, "-v") || !strcmp(v, "--set")) {
                i++;
            } else if (v[1] != '-' && strspn(v + 1, "tAqXc") == strlen(v + 1)) {
                if (strchr(v, 'c')) {
                    if (v[strlen(v) - 1] != 'c' || i + 1 >= W->n || !W->w[i + 1].val || sql) return 0;
                    sql = W->w[++i].val;
                }
            } else if (strcmp(v, "--tuples-only") && strcmp(v, "--no-align") && strcmp(v, "--quiet") && strcmp(v, "--no-psqlrc")) {
                return 0;
            }
            continue;
        }
        if (target) return 0;
        target = w;
    }
    if (!!sql == !!infile) return 0;
    char *url = db_target(V, target, "psql", todo);
    if (infile) {
        V->c->use_pg = 1;
        imp_call *k = *calls = rbk_xcalloc(1, sizeof(imp_call));
        *ncalls = 1;
        k->kind = IMP_CALL_PG;
        k->fn = rbk_xstrdup("pg.restore");
        rbk_sbuf f = RBK_SBUF_INIT;
        imp_lit_q(&f, infile);
        imp_arg(k, "%s, %s", url, f.data);
        rbk_sbuf_free(&f);
        k->auto_expect = rbk_xstrdup("%C");
        free(url);
        return 1;
    }
    char **stmts;
    int ns = split_sql(sql, &stmts);
    if (!ns) { free(url); free(stmts); return 0; }
    const char *conn = imp_conn_for(V->c, url);
    free(url);
    imp_call *ks = rbk_xcalloc((size_t)ns, sizeof(imp_call));
    for (int i = 0; i < ns; i++) {
        imp_call *k = &ks[i];
        k->kind = IMP_CALL_SQL;
        k->sql_select = sql_is_select(stmts[i]);
        rbk_sbuf q = RBK_SBUF_INIT;
        imp_lit(&q, stmts[i], strlen(stmts[i]));
        k->sql = rbk_sbuf_detach(&q);
        rbk_sbuf fn = RBK_SBUF_INIT;
        rbk_sbuf_printf(&fn, "%s.%s", conn, k->sql_select ? "query" : "exec");
        k->fn = rbk_sbuf_detach(&fn);
        imp_arg(k, "\"%s\"", k->sql);
        free(stmts[i]);
    }
    free(stmts);
    *calls = ks;
    *ncalls = ns;
    return 1;
}

/* pg_dump TARGET > FILE, pg_dump TARGET -f FILE: std/pg's backup (plain SQL, checked complete). */
int imp_try_pg_dump(conv *V, const words *W, imp_call *k, rbk_sbuf *todo) {
    if (!W->w[0].val || strcmp(W->w[0].val, "pg_dump")) return 0;
    const word *target = NULL, *file = NULL;
    rbk_sbuf tables = RBK_SBUF_INIT;
    int ntables = 0;
    for (int i = 1; i < W->n; i++) {
        const word *w = &W->w[i];
        if (w->op) {
            if (!strcmp(w->raw, ">") && i + 1 < W->n && !file) { file = &W->w[++i]; continue; }
            rbk_sbuf_free(&tables);
            return 0;
        }
        const char *v = w->val;
        if (v && v[0] == '-' && v[1]) {
            if ((!strcmp(v, "-f") || !strcmp(v, "--file")) && i + 1 < W->n && !file) file = &W->w[++i];
            else if ((!strcmp(v, "-d") || !strcmp(v, "--dbname")) && i + 1 < W->n && !target) target = &W->w[++i];
            else if ((!strcmp(v, "-t") || !strcmp(v, "--table")) && i + 1 < W->n && W->w[i + 1].val) {
                rbk_sbuf t = RBK_SBUF_INIT;
                imp_lit_q(&t, W->w[++i].val);
                rbk_sbuf_printf(&tables, "%s%s", ntables++ ? ", " : "", t.data);
                rbk_sbuf_free(&t);
            } else if (strcmp(v, "--clean") && strcmp(v, "--if-exists") && strcmp(v, "--no-password") && strcmp(v, "-w")) {
                rbk_sbuf_free(&tables);
                return 0;
            }
            continue;
        }
        if (target) { rbk_sbuf_free(&tables); return 0; }
        target = w;
    }
    if (!file) { rbk_sbuf_free(&tables); return 0; }
    /* the file name: $(date ...) becomes {now()} (the time the step runs) */
    rbk_sbuf fname = RBK_SBUF_INIT;
    const char *r = file->raw;
    if (strstr(r, "$(date")) {
        rbk_sbuf plain = RBK_SBUF_INIT;
        for (const char *p = r; *p;) {
            if (!strncmp(p, "$(date", 6)) {
                const char *e = strchr(p, ')');
                if (!e) break;
                rbk_sbuf_adds(&plain, "\x01");
                p = e + 1;
                continue;
            }
            rbk_sbuf_addc(&plain, *p++);
        }
        char *s = imp_word_string(V, plain.data);
        rbk_sbuf_free(&plain);
        if (!s) { rbk_sbuf_free(&tables); return 0; }
        for (const char *p = s; *p; p++) {
            if (*p == '\x01') rbk_sbuf_adds(&fname, "{now()}");
            else rbk_sbuf_addc(&fname, *p);
        }
        free(s);
    } else {
        char *s = imp_word_string(V, r);
        if (!s) { rbk_sbuf_free(&tables); return 0; }
        rbk_sbuf_adds(&fname, s);
        free(s);
    }
    char *url = db_target(V, target, "pg_dump", todo);
    V->c->use_pg = 1;
    k->kind = IMP_CALL_PG;
    k->fn = rbk_xstrdup("pg.backup");
    imp_arg(k, "%s, \"%s\"", url, fname.data);
    if (ntables) imp_arg(k, "tables: [%s]", tables.data);
    free(url);
    rbk_sbuf_free(&fname);
    rbk_sbuf_free(&tables);
    return 1;
}

/* cli/lsp.c — `runbook lsp`: a language server on stdin/stdout (see lsp.h). One thread, one
 * message at a time: each message is read whole (Content-Length framing), parsed with jansson,
 * answered, and the documents it changed are checked again at once (full text sync: a check of
 * a 10,000-line runbook takes a few milliseconds, docs/benchmarks.md). Nothing a client sends
 * ends the server but `exit` or the end of its input: a malformed header, bad JSON, an unknown
 * method, a message over the limit each get an error answer (or a line on stderr where the
 * protocol has no answer) and the server reads on. Exit status: 0 after `shutdown`, else 1. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "lsp.h"
#include "version.h" /* generated: scripts/version.cmake */

/* ------------------------------------------------------------------ reading messages */
typedef struct reader {
    int fd;
    char buf[65536];
    size_t pos, len;
    int eof;
} reader;

static int fill(reader *r) {
    if (r->pos < r->len) return 1;
    if (r->eof) return 0;
    for (;;) {
        ssize_t n = read(r->fd, r->buf, sizeof r->buf);
        if (n > 0) { r->pos = 0; r->len = (size_t)n; return 1; }
        if (n < 0 && errno == EINTR) continue;
        r->eof = 1;
        return 0;
    }
}
/* One header line without its CR LF into line. 1: a line; 0: end of input; -1: a line longer
 * than the limit (read to its end and dropped). */
static int read_line(reader *r, rbk_sbuf *line) {
    rbk_sbuf_reset(line);
    int too_long = 0;
    for (;;) {
        if (!fill(r)) return line->len || too_long ? (too_long ? -1 : 1) : 0;
        char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
        size_t n = nl ? (size_t)(nl - (r->buf + r->pos)) : r->len - r->pos;
        if (!too_long) {
            if (line->len + n > RBK_LSP_MAX_HEADER_LINE + 1) too_long = 1; /* + its CR */
            else rbk_sbuf_add(line, r->buf + r->pos, n);
        }
        r->pos += n + (nl ? 1 : 0);
        if (nl) break;
    }
    if (line->len && line->data[line->len - 1] == '\r') line->data[--line->len] = 0;
    if (too_long || line->len > RBK_LSP_MAX_HEADER_LINE) return -1;
    rbk_sbuf_cstr(line);
    return 1;
}
/* n bytes into out (or dropped when out is NULL). 0 when the input ends first. */
static int read_body(reader *r, size_t n, rbk_sbuf *out) {
    while (n > 0) {
        if (!fill(r)) return 0;
        size_t k = r->len - r->pos < n ? r->len - r->pos : n;
        if (out) rbk_sbuf_add(out, r->buf + r->pos, k);
        r->pos += k;
        n -= k;
    }
    return 1;
}

typedef enum { MSG_OK, MSG_EOF, MSG_BAD_HEADER, MSG_TOO_BIG } msg_status;

/* The next message's body into body. On MSG_BAD_HEADER / MSG_TOO_BIG, *why says what was wrong;
 * the header block has been read (and a too-big body skipped), so the next message can follow. */
static msg_status read_message(reader *r, rbk_sbuf *body, rbk_sbuf *why) {
    rbk_sbuf line = RBK_SBUF_INIT;
    long long length = -1;
    int bad = 0, nheaders = 0, any = 0;
    rbk_sbuf_reset(why);
    for (;;) {
        int rc = read_line(r, &line);
        if (rc == 0) { rbk_sbuf_free(&line); return MSG_EOF; }
        if (rc < 0) {
            if (!bad) rbk_sbuf_printf(why, "a header line longer than %d bytes", RBK_LSP_MAX_HEADER_LINE);
            bad = 1;
            any = 1;
            continue;
        }
        if (line.len == 0) {
            if (!any) continue; /* blank lines between messages */
            break;
        }
        any = 1;
        if (++nheaders > RBK_LSP_MAX_HEADERS) {
            if (!bad) rbk_sbuf_printf(why, "more than %d header lines", RBK_LSP_MAX_HEADERS);
            bad = 1;
            continue;
        }
        char *colon = strchr(line.data, ':');
        if (!colon) {
            if (!bad) rbk_sbuf_adds(why, "a header line without a colon");
            bad = 1;
            continue;
        }
        *colon = 0;
        const char *v = colon + 1;
        while (*v == ' ' || *v == '\t') v++;
        if (!strcasecmp(line.data, "Content-Length")) {
            char *end;
            errno = 0;
            long long n = *v >= '0' && *v <= '9' ? strtoll(v, &end, 10) : -1;
            if (n < 0 || errno || *end != 0) {
                if (!bad) rbk_sbuf_printf(why, "Content-Length is not a number: '%.40s'", v);
                bad = 1;
            } else if (length >= 0 && n != length) {
                if (!bad) rbk_sbuf_adds(why, "two different Content-Length headers");
                bad = 1;
            } else {
                length = n;
            }
        }
        /* Content-Type and any other header are accepted and ignored (the body is UTF-8 JSON) */
    }
    rbk_sbuf_free(&line);
    if (!bad && length < 0) { rbk_sbuf_adds(why, "no Content-Length header"); bad = 1; }
    if (bad) return MSG_BAD_HEADER;
    if ((unsigned long long)length > RBK_LSP_MAX_MESSAGE) {
        rbk_sbuf_printf(why, "a message of %lld bytes, more than the %zu allowed", length, RBK_LSP_MAX_MESSAGE);
        if (!read_body(r, (size_t)length, NULL)) return MSG_EOF;
        return MSG_TOO_BIG;
    }
    rbk_sbuf_reset(body);
    if (!read_body(r, (size_t)length, body)) return MSG_EOF;
    return MSG_OK;
}

/* ------------------------------------------------------------------ writing messages */
static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}
void rbk_lsp_send(rbk_lsp *s, json_t *msg) {
    json_object_set_new(msg, "jsonrpc", json_string("2.0"));
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!text) return;
    rbk_sbuf b = RBK_SBUF_INIT;
    size_t n = strlen(text);
    rbk_sbuf_printf(&b, "Content-Length: %zu\r\n\r\n", n);
    rbk_sbuf_add(&b, text, n);
    free(text);
    if (write_all(s->out_fd, b.data, b.len) < 0) {
        /* the client is gone: nobody is left to answer */
        rbk_sbuf_free(&b);
        exit(s->shutdown ? 0 : 1);
    }
    rbk_sbuf_free(&b);
}
static void reply(rbk_lsp *s, json_t *id, json_t *result) {
    json_t *m = json_object();
    json_object_set(m, "id", id ? id : json_null());
    json_object_set_new(m, "result", result ? result : json_null());
    rbk_lsp_send(s, m);
}
static void reply_error(rbk_lsp *s, json_t *id, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void reply_error(rbk_lsp *s, json_t *id, int code, const char *fmt, ...) {
    rbk_sbuf b = RBK_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    json_t *m = json_object();
    json_object_set(m, "id", id ? id : json_null());
    json_object_set_new(m, "error", json_pack("{s:i, s:s}", "code", code, "message", rbk_sbuf_cstr(&b)));
    rbk_sbuf_free(&b);
    rbk_lsp_send(s, m);
}

/* ------------------------------------------------------------------ URIs and paths */
static int hexval(int c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}
/* The path of a file: URI, or the URI itself for any other scheme (untitled:...). */
static char *uri_to_path(const char *uri) {
    if (strncmp(uri, "file://", 7)) return rbk_xstrdup(uri);
    const char *p = uri + 7;
    if (*p != '/') { p = strchr(p, '/'); if (!p) return rbk_xstrdup(uri); } /* file://host/path */
    rbk_sbuf b = RBK_SBUF_INIT;
    for (; *p; p++) {
        int h, l;
        if (*p == '%' && (h = hexval(p[1])) >= 0 && (l = hexval(p[2])) >= 0 && (h || l)) {
            rbk_sbuf_addc(&b, (char)(h * 16 + l));
            p += 2;
        } else if (*p == '?' || *p == '#') {
            break;
        } else {
            rbk_sbuf_addc(&b, *p);
        }
    }
    return rbk_sbuf_detach(&b);
}
char *rbk_lsp_path_to_uri(const char *path) {
    rbk_sbuf b = RBK_SBUF_INIT;
    if (path[0] != '/') { rbk_sbuf_adds(&b, path); return rbk_sbuf_detach(&b); } /* untitled:... */
    rbk_sbuf_adds(&b, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
            rbk_sbuf_addc(&b, (char)*p);
        else
            rbk_sbuf_printf(&b, "%%%02X", *p);
    }
    return rbk_sbuf_detach(&b);
}
/* path with `.`, `..` and repeated slashes taken out (as far as the text tells: no symlinks). */
static char *normalize(const char *path) {
    rbk_sbuf b = RBK_SBUF_INIT;
    int abs = path[0] == '/';
    const char *p = path;
    while (*p) {
        while (*p == '/') p++;
        if (!*p) break;
        size_t n = strcspn(p, "/");
        if (n == 1 && p[0] == '.') { p += n; continue; }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *last = b.len ? strrchr(rbk_sbuf_cstr(&b), '/') : NULL;
            const char *seg = last ? last + 1 : b.data;
            if (b.len && strcmp(seg, "..")) {
                b.len = last ? (size_t)(last - b.data) : 0;
                b.data[b.len] = 0;
                p += n;
                continue;
            }
            if (abs) { p += n; continue; } /* /.. is / */
        }
        if (b.len || abs) rbk_sbuf_addc(&b, '/');
        rbk_sbuf_add(&b, p, n);
        p += n;
    }
    if (!b.len) rbk_sbuf_adds(&b, abs ? "/" : ".");
    return rbk_sbuf_detach(&b);
}

/* ------------------------------------------------------------------ documents */
rbk_lsp_doc *rbk_lsp_doc_find(rbk_lsp *s, const char *uri) {
    for (int i = 0; i < s->ndocs; i++)
        if (!strcmp(s->docs[i]->uri, uri)) return s->docs[i];
    return NULL;
}
/* The open document whose file is path (modules: unsaved text is what the author sees). */
static char *read_open_doc(void *ctx, const char *path, size_t *len) {
    rbk_lsp *s = ctx;
    char *want = normalize(path);
    char *text = NULL;
    for (int i = 0; i < s->ndocs && !text; i++) {
        char *have = normalize(s->docs[i]->path);
        if (!strcmp(have, want)) {
            text = rbk_xstrndup(s->docs[i]->text, s->docs[i]->len);
            *len = s->docs[i]->len;
        }
        free(have);
    }
    free(want);
    return text;
}

static void check_free(rbk_lsp_doc *d) {
    rbk_compiler_free(d->c);
    d->c = NULL;
    rbk_diags_free(&d->diags);
    rbk_sources_free(&d->sources);
}
static void doc_free(rbk_lsp_doc *d) {
    check_free(d);
    for (int i = 0; i < d->npublished; i++) free(d->published[i]);
    free(d->published);
    free(d->uri);
    free(d->path);
    free(d->text);
    free(d);
}

static json_t *diag_json(const rbk_source *src, const char *uri, const rbk_diag *dg) {
    json_t *range = src ? rbk_lsp_range(src, dg->off, dg->end)
                        : json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", 0, "character", 0, "end", "line", 0, "character", 0);
    int sev = dg->sev == RBK_SEV_ERROR ? 1 : dg->sev == RBK_SEV_WARNING ? 2 : 3;
    json_t *j = json_pack("{s:o, s:i, s:s, s:s}", "range", range, "severity", sev, "source", "runbook", "message", dg->msg);
    if (dg->rule) json_object_set_new(j, "code", json_string(dg->rule));
    json_t *rels = json_array();
    if (dg->hint)
        json_array_append_new(rels, json_pack("{s:{s:s, s:O}, s:s+}", "location", "uri", uri, "range", range, "message", "hint: ", dg->hint));
    for (int i = 0; i < dg->nnotes; i++) {
        /* a note without a position, or in another file, is shown at the diagnostic */
        const rbk_note *nt = &dg->notes[i];
        json_t *at = src && nt->file == dg->file ? rbk_lsp_range(src, nt->off, nt->end) : json_incref(range);
        json_array_append_new(rels, json_pack("{s:{s:s, s:o}, s:s+}", "location", "uri", uri, "range", at, "message", "note: ", nt->msg));
    }
    if (json_array_size(rels)) json_object_set_new(j, "relatedInformation", rels);
    else json_decref(rels);
    return j;
}
static void publish(rbk_lsp *s, const char *uri, json_t *diags, int64_t version) {
    json_t *params = json_pack("{s:s, s:o}", "uri", uri, "diagnostics", diags);
    if (version >= 0) json_object_set_new(params, "version", json_integer(version));
    rbk_lsp_send(s, json_pack("{s:s, s:o}", "method", "textDocument/publishDiagnostics", "params", params));
}

/* Checks d's text (its modules read from the open documents first, then from disk) and
 * publishes the diagnostics: the document's own, and those in each module file it uses that is
 * not open itself (an open module publishes its own check's). */
static void check_doc(rbk_lsp *s, rbk_lsp_doc *d) {
    check_free(d);
    rbk_diags_init(&d->diags, &d->sources);
    rbk_module_reader rd = {read_open_doc, s};
    d->c = rbk_compile_text_with(d->path, d->text, d->len, &d->sources, &d->diags, &rd);
    d->file = d->c ? d->c->root_file : 0;
    rbk_diags_sort(&d->diags);
    int nf = d->sources.n;
    json_t **per = rbk_xcalloc((size_t)(nf ? nf : 1), sizeof(json_t *));
    char **uris = rbk_xcalloc((size_t)(nf ? nf : 1), sizeof(char *));
    for (int f = 0; f < nf; f++) {
        const char *p = d->sources.items[f]->path;
        if (f == d->file) uris[f] = rbk_xstrdup(d->uri);
        else if (p[0] != '<') uris[f] = rbk_lsp_path_to_uri(p); /* not a standard module */
        per[f] = json_array();
    }
    json_t *mine = per[d->file];
    for (int i = 0; i < d->diags.n; i++) {
        const rbk_diag *dg = &d->diags.items[i];
        int f = dg->file >= 0 && dg->file < nf ? dg->file : -1;
        if (f >= 0 && uris[f]) json_array_append_new(per[f], diag_json(d->sources.items[f], uris[f], dg));
        else if (f < 0) json_array_append_new(mine, diag_json(NULL, d->uri, dg));
        /* in a standard module (it is tested to check cleanly): on the document's use line */
    }
    if (d->diags.nerrors > d->diags.max_errors) {
        rbk_diag more = {.sev = RBK_SEV_NOTE, .file = -1, .msg = NULL};
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_printf(&b, "%d more errors not shown", d->diags.nerrors - d->diags.max_errors);
        more.msg = b.data;
        json_array_append_new(mine, diag_json(NULL, d->uri, &more));
        rbk_sbuf_free(&b);
    }
    publish(s, d->uri, json_incref(mine), d->version);
    /* modules: published for files that are not open; the ones published before and not now
     * are cleared */
    char **now = rbk_xcalloc((size_t)(nf ? nf : 1), sizeof(char *));
    int nnow = 0;
    for (int f = 0; f < nf; f++) {
        if (f == d->file || !uris[f] || rbk_lsp_doc_find(s, uris[f])) continue;
        publish(s, uris[f], json_incref(per[f]), -1);
        now[nnow++] = rbk_xstrdup(uris[f]);
    }
    for (int i = 0; i < d->npublished; i++) {
        int still = 0;
        for (int j = 0; j < nnow; j++) still |= !strcmp(now[j], d->published[i]);
        if (!still && !rbk_lsp_doc_find(s, d->published[i])) publish(s, d->published[i], json_array(), -1);
        free(d->published[i]);
    }
    free(d->published);
    d->published = now;
    d->npublished = nnow;
    for (int f = 0; f < nf; f++) { json_decref(per[f]); free(uris[f]); }
    free(per);
    free(uris);
}

/* Whether d's last check read the file of document m (a module it uses). */
static int uses(rbk_lsp_doc *d, rbk_lsp_doc *m) {
    if (d == m) return 0;
    char *want = normalize(m->path);
    int yes = 0;
    for (int f = 0; f < d->sources.n && !yes; f++) {
        if (f == d->file) continue;
        char *have = normalize(d->sources.items[f]->path);
        yes = !strcmp(have, want);
        free(have);
    }
    free(want);
    return yes;
}
/* d changed: check it, and every open document that uses it. */
static void changed(rbk_lsp *s, rbk_lsp_doc *d) {
    check_doc(s, d);
    for (int i = 0; i < s->ndocs; i++)
        if (uses(s->docs[i], d)) check_doc(s, s->docs[i]);
}

/* ------------------------------------------------------------------ notifications */
static const char *str_at(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void did_open(rbk_lsp *s, json_t *params) {
    json_t *td = json_object_get(params, "textDocument");
    const char *uri = str_at(td, "uri");
    json_t *text = json_object_get(td, "text");
    if (!uri || !json_is_string(text)) { fputs("runbook lsp: didOpen without uri or text: ignored\n", stderr); return; }
    rbk_lsp_doc *d = rbk_lsp_doc_find(s, uri);
    if (!d) {
        d = rbk_xcalloc(1, sizeof *d);
        d->uri = rbk_xstrdup(uri);
        d->path = uri_to_path(uri);
        if (s->ndocs == s->capdocs) {
            s->capdocs = s->capdocs ? s->capdocs * 2 : 8;
            s->docs = rbk_xrealloc(s->docs, sizeof(rbk_lsp_doc *) * (size_t)s->capdocs);
        }
        s->docs[s->ndocs++] = d;
    }
    free(d->text);
    d->len = json_string_length(text);
    d->text = rbk_xstrndup(json_string_value(text), d->len);
    json_t *v = json_object_get(td, "version");
    d->version = json_is_integer(v) ? json_integer_value(v) : 0;
    changed(s, d);
}

/* Applies one change: the whole text, or a range replaced (incremental sync, accepted too). */
static int apply_change(rbk_lsp_doc *d, json_t *ch) {
    json_t *text = json_object_get(ch, "text");
    if (!json_is_string(text)) return 0;
    const char *t = json_string_value(text);
    size_t tl = json_string_length(text);
    json_t *range = json_object_get(ch, "range");
    if (!range) {
        free(d->text);
        d->text = rbk_xstrndup(t, tl);
        d->len = tl;
        return 1;
    }
    int64_t a = rbk_lsp_offset(d->text, d->len, json_object_get(range, "start"));
    int64_t b = rbk_lsp_offset(d->text, d->len, json_object_get(range, "end"));
    if (a < 0 || b < 0) return 0;
    if (b < a) { int64_t x = a; a = b; b = x; }
    rbk_sbuf n = RBK_SBUF_INIT;
    rbk_sbuf_add(&n, d->text, (size_t)a);
    rbk_sbuf_add(&n, t, tl);
    rbk_sbuf_add(&n, d->text + b, d->len - (size_t)b);
    free(d->text);
    d->len = n.len;
    rbk_sbuf_cstr(&n);
    d->text = rbk_sbuf_detach(&n);
    return 1;
}
static void did_change(rbk_lsp *s, json_t *params) {
    json_t *td = json_object_get(params, "textDocument");
    const char *uri = str_at(td, "uri");
    rbk_lsp_doc *d = uri ? rbk_lsp_doc_find(s, uri) : NULL;
    json_t *changes = json_object_get(params, "contentChanges");
    if (!d || !json_is_array(changes)) { fputs("runbook lsp: didChange of a document that is not open: ignored\n", stderr); return; }
    size_t i, nranges = 0;
    json_t *ch;
    json_array_foreach(changes, i, ch) nranges += json_object_get(ch, "range") != NULL;
    if (nranges > 1 && (uint64_t)nranges * (uint64_t)(d->len + 1) > RBK_LSP_MAX_CHANGE_WORK) {
        fprintf(stderr, "runbook lsp: a didChange of %zu range changes to a document of %zu bytes is more than "
                        "%llu bytes of work: refused, the document is unchanged\n",
                nranges, d->len, (unsigned long long)RBK_LSP_MAX_CHANGE_WORK);
        return;
    }
    json_array_foreach(changes, i, ch) {
        if (!apply_change(d, ch)) fputs("runbook lsp: a change without text or with a bad range: ignored\n", stderr);
    }
    json_t *v = json_object_get(td, "version");
    if (json_is_integer(v)) d->version = json_integer_value(v);
    changed(s, d);
}
static void did_close(rbk_lsp *s, json_t *params) {
    const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
    for (int i = 0; uri && i < s->ndocs; i++) {
        rbk_lsp_doc *d = s->docs[i];
        if (strcmp(d->uri, uri)) continue;
        s->docs[i] = s->docs[--s->ndocs];
        publish(s, d->uri, json_array(), -1);
        for (int j = 0; j < d->npublished; j++)
            if (!rbk_lsp_doc_find(s, d->published[j])) publish(s, d->published[j], json_array(), -1);
        /* documents that used it read the file again */
        for (int k = 0; k < s->ndocs; k++)
            if (uses(s->docs[k], d)) check_doc(s, s->docs[k]);
        doc_free(d);
        return;
    }
}

/* ------------------------------------------------------------------ requests */
static json_t *capabilities(void) {
    return json_pack("{s:{s:{s:b, s:i}, s:b, s:{s:[s,s,s,s]}, s:b, s:b, s:b}, s:{s:s, s:s}}",
                     "capabilities", "textDocumentSync", "openClose", 1, "change", 1, "hoverProvider", 1,
                     "completionProvider", "triggerCharacters", ".", "\"", "(", ",", "definitionProvider", 1,
                     "documentSymbolProvider", 1, "documentFormattingProvider", 1, "serverInfo", "name", "runbook", "version", RBK_VERSION);
}

/* The document and byte offset a textDocument/position request is about; NULL (answered with
 * an error) when the params do not name an open document and a position. */
static rbk_lsp_doc *doc_pos(rbk_lsp *s, json_t *id, json_t *params, uint32_t *off, int want_pos) {
    const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
    if (!uri) { reply_error(s, id, RBK_LSP_INVALID_PARAMS, "params.textDocument.uri is missing"); return NULL; }
    rbk_lsp_doc *d = rbk_lsp_doc_find(s, uri);
    if (!d) { reply_error(s, id, RBK_LSP_INVALID_PARAMS, "the document %s is not open", uri); return NULL; }
    if (!want_pos) return d;
    int64_t o = rbk_lsp_offset(d->text, d->len, json_object_get(params, "position"));
    if (o < 0) { reply_error(s, id, RBK_LSP_INVALID_PARAMS, "params.position is not {line, character}"); return NULL; }
    *off = (uint32_t)o;
    return d;
}

static void request(rbk_lsp *s, const char *method, json_t *id, json_t *params) {
    if (!strcmp(method, "initialize")) {
        if (s->initialized) { reply_error(s, id, RBK_LSP_INVALID_REQUEST, "initialize was already received"); return; }
        s->initialized = 1;
        reply(s, id, capabilities());
        return;
    }
    if (!s->initialized) { reply_error(s, id, RBK_LSP_NOT_INITIALIZED, "the server is not initialized: send initialize first"); return; }
    if (s->shutdown) { reply_error(s, id, RBK_LSP_INVALID_REQUEST, "the server is shut down: only exit is accepted"); return; }
    if (!strcmp(method, "shutdown")) { s->shutdown = 1; reply(s, id, json_null()); return; }
    uint32_t off = 0;
    rbk_lsp_doc *d;
    if (!strcmp(method, "textDocument/hover")) {
        if ((d = doc_pos(s, id, params, &off, 1))) reply(s, id, rbk_lsp_hover(d, off));
    } else if (!strcmp(method, "textDocument/definition")) {
        if ((d = doc_pos(s, id, params, &off, 1))) reply(s, id, rbk_lsp_definition(d, off));
    } else if (!strcmp(method, "textDocument/completion")) {
        if ((d = doc_pos(s, id, params, &off, 1))) reply(s, id, rbk_lsp_completion(d, off));
    } else if (!strcmp(method, "textDocument/documentSymbol")) {
        if ((d = doc_pos(s, id, params, &off, 0))) reply(s, id, rbk_lsp_symbols(d));
    } else if (!strcmp(method, "textDocument/formatting")) {
        if ((d = doc_pos(s, id, params, &off, 0))) {
            char *why = NULL;
            json_t *edits = rbk_lsp_formatting(d, &why);
            if (edits) reply(s, id, edits);
            else reply_error(s, id, RBK_LSP_REQUEST_FAILED, "%s", why);
            free(why);
        }
    } else {
        reply_error(s, id, RBK_LSP_METHOD_NOT_FOUND, "unknown method '%s'", method);
    }
}

static void notification(rbk_lsp *s, const char *method, json_t *params) {
    if (!s->initialized || s->shutdown) return; /* dropped, as the protocol says (exit is handled before) */
    if (!strcmp(method, "textDocument/didOpen")) did_open(s, params);
    else if (!strcmp(method, "textDocument/didChange")) did_change(s, params);
    else if (!strcmp(method, "textDocument/didClose")) did_close(s, params);
    /* initialized, didSave, $/cancelRequest, $/setTrace, workspace/... : nothing to do */
}

/* One message. Returns 1 when the server is to exit (with *code). */
static int handle(rbk_lsp *s, const char *body, size_t len, int *code) {
    json_error_t err;
    json_t *m = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!m) {
        reply_error(s, NULL, RBK_LSP_PARSE_ERROR, "the message is not JSON: %s (at byte %d)", err.text, err.position);
        return 0;
    }
    json_t *id = json_object_get(m, "id");
    json_t *jm = json_object_get(m, "method");
    if (!json_is_object(m) || (id && !json_is_integer(id) && !json_is_string(id) && !json_is_null(id))) {
        reply_error(s, NULL, RBK_LSP_INVALID_REQUEST, "a message is an object with an id that is a number or a string");
    } else if (!jm) {
        /* a response to a request of ours (the server sends none) or nonsense */
        if (!json_object_get(m, "result") && !json_object_get(m, "error"))
            reply_error(s, id, RBK_LSP_INVALID_REQUEST, "the message has no method");
    } else if (!json_is_string(jm)) {
        reply_error(s, id, RBK_LSP_INVALID_REQUEST, "method is not a string");
    } else {
        const char *method = json_string_value(jm);
        json_t *params = json_object_get(m, "params");
        if (!strcmp(method, "exit")) { /* whatever else it holds */
            json_decref(m);
            *code = s->shutdown ? 0 : 1;
            return 1;
        } else if (params && !json_is_object(params) && !json_is_array(params)) {
            if (id) reply_error(s, id, RBK_LSP_INVALID_PARAMS, "params is neither an object nor an array");
        } else if (id) {
            request(s, method, id, params);
        } else {
            notification(s, method, params);
        }
    }
    json_decref(m);
    return 0;
}

int rbk_cli_lsp(int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--stdio")) continue; /* what VS Code's client adds */
        fprintf(stderr, "runbook lsp: unknown argument %s (the server speaks on stdin and stdout)\n", argv[i]);
        return 64;
    }
    signal(SIGPIPE, SIG_IGN); /* a client gone: write fails, and the server exits */
    rbk_lsp s = {0};
    s.out_fd = 1;
    reader *r = rbk_xcalloc(1, sizeof *r);
    r->fd = 0;
    rbk_sbuf body = RBK_SBUF_INIT, why = RBK_SBUF_INIT;
    int code = 1;
    for (;;) {
        msg_status st = read_message(r, &body, &why);
        if (st == MSG_EOF) { code = s.shutdown ? 0 : 1; break; }
        if (st == MSG_BAD_HEADER) {
            fprintf(stderr, "runbook lsp: a message with a bad header: %s\n", why.data);
            reply_error(&s, NULL, RBK_LSP_PARSE_ERROR, "bad header: %s", why.data);
            continue;
        }
        if (st == MSG_TOO_BIG) {
            fprintf(stderr, "runbook lsp: %s: skipped\n", why.data);
            reply_error(&s, NULL, RBK_LSP_INVALID_REQUEST, "%s", why.data);
            continue;
        }
        if (handle(&s, body.data ? body.data : "", body.len, &code)) break;
        if (body.cap > ((size_t)1 << 20)) rbk_sbuf_free(&body); /* not kept at the size of the largest message */
    }
    rbk_sbuf_free(&body);
    rbk_sbuf_free(&why);
    free(r);
    for (int i = 0; i < s.ndocs; i++) doc_free(s.docs[i]);
    free(s.docs);
    return code;
}

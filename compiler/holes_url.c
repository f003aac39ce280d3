/* compiler/holes_url.c — the URL part tracker: where each {expr} of an HTTP URL literal stands
 * (rbk_url_holes, contract in holes.h; the rules and their reasons in docs/http.md "Values in
 * URLs").
 * Owns: the parts of a URL as libcurl reads them, the path segments that are groups, the URL
 * messages.
 * Shares invariants with: support/urlquote.c and support/urlquote.h (RBK_URL_* and what each
 * part's quoting does), compiler/holes_flat.h, tests/unit/test_url_holes.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "holes_flat.h"
#include "../support/urlquote.h"

/* ==========================================================================================
 * The URL tracker: which part of an HTTP URL each hole stands in (RFC 3986: scheme ":" "//"
 * authority path "?" query "#" fragment; docs/http.md "Values in URLs"). A hole that starts
 * the literal is its base, and so is every hole before the first `/`, `?` or `#` after it
 * (unless a `://` follows the base: then it was the scheme, and the authority comes next).
 * A literal that does not start with a hole or `scheme://` is read as libcurl reads it, as if
 * it started with http://. In the path, each segment that holds a quoted value is a group:
 * the code generator builds it as one string and URLSEG checks it. */

enum { U_BASE, U_AUTH, U_PATH, U_QUERY, U_FRAG };

static int scheme_char(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}
static int hex_digit(int c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

typedef struct urlscan {
    flat fl;
    rbk_holes *out;
    int st;
    size_t auth_end, at; /* the authority ends before auth_end; its userinfo before at (or none) */
    int has_at, brackets, port;
    size_t seg_start;    /* the path segment being read starts here */
    int group;           /* its group, or -1 */
} urlscan;

/* The literal bytes from x up to (not including) the first of `stops` in it (holes do not
 * count), or the end. */
static size_t url_find(const urlscan *s, size_t x, const char *stops) {
    const char *t = s->fl.t.data;
    size_t len = s->fl.t.len;
    while (x < len && !strchr(stops, t[x])) x++;
    return x;
}

static void url_authority(urlscan *s, size_t x) {
    const char *t = s->fl.t.data;
    s->st = U_AUTH;
    s->auth_end = url_find(s, x, "/?#");
    s->has_at = 0;
    for (size_t i = x; i < s->auth_end; i++)
        if (t[i] == '@') { s->has_at = 1; s->at = i; }
    s->brackets = s->port = 0;
}

static void url_segment(urlscan *s, size_t x) {
    s->st = U_PATH;
    s->seg_start = x;
    s->group = -1;
}

static void url_hole(urlscan *s, int k, const unsigned char *fmt, int prev_hole) {
    rbk_hole *h = &s->out->holes[k];
    const char *t = s->fl.t.data;
    size_t x = s->fl.hpos[k];
    h->group = -1;
    h->ctx = RBK_URL_BASE;
    if (fmt[k] == RBK_HOLE_IDENT) {
        refuse(h, "quotes an SQL identifier, not a part of a URL",
               "write {x} (encoded for the part of the URL it stands in) or {x:raw} (URL text you vouch for)");
        return;
    }
    int raw = fmt[k] == RBK_HOLE_RAW;
    switch (s->st) {
    case U_BASE: return;
    case U_AUTH:
        if (raw) return;
        h->ctx = s->has_at && x <= s->at ? RBK_URL_USERINFO : s->port ? RBK_URL_PORT : RBK_URL_HOST;
        return;
    default: break;
    }
    /* the path, the query, the fragment: percent-encoded */
    h->ctx = s->st == U_PATH ? RBK_URL_PATH : s->st == U_QUERY ? RBK_URL_QUERY : RBK_URL_FRAGMENT;
    if (raw) { h->ctx = RBK_URL_BASE; }
    else if (!prev_hole && ((x >= 1 && t[x - 1] == '%') ||
                            (x >= 2 && t[x - 2] == '%' && hex_digit((unsigned char)t[x - 1]) && !hole_in(&s->fl, 0, x - 1, x - 1)))) {
        refuse(h, "comes right after a `%`: the value's first characters would complete a percent-escape",
               "write %25 for a literal `%` before the value (the value itself is encoded already)");
        return;
    }
    if (s->st != U_PATH || (raw && s->group < 0)) return;
    if (s->group < 0) {
        /* the segment holds a value: it is built as one string and checked (URLSEG) */
        rbk_holes *o = s->out;
        size_t end = url_find(s, x, "/?#");
        o->groups = rbk_xrealloc(o->groups, sizeof(rbk_hdgroup) * (size_t)(o->ngroups + 1));
        rbk_hdgroup *g = &o->groups[o->ngroups];
        memset(g, 0, sizeof *g);
        flat_locate(&s->fl, s->seg_start, 0, &g->from_piece, &g->from_off);
        flat_locate(&s->fl, end, 1, &g->to_piece, &g->to_off);
        g->first_hole = k;
        s->group = o->ngroups++;
    }
    h->group = s->group;
}

void rbk_url_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt) {
    holes_start(h, nholes);
    urlscan s;
    memset(&s, 0, sizeof s);
    s.out = h;
    s.group = -1;
    flat_init(&s.fl, pieces, nholes);
    const char *t = s.fl.t.data;
    size_t len = s.fl.t.len, x = 0;
    if (nholes > 0 && s.fl.hpos[0] == 0) {
        s.st = U_BASE;
    } else {
        size_t i = 0;
        if (len && ((t[0] | 0x20) >= 'a' && (t[0] | 0x20) <= 'z'))
            while (i < len && !hole_in(&s.fl, 0, i, i) && scheme_char((unsigned char)t[i])) i++;
        if (i > 0 && i + 3 <= len && !memcmp(t + i, "://", 3) && !hole_in(&s.fl, 0, i, i + 2)) x = i + 3;
        url_authority(&s, x); /* without a scheme, libcurl guesses http:// */
    }
    int k = 0, prev_hole = 0;
    for (;;) {
        for (; k < nholes && s.fl.hpos[k] == x; k++) {
            url_hole(&s, k, fmt, prev_hole);
            prev_hole = 1;
        }
        if (x >= len) break;
        prev_hole = 0;
        int c = (unsigned char)t[x];
        switch (s.st) {
        case U_BASE:
            if (c == ':' && x + 3 <= len && t[x + 1] == '/' && t[x + 2] == '/' && !hole_in(&s.fl, k, x + 1, x + 2)) {
                url_authority(&s, x + 3);
                x += 3;
                continue;
            }
            if (c == '/') url_segment(&s, x + 1);
            else if (c == '?') s.st = U_QUERY;
            else if (c == '#') s.st = U_FRAG;
            break;
        case U_AUTH:
            if (x == s.auth_end) {
                if (c == '/') url_segment(&s, x + 1);
                else s.st = c == '?' ? U_QUERY : U_FRAG;
            } else if (!s.has_at || x > s.at) {
                if (c == '[') s.brackets = 1;
                else if (c == ']') s.brackets = 0;
                else if (c == ':' && !s.brackets) s.port = 1;
            }
            break;
        case U_PATH:
            if (c == '/') url_segment(&s, x + 1);
            else if (c == '?') s.st = U_QUERY;
            else if (c == '#') s.st = U_FRAG;
            break;
        case U_QUERY:
            if (c == '#') s.st = U_FRAG;
            break;
        default: break;
        }
        x++;
    }
    flat_free(&s.fl);
}

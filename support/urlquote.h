/* support/urlquote.h — how a value interpolated into an HTTP URL literal is written, by the part
 * of the URL its {expr} stands in (docs/http.md "Values in URLs").
 * Owns: the RBK_URL_* contexts (the operand of the URLQUOTE instruction: never renumber
 * them), the percent-encoding, the host and port checks and the path segment check. The
 * code is in support/urlquote.c (no VM dependency: the compiler and tests use it alone).
 * Shares invariants with: compiler/holes_url.c (rbk_url_holes decides each hole's context),
 * compiler/codegen.c (emits URLQUOTE and URLSEG), vm/interp.c (runs them), vm/bc_verify.c,
 * support/mask.c (the first percent-encoding form it registers is the one written here),
 * tests/unit/test_url_holes.c (every byte through the fixture server), docs/http.md. */
#ifndef RBK_URLQUOTE_H
#define RBK_URLQUOTE_H
#include <stddef.h>
#include "sbuf.h"

/* The parts of a URL a value can stand in:
 *   BASE      before the authority is complete ({base}/x, {scheme}://...): inserted as it is,
 *             like {x:raw}; the compiler emits no instruction for it.
 *   PATH      a path segment: percent-encoded (every byte but A-Z a-z 0-9 - . _ ~ as %XX),
 *             so the value is one segment whatever it holds; the segment it is part of is
 *             checked by URLSEG (rbk_url_segment_ok).
 *   QUERY     the query: percent-encoded the same way, so it is one name or value (& = + ;
 *             # and space included).
 *   FRAGMENT  the fragment: the same (libcurl never sends the fragment).
 *   USERINFO  before the @ of the authority: the same (libcurl decodes it for the login).
 *   HOST      the host: not encoded but checked: a host name, an IPv4 address or an
 *             [IPv6] address, with an optional :port (rbk_url_host_ok).
 *   PORT      after the authority's `:`: 1 to 5 digits, at most 65535. */
enum { RBK_URL_BASE = 0, RBK_URL_PATH = 1, RBK_URL_QUERY = 2, RBK_URL_FRAGMENT = 3, RBK_URL_USERINFO = 4,
       RBK_URL_HOST = 5, RBK_URL_PORT = 6, RBK_URL_NCTX = 7 };

/* Appends s[0..n) percent-encoded: every byte outside RFC 3986's unreserved set (ALPHA DIGIT
 * - . _ ~) as %XX with upper-case hex digits (RFC 6570's simple string expansion). */
void rbk_url_encode(rbk_sbuf *out, const char *s, size_t n);

/* Appends s[0..n) written for context ctx (PATH .. PORT). Returns 0, or -1 with *why set to a
 * static message (which names no byte of the value: it may be a secret) when the value cannot
 * stand there: a host or port that is not one. */
int rbk_url_quote_in(rbk_sbuf *out, int ctx, const char *s, size_t n, const char **why);

/* The text of one path segment that holds values, as built (the literal text of the segment
 * with its values percent-encoded; a {x:raw} in it may have added `/`). Returns 1 when no
 * `/`-separated part of it is empty, `.` or `..` (also written %2E), else 0: such a segment
 * would move the request up the path (libcurl and servers remove dot segments) or merge two
 * segments (servers may collapse //), so a value could reach another resource. */
int rbk_url_segment_ok(const char *s, size_t n);
#endif

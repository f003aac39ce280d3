/* compiler/holes_re.c — the PCRE2 pattern tracker: where each {expr} of the pattern literal of
 * `matches` stands (rbk_re_holes, contract in holes.h; the rules and their reasons in
 * docs/language.md "Values in patterns").
 * Owns: the pattern contexts it models, the pattern messages.
 * Shares invariants with: support/requote.c and support/requote.h (what REQUOTE writes),
 * compiler/holes_flat.h, tests/unit/test_re_holes.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "holes_flat.h"

/* ==========================================================================================
 * The pattern tracker: where each hole of the pattern literal of `s matches "..."` stands in
 * PCRE2's syntax (docs/language.md "Values in patterns"). An accepted hole is written as a
 * literal (REQUOTE: support/requote.h), which is exact outside and inside a character class.
 * Refused: inside \Q...\E (a backslash would be a literal there), inside a comment ((?#...),
 * or `#` to the end of the line once an option (?x) was set: a newline in the value would end
 * it), right after an unescaped `\` (it would escape the value's first escape), and right
 * after an escape that reads what follows it (\c, \x, \o, \N, \p, \P, \g, \k, a digit: the
 * value's first characters would continue it). */

enum { R_CODE, R_CLASS, R_QUOTE, R_PCOMMENT, R_XCOMMENT };

static int re_alnum(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

void rbk_re_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt) {
    holes_start(h, nholes);
    flat fl;
    flat_init(&fl, pieces, nholes);
    const char *t = fl.t.data;
    size_t len = fl.t.len, x = 0;
    int st = R_CODE, extended = 0, k = 0, qret = R_CODE;
    int pre = 0;            /* what stands right before the next hole: 0, '\\' or 'e' (an escape that reads on) */
    size_t class_start = 0; /* R_CLASS: where a `]` would still be a literal */
    for (;;) {
        for (; k < nholes && fl.hpos[k] == x; k++) {
            rbk_hole *o = &h->holes[k];
            o->group = -1;
            o->ctx = 1;
            if (fmt[k] == RBK_HOLE_RAW) { o->ctx = 0; pre = 0; continue; }
            if (fmt[k] == RBK_HOLE_IDENT)
                refuse(o, "quotes an SQL identifier, not a part of a pattern",
                       "write {x} (matched as the literal text it holds) or {x:raw} (a pattern you vouch for)");
            else if (st == R_QUOTE)
                refuse(o, "is inside \\Q...\\E, where the escapes that make the value a literal would be literal backslashes",
                       "end the \\Q...\\E before the value: \\Q...\\E{x} (the value is matched literally already)");
            else if (st == R_PCOMMENT || st == R_XCOMMENT)
                refuse(o, "is inside a comment of the pattern, which a `)` or newline in the value would end",
                       "take the value out of the comment");
            else if (pre == '\\')
                refuse(o, "comes right after a `\\`, which would escape the value's first character and undo its escape",
                       "remove the backslash (the value is matched literally already); for a literal backslash before "
                       "the value write \\\\\\\\{x}");
            else if (pre == 'e')
                refuse(o, "comes right after an escape that reads the characters after it (\\x, \\c, \\p, \\g, \\k, \\1 ...): "
                          "the value's first characters would continue it",
                       "put the escape in a group before the value: (?:\\1){x}");
            pre = 0;
            if (st == R_CLASS) class_start = SIZE_MAX; /* after a value, a `]` ends the class */
        }
        if (x >= len) break;
        int c = (unsigned char)t[x];
        int nx = hole_in(&fl, k, x + 1, x + 1) ? NONE_HOLE : x + 1 < len ? (unsigned char)t[x + 1] : AT_END;
        size_t used = 1;
        pre = 0;
        switch (st) {
        case R_CODE:
        case R_CLASS:
            if (c == '\\') {
                if (nx == NONE_HOLE) { pre = '\\'; break; }
                if (nx == AT_END) break;
                used = 2;
                if (nx == 'Q') { qret = st; st = R_QUOTE; break; }
                if ((nx && strchr("cxoNpPgk", nx)) || (nx >= '0' && nx <= '9')) {
                    /* an escape with an argument: a braced one ends at its close; an unbraced
                     * one that can read more (\x4, \12, \c, \p, \g1) refuses a value right
                     * after it */
                    size_t y = x + 2;
                    int at = y < len && !hole_in(&fl, k, y, y) ? (unsigned char)t[y] : -1;
                    int close = at == '{' ? '}' : at == '<' ? '>' : at == '\'' ? '\'' : 0;
                    if (close && strchr("xoNpPgk", nx)) {
                        y++;
                        while (y < len && t[y] != close && !hole_in(&fl, k, y, y)) y++;
                        used = (y < len && t[y] == close ? y + 1 : y) - x;
                        break;
                    }
                    int more = 0; /* how many more characters the escape may read */
                    if (nx == 'x') more = 2;
                    else if (nx == 'c' || nx == 'p' || nx == 'P') more = 1;
                    else if (nx == 'g' || (nx >= '0' && nx <= '9')) more = -1; /* digits, any number */
                    if (nx == 'g' && at == '-') y++;
                    while (more != 0 && y < len && !hole_in(&fl, k, y, y)) {
                        int d = (unsigned char)t[y];
                        int fits = nx == 'x' ? (d >= '0' && d <= '9') || ((d | 0x20) >= 'a' && (d | 0x20) <= 'f')
                                 : nx == 'c' ? d >= 0x20 && d < 0x7f
                                 : nx == 'p' || nx == 'P' ? re_alnum(d)
                                 : d >= '0' && d <= '9';
                        if (!fits) break;
                        y++;
                        if (more > 0) more--;
                    }
                    used = y - x;
                    if (more != 0) pre = 'e';
                }
                break;
            }
            if (st == R_CLASS) {
                if (c == '[' && nx == ':') { /* [:alpha:] */
                    size_t y = x + 2;
                    while (y + 1 < len && !(t[y] == ':' && t[y + 1] == ']') && !hole_in(&fl, k, y, y)) y++;
                    used = y + 1 < len && t[y] == ':' ? y + 2 - x : 1;
                } else if (c == ']' && x != class_start) st = R_CODE;
                break;
            }
            if (c == '[') {
                st = R_CLASS;
                class_start = x + 1;
                if (nx == '^') class_start = x + 2;
            } else if (c == '(' && nx == '?') {
                size_t y = x + 2;
                if (y < len && t[y] == '#' && !hole_in(&fl, k, y, y)) { st = R_PCOMMENT; used = 3; break; }
                /* inline options (?imsx-imsx) or (?x: ... ): any x may turn the extended syntax on */
                while (y < len && !hole_in(&fl, k, y, y) && (re_alnum((unsigned char)t[y]) || t[y] == '-' || t[y] == '^')) {
                    if (t[y] == 'x') extended = 1;
                    y++;
                }
            } else if (c == '#' && extended) {
                st = R_XCOMMENT;
            }
            break;
        case R_QUOTE:
            if (c == '\\' && nx == 'E') { st = qret; used = 2; }
            break;
        case R_PCOMMENT:
            if (c == ')') st = R_CODE;
            break;
        default: /* R_XCOMMENT */
            if (c == '\n') st = R_CODE;
            break;
        }
        x += used;
    }
    flat_free(&fl);
}

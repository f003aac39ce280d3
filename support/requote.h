/* support/requote.h — how a value interpolated into the pattern of `s matches "..."` is written
 * (docs/language.md "Values in patterns").
 * Owns: the escaping of a value as a PCRE2 literal. The code is in support/requote.c (no VM
 * dependency: the compiler's tests use it alone).
 * Shares invariants with: compiler/holes_re.c (rbk_re_holes: where a value can stand in a
 * pattern), compiler/codegen.c (emits REQUOTE), vm/interp.c (runs it; compiles patterns with
 * PCRE2_UTF | PCRE2_MATCH_INVALID_UTF), tests/unit/test_re_holes.c. */
#ifndef RBK_REQUOTE_H
#define RBK_REQUOTE_H
#include <stddef.h>
#include "sbuf.h"

/* Appends s[0..n) written so that PCRE2 reads it as the literal characters it holds, outside a
 * character class and inside one, with or without the extended options (?x) (?xx): a letter,
 * a digit, `_` and every byte of a multi-byte UTF-8 character as they are; every other
 * printable ASCII character (the metacharacters, space, `#`, `-`, ...) after a backslash, which
 * PCRE2 reads as that character in every context; a control character (NUL, newline ...,
 * DEL) as \x{HH}. Not \Q...\E: a value holding \E would end it. Returns 0, or -1 when s is not
 * valid UTF-8 (a UTF pattern cannot hold such bytes; nothing is appended). */
int rbk_re_quote(rbk_sbuf *out, const char *s, size_t n);
#endif

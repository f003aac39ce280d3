/* support/shquote.h — the shell quoting used for every {expr} interpolated into a sh() command
 * literal (docs/shell.md): one word, a context inside quotes or a here-document, and the
 * here-document line check. No VM dependency: the compiler (codegen, holes), the VM's
 * SHQUOTE_IN / SHHEREDOC instructions, the sh()/exec() natives and tests share it.
 * Shares invariants with: stdlib/std_sh.h (the natives), compiler/holes_sh.c (contexts). */
#ifndef RBK_SHQUOTE_H
#define RBK_SHQUOTE_H
#include <stddef.h>
#include "sbuf.h"

/* Appends s[0..n) quoted for POSIX sh so that it is exactly one word whatever it contains:
 * the whole value between single quotes, each ' written as '\'' ; the empty value is ''.
 * Inside single quotes nothing is special to sh ($, `, \, !, *, ~, newlines, ...), so the
 * word's value is the input bytes unchanged.
 * A NUL byte cannot be passed through argv or sh -c: callers MUST check rbk_sh_has_nul()
 * first and raise an error ("value contains a NUL byte") — the VM does so for every
 * interpolated value and sh() / exec() for every argument; rbk_sh_quote itself copies the
 * bytes as they are. */
void rbk_sh_quote(rbk_sbuf *out, const char *s, size_t n);
/* 1 when s[0..n) contains a NUL byte. */
int rbk_sh_has_nul(const char *s, size_t n);

/* The shell context of a {expr} in a sh() command literal, as the compiler found it
 * (compiler/holes_sh.c, docs/shell.md "Quoting interpolated values"), and how the value is
 * written there so that it reaches the command as its own bytes and nothing in it is code:
 *   WORD      an unquoted word (also inside $(...)): rbk_sh_quote, '...' around it.
 *   SQUOTE    inside '...': each ' written '\'' (close, escaped quote, reopen); nothing else
 *             is special inside single quotes.
 *   DQUOTE    inside "...": a backslash before each of $ ` " \ , the four characters that
 *             are special inside double quotes; a newline stays as it is.
 *   HEREDOC   in the body of a here-document with an unquoted delimiter (<<EOF): a backslash
 *             before each of $ ` \ (a " is not special there, and \" would keep the \).
 *   HEREDOC_Q in the body of one with a quoted delimiter (<<'EOF'): the bytes as they are.
 * In a here-document a value's lines can still end the body early; SHHEREDOC checks the
 * line (rbk_sh_heredoc_line_ok). The numbers are the operand of the SHQUOTE_IN instruction
 * (vm/opcodes.def): never renumber them. */
enum { RBK_SH_WORD = 0, RBK_SH_SQUOTE = 1, RBK_SH_DQUOTE = 2, RBK_SH_HEREDOC = 3, RBK_SH_HEREDOC_Q = 4,
       RBK_SH_NCTX = 5 };
/* Appends s[0..n) written for context ctx (above). The caller checks for NUL first, as for
 * rbk_sh_quote. */
void rbk_sh_quote_in(rbk_sbuf *out, int ctx, const char *s, size_t n);

/* Here-document line check (the SHHEREDOC instruction). text[0..n) is a whole line of a
 * here-document body as the shell will read it, from the start of its line to the newline
 * that ends it (not included), with the interpolated values in it; the values may have added
 * newlines. The shell ends the body at the first line equal to the delimiter, so a value that
 * makes one would turn the rest of the body into commands. Returns 1 when no line of text
 * equals delim[0..dn), else 0. RBK_SH_HD_JOIN, for an unquoted delimiter: bash (not dash)
 * joins a line that ends in an unescaped backslash with the next before it compares, so both
 * readings are checked. (A <<- body, whose leading tabs the shell removes, takes no values:
 * the compiler refuses them.) */
enum { RBK_SH_HD_JOIN = 1, RBK_SH_HD_FLAGS = 1 };
int rbk_sh_heredoc_line_ok(const char *text, size_t n, const char *delim, size_t dn, unsigned flags);
#endif

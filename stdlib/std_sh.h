/* stdlib/std_sh.h — the shell and process builtins sh() and exec() (LANGUAGE.md §8 "shell"),
 * and the shell quoting used for every {expr} interpolated into a sh() command literal.
 * Owns: the natives' interface and the quoting rule. The natives live in stdlib/std_sh.c,
 * the quoting in stdlib/shquote.c (no VM dependency, so the compiler and tests can use it
 * alone), the process runner in stdlib/proc.c.
 * Shares invariants with: stdlib/builtins.def (SH/EXEC rows: signature order cmd/argv,
 * timeout, check, cwd, env, stdin), compiler/ codegen (@shell interpolation), docs/shell.md. */
#ifndef RBK_STD_SH_H
#define RBK_STD_SH_H
#include <stddef.h>
#include "../support/sbuf.h"
#include "native.h"

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

/* The natives (rows SH and EXEC of stdlib/builtins.def). */
int rbk_std_sh(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);
int rbk_std_exec(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);

/* How much of stdout/stderr goes into the effect event (the tail; the result keeps all). */
#define RBK_SH_EVENT_TAIL (64 * 1024)
/* How many last lines of stderr a check failure quotes. */
#define RBK_SH_ERROR_LINES 5
#endif

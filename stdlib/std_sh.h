/* stdlib/std_sh.h — the shell and process builtins sh() and exec() (docs/language.md §8 "shell"),
 * and (through support/shquote.h) the shell quoting used for every {expr} interpolated into a
 * sh() command literal. Owns: the natives' interface. The natives live in stdlib/std_sh.c, the
 * quoting rule in support/shquote.c (below the VM: the compiler, the VM's SHQUOTE instructions
 * and tests use it alone), the process runner in stdlib/proc.c.
 * Shares invariants with: stdlib/builtins.def (SH/EXEC rows: signature order cmd/argv,
 * timeout, check, cwd, env, stdin), compiler/ codegen (@shell interpolation), docs/shell.md. */
#ifndef RBK_STD_SH_H
#define RBK_STD_SH_H
#include <stddef.h>
#include "../support/sbuf.h"
#include "../support/shquote.h"
#include "../vm/native.h"

/* The natives (rows SH and EXEC of stdlib/builtins.def). */
int rbk_std_sh(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);
int rbk_std_exec(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);
/* file.upload / file.download (rows FILE_UPLOAD, FILE_DOWNLOAD): scp to and from a host of the
 * fleet, with the connection of sh(on:) (docs/fleet.md). */
int rbk_std_file_upload(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);
int rbk_std_file_download(rbk_vm *vm, rbk_value *args, int nargs, rbk_value *out);

/* The most a command may write to stdout, and to stderr, without max_output: (like an HTTP
 * body); max_output: is at most RBK_TEXT_MAX - 1, since the result holds it as a text. */
#define RBK_SH_MAX_OUTPUT_DEFAULT ((int64_t)64 << 20)
/* How many last lines of stderr a check failure quotes. */
#define RBK_SH_ERROR_LINES 5
#endif

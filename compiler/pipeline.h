/* compiler/pipeline.h — the one way from a checked compilation to a verified unit, and from an
 * artifact file to a loaded one: compile → write → reload → verify. `runbook run`, compile,
 * disasm, resume (cli/load.c), plan and doc (the artifact's hash, the recompiled .rbc) and the
 * fuzz target (compiler/fuzz_entry.c) all go through it, so a unit that anything runs, lists or
 * hashes is one the loader has accepted. Prints nothing: the callers word the errors. */
#ifndef RBK_PIPELINE_H
#define RBK_PIPELINE_H
#include "compiler.h"

/* Generates c's unit, serialises it, loads the bytes back and verifies them. bytes (may be
 * NULL) receives the serialised artifact; the unit's artifact_sha256 is its SHA-256. Returns
 * NULL when code generation failed (the errors are in c->diags, *err stays NULL), or when the
 * bytes do not verify: an internal error, *err the verifier's message (caller frees). */
rbk_unit *rbk_unit_build(rbk_compiler *c, rbk_sbuf *bytes, char **err);

/* Reads an artifact file (a regular file of at most RBK_READ_MAX_ARTIFACT bytes,
 * support/readfile.h) and loads and verifies it; artifact_sha256 is the file's SHA-256. NULL
 * with *err set (caller frees; NULL when the loader gave no reason) and *unreadable 1 when the
 * file could not be read, 0 when it is not a valid artifact. */
rbk_unit *rbk_artifact_read(const char *path, int *unreadable, char **err);

typedef enum rbk_recompile {
    RBK_RECOMPILE_SAME,      /* the sources compile to exactly the artifact's bytes */
    RBK_RECOMPILE_ERRORS,    /* they do not compile here (the errors are in diags) */
    RBK_RECOMPILE_DIFFERS    /* they compile to another artifact: *why says how */
} rbk_recompile;
/* Recompiles the root source embedded in u (its modules read as the compiler reads them) into
 * sources and diags, and checks that the result is u byte for byte. *out: the compilation (the
 * caller frees it, whatever the result). *why (DIFFERS): the reason, as a clause (caller frees). */
rbk_recompile rbk_artifact_recompile(const rbk_unit *u, rbk_sources *sources, rbk_diags *diags,
                                     rbk_compiler **out, char **why);
#endif

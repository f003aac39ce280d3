/* cli/compile.c — `runbook compile FILE.rb [-o FILE.rbc]` and `runbook disasm FILE` (docs/cli.md):
 * the verified unit of cli/load.c written out (atomically, support/fileops.h) or listed. */
#include <stdlib.h>
#include <string.h>
#include "../support/fileops.h"
#include "../support/sha256.h"
#include "cli.h"
#include "load.h"

/* Files are written with support/fileops.h rbk_file_write_atomic: a temporary file in the
 * same directory, fsync, rename, fsync the directory; never over a device or pipe. */
static int write_atomic(const char *path, const void *data, size_t len, char **err) {
    rbk_sbuf e = RBK_SBUF_INIT;
    if (rbk_file_write_atomic(path, data, len, &e) != RBK_FILE_OK) {
        *err = rbk_sbuf_detach(&e);
        return -1;
    }
    rbk_sbuf_free(&e);
    return 0;
}

int rbk_cmd_compile(rbk_cli_opts *o) {
    if (o->nfiles != 1) { fputs("runbook compile: give one FILE.rb\n", stderr); return EXIT_USAGE; }
    /* the bytes that rbk_cli_unit loaded and verified are the ones written; a .rbc given
     * as input is written out again as this version serialises it */
    rbk_sbuf bytes = RBK_SBUF_INIT;
    rbk_unit *u = rbk_cli_unit(o->files[0], 0, &bytes);
    if (!u) return EXIT_COMPILE;
    uint8_t sha[32];
    if (bytes.len) memcpy(sha, u->artifact_sha256, sizeof sha);
    else rbk_bc_write_sha(u, &bytes, sha);
    rbk_unit_free(u);
    rbk_sbuf outp = RBK_SBUF_INIT;
    if (o->output) rbk_sbuf_adds(&outp, o->output);
    else {
        const char *f = o->files[0];
        size_t l = strlen(f);
        if (rbk_cli_ends_with(f, ".rb")) l -= 3;
        else if (rbk_cli_ends_with(f, ".runbook")) l -= 8;
        rbk_sbuf_add(&outp, f, l);
        rbk_sbuf_adds(&outp, ".rbc");
    }
    char *err = NULL;
    int rc = write_atomic(outp.data, bytes.data, bytes.len, &err);
    if (rc) { fprintf(stderr, "runbook: %s\n", err); free(err); }
    else {
        char hex[65];
        rbk_sha256_to_hex(sha, hex);
        fprintf(stderr, "wrote %s (%zu bytes, sha256 %s)\n", outp.data, bytes.len, hex);
    }
    rbk_sbuf_free(&bytes);
    rbk_sbuf_free(&outp);
    return rc ? EXIT_USAGE : 0;
}

int rbk_cmd_disasm(rbk_cli_opts *o) {
    if (o->nfiles != 1) { fputs("runbook disasm: give one file\n", stderr); return EXIT_USAGE; }
    rbk_unit *u = rbk_cli_unit(o->files[0], 0, NULL);
    if (!u) return EXIT_COMPILE;
    rbk_sbuf out = RBK_SBUF_INIT;
    rbk_bc_disasm(u, &out);
    fputs(rbk_sbuf_cstr(&out), stdout);
    rbk_sbuf_free(&out);
    rbk_unit_free(u);
    return 0;
}


/* cli/import.c — `runbook import FILE.md [-o FILE.rb]` (docs/import.md): reads the Markdown
 * runbook, has import/ translate it, checks the output as `runbook check` would, writes it (or
 * prints it) and prints the summary on stderr with every TODO(import) by its line.
 * Owns: the subcommand's files, exit codes and messages: 64 the document cannot be read or the
 * output written, 65 the document is not UTF-8 text, 70 the output does not check (a bug in
 * the importer), 0 otherwise.
 * Shares invariants with: import/import.h (the translator), compiler/compiler.h (the check). */
#include <stdio.h>
#include <stdlib.h>
#include "../compiler/compiler.h"
#include "../import/import.h"
#include "../support/fileops.h"
#include "../support/readfile.h"

int rbk_cli_import(const char *path, const char *out_path);

int rbk_cli_import(const char *path, const char *out_path) {
    rbk_sbuf text = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    /* support/readfile.h: a regular file or a pipe (`runbook import <(curl ...)`), at most the
     * size of a runbook's sources; never a FIFO waited on, a device or a /proc file */
    if (rbk_read_file(path, RBK_READ_MAX_SOURCE, RBK_READ_PIPE, &text, &err) != RBK_READ_OK) {
        fprintf(stderr, "runbook import: %s\n", rbk_sbuf_cstr(&err));
        rbk_sbuf_free(&text);
        rbk_sbuf_free(&err);
        return 64;
    }
    rbk_sbuf_free(&err);
    int line, col;
    const char *why;
    if (!rbk_import_text_ok(text.data, text.len, &line, &col, &why)) {
        fprintf(stderr, "%s:%d:%d: error: %s\n", path, line, col, why);
        rbk_sbuf_free(&text);
        return 65;
    }
    rbk_import *im = rbk_import_markdown(path, text.data, text.len);
    rbk_sbuf_free(&text);
    size_t outlen;
    const char *out = rbk_import_output(im, &outlen);
    /* check what was written, as `runbook check` would */
    const char *shown = out_path ? out_path : "<stdout>";
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *cc = rbk_compile_text(shown, out, outlen, &sources, &diags);
    rbk_compiler_free(cc);
    int rc = 0;
    if (out_path) {
        rbk_sbuf e = RBK_SBUF_INIT;
        if (rbk_file_write_atomic(out_path, out, outlen, &e) != RBK_FILE_OK) {
            fprintf(stderr, "runbook import: %s\n", rbk_sbuf_cstr(&e));
            rbk_sbuf_free(&e);
            rbk_diags_free(&diags);
            rbk_sources_free(&sources);
            rbk_import_free(im);
            return 64;
        }
        rbk_sbuf_free(&e);
    } else {
        fwrite(out, 1, outlen, stdout);
        fflush(stdout);
    }
    /* the summary */
    rbk_sbuf s = RBK_SBUF_INIT;
    rbk_import_summary(im, path, shown, diags.nerrors, diags.nwarnings, &s);
    if (diags.nerrors) {
        rbk_sbuf r = RBK_SBUF_INIT;
        rbk_diags_sort(&diags);
        rbk_diags_render(&diags, RBK_FMT_TEXT, 0, &r);
        rbk_sbuf_add(&s, r.data ? r.data : "", r.len);
        rbk_sbuf_free(&r);
        if (!rc) rc = 70;
    }
    fwrite(s.data, 1, s.len, stderr);
    rbk_sbuf_free(&s);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    rbk_import_free(im);
    return rc;
}

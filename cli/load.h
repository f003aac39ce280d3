/* cli/load.h — FILE.rb or FILE.rbc into what a subcommand works on, with the errors on stderr:
 * a verified unit (run, compile, disasm, resume) or a checked compilation's outline (plan, doc).
 * Both go through compiler/pipeline.h; this file only words the errors. */
#ifndef RBK_CLI_LOAD_H
#define RBK_CLI_LOAD_H
#include "../compiler/analysis.h"

/* Prints d's errors (and its warnings when warnings is set), sorted, on stderr: colour on a
 * terminal without NO_COLOR. */
void rbk_cli_show_diags(rbk_diags *d, int warnings);
/* Compiles FILE.rb (or .runbook), or loads FILE.rbc, into a verified unit. Diagnostics go to
 * stderr. keep (may be NULL): for a source, receives the serialised bytes that were loaded and
 * verified (runbook compile writes exactly these); left empty for a .rbc. */
rbk_unit *rbk_cli_unit(const char *path, int show_warnings, rbk_sbuf *keep);
/* Compiles FILE.rb, or recompiles FILE.rbc from its embedded sources (and checks the result is
 * byte-identical to the file), and builds its outline. On failure prints the errors on stderr
 * and returns 64 (usage, unreadable) or 65 (compile error, bad artifact, internal error); 0 on
 * success (then rbk_outline_free o). cmd names the subcommand in messages. */
int rbk_cli_outline(const char *path, const char *cmd, int64_t default_timeout_ms, rbk_outline *o);
/* The same for a source in memory named path (`runbook diff` of a git revision), its relative
 * modules read through reader first (may be NULL). */
int rbk_cli_outline_text(const char *path, const char *text, size_t len, const rbk_module_reader *reader,
                         int64_t default_timeout_ms, rbk_outline *o);
#endif

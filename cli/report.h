/* cli/report.h — evidence reports (--report FILE.md|FILE.json|FILE.xml): renderers of the
 * event stream, like the terminal. The format comes from the extension. The report is kept in
 * memory while the run goes and written atomically (stdlib/file_ops.h) when the run ends, so a
 * half-written report never exists. Every string is already masked by the VM.
 * Shares invariants with: vm/events.h (what an event carries), cli/main.c (wiring). */
#ifndef RBK_REPORT_H
#define RBK_REPORT_H
#include "../vm/bytecode.h"
#include "../vm/events.h"

typedef struct rbk_report rbk_report;

/* Checks the extension and that the file can be written (the directory exists). u: the unit
 * about to run (read here, not kept: source paths and hashes, artifact hash, steps, sections);
 * runbook_path: the FILE given to `run`. NULL with *err (malloc'd) on a problem. */
rbk_report *rbk_report_open(const char *path, const rbk_unit *u, const char *runbook_path, char **err);
void rbk_report_sink(void *ctx, const rbk_event *ev); /* ctx: rbk_report* */
/* Writes the file (also after an interrupted run) and frees r. 0 ok, -1 with *err. */
int rbk_report_close(rbk_report *r, char **err);
#endif

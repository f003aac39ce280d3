/* cli/report.h — evidence reports (--report FILE.md|FILE.json|FILE.xml): renderers of the
 * event stream, like the terminal. The format comes from the extension (any case): Markdown,
 * JSON, JUnit XML; docs/reports.md describes all three. The report is kept in memory while the
 * run goes and written atomically (support/fileops.h) when the run ends, so a half-written
 * report never exists. Every string is already masked by the VM, and is masked again when the
 * report is written, with every secret known at the end of the run; the report adds only what
 * the unit holds (title, step names, sections, hashes) and who ran it where ($USER, host name).
 * Shares invariants with: vm/events.h (what an event carries), cli/run.c (wiring). */
#ifndef RBK_REPORT_H
#define RBK_REPORT_H
#include "../vm/bytecode.h"
#include "../vm/events.h"

struct rbk_mask;

typedef struct rbk_report rbk_report;

/* Checks the extension and that the file can be written (the directory exists and is
 * writable; the path is not a directory or a device). u: the unit about to run (read here,
 * not kept: source paths and hashes, artifact hash, steps, sections); runbook_path: the FILE
 * given to `run`. NULL with *err (malloc'd) on a problem. */
rbk_report *rbk_report_open(const char *path, const rbk_unit *u, const char *runbook_path, char **err);
void rbk_report_sink(void *ctx, const rbk_event *ev); /* ctx: rbk_report* */
/* Writes the file (also after an interrupted run, or one with no end event: the report says
 * so) and frees r. Every text is masked with secrets — the run's registry as it stands now,
 * at the end of the run (rbk_vm_registry), so a secret registered after a text was recorded
 * is masked in it too; NULL: no second masking — before it is cleaned and written. A report
 * that received no event (the run was refused before step 1) writes nothing. 0 ok, -1 with
 * *err (malloc'd) when err is not NULL. r may be NULL. */
int rbk_report_close(rbk_report *r, const struct rbk_mask *secrets, char **err);
#endif

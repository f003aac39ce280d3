/* cli/report.c — placeholder: see cli/report.h. */
#include "report.h"
#include <stdlib.h>
#include <string.h>

struct rbk_report { int unused; };

rbk_report *rbk_report_open(const char *path, const rbk_unit *u, const char *runbook_path, char **err) {
    (void)path; (void)u; (void)runbook_path;
    *err = strdup("--report is not available in this version yet");
    return NULL;
}
void rbk_report_sink(void *ctx, const rbk_event *ev) { (void)ctx; (void)ev; }
int rbk_report_close(rbk_report *r, char **err) { (void)err; free(r); return 0; }

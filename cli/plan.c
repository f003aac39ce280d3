/* cli/plan.c — placeholder for `runbook plan` and `runbook doc`. */
#include <stdio.h>
int rbk_cli_plan(const char *path, int json);
int rbk_cli_doc(const char *path);
int rbk_cli_plan(const char *path, int json) { (void)json; fprintf(stderr, "runbook plan %s: not available yet\n", path); return 64; }
int rbk_cli_doc(const char *path) { fprintf(stderr, "runbook doc %s: not available yet\n", path); return 64; }

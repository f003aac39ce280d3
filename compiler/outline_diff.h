/* compiler/outline_diff.h — what changed between two outlines of a runbook (compiler/analysis.h)
 * in procedural terms, for `runbook diff` (cli/diff.c, docs/diff.md): steps added, removed,
 * renamed (the same effects and checks under a new name), reordered; per step, effects and
 * checks added, removed or changed, the rollback block, `irreversible`, the `if`, timeout and
 * retry, a per-item step's list, batch size and failure budget; env and params; the point of no return, gates that now run after it; the worst-case
 * durations. Texts are compared as the outline holds them (as written), with the layout of code
 * (spaces, line breaks, comments outside string literals) ignored, so a `runbook fmt` of either
 * side changes nothing. Owns: the matching and the list of changes; the renderings are the
 * CLI's. Shares invariants with: compiler/analysis.c (what an item's fields hold). */
#ifndef RBK_OUTLINE_DIFF_H
#define RBK_OUTLINE_DIFF_H
#include "analysis.h"

typedef struct rbk_dchange {
    const char *kind;      /* a stable name: "step-added", "check-removed" ... (docs/diff.md) */
    char sign;             /* '+' added, '-' removed, '~' changed, '>' moved or renamed */
    int danger;            /* one of the dangerous moves (docs/diff.md): flagged prominently */
    char *group;           /* "step 3 \"Name\"", "top-level code", or NULL: the runbook as a whole */
    char *message;         /* one line: what happened ("expect removed") */
    char *before, *after;  /* the texts compared (as written), or NULL */
    const char *old_file, *new_file; /* where it is on each side, or NULL */
    int old_line, new_line;
} rbk_dchange;

typedef struct rbk_odiff {
    rbk_dchange *v;
    int n, cap;
    int ndanger;
} rbk_odiff;

/* The changes from a to b, in a stable order: the runbook's declarations, the point of no
 * return, each step of b in order (a removed step where it stood), top-level code, the worst
 * case. d is zeroed first. */
void rbk_outline_diff(const rbk_outline *a, const rbk_outline *b, rbk_odiff *d);
void rbk_odiff_free(rbk_odiff *d);
/* Code text without its layout: runs of white space and comments outside string literals
 * dropped, a trailing comma before a closing bracket dropped, one space kept between two word
 * characters (caller frees; NULL for NULL). */
char *rbk_odiff_norm(const char *code);
#endif

/* compiler/holes.c — the shell, SQL, URL and pattern context of each {expr} in a command,
 * query, URL or `matches` pattern literal (contract in holes.h; the rules and their reasons in
 * docs/shell.md, docs/sql.md, docs/http.md and docs/language.md "Values in patterns"): what the
 * four trackers share. Each tracker is a file of its own:
 *   compiler/holes_sh.c   the POSIX shell context tracker (rbk_sh_holes)
 *   compiler/holes_sql.c  the PostgreSQL lexical and statement tracker (rbk_sql_holes)
 *   compiler/holes_url.c  the URL part tracker (rbk_url_holes)
 *   compiler/holes_re.c   the PCRE2 pattern tracker (rbk_re_holes)
 * and compiler/holes_flat.h holds what they read a literal with.
 * Owns: splitting an interpolated literal into pieces (rbk_literal_split), freeing verdicts.
 * Shares invariants with: support/shquote.c, support/urlquote.c and support/requote.c (what each
 * accepted context's quoting does), compiler/sema.c (reports), compiler/codegen.c (emits),
 * tests/unit/test_holes.c, test_url_holes.c, test_re_holes.c. */
#include "holes.h"
#include <stdlib.h>
#include <string.h>
#include "../support/sbuf.h"
#include "ast.h"

int rbk_literal_split(rbk_node *lit, rbk_piece **pieces, unsigned char **fmt, rbk_node ***parts) {
    int nholes = 0;
    for (int i = 0; i < lit->list.n; i++) nholes += lit->list.items[i]->kind == N_INTERP_PART;
    rbk_piece *pc = rbk_xcalloc((size_t)nholes + 1, sizeof *pc);
    unsigned char *f = rbk_xcalloc((size_t)nholes + 1, 1);
    rbk_node **pt = rbk_xcalloc((size_t)nholes + 1, sizeof *pt);
    int k = 0;
    for (int i = 0; i < lit->list.n; i++) {
        rbk_node *p = lit->list.items[i];
        if (p->kind == N_STRING) { pc[k].s = p->str; pc[k].n = p->slen; continue; }
        const char *spec = p->b ? p->b->str : NULL;
        f[k] = !spec ? RBK_HOLE_QUOTED : !strcmp(spec, "raw") ? RBK_HOLE_RAW : !strcmp(spec, "ident") ? RBK_HOLE_IDENT
                                                                                                       : RBK_HOLE_QUOTED;
        pt[k++] = p;
    }
    for (int i = 0; i <= nholes; i++)
        if (!pc[i].s) pc[i].s = "";
    *pieces = pc;
    *fmt = f;
    *parts = pt;
    return nholes;
}

void rbk_holes_free(rbk_holes *h) {
    for (int i = 0; i < h->ngroups; i++) free(h->groups[i].delim);
    free(h->groups);
    free(h->holes);
    free(h->stmts);
    memset(h, 0, sizeof *h);
}

/* import/emit.c — the output model of `runbook import` (import/imp_doc.h): a step's body and
 * rollback lines, its description, and the call that waits for the "Expected" lines that
 * follow it, written with its expectations once they are known.
 * Owns: step_out's buffers, the numbering of result variables (r, r2, ...), the call counters
 * of the summary.
 * Shares invariants with: import/imp.h (imp_call, imp_call_render), import/expect.c (the
 * expectation templates: %R the result, %C the call). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imp_doc.h"

void imp_desc_line(rbk_sbuf *d, const char *s) {
    rbk_sbuf_adds(d, s);
    rbk_sbuf_addc(d, '\n');
}
/* Prose (several lines) into a description, separated from what is there by an empty line. */
void imp_desc_text(rbk_sbuf *d, const char *s) {
    if (d->len) rbk_sbuf_addc(d, '\n');
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r')) n--;
        rbk_sbuf_add(d, p, n);
        rbk_sbuf_addc(d, '\n');
        p += (e ? (size_t)(e - p) + 1 : strlen(p));
    }
}

void imp_step_free(step_out *s) {
    if (!s) return;
    free(s->name);
    rbk_sbuf_free(&s->desc);
    rbk_sbuf_free(&s->body.b);
    rbk_sbuf_free(&s->rb.b);
    if (s->pend.k) { imp_call_free(s->pend.k); free(s->pend.k); }
    rbk_sbuf_free(&s->pend.exps);
    rbk_sbuf_free(&s->pend.notes);
    imp_shstate_free(&s->sh);
    free(s);
}

static line_buf *target(step_out *s, int rb) { return rb ? &s->rb : &s->body; }

/* Replaces %R and %C in a template. */
static void subst(rbk_sbuf *out, const char *t, const char *r, const char *call) {
    for (const char *p = t; *p; p++) {
        if (*p == '%' && p[1] == 'R') { rbk_sbuf_adds(out, r); p++; }
        else if (*p == '%' && p[1] == 'C') { rbk_sbuf_adds(out, call); p++; }
        else rbk_sbuf_addc(out, *p);
    }
}

static void count_call(imp *I, const imp_call *k) {
    switch (k->kind) {
    case IMP_CALL_SH: I->c.calls_sh++; break;
    case IMP_CALL_HTTP: I->c.calls_http++; break;
    case IMP_CALL_SQL: I->c.calls_sql++; break;
    case IMP_CALL_PG: I->c.calls_pg++; break;
    case IMP_CALL_WAIT: I->c.waits++; break;
    }
}

/* Writes the waiting call with its expectations. */
void imp_flush(imp *I, step_out *s) {
    pending *P = &s->pend;
    if (!P->k) return;
    line_buf *L = target(s, s->pend_rb);
    imp_call *k = P->k;
    if (k->auto_expect) {
        if (P->exps.len) rbk_sbuf_addc(&P->exps, '\n');
        rbk_sbuf_adds(&P->exps, k->auto_expect);
        P->nexps++;
    }
    if (k->kind == IMP_CALL_SQL && P->want_scalar && k->sql_select) {
        char *dot = strrchr(k->fn, '.');
        if (dot) {
            rbk_sbuf f = RBK_SBUF_INIT;
            rbk_sbuf_printf(&f, "%.*s.scalar", (int)(dot - k->fn), k->fn);
            free(k->fn);
            k->fn = rbk_sbuf_detach(&f);
        }
    }
    if (k->check_false) rbk_sbuf_adds(&k->args, ", check: false");
    rbk_sbuf call = RBK_SBUF_INIT;
    imp_call_render(&call, k);
    int uses_r = P->exps.len && strstr(P->exps.data, "%R") != NULL;
    int uses_c = 0;
    for (const char *p = P->exps.data; p && (p = strstr(p, "%C")) != NULL; p += 2) uses_c++;
    rbk_sbuf var = RBK_SBUF_INIT;
    if (uses_r || uses_c > 1) {
        s->nvars++;
        if (s->nvars == 1) rbk_sbuf_adds(&var, "r");
        else rbk_sbuf_printf(&var, "r%d", s->nvars);
        rbk_sbuf_printf(&L->b, "let %s = %s\n", var.data, call.data);
    } else if (!uses_c) {
        rbk_sbuf_printf(&L->b, "%s\n", call.data);
    }
    L->nstmts++;
    count_call(I, k);
    for (const char *p = P->exps.data; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *t = rbk_xstrndup(p, n);
        rbk_sbuf_adds(&L->b, "expect ");
        subst(&L->b, t, var.len ? var.data : "r", var.len ? var.data : call.data);
        rbk_sbuf_addc(&L->b, '\n');
        free(t);
        L->nstmts++;
        I->c.expects++;
        p += n + (e ? 1 : 0);
    }
    if (P->notes.len) rbk_sbuf_add(&L->b, P->notes.data, P->notes.len);
    rbk_sbuf_free(&var);
    rbk_sbuf_free(&call);
    imp_call_free(k);
    free(k);
    P->k = NULL;
    rbk_sbuf_reset(&P->exps);
    rbk_sbuf_reset(&P->notes);
    P->nexps = P->want_scalar = 0;
}

/* A statement or comment line into the body (or rollback) of a step. While a call waits for
 * its "Expected" lines (which may come after a gate or a note: "Expected output:" below a list
 * of actions), what follows it waits too, and is written after the call's expectations. */
void imp_stmt(imp *I, step_out *s, int rb, int is_stmt, const char *fmt, ...) {
    (void)I;
    line_buf *L = target(s, rb);
    rbk_sbuf *out = s->pend.k && s->pend_rb == rb ? &s->pend.notes : &L->b;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(out, fmt, ap);
    va_end(ap);
    rbk_sbuf_addc(out, '\n');
    if (is_stmt) L->nstmts++;
}
void imp_comment(imp *I, step_out *s, int rb, const char *text) {
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && isspace((unsigned char)p[n - 1])) n--;
        imp_stmt(I, s, rb, 0, n ? "# %.*s" : "#", (int)n, p);
        p += (e ? (size_t)(e - p) + 1 : strlen(p));
    }
}
void imp_todo_comment(imp *I, step_out *s, int rb, int line, const char *fmt, ...) {
    rbk_sbuf m = RBK_SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&m, fmt, ap);
    va_end(ap);
    char *t = imp_todo(&I->c, line, "%s", m.data);
    imp_stmt(I, s, rb, 0, "# %s", t);
    free(t);
    rbk_sbuf_free(&m);
}
/* A comment after the waiting call (before its expectations are written). */
void imp_note_after(imp *I, step_out *s, int rb, const char *text) { imp_comment(I, s, rb, text); }

void imp_put_call(imp *I, step_out *s, int rb, imp_call *k) {
    imp_flush(I, s);
    if (k->note) imp_comment(I, s, rb, k->note);
    s->pend.k = k;
    s->pend_rb = rb;
}

void imp_put_calls(imp *I, step_out *s, int rb, int line, imp_call *calls, int n, const char *why) {
    if (why) {
        char *t = imp_todo(&I->c, line, "%s", why);
        imp_comment(I, s, rb, t);
        free(t);
    }
    for (int q = 0; q < n; q++) {
        imp_call *k = rbk_xcalloc(1, sizeof(imp_call));
        *k = calls[q];
        imp_put_call(I, s, rb, k);
    }
    free(calls);
}

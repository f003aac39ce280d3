/* cli/prompt.c — see prompt.h. What the operator sees is described in docs/terminal.md. */
#include "prompt.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../support/clock.h"
#include "../support/tty.h"
#include "../vm/value.h"

static const struct {
    char key;
    const char *word, *alt, *text;
} k_choices[] = {
    {'r', "retry", NULL, "retry the step"},
    {'b', "rollback", "roll back", "roll back"},
    {'s', "stop", NULL, "stop"},
    /* runbook resume, about an effect of unknown outcome: typed r and d, returned R and D */
    {'R', "rerun", "again", "run it again"},
    {'D', "done", NULL, "count it as done"},
};
#define NCHOICES (int)(sizeof k_choices / sizeof k_choices[0])

static void trim(rbk_sbuf *b) {
    size_t a = 0, n = b->len;
    while (a < n && isspace((unsigned char)b->data[a])) a++;
    while (n > a && isspace((unsigned char)b->data[n - 1])) n--;
    if (a) memmove(b->data, b->data + a, n - a);
    b->len = n - a;
    if (b->data) b->data[b->len] = 0;
}

/* the letter the answer names, if it is one of options; else 0 */
static int pick(const char *answer, const char *options) {
    for (int i = 0; i < NCHOICES; i++) {
        if (!strchr(options, k_choices[i].key)) continue;
        if ((answer[0] && !answer[1] && tolower((unsigned char)answer[0]) == tolower((unsigned char)k_choices[i].key)) ||
            !strcasecmp(answer, k_choices[i].word) ||
            (k_choices[i].alt && !strcasecmp(answer, k_choices[i].alt)))
            return k_choices[i].key;
    }
    return 0;
}

/* detail (indented), the menu "  [r] retry the step  [b] roll back  [s] stop", the answer
 * line's label "choice (r/b/s)" and the keys for a hint "r, b or s" */
static void menu(rbk_sbuf *body, rbk_sbuf *label, rbk_sbuf *keys, const char *detail, const char *options) {
    for (const char *p = detail; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        rbk_sbuf_printf(body, "  %.*s\n", (int)n, p);
        p = nl ? nl + 1 : p + n;
    }
    rbk_sbuf_adds(label, "choice (");
    int n = 0, total = 0;
    for (int i = 0; i < NCHOICES; i++) total += strchr(options, k_choices[i].key) != NULL;
    for (int i = 0; i < NCHOICES; i++) {
        if (!strchr(options, k_choices[i].key)) continue;
        int key = tolower((unsigned char)k_choices[i].key);
        rbk_sbuf_printf(body, "  [%c] %s", key, k_choices[i].text);
        rbk_sbuf_printf(label, "%s%c", n ? "/" : "", key);
        rbk_sbuf_printf(keys, "%s%c", !n ? "" : n == total - 1 ? " or " : ", ", key);
        n++;
    }
    rbk_sbuf_addc(body, '\n');
    rbk_sbuf_addc(label, ')');
}

int rbk_prompt_choose(void *ctx, const char *question, const char *detail, const char *options) {
    rbk_prompt_ctx *pc = ctx;
    rbk_term *t = pc ? pc->term : NULL;
    if (!options || !*options) return 0;
    if (t) rbk_term_pause(t);
    rbk_sbuf q = RBK_SBUF_INIT, body = RBK_SBUF_INIT, label = RBK_SBUF_INIT, keys = RBK_SBUF_INIT, hint = RBK_SBUF_INIT;
    rbk_sbuf_printf(&q, "! %s", question ? question : "What now?");
    menu(&body, &label, &keys, detail, options);
    rbk_tty_req r = {.question = rbk_sbuf_cstr(&q), .body = rbk_sbuf_cstr(&body), .label = rbk_sbuf_cstr(&label),
                     .interrupted = pc ? pc->interrupted : NULL};
    int choice = 0;
    for (;;) {
        rbk_sbuf line = RBK_SBUF_INIT;
        int rc = rbk_tty_ask(&r, &line);
        trim(&line);
        if (rc == RBK_TTY_OK) choice = pick(rbk_sbuf_cstr(&line), options);
        if (rc != RBK_TTY_OK || choice) { rbk_sbuf_free(&line); break; }
        rbk_sbuf_reset(&hint);
        rbk_sbuf_printf(&hint, "  \"%s\" is not one of the choices: type %s, then Enter", rbk_sbuf_cstr(&line), rbk_sbuf_cstr(&keys));
        r.question = r.body = NULL;
        r.hint = rbk_sbuf_cstr(&hint);
        rbk_sbuf_free(&line);
    }
    rbk_sbuf_free(&q);
    rbk_sbuf_free(&body);
    rbk_sbuf_free(&label);
    rbk_sbuf_free(&keys);
    rbk_sbuf_free(&hint);
    if (t) rbk_term_resume(t);
    return choice;
}

/* ---------------------------------------------------------------- the gates */
/* (confirm and ask: the VM asks through rbk_prompt_ask; the status line is paused by the
 * PROMPT event the gate emits first, cli/render.c) */

static rbk_reply_status reply_status(int rc) {
    return rc == RBK_TTY_OK ? RBK_REPLY_OK : rc == RBK_TTY_TIMEOUT ? RBK_REPLY_TIMEOUT
         : rc == RBK_TTY_INTERRUPTED ? RBK_REPLY_INTERRUPTED : rc == RBK_TTY_EOF ? RBK_REPLY_EOF : RBK_REPLY_NO_TERMINAL;
}

static void trim_blanks(rbk_sbuf *b) {
    size_t a = 0, n = b->len;
    while (a < n && (b->data[a] == ' ' || b->data[a] == '\t')) a++;
    while (n > a && (b->data[n - 1] == ' ' || b->data[n - 1] == '\t')) n--;
    if (a) memmove(b->data, b->data + a, n - a);
    b->len = n - a;
    if (b->data) b->data[b->len] = 0;
}

/* confirm: yes or no; anything but y/yes/n/no is asked again, within the same deadline */
static void ask_yes_no(rbk_prompt_ctx *pc, const rbk_question *q, rbk_reply *reply) {
    rbk_sbuf qline = RBK_SBUF_INIT, hint = RBK_SBUF_INIT;
    rbk_sbuf_printf(&qline, "? %s", q->question); /* masked by the VM; the terminal writer cleans it */
    rbk_tty_req r = {.question = rbk_sbuf_cstr(&qline), .label = "yes or no",
                     .deadline_ms = q->timeout_ms > 0 ? rbk_now_ms() + q->timeout_ms : 0,
                     .interrupted = pc ? pc->interrupted : NULL};
    int yes = -1, rc = RBK_TTY_NONE;
    while (yes < 0) {
        rbk_sbuf line = RBK_SBUF_INIT;
        rc = rbk_tty_ask(&r, &line);
        trim_blanks(&line);
        const char *a = rbk_sbuf_cstr(&line);
        if (rc != RBK_TTY_OK) yes = 0;
        else if (!strcasecmp(a, "y") || !strcasecmp(a, "yes")) yes = 1;
        else if (!strcasecmp(a, "n") || !strcasecmp(a, "no")) yes = 0;
        else {
            rbk_sbuf_reset(&hint);
            rbk_sbuf_printf(&hint, "  \"%s\" is not an answer: type yes or no, then Enter", a);
            r.question = NULL;
            r.hint = rbk_sbuf_cstr(&hint);
        }
        rbk_sbuf_free(&line);
    }
    rbk_sbuf_free(&qline);
    rbk_sbuf_free(&hint);
    reply->status = reply_status(rc);
    reply->choice = yes;
}

/* ask: a line of text; a secret is typed without echo, and an empty one is a stray Enter */
static void ask_text(rbk_prompt_ctx *pc, const rbk_question *q, rbk_reply *reply) {
    rbk_sbuf qline = RBK_SBUF_INIT;
    rbk_sbuf_printf(&qline, "? %s", q->question);
    rbk_tty_req r = {.question = rbk_sbuf_cstr(&qline), .label = q->secret ? "value, not shown as you type" : "value",
                     .secret = q->secret, .deadline_ms = q->timeout_ms > 0 ? rbk_now_ms() + q->timeout_ms : 0,
                     .interrupted = pc ? pc->interrupted : NULL};
    int rc;
    while ((rc = rbk_tty_ask(&r, &reply->text)) == RBK_TTY_OK && q->secret && !reply->text.len) {
        r.question = NULL;
        r.hint = "  nothing was typed: type the value, then Enter";
    }
    rbk_sbuf_free(&qline);
    reply->status = reply_status(rc);
}

void rbk_prompt_ask(void *ctx, const rbk_question *q, rbk_reply *reply) {
    rbk_prompt_ctx *pc = ctx;
    reply->status = RBK_REPLY_OK;
    reply->choice = 0;
    switch (q->kind) {
    case RBK_ASK_CHOOSE: reply->choice = rbk_prompt_choose(ctx, q->question, q->detail, q->options); break;
    case RBK_ASK_CONFIRM: ask_yes_no(pc, q, reply); break;
    case RBK_ASK_TEXT: ask_text(pc, q, reply); break;
    case RBK_ASK_APPROVE: reply->status = RBK_REPLY_NO_TERMINAL; break; /* rbk_run_opts.approve's, never the terminal's */
    }
}

/* ---------------------------------------------------------------- parameters */
static const char *ustr(const rbk_unit *u, uint32_t k) {
    const char *s = rbk_unit_str(u, k, NULL);
    return s ? s : "?";
}

/* The rules of --param (vm/vm.c, rbk_param_parse): 1 when text is a valid value of the type;
 * else 0 with why, for a list or map (a scalar's hint is written here). */
static int valid_param(const char *text, uint32_t type, rbk_sbuf *why) {
    rbk_value v;
    rbk_sbuf w = RBK_SBUF_INIT;
    int ok = rbk_param_parse(text, type, &v, &w);
    if (ok) rbk_unref(v);
    else if (type == RBK_PT_LIST || type == RBK_PT_MAP) rbk_sbuf_add(why, rbk_sbuf_cstr(&w), w.len);
    rbk_sbuf_free(&w);
    return ok;
}

static int given(const rbk_kv *params, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(params[i].key, name)) return 1;
    return 0;
}

/* Asks for one parameter: RBK_TTY_OK with a valid value in *value, or the code that ended it.
 * resume: `runbook resume` asks for a secret parameter the journal does not hold. */
static int ask_param(const char *name, uint32_t type, int secret, int resume, volatile sig_atomic_t *interrupted, rbk_sbuf *value) {
    const char *tn = type ? rbk_param_type_name(type) : "value";
    rbk_sbuf q = RBK_SBUF_INIT, hint = RBK_SBUF_INIT;
    if (resume == 2) {
        /* its value holds a secret: the journal has it masked; typed without echo, like one */
        rbk_sbuf_printf(&q, "? Parameter %s (%s) is masked in the journal (its value holds a secret): type the value the run started with",
                        name, tn);
        secret = 1;
    } else if (resume)
        rbk_sbuf_printf(&q, "? Parameter %s (%s, secret) is not in the journal: type the value the run started with", name, tn);
    else
        rbk_sbuf_printf(&q, "? Parameter %s (%s%s) is required and was not given with --param %s=VALUE", name, tn,
                        secret ? ", secret: not shown as you type" : "", name);
    rbk_tty_req r = {.question = rbk_sbuf_cstr(&q), .label = name, .secret = secret, .interrupted = interrupted};
    int rc;
    for (;;) {
        rbk_sbuf_reset(value);
        rc = rbk_tty_ask(&r, value);
        trim(value);
        if (rc != RBK_TTY_OK) break;
        const char *v = rbk_sbuf_cstr(value);
        rbk_sbuf why = RBK_SBUF_INIT;
        if (*v && valid_param(v, type, &why)) { rbk_sbuf_free(&why); break; }
        rbk_sbuf_reset(&hint);
        if (!*v) rbk_sbuf_printf(&hint, "  a value is required: type it, then Enter (Ctrl-D: do not start)");
        else if (why.len && !secret) rbk_sbuf_printf(&hint, "  \"%s\": %s", v, rbk_sbuf_cstr(&why));
        else rbk_sbuf_printf(&hint, "  \"%s\" is not a valid %s%s", secret ? RBK_MASK_REPLACEMENT : v, tn,
                             type == RBK_PT_DURATION ? " (write e.g. 30s, 5m, 250ms)" : type == RBK_PT_BOOL ? " (true or false)" : "");
        rbk_sbuf_free(&why);
        r.question = NULL;
        r.hint = rbk_sbuf_cstr(&hint);
    }
    rbk_sbuf_free(&q);
    rbk_sbuf_free(&hint);
    return rc;
}

int rbk_prompt_params(const rbk_unit *u, const uint8_t *resume, rbk_kv **params, int *nparams,
                      volatile sig_atomic_t *interrupted) {
    int added = 0;
    for (uint32_t j = 0; j < u->nparams; j++) {
        const rbk_paramdecl *p = &u->params[j];
        const char *name = ustr(u, p->name);
        if (resume ? !resume[j] : p->deflt != RBK_NONE || given(*params, *nparams, name)) continue;
        rbk_sbuf v = RBK_SBUF_INIT;
        int rc = ask_param(name, p->type, (p->flags & RBK_PARAM_SECRET) != 0, resume ? resume[j] : 0, interrupted, &v);
        if (rc != RBK_TTY_OK) {
            rbk_sbuf_free(&v);
            return rc == RBK_TTY_INTERRUPTED ? -1 : added; /* the rest: reported by the preflight */
        }
        *params = rbk_xrealloc(*params, sizeof(rbk_kv) * (size_t)(*nparams + 1));
        (*params)[*nparams].key = rbk_xstrdup(name);
        (*params)[*nparams].value = rbk_sbuf_detach(&v);
        (*nparams)++;
        added++;
    }
    return added;
}

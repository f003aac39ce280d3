/* cli/prompt.h — the operator's answers, on the terminal (support/tty.h): every question the
 * VM asks through its one rbk_ask_fn hook (the decisions after a failure with --on-failure ask
 * or an interrupt, and the gates confirm and ask), and the required parameters that were not
 * given. Shares invariants with: vm/vm.h (rbk_ask_fn, rbk_kv), cli/render.h (the status line is
 * paused while the operator is asked), vm/vm.c rbk_vm_preflight (what a valid param is). */
#ifndef RBK_PROMPT_H
#define RBK_PROMPT_H
#include <signal.h>
#include "../vm/vm.h"
#include "render.h"

/* What rbk_prompt_choose needs (its ctx): the run's interrupt flag (a signal ends the question:
 * nobody answered) and the terminal renderer whose status line is paused while the operator is
 * asked (NULL with --log-format json, or before the run starts). */
typedef struct rbk_prompt_ctx {
    rbk_term *term;
    volatile sig_atomic_t *interrupted;
} rbk_prompt_ctx;

/* The rbk_ask_fn of a run on a terminal; ctx: rbk_prompt_ctx* (or NULL). RBK_ASK_CHOOSE is
 * rbk_prompt_choose; RBK_ASK_CONFIRM reads yes or no ("? question", asked again on anything
 * else); RBK_ASK_TEXT reads a line (without echo when secret). */
void rbk_prompt_ask(void *ctx, const rbk_question *q, rbk_reply *reply);

/* A decision; ctx: rbk_prompt_ctx* (or NULL). Shows question, detail and a menu of
 * options ("r" retry the step, "b" roll back, "s" stop; for `runbook resume`'s question about an
 * effect, "R" run it again and "D" count it as done, typed r and d), reads
 * the letter (or the word) and Enter, asks again on anything else. Returns the letter, or 0 when nobody answered (no terminal, end of input,
 * interrupt). */
int rbk_prompt_choose(void *ctx, const char *question, const char *detail, const char *options);

/* On a terminal, asks for every parameter of u that has no default and is not in
 * (*params)[0..*nparams) — or, when resume is not NULL, for each parameter j with resume[j]
 * set (`runbook resume`: 1, a secret one, whose value the journal does not hold; 2, one the
 * journal holds masked because its value holds a secret: asked without echo too) — checks
 * the answer against the declared type (the rules of --param) and appends it to *params
 * (realloc'd; keys and values malloc'd, as main.c's). A secret parameter is typed without
 * echo and its value is never shown, not even in the "not a valid ..." hint. Parameters left
 * unanswered (end of input, no terminal) stay missing, for rbk_vm_preflight (or resume) to
 * report. Returns the number of answers appended, or -1 when interrupted. */
int rbk_prompt_params(const rbk_unit *u, const uint8_t *resume, rbk_kv **params, int *nparams,
                      volatile sig_atomic_t *interrupted);
#endif

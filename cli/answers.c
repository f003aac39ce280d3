/* cli/answers.c — answers given before the run to the named asks and confirms (docs/cli.md,
 * "Answers"): every --answer NAME=VALUE and every line of --answers FILE is checked before
 * step 1 against the unit's gate table (vm/bytecode.h rbk_gatedecl: its names are the literal
 * `name:` or an ask's `let` variable, compiler/codegen.c): a name the runbook has ("did you
 * mean"), given once, a value the gate can take, and a file holding a secret answer that
 * nobody else can read. The VM looks the answers up (rbk_vm_answer) and its preflight lists
 * the gates left without an answer and without a terminal (vm/vm.c preflight_gates). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

int rbk_cli_check_answers(rbk_vm *vm, rbk_sbuf *problems) {
    const rbk_unit *u = rbk_vm_unit(vm);
    const rbk_run_opts *o = rbk_vm_opts(vm);
    const char **names = rbk_xcalloc(u->ngates + 1, sizeof *names);
    int nnames = 0, n = 0;
    for (uint32_t g = 0; g < u->ngates; g++)
        if (u->gates[g].name != RBK_NONE) names[nnames++] = rbk_vm_str(vm, u->gates[g].name);
    const char *secret_in_file = NULL;
    for (int i = 0; i < o->nanswers; i++) {
        const rbk_kv *a = &o->answers[i];
        int cli = i < o->nanswers_cli;
        rbk_sbuf flag = RBK_SBUF_INIT;
        if (cli) rbk_sbuf_adds(&flag, "--answer");
        else rbk_sbuf_printf(&flag, "--answers %s:", o->answers_file);
        const char *f = rbk_sbuf_cstr(&flag);
        int twice = 0;
        for (int k = cli ? 0 : o->nanswers_cli; k < i; k++) twice |= !strcmp(o->answers[k].key, a->key);
        int found = 0, bad = 0;
        for (uint32_t g = 0; g < u->ngates && !twice && !bad; g++) {
            const rbk_gatedecl *d = &u->gates[g];
            if (d->name == RBK_NONE || strcmp(rbk_vm_str(vm, d->name), a->key)) continue;
            found = 1;
            int confirm = !strcmp(rbk_vm_str(vm, u->native_names[d->native]), "confirm");
            int secret = (d->flags & RBK_GATE_SECRET) != 0;
            if (confirm && strcmp(a->value, "yes") && strcmp(a->value, "no")) {
                rbk_sbuf_printf(problems, "%s %s=%s: a confirm is answered yes or no\n", f, a->key, a->value);
                bad = 1;
            } else if (strpbrk(a->value, "\r\n")) {
                rbk_sbuf_printf(problems, "%s %s: an answer is one line of text\n", f, a->key);
                bad = 1;
            } else if (secret && !*a->value) {
                rbk_sbuf_printf(problems, "%s %s: empty, and an empty secret is not an answer\n", f, a->key);
                bad = 1;
            }
            if (secret && !cli) secret_in_file = a->key;
        }
        if (twice) {
            rbk_sbuf_printf(problems, "%s %s is given twice\n", f, a->key);
            n++;
        } else if (!found) {
            rbk_sbuf_printf(problems, "%s %s: this runbook has no ask or confirm named %s", f, a->key, a->key);
            const char *best = rbk_closest(a->key, names, nnames);
            if (best) rbk_sbuf_printf(problems, " (did you mean %s?)", best);
            else if (!nnames) rbk_sbuf_adds(problems, " (it names none: `let NAME = ask(...)`, or name:)");
            rbk_sbuf_addc(problems, '\n');
            n++;
        }
        n += bad;
        rbk_sbuf_free(&flag);
    }
    /* like ssh with a private key: a secret in a file others can read is refused */
    struct stat st;
    if (secret_in_file && stat(o->answers_file, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077)) {
        rbk_sbuf_printf(problems, "--answers %s holds the secret answer %s and others can read it (mode %04o): chmod 600 %s\n",
                        o->answers_file, secret_in_file, (unsigned)(st.st_mode & 07777), o->answers_file);
        n++;
    }
    free(names);
    return n;
}

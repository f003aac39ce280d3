/* vm/preflight.c — the checks that run before step 1 (rbk_vm_preflight): environment
 * variables, parameters (rbk_param_parse: the one reader of a param's text, for --param, a
 * default and the terminal's prompt), the gates that need an operator or a terminal, and the
 * `hosts` groups of the inventory (docs/fleet.md). Every problem is listed, none is fatal on its
 * own: the CLI prints them all and exits 64 before anything runs.
 * Split from vm/vm.c, which keeps the VM's lifetime, events and effects. */
#include "vm_internal.h"
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>
#include "builtins.h"
#include "../support/conninfo.h"
#include "../support/sha256.h"
#include "json_value.h"

const char *rbk_run_env(const rbk_run_opts *o, const char *name) {
    const char *v = getenv(name);
    for (int i = 0; !v && i < o->nenvfile; i++)
        if (!strcmp(o->envfile[i].key, name)) v = o->envfile[i].value;
    return v;
}

const char *rbk_operator_name(void) {
    const char *u = getenv("USER");
    if (u && *u) return u;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "unknown";
}

/* A list or map param's text (docs/cli.md, --param): JSON when it starts with [ or {, else (a
 * list only) items separated by commas, each a string without the blanks around it. */
static int param_container(const char *text, uint32_t type, rbk_value *out, rbk_sbuf *why) {
    const char *p = text;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '[' || *p == '{') {
        rbk_sbuf e = RBK_SBUF_INIT;
        if (rbk_json_to_value(text, strlen(text), out, &e)) {
            rbk_sbuf_printf(why, "not valid JSON (%s)", rbk_sbuf_cstr(&e));
            rbk_sbuf_free(&e);
            return 0;
        }
        rbk_sbuf_free(&e);
        if (out->t != (type == RBK_PT_LIST ? RBK_T_LIST : RBK_T_MAP)) {
            rbk_sbuf_printf(why, "a %s parameter takes a JSON %s, not %s", rbk_param_type_name(type),
                            type == RBK_PT_LIST ? "array [...]" : "object {...}", out->t == RBK_T_LIST ? "an array" : "an object");
            rbk_unref(*out);
            return 0;
        }
        if (rbk_nesting(*out) > RBK_MAX_NESTING) {
            rbk_sbuf_printf(why, "it nests more than %d levels deep", (int)RBK_MAX_NESTING);
            rbk_unref(*out);
            return 0;
        }
        return 1;
    }
    if (type == RBK_PT_MAP) {
        rbk_sbuf_adds(why, "a map parameter is given in JSON: --param NAME='{\"key\": \"value\"}'");
        return 0;
    }
    *out = rbk_list_new(0);
    if (!*p) return 1; /* --param nodes= : no items */
    for (const char *s = text;;) {
        const char *c = strchr(s, ',');
        const char *e = c ? c : s + strlen(s);
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        const char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t')) t--;
        rbk_list_push(*out, rbk_str_new(s, (size_t)(t - s)));
        if (!c) break;
        s = c + 1;
    }
    return 1;
}

static int param_value(const char *text, uint32_t type, rbk_value *out);
int rbk_param_parse(const char *text, uint32_t type, rbk_value *out, rbk_sbuf *why) {
    if (type == RBK_PT_LIST || type == RBK_PT_MAP) return param_container(text, type, out, why);
    if (param_value(text, type, out)) return 1;
    rbk_sbuf_printf(why, "not a valid %s%s", rbk_param_type_name(type), type == RBK_PT_DURATION ? " (write e.g. 30s, 5m, 250ms)" : "");
    return 0;
}

/* Converts --param text to the declared scalar type. */
static int param_value(const char *text, uint32_t type, rbk_value *out) {
    char *end;
    switch (type) {
    case RBK_PT_INT: {
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (!*text || *end || errno) return 0;
        *out = rbk_int(v);
        return 1;
    }
    case RBK_PT_FLOAT: {
        errno = 0;
        double v = strtod(text, &end);
        if (!*text || *end || errno) return 0;
        *out = rbk_float(v);
        return 1;
    }
    case RBK_PT_BOOL:
        if (!strcmp(text, "true")) { *out = rbk_bool(true); return 1; }
        if (!strcmp(text, "false")) { *out = rbk_bool(false); return 1; }
        return 0;
    case RBK_PT_DURATION: {
        int64_t ms;
        if (!rbk_duration_parse(text, &ms)) return 0;
        *out = rbk_duration(ms);
        return 1;
    }
    default: *out = rbk_str_cstr(text); return 1;
    }
}

/* What needs an operator (the unit's gate table): a secret ask's answer is registered now, so
 * that it is masked from the first message on; without a terminal, every confirm (unless
 * --yes) and ask that no --answer answers, and every `tty: true` command, is a problem. The
 * names and values of the answers are the CLI's to check (cli/answers.c). */
static int preflight_gates(rbk_vm *vm, rbk_sbuf *problems) {
    rbk_unit *u = vm->u;
    int n = 0;
    for (uint32_t i = 0; i < u->ngates; i++) {
        rbk_gatedecl *g = &u->gates[i];
        const char *name = g->name != RBK_NONE ? rbk_vm_str(vm, g->name) : NULL;
        const char *given = rbk_vm_answer(vm, name, NULL);
        if (given && *given && (g->flags & RBK_GATE_SECRET)) rbk_vm_add_secret(vm, given, strlen(given));
        if (vm->opts.interactive || given) continue;
        if (!strcmp(rbk_vm_str(vm, u->native_names[g->native]), "approve")) continue; /* a store's, above */
        if ((g->flags & RBK_GATE_TTY) && vm->opts.dry_run && !(g->flags & RBK_GATE_READ_ONLY)) continue; /* a write: not run */
        const char *what = rbk_vm_str(vm, u->native_names[g->native]);
        int line, col;
        rbk_source_linecol(vm->sources.items[g->file], g->off, &line, &col);
        const char *path = vm->sources.items[g->file]->path;
        const char *q = g->question != RBK_NONE ? rbk_vm_str(vm, g->question) : NULL;
        rbk_sbuf shown = RBK_SBUF_INIT; /* the question, quoted */
        if (q) rbk_sbuf_printf(&shown, " (\"%s\")", q);
        if (g->flags & RBK_GATE_TTY) {
            rbk_sbuf_printf(problems, "%s at %s:%d needs a terminal (tty: true)%s: run it on one\n", what, path, line, rbk_sbuf_cstr(&shown));
            n++;
        } else if (!strcmp(what, "ask")) {
            if (name) rbk_sbuf_printf(problems, "ask %s at %s:%d has no answer: pass --answer %s=VALUE or --answers FILE, or run on a terminal\n",
                                      name, path, line, name);
            else rbk_sbuf_printf(problems, "ask at %s:%d needs an operator at a terminal (--yes does not answer questions; "
                                           "name it, `let NAME = ask(...)` or name:, to answer it with --answer)\n", path, line);
            n++;
        } else if (!vm->opts.yes && !vm->opts.dry_run) {
            rbk_sbuf_printf(problems, "confirm at %s:%d needs an operator%s: run on a terminal, or pass --yes", path, line, rbk_sbuf_cstr(&shown));
            if (name) rbk_sbuf_printf(problems, " or --answer %s=yes", name);
            rbk_sbuf_addc(problems, '\n');
            n++;
        }
        rbk_sbuf_free(&shown);
    }
    return n;
}

/* A host as the runbook sees it (docs/fleet.md): {name, address, port, user, vars}. `on:` takes
 * only its name (support/fleet.h): the rest is for reading. */
static rbk_value host_value(rbk_vm *vm, const rbk_fleet_host *h) {
    rbk_value m = rbk_map_new(5);
    rbk_map_sets(m, "name", rbk_str_cstr(h->name));
    rbk_map_sets(m, "address", rbk_str_cstr(h->target.address));
    rbk_map_sets(m, "port", h->port ? rbk_str_cstr(h->port) : rbk_nil());
    rbk_map_sets(m, "user", h->user ? rbk_str_cstr(h->user) : rbk_nil());
    rbk_value vars = rbk_map_new(h->nvars);
    for (size_t k = 0; k < h->nvars; k++) {
        rbk_value v;
        if (!h->vars[k].json || rbk_vm_value_from_json(vm, h->vars[k].value, &v)) v = rbk_str_cstr(h->vars[k].value);
        rbk_map_sets(vars, h->vars[k].key, v);
    }
    rbk_map_sets(m, "vars", vars);
    return m;
}

/* env entry i is a `hosts` group: its list of host values, or a problem */
static int hosts_group(rbk_vm *vm, uint32_t i, rbk_sbuf *problems) {
    rbk_unit *u = vm->u;
    const char *name = rbk_vm_str(vm, u->envs[i].name);
    int line, col;
    rbk_source_linecol(vm->sources.items[u->envs[i].file], u->envs[i].off, &line, &col);
    const char *path = vm->sources.items[u->envs[i].file]->path;
    rbk_unref(vm->envvals[i]);
    vm->envvals[i] = rbk_list_new(0);
    const rbk_fleet *f = vm->opts.fleet;
    if (!f) {
        /* one line for all the groups: the first group says it */
        for (uint32_t k = 0; k < i; k++)
            if (u->envs[k].flags & RBK_ENV_HOSTS) return 0;
        rbk_sbuf_printf(problems, "this runbook declares hosts groups (%s:%d): pass --inventory FILE (an Ansible inventory)\n",
                        path, line);
        return 1;
    }
    const rbk_fleet_group *g = rbk_fleet_group_find(f, name);
    if (!g) {
        rbk_sbuf_printf(problems, "hosts group %s (declared at %s:%d) is not in the inventory\n", name, path, line);
        return 1;
    }
    if (!g->n) {
        rbk_sbuf_printf(problems, "hosts group %s (declared at %s:%d) has no hosts in the inventory\n", name, path, line);
        return 1;
    }
    for (size_t k = 0; k < g->n; k++) rbk_list_push(vm->envvals[i], host_value(vm, &f->hosts[g->hosts[k]]));
    return 0;
}

int rbk_vm_preflight(rbk_vm *vm, rbk_sbuf *problems) {
    rbk_unit *u = vm->u;
    int n = 0;
    /* environment: all at once */
    for (uint32_t i = 0; i < u->nenvs; i++) {
        if (u->envs[i].flags & RBK_ENV_HOSTS) {
            n += hosts_group(vm, i, problems);
            continue;
        }
        if (u->envs[i].flags & RBK_ENV_LOCK) continue; /* a run lock (cli/state_run.c takes it): stays nil */
        const char *name = rbk_vm_str(vm, u->envs[i].name);
        const char *v = rbk_run_env(&vm->opts, name);
        rbk_unref(vm->envvals[i]);
        if (!v) {
            vm->envvals[i] = rbk_nil();
            if (!(u->envs[i].flags & RBK_ENV_OPTIONAL)) {
                int line, col;
                rbk_source_linecol(vm->sources.items[u->envs[i].file], u->envs[i].off, &line, &col);
                rbk_sbuf_printf(problems, "environment variable %s is not set (declared at %s:%d)\n", name,
                                vm->sources.items[u->envs[i].file]->path, line);
                n++;
            }
            continue;
        }
        vm->envvals[i] = rbk_str_cstr(v);
        /* docs/sql.md: a connection string's password is a secret, from before step 1 (the
         * journal's begin record, the first events), not only from sql.connect on */
        rbk_conninfo_passwords(v, NULL, rbk_vm_add_secret_cb, vm);
        if (u->envs[i].flags & RBK_ENV_SECRET) {
            vm->envvals[i].secret = 1;
            if (*v) rbk_vm_add_secret(vm, v, strlen(v));
        }
    }
    /* parameters */
    for (int i = 0; i < vm->opts.nparams; i++) {
        int found = 0;
        for (uint32_t j = 0; j < u->nparams; j++)
            if (!strcmp(rbk_vm_str(vm, u->params[j].name), vm->opts.params[i].key)) found = 1;
        if (!found) {
            rbk_sbuf_printf(problems, "--param %s: this runbook has no parameter of that name\n", vm->opts.params[i].key);
            n++;
        }
    }
    for (uint32_t j = 0; j < u->nparams; j++) {
        rbk_paramdecl *p = &u->params[j];
        const char *name = rbk_vm_str(vm, p->name);
        const char *given = NULL;
        for (int i = 0; i < vm->opts.nparams; i++)
            if (!strcmp(vm->opts.params[i].key, name)) given = vm->opts.params[i].value;
        rbk_value v;
        int secret = (p->flags & RBK_PARAM_SECRET) != 0;
        int container = p->type == RBK_PT_LIST || p->type == RBK_PT_MAP;
        if (given) {
            rbk_conninfo_passwords(given, NULL, rbk_vm_add_secret_cb, vm); /* as for env values above */
            rbk_sbuf why = RBK_SBUF_INIT;
            if (!rbk_param_parse(given, p->type, &v, &why)) {
                /* a secret's text is not shown, nor what a JSON error quotes of it */
                if (secret && container) {
                    rbk_sbuf_reset(&why);
                    rbk_sbuf_printf(&why, "not a valid %s", rbk_param_type_name(p->type));
                }
                rbk_sbuf_printf(problems, "--param %s=%s: %s\n", name, secret ? RBK_MASK_REPLACEMENT : given, rbk_sbuf_cstr(&why));
                rbk_sbuf_free(&why);
                n++;
                continue;
            }
            rbk_sbuf_free(&why);
        } else if (p->deflt != RBK_NONE) {
            rbk_constant *k = &u->consts[p->deflt];
            v = rbk_ref(k->v);
            if (p->type == RBK_PT_BOOL && k->kind == RBK_K_INT) v = rbk_bool(k->v.as.i != 0);
            if (container) {
                /* its JSON text (bytecode.h), verified to be a string, made as a given one is */
                rbk_sbuf why = RBK_SBUF_INIT;
                rbk_value t = v;
                int ok = rbk_param_parse(RBK_AS_STR(t)->data, p->type, &v, &why);
                rbk_unref(t);
                if (!ok) {
                    rbk_sbuf_printf(problems, "parameter %s: its default in the bytecode is not a valid %s: %s\n", name,
                                    rbk_param_type_name(p->type), rbk_sbuf_cstr(&why));
                    rbk_sbuf_free(&why);
                    n++;
                    continue;
                }
                rbk_sbuf_free(&why);
            }
        } else {
            rbk_sbuf_printf(problems, "parameter %s (%s) is required: pass --param %s=VALUE\n", name, rbk_param_type_name(p->type), name);
            n++;
            continue;
        }
        if (secret) {
            /* secret from the moment it is read (docs/secrets.md): marked, and its text, as
             * given and as the language prints it, registered; a bool's text ("true") is not
             * (the mark alone shows it as ***) */
            v = rbk_mark_secret(v);
            if (p->type != RBK_PT_BOOL) {
                if (given && *given) rbk_vm_add_secret(vm, given, strlen(given));
                rbk_sbuf t = RBK_SBUF_INIT;
                rbk_value_str(&t, v);
                if (t.len) rbk_vm_add_secret(vm, t.data, t.len);
                rbk_sbuf_free(&t);
            }
        }
        rbk_unref(vm->globals[p->global]);
        vm->globals[p->global] = v;
        vm->global_set[p->global] = 1;
    }
    /* approvals by other people: through a shared run store (docs/state.md), never the terminal */
    for (uint32_t i = 0; i < u->ngates && !vm->opts.approve && !vm->opts.dry_run; i++) { /* a dry run asks nobody */
        rbk_gatedecl *g = &u->gates[i];
        if (strcmp(rbk_vm_str(vm, u->native_names[g->native]), "approve")) continue;
        int line, col;
        rbk_source_linecol(vm->sources.items[g->file], g->off, &line, &col);
        rbk_sbuf_printf(problems, "approve at %s:%d needs a shared run store, where other people approve: "
                                  "run with --state postgresql://... (docs/state.md)\n", vm->sources.items[g->file]->path, line);
        n++;
    }
    n += preflight_gates(vm, problems);
    /* --from / --only / --fail-at name real steps */
    const char *names[3] = {vm->opts.from, vm->opts.only, vm->opts.fail_at};
    const char *flags[3] = {"--from", "--only", "--fail-at"};
    for (int k = 0; k < 3; k++) {
        if (!names[k]) continue;
        int found = 0;
        for (uint32_t i = 0; i < u->nsteps; i++) {
            if (!strcmp(rbk_vm_str(vm, u->steps[i].name), names[k])) found = 1;
            else if ((u->steps[i].flags & RBK_STEP_PER_ITEM) && rbk_instance_name_fits(vm, i, names[k])) found = 1;
        }
        if (!found) {
            rbk_sbuf_printf(problems, "%s \"%s\": no step has that name\n", flags[k], names[k]);
            n++;
        }
    }
    return n;
}


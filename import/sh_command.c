/* import/sh_command.c — one command of a Markdown runbook to calls, for `runbook import`
 * (import/imp_sh.h, docs/import.md): the shell state a step's commands share (cd, export), the
 * commands that are read-only or interactive, sleep to a wait, and the recognisers of
 * import/sh_recognise.c, else sh("...").
 * Owns: imp_call's life, imp_sh_command's verdicts, which inline code reads as a command.
 * Shares invariants with: import/sh_literal.c, import/sh_recognise.c. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sh_int.h"

/* ------------------------------------------------------------------ calls */
void imp_call_free(imp_call *k) {
    free(k->fn);
    rbk_sbuf_free(&k->args);
    free(k->sql);
    free(k->jq);
    free(k->auto_expect);
    free(k->note);
    memset(k, 0, sizeof *k);
}

char *imp_http_fn(const char *method) {
    rbk_sbuf fn = RBK_SBUF_INIT;
    rbk_sbuf_adds(&fn, "http.");
    for (const char *m = method; *m; m++) rbk_sbuf_addc(&fn, (char)tolower((unsigned char)*m));
    return rbk_sbuf_detach(&fn);
}
void imp_call_render(rbk_sbuf *b, const imp_call *k) {
    rbk_sbuf_printf(b, "%s(%s)", k->fn, k->args.len ? k->args.data : "");
}

void imp_arg(imp_call *k, const char *fmt, ...) {
    if (k->args.len) rbk_sbuf_adds(&k->args, ", ");
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(&k->args, fmt, ap);
    va_end(ap);
}

void imp_shstate_free(imp_shstate *s) {
    free(s->cwd);
    for (int i = 0; i < s->nenv; i++) { free(s->env_names[i]); free(s->env_vals[i]); }
    free(s->env_names);
    free(s->env_vals);
    memset(s, 0, sizeof *s);
}

/* dir (a literal's inside, malloc'd: taken) as the directory of the commands after it; a
 * relative one is relative to the directory set before. */
static void state_set_cwd(imp_shstate *st, char *dir) {
    if (st->cwd && dir[0] != '/') {
        rbk_sbuf d = RBK_SBUF_INIT;
        rbk_sbuf_printf(&d, "%s/%s", st->cwd, dir);
        free(dir);
        dir = rbk_sbuf_detach(&d);
    }
    free(st->cwd);
    st->cwd = dir;
}
static void state_set_env(imp_shstate *s, const char *name, const char *val) {
    for (int i = 0; i < s->nenv; i++)
        if (!strcmp(s->env_names[i], name)) { free(s->env_vals[i]); s->env_vals[i] = rbk_xstrdup(val); return; }
    s->env_names = rbk_xrealloc(s->env_names, sizeof(char *) * (size_t)(s->nenv + 1));
    s->env_vals = rbk_xrealloc(s->env_vals, sizeof(char *) * (size_t)(s->nenv + 1));
    s->env_names[s->nenv] = rbk_xstrdup(name);
    s->env_vals[s->nenv] = rbk_xstrdup(val);
    s->nenv++;
}

/* A map key: bare when it is a name, else quoted. */
void imp_map_key(rbk_sbuf *b, const char *k) {
    int bare = name_start((unsigned char)*k);
    for (const char *p = k; *p && bare; p++) bare = name_char((unsigned char)*p);
    if (bare) rbk_sbuf_adds(b, k);
    else imp_lit_q(b, k);
}

/* env: {...} of a sh call: the step's exported variables, then the passed-through ones. */
static void env_arg(imp_call *k, const imp_shstate *st, char **pass, int npass) {
    if (!st->nenv && !npass) return;
    rbk_sbuf m = RBK_SBUF_INIT;
    rbk_sbuf_adds(&m, "env: {");
    int first = 1;
    for (int i = 0; i < st->nenv; i++) {
        if (!first) rbk_sbuf_adds(&m, ", ");
        first = 0;
        imp_map_key(&m, st->env_names[i]);
        rbk_sbuf_printf(&m, ": %s", st->env_vals[i]);
    }
    for (int i = 0; i < npass; i++) {
        int dup = 0;
        for (int j = 0; j < st->nenv; j++) dup |= !strcmp(st->env_names[j], pass[i]);
        if (dup) continue;
        if (!first) rbk_sbuf_adds(&m, ", ");
        first = 0;
        imp_map_key(&m, pass[i]);
        rbk_sbuf_printf(&m, ": env.%s", pass[i]);
    }
    rbk_sbuf_addc(&m, '}');
    imp_arg(k, "%s", m.data);
    rbk_sbuf_free(&m);
}

/* Programs that only look, when none of their words changes something (docs/shell.md
 * read_only: the author's promise; here the importer's, for commands that cannot write). */
static int read_only_stage(const words *W, int a, int b) {
    if (a >= b || W->w[a].op || !W->w[a].val) return 0;
    const char *p = W->w[a].val;
    if (!strcmp(p, "sudo") && a + 1 < b) { a++; p = W->w[a].val ? W->w[a].val : ""; }
    static const char *plain[] = {"ls", "cat", "grep", "egrep", "fgrep", "head", "wc", "jq", "printenv", "echo", "printf",
                                  "pwd", "whoami", "id", "date", "df", "du", "free", "uptime", "ps", "pgrep", "which",
                                  "test", "stat", "sort", "uniq", "cut", "tr", "diff", "pg_isready", "dig", "nslookup",
                                  "host", "hostname", "uname", "true", "env", "basename", "dirname", "file", "sha256sum",
                                  "md5sum", "nproc", "lsblk", "mount", "ss", "netstat", "getent", "tac", "column", NULL};
    for (int i = 0; plain[i]; i++) {
        if (strcmp(p, plain[i])) continue;
        if (!strcmp(p, "env") && b - a > 1) return 0;   /* env X=1 cmd runs cmd */
        return 1;
    }
    const char *sub = a + 1 < b && W->w[a + 1].val ? W->w[a + 1].val : "";
    const char *sub2 = a + 2 < b && W->w[a + 2].val ? W->w[a + 2].val : "";
    if (!strcmp(p, "tail")) {
        for (int i = a + 1; i < b; i++)
            if (W->w[i].val && (!strcmp(W->w[i].val, "-f") || !strcmp(W->w[i].val, "-F") || !strcmp(W->w[i].val, "--follow"))) return 0;
        return 1;
    }
    if (!strcmp(p, "git")) {
        static const char *g[] = {"log", "status", "show", "diff", "rev-parse", "describe", "ls-files", "remote", "branch", "tag", "fetch", NULL};
        for (int i = 0; g[i]; i++)
            if (!strcmp(sub, g[i])) return strcmp(sub, "branch") && strcmp(sub, "tag") && strcmp(sub, "remote") ? 1 : b - a == 2 || !strcmp(sub2, "-v") || !strcmp(sub2, "--list") || !strcmp(sub2, "-a");
        return 0;
    }
    if (!strcmp(p, "kubectl")) {
        if (!strcmp(sub, "get") || !strcmp(sub, "describe") || !strcmp(sub, "top") || !strcmp(sub, "version") ||
            !strcmp(sub, "explain") || !strcmp(sub, "api-resources"))
            return 1;
        if (!strcmp(sub, "rollout") && !strcmp(sub2, "status")) return 1;
        if (!strcmp(sub, "config") && (!strcmp(sub2, "view") || !strcmp(sub2, "current-context"))) return 1;
        return 0;
    }
    if (!strcmp(p, "systemctl"))
        return !strcmp(sub, "status") || !strcmp(sub, "is-active") || !strcmp(sub, "is-enabled") || !strcmp(sub, "is-failed") ||
               !strcmp(sub, "show") || !strcmp(sub, "list-units") || !strcmp(sub, "cat");
    if (!strcmp(p, "docker"))
        return !strcmp(sub, "ps") || !strcmp(sub, "images") || !strcmp(sub, "inspect") || !strcmp(sub, "version") || !strcmp(sub, "info");
    if (!strcmp(p, "pm2")) {
        if (!strcmp(sub, "list") || !strcmp(sub, "ls") || !strcmp(sub, "status") || !strcmp(sub, "show") ||
            !strcmp(sub, "describe") || !strcmp(sub, "jlist"))
            return 1;
        if (!strcmp(sub, "logs"))
            for (int i = a + 2; i < b; i++)
                if (W->w[i].val && !strcmp(W->w[i].val, "--nostream")) return 1;
        return 0;
    }
    if ((!strcmp(p, "npx") && !strcmp(sub, "prisma")) || !strcmp(p, "prisma")) {
        int off = !strcmp(p, "npx") ? 2 : 1;
        const char *x = a + off < b && W->w[a + off].val ? W->w[a + off].val : "";
        const char *y = a + off + 1 < b && W->w[a + off + 1].val ? W->w[a + off + 1].val : "";
        return !strcmp(x, "migrate") && !strcmp(y, "status");
    }
    return 0;
}

/* Commands that wait for a person or never end: they cannot be run by a runbook as written. */
static const char *interactive(const words *W, int a, int b) {
    if (a >= b || W->w[a].op) return NULL;
    const char *p = W->w[a].val ? W->w[a].val : "";
    if (!strcmp(p, "sudo") && a + 1 < b) {
        if (W->w[a + 1].val && (!strcmp(W->w[a + 1].val, "-i") || !strcmp(W->w[a + 1].val, "-s") || !strcmp(W->w[a + 1].val, "su")))
            return "an interactive shell";
        a++;
        p = W->w[a].val ? W->w[a].val : "";
    }
    static const char *tty[] = {"vim", "vi", "nano", "emacs", "less", "more", "top", "htop", "watch", "tmux", "screen", "su", "pm2 monit", NULL};
    for (int i = 0; tty[i]; i++)
        if (!strcmp(p, tty[i])) return "an interactive program";
    int follow = 0, nostream = 0, args = 0;
    for (int i = a + 1; i < b; i++) {
        const char *v = W->w[i].val ? W->w[i].val : "";
        if (!strcmp(v, "-f") || !strcmp(v, "-F") || !strcmp(v, "--follow")) follow = 1;
        if (!strcmp(v, "--nostream")) nostream = 1;
        args++;
    }
    const char *sub = a + 1 < b && W->w[a + 1].val ? W->w[a + 1].val : "";
    if (follow && (!strcmp(p, "tail") || !strcmp(p, "journalctl") || (!strcmp(p, "kubectl") && !strcmp(sub, "logs")) ||
                   (!strcmp(p, "docker") && !strcmp(sub, "logs"))))
        return "it follows the log forever (-f)";
    if (!strcmp(p, "pm2") && !strcmp(sub, "logs") && !nostream) return "`pm2 logs` follows the log forever (add --nostream)";
    /* docker/podman/kubectl exec/run/attach with a terminal; compose logs -f; port-forward */
    if ((!strcmp(p, "docker") || !strcmp(p, "podman") || !strcmp(p, "kubectl") || !strcmp(p, "docker-compose")) &&
        (!strcmp(sub, "exec") || !strcmp(sub, "run") || !strcmp(sub, "attach") || !strcmp(sub, "compose"))) {
        const char *sub2 = a + 2 < b && W->w[a + 2].val ? W->w[a + 2].val : "";
        for (int i = a + 2; i < b; i++) {
            const char *v = W->w[i].val ? W->w[i].val : "";
            if (v[0] != '-') { if (strcmp(sub, "compose")) break; else continue; }
            if (!strcmp(v, "--tty") || !strcmp(v, "--interactive=true") || (v[1] != '-' && strchr(v, 't') && strcmp(sub, "compose")))
                return "an interactive session in a container (-t)";
        }
        if (!strcmp(sub, "compose") && !strcmp(sub2, "logs") && follow) return "it follows the log forever (-f)";
        if (!strcmp(sub, "attach")) return "an interactive session in a container";
    }
    if ((!strcmp(p, "docker-compose") && !strcmp(sub, "logs") && follow)) return "it follows the log forever (-f)";
    if (!strcmp(p, "kubectl") && (!strcmp(sub, "port-forward") || !strcmp(sub, "proxy"))) return "it runs until stopped";
    if (!strcmp(p, "pm2") && !strcmp(sub, "monit")) return "an interactive program";
    if ((!strcmp(p, "ssh") || !strcmp(p, "mosh")) && args <= 1) return "an interactive login";
    if ((!strcmp(p, "bash") || !strcmp(p, "sh") || !strcmp(p, "zsh")) && args == 0) return "an interactive shell";
    return NULL;
}

/* A duration literal for N[s|m|h|d] (sleep's argument), or NULL. */
char *imp_sleep_duration(const char *v) {
    char *end;
    double d = strtod(v, &end);
    if (end == v || d < 0 || d > 1e9) return NULL;
    char unit = *end ? *end : 's';
    if (*end && end[1]) return NULL;
    double ms = d * (unit == 's' ? 1000 : unit == 'm' ? 60000 : unit == 'h' ? 3600000 : unit == 'd' ? 86400000 : -1);
    if (ms < 0) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    long long m = (long long)(ms + 0.5);
    if (m % 86400000 == 0 && m) rbk_sbuf_printf(&b, "%lldd", m / 86400000);
    else if (m % 3600000 == 0 && m) rbk_sbuf_printf(&b, "%lldh", m / 3600000);
    else if (m % 60000 == 0 && m) rbk_sbuf_printf(&b, "%lldm", m / 60000);
    else if (m % 1000 == 0) rbk_sbuf_printf(&b, "%llds", m / 1000);
    else rbk_sbuf_printf(&b, "%lldms", m);
    return rbk_sbuf_detach(&b);
}

/* ------------------------------------------------------------------ a command */
static int all_words(const words *W) {
    for (int i = 0; i < W->n; i++) if (W->w[i].op) return 0;
    return 1;
}

imp_cmd_result imp_sh_command(imp_ctx *c, imp_shstate *st, const char *cmd, int line,
                              imp_call **calls, int *ncalls, char **why) {
    *calls = NULL;
    *ncalls = 0;
    *why = NULL;
    conv V;
    memset(&V, 0, sizeof V);
    V.c = c;
    V.line = line;
    char *locals = imp_sh_assigned(cmd);
    V.locals = locals;
    words W;
    memset(&W, 0, sizeof W);
    int multiline = strchr(cmd, '\n') != NULL;
    if (!multiline || !strstr(cmd, "<<")) imp_split_words(cmd, &W);
    imp_cmd_result res = IMP_CMD_CALL;
    rbk_sbuf todo = RBK_SBUF_INIT;
    /* cd DIR && rest: the directory of rest and of the commands after it (the shell stays there) */
    if (W.n >= 4 && !W.w[0].op && W.w[0].val && !strcmp(W.w[0].val, "cd") && !W.w[1].op && W.w[2].op && !strcmp(W.w[2].raw, "&&")) {
        char *dir = imp_word_string(&V, W.w[1].raw);
        const char *amp = strstr(cmd, "&&");
        if (dir && *dir && dir[0] != '~' && strcmp(dir, "-") && amp) {
            state_set_cwd(st, dir);
            const char *rest = amp + 2;
            while (*rest == ' ' || *rest == '\t') rest++;
            imp_words_free(&W);
            free(locals);
            imp_cmd_result r = imp_sh_command(c, st, rest, line, calls, ncalls, why);
            return r;
        }
        free(dir);
    }
    /* pm2 logs shows the log and then follows it: --nostream stops after the lines shown */
    if (W.n >= 2 && W.w[0].val && !strcmp(W.w[0].val, "pm2") && W.w[1].val && !strcmp(W.w[1].val, "logs") && !strstr(cmd, "--nostream") &&
        !strchr(cmd, '\n')) {
        const char *bar = strchr(cmd, '|');
        size_t at = bar ? (size_t)(bar - cmd) : strlen(cmd);
        while (at && cmd[at - 1] == ' ') at--;
        rbk_sbuf fixed = RBK_SBUF_INIT;
        rbk_sbuf_add(&fixed, cmd, at);
        rbk_sbuf_adds(&fixed, " --nostream");
        rbk_sbuf_adds(&fixed, cmd + at);
        imp_words_free(&W);
        free(locals);
        imp_cmd_result r = imp_sh_command(c, st, fixed.data, line, calls, ncalls, why);
        rbk_sbuf_free(&fixed);
        if (r == IMP_CMD_CALL && *ncalls) {
            free((*calls)[0].note);
            (*calls)[0].note = rbk_xstrdup("--nostream added: `pm2 logs` follows the log forever without it");
        }
        return r;
    }
    /* simple commands first: cd, export, assignments, sleep, interactive ones */
    if (W.n && all_words(&W) && W.w[0].val) {
        const char *p = W.w[0].val;
        if (!strcmp(p, "cd") && W.n <= 2) {
            char *dir = W.n == 2 ? imp_word_string(&V, W.w[1].raw) : NULL;
            if (!dir || !*dir || dir[0] == '~' || !strcmp(dir, "-")) {
                rbk_sbuf_adds(&todo, "only a named directory (not ~ or -, nor one the shell computes) can become the cwd: of the commands after it");
                free(dir);
                res = IMP_CMD_TODO;
                goto out;
            }
            state_set_cwd(st, dir);
            res = IMP_CMD_ABSORBED;
            goto out;
        }
        if (!strcmp(p, "sleep") && W.n == 2 && W.w[1].val) {
            char *d = imp_sleep_duration(W.w[1].val);
            if (d) {
                imp_call *k = *calls = rbk_xcalloc(1, sizeof(imp_call));
                *ncalls = 1;
                k->kind = IMP_CALL_WAIT;
                k->fn = rbk_xstrdup("wait");
                imp_arg(k, "%s", d);
                free(d);
                goto out;
            }
        }
        /* export X=v Y=w / X=v: the variables of the commands after it */
        int exp = !strcmp(p, "export");
        int assigns = 1;
        for (int i = exp; i < W.n && assigns; i++) {
            const char *r = W.w[i].raw;
            size_t k = 0;
            while (name_char((unsigned char)r[k])) k++;
            assigns = k && name_start((unsigned char)r[0]) && r[k] == '=';
        }
        if (assigns && W.n > exp) {
            for (int i = exp; i < W.n; i++) {
                const char *r = W.w[i].raw;
                const char *eq = strchr(r, '=');
                char *name = rbk_xstrndup(r, (size_t)(eq - r));
                char *val = imp_word_string(&V, eq + 1);
                if (!val) {
                    rbk_sbuf_printf(&todo, "the shell computes the value of %s: give it in the env: of the commands that need it", name);
                    free(name);
                    res = IMP_CMD_TODO;
                    goto out;
                }
                rbk_sbuf e = RBK_SBUF_INIT;
                rbk_sbuf_printf(&e, "\"%s\"", val);
                state_set_env(st, name, e.data);
                rbk_sbuf_free(&e);
                free(name);
                free(val);
            }
            res = IMP_CMD_ABSORBED;
            goto out;
        }
        if (exp) { res = IMP_CMD_ABSORBED; goto out; } /* export NAME: already in the environment */
    }
    if (W.n) {
        /* the first stage of each pipeline decides whether a person is needed */
        int a = 0;
        for (int i = 0; i <= W.n; i++) {
            if (i == W.n || (W.w[i].op && strcmp(W.w[i].raw, ">") && strcmp(W.w[i].raw, "<") && strcmp(W.w[i].raw, ">>") &&
                             strcmp(W.w[i].raw, "2>") && strcmp(W.w[i].raw, "2>&1"))) {
                const char *r = interactive(&W, a, i);
                if (r) {
                    rbk_sbuf_printf(&todo, "not run (%s)", r);
                    res = IMP_CMD_TODO;
                    goto out;
                }
                a = i + 1;
            }
        }
        if (!strcmp(W.w[0].val ? W.w[0].val : "", "psql")) {
            int interactive_psql = 1;
            for (int i = 1; i < W.n; i++) {
                const char *v = W.w[i].val ? W.w[i].val : "";
                if (W.w[i].op || !strcmp(v, "-c") || !strcmp(v, "-f") || !strncmp(v, "--command", 9) || !strncmp(v, "--file", 6) ||
                    (v[0] == '-' && v[1] != '-' && strchr(v, 'c')))
                    interactive_psql = 0;
            }
            if (interactive_psql) {
                rbk_sbuf_adds(&todo, "not run (psql without -c, -f or < is an interactive session)");
                res = IMP_CMD_TODO;
                goto out;
            }
        }
        imp_call *one = rbk_xcalloc(1, sizeof(imp_call));
        if (imp_try_curl(&V, &W, one)) {
            one->line = line;
            *calls = one;
            *ncalls = 1;
            goto out;
        }
        imp_call_free(one);
        if (imp_try_pg_dump(&V, &W, one, &todo)) {
            one->line = line;
            *calls = one;
            *ncalls = 1;
            goto out;
        }
        free(one);
        if (imp_try_psql(&V, &W, calls, ncalls, &todo)) {
            for (int i = 0; i < *ncalls; i++) (*calls)[i].line = line;
            goto out;
        }
    }
    /* anything else: sh("...") */
    {
        V.triple = strchr(cmd, '\n') != NULL;
        /* bash syntax: exec(["bash", "-c", TEXT]) with the text as written (no interpolation: every
         * variable comes through env:, so bash expands it exactly as the document says) */
        const char *bash = imp_bashism(cmd);
        /* a command with a here-document: every variable through env: too (no value anywhere
         * in it: the body's lines are the shell's to read, and where a body ends depends on
         * how each shell joins its lines) */
        V.pass_all = bash != NULL || imp_has_heredoc(cmd);
        imp_convert(&V, cmd);
        imp_call *k = *calls = rbk_xcalloc(1, sizeof(imp_call));
        *ncalls = 1;
        k->kind = IMP_CALL_SH;
        k->fn = rbk_xstrdup(bash ? "exec" : "sh");
        k->line = line;
        if (bash) {
            rbk_sbuf n = RBK_SBUF_INIT;
            rbk_sbuf_printf(&n, "bash syntax (%s): run by bash -c, not /bin/sh; its variables come through env:", bash);
            k->note = rbk_sbuf_detach(&n);
            rbk_sbuf_adds(&k->args, "[\"bash\", \"-c\", ");
        }
        if (V.placeholder_left) rbk_sbuf_adds(&todo, "a <placeholder> where a value cannot be spliced (bash syntax, `...`, $( ) in quotes) is left as written: give its value");
        if (strchr(cmd, '\n')) {
            /* a multi-line command: a """ literal, each line indented by the writer (the
             * language removes the common indentation: the text is exactly the command) */
            imp_lit3_block(&k->args, V.out.data ? V.out.data : "");
        } else {
            rbk_sbuf_printf(&k->args, "\"%s\"", V.out.data ? V.out.data : "");
        }
        if (bash) rbk_sbuf_addc(&k->args, ']');
        if (st->cwd) imp_arg(k, "cwd: \"%s\"", st->cwd);
        env_arg(k, st, V.pass, V.npass);
        /* read_only: every stage of the pipeline only looks, and nothing is redirected to a file */
        int ro = W.n > 0;
        int a = 0;
        for (int i = 0; ro && i <= W.n; i++) {
            if (i < W.n && W.w[i].op) {
                const char *o = W.w[i].raw;
                if (!strcmp(o, ">") || !strcmp(o, ">>") || !strcmp(o, "&>") || !strcmp(o, "&>>") || !strcmp(o, "2>") || !strcmp(o, "2>>")) {
                    if (i + 1 >= W.n || !W.w[i + 1].val || strcmp(W.w[i + 1].val, "/dev/null")) ro = 0;
                    i++;
                    continue;
                }
                if (!strcmp(o, "2>&1") || !strcmp(o, ">&2")) continue;
                if (strcmp(o, "|") && strcmp(o, "&&") && strcmp(o, "||") && strcmp(o, ";")) { ro = 0; break; }
            }
            if (i == W.n || W.w[i].op) {
                int e = i;
                /* a stage ends at its first redirection */
                for (int q = a; q < i; q++) if (W.w[q].op) { e = q; break; }
                if (!read_only_stage(&W, a, e)) ro = 0;
                a = i + 1;
            }
        }
        if (ro) imp_arg(k, "read_only: true");
        for (int i = 0; i < W.n; i++)
            if (!W.w[i].op && W.w[i].val && (!strcmp(W.w[i].val, "grep") || !strcmp(W.w[i].val, "egrep"))) k->grep = 1;
    }
out:
    if (todo.len) *why = rbk_sbuf_detach(&todo);
    rbk_sbuf_free(&todo);
    imp_words_free(&W);
    free(locals);
    rbk_sbuf_free(&V.out);
    for (int i = 0; i < V.npass; i++) free(V.pass[i]);
    free(V.pass);
    return res;
}

/* ------------------------------------------------------------------ inline code */
int imp_looks_like_command(const char *code) {
    static const char *progs[] = {"npm", "npx", "node", "yarn", "pnpm", "git", "curl", "wget", "psql", "pg_dump", "pg_restore",
                                  "pg_isready", "kubectl", "helm", "docker", "docker-compose", "podman", "systemctl",
                                  "journalctl", "pm2", "python", "python3", "pip", "bash", "sh", "make", "terraform", "aws",
                                  "gcloud", "az", "redis-cli", "mysql", "sudo", "railway", "stripe", "ssh", "scp", "rsync",
                                  "ls", "cat", "grep", "echo", "printenv", "export", "cd", "cp", "mv", "rm", "mkdir", "tar",
                                  "go", "cargo", "bundle", "rails", "rake", "php", "composer", "mvn", "gradle", "java",
                                  "dotnet", "flyway", "liquibase", "alembic", "prisma", "ansible", "ansible-playbook",
                                  "vault", "consul", "nomad", "heroku", "fly", "flyctl", "vercel", "supabase", "sleep",
                                  "tail", "head", "jq", "openssl", "dig", "nc", "sqlite3", "mongosh", "pg_basebackup",
                                  "crontab", "service", "nginx", "apachectl", "certbot", "deno", "bun", "uv", NULL};
    while (*code == ' ') code++;
    if (*code == '$' && code[1] == ' ') code += 2;
    size_t n = 0;
    while (code[n] && code[n] != ' ') n++;
    if (!n) return 0;
    if (!strncmp(code, "./", 2) || (!strncmp(code, "scripts/", 8) && (strstr(code, ".sh") || strstr(code, ".py")))) return 1;
    for (int i = 0; progs[i]; i++)
        if (strlen(progs[i]) == n && !memcmp(progs[i], code, n)) return code[n] == ' ' || !strcmp(progs[i], "printenv");
    return 0;
}

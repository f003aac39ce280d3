/* cli/complete.c — `runbook __complete WHAT [ARG]`, the hidden command the shell completions
 * (completions/runbook.bash, completions/_runbook) call. One answer a line on stdout, nothing
 * on stderr, exit 0 (exit 64 for an unknown WHAT):
 *   commands        the subcommands of the synopsis (`runbook --help`)
 *   options CMD     CMD's options, each `OPTION<TAB>VALUE` (VALUE empty for a flag), as the
 *                   synopsis writes them: `--format<TAB>text|json|github|sarif`
 *   steps FILE      the step names of a runbook (.rb, .runbook or .rbc), in order
 *   params FILE     its parameter names
 * Commands and options come from the synopsis text that `runbook --help` prints (the table of
 * cli/commands.c passes it in), which tests/install/man_test.sh keeps equal to docs/cli.md: the
 * completions hold no list of their own that could drift. Steps and params of a source file
 * come from the checker even when the file has errors (the author is still writing it); a step
 * name that holds a newline cannot be one line and is left out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../compiler/compiler.h"
#include "../support/readfile.h"

/* The synopsis lines of one command (its first line and the continuation lines under it),
 * joined with spaces into out. Returns 0 when the command is not in the text. */
static int command_synopsis(const char *usage, const char *cmd, rbk_sbuf *out) {
    int in = 0, found = 0;
    for (const char *p = usage; *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        const char *q = p;
        while (q < p + l && *q == ' ') q++;
        if (l > 0 && !strncmp(q, "runbook ", 8)) {
            const char *w = q + 8;
            size_t wl = strcspn(w, " \n");
            in = wl == strlen(cmd) && !strncmp(w, cmd, wl);
            if (in) { found = 1; rbk_sbuf_add(out, w + wl, (size_t)(p + l - (w + wl))); }
        } else if (in && q > p && q < p + l) {
            rbk_sbuf_addc(out, ' ');
            rbk_sbuf_add(out, q, (size_t)(p + l - q));
        } else {
            in = 0; /* "exit codes: ..." and anything else that is not indented */
        }
        if (!nl) break;
        p = nl + 1;
    }
    return found;
}

static void list_commands(const char *usage) {
    for (const char *p = usage; *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        const char *q = p;
        while (q < p + l && *q == ' ') q++;
        if (q > p && !strncmp(q, "runbook ", 8)) {
            const char *w = q + 8;
            printf("%.*s\n", (int)strcspn(w, " \n"), w);
        }
        if (!nl) break;
        p = nl + 1;
    }
}

/* Every `-x` word of the synopsis, with the word after it inside the same [ ] (its value). */
static void list_options(const char *syn) {
    const char *p = syn;
    while (*p) {
        if (*p == '[' || *p == ']' || *p == ' ' || *p == '.' || *p == '|') { p++; continue; }
        size_t wl = strcspn(p, " []");
        if (*p == '-' && wl > 1) {
            printf("%.*s\t", (int)wl, p);
            const char *v = p + wl;
            if (*v == ' ' && v[1] != '[' && v[1] != '-' && v[1] != '|') {
                v++;
                printf("%.*s", (int)strcspn(v, " []"), v);
                p = v + strcspn(v, " []");
            } else {
                p = v;
            }
            putchar('\n');
            continue;
        }
        p += wl ? wl : 1;
    }
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static void put_name(const char *s) {
    if (!strchr(s, '\n')) printf("%s\n", s);
}

/* steps (want 's') or params ('p') of FILE */
static int list_names(const char *path, int want) {
    if (ends_with(path, ".rbc")) {
        rbk_sbuf b = RBK_SBUF_INIT, e = RBK_SBUF_INIT;
        /* support/readfile.h: a shell's completion must never wait on a FIFO or read a device */
        if (rbk_read_file(path, RBK_READ_MAX_ARTIFACT, 0, &b, &e) != RBK_READ_OK) { rbk_sbuf_free(&b); rbk_sbuf_free(&e); return 0; }
        rbk_sbuf_free(&e);
        char *err = NULL;
        rbk_unit *u = rbk_bc_load((const uint8_t *)b.data, b.len, &err);
        rbk_sbuf_free(&b);
        free(err);
        if (!u) return 0;
        uint32_t n = want == 's' ? u->nsteps : u->nparams;
        for (uint32_t i = 0; i < n; i++)
            put_name(rbk_unit_str(u, want == 's' ? u->steps[i].name : u->params[i].name, NULL));
        rbk_unit_free(u);
        return 0;
    }
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    rbk_compiler *c = rbk_compile_load(path, &sources, &diags);
    if (c && want == 's')
        for (int i = 0; i < c->nsteps; i++) put_name(c->steps[i].name);
    if (c && want == 'p')
        for (int i = 0; i < c->nparams; i++) put_name(c->params[i]->str);
    rbk_compiler_free(c);
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    return 0;
}

int rbk_cli_complete(const char *usage_text, int argc, char **argv) {
    if (argc == 1 && !strcmp(argv[0], "commands")) { list_commands(usage_text); return 0; }
    if (argc == 2 && !strcmp(argv[0], "options")) {
        rbk_sbuf syn = RBK_SBUF_INIT;
        if (command_synopsis(usage_text, argv[1], &syn)) list_options(rbk_sbuf_cstr(&syn));
        rbk_sbuf_free(&syn);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[0], "steps")) return list_names(argv[1], 's');
    if (argc == 2 && !strcmp(argv[0], "params")) return list_names(argv[1], 'p');
    fputs("usage: runbook __complete commands | options CMD | steps FILE | params FILE\n", stderr);
    return 64;
}

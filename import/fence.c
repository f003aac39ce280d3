/* import/fence.c — the fenced blocks of a Markdown runbook, for `runbook import`
 * (import/imp_doc.h, docs/import.md): a shell or console fence to calls (its commands through
 * import/sh_*.c, their "# Expected" comments and output lines to expectations), an SQL fence
 * to db calls, and the blocks that are kept as they are (configuration, pasted output).
 * Owns: which fence language is read as what; the shell state a step's fences share.
 * Shares invariants with: import/imp_sh.h (the commands), import/expect.c (expected values). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imp_doc.h"

/* The shell fence's commands. */
static void shell_fence(imp *I, step_out *s, const rbk_md_block *f, int rb, int console) {
    rbk_md_line *lines = f->lines;
    int n = f->nlines;
    rbk_md_line *conv = NULL;
    if (console) {
        /* $ commands, the lines below them their output */
        conv = rbk_xcalloc((size_t)n * 2 + 1, sizeof(rbk_md_line));
        int m = 0, in_out = 0;
        for (int i = 0; i < n; i++) {
            const char *t = lines[i].text;
            if (!strncmp(t, "$ ", 2) || !strcmp(t, "$")) {
                conv[m].text = rbk_xstrdup(t + (t[1] ? 2 : 1));
                conv[m++].line = lines[i].line;
                in_out = 0;
            } else if (!*t) {
                conv[m].text = rbk_xstrdup("");
                conv[m++].line = lines[i].line;
                in_out = 0;
            } else {
                if (!in_out) {
                    conv[m].text = rbk_xstrdup("# Expected output:");
                    conv[m++].line = lines[i].line;
                    in_out = 1;
                }
                rbk_sbuf b = RBK_SBUF_INIT;
                rbk_sbuf_printf(&b, "# %s", t);
                conv[m].text = rbk_sbuf_detach(&b);
                conv[m++].line = lines[i].line;
            }
        }
        lines = conv;
        n = m;
    }
    imp_sh_item *items;
    int ni = imp_sh_split(lines, n, &items);
    /* a block of assignments only (NAME=value, export NAME=value) and comments: declarations */
    int ncmd = 0, nassign = 0;
    for (int i = 0; i < ni; i++) {
        if (items[i].kind != IMP_SH_CMD) continue;
        ncmd++;
        const char *t = items[i].text;
        if (!strncmp(t, "export ", 7)) t += 7;
        size_t k = 0;
        while (isalnum((unsigned char)t[k]) || t[k] == '_') k++;
        if (k && !isdigit((unsigned char)t[0]) && t[k] == '=' && !strchr(t, '\n') && !strchr(t + k, ' ') && !strstr(t, "$(")) nassign++;
    }
    if (ncmd && nassign == ncmd && ncmd >= 2 && !I->sheet) {
        rbk_sbuf last_comment = RBK_SBUF_INIT;
        for (int i = 0; i < ni; i++) {
            if (items[i].kind == IMP_SH_COMMENT) { rbk_sbuf_reset(&last_comment); rbk_sbuf_adds(&last_comment, items[i].text); continue; }
            if (items[i].kind != IMP_SH_CMD) continue;
            const char *t = items[i].text;
            if (!strncmp(t, "export ", 7)) t += 7;
            const char *eq = strchr(t, '=');
            imp_env *e = imp_env_use(&I->c, t, (size_t)(eq - t), items[i].line);
            if (!e->note) {
                rbk_sbuf note = RBK_SBUF_INIT;
                if (items[i].note) rbk_sbuf_adds(&note, items[i].note);
                const char *v = eq + 1;
                if (*v) rbk_sbuf_printf(&note, "%sthe document: %s", note.len ? " — " : "", v);
                e->note = note.len ? rbk_sbuf_detach(&note) : NULL;
                rbk_sbuf_free(&note);
            }
        }
        rbk_sbuf_free(&last_comment);
        rbk_sbuf m = RBK_SBUF_INIT;
        rbk_sbuf_printf(&m, "(the variables of the block at line %d are the env declarations at the top)", f->line);
        imp_desc_line(&s->desc, m.data);
        rbk_sbuf_free(&m);
        imp_sh_items_free(items, ni);
        if (conv) { for (int i = 0; i < n; i++) free(conv[i].text); free(conv); }
        return;
    }
    /* commands that share a variable one of them sets (X=$(...) then $X) run as one */
    int *group_end = rbk_xcalloc((size_t)ni + 1, sizeof(int));
    for (int i = 0; i < ni; i++) group_end[i] = i;
    for (int i = 0; i < ni; i++) {
        if (items[i].kind != IMP_SH_CMD) continue;
        char *as = imp_sh_assigned(items[i].text);
        for (char *nm = strtok(as, " "); nm; nm = strtok(NULL, " "))
            for (int j = i + 1; j < ni; j++)
                if (items[j].kind == IMP_SH_CMD && imp_sh_reads(items[j].text, nm) && j > group_end[i]) group_end[i] = j;
        free(as);
    }
    int in_expected_block = 0, after_blank = 1;
    int examples = 0, alternative = 0, last_todo = 0, ran = 0;
    for (int i = 0; i < ni; i++) {
        imp_sh_item *it = &items[i];
        if (it->kind == IMP_SH_OUTPUT) {
            /* output written as it is under "# Expected output:": a JSON document's fields, or
             * each line */
            rbk_sbuf all = RBK_SBUF_INIT;
            int first = it->line;
            while (i < ni && items[i].kind == IMP_SH_OUTPUT) {
                rbk_sbuf_adds(&all, items[i].text);
                rbk_sbuf_addc(&all, '\n');
                i++;
            }
            i--;
            if (!in_expected_block) I->c.expected++;
            int ok = s->pend.k && s->pend_rb == rb;
            if (ok) {
                ev e;
                memset(&e, 0, sizeof e);
                int check_false = 0;
                const char *t = all.data;
                while (*t == ' ') t++;
                if (*t == '{' || *t == '[') {
                    ok = imp_fields(t, &e) && (e.kind = EV_FIELDS, imp_expectations(s->pend.k, &e, &s->pend.exps, &s->pend.want_scalar, &check_false));
                } else {
                    for (const char *p = all.data; ok && *p;) {
                        const char *nl = strchr(p, '\n');
                        size_t ln = (size_t)(nl - p);
                        char *line = imp_trim_dup(p, ln);
                        if (*line) {
                            ev one;
                            memset(&one, 0, sizeof one);
                            one.kind = EV_STRING;
                            one.lit = imp_quote_lit(line, strlen(line));
                            ok = imp_expectations(s->pend.k, &one, &s->pend.exps, &s->pend.want_scalar, &check_false);
                            imp_ev_free(&one);
                        }
                        free(line);
                        p = nl + 1;
                    }
                }
                imp_ev_free(&e);
            }
            if (ok) {
                s->pend.nexps++;
                I->c.expected_done++;
            } else {
                char *t = imp_todo(&I->c, first, "the expected output below is not checked: write the expectation");
                imp_comment(I, s, rb, t);
                free(t);
            }
            imp_comment(I, s, rb, all.data);
            rbk_sbuf_free(&all);
            in_expected_block = 0;
            continue;
        }
        if (it->kind == IMP_SH_BLANK) {
            in_expected_block = 0;
            after_blank = 1;
            continue;
        }
        if (it->kind == IMP_SH_COMMENT) {
            const char *v = imp_expected_marker(it->text);
            if (v && !s->pend.k && last_todo) {
                /* the expectation of a command that was not translated: kept with it */
                I->c.expected++;
                imp_comment(I, s, rb, it->text);
                continue;
            }
            /* "# or", "# PM2 example:" ... "# Systemd example:": alternatives, the first is run */
            size_t tl = strlen(it->text);
            if (!strcasecmp(it->text, "or") || !strcasecmp(it->text, "or:") || ci_starts(it->text, "alternatively") ||
                !strcasecmp(it->text, "or,")) {
                if (ran) alternative = 1;
            } else if ((tl >= 8 && !strcasecmp(it->text + tl - 8, "example:")) || (tl >= 7 && !strcasecmp(it->text + tl - 7, "example"))) {
                if (++examples >= 2 && ran) alternative = 1;
            }
            if (v && s->pend.k && s->pend_rb == rb) {
                if (*v) imp_expected(I, s, rb, v, it->line);
                else in_expected_block = 1, I->c.expected++;
                continue;
            }
            if (in_expected_block) {
                /* a line of the expected output */
                ev e;
                imp_classify(it->text, &e);
                int check_false = 0;
                rbk_sbuf one = RBK_SBUF_INIT;
                if (e.kind == EV_PROSE) { imp_ev_free(&e); e.kind = EV_STRING; e.lit = imp_quote_lit(it->text, strlen(it->text)); }
                int ok = s->pend.k && imp_expectations(s->pend.k, &e, &s->pend.exps, &s->pend.want_scalar, &check_false);
                imp_ev_free(&e);
                rbk_sbuf_free(&one);
                if (ok) {
                    if (in_expected_block == 1) I->c.expected_done++;
                    in_expected_block = 2;
                    s->pend.nexps++;
                } else {
                    char *t = imp_todo(&I->c, it->line, "expected output line \"%s\" not checked", it->text);
                    imp_note_after(I, s, rb, t);
                    free(t);
                }
                continue;
            }
            if (v && !s->pend.k) {
                imp_expected(I, s, rb, *v ? v : it->text, it->line);
                continue;
            }
            if (s->pend.k && !after_blank) imp_note_after(I, s, rb, it->text);
            else imp_comment(I, s, rb, it->text);
            continue;
        }
        after_blank = 0;
        in_expected_block = 0;
        if (alternative) {
            /* an alternative to the command above: the author keeps one */
            alternative = 0;
            I->c.cmds++;
            imp_flush(I, s);
            {
                const char *nl = strchr(it->text, '\n');
                imp_todo_comment(I, s, rb, it->line, "`%.*s%s` is an alternative to the command above, which is run: keep the one this system uses",
                             (int)(nl ? (size_t)(nl - it->text) : strlen(it->text)), it->text, nl ? " ..." : "");
            }
            imp_comment(I, s, rb, it->text);
            last_todo = 1;
            continue;
        }
        /* a command, or a group of them */
        int end = group_end[i];
        for (int j = i; j <= end; j++)
            if (items[j].kind == IMP_SH_CMD && group_end[j] > end) end = group_end[j];
        rbk_sbuf text = RBK_SBUF_INIT;
        int ncmds = 0;
        for (int j = i; j <= end; j++) {
            if (items[j].kind == IMP_SH_BLANK && j > i) continue;
            if (text.len) rbk_sbuf_addc(&text, '\n');
            if (items[j].kind == IMP_SH_COMMENT) {
                rbk_sbuf_printf(&text, "# %s", items[j].text);
            } else { rbk_sbuf_adds(&text, items[j].text); ncmds++; }
        }
        if (it->note) imp_comment(I, s, rb, it->note);
        I->c.cmds += ncmds;
        if (I->sheet) {
            rbk_sbuf m = RBK_SBUF_INIT;
            rbk_sbuf_printf(&m, "(evidence command, not run from the sheet: %s)", text.data);
            imp_comment(I, s, rb, m.data);
            rbk_sbuf_free(&m);
            rbk_sbuf_free(&text);
            i = end;
            continue;
        }
        imp_call *calls;
        int nc;
        char *why;
        imp_cmd_result r = imp_sh_command(&I->c, &s->sh, text.data, it->line, &calls, &nc, &why);
        if (r == IMP_CMD_CALL) {
            I->c.cmds_called += ncmds;
            imp_put_calls(I, s, rb, it->line, calls, nc, why);
            /* an "Expected" comment between the commands of a group cannot be checked on its own */
            for (int j = i; j < end; j++) {
                if (items[j].kind != IMP_SH_COMMENT || !imp_expected_marker(items[j].text)) continue;
                I->c.expected++;
                char *t = imp_todo(&I->c, items[j].line,
                                   "\"%s\" is between commands that share shell variables (one sh call): check it in the command",
                                   items[j].text);
                imp_note_after(I, s, rb, t);
                free(t);
            }
            last_todo = 0;
            ran = 1;
        } else if (r == IMP_CMD_ABSORBED) {
            I->c.cmds_absorbed += ncmds;
            imp_flush(I, s);
            rbk_sbuf m = RBK_SBUF_INIT;
            rbk_sbuf_printf(&m, "%s  (for the commands below: %s)", text.data,
                            !strncmp(text.data, "cd", 2) ? "cwd:" : "env:");
            imp_comment(I, s, rb, m.data);
            rbk_sbuf_free(&m);
        } else {
            imp_flush(I, s);
            {
                const char *nl = strchr(text.data, '\n');
                imp_todo_comment(I, s, rb, it->line, "%s: `%.*s%s` is kept as a comment below", why ? why : "not translated",
                             (int)(nl ? (size_t)(nl - text.data) : text.len), text.data, nl ? " ..." : "");
            }
            imp_comment(I, s, rb, text.data);
            last_todo = 1;
        }
        free(why);
        rbk_sbuf_free(&text);
        i = end;
    }
    free(group_end);
    imp_sh_items_free(items, ni);
    if (conv) { for (int i = 0; i < n; i++) free(conv[i].text); free(conv); }
}

/* An SQL fence: one call per statement on the DATABASE_URL connection. */
static void sql_fence(imp *I, step_out *s, const rbk_md_block *f, int rb) {
    int declared = 0;
    for (int i = 0; i < I->c.nenvs; i++) declared |= !strcmp(I->c.envs[i].name, "DATABASE_URL");
    imp_env *e = imp_env_use(&I->c, "DATABASE_URL", 12, f->line);
    e->secret = 1;
    if (!declared) imp_todo_comment(I, s, rb, f->line, "which database? the statements below run on DATABASE_URL");
    const char *conn = imp_conn_for(&I->c, "env.DATABASE_URL");
    rbk_sbuf stmt_text = RBK_SBUF_INIT;
    int stmt_line = 0;
    char q = 0;
    for (int i = 0; i < f->nlines; i++) {
        const char *t = f->lines[i].text;
        const char *p = t;
        while (*p == ' ' || *p == '\t') p++;
        if (!stmt_text.len && !q) {
            if (!*p) { imp_flush(I, s); continue; }
            if (!strncmp(p, "--", 2)) {
                const char *c = p + 2;
                while (*c == ' ') c++;
                const char *v = imp_expected_marker(c);
                if (v && *v) imp_expected(I, s, rb, v, f->lines[i].line);
                else if (s->pend.k) imp_note_after(I, s, rb, c);
                else imp_comment(I, s, rb, c);
                continue;
            }
            if (*p == '\\') {
                imp_flush(I, s);
                imp_todo_comment(I, s, rb, f->lines[i].line, "the psql meta-command `%s` has no SQL equivalent: kept as a comment", p);
                continue;
            }
            stmt_line = f->lines[i].line;
        }
        if (stmt_text.len) rbk_sbuf_addc(&stmt_text, '\n');
        /* up to a ; outside quotes; a -- comment ends the line */
        for (const char *c = t; *c; c++) {
            if (q) { if (*c == q) q = 0; rbk_sbuf_addc(&stmt_text, *c); continue; }
            if (*c == '\'' || *c == '"') { q = *c; rbk_sbuf_addc(&stmt_text, *c); continue; }
            if (c[0] == '-' && c[1] == '-') break;
            if (*c == ';') {
                char *sql = imp_trim_dup(stmt_text.data, stmt_text.len);
                if (*sql) {
                    I->c.cmds++;
                    I->c.cmds_called++;
                    imp_call *k = rbk_xcalloc(1, sizeof(imp_call));
                    k->kind = IMP_CALL_SQL;
                    k->line = stmt_line;
                    static const char *sel[] = {"select", "with", "show", "values", "table", "explain", NULL};
                    for (int z = 0; sel[z]; z++)
                        if (!strncasecmp(sql, sel[z], strlen(sel[z])) && !isalnum((unsigned char)sql[strlen(sel[z])])) k->sql_select = 1;
                    rbk_sbuf fn = RBK_SBUF_INIT;
                    rbk_sbuf_printf(&fn, "%s.%s", conn, k->sql_select ? "query" : "exec");
                    k->fn = rbk_sbuf_detach(&fn);
                    rbk_sbuf l = RBK_SBUF_INIT;
                    if (strchr(sql, '\n')) {
                        rbk_sbuf body = RBK_SBUF_INIT;
                        imp_lit3(&body, sql, strlen(sql));
                        imp_lit3_block(&k->args, body.data ? body.data : "");
                        rbk_sbuf_free(&body);
                    } else {
                        imp_lit(&l, sql, strlen(sql));
                        rbk_sbuf_printf(&k->args, "\"%s\"", l.data ? l.data : "");
                    }
                    rbk_sbuf_free(&l);
                    imp_put_call(I, s, rb, k);
                }
                free(sql);
                rbk_sbuf_reset(&stmt_text);
                stmt_line = f->lines[i].line;
                continue;
            }
            rbk_sbuf_addc(&stmt_text, *c);
        }
    }
    char *rest = imp_trim_dup(stmt_text.data ? stmt_text.data : "", stmt_text.len);
    if (*rest) {
        I->c.cmds++;
        imp_flush(I, s);
        imp_todo_comment(I, s, rb, stmt_line, "an SQL statement without its ';' at the end of the block: kept as a comment below");
        imp_comment(I, s, rb, rest);
    }
    free(rest);
    rbk_sbuf_free(&stmt_text);
}

static int paste_block(const rbk_md_block *f) {
    for (int i = 0; i < f->nlines; i++) {
        const char *t = f->lines[i].text;
        while (*t == ' ') t++;
        if (!*t) continue;
        size_t n = strlen(t);
        if ((t[0] == '<' && t[n - 1] == '>') || strstr(t, "___") || ci_find(t, "paste")) continue;
        return 0;
    }
    return 1;
}

static const char *fence_lang(const rbk_md_block *f, char *buf, size_t cap) {
    size_t n = 0;
    const char *p = f->text ? f->text : "";
    if (*p == '{') p++;
    if (*p == '.') p++;
    while (p[n] && !strchr(" \t,{}", p[n]) && n + 1 < cap) { buf[n] = (char)tolower((unsigned char)p[n]); n++; }
    buf[n] = 0;
    return buf;
}

void imp_fence(imp *I, step_out *s, const rbk_md_block *f, label_kind label, int rb) {
    char lang[32];
    fence_lang(f, lang, sizeof lang);
    static const char *shells[] = {"bash", "sh", "shell", "zsh", "ksh", "shellscript", "bash-session", NULL};
    static const char *consoles[] = {"console", "shell-session", "sh-session", "terminal", "shellsession", NULL};
    static const char *sqls[] = {"sql", "psql", "pgsql", "postgresql", "postgres", "plpgsql", NULL};
    int is_shell = 0, is_console = 0, is_sql = 0;
    for (int i = 0; shells[i]; i++) is_shell |= !strcmp(lang, shells[i]);
    for (int i = 0; consoles[i]; i++) is_console |= !strcmp(lang, consoles[i]);
    for (int i = 0; sqls[i]; i++) is_sql |= !strcmp(lang, sqls[i]);
    if (!*lang && f->nlines) {
        int all_prompts = 1;
        for (int i = 0; i < f->nlines; i++)
            if (f->lines[i].text[0] && strncmp(f->lines[i].text, "$ ", 2)) all_prompts = 0;
        if (all_prompts) is_console = 1;
    }
    if (I->sheet || (!is_shell && !is_sql && !is_console && paste_block(f))) {
        imp_flush(I, s);
        imp_comment(I, s, rb, "(a block to paste evidence into: the run's report records it — runbook run --report)");
        return;
    }
    if (label == LB_EXPECT && !is_shell && !is_sql && !is_console) {
        /* expected output: each line, or the JSON's fields */
        I->c.expected++;
        if (!s->pend.k || s->pend_rb != rb) {
            imp_todo_comment(I, s, rb, f->line, "expected output with no command before it to check");
            return;
        }
        rbk_sbuf all = RBK_SBUF_INIT;
        for (int i = 0; i < f->nlines; i++) { rbk_sbuf_adds(&all, f->lines[i].text); rbk_sbuf_addc(&all, '\n'); }
        ev e;
        memset(&e, 0, sizeof e);
        int ok = 0, check_false = 0;
        if (all.len && (all.data[0] == '{') && imp_fields(all.data, &e)) {
            e.kind = EV_FIELDS;
            ok = imp_expectations(s->pend.k, &e, &s->pend.exps, &s->pend.want_scalar, &check_false);
        } else {
            ok = 1;
            for (int i = 0; i < f->nlines && ok; i++) {
                if (!f->lines[i].text[0]) continue;
                ev one;
                memset(&one, 0, sizeof one);
                one.kind = EV_STRING;
                one.lit = imp_quote_lit(f->lines[i].text, strlen(f->lines[i].text));
                ok = imp_expectations(s->pend.k, &one, &s->pend.exps, &s->pend.want_scalar, &check_false);
                imp_ev_free(&one);
            }
        }
        imp_ev_free(&e);
        rbk_sbuf_free(&all);
        if (ok) { I->c.expected_done++; s->pend.nexps++; }
        else imp_todo_comment(I, s, rb, f->line, "expected output block not checked");
        return;
    }
    if (is_shell || is_console) { shell_fence(I, s, f, rb, is_console); return; }
    if (is_sql) { sql_fence(I, s, f, rb); return; }
    imp_flush(I, s);
    if (*lang) imp_todo_comment(I, s, rb, f->line, "a ```%s block is not translated: kept as a comment below", lang);
    else imp_todo_comment(I, s, rb, f->line, "a code block without a language is not translated: kept as a comment below");
    for (int i = 0; i < f->nlines; i++) imp_comment(I, s, rb, f->lines[i].text[0] ? f->lines[i].text : " ");
}

/* `GET /path` (→ `200` with `{ ok: true }`): an HTTP call on base_url. */

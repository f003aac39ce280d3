/* import/sh_int.h — the seams inside the shell half of `runbook import` (a fenced block's
 * lines to commands, a command to calls; docs/import.md):
 *   import/sh_split.c      lines to whole commands, a command to words, the names it assigns
 *   import/sh_literal.c    a command to the literal of sh("..."): $VAR, <placeholder>, quoting
 *   import/sh_recognise.c  curl, psql and pg_dump to http, db and std/pg calls
 *   import/sh_command.c    one command to its calls (imp_sh_command), the shell state, sleep
 * Owns: words (a command as the shell splits it) and conv (one literal being written).
 * Shares invariants with: import/imp.h (what the document half is given). */
#ifndef RBK_SH_INT_H
#define RBK_SH_INT_H
#include <ctype.h>
#include "imp.h"

typedef struct word {
    int op;              /* an operator: | || && ; & > >> < << <<< 2> &> ( ) */
    char *raw;           /* as written */
    char *val;           /* quote removal done; NULL when it has an expansion ($, `) */
    int dollar;          /* holds $ or ` outside single quotes */
} word;

typedef struct words { word *w; int n, cap; } words;

typedef struct conv {
    imp_ctx *c;
    const char *locals;  /* " X Y " */
    int line;
    rbk_sbuf out;        /* the literal's inside */
    char **pass; int npass, cappass;   /* names passed through env: */
    int triple;          /* the literal is a """ one: newlines stay */
    int pass_all;        /* every variable is passed through env: (the text goes to bash as written) */
    int placeholder_left;/* pass_all: a <placeholder> stays as written */
} conv;

typedef struct heredoc {
    char *delim;
    int strip_tabs, quoted;
} heredoc;

typedef struct scan {
    rbk_sbuf st;
    int kw;              /* open if/case/for/while/until/{ */
    int cont;            /* the line ended with \ or an operator */
    heredoc *hd; int nhd, caphd;
} scan;

/* The stack of open quoting contexts: S '...', D "...", P $( ) or ( ), B `...`, C ${...},
 * A $(( )). An rbk_sbuf used as a stack of bytes: no depth limit. */
static inline char top(const rbk_sbuf *st) { return st->len ? st->data[st->len - 1] : 0; }
static inline void push(rbk_sbuf *st, char c) { rbk_sbuf_addc(st, c); }
static inline void pop(rbk_sbuf *st) { if (st->len) st->data[--st->len] = 0; }
static inline int unquoted(char t) { return t == 0 || t == 'P' || t == 'B' || t == 'C' || t == 'A'; }
static inline int name_start(int c) { return isalpha(c) || c == '_'; }
static inline int name_char(int c) { return isalnum(c) || c == '_'; }

/* ------------------------------------------------------------------ sh_split.c */
/* The here-document operator at s[i] ("<<" not "<<<"): registers its delimiter, returns the
 * index after it. */
size_t imp_heredoc_op(scan *S, const char *s, size_t n, size_t i);
/* Splits a one-line command (no here-documents) into words and operators. A newline that is
 * not inside quotes is an operator ';'. */
void imp_split_words(const char *s, words *W);
void imp_words_free(words *W);
/* Variables the shell sets itself or every login has: they stay $NAME. */
int imp_shell_own(const char *s, size_t n);
int imp_in_list(const char *list, const char *s, size_t n);

/* ------------------------------------------------------------------ sh_literal.c */
/* Converts a whole command into the inside of its sh literal (see the file comment). */
void imp_convert(conv *V, const char *s);
/* A word (quotes removed) as the inside of a plain string literal (not a command: no shell
 * quoting applies), $VAR as {env.VAR}, <placeholder> as {param}. NULL when it holds anything
 * else the shell would expand ($(...), `...`, ${X:-y}, $1, a variable the command sets). */
char *imp_word_string(conv *V, const char *raw);
/* Syntax of bash that /bin/sh (dash on Debian) refuses or reads otherwise: the command is then run
 * by bash. A false alarm costs only that (bash runs POSIX sh as written). */
const char *imp_bashism(const char *c);
/* Whether the command has a here-document (<<WORD, not <<< ). */
int imp_has_heredoc(const char *c);

/* ------------------------------------------------------------------ sh_recognise.c */
/* curl [options] URL [| jq FILTER] */
int imp_try_curl(conv *V, const words *W, imp_call *k);
/* psql TARGET -c "SQL" (one call per statement), psql TARGET < FILE (std/pg restore). */
int imp_try_psql(conv *V, const words *W, imp_call **calls, int *ncalls, rbk_sbuf *todo);
/* pg_dump TARGET > FILE, pg_dump TARGET -f FILE: std/pg's backup (plain SQL, checked complete). */
int imp_try_pg_dump(conv *V, const words *W, imp_call *k, rbk_sbuf *todo);

/* ------------------------------------------------------------------ sh_command.c */
/* Appends an argument to the call (", " between). */
void imp_arg(imp_call *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A map key: bare when it is a name, else quoted. */
void imp_map_key(rbk_sbuf *b, const char *k);
/* A duration literal for N[s|m|h|d] (sleep's argument), or NULL. */
char *imp_sleep_duration(const char *v);
#endif

/* compiler/holes.h — where each {expr} of a sh() command literal, an SQL query literal, an
 * HTTP URL literal or the pattern literal of `matches` stands in the language it is
 * interpolated into, decided at compile time from the literal text around it (docs/shell.md
 * and docs/sql.md "Quoting interpolated values", docs/http.md "Values in URLs",
 * docs/language.md "Values in patterns").
 * Owns: the POSIX shell context tracker (rbk_sh_holes), the PostgreSQL lexical context
 * tracker (rbk_sql_holes), the URL part tracker (rbk_url_holes) and the pattern tracker
 * (rbk_re_holes). No VM: a literal is given as its text pieces (rbk_literal_split
 * makes them from the AST), and each hole's verdict comes back; compiler/sema.c reports the refused ones at the hole, and
 * compiler/codegen.c emits the quoting of the accepted ones (SHQUOTE, SHQUOTE_IN,
 * SHHEREDOC, URLQUOTE, URLSEG, REQUOTE: vm/opcodes.def).
 * Shares invariants with: support/shquote.h (RBK_SH_* contexts and the here-document check),
 * tests/unit/test_holes.c (every context through real shells), docs/shell.md, docs/sql.md. */
#ifndef RBK_HOLES_H
#define RBK_HOLES_H
#include <stddef.h>

/* A literal is nholes + 1 text pieces with a hole between each two (an empty piece when two
 * holes touch or a hole starts or ends the literal). */
typedef struct rbk_piece {
    const char *s;
    size_t n;
} rbk_piece;

/* The verdict on one hole. */
typedef struct rbk_hole {
    int ctx;          /* accepted: RBK_SH_* (shell) or 0 (SQL); refused: -1 */
    const char *why;  /* refused: the message, which names the hole as "{x}" */
    const char *hint; /* refused: the safe spelling */
    int group;        /* shell, in a here-document body: its line group, else -1 */
} rbk_hole;

/* The line of a here-document body that one or more holes stand in, from its start to the
 * newline that ends it (not included), as piece and offset: the code generator builds that
 * line as one string and checks it with SHHEREDOC before it joins the command. A start is
 * given before any hole at the same place and an end after, so the holes of the line fall
 * inside. */
/* (A URL tracker's group is a path segment: the same fields, delim NULL, flags 0.) */
typedef struct rbk_hdgroup {
    int from_piece;
    size_t from_off;
    int to_piece;
    size_t to_off;
    char *delim;      /* the delimiter word after quote removal (malloc'd) */
    size_t dlen;
    unsigned flags;   /* RBK_SH_HD_JOIN for an unquoted delimiter */
    int first_hole;
} rbk_hdgroup;

/* One statement of an SQL literal, as rbk_sql_holes read it (statements end at a `;` in code,
 * not in a string or a comment). no_where: 'D' or 'U' for a DELETE or UPDATE (also after a
 * WITH clause) without a WHERE of its own (one in a subquery, a string or a comment does not
 * count): the checker's sql-no-where warning; else 0. */
typedef struct rbk_sql_stmt {
    int no_where;
} rbk_sql_stmt;

typedef struct rbk_holes {
    rbk_hole *holes;  /* nholes verdicts */
    int nholes;
    rbk_hdgroup *groups;
    int ngroups;
    rbk_sql_stmt *stmts; /* SQL: the statements, in order */
    int nstmts;
} rbk_holes;

/* The formats a hole can have: RBK_HOLE_QUOTED (no format: quoted for the shell / a bind
 * parameter in SQL), RBK_HOLE_RAW ({x:raw}, inserted as code: never refused, assumed to leave
 * the context as it found it), RBK_HOLE_IDENT ({x:ident}, an SQL identifier). */
enum { RBK_HOLE_QUOTED = 0, RBK_HOLE_RAW = 1, RBK_HOLE_IDENT = 2 };

/* The frames of shell syntax the tracker nests ($(...) in "..." in $(...) ...) before it gives
 * up and refuses the holes after that point. */
#define RBK_SH_MAX_NESTING 32

/* Scans a sh() command literal: pieces[0..nholes], fmt[i] the format of hole i. Fills h
 * (free with rbk_holes_free). */
void rbk_sh_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt);
/* Scans an SQL query literal the same way (no groups; ctx 0 when accepted), and fills stmts.
 * A quoted hole is refused where PostgreSQL would not read it as a bind parameter: in a
 * string, a quoted name, dollar quotes or a comment, touching a name or number, and anywhere
 * in a statement that takes no parameters (SET, CREATE, ALTER, ...: docs/sql.md). */
void rbk_sql_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt);
/* Scans an HTTP URL literal (an @url argument): ctx is the part of the URL each hole stands in
 * (RBK_URL_*, support/urlquote.h; RBK_URL_BASE for a hole inserted as it is, and for {x:raw}),
 * groups are the path segments that hold a quoted value (delim NULL): the code generator
 * builds each as one string and checks it with URLSEG. Refused: {x:ident}, and a quoted hole
 * right after a `%` (or `%` and one hex digit). */
void rbk_url_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt);
/* Scans the pattern literal of `s matches "..."`: ctx 1 for a hole written as a literal
 * (REQUOTE), 0 for {x:raw}; refused where no escaping makes the value a literal (inside
 * \Q...\E or a comment, right after a `\` or an escape that reads on) and {x:ident}. */
void rbk_re_holes(rbk_holes *h, const rbk_piece *pieces, int nholes, const unsigned char *fmt);
void rbk_holes_free(rbk_holes *h);

/* The pieces, formats and hole nodes (N_INTERP_PART) of an interpolated string literal
 * (N_INTERP), in three arrays the caller frees; returns the number of holes. */
struct rbk_node;
int rbk_literal_split(struct rbk_node *lit, rbk_piece **pieces, unsigned char **fmt, struct rbk_node ***parts);
#endif

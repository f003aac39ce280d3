/* cli/markdown.h — the one Markdown writer (CommonMark with GFM tables), used by `runbook doc`
 * (cli/doc.c) and the Markdown report (cli/report_md.c): inline text, code spans, fenced
 * blocks and table heads. What each writer decides is which flag it passes: the report shows
 * text from a run, escapes every Markdown punctuation character (docs/reports.md) and shows a
 * newline in a table cell as <br>; doc shows the author's names and messages and escapes only
 * what would be markup where the text stands (docs/plan.md), so `a_b` stays readable. */
#ifndef RBK_MARKDOWN_H
#define RBK_MARKDOWN_H
#include "../support/sbuf.h"

enum {
    RBK_MD_CELL = 1,      /* inside a GFM table cell: `|` is `\|` (in a code span too), a newline is <br> */
    RBK_MD_ALL_PUNCT = 2, /* text: escape every character that is markup somewhere (\ ` * _ [ ] < > | # ! ~ &) */
    RBK_MD_HEADING = 4,   /* text: the content of an ATX heading (a trailing ` #` would close it) */
};

/* Text that reads literally. Outside a cell a newline is a space: text is never written at the
 * start of a line, so `#`, `>`, `-`, `+` and `1.` cannot start a block and are left as they
 * are. Without RBK_MD_ALL_PUNCT the escaped characters are \ ` * [ ] < | ~ always, `_` unless
 * inside a word, `&` when it would begin an entity (&amp; &#38; &#x26;), `#` only where it would
 * close a heading; `!` needs nothing (the `[` after it is escaped), nor does `>` (no `<` can
 * open an autolink or a tag). */
void rbk_md_text(rbk_sbuf *b, const char *s, int flags);
/* A code span (CommonMark 6.1): a run of backticks longer than any inside; one space of padding
 * on each side when the text starts or ends with a backtick, or starts and ends with a space
 * (and is not only spaces), since one space each side is stripped. An empty text is *(empty)*.
 * A newline is a space (as CommonMark reads it), except in a cell (RBK_MD_CELL): multi-line
 * text there is written as text (rbk_md_text), its newlines as <br>. */
void rbk_md_code(rbk_sbuf *b, const char *s, int flags);
/* A table's head: cols are the titles separated by '|' ("#|Step|Worst case"; an empty title
 * is a blank cell), align one letter per column, 'r' right (`--:`), any other the default
 * (`---`). Writes "| # | Step | Worst case |\n|--:|---|---|\n". */
void rbk_md_table_head(rbk_sbuf *b, const char *cols, const char *align);

/* The longest run of ch in s. */
int rbk_md_longest_run(const char *s, char ch);
/* depth list levels of indentation (two spaces each). */
void rbk_md_indent(rbk_sbuf *b, int depth);
/* Each line of text, indented to list depth `depth` (empty lines stay empty), each ended by a
 * newline. */
void rbk_md_indent_lines(rbk_sbuf *b, int depth, const char *text);
/* A fenced block (info string lang, may be "") at list depth `depth`, its lines indented to sit
 * inside the item, with a fence longer than any backtick run in the text; it ends with the
 * closing fence's newline. */
void rbk_md_fence(rbk_sbuf *b, int depth, const char *lang, const char *text);
#endif

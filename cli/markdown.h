/* cli/markdown.h — what the two Markdown writers share: `runbook doc` (cli/doc.c) and the
 * Markdown report (cli/report_md.c). Fenced blocks are written here, with a fence longer than
 * any backtick run in the text. Their text escaping and code spans stay each writer's own, as
 * their outputs fix them (docs/reports.md, the doc goldens): the report escapes every Markdown
 * punctuation character and shows a newline in a table cell as <br>, an empty code as
 * *(empty)* and a multi-line one as a block; doc escapes only what would start markup in its
 * lines (an `_` inside a word is left) and shows a newline in a code span as a space. */
#ifndef RBK_MARKDOWN_H
#define RBK_MARKDOWN_H
#include "../support/sbuf.h"

/* The longest run of ch in s. */
int rbk_md_longest_run(const char *s, char ch);
/* depth list levels of indentation (two spaces each). */
void rbk_md_indent(rbk_sbuf *b, int depth);
/* Each line of text, indented to list depth `depth` (empty lines stay empty), each ended by a
 * newline. */
void rbk_md_indent_lines(rbk_sbuf *b, int depth, const char *text);
/* A fenced block (info string lang, may be "") at list depth `depth`, its lines indented to sit
 * inside the item; it ends with the closing fence's newline. */
void rbk_md_fence(rbk_sbuf *b, int depth, const char *lang, const char *text);
#endif

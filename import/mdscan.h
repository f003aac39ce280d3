/* import/mdscan.h — the block structure of a Markdown document, for `runbook import`
 * (import/, docs/import.md).
 * Owns: splitting Markdown text into blocks — ATX and setext headings, fenced code (``` and ~~~,
 * indented, inside list items), indented code, list items (bullet and ordered, nested, with
 * `[ ]`/`[x]` check boxes), tables, block quotes, thematic breaks, HTML comments and
 * paragraphs — each with the line it starts on. A subset of CommonMark's block structure,
 * chosen for runbooks: inline markup is left as written (import/model.c reads what it
 * needs), and a list item may interrupt a paragraph whatever its number ("Actions:\n1) ..."),
 * as runbooks write it. Any input gives some blocks; nothing is an error.
 * Shares invariants with: import/document.c (reads the blocks and their parent links). */
#ifndef RBK_MDSCAN_H
#define RBK_MDSCAN_H
#include <stddef.h>

typedef enum rbk_md_kind {
    RBK_MD_HEADING,  /* level 1-6; text */
    RBK_MD_PARA,     /* text: its lines joined with '\n' */
    RBK_MD_ITEM,     /* a list item; text: its first paragraph; level: nesting depth (0 = top) */
    RBK_MD_FENCE,    /* code; text: the info string ("" for none); lines: the content */
    RBK_MD_TABLE,    /* lines: the header row, the delimiter row, the body rows, as written */
    RBK_MD_QUOTE,    /* text: the quoted lines without their '>' */
    RBK_MD_RULE,     /* a thematic break (---) */
    RBK_MD_HTML      /* an HTML comment; text: as written */
} rbk_md_kind;

typedef struct rbk_md_line {
    char *text;
    int line;        /* 1-based line in the document */
} rbk_md_line;

typedef struct rbk_md_block {
    rbk_md_kind kind;
    int line;        /* the line it starts on (1-based) */
    int level;       /* heading: 1-6; item: nesting depth */
    int ordered;     /* item: 1 for "1." / "1)" markers */
    int check;       /* item: 0 no check box, 1 "[ ]", 2 "[x]" */
    int parent;      /* the list item this block is inside, or -1 */
    int indented;    /* fence: an indented code block (4 spaces), not a fence */
    char *text;
    size_t textlen, textcap;   /* the scanner's: text's length and allocation */
    rbk_md_line *lines;
    int nlines, caplines;
} rbk_md_block;

typedef struct rbk_md_doc {
    rbk_md_block *b;
    int n, cap;
} rbk_md_doc;

/* Splits text (len bytes, no NUL byte: rbk_import_text_ok refuses those first) into blocks, in
 * document order. */
void rbk_md_scan(const char *text, size_t len, rbk_md_doc *out);
void rbk_md_free(rbk_md_doc *d);
#endif

/* cli/markdown.c — the one Markdown writer (cli/markdown.h). */
#include <string.h>
#include "markdown.h"

static int word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
static int hex_char(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* Whether the `&` at s begins an entity or numeric character reference (CommonMark 6.2). */
static int entity_at(const char *s) {
    const char *p = s + 1;
    int n = 0;
    if (*p == '#') {
        p++;
        int x = *p == 'x' || *p == 'X';
        if (x) p++;
        while (x ? hex_char(*p) : (*p >= '0' && *p <= '9')) p++, n++;
        return n >= 1 && n <= (x ? 6 : 7) && *p == ';';
    }
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return 0;
    while (word_char(*p)) p++, n++;
    return n <= 32 && *p == ';';
}

/* Whether the `#` at p (in s) begins the closing sequence of a heading: after a space (or
 * first), and nothing but `#`, spaces and tabs after it. */
static int closes_heading(const char *s, const char *p) {
    if (p > s && p[-1] != ' ' && p[-1] != '\t') return 0;
    return p[strspn(p, "# \t")] == '\0';
}

void rbk_md_text(rbk_sbuf *b, const char *s, int flags) {
    for (const char *p = s; *p; p++) {
        if (*p == '\n') { rbk_sbuf_adds(b, flags & RBK_MD_CELL ? "<br>" : " "); continue; }
        int esc;
        if (flags & RBK_MD_ALL_PUNCT) esc = strchr("\\`*_[]<>|#!~&", *p) != NULL;
        else if (*p == '_') esc = !(p > s && word_char(p[-1]) && word_char(p[1]));
        else if (*p == '&') esc = entity_at(p);
        else if (*p == '#') esc = (flags & RBK_MD_HEADING) && closes_heading(s, p);
        else esc = strchr("\\`*[]<|~", *p) != NULL;
        if (esc) rbk_sbuf_addc(b, '\\');
        rbk_sbuf_addc(b, *p);
    }
}

static int space_char(char c) { return c == ' ' || c == '\n'; }

void rbk_md_code(rbk_sbuf *b, const char *s, int flags) {
    size_t n = strlen(s);
    if (!n) { rbk_sbuf_adds(b, "*(empty)*"); return; }
    if ((flags & RBK_MD_CELL) && strchr(s, '\n')) { rbk_md_text(b, s, flags); return; }
    int ticks = rbk_md_longest_run(s, '`') + 1;
    int only_spaces = s[strspn(s, " \n")] == '\0';
    int pad = s[0] == '`' || s[n - 1] == '`' || (space_char(s[0]) && space_char(s[n - 1]) && !only_spaces);
    for (int i = 0; i < ticks; i++) rbk_sbuf_addc(b, '`');
    if (pad) rbk_sbuf_addc(b, ' ');
    for (; *s; s++) {
        if (*s == '\n') { rbk_sbuf_addc(b, ' '); continue; }
        if ((flags & RBK_MD_CELL) && *s == '|') rbk_sbuf_addc(b, '\\');
        rbk_sbuf_addc(b, *s);
    }
    if (pad) rbk_sbuf_addc(b, ' ');
    for (int i = 0; i < ticks; i++) rbk_sbuf_addc(b, '`');
}

void rbk_md_table_head(rbk_sbuf *b, const char *cols, const char *align) {
    size_t ncols = 0;
    for (const char *p = cols;; ncols++) {
        size_t len = strcspn(p, "|");
        rbk_sbuf_adds(b, len ? "| " : "|");
        rbk_sbuf_add(b, p, len);
        rbk_sbuf_addc(b, ' ');
        if (!p[len]) break;
        p += len + 1;
    }
    rbk_sbuf_adds(b, "|\n");
    for (size_t i = 0; i <= ncols; i++) rbk_sbuf_adds(b, i < strlen(align) && align[i] == 'r' ? "|--:" : "|---");
    rbk_sbuf_adds(b, "|\n");
}

int rbk_md_longest_run(const char *s, char ch) {
    int best = 0, run = 0;
    for (; *s; s++) {
        run = *s == ch ? run + 1 : 0;
        if (run > best) best = run;
    }
    return best;
}

void rbk_md_indent(rbk_sbuf *b, int depth) {
    for (int i = 0; i < depth; i++) rbk_sbuf_adds(b, "  ");
}

void rbk_md_indent_lines(rbk_sbuf *b, int depth, const char *text) {
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len) rbk_md_indent(b, depth);
        rbk_sbuf_add(b, p, len);
        rbk_sbuf_addc(b, '\n');
        if (!nl) break;
        p = nl + 1;
    }
}

void rbk_md_fence(rbk_sbuf *b, int depth, const char *lang, const char *text) {
    int n = rbk_md_longest_run(text, '`') + 1;
    if (n < 3) n = 3;
    rbk_md_indent(b, depth);
    for (int i = 0; i < n; i++) rbk_sbuf_addc(b, '`');
    rbk_sbuf_printf(b, "%s\n", lang);
    rbk_md_indent_lines(b, depth, text);
    rbk_md_indent(b, depth);
    for (int i = 0; i < n; i++) rbk_sbuf_addc(b, '`');
    rbk_sbuf_addc(b, '\n');
}

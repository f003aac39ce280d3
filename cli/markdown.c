/* cli/markdown.c — the Markdown both writers share (cli/markdown.h). */
#include <string.h>
#include "markdown.h"

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

/* tests/gen_ast_md.c — prints the table of syntax tree node kinds of docs/internals.md from
 * compiler/ast.def, between its two marker lines (the section "The syntax tree from one
 * table"). The ctest test docs.ast-up-to-date diffs it against the page.
 * Usage: gen_ast_md            prints the block (markers included)
 *        gen_ast_md FILE       replaces the block in FILE (docs/internals.md) with it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEGIN "<!-- ast.def begin: generated from compiler/ast.def by tests/gen_ast_md; do not edit -->"
#define END "<!-- ast.def end -->"

static const char *shape_text(const char *shape) {
    static const struct { const char *shape, *text; } t[] = {
        {"LEAF", "—"}, {"VALUE", "value"}, {"A", "a"}, {"B", "a b"}, {"C", "a b c"},
        {"LIST", "a b c list"}, {"CALL", "a b c list d list2"}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].shape, shape)) return t[i].text;
    return "?";
}
static const char *class_text(const char *cls) {
    return !strcmp(cls, "EXPR") ? "expression" : !strcmp(cls, "STMT") ? "statement" : "declaration";
}
static void cell(FILE *o, const char *s) { fprintf(o, " %s |", *s ? s : "—"); }

static void block(FILE *o) {
    fprintf(o, "%s\n\n", BEGIN);
    fprintf(o, "| Kind | Named | Class | Children | `str` | `a` | `b` | `c` | `list` | `aux`, `flags`, `op`, annotations |\n");
    fprintf(o, "|---|---|---|---|---|---|---|---|---|---|\n");
#define RBK_NODE(KIND, CLASS, SHAPE, NAME, STR, A, B, C, LIST, AUX)                                   \
    fprintf(o, "| `N_%s` | %s | %s | %s |", #KIND, NAME, class_text(#CLASS), shape_text(#SHAPE)); \
    cell(o, STR); cell(o, A); cell(o, B); cell(o, C); cell(o, LIST); cell(o, AUX);                  \
    fputc('\n', o);
#include "compiler/ast.def"
#undef RBK_NODE
    fprintf(o, "\n%s\n", END);
}

/* Replaces the lines from BEGIN to END in path with block(). */
static int update(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return 1; }
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    char buf[65536];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            text = realloc(text, cap);
            if (!text) { fclose(f); return 1; }
        }
        memcpy(text + len, buf, n);
        len += n;
    }
    fclose(f);
    if (!text) { fprintf(stderr, "%s: empty\n", path); return 1; }
    text[len] = 0;
    char *b = strstr(text, BEGIN), *e = b ? strstr(b, END) : NULL;
    if (!b || !e) { fprintf(stderr, "%s: no block between %s and %s\n", path, BEGIN, END); free(text); return 1; }
    e += strlen(END);
    if (*e == '\n') e++;
    FILE *o = fopen(path, "wb");
    if (!o) { perror(path); free(text); return 1; }
    fwrite(text, 1, (size_t)(b - text), o);
    block(o);
    fputs(e, o);
    free(text);
    return fclose(o) ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc > 1) return update(argv[1]);
    block(stdout);
    return 0;
}

/* cli/fmt.c — `runbook fmt [--check] [--diff] PATH...|-` (docs/cli.md): the formatter
 * (compiler/fmt.h) over files, directories and stdin; files are rewritten atomically
 * (support/fileops.h); --diff prints a unified diff computed here (Myers' O(ND) algorithm in
 * linear space, by bisection). Exit codes (docs/exit-codes.md): 0 done, 1 --check found a file
 * to change, 64 usage or a file that cannot be read or written, 65 a file with syntax errors
 * (refused: reported with the parser's messages, left as it is). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../compiler/fmt.h"
#include "../support/fileops.h"
#include "../support/readfile.h"

enum { FMT_OK = 0, FMT_CHANGED = 1, FMT_USAGE = 64, FMT_SYNTAX = 65 };

/* ---- unified diff ---------------------------------------------------------------------------- */

typedef struct dline { const char *p; size_t n; uint32_t h; int nonl; } dline; /* nonl: no final \n */
typedef struct dseq { dline *l; int n; } dseq;

static dseq split_lines(const char *s, size_t n) {
    dseq q = {NULL, 0};
    int cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != '\n') j++;
        if (q.n == cap) { cap = cap ? cap * 2 : 64; q.l = rbk_xrealloc(q.l, sizeof *q.l * (size_t)cap); }
        uint32_t h = 2166136261u; /* FNV-1a */
        for (size_t k = i; k < j; k++) h = (h ^ (unsigned char)s[k]) * 16777619u;
        q.l[q.n++] = (dline){s + i, j - i, h, j == n};
        i = j + 1;
    }
    return q;
}
static int same(const dline *a, const dline *b) {
    return a->h == b->h && a->n == b->n && a->nonl == b->nonl && !memcmp(a->p, b->p, a->n);
}
/* Marks in ma[] (a's line -> b's line, -1 for none) a longest common subsequence of a[a0, a1)
 * and b[b0, b1): common ends are matched, the middle split where Myers' forward and backward
 * searches meet (as diff-match-patch's bisect does), each half done the same way. */
static void lcs(const dline *a, const dline *b, int *ma, int a0, int a1, int b0, int b1) {
    while (a0 < a1 && b0 < b1 && same(&a[a0], &b[b0])) { ma[a0] = b0; a0++; b0++; }
    while (a0 < a1 && b0 < b1 && same(&a[a1 - 1], &b[b1 - 1])) { ma[a1 - 1] = b1 - 1; a1--; b1--; }
    if (a0 == a1 || b0 == b1) return;
    int n1 = a1 - a0, n2 = b1 - b0;
    int maxd = (n1 + n2 + 1) / 2, off = maxd, len = 2 * maxd + 2;
    int *v1 = rbk_xmalloc(sizeof(int) * (size_t)len), *v2 = rbk_xmalloc(sizeof(int) * (size_t)len);
    for (int i = 0; i < len; i++) v1[i] = v2[i] = -1;
    v1[off + 1] = v2[off + 1] = 0;
    int delta = n1 - n2, front = delta % 2 != 0;
    int k1s = 0, k1e = 0, k2s = 0, k2e = 0, sx = -1, sy = -1;
    for (int d = 0; d < maxd && sx < 0; d++) {
        for (int k1 = -d + k1s; k1 <= d - k1e && sx < 0; k1 += 2) {
            int ko = off + k1, x1;
            if (k1 == -d || (k1 != d && v1[ko - 1] < v1[ko + 1])) x1 = v1[ko + 1];
            else x1 = v1[ko - 1] + 1;
            int y1 = x1 - k1;
            while (x1 < n1 && y1 < n2 && same(&a[a0 + x1], &b[b0 + y1])) { x1++; y1++; }
            v1[ko] = x1;
            if (x1 > n1) k1e += 2;
            else if (y1 > n2) k1s += 2;
            else if (front) {
                int k2o = off + delta - k1;
                if (k2o >= 0 && k2o < len && v2[k2o] != -1 && x1 >= n1 - v2[k2o]) { sx = x1; sy = y1; }
            }
        }
        for (int k2 = -d + k2s; k2 <= d - k2e && sx < 0; k2 += 2) {
            int ko = off + k2, x2;
            if (k2 == -d || (k2 != d && v2[ko - 1] < v2[ko + 1])) x2 = v2[ko + 1];
            else x2 = v2[ko - 1] + 1;
            int y2 = x2 - k2;
            while (x2 < n1 && y2 < n2 && same(&a[a1 - x2 - 1], &b[b1 - y2 - 1])) { x2++; y2++; }
            v2[ko] = x2;
            if (x2 > n1) k2e += 2;
            else if (y2 > n2) k2s += 2;
            else if (!front) {
                int k1o = off + delta - k2;
                if (k1o >= 0 && k1o < len && v1[k1o] != -1) {
                    int x1 = v1[k1o], y1 = off + x1 - k1o;
                    if (x1 >= n1 - x2) { sx = x1; sy = y1; }
                }
            }
        }
    }
    free(v1);
    free(v2);
    if (sx < 0) return; /* nothing in common */
    lcs(a, b, ma, a0, a0 + sx, b0, b0 + sy);
    lcs(a, b, ma, a0 + sx, a1, b0 + sy, b1);
}

static void diff_line(rbk_sbuf *o, char tag, const dline *l) {
    rbk_sbuf_addc(o, tag);
    rbk_sbuf_add(o, l->p, l->n);
    rbk_sbuf_addc(o, '\n');
    if (l->nonl) rbk_sbuf_adds(o, "\\ No newline at end of file\n");
}
/* The unified diff (3 lines of context) from old to new, labelled with path. */
static void unified_diff(const char *path, const char *old, size_t oldn, const char *neu, size_t newn, rbk_sbuf *o) {
    dseq a = split_lines(old, oldn), b = split_lines(neu, newn);
    int *ma = rbk_xmalloc(sizeof(int) * (size_t)(a.n + 1));
    for (int i = 0; i < a.n; i++) ma[i] = -1;
    lcs(a.l, b.l, ma, 0, a.n, 0, b.n);
    /* the edit script: ' ' a line of both, '-' of a only, '+' of b only */
    int nops = 0;
    struct op { char tag; int i, j; } *ops = rbk_xmalloc(sizeof *ops * (size_t)(a.n + b.n + 1));
    for (int i = 0, j = 0; i < a.n || j < b.n;) {
        if (i < a.n && ma[i] == j && j < b.n) ops[nops++] = (struct op){' ', i++, j++};
        else if (i < a.n && ma[i] < 0) ops[nops++] = (struct op){'-', i++, j};
        else ops[nops++] = (struct op){'+', i, j++};
    }
    rbk_sbuf_printf(o, "--- %s\n+++ %s\n", path, path);
    enum { CTX = 3 };
    for (int k = 0; k < nops;) {
        if (ops[k].tag == ' ') { k++; continue; }
        int s = k - CTX < 0 ? 0 : k - CTX, e = k; /* e: past the hunk's last change */
        for (;;) {
            while (e < nops && ops[e].tag != ' ') e++;
            int q = e;
            while (q < nops && ops[q].tag == ' ' && q - e < 2 * CTX + 1) q++;
            if (q < nops && ops[q].tag != ' ' && q - e <= 2 * CTX) { e = q; continue; }
            break;
        }
        int end = e + CTX > nops ? nops : e + CTX;
        int al = 0, bl = 0;
        for (int x = s; x < end; x++) { al += ops[x].tag != '+'; bl += ops[x].tag != '-'; }
        int as = ops[s].i + (al ? 1 : 0), bs = ops[s].j + (bl ? 1 : 0);
        rbk_sbuf_printf(o, "@@ -%d,%d +%d,%d @@\n", as, al, bs, bl);
        for (int x = s; x < end; x++) {
            if (ops[x].tag == '+') diff_line(o, '+', &b.l[ops[x].j]);
            else diff_line(o, ops[x].tag, &a.l[ops[x].i]);
        }
        k = end;
    }
    free(ops);
    free(ma);
    free(a.l);
    free(b.l);
}

/* ---- files ----------------------------------------------------------------------------------- */

typedef struct fmt_opts { int check, diff, color; } fmt_opts;

static int runbook_name(const char *name) {
    size_t l = strlen(name);
    return (l > 3 && !strcmp(name + l - 3, ".rb")) || (l > 8 && !strcmp(name + l - 8, ".runbook"));
}
static int cmp_str(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }
/* The runbooks under a directory, as `check` finds them: *.rb and *.runbook, names starting
 * with . skipped, links to directories not followed, sorted. */
static int walk(const char *dir, char ***list, int *n, int *cap) {
    DIR *d = opendir(dir);
    if (!d) { fprintf(stderr, "runbook fmt: cannot read the directory \"%s\": %s\n", dir, strerror(errno)); return -1; }
    char **names = NULL;
    int nn = 0, nc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (nn == nc) { nc = nc ? nc * 2 : 16; names = rbk_xrealloc(names, sizeof *names * (size_t)nc); }
        names[nn++] = rbk_xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)nn, sizeof *names, cmp_str);
    int rc = 0;
    for (int i = 0; i < nn; i++) {
        rbk_sbuf p = RBK_SBUF_INIT;
        rbk_sbuf_printf(&p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        struct stat st;
        if (lstat(p.data, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (walk(p.data, list, n, cap)) rc = -1;
            rbk_sbuf_free(&p);
        } else if (runbook_name(names[i])) {
            if (*n == *cap) { *cap = *cap ? *cap * 2 : 16; *list = rbk_xrealloc(*list, sizeof **list * (size_t)*cap); }
            (*list)[(*n)++] = rbk_sbuf_detach(&p);
        } else rbk_sbuf_free(&p);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Formats text (NUL at text[len]); on syntax errors reports them and returns FMT_SYNTAX. */
static int format_text(const char *path, const char *text, size_t len, const fmt_opts *o, rbk_sbuf *out) {
    rbk_sources sources = {0};
    rbk_diags diags;
    rbk_diags_init(&diags, &sources);
    int file = rbk_sources_add(&sources, path, text, len);
    int rc = rbk_fmt_source(sources.items[file]->text, len, out, &diags, file) ? FMT_SYNTAX : FMT_OK;
    if (rc) {
        rbk_diags_sort(&diags);
        rbk_sbuf msg = RBK_SBUF_INIT;
        rbk_diags_render(&diags, RBK_FMT_TEXT, o->color, &msg);
        fputs(rbk_sbuf_cstr(&msg), stderr);
        fprintf(stderr, "runbook fmt: %s has syntax errors: not formatted\n", path);
        rbk_sbuf_free(&msg);
    }
    rbk_diags_free(&diags);
    rbk_sources_free(&sources);
    return rc;
}

static int fmt_stdin(const fmt_opts *o) {
    rbk_sbuf in = RBK_SBUF_INIT, out = RBK_SBUF_INIT;
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, stdin)) > 0) {
        rbk_sbuf_add(&in, buf, k);
        if (in.len > RBK_READ_MAX_SOURCE) {
            fprintf(stderr, "runbook fmt: the standard input is larger than %zu bytes\n", (size_t)RBK_READ_MAX_SOURCE);
            rbk_sbuf_free(&in);
            return FMT_USAGE;
        }
    }
    if (ferror(stdin)) {
        fprintf(stderr, "runbook fmt: cannot read the standard input: %s\n", strerror(errno));
        rbk_sbuf_free(&in);
        return FMT_USAGE;
    }
    const char *text = rbk_sbuf_cstr(&in);
    int rc = format_text("<stdin>", text, in.len, o, &out);
    if (rc == FMT_OK) {
        int changed = out.len != in.len || memcmp(out.data ? out.data : "", text, in.len);
        if (o->diff && changed) {
            rbk_sbuf d = RBK_SBUF_INIT;
            unified_diff("<stdin>", text, in.len, rbk_sbuf_cstr(&out), out.len, &d);
            fwrite(d.data, 1, d.len, stdout);
            rbk_sbuf_free(&d);
        } else if (o->check && changed) puts("<stdin>");
        else if (!o->check && !o->diff) fwrite(rbk_sbuf_cstr(&out), 1, out.len, stdout);
        if (o->check && changed) rc = FMT_CHANGED;
    }
    rbk_sbuf_free(&in);
    rbk_sbuf_free(&out);
    return rc;
}

static int fmt_file(const char *path, const fmt_opts *o) {
    rbk_sbuf in = RBK_SBUF_INIT, err = RBK_SBUF_INIT, out = RBK_SBUF_INIT;
    struct stat before;
    int rc = FMT_OK;
    if (rbk_read_file(path, RBK_READ_MAX_SOURCE, 0, &in, &err) != RBK_READ_OK || stat(path, &before) != 0) {
        fprintf(stderr, "runbook fmt: %s\n", err.len ? rbk_sbuf_cstr(&err) : strerror(errno));
        rc = FMT_USAGE;
        goto out;
    }
    rc = format_text(path, rbk_sbuf_cstr(&in), in.len, o, &out);
    if (rc) goto out;
    if (out.len == in.len && (!in.len || !memcmp(out.data, in.data, in.len))) goto out; /* already canonical */
    if (o->diff) {
        rbk_sbuf d = RBK_SBUF_INIT;
        unified_diff(path, rbk_sbuf_cstr(&in), in.len, rbk_sbuf_cstr(&out), out.len, &d);
        fwrite(d.data, 1, d.len, stdout);
        rbk_sbuf_free(&d);
    } else if (o->check) puts(path);
    if (o->check || o->diff) { rc = o->check ? FMT_CHANGED : FMT_OK; goto out; }
    /* in place: the file must still be the one read, and writable (a rename would replace a
     * read-only file without a word) */
    struct stat now;
    if (stat(path, &now) != 0) {
        fprintf(stderr, "runbook fmt: cannot write \"%s\": %s (it was removed while being formatted)\n", path, strerror(errno));
        rc = FMT_USAGE;
        goto out;
    }
    if (now.st_ino != before.st_ino || now.st_dev != before.st_dev || now.st_size != before.st_size ||
        now.st_mtim.tv_sec != before.st_mtim.tv_sec || now.st_mtim.tv_nsec != before.st_mtim.tv_nsec) {
        fprintf(stderr, "runbook fmt: \"%s\" changed while being formatted: not written\n", path);
        rc = FMT_USAGE;
        goto out;
    }
    /* no write permission for anyone: read-only on purpose, also for root (who may write anything) */
    if ((now.st_mode & 0222) == 0 || access(path, W_OK) != 0) {
        fprintf(stderr, "runbook fmt: cannot write \"%s\": %s\n", path, (now.st_mode & 0222) == 0 ? "it is read-only" : strerror(errno));
        rc = FMT_USAGE;
        goto out;
    }
    rbk_sbuf_reset(&err);
    if (rbk_file_write_atomic(path, rbk_sbuf_cstr(&out), out.len, &err) != RBK_FILE_OK) {
        fprintf(stderr, "runbook fmt: %s (the file is unchanged)\n", rbk_sbuf_cstr(&err));
        rc = FMT_USAGE;
    }
out:
    rbk_sbuf_free(&in);
    rbk_sbuf_free(&err);
    rbk_sbuf_free(&out);
    return rc;
}

/* The exit code of several files: the highest (65 over 64 over 1 over 0). */
static int worse(int a, int b) { return a > b ? a : b; }

int rbk_cli_fmt(int argc, char **argv) {
    fmt_opts o = {0, 0, isatty(2) && !getenv("NO_COLOR")};
    const char **paths = rbk_xmalloc(sizeof *paths * (size_t)(argc + 1));
    int np = 0, dash = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--check")) o.check = 1;
        else if (!strcmp(a, "--diff")) o.diff = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            puts("usage: runbook fmt [--check] [--diff] PATH...|-");
            free(paths);
            return 0;
        } else if (!strcmp(a, "-")) dash = 1;
        else if (a[0] == '-') {
            fprintf(stderr, "runbook fmt: unknown option %s (the options are --check and --diff)\n", a);
            free(paths);
            return FMT_USAGE;
        } else paths[np++] = a;
    }
    if (dash && np) {
        fputs("runbook fmt: - (the standard input) cannot be given with files\n", stderr);
        free(paths);
        return FMT_USAGE;
    }
    if (!dash && !np) {
        fputs("runbook fmt: no files given (- reads the standard input)\n", stderr);
        free(paths);
        return FMT_USAGE;
    }
    int rc = FMT_OK;
    if (dash) rc = fmt_stdin(&o);
    for (int i = 0; i < np; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            char **list = NULL;
            int n = 0, cap = 0;
            if (walk(paths[i], &list, &n, &cap)) rc = worse(rc, FMT_USAGE);
            for (int k = 0; k < n; k++) {
                rc = worse(rc, fmt_file(list[k], &o));
                free(list[k]);
            }
            free(list);
        } else rc = worse(rc, fmt_file(paths[i], &o));
    }
    free(paths);
    fflush(stdout);
    return rc;
}

/* tests/unit/test_shquote.c — rbk_sh_quote against an injection corpus, through a real
 * /bin/sh: each hostile value is quoted, run as `printf %s <quoted>` by stdlib/proc.c in a
 * fresh temporary directory, and must come back byte for byte with no side effect (no file
 * `pwned`, no other file created, nothing on stderr). Also: the exact quoted forms, several
 * quoted words in one command, every byte 1..255, and rbk_sh_has_nul. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdlib/proc.h"
#include "stdlib/std_sh.h"
#include "shell_corpus.h"

typedef struct fixture {
    char dir[64];
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/rbk_shq_XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    *state = f;
    return 0;
}

static int count_entries(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static int teardown(void **state) {
    fixture *f = *state;
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Runs `prefix <quoted v>` with sh -c in dir; checks stdout == expect and no side effect. */
static void roundtrip(const char *dir, const char *v, size_t n) {
    rbk_sbuf cmd = RBK_SBUF_INIT;
    rbk_sbuf_adds(&cmd, "printf %s ");
    rbk_sh_quote(&cmd, v, n);
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = cmd.data;
    o.cwd = dir;
    /* a variable the corpus refers to: must never be expanded */
    const char *env[] = {"HOME=/rbk-home-should-not-appear", "VAR=expanded!", NULL};
    o.env = env;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    if (r.code != 0 || r.out.len != n || (n && memcmp(r.out.data, v, n) != 0)) {
        fail_msg("value %.60s (%zu bytes) came back as %.60s (%zu bytes), code %d, stderr %s", v,
                 n, rbk_sbuf_cstr(&r.out), r.out.len, r.code, rbk_sbuf_cstr(&r.err));
    }
    assert_int_equal(r.err.len, 0);
    assert_int_equal(count_entries(dir), 0); /* no `pwned`, no other file */
    rbk_proc_result_free(&r);
    rbk_sbuf_free(&cmd);
}


static void test_corpus(void **state) {
    fixture *f = *state;
    assert_true(SHELL_CORPUS_N >= 50);
    for (size_t i = 0; i < SHELL_CORPUS_N; i++) roundtrip(f->dir, shell_corpus[i], strlen(shell_corpus[i]));
}

/* Every byte value 1..255 on its own and all together. */
static void test_every_byte(void **state) {
    fixture *f = *state;
    char all[255];
    for (int b = 1; b < 256; b++) {
        char c = (char)b;
        roundtrip(f->dir, &c, 1);
        all[b - 1] = c;
    }
    roundtrip(f->dir, all, sizeof all);
}

/* Very long values: 1 MB of mixed hostile text (passed through the memory-file path). */
static void test_long_values(void **state) {
    fixture *f = *state;
    const char *unit = "'$(touch pwned)`x`\\\n\"; rm -rf / ";
    size_t ul = strlen(unit);
    size_t n = 1024 * 1024;
    char *v = malloc(n);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) v[i] = unit[i % ul];
    roundtrip(f->dir, v, n);
    memset(v, '\'', n); /* worst case for expansion: every byte a quote */
    roundtrip(f->dir, v, 200 * 1024);
    free(v);
}

/* Several quoted words in one command stay separate words. */
static void test_multiple_words(void **state) {
    fixture *f = *state;
    const char *vals[] = {"a b", "", "'", "$(touch pwned)", "x\ny"};
    rbk_sbuf cmd = RBK_SBUF_INIT;
    rbk_sbuf_adds(&cmd, "printf '<%s>' ");
    for (size_t i = 0; i < 5; i++) {
        rbk_sh_quote(&cmd, vals[i], strlen(vals[i]));
        rbk_sbuf_addc(&cmd, ' ');
    }
    rbk_proc_opts o;
    rbk_proc_opts_init(&o);
    o.shell_cmd = cmd.data;
    o.cwd = f->dir;
    rbk_proc_result r;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "<a b><><'><$(touch pwned)><x\ny>");
    assert_int_equal(count_entries(f->dir), 0);
    rbk_proc_result_free(&r);
    rbk_sbuf_free(&cmd);

    /* a quoted value next to literal text is still one word: x'a b'y */
    rbk_sbuf c2 = RBK_SBUF_INIT;
    rbk_sbuf_adds(&c2, "printf '<%s>' x");
    rbk_sh_quote(&c2, "a b", 3);
    rbk_sbuf_adds(&c2, "y");
    o.shell_cmd = c2.data;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_string_equal(rbk_sbuf_cstr(&r.out), "<xa by>");
    rbk_proc_result_free(&r);
    rbk_sbuf_free(&c2);

    /* the quoted value as a command name is never a keyword or an assignment */
    rbk_sbuf c3 = RBK_SBUF_INIT;
    rbk_sh_quote(&c3, "FOO=bar", 7);
    o.shell_cmd = c3.data;
    assert_int_equal(rbk_proc_run(&o, &r), 0);
    assert_int_equal(r.code, 127); /* "FOO=bar: not found" */
    rbk_proc_result_free(&r);
    rbk_sbuf_free(&c3);
}

static void test_exact_forms(void **state) {
    (void)state;
    struct {
        const char *in, *out;
    } cases[] = {
        {"", "''"},
        {"abc", "'abc'"},
        {"it's", "'it'\\''s'"},
        {"'", "''\\'''"},
        {"a b", "'a b'"},
        {"$x", "'$x'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sh_quote(&b, cases[i].in, strlen(cases[i].in));
        assert_string_equal(b.data, cases[i].out);
        rbk_sbuf_free(&b);
    }
    /* appends, does not replace */
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_adds(&b, "echo ");
    rbk_sh_quote(&b, "x", 1);
    assert_string_equal(b.data, "echo 'x'");
    rbk_sbuf_free(&b);
}

static void test_has_nul(void **state) {
    (void)state;
    assert_false(rbk_sh_has_nul("", 0));
    assert_false(rbk_sh_has_nul("abc", 3));
    assert_true(rbk_sh_has_nul("a\0b", 3));
    assert_true(rbk_sh_has_nul("\0", 1));
    assert_true(rbk_sh_has_nul("abc\0", 4));
    assert_false(rbk_sh_has_nul("abc\0", 3)); /* only the first n bytes */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_corpus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multiple_words, setup, teardown),
        cmocka_unit_test(test_exact_forms),
        cmocka_unit_test(test_has_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

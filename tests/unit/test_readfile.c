/* tests/unit/test_readfile.c — support/readfile.h, the reader of every file the program is
 * given, with real files in a fresh temporary directory, a real FIFO (mkfifo), a real pipe with
 * a writer process, /dev/zero and /proc/self/environ. No case may wait: a FIFO nobody writes to
 * is refused (or, with RBK_READ_PIPE, empty) at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/readfile.h"

typedef struct fx {
    char dir[64];
} fx;

static int setup(void **st) {
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/rbk_test_readfile_XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    *st = f;
    return 0;
}
static int teardown(void **st) {
    fx *f = *st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}
static char *path_in(const fx *f, const char *name) {
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_sbuf_printf(&b, "%s/%s", f->dir, name);
    return rbk_sbuf_detach(&b);
}
static void put(const char *path, const char *data, size_t n) {
    FILE *w = fopen(path, "wb");
    assert_non_null(w);
    assert_int_equal(fwrite(data, 1, n, w), n);
    assert_int_equal(fclose(w), 0);
}

/* Reads path into a buffer that already holds "kept": on success the file follows it, on any
 * refusal the buffer is "kept" again, nothing of the file left behind. Returns the code. */
static int read_after(const char *path, size_t max, int flags, rbk_sbuf *out, rbk_sbuf *err) {
    rbk_sbuf_reset(out);
    rbk_sbuf_reset(err);
    rbk_sbuf_adds(out, "kept");
    int rc = rbk_read_file(path, max, flags, out, err);
    if (rc != RBK_READ_OK) {
        assert_int_equal(out->len, 4);
        assert_string_equal(rbk_sbuf_cstr(out), "kept");
        assert_true(err->len > 0);
    }
    return rc;
}

static void test_regular_file_and_its_limit(void **st) {
    fx *f = *st;
    char *p = path_in(f, "a.rb");
    const char content[] = "log(\"x\")\n\0and a NUL\n";
    put(p, content, sizeof content - 1);
    rbk_sbuf out = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    /* at the limit: read whole, appended */
    assert_int_equal(read_after(p, sizeof content - 1, 0, &out, &err), RBK_READ_OK);
    assert_int_equal(out.len, 4 + sizeof content - 1);
    assert_memory_equal(out.data + 4, content, sizeof content - 1);
    assert_int_equal(out.data[out.len], 0);
    /* one byte over the limit: refused before reading, with the sizes */
    assert_int_equal(read_after(p, sizeof content - 2, 0, &out, &err), RBK_READ_TOO_BIG);
    rbk_sbuf want = RBK_SBUF_INIT;
    rbk_sbuf_printf(&want, "cannot read \"%s\": it is %zu bytes, more than the %zu allowed", p, sizeof content - 1,
                    sizeof content - 2);
    assert_string_equal(rbk_sbuf_cstr(&err), want.data);
    /* an empty file is empty, not an error */
    char *e = path_in(f, "empty.rb");
    put(e, "", 0);
    assert_int_equal(read_after(e, 10, 0, &out, &err), RBK_READ_OK);
    assert_string_equal(rbk_sbuf_cstr(&out), "kept");
    /* into a fresh buffer: empty, and still a C string (--env-file parses it as one) */
    rbk_sbuf fresh = RBK_SBUF_INIT;
    assert_int_equal(rbk_read_file(e, 10, 0, &fresh, &err), RBK_READ_OK);
    assert_int_equal(fresh.len, 0);
    assert_non_null(fresh.data);
    assert_int_equal(fresh.data[0], 0);
    rbk_sbuf_free(&fresh);
    /* a sparse file of 10 GiB costs nothing: its size is enough */
    char *big = path_in(f, "big.rb");
    int fd = open(big, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)10 << 30), 0);
    close(fd);
    assert_int_equal(read_after(big, RBK_READ_MAX_SOURCE, 0, &out, &err), RBK_READ_TOO_BIG);
    assert_non_null(strstr(err.data, "it is 10737418240 bytes"));
    rbk_sbuf_free(&want);
    rbk_sbuf_free(&out);
    rbk_sbuf_free(&err);
    free(p);
    free(e);
    free(big);
}

static void test_what_is_not_a_regular_file(void **st) {
    fx *f = *st;
    char *fifo = path_in(f, "fifo.rb"), *dir = path_in(f, "dir.rb"), *missing = path_in(f, "missing.rb");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    rbk_sbuf out = RBK_SBUF_INIT, err = RBK_SBUF_INIT, want = RBK_SBUF_INIT;
    assert_int_equal(read_after(fifo, RBK_READ_MAX_SOURCE, 0, &out, &err), RBK_READ_ERR);
    rbk_sbuf_printf(&want, "cannot read \"%s\": it is a FIFO (named pipe), not a regular file", fifo);
    assert_string_equal(err.data, want.data);
    assert_int_equal(read_after("/dev/zero", RBK_READ_MAX_SOURCE, 0, &out, &err), RBK_READ_ERR);
    assert_string_equal(err.data, "cannot read \"/dev/zero\": it is a character device, not a regular file");
    /* with RBK_READ_PIPE a device is still refused */
    assert_int_equal(read_after("/dev/zero", RBK_READ_MAX_SOURCE, RBK_READ_PIPE, &out, &err), RBK_READ_ERR);
    assert_int_equal(read_after(dir, RBK_READ_MAX_SOURCE, 0, &out, &err), RBK_READ_ERR);
    rbk_sbuf_reset(&want);
    rbk_sbuf_printf(&want, "cannot read \"%s\": it is a directory", dir);
    assert_string_equal(err.data, want.data);
    assert_int_equal(read_after(missing, RBK_READ_MAX_SOURCE, 0, &out, &err), RBK_READ_ERR);
    rbk_sbuf_reset(&want);
    rbk_sbuf_printf(&want, "cannot open \"%s\": No such file or directory", missing);
    assert_string_equal(err.data, want.data);
    rbk_sbuf_free(&want);
    rbk_sbuf_free(&out);
    rbk_sbuf_free(&err);
    free(fifo);
    free(dir);
    free(missing);
}

/* /proc/self/environ is a "regular file" of size 0 whose bytes are the environment: refused,
 * and not a byte of it kept or shown. */
static void test_proc_file_is_refused_unread(void **st) {
    (void)st;
    setenv("RBK_READFILE_CANARY", "canary-7d1e", 1);
    rbk_sbuf out = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    rbk_sbuf_reserve(&out, 4096); /* every byte the scan below reads is defined */
    memset(out.data, 0, out.cap);
    assert_int_equal(read_after("/proc/self/environ", RBK_READ_MAX_SOURCE, 0, &out, &err), RBK_READ_ERR);
    assert_non_null(strstr(err.data, "it held more than its size (0 bytes) when read"));
    assert_null(strstr(err.data, "canary-7d1e"));
    for (size_t i = 0; i + 11 <= out.cap; i++) /* wiped, not just cut off */
        assert_true(memcmp(out.data + i, "canary-7d1e", 11) != 0);
    rbk_sbuf_free(&out);
    rbk_sbuf_free(&err);
}

/* RBK_READ_PIPE (--env-file <(...)): a FIFO without a writer is empty at once; a pipe is read
 * to its end, and one that goes past the limit is refused. */
static void test_pipes(void **st) {
    fx *f = *st;
    char *fifo = path_in(f, "env.fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    rbk_sbuf out = RBK_SBUF_INIT, err = RBK_SBUF_INIT;
    assert_int_equal(read_after(fifo, 100, RBK_READ_PIPE, &out, &err), RBK_READ_OK);
    assert_string_equal(rbk_sbuf_cstr(&out), "kept");
    rbk_sbuf fresh = RBK_SBUF_INIT;
    assert_int_equal(rbk_read_file(fifo, 100, RBK_READ_PIPE, &fresh, &err), RBK_READ_OK);
    assert_int_equal(fresh.len, 0);
    assert_int_equal(fresh.data[0], 0);
    rbk_sbuf_free(&fresh);
    for (int over = 0; over <= 1; over++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) { /* the writer: 100 bytes, or 101, in two writes with a pause */
            close(p[0]);
            char buf[101];
            memset(buf, 'A', sizeof buf);
            if (write(p[1], buf, 50) != 50) _exit(1);
            usleep(20000);
            if (write(p[1], buf, (size_t)(50 + over)) != 50 + over) _exit(1);
            _exit(0);
        }
        close(p[1]);
        char path[32];
        snprintf(path, sizeof path, "/dev/fd/%d", p[0]);
        int rc = read_after(path, 100, RBK_READ_PIPE, &out, &err);
        close(p[0]);
        int status;
        waitpid(pid, &status, 0);
        if (!over) {
            assert_int_equal(rc, RBK_READ_OK);
            assert_int_equal(out.len, 104);
        } else {
            assert_int_equal(rc, RBK_READ_TOO_BIG);
            assert_non_null(strstr(err.data, "it goes on past the 100 bytes allowed"));
        }
    }
    rbk_sbuf_free(&out);
    rbk_sbuf_free(&err);
    free(fifo);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_regular_file_and_its_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_what_is_not_a_regular_file, setup, teardown),
        cmocka_unit_test(test_proc_file_is_refused_unread),
        cmocka_unit_test_setup_teardown(test_pipes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

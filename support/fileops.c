/* support/fileops.c — the file and TCP operations of support/fileops.h, without a VM (the
 * natives in stdlib/std_file.c wrap them; the CLI writes its files with rbk_file_write_atomic).
 * Rules kept here: errors name the path and strerror; file.write replaces atomically; every
 * wait polls the cancel token in slices of RBK_POLL_SLICE_MS (file reads check it between
 * 64 KiB chunks). */
#include "fileops.h"
#include "duration.h"
#include "sha256.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define FILE_CHUNK (64 * 1024)

static void errf(rbk_sbuf *err, const char *what, const char *path, int e) {
    if (err) rbk_sbuf_printf(err, "%s \"%s\": %s", what, path, strerror(e));
}

/* size: the file's size when known before reading, 0 when it grew past max while read */
static void too_large(rbk_sbuf *err, const char *path, uint64_t size, size_t max) {
    if (!err) return;
    rbk_sbuf_printf(err, "cannot read \"%s\": it is larger than the limit of ", path);
    rbk_size_fmt(err, max);
    if (size) rbk_sbuf_printf(err, " (%" PRIu64 " bytes)", size);
    else rbk_sbuf_adds(err, " (it grew while being read)");
}

int rbk_file_exists(const char *path, rbk_sbuf *err) {
    struct stat st;
    if (stat(path, &st) == 0) return 1;
    if (errno == ENOENT || errno == ENOTDIR) return 0;
    errf(err, "cannot stat", path, errno);
    return RBK_FILE_ERR;
}

const char *rbk_file_kind(unsigned mode) {
    if (S_ISREG(mode)) return "a regular file";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a file of a known kind";
}

/* "cannot WHAT "PATH": it is a FIFO (named pipe), not a regular file" */
static void not_regular(rbk_sbuf *err, const char *what, const char *path, unsigned mode) {
    if (err) rbk_sbuf_printf(err, "cannot %s \"%s\": it is %s, not a regular file", what, path,
                             rbk_file_kind(mode));
}

int rbk_file_size(const char *path, int64_t *size, rbk_sbuf *err) {
    struct stat st;
    if (stat(path, &st) != 0) {
        errf(err, "cannot stat", path, errno);
        return RBK_FILE_ERR;
    }
    if (!S_ISREG(st.st_mode)) { /* a pipe, a device or a directory has no size to speak of */
        not_regular(err, "size", path, st.st_mode);
        return RBK_FILE_ERR;
    }
    *size = (int64_t)st.st_size;
    return RBK_FILE_OK;
}

/* Opens a regular file for reading, or explains why not. The kind is checked with stat
 * before anything is opened (opening a device can have effects: a tape rewinds, a modem
 * line is raised), and again with fstat on what was opened, in case the path changed in
 * between. O_NONBLOCK makes that open return at once even for a FIFO that no one writes to
 * (a plain open waits for a writer, with no timeout and through signals); on a regular file
 * it changes nothing. st receives the file's status. */
static int open_regular(const char *path, struct stat *st, rbk_sbuf *err) {
    if (stat(path, st) != 0) {
        errf(err, "cannot open", path, errno);
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        not_regular(err, "read", path, st->st_mode);
        return -1;
    }
    int fd;
    do fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        errf(err, "cannot open", path, errno);
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        int e = errno;
        if (S_ISREG(st->st_mode)) errf(err, "cannot stat", path, e);
        else not_regular(err, "read", path, st->st_mode);
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads the regular file in chunks, handing each to sink (an sbuf or a digest), at most max
 * bytes (a file that is or grows larger is an error: its size is never trusted alone). */
static int read_chunks(const char *path, size_t max, const rbk_cancel *c, rbk_sbuf *err,
                       void (*sink)(void *ctx, const void *p, size_t n), void *ctx,
                       void (*hint)(void *ctx, size_t size)) {
    struct stat st;
    int fd = open_regular(path, &st, err);
    if (fd < 0) return RBK_FILE_ERR;
    if ((uint64_t)st.st_size > (uint64_t)max) {
        close(fd);
        too_large(err, path, (uint64_t)st.st_size, max);
        return RBK_FILE_TOO_LARGE;
    }
    if (hint) hint(ctx, (size_t)st.st_size);
    char *buf = rbk_xmalloc(FILE_CHUNK);
    int rc = RBK_FILE_OK;
    size_t total = 0;
    for (;;) {
        if (rbk_cancel_check(c)) { rc = RBK_FILE_CANCELLED; break; }
        ssize_t r = read(fd, buf, FILE_CHUNK);
        if (r < 0) {
            if (errno == EINTR) continue;
            errf(err, "cannot read", path, errno);
            rc = RBK_FILE_ERR;
            break;
        }
        if (r == 0) break;
        if ((size_t)r > max - total) { /* it grew while we read it */
            too_large(err, path, 0, max);
            rc = RBK_FILE_TOO_LARGE;
            break;
        }
        total += (size_t)r;
        sink(ctx, buf, (size_t)r);
    }
    free(buf);
    close(fd);
    return rc;
}

static void sink_sbuf(void *ctx, const void *p, size_t n) { rbk_sbuf_add(ctx, p, n); }
static void hint_sbuf(void *ctx, size_t size) { rbk_sbuf_reserve(ctx, size); }
static void sink_sha(void *ctx, const void *p, size_t n) { rbk_sha256_update(ctx, p, n); }

int rbk_file_read_max(const char *path, size_t max, rbk_sbuf *out, const rbk_cancel *c,
                      rbk_sbuf *err) {
    return read_chunks(path, max, c, err, sink_sbuf, out, hint_sbuf);
}

int rbk_file_read(const char *path, rbk_sbuf *out, const rbk_cancel *c, rbk_sbuf *err) {
    return rbk_file_read_max(path, RBK_FILE_READ_LIMIT, out, c, err);
}

int rbk_file_sha256(const char *path, char hex[65], const rbk_cancel *c, rbk_sbuf *err) {
    rbk_sha256 s;
    rbk_sha256_init(&s);
    int rc = read_chunks(path, SIZE_MAX, c, err, sink_sha, &s, NULL);
    if (rc != RBK_FILE_OK) return rc;
    unsigned char d[RBK_SHA256_DIGEST];
    rbk_sha256_final(&s, d);
    rbk_sha256_to_hex(d, hex);
    return RBK_FILE_OK;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int rbk_file_atomic_begin(rbk_file_atomic *a, const char *path, rbk_sbuf *err) {
    *a = (rbk_file_atomic){.fd = -1, .path = path};
    if (!*path) {
        errf(err, "cannot write", path, ENOENT);
        return RBK_FILE_ERR;
    }
    /* follow a symlink: replace the file it points to, keep the link */
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        a->target = realpath(path, NULL);
        if (!a->target) {
            errf(err, "cannot resolve", path, errno);
            return RBK_FILE_ERR;
        }
    }
    const char *dst = a->target ? a->target : path;
    struct stat old;
    int have_old = stat(dst, &old) == 0;
    if (have_old && !S_ISREG(old.st_mode)) {
        /* renaming over a device, pipe or socket would replace it (/dev/null included) */
        not_regular(err, "write", path, old.st_mode);
        if (!S_ISDIR(old.st_mode)) rbk_sbuf_adds(err, " (a device, pipe or socket is never replaced)");
        rbk_file_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    const char *slash = strrchr(dst, '/');
    if (!slash) rbk_sbuf_adds(&a->dir, ".");
    else if (slash == dst) rbk_sbuf_adds(&a->dir, "/");
    else rbk_sbuf_add(&a->dir, dst, (size_t)(slash - dst));
    const char *base = slash ? slash + 1 : dst;

    for (int attempt = 0; attempt < 100 && a->fd < 0; attempt++) {
        rbk_sbuf_reset(&a->tmp);
        rbk_sbuf_printf(&a->tmp, "%s/.%s.rbk-tmp-%ld-%lld-%d", rbk_sbuf_cstr(&a->dir), base,
                        (long)getpid(), (long long)(rbk_now_us() & 0xffffffffffLL), attempt);
        a->fd = open(a->tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
        if (a->fd < 0 && errno != EEXIST && errno != EINTR) {
            errf(err, "cannot create a temporary file in", rbk_sbuf_cstr(&a->dir), errno);
            rbk_sbuf_reset(&a->tmp);
            rbk_file_atomic_abort(a);
            return RBK_FILE_ERR;
        }
    }
    if (a->fd < 0) {
        errf(err, "cannot create a temporary file in", rbk_sbuf_cstr(&a->dir), EEXIST);
        rbk_sbuf_reset(&a->tmp);
        rbk_file_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    if (have_old && fchmod(a->fd, old.st_mode & 07777) != 0) {
        errf(err, "cannot set the mode of", a->tmp.data, errno);
        rbk_file_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    return RBK_FILE_OK;
}

void rbk_file_atomic_abort(rbk_file_atomic *a) {
    if (a->fd >= 0) close(a->fd);
    if (a->tmp.len) unlink(a->tmp.data);
    rbk_sbuf_free(&a->dir);
    rbk_sbuf_free(&a->tmp);
    free(a->target);
    *a = (rbk_file_atomic){.fd = -1};
}

int rbk_file_atomic_commit(rbk_file_atomic *a, rbk_sbuf *err) {
    const char *dst = a->target ? a->target : a->path;
    if (a->fd < 0 && (a->fd = open(a->tmp.data, O_WRONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
        errf(err, "cannot open", a->tmp.data, errno);
        rbk_file_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    if (fsync(a->fd) != 0) {
        errf(err, "cannot fsync", a->tmp.data, errno);
        rbk_file_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    int cfd = a->fd;
    a->fd = -1;
    if (close(cfd) != 0) {
        errf(err, "cannot close", a->tmp.data, errno);
        rbk_file_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    if (rename(a->tmp.data, dst) != 0) {
        errf(err, "cannot rename the temporary file to", a->path, errno);
        rbk_file_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    rbk_sbuf_reset(&a->tmp); /* renamed: the temp file is gone */
    int rc = RBK_FILE_ERR;
    int dfd = open(rbk_sbuf_cstr(&a->dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        errf(err, "cannot open the directory", rbk_sbuf_cstr(&a->dir), errno);
    } else {
        /* some file systems cannot fsync a directory (EINVAL): nothing more to do there */
        if (fsync(dfd) != 0 && errno != EINVAL && errno != ENOTSUP)
            errf(err, "cannot fsync the directory", rbk_sbuf_cstr(&a->dir), errno);
        else
            rc = RBK_FILE_OK;
        close(dfd);
    }
    rbk_file_atomic_abort(a);
    return rc;
}

int rbk_file_write_atomic(const char *path, const void *data, size_t n, rbk_sbuf *err) {
    rbk_file_atomic a;
    if (rbk_file_atomic_begin(&a, path, err) != RBK_FILE_OK) return RBK_FILE_ERR;
    if (write_all(a.fd, data, n) != 0) {
        errf(err, "cannot write", a.tmp.data, errno);
        rbk_file_atomic_abort(&a);
        return RBK_FILE_ERR;
    }
    return rbk_file_atomic_commit(&a, err);
}

/* ---------------------------------------------------------------- a directory replaced whole */

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)ftw;
    if (flag == FTW_DP) rmdir(p);
    else unlink(p);
    return 0;
}
/* Removes the tree at path, not following symbolic links (best effort). */
static void remove_tree(const char *path) { nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS); }

static _Thread_local int fsync_bad;
static int fsync_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
    (void)ftw;
    if (flag != FTW_F || !S_ISREG(st->st_mode)) return 0;
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd < 0 || fsync(fd) != 0) fsync_bad = errno ? errno : EIO;
    if (fd >= 0) close(fd);
    return fsync_bad ? 1 : 0;
}

int rbk_dir_atomic_begin(rbk_dir_atomic *a, const char *path, rbk_sbuf *err) {
    *a = (rbk_dir_atomic){.path = path};
    if (!*path) {
        errf(err, "cannot write", path, ENOENT);
        return RBK_FILE_ERR;
    }
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        a->target = realpath(path, NULL);
        if (!a->target) {
            errf(err, "cannot resolve", path, errno);
            return RBK_FILE_ERR;
        }
    }
    const char *dst = a->target ? a->target : path;
    struct stat old;
    if (stat(dst, &old) == 0 && !S_ISDIR(old.st_mode)) {
        rbk_sbuf_printf(err, "cannot write the directory \"%s\": it is %s, which a directory does not replace", path,
                        rbk_file_kind(old.st_mode));
        rbk_dir_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    size_t n = strlen(dst);
    while (n > 1 && dst[n - 1] == '/') n--; /* "logs/" is "logs" */
    const char *slash = NULL;
    for (size_t i = 0; i < n; i++)
        if (dst[i] == '/') slash = dst + i;
    if (!slash) rbk_sbuf_adds(&a->dir, ".");
    else if (slash == dst) rbk_sbuf_adds(&a->dir, "/");
    else rbk_sbuf_add(&a->dir, dst, (size_t)(slash - dst));
    const char *base = slash ? slash + 1 : dst;
    rbk_sbuf_printf(&a->tmp, "%s/.%.*s.rbk-tmp-XXXXXX", rbk_sbuf_cstr(&a->dir), (int)(n - (size_t)(base - dst)), base);
    if (!mkdtemp(a->tmp.data)) {
        errf(err, "cannot create a temporary directory in", rbk_sbuf_cstr(&a->dir), errno);
        rbk_sbuf_reset(&a->tmp);
        rbk_dir_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    rbk_sbuf_printf(&a->into, "%s/d", a->tmp.data);
    return RBK_FILE_OK;
}

void rbk_dir_atomic_abort(rbk_dir_atomic *a) {
    if (a->tmp.len) remove_tree(a->tmp.data);
    rbk_sbuf_free(&a->dir);
    rbk_sbuf_free(&a->tmp);
    rbk_sbuf_free(&a->into);
    free(a->target);
    *a = (rbk_dir_atomic){0};
}

int rbk_dir_atomic_commit(rbk_dir_atomic *a, rbk_sbuf *err) {
    const char *dst = a->target ? a->target : a->path;
    struct stat st;
    if (stat(a->into.data, &st) != 0 || !S_ISDIR(st.st_mode)) {
        rbk_sbuf_printf(err, "cannot write the directory \"%s\": the copy is not a directory", a->path);
        rbk_dir_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    fsync_bad = 0;
    if (nftw(a->into.data, fsync_one, 16, FTW_PHYS) != 0) {
        errf(err, "cannot fsync the files of", a->into.data, fsync_bad ? fsync_bad : errno);
        rbk_dir_atomic_abort(a);
        return RBK_FILE_ERR;
    }
    if (rename(a->into.data, dst) != 0) {
        /* a directory there (rename over a non-empty one fails): exchange them, then the old
         * tree, now in the temporary directory, goes with it */
        if (!((errno == ENOTEMPTY || errno == EEXIST) &&
              renameat2(AT_FDCWD, a->into.data, AT_FDCWD, dst, RENAME_EXCHANGE) == 0)) {
            errf(err, "cannot rename the temporary directory to", a->path, errno);
            rbk_dir_atomic_abort(a);
            return RBK_FILE_ERR;
        }
    }
    int rc = RBK_FILE_OK;
    int dfd = open(rbk_sbuf_cstr(&a->dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        errf(err, "cannot open the directory", rbk_sbuf_cstr(&a->dir), errno);
        rc = RBK_FILE_ERR;
    } else {
        if (fsync(dfd) != 0 && errno != EINVAL && errno != ENOTSUP) {
            errf(err, "cannot fsync the directory", rbk_sbuf_cstr(&a->dir), errno);
            rc = RBK_FILE_ERR;
        }
        close(dfd);
    }
    rbk_dir_atomic_abort(a); /* the temporary directory: empty, or the old tree */
    return rc;
}

/* ---------------------------------------------------------------- TCP probe */

/* A name lookup runs getaddrinfo in a thread of ours so that the caller can poll the cancel
 * token (a hung DNS server must not outlive the timeout or an interrupt). Normally the thread
 * is joined (its resolver state is freed with it: valgrind-clean, unlike glibc's
 * getaddrinfo_a helper thread that lingers). On cancel the thread is detached and frees the
 * job itself when getaddrinfo returns: shared ownership through refs. */
typedef struct gai_job {
    atomic_int refs;
    int efd;                  /* eventfd, signalled when done */
    char *host;
    char service[16];
    struct addrinfo hints;
    struct addrinfo *res;
    int err;
} gai_job;

static void gai_job_unref(gai_job *j) {
    if (atomic_fetch_sub(&j->refs, 1) != 1) return;
    if (j->res) freeaddrinfo(j->res);
    close(j->efd);
    free(j->host);
    free(j);
}

static void *gai_thread(void *arg) {
    gai_job *j = arg;
    j->err = getaddrinfo(j->host, j->service, &j->hints, &j->res);
    uint64_t one = 1;
    ssize_t w = write(j->efd, &one, sizeof one);
    (void)w;
    gai_job_unref(j);
    return NULL;
}

/* Resolves host, polling c. Returns 0 with *res set, 1 not resolvable (why set),
 * RBK_FILE_CANCELLED on interrupt, 2 on deadline. */
static int resolve(const char *host, int port, const rbk_cancel *c, struct addrinfo **res,
                   rbk_sbuf *why) {
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    /* numeric addresses need no lookup (and no thread) */
    struct addrinfo nh = hints;
    nh.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(host, service, &nh, res) == 0) return 0;

    gai_job *j = rbk_xcalloc(1, sizeof *j);
    atomic_init(&j->refs, 2);
    j->efd = eventfd(0, EFD_CLOEXEC);
    j->host = rbk_xstrdup(host);
    memcpy(j->service, service, sizeof service);
    j->hints = hints;
    pthread_t th;
    int terr = j->efd < 0 ? errno : pthread_create(&th, NULL, gai_thread, j);
    if (terr != 0) {
        if (why) rbk_sbuf_printf(why, "cannot resolve \"%s\": %s", host, strerror(terr));
        if (j->efd >= 0) close(j->efd);
        free(j->host);
        free(j);
        return 1;
    }
    int stopped = 0;
    for (;;) {
        struct pollfd p = {j->efd, POLLIN, 0};
        if (poll(&p, 1, rbk_cancel_slice(c, RBK_POLL_SLICE_MS)) > 0) break;
        if ((stopped = rbk_cancel_check(c)) != 0) break;
    }
    if (stopped) {
        pthread_detach(th);
        gai_job_unref(j);
        return stopped == 1 ? RBK_FILE_CANCELLED : 2;
    }
    pthread_join(th, NULL);
    int e = j->err;
    if (e != 0) {
        if (why) rbk_sbuf_printf(why, "cannot resolve \"%s\": %s", host,
                                 e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
        gai_job_unref(j);
        return 1;
    }
    *res = j->res;
    j->res = NULL;
    gai_job_unref(j);
    return 0;
}

int rbk_tcp_probe(const char *host, int port, const rbk_cancel *c, rbk_sbuf *why) {
    if (rbk_cancel_check(c) == 1) return RBK_FILE_CANCELLED;
    struct addrinfo *res = NULL;
    int r = resolve(host, port, c, &res, why);
    if (r == RBK_FILE_CANCELLED) return r;
    if (r == 2) {
        if (why) rbk_sbuf_printf(why, "timed out resolving \"%s\"", host);
        return 0;
    }
    if (r != 0) return 0;
    int result = 0, last_err = 0, timed_out = 0;
    for (struct addrinfo *ai = res; ai && !result; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) { last_err = errno; continue; }
        int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc == 0) {
            result = 1;
        } else if (errno == EINPROGRESS || errno == EINTR) {
            for (;;) {
                int stop = rbk_cancel_check(c);
                if (stop == 1) { result = RBK_FILE_CANCELLED; break; }
                if (stop == 2) { timed_out = 1; break; }
                struct pollfd p = {fd, POLLOUT, 0};
                int pr = poll(&p, 1, rbk_cancel_slice(c, RBK_POLL_SLICE_MS));
                if (pr < 0 && errno != EINTR) { last_err = errno; break; }
                if (pr > 0) {
                    int soerr = 0;
                    socklen_t len = sizeof soerr;
                    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) soerr = errno;
                    if (soerr == 0) result = 1;
                    else last_err = soerr;
                    break;
                }
            }
        } else {
            last_err = errno;
        }
        close(fd);
        if (timed_out) break;
    }
    freeaddrinfo(res);
    if (result == 0 && why) {
        if (timed_out) rbk_sbuf_printf(why, "connecting to %s:%d timed out", host, port);
        else rbk_sbuf_printf(why, "connecting to %s:%d: %s", host, port,
                             strerror(last_err ? last_err : ECONNREFUSED));
    }
    return result;
}

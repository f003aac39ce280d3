/* support/fileops.h — the file and TCP operations behind the file.* and tcp.open natives,
 * usable without a VM (tests/unit/test_file.c calls them directly).
 * Owns: nothing beyond these functions; they live in stdlib/std_file.c next to the natives
 * (rbk_std_file_*, rbk_std_tcp_open) that wrap them with argument checks, the VM's cancel
 * token, error reporting and secret marking.
 * Conventions: err is appended a message without a prefix (the native adds "file.read: "),
 * naming the path in double quotes and strerror: cannot open "/x": No such file or directory.
 * c may be NULL (never cancelled). */
#ifndef RBK_FILEOPS_H
#define RBK_FILEOPS_H
#include <stddef.h>
#include <stdint.h>
#include "clock.h"
#include "sbuf.h"

enum {
    RBK_FILE_OK = 0,
    RBK_FILE_ERR = -1,       /* err holds the message */
    RBK_FILE_CANCELLED = -2, /* c fired: rbk_cancel_check(c) says why */
    RBK_FILE_TOO_LARGE = -3, /* larger than the limit: err holds the message */
};

/* What the functions below read is a REGULAR file (or what a symlink points to): a FIFO, a
 * device, a socket or a directory is refused with "cannot read "PATH": it is a FIFO (named
 * pipe), not a regular file" before anything waits on it. The kind is checked with stat
 * before the open, and with fstat after it; the open is O_NONBLOCK, so even a FIFO swapped
 * in between cannot block it. Reading a regular file then always ends, and the cancel token
 * is checked between 64 KiB chunks. (A read from a hung network file system can still
 * block in the kernel: nothing in user space can bound that.) */

/* The longest file rbk_file_read reads: a text shorter than 256 MiB (RBK_TEXT_MAX in
 * vm/value.h). It bounds runbook sources, modules, .rbc files and env files. */
#define RBK_FILE_READ_LIMIT (((size_t)256 << 20) - 1)

/* 1 exists (stat follows symlinks), 0 does not (ENOENT, ENOTDIR), RBK_FILE_ERR otherwise
 * (EACCES on a parent, ELOOP, ...: the answer is unknown, so we do not say "no"). Any kind
 * of file exists; nothing is opened. */
int rbk_file_exists(const char *path, rbk_sbuf *err);
/* Size in bytes of a regular file (or what a symlink points to); anything else is an error
 * that names its kind (a pipe or a device has no size: stat says 0). */
int rbk_file_size(const char *path, int64_t *size, rbk_sbuf *err);
/* Appends the whole regular file to out; a file larger than max bytes (by its size, or by
 * what a read returns when it grows meanwhile) is an error: "cannot read "PATH": it is
 * larger than the limit of 64 MiB (N bytes)", and out is left with what was read so far. */
int rbk_file_read_max(const char *path, size_t max, rbk_sbuf *out, const rbk_cancel *c,
                      rbk_sbuf *err);
/* rbk_file_read_max with RBK_FILE_READ_LIMIT. */
int rbk_file_read(const char *path, rbk_sbuf *out, const rbk_cancel *c, rbk_sbuf *err);
/* SHA-256 of a regular file's bytes (any size), streamed in 64 KiB reads; hex is lower case. */
int rbk_file_sha256(const char *path, char hex[65], const rbk_cancel *c, rbk_sbuf *err);
/* "a regular file", "a directory", "a FIFO (named pipe)", "a character device", "a block
 * device", "a socket" for a st_mode. */
const char *rbk_file_kind(unsigned mode);
/* Replaces path atomically with data: a temp file in the same directory (created with
 * O_EXCL; mode of the file it replaces, else 0666 & ~umask), write, fsync, rename over path,
 * fsync the directory. A symlink at path is followed: the file it points to is replaced.
 * On any error the temp file is removed and path is untouched. */
int rbk_file_write_atomic(const char *path, const void *data, size_t n, rbk_sbuf *err);

/* The same in three parts, for a writer that is another process (file.download: scp writes
 * the temp file by its name): begin makes the temp file (a->tmp, open as a->fd) or fails with
 * err; commit (closes a->fd if still open, else reopens a->tmp) fsyncs, renames over path and
 * fsyncs the directory; abort removes the temp file. Commit and abort free *a; a failed begin
 * leaves nothing to free. */
typedef struct rbk_file_atomic {
    int fd;
    const char *path;  /* borrowed */
    char *target;      /* path's symlink resolved, or NULL */
    rbk_sbuf dir, tmp;
} rbk_file_atomic;
int rbk_file_atomic_begin(rbk_file_atomic *a, const char *path, rbk_sbuf *err);
int rbk_file_atomic_commit(rbk_file_atomic *a, rbk_sbuf *err);
void rbk_file_atomic_abort(rbk_file_atomic *a);

/* A directory replaced as a whole (file.download of a directory): begin makes a new, empty
 * temporary directory beside path (path's symlink resolved, as above), and a->into names where
 * the copy is to be made inside it (not yet existing). commit fsyncs every regular file of the
 * copy, then puts it at path: renamed there when path does not exist, exchanged with it
 * (renameat2 RENAME_EXCHANGE: no moment without a directory at path) when path is a directory,
 * whose old tree is then removed; then fsyncs the parent. A path that exists and is not a
 * directory is refused by begin (a file is not replaced by a directory). abort removes the
 * temporary tree. RBK_FILE_OK or RBK_FILE_ERR with err. */
typedef struct rbk_dir_atomic {
    const char *path;  /* borrowed */
    char *target;      /* path's symlink resolved, or NULL */
    rbk_sbuf dir, tmp, into;
} rbk_dir_atomic;
int rbk_dir_atomic_begin(rbk_dir_atomic *a, const char *path, rbk_sbuf *err);
int rbk_dir_atomic_commit(rbk_dir_atomic *a, rbk_sbuf *err);
void rbk_dir_atomic_abort(rbk_dir_atomic *a);

/* Whether a TCP connection to host:port succeeds before c fires. The name is resolved by
 * getaddrinfo in a helper thread (so a hung DNS lookup is cancellable too); each address is tried in turn with
 * a non-blocking connect polled in slices of RBK_POLL_SLICE_MS.
 * Returns 1 connected (and closed again), 0 not (why holds the reason: refused, timed out,
 * cannot resolve), RBK_FILE_CANCELLED when c's interrupt flag fired (a deadline gives 0). */
int rbk_tcp_probe(const char *host, int port, const rbk_cancel *c, rbk_sbuf *why);
#endif

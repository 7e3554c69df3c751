/* file.h — whole files: the one reader of the configuration, the layouts, the posts and
 * the state folder, and the one way a file is replaced. */
#ifndef QUIRE_FILE_H
#define QUIRE_FILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct buf;

/* file_open(): a symbolic link is refused (ELOOP), not followed. */
#define FILE_NOFOLLOW 1

/* Open name (relative to dirfd, or AT_FDCWD) to read: a regular file only, and never
 * waiting on a FIFO. The descriptor with *st filled, or -1 with errno set (EINVAL for
 * what is not a regular file). */
int file_open(int dirfd, const char *name, int flags, struct stat *st);
/* Append to out what fd gives at one read, taking EINTR in its stride: the bytes
 * read, 0 at the end, or -1 with errno set. */
ssize_t file_read_some(int fd, struct buf *out);
/* Append what fd holds from where it is to its end: 0, or -1 with errno set (EFBIG
 * when it is more than max bytes). */
int file_read_fd(int fd, size_t max, struct buf *out);
/* The whole file name (as file_open() opens it) into out, emptied first: 0, or -1 with
 * errno set and out empty. st may be NULL. */
int file_read(int dirfd, const char *name, int flags, size_t max, struct buf *out, struct stat *st);
/* Words for a failure of the functions above: "a symbolic link", "not a regular
 * file", "too large", else strerror(err). */
const char *file_strerror(int err);
/* Replace the file dir/name with len bytes of data: written beside it, then renamed
 * over it, so that a reader sees the old file or the new one. 0, or -1 with errno
 * set (nothing is left behind, no descriptor kept). */
int file_replace(const char *dir, const char *name, const char *data, size_t len);

#endif

/* file.c — whole files, read with read(2) (never mapped: a file cut short while it is
 * read must not raise SIGBUS) and replaced by rename(2). */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

int file_open(int dirfd, const char *name, int flags, struct stat *st)
{
	int fd =
	    openat(dirfd, name,
	           O_RDONLY | O_NONBLOCK | O_CLOEXEC | (flags & FILE_NOFOLLOW ? O_NOFOLLOW : 0));

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		int saved = S_ISREG(st->st_mode) ? errno : EINVAL;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

ssize_t file_read_some(int fd, struct buf *out)
{
	for (;;) {
		buf_grow(out, 4096);
		ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			out->len += (size_t)n;
		return n;
	}
}

int file_read_fd(int fd, size_t max, struct buf *out)
{
	size_t start = out->len;
	ssize_t n;

	while ((n = file_read_some(fd, out)) > 0) {
		if (out->len - start > max) {
			errno = EFBIG;
			return -1;
		}
	}
	return n < 0 ? -1 : 0;
}

int file_read(int dirfd, const char *name, int flags, size_t max, struct buf *out, struct stat *st)
{
	struct stat own;
	int fd, rc, saved;

	buf_reset(out);
	fd = file_open(dirfd, name, flags, st ? st : &own);
	if (fd < 0)
		return -1;
	if ((size_t)(st ? st : &own)->st_size > max) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	/* The size is only a hint: the file may grow while it is read. */
	buf_grow(out, (size_t)(st ? st : &own)->st_size + 1);
	rc = file_read_fd(fd, max, out);
	saved = errno;
	close(fd);
	if (rc < 0) {
		buf_reset(out);
		errno = saved;
	}
	return rc;
}

const char *file_strerror(int err)
{
	switch (err) {
	case ELOOP:
		return "a symbolic link";
	case EINVAL:
		return "not a regular file";
	case EFBIG:
		return "too large";
	default:
		return strerror(err);
	}
}

int file_replace(const char *dir, const char *name, const char *data, size_t len)
{
	struct buf path = {0}, tmp = {0};
	int rc = -1, saved = 0, fd;

	buf_printf(&path, "%s/%s", dir, name);
	buf_printf(&tmp, "%s/.%s.%ld", dir, name, (long)getpid());
	/* Made anew, never opened through a link someone left at that name. */
	fd = open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST && unlink(tmp.data) == 0)
		fd = open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		          0666);
	if (fd < 0) {
		saved = errno;
		goto out;
	}
	for (size_t done = 0; done < len && saved == 0;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			saved = errno;
		else
			done += (size_t)n;
	}
	/* Closed whatever write() did: a full disk must not keep the descriptor. */
	if (close(fd) != 0 && saved == 0)
		saved = errno;
	if (saved == 0 && rename(tmp.data, buf_cstr(&path)) == 0)
		rc = 0;
	else {
		saved = saved ? saved : errno;
		unlink(tmp.data);
	}
out:
	buf_free(&path);
	buf_free(&tmp);
	errno = saved;
	return rc;
}

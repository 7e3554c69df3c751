/* scratch.h — the unit tests' scratch folders: made in TMPDIR, files written whole, and the
 * folder removed with everything in it. */
#ifndef QUIRE_SCRATCH_H
#define QUIRE_SCRATCH_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"

/* A new folder TMPDIR/quire-NAME-XXXXXX into dir (size bytes), or exit 1. */
__attribute__((unused)) static void scratch_dir(const char *name, char *dir, size_t size)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, size, "%s/quire-%s-XXXXXX", t && *t ? t : "/tmp", name);
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "%s: cannot make a scratch folder\n", name);
		exit(1);
	}
}

/* Write len bytes of data to path, or exit 1. */
__attribute__((unused)) static void scratch_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
}

/* The file at path into out, NUL-terminated (empty when it cannot be read). */
__attribute__((unused)) static void scratch_read(const char *path, struct buf *out)
{
	file_read(AT_FDCWD, path, 0, (size_t)1 << 30, out, NULL);
	buf_cstr(out);
}

static int scratch_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove dir and everything in it. */
__attribute__((unused)) static void scratch_rm(const char *dir)
{
	nftw(dir, scratch_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif

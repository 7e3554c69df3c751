/* file_test.c — the one file reader: a regular file read whole, through a symbolic link
 * only when asked, never a FIFO or a folder, never more than the bound; and a file
 * replaced whole, nothing left beside it when that fails. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "file.h"
#include "scratch.h"

static char dir[256];

static const char *at(const char *name)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(at(name), "wb");
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	struct buf b = {0};
	struct stat st;
	int dfd;

	scratch_dir("file-test", dir, sizeof(dir));
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) < 0) {
		printf("FAIL file: a folder to work in\n");
		return 1;
	}
	put("a", "hello\n");
	symlink("a", at("link"));
	mkfifo(at("fifo"), 0600);
	mkdir(at("sub"), 0700);

	static const struct {
		const char *name, *file;
		int flags;
		size_t max;
		int rc, err;
		const char *want, *words;
	} cases[] = {
	    {"a regular file is read whole", "a", FILE_NOFOLLOW, 100, 0, 0, "hello\n", NULL},
	    {"exactly at the bound", "a", 0, 6, 0, 0, "hello\n", NULL},
	    {"one byte past the bound", "a", 0, 5, -1, EFBIG, NULL, "too large"},
	    {"a symbolic link, not followed", "link", FILE_NOFOLLOW, 100, -1, ELOOP, NULL,
	     "a symbolic link"},
	    {"a symbolic link, followed when allowed", "link", 0, 100, 0, 0, "hello\n", NULL},
	    {"a FIFO is refused without waiting", "fifo", 0, 100, -1, EINVAL, NULL,
	     "not a regular file"},
	    {"a folder is refused", "sub", 0, 100, -1, EINVAL, NULL, "not a regular file"},
	    {"a missing file", "none", 0, 100, -1, ENOENT, NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		buf_adds(&b, "old");
		errno = 0;
		int rc = file_read(dfd, cases[i].file, cases[i].flags, cases[i].max, &b, &st);
		int err = errno;
		int ok = rc == cases[i].rc;
		if (rc == 0)
			ok = ok && b.len == strlen(cases[i].want) &&
			     memcmp(b.data, cases[i].want, b.len) == 0 &&
			     st.st_size == (off_t)b.len;
		else
			ok = ok && err == cases[i].err && b.len == 0 &&
			     (cases[i].words == NULL ||
			      strcmp(file_strerror(err), cases[i].words) == 0);
		check("file", cases[i].name, ok, "rc %d errno %d (%s), %zu bytes", rc, err,
		      file_strerror(err), b.len);
	}

	check("file", "replace: the new bytes, whole",
	      file_replace(dir, "a", "new\n", 4) == 0 &&
	          file_read(dfd, "a", 0, 100, &b, NULL) == 0 && b.len == 4 &&
	          memcmp(b.data, "new\n", 4) == 0,
	      "");
	check("file", "replace: into a folder that is not there fails with errno",
	      file_replace(at("none"), "a", "x", 1) == -1 && errno == ENOENT, "errno %d", errno);
	check("file", "replace: onto a folder fails and leaves nothing beside it",
	      file_replace(dir, "sub", "x", 1) == -1 && access(at(".sub.0"), F_OK) != 0, "");
	/* What is left in the folder: a, link, fifo, sub and nothing else. */
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) = 4", dir);
	check("file", "replace: no temporary file left", system(cmd) == 0, "");

	close(dfd);
	scratch_rm(dir);
	buf_free(&b);
	return check_exit();
}

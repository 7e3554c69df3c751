/* post_test.c — reading a post's file again: each failure for what it is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "config.h"
#include "post.h"

static void post_test_write(const char *path, const char *text, size_t pad)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return;
	fputs(text, f);
	for (size_t i = 0; i < pad; i++)
		fputc('x', f);
	fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/quire-post-XXXXXX", path[256], conf[256];
	struct config c = {0};
	struct buf file = {0}, why = {0};
	struct post *p = NULL, *fresh = NULL;
	uint64_t hash;
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(conf, sizeof(conf), "%s/quire.yaml", dir);
	snprintf(path, sizeof(path), "%s/posts", dir);
	mkdir(path, 0700);
	post_test_write(conf,
	                "site:\n  title: T\n  base_url: http://example.org\nposts: posts\n"
	                "layouts: posts\nlimits:\n  post_size: 4096\n",
	                0);
	snprintf(path, sizeof(path), "%s/posts/a.md", dir);
	post_test_write(path, "---\ntitle: A\n---\nbody\n", 0);
	if (config_load(&c, conf) < 0) {
		check("post", "the configuration loads", 0, "%s", conf);
		goto out;
	}
	p = post_new(c.posts_dir, "a.md");
	/* What a failure leaves in errno must not decide: grown over the limit is not gone. */
	post_test_write(path, "---\ntitle: A\n---\n", 8192);
	errno = ENOENT;
	rc = post_read(p, &c, &file, &fresh, &hash, &why);
	check("post", "a file grown over post_size is unreadable (-1), not gone (-2)", rc == -1,
	      "%d: %s", rc, buf_cstr(&why));
	unlink(path);
	mkdir(path, 0700);
	errno = ENOENT;
	rc = post_read(p, &c, &file, &fresh, &hash, &why);
	check("post", "a folder in its place is unreadable (-1), not gone", rc == -1, "%d: %s", rc,
	      buf_cstr(&why));
	rmdir(path);
	errno = 0;
	rc = post_read(p, &c, &file, &fresh, &hash, &why);
	check("post", "a file removed is gone (-2)", rc == -2, "%d: %s", rc, buf_cstr(&why));
out:
	if (fresh != NULL)
		post_unref(fresh);
	if (p != NULL)
		post_unref(p);
	config_free(&c);
	buf_free(&file);
	buf_free(&why);
	snprintf(conf, sizeof(conf), "rm -rf '%s'", dir);
	if (system(conf) != 0)
		return 1;
	return check_exit();
}

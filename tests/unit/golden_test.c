/* golden_test.c — tests/golden/CASE/input.md must render to expected.html, with a site's
 * default markdown options (typography in English; math with the front matter's math: true).
 * With --regen, writes expected.html instead (check the diff by eye). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "frontmatter.h"
#include "markdown.h"

static int golden_read(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	buf_reset(out);
	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	return 0;
}

/* Does the front matter y (n bytes) have the line "math: true"? */
static int golden_math(const char *y, size_t n)
{
	static const char line[] = "math: true";
	const char *p = y, *end = y + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;
		if ((size_t)(e - p) >= sizeof(line) - 1 && memcmp(p, line, sizeof(line) - 1) == 0)
			return 1;
		p = e + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = "tests/golden";
	int regen = argc > 1 && strcmp(argv[1], "--regen") == 0;
	struct buf in = {0}, want = {0}, got = {0}, err = {0}, path = {0};
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0) {
		check("golden", dir, 0, "cannot read the folder");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		const char *c = names[i]->d_name;
		size_t yoff, ylen, yline;
		long body;

		if (c[0] == '.')
			goto next;
		buf_reset(&path);
		buf_printf(&path, "%s/%s/input.md", dir, c);
		if (golden_read(buf_cstr(&path), &in) < 0)
			goto next;
		buf_reset(&err);
		body = frontmatter_split(in.data, in.len, 1, 65536, &yoff, &ylen, &yline, &err);
		if (body < 0)
			body = 0;
		buf_reset(&got);
		/* A site's defaults: typography in English; math for a post with math: true. */
		struct markdown_opts o = {.smart = 1, .language = "en", .language_len = 2};
		o.math = body > 0 && golden_math(in.data + yoff, ylen);
		markdown_render(in.data + body, in.len - (size_t)body, &o, &got);
		buf_reset(&path);
		buf_printf(&path, "%s/%s/expected.html", dir, c);
		if (regen) {
			FILE *f = fopen(buf_cstr(&path), "wb");
			if (f == NULL || fwrite(got.data, 1, got.len, f) != got.len) {
				check("golden", c, 0, "cannot write %s", path.data);
			} else {
				printf("wrote %s\n", path.data);
			}
			if (f != NULL)
				fclose(f);
			goto next;
		}
		if (golden_read(path.data, &want) < 0) {
			check("golden", c, 0, "no %s: run make golden-regen and check it",
			      path.data);
			goto next;
		}
		check("golden", c, want.len == got.len && memcmp(want.data, got.data, got.len) == 0,
		      "differs from %s:\n%s", path.data, buf_cstr(&got));
	next:
		free(names[i]);
	}
	free(names);
	buf_free(&in);
	buf_free(&want);
	buf_free(&got);
	buf_free(&err);
	buf_free(&path);
	return check_exit();
}

/* files_test.c — the table of files served as they are: what the scan takes (regular
 * files, .well-known/) and leaves (hidden names, symbolic links, folders too deep, *.md
 * of a bundle, addresses taken); opening only through no link; the Range parser; media
 * types; a bundle's relative URLs made absolute. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "config.h"
#include "files.h"
#include "markdown.h"
#include "mime.h"
#include "post.h"
#include "range.h"
#include "route.h"
#include "scratch.h"

static char dir[256];
static int said;

static const char *at(const char *name)
{
	static char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void put(const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s", at(name));
	for (char *p = path + strlen(dir) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0700);
			*p = '/';
		}
	scratch_write(path, name, strlen(name));
}

static void say(void *ctx, const char *name, const struct stat *st, int level, const char *line)
{
	(void)ctx;
	(void)name;
	(void)st;
	(void)level;
	(void)line;
	said++;
}

static int has(const struct files *f, const char *route)
{
	return files_find(f, route, strlen(route)) != NULL;
}

static void scan(void)
{
	struct files f = {0};
	struct route_table routes;
	struct post *owner = post_new("posts", "taken.md");
	/* The default taxonomies' addresses are quire's too. */
	struct config conf = {.ntaxonomies = 1};
	conf.taxonomies[0].name = "tags";
	struct files_say s = {say, NULL, &routes, &conf};
	char deep[256] = "static";

	owner->route = "/taken";
	owner->route_len = 6;
	route_init(&routes, 4);
	route_add(&routes, owner->route, owner->route_len, owner);
	put("static/favicon.ico");
	put("static/images/a.png");
	put("static/.well-known/security.txt");
	put("static/.hidden");
	put("static/.git/config");
	put("static/images/.x.swp");
	put("static/sub/.well-known/no");
	put("static/taken");
	put("static/feed.xml");
	put("static/tags/x");
	put("static/a%2Fb");
	symlink("/etc/passwd", at("static/passwd"));
	symlink("images", at("static/linked"));
	mkfifo(at("static/fifo"), 0600);
	for (int i = 0; i <= FILES_DEPTH; i++)
		snprintf(deep + strlen(deep), sizeof(deep) - strlen(deep), "/d%d", i);
	strcat(deep, "/deep.txt");
	put(deep);
	files_add_static(&f, at("static"), &s);

	struct post *p = post_new(at("posts"), "trip/index.md");
	p->route = "/trip";
	p->route_len = 5;
	put("posts/trip/index.md");
	put("posts/trip/photo.png");
	put("posts/trip/docs/a.pdf");
	put("posts/trip/more.md");
	put("posts/trip/.secret");
	symlink("/etc/passwd", at("posts/trip/passwd"));
	int pfd = open(at("posts"), O_RDONLY | O_DIRECTORY);
	files_add_bundle(&f, pfd, at("posts"), "trip", p, &s);
	close(pfd);
	files_seal(&f, &s);

	check("files", "a file at the root", has(&f, "/favicon.ico"), "");
	check("files", "a file in a folder", has(&f, "/images/a.png"), "");
	check("files", ".well-known/ at the top is served", has(&f, "/.well-known/security.txt"),
	      "");
	check("files", "hidden names are not",
	      !has(&f, "/.hidden") && !has(&f, "/.git/config") && !has(&f, "/images/.x.swp") &&
	          !has(&f, "/sub/.well-known/no"),
	      "");
	check("files", "a symbolic link (to a file, to a folder) is not followed",
	      !has(&f, "/passwd") && !has(&f, "/linked/a.png"), "");
	check("files", "a FIFO is not a file", !has(&f, "/fifo"), "");
	check("files", "a folder deeper than FILES_DEPTH is not looked into",
	      !has(&f, deep + strlen("static")), "%s", deep);
	check("files", "a post's route is not taken", !has(&f, "/taken"), "");
	check("files", "nor an address quire makes", !has(&f, "/feed.xml") && !has(&f, "/tags/x"),
	      "");
	check("files", "a name with %2F is one segment", has(&f, "/a%2Fb") && !has(&f, "/a/b"), "");
	check("files", "a bundle's files are under its route",
	      has(&f, "/trip/photo.png") && has(&f, "/trip/docs/a.pdf"), "");
	check("files", "but not its Markdown, hidden files or links",
	      !has(&f, "/trip/index.md") && !has(&f, "/trip/more.md") &&
	          !has(&f, "/trip/.secret") && !has(&f, "/trip/passwd"),
	      "");
	check("files", "what is left out is said", said >= 8, "%d", said);

	const struct files_entry *e = files_find(&f, "/trip/photo.png", 15);
	struct config c = {0};
	struct stat st;
	c.posts_dir = (char *)at("posts");
	c.posts_dir = strdup(c.posts_dir);
	c.static_dir = strdup(at("static"));
	int fd = e ? files_open(&c, e, &st) : -1;
	check("files", "a file of the table opens", fd >= 0 && S_ISREG(st.st_mode), "");
	if (fd >= 0)
		close(fd);
	/* The file replaced by a link after the scan: not followed. */
	unlink(at("posts/trip/photo.png"));
	symlink("/etc/passwd", at("posts/trip/photo.png"));
	fd = e ? files_open(&c, e, &st) : -1;
	check("files", "a file become a link since the scan is not opened", fd < 0, "");
	/* A folder replaced by a link to elsewhere: not gone through. */
	e = files_find(&f, "/trip/docs/a.pdf", 16);
	char moved[1024];
	snprintf(moved, sizeof(moved), "%s", at("posts/docs-moved"));
	rename(at("posts/trip/docs"), moved);
	symlink(moved, at("posts/trip/docs"));
	fd = e ? files_open(&c, e, &st) : -1;
	check("files", "a folder become a link since the scan is not gone through", fd < 0, "");
	if (fd >= 0)
		close(fd);
	/* A rel with "..", which the scan never makes: beneath the folder only. */
	struct files_entry bad = {"/x", 2, "../posts/trip/index.md", NULL, FILES_STATIC, 0};
	fd = files_open(&c, &bad, &st);
	check("files", "a path out of the folder is not opened", fd < 0, "");
	if (fd >= 0)
		close(fd);
	free(c.posts_dir);
	free(c.static_dir);
	files_free(&f);
	route_free(&routes);
	post_unref(owner);
	post_unref(p);
}

static void ranges(void)
{
	static const struct {
		const char *v;
		long long size;
		enum range_result want;
		long long off, len;
	} cases[] = {
	    {"bytes=0-3", 10, RANGE_OK, 0, 4},
	    {"bytes=5-", 10, RANGE_OK, 5, 5},
	    {"bytes=-3", 10, RANGE_OK, 7, 3},
	    {"bytes=-30", 10, RANGE_OK, 0, 10},
	    {"bytes=2-200", 10, RANGE_OK, 2, 8},
	    {"BYTES=1-1", 10, RANGE_OK, 1, 1},
	    {"bytes= 1-2 ", 10, RANGE_OK, 1, 2},
	    {"bytes=9-9", 10, RANGE_OK, 9, 1},
	    {"bytes=10-", 10, RANGE_UNSATISFIABLE, 0, 0},
	    {"bytes=10-20", 10, RANGE_UNSATISFIABLE, 0, 0},
	    {"bytes=-0", 10, RANGE_UNSATISFIABLE, 0, 0},
	    {"bytes=0-", 0, RANGE_UNSATISFIABLE, 0, 0},
	    {"bytes=-5", 0, RANGE_UNSATISFIABLE, 0, 0},
	    {"bytes=99999999999999999999999-", 10, RANGE_UNSATISFIABLE, 0, 0},
	    {"bytes=0-99999999999999999999999", 10, RANGE_OK, 0, 10},
	    {"bytes=3-2", 10, RANGE_NONE, 0, 0},
	    {"bytes=0-1,3-4", 10, RANGE_NONE, 0, 0},
	    {"bytes=-", 10, RANGE_NONE, 0, 0},
	    {"bytes=", 10, RANGE_NONE, 0, 0},
	    {"bytes=a-b", 10, RANGE_NONE, 0, 0},
	    {"bytes=1-2x", 10, RANGE_NONE, 0, 0},
	    {"items=0-1", 10, RANGE_NONE, 0, 0},
	    {"bytes=+1-2", 10, RANGE_NONE, 0, 0},
	    {"bytes=--1", 10, RANGE_NONE, 0, 0},
	    {"", 10, RANGE_NONE, 0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		off_t off = -1, len = -1;
		enum range_result r = range_parse(cases[i].v, (off_t)cases[i].size, &off, &len);
		char name[128];
		snprintf(name, sizeof(name), "range \"%s\" of %lld bytes", cases[i].v,
		         cases[i].size);
		check("files", name,
		      r == cases[i].want &&
		          (r != RANGE_OK || (off == cases[i].off && len == cases[i].len)),
		      "%d %lld %lld", r, (long long)off, (long long)len);
	}
}

static void types(void)
{
	check("files", "type: .png", strcmp(mime_type("a/b.PNG", 7), "image/png") == 0, "");
	check("files", "type: .css is text with a charset",
	      strcmp(mime_type("x.css", 5), "text/css; charset=utf-8") == 0, "");
	check("files", "type: CNAME (none) is octet-stream",
	      strcmp(mime_type("CNAME", 5), "application/octet-stream") == 0, "");
	check("files", "type: a dot in a folder's name is not an extension",
	      strcmp(mime_type("a.png/x", 7), "application/octet-stream") == 0, "");
	check("files", "type: .profile has none",
	      strcmp(mime_type(".png", 4), "application/octet-stream") == 0, "");
}

static void relative(void)
{
	static const char md[] = "![a](p.png) [b](docs/x.pdf) [c](/abs) [d](#f) [e](?q=1) "
	                         "[f](https://x.org/) [g](mailto:a@b) [h](../up) [i](javascript:x)"
	                         "\n\n<img src=\"raw.png\"> <a href=\"\">empty</a>\n";
	struct buf out = {0};
	int rc =
	    markdown_render(md, sizeof(md) - 1,
	                    &(struct markdown_opts){.base = "/blog/trip/", .base_len = 11}, &out);
	const char *h = buf_cstr(&out);

	check("files", "bundle: relative URLs under the post's folder",
	      rc == 0 && strstr(h, "src=\"/blog/trip/p.png\"") &&
	          strstr(h, "href=\"/blog/trip/docs/x.pdf\"") &&
	          strstr(h, "href=\"/blog/trip/../up\"") && strstr(h, "src=\"/blog/trip/raw.png\""),
	      "%s", h);
	check("files", "bundle: absolute, fragment, query, scheme URLs untouched",
	      strstr(h, "href=\"/abs\"") && strstr(h, "href=\"#f\"") &&
	          strstr(h, "href=\"?q=1\"") && strstr(h, "href=\"https://x.org/\"") &&
	          strstr(h, "href=\"mailto:a@b\"") && strstr(h, "href=\"#\"") &&
	          strstr(h, "href=\"\""),
	      "%s", h);
	buf_reset(&out);
	markdown_render(md, sizeof(md) - 1, NULL, &out);
	check("files", "a post of one file: URLs as written",
	      strstr(buf_cstr(&out), "src=\"p.png\"") != NULL, "");
	buf_free(&out);
}

int main(void)
{
	scratch_dir("files-test", dir, sizeof(dir));
	scan();
	ranges();
	types();
	relative();
	scratch_rm(dir);
	return check_failed ? 1 : 0;
}

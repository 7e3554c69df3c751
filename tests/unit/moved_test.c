/* moved_test.c — the routes file of the state folder: large files, renamed posts, new posts. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "config.h"
#include "log.h"
#include "post.h"
#include "route.h"
#include "scratch.h"
#include "site.h"

#define NPOSTS 10

static char top[4096];

/* A scratch site: NPOSTS posts post-00.md... with routes /post-NN, dated a day apart,
 * and a state folder holding routes (len bytes). */
static void state_site(const char *dir, const char *routes, size_t len)
{
	struct buf path = {0}, text = {0};

	buf_printf(&path, "%s/posts", dir);
	mkdir(buf_cstr(&path), 0700);
	buf_reset(&path);
	buf_printf(&path, "%s/state", dir);
	mkdir(buf_cstr(&path), 0700);
	for (int i = 0; i < NPOSTS; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/posts/post-%02d.md", dir, i);
		buf_reset(&text);
		buf_printf(
		    &text,
		    "---\ntitle: Post %d\nroute: /post-%02d\ndate: 2020-01-%02d\n---\nText %d.\n",
		    i, i, i + 1, i);
		scratch_write(buf_cstr(&path), text.data, text.len);
	}
	buf_reset(&path);
	buf_printf(&path, "%s/state/routes", dir);
	scratch_write(buf_cstr(&path), routes, len);
	buf_reset(&path);
	buf_printf(&path, "%s/quire.yaml", dir);
	buf_reset(&text);
	buf_printf(&text, "posts: posts\nstate: state\nlayouts: %s/conf/layouts\n", top);
	scratch_write(buf_cstr(&path), text.data, text.len);
	buf_free(&path);
	buf_free(&text);
}

/* Lines of the routes file: even posts were renamed (from /old-NN) and are in it under
 * both routes; odd posts are new. Filler lines (routes of files gone) pad it to size
 * bytes, with the renamed posts' lines at its end when at_end. */
static void state_routes_text(struct buf *out, size_t size, int at_end)
{
	struct buf known = {0};

	for (int i = 0; i < NPOSTS; i += 2)
		buf_printf(&known, "/old-%02d\tpost-%02d.md\n/post-%02d\tpost-%02d.md\n", i, i, i,
		           i);
	buf_reset(out);
	if (!at_end)
		buf_add(out, known.data, known.len);
	for (int n = 0; out->len + known.len * (size_t)at_end + 40 < size; n++)
		buf_printf(out, "/gone-%07d\tgone-%07d.md\n", n, n);
	/* One last filler line, its route padded to the exact size. */
	size_t room = size - out->len - known.len * (size_t)at_end;
	buf_adds(out, "/gone-last");
	for (size_t i = 10; i + 12 < room; i++)
		buf_addc(out, 'x');
	buf_adds(out, "\tgone-last.md\n");
	if (at_end)
		buf_add(out, known.data, known.len);
	buf_free(&known);
}

/* Load the site in dir; check the renamed posts answer at their old routes and every line
 * of the routes file before is in it after, with the new posts' lines. */
static void state_case(const char *name, size_t size, int at_end)
{
	struct buf dir = {0}, text = {0}, after = {0}, path = {0}, line = {0};
	const char *t = getenv("TMPDIR");
	struct config c;
	struct site *s = NULL;
	int loaded = 0;

	buf_printf(&dir, "%s/quire-state-test-XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp((char *)buf_cstr(&dir)) == NULL) {
		check("moved", name, 0, "cannot make a scratch folder");
		return;
	}
	state_routes_text(&text, size, at_end);
	state_site(dir.data, text.data, text.len);
	buf_printf(&path, "%s/quire.yaml", dir.data);
	if (config_load(&c, buf_cstr(&path)) < 0) {
		check("moved", name, 0, "the configuration did not load");
		goto out;
	}
	loaded = 1;
	s = site_load(&c, NULL, NULL, 1);
	if (s == NULL || s->nlisted != NPOSTS) {
		check("moved", name, 0, "the site did not load");
		goto out;
	}
	int moved = 1;
	for (int i = 0; i < NPOSTS; i += 2) {
		char old[16];
		snprintf(old, sizeof(old), "/old-%02d", i);
		const struct post *p = route_find(&s->moved, old, strlen(old));
		moved &= p != NULL && p->route_len == 8 && memcmp(p->route + 6, old + 5, 2) == 0;
	}
	buf_reset(&line);
	buf_printf(&line, "%s: renamed posts answer at their old routes", name);
	check("moved", buf_cstr(&line), moved, "a renamed post lost its old route");

	buf_reset(&path);
	buf_printf(&path, "%s/state/routes", dir.data);
	scratch_read(buf_cstr(&path), &after);
	int kept = after.len >= text.len && memcmp(after.data, text.data, text.len) == 0;
	for (int i = 1; i < NPOSTS; i += 2) {
		char want[32];
		snprintf(want, sizeof(want), "\n/post-%02d\tpost-%02d.md\n", i, i);
		kept &= memmem(after.data, after.len, want, strlen(want)) != NULL;
	}
	buf_reset(&line);
	buf_printf(&line, "%s: the file keeps its lines and gets the new ones", name);
	check("moved", buf_cstr(&line), kept, "the routes file was %zu bytes, is %zu", text.len,
	      after.len);
out:
	if (s != NULL)
		site_release(s);
	if (loaded)
		config_free(&c);
	scratch_rm(dir.data);
	buf_free(&dir);
	buf_free(&text);
	buf_free(&after);
	buf_free(&path);
	buf_free(&line);
}

int main(void)
{
	if (getcwd(top, sizeof(top)) == NULL)
		return 1;
	log_set_level(LOG_ERROR);
	state_case("a small routes file", 300, 0);
	/* Just under a power of two: the first new post's line moves the buffer, the
	 * renamed posts' lines are looked up after it. */
	state_case("a 256 KiB routes file and new posts", 256 * 1024 - 24, 0);
	state_case("a 1 MiB routes file and new posts", 1024 * 1024 - 24, 0);
	state_case("a 5 MiB routes file, renamed posts at its end", 5 * 1024 * 1024 + 17, 1);
	return check_exit();
}

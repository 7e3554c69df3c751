/* moved.c — the routes posts had before, from the state folder, so renamed posts keep their
 * readers. The file "routes" in the state folder holds "route<TAB>file name" lines: every route a
 * post has had. It is rewritten whole (a new file renamed over the old) when a post gets a route
 * not in it. */
#include "moved.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "file.h"
#include "log.h"
#include "mem.h"
#include "post.h"
#include "route.h"

/* A routes file larger than this is left as it is: read in part, it would be rewritten short. */
#define MOVED_MAX (256L * 1024 * 1024)

static int moved_warned;

/* What the tables below hold for a line whose file is not a served post now. */
static const struct post moved_mark;

void moved_routes(const struct config *c, const struct moved_posts *posts,
                  struct route_table *moved, struct arena *a)
{
	struct buf path = {0}, text = {0}, more = {0}, tmp = {0};
	struct route_table seen, owner, named;
	size_t(*lines)[2] = NULL, nlines = 0, lines_cap = 0;

	route_init(moved, 16);
	if (c->state_dir == NULL || posts->nserved == 0)
		return;
	buf_printf(&path, "%s/routes", c->state_dir);
	/* A file not read whole is neither used nor rewritten: its routes stay in it. */
	if (file_read(AT_FDCWD, buf_cstr(&path), 0, MOVED_MAX, &text, NULL) < 0 &&
	    errno != ENOENT) {
		if (!moved_warned)
			log_msg(LOG_WARN,
			        "%s: cannot read: %s; renamed posts lose their old addresses",
			        path.data, file_strerror(errno));
		moved_warned = 1;
		goto out;
	}
	/* Each line: a route, and the file that had it; the file only ever grows, so a
	 * route's last line names its last owner. A route answers 301 to the post of that
	 * file, when the file now has another route. Lines are read from the last, so the
	 * first of a route met is the one that counts. The tables' keys point into text,
	 * which does not change until they are freed. */
	/* The served posts by file name. */
	route_init(&named, posts->nserved);
	for (size_t i = 0; i < posts->nserved; i++)
		route_add(&named, posts->served[i]->name, strlen(posts->served[i]->name),
		          posts->served[i]);
	for (size_t at = 0; at < text.len;) {
		char *nl = memchr(text.data + at, '\n', text.len - at);
		size_t end = nl ? (size_t)(nl - text.data) : text.len;
		char *line = text.data + at;
		at = end + 1;
		if (memchr(line, '\t', end - (size_t)(line - text.data)) == NULL || line[0] != '/')
			continue;
		if (nlines == lines_cap) {
			lines_cap = lines_cap ? lines_cap * 2 : 256;
			lines = xrealloc(lines, lines_cap * sizeof(*lines));
		}
		lines[nlines][0] = (size_t)(line - text.data);
		lines[nlines++][1] = end;
	}
	/* Made as large as they will be: growing them rehashes every key again. */
	route_init(&seen, nlines + 16);
	route_init(&owner, nlines + 16);
	for (size_t i = nlines; i-- > 0;) {
		char *line = text.data + lines[i][0], *end = text.data + lines[i][1];
		char *tab = memchr(line, '\t', (size_t)(end - line));
		size_t rlen = (size_t)(tab - line);
		const struct post *p = route_find(&named, tab + 1, (size_t)(end - (tab + 1)));
		route_add(&seen, line, (size_t)(end - line), &moved_mark);
		if (route_add(&owner, line, rlen, p ? p : &moved_mark) != NULL)
			continue; /* an earlier owner */
		if (p != NULL && (p->route_len != rlen || memcmp(p->route, line, rlen) != 0) &&
		    route_find(posts->routes, line, rlen) == NULL)
			route_add(moved, arena_strndup(a, line, rlen), rlen, p);
	}
	/* The lines of routes not in the file yet, or whose last line names another file
	 * (a post that took back a route it had): its owner now. */
	for (size_t i = 0; i < posts->nserved; i++) {
		const struct post *p = posts->served[i];
		buf_reset(&tmp);
		buf_add(&tmp, p->route, p->route_len);
		buf_addc(&tmp, '\t');
		buf_adds(&tmp, p->name);
		if (route_find(&seen, tmp.data, tmp.len) != NULL &&
		    route_find(&owner, p->route, p->route_len) == p)
			continue;
		buf_addc(&tmp, '\n');
		buf_add(&more, tmp.data, tmp.len);
	}
	route_free(&owner);
	route_free(&named);
	free(lines);
	route_free(&seen);
	if (more.len == 0)
		goto out;
	/* A last line without its newline gets one before the new lines. */
	if (text.len > 0 && text.data[text.len - 1] != '\n')
		buf_addc(&text, '\n');
	buf_add(&text, more.data, more.len);
	/* The folder itself is made when missing (its parent must be there). */
	mkdir(c->state_dir, 0700);
	if (file_replace(c->state_dir, "routes", text.data, text.len) < 0) {
		if (!moved_warned)
			log_msg(
			    LOG_WARN,
			    "%s: cannot write the state folder (%s); renamed posts will not keep "
			    "their old addresses",
			    c->state_dir, strerror(errno));
		moved_warned = 1;
	}
out:
	buf_free(&path);
	buf_free(&text);
	buf_free(&more);
	buf_free(&tmp);
}

/* post.c — one post of the content index: its file, route and front matter. */
#include "post.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "frontmatter.h"
#include "html.h"
#include "log.h"
#include "path.h"

/* Read a regular file whole (never mmap: a file truncated while read must not
 * raise SIGBUS). Symlinks and FIFOs are refused without blocking. */
static int post_slurp(int dirfd, const char *name, long max, struct buf *out, const char **why)
{
	struct stat st;
	int fd, rc = -1;

	buf_reset(out);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*why = errno == ELOOP ? "a symbolic link" : strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		goto out;
	}
	if (st.st_size > max) {
		*why = "larger than the post size limit (limits.post_size)";
		goto out;
	}
	buf_grow(out, (size_t)st.st_size + 1);
	for (;;) {
		ssize_t n;
		if (out->len > (size_t)max) {
			*why = "larger than the post size limit (limits.post_size)";
			goto out;
		}
		buf_grow(out, 4096);
		n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = strerror(errno);
			goto out;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

void post_add_urls(struct value *fields, const char *route, size_t route_len,
                   const struct config *c, struct arena *a)
{
	struct buf url = {0};
	size_t mlen = strlen(c->mount);
	size_t old = fields->u.map.len, n = 0;
	struct member *m = arena_alloc(a, (old + 3) * sizeof(*m));
	const char *keys[3] = {"route", "url", "absolute_url"};
	const char *vals[3];
	size_t lens[3];

	/* mount ends with '/', route starts with one; route "/" is the mount itself. */
	buf_add(&url, c->mount, mlen - 1);
	html_url_path(&url, route, route_len);
	vals[0] = route;
	lens[0] = route_len;
	vals[1] = arena_strndup(a, url.data, url.len);
	lens[1] = url.len;
	buf_reset(&url);
	buf_adds(&url, c->site_base_url);
	buf_add(&url, vals[1], lens[1]);
	vals[2] = arena_strndup(a, url.data, url.len);
	lens[2] = url.len;
	buf_free(&url);
	for (size_t i = 0; i < old; i++) {
		const struct member *f = &fields->u.map.items[i];
		int computed = 0;
		for (size_t k = 0; k < 3; k++)
			if (f->keylen == strlen(keys[k]) && memcmp(f->key, keys[k], f->keylen) == 0)
				computed = 1;
		if (!computed)
			m[n++] = *f;
	}
	for (size_t k = 0; k < 3; k++) {
		memset(&m[n], 0, sizeof(m[n]));
		m[n].key = keys[k];
		m[n].keylen = strlen(keys[k]);
		m[n].value.type = VALUE_STRING;
		m[n].value.u.string.p = vals[k];
		m[n].value.u.string.len = lens[k];
		n++;
	}
	fields->type = VALUE_MAP;
	fields->u.map.items = m;
	fields->u.map.len = n;
}

int post_load(struct post *p, int dirfd, const char *dir, const char *name, const struct config *c)
{
	struct buf file = {0}, err = {0}, route = {0};
	struct frontmatter fm;
	const char *why = NULL;
	int changed, rc = -1;
	size_t dlen = strlen(dir), nlen = strlen(name);

	memset(p, 0, sizeof(*p));
	p->path = xmalloc(dlen + nlen + 2);
	memcpy(p->path, dir, dlen);
	p->path[dlen] = '/';
	memcpy(p->path + dlen + 1, name, nlen + 1);
	p->name = p->path + dlen + 1;
	if (post_slurp(dirfd, name, c->post_max, &file, &why) < 0) {
		log_msg(LOG_WARN, "%s: skipped: %s", p->path, why);
		goto out;
	}
	if (frontmatter_parse(file.data ? file.data : "", file.len, 1, c->front_matter_max,
	                      &p->arena, &fm, &err) < 0) {
		log_msg(LOG_ERROR, "%s:%s; the post is left out", p->path, buf_cstr(&err));
		goto out;
	}
	if (fm.route != NULL) {
		if (path_canon(fm.route, strlen(fm.route), 0, &route, &changed) != PATH_OK) {
			log_msg(LOG_ERROR,
			        "%s: route \"%s\" is not a usable URL path; the post is left out",
			        p->path, fm.route);
			goto out;
		}
	} else if (path_canon(name, nlen - 3, 0, &route, &changed) != PATH_OK) {
		log_msg(LOG_ERROR, "%s: the file name cannot be a route; the post is left out",
		        p->path);
		goto out;
	}
	if (route.len == 1) {
		log_msg(LOG_ERROR, "%s: route \"/\" is the index page; the post is left out",
		        p->path);
		goto out;
	}
	p->route = arena_strndup(&p->arena, route.data, route.len);
	p->route_len = route.len;
	p->title = fm.title;
	p->description = fm.description ? fm.description : "";
	p->layout = fm.layout;
	p->order = fm.order;
	p->has_order = fm.has_order;
	p->fields = fm.fields;
	post_add_urls(&p->fields, p->route, p->route_len, c, &p->arena);
	rc = 0;
out:
	buf_free(&file);
	buf_free(&err);
	buf_free(&route);
	if (rc < 0)
		post_free(p);
	return rc;
}

void post_free(struct post *p)
{
	free(p->path);
	arena_free(&p->arena);
	memset(p, 0, sizeof(*p));
}

int post_read(const struct post *p, const struct config *c, struct buf *file, size_t *body_off)
{
	struct buf err = {0};
	const char *why = NULL;
	size_t yoff, ylen;
	long body;
	int rc = -1;

	if (post_slurp(AT_FDCWD, p->path, c->post_max, file, &why) < 0) {
		log_msg(LOG_ERROR, "%s: cannot read: %s", p->path, why);
		goto out;
	}
	body = frontmatter_split(file->data ? file->data : "", file->len, 1, c->front_matter_max,
	                         &yoff, &ylen, &err);
	if (body < 0) {
		log_msg(LOG_ERROR, "%s:%s", p->path, buf_cstr(&err));
		goto out;
	}
	*body_off = (size_t)body;
	rc = 0;
out:
	buf_free(&err);
	return rc;
}

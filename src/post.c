/* post.c — one post of the content index: its file, route and front matter. */
#include "post.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "frontmatter.h"
#include "html.h"
#include "log.h"
#include "path.h"

/* Read a regular file whole (never mmap: a file truncated while read must not
 * raise SIGBUS). Symlinks and FIFOs are refused without blocking. */
static int post_slurp(int dirfd, const char *name, long max, struct buf *out, const char **why,
                      struct stat *st_out)
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
	*st_out = st;
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

/* Fill p from the file's bytes; the reason it is not a post goes to err. */
static int post_parse(struct post *p, const char *src, size_t len, const struct config *c,
                      struct buf *err)
{
	struct buf route = {0};
	struct frontmatter fm;
	int changed, rc = -1;

	if (frontmatter_parse(src, len, 1, c->front_matter_max, &p->arena, &fm, err) < 0)
		goto out;
	if (fm.route != NULL) {
		if (path_canon(fm.route, strlen(fm.route), 0, &route, &changed) != PATH_OK) {
			buf_printf(err, " route \"%s\" is not a usable URL path", fm.route);
			goto out;
		}
	} else if (path_canon(p->name, strlen(p->name) - 3, 0, &route, &changed) != PATH_OK) {
		buf_printf(err, " the file name cannot be a route");
		goto out;
	}
	if (route.len == 1) {
		buf_printf(err, " route \"/\" is the index page");
		goto out;
	}
	p->route = arena_strndup(&p->arena, route.data, route.len);
	p->route_len = route.len;
	p->title = fm.title;
	p->description = fm.description ? fm.description : "";
	p->layout = fm.layout;
	p->order = fm.order;
	p->has_order = fm.has_order;
	p->body_offset = fm.body_offset;
	p->fields = fm.fields;
	post_add_urls(&p->fields, p->route, p->route_len, c, &p->arena);
	p->hash = cache_hash(src, len, 0);
	rc = 0;
out:
	buf_free(&route);
	return rc;
}

static struct post *post_new(const char *dir, const char *name)
{
	struct post *p = xcalloc(1, sizeof(*p));
	size_t dlen = strlen(dir), nlen = strlen(name);

	p->refs = 1;
	p->path = xmalloc(dlen + nlen + 2);
	memcpy(p->path, dir, dlen);
	p->path[dlen] = '/';
	memcpy(p->path + dlen + 1, name, nlen + 1);
	p->name = p->path + dlen + 1;
	return p;
}

struct post *post_load(int dirfd, const char *dir, const char *name, const struct config *c)
{
	struct buf file = {0}, err = {0};
	const char *why = NULL;
	struct post *p = post_new(dir, name);
	struct stat st;

	if (post_slurp(dirfd, name, c->post_max, &file, &why, &st) < 0) {
		log_msg(LOG_WARN, "%s: skipped: %s", p->path, why);
		goto fail;
	}
	if (post_parse(p, file.data ? file.data : "", file.len, c, &err) < 0) {
		log_msg(LOG_ERROR, "%s:%s; the post is left out", p->path, buf_cstr(&err));
		goto fail;
	}
	p->dev = st.st_dev;
	p->ino = st.st_ino;
	p->size = st.st_size;
	p->mtime = st.st_mtim;
	buf_free(&file);
	buf_free(&err);
	return p;
fail:
	buf_free(&file);
	buf_free(&err);
	post_unref(p);
	return NULL;
}

int post_same_file(const struct post *p, const struct stat *st)
{
	return p->dev == st->st_dev && p->ino == st->st_ino && p->size == st->st_size &&
	       p->mtime.tv_sec == st->st_mtim.tv_sec && p->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

void post_ref(struct post *p)
{
	__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
}

void post_unref(struct post *p)
{
	if (p == NULL || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	free(p->path);
	arena_free(&p->arena);
	free(p);
}

int post_read(const struct post *p, const struct config *c, struct buf *file, struct post **fresh)
{
	struct buf err = {0};
	const char *why = NULL;
	struct stat st;
	struct post *q;

	*fresh = NULL;
	if (post_slurp(AT_FDCWD, p->path, c->post_max, file, &why, &st) < 0) {
		log_msg(LOG_ERROR, "%s: cannot read: %s", p->path, why);
		return -1;
	}
	if (cache_hash(file->data ? file->data : "", file->len, 0) == p->hash)
		return 0;
	/* Changed since the snapshot was made: this request gets the new version whole. */
	q = post_new(c->posts_dir, p->name);
	if (post_parse(q, file->data ? file->data : "", file->len, c, &err) < 0) {
		log_msg(LOG_ERROR, "%s:%s", p->path, buf_cstr(&err));
		buf_free(&err);
		post_unref(q);
		return -1;
	}
	buf_free(&err);
	q->mtime = st.st_mtim;
	*fresh = q;
	return 1;
}

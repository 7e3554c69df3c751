/* post.c — one post of the content index: its file, route and front matter. */
#include "post.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "date.h"
#include "file.h"
#include "frontmatter.h"
#include "hash.h"
#include "html.h"
#include "log.h"
#include "path.h"

#define POST_ROUTE_MAX    1024
#define POST_HEADER_MAX   256
#define POST_SETTLE_MS    20
#define POST_SETTLE_TRIES 12

/* Read the open file from its start into out (head: stop once the front matter is in). */
static int post_read_fd(int fd, const struct stat *st, const struct config *c, int head,
                        struct buf *out, const char **why)
{
	struct buf err = {0};
	size_t yoff, ylen, yline;
	int rc = -1;

	buf_reset(out);
	if (st->st_size > c->post_max) {
		*why = "larger than the post size limit (limits.post_size)";
		return -1;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (!head) {
		buf_grow(out, (size_t)st->st_size + 1);
		if (file_read_fd(fd, (size_t)c->post_max, out) == 0)
			return 0;
		*why = errno == EFBIG ? "larger than the post size limit (limits.post_size)"
		                      : strerror(errno);
		return -1;
	}
	for (;;) {
		ssize_t n = file_read_some(fd, out);
		if (n < 0) {
			*why = strerror(errno);
			goto out;
		}
		if (n == 0)
			break;
		if (out->len > (size_t)c->post_max) {
			*why = "larger than the post size limit (limits.post_size)";
			goto out;
		}
		buf_reset(&err);
		if (out->len > (size_t)c->front_matter_max + 4096 ||
		    frontmatter_split(out->data, out->len, 0, c->front_matter_max, &yoff, &ylen,
		                      &yline, &err) >= 0)
			break;
	}
	rc = 0;
out:
	buf_free(&err);
	return rc;
}

/* A file written less than POST_SETTLE_MS ago may be in the middle of a write
 * that its size does not show yet: it is read again until it is older. */
static int post_young(const struct stat *st)
{
	long long age_ms =
	    clock_now_ms() - ((long long)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000);
	return age_ms >= 0 && age_ms < POST_SETTLE_MS;
}

/* Read a regular file (never mmap: a file truncated while read must not raise
 * SIGBUS). Symlinks and FIFOs are refused without blocking. With head set, stop
 * once the front matter is in: the body is read when a request needs it. A whole
 * file whose size or time moved while it was read, or that was written a moment
 * ago, is read again (for some milliseconds at most), so that a request gets one
 * version whole rather than what an editor has written so far. -2 when the file is
 * not there (ENOENT), -1 for every other failure: each says so itself, since most
 * (too large, not a regular file, kept changing) set no errno. */
static int post_slurp(int dirfd, const char *name, const struct config *c, int head,
                      struct buf *out, const char **why, struct stat *st_out)
{
	struct stat st, after;
	int fd, rc = -1;

	buf_reset(out);
	fd = file_open(dirfd, name, FILE_NOFOLLOW, &st);
	if (fd < 0) {
		int gone = errno == ENOENT;
		*why = file_strerror(errno);
		return gone ? -2 : -1;
	}
	/* Also on failure: the file as it was, to tell whether it changed since. */
	*st_out = st;
	for (int tries = 0;; tries++) {
		if (post_read_fd(fd, &st, c, head, out, why) < 0)
			goto out;
		if (head)
			break;
		if (fstat(fd, &after) < 0) {
			*why = strerror(errno);
			goto out;
		}
		int moved = after.st_size != (off_t)out->len ||
		            after.st_mtim.tv_sec != st.st_mtim.tv_sec ||
		            after.st_mtim.tv_nsec != st.st_mtim.tv_nsec;
		if (!moved && (tries == POST_SETTLE_TRIES || !post_young(&after)))
			break;
		if (tries == POST_SETTLE_TRIES) {
			*why = "the file kept changing while it was read";
			goto out;
		}
		usleep(POST_SETTLE_MS * 1000 / 4);
		st = after;
	}
	*st_out = st;
	rc = 0;
out:
	close(fd);
	return rc;
}

/* The URL path of route in the site: the mount, then the route percent-encoded. */
static size_t post_url(const struct config *c, const char *route, size_t len, struct buf *out)
{
	/* mount ends with '/', route starts with one; route "/" is the mount itself. */
	buf_add(out, c->mount, strlen(c->mount) - 1);
	html_url_path(out, route, len);
	return out->len;
}

/* Members computed for layouts, gathered to be merged into the fields at once. */
struct post_members {
	struct member m[16];
	size_t n;
};

static void post_member(struct post_members *pm, const char *key, const struct value *v)
{
	struct member *m = &pm->m[pm->n++];

	m->key = key;
	m->keylen = strlen(key);
	m->value = *v;
}

static void post_member_string(struct post_members *pm, const char *key, const char *s, size_t len,
                               struct arena *a)
{
	struct value v = value_string(arena_strndup(a, s, len), len);
	post_member(pm, key, &v);
}

/* route, url and absolute_url for route. */
static void post_urls(struct post_members *pm, const char *route, size_t route_len,
                      const struct config *c, struct arena *a)
{
	struct buf url = {0};

	post_member_string(pm, "route", route, route_len, a);
	post_url(c, route, route_len, &url);
	post_member_string(pm, "url", url.data, url.len, a);
	buf_reset(&url);
	buf_adds(&url, c->site_base_url);
	post_url(c, route, route_len, &url);
	post_member_string(pm, "absolute_url", url.data, url.len, a);
	buf_free(&url);
}

void post_add_urls(struct value *fields, const char *route, size_t route_len,
                   const struct config *c, struct arena *a)
{
	struct post_members pm = {.n = 0};

	post_urls(&pm, route, route_len, c, a);
	value_merge(fields, pm.m, pm.n, a);
}

void post_term_route(const char *taxonomy, const char *term, struct buf *out)
{
	size_t at;
	int dash = 0;

	buf_addc(out, '/');
	buf_adds(out, taxonomy);
	buf_addc(out, '/');
	at = out->len;
	for (const char *p = term; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == ' ' || ch == '_' || ch == '-' || ch == '/' || ch == '.' || ch < 0x20) {
			dash = out->len > at;
			continue;
		}
		if (dash)
			buf_addc(out, '-');
		dash = 0;
		buf_addc(out, (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
	}
	if (out->len == at)
		buf_addc(out, '-');
}

/* Add the terms that v (text, or a list of texts) names to l, in a. */
static void post_terms_add(const struct value *v, struct strlist *l, struct arena *a)
{
	size_t n = v == NULL ? 0 : v->type == VALUE_LIST ? v->u.list.len : 1;
	const char **items;

	if (n == 0 || (v->type != VALUE_LIST && v->type != VALUE_STRING))
		return;
	items = arena_alloc(a, (l->len + n) * sizeof(*items));
	if (l->len)
		memcpy(items, l->items, l->len * sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		const struct value *it = v->type == VALUE_LIST ? &v->u.list.items[i] : v;
		/* Strings only; an empty one names nothing. */
		if (it->type == VALUE_STRING && it->u.string.len > 0)
			items[l->len++] = it->u.string.p;
	}
	l->items = items;
}

void post_terms_all(const struct value *fields, const struct config *c, struct strlist *out,
                    struct arena *a)
{
	const struct value *named[CONFIG_TAXONOMIES_MAX][2] = {{NULL}};
	const char *keys[CONFIG_TAXONOMIES_MAX][2];
	size_t lens[CONFIG_TAXONOMIES_MAX][2];

	for (size_t k = 0; k < c->ntaxonomies; k++) {
		keys[k][0] = c->taxonomies[k].name;
		keys[k][1] = c->taxonomies[k].singular;
		lens[k][0] = strlen(keys[k][0]);
		/* A singular that is the name itself ("series") is not read twice. */
		lens[k][1] = strcmp(keys[k][0], keys[k][1]) ? strlen(keys[k][1]) : 0;
	}
	/* One pass over the fields for every taxonomy's two keys. */
	for (size_t i = 0; fields->type == VALUE_MAP && i < fields->u.map.len; i++) {
		const struct member *m = &fields->u.map.items[i];
		for (size_t k = 0; k < c->ntaxonomies; k++)
			for (int j = 0; j < 2; j++)
				if (m->keylen == lens[k][j] && named[k][j] == NULL &&
				    memcmp(m->key, keys[k][j], m->keylen) == 0)
					named[k][j] = &m->value;
	}
	for (size_t k = 0; k < c->ntaxonomies; k++) {
		memset(&out[k], 0, sizeof(out[k]));
		post_terms_add(named[k][0], &out[k], a);
		post_terms_add(named[k][1], &out[k], a);
	}
}

void post_terms(const struct value *fields, const struct config_taxonomy *t, struct strlist *out,
                struct arena *a)
{
	memset(out, 0, sizeof(*out));
	post_terms_add(value_get(fields, t->name, strlen(t->name)), out, a);
	if (strcmp(t->singular, t->name) != 0)
		post_terms_add(value_get(fields, t->singular, strlen(t->singular)), out, a);
}

int post_live(const struct post *p, time_t now)
{
	return (!p->has_publish || p->publish <= now) && (!p->has_expiry || p->expiry > now);
}

void post_slug(const char *s, size_t len, struct buf *out)
{
	int dash = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		int keep = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80 ||
		           (ch >= 'A' && ch <= 'Z');
		if (!keep) {
			dash = 1;
			continue;
		}
		if (dash && out->len > 0 && out->data[out->len - 1] != '/')
			buf_addc(out, '-');
		dash = 0;
		buf_addc(out, (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
	}
}

/* Expand a permalink pattern ("/:year/:month/:day/:slug.html") for p. */
static int post_permalink(const char *pattern, const struct post *p, const char *slug,
                          size_t slug_len, struct buf *out)
{
	struct tm tm;

	gmtime_r(&p->date, &tm);
	for (const char *q = pattern; *q; q++) {
		size_t n = *q == ':' ? strspn(q + 1, "abcdefghijklmnopqrstuvwxyz") : 0;
		if (n == 0) {
			buf_addc(out, *q);
			continue;
		}
		if (strncmp(q + 1, "year", n) == 0 || strncmp(q + 1, "month", n) == 0 ||
		    strncmp(q + 1, "day", n) == 0) {
			if (!p->has_date)
				return -1;
			if (q[1] == 'y')
				buf_printf(out, "%04d", tm.tm_year + 1900);
			else if (q[1] == 'm')
				buf_printf(out, "%02d", tm.tm_mon + 1);
			else
				buf_printf(out, "%02d", tm.tm_mday);
		} else if (strncmp(q + 1, "slug", n) == 0) {
			buf_add(out, slug, slug_len);
		} else {
			post_slug(p->title, strlen(p->title), out);
		}
		q += n;
	}
	return 0;
}

/* One member of a map made whole, with no copy of the key. */
static void post_set(struct member *m, const char *key, struct value v)
{
	m->key = key;
	m->keylen = strlen(key);
	m->value = v;
}

void post_term_links(const struct value *fields, const struct config *c,
                     const struct config_taxonomy *t, struct value *out, struct arena *a)
{
	struct strlist terms;
	struct buf b = {0};

	post_terms(fields, t, &terms, a);
	memset(out, 0, sizeof(*out));
	out->type = VALUE_LIST;
	if (terms.len == 0)
		return;
	struct value *links = arena_alloc(a, terms.len * sizeof(*links));
	struct member *m = arena_alloc(a, 2 * terms.len * sizeof(*m));
	for (size_t i = 0; i < terms.len; i++) {
		buf_reset(&b);
		post_term_route(t->name, terms.items[i], &b);
		buf_addc(&b, '/');
		size_t at = b.len;
		post_url(c, b.data, b.len, &b);
		post_set(&m[2 * i], "name", value_string(terms.items[i], strlen(terms.items[i])));
		post_set(&m[2 * i + 1], "url",
		         value_string(arena_strndup(a, b.data + at, b.len - at), b.len - at));
		memset(&links[i], 0, sizeof(links[i]));
		links[i].type = VALUE_MAP;
		links[i].u.map.items = &m[2 * i];
		links[i].u.map.len = 2;
	}
	out->u.list.items = links;
	out->u.list.len = terms.len;
	buf_free(&b);
}

void post_terms_value(const struct post *p, const struct config *c, struct value *out,
                      struct arena *a)
{
	struct value *taxa = arena_alloc(a, (c->ntaxonomies ? c->ntaxonomies : 1) * sizeof(*taxa));
	struct member *m = arena_alloc(a, 4 * (c->ntaxonomies ? c->ntaxonomies : 1) * sizeof(*m));
	size_t n = 0;

	for (size_t k = 0; k < c->ntaxonomies; k++) {
		const struct config_taxonomy *t = &c->taxonomies[k];
		struct value links;
		post_term_links(&p->fields, c, t, &links, a);
		if (links.u.list.len == 0)
			continue;
		struct member *x = &m[4 * n];
		post_set(&x[0], "name", value_string(t->name, strlen(t->name)));
		post_set(&x[1], "singular", value_string(t->singular, strlen(t->singular)));
		post_set(&x[2], "title", value_string(t->title, strlen(t->title)));
		post_set(&x[3], "terms", links);
		memset(&taxa[n], 0, sizeof(taxa[n]));
		taxa[n].type = VALUE_MAP;
		taxa[n].u.map.items = x;
		taxa[n].u.map.len = 4;
		n++;
	}
	memset(out, 0, sizeof(*out));
	out->type = VALUE_LIST;
	out->u.list.items = taxa;
	out->u.list.len = n;
}

/* The fields layouts see beyond the front matter as written. */
static void post_computed(struct post *p, const struct frontmatter *fm, const struct config *c)
{
	struct arena *a = &p->arena;
	struct post_members pm = {.n = 0};
	struct buf b = {0};
	char date[64];

	post_urls(&pm, p->route, p->route_len, c, a);
	if (fm->canonical != NULL)
		post_member_string(&pm, "canonical", fm->canonical, strlen(fm->canonical), a);
	else
		post_member(&pm, "canonical", &pm.m[2].value);
	if (p->has_date) {
		date_rfc3339(p->date, date, sizeof(date));
		post_member_string(&pm, "date", date, strlen(date), a);
		date_human(p->date, date, sizeof(date));
		post_member_string(&pm, "date_human", date, strlen(date), a);
	}
	date_rfc3339(p->lastmod, date, sizeof(date));
	post_member_string(&pm, "lastmod", date, strlen(date), a);
	/* tag_links: [{name, url}], for links to the tags' pages (page.terms, made when a
	 * page is, has every taxonomy's). */
	struct value list = {.type = VALUE_LIST};
	const struct config_taxonomy *tags = config_taxonomy(c, "tags", 4);
	if (tags != NULL)
		post_term_links(&fm->fields, c, tags, &list, a);
	post_member(&pm, "tag_links", &list);
	/* authors as a list, author as one: the front matter's, else the site's. */
	struct value *names =
	    arena_alloc(a, (p->authors.len ? p->authors.len : 1) * sizeof(*names));
	for (size_t i = 0; i < p->authors.len; i++)
		names[i] = value_string(p->authors.items[i], strlen(p->authors.items[i]));
	list.u.list.items = names;
	list.u.list.len = p->authors.len;
	post_member(&pm, "authors", &list);
	const char *author = p->authors.len ? p->authors.items[0] : c->site_author;
	post_member(&pm, "author",
	            &(struct value){.type = VALUE_STRING, .u.string = {author, strlen(author)}});
	value_merge(&p->fields, pm.m, pm.n, a);
	buf_free(&b);
}

/* Fill p from the file's bytes; the reason it is not a post goes to err. */
static int post_parse(struct post *p, const char *src, size_t len, time_t mtime,
                      const struct config *c, struct buf *err)
{
	struct buf route = {0}, pattern = {0};
	struct frontmatter fm;
	/* A page bundle's name is its folder's: "NAME/index.md" is NAME. */
	const char *bundle = strchr(p->name, '/');
	size_t slug_at = 0, nlen = bundle ? (size_t)(bundle - p->name) : strlen(p->name) - 3;
	const char *slug;
	size_t slug_len;
	int changed, rc = -1;

	if (frontmatter_parse(src, len, 1, c->front_matter_max, &p->arena, &fm, err) < 0)
		goto out;
	p->title = fm.title;
	p->has_date = fm.has_date;
	p->date = fm.date;
	/* A Jekyll-style name gives the date when the front matter has none, and the slug. */
	time_t named;
	if (date_from_name(p->name, &named, &slug_at) < 0) {
		slug_at = 0;
	} else if (!fm.has_date) {
		p->date = named;
		p->has_date = 1;
	}
	slug = fm.slug ? fm.slug : p->name + slug_at;
	slug_len = fm.slug ? strlen(fm.slug) : nlen - slug_at;
	/* A page is not dated in its address: the permalink pattern is for posts. */
	int is_page = fm.type != NULL && strcmp(fm.type, "page") == 0;
	if (fm.route == NULL && c->permalink != NULL && !is_page) {
		if (post_permalink(c->permalink, p, slug, slug_len, &pattern) < 0) {
			buf_printf(err,
			           " the permalink pattern needs a date: give one, or a route");
			goto out;
		}
		fm.route = arena_strndup(&p->arena, pattern.data, pattern.len);
	}
	if (fm.route != NULL) {
		if (path_canon(fm.route, strlen(fm.route), 0, &route, &changed) != PATH_OK) {
			buf_printf(err, " route \"%s\" is not a usable URL path", fm.route);
			goto out;
		}
	} else if (path_canon(fm.slug ? fm.slug : p->name, fm.slug ? strlen(fm.slug) : nlen, 0,
	                      &route, &changed) != PATH_OK) {
		buf_printf(err, " the file name cannot be a route");
		goto out;
	}
	if (route.len == 1) {
		buf_printf(err, " route \"/\" is the index page");
		goto out;
	}
	/* Routes end up in Location headers: nginx refuses large response headers. */
	if (route.len > POST_ROUTE_MAX || (fm.robots && strlen(fm.robots) > POST_HEADER_MAX)) {
		buf_printf(err, " %s is longer than %d bytes",
		           route.len > POST_ROUTE_MAX ? "the route" : "\"robots\"",
		           route.len > POST_ROUTE_MAX ? POST_ROUTE_MAX : POST_HEADER_MAX);
		goto out;
	}
	p->route = arena_strndup(&p->arena, route.data, route.len);
	p->route_len = route.len;
	p->description = fm.description ? fm.description : "";
	p->layout = fm.layout;
	p->order = fm.order;
	p->has_order = fm.has_order;
	p->draft = fm.draft;
	p->page = is_page;
	p->menus = fm.menus;
	p->lastmod = fm.has_lastmod ? fm.lastmod : p->has_date ? p->date : mtime;
	p->publish = fm.has_publish ? fm.publish : p->date;
	p->has_publish = fm.has_publish || p->has_date;
	p->expiry = fm.expiry;
	p->has_expiry = fm.has_expiry;
	p->summary = fm.summary;
	p->robots = fm.robots;
	p->tags = fm.tags;
	p->categories = fm.categories;
	p->aliases = fm.aliases;
	p->authors = fm.authors;
	p->body_offset = fm.body_offset;
	p->fields = fm.fields;
	p->math = value_truthy(value_get(&p->fields, "math", 4));
	post_computed(p, &fm, c);
	p->hash = hash_bytes(src, fm.body_offset, 0);
	rc = 0;
out:
	buf_free(&route);
	buf_free(&pattern);
	return rc;
}

struct post *post_new(const char *dir, const char *name)
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

struct post *post_load(int dirfd, const char *dir, const char *name, const struct config *c,
                       int *level, struct buf *why, struct stat *st)
{
	struct buf file = {0}, err = {0};
	const char *words = NULL;
	struct post *p = post_new(dir, name);

	memset(st, 0, sizeof(*st));
	if (post_slurp(dirfd, name, c, 1, &file, &words, st) < 0) {
		*level = LOG_WARN;
		buf_printf(why, "%s: skipped: %s", p->path, words);
		goto fail;
	}
	if (post_parse(p, file.data ? file.data : "", file.len, st->st_mtime, c, &err) < 0) {
		*level = LOG_ERROR;
		buf_printf(why, "%s:%s; the post is left out", p->path, buf_cstr(&err));
		goto fail;
	}
	p->dev = st->st_dev;
	p->ino = st->st_ino;
	p->size = st->st_size;
	p->mtime = st->st_mtim;
	p->ctime = st->st_ctim;
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
	       p->mtime.tv_sec == st->st_mtim.tv_sec && p->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       p->ctime.tv_sec == st->st_ctim.tv_sec && p->ctime.tv_nsec == st->st_ctim.tv_nsec;
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
	arena_shared_unref(p->shared);
	free(p);
}

int post_read(const struct post *p, const struct config *c, struct buf *file, struct post **fresh,
              uint64_t *hash, struct buf *why_out)
{
	struct buf err = {0};
	const char *why = NULL;
	struct stat st;
	struct post *q;

	*fresh = NULL;
	int rc = post_slurp(AT_FDCWD, p->path, c, 0, file, &why, &st);
	if (rc < 0) {
		buf_reset(why_out);
		buf_printf(why_out, "%s: cannot read: %s", p->path, why);
		return rc;
	}
	*hash = hash_bytes(file->data ? file->data : "", file->len, 0);
	if (file->len >= p->body_offset &&
	    hash_bytes(file->data ? file->data : "", p->body_offset, 0) == p->hash)
		return 0;
	/* The front matter changed since the snapshot was made: this request gets
	 * the new version whole. */
	q = post_new(c->posts_dir, p->name);
	if (post_parse(q, file->data ? file->data : "", file->len, st.st_mtime, c, &err) < 0) {
		buf_reset(why_out);
		buf_printf(why_out, "%s:%s", p->path, buf_cstr(&err));
		buf_free(&err);
		post_unref(q);
		return -1;
	}
	buf_free(&err);
	q->mtime = st.st_mtim;
	q->ctime = st.st_ctim;
	*fresh = q;
	return 1;
}

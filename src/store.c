/* store.c — the posts of the last snapshot, kept in the state folder so that a new process
 * reads again only the posts that changed (CGI answers each request from a new process).
 * The file "posts" holds a header (a magic word, and a hash of the configuration file
 * and quire's version) and then each post's fields as length-prefixed records; any
 * record that does not fit makes the whole file ignored. It is rewritten whole and
 * renamed into place, so a reader sees an old file or a new one. */
#include "store.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "log.h"
#include "post.h"
#include "site.h"
#include "state.h"

#define STORE_MAGIC "quire-posts-1\n"
#define STORE_MAX   (256L * 1024 * 1024)
#define STORE_DEPTH 8
/* Most posts' fields fit in one block this size. */
#define STORE_ARENA 2048

/* Reading: a cursor over the file's bytes that fails once anything is short. */
struct store_in {
	const char *p, *end;
	int bad;
	struct arena *a;
};

static uint64_t store_key(const struct config *c)
{
	struct buf b = {0};
	char chunk[4096];
	size_t n;
	FILE *f = fopen(c->file, "rb");
	uint64_t h;

	while (f != NULL && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (f != NULL)
		fclose(f);
	h = cache_hash(b.data ? b.data : "", b.len,
	               cache_hash(QUIRE_VERSION, strlen(QUIRE_VERSION), 0));
	buf_free(&b);
	return h;
}

static void store_put(struct buf *b, const void *p, size_t n)
{
	buf_add(b, p, n);
}

static void store_u64(struct buf *b, uint64_t v)
{
	store_put(b, &v, sizeof(v));
}

static void store_str(struct buf *b, const char *s, size_t len)
{
	uint32_t n = s ? (uint32_t)len : UINT32_MAX;

	store_put(b, &n, sizeof(n));
	if (s)
		store_put(b, s, len);
}

static void store_cstr(struct buf *b, const char *s)
{
	store_str(b, s, s ? strlen(s) : 0);
}

static void store_list(struct buf *b, const struct strlist *l)
{
	store_u64(b, l->len);
	for (size_t i = 0; i < l->len; i++)
		store_cstr(b, l->items[i]);
}

static void store_value(struct buf *b, const struct value *v)
{
	unsigned char t = (unsigned char)v->type, html = (unsigned char)v->html;

	store_put(b, &t, 1);
	store_put(b, &html, 1);
	switch (v->type) {
	case VALUE_NULL:
		break;
	case VALUE_BOOL:
		store_u64(b, (uint64_t)v->u.boolean);
		break;
	case VALUE_NUMBER:
		store_put(b, &v->u.number, sizeof(v->u.number));
		break;
	case VALUE_STRING:
		store_str(b, v->u.string.p, v->u.string.len);
		break;
	case VALUE_LIST:
		store_u64(b, v->u.list.len);
		for (size_t i = 0; i < v->u.list.len; i++)
			store_value(b, &v->u.list.items[i]);
		break;
	case VALUE_MAP:
		store_u64(b, v->u.map.len);
		for (size_t i = 0; i < v->u.map.len; i++) {
			store_str(b, v->u.map.items[i].key, v->u.map.items[i].keylen);
			store_value(b, &v->u.map.items[i].value);
		}
		break;
	}
}

static void store_post(struct buf *b, const struct post *p)
{
	int64_t times[6] = {p->mtime.tv_sec, p->mtime.tv_nsec, p->date,
	                    p->lastmod,      p->publish,       p->expiry};
	unsigned char flags[5] = {(unsigned char)p->has_order, (unsigned char)p->draft,
	                          (unsigned char)p->has_date, (unsigned char)p->has_publish,
	                          (unsigned char)p->has_expiry};

	store_cstr(b, p->name);
	store_u64(b, (uint64_t)p->dev);
	store_u64(b, (uint64_t)p->ino);
	store_u64(b, (uint64_t)p->size);
	store_u64(b, p->hash);
	store_u64(b, p->body_offset);
	store_put(b, times, sizeof(times));
	store_put(b, flags, sizeof(flags));
	store_put(b, &p->order, sizeof(p->order));
	store_str(b, p->route, p->route_len);
	store_cstr(b, p->title);
	store_cstr(b, p->description);
	store_cstr(b, p->layout);
	store_cstr(b, p->summary);
	store_cstr(b, p->robots);
	store_list(b, &p->tags);
	store_list(b, &p->categories);
	store_list(b, &p->aliases);
	store_list(b, &p->authors);
	store_value(b, &p->fields);
}

void store_save(const struct site *s)
{
	const struct config *c = s->config;
	struct buf b = {0};

	if (c->state_dir == NULL)
		return;
	store_put(&b, STORE_MAGIC, sizeof(STORE_MAGIC) - 1);
	store_u64(&b, store_key(c));
	store_u64(&b, s->nposts);
	for (size_t i = 0; i < s->nposts; i++)
		store_post(&b, s->posts[i]);
	/* state_routes() has said already when the folder cannot be written. */
	state_replace(c->state_dir, "posts", b.data, b.len);
	buf_free(&b);
}

static const void *store_take(struct store_in *in, size_t n)
{
	const char *p = in->p;

	if (in->bad || (size_t)(in->end - in->p) < n) {
		in->bad = 1;
		return NULL;
	}
	in->p += n;
	return p;
}

static uint64_t store_get_u64(struct store_in *in)
{
	uint64_t v = 0;
	const void *p = store_take(in, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return v;
}

/* A string copied into the arena (NUL-terminated), or NULL for a stored NULL. */
static const char *store_get_str(struct store_in *in, size_t *len)
{
	uint32_t n = 0;
	const void *p = store_take(in, sizeof(n));
	const char *s;

	if (p)
		memcpy(&n, p, sizeof(n));
	*len = 0;
	if (in->bad || n == UINT32_MAX)
		return NULL;
	s = store_take(in, n);
	if (s == NULL)
		return NULL;
	*len = n;
	return arena_strndup(in->a, s, n);
}

static const char *store_get_cstr(struct store_in *in)
{
	size_t len;
	return store_get_str(in, &len);
}

static void store_get_list(struct store_in *in, struct strlist *l)
{
	uint64_t n = store_get_u64(in);

	l->len = 0;
	l->items = NULL;
	if (in->bad || n > (uint64_t)(in->end - in->p) / 4) {
		in->bad = 1;
		return;
	}
	l->items = arena_alloc(in->a, (n ? n : 1) * sizeof(*l->items));
	for (size_t i = 0; i < n; i++)
		l->items[l->len++] = store_get_cstr(in);
}

static void store_get_value(struct store_in *in, struct value *v, int depth)
{
	const unsigned char *th = store_take(in, 2);
	uint64_t n;

	memset(v, 0, sizeof(*v));
	if (th == NULL || th[0] > VALUE_MAP || depth > STORE_DEPTH) {
		in->bad = 1;
		return;
	}
	v->type = (enum value_type)th[0];
	v->html = th[1] != 0;
	switch (v->type) {
	case VALUE_NULL:
		break;
	case VALUE_BOOL:
		v->u.boolean = store_get_u64(in) != 0;
		break;
	case VALUE_NUMBER: {
		const void *p = store_take(in, sizeof(double));
		if (p)
			memcpy(&v->u.number, p, sizeof(double));
		break;
	}
	case VALUE_STRING:
		v->u.string.p = store_get_str(in, &v->u.string.len);
		if (v->u.string.p == NULL)
			in->bad = 1;
		break;
	case VALUE_LIST:
	case VALUE_MAP:
		n = store_get_u64(in);
		if (in->bad || n > (uint64_t)(in->end - in->p) / 2) {
			in->bad = 1;
			return;
		}
		if (v->type == VALUE_LIST) {
			struct value *items = arena_alloc(in->a, (n ? n : 1) * sizeof(*items));
			for (size_t i = 0; i < n && !in->bad; i++)
				store_get_value(in, &items[i], depth + 1);
			v->u.list.items = items;
			v->u.list.len = n;
		} else {
			struct member *m = arena_alloc(in->a, (n ? n : 1) * sizeof(*m));
			for (size_t i = 0; i < n && !in->bad; i++) {
				m[i].key = store_get_str(in, &m[i].keylen);
				if (m[i].key == NULL)
					in->bad = 1;
				store_get_value(in, &m[i].value, depth + 1);
			}
			v->u.map.items = m;
			v->u.map.len = n;
		}
		break;
	}
}

static struct post *store_get_post(struct store_in *in, const struct config *c)
{
	struct store_in name_in = *in;
	struct arena scratch = {0};
	const char *name;
	struct post *p;
	int64_t times[6];
	const unsigned char *flags;
	const void *raw;

	/* The name first, into a scratch arena: the post's own arena comes with it. */
	name_in.a = &scratch;
	name = store_get_cstr(&name_in);
	if (name == NULL || strchr(name, '/') != NULL || name_in.bad) {
		in->bad = 1;
		arena_free(&scratch);
		return NULL;
	}
	in->p = name_in.p;
	p = post_new(c->posts_dir, name);
	arena_free(&scratch);
	in->a = &p->arena;
	arena_reserve(in->a, STORE_ARENA);
	p->dev = (dev_t)store_get_u64(in);
	p->ino = (ino_t)store_get_u64(in);
	p->size = (off_t)store_get_u64(in);
	p->hash = store_get_u64(in);
	p->body_offset = (size_t)store_get_u64(in);
	raw = store_take(in, sizeof(times));
	if (raw)
		memcpy(times, raw, sizeof(times));
	flags = store_take(in, 5);
	raw = store_take(in, sizeof(p->order));
	if (in->bad) {
		post_unref(p);
		return NULL;
	}
	memcpy(&p->order, raw, sizeof(p->order));
	p->mtime.tv_sec = times[0];
	p->mtime.tv_nsec = times[1];
	p->date = times[2];
	p->lastmod = times[3];
	p->publish = times[4];
	p->expiry = times[5];
	p->has_order = flags[0];
	p->draft = flags[1];
	p->has_date = flags[2];
	p->has_publish = flags[3];
	p->has_expiry = flags[4];
	p->route = store_get_str(in, &p->route_len);
	p->title = store_get_cstr(in);
	p->description = store_get_cstr(in);
	p->layout = store_get_cstr(in);
	p->summary = store_get_cstr(in);
	p->robots = store_get_cstr(in);
	store_get_list(in, &p->tags);
	store_get_list(in, &p->categories);
	store_get_list(in, &p->aliases);
	store_get_list(in, &p->authors);
	store_get_value(in, &p->fields, 0);
	if (in->bad || p->route == NULL || p->title == NULL || p->description == NULL ||
	    p->fields.type != VALUE_MAP) {
		in->bad = 1;
		post_unref(p);
		return NULL;
	}
	return p;
}

struct site *store_load(const struct config *c)
{
	struct buf path = {0};
	struct store_in in = {0};
	struct site *s = NULL;
	struct stat st;
	size_t count;
	void *map = MAP_FAILED;
	int fd;

	if (c->state_dir == NULL)
		return NULL;
	buf_printf(&path, "%s/posts", c->state_dir);
	fd = open(buf_cstr(&path), O_RDONLY | O_CLOEXEC);
	buf_free(&path);
	if (fd < 0)
		return NULL;
	/* Mapped, not read into the heap: the file is only ever replaced by rename,
	 * never cut short in place, so the mapping cannot lose its pages. */
	if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size <= STORE_MAX)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	in.p = map;
	in.end = (const char *)map + st.st_size;
	const char *magic = store_take(&in, sizeof(STORE_MAGIC) - 1);
	if (magic == NULL || memcmp(magic, STORE_MAGIC, sizeof(STORE_MAGIC) - 1) != 0 ||
	    store_get_u64(&in) != store_key(c))
		goto out;
	count = (size_t)store_get_u64(&in);
	if (in.bad || count > (size_t)(in.end - in.p) / 16)
		goto out;
	s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	s->config = c;
	s->posts = xcalloc(count ? count : 1, sizeof(*s->posts));
	for (size_t i = 0; i < count && !in.bad; i++) {
		struct post *p = store_get_post(&in, c);
		/* Posts were stored by file name; a file out of order is a damaged one. */
		if (p != NULL && s->nposts > 0 &&
		    strcmp(s->posts[s->nposts - 1]->name, p->name) >= 0)
			in.bad = 1;
		if (p != NULL)
			s->posts[s->nposts++] = p;
	}
	if (in.bad) {
		site_release(s);
		s = NULL;
	}
out:
	munmap(map, (size_t)st.st_size);
	return s;
}

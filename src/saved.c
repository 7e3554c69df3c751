/* saved.c — the posts of the last snapshot, kept in the state folder so that a new process
 * reads again only the posts that changed (CGI answers each request from a new process).
 * The file "posts" holds a header (a magic word, the format number, a hash of the
 * configuration file and quire's version, the payload's length and its hash) and then the
 * payload: each post's fields as length-prefixed records. A file whose header is not this
 * build's is ignored; one whose payload does not match its hash, or with any record that
 * does not fit or lacks a field pages need, is damaged: ignored, said once, and written
 * anew. It is rewritten whole and renamed into place, so a reader sees an old file or a
 * new one. */
#include "saved.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "file.h"
#include "hash.h"
#include "log.h"
#include "post.h"
#include "site.h"

#define SAVED_MAGIC "quire-posts\n"
/* The layout of the records: a change to saved_post() or what it writes needs a new one. */
#define SAVED_FORMAT    5
#define SAVED_MAGIC_LEN (sizeof(SAVED_MAGIC) - 1)
/* Where the header's fields are: magic, format (u32), key, payload length, payload hash. */
#define SAVED_AT_FORMAT SAVED_MAGIC_LEN
#define SAVED_AT_KEY    (SAVED_AT_FORMAT + 4)
#define SAVED_AT_LEN    (SAVED_AT_KEY + 8)
#define SAVED_AT_HASH   (SAVED_AT_LEN + 8)
_Static_assert(SAVED_AT_HASH + 8 == SAVED_HEADER, "SAVED_HEADER is the header's size");
#define SAVED_MAX   (256L * 1024 * 1024)
#define SAVED_DEPTH 8
/* Reading: a cursor over the file's bytes that fails once anything is short. */
struct saved_in {
	const char *p, *end;
	int bad;
	struct arena *a;             /* where what is read goes: */
	struct arena_shared *shared; /* the arena every post read shares */
};

static uint64_t saved_key(const struct config *c)
{
	struct buf b = {0};
	uint64_t h;

	/* Unreadable, it keys as empty: config_load() has read it, so that is a race lost. */
	file_read(AT_FDCWD, c->file, 0, CONFIG_MAX, &b, NULL);
	h = hash_bytes(b.data ? b.data : "", b.len,
	               hash_bytes(QUIRE_VERSION, strlen(QUIRE_VERSION), 0));
	buf_free(&b);
	return h;
}

static void saved_put(struct buf *b, const void *p, size_t n)
{
	buf_add(b, p, n);
}

static void saved_u64(struct buf *b, uint64_t v)
{
	saved_put(b, &v, sizeof(v));
}

static void saved_str(struct buf *b, const char *s, size_t len)
{
	uint32_t n = s ? (uint32_t)len : UINT32_MAX;

	saved_put(b, &n, sizeof(n));
	if (s)
		saved_put(b, s, len);
}

static void saved_cstr(struct buf *b, const char *s)
{
	saved_str(b, s, s ? strlen(s) : 0);
}

static void saved_list(struct buf *b, const struct strlist *l)
{
	saved_u64(b, l->len);
	for (size_t i = 0; i < l->len; i++)
		saved_cstr(b, l->items[i]);
}

static void saved_value(struct buf *b, const struct value *v)
{
	unsigned char t = (unsigned char)v->type, html = (unsigned char)v->html;

	saved_put(b, &t, 1);
	saved_put(b, &html, 1);
	switch (v->type) {
	case VALUE_NULL:
		break;
	case VALUE_BOOL:
		saved_u64(b, (uint64_t)v->u.boolean);
		break;
	case VALUE_NUMBER:
		saved_put(b, &v->u.number, sizeof(v->u.number));
		break;
	case VALUE_STRING:
		saved_str(b, v->u.string.p, v->u.string.len);
		break;
	case VALUE_LIST:
		saved_u64(b, v->u.list.len);
		for (size_t i = 0; i < v->u.list.len; i++)
			saved_value(b, &v->u.list.items[i]);
		break;
	case VALUE_MAP:
		saved_u64(b, v->u.map.len);
		for (size_t i = 0; i < v->u.map.len; i++) {
			saved_str(b, v->u.map.items[i].key, v->u.map.items[i].keylen);
			saved_value(b, &v->u.map.items[i].value);
		}
		break;
	}
}

static void saved_post(struct buf *b, const struct post *p)
{
	int64_t times[8] = {p->mtime.tv_sec, p->mtime.tv_nsec, p->date,         p->lastmod,
	                    p->publish,      p->expiry,        p->ctime.tv_sec, p->ctime.tv_nsec};
	unsigned char flags[6] = {(unsigned char)p->has_order,  (unsigned char)p->draft,
	                          (unsigned char)p->has_date,   (unsigned char)p->has_publish,
	                          (unsigned char)p->has_expiry, (unsigned char)p->page};

	saved_cstr(b, p->name);
	saved_u64(b, (uint64_t)p->dev);
	saved_u64(b, (uint64_t)p->ino);
	saved_u64(b, (uint64_t)p->size);
	saved_u64(b, p->hash);
	saved_u64(b, p->body_offset);
	saved_put(b, times, sizeof(times));
	saved_put(b, flags, sizeof(flags));
	saved_put(b, &p->order, sizeof(p->order));
	saved_str(b, p->route, p->route_len);
	saved_cstr(b, p->title);
	saved_cstr(b, p->description);
	saved_cstr(b, p->layout);
	saved_cstr(b, p->summary);
	saved_cstr(b, p->robots);
	saved_list(b, &p->tags);
	saved_list(b, &p->categories);
	saved_list(b, &p->aliases);
	saved_list(b, &p->authors);
	saved_list(b, &p->menus);
	saved_value(b, &p->fields);
}

void saved_seal(struct buf *b)
{
	uint64_t len, hash;

	if (b->len < SAVED_HEADER)
		return;
	len = b->len - SAVED_HEADER;
	hash = hash_bytes(b->data + SAVED_HEADER, len, 0);
	memcpy(b->data + SAVED_AT_LEN, &len, sizeof(len));
	memcpy(b->data + SAVED_AT_HASH, &hash, sizeof(hash));
}

void saved_encode(const struct config *c, const struct site_files *f, struct buf *out)
{
	uint32_t format = SAVED_FORMAT;
	uint64_t zero = 0;

	buf_reset(out);
	saved_put(out, SAVED_MAGIC, SAVED_MAGIC_LEN);
	saved_put(out, &format, sizeof(format));
	saved_u64(out, saved_key(c));
	saved_u64(out, zero);
	saved_u64(out, zero);
	saved_u64(out, f->nposts);
	for (size_t i = 0; i < f->nposts; i++)
		saved_post(out, f->posts[i]);
	saved_u64(out, f->nsaid);
	for (size_t i = 0; i < f->nsaid; i++)
		saved_u64(out, f->said[i]);
	saved_seal(out);
}

void saved_save(const struct config *c, const struct site_files *f)
{
	struct buf b = {0};

	if (c->state_dir == NULL)
		return;
	saved_encode(c, f, &b);
	/* moved_routes() has said already when the folder cannot be written. */
	file_replace(c->state_dir, "posts", b.data, b.len);
	buf_free(&b);
}

static const void *saved_take(struct saved_in *in, size_t n)
{
	const char *p = in->p;

	if (in->bad || (size_t)(in->end - in->p) < n) {
		in->bad = 1;
		return NULL;
	}
	in->p += n;
	return p;
}

static uint64_t saved_get_u64(struct saved_in *in)
{
	uint64_t v = 0;
	const void *p = saved_take(in, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return v;
}

/* A string copied into the arena (NUL-terminated), or NULL for a stored NULL. */
static const char *saved_get_str(struct saved_in *in, size_t *len)
{
	uint32_t n = 0;
	const void *p = saved_take(in, sizeof(n));
	const char *s;

	if (p)
		memcpy(&n, p, sizeof(n));
	*len = 0;
	if (in->bad || n == UINT32_MAX)
		return NULL;
	s = saved_take(in, n);
	if (s == NULL)
		return NULL;
	*len = n;
	return arena_strndup(in->a, s, n);
}

/* A string read as a C string: a NUL inside it would cut it short, so it is damage. */
static const char *saved_get_cstr(struct saved_in *in)
{
	size_t len;
	const char *s = saved_get_str(in, &len);

	if (s != NULL && memchr(s, '\0', len) != NULL) {
		in->bad = 1;
		return NULL;
	}
	return s;
}

static void saved_get_list(struct saved_in *in, struct strlist *l)
{
	uint64_t n = saved_get_u64(in);

	l->len = 0;
	l->items = NULL;
	if (in->bad || n > (uint64_t)(in->end - in->p) / 4) {
		in->bad = 1;
		return;
	}
	l->items = arena_alloc(in->a, (n ? n : 1) * sizeof(*l->items));
	for (size_t i = 0; i < n && !in->bad; i++) {
		l->items[l->len] = saved_get_cstr(in);
		if (l->items[l->len++] == NULL)
			in->bad = 1;
	}
}

static void saved_get_value(struct saved_in *in, struct value *v, int depth)
{
	const unsigned char *th = saved_take(in, 2);
	uint64_t n;

	memset(v, 0, sizeof(*v));
	if (th == NULL || th[0] > VALUE_MAP || depth > SAVED_DEPTH) {
		in->bad = 1;
		return;
	}
	v->type = (enum value_type)th[0];
	v->html = th[1] != 0;
	switch (v->type) {
	case VALUE_NULL:
		break;
	case VALUE_BOOL:
		v->u.boolean = saved_get_u64(in) != 0;
		break;
	case VALUE_NUMBER: {
		const void *p = saved_take(in, sizeof(double));
		if (p)
			memcpy(&v->u.number, p, sizeof(double));
		break;
	}
	case VALUE_STRING:
		v->u.string.p = saved_get_str(in, &v->u.string.len);
		if (v->u.string.p == NULL)
			in->bad = 1;
		break;
	case VALUE_LIST:
	case VALUE_MAP:
		n = saved_get_u64(in);
		if (in->bad || n > (uint64_t)(in->end - in->p) / 2) {
			in->bad = 1;
			return;
		}
		if (v->type == VALUE_LIST) {
			struct value *items = arena_alloc(in->a, (n ? n : 1) * sizeof(*items));
			for (size_t i = 0; i < n && !in->bad; i++)
				saved_get_value(in, &items[i], depth + 1);
			v->u.list.items = items;
			v->u.list.len = n;
		} else {
			struct member *m = arena_alloc(in->a, (n ? n : 1) * sizeof(*m));
			for (size_t i = 0; i < n && !in->bad; i++) {
				m[i].key = saved_get_str(in, &m[i].keylen);
				if (m[i].key == NULL)
					in->bad = 1;
				saved_get_value(in, &m[i].value, depth + 1);
			}
			v->u.map.items = m;
			v->u.map.len = n;
		}
		break;
	}
}

/* Is the member key of the map fields a string? */
static int saved_has_string(const struct value *fields, const char *key)
{
	const struct value *v = value_get(fields, key, strlen(key));

	return v != NULL && v->type == VALUE_STRING && v->u.string.p != NULL;
}

/* Has p what pages take for granted: its route and texts, the fields post_computed() adds? */
static int saved_post_whole(const struct post *p)
{
	return p->route != NULL && p->route_len > 1 && p->route[0] == '/' && p->title != NULL &&
	       p->description != NULL && p->size >= 0 && p->body_offset <= (uint64_t)p->size &&
	       p->fields.type == VALUE_MAP && saved_has_string(&p->fields, "route") &&
	       saved_has_string(&p->fields, "url") &&
	       saved_has_string(&p->fields, "absolute_url") &&
	       saved_has_string(&p->fields, "canonical");
}

/* A post's file name as the scan makes them: "NAME.md", or a bundle's "NAME/index.md";
 * never a path that leaves the posts folder. */
static int saved_name_ok(const char *name)
{
	const char *slash = strchr(name, '/');

	if (slash == NULL)
		return 1;
	return slash != name && name[0] != '.' && strcmp(slash, "/index.md") == 0;
}

static struct post *saved_get_post(struct saved_in *in, const struct config *c)
{
	const char *name;
	struct post *p;
	int64_t times[8];
	const unsigned char *flags;
	const void *raw;

	name = saved_get_cstr(in);
	if (name == NULL || *name == '\0' || !saved_name_ok(name) || in->bad) {
		in->bad = 1;
		return NULL;
	}
	p = post_new(c->posts_dir, name);
	p->shared = in->shared;
	arena_shared_ref(p->shared);
	p->dev = (dev_t)saved_get_u64(in);
	p->ino = (ino_t)saved_get_u64(in);
	p->size = (off_t)saved_get_u64(in);
	p->hash = saved_get_u64(in);
	p->body_offset = (size_t)saved_get_u64(in);
	raw = saved_take(in, sizeof(times));
	if (raw)
		memcpy(times, raw, sizeof(times));
	flags = saved_take(in, 6);
	raw = saved_take(in, sizeof(p->order));
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
	p->ctime.tv_sec = times[6];
	p->ctime.tv_nsec = times[7];
	p->has_order = flags[0];
	p->draft = flags[1];
	p->has_date = flags[2];
	p->has_publish = flags[3];
	p->has_expiry = flags[4];
	p->page = flags[5];
	p->route = saved_get_cstr(in);
	p->route_len = p->route ? strlen(p->route) : 0;
	p->title = saved_get_cstr(in);
	p->description = saved_get_cstr(in);
	p->layout = saved_get_cstr(in);
	p->summary = saved_get_cstr(in);
	p->robots = saved_get_cstr(in);
	saved_get_list(in, &p->tags);
	saved_get_list(in, &p->categories);
	saved_get_list(in, &p->aliases);
	saved_get_list(in, &p->authors);
	saved_get_list(in, &p->menus);
	saved_get_value(in, &p->fields, 0);
	if (in->bad || !saved_post_whole(p)) {
		in->bad = 1;
		post_unref(p);
		return NULL;
	}
	return p;
}

int saved_decode(const struct config *c, const char *data, size_t len, struct site_files *out,
                 const char **why)
{
	struct saved_in in = {.p = data, .end = data + len};
	struct post **posts;
	uint64_t *said = NULL;
	size_t n = 0, nsaid = 0;
	uint32_t format;
	uint64_t key, plen, hash;
	size_t count;

	memset(out, 0, sizeof(*out));
	if (len < SAVED_HEADER || memcmp(data, SAVED_MAGIC, SAVED_MAGIC_LEN) != 0) {
		*why = "not a store of posts";
		return -1;
	}
	memcpy(&format, data + SAVED_AT_FORMAT, sizeof(format));
	memcpy(&key, data + SAVED_AT_KEY, sizeof(key));
	memcpy(&plen, data + SAVED_AT_LEN, sizeof(plen));
	memcpy(&hash, data + SAVED_AT_HASH, sizeof(hash));
	if (format != SAVED_FORMAT) {
		*why = "written in another format";
		return 2;
	}
	if (key != saved_key(c)) {
		*why = "written for another configuration or version";
		return 1;
	}
	if (plen != len - SAVED_HEADER) {
		*why = "its length is not the one its header gives";
		return -1;
	}
	if (hash_bytes(data + SAVED_HEADER, plen, 0) != hash) {
		*why = "its checksum does not match";
		return -1;
	}
	in.p = data + SAVED_HEADER;
	count = (size_t)saved_get_u64(&in);
	if (in.bad || count > (size_t)(in.end - in.p) / 16) {
		*why = "a damaged record";
		return -1;
	}
	posts = xcalloc(count ? count : 1, sizeof(*posts));
	in.shared = arena_shared_new();
	in.a = &in.shared->arena;
	for (size_t i = 0; i < count && !in.bad; i++) {
		struct post *p = saved_get_post(&in, c);
		/* Posts were stored by file name; a file out of order is a damaged one. */
		if (p != NULL && n > 0 && strcmp(posts[n - 1]->name, p->name) >= 0)
			in.bad = 1;
		if (p != NULL)
			posts[n++] = p;
	}
	nsaid = in.bad ? 0 : (size_t)saved_get_u64(&in);
	if (!in.bad && nsaid <= (size_t)(in.end - in.p) / 8) {
		said = xcalloc(nsaid ? nsaid : 1, sizeof(*said));
		for (size_t i = 0; i < nsaid; i++) {
			said[i] = saved_get_u64(&in);
			/* Sorted when stored: site_load() looks them up by halves. */
			if (i > 0 && said[i] < said[i - 1])
				in.bad = 1;
		}
	} else
		in.bad = 1;
	out->posts = posts;
	out->nposts = n;
	out->said = said;
	out->nsaid = nsaid;
	arena_shared_unref(in.shared); /* the posts keep it */
	if (in.bad || in.p != in.end) {
		saved_free(out);
		*why = "a damaged record";
		return -1;
	}
	return 0;
}

void saved_free(struct site_files *f)
{
	for (size_t i = 0; i < f->nposts; i++)
		post_unref(f->posts[i]);
	free((void *)f->posts);
	free((void *)f->said);
	memset(f, 0, sizeof(*f));
}

int saved_load(const struct config *c, struct site_files *out)
{
	static int warned;
	struct buf path = {0}, data = {0};
	const char *why = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (c->state_dir == NULL)
		return -1;
	buf_printf(&path, "%s/posts", c->state_dir);
	if (file_read(AT_FDCWD, buf_cstr(&path), 0, SAVED_MAX, &data, NULL) < 0) {
		if (errno != ENOENT && !warned)
			log_msg(LOG_WARN, "%s: cannot read: %s; the posts are read again",
			        path.data, file_strerror(errno));
		warned = 1;
		goto out;
	}
	rc = saved_decode(c, data.data ? data.data : "", data.len, out, &why);
	/* Another configuration's store is no news: the one of this snapshot replaces it. */
	if ((rc < 0 || rc == 2) && !warned) {
		log_msg(rc < 0 ? LOG_WARN : LOG_INFO,
		        "%s: ignored (%s); the posts are read again and it is written anew",
		        path.data, why);
		warned = 1;
	}
out:
	buf_free(&path);
	buf_free(&data);
	return rc == 0 ? 0 : -1;
}

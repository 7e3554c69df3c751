/* route.c — the route table: canonical path to post, built once per site snapshot. */
#include "route.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hash.h"
#include "mem.h"
#include "post.h"

struct route_slot {
	uint64_t hash;
	const char *path;
	size_t len;
	const struct post *post;
};

void route_init(struct route_table *t, size_t n)
{
	size_t cap = 16;

	while (cap < n * 2)
		cap *= 2;
	t->slots = xcalloc(cap, sizeof(*t->slots));
	t->cap = cap;
	t->len = 0;
}

void route_free(struct route_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

int route_at(const struct route_table *t, size_t i, const char **path, size_t *len,
             const struct post **post)
{
	if (i >= t->cap || t->slots[i].path == NULL)
		return 0;
	*path = t->slots[i].path;
	*len = t->slots[i].len;
	*post = t->slots[i].post;
	return 1;
}

static struct route_slot *route_slot(const struct route_table *t, const char *path, size_t len,
                                     uint64_t h)
{
	size_t i = h & (t->cap - 1);

	for (;;) {
		struct route_slot *s = &t->slots[i];
		if (s->post == NULL)
			return s;
		if (s->hash == h && s->len == len && memcmp(s->path, path, len) == 0)
			return s;
		i = (i + 1) & (t->cap - 1);
	}
}

const struct post *route_add(struct route_table *t, const char *path, size_t len,
                             const struct post *p)
{
	uint64_t h = hash_bytes(path, len, 0);
	struct route_slot *s;

	if ((t->len + 1) * 2 > t->cap) {
		struct route_table bigger;
		route_init(&bigger, t->cap);
		for (size_t i = 0; i < t->cap; i++) {
			const struct route_slot *old = &t->slots[i];
			if (old->post != NULL)
				*route_slot(&bigger, old->path, old->len, old->hash) = *old;
		}
		bigger.len = t->len;
		route_free(t);
		*t = bigger;
	}
	s = route_slot(t, path, len, h);
	if (s->post != NULL)
		return s->post;
	s->hash = h;
	s->path = path;
	s->len = len;
	s->post = p;
	t->len++;
	return NULL;
}

const struct post *route_find(const struct route_table *t, const char *path, size_t len)
{
	if (t->cap == 0)
		return NULL;
	return route_slot(t, path, len, hash_bytes(path, len, 0))->post;
}

/* Does path equal dir (n bytes), or lie under it? */
static int route_under(const char *path, size_t len, const char *dir, size_t n)
{
	return len >= n && memcmp(path, dir, n) == 0 && (len == n || path[n] == '/');
}

/* "/YYYY" or "/YYYY/MM", exactly. */
static int route_period(const char *p, size_t len)
{
	static const char shape[] = "/9999/99";

	if (len != 5 && len != 8)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (shape[i] == '/' ? p[i] != '/' : p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

int route_reserved(const struct config *c, const char *path, size_t len)
{
/* A fixed address and its length, for a table's initialiser. */
#define ROUTE_NAMED(s) (s), sizeof(s) - 1
	static const struct {
		const char *s;
		size_t n;
	} dirs[] = {{ROUTE_NAMED(ROUTE_PAGE)},       {ROUTE_NAMED(ROUTE_ARCHIVE)},
	            {ROUTE_NAMED(ROUTE_STATIC)},     {ROUTE_NAMED(ROUTE_SITEMAP)},
	            {ROUTE_NAMED(ROUTE_ROBOTS)},     {ROUTE_NAMED(ROUTE_PREVIEW)},
	            {ROUTE_NAMED(ROUTE_SEARCH)},     {ROUTE_NAMED(ROUTE_SEARCH_JSON)},
	            {ROUTE_NAMED(ROUTE_OPENSEARCH)}, {ROUTE_NAMED("/_dev")}},
	  feeds[] = {
	      {ROUTE_NAMED(ROUTE_ATOM)}, {ROUTE_NAMED(ROUTE_RSS)}, {ROUTE_NAMED(ROUTE_JSON)}};
#undef ROUTE_NAMED

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (route_under(path, len, dirs[i].s, dirs[i].n))
			return 1;
	/* A taxonomy's lists: "/NAME" and what lies under it. */
	for (size_t i = 0; c != NULL && len > 1 && path[0] == '/' && i < c->ntaxonomies; i++) {
		const char *name = c->taxonomies[i].name;
		if (route_under(path + 1, len - 1, name, strlen(name)))
			return 1;
	}
	for (size_t i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++)
		if (len >= feeds[i].n &&
		    memcmp(path + len - feeds[i].n, feeds[i].s, feeds[i].n) == 0)
			return 1;
	return c != NULL && c->date_archives && route_period(path, len);
}

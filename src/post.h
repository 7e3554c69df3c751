/* post.h — one post of the content index: its file, route and front matter. */
#ifndef QUIRE_POST_H
#define QUIRE_POST_H

#include <stddef.h>
#include <sys/types.h>

#include "mem.h"
#include "value.h"

struct buf;
struct config;

struct post {
	char *path;        /* posts folder + "/" + name */
	const char *name;  /* the file name, inside path */
	const char *route; /* canonical, in the site: "/on-node-go-concurrency" */
	size_t route_len;
	const char *title;
	const char *description;
	const char *layout; /* as named in the front matter, or NULL */
	double order;
	int has_order;
	struct value fields; /* front matter and computed fields, for layouts */
	struct arena arena;  /* owns everything above but path */
};

/* Read and check the post named name in folder dir (dirfd open on it). Logs why
 * and returns -1 when the file is not a usable post. */
int post_load(struct post *p, int dirfd, const char *dir, const char *name, const struct config *c);
void post_free(struct post *p);

/* Read the post's file again into file and find its Markdown: the body is
 * file->data + *body_off. Logs why and returns -1 when it cannot. */
int post_read(const struct post *p, const struct config *c, struct buf *file, size_t *body_off);

/* Add the fields every page has (route, url, absolute_url) to a map of fields. */
void post_add_urls(struct value *fields, const char *route, size_t route_len,
                   const struct config *c, struct arena *a);

#endif

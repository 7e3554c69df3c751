/* site.h — the site snapshot: every post, the route table, listings and layouts. */
#ifndef QUIRE_SITE_H
#define QUIRE_SITE_H

#include <stddef.h>

#include "mem.h"
#include "route.h"
#include "value.h"

struct config;
struct post;
struct template;
struct template_set;

/* Immutable once loaded: requests read it without locks. */
struct site {
	const struct config *config;
	struct post *posts; /* by file name */
	size_t nposts;
	const struct post **listed;          /* listing order: by order, then title */
	size_t nlisted;                      /* the posts that own their route */
	const struct template **post_layout; /* per post, indexed like posts */
	struct route_table routes;
	struct template_set *layouts;
	const struct template *index_layout;
	struct value site_value;  /* "site" in layouts */
	struct value posts_value; /* "posts": each listed post's fields */
	struct value quire_value; /* "quire": version */
	struct arena arena;
};

/* Scan the posts folder and compile the layouts. Returns NULL (after logging
 * why) only when the site cannot be served at all: no posts folder, a broken
 * or missing layout. A broken post is logged and left out. */
struct site *site_load(const struct config *c);
void site_free(struct site *s);

/* The compiled layout for p. */
const struct template *site_post_layout(const struct site *s, const struct post *p);
/* The layout for an error page: NAME.mustache for the status ("404"), else "error". */
const struct template *site_error_layout(const struct site *s, int status);

#endif

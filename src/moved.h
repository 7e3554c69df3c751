/* moved.h — the routes posts had before, from the state folder, so renamed posts keep their
 * readers. */
#ifndef QUIRE_MOVED_H
#define QUIRE_MOVED_H

#include <stddef.h>

struct arena;
struct config;
struct post;
struct route_table;

/* The posts of a snapshot that moved_routes() looks at. */
struct moved_posts {
	const struct post *const *served; /* the posts and pages served */
	size_t nserved;
	const struct route_table *routes; /* their routes */
};

/* Read the routes remembered in c's state folder, add to moved (keys in a) each old
 * route whose last owner (same file) now has another one, and remember the posts'
 * routes. Without a state folder this does nothing; when the folder cannot be
 * written, quire says so once and goes on. */
void moved_routes(const struct config *c, const struct moved_posts *posts,
                  struct route_table *moved, struct arena *a);

#endif

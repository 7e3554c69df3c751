/* site.h — the site snapshot: every post, the route table, listings and layouts. */
#ifndef QUIRE_SITE_H
#define QUIRE_SITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "files.h"
#include "layout.h"
#include "mem.h"
#include "route.h"
#include "value.h"

struct config;
struct layouts;
struct post;
struct template;

/* Where a post stands in a snapshot: its layout and its neighbours in the listing. */
struct site_place {
	const struct template *layout;
	size_t at;  /* in s->listed, or SIZE_MAX for a post not listed */
	int served; /* listed or a page: live, no draft, at its own route (site_served()) */
};

struct site_taxonomy;

/* A term of a taxonomy ("rust" of tags) and its posts, in listing order. */
struct site_term {
	const char *name;  /* as first written */
	const char *route; /* "/tags/rust" */
	size_t route_len;
	const struct post **posts; /* in the snapshot's arena */
	const size_t *at;          /* each post's place in the listing (ascending) */
	size_t nposts;
	const struct site_taxonomy *taxonomy;
};

/* A taxonomy of the configuration and its terms. */
struct site_taxonomy {
	const struct config_taxonomy *config;
	const char *route; /* "/tags" */
	size_t route_len;
	struct site_term *terms; /* by route */
	size_t nterms;
};

/* A year or a month of the archive and its posts, newest first. */
struct site_period {
	int year, month; /* month 0: the whole year */
	char route[16];  /* "/2016", "/2016/05" */
	size_t route_len;
	const struct post **posts;
	size_t nposts;
};

/* What a snapshot hands to the next, and the store to a new process: the posts by
 * file name, to share those whose files did not change, and what was said of the
 * files (a hash of each log line with the file as it was), not to say it again. */
struct site_files {
	struct post *const *posts; /* by file name */
	size_t nposts;
	const uint64_t *said; /* sorted */
	size_t nsaid;
	/* With changed_only, the watcher's word: only these entries of the posts folder (a
	 * file's name, a bundle's folder) changed since; the folder is not read again, the
	 * others are as they were. */
	int changed_only;
	char *const *changed; /* sorted by strcmp */
	size_t nchanged;
	/* Another load follows (the watcher's, the next CGI request's): a post caught half
	 * saved may wait for it to be said broken. */
	int again;
	/* What the reading of each entry said (site_entry(), site_post()): kept for the
	 * entries not looked at again. */
	const struct site_said *read_said;
	size_t nread_said;
};

struct site_said {
	uint64_t entry; /* hash of the entry's name */
	uint64_t line;  /* the hash in said */
};

/* The site as it is at one time (made): posts scheduled for later are in the
 * route table (to answer 404 or 410) but not listed; when next_change comes, a
 * new snapshot is made. Immutable once made: requests read it without locks, and the last of them
 * to let go of a replaced snapshot frees it. Posts and layouts that did not change are shared with
 * the snapshot before. */
struct site {
	int refs;
	uint64_t id; /* unique in the process: names this snapshot's rendered pages */
	const struct config *config;
	struct post **posts; /* by file name */
	size_t nposts;
	const struct post **listed; /* listing order: by order, then title */
	size_t nlisted;             /* the posts that own their route */
	const struct post **pages;  /* pages (type: page) served: not listed, in the sitemap */
	size_t npages;
	struct site_place *places; /* per post, indexed like posts */
	struct route_table routes;
	struct route_table aliases;       /* old addresses of posts: answered with 301 */
	struct route_table moved;         /* routes posts had before (moved_routes()): 301 */
	struct site_taxonomy *taxonomies; /* in the configuration's order */
	size_t ntaxonomies;
	const struct post **related; /* config->related per listed post, NULL after the last */
	struct site_period *periods; /* years and months with posts, by route */
	size_t nperiods;
	struct files files;   /* the static folder's and the live bundles' files */
	time_t made;          /* the time the snapshot shows the site at */
	size_t loaded;        /* posts read from their files, not shared with the snapshot before */
	size_t looked;        /* files looked at: all of them, or those the watcher named */
	int unread;           /* the posts folder could not be opened: the next reads it whole */
	time_t next_change;   /* when a scheduled post appears or expires next, or 0 */
	long long settled_ms; /* when a post caught half saved is looked at again (ms), or 0 */
	uint64_t *said;       /* what the load said of the files (struct site_files) */
	size_t nsaid;
	struct site_said *read_said; /* what reading the entries said, by entry */
	size_t nread_said, capread_said;
	struct layouts *layouts;
	const struct template *index_layout;
	time_t modified; /* the newest of the configuration, the layouts and the posts */
	struct layout_context context; /* what every layout has around its page */
	struct arena arena;
};

/* Scan the posts folder and compile the layouts. With before, posts whose files did
 * not change are shared with it, a post that became unreadable keeps its last good
 * version, and what before said of a file that did not change is not said again. With
 * layouts (the snapshot before's), they are shared unless reload_layouts is set (when
 * the new ones fail to compile, these stay). Returns NULL (after logging why) only
 * when the site cannot be served at all: no posts folder, a broken or missing layout
 * at start. A broken post is logged and left out. */
struct site *site_load(const struct config *c, const struct site_files *before,
                       struct layouts *layouts, int reload_layouts);
/* What s hands to the next snapshot. */
struct site_files site_files(const struct site *s);
void site_release(struct site *s);

/* Make s the snapshot requests get; the one before is released. */
void site_publish(struct site *s);
/* The current snapshot, held until site_release(). */
struct site *site_acquire(void);
/* Wait until a snapshot other than the one of id since is published, or timeout_ms have
 * passed: 1 when one is, else 0. */
int site_wait_change(uint64_t since, long timeout_ms);

/* p's place in s; a post not in s (a version newer than s) gets the default layout. */
struct site_place site_post_place(const struct site *s, const struct post *p);
/* The listed posts before and after p (older and newer when sorted by date);
 * NULL at the ends. */
void site_neighbours(const struct site *s, const struct post *p, const struct post **prev,
                     const struct post **next);
/* The taxonomy whose list is at route ("/tags"), or NULL. */
const struct site_taxonomy *site_taxonomy(const struct site *s, const char *route, size_t len);
/* The term of x whose page is at route ("/tags/rust"), or NULL. */
const struct site_term *site_term(const struct site_taxonomy *x, const char *route, size_t len);
/* The year or month whose list is at route ("/2016", "/2016/05"), or NULL. */
const struct site_period *site_period(const struct site *s, const char *route, size_t len);
/* The series p is part of: the term of taxonomy "series" it names first, or NULL; *part
 * then its place in it, from 1 (oldest first). */
const struct site_term *site_series(const struct site *s, const struct post *p, size_t *part);
/* Does s serve p (a listed post or a page, live at s->made)? */
int site_served(const struct site *s, const struct post *p);
/* The post s serves from the file name (as in the posts folder), or NULL. */
const struct post *site_served_named(const struct site *s, const char *name);
/* The posts related to p (up to config->related, NULL-terminated when fewer), or NULL. */
const struct post *const *site_related(const struct site *s, const struct post *p);
/* The layout for an error page: NAME.mustache for the status ("404"), else "error". */
const struct template *site_error_layout(const struct site *s, int status);

#endif

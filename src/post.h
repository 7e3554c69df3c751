/* post.h — one post of the content index: its file, route and front matter. */
#ifndef QUIRE_POST_H
#define QUIRE_POST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "frontmatter.h"
#include "mem.h"
#include "value.h"

struct buf;
struct config;

/* One version of one post file. Snapshots share it: the last post_unref() frees it. */
struct post {
	int refs;
	char *path;        /* posts folder + "/" + name */
	const char *name;  /* the file name, inside path */
	const char *route; /* canonical, in the site: "/on-node-go-concurrency" */
	size_t route_len;
	const char *title;
	const char *description;
	const char *layout; /* as named in the front matter, or NULL */
	double order;
	int has_order;
	int draft;            /* draft: true or published: false: neither served nor listed */
	int page;             /* type: page: served and in the sitemap, never listed */
	int math;             /* math: true: $...$ and $$...$$ in its Markdown are math */
	time_t date, lastmod; /* lastmod: the date when not given, else the file's time */
	int has_date;
	time_t publish, expiry; /* served from publish on, 410 from expiry on */
	int has_publish, has_expiry;
	const char *summary; /* as written in front matter, or NULL */
	const char *robots;  /* for X-Robots-Tag and the meta tag, or NULL */
	struct strlist tags, categories, aliases, authors;
	struct strlist menus; /* the menus it adds itself to, by name ("main") */
	struct value fields;  /* front matter and computed fields, for layouts */
	size_t body_offset;   /* where the Markdown starts in the file */
	uint64_t hash;        /* of the front matter bytes: names this version of the fields */
	uint64_t last_body;   /* cache key of this version's body, last rendered (atomic) */
	uint64_t last_page; /* cache key of the newest page rendered whole from the file (atomic) */
	dev_t dev;          /* the file as read, to notice a change without reading it */
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime;       /* a chmod changes it: readable again, or no longer */
	struct arena arena;          /* owns everything above but path, */
	struct arena_shared *shared; /* or this does, with others (read from the state store) */
};

/* Read and check the post named name in folder dir (dirfd open on it). NULL when the
 * file is not a usable post: then *level and why say how bad and why, as a log line
 * ("posts/a.md:3: ..."), and *st is the file as it was read (zero when it could not
 * be opened). */
struct post *post_load(int dirfd, const char *dir, const char *name, const struct config *c,
                       int *level, struct buf *why, struct stat *st);
/* An empty post for the file name in folder dir, with one reference. */
struct post *post_new(const char *dir, const char *name);
/* Is st (from stat) the file p was read from, unchanged? */
int post_same_file(const struct post *p, const struct stat *st);
void post_ref(struct post *p);
void post_unref(struct post *p);

/* Read the post's file again, whole, into file; *hash gets the hash of its
 * bytes. 0: its front matter is still this version's, and its Markdown starts at
 * p->body_offset. 1: the front matter changed since, and *fresh is the new
 * version, parsed whole (post_unref() it when done). -1: unreadable or broken
 * now, -2: gone; why then says what, for the caller to log if it cannot do
 * without (a file being written is unreadable for a moment). */
int post_read(const struct post *p, const struct config *c, struct buf *file, struct post **fresh,
              uint64_t *hash, struct buf *why);

/* Add the fields every page has (route, url, absolute_url) to a map of fields. */
void post_add_urls(struct value *fields, const char *route, size_t route_len,
                   const struct config *c, struct arena *a);

/* A title or file name made into a slug, appended to out: letters (of any script) and
 * digits, in lower case, '-' between words. */
void post_slug(const char *s, size_t len, struct buf *out);
/* The path of a term's page, in the site: "/" + taxonomy + "/" + the term made
 * URL-friendly ("/tags/rust", "/categories/release-notes"). */
void post_term_route(const char *taxonomy, const char *term, struct buf *out);
struct config_taxonomy;
/* The terms the fields of a post name in taxonomy t (under its name, then under its
 * singular: "categories", "category"), the list made in a. */
void post_terms(const struct value *fields, const struct config_taxonomy *t, struct strlist *out,
                struct arena *a);
/* post_terms() for every taxonomy of c at once (out: c->ntaxonomies of them). */
void post_terms_all(const struct value *fields, const struct config *c, struct strlist *out,
                    struct arena *a);
/* The terms the fields of a post name in taxonomy t as layouts see them: [{name, url}],
 * made in a. */
void post_term_links(const struct value *fields, const struct config *c,
                     const struct config_taxonomy *t, struct value *out, struct arena *a);
/* page.terms: p's terms by taxonomy, [{name, singular, title, terms: [{name, url}]}], for
 * each taxonomy p names terms of, made in a. */
void post_terms_value(const struct post *p, const struct config *c, struct value *out,
                      struct arena *a);
/* Is the post served at time now (published, not expired)? */
int post_live(const struct post *p, time_t now);

#endif

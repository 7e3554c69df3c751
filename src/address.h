/* address.h — every address a site answers, each found through the one route table
 * (dispatch.c) and written as it writes it: for quire routes, export and check. */
#ifndef QUIRE_ADDRESS_H
#define QUIRE_ADDRESS_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "mem.h"
#include "request.h"
#include "response.h"

struct files_entry;
struct post;
struct site;

enum address_state {
	ADDRESS_LIVE,      /* answered 200 */
	ADDRESS_REDIRECT,  /* an alias or a route a post had: 301 to the post */
	ADDRESS_DRAFT,     /* a post's route, not served (draft: true, published: false) */
	ADDRESS_SCHEDULED, /* a post's route, served from when on */
	ADDRESS_EXPIRED,   /* a post's route, 410 since when */
	ADDRESS_TAKEN      /* a post's route that another post holds */
};

struct address {
	const char *path; /* canonical, within the site: "/", "/tags/rust/page/2/", "/a-post" */
	size_t len;
	const char *kind; /* the route table's row: "index", "term", "post", "alias", "file"...;
	                     "page" for a post of type page, "feed" for a list's feeds */
	enum address_state state;
	const struct post *post;        /* a post's; a redirect's target; a bundle file's post */
	const struct files_entry *file; /* a file's */
	time_t when;                    /* scheduled: when it goes live; expired: since when */
};

struct address_list {
	struct address *v; /* by path */
	size_t n, cap;
	struct arena arena;
};

/* Every address of s: those it answers (lists and each of their pages and feeds, the
 * taxonomies, terms, archive, years and months, sitemap, robots.txt, search, posts,
 * pages, files, and old addresses that redirect), and with all, the routes of posts it
 * does not serve (drafts, scheduled, expired, taken). */
void address_list(const struct site *s, int all, struct address_list *out);
void address_list_free(struct address_list *l);
/* The address at path (canonical, as in the list), or NULL. */
const struct address *address_find(const struct address_list *l, const char *path, size_t len);
/* A GET of an address asked of dispatch(), as a FastCGI request for it is answered: for
 * quire export and check. Its buffers are kept from one to the next. */
struct address_fetch {
	struct request rq;
	struct response rs; /* a file's answer: rs.file_fd, to read */
	struct buf head, body;
};

/* Answer a GET of path (within the site: the mount is added) into f: the status, with the
 * body in f->body (none for a file: f->rs.file_fd holds it). */
int address_fetch(const struct site *s, const char *path, size_t len, struct address_fetch *f);
void address_fetch_free(struct address_fetch *f);

/* "live", "redirect", "draft", "scheduled", "expired", "taken". */
const char *address_state_name(enum address_state s);

#endif

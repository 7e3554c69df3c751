/* route.h — the route table: canonical path to post, built once per site snapshot. */
#ifndef QUIRE_ROUTE_H
#define QUIRE_ROUTE_H

#include <stddef.h>

struct post;

struct route_table {
	struct route_slot *slots;
	size_t cap; /* a power of two */
	size_t len;
};

/* Make room for n routes. */
void route_init(struct route_table *t, size_t n);
void route_free(struct route_table *t);
/* Add p under path (which must live as long as the table). When the path is
 * taken, returns the post holding it and adds nothing; otherwise NULL. */
const struct post *route_add(struct route_table *t, const char *path, size_t len,
                             const struct post *p);
const struct post *route_find(const struct route_table *t, const char *path, size_t len);
/* The i-th slot of t (i < t->cap): its path, length and post; 0 when it holds none. */
int route_at(const struct route_table *t, size_t i, const char **path, size_t *len,
             const struct post **post);

/* The addresses quire makes itself, for dispatch.c's table and route_reserved(). */
#define ROUTE_PAGE        "/page"    /* the index's pages: /page/N */
#define ROUTE_ARCHIVE     "/archive" /* every post by year and month */
#define ROUTE_STATIC      "/static"  /* the static files (served by the web server) */
#define ROUTE_SITEMAP     "/sitemap.xml"
#define ROUTE_ROBOTS      "/robots.txt"
#define ROUTE_ATOM        "/feed.xml" /* a list's feeds: after the index, or after a term */
#define ROUTE_RSS         "/rss.xml"
#define ROUTE_JSON        "/feed.json"
#define ROUTE_PREVIEW     "/_preview" /* a post not served yet, by token: /_preview/TOKEN */
#define ROUTE_SEARCH      "/search"   /* ?q=…&page=N */
#define ROUTE_SEARCH_JSON "/search.json"
#define ROUTE_OPENSEARCH  "/opensearch.xml"
#define ROUTE_DEV         "/_dev/events" /* with dev: true, the event a page reloads on */

struct config;
/* Is path (canonical) an address quire makes itself in a site of configuration c, or may
 * make as the site grows: a list's pages (/page/N), each taxonomy (/tags and all under it),
 * the archive, a feed (any path ending in /feed.xml, /rss.xml or /feed.json),
 * /sitemap.xml, /robots.txt, search (/search, /search.json, /opensearch.xml), the static
 * files (/static and all under it), /_dev (dev: true's reloads), the preview
 * addresses (/_preview and all under it), and with date archives /YYYY and /YYYY/MM? No
 * post may take one (c NULL: those of every site). The route table in dispatch.c serves
 * these. */
int route_reserved(const struct config *c, const char *path, size_t len);

#endif

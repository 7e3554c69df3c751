/* page.h — the page handlers, one file per kind: post, lists (index, terms), feeds, errors and
 * redirects; and what they share (page.c). */
#ifndef QUIRE_PAGE_H
#define QUIRE_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct files_entry;
struct post;
struct request;
struct response;
struct buf;
struct site;
struct site_period;
struct site_taxonomy;
struct site_term;

/* A list's feeds (under the index and under each term), by the end of their address. */
enum page_feed_kind {
	PAGE_FEED_NONE,
	PAGE_FEED_ATOM, /* feed.xml */
	PAGE_FEED_RSS,  /* rss.xml */
	PAGE_FEED_JSON, /* feed.json */
};

/* What the route table found for an address; each handler reads what its row fills. */
struct page_target {
	const struct post *post; /* a post, or the post an old address now belongs to */
	const struct site_taxonomy *taxonomy; /* a taxonomy's list of terms */
	const struct site_term *term;         /* the term of a term's list or feeds */
	const struct site_period *period;     /* a year's or a month's list */
	size_t page;                          /* the page of a list, from 1 */
	enum page_feed_kind feed;             /* a feed of the list, or PAGE_FEED_NONE */
	int status; /* not 0: the error to answer (a post not live, a page past the end) */
	/* A preview address's token, in the path. */
	const char *token;
	size_t token_len;
	/* A file of the static folder or of a page bundle. */
	const struct files_entry *file;
};

/* The handlers, one row each of dispatch.c's table. page_post.c: */
void page_post(const struct site *s, struct request *rq, struct response *rs,
               const struct page_target *t);
/* page_dev.c: with dev: true, /_dev/events?since=ID, answered when a newer snapshot is
 * published (or after a while), for the page's script to reload on. */
void page_dev(const struct site *s, struct request *rq, struct response *rs,
              const struct page_target *t);
/* page_preview.c: t->post, found by its preview address's token, rendered for this
 * request alone (never cached), not to be indexed or kept. */
void page_preview(const struct site *s, struct request *rq, struct response *rs,
                  const struct page_target *t);
/* page_search.c: /search (the search layout), /search.json and /opensearch.xml. */
void page_search(const struct site *s, struct request *rq, struct response *rs,
                 const struct page_target *t);
void page_search_json(const struct site *s, struct request *rq, struct response *rs,
                      const struct page_target *t);
void page_opensearch(const struct site *s, struct request *rq, struct response *rs,
                     const struct page_target *t);
/* page_index.c: page t->page of the index, of a term's posts, of a year's or a month's,
 * the list of a taxonomy's terms, and the archive. */
void page_index(const struct site *s, struct request *rq, struct response *rs,
                const struct page_target *t);
void page_period(const struct site *s, struct request *rq, struct response *rs,
                 const struct page_target *t);
void page_archive(const struct site *s, struct request *rq, struct response *rs,
                  const struct page_target *t);
void page_term(const struct site *s, struct request *rq, struct response *rs,
               const struct page_target *t);
void page_terms(const struct site *s, struct request *rq, struct response *rs,
                const struct page_target *t);
/* page_feed.c: the feeds of the index and of a term (Atom, RSS 2.0, JSON Feed 1.1),
 * /sitemap.xml and /robots.txt. */
void page_feed(const struct site *s, struct request *rq, struct response *rs,
               const struct page_target *t);
void page_sitemap(const struct site *s, struct request *rq, struct response *rs,
                  const struct page_target *t);
void page_robots(const struct site *s, struct request *rq, struct response *rs,
                 const struct page_target *t);
/* page_file.c: t->file as it is now, with its validators, HEAD and one Range. */
void page_file(const struct site *s, struct request *rq, struct response *rs,
               const struct page_target *t);
/* page_error.c: an old address of t->post (an alias, a route it had): 301 to its route. */
void page_moved(const struct site *s, struct request *rq, struct response *rs,
                const struct page_target *t);
/* The error page of a status, from the layouts. */
void page_error(const struct site *s, struct request *rq, struct response *rs, int status);
struct arena;
struct cache_entry;
struct template;
struct value;

/* The HTML body of post p as the snapshot knows it, held from the cache (release
 * it); NULL when its file cannot be read now (logged). */
struct cache_entry *page_post_body(const struct site *s, const struct post *p, struct request *rq);
/* The page of post p as its file is now, in layout (NULL: its place's in s), into
 * rs->body with status 200, the cache neither read nor filled: 0; or -1 with an error
 * page in rs (404 when the file is gone, 503 unreadable, 500). */
int page_post_uncached(const struct site *s, const struct post *p, const struct template *layout,
                       struct request *rq, struct response *rs);
/* p's summary for listings and feeds: its summary field (text), else its body
 * up to <!--more-->, else its first paragraph (both HTML, copied into a, its footnote
 * references left out: their notes are not on a list). */
void page_post_summary(const struct post *p, const struct cache_entry *body, struct value *v,
                       struct arena *a);

/* Answer with a rendered page and its validators: 304 when the request's
 * conditions say the client has it, else 200 with its bytes. Takes the caller's
 * reference to page. */
void page_send(const struct site *s, struct request *rq, struct response *rs,
               struct cache_entry *page);
/* The title of a term's list: "Posts tagged rust", "Posts in category Releases". */
void page_term_title(const struct site_term *t, struct buf *out);
/* The cache key of a page of snapshot s, named by name. */
uint64_t page_key(const struct site *s, const char *name);

/* 301 to path, a canonical path within the site ("/" or "/route"). */
void page_redirect(const struct site *s, struct request *rq, struct response *rs, const char *path,
                   size_t len);

#endif

/* dispatch.h — from a parsed request to the page that answers it: the checks made once, then
 * one table of every kind of address. */
#ifndef QUIRE_DISPATCH_H
#define QUIRE_DISPATCH_H

#include <stddef.h>

#include "page.h"

struct buf;
struct request;
struct request_env;
struct response;
struct site;

/* What a row of the table is. */
enum dispatch_flag {
	DISPATCH_SLASH = 1,     /* its canonical address ends with a slash (the lists) */
	DISPATCH_PAGES = 2,     /* it has pages: BASE/page/N/ */
	DISPATCH_FEEDS = 4,     /* it has feeds: BASE/feed.xml, BASE/rss.xml, BASE/feed.json */
	DISPATCH_TERM = 8,      /* one per term of a taxonomy: its address + "/" + term */
	DISPATCH_REDIRECT = 16, /* an old address: always answered with a 301 to the post */
	DISPATCH_TAXONOMY = 32, /* one per taxonomy: its address ("/tags") */
	DISPATCH_PERIOD = 64,   /* one per year and month with posts: "/2016", "/2016/05" */
	DISPATCH_TOKEN = 128    /* PREFIX + a token naming its post (preview.h) */
};

/* One kind of address: matched in order, answered by serve. */
struct dispatch_row {
	const char *name;   /* "index", "term", "post", ... */
	const char *prefix; /* the address ("" when the snapshot has it); NULL: a table of posts */
	unsigned flags;
	void (*serve)(const struct site *s, struct request *rq, struct response *rs,
	              const struct page_target *t);
};

/* The row answering path (canonical, no trailing slash; "/" for the index) in s, with
 * what it found in *t; NULL when no row does (404). */
const struct dispatch_row *dispatch_find(const struct site *s, const char *path, size_t len,
                                         struct page_target *t);
/* The one address of what row and t name, within the site: "/", "/tags/rust/page/2/",
 * "/feed.xml", "/route". */
void dispatch_canonical(const struct dispatch_row *row, const struct page_target *t,
                        struct buf *out);

/* Answer one request into rs: checks done once here, then one row's handler. */
void dispatch(const struct site *s, const struct request_env *env, struct request *rq,
              struct response *rs);

#endif

/* dispatch.c — from a parsed request to the page that answers it: the checks made once
 * (method, canonical path), then one table of every kind of address, in the manner of
 * cgit's cmd.c. A new kind of address is a new row. */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "files.h"
#include "page.h"
#include "post.h"
#include "preview.h"
#include "request.h"
#include "response.h"
#include "route.h"
#include "site.h"

enum {
	ROW_INDEX,
	ROW_TERMS,
	ROW_TERM,
	ROW_ARCHIVE,
	ROW_PERIOD,
	ROW_SITEMAP,
	ROW_ROBOTS,
	ROW_PREVIEW,
	ROW_SEARCH,
	ROW_SEARCH_JSON,
	ROW_OPENSEARCH,
	ROW_DEV,
	ROW_POST,
	ROW_ALIAS,
	ROW_MOVED,
	ROW_FILE,
	ROWS
};

/* Every kind of address. The generated ones (with a prefix) are matched first, in this
 * order; then the snapshot's tables of posts, their aliases and the routes they had. The
 * prefix of a taxonomy's rows is the taxonomy's address ("/tags"), of the period's a
 * year or a month ("/2016", "/2016/05"). */
static const struct dispatch_row dispatch_rows[ROWS] = {
    [ROW_INDEX] = {"index", "", DISPATCH_SLASH | DISPATCH_PAGES | DISPATCH_FEEDS, page_index},
    [ROW_TERMS] = {"terms", "", DISPATCH_SLASH | DISPATCH_TAXONOMY, page_terms},
    [ROW_TERM] = {"term", "", DISPATCH_SLASH | DISPATCH_PAGES | DISPATCH_FEEDS | DISPATCH_TERM,
                  page_term},
    [ROW_ARCHIVE] = {"archive", ROUTE_ARCHIVE, DISPATCH_SLASH, page_archive},
    [ROW_PERIOD] = {"period", "", DISPATCH_SLASH | DISPATCH_PAGES | DISPATCH_PERIOD, page_period},
    [ROW_SITEMAP] = {"sitemap", ROUTE_SITEMAP, 0, page_sitemap},
    [ROW_ROBOTS] = {"robots", ROUTE_ROBOTS, 0, page_robots},
    [ROW_PREVIEW] = {"preview", ROUTE_PREVIEW "/", DISPATCH_TOKEN, page_preview},
    [ROW_SEARCH] = {"search", ROUTE_SEARCH, 0, page_search},
    [ROW_SEARCH_JSON] = {"search.json", ROUTE_SEARCH_JSON, 0, page_search_json},
    [ROW_OPENSEARCH] = {"opensearch", ROUTE_OPENSEARCH, 0, page_opensearch},
    [ROW_DEV] = {"dev", ROUTE_DEV, 0, page_dev},
    [ROW_POST] = {"post", NULL, 0, page_post},
    [ROW_ALIAS] = {"alias", NULL, DISPATCH_REDIRECT, page_moved},
    [ROW_MOVED] = {"moved", NULL, DISPATCH_REDIRECT, page_moved},
    [ROW_FILE] = {"file", NULL, 0, page_file},
};

static const struct {
	const char *name;
	enum page_feed_kind kind;
} dispatch_feeds[] = {
    {ROUTE_ATOM, PAGE_FEED_ATOM},
    {ROUTE_RSS, PAGE_FEED_RSS},
    {ROUTE_JSON, PAGE_FEED_JSON},
};

/* "/page/N" with N >= 1 written without leading zeros: N; else 0. */
static size_t dispatch_page_number(const char *p, size_t len)
{
	const size_t at = sizeof(ROUTE_PAGE "/") - 1;
	size_t n = 0;

	if (len <= at || memcmp(p, ROUTE_PAGE "/", at) != 0 || p[at] == '0')
		return 0;
	for (size_t i = at; i < len; i++) {
		if (p[i] < '0' || p[i] > '9' || n > 100000)
			return 0;
		n = n * 10 + (size_t)(p[i] - '0');
	}
	return n;
}

/* What follows a list's address: nothing (its first page), "/page/N" or a feed, as
 * the row's flags allow. Returns 0 when rest is none of them. */
static int dispatch_list_rest(unsigned flags, const char *rest, size_t len, struct page_target *t)
{
	t->page = 1;
	if (len == 0)
		return 1;
	if (flags & DISPATCH_PAGES) {
		t->page = dispatch_page_number(rest, len);
		if (t->page > 0)
			return 1;
		t->page = 1;
	}
	if (flags & DISPATCH_FEEDS)
		for (size_t i = 0; i < sizeof(dispatch_feeds) / sizeof(dispatch_feeds[0]); i++)
			if (strlen(dispatch_feeds[i].name) == len &&
			    memcmp(rest, dispatch_feeds[i].name, len) == 0) {
				t->feed = dispatch_feeds[i].kind;
				return 1;
			}
	return 0;
}

/* A list page past its last one is not there. */
static void dispatch_list_check(const struct site *s, struct page_target *t)
{
	size_t per = (size_t)s->config->paginate;
	size_t n = t->term ? t->term->nposts : t->period ? t->period->nposts : s->nlisted;
	size_t pages = n ? (n + per - 1) / per : 1;

	if (t->feed == PAGE_FEED_NONE && t->page > pages)
		t->status = 404;
}

/* Rows whose prefix is one the snapshot has: a taxonomy, a term, a year or a month. */
#define DISPATCH_FOUND (DISPATCH_TAXONOMY | DISPATCH_TERM | DISPATCH_PERIOD)

static int dispatch_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* "/YYYY/MM" (8) or "/YYYY" (5) at the start of path, followed by nothing or '/'; else 0. */
static size_t dispatch_period_len(const char *p, size_t len)
{
	if (len < 5 || p[0] != '/' || !dispatch_digits(p + 1, 4) || (len > 5 && p[5] != '/'))
		return 0;
	if (len >= 8 && dispatch_digits(p + 6, 2) && (len == 8 || p[8] == '/'))
		return 8;
	return 5;
}

/* Where the part of path a row names ends (after its prefix: a taxonomy, a term, a year
 * or a month), filling t; 0 when the row does not match. */
static size_t dispatch_base(const struct site *s, const struct dispatch_row *row, const char *path,
                            size_t len, struct page_target *t)
{
	size_t n = strlen(row->prefix);

	if (row->flags & DISPATCH_PERIOD) {
		n = s->config->date_archives ? dispatch_period_len(path, len) : 0;
		t->period = n ? site_period(s, path, n) : NULL;
		return t->period ? n : 0;
	}
	if (!(row->flags & (DISPATCH_TAXONOMY | DISPATCH_TERM)))
		return len >= n && memcmp(path, row->prefix, n) == 0 ? n : 0;
	for (size_t i = 0; i < s->ntaxonomies; i++) {
		const struct site_taxonomy *x = &s->taxonomies[i];
		if (len < x->route_len || memcmp(path, x->route, x->route_len) != 0)
			continue;
		if (row->flags & DISPATCH_TAXONOMY) {
			t->taxonomy = x;
			return x->route_len;
		}
		if (len <= x->route_len + 1 || path[x->route_len] != '/')
			return 0;
		const char *slash = memchr(path + x->route_len + 1, '/', len - x->route_len - 1);
		size_t base = slash ? (size_t)(slash - path) : len;
		t->term = site_term(x, path, base);
		return t->term ? base : 0;
	}
	return 0;
}

/* The row of a generated address: a list, its pages and feeds, a file. */
static const struct dispatch_row *dispatch_generated(const struct site *s, const char *path,
                                                     size_t len, struct page_target *t)
{
	for (size_t i = 0; i < ROWS; i++) {
		const struct dispatch_row *row = &dispatch_rows[i];
		size_t base;

		if (row->prefix == NULL)
			continue;
		base = dispatch_base(s, row, path, len, t);
		/* The index's prefix is empty: it matches only "" and its pages and feeds. */
		if (base == 0 && (row->prefix[0] != '\0' || row->flags & DISPATCH_FOUND)) {
			t->taxonomy = NULL;
			t->term = NULL;
			t->period = NULL;
			continue;
		}
		/* Any failure of a token is the 404 of an unknown address. */
		if (row->flags & DISPATCH_TOKEN) {
			if ((t->post = preview_find(s, path + base, len - base)) == NULL)
				return NULL;
			t->token = path + base;
			t->token_len = len - base;
			return row;
		}
		if (!(row->flags & (DISPATCH_PAGES | DISPATCH_FEEDS))) {
			if (base != len) {
				t->taxonomy = NULL;
				continue;
			}
		} else if (!dispatch_list_rest(row->flags, path + base, len - base, t)) {
			t->term = NULL;
			t->period = NULL;
			continue;
		}
		if (row->flags & DISPATCH_PAGES)
			dispatch_list_check(s, t);
		return row;
	}
	return NULL;
}

const struct dispatch_row *dispatch_find(const struct site *s, const char *path, size_t len,
                                         struct page_target *t)
{
	const struct dispatch_row *row;
	time_t now = clock_now();

	memset(t, 0, sizeof(*t));
	/* The index is "/"; every other address is matched without the slash. */
	row = dispatch_generated(s, path, len == 1 ? 0 : len, t);
	if (row != NULL)
		return row;
	if ((t->post = route_find(&s->routes, path, len)) != NULL) {
		/* Scheduled: not yet there (404), or gone (410), decided now. */
		if (!post_live(t->post, now))
			t->status = t->post->has_expiry && t->post->expiry <= now ? 410 : 404;
		return &dispatch_rows[ROW_POST];
	}
	/* An old address of a post: aliases and redirect_from, or a route it had. */
	row = &dispatch_rows[ROW_ALIAS];
	if ((t->post = route_find(&s->aliases, path, len)) == NULL) {
		t->post = route_find(&s->moved, path, len);
		row = &dispatch_rows[ROW_MOVED];
	}
	if (t->post != NULL && post_live(t->post, now))
		return row;
	/* A file the scan found: a bundle's only while its post is served. */
	t->post = NULL;
	if ((t->file = files_find(&s->files, path, len)) == NULL)
		return NULL;
	if (t->file->post != NULL && !post_live(t->file->post, now))
		t->status = 404;
	return &dispatch_rows[ROW_FILE];
}

void dispatch_canonical(const struct dispatch_row *row, const struct page_target *t,
                        struct buf *out)
{
	buf_reset(out);
	if (row->flags & DISPATCH_TOKEN) {
		buf_adds(out, row->prefix);
		buf_add(out, t->token, t->token_len);
		return;
	}
	if (t->file != NULL) {
		buf_add(out, t->file->route, t->file->route_len);
		return;
	}
	if (row->prefix == NULL) {
		buf_add(out, t->post->route, t->post->route_len);
		return;
	}
	if (t->term != NULL)
		buf_add(out, t->term->route, t->term->route_len);
	else if (t->taxonomy != NULL)
		buf_add(out, t->taxonomy->route, t->taxonomy->route_len);
	else if (t->period != NULL)
		buf_add(out, t->period->route, t->period->route_len);
	else
		buf_adds(out, row->prefix);
	for (size_t i = 0; i < sizeof(dispatch_feeds) / sizeof(dispatch_feeds[0]); i++)
		if (t->feed == dispatch_feeds[i].kind) {
			buf_adds(out, dispatch_feeds[i].name);
			return;
		}
	if (t->page > 1)
		buf_printf(out, ROUTE_PAGE "/%zu", t->page);
	if (row->flags & DISPATCH_SLASH)
		buf_addc(out, '/');
}

/* Is the request's address, as written, the canonical one? */
static int dispatch_is_canonical(const struct request *rq, const struct buf *canon)
{
	size_t len = rq->path.len + (rq->trailing_slash && !rq->index);

	if (rq->redirect || len != canon->len)
		return 0;
	if (rq->index)
		return canon->len == 1;
	return memcmp(canon->data, rq->path.data, rq->path.len) == 0 &&
	       (!rq->trailing_slash || canon->data[canon->len - 1] == '/');
}

void dispatch(const struct site *s, const struct request_env *env, struct request *rq,
              struct response *rs)
{
	const struct dispatch_row *row;
	struct page_target t;

	response_reset(rs);
	request_parse(rq, env, s->config->mount);
	rs->head = rq->method == METHOD_HEAD;
	if (rq->status == 400) {
		page_error(s, rq, rs, 400);
		return;
	}
	if (rq->method == METHOD_OTHER) {
		response_header(rs, "Allow", "GET, HEAD", 9);
		page_error(s, rq, rs, 405);
		return;
	}
	if (rq->status != 0) {
		page_error(s, rq, rs, rq->status);
		return;
	}
	row = dispatch_find(s, rq->path.data, rq->path.len, &t);
	if (row == NULL || t.status != 0) {
		page_error(s, rq, rs, row ? t.status : 404);
		return;
	}
	if (!(row->flags & DISPATCH_REDIRECT)) {
		dispatch_canonical(row, &t, &rq->canonical);
		if (!dispatch_is_canonical(rq, &rq->canonical)) {
			page_redirect(s, rq, rs, rq->canonical.data, rq->canonical.len);
			return;
		}
	}
	if (t.feed != PAGE_FEED_NONE)
		page_feed(s, rq, rs, &t);
	else
		row->serve(s, rq, rs, &t);
}

/* dispatch.c — from a parsed request to the page that answers it. */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "page.h"
#include "post.h"
#include "request.h"
#include "response.h"
#include "route.h"
#include "site.h"

/* Does path start with prefix? Then *rest is what follows. */
static int dispatch_prefix(const char *path, size_t len, const char *prefix, const char **rest,
                           size_t *rest_len)
{
	size_t n = strlen(prefix);

	if (len < n || memcmp(path, prefix, n) != 0)
		return 0;
	*rest = path + n;
	*rest_len = len - n;
	return 1;
}

/* "page/N" at the end of a list's path: N >= 1, or 0 when it is not that. */
static size_t dispatch_page_number(const char *p, size_t len)
{
	size_t n = 0;

	if (len < 6 || memcmp(p, "page/", 5) != 0 || p[5] == '0')
		return 0;
	for (size_t i = 5; i < len; i++) {
		if (p[i] < '0' || p[i] > '9' || n > 100000)
			return 0;
		n = n * 10 + (size_t)(p[i] - '0');
	}
	return n;
}

/* A list page is answered at its path with a slash at the end: "/page/2/". */
static int dispatch_list_canonical(const struct site *s, struct request *rq, struct response *rs)
{
	if (rq->trailing_slash && !rq->redirect)
		return 1;
	buf_addc(&rq->path, '/');
	page_redirect(s, rq, rs, rq->path.data, rq->path.len);
	return 0;
}

/* The lists: /page/N/, /tags/, /tags/NAME/ and /tags/NAME/page/N/. Returns 1
 * when the path is one of them (answered), else 0. */
static int dispatch_lists(const struct site *s, struct request *rq, struct response *rs)
{
	const char *path = rq->path.data, *rest;
	size_t len = rq->path.len, rest_len, n;

	if (dispatch_prefix(path, len, "/page/", &rest, &rest_len)) {
		n = dispatch_page_number(path + 1, len - 1);
		if (n == 0)
			return 0;
		if (n == 1)
			page_redirect(s, rq, rs, "/", 1);
		else if (dispatch_list_canonical(s, rq, rs))
			page_index(s, rq, rs, n);
		return 1;
	}
	if (len == 5 && memcmp(path, "/tags", 5) == 0) {
		if (dispatch_list_canonical(s, rq, rs))
			page_tags(s, rq, rs);
		return 1;
	}
	if (!dispatch_prefix(path, len, "/tags/", &rest, &rest_len))
		return 0;
	/* "/tags/NAME" or "/tags/NAME/page/N" */
	const char *slash = memchr(rest, '/', rest_len);
	size_t tag_len = slash ? (size_t)(slash - path) : len;
	const struct site_tag *tag = site_tag(s, path, tag_len);
	if (tag == NULL)
		return 0;
	n = slash ? dispatch_page_number(slash + 1, len - tag_len - 1) : 1;
	if (n == 0)
		return 0;
	if (slash && n == 1) {
		page_redirect(s, rq, rs, tag->route, tag->route_len);
		return 1;
	}
	if (dispatch_list_canonical(s, rq, rs))
		page_tag(s, tag, rq, rs, n);
	return 1;
}

void dispatch(const struct site *s, const struct request_env *env, struct request *rq,
              struct response *rs)
{
	const struct post *p;
	time_t now = time(NULL);

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
	if (rq->index) {
		if (rq->redirect)
			page_redirect(s, rq, rs, "/", 1);
		else
			page_index(s, rq, rs, 1);
		return;
	}
	if (dispatch_lists(s, rq, rs) || page_file(s, rq, rs))
		return;
	p = route_find(&s->routes, rq->path.data, rq->path.len);
	if (p != NULL) {
		/* Scheduled: not yet there (404), or gone (410), decided now. */
		if (!post_live(p, now)) {
			page_error(s, rq, rs, p->has_expiry && p->expiry <= now ? 410 : 404);
			return;
		}
		if (rq->redirect || rq->trailing_slash)
			page_redirect(s, rq, rs, p->route, p->route_len);
		else
			page_post(s, p, rq, rs);
		return;
	}
	/* An old address of a post: aliases and redirect_from, or a route it had. */
	p = route_find(&s->aliases, rq->path.data, rq->path.len);
	if (p == NULL)
		p = route_find(&s->moved, rq->path.data, rq->path.len);
	if (p != NULL && post_live(p, now)) {
		page_redirect(s, rq, rs, p->route, p->route_len);
		return;
	}
	page_error(s, rq, rs, 404);
}

/* page_dev.c — with dev: true (make run), the event a page in the browser reloads on:
 * /_dev/events?since=ID answers once a snapshot other than ID is published (an edit of a
 * post, a layout or the theme's stylesheet), or after a while with nothing. The page's
 * script asks again (Server-Sent Events reconnect by themselves). Each waiting request
 * holds a worker thread: PAGE_DEV_MAX at once and never more than half the workers, more
 * are 503. */
#include "page.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "query.h"
#include "request.h"
#include "response.h"
#include "site.h"

#define PAGE_DEV_MAX     4     /* requests waiting at once */
#define PAGE_DEV_WAIT_MS 25000 /* within nginx's fastcgi_read_timeout (60 s) */

static int page_dev_waiting;

void page_dev(const struct site *s, struct request *rq, struct response *rs,
              const struct page_target *t)
{
	struct buf since = {0};
	char *end = NULL;

	(void)t;
	if (!s->config->dev) {
		page_error(s, rq, rs, 404);
		return;
	}
	if (query_param(rq->query ? rq->query : "", rq->query_len, "since", &since) <= 0 ||
	    since.len == 0 || since.len > 20) {
		buf_free(&since);
		page_error(s, rq, rs, 400);
		return;
	}
	unsigned long long id = strtoull(buf_cstr(&since), &end, 10);
	int bad = end == NULL || *end != '\0';
	buf_free(&since);
	if (bad) {
		page_error(s, rq, rs, 400);
		return;
	}
	long most = s->config->workers / 2 < PAGE_DEV_MAX ? s->config->workers / 2 : PAGE_DEV_MAX;
	if (__atomic_add_fetch(&page_dev_waiting, 1, __ATOMIC_RELAXED) > most) {
		__atomic_sub_fetch(&page_dev_waiting, 1, __ATOMIC_RELAXED);
		page_error(s, rq, rs, 503);
		return;
	}
	int changed = site_wait_change((uint64_t)id, PAGE_DEV_WAIT_MS);
	__atomic_sub_fetch(&page_dev_waiting, 1, __ATOMIC_RELAXED);
	rs->status = 200;
	rs->content_type = "text/event-stream; charset=utf-8";
	response_header(rs, "Cache-Control", "no-store", 8);
	buf_reset(&rs->body);
	buf_adds(&rs->body,
	         changed ? "retry: 250\ndata: reload\n\n" : "retry: 250\ndata: wait\n\n");
}

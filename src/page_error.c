/* page_error.c — error pages from the layouts, and redirects: to the canonical address, and
 * from an old address of a post to its route. */
#include "page.h"

#include <string.h>

#include "config.h"
#include "html.h"
#include "layout.h"
#include "log.h"
#include "post.h"
#include "request.h"
#include "response.h"
#include "site.h"

static const char *page_error_message(int status)
{
	switch (status) {
	case 400:
		return "The request could not be understood.";
	case 404:
		return "There is nothing at this address.";
	case 405:
		return "This address answers GET and HEAD only.";
	case 410:
		return "What was here has been taken down, for good.";
	case 412:
		return "The page has changed since the copy your request was made for.";
	case 500:
		return "Something went wrong on our side. The problem has been logged.";
	case 503:
		return "This page is being changed right now. Please try again in a moment.";
	default:
		return "";
	}
}

static void page_error_member(struct member *m, const char *key, const char *s)
{
	memset(m, 0, sizeof(*m));
	m->key = key;
	m->keylen = strlen(key);
	m->value.type = VALUE_STRING;
	m->value.u.string.p = s;
	m->value.u.string.len = strlen(s);
}

void page_error(const struct site *s, struct request *rq, struct response *rs, int status)
{
	struct member *m = arena_alloc(&rq->arena, 3 * sizeof(*m));
	struct value page;
	const struct template *t = site_error_layout(s, status);
	const char *reason = response_reason(status);

	rs->status = status;
	buf_reset(&rs->body);
	page_error_member(&m[0], "title", reason);
	page_error_member(&m[1], "message", page_error_message(status));
	memset(&m[2], 0, sizeof(m[2]));
	m[2].key = "status";
	m[2].keylen = 6;
	m[2].value.type = VALUE_NUMBER;
	m[2].value.u.number = status;
	memset(&page, 0, sizeof(page));
	page.type = VALUE_MAP;
	page.u.map.items = m;
	page.u.map.len = 3;
	if (layout_render(&s->context, t, &page, NULL, &rs->body) < 0) {
		log_msg(LOG_ERROR, "the error layout could not be rendered (nested too deep)");
		buf_reset(&rs->body);
		buf_printf(&rs->body,
		           "<!DOCTYPE html>\n<html lang=\"en\"><meta charset=\"utf-8\"><title>%d "
		           "%s</title><h1>%s</h1></html>\n",
		           status, reason, reason);
	}
}

void page_redirect(const struct site *s, struct request *rq, struct response *rs, const char *path,
                   size_t len)
{
	struct buf *loc = &rs->value;
	const char *mount = s->config->mount;

	buf_reset(loc);
	html_url_path(loc, mount, strlen(mount) - 1);
	html_url_path(loc, path, len);
	rs->status = 301;
	buf_reset(&rs->body);
	if (response_header(rs, "Location", loc->data, loc->len) < 0) {
		page_error(s, rq, rs, 500);
		return;
	}
	buf_adds(&rs->body,
	         "<!DOCTYPE html>\n<html lang=\"en\"><meta charset=\"utf-8\"><title>Moved "
	         "Permanently</title><p>Moved to <a href=\"");
	html_escape(&rs->body, loc->data, loc->len);
	buf_adds(&rs->body, "\">");
	html_escape(&rs->body, loc->data, loc->len);
	buf_adds(&rs->body, "</a>.</p></html>\n");
}

void page_moved(const struct site *s, struct request *rq, struct response *rs,
                const struct page_target *t)
{
	page_redirect(s, rq, rs, t->post->route, t->post->route_len);
}

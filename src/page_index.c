/* page_index.c — the index: every listed post with its title, description and link. */
#include "page.h"

#include <string.h>

#include "cache.h"
#include "config.h"
#include "layout.h"
#include "log.h"
#include "post.h"
#include "request.h"
#include "response.h"
#include "site.h"

static struct cache_entry *page_index_render(const struct site *s, struct request *rq,
                                             struct response *rs)
{
	const struct config *c = s->config;
	struct member *m = arena_alloc(&rq->arena, 2 * sizeof(*m));
	struct value page;

	memset(m, 0, 2 * sizeof(*m));
	m[0].key = "title";
	m[0].keylen = 5;
	m[0].value.type = VALUE_STRING;
	m[0].value.u.string.p = c->site_title;
	m[0].value.u.string.len = strlen(c->site_title);
	m[1].key = "description";
	m[1].keylen = 11;
	m[1].value.type = VALUE_STRING;
	m[1].value.u.string.p = c->site_description;
	m[1].value.u.string.len = strlen(c->site_description);
	memset(&page, 0, sizeof(page));
	page.type = VALUE_MAP;
	page.u.map.items = m;
	page.u.map.len = 2;
	post_add_urls(&page, "/", 1, c, &rq->arena);
	buf_reset(&rs->body);
	if (layout_render(s, s->index_layout, &page, &rs->body) < 0) {
		log_msg(LOG_ERROR, "%s: index.mustache could not be rendered (nested too deep)",
		        c->layouts_dir);
		page_error(s, rq, rs, 500);
		return NULL;
	}
	return cache_put(page_key(s, "/"), rs->body.data, rs->body.len, s->modified);
}

void page_index(const struct site *s, struct request *rq, struct response *rs)
{
	struct cache_entry *page = cache_get(page_key(s, "/"));

	if (page == NULL)
		page = page_index_render(s, rq, rs);
	if (page == NULL)
		return;
	page_send(s, rq, rs, page->data, page->len, page->etag, page->modified);
	cache_release(page);
}

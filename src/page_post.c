/* page_post.c — a post: its Markdown rendered into its layout. */
#include "page.h"

#include <string.h>

#include "config.h"
#include "layout.h"
#include "log.h"
#include "markdown.h"
#include "post.h"
#include "request.h"
#include "response.h"
#include "site.h"

void page_post(const struct site *s, const struct post *p, struct request *rq, struct response *rs)
{
	const struct config *c = s->config;
	struct value page = p->fields;
	struct member *m;
	size_t off, n = p->fields.u.map.len;

	if (post_read(p, c, &rq->file, &off) < 0) {
		page_error(s, rq, rs, 500);
		return;
	}
	buf_reset(&rq->html);
	if (markdown_render(rq->file.data + off, rq->file.len - off, c->raw_html_escape,
	                    &rq->html) < 0) {
		log_msg(LOG_ERROR, "%s: the Markdown could not be rendered", p->path);
		page_error(s, rq, rs, 500);
		return;
	}
	/* The page is the post's fields and its body, the one value marked as HTML. */
	m = arena_alloc(&rq->arena, (n + 1) * sizeof(*m));
	memcpy(m, p->fields.u.map.items, n * sizeof(*m));
	memset(&m[n], 0, sizeof(m[n]));
	m[n].key = "body";
	m[n].keylen = 4;
	m[n].value.type = VALUE_STRING;
	m[n].value.html = 1;
	m[n].value.u.string.p = rq->html.data ? rq->html.data : "";
	m[n].value.u.string.len = rq->html.len;
	page.u.map.items = m;
	page.u.map.len = n + 1;
	if (layout_render(s, site_post_layout(s, p), &page, &rs->body) < 0) {
		log_msg(LOG_ERROR, "%s: the layout could not be rendered (nested too deep)",
		        p->path);
		page_error(s, rq, rs, 500);
	}
}

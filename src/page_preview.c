/* page_preview.c — a post shown at its preview address: a draft or a post scheduled for
 * later, in the layout it will have, for whoever has the address. */
#include "page.h"

#include <string.h>

#include "config.h"
#include "post.h"
#include "response.h"
#include "site.h"
#include "template.h"

/* The layout p is served in: its place's in s, or, for a post s does not serve (a
 * draft), chosen as site_load() chooses it. */
static const struct template *page_preview_layout(const struct site *s, const struct post *p)
{
	const struct template_set *set = s->layouts->set;
	const struct template *t = site_post_place(s, p).layout;

	if (t == NULL && p->layout != NULL) {
		t = template_set_find(set, p->layout, strlen(p->layout));
		if (t == NULL)
			t = template_set_find_nocase(set, p->layout, strlen(p->layout));
	}
	if (t == NULL && p->page)
		t = template_set_find(set, "page", 4);
	if (t == NULL)
		t = template_set_find(set, s->config->default_layout,
		                      strlen(s->config->default_layout));
	return t;
}

/* No ETag, no Last-Modified, so no 304: the page is made again for each request. */
void page_preview(const struct site *s, struct request *rq, struct response *rs,
                  const struct page_target *t)
{
	if (page_post_uncached(s, t->post, page_preview_layout(s, t->post), rq, rs) < 0)
		return;
	response_header(rs, "X-Robots-Tag", "noindex", 7);
	response_header(rs, "Cache-Control", "private, no-store", 17);
}

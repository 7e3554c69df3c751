/* page_index.c — the lists: the index, a term's posts and a year's or a month's (each
 * paginated), a taxonomy's terms, and the archive. */
#include "page.h"

#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "config.h"
#include "layout.h"
#include "log.h"
#include "post.h"
#include "request.h"
#include "response.h"
#include "site.h"
#include "template.h"

/* The route of page number n of a list at base ("/" or "/tags/rust/"). */
static void page_list_route(const char *base, size_t n, struct buf *out)
{
	buf_reset(out);
	buf_adds(out, base);
	if (n > 1)
		buf_printf(out, "page/%zu/", n);
}

/* The posts of one page of a list, each with its summary, as layouts see them. */
static struct value page_list_posts(const struct site *s, const struct post *const *posts, size_t n,
                                    struct request *rq)
{
	struct value list = {.type = VALUE_LIST};
	struct value *items = arena_alloc(&rq->arena, (n ? n : 1) * sizeof(*items));

	for (size_t i = 0; i < n; i++) {
		struct cache_entry *body = page_post_body(s, posts[i], rq);
		struct value summary;
		/* A copy that lives as long as the request (the body may leave the cache). */
		page_post_summary(posts[i], body, &summary, &rq->arena);
		items[i] = posts[i]->fields;
		value_set(&items[i], "summary", &summary, &rq->arena);
		cache_release(body);
	}
	list.u.list.items = items;
	list.u.list.len = n;
	return list;
}

/* Render page number n of the posts at base, titled title, with layout t. */
static struct cache_entry *page_list_render(const struct site *s, const struct post *const *posts,
                                            size_t count, const char *base, size_t n,
                                            const char *title, const struct site_term *tag,
                                            struct request *rq, struct response *rs)
{
	const struct config *c = s->config;
	size_t per = (size_t)c->paginate, pages = count ? (count + per - 1) / per : 1;
	size_t first = (n - 1) * per, shown = count - first < per ? count - first : per;
	struct value page = {.type = VALUE_MAP}, pagination = {.type = VALUE_MAP}, num;
	struct buf route = {0};
	struct arena *a = &rq->arena;

	value_set_string(&page, "title", title, strlen(title), a);
	value_set_string(&page, "description", c->site_description, strlen(c->site_description), a);
	page_list_route(base, n, &route);
	post_add_urls(&page, route.data, route.len, c, a);
	value_set(&page, "canonical", value_get(&page, "absolute_url", 12), a);
	/* page.term: the term's name, url and taxonomy; page.tag too, the name themes
	 * written for tags alone know. */
	if (tag != NULL) {
		struct value t = {.type = VALUE_MAP};
		value_set_string(&t, "name", tag->name, strlen(tag->name), a);
		value_set_string(&t, "taxonomy", tag->taxonomy->config->name,
		                 strlen(tag->taxonomy->config->name), a);
		page_list_route(base, 1, &route);
		post_add_urls(&t, route.data, route.len, c, a);
		value_set(&page, "term", &t, a);
		value_set(&page, "tag", &t, a);
	}
	memset(&num, 0, sizeof(num));
	num.type = VALUE_NUMBER;
	num.u.number = (double)n;
	value_set(&pagination, "number", &num, a);
	num.u.number = (double)pages;
	value_set(&pagination, "pages", &num, a);
	/* prev and next: {url} maps, absent at the ends. */
	for (int k = 0; k < 2; k++) {
		size_t to = k == 0 ? n - 1 : n + 1;
		if (to < 1 || to > pages)
			continue;
		struct value link = {.type = VALUE_MAP};
		page_list_route(base, to, &route);
		post_add_urls(&link, route.data, route.len, c, a);
		value_set(&pagination, k == 0 ? "prev" : "next", &link, a);
	}
	value_set(&page, "pagination", &pagination, a);
	struct value list = page_list_posts(s, posts + first, shown, rq);
	buf_free(&route);
	buf_reset(&rs->body);
	if (layout_render(&s->context, s->index_layout, &page, &list, &rs->body) < 0) {
		log_msg(LOG_ERROR, "%s: index.mustache could not be rendered (nested too deep)",
		        c->layouts_dir);
		page_error(s, rq, rs, 500);
		return NULL;
	}
	return cache_put(page_key(s, buf_cstr(&rq->canonical)), rs->body.data, rs->body.len,
	                 s->modified);
}

void page_index(const struct site *s, struct request *rq, struct response *rs,
                const struct page_target *t)
{
	size_t n = t->page;
	struct cache_entry *page = cache_get(page_key(s, buf_cstr(&rq->canonical)));
	if (page == NULL)
		page = page_list_render(s, s->listed, s->nlisted, "/", n, s->config->site_title,
		                        NULL, rq, rs);
	if (page == NULL)
		return;
	page_send(s, rq, rs, page);
}

void page_term(const struct site *s, struct request *rq, struct response *rs,
               const struct page_target *t)
{
	const struct site_term *tag = t->term;
	struct cache_entry *page;
	struct buf base = {0}, title = {0};

	page = cache_get(page_key(s, buf_cstr(&rq->canonical)));
	if (page == NULL) {
		page_term_title(tag, &title);
		buf_add(&base, tag->route, tag->route_len);
		buf_addc(&base, '/');
		page = page_list_render(s, tag->posts, tag->nposts, buf_cstr(&base), t->page,
		                        buf_cstr(&title), tag, rq, rs);
		buf_free(&base);
		buf_free(&title);
	}
	if (page == NULL)
		return;
	page_send(s, rq, rs, page);
}

void page_period(const struct site *s, struct request *rq, struct response *rs,
                 const struct page_target *t)
{
	static const char *const months[] = {"January",   "February", "March",    "April",
	                                     "May",       "June",     "July",     "August",
	                                     "September", "October",  "November", "December"};
	const struct site_period *p = t->period;
	struct cache_entry *page = cache_get(page_key(s, buf_cstr(&rq->canonical)));
	char title[64], base[24];

	if (page == NULL) {
		if (p->month)
			snprintf(title, sizeof(title), "Posts of %s %d", months[p->month - 1],
			         p->year);
		else
			snprintf(title, sizeof(title), "Posts of %d", p->year);
		snprintf(base, sizeof(base), "%s/", p->route);
		page = page_list_render(s, p->posts, p->nposts, base, t->page, title, NULL, rq, rs);
	}
	if (page == NULL)
		return;
	page_send(s, rq, rs, page);
}

/* Answered already: no layout t (404), or the page in the cache. */
static int page_list_answered(const struct site *s, struct request *rq, struct response *rs,
                              const struct template *t, struct cache_entry *page)
{
	if (t == NULL) {
		cache_release(page);
		page_error(s, rq, rs, 404);
		return 1;
	}
	if (page != NULL) {
		page_send(s, rq, rs, page);
		return 1;
	}
	return 0;
}

/* A page of the site rendered with layout (not the index's), cached under its address. */
static void page_list_other(const struct site *s, struct request *rq, struct response *rs,
                            const struct template *layout, struct value *pg)
{
	struct cache_entry *page;

	buf_reset(&rs->body);
	if (layout_render(&s->context, layout, pg, NULL, &rs->body) < 0) {
		page_error(s, rq, rs, 500);
		return;
	}
	page = cache_put(page_key(s, buf_cstr(&rq->canonical)), rs->body.data, rs->body.len,
	                 s->modified);
	page_send(s, rq, rs, page);
}

/* The common fields of a generated page: title, description, its urls and canonical. */
static void page_list_fields(const struct site *s, struct request *rq, struct value *pg,
                             const char *title, size_t len)
{
	struct arena *a = &rq->arena;

	value_set_string(pg, "title", title, len, a);
	value_set_string(pg, "description", s->config->site_description,
	                 strlen(s->config->site_description), a);
	post_add_urls(pg, rq->canonical.data, rq->canonical.len, s->config, a);
	value_set(pg, "canonical", value_get(pg, "absolute_url", 12), a);
}

/* A taxonomy's terms, each with its posts' count, by the layout named as the taxonomy
 * (categories.mustache), else terms.mustache, else tags.mustache. page.terms holds them,
 * and page.NAME too. */
void page_terms(const struct site *s, struct request *rq, struct response *rs,
                const struct page_target *target)
{
	const struct site_taxonomy *x = target->taxonomy;
	const char *name = x->config->name;
	const struct template *t = template_set_find(s->layouts->set, name, strlen(name));
	struct cache_entry *page = cache_get(page_key(s, buf_cstr(&rq->canonical)));
	struct arena *a = &rq->arena;

	/* Themes made before there were other taxonomies have tags.mustache alone. */
	if (t == NULL)
		t = template_set_find(s->layouts->set, "terms", 5);
	if (t == NULL)
		t = template_set_find(s->layouts->set, "tags", 4);
	if (page_list_answered(s, rq, rs, t, page))
		return;
	struct value pg = {.type = VALUE_MAP}, list = {.type = VALUE_LIST},
	             tx = {.type = VALUE_MAP};
	struct value *items = arena_alloc(a, (x->nterms ? x->nterms : 1) * sizeof(*items));
	struct buf route = {0};
	for (size_t i = 0; i < x->nterms; i++) {
		struct value count = {.type = VALUE_NUMBER};
		memset(&items[i], 0, sizeof(items[i]));
		items[i].type = VALUE_MAP;
		value_set_string(&items[i], "name", x->terms[i].name, strlen(x->terms[i].name), a);
		buf_reset(&route);
		buf_add(&route, x->terms[i].route, x->terms[i].route_len);
		buf_addc(&route, '/');
		post_add_urls(&items[i], route.data, route.len, s->config, a);
		count.u.number = (double)x->terms[i].nposts;
		value_set(&items[i], "count", &count, a);
	}
	list.u.list.items = items;
	list.u.list.len = x->nterms;
	page_list_fields(s, rq, &pg, x->config->title, strlen(x->config->title));
	value_set_string(&tx, "name", name, strlen(name), a);
	value_set_string(&tx, "singular", x->config->singular, strlen(x->config->singular), a);
	value_set(&pg, "taxonomy", &tx, a);
	value_set(&pg, "terms", &list, a);
	value_set(&pg, name, &list, a);
	buf_free(&route);
	page_list_other(s, rq, rs, t, &pg);
}

/* Every listed post by year and month, through archive.mustache, which has it as archive
 * (as every layout does) and page.archive. */
void page_archive(const struct site *s, struct request *rq, struct response *rs,
                  const struct page_target *target)
{
	const struct template *t = template_set_find(s->layouts->set, "archive", 7);
	struct cache_entry *page = cache_get(page_key(s, buf_cstr(&rq->canonical)));
	struct value pg = {.type = VALUE_MAP};

	(void)target;
	if (page_list_answered(s, rq, rs, t, page))
		return;
	page_list_fields(s, rq, &pg, "Archive", 7);
	value_set(&pg, "archive", &s->context.archive, &rq->arena);
	page_list_other(s, rq, rs, t, &pg);
}

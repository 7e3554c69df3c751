/* page_search.c — /search?q=…&page=N through the search layout, /search.json for scripts,
 * and the OpenSearch description that lets browsers offer the site's search. */
#include "page.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "html.h"
#include "json.h"
#include "layout.h"
#include "log.h"
#include "post.h"
#include "query.h"
#include "request.h"
#include "response.h"
#include "search.h"
#include "site.h"
#include "template.h"

/* What a search request asks: its words and its page. */
struct page_search {
	struct buf q; /* decoded */
	struct query query;
	size_t page; /* from 1 */
	int status;  /* 0, or 400 (a malformed or refused query), 404 (no such page) */
	struct search_result result;
	size_t pages;
	unsigned long generation; /* the index's, read before the search: see page_search_key */
};

/* The query string's q and page, checked: all a search's answer is kept under. */
static void page_search_parse(struct request *rq, struct page_search *ps)
{
	struct buf page = {0};
	const char *qs = rq->query ? rq->query : "";

	memset(ps, 0, sizeof(*ps));
	ps->page = 1;
	ps->generation = search_generation();
	if (query_param(qs, rq->query_len, "q", &ps->q) < 0 ||
	    query_parse(ps->q.data ? ps->q.data : "", ps->q.len, &ps->query) < 0) {
		ps->status = 400;
		goto out;
	}
	int has = query_param(qs, rq->query_len, "page", &page);
	if (has != 0) {
		size_t n = 0, i = 0;
		for (; has > 0 && i < page.len && page.data[i] >= '0' && page.data[i] <= '9' &&
		       n < 100000;
		     i++)
			n = n * 10 + (size_t)(page.data[i] - '0');
		if (has < 0 || page.len == 0 || i != page.len || page.data[0] == '0' || n == 0) {
			ps->status = 404;
			goto out;
		}
		ps->page = n;
	}
out:
	buf_free(&page);
}

/* The search ps asks for, when no answer to it is kept: 404 past the last page, 503 when
 * the index cannot be read. */
static void page_search_find(const struct site *s, struct request *rq, struct page_search *ps)
{
	size_t per = (size_t)s->config->search_per_page;

	if (ps->status != 0)
		return;
	if (search_open_for(s) < 0 ||
	    search_run(s, &ps->query, (ps->page - 1) * per, per, &ps->result, &rq->arena) < 0) {
		ps->status = 503;
		return;
	}
	ps->pages = ps->result.count ? (ps->result.count + per - 1) / per : 1;
	if (ps->page > ps->pages)
		ps->status = 404;
}

static void page_search_free(struct page_search *ps)
{
	buf_free(&ps->q);
	query_free(&ps->query);
}

/* "search?q=WORDS&page=N" within the site, the words encoded. */
static void page_search_url(const struct site *s, const struct page_search *ps, size_t n,
                            struct buf *out)
{
	buf_reset(out);
	buf_adds(out, s->config->mount);
	buf_adds(out, "search?q=");
	for (size_t i = 0; i < ps->q.len; i++) {
		unsigned char c = (unsigned char)ps->q.data[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			buf_addc(out, (char)c);
		else if (c == ' ')
			buf_addc(out, '+');
		else
			buf_printf(out, "%%%02X", c);
	}
	if (n > 1)
		buf_printf(out, "&page=%zu", n);
}

static void page_search_number(struct value *map, const char *key, double n, struct arena *a)
{
	struct value v = {.type = VALUE_NUMBER};
	v.u.number = n;
	value_set(map, key, &v, a);
}

/* The search page's fields: title, query, count, results (each post's fields with its
 * snippet as HTML), pagination, robots. */
static void page_search_fields(const struct site *s, struct request *rq,
                               const struct page_search *ps, struct value *pg)
{
	struct arena *a = &rq->arena;
	struct buf b = {0};
	struct value list = {.type = VALUE_LIST}, pagination = {.type = VALUE_MAP};
	struct value *items = arena_alloc(a, (ps->result.nhits + 1) * sizeof(*items));

	memset(pg, 0, sizeof(*pg));
	pg->type = VALUE_MAP;
	if (ps->q.len > 0 && ps->status != 400)
		buf_printf(&b, "Search: %s", ps->q.data);
	else
		buf_adds(&b, "Search");
	value_set_string(pg, "title", b.data, b.len, a);
	value_set_string(pg, "query", ps->q.data ? ps->q.data : "", ps->q.len, a);
	value_set_string(pg, "robots", "noindex", 7, a);
	post_add_urls(pg, "/search", 7, s->config, a);
	if (ps->status == 400) {
		static const char why[] =
		    "That search cannot be made: it must be at most 256 bytes "
		    "of UTF-8 text.";
		value_set_string(pg, "error", why, sizeof(why) - 1, a);
	}
	int searched =
	    ps->status == 0 && (ps->query.match.len > 0 || ps->query.ntags > 0 || ps->query.none);
	struct value yes = {.type = VALUE_BOOL};
	yes.u.boolean = searched;
	value_set(pg, "searched", &yes, a);
	page_search_number(pg, "count", (double)ps->result.count, a);
	for (size_t i = 0; i < ps->result.nhits; i++) {
		const struct search_hit *h = &ps->result.hits[i];
		struct value snip = value_string(h->snippet, h->snippet_len);
		snip.html = 1;
		items[i] = h->post->fields;
		value_set(&items[i], "snippet", &snip, a);
	}
	list.u.list.items = items;
	list.u.list.len = ps->result.nhits;
	value_set(pg, "results", &list, a);
	page_search_number(&pagination, "number", (double)ps->page, a);
	page_search_number(&pagination, "pages", (double)ps->pages, a);
	struct value several = {.type = VALUE_BOOL};
	several.u.boolean = searched && ps->pages > 1;
	value_set(&pagination, "several", &several, a);
	for (int k = 0; k < 2 && searched; k++) {
		size_t to = k == 0 ? ps->page - 1 : ps->page + 1;
		if (to < 1 || to > ps->pages)
			continue;
		struct value link = {.type = VALUE_MAP};
		page_search_url(s, ps, to, &b);
		value_set_string(&link, "url", b.data, b.len, a);
		value_set(&pagination, k == 0 ? "prev" : "next", &link, a);
	}
	value_set(pg, "pagination", &pagination, a);
	buf_free(&b);
}

/* The cache key of a search's answer: the snapshot, the kind (page or JSON), the query's
 * normal form, the page, and the index's generation as it was before the search (the index
 * made once serving changes under one snapshot; an answer read from an older index is
 * never kept under a newer generation). */
static uint64_t page_search_key(const struct site *s, const struct page_search *ps,
                                const char *kind)
{
	struct buf b = {0};
	uint64_t key;

	buf_printf(&b, "%s\x1f", kind);
	buf_add(&b, ps->query.normal.data, ps->query.normal.len);
	buf_printf(&b, "\x1f%zu\x1f%lu", ps->page, ps->generation);
	key = page_key(s, buf_cstr(&b));
	buf_free(&b);
	return key;
}

void page_search(const struct site *s, struct request *rq, struct response *rs,
                 const struct page_target *t)
{
	const struct template *layout = template_set_find(s->layouts->set, "search", 6);
	struct page_search ps;
	struct value pg;

	(void)t;
	if (layout == NULL || !s->config->search) {
		page_error(s, rq, rs, 404);
		return;
	}
	page_search_parse(rq, &ps);
	uint64_t key = page_search_key(s, &ps, "html");
	struct cache_entry *page = ps.status ? NULL : cache_get(key);
	if (page == NULL) {
		page_search_find(s, rq, &ps);
		if (ps.status == 404 || ps.status == 503) {
			page_error(s, rq, rs, ps.status);
			goto out;
		}
		page_search_fields(s, rq, &ps, &pg);
		buf_reset(&rs->body);
		if (layout_render(&s->context, layout, &pg, NULL, &rs->body) < 0) {
			page_error(s, rq, rs, 500);
			goto out;
		}
		if (ps.status == 400) {
			rs->status = 400;
			goto noindex;
		}
		page = cache_put(key, rs->body.data, rs->body.len, s->modified);
	}
	page_send(s, rq, rs, page);
noindex:
	response_header(rs, "X-Robots-Tag", "noindex", 7);
out:
	page_search_free(&ps);
}

void page_search_json(const struct site *s, struct request *rq, struct response *rs,
                      const struct page_target *t)
{
	struct page_search ps;
	struct buf *o = &rs->body;

	(void)t;
	if (!s->config->search) {
		page_error(s, rq, rs, 404);
		return;
	}
	page_search_parse(rq, &ps);
	rs->content_type = "application/json; charset=utf-8";
	uint64_t key = page_search_key(s, &ps, "json");
	struct cache_entry *page = ps.status ? NULL : cache_get(key);
	if (page == NULL) {
		page_search_find(s, rq, &ps);
		buf_reset(o);
		if (ps.status != 0) {
			buf_printf(o, "{\"error\": %d}\n", ps.status);
			rs->status = ps.status;
			goto noindex;
		}
		buf_adds(o, "{\"query\": ");
		json_string(o, ps.q.data ? ps.q.data : "", ps.q.len);
		buf_printf(o, ", \"count\": %zu, \"page\": %zu, \"pages\": %zu, \"results\": [",
		           ps.result.count, ps.page, ps.pages);
		for (size_t i = 0; i < ps.result.nhits; i++) {
			const struct search_hit *h = &ps.result.hits[i];
			const struct post *p = h->post;
			const struct value *url = value_get(&p->fields, "absolute_url", 12);
			const struct value *date = value_get(&p->fields, "date", 4);
			buf_adds(o, i ? ",\n{\"title\": " : "\n{\"title\": ");
			json_string(o, p->title, strlen(p->title));
			buf_adds(o, ", \"url\": ");
			json_string(o, url ? url->u.string.p : "", url ? url->u.string.len : 0);
			if (date != NULL && date->type == VALUE_STRING) {
				buf_adds(o, ", \"date\": ");
				json_string(o, date->u.string.p, date->u.string.len);
			}
			buf_adds(o, ", \"tags\": [");
			for (size_t k = 0; k < p->tags.len; k++) {
				buf_adds(o, k ? ", " : "");
				json_string(o, p->tags.items[k], strlen(p->tags.items[k]));
			}
			buf_adds(o, "], \"snippet\": ");
			json_string(o, h->snippet, h->snippet_len);
			buf_addc(o, '}');
		}
		buf_adds(o, "]}\n");
		page = cache_put(key, o->data, o->len, s->modified);
	}
	page_send(s, rq, rs, page);
noindex:
	response_header(rs, "X-Robots-Tag", "noindex", 7);
	page_search_free(&ps);
}

void page_opensearch(const struct site *s, struct request *rq, struct response *rs,
                     const struct page_target *t)
{
	const struct config *c = s->config;
	uint64_t key = page_key(s, "/opensearch.xml");
	struct cache_entry *page;

	(void)t;
	if (!c->search) {
		page_error(s, rq, rs, 404);
		return;
	}
	rs->content_type = "application/opensearchdescription+xml; charset=utf-8";
	page = cache_get(key);
	if (page == NULL) {
		struct buf *o = &rs->body, url = {0};
		buf_reset(o);
		buf_adds(o,
		         "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		         "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
		         "<ShortName>");
		/* At most 16 characters, as the specification says. */
		size_t n = strlen(c->site_title), cut = n > 16 ? 16 : n;
		while (cut < n && cut > 0 && ((unsigned char)c->site_title[cut] & 0xc0) == 0x80)
			cut--;
		html_escape(o, c->site_title, cut);
		buf_adds(o, "</ShortName>\n<Description>");
		buf_adds(o, "Search ");
		html_escape(o, c->site_title, n);
		buf_adds(o, "</Description>\n<InputEncoding>UTF-8</InputEncoding>\n"
		            "<Url type=\"text/html\" method=\"get\" template=\"");
		buf_printf(&url, "%s%ssearch?q={searchTerms}", c->site_base_url, c->mount);
		html_escape(o, url.data, url.len);
		buf_adds(o, "\"/>\n<Url type=\"application/json\" method=\"get\" template=\"");
		buf_reset(&url);
		buf_printf(&url, "%s%ssearch.json?q={searchTerms}", c->site_base_url, c->mount);
		html_escape(o, url.data, url.len);
		buf_adds(o, "\"/>\n</OpenSearchDescription>\n");
		buf_free(&url);
		page = cache_put(key, o->data, o->len, s->modified);
	}
	page_send(s, rq, rs, page);
}

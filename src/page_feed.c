/* page_feed.c — the generated files: Atom, RSS and JSON feeds, the sitemap and robots.txt. */
#include "page.h"

#include <string.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "date.h"
#include "html.h"
#include "json.h"
#include "post.h"
#include "request.h"
#include "response.h"
#include "route.h"
#include "site.h"
#include "utf8.h"

/* The files written here: the three feeds (enum page_feed_kind), then the two others. */
enum { PAGE_FILE_SITEMAP = PAGE_FEED_JSON + 1, PAGE_FILE_ROBOTS, PAGE_FILES };

static const char *const page_feed_types[PAGE_FILES] = {
    [PAGE_FEED_ATOM] = "application/atom+xml; charset=utf-8",
    [PAGE_FEED_RSS] = "application/rss+xml; charset=utf-8",
    [PAGE_FEED_JSON] = "application/feed+json; charset=utf-8",
    [PAGE_FILE_SITEMAP] = "application/xml; charset=utf-8",
    [PAGE_FILE_ROBOTS] = "text/plain; charset=utf-8",
};

/* One file being written into out. */
struct page_feed {
	const struct site *s;
	struct request *rq;
	struct buf *out;
	const struct post *const *posts; /* the entries, in listing order */
	size_t n;
	const char *self, *home; /* absolute URLs of this file and of the page it follows */
	size_t self_len, home_len;
	struct buf title, tmp, html;
	time_t updated; /* the newest entry's lastmod, else the site's time */
};

/* p as XML text or a quoted attribute value. */
static void page_feed_xml(struct page_feed *f, const char *p, size_t n)
{
	buf_reset(&f->tmp);
	utf8_clean(&f->tmp, p, n, UTF8_XML);
	html_escape(f->out, f->tmp.data, f->tmp.len);
}

static void page_feed_xmls(struct page_feed *f, const char *p)
{
	page_feed_xml(f, p, strlen(p));
}

/* <name>p</name> on a line. */
static void page_feed_elem(struct page_feed *f, const char *name, const char *p, size_t n)
{
	buf_printf(f->out, "<%s>", name);
	page_feed_xml(f, p, n);
	buf_printf(f->out, "</%s>\n", name);
}

/* p as a JSON string. */
static void page_feed_json(struct page_feed *f, const char *p, size_t n)
{
	buf_reset(&f->tmp);
	utf8_clean(&f->tmp, p, n, UTF8_XML);
	json_string(f->out, f->tmp.data, f->tmp.len);
}

/* ,"key": "p" on a new line. */
static void page_feed_member(struct page_feed *f, const char *key, const char *p, size_t n)
{
	buf_printf(f->out, ",\n\"%s\": ", key);
	page_feed_json(f, p, n);
}

/* [{"name": ...}, ...] for a list of authors. */
static void page_feed_json_authors(struct page_feed *f, const char *const *names, size_t n)
{
	buf_adds(f->out, ",\n\"authors\": [");
	for (size_t i = 0; i < n; i++) {
		buf_adds(f->out, i ? ", {\"name\": " : "{\"name\": ");
		page_feed_json(f, names[i], strlen(names[i]));
		buf_addc(f->out, '}');
	}
	buf_addc(f->out, ']');
}

/* The absolute URL of route, a path in the site, as pages print it. */
static const char *page_feed_url(struct page_feed *f, const char *route, size_t len, size_t *n)
{
	struct value m = {.type = VALUE_MAP};

	post_add_urls(&m, route, len, f->s->config, &f->rq->arena);
	const struct value *v = value_get(&m, "absolute_url", 12);
	*n = v->u.string.len;
	return v->u.string.p;
}

static const char *page_feed_post_url(const struct post *p, size_t *n)
{
	const struct value *v = value_get(&p->fields, "absolute_url", 12);

	*n = v->u.string.len;
	return v->u.string.p;
}

/* The HTML a feed carries for p, into f->html: its body, or its summary under
 * feed.content: summary. */
static void page_feed_html(struct page_feed *f, const struct post *p)
{
	struct cache_entry *body = page_post_body(f->s, p, f->rq);
	struct value v;

	buf_reset(&f->html);
	if (!f->s->config->feed_summary) {
		if (body != NULL)
			buf_add(&f->html, body->data, body->len);
	} else {
		page_post_summary(p, body, &v, &f->rq->arena);
		if (v.html) {
			buf_add(&f->html, v.u.string.p, v.u.string.len);
		} else {
			buf_adds(&f->html, "<p>");
			html_escape(&f->html, v.u.string.p, v.u.string.len);
			buf_adds(&f->html, "</p>");
		}
	}
	cache_release(body);
}

static void page_feed_atom(struct page_feed *f)
{
	const struct config *c = f->s->config;
	struct buf *o = f->out;
	char date[32];
	size_t n;

	buf_adds(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
	page_feed_xmls(f, c->site_language);
	buf_adds(o, "\" xml:base=\"");
	page_feed_xml(f, f->home, f->home_len);
	buf_adds(o, "\">\n");
	page_feed_elem(f, "id", f->self, f->self_len);
	page_feed_elem(f, "title", f->title.data, f->title.len);
	if (*c->site_description)
		page_feed_elem(f, "subtitle", c->site_description, strlen(c->site_description));
	date_rfc3339(f->updated, date, sizeof(date));
	page_feed_elem(f, "updated", date, strlen(date));
	/* Atom wants an author for every entry: the site's stands in for entries with none. */
	buf_adds(o, "<author><name>");
	page_feed_xmls(f, *c->site_author ? c->site_author : c->site_title);
	buf_adds(o, "</name></author>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	page_feed_xml(f, f->self, f->self_len);
	buf_adds(o, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	page_feed_xml(f, f->home, f->home_len);
	buf_adds(o, "\"/>\n<generator version=\"" QUIRE_VERSION "\">quire</generator>\n");
	for (size_t i = 0; i < f->n; i++) {
		const struct post *p = f->posts[i];
		const char *url = page_feed_post_url(p, &n);
		buf_adds(o, "<entry>\n");
		page_feed_elem(f, "id", url, n);
		page_feed_elem(f, "title", p->title, strlen(p->title));
		date_rfc3339(p->lastmod, date, sizeof(date));
		page_feed_elem(f, "updated", date, strlen(date));
		if (p->has_date) {
			date_rfc3339(p->date, date, sizeof(date));
			page_feed_elem(f, "published", date, strlen(date));
		}
		for (size_t k = 0; k < p->authors.len; k++) {
			buf_adds(o, "<author><name>");
			page_feed_xmls(f, p->authors.items[k]);
			buf_adds(o, "</name></author>\n");
		}
		buf_adds(o, "<link rel=\"alternate\" type=\"text/html\" href=\"");
		page_feed_xml(f, url, n);
		buf_adds(o, "\"/>\n");
		if (p->description != NULL && *p->description)
			page_feed_elem(f, "summary", p->description, strlen(p->description));
		for (size_t k = 0; k < p->tags.len; k++) {
			buf_adds(o, "<category term=\"");
			page_feed_xmls(f, p->tags.items[k]);
			buf_adds(o, "\"/>\n");
		}
		page_feed_html(f, p);
		buf_adds(o, "<content type=\"html\">");
		page_feed_xml(f, f->html.data, f->html.len);
		buf_adds(o, "</content>\n</entry>\n");
	}
	buf_adds(o, "</feed>\n");
}

static void page_feed_rss(struct page_feed *f)
{
	const struct config *c = f->s->config;
	struct buf *o = f->out;
	char date[40];
	size_t n;

	buf_adds(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" "
	            "xmlns:atom=\"http://www.w3.org/2005/Atom\" "
	            "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
	page_feed_elem(f, "title", f->title.data, f->title.len);
	page_feed_elem(f, "link", f->home, f->home_len);
	if (*c->site_description)
		page_feed_elem(f, "description", c->site_description, strlen(c->site_description));
	else
		page_feed_elem(f, "description", f->title.data, f->title.len);
	if (*c->site_language)
		page_feed_elem(f, "language", c->site_language, strlen(c->site_language));
	date_imf(f->updated, date, sizeof(date));
	page_feed_elem(f, "lastBuildDate", date, strlen(date));
	buf_adds(o, "<generator>quire " QUIRE_VERSION "</generator>\n"
	            "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
	page_feed_xml(f, f->self, f->self_len);
	buf_adds(o, "\"/>\n");
	for (size_t i = 0; i < f->n; i++) {
		const struct post *p = f->posts[i];
		const char *url = page_feed_post_url(p, &n);
		buf_adds(o, "<item>\n");
		page_feed_elem(f, "title", p->title, strlen(p->title));
		page_feed_elem(f, "link", url, n);
		buf_adds(o, "<guid isPermaLink=\"true\">");
		page_feed_xml(f, url, n);
		buf_adds(o, "</guid>\n");
		date_imf(p->has_date ? p->date : p->lastmod, date, sizeof(date));
		page_feed_elem(f, "pubDate", date, strlen(date));
		for (size_t k = 0; k < p->authors.len; k++)
			page_feed_elem(f, "dc:creator", p->authors.items[k],
			               strlen(p->authors.items[k]));
		for (size_t k = 0; k < p->tags.len; k++)
			page_feed_elem(f, "category", p->tags.items[k], strlen(p->tags.items[k]));
		page_feed_html(f, p);
		page_feed_elem(f, "description", f->html.data, f->html.len);
		buf_adds(o, "</item>\n");
	}
	buf_adds(o, "</channel>\n</rss>\n");
}

static void page_feed_jsonfeed(struct page_feed *f)
{
	const struct config *c = f->s->config;
	struct buf *o = f->out;
	char date[32];
	size_t n;

	buf_adds(o, "{\"version\": \"https://jsonfeed.org/version/1.1\"");
	page_feed_member(f, "title", f->title.data, f->title.len);
	page_feed_member(f, "home_page_url", f->home, f->home_len);
	page_feed_member(f, "feed_url", f->self, f->self_len);
	if (*c->site_description)
		page_feed_member(f, "description", c->site_description,
		                 strlen(c->site_description));
	if (*c->site_language)
		page_feed_member(f, "language", c->site_language, strlen(c->site_language));
	if (*c->site_author)
		page_feed_json_authors(f, (const char *const *)&c->site_author, 1);
	buf_adds(o, ",\n\"items\": [");
	for (size_t i = 0; i < f->n; i++) {
		const struct post *p = f->posts[i];
		const char *url = page_feed_post_url(p, &n);
		buf_adds(o, i ? ",\n{\"id\": " : "\n{\"id\": ");
		page_feed_json(f, url, n);
		page_feed_member(f, "url", url, n);
		page_feed_member(f, "title", p->title, strlen(p->title));
		page_feed_html(f, p);
		page_feed_member(f, "content_html", f->html.data, f->html.len);
		if (p->description != NULL && *p->description)
			page_feed_member(f, "summary", p->description, strlen(p->description));
		if (p->has_date) {
			date_rfc3339(p->date, date, sizeof(date));
			page_feed_member(f, "date_published", date, strlen(date));
		}
		date_rfc3339(p->lastmod, date, sizeof(date));
		page_feed_member(f, "date_modified", date, strlen(date));
		if (p->tags.len > 0) {
			buf_adds(o, ",\n\"tags\": [");
			for (size_t k = 0; k < p->tags.len; k++) {
				buf_adds(o, k ? ", " : "");
				page_feed_json(f, p->tags.items[k], strlen(p->tags.items[k]));
			}
			buf_addc(o, ']');
		}
		if (p->authors.len > 0)
			page_feed_json_authors(f, p->authors.items, p->authors.len);
		buf_addc(o, '}');
	}
	buf_adds(o, "\n]}\n");
}

/* The index, every listed post and every page, for search engines. A post that asks
 * not to be indexed (robots: noindex) is left out: listing it would contradict it. */
/* A list's address in the sitemap, changed when the newest of its posts last did. */
static void page_feed_sitemap_list(struct page_feed *f, const char *route, size_t len,
                                   const struct post *const *posts, size_t n)
{
	char date[32];
	time_t newest = 0;
	size_t ulen;
	const char *url;

	for (size_t i = 0; i < n; i++)
		if (posts[i]->lastmod > newest)
			newest = posts[i]->lastmod;
	buf_reset(&f->html);
	buf_add(&f->html, route, len);
	buf_addc(&f->html, '/');
	url = page_feed_url(f, f->html.data, f->html.len, &ulen);
	buf_adds(f->out, "<url>");
	page_feed_elem(f, "loc", url, ulen);
	date_rfc3339(n ? newest : f->updated, date, sizeof(date));
	page_feed_elem(f, "lastmod", date, strlen(date));
	buf_adds(f->out, "</url>\n");
}

/* The lists: each taxonomy and its terms, the archive, and with date archives each year
 * and month. Their further pages are left out: they hold the same posts. */
static void page_feed_sitemap_lists(struct page_feed *f)
{
	const struct site *s = f->s;

	for (size_t i = 0; i < s->ntaxonomies; i++) {
		const struct site_taxonomy *x = &s->taxonomies[i];
		if (x->nterms == 0)
			continue;
		page_feed_sitemap_list(f, x->route, x->route_len, s->listed, 0);
		for (size_t k = 0; k < x->nterms; k++)
			page_feed_sitemap_list(f, x->terms[k].route, x->terms[k].route_len,
			                       x->terms[k].posts, x->terms[k].nposts);
	}
	page_feed_sitemap_list(f, ROUTE_ARCHIVE, sizeof(ROUTE_ARCHIVE) - 1, s->listed, 0);
	for (size_t i = 0; s->config->date_archives && i < s->nperiods; i++)
		page_feed_sitemap_list(f, s->periods[i].route, s->periods[i].route_len,
		                       s->periods[i].posts, s->periods[i].nposts);
}

static void page_feed_sitemap(struct page_feed *f)
{
	struct buf *o = f->out;
	char date[32];
	size_t n;

	buf_adds(o, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n<url>");
	page_feed_elem(f, "loc", f->home, f->home_len);
	date_rfc3339(f->updated, date, sizeof(date));
	page_feed_elem(f, "lastmod", date, strlen(date));
	buf_adds(o, "</url>\n");
	for (size_t i = 0; i < f->n + f->s->npages; i++) {
		const struct post *p = i < f->n ? f->posts[i] : f->s->pages[i - f->n];
		const char *url = page_feed_post_url(p, &n);
		if (p->robots != NULL && strstr(p->robots, "noindex") != NULL)
			continue;
		buf_adds(o, "<url>");
		page_feed_elem(f, "loc", url, n);
		date_rfc3339(p->lastmod, date, sizeof(date));
		page_feed_elem(f, "lastmod", date, strlen(date));
		buf_adds(o, "</url>\n");
	}
	page_feed_sitemap_lists(f);
	buf_adds(o, "</urlset>\n");
}

static void page_feed_robots(struct page_feed *f)
{
	const struct config *c = f->s->config;
	size_t n;
	const char *map = page_feed_url(f, "/sitemap.xml", 12, &n);

	buf_adds(f->out, "User-agent: *\nAllow: ");
	html_url_path(f->out, c->mount, strlen(c->mount));
	buf_adds(f->out, "\nSitemap: ");
	buf_add(f->out, map, n);
	buf_addc(f->out, '\n');
}

/* Write the file of this kind for the site or for tag into f->out. */
static void page_feed_write(struct page_feed *f, const struct site_term *tag, int kind)
{
	const struct site *s = f->s;
	const struct config *c = s->config;
	struct buf home = {0};

	f->posts = tag ? tag->posts : s->listed;
	f->n = tag ? tag->nposts : s->nlisted;
	buf_grow(&f->tmp, 1);
	buf_grow(&f->html, 1);
	if (tag != NULL) {
		page_term_title(tag, &f->title);
		buf_printf(&f->title, " · %s", c->site_title);
	} else
		buf_adds(&f->title, c->site_title);
	buf_add(&home, tag ? tag->route : "", tag ? tag->route_len : 0);
	buf_addc(&home, '/');
	f->home = page_feed_url(f, home.data, home.len, &f->home_len);
	f->self = page_feed_url(f, f->rq->canonical.data, f->rq->canonical.len, &f->self_len);
	buf_free(&home);
	if (kind <= PAGE_FEED_JSON && f->n > (size_t)c->feed_size)
		f->n = (size_t)c->feed_size;
	f->updated = f->n ? 0 : s->modified;
	for (size_t i = 0; i < f->n; i++)
		if (f->posts[i]->lastmod > f->updated)
			f->updated = f->posts[i]->lastmod;
	buf_reset(f->out);
	switch (kind) {
	case PAGE_FEED_ATOM:
		page_feed_atom(f);
		break;
	case PAGE_FEED_RSS:
		page_feed_rss(f);
		break;
	case PAGE_FEED_JSON:
		page_feed_jsonfeed(f);
		break;
	case PAGE_FILE_SITEMAP:
		page_feed_sitemap(f);
		break;
	case PAGE_FILE_ROBOTS:
		page_feed_robots(f);
		break;
	}
}

/* Answer with file kind of the site or of tag, at the request's canonical address. */
static void page_feed_serve(const struct site *s, struct request *rq, struct response *rs,
                            const struct site_term *tag, int kind)
{
	uint64_t key = page_key(s, buf_cstr(&rq->canonical));
	struct cache_entry *e = cache_get(key);

	if (e == NULL) {
		struct page_feed f = {.s = s, .rq = rq, .out = &rs->body};
		page_feed_write(&f, tag, kind);
		e = cache_put(key, rs->body.data, rs->body.len, s->modified);
		buf_free(&f.title);
		buf_free(&f.tmp);
		buf_free(&f.html);
	}
	rs->content_type = page_feed_types[kind];
	page_send(s, rq, rs, e);
}

void page_feed(const struct site *s, struct request *rq, struct response *rs,
               const struct page_target *t)
{
	page_feed_serve(s, rq, rs, t->term, (int)t->feed);
}

void page_sitemap(const struct site *s, struct request *rq, struct response *rs,
                  const struct page_target *t)
{
	(void)t;
	page_feed_serve(s, rq, rs, NULL, PAGE_FILE_SITEMAP);
}

void page_robots(const struct site *s, struct request *rq, struct response *rs,
                 const struct page_target *t)
{
	(void)t;
	page_feed_serve(s, rq, rs, NULL, PAGE_FILE_ROBOTS);
}

/* page_post.c — a post: its Markdown rendered into its layout, cached. */
#include "page.h"

#include <string.h>

#include "cache.h"
#include "config.h"
#include "hash.h"
#include "html.h"
#include "imagesize.h"
#include "layout.h"
#include "log.h"
#include "markdown.h"
#include "post.h"
#include "render.h"
#include "request.h"
#include "response.h"
#include "site.h"

/* A post's HTML body depends on its file's bytes and its markdown_opts alone; its
 * images' sizes are read when it is rendered (a changed image shows its new size once
 * the post changes or the body leaves the cache). */
static uint64_t page_post_body_key(uint64_t file_hash, const struct markdown_opts *o)
{
	return hash_bytes("body", 4, file_hash ^ markdown_opts_key(o));
}

/* A page bundle's folder as an absolute URL path, "/mount/route/", that its relative
 * links and images resolve against; empty for a post that is one file. */
static void page_post_base(const struct post *p, const struct config *c, struct buf *out)
{
	buf_reset(out);
	if (strchr(p->name, '/') == NULL)
		return;
	html_escape(out, c->mount, strlen(c->mount) - 1);
	html_url_path(out, p->route, p->route_len);
	buf_addc(out, '/');
}

/* Words in the text of an HTML body, tags left out: for the reading time. The
 * count is kept with the cached body, so a page made again does not count again. */
static size_t page_post_words(struct cache_entry *body)
{
	static const unsigned char space[256] = {[' '] = 1, ['\n'] = 1, ['\t'] = 1, ['\r'] = 1};
	long n = __atomic_load_n(&body->derived, __ATOMIC_RELAXED);
	size_t words = 0;
	int in_tag = 0, in_word = 0;

	if (n > 0)
		return (size_t)n - 1;
	for (size_t i = 0; i < body->len; i++) {
		unsigned char c = (unsigned char)body->data[i];
		if (c == '<' || c == '>') {
			in_tag = c == '<';
			in_word = 0;
			continue;
		}
		int letter = !in_tag && !space[c];
		words += letter & !in_word;
		in_word = letter;
	}
	__atomic_store_n(&body->derived, (long)words + 1, __ATOMIC_RELAXED);
	return words;
}

static struct member *page_post_member(struct member *m, const char *key)
{
	memset(m, 0, sizeof(*m));
	m->key = key;
	m->keylen = strlen(key);
	return m;
}

/* page.toc (links to the body's headings of markdown.toc_levels, HTML), page.headings
 * ([{level, id, text}]) and page.show_toc (toc: true, or kramdown's {:toc} line), into
 * m[0..2]: read again from the cached body, a scan of it. */
static void page_post_toc(const struct cache_entry *entry, const struct post *v,
                          const struct config *c, struct request *rq, struct member *m)
{
	size_t n = render_headings(entry->data, entry->len, NULL, 0);
	struct render_heading *h = arena_alloc(&rq->arena, (n + 1) * sizeof(*h));
	struct value *items = arena_alloc(&rq->arena, (n + 1) * sizeof(*items));
	struct member *fields = arena_alloc(&rq->arena, (3 * n + 1) * sizeof(*fields));
	struct buf b = {0};

	render_headings(entry->data, entry->len, h, n);
	render_toc(h, n, c->toc_levels[0], c->toc_levels[1], &b);
	struct member *t = page_post_member(&m[0], "toc");
	t->value = value_string(arena_strndup(&rq->arena, b.data ? b.data : "", b.len), b.len);
	t->value.html = 1;
	for (size_t i = 0; i < n; i++) {
		struct member *f = fields + 3 * i;
		page_post_member(&f[0], "level")->value.type = VALUE_NUMBER;
		f[0].value.u.number = h[i].level;
		page_post_member(&f[1], "id")->value =
		    value_string(arena_strndup(&rq->arena, h[i].id, h[i].id_len), h[i].id_len);
		buf_reset(&b);
		render_heading_text(&h[i], &b);
		page_post_member(&f[2], "text")->value =
		    value_string(arena_strndup(&rq->arena, b.data ? b.data : "", b.len), b.len);
		items[i].type = VALUE_MAP;
		items[i].html = 0;
		items[i].u.map.items = f;
		items[i].u.map.len = 3;
	}
	struct member *hs = page_post_member(&m[1], "headings");
	hs->value.type = VALUE_LIST;
	hs->value.u.list.items = items;
	hs->value.u.list.len = n;
	const struct value *want = value_get(&v->fields, "toc", 3);
	struct member *show = page_post_member(&m[2], "show_toc");
	show->value.type = VALUE_BOOL;
	show->value.u.boolean = n > 0 && ((want != NULL && value_truthy(want)) ||
	                                  memmem(entry->data, entry->len, RENDER_TOC_MARK,
	                                         sizeof(RENDER_TOC_MARK) - 1) != NULL);
	buf_free(&b);
}

/* A neighbour as layouts see it: all its fields (title, url, ...), or null at the ends. */
static void page_post_neighbour(struct value *v, const struct post *p)
{
	if (p == NULL)
		v->type = VALUE_NULL;
	else
		*v = p->fields;
}

/* page.series: the series v is part of (name, url, part, parts, prev, next, and posts,
 * oldest first, each with its part and current on v's own), or absent. */
static void page_post_series(const struct site *s, const struct post *v, struct request *rq,
                             struct value *out)
{
	struct arena *a = &rq->arena;
	size_t part = 0;
	const struct site_term *t = site_series(s, v, &part);
	struct value num = {.type = VALUE_NUMBER}, yes = {.type = VALUE_BOOL}, list;
	struct buf route = {0};

	memset(out, 0, sizeof(*out));
	if (t == NULL || part == 0)
		return;
	out->type = VALUE_MAP;
	value_set_string(out, "name", t->name, strlen(t->name), a);
	buf_add(&route, t->route, t->route_len);
	buf_addc(&route, '/');
	post_add_urls(out, route.data, route.len, s->config, a);
	buf_free(&route);
	num.u.number = (double)part;
	value_set(out, "part", &num, a);
	num.u.number = (double)t->nposts;
	value_set(out, "parts", &num, a);
	struct value *items = arena_alloc(a, t->nposts * sizeof(*items));
	for (size_t k = 0; k < t->nposts; k++) {
		/* Part k + 1, oldest first. */
		size_t at = s->config->sort_by_order ? k : t->nposts - 1 - k;
		items[k] = t->posts[at]->fields;
		num.u.number = (double)(k + 1);
		value_set(&items[k], "part", &num, a);
		yes.u.boolean = k + 1 == part;
		value_set(&items[k], "current", &yes, a);
	}
	if (part > 1)
		value_set(out, "prev", &items[part - 2], a);
	if (part < t->nposts)
		value_set(out, "next", &items[part], a);
	list = (struct value){.type = VALUE_LIST};
	list.u.list.items = items;
	list.u.list.len = t->nposts;
	value_set(out, "posts", &list, a);
}

/* page.related: the fields of the posts the snapshot found related to v. */
static void page_post_related(const struct site *s, const struct post *v, struct request *rq,
                              struct value *out)
{
	const struct post *const *r = site_related(s, v);
	size_t n = 0, max = (size_t)s->config->related;
	struct value *items;

	memset(out, 0, sizeof(*out));
	out->type = VALUE_LIST;
	while (r != NULL && n < max && r[n] != NULL)
		n++;
	if (n == 0)
		return;
	items = arena_alloc(&rq->arena, n * sizeof(*items));
	for (size_t k = 0; k < n; k++)
		items[k] = r[k]->fields;
	out->u.list.items = items;
	out->u.list.len = n;
}

/* The page for version v of the post, with body as its HTML, into rs->body: in layout,
 * or (NULL) in the layout of its place in s. */
static int page_post_layout(const struct site *s, const struct post *v, struct cache_entry *entry,
                            const struct template *layout, struct request *rq, struct response *rs)
{
	struct value page = v->fields;
	size_t n = v->fields.u.map.len;
	struct member *m = arena_alloc(&rq->arena, (n + 11) * sizeof(*m));
	const struct template *t = layout ? layout : site_post_place(s, v).layout;
	const char *body = entry->data;
	size_t len = entry->len;
	size_t minutes = (page_post_words(entry) + 199) / 200;

	/* The page is its body (the one value marked as HTML), its neighbours, its reading
	 * time, its related posts, terms and series, then the post's fields: found first,
	 * these come before front matter fields of the same names. */
	struct member *b = page_post_member(&m[0], "body");
	b->value.type = VALUE_STRING;
	b->value.html = 1;
	b->value.u.string.p = body;
	b->value.u.string.len = len;
	const struct post *prev, *next;
	site_neighbours(s, v, &prev, &next);
	page_post_neighbour(&page_post_member(&m[1], "prev")->value, prev);
	page_post_neighbour(&page_post_member(&m[2], "next")->value, next);
	struct member *r = page_post_member(&m[3], "reading_minutes");
	r->value.type = VALUE_NUMBER;
	r->value.u.number = (double)(minutes ? minutes : 1);
	page_post_related(s, v, rq, &page_post_member(&m[4], "related")->value);
	post_terms_value(v, s->config, &page_post_member(&m[5], "terms")->value, &rq->arena);
	size_t k = 6;
	page_post_series(s, v, rq, &page_post_member(&m[k], "series")->value);
	k += m[k].value.type != VALUE_NULL;
	page_post_toc(entry, v, s->config, rq, m + k);
	k += 3;
	/* page.math: the body holds math, for the layout to load KaTeX. */
	struct member *math = page_post_member(&m[k++], "math");
	math->value.type = VALUE_BOOL;
	static const char math_span[] = "<span class=\"math ";
	math->value.u.boolean = memmem(body, len, math_span, sizeof(math_span) - 1) != NULL;
	memcpy(m + k, v->fields.u.map.items, n * sizeof(*m));
	page.u.map.items = m;
	page.u.map.len = n + k;
	buf_reset(&rs->body);
	if (layout_render(&s->context, t, &page, NULL, &rs->body) < 0) {
		log_msg(LOG_ERROR, "%s: the layout could not be rendered (nested too deep)",
		        v->path);
		return -1;
	}
	return 0;
}

/* page_post_body(), telling through fresh (when not NULL) of a version of the
 * file newer than p: the body is then that version's, and *page_out (when not
 * NULL) the key its whole page goes under. When the file cannot be read or no
 * longer loads, the body last rendered for p's own version (if the cache still
 * has it) keeps serving, with *page_out 0; when there is none, why is logged, or goes to
 * untold (when not NULL: the caller may have a whole page to serve instead). */
static struct cache_entry *page_post_body_fresh(const struct site *s, const struct post *p,
                                                struct request *rq, struct post **fresh_out,
                                                uint64_t *page_out, struct buf *untold)
{
	const struct config *c = s->config;
	struct cache_entry *body;
	struct post *fresh = NULL;
	const struct post *v = p;
	uint64_t hash, key;

	struct buf why = {0};
	if (page_out != NULL)
		*page_out = 0;
	/* post_read() waits for a file being written to hold still. */
	int r = post_read(p, c, &rq->file, &fresh, &hash, &why);
	if (r < 0) {
		key = __atomic_load_n(&p->last_body, __ATOMIC_RELAXED);
		body = key ? cache_get(key) : NULL;
		/* Said only when nothing can be served: the rebuild logs a broken post. */
		if (body == NULL) {
			rq->gone = r == -2;
			if (untold != NULL)
				buf_add(untold, why.data, why.len);
			else
				log_msg(LOG_ERROR, "%s", buf_cstr(&why));
		}
		buf_free(&why);
		return body;
	}
	buf_free(&why);
	page_post_base(fresh ? fresh : p, c, &why);
	struct markdown_opts mo;
	markdown_opts_init(&mo, c);
	mo.base = why.data;
	mo.base_len = why.len;
	mo.image_size = imagesize_site;
	mo.image_ctx = (void *)s;
	mo.math |= (fresh ? fresh : p)->math;
	key = page_post_body_key(hash, &mo);
	body = cache_get(key);
	if (body == NULL) {
		if (fresh != NULL)
			v = fresh;
		buf_reset(&rq->html);
		if (markdown_render(rq->file.data + v->body_offset, rq->file.len - v->body_offset,
		                    &mo, &rq->html) < 0) {
			log_msg(LOG_ERROR, "%s: the Markdown could not be rendered", p->path);
			post_unref(fresh);
			buf_free(&why);
			return NULL;
		}
		body = cache_put(key, rq->html.data ? rq->html.data : "", rq->html.len,
		                 v->mtime.tv_sec);
	}
	buf_free(&why);
	/* p's own body, for a moment when the file is being written: a newer
	 * version's body would not match p's fields. */
	if (fresh == NULL)
		__atomic_store_n(&((struct post *)p)->last_body, key, __ATOMIC_RELAXED);
	if (page_out != NULL)
		*page_out = fresh == NULL ? page_key(s, p->name)
		                          : hash_bytes("fresh", 5, page_key(s, p->name) ^ hash);
	if (fresh_out != NULL)
		*fresh_out = fresh;
	else
		post_unref(fresh);
	return body;
}

struct cache_entry *page_post_body(const struct site *s, const struct post *p, struct request *rq)
{
	return page_post_body_fresh(s, p, rq, NULL, NULL, NULL);
}

void page_post_summary(const struct post *p, const struct cache_entry *body, struct value *v,
                       struct arena *a)
{
	static const char more[] = "<!--more-->", ref[] = "<sup><a href=\"#fn-";
	const char *html = body ? body->data : "";
	size_t len = body ? body->len : 0;
	const char *cut, *from = html;
	size_t n = 0;

	if (p->summary != NULL) {
		*v = value_string(p->summary, strlen(p->summary));
		return;
	}
	cut = memmem(html, len, more, sizeof(more) - 1);
	if (cut != NULL) {
		n = (size_t)(cut - html);
	} else {
		const char *start = memmem(html, len, "<p>", 3);
		const char *end =
		    start ? memmem(start, len - (size_t)(start - html), "</p>", 4) : NULL;
		if (end != NULL) {
			from = start;
			n = (size_t)(end + 4 - start);
		}
	}
	/* The renderer writes each reference as <sup><a href="#fn-N" ...>N</a></sup>. */
	char *o = arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		const char *r = memmem(from + i, n - i, ref, sizeof(ref) - 1);
		const char *close = r ? memmem(r, (size_t)(from + n - r), "</sup>", 6) : NULL;
		size_t upto = close ? (size_t)(r - from) : n;
		memcpy(o + k, from + i, upto - i);
		k += upto - i;
		i = close ? (size_t)(close + 6 - from) : n;
	}
	o[k] = '\0';
	*v = value_string(o, k);
	v->html = 1;
}

/* Render the post's page around its body. Returns the page held from the cache,
 * or NULL with an error page in rs. When the file changed since the snapshot,
 * the new version is rendered whole, fields and body. While the file is being
 * written, the last page rendered whole from it serves. */
static struct cache_entry *page_post_render(const struct site *s, const struct post *p,
                                            struct request *rq, struct response *rs)
{
	struct cache_entry *body, *page = NULL;
	struct post *fresh = NULL;
	const struct post *v = p;
	struct buf why = {0};
	uint64_t key;

	rq->gone = 0;
	body = page_post_body_fresh(s, p, rq, &fresh, &key, &why);
	if (key == 0 && !rq->gone) {
		uint64_t last = __atomic_load_n(&p->last_page, __ATOMIC_RELAXED);
		page = last ? cache_get(last) : NULL;
		if (page != NULL) {
			cache_release(body);
			buf_free(&why);
			return page;
		}
	}
	if (body == NULL) {
		/* Deleted: 404 (the new snapshot will not have it). Unreadable or broken
		 * with nothing rendered before: 503, try again, and said. */
		if (!rq->gone) {
			response_header(rs, "Retry-After", "1", 1);
			/* (A body that could not be rendered was said already.) */
			if (why.len > 0)
				log_msg(LOG_ERROR, "%s", buf_cstr(&why));
		}
		buf_free(&why);
		page_error(s, rq, rs, rq->gone ? 404 : 503);
		return NULL;
	}
	buf_free(&why);
	if (fresh != NULL)
		v = fresh;
	if (page_post_layout(s, v, body, NULL, rq, rs) < 0) {
		page_error(s, rq, rs, 500);
		goto out;
	}
	/* Any post can change any page (layouts see every post): the snapshot's time. */
	time_t modified = v->mtime.tv_sec > s->modified ? v->mtime.tv_sec : s->modified;
	if (key != 0) {
		page = cache_put(key, rs->body.data, rs->body.len, modified);
		__atomic_store_n(&((struct post *)p)->last_page, key, __ATOMIC_RELAXED);
	} else {
		page = cache_make(rs->body.data, rs->body.len, modified);
	}
out:
	cache_release(body);
	post_unref(fresh);
	return page;
}

int page_post_uncached(const struct site *s, const struct post *p, const struct template *layout,
                       struct request *rq, struct response *rs)
{
	const struct config *c = s->config;
	struct post *fresh = NULL;
	struct buf why = {0};
	uint64_t hash;
	int rc = -1;

	int r = post_read(p, c, &rq->file, &fresh, &hash, &why);
	if (r < 0) {
		log_msg(LOG_ERROR, "%s", buf_cstr(&why));
		if (r != -2)
			response_header(rs, "Retry-After", "1", 1);
		page_error(s, rq, rs, r == -2 ? 404 : 503);
		goto out;
	}
	const struct post *v = fresh != NULL ? fresh : p;
	buf_reset(&rq->html);
	struct markdown_opts mo;
	markdown_opts_init(&mo, c);
	page_post_base(v, c, &why);
	mo.base = why.data;
	mo.base_len = why.len;
	mo.image_size = imagesize_site;
	mo.image_ctx = (void *)s;
	mo.math |= v->math;
	if (markdown_render(rq->file.data + v->body_offset, rq->file.len - v->body_offset, &mo,
	                    &rq->html) < 0) {
		log_msg(LOG_ERROR, "%s: the Markdown could not be rendered", p->path);
		page_error(s, rq, rs, 500);
		goto out;
	}
	/* Kept nowhere: the body is the request's own. */
	struct cache_entry body = {0};
	body.data = rq->html.data ? rq->html.data : "";
	body.len = rq->html.len;
	if (page_post_layout(s, v, &body, layout, rq, rs) < 0) {
		page_error(s, rq, rs, 500);
		goto out;
	}
	rs->status = 200;
	rc = 0;
out:
	buf_free(&why);
	post_unref(fresh);
	return rc;
}

void page_post(const struct site *s, struct request *rq, struct response *rs,
               const struct page_target *t)
{
	const struct post *p = t->post;
	struct cache_entry *page = cache_get(page_key(s, p->name));

	if (page == NULL)
		page = page_post_render(s, p, rq, rs);
	if (page == NULL)
		return;
	if (p->robots != NULL)
		response_header(rs, "X-Robots-Tag", p->robots, strlen(p->robots));
	page_send(s, rq, rs, page);
}

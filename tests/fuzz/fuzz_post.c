/* fuzz_post.c — a post's whole pipeline in memory: front matter, Markdown (md4c), and the
 * layout it names from conf/layouts, as page_post() puts them together. The site around
 * it (the first post, conf/layouts) is loaded once at start. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "date.h"
#include "frontmatter.h"
#include "fuzz.h"
#include "html.h"
#include "layout.h"
#include "log.h"
#include "markdown.h"
#include "mem.h"
#include "page.h"
#include "path.h"
#include "post.h"
#include "site.h"
#include "template.h"

static struct config conf;
static struct site *site;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_WARN);
	char *file = fuzz_site("post", "", NULL);
	if (config_load(&conf, file) < 0)
		exit(1);
	free(file);
	site = site_load(&conf, NULL, NULL, 1);
	if (site == NULL || site->nlisted != 1) {
		fprintf(stderr, "fuzz_post: the scratch site did not load\n");
		exit(1);
	}
	return 0;
}

static void set_string(struct value *map, const char *key, const char *s, size_t len,
                       struct arena *a)
{
	struct value v = value_string(arena_strndup(a, s, len), len);
	value_set(map, key, &v, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static struct buf err, html, out, route, tmp;
	const char *src = (const char *)data;
	struct frontmatter fm;
	char date[64];
	int changed;

	/* post_slurp() refuses a file larger than limits.post_size. */
	if (size > (size_t)conf.post_max)
		return 0;
	arena_reset(&a);
	buf_reset(&err);
	if (frontmatter_parse(src, size, 1, conf.front_matter_max, &a, &fm, &err) < 0)
		return 0;

	/* The route as post_parse() makes it; a post whose route cannot be one is left out. */
	const char *r = fm.route ? fm.route : fm.slug ? fm.slug : "fuzzed";
	if (path_canon(r, strlen(r), 0, &route, &changed) != PATH_OK || route.len < 2)
		return 0;

	/* The body, with raw HTML kept or (odd sizes) escaped. */
	int escape = size & 1;
	buf_reset(&html);
	FUZZ_CHECK(markdown_render(src + fm.body_offset, size - fm.body_offset,
	                           &(struct markdown_opts){.escape_html = escape}, &html) == 0,
	           "md4c failed");
	if (escape)
		FUZZ_CHECK(memmem(html.data ? html.data : "", html.len, "<script", 7) == NULL,
		           "raw HTML passed with markdown.raw_html: escape");

	/* The fields layouts see, as post_computed() and page_post_layout() add them. */
	struct value page = fm.fields;
	post_add_urls(&page, route.data, route.len, &conf, &a);
	if (fm.has_date) {
		date_rfc3339(fm.date, date, sizeof(date));
		set_string(&page, "date", date, strlen(date), &a);
		date_human(fm.date, date, sizeof(date));
		set_string(&page, "date_human", date, strlen(date), &a);
	}
	struct value *links = arena_alloc(&a, (fm.tags.len ? fm.tags.len : 1) * sizeof(*links));
	for (size_t i = 0; i < fm.tags.len; i++) {
		buf_reset(&tmp);
		post_term_route("tags", fm.tags.items[i], &tmp);
		buf_addc(&tmp, '/');
		memset(&links[i], 0, sizeof(links[i]));
		links[i].type = VALUE_MAP;
		set_string(&links[i], "name", fm.tags.items[i], strlen(fm.tags.items[i]), &a);
		set_string(&links[i], "url", tmp.data, tmp.len, &a);
	}
	struct value list = {.type = VALUE_LIST};
	list.u.list.items = links;
	list.u.list.len = fm.tags.len;
	value_set(&page, "tag_links", &list, &a);
	struct value body = value_string(html.data ? html.data : "", html.len);
	body.html = 1;
	value_set(&page, "body", &body, &a);
	value_set(&page, "next", &site->listed[0]->fields, &a);
	struct value minutes = {.type = VALUE_NUMBER};
	minutes.u.number = 1;
	value_set(&page, "reading_minutes", &minutes, &a);

	/* The summary listings show: the field, else up to <!--more-->, else the first <p>. */
	struct post p;
	memset(&p, 0, sizeof(p));
	p.summary = fm.summary;
	struct cache_entry *e = cache_make(html.data ? html.data : "", html.len, 0);
	struct value summary;
	page_post_summary(&p, e, &summary, &a);
	set_string(&page, "summary", summary.u.string.p, summary.u.string.len, &a);
	cache_release(e);

	/* The layout the post names, as site_load() finds it, else the default. */
	const struct template *t = NULL;
	if (fm.layout != NULL)
		t = template_set_find(site->layouts->set, fm.layout, strlen(fm.layout));
	if (t == NULL)
		t = template_set_find(site->layouts->set, conf.default_layout,
		                      strlen(conf.default_layout));
	FUZZ_CHECK(t != NULL, "no default layout");
	buf_reset(&out);
	FUZZ_CHECK(layout_render(&site->context, t, &page, NULL, &out) == 0,
	           "layout_render failed");
	if (t == template_set_find(site->layouts->set, "Post", 4)) {
		/* The body goes in whole, raw; the title escaped. */
		FUZZ_CHECK(html.len == 0 || memmem(out.data, out.len, html.data, html.len) != NULL,
		           "the body is not in the page");
		buf_reset(&tmp);
		const struct value *title = value_get(&fm.fields, "title", 5);
		FUZZ_CHECK(title != NULL && title->type == VALUE_STRING, "the title is not text");
		buf_adds(&tmp, "<h1>");
		html_escape(&tmp, title->u.string.p, title->u.string.len);
		buf_adds(&tmp, "</h1>");
		FUZZ_CHECK(memmem(out.data, out.len, tmp.data, tmp.len) != NULL,
		           "the escaped title is not in the page");
	}
	return 0;
}

/* frontmatter.c — the YAML block at the top of a post: split off, bounded, parsed. */
#include "frontmatter.h"

#include <string.h>

#include "buf.h"
#include "date.h"
#include "mem.h"
#include "ytree.h"

#define FRONTMATTER_DEPTH 4

/* The length of the line at p (without its end), and where the next one starts. */
static size_t fm_line(const char *p, size_t len, size_t *next)
{
	const char *nl = memchr(p, '\n', len);
	size_t n = nl ? (size_t)(nl - p) : len;

	*next = nl ? n + 1 : len;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

static int fm_is_fence(const char *p, size_t n, int closing)
{
	while (n > 3 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n != 3)
		return 0;
	return memcmp(p, "---", 3) == 0 || (closing && memcmp(p, "...", 3) == 0);
}

long frontmatter_split(const char *src, size_t len, int complete, long max, size_t *yaml_off,
                       size_t *yaml_len, size_t *yaml_line, struct buf *err)
{
	size_t off = 0, next, n, line = 1;

	if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
		off = 3;
	if (len >= 2 && ((unsigned char)src[0] == 0xFF || (unsigned char)src[0] == 0xFE) &&
	    ((unsigned char)src[1] == 0xFE || (unsigned char)src[1] == 0xFF)) {
		buf_printf(err, "1: the file is UTF-16; posts must be UTF-8");
		return -1;
	}
	/* Blank lines before the block are forgiven, as other engines do. */
	while (off < len) {
		n = fm_line(src + off, len - off, &next);
		size_t blank = 0; /* src need not end with a NUL: no strspn() */
		while (blank < n && (src[off + blank] == ' ' || src[off + blank] == '\t'))
			blank++;
		if (blank < n)
			break;
		off += next;
		line++;
	}
	n = fm_line(src + off, len - off, &next);
	if (!fm_is_fence(src + off, n, 0)) {
		buf_printf(err, "%zu: no front matter: the file must start with a --- line", line);
		return -1;
	}
	off += next;
	*yaml_off = off;
	*yaml_line = line + 1;
	while (off < len) {
		line++;
		n = fm_line(src + off, len - off, &next);
		if (fm_is_fence(src + off, n, 1)) {
			*yaml_len = off - *yaml_off;
			if ((long)*yaml_len > max) {
				buf_printf(err, "%zu: front matter larger than %ld bytes",
				           *yaml_line, max);
				return -1;
			}
			return (long)(off + next);
		}
		if (off + next - *yaml_off > (size_t)max) {
			buf_printf(err, "%zu: front matter larger than %ld bytes", *yaml_line, max);
			return -1;
		}
		off += next;
	}
	if (!complete)
		buf_printf(err, "%zu: front matter larger than %ld bytes", *yaml_line, max);
	else
		buf_printf(err, "%zu: front matter is not closed: no --- line after this one",
		           *yaml_line - 1);
	return -1;
}

static void fm_value(const struct ynode *n, struct value *v, struct arena *a)
{
	memset(v, 0, sizeof(*v));
	switch (n->kind) {
	case YNODE_SCALAR: {
		int b = ytree_bool(n);
		if (b >= 0) {
			v->type = VALUE_BOOL;
			v->u.boolean = b;
		} else if (ytree_null(n)) {
			v->type = VALUE_NULL;
		} else {
			v->type = VALUE_STRING;
			v->u.string.p = arena_strndup(a, n->str, n->len);
			v->u.string.len = n->len;
		}
		break;
	}
	case YNODE_LIST: {
		struct value *items = arena_alloc(a, (n->n ? n->n : 1) * sizeof(*items));
		for (size_t i = 0; i < n->n; i++)
			fm_value(n->items[i], &items[i], a);
		v->type = VALUE_LIST;
		v->u.list.items = items;
		v->u.list.len = n->n;
		break;
	}
	case YNODE_MAP: {
		struct member *m = arena_alloc(a, (n->n ? n->n : 1) * sizeof(*m));
		for (size_t i = 0; i < n->n; i++) {
			m[i].key = arena_strndup(a, n->items[2 * i]->str, n->items[2 * i]->len);
			m[i].keylen = n->items[2 * i]->len;
			fm_value(n->items[2 * i + 1], &m[i].value, a);
		}
		v->type = VALUE_MAP;
		v->u.map.items = m;
		v->u.map.len = n->n;
		break;
	}
	}
}

/* A field kept as a C string: a NUL inside would cut it short unseen (a route
 * "a\0b" served at /a), so it is refused. NULL then. */
static const char *fm_cstr(const struct ynode *n, const char *key, struct arena *a, struct buf *err)
{
	if (n->len && memchr(n->str, '\0', n->len) != NULL) {
		buf_printf(err, "%zu: \"%s\" holds a NUL character", n->line, key);
		return NULL;
	}
	return arena_strndup(a, n->str, n->len);
}

/* A field that must be one line of text: NULL when absent, -1 on the wrong type. */
static int fm_text(const struct ynode *root, const char *key, const char **out, struct buf *err,
                   struct arena *a)
{
	const struct ynode *n = ytree_get(root, key);

	*out = NULL;
	if (n == NULL)
		return 0;
	if (n->kind != YNODE_SCALAR) {
		buf_printf(err, "%zu: \"%s\" must be text, not a %s", n->line, key,
		           n->kind == YNODE_LIST ? "list" : "map");
		return -1;
	}
	if (ytree_null(n))
		return 0;
	*out = fm_cstr(n, key, a, err);
	return *out ? 0 : -1;
}

/* The first of several names for one text field that is present. */
static int fm_text_any(const struct ynode *root, const char *const *keys, const char **out,
                       struct buf *err, struct arena *a)
{
	for (; *keys; keys++) {
		if (fm_text(root, *keys, out, err, a) < 0)
			return -1;
		if (*out != NULL)
			return 0;
	}
	return 0;
}

/* One string or a list of strings, appended to l; -1 on anything else. */
static int fm_list(const struct ynode *root, const char *key, struct strlist *l, struct arena *a,
                   struct buf *err)
{
	const struct ynode *n = ytree_get(root, key);
	size_t count;

	if (n == NULL || ytree_null(n))
		return 0;
	count = n->kind == YNODE_LIST ? n->n : 1;
	if (n->kind == YNODE_MAP) {
		buf_printf(err, "%zu: \"%s\" must be text or a list of text", n->line, key);
		return -1;
	}
	const char **items = arena_alloc(a, (l->len + count) * sizeof(*items));
	if (l->len)
		memcpy(items, l->items, l->len * sizeof(*items));
	for (size_t i = 0; i < count; i++) {
		const struct ynode *it = n->kind == YNODE_LIST ? n->items[i] : n;
		if (it->kind != YNODE_SCALAR) {
			buf_printf(err, "%zu: \"%s\" must be text or a list of text", it->line,
			           key);
			return -1;
		}
		if ((items[l->len] = fm_cstr(it, key, a, err)) == NULL)
			return -1;
		l->len++;
	}
	l->items = items;
	return 0;
}

/* A date field under any of its names: -1 when present and not a real date. */
static int fm_date(const struct ynode *root, const char *const *keys, time_t *out, int *has,
                   struct buf *err)
{
	for (; *keys; keys++) {
		const struct ynode *n = ytree_get(root, *keys);
		if (n == NULL || ytree_null(n))
			continue;
		if (n->kind != YNODE_SCALAR || date_parse(n->str, n->len, out) < 0) {
			buf_printf(err,
			           "%zu: \"%s\" must be a date such as 2023-02-28 or "
			           "2023-02-28T10:00:00+01:00",
			           n->line, *keys);
			return -1;
		}
		*has = 1;
		return 0;
	}
	return 0;
}

static int fm_fields(const struct ynode *root, size_t yline, struct arena *a,
                     struct frontmatter *fm, struct buf *err);

int frontmatter_parse(const char *src, size_t len, int complete, long max, struct arena *a,
                      struct frontmatter *fm, struct buf *err)
{
	size_t yoff = 0, ylen = 0, yline = 2;
	long body = frontmatter_split(src, len, complete, max, &yoff, &ylen, &yline, err);
	const struct ynode *root;

	memset(fm, 0, sizeof(*fm));
	if (body < 0)
		return -1;
	fm->body_offset = (size_t)body;
	/* The YAML tree lives only while the fields are taken from it. */
	struct arena tree = {0};
	root = ytree_parse(src + yoff, ylen, yline, FRONTMATTER_DEPTH, &tree, err);
	int rc = root == NULL ? -1 : fm_fields(root, yline, a, fm, err);
	arena_free(&tree);
	return rc;
}

/* The fields read as text above stay text for layouts too, though YAML reads
 * "title: Yes" or "description: off" as a boolean. */
static void fm_text_fields(const struct ynode *root, struct value *fields, struct arena *a)
{
	static const char *const keys[] = {
	    "title",       "route",   "permalink", "url",       "path",   "slug", "layout",
	    "description", "summary", "excerpt",   "canonical", "robots", "type"};
	struct member *m = (struct member *)fields->u.map.items;

	for (size_t i = 0; i < fields->u.map.len; i++)
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (m[i].value.type == VALUE_BOOL && m[i].keylen == strlen(keys[k]) &&
			    memcmp(m[i].key, keys[k], m[i].keylen) == 0) {
				const struct ynode *n = root->items[2 * i + 1];
				m[i].value = value_string(arena_strndup(a, n->str, n->len), n->len);
			}
}

/* menu: as Hugo has it: a menu's name ("main"), a list of names, or a map from each
 * name to its entry's settings, of which quire reads weight (when the post has none). */
static int fm_menus(const struct ynode *root, struct frontmatter *fm, struct arena *a,
                    struct buf *err)
{
	const struct ynode *n = ytree_get(root, "menu");

	if (n == NULL)
		n = ytree_get(root, "menus");
	if (n == NULL || ytree_null(n))
		return 0;
	if (n->kind != YNODE_MAP) {
		struct ynode wrap = {.kind = YNODE_MAP, .n = 1, .line = n->line};
		struct ynode key = {.kind = YNODE_SCALAR, .str = "menu", .len = 4};
		struct ynode *items[2] = {&key, (struct ynode *)n};
		wrap.items = items;
		return fm_list(&wrap, "menu", &fm->menus, a, err);
	}
	const char **names = arena_alloc(a, (n->n ? n->n : 1) * sizeof(*names));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->items[2 * i], *v = n->items[2 * i + 1];
		if ((names[i] = fm_cstr(k, "menu", a, err)) == NULL)
			return -1;
		const struct ynode *w = v->kind == YNODE_MAP ? ytree_get(v, "weight") : NULL;
		if (w != NULL && !fm->has_order && ytree_double(w, &fm->order) == 0)
			fm->has_order = 1;
	}
	fm->menus.items = names;
	fm->menus.len = n->n;
	return 0;
}

/* The fields quire knows, from a parsed front matter, copied into a. */
static int fm_fields(const struct ynode *root, size_t yline, struct arena *a,
                     struct frontmatter *fm, struct buf *err)
{
	static const char *const route_keys[] = {"route", "permalink", "url", "path", NULL};
	static const char *const summary_keys[] = {"summary", "excerpt", NULL};
	static const char *const order_keys[] = {"order", "weight", NULL};
	static const char *const date_keys[] = {"date", NULL};
	static const char *const lastmod_keys[] = {"lastmod", "updated", "last_modified_at", NULL};
	static const char *const publish_keys[] = {"publishDate", "publish_date", NULL};
	static const char *const expiry_keys[] = {"expiryDate", "expiry_date", NULL};
	const struct ynode *n;

	if (root->kind != YNODE_MAP) {
		buf_printf(err, "%zu: front matter must be a map of fields", root->line);
		return -1;
	}
	if (fm_text(root, "title", &fm->title, err, a) < 0 ||
	    fm_text_any(root, route_keys, &fm->route, err, a) < 0 ||
	    fm_text(root, "slug", &fm->slug, err, a) < 0 ||
	    fm_text(root, "layout", &fm->layout, err, a) < 0 ||
	    fm_text(root, "description", &fm->description, err, a) < 0 ||
	    fm_text_any(root, summary_keys, &fm->summary, err, a) < 0 ||
	    fm_text(root, "canonical", &fm->canonical, err, a) < 0 ||
	    fm_text(root, "robots", &fm->robots, err, a) < 0 ||
	    fm_text(root, "type", &fm->type, err, a) < 0)
		return -1;
	if (fm->title == NULL || fm->title[0] == '\0') {
		buf_printf(err, "%zu: missing title", yline);
		return -1;
	}
	for (const char *const *k = order_keys; *k; k++) {
		n = ytree_get(root, *k);
		if (n == NULL || ytree_null(n))
			continue;
		if (ytree_double(n, &fm->order) < 0) {
			buf_printf(err, "%zu: \"%s\" must be a number", n->line, *k);
			return -1;
		}
		fm->has_order = 1;
		break;
	}
	if (fm_date(root, date_keys, &fm->date, &fm->has_date, err) < 0 ||
	    fm_date(root, lastmod_keys, &fm->lastmod, &fm->has_lastmod, err) < 0 ||
	    fm_date(root, publish_keys, &fm->publish, &fm->has_publish, err) < 0 ||
	    fm_date(root, expiry_keys, &fm->expiry, &fm->has_expiry, err) < 0)
		return -1;
	n = ytree_get(root, "draft");
	if (n != NULL && ytree_bool(n) == 1)
		fm->draft = 1;
	n = ytree_get(root, "published");
	if (n != NULL && ytree_bool(n) == 0)
		fm->draft = 1;
	if (fm_list(root, "tags", &fm->tags, a, err) < 0 ||
	    fm_list(root, "categories", &fm->categories, a, err) < 0 ||
	    fm_list(root, "aliases", &fm->aliases, a, err) < 0 ||
	    fm_list(root, "redirect_from", &fm->aliases, a, err) < 0 ||
	    fm_list(root, "author", &fm->authors, a, err) < 0 ||
	    fm_list(root, "authors", &fm->authors, a, err) < 0 || fm_menus(root, fm, a, err) < 0)
		return -1;
	fm_value(root, &fm->fields, a);
	fm_text_fields(root, &fm->fields, a);
	return 0;
}

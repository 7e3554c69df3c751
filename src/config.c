/* config.c — the site's configuration file, conf/quire.yaml. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "log.h"
#include "mem.h"
#include "ytree.h"

enum config_type {
	CONFIG_SECTION,
	CONFIG_STRING,
	CONFIG_PATH, /* a string resolved against the configuration file's folder */
	CONFIG_COUNT,
	CONFIG_BYTES,
	CONFIG_RAW_HTML,
	CONFIG_HEADER, /* a string that goes into a response header */
	CONFIG_BOOL,
	CONFIG_PERMALINK,
	CONFIG_SORT,
	CONFIG_FEED_CONTENT,
	CONFIG_MENU,       /* a list of entries: title, and route or url */
	CONFIG_TAXONOMIES, /* a list of names, or Hugo's map of singular to plural */
	CONFIG_RELATED,    /* a whole number from 0 to 20 */
	CONFIG_FIELDS,     /* search.fields: a list of title, description, tags, body */
	CONFIG_SNIPPET,    /* a whole number from 1 to 64 */
	CONFIG_LEVELS,     /* heading levels: "2-3", or one, "2" */
};

/* The words a permalink pattern may use. */
static const char *const config_permalink_words[] = {"year", "month", "day", "slug", "title", NULL};

/* A pattern starts with '/' and uses only config_permalink_words after ':'. */
static int config_permalink_ok(const char *p)
{
	if (*p != '/')
		return 0;
	for (; *p; p++) {
		if (*p != ':')
			continue;
		size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz");
		int known = 0;
		for (const char *const *w = config_permalink_words; *w; w++)
			known |= strlen(*w) == n && strncmp(p + 1, *w, n) == 0;
		if (!known)
			return 0;
	}
	return 1;
}

struct config_key {
	const char *name; /* dotted: "site.title" */
	enum config_type type;
	size_t offset;
};

#define KEY(name, type, field)                                                                     \
	{                                                                                          \
		name, type, offsetof(struct config, field)                                         \
	}

static const struct config_key config_keys[] = {
    {"site", CONFIG_SECTION, 0},
    KEY("site.title", CONFIG_STRING, site_title),
    KEY("site.base_url", CONFIG_STRING, site_base_url),
    KEY("site.description", CONFIG_STRING, site_description),
    KEY("site.language", CONFIG_STRING, site_language),
    KEY("site.author", CONFIG_STRING, site_author),
    KEY("mount", CONFIG_STRING, mount),
    KEY("posts", CONFIG_PATH, posts_dir),
    KEY("static", CONFIG_PATH, static_dir),
    KEY("layouts", CONFIG_PATH, layouts_dir),
    KEY("default_layout", CONFIG_STRING, default_layout),
    KEY("permalink", CONFIG_PERMALINK, permalink),
    KEY("sort", CONFIG_SORT, sort_by_order),
    KEY("paginate", CONFIG_COUNT, paginate),
    {"feed", CONFIG_SECTION, 0},
    KEY("feed.content", CONFIG_FEED_CONTENT, feed_summary),
    KEY("feed.size", CONFIG_COUNT, feed_size),
    KEY("state", CONFIG_PATH, state_dir),
    KEY("socket", CONFIG_PATH, socket),
    KEY("workers", CONFIG_COUNT, workers),
    KEY("user", CONFIG_STRING, user),
    KEY("allow_root", CONFIG_BOOL, allow_root),
    KEY("sandbox", CONFIG_BOOL, sandbox),
    KEY("spare", CONFIG_BOOL, spare),
    {"markdown", CONFIG_SECTION, 0},
    KEY("markdown.raw_html", CONFIG_RAW_HTML, raw_html_escape),
    KEY("markdown.toc_levels", CONFIG_LEVELS, toc_levels),
    KEY("markdown.smart", CONFIG_BOOL, markdown_smart),
    KEY("markdown.math", CONFIG_BOOL, markdown_math),
    {"cache", CONFIG_SECTION, 0},
    KEY("cache.size", CONFIG_BYTES, cache_size),
    {"http", CONFIG_SECTION, 0},
    KEY("http.cache_control", CONFIG_HEADER, cache_control),
    {"limits", CONFIG_SECTION, 0},
    KEY("limits.post_size", CONFIG_BYTES, post_max),
    KEY("limits.front_matter_size", CONFIG_BYTES, front_matter_max),
    KEY("limits.read_timeout", CONFIG_COUNT, read_timeout),
    KEY("menu", CONFIG_MENU, menu),
    KEY("taxonomies", CONFIG_TAXONOMIES, taxonomies),
    KEY("related", CONFIG_RELATED, related),
    {"search", CONFIG_SECTION, 0},
    KEY("search.enabled", CONFIG_BOOL, search),
    KEY("dev", CONFIG_BOOL, dev),
    KEY("search.fields", CONFIG_FIELDS, search_fields),
    KEY("search.per_page", CONFIG_COUNT, search_per_page),
    KEY("search.snippet", CONFIG_SNIPPET, search_snippet),
};

static char *config_resolve(const char *file, const char *path)
{
	const char *slash = strrchr(file, '/');
	struct buf b = {0};

	if (path[0] == '/' || slash == NULL)
		return xstrndup(path, strlen(path));
	buf_add(&b, file, (size_t)(slash - file) + 1);
	buf_adds(&b, path);
	buf_cstr(&b);
	return b.data;
}

static const struct config_key *config_find(const char *name)
{
	for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

/* A menu entry's text: one line, no control characters, at most 1024 bytes. */
static char *config_menu_text(const struct ynode *e, const char *key, int required, struct buf *err)
{
	const struct ynode *v = ytree_get(e, key);

	if (v == NULL || ytree_null(v)) {
		if (required)
			buf_printf(err, "%zu: a menu entry needs \"%s\"", e->line, key);
		return NULL;
	}
	for (size_t i = 0; v->kind == YNODE_SCALAR && i < v->len; i++)
		if ((unsigned char)v->str[i] < 0x20 || v->str[i] == 0x7f) {
			buf_printf(err, "%zu: menu \"%s\" holds a control character", v->line, key);
			return NULL;
		}
	if (v->kind != YNODE_SCALAR || v->len == 0 || v->len > 1024) {
		buf_printf(err, "%zu: menu \"%s\" must be text of 1 to 1024 bytes", v->line, key);
		return NULL;
	}
	return xstrndup(v->str, v->len);
}

static void config_menu_free(struct config *c)
{
	for (size_t i = 0; i < c->nmenu; i++) {
		free(c->menu[i].title);
		free(c->menu[i].route);
		free(c->menu[i].url);
	}
	free(c->menu);
	c->menu = NULL;
	c->nmenu = 0;
}

/* menu: a list of entries, each a title and a route in the site ("/about") or a URL
 * elsewhere (http, https or mailto), and maybe a weight. Hugo's shape is taken too: a
 * map of menus of which "main" is this one, entries with name for title and url or
 * pageRef for the link (one starting with / is a route). */
static int config_menu(struct config *c, const struct ynode *v, struct buf *err)
{
	config_menu_free(c);
	c->has_menu = 1;
	if (v->kind == YNODE_MAP)
		v = ytree_get(v, "main");
	if (v == NULL || ytree_null(v))
		return 0;
	if (v->kind != YNODE_LIST) {
		buf_printf(err, "%zu: \"menu\" must be a list of entries (title, route or url)",
		           v->line);
		return -1;
	}
	c->menu = xcalloc(v->n ? v->n : 1, sizeof(*c->menu));
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *e = v->items[i], *w;
		struct config_menu *m = &c->menu[c->nmenu];
		if (e->kind != YNODE_MAP) {
			buf_printf(err, "%zu: a menu entry must be a map (title, route or url)",
			           e->line);
			return -1;
		}
		c->nmenu++;
		m->title = config_menu_text(e, ytree_get(e, "title") ? "title" : "name", 1, err);
		if (m->title == NULL)
			return -1;
		static const char *const links[] = {"route", "url", "pageRef"};
		for (size_t k = 0; k < 3 && m->route == NULL && m->url == NULL && !err->len; k++) {
			char *link = config_menu_text(e, links[k], 0, err);
			if (link != NULL && link[0] == '/' && link[1] != '/')
				m->route = link;
			else
				m->url = link;
		}
		if (err->len > 0)
			return -1;
		if (m->route == NULL && m->url == NULL) {
			buf_printf(err, "%zu: a menu entry needs \"route\" or \"url\"", e->line);
			return -1;
		}
		if (m->route && (m->route[0] != '/' || strpbrk(m->route, " ?#") != NULL)) {
			buf_printf(err, "%zu: a menu route must be a path that starts with /",
			           e->line);
			return -1;
		}
		if (m->url && strncmp(m->url, "https://", 8) != 0 &&
		    strncmp(m->url, "http://", 7) != 0 && strncmp(m->url, "mailto:", 7) != 0) {
			buf_printf(
			    err, "%zu: a menu url must start with /, https://, http:// or mailto:",
			    e->line);
			return -1;
		}
		if ((w = ytree_get(e, "weight")) != NULL) {
			if (ytree_double(w, &m->weight) < 0) {
				buf_printf(err, "%zu: a menu weight must be a number", w->line);
				return -1;
			}
			m->has_weight = 1;
		}
	}
	return 0;
}

static void config_taxonomies_free(struct config *c)
{
	for (size_t i = 0; i < c->ntaxonomies; i++) {
		free(c->taxonomies[i].name);
		free(c->taxonomies[i].singular);
		free(c->taxonomies[i].title);
	}
	c->ntaxonomies = 0;
}

/* Names quire's own addresses take, which no taxonomy may have. */
static const char *const config_taxonomy_taken[] = {"page",   "static",   "archive",
                                                    "search", "_preview", NULL};

/* A taxonomy's name: a lower-case letter, then letters, digits, '-' or '_', at most 32. */
static int config_taxonomy_name_ok(const struct ynode *v)
{
	if (v->kind != YNODE_SCALAR || v->len == 0 || v->len > 32 || v->str[0] < 'a' ||
	    v->str[0] > 'z')
		return 0;
	for (size_t i = 0; i < v->len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789-_", v->str[i]) == NULL ||
		    v->str[i] == '\0')
			return 0;
	for (const char *const *t = config_taxonomy_taken; *t; t++)
		if (strlen(*t) == v->len && memcmp(*t, v->str, v->len) == 0)
			return 0;
	return 1;
}

/* What one term of the taxonomy name is called, when not given: "tags" -> "tag",
 * "categories" -> "category", "series" -> "series". */
static char *config_singular(const char *name)
{
	size_t n = strlen(name);
	struct buf b = {0};

	if (n >= 6 && strcmp(name + n - 6, "series") == 0)
		return xstrndup(name, n);
	if (n > 3 && strcmp(name + n - 3, "ies") == 0) {
		buf_add(&b, name, n - 3);
		buf_addc(&b, 'y');
		buf_cstr(&b);
		return b.data;
	}
	if (n > 1 && name[n - 1] == 's')
		n--;
	return xstrndup(name, n);
}

/* A taxonomy's name as a title: "release_notes" -> "Release notes". */
static char *config_title(const char *name)
{
	char *t = xstrndup(name, strlen(name));

	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 32);
	for (char *p = t; *p; p++)
		if (*p == '_' || *p == '-')
			*p = ' ';
	return t;
}

/* taxonomies: a list of names ([tags, categories, series]), or Hugo's map of what one term
 * is called to the taxonomy's name ({tag: tags, category: categories}). Given, it replaces
 * the default (tags and categories); empty, the site has none. */
static int config_taxonomies(struct config *c, const struct ynode *v, struct buf *err)
{
	size_t n = v->kind == YNODE_LIST || v->kind == YNODE_MAP ? v->n : 0;

	config_taxonomies_free(c);
	if (ytree_null(v))
		return 0;
	if (v->kind == YNODE_SCALAR) {
		buf_printf(err, "%zu: \"taxonomies\" must be a list of names or a map", v->line);
		return -1;
	}
	if (n > CONFIG_TAXONOMIES_MAX) {
		buf_printf(err, "%zu: at most %d taxonomies", v->line, CONFIG_TAXONOMIES_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ynode *name =
		    v->kind == YNODE_LIST ? v->items[i] : v->items[2 * i + 1];
		const struct ynode *one = v->kind == YNODE_MAP ? v->items[2 * i] : NULL;
		if (!config_taxonomy_name_ok(name) ||
		    (one != NULL && !config_taxonomy_name_ok(one))) {
			const struct ynode *bad = config_taxonomy_name_ok(name) ? one : name;
			buf_printf(err,
			           "%zu: a taxonomy's name is a lower-case letter, then letters, "
			           "digits, - or _ (at most 32), and not page, static, archive, "
			           "search or _preview",
			           bad->line);
			return -1;
		}
		if (config_taxonomy(c, name->str, name->len) != NULL) {
			buf_printf(err, "%zu: taxonomy \"%s\" is named twice", name->line,
			           name->str);
			return -1;
		}
		struct config_taxonomy *t = &c->taxonomies[c->ntaxonomies++];
		t->name = xstrndup(name->str, name->len);
		t->singular = one ? xstrndup(one->str, one->len) : config_singular(t->name);
		t->title = config_title(t->name);
	}
	return 0;
}

/* search.fields: which of a post's fields the index holds. */
static int config_fields(struct config *c, const struct ynode *v, struct buf *err)
{
	static const char *const names[] = {"title", "description", "tags", "body"};

	if (v->kind != YNODE_LIST || v->n == 0) {
		buf_printf(err,
		           "%zu: \"search.fields\" must be a list of title, description, "
		           "tags and body",
		           v->line);
		return -1;
	}
	c->search_fields = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *f = v->items[i];
		size_t k = 0;
		while (k < 4 && !(f->kind == YNODE_SCALAR && strcmp(f->str, names[k]) == 0))
			k++;
		if (k == 4) {
			buf_printf(err, "%zu: a search field is title, description, tags or body",
			           f->line);
			return -1;
		}
		c->search_fields |= 1L << k;
	}
	return 0;
}

const struct config_taxonomy *config_taxonomy(const struct config *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->ntaxonomies; i++)
		if (strlen(c->taxonomies[i].name) == len &&
		    memcmp(c->taxonomies[i].name, name, len) == 0)
			return &c->taxonomies[i];
	return NULL;
}

static int config_set(struct config *c, const struct config_key *k, const struct ynode *v,
                      struct buf *err)
{
	void *field = (char *)c + k->offset;
	long n;

	if (k->type == CONFIG_MENU)
		return config_menu(c, v, err);
	if (k->type == CONFIG_TAXONOMIES)
		return config_taxonomies(c, v, err);
	if (k->type == CONFIG_FIELDS)
		return config_fields(c, v, err);
	if (k->type != CONFIG_SECTION && v->kind != YNODE_SCALAR) {
		buf_printf(err, "%zu: \"%s\" must be a single value", v->line, k->name);
		return -1;
	}
	switch (k->type) {
	case CONFIG_SECTION:
	case CONFIG_MENU:
	case CONFIG_TAXONOMIES:
	case CONFIG_FIELDS:
		return 0;
	case CONFIG_SNIPPET:
	case CONFIG_RELATED:
	case CONFIG_COUNT: {
		long lo = k->type == CONFIG_RELATED ? 0 : 1;
		long hi = k->type == CONFIG_COUNT ? 1024 : k->type == CONFIG_SNIPPET ? 64 : 20;
		if (ytree_long(v, &n) < 0 || n < lo || n > hi) {
			buf_printf(err, "%zu: \"%s\" must be a whole number from %ld to %ld",
			           v->line, k->name, lo, hi);
			return -1;
		}
		*(long *)field = n;
		return 0;
	}
	case CONFIG_HEADER:
		if (strpbrk(v->str, "\r\n") != NULL) {
			buf_printf(err, "%zu: \"%s\" must be one line", v->line, k->name);
			return -1;
		}
		/* fall through */
	case CONFIG_STRING:
	case CONFIG_PATH: {
		char **s = field;
		free(*s);
		*s = k->type == CONFIG_PATH ? config_resolve(c->file, v->str)
		                            : xstrndup(v->str, v->len);
		return 0;
	}
	case CONFIG_BYTES:
		if (ytree_long(v, &n) < 0 || n < 1 || n > 1024L * 1024 * 1024) {
			buf_printf(err, "%zu: \"%s\" must be a size in bytes, at most 1 GiB",
			           v->line, k->name);
			return -1;
		}
		*(long *)field = n;
		return 0;
	case CONFIG_PERMALINK:
		if (!config_permalink_ok(v->str)) {
			buf_printf(
			    err,
			    "%zu: \"%s\" must start with / and use only :year, :month, :day, "
			    ":slug and :title",
			    v->line, k->name);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrndup(v->str, v->len);
		return 0;
	case CONFIG_SORT:
	case CONFIG_FEED_CONTENT: {
		const char *a = k->type == CONFIG_SORT ? "date" : "full";
		const char *b = k->type == CONFIG_SORT ? "order" : "summary";
		if (strcmp(v->str, a) != 0 && strcmp(v->str, b) != 0) {
			buf_printf(err, "%zu: \"%s\" must be %s or %s", v->line, k->name, a, b);
			return -1;
		}
		*(int *)field = strcmp(v->str, b) == 0;
		return 0;
	}
	case CONFIG_BOOL:
		n = ytree_bool(v);
		if (n < 0) {
			buf_printf(err, "%zu: \"%s\" must be true or false", v->line, k->name);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	case CONFIG_LEVELS: {
		/* One digit, or two with '-' between. */
		const char *s = v->str;
		int lo = 0, hi = 0;
		if (v->len == 1 && s[0] >= '1' && s[0] <= '6')
			lo = hi = s[0] - '0';
		else if (v->len == 3 && s[1] == '-' && s[0] >= '1' && s[0] <= '6' && s[2] >= '1' &&
		         s[2] <= '6')
			lo = s[0] - '0', hi = s[2] - '0';
		if (lo < 1 || lo > hi) {
			buf_printf(err,
			           "%zu: \"%s\" must be heading levels from 1 to 6, as 2-3 or 2",
			           v->line, k->name);
			return -1;
		}
		((int *)field)[0] = lo;
		((int *)field)[1] = hi;
		return 0;
	}
	case CONFIG_RAW_HTML:
		if (strcmp(v->str, "keep") == 0) {
			*(int *)field = 0;
		} else if (strcmp(v->str, "escape") == 0) {
			*(int *)field = 1;
		} else {
			buf_printf(err, "%zu: \"%s\" must be keep or escape", v->line, k->name);
			return -1;
		}
		return 0;
	}
	return 0;
}

/* Walk a map, matching each key against the dotted names in config_keys. */
static int config_walk(struct config *c, const struct ynode *map, const char *prefix,
                       struct buf *err)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i], *v = map->items[2 * i + 1];
		char name[128];
		const struct config_key *key;

		snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "", k->str);
		key = config_find(name);
		if (key == NULL) {
			buf_printf(err, "%zu: unknown key \"%s\"", k->line, name);
			return -1;
		}
		if (key->type == CONFIG_SECTION && v->kind != YNODE_MAP) {
			buf_printf(err, "%zu: \"%s\" must be a map of settings", v->line, name);
			return -1;
		}
		if (config_set(c, key, v, err) < 0)
			return -1;
		if (key->type == CONFIG_SECTION && config_walk(c, v, name, err) < 0)
			return -1;
	}
	return 0;
}

static void config_defaults(struct config *c, const char *file)
{
	memset(c, 0, sizeof(*c));
	c->file = xstrndup(file, strlen(file));
	c->site_title = xstrndup("quire", 5);
	c->site_base_url = xstrndup("http://127.0.0.1:8080", 21);
	c->site_description = xstrndup("", 0);
	c->site_language = xstrndup("en", 2);
	c->site_author = xstrndup("", 0);
	c->mount = xstrndup("/", 1);
	c->posts_dir = config_resolve(file, "../posts");
	c->layouts_dir = config_resolve(file, "layouts");
	c->default_layout = xstrndup("Post", 4);
	c->socket = NULL;
	c->workers = 8;
	c->sandbox = 1;
	c->spare = 1;
	c->markdown_smart = 1;
	c->paginate = 10;
	c->feed_size = 20;
	c->cache_size = 20L * 1024 * 1024;
	c->cache_control = xstrndup("public, max-age=0, must-revalidate", 35);
	c->post_max = 1024L * 1024;
	c->front_matter_max = 64L * 1024;
	c->read_timeout = 30;
	c->related = 3;
	c->toc_levels[0] = 2;
	c->toc_levels[1] = 3;
	c->search = 1;
	c->search_fields = SEARCH_ALL;
	c->search_per_page = 10;
	c->search_snippet = 24;
	c->taxonomies[0] =
	    (struct config_taxonomy){xstrndup("tags", 4), xstrndup("tag", 3), config_title("tags")};
	c->taxonomies[1] = (struct config_taxonomy){
	    xstrndup("categories", 10), xstrndup("category", 8), config_title("categories")};
	c->ntaxonomies = 2;
}

/* Without static:, the folder "static" beside the posts folder. */
static void config_static_default(struct config *c)
{
	size_t n = strlen(c->posts_dir);
	struct buf b = {0};

	if (c->static_dir != NULL)
		return;
	while (n > 1 && c->posts_dir[n - 1] == '/')
		n--;
	while (n > 0 && c->posts_dir[n - 1] != '/')
		n--;
	buf_add(&b, c->posts_dir, n);
	buf_adds(&b, "static");
	buf_cstr(&b);
	c->static_dir = b.data;
}

/* "/blog", "blog/", "/blog/" all become "/blog/"; "" and "/" become "/". */
static int config_fix_mount(struct config *c, struct buf *err)
{
	struct buf b = {0};
	const char *m = c->mount;

	for (const char *p = m; *p; p++) {
		if (*p == '?' || *p == '#' || *p == '%' || (unsigned char)*p < 0x21 ||
		    (unsigned char)*p == 0x7f) {
			buf_printf(err, " \"mount\" must be a plain URL path such as /blog/");
			return -1;
		}
	}
	if (m[0] != '/')
		buf_addc(&b, '/');
	buf_adds(&b, m);
	if (b.len == 0 || b.data[b.len - 1] != '/')
		buf_addc(&b, '/');
	buf_cstr(&b);
	free(c->mount);
	c->mount = b.data;
	/* base_url carries no trailing slash: URLs are base_url + mount + route. */
	size_t n = strlen(c->site_base_url);
	while (n > 0 && c->site_base_url[n - 1] == '/')
		c->site_base_url[--n] = '\0';
	return 0;
}

int config_load(struct config *c, const char *file)
{
	struct buf src = {0}, err = {0};
	struct arena a = {0};
	const struct ynode *root;
	int rc = -1;

	config_defaults(c, file);
	if (file_read(AT_FDCWD, file, 0, CONFIG_MAX, &src, NULL) < 0) {
		if (errno == EFBIG) {
			buf_printf(&err, "1: file larger than 1 MiB");
			goto fail;
		}
		log_msg(LOG_ERROR, "%s: cannot open: %s", file, file_strerror(errno));
		goto out;
	}
	root = ytree_parse(src.data ? src.data : "", src.len, 1, 8, &a, &err);
	if (root == NULL)
		goto fail;
	if (root->kind != YNODE_MAP) {
		buf_printf(&err, "%zu: the configuration must be a map of settings", root->line);
		goto fail;
	}
	if (config_walk(c, root, "", &err) < 0 || config_fix_mount(c, &err) < 0)
		goto fail;
	c->date_archives = c->permalink != NULL && strncmp(c->permalink, "/:year/", 7) == 0;
	config_static_default(c);
	c->theme_dir = config_resolve(c->file, "static");
	rc = 0;
	goto out;
fail:
	log_msg(LOG_ERROR, "%s:%s", file, buf_cstr(&err));
out:
	/* Refused, it holds nothing: the caller has nothing to free. */
	if (rc < 0)
		config_free(c);
	buf_free(&src);
	buf_free(&err);
	arena_free(&a);
	return rc;
}

void config_free(struct config *c)
{
	free(c->file);
	free(c->site_title);
	free(c->site_base_url);
	free(c->site_description);
	free(c->site_language);
	free(c->site_author);
	free(c->mount);
	free(c->posts_dir);
	free(c->static_dir);
	free(c->theme_dir);
	free(c->layouts_dir);
	free(c->default_layout);
	free(c->socket);
	free(c->user);
	free(c->permalink);
	free(c->state_dir);
	free(c->cache_control);
	config_menu_free(c);
	config_taxonomies_free(c);
	memset(c, 0, sizeof(*c));
}

size_t config_mount_prefix(const struct config *c)
{
	size_t m = strlen(c->mount);

	return m > 0 && c->mount[m - 1] == '/' ? m - 1 : m;
}

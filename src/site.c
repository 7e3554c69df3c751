/* site.c — the site snapshot: every post, the route table, listings and layouts. */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "layout.h"
#include "log.h"
#include "post.h"
#include "template.h"

static int site_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int site_listed_cmp(const void *a, const void *b)
{
	const struct post *x = *(const struct post *const *)a;
	const struct post *y = *(const struct post *const *)b;

	/* Posts with an order come first, lowest first; then by title, then file. */
	if (x->has_order != y->has_order)
		return x->has_order ? -1 : 1;
	if (x->has_order && x->order != y->order)
		return x->order < y->order ? -1 : 1;
	int c = strcmp(x->title, y->title);
	return c ? c : strcmp(x->name, y->name);
}

/* The names of the folder's candidate posts, sorted: the same order on every start. */
static char **site_scan(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	*count = 0;
	if (d == NULL) {
		log_msg(LOG_ERROR, "%s: cannot open the posts folder: %s", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && e->d_name[0] == '.')
			continue;
		if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0 || e->d_name[0] == '.') {
			log_msg(LOG_INFO, "%s/%s: skipped: not a post (*.md)", dir, e->d_name);
			continue;
		}
		if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
			log_msg(LOG_WARN, "%s/%s: skipped: %s", dir, e->d_name,
			        S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrndup(e->d_name, len);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), site_name_cmp);
	*count = n;
	return names ? names : xcalloc(1, sizeof(*names));
}

static void site_string(struct member *m, const char *key, const char *s)
{
	memset(m, 0, sizeof(*m));
	m->key = key;
	m->keylen = strlen(key);
	m->value.type = VALUE_STRING;
	m->value.u.string.p = s;
	m->value.u.string.len = strlen(s);
}

static void site_values(struct site *s)
{
	const struct config *c = s->config;
	struct member *m = arena_alloc(&s->arena, 7 * sizeof(*m));
	struct value *list = arena_alloc(&s->arena, (s->nlisted ? s->nlisted : 1) * sizeof(*list));

	site_string(&m[0], "title", c->site_title);
	site_string(&m[1], "base_url", c->site_base_url);
	site_string(&m[2], "description", c->site_description);
	site_string(&m[3], "language", c->site_language);
	site_string(&m[4], "author", c->site_author);
	site_string(&m[5], "mount", c->mount);
	s->site_value.type = VALUE_MAP;
	s->site_value.u.map.items = m;
	s->site_value.u.map.len = 6;
	for (size_t i = 0; i < s->nlisted; i++)
		list[i] = s->listed[i]->fields;
	s->posts_value.type = VALUE_LIST;
	s->posts_value.u.list.items = list;
	s->posts_value.u.list.len = s->nlisted;
	m = arena_alloc(&s->arena, sizeof(*m));
	site_string(m, "version", QUIRE_VERSION);
	s->quire_value.type = VALUE_MAP;
	s->quire_value.u.map.items = m;
	s->quire_value.u.map.len = 1;
}

static const struct template *site_layout(const struct site *s, const char *name)
{
	return template_set_find(s->layouts, name, strlen(name));
}

struct site *site_load(const struct config *c)
{
	struct site *s = xcalloc(1, sizeof(*s));
	char **names = NULL;
	size_t count = 0, n = 0;
	int dfd = -1, ok = 0;

	s->config = c;
	s->layouts = layout_load(c->layouts_dir);
	if (s->layouts == NULL)
		goto out;
	s->index_layout = site_layout(s, "index");
	if (s->index_layout == NULL || site_layout(s, "error") == NULL ||
	    site_layout(s, c->default_layout) == NULL) {
		log_msg(
		    LOG_ERROR,
		    "%s: the layouts folder needs index.mustache, error.mustache and %s.mustache",
		    c->layouts_dir, c->default_layout);
		goto out;
	}
	names = site_scan(c->posts_dir, &count);
	if (names == NULL)
		goto out;
	dfd = open(c->posts_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		log_msg(LOG_ERROR, "%s: cannot open the posts folder: %s", c->posts_dir,
		        strerror(errno));
		goto out;
	}
	s->posts = xcalloc(count ? count : 1, sizeof(*s->posts));
	for (size_t i = 0; i < count; i++)
		if (post_load(&s->posts[n], dfd, c->posts_dir, names[i], c) == 0)
			n++;
	s->nposts = n;
	/* Posts are in file-name order, so the first of two with one route wins on every start. */
	route_init(&s->routes, n);
	s->listed = xcalloc(n ? n : 1, sizeof(*s->listed));
	s->post_layout = xcalloc(n ? n : 1, sizeof(*s->post_layout));
	size_t listed = 0;
	for (size_t i = 0; i < n; i++) {
		const struct post *p = &s->posts[i];
		const struct post *taken = route_add(&s->routes, p);
		if (taken != NULL) {
			log_msg(LOG_ERROR,
			        "%s: route %s is already taken by %s; this post is left out",
			        p->path, p->route, taken->path);
			continue;
		}
		s->post_layout[i] = site_layout(s, p->layout ? p->layout : c->default_layout);
		if (s->post_layout[i] == NULL) {
			log_msg(LOG_WARN, "%s: layout \"%s\" does not exist; using \"%s\"", p->path,
			        p->layout, c->default_layout);
			s->post_layout[i] = site_layout(s, c->default_layout);
		}
		s->listed[listed++] = p;
	}
	s->nlisted = listed;
	qsort(s->listed, listed, sizeof(*s->listed), site_listed_cmp);
	site_values(s);
	ok = 1;
out:
	if (dfd >= 0)
		close(dfd);
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	if (!ok) {
		site_free(s);
		return NULL;
	}
	return s;
}

void site_free(struct site *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nposts; i++)
		post_free(&s->posts[i]);
	free(s->posts);
	free(s->listed);
	free(s->post_layout);
	route_free(&s->routes);
	if (s->layouts != NULL)
		template_set_free(s->layouts);
	arena_free(&s->arena);
	free(s);
}

const struct template *site_post_layout(const struct site *s, const struct post *p)
{
	return s->post_layout[p - s->posts];
}

const struct template *site_error_layout(const struct site *s, int status)
{
	char name[16];
	const struct template *t;

	snprintf(name, sizeof(name), "%d", status);
	t = site_layout(s, name);
	return t ? t : site_layout(s, "error");
}

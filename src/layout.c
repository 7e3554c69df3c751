/* layout.c — the site's layouts: a folder of Mustache files, and what they see. */
#include "layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "file.h"
#include "log.h"
#include "mem.h"
#include "template.h"
#include "value.h"

#define LAYOUT_MAX    (1024 * 1024)
#define LAYOUT_SUFFIX ".mustache"

static int layout_names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int layout_read(const char *path, struct buf *out, time_t *newest)
{
	struct stat st;

	if (file_read(AT_FDCWD, path, FILE_NOFOLLOW, LAYOUT_MAX, out, &st) < 0)
		return -1;
	if (st.st_mtime > *newest)
		*newest = st.st_mtime;
	return 0;
}

struct layouts *layout_load(const char *dir)
{
	struct template_set *set = template_set_new(1);
	struct layouts *l = NULL;
	time_t newest = 0;
	struct buf src = {0}, err = {0}, path = {0};
	char **names = NULL;
	size_t n = 0, cap = 0, slen = strlen(LAYOUT_SUFFIX);
	struct dirent *e;
	DIR *d = opendir(dir);
	int ok = 0;

	if (d == NULL) {
		log_msg(LOG_ERROR, "%s: cannot open the layouts folder: %s", dir, strerror(errno));
		goto out;
	}
	/* Sorted, so that errors come in the same order on every start. */
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= slen ||
		    strcmp(e->d_name + len - slen, LAYOUT_SUFFIX) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrndup(e->d_name, len);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), layout_names_cmp);
	for (size_t i = 0; i < n; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, names[i]);
		if (layout_read(buf_cstr(&path), &src, &newest) < 0) {
			log_msg(LOG_ERROR, "%s: cannot read the layout (or larger than 1 MiB)",
			        path.data);
			goto out;
		}
		buf_reset(&err);
		if (template_set_add(set, names[i], strlen(names[i]) - slen,
		                     src.data ? src.data : "", src.len, path.data, &err) < 0) {
			log_msg(LOG_ERROR, "%s", buf_cstr(&err));
			goto out;
		}
	}
	buf_reset(&err);
	if (template_set_link(set, &err) < 0) {
		log_msg(LOG_ERROR, "%s", buf_cstr(&err));
		goto out;
	}
	ok = 1;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_free(&src);
	buf_free(&err);
	buf_free(&path);
	if (!ok) {
		template_set_free(set);
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	l->refs = 1;
	l->set = set;
	l->modified = newest;
	return l;
}

void layout_ref(struct layouts *l)
{
	__atomic_add_fetch(&l->refs, 1, __ATOMIC_RELAXED);
}

void layout_unref(struct layouts *l)
{
	if (l == NULL || __atomic_sub_fetch(&l->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	template_set_free(l->set);
	free(l);
}

static void layout_member(struct member *m, const char *key, const struct value *v)
{
	m->key = key;
	m->keylen = strlen(key);
	m->value = *v;
}

/* What layout_menu() made for one render. */
struct layout_menu {
	struct member *site;  /* a copy of site's members, its menu replaced */
	struct value *items;  /* a copy of the menu's entries, one replaced */
	struct member *entry; /* a copy of that entry's members, current: true */
};

/* Into *site: ctx's site with the entry of site.menu whose url is page's marked current,
 * when there is one (else *site is ctx's as it is). Copies only what changes; free it
 * with layout_menu_free(). */
static void layout_menu(const struct value *in, const struct value *page, struct value *site,
                        struct layout_menu *lm)
{
	const struct value *menu = value_get(in, "menu", 4), *url = value_get(page, "url", 3);
	size_t k, n, at = SIZE_MAX;

	*site = *in;
	memset(lm, 0, sizeof(*lm));
	if (menu == NULL || menu->type != VALUE_LIST || url == NULL || url->type != VALUE_STRING)
		return;
	for (k = 0; k < menu->u.list.len && at == SIZE_MAX; k++) {
		const struct value *u = value_get(&menu->u.list.items[k], "url", 3);
		if (u != NULL && u->type == VALUE_STRING && u->u.string.len == url->u.string.len &&
		    memcmp(u->u.string.p, url->u.string.p, u->u.string.len) == 0)
			at = k;
	}
	if (at == SIZE_MAX)
		return;
	const struct value *entry = &menu->u.list.items[at];
	n = entry->u.map.len;
	lm->entry = xcalloc(n, sizeof(*lm->entry));
	memcpy(lm->entry, entry->u.map.items, n * sizeof(*lm->entry));
	for (k = 0; k < n; k++)
		if (lm->entry[k].keylen == 7 && memcmp(lm->entry[k].key, "current", 7) == 0)
			lm->entry[k].value.u.boolean = 1;
	lm->items = xcalloc(menu->u.list.len, sizeof(*lm->items));
	memcpy(lm->items, menu->u.list.items, menu->u.list.len * sizeof(*lm->items));
	lm->items[at].u.map.items = lm->entry;
	lm->site = xcalloc(in->u.map.len, sizeof(*lm->site));
	memcpy(lm->site, in->u.map.items, in->u.map.len * sizeof(*lm->site));
	for (k = 0; k < in->u.map.len; k++)
		if (lm->site[k].keylen == 4 && memcmp(lm->site[k].key, "menu", 4) == 0)
			lm->site[k].value.u.list.items = lm->items;
	site->u.map.items = lm->site;
}

static void layout_menu_free(struct layout_menu *lm)
{
	free(lm->site);
	free(lm->items);
	free(lm->entry);
}

int layout_render(const struct layout_context *ctx, const struct template *t,
                  const struct value *page, const struct value *posts, struct buf *out)
{
	struct member m[6];
	struct value root, year = {0}, site;
	struct layout_menu lm;
	int rc;
	time_t now = clock_now();
	struct tm tm;

	gmtime_r(&now, &tm);
	year.type = VALUE_NUMBER;
	year.u.number = tm.tm_year + 1900;
	layout_menu(&ctx->site, page, &site, &lm);
	layout_member(&m[0], "site", &site);
	layout_member(&m[1], "page", page);
	layout_member(&m[2], "posts", posts ? posts : &ctx->posts);
	layout_member(&m[3], "year", &year);
	layout_member(&m[4], "quire", &ctx->quire);
	layout_member(&m[5], "archive", &ctx->archive);
	memset(&root, 0, sizeof(root));
	root.type = VALUE_MAP;
	root.u.map.items = m;
	root.u.map.len = 6;
	rc = template_render(t, &root, out);
	layout_menu_free(&lm);
	return rc;
}

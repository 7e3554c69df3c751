/* command.c — quire routes and quire new: what a site's route table holds, and a new post. */
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "address.h"
#include "buf.h"
#include "config.h"
#include "file.h"
#include "files.h"
#include "mem.h"
#include "post.h"
#include "preview.h"
#include "redirects.h"
#include "site.h"
#include "template.h"
#include "value.h"

/* The columns of a line of quire routes, made once for sorting and aligning (none empty). */
struct command_line {
	const struct address *a;
	struct buf address, state, file;
};

enum command_sort { SORT_ADDRESS, SORT_KIND, SORT_STATE, SORT_FILE };
static enum command_sort command_sort_by;

static int command_line_cmp(const void *x, const void *y)
{
	const struct command_line *a = x, *b = y;
	int c = 0;

	switch (command_sort_by) {
	case SORT_KIND:
		c = strcmp(a->a->kind, b->a->kind);
		break;
	case SORT_STATE:
		c = strcmp(a->state.data, b->state.data);
		break;
	case SORT_FILE:
		c = strcmp(a->file.data, b->file.data);
		break;
	case SORT_ADDRESS:
		break;
	}
	return c != 0 ? c : strcmp(a->address.data, b->address.data);
}

/* Is kind among the comma-separated names of list (NULL: all are)? */
static int command_kind_in(const char *kind, const char *list)
{
	size_t n = strlen(kind);

	for (const char *p = list; p != NULL && *p != '\0';) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && memcmp(p, kind, n) == 0)
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return list == NULL;
}

/* Write t (UTC) as "2026-12-10 09:00 UTC". */
static void command_time(time_t t, struct buf *out)
{
	char s[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M UTC", &tm);
	buf_adds(out, s);
}

/* A printable form of p: control characters as "?", so that a line stays one line. */
static void command_printable(const char *p, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++)
		buf_addc(out, (unsigned char)p[i] < 0x20 || p[i] == 0x7F ? '?' : p[i]);
}

static void command_line_make(const struct site *s, const struct address *a, struct command_line *l)
{
	const struct config *c = s->config;

	memset(l, 0, sizeof(*l));
	l->a = a;
	command_printable(c->mount, config_mount_prefix(c), &l->address);
	command_printable(a->path, a->len, &l->address);
	buf_adds(&l->state, address_state_name(a->state));
	if (a->state == ADDRESS_SCHEDULED || a->state == ADDRESS_EXPIRED) {
		buf_addc(&l->state, ' ');
		command_time(a->when, &l->state);
	} else if (a->state == ADDRESS_REDIRECT && a->post != NULL) {
		buf_adds(&l->state, " to ");
		command_printable(a->post->route, a->post->route_len, &l->state);
	}
	if (a->file != NULL) {
		const char *root = a->file->root == FILES_STATIC ? c->static_dir : c->posts_dir;
		buf_printf(&l->file, "%s/", root);
		command_printable(a->file->rel, strlen(a->file->rel), &l->file);
	} else if (a->post != NULL) {
		command_printable(a->post->path, strlen(a->post->path), &l->file);
	} else {
		buf_addc(&l->file, '-');
	}
	/* Each ends with a NUL, for sorting. */
	buf_cstr(&l->address);
	buf_cstr(&l->state);
	buf_cstr(&l->file);
}

static int command_routes_usage(void)
{
	fprintf(stderr, "usage: quire [-c config] routes [--kind K[,K...]] "
	                "[--sort address|kind|state|file]\n"
	                "       quire [-c config] routes --nginx | --apache | --redirects\n");
	return 2;
}

int command_routes(const struct site *s, int argc, char **argv)
{
	static const char *const sorts[] = {"address", "kind", "state", "file"};
	const char *kinds = NULL;
	int form = -1;
	struct address_list l;

	command_sort_by = SORT_ADDRESS;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc) {
			kinds = argv[++i];
		} else if (strcmp(argv[i], "--sort") == 0 && i + 1 < argc) {
			size_t k = 0;
			while (k < 4 && strcmp(argv[i + 1], sorts[k]) != 0)
				k++;
			if (k == 4)
				return command_routes_usage();
			command_sort_by = (enum command_sort)k;
			i++;
		} else if (strcmp(argv[i], "--nginx") == 0) {
			form = REDIRECTS_NGINX;
		} else if (strcmp(argv[i], "--apache") == 0) {
			form = REDIRECTS_APACHE;
		} else if (strcmp(argv[i], "--redirects") == 0) {
			form = REDIRECTS_NETLIFY;
		} else {
			fprintf(stderr, "quire: routes: unknown option or missing value: %s\n",
			        argv[i]);
			return command_routes_usage();
		}
	}
	address_list(s, 1, &l);
	if (form >= 0) {
		struct buf out = {0};
		size_t skipped = redirects_write(&l, s->config, (enum redirects_form)form, &out);
		fwrite(out.data, 1, out.len, stdout);
		if (skipped > 0)
			fprintf(
			    stderr,
			    "quire: routes: %zu address%s left out: a quote, a backslash, a '$' "
			    "or a control character cannot be written there\n",
			    skipped, skipped == 1 ? "" : "es");
		buf_free(&out);
		address_list_free(&l);
		return 0;
	}
	struct command_line *lines = calloc(l.n ? l.n : 1, sizeof(*lines));
	size_t n = 0, w[3] = {7, 4, 5}; /* "ADDRESS", "KIND", "STATE" */
	for (size_t i = 0; i < l.n; i++) {
		if (!command_kind_in(l.v[i].kind, kinds))
			continue;
		command_line_make(s, &l.v[i], &lines[n]);
		size_t len[3] = {lines[n].address.len, strlen(l.v[i].kind), lines[n].state.len};
		for (int k = 0; k < 3; k++)
			if (len[k] > w[k])
				w[k] = len[k];
		n++;
	}
	qsort(lines, n, sizeof(*lines), command_line_cmp);
	printf("%-*s  %-*s  %-*s  %s\n", (int)w[0], "ADDRESS", (int)w[1], "KIND", (int)w[2],
	       "STATE", "FILE");
	for (size_t i = 0; i < n; i++) {
		printf("%-*s  %-*s  %-*s  %s\n", (int)w[0], buf_cstr(&lines[i].address), (int)w[1],
		       lines[i].a->kind, (int)w[2], buf_cstr(&lines[i].state),
		       buf_cstr(&lines[i].file));
		buf_free(&lines[i].address);
		buf_free(&lines[i].state);
		buf_free(&lines[i].file);
	}
	free(lines);
	address_list_free(&l);
	return 0;
}

/* The archetypes when the configuration's folder has none (archetypes/post.mustache,
 * archetypes/page.mustache): the same text as conf/'s. */
static const char command_post_archetype[] = "---\n"
                                             "title: {{{title}}}\n"
                                             "date: {{{date}}}\n"
                                             "draft: true\n"
                                             "tags: []\n"
                                             "{{#route}}\n"
                                             "route: {{{route}}}\n"
                                             "{{/route}}\n"
                                             "---\n\n";
static const char command_page_archetype[] = "---\n"
                                             "title: {{{title}}}\n"
                                             "type: page\n"
                                             "draft: true\n"
                                             "route: {{{route}}}\n"
                                             "---\n\n";

/* s as a YAML double-quoted scalar. */
static void command_yaml_string(const char *s, struct buf *out)
{
	buf_addc(out, '"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7F)
			buf_printf(out, "\\x%02x", c);
		else
			buf_addc(out, (char)c);
	}
	buf_addc(out, '"');
}

/* Add key: s (already in the form the file wants: printed as it is) to map. */
static void command_field(struct value *map, const char *key, const char *s, size_t len,
                          struct arena *a)
{
	struct value v = value_string(arena_strndup(a, s, len), len);

	v.html = 1;
	value_set(map, key, &v, a);
}

/* The archetype of a post or a page: the configuration folder's, else the built-in one. */
static int command_archetype(const struct config *c, int page, struct buf *src, struct buf *path)
{
	const char *slash = strrchr(c->file, '/');

	if (slash != NULL)
		buf_add(path, c->file, (size_t)(slash - c->file) + 1);
	buf_printf(path, "archetypes/%s.mustache", page ? "page" : "post");
	int rc = file_read(AT_FDCWD, buf_cstr(path), 0, 65536, src, NULL);
	if (rc < 0 && errno == ENOENT) {
		buf_adds(src, page ? command_page_archetype : command_post_archetype);
		rc = 0;
	} else if (rc < 0) {
		fprintf(stderr, "quire: new: %s: %s\n", buf_cstr(path), file_strerror(errno));
	}
	return rc;
}

int command_new(const struct config *c, int argc, char **argv)
{
	struct buf title = {0}, slug = {0}, name = {0}, file = {0}, src = {0}, apath = {0},
	           out = {0}, err = {0}, q = {0};
	struct template_set *set = NULL;
	struct arena a = {0};
	struct value ctx = {.type = VALUE_MAP};
	int page = 0, rc = 1, fd = -1;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--page") == 0 && title.len == 0) {
			page = 1;
			continue;
		}
		if (title.len > 0)
			buf_addc(&title, ' ');
		buf_adds(&title, argv[i]);
	}
	if (title.len == 0) {
		fprintf(stderr, "usage: quire [-c config] new [--page] TITLE...\n");
		rc = 2;
		goto out;
	}
	post_slug(title.data, title.len, &slug);
	if (slug.len == 0 || slug.len > 200) {
		fprintf(stderr,
		        "quire: new: \"%s\" makes no file name: a title needs a letter or a "
		        "digit, and at most 200 of them\n",
		        buf_cstr(&title));
		goto out;
	}
	/* The date now, in the local zone, as front matter writes it. */
	time_t now = time(NULL);
	struct tm tm;
	char day[16], date[40], zone[8];
	localtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(date, sizeof(date), "%sT%02d:%02d:%02d%.3s:%.2s", day, tm.tm_hour, tm.tm_min,
	         tm.tm_sec, zone, zone[0] != '\0' ? zone + 3 : "00");
	/* A post is named by its day (Jekyll's form, which gives its date); a page by its
	 * slug. Its route: the slug, unless the permalink pattern makes a post's. */
	if (!page)
		buf_printf(&name, "%s-", day);
	buf_add(&name, slug.data, slug.len);
	buf_adds(&name, ".md");
	command_yaml_string(buf_cstr(&title), &q);
	command_field(&ctx, "title", q.data, q.len, &a);
	command_field(&ctx, "name", title.data, title.len, &a);
	command_field(&ctx, "date", date, strlen(date), &a);
	command_field(&ctx, "slug", slug.data, slug.len, &a);
	if (page || c->permalink == NULL) {
		buf_reset(&q);
		buf_addc(&q, '/');
		buf_add(&q, slug.data, slug.len);
		command_field(&ctx, "route", q.data, q.len, &a);
	}
	if (command_archetype(c, page, &src, &apath) < 0)
		goto out;
	set = template_set_new(0);
	if (template_set_add(set, "archetype", 9, src.data, src.len, buf_cstr(&apath), &err) < 0 ||
	    template_set_link(set, &err) < 0) {
		fprintf(stderr, "quire: new: %s\n", buf_cstr(&err));
		goto out;
	}
	if (template_render(template_set_find(set, "archetype", 9), &ctx, &out) < 0) {
		fprintf(stderr, "quire: new: %s: nested too deep\n", buf_cstr(&apath));
		goto out;
	}
	buf_printf(&file, "%s/%s", c->posts_dir, buf_cstr(&name));
	/* Never over a file, nor through a link. */
	fd = open(buf_cstr(&file), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "quire: new: %s: %s\n", buf_cstr(&file),
		        errno == EEXIST ? "there is a file of that name already (quire new never "
		                          "writes over one)"
		                        : strerror(errno));
		goto out;
	}
	if (write(fd, out.data, out.len) != (ssize_t)out.len || close(fd) < 0) {
		fprintf(stderr, "quire: new: %s: %s\n", buf_cstr(&file), strerror(errno));
		fd = -1;
		unlink(buf_cstr(&file));
		goto out;
	}
	fd = -1;
	printf("%s\n", buf_cstr(&file));
	fflush(stdout);
	if (c->state_dir != NULL) {
		rc = preview_command(c, buf_cstr(&file), 7);
	} else {
		fprintf(stderr,
		        "quire: new: no preview address: it needs a state folder (\"state:\" "
		        "in %s)\n",
		        c->file);
		rc = 0;
	}
out:
	if (fd >= 0)
		close(fd);
	template_set_free(set);
	arena_free(&a);
	buf_free(&title);
	buf_free(&slug);
	buf_free(&name);
	buf_free(&file);
	buf_free(&src);
	buf_free(&apath);
	buf_free(&out);
	buf_free(&err);
	buf_free(&q);
	return rc;
}

/* check.c — quire check. The site is loaded afresh (nothing said before is left unsaid) with
 * what the load says collected (a broken post, an unknown layout, an alias that a route or
 * an address quire makes holds: a redirect always sends to a live route, so none loops);
 * every post's links and images are read with md4c's parser
 * (their place in the file gives the line) and looked up in the site's addresses, each
 * fragment among the ids of the page it names as the server sends it. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <md4c.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "address.h"
#include "buf.h"
#include "cache.h"
#include "config.h"
#include "file.h"
#include "files.h"
#include "html.h"
#include "json.h"
#include "log.h"
#include "markdown.h"
#include "path.h"
#include "post.h"
#include "site.h"
#include "value.h"

enum check_level { CHECK_ERROR, CHECK_WARNING, CHECK_SCHEDULED };

struct check_problem {
	char *file;
	unsigned line; /* 0: the file as a whole */
	enum check_level level;
	char *message;
};

/* The ids of an address's page, sorted (NULL until read). */
struct check_ids {
	int read;
	char **v;
	size_t n;
};

struct check {
	const struct config *c;
	const struct site *s;
	struct address_list l;
	struct check_ids *ids; /* per address of l */
	struct check_problem *v;
	size_t n, cap;
	struct address_fetch f;
	/* The post being read: its file, where its Markdown starts, its first line. */
	const struct post *post;
	const char *body;
	size_t body_len;
	unsigned body_line;
	size_t *lines; /* the offset of each line end in body, ascending */
	size_t nlines, caplines;
};

__attribute__((format(printf, 5, 6))) static void check_say(struct check *ck,
                                                            enum check_level level,
                                                            const char *file, unsigned line,
                                                            const char *fmt, ...)
{
	struct buf m = {0};
	va_list ap;
	char tmp[1024];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	/* One line each, whatever a file name or an address holds. */
	for (char *p = tmp; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	buf_adds(&m, tmp);
	if (ck->n == ck->cap) {
		ck->cap = ck->cap ? ck->cap * 2 : 64;
		ck->v = xrealloc(ck->v, ck->cap * sizeof(*ck->v));
	}
	struct check_problem *p = &ck->v[ck->n++];
	p->file = xstrndup(file, strlen(file));
	p->line = line;
	p->level = level;
	p->message = xstrndup(m.data, m.len);
	buf_free(&m);
}

/* What loading the site says: "FILE:LINE: message" or "FILE: message". */
static void check_sink(enum log_level level, const char *message, void *ctx)
{
	struct check *ck = ctx;
	const char *sep = strstr(message, ": ");
	struct buf file = {0};
	unsigned line = 0;

	if (level == LOG_INFO)
		return;
	if (sep == NULL) {
		check_say(ck, level == LOG_ERROR ? CHECK_ERROR : CHECK_WARNING, "-", 0, "%s",
		          message);
		return;
	}
	buf_add(&file, message, (size_t)(sep - message));
	buf_cstr(&file);
	const char *colon = memrchr(file.data, ':', file.len);
	if (colon != NULL && colon + 1 < file.data + file.len &&
	    strspn(colon + 1, "0123456789") == (size_t)(file.data + file.len - colon - 1)) {
		line = (unsigned)strtoul(colon + 1, NULL, 10);
		file.len = (size_t)(colon - file.data);
	}
	check_say(ck, level == LOG_ERROR ? CHECK_ERROR : CHECK_WARNING, buf_cstr(&file), line, "%s",
	          sep + 2);
	buf_free(&file);
}

static int check_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids (and anchors' names) of the page at address a, as the server sends it. */
static const struct check_ids *check_ids_of(struct check *ck, const struct address *a)
{
	struct check_ids *ids = &ck->ids[a - ck->l.v];
	struct buf one = {0};

	if (ids->read)
		return ids;
	ids->read = 1;
	if (address_fetch(ck->s, a->path, a->len, &ck->f) != 200 || ck->f.rs.file_fd > 0)
		return ids;
	const char *p = ck->f.body.data, *end = p + ck->f.body.len;
	/* The next " id=\"" and " name=\"", each looked for again only once passed: one
	 * pass over the page. */
	const char *id = memmem(p, (size_t)(end - p), " id=\"", 5);
	const char *name = memmem(p, (size_t)(end - p), " name=\"", 7);
	size_t cap = 0;
	for (const char *q = p; q < end;) {
		if (id != NULL && id < q)
			id = memmem(q, (size_t)(end - q), " id=\"", 5);
		if (name != NULL && name < q)
			name = memmem(q, (size_t)(end - q), " name=\"", 7);
		const char *at = id == NULL ? name : name == NULL || id < name ? id : name;
		if (at == NULL)
			break;
		const char *value = at + (at == id ? 5 : 7);
		const char *close = memchr(value, '"', (size_t)(end - value));
		if (close == NULL)
			break;
		buf_reset(&one);
		html_unescape(&one, value, (size_t)(close - value));
		if (ids->n == cap) {
			cap = cap ? cap * 2 : 32;
			ids->v = xrealloc(ids->v, cap * sizeof(*ids->v));
		}
		ids->v[ids->n++] = xstrndup(one.data ? one.data : "", one.len);
		q = close + 1;
	}
	if (ids->n > 0)
		qsort(ids->v, ids->n, sizeof(*ids->v), check_str_cmp);
	buf_free(&one);
	return ids;
}

/* The line of the post's file that p (in its Markdown) is on, or 0 when it is not there
 * (a link's address made by md4c). */
static unsigned check_line(struct check *ck, const char *p)
{
	if (p < ck->body || p > ck->body + ck->body_len)
		return 0;
	/* The line ends before p, found in the post's list of them (made once): links come
	 * in any order (a reference's definition may be anywhere). */
	size_t at = (size_t)(p - ck->body), lo = 0, hi = ck->nlines;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ck->lines[mid] < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ck->body_line + (unsigned)lo;
}

void check_resolve(const char *base, const char *ref, size_t n, struct buf *out)
{
	struct buf joined = {0};

	if (n > 0 && ref[0] == '/')
		buf_add(&joined, ref, n);
	else {
		buf_adds(&joined, base);
		buf_add(&joined, ref, n);
	}
	buf_reset(out);
	const char *p = joined.data, *end = p + joined.len;
	while (p < end) {
		while (p < end && *p == '/')
			p++;
		const char *seg = p;
		while (p < end && *p != '/')
			p++;
		size_t len = (size_t)(p - seg);
		if (len == 1 && seg[0] == '.')
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			const char *up = out->len > 0 ? memrchr(out->data, '/', out->len) : NULL;
			out->len = up != NULL ? (size_t)(up - out->data) : 0;
			continue;
		}
		if (len == 0)
			continue;
		buf_addc(out, '/');
		buf_add(out, seg, len);
	}
	/* A trailing slash stays: "/tags/" names the list. */
	if (joined.len > 0 && joined.data[joined.len - 1] == '/')
		buf_addc(out, '/');
	if (out->len == 0)
		buf_addc(out, '/');
	buf_free(&joined);
}

/* The address a link to url (n bytes) from the post names: a theme file, an address of
 * the site, or none; problems said. what: "link", "image", "source" (raw HTML's src). */
static void check_link(struct check *ck, const char *url, size_t n, unsigned line, const char *what)
{
	const struct post *p = ck->post;
	const char *file = p->path;
	struct buf base = {0}, resolved = {0}, canon = {0}, frag = {0}, shown = {0};
	size_t i = 0, m = config_mount_prefix(ck->c);

	while (i < n && url[i] != '?' && url[i] != '#')
		i++;
	/* A scheme or "//": not this site's to check. */
	size_t k = 0;
	while (k < i && ((url[k] | 0x20) >= 'a' && (url[k] | 0x20) <= 'z'))
		k++;
	if ((k > 0 && k < i && url[k] == ':') || (n >= 2 && url[0] == '/' && url[1] == '/') ||
	    (k > 0 && k < i && strchr("+-.", url[k]) != NULL && memchr(url, ':', i) != NULL))
		goto out;
	buf_add(&shown, url, n);
	const char *hash = memchr(url, '#', n);
	if (hash != NULL)
		path_decode(hash + 1, (size_t)(url + n - hash - 1), &frag);
	const struct address *a = NULL;
	if (i == 0) {
		/* "#id" (or "?q"): this post's own page. */
		a = site_served(ck->s, p) ? address_find(&ck->l, p->route, p->route_len) : NULL;
		if (a == NULL)
			goto out;
	} else {
		/* Relative to the post's folder: a bundle's own, else its address's. */
		if (strchr(p->name, '/') != NULL) {
			buf_add(&base, p->route, p->route_len);
			buf_addc(&base, '/');
		} else {
			const char *slash = memrchr(p->route, '/', p->route_len);
			buf_add(&base, p->route, slash ? (size_t)(slash - p->route) + 1 : 1);
		}
		path_decode(url, i, &canon);
		if (url[0] == '/') {
			/* An absolute path: the site's only under its mount. */
			if (m > 0 && (canon.len < m || memcmp(canon.data, ck->c->mount, m) != 0 ||
			              (canon.len > m && canon.data[m] != '/'))) {
				check_say(ck, CHECK_WARNING, file, line,
				          "%s %s is outside the site (%s)", what, buf_cstr(&shown),
				          ck->c->mount);
				goto out;
			}
			if (m > 0)
				memmove(canon.data, canon.data + m, canon.len -= m);
		}
		check_resolve(buf_cstr(&base), canon.data ? canon.data : "", canon.len, &resolved);
		int changed = 0;
		buf_reset(&canon);
		if (path_canon(resolved.data, resolved.len, 0, &canon, &changed) != PATH_OK) {
			check_say(ck, CHECK_ERROR, file, line, "%s %s names no address", what,
			          buf_cstr(&shown));
			goto out;
		}
		a = address_find(&ck->l, canon.data, canon.len);
		if (a == NULL) {
			buf_addc(&canon, '/');
			a = address_find(&ck->l, canon.data, canon.len);
			canon.len--;
		}
		if (a == NULL && canon.len > 8 && memcmp(canon.data, "/static/", 8) == 0) {
			struct stat st;
			int fd = files_open_in(ck->c->theme_dir, buf_cstr(&canon) + 8, &st);
			if (fd >= 0) {
				close(fd);
				goto out;
			}
		}
		if (a == NULL || (a->state != ADDRESS_LIVE && a->state != ADDRESS_REDIRECT)) {
			check_say(ck, CHECK_ERROR, file, line, "%s %s: %s%s", what,
			          buf_cstr(&shown), a == NULL ? "no such address" : "not served: ",
			          a == NULL ? "" : address_state_name(a->state));
			goto out;
		}
		if (a->state == ADDRESS_REDIRECT) {
			check_say(ck, CHECK_WARNING, file, line, "%s %s is an old address of %s",
			          what, buf_cstr(&shown), a->post ? a->post->route : "a post");
			goto out;
		}
	}
	/* A fragment names an id of that page ("#" and "#top" are the top of any). */
	if (hash != NULL && frag.len > 0 && !(frag.len == 3 && memcmp(frag.data, "top", 3) == 0) &&
	    a->file == NULL) {
		const struct check_ids *ids = check_ids_of(ck, a);
		const char *key = buf_cstr(&frag);
		if (ids->n == 0 ||
		    bsearch(&key, ids->v, ids->n, sizeof(*ids->v), check_str_cmp) == NULL)
			check_say(ck, CHECK_ERROR, file, line, "%s %s: %.*s has no id \"%s\"", what,
			          buf_cstr(&shown), (int)a->len, a->path, key);
	}
out:
	buf_free(&base);
	buf_free(&resolved);
	buf_free(&canon);
	buf_free(&frag);
	buf_free(&shown);
}

/* An attribute of a link or an image, as md4c gives it. */
static void check_attribute(struct check *ck, const MD_ATTRIBUTE *at, const char *what)
{
	check_link(ck, at->text, at->size, check_line(ck, at->text), what);
}

static int check_enter_span(MD_SPANTYPE type, void *detail, void *user)
{
	if (type == MD_SPAN_A)
		check_attribute(user, &((MD_SPAN_A_DETAIL *)detail)->href, "link");
	else if (type == MD_SPAN_IMG)
		check_attribute(user, &((MD_SPAN_IMG_DETAIL *)detail)->src, "image");
	return 0;
}

static int check_block(MD_BLOCKTYPE type, void *detail, void *user)
{
	(void)type;
	(void)detail;
	(void)user;
	return 0;
}

static int check_leave_span(MD_SPANTYPE type, void *detail, void *user)
{
	(void)type;
	(void)detail;
	(void)user;
	return 0;
}

/* Raw HTML: the href and src of its tags. */
static int check_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *user)
{
	static const char *const attrs[] = {" href=\"", " src=\"", " href='", " src='"};
	struct check *ck = user;

	if (type != MD_TEXT_HTML)
		return 0;
	for (size_t k = 0; k < 4; k++) {
		size_t alen = strlen(attrs[k]);
		for (const char *p = text, *end = text + size;
		     (p = memmem(p, (size_t)(end - p), attrs[k], alen)) != NULL;) {
			const char *v = p + alen,
			           *close = memchr(v, attrs[k][alen - 1], (size_t)(end - v));
			if (close == NULL)
				break;
			struct buf url = {0};
			html_unescape(&url, v, (size_t)(close - v));
			check_link(ck, url.data ? url.data : "", url.len, check_line(ck, v),
			           k % 2 == 1 ? "source" : "link");
			buf_free(&url);
			p = close;
		}
	}
	return 0;
}

static void check_post(struct check *ck, const struct post *p)
{
	struct buf src = {0}, bounded = {0};
	MD_PARSER parser = {0};
	unsigned flags;

	if (file_read(AT_FDCWD, p->path, FILE_NOFOLLOW, (size_t)ck->c->post_max, &src, NULL) < 0 ||
	    p->body_offset > src.len) {
		check_say(ck, CHECK_ERROR, p->path, 0, "cannot be read: %s", file_strerror(errno));
		goto out;
	}
	ck->post = p;
	ck->body = src.data + p->body_offset;
	ck->body_len = src.len - p->body_offset;
	ck->body_line = 1;
	for (size_t i = 0; i < p->body_offset; i++)
		ck->body_line += src.data[i] == '\n';
	/* Parsed as the renderer parses it: within the bounds, rewritten if need be (the
	 * rewriting adds backslashes, never a line). */
	if (markdown_bounds(ck->body, ck->body_len, 1, &flags, &bounded)) {
		ck->body = bounded.data;
		ck->body_len = bounded.len;
	}
	parser.flags = flags | (p->math || ck->c->markdown_math ? MD_FLAG_LATEXMATHSPANS : 0);
	parser.enter_block = check_block;
	parser.leave_block = check_block;
	parser.enter_span = check_enter_span;
	parser.leave_span = check_leave_span;
	parser.text = check_text;
	ck->nlines = 0;
	for (const char *q = ck->body, *e = ck->body + ck->body_len;
	     (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++) {
		if (ck->nlines == ck->caplines) {
			ck->caplines = ck->caplines ? ck->caplines * 2 : 256;
			ck->lines = xrealloc(ck->lines, ck->caplines * sizeof(*ck->lines));
		}
		ck->lines[ck->nlines++] = (size_t)(q - ck->body);
	}
	md_parse(ck->body, (MD_SIZE)ck->body_len, &parser, ck);
out:
	buf_free(&src);
	buf_free(&bounded);
}

static int check_post_cmp(const void *a, const void *b)
{
	const struct post *x = *(const struct post *const *)a, *y = *(const struct post *const *)b;
	int c = strcmp(x->title ? x->title : "", y->title ? y->title : "");

	return c != 0 ? c : (x->date > y->date) - (x->date < y->date);
}

/* Two posts of one title and one date: a copy left behind? */
static void check_copies(struct check *ck)
{
	size_t n = ck->s->nposts;
	const struct post **v = xcalloc(n ? n : 1, sizeof(*v));

	memcpy(v, ck->s->posts, n * sizeof(*v));
	qsort(v, n, sizeof(*v), check_post_cmp);
	for (size_t i = 1; i < n; i++)
		if (v[i]->title && v[i]->has_date && check_post_cmp(&v[i - 1], &v[i]) == 0)
			check_say(ck, CHECK_WARNING, v[i]->path, 0,
			          "the same title and date as %s: a copy left behind?",
			          v[i - 1]->path);
	free(v);
}

/* Front matter naming a taxonomy the configuration has not ("series: ..." without
 * taxonomies: [..., series]). */
static void check_taxonomies(struct check *ck, const struct post *p)
{
	static const char *const known[] = {"tags", "tag", "categories", "category", "series"};

	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		if (value_get(&p->fields, known[k], strlen(known[k])) == NULL)
			continue;
		int ok = 0;
		for (size_t i = 0; i < ck->c->ntaxonomies && !ok; i++) {
			const struct config_taxonomy *x = &ck->c->taxonomies[i];
			ok = strcmp(x->name, known[k]) == 0 ||
			     (x->singular != NULL && strcmp(x->singular, known[k]) == 0);
		}
		if (!ok)
			check_say(ck, CHECK_WARNING, p->path, 0,
			          "%s: not a taxonomy of the configuration (taxonomies:)",
			          known[k]);
	}
}

static void check_print(const struct check *ck, int json)
{
	static const char *const levels[] = {"error", "warning", "scheduled"};
	struct buf out = {0};
	size_t count[3] = {0};

	for (size_t i = 0; i < ck->n; i++)
		count[ck->v[i].level]++;
	if (json)
		buf_adds(&out, "{");
	for (int level = 0; level < 3; level++) {
		if (json)
			buf_printf(&out, "%s\"%ss\": [", level ? ", " : "", levels[level]);
		size_t said = 0;
		for (size_t i = 0; i < ck->n; i++) {
			const struct check_problem *p = &ck->v[i];
			if ((int)p->level != level)
				continue;
			if (json) {
				buf_adds(&out, said++ ? ", {\"file\": " : "{\"file\": ");
				json_string(&out, p->file, strlen(p->file));
				buf_printf(&out, ", \"line\": %u, \"message\": ", p->line);
				json_string(&out, p->message, strlen(p->message));
				buf_addc(&out, '}');
			} else if (p->line > 0) {
				buf_printf(&out, "%s:%u: %s: %s\n", p->file, p->line, levels[level],
				           p->message);
			} else {
				buf_printf(&out, "%s: %s: %s\n", p->file, levels[level],
				           p->message);
			}
		}
		if (json)
			buf_adds(&out, "]");
	}
	if (json)
		buf_adds(&out, "}\n");
	else
		buf_printf(&out, "%zu error%s, %zu warning%s, %zu scheduled\n", count[0],
		           count[0] == 1 ? "" : "s", count[1], count[1] == 1 ? "" : "s", count[2]);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
}

static int check_cmp(const void *a, const void *b)
{
	const struct check_problem *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

int check_run(const struct config *c, int argc, char **argv)
{
	struct check ck = {.c = c};
	int json = 0, errors = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else {
			fprintf(stderr, "usage: quire [-c config] check [--json]\n");
			return 2;
		}
	}
	cache_init((size_t)c->cache_size);
	log_set_sink(check_sink, &ck);
	struct site *s = site_load(c, NULL, NULL, 1);
	log_set_sink(NULL, NULL);
	ck.s = s;
	if (s != NULL) {
		address_list(s, 1, &ck.l);
		ck.ids = xcalloc(ck.l.n ? ck.l.n : 1, sizeof(*ck.ids));
		for (size_t i = 0; i < s->nposts; i++) {
			const struct post *p = s->posts[i];
			check_post(&ck, p);
			check_taxonomies(&ck, p);
			if (!p->draft && p->has_publish && p->publish > s->made) {
				char when[32];
				struct tm tm;
				gmtime_r(&p->publish, &tm);
				strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
				check_say(&ck, CHECK_SCHEDULED, p->path, 0, "%s goes live %s",
				          p->route, when);
			}
		}
		check_copies(&ck);
	}
	if (ck.n > 0)
		qsort(ck.v, ck.n, sizeof(*ck.v), check_cmp);
	check_print(&ck, json);
	for (size_t i = 0; i < ck.n; i++) {
		errors += ck.v[i].level == CHECK_ERROR;
		free(ck.v[i].file);
		free(ck.v[i].message);
	}
	for (size_t i = 0; i < ck.l.n && ck.ids != NULL; i++) {
		for (size_t k = 0; k < ck.ids[i].n; k++)
			free(ck.ids[i].v[k]);
		free(ck.ids[i].v);
	}
	free(ck.ids);
	free(ck.lines);
	free(ck.v);
	address_fetch_free(&ck.f);
	address_list_free(&ck.l);
	site_release(s);
	return errors > 0 || s == NULL;
}

/* site.c — the site snapshot: every post, the route table, listings and layouts. */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "hash.h"
#include "layout.h"
#include "log.h"
#include "moved.h"
#include "path.h"
#include "post.h"
#include "template.h"

static pthread_mutex_t site_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t site_changed = PTHREAD_COND_INITIALIZER; /* a snapshot published */
static struct site *site_current;
static uint64_t site_next_id = 1;

/* Listing order: newest first by date (posts without one after them), or by
 * order when the configuration says "sort: order"; then by title, then file. */
static int site_listed_cmp(const void *a, const void *b, void *arg)
{
	const struct post *x = *(const struct post *const *)a;
	const struct post *y = *(const struct post *const *)b;
	const struct config *c = arg;

	if (!c->sort_by_order) {
		if (x->has_date != y->has_date)
			return x->has_date ? -1 : 1;
		if (x->has_date && x->date != y->date)
			return x->date > y->date ? -1 : 1;
	}
	/* Posts with an order come first, lowest first. */
	if (x->has_order != y->has_order)
		return x->has_order ? -1 : 1;
	if (x->has_order && x->order != y->order)
		return x->order < y->order ? -1 : 1;
	int cmp = strcmp(x->title, y->title);
	return cmp ? cmp : strcmp(x->name, y->name);
}

/* A listed post and its index in the snapshot's posts, while they are put in order. */
struct site_listing {
	const struct post *p;
	size_t i;
};

static int site_listing_cmp(const void *a, const void *b, void *arg)
{
	return site_listed_cmp(&((const struct site_listing *)a)->p,
	                       &((const struct site_listing *)b)->p, arg);
}

/* One term on one post, while grouping posts by term. */
struct site_term_use {
	const char *route;
	size_t len;
	size_t at; /* the post's place in the listing */
	const char *name;
};

static int site_term_use_cmp(const void *a, const void *b)
{
	const struct site_term_use *x = a, *y = b;
	int c = strcmp(x->route, y->route);

	return c ? c : x->at < y->at ? -1 : x->at > y->at;
}

/* Group the listed posts by their terms of taxonomy x (terms that make one route are one
 * term), sorting every (term, post) pair once rather than searching the terms for each. */
static void site_terms(struct site *s, struct site_taxonomy *x, const struct strlist *all,
                       size_t stride)
{
	struct site_term_use *uses = NULL;
	struct buf route = {0};
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < s->nlisted; i++) {
		const struct strlist terms = all[i * stride];
		for (size_t k = 0; k < terms.len; k++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				uses = xrealloc(uses, cap * sizeof(*uses));
			}
			buf_reset(&route);
			post_term_route(x->config->name, terms.items[k], &route);
			uses[n].route = arena_strndup(&s->arena, route.data, route.len);
			uses[n].len = route.len;
			uses[n].at = i;
			uses[n].name = terms.items[k];
			n++;
		}
	}
	buf_free(&route);
	if (n == 0)
		return;
	qsort(uses, n, sizeof(*uses), site_term_use_cmp);
	for (size_t i = 0; i < n; i++)
		x->nterms += i == 0 || strcmp(uses[i].route, uses[i - 1].route) != 0;
	x->terms = arena_alloc(&s->arena, x->nterms * sizeof(*x->terms));
	memset(x->terms, 0, x->nterms * sizeof(*x->terms));
	const struct post **posts = arena_alloc(&s->arena, n * sizeof(*posts));
	size_t *at = arena_alloc(&s->arena, n * sizeof(*at));
	size_t used = 0;
	struct site_term *t = x->terms - 1;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(uses[i].route, uses[i - 1].route) != 0) {
			t++;
			/* The name as the post listed first writes it. */
			t->name = uses[i].name;
			t->route = uses[i].route;
			t->route_len = uses[i].len;
			t->posts = posts + used;
			t->at = at + used;
			t->taxonomy = x;
		} else if (uses[i].at == uses[i - 1].at) {
			continue; /* one post naming a term twice */
		}
		at[used] = uses[i].at;
		posts[used++] = s->listed[uses[i].at];
		t->nposts++;
	}
	free(uses);
}

static void site_taxonomies(struct site *s)
{
	const struct config *c = s->config;
	struct buf route = {0};

	size_t nt = c->ntaxonomies;
	/* Each listed post's terms of every taxonomy, read in one pass over its fields. */
	struct strlist *all = xcalloc(s->nlisted * nt + 1, sizeof(*all));
	for (size_t i = 0; nt > 0 && i < s->nlisted; i++)
		post_terms_all(&s->listed[i]->fields, c, all + i * nt, &s->arena);
	s->ntaxonomies = c->ntaxonomies;
	s->taxonomies = arena_alloc(&s->arena, (c->ntaxonomies + 1) * sizeof(*s->taxonomies));
	for (size_t i = 0; i < c->ntaxonomies; i++) {
		struct site_taxonomy *x = &s->taxonomies[i];
		memset(x, 0, sizeof(*x));
		x->config = &c->taxonomies[i];
		buf_reset(&route);
		buf_printf(&route, "/%s", x->config->name);
		x->route = arena_strndup(&s->arena, route.data, route.len);
		x->route_len = route.len;
		site_terms(s, x, all + i, nt);
	}
	free(all);
	buf_free(&route);
}

/* A post's related posts are looked for among the posts of each of its terms that are
 * nearest to it in the listing: this many on each side (all of a smaller term's). */
#define SITE_RELATED_WINDOW 16

/* One candidate for a post's related posts: its place in the listing, the terms it
 * shares, how far it is in date. */
struct site_candidate {
	size_t at;
	unsigned shared;
	double apart;
};

/* More terms shared first, then nearer in date, then earlier in the listing. */
static int site_candidate_better(const struct site_candidate *x, const struct site_candidate *y)
{
	if (x->shared != y->shared)
		return x->shared > y->shared;
	if (x->apart != y->apart)
		return x->apart < y->apart;
	return x->at < y->at;
}

/* For each listed post, the config->related posts that share the most terms with it in
 * every taxonomy but series, ties going to the nearest in date. The candidates are the
 * SITE_RELATED_WINDOW posts on each side of it in each of its terms (all of a smaller
 * term's), each scored by how many of those terms hold it there: linear in the site's
 * posts, whatever their terms. */
static void site_related_all(struct site *s)
{
	const size_t want = (size_t)s->config->related, n = s->nlisted;
	size_t *touched;
	unsigned *score;
	double *when;

	if (want == 0 || n == 0)
		return;
	s->related = arena_alloc(&s->arena, n * want * sizeof(*s->related));
	memset(s->related, 0, n * want * sizeof(*s->related));
	/* Each post's terms, as the lists of the terms' posts are read: which terms hold
	 * post i is found by walking i's own terms, kept per post. */
	size_t *first = xcalloc(n + 1, sizeof(*first)), nuse = 0;
	for (size_t x = 0; x < s->ntaxonomies; x++)
		for (size_t t = 0; strcmp(s->taxonomies[x].config->name, "series") != 0 &&
		                   t < s->taxonomies[x].nterms;
		     t++)
			for (size_t k = 0; k < s->taxonomies[x].terms[t].nposts; k++)
				first[s->taxonomies[x].terms[t].at[k] + 1]++, nuse++;
	for (size_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	const struct site_term **uses = xcalloc(nuse + 1, sizeof(*uses));
	size_t *fill = xcalloc(n + 1, sizeof(*fill));
	for (size_t x = 0; x < s->ntaxonomies; x++)
		for (size_t t = 0; strcmp(s->taxonomies[x].config->name, "series") != 0 &&
		                   t < s->taxonomies[x].nterms;
		     t++)
			for (size_t k = 0; k < s->taxonomies[x].terms[t].nposts; k++) {
				size_t j = s->taxonomies[x].terms[t].at[k];
				uses[first[j] + fill[j]++] = &s->taxonomies[x].terms[t];
			}
	free(fill);
	score = xcalloc(n, sizeof(*score));
	touched = xcalloc(n, sizeof(*touched));
	when = xcalloc(n, sizeof(*when));
	for (size_t i = 0; i < n; i++)
		when[i] = s->listed[i]->has_date ? (double)s->listed[i]->date : NAN;
	for (size_t i = 0; i < n; i++) {
		struct site_candidate best[20];
		size_t nt = 0, nb = 0;
		for (size_t u = first[i]; u < first[i + 1]; u++) {
			const struct site_term *t = uses[u];
			size_t lo = 0, hi = t->nposts;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (t->at[mid] < i)
					lo = mid + 1;
				else
					hi = mid;
			}
			size_t from = lo > SITE_RELATED_WINDOW ? lo - SITE_RELATED_WINDOW : 0;
			size_t to = t->nposts - lo > SITE_RELATED_WINDOW + 1
			                ? lo + SITE_RELATED_WINDOW + 1
			                : t->nposts;
			for (size_t k = from; k < to; k++) {
				size_t j = t->at[k];
				if (j != i && score[j]++ == 0)
					touched[nt++] = j;
			}
		}
		for (size_t k = 0; k < nt; k++) {
			size_t j = touched[k], at = nb;
			double apart = fabs(when[j] - when[i]);
			struct site_candidate c = {j, score[j], isnan(apart) ? 1e300 : apart};
			score[j] = 0;
			while (at > 0 && site_candidate_better(&c, &best[at - 1]))
				at--;
			if (at >= want)
				continue;
			size_t last = nb < want ? nb : want - 1;
			memmove(best + at + 1, best + at, (last - at) * sizeof(*best));
			best[at] = c;
			nb += nb < want;
		}
		for (size_t k = 0; k < nb; k++)
			s->related[i * want + k] = s->listed[best[k].at];
	}
	free(score);
	free(touched);
	free(when);
	free(uses);
	free(first);
}

static int site_period_cmp(const void *a, const void *b)
{
	const struct site_period *x = a, *y = b;
	return strcmp(x->route, y->route);
}

/* Newest first; undated posts are in no period. */
static int site_dated_cmp(const void *a, const void *b)
{
	const struct post *x = *(const struct post *const *)a;
	const struct post *y = *(const struct post *const *)b;

	if (x->date != y->date)
		return x->date > y->date ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* s->dated's posts grouped by year and by month (periods), and the archive layouts see:
 * [{year, count, url, months: [{year, month, name, count, url, posts}]}], newest first. */
static void site_archive(struct site *s, const struct post **dated, size_t n)
{
	static const char *const names[] = {"January",   "February", "March",    "April",
	                                    "May",       "June",     "July",     "August",
	                                    "September", "October",  "November", "December"};
	const struct config *c = s->config;
	struct arena *a = &s->arena;
	size_t ny = 0, nm = 0, cap = 16;
	struct site_period *p = xcalloc(cap, sizeof(*p));
	struct buf route = {0};

	for (size_t i = 0; i < n; i++) {
		struct tm tm;
		gmtime_r(&dated[i]->date, &tm);
		int year = tm.tm_year + 1900, month = tm.tm_mon + 1;
		for (int k = 0; k < 2; k++) {
			int m = k == 0 ? 0 : month;
			struct site_period *last = NULL;
			/* The last period of this kind is the one a post of that year or month
			 * joins. */
			for (size_t q = s->nperiods; q-- > 0;)
				if ((p[q].month == 0) == (m == 0)) {
					last = &p[q];
					break;
				}
			if (last != NULL && last->year == year && last->month == m) {
				last->nposts++;
				continue;
			}
			if (s->nperiods == cap)
				p = xrealloc(p, (cap *= 2) * sizeof(*p));
			last = &p[s->nperiods++];
			memset(last, 0, sizeof(*last));
			last->year = year;
			last->month = m;
			last->route_len = (size_t)snprintf(last->route, sizeof(last->route),
			                                   m ? "/%04d/%02d" : "/%04d", year, m);
			last->posts = dated + i;
			last->nposts = 1;
			ny += m == 0;
			nm += m != 0;
		}
	}
	/* The archive, from the periods in the order made (newest first). */
	struct value *years = arena_alloc(a, (ny ? ny : 1) * sizeof(*years));
	struct value *months = arena_alloc(a, (nm ? nm : 1) * sizeof(*months));
	struct value *items = arena_alloc(a, (n ? n : 1) * sizeof(*items));
	struct value *y = years - 1, *m = months;
	for (size_t i = 0; i < n; i++)
		items[i] = dated[i]->fields;
	for (size_t q = 0; q < s->nperiods; q++) {
		struct value *v = p[q].month ? m++ : ++y, num = {.type = VALUE_NUMBER}, list;
		memset(v, 0, sizeof(*v));
		v->type = VALUE_MAP;
		num.u.number = p[q].year;
		value_set(v, "year", &num, a);
		num.u.number = (double)p[q].nposts;
		value_set(v, "count", &num, a);
		if (c->date_archives) {
			buf_reset(&route);
			buf_printf(&route, "%s/", p[q].route);
			post_add_urls(v, route.data, route.len, c, a);
		}
		if (p[q].month == 0) {
			list = (struct value){.type = VALUE_LIST};
			list.u.list.items = m;
			value_set(v, "months", &list, a);
			continue;
		}
		num.u.number = p[q].month;
		value_set(v, "month", &num, a);
		value_set_string(v, "name", names[p[q].month - 1], strlen(names[p[q].month - 1]),
		                 a);
		list = (struct value){.type = VALUE_LIST};
		list.u.list.items = items + (p[q].posts - dated);
		list.u.list.len = p[q].nposts;
		value_set(v, "posts", &list, a);
		/* The year's list of months grows by this one. */
		struct value *ms = (struct value *)value_get(y, "months", 6);
		((struct value *)ms)->u.list.len++;
	}
	buf_free(&route);
	s->context.archive.type = VALUE_LIST;
	s->context.archive.u.list.items = years;
	s->context.archive.u.list.len = ny;
	qsort(p, s->nperiods, sizeof(*p), site_period_cmp);
	s->periods = arena_alloc(a, (s->nperiods ? s->nperiods : 1) * sizeof(*p));
	memcpy(s->periods, p, s->nperiods * sizeof(*p));
	free(p);
}

static void site_periods(struct site *s)
{
	const struct post **dated = arena_alloc(&s->arena, (s->nlisted + 1) * sizeof(*dated));
	size_t n = 0;

	for (size_t i = 0; i < s->nlisted; i++)
		if (s->listed[i]->has_date)
			dated[n++] = s->listed[i];
	if (s->config->sort_by_order)
		qsort(dated, n, sizeof(*dated), site_dated_cmp);
	site_archive(s, dated, n);
}

/* The index in posts (n, by file name) of the post with this file name, or n. */
static size_t site_find(struct post *const *posts, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(posts[mid]->name, name);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

static int site_said_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void site_said_add(struct site *s, uint64_t h)
{
	if (s->nsaid == 0 || (s->nsaid >= 8 && (s->nsaid & (s->nsaid - 1)) == 0))
		s->said = xrealloc(s->said, (s->nsaid ? s->nsaid * 2 : 8) * sizeof(*s->said));
	s->said[s->nsaid++] = h;
}

/* Log a line about the file name (st: as it was read, or zero), unless the snapshot
 * before said it of the file as it is now: a CGI process, a reload, says each thing
 * once per change of the file, not on every request or every edit of another post.
 * Returns the line's hash in said. */
__attribute__((format(printf, 6, 7))) static uint64_t
site_say(struct site *s, const struct site_files *before, const char *name, const struct stat *st,
         int level, const char *fmt, ...)
{
	struct buf line = {0};
	uint64_t id[4] = {(uint64_t)st->st_ino, (uint64_t)st->st_size, (uint64_t)st->st_mtim.tv_sec,
	                  (uint64_t)st->st_mtim.tv_nsec};
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&line, fmt, ap);
	va_end(ap);
	uint64_t h = hash_bytes(line.data, line.len,
	                        hash_bytes(id, sizeof(id), hash_bytes(name, strlen(name), 0)));
	if (before == NULL || before->nsaid == 0 ||
	    bsearch(&h, before->said, before->nsaid, sizeof(h), site_said_cmp) == NULL)
		log_msg(level, "%s", line.data);
	site_said_add(s, h);
	buf_free(&line);
	return h;
}

/* The hash of the posts folder's entry that name is in ("NAME/index.md": NAME). */
static uint64_t site_entry_hash(const char *name)
{
	const char *slash = strchr(name, '/');

	return hash_bytes(name, slash ? (size_t)(slash - name) : strlen(name), 0);
}

static void site_said_keep(struct site *s, const struct site_said *x)
{
	if (s->nread_said == s->capread_said) {
		s->capread_said = s->capread_said ? s->capread_said * 2 : 8;
		s->read_said = xrealloc(s->read_said, s->capread_said * sizeof(*s->read_said));
	}
	s->read_said[s->nread_said++] = *x;
}

/* h, said of name while its entry was read: kept while the entry is not read again. */
static void site_said_read(struct site *s, const char *name, uint64_t h)
{
	struct site_said x = {site_entry_hash(name), h};

	site_said_keep(s, &x);
}

/* A post's file as it was read, for site_say(). */
static struct stat site_stat(const struct post *p)
{
	struct stat st = {0};
	st.st_ino = p->ino;
	st.st_size = p->size;
	st.st_mtim = p->mtime;
	return st;
}

/* Old addresses (aliases, redirect_from) answer 301 to their post or page. */
static void site_aliases(struct site *s, const struct site_files *before)
{
	struct buf path = {0};
	int changed;

	route_init(&s->aliases, 16);
	for (size_t i = 0; i < s->nlisted + s->npages; i++) {
		const struct post *p = i < s->nlisted ? s->listed[i] : s->pages[i - s->nlisted];
		struct stat st = site_stat(p);
		for (size_t k = 0; k < p->aliases.len; k++) {
			const char *a = p->aliases.items[k];
			if (path_canon(a, strlen(a), 0, &path, &changed) != PATH_OK ||
			    path.len < 2 || path.len > 1024) {
				site_say(s, before, p->name, &st, LOG_WARN,
				         "%s: alias \"%s\" is not a usable URL path", p->path, a);
				continue;
			}
			if (route_reserved(s->config, path.data, path.len)) {
				site_say(s, before, p->name, &st, LOG_WARN,
				         "%s: alias %.*s is an address quire makes itself; ignored",
				         p->path, (int)path.len, path.data);
				continue;
			}
			if (route_find(&s->routes, path.data, path.len) != NULL) {
				site_say(s, before, p->name, &st, LOG_WARN,
				         "%s: alias %.*s is a post's route; ignored", p->path,
				         (int)path.len, path.data);
				continue;
			}
			char *key = arena_strndup(&s->arena, path.data, path.len);
			const struct post *taken = route_add(&s->aliases, key, path.len, p);
			if (taken != NULL && taken != p)
				site_say(s, before, p->name, &st, LOG_WARN,
				         "%s: alias %s is already %s's", p->path, key, taken->path);
		}
	}
	buf_free(&path);
}

/* Note when p appears or expires after s->made: the snapshot is remade then. One that
 * came already changed the lists and feeds at that time: the site was modified then. */
static void site_schedule(struct site *s, const struct post *p)
{
	time_t t[2] = {p->has_publish ? p->publish : 0, p->has_expiry ? p->expiry : 0};

	for (int i = 0; i < 2; i++) {
		if (t[i] > s->made && (s->next_change == 0 || t[i] < s->next_change))
			s->next_change = t[i];
		if (t[i] > 0 && t[i] <= s->made && t[i] > s->modified)
			s->modified = t[i];
	}
}

/* Is the entry e of the posts folder a page bundle (a folder, not a link to one, with a
 * regular index.md)? Its post's name, "NAME/index.md", then goes to name. */
static int site_bundle(int dfd, const char *entry, int type, struct buf *name)
{
	struct stat st;

	if (type != DT_DIR && type != DT_UNKNOWN)
		return 0;
	if (fstatat(dfd, entry, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	buf_printf(name, "%s/index.md", entry);
	if (fstatat(dfd, name->data, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
		return 1;
	buf_free(name);
	return 0;
}

/* A file not served, said as site_say() says things (files.h). */
struct site_files_say {
	struct site *s;
	const struct site_files *before;
};

static void site_file_say(void *ctx, const char *name, const struct stat *st, int level,
                          const char *line)
{
	struct site_files_say *x = ctx;
	site_say(x->s, x->before, name, st, level, "%s", line);
}

/* The files served as they are: the static folder's, then each served bundle's. */
static void site_file_table(struct site *s, const struct site_files *before, int dfd)
{
	struct site_files_say x = {s, before};
	struct files_say say = {site_file_say, &x, &s->routes, s->config};

	files_add_static(&s->files, s->config->static_dir, &say);
	for (size_t i = 0; dfd >= 0 && i < s->nposts; i++) {
		const struct post *p = s->posts[i];
		const char *slash = strchr(p->name, '/');
		if (slash == NULL || route_find(&s->routes, p->route, p->route_len) != p)
			continue;
		char *dir = xstrndup(p->name, (size_t)(slash - p->name));
		files_add_bundle(&s->files, dfd, s->config->posts_dir, dir, p, &say);
		free(dir);
	}
	files_seal(&s->files, &say);
}

/* A candidate post: its file name, and whether to look at the file (or share the post of
 * the snapshot before as it is: the watcher said its entry did not change). */
struct site_name {
	char *name;
	int look;
};

static int site_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct site_name *)a)->name, ((const struct site_name *)b)->name);
}

struct site_names {
	struct site_name *v;
	size_t n, cap;
};

static void site_names_add(struct site_names *l, char *name, int look)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct site_name){name, look};
}

/* The entry of the posts folder named entry (type: the folder's record of it, or
 * DT_UNKNOWN): its post's file name to l when it may be one ("NAME.md", a bundle's
 * "NAME/index.md"), what is skipped said. */
static void site_entry(struct site *s, const struct site_files *before, int dfd, const char *dir,
                       const char *entry, int type, struct site_names *l)
{
	/* What is skipped is said of its name alone, changed or not: once, not on each save. */
	static const struct stat none;
	size_t len = strlen(entry);
	struct stat st = {0};
	struct buf bundle = {0};

	if (entry[0] == '.')
		return;
	/* A page bundle: a folder with index.md, the post "NAME/index.md". */
	if (site_bundle(dfd, entry, type, &bundle)) {
		site_names_add(l, bundle.data, 1);
		return;
	}
	if (len < 4 || strcmp(entry + len - 3, ".md") != 0) {
		/* Gone since the watcher named it: nothing to say. */
		if (type != DT_UNKNOWN || fstatat(dfd, entry, &st, AT_SYMLINK_NOFOLLOW) == 0)
			site_said_read(s, entry,
			               site_say(s, before, entry, &none, LOG_INFO,
			                        "%s/%s: skipped: not a post (*.md)", dir, entry));
		return;
	}
	/* The folder's own record of the type saves a stat per post; post_load() checks
	 * again on the open file. */
	if (type == DT_UNKNOWN) {
		if (fstatat(dfd, entry, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return;
		type = S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
	}
	if (type != DT_REG) {
		site_said_read(s, entry,
		               site_say(s, before, entry, &none, LOG_WARN, "%s/%s: skipped: %s",
		                        dir, entry,
		                        type == DT_LNK ? "a symbolic link" : "not a regular file"));
		return;
	}
	site_names_add(l, xstrndup(entry, len), 1);
}

/* Is entry (len bytes) one of those the watcher said changed? */
static int site_entry_changed(const struct site_files *before, const char *entry, size_t len)
{
	size_t lo = 0, hi = before->nchanged;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *x = before->changed[mid];
		int c = strncmp(x, entry, len);
		if (c == 0 && x[len] != '\0')
			c = 1;
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The candidate posts of the folder, sorted by name: the same order on every start. When
 * the watcher said which entries changed, the snapshot before's posts with only those
 * looked at again: the folder is not read (on a slow disk, reading a folder of 10,000
 * posts waited seconds in getdents64, and each of them was looked at again). */
static struct site_name *site_scan(struct site *s, const struct site_files *before, int dfd,
                                   const char *dir, size_t *count)
{
	struct site_names l = {0};

	*count = 0;
	if (before != NULL && before->changed_only) {
		for (size_t i = 0; i < before->nposts; i++) {
			const char *name = before->posts[i]->name, *slash = strchr(name, '/');
			if (!site_entry_changed(before, name,
			                        slash ? (size_t)(slash - name) : strlen(name)))
				site_names_add(&l, xstrndup(name, strlen(name)), 0);
		}
		for (size_t i = 0; i < before->nchanged; i++)
			site_entry(s, before, dfd, dir, before->changed[i], DT_UNKNOWN, &l);
	} else {
		int fd = dup(dfd);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		struct dirent *e;
		if (d == NULL) {
			log_msg(LOG_ERROR, "%s: cannot read the posts folder: %s", dir,
			        strerror(errno));
			if (fd >= 0)
				close(fd);
			s->unread = 1; /* the next snapshot reads it whole */
			return xcalloc(1, sizeof(*l.v));
		}
		rewinddir(d);
		errno = 0;
		while ((e = readdir(d)) != NULL) {
			site_entry(s, before, dfd, dir, e->d_name, e->d_type, &l);
			errno = 0;
		}
		if (errno != 0) {
			log_msg(LOG_ERROR, "%s: cannot read the posts folder: %s", dir,
			        strerror(errno));
			s->unread = 1;
		}
		closedir(d);
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), site_name_cmp);
	*count = l.n;
	return l.v ? l.v : xcalloc(1, sizeof(*l.v));
}

/* A post that no longer reads well this long after its file was written is broken; before,
 * it may be an editor's save caught half written (truncated, then written in place). */
#define SITE_SETTLE_MS 1000

/* Was the file st written too lately to say that it is broken? Then the snapshot notes when
 * to look again: if it is still broken then, that load says so. */
static int site_unsettled(struct site *s, const struct stat *st)
{
	long long written = (long long)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
	long long now = clock_now_ms(), still = written + SITE_SETTLE_MS;

	if (st->st_mtim.tv_sec == 0 || now >= still || written - now >= SITE_SETTLE_MS)
		return 0;
	if (s->settled_ms == 0 || still < s->settled_ms)
		s->settled_ms = still;
	return 1;
}

/* This file's post: shared with before's when unchanged; before's when it no longer
 * loads (but not when quire may no longer read it: that post is left out). Names come
 * in order: *at walks before's posts (by name too) along with them. */
static struct post *site_post(struct site *s, const struct site_files *before, size_t *at, int dfd,
                              const char *name, int look)
{
	const struct config *c = s->config;
	struct post *prev = NULL, *p;

	while (before && *at < before->nposts && strcmp(before->posts[*at]->name, name) < 0)
		(*at)++;
	if (before && *at < before->nposts && strcmp(before->posts[*at]->name, name) == 0)
		prev = before->posts[*at];
	struct stat st;
	struct buf why = {0};
	int level, readable = 1;

	/* The same file, its mode too (a chmod changes its ctime): the same post. */
	if (prev != NULL && (!look || (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	                               post_same_file(prev, &st)))) {
		post_ref(prev);
		return prev;
	}
	if (prev != NULL)
		readable = faccessat(dfd, name, R_OK, AT_EACCESS) == 0;
	p = post_load(dfd, c->posts_dir, name, c, &level, &why, &st);
	s->loaded += p != NULL;
	/* A post that was good and is broken now, just written: most likely a save caught
	 * half done, whose end comes in a moment. The last good version serves quietly
	 * meanwhile; a file that stays broken once it has held still is said then. */
	int quiet =
	    p == NULL && prev != NULL && readable && before->again && site_unsettled(s, &st);
	if (p == NULL && !quiet)
		site_said_read(s, name, site_say(s, before, name, &st, level, "%s", why.data));
	buf_free(&why);
	/* The last whole page keeps serving while the new version is being written;
	 * the last body only when the front matter is the same (a page is never one
	 * version's fields around another's body). */
	if (p != NULL && prev != NULL) {
		p->last_page = __atomic_load_n(&prev->last_page, __ATOMIC_RELAXED);
		if (p->hash == prev->hash)
			p->last_body = __atomic_load_n(&prev->last_body, __ATOMIC_RELAXED);
	}
	if (p == NULL && prev != NULL && readable) {
		if (!quiet)
			site_said_read(s, name,
			               site_say(s, before, name, &st, LOG_WARN,
			                        "%s: the last good version keeps serving",
			                        prev->path));
		post_ref(prev);
		return prev;
	}
	return p;
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

/* One entry of the main menu, while it is put in order. */
struct site_menu_entry {
	const char *title, *route, *url; /* route in the site, or url elsewhere */
	double weight;
	size_t seq; /* the configuration's entries first, in their order, then the posts' */
};

static int site_menu_cmp(const void *a, const void *b)
{
	const struct site_menu_entry *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* site.menu: the configuration's entries (or, without menu:, the posts' index), and
 * each post or page that names the main menu (menu: main), by weight (a configuration
 * entry without one weighs its place in the list, a post without one comes last), then
 * in that order. Each entry: title, url, route (in the site) or external (true), and
 * current (false here: layout_render() marks the page's own). */
static struct value site_menu(struct site *s)
{
	const struct config *c = s->config;
	size_t cap = (c->has_menu ? c->nmenu : 1) + s->nlisted + s->npages, n = 0;
	struct site_menu_entry *e = xcalloc(cap ? cap : 1, sizeof(*e));
	struct value list = {.type = VALUE_LIST}, *items;

	if (!c->has_menu)
		e[n++] = (struct site_menu_entry){"Posts", "/", NULL, 0, 0};
	for (size_t i = 0; c->has_menu && i < c->nmenu; i++, n++)
		e[n] = (struct site_menu_entry){
		    c->menu[i].title, c->menu[i].route, c->menu[i].url,
		    c->menu[i].has_weight ? c->menu[i].weight : (double)(i + 1), n};
	for (size_t k = 0; k < 2; k++) {
		const struct post **ps = k == 0 ? s->pages : s->listed;
		size_t np = k == 0 ? s->npages : s->nlisted;
		for (size_t i = 0; i < np; i++) {
			const struct post *p = ps[i];
			int named = 0;
			for (size_t m = 0; m < p->menus.len; m++)
				named |= strcmp(p->menus.items[m], "main") == 0;
			if (named) {
				e[n] = (struct site_menu_entry){p->title, p->route, NULL,
				                                p->has_order ? p->order : 1e300, n};
				n++;
			}
		}
	}
	qsort(e, n, sizeof(*e), site_menu_cmp);
	items = arena_alloc(&s->arena, (n ? n : 1) * sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		struct value *v = &items[i], yes = {.type = VALUE_BOOL}, no = {.type = VALUE_BOOL};
		yes.u.boolean = 1;
		memset(v, 0, sizeof(*v));
		v->type = VALUE_MAP;
		value_set_string(v, "title", e[i].title, strlen(e[i].title), &s->arena);
		if (e[i].route != NULL) {
			post_add_urls(v, e[i].route, strlen(e[i].route), c, &s->arena);
		} else {
			value_set_string(v, "url", e[i].url, strlen(e[i].url), &s->arena);
			value_set(v, "external", &yes, &s->arena);
		}
		value_set(v, "current", &no, &s->arena);
	}
	free(e);
	list.u.list.items = items;
	list.u.list.len = n;
	return list;
}

static void site_values(struct site *s)
{
	const struct config *c = s->config;
	struct member *m = arena_alloc(&s->arena, 8 * sizeof(*m));
	struct value *list = arena_alloc(&s->arena, (s->nlisted ? s->nlisted : 1) * sizeof(*list));

	site_string(&m[0], "title", c->site_title);
	site_string(&m[1], "base_url", c->site_base_url);
	site_string(&m[2], "description", c->site_description);
	site_string(&m[3], "language", c->site_language);
	site_string(&m[4], "author", c->site_author);
	site_string(&m[5], "mount", c->mount);
	memset(&m[6], 0, sizeof(m[6]));
	m[6].key = "menu";
	m[6].keylen = 4;
	m[6].value = site_menu(s);
	s->context.site.type = VALUE_MAP;
	s->context.site.u.map.items = m;
	s->context.site.u.map.len = 7;
	if (c->dev) {
		/* site.dev: the snapshot and where the page asks for the next (page_dev.c). */
		char id[24];
		snprintf(id, sizeof(id), "%llu", (unsigned long long)s->id);
		memset(&m[7], 0, sizeof(m[7]));
		m[7].key = "dev";
		m[7].keylen = 3;
		m[7].value.type = VALUE_MAP;
		value_set_string(&m[7].value, "id", id, strlen(id), &s->arena);
		s->context.site.u.map.len = 8;
	}
	for (size_t i = 0; i < s->nlisted; i++)
		list[i] = s->listed[i]->fields;
	s->context.posts.type = VALUE_LIST;
	s->context.posts.u.list.items = list;
	s->context.posts.u.list.len = s->nlisted;
	m = arena_alloc(&s->arena, sizeof(*m));
	site_string(m, "version", QUIRE_VERSION);
	s->context.quire.type = VALUE_MAP;
	s->context.quire.u.map.items = m;
	s->context.quire.u.map.len = 1;
}

static const struct template *site_layout(const struct site *s, const char *name)
{
	return template_set_find(s->layouts->set, name, strlen(name));
}

/* Compile the layouts, or share those before: unchanged, or when the new ones are broken. */
static int site_layouts(struct site *s, struct layouts *before, int reload)
{
	const struct config *c = s->config;

	if (before != NULL && !reload) {
		layout_ref(before);
		s->layouts = before;
		return 0;
	}
	s->layouts = layout_load(c->layouts_dir);
	if (s->layouts != NULL &&
	    (site_layout(s, "index") == NULL || site_layout(s, "error") == NULL ||
	     site_layout(s, c->default_layout) == NULL)) {
		log_msg(
		    LOG_ERROR,
		    "%s: the layouts folder needs index.mustache, error.mustache and %s.mustache",
		    c->layouts_dir, c->default_layout);
		layout_unref(s->layouts);
		s->layouts = NULL;
	}
	if (s->layouts != NULL)
		return 0;
	if (before == NULL)
		return -1;
	log_msg(LOG_WARN, "%s: the layouts as they were keep serving", c->layouts_dir);
	layout_ref(before);
	s->layouts = before;
	return 0;
}

struct site *site_load(const struct config *c, const struct site_files *before,
                       struct layouts *layouts, int reload_layouts)
{
	struct site *s = xcalloc(1, sizeof(*s));
	struct site_name *names = NULL;
	size_t count = 0, n = 0, listed = 0;
	struct stat st;
	int dfd = -1, ok = 0;

	s->refs = 1;
	s->config = c;
	s->made = clock_now();
	pthread_mutex_lock(&site_lock);
	s->id = site_next_id++;
	pthread_mutex_unlock(&site_lock);
	if (site_layouts(s, layouts, reload_layouts) < 0)
		goto out;
	s->index_layout = site_layout(s, "index");
	dfd = open(c->posts_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		log_msg(LOG_ERROR, "%s: cannot open the posts folder: %s", c->posts_dir,
		        strerror(errno));
		/* While serving, a folder gone for a moment empties the site, nothing more. */
		ok = before != NULL;
		s->unread = 1;
		if (!ok)
			goto out;
	} else {
		names = site_scan(s, before, dfd, c->posts_dir, &count);
	}
	s->posts = xcalloc(count ? count : 1, sizeof(*s->posts));
	size_t cursor = 0;
	for (size_t i = 0; i < count; i++) {
		struct post *p = site_post(s, before, &cursor, dfd, names[i].name, names[i].look);
		s->looked += names[i].look;
		if (p != NULL)
			s->posts[n++] = p;
	}
	s->nposts = n;
	/* Posts are in file-name order, so the first of two with one route wins on every start. */
	route_init(&s->routes, n);
	s->listed = xcalloc(n ? n : 1, sizeof(*s->listed));
	s->pages = xcalloc(n ? n : 1, sizeof(*s->pages));
	s->places = xcalloc(n ? n : 1, sizeof(*s->places));
	struct site_listing *order = xcalloc(n ? n : 1, sizeof(*order));
	s->modified = s->layouts->modified;
	if (stat(c->file, &st) == 0 && st.st_mtime > s->modified)
		s->modified = st.st_mtime;
	for (size_t i = 0; i < n; i++) {
		const struct post *p = s->posts[i];
		struct stat file = site_stat(p);
		s->places[i].at = SIZE_MAX;
		if (p->draft) {
			site_say(s, before, p->name, &file, LOG_INFO, "%s: a draft: not served",
			         p->path);
			continue;
		}
		if (route_reserved(c, p->route, p->route_len)) {
			site_say(s, before, p->name, &file, LOG_ERROR,
			         "%s: route %s is an address quire makes itself (a list, a feed, "
			         "the sitemap, robots.txt or a static file); this post is left out",
			         p->path, p->route);
			continue;
		}
		const struct post *taken = route_add(&s->routes, p->route, p->route_len, p);
		if (taken != NULL) {
			site_say(s, before, p->name, &file, LOG_ERROR,
			         "%s: route %s is already taken by %s; this post is left out",
			         p->path, p->route, taken->path);
			continue;
		}
		/* A page has the layout "page" when there is one and it names none. */
		const char *want = p->layout                           ? p->layout
		                   : p->page && site_layout(s, "page") ? "page"
		                                                       : c->default_layout;
		s->places[i].layout = site_layout(s, want);
		/* Jekyll's "layout: post" finds Post.mustache. */
		if (s->places[i].layout == NULL && p->layout != NULL)
			s->places[i].layout =
			    template_set_find_nocase(s->layouts->set, p->layout, strlen(p->layout));
		if (s->places[i].layout == NULL) {
			site_say(s, before, p->name, &file, LOG_WARN,
			         "%s: layout \"%s\" does not exist; using \"%s\"", p->path,
			         p->layout, c->default_layout);
			s->places[i].layout = site_layout(s, c->default_layout);
		}
		if (p->mtime.tv_sec > s->modified)
			s->modified = p->mtime.tv_sec;
		site_schedule(s, p);
		/* A snapshot shows the site as it is at s->made: scheduled posts wait. */
		s->places[i].served = post_live(p, s->made);
		if (s->places[i].served && p->page)
			s->pages[s->npages++] = p;
		else if (s->places[i].served)
			order[listed++] = (struct site_listing){p, i};
	}
	s->nlisted = listed;
	qsort_r(order, listed, sizeof(*order), site_listing_cmp, (void *)c);
	for (size_t k = 0; k < listed; k++) {
		s->listed[k] = order[k].p;
		s->places[order[k].i].at = k;
	}
	free(order);
	site_aliases(s, before);
	site_file_table(s, before, dfd);
	/* What the reading of the entries not read again said stays said. */
	if (before != NULL && before->changed_only && before->nread_said > 0) {
		uint64_t *read = xcalloc(before->nchanged + 1, sizeof(*read));
		for (size_t k = 0; k < before->nchanged; k++)
			read[k] = site_entry_hash(before->changed[k]);
		for (size_t i = 0; i < before->nread_said; i++) {
			const struct site_said *x = &before->read_said[i];
			size_t k = 0;
			while (k < before->nchanged && read[k] != x->entry)
				k++;
			if (k == before->nchanged) {
				site_said_add(s, x->line);
				site_said_keep(s, x);
			}
		}
		free(read);
	}
	if (s->nsaid > 1) {
		qsort(s->said, s->nsaid, sizeof(*s->said), site_said_cmp);
		size_t k = 1;
		for (size_t i = 1; i < s->nsaid; i++)
			if (s->said[i] != s->said[k - 1])
				s->said[k++] = s->said[i];
		s->nsaid = k;
	}
	site_taxonomies(s);
	site_related_all(s);
	site_periods(s);
	const struct post **served = xcalloc(listed + s->npages + 1, sizeof(*served));
	memcpy(served, s->listed, listed * sizeof(*served));
	memcpy(served + listed, s->pages, s->npages * sizeof(*served));
	struct moved_posts sp = {served, listed + s->npages, &s->routes};
	moved_routes(c, &sp, &s->moved, &s->arena);
	free(served);
	site_values(s);
	ok = 1;
out:
	if (dfd >= 0)
		close(dfd);
	for (size_t i = 0; i < count; i++)
		free(names[i].name);
	free(names);
	if (!ok) {
		site_release(s);
		return NULL;
	}
	return s;
}

void site_release(struct site *s)
{
	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (size_t i = 0; i < s->nposts; i++)
		post_unref(s->posts[i]);
	free(s->posts);
	free(s->said);
	free(s->read_said);
	free(s->listed);
	free(s->pages);
	free(s->places);
	route_free(&s->aliases);
	route_free(&s->moved);
	files_free(&s->files);
	route_free(&s->routes);
	layout_unref(s->layouts);
	arena_free(&s->arena);
	free(s);
}

struct site_files site_files(const struct site *s)
{
	struct site_files f = {.posts = s->posts,
	                       .nposts = s->nposts,
	                       .said = s->said,
	                       .nsaid = s->nsaid,
	                       .read_said = s->read_said,
	                       .nread_said = s->nread_said};
	return f;
}

void site_publish(struct site *s)
{
	struct site *old;

	pthread_mutex_lock(&site_lock);
	old = site_current;
	site_current = s;
	pthread_cond_broadcast(&site_changed);
	pthread_mutex_unlock(&site_lock);
	site_release(old);
}

int site_wait_change(uint64_t since, long timeout_ms)
{
	struct timespec until;
	int changed;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&site_lock);
	while (!(changed = site_current != NULL && site_current->id != since))
		if (pthread_cond_timedwait(&site_changed, &site_lock, &until) != 0)
			break;
	changed = site_current != NULL && site_current->id != since;
	pthread_mutex_unlock(&site_lock);
	return changed;
}

struct site *site_acquire(void)
{
	struct site *s;

	/* A lock, not a bare atomic load: the pointer and its count move together. */
	pthread_mutex_lock(&site_lock);
	s = site_current;
	if (s != NULL)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&site_lock);
	return s;
}

struct site_place site_post_place(const struct site *s, const struct post *p)
{
	size_t i = site_find(s->posts, s->nposts, p->name);
	struct site_place none = {site_layout(s, s->config->default_layout), SIZE_MAX, 0};

	return i < s->nposts ? s->places[i] : none;
}

void site_neighbours(const struct site *s, const struct post *p, const struct post **prev,
                     const struct post **next)
{
	size_t at = site_post_place(s, p).at;
	const struct post *before = NULL, *after = NULL;

	if (at != SIZE_MAX) {
		before = at > 0 ? s->listed[at - 1] : NULL;
		after = at + 1 < s->nlisted ? s->listed[at + 1] : NULL;
	}
	/* Newest first: the one listed before is the next post, the one after the previous. */
	*prev = s->config->sort_by_order ? before : after;
	*next = s->config->sort_by_order ? after : before;
}

/* The entry of a sorted array whose route is route: bsearch over (route, route_len). */
#define SITE_FIND_ROUTE(arr, count, route, len)                                                    \
	do {                                                                                       \
		size_t lo_ = 0, hi_ = (count);                                                     \
		while (lo_ < hi_) {                                                                \
			size_t mid_ = lo_ + (hi_ - lo_) / 2;                                       \
			size_t n_ = (arr)[mid_].route_len < (len) ? (arr)[mid_].route_len : (len); \
			int c_ = memcmp((arr)[mid_].route, (route), n_);                           \
			if (c_ == 0)                                                               \
				c_ = (arr)[mid_].route_len < (len)                                 \
				         ? -1                                                      \
				         : (arr)[mid_].route_len > (len);                          \
			if (c_ == 0)                                                               \
				return &(arr)[mid_];                                               \
			if (c_ < 0)                                                                \
				lo_ = mid_ + 1;                                                    \
			else                                                                       \
				hi_ = mid_;                                                        \
		}                                                                                  \
		return NULL;                                                                       \
	} while (0)

const struct site_term *site_term(const struct site_taxonomy *x, const char *route, size_t len)
{
	SITE_FIND_ROUTE(x->terms, x->nterms, route, len);
}

const struct site_period *site_period(const struct site *s, const char *route, size_t len)
{
	SITE_FIND_ROUTE(s->periods, s->nperiods, route, len);
}

const struct site_taxonomy *site_taxonomy(const struct site *s, const char *route, size_t len)
{
	for (size_t i = 0; i < s->ntaxonomies; i++)
		if (s->taxonomies[i].route_len == len &&
		    memcmp(s->taxonomies[i].route, route, len) == 0)
			return &s->taxonomies[i];
	return NULL;
}

const struct site_term *site_series(const struct site *s, const struct post *p, size_t *part)
{
	const struct site_taxonomy *x = site_taxonomy(s, "/series", 7);
	size_t at = site_post_place(s, p).at;
	struct strlist names;
	struct arena a = {0};
	struct buf route = {0};
	const struct site_term *t = NULL;

	if (x == NULL || at == SIZE_MAX)
		return NULL;
	post_terms(&p->fields, x->config, &names, &a);
	if (names.len > 0) {
		post_term_route(x->config->name, names.items[0], &route);
		t = site_term(x, route.data, route.len);
	}
	for (size_t k = 0; t != NULL && k < t->nposts; k++)
		if (t->at[k] == at)
			/* Oldest first: the listing is newest first unless sorted by order. */
			*part = s->config->sort_by_order ? k + 1 : t->nposts - k;
	buf_free(&route);
	arena_free(&a);
	return t;
}

int site_served(const struct site *s, const struct post *p)
{
	return !p->draft && post_live(p, s->made) &&
	       route_find(&s->routes, p->route, p->route_len) == p;
}

const struct post *site_served_named(const struct site *s, const char *name)
{
	size_t i = site_find(s->posts, s->nposts, name);

	return i < s->nposts && site_served(s, s->posts[i]) ? s->posts[i] : NULL;
}

const struct post *const *site_related(const struct site *s, const struct post *p)
{
	size_t at = site_post_place(s, p).at;

	if (s->related == NULL || at == SIZE_MAX)
		return NULL;
	return s->related + at * (size_t)s->config->related;
}

const struct template *site_error_layout(const struct site *s, int status)
{
	char name[16];
	const struct template *t;

	snprintf(name, sizeof(name), "%d", status);
	t = site_layout(s, name);
	return t ? t : site_layout(s, "error");
}

/* address.c — every address a site answers: each candidate path is looked up in the route
 * table (dispatch_find()) and written as it writes it (dispatch_canonical()), so that what
 * is listed is what a request for it gets. */
#include "address.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "dispatch.h"
#include "files.h"
#include "html.h"
#include "post.h"
#include "route.h"
#include "site.h"

struct address_make {
	const struct site *site;
	struct address_list *out;
	struct buf path, canon;
};

static struct address *address_push(struct address_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	struct address *a = &l->v[l->n++];
	memset(a, 0, sizeof(*a));
	return a;
}

/* The address m->path names, if the route table answers it with a page (no error). */
static void address_add(struct address_make *m)
{
	struct page_target t;
	const struct dispatch_row *row = dispatch_find(m->site, m->path.data, m->path.len, &t);

	if (row == NULL || t.status != 0)
		return;
	/* An old address is its own; the row's one address is where it sends to. */
	if (row->flags & DISPATCH_REDIRECT) {
		buf_reset(&m->canon);
		buf_add(&m->canon, m->path.data, m->path.len);
	} else {
		dispatch_canonical(row, &t, &m->canon);
	}
	struct address *a = address_push(m->out);
	a->path = arena_strndup(&m->out->arena, m->canon.data, m->canon.len);
	a->len = m->canon.len;
	a->kind = row->name;
	a->state = row->flags & DISPATCH_REDIRECT ? ADDRESS_REDIRECT : ADDRESS_LIVE;
	a->post = t.post;
	a->file = t.file;
	if (t.post != NULL && t.post->page && a->state == ADDRESS_LIVE)
		a->kind = "page";
	if (t.feed != PAGE_FEED_NONE)
		a->kind = "feed";
}

static void address_path(struct address_make *m, const char *p, size_t n)
{
	buf_reset(&m->path);
	buf_add(&m->path, p, n);
	address_add(m);
}

/* A list at base ("" for the index) of n posts: its pages, and its feeds when it has them. */
static void address_lists(struct address_make *m, const char *base, size_t len, size_t n, int feeds)
{
	static const char *const names[] = {ROUTE_ATOM, ROUTE_RSS, ROUTE_JSON};
	size_t per = m->site->config->paginate > 0 ? (size_t)m->site->config->paginate : 1;
	size_t pages = n ? (n + per - 1) / per : 1;

	address_path(m, len ? base : "/", len ? len : 1);
	for (size_t k = 2; k <= pages; k++) {
		buf_reset(&m->path);
		buf_add(&m->path, base, len);
		buf_printf(&m->path, ROUTE_PAGE "/%zu", k);
		address_add(m);
	}
	for (size_t k = 0; feeds && k < sizeof(names) / sizeof(names[0]); k++) {
		buf_reset(&m->path);
		buf_add(&m->path, base, len);
		buf_adds(&m->path, names[k]);
		address_add(m);
	}
}

/* The route of a post the site does not serve, and why. */
static void address_unserved(struct address_make *m, const struct post *p)
{
	struct address *a = address_push(m->out);

	a->path = p->route;
	a->len = p->route_len;
	a->kind = p->page ? "page" : "post";
	a->post = p;
	if (p->draft) {
		a->state = ADDRESS_DRAFT;
	} else if (p->has_expiry && p->expiry <= m->site->made) {
		a->state = ADDRESS_EXPIRED;
		a->when = p->expiry;
	} else if (p->has_publish && p->publish > m->site->made) {
		a->state = ADDRESS_SCHEDULED;
		a->when = p->publish;
	} else {
		a->state = ADDRESS_TAKEN;
	}
}

static void address_redirects(struct address_make *m, const struct route_table *t)
{
	const char *path;
	size_t len;
	const struct post *p;

	for (size_t i = 0; i < t->cap; i++)
		if (route_at(t, i, &path, &len, &p))
			address_path(m, path, len);
}

static int address_cmp(const void *a, const void *b)
{
	const struct address *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->path, y->path, n);

	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

void address_list(const struct site *s, int all, struct address_list *out)
{
	/* The last three with search on only. */
	static const char *const fixed[] = {ROUTE_ARCHIVE,    ROUTE_SITEMAP,     ROUTE_ROBOTS,
	                                    ROUTE_OPENSEARCH, ROUTE_SEARCH_JSON, ROUTE_SEARCH};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]) - (s->config->search ? 0 : 3);
	struct address_make m = {s, out, {0}, {0}};

	memset(out, 0, sizeof(*out));
	address_lists(&m, "", 0, s->nlisted, 1);
	for (size_t i = 0; i < s->ntaxonomies; i++) {
		const struct site_taxonomy *x = &s->taxonomies[i];
		address_path(&m, x->route, x->route_len);
		for (size_t k = 0; k < x->nterms; k++)
			address_lists(&m, x->terms[k].route, x->terms[k].route_len,
			              x->terms[k].nposts, 1);
	}
	for (size_t i = 0; i < s->nperiods; i++)
		address_lists(&m, s->periods[i].route, s->periods[i].route_len,
		              s->periods[i].nposts, 0);
	for (size_t i = 0; i < nfixed; i++)
		address_path(&m, fixed[i], strlen(fixed[i]));
	for (size_t i = 0; i < s->nposts; i++) {
		const struct post *p = s->posts[i];
		if (site_served(s, p))
			address_path(&m, p->route, p->route_len);
		else if (all)
			address_unserved(&m, p);
	}
	address_redirects(&m, &s->aliases);
	address_redirects(&m, &s->moved);
	for (size_t i = 0; i < s->files.n; i++)
		address_path(&m, s->files.v[i].route, s->files.v[i].route_len);
	if (out->n > 0)
		qsort(out->v, out->n, sizeof(*out->v), address_cmp);
	buf_free(&m.path);
	buf_free(&m.canon);
}

void address_list_free(struct address_list *l)
{
	free(l->v);
	arena_free(&l->arena);
	memset(l, 0, sizeof(*l));
}

const struct address *address_find(const struct address_list *l, const char *path, size_t len)
{
	struct address key = {.path = path, .len = len};

	return l->n > 0 ? bsearch(&key, l->v, l->n, sizeof(*l->v), address_cmp) : NULL;
}

const char *address_state_name(enum address_state s)
{
	static const char *const names[] = {"live",      "redirect", "draft",
	                                    "scheduled", "expired",  "taken"};

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* A request's parameters: a GET of the address. */
static const char *address_param(const char *name, void *ctx)
{
	if (strcmp(name, "REQUEST_METHOD") == 0)
		return "GET";
	if (strcmp(name, "REQUEST_URI") == 0)
		return ctx;
	return NULL;
}

int address_fetch(const struct site *s, const char *path, size_t len, struct address_fetch *f)
{
	struct buf uri = {0};
	const char *body;
	size_t n;

	html_url_path(&uri, s->config->mount, config_mount_prefix(s->config));
	html_url_path(&uri, path, len);
	struct request_env env = {address_param, (void *)buf_cstr(&uri)};
	response_reset(&f->rs);
	dispatch(s, &env, &f->rq, &f->rs);
	buf_reset(&f->head);
	buf_reset(&f->body);
	response_serialize(&f->rs, &f->head, &body, &n);
	buf_add(&f->body, body, n);
	buf_free(&uri);
	return f->rs.status;
}

void address_fetch_free(struct address_fetch *f)
{
	request_free(&f->rq);
	response_free(&f->rs);
	buf_free(&f->head);
	buf_free(&f->body);
}

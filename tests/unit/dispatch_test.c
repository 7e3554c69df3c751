/* dispatch_test.c — the route table: which row answers an address, what it found there,
 * and the one canonical address of each, on a small site made in a temporary folder. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "config.h"
#include "dispatch.h"
#include "site.h"

static void dispatch_test_write(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

struct dispatch_case {
	const char *path; /* as dispatch_find gets it: canonical, "/" for the index */
	const char *row;  /* NULL: no row (404) */
	const char *term; /* the term found, or NULL */
	size_t page;      /* 0: not checked */
	enum page_feed_kind feed;
	int status;            /* what the row says to answer instead, or 0 */
	const char *canonical; /* the address dispatch_canonical writes */
};

static const struct dispatch_case cases[] = {
    {"/", "index", NULL, 1, PAGE_FEED_NONE, 0, "/"},
    {"/page/2", "index", NULL, 2, PAGE_FEED_NONE, 0, "/page/2/"},
    {"/page/3", "index", NULL, 3, PAGE_FEED_NONE, 0, "/page/3/"},
    {"/page/4", "index", NULL, 4, PAGE_FEED_NONE, 404, "/page/4/"},
    {"/page/1", "index", NULL, 1, PAGE_FEED_NONE, 0, "/"},
    {"/page/0", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/page/02", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/page/x", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/page/99999999999999999999", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/feed.xml", "index", NULL, 1, PAGE_FEED_ATOM, 0, "/feed.xml"},
    {"/rss.xml", "index", NULL, 1, PAGE_FEED_RSS, 0, "/rss.xml"},
    {"/feed.json", "index", NULL, 1, PAGE_FEED_JSON, 0, "/feed.json"},
    {"/page/2/feed.xml", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/sitemap.xml", "sitemap", NULL, 0, PAGE_FEED_NONE, 0, "/sitemap.xml"},
    {"/robots.txt", "robots", NULL, 0, PAGE_FEED_NONE, 0, "/robots.txt"},
    {"/tags", "terms", NULL, 0, PAGE_FEED_NONE, 0, "/tags/"},
    {"/tags/rust", "term", "rust", 1, PAGE_FEED_NONE, 0, "/tags/rust/"},
    {"/tags/rust/page/2", "term", "rust", 2, PAGE_FEED_NONE, 0, "/tags/rust/page/2/"},
    {"/tags/rust/page/3", "term", "rust", 3, PAGE_FEED_NONE, 404, "/tags/rust/page/3/"},
    {"/tags/rust/page/1", "term", "rust", 1, PAGE_FEED_NONE, 0, "/tags/rust/"},
    {"/tags/rust/feed.json", "term", "rust", 1, PAGE_FEED_JSON, 0, "/tags/rust/feed.json"},
    {"/tags/rust/rss.xml", "term", "rust", 1, PAGE_FEED_RSS, 0, "/tags/rust/rss.xml"},
    {"/tags/rust/sitemap.xml", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/tags/rust/other", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/tags/nope", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/tags/nope/feed.xml", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/tags/feed.xml", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/categories", "terms", NULL, 0, PAGE_FEED_NONE, 0, "/categories/"},
    {"/categories/news", "term", "News", 1, PAGE_FEED_NONE, 0, "/categories/news/"},
    {"/categories/news/feed.xml", "term", "News", 1, PAGE_FEED_ATOM, 0,
     "/categories/news/feed.xml"},
    {"/categories/c-c++", "term", "C/C++", 1, PAGE_FEED_NONE, 0, "/categories/c-c++/"},
    {"/categories/rust", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/series", "terms", NULL, 0, PAGE_FEED_NONE, 0, "/series/"},
    {"/series/x", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/seriesx", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/archive", "archive", NULL, 0, PAGE_FEED_NONE, 0, "/archive/"},
    {"/archive/page/2", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/2024", "period", NULL, 1, PAGE_FEED_NONE, 0, "/2024/"},
    {"/2024/page/3", "period", NULL, 3, PAGE_FEED_NONE, 0, "/2024/page/3/"},
    {"/2024/page/4", "period", NULL, 4, PAGE_FEED_NONE, 404, "/2024/page/4/"},
    {"/2024/01", "period", NULL, 1, PAGE_FEED_NONE, 0, "/2024/01/"},
    {"/2024/01/page/2", "period", NULL, 2, PAGE_FEED_NONE, 0, "/2024/01/page/2/"},
    {"/2024/01/feed.xml", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/2024/02", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/2024/1", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/2023", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/20245", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/2024/01/01", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/one", "post", NULL, 0, PAGE_FEED_NONE, 0, "/one"},
    {"/two", "post", NULL, 0, PAGE_FEED_NONE, 0, "/two"},
    {"/soon", "post", NULL, 0, PAGE_FEED_NONE, 404, "/soon"},
    {"/gone", "post", NULL, 0, PAGE_FEED_NONE, 410, "/gone"},
    {"/old-one", "alias", NULL, 0, PAGE_FEED_NONE, 0, "/one"},
    {"/one/feed.xml", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/none", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
    {"/On", NULL, NULL, 0, PAGE_FEED_NONE, 0, NULL},
};

int main(void)
{
	char dir[] = "/tmp/quire-dispatch-XXXXXX", posts[PATH_MAX], conf[PATH_MAX], cwd[PATH_MAX];
	struct config c = {0};
	struct site *s = NULL;
	struct buf text = {0}, canon = {0};

	if (mkdtemp(dir) == NULL || getcwd(cwd, sizeof(cwd)) == NULL) {
		check("dispatch", "a temporary folder", 0, "cannot make one");
		return 1;
	}
	snprintf(posts, sizeof(posts), "%s/posts", dir);
	snprintf(conf, sizeof(conf), "%s/quire.yaml", dir);
	mkdir(posts, 0700);
	buf_printf(&text,
	           "site:\n  title: T\n  base_url: http://example.org\nposts: posts\n"
	           "layouts: %s/conf/layouts\nstate: %s/state\npaginate: 1\n"
	           "permalink: /:year/:month/:day/:slug\ntaxonomies: [tags, categories, series]\n",
	           cwd, dir);
	dispatch_test_write(dir, "quire.yaml", buf_cstr(&text));
	dispatch_test_write(posts, "one.md",
	                    "---\ntitle: One\nroute: /one\ndate: 2024-01-01\ntags: [rust]\n"
	                    "aliases: [/old-one]\n---\nx\n");
	dispatch_test_write(
	    posts, "two.md",
	    "---\ntitle: Two\nroute: /two\ndate: 2024-01-02\ntags: [rust]\ncategories: News\n"
	    "category: C/C++\n---\nx\n");
	dispatch_test_write(posts, "three.md",
	                    "---\ntitle: Three\nroute: /three\ndate: 2024-01-03\n---\nx\n");
	dispatch_test_write(posts, "soon.md",
	                    "---\ntitle: Soon\nroute: /soon\npublishDate: 2999-01-01\n---\nx\n");
	dispatch_test_write(posts, "gone.md",
	                    "---\ntitle: Gone\nroute: /gone\nexpiryDate: 2001-01-01\n---\nx\n");
	if (config_load(&c, conf) < 0 || (s = site_load(&c, NULL, NULL, 1)) == NULL) {
		check("dispatch", "the test site loads", 0, "%s", conf);
		goto out;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dispatch_case *k = &cases[i];
		struct page_target t;
		const struct dispatch_row *row = dispatch_find(s, k->path, strlen(k->path), &t);
		int ok;

		if (k->row == NULL) {
			check("dispatch", k->path, row == NULL, "answered by %s",
			      row ? row->name : "");
			continue;
		}
		ok = row != NULL && strcmp(row->name, k->row) == 0 && t.status == k->status &&
		     t.feed == k->feed && (k->page == 0 || t.page == k->page) &&
		     (k->term == NULL ? t.term == NULL
		                      : t.term != NULL && strcmp(t.term->name, k->term) == 0);
		if (ok) {
			dispatch_canonical(row, &t, &canon);
			ok = strcmp(buf_cstr(&canon), k->canonical) == 0;
		}
		check("dispatch", k->path, ok, "row %s page %zu feed %d status %d canonical %s",
		      row ? row->name : "none", t.page, (int)t.feed, t.status,
		      row && ok ? "" : buf_cstr(&canon));
	}
	/* Every canonical address is found again by the same row: no address has two. */
	int stable = 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dispatch_case *k = &cases[i];
		struct page_target t, t2;
		const struct dispatch_row *row, *again;
		char *slashless;
		size_t n;

		if (k->row == NULL || strcmp(k->row, "alias") == 0)
			continue;
		row = dispatch_find(s, k->path, strlen(k->path), &t);
		dispatch_canonical(row, &t, &canon);
		n = canon.len > 1 && canon.data[canon.len - 1] == '/' ? canon.len - 1 : canon.len;
		slashless = strndup(canon.data, n);
		again = dispatch_find(s, slashless, n, &t2);
		stable &=
		    again == row && t2.page == t.page && t2.term == t.term && t2.feed == t.feed;
		free(slashless);
	}
	check("dispatch", "each canonical address leads back to its own row", stable, "");
out:
	if (s != NULL)
		site_release(s);
	config_free(&c);
	buf_free(&text);
	buf_free(&canon);
	snprintf(conf, sizeof(conf), "rm -rf '%s'", dir);
	if (system(conf) != 0)
		check("dispatch", "the temporary folder is removed", 0, "%s", dir);
	return check_exit();
}

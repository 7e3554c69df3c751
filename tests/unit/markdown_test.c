/* markdown_test.c — pathological posts render in bounded time; ordinary ones as md4c
 * renders them. The time bound only catches the seconds-long case: markdown_bench
 * (tests/bench/markdown_bench.c) measures. */
#include <md4c-html.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../bench/markdown_shapes.h"
#include "buf.h"
#include "check.h"
#include "markdown.h"

#define POST_SIZE (1024 * 1024) /* limits.post_size's default */

#if defined(__SANITIZE_ADDRESS__)
#define SLOWDOWN 5
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOWDOWN 5
#endif
#endif
#ifndef SLOWDOWN
#define SLOWDOWN 1
#endif

static double test_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_sink(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	buf_add(userdata, text, size);
}

/* Is md rendered byte for byte as md4c alone renders it, links and tables included? */
static void test_same(const char *name, const struct buf *md)
{
	struct buf want = {0}, got = {0};

	md_html(md->data, (MD_SIZE)md->len, test_sink, &want, MD_DIALECT_GITHUB,
	        MD_HTML_FLAG_SKIP_UTF8_BOM);
	int rc = markdown_render(md->data, md->len, NULL, &got);
	size_t at = 0;
	while (at < want.len && at < got.len && want.data[at] == got.data[at])
		at++;
	check("markdown", name, rc == 0 && want.len == got.len && at == want.len,
	      "differs from md4c at byte %zu of %zu", at, want.len);
	buf_free(&want);
	buf_free(&got);
}

static size_t test_count(const struct buf *html, const char *what)
{
	size_t n = 0, k = strlen(what);

	for (const char *p = html->data;
	     p != NULL && (p = memmem(p, html->len - (size_t)(p - html->data), what, k)) != NULL;
	     p += k)
		n++;
	return n;
}

static void test_ordinary(void)
{
	struct buf md = {0}, html = {0};

	buf_adds(&md, "See www.example.org, http://example.com/a and https://x.org/b.\n");
	markdown_render(md.data, md.len, NULL, &html);
	check("markdown", "a post with a few bare links gets its links",
	      strstr(buf_cstr(&html), "<a href=\"http://www.example.org\">www.example.org</a>") !=
	              NULL &&
	          test_count(&html, "<a href=") == 3,
	      "got \"%s\"", html.data);
	test_same("a post with a few bare links: as md4c renders it", &md);

	buf_reset(&md);
	for (int i = 0; i < 3000; i++)
		buf_printf(&md, "- www.example.org/%d and http://example.com/%d\n", i, i);
	test_same("a list of 6,000 bare links: as md4c renders it", &md);

	buf_reset(&md);
	for (int p = 0; p < 40; p++) {
		for (int i = 0; i < 20; i++)
			buf_printf(&md,
			           "Some prose about www.site%d.org and [a link](/p/%d) here;\n", i,
			           i);
		buf_adds(&md, "\n");
	}
	test_same("40 paragraphs of 20 lines with bare links and links", &md);

	buf_reset(&md);
	for (int i = 0; i < 1000; i++)
		buf_printf(&md, "line %d of a poem with [a link](/l/%d) in it\n", i, i);
	test_same("a paragraph of 1,000 lines, each with a link", &md);

	buf_reset(&md);
	for (int c = 0; c < 20; c++)
		buf_adds(&md, "| head ");
	buf_adds(&md, "|\n");
	for (int c = 0; c < 20; c++)
		buf_adds(&md, "|------");
	buf_adds(&md, "|\n");
	for (int r = 0; r < 500; r++) {
		for (int c = 0; c < 20; c++)
			buf_printf(&md, "| %d ", r * c);
		buf_adds(&md, "|\n");
	}
	test_same("a table of 20 columns and 500 rows", &md);

	buf_reset(&md);
	buf_adds(&md, "| site | note |\n|---|---|\n");
	for (int i = 0; i < 1000; i++)
		buf_printf(&md, "| www.site%d.org | see http://x.org/%d |\n", i, i);
	test_same("a table of 1,000 rows, each with two bare links", &md);

	buf_reset(&md);
	for (int i = 0; i < 1000; i++)
		buf_printf(&md, "%d. www.site%d.org\n", i + 1, i);
	test_same("an ordered list of 1,000 bare links", &md);
	buf_reset(&md);
	for (int i = 0; i < 2000; i++)
		buf_printf(&md, "Cited [work %d][%d] and [%d].\n", i, i % 100, (i + 1) % 100);
	buf_adds(&md, "\n");
	for (int i = 0; i < 100; i++)
		buf_printf(&md,
		           "[%d]: https://example.org/a/long/path/to/reference/%d \"Title %d\"\n",
		           i, i, i);
	test_same("100 reference definitions used 4,000 times", &md);

	buf_reset(&md);
	buf_adds(&md, "> > > > > > > > > > - - - - - 1. deep\n\n");
	for (int i = 0; i < 40; i++)
		buf_adds(&md, "- ");
	buf_adds(&md, "\n\n");
	for (int i = 0; i < 40; i++)
		buf_adds(&md, "* ");
	buf_adds(&md, "\n");
	test_same("15 nested containers, and thematic breaks of 40 spaced marks", &md);

	buf_reset(&md);
	buf_adds(&md, "```text\n");
	for (int i = 0; i < 3000; i++)
		buf_printf(&md, "a[%d] = b[c[%d]]; /* http://x.org/%d */\n", i, i, i);
	buf_adds(&md, "```\n");
	test_same("a code block of 3,000 lines with brackets and URLs", &md);

	buf_free(&md);
	buf_free(&html);
}

/* The rust-blog post whose table's delimiter row is "| - | - |" gets its table. */
static void test_short_delimiter(void)
{
	const char *path = "tests/data/rust-blog/posts/2023-05-09-Updating-musl-targets.md";
	struct buf md = {0}, html = {0};
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	while (f != NULL && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&md, chunk, n);
	if (f != NULL)
		fclose(f);
	markdown_render(md.data, md.len, NULL, &html);
	check("markdown", "a table whose delimiter cells are \"-\" (rust-blog's musl post)",
	      md.len > 0 && strstr(buf_cstr(&html),
	                           "<td><code>aarch64-unknown-linux-musl</code></td>") != NULL,
	      "no table in %zu bytes of HTML", html.len);
	buf_free(&md);
	buf_free(&html);
}

/* The bounds' quick pass (markdown_bounds(..., 1, ...)) answers as their measure does:
 * every pathological shape at sizes from 256 bytes to a megabyte, and posts made at
 * random of the pieces each bound counts, at every size that crosses a bound. */
static void test_quick(void)
{
	static const char *const pieces[] = {"www.x.org ",
	                                     "http://x.org/a ",
	                                     "HTTPS://X.ORG ",
	                                     "WwW.y.",
	                                     "x://",
	                                     "[a]",
	                                     "](/u)",
	                                     "[r]: /u\n",
	                                     "[r]: /u 'title\n",
	                                     "|a|b|\n",
	                                     "| - | - |\n",
	                                     "> ",
	                                     "- ",
	                                     "1. ",
	                                     ">>>>>>>>",
	                                     "* * * *",
	                                     "\n",
	                                     "\n\n",
	                                     "text ",
	                                     "```\ncode\n```\n",
	                                     "\\]"};
	struct buf md = {0};
	unsigned seed = 12345, bad = 0, cases = 0;

	for (size_t i = 0; i < MARKDOWN_SHAPES; i++)
		for (size_t size = 256; size <= POST_SIZE; size *= 4) {
			unsigned quick, measured;
			buf_reset(&md);
			markdown_shape_make(&markdown_shapes[i], size, &md);
			int q = markdown_bounds(md.data, md.len, 1, &quick, NULL);
			int m = markdown_bounds(md.data, md.len, 0, &measured, NULL);
			cases++;
			if (q != m || quick != measured) {
				if (bad++ == 0)
					printf("# quick pass differs: %s at %zu bytes\n",
					       markdown_shapes[i].name, size);
			}
		}
	for (unsigned n = 0; n < 400; n++) {
		/* Few kinds of piece a post, so that one shape dominates it. */
		size_t kinds[3], size = (size_t)64 << (n % 12);
		for (size_t k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			kinds[k] = (seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]));
		}
		buf_reset(&md);
		while (md.len < size) {
			seed = seed * 1103515245u + 12345u;
			buf_adds(&md, pieces[kinds[(seed >> 16) % 3]]);
		}
		unsigned quick, measured;
		int q = markdown_bounds(md.data, md.len, 1, &quick, NULL);
		int m = markdown_bounds(md.data, md.len, 0, &measured, NULL);
		cases++;
		if (q != m || quick != measured) {
			if (bad++ == 0)
				printf("# quick pass differs: random post %u (%zu bytes)\n", n,
				       md.len);
		}
	}
	char name[96];
	snprintf(name, sizeof(name), "the bounds' quick pass answers as their measure (%u posts)",
	         cases);
	check("markdown", name, bad == 0, "%u differ", bad);
	buf_free(&md);
}

int main(void)
{
	struct buf md = {0}, html = {0};

	test_ordinary();
	test_quick();
	test_short_delimiter();
	for (size_t i = 0; i < MARKDOWN_SHAPES; i++) {
		buf_reset(&md);
		buf_reset(&html);
		markdown_shape_make(&markdown_shapes[i], POST_SIZE, &md);
		double t = test_now();
		int rc = markdown_render(md.data, md.len, NULL, &html);
		t = test_now() - t;
		char name[128];
		snprintf(name, sizeof(name), "1 MB of %s renders within %d s",
		         markdown_shapes[i].name, SLOWDOWN);
		check("markdown", name, rc == 0 && t < 1.0 * SLOWDOWN, "took %.2f s", t);
		fflush(stdout);
	}
	buf_reset(&md);
	buf_reset(&html);
	markdown_shape_make(&markdown_shapes[0], POST_SIZE, &md);
	markdown_render(md.data, md.len, NULL, &html);
	check("markdown", "1 MB of bare www links in one paragraph: the links stay text",
	      test_count(&html, "<a ") == 0, "%zu links", test_count(&html, "<a "));
	buf_free(&md);
	buf_free(&html);
	return check_exit();
}

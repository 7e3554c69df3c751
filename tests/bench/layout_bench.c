/* layout_bench.c — what the Post layout costs beside md4c, on the first post, in one run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "layout.h"
#include "log.h"
#include "markdown.h"
#include "post.h"
#include "site.h"
#include "template.h"
#include "value.h"

#define ROUNDS     7    /* timed rounds of each; the fastest round is reported */
#define ROUND_SECS 0.15 /* a round runs at least this long, to drown the clock's grain */

struct bench_input {
	const struct site *site;
	const struct template *layout;
	struct value page; /* the post's fields and its body, as page_post() makes it */
	const char *md;
	size_t md_len;
	int escape;
};

/* One measured function: renders in into out, replacing what out held. */
typedef void (*bench_fn)(const struct bench_input *in, struct buf *out);

static volatile size_t bench_sink; /* keeps the compiler from dropping the work */

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_markdown(const struct bench_input *in, struct buf *out)
{
	buf_reset(out);
	if (markdown_render(in->md, in->md_len, &(struct markdown_opts){.escape_html = in->escape},
	                    out) < 0) {
		fprintf(stderr, "layout_bench: markdown_render failed\n");
		exit(1);
	}
	bench_sink += out->len;
}

static void bench_layout(const struct bench_input *in, struct buf *out)
{
	buf_reset(out);
	if (layout_render(&in->site->context, in->layout, &in->page, NULL, out) < 0) {
		fprintf(stderr, "layout_bench: layout_render failed\n");
		exit(1);
	}
	bench_sink += out->len;
}

/* How many calls make a round of about ROUND_SECS, from a short trial. */
static long bench_calibrate(bench_fn fn, const struct bench_input *in, struct buf *out)
{
	long n = 16;
	double t;

	for (;;) {
		t = bench_now();
		for (long i = 0; i < n; i++)
			fn(in, out);
		t = bench_now() - t;
		if (t > ROUND_SECS / 10 || n > (1L << 28))
			break;
		n *= 4;
	}
	return (long)((double)n * ROUND_SECS / (t > 0 ? t : 1e-9)) + 1;
}

/* The fastest of ROUNDS rounds, in seconds per call. The two functions' rounds
 * alternate, so that a slow spell of the machine falls on both alike. */
static void bench_pair(const struct bench_input *in, double *md_best, double *layout_best)
{
	struct buf out = {0};
	long n_md = bench_calibrate(bench_markdown, in, &out);
	long n_layout = bench_calibrate(bench_layout, in, &out);

	*md_best = *layout_best = 1e9;
	for (int r = 0; r < ROUNDS; r++) {
		double t = bench_now();
		for (long i = 0; i < n_md; i++)
			bench_markdown(in, &out);
		t = (bench_now() - t) / (double)n_md;
		if (t < *md_best)
			*md_best = t;
		t = bench_now();
		for (long i = 0; i < n_layout; i++)
			bench_layout(in, &out);
		t = (bench_now() - t) / (double)n_layout;
		if (t < *layout_best)
			*layout_best = t;
	}
	buf_free(&out);
}

static void bench_row(const char *what, double secs, size_t in, size_t out)
{
	printf("%-28s %10.2f %10.0f %12zu %12zu\n", what, secs * 1e6, (double)in / secs / 1e6, in,
	       out);
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "conf/quire.yaml";
	struct config c = {0};
	struct site *s = NULL;
	struct layouts *l = NULL;
	struct buf src = {0}, body = {0}, page_html = {0};
	struct arena page_arena = {0};
	struct post *fresh = NULL;
	struct buf why = {0};
	uint64_t hash;
	struct bench_input in = {0};
	double t_load, t_md, t_layout;
	int rc = 1;

	log_set_level(LOG_WARN);
	if (config_load(&c, file) < 0)
		return 1;
	t_load = bench_now();
	l = layout_load(c.layouts_dir);
	t_load = bench_now() - t_load;
	s = site_load(&c, NULL, NULL, 1);
	if (l == NULL || s == NULL || s->nlisted == 0) {
		fprintf(stderr, "layout_bench: %s: no layouts or no posts to measure\n", file);
		goto out;
	}
	const struct post *p = s->listed[0];
	in.layout = template_set_find(l->set, "Post", 4);
	if (in.layout == NULL || post_read(p, &c, &src, &fresh, &hash, &why) != 0) {
		fprintf(stderr, "layout_bench: no Post layout, or %s unreadable\n", p->path);
		goto out;
	}
	in.site = s;
	in.md = src.data + p->body_offset;
	in.md_len = src.len - p->body_offset;
	in.escape = c.raw_html_escape;
	bench_markdown(&in, &body);
	/* The page as page_post() makes it, less the neighbours and the reading time. */
	struct value html = value_string(body.data ? body.data : "", body.len);
	html.html = 1;
	in.page = p->fields;
	value_set(&in.page, "body", &html, &page_arena);
	bench_layout(&in, &page_html);
	bench_pair(&in, &t_md, &t_layout);

	printf("layout_bench: %s, first post %s (%s), %s\n", file, p->route, p->name,
	       in.escape ? "raw HTML escaped" : "raw HTML kept");
	printf("fastest of %d rounds of >= %.2f s each; layout_load() took %.2f ms once\n\n",
	       ROUNDS, ROUND_SECS, t_load * 1e3);
	printf("%-28s %10s %10s %12s %12s\n", "", "us/call", "MB/s in", "bytes in", "bytes out");
	bench_row("markdown_render (md4c)", t_md, in.md_len, body.len);
	bench_row("layout_render (Post)", t_layout, body.len, page_html.len);
	printf("\n%-28s %10.2f\n", "layout / markdown", t_layout / t_md);
	printf("%-28s %10.2f\n", "layout share of a page", t_layout / (t_md + t_layout));
	rc = t_layout < t_md ? 0 : 1;
	printf("%s: the layout costs %s than the Markdown\n", rc ? "FAIL" : "PASS",
	       rc ? "more" : "less");
out:
	arena_free(&page_arena);
	post_unref(fresh);
	buf_free(&why);
	buf_free(&src);
	buf_free(&body);
	buf_free(&page_html);
	site_release(s);
	if (l != NULL)
		layout_unref(l);
	config_free(&c);
	return rc;
}

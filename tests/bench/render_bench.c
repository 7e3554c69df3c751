/* render_bench.c — quire's render of a post, in process, against md4c alone.
 *
 *   render_bench CONFIG [ROUTE]  the first request after an edit ("cold": the render cache
 *                                keeps nothing, cache_init(0)) against md_html alone on the
 *                                same Markdown, and the parts of a cold request
 *   render_bench --all CONFIG    load the site and answer GET for every listed post, once
 *
 * Prints a table for people, then "result KEY VALUE" lines for tests/bench/bench.py.
 * RENDER_BENCH_ONLY=KEY (md4c, cold, hot, ...) runs that case alone, for perf record.
 * Exits 1 when a request is not answered 200. */
#include <fcntl.h>
#include <md4c-html.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "dispatch.h"
#include "hash.h"
#include "layout.h"
#include "log.h"
#include "markdown.h"
#include "post.h"
#include "request.h"
#include "response.h"
#include "route.h"
#include "site.h"
#include "template.h"
#include "value.h"

#define ROUNDS     9    /* timed rounds of each; the fastest and the median are reported */
#define ROUND_SECS 0.10 /* a round runs at least this long, to drown the clock's grain */

struct bench_input {
	const struct site *site;
	const struct post *post;
	const char *uri; /* REQUEST_URI of the post */
	const char *file;
	size_t file_len;
	const char *md;
	size_t md_len;
	int escape;
	size_t budget; /* cache.size, for the hot request */
	const struct template *layout;
	struct value page; /* the post's fields and its body, for layout_render alone */
	struct buf html;   /* the body as markdown_render makes it */
	struct buf whole;  /* the page as the cold request makes it */
	struct request rq; /* kept between calls, as a worker thread keeps its own */
	struct response rs;
};

typedef void (*bench_fn)(struct bench_input *in, struct buf *out);

struct bench_case {
	const char *key, *what;
	bench_fn fn;
	long n;
	double t[ROUNDS];
	double min, median;
};

static volatile size_t bench_sink; /* keeps the compiler from dropping the work */

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *bench_param(const char *name, void *ctx)
{
	const struct bench_input *in = ctx;

	if (strcmp(name, "REQUEST_METHOD") == 0)
		return "GET";
	if (strcmp(name, "REQUEST_URI") == 0)
		return in->uri;
	return NULL;
}

static void bench_md_sink(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	buf_add(userdata, text, size);
}

/* md4c alone, with the flags markdown_render() gives it. */
static void bench_md4c(struct bench_input *in, struct buf *out)
{
	unsigned flags = MD_DIALECT_GITHUB | (in->escape ? MD_FLAG_NOHTML : 0);

	buf_reset(out);
	if (md_html(in->md, (MD_SIZE)in->md_len, bench_md_sink, out, flags,
	            MD_HTML_FLAG_SKIP_UTF8_BOM) != 0) {
		fprintf(stderr, "render_bench: md_html failed\n");
		exit(1);
	}
	bench_sink += out->len;
}

static void bench_markdown(struct bench_input *in, struct buf *out)
{
	buf_reset(out);
	if (markdown_render(in->md, in->md_len, &(struct markdown_opts){.escape_html = in->escape},
	                    out) < 0) {
		fprintf(stderr, "render_bench: markdown_render failed\n");
		exit(1);
	}
	bench_sink += out->len;
}

/* One request as a worker thread answers it: dispatch, then the bytes it writes. */
static void bench_request(struct bench_input *in, struct buf *out)
{
	struct request_env env = {bench_param, in};

	dispatch(in->site, &env, &in->rq, &in->rs);
	if (in->rs.status != 200) {
		fprintf(stderr, "render_bench: GET %s answered %d\n", in->uri, in->rs.status);
		exit(1);
	}
	const char *body;
	size_t len;
	response_serialize(&in->rs, out, &body, &len);
	bench_sink += out->len + len;
}

/* Empty the render cache: a budget of one empty entry, and a new empty entry put in,
 * evicts everything else (a put only evicts what it goes beyond the budget). */
static void bench_flush(void)
{
	static uint64_t key = 0x5eed;

	cache_init(sizeof(struct cache_entry));
	cache_release(cache_put(key++, "", 0, 0));
}

/* The first request after an edit: nothing is kept, so the post is read and rendered. */
static void bench_cold(struct bench_input *in, struct buf *out)
{
	bench_flush();
	cache_init(0);
	bench_request(in, out);
}

static void bench_hot(struct bench_input *in, struct buf *out)
{
	cache_init(in->budget);
	bench_request(in, out);
}

/* Parts of the cold request, for the explanation. */
static void bench_read(struct bench_input *in, struct buf *out)
{
	int fd = open(in->post->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	buf_reset(out);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "render_bench: cannot read %s\n", in->post->path);
		exit(1);
	}
	buf_grow(out, (size_t)st.st_size + 1);
	while ((n = read(fd, out->data + out->len, out->cap - out->len)) > 0)
		out->len += (size_t)n;
	close(fd);
	bench_sink += out->len;
}

/* What a cold request hashes with FNV-1a: the file (is it the snapshot's version?), then
 * the body and the page (their ETags, made by cache_put()). */
static void bench_hash(struct bench_input *in, struct buf *out)
{
	(void)out;
	bench_sink += hash_bytes(in->file, in->file_len, 0);
	bench_sink += hash_bytes(in->html.data, in->html.len, 0);
	bench_sink += hash_bytes(in->whole.data, in->whole.len, 0);
}

static void bench_layout(struct bench_input *in, struct buf *out)
{
	buf_reset(out);
	if (layout_render(&in->site->context, in->layout, &in->page, NULL, out) < 0) {
		fprintf(stderr, "render_bench: layout_render failed\n");
		exit(1);
	}
	bench_sink += out->len;
}

/* How many calls make a round of about ROUND_SECS, from a short trial. */
static long bench_calibrate(bench_fn fn, struct bench_input *in, struct buf *out)
{
	long n = 4;
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

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ROUNDS rounds of every case, the cases' rounds alternating so that a slow spell of the
 * machine falls on all alike. */
static void bench_run(struct bench_case *cases, size_t ncases, struct bench_input *in)
{
	struct buf out = {0};

	for (size_t c = 0; c < ncases; c++)
		cases[c].n = bench_calibrate(cases[c].fn, in, &out);
	for (int r = 0; r < ROUNDS; r++)
		for (size_t c = 0; c < ncases; c++) {
			double t = bench_now();
			for (long i = 0; i < cases[c].n; i++)
				cases[c].fn(in, &out);
			cases[c].t[r] = (bench_now() - t) / (double)cases[c].n;
		}
	for (size_t c = 0; c < ncases; c++) {
		qsort(cases[c].t, ROUNDS, sizeof(double), bench_cmp);
		cases[c].min = cases[c].t[0];
		cases[c].median = cases[c].t[ROUNDS / 2];
	}
	buf_free(&out);
}

/* The request URI of a route in the site: the mount ("/" or "/blog/") before it. */
static char *bench_uri(const struct config *c, const char *route)
{
	size_t m = strlen(c->mount);
	struct buf b = {0};

	buf_add(&b, c->mount, m > 0 && c->mount[m - 1] == '/' ? m - 1 : m);
	buf_adds(&b, route);
	return (char *)buf_cstr(&b);
}

static int bench_cold_main(const char *file, const char *route)
{
	struct config c = {0};
	struct site *s = NULL;
	struct bench_input in = {0};
	struct buf src = {0};
	struct arena page_arena = {0};
	struct post *fresh = NULL;
	struct buf why = {0};
	uint64_t hash;
	int rc = 1;

	if (config_load(&c, file) < 0)
		return 1;
	s = site_load(&c, NULL, NULL, 1);
	if (s == NULL)
		goto out;
	in.post = route_find(&s->routes, route, strlen(route));
	if (in.post == NULL) {
		fprintf(stderr, "render_bench: %s: no post at %s\n", file, route);
		goto out;
	}
	const struct post *p = in.post;
	in.layout = site_post_place(s, p).layout;
	if (in.layout == NULL || post_read(p, &c, &src, &fresh, &hash, &why) != 0) {
		fprintf(stderr, "render_bench: no layout for %s, or %s unreadable\n", route,
		        p->path);
		goto out;
	}
	in.site = s;
	in.uri = bench_uri(&c, p->route);
	in.file = src.data;
	in.file_len = src.len;
	in.md = src.data + p->body_offset;
	in.md_len = src.len - p->body_offset;
	in.escape = c.raw_html_escape;
	in.budget = (size_t)c.cache_size;
	bench_markdown(&in, &in.html);
	bench_cold(&in, &in.whole);
	/* The page as page_post() makes it, less the neighbours and the reading time. */
	struct value html = value_string(in.html.data ? in.html.data : "", in.html.len);
	html.html = 1;
	in.page = p->fields;
	value_set(&in.page, "body", &html, &page_arena);

	struct bench_case cases[] = {
	    {"md4c", "md4c alone (md_html)", bench_md4c, 0, {0}, 0, 0},
	    {"markdown", "markdown_render (md4c + passes)", bench_markdown, 0, {0}, 0, 0},
	    {"cold", "cold request (nothing cached)", bench_cold, 0, {0}, 0, 0},
	    {"hot", "hot request (page cached)", bench_hot, 0, {0}, 0, 0},
	    {"read", "  part: read the file", bench_read, 0, {0}, 0, 0},
	    {"hash", "  part: FNV-1a of file+body+page", bench_hash, 0, {0}, 0, 0},
	    {"layout", "  part: layout_render alone", bench_layout, 0, {0}, 0, 0},
	};
	size_t ncases = sizeof(cases) / sizeof(cases[0]);
	const char *only = getenv("RENDER_BENCH_ONLY");
	if (only != NULL && *only) {
		for (size_t i = 0; i < ncases; i++)
			if (strcmp(cases[i].key, only) == 0)
				cases[0] = cases[i];
		ncases = 1;
	}
	bench_run(cases, ncases, &in);

	printf("render_bench: %s, GET %s (%s): %zu bytes of Markdown, %zu of body HTML, "
	       "%zu of response; raw HTML %s\n",
	       file, in.uri, p->name, in.md_len, in.html.len, in.whole.len,
	       in.escape ? "escaped" : "kept");
	printf("%d rounds of >= %.2f s each, every case's rounds alternating\n\n", ROUNDS,
	       ROUND_SECS);
	printf("%-36s %12s %12s\n", "", "us fastest", "us median");
	for (size_t i = 0; i < ncases; i++)
		printf("%-36s %12.2f %12.2f\n", cases[i].what, cases[i].min * 1e6,
		       cases[i].median * 1e6);
	if (ncases > 2)
		printf("\n%-36s %12.2f %12.2f   (target <= 2)\n", "cold request / md4c alone",
		       cases[2].min / cases[0].min, cases[2].median / cases[0].median);
	for (size_t i = 0; i < ncases; i++)
		printf("result %s_us %.3f %.3f\n", cases[i].key, cases[i].min * 1e6,
		       cases[i].median * 1e6);
	printf("result md_bytes %zu\nresult html_bytes %zu\nresult response_bytes %zu\n", in.md_len,
	       in.html.len, in.whole.len);
	rc = 0;
out:
	arena_free(&page_arena);
	post_unref(fresh);
	buf_free(&why);
	free((char *)in.uri);
	buf_free(&src);
	buf_free(&in.html);
	buf_free(&in.whole);
	request_free(&in.rq);
	response_free(&in.rs);
	site_release(s);
	config_free(&c);
	return rc;
}

/* Load the site and answer GET for every listed post once, as a worker would. */
static int bench_all_main(const char *file)
{
	struct config c = {0};
	struct site *s = NULL;
	struct bench_input in = {0};
	struct buf out = {0};
	size_t ok = 0, bytes = 0;
	double t0 = bench_now(), t1, t2;
	int rc = 1;

	if (config_load(&c, file) < 0)
		return 1;
	cache_init((size_t)c.cache_size);
	s = site_load(&c, NULL, NULL, 1);
	if (s == NULL)
		goto out;
	t1 = bench_now();
	in.site = s;
	struct request_env env = {bench_param, &in};
	for (size_t i = 0; i < s->nlisted; i++) {
		in.uri = bench_uri(&c, s->listed[i]->route);
		dispatch(s, &env, &in.rq, &in.rs);
		const char *body;
		size_t len;
		response_serialize(&in.rs, &out, &body, &len);
		if (in.rs.status == 200)
			ok++;
		else
			fprintf(stderr, "render_bench: GET %s answered %d\n", in.uri, in.rs.status);
		bytes += out.len + len;
		free((char *)in.uri);
	}
	t2 = bench_now();
	printf("render_bench --all: %s: %zu posts, %zu answered 200, %zu bytes\n", file, s->nlisted,
	       ok, bytes);
	printf("config_load + site_load %.1f ms, every post rendered %.1f ms, total %.1f ms\n",
	       (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t2 - t0) * 1e3);
	printf("result posts %zu\nresult ok %zu\nresult bytes %zu\n", s->nlisted, ok, bytes);
	printf("result load_ms %.3f\nresult render_ms %.3f\nresult total_ms %.3f\n",
	       (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t2 - t0) * 1e3);
	rc = ok == s->nlisted ? 0 : 1;
out:
	buf_free(&out);
	request_free(&in.rq);
	response_free(&in.rs);
	site_release(s);
	config_free(&c);
	return rc;
}

int main(int argc, char **argv)
{
	log_set_level(LOG_WARN);
	if (argc >= 3 && strcmp(argv[1], "--all") == 0)
		return bench_all_main(argv[2]);
	if (argc >= 2 && argv[1][0] != '-')
		return bench_cold_main(argv[1], argc > 2 ? argv[2] : "/on-node-go-concurrency");
	fprintf(stderr, "usage: render_bench CONFIG [ROUTE] | render_bench --all CONFIG\n");
	return 2;
}

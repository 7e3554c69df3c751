/* markdown_bench.c — markdown_render() against md4c alone on pathological posts.
 *
 *   markdown_bench [SIZE [quire]]  each shape of tests/bench/markdown_shapes.h at SIZE / 10
 *                                  and SIZE bytes (SIZE: 1,048,576, limits.post_size's
 *                                  default); "quire": markdown_render() alone
 *
 * md4c alone is md_html() with the flags markdown_render() starts from, its output counted
 * and dropped; it is skipped at SIZE when SIZE / 10 took over 200 ms (it grows at least
 * tenfold). Prints milliseconds, the fastest of three runs (one for a run over 100 ms),
 * and a last line "slowest quire SIZE: N ms (shape)". */
#include <md4c-html.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "markdown.h"
#include "markdown_shapes.h"

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_count(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	(void)text;
	*(size_t *)userdata += size;
}

/* Milliseconds of one render of md; *out_len: the bytes of HTML. */
static double bench_once(const struct buf *md, int alone, size_t *out_len)
{
	double t = bench_now();

	if (alone) {
		*out_len = 0;
		if (md_html(md->data, (MD_SIZE)md->len, bench_count, out_len, MD_DIALECT_GITHUB,
		            MD_HTML_FLAG_SKIP_UTF8_BOM) != 0) {
			fprintf(stderr, "markdown_bench: md_html failed\n");
			exit(1);
		}
	} else {
		struct buf out = {0};
		if (markdown_render(md->data, md->len, NULL, &out) < 0) {
			fprintf(stderr, "markdown_bench: markdown_render failed\n");
			exit(1);
		}
		*out_len = out.len;
		buf_free(&out);
	}
	return (bench_now() - t) * 1e3;
}

static double bench_best(const struct buf *md, int alone, size_t *out_len)
{
	double best = bench_once(md, alone, out_len);

	for (int i = 0; i < 2 && best < 100; i++) {
		double t = bench_once(md, alone, out_len);
		if (t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t size = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024 * 1024;
	int alone = !(argc > 2 && strcmp(argv[2], "quire") == 0);
	double slowest = 0;
	const char *slowest_name = "";

	printf("%-40s %10s %10s %10s %10s %12s\n", "shape", "md4c small", "quire small", "md4c",
	       "quire", "quire out");
	for (size_t i = 0; i < MARKDOWN_SHAPES; i++) {
		struct buf small = {0}, big = {0};
		size_t n_small, n_big;
		markdown_shape_make(&markdown_shapes[i], size / 10, &small);
		markdown_shape_make(&markdown_shapes[i], size, &big);
		double a_small = alone ? bench_best(&small, 1, &n_small) : 0;
		double q_small = bench_best(&small, 0, &n_small);
		char a_big[32] = "skipped";
		if (alone && a_small <= 200)
			snprintf(a_big, sizeof(a_big), "%.1f", bench_best(&big, 1, &n_big));
		double q_big = bench_best(&big, 0, &n_big);
		printf("%-40s %10.1f %10.1f %10s %10.1f %12zu\n", markdown_shapes[i].name, a_small,
		       q_small, a_big, q_big, n_big);
		fflush(stdout);
		if (q_big > slowest) {
			slowest = q_big;
			slowest_name = markdown_shapes[i].name;
		}
		buf_free(&small);
		buf_free(&big);
	}
	printf("slowest quire %zu: %.1f ms (%s)\n", size, slowest, slowest_name);
	return 0;
}

/* render_corpus_bench.c — render_html against Debian's md_html over a folder of posts.
 *
 *   render_corpus_bench [DIR [ROUNDS]]  each post's body (front matter left out) of DIR
 *                                       (tests/data/rust-blog/posts) through md_html,
 *                                       render_html with the additions off, and
 *                                       markdown_render() (every addition as a site has it
 *                                       by default: typography in English, highlighting;
 *                                       the bounds); the fastest of ROUNDS (20) passes
 *                                       over all of them, the three in turn each round
 *
 * Prints milliseconds a pass and MB/s of Markdown for each. */
#include <dirent.h>
#include <md4c-html.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "frontmatter.h"
#include "markdown.h"
#include "render.h"

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_sink(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	buf_add(userdata, text, size);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/data/rust-blog/posts";
	int rounds = argc > 2 ? atoi(argv[2]) : 20;
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	struct buf *posts = calloc(n > 0 ? (size_t)n : 1, sizeof(*posts)), out = {0}, err = {0};
	size_t count = 0, bytes = 0;

	if (n < 0) {
		fprintf(stderr, "render_corpus_bench: cannot read %s\n", dir);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096], chunk[65536];
		size_t yoff, ylen, yline, k;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		FILE *f = strstr(names[i]->d_name, ".md") ? fopen(path, "rb") : NULL;
		free(names[i]);
		if (f == NULL)
			continue;
		struct buf file = {0};
		while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&file, chunk, k);
		fclose(f);
		long body =
		    frontmatter_split(file.data, file.len, 1, 65536, &yoff, &ylen, &yline, &err);
		if (body < 0)
			body = 0;
		buf_add(&posts[count], file.data + body, file.len - (size_t)body);
		bytes += posts[count].len;
		count++;
		buf_free(&file);
	}
	free(names);
	const char *what[] = {"md_html (md4c-html 0.4.8)", "render_html, additions off",
	                      "markdown_render (additions on)"};
	const struct markdown_opts site = {.smart = 1, .language = "en", .language_len = 2};
	/* The three in turn each round, so that what disturbs the machine for a while
	 * weighs on all three alike; the fastest pass of each. */
	double best[3] = {1e9, 1e9, 1e9};
	size_t html[3] = {0};
	for (int r = 0; r < rounds; r++) {
		for (int w = 0; w < 3; w++) {
			double t = bench_now();
			html[w] = 0;
			for (size_t i = 0; i < count; i++) {
				buf_reset(&out);
				if (w == 0) {
					md_html(posts[i].data, (MD_SIZE)posts[i].len, bench_sink,
					        &out, MD_DIALECT_GITHUB,
					        MD_HTML_FLAG_SKIP_UTF8_BOM);
				} else if (w == 1) {
					struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB};
					render_html(posts[i].data, posts[i].len, &o, &out);
				} else {
					markdown_render(posts[i].data, posts[i].len, &site, &out);
				}
				html[w] += out.len;
			}
			t = bench_now() - t;
			if (t < best[w])
				best[w] = t;
		}
	}
	for (int w = 0; w < 3; w++)
		printf("%-32s %8.2f ms a pass, %7.1f MB/s (%zu posts, %zu bytes in, %zu out)\n",
		       what[w], best[w] * 1e3, (double)bytes / best[w] / 1e6, count, bytes,
		       html[w]);
	return 0;
}

/* search_bench.c — quire's search index in process, against a naive scan of every post's
 * text for the same words (the reference that shows what the index buys).
 *
 *   search_bench CONFIG WORD...   load the site; make the index from nothing (its time and
 *                                 the size of search.db); then each word as a query through
 *                                 search_run() and through a scan of every post's text,
 *                                 kept in memory beforehand so that the scan reads no file
 *
 * Prints "result KEY VALUE" lines for tests/bench/bench.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "file.h"
#include "log.h"
#include "markdown.h"
#include "mem.h"
#include "post.h"
#include "query.h"
#include "search.h"
#include "site.h"

static double bench_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Every post's text, as the index holds it: rendered, the tags dropped. */
static char **bench_texts(const struct site *s)
{
	char **texts = calloc(s->nposts + 1, sizeof(*texts));
	struct buf file = {0}, html = {0};

	for (size_t i = 0; i < s->nposts; i++) {
		const struct post *p = s->posts[i];
		buf_reset(&file);
		buf_reset(&html);
		if (file_read(-100, p->path, 0, (size_t)s->config->post_max, &file, NULL) < 0 ||
		    file.len < p->body_offset)
			continue;
		markdown_render(file.data + p->body_offset, file.len - p->body_offset, NULL, &html);
		char *t = malloc(html.len + 1), *o = t;
		int tag = 0;
		for (size_t k = 0; k < html.len; k++) {
			if (html.data[k] == '<')
				tag = 1;
			else if (html.data[k] == '>')
				tag = 0, *o++ = ' ';
			else if (!tag)
				*o++ = html.data[k];
		}
		*o = '\0';
		texts[i] = t;
	}
	buf_free(&file);
	buf_free(&html);
	return texts;
}

int main(int argc, char **argv)
{
	struct config c;
	struct site *s;
	struct arena a = {0};
	struct buf path = {0};
	struct stat st;

	if (argc < 3) {
		fprintf(stderr, "usage: search_bench CONFIG WORD...\n");
		return 2;
	}
	log_set_level(LOG_ERROR);
	if (config_load(&c, argv[1]) < 0 || c.state_dir == NULL)
		return 1;
	cache_init(0);
	if ((s = site_load(&c, NULL, NULL, 1)) == NULL)
		return 1;
	site_publish(s);
	buf_printf(&path, "%s/search.db", c.state_dir);
	unlink(path.data);
	double t0 = bench_now();
	if (search_open(&c) < 0 || search_sync(s) < 0)
		return 1;
	printf("result build_s %.4f\n", bench_now() - t0);
	printf("result posts %zu\n", s->nposts);
	if (stat(path.data, &st) == 0)
		printf("result db_bytes %lld\n", (long long)st.st_size);
	char **texts = bench_texts(s);
	for (int w = 2; w < argc; w++) {
		struct query q;
		struct search_result r;
		const int rounds = 50;
		if (query_parse(argv[w], strlen(argv[w]), &q) < 0)
			return 1;
		t0 = bench_now();
		for (int k = 0; k < rounds; k++) {
			arena_reset(&a);
			if (search_run(s, &q, 0, 10, &r, &a) < 0)
				return 1;
		}
		double idx = (bench_now() - t0) / rounds;
		size_t found = r.count, scanned = 0;
		t0 = bench_now();
		for (int k = 0; k < 5; k++) {
			scanned = 0;
			for (size_t i = 0; i < s->nposts; i++)
				scanned +=
				    texts[i] != NULL && (strcasestr(texts[i], argv[w]) != NULL ||
				                         strcasestr(s->posts[i]->title, argv[w]));
		}
		double scan = (bench_now() - t0) / 5;
		printf("result query %s %.6f %.6f %zu %zu\n", argv[w], idx, scan, found, scanned);
		query_free(&q);
	}
	for (size_t i = 0; i < s->nposts; i++)
		free(texts[i]);
	free(texts);
	search_close();
	arena_free(&a);
	buf_free(&path);
	return 0;
}

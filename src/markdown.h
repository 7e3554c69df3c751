/* markdown.h — a post's Markdown to HTML with md4c, GitHub dialect. */
#ifndef QUIRE_MARKDOWN_H
#define QUIRE_MARKDOWN_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct config;

/* What a post's HTML depends on besides its Markdown. */
struct markdown_opts {
	int escape_html; /* raw HTML in the post is shown as text (markdown.raw_html) */
	/* A page bundle's folder, "/mount/route/" (HTML-safe), or NULL: each relative URL of a
	 * link or image (neither '/', '#', '?' nor a scheme first) is made absolute against it. */
	const char *base;
	size_t base_len;
	/* An image's size (struct render_opts' image_size), or NULL: read when the body is
	 * rendered. */
	int (*image_size)(void *ctx, const char *url, size_t len, unsigned *w, unsigned *h);
	void *image_ctx;
	/* markdown.smart: curly quotes for the language (site.language, language_len bytes),
	 * dashes and ellipses in the text. */
	int smart;
	const char *language;
	size_t language_len;
	/* markdown.math, or the post's math: true: $...$ and $$...$$ are math. */
	int math;
};

/* The options configuration c gives every post; base is left NULL, math is
 * markdown.math (a post's math: true sets it too). */
void markdown_opts_init(struct markdown_opts *o, const struct config *c);
/* A seed that differs between options that render differently, for cache keys. */
uint64_t markdown_opts_key(const struct markdown_opts *o);

/* Append the HTML of md to out, with options o (NULL: all zero: raw HTML kept, no
 * typography, no math). */
int markdown_render(const char *md, size_t len, const struct markdown_opts *o, struct buf *out);
/* Append the text of md to out, without its markup: each block's, each line break and each
 * tag of raw HTML a space, runs of white space one space (for the search index). */
int markdown_text(const char *md, size_t len, const struct markdown_opts *o, struct buf *out);
/* How md4c parses md within the bounds on its superlinear shapes: its flags into *flags;
 * 1 when md is rewritten first (the rewritten source appended to out, when not NULL; it
 * has the same lines), else 0. quick: a quick pass answers where it can (as in
 * markdown_render()); 0: always measured. The tests and fuzz_render check that the quick
 * pass never lets through what the measure bounds. */
int markdown_bounds(const char *md, size_t len, int quick, unsigned *flags, struct buf *out);

#endif

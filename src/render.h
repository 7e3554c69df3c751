/* render.h — HTML from md4c's parser: md_html's output, and quire's additions. */
#ifndef QUIRE_RENDER_H
#define QUIRE_RENDER_H

#include <stddef.h>

struct buf;

struct render_opts {
	unsigned parser_flags; /* md4c's MD_FLAG_* (MD_DIALECT_GITHUB for posts) */
	int raw_html_escape;   /* raw HTML is shown as text (MD_FLAG_NOHTML) */
	/* 0: exactly what md4c 0.4.8's md_html writes (with MD_HTML_FLAG_SKIP_UTF8_BOM).
	 * 1: quire's additions: <span emoji='name'></span> becomes the emoji; a link or
	 * image (raw HTML's too) whose URL would run script goes to "#"; ill-formed UTF-8
	 * becomes U+FFFD; with raw_html_escape the <!--more--> line stays a comment; a table
	 * delimiter row with cells of one or two characters ("| - | - |") is a table, as on
	 * GitHub. */
	int additions;
	/* A URL path ending in '/', or NULL: relative link and image URLs (not starting with
	 * '/', '#', '?' or a scheme) are resolved against it. */
	const char *base;
	size_t base_len;
	/* With the additions, the size of an image, or NULL: given an img's src as written
	 * (resolved against base, escaped), 0 with *w and *h set, or -1 for none. Every
	 * image gets loading="lazy" and decoding="async", and one alone in a paragraph with
	 * a title becomes a <figure> with that title its <figcaption>. */
	int (*image_size)(void *ctx, const char *url, size_t len, unsigned *w, unsigned *h);
	void *image_ctx;
	/* With the additions, typography in plain text (smart.h): quotes for the language
	 * lang (lang_len bytes, "de"; NULL: English), dashes, ellipses. Heading ids are made
	 * from the text as written. With MD_FLAG_LATEXMATHSPANS in parser_flags and the
	 * additions, math is <span class="math inline">\(...\)</span> and <span class="math
	 * display">\[...\]</span> (as KaTeX's and MathJax's auto-render find it). */
	int smart;
	const char *lang;
	size_t lang_len;
};

/* Append the HTML of the Markdown md to out: 0, or -1 when md4c fails. With the additions
 * every heading gets an id (GitHub's from its text, or the author's "{#id}" ending it) and
 * a self-link, a "{:toc}" line (kramdown's, with the list item before it) becomes
 * RENDER_TOC_MARK, a line of kramdown's block attributes ("{: .class #id k="v"}", see
 * attr.h; not in code) is taken out and its attributes go on the block before it, and
 * footnotes ("[^label]" references, "[^label]: …" definitions) are numbered and their
 * notes written at the end (footnote.h). */
int render_html(const char *md, size_t len, const struct render_opts *o, struct buf *out);

#define RENDER_TOC_MARK "<!--toc-->"

/* A heading as render_html wrote it: pointers into its HTML. */
struct render_heading {
	int level;
	const char *id, *html; /* html: the heading's content, its self-link left out */
	size_t id_len, html_len;
};

/* The headings render_html (with the additions) wrote into html, in order: up to max of
 * them into h; returns how many there are. Raw HTML's headings are not among them. */
size_t render_headings(const char *html, size_t len, struct render_heading *h, size_t max);
/* A heading's text: its HTML's tags left out, its entities read back (html_unescape()). */
void render_heading_text(const struct render_heading *h, struct buf *text);
/* Append the table of contents of the headings of levels lo to hi: nested <ul> lists of
 * links to them; nothing when there are none. */
void render_toc(const struct render_heading *h, size_t n, int lo, int hi, struct buf *toc);

#endif

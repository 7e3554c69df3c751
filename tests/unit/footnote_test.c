/* footnote_test.c — footnotes through render_html: every example of md4c master's
 * tests/data/md4c-tests/spec-footnotes.txt (normalised as md4c's test runner does), posts
 * that would break them, and the rust-blog corpus's footnoted posts. */
#include <dirent.h>
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "check.h"
#include "markdown.h"
#include "normalize.h"
#include "render.h"

#define FENCE "````````````````````````````````"

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

/* Markdown through render_html with the additions (footnotes among them) or without. */
static void test_render(const char *md, size_t len, int additions, struct buf *html)
{
	struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB, .additions = additions};

	buf_reset(html);
	if (render_html(md, len, &o, html) != 0)
		buf_adds(html, "(render_html failed)");
}

struct spec_counts {
	int pass, fail, partial; /* partial: passed with md4c master's other spans as text */
};

/* Replace each from in b by to. */
static void test_replace(struct buf *b, const char *from, const char *to)
{
	struct buf r = {0};
	size_t fl = strlen(from);

	for (size_t i = 0; i < b->len;) {
		if (b->len - i >= fl && memcmp(b->data + i, from, fl) == 0) {
			buf_adds(&r, to);
			i += fl;
		} else {
			buf_addc(&r, b->data[i++]);
		}
	}
	buf_reset(b);
	buf_add(b, r.data, r.len);
	buf_free(&r);
}

/* One example: with "--ffootnotes" through the additions, else with them off (md_html's
 * output); "--fstrikethrough" is in quire's flags already. md4c 0.4.8 has neither
 * md4c master's spoilers ("||text||") nor its superscripts ("^text^"), and quire does
 * not add them: an example that needs them is checked with those spans left as text. */
static void test_example(int num, int line, struct buf *md, struct buf *want, const char *flags,
                         struct spec_counts *c)
{
	struct buf got = {0}, ng = {0}, nw = {0};
	char name[128];

	int other = 0;
	if (strstr(flags, "--fspoilers") != NULL) {
		test_replace(want, "<x-spoiler>", "||");
		test_replace(want, "</x-spoiler>", "||");
		other = 1;
	}
	if (strstr(flags, "--fsuperscripts") != NULL) {
		test_replace(want, "<sup>text</sup>", "^text^");
		other = 1;
	}
	if (other)
		printf(
		    "SKIP footnote: spec-footnotes.txt example %d (line %d) needs %s, not in md4c "
		    "0.4.8: checked with those spans as text\n",
		    num, line, flags);
	test_render(md->data, md->len, strstr(flags, "--ffootnotes") != NULL, &got);
	conf_normalize(got.data, got.len, &ng);
	conf_normalize(want->data, want->len, &nw);
	int ok = ng.len == nw.len && (ng.len == 0 || memcmp(ng.data, nw.data, ng.len) == 0);
	snprintf(name, sizeof(name), "spec-footnotes.txt example %d (line %d) %s", num, line,
	         flags);
	check("footnote", name, ok, "want \"%s\", got \"%s\"", buf_cstr(&nw), buf_cstr(&ng));
	ok ? c->pass++ : c->fail++;
	if (ok && other)
		c->partial++;
	buf_free(&got);
	buf_free(&ng);
	buf_free(&nw);
}

static void test_spec(void)
{
	const char *path = "tests/data/md4c-tests/spec-footnotes.txt";
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int state = 0, num = 0, lineno = 0, start = 0;
	struct buf md = {0}, want = {0}, flags = {0};
	struct spec_counts c = {0};
	FILE *in = fopen(path, "r");

	if (in == NULL) {
		check("footnote", path, 0, "cannot read it");
		return;
	}
	while ((n = getline(&line, &cap, in)) > 0) {
		lineno++;
		size_t l = (size_t)n;
		while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == ' ' || line[l - 1] == '\r'))
			l--;
		if (state == 0 && l >= 40 && memcmp(line, FENCE " example", 40) == 0) {
			state = 1;
			start = lineno;
			buf_reset(&md);
			buf_reset(&want);
			buf_reset(&flags);
		} else if (state >= 2 && l == 32 && memcmp(line, FENCE, 32) == 0) {
			state = 0;
			test_example(++num, start, &md, &want, buf_cstr(&flags), &c);
		} else if ((state == 1 || state == 2) && l == 1 && line[0] == '.') {
			state++;
		} else if (state == 1) {
			buf_add(&md, line, (size_t)n);
		} else if (state == 2) {
			buf_add(&want, line, (size_t)n);
		} else if (state == 3) {
			buf_add(&flags, line, l);
			buf_addc(&flags, ' ');
		}
	}
	free(line);
	fclose(in);
	buf_free(&md);
	buf_free(&want);
	buf_free(&flags);
	printf("footnote: spec-footnotes.txt: %d examples, %d pass (%d of them with spoilers or "
	       "superscripts left as text), %d fail\n",
	       num, c.pass, c.partial, c.fail);
	check("footnote", "spec-footnotes.txt has its 26 examples", num == 26, "%d examples", num);
}

/* md's HTML with the additions holds each of the strings of want, in order. */
static void test_case(const char *name, const char *md, const char *const *want)
{
	struct buf html = {0};
	const char *at, *missing = NULL;

	test_render(md, strlen(md), 1, &html);
	at = buf_cstr(&html);
	for (; *want != NULL && missing == NULL; want++) {
		at = strstr(at, *want);
		if (at == NULL)
			missing = *want;
		else
			at += strlen(*want);
	}
	check("footnote", name, missing == NULL, "no \"%s\" (in order) in \"%s\"",
	      missing != NULL ? missing : "", buf_cstr(&html));
	buf_free(&html);
}

/* md's HTML with the additions has none of s. */
static void test_without(const char *name, const char *md, const char *s)
{
	struct buf html = {0};

	test_render(md, strlen(md), 1, &html);
	check("footnote", name, strstr(buf_cstr(&html), s) == NULL, "\"%s\" in \"%s\"", s,
	      buf_cstr(&html));
	buf_free(&html);
}

static void test_cases(void)
{
	test_case("a definition whose text is a URL is a note, not a link reference",
	          "See[^1].\n\n[^1]: https://example.com/x\n",
	          (const char *const[]){"<sup><a href=\"#fn-1\"",
	                                "<li id=\"fn-1\">\n<a href=\"https://example.com/x\">"
	                                "https://example.com/x</a><a href=\"#fnref-1-1\"",
	                                NULL});
	test_case("labels match ignoring case", "A[^Note] b[^NOTE].\n\n[^note]: The note.\n",
	          (const char *const[]){"id=\"fnref-1-1\"", "id=\"fnref-1-2\"",
	                                "The note.<a href=\"#fnref-1-1\"", "<a href=\"#fnref-1-2\"",
	                                NULL});
	test_case("Unicode labels match ignoring case",
	          "a[^ÉTÉ] b[^ΛΟΓΟΣ] c[^ПРИМЕЧАНИЕ] d[^été]\n\n[^été]: E.\n[^λογοσ]: L.\n"
	          "[^примечание]: P.\n",
	          (const char *const[]){"id=\"fnref-1-1\"", "id=\"fnref-2-1\"", "id=\"fnref-3-1\"",
	                                "id=\"fnref-1-2\"", "E.<a", "L.<a", "P.<a", NULL});
	test_case("a Unicode label", "Voir[^état].\n\n[^état]: Une note.\n",
	          (const char *const[]){"<sup><a href=\"#fn-1\"", "Une note.", NULL});
	test_case(
	    "a note of paragraphs, its back-link in the last",
	    "Text[^1].\n\n[^1]: First paragraph.\n\n    Second paragraph.\n\n        code\n\n"
	    "    Third.\n\nAfter.\n",
	    (const char *const[]){"<p>After.</p>", "<li id=\"fn-1\">\n<p>First paragraph.</p>",
	                          "<p>Second paragraph.</p>", "<pre><code>code\n</code></pre>",
	                          "<p>Third.<a href=\"#fnref-1-1\" "
	                          "class=\"footnote-backref\">&#8617;</a></p>\n</li>",
	                          NULL});
	test_case("a fenced block in a note",
	          "Text[^1].\n\n[^1]: See:\n\n    ```\n    [^1]: not a note\n\n    x\n    ```\n",
	          (const char *const[]){"<p>See:</p>",
	                                "<pre><code>[^1]: not a note\n\nx\n</code></pre>", NULL});
	test_case("a note that references another note",
	          "A[^a].\n\n[^a]: See also[^b].\n[^b]: B.\n",
	          (const char *const[]){"<li id=\"fn-1\">\nSee also<sup><a href=\"#fn-2\" "
	                                "id=\"fnref-2-1\">2</a></sup>.",
	                                "<li id=\"fn-2\">\nB.", NULL});
	test_case("a note that references itself", "A[^a].\n\n[^a]: Me[^a].\n",
	          (const char *const[]){"id=\"fnref-1-2\"", "<a href=\"#fnref-1-1\"",
	                                "<a href=\"#fnref-1-2\"", NULL});
	test_case("a reference in a heading: its id and self-link stay",
	          "## Why[^1]\n\nx\n\n[^1]: Because.\n",
	          (const char *const[]){"<h2 id=\"why1\">Why<sup><a href=\"#fn-1\"",
	                                "class=\"anchor\" href=\"#why1\"", "Because.", NULL});
	test_case("a reference in a list item and a quote", "- one[^1]\n\n> two[^1]\n\n[^1]: N.\n",
	          (const char *const[]){"<li>one<sup>", "<blockquote>\n<p>two<sup>",
	                                "id=\"fnref-1-2\"", NULL});
	test_case("brackets around a reference", "[[^1]] and [x [^1] y]\n\n[^1]: N.\n",
	          (const char *const[]){"[<sup><a href=\"#fn-1\" id=\"fnref-1-1\">1</a></sup>]",
	                                "[x <sup><a href=\"#fn-1\" id=\"fnref-1-2\">", NULL});
	test_without("nothing in a code span is a reference", "`[^1]` x\n\n[^1]: N.\n", "<sup>");
	test_without("nothing in a fenced block is a definition or reference",
	             "```\n[^1]: N.\n```\n\nx[^1]\n", "<sup>");
	test_without("nothing in an indented block is a definition", "    [^1]: N.\n\nx[^1]\n",
	             "<sup>");
	test_without("a definition inside a paragraph is its text", "Para\n[^1]: N.\n\nx[^1]\n",
	             "<sup>");
	test_without("a reference in a link's text stays text", "[see [^1]](/u)\n\n[^1]: N.\n",
	             "<sup>");
	test_case("a definition in a quote (the quote stays, empty)",
	          "x[^1]\n\n> Quoted.\n>\n> [^1]: https://example.com/q\n> more\n\nAfter.\n",
	          (const char *const[]){
	              "<blockquote>\n<p>Quoted.</p>\n</blockquote>", "<p>After.</p>",
	              "<a href=\"https://example.com/q\">https://example.com/q</a>\nmore<a", NULL});
	test_case("definitions in list items (the items stay, empty)",
	          "x[^1] y[^2]\n\n1. [^1]: one\n2. [^2]: two\n\npara\n- [^3]: three\n",
	          (const char *const[]){"<ol>\n<li></li>\n<li></li>\n</ol>",
	                                "<p>para</p>\n<ul>\n<li></li>", "one<a", "two<a", NULL});
	test_case("a definition in fenced code in a quote is code",
	          "x[^1]\n\n> ```\n> [^1]: code\n> ```\n\n[^1]: real\n",
	          (const char *const[]){"<pre><code>[^1]: code\n</code></pre>", "real<a", NULL});
	test_case(
	    "a note's links to the post's link reference definitions",
	    "x[^1] [y]\n\n[^1]: See [the  Notes], [Other][o] and [y].\n\n[the notes]: /notes\n"
	    "[o]: /o \"T\"\n[y]: /y\n",
	    (const char *const[]){
	        "<a href=\"/y\">y</a>", "See <a href=\"/notes\">the  Notes</a>",
	        "<a href=\"/o\" title=\"T\">Other</a> and <a href=\"/y\">y</a>.<a", NULL});
	test_case("a line of '=' in a note stays its text", "x[^1]\n\n[^1]: note\n===\n",
	          (const char *const[]){"<li id=\"fn-1\">\nnote\n===<a", NULL});
	test_case("a line of '-' in a note stays its text", "x[^1]\n\n[^1]: note\n-\n",
	          (const char *const[]){"<li id=\"fn-1\">\nnote\n-<a", NULL});
	test_case("an empty list item does not end a note's paragraph", "x[^1]\n\n[^1]: O\n-   \n",
	          (const char *const[]){"<li id=\"fn-1\">\nO\n-<a", NULL});
	test_case("a link definition of white space alone", "x[^1]\n\n[ ]: /u\n[^1]: [ ]\n",
	          (const char *const[]){"<li id=\"fn-1\">\n[ ]<a", NULL});
	test_case("an HTML block ends a definition", "x[^1]\n\n[^1]: note\n<div>\nhtml\n</div>\n",
	          (const char *const[]){"<div>\nhtml\n</div>", "<li id=\"fn-1\">\nnote<a", NULL});
	test_case("\"![^1]\" is no reference (md4c's master)", "x[^1] ![^1]\n\n[^1]: N.\n",
	          (const char *const[]){"</sup> ![^1]</p>", NULL});
	test_case("a note with no text", "x[^1]\n\n[^1]:\n",
	          (const char *const[]){"<li id=\"fn-1\">\n<a href=\"#fnref-1-1\"", NULL});
	test_case("an undefined reference is text", "x[^nope]\n\n[^1]: N.\n",
	          (const char *const[]){"<p>x[^nope]</p>", NULL});
	test_case("an escaped bracket is no reference", "x\\[^1]\n\n[^1]: N.\n",
	          (const char *const[]){"<p>x[^1]</p>", NULL});
	test_case("a definition ends at a heading", "x[^1]\n\n[^1]: N.\n# After\n",
	          (const char *const[]){"<h1 id=\"after\">After", "N.<a href", NULL});
	test_case("a definition after a link reference definition",
	          "x[^1] [y]\n\n[y]: /y\n[^1]: N.\n",
	          (const char *const[]){"<a href=\"/y\">y</a>", "N.<a href", NULL});
	test_case("the first of two definitions of a label wins",
	          "x[^1]\n\n[^1]: First.\n\n[^1]: Second.\n",
	          (const char *const[]){"First.<a", NULL});
	test_without("the second definition of a label is not shown",
	             "x[^1]\n\n[^1]: First.\n\n[^1]: Second.\n", "Second");
}

/* A heading with a reference reads back, and its table of contents entry is its text. */
static void test_headings(void)
{
	const char *md = "## Why[^1]\n\n### How[^1] and when\n\n[^1]: Because.\n";
	struct buf html = {0}, toc = {0}, text = {0};
	struct render_heading h[4];

	test_render(md, strlen(md), 1, &html);
	size_t n = render_headings(html.data, html.len, h, 4);
	render_toc(h, n < 4 ? n : 4, 2, 3, &toc);
	if (n > 0)
		render_heading_text(&h[0], &text);
	check("footnote", "headings with references: read back, in the table of contents",
	      n == 2 && strcmp(buf_cstr(&text), "Why1") == 0 &&
	          strstr(buf_cstr(&toc), "<a href=\"#why1\">Why1</a>") != NULL &&
	          strstr(buf_cstr(&toc), "<a href=\"#how1-and-when\">How1 and when</a>") != NULL,
	      "%zu headings, text \"%s\", toc \"%s\"", n, buf_cstr(&text), buf_cstr(&toc));
	buf_free(&html);
	buf_free(&toc);
	buf_free(&text);
}

/* Large and odd posts: bounded time, and each note where it should be. */
static void test_hostile(void)
{
	struct buf md = {0}, html = {0};
	double t;
	int n = 100000;

	for (int i = 0; i < n; i++)
		buf_printf(&md, "r[^%d] ", i);
	buf_adds(&md, "\n\n");
	for (int i = 0; i < n; i++)
		buf_printf(&md, "[^%d]: Note %d.\n", i, i);
	t = test_now();
	test_render(md.data, md.len, 1, &html);
	t = test_now() - t;
	check("footnote", "100,000 references and definitions: bounded time",
	      t < 3.0 * SLOWDOWN &&
	          strstr(buf_cstr(&html), "<li id=\"fn-100000\">\nNote 99999.") != NULL,
	      "%.2f s, %zu bytes", t, html.len);

	buf_reset(&md);
	buf_adds(&md, "x");
	for (int i = 0; i < n; i++)
		buf_adds(&md, "[^a]");
	buf_adds(&md, "\n\n[^a]: The one.\n");
	t = test_now();
	test_render(md.data, md.len, 1, &html);
	t = test_now() - t;
	check("footnote", "100,000 references to one note: bounded time, every back-link",
	      t < 3.0 * SLOWDOWN && strstr(buf_cstr(&html), "href=\"#fnref-1-100000\"") != NULL,
	      "%.2f s", t);

	buf_reset(&md);
	buf_adds(&md, "x[^");
	for (int i = 0; i < 10240; i++)
		buf_addc(&md, (char)('a' + i % 26));
	buf_adds(&md, "]\n\n[^");
	for (int i = 0; i < 10240; i++)
		buf_addc(&md, (char)('A' + i % 26));
	buf_adds(&md, "]: A long label.\n");
	test_render(md.data, md.len, 1, &html);
	check("footnote", "a label of 10 KB", strstr(buf_cstr(&html), "A long label.<a") != NULL,
	      "%zu bytes", html.len);

	buf_reset(&md);
	for (int i = 0; i < n; i++)
		buf_adds(&md, "[^[^[^");
	buf_adds(&md, "\n\n");
	for (int i = 0; i < n; i++)
		buf_adds(&md, "[^x]");
	buf_adds(&md, "\n\n[^x]:\n");
	for (int i = 0; i < 2000; i++)
		buf_adds(&md, "[^y]: [^z]: [^");
	t = test_now();
	test_render(md.data, md.len, 1, &html);
	t = test_now() - t;
	check("footnote", "nested brackets and broken labels: bounded time",
	      t < 3.0 * SLOWDOWN && html.len > 0, "%.2f s", t);

	/* A long link definition named in each of many notes: the notes get no more bytes
	 * of definitions than the post has. */
	buf_reset(&md);
	buf_adds(&md, "[x]: /");
	for (int i = 0; i < 10240; i++)
		buf_addc(&md, 'u');
	buf_adds(&md, "\n\n");
	for (int i = 0; i < n; i++)
		buf_printf(&md, "[^%d]: [x]\n", i);
	buf_adds(&md, "\n");
	for (int i = 0; i < n; i++)
		buf_printf(&md, "[^%d]", i);
	buf_adds(&md, "\n");
	t = test_now();
	test_render(md.data, md.len, 1, &html);
	t = test_now() - t;
	check("footnote", "a long link definition named in 100,000 notes: bounded time",
	      t < 3.0 * SLOWDOWN && html.len < 100 * md.len, "%.2f s, %zu bytes", t, html.len);

	buf_free(&md);
	buf_free(&html);
}

/* Is a "[^" left in the HTML outside <code> (which <pre> blocks hold too)? */
static int test_raw_left(const char *html)
{
	const char *p = html;

	while ((p = strstr(p, "[^")) != NULL) {
		/* Inside code when the last <code> before it is not closed yet. */
		const char *open = NULL, *close = NULL;
		for (const char *q = html; (q = strstr(q, "<code")) != NULL && q < p; q++)
			open = q;
		for (const char *q = html; (q = strstr(q, "</code>")) != NULL && q < p; q++)
			close = q;
		if (open == NULL || (close != NULL && close > open))
			return 1;
		p += 2;
	}
	return 0;
}

/* Definitions in md, fenced code left out. */
static int test_count_defs(const char *md)
{
	int defs = 0, fence = 0;

	for (const char *l = md; *l != '\0';) {
		const char *e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		if (strncmp(l, "```", 3) == 0)
			fence = !fence;
		else if (!fence && strncmp(l, "[^", 2) == 0 && memchr(l, ']', (size_t)(e - l)) &&
		         ((const char *)memchr(l, ']', (size_t)(e - l)))[1] == ':')
			defs++;
		l = *e != '\0' ? e + 1 : e;
	}
	return defs;
}

static void test_rust_blog(void)
{
	const char *dir = "tests/data/rust-blog/posts";
	DIR *d = opendir(dir);
	struct dirent *e;
	int posts = 0;

	if (d == NULL) {
		check("footnote", dir, 0, "cannot read it");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char path[512];
		struct buf md = {0}, html = {0};
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		char chunk[4096];
		size_t n;
		while (f != NULL && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&md, chunk, n);
		if (f != NULL)
			fclose(f);
		if (md.len == 0 || memmem(md.data, md.len, "[^", 2) == NULL) {
			buf_free(&md);
			continue;
		}
		posts++;
		markdown_render(md.data, md.len, NULL, &html);
		int defs = test_count_defs(buf_cstr(&md)), notes = 0;
		for (const char *p = buf_cstr(&html); (p = strstr(p, "<li id=\"fn-")) != NULL; p++)
			notes++;
		const char *section = strstr(buf_cstr(&html), "<section class=\"footnotes\">");
		/* The notes' links to the post's link definitions resolve. */
		if (strcmp(e->d_name, "2021-07-29-Rust-1.54.0.md") == 0)
			check("footnote",
			      "rust-blog 2021-07-29-Rust-1.54.0.md: a note's reference link",
			      strstr(buf_cstr(&html),
			             "<a href=\"https://github.com/rust-lang/rust/issues/"
			             "84970\">#84970</a>.<a href=\"#fnref-2-1\"") != NULL,
			      "not resolved");
		char name[600];
		snprintf(name, sizeof(name), "rust-blog %s: %d notes, no \"[^\" left outside code",
		         e->d_name, defs);
		check("footnote", name,
		      section != NULL && notes == defs && !test_raw_left(buf_cstr(&html)),
		      "section %s, %d notes, raw \"[^\" %s", section ? "yes" : "no", notes,
		      test_raw_left(buf_cstr(&html)) ? "left" : "none");
		buf_free(&md);
		buf_free(&html);
	}
	closedir(d);
	check("footnote", "the rust-blog corpus has its 11 footnoted posts", posts == 11,
	      "%d posts", posts);
}

int main(void)
{
	test_spec();
	test_cases();
	test_headings();
	test_hostile();
	test_rust_blog();
	return check_exit();
}

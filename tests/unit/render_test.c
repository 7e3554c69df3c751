/* render_test.c — quire's HTML renderer: its additions over md_html, the base URL. */
#include <md4c.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "render.h"

/* Render md with the additions (or not) and base, and compare with want. */
static void test_render(const char *name, const char *md, int additions, int escape,
                        const char *base, const char *want)
{
	struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB,
	                        .raw_html_escape = escape,
	                        .additions = additions,
	                        .base = base,
	                        .base_len = base != NULL ? strlen(base) : 0};
	struct buf out = {0};
	int rc = render_html(md, strlen(md), &o, &out);

	check("render", name, rc == 0 && strcmp(buf_cstr(&out), want) == 0, "got \"%s\"",
	      buf_cstr(&out));
	buf_free(&out);
}

/* Does the HTML of md (with the additions) hold want? */
static void test_holds(const char *name, const char *md, const char *want, int holds)
{
	struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB, .additions = 1};
	struct buf out = {0};
	int rc = render_html(md, strlen(md), &o, &out);

	check("render", name, rc == 0 && (strstr(buf_cstr(&out), want) != NULL) == holds,
	      "got \"%s\"", buf_cstr(&out));
	buf_free(&out);
}

/* The headings read back from the HTML, and the table of contents of levels 2 and 3. */
static void test_toc(void)
{
	static const char md[] =
	    "{:toc}\n\n# Title\n\n## One & `two`\n\n### Deep\n\n#### Deeper\n\n"
	    "## Three {#own}\n\n<h2 id=\"raw\">Raw</h2>\n\n```\n{:toc}\n```\n";
	struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB, .additions = 1};
	struct buf out = {0}, toc = {0}, text = {0};
	struct render_heading h[8];

	render_html(md, strlen(md), &o, &out);
	size_t n = render_headings(out.data, out.len, h, 8);
	check("render", "render_headings finds the five headings, not raw HTML's", n == 5,
	      "%zu in \"%s\"", n, buf_cstr(&out));
	if (n >= 2)
		render_heading_text(&h[1], &text);
	check("render", "a heading's text",
	      n >= 2 && h[1].level == 2 && strcmp(buf_cstr(&text), "One & two") == 0 &&
	          h[1].id_len == 8 && memcmp(h[1].id, "one--two", 8) == 0,
	      "\"%s\"", buf_cstr(&text));
	render_toc(h, n < 8 ? n : 8, 2, 3, &toc);
	check("render", "the table of contents of levels 2 and 3",
	      strcmp(buf_cstr(&toc), "<ul>\n<li><a href=\"#one--two\">One &amp; two</a>\n<ul>\n"
	                             "<li><a href=\"#deep\">Deep</a></li>\n</ul>\n</li>\n"
	                             "<li><a href=\"#own\">Three</a></li>\n</ul>\n") == 0,
	      "got \"%s\"", buf_cstr(&toc));
	check("render", "the {:toc} line is the mark, and stays in code",
	      strncmp(buf_cstr(&out), RENDER_TOC_MARK "\n<h1", sizeof(RENDER_TOC_MARK) + 3) == 0 &&
	          strstr(out.data, "<code>{:toc}\n</code>") != NULL,
	      "got \"%s\"", out.data);
	buf_reset(&out);
	render_html("* TOC\n{:toc}\n\n## A\n", 20, &o, &out);
	check("render", "kramdown's * TOC list item goes with it",
	      strstr(buf_cstr(&out), "TOC") == NULL && strstr(out.data, RENDER_TOC_MARK) != NULL,
	      "got \"%s\"", out.data);
	buf_free(&out);
	buf_free(&toc);
	buf_free(&text);
}

int main(void)
{
	test_render("an emoji span becomes its emoji", "Hi <span emoji='grinning-face'></span>!\n",
	            1, 0, NULL, "<p>Hi \xF0\x9F\x98\x80!</p>\n");
	test_render("an emoji span, double quotes", "<span emoji=\"red heart\"></span>\n", 1, 0,
	            NULL, "<p>\xE2\x9D\xA4\xEF\xB8\x8F</p>\n");
	test_render("an unknown emoji stays a span", "<span emoji='no-such-thing'></span>\n", 1, 0,
	            NULL, "<p><span emoji='no-such-thing'></span></p>\n");
	test_render("without the additions an emoji span stays",
	            "<span emoji='grinning-face'></span> x\n", 0, 0, NULL,
	            "<p><span emoji='grinning-face'></span> x</p>\n");
	test_render("an emoji span in an HTML block",
	            "<div><span emoji='grinning-face'></span></div>\n", 1, 0, NULL,
	            "<div>\xF0\x9F\x98\x80</div>\n");
	test_render("an HTML block's script link over two lines goes to #",
	            "<div>\n<a href=\"java\nscript:alert(1)\">x</a></div>\n", 1, 0, NULL,
	            "<div>\n<a href=\"#\">x</a></div>\n");
	test_render("a javascript: link goes to #", "[x](javascript:alert(1))\n", 1, 0, NULL,
	            "<p><a href=\"#\">x</a></p>\n");
	test_render("an entity-spelt JAVASCRIPT: link goes to #", "[x](&#74;AVASCRIPT:alert)\n", 1,
	            0, NULL, "<p><a href=\"#\">x</a></p>\n");
	test_render("a data: image goes to #", "![a](data:text/html,x)\n", 1, 0, NULL,
	            "<p><img src=\"#\" alt=\"a\" loading=\"lazy\" decoding=\"async\"></p>\n");
	test_render("without the additions the link stays", "[x](javascript:alert(1))\n", 0, 0,
	            NULL, "<p><a href=\"javascript:alert(1)\">x</a></p>\n");
	test_render("raw HTML's script link goes to #",
	            "<a href=\"java\nscript:alert(1)\">x</a>\n\n<p><img src='vbscript:x'></p>\n", 1,
	            0, NULL, "<p><a href=\"#\">x</a></p>\n<p><img src='#'></p>\n");
	test_render("ill-formed UTF-8 becomes U+FFFD", "a\xFF b \xE2\x82 `\xC0`\n", 1, 0, NULL,
	            "<p>a\xEF\xBF\xBD b \xEF\xBF\xBD <code>\xEF\xBF\xBD</code></p>\n");
	test_render("a surrogate reference is one U+FFFD", "&#xD800;\n", 1, 0, NULL,
	            "<p>\xEF\xBF\xBD</p>\n");
	test_render("the more line stays a comment with raw HTML escaped",
	            "a\n\n<!--more-->\n\n<b>\n", 1, 1, NULL,
	            "<p>a</p>\n<!--more-->\n<p>&lt;b&gt;</p>\n");
	test_render("raw HTML escaped", "<b>x</b>\n", 1, 1, NULL, "<p>&lt;b&gt;x&lt;/b&gt;</p>\n");
	/* The base. */
	test_render(
	    "a relative image and link against the base",
	    "![a](cat.png) [b](notes/x.html) [c](../up)\n", 1, 0, "/blog/my-post/",
	    "<p><img src=\"/blog/my-post/cat.png\" alt=\"a\" loading=\"lazy\" decoding=\"async\"> "
	    "<a href=\"/blog/my-post/notes/x.html\">b</a> "
	    "<a href=\"/blog/my-post/../up\">c</a></p>\n");
	test_render(
	    "absolute, fragment, query and scheme URLs keep to themselves",
	    "[a](/x) [b](#y) [c](?q=1) [d](https://e.org/) [e](mailto:a@b.c) <https://f.org>\n", 1,
	    0, "/p/",
	    "<p><a href=\"/x\">a</a> <a href=\"#y\">b</a> <a href=\"?q=1\">c</a> "
	    "<a href=\"https://e.org/\">d</a> <a href=\"mailto:a@b.c\">e</a> "
	    "<a href=\"https://f.org\">https://f.org</a></p>\n");
	test_render("a reference definition's relative URL", "[x]\n\n[x]: img/a%20b.png \"T\"\n", 1,
	            0, "/p/", "<p><a href=\"/p/img/a%20b.png\" title=\"T\">x</a></p>\n");
	test_render("no base: relative stays", "![a](cat.png)\n", 1, 0, NULL,
	            "<p><img src=\"cat.png\" alt=\"a\" loading=\"lazy\" decoding=\"async\"></p>\n");
	/* GitHub's short table delimiter cells. */
	test_holds("a | - | - | delimiter row makes a table", "| a | b |\n| - | :- |\n| 1 | 2 |\n",
	           "<th>a</th>", 1);
	test_holds("... with its alignment", "| a | b |\n| - | :- |\n| 1 | 2 |\n",
	           "<td align=\"left\">2</td>", 1);
	test_holds("... and its cells", "| a | b |\n|--|-:|\n| 1 | 2 |\n", "<td>1</td>", 1);
	test_holds("... in a block quote", "> | a | b |\n> | - | - |\n> | 1 | 2 |\n", "<td>1</td>",
	           1);
	test_holds("... not in a fenced code block", "```\n| a | b |\n| - | - |\n```\n",
	           "| a | b |\n| - | - |\n", 1);
	test_holds("... not in an indented code block", "x\n\n    | a | b |\n    | - | - |\n",
	           "| a | b |\n| - | - |\n</code>", 1);
	test_holds("... not when the cells do not match", "| a | b | c |\n| - | - |\n", "<table>",
	           0);
	test_holds("... not under a paragraph's second line", "x\n| a | b |\n| - | - |\n",
	           "<table>", 0);
	test_render("without the additions | - | - | is text", "| a | b |\n| - | - |\n", 0, 0, NULL,
	            "<p>| a | b |\n| - | - |</p>\n");
	/* Heading ids. */
	test_render(
	    "a heading's id by GitHub's rules, with its self-link", "## Go's `async` & Rust?\n", 1,
	    0, NULL,
	    "<h2 id=\"gos-async--rust\">Go's <code>async</code> &amp; Rust? <a class=\"anchor\" "
	    "href=\"#gos-async--rust\" aria-label=\"Link to this section\">#</a></h2>\n");
	test_holds("repeated headings get -1 and -2", "# A\n\n# A\n\nA\n=\n",
	           "<h1 id=\"a\">A <a class=\"anchor\" href=\"#a\" aria-label=\"Link to this "
	           "section\">#</a></h1>\n<h1 id=\"a-1\">",
	           1);
	test_holds("... the third", "# A\n\n# A\n\nA\n=\n", "<h1 id=\"a-2\">A <a", 1);
	test_holds("the author's {#id}, cut from the text", "### Set up {#install}\n",
	           "<h3 id=\"install\">Set up <a class=\"anchor\" href=\"#install\"", 1);
	test_holds("other scripts' letters are kept", "## Über Café 日本語\n",
	           "<h2 id=\"über-café-日本語\">", 1);
	test_holds("an entity's character, and no punctuation", "# Caf&eacute; &amp; (b)!\n",
	           "<h1 id=\"café--b\">", 1);
	test_holds("emoji and dashes dropped", "## \xF0\x9F\x9A\x80 Launch \xE2\x80\x94 day\n",
	           "<h2 id=\"-launch--day\">", 1);
	test_holds("a heading of punctuation alone", "# ???\n", "<h1 id=\"section\">", 1);
	test_render("without the additions no id", "# A\n", 0, 0, NULL, "<h1>A</h1>\n");
	test_toc();
	return check_exit();
}

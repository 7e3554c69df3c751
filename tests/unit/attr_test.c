/* attr_test.c — kramdown's attribute lists: the parser (hostile lists among them) and
 * the renderer putting them on blocks, images' figures. */
#include <md4c.h>
#include <stdio.h>
#include <string.h>

#include <dirent.h>
#include <stdlib.h>

#include "attr.h"
#include "buf.h"
#include "check.h"
#include "frontmatter.h"
#include "markdown.h"
#include "render.h"
#include "scratch.h"

/* attr_parse() of list: the bytes it takes (0: not a list) and what it gives. */
static void test_parse(const char *name, const char *list, size_t took, const char *want)
{
	struct buf out = {0};
	size_t n = attr_parse(list, strlen(list), 0, &out);

	check("attr", name, n == took && strcmp(buf_cstr(&out), want) == 0, "took %zu, gave \"%s\"",
	      n, buf_cstr(&out));
	buf_free(&out);
}

static void test_render(const char *name, const char *md, const char *want)
{
	struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB, .additions = 1};
	struct buf out = {0};
	int rc = render_html(md, strlen(md), &o, &out);

	check("attr", name, rc == 0 && strcmp(buf_cstr(&out), want) == 0, "got \"%s\"",
	      buf_cstr(&out));
	buf_free(&out);
}

/* Without the additions an attribute list is text, as md_html has it. */
static void test_plain(void)
{
	struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB};
	struct buf out = {0};
	const char md[] = "a\n{: .x}\n";

	render_html(md, sizeof(md) - 1, &o, &out);
	check("attr", "without the additions the line is text",
	      strcmp(buf_cstr(&out), "<p>a\n{: .x}</p>\n") == 0, "got \"%s\"", buf_cstr(&out));
	buf_free(&out);
}

/* A 10 KB list, and one 10 KB line that never closes: linear, bounded output. */
static void test_long(void)
{
	struct buf in = {0}, out = {0};

	buf_adds(&in, "{:");
	for (int i = 0; i < 2000; i++)
		buf_adds(&in, " .c");
	buf_adds(&in, "}");
	size_t n = attr_parse(in.data, in.len, 0, &out);
	check("attr", "a 10 KB list", n == in.len && out.len < 2 * in.len, "took %zu of %zu", n,
	      in.len);
	in.len--;
	buf_reset(&out);
	check("attr", "a 10 KB list never closed", attr_parse(in.data, in.len, 0, &out) == 0, "");
	buf_reset(&in);
	buf_adds(&in, "para\n{: title=\"");
	for (int i = 0; i < 10000; i++)
		buf_addc(&in, 'x');
	buf_adds(&in, "\n");
	struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB, .additions = 1};
	buf_reset(&out);
	render_html(in.data, in.len, &o, &out);
	check("attr", "an unterminated 10 KB line stays text",
	      strstr(buf_cstr(&out), "{: title=&quot;xxx") != NULL, "");
	buf_free(&in);
	buf_free(&out);
}

/* Does html hold "{:" outside its code (<pre>, <code>)? */
static int outside_code(const char *html)
{
	const char *p = html;

	for (;;) {
		const char *brace = strstr(p, "{:"), *code = strstr(p, "<code");
		if (brace == NULL)
			return 0;
		if (code == NULL || brace < code)
			return 1;
		const char *end = strstr(code, "</code>");
		if (end == NULL)
			return 1;
		p = end + 7;
	}
}

/* No rust-blog post shows an attribute list as text. */
static void test_corpus(void)
{
	const char *dir = "tests/data/rust-blog/posts";
	struct buf md = {0}, html = {0}, err = {0}, path = {0};
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), posts = 0, shown = 0;
	char first[256] = "";

	for (int i = 0; i < n; i++) {
		size_t yoff, ylen, yline;
		if (strstr(names[i]->d_name, ".md") == NULL)
			goto next;
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, names[i]->d_name);
		scratch_read(buf_cstr(&path), &md);
		long body =
		    frontmatter_split(md.data, md.len, 1, 65536, &yoff, &ylen, &yline, &err);
		buf_reset(&html);
		markdown_render(md.data + (body > 0 ? body : 0),
		                md.len - (size_t)(body > 0 ? body : 0), NULL, &html);
		posts++;
		if (outside_code(buf_cstr(&html)) && shown++ == 0)
			snprintf(first, sizeof(first), "%s", names[i]->d_name);
	next:
		free(names[i]);
	}
	check("attr", "no rust-blog post shows \"{:\" as text", n > 0 && posts > 200 && shown == 0,
	      "%d of %d, first %s", shown, posts, first);
	free(names);
	buf_free(&md);
	buf_free(&html);
	buf_free(&err);
	buf_free(&path);
}

int main(void)
{
	test_corpus();
	/* The parser. */
	test_parse("class, id and a name", "{: .a #b k=\"v\"}", 15,
	           " id=\"b\" class=\"a\" k=\"v\"");
	test_parse("no space after the colon", "{:.a .b}", 8, " class=\"a b\"");
	test_parse("the last id wins", "{: #a #b}", 9, " id=\"b\"");
	test_parse("single quotes", "{: k='a \"b\"'}", 13, " k=\"a &quot;b&quot;\"");
	test_parse("a backslash-escaped quote", "{: k=\"a\\\"b\"}", 12, " k=\"a&quot;b\"");
	test_parse("an event handler is dropped", "{: onclick=\"x\" ONLOAD='y' .c}", 29,
	           " class=\"c\"");
	test_parse("style is dropped", "{: style=\"color:red\"}", 21, "");
	test_parse("href, src and xlink:href are dropped",
	           "{: href=\"javascript:x\" src=\"y\" xlink:href=\"z\" srcdoc=\"<b>\"}", 59, "");
	test_parse("a quote and a tag in a value", "{: title=\"\\\"><script>\"}", 23,
	           " title=\"&quot;&gt;&lt;script&gt;\"");
	test_parse("a tag in a class or id is dropped", "{: .\"><script> #a\"b .ok}", 24,
	           " class=\"ok\"");
	test_parse("a name not well formed is dropped", "{: 1a=\"x\" a<b=\"y\" -c=\"z\" d.e=\"w\"}",
	           33, " d.e=\"w\"");
	test_parse("class and id as names", "{: .a class=\"b c\" id=\"d\"}", 25,
	           " id=\"d\" class=\"a b c\"");
	test_parse("a bare word (a reference) is left out", "{: ref .a}", 10, " class=\"a\"");
	test_parse("unterminated quote", "{: k=\"v}", 0, "");
	test_parse("no closing brace", "{: .a", 0, "");
	test_parse("an extension is not a list", "{::comment}", 0, "");
	test_parse("ill-formed UTF-8 in a value", "{: k=\"\xff\"}", 9, " k=\"\xEF\xBF\xBD\"");
	test_parse("a control character in a value", "{: k=\"a\x01z\"}", 11, " k=\"a z\"");
	test_parse("an empty list", "{:}", 3, "");
	check("attr", "attr_line: trailing spaces", attr_line("{: .a}  \r", 9), "");
	check("attr", "attr_line: text after it is no line", !attr_line("{: .a} b", 8), "");
	check("attr", "attr_line: {:toc} is not one", !attr_line("{:toc}", 6), "");
	test_long();
	test_plain();

	/* Blocks. */
	test_render("a paragraph", "Some text.\n{: .note #n}\n",
	            "<p id=\"n\" class=\"note\">Some text.</p>\n");
	test_render("the line ends the paragraph", "one\n{: .a}\ntwo\n",
	            "<p class=\"a\">one</p>\n<p>two</p>\n");
	test_render("a heading keeps its own id", "## Title\n{: .big #other}\n",
	            "<h2 id=\"title\" class=\"big\">Title <a class=\"anchor\" href=\"#title\" "
	            "aria-label=\"Link to this section\">#</a></h2>\n");
	test_render("a list", "* a\n* b\n{: .l}\n\nafter\n",
	            "<ul class=\"l\">\n<li>a</li>\n<li>b</li>\n</ul>\n<p>after</p>\n");
	test_render("an ordered list", "3. a\n{: .l}\n",
	            "<ol start=\"3\" class=\"l\">\n<li>a</li>\n</ol>\n");
	test_render("a block quote", "> q\n{: .bq}\n",
	            "<blockquote class=\"bq\">\n<p>q</p>\n</blockquote>\n");
	test_render("a paragraph in a block quote", "> q\n> {: .p}\n",
	            "<blockquote>\n<p class=\"p\">q</p>\n</blockquote>\n");
	test_render("a fenced code block", "```text\nfn x() {}\n```\n{: .code}\n",
	            "<pre class=\"code\"><code class=\"language-text\">fn x() {}\n</code></pre>\n");
	test_render("a table", "| a |\n| - |\n| 1 |\n{: .t}\n",
	            "<table class=\"t\">\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n"
	            "<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n");
	test_render("two paragraphs, each its own", "a\n{: .one}\n\nb\n{: .two}\n",
	            "<p class=\"one\">a</p>\n<p class=\"two\">b</p>\n");
	test_render("a hostile list gives only what is safe",
	            "x\n{: onclick=\"alert(1)\" title=\"\\\"><script>\" style=\"a\"}\n",
	            "<p title=\"&quot;&gt;&lt;script&gt;\">x</p>\n");
	test_render("in fenced code the line stays", "```\na\n{: .x}\n```\n",
	            "<pre><code>a\n{: .x}\n</code></pre>\n");
	test_render("in indented code the line stays", "    a\n    {: .x}\n",
	            "<pre><code>a\n{: .x}\n</code></pre>\n");
	test_render("an unknown shape is text", "a\n{: .x} b\n", "<p>a\n{: .x} b</p>\n");
	test_render("between blank lines: taken out, on no block", "{: .x}\n\na\n\n{: .y}\n\nb\n",
	            "<p>a</p>\n<p>b</p>\n");
	test_render("after a blank line: on the block after it", "a\n\n{: .x}\nb\n",
	            "<p>a</p>\n<p class=\"x\">b</p>\n");
	test_render("first: on the block after it", "{: .q}\n> a\n",
	            "<blockquote class=\"q\">\n<p>a</p>\n</blockquote>\n");
	test_render("before a heading", "{: .x}\n# H\n",
	            "<h1 class=\"x\" id=\"h\">H <a class=\"anchor\" href=\"#h\" "
	            "aria-label=\"Link to this section\">#</a></h1>\n");
	test_render("{:toc} still works", "{:toc}\n\n## A\n",
	            RENDER_TOC_MARK "\n<h2 id=\"a\">A <a class=\"anchor\" href=\"#a\" "
	                            "aria-label=\"Link to this section\">#</a></h2>\n");
	test_render("after a paragraph with an image figure", "![a](x.png \"T\")\n{: .wide}\n",
	            "<figure class=\"wide\"><img src=\"x.png\" alt=\"a\" loading=\"lazy\" "
	            "decoding=\"async\"><figcaption>T</figcaption></figure>\n");

	/* Span lists. */
	test_render("after an image", "![x](y.png){: .wide #i}\n",
	            "<p><img src=\"y.png\" alt=\"x\" loading=\"lazy\" decoding=\"async\" id=\"i\" "
	            "class=\"wide\"></p>\n");
	test_render("after a link, text after it", "a [b](/c){: .ext rel=\"nofollow\"} d\n",
	            "<p>a <a href=\"/c\" class=\"ext\" rel=\"nofollow\">b</a> d</p>\n");
	test_render("a figure with a span list", "![x](y.png \"T\"){: .wide}\n",
	            "<figure><img src=\"y.png\" alt=\"x\" loading=\"lazy\" decoding=\"async\" "
	            "class=\"wide\"><figcaption>T</figcaption></figure>\n");
	test_render("a hostile span list", "[b](/c){: onclick=\"x\" href=\"javascript:y\"}\n",
	            "<p><a href=\"/c\">b</a></p>\n");
	test_render("with a space before it: text", "[b](/c) {: .x}\n",
	            "<p><a href=\"/c\">b</a> {: .x}</p>\n");
	test_render("with inline syntax in it: text", "[b](/c){: title=\"*e*\"}\n",
	            "<p><a href=\"/c\">b</a>{: title=&quot;<em>e</em>&quot;}</p>\n");
	test_render("unclosed: text", "[b](/c){: .x\n", "<p><a href=\"/c\">b</a>{: .x</p>\n");
	test_render("in the next paragraph: text", "[b](/c)\n\n{: .x} y\n",
	            "<p><a href=\"/c\">b</a></p>\n<p>{: .x} y</p>\n");
	test_render("with a block list before: both", "x\n\n{: .p}\n![x](y.png){: .i}\n",
	            "<p>x</p>\n<p class=\"p\"><img src=\"y.png\" alt=\"x\" loading=\"lazy\" "
	            "decoding=\"async\" class=\"i\"></p>\n");

	/* Figures. */
	test_render("an image alone with a title is a figure", "![A cat](cat.png \"My & cat\")\n",
	            "<figure><img src=\"cat.png\" alt=\"A cat\" loading=\"lazy\" "
	            "decoding=\"async\"><figcaption>My &amp; cat</figcaption></figure>\n");
	test_render(
	    "without a title it stays a paragraph", "![A cat](cat.png)\n",
	    "<p><img src=\"cat.png\" alt=\"A cat\" loading=\"lazy\" decoding=\"async\"></p>\n");
	test_render("with text it stays a paragraph", "![a](c.png \"T\") text\n",
	            "<p><img src=\"c.png\" alt=\"a\" title=\"T\" loading=\"lazy\" "
	            "decoding=\"async\"> text</p>\n");
	test_render("text before it", "text ![a](c.png \"T\")\n",
	            "<p>text <img src=\"c.png\" alt=\"a\" title=\"T\" loading=\"lazy\" "
	            "decoding=\"async\"></p>\n");
	test_render("two images", "![a](c.png \"T\")![b](d.png \"U\")\n",
	            "<p><img src=\"c.png\" alt=\"a\" title=\"T\" loading=\"lazy\" "
	            "decoding=\"async\"><img src=\"d.png\" alt=\"b\" title=\"U\" loading=\"lazy\" "
	            "decoding=\"async\"></p>\n");
	test_render("in a link it stays", "[![a](c.png \"T\")](/x)\n",
	            "<p><a href=\"/x\"><img src=\"c.png\" alt=\"a\" title=\"T\" loading=\"lazy\" "
	            "decoding=\"async\"></a></p>\n");
	test_render("in a tight list there is no paragraph", "* ![a](c.png \"T\")\n",
	            "<ul>\n<li><img src=\"c.png\" alt=\"a\" title=\"T\" loading=\"lazy\" "
	            "decoding=\"async\"></li>\n</ul>\n");
	return check_exit();
}

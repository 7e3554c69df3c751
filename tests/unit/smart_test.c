/* smart_test.c — typography (markdown.smart) and math spans through the renderer. */
#include <md4c.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "markdown.h"
#include "render.h"
#include "smart.h"

/* md rendered with the additions, typography for lang (NULL: off) and math (or not). */
static void test_case(const char *name, const char *lang, int math, const char *md,
                      const char *want)
{
	struct render_opts o = {.parser_flags =
	                            MD_DIALECT_GITHUB | (math ? MD_FLAG_LATEXMATHSPANS : 0),
	                        .additions = 1,
	                        .smart = lang != NULL,
	                        .lang = lang,
	                        .lang_len = lang != NULL ? strlen(lang) : 0};
	struct buf out = {0};
	int rc = render_html(md, strlen(md), &o, &out);

	check("smart", name, rc == 0 && strcmp(buf_cstr(&out), want) == 0, "got \"%s\"",
	      buf_cstr(&out));
	buf_free(&out);
}

#define EN(name, md, want) test_case(name, "en", 0, md, want)

static void test_languages(void)
{
	static const struct {
		const char *lang, *want;
	} q[] = {
	    {"en", "<p>“a ‘b’ c”</p>\n"},
	    {"en-GB", "<p>“a ‘b’ c”</p>\n"},
	    {"de", "<p>„a ‚b‘ c“</p>\n"},
	    {"de-AT", "<p>„a ‚b‘ c“</p>\n"},
	    {"fr", "<p>«\xE2\x80\xAF"
	           "a “b” c\xE2\x80\xAF»</p>\n"},
	    {"es", "<p>«a “b” c»</p>\n"},
	    {"it", "<p>«a “b” c»</p>\n"},
	    {"nl", "<p>“a ‘b’ c”</p>\n"},
	    {"sv", "<p>”a ’b’ c”</p>\n"},
	    {"pt", "<p>“a ‘b’ c”</p>\n"},
	    {"pt-BR", "<p>“a ‘b’ c”</p>\n"},
	    {"pt-PT", "<p>«a “b” c»</p>\n"},
	    {"pl", "<p>„a «b» c”</p>\n"},
	    {"ru", "<p>«a „b“ c»</p>\n"},
	    {"xx", "<p>“a ‘b’ c”</p>\n"},
	};
	char name[64];

	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		snprintf(name, sizeof(name), "quotes and nested quotes in %s", q[i].lang);
		test_case(name, q[i].lang, 0, "\"a 'b' c\"\n", q[i].want);
	}
	test_case("French: the space written inside the marks is the narrow no-break one", "fr", 0,
	          "\" a \" et l'eau\n",
	          "<p>«\xE2\x80\xAF"
	          "a\xE2\x80\xAF» et l’eau</p>\n");
	test_case("German apostrophe is not a closing quote", "de", 0, "Andrea's 'Buch'\n",
	          "<p>Andrea’s ‚Buch‘</p>\n");
}

static void test_marks(void)
{
	EN("en dash, em dash, ellipsis", "1--2, a---b, wait...\n", "<p>1–2, a—b, wait…</p>\n");
	EN("a single hyphen stays", "well-known - fine\n", "<p>well-known - fine</p>\n");
	EN("four dots: an ellipsis and a stop", "end....\n", "<p>end….</p>\n");
	EN("apostrophes", "don't, it's, rock'n'roll, the '90s, the boys' books\n",
	   "<p>don’t, it’s, rock’n’roll, the ’90s, the boys’ books</p>\n");
	EN("quotes after a dash and a bracket", "a---\"b\" (\"c\")\n", "<p>a—“b” (“c”)</p>\n");
	EN("a quote between spaces stays straight", "a \" b\n", "<p>a &quot; b</p>\n");
	EN("inches after a number", "a 5\" disk\n", "<p>a 5” disk</p>\n");
	EN("quotes around emphasis", "\"*a*\" and '**b**' and *\"c\"*\n",
	   "<p>“<em>a</em>” and ‘<strong>b</strong>’ and <em>“c”</em></p>\n");
	EN("quotes around a link", "\"[a](/u)\" and [\"b\"](/v)\n",
	   "<p>“<a href=\"/u\">a</a>” and <a href=\"/v\">“b”</a></p>\n");
	EN("quotes around code", "\"`x`\"\n", "<p>“<code>x</code>”</p>\n");
	EN("quotes around an entity", "\"&amp;\"\n", "<p>“&amp;”</p>\n");
	EN("across a soft line break", "\"a\nb\"\n", "<p>“a\nb”</p>\n");
	EN("each block starts afresh", "\"a\n\n\"b\"\n", "<p>“a</p>\n<p>“b”</p>\n");
	EN("in a heading, whose id is the text's as written", "## \"Don't\" -- stop\n",
	   "<h2 id=\"dont----stop\">“Don’t” – stop <a class=\"anchor\" href=\"#dont----stop\" "
	   "aria-label=\"Link to this section\">#</a></h2>\n");
	EN("a heading's own {#id} is left as written", "## A -- b {#a--b...}\n",
	   "<h2 id=\"a--b...\">A – b <a class=\"anchor\" href=\"#a--b...\" "
	   "aria-label=\"Link to this section\">#</a></h2>\n");
	EN("in a list item and a table cell", "- \"a\"\n\n| \"h\" |\n| --- |\n| 'c' |\n",
	   "<ul>\n<li>“a”</li>\n</ul>\n<table>\n<thead>\n<tr>\n<th>“h”</th>\n</tr>\n</thead>\n"
	   "<tbody>\n<tr>\n<td>‘c’</td>\n</tr>\n</tbody>\n</table>\n");
	EN("in an image's alt text", "![\"a\"](/i.png)\n",
	   "<p><img src=\"/i.png\" alt=\"“a”\" loading=\"lazy\" decoding=\"async\"></p>\n");
	EN("escaped marks stay", "\\\"a\\\" \\'b\\' a\\-\\-b\n", "<p>&quot;a&quot; 'b' a--b</p>\n");
	EN("an arrow and <!-- stay", "a --> b\n", "<p>a --&gt; b</p>\n");
}

/* With raw HTML escaped, the <!--more--> line stays the comment. */
static void test_more(void)
{
	struct render_opts o = {
	    .parser_flags = MD_DIALECT_GITHUB, .raw_html_escape = 1, .additions = 1, .smart = 1};
	struct buf out = {0};
	static const char md[] = "\"a\"\n\n<!--more-->\n\n<b>--</b>\n";

	render_html(md, sizeof(md) - 1, &o, &out);
	check("smart", "raw HTML escaped: <!--more--> stays the comment",
	      strcmp(buf_cstr(&out), "<p>“a”</p>\n<!--more-->\n<p>&lt;b&gt;–&lt;/b&gt;</p>\n") == 0,
	      "got \"%s\"", buf_cstr(&out));
	buf_free(&out);
}

static void test_never(void)
{
	EN("never in a code span", "`\"a\" -- b...`\n",
	   "<p><code>&quot;a&quot; -- b...</code></p>\n");
	EN("never in a code block", "```\n\"a\" -- b...\n```\n",
	   "<pre><code>&quot;a&quot; -- b...\n</code></pre>\n");
	EN("never in an indented code block", "    'a' --\n", "<pre><code>'a' --\n</code></pre>\n");
	EN("never in a link's URL or title", "[a](/x--y... \"t--'t'\")\n",
	   "<p><a href=\"/x--y...\" title=\"t--'t'\">a</a></p>\n");
	EN("never in an autolink", "<http://a.b/c--d...> and https://e.f/g--h'i\n",
	   "<p><a href=\"http://a.b/c--d...\">http://a.b/c--d...</a> and <a "
	   "href=\"https://e.f/g--h%27i\">https://e.f/g--h'i</a></p>\n");
	EN("never in a www. autolink", "www.a.b/c--d\n",
	   "<p><a href=\"http://www.a.b/c--d\">www.a.b/c--d</a></p>\n");
	EN("never in raw HTML",
	   "<span title=\"a--b\">\"c\"</span>\n\n<div class='x'>\n-- \"d\"\n</div>\n",
	   "<p><span title=\"a--b\">“c”</span></p>\n<div class='x'>\n-- \"d\"\n</div>\n");
	EN("never in raw HTML's <code> and <kbd>", "<code>\"a\" --</code> <kbd>'b'</kbd> \"c\"\n",
	   "<p><code>&quot;a&quot; --</code> <kbd>'b'</kbd> “c”</p>\n");
	EN("raw HTML's </pre> does not end a <code>, <code/> opens one",
	   "<code>\"a\"</pre>'b'</code> <code/>\"c\"</code> \"d\"\n",
	   "<p><code>&quot;a&quot;</pre>'b'</code> <code/>&quot;c&quot;</code> “d”</p>\n");
	EN("a link whose URL md4c builds (an entity in it), then text",
	   "[a&amp;b](/x&amp;y) \"q\" [/x&y](/x&amp;y)\n",
	   "<p><a href=\"/x&amp;y\">a&amp;b</a> “q” <a href=\"/x&amp;y\">/x&amp;y</a></p>\n");
	test_case("off: quotes and dashes as written", NULL, 0, "\"a\" -- 'b'...\n",
	          "<p>&quot;a&quot; -- 'b'...</p>\n");
}

static void test_math(void)
{
	test_case("inline math, escaped", "en", 1, "$a<b & c$ x\n",
	          "<p><span class=\"math inline\">\\(a&lt;b &amp; c\\)</span> x</p>\n");
	test_case("display math, escaped, not smartened", "en", 1, "$$\\frac{a}{b} -- \"x\" <$$\n",
	          "<p><span class=\"math display\">\\[\\frac{a}{b} -- &quot;x&quot; "
	          "&lt;\\]</span></p>\n");
	test_case("no math without the switch", "en", 0, "$a$ and $$b$$\n",
	          "<p>$a$ and $$b$$</p>\n");
	test_case("prices are not math", "en", 1, "$5 and $10\n", "<p>$5 and $10</p>\n");
	test_case("prices without the switch", "en", 0, "$5 and $10\n", "<p>$5 and $10</p>\n");
	test_case(
	    "math in a heading keeps its id", "en", 1, "## Euler $e^x$\n",
	    "<h2 id=\"euler-ex\">Euler <span class=\"math inline\">\\(e^x\\)</span> <a "
	    "class=\"anchor\" href=\"#euler-ex\" aria-label=\"Link to this section\">#</a></h2>\n");
}

/* markdown_render's switches, and the cache key telling them apart. */
static void test_opts(void)
{
	struct markdown_opts a = {.smart = 1, .language = "en", .language_len = 2};
	struct markdown_opts b = a, c = a, d = a;
	struct buf out = {0};

	b.smart = 0;
	c.language = "de";
	d.math = 1;
	check("smart", "the body cache key tells smart, language and math apart",
	      markdown_opts_key(&a) != markdown_opts_key(&b) &&
	          markdown_opts_key(&a) != markdown_opts_key(&c) &&
	          markdown_opts_key(&a) != markdown_opts_key(&d),
	      "");
	markdown_render("\"$x$\"\n", 6, &d, &out);
	check("smart", "markdown_render: math and quotes",
	      strcmp(buf_cstr(&out), "<p>“<span class=\"math inline\">\\(x\\)</span>”</p>\n") == 0,
	      "got \"%s\"", buf_cstr(&out));
	buf_reset(&out);
	markdown_render("\"$x$\"\n", 6, NULL, &out);
	check("smart", "markdown_render with no options: neither",
	      strcmp(buf_cstr(&out), "<p>&quot;$x$&quot;</p>\n") == 0, "got \"%s\"",
	      buf_cstr(&out));
	buf_free(&out);
	check("smart", "smart_lang: case and '_' ignored",
	      strcmp(smart_lang("DE_ch", 5)->tag, "de") == 0 &&
	          strcmp(smart_lang("ptx", 3)->tag, "en") == 0,
	      "");
}

int main(void)
{
	test_languages();
	test_marks();
	test_never();
	test_more();
	test_math();
	test_opts();
	return check_failed != 0;
}

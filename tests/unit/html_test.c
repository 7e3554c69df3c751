/* html_test.c — the escapers at the point of output: HTML text and quoted attributes,
 * URL paths, and the filter that sends a post's script-running links nowhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "html.h"
#include "markdown.h"

/* Input and output as bytes with their lengths: either may hold a NUL or invalid UTF-8. */
#define S(s) s, sizeof(s) - 1

struct escape_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
};

static const struct escape_case escapes[] = {
    {"empty", S(""), S("")},
    {"plain text is kept", S("plain text"), S("plain text")},
    {"ampersand", S("&"), S("&amp;")},
    {"an entity is escaped again, not kept", S("&amp;"), S("&amp;amp;")},
    {"a character reference is escaped", S("&#60;"), S("&amp;#60;")},
    {"less-than and greater-than", S("<>"), S("&lt;&gt;")},
    {"a script element", S("<script>alert(1)</script>"),
     S("&lt;script&gt;alert(1)&lt;/script&gt;")},
    {"double quote leaving an attribute", S("\" onmouseover=\"x"), S("&quot; onmouseover=&quot;x")},
    {"single quote leaving an attribute", S("' onload='x"), S("&#39; onload=&#39;x")},
    {"every special character at once", S("a<b>c&d\"e'f"), S("a&lt;b&gt;c&amp;d&quot;e&#39;f")},
    {"specials back to back", S("<<&&>>\"\"''"),
     S("&lt;&lt;&amp;&amp;&gt;&gt;&quot;&quot;&#39;&#39;")},
    {"a special first and last", S("&x<"), S("&amp;x&lt;")},
    {"a comment opener", S("<!-- x -->"), S("&lt;!-- x --&gt;")},
    {"a CDATA end", S("]]>"), S("]]&gt;")},
    {"backtick, equals and slash are kept", S("`a=b/c`"), S("`a=b/c`")},
    {"control characters pass unchanged", S("\x01\x08\x0b\x0c\x1b\x1f\x7f"),
     S("\x01\x08\x0b\x0c\x1b\x1f\x7f")},
    {"tab, CR and LF pass unchanged", S("a\tb\r\nc"), S("a\tb\r\nc")},
    {"valid UTF-8 is kept", S("caf\xc3\xa9 \xe2\x80\x94 \xe2\x98\x83 \xf0\x9f\x98\x80"),
     S("caf\xc3\xa9 \xe2\x80\x94 \xe2\x98\x83 \xf0\x9f\x98\x80")},
    {"invalid UTF-8 bytes are kept as bytes around an escape", S("\xff\xfe<\xc0\xaf>\x80"),
     S("\xff\xfe&lt;\xc0\xaf&gt;\x80")},
    {"a truncated sequence before a quote", S("\xe2\x80\""), S("\xe2\x80&quot;")},
    {"an overlong '<' (C0 BC) is not a '<'", S("\xc0\xbc"), S("\xc0\xbc")},
    {"a NUL inside the length is kept", S("a\0<b"), S("a\0&lt;b")},
    {"fullwidth less-than is not '<'", S("\xef\xbc\x9c"), S("\xef\xbc\x9c")},
};

static const struct escape_case url_paths[] = {
    {"empty", S(""), S("")},
    {"root", S("/"), S("/")},
    {"plain segments", S("/a/b-c_d.e~f"), S("/a/b-c_d.e~f")},
    {"letters and digits", S("/AZaz09"), S("/AZaz09")},
    {"space", S("/a b"), S("/a%20b")},
    {"UTF-8 in upper-case hex", S("/caf\xc3\xa9"), S("/caf%C3%A9")},
    {"a percent sign is itself encoded", S("/100%"), S("/100%25")},
    {"an encoded slash is encoded again", S("/a%2Fb"), S("/a%252Fb")},
    {"query and fragment characters", S("/?q#f"), S("/%3Fq%23f")},
    {"HTML specials", S("/\"<>'&"), S("/%22%3C%3E%27%26")},
    {"sub-delims", S("/!$()*+,;="), S("/%21%24%28%29%2A%2B%2C%3B%3D")},
    {"colon and at: a scheme cannot start here", S("javascript:alert(1)"),
     S("javascript%3Aalert%281%29")},
    {"user info cannot start here", S("/a@b:c"), S("/a%40b%3Ac")},
    {"backslash (read as a slash by browsers)", S("/\\evil.example"), S("/%5Cevil.example")},
    {"NUL", S("/\0"), S("/%00")},
    {"CR LF (no header splitting)", S("/a\r\nSet-Cookie: x"), S("/a%0D%0ASet-Cookie%3A%20x")},
    {"tab", S("/\t"), S("/%09")},
    {"DEL", S("/\x7f"), S("/%7F")},
    {"every high byte", S("/\x80\xff"), S("/%80%FF")},
    {"invalid UTF-8", S("/\xc0\xaf"), S("/%C0%AF")},
    {"backtick, braces, pipe, caret", S("/`{}|^"), S("/%60%7B%7D%7C%5E")},
    {"brackets", S("/[::1]"), S("/%5B%3A%3A1%5D")},
    {"dots are kept as written", S("/../."), S("/../.")},
};

/* A post's Markdown, shown with raw HTML as text (escape) or passed through (keep), and
 * the exact HTML wanted. */
struct link_case {
	const char *name;
	const char *md;
	int escape_html;
	const char *want;
};

static const struct link_case links[] = {
    {"javascript: link", "[x](javascript:alert(1))", 1, "<p><a href=\"#\">x</a></p>\n"},
    {"javascript: in mixed case", "[x](JavaScript:alert(1))", 1, "<p><a href=\"#\">x</a></p>\n"},
    {"javascript: with its first letter a character reference", "[x](&#106;avascript:alert(1))", 1,
     "<p><a href=\"#\">x</a></p>\n"},
    {"javascript: with hex character references", "[x](&#x6A;avascript&#x3A;alert(1))", 1,
     "<p><a href=\"#\">x</a></p>\n"},
    {"javascript: with a named reference for the colon", "[x](javascript&colon;alert(1))", 1,
     "<p><a href=\"#\">x</a></p>\n"},
    {"javascript: in angle brackets", "[x](<javascript:alert(1)>)", 1,
     "<p><a href=\"#\">x</a></p>\n"},
    {"javascript: with a title keeps the title", "[x](javascript:alert(1) \"t\")", 1,
     "<p><a href=\"#\" title=\"t\">x</a></p>\n"},
    {"javascript: autolink keeps its text", "<javascript:alert(1)>", 1,
     "<p><a href=\"#\">javascript:alert(1)</a></p>\n"},
    {"javascript: reference definition", "[x][r]\n\n[r]: javascript:alert(1)\n", 1,
     "<p><a href=\"#\">x</a></p>\n"},
    {"javascript: image", "![i](javascript:alert(1))", 1,
     "<p><img src=\"#\" alt=\"i\" loading=\"lazy\" decoding=\"async\"></p>\n"},
    {"data: link", "[x](data:text/html;base64,PHNjcmlwdD4=)", 1, "<p><a href=\"#\">x</a></p>\n"},
    {"vbscript: link", "[x](vbscript:msgbox(1))", 1, "<p><a href=\"#\">x</a></p>\n"},
    {"a tab inside the scheme is percent-encoded: a relative address",
     "[x](<java\tscript:alert(1)>)", 1, "<p><a href=\"java%09script:alert(1)\">x</a></p>\n"},
    {"a percent-encoded letter in the scheme: a relative address", "[x](java%73cript:alert(1))", 1,
     "<p><a href=\"java%73cript:alert(1)\">x</a></p>\n"},
    {"two javascript: links in one paragraph", "[a](javascript:1) [b](javascript:2)", 1,
     "<p><a href=\"#\">a</a> <a href=\"#\">b</a></p>\n"},
    {"an https link is kept, its ampersand escaped", "[x](https://e.example/a?b=1&c=2)", 1,
     "<p><a href=\"https://e.example/a?b=1&amp;c=2\">x</a></p>\n"},
    {"a path named javascript: is kept", "[x](/javascript:)", 1,
     "<p><a href=\"/javascript:\">x</a></p>\n"},
    {"a fragment named javascript: is kept", "[x](#javascript:)", 1,
     "<p><a href=\"#javascript:\">x</a></p>\n"},
    {"a relative data.html is kept", "[x](data.html)", 1, "<p><a href=\"data.html\">x</a></p>\n"},
    {"a quote in the address is percent-encoded", "[x](\"a\")", 1,
     "<p><a href=\"%22a%22\">x</a></p>\n"},
    {"raw HTML shown as text when escaped", "<a href=\"javascript:alert(1)\">x</a>", 1,
     "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;</p>\n"},
    {"raw HTML kept: a javascript: href goes nowhere", "<a href=\"javascript:alert(1)\">x</a>", 0,
     "<p><a href=\"#\">x</a></p>\n"},
    {"raw HTML kept: spaces and case before the scheme", "<a href=\"  JAVASCRIPT:alert(1)\">x</a>",
     0, "<p><a href=\"#\">x</a></p>\n"},
    {"raw HTML kept: a javascript: img src goes nowhere", "<img src=\"javascript:alert(1)\">", 0,
     "<img src=\"#\">\n"},
};

static void html_test_table(const char *what, const struct escape_case *cases, size_t n,
                            void (*fn)(struct buf *, const char *, size_t))
{
	struct buf out = {0};
	char name[200];

	for (size_t i = 0; i < n; i++) {
		const struct escape_case *c = &cases[i];
		buf_reset(&out);
		fn(&out, c->in, c->in_len);
		snprintf(name, sizeof(name), "%s: %s", what, c->name);
		check("html", name,
		      out.len == c->want_len &&
		          (out.len == 0 || memcmp(out.data, c->want, out.len) == 0),
		      "got %zu bytes \"%.*s\"", out.len, (int)out.len, out.data ? out.data : "");
	}
	buf_free(&out);
}

/* Appending keeps what is there; a length shorter than the string is obeyed. */
static void html_test_append(void)
{
	struct buf out = {0};
	size_t n = 100000;
	char *big = malloc(n);

	buf_adds(&out, "x=");
	html_escape(&out, "<b>", 1);
	check("html", "escape appends and reads only n bytes",
	      out.len == 6 && memcmp(out.data, "x=&lt;", 6) == 0, "%.*s", (int)out.len, out.data);
	buf_reset(&out);
	buf_adds(&out, "/blog");
	html_url_path(&out, "/a b?", 4);
	check("html", "url path appends and reads only n bytes",
	      out.len == 11 && memcmp(out.data, "/blog/a%20b", 11) == 0, "%.*s", (int)out.len,
	      out.data);
	if (big == NULL) {
		check("html", "100000 specials: memory", 0, "");
		buf_free(&out);
		return;
	}
	memset(big, '<', n);
	buf_reset(&out);
	html_escape(&out, big, n);
	int ok = out.len == 4 * n;
	for (size_t i = 0; ok && i < n; i++)
		ok = memcmp(out.data + 4 * i, "&lt;", 4) == 0;
	check("html", "100000 '<' become 100000 \"&lt;\"", ok, "%zu bytes", out.len);
	memset(big, ' ', n);
	buf_reset(&out);
	html_url_path(&out, big, n);
	ok = out.len == 3 * n;
	for (size_t i = 0; ok && i < n; i++)
		ok = memcmp(out.data + 3 * i, "%20", 3) == 0;
	check("html", "100000 spaces become 100000 \"%20\"", ok, "%zu bytes", out.len);
	free(big);
	buf_free(&out);
}

static void html_test_links(void)
{
	struct buf out = {0};
	char name[200];

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		const struct link_case *c = &links[i];
		buf_reset(&out);
		int rc =
		    markdown_render(c->md, strlen(c->md),
		                    &(struct markdown_opts){.escape_html = c->escape_html}, &out);
		snprintf(name, sizeof(name), "link filter: %s", c->name);
		check("html", name,
		      rc == 0 && out.len == strlen(c->want) &&
		          memcmp(out.data, c->want, out.len) == 0,
		      "rc %d, got \"%.*s\"", rc, (int)out.len, out.data ? out.data : "");
	}
	buf_free(&out);
}

int main(void)
{
	html_test_table("escape", escapes, sizeof(escapes) / sizeof(escapes[0]), html_escape);
	html_test_table("url path", url_paths, sizeof(url_paths) / sizeof(url_paths[0]),
	                html_url_path);
	html_test_append();
	html_test_links();
	return check_exit();
}

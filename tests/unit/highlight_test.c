/* highlight_test.c — the highlighter: names and aliases, each language's classes on a
 * few tokens, escaping, code cut short at its end, invalid UTF-8 and NULs, fence options,
 * and the renderer's use of it (with the additions only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "check.h"
#include "highlight.h"
#include "render.h"

#define S(s) s, sizeof(s) - 1

static const char *hl(const char *lang, const char *code, size_t n, struct buf *out)
{
	const struct highlight_lang *l = highlight_find(lang, strlen(lang));
	buf_reset(out);
	if (l != NULL)
		highlight_html(l, code, n, NULL, out);
	return buf_cstr(out);
}

struct name_case {
	const char *alias, *name; /* name NULL: not highlighted */
};

static const struct name_case names[] = {
    {"rust", "rust"},
    {"rs", "rust"},
    {"RUST", "rust"},
    {"rust,ignore", "rust"},
    {"c", "c"},
    {"h", "c"},
    {"cpp", "cpp"},
    {"c++", "cpp"},
    {"go", "go"},
    {"golang", "go"},
    {"py", "python"},
    {"python3", "python"},
    {"js", "javascript"},
    {"jsx", "javascript"},
    {"ts", "typescript"},
    {"java", "java"},
    {"json", "json"},
    {"yml", "yaml"},
    {"toml", "toml"},
    {"sh", "bash"},
    {"shell", "bash"},
    {"zsh", "bash"},
    {"console", "console"},
    {"shell-session", "console"},
    {"html", "html"},
    {"htm", "html"},
    {"xhtml", "html"},
    {"xml", "xml"},
    {"svg", "xml"},
    {"css", "css"},
    {"sql", "sql"},
    {"diff", "diff"},
    {"patch", "diff"},
    {"rb", "ruby"},
    {"php", "php"},
    {"text", NULL},
    {"plain", NULL},
    {"txt", NULL},
    {"brainfuck", NULL},
    {"", NULL},
};

static void test_names(void)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct name_case *c = &names[i];
		const struct highlight_lang *l = highlight_find(c->alias, strlen(c->alias));
		size_t want = c->name != NULL ? strlen(c->name) : 0;
		int ok = c->name == NULL ? l == NULL
		                         : l != NULL && strncmp(l->names, c->name, want) == 0 &&
		                               (l->names[want] == ' ' || l->names[want] == '\0');
		char what[64];
		snprintf(what, sizeof(what), "\"%s\" is %s", c->alias, c->name ? c->name : "plain");
		check("highlight", what, ok, "got %s", l != NULL ? l->names : "NULL");
	}
}

struct token_case {
	const char *lang, *code, *want;
};

static const struct token_case tokens[] = {
    {"rust", "fn main() {}", "<span class=\"k\">fn</span> <span class=\"nf\">main</span>"},
    {"rust", "let s = \"hi\";", "<span class=\"s2\">&quot;hi&quot;</span>"},
    {"rust", "// note\n", "<span class=\"c1\">// note</span>"},
    {"rust", "/// doc\n", "<span class=\"sd\">/// doc</span>"},
    {"rust", "/* a /* nested */ b */ x", "<span class=\"cm\">/* a /* nested */ b */</span> x"},
    {"rust", "let n = 0x1F;", "<span class=\"mh\">0x1F</span>"},
    {"rust", "let x: u32 = 1;", "<span class=\"kt\">u32</span>"},
    {"rust", "let c = 'c';", "<span class=\"sc\">&#39;c&#39;</span>"},
    {"rust", "fn f<'a>() {}", "<span class=\"na\">a</span>"},
    {"rust", "r#\"raw \" still\"#", "<span class=\"s\">r#&quot;raw &quot; still&quot;#</span>"},
    {"rust", "println!(\"x\")", "<span class=\"fm\">println!</span>"},
    {"rust", "#[derive(Debug)]", "<span class=\"cp\">#[derive(Debug)]</span>"},
    {"c", "#include <stdio.h>\n", "<span class=\"cp\">#include &lt;stdio.h&gt;</span>"},
    {"c", "int x = 1.5e3;", "<span class=\"mf\">1.5e3</span>"},
    {"c", "/* c */", "<span class=\"cm\">/* c */</span>"},
    {"cpp", "class Foo {};", "<span class=\"k\">class</span> <span class=\"nc\">Foo</span>"},
    {"go", "func main() {", "<span class=\"k\">func</span> main"},
    {"go", "x := `raw`", "<span class=\"sb\">`raw`</span>"},
    {"python", "def f(x):", "<span class=\"k\">def</span> <span class=\"nf\">f</span>"},
    {"python", "\"\"\"doc\nstring\"\"\"", "<span class=\"s2\">&quot;&quot;&quot;doc</span>"},
    {"python", "# c\n", "<span class=\"c1\"># c</span>"},
    {"python", "x = None", "<span class=\"kc\">None</span>"},
    {"python", "a and b", "<span class=\"ow\">and</span>"},
    {"javascript", "const re = /a+b/g;", "<span class=\"sr\">/a+b/g</span>"},
    {"javascript", "x = a / b / c", "<span class=\"o\">/</span> b"},
    {"javascript", "`a ${b} c`", "<span class=\"si\">${</span>b<span class=\"si\">}</span>"},
    {"typescript", "let x: number = 1;", "<span class=\"kt\">number</span>"},
    {"java", "import java.util.List;", "<span class=\"nn\">java.util.List</span>"},
    {"java", "public void add(int x)", "<span class=\"nf\">add</span>"},
    {"json", "{\"a\": 1}", "<span class=\"nt\">&quot;a&quot;</span>"},
    {"json", "[true, null]", "<span class=\"kc\">true</span>"},
    {"yaml", "key: value # c\n", "<span class=\"nt\">key</span><span class=\"p\">:</span>"},
    {"yaml", "key: value # c\n", "<span class=\"c1\"># c</span>"},
    {"toml", "[package]\nname = \"x\"\n", "<span class=\"k\">[package]</span>"},
    {"toml", "n = 12\n", "<span class=\"mi\">12</span>"},
    {"bash", "echo \"$HOME\" # c\n", "<span class=\"nv\">$HOME</span>"},
    {"bash", "echo x # c\n", "<span class=\"c1\"># c</span>"},
    {"bash", "a#b", "a#b"},
    {"console", "$ ls -l\ntotal 0\n", "<span class=\"gp\">$ </span>ls -l"},
    {"console", "$ ls -l\ntotal 0\n", "<span class=\"go\">total 0</span>"},
    {"html", "<p class=\"x\">a &amp; b</p>",
     "<span class=\"nt\">p</span> <span class=\"na\">class</span>"},
    {"html", "<!-- c -->", "<span class=\"c\">&lt;!-- c --&gt;</span>"},
    {"html", "<script>var x;</script>", "<span class=\"kd\">var</span>"},
    {"xml", "<a b=\"1\"/>", "<span class=\"nt\">&lt;a</span> <span class=\"na\">b=</span>"},
    {"css", "a { color: red; }", "<span class=\"k\">color</span>"},
    {"css", ".x { width: 10px }", "<span class=\"nc\">x</span>"},
    {"sql", "SELECT 'it''s' FROM t", "<span class=\"s1\">&#39;it&#39;&#39;s&#39;</span>"},
    {"sql", "select * from t -- c\n", "<span class=\"k\">select</span>"},
    {"diff", "+new\n-old\n", "<span class=\"gi\">+new</span>\n<span class=\"gd\">-old</span>"},
    {"ruby", "def hi; puts :sym; end", "<span class=\"ss\">:sym</span>"},
    {"ruby", "\"a #{b} c\"", "<span class=\"si\">#{</span>"},
    {"php", "<?php $x = 1; ?>", "<span class=\"nv\">$x</span>"},
};

/* The highlighter's HTML escapes quotes as &quot; but single quotes pass: the table's wants
 * write them as &#39; for readability, so compare with those put back. */
static void unquote(const char *want, struct buf *out)
{
	buf_reset(out);
	for (const char *p = want; *p; p++) {
		if (strncmp(p, "&#39;", 5) == 0) {
			buf_addc(out, '\'');
			p += 4;
		} else {
			buf_addc(out, *p);
		}
	}
}

static void test_tokens(void)
{
	struct buf out = {0}, want = {0};
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		const struct token_case *c = &tokens[i];
		char what[128];
		unquote(c->want, &want);
		hl(c->lang, c->code, strlen(c->code), &out);
		snprintf(what, sizeof(what), "%s: %.60s", c->lang, c->code);
		for (char *q = what; *q; q++)
			if (*q == '\n')
				*q = ' ';
		check("highlight", what, strstr(out.data, buf_cstr(&want)) != NULL, "got %s",
		      out.data);
	}
	buf_free(&out);
	buf_free(&want);
}

/* The HTML's text, its tags dropped and &amp; &lt; &gt; &quot; read back. */
static void text_of(const char *h, size_t n, struct buf *t)
{
	buf_reset(t);
	for (size_t i = 0; i < n; i++) {
		if (h[i] == '<') {
			while (i < n && h[i] != '>')
				i++;
		} else if (h[i] == '&') {
			static const char *const ent[][2] = {
			    {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}};
			size_t k = 0;
			for (; k < 4; k++)
				if (strncmp(h + i, ent[k][0], strlen(ent[k][0])) == 0)
					break;
			if (k == 4) {
				buf_addc(t, '!'); /* a bare '&': never written */
				continue;
			}
			buf_adds(t, ent[k][1]);
			i += strlen(ent[k][0]) - 1;
		} else {
			buf_addc(t, h[i]);
		}
	}
}

static size_t count(const char *h, size_t n, const char *s)
{
	size_t c = 0, k = strlen(s);
	for (const char *p = h; (p = memmem(p, n - (size_t)(p - h), s, k)) != NULL; p += k)
		c++;
	return c;
}

/* Inputs that end inside something, or hold what must be escaped or is not UTF-8. */
static const struct {
	const char *name;
	const char *code;
	size_t len;
} hostile[] = {
    {"empty", S("")},
    {"a script element", S("<script>alert(\"x\")</script>&")},
    {"a string left open", S("x = \"never closed")},
    {"a string left open after a backslash", S("x = \"a\\")},
    {"a comment left open", S("/* never closed")},
    {"a nested comment left open", S("/* a /* b */")},
    {"a triple-quoted string left open", S("'''x")},
    {"a raw string left open", S("r##\"x\"#")},
    {"a character left open", S("'\\")},
    {"a tag left open", S("<a href=\"x")},
    {"a comment tag left open", S("<!-- x")},
    {"a script left open", S("<script>if (a < b")},
    {"a heredoc-like line", S("<<EOF\n$(x")},
    {"a variable left open", S("${x")},
    {"a regex left open", S("x = (/ab[")},
    {"invalid UTF-8", S("a\xff\xfe \"\xc3\" // \xe2\x82\n")},
    {"NUL bytes", S("a\0b \"\0\" /*\0*/")},
    {"a YAML block scalar at the end", S("k: |\n")},
    {"a TOML table left open", S("[a\nb = [1,\n")},
    {"a prompt alone", S("$")},
    {"a lone backslash", S("\\")},
    {"a CSS block left open", S("a { color: #fff")},
    {"an interpolation left open", S("`${a")},
};

static void test_hostile(void)
{
	struct buf out = {0}, text = {0}, want = {0};
	for (size_t i = 0; highlight_langs[i] != NULL; i++) {
		const struct highlight_lang *l = highlight_langs[i];
		int ok = 1;
		const char *bad = "";
		for (size_t k = 0; k < sizeof(hostile) / sizeof(hostile[0]); k++) {
			buf_reset(&out);
			highlight_html(l, hostile[k].code, hostile[k].len, NULL, &out);
			buf_cstr(&out);
			text_of(out.data, out.len, &text);
			buf_reset(&want); /* the code less its NULs */
			for (size_t j = 0; j < hostile[k].len; j++)
				if (hostile[k].code[j] != '\0')
					buf_addc(&want, hostile[k].code[j]);
			buf_cstr(&text);
			buf_cstr(&want);
			if (text.len != want.len || memcmp(text.data, want.data, want.len) != 0 ||
			    count(out.data, out.len, "<span") !=
			        count(out.data, out.len, "</span>") ||
			    count(out.data, out.len, "<script") != 0 ||
			    memchr(out.data, '\0', out.len) != NULL) {
				ok = 0;
				bad = hostile[k].name;
			}
		}
		char what[96];
		snprintf(what, sizeof(what), "%.*s: hostile code kept, escaped, spans closed",
		         (int)strcspn(l->names, " "), l->names);
		check("highlight", what, ok, "%s", bad);
	}
	buf_free(&out);
	buf_free(&text);
	buf_free(&want);
}

/* 128 KB of what makes a scanner look ahead, in every language, each under half a second:
 * a scan that went back over the line or the rest byte by byte would take many seconds. */
static void test_linear(void)
{
	static const char *const pats[] = {"'a",  "[a]",   "'",    "\"\\",  "/a",
	                                   "${",  "#[",    "r#\"", "<a b=", "<script>",
	                                   "`${", "k: \"", "$ ",   "'''a"};
	struct buf in = {0}, out = {0};
	double worst = 0;
	const char *worst_what = "";

	for (size_t k = 0; k < sizeof(pats) / sizeof(pats[0]); k++) {
		buf_reset(&in);
		while (in.len < 1 << 17)
			buf_adds(&in, pats[k]);
		for (size_t i = 0; highlight_langs[i] != NULL; i++) {
			struct timespec a, b;
			clock_gettime(CLOCK_MONOTONIC, &a);
			buf_reset(&out);
			highlight_html(highlight_langs[i], in.data, in.len, NULL, &out);
			clock_gettime(CLOCK_MONOTONIC, &b);
			double t =
			    (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
			if (t > worst) {
				worst = t;
				worst_what = pats[k];
			}
		}
	}
	check("highlight", "128 KB of look-ahead bait in each language, each under half a second",
	      worst < 0.5, "%.2f s for \"%s\"", worst, worst_what);
	buf_free(&in);
	buf_free(&out);
}

static void test_opts(void)
{
	struct highlight_opts o;
	struct buf out = {0};
	const struct highlight_lang *go = highlight_find("go", 2);

	highlight_opts_parse(S(" {hl_lines=[2,\"4-5\"], linenos=inline}"), &o);
	check("highlight", "hl_lines=[2,\"4-5\"]",
	      o.hl_n == 5 && !o.hl[0] && o.hl[1] && !o.hl[2] && o.hl[3] && o.hl[4], "n %zu",
	      o.hl_n);
	check("highlight", "linenos=inline", o.linenos == 1, "%d", o.linenos);
	highlight_html(go, S("a\nb\nc\nd\n"), &o, &out);
	check("highlight", "line 2 highlighted and numbered",
	      strstr(buf_cstr(&out), "<span class=\"hl\"><span class=\"ln\">2</span>b\n</span>") !=
	          NULL,
	      "%s", out.data);
	check("highlight", "line 3 plain and numbered",
	      strstr(out.data, "\n</span><span class=\"ln\">3</span>c\n<span class=\"hl\">") !=
	          NULL,
	      "%s", out.data);
	highlight_opts_free(&o);
	highlight_opts_parse(S(" {hl_lines=[99999999999999,\"3-1\"] linenos=false}"), &o);
	check("highlight", "hl_lines out of range and backwards are ignored",
	      o.hl_n == 0 && o.linenos == 0, "n %zu", o.hl_n);
	highlight_opts_free(&o);
	highlight_opts_parse(S(" {linenos=table, linenostart=10}"), &o);
	check("highlight", "linenostart=10", o.linenos && o.linestart == 10, "%u", o.linestart);
	highlight_opts_free(&o);
	buf_free(&out);
}

static void test_render(void)
{
	static const char md[] = "```rust\nfn x() {} // <b>\n```\n\n```text\nfn x()\n```\n\n"
	                         "```go {hl_lines=[1]}\nvar x\n```\n";
	struct render_opts o = {.parser_flags = 0x0F00, .additions = 1};
	struct buf out = {0};

	render_html(S(md), &o, &out);
	const char *h = buf_cstr(&out);
	check("highlight", "a rust fence is highlighted",
	      strstr(h, "<pre><code class=\"language-rust\"><span class=\"k\">fn</span>") != NULL,
	      "%s", h);
	check("highlight", "its comment escaped",
	      strstr(h, "<span class=\"c1\">// &lt;b&gt;</span>") != NULL, "%s", h);
	check("highlight", "a text fence is plain",
	      strstr(h, "<pre><code class=\"language-text\">fn x()\n</code></pre>") != NULL, "%s",
	      h);
	check("highlight", "hl_lines in a fence's info",
	      strstr(h, "<span class=\"hl\"><span class=\"kd\">var</span> x\n</span>") != NULL ||
	          strstr(h, "<span class=\"hl\"><span class=\"k\">var</span> x\n</span>") != NULL,
	      "%s", h);
	o.additions = 0;
	buf_reset(&out);
	render_html(S(md), &o, &out);
	check("highlight", "without the additions, code is as md_html writes it",
	      strstr(buf_cstr(&out), "<code class=\"language-rust\">fn x() {} // &lt;b&gt;\n") !=
	              NULL &&
	          strstr(out.data, "<span") == NULL,
	      "%s", out.data);
	buf_free(&out);
}

int main(void)
{
	test_names();
	test_tokens();
	test_hostile();
	test_linear();
	test_opts();
	test_render();
	return check_exit();
}

/* render_conformance_test.c — render_html with the additions off against Debian's md_html
 * and against the HTML md4c's test files state (tests/data/md4c-tests/), each example
 * through md4c's parser flags for its file and through quire's, both normalised as md4c's
 * test runner (test/normalize.py) does. An example md4c 0.4.8 itself fails against its file
 * is counted, not failed. */
#include <md4c-html.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "render.h"
#include "utf8.h"

#define FENCE "````````````````````````````````"

struct conf_file {
	const char *name;
	unsigned flags; /* what md4c's tests run the file with */
};

static const struct conf_file conf_files[] = {
    {"spec.txt", 0},
    {"tables.txt", MD_FLAG_TABLES},
    {"strikethrough.txt", MD_FLAG_STRIKETHROUGH},
    {"tasklists.txt", MD_FLAG_TASKLISTS},
    {"permissive-email-autolinks.txt", MD_FLAG_PERMISSIVEEMAILAUTOLINKS},
    {"permissive-url-autolinks.txt", MD_FLAG_PERMISSIVEURLAUTOLINKS},
    {"permissive-www-autolinks.txt", MD_FLAG_PERMISSIVEWWWAUTOLINKS},
    {"underline.txt", MD_FLAG_UNDERLINE},
    {"wiki-links.txt", MD_FLAG_WIKILINKS | MD_FLAG_TABLES},
    {"latex-math.txt", MD_FLAG_LATEXMATHSPANS},
};

/* --- normalize.py's normalize_html() --- */

struct norm {
	struct buf out;
	int in_pre;
	const char *last; /* "starttag", "endtag", "data", "ref", ... */
	char last_tag[64];
};

static int conf_block_tag(const char *t)
{
	static const char *const tags[] = {
	    "article",  "header", "aside",    "hgroup",   "blockquote", "hr",         "iframe",
	    "body",     "li",     "map",      "button",   "object",     "canvas",     "ol",
	    "caption",  "output", "col",      "p",        "colgroup",   "pre",        "dd",
	    "progress", "div",    "section",  "dl",       "table",      "td",         "dt",
	    "tbody",    "embed",  "textarea", "fieldset", "tfoot",      "figcaption", "th",
	    "figure",   "thead",  "footer",   "tr",       "form",       "ul",         "h1",
	    "h2",       "h3",     "h4",       "h5",       "h6",         "video",      "script",
	    "style"};
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strcmp(tags[i], t) == 0)
			return 1;
	return 0;
}

/* The length of Python's \s at p (ASCII and Unicode white space), or 0. */
static size_t conf_space(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n = (size_t)(end - p);

	if (n == 0)
		return 0;
	if (*u == ' ' || (*u >= '\t' && *u <= '\r') || (*u >= 0x1C && *u <= 0x1F))
		return 1;
	if (n >= 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
		return 2;
	if (n >= 3 && u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
		return 3;
	if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
	    (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
		return 3;
	if (n >= 3 && u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
		return 3;
	if (n >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

static void conf_rstrip(struct buf *b)
{
	for (;;) {
		size_t k = 0;
		for (size_t n = 1; n <= 3 && n <= b->len; n++)
			if (conf_space(b->data + b->len - n, b->data + b->len) == n)
				k = n;
		if (k == 0)
			return;
		b->len -= k;
	}
}

static void conf_data(struct norm *s, const char *p, size_t n)
{
	int after_tag = strcmp(s->last, "endtag") == 0 || strcmp(s->last, "starttag") == 0;
	int after_block = after_tag && conf_block_tag(s->last_tag);
	const char *end = p + n;
	struct buf d = {0};

	if (after_tag && strcmp(s->last_tag, "br") == 0)
		while (p < end && *p == '\n')
			p++;
	while (p < end) {
		size_t k = s->in_pre ? 0 : conf_space(p, end);
		if (k == 0) {
			buf_addc(&d, *p++);
			continue;
		}
		while ((k = conf_space(p, end)) != 0)
			p += k;
		buf_addc(&d, ' ');
	}
	size_t from = 0;
	if (after_block && !s->in_pre) {
		size_t k;
		while (from < d.len && (k = conf_space(d.data + from, d.data + d.len)) != 0)
			from += k;
		if (strcmp(s->last, "endtag") == 0)
			conf_rstrip(&d);
	}
	if (from < d.len)
		buf_add(&s->out, d.data + from, d.len - from);
	buf_free(&d);
	s->last = "data";
}

static void conf_char(struct norm *s, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp == '<' || cp == '>' || cp == '&' || cp == '"') {
		buf_adds(&s->out, cp == '<'   ? "&lt;"
		                  : cp == '>' ? "&gt;"
		                  : cp == '&' ? "&amp;"
		                              : "&quot;");
		return;
	}
	n = utf8_encode(cp, u);
	buf_add(&s->out, u, n);
}

/* A reference at p ("&amp;", "&#123;", "&#x1F;"): its length, the character added
 * (the four that HTML escapes as references, unknown names as written); else 0. */
static size_t conf_ref(struct norm *s, const char *p, const char *end)
{
	static const struct {
		const char *name;
		unsigned cp;
	} names[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"nbsp", 0xA0}};
	const char *q = p + 1;

	if (q < end && *q == '#') {
		int hex = q + 1 < end && (q[1] == 'x' || q[1] == 'X');
		unsigned cp = 0;
		q += hex ? 2 : 1;
		const char *digits = q;
		while (q < end &&
		       (hex ? strchr("0123456789abcdefABCDEF", *q) != NULL
		            : (*q >= '0' && *q <= '9')) &&
		       *q != '\0') {
			unsigned v =
			    *q <= '9' ? (unsigned)(*q - '0') : (unsigned)((*q | 0x20) - 'a' + 10);
			cp = cp > 0x10FFFF ? cp : cp * (hex ? 16 : 10) + v;
			q++;
		}
		if (q == digits || q >= end || *q != ';')
			return 0;
		if (cp > 0x10FFFF)
			buf_add(&s->out, p, (size_t)(q + 1 - p));
		else
			conf_char(s, cp);
		s->last = "ref";
		return (size_t)(q + 1 - p);
	}
	if (q >= end || !((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z'))
		return 0;
	while (q < end && (((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') || (*q >= '0' && *q <= '9') ||
	                   *q == '-' || *q == '.'))
		q++;
	if (q >= end || *q != ';')
		return 0;
	size_t n = (size_t)(q - p - 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == n && memcmp(names[i].name, p + 1, n) == 0) {
			conf_char(s, names[i].cp);
			s->last = "ref";
			return n + 2;
		}
	}
	buf_add(&s->out, p, n + 2);
	s->last = "ref";
	return n + 2;
}

/* Attribute values as HTMLParser gives them (references resolved), escaped again as
 * html.escape(quote=True) does. */
static void conf_attr_value(struct buf *out, const char *p, size_t n)
{
	struct norm t = {.last = "data"};

	for (size_t i = 0; i < n;) {
		size_t k = p[i] == '&' ? conf_ref(&t, p + i, p + n) : 0;
		if (k == 0) {
			buf_addc(&t.out, p[i]);
			i++;
		} else {
			i += k;
		}
	}
	/* t.out holds &amp; &lt; &gt; &quot; for those characters already; add &#x27;. */
	for (size_t i = 0; i < t.out.len; i++) {
		if (t.out.data[i] == '\'')
			buf_adds(out, "&#x27;");
		else
			buf_addc(out, t.out.data[i]);
	}
	buf_free(&t.out);
}

struct conf_attr {
	char *key, *val; /* val NULL: no value */
};

static int conf_attr_cmp(const void *a, const void *b)
{
	const struct conf_attr *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	if (x->val == NULL || y->val == NULL)
		return (x->val != NULL) - (y->val != NULL);
	return strcmp(x->val, y->val);
}

static int conf_name_char(char c)
{
	return c != '\0' && strchr(" \t\n\r\f/>", c) == NULL;
}

/* A tag chunk "<...>": 0 when HTMLParser would not take it as markup (then it is data). */
static int conf_tag(struct norm *s, const char *p, size_t n)
{
	const char *end = p + n - 1, *q = p + 1; /* *end == '>' */
	char tag[64];
	size_t tl = 0;

	if (n >= 7 && memcmp(p, "<!--", 4) == 0 && memcmp(end - 2, "-->", 3) == 0) {
		buf_add(&s->out, p, n);
		s->last = "comment";
		return 1;
	}
	if (q < end && (*q == '!' || *q == '?')) {
		buf_add(&s->out, p, n);
		s->last = *q == '!' ? "decl" : "pi";
		return 1;
	}
	int close = q < end && *q == '/';
	if (close)
		q++;
	if (q >= end || !((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z'))
		return 0;
	while (q < end && conf_name_char(*q) && tl < sizeof(tag) - 1) {
		char c = *q++;
		tag[tl++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	tag[tl] = '\0';
	if (close) {
		if (strcmp(tag, "pre") == 0)
			s->in_pre = 0;
		else if (conf_block_tag(tag))
			conf_rstrip(&s->out);
		buf_printf(&s->out, "</%s>", tag);
		snprintf(s->last_tag, sizeof(s->last_tag), "%s", tag);
		s->last = "endtag";
		return 1;
	}
	struct conf_attr attrs[64];
	size_t na = 0;
	int self = end > q && end[-1] == '/';
	const char *aend = self ? end - 1 : end;
	while (q < aend && na < 64) {
		while (q < aend && (strchr(" \t\n\r\f/", *q) != NULL))
			q++;
		const char *k = q;
		while (q < aend && *q != '=' && strchr(" \t\n\r\f/", *q) == NULL)
			q++;
		if (q == k)
			break;
		struct conf_attr *a = &attrs[na++];
		a->key = strndup(k, (size_t)(q - k));
		for (char *c = a->key; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		a->val = NULL;
		while (q < aend && strchr(" \t\n\r\f", *q) != NULL)
			q++;
		if (q < aend && *q == '=') {
			q++;
			while (q < aend && strchr(" \t\n\r\f", *q) != NULL)
				q++;
			const char *v = q, *ve;
			if (q < aend && (*q == '"' || *q == '\'')) {
				const char *e = memchr(q + 1, *q, (size_t)(aend - q - 1));
				v = q + 1;
				ve = e != NULL ? e : aend;
				q = e != NULL ? e + 1 : aend;
			} else {
				while (q < aend && strchr(" \t\n\r\f", *q) == NULL)
					q++;
				ve = q;
			}
			struct buf b = {0};
			conf_attr_value(&b, v, (size_t)(ve - v));
			a->val = strdup(buf_cstr(&b));
			buf_free(&b);
		}
	}
	qsort(attrs, na, sizeof(attrs[0]), conf_attr_cmp);
	if (strcmp(tag, "pre") == 0)
		s->in_pre = 1;
	if (conf_block_tag(tag))
		conf_rstrip(&s->out);
	buf_printf(&s->out, "<%s", tag);
	for (size_t i = 0; i < na; i++) {
		buf_printf(&s->out, " %s", attrs[i].key);
		if (attrs[i].val != NULL)
			buf_printf(&s->out, "=\"%s\"", attrs[i].val);
		free(attrs[i].key);
		free(attrs[i].val);
	}
	buf_addc(&s->out, '>');
	snprintf(s->last_tag, sizeof(s->last_tag), "%s", tag);
	s->last = self ? "endtag" : "starttag";
	return 1;
}

/* Data between tags: text with references. */
static void conf_chunk_data(struct norm *s, const char *p, size_t n)
{
	const char *end = p + n, *from = p;

	while (p < end) {
		if (*p != '&') {
			p++;
			continue;
		}
		/* Python's parser sees the text before a reference as data of its own. */
		struct norm probe = {.last = "data"};
		size_t k = conf_ref(&probe, p, end);
		buf_free(&probe.out);
		if (k == 0) {
			p++;
			continue;
		}
		if (p > from)
			conf_data(s, from, (size_t)(p - from));
		conf_ref(s, p, end);
		p += k;
		from = p;
	}
	if (p > from)
		conf_data(s, from, (size_t)(p - from));
}

static void conf_normalize(const char *html, size_t n, struct buf *out)
{
	struct norm s = {.last = "starttag"};
	const char *p = html, *end = html + n;

	while (p < end) {
		if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			const char *e = memmem(p, (size_t)(end - p), "]]>", 3);
			if (e != NULL) {
				buf_add(&s.out, p, (size_t)(e + 3 - p));
				p = e + 3;
				continue;
			}
		}
		if (*p == '<') {
			const char *e = memchr(p, '>', (size_t)(end - p));
			if (e == NULL) {
				p++; /* the chunking regular expression skips it */
				continue;
			}
			if (!conf_tag(&s, p, (size_t)(e + 1 - p)))
				conf_chunk_data(&s, p, (size_t)(e + 1 - p));
			p = e + 1;
			continue;
		}
		const char *e = memchr(p, '<', (size_t)(end - p));
		if (e == NULL)
			e = end;
		conf_chunk_data(&s, p, (size_t)(e - p));
		p = e;
	}
	buf_reset(out);
	buf_add(out, s.out.data != NULL ? s.out.data : "", s.out.len);
	buf_free(&s.out);
}

/* --- the examples --- */

static void conf_sink(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	buf_add(userdata, text, size);
}

/* Replace each "→" by a tab, as md4c's runner does. */
static void conf_tabs(struct buf *b)
{
	size_t w = 0;

	for (size_t r = 0; r < b->len;) {
		if (b->len - r >= 3 && memcmp(b->data + r, "\xE2\x86\x92", 3) == 0) {
			b->data[w++] = '\t';
			r += 3;
		} else {
			b->data[w++] = b->data[r++];
		}
	}
	b->len = w;
}

struct conf_counts {
	int same, differ, expected_pass, expected_fail, md4c_fails;
};

static int conf_eq(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void conf_example(const char *file, int num, int line, unsigned file_flags, struct buf *md,
                         struct buf *want, struct conf_counts *c)
{
	/* quire's flags, and quire's with math (markdown.math, a post's math: true). */
	unsigned flag_sets[3] = {file_flags, MD_DIALECT_GITHUB,
	                         MD_DIALECT_GITHUB | MD_FLAG_LATEXMATHSPANS};
	struct buf a = {0}, b = {0}, na = {0}, nb = {0}, nw = {0};
	char name[160];

	conf_tabs(md);
	conf_tabs(want);
	for (int k = 0; k < 3; k++) {
		struct render_opts o = {.parser_flags = flag_sets[k]};
		buf_reset(&a);
		buf_reset(&b);
		md_html(md->data, (MD_SIZE)md->len, conf_sink, &a, flag_sets[k],
		        MD_HTML_FLAG_SKIP_UTF8_BOM);
		int rc = render_html(md->data, md->len, &o, &b);
		conf_normalize(a.data, a.len, &na);
		conf_normalize(b.data, b.len, &nb);
		int same = rc == 0 && conf_eq(&na, &nb);
		int bytes = same && conf_eq(&a, &b);
		snprintf(name, sizeof(name), "%s example %d (line %d), %s flags: as md_html", file,
		         num, line,
		         k == 0   ? "its"
		         : k == 1 ? "quire's"
		                  : "quire's math");
		check("render_conformance", name, same, "md_html \"%s\", render_html \"%s\"",
		      buf_cstr(&a), buf_cstr(&b));
		if (same && !bytes)
			printf("NOTE %s: equal normalised, not byte for byte\n", name);
		same ? c->same++ : c->differ++;
		if (k != 0)
			continue;
		conf_normalize(want->data, want->len, &nw);
		int md4c_ok = conf_eq(&na, &nw);
		int ours_ok = conf_eq(&nb, &nw);
		snprintf(name, sizeof(name), "%s example %d (line %d): the file's HTML", file, num,
		         line);
		if (!md4c_ok) {
			printf("SKIP render_conformance: %s: md4c 0.4.8 fails it too%s\n", name,
			       ours_ok ? " (render_html passes)" : "");
			c->md4c_fails++;
			continue;
		}
		check("render_conformance", name, ours_ok, "want \"%s\", got \"%s\"", buf_cstr(&nw),
		      buf_cstr(&nb));
		ours_ok ? c->expected_pass++ : c->expected_fail++;
	}
	buf_free(&a);
	buf_free(&b);
	buf_free(&na);
	buf_free(&nb);
	buf_free(&nw);
}

static int conf_run(const struct conf_file *f, struct conf_counts *c)
{
	char path[256], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int state = 0, num = 0, lineno = 0, start = 0;
	struct buf md = {0}, want = {0};

	snprintf(path, sizeof(path), "tests/data/md4c-tests/%s", f->name);
	FILE *in = fopen(path, "r");
	if (in == NULL) {
		check("render_conformance", path, 0, "cannot read it");
		return -1;
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
		} else if (state == 2 && l == 32 && memcmp(line, FENCE, 32) == 0) {
			state = 0;
			conf_example(f->name, ++num, start, f->flags, &md, &want, c);
		} else if (state == 1 && l == 1 && line[0] == '.') {
			state = 2;
		} else if (state == 1) {
			buf_add(&md, line, (size_t)n);
		} else if (state == 2) {
			buf_add(&want, line, (size_t)n);
		}
	}
	free(line);
	fclose(in);
	buf_free(&md);
	buf_free(&want);
	return num;
}

/* normalize.py's own examples (its docstring), and a difference it must keep. */
static void conf_normalize_test(void)
{
	static const char *const cases[][2] = {
	    {"<p>a  \t b</p>", "<p>a b</p>"},
	    {"<p>a  \t\nb</p>", "<p>a b</p>"},
	    {" <p>a  b</p>", "<p>a b</p>"},
	    {"<p>a  b</p> ", "<p>a b</p>"},
	    {"\n\t<p>\n\t\ta  b\t\t</p>\n\t", "<p>a b</p>"},
	    {"<i>a  b</i> ", "<i>a b</i> "},
	    {"<br />", "<br>"},
	    {"<a title=\"bar\" HREF=\"foo\">x</a>", "<a href=\"foo\" title=\"bar\">x</a>"},
	    {"&#x2200;&amp;&gt;&lt;&quot;", "\xE2\x88\x80&amp;&gt;&lt;&quot;"},
	    {"<pre>a  b\n</pre>", "<pre>a  b\n</pre>"},
	    {"<p>a</p>", "<p>a</p>"},
	};
	struct buf out = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		conf_normalize(cases[i][0], strlen(cases[i][0]), &out);
		char name[64];
		snprintf(name, sizeof(name), "normalize.py's example %zu", i + 1);
		check("render_conformance", name, strcmp(buf_cstr(&out), cases[i][1]) == 0,
		      "normalised to \"%s\"", buf_cstr(&out));
	}
	conf_normalize("<p>b</p>", 8, &out);
	check("render_conformance", "<p>a</p> and <p>b</p> differ normalised",
	      strcmp(buf_cstr(&out), "<p>a</p>") != 0, "");
	buf_free(&out);
}

int main(void)
{
	struct conf_counts c = {0};
	int examples = 0;

	conf_normalize_test();

	for (size_t i = 0; i < sizeof(conf_files) / sizeof(conf_files[0]); i++) {
		int n = conf_run(&conf_files[i], &c);
		if (n > 0)
			examples += n;
	}
	printf("render_conformance: %d examples; as md_html: %d same, %d differ; "
	       "the files' HTML: %d pass, %d fail, %d that md4c 0.4.8 fails too\n",
	       examples, c.same, c.differ, c.expected_pass, c.expected_fail, c.md4c_fails);
	check("render_conformance", "every example was read", examples == 733, "%d examples",
	      examples);
	return check_exit();
}

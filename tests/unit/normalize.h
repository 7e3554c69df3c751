/* normalize.h — md4c's test runner's normalize_html() (test/normalize.py): HTML put in one
 * form before two renderers' outputs are compared. For the unit tests that include it. */
#ifndef QUIRE_NORMALIZE_H
#define QUIRE_NORMALIZE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

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

__attribute__((unused)) static void conf_normalize(const char *html, size_t n, struct buf *out)
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

#endif

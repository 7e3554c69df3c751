/* attr.c — kramdown's inline attribute lists: the attributes they give a tag. */
#include "attr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mem.h"
#include "utf8.h"

static int attr_space(char c)
{
	return c == ' ' || c == '\t';
}

static int attr_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Does every byte of [p, p + n) (n > 0) fit a class (or with id set, an id)? */
static int attr_token(const char *p, size_t n, int id)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!attr_alnum(p[i]) && p[i] != '-' && p[i] != '_' &&
		    !(id && (p[i] == ':' || p[i] == '.')))
			return 0;
	return 1;
}

/* Is [p, p + n) an attribute name quire writes: well formed, neither an event handler,
 * nor style, nor one that holds a URL or code? */
static int attr_name_ok(const char *p, size_t n)
{
	static const char *const denied[] = {
	    "style",      "href",       "src",        "srcset",    "srcdoc",         "action",
	    "formaction", "xlink:href", "background", "poster",    "data",           "codebase",
	    "ping",       "manifest",   "http-equiv", "content",   "lowsrc",         "dynsrc",
	    "xmlns",      "is",         "form",       "autofocus", "contenteditable"};
	char c = n > 0 ? p[0] : 0;

	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!attr_alnum(p[i]) && p[i] != '-' && p[i] != '_' && p[i] != ':' && p[i] != '.')
			return 0;
	if (n >= 2 && (p[0] | 0x20) == 'o' && (p[1] | 0x20) == 'n')
		return 0;
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		if (strlen(denied[i]) == n && strncasecmp(p, denied[i], n) == 0)
			return 0;
	return 1;
}

/* The value [p, p + n) (its backslash escapes read) HTML-escaped onto out. */
static void attr_value(struct buf *out, const char *p, size_t n, int quoted)
{
	struct buf raw = {0}, clean = {0};
	const char *v;
	size_t vn;

	for (size_t i = 0; i < n; i++) {
		if (quoted && p[i] == '\\' && i + 1 < n)
			i++;
		buf_addc(&raw, p[i]);
	}
	v = raw.data;
	vn = raw.len;
	if (vn > 0 && utf8_valid(v, vn) != vn) {
		utf8_clean(&clean, v, vn, 0);
		v = clean.data;
		vn = clean.len;
	}
	for (size_t i = 0; i < vn; i++) {
		unsigned char c = (unsigned char)v[i];
		switch (c) {
		case '&':
			buf_adds(out, "&amp;");
			break;
		case '<':
			buf_adds(out, "&lt;");
			break;
		case '>':
			buf_adds(out, "&gt;");
			break;
		case '"':
			buf_adds(out, "&quot;");
			break;
		case '\'':
			buf_adds(out, "&#39;");
			break;
		default:
			if (c < 0x20 || c == 0x7F)
				buf_addc(out, ' ');
			else
				buf_addc(out, (char)c);
			break;
		}
	}
	buf_free(&raw);
	buf_free(&clean);
}

size_t attr_parse(const char *p, size_t n, int no_id, struct buf *out)
{
	struct buf id = {0}, cls = {0}, rest = {0};
	size_t i = 2, took = 0;

	if (n < 3 || p[0] != '{' || p[1] != ':' || p[2] == ':')
		return 0;
	for (;;) {
		while (i < n && attr_space(p[i]))
			i++;
		if (i >= n)
			goto out;
		if (p[i] == '}') {
			took = i + 1;
			break;
		}
		/* An item: up to a space or '}', or a name="value". */
		size_t beg = i;
		if (p[i] == '.' || p[i] == '#') {
			i++;
			while (i < n && !attr_space(p[i]) && p[i] != '}')
				i++;
			int is_id = p[beg] == '#';
			if (!attr_token(p + beg + 1, i - beg - 1, is_id))
				continue;
			if (is_id) {
				buf_reset(&id);
				attr_value(&id, p + beg + 1, i - beg - 1, 0);
			} else {
				if (cls.len > 0)
					buf_addc(&cls, ' ');
				attr_value(&cls, p + beg + 1, i - beg - 1, 0);
			}
			continue;
		}
		while (i < n && !attr_space(p[i]) && p[i] != '}' && p[i] != '=')
			i++;
		size_t name_len = i - beg;
		if (i >= n || p[i] != '=')
			continue; /* a bare word: a reference, not read */
		i++;
		const char *v;
		size_t vn;
		int quoted = i < n && (p[i] == '"' || p[i] == '\'');
		if (quoted) {
			char q = p[i++];
			v = p + i;
			while (i < n && p[i] != q)
				i += p[i] == '\\' && i + 1 < n ? 2 : 1;
			if (i >= n)
				goto out; /* unterminated */
			vn = (size_t)(p + i - v);
			i++;
		} else {
			v = p + i;
			while (i < n && !attr_space(p[i]) && p[i] != '}')
				i++;
			vn = (size_t)(p + i - v);
		}
		const char *name = p + beg;
		if (name_len == 5 && strncasecmp(name, "class", 5) == 0) {
			if (cls.len > 0 && vn > 0)
				buf_addc(&cls, ' ');
			attr_value(&cls, v, vn, quoted);
		} else if (name_len == 2 && strncasecmp(name, "id", 2) == 0) {
			buf_reset(&id);
			attr_value(&id, v, vn, quoted);
		} else if (attr_name_ok(name, name_len)) {
			buf_addc(&rest, ' ');
			buf_add(&rest, name, name_len);
			buf_adds(&rest, "=\"");
			attr_value(&rest, v, vn, quoted);
			buf_addc(&rest, '"');
		}
	}
	if (out != NULL) {
		if (id.len > 0 && !no_id) {
			buf_adds(out, " id=\"");
			buf_add(out, id.data, id.len);
			buf_addc(out, '"');
		}
		if (cls.len > 0) {
			buf_adds(out, " class=\"");
			buf_add(out, cls.data, cls.len);
			buf_addc(out, '"');
		}
		if (rest.len > 0)
			buf_add(out, rest.data, rest.len);
	}
out:
	buf_free(&id);
	buf_free(&cls);
	buf_free(&rest);
	return took;
}

int attr_line(const char *p, size_t n)
{
	while (n > 0 && (attr_space(p[n - 1]) || p[n - 1] == '\r'))
		n--;
	if (n == 6 && memcmp(p, "{:toc}", 6) == 0)
		return 0;
	return n >= 3 && p[n - 1] == '}' && attr_parse(p, n, 0, NULL) == n;
}

void attr_blocks_add(struct attr_blocks *b, size_t pos, const char *text, size_t len,
                     unsigned quotes, int before)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	b->v[b->n++] = (struct attr_list){
	    .pos = pos, .text = text, .len = len, .quotes = quotes, .before = before};
}

void attr_blocks_enter(struct attr_blocks *b, size_t tag, int takes, int quote, int heading)
{
	if (b->n == 0)
		return;
	if (takes && b->before == 0) {
		b->before = tag + 1;
		b->before_quotes = b->quotes;
		b->before_heading = heading;
	}
	if (b->after != 0)
		b->frozen = 1;
	if (b->nopen == b->capopen) {
		b->capopen = b->capopen ? 2 * b->capopen : 16;
		b->open = xrealloc(b->open, b->capopen * sizeof(*b->open));
	}
	b->open[b->nopen++] = tag;
	if (quote)
		b->quotes++;
}

void attr_blocks_leave(struct attr_blocks *b, int takes, int quote, int heading)
{
	if (b->n == 0 || b->nopen == 0)
		return;
	size_t tag = b->open[--b->nopen];
	if (quote && b->quotes > 0)
		b->quotes--;
	if (takes && !b->frozen && b->next < b->n && b->v[b->next].quotes == b->quotes) {
		b->after = tag + 1;
		b->after_heading = heading;
	}
}

int attr_blocks_due(struct attr_blocks *b, size_t pos, size_t *tag, struct buf *attrs)
{
	while (b->next < b->n && pos >= b->v[b->next].pos) {
		const struct attr_list *l = &b->v[b->next++];
		size_t at = l->before ? (b->before_quotes == l->quotes ? b->before : 0) : b->after;
		if (at == 0)
			continue;
		attr_parse(l->text, l->len, l->before ? b->before_heading : b->after_heading,
		           attrs);
		*tag = at - 1;
		return 1;
	}
	/* Lists on lines one after another go to one block; what came before is past. */
	b->after = b->before = 0;
	b->frozen = 0;
	return 0;
}

void attr_blocks_shift(struct attr_blocks *b, size_t at, size_t n)
{
	for (size_t i = 0; i < b->nopen; i++)
		if (b->open[i] > at)
			b->open[i] += n;
	if (b->after > at + 1)
		b->after += n;
	if (b->before > at + 1)
		b->before += n;
}

void attr_blocks_free(struct attr_blocks *b)
{
	free(b->v);
	free(b->open);
	memset(b, 0, sizeof(*b));
}

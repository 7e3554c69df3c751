/* query.c — a reader's search words made into an FTS5 query. Every word goes to FTS5 as
 * a string in double quotes (a quote in it doubled), so that no column filter, operator,
 * NEAR group or function a reader writes is read as one. */
#include "query.h"

#include <string.h>

#include "post.h"
#include "utf8.h"

/* Does a word hold something FTS5's tokenizer keeps: a letter or digit, or any byte of
 * a character beyond ASCII? One that does not (punctuation alone) is dropped. */
static int query_has_token(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			return 1;
	}
	return 0;
}

/* p as an FTS5 string: in double quotes, each one in it doubled. */
static void query_quote(struct buf *out, const char *p, size_t n)
{
	buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			buf_addc(out, '"');
		buf_addc(out, p[i]);
	}
	buf_addc(out, '"');
}

static int query_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int query_parse(const char *q, size_t len, struct query *out)
{
	struct buf pos = {0}, neg = {0}, route = {0}, name = {0};
	size_t npos = 0, i = 0;

	memset(out, 0, sizeof(*out));
	if (len > QUERY_MAX || utf8_valid(q, len) != len || memchr(q, '\0', len) != NULL)
		return -1;
	while (i < len) {
		while (i < len && query_space(q[i]))
			i++;
		if (i == len)
			break;
		int exclude = 0, prefix = 0, tag = 0;
		if (q[i] == '-' && i + 1 < len && !query_space(q[i + 1])) {
			exclude = 1;
			i++;
		}
		if (!exclude && len - i > 4 && memcmp(q + i, "tag:", 4) == 0) {
			tag = 1;
			i += 4;
		}
		const char *w;
		size_t n;
		if (i < len && q[i] == '"') {
			/* A phrase: to the next quote, or to the end. */
			const char *end = memchr(q + i + 1, '"', len - i - 1);
			w = q + i + 1;
			n = end ? (size_t)(end - w) : len - i - 1;
			i += n + 1 + (end != NULL);
			if (i < len && q[i] == '*')
				prefix = 1, i++;
		} else {
			w = q + i;
			while (i < len && !query_space(q[i]))
				i++;
			n = (size_t)(q + i - w);
			while (n > 0 && w[n - 1] == '*')
				prefix = 1, n--;
		}
		if (tag) {
			if (n == 0 || out->ntags == QUERY_TAGS)
				continue;
			buf_reset(&name);
			buf_add(&name, w, n);
			buf_reset(&route);
			/* "//" then the term as its address writes it ("Release Notes":
			 * "release-notes"), which is how the index keeps a post's terms. */
			post_term_route("", buf_cstr(&name), &route);
			buf_add(&out->tags, route.data + 2, route.len - 2);
			buf_addc(&out->tags, '\n');
			out->ntags++;
			continue;
		}
		if (!query_has_token(w, n))
			continue;
		struct buf *to = exclude ? &neg : &pos;
		buf_adds(to, exclude ? " NOT " : npos ? " " : "");
		query_quote(to, w, n);
		if (prefix && !exclude)
			buf_addc(to, '*');
		npos += !exclude;
	}
	out->none = npos == 0 && neg.len > 0;
	if (npos > 0) {
		buf_add(&out->match, pos.data, pos.len);
		buf_add(&out->match, neg.data, neg.len);
	}
	buf_add(&out->normal, out->match.data, out->match.len);
	buf_addc(&out->normal, '\x1e');
	buf_add(&out->normal, out->tags.data, out->tags.len);
	buf_addc(&out->normal, out->none ? '0' : '1');
	buf_free(&pos);
	buf_free(&neg);
	buf_free(&route);
	buf_free(&name);
	buf_cstr(&out->match);
	buf_cstr(&out->tags);
	buf_cstr(&out->normal);
	return 0;
}

void query_free(struct query *q)
{
	buf_free(&q->match);
	buf_free(&q->tags);
	buf_free(&q->normal);
}

static int query_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int query_param(const char *qs, size_t len, const char *name, struct buf *out)
{
	size_t nlen = strlen(name), i = 0;
	int found = 0;

	buf_reset(out);
	while (i < len && !found) {
		const char *amp = memchr(qs + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - qs) : len;
		const char *eq = memchr(qs + i, '=', end - i);
		size_t klen = eq ? (size_t)(eq - qs) - i : end - i;
		if (klen == nlen && memcmp(qs + i, name, nlen) == 0) {
			found = 1;
			for (size_t k = eq ? (size_t)(eq - qs) + 1 : end; k < end; k++) {
				char c = qs[k];
				if (c == '+') {
					c = ' ';
				} else if (c == '%') {
					if (k + 2 >= end)
						return -1;
					int hi = query_hex(qs[k + 1]), lo = query_hex(qs[k + 2]);
					if (hi < 0 || lo < 0)
						return -1;
					c = (char)(hi * 16 + lo);
					k += 2;
				}
				if (c == '\0')
					return -1;
				buf_addc(out, c);
			}
		}
		i = end + 1;
	}
	buf_cstr(out);
	return found;
}

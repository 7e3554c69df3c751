/* markdown.c — a post's Markdown to HTML with md4c, GitHub dialect. */
#include "markdown.h"

#include <md4c-html.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "emoji.h"
#include "mem.h"

static void markdown_sink(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	buf_add(userdata, text, size);
}

/* Replace each <span emoji='name'></span> (either quote) from start on by its
 * emoji. Only raw HTML can hold "<span": md4c escapes '<' in text and code. */
static void markdown_emoji(struct buf *out, size_t start)
{
	static const char open[] = "<span emoji=";
	static const char close[] = "></span>";
	size_t r = start, w = start;

	while (r < out->len) {
		char *p = memmem(out->data + r, out->len - r, open, sizeof(open) - 1);
		if (p == NULL)
			break;
		size_t at = (size_t)(p - out->data);
		memmove(out->data + w, out->data + r, at - r);
		w += at - r;
		r = at;
		size_t q = at + sizeof(open) - 1;
		const char *glyph = NULL;
		size_t end = 0;
		if (q < out->len && (out->data[q] == '\'' || out->data[q] == '"')) {
			char *e = memchr(out->data + q + 1, out->data[q], out->len - q - 1);
			if (e != NULL) {
				size_t name = q + 1, nlen = (size_t)(e - out->data) - name;
				end = (size_t)(e - out->data) + 1;
				if (out->len - end >= sizeof(close) - 1 &&
				    memcmp(out->data + end, close, sizeof(close) - 1) == 0) {
					glyph = emoji_lookup(out->data + name, nlen);
					end += sizeof(close) - 1;
				}
			}
		}
		/* Written in place, the glyph must fit where the span was; all do. */
		if (glyph != NULL && strlen(glyph) > end - w)
			glyph = NULL;
		if (glyph == NULL) {
			/* Not an emoji span: keep "<span emoji=" and look further. */
			memmove(out->data + w, out->data + r, sizeof(open) - 1);
			w += sizeof(open) - 1;
			r += sizeof(open) - 1;
			continue;
		}
		size_t glen = strlen(glyph);
		memcpy(out->data + w, glyph, glen);
		w += glen;
		r = end;
	}
	memmove(out->data + w, out->data + r, out->len - r);
	w += out->len - r;
	out->len = w;
}

/* Shown as text, the <!--more--> line would be visible: make it the comment again. */
static void markdown_more(struct buf *out, size_t start)
{
	static const char shown[] = "<p>&lt;!--more--&gt;</p>\n", more[] = "<!--more-->\n";
	char *p = memmem(out->data + start, out->len - start, shown, sizeof(shown) - 1);

	if (p == NULL)
		return;
	memcpy(p, more, sizeof(more) - 1);
	memmove(p + sizeof(more) - 1, p + sizeof(shown) - 1,
	        out->len - (size_t)(p - out->data) - (sizeof(shown) - 1));
	out->len -= sizeof(shown) - sizeof(more);
}

/* Does the URL at p (an attribute's value, HTML-escaped) start with a scheme that
 * runs code? Browsers ignore case, and tabs and newlines, in a scheme. */
static int markdown_unsafe_url(const char *p, const char *end)
{
	static const char *const schemes[] = {"javascript:", "vbscript:", "data:"};
	char scheme[12];
	size_t n = 0;

	for (; p < end && n < sizeof(scheme); p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c <= ' ')
			continue;
		scheme[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t k = strlen(schemes[i]);
		if (n >= k && memcmp(scheme, schemes[i], k) == 0)
			return 1;
	}
	return 0;
}

/* A link or image whose URL would run script ([x](javascript:...)) gets "#"
 * instead: the text stays, the link goes nowhere. Raw HTML is checked too. */
static void markdown_links(struct buf *out, size_t start)
{
	static const char *const attrs[] = {" href=\"", " src=\""};

	for (size_t a = 0; a < 2; a++) {
		size_t alen = strlen(attrs[a]), at = start;
		char *p;
		while ((p = memmem(out->data + at, out->len - at, attrs[a], alen)) != NULL) {
			char *v = p + alen, *end = out->data + out->len;
			char *q = memchr(v, '"', (size_t)(end - v));
			at = (size_t)(v - out->data);
			if (q == NULL)
				break;
			if (!markdown_unsafe_url(v, q))
				continue;
			/* Overwrite the value with "#" and close the gap. */
			*v = '#';
			memmove(v + 1, q, (size_t)(end - q));
			out->len -= (size_t)(q - v) - 1;
		}
	}
}

/* Replace each byte that does not start or continue valid UTF-8 with U+FFFD, so
 * that pages are the UTF-8 their Content-Type says (a post is the owner's bytes). */
static void markdown_utf8(struct buf *out, size_t start)
{
	size_t i = start;

	while (i < out->len) {
		/* Most of a page is ASCII: step over it eight bytes at a time. */
		while (i + 8 <= out->len) {
			uint64_t w;
			memcpy(&w, out->data + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= out->len)
			break;
		unsigned char c = (unsigned char)out->data[i];
		size_t need = c < 0x80                 ? 0
		              : c >= 0xC2 && c <= 0xDF ? 1
		              : c >= 0xE0 && c <= 0xEF ? 2
		              : c >= 0xF0 && c <= 0xF4 ? 3
		                                       : 4;
		size_t ok = need < 4 && i + need < out->len;
		for (size_t k = 1; ok && k <= need; k++)
			ok = ((unsigned char)out->data[i + k] & 0xC0) == 0x80;
		/* No overlong forms, no surrogates, nothing past U+10FFFF. */
		if (ok && need == 2) {
			unsigned char d = (unsigned char)out->data[i + 1];
			ok = !(c == 0xE0 && d < 0xA0) && !(c == 0xED && d >= 0xA0);
		} else if (ok && need == 3) {
			unsigned char d = (unsigned char)out->data[i + 1];
			ok = !(c == 0xF0 && d < 0x90) && !(c == 0xF4 && d >= 0x90);
		}
		if (ok) {
			i += need + 1;
			continue;
		}
		/* One bad byte becomes the three bytes of U+FFFD. */
		buf_grow(out, 2);
		memmove(out->data + i + 3, out->data + i + 1, out->len - i - 1);
		memcpy(out->data + i, "\xEF\xBF\xBD", 3);
		out->len += 2;
		i += 3;
	}
}

int markdown_render(const char *md, size_t len, int escape_html, struct buf *out)
{
	unsigned flags = MD_DIALECT_GITHUB;
	size_t start = out->len;

	if (escape_html)
		flags |= MD_FLAG_NOHTML;
	/* md4c 0.4.8 reads a byte past the end of its input (a post ending in "<script<"):
	 * give it a copy whose next byte is a NUL, not whatever follows md in memory. */
	char *copy = xmalloc(len + 1);
	memcpy(copy, md, len);
	copy[len] = '\0';
	int rc = md_html(copy, (MD_SIZE)len, markdown_sink, out, flags, MD_HTML_FLAG_SKIP_UTF8_BOM);
	free(copy);
	if (rc != 0)
		return -1;
	if (out->len == start)
		return 0; /* nothing written: out->data may still be NULL */
	markdown_emoji(out, start);
	if (escape_html)
		markdown_more(out, start);
	markdown_links(out, start);
	markdown_utf8(out, start);
	return 0;
}

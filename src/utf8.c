/* utf8.c — the one UTF-8 check: ill-formed bytes become U+FFFD. */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"

/* The character at u (n > 0 bytes): its length, with its code point in *cp; or 0 when
 * it is ill-formed, with the length of its maximal subpart (at least 1) in *bad. No
 * overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_char(const unsigned char *u, size_t n, unsigned *cp, size_t *bad)
{
	unsigned c = u[0], lo = 0x80, hi = 0xBF;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	len = c >= 0xC2 && c <= 0xDF   ? 2
	      : c >= 0xE0 && c <= 0xEF ? 3
	      : c >= 0xF0 && c <= 0xF4 ? 4
	                               : 0;
	/* The second byte's range is narrower after these leads. */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	*cp = c & (0x7Fu >> len);
	for (size_t k = 1; k < len; k++) {
		if (k >= n || u[k] < lo || u[k] > hi) {
			*bad = k;
			return 0;
		}
		*cp = *cp << 6 | (u[k] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*bad = 1;
	return len;
}

size_t utf8_len(const char *p, size_t n)
{
	unsigned cp;
	size_t bad;

	return n > 0 ? utf8_char((const unsigned char *)p, n, &cp, &bad) : 0;
}

size_t utf8_valid(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, len, bad;
	unsigned cp;

	while (i < n) {
		/* Most of a page is ASCII: step over it eight bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if ((len = utf8_char(u + i, n - i, &cp, &bad)) == 0)
			return i;
		i += len;
	}
	return n;
}

void utf8_clean(struct buf *out, const char *p, size_t n, int flags)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;

	while (i < n) {
		size_t ok = flags & UTF8_XML ? 0 : utf8_valid(p + i, n - i), len, bad;
		unsigned cp;
		if (ok > 0) {
			buf_add(out, p + i, ok);
			i += ok;
			continue;
		}
		len = utf8_char(u + i, n - i, &cp, &bad);
		if (len == 0) {
			buf_adds(out, "\xEF\xBF\xBD");
			i += bad;
			continue;
		}
		if (!(flags & UTF8_XML) ||
		    ((cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r') && cp != 0xFFFE &&
		     cp != 0xFFFF))
			buf_add(out, p + i, len);
		i += len;
	}
}

void utf8_fix(struct buf *b, size_t start)
{
	size_t ok = start + utf8_valid(b->data + start, b->len - start);
	struct buf tail = {0};

	if (ok == b->len)
		return;
	buf_add(&tail, b->data + ok, b->len - ok);
	b->len = ok;
	utf8_clean(b, tail.data, tail.len, 0);
	buf_free(&tail);
}

size_t utf8_encode(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

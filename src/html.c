/* html.c — escaping at the point of output, named by output context, and reading it back. */
#include "html.h"

#include <string.h>

#include "buf.h"

void html_escape(struct buf *out, const char *p, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (p[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_add(out, p + start, i - start);
		buf_adds(out, rep);
		start = i + 1;
	}
	buf_add(out, p + start, n - start);
}

void html_text_char(struct buf *out, char c)
{
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
	case '\0':
		break;
	default:
		buf_addc(out, c);
		break;
	}
}

void html_unescape(struct buf *out, const char *p, size_t n)
{
	static const struct {
		const char *ref;
		char c;
	} refs[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	size_t done = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != '&')
			continue;
		for (size_t k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
			size_t rl = strlen(refs[k].ref);
			if (n - i >= rl && memcmp(p + i, refs[k].ref, rl) == 0) {
				buf_add(out, p + done, i - done);
				buf_addc(out, refs[k].c);
				i += rl - 1;
				done = i + 1;
				break;
			}
		}
	}
	buf_add(out, p + done, n - done);
}

void html_url_path(struct buf *out, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			buf_addc(out, (char)c);
		} else {
			buf_addc(out, '%');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
	}
}

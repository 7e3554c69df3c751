/* json.c — JSON text: strings escaped at the point of output. */
#include "json.h"

#include "buf.h"

void json_string(struct buf *out, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
		const char *rep = esc;
		if (c == '"')
			rep = "\\\"";
		else if (c == '\\')
			rep = "\\\\";
		else if (c == '\n')
			rep = "\\n";
		else if (c == '\r')
			rep = "\\r";
		else if (c == '\t')
			rep = "\\t";
		else if (c >= 0x20 && c != 0x7f)
			continue;
		buf_add(out, p + start, i - start);
		buf_adds(out, rep);
		start = i + 1;
	}
	buf_add(out, p + start, n - start);
	buf_addc(out, '"');
}

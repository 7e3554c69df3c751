/* path.c — request paths: percent-decoded once and canonicalised, never opened. */
#include "path.h"

#include "buf.h"

static int path_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum path_result path_canon(const char *p, size_t len, int decode, struct buf *out, int *changed)
{
	int dots = 0, seg_len = 0, dot_only = 1;

	buf_reset(out);
	*changed = 0;
	if (decode && (len == 0 || p[0] != '/'))
		return PATH_BAD;
	buf_addc(out, '/');
	for (size_t i = 0; i <= len; i++) {
		int c;

		if (i == len) {
			c = '/';
		} else if (decode && p[i] == '%') {
			int hi = i + 2 < len ? path_hex(p[i + 1]) : -1;
			int lo = i + 2 < len ? path_hex(p[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return PATH_BAD;
			c = hi * 16 + lo;
			i += 2;
			/* RFC 3986 section 2.3: these are the same written plainly. */
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~')
				*changed |= PATH_ENCODED;
		} else {
			c = (unsigned char)p[i];
		}
		if (c < 0x20 || c == 0x7f)
			return PATH_BAD;
		if (c != '/') {
			buf_addc(out, (char)c);
			seg_len++;
			if (c == '.')
				dots++;
			else
				dot_only = 0;
			continue;
		}
		/* End of a segment. */
		if (seg_len == 0) {
			/* An empty segment: the leading slash, a repeated or a trailing one. */
			if (i > 0 && !(i == len && len == 1) && p[0] == '/')
				*changed |= i == len ? PATH_TRAILING_SLASH : PATH_EXTRA_SLASHES;
			continue;
		}
		if (dot_only && dots <= 2)
			return PATH_NOMATCH;
		buf_addc(out, '/');
		seg_len = 0;
		dots = 0;
		dot_only = 1;
	}
	/* Drop the separator added after the last segment. */
	if (out->len > 1)
		out->len--;
	return PATH_OK;
}

void path_decode(const char *p, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = p[i] == '%' && i + 2 < n ? path_hex(p[i + 1]) : -1;
		int lo = hi >= 0 ? path_hex(p[i + 2]) : -1;
		if (lo >= 0) {
			buf_addc(out, (char)(hi << 4 | lo));
			i += 2;
		} else {
			buf_addc(out, p[i]);
		}
	}
}

/* mdline.c — lines of Markdown as md4c and GitHub take them. */
#include "mdline.h"

#include <string.h>

static int mdline_space(char c)
{
	return c == ' ' || c == '\t';
}

size_t mdline_fence(const char *p, const char *end, char *c)
{
	size_t n = 0;

	if (p >= end || (*p != '`' && *p != '~'))
		return 0;
	*c = *p;
	while (p + n < end && p[n] == *c)
		n++;
	if (n < 3)
		return 0;
	if (*c == '`' && memchr(p + n, '`', (size_t)(end - p - n)) != NULL)
		return 0;
	return n;
}

size_t mdline_row_cells(const char *p, const char *end)
{
	size_t n = 1;

	while (p < end && mdline_space(*p))
		p++;
	while (end > p && (mdline_space(end[-1]) || end[-1] == '\r'))
		end--;
	if (p < end && *p == '|')
		p++;
	if (end > p && end[-1] == '|' && (end - 1 == p || end[-2] != '\\'))
		end--;
	for (; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '|')
			n++;
	}
	return n;
}

size_t mdline_delimiter_cols(const char *p, const char *end, int *short_cell)
{
	size_t cols = 0;
	int pipe = 0;

	*short_cell = 0;

	while (end > p && (mdline_space(end[-1]) || end[-1] == '\r'))
		end--;
	if (p < end && *p == '|') {
		pipe = 1;
		p++;
	} else if (end - p >= 2 && p[0] == '-' && mdline_space(p[1])) {
		return 0;
	}
	for (;;) {
		while (p < end && mdline_space(*p))
			p++;
		const char *cell = p, *dash;
		if (p < end && *p == ':')
			p++;
		dash = p;
		while (p < end && *p == '-')
			p++;
		if (p == dash)
			return 0;
		if (p < end && *p == ':')
			p++;
		if (p - cell < 3)
			*short_cell = 1;
		cols++;
		while (p < end && mdline_space(*p))
			p++;
		int delimited = p < end && *p == '|';
		if (delimited) {
			pipe = 1;
			p++;
			while (p < end && mdline_space(*p))
				p++;
		}
		if (p >= end)
			break;
		if (!delimited)
			return 0;
	}
	return pipe ? cols : 0;
}

const char *mdline_pair(const char *p, size_t n, char a, char b)
{
	const char *end = p + n;

	while (p + 1 < end && (p = memchr(p, a, (size_t)(end - p - 1))) != NULL) {
		if (p[1] == b)
			return p;
		p++;
	}
	return NULL;
}

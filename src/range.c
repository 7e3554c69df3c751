/* range.c — the Range header field: one range of bytes, or none. */
#include "range.h"

#include <stdint.h>

/* Digits at *p as a number, saturating at INT64_MAX; -1 when there are none. */
static int64_t range_number(const char **p)
{
	const char *s = *p;
	int64_t n = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		n = n > (INT64_MAX - 9) / 10 ? INT64_MAX : n * 10 + (*s - '0');
	*p = s;
	return n;
}

static const char *range_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

enum range_result range_parse(const char *v, off_t size, off_t *off, off_t *len)
{
	static const char unit[] = "bytes=";
	int64_t first = -1, last = -1;
	const char *p = v;

	if (v == NULL || size < 0)
		return RANGE_NONE;
	for (size_t i = 0; i < sizeof(unit) - 1; i++, p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
		if (c != unit[i])
			return RANGE_NONE;
	}
	p = range_ows(p);
	if (*p == '-') {
		p++;
		last = range_number(&p);
		if (last < 0)
			return RANGE_NONE;
	} else {
		first = range_number(&p);
		if (first < 0 || *p++ != '-')
			return RANGE_NONE;
		if (*p >= '0' && *p <= '9')
			last = range_number(&p);
	}
	if (*range_ows(p) != '\0')
		return RANGE_NONE; /* more than one range, or what does not parse */
	if (first < 0) {
		/* The last n bytes; all of them when n is more than there are. */
		if (last == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*len = last < size ? (off_t)last : size;
		*off = size - *len;
		return RANGE_OK;
	}
	if (last >= 0 && last < first)
		return RANGE_NONE;
	if (first >= size)
		return RANGE_UNSATISFIABLE;
	if (last < 0 || last >= size)
		last = size - 1;
	*off = (off_t)first;
	*len = (off_t)(last - first + 1);
	return RANGE_OK;
}

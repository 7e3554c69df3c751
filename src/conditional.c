/* conditional.c — HTTP validators (RFC 9110): dates and the four conditional fields. */
#include "conditional.h"

#include <string.h>
#include <time.h>

/* Any of the three HTTP date forms; -1 when it is none of them. */
static time_t conditional_parse_date(const char *s)
{
	/* IMF-fixdate, the obsolete RFC 850 form, and asctime's. */
	static const char *forms[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
	                              "%a %b %e %H:%M:%S %Y"};
	struct tm tm;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		const char *end = strptime(s, forms[i], &tm);
		if (end != NULL && *end == '\0')
			return timegm(&tm);
	}
	return -1;
}

/* Does the list in header hold etag? Weak comparison (W/"x" matches "x"), or strong
 * (a weak tag in the list matches nothing). */
static int conditional_match(const char *header, const char *etag, int strong)
{
	size_t elen = strlen(etag);
	const char *p = header;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		int weak = p[0] == 'W' && p[1] == '/';
		if (weak)
			p += 2;
		if (*p != '"') {
			/* Not an entity tag: skip to the next comma. */
			while (*p && *p != ',')
				p++;
			continue;
		}
		const char *q = strchr(p + 1, '"');
		if (q == NULL)
			return 0;
		if ((size_t)(q + 1 - p) == elen && memcmp(p, etag, elen) == 0 && !(strong && weak))
			return 1;
		p = q + 1;
	}
	return 0;
}

int conditional_status(const struct conditional *c, const char *etag, time_t modified, time_t now)
{
	time_t since;

	if (c->if_match != NULL) {
		if (!conditional_match(c->if_match, etag, 1))
			return 412;
	} else if (c->if_unmodified_since != NULL) {
		since = conditional_parse_date(c->if_unmodified_since);
		if (since >= 0 && modified > since)
			return 412;
	}
	if (c->if_none_match != NULL)
		return conditional_match(c->if_none_match, etag, 0) ? 304 : 0;
	if (c->if_modified_since != NULL) {
		since = conditional_parse_date(c->if_modified_since);
		if (since >= 0 && since <= now && modified <= since)
			return 304;
	}
	return 0;
}

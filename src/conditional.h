/* conditional.h — HTTP validators (RFC 9110): dates, If-None-Match, If-Modified-Since. */
#ifndef QUIRE_CONDITIONAL_H
#define QUIRE_CONDITIONAL_H

#include <stddef.h>
#include <time.h>

/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into out (at least 30 bytes). */
void conditional_format_date(time_t t, char *out, size_t size);

/* Whether a GET or HEAD with these header values (NULL when absent) is answered
 * 304 for a representation with etag (quoted) and modified. If-None-Match wins
 * over If-Modified-Since; an If-Modified-Since that does not parse or lies in
 * the future (after now) is ignored. */
int conditional_not_modified(const char *if_none_match, const char *if_modified_since,
                             const char *etag, time_t modified, time_t now);

#endif

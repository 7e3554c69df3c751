/* conditional.h — HTTP validators (RFC 9110): dates and the four conditional fields. */
#ifndef QUIRE_CONDITIONAL_H
#define QUIRE_CONDITIONAL_H

#include <stddef.h>
#include <time.h>

/* The conditional header fields of a request, each NULL when absent. */
struct conditional {
	const char *if_match;
	const char *if_none_match;
	const char *if_modified_since;
	const char *if_unmodified_since;
};

/* How a GET or HEAD with the fields c is answered for a representation with etag
 * (quoted, strong) and modified, evaluated in the order of RFC 9110 section 13.2.2:
 * 412 when If-Match (or, without it, If-Unmodified-Since) fails; 304 when
 * If-None-Match (or, without it, If-Modified-Since) says the client has it; else 0.
 * A date that does not parse, or If-Modified-Since after now, is ignored. */
int conditional_status(const struct conditional *c, const char *etag, time_t modified, time_t now);

#endif

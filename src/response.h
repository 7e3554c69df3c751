/* response.h — status, headers and body, sent in one write. */
#ifndef QUIRE_RESPONSE_H
#define QUIRE_RESPONSE_H

#include <stddef.h>

#include "buf.h"

struct cache_entry;

struct response {
	int status;
	const char *content_type;
	struct buf headers; /* extra lines, "Name: value\r\n" each */
	struct buf value;   /* a header's value being made: Location, Cache-Control */
	struct buf body;
	struct cache_entry *page; /* when set, the body is this cached page, held */
	int head;                 /* HEAD: the same headers, no body */
};

void response_reset(struct response *rs);
void response_free(struct response *rs);
/* Add a header line. A value holding CR, LF or NUL is refused (-1), never sent. */
int response_header(struct response *rs, const char *name, const char *value, size_t len);
/* Answer with a cached page: rs holds it (the caller's reference) until reset. */
void response_page(struct response *rs, struct cache_entry *page);
/* The response as a CGI/FastCGI responder sends it: Status and headers into out,
 * and in *body the bytes to send after them (none for HEAD), not copied. */
void response_serialize(const struct response *rs, struct buf *out, const char **body, size_t *len);
const char *response_reason(int status);

#endif

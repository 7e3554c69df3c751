/* response.h — status, headers and body, sent in one write. */
#ifndef QUIRE_RESPONSE_H
#define QUIRE_RESPONSE_H

#include <stddef.h>

#include "buf.h"

struct response {
	int status;
	const char *content_type;
	struct buf headers; /* extra lines, "Name: value\r\n" each */
	struct buf body;
	int head; /* HEAD: the same headers, no body */
};

void response_reset(struct response *rs);
void response_free(struct response *rs);
/* Add a header line. A value holding CR, LF or NUL is refused (-1), never sent. */
int response_header(struct response *rs, const char *name, const char *value, size_t len);
/* The whole response as a CGI/FastCGI responder sends it: Status, headers, body. */
void response_serialize(const struct response *rs, struct buf *out);
const char *response_reason(int status);

#endif

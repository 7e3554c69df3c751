/* json.h — JSON text: strings escaped at the point of output. */
#ifndef QUIRE_JSON_H
#define QUIRE_JSON_H

#include <stddef.h>

struct buf;

/* p as a quoted JSON string: '"', '\' and control characters escaped. p must be UTF-8. */
void json_string(struct buf *out, const char *p, size_t n);

#endif

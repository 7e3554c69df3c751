/* range.h — the Range header field (RFC 9110 section 14): one range of bytes. */
#ifndef QUIRE_RANGE_H
#define QUIRE_RANGE_H

#include <stddef.h>
#include <sys/types.h>

enum range_result {
	RANGE_NONE,          /* no usable range: answer the whole (200) */
	RANGE_OK,            /* *off and *len: answer 206 */
	RANGE_UNSATISFIABLE, /* answer 416 */
};

/* Read v (a Range field's value, NUL-terminated) for a representation of size bytes:
 * "bytes=a-b", "bytes=a-" or "bytes=-n". A field that does not parse, names another
 * unit, or asks for more than one range is RANGE_NONE: the whole is sent (RFC 9110
 * allows a server to ignore Range). A first position at or past the end, or a suffix
 * of zero bytes, is RANGE_UNSATISFIABLE. */
enum range_result range_parse(const char *v, off_t size, off_t *off, off_t *len);

#endif

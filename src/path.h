/* path.h — request paths: percent-decoded once and canonicalised, never opened. */
#ifndef QUIRE_PATH_H
#define QUIRE_PATH_H

#include <stddef.h>

struct buf;

enum path_result {
	PATH_OK = 0,
	PATH_BAD = -1,     /* malformed: answer 400 */
	PATH_NOMATCH = -2, /* well formed but can name nothing ("." or ".."): answer 404 */
};

/* Canonicalise p into out: "/" followed by the non-empty segments joined by "/",
 * with no trailing slash. With decode set, p is a URL path (without its query):
 * it must start with '/' and is percent-decoded exactly once, a stray '%' making
 * it PATH_BAD. Without, p is a route as written in front matter. A NUL, CR, LF or
 * other control character makes the path PATH_BAD. *changed says how the result
 * differs from the input (PATH_EXTRA_SLASHES, PATH_TRAILING_SLASH, PATH_ENCODED), so
 * that a caller can redirect to the canonical form. */
enum {
	PATH_EXTRA_SLASHES = 1,  /* a repeated slash */
	PATH_TRAILING_SLASH = 2, /* a slash at the end */
	PATH_ENCODED = 4,        /* an unreserved character percent-encoded: "%2D" for "-" */
};

/* Append p (n bytes) to out with each "%XX" (two hex digits) decoded; any other '%' stays
 * as it is. For what is not a request: links in posts, quire export's manifest. */
void path_decode(const char *p, size_t n, struct buf *out);

enum path_result path_canon(const char *p, size_t len, int decode, struct buf *out, int *changed);

#endif

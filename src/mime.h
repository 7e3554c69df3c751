/* mime.h — a file's media type from its name, for the files quire serves itself. */
#ifndef QUIRE_MIME_H
#define QUIRE_MIME_H

#include <stddef.h>

/* The Content-Type for a file named name (its extension, in any case): a table built
 * in, so that every host, the sandbox and a CGI process answer alike with nothing
 * read at start; text types say charset=utf-8. "application/octet-stream" when the
 * extension is not known. */
const char *mime_type(const char *name, size_t len);

#endif

/* html.h — escaping at the point of output, named by output context. */
#ifndef QUIRE_HTML_H
#define QUIRE_HTML_H

#include <stddef.h>

struct buf;

/* Escape for HTML text and quoted attribute values: & < > " ' */
void html_escape(struct buf *out, const char *p, size_t n);
/* Append c as Markdown's HTML text carries it, as md4c's renderer escapes it: & < > " as
 * entities, a NUL dropped, any other byte as it is. */
void html_text_char(struct buf *out, char c);
/* Percent-encode a URL path: keeps unreserved characters and '/'. */
void html_url_path(struct buf *out, const char *p, size_t n);

#endif

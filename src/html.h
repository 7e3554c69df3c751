/* html.h — escaping at the point of output, named by output context. */
#ifndef QUIRE_HTML_H
#define QUIRE_HTML_H

#include <stddef.h>

struct buf;

/* Escape for HTML text and quoted attribute values: & < > " ' */
void html_escape(struct buf *out, const char *p, size_t n);
/* Percent-encode a URL path: keeps unreserved characters and '/'. */
void html_url_path(struct buf *out, const char *p, size_t n);

#endif

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
/* Append the HTML text or attribute value p (n bytes) to out read back: the entities
 * html_escape() and html_text_char() write (&amp; &lt; &gt; &quot; &#39;) as their
 * characters, anything else as it is. */
void html_unescape(struct buf *out, const char *p, size_t n);
/* Percent-encode a URL path: keeps unreserved characters and '/'. */
void html_url_path(struct buf *out, const char *p, size_t n);

#endif

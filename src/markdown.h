/* markdown.h — a post's Markdown to HTML with md4c, GitHub dialect. */
#ifndef QUIRE_MARKDOWN_H
#define QUIRE_MARKDOWN_H

#include <stddef.h>

struct buf;

/* Append the HTML of md to out. escape_html: raw HTML in the post is shown as
 * text instead of passed through. <span emoji='name'></span> becomes the emoji. */
int markdown_render(const char *md, size_t len, int escape_html, struct buf *out);
/* markdown_render() with each relative URL of a link or image (neither '/', '#', '?'
 * nor a scheme first) made absolute against base ("/mount/route/", HTML-safe). */
int markdown_render_at(const char *md, size_t len, int escape_html, const char *base,
                       size_t base_len, struct buf *out);

#endif

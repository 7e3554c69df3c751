/* markdown.c — a post's Markdown to HTML with md4c, GitHub dialect. */
#include "markdown.h"

#include <md4c-html.h>
#include <string.h>

#include "buf.h"
#include "emoji.h"

static void markdown_sink(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	buf_add(userdata, text, size);
}

/* Replace each <span emoji='name'></span> (either quote) from start on by its
 * emoji. Only raw HTML can hold "<span": md4c escapes '<' in text and code. */
static void markdown_emoji(struct buf *out, size_t start)
{
	static const char open[] = "<span emoji=";
	static const char close[] = "></span>";
	size_t r = start, w = start;

	while (r < out->len) {
		char *p = memmem(out->data + r, out->len - r, open, sizeof(open) - 1);
		if (p == NULL)
			break;
		size_t at = (size_t)(p - out->data);
		memmove(out->data + w, out->data + r, at - r);
		w += at - r;
		r = at;
		size_t q = at + sizeof(open) - 1;
		const char *glyph = NULL;
		size_t end = 0;
		if (q < out->len && (out->data[q] == '\'' || out->data[q] == '"')) {
			char *e = memchr(out->data + q + 1, out->data[q], out->len - q - 1);
			if (e != NULL) {
				size_t name = q + 1, nlen = (size_t)(e - out->data) - name;
				end = (size_t)(e - out->data) + 1;
				if (out->len - end >= sizeof(close) - 1 &&
				    memcmp(out->data + end, close, sizeof(close) - 1) == 0) {
					glyph = emoji_lookup(out->data + name, nlen);
					end += sizeof(close) - 1;
				}
			}
		}
		/* Written in place, the glyph must fit where the span was; all do. */
		if (glyph != NULL && strlen(glyph) > end - w)
			glyph = NULL;
		if (glyph == NULL) {
			/* Not an emoji span: keep "<span emoji=" and look further. */
			memmove(out->data + w, out->data + r, sizeof(open) - 1);
			w += sizeof(open) - 1;
			r += sizeof(open) - 1;
			continue;
		}
		size_t glen = strlen(glyph);
		memcpy(out->data + w, glyph, glen);
		w += glen;
		r = end;
	}
	memmove(out->data + w, out->data + r, out->len - r);
	w += out->len - r;
	out->len = w;
}

/* Shown as text, the <!--more--> line would be visible: make it the comment again. */
static void markdown_more(struct buf *out, size_t start)
{
	static const char shown[] = "<p>&lt;!--more--&gt;</p>\n", more[] = "<!--more-->\n";
	char *p = memmem(out->data + start, out->len - start, shown, sizeof(shown) - 1);

	if (p == NULL)
		return;
	memcpy(p, more, sizeof(more) - 1);
	memmove(p + sizeof(more) - 1, p + sizeof(shown) - 1,
	        out->len - (size_t)(p - out->data) - (sizeof(shown) - 1));
	out->len -= sizeof(shown) - sizeof(more);
}

int markdown_render(const char *md, size_t len, int escape_html, struct buf *out)
{
	unsigned flags = MD_DIALECT_GITHUB;
	size_t start = out->len;

	if (escape_html)
		flags |= MD_FLAG_NOHTML;
	if (md_html(md, (MD_SIZE)len, markdown_sink, out, flags, MD_HTML_FLAG_SKIP_UTF8_BOM) != 0)
		return -1;
	markdown_emoji(out, start);
	if (escape_html)
		markdown_more(out, start);
	return 0;
}

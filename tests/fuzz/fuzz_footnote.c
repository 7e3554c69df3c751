/* fuzz_footnote.c — footnotes through render_html with the additions (raw HTML escaped, so
 * only footnotes write these links): the HTML is well-formed UTF-8, each reference's note
 * is in the section, and each reference has its back-link and each back-link its
 * reference. */
#include <md4c.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "mem.h"
#include "render.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static size_t fuzz_count(const struct buf *b, const char *s)
{
	size_t n = 0, k = strlen(s);

	if (b->len == 0)
		return 0;
	const char *p = b->data, *end = b->data + b->len;
	while ((size_t)(end - p) >= k && (p = memmem(p, (size_t)(end - p), s, k)) != NULL) {
		n++;
		p += k;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct render_opts o = {
	    .parser_flags = MD_DIALECT_GITHUB, .raw_html_escape = 1, .additions = 1};
	struct buf html = {0};

	int rc = render_html((const char *)data, size, &o, &html);
	FUZZ_CHECK(rc == 0 && utf8_valid(html.data, html.len) == html.len,
	           "render_html failed or left ill-formed UTF-8");
	/* Counted by the links footnotes write: a block's attributes ({: class="…"}) may name
	 * the same classes and ids, but never make an <a>. */
	size_t refs = fuzz_count(&html, "<sup><a href=\"#fn-");
	size_t backs = fuzz_count(&html, "<a href=\"#fnref-");
	size_t notes = fuzz_count(&html, "<li id=\"fn-");
	size_t sections = fuzz_count(&html, "<section class=\"footnotes\">");
	FUZZ_CHECK(refs == backs, "%zu references, %zu back-links", refs, backs);
	FUZZ_CHECK(sections == (notes > 0), "%zu sections for %zu notes", sections, notes);
	FUZZ_CHECK(refs >= notes, "%zu references, %zu notes", refs, notes);
	/* The highest note a reference names is in the section. */
	unsigned max = 0;
	const char *p = html.len > 0 ? html.data : "", *end = p + html.len;
	while ((p = memmem(p, (size_t)(end - p), "<sup><a href=\"#fn-", 18)) != NULL) {
		p += 18;
		unsigned v = 0;
		while (p < end && *p >= '0' && *p <= '9')
			v = v * 10 + (unsigned)(*p++ - '0');
		if (v > max)
			max = v;
	}
	FUZZ_CHECK(max == notes, "a reference to note %u of %zu", max, notes);
	buf_free(&html);
	return 0;
}

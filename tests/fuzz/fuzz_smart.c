/* fuzz_smart.c — typography (markdown.smart) over any Markdown, the first byte picking the
 * language and whether math and raw HTML are on: the HTML must be well-formed UTF-8 and
 * have the same tags in the same order as without typography (it changes text only), and
 * with raw HTML escaped the same code too. smart_text on the raw bytes, cut in two pieces, must
 * stay within its bound. */
#include <md4c.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "mem.h"
#include "render.h"
#include "smart.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The HTML's tag names in order, and (with code) the text of its <code> elements: what
 * typography must leave as it is. (Raw HTML's text is not read as a browser would: a
 * "<code>" in an attribute's value is no element, and smart.c does not count it.) */
static void fuzz_skeleton(const struct buf *html, int with_code, struct buf *out)
{
	const char *p = html->data, *end;
	int code = 0;

	if (html->len == 0)
		return;
	end = p + html->len;

	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (lt == NULL)
			lt = end;
		if (code && with_code)
			buf_add(out, p, (size_t)(lt - p));
		if (lt == end)
			break;
		const char *q = lt + 1;
		while (q < end && *q != ' ' && *q != '>' && *q != '\n')
			q++;
		buf_add(out, lt, (size_t)(q - lt));
		buf_addc(out, '\n');
		if ((size_t)(q - lt) == 5 && memcmp(lt, "<code", 5) == 0)
			code = 1;
		else if ((size_t)(q - lt) == 6 && memcmp(lt, "</code", 6) == 0)
			code = 0;
		/* A tag's end: its attributes (an image's alt text is smartened) are skipped. */
		const char *gt = memchr(q, '>', (size_t)(end - q));
		p = gt != NULL ? gt + 1 : end;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = {"en", "de", "fr",    "es", "it", "nl",
	                                    "sv", "pt", "pt-PT", "pl", "ru", "xx"};
	struct buf plain = {0}, smart = {0}, a = {0}, b = {0};

	if (size == 0)
		return 0;
	const char *lang = langs[(data[0] & 15) % (sizeof(langs) / sizeof(langs[0]))];
	int math = (data[0] & 16) != 0, nohtml = (data[0] & 32) != 0;
	size_t len = size - 1;
	char *md = xmalloc(len + 1);
	memcpy(md, data + 1, len);
	md[len] = '\0';

	struct render_opts o = {.parser_flags =
	                            MD_DIALECT_GITHUB | (math ? MD_FLAG_LATEXMATHSPANS : 0),
	                        .raw_html_escape = nohtml,
	                        .additions = 1,
	                        .lang = lang,
	                        .lang_len = strlen(lang)};
	FUZZ_CHECK(render_html(md, len, &o, &plain) == 0, "render_html failed");
	o.smart = 1;
	FUZZ_CHECK(render_html(md, len, &o, &smart) == 0, "render_html failed with typography");
	FUZZ_CHECK(utf8_valid(smart.data, smart.len) == smart.len,
	           "typography left ill-formed UTF-8 at byte %zu",
	           utf8_valid(smart.data, smart.len));
	fuzz_skeleton(&plain, nohtml, &a);
	fuzz_skeleton(&smart, nohtml, &b);
	FUZZ_CHECK(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0),
	           "typography changed tags or code: \"%s\" against \"%s\"", buf_cstr(&a),
	           buf_cstr(&b));

	/* Straight on the bytes, in two pieces. */
	struct smart s;
	size_t cut = len > 0 ? data[0] % (len + 1) : 0;
	smart_init(&s, lang, strlen(lang));
	buf_reset(&a);
	if (!smart_text(&s, md, cut, 0, &a))
		buf_add(&a, md, cut);
	if (!smart_text(&s, md + cut, len - cut, 1, &a))
		buf_add(&a, md + cut, len - cut);
	FUZZ_CHECK(a.len <= 6 * len, "smart_text wrote %zu bytes of %zu", a.len, len);
	free(md);
	buf_free(&plain);
	buf_free(&smart);
	buf_free(&a);
	buf_free(&b);
	return 0;
}

/* fuzz_render.c — render_html with the additions off against Debian's md_html on the same
 * Markdown (the first byte picks md4c's flags): any difference is a crash. With the
 * additions on, the HTML must be well-formed UTF-8, and its headings read back. The
 * bounds' quick pass must answer as their measure does. */
#include <md4c-html.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "markdown.h"
#include "mem.h"
#include "render.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void fuzz_sink(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	buf_add(userdata, text, size);
}

/* Images whose address holds a digit are 640 × 480; the others have no size. */
static int fuzz_image_size(void *ctx, const char *url, size_t len, unsigned *w, unsigned *h)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		if (url[i] >= '0' && url[i] <= '9') {
			*w = 640;
			*h = 480;
			return 0;
		}
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned flag_sets[] = {
	    MD_DIALECT_GITHUB,
	    MD_DIALECT_GITHUB | MD_FLAG_NOHTML,
	    0,
	    MD_FLAG_TABLES | MD_FLAG_WIKILINKS | MD_FLAG_UNDERLINE | MD_FLAG_LATEXMATHSPANS,
	};
	struct buf want = {0}, got = {0};

	if (size == 0)
		return 0;
	unsigned flags = flag_sets[data[0] % (sizeof(flag_sets) / sizeof(flag_sets[0]))];
	size_t len = size - 1;
	/* md4c 0.4.8 reads a byte past its input: it gets a NUL there, as quire gives it. */
	char *md = xmalloc(len + 1);
	memcpy(md, data + 1, len);
	md[len] = '\0';

	md_html(md, (MD_SIZE)len, fuzz_sink, &want, flags, MD_HTML_FLAG_SKIP_UTF8_BOM);
	struct render_opts o = {.parser_flags = flags};
	int rc = render_html(md, len, &o, &got);
	size_t at = 0;
	while (at < want.len && at < got.len && want.data[at] == got.data[at])
		at++;
	FUZZ_CHECK(rc == 0 && want.len == got.len && at == want.len,
	           "render_html differs from md_html at byte %zu (of %zu and %zu)", at, want.len,
	           got.len);

	unsigned quick, measured;
	int q = markdown_bounds(md, len, 1, &quick, NULL),
	    m = markdown_bounds(md, len, 0, &measured, NULL);
	FUZZ_CHECK(q == m && quick == measured,
	           "the bounds' quick pass gives flags %#x%s, the measure %#x%s", quick,
	           q ? " rewritten" : "", measured, m ? " rewritten" : "");

	buf_reset(&got);
	o.additions = 1;
	o.base = "/posts/x/";
	o.base_len = strlen(o.base);
	/* Every addition at once, as a site has them: typography in a language the first
	 * byte picks, images sized, math. */
	static const char *const langs[] = {"en", "de", "fr", "pl", "ru", "sv"};
	o.smart = (data[0] & 0x40) != 0;
	o.lang = langs[data[0] % 6];
	o.lang_len = 2;
	o.image_size = fuzz_image_size;
	if (data[0] & 0x80)
		o.parser_flags |= MD_FLAG_LATEXMATHSPANS;
	rc = render_html(md, len, &o, &got);
	FUZZ_CHECK(rc == 0 && utf8_valid(got.data, got.len) == got.len,
	           "the additions left ill-formed UTF-8 at byte %zu",
	           utf8_valid(got.data, got.len));
	/* The headings read back, and a table of contents of them. */
	size_t n = render_headings(got.data, got.len, NULL, 0);
	struct render_heading *h = xmalloc((n + 1) * sizeof(*h));
	FUZZ_CHECK(render_headings(got.data, got.len, h, n) == n, "the headings changed");
	buf_reset(&want);
	render_toc(h, n, 1, 6, &want);
	for (size_t i = 0; i < n; i++)
		render_heading_text(&h[i], &want);
	free(h);
	free(md);
	buf_free(&want);
	buf_free(&got);
	return 0;
}

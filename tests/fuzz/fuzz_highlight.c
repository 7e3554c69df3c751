/* fuzz_highlight.c — the highlighter on any bytes (the first picks the language, the
 * second whether fence options are read from the start of the rest): its HTML must be
 * the code again once its spans are dropped and &amp; &lt; &gt; &quot; read back (NULs
 * left out), with no other tag or entity, and every span closed; line numbers aside. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "highlight.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ents[][2] = {
	    {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}};
	struct buf out = {0}, text = {0};
	struct highlight_opts o;
	size_t nlangs = 0;

	if (size < 2)
		return 0;
	while (highlight_langs[nlangs] != NULL)
		nlangs++;
	const struct highlight_lang *l = highlight_langs[data[0] % nlangs];
	const char *code = (const char *)data + 2;
	size_t len = size - 2;
	int with_opts = data[1] & 1;
	if (with_opts) {
		size_t info = len < 64 ? len : 64;
		highlight_opts_parse(code, info, &o);
	}
	highlight_html(l, code, len, with_opts ? &o : NULL, &out);

	long depth = 0;
	for (size_t i = 0; i < out.len;) {
		const char *p = out.data + i;
		size_t rest = out.len - i;
		if (*p == '<') {
			if (rest >= 7 && memcmp(p, "</span>", 7) == 0) {
				depth--;
				i += 7;
				FUZZ_CHECK(depth >= 0, "a span closed that was not open, at %zu",
				           i);
				continue;
			}
			if (rest >= 17 && memcmp(p, "<span class=\"ln\">", 17) == 0) {
				size_t k = 17; /* a line number: digits, not code */
				while (k < rest && p[k] >= '0' && p[k] <= '9')
					k++;
				FUZZ_CHECK(rest - k >= 7 && memcmp(p + k, "</span>", 7) == 0,
				           "a line number left open at byte %zu", i);
				i += k + 7;
				continue;
			}
			FUZZ_CHECK(rest >= 13 && memcmp(p, "<span class=\"", 13) == 0,
			           "a tag that is not a span at byte %zu", i);
			size_t k = 13;
			while (k < rest &&
			       ((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= '0' && p[k] <= '9')))
				k++;
			FUZZ_CHECK(k + 1 < rest && p[k] == '"' && p[k + 1] == '>',
			           "a span's class is not a class name at byte %zu", i);
			depth++;
			i += k + 2;
		} else if (*p == '&') {
			size_t k = 0;
			while (k < 4 && !(rest >= strlen(ents[k][0]) &&
			                  memcmp(p, ents[k][0], strlen(ents[k][0])) == 0))
				k++;
			FUZZ_CHECK(k < 4, "a bare '&' at byte %zu", i);
			buf_adds(&text, ents[k][1]);
			i += strlen(ents[k][0]);
		} else {
			FUZZ_CHECK(*p != '>' && *p != '"' && *p != '\0',
			           "an unescaped '>', '\"' or NUL at byte %zu", i);
			buf_addc(&text, *p);
			i++;
		}
	}
	FUZZ_CHECK(depth == 0, "%ld spans left open", depth);
	size_t t = 0;
	for (size_t i = 0; i < len; i++) {
		if (code[i] == '\0')
			continue;
		FUZZ_CHECK(t < text.len && text.data[t] == code[i],
		           "the code's byte %zu is not in the HTML", i);
		t++;
	}
	FUZZ_CHECK(t == text.len, "the HTML has %zu bytes of text more than the code",
	           text.len - t);
	if (with_opts)
		highlight_opts_free(&o);
	buf_free(&out);
	buf_free(&text);
	return 0;
}

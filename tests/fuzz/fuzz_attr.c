/* fuzz_attr.c — kramdown attribute lists: attr_parse on any bytes gives only well-formed,
 * escaped attributes of allowed names; the renderer with the additions, on Markdown with
 * attribute lines, gives well-formed UTF-8 and no list as text after a block. */
#include <md4c.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "attr.h"
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

/* Is out a run of ' name="value"', names allowed, values escaped? */
static int fuzz_attrs_ok(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (p[i++] != ' ')
			return 0;
		size_t name = i;
		while (i < n && p[i] != '=')
			i++;
		if (i - name == 0 || i + 1 >= n || p[i + 1] != '"')
			return 0;
		if (i - name >= 2 && strncasecmp(p + name, "on", 2) == 0)
			return 0;
		if (i - name == 5 && strncasecmp(p + name, "style", 5) == 0)
			return 0;
		for (size_t k = name; k < i; k++)
			if (strchr("\"'<>&/ \t\n", p[k]) != NULL)
				return 0;
		i += 2;
		while (i < n && p[i] != '"') {
			if (p[i] == '<' || p[i] == '>' || p[i] == '\'')
				return 0;
			i++;
		}
		if (i >= n)
			return 0;
		i++;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = {0}, md = {0};
	char *p = xmalloc(size ? size : 1);

	memcpy(p, data, size);
	size_t took = attr_parse(p, size, 0, &out);
	if (took > size || (took == 0 && out.len != 0) || !fuzz_attrs_ok(out.data, out.len) ||
	    utf8_valid(out.data, out.len) != out.len)
		__builtin_trap();
	/* The same bytes as a list after a paragraph and before one. */
	buf_adds(&md, "Text\n");
	buf_add(&md, p, size);
	buf_adds(&md, "\n\n> q\n");
	buf_add(&md, p, size);
	buf_adds(&md, "\n");
	struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB, .additions = 1};
	buf_reset(&out);
	if (render_html(md.data, md.len, &o, &out) == 0 && utf8_valid(out.data, out.len) != out.len)
		__builtin_trap();
	free(p);
	buf_free(&out);
	buf_free(&md);
	return 0;
}

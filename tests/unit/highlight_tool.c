/* highlight_tool.c — the highlighter from the command line, for tests/e2e/highlight_test.py:
 * "highlight_tool LANG" writes the HTML of standard input's code; "highlight_tool --name
 * LANG" writes the language's name (its table's first) or exits 1 when it is unknown. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "highlight.h"

int main(int argc, char **argv)
{
	struct buf in = {0}, out = {0};
	char chunk[65536];
	size_t n;

	if (argc == 3 && strcmp(argv[1], "--name") == 0) {
		const struct highlight_lang *l = highlight_find(argv[2], strlen(argv[2]));
		if (l == NULL)
			return 1;
		printf("%.*s\n", (int)strcspn(l->names, " "), l->names);
		return 0;
	}
	struct highlight_opts o = {0}, *op = NULL;
	if (argc == 4 && strcmp(argv[2], "--opts") == 0) { /* LANG --opts "{hl_lines=[2]}" */
		highlight_opts_parse(argv[3], strlen(argv[3]), &o);
		op = &o;
		argc = 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: highlight_tool LANG < code\n");
		return 2;
	}
	const struct highlight_lang *l = highlight_find(argv[1], strlen(argv[1]));
	if (l == NULL)
		return 1;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		buf_add(&in, chunk, n);
	highlight_html(l, in.data != NULL ? in.data : "", in.len, op, &out);
	fwrite(out.data, 1, out.len, stdout);
	if (op != NULL)
		highlight_opts_free(op);
	buf_free(&in);
	buf_free(&out);
	return 0;
}

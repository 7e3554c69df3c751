/* markdown_shapes.h — pathological Markdown of a given size, for markdown_bench and
 * markdown_test: the shapes md4c 0.4.8 is known or suspected to be slow on (its own
 * test/pathological-tests.py and more), each one post of about size bytes. */
#ifndef QUIRE_MARKDOWN_SHAPES_H
#define QUIRE_MARKDOWN_SHAPES_H

#include <stddef.h>
#include <string.h>

#include "buf.h"

struct markdown_shape_case {
	const char *name;
	const char *head; /* once at the start */
	const char *unit; /* repeated while it fits */
	const char *tail; /* once at the end */
	int kind;         /* SHAPE_PLAIN, or what goes between head and the units */
};

#define SHAPE_PLAIN 0
#define SHAPE_TABLE                                                                                \
	1 /* head is followed by "|a" × 1,000 then "|---" × 1,000: a 1,000-column table */
#define SHAPE_LONG  2 /* head is followed by "x" × 50,000 and a newline */
#define SHAPE_TITLE 3 /* the same with "'" before the newline */

static const struct markdown_shape_case markdown_shapes[] = {
    {"www links, one paragraph", "", "www.x.org ", "", SHAPE_PLAIN},
    {"www links, one a line", "", "www.x.org\n", "", SHAPE_PLAIN},
    {"www links with '('", "", "www.x.org(", "", SHAPE_PLAIN},
    {"www._ (broken www links)", "", "www._", "x", SHAPE_PLAIN},
    {"http links, one paragraph", "", "http://x.org ", "", SHAPE_PLAIN},
    {"https links, one a line", "", "https://x.org\n", "", SHAPE_PLAIN},
    {"www links after a table and a heading", "|a|\n|---|\n# h\n", "www.x.org\n", "", SHAPE_PLAIN},
    {"www links under a two-line table header", "a\n|a|\n|---|\n", "www.x.org\n", "", SHAPE_PLAIN},
    {"www links after a quoted table", "> |a|\n> |---|\n", "www.x.org\n", "", SHAPE_PLAIN},
    {"www links as rows of a 1000-column table", "", "www.x.org\n", "", SHAPE_TABLE},
    {"]([ after a table and a heading", "|a|\n|---|\n# h\n", "]([\n", "", SHAPE_PLAIN},
    {"e-mail links", "", "a@b.org ", "", SHAPE_PLAIN},
    {"_ openers", "", "_a ", "", SHAPE_PLAIN},
    {"_ closers", "", "a_ ", "", SHAPE_PLAIN},
    {"* openers", "", "*a ", "", SHAPE_PLAIN},
    {"*** after letters", "", "a***", "", SHAPE_PLAIN},
    {"*a_ mismatched", "", "*a_ ", "", SHAPE_PLAIN},
    {"~ openers", "", "~a ", "", SHAPE_PLAIN},
    {"[ openers", "", "[a", "", SHAPE_PLAIN},
    {"] closers", "", "a]", "", SHAPE_PLAIN},
    {"[ (]( broken titles", "", "[ (](", "", SHAPE_PLAIN},
    {"]([ broken links", "", "]([\n", "", SHAPE_PLAIN},
    {"[a](b unclosed links", "", "[a](b", "", SHAPE_PLAIN},
    {"[t](/u) links", "", "[t](/u) ", "", SHAPE_PLAIN},
    {"> > > nested quotes", "", "> ", "a", SHAPE_PLAIN},
    {">>>> one line", "", ">", "", SHAPE_PLAIN},
    {"* * * nested lists", "", "* ", "a", SHAPE_PLAIN},
    {"` runs", "", "e`", "", SHAPE_PLAIN},
    {"\\`` backticks and escapes", "", "\\``", "", SHAPE_PLAIN},
    {"<a> tags", "", "<a> ", "", SHAPE_PLAIN},
    {"<> pairs", "", "<>", "", SHAPE_PLAIN},
    {"<? openers", "x", "<?", "", SHAPE_PLAIN},
    {"<!-- openers", "</", "<!--", "", SHAPE_PLAIN},
    {"&amp; entities", "", "&amp; ", "", SHAPE_PLAIN},
    {"&#1234; entities", "", "&#1234; ", "", SHAPE_PLAIN},
    {"table, 1000 columns, short rows", "", "b\n", "", SHAPE_TABLE},
    {"table, 2 columns, full rows", "|a|b|\n|---|---|\n", "|c|d|\n", "", SHAPE_PLAIN},
    {"reference of 50 KB, used again", "[x]: /x", "\n[x]", "", SHAPE_LONG},
    {"reference title of 50 KB, used again", "[x]: /u 'x", "\n[x]", "", SHAPE_TITLE},
    {"many references", "", "[1]: /u\n", "\n[1]", SHAPE_PLAIN},
};

#define MARKDOWN_SHAPES (sizeof(markdown_shapes) / sizeof(markdown_shapes[0]))

/* Append shape c of about size bytes to b. */
static void markdown_shape_make(const struct markdown_shape_case *c, size_t size, struct buf *b)
{
	size_t unit = strlen(c->unit), tail = strlen(c->tail);

	buf_adds(b, c->head);
	if (c->kind == SHAPE_TABLE) {
		for (size_t i = 0; i < 1000; i++)
			buf_adds(b, "|a");
		buf_adds(b, "\n");
		for (size_t i = 0; i < 1000; i++)
			buf_adds(b, "|---");
		buf_adds(b, "\n");
	} else if (c->kind != SHAPE_PLAIN) {
		for (size_t i = 0; i < 50000; i++)
			buf_addc(b, 'x');
		buf_adds(b, c->kind == SHAPE_TITLE ? "'\n" : "\n");
	}
	while (b->len + unit + tail <= size)
		buf_add(b, c->unit, unit);
	buf_add(b, c->tail, tail);
}

#endif

/* mdline.h — lines of Markdown as md4c and GitHub take them: what the renderer's, the
 * footnotes' and the bounds' passes over a post's source look for. */
#ifndef QUIRE_MDLINE_H
#define QUIRE_MDLINE_H

#include <stddef.h>

/* The fence the line [p, end) (its indentation left out) opens or closes ("```",
 * "~~~~"): its length, with its character in *c; else 0. */
size_t mdline_fence(const char *p, const char *end, char *c);

/* Is [p, end) a table delimiter row as GitHub takes it ("| --- | :-: |", and cells of one
 * or two characters, "| - | :- |", which md4c 0.4.8 does not take)? Its columns then, with
 * *short_cell set when a cell has fewer than three characters; else 0. A lone "-" starting
 * it would be a list item's mark. */
size_t mdline_delimiter_cols(const char *p, const char *end, int *short_cell);

/* Where in [p, p + n) the two bytes a, b first stand together, or NULL: memchr() for a,
 * which is rare in text ('[' of "[^", '{' of "{:"), is many times faster than memmem(). */
const char *mdline_pair(const char *p, size_t n, char a, char b);

/* The cells of a table row [p, end): '|' not escaped, less a leading and a trailing one. */
size_t mdline_row_cells(const char *p, const char *end);

#endif

/* frontmatter.h — the YAML block at the top of a post: split off, bounded, parsed. */
#ifndef QUIRE_FRONTMATTER_H
#define QUIRE_FRONTMATTER_H

#include <stddef.h>

#include "value.h"

struct arena;
struct buf;

struct frontmatter {
	const char *title; /* NULL when absent; strings live in the arena */
	const char *route;
	const char *layout;
	const char *description;
	double order;
	int has_order;
	struct value fields; /* every field, as templates see it */
	size_t body_offset;  /* where the Markdown starts in the file */
};

/* Where the front matter of src ends: the offset of the body, or -1 with the
 * problem in err ("N: problem", N a line). src holds the file's first len bytes;
 * complete says whether that is the whole file. The block may be at most max bytes. */
long frontmatter_split(const char *src, size_t len, int complete, long max, size_t *yaml_off,
                       size_t *yaml_len, struct buf *err);

/* Split and parse src, checking the fields whose meaning quire knows. */
int frontmatter_parse(const char *src, size_t len, int complete, long max, struct arena *a,
                      struct frontmatter *fm, struct buf *err);

#endif

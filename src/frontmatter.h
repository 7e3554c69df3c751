/* frontmatter.h — the YAML block at the top of a post: split off, bounded, parsed. */
#ifndef QUIRE_FRONTMATTER_H
#define QUIRE_FRONTMATTER_H

#include <stddef.h>
#include <time.h>

#include "value.h"

struct arena;
struct buf;

/* A field that may be one string or a list of them, as a list. */
struct strlist {
	const char **items;
	size_t len;
};

/* What quire makes of a post's front matter. Each field may go by the names
 * Hugo, Jekyll and Zola give it (see frontmatter.c); strings live in the arena. */
struct frontmatter {
	const char *title; /* NULL when absent */
	const char *route; /* route, permalink, url, path */
	const char *slug;
	const char *layout;
	const char *description;
	const char *summary; /* summary, excerpt */
	const char *canonical;
	const char *robots;
	const char *type; /* "page": a page, not a post */
	double order;     /* order, weight */
	int has_order;
	int draft;                             /* draft: true, published: false */
	time_t date, lastmod, publish, expiry; /* lastmod: also updated, last_modified_at */
	int has_date, has_lastmod, has_publish, has_expiry;
	struct strlist tags, categories, aliases, authors; /* aliases: also redirect_from */
	struct strlist menus; /* menu: the menus the post adds itself to ("main") */
	struct value fields;  /* every field, as templates see it */
	size_t body_offset;   /* where the Markdown starts in the file */
};

/* Where the front matter of src ends: the offset of the body, or -1 with the
 * problem in err ("N: problem", N a line). src holds the file's first len bytes;
 * complete says whether that is the whole file. The block may be at most max bytes.
 * Blank lines and a UTF-8 byte-order mark may come before the first ---. */
long frontmatter_split(const char *src, size_t len, int complete, long max, size_t *yaml_off,
                       size_t *yaml_len, size_t *yaml_line, struct buf *err);

/* Split and parse src, checking the fields whose meaning quire knows. */
int frontmatter_parse(const char *src, size_t len, int complete, long max, struct arena *a,
                      struct frontmatter *fm, struct buf *err);

#endif

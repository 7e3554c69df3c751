/* ytree.h — a small, bounded YAML document as a tree, read with libyaml's event API. */
#ifndef QUIRE_YTREE_H
#define QUIRE_YTREE_H

#include <stddef.h>

struct arena;
struct buf;

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_LIST,
	YNODE_MAP,
};

struct ynode {
	enum ynode_kind kind;
	size_t line;     /* 1-based line in the file the document came from */
	const char *str; /* scalar text, NUL-terminated */
	size_t len;
	int plain;            /* an unquoted scalar: may mean true, false, null or a number */
	struct ynode **items; /* list: the items; map: key, value, key, value, ... */
	size_t n;             /* list: items; map: pairs */
};

/* Parse one YAML document. first_line is the file line of src's first line.
 * Anchors, aliases, tags and merge keys are refused, so are duplicate keys, keys
 * that are not scalars and nesting deeper than max_depth. An empty document is
 * an empty map. On error returns NULL with "N: problem" (N the line) in err. */
struct ynode *ytree_parse(const char *src, size_t len, size_t first_line, int max_depth,
                          struct arena *a, struct buf *err);

/* The value of key in a map node, or NULL. */
const struct ynode *ytree_get(const struct ynode *map, const char *key);

/* Plain scalars true/false (and yes/no, on/off, any case): 1 or 0; -1 if not a boolean. */
int ytree_bool(const struct ynode *n);
/* Plain null, ~ or empty: 1; else 0. */
int ytree_null(const struct ynode *n);
/* A decimal integer with optional sign; -1 on anything else or out of range. */
int ytree_long(const struct ynode *n, long *out);
/* A decimal number (integer or with a fraction); -1 on anything else. */
int ytree_double(const struct ynode *n, double *out);

#endif

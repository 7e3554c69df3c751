/* query.h — a reader's search words made into an FTS5 query: each word, phrase and prefix
 * quoted as an FTS5 string, so that nothing a reader writes reaches FTS5's own syntax. */
#ifndef QUIRE_QUERY_H
#define QUIRE_QUERY_H

#include <stddef.h>

#include "buf.h"

/* The longest query read, in bytes (decoded); a longer one is refused. */
#define QUERY_MAX 256
/* The most tag: filters one query may hold. */
#define QUERY_TAGS 8

/* What a query asks for. */
struct query {
	struct buf match;  /* the FTS5 MATCH expression, or empty: no words to match */
	struct buf tags;   /* each tag: term's address form, each ended by '\n' */
	size_t ntags;      /* how many */
	int none;          /* only excluded words: nothing can match */
	struct buf normal; /* the query's normal form: one per meaning (a cache key) */
};

/* Parse q (len bytes, decoded from the URL) into out: words AND-ed, "a phrase", prefix*,
 * -word (excluded), tag:NAME (narrowed to a term of any taxonomy, NAME as written or as
 * its address has it). -1 when q is longer than QUERY_MAX or not UTF-8. */
int query_parse(const char *q, size_t len, struct query *out);
void query_free(struct query *q);

/* The value of field name in the query string qs (len bytes, '&'-separated, '+' a space,
 * %XX decoded) into out: 1 found, 0 absent, -1 malformed (a bad % escape, a NUL). */
int query_param(const char *qs, size_t len, const char *name, struct buf *out);

#endif

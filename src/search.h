/* search.h — the full-text index of a site's live posts and pages, in SQLite's FTS5, and
 * the searches on it. */
#ifndef QUIRE_SEARCH_H
#define QUIRE_SEARCH_H

#include <stddef.h>

struct arena;
struct config;
struct post;
struct query;
struct site;

/* One post found: its snippet is HTML (the text escaped, the words found in <mark>). */
struct search_hit {
	const struct post *post;
	const char *snippet;
	size_t snippet_len;
};

struct search_result {
	size_t count; /* every post that matches, not only those of this page */
	struct search_hit *hits;
	size_t nhits;
};

/* Open the index this process writes: state/search.db (WAL, so that readers read while
 * it is written), or, with no state folder, one in memory. 0, or -1 (logged): no search. */
int search_open(const struct config *c);
/* Make the index hold what s serves, from the posts that changed since it was last
 * brought up to date: their text read from their files. A damaged index is made anew
 * (one log line); a failure to write (a full disk) leaves the last good one. */
int search_sync(const struct site *s);
/* A number that changes whenever the index does (in this process): with the snapshot's,
 * it names the answers to searches, so that none cached is older than the index. */
unsigned long search_generation(void);
/* Is the index in step with s? */
int search_current(const struct site *s);
/* For a search in a process that has not opened the index (CGI): read it as it is when
 * it is in step with s; else open it to write and bring it up to date first. */
int search_open_for(const struct site *s);
/* The posts of s that q matches, best first (bm25, the title above the body): limit of
 * them from offset, in a. -1 (logged) when the index cannot be read. */
int search_run(const struct site *s, const struct query *q, size_t offset, size_t limit,
               struct search_result *out, struct arena *a);
void search_close(void);

#endif

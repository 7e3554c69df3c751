/* search_rank.h — the FTS5 auxiliary functions quire's searches rank and quote with.
 *
 * quire_rank(fts, w0, w1, ...) is FTS5's bm25(fts, w0, w1, ...), the same figure, with
 * each document's length in tokens read from a table in memory (search_lengths) in place
 * of FTS5's docsize table: that lookup is two thirds of bm25's cost (14 ms against 3 ms
 * for a word of 10,000 posts). A row the table lacks is measured by FTS5.
 *
 * quire_snippet(fts, tokens) is a window of the text of one document: up to tokens
 * tokens of the body, else the description, else the terms, whichever first has a word
 * found (else of the body from its start), beginning a little before the first word
 * found, each word found
 * between \1 and \2, "…" where text is left out. Only the text up to the end of the
 * window is tokenised (FTS5's snippet() tokenises all of it: about 1 ms a post). */
#ifndef QUIRE_SEARCH_RANK_H
#define QUIRE_SEARCH_RANK_H

#include <sqlite3.h>

struct search_lengths;

/* The functions on db: SQLite's result code. */
int search_rank_register(sqlite3 *db);

/* Each document's length in tokens as the index fts of db holds them now (NULL when they
 * cannot be read: quire_rank() then asks FTS5 for each). */
struct search_lengths *search_lengths_load(sqlite3 *db);
void search_lengths_free(struct search_lengths *l);
/* The table this thread's quire_rank() calls read (NULL: none). */
void search_lengths_use(const struct search_lengths *l);

#endif

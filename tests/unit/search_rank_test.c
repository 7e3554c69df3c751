/* search_rank_test.c — quire_rank() gives FTS5's bm25() figure for every row, with the
 * lengths table and without; quire_snippet()'s window, marks and ellipses. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "search_rank.h"

#define SUITE "search_rank"

static const char *words[] = {"alpha", "beta",    "gamma", "delta", "epsilon",
                              "zeta",  "running", "runs",  "café",  "theta"};

static sqlite3 *make_db(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned seed = 7;

	sqlite3_open(":memory:", &db);
	sqlite3_exec(db,
	             "CREATE VIRTUAL TABLE fts USING fts5(title, description, tags, body,"
	             " tokenize = 'porter unicode61 remove_diacritics 2');",
	             NULL, NULL, NULL);
	search_rank_register(db);
	sqlite3_prepare_v2(
	    db, "INSERT INTO fts(rowid, title, description, tags, body) VALUES(?,?,?,?,?)", -1, &st,
	    NULL);
	for (int i = 1; i <= 60; i++) {
		char col[4][2048];
		for (int c = 0; c < 4; c++) {
			size_t at = 0;
			int n = c == 3 ? 1 + (i * 37) % 300 : 1 + i % 4;
			col[c][0] = '\0';
			for (int k = 0; k < n && at + 16 < sizeof(col[c]); k++) {
				seed = seed * 1103515245u + 12345u;
				at += (size_t)snprintf(col[c] + at, sizeof(col[c]) - at, "%s%s",
				                       k ? " " : "", words[(seed >> 16) % 10]);
			}
		}
		sqlite3_bind_int64(st, 1, i * 3); /* ids with gaps */
		for (int c = 0; c < 4; c++)
			sqlite3_bind_text(st, c + 2, col[c], -1, SQLITE_TRANSIENT);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db,
	             "INSERT INTO fts(rowid, title, body) VALUES(500, 'gamma', 'gamma gamma beta');"
	             "INSERT INTO fts(rowid, title, body) VALUES(501, 'x', 'gamma alpha');",
	             NULL, NULL, NULL);
	return db;
}

/* Every row of match: quire_rank against bm25, the largest difference. */
static double rank_diff(sqlite3 *db, const char *match, int *rows)
{
	sqlite3_stmt *st = NULL;
	double worst = 0;

	*rows = 0;
	sqlite3_prepare_v2(db,
	                   "SELECT quire_rank(fts, 10.0, 5.0, 3.0, 1.0), bm25(fts, 10.0, 5.0, 3.0, "
	                   "1.0) FROM fts WHERE fts MATCH ?",
	                   -1, &st, NULL);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double d = fabs(sqlite3_column_double(st, 0) - sqlite3_column_double(st, 1));
		if (d > worst)
			worst = d;
		(*rows)++;
	}
	sqlite3_finalize(st);
	return worst;
}

static void test_rank(void)
{
	static const char *matches[] = {
	    "\"alpha\"", "\"alpha\" \"beta\"", "\"alpha beta\"", "\"gamma\" NOT \"delta\"",
	    "\"run\"",   "\"cafe\"",           "\"zet\"*",       "\"theta\" OR \"zeta\""};
	sqlite3 *db = make_db();
	struct search_lengths *l = search_lengths_load(db);

	check(SUITE, "the lengths of the documents are read", l != NULL, "");
	for (int with = 0; with < 2; with++) {
		search_lengths_use(with ? l : NULL);
		for (size_t i = 0; i < sizeof(matches) / sizeof(*matches); i++) {
			int rows;
			double d = rank_diff(db, matches[i], &rows);
			char name[160];
			snprintf(name, sizeof(name),
			         "quire_rank = bm25 for %s (%s the lengths table)", matches[i],
			         with ? "with" : "without");
			check(SUITE, name, rows > 0 && d < 1e-9, "%d rows, difference %g", rows, d);
		}
	}
	/* A table that lacks a row (made before it was written): FTS5 measures it. */
	sqlite3_exec(db, "INSERT INTO fts(rowid, body) VALUES(1000, 'alpha alpha alpha');", NULL,
	             NULL, NULL);
	search_lengths_use(l);
	int rows;
	double d = rank_diff(db, "\"alpha\"", &rows);
	check(SUITE, "a row the table lacks is ranked as bm25 ranks it", d < 1e-9, "%g", d);
	search_lengths_use(NULL);
	search_lengths_free(l);
	sqlite3_close(db);
}

static char *snippet(sqlite3 *db, const char *match, long rowid, int tokens)
{
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	sqlite3_prepare_v2(db,
	                   "SELECT quire_snippet(fts, ?) FROM fts WHERE fts MATCH ? AND rowid = ?",
	                   -1, &st, NULL);
	sqlite3_bind_int(st, 1, tokens);
	sqlite3_bind_text(st, 2, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, rowid);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static void test_snippet(void)
{
	sqlite3 *db = NULL;
	char body[8192];
	size_t at = 0;

	sqlite3_open(":memory:", &db);
	sqlite3_exec(db,
	             "CREATE VIRTUAL TABLE fts USING fts5(title, description, tags, body,"
	             " tokenize = 'porter unicode61 remove_diacritics 2');",
	             NULL, NULL, NULL);
	search_rank_register(db);
	for (int i = 0; i < 400; i++)
		at += (size_t)snprintf(body + at, sizeof(body) - at, "%sw%d", i ? ", " : "",
		                       i == 200 ? 999 : i);
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(
	    db, "INSERT INTO fts(rowid, title, description, tags, body) VALUES(?,?,?,?,?)", -1, &st,
	    NULL);
	const char *rows[][4] = {
	    {"Title words", "", "", body},
	    {"A title", "", "", "Running <b>fast</b> & far, runners run."},
	    {"Only the title: zebra", "", "", "nothing here at all"},
	    {"x", "a description with zebra", "", "the body"},
	};
	for (int r = 0; r < 4; r++) {
		sqlite3_bind_int64(st, 1, r + 1);
		for (int c = 0; c < 4; c++)
			sqlite3_bind_text(st, c + 2, rows[r][c], -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);

	char *s = snippet(db, "\"w999\"", 1, 8);
	check(SUITE, "a word deep in a long body: the window around it, with ellipses",
	      s && strcmp(s, "…w198, w199, \1w999\2, w201, w202, w203, w204, w205…") == 0, "%s",
	      s ? s : "(null)");
	free(s);
	s = snippet(db, "\"w0\"", 1, 4);
	check(SUITE, "a word at the start: no leading ellipsis",
	      s && strcmp(s, "\1w0\2, w1, w2, w3…") == 0, "%s", s ? s : "(null)");
	free(s);
	s = snippet(db, "\"run\"", 2, 24);
	check(SUITE, "stemmed words marked, the text between tokens kept as written, no ellipsis",
	      s && strcmp(s, "\1Running\2 <b>fast</b> & far, runners \1run\2") == 0, "%s",
	      s ? s : "(null)");
	free(s);
	s = snippet(db, "\"zebra\"", 3, 24);
	check(SUITE, "a word only in the title: the body from its start, nothing marked",
	      s && strcmp(s, "nothing here at all") == 0, "%s", s ? s : "(null)");
	free(s);
	s = snippet(db, "\"zebra\"", 4, 24);
	check(SUITE, "a word only in the description: the description quoted",
	      s && strcmp(s, "a description with \1zebra\2") == 0, "%s", s ? s : "(null)");
	free(s);
	int bad[] = {0, -5, 100000};
	for (size_t i = 0; i < 3; i++) {
		s = snippet(db, "\"w0\"", 1, bad[i]);
		check(SUITE, "a length out of range: 24 tokens",
		      s && strncmp(s, "\1w0\2, w1", 8) == 0, "%d: %s", bad[i], s ? s : "(null)");
		free(s);
	}
	sqlite3_close(db);
}

int main(void)
{
	test_rank();
	test_snippet();
	return check_exit();
}

/* fuzz_query.c — query_param() on the input as a query string, then query_parse() on what
 * it gives and on the input itself; every query made must run on a real FTS5 table with
 * no error (only text ever reaches FTS5), its quotes balanced. */
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "query.h"

static sqlite3 *db;
static sqlite3_stmt *st;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	                 "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'porter "
	                 "unicode61 remove_diacritics 2'); INSERT INTO t VALUES('a b', 'c d');",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?", -1, &st, NULL) !=
	        SQLITE_OK)
		abort();
	return 0;
}

static void fuzz_one(const char *p, size_t n)
{
	struct query q;
	size_t quotes = 0;

	if (query_parse(p, n, &q) < 0) {
		if (n <= QUERY_MAX && memchr(p, '\0', n) == NULL) {
			/* Refused within the length: only for bytes that are not UTF-8. */
			struct query again;
			if (query_parse(p, n, &again) == 0)
				abort();
		}
		return;
	}
	for (size_t i = 0; i < q.match.len; i++)
		quotes += q.match.data[i] == '"';
	if (quotes % 2 != 0)
		abort();
	if (q.match.len > 0) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, q.match.data, (int)q.match.len, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "FTS5 refused [%s]: %s\n", q.match.data,
			        sqlite3_errmsg(db));
			abort();
		}
	}
	query_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf v = {0};

	fuzz_one((const char *)data, size);
	if (query_param((const char *)data, size, "q", &v) > 0)
		fuzz_one(v.data ? v.data : "", v.len);
	buf_free(&v);
	return 0;
}

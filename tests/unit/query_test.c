/* query_test.c — a reader's words made into an FTS5 query: each word, phrase and prefix
 * quoted, excluded words after NOT, tag: filters apart, refusals; and each query then run
 * on a real FTS5 table, so that no input reaches FTS5's syntax as anything but text. */
#include <sqlite3.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "query.h"

struct query_case {
	const char *q;
	const char *match; /* NULL: refused */
	const char *tags;
	int none;
};

static const struct query_case cases[] = {
    {"rust", "\"rust\"", "", 0},
    {"  rust   async ", "\"rust\" \"async\"", "", 0},
    {"\"a phrase\" word", "\"a phrase\" \"word\"", "", 0},
    {"pre*", "\"pre\"*", "", 0},
    {"\"open phrase", "\"open phrase\"", "", 0},
    {"rust -go", "\"rust\" NOT \"go\"", "", 0},
    {"-go", "", "", 1},
    {"tag:rust async", "\"async\"", "rust\n", 0},
    {"tag:\"Release Notes\"", "", "release-notes\n", 0},
    {"tag:C/C++ x", "\"x\"", "c-c++\n", 0},
    {"title:x", "\"title:x\"", "", 0},
    {"a OR b NOT c", "\"a\" \"OR\" \"b\" \"NOT\" \"c\"", "", 0},
    {"NEAR(a b)", "\"NEAR(a\" \"b)\"", "", 0},
    {"x\"y", "\"x\"\"y\"", "", 0},
    {"*", "", "", 0},
    {"- -- ---", "", "", 0},
    {"^a", "\"^a\"", "", 0},
    {"caf\xc3\xa9", "\"caf\xc3\xa9\"", "", 0},
    {"bad \xff utf-8", NULL, "", 0},
};

/* Every query made runs on an FTS5 table without an error. */
static void query_run(sqlite3 *db, const struct query *q, const char *name)
{
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK;

	if (q->match.len > 0) {
		rc = sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?", -1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, q->match.data, (int)q->match.len, SQLITE_STATIC);
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
		sqlite3_finalize(st);
	}
	check("query", name, rc == SQLITE_OK, "FTS5 said: %s", sqlite3_errmsg(db));
}

int main(void)
{
	sqlite3 *db = NULL;
	struct buf v = {0}, name = {0};

	sqlite3_open(":memory:", &db);
	sqlite3_exec(
	    db,
	    "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'porter unicode61 "
	    "remove_diacritics 2'); INSERT INTO t VALUES('x', 'a OR b'), ('cafe', 'rusty');",
	    NULL, NULL, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct query_case *k = &cases[i];
		struct query q;
		int rc = query_parse(k->q, strlen(k->q), &q);
		if (k->match == NULL) {
			check("query", k->q, rc < 0, "not refused");
			continue;
		}
		check("query", k->q,
		      rc == 0 && strcmp(q.match.data, k->match) == 0 &&
		          strcmp(q.tags.data, k->tags) == 0 && q.none == k->none,
		      "match [%s] tags [%s] none %d", rc == 0 ? q.match.data : "",
		      rc == 0 ? q.tags.data : "", q.none);
		buf_reset(&name);
		buf_printf(&name, "FTS5 runs %s", k->q);
		if (rc == 0)
			query_run(db, &q, name.data);
		query_free(&q);
	}
	/* Diacritics removed: "café" finds "cafe". */
	struct query q;
	query_parse("caf\xc3\xa9", 5, &q);
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?", -1, &st, NULL);
	sqlite3_bind_text(st, 1, q.match.data, -1, SQLITE_STATIC);
	check("query", "diacritics removed: café finds cafe",
	      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1, "");
	sqlite3_finalize(st);
	query_free(&q);
	char big[QUERY_MAX + 2];
	memset(big, 'a', sizeof(big));
	check("query", "257 bytes refused", query_parse(big, QUERY_MAX + 1, &q) < 0, "");
	check("query", "256 bytes taken", query_parse(big, QUERY_MAX, &q) == 0, "");
	query_free(&q);
	static const struct {
		const char *qs, *field, *want;
		int rc;
	} params[] = {
	    {"q=a+b%20c", "q", "a b c", 1},
	    {"x=1&q=%C3%A9&page=2", "q", "\xc3\xa9", 1},
	    {"x=1&q=%C3%A9&page=2", "page", "2", 1},
	    {"qq=1", "q", "", 0},
	    {"q", "q", "", 1},
	    {"q=%", "q", NULL, -1},
	    {"q=%4", "q", NULL, -1},
	    {"q=%zz", "q", NULL, -1},
	    {"q=%00", "q", NULL, -1},
	    {"q=a&q=b", "q", "a", 1},
	};
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		int rc = query_param(params[i].qs, strlen(params[i].qs), params[i].field, &v);
		buf_reset(&name);
		buf_printf(&name, "param %s in %s", params[i].field, params[i].qs);
		check("query", name.data,
		      rc == params[i].rc && (rc < 0 || strcmp(buf_cstr(&v), params[i].want) == 0),
		      "rc %d [%s]", rc, buf_cstr(&v));
	}
	sqlite3_close(db);
	buf_free(&v);
	buf_free(&name);
	return check_exit();
}

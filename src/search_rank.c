/* search_rank.c — quire_rank() and quire_snippet(), FTS5 auxiliary functions. */
#include "search_rank.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* The columns of the index, as search.c makes it. */
#define RANK_COLUMNS 4
#define RANK_BODY    3
/* bm25's constants, as FTS5's. */
#define RANK_K1 1.2
#define RANK_B  0.75

struct search_lengths {
	size_t n;
	sqlite3_int64 *id; /* ascending */
	uint32_t *len;     /* tokens of every column of the document id[i] */
};

static __thread const struct search_lengths *rank_lengths;

void search_lengths_use(const struct search_lengths *l)
{
	rank_lengths = l;
}

/* A varint of FTS5's records (SQLite's: big-endian groups of 7 bits, the high bit set on
 * each but the last): its value, or 0 past end. */
static uint32_t rank_varint(const unsigned char **p, const unsigned char *end)
{
	uint32_t v = 0;

	for (int i = 0; *p < end && i < 5; i++) {
		unsigned char c = *(*p)++;
		v = (v << 7) | (c & 0x7f);
		if ((c & 0x80) == 0)
			return v;
	}
	return v;
}

struct search_lengths *search_lengths_load(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	struct search_lengths *l = xcalloc(1, sizeof(*l));
	size_t cap = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, sz FROM fts_docsize ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_blob(st, 1);
		const unsigned char *end = p + sqlite3_column_bytes(st, 1);
		uint32_t total = 0;
		while (p != NULL && p < end)
			total += rank_varint(&p, end);
		if (l->n == cap) {
			cap = cap ? cap * 2 : 1024;
			l->id = xrealloc(l->id, cap * sizeof(*l->id));
			l->len = xrealloc(l->len, cap * sizeof(*l->len));
		}
		l->id[l->n] = sqlite3_column_int64(st, 0);
		l->len[l->n++] = total;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return l;
fail:
	sqlite3_finalize(st);
	search_lengths_free(l);
	return NULL;
}

void search_lengths_free(struct search_lengths *l)
{
	if (l == NULL)
		return;
	free(l->id);
	free(l->len);
	free(l);
}

/* The length of document id in the table: 0, or -1 when it is not there. */
static int rank_length(const struct search_lengths *l, sqlite3_int64 id, double *len)
{
	size_t lo = 0, hi = l ? l->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (l == NULL || lo == l->n || l->id[lo] != id)
		return -1;
	*len = (double)l->len[lo];
	return 0;
}

/* What a query's rows share: made at its first row. */
struct rank_query {
	int nphrase;
	double avgdl;
	double *idf;
	double *freq;
};

static void rank_query_free(void *p)
{
	struct rank_query *q = p;
	free(q->idf);
	free(q->freq);
	free(q);
}

static int rank_count(const Fts5ExtensionApi *api, Fts5Context *fts, void *user)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)user)++;
	return SQLITE_OK;
}

static struct rank_query *rank_query_make(const Fts5ExtensionApi *api, Fts5Context *fts, int *rc)
{
	struct rank_query *q = api->xGetAuxdata(fts, 0);
	sqlite3_int64 rows = 0, tokens = 0;

	if (q != NULL)
		return q;
	q = xcalloc(1, sizeof(*q));
	q->nphrase = api->xPhraseCount(fts);
	q->idf = xcalloc((size_t)q->nphrase + 1, sizeof(*q->idf));
	q->freq = xcalloc((size_t)q->nphrase + 1, sizeof(*q->freq));
	*rc = api->xRowCount(fts, &rows);
	if (*rc == SQLITE_OK)
		*rc = api->xColumnTotalSize(fts, -1, &tokens);
	q->avgdl = rows > 0 ? (double)tokens / (double)rows : 1.0;
	for (int i = 0; *rc == SQLITE_OK && i < q->nphrase; i++) {
		sqlite3_int64 hits = 0;
		*rc = api->xQueryPhrase(fts, i, &hits, rank_count);
		double idf = log(((double)rows - (double)hits + 0.5) / ((double)hits + 0.5));
		q->idf[i] = idf > 0.0 ? idf : 1e-6;
	}
	if (*rc == SQLITE_OK)
		*rc = api->xSetAuxdata(fts, q, rank_query_free);
	else
		rank_query_free(q);
	return *rc == SQLITE_OK ? q : NULL;
}

static void rank_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                      sqlite3_value **val)
{
	int rc = SQLITE_OK, ninst = 0;
	struct rank_query *q = rank_query_make(api, fts, &rc);
	double len, score = 0.0;

	if (q == NULL)
		goto fail;
	memset(q->freq, 0, (size_t)q->nphrase * sizeof(*q->freq));
	rc = api->xInstCount(fts, &ninst);
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int phrase, col, off;
		rc = api->xInst(fts, i, &phrase, &col, &off);
		if (rc == SQLITE_OK && phrase >= 0 && phrase < q->nphrase)
			q->freq[phrase] += col < nval ? sqlite3_value_double(val[col]) : 1.0;
	}
	if (rc == SQLITE_OK && rank_length(rank_lengths, api->xRowid(fts), &len) < 0) {
		int n = 0;
		rc = api->xColumnSize(fts, -1, &n);
		len = (double)n;
	}
	if (rc != SQLITE_OK)
		goto fail;
	for (int i = 0; i < q->nphrase; i++)
		score += q->idf[i] * (q->freq[i] * (RANK_K1 + 1.0)) /
		         (q->freq[i] + RANK_K1 * (1.0 - RANK_B + RANK_B * len / q->avgdl));
	sqlite3_result_double(ctx, -score);
	return;
fail:
	sqlite3_result_error_code(ctx, rc);
}

/* A window of tokens [from, to) of a column's text, and the words found in it. */
struct snip {
	int from, to;
	const int *marks; /* token offsets found, ascending */
	int nmarks, at;   /* marks; the next one not yet passed */
	int token;        /* the tokens seen so far */
	int end;          /* the byte after the last token written, or -1 */
	int more;         /* a token past the window */
	sqlite3_str *out;
	const char *text;
};

static int snip_token(void *user, int flags, const char *tok, int ntok, int start, int end)
{
	struct snip *s = user;

	(void)tok;
	(void)ntok;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	int i = s->token++;
	if (i < s->from)
		return SQLITE_OK;
	if (i >= s->to) {
		s->more = 1;
		return SQLITE_DONE;
	}
	/* What lies between tokens (spaces, punctuation) as it is; nothing before the first. */
	if (s->end >= 0 && start > s->end)
		sqlite3_str_append(s->out, s->text + s->end, start - s->end);
	while (s->at < s->nmarks && s->marks[s->at] < i)
		s->at++;
	int mark = s->at < s->nmarks && s->marks[s->at] == i;
	if (mark)
		sqlite3_str_appendchar(s->out, 1, '\1');
	sqlite3_str_append(s->out, s->text + start, end - start);
	if (mark)
		sqlite3_str_appendchar(s->out, 1, '\2');
	s->end = end;
	return SQLITE_OK;
}

static int snip_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void rank_snippet(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                         int nval, sqlite3_value **val)
{
	static const int order[] = {RANK_BODY, 1, 2};
	int tokens = nval > 0 ? sqlite3_value_int(val[0]) : 24;
	int rc, ninst = 0, col = RANK_BODY, first = -1, *marks = NULL, nmarks = 0;
	const char *text = NULL;
	int len = 0;
	struct snip s;

	if (tokens < 1 || tokens > 256)
		tokens = 24;
	rc = api->xInstCount(fts, &ninst);
	/* The column to quote: the first of order with a word found. */
	for (size_t k = 0; rc == SQLITE_OK && first < 0 && k < sizeof(order) / sizeof(*order); k++)
		for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
			int phrase, c, off;
			rc = api->xInst(fts, i, &phrase, &c, &off);
			if (rc == SQLITE_OK && c == order[k] && (first < 0 || off < first)) {
				first = off;
				col = c;
			}
		}
	if (rc != SQLITE_OK)
		goto fail;
	memset(&s, 0, sizeof(s));
	s.from = first > tokens / 4 ? first - tokens / 4 : 0;
	s.to = s.from + tokens;
	if (first >= 0) {
		marks = xcalloc((size_t)ninst + 1, sizeof(*marks));
		for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
			int phrase, c, off;
			rc = api->xInst(fts, i, &phrase, &c, &off);
			if (rc == SQLITE_OK && c == col && off >= s.from && off < s.to)
				marks[nmarks++] = off;
		}
		qsort(marks, (size_t)nmarks, sizeof(*marks), snip_cmp);
	}
	if (rc == SQLITE_OK)
		rc = api->xColumnText(fts, col, &text, &len);
	if (rc != SQLITE_OK)
		goto fail;
	s.marks = marks;
	s.nmarks = nmarks;
	s.end = -1;
	s.text = text;
	s.out = sqlite3_str_new(NULL);
	if (s.from > 0)
		sqlite3_str_appendall(s.out, "…");
	rc = text != NULL ? api->xTokenize(fts, text, len, &s, snip_token) : SQLITE_OK;
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	if (s.more)
		sqlite3_str_appendall(s.out, "…");
	free(marks);
	marks = NULL;
	int n = sqlite3_str_length(s.out);
	char *z = sqlite3_str_finish(s.out);
	if (rc != SQLITE_OK) {
		sqlite3_free(z);
		goto fail;
	}
	sqlite3_result_text(ctx, z ? z : "", z ? n : 0, z ? sqlite3_free : SQLITE_STATIC);
	return;
fail:
	free(marks);
	sqlite3_result_error_code(ctx, rc);
}

int search_rank_register(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	fts5_api *api = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
		rc = sqlite3_finalize(st);
	}
	if (rc == SQLITE_OK && api == NULL)
		rc = SQLITE_ERROR;
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "quire_rank", NULL, rank_bm25, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "quire_snippet", NULL, rank_snippet, NULL);
	return rc;
}

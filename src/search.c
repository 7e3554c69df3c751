/* search.c — the full-text index of a site's live posts and pages, in SQLite's FTS5
 * (Debian's libsqlite3 has it built in), and the searches on it.
 *
 * The index holds exactly what a snapshot serves: a table of documents (file name, the
 * version of the file it was made from, the post's terms, its date) and an FTS5 table of
 * their title, description, terms and text (the rendered body without its markup), with
 * Porter stemming over unicode61 with diacritics removed. search_sync() brings it to a
 * snapshot from the files that changed, a few hundred per transaction, before that snapshot is
 * published; a signature of the snapshot's documents, kept in the index, says whether it
 * is in step. In the state folder the file is in WAL mode: each request thread reads
 * through its own read-only connection while the watcher writes. Without a state folder
 * it is in memory, one connection behind a lock. */
#include "search.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "file.h"
#include "hash.h"
#include "html.h"
#include "log.h"
#include "markdown.h"
#include "mem.h"
#include "post.h"
#include "query.h"
#include "route.h"
#include "site.h"

/* Documents written in one transaction, at most. */
#define SEARCH_BATCH 256

/* The layout of the tables: another one is made anew. */
#define SEARCH_FORMAT "1"

static const char search_schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
    " version TEXT NOT NULL, terms TEXT NOT NULL, date INTEGER NOT NULL);"
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, description, tags, body,"
    " tokenize = 'porter unicode61 remove_diacritics 2');";

static pthread_mutex_t search_lock = PTHREAD_MUTEX_INITIALIZER;
static sqlite3 *search_db; /* the connection that writes (and, in memory, reads) */
static const struct config *search_config;
static char *search_path;            /* state/search.db, or NULL: in memory */
static pthread_key_t search_readers; /* file mode: each thread's read-only connection */
static pthread_once_t search_once = PTHREAD_ONCE_INIT;
static int search_said;           /* a failure to write is said once until it works */
static unsigned long search_made; /* how many times the index changed (atomic) */

static void search_reader_close(void *db)
{
	sqlite3_close(db);
}

static void search_key_make(void)
{
	pthread_key_create(&search_readers, search_reader_close);
}

/* sql on db: SQLite's result code (the caller says what failed, once). */
static int search_exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* Open path (or memory) for writing and make the tables; NULL on failure. */
static sqlite3 *search_connect(const char *path, int *rc_out)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path ? path : ":memory:", &db, flags, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(db, 5000);
		rc = search_exec(db, search_schema);
	}
	if (rc == SQLITE_OK && path != NULL)
		rc = search_exec(db, "PRAGMA synchronous=NORMAL;");
	/* A larger page cache for the writer: making the index at 10,000 posts merges
	 * many segments. */
	if (rc == SQLITE_OK)
		rc = search_exec(db, "PRAGMA cache_size=-32768;");
	*rc_out = rc;
	if (rc != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* A file that is no SQLite database or a damaged one: removed, with its WAL, to be made
 * anew. */
static void search_remove(const char *path)
{
	char more[4096];

	unlink(path);
	snprintf(more, sizeof(more), "%s-wal", path);
	unlink(more);
	snprintf(more, sizeof(more), "%s-shm", path);
	unlink(more);
}

static int search_damaged(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || rc == SQLITE_ERROR;
}

int search_open(const struct config *c)
{
	struct buf path = {0};
	int rc;

	search_close();
	search_config = c;
	if (!c->search)
		return 0;
	pthread_once(&search_once, search_key_make);
	if (c->state_dir != NULL) {
		buf_printf(&path, "%s/search.db", c->state_dir);
		search_path = xstrndup(path.data, path.len);
	}
	buf_free(&path);
	search_db = search_connect(search_path, &rc);
	if (search_db == NULL && search_path != NULL && search_damaged(rc)) {
		log_msg(LOG_WARN, "%s: not a usable search index (%s): made anew", search_path,
		        sqlite3_errstr(rc));
		search_remove(search_path);
		search_db = search_connect(search_path, &rc);
	}
	if (search_db == NULL) {
		log_msg(LOG_ERROR, "%s: cannot open the search index: %s",
		        search_path ? search_path : ":memory:", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

void search_close(void)
{
	pthread_mutex_lock(&search_lock);
	sqlite3_close(search_db);
	search_db = NULL;
	free(search_path);
	search_path = NULL;
	pthread_mutex_unlock(&search_lock);
}

/* The posts s serves (listed and pages), sorted by file name, in a new array. */
static const struct post **search_served(const struct site *s, size_t *n)
{
	const struct post **out = xcalloc(s->nposts + 1, sizeof(*out));

	*n = 0;
	for (size_t i = 0; i < s->nposts; i++)
		if (site_served(s, s->posts[i]))
			out[(*n)++] = s->posts[i];
	return out;
}

/* Which version of its file a post is: it is indexed again when this changes. */
static void search_version(const struct post *p, struct buf *out)
{
	buf_reset(out);
	buf_printf(out, "%llx:%llx:%lld.%09ld:%llx", (unsigned long long)p->ino,
	           (unsigned long long)p->size, (long long)p->mtime.tv_sec, p->mtime.tv_nsec,
	           (unsigned long long)p->hash);
}

/* The signature of what the index should hold for s: its documents and their versions,
 * and the fields indexed. */
static uint64_t search_signature(const struct site *s)
{
	size_t n;
	const struct post **ps = search_served(s, &n);
	struct buf v = {0};
	uint64_t h = hash_bytes(SEARCH_FORMAT, 1, (uint64_t)s->config->search_fields);

	for (size_t i = 0; i < n; i++) {
		search_version(ps[i], &v);
		h = hash_bytes(ps[i]->name, strlen(ps[i]->name) + 1, h);
		h = hash_bytes(v.data, v.len, h);
	}
	buf_free(&v);
	free(ps);
	return h;
}

static int search_meta_is(sqlite3 *db, uint64_t want)
{
	sqlite3_stmt *st = NULL;
	char hex[24];
	int same = 0;

	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)want);
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'signature'", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		same = v != NULL && strcmp((const char *)v, hex) == 0;
	}
	sqlite3_finalize(st);
	return same;
}

/* The text of p's body without markup, for the index: its file read now, rendered, the
 * tags dropped and the few entities the renderer writes decoded. */
static void search_text(const struct post *p, const struct config *c, struct buf *out)
{
	struct buf file = {0}, html = {0};

	buf_reset(out);
	if (file_read(AT_FDCWD, p->path, 0, (size_t)c->post_max, &file, NULL) < 0 ||
	    file.len < p->body_offset)
		goto out;
	struct markdown_opts mo;
	markdown_opts_init(&mo, c);
	mo.math |= p->math;
	/* Indexed as written: a search for "don't" finds it. */
	mo.smart = 0;
	markdown_render(file.data + p->body_offset, file.len - p->body_offset, &mo, &html);
	int in_tag = 0, space = 1;
	for (size_t i = 0; i < html.len; i++) {
		char ch = html.data[i];
		if (ch == '<' || (in_tag && ch != '>')) {
			in_tag = 1;
			continue;
		}
		if (ch == '>') {
			in_tag = 0;
			ch = ' ';
		}
		if (ch == '&') {
			static const struct {
				const char *e;
				char c;
			} ents[] = {{"&amp;", '&'},  {"&lt;", '<'},   {"&gt;", '>'},
			            {"&quot;", '"'}, {"&#39;", '\''}, {"&nbsp;", ' '}};
			for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
				size_t n = strlen(ents[k].e);
				if (html.len - i >= n && memcmp(html.data + i, ents[k].e, n) == 0) {
					ch = ents[k].c;
					i += n - 1;
					break;
				}
			}
		}
		int sp = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
		if (sp && space)
			continue;
		buf_addc(out, sp ? ' ' : ch);
		space = sp;
	}
out:
	buf_free(&file);
	buf_free(&html);
	buf_cstr(out);
}

/* p's terms of every taxonomy: their names, for the text, and their address forms, each
 * between newlines, for tag: filters. */
static void search_terms(const struct post *p, const struct config *c, struct buf *names,
                         struct buf *routes)
{
	struct arena a = {0};
	struct buf r = {0};

	buf_reset(names);
	buf_reset(routes);
	buf_addc(routes, '\n');
	for (size_t k = 0; k < c->ntaxonomies; k++) {
		struct strlist terms;
		post_terms(&p->fields, &c->taxonomies[k], &terms, &a);
		for (size_t i = 0; i < terms.len; i++) {
			buf_printf(names, "%s%s", names->len ? " " : "", terms.items[i]);
			buf_reset(&r);
			post_term_route("", terms.items[i], &r);
			buf_add(routes, r.data + 2, r.len - 2);
			buf_addc(routes, '\n');
		}
	}
	buf_free(&r);
	arena_free(&a);
	buf_cstr(names);
	buf_cstr(routes);
}

static void search_bind(sqlite3_stmt *st, int i, const char *p, size_t n)
{
	sqlite3_bind_text(st, i, p ? p : "", p ? (int)n : 0, SQLITE_TRANSIENT);
}

/* One post into the index (its old version, if any, is deleted first). */
static int search_insert(sqlite3 *db, const struct config *c, const struct post *p,
                         const struct buf *version, struct buf *text, struct buf *names,
                         struct buf *routes)
{
	sqlite3_stmt *st = NULL;
	int rc;
	unsigned f = (unsigned)c->search_fields;

	search_text(p, c, text);
	search_terms(p, c, names, routes);
	rc = sqlite3_prepare_v2(db, "INSERT INTO docs(name, version, terms, date) VALUES(?,?,?,?)",
	                        -1, &st, NULL);
	if (rc == SQLITE_OK) {
		search_bind(st, 1, p->name, strlen(p->name));
		search_bind(st, 2, version->data, version->len);
		search_bind(st, 3, routes->data, routes->len);
		sqlite3_bind_int64(st, 4, p->has_date ? (sqlite3_int64)p->date : 0);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_int64 id = sqlite3_last_insert_rowid(db);
	rc = sqlite3_prepare_v2(
	    db, "INSERT INTO fts(rowid, title, description, tags, body) VALUES(?,?,?,?,?)", -1, &st,
	    NULL);
	if (rc == SQLITE_OK) {
		const char *d = p->description ? p->description : "";
		sqlite3_bind_int64(st, 1, id);
		search_bind(st, 2, f & SEARCH_TITLE ? p->title : "",
		            f & SEARCH_TITLE ? strlen(p->title) : 0);
		search_bind(st, 3, f & SEARCH_DESCRIPTION ? d : "",
		            f & SEARCH_DESCRIPTION ? strlen(d) : 0);
		search_bind(st, 4, f & SEARCH_TAGS ? names->data : "",
		            f & SEARCH_TAGS ? names->len : 0);
		search_bind(st, 5, f & SEARCH_BODY ? text->data : "",
		            f & SEARCH_BODY ? text->len : 0);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	}
	sqlite3_finalize(st);
	return rc;
}

static int search_delete(sqlite3 *db, sqlite3_int64 id)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "DELETE FROM fts WHERE rowid = %lld;", (long long)id);
	int rc = search_exec(db, sql);
	snprintf(sql, sizeof(sql), "DELETE FROM docs WHERE id = %lld;", (long long)id);
	return rc != SQLITE_OK ? rc : search_exec(db, sql);
}

/* Bring db to s: the documents s no longer serves out, those new or changed in, in
 * transactions of SEARCH_BATCH; the signature, written last, says it is done. */
static int search_sync_db(sqlite3 *db, const struct site *s, uint64_t sig)
{
	const struct config *c = s->config;
	size_t n, at = 0;
	const struct post **ps = search_served(s, &n);
	struct buf version = {0}, text = {0}, names = {0}, routes = {0};
	sqlite3_stmt *st = NULL;
	sqlite3_int64 *gone = NULL;
	size_t ngone = 0, cap = 0;
	int rc = search_exec(db, "BEGIN IMMEDIATE;");

	if (rc != SQLITE_OK)
		goto out;
	/* The documents, by name, against the posts, by name: one walk of both. */
	rc = sqlite3_prepare_v2(db, "SELECT id, name, version FROM docs ORDER BY name", -1, &st,
	                        NULL);
	const struct post **fresh = xcalloc(n + 1, sizeof(*fresh));
	size_t nfresh = 0;
	while (rc == SQLITE_OK) {
		int step = sqlite3_step(st);
		if (step != SQLITE_ROW) {
			rc = step == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
			break;
		}
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *ver = (const char *)sqlite3_column_text(st, 2);
		int cmp = 1;
		while (at < n && (cmp = strcmp(ps[at]->name, name ? name : "")) < 0)
			fresh[nfresh++] = ps[at++];
		int keep = 0;
		if (at < n && cmp == 0) {
			search_version(ps[at], &version);
			keep = ver != NULL && strcmp(ver, buf_cstr(&version)) == 0;
			if (!keep)
				fresh[nfresh++] = ps[at];
			at++;
		}
		if (!keep) {
			if (ngone == cap)
				gone = xrealloc(gone, (cap = cap ? cap * 2 : 64) * sizeof(*gone));
			gone[ngone++] = id;
		}
	}
	sqlite3_finalize(st);
	while (at < n)
		fresh[nfresh++] = ps[at++];
	for (size_t i = 0; rc == SQLITE_OK && i < ngone; i++)
		rc = search_delete(db, gone[i]);
	for (size_t i = 0; rc == SQLITE_OK && i < nfresh; i++) {
		search_version(fresh[i], &version);
		rc = search_insert(db, c, fresh[i], &version, &text, &names, &routes);
		/* Kept as it goes: an index made from nothing (seconds at 10,000 posts) that is
		 * stopped half way is taken up where it was by the next process. */
		if (rc == SQLITE_OK && (i + 1) % SEARCH_BATCH == 0) {
			rc = search_exec(db, "COMMIT;");
			if (rc == SQLITE_OK)
				rc = search_exec(db, "BEGIN IMMEDIATE;");
		}
	}
	free(fresh);
	if (rc == SQLITE_OK) {
		char sql[128];
		snprintf(sql, sizeof(sql),
		         "INSERT OR REPLACE INTO meta(key, value) VALUES('signature', '%016llx');",
		         (unsigned long long)sig);
		rc = search_exec(db, sql);
	}
	if (rc == SQLITE_OK)
		rc = search_exec(db, "COMMIT;");
	if (rc != SQLITE_OK)
		search_exec(db, "ROLLBACK;");
out:
	free(gone);
	free(ps);
	buf_free(&version);
	buf_free(&text);
	buf_free(&names);
	buf_free(&routes);
	return rc;
}

int search_sync(const struct site *s)
{
	int rc;

	if (!s->config->search)
		return 0;
	pthread_mutex_lock(&search_lock);
	if (search_db == NULL) {
		pthread_mutex_unlock(&search_lock);
		return -1;
	}
	uint64_t sig = search_signature(s);
	if (search_meta_is(search_db, sig)) {
		pthread_mutex_unlock(&search_lock);
		return 0;
	}
	rc = search_sync_db(search_db, s, sig);
	if (rc != SQLITE_OK && search_path != NULL && search_damaged(rc) &&
	    (rc & 0xff) != SQLITE_ERROR) {
		log_msg(LOG_WARN, "%s: the search index is damaged (%s): made anew", search_path,
		        sqlite3_errstr(rc));
		sqlite3_close(search_db);
		search_remove(search_path);
		search_db = search_connect(search_path, &rc);
		rc = search_db ? search_sync_db(search_db, s, sig) : rc;
	}
	if (rc != SQLITE_OK && !search_said) {
		log_msg(LOG_ERROR,
		        "%s: the search index cannot be brought up to date (%s); "
		        "searches answer from the last good one",
		        search_path ? search_path : ":memory:", sqlite3_errstr(rc));
		search_said = 1;
	} else if (rc == SQLITE_OK) {
		search_said = 0;
		__atomic_add_fetch(&search_made, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&search_lock);
	return rc == SQLITE_OK ? 0 : -1;
}

unsigned long search_generation(void)
{
	return __atomic_load_n(&search_made, __ATOMIC_ACQUIRE);
}

int search_current(const struct site *s)
{
	int same;

	pthread_mutex_lock(&search_lock);
	same = search_db != NULL && search_meta_is(search_db, search_signature(s));
	pthread_mutex_unlock(&search_lock);
	return same;
}

int search_open_for(const struct site *s)
{
	const struct config *c = s->config;
	struct buf path = {0};
	sqlite3 *db = NULL;
	int current = 0;

	/* Opened already: by the server at start, or by this CGI request. */
	if (!c->search || search_config != NULL)
		return 0;
	pthread_once(&search_once, search_key_make);
	if (c->state_dir != NULL) {
		buf_printf(&path, "%s/search.db", c->state_dir);
		if (sqlite3_open_v2(buf_cstr(&path), &db,
		                    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK)
			current = search_meta_is(db, search_signature(s));
		sqlite3_close(db);
	}
	buf_free(&path);
	if (current) {
		search_config = c;
		return 0;
	}
	if (search_open(c) < 0)
		return -1;
	return search_sync(s);
}

/* The connection this thread reads through: its own read-only one on the file, or the
 * one in memory (the caller then holds search_lock). */
static sqlite3 *search_reader(int *locked)
{
	sqlite3 *db;
	struct buf path = {0};

	*locked = 0;
	if (search_config == NULL || search_config->state_dir == NULL) {
		pthread_mutex_lock(&search_lock);
		*locked = 1;
		return search_db;
	}
	db = pthread_getspecific(search_readers);
	if (db != NULL)
		return db;
	buf_printf(&path, "%s/search.db", search_config->state_dir);
	if (sqlite3_open_v2(buf_cstr(&path), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		log_msg(LOG_ERROR, "%s: cannot read the search index: %s", path.data,
		        sqlite3_errmsg(db));
		sqlite3_close(db);
		db = NULL;
	} else {
		sqlite3_busy_timeout(db, 2000);
		pthread_setspecific(search_readers, db);
	}
	buf_free(&path);
	return db;
}

/* The SQL of a search: WHERE and its binds made from q. */
static void search_where(const struct query *q, struct buf *sql)
{
	if (q->match.len > 0)
		buf_adds(sql, " WHERE fts MATCH ?1");
	else
		buf_adds(sql, " WHERE 1");
	for (size_t i = 0; i < q->ntags; i++)
		buf_printf(sql, " AND instr(d.terms, ?%zu) > 0", i + 2);
}

static void search_binds(sqlite3_stmt *st, const struct query *q)
{
	const char *t = q->tags.data;

	if (q->match.len > 0)
		search_bind(st, 1, q->match.data, q->match.len);
	for (size_t i = 0; i < q->ntags; i++) {
		const char *nl = strchr(t, '\n');
		/* "\nname\n": the term between the newlines the index writes around each. */
		char *w = sqlite3_mprintf("\n%.*s\n", (int)(nl - t), t);
		sqlite3_bind_text(st, (int)i + 2, w, -1, sqlite3_free);
		t = nl + 1;
	}
}

/* The snippet FTS5 made (text with \1 before and \2 after each word found) as HTML. */
static const char *search_snippet(const char *p, size_t n, size_t *len, struct arena *a)
{
	struct buf b = {0};
	const char *out;

	for (size_t i = 0; i < n; i++) {
		size_t k = i;
		while (k < n && p[k] != '\1' && p[k] != '\2')
			k++;
		html_escape(&b, p + i, k - i);
		if (k < n)
			buf_adds(&b, p[k] == '\1' ? "<mark>" : "</mark>");
		i = k;
	}
	*len = b.len;
	out = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

int search_run(const struct site *s, const struct query *q, size_t offset, size_t limit,
               struct search_result *out, struct arena *a)
{
	const struct config *c = s->config;
	struct buf sql = {0};
	sqlite3_stmt *st = NULL;
	int locked, rc = -1;
	sqlite3 *db;

	memset(out, 0, sizeof(*out));
	if (q->none || (q->match.len == 0 && q->ntags == 0))
		return 0;
	db = search_reader(&locked);
	if (db == NULL)
		goto out;
	/* Counted in the FTS5 table alone when nothing needs the documents' terms: the join
	 * costs a lookup per match (47 ms against 1 ms for a word of 10,000 posts). */
	buf_adds(&sql, q->ntags ? "SELECT count(*) FROM fts JOIN docs d ON d.id = fts.rowid"
	                        : "SELECT count(*) FROM fts");
	search_where(q, &sql);
	if (sqlite3_prepare_v2(db, buf_cstr(&sql), -1, &st, NULL) != SQLITE_OK)
		goto fail;
	search_binds(st, q);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	out->count = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	buf_reset(&sql);
	if (q->match.len > 0)
		buf_printf(&sql,
		           "SELECT d.name, snippet(fts, -1, char(1), char(2), '…', %ld)"
		           " FROM fts JOIN docs d ON d.id = fts.rowid",
		           c->search_snippet);
	else
		buf_adds(&sql, "SELECT d.name, substr(fts.body, 1, 240) FROM fts JOIN docs d ON"
		               " d.id = fts.rowid");
	search_where(q, &sql);
	if (q->match.len > 0)
		buf_adds(&sql, " ORDER BY bm25(fts, 10.0, 5.0, 3.0, 1.0)");
	else
		buf_adds(&sql, " ORDER BY d.date DESC, d.name");
	buf_printf(&sql, " LIMIT %zu OFFSET %zu", limit, offset);
	if (sqlite3_prepare_v2(db, buf_cstr(&sql), -1, &st, NULL) != SQLITE_OK)
		goto fail;
	search_binds(st, q);
	out->hits = arena_alloc(a, (limit ? limit : 1) * sizeof(*out->hits));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const struct post *p = name ? site_served_named(s, name) : NULL;
		/* An index behind the snapshot (a CGI process reading it) may name a post no
		 * longer served: it is left out. */
		if (p == NULL || out->nhits == limit)
			continue;
		struct search_hit *h = &out->hits[out->nhits++];
		h->post = p;
		h->snippet =
		    search_snippet((const char *)sqlite3_column_text(st, 1),
		                   (size_t)sqlite3_column_bytes(st, 1), &h->snippet_len, a);
	}
	rc = 0;
	goto out;
fail:
	log_msg(LOG_ERROR, "%s: search failed: %s", search_path ? search_path : "search index",
	        sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	if (locked)
		pthread_mutex_unlock(&search_lock);
	buf_free(&sql);
	return rc;
}

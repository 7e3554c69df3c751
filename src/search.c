/* search.c — the full-text index of a site's live posts and pages, in SQLite's FTS5
 * (Debian's libsqlite3 has it built in), and the searches on it.
 *
 * The index holds exactly what a snapshot serves: a table of documents (file name, the
 * version of the file it was made from, the post's terms, its date) and an FTS5 table of
 * their title, description, terms and text (the body without its markup), with Porter
 * stemming over unicode61 with diacritics removed. search_sync() brings it to a snapshot
 * from the files that changed, a thousand per transaction (their text made by a second
 * thread while the first writes), before that snapshot is published; a signature of the
 * snapshot's documents, kept in the index, says whether it is in step. In the state
 * folder the file is in WAL mode: each request thread reads through its own read-only
 * connection while the watcher writes. Without a state folder it is in memory, one
 * connection behind a lock. Searches rank and quote with search_rank.c's functions. */
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
#include "search_rank.h"
#include "site.h"

/* Documents written in one transaction, at most. */
#define SEARCH_BATCH 1024

/* The layout of the tables: another one is made anew. */
#define SEARCH_FORMAT "2"

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

/* The documents' lengths quire_rank() reads, as the index was at generation made: one
 * table for the process, made again by the first search after the index changes, freed
 * when the last search using it ends. */
struct search_len {
	struct search_lengths *l;
	unsigned long made;
	int refs;
};
static pthread_mutex_t search_len_lock = PTHREAD_MUTEX_INITIALIZER;
static struct search_len *search_len_cur;

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
	if (rc == SQLITE_OK)
		rc = search_rank_register(db);
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

static void search_len_put_locked(struct search_len *c)
{
	if (c != NULL && --c->refs == 0) {
		search_lengths_free(c->l);
		free(c);
	}
}

/* The lengths table for the index as it is now, read through db; with search_len_put(). */
static struct search_len *search_len_get(sqlite3 *db)
{
	unsigned long made = search_generation();
	struct search_len *c;

	pthread_mutex_lock(&search_len_lock);
	c = search_len_cur;
	if (c == NULL || c->made != made) {
		search_len_put_locked(c);
		c = xcalloc(1, sizeof(*c));
		c->l = search_lengths_load(db);
		c->made = made;
		c->refs = 1; /* search_len_cur's */
		search_len_cur = c;
	}
	c->refs++;
	pthread_mutex_unlock(&search_len_lock);
	return c;
}

static void search_len_put(struct search_len *c)
{
	pthread_mutex_lock(&search_len_lock);
	search_len_put_locked(c);
	pthread_mutex_unlock(&search_len_lock);
}

void search_close(void)
{
	pthread_mutex_lock(&search_len_lock);
	search_len_put_locked(search_len_cur);
	search_len_cur = NULL;
	pthread_mutex_unlock(&search_len_lock);
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
		if (s->places[i].served)
			out[(*n)++] = s->posts[i];
	return out;
}

/* Which version of its file a post is, in hex: it is indexed again when this changes. */
static void search_version(const struct post *p, struct buf *out)
{
	const uint64_t v[] = {(uint64_t)p->ino, (uint64_t)p->size, (uint64_t)p->mtime.tv_sec,
	                      (uint64_t)p->mtime.tv_nsec, p->hash};
	char tmp[5 * 17], *o = tmp;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int shift = 60;
		while (shift > 0 && (v[i] >> shift) == 0)
			shift -= 4;
		for (; shift >= 0; shift -= 4)
			*o++ = "0123456789abcdef"[(v[i] >> shift) & 15];
		*o++ = ':';
	}
	buf_reset(out);
	buf_add(out, tmp, (size_t)(o - tmp) - 1);
}

/* The signature of what the index should hold for s: its documents and their versions,
 * and the fields indexed. */
static uint64_t search_signature(const struct site *s)
{
	uint64_t h = hash_bytes(SEARCH_FORMAT, 1, (uint64_t)s->config->search_fields);

	for (size_t i = 0; i < s->nposts; i++) {
		const struct post *p = s->posts[i];
		if (!s->places[i].served)
			continue;
		const uint64_t v[] = {(uint64_t)p->ino, (uint64_t)p->size,
		                      (uint64_t)p->mtime.tv_sec, (uint64_t)p->mtime.tv_nsec,
		                      p->hash};
		h = hash_bytes(p->name, strlen(p->name) + 1, h);
		h = hash_bytes(v, sizeof(v), h);
	}
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

/* The text of p's body without markup, for the index: its file read now. */
static void search_text(const struct post *p, const struct config *c, struct buf *out)
{
	struct buf file = {0};
	struct markdown_opts mo;

	buf_reset(out);
	if (file_read(AT_FDCWD, p->path, 0, (size_t)c->post_max, &file, NULL) == 0 &&
	    file.len >= p->body_offset) {
		markdown_opts_init(&mo, c);
		mo.math |= p->math;
		markdown_text(file.data + p->body_offset, file.len - p->body_offset, &mo, out);
	}
	buf_free(&file);
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

/* What goes into the index for one post. */
struct search_doc {
	struct buf version, text, names, routes;
};

static void search_doc_make(const struct config *c, const struct post *p, struct search_doc *d)
{
	search_version(p, &d->version);
	search_text(p, c, &d->text);
	search_terms(p, c, &d->names, &d->routes);
}

static void search_doc_free(struct search_doc *d)
{
	buf_free(&d->version);
	buf_free(&d->text);
	buf_free(&d->names);
	buf_free(&d->routes);
}

/* The statements that put a document in. */
struct search_put {
	sqlite3_stmt *doc, *fts;
};

static int search_put_prepare(sqlite3 *db, struct search_put *put)
{
	int rc =
	    sqlite3_prepare_v2(db, "INSERT INTO docs(name, version, terms, date) VALUES(?,?,?,?)",
	                       -1, &put->doc, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(
		    db, "INSERT INTO fts(rowid, title, description, tags, body) VALUES(?,?,?,?,?)",
		    -1, &put->fts, NULL);
	return rc;
}

static void search_put_finalize(struct search_put *put)
{
	sqlite3_finalize(put->doc);
	sqlite3_finalize(put->fts);
}

static int search_step(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* One post into the index (its old version, if any, is deleted first). */
static int search_insert(sqlite3 *db, const struct config *c, const struct post *p,
                         const struct search_doc *d, struct search_put *put)
{
	unsigned f = (unsigned)c->search_fields;
	const char *desc = p->description ? p->description : "";

	search_bind(put->doc, 1, p->name, strlen(p->name));
	search_bind(put->doc, 2, d->version.data, d->version.len);
	search_bind(put->doc, 3, d->routes.data, d->routes.len);
	sqlite3_bind_int64(put->doc, 4, p->has_date ? (sqlite3_int64)p->date : 0);
	int rc = search_step(db, put->doc);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(put->fts, 1, sqlite3_last_insert_rowid(db));
	search_bind(put->fts, 2, f & SEARCH_TITLE ? p->title : "",
	            f & SEARCH_TITLE ? strlen(p->title) : 0);
	search_bind(put->fts, 3, f & SEARCH_DESCRIPTION ? desc : "",
	            f & SEARCH_DESCRIPTION ? strlen(desc) : 0);
	search_bind(put->fts, 4, f & SEARCH_TAGS ? d->names.data : "",
	            f & SEARCH_TAGS ? d->names.len : 0);
	search_bind(put->fts, 5, f & SEARCH_BODY ? d->text.data : "",
	            f & SEARCH_BODY ? d->text.len : 0);
	return search_step(db, put->fts);
}

/* The documents of many posts made by a second thread while the writer puts earlier ones
 * in: reading and rendering them is a third of making the index from nothing. The thread
 * keeps at most SEARCH_AHEAD ready. */
#define SEARCH_AHEAD    64
#define SEARCH_FEED_MIN (2 * SEARCH_AHEAD) /* fewer are made by the writer */

struct search_feed {
	const struct config *c;
	const struct post **posts;
	size_t n;
	struct search_doc slot[SEARCH_AHEAD];
	size_t made, taken; /* under lock */
	int stop, threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void *search_feed_run(void *arg)
{
	struct search_feed *f = arg;

	for (size_t i = 0; i < f->n; i++) {
		pthread_mutex_lock(&f->lock);
		while (!f->stop && i - f->taken >= SEARCH_AHEAD)
			pthread_cond_wait(&f->cond, &f->lock);
		int stop = f->stop;
		pthread_mutex_unlock(&f->lock);
		if (stop)
			break;
		search_doc_make(f->c, f->posts[i], &f->slot[i % SEARCH_AHEAD]);
		pthread_mutex_lock(&f->lock);
		f->made = i + 1;
		pthread_cond_broadcast(&f->cond);
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

static void search_feed_start(struct search_feed *f, const struct config *c,
                              const struct post **posts, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->c = c;
	f->posts = posts;
	f->n = n;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	f->threaded =
	    n >= SEARCH_FEED_MIN && pthread_create(&f->thread, NULL, search_feed_run, f) == 0;
}

/* The document of post i, in order. */
static const struct search_doc *search_feed_take(struct search_feed *f, size_t i)
{
	if (!f->threaded) {
		search_doc_make(f->c, f->posts[i], &f->slot[0]);
		return &f->slot[0];
	}
	pthread_mutex_lock(&f->lock);
	while (f->made <= i)
		pthread_cond_wait(&f->cond, &f->lock);
	pthread_mutex_unlock(&f->lock);
	return &f->slot[i % SEARCH_AHEAD];
}

static void search_feed_done(struct search_feed *f, size_t i)
{
	if (!f->threaded)
		return;
	pthread_mutex_lock(&f->lock);
	f->taken = i + 1;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

static void search_feed_end(struct search_feed *f)
{
	if (f->threaded) {
		pthread_mutex_lock(&f->lock);
		f->stop = 1;
		pthread_cond_broadcast(&f->cond);
		pthread_mutex_unlock(&f->lock);
		pthread_join(f->thread, NULL);
	}
	for (size_t i = 0; i < SEARCH_AHEAD; i++)
		search_doc_free(&f->slot[i]);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
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
	struct buf version = {0};
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
	struct search_put put = {0};
	struct search_feed feed;
	if (rc == SQLITE_OK)
		rc = search_put_prepare(db, &put);
	search_feed_start(&feed, c, fresh, rc == SQLITE_OK ? nfresh : 0);
	for (size_t i = 0; rc == SQLITE_OK && i < nfresh; i++) {
		rc = search_insert(db, c, fresh[i], search_feed_take(&feed, i), &put);
		search_feed_done(&feed, i);
		/* Kept as it goes: an index made from nothing (seconds at 10,000 posts) that is
		 * stopped half way is taken up where it was by the next process. */
		if (rc == SQLITE_OK && (i + 1) % SEARCH_BATCH == 0) {
			rc = search_exec(db, "COMMIT;");
			if (rc == SQLITE_OK)
				rc = search_exec(db, "BEGIN IMMEDIATE;");
		}
	}
	search_feed_end(&feed);
	search_put_finalize(&put);
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
	return rc;
}

/* The WAL copied into the database and emptied, unless a reader holds it (then the next
 * change tries again; nothing waits, or the snapshot would be published later): the first
 * connection of a process (each CGI request's) reads the whole WAL to rebuild its index
 * (10 ms for one of 10 MB, a thousand posts written at once). */
static void search_checkpoint(sqlite3 *db)
{
	if (search_path == NULL)
		return;
	sqlite3_busy_timeout(db, 0);
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(db, 5000);
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
		search_checkpoint(search_db);
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
	} else if (search_rank_register(db) != SQLITE_OK) {
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
	struct search_len *len = NULL;
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
		           "SELECT d.name, quire_snippet(fts, %ld) FROM fts JOIN docs d ON"
		           " d.id = fts.rowid",
		           c->search_snippet);
	else
		buf_adds(&sql, "SELECT d.name, substr(fts.body, 1, 240) FROM fts JOIN docs d ON"
		               " d.id = fts.rowid");
	search_where(q, &sql);
	if (q->match.len > 0)
		buf_adds(&sql, " ORDER BY quire_rank(fts, 10.0, 5.0, 3.0, 1.0)");
	else
		buf_adds(&sql, " ORDER BY d.date DESC, d.name");
	buf_printf(&sql, " LIMIT %zu OFFSET %zu", limit, offset);
	if (sqlite3_prepare_v2(db, buf_cstr(&sql), -1, &st, NULL) != SQLITE_OK)
		goto fail;
	search_binds(st, q);
	len = search_len_get(db);
	search_lengths_use(len->l);
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
	search_lengths_use(NULL);
	if (len != NULL)
		search_len_put(len);
	if (locked)
		pthread_mutex_unlock(&search_lock);
	buf_free(&sql);
	return rc;
}

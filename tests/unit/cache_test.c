/* cache_test.c — the body cache: put and get, least recently used out first within the byte
 * budget, strong etags, held entries outliving their eviction, and two threads at once. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "check.h"
#include "hash.h"

#define LEN 100 /* every scenario entry's data length */

/* One step of a scenario run against a budget of BUDGET_ENTRIES entries of LEN bytes. */
enum op {
	END,    /* the end of the steps */
	PUT,    /* put key, release it */
	HOLD,   /* put key and keep it held in slot */
	GET,    /* get key: want says whether it is there; released at once */
	DROP,   /* release what slot holds */
	INTACT, /* what slot holds still reads as key's data */
};

struct step {
	enum op op;
	uint64_t key;
	int want; /* GET: 1 found, 0 not */
	int slot; /* HOLD, DROP, INTACT */
};

struct scenario {
	const char *name;
	size_t entries; /* the budget in entries */
	struct step steps[24];
};

/* Keys 1 and 4097 share a bucket of the 4096: unlinking one must keep the other. */
static const struct scenario scenarios[] = {
    {"a put entry is got back", 3, {{PUT, 1, 0, 0}, {GET, 1, 1, 0}, {GET, 2, 0, 0}}},
    {"the least recently put goes first",
     3,
     {{PUT, 1, 0, 0},
      {PUT, 2, 0, 0},
      {PUT, 3, 0, 0},
      {PUT, 4, 0, 0},
      {GET, 1, 0, 0},
      {GET, 2, 1, 0},
      {GET, 3, 1, 0},
      {GET, 4, 1, 0}}},
    {"a get makes an entry recent",
     3,
     {{PUT, 1, 0, 0},
      {PUT, 2, 0, 0},
      {PUT, 3, 0, 0},
      {GET, 1, 1, 0},
      {PUT, 4, 0, 0},
      {GET, 2, 0, 0},
      {GET, 1, 1, 0},
      {GET, 3, 1, 0},
      {GET, 4, 1, 0}}},
    {"a second put of a key makes it no more recent, and is no second entry",
     3,
     {{PUT, 1, 0, 0},
      {PUT, 2, 0, 0},
      {PUT, 1, 0, 0},
      {PUT, 3, 0, 0},
      {PUT, 4, 0, 0},
      {GET, 1, 0, 0},
      {GET, 2, 1, 0},
      {GET, 3, 1, 0},
      {GET, 4, 1, 0}}},
    {"keys sharing a bucket are told apart and evicted one by one",
     2,
     {{PUT, 1, 0, 0},
      {PUT, 4097, 0, 0},
      {GET, 1, 1, 0},
      {GET, 4097, 1, 0},
      {PUT, 8193, 0, 0},
      {GET, 1, 0, 0},
      {GET, 4097, 1, 0},
      {GET, 8193, 1, 0}}},
    {"an entry evicted while held stays readable until released",
     2,
     {{HOLD, 1, 0, 0},
      {PUT, 2, 0, 0},
      {PUT, 3, 0, 0},
      {GET, 1, 0, 0},
      {INTACT, 1, 0, 0},
      {PUT, 4, 0, 0},
      {PUT, 5, 0, 0},
      {INTACT, 1, 0, 0},
      {DROP, 0, 0, 0},
      {GET, 1, 0, 0}}},
    {"an entry held twice survives its first release",
     2,
     {{HOLD, 1, 0, 0},
      {HOLD, 1, 0, 1},
      {PUT, 2, 0, 0},
      {PUT, 3, 0, 0},
      {DROP, 0, 0, 0},
      {INTACT, 1, 0, 1},
      {DROP, 0, 0, 1}}},
    {"a held entry still in the table is found again",
     3,
     {{HOLD, 1, 0, 0}, {GET, 1, 1, 0}, {INTACT, 1, 0, 0}, {DROP, 0, 0, 0}, {GET, 1, 1, 0}}},
    {"a budget of 0 keeps nothing", 0, {{PUT, 1, 0, 0}, {GET, 1, 0, 0}}},
    {"a budget of 0 still hands back a readable entry",
     0,
     {{HOLD, 1, 0, 0}, {INTACT, 1, 0, 0}, {GET, 1, 0, 0}, {DROP, 0, 0, 0}}},
};

/* An entry's data: LEN bytes derived from its key. */
static void cache_test_data(uint64_t key, char *out)
{
	for (size_t i = 0; i < LEN; i++)
		out[i] = (char)('a' + (key * 7 + i) % 26);
}

static int cache_test_intact(const struct cache_entry *e, uint64_t key)
{
	char want[LEN];

	cache_test_data(key, want);
	return e != NULL && e->len == LEN && memcmp(e->data, want, LEN) == 0 && e->modified == 42;
}

static void cache_test_scenario(const struct scenario *sc, uint64_t base)
{
	struct cache_entry *held[2] = {0};
	char data[LEN], name[200];
	int ok = 1;

	/* Earlier runs' entries are older than this run's, so they are evicted first; base
	 * keeps each run's keys its own. */
	cache_init(sc->entries * (sizeof(struct cache_entry) + LEN));
	for (size_t i = 0; i < sizeof(sc->steps) / sizeof(sc->steps[0]) && ok; i++) {
		const struct step *st = &sc->steps[i];
		uint64_t key = st->key + base;
		struct cache_entry *e;

		cache_test_data(key, data);
		if (st->op == END)
			break;
		switch (st->op) {
		case END:
			break;
		case PUT:
			e = cache_put(key, data, LEN, 42);
			if (!cache_test_intact(e, key)) {
				check("cache", sc->name, 0, "step %zu: put %llu gave a wrong entry",
				      i, (unsigned long long)st->key);
				ok = 0;
			}
			cache_release(e);
			break;
		case HOLD:
			held[st->slot] = cache_put(key, data, LEN, 42);
			break;
		case GET:
			e = cache_get(key);
			if ((e != NULL) != st->want || (e != NULL && !cache_test_intact(e, key))) {
				check("cache", sc->name, 0, "step %zu: get %llu %s", i,
				      (unsigned long long)st->key,
				      e != NULL ? (st->want ? "has wrong data" : "is there")
				                : "is missing");
				ok = 0;
			}
			cache_release(e);
			break;
		case DROP:
			cache_release(held[st->slot]);
			held[st->slot] = NULL;
			break;
		case INTACT:
			if (!cache_test_intact(held[st->slot], key)) {
				check("cache", sc->name, 0, "step %zu: held %llu changed", i,
				      (unsigned long long)st->key);
				ok = 0;
			}
			break;
		}
	}
	snprintf(name, sizeof(name), "%s", sc->name);
	if (ok)
		check("cache", name, 1, "");
	cache_release(held[0]);
	cache_release(held[1]);
}

/* Contents whose etags must all differ: neighbours in length, order and one bit. */
static const struct {
	const char *p;
	size_t n;
} contents[] = {
    {"", 0},
    {"\0", 1},
    {"\0\0", 2},
    {"a", 1},
    {"b", 1},
    {"ab", 2},
    {"ba", 2},
    {"abcdefgh", 8},
    {"abcdefgi", 8},
    {"bbcdefgh", 8},
    {"abcdefgh\0", 9},
    {"abcdefghabcdefgh", 16},
    {"abcdefghabcdefgi", 16},
    {"abcdefgiabcdefgh", 16},
    {"<p>Hello</p>\n", 13},
    {"<p>Hello</p>\r\n", 14},
    {"<p>hello</p>\n", 13},
};

static void cache_test_etags(void)
{
	const size_t n = sizeof(contents) / sizeof(contents[0]);
	char tags[sizeof(contents) / sizeof(contents[0])][20];
	char name[160];
	int distinct = 1;

	cache_init(1 << 20);
	for (size_t i = 0; i < n; i++) {
		struct cache_entry *e = cache_put(1000 + i, contents[i].p, contents[i].n, 7);
		struct cache_entry *m = cache_make(contents[i].p, contents[i].n, 7);
		size_t hex = 0;

		for (size_t k = 1; k < 17; k++)
			hex += (e->etag[k] >= '0' && e->etag[k] <= '9') ||
			       (e->etag[k] >= 'a' && e->etag[k] <= 'f');
		snprintf(name, sizeof(name), "etag of content %zu is a quoted 16-digit hex tag", i);
		check("cache", name,
		      strlen(e->etag) == 18 && e->etag[0] == '"' && e->etag[17] == '"' && hex == 16,
		      "%s", e->etag);
		snprintf(name, sizeof(name), "etag of content %zu is the same made or put", i);
		check("cache", name, strcmp(e->etag, m->etag) == 0, "%s vs %s", e->etag, m->etag);
		memcpy(tags[i], e->etag, sizeof(tags[i]));
		cache_release(e);
		cache_release(m);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(tags[i], tags[j]) == 0) {
				distinct = 0;
				printf("# contents %zu and %zu share %s\n", i, j, tags[i]);
			}
	check("cache", "distinct contents have distinct etags", distinct, "");

	/* Equal content under another key, and copied from another buffer. */
	char copy[32];
	memcpy(copy, "abcdefghabcdefgh", 16);
	struct cache_entry *a = cache_put(2000, copy, 16, 1), *b = cache_get(1000 + 11);
	check("cache", "equal content under another key and time has an equal etag",
	      b != NULL && strcmp(a->etag, b->etag) == 0 && a->modified == 1 && b->modified == 7,
	      "");
	cache_release(a);
	cache_release(b);

	/* A second put of a key keeps the first data, etag and modified. */
	a = cache_put(3000, "first", 5, 100);
	b = cache_put(3000, "second", 6, 200);
	check("cache", "a second put under a key hands back the first entry",
	      a == b && b->len == 5 && memcmp(b->data, "first", 5) == 0 && b->modified == 100,
	      "len %zu modified %lld", b->len, (long long)b->modified);
	cache_release(a);
	cache_release(b);

	/* modified is kept as given, any value. */
	static const time_t times[] = {0, -1, 1, 253402300799, -62135596800};
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		a = cache_put(4000 + i, "x", 1, times[i]);
		b = cache_get(4000 + i);
		snprintf(name, sizeof(name), "modified %lld kept", (long long)times[i]);
		check("cache", name,
		      b != NULL && a->modified == times[i] && b->modified == times[i], "");
		cache_release(a);
		cache_release(b);
	}
	a = cache_put(5000, "", 0, 3);
	b = cache_get(5000);
	check("cache", "an empty body is kept and found", b == a && b->len == 0, "");
	cache_release(a);
	cache_release(b);
	a = cache_make("abc", 3, 5);
	check("cache", "a made entry is kept nowhere", cache_get(0) == NULL && a->len == 3, "");
	check("cache", "a made entry's derived value starts at 0", a->derived == 0, "");
	cache_release(a);
	cache_release(NULL);
	check("cache", "releasing NULL does nothing", 1, "");
}

static void cache_test_hash(void)
{
	const char *s = "The quick brown fox jumps over the lazy dog";
	size_t n = strlen(s);
	uint64_t h = hash_bytes(s, n, 0);

	check("cache", "hash is a function of its input", h == hash_bytes(s, n, 0), "");
	check("cache", "hash depends on the seed", h != hash_bytes(s, n, 1), "");
	check("cache", "hash depends on the length", h != hash_bytes(s, n - 1, 0), "");
	check("cache", "hash chained through its seed differs from one call",
	      hash_bytes(s + 10, n - 10, hash_bytes(s, 10, 0)) != h, "");
	check("cache", "hash of a prefix chained differs by the split",
	      hash_bytes(s + 10, n - 10, hash_bytes(s, 10, 0)) !=
	          hash_bytes(s + 11, n - 11, hash_bytes(s, 11, 0)),
	      "");
	/* Every single-bit change of a 24-byte input moves the hash. */
	unsigned char buf[24] = {0};
	uint64_t base = hash_bytes(buf, sizeof(buf), 0);
	int moved = 1;
	for (size_t bit = 0; bit < sizeof(buf) * 8; bit++) {
		buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		if (hash_bytes(buf, sizeof(buf), 0) == base)
			moved = 0;
		buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	check("cache", "every one-bit change of 24 bytes changes the hash", moved, "");
}

/* Two threads over 64 keys and a budget of 16 entries: every entry got reads as its key's. */
#define THREAD_KEYS  64
#define THREAD_ITERS 60000

struct cache_test_thread {
	unsigned seed;
	long bad, hits;
};

static void *cache_test_worker(void *arg)
{
	struct cache_test_thread *t = arg;
	char data[LEN];

	for (long i = 0; i < THREAD_ITERS; i++) {
		t->seed = t->seed * 1103515245u + 12345u;
		uint64_t key = 900000 + (t->seed >> 16) % THREAD_KEYS;
		struct cache_entry *e = cache_get(key);
		if (e == NULL) {
			cache_test_data(key, data);
			e = cache_put(key, data, LEN, 42);
		} else {
			t->hits++;
		}
		if (e->key != key || !cache_test_intact(e, key))
			t->bad++;
		cache_release(e);
	}
	return NULL;
}

static void cache_test_threads(void)
{
	struct cache_test_thread t[2] = {{1, 0, 0}, {2, 0, 0}};
	pthread_t th[2];
	int started = 0;

	cache_init(16 * (sizeof(struct cache_entry) + LEN));
	for (int i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, cache_test_worker, &t[i]) == 0)
			started++;
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	check("cache", "two threads started", started == 2, "%d", started);
	check("cache", "two threads: every entry got or put holds its key's data",
	      t[0].bad == 0 && t[1].bad == 0, "%ld and %ld wrong", t[0].bad, t[1].bad);
	check("cache", "two threads: some gets hit, some miss",
	      t[0].hits > 0 && t[0].hits < THREAD_ITERS && t[1].hits > 0 &&
	          t[1].hits < THREAD_ITERS,
	      "%ld and %ld hits", t[0].hits, t[1].hits);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		cache_test_scenario(&scenarios[i], 100000 * (i + 1));
	cache_test_etags();
	cache_test_hash();
	cache_test_threads();
	return check_exit();
}

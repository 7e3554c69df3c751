/* cache.h — rendered bodies and pages, kept within a memory budget, least recently used first out.
 */
#ifndef QUIRE_CACHE_H
#define QUIRE_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct cache_entry {
	uint64_t key;
	const char *data;
	size_t len;
	char etag[20]; /* "0123456789abcdef" with its quotes: a strong validator */
	time_t modified;
	/* Something derived from data once, by whoever needs it first (a body's word
	 * count): 0 until then; read and written with __atomic builtins. */
	long derived;
	/* Private to cache.c: */
	int refs;
	int linked; /* still findable in the table */
	struct cache_entry *lru_prev, *lru_next, *hash_next;
};

/* Keep at most budget bytes of entries nobody holds; 0 keeps nothing. */
void cache_init(size_t budget);
/* The entry for key, held until cache_release(), or NULL. */
struct cache_entry *cache_get(uint64_t key);
/* Copy data in under key and return it held. When key is already there, the
 * entry there is returned and data is dropped. */
struct cache_entry *cache_put(uint64_t key, const char *data, size_t len, time_t modified);
/* An entry made like cache_put()'s but kept nowhere: freed by its release. */
struct cache_entry *cache_make(const char *data, size_t len, time_t modified);
void cache_release(struct cache_entry *e);

#endif

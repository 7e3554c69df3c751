/* cache.c — rendered bodies and pages, kept within a memory budget, least recently used first out.
 * One lock guards the table and the recency list; entries are immutable once made,
 * and reference-counted so that eviction never frees bytes a response is sending. */
#include "cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"

#define CACHE_BUCKETS 4096 /* a power of two */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_entry *cache_table[CACHE_BUCKETS];
static struct cache_entry cache_lru = {.lru_prev = &cache_lru, .lru_next = &cache_lru};
static size_t cache_budget, cache_used;

void cache_init(size_t budget)
{
	cache_budget = budget;
}

static size_t cache_cost(const struct cache_entry *e)
{
	return sizeof(*e) + e->len;
}

static void cache_lru_unlink(struct cache_entry *e)
{
	e->lru_prev->lru_next = e->lru_next;
	e->lru_next->lru_prev = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void cache_lru_front(struct cache_entry *e)
{
	e->lru_next = cache_lru.lru_next;
	e->lru_prev = &cache_lru;
	cache_lru.lru_next->lru_prev = e;
	cache_lru.lru_next = e;
}

static void cache_unlink(struct cache_entry *e)
{
	struct cache_entry **p = &cache_table[e->key & (CACHE_BUCKETS - 1)];

	while (*p != e)
		p = &(*p)->hash_next;
	*p = e->hash_next;
	cache_lru_unlink(e);
	e->linked = 0;
	cache_used -= cache_cost(e);
}

/* Drop least recently used entries until the budget holds. Called locked;
 * an entry still held is freed by its last cache_release(). */
static void cache_evict(void)
{
	while (cache_used > cache_budget && cache_lru.lru_prev != &cache_lru) {
		struct cache_entry *e = cache_lru.lru_prev;
		cache_unlink(e);
		if (e->refs == 0)
			free(e);
	}
}

/* The entry under key, or NULL. Called with cache_lock held. */
static struct cache_entry *cache_find(uint64_t key)
{
	struct cache_entry *e = cache_table[key & (CACHE_BUCKETS - 1)];

	while (e != NULL && e->key != key)
		e = e->hash_next;
	return e;
}

struct cache_entry *cache_get(uint64_t key)
{
	struct cache_entry *e;

	pthread_mutex_lock(&cache_lock);
	e = cache_find(key);
	if (e != NULL) {
		e->refs++;
		cache_lru_unlink(e);
		cache_lru_front(e);
	}
	pthread_mutex_unlock(&cache_lock);
	return e;
}

struct cache_entry *cache_make(const char *data, size_t len, time_t modified)
{
	struct cache_entry *e = xmalloc(sizeof(*e) + len);

	memset(e, 0, sizeof(*e));
	e->data = (const char *)(e + 1);
	memcpy(e + 1, data, len);
	e->len = len;
	e->modified = modified;
	e->refs = 1;
	snprintf(e->etag, sizeof(e->etag), "\"%016llx\"",
	         (unsigned long long)hash_bytes(data, len, 0));
	return e;
}

struct cache_entry *cache_put(uint64_t key, const char *data, size_t len, time_t modified)
{
	struct cache_entry *e = cache_make(data, len, modified), *old;

	e->key = key;
	pthread_mutex_lock(&cache_lock);
	old = cache_find(key);
	if (old != NULL) {
		old->refs++;
		pthread_mutex_unlock(&cache_lock);
		free(e);
		return old;
	}
	if (cache_cost(e) <= cache_budget) {
		e->linked = 1;
		e->hash_next = cache_table[key & (CACHE_BUCKETS - 1)];
		cache_table[key & (CACHE_BUCKETS - 1)] = e;
		cache_lru_front(e);
		cache_used += cache_cost(e);
		cache_evict();
	}
	pthread_mutex_unlock(&cache_lock);
	return e;
}

void cache_release(struct cache_entry *e)
{
	int last;

	if (e == NULL)
		return;
	pthread_mutex_lock(&cache_lock);
	last = --e->refs == 0 && !e->linked;
	pthread_mutex_unlock(&cache_lock);
	if (last)
		free(e);
}

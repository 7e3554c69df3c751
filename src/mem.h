/* mem.h — allocation that aborts on failure, and the per-request arena. */
#ifndef QUIRE_MEM_H
#define QUIRE_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrndup(const char *s, size_t n);

/* A bump allocator: many small allocations, freed all at once. */
struct arena {
	struct arena_block *head;
};

void *arena_alloc(struct arena *a, size_t n);
/* Make the next block at least n bytes: for a caller that knows what it will need. */
void arena_reserve(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Forget every allocation but keep the first block for the next use. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

/* An arena many owners share, freed with the last reference: the posts read from the state
 * store live in one, so that ten thousand of them are a few large blocks, each filled,
 * rather than ten thousand small ones each part empty. */
struct arena_shared {
	struct arena arena;
	int refs; /* atomic */
};

struct arena_shared *arena_shared_new(void);
void arena_shared_ref(struct arena_shared *s);
void arena_shared_unref(struct arena_shared *s);

#endif

/* mem.c — allocation that aborts on failure, and the per-request arena. */
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mem_fail(size_t n)
{
	fprintf(stderr, "quire: fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		mem_fail(n);
	return p;
}

void *xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (p == NULL)
		mem_fail(count * n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		mem_fail(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

#define ARENA_FIRST 512
#define ARENA_BLOCK 16384

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t align = sizeof(max_align_t);

	n = (n + align - 1) / align * align;
	if (b == NULL || b->size - b->used < n) {
		/* Blocks start small and double: a post's front matter needs little. */
		size_t size = b == NULL ? ARENA_FIRST : b->size * 2;
		if (size > ARENA_BLOCK)
			size = ARENA_BLOCK;
		if (size < n)
			size = n;
		b = xmalloc(sizeof(*b) + size);
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

void arena_reserve(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;

	if (b != NULL && b->size - b->used >= n)
		return;
	b = xmalloc(sizeof(*b) + n);
	b->size = n;
	b->used = 0;
	b->next = a->head;
	a->head = b;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head;

	if (b == NULL)
		return;
	/* Keep the newest block (the one allocations go to); free the rest. */
	for (struct arena_block *old = b->next; old != NULL;) {
		struct arena_block *next = old->next;
		free(old);
		old = next;
	}
	b->next = NULL;
	b->used = 0;
}

struct arena_shared *arena_shared_new(void)
{
	struct arena_shared *s = xcalloc(1, sizeof(*s));

	s->refs = 1;
	return s;
}

void arena_shared_ref(struct arena_shared *s)
{
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
}

void arena_shared_unref(struct arena_shared *s)
{
	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	arena_free(&s->arena);
	free(s);
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b != NULL) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

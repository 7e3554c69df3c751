/* hash.c — the one hash of quire's tables and versions. */
#include "hash.h"

#include <string.h>

/* A 64-bit hash, eight bytes at a time: a multiply and a shift mix each word in,
 * and a final mix spreads the last bits. Not cryptographic: it tells versions of
 * the owner's own files apart. */
uint64_t hash_bytes(const void *p, size_t len, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = (seed ? seed : 0x9e3779b97f4a7c15ULL) ^ (len * 0xff51afd7ed558ccdULL);

	for (; len >= 8; s += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		w *= 0x87c37b91114253d5ULL;
		w ^= w >> 31;
		h = (h ^ w) * 0x4cf5ad432745937fULL;
		h ^= h >> 29;
	}
	for (; len > 0; s++, len--)
		h = (h ^ *s) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

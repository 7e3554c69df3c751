/* hash.h — the one hash of quire's tables and versions: the render cache's keys and
 * ETags, the route table, the posts' versions and the store's checksum. */
#ifndef QUIRE_HASH_H
#define QUIRE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* A 64-bit hash of len bytes at p, chained through seed (0: a fixed start). Not
 * cryptographic: it tells versions of the owner's own files apart. */
uint64_t hash_bytes(const void *p, size_t len, uint64_t seed);

#endif

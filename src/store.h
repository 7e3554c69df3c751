/* store.h — the posts of the last snapshot, kept in the state folder so that a new process
 * reads again only the posts that changed (CGI answers each request from a new process). */
#ifndef QUIRE_STORE_H
#define QUIRE_STORE_H

#include <stddef.h>

struct buf;
struct config;
struct site;

/* The bytes of a store file before its payload (the records). */
#define STORE_HEADER 40

/* The posts stored for this configuration and quire version, as a snapshot that
 * holds only its posts (sorted by file name), to pass to site_load() as the one
 * before; NULL when there is no usable store (none, another configuration or format,
 * a damaged file: this last said once, naming the file). */
struct site *store_load(const struct config *c);
/* Keep s's posts for the next process, when the state folder can be written. */
void store_save(const struct site *s);

/* The bytes of the store file for s's posts, into out. */
void store_encode(const struct site *s, struct buf *out);
/* Set the payload's length and checksum in the header of the store file in b to those of
 * the payload after it (store_encode() does it last); nothing when b is shorter than a
 * header. */
void store_seal(struct buf *b);
/* The posts in the len bytes of a store file, as store_load() gives them, into *out:
 * 0; 1: written for another configuration or quire version; 2: in another format; -1:
 * damaged. Not 0: *out is NULL and *why says what, in words. */
int store_decode(const struct config *c, const char *data, size_t len, struct site **out,
                 const char **why);

#endif

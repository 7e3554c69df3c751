/* saved.h — the posts of the last snapshot, kept in the state folder so that a new process
 * reads again only the posts that changed (CGI answers each request from a new process). */
#ifndef QUIRE_SAVED_H
#define QUIRE_SAVED_H

#include <stddef.h>

struct buf;
struct config;
struct site_files;

/* The bytes of a store file before its payload (the records). */
#define SAVED_HEADER 40

/* The posts stored for this configuration and quire version, and what was said of
 * their files, into *out to pass to site_load() as the snapshot before, and to free
 * with saved_free(): 0; -1 when there is no usable store (none, another configuration
 * or format, a damaged file: this last said once, naming the file). */
int saved_load(const struct config *c, struct site_files *out);
void saved_free(struct site_files *f);
/* Keep f (a snapshot's files) for the next process, when the state folder can be
 * written. */
void saved_save(const struct config *c, const struct site_files *f);

/* The bytes of the store file for f, into out. */
void saved_encode(const struct config *c, const struct site_files *f, struct buf *out);
/* Set the payload's length and checksum in the header of the store file in b to those of
 * the payload after it (saved_encode() does it last); nothing when b is shorter than a
 * header. */
void saved_seal(struct buf *b);
/* The posts in the len bytes of a store file, as saved_load() gives them, into *out:
 * 0; 1: written for another configuration or quire version; 2: in another format; -1:
 * damaged. Not 0: *out is empty and *why says what, in words. */
int saved_decode(const struct config *c, const char *data, size_t len, struct site_files *out,
                 const char **why);

#endif

/* store.h — the posts of the last snapshot, kept in the state folder so that a new process
 * reads again only the posts that changed (CGI answers each request from a new process). */
#ifndef QUIRE_STORE_H
#define QUIRE_STORE_H

struct config;
struct site;

/* The posts stored for this configuration and quire version, as a snapshot that
 * holds only its posts (sorted by file name), to pass to site_load() as the one
 * before; NULL when there is no usable store (none, another configuration, a
 * damaged file). */
struct site *store_load(const struct config *c);
/* Keep s's posts for the next process, when the state folder can be written. */
void store_save(const struct site *s);

#endif

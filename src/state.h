/* state.h — what quire remembers between runs: the routes posts had, so renamed posts keep their
 * readers. */
#ifndef QUIRE_STATE_H
#define QUIRE_STATE_H

#include <stddef.h>

struct site;

/* Read the routes remembered in the state folder, add to s->moved each old route
 * whose post (same file) now has another one, and remember s's routes. Without a
 * state folder this does nothing; when the folder cannot be written, quire says
 * so once and goes on. */
void state_routes(struct site *s);

/* Replace the file dir/name with len bytes of data: written beside it, then renamed
 * over it, so that a reader sees the old file or the new one. 0, or -1 with errno
 * set (nothing is left behind, no descriptor kept). */
int state_replace(const char *dir, const char *name, const char *data, size_t len);

#endif

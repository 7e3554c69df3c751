/* state.h — what quire remembers between runs: the routes posts had, so renamed posts keep their
 * readers. */
#ifndef QUIRE_STATE_H
#define QUIRE_STATE_H

struct site;

/* Read the routes remembered in the state folder, add to s->moved each old route
 * whose post (same file) now has another one, and remember s's routes. Without a
 * state folder this does nothing; when the folder cannot be written, quire says
 * so once and goes on. */
void state_routes(struct site *s);

#endif

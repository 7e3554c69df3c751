/* watch.h — live reload: inotify on posts, layouts and configuration, new snapshots published. */
#ifndef QUIRE_WATCH_H
#define QUIRE_WATCH_H

struct config;
struct watch;

/* Watch c's posts folder, layouts folder and configuration file: from now on every
 * change is kept (by inotify) for watch_start(), so a worker opens this before it
 * reads the site and misses no edit made while it reads. Returns NULL when inotify
 * is not there (logged: the site then serves what it loaded at start). */
struct watch *watch_open(const struct config *c);

/* Instead of what a server's worker does, call published with each snapshot once it is
 * published, and config_changed instead of asking the supervisor (the parent) for a new
 * worker (quire export --watch, which has no supervisor). Before watch_start(). */
struct site;
void watch_set_hooks(struct watch *w, void (*published)(struct site *s, void *ctx),
                     void (*config_changed)(void *ctx), void *ctx);

/* Act on w's changes from a thread of its own, the changes kept since
 * watch_open() first. A change to posts or layouts builds a new snapshot and
 * publishes it; a change to the configuration sends SIGHUP to the supervisor (the
 * parent), which starts a worker with the new configuration. Returns -1 when w is
 * NULL or the thread cannot start (logged; w is then freed). */
int watch_start(struct watch *w);

#endif

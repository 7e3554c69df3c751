/* watch.h — live reload: inotify on posts, layouts and configuration, new snapshots published. */
#ifndef QUIRE_WATCH_H
#define QUIRE_WATCH_H

struct config;

/* Watch c's posts folder, layouts folder and configuration file from a thread of
 * its own. A change to posts or layouts builds a new snapshot and publishes it;
 * a change to the configuration sends SIGHUP to the supervisor (the parent), which
 * starts a worker with the new configuration. Returns -1 when inotify is not there
 * (logged: the site then serves what it loaded at start). */
int watch_start(const struct config *c);

#endif

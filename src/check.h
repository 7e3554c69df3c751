/* check.h — quire check: what quire -t checks (the configuration, the layouts, every post),
 * and what a site can get wrong between its files: links and images to addresses that do
 * not answer, fragments that name no id, aliases that never answer, copies left behind,
 * layouts and taxonomies that do not exist; and when each scheduled post goes live. */
#ifndef QUIRE_CHECK_H
#define QUIRE_CHECK_H

#include <stddef.h>

struct buf;
struct config;

/* quire check [--json]: one line a problem, "file:line: error: ..." (errors first, then
 * warnings), then the scheduled posts; or all of it as one JSON object. The exit status:
 * 1 when there is an error, else 0 (2 on a wrong use). */
int check_run(const struct config *c, int argc, char **argv);
/* The path the reference ref (n bytes, a link's path, decoded) names from the folder base
 * ("/a/b/"), into out (emptied first): "." and ".." taken as a browser takes them (none
 * above the root), a trailing slash kept; "/" at the least. */
void check_resolve(const char *base, const char *ref, size_t n, struct buf *out);

#endif

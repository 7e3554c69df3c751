/* export.h — quire export DIR: the whole site as files a static host serves (GitHub Pages,
 * Netlify, Cloudflare Pages, S3, Codeberg Pages, or nginx alone), each body the bytes the
 * FastCGI server sends for its address, and the redirects in each host's form. */
#ifndef QUIRE_EXPORT_H
#define QUIRE_EXPORT_H

#include <stddef.h>

struct site;

/* The file that lists what an export wrote, in its folder: only those are ever replaced
 * or removed by the next. */
#define EXPORT_MANIFEST ".quire-export"

/* quire export [--force] [--meta-refresh] [--watch] DIR: write s into DIR (made when
 * missing). Again, it writes only what changed and removes what went away. A folder
 * holding files it did not write is refused unless --force. With --watch it goes on,
 * exporting again each time the posts, the layouts or a scheduled post change, until
 * SIGINT or SIGTERM (an export under way ends first). The exit status: 0, 1 (said), 2
 * (usage). */
int export_run(const struct site *s, int argc, char **argv);
/* The paths a manifest (len bytes) names, each decoded, into *paths (*n of them, each and
 * the array freed by the caller); a path out of the folder ("/x", "a/../b", "", a NUL) is
 * left out. -1 when data is not a manifest. */
int export_manifest_parse(const char *data, size_t len, char ***paths, size_t *n);

#endif

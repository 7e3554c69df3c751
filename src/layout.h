/* layout.h — the site's layouts: a folder of Mustache files, and what they see. */
#ifndef QUIRE_LAYOUT_H
#define QUIRE_LAYOUT_H

#include <time.h>

#include "value.h"

struct buf;
struct template;
struct template_set;

/* The compiled layouts of a folder, shared by the snapshots that use them. */
struct layouts {
	int refs;
	struct template_set *set;
	time_t modified; /* the newest layout file's time */
};

/* Compile every NAME.mustache in dir under NAME. Logs "file:line: problem" and
 * returns NULL when one does not compile or names an unknown partial. */
struct layouts *layout_load(const char *dir);
void layout_ref(struct layouts *l);
void layout_unref(struct layouts *l);

/* What every page of a snapshot has around it in its layout. */
struct layout_context {
	struct value site;    /* "site": the configuration's site section, and more */
	struct value posts;   /* "posts": each listed post's fields */
	struct value quire;   /* "quire": version */
	struct value archive; /* "archive": the listed posts by year and month */
};

/* Render t for page (a map) within ctx: site, page, posts (ctx's, or the list given),
 * year, quire, archive. Appends to out. */
int layout_render(const struct layout_context *ctx, const struct template *t,
                  const struct value *page, const struct value *posts, struct buf *out);

#endif

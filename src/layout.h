/* layout.h — the site's layouts: a folder of Mustache files, and what they see. */
#ifndef QUIRE_LAYOUT_H
#define QUIRE_LAYOUT_H

#include <time.h>

struct buf;
struct site;
struct template;
struct template_set;
struct value;

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

/* Render t for page (a map) with the site's context around it: site, page,
 * posts (every listed post, or the list given), year, quire. Appends to out. */
int layout_render(const struct site *s, const struct template *t, const struct value *page,
                  const struct value *posts, struct buf *out);

#endif

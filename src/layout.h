/* layout.h — the site's layouts: a folder of Mustache files, and what they see. */
#ifndef QUIRE_LAYOUT_H
#define QUIRE_LAYOUT_H

struct buf;
struct site;
struct template;
struct template_set;
struct value;

/* Compile every NAME.mustache in dir under NAME. Logs "file:line: problem" and
 * returns NULL when one does not compile or names an unknown partial. */
struct template_set *layout_load(const char *dir);

/* Render t for page (a map) with the site's context around it:
 * site, page, posts, year, quire. Appends to out. */
int layout_render(const struct site *s, const struct template *t, const struct value *page,
                  struct buf *out);

#endif

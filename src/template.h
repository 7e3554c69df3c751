/* template.h — Mustache templates: compiled once at load, rendered many times. */
#ifndef QUIRE_TEMPLATE_H
#define QUIRE_TEMPLATE_H

#include <stddef.h>

struct buf;
struct value;
struct template;
struct template_set;

/* strict: a static partial or parent that names no template in the set is an error
 * at template_set_link() (quire's layouts); otherwise it renders as empty (the spec). */
struct template_set *template_set_new(int strict);
void template_set_free(struct template_set *set);

/* Parse src into the set under name. file names the source in error messages.
 * On a syntax error returns -1 and writes "file:line: problem" into err. */
int template_set_add(struct template_set *set, const char *name, size_t namelen, const char *src,
                     size_t len, const char *file, struct buf *err);

/* Resolve partial and parent references once every template is added. */
int template_set_link(struct template_set *set, struct buf *err);

const struct template *template_set_find(const struct template_set *set, const char *name,
                                         size_t namelen);

/* The same, with names matched without regard to ASCII case. */
const struct template *template_set_find_nocase(const struct template_set *set, const char *name,
                                                size_t namelen);

/* Render with ctx as the root of the context stack, appending to out.
 * Returns -1 (out then holds a partial result) only when nesting runs too deep. */
int template_render(const struct template *t, const struct value *ctx, struct buf *out);

#endif

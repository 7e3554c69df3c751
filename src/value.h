/* value.h — the data layouts see: a small immutable tree of maps, lists and scalars. */
#ifndef QUIRE_VALUE_H
#define QUIRE_VALUE_H

#include <stddef.h>

enum value_type {
	VALUE_NULL,
	VALUE_BOOL,
	VALUE_NUMBER,
	VALUE_STRING,
	VALUE_LIST,
	VALUE_MAP,
};

struct member;

struct value {
	enum value_type type;
	/* A STRING that is already HTML (a rendered post body). Only such strings are
	 * printed raw by {{{x}}} and {{& x}}; every other string is escaped there too. */
	unsigned html;
	union {
		int boolean;
		double number;
		struct {
			const char *p;
			size_t len;
		} string;
		struct {
			const struct value *items;
			size_t len;
		} list;
		struct {
			const struct member *items;
			size_t len;
		} map;
	} u;
};

struct member {
	const char *key;
	size_t keylen;
	struct value value;
};

/* The member of a map with this key, or the item of a list at the place key writes in
 * decimal ("0" first), or NULL. */
const struct value *value_get(const struct value *v, const char *key, size_t keylen);
struct arena;

/* Set key in map to v, replacing a member of that name or adding one. The new
 * member array lives in a; the old one is left as it was (it may be shared). */
void value_set(struct value *map, const char *key, const struct value *v, struct arena *a);
/* Set every member of add (n of them) in map at once: one new array in a. */
void value_merge(struct value *map, const struct member *add, size_t n, struct arena *a);
/* Set key in map to a copy of s (len bytes) made in a. */
void value_set_string(struct value *map, const char *key, const char *s, size_t len,
                      struct arena *a);
/* A STRING value, not HTML. */
struct value value_string(const char *s, size_t len);

/* Mustache truthiness: false for null, false, empty lists and empty strings. */
int value_truthy(const struct value *v);

#endif

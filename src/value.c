/* value.c — lookups in the data tree layouts see. */
#include "value.h"

#include <string.h>

#include "mem.h"

const struct value *value_get(const struct value *v, const char *key, size_t keylen)
{
	/* A list's item by its place, from 0: "related.0". */
	if (v != NULL && v->type == VALUE_LIST && keylen > 0 && keylen < 10) {
		size_t at = 0;
		for (size_t i = 0; i < keylen; i++) {
			if (key[i] < '0' || key[i] > '9' || (i == 0 && key[i] == '0' && keylen > 1))
				return NULL;
			at = at * 10 + (size_t)(key[i] - '0');
		}
		return at < v->u.list.len ? &v->u.list.items[at] : NULL;
	}
	if (v == NULL || v->type != VALUE_MAP)
		return NULL;
	for (size_t i = 0; i < v->u.map.len; i++) {
		const struct member *m = &v->u.map.items[i];
		if (m->keylen == keylen && memcmp(m->key, key, keylen) == 0)
			return &m->value;
	}
	return NULL;
}

int value_truthy(const struct value *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case VALUE_NULL:
		return 0;
	case VALUE_BOOL:
		return v->u.boolean;
	case VALUE_LIST:
		return v->u.list.len > 0;
	case VALUE_STRING:
		return v->u.string.len > 0;
	default:
		return 1;
	}
}

void value_set(struct value *map, const char *key, const struct value *v, struct arena *a)
{
	size_t n = map->type == VALUE_MAP ? map->u.map.len : 0, klen = strlen(key), at = n;
	struct member *m = arena_alloc(a, (n + 1) * sizeof(*m));

	if (n)
		memcpy(m, map->u.map.items, n * sizeof(*m));
	for (size_t i = 0; i < n; i++)
		if (m[i].keylen == klen && memcmp(m[i].key, key, klen) == 0)
			at = i;
	m[at].key = key;
	m[at].keylen = klen;
	m[at].value = *v;
	map->type = VALUE_MAP;
	map->u.map.items = m;
	map->u.map.len = at == n ? n + 1 : n;
}

struct value value_string(const char *s, size_t len)
{
	struct value v;

	memset(&v, 0, sizeof(v));
	v.type = VALUE_STRING;
	v.u.string.p = s;
	v.u.string.len = len;
	return v;
}

void value_set_string(struct value *map, const char *key, const char *s, size_t len,
                      struct arena *a)
{
	struct value v = value_string(arena_strndup(a, s, len), len);

	value_set(map, key, &v, a);
}

void value_merge(struct value *map, const struct member *add, size_t n, struct arena *a)
{
	size_t old = map->type == VALUE_MAP ? map->u.map.len : 0, len = 0;
	struct member *m = arena_alloc(a, (old + n ? old + n : 1) * sizeof(*m));

	for (size_t i = 0; i < old; i++) {
		const struct member *f = &map->u.map.items[i];
		int replaced = 0;
		for (size_t k = 0; k < n && !replaced; k++)
			replaced = add[k].keylen == f->keylen &&
			           memcmp(add[k].key, f->key, f->keylen) == 0;
		if (!replaced)
			m[len++] = *f;
	}
	memcpy(m + len, add, n * sizeof(*m));
	map->type = VALUE_MAP;
	map->u.map.items = m;
	map->u.map.len = len + n;
}

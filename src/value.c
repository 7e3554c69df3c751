/* value.c — lookups in the data tree layouts see. */
#include "value.h"

#include <string.h>

const struct value *value_get(const struct value *v, const char *key, size_t keylen)
{
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

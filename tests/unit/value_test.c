/* value_test.c — the data tree layouts see: lookups by key and length, Mustache
 * truthiness, and setting and merging members without touching a shared old array. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mem.h"
#include "value.h"

static const struct value v_null = {.type = VALUE_NULL};
static const struct value v_false = {.type = VALUE_BOOL, .u.boolean = 0};
static const struct value v_true = {.type = VALUE_BOOL, .u.boolean = 1};
static const struct value v_zero = {.type = VALUE_NUMBER, .u.number = 0};
static const struct value v_negative = {.type = VALUE_NUMBER, .u.number = -1.5};
static const struct value v_empty = {.type = VALUE_STRING, .u.string = {"", 0}};
static const struct value v_space = {.type = VALUE_STRING, .u.string = {" ", 1}};
static const struct value v_zero_str = {.type = VALUE_STRING, .u.string = {"0", 1}};
static const struct value v_false_str = {.type = VALUE_STRING, .u.string = {"false", 5}};
static const struct value v_nul_str = {.type = VALUE_STRING, .u.string = {"\0", 1}};
static const struct value v_items[1] = {{.type = VALUE_NULL}};
static const struct value v_nolist = {.type = VALUE_LIST, .u.list = {NULL, 0}};
static const struct value v_list = {.type = VALUE_LIST, .u.list = {v_items, 1}};
static const struct value v_nomap = {.type = VALUE_MAP, .u.map = {NULL, 0}};
static const struct value v_html = {.type = VALUE_STRING, .html = 1, .u.string = {"", 0}};

static const struct {
	const char *name;
	const struct value *v;
	int want;
} truths[] = {
    {"no value", NULL, 0},
    {"null", &v_null, 0},
    {"false", &v_false, 0},
    {"true", &v_true, 1},
    {"the number 0 is a value", &v_zero, 1},
    {"a negative number", &v_negative, 1},
    {"the empty string", &v_empty, 0},
    {"an empty HTML string", &v_html, 0},
    {"a space", &v_space, 1},
    {"the string \"0\"", &v_zero_str, 1},
    {"the string \"false\"", &v_false_str, 1},
    {"a string of one NUL", &v_nul_str, 1},
    {"the empty list", &v_nolist, 0},
    {"a list of one null", &v_list, 1},
    {"the empty map", &v_nomap, 1},
};

/* A map with keys that are prefixes of one another, and an empty key. */
static const struct member members[] = {
    {"a", 1, {.type = VALUE_NUMBER, .u.number = 1}},
    {"ab", 2, {.type = VALUE_NUMBER, .u.number = 2}},
    {"", 0, {.type = VALUE_NUMBER, .u.number = 3}},
    {"b\0c", 3, {.type = VALUE_NUMBER, .u.number = 4}},
    {"A", 1, {.type = VALUE_NUMBER, .u.number = 5}},
};
static const struct value map = {.type = VALUE_MAP, .u.map = {members, 5}};

static const struct {
	const char *name;
	const char *key;
	size_t keylen;
	double want; /* 0: not found */
} gets[] = {
    {"a", "a", 1, 1},
    {"ab", "ab", 2, 2},
    {"a is not ab: the length counts", "abc", 1, 1},
    {"the first two bytes of abc are ab", "abc", 2, 2},
    {"abc is not there", "abc", 3, 0},
    {"the empty key", "", 0, 3},
    {"the empty key of a longer string", "zzz", 0, 3},
    {"a key with a NUL inside", "b\0c", 3, 4},
    {"b alone is not b\\0c", "b", 1, 0},
    {"keys are case-sensitive: A", "A", 1, 5},
    {"B is not there", "B", 1, 0},
};

static double value_test_num(const struct value *v)
{
	return v != NULL && v->type == VALUE_NUMBER ? v->u.number : 0;
}

static void value_test_set(void)
{
	struct arena a = {0};
	struct value m = {.type = VALUE_NULL}, one = {.type = VALUE_NUMBER, .u.number = 1},
	             two = {.type = VALUE_NUMBER, .u.number = 2};

	value_set(&m, "x", &one, &a);
	check("value", "set on null makes a map of one",
	      m.type == VALUE_MAP && m.u.map.len == 1 && value_test_num(value_get(&m, "x", 1)) == 1,
	      "");
	struct value before = m;
	value_set(&m, "x", &two, &a);
	check("value", "set of a key there replaces it",
	      m.u.map.len == 1 && value_test_num(value_get(&m, "x", 1)) == 2, "len %zu",
	      m.u.map.len);
	check("value", "the old array is left as it was",
	      before.u.map.len == 1 && value_test_num(value_get(&before, "x", 1)) == 1, "");
	value_set(&m, "y", &one, &a);
	value_set(&m, "xy", &one, &a);
	check("value", "set of new keys adds them",
	      m.u.map.len == 3 && value_test_num(value_get(&m, "x", 1)) == 2 &&
	          value_test_num(value_get(&m, "y", 1)) == 1 &&
	          value_test_num(value_get(&m, "xy", 2)) == 1,
	      "len %zu", m.u.map.len);
	check("value", "members keep their order",
	      m.u.map.len == 3 && strcmp(m.u.map.items[0].key, "x") == 0 &&
	          strcmp(m.u.map.items[2].key, "xy") == 0,
	      "");

	char text[] = "copied";
	value_set_string(&m, "s", text, 6, &a);
	text[0] = 'X';
	const struct value *s = value_get(&m, "s", 1);
	check("value", "set_string copies the bytes",
	      s != NULL && s->type == VALUE_STRING && s->html == 0 && s->u.string.len == 6 &&
	          memcmp(s->u.string.p, "copied", 6) == 0,
	      "");
	value_set_string(&m, "e", "", 0, &a);
	s = value_get(&m, "e", 1);
	check("value", "set_string of nothing is an empty string",
	      s != NULL && s->type == VALUE_STRING && s->u.string.len == 0 && !value_truthy(s), "");
	struct value str = value_string("abc", 3);
	check("value", "value_string is a string, not HTML",
	      str.type == VALUE_STRING && str.html == 0 && str.u.string.len == 3, "");

	/* Merge: members of add replace those of the same name and come last. */
	struct value base = {.type = VALUE_NULL};
	value_set(&base, "a", &one, &a);
	value_set(&base, "b", &one, &a);
	value_set(&base, "c", &one, &a);
	struct value kept = base;
	struct member add[] = {{"b", 1, two}, {"d", 1, two}};
	value_merge(&base, add, 2, &a);
	check("value", "merge replaces b and adds d",
	      base.u.map.len == 4 && value_test_num(value_get(&base, "a", 1)) == 1 &&
	          value_test_num(value_get(&base, "b", 1)) == 2 &&
	          value_test_num(value_get(&base, "c", 1)) == 1 &&
	          value_test_num(value_get(&base, "d", 1)) == 2,
	      "len %zu", base.u.map.len);
	check("value", "merge leaves the old array as it was",
	      kept.u.map.len == 3 && value_test_num(value_get(&kept, "b", 1)) == 1, "");
	value_merge(&base, add, 0, &a);
	check("value", "merge of nothing keeps every member", base.u.map.len == 4, "len %zu",
	      base.u.map.len);
	struct value fresh = {.type = VALUE_STRING};
	value_merge(&fresh, add, 2, &a);
	check("value", "merge into a non-map makes a map of add",
	      fresh.type == VALUE_MAP && fresh.u.map.len == 2 &&
	          value_test_num(value_get(&fresh, "d", 1)) == 2,
	      "");
	struct value none = {.type = VALUE_NULL};
	value_merge(&none, add, 0, &a);
	check("value", "merge of nothing into null makes an empty map",
	      none.type == VALUE_MAP && none.u.map.len == 0 && value_truthy(&none), "");
	struct member prefix[] = {{"ab", 2, one}};
	struct value pm = {.type = VALUE_NULL};
	value_set(&pm, "a", &two, &a);
	value_merge(&pm, prefix, 1, &a);
	check("value", "merge of ab does not replace a",
	      pm.u.map.len == 2 && value_test_num(value_get(&pm, "a", 1)) == 2 &&
	          value_test_num(value_get(&pm, "ab", 2)) == 1,
	      "len %zu", pm.u.map.len);
	arena_free(&a);
}

int main(void)
{
	char name[120];

	for (size_t i = 0; i < sizeof(truths) / sizeof(truths[0]); i++) {
		snprintf(name, sizeof(name), "truthy: %s", truths[i].name);
		check("value", name, value_truthy(truths[i].v) == truths[i].want, "");
	}
	for (size_t i = 0; i < sizeof(gets) / sizeof(gets[0]); i++) {
		snprintf(name, sizeof(name), "get: %s", gets[i].name);
		double got = value_test_num(value_get(&map, gets[i].key, gets[i].keylen));
		check("value", name, got == gets[i].want, "got %g", got);
	}
	check("value", "get on no value", value_get(NULL, "a", 1) == NULL, "");
	check("value", "get on a list", value_get(&v_list, "a", 1) == NULL, "");
	check("value", "get on a string", value_get(&v_space, " ", 1) == NULL, "");
	check("value", "get on the empty map", value_get(&v_nomap, "", 0) == NULL, "");
	value_test_set();
	return check_exit();
}

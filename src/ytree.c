/* ytree.c — a small, bounded YAML document as a tree, read with libyaml's event API. */
#include "ytree.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "buf.h"
#include "mem.h"

struct yframe {
	struct ynode *node;
	struct ynode **items;
	size_t len;
	size_t cap;
};

static void ytree_push_item(struct yframe *f, struct ynode *n)
{
	if (f->len == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->items = xrealloc(f->items, f->cap * sizeof(*f->items));
	}
	f->items[f->len++] = n;
}

static int ytree_key_cmp(const void *a, const void *b)
{
	const struct ynode *x = *(const struct ynode *const *)a;
	const struct ynode *y = *(const struct ynode *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->str, y->str, n);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Find a repeated key; sorting keeps large maps from costing n squared. */
static const struct ynode *ytree_duplicate(struct ynode **items, size_t pairs)
{
	const struct ynode *dup = NULL;
	struct ynode **keys = xmalloc((pairs ? pairs : 1) * sizeof(*keys));

	for (size_t i = 0; i < pairs; i++)
		keys[i] = items[2 * i];
	qsort(keys, pairs, sizeof(*keys), ytree_key_cmp);
	for (size_t i = 1; i < pairs; i++) {
		if (keys[i]->len == keys[i - 1]->len &&
		    memcmp(keys[i]->str, keys[i - 1]->str, keys[i]->len) == 0) {
			if (dup == NULL || keys[i]->line < dup->line)
				dup = keys[i];
		}
	}
	free(keys);
	return dup;
}

static struct ynode *ytree_node(struct arena *a, enum ynode_kind kind, const yaml_event_t *ev,
                                size_t first_line)
{
	struct ynode *n = arena_alloc(a, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = ev->start_mark.line + first_line;
	return n;
}

static int ytree_refuse(const yaml_event_t *ev, size_t first_line, struct buf *err)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		buf_printf(err, "%zu: aliases are not allowed", ev->start_mark.line + first_line);
		return -1;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		return 0;
	}
	if (anchor != NULL) {
		buf_printf(err, "%zu: anchors are not allowed", ev->start_mark.line + first_line);
		return -1;
	}
	if (tag != NULL) {
		buf_printf(err, "%zu: tags are not allowed", ev->start_mark.line + first_line);
		return -1;
	}
	return 0;
}

struct ynode *ytree_parse(const char *src, size_t len, size_t first_line, int max_depth,
                          struct arena *a, struct buf *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct yframe *stack = xcalloc((size_t)max_depth + 1, sizeof(*stack));
	int depth = 0, done = 0, failed = 0;
	struct ynode *root = NULL;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)src, len);
	while (!done) {
		struct ynode *n = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			size_t at = parser.problem_mark.index;
			if (at < len && src[at] == '\t')
				buf_printf(err, "%zu: a tab cannot indent YAML: use spaces",
				           parser.problem_mark.line + first_line);
			else
				buf_printf(err, "%zu: %s%s%s",
				           parser.problem_mark.line + first_line,
				           parser.problem ? parser.problem : "syntax error",
				           parser.context ? " " : "",
				           parser.context ? parser.context : "");
			failed = 1;
			break;
		}
		if (ytree_refuse(&ev, first_line, err) < 0) {
			yaml_event_delete(&ev);
			failed = 1;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root != NULL) {
				buf_printf(err, "%zu: only one document is allowed",
				           ev.start_mark.line + first_line);
				failed = 1;
			}
			break;
		case YAML_SCALAR_EVENT:
			n = ytree_node(a, YNODE_SCALAR, &ev, first_line);
			n->str = arena_strndup(a, (const char *)ev.data.scalar.value,
			                       ev.data.scalar.length);
			n->len = ev.data.scalar.length;
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth >= max_depth) {
				buf_printf(err, "%zu: nesting deeper than %d",
				           ev.start_mark.line + first_line, max_depth);
				failed = 1;
				break;
			}
			stack[++depth].node = ytree_node(
			    a, ev.type == YAML_SEQUENCE_START_EVENT ? YNODE_LIST : YNODE_MAP, &ev,
			    first_line);
			stack[depth].len = 0;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: {
			struct yframe *f = &stack[depth];
			n = f->node;
			n->items = arena_alloc(a, (f->len ? f->len : 1) * sizeof(*n->items));
			if (f->len)
				memcpy(n->items, f->items, f->len * sizeof(*n->items));
			n->n = n->kind == YNODE_MAP ? f->len / 2 : f->len;
			depth--;
			if (n->kind == YNODE_MAP) {
				const struct ynode *dup = ytree_duplicate(n->items, n->n);
				if (dup != NULL) {
					buf_printf(err, "%zu: duplicate key \"%s\"", dup->line,
					           dup->str);
					failed = 1;
				}
			}
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (failed)
			break;
		if (n == NULL)
			continue;
		if (depth == 0) {
			root = n;
			continue;
		}
		struct yframe *parent = &stack[depth];
		if (parent->node->kind == YNODE_MAP && parent->len % 2 == 0) {
			if (n->kind != YNODE_SCALAR) {
				buf_printf(err, "%zu: a key must be plain text", n->line);
				failed = 1;
				break;
			}
			if (n->plain && n->len == 2 && memcmp(n->str, "<<", 2) == 0) {
				buf_printf(err, "%zu: merge keys are not allowed", n->line);
				failed = 1;
				break;
			}
		}
		ytree_push_item(parent, n);
	}
	yaml_parser_delete(&parser);
	for (int i = 0; i <= max_depth; i++)
		free(stack[i].items);
	free(stack);
	if (failed)
		return NULL;
	if (root == NULL) {
		root = arena_alloc(a, sizeof(*root));
		memset(root, 0, sizeof(*root));
		root->kind = YNODE_MAP;
		root->line = first_line;
	}
	return root;
}

const struct ynode *ytree_get(const struct ynode *map, const char *key)
{
	size_t len = strlen(key);

	if (map == NULL || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i];
		if (k->len == len && memcmp(k->str, key, len) == 0)
			return map->items[2 * i + 1];
	}
	return NULL;
}

int ytree_bool(const struct ynode *n)
{
	static const char *yes[] = {"true", "yes", "on"};
	static const char *no[] = {"false", "no", "off"};

	if (n == NULL || n->kind != YNODE_SCALAR || !n->plain)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(n->str, yes[i]) == 0)
			return 1;
		if (strcasecmp(n->str, no[i]) == 0)
			return 0;
	}
	return -1;
}

int ytree_null(const struct ynode *n)
{
	return n != NULL && n->kind == YNODE_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->str, "~") == 0 || strcasecmp(n->str, "null") == 0);
}

int ytree_long(const struct ynode *n, long *out)
{
	char *end;

	if (n == NULL || n->kind != YNODE_SCALAR || n->len == 0 || n->len != strlen(n->str))
		return -1;
	errno = 0;
	long v = strtol(n->str, &end, 10);
	if (errno != 0 || *end != '\0' || end == n->str)
		return -1;
	*out = v;
	return 0;
}

int ytree_double(const struct ynode *n, double *out)
{
	const char *p;

	if (n == NULL || n->kind != YNODE_SCALAR || n->len == 0 || n->len != strlen(n->str))
		return -1;
	/* Only plain decimal notation: no hex, no inf or nan. */
	p = n->str;
	if (*p == '+' || *p == '-')
		p++;
	for (; *p; p++)
		if (!(*p >= '0' && *p <= '9') && *p != '.')
			return -1;
	char *end;
	double v = strtod(n->str, &end);
	if (*end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

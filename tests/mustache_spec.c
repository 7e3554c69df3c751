/* mustache_spec.c — runs the official Mustache spec YAML files against the template engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "mem.h"
#include "template.h"
#include "value.h"

static const char *const spec_files[] = {
    "comments.yml", "delimiters.yml", "interpolation.yml", "inverted.yml",
    "partials.yml", "sections.yml",   "~inheritance.yml",  "~dynamic-names.yml",
};

static int spec_is_number(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		i++;
		digits++;
	}
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			i++;
			digits++;
		}
	}
	if (digits == 0)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i == len)
			return 0;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == len;
}

/* Convert a libyaml node into a value tree that owns all its memory. */
static void spec_value(yaml_document_t *doc, yaml_node_t *node, struct value *out, int depth)
{
	memset(out, 0, sizeof(*out));
	if (node == NULL || depth > 64)
		return;
	switch (node->type) {
	case YAML_SCALAR_NODE: {
		const char *s = (const char *)node->data.scalar.value;
		size_t len = node->data.scalar.length;
		if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
				out->type = VALUE_BOOL;
				out->u.boolean = s[0] == 't';
				return;
			}
			if (len == 0 || strcmp(s, "null") == 0 || strcmp(s, "~") == 0) {
				out->type = VALUE_NULL;
				return;
			}
			if (spec_is_number(s, len)) {
				out->type = VALUE_NUMBER;
				out->u.number = strtod(s, NULL);
				return;
			}
		}
		out->type = VALUE_STRING;
		out->html = 1;
		out->u.string.p = xstrndup(s, len);
		out->u.string.len = len;
		return;
	}
	case YAML_SEQUENCE_NODE: {
		size_t n =
		    (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
		struct value *items = xcalloc(n, sizeof(*items));
		for (size_t i = 0; i < n; i++)
			spec_value(doc,
			           yaml_document_get_node(doc, node->data.sequence.items.start[i]),
			           &items[i], depth + 1);
		out->type = VALUE_LIST;
		out->u.list.items = items;
		out->u.list.len = n;
		return;
	}
	case YAML_MAPPING_NODE: {
		size_t n = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
		struct member *items = xcalloc(n, sizeof(*items));
		for (size_t i = 0; i < n; i++) {
			yaml_node_pair_t *pair = &node->data.mapping.pairs.start[i];
			yaml_node_t *key = yaml_document_get_node(doc, pair->key);
			if (key != NULL && key->type == YAML_SCALAR_NODE) {
				items[i].key = xstrndup((const char *)key->data.scalar.value,
				                        key->data.scalar.length);
				items[i].keylen = key->data.scalar.length;
			} else {
				items[i].key = xstrndup("", 0);
			}
			spec_value(doc, yaml_document_get_node(doc, pair->value), &items[i].value,
			           depth + 1);
		}
		out->type = VALUE_MAP;
		out->u.map.items = items;
		out->u.map.len = n;
		return;
	}
	default:
		return;
	}
}

static void spec_value_free(struct value *v)
{
	switch (v->type) {
	case VALUE_STRING:
		free((char *)v->u.string.p);
		break;
	case VALUE_LIST:
		for (size_t i = 0; i < v->u.list.len; i++)
			spec_value_free((struct value *)&v->u.list.items[i]);
		free((struct value *)v->u.list.items);
		break;
	case VALUE_MAP:
		for (size_t i = 0; i < v->u.map.len; i++) {
			struct member *m = (struct member *)&v->u.map.items[i];
			free((char *)m->key);
			spec_value_free(&m->value);
		}
		free((struct member *)v->u.map.items);
		break;
	default:
		break;
	}
}

static yaml_node_t *spec_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static const char *spec_scalar(yaml_node_t *n, size_t *len)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE) {
		*len = 0;
		return "";
	}
	*len = n->data.scalar.length;
	return (const char *)n->data.scalar.value;
}

/* Print s with newlines (and carriage returns) shown as escapes. */
static void spec_show(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			fputs("\\n", stdout);
		else if (s[i] == '\r')
			fputs("\\r", stdout);
		else
			putchar(s[i]);
	}
}

/* Run one test case; returns 1 when it passes. */
static int spec_case(yaml_document_t *doc, yaml_node_t *test, const char *file)
{
	size_t namelen, tlen, elen;
	const char *name = spec_scalar(spec_get(doc, test, "name"), &namelen);
	const char *tsrc = spec_scalar(spec_get(doc, test, "template"), &tlen);
	const char *expected = spec_scalar(spec_get(doc, test, "expected"), &elen);
	yaml_node_t *partials = spec_get(doc, test, "partials");
	struct template_set *set = template_set_new(0);
	struct buf err = {0}, out = {0};
	struct value data;
	int ok = 0;

	spec_value(doc, spec_get(doc, test, "data"), &data, 0);
	if (partials != NULL && partials->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = partials->data.mapping.pairs.start;
		     p < partials->data.mapping.pairs.top; p++) {
			size_t klen, vlen;
			const char *k = spec_scalar(yaml_document_get_node(doc, p->key), &klen);
			const char *v = spec_scalar(yaml_document_get_node(doc, p->value), &vlen);
			if (template_set_add(set, k, klen, v, vlen, k, &err) < 0)
				goto done;
		}
	}
	if (template_set_add(set, "", 0, tsrc, tlen, "template", &err) < 0)
		goto done;
	if (template_set_link(set, &err) < 0)
		goto done;
	if (template_render(template_set_find(set, "", 0), &data, &out) < 0) {
		buf_printf(&err, "render failed");
		goto done;
	}
	ok = out.len == elen && (elen == 0 || memcmp(out.data, expected, elen) == 0);
done:
	if (ok) {
		printf("PASS mustache/%s: %.*s\n", file, (int)namelen, name);
	} else {
		printf("FAIL mustache/%s: %.*s: expected \"", file, (int)namelen, name);
		spec_show(expected, elen);
		fputs("\" got \"", stdout);
		if (err.len > 0)
			spec_show(err.data, err.len);
		else
			spec_show(out.data, out.len);
		fputs("\"\n", stdout);
	}
	spec_value_free(&data);
	template_set_free(set);
	buf_free(&err);
	buf_free(&out);
	return ok;
}

/* Run every test of one spec file; returns the number of failures (or 1 on a load error). */
static int spec_file(const char *dir, const char *file)
{
	char path[4096];
	FILE *f;
	yaml_parser_t parser;
	yaml_document_t doc;
	int failed = 0, passed = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "rb");
	if (f == NULL) {
		printf("FAIL mustache/%s: cannot open %s\n", file, path);
		printf("# %s: 0/0 passed\n", file);
		return 1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		printf("FAIL mustache/%s: YAML error: %s\n", file,
		       parser.problem ? parser.problem : "?");
		printf("# %s: 0/0 passed\n", file);
		yaml_parser_delete(&parser);
		fclose(f);
		return 1;
	}
	yaml_node_t *tests = spec_get(&doc, yaml_document_get_root_node(&doc), "tests");
	if (tests != NULL && tests->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = tests->data.sequence.items.start;
		     it < tests->data.sequence.items.top; it++) {
			if (spec_case(&doc, yaml_document_get_node(&doc, *it), file))
				passed++;
			else
				failed++;
		}
	} else {
		printf("FAIL mustache/%s: no tests\n", file);
		failed++;
	}
	printf("# %s: %d/%d passed\n", file, passed, passed + failed);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return failed;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SPEC-DIR\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(spec_files) / sizeof(spec_files[0]); i++)
		failed += spec_file(argv[1], spec_files[i]);
	return failed == 0 ? 0 : 1;
}

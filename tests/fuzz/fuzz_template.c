/* fuzz_template.c — template_set_add() and template_set_link() (strict and not) on arbitrary
 * template text, then template_render() against a fixed data tree. The input up to its first
 * NUL is the template "main"; what follows is a second one, "base" and "p", for partials and
 * parents. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "template.h"
#include "value.h"

static struct value root;

static struct value str(const char *s)
{
	return value_string(s, strlen(s));
}

static struct value num(double d)
{
	struct value v = {.type = VALUE_NUMBER};
	v.u.number = d;
	return v;
}

static struct value boolean(int b)
{
	struct value v = {.type = VALUE_BOOL};
	v.u.boolean = b;
	return v;
}

#define MAP(v, m)                                                                                  \
	do {                                                                                       \
		(v).type = VALUE_MAP;                                                              \
		(v).u.map.items = (m);                                                             \
		(v).u.map.len = sizeof(m) / sizeof((m)[0]);                                        \
	} while (0)
#define LIST(v, l)                                                                                 \
	do {                                                                                       \
		(v).type = VALUE_LIST;                                                             \
		(v).u.list.items = (l);                                                            \
		(v).u.list.len = sizeof(l) / sizeof((l)[0]);                                       \
	} while (0)

/* The tree: what layouts see, and the odd shapes the spec knows (lists of lists, empty
 * lists and strings, names with dots inside a map, a string naming a partial). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct member site[4], post1[4], post2[3], page[12], top[10], deep[2], deeper[1];
	static struct value posts[2], tags[3], matrix[2], row1[2], row2[1], empty[1];

	(void)argc;
	(void)argv;
	site[0] = (struct member){"title", 5, str("quire <&> \"'")};
	site[1] = (struct member){"mount", 5, str("/blog/")};
	site[2] = (struct member){"base_url", 8, str("https://example.org")};
	site[3] = (struct member){"author", 6, str("")};
	post1[0] = (struct member){"title", 5, str("On Node.js, Go and concurrency")};
	post1[1] = (struct member){"url", 3, str("/on-node-go-concurrency")};
	post1[2] = (struct member){"order", 5, num(1)};
	post1[3] = (struct member){"draft", 5, boolean(0)};
	post2[0] = (struct member){"title", 5, str("<script>alert(1)</script>")};
	post2[1] = (struct member){"url", 3, str("/x?a=1&b=2")};
	post2[2] = (struct member){"order", 5, num(-2.5)};
	MAP(posts[0], post1);
	MAP(posts[1], post2);
	tags[0] = str("rust");
	tags[1] = str("go");
	tags[2] = num(3);
	row1[0] = num(1e300);
	row1[1] = num(0.1);
	row2[0] = str("x");
	LIST(matrix[0], row1);
	LIST(matrix[1], row2);
	empty[0] = (struct value){.type = VALUE_NULL};
	deeper[0] = (struct member){"c", 1, str("abc")};
	deep[0] = (struct member){"b", 1, {.type = VALUE_NULL}};
	MAP(deep[0].value, deeper);
	deep[1] = (struct member){"a.b", 3, str("dotted key")};
	page[0] = (struct member){"title", 5, str("A <b>title</b>")};
	page[1] = (struct member){"body", 4, str("<p>Raw <em>HTML</em> body</p>\n")};
	page[1].value.html = 1;
	page[2] = (struct member){"reading_minutes", 15, num(3)};
	page[3] = (struct member){"tags", 4, {.type = VALUE_NULL}};
	LIST(page[3].value, tags);
	page[4] = (struct member){"prev", 4, {.type = VALUE_NULL}};
	page[5] = (struct member){"next", 4, {.type = VALUE_NULL}};
	MAP(page[5].value, post1);
	page[6] = (struct member){"empty", 5, str("")};
	page[7] = (struct member){"zero", 4, num(0)};
	page[8] = (struct member){"no", 2, boolean(0)};
	page[9] = (struct member){"yes", 3, boolean(1)};
	page[10] = (struct member){"partial", 7, str("p")};
	page[11] = (struct member){"deep", 4, {.type = VALUE_NULL}};
	MAP(page[11].value, deep);
	top[0] = (struct member){"site", 4, {.type = VALUE_NULL}};
	MAP(top[0].value, site);
	top[1] = (struct member){"page", 4, {.type = VALUE_NULL}};
	MAP(top[1].value, page);
	top[2] = (struct member){"posts", 5, {.type = VALUE_NULL}};
	LIST(top[2].value, posts);
	top[3] = (struct member){"year", 4, num(2024)};
	top[4] = (struct member){"matrix", 6, {.type = VALUE_NULL}};
	LIST(top[4].value, matrix);
	top[5] = (struct member){"none", 4, {.type = VALUE_NULL}};
	top[6] = (struct member){"nothing", 7, {.type = VALUE_LIST}};
	top[6].value.u.list.items = empty;
	top[7] = (struct member){"name", 4, str("base")};
	top[8] = (struct member){"nan", 3, num(NAN)};
	top[9] = (struct member){"big", 3, num(-1e15)};
	MAP(root, top);
	return 0;
}

static void render(const struct template_set *set, const char *name, struct buf *out)
{
	const struct template *t = template_set_find(set, name, strlen(name));

	if (t == NULL)
		return;
	/* Rendering appends: what was there stays. */
	buf_reset(out);
	buf_adds(out, "keep");
	(void)template_render(t, &root, out);
	FUZZ_CHECK(out->len >= 4 && memcmp(out->data, "keep", 4) == 0, "output clobbered");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf err, out;
	const char *src = (const char *)data;
	const char *nul = memchr(src, '\0', size);
	size_t alen = nul ? (size_t)(nul - src) : size;
	const char *b = nul ? nul + 1 : "";
	size_t blen = nul ? size - alen - 1 : 0;

	for (int strict = 0; strict <= 1; strict++) {
		struct template_set *set = template_set_new(strict);
		int ok;

		buf_reset(&err);
		ok = template_set_add(set, "base", 4, b, blen, "base.mustache", &err) == 0 &&
		     template_set_add(set, "p", 1, b, blen, "p.mustache", &err) == 0 &&
		     template_set_add(set, "main", 4, src, alen, "main.mustache", &err) == 0;
		if (ok) {
			FUZZ_CHECK(template_set_add(set, "p", 1, "", 0, NULL, &err) < 0,
			           "a duplicate template accepted");
			buf_reset(&err);
			ok = template_set_link(set, &err) == 0;
			FUZZ_CHECK(ok || strict, "link failed without strict: %s", buf_cstr(&err));
		}
		if (!ok) {
			FUZZ_CHECK(err.len > 0, "refused without a reason");
		} else {
			render(set, "main", &out);
			render(set, "base", &out);
		}
		template_set_free(set);
	}
	return 0;
}

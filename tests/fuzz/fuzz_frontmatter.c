/* fuzz_frontmatter.c — frontmatter_parse() on arbitrary bytes, with quire's default limits. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "frontmatter.h"
#include "fuzz.h"
#include "mem.h"

#define FM_MAX (64L * 1024) /* limits.front_matter_size's default */

static void fm_strlist(const struct strlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		(void)strlen(l->items[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena a;
	static struct buf err;
	const char *src = (const char *)data;
	struct frontmatter fm;
	size_t yoff, ylen, yline;

	/* As post_load() reads a post's head: the file's first bytes, maybe not all of it. */
	buf_reset(&err);
	long body = frontmatter_split(src, size, 0, FM_MAX, &yoff, &ylen, &yline, &err);
	if (body >= 0) {
		FUZZ_CHECK((size_t)body <= size, "body at %ld of %zu", body, size);
		FUZZ_CHECK(yoff <= (size_t)body && yoff + ylen <= (size_t)body, "yaml %zu+%zu",
		           yoff, ylen);
		FUZZ_CHECK((long)ylen <= FM_MAX, "yaml of %zu bytes", ylen);
	} else {
		FUZZ_CHECK(err.len > 0, "refused without a reason");
	}

	/* As post_parse() reads the whole file. */
	buf_reset(&err);
	arena_reset(&a);
	if (frontmatter_parse(src, size, 1, FM_MAX, &a, &fm, &err) < 0) {
		FUZZ_CHECK(err.len > 0, "refused without a reason");
		return 0;
	}
	FUZZ_CHECK(fm.body_offset <= size, "body at %zu of %zu", fm.body_offset, size);
	FUZZ_CHECK(fm.title != NULL && fm.title[0] != '\0', "a post without a title");
	FUZZ_CHECK(fm.fields.type == VALUE_MAP, "fields of type %d", (int)fm.fields.type);
	const char *texts[] = {fm.route,   fm.slug,      fm.layout, fm.description,
	                       fm.summary, fm.canonical, fm.robots, fm.type};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i] != NULL)
			(void)strlen(texts[i]);
	fm_strlist(&fm.tags);
	fm_strlist(&fm.categories);
	fm_strlist(&fm.aliases);
	fm_strlist(&fm.authors);
	fm_strlist(&fm.menus);
	/* What quire reads as text, layouts see as text: "title: Yes" is not a boolean. */
	static const char *const text[] = {"title",       "slug",      "layout",
	                                   "description", "canonical", "robots"};
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		const struct value *v = value_get(&fm.fields, text[i], strlen(text[i]));
		FUZZ_CHECK(v == NULL || v->type == VALUE_STRING || v->type == VALUE_NULL,
		           "\"%s\" of type %d", text[i], (int)v->type);
	}
	(void)fuzz_walk(&fm.fields, 0);
	return 0;
}

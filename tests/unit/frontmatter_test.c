/* frontmatter_test.c — front matter: the good, every broken case, and the limits. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "check.h"
#include "frontmatter.h"
#include "mem.h"

struct fm_case {
	const char *name;
	const char *src;
	int line;            /* 0: must parse; else the line the error must name */
	const char *problem; /* a part of the error message */
};

static const struct fm_case cases[] = {
    {"the first post's fields",
     "---\ntitle: On Node.js, Go and concurrency\nroute: on-node-go-concurrency\norder: 1\n"
     "layout: Post\ndescription: Why?\n---\nbody\n",
     0, NULL},
    {"unterminated block", "---\ntitle: x\nroute: y\n\nbody\n", 1, "not closed"},
    {"no front matter", "# Just Markdown\n", 1, "no front matter"},
    {"empty file", "", 1, "no front matter"},
    {"empty front matter", "---\n---\nbody\n", 2, "missing title"},
    {"missing title", "---\nroute: x\n---\n", 2, "missing title"},
    {"empty title", "---\ntitle: \"\"\n---\n", 2, "missing title"},
    {"YAML syntax error", "---\ntitle: x\nroute: \"unclosed\nfoo: [\n---\n", 0, "found"},
    {"tab indentation", "---\ntitle: x\nmeta:\n\tkey: v\n---\n", 4, "tab"},
    {"duplicate key", "---\ntitle: a\nroute: r\ntitle: b\n---\n", 4, "duplicate key \"title\""},
    {"order is not a number", "---\ntitle: a\norder: abc\n---\n", 3, "\"order\" must be a number"},
    {"order is a list", "---\ntitle: a\norder: [1]\n---\n", 3, "\"order\" must be a number"},
    {"title is a list", "---\ntitle: [a, b]\n---\n", 2, "\"title\" must be text, not a list"},
    {"title is a map", "---\ntitle: {a: b}\n---\n", 2, "\"title\" must be text, not a map"},
    {"route is a list", "---\ntitle: a\nroute: [x]\n---\n", 3, "\"route\" must be text"},
    {"NUL in a route", "---\ntitle: a\nroute: \"a\\0b\"\n---\n", 3, "\"route\" holds a NUL"},
    {"NUL in an alias", "---\ntitle: a\naliases: [\"/x\\0y\"]\n---\n", 3,
     "\"aliases\" holds a NUL"},
    {"anchor", "---\ntitle: &t a\n---\n", 2, "anchors are not allowed"},
    {"alias", "---\na: b\ntitle: *a\n---\n", 3, "aliases are not allowed"},
    {"merge key", "---\ntitle: a\nbase: {x: 1}\nother:\n  <<: {y: 2}\n---\n", 5,
     "merge keys are not allowed"},
    {"tag", "---\ntitle: !!binary aGVsbG8=\n---\n", 2, "tags are not allowed"},
    {"local tag", "---\ntitle: a\nx: !foo bar\n---\n", 3, "tags are not allowed"},
    {"nesting of 4 is allowed", "---\ntitle: a\nx: [[[1]]]\n---\n", 0, NULL},
    {"nesting of 5 is refused", "---\ntitle: a\nx: [[[[1]]]]\n---\n", 3, "nesting deeper than 4"},
    {"a list is not front matter", "---\n- a\n- b\n---\n", 2, "must be a map"},
    {"a key that is a list", "---\ntitle: a\n[x]: y\n---\n", 3, "key must be plain text"},
    {"UTF-16", "\xFF\xFE-\0-\0-\0", 1, "UTF-16"},
    {"invalid UTF-8 in a title", "---\ntitle: caf\xC3\n---\n", 2, "UTF-8"},
    {"byte-order mark is skipped", "\xEF\xBB\xBF---\ntitle: a\n---\nbody", 0, NULL},
    {"CRLF lines", "---\r\ntitle: a\r\nroute: b\r\n---\r\nbody\r\n", 0, NULL},
    {"closing with ...", "---\ntitle: a\n...\nbody\n", 0, NULL},
    {"fence with trailing spaces", "---  \ntitle: a\n---   \nbody\n", 0, NULL},
    {"null title", "---\ntitle: ~\n---\n", 2, "missing title"},
    {"other fields are kept", "---\ntitle: a\ntags: [x, y]\ncustom: 5\ndraft: true\n---\n", 0,
     NULL},
};

static void fm_check_case(const struct fm_case *c)
{
	struct arena a = {0};
	struct buf err = {0};
	struct frontmatter fm;
	int rc =
	    frontmatter_parse(c->src, strlen(c->src) + (strcmp(c->name, "UTF-16") == 0 ? 5 : 0), 1,
	                      65536, &a, &fm, &err);
	const char *e = buf_cstr(&err);

	if (c->line == 0 && c->problem == NULL) {
		check("frontmatter", c->name, rc == 0, "error: %s", e);
	} else if (c->line == 0) {
		/* Only the problem's wording is checked (libyaml words it). */
		check("frontmatter", c->name, rc < 0 && strstr(e, c->problem) != NULL,
		      "rc %d, error \"%s\"", rc, e);
	} else {
		char want[32];
		snprintf(want, sizeof(want), "%d: ", c->line);
		check("frontmatter", c->name,
		      rc < 0 && strncmp(e, want, strlen(want)) == 0 &&
		          strstr(e, c->problem) != NULL,
		      "rc %d, error \"%s\", want line %d and \"%s\"", rc, e, c->line, c->problem);
	}
	buf_free(&err);
	arena_free(&a);
}

static void fm_check_fields(void)
{
	static const char src[] = "---\ntitle: On Node.js, Go and concurrency\nroute: "
	                          "on-node-go-concurrency\norder: 1\nlayout: Post\ndescription: "
	                          "Why?\nextra: kept\n---\nbody\n";
	struct arena a = {0};
	struct buf err = {0};
	struct frontmatter fm;
	int rc = frontmatter_parse(src, sizeof(src) - 1, 1, 65536, &a, &fm, &err);
	const struct value *extra = value_get(&fm.fields, "extra", 5);

	check("frontmatter", "title read",
	      rc == 0 && strcmp(fm.title, "On Node.js, Go and concurrency") == 0, "%s",
	      fm.title ? fm.title : "(null)");
	check("frontmatter", "route read",
	      rc == 0 && strcmp(fm.route, "on-node-go-concurrency") == 0, "%s",
	      fm.route ? fm.route : "(null)");
	check("frontmatter", "order read", rc == 0 && fm.has_order && fm.order == 1.0, "%g",
	      fm.order);
	check("frontmatter", "layout and description read",
	      rc == 0 && strcmp(fm.layout, "Post") == 0 && strcmp(fm.description, "Why?") == 0, "");
	check("frontmatter", "other scalar fields reach templates",
	      extra != NULL && extra->type == VALUE_STRING && extra->u.string.len == 4, "");
	check("frontmatter", "body offset", rc == 0 && strcmp(src + fm.body_offset, "body\n") == 0,
	      "%zu", fm.body_offset);
	buf_free(&err);
	arena_free(&a);
}

static double fm_elapsed(struct timespec t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* Hostile sizes are refused by the caps before libyaml sees them. */
static void fm_check_limits(void)
{
	struct arena a = {0};
	struct buf src = {0}, err = {0};
	struct frontmatter fm;
	struct timespec t0;
	int rc;

	buf_adds(&src, "---\ntitle: a\nbig: \"");
	for (int i = 0; i < 70000; i++)
		buf_addc(&src, 'x');
	buf_adds(&src, "\"\n---\nbody\n");
	rc = frontmatter_parse(src.data, src.len, 1, 65536, &a, &fm, &err);
	check("frontmatter", "front matter over 64 KiB is refused",
	      rc < 0 && strstr(buf_cstr(&err), "larger than 65536") != NULL, "%s", err.data);

	buf_reset(&src);
	buf_reset(&err);
	buf_adds(&src, "---\ntitle: a\nx: ");
	for (int i = 0; i < 100000; i++)
		buf_addc(&src, '[');
	buf_adds(&src, "\n---\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = frontmatter_parse(src.data, src.len, 1, 1 << 20, &a, &fm, &err);
	check("frontmatter", "100,000 nested [ are refused by the depth cap",
	      rc < 0 && strstr(buf_cstr(&err), "nesting deeper than 4") != NULL, "%s", err.data);
	/* Generous bound: the point is "not seconds", and machines are shared. */
	check("frontmatter", "100,000 nested [ are refused quickly", fm_elapsed(t0) < 0.5, "%.3f s",
	      fm_elapsed(t0));

	buf_reset(&src);
	buf_reset(&err);
	buf_adds(&src, "---\ntitle: a\n");
	for (int i = 0; i < 3000; i++)
		buf_printf(&src, "k%d: v\n", i);
	buf_adds(&src, "k7: again\n---\n");
	rc = frontmatter_parse(src.data, src.len, 1, 65536, &a, &fm, &err);
	check("frontmatter", "duplicate among 3,000 keys names its line",
	      rc < 0 && strncmp(buf_cstr(&err), "3003: duplicate key \"k7\"", 24) == 0, "%s",
	      err.data);
	buf_free(&src);
	buf_free(&err);
	arena_free(&a);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		fm_check_case(&cases[i]);
	fm_check_fields();
	fm_check_limits();
	return check_exit();
}

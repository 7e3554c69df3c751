/* template_test.c — the template engine beyond the spec: errors, escaping, limits, layouts. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "template.h"
#include "value.h"

#define SUITE "template"

struct partial {
	const char *name;
	const char *src;
};

struct render_case {
	const char *name;
	const char *src;
	struct partial partials[4];
	int rc;
	const char *out; /* when rc is 0 */
};

static const struct render_case render_cases[] = {
    {"{{x}} escapes a plain string", "{{plain}}", {{0}}, 0, "&lt;b&gt;bold&lt;/b&gt;"},
    {"{{{x}}} on a non-html string is escaped", "{{{plain}}}", {{0}}, 0, "&lt;b&gt;bold&lt;/b&gt;"},
    {"{{& x}} on a non-html string is escaped", "{{& plain}}", {{0}}, 0, "&lt;b&gt;bold&lt;/b&gt;"},
    {"{{{x}}} on an html string is raw", "{{{body}}}", {{0}}, 0, "<p>hi &amp; bye</p>"},
    {"{{& x}} on an html string is raw", "{{&body}}", {{0}}, 0, "<p>hi &amp; bye</p>"},
    {"{{x}} on an html string is escaped",
     "{{body}}",
     {{0}},
     0,
     "&lt;p&gt;hi &amp;amp; bye&lt;/p&gt;"},
    {"<script> is escaped", "{{script}}", {{0}}, 0, "&lt;script&gt;alert(1)&lt;/script&gt;"},
    {"attribute breakout is escaped",
     "<a title=\"{{attr}}\">",
     {{0}},
     0,
     "<a title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">"},
    {"</title> is escaped",
     "<title>{{badtitle}}</title>",
     {{0}},
     0,
     "<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>"},
    {"single quote is escaped", "'{{quote}}'", {{0}}, 0, "'it&#39;s'"},
    {"empty template", "", {{0}}, 0, ""},
    {"dotted name into nested maps", "{{site.author.name}}", {{0}}, 0, "Ann &amp; Bob"},
    {"dotted name with a missing link", "[{{site.editor.name}}]", {{0}}, 0, "[]"},
    {"dotted name through a scalar", "[{{site.title.x}}]", {{0}}, 0, "[]"},
    {"nested sections search the stack",
     "{{#site}}{{#author}}{{name}}@{{title}}{{/author}}{{/site}}",
     {{0}},
     0,
     "Ann &amp; Bob@Blog"},
    {"numbers",
     "{{n_int}} {{n_frac}} {{n_neg}} {{n_tenth}} {{n_big}} {{n_zero}}",
     {{0}},
     0,
     "42 2.5 -7 0.1 1e+20 0"},
    {"booleans, null and missing",
     "{{yes}}|{{no}}|{{nothing}}|{{missing}}",
     {{0}},
     0,
     "true|false||"},
    {"list section",
     "{{#posts}}<a href=\"{{url}}\">{{title}}</a>{{/posts}}",
     {{0}},
     0,
     "<a href=\"/one\">One</a><a href=\"/two\">Two</a>"},
    {"inverted section",
     "{{^missing}}none{{/missing}}{{^posts}}no posts{{/posts}}",
     {{0}},
     0,
     "none"},
    {"dynamic partial",
     "{{#posts}}{{>*partial_name}}{{/posts}}",
     {{"item", "[{{title}}]"}},
     0,
     "[One][Two]"},
    {"dynamic partial naming nothing", "a{{>*nothing}}{{>*n_int}}b", {{"item", "x"}}, 0, "ab"},
    {"missing partial in a non-strict set", "a{{>nope}}b", {{0}}, 0, "ab"},
    {"indented standalone partial",
     "<body>\n  {{>list}}\n</body>\n",
     {{"list", "<ul>\n{{#posts}}\n  <li>{{title}}</li>\n{{/posts}}\n</ul>\n"}},
     0,
     "<body>\n  <ul>\n    <li>One</li>\n    <li>Two</li>\n  </ul>\n</body>\n"},
    {"layout through a parent",
     "{{<base}}\n{{$title}}Post{{/title}}\n{{$content}}\n<p>one</p>\n<p>two</p>\n{{/content}}\n"
     "{{/base}}\n",
     {{"base", "<html>\n  <head><title>{{$title}}Blog{{/title}}</title></head>\n  <body>\n"
               "    {{$content}}\n    default\n    {{/content}}\n  </body>\n</html>\n"}},
     0,
     "<html>\n  <head><title>Post</title></head>\n  <body>\n    <p>one</p>\n    <p>two</p>\n"
     "  </body>\n</html>\n"},
    {"parent default blocks",
     "{{<base}}{{/base}}",
     {{"base", "[{{$a}}default{{/a}}]"}},
     0,
     "[default]"},
    {"partial sees the caller's block overrides",
     "{{<base}}{{$t}}mine{{/t}}{{/base}}",
     {{"base", "<{{>head}}>"}, {"head", "{{$t}}theirs{{/t}}"}},
     0,
     "<mine>"},
    {"self-recursive partial", "{{>rec}}", {{"rec", "x{{>rec}}"}}, -1, NULL},
    {"self-recursive partial with never-ending data",
     "{{>rec}}",
     {{"rec", "{{#self}}{{>rec}}{{/self}}"}},
     -1,
     NULL},
    {"self-recursive parent", "{{<p}}{{/p}}", {{"p", "{{<p}}{{/p}}"}}, -1, NULL},
    {"block overriding itself",
     "{{<p}}{{$a}}{{$a}}x{{/a}}{{/a}}{{/p}}",
     {{"p", "{{$a}}{{/a}}"}},
     -1,
     NULL},
    {"deep section nesting",
     "{{#self}}{{#self}}{{#self}}{{#self}}{{.}}{{/self}}{{/self}}{{/self}}"
     "{{/self}}",
     {{0}},
     0,
     ""},
};

static const char runaway[] = "{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}"
                              "{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}"
                              "{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}"
                              "{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}"
                              "{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}"
                              "{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}{{#posts}}"
                              "{{#posts}}{{#posts}}{{#posts}}{{#posts}}x"
                              "{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}"
                              "{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}"
                              "{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}"
                              "{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}"
                              "{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}"
                              "{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}{{/posts}}"
                              "{{/posts}}{{/posts}}{{/posts}}{{/posts}}";

struct error_case {
	const char *name;
	const char *src;
	const char *err; /* expected start of the message */
};

static const struct error_case error_cases[] = {
    {"unclosed section names its line", "a\n\n{{#b}}\nc\n",
     "layouts/t.html:3: unclosed section \"b\""},
    {"unclosed inner section", "{{#a}}\n{{^b}}\n", "layouts/t.html:2: unclosed section \"b\""},
    {"mismatched closing tag names its line", "{{#a}}\n{{#b}}\n\n{{/a}}\n",
     "layouts/t.html:4: mismatched closing tag \"a\""},
    {"closing tag without a section", "x\n{{/a}}", "layouts/t.html:2: closing tag without"},
    {"bad delimiter change: one delimiter", "x\ny\n{{=<% =}}",
     "layouts/t.html:3: bad delimiter change"},
    {"bad delimiter change: '=' inside", "{{=a= b=}}", "layouts/t.html:1: bad delimiter change"},
    {"bad delimiter change: three parts", "\n{{=a b c=}}",
     "layouts/t.html:2: bad delimiter change"},
    {"bad delimiter change: empty", "{{==}}", "layouts/t.html:1: bad delimiter change"},
    {"unclosed tag", "line1\n{{name\n", "layouts/t.html:2: unclosed tag"},
    {"unclosed triple mustache", "\n\n{{{name}}", "layouts/t.html:3: unclosed tag"},
    {"unclosed tag after a delimiter change", "{{=<% %>=}}\n<% x }}",
     "layouts/t.html:2: unclosed tag"},
    {"unclosed comment", "{{! never ends", "layouts/t.html:1: unclosed tag"},
    {"empty tag", "a\n{{ }}", "layouts/t.html:2: empty tag"},
    {"unclosed parent", "{{<base}}\n{{$a}}x{{/a}}\n",
     "layouts/t.html:1: unclosed section \"base\""},
    {"unclosed block", "x\n{{$a}}\n", "layouts/t.html:2: unclosed section \"a\""},
    {"lone opening delimiter at the end", "abc {{", "layouts/t.html:1: unclosed tag"},
};

static struct value vstr(const char *s, unsigned html)
{
	struct value v = {0};

	v.type = VALUE_STRING;
	v.html = html;
	v.u.string.p = s;
	v.u.string.len = strlen(s);
	return v;
}

static struct value vnum(double d)
{
	struct value v = {0};

	v.type = VALUE_NUMBER;
	v.u.number = d;
	return v;
}

static struct value vbool(int b)
{
	struct value v = {0};

	v.type = VALUE_BOOL;
	v.u.boolean = b;
	return v;
}

static struct value vmap(const struct member *m, size_t n)
{
	struct value v = {0};

	v.type = VALUE_MAP;
	v.u.map.items = m;
	v.u.map.len = n;
	return v;
}

static struct member mem(const char *key, struct value v)
{
	struct member m;

	m.key = key;
	m.keylen = strlen(key);
	m.value = v;
	return m;
}

/* Add src (and partials) to a fresh non-strict set and link; NULL (reason in err) on failure. */
static struct template_set *build(const char *src, const struct partial *partials, struct buf *err)
{
	struct template_set *set = template_set_new(0);

	for (size_t i = 0; partials != NULL && i < 4 && partials[i].name != NULL; i++) {
		if (template_set_add(set, partials[i].name, strlen(partials[i].name),
		                     partials[i].src, strlen(partials[i].src), partials[i].name,
		                     err) < 0)
			goto fail;
	}
	if (template_set_add(set, "main", 4, src, strlen(src), "main", err) < 0 ||
	    template_set_link(set, err) < 0)
		goto fail;
	return set;
fail:
	template_set_free(set);
	return NULL;
}

static void test_render_cases(const struct value *root)
{
	struct buf out = {0}, err = {0};

	for (size_t i = 0; i < sizeof(render_cases) / sizeof(render_cases[0]); i++) {
		const struct render_case *c = &render_cases[i];
		buf_reset(&err);
		buf_reset(&out);
		struct template_set *set = build(c->src, c->partials, &err);
		if (set == NULL) {
			check(SUITE, c->name, 0, "does not compile: %s", buf_cstr(&err));
			continue;
		}
		int rc = template_render(template_set_find(set, "main", 4), root, &out);
		buf_cstr(&out);
		if (rc != c->rc)
			check(SUITE, c->name, 0, "returned %d, want %d", rc, c->rc);
		else if (rc == 0)
			check(SUITE, c->name, strcmp(out.data, c->out) == 0,
			      "got \"%s\" want \"%s\"", out.data, c->out);
		else
			check(SUITE, c->name, 1, "");
		template_set_free(set);
	}
	buf_free(&out);
	buf_free(&err);
}

static void test_error_cases(void)
{
	struct buf err = {0};

	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];
		struct template_set *set = template_set_new(1);
		buf_reset(&err);
		int rc =
		    template_set_add(set, "t", 1, c->src, strlen(c->src), "layouts/t.html", &err);
		buf_cstr(&err);
		if (rc == 0)
			check(SUITE, c->name, 0, "accepted");
		else
			check(SUITE, c->name, strncmp(err.data, c->err, strlen(c->err)) == 0,
			      "got \"%s\" want \"%s...\"", err.data, c->err);
		check(SUITE, c->name, template_set_find(set, "t", 1) == NULL,
		      "a failed template is in the set");
		template_set_free(set);
	}
	buf_free(&err);
}

static void test_strict(void)
{
	struct buf err = {0}, out = {0};
	struct template_set *set = template_set_new(1);
	const char *page = "<html>\n{{! header }}\n{{>header}}\n</html>\n";
	const char *post = "x\ny\n{{<base}}{{/base}}\n";
	const char *ok = "{{>*dynamic}}{{>page}}";

	template_set_add(set, "page", 4, page, strlen(page), "layouts/page.html", &err);
	check(SUITE, "strict: unknown partial names file and line",
	      template_set_link(set, &err) < 0 &&
	          strcmp(buf_cstr(&err), "layouts/page.html:3: unknown partial \"header\"") == 0,
	      "got \"%s\"", buf_cstr(&err));
	template_set_free(set);

	set = template_set_new(1);
	buf_reset(&err);
	template_set_add(set, "post", 4, post, strlen(post), "layouts/post.html", &err);
	check(SUITE, "strict: unknown parent names file and line",
	      template_set_link(set, &err) < 0 &&
	          strcmp(buf_cstr(&err), "layouts/post.html:3: unknown parent \"base\"") == 0,
	      "got \"%s\"", buf_cstr(&err));
	template_set_free(set);

	set = template_set_new(1);
	buf_reset(&err);
	template_set_add(set, "page", 4, "p", 1, "layouts/page.html", &err);
	template_set_add(set, "ok", 2, ok, strlen(ok), "layouts/ok.html", &err);
	int rc = template_set_link(set, &err);
	check(SUITE, "strict: known partials and dynamic names link", rc == 0, "got \"%s\"",
	      buf_cstr(&err));
	rc = template_render(template_set_find(set, "ok", 2), NULL, &out);
	check(SUITE, "strict: render with a NULL context", rc == 0 && out.len == 1, "rc %d", rc);
	check(SUITE, "duplicate template name is refused",
	      template_set_add(set, "ok", 2, "x", 1, "layouts/ok2.html", &err) < 0, "");
	check(SUITE, "unknown name finds nothing", template_set_find(set, "nope", 4) == NULL, "");
	template_set_free(set);
	buf_free(&err);
	buf_free(&out);
}

static void test_twice(const struct value *root)
{
	struct buf a = {0}, b = {0}, err = {0};
	const struct render_case *c = NULL;

	for (size_t i = 0; i < sizeof(render_cases) / sizeof(render_cases[0]); i++)
		if (strcmp(render_cases[i].name, "layout through a parent") == 0)
			c = &render_cases[i];
	struct template_set *set = build(c->src, c->partials, &err);
	const struct template *t = template_set_find(set, "main", 4);
	int rc1 = template_render(t, root, &a);
	int rc2 = template_render(t, root, &b);
	check(SUITE, "same template rendered twice gives identical output",
	      rc1 == 0 && rc2 == 0 && a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	      "first \"%s\" second \"%s\"", buf_cstr(&a), buf_cstr(&b));

	buf_reset(&b);
	buf_adds(&b, "prefix|");
	template_render(t, root, &b);
	check(SUITE, "render appends to what the buffer holds",
	      b.len == a.len + 7 && memcmp(b.data, "prefix|", 7) == 0 &&
	          memcmp(b.data + 7, a.data, a.len) == 0,
	      "got \"%s\"", buf_cstr(&b));
	template_set_free(set);
	buf_free(&a);
	buf_free(&b);
	buf_free(&err);
}

static void test_runaway(const struct value *root)
{
	struct buf out = {0}, err = {0};
	struct template_set *set = build(runaway, NULL, &err);
	int rc = set ? template_render(template_set_find(set, "main", 4), root, &out) : 0;

	check(SUITE, "runaway nested loops stop with -1", set != NULL && rc == -1, "rc %d: %s", rc,
	      buf_cstr(&err));
	template_set_free(set);
	buf_free(&out);
	buf_free(&err);
}

int main(void)
{
	struct member author[] = {mem("name", vstr("Ann & Bob", 0))};
	struct member site[] = {mem("title", vstr("Blog", 0)), mem("author", vmap(author, 1))};
	struct member post1[] = {mem("title", vstr("One", 0)), mem("url", vstr("/one", 0))};
	struct member post2[] = {mem("title", vstr("Two", 0)), mem("url", vstr("/two", 0))};
	struct value posts[] = {vmap(post1, 2), vmap(post2, 2)};
	struct value list = {0}, nothing = {0};
	struct member self[] = {mem("x", vnum(1))};
	list.type = VALUE_LIST;
	list.u.list.items = posts;
	list.u.list.len = 2;
	nothing.type = VALUE_NULL;
	struct member root_members[] = {
	    mem("plain", vstr("<b>bold</b>", 0)),
	    mem("body", vstr("<p>hi &amp; bye</p>", 1)),
	    mem("script", vstr("<script>alert(1)</script>", 0)),
	    mem("attr", vstr("\"><img src=x onerror=alert(1)>", 0)),
	    mem("badtitle", vstr("</title><script>x</script>", 0)),
	    mem("quote", vstr("it's", 0)),
	    mem("site", vmap(site, 2)),
	    mem("n_int", vnum(42)),
	    mem("n_frac", vnum(2.5)),
	    mem("n_neg", vnum(-7)),
	    mem("n_tenth", vnum(0.1)),
	    mem("n_big", vnum(1e20)),
	    mem("n_zero", vnum(-0.0)),
	    mem("yes", vbool(1)),
	    mem("no", vbool(0)),
	    mem("nothing", nothing),
	    mem("posts", list),
	    mem("partial_name", vstr("item", 0)),
	    mem("self", vmap(self, 1)),
	};
	struct value root = vmap(root_members, sizeof(root_members) / sizeof(root_members[0]));

	test_render_cases(&root);
	test_error_cases();
	test_strict();
	test_twice(&root);
	test_runaway(&root);
	return check_exit();
}

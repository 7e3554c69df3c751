/* render_conformance_test.c — render_html with the additions off against Debian's md_html
 * and against the HTML md4c's test files state (tests/data/md4c-tests/), each example
 * through md4c's parser flags for its file and through quire's, both normalised as md4c's
 * test runner (test/normalize.py) does. An example md4c 0.4.8 itself fails against its file
 * is counted, not failed. */
#include <md4c-html.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "normalize.h"
#include "render.h"
#include "utf8.h"

#define FENCE "````````````````````````````````"

struct conf_file {
	const char *name;
	unsigned flags; /* what md4c's tests run the file with */
};

static const struct conf_file conf_files[] = {
    {"spec.txt", 0},
    {"tables.txt", MD_FLAG_TABLES},
    {"strikethrough.txt", MD_FLAG_STRIKETHROUGH},
    {"tasklists.txt", MD_FLAG_TASKLISTS},
    {"permissive-email-autolinks.txt", MD_FLAG_PERMISSIVEEMAILAUTOLINKS},
    {"permissive-url-autolinks.txt", MD_FLAG_PERMISSIVEURLAUTOLINKS},
    {"permissive-www-autolinks.txt", MD_FLAG_PERMISSIVEWWWAUTOLINKS},
    {"underline.txt", MD_FLAG_UNDERLINE},
    {"wiki-links.txt", MD_FLAG_WIKILINKS | MD_FLAG_TABLES},
    {"latex-math.txt", MD_FLAG_LATEXMATHSPANS},
};

/* --- the examples --- */

static void conf_sink(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	buf_add(userdata, text, size);
}

/* Replace each "→" by a tab, as md4c's runner does. */
static void conf_tabs(struct buf *b)
{
	size_t w = 0;

	for (size_t r = 0; r < b->len;) {
		if (b->len - r >= 3 && memcmp(b->data + r, "\xE2\x86\x92", 3) == 0) {
			b->data[w++] = '\t';
			r += 3;
		} else {
			b->data[w++] = b->data[r++];
		}
	}
	b->len = w;
}

struct conf_counts {
	int same, differ, expected_pass, expected_fail, md4c_fails;
};

static int conf_eq(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void conf_example(const char *file, int num, int line, unsigned file_flags, struct buf *md,
                         struct buf *want, struct conf_counts *c)
{
	/* quire's flags, and quire's with math (markdown.math, a post's math: true). */
	unsigned flag_sets[3] = {file_flags, MD_DIALECT_GITHUB,
	                         MD_DIALECT_GITHUB | MD_FLAG_LATEXMATHSPANS};
	struct buf a = {0}, b = {0}, na = {0}, nb = {0}, nw = {0};
	char name[160];

	conf_tabs(md);
	conf_tabs(want);
	for (int k = 0; k < 3; k++) {
		struct render_opts o = {.parser_flags = flag_sets[k]};
		buf_reset(&a);
		buf_reset(&b);
		md_html(md->data, (MD_SIZE)md->len, conf_sink, &a, flag_sets[k],
		        MD_HTML_FLAG_SKIP_UTF8_BOM);
		int rc = render_html(md->data, md->len, &o, &b);
		conf_normalize(a.data, a.len, &na);
		conf_normalize(b.data, b.len, &nb);
		int same = rc == 0 && conf_eq(&na, &nb);
		int bytes = same && conf_eq(&a, &b);
		snprintf(name, sizeof(name), "%s example %d (line %d), %s flags: as md_html", file,
		         num, line,
		         k == 0   ? "its"
		         : k == 1 ? "quire's"
		                  : "quire's math");
		check("render_conformance", name, same, "md_html \"%s\", render_html \"%s\"",
		      buf_cstr(&a), buf_cstr(&b));
		if (same && !bytes)
			printf("NOTE %s: equal normalised, not byte for byte\n", name);
		same ? c->same++ : c->differ++;
		if (k != 0)
			continue;
		conf_normalize(want->data, want->len, &nw);
		int md4c_ok = conf_eq(&na, &nw);
		int ours_ok = conf_eq(&nb, &nw);
		snprintf(name, sizeof(name), "%s example %d (line %d): the file's HTML", file, num,
		         line);
		if (!md4c_ok) {
			printf("SKIP render_conformance: %s: md4c 0.4.8 fails it too%s\n", name,
			       ours_ok ? " (render_html passes)" : "");
			c->md4c_fails++;
			continue;
		}
		check("render_conformance", name, ours_ok, "want \"%s\", got \"%s\"", buf_cstr(&nw),
		      buf_cstr(&nb));
		ours_ok ? c->expected_pass++ : c->expected_fail++;
	}
	buf_free(&a);
	buf_free(&b);
	buf_free(&na);
	buf_free(&nb);
	buf_free(&nw);
}

static int conf_run(const struct conf_file *f, struct conf_counts *c)
{
	char path[256], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int state = 0, num = 0, lineno = 0, start = 0;
	struct buf md = {0}, want = {0};

	snprintf(path, sizeof(path), "tests/data/md4c-tests/%s", f->name);
	FILE *in = fopen(path, "r");
	if (in == NULL) {
		check("render_conformance", path, 0, "cannot read it");
		return -1;
	}
	while ((n = getline(&line, &cap, in)) > 0) {
		lineno++;
		size_t l = (size_t)n;
		while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == ' ' || line[l - 1] == '\r'))
			l--;
		if (state == 0 && l >= 40 && memcmp(line, FENCE " example", 40) == 0) {
			state = 1;
			start = lineno;
			buf_reset(&md);
			buf_reset(&want);
		} else if (state == 2 && l == 32 && memcmp(line, FENCE, 32) == 0) {
			state = 0;
			conf_example(f->name, ++num, start, f->flags, &md, &want, c);
		} else if (state == 1 && l == 1 && line[0] == '.') {
			state = 2;
		} else if (state == 1) {
			buf_add(&md, line, (size_t)n);
		} else if (state == 2) {
			buf_add(&want, line, (size_t)n);
		}
	}
	free(line);
	fclose(in);
	buf_free(&md);
	buf_free(&want);
	return num;
}

/* normalize.py's own examples (its docstring), and a difference it must keep. */
static void conf_normalize_test(void)
{
	static const char *const cases[][2] = {
	    {"<p>a  \t b</p>", "<p>a b</p>"},
	    {"<p>a  \t\nb</p>", "<p>a b</p>"},
	    {" <p>a  b</p>", "<p>a b</p>"},
	    {"<p>a  b</p> ", "<p>a b</p>"},
	    {"\n\t<p>\n\t\ta  b\t\t</p>\n\t", "<p>a b</p>"},
	    {"<i>a  b</i> ", "<i>a b</i> "},
	    {"<br />", "<br>"},
	    {"<a title=\"bar\" HREF=\"foo\">x</a>", "<a href=\"foo\" title=\"bar\">x</a>"},
	    {"&#x2200;&amp;&gt;&lt;&quot;", "\xE2\x88\x80&amp;&gt;&lt;&quot;"},
	    {"<pre>a  b\n</pre>", "<pre>a  b\n</pre>"},
	    {"<p>a</p>", "<p>a</p>"},
	};
	struct buf out = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		conf_normalize(cases[i][0], strlen(cases[i][0]), &out);
		char name[64];
		snprintf(name, sizeof(name), "normalize.py's example %zu", i + 1);
		check("render_conformance", name, strcmp(buf_cstr(&out), cases[i][1]) == 0,
		      "normalised to \"%s\"", buf_cstr(&out));
	}
	conf_normalize("<p>b</p>", 8, &out);
	check("render_conformance", "<p>a</p> and <p>b</p> differ normalised",
	      strcmp(buf_cstr(&out), "<p>a</p>") != 0, "");
	buf_free(&out);
}

int main(void)
{
	struct conf_counts c = {0};
	int examples = 0;

	conf_normalize_test();

	for (size_t i = 0; i < sizeof(conf_files) / sizeof(conf_files[0]); i++) {
		int n = conf_run(&conf_files[i], &c);
		if (n > 0)
			examples += n;
	}
	printf("render_conformance: %d examples; as md_html: %d same, %d differ; "
	       "the files' HTML: %d pass, %d fail, %d that md4c 0.4.8 fails too\n",
	       examples, c.same, c.differ, c.expected_pass, c.expected_fail, c.md4c_fails);
	check("render_conformance", "every example was read", examples == 733, "%d examples",
	      examples);
	return check_exit();
}

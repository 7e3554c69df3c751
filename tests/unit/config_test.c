/* config_test.c — the configuration file: defaults, paths, and errors with file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "config.h"

/* Load text as a configuration file; the log lines land in log. */
static int config_try(const char *text, struct config *c, struct buf *log)
{
	char dir[] = "/tmp/quire-config-XXXXXX";
	char file[64], logfile[64];
	int saved = dup(2), rc;
	FILE *f;

	if (mkdtemp(dir) == NULL)
		return -2;
	snprintf(file, sizeof(file), "%s/quire.yaml", dir);
	snprintf(logfile, sizeof(logfile), "%s/log", dir);
	f = fopen(file, "w");
	fputs(text, f);
	fclose(f);
	fflush(stderr);
	if (freopen(logfile, "w", stderr) == NULL)
		return -2;
	rc = config_load(c, file);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(logfile, "r");
	buf_reset(log);
	char chunk[1024];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(log, chunk, n);
	fclose(f);
	buf_cstr(log);
	unlink(file);
	unlink(logfile);
	rmdir(dir);
	return rc;
}

struct config_case {
	const char *name;
	const char *text;
	const char *error; /* NULL: must load; else a part of the message, with the line */
};

static const struct config_case cases[] = {
    {"an empty file gives the defaults", "", NULL},
    {"every key",
     "site:\n  title: T\n  base_url: https://e.org/\n  description: D\n"
     "  language: fr\n  author: A\nmount: blog\nposts: p\nlayouts: l\n"
     "default_layout: Page\nsocket: s.sock\nworkers: 4\nmarkdown:\n  raw_html: escape\n"
     "  toc_levels: 1-4\n"
     "  smart: false\n  math: true\n"
     "cache:\n  size: 1000\nhttp:\n  cache_control: no-cache\nuser: www-data\nallow_root: false\n"
     "limits:\n  post_size: 2048\n  front_matter_size: 512\nspare: false\n",
     NULL},
    {"unknown key", "site:\n  title: T\ncolour: red\n", "quire.yaml:3: unknown key \"colour\""},
    {"unknown nested key", "site:\n  titel: T\n", "quire.yaml:2: unknown key \"site.titel\""},
    {"workers not a number", "workers: many\n", "quire.yaml:1: \"workers\" must be a whole number"},
    {"workers zero", "workers: 0\n", "quire.yaml:1: \"workers\" must be a whole number"},
    {"title a list", "site:\n  title: [a]\n",
     "quire.yaml:2: \"site.title\" must be a single value"},
    {"site not a map", "site: x\n", "quire.yaml:1: \"site\" must be a map"},
    {"raw_html unknown", "markdown:\n  raw_html: maybe\n",
     "quire.yaml:2: \"markdown.raw_html\" must be keep or escape"},
    {"toc_levels backwards", "markdown:\n  toc_levels: 3-2\n",
     "quire.yaml:2: \"markdown.toc_levels\" must be heading levels from 1 to 6"},
    {"toc_levels past 6", "markdown:\n  toc_levels: 2-7\n",
     "quire.yaml:2: \"markdown.toc_levels\" must be heading levels"},
    {"toc_levels a word", "markdown:\n  toc_levels: deep\n",
     "quire.yaml:2: \"markdown.toc_levels\" must be heading levels"},
    {"toc_levels zero", "markdown:\n  toc_levels: 0\n",
     "quire.yaml:2: \"markdown.toc_levels\" must be heading levels"},
    {"smart not a boolean", "markdown:\n  smart: curly\n",
     "quire.yaml:2: \"markdown.smart\" must be"},
    {"post_size negative", "limits:\n  post_size: -1\n",
     "quire.yaml:2: \"limits.post_size\" must be"},
    {"YAML error", "site:\n  title: \"x\n", "quire.yaml:3: "},
    {"duplicate key", "workers: 2\nworkers: 3\n", "quire.yaml:2: duplicate key"},
    {"alias", "a: &x 1\n", "quire.yaml:1: anchors are not allowed"},
    {"allow_root not a boolean", "allow_root: maybe\n",
     "quire.yaml:1: \"allow_root\" must be true or false"},
    {"spare not a boolean", "spare: 2\n", "quire.yaml:1: \"spare\" must be true or false"},
    {"a header value on two lines", "http:\n  cache_control: \"a\\nb\"\n",
     "quire.yaml:2: \"http.cache_control\" must be one line"},
    {"taxonomies as a list", "taxonomies: [tags, categories, series]\n", NULL},
    {"taxonomies as Hugo's map", "taxonomies:\n  tag: tags\n  author: writers\n", NULL},
    {"no taxonomies", "taxonomies: []\n", NULL},
    {"a taxonomy named page", "taxonomies: [tags, page]\n",
     "quire.yaml:1: a taxonomy's name is a lower-case letter"},
    {"a taxonomy with a slash", "taxonomies: [\"a/b\"]\n",
     "quire.yaml:1: a taxonomy's name is a lower-case letter"},
    {"a taxonomy with a dot", "taxonomies: [feed.xml]\n",
     "quire.yaml:1: a taxonomy's name is a lower-case letter"},
    {"a taxonomy of digits", "taxonomies: [\"2016\"]\n",
     "quire.yaml:1: a taxonomy's name is a lower-case letter"},
    {"a taxonomy named twice", "taxonomies: [tags, tags]\n",
     "quire.yaml:1: taxonomy \"tags\" is named twice"},
    {"a taxonomy's singular bad", "taxonomies:\n  \"..\": tags\n",
     "quire.yaml:2: a taxonomy's name is a lower-case letter"},
    {"taxonomies a word", "taxonomies: tags\n",
     "quire.yaml:1: \"taxonomies\" must be a list of names or a map"},
    {"seventeen taxonomies", "taxonomies: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]\n",
     "quire.yaml:1: at most 16 taxonomies"},
    {"related too many", "related: 21\n", "quire.yaml:1: \"related\" must be a whole number"},
    {"search settings",
     "search:\n  enabled: false\n  fields: [title, body]\n  per_page: 5\n"
     "  snippet: 10\n",
     NULL},
    {"search field unknown", "search:\n  fields: [title, colour]\n",
     "quire.yaml:2: a search field is title, description, tags or body"},
    {"search fields empty", "search:\n  fields: []\n",
     "quire.yaml:2: \"search.fields\" must be a list"},
    {"search snippet too long", "search:\n  snippet: 65\n",
     "quire.yaml:2: \"search.snippet\" must be a whole number from 1 to 64"},
};

/* What the taxonomies' cases above made: names and singulars, in order. */
static void config_test_taxonomies(size_t i, const struct config *c)
{
	const char *name = cases[i].name;
	char got[256] = "";

	for (size_t k = 0; k < c->ntaxonomies; k++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s=%s", k ? " " : "",
		         c->taxonomies[k].name, c->taxonomies[k].singular);
	if (i == 0)
		check("config", "the default taxonomies: tags and categories",
		      strcmp(got, "tags=tag categories=category") == 0 && c->related == 3 &&
		          !c->date_archives,
		      "%s", got);
	if (strcmp(name, "taxonomies as a list") == 0)
		check("config", "singulars made from names",
		      strcmp(got, "tags=tag categories=category series=series") == 0, "%s", got);
	if (strcmp(name, "taxonomies as Hugo's map") == 0)
		check("config", "Hugo's map: singular to name",
		      strcmp(got, "tags=tag writers=author") == 0, "%s", got);
	if (strcmp(name, "search settings") == 0)
		check("config", "search settings read",
		      c->search == 0 && c->search_fields == (SEARCH_TITLE | SEARCH_BODY) &&
		          c->search_per_page == 5 && c->search_snippet == 10,
		      "");
	if (i == 0)
		check("config", "search on by default, every field, 10 a page",
		      c->search == 1 && c->search_fields == SEARCH_ALL && c->search_per_page == 10,
		      "");
	if (strcmp(name, "no taxonomies") == 0)
		check("config", "an empty list: none", c->ntaxonomies == 0, "%s", got);
}

int main(void)
{
	struct config c;
	struct buf log = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = config_try(cases[i].text, &c, &log);
		if (cases[i].error == NULL)
			check("config", cases[i].name, rc == 0, "rc %d, log: %s", rc, log.data);
		else
			check("config", cases[i].name, rc < 0 && strstr(log.data, cases[i].error),
			      "rc %d, log: %s", rc, log.data);
		if (i == 1 && rc == 0) {
			check("config", "mount gets its slashes", strcmp(c.mount, "/blog/") == 0,
			      "%s", c.mount);
			check("config", "base_url loses its trailing slash",
			      strcmp(c.site_base_url, "https://e.org") == 0, "%s", c.site_base_url);
			check("config", "paths are relative to the file",
			      strstr(c.posts_dir, "/quire-config-") != NULL &&
			          strcmp(strrchr(c.posts_dir, '/'), "/p") == 0,
			      "%s", c.posts_dir);
			check("config", "sizes and policy read",
			      c.post_max == 2048 && c.front_matter_max == 512 &&
			          c.raw_html_escape == 1 && c.workers == 4 && c.spare == 0,
			      "");
			check("config", "markdown.toc_levels read",
			      c.toc_levels[0] == 1 && c.toc_levels[1] == 4, "%d-%d",
			      c.toc_levels[0], c.toc_levels[1]);
			check("config", "markdown.smart and markdown.math read",
			      c.markdown_smart == 0 && c.markdown_math == 1, "");
		}
		if (i == 0 && rc == 0)
			check("config", "default limits are 1 MiB and 64 KiB",
			      c.post_max == 1048576 && c.front_matter_max == 65536 &&
			          strcmp(c.mount, "/") == 0 && c.toc_levels[0] == 2 &&
			          c.toc_levels[1] == 3,
			      "");
		if (i == 0 && rc == 0)
			check("config", "a spare worker by default", c.spare == 1, "%d", c.spare);
		if (i == 0 && rc == 0)
			check("config", "typography by default, math not",
			      c.markdown_smart == 1 && c.markdown_math == 0, "");
		if (rc == 0)
			config_test_taxonomies(i, &c);
		config_free(&c);
	}
	buf_free(&log);
	return check_exit();
}

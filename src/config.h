/* config.h — the site's configuration file, conf/quire.yaml. */
#ifndef QUIRE_CONFIG_H
#define QUIRE_CONFIG_H

#include <stddef.h>

/* The largest configuration file read. */
#define CONFIG_MAX (1024 * 1024)

/* One entry of the configuration's menu. */
struct config_menu {
	char *title;
	char *route; /* in the site ("/about"), or NULL */
	char *url;   /* elsewhere ("https://..."), or NULL */
	double weight;
	int has_weight;
};

/* The most taxonomies a site may have. */
#define CONFIG_TAXONOMIES_MAX 16

/* One taxonomy: the front matter key that names a post's terms, which is also the address
 * of its list ("/categories"), and what one term is called ("category"). */
struct config_taxonomy {
	char *name;     /* plural: "tags", "categories", "series" */
	char *singular; /* "tag", "category", "series": also read from the front matter */
	char *title;    /* "Tags", "Release notes" */
};

/* What search indexes of each post (search.fields). */
enum config_search_field {
	SEARCH_TITLE = 1,
	SEARCH_DESCRIPTION = 2,
	SEARCH_TAGS = 4, /* the names of its terms, of every taxonomy */
	SEARCH_BODY = 8,
	SEARCH_ALL = 15
};

struct config {
	char *file; /* the configuration file, as given */
	char *site_title;
	char *site_base_url; /* absolute, no trailing slash: https://example.org */
	char *site_description;
	char *site_language;
	char *site_author;
	char *mount;      /* where the site sits in the URL space: "/" or "/blog/" */
	char *posts_dir;  /* resolved against the configuration file's folder */
	char *static_dir; /* static: files served at the site's root; default posts/../static */
	char *theme_dir;  /* the theme's static files, at MOUNT/static/: "static" beside this
	                     file (conf/static; served by the web server) */
	char *layouts_dir;
	char *default_layout;
	char *permalink;   /* a pattern for posts with no route: "/:year/:month/:slug/" */
	int sort_by_order; /* sort: order (else date, newest first) */
	long paginate;     /* posts per index page */
	int feed_summary;  /* feed.content: summary (else full) */
	long feed_size;    /* feed.size: entries per feed */
	char *state_dir;   /* state: where quire keeps what it must remember, or NULL */
	char *socket;      /* the Unix socket to listen on when none is inherited */
	long workers;
	char *user;            /* when started as root, become this user */
	int allow_root;        /* run as root when no user is set */
	int sandbox;           /* confine workers with Landlock and seccomp (default) */
	int spare;             /* keep a spare worker loaded for when one dies (default) */
	int raw_html_escape;   /* markdown.raw_html: escape */
	int toc_levels[2];     /* markdown.toc_levels: page.toc's headings, lowest and highest */
	int markdown_smart;    /* markdown.smart: typographic quotes, dashes (default) */
	int markdown_math;     /* markdown.math: $...$ is math in every post */
	long cache_size;       /* cache.size: bytes of rendered pages kept */
	char *cache_control;   /* http.cache_control: the header on pages */
	long post_max;         /* limits.post_size, bytes */
	long front_matter_max; /* limits.front_matter_size, bytes */
	long read_timeout;     /* limits.read_timeout: seconds a peer may be silent mid-request */
	struct config_menu *menu; /* menu: the main menu's entries, in order */
	size_t nmenu;
	int has_menu; /* menu: was given (else the menu starts with the posts' index) */
	struct config_taxonomy taxonomies[CONFIG_TAXONOMIES_MAX]; /* default: tags, categories */
	size_t ntaxonomies;
	long related;         /* related: how many related posts each post gets (0: none) */
	int date_archives;    /* the permalink starts with :year: /YYYY/ and /YYYY/MM/ are lists */
	int search;           /* search.enabled: /search and the index (default) */
	int dev;              /* dev: pages reload themselves when a file is saved (off) */
	long search_fields;   /* search.fields: enum config_search_field, or-ed */
	long search_per_page; /* search.per_page: results on a page */
	long search_snippet;  /* search.snippet: words of text around what was found */
};

/* The taxonomy named name (len bytes), or NULL. */
const struct config_taxonomy *config_taxonomy(const struct config *c, const char *name, size_t len);

/* Read file into c. On any problem logs "file:line: problem" and returns -1, c then
 * holding nothing to free. */
int config_load(struct config *c, const char *file);
void config_free(struct config *c);

/* The length of c's mount without its last slash ("/blog/" 5, "/" 0): what goes before a
 * path of the site ("/blog" + "/a-post"). */
size_t config_mount_prefix(const struct config *c);

#endif

/* files.h — the files a site serves as they are: the static folder's at the site's root,
 * and each page bundle's under its post's route. They are found by the scan (as posts
 * are), kept in a table, and opened only from it: nothing named by a URL is ever opened. */
#ifndef QUIRE_FILES_H
#define QUIRE_FILES_H

#include <stddef.h>
#include <sys/stat.h>

#include "mem.h"

struct config;
struct post;
struct route_table;

/* Folders below the static folder, or below a bundle's folder, looked into at most;
 * and files in one snapshot's table at most. What lies past either is not served
 * (and said once). */
#define FILES_DEPTH 8
#define FILES_MAX   20000

enum files_root {
	FILES_STATIC, /* config->static_dir */
	FILES_POSTS,  /* config->posts_dir: a bundle's file, "NAME/..." */
};

struct files_entry {
	const char *route; /* "/favicon.ico", "/a-post/figure.png": canonical, decoded */
	size_t route_len;
	const char *rel;         /* relative to its root folder: "images/a.png" */
	const struct post *post; /* the bundle's post (served only while it is live), or NULL */
	enum files_root root;
	size_t seq; /* the order found in: the first of two with one route wins */
};

struct files {
	struct files_entry *v; /* by route once files_seal() has run */
	size_t n, cap;
	int full; /* FILES_MAX was reached */
	struct arena arena;
};

/* Why a file is not served, for the caller to log (once per change of the file: name
 * and st say which). */
struct files_say {
	void (*say)(void *ctx, const char *name, const struct stat *st, int level,
	            const char *line);
	void *ctx;
	const struct route_table *routes; /* the posts' routes: a file never takes one */
	const struct config *config;      /* the site's, for the addresses quire makes */
};

/* Add every regular file beneath dir: hidden names (".x") are skipped, but for a
 * ".well-known" folder at the top; symbolic links are never followed; a missing
 * folder adds nothing. */
void files_add_static(struct files *f, const char *dir, const struct files_say *say);
/* Add the files of bundle post p, in the folder name (relative to posts_dfd, the posts
 * folder, whose path is posts_dir): all but *.md and hidden ones, under p's route. */
void files_add_bundle(struct files *f, int posts_dfd, const char *posts_dir, const char *name,
                      const struct post *p, const struct files_say *say);
/* Sort the table by route; of two files with one route the first found stays. */
void files_seal(struct files *f, const struct files_say *say);
const struct files_entry *files_find(const struct files *f, const char *route, size_t len);
void files_free(struct files *f);

/* Open e's file as it is now, to read: relative to its root folder, through no symbolic
 * link (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, or one component at a time with
 * O_NOFOLLOW where the kernel has no openat2). A regular file only. The descriptor with
 * *st filled, or -1 (errno set). */
int files_open(const struct config *c, const struct files_entry *e, struct stat *st);
/* The same for the file rel of any folder dir (the theme's static folder, for export). */
int files_open_in(const char *dir, const char *rel, struct stat *st);

#endif

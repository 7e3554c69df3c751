/* files.c — the table of files served as they are, made by walking the static folder
 * and the page bundles with descriptors (openat, fstatat, O_NOFOLLOW), never by a path
 * a request gave; and the one way one of them is opened. */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "path.h"
#include "post.h"
#include "route.h"

/* What one walk adds under: a root folder, a route prefix, the bundle's post. */
struct files_walk {
	struct files *f;
	const struct files_say *say;
	enum files_root root;
	const char *dir;         /* the root folder's path, for what is said */
	const char *prefix;      /* the route the files go under: "" or a post's route */
	const char *top;         /* the walk's folder relative to the root: "" or "NAME" */
	const struct post *post; /* NULL for the static folder */
	struct buf rel;          /* the entry being looked at, relative to the root */
	struct buf route, canon;
};

static void files_say_line(const struct files_walk *w, const struct stat *st, int level,
                           const char *fmt, const char *why)
{
	struct buf line = {0};
	struct stat none = {0};

	if (w->say == NULL || w->say->say == NULL)
		return;
	buf_printf(&line, fmt, w->dir, w->rel.data ? w->rel.data : "", why);
	w->say->say(w->say->ctx, w->rel.data, st ? st : &none, level, line.data);
	buf_free(&line);
}

static void files_skip(const struct files_walk *w, const struct stat *st, int level,
                       const char *why)
{
	files_say_line(w, st, level, "%s/%s: not served: %s", why);
}

/* Add the file at w->rel, unless its address is not one a request can name, or is taken. */
static void files_add(struct files_walk *w, const struct stat *st)
{
	struct files *f = w->f;
	const char *sub = w->rel.data + (w->top[0] ? strlen(w->top) + 1 : 0);
	int changed = 0;

	buf_reset(&w->route);
	buf_adds(&w->route, w->prefix);
	buf_addc(&w->route, '/');
	buf_adds(&w->route, sub);
	buf_reset(&w->canon);
	if (path_canon(w->route.data, w->route.len, 0, &w->canon, &changed) != PATH_OK ||
	    w->canon.len != w->route.len ||
	    memcmp(w->canon.data, w->route.data, w->route.len) != 0) {
		files_skip(w, st, LOG_WARN, "its name cannot be a URL path");
		return;
	}
	if (route_reserved(w->say ? w->say->config : NULL, w->route.data, w->route.len)) {
		files_skip(w, st, LOG_WARN, "its address is one quire makes itself");
		return;
	}
	if (w->say != NULL && w->say->routes != NULL &&
	    route_find(w->say->routes, w->route.data, w->route.len) != NULL) {
		files_skip(w, st, LOG_WARN, "its address is a post's route");
		return;
	}
	if (f->n >= FILES_MAX) {
		if (!f->full)
			files_skip(w, st, LOG_WARN, "more than FILES_MAX files in the site");
		f->full = 1;
		return;
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->v = xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	struct files_entry *e = &f->v[f->n];
	e->route = arena_strndup(&f->arena, w->route.data, w->route.len);
	e->route_len = w->route.len;
	e->rel = arena_strndup(&f->arena, w->rel.data, w->rel.len);
	e->post = w->post;
	e->root = w->root;
	e->seq = f->n++;
}

static int files_is_md(const char *name)
{
	size_t n = strlen(name);
	return n >= 3 && strcmp(name + n - 3, ".md") == 0;
}

/* Walk the folder dfd (at w->rel) depth levels below the walk's top. Takes dfd. */
static void files_walk(struct files_walk *w, int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	size_t at = w->rel.len;

	if (d == NULL) {
		close(dfd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		struct stat st;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		w->rel.len = at;
		if (at > 0)
			buf_addc(&w->rel, '/');
		buf_adds(&w->rel, name);
		buf_cstr(&w->rel);
		/* Hidden files are never served: .git, .htaccess, an editor's .x.swp. */
		if (name[0] == '.' &&
		    !(w->root == FILES_STATIC && depth == 0 && strcmp(name, ".well-known") == 0))
			continue;
		/* The folder's own record of the type saves a stat per regular file (CGI
		 * scans at every request); what is said is said with the file's stat. */
		memset(&st, 0, sizeof(st));
		if (e->d_type == DT_REG)
			st.st_mode = S_IFREG;
		else if (e->d_type == DT_DIR)
			st.st_mode = S_IFDIR;
		else if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			files_skip(w, &st, LOG_WARN, "a symbolic link");
		} else if (S_ISDIR(st.st_mode)) {
			if (depth + 1 > FILES_DEPTH) {
				fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW);
				files_skip(w, &st, LOG_WARN, "deeper than FILES_DEPTH folders");
				continue;
			}
			int sub =
			    openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				files_walk(w, sub, depth + 1);
		} else if (!S_ISREG(st.st_mode)) {
			files_skip(w, &st, LOG_WARN, "not a regular file");
		} else if (w->root == FILES_STATIC || !files_is_md(name)) {
			files_add(w, &st);
		}
	}
	w->rel.len = at;
	buf_cstr(&w->rel);
	closedir(d);
}

void files_add_static(struct files *f, const char *dir, const struct files_say *say)
{
	struct files_walk w = {f, say, FILES_STATIC, dir, "", "", NULL, {0}, {0}, {0}};
	int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (dfd < 0)
		return; /* no static folder: no files */
	buf_cstr(&w.rel);
	/* The route prefix is "": files_add() writes "/" before the name. */
	files_walk(&w, dfd, 0);
	buf_free(&w.rel);
	buf_free(&w.route);
	buf_free(&w.canon);
}

void files_add_bundle(struct files *f, int posts_dfd, const char *posts_dir, const char *name,
                      const struct post *p, const struct files_say *say)
{
	struct files_walk w = {f, say, FILES_POSTS, posts_dir, p->route, name, p, {0}, {0}, {0}};
	int dfd = openat(posts_dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dfd < 0)
		return;
	buf_adds(&w.rel, name);
	buf_cstr(&w.rel);
	files_walk(&w, dfd, 0);
	buf_free(&w.rel);
	buf_free(&w.route);
	buf_free(&w.canon);
}

static int files_cmp(const void *a, const void *b)
{
	const struct files_entry *x = a, *y = b;
	size_t n = x->route_len < y->route_len ? x->route_len : y->route_len;
	int c = memcmp(x->route, y->route, n);

	if (c == 0)
		c = x->route_len < y->route_len ? -1 : x->route_len > y->route_len;
	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

void files_seal(struct files *f, const struct files_say *say)
{
	size_t n = 0;

	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), files_cmp);
	for (size_t i = 0; i < f->n; i++) {
		if (n > 0 && f->v[n - 1].route_len == f->v[i].route_len &&
		    memcmp(f->v[n - 1].route, f->v[i].route, f->v[i].route_len) == 0) {
			struct files_walk w = {0};
			w.say = say;
			w.dir = f->v[i].root == FILES_STATIC ? "static" : "posts";
			buf_adds(&w.rel, f->v[i].rel);
			files_skip(&w, NULL, LOG_WARN, "another file has its address");
			buf_free(&w.rel);
			continue;
		}
		f->v[n++] = f->v[i];
	}
	f->n = n;
}

const struct files_entry *files_find(const struct files *f, const char *route, size_t len)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct files_entry *e = &f->v[mid];
		size_t n = e->route_len < len ? e->route_len : len;
		int c = memcmp(e->route, route, n);
		if (c == 0)
			c = e->route_len < len ? -1 : e->route_len > len;
		if (c == 0)
			return e;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void files_free(struct files *f)
{
	free(f->v);
	arena_free(&f->arena);
	memset(f, 0, sizeof(*f));
}

/* rel opened one component at a time, each refused when it is a symbolic link. */
static int files_open_walk(int dfd, const char *rel)
{
	char part[NAME_MAX + 1];
	int at = dup(dfd);

	while (at >= 0) {
		const char *slash = strchr(rel, '/');
		size_t n = slash ? (size_t)(slash - rel) : strlen(rel);
		if (n == 0 || n > NAME_MAX) {
			close(at);
			errno = ENOENT;
			return -1;
		}
		memcpy(part, rel, n);
		part[n] = '\0';
		int next = openat(at, part,
		                  slash ? O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
		                        : O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		int saved = errno;
		close(at);
		errno = saved;
		if (slash == NULL)
			return next;
		at = next;
		rel = slash + 1;
	}
	return -1;
}

int files_open(const struct config *c, const struct files_entry *e, struct stat *st)
{
	return files_open_in(e->root == FILES_STATIC ? c->static_dir : c->posts_dir, e->rel, st);
}

int files_open_in(const char *dir, const char *rel, struct stat *st)
{
	struct open_how how = {.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	                       .resolve =
	                           RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), fd, saved;

	if (dfd < 0)
		return -1;
	fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = files_open_walk(dfd, rel);
	saved = errno;
	close(dfd);
	if (fd < 0) {
		errno = saved;
		return -1;
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* export.c — quire export DIR. Every address of the site is asked of the same dispatch()
 * a FastCGI request goes through, and its body written to the file a static host serves
 * for it; files are copied a chunk at a time; the redirects are written in each host's
 * form. Nothing is written through a symbolic link, every file is written beside its place
 * and renamed there, a file whose bytes did not change is left as it is, and only the
 * files the manifest (EXPORT_MANIFEST) names are ever replaced or removed. */
#include "export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "address.h"
#include "buf.h"
#include "cache.h"
#include "config.h"
#include "file.h"
#include "files.h"
#include "path.h"
#include "post.h"
#include "redirects.h"
#include "site.h"
#include "watch.h"

/* What one file of the export comes from. */
enum export_from {
	EXPORT_PAGE,    /* the body dispatch() answers for the address */
	EXPORT_MISSING, /* the 404 page, as 404.html (what static hosts show for none): the
	                   answer to /_preview, which no post may take */
	EXPORT_REFRESH, /* a page that refreshes to a redirect's target (--meta-refresh) */
	EXPORT_THEME,   /* a file of the theme's static folder, at /static/ */
	EXPORT_TEXT,    /* bytes made here: the redirect files, _headers */
};

struct export_job {
	char *rel; /* the file's path in DIR: "index.html", "tags/rust/index.html" */
	int skip;  /* another job writes that file */
	enum export_from from;
	const struct address *a;
	const char *src; /* EXPORT_TEXT: the bytes */
	size_t src_len;
};

struct export
{
	const struct site *s;
	const struct config *c;
	const char *dir;
	int dfd;
	struct export_job *jobs;
	size_t njobs, cap;
	char **old; /* the manifest's paths, sorted */
	size_t nold;
	size_t written, same, removed, failed;
	int force, refresh; /* --force, --meta-refresh */
	size_t next;        /* the next job a worker takes */
	long pid;           /* in the names of the files written aside */
	struct buf texts[4];
};

static struct export_job *export_job(struct export *e, enum export_from from, struct buf *rel)
{
	if (e->njobs == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 256;
		e->jobs = xrealloc(e->jobs, e->cap * sizeof(*e->jobs));
	}
	struct export_job *j = &e->jobs[e->njobs++];
	memset(j, 0, sizeof(*j));
	j->rel = xstrndup(rel->data, rel->len);
	j->from = from;
	return j;
}

/* Does the last part of path end in an extension a static host types by (".html", ".xml",
 * ".json", ".txt")? */
static int export_typed(const char *p, size_t n)
{
	static const char *const ext[] = {".html", ".htm", ".xml", ".json", ".txt"};

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t k = strlen(ext[i]);
		if (n > k && memcmp(p + n - k, ext[i], k) == 0 && p[n - k - 1] != '/')
			return 1;
	}
	return 0;
}

/* The file a static host serves for address a: "/" is index.html, a list "/tags/" is
 * tags/index.html, a file or a typed address is itself, and a post "/a-post" is
 * a-post.html, or a-post/index.html when the permalink pattern ends with a slash. */
static void export_rel(const struct export *e, const struct address *a, struct buf *out)
{
	const char *p = a->path + 1;
	size_t n = a->len - 1;
	const char *pattern = e->c->permalink;
	int slashed = pattern != NULL && *pattern != '\0' && pattern[strlen(pattern) - 1] == '/';

	buf_reset(out);
	buf_add(out, p, n);
	if (a->file != NULL || export_typed(a->path, a->len))
		return;
	if (n == 0 || p[n - 1] == '/')
		buf_adds(out, "index.html");
	else if (slashed && a->post != NULL && !a->post->page)
		buf_adds(out, "/index.html");
	else
		buf_adds(out, ".html");
}

static int export_job_cmp(const void *x, const void *y)
{
	const struct export_job *a = x, *b = y;

	return strcmp(a->rel, b->rel);
}

static int export_str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Is rel one of the files the last export wrote? */
static int export_was_ours(const struct export *e, const char *rel)
{
	return e->nold > 0 &&
	       bsearch(&rel, e->old, e->nold, sizeof(*e->old), export_str_cmp) != NULL;
}

/* The manifest's form of a path: '%' and control characters as %XX, one a line. */
static void export_encode(const char *rel, struct buf *out)
{
	for (const unsigned char *p = (const unsigned char *)rel; *p != '\0'; p++) {
		if (*p < 0x20 || *p == '%' || *p == 0x7F)
			buf_printf(out, "%%%02X", *p);
		else
			buf_addc(out, (char)*p);
	}
	buf_addc(out, '\n');
}

/* Is rel a path a manifest may name: within the folder (no "/" first, no empty, "." or
 * ".." part) and holding no NUL? */
static int export_safe(const char *rel, size_t n)
{
	if (n == 0 || memchr(rel, '\0', n) != NULL)
		return 0;
	for (size_t i = 0; i <= n;) {
		size_t j = i;
		while (j < n && rel[j] != '/')
			j++;
		size_t part = j - i;
		if (part == 0 || (part == 1 && rel[i] == '.') ||
		    (part == 2 && rel[i] == '.' && rel[i + 1] == '.'))
			return 0;
		i = j + 1;
	}
	return 1;
}

int export_manifest_parse(const char *data, size_t len, char ***paths, size_t *n)
{
	static const char head[] = "# quire export\n";
	struct buf line = {0};
	const char *p = data, *end = data + len, *nl;
	size_t cap = 0;

	*paths = NULL;
	*n = 0;
	if (len < sizeof(head) - 1 || memcmp(p, head, sizeof(head) - 1) != 0)
		return -1;
	for (p += sizeof(head) - 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		buf_reset(&line);
		path_decode(p, (size_t)(nl - p), &line);
		/* A path out of the folder is no file of the export's: never removed. */
		if (!export_safe(line.data, line.len))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*paths = xrealloc(*paths, cap * sizeof(**paths));
		}
		(*paths)[(*n)++] = xstrndup(line.data, line.len);
	}
	buf_free(&line);
	return 0;
}

/* The paths the manifest of the last export names (none when there is none): 0; -1 when
 * it cannot be read or is not one. */
static int export_manifest_read(struct export *e)
{
	struct buf m = {0};
	int rc = 0;

	if (file_read(e->dfd, EXPORT_MANIFEST, FILE_NOFOLLOW, 64 << 20, &m, NULL) < 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "quire: export: %s/%s: %s\n", e->dir, EXPORT_MANIFEST,
		        file_strerror(errno));
		return -1;
	}
	if (export_manifest_parse(m.data ? m.data : "", m.len, &e->old, &e->nold) < 0) {
		fprintf(stderr,
		        "quire: export: %s/%s is not quire's: remove it, or export elsewhere\n",
		        e->dir, EXPORT_MANIFEST);
		rc = -1;
	}
	if (e->nold > 0)
		qsort(e->old, e->nold, sizeof(*e->old), export_str_cmp);
	buf_free(&m);
	return rc;
}

/* Files under the folder fd (at rel) that the last export did not write: how many, the
 * first few said. Symbolic links are not followed (a link is a file here). */
static size_t export_foreign(struct export *e, int fd, struct buf *rel, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	size_t n = 0, at = rel->len;

	if (d == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rel->len = at;
		if (at > 0)
			buf_addc(rel, '/');
		buf_adds(rel, de->d_name);
		const char *r = buf_cstr(rel);
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 32) {
			int sub = openat(dirfd(d), de->d_name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				n += export_foreign(e, sub, rel, depth + 1);
			continue;
		}
		if ((depth == 0 && strcmp(r, EXPORT_MANIFEST) == 0) || export_was_ours(e, r))
			continue;
		/* What an export that was killed left, written aside: gone now. */
		size_t dl = strlen(de->d_name);
		if (strncmp(de->d_name, ".quire-export-", 14) == 0 && dl > 18 &&
		    strcmp(de->d_name + dl - 4, ".tmp") == 0 && S_ISREG(st.st_mode)) {
			unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		if (n++ < 5)
			fprintf(stderr, "quire: export: %s/%s was not written by quire export\n",
			        e->dir, r);
	}
	rel->len = at;
	closedir(d);
	return n;
}

static void export_unparent(const struct export *e, int fd)
{
	if (fd >= 0 && fd != e->dfd)
		close(fd);
}

/* The folder of rel within DIR, made as needed, through no symbolic link: a descriptor
 * (DIR's own for a file at the top: export_unparent() tells), or -1; *base then points
 * at the file's name. */
static int export_parent(struct export *e, const char *rel, const char **base, int make)
{
	int fd = strchr(rel, '/') != NULL ? dup(e->dfd) : e->dfd;
	const char *p = rel, *slash;

	while (fd >= 0 && (slash = strchr(p, '/')) != NULL) {
		char part[256];
		size_t n = (size_t)(slash - p);
		if (n == 0 || n >= sizeof(part)) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0) {
			export_unparent(e, fd);
			errno = EINVAL;
			return -1;
		}
		if (make && mkdirat(fd, part, 0755) < 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		int sub = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = sub;
		p = slash + 1;
	}
	*base = p;
	return fd;
}

/* Is the file name in folder pfd, as it is now, len bytes equal to data? */
static int export_same(int pfd, const char *name, const char *data, size_t len)
{
	struct buf now = {0};
	int same = file_read(pfd, name, FILE_NOFOLLOW, len + 1, &now, NULL) == 0 &&
	           now.len == len && (len == 0 || memcmp(now.data, data, len) == 0);

	buf_free(&now);
	return same;
}

/* Are the bytes of src from where it is to its end those of the file name in folder
 * pfd? src is left where it was. */
static int export_same_file(int pfd, const char *name, int src)
{
	char mine[65536], theirs[65536];
	off_t at = lseek(src, 0, SEEK_CUR);
	struct stat a, b;
	int fd = openat(pfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), same = 0;

	if (fd < 0 || at < 0)
		goto out;
	if (fstat(fd, &a) < 0 || !S_ISREG(a.st_mode) || fstat(src, &b) < 0 ||
	    a.st_size != b.st_size - at)
		goto out;
	for (;;) {
		ssize_t n = read(src, mine, sizeof(mine)), got = 0;
		if (n <= 0) {
			same = n == 0;
			break;
		}
		while (got < n) {
			ssize_t k = read(fd, theirs + got, (size_t)(n - got));
			if (k <= 0)
				goto out;
			got += k;
		}
		if (memcmp(mine, theirs, (size_t)n) != 0)
			goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	if (at >= 0)
		lseek(src, at, SEEK_SET);
	return same;
}

/* Write rel (data, or when fd >= 0 the rest of that file) in DIR: beside it, then renamed
 * over it; left as it is when its bytes are those already. A file there that the last
 * export did not write is left as it is too, and said (unless --force). manifest: the
 * manifest itself, not counted. 0, or -1 (said). */
static int export_put(struct export *e, unsigned worker, const char *rel, const char *data,
                      size_t len, int src, int manifest)
{
	const char *name;
	int pfd = export_parent(e, rel, &name, 1), out = -1, rc = -1;
	char tmp[64];
	struct buf chunk = {0};
	struct stat st;

	if (pfd < 0)
		goto fail;
	if (!manifest && !e->force && !export_was_ours(e, rel) &&
	    fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		fprintf(stderr,
		        "quire: export: %s/%s was not written by quire export: left as it "
		        "is (--force writes over it)\n",
		        e->dir, rel);
		__atomic_add_fetch(&e->failed, 1, __ATOMIC_RELAXED);
		goto out;
	}
	if (src >= 0) {
		/* Read whole only when small; a large file is compared and copied a chunk at a
		 * time. */
		if (fstat(src, &st) < 0)
			goto fail;
		if (st.st_size <= 1 << 20) {
			if (file_read_fd(src, 1 << 20, &chunk) < 0)
				goto fail;
			data = chunk.data ? chunk.data : "";
			len = chunk.len;
			src = -1;
		}
	}
	if (src < 0 ? export_same(pfd, name, data, len) : export_same_file(pfd, name, src)) {
		if (!manifest)
			__atomic_add_fetch(&e->same, 1, __ATOMIC_RELAXED);
		rc = 0;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".quire-export-%ld-%u.tmp", e->pid, worker);
	out = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0 && errno == EEXIST) {
		/* Left by an export that was killed: never written through, made anew. */
		unlinkat(pfd, tmp, 0);
		out = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	}
	if (out < 0)
		goto fail;
	if (src < 0) {
		for (size_t done = 0; done < len;) {
			ssize_t w = write(out, data + done, len - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				goto fail_tmp;
			done += (size_t)w;
		}
	} else {
		char block[65536];
		ssize_t r;
		while ((r = read(src, block, sizeof(block))) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 || write(out, block, (size_t)r) != r)
				goto fail_tmp;
		}
	}
	if (close(out) < 0) {
		out = -1;
		goto fail_tmp;
	}
	out = -1;
	if (renameat(pfd, tmp, pfd, name) < 0)
		goto fail_tmp;
	if (!manifest)
		__atomic_add_fetch(&e->written, 1, __ATOMIC_RELAXED);
	rc = 0;
	goto out;
fail_tmp:
	if (out >= 0)
		close(out);
	out = -1;
	unlinkat(pfd, tmp, 0);
fail:
	fprintf(stderr, "quire: export: %s/%s: %s\n", e->dir, rel,
	        errno == ELOOP || errno == ENOTDIR ? "a symbolic link or a file is in the way"
	                                           : strerror(errno));
	__atomic_add_fetch(&e->failed, 1, __ATOMIC_RELAXED);
out:
	if (out >= 0)
		close(out);
	export_unparent(e, pfd);
	buf_free(&chunk);
	return rc;
}

static void export_job_run(struct export *e, struct address_fetch *f, unsigned worker,
                           const struct export_job *j)
{
	struct buf page = {0}, target = {0};
	int status;

	switch (j->from) {
	case EXPORT_PAGE:
	case EXPORT_MISSING:
		status = j->from == EXPORT_PAGE
		             ? address_fetch(e->s, j->a->path, j->a->len, f)
		             : address_fetch(e->s, ROUTE_PREVIEW, strlen(ROUTE_PREVIEW), f);
		if (status != (j->from == EXPORT_PAGE ? 200 : 404)) {
			fprintf(stderr, "quire: export: %s answered %d: not written\n",
			        j->from == EXPORT_PAGE ? j->a->path : "a missing page", status);
			__atomic_add_fetch(&e->failed, 1, __ATOMIC_RELAXED);
			break;
		}
		if (f->rs.file_fd > 0) {
			lseek(f->rs.file_fd, f->rs.file_off, SEEK_SET);
			export_put(e, worker, j->rel, NULL, 0, f->rs.file_fd, 0);
		} else {
			export_put(e, worker, j->rel, f->body.data ? f->body.data : "", f->body.len,
			           -1, 0);
		}
		break;
	case EXPORT_REFRESH: {
		buf_add(&target, e->c->mount, config_mount_prefix(e->c));
		buf_add(&target, j->a->post->route, j->a->post->route_len);
		redirects_page(target.data, target.len, &page);
		export_put(e, worker, j->rel, page.data, page.len, -1, 0);
		break;
	}
	case EXPORT_THEME: {
		struct stat st;
		int fd = files_open_in(e->c->theme_dir, j->rel + strlen("static/"), &st);
		if (fd < 0) {
			fprintf(stderr, "quire: export: %s/%s: %s\n", e->c->theme_dir,
			        j->rel + strlen("static/"), strerror(errno));
			__atomic_add_fetch(&e->failed, 1, __ATOMIC_RELAXED);
			break;
		}
		export_put(e, worker, j->rel, NULL, 0, fd, 0);
		close(fd);
		break;
	}
	case EXPORT_TEXT:
		export_put(e, worker, j->rel, j->src, j->src_len, -1, 0);
		break;
	}
	buf_free(&page);
	buf_free(&target);
}

/* Remove rel, a file the last export wrote and this one does not, and its folders that
 * are left empty. */
static void export_remove(struct export *e, const char *rel)
{
	const char *name;
	int pfd = export_parent(e, rel, &name, 0);

	if (pfd < 0)
		return;
	if (unlinkat(pfd, name, 0) == 0)
		e->removed++;
	export_unparent(e, pfd);
	/* Each folder above, from the deepest, while it is empty. */
	struct buf dir = {0};
	buf_adds(&dir, rel);
	for (char *slash; (slash = strrchr(buf_cstr(&dir), '/')) != NULL;) {
		dir.len = (size_t)(slash - dir.data);
		/* Its own folder walked through no link, then only its last part removed. */
		const char *last;
		int up = export_parent(e, buf_cstr(&dir), &last, 0);
		int gone = up >= 0 && unlinkat(up, last, AT_REMOVEDIR) == 0;
		export_unparent(e, up);
		if (!gone)
			break;
	}
	buf_free(&dir);
}

/* The jobs: every address, the theme's files, the 404 page, the redirect files. */
static void export_plan(struct export *e, const struct address_list *l, int refresh)
{
	struct buf rel = {0};
	struct export_job *j;
	struct buf *headers = &e->texts[0], *htaccess = &e->texts[1];
	for (size_t i = 0; i < l->n; i++) {
		const struct address *a = &l->v[i];
		/* Search needs quire; an old address is a redirect (and, asked, a page). */
		if (strncmp(a->kind, "search", 6) == 0 || strcmp(a->kind, "opensearch") == 0)
			continue;
		export_rel(e, a, &rel);
		if (a->state == ADDRESS_REDIRECT) {
			if (refresh && a->post != NULL)
				export_job(e, EXPORT_REFRESH, &rel)->a = a;
			continue;
		}
		if (a->state != ADDRESS_LIVE)
			continue;
		j = export_job(e, EXPORT_PAGE, &rel);
		j->a = a;
		if (strcmp(a->kind, "feed") == 0) {
			static const char *const types[][2] = {
			    {"feed.xml", "application/atom+xml; charset=utf-8"},
			    {"rss.xml", "application/rss+xml; charset=utf-8"},
			    {"feed.json", "application/feed+json; charset=utf-8"}};
			for (size_t k = 0; k < 3; k++) {
				size_t n = strlen(types[k][0]);
				if (rel.len >= n &&
				    memcmp(rel.data + rel.len - n, types[k][0], n) == 0)
					buf_printf(headers, "%.*s%.*s\n  Content-Type: %s\n",
					           (int)config_mount_prefix(e->c), e->c->mount,
					           (int)a->len, a->path, types[k][1]);
			}
		}
	}
	buf_reset(&rel);
	buf_adds(&rel, "404.html");
	export_job(e, EXPORT_MISSING, &rel);
	/* The theme's files, at /static/. */
	struct files theme_files = {0};
	files_add_static(&theme_files, e->c->theme_dir, NULL);
	for (size_t i = 0; i < theme_files.n; i++) {
		buf_reset(&rel);
		buf_adds(&rel, "static/");
		buf_adds(&rel, theme_files.v[i].rel);
		export_job(e, EXPORT_THEME, &rel);
	}
	files_free(&theme_files);
	/* Redirects for each kind of host, and feeds typed where the host can be told. */
	buf_adds(htaccess, "# quire export: old addresses (mod_alias) and the feeds' types\n");
	redirects_write(l, e->c, REDIRECTS_APACHE, htaccess);
	buf_adds(htaccess, "<Files \"feed.xml\">\n  ForceType application/atom+xml\n</Files>\n"
	                   "<Files \"rss.xml\">\n  ForceType application/rss+xml\n</Files>\n"
	                   "<Files \"feed.json\">\n  ForceType application/feed+json\n</Files>\n"
	                   "ErrorDocument 404 ");
	buf_adds(htaccess, e->c->mount);
	buf_adds(htaccess, "404.html\n");
	redirects_write(l, e->c, REDIRECTS_NETLIFY, &e->texts[2]);
	redirects_write(l, e->c, REDIRECTS_NGINX, &e->texts[3]);
	static const char *const names[] = {"_headers", ".htaccess", "_redirects",
	                                    "redirects.nginx.conf"};
	for (size_t i = 0; i < 4; i++) {
		buf_reset(&rel);
		buf_adds(&rel, names[i]);
		j = export_job(e, EXPORT_TEXT, &rel);
		j->src = e->texts[i].data ? e->texts[i].data : "";
		j->src_len = e->texts[i].len;
	}
	buf_free(&rel);
}

static int export_usage(void)
{
	fprintf(stderr,
	        "usage: quire [-c config] export [--force] [--meta-refresh] [--watch] DIR\n");
	return 2;
}

/* Jobs run by this many threads at most, as many as there are processors. */
#define EXPORT_THREADS 4

struct export_worker {
	struct export *e;
	unsigned id;
	pthread_t thread;
};

static void *export_worker_run(void *arg)
{
	struct export_worker *w = arg;
	struct export *e = w->e;
	struct address_fetch f = {0};
	size_t i;

	while ((i = __atomic_fetch_add(&e->next, 1, __ATOMIC_RELAXED)) < e->njobs)
		if (!e->jobs[i].skip)
			export_job_run(e, &f, w->id, &e->jobs[i]);
	address_fetch_free(&f);
	return NULL;
}

/* Run the jobs, each once, on as many threads as the machine has processors (each asks
 * dispatch() as a request thread of the server does). */
static void export_workers(struct export *e)
{
	struct export_worker w[EXPORT_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = cpus < 1 ? 1 : cpus > EXPORT_THREADS ? EXPORT_THREADS : (unsigned)cpus, up = 1;

	e->next = 0;
	w[0] = (struct export_worker){e, 0, 0};
	for (unsigned k = 1; k < n; k++) {
		w[k] = (struct export_worker){e, k, 0};
		if (pthread_create(&w[k].thread, NULL, export_worker_run, &w[k]) != 0)
			break;
		up++;
	}
	export_worker_run(&w[0]);
	for (unsigned k = 1; k < up; k++)
		pthread_join(w[k].thread, NULL);
}

/* One export of s into e's folder: 0, or -1 when something was not written (said).
 * first: look for files it did not write (unless --force). */
static int export_once(struct export *e, const struct site *s, int first)
{
	struct address_list l = {0};
	struct buf rel = {0}, manifest = {0};
	int rc = -1;

	e->s = s;
	e->c = s->config;
	e->pid = (long)getpid();
	e->written = e->same = e->removed = e->failed = 0;
	if (export_manifest_read(e) < 0)
		goto out;
	if (first && !e->force) {
		size_t n = export_foreign(e, dup(e->dfd), &rel, 0);
		if (n > 0) {
			fprintf(stderr,
			        "quire: export: %s holds %zu file%s quire export did not write: "
			        "nothing written (--force writes there all the same)\n",
			        e->dir, n, n == 1 ? "" : "s");
			goto out;
		}
	}
	address_list(s, 0, &l);
	export_plan(e, &l, e->refresh);
	if (e->njobs > 0)
		qsort(e->jobs, e->njobs, sizeof(*e->jobs), export_job_cmp);
	for (size_t i = 1; i < e->njobs; i++)
		if (strcmp(e->jobs[i].rel, e->jobs[i - 1].rel) == 0) {
			fprintf(stderr,
			        "quire: export: two addresses would be %s/%s: %s is left out\n",
			        e->dir, e->jobs[i].rel,
			        e->jobs[i].a ? e->jobs[i].a->path : e->jobs[i].rel);
			e->jobs[i].skip = 1;
		}
	export_workers(e);
	/* What the last export wrote and this one did not: gone. */
	for (size_t i = 0; i < e->nold; i++) {
		struct export_job key = {.rel = e->old[i]};
		if (e->njobs == 0 ||
		    bsearch(&key, e->jobs, e->njobs, sizeof(*e->jobs), export_job_cmp) == NULL)
			export_remove(e, e->old[i]);
	}
	buf_adds(&manifest, "# quire export\n");
	for (size_t i = 0; i < e->njobs; i++)
		if (i == 0 || strcmp(e->jobs[i].rel, e->jobs[i - 1].rel) != 0)
			export_encode(e->jobs[i].rel, &manifest);
	/* Written as the other files are: within DIR's descriptor, through no link. */
	export_put(e, EXPORT_THREADS, EXPORT_MANIFEST, manifest.data, manifest.len, -1, 1);
	printf("%s: %zu written, %zu unchanged, %zu removed", e->dir, e->written, e->same,
	       e->removed);
	if (e->failed > 0)
		printf(", %zu failed", e->failed);
	printf("\n");
	if (s->next_change != 0) {
		char when[32];
		struct tm tm;
		gmtime_r(&s->next_change, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		printf("next change: %s (export again then)\n", when);
	}
	fflush(stdout);
	rc = e->failed > 0 ? -1 : 0;
out:
	for (size_t i = 0; i < e->njobs; i++)
		free(e->jobs[i].rel);
	free(e->jobs);
	e->jobs = NULL;
	e->njobs = e->cap = 0;
	for (size_t i = 0; i < e->nold; i++)
		free(e->old[i]);
	free(e->old);
	e->old = NULL;
	e->nold = 0;
	for (size_t i = 0; i < sizeof(e->texts) / sizeof(e->texts[0]); i++)
		buf_free(&e->texts[i]);
	buf_free(&rel);
	buf_free(&manifest);
	address_list_free(&l);
	return rc;
}

/* quire export --watch: each snapshot the watcher publishes, exported (one at a time:
 * a stop waits for the export under way). */
static pthread_mutex_t export_lock = PTHREAD_MUTEX_INITIALIZER;

static void export_published(struct site *s, void *ctx)
{
	pthread_mutex_lock(&export_lock);
	export_once(ctx, s, 0);
	pthread_mutex_unlock(&export_lock);
}

static void export_config_changed(void *ctx)
{
	struct export *e = ctx;

	pthread_mutex_lock(&export_lock);
	fprintf(stderr,
	        "quire: export: %s changed: stopping (start quire export --watch again to use "
	        "it)\n",
	        e->c->file);
	_exit(75); /* EX_TEMPFAIL: a service manager starts it again */
}

static int export_watch(struct export *e, const struct site *s)
{
	struct watch *w = watch_open(s->config);
	sigset_t stop;
	int sig;

	if (w == NULL)
		return -1;
	/* Watched from now on: what changed since the site was read is in a snapshot of its
	 * own, exported before the watcher starts. */
	struct site_files before = site_files(s);
	struct site *now = site_load(s->config, &before, s->layouts, 0);
	if (now == NULL)
		return -1;
	site_publish(now);
	pthread_mutex_lock(&export_lock);
	export_once(e, now, 0);
	pthread_mutex_unlock(&export_lock);
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	watch_set_hooks(w, export_published, export_config_changed, e);
	if (watch_start(w) < 0)
		return -1;
	sigwait(&stop, &sig);
	/* An export under way ends first: no file is left half written. */
	pthread_mutex_lock(&export_lock);
	fprintf(stderr, "quire: export: stopped\n");
	return 0;
}

int export_run(const struct site *s, int argc, char **argv)
{
	struct export e = {.dfd = -1};
	int watch = 0, rc = 1;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			e.force = 1;
		else if (strcmp(argv[i], "--meta-refresh") == 0)
			e.refresh = 1;
		else if (strcmp(argv[i], "--watch") == 0)
			watch = 1;
		else if (e.dir == NULL && argv[i][0] != '-')
			e.dir = argv[i];
		else
			return export_usage();
	}
	if (e.dir == NULL)
		return export_usage();
	if (mkdir(e.dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "quire: export: %s: %s\n", e.dir, strerror(errno));
		return 1;
	}
	e.dfd = open(e.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (e.dfd < 0) {
		fprintf(stderr, "quire: export: %s: %s\n", e.dir,
		        errno == ELOOP || errno == ENOTDIR ? "not a folder (a symbolic link is not "
		                                             "followed)"
		                                           : strerror(errno));
		return 1;
	}
	cache_init((size_t)s->config->cache_size);
	rc = export_once(&e, s, 1) < 0;
	if (rc == 0 && watch)
		rc = export_watch(&e, s) < 0;
	close(e.dfd);
	return rc;
}

/* watch.c — live reload: inotify on posts, layouts and configuration, the static folder and
 * the page bundles' folders; new snapshots published.
 * Events are gathered until the folder has been quiet for a moment, so that an
 * editor's save (write, rename, chmod) makes one new snapshot, not three. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "files.h"
#include "log.h"
#include "mem.h"
#include "search.h"
#include "site.h"

#define WATCH_QUIET_MS     15   /* rebuild once no event came for this long */
#define WATCH_MAX_DELAY_MS 200  /* or at the latest this long after the first event */
#define WATCH_RETRY_MS     1000 /* how often a folder that went away is looked for */
/* Every this many snapshots the posts folder is read whole even so (what was said of
 * files not looked at again is kept until then). */
#define WATCH_FULL_EVERY 100

enum watch_target {
	WATCH_POSTS,
	WATCH_LAYOUTS,
	WATCH_CONFIG,
	WATCH_TARGETS,
};

struct watch {
	const struct config *config;
	int fd;
	int wd[WATCH_TARGETS];
	const char *dir[WATCH_TARGETS];
	char *config_dir;
	const char *config_name;
	int missing; /* a watched folder was not there at start */
	/* The folders below: the static folder and its folders, the posts folder's folders
	 * (page bundles) and theirs, as the scan walks them (files.h). A change in any is
	 * a change of the posts. */
	int *sub;
	char **sub_entry; /* per sub: the posts folder's entry it is in, or NULL (static) */
	size_t nsub, capsub;
	/* The entries of the posts folder that events named since the last snapshot, unless
	 * every one must be looked at (all: an event on the folder itself, a lost event). */
	char **changed;
	size_t nchanged, capchanged;
	int all;
	int unwatched; /* a folder of the posts could not be watched: every snapshot reads all */
	unsigned rebuilds;
	/* watch_set_hooks(): NULL for a server's worker. */
	void (*published)(struct site *s, void *ctx);
	void (*config_changed)(void *ctx);
	void *ctx;
};

static const uint32_t watch_mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                   IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF |
                                   IN_MOVE_SELF | IN_ONLYDIR;

/* (Re)add the watches that are missing; a folder may have been removed and made again. */
static int watch_add(struct watch *w)
{
	int missing = 0;

	for (int i = 0; i < WATCH_TARGETS; i++) {
		if (w->wd[i] >= 0)
			continue;
		w->wd[i] = inotify_add_watch(w->fd, w->dir[i], watch_mask);
		if (w->wd[i] < 0)
			missing = 1;
	}
	return missing;
}

static void watch_sub_add(struct watch *w, int wd, const char *entry)
{
	/* A folder renamed or moved keeps its watch: its events name the entry it is in now. */
	for (size_t i = 0; i < w->nsub; i++) {
		if (w->sub[i] != wd)
			continue;
		free(w->sub_entry[i]);
		w->sub_entry[i] = entry ? xstrndup(entry, strlen(entry)) : NULL;
		return;
	}
	if (w->nsub == w->capsub) {
		w->capsub = w->capsub ? w->capsub * 2 : 16;
		w->sub = xrealloc(w->sub, w->capsub * sizeof(*w->sub));
		w->sub_entry = xrealloc(w->sub_entry, w->capsub * sizeof(*w->sub_entry));
	}
	w->sub_entry[w->nsub] = entry ? xstrndup(entry, strlen(entry)) : NULL;
	w->sub[w->nsub++] = wd;
}

static void watch_sub_remove(struct watch *w, size_t i)
{
	free(w->sub_entry[i]);
	w->sub[i] = w->sub[--w->nsub];
	w->sub_entry[i] = w->sub_entry[w->nsub];
}

/* An entry of the posts folder changed: it is looked at again. */
static void watch_changed(struct watch *w, const char *entry)
{
	for (size_t i = 0; i < w->nchanged; i++)
		if (strcmp(w->changed[i], entry) == 0)
			return;
	/* So many that reading the folder is as cheap. */
	if (w->nchanged >= 4096) {
		w->all = 1;
		return;
	}
	if (w->nchanged == w->capchanged) {
		w->capchanged = w->capchanged ? w->capchanged * 2 : 16;
		w->changed = xrealloc(w->changed, w->capchanged * sizeof(*w->changed));
	}
	w->changed[w->nchanged++] = xstrndup(entry, strlen(entry));
}

static void watch_changed_clear(struct watch *w)
{
	for (size_t i = 0; i < w->nchanged; i++)
		free(w->changed[i]);
	w->nchanged = 0;
	w->all = 0;
}

static int watch_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Watch path's folders (and path itself when self), depth levels deep at most, as the
 * scan walks them: no symbolic link, no hidden folder (but a top .well-known). In the
 * posts folder (posts), each folder's events name the entry it is in. */
static void watch_tree(struct watch *w, const char *path, int self, int depth, int top_static,
                       int posts, const char *entry)
{
	DIR *d;
	struct dirent *e;
	char sub[PATH_MAX];

	if (self) {
		int wd = inotify_add_watch(w->fd, path, watch_mask | IN_DONT_FOLLOW);
		if (wd < 0) {
			/* Its events would never come (fs.inotify.max_user_watches): the posts
			 * folder is read whole from now on. */
			if (posts && !w->unwatched)
				log_msg(LOG_WARN,
				        "%s: cannot watch (%s): each reload reads every post", path,
				        strerror(errno));
			w->unwatched |= posts;
			return;
		}
		watch_sub_add(w, wd, entry);
	}
	if (depth > FILES_DEPTH || (d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (e->d_name[0] == '.' && !(top_static && strcmp(e->d_name, ".well-known") == 0)))
			continue;
		/* The folder's own record of the type saves a stat per post (10,000 of them
		 * cost a start some 30 ms); only an unknown one is looked at. */
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		if (e->d_type == DT_UNKNOWN &&
		    (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		     !S_ISDIR(st.st_mode)))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >= sizeof(sub))
			continue;
		watch_tree(w, sub, 1, depth + 1, 0, posts,
		           posts ? (depth == 0 ? e->d_name : entry) : NULL);
	}
	closedir(d);
}

/* (Re)add the watches of the folders below: folders made since are watched too. With
 * dev: true, the theme's static folder (beside the configuration) too, so that a page
 * reloads when its stylesheet is saved. In the posts folder, only the entries the events
 * named are walked, unless every one is to be looked at. */
static void watch_subs(struct watch *w, int all)
{
	char sub[PATH_MAX];

	watch_tree(w, w->config->static_dir, 1, 0, 1, 0, NULL);
	if (all) {
		watch_tree(w, w->config->posts_dir, 0, 0, 0, 1, NULL);
	} else {
		for (size_t i = 0; i < w->nchanged; i++) {
			struct stat st;
			const char *e = w->changed[i];
			if (e[0] == '.' ||
			    (size_t)snprintf(sub, sizeof(sub), "%s/%s", w->config->posts_dir, e) >=
			        sizeof(sub) ||
			    lstat(sub, &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
			watch_tree(w, sub, 1, 1, 0, 1, e);
		}
	}
	if (w->config->dev)
		watch_tree(w, w->config->theme_dir, 1, 0, 0, 0, NULL);
}

/* Read what inotify has; say which targets changed. */
static void watch_read(struct watch *w, int changed[WATCH_TARGETS])
{
	char events[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(w->fd, events, sizeof(events));

	for (char *p = events; n > 0 && p < events + n;) {
		const struct inotify_event *e = (const struct inotify_event *)p;
		for (int i = 0; i < WATCH_TARGETS; i++) {
			if (e->wd != w->wd[i])
				continue;
			if (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
				w->wd[i] = -1;
				changed[i] = 1;
			} else if (i != WATCH_CONFIG ||
			           (e->len > 0 && strcmp(e->name, w->config_name) == 0)) {
				changed[i] = 1;
			}
			/* The posts folder's event names its entry; one of the folder itself
			 * may be any. */
			if (i == WATCH_POSTS && e->len > 0 && e->name[0] != '\0' &&
			    !(e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)))
				watch_changed(w, e->name);
			else if (i == WATCH_POSTS)
				w->all = 1;
		}
		for (size_t i = 0; i < w->nsub; i++) {
			if (e->wd != w->sub[i])
				continue;
			changed[WATCH_POSTS] = 1;
			if (w->sub_entry[i] != NULL)
				watch_changed(w, w->sub_entry[i]);
			if (e->mask & IN_IGNORED)
				watch_sub_remove(w, i);
			break;
		}
		if (e->mask & IN_Q_OVERFLOW) {
			changed[WATCH_POSTS] = changed[WATCH_LAYOUTS] = 1;
			w->all = 1;
		}
		p += sizeof(*e) + e->len;
	}
}

/* Milliseconds until the current snapshot's next scheduled change, or until a post caught
 * half saved is to be looked at again: 0 when due, -1 when there is none. */
static long watch_scheduled_ms(void)
{
	struct site *s = site_acquire();
	long long next = s && s->next_change ? (long long)s->next_change * 1000 : 0;
	long ms = -1;

	if (s != NULL && s->settled_ms != 0 && (next == 0 || s->settled_ms < next))
		next = s->settled_ms;
	if (next > 0) {
		ms = (long)(next - clock_now_ms());
		if (ms < 0)
			ms = 0;
		if (ms > 3600L * 1000)
			ms = 3600L * 1000; /* the clock may jump: look again at least hourly */
	}
	site_release(s);
	return ms;
}

static void watch_rebuild(struct watch *w, int layouts)
{
	struct site *old = site_acquire(), *s;

	struct site_files before = old ? site_files(old) : (struct site_files){0};

	/* Only the entries the events named are looked at again; all of them when the
	 * snapshot before did not read the folder, an event may have been lost, a folder is
	 * not watched, a post caught half saved waits for its second look, and now and then. */
	int whole = old == NULL || old->unread || w->all || w->unwatched || old->settled_ms != 0 ||
	            w->rebuilds++ % WATCH_FULL_EVERY == 0;
	/* Before the scan: what is made in a new folder meanwhile is seen. */
	watch_subs(w, whole);
	before.again = 1;
	/* (watch_subs() may have just met a folder it cannot watch.) */
	if (!whole && !w->unwatched) {
		if (w->nchanged > 1)
			qsort(w->changed, w->nchanged, sizeof(*w->changed), watch_str_cmp);
		before.changed_only = 1;
		before.changed = w->changed;
		before.nchanged = w->nchanged;
	}
	s = site_load(w->config, old ? &before : NULL, old ? old->layouts : NULL, layouts);
	watch_changed_clear(w);
	if (s != NULL) {
		/* Searchable as soon as served: the index follows before the snapshot is out. */
		search_sync(s);
		site_publish(s);
		log_msg(LOG_INFO, "%s: reloaded, %zu posts (%zu files looked at)",
		        w->config->posts_dir, s->nlisted, s->looked);
		if (w->published != NULL) {
			struct site *now = site_acquire();
			w->published(now, w->ctx);
			site_release(now);
		}
	}
	site_release(old);
	/* What the old snapshot and evicted pages held goes back to the system, so the
	 * worker's size follows what it holds (malloc keeps each thread's arena at its
	 * high-water mark otherwise). */
	malloc_trim(0);
}

static void *watch_loop(void *arg)
{
	struct watch *w = arg;
	int changed[WATCH_TARGETS] = {0}, pending = 0, missing = w->missing, back = 0;
	long first = 0, last = 0, retry = clock_ms() + WATCH_RETRY_MS;
	struct site *at_start = site_acquire();

	/* The index as the site is at start: made here, once serving, when it is behind. */
	search_sync(at_start);
	site_release(at_start);
	for (;;) {
		struct pollfd p = {.fd = w->fd, .events = POLLIN};
		int timeout = pending ? WATCH_QUIET_MS : missing ? WATCH_RETRY_MS : -1;
		long scheduled = watch_scheduled_ms();

		if (scheduled == 0) {
			/* A scheduled post appears or expires now, or a post caught half saved is
			 * due a second look: show the site as it is, every file looked at. */
			changed[WATCH_POSTS] = pending = w->all = 1;
			first = last = clock_ms() - WATCH_QUIET_MS;
			timeout = 0;
		} else if (scheduled > 0 && (timeout < 0 || scheduled < timeout)) {
			timeout = (int)scheduled;
		}

		if (poll(&p, 1, timeout) > 0) {
			watch_read(w, changed);
			last = clock_ms();
			if (!pending)
				first = last;
			pending = changed[0] || changed[1] || changed[2];
		}
		long now = clock_ms();
		if (missing && now >= retry) {
			missing = watch_add(w);
			/* A folder that is back may hold anything: look again. */
			if (!missing)
				changed[WATCH_POSTS] = changed[WATCH_LAYOUTS] = pending = back =
				    w->all = 1;
			retry = now + WATCH_RETRY_MS;
		}
		if (!pending || (now - last < WATCH_QUIET_MS && now - first < WATCH_MAX_DELAY_MS))
			continue;
		for (int i = 0; i < WATCH_TARGETS; i++)
			if (w->wd[i] < 0)
				missing = 1;
		/* A sandboxed worker may read only the folders it started with: a folder
		 * made again (also since this batch began) is for a new worker to read. */
		if (w->config->sandbox && missing && !watch_add(w)) {
			missing = 0;
			back = 1;
		}
		int renew = w->config->sandbox && back;
		if (renew)
			log_msg(LOG_INFO,
			        "a watched folder was replaced: asking the supervisor for "
			        "a new worker");
		else if (changed[WATCH_CONFIG])
			log_msg(LOG_INFO, "%s changed: asking the supervisor for a new worker",
			        w->config->file);
		if ((renew || changed[WATCH_CONFIG]) && w->config_changed != NULL)
			w->config_changed(w->ctx);
		else if (renew || changed[WATCH_CONFIG])
			kill(getppid(), SIGHUP);
		if (!renew && (changed[WATCH_POSTS] || changed[WATCH_LAYOUTS])) {
			watch_rebuild(w, changed[WATCH_LAYOUTS]);
		}
		memset(changed, 0, sizeof(changed));
		pending = back = 0;
	}
	return NULL;
}

struct watch *watch_open(const struct config *c)
{
	struct watch *w = xcalloc(1, sizeof(*w));
	const char *slash = strrchr(c->file, '/');

	w->config = c;
	w->fd = inotify_init1(IN_CLOEXEC);
	if (w->fd < 0) {
		log_msg(LOG_WARN, "inotify is not available (%s): edits show after a restart",
		        strerror(errno));
		free(w);
		return NULL;
	}
	w->config_dir = slash ? xstrndup(c->file, (size_t)(slash - c->file)) : xstrndup(".", 1);
	w->config_name = slash ? slash + 1 : c->file;
	w->dir[WATCH_POSTS] = c->posts_dir;
	w->dir[WATCH_LAYOUTS] = c->layouts_dir;
	w->dir[WATCH_CONFIG] = w->config_dir;
	for (int i = 0; i < WATCH_TARGETS; i++)
		w->wd[i] = -1;
	w->missing = watch_add(w);
	watch_subs(w, 1);
	return w;
}

void watch_set_hooks(struct watch *w, void (*published)(struct site *s, void *ctx),
                     void (*config_changed)(void *ctx), void *ctx)
{
	if (w == NULL)
		return;
	w->published = published;
	w->config_changed = config_changed;
	w->ctx = ctx;
}

int watch_start(struct watch *w)
{
	pthread_t t;
	pthread_attr_t attr;

	if (w == NULL)
		return -1;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* The thread takes no signals: SIGTERM belongs to the server's signal thread. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&t, &attr, watch_loop, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		log_msg(LOG_WARN, "cannot start the watcher thread: edits show after a restart");
		close(w->fd);
		free(w->config_dir);
		while (w->nsub > 0)
			watch_sub_remove(w, 0);
		free(w->sub);
		free(w->sub_entry);
		watch_changed_clear(w);
		free(w->changed);
		free(w);
		return -1;
	}
	return 0;
}

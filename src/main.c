/* main.c — start-up: options, configuration, and the way to serve. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "check.h"
#include "command.h"
#include "config.h"
#include "export.h"
#include "log.h"
#include "mem.h"
#include "preview.h"
#include "sandbox.h"
#include "saved.h"
#include "search.h"
#include "server.h"
#include "site.h"
#include "supervisor.h"
#include "watch.h"

struct main_opts {
	const char *file;
	const char *socket_path;
	int dev; /* --dev: dev: true whatever the configuration says */
};

static void main_usage(FILE *f)
{
	fprintf(f,
	        "usage: quire [-t] [-c config] [-s socket] [--dev]\n"
	        "       quire [-c config] COMMAND [ARGUMENTS]\n"
	        "\n"
	        "Serves a blog of Markdown posts as a FastCGI responder, or answers one\n"
	        "request as a CGI program when a web server starts it as one.\n"
	        "\n"
	        "  -c config   configuration file (default: $QUIRE_CONFIG, else conf/quire.yaml)\n"
	        "  -s socket   listen on this Unix socket instead of the configured one\n"
	        "  -t          check the configuration, layouts and posts, then exit\n"
	        "  --dev       pages reload themselves when a post, a layout or the stylesheet\n"
	        "              is saved (dev: true; make run's; never for a public site)\n"
	        "  -h, --help  show this help\n"
	        "  -v, --version\n"
	        "              show the version\n"
	        "\n"
	        "Commands (quire COMMAND --help tells more):\n"
	        "  new [--page] TITLE...\n"
	        "              write a new draft post (a page) from its archetype\n"
	        "  check [--json]\n"
	        "              check what -t checks, and every link, image, fragment and alias\n"
	        "  preview FILE [--days N]\n"
	        "              print an address that shows the post FILE (a draft, a post\n"
	        "              scheduled for later) for N days (1 to 365; 7)\n"
	        "  routes [--kind K,...] [--sort address|kind|state|file]\n"
	        "              print every address of the site: its kind, state and file\n"
	        "  routes --nginx | --apache | --redirects\n"
	        "              print the redirects of old addresses for a web server\n"
	        "  export [--force] [--meta-refresh] [--watch] DIR\n"
	        "              write the site as files for a static host (again: what changed;\n"
	        "              --watch: and whenever it changes)\n");
}

static int main_config(const struct main_opts *o, struct config *c)
{
	if (config_load(c, o->file) < 0)
		return -1;
	if (o->dev)
		c->dev = 1;
	if (o->socket_path != NULL) {
		free(c->socket);
		c->socket = xstrndup(o->socket_path, strlen(o->socket_path));
	}
	return 0;
}

/* Refuse root unless told; with "user:" set, become that user (after the socket
 * at path, when there is one, is made and given to it). */
static int main_privileges(const struct config *c, const char *path)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if (c->user == NULL) {
		if (c->allow_root) {
			log_msg(LOG_WARN, "%s: running as root (allow_root: true)", c->file);
			return 0;
		}
		log_msg(LOG_ERROR,
		        "%s: quire does not run as root: set \"user\" to the user it should run "
		        "as, or \"allow_root: true\"",
		        c->file);
		return -1;
	}
	pw = getpwnam(c->user);
	if (pw == NULL || pw->pw_uid == 0) {
		log_msg(LOG_ERROR, "%s: user \"%s\" %s", c->file, c->user,
		        pw == NULL ? "does not exist" : "is root");
		return -1;
	}
	if (path != NULL && chown(path, pw->pw_uid, pw->pw_gid) < 0)
		log_msg(LOG_WARN, "%s: cannot give the socket to %s: %s", path, c->user,
		        strerror(errno));
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0 || setuid(0) == 0) {
		log_msg(LOG_ERROR, "cannot become user %s: %s", c->user, strerror(errno));
		return -1;
	}
	return 0;
}

struct main_watching {
	const struct config *c;
	struct watch *w;
};

static void *main_watch_open(void *arg)
{
	struct main_watching *m = arg;

	m->w = watch_open(m->c);
	return NULL;
}

/* The site, reading again only the posts that changed since the stored snapshot,
 * and storing this one when it differs. With watch, the watcher too, opened before the
 * posts folder is read (an edit made while it is read shows): with parallel, on a thread
 * of its own while the store is read, as it walks the folder for the bundles' folders,
 * and joined before the scan (and before the sandbox, which comes before any thread).
 * again: another load follows (the next CGI request's). */
static struct site *main_site(const struct config *c, struct watch **watch, int parallel, int again)
{
	struct main_watching m = {c, NULL};
	struct site_files saved;
	pthread_t t;
	int threaded =
	    watch != NULL && parallel && pthread_create(&t, NULL, main_watch_open, &m) == 0;

	if (watch != NULL && !threaded)
		m.w = watch_open(c);
	int have = saved_load(c, &saved) == 0;
	if (threaded)
		pthread_join(t, NULL);
	if (watch != NULL)
		*watch = m.w;
	/* A post caught half saved may wait for the next look: the watcher's, the next CGI
	 * request's. */
	saved.again = again || m.w != NULL;
	struct site *s = site_load(c, have ? &saved : NULL, NULL, 1);

	if (s != NULL &&
	    (!have || s->loaded > 0 || s->nposts != saved.nposts || s->nsaid != saved.nsaid ||
	     (s->nsaid && memcmp(s->said, saved.said, s->nsaid * sizeof(*s->said))))) {
		struct site_files now = site_files(s);
		saved_save(c, &now);
	}
	saved_free(&saved);
	return s;
}

/* A worker process: the configuration and the site as they are now, then serve. A
 * spare (start_fd >= 0) says it is ready once loaded and sandboxed, then waits for
 * the supervisor's byte; edits made meanwhile wait in its inotify queue, and its
 * watcher, started with the serving, reloads for them at once. */
static int main_worker(int listen_fd, int ready_fd, int start_fd, void *arg)
{
	const struct main_opts *o = arg;
	struct config c;
	struct site *site;
	struct watch *watch;
	int quiet = -1;

	/* A spare says nothing while it loads: the serving worker, which read the same
	 * files, has said it already, and edits since show in the reload the spare
	 * logs once it serves. Why a spare cannot load, a new worker would say. */
	if (start_fd >= 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		quiet = dup(STDERR_FILENO);
		if (null >= 0 && quiet >= 0)
			dup2(null, STDERR_FILENO);
		if (null >= 0)
			close(null);
	}
	if (main_config(o, &c) < 0)
		return 1;
	cache_init((size_t)c.cache_size);
	/* A spare loads while another worker serves: it starts no thread, not even for a
	 * moment, before it is told to serve (its one thread says it is a spare). */
	site = main_site(&c, &watch, start_fd < 0, 0);
	preview_start(&c);
	/* Before any thread: Landlock confines only the caller and what it starts. */
	if (site == NULL || sandbox_apply(&c) < 0)
		return 1;
	site_publish(site);
	if (quiet >= 0) {
		dup2(quiet, STDERR_FILENO);
		close(quiet);
	}
	if (start_fd >= 0) {
		char go;
		ssize_t n;
		if (write(ready_fd, "r", 1) != 1)
			return 1;
		close(ready_fd);
		ready_fd = -1;
		/* A signal handled meanwhile (EINTR) is no reason to go. */
		while ((n = read(start_fd, &go, 1)) < 0 && errno == EINTR)
			;
		/* End of file: the supervisor is gone or has no use for this spare. */
		if (n != 1)
			exit(0);
		close(start_fd);
	}
	/* Opened once serving (a spare leaves the index to the worker that serves), and
	 * brought up to date by the watcher. */
	search_open(&c);
	if (watch == NULL) {
		struct site *now = site_acquire();
		search_sync(now);
		site_release(now);
	}
	watch_start(watch);
	/* Threads may still be blocked on kept connections: exit, do not return. A server
	 * that could not serve says so in its status. */
	exit(server_run(listen_fd, &c, ready_fd) < 0 ? 1 : 0);
}

/* The commands: their names, in the order of main_run()'s cases. */
static const char *const main_commands[] = {"preview", "new", "check", "routes", "export"};
/* Each one's --help. */
static const char *const main_command_help[] = {
    "usage: quire [-c config] preview FILE [--days N]\n"
    "Print an address that shows the post FILE (a draft, a post scheduled for later) to\n"
    "whoever has it, for N days (1 to 365; 7).\n",
    "usage: quire [-c config] new [--page] TITLE...\n"
    "Write a new draft post, posts/YYYY-MM-DD-slug.md (with --page a page, slug.md), from\n"
    "the archetype archetypes/post.mustache (page.mustache) beside the configuration;\n"
    "never over a file. Prints its path and, with a state folder, its preview address.\n",
    "usage: quire [-c config] check [--json]\n"
    "Check what -t checks, and every link, image and fragment of every post, aliases,\n"
    "copies left behind and taxonomies; list the scheduled posts. One line a problem,\n"
    "file:line: error|warning: ...; --json: one JSON object. Exit 1 on an error.\n",
    "usage: quire [-c config] routes [--kind K[,K...]] [--sort address|kind|state|file]\n"
    "       quire [-c config] routes --nginx | --apache | --redirects\n"
    "Print every address of the site with its kind, state and file; or only the\n"
    "redirects of old addresses, as an nginx map, Apache lines or a _redirects file.\n",
    "usage: quire [-c config] export [--force] [--meta-refresh] [--watch] DIR\n"
    "Write the site into DIR as files for a static host, each body what the server sends;\n"
    "again, only what changed. --force: into a folder holding other files; --meta-refresh:\n"
    "a page at each old address too; --watch: go on, exporting each change.\n",
};

static int main_command(const char *word)
{
	for (size_t i = 0; i < sizeof(main_commands) / sizeof(main_commands[0]); i++)
		if (strcmp(word, main_commands[i]) == 0)
			return (int)i;
	return -1;
}

/* quire preview FILE [--days N] */
static int main_preview(const struct config *c, int argc, char **argv)
{
	const char *file = NULL, *days = NULL;
	int bad = 0;

	for (int i = 0; i < argc && !bad; i++) {
		if (strcmp(argv[i], "--days") == 0 && i + 1 < argc)
			days = argv[++i];
		else if (file == NULL && argv[i][0] != '-')
			file = argv[i];
		else
			bad = 1;
	}
	if (file == NULL || bad) {
		fprintf(stderr, "usage: quire [-c config] preview FILE [--days N]\n");
		return 2;
	}
	char *end = NULL;
	long n = days ? strtol(days, &end, 10) : 7;
	if (days != NULL && (end == days || *end != '\0'))
		n = 0;
	return preview_command(c, file, n);
}

/* Run command k of main_commands with its arguments. */
static int main_run(const struct config *c, int k, int argc, char **argv)
{
	struct site *site;
	int rc;

	switch (k) {
	case 0:
		return main_preview(c, argc, argv);
	case 1:
		return command_new(c, argc, argv);
	case 2:
		return check_run(c, argc, argv);
	default:
		if ((site = main_site(c, NULL, 0, 0)) == NULL)
			return 1;
		rc = k == 3 ? command_routes(site, argc, argv) : export_run(site, argc, argv);
		site_release(site);
		return rc;
	}
}

int main(int argc, char **argv)
{
	struct main_opts o = {getenv("QUIRE_CONFIG"), NULL, 0};
	struct supervisor_worker w = {main_worker, &o, 0};
	struct config config;
	struct site *site = NULL;
	int check = 0, rc = 1, fd = -1;
	enum server_mode mode;
	const char *command = NULL;
	char **args = NULL;
	int nargs = 0;

	for (int i = 1; i < argc && command == NULL; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			main_usage(stdout);
			return 0;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
			printf("quire %s\n", QUIRE_VERSION);
			return 0;
		} else if (strcmp(a, "-t") == 0) {
			check = 1;
		} else if (strcmp(a, "-c") == 0 && i + 1 < argc) {
			o.file = argv[++i];
		} else if (strcmp(a, "-s") == 0 && i + 1 < argc) {
			o.socket_path = argv[++i];
		} else if (strcmp(a, "--dev") == 0) {
			o.dev = 1;
		} else if (main_command(a) >= 0) {
			command = a;
			args = argv + i + 1;
			nargs = argc - i - 1;
		} else {
			fprintf(stderr, "quire: unknown option, command or missing value: %s\n", a);
			main_usage(stderr);
			return 2;
		}
	}
	if (o.file == NULL || *o.file == '\0')
		o.file = "conf/quire.yaml";
	if (command != NULL) {
		if (nargs > 0 && (strcmp(args[0], "--help") == 0 || strcmp(args[0], "-h") == 0)) {
			fputs(main_command_help[main_command(command)], stdout);
			return 0;
		}
		if (main_config(&o, &config) < 0)
			return 1;
		rc = main_run(&config, main_command(command), nargs, args);
		config_free(&config);
		return rc;
	}
	mode = check ? SERVER_SOCKET : server_mode(&fd);
	if (main_config(&o, &config) < 0)
		return 1;
	if (!check && mode == SERVER_CGI && main_privileges(&config, NULL) < 0) {
		config_free(&config);
		return 1;
	}
	if (check || mode == SERVER_CGI) {
		site = main_site(&config, NULL, 0, mode == SERVER_CGI);
		if (site != NULL && check)
			printf("%s: %zu posts, layouts in %s\n", o.file, site->nlisted,
			       config.layouts_dir);
		rc = site == NULL;
		if (site != NULL && mode == SERVER_CGI && !check) {
			preview_start(&config);
			rc = sandbox_apply(&config) < 0 || server_cgi(site) < 0;
		}
		site_release(site);
		config_free(&config);
		return rc;
	}
	/* FastCGI: this process holds the socket and supervises the worker that serves.
	 * The socket is made first, while quire may still be root, then given away. */
	if (mode == SERVER_INHERITED) {
		/* fd came from server_mode(). */
	} else if (config.socket == NULL) {
		log_msg(LOG_ERROR, "%s: no socket to listen on: set \"socket\" or use -s", o.file);
		config_free(&config);
		return 1;
	} else {
		fd = server_listen(config.socket);
		if (fd < 0) {
			config_free(&config);
			return 1;
		}
	}
	if (main_privileges(&config, mode == SERVER_SOCKET ? config.socket : NULL) < 0) {
		if (mode == SERVER_SOCKET) {
			close(fd);
			unlink(config.socket);
		}
		config_free(&config);
		return 1;
	}
	w.spare = config.spare;
	rc = supervisor_run(fd, &w);
	if (mode == SERVER_SOCKET)
		unlink(config.socket);
	config_free(&config);
	return rc;
}

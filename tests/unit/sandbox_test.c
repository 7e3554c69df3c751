/* sandbox_test.c — a sandboxed child reads its site and writes its state folder, and
 * nothing else: no file outside the site's folders, no program run. */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "sandbox.h"

#define S "sandbox"

/* What the child found, one record per case, sent to the parent through a pipe. */
struct result {
	char name[96];
	int ok;
	int err;
};

static int result_fd;

static void report(const char *name, int ok, int err)
{
	struct result r = {{0}, ok, err};

	snprintf(r.name, sizeof(r.name), "%s", name);
	if (write(result_fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(3);
}

/* open() must fail, and for want of rights, not because the file is missing. */
static void report_refused(const char *name, const char *path, int flags)
{
	int fd = open(path, flags, 0600);

	report(name, fd < 0 && (errno == EACCES || errno == EPERM), fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
}

static void report_opens(const char *name, const char *path, int flags)
{
	int fd = open(path, flags, 0600);

	report(name, fd >= 0, fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
}

static void *thread_main(void *arg)
{
	return arg;
}

static void child(const struct config *c, const char *root, const char *outside, int landlock)
{
	char path[512], path2[512];
	char *const argv[] = {"true", NULL}, *const envp[] = {NULL};
	pthread_t t;
	void *back = NULL;
	int fd;

	if (sandbox_apply(c) < 0)
		_exit(2);
	snprintf(path, sizeof(path), "%s/posts/hello.md", root);
	report_opens("a post can be read", path, O_RDONLY);
	/* A reload asks whether a post is still readable (site.c): seccomp must allow it. */
	report("faccessat() answers for a post", faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0,
	       errno);
	report_opens("the posts folder can be listed", c->posts_dir, O_RDONLY | O_DIRECTORY);
	report_opens("the configuration can be read", c->file, O_RDONLY);
	if (landlock) {
		report_refused("a file outside the site cannot be read", outside, O_RDONLY);
		report_refused("/etc/passwd cannot be read", "/etc/passwd", O_RDONLY);
		report_refused("a post cannot be written", path, O_WRONLY);
		snprintf(path, sizeof(path), "%s/posts/new.md", root);
		report_refused("no file can be made in posts", path, O_WRONLY | O_CREAT);
		snprintf(path, sizeof(path), "%s/elsewhere", root);
		report_refused("no file can be made beside the site's folders", path,
		               O_WRONLY | O_CREAT);
	}
	snprintf(path, sizeof(path), "%s/state/.tmp", root);
	snprintf(path2, sizeof(path2), "%s/state/kept", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	report("a file can be written in the state folder",
	       fd >= 0 && write(fd, "x\n", 2) == 2 && close(fd) == 0, errno);
	report("and renamed there", rename(path, path2) == 0, errno);
	report("and removed", unlink(path2) == 0, errno);
	execve("/bin/true", argv, envp);
	report("execve(/bin/true) fails with seccomp's EPERM", errno == EPERM, errno);
	report("a thread can still be started",
	       pthread_create(&t, NULL, thread_main, &result_fd) == 0 &&
	           pthread_join(t, &back) == 0 && back == &result_fd,
	       errno);
#if !defined(__SANITIZE_ADDRESS__)
	/* The sanitizers' leak check forks a helper, so their builds allow it. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	report("fork() fails", pid < 0, pid < 0 ? errno : 0);
#endif
	report("the child reached its end", 1, 0);
	_exit(0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* A site in a temporary folder: conf/quire.yaml with layouts, posts, state. */
static void make_site(const char *root, const char *extra, char *config, size_t size)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/conf", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/conf/layouts", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/posts", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/posts/hello.md", root);
	write_file(path, "---\ntitle: Hello\n---\nHi.\n");
	snprintf(config, size, "%s/conf/quire.yaml", root);
	snprintf(path, sizeof(path), "posts: ../posts\nstate: ../state\n%s", extra);
	write_file(config, path);
}

static int landlock_available(void)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) > 0;
}

static void sandboxed(const char *root, const char *outside)
{
	char config[512];
	struct config c;
	struct result r;
	int fds[2], status = 0, landlock = landlock_available(), done = 0;
	pid_t pid;

	if (!landlock && getenv("QUIRE_TEST_NO_LANDLOCK") == NULL)
		check(S, "landlock is available", 0,
		      "the kernel has none: set QUIRE_TEST_NO_LANDLOCK=1 to test without");
	else if (!landlock)
		printf("SKIP %s: file access (no landlock, QUIRE_TEST_NO_LANDLOCK set)\n", S);
	make_site(root, "", config, sizeof(config));
	if (config_load(&c, config) < 0 || pipe(fds) < 0) {
		check(S, "the site loads", 0, "%s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		result_fd = fds[1];
		child(&c, root, outside, landlock);
	}
	close(fds[1]);
	while (read(fds[0], &r, sizeof(r)) == (ssize_t)sizeof(r)) {
		check(S, r.name, r.ok, "errno %d (%s)", r.err, strerror(r.err));
		done = strcmp(r.name, "the child reached its end") == 0;
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	check(S, "the sandboxed child exits 0 after every case",
	      WIFEXITED(status) && WEXITSTATUS(status) == 0 && done, "status %#x", status);
	config_free(&c);
}

/* "sandbox:" is a strict boolean, on by default; false leaves the process as it is. */
static void config_key(const char *root)
{
	char config[512], dir[512];
	struct config c;
	int ok;

	snprintf(dir, sizeof(dir), "%s/key", root);
	mkdir(dir, 0700);
	make_site(dir, "", config, sizeof(config));
	ok = config_load(&c, config) == 0 && c.sandbox == 1;
	config_free(&c);
	check(S, "sandbox is on by default", ok, "");
	make_site(dir, "sandbox: false\n", config, sizeof(config));
	ok = config_load(&c, config) == 0 && c.sandbox == 0 && sandbox_apply(&c) == 0;
	config_free(&c);
	check(S, "sandbox: false is read and applies nothing", ok, "");
	make_site(dir, "sandbox: sometimes\n", config, sizeof(config));
	fflush(stderr);
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	ok = config_load(&c, config) < 0;
	dup2(saved, 2);
	close(saved);
	close(null);
	config_free(&c);
	check(S, "sandbox: sometimes is refused", ok, "");
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	ok = 0;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		ok |= strcmp(line, "Seccomp:\t0\n") == 0;
	if (f != NULL)
		fclose(f);
	check(S, "the test process itself is not confined", ok, "");
}

int main(void)
{
	char root[] = "/tmp/quire-sandbox-XXXXXX", outside[] = "/tmp/quire-outside-XXXXXX";
	char cmd[600];
	int fd;

	if (mkdtemp(root) == NULL || (fd = mkstemp(outside)) < 0) {
		perror("mkdtemp");
		return 1;
	}
	if (write(fd, "secret\n", 7) != 7)
		perror(outside);
	close(fd);
	sandboxed(root, outside);
	config_key(root);
	unlink(outside);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		perror(cmd);
	return check_exit();
}

/* sandbox.c — after start-up a worker keeps only what serving needs: Landlock
 * limits its files to the site's folders, seccomp its system calls to an allowlist. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

/* Rights newer than Debian's linux-libc-dev; the kernel tells which it knows. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

#define SANDBOX_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define SANDBOX_WRITE                                                                              \
	(SANDBOX_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |              \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REMOVE_FILE)
/* The rights a rule on a file (not a folder) may carry. */
#define SANDBOX_FILE_RIGHTS                                                                        \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |                              \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |                              \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* The sanitizers' runtime stops the threads with ptrace from a forked helper to
 * look for leaks at exit, and reads /proc/self/maps; only those builds allow it. */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER 1
#else
#define SANDBOX_SANITIZER 0
#endif

/* What serving makes, found with strace -f -c on workers under load and while
 * reloading (see README). Calls the architecture lacks are left out by libseccomp. */
static const int sandbox_calls[] = {
    /* files: posts, layouts, the state folder, inotify */
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
    SCMP_SYS(pwrite64), SCMP_SYS(close), SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
    SCMP_SYS(statx), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(access), SCMP_SYS(faccessat),
    SCMP_SYS(faccessat2), SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(getdents64),
    SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3), SCMP_SYS(rename),
    SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(mkdir),
    SCMP_SYS(mkdirat), SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(inotify_init1),
    SCMP_SYS(inotify_add_watch), SCMP_SYS(inotify_rm_watch),
    /* SQLite, for the search index in the state folder: it shrinks its WAL, run as root
     * gives the files it makes to the database's owner, and makes a relative path whole
     * with the working folder (quire -c conf/quire.yaml) */
    SCMP_SYS(ftruncate), SCMP_SYS(geteuid), SCMP_SYS(fchown), SCMP_SYS(getcwd),
    /* memory */
    SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(mremap), SCMP_SYS(madvise),
    SCMP_SYS(brk),
    /* threads, signals, time */
    SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(exit),
    SCMP_SYS(exit_group), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity), SCMP_SYS(gettid),
    SCMP_SYS(getpid), SCMP_SYS(getppid), SCMP_SYS(tgkill), SCMP_SYS(rt_sigaction),
    SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigtimedwait),
    SCMP_SYS(sigaltstack), SCMP_SYS(restart_syscall), SCMP_SYS(clock_gettime),
    SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
    SCMP_SYS(getrandom), SCMP_SYS(getrlimit), SCMP_SYS(prlimit64),
    /* the socket and its connections */
    SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(recvfrom), SCMP_SYS(sendto), SCMP_SYS(recvmsg),
    SCMP_SYS(sendmsg), SCMP_SYS(shutdown), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
    SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select),
    SCMP_SYS(pselect6), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
    SCMP_SYS(epoll_pwait), SCMP_SYS(eventfd2)};

/* Sanitizer builds only: the leak check's helper and its ptrace. */
static const int sandbox_sanitizer_calls[] = {SCMP_SYS(ptrace), SCMP_SYS(wait4), SCMP_SYS(prctl),
                                              SCMP_SYS(kill), SCMP_SYS(getdents)};

static int sandbox_allow_calls(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0) < 0 && calls[i] >= 0)
			return -1;
	return 0;
}

#define SANDBOX_ALLOW(ctx, calls) sandbox_allow_calls(ctx, calls, sizeof(calls) / sizeof(calls[0]))

/* Threads only: clone() must carry CLONE_THREAD, and clone3() answers ENOSYS so
 * that glibc falls back to clone(). kill() only asks the supervisor for a new
 * worker (SIGHUP). Sanitizer builds fork their leak-check helper. */
static int sandbox_threads(scmp_filter_ctx ctx)
{
	if (SANDBOX_SANITIZER)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 0) < 0 ||
		               seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone3), 0) < 0
		           ? -1
		           : 0;
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
	                     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	                     SCMP_A1(SCMP_CMP_EQ, SIGHUP, 0)) < 0)
		return -1;
	return 0;
}

/* Every call not listed fails with EPERM, execve among them: quire handles a
 * failed call as it handles any other error, so a call missing from the list
 * shows as an error in the log, never as a worker killed again and again. */
static int sandbox_seccomp(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int rc = -1;

	if (ctx == NULL)
		return -1;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) < 0 ||
	    SANDBOX_ALLOW(ctx, sandbox_calls) < 0 || sandbox_threads(ctx) < 0 ||
	    (SANDBOX_SANITIZER && SANDBOX_ALLOW(ctx, sandbox_sanitizer_calls) < 0))
		goto out;
	rc = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	if (rc != 0)
		errno = rc < 0 ? -rc : EINVAL;
	return rc == 0 ? 0 : -1;
}

/* The file rights this kernel's Landlock knows (each ABI version adds some). */
static uint64_t sandbox_fs_rights(int abi)
{
	uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return all;
}

/* Grant rights beneath path (or to it, when it is a file). A path that is not
 * there grants nothing. */
static int sandbox_allow_path(int ruleset, const char *path, uint64_t rights, uint64_t known)
{
	struct landlock_path_beneath_attr rule = {0};
	struct stat st;
	int rc;

	if (path == NULL)
		return 0;
	rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (rule.parent_fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(rule.parent_fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rights &= SANDBOX_FILE_RIGHTS;
	rule.allowed_access = rights & known;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	close(rule.parent_fd);
	return rc < 0 ? -1 : 0;
}

/* Reads beneath the site's folders, writes beneath the state folder only,
 * executes nothing. Returns 1 when the kernel has no Landlock. */
static int sandbox_landlock(const struct config *c)
{
	struct landlock_ruleset_attr attr = {0};
	int abi, ruleset, rc = -1;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0)
		return errno == ENOSYS || errno == EOPNOTSUPP ? 1 : -1;
	attr.handled_access_fs = sandbox_fs_rights(abi);
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return -1;
	/* The folder is made here when missing, since making it later needs more. */
	if (c->state_dir != NULL)
		mkdir(c->state_dir, 0700);
	if (sandbox_allow_path(ruleset, c->posts_dir, SANDBOX_READ, attr.handled_access_fs) < 0 ||
	    sandbox_allow_path(ruleset, c->static_dir, SANDBOX_READ, attr.handled_access_fs) < 0 ||
	    sandbox_allow_path(ruleset, c->layouts_dir, SANDBOX_READ, attr.handled_access_fs) < 0 ||
	    sandbox_allow_path(ruleset, c->file, SANDBOX_READ, attr.handled_access_fs) < 0 ||
	    sandbox_allow_path(ruleset, c->state_dir, SANDBOX_WRITE, attr.handled_access_fs) < 0 ||
	    (SANDBOX_SANITIZER &&
	     sandbox_allow_path(ruleset, "/proc/self", SANDBOX_READ, attr.handled_access_fs) < 0))
		goto out;
	rc = (int)syscall(SYS_landlock_restrict_self, ruleset, 0);
out:
	close(ruleset);
	return rc < 0 ? -1 : 0;
}

int sandbox_apply(const struct config *c)
{
	int rc;

	if (!c->sandbox)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		log_msg(LOG_ERROR, "sandbox: cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	rc = sandbox_landlock(c);
	if (rc > 0)
		log_msg(LOG_WARN, "landlock not available: %s; files are not confined",
		        strerror(errno));
	else if (rc < 0) {
		log_msg(LOG_ERROR, "sandbox: landlock: %s (\"sandbox: false\" in %s turns it off)",
		        strerror(errno), c->file);
		return -1;
	}
	if (sandbox_seccomp() < 0) {
		log_msg(LOG_ERROR, "sandbox: seccomp: %s (\"sandbox: false\" in %s turns it off)",
		        strerror(errno), c->file);
		return -1;
	}
	return 0;
}

/* supervisor.c — holds the listening socket and keeps a worker process serving on it.
 * Debian's libfcgi aborts on some malformed records, so a worker can die; the
 * socket stays open here, and requests queued on it wait for the next worker. */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define SUPERVISOR_BACKOFF_MIN_MS 50
#define SUPERVISOR_BACKOFF_MAX_MS 5000
#define SUPERVISOR_READY_MS       15000 /* how long a new worker may take to load the site */
#define SUPERVISOR_STOP_MS        3000  /* SIGTERM, then SIGKILL after this */

static sigset_t supervisor_signals;

static long supervisor_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Start a worker; *ready_fd is the read end of its readiness pipe. */
static pid_t supervisor_spawn(int listen_fd, const struct supervisor_worker *w, int *ready_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		log_msg(LOG_ERROR, "cannot make a pipe for a worker: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		log_msg(LOG_ERROR, "cannot start a worker: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		sigprocmask(SIG_UNBLOCK, &supervisor_signals, NULL);
		_exit(w->run(listen_fd, p[1], w->arg));
	}
	close(p[1]);
	*ready_fd = p[0];
	return pid;
}

/* Wait for a signal, at most timeout_ms (-1: forever). Returns it, or 0 on timeout. */
static int supervisor_wait(long timeout_ms)
{
	struct timespec ts;
	int sig;

	if (timeout_ms < 0)
		return sigwaitinfo(&supervisor_signals, NULL);
	ts.tv_sec = timeout_ms / 1000;
	ts.tv_nsec = (timeout_ms % 1000) * 1000000L;
	sig = sigtimedwait(&supervisor_signals, NULL, &ts);
	return sig < 0 ? 0 : sig;
}

/* Has the worker written its byte? Waits up to timeout_ms. 1 yes, 0 not yet, -1 never. */
static int supervisor_ready(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char c;

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	return read(fd, &c, 1) == 1 ? 1 : -1;
}

/* Stop a worker: SIGTERM, then SIGKILL after SUPERVISOR_STOP_MS. A signal that
 * comes meanwhile (systemctl stop right after reload) is raised again, still
 * blocked, for the main loop's next wait. */
static void supervisor_stop(pid_t pid)
{
	long deadline = supervisor_now_ms() + SUPERVISOR_STOP_MS;
	int pending = 0;

	kill(pid, SIGTERM);
	while (supervisor_now_ms() < deadline) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			goto out;
		int sig = supervisor_wait(50);
		if (sig == SIGTERM || sig == SIGINT || (sig == SIGHUP && pending == 0))
			pending = sig;
	}
	log_msg(LOG_WARN, "worker %d did not stop in time: killed", (int)pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
out:
	if (pending)
		kill(getpid(), pending);
}

static void supervisor_log_death(pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		log_msg(LOG_ERROR, "worker %d died of signal %d; starting another", (int)pid,
		        WTERMSIG(status));
	else
		log_msg(LOG_ERROR, "worker %d exited with status %d; starting another", (int)pid,
		        WEXITSTATUS(status));
}

static void supervisor_log_failure(pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		log_msg(LOG_ERROR, "worker %d died of signal %d before it served: stopping",
		        (int)pid, WTERMSIG(status));
	else
		log_msg(LOG_ERROR, "worker %d exited with status %d before it served: stopping",
		        (int)pid, WEXITSTATUS(status));
}

int supervisor_run(int listen_fd, const struct supervisor_worker *w)
{
	pid_t worker = -1;
	int ready_fd = -1, is_ready = 0, ever_ready = 0;
	long backoff = SUPERVISOR_BACKOFF_MIN_MS, started = 0, restart_at = 0;

	sigemptyset(&supervisor_signals);
	sigaddset(&supervisor_signals, SIGTERM);
	sigaddset(&supervisor_signals, SIGINT);
	sigaddset(&supervisor_signals, SIGHUP);
	sigaddset(&supervisor_signals, SIGCHLD);
	sigprocmask(SIG_BLOCK, &supervisor_signals, NULL);

	for (;;) {
		int status, sig;
		pid_t pid;

		if (worker < 0 && supervisor_now_ms() >= restart_at) {
			worker = supervisor_spawn(listen_fd, w, &ready_fd);
			started = supervisor_now_ms();
			is_ready = 0;
			if (worker < 0) {
				restart_at = started + backoff;
				backoff = backoff * 2 > SUPERVISOR_BACKOFF_MAX_MS
				              ? SUPERVISOR_BACKOFF_MAX_MS
				              : backoff * 2;
			}
		}
		if (worker > 0 && !is_ready && ready_fd >= 0) {
			int r = supervisor_ready(ready_fd, 0);
			if (r != 0) {
				close(ready_fd);
				ready_fd = -1;
				is_ready = r > 0;
				ever_ready |= is_ready;
			}
		}
		/* The clock may have passed restart_at since it was looked at: never a
		 * negative wait, which would be for ever with no worker alive. */
		long wait_ms = restart_at - supervisor_now_ms();
		sig = supervisor_wait(worker > 0    ? (is_ready ? 1000 : 20)
		                      : wait_ms > 0 ? wait_ms
		                                    : 0);
		if (sig == SIGTERM || sig == SIGINT) {
			if (worker > 0)
				supervisor_stop(worker);
			return 0;
		}
		if (sig == SIGHUP && worker > 0) {
			int fd;
			pid_t next = supervisor_spawn(listen_fd, w, &fd);
			int r = 0, again = 0;
			long until = supervisor_now_ms() + SUPERVISOR_READY_MS;
			log_msg(LOG_INFO,
			        "SIGHUP: starting a worker with the configuration as it is now");
			while (next > 0 && r == 0 && supervisor_now_ms() < until) {
				r = supervisor_ready(fd, 0);
				int s2 = r == 0 ? supervisor_wait(20) : 0;
				if (s2 == SIGTERM || s2 == SIGINT) {
					supervisor_stop(next);
					supervisor_stop(worker);
					return 0;
				}
				/* The new worker may have read the configuration before this
				 * edit: another replacement follows (one, however many came). */
				if (s2 == SIGHUP)
					again = 1;
			}
			if (next > 0)
				close(fd);
			if (r > 0) {
				supervisor_stop(worker);
				if (ready_fd >= 0)
					close(ready_fd);
				ready_fd = -1;
				worker = next;
				is_ready = 1;
				started = supervisor_now_ms();
			} else if (next > 0) {
				log_msg(LOG_ERROR,
				        "the new worker did not start; the old one keeps serving");
				kill(next, SIGKILL);
				waitpid(next, NULL, 0);
			}
			/* Still blocked: the next wait takes it. */
			if (again)
				kill(getpid(), SIGHUP);
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != worker)
				continue;
			if (ready_fd >= 0 && supervisor_ready(ready_fd, 0) > 0)
				ever_ready = 1;
			if (!ever_ready) {
				/* The first worker could not load the site or serve: that is a
				 * start-up error, its cause logged by the worker. */
				supervisor_log_failure(pid, status);
				if (ready_fd >= 0)
					close(ready_fd);
				return 1;
			}
			supervisor_log_death(pid, status);
			if (ready_fd >= 0)
				close(ready_fd);
			ready_fd = -1;
			worker = -1;
			/* A worker that dies young is restarted ever more slowly. */
			if (supervisor_now_ms() - started < 1000)
				backoff = backoff * 2 > SUPERVISOR_BACKOFF_MAX_MS
				              ? SUPERVISOR_BACKOFF_MAX_MS
				              : backoff * 2;
			else
				backoff = SUPERVISOR_BACKOFF_MIN_MS;
			restart_at = supervisor_now_ms() + backoff;
		}
	}
}

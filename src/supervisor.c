/* supervisor.c — holds the listening socket and keeps a worker process serving on it.
 * A worker can still die (an allocation that fails, a bug input finds); the
 * socket stays open here, and requests queued on it wait for the next worker.
 * That next worker is a spare that has loaded the site already and waits,
 * blocked on a pipe and accepting nothing, until it is told to serve: a crash
 * caused by input costs the requests in flight, not the time a site takes to load.
 * What a spare costs, measured as VmRSS of the waiting process (tests/e2e/
 * supervisor_test.py prints it): about 2.4 MB with the repository's posts/, about
 * 3.2 MB with the 274 posts (2.5 MB) of tests/data/rust-blog/posts; post bodies
 * are read when asked for, so the snapshot it holds is small. */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

#define SUPERVISOR_BACKOFF_MIN_MS 50
#define SUPERVISOR_BACKOFF_MAX_MS 5000
#define SUPERVISOR_READY_MS       15000 /* how long a new worker may take to load the site */
#define SUPERVISOR_STOP_MS        3000  /* SIGTERM, then SIGKILL after this */

/* One worker process: the serving one, the spare, or the one a SIGHUP starts. */
struct supervisor_proc {
	pid_t pid;    /* -1: none */
	int ready_fd; /* read end of its readiness pipe; -1 once read */
	int start_fd; /* a spare's start pipe (write end); -1 otherwise */
	int ready;    /* it wrote its byte: it serves, or (a spare) it has loaded */
	long started;
};

/* The three processes there can be, and when to start the missing ones. */
struct supervisor {
	int listen_fd;
	const struct supervisor_worker *w;
	struct supervisor_proc serving, spare, next;
	long worker_at, worker_backoff; /* a serving worker to start, when none */
	long spare_at, spare_backoff;
	int hup; /* a SIGHUP to act on once no replacement is under way */
};

static sigset_t supervisor_signals;

static const struct supervisor_proc supervisor_none = {-1, -1, -1, 0, 0};

static long supervisor_due(long now, long at)
{
	return at - now > 0 ? at - now : 0;
}

long supervisor_wait_ms(long now, int loading, long worker_at, long spare_at)
{
	long ms = SUPERVISOR_IDLE_MS;

	if (loading)
		ms = SUPERVISOR_POLL_MS;
	if (worker_at >= 0 && supervisor_due(now, worker_at) < ms)
		ms = supervisor_due(now, worker_at);
	if (spare_at >= 0 && supervisor_due(now, spare_at) < ms)
		ms = supervisor_due(now, spare_at);
	return ms;
}

static long supervisor_backoff_next(long backoff)
{
	return backoff * 2 > SUPERVISOR_BACKOFF_MAX_MS ? SUPERVISOR_BACKOFF_MAX_MS : backoff * 2;
}

static void supervisor_close(struct supervisor_proc *p)
{
	if (p->ready_fd >= 0)
		close(p->ready_fd);
	if (p->start_fd >= 0)
		close(p->start_fd);
	*p = supervisor_none;
}

/* Start p, a spare when spare is set. The child keeps none of the other
 * processes' pipes: a spare sees end of file on its start pipe once the
 * supervisor is gone, whoever else is running. */
static int supervisor_spawn(struct supervisor *sv, struct supervisor_proc *p, int spare)
{
	int r[2], s[2] = {-1, -1};
	pid_t pid;

	if (pipe2(r, O_CLOEXEC) < 0) {
		log_msg(LOG_ERROR, "cannot make a pipe for a worker: %s", strerror(errno));
		return -1;
	}
	if (spare && pipe2(s, O_CLOEXEC) < 0) {
		log_msg(LOG_ERROR, "cannot make a pipe for a spare worker: %s", strerror(errno));
		close(r[0]);
		close(r[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		log_msg(LOG_ERROR, "cannot start a worker: %s", strerror(errno));
		close(r[0]);
		close(r[1]);
		if (spare) {
			close(s[0]);
			close(s[1]);
		}
		return -1;
	}
	if (pid == 0) {
		struct supervisor_proc *all[] = {&sv->serving, &sv->spare, &sv->next};
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			if (all[i]->ready_fd >= 0)
				close(all[i]->ready_fd);
			if (all[i]->start_fd >= 0)
				close(all[i]->start_fd);
		}
		close(r[0]);
		if (spare)
			close(s[1]);
		/* A worker that is loading, or a spare waiting, ends on SIGTERM
		 * (server_run() takes SIGTERM itself once it serves). */
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &supervisor_signals, NULL);
		_exit(sv->w->run(sv->listen_fd, r[1], s[0], sv->w->arg));
	}
	close(r[1]);
	if (spare)
		close(s[0]);
	*p = supervisor_none;
	p->pid = pid;
	p->ready_fd = r[0];
	p->start_fd = s[1];
	p->started = clock_ms();
	return 0;
}

/* Wait for a signal, at most timeout_ms. Returns it, or 0 on timeout. */
static int supervisor_wait(long timeout_ms)
{
	struct timespec ts;
	int sig;

	ts.tv_sec = timeout_ms / 1000;
	ts.tv_nsec = (timeout_ms % 1000) * 1000000L;
	sig = sigtimedwait(&supervisor_signals, NULL, &ts);
	return sig < 0 ? 0 : sig;
}

/* Has p written its byte? Sets p->ready; closes the pipe once it is answered
 * (a byte, or end of file: the worker died before it was ready). */
static void supervisor_poll(struct supervisor_proc *p)
{
	struct pollfd pfd = {.fd = p->ready_fd, .events = POLLIN};
	char c;

	if (p->pid < 0 || p->ready_fd < 0 || poll(&pfd, 1, 0) <= 0)
		return;
	p->ready = read(p->ready_fd, &c, 1) == 1;
	close(p->ready_fd);
	p->ready_fd = -1;
}

/* Stop a worker: SIGTERM, then SIGKILL after SUPERVISOR_STOP_MS. A signal that
 * comes meanwhile (systemctl stop right after reload) is raised again, still
 * blocked, for the main loop's next wait. */
static void supervisor_stop(struct supervisor_proc *p)
{
	long deadline = clock_ms() + SUPERVISOR_STOP_MS;
	int pending = 0;

	if (p->pid < 0)
		return;
	kill(p->pid, SIGTERM);
	while (clock_ms() < deadline) {
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid)
			goto out;
		int sig = supervisor_wait(50);
		if (sig == SIGTERM || sig == SIGINT || (sig == SIGHUP && pending == 0))
			pending = sig;
	}
	log_msg(LOG_WARN, "worker %d did not stop in time: killed", (int)p->pid);
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
out:
	supervisor_close(p);
	if (pending)
		kill(getpid(), pending);
}

/* Kill p, a worker that did not load in time. */
static void supervisor_kill(struct supervisor_proc *p)
{
	if (p->pid < 0)
		return;
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	supervisor_close(p);
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

/* A process died: say so, and when to start the next. One that was ready (it
 * served, or a spare that had loaded) is replaced at once; one that died before
 * it was ready is tried again after a back-off that doubles each time. */
static void supervisor_died(struct supervisor *sv, struct supervisor_proc *p, int status, long now)
{
	const char *what = p == &sv->spare ? "spare worker" : "worker";
	long *at = p == &sv->spare ? &sv->spare_at : &sv->worker_at;
	long *backoff = p == &sv->spare ? &sv->spare_backoff : &sv->worker_backoff;
	char how[64];

	if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "died of signal %d", WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
	if (p->ready) {
		log_msg(LOG_ERROR, "%s %d %s; %s", what, (int)p->pid, how,
		        p == &sv->serving && sv->spare.ready ? "the spare takes over"
		                                             : "starting another");
		*backoff = SUPERVISOR_BACKOFF_MIN_MS;
		*at = now;
	} else {
		log_msg(LOG_ERROR, "%s %d %s before it was ready; starting another in %ld ms", what,
		        (int)p->pid, how, *backoff);
		*at = now + *backoff;
		*backoff = supervisor_backoff_next(*backoff);
	}
	supervisor_close(p);
}

/* Reap what died. Returns 1 when the first serving worker died before it was
 * ready (a start-up error), else 0. */
static int supervisor_reap(struct supervisor *sv, int ever_ready)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		long now = clock_ms();
		if (pid == sv->next.pid) {
			log_msg(LOG_ERROR,
			        "the new worker did not start; the old one keeps serving");
			supervisor_close(&sv->next);
			continue;
		}
		struct supervisor_proc *p = pid == sv->serving.pid ? &sv->serving
		                            : pid == sv->spare.pid ? &sv->spare
		                                                   : NULL;
		if (p == NULL)
			continue;
		/* A byte written just before the death counts. */
		supervisor_poll(p);
		if (p == &sv->serving && !p->ready && !ever_ready) {
			/* The first worker could not load the site or serve: a start-up
			 * error, its cause logged by the worker. */
			supervisor_log_failure(pid, status);
			return 1;
		}
		supervisor_died(sv, p, status, now);
	}
	return 0;
}

/* Tell the ready spare to serve: it becomes the serving worker. */
static int supervisor_promote(struct supervisor *sv)
{
	struct supervisor_proc *s = &sv->spare;

	if (s->pid < 0 || !s->ready || write(s->start_fd, "s", 1) != 1)
		return -1;
	close(s->start_fd);
	s->start_fd = -1;
	sv->serving = *s;
	*s = supervisor_none;
	sv->spare_at = clock_ms();
	log_msg(LOG_INFO, "the spare worker %d serves", (int)sv->serving.pid);
	return 0;
}

/* SIGHUP: a new worker, which reads the configuration as it is now. */
static void supervisor_replace(struct supervisor *sv)
{
	sv->hup = 0;
	log_msg(LOG_INFO, "SIGHUP: starting a worker with the configuration as it is now");
	supervisor_spawn(sv, &sv->next, 0);
}

/* The new worker serves: the old one stops, and the spare, loaded with the old
 * configuration, is replaced. */
static void supervisor_replaced(struct supervisor *sv)
{
	struct supervisor_proc old = sv->serving;

	sv->serving = sv->next;
	sv->next = supervisor_none;
	supervisor_stop(&sv->spare);
	supervisor_stop(&old);
	sv->worker_backoff = sv->spare_backoff = SUPERVISOR_BACKOFF_MIN_MS;
	sv->spare_at = clock_ms();
}

/* The spare and a worker loading stop at once (SIGTERM ends them where they wait),
 * the serving one once its requests in flight are answered. */
static void supervisor_stop_all(struct supervisor *sv)
{
	supervisor_stop(&sv->spare);
	supervisor_stop(&sv->next);
	supervisor_stop(&sv->serving);
}

int supervisor_run(int listen_fd, const struct supervisor_worker *w)
{
	struct supervisor sv = {listen_fd,
	                        w,
	                        supervisor_none,
	                        supervisor_none,
	                        supervisor_none,
	                        0,
	                        SUPERVISOR_BACKOFF_MIN_MS,
	                        0,
	                        SUPERVISOR_BACKOFF_MIN_MS,
	                        0};
	int ever_ready = 0;

	sigemptyset(&supervisor_signals);
	sigaddset(&supervisor_signals, SIGTERM);
	sigaddset(&supervisor_signals, SIGINT);
	sigaddset(&supervisor_signals, SIGHUP);
	sigaddset(&supervisor_signals, SIGCHLD);
	sigprocmask(SIG_BLOCK, &supervisor_signals, NULL);
	/* A spare that died has its start pipe closed: a write to it fails, not kills. */
	signal(SIGPIPE, SIG_IGN);

	for (;;) {
		long now;
		int sig;

		if (supervisor_reap(&sv, ever_ready)) {
			supervisor_stop_all(&sv);
			return 1;
		}
		now = clock_ms();
		if (sv.serving.pid < 0 && supervisor_promote(&sv) < 0 && now >= sv.worker_at &&
		    supervisor_spawn(&sv, &sv.serving, 0) < 0) {
			sv.worker_at = now + sv.worker_backoff;
			sv.worker_backoff = supervisor_backoff_next(sv.worker_backoff);
		}
		supervisor_poll(&sv.serving);
		supervisor_poll(&sv.spare);
		supervisor_poll(&sv.next);
		ever_ready |= sv.serving.ready;
		if (sv.next.pid > 0 && sv.next.ready) {
			supervisor_replaced(&sv);
			continue;
		}
		if (sv.next.pid > 0 && now - sv.next.started > SUPERVISOR_READY_MS) {
			log_msg(LOG_ERROR,
			        "the new worker did not start in time; the old one keeps "
			        "serving");
			supervisor_kill(&sv.next);
		}
		/* A SIGHUP is for a site that serves: one that is loading reads it anyway. */
		if (sv.hup && sv.next.pid < 0 && sv.serving.ready)
			supervisor_replace(&sv);
		/* The spare loads once the serving worker serves, and not beside a new one. */
		if (w->spare && sv.spare.pid < 0 && sv.serving.ready && sv.next.pid < 0 &&
		    now >= sv.spare_at && supervisor_spawn(&sv, &sv.spare, 1) < 0) {
			sv.spare_at = now + sv.spare_backoff;
			sv.spare_backoff = supervisor_backoff_next(sv.spare_backoff);
		}
		int loading = (sv.serving.pid > 0 && !sv.serving.ready) ||
		              (sv.spare.pid > 0 && !sv.spare.ready) || sv.next.pid > 0;
		int want_spare =
		    w->spare && sv.spare.pid < 0 && sv.serving.ready && sv.next.pid < 0;
		sig = supervisor_wait(supervisor_wait_ms(clock_ms(), loading,
		                                         sv.serving.pid < 0 ? sv.worker_at : -1,
		                                         want_spare ? sv.spare_at : -1));
		if (sig == SIGTERM || sig == SIGINT) {
			supervisor_stop_all(&sv);
			return 0;
		}
		if (sig == SIGHUP)
			sv.hup = 1;
	}
}

/* supervisor.h — holds the listening socket and keeps a worker process serving on it. */
#ifndef QUIRE_SUPERVISOR_H
#define QUIRE_SUPERVISOR_H

/* Runs in a forked worker process and returns its exit status. A serving worker
 * (start_fd < 0) serves on listen_fd and writes one byte to ready_fd once it
 * serves. A spare (start_fd >= 0) loads the site, writes its byte to ready_fd,
 * then waits for a byte on start_fd before it serves (end of file: it exits). */
struct supervisor_worker {
	int (*run)(int listen_fd, int ready_fd, int start_fd, void *arg);
	void *arg;
	int spare; /* keep a spare worker loaded beside the serving one */
};

/* Fork a worker and keep one serving until SIGTERM or SIGINT. A worker that dies
 * after it served is replaced at once, by the spare when there is one ready (a
 * new spare is then started); one that dies before it is ready is started again
 * ever more slowly. SIGHUP starts a new worker (which reads the configuration
 * afresh) and, once it serves, stops the old one gracefully and replaces the
 * spare; a SIGHUP while that goes on makes one more replacement after it.
 * Returns the process exit status: 1 when the first worker exits before it
 * serves (the site cannot load), else 0. */
int supervisor_run(int listen_fd, const struct supervisor_worker *w);

/* How long the supervisor's loop may wait for a signal, in milliseconds, at now:
 * SUPERVISOR_POLL_MS while a worker is loading (its readiness is polled), else
 * until the earliest of worker_at and spare_at (when a worker or a spare is to be
 * started; -1: none), else SUPERVISOR_IDLE_MS. Never negative: a time already
 * past is 0, not a wait for ever. */
#define SUPERVISOR_POLL_MS 20
#define SUPERVISOR_IDLE_MS 1000
long supervisor_wait_ms(long now, int loading, long worker_at, long spare_at);

#endif

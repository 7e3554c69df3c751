/* supervisor.h — holds the listening socket and keeps a worker process serving on it. */
#ifndef QUIRE_SUPERVISOR_H
#define QUIRE_SUPERVISOR_H

/* Runs in a forked worker process: serve on listen_fd, write one byte to
 * ready_fd once serving, return the exit status. */
struct supervisor_worker {
	int (*run)(int listen_fd, int ready_fd, void *arg);
	void *arg;
};

/* Fork a worker and keep one running until SIGTERM or SIGINT: a worker that
 * dies is replaced (with back-off when it keeps dying); SIGHUP starts a new
 * worker (which reads the configuration afresh) and, once it serves, stops the
 * old one gracefully. Returns the process exit status: 1 when the first worker
 * exits before it serves (the site cannot load), else 0. */
int supervisor_run(int listen_fd, const struct supervisor_worker *w);

#endif

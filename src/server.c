/* server.c — FastCGI and CGI glue: the one place that talks to libfcgi. */
#include "server.h"

#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dispatch.h"
#include "log.h"
#include "mem.h"
#include "request.h"
#include "response.h"
#include "site.h"

/* How long SIGTERM waits for requests in flight before the process exits. */
#define SERVER_DRAIN_MS 1800

struct worker;

/* Process lifetime: threads idle at exit still hold pointers into it. */
struct server {
	int listen_fd;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int busy; /* requests being answered */
	int stopping;
	struct worker *workers;
	pthread_t *threads;
};

struct worker {
	struct server *server;
	struct request rq;
	struct response rs;
	struct buf out;
};

enum server_mode server_mode(void)
{
	if (!FCGX_IsCGI())
		return SERVER_INHERITED;
	if (getenv("GATEWAY_INTERFACE") != NULL || getenv("REQUEST_METHOD") != NULL)
		return SERVER_CGI;
	return SERVER_SOCKET;
}

static const char *server_getenv(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

static const char *server_fcgi_param(const char *name, void *ctx)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

int server_cgi(const struct site *s)
{
	struct request_env env = {server_getenv, NULL};
	struct request rq = {0};
	struct response rs = {0};
	struct buf out = {0};
	int rc = 0;

	dispatch(s, &env, &rq, &rs);
	response_serialize(&rs, &out);
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
		rc = -1;
	request_free(&rq);
	response_free(&rs);
	buf_free(&out);
	return rc;
}

int server_listen(const char *path)
{
	mode_t old = umask(0117);
	int fd;

	/* A socket file left by a process that died is replaced. */
	unlink(path);
	fd = FCGX_OpenSocket(path, 128);
	umask(old);
	if (fd < 0) {
		log_msg(LOG_ERROR, "%s: cannot listen: %s", path, strerror(errno));
		return -1;
	}
	if (chmod(path, 0660) < 0)
		log_msg(LOG_WARN, "%s: cannot set mode 0660: %s", path, strerror(errno));
	return fd;
}

static void *server_worker(void *arg)
{
	struct worker *w = arg;
	struct server *sv = w->server;
	FCGX_Request req;

	FCGX_InitRequest(&req, sv->listen_fd, 0);
	for (;;) {
		if (FCGX_Accept_r(&req) < 0)
			break;
		pthread_mutex_lock(&sv->lock);
		sv->busy++;
		pthread_mutex_unlock(&sv->lock);

		struct request_env env = {server_fcgi_param, &req};
		struct site *site = site_acquire();
		dispatch(site, &env, &w->rq, &w->rs);
		site_release(site);
		response_serialize(&w->rs, &w->out);
		/* A client that went away makes this fail; only this response is lost. */
		FCGX_PutStr(w->out.data, (int)w->out.len, req.out);
		FCGX_Finish_r(&req);

		pthread_mutex_lock(&sv->lock);
		sv->busy--;
		int stop = sv->stopping;
		if (sv->busy == 0)
			pthread_cond_signal(&sv->idle);
		pthread_mutex_unlock(&sv->lock);
		if (stop)
			break;
	}
	FCGX_Free(&req, 1);
	return NULL;
}

int server_run(int listen_fd, int workers, int ready_fd)
{
	static struct server sv;
	struct worker *w = xcalloc((size_t)workers, sizeof(*w));
	pthread_t *threads = xcalloc((size_t)workers, sizeof(*threads));
	sigset_t set;
	struct timespec deadline;
	int sig = 0, started = 0;

	sv.listen_fd = listen_fd;
	sv.workers = w;
	sv.threads = threads;
	pthread_mutex_init(&sv.lock, NULL);
	pthread_cond_init(&sv.idle, NULL);
	/* Workers never see SIGTERM or SIGINT: this thread waits for them. libfcgi's
	 * own handler would not wake threads blocked in accept. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < workers; i++) {
		w[i].server = &sv;
		if (pthread_create(&threads[i], NULL, server_worker, &w[i]) != 0) {
			log_msg(LOG_ERROR, "cannot start worker thread %d: %s", i, strerror(errno));
			break;
		}
		started++;
	}
	if (started > 0) {
		log_msg(LOG_INFO, "serving with %d worker threads", started);
		if (ready_fd >= 0 && (write(ready_fd, "r", 1) != 1 || close(ready_fd) != 0))
			log_msg(LOG_WARN, "cannot tell the supervisor that this worker serves");
		while (sigwait(&set, &sig) != 0)
			;
		log_msg(LOG_INFO, "signal %d: finishing requests in flight", sig);
	}
	pthread_mutex_lock(&sv.lock);
	sv.stopping = 1;
	pthread_mutex_unlock(&sv.lock);
	/* Stop accepting: new connections are refused, threads in accept wake up. */
	shutdown(listen_fd, SHUT_RDWR);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += SERVER_DRAIN_MS / 1000;
	deadline.tv_nsec += (SERVER_DRAIN_MS % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&sv.lock);
	while (sv.busy > 0)
		if (pthread_cond_timedwait(&sv.idle, &sv.lock, &deadline) == ETIMEDOUT)
			break;
	int left = sv.busy;
	pthread_mutex_unlock(&sv.lock);
	if (left > 0)
		log_msg(LOG_WARN, "%d requests still running at exit", left);
	/* Threads idle on a kept connection stay blocked in read: the process exit ends them. */
	return 0;
}

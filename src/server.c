/* server.c — FastCGI and CGI glue: connections accepted, requests read (fcgi.c),
 * dispatched and answered. */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "dispatch.h"
#include "fcgi.h"
#include "log.h"
#include "mem.h"
#include "request.h"
#include "response.h"
#include "site.h"

/* How long SIGTERM waits for requests in flight before the process exits. */
#define SERVER_DRAIN_MS 1800
/* The listen backlog asked for: the kernel gives at most net.core.somaxconn. */
#define SERVER_BACKLOG 4096
/* Descriptors a worker thread may hold at once: its epoll set, a connection and a
 * post file being read or a file being sent (with its folder, for a moment while it is
 * opened); and those kept for the watcher's reloads. */
#define SERVER_FDS_PER_THREAD 4
#define SERVER_FDS_SPARE      4
/* Memory a worker may gain beyond the render cache's budget and what its threads
 * legitimately hold (server_memory_max) before it is replaced. */
#define SERVER_GROWTH_MAX (64L * 1024 * 1024)
/* A replacement asked for and not come (the supervisor could not start one) is
 * asked for again after this long. */
#define SERVER_REPLACE_RETRY_MS 30000
/* A thread's buffers that grew past this for one large answer are freed after it. */
#define SERVER_KEEP_BYTES (256L * 1024)
/* Requests a kept connection may carry before its thread lets it go, when other
 * connections are waiting to be accepted. */
#define SERVER_KEPT_TURN 16
struct worker;

/* Process lifetime: threads idle at exit still hold pointers into it. */
struct server {
	int listen_fd;
	pthread_mutex_t lock;
	int busy; /* requests being answered */
	int stopping;
	int stop_fd; /* an eventfd: readable once the worker stops */
	/* Seconds a request may take to arrive, from its first byte to its last, and a
	 * kept connection may wait for the next; and an answer may take to be taken
	 * (limits.read_timeout). */
	int read_timeout;
	long memory_base; /* bytes allocated at the start, plus the cache's budget */
	long post_max;    /* limits.post_size */
	int nthreads;
	long largest;  /* the largest answer (head and body) made so far */
	long asked_ms; /* when a replacement was last asked for; 0: never */
	struct worker *workers;
	pthread_t *threads;
};

struct worker {
	struct server *server;
	int served; /* requests on this kept connection since it last looked at the queue */
	int done;   /* the thread has left its loop */
	struct request rq;
	struct response rs;
	struct buf out;
	struct fcgi_conn conn;
};

enum server_mode server_mode(int *fd)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");

	/* systemd socket activation: the socket is descriptor 3, for this process only. */
	if (pid != NULL && fds != NULL && atol(pid) == (long)getpid() && atoi(fds) >= 1) {
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
		*fd = 3;
		return SERVER_INHERITED;
	}
	/* Descriptor 0 a socket with no peer: a listening socket from a FastCGI manager. */
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);
	if (getpeername(0, (struct sockaddr *)&sa, &salen) < 0 && errno == ENOTCONN) {
		*fd = 0;
		return SERVER_INHERITED;
	}
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
	return fcgi_param(ctx, name);
}

/* A CGI program that leaves its request body unread can make the web server's
 * write to it fail and cut the answer short: read what CONTENT_LENGTH announces
 * (at most CGI_DRAIN_MAX bytes, and never into memory) before answering. */
#define CGI_DRAIN_MAX (16L * 1024 * 1024)

static void server_cgi_drain(void)
{
	const char *cl = getenv("CONTENT_LENGTH");
	char chunk[8192];
	long left = 0;

	if (cl == NULL || *cl == '\0' || strspn(cl, "0123456789") != strlen(cl) || strlen(cl) > 9)
		return;
	left = atol(cl);
	if (left > CGI_DRAIN_MAX)
		left = CGI_DRAIN_MAX;
	while (left > 0) {
		ssize_t n =
		    read(0, chunk, left < (long)sizeof(chunk) ? (size_t)left : sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		left -= n;
	}
}

/* The next chunk of a file answer (fcgi_answer_stream()'s next). */
struct server_stream {
	const struct response *rs;
	off_t at;
};

static ssize_t server_chunk(void *ctx, char *chunk)
{
	struct server_stream *st = ctx;
	ssize_t n = response_file_chunk(st->rs, &st->at, chunk);

	if (n < 0)
		log_msg(LOG_WARN, "a file shrank while it was sent: the answer is cut short");
	return n;
}

/* A file answer's body to stdout, a chunk at a time. */
static int server_cgi_file(const struct response *rs)
{
	struct server_stream st = {rs, 0};
	char *chunk = xmalloc(RESPONSE_CHUNK);
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = server_chunk(&st, chunk)) != 0)
		if (n < 0 || fwrite(chunk, 1, (size_t)n, stdout) != (size_t)n)
			rc = -1;
	free(chunk);
	return rc;
}

int server_cgi(const struct site *s)
{
	struct request_env env = {server_getenv, NULL};
	struct request rq = {0};
	struct response rs = {0};
	struct buf out = {0};
	int rc = 0;

	dispatch(s, &env, &rq, &rs);
	server_cgi_drain();
	const char *body;
	size_t len;
	response_serialize(&rs, &out, &body, &len);
	if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    (len && fwrite(body, 1, len, stdout) != len) ||
	    (rs.file_fd > 0 && !rs.head && server_cgi_file(&rs) < 0) || fflush(stdout) != 0)
		rc = -1;
	request_free(&rq);
	response_free(&rs);
	buf_free(&out);
	return rc;
}

int server_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_msg(LOG_ERROR, "%s: cannot listen: the path is longer than %zu bytes", path,
		        sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* A socket file left by a process that died is replaced. */
	unlink(path);
	old = umask(0117);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	/* Requests beyond what the threads take at once queue here rather than fail: as
	 * many as the system allows (net.core.somaxconn caps the number asked for). */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, SERVER_BACKLOG) < 0) {
		int err = errno;
		umask(old);
		log_msg(LOG_ERROR, "%s: cannot listen: %s", path, strerror(err));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, 0660) < 0)
		log_msg(LOG_WARN, "%s: cannot set mode 0660: %s", path, strerror(errno));
	return fd;
}

/* Wait for a new connection, or for the stop. Threads wait in an epoll set of
 * their own with the listening socket added exclusively, so one connection wakes
 * one thread; the stop event wakes them all. Returns the connection or -1. */
static int server_accept(struct server *sv, int ep)
{
	for (;;) {
		struct epoll_event ev;
		int n = epoll_wait(ep, &ev, 1, -1);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n <= 0)
			continue;
		if (ev.data.fd == sv->stop_fd)
			return -1;
		/* Non-blocking: fcgi.c polls, with a deadline, before each read and write. */
		int fd = accept4(sv->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
			/* Out of descriptors, say: wait a little rather than spin, and say
			 * so at most once a minute. */
			static time_t said;
			time_t now = clock_now(), last = __atomic_load_n(&said, __ATOMIC_RELAXED);
			if (now - last >= 60 &&
			    __atomic_compare_exchange_n(&said, &last, now, 0, __ATOMIC_RELAXED,
			                                __ATOMIC_RELAXED))
				log_msg(LOG_ERROR, "accept: %s", strerror(errno));
			usleep(10000);
		}
	}
}

/* Bytes allocated and not freed. Under AddressSanitizer, malloc is its own, and
 * memory it keeps back after free (its quarantine) is not counted. */
#ifdef __SANITIZE_ADDRESS__
size_t __sanitizer_get_current_allocated_bytes(void);

static long server_in_use(void)
{
	return (long)__sanitizer_get_current_allocated_bytes();
}
#else
static long server_in_use(void)
{
	struct mallinfo2 m = mallinfo2();
	return (long)(m.uordblks + m.hblkhd);
}
#endif

/* The bound on what this worker may hold: what it held at the start with the
 * cache's budget (memory_base), SERVER_GROWTH_MAX of slack, and what each thread
 * legitimately holds in the middle of one request:
 *   2 * (largest + post_max)   the answer being made (rs.body, which may be a feed
 *                              larger than any post) and the post file read and
 *                              rendered (rq.file, rq.html); twice, because a buffer
 *                              grows by doubling and so holds up to twice its bytes;
 *   3 * FCGI_PARAMS_BYTES      the PARAMS stream, its pairs and the replies.
 * largest is the largest answer made so far: what the site itself produces, never
 * what a peer sends. Buffers grown past SERVER_KEEP_BYTES are freed after each
 * request (server_shrink), so only requests in flight hold that much. */
static long server_memory_max(struct server *sv)
{
	long largest = __atomic_load_n(&sv->largest, __ATOMIC_RELAXED);
	long per_thread = 2 * (largest + sv->post_max) + 3L * FCGI_PARAMS_BYTES;

	return sv->memory_base + SERVER_GROWTH_MAX + (long)sv->nthreads * per_thread;
}

/* When the worker holds more than it may, it asks the supervisor for a fresh one,
 * as SIGHUP does: no request is dropped. Checked while connections are read (once
 * a second at most) and when one ends; asked again after SERVER_REPLACE_RETRY_MS
 * if no replacement came. */
static void server_check_memory(struct server *sv)
{
	static long last;
	long now = clock_ms(), then = __atomic_load_n(&last, __ATOMIC_RELAXED);

	/* Counting walks malloc's free lists: once a second is enough. */
	if (now - then < 1000 ||
	    !__atomic_compare_exchange_n(&last, &then, now, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	long held = server_in_use(), max = server_memory_max(sv);
	long asked = __atomic_load_n(&sv->asked_ms, __ATOMIC_RELAXED);
	if (held <= max || (asked != 0 && now - asked < SERVER_REPLACE_RETRY_MS))
		return;
	__atomic_store_n(&sv->asked_ms, now, __ATOMIC_RELAXED);
	log_msg(LOG_WARN,
	        "this worker has %ld MiB allocated, more than %ld: asking for a new worker",
	        held >> 20, max >> 20);
	kill(getppid(), SIGHUP);
}

static void server_tick(void *ctx)
{
	server_check_memory(ctx);
}

/* Buffers that grew for one large answer are given back rather than kept. */
static void server_shrink(struct worker *w)
{
	struct request *rq = &w->rq;
	struct response *rs = &w->rs;

	if (rq->path.cap > SERVER_KEEP_BYTES || rq->canonical.cap > SERVER_KEEP_BYTES ||
	    rq->file.cap > SERVER_KEEP_BYTES || rq->html.cap > SERVER_KEEP_BYTES)
		request_free(rq);
	else
		/* The arena's newest block, kept by arena_reset, may be large too. */
		arena_free(&rq->arena);
	if (rs->body.cap > SERVER_KEEP_BYTES || rs->headers.cap > SERVER_KEEP_BYTES ||
	    rs->value.cap > SERVER_KEEP_BYTES)
		response_free(rs);
	buf_trim(&w->out, SERVER_KEEP_BYTES);
}

/* Answer the request fcgi_next() read. -1 when the answer could not be sent. */
static int server_answer(struct worker *w)
{
	struct server *sv = w->server;
	struct request_env env = {server_fcgi_param, &w->conn.p};
	const char *body;
	size_t len;
	int rc;

	if (w->conn.p.too_big)
		log_msg(LOG_INFO,
		        "a request with more than %d parameters or %d bytes of them: "
		        "answered 400",
		        FCGI_PARAMS_MAX, FCGI_PARAMS_BYTES);
	struct site *site = site_acquire();
	dispatch(site, &env, &w->rq, &w->rs);
	site_release(site);
	response_serialize(&w->rs, &w->out, &body, &len);
	long size = (long)(w->out.len + len);
	long seen = __atomic_load_n(&sv->largest, __ATOMIC_RELAXED);
	while (size > seen && !__atomic_compare_exchange_n(&sv->largest, &seen, size, 0,
	                                                   __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	/* A client that went away makes this fail; only this response is lost. */
	if (w->rs.file_fd > 0 && !w->rs.head) {
		struct server_stream st = {&w->rs, 0};
		rc = fcgi_answer_stream(&w->conn, w->out.data, w->out.len, server_chunk, &st,
		                        RESPONSE_CHUNK);
	} else {
		rc = fcgi_answer(&w->conn, w->out.data, w->out.len, body, len);
	}
	/* The file is closed now, not when the thread's next request comes. */
	response_file(&w->rs, 0, 0, 0);
	server_shrink(w);
	return rc;
}

static void *server_worker(void *arg)
{
	struct worker *w = arg;
	struct server *sv = w->server;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE};
	int ep = epoll_create1(EPOLL_CLOEXEC);

	fcgi_init(&w->conn.p);
	w->conn.fd = -1;
	w->conn.tick = server_tick;
	w->conn.tick_ctx = sv;
	ev.data.fd = sv->listen_fd;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sv->listen_fd, &ev) < 0) {
		log_msg(LOG_ERROR, "epoll: %s", strerror(errno));
		goto out;
	}
	ev.events = EPOLLIN;
	ev.data.fd = sv->stop_fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sv->stop_fd, &ev) < 0) {
		log_msg(LOG_ERROR, "epoll: %s", strerror(errno));
		goto out;
	}
	for (;;) {
		int fd = server_accept(sv, ep);
		if (fd < 0)
			break;
		w->served = 0;
		fcgi_open(&w->conn, fd, sv->stop_fd, sv->read_timeout);
		/* Requests on this connection until it closes, a request asks to close it,
		 * the worker stops while it waits, or its turn is over. */
		while (fcgi_next(&w->conn) == 0) {
			pthread_mutex_lock(&sv->lock);
			sv->busy++;
			pthread_mutex_unlock(&sv->lock);
			int rc = server_answer(w);
			pthread_mutex_lock(&sv->lock);
			sv->busy--;
			pthread_mutex_unlock(&sv->lock);
			if (rc < 0 || !fcgi_kept(&w->conn))
				break;
			/* A kept connection holds this thread for the web server's next
			 * request; while connections wait to be accepted, let it go instead,
			 * so that those are not starved (nginx reopens, and retries on a kept
			 * one that closed). */
			if (++w->served >= SERVER_KEPT_TURN) {
				struct pollfd waiting = {.fd = sv->listen_fd, .events = POLLIN};
				if (poll(&waiting, 1, 0) > 0)
					break;
				w->served = 0;
			}
		}
		fcgi_close(&w->conn);
		server_check_memory(sv);
	}
out:
	fcgi_free(&w->conn.p);
	if (ep >= 0)
		close(ep);
	pthread_mutex_lock(&sv->lock);
	w->done = 1;
	pthread_mutex_unlock(&sv->lock);
	return NULL;
}

/* How many of the wanted threads the descriptor limit (ulimit -n) leaves room for:
 * threads that hold all the descriptors between them could never accept a
 * connection, and the worker would serve nothing. */
static int server_room(int wanted)
{
	struct rlimit rl;
	long used = 0, room;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    (long)rl.rlim_cur >= 1024L + (long)wanted * SERVER_FDS_PER_THREAD)
		return wanted;
	/* Counted by asking each number: /proc is out of the sandbox's reach. */
	for (int fd = 0; fd < (int)rl.rlim_cur; fd++)
		used += fcntl(fd, F_GETFD) >= 0;
	room = ((long)rl.rlim_cur - used - SERVER_FDS_SPARE) / SERVER_FDS_PER_THREAD;
	if (room >= wanted)
		return wanted;
	room = room < 1 ? 1 : room;
	log_msg(LOG_WARN, "%ld descriptors (ulimit -n) leave room for %ld of %d worker threads",
	        (long)rl.rlim_cur, room, wanted);
	return (int)room;
}

/* Stop accepting and let requests in flight finish. The listening socket is
 * shared with the supervisor and the next worker, so it is left alone: the stop
 * event wakes threads waiting for a connection, and threads waiting on a kept
 * connection close it (nginx retries a request on a kept connection that
 * closes). */
static void server_drain(struct server *sv, int started)
{
	long start = clock_ms();
	int busy;

	uint64_t one = 1;

	pthread_mutex_lock(&sv->lock);
	sv->stopping = 1;
	pthread_mutex_unlock(&sv->lock);
	if (write(sv->stop_fd, &one, sizeof(one)) != sizeof(one))
		log_msg(LOG_WARN, "cannot wake the workers: %s", strerror(errno));
	for (;;) {
		int running = 0;
		pthread_mutex_lock(&sv->lock);
		for (int i = 0; i < started; i++)
			running += !sv->workers[i].done;
		busy = sv->busy;
		pthread_mutex_unlock(&sv->lock);
		long spent = clock_ms() - start;
		/* A thread that has not left after 100 ms holds no request: leave it. */
		if ((busy == 0 && (running == 0 || spent >= 100)) || spent >= SERVER_DRAIN_MS)
			break;
		usleep(5000);
	}
	if (busy > 0)
		log_msg(LOG_WARN, "%d requests still running at exit", busy);
	/* Threads that left are joined; one still blocked ends with the process. */
	for (int i = 0; i < started; i++) {
		pthread_mutex_lock(&sv->lock);
		int done = sv->workers[i].done;
		pthread_mutex_unlock(&sv->lock);
		if (done)
			pthread_join(sv->threads[i], NULL);
	}
}

int server_run(int listen_fd, const struct config *c, int ready_fd)
{
	static struct server sv;
	int workers = (int)c->workers;
	struct worker *w = xcalloc((size_t)workers, sizeof(*w));
	pthread_t *threads = xcalloc((size_t)workers, sizeof(*threads));
	sigset_t set;
	int sig = 0, started = 0;

	sv.listen_fd = listen_fd;
	sv.read_timeout = (int)c->read_timeout;
	sv.memory_base = server_in_use() + c->cache_size;
	sv.post_max = c->post_max;
	sv.stop_fd = eventfd(0, EFD_CLOEXEC);
	sv.workers = w;
	sv.threads = threads;
	pthread_mutex_init(&sv.lock, NULL);
	/* Workers never see SIGTERM or SIGINT: this thread waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sv.stop_fd < 0 ||
	    fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK) < 0) {
		log_msg(LOG_ERROR, "cannot set up the listening socket: %s", strerror(errno));
		return -1;
	}
	workers = server_room(workers);
	sv.nthreads = workers;
	for (int i = 0; i < workers; i++) {
		w[i].server = &sv;
		int err = pthread_create(&threads[i], NULL, server_worker, &w[i]);
		if (err != 0) {
			/* pthread_create returns its error; errno is not set. */
			log_msg(LOG_ERROR, "cannot start worker thread %d: %s", i, strerror(err));
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
	server_drain(&sv, started);
	/* Threads idle on a kept connection may still be blocked: the process exit ends them. */
	return 0;
}

/* bare_fcgi.c — the benchmarks' protocol floor: threads of bare libfcgi answering one file. */
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int listen_fd;
static char *response; /* headers and body, made once, written in one FCGX_PutStr */
static int response_len;

static void *worker(void *arg)
{
	FCGX_Request req;

	(void)arg;
	FCGX_InitRequest(&req, listen_fd, 0);
	/* No accept mutex: on Linux every thread may block in accept on one socket. */
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(response, response_len, req.out);
		FCGX_Finish_r(&req);
	}
	return NULL;
}

static void make_response(const char *file)
{
	static const char head[] = "Status: 200 OK\r\n"
	                           "Content-Type: text/html; charset=utf-8\r\n"
	                           "Content-Length: %ld\r\n\r\n";
	FILE *f = fopen(file, "rb");
	long size;
	int n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > (1L << 30)) {
		perror(file);
		exit(1);
	}
	rewind(f);
	response = malloc(sizeof(head) + 32 + (size_t)size);
	if (!response) {
		perror("malloc");
		exit(1);
	}
	n = sprintf(response, head, size);
	if (fread(response + n, 1, (size_t)size, f) != (size_t)size) {
		perror(file);
		exit(1);
	}
	fclose(f);
	response_len = n + (int)size;
}

int main(int argc, char **argv)
{
	int threads = argc == 4 ? atoi(argv[3]) : 0;
	sigset_t set;
	int sig;

	if (threads < 1) {
		fprintf(stderr, "usage: bare_fcgi SOCKET FILE THREADS\n");
		return 2;
	}
	make_response(argv[2]);
	/* Only this thread takes SIGTERM and SIGINT: libfcgi's handler wakes no one. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (FCGX_Init() != 0) {
		fprintf(stderr, "bare_fcgi: FCGX_Init failed\n");
		return 1;
	}
	unlink(argv[1]);
	listen_fd = FCGX_OpenSocket(argv[1], 128); /* the backlog quire uses */
	if (listen_fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (int i = 0; i < threads; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, worker, NULL) != 0) {
			fprintf(stderr, "bare_fcgi: cannot start thread %d\n", i);
			return 1;
		}
	}
	while (sigwait(&set, &sig) != 0)
		;
	/* Threads blocked in accept or on a kept connection end with the process. */
	unlink(argv[1]);
	return 0;
}

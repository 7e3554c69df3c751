/* server.h — FastCGI and CGI glue: the one place that talks to libfcgi. */
#ifndef QUIRE_SERVER_H
#define QUIRE_SERVER_H

struct site;

enum server_mode {
	SERVER_CGI,       /* one request from the environment, then exit */
	SERVER_INHERITED, /* a listening socket on descriptor 0, from a process manager */
	SERVER_SOCKET,    /* listen on the configured Unix socket */
};

enum server_mode server_mode(void);
/* Answer the one CGI request in the environment on stdout. */
int server_cgi(const struct site *s);
/* Create the Unix socket at path, mode 0660. Returns the descriptor or -1. */
int server_listen(const char *path);
/* Serve the published snapshot (site_acquire()) with a pool of threads until
 * SIGTERM or SIGINT; returns once drained. One byte is written to ready_fd
 * (when >= 0) once the threads are accepting. */
int server_run(int listen_fd, int workers, int ready_fd);

#endif

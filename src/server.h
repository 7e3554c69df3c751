/* server.h — FastCGI and CGI glue: connections accepted, requests read (fcgi.c) and answered. */
#ifndef QUIRE_SERVER_H
#define QUIRE_SERVER_H

struct config;
struct site;

enum server_mode {
	SERVER_CGI,       /* one request from the environment, then exit */
	SERVER_INHERITED, /* a listening socket from a process manager or systemd */
	SERVER_SOCKET,    /* listen on the configured Unix socket */
};

/* How quire was started; for SERVER_INHERITED, *fd is the listening socket:
 * systemd's (LISTEN_FDS, descriptor 3) or a FastCGI manager's (descriptor 0). */
enum server_mode server_mode(int *fd);
/* Answer the one CGI request in the environment on stdout. */
int server_cgi(const struct site *s);
/* Create the Unix socket at path, mode 0660. Returns the descriptor or -1. */
int server_listen(const char *path);
/* Serve the published snapshot (site_acquire()) with a pool of threads until
 * SIGTERM or SIGINT; returns once drained. One byte is written to ready_fd
 * (when >= 0) once the threads are accepting. */
int server_run(int listen_fd, const struct config *c, int ready_fd);

#endif

/* fcgi.h — FastCGI 1.0 records, read and written by quire itself (responder role).
 *
 * The parser (fcgi_feed) works on bytes in memory and never blocks: the socket side
 * (fcgi_next, fcgi_answer) reads with poll() and one deadline per request, and
 * bounds every write the same way. */
#ifndef QUIRE_FCGI_H
#define QUIRE_FCGI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

/* The protocol's numbers (FastCGI 1.0 specification, sections 8 and 5). */
#define FCGI_VERSION_1         1
#define FCGI_BEGIN_REQUEST     1
#define FCGI_ABORT_REQUEST     2
#define FCGI_END_REQUEST       3
#define FCGI_PARAMS            4
#define FCGI_STDIN             5
#define FCGI_STDOUT            6
#define FCGI_GET_VALUES        9
#define FCGI_GET_VALUES_RESULT 10
#define FCGI_UNKNOWN_TYPE      11
#define FCGI_KEEP_CONN         1
#define FCGI_RESPONDER         1
#define FCGI_REQUEST_COMPLETE  0
#define FCGI_CANT_MPX_CONN     1
#define FCGI_UNKNOWN_ROLE      3
/* Content bytes a record holds at most. */
#define FCGI_CONTENT_MAX 65535

/* At most this many name-value pairs, and this many bytes of PARAMS stream, per
 * request: nginx and Apache send a few KB. Past either the request is answered 400
 * (its parameters are dropped) rather than the connection cut, so the web server
 * shows the client an answer instead of a 502. */
#define FCGI_PARAMS_MAX   1024
#define FCGI_PARAMS_BYTES (256 * 1024)
/* Bytes of records for no open request (a request body left after its answer, say)
 * read and thrown away between two requests before the connection is cut; as
 * CGI_DRAIN_MAX in server.c. */
#define FCGI_DISCARD_MAX (16L * 1024 * 1024)
/* The part of a FCGI_GET_VALUES body looked at; the rest is read and dropped. */
#define FCGI_VALUES_BYTES 1024
/* Bytes read from the socket at a time. */
#define FCGI_IN_SIZE 16384

/* The values quire announces for FCGI_GET_VALUES. */
#define FCGI_ANNOUNCE_CONNS 1000
#define FCGI_ANNOUNCE_REQS  1000

enum fcgi_event {
	FCGI_MORE,  /* every byte taken; feed more */
	FCGI_READY, /* a request's parameters are complete: answer it, then fcgi_done() */
	FCGI_CLOSE, /* send what is in reply, then close the connection */
	FCGI_ERROR, /* a protocol error (why): close the connection, nothing more sent */
};

struct fcgi_pair {
	uint32_t name, name_len, value; /* offsets into env; both NUL-terminated there */
};

struct fcgi_parser {
	/* The record being read. */
	unsigned char head[8];
	size_t head_len;
	int type;
	unsigned id;
	size_t content_left, padding_left;
	unsigned char body[FCGI_VALUES_BYTES]; /* BEGIN_REQUEST's and GET_VALUES's bodies */
	size_t body_len;
	/* The request: id 0 when none is open. */
	unsigned id_open;
	int keep_conn;
	int too_big;             /* past FCGI_PARAMS_MAX or FCGI_PARAMS_BYTES: answer 400 */
	struct buf stream;       /* the PARAMS stream as it came */
	struct buf env;          /* "name\0value\0" for each pair */
	struct fcgi_pair *pairs; /* FCGI_PARAMS_MAX of them, allocated once */
	size_t npairs;
	size_t discarded; /* bytes of records for no open request since the last began */
	struct buf reply; /* bytes to send: management answers and refusals */
	const char *why;  /* set with FCGI_ERROR */
};

void fcgi_init(struct fcgi_parser *p);
void fcgi_free(struct fcgi_parser *p);
/* Take up to len bytes; *used says how many were taken (all of them unless the
 * event is FCGI_READY, FCGI_CLOSE or FCGI_ERROR). Answers to send are appended to
 * p->reply. */
enum fcgi_event fcgi_feed(struct fcgi_parser *p, const void *data, size_t len, size_t *used);
/* A parameter of the request FCGI_READY announced, NUL-terminated; NULL when it has
 * none of that name, or when its parameters were past the caps. */
const char *fcgi_param(const struct fcgi_parser *p, const char *name);
/* The request has been answered (or will not be): forget it; buffers grown past
 * keep bytes are freed. */
void fcgi_done(struct fcgi_parser *p, size_t keep);
/* Append to out an END_REQUEST record for request id: application status 0 and
 * protocol_status (FCGI_REQUEST_COMPLETE, FCGI_CANT_MPX_CONN, FCGI_UNKNOWN_ROLE). */
void fcgi_end_record(struct buf *out, unsigned id, int protocol_status);

/* A connection: its socket, the parser, and what has been read and not parsed. */
struct fcgi_conn {
	int fd;
	int stop_fd;             /* readable once the worker stops: a connection idle between
	                            requests is then given up */
	int timeout_ms;          /* limits.read_timeout */
	long deadline;           /* CLOCK_MONOTONIC ms: the current request's, or the idle wait's */
	int begun;               /* a byte of the next request has arrived */
	int fresh;               /* accepted, and nothing received on it yet */
	void (*tick)(void *ctx); /* called after each read (the memory watchdog) */
	void *tick_ctx;
	unsigned char in[FCGI_IN_SIZE];
	size_t in_at, in_len;
	struct fcgi_parser p;
};

/* Start reading the connection fd (non-blocking). */
void fcgi_open(struct fcgi_conn *c, int fd, int stop_fd, int timeout_s);
/* Wait for the next request. 0: one is ready (fcgi_param answers for it); -1: the
 * connection is done with (closed by the peer, a protocol error, the deadline, the
 * stop): close it. Management records and refusals are answered on the way. */
int fcgi_next(struct fcgi_conn *c);
/* Answer the ready request with head then body as its stdout, and end it. -1 when the
 * peer did not take it before the deadline, or went away: close the connection. */
int fcgi_answer(struct fcgi_conn *c, const char *head, size_t hlen, const char *body, size_t blen);
/* Answer the ready request with head, then the chunks next() gives (the bytes put in
 * chunk, chunk_size at most; 0 at the end; -1 when the body cannot be completed) as
 * its stdout, and end it. -1 as fcgi_answer(), and when next() fails: the request is
 * then not ended, and the connection must be closed (the peer sees an answer cut
 * short, never a complete-looking one). */
int fcgi_answer_stream(struct fcgi_conn *c, const char *head, size_t hlen,
                       ssize_t (*next)(void *ctx, char *chunk), void *ctx, size_t chunk_size);
/* Whether the connection may carry another request (the peer asked to keep it). */
int fcgi_kept(const struct fcgi_conn *c);
void fcgi_close(struct fcgi_conn *c);

#endif

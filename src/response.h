/* response.h — status, headers and body: bytes in memory sent in one write, or a
 * range of an open file sent in chunks. */
#ifndef QUIRE_RESPONSE_H
#define QUIRE_RESPONSE_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

struct cache_entry;

struct response {
	int status;
	const char *content_type;
	struct buf headers; /* extra lines, "Name: value\r\n" each */
	struct buf value;   /* a header's value being made: Location, Cache-Control */
	struct buf body;
	struct cache_entry *page; /* when set, the body is this cached page, held */
	int head;                 /* HEAD: the same headers, no body */
	/* When file_fd >= 1 (response_file()), the body is file_len bytes of it from
	 * file_off, read and sent a chunk at a time: never whole in memory. */
	int file_fd;
	off_t file_off, file_len;
};

/* Bytes of a file read and sent at a time. */
#define RESPONSE_CHUNK (64 * 1024)

void response_reset(struct response *rs);
void response_free(struct response *rs);
/* Add a header line. A value holding CR, LF or NUL is refused (-1), never sent. */
int response_header(struct response *rs, const char *name, const char *value, size_t len);
/* Answer with a cached page: rs holds it (the caller's reference) until reset. */
void response_page(struct response *rs, struct cache_entry *page);
/* Answer with len bytes of the open file fd from off: rs owns fd (closed on reset, or
 * by the next response_file(); fd 0 holds none). */
void response_file(struct response *rs, int fd, off_t off, off_t len);
/* Read the next chunk of the file answer into chunk (RESPONSE_CHUNK bytes): the
 * bytes read, 0 when all were sent, -1 when the file ended before its length (it
 * shrank while sent: the answer must be cut, never sent short). *at is the bytes
 * of the body sent so far. */
ssize_t response_file_chunk(const struct response *rs, off_t *at, char *chunk);
/* The response as a CGI/FastCGI responder sends it: Status and headers into out,
 * and in *body the bytes to send after them (none for HEAD), not copied; a file
 * answer's body is not among them (response_file_chunk()). */
void response_serialize(const struct response *rs, struct buf *out, const char **body, size_t *len);
const char *response_reason(int status);

#endif

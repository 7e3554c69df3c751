/* response.c — status, headers and body: in memory, or a range of an open file. */
#include "response.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"

void response_reset(struct response *rs)
{
	cache_release(rs->page);
	rs->page = NULL;
	if (rs->file_fd > 0)
		close(rs->file_fd);
	rs->file_fd = 0;
	rs->file_off = rs->file_len = 0;
	rs->status = 200;
	rs->content_type = "text/html; charset=utf-8";
	rs->head = 0;
	buf_reset(&rs->headers);
	buf_reset(&rs->body);
}

void response_free(struct response *rs)
{
	cache_release(rs->page);
	rs->page = NULL;
	if (rs->file_fd > 0)
		close(rs->file_fd);
	rs->file_fd = 0;
	buf_free(&rs->headers);
	buf_free(&rs->value);
	buf_free(&rs->body);
}

int response_header(struct response *rs, const char *name, const char *value, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (value[i] == '\r' || value[i] == '\n' || value[i] == '\0')
			return -1;
	buf_adds(&rs->headers, name);
	buf_add(&rs->headers, ": ", 2);
	buf_add(&rs->headers, value, len);
	buf_add(&rs->headers, "\r\n", 2);
	return 0;
}

const char *response_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 204:
		return "No Content";
	case 206:
		return "Partial Content";
	case 301:
		return "Moved Permanently";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 410:
		return "Gone";
	case 412:
		return "Precondition Failed";
	case 414:
		return "URI Too Long";
	case 416:
		return "Range Not Satisfiable";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}

void response_page(struct response *rs, struct cache_entry *page)
{
	cache_release(rs->page);
	rs->page = page;
}

void response_file(struct response *rs, int fd, off_t off, off_t len)
{
	if (rs->file_fd > 0)
		close(rs->file_fd);
	rs->file_fd = fd;
	rs->file_off = off;
	rs->file_len = len;
	buf_reset(&rs->body);
}

ssize_t response_file_chunk(const struct response *rs, off_t *at, char *chunk)
{
	off_t left = rs->file_len - *at;
	size_t want = left < RESPONSE_CHUNK ? (size_t)left : RESPONSE_CHUNK, got = 0;

	while (got < want) {
		ssize_t n =
		    pread(rs->file_fd, chunk + got, want - got, rs->file_off + *at + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	*at += (off_t)got;
	return (ssize_t)got;
}

void response_serialize(const struct response *rs, struct buf *out, const char **body, size_t *len)
{
	const char *p = rs->page ? rs->page->data : rs->body.data;
	size_t n = rs->page ? rs->page->len : rs->body.len;
	int file = rs->file_fd > 0;

	buf_reset(out);
	buf_printf(out, "Status: %d %s\r\nContent-Type: %s\r\n", rs->status,
	           response_reason(rs->status), rs->content_type);
	/* A 304 has no content, and may only repeat the 200's length (RFC 9110 8.6): none. */
	if (rs->status != 304)
		buf_printf(out, "Content-Length: %lld\r\n",
		           file ? (long long)rs->file_len : (long long)n);
	buf_add(out, rs->headers.data, rs->headers.len);
	buf_add(out, "\r\n", 2);
	*body = rs->head || file ? NULL : p;
	*len = rs->head || file ? 0 : n;
}

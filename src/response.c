/* response.c — status, headers and body, sent in one write. */
#include "response.h"

#include <string.h>

#include "cache.h"

void response_reset(struct response *rs)
{
	cache_release(rs->page);
	rs->page = NULL;
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

void response_serialize(const struct response *rs, struct buf *out, const char **body, size_t *len)
{
	const char *p = rs->page ? rs->page->data : rs->body.data;
	size_t n = rs->page ? rs->page->len : rs->body.len;

	buf_reset(out);
	buf_printf(out, "Status: %d %s\r\nContent-Type: %s\r\n", rs->status,
	           response_reason(rs->status), rs->content_type);
	/* A 304 has no content, and may only repeat the 200's length (RFC 9110 8.6): none. */
	if (rs->status != 304)
		buf_printf(out, "Content-Length: %zu\r\n", n);
	buf_add(out, rs->headers.data, rs->headers.len);
	buf_add(out, "\r\n", 2);
	*body = rs->head ? NULL : p;
	*len = rs->head ? 0 : n;
}

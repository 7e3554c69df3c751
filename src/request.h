/* request.h — one request: method, canonical path, and the buffers it reuses. */
#ifndef QUIRE_REQUEST_H
#define QUIRE_REQUEST_H

#include "buf.h"
#include "conditional.h"
#include "mem.h"

enum method {
	METHOD_GET,
	METHOD_HEAD,
	METHOD_OTHER,
};

/* Reads one CGI variable; NULL when the request has none of that name. */
struct request_env {
	const char *(*param)(const char *name, void *ctx);
	void *ctx;
};

struct request {
	int status; /* 0 when the request can be routed; else 400 or 404 */
	enum method method;
	struct buf path;         /* canonical, decoded, within the site: "/" or "/route" */
	int index;               /* the path names the site's index page */
	int redirect;            /* repeated slashes in the path: answer 301 */
	int trailing_slash;      /* the path ended with a slash: list pages want one, posts not */
	struct conditional cond; /* the conditional header fields */
	const char *range;       /* Range, NULL when absent (for files) */
	const char *if_range;    /* If-Range, NULL when absent */
	int gone;                /* the post's file was not there when read */
	const char *query;       /* the query string, after '?', as sent (not decoded), or NULL */
	size_t query_len;
	/* Kept, with their capacity, from one request to the next. */
	struct buf canonical; /* the one address of what the path names (dispatch.c) */
	struct buf file;      /* the post's file, read fresh */
	struct buf html;      /* the post's body being rendered */
	struct arena arena;
};

/* Read method and path from env for a site mounted at mount ("/" or "/blog/"). */
void request_parse(struct request *rq, const struct request_env *env, const char *mount);
void request_free(struct request *rq);

#endif

/* request.c — one request: method, canonical path, and the buffers it reuses. */
#include "request.h"

#include <string.h>

#include "path.h"

static enum method request_method(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return METHOD_GET;
	if (strcmp(m, "HEAD") == 0)
		return METHOD_HEAD;
	return METHOD_OTHER;
}

/* A NUL, CR or LF in the query, written raw or encoded, is refused like one in the path. */
static int request_query_ok(const char *q)
{
	for (; *q; q++) {
		if ((unsigned char)*q < 0x20)
			return 0;
		if (q[0] == '%' && q[1] == '0' &&
		    (q[2] == '0' || q[2] == 'a' || q[2] == 'A' || q[2] == 'd' || q[2] == 'D'))
			return 0;
	}
	return 1;
}

/* Append n bytes of p, which are not URL-encoded (RFC 3875 4.1.5, 4.1.13), as a URL
 * path: '%' and '?' encoded, so that decoding gives them back. */
static char *request_encode(char *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' || p[i] == '?') {
			*out++ = '%';
			*out++ = p[i] == '%' ? '2' : '3';
			*out++ = p[i] == '%' ? '5' : 'F';
		} else {
			*out++ = p[i];
		}
	}
	return out;
}

/* The address asked for: REQUEST_URI as nginx and Apache pass it, else, as RFC 3875
 * defines a CGI request, SCRIPT_NAME and PATH_INFO (not URL-encoded) and
 * QUERY_STRING; NULL when there is neither. Built in a: the request's lifetime. */
static const char *request_uri(const struct request_env *env, struct arena *a)
{
	const char *uri = env->param("REQUEST_URI", env->ctx);
	const char *script = env->param("SCRIPT_NAME", env->ctx);
	const char *info = env->param("PATH_INFO", env->ctx);
	const char *query = env->param("QUERY_STRING", env->ctx);
	size_t sn, in, qn;
	char *out, *end;

	if (uri != NULL || (script == NULL && info == NULL))
		return uri;
	sn = script ? strlen(script) : 0;
	in = info ? strlen(info) : 0;
	qn = query ? strlen(query) : 0;
	out = arena_alloc(a, 3 * (sn + in) + qn + 3);
	end = request_encode(out, script ? script : "", sn);
	end = request_encode(end, info ? info : "", in);
	if (end == out)
		*end++ = '/';
	if (qn > 0) {
		*end++ = '?';
		memcpy(end, query, qn);
		end += qn;
	}
	*end = '\0';
	return out;
}

void request_parse(struct request *rq, const struct request_env *env, const char *mount)
{
	const char *method = env->param("REQUEST_METHOD", env->ctx);
	const char *uri;
	size_t mlen = strlen(mount), plen;
	const char *q;
	int changed;

	rq->status = 0;
	rq->index = 0;
	rq->redirect = 0;
	rq->trailing_slash = 0;
	rq->query = NULL;
	rq->query_len = 0;
	rq->method = METHOD_OTHER;
	rq->cond.if_match = env->param("HTTP_IF_MATCH", env->ctx);
	rq->cond.if_none_match = env->param("HTTP_IF_NONE_MATCH", env->ctx);
	rq->cond.if_modified_since = env->param("HTTP_IF_MODIFIED_SINCE", env->ctx);
	rq->cond.if_unmodified_since = env->param("HTTP_IF_UNMODIFIED_SINCE", env->ctx);
	rq->range = env->param("HTTP_RANGE", env->ctx);
	rq->if_range = env->param("HTTP_IF_RANGE", env->ctx);
	buf_reset(&rq->path);
	arena_reset(&rq->arena);
	uri = request_uri(env, &rq->arena);
	/* Known before anything can fail: a HEAD answered 400 has no body either. */
	if (method != NULL)
		rq->method = request_method(method);
	if (method == NULL || uri == NULL) {
		rq->status = 400;
		return;
	}
	/* Every other method is 405 whatever the address, "OPTIONS *" included: the
	 * address is not looked at. */
	if (rq->method == METHOD_OTHER)
		return;
	q = strchr(uri, '?');
	plen = q ? (size_t)(q - uri) : strlen(uri);
	if (q != NULL && !request_query_ok(q + 1)) {
		rq->status = 400;
		return;
	}
	if (q != NULL) {
		rq->query = q + 1;
		rq->query_len = strlen(q + 1);
	}
	switch (path_canon(uri, plen, 1, &rq->path, &changed)) {
	case PATH_OK:
		break;
	case PATH_BAD:
		rq->status = 400;
		return;
	case PATH_NOMATCH:
		rq->status = 404;
		return;
	}
	/* The index is the mount itself, written exactly: "/blog/". */
	if (rq->path.len == mlen - (mlen > 1) && memcmp(rq->path.data, mount, rq->path.len) == 0) {
		rq->index = 1;
		rq->redirect = plen != mlen || memcmp(uri, mount, mlen) != 0;
		buf_reset(&rq->path);
		buf_addc(&rq->path, '/');
		return;
	}
	if (mlen > 1) {
		/* "/blog/x" starts with the mount "/blog/": keep "/x". */
		if (rq->path.len < mlen || memcmp(rq->path.data, mount, mlen) != 0) {
			rq->status = 404;
			return;
		}
		memmove(rq->path.data, rq->path.data + mlen - 1, rq->path.len - (mlen - 1));
		rq->path.len -= mlen - 1;
	}
	rq->redirect = (changed & (PATH_EXTRA_SLASHES | PATH_ENCODED)) != 0;
	rq->trailing_slash = (changed & PATH_TRAILING_SLASH) != 0;
}

void request_free(struct request *rq)
{
	buf_free(&rq->path);
	buf_free(&rq->canonical);
	buf_free(&rq->file);
	buf_free(&rq->html);
	arena_free(&rq->arena);
}

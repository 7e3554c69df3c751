/* request_test.c — request_parse: method, canonical path, index, redirect and trailing
 * slash from the CGI variables, under the root mount and under a prefix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "request.h"

/* The CGI variables of one request: name, value pairs ended by a NULL name. */
struct request_test_env {
	const char *vars[16];
};

static const char *request_test_param(const char *name, void *ctx)
{
	const struct request_test_env *e = ctx;

	for (size_t i = 0; e->vars[i] != NULL; i += 2)
		if (strcmp(e->vars[i], name) == 0)
			return e->vars[i + 1];
	return NULL;
}

struct request_case {
	const char *name;
	const char *method; /* REQUEST_METHOD, NULL when absent */
	const char *uri;    /* REQUEST_URI, NULL when absent */
	const char *mount;
	enum method want_method;
	int status;
	const char *path; /* checked when status is 0 and the method is GET or HEAD */
	int index, redirect, trailing_slash;
};

#define GET  METHOD_GET
#define HEAD METHOD_HEAD
#define OTH  METHOD_OTHER

static const struct request_case cases[] = {
    /* Methods. */
    {"GET /", "GET", "/", "/", GET, 0, "/", 1, 0, 0},
    {"HEAD /", "HEAD", "/", "/", HEAD, 0, "/", 1, 0, 0},
    {"POST is another method, routed to 405 whatever the address", "POST", "/x", "/", OTH, 0, NULL,
     0, 0, 0},
    {"PUT is another method", "PUT", "/", "/", OTH, 0, NULL, 0, 0, 0},
    {"OPTIONS * is not looked at", "OPTIONS", "*", "/", OTH, 0, NULL, 0, 0, 0},
    {"a method is case-sensitive: get", "get", "/", "/", OTH, 0, NULL, 0, 0, 0},
    {"GETX is not GET", "GETX", "/", "/", OTH, 0, NULL, 0, 0, 0},
    {"empty method", "", "/", "/", OTH, 0, NULL, 0, 0, 0},
    {"no REQUEST_METHOD is 400", NULL, "/", "/", OTH, 400, NULL, 0, 0, 0},
    {"no REQUEST_URI is 400, method known", "GET", NULL, "/", GET, 400, NULL, 0, 0, 0},
    {"HEAD answered 400 is still HEAD", "HEAD", "/%zz", "/", HEAD, 400, NULL, 0, 0, 0},
    /* Paths under the root mount. */
    {"/x", "GET", "/x", "/", GET, 0, "/x", 0, 0, 0},
    {"/x/ has a trailing slash, no redirect", "GET", "/x/", "/", GET, 0, "/x", 0, 0, 1},
    {"//x is a repeated slash", "GET", "//x", "/", GET, 0, "/x", 0, 1, 0},
    {"/x//y is a repeated slash", "GET", "/x//y", "/", GET, 0, "/x/y", 0, 1, 0},
    {"/x// is repeated and trailing", "GET", "/x//", "/", GET, 0, "/x", 0, 1, 1},
    {"// is the index, redirected", "GET", "//", "/", GET, 0, "/", 1, 1, 0},
    {"/a/b/c", "GET", "/a/b/c", "/", GET, 0, "/a/b/c", 0, 0, 0},
    {"/%2Dx: an unreserved character encoded", "GET", "/%2Dx", "/", GET, 0, "/-x", 0, 1, 0},
    {"/%7e: tilde encoded", "GET", "/%7e", "/", GET, 0, "/~", 0, 1, 0},
    {"/%41bc: a letter encoded", "GET", "/%41bc", "/", GET, 0, "/Abc", 0, 1, 0},
    {"/a%20b: a reserved character stays decoded, no redirect", "GET", "/a%20b", "/", GET, 0,
     "/a b", 0, 0, 0},
    {"/caf%C3%A9: UTF-8 decoded", "GET", "/caf%C3%A9", "/", GET, 0, "/caf\xC3\xA9", 0, 0, 0},
    {"/%2fx: a decoded slash, here a repeated one", "GET", "/%2fx", "/", GET, 0, "/x", 0, 1, 0},
    {"/a%2Fb: a decoded slash between segments", "GET", "/a%2Fb", "/", GET, 0, "/a/b", 0, 0, 0},
    {"/x%2F: a decoded trailing slash", "GET", "/x%2F", "/", GET, 0, "/x", 0, 0, 1},
    {"/%252e: decoded once only", "GET", "/%252e", "/", GET, 0, "/%2e", 0, 0, 0},
    {"/%00 is 400", "GET", "/%00", "/", GET, 400, NULL, 0, 0, 0},
    {"/%zz is 400", "GET", "/%zz", "/", GET, 400, NULL, 0, 0, 0},
    {"/%4 (short escape) is 400", "GET", "/%4", "/", GET, 400, NULL, 0, 0, 0},
    {"/abc% (stray percent) is 400", "GET", "/abc%", "/", GET, 400, NULL, 0, 0, 0},
    {"/a%0d%0aSet-Cookie is 400", "GET", "/a%0d%0aSet-Cookie:x", "/", GET, 400, NULL, 0, 0, 0},
    {"raw tab in the path is 400", "GET", "/a\tb", "/", GET, 400, NULL, 0, 0, 0},
    {"DEL in the path is 400", "GET", "/a%7f", "/", GET, 400, NULL, 0, 0, 0},
    {"empty URI is 400", "GET", "", "/", GET, 400, NULL, 0, 0, 0},
    {"relative URI is 400", "GET", "x", "/", GET, 400, NULL, 0, 0, 0},
    {"GET * is 400", "GET", "*", "/", GET, 400, NULL, 0, 0, 0},
    {"absolute-form URI is 400", "GET", "http://h/x", "/", GET, 400, NULL, 0, 0, 0},
    {"only a query is 400", "GET", "?x=1", "/", GET, 400, NULL, 0, 0, 0},
    /* Dot segments. */
    {"/. is 404", "GET", "/.", "/", GET, 404, NULL, 0, 0, 0},
    {"/.. is 404", "GET", "/..", "/", GET, 404, NULL, 0, 0, 0},
    {"/x/../y is 404", "GET", "/x/../y", "/", GET, 404, NULL, 0, 0, 0},
    {"/x/./y is 404", "GET", "/x/./y", "/", GET, 404, NULL, 0, 0, 0},
    {"/x/.. is 404", "GET", "/x/..", "/", GET, 404, NULL, 0, 0, 0},
    {"/%2e%2e is 404", "GET", "/%2e%2e", "/", GET, 404, NULL, 0, 0, 0},
    {"/..%2f..%2fetc%2fpasswd is 404", "GET", "/..%2f..%2fetc%2fpasswd", "/", GET, 404, NULL, 0, 0,
     0},
    {"/... is a name", "GET", "/...", "/", GET, 0, "/...", 0, 0, 0},
    {"/.well-known is a name", "GET", "/.well-known", "/", GET, 0, "/.well-known", 0, 0, 0},
    /* Query strings. */
    {"/x?q=1: the query is not the path", "GET", "/x?q=1", "/", GET, 0, "/x", 0, 0, 0},
    {"/?q=1 is the index, no redirect", "GET", "/?q=1", "/", GET, 0, "/", 1, 0, 0},
    {"/x/?q=1 keeps its trailing slash", "GET", "/x/?q=1", "/", GET, 0, "/x", 0, 0, 1},
    {"/x? (empty query)", "GET", "/x?", "/", GET, 0, "/x", 0, 0, 0},
    {"/x?a?b (second '?' in the query)", "GET", "/x?a?b", "/", GET, 0, "/x", 0, 0, 0},
    {"/x?%zz: a bad escape in the query is not looked at", "GET", "/x?%zz", "/", GET, 0, "/x", 0, 0,
     0},
    {"/x?/../%2e%2e: dots in the query are not segments", "GET", "/x?/../%2e%2e", "/", GET, 0, "/x",
     0, 0, 0},
    {"/x?a=%00 is 400", "GET", "/x?a=%00", "/", GET, 400, NULL, 0, 0, 0},
    {"/x?a=%0a is 400", "GET", "/x?a=%0a", "/", GET, 400, NULL, 0, 0, 0},
    {"/x?a=%0A is 400", "GET", "/x?a=%0A", "/", GET, 400, NULL, 0, 0, 0},
    {"/x?a=%0d is 400", "GET", "/x?a=%0d", "/", GET, 400, NULL, 0, 0, 0},
    {"/x?a=%0D is 400", "GET", "/x?a=%0D", "/", GET, 400, NULL, 0, 0, 0},
    {"raw CR in the query is 400", "GET", "/x?a\rb", "/", GET, 400, NULL, 0, 0, 0},
    {"raw LF in the query is 400", "GET", "/x?a\nb", "/", GET, 400, NULL, 0, 0, 0},
    {"raw tab in the query is 400", "GET", "/x?a\tb", "/", GET, 400, NULL, 0, 0, 0},
    {"/x?a=%0 (truncated) is not a NUL", "GET", "/x?a=%0", "/", GET, 0, "/x", 0, 0, 0},
    {"/x?a=%20 is fine", "GET", "/x?a=%20", "/", GET, 0, "/x", 0, 0, 0},
    {"a bad query is 400 before a bad path", "GET", "/%zz?%00", "/", GET, 400, NULL, 0, 0, 0},
    {"HEAD with a bad query", "HEAD", "/x?%0d%0a", "/", HEAD, 400, NULL, 0, 0, 0},
    /* Under the mount "/blog/". */
    {"/blog/ is the index", "GET", "/blog/", "/blog/", GET, 0, "/", 1, 0, 0},
    {"/blog is the index, redirected", "GET", "/blog", "/blog/", GET, 0, "/", 1, 1, 0},
    {"/blog// is the index, redirected", "GET", "/blog//", "/blog/", GET, 0, "/", 1, 1, 0},
    {"//blog/ is the index, redirected", "GET", "//blog/", "/blog/", GET, 0, "/", 1, 1, 0},
    {"/%62log/ is the index, redirected", "GET", "/%62log/", "/blog/", GET, 0, "/", 1, 1, 0},
    {"/blog/?q=1 is the index, no redirect", "GET", "/blog/?q=1", "/blog/", GET, 0, "/", 1, 0, 0},
    {"/blog?q=1 is the index, redirected", "GET", "/blog?q=1", "/blog/", GET, 0, "/", 1, 1, 0},
    {"/blog/x keeps /x", "GET", "/blog/x", "/blog/", GET, 0, "/x", 0, 0, 0},
    {"/blog/x/ keeps /x with its trailing slash", "GET", "/blog/x/", "/blog/", GET, 0, "/x", 0, 0,
     1},
    {"/blog//x is redirected", "GET", "/blog//x", "/blog/", GET, 0, "/x", 0, 1, 0},
    {"/blog/a/b keeps /a/b", "GET", "/blog/a/b", "/blog/", GET, 0, "/a/b", 0, 0, 0},
    {"/blog/%2Dx is redirected", "GET", "/blog/%2Dx", "/blog/", GET, 0, "/-x", 0, 1, 0},
    {"/other is 404 outside the mount", "GET", "/other", "/blog/", GET, 404, NULL, 0, 0, 0},
    {"/ is 404 outside the mount", "GET", "/", "/blog/", GET, 404, NULL, 0, 0, 0},
    {"/blogx is 404: a prefix of a segment is not the mount", "GET", "/blogx", "/blog/", GET, 404,
     NULL, 0, 0, 0},
    {"/blo is 404", "GET", "/blo", "/blog/", GET, 404, NULL, 0, 0, 0},
    {"/Blog/ is 404: the mount is case-sensitive", "GET", "/Blog/", "/blog/", GET, 404, NULL, 0, 0,
     0},
    {"/blog/.. is 404", "GET", "/blog/..", "/blog/", GET, 404, NULL, 0, 0, 0},
    {"/blog/../x is 404", "GET", "/blog/../x", "/blog/", GET, 404, NULL, 0, 0, 0},
    {"/x/../blog/ is 404", "GET", "/x/../blog/", "/blog/", GET, 404, NULL, 0, 0, 0},
    {"/blog/%00 is 400", "GET", "/blog/%00", "/blog/", GET, 400, NULL, 0, 0, 0},
    {"POST /other under a mount is not looked at", "POST", "/other", "/blog/", OTH, 0, NULL, 0, 0,
     0},
    /* A mount two segments deep. */
    {"/a/b/ is the index of /a/b/", "GET", "/a/b/", "/a/b/", GET, 0, "/", 1, 0, 0},
    {"/a/b/c under /a/b/", "GET", "/a/b/c", "/a/b/", GET, 0, "/c", 0, 0, 0},
    {"/a/c is 404 under /a/b/", "GET", "/a/c", "/a/b/", GET, 404, NULL, 0, 0, 0},
    {"/a/ is 404 under /a/b/", "GET", "/a/", "/a/b/", GET, 404, NULL, 0, 0, 0},
};

/* Every case parsed into one request, reused as a server reuses it. */
static void request_test_cases(struct request *rq)
{
	char name[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct request_case *c = &cases[i];
		struct request_test_env e = {{0}};
		size_t n = 0;
		struct request_env env = {request_test_param, &e};

		if (c->method != NULL) {
			e.vars[n++] = "REQUEST_METHOD";
			e.vars[n++] = c->method;
		}
		if (c->uri != NULL) {
			e.vars[n++] = "REQUEST_URI";
			e.vars[n++] = c->uri;
		}
		request_parse(rq, &env, c->mount);
		snprintf(name, sizeof(name), "%s (mount %s)", c->name, c->mount);
		if (rq->method != c->want_method || rq->status != c->status) {
			check("request", name, 0, "method %d status %d, expected %d %d", rq->method,
			      rq->status, c->want_method, c->status);
			continue;
		}
		if (c->path == NULL) {
			check("request", name, 1, "");
			continue;
		}
		int same = rq->path.len == strlen(c->path) &&
		           memcmp(rq->path.data, c->path, rq->path.len) == 0;
		check("request", name,
		      same && rq->index == c->index && rq->redirect == c->redirect &&
		          rq->trailing_slash == c->trailing_slash,
		      "path \"%.*s\" index %d redirect %d trailing %d, expected \"%s\" %d %d %d",
		      (int)rq->path.len, rq->path.data ? rq->path.data : "", rq->index,
		      rq->redirect, rq->trailing_slash, c->path, c->index, c->redirect,
		      c->trailing_slash);
	}
}

/* The four conditional fields are taken as given, and absent ones are NULL, also after a
 * request that had them. */
static void request_test_conditional(struct request *rq)
{
	struct request_test_env full = {{"REQUEST_METHOD", "GET", "REQUEST_URI", "/x",
	                                 "HTTP_IF_MATCH", "\"a\"", "HTTP_IF_NONE_MATCH", "\"b\"",
	                                 "HTTP_IF_MODIFIED_SINCE", "Sun, 06 Nov 1994 08:49:37 GMT",
	                                 "HTTP_IF_UNMODIFIED_SINCE",
	                                 "Mon, 07 Nov 1994 08:49:37 GMT", NULL}};
	struct request_test_env none = {{"REQUEST_METHOD", "GET", "REQUEST_URI", "/x", NULL}};
	struct request_test_env bad = {
	    {"REQUEST_METHOD", "GET", "REQUEST_URI", "/%zz", "HTTP_IF_NONE_MATCH", "\"c\"", NULL}};
	struct request_env env = {request_test_param, &full};

	request_parse(rq, &env, "/");
	check("request", "If-Match taken",
	      rq->cond.if_match != NULL && strcmp(rq->cond.if_match, "\"a\"") == 0, "");
	check("request", "If-None-Match taken",
	      rq->cond.if_none_match != NULL && strcmp(rq->cond.if_none_match, "\"b\"") == 0, "");
	check("request", "If-Modified-Since taken",
	      rq->cond.if_modified_since != NULL &&
	          strcmp(rq->cond.if_modified_since, "Sun, 06 Nov 1994 08:49:37 GMT") == 0,
	      "");
	check("request", "If-Unmodified-Since taken",
	      rq->cond.if_unmodified_since != NULL &&
	          strcmp(rq->cond.if_unmodified_since, "Mon, 07 Nov 1994 08:49:37 GMT") == 0,
	      "");
	env.ctx = &none;
	request_parse(rq, &env, "/");
	check("request", "conditional fields absent: all NULL after a request that had them",
	      rq->cond.if_match == NULL && rq->cond.if_none_match == NULL &&
	          rq->cond.if_modified_since == NULL && rq->cond.if_unmodified_since == NULL,
	      "");
	env.ctx = &bad;
	request_parse(rq, &env, "/");
	check("request", "conditional fields taken also on a 400",
	      rq->status == 400 && rq->cond.if_none_match != NULL &&
	          strcmp(rq->cond.if_none_match, "\"c\"") == 0,
	      "status %d", rq->status);
}

/* Flags and path of one request do not leak into the next. */
static void request_test_reuse(struct request *rq)
{
	struct request_test_env first = {{"REQUEST_METHOD", "GET", "REQUEST_URI", "//x//", NULL}};
	struct request_test_env idx = {{"REQUEST_METHOD", "GET", "REQUEST_URI", "/blog", NULL}};
	struct request_test_env post = {{"REQUEST_METHOD", "POST", "REQUEST_URI", "/y", NULL}};
	struct request_test_env plain = {{"REQUEST_METHOD", "GET", "REQUEST_URI", "/y", NULL}};
	struct request_test_env bad = {{"REQUEST_METHOD", "GET", "REQUEST_URI", "/%00", NULL}};
	struct request_env env = {request_test_param, &first};

	request_parse(rq, &env, "/");
	env.ctx = &plain;
	request_parse(rq, &env, "/");
	check("request", "after //x//, /y has no redirect and no trailing slash",
	      rq->status == 0 && rq->redirect == 0 && rq->trailing_slash == 0 && rq->index == 0 &&
	          rq->path.len == 2 && memcmp(rq->path.data, "/y", 2) == 0,
	      "status %d redirect %d trailing %d index %d", rq->status, rq->redirect,
	      rq->trailing_slash, rq->index);
	env.ctx = &idx;
	request_parse(rq, &env, "/blog/");
	env.ctx = &post;
	request_parse(rq, &env, "/blog/");
	check("request", "after the index, a POST is neither index nor redirect, its path empty",
	      rq->status == 0 && rq->method == METHOD_OTHER && rq->index == 0 &&
	          rq->redirect == 0 && rq->path.len == 0,
	      "status %d index %d redirect %d path len %zu", rq->status, rq->index, rq->redirect,
	      rq->path.len);
	env.ctx = &bad;
	request_parse(rq, &env, "/");
	env.ctx = &plain;
	request_parse(rq, &env, "/");
	check("request", "after a 400, the next request's status is 0",
	      rq->status == 0 && rq->method == METHOD_GET, "status %d", rq->status);
}

/* A path far longer than any buffer's first capacity, with and without a repeated slash. */
static void request_test_long(struct request *rq)
{
	size_t n = 256 * 1024;
	char *uri = malloc(n + 8), *want = malloc(n + 8);
	struct request_test_env e = {{"REQUEST_METHOD", "GET", "REQUEST_URI", uri, NULL}};
	struct request_env env = {request_test_param, &e};
	size_t w = 0;

	if (uri == NULL || want == NULL) {
		check("request", "long path: memory", 0, "");
		free(uri);
		free(want);
		return;
	}
	/* "/aaaa.../aaaa..." in segments of 1000 bytes. */
	for (size_t i = 0; i < n; i++)
		uri[i] = i % 1001 == 0 ? '/' : 'a';
	uri[n] = '\0';
	request_parse(rq, &env, "/");
	check("request", "256 KiB path in 1000-byte segments",
	      rq->status == 0 && rq->redirect == 0 && rq->path.len == n &&
	          memcmp(rq->path.data, uri, n) == 0,
	      "status %d len %zu", rq->status, rq->path.len);
	/* The same with every segment percent-encoded "%61" and a doubled slash at the end. */
	w = 0;
	for (size_t i = 0; i < 20000; i++)
		w += (size_t)snprintf(uri + w, n + 8 - w, "%s", i % 100 == 0 ? "/" : "%7A");
	snprintf(uri + w, n + 8 - w, "//");
	request_parse(rq, &env, "/");
	size_t plain = 0;
	for (size_t i = 0; i < 20000; i++)
		want[plain++] = i % 100 == 0 ? '/' : 'z';
	check("request", "60 KB path percent-encoded, ending in //",
	      rq->status == 0 && rq->redirect == 1 && rq->trailing_slash == 1 &&
	          rq->path.len == plain && memcmp(rq->path.data, want, plain) == 0,
	      "status %d redirect %d trailing %d len %zu (want %zu)", rq->status, rq->redirect,
	      rq->trailing_slash, rq->path.len, plain);
	/* A very long mount-relative path under a prefix. */
	memcpy(uri, "/blog", 5);
	for (size_t i = 5; i < n; i++)
		uri[i] = i % 1001 == 5 ? '/' : 'b';
	uri[n] = '\0';
	request_parse(rq, &env, "/blog/");
	check("request", "256 KiB path under /blog/",
	      rq->status == 0 && rq->path.len == n - 5 &&
	          memcmp(rq->path.data, uri + 5, n - 5) == 0,
	      "status %d len %zu", rq->status, rq->path.len);
	free(uri);
	free(want);
}

/* RFC 3875: without REQUEST_URI, the address is SCRIPT_NAME, PATH_INFO and QUERY_STRING,
 * the first two not URL-encoded. */
static void request_test_cgi(struct request *rq)
{
	static const struct {
		const char *name, *script, *info, *query, *mount, *path;
		int status, redirect, index;
	} cgi[] = {
	    {"SCRIPT_NAME and PATH_INFO", "/blog", "/x", NULL, "/blog/", "/x", 0, 0, 0},
	    {"PATH_INFO only", NULL, "/x", NULL, "/", "/x", 0, 0, 0},
	    {"SCRIPT_NAME only: the mount itself", "/blog/", NULL, NULL, "/blog/", "/", 0, 0, 1},
	    {"SCRIPT_NAME without its slash: the index, redirected", "/blog", "", NULL, "/blog/",
	     "/", 0, 1, 1},
	    {"with a query", "/blog", "/x", "a=1", "/blog/", "/x", 0, 0, 0},
	    {"a % in PATH_INFO is a character, not an escape", "", "/100%", NULL, "/", "/100%", 0,
	     0, 0},
	    {"a %2D in PATH_INFO is those three characters", "", "/a%2Db", NULL, "/", "/a%2Db", 0,
	     0, 0},
	    {"a ? in PATH_INFO is a character", "", "/why?", NULL, "/", "/why?", 0, 0, 0},
	    {"a CR in PATH_INFO is refused", "", "/x\r\ny", NULL, "/", NULL, 400, 0, 0},
	    {"outside the mount", "/other", "/x", NULL, "/blog/", NULL, 404, 0, 0},
	    {"empty SCRIPT_NAME and PATH_INFO: the index", "", "", NULL, "/", "/", 0, 0, 1},
	};
	char name[200];

	for (size_t i = 0; i < sizeof(cgi) / sizeof(cgi[0]); i++) {
		struct request_test_env e = {{"REQUEST_METHOD", "GET", NULL}};
		struct request_env env = {request_test_param, &e};
		size_t n = 2;

		if (cgi[i].script != NULL) {
			e.vars[n++] = "SCRIPT_NAME";
			e.vars[n++] = cgi[i].script;
		}
		if (cgi[i].info != NULL) {
			e.vars[n++] = "PATH_INFO";
			e.vars[n++] = cgi[i].info;
		}
		if (cgi[i].query != NULL) {
			e.vars[n++] = "QUERY_STRING";
			e.vars[n++] = cgi[i].query;
		}
		request_parse(rq, &env, cgi[i].mount);
		snprintf(name, sizeof(name), "CGI: %s", cgi[i].name);
		if (cgi[i].path == NULL) {
			check("request", name, rq->status == cgi[i].status, "status %d",
			      rq->status);
			continue;
		}
		check("request", name,
		      rq->status == 0 && rq->path.len == strlen(cgi[i].path) &&
		          memcmp(rq->path.data, cgi[i].path, rq->path.len) == 0 &&
		          rq->redirect == cgi[i].redirect && rq->index == cgi[i].index,
		      "status %d path \"%.*s\" redirect %d index %d", rq->status, (int)rq->path.len,
		      rq->path.data ? rq->path.data : "", rq->redirect, rq->index);
	}
}

int main(void)
{
	struct request rq = {0};

	request_test_cgi(&rq);

	request_test_cases(&rq);
	request_test_conditional(&rq);
	request_test_reuse(&rq);
	request_test_long(&rq);
	request_free(&rq);
	return check_exit();
}

/* fuzz_path.c — path_canon() (decoded and not), route_find() on what it makes,
 * request_parse() with the input as REQUEST_URI under two mounts, path_decode() (never
 * longer than its input; without a '%' the input itself), and check_resolve() of the
 * input as a link from /a/b/ (a path of the site: "/" first, no "." or ".." part). */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "fuzz.h"
#include "path.h"
#include "post.h"
#include "request.h"
#include "route.h"

static const char *const fuzz_routes[] = {"/on-node-go-concurrency",
                                          "/a",
                                          "/a/b",
                                          "/2014/09/15/Rust-1.0.html",
                                          "/%",
                                          "/caf\xc3\xa9",
                                          "/tags/rust",
                                          "/x y",
                                          "/...",
                                          "/.a"};
#define NROUTES (sizeof(fuzz_routes) / sizeof(fuzz_routes[0]))

static struct route_table table;
static struct post posts[NROUTES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	route_init(&table, 4); /* small, so that adding grows it */
	for (size_t i = 0; i < NROUTES; i++) {
		posts[i].route = fuzz_routes[i];
		posts[i].route_len = strlen(fuzz_routes[i]);
		if (route_add(&table, posts[i].route, posts[i].route_len, &posts[i]) != NULL)
			abort();
	}
	return 0;
}

/* What canonical form promises: "/" or "/seg/seg", no empty, "." or ".." segment,
 * no control character. */
static void path_check(const struct buf *out)
{
	FUZZ_CHECK(out->len >= 1 && out->data[0] == '/', "does not start with /");
	FUZZ_CHECK(out->len == 1 || out->data[out->len - 1] != '/', "ends with /");
	for (size_t i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->data[i];
		FUZZ_CHECK(c >= 0x20 && c != 0x7f, "control character 0x%02x at %zu", c, i);
		FUZZ_CHECK(!(c == '/' && i + 1 < out->len && out->data[i + 1] == '/'), "// at %zu",
		           i);
	}
	for (size_t i = 0; i + 1 < out->len;) {
		size_t j = i + 1;
		while (j < out->len && out->data[j] != '/')
			j++;
		size_t n = j - i - 1;
		FUZZ_CHECK(!(n == 1 && out->data[i + 1] == '.'), ". segment");
		FUZZ_CHECK(!(n == 2 && out->data[i + 1] == '.' && out->data[i + 2] == '.'),
		           ".. segment");
		i = j;
	}
}

static void lookup(const struct buf *out)
{
	const struct post *p = route_find(&table, out->data, out->len);

	if (p != NULL)
		FUZZ_CHECK(p->route_len == out->len && memcmp(p->route, out->data, out->len) == 0,
		           "route_find gave %s for %.*s", p->route, (int)out->len, out->data);
	for (size_t i = 0; i < NROUTES; i++)
		if (out->len == posts[i].route_len &&
		    memcmp(out->data, posts[i].route, out->len) == 0)
			FUZZ_CHECK(p == &posts[i], "route_find missed %s", posts[i].route);
}

struct fuzz_env {
	const char *method, *uri;
};

static const char *fuzz_param(const char *name, void *ctx)
{
	const struct fuzz_env *e = ctx;

	if (strcmp(name, "REQUEST_METHOD") == 0)
		return e->method;
	if (strcmp(name, "REQUEST_URI") == 0)
		return e->uri;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf out, again, uri;
	static struct request rq;
	const char *p = (const char *)data;
	int changed, changed2;

	buf_reset(&again);
	check_resolve("/a/b/", p, size, &again);
	FUZZ_CHECK(again.len >= 1 && again.data[0] == '/', "check_resolve made no path");
	FUZZ_CHECK(memmem(again.data, again.len, "/../", 4) == NULL &&
	               memmem(again.data, again.len, "/./", 3) == NULL &&
	               !(again.len >= 3 && memcmp(again.data + again.len - 3, "/..", 3) == 0),
	           "check_resolve left a dot part: %.*s", (int)again.len, again.data);
	buf_reset(&again);
	path_decode(p, size, &again);
	FUZZ_CHECK(again.len <= size, "path_decode made %zu bytes of %zu", again.len, size);
	FUZZ_CHECK(memchr(p, '%', size) != NULL ||
	               (again.len == size && (size == 0 || memcmp(again.data, p, size) == 0)),
	           "path_decode changed what holds no %%");
	for (int decode = 0; decode <= 1; decode++) {
		enum path_result r = path_canon(p, size, decode, &out, &changed);
		FUZZ_CHECK(r == PATH_OK || r == PATH_BAD || r == PATH_NOMATCH, "result %d", r);
		if (r != PATH_OK)
			continue;
		path_check(&out);
		lookup(&out);
		/* Canonical is a fixed point: as a route it stays what it is. */
		FUZZ_CHECK(path_canon(out.data, out.len, 0, &again, &changed2) == PATH_OK,
		           "canonical path refused");
		FUZZ_CHECK(again.len == out.len && memcmp(again.data, out.data, out.len) == 0 &&
		               changed2 == 0,
		           "not a fixed point: %.*s -> %.*s", (int)out.len, out.data,
		           (int)again.len, again.data);
		/* What a post's route can be, a request can reach: encoded, it decodes back. */
		if (decode == 0 && out.len > 1) {
			buf_reset(&uri);
			for (size_t i = 0; i < out.len; i++)
				buf_printf(&uri, out.data[i] == '/' ? "/" : "%%%02X",
				           (unsigned char)out.data[i]);
			FUZZ_CHECK(path_canon(uri.data, uri.len, 1, &again, &changed2) == PATH_OK &&
			               again.len == out.len &&
			               memcmp(again.data, out.data, out.len) == 0,
			           "route %.*s not reachable", (int)out.len, out.data);
		}
	}

	/* REQUEST_URI is a C string: it ends at the first NUL. */
	buf_reset(&uri);
	buf_add(&uri, p, size);
	struct fuzz_env e = {"GET", buf_cstr(&uri)};
	struct request_env env = {fuzz_param, &e};
	static const char *const mounts[] = {"/", "/blog/"};
	for (size_t m = 0; m < 2; m++) {
		request_parse(&rq, &env, mounts[m]);
		FUZZ_CHECK(rq.status == 0 || rq.status == 400 || rq.status == 404, "status %d",
		           rq.status);
		FUZZ_CHECK(rq.method == METHOD_GET, "method %d", (int)rq.method);
		if (rq.status != 0)
			continue;
		path_check(&rq.path);
		if (rq.index)
			FUZZ_CHECK(rq.path.len == 1, "index at %.*s", (int)rq.path.len,
			           rq.path.data);
		lookup(&rq.path);
	}
	return 0;
}

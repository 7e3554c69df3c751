/* path_test.c — request path canonicalisation, case by case. */
#include <string.h>

#include "buf.h"
#include "check.h"
#include "path.h"

struct path_case {
	const char *in;
	enum path_result result;
	const char *out; /* when PATH_OK */
	int changed;
};

static const struct path_case cases[] = {
    {"/", PATH_OK, "/", 0},
    {"/on-node-go-concurrency", PATH_OK, "/on-node-go-concurrency", 0},
    {"/a/b/c", PATH_OK, "/a/b/c", 0},
    {"/route/", PATH_OK, "/route", 2},
    {"//route", PATH_OK, "/route", 1},
    {"/a//b///c", PATH_OK, "/a/b/c", 1},
    {"//", PATH_OK, "/", 3},
    {"/%41bc", PATH_OK, "/Abc", PATH_ENCODED}, /* another spelling of /Abc */
    {"/a%2Db", PATH_OK, "/a-b", PATH_ENCODED},
    {"/a%2db", PATH_OK, "/a-b", PATH_ENCODED},
    {"/a%5F%7e%2E", PATH_OK, "/a_~.", PATH_ENCODED},
    {"/%E2%80%99", PATH_OK, "/\xe2\x80\x99", 0},
    {"/a%20b", PATH_OK, "/a b", 0},
    {"/a%2Fb", PATH_OK, "/a/b", 0},
    {"/a%2Fb", PATH_OK, "/a/b", 0},
    {"/a%2fb", PATH_OK, "/a/b", 0},
    {"/%252e%252e%252f", PATH_OK, "/%2e%2e%2f", 0},
    {"/caf%C3%A9", PATH_OK, "/caf\xC3\xA9", 0},
    {"/%C0%AE", PATH_OK, "/\xC0\xAE", 0},
    {"/%FF", PATH_OK, "/\xFF", 0},
    {"/a%20b", PATH_OK, "/a b", 0},
    {"/...", PATH_OK, "/...", 0},
    {"/a.b", PATH_OK, "/a.b", 0},
    {"/.well-known", PATH_OK, "/.well-known", 0},
    {"/..", PATH_NOMATCH, NULL, 0},
    {"/.", PATH_NOMATCH, NULL, 0},
    {"/a/../b", PATH_NOMATCH, NULL, 0},
    {"/a/./b", PATH_NOMATCH, NULL, 0},
    {"/..%2f..%2fetc%2fpasswd", PATH_NOMATCH, NULL, 0},
    {"/%2e%2e/%2e%2e/etc/passwd", PATH_NOMATCH, NULL, 0},
    {"/%2E%2E", PATH_NOMATCH, NULL, 0},
    {"/p/....//", PATH_OK, "/p/....", 3},
    {"/a/..", PATH_NOMATCH, NULL, 0},
    {"/%00", PATH_BAD, NULL, 0},
    {"/a%0d%0aSet-Cookie:x", PATH_BAD, NULL, 0},
    {"/a%0a", PATH_BAD, NULL, 0},
    {"/a\tb", PATH_BAD, NULL, 0},
    {"/a%7f", PATH_BAD, NULL, 0},
    {"/%zz", PATH_BAD, NULL, 0},
    {"/%4", PATH_BAD, NULL, 0},
    {"/abc%", PATH_BAD, NULL, 0},
    {"", PATH_BAD, NULL, 0},
    {"relative", PATH_BAD, NULL, 0},
    {"%2Fetc", PATH_BAD, NULL, 0},
};

int main(void)
{
	struct buf out = {0};
	char name[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct path_case *c = &cases[i];
		int changed = -1;
		enum path_result r = path_canon(c->in, strlen(c->in), 1, &out, &changed);
		snprintf(name, sizeof(name), "canon \"%s\"", c->in);
		if (r != c->result) {
			check("path", name, 0, "result %d, expected %d", r, c->result);
			continue;
		}
		if (r == PATH_OK) {
			int same =
			    out.len == strlen(c->out) && memcmp(out.data, c->out, out.len) == 0;
			check("path", name, same && changed == c->changed,
			      "got \"%.*s\" changed=%d, expected \"%s\" changed=%d", (int)out.len,
			      out.data, changed, c->out, c->changed);
		} else {
			check("path", name, 1, "");
		}
	}
	/* Routes from front matter are taken as written: no decoding. */
	int changed;
	path_canon("100%-sure", 9, 0, &out, &changed);
	check("path", "route \"100%-sure\" is not decoded",
	      out.len == 10 && memcmp(out.data, "/100%-sure", 10) == 0, "got %.*s", (int)out.len,
	      out.data);
	check("path", "route \"../x\" names nothing",
	      path_canon("../x", 4, 0, &out, &changed) == PATH_NOMATCH, "");
	check("path", "route with a newline is refused",
	      path_canon("a\nb", 3, 0, &out, &changed) == PATH_BAD, "");
	/* A long path costs linear time and no fixed buffer. */
	struct buf big = {0};
	buf_addc(&big, '/');
	for (int i = 0; i < 200000; i++)
		buf_adds(&big, "%41");
	check("path", "600 KB path decodes",
	      path_canon(big.data, big.len, 1, &out, &changed) == PATH_OK && out.len == 200001,
	      "len %zu", out.len);
	buf_free(&big);
	/* path_decode: two hex digits, else the '%' stays. */
	static const char *const decodes[][2] = {
	    {"a%20b", "a b"}, {"%C3%A9", "\xC3\xA9"}, {"%", "%"},     {"%4", "%4"},
	    {"%4g", "%4g"},   {"100%", "100%"},       {"%%41", "%A"}, {"%2f%2F", "//"}};
	for (size_t i = 0; i < sizeof(decodes) / sizeof(decodes[0]); i++) {
		buf_reset(&out);
		path_decode(decodes[i][0], strlen(decodes[i][0]), &out);
		snprintf(name, sizeof(name), "path_decode \"%s\"", decodes[i][0]);
		check("path", name,
		      out.len == strlen(decodes[i][1]) &&
		          memcmp(out.data, decodes[i][1], out.len) == 0,
		      "got %.*s", (int)out.len, out.data);
	}
	buf_free(&out);
	return check_exit();
}

/* fuzz_request.c — the whole request handler, driven by fuzzed CGI variables. The input is
 * split on NUL bytes into REQUEST_METHOD, REQUEST_URI, HTTP_IF_NONE_MATCH and
 * HTTP_IF_MODIFIED_SINCE (a variable the input does not reach is absent); a fifth part
 * picks the second site, mounted at /blog/. Each request goes through dispatch() and
 * response_serialize() as server_cgi() answers it, and the response is checked. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "dispatch.h"
#include "fuzz.h"
#include "log.h"
#include "request.h"
#include "response.h"
#include "site.h"

/* The response as the server sends it, head and body in one buffer. */
static void fuzz_serialize(const struct response *rs, struct buf *out)
{
	const char *body;
	size_t len;

	response_serialize(rs, out, &body, &len);
	buf_add(out, body, len);
}

static size_t fuzz_body_len(const struct response *rs)
{
	return rs->page ? rs->page->len : rs->body.len;
}

static const char *fuzz_body(const struct response *rs)
{
	return rs->page ? rs->page->data : rs->body.data;
}

static struct config conf[2];
static struct site *sites[2];

/* Posts beside the first one: tags, aliases, a date, a schedule, a draft, a summary. */
static const char *const fuzz_posts[] = {
    "tagged.md",
    "---\ntitle: Tagged <b>&</b> moved\ndate: 2023-02-28T10:00:00+01:00\n"
    "tags: [rust, Go Lang, \"a/b\"]\naliases: [/old/address, /2014/x.html]\n"
    "categories: [News, \"C/C++\"]\nseries: Part\n"
    "robots: noindex\nsummary: In one line.\nauthor: Ada\n---\nBody with **bold**.\n",
    "2014-09-15-Rust-1.0.md",
    "---\ntitle: Rust 1.0\ntags: rust\nredirect_from: /rust\ncategory: News\nseries: Part\n---\n"
    "# Rust\n\nFirst.\n\n"
    "<!--more-->\n\nMore.\n",
    "future.md",
    "---\ntitle: Later\nroute: later\npublishDate: 2999-01-01\n---\nSoon.\n",
    "expired.md",
    "---\ntitle: Gone\nroute: gone\nexpiryDate: 2001-01-01\n---\nGone.\n",
    "draft.md",
    "---\ntitle: Draft\ndraft: true\n---\nNot yet.\n",
    "odd.md",
    "---\ntitle: \"caf\\u00e9 \\\"x\\\"\"\nroute: /caf\xc3\xa9/x y\nlayout: post\norder: 2\n"
    "---\n<span emoji='grinning-face'></span> | a |\n|---|\n| b |\n",
    NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR);
	/* Nothing kept between requests: each input renders what it asks for. */
	cache_init(0);
	char *files[2] = {
	    fuzz_site(
	        "root",
	        "permalink: /:year/:month/:day/:slug\ntaxonomies: [tags, categories, series]\n",
	        fuzz_posts),
	    fuzz_site("blog",
	              "mount: blog\nsort: order\npaginate: 1\nsite:\n  base_url: "
	              "https://example.org/\n  description: \"<Desc>\"\nfeed:\n  content: summary\n"
	              "  size: 2\nmarkdown:\n  raw_html: escape\nhttp:\n  cache_control: public, "
	              "max-age=60, s-maxage=30\npermalink: /:year/:slug/\n",
	              fuzz_posts)};
	for (int i = 0; i < 2; i++) {
		if (config_load(&conf[i], files[i]) < 0)
			exit(1);
		free(files[i]);
	}
	for (int i = 0; i < 2; i++) {
		sites[i] = site_load(&conf[i], NULL, NULL, 1);
		if (sites[i] == NULL || sites[i]->nlisted < 3) {
			fprintf(stderr, "fuzz_request: scratch site %d did not load\n", i);
			exit(1);
		}
	}
	return 0;
}

struct fuzz_vars {
	const char *v[4];
};

static const char *fuzz_param(const char *name, void *ctx)
{
	static const char *const names[] = {"REQUEST_METHOD", "REQUEST_URI", "HTTP_IF_NONE_MATCH",
	                                    "HTTP_IF_MODIFIED_SINCE"};
	const struct fuzz_vars *vars = ctx;

	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return vars->v[i];
	return NULL;
}

/* The header block of a serialized response, "Status: ...\r\n...\r\n", checked line by
 * line; returns its length (the blank line included). */
static size_t check_headers(const struct buf *out, const struct response *rs, int *has_location,
                            int *has_allow)
{
	const char *d = out->data;
	const char *end = memmem(d, out->len, "\r\n\r\n", 4);
	size_t n;

	FUZZ_CHECK(end != NULL, "no end of headers");
	n = (size_t)(end - d) + 4;
	FUZZ_CHECK(out->len >= 8 && memcmp(d, "Status: ", 8) == 0, "Status is not first");
	*has_location = *has_allow = 0;
	for (size_t at = 0; at < n - 2;) {
		const char *nl = memmem(d + at, n - 2 - at, "\r\n", 2);
		size_t len = (size_t)(nl - (d + at));
		const char *line = d + at, *colon = memchr(line, ':', len);
		for (size_t i = 0; i < len; i++)
			FUZZ_CHECK(line[i] != '\r' && line[i] != '\n' && line[i] != '\0',
			           "byte 0x%02x inside header line %.*s", (unsigned char)line[i],
			           (int)len, line);
		FUZZ_CHECK(colon != NULL && colon > line && colon + 1 < line + len &&
		               colon[1] == ' ',
		           "not a header line: %.*s", (int)len, line);
		if (len >= 16 && memcmp(line, "Content-Length: ", 16) == 0) {
			char num[32];
			snprintf(num, sizeof(num), "%zu", fuzz_body_len(rs));
			FUZZ_CHECK(len - 16 == strlen(num) && memcmp(line + 16, num, len - 16) == 0,
			           "%.*s but the body has %zu bytes", (int)len, line,
			           fuzz_body_len(rs));
		}
		*has_location |= len > 10 && memcmp(line, "Location: ", 10) == 0;
		*has_allow |= len == 16 && memcmp(line, "Allow: GET, HEAD", 16) == 0;
		at += len + 2;
	}
	return n;
}

static void check_response(const struct buf *out, const struct response *rs, const char *method)
{
	int location, allow;
	size_t n = check_headers(out, rs, &location, &allow);
	int s = rs->status;

	FUZZ_CHECK(s == 200 || s == 301 || s == 304 || s == 400 || s == 404 || s == 405 || s == 410,
	           "status %d", s);
	FUZZ_CHECK(out->len - n == (rs->head ? 0 : fuzz_body_len(rs)),
	           "%zu bytes after the headers", out->len - n);
	FUZZ_CHECK(rs->head == (method != NULL && strcmp(method, "HEAD") == 0), "HEAD is %d",
	           rs->head);
	FUZZ_CHECK(s != 304 || fuzz_body_len(rs) == 0, "a 304 with a body");
	FUZZ_CHECK(s != 301 || location, "a 301 without Location");
	FUZZ_CHECK(s != 405 || allow, "a 405 without Allow");
	if (method != NULL && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		FUZZ_CHECK(s == 400 || s == 405, "%s answered %d", method, s);
	/* No partial page: whatever is rendered is a whole document. */
	if (s != 304 && strncmp(rs->content_type, "text/html", 9) == 0)
		FUZZ_CHECK(fuzz_body_len(rs) >= 8 &&
		               memcmp(fuzz_body(rs) + fuzz_body_len(rs) - 8, "</html>\n", 8) == 0,
		           "an HTML page that does not end with </html>");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request rq;
	static struct response rs, get_rs;
	static struct buf out, in, get_out;
	struct fuzz_vars vars = {{NULL, NULL, NULL, NULL}};
	int site = 0;

	/* The variables as C strings, cut on NUL. */
	buf_reset(&in);
	buf_add(&in, data, size);
	buf_cstr(&in);
	for (size_t at = 0, i = 0; at <= size && i < 5; i++) {
		const char *p = in.data ? in.data + at : "";
		if (i < 4)
			vars.v[i] = p;
		else
			site = 1;
		at += strlen(p) + 1;
	}
	struct request_env env = {fuzz_param, &vars};
	dispatch(sites[site], &env, &rq, &rs);
	fuzz_serialize(&rs, &out);
	check_response(&out, &rs, vars.v[0]);

	/* HEAD: the same status and headers as GET, no body. */
	if (vars.v[0] != NULL && strcmp(vars.v[0], "HEAD") == 0) {
		vars.v[0] = "GET";
		dispatch(sites[site], &env, &rq, &get_rs);
		fuzz_serialize(&get_rs, &get_out);
		check_response(&get_out, &get_rs, "GET");
		size_t n = check_headers(&out, &rs, &(int){0}, &(int){0});
		FUZZ_CHECK(get_rs.status == rs.status &&
		               get_out.len - fuzz_body_len(&get_rs) == n &&
		               memcmp(get_out.data, out.data, n) == 0,
		           "HEAD and GET differ:\n%.*s\n%.*s", (int)n, out.data,
		           (int)(get_out.len - fuzz_body_len(&get_rs)), get_out.data);
	}
	return 0;
}

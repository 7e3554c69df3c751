/* pages_test.c — golden whole answers: the site in tests/golden-pages/ with the default
 * theme (conf/layouts/), every file dated 2024-01-05, answers each request listed in
 * tests/golden-pages/requests with exactly the bytes of expected/NAME.http: status,
 * headers (validators included) and body. With --regen, writes them instead (check the
 * diff by eye: make golden-regen). */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "config.h"
#include "dispatch.h"
#include "file.h"
#include "log.h"
#include "request.h"
#include "response.h"
#include "scratch.h"
#include "site.h"

#define PAGES_DIR  "tests/golden-pages"
#define PAGES_TIME 1704412800 /* 2024-01-05T00:00:00Z */

/* The CGI variables of one request. */
struct pages_env {
	const char *method, *uri, *var, *value;
};

static const char *pages_param(const char *name, void *ctx)
{
	const struct pages_env *e = ctx;

	if (strcmp(name, "REQUEST_METHOD") == 0)
		return e->method;
	if (strcmp(name, "REQUEST_URI") == 0)
		return e->uri;
	if (strcmp(name, "GATEWAY_INTERFACE") == 0)
		return "CGI/1.1";
	if (e->var != NULL && strcmp(name, e->var) == 0)
		return e->value;
	return NULL;
}

/* Copy every file of folder from into folder to, dated PAGES_TIME. */
static int pages_copy(const char *from, const char *to)
{
	struct buf data = {0}, src = {0}, dst = {0};
	struct timespec times[2] = {{PAGES_TIME, 0}, {PAGES_TIME, 0}};
	DIR *d = opendir(from);
	struct dirent *e;
	int rc = 0;

	if (d == NULL || mkdir(to, 0700) < 0)
		rc = -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		buf_reset(&src);
		buf_reset(&dst);
		buf_printf(&src, "%s/%s", from, e->d_name);
		buf_printf(&dst, "%s/%s", to, e->d_name);
		FILE *f = NULL;
		if (file_read(AT_FDCWD, buf_cstr(&src), 0, 1 << 20, &data, NULL) < 0 ||
		    (f = fopen(buf_cstr(&dst), "wb")) == NULL ||
		    fwrite(data.data, 1, data.len, f) != data.len)
			rc = -1;
		if (f != NULL && fclose(f) != 0)
			rc = -1;
		if (rc == 0)
			rc = utimensat(AT_FDCWD, dst.data, times, 0);
	}
	if (d != NULL)
		closedir(d);
	if (rc == 0)
		rc = utimensat(AT_FDCWD, to, times, 0);
	buf_free(&data);
	buf_free(&src);
	buf_free(&dst);
	return rc;
}

int main(int argc, char **argv)
{
	int regen = argc > 1 && strcmp(argv[1], "--regen") == 0;
	const char *t = getenv("TMPDIR");
	struct buf dir = {0}, path = {0}, text = {0}, want = {0}, out = {0};
	struct timespec times[2] = {{PAGES_TIME, 0}, {PAGES_TIME, 0}};
	struct config c = {0};
	struct site *s = NULL;
	int loaded = 0;

	log_set_level(LOG_ERROR);
	buf_printf(&dir, "%s/quire-pages-test-XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp((char *)buf_cstr(&dir)) == NULL) {
		check("pages", "a temporary folder", 0, "");
		return 1;
	}
	buf_printf(&path, "%s/posts", dir.data);
	buf_printf(&text, "%s/layouts", dir.data);
	if (pages_copy(PAGES_DIR "/posts", buf_cstr(&path)) < 0 ||
	    pages_copy("conf/layouts", buf_cstr(&text)) < 0 ||
	    file_read(AT_FDCWD, PAGES_DIR "/quire.yaml", 0, CONFIG_MAX, &want, NULL) < 0) {
		check("pages", "the golden site is copied", 0, "");
		goto out;
	}
	buf_adds(&want, "layouts: layouts\n");
	buf_reset(&path);
	buf_printf(&path, "%s/quire.yaml", dir.data);
	FILE *f = fopen(buf_cstr(&path), "wb");
	if (f == NULL || fwrite(want.data, 1, want.len, f) != want.len || fclose(f) != 0 ||
	    utimensat(AT_FDCWD, path.data, times, 0) < 0 || config_load(&c, path.data) < 0) {
		check("pages", "the golden site's configuration loads", 0, "");
		goto out;
	}
	loaded = 1;
	if ((s = site_load(&c, NULL, NULL, 1)) == NULL) {
		check("pages", "the golden site loads", 0, "");
		goto out;
	}
	if (file_read(AT_FDCWD, PAGES_DIR "/requests", 0, 1 << 20, &text, NULL) < 0) {
		check("pages", "the list of requests", 0, "");
		goto out;
	}
	buf_cstr(&text);
	for (char *line = strtok(text.data, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		char name[64], method[16], uri[256];
		int used = 0;
		if (line[0] == '#' ||
		    sscanf(line, "%63s %15s %255s %n", name, method, uri, &used) < 3)
			continue;
		struct pages_env env = {method, uri, NULL, NULL};
		char *var = used > 0 ? line + used : NULL, *eq = var ? strchr(var, '=') : NULL;
		if (eq != NULL) {
			*eq = '\0';
			env.var = var;
			env.value = eq + 1;
		}
		struct request_env re = {pages_param, &env};
		struct request rq = {0};
		struct response rs = {0};
		const char *body;
		size_t len;
		dispatch(s, &re, &rq, &rs);
		buf_reset(&out);
		response_serialize(&rs, &out, &body, &len);
		buf_add(&out, body, len);
		request_free(&rq);
		response_free(&rs);

		buf_reset(&path);
		buf_printf(&path, PAGES_DIR "/expected/%s.http", name);
		if (regen) {
			FILE *w = fopen(buf_cstr(&path), "wb");
			int ok = w != NULL && fwrite(out.data, 1, out.len, w) == out.len;
			if (w != NULL && fclose(w) != 0)
				ok = 0;
			check("pages", name, ok, "cannot write %s", path.data);
			continue;
		}
		if (file_read(AT_FDCWD, buf_cstr(&path), 0, 1 << 24, &want, NULL) < 0) {
			check("pages", name, 0, "no %s: run make golden-regen and check it",
			      path.data);
			continue;
		}
		check("pages", name,
		      want.len == out.len && memcmp(want.data, out.data, out.len) == 0,
		      "%s %s differs from %s:\n%s", method, uri, path.data, buf_cstr(&out));
	}
out:
	site_release(s);
	if (loaded)
		config_free(&c);
	scratch_rm(dir.data);
	buf_free(&dir);
	buf_free(&path);
	buf_free(&text);
	buf_free(&want);
	buf_free(&out);
	return check_exit();
}

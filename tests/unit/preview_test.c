/* preview_test.c — preview tokens made and checked, each way a token is refused, and the
 * key in the state folder: made once, mode 0600, read back, refused when damaged. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "check.h"
#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "page.h"
#include "preview.h"
#include "request.h"
#include "response.h"
#include "scratch.h"
#include "site.h"

#define S    "preview"
#define NOW  1767312000 /* 2026-01-02 */
#define NAME "2026-01-02-draft.md"

static unsigned char key[PREVIEW_KEY_SIZE], other[PREVIEW_KEY_SIZE];

static int accepts(const char *token, size_t len, time_t now, struct buf *name)
{
	return preview_check(key, token, len, now, name) == 0;
}

static void token(const char *name, time_t expiry, struct buf *out)
{
	buf_reset(out);
	preview_token(key, name, strlen(name), expiry, out);
	buf_cstr(out);
}

static void round_trip(void)
{
	struct buf t = {0}, name = {0};

	token(NAME, NOW + 7 * 86400, &t);
	check(S, "a token names its file and expiry in the clear, then the MAC",
	      strncmp(t.data, "MjAyNi0wMS0wMi1kcmFmdC5tZA.1767916800.", 38) == 0 &&
	          t.len == 38 + 43,
	      "%s", t.data);
	check(S, "round trip: the token gives back its file name",
	      accepts(t.data, t.len, NOW, &name) && name.len == strlen(NAME) &&
	          memcmp(name.data, NAME, name.len) == 0,
	      "%.*s", (int)name.len, name.data ? name.data : "");
	check(S, "valid until the second before its expiry",
	      accepts(t.data, t.len, NOW + 7 * 86400 - 1, &name), "");
	check(S, "expired at its expiry", !accepts(t.data, t.len, NOW + 7 * 86400, &name), "");
	check(S, "a refused token leaves no name", name.len == 0, "%zu", name.len);
	check(S, "another key's token is refused",
	      preview_check(other, t.data, t.len, NOW, &name) < 0, "");
	/* Names of every length mod 3, and bytes outside ASCII. */
	const char *names[] = {"a.md", "ab.md", "abc.md", "caf\xc3\xa9 \xff.md"};
	int ok = 1;
	for (size_t i = 0; i < 4; i++) {
		token(names[i], NOW + 1, &t);
		ok &= accepts(t.data, t.len, NOW, &name) && name.len == strlen(names[i]) &&
		      memcmp(name.data, names[i], name.len) == 0;
	}
	check(S, "round trip for names of each length mod 3 and any bytes", ok, "");
	buf_free(&t);
	buf_free(&name);
}

/* The token t with the bytes at [at, at + n) replaced by with. */
static int accepts_edit(const struct buf *t, size_t at, size_t n, const char *with)
{
	struct buf e = {0}, name = {0};
	int ok;

	buf_add(&e, t->data, at);
	buf_adds(&e, with);
	buf_add(&e, t->data + at + n, t->len - at - n);
	ok = accepts(e.data ? e.data : "", e.len, NOW, &name);
	buf_free(&e);
	buf_free(&name);
	return ok;
}

static void rejections(void)
{
	struct buf t = {0}, name = {0}, big = {0};
	const size_t n64 = 26, e = 27; /* where the name's base64 ends, where the expiry starts */

	token(NAME, NOW + 86400, &t);
	check(S, "the token used for the cases below is good", accepts(t.data, t.len, NOW, &name),
	      "");
	check(S, "empty", !accepts("", 0, NOW, &name), "");
	check(S, "garbage", !accepts("garbage", 7, NOW, &name), "");
	check(S, "garbage with two dots", !accepts("a.b.c", 5, NOW, &name), "");
	check(S, "three dots", !accepts_edit(&t, t.len, 0, ".x"), "");
	check(S, "truncated by one", !accepts(t.data, t.len - 1, NOW, &name), "");
	check(S, "truncated to the name and expiry", !accepts(t.data, e + 11, NOW, &name), "");
	check(S, "truncated at each length", ({
		      int none = 1;
		      for (size_t i = 0; i < t.len; i++)
			      none &= !accepts(t.data, i, NOW, &name);
		      none;
	      }),
	      "");
	/* Tampered: another name (same length), another expiry, another MAC. */
	check(S, "tampered name", !accepts_edit(&t, 0, 1, "N"), "");
	check(S, "tampered expiry (later)", !accepts_edit(&t, e, 1, "2"), "");
	check(S, "tampered expiry (leading zero)", !accepts_edit(&t, e, 0, "0"), "");
	check(S, "tampered expiry (a sign)", !accepts_edit(&t, e, 0, "+"), "");
	check(S, "tampered MAC",
	      !accepts_edit(&t, t.len - 2, 1, t.data[t.len - 2] == 'A' ? "B" : "A"), "");
	/* The last character of 43 carries 2 bits past the MAC's 256: one spelling only. */
	char last[2] = {t.data[t.len - 1] ^ 1, 0};
	check(S, "the MAC's unused bits set", !accepts_edit(&t, t.len - 1, 1, last), "");
	check(S, "base64 padding", !accepts_edit(&t, t.len, 0, "="), "");
	check(S, "standard base64's + and /",
	      !accepts_edit(&t, 0, 1, "+") && !accepts_edit(&t, 0, 1, "/"), "");
	check(S, "a name of no bytes", !accepts_edit(&t, 0, n64, ""), "");
	check(S, "an expiry of no digits", !accepts_edit(&t, e, 10, ""), "");
	check(S, "an expiry of 13 digits", !accepts_edit(&t, e, 0, "100"), "");
	for (size_t i = 0; i < 10 * 1024; i++)
		buf_addc(&big, i % 100 == 50 ? '.' : 'A');
	check(S, "a token of 10 KB", !accepts(big.data, big.len, NOW, &name), "");
	buf_reset(&big);
	buf_add(&big, t.data, t.len);
	check(S, "a good token followed by 10 KB", ({
		      for (size_t i = 0; i < 10 * 1024; i++)
			      buf_addc(&big, 'A');
		      !accepts(big.data, big.len, NOW, &name);
	      }),
	      "");
	/* Names the MAC covers but no post file can have: the key's holder made them. */
	token("../conf/quire.yaml", NOW + 1, &t);
	check(S, "a name with a slash, even with a good MAC", !accepts(t.data, t.len, NOW, &name),
	      "");
	buf_reset(&t);
	preview_token(key, "a\0b.md", 6, NOW + 1, &t);
	check(S, "a name with a NUL, even with a good MAC", !accepts(t.data, t.len, NOW, &name),
	      "");
	char longname[300];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	token(longname, NOW + 1, &t);
	check(S, "a name longer than NAME_MAX", !accepts(t.data, t.len, NOW, &name), "");
	buf_free(&t);
	buf_free(&name);
	buf_free(&big);
}

static void key_file(void)
{
	char dir[4096];
	unsigned char k1[PREVIEW_KEY_SIZE], k2[PREVIEW_KEY_SIZE];
	struct buf state = {0}, path = {0};
	struct stat st;

	scratch_dir("preview", dir, sizeof(dir));
	buf_printf(&state, "%s/state", dir);
	buf_cstr(&state);
	check(S, "no key: read says ENOENT",
	      preview_key_read(state.data, k1) < 0 && errno == ENOENT, "%s", strerror(errno));
	check(S, "made when missing, with its folder", preview_key_make(state.data, k1) == 0, "%s",
	      strerror(errno));
	buf_printf(&path, "%s/" PREVIEW_KEY_FILE, state.data);
	check(S, "the key file: 32 bytes, mode 0600",
	      stat(buf_cstr(&path), &st) == 0 && st.st_size == PREVIEW_KEY_SIZE &&
	          (st.st_mode & 0777) == 0600,
	      "%o %lld", (unsigned)st.st_mode, (long long)st.st_size);
	check(S, "made again: the same key",
	      preview_key_make(state.data, k2) == 0 && memcmp(k1, k2, sizeof(k1)) == 0, "");
	check(S, "read: the same key",
	      preview_key_read(state.data, k2) == 0 && memcmp(k1, k2, sizeof(k1)) == 0, "");
	scratch_write(path.data, "short", 5);
	check(S, "a key file of the wrong size is refused, not replaced",
	      preview_key_read(state.data, k2) < 0 && errno == EINVAL &&
	          preview_key_make(state.data, k2) < 0 && stat(path.data, &st) == 0 &&
	          st.st_size == 5,
	      "");
	unlink(path.data);
	check(S, "rotated: deleted, a new key is made",
	      preview_key_make(state.data, k2) == 0 && memcmp(k1, k2, sizeof(k1)) != 0, "");
	scratch_rm(dir);
	buf_free(&state);
	buf_free(&path);
}

static const char *served_param(const char *name, void *ctx)
{
	if (strcmp(name, "REQUEST_METHOD") == 0)
		return "GET";
	if (strcmp(name, "REQUEST_URI") == 0)
		return ctx;
	return NULL;
}

/* The whole answer to GET uri, as a responder sends it, into out. */
static int served_get(const struct site *s, const char *uri, struct buf *out)
{
	struct request_env env = {served_param, (void *)uri};
	struct request rq = {0};
	struct response rs = {0};
	const char *body;
	size_t len;
	int status;

	dispatch(s, &env, &rq, &rs);
	status = rs.status;
	buf_reset(out);
	response_serialize(&rs, out, &body, &len);
	buf_add(out, body, len);
	buf_cstr(out);
	request_free(&rq);
	response_free(&rs);
	return status;
}

/* Through dispatch() on a scratch site: the draft at its preview address, rendered for
 * the request alone; a bad token answered as an unknown address is. */
static void served(void)
{
	char dir[4096], top[4096];
	struct buf path = {0}, text = {0}, uri = {0}, out = {0}, want = {0};
	unsigned char k[PREVIEW_KEY_SIZE];
	struct config c;
	struct site *s = NULL;

	scratch_dir("preview", dir, sizeof(dir));
	if (getcwd(top, sizeof(top)) == NULL)
		top[0] = '\0';
	buf_printf(&path, "%s/posts", dir);
	mkdir(buf_cstr(&path), 0700);
	buf_adds(&path, "/" NAME);
	buf_adds(&text, "---\ntitle: Draft\nroute: draft\ndraft: true\n---\nDRAFT-TEXT\n");
	scratch_write(buf_cstr(&path), text.data, text.len);
	buf_reset(&path);
	buf_printf(&path, "%s/posts/live.md", dir);
	buf_reset(&text);
	buf_adds(&text, "---\ntitle: Live\nroute: live\n---\nLIVE-TEXT\n");
	scratch_write(buf_cstr(&path), text.data, text.len);
	buf_reset(&path);
	buf_printf(&path, "%s/quire.yaml", dir);
	buf_reset(&text);
	buf_printf(&text, "posts: posts\nstate: state\nlayouts: %s/conf/layouts\n", top);
	scratch_write(buf_cstr(&path), text.data, text.len);
	buf_reset(&text);
	buf_printf(&text, "%s/state", dir);
	if (config_load(&c, path.data) < 0 || preview_key_make(buf_cstr(&text), k) < 0 ||
	    (s = site_load(&c, NULL, NULL, 1)) == NULL) {
		check(S, "the scratch site loads", 0, "");
		goto out;
	}
	cache_init(1 << 20);
	preview_start(&c);
	buf_adds(&uri, "/_preview/");
	preview_token(k, NAME, strlen(NAME), time(NULL) + 60, &uri);
	int st = served_get(s, buf_cstr(&uri), &out);
	check(S, "dispatch: the draft at its preview address, 200, both headers, no ETag",
	      st == 200 && strstr(out.data, "DRAFT-TEXT") != NULL &&
	          strstr(out.data, "\r\nX-Robots-Tag: noindex\r\n") != NULL &&
	          strstr(out.data, "\r\nCache-Control: private, no-store\r\n") != NULL &&
	          strstr(out.data, "ETag") == NULL,
	      "%d %.300s", st, out.data);
	check(S, "dispatch: the previewed page is not in the render cache",
	      cache_get(page_key(s, NAME)) == NULL, "");
	served_get(s, "/live", &out);
	struct cache_entry *e = cache_get(page_key(s, "live.md"));
	check(S, "dispatch: a public page is (the check above can see the cache)", e != NULL, "");
	cache_release(e);
	check(S, "dispatch: the draft's own route is 404", served_get(s, "/draft", &out) == 404,
	      "");
	served_get(s, "/no-such-page", &want);
	uri.data[uri.len - 1] ^= 1;
	served_get(s, uri.data, &out);
	check(S, "dispatch: a wrong MAC is the same answer as an unknown address",
	      out.len == want.len && memcmp(out.data, want.data, out.len) == 0, "%s", out.data);
out:
	site_release(s);
	config_free(&c);
	scratch_rm(dir);
	buf_free(&path);
	buf_free(&text);
	buf_free(&uri);
	buf_free(&out);
	buf_free(&want);
}

int main(void)
{
	for (size_t i = 0; i < PREVIEW_KEY_SIZE; i++) {
		key[i] = (unsigned char)(i * 7 + 1);
		other[i] = (unsigned char)(i * 7 + 2);
	}
	round_trip();
	rejections();
	key_file();
	log_set_level(LOG_ERROR);
	served();
	return check_exit();
}

/* preview_test.c — preview tokens made and checked, each way a token is refused, and the
 * key in the state folder: made once, mode 0600, read back, refused when damaged. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "preview.h"
#include "scratch.h"

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

int main(void)
{
	for (size_t i = 0; i < PREVIEW_KEY_SIZE; i++) {
		key[i] = (unsigned char)(i * 7 + 1);
		other[i] = (unsigned char)(i * 7 + 2);
	}
	round_trip();
	rejections();
	key_file();
	return check_exit();
}

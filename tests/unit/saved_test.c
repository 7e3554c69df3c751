/* saved_test.c — the posts saved for the next process: a round trip, then damaged files, each
 * refused. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "config.h"
#include "log.h"
#include "post.h"
#include "saved.h"
#include "scratch.h"
#include "site.h"

static const char *const posts[] = {
    "alpha.md",
    "---\ntitle: Alpha\ndate: 2021-03-04\ndescription: The first.\ntags: [alpha-tag, shared]\n"
    "categories: [notes]\naliases: [/old-alpha]\nauthors: [Ann Author, Bob Author]\n"
    "summary: In short.\nrobots: noindex\nlayout: Post\nextra: {n: 3, on: true, list: [1, x]}\n"
    "---\nAlpha's *text*.\n",
    "beta.md",
    "---\ntitle: Beta\ndate: 2021-05-06\ntags: [shared]\n---\nBeta's text.\n",
    NULL,
};

/* Is data refused by saved_decode() (status in *rc), without a snapshot? */
static int saved_refused(const struct config *c, const struct buf *data, int *rc)
{
	struct site_files f = {.posts = (struct post *const *)1, .nposts = 1};
	const char *why = NULL;

	*rc = saved_decode(c, data->data, data->len, &f, &why);
	if (*rc == 0) {
		saved_free(&f);
		return 0;
	}
	return f.posts == NULL && f.nposts == 0 && f.said == NULL && why != NULL;
}

/* Offset of the record of string str (its u32 length, then its bytes) in b, or -1. */
static long saved_find(const struct buf *b, const char *str)
{
	struct buf rec = {0};
	uint32_t n = (uint32_t)strlen(str);
	long at = -1;

	buf_add(&rec, &n, sizeof(n));
	buf_add(&rec, str, n);
	const char *p = memmem(b->data, b->len, rec.data, rec.len);
	if (p != NULL)
		at = p - b->data;
	buf_free(&rec);
	return at;
}

/* good with the 4 bytes at offset at set to v, resealed: refused? */
static void saved_patch_case(const struct config *c, const struct buf *good, long at, uint32_t v,
                             int want_rc, const char *name)
{
	struct buf bad = {0};
	int rc = 0;

	if (at < 0) {
		check("saved", name, 0, "the record is not in the file");
		return;
	}
	buf_add(&bad, good->data, good->len);
	memcpy(bad.data + at, &v, sizeof(v));
	saved_seal(&bad);
	int ok = saved_refused(c, &bad, &rc);
	check("saved", name, ok && (want_rc == 0 || rc == want_rc), "refused %d, status %d", ok,
	      rc);
	buf_free(&bad);
}

/* good with the record of str made the NULL marker (0xffffffff, no bytes), resealed:
 * refused? */
static void saved_null_case(const struct config *c, const struct buf *good, const char *str,
                            const char *name)
{
	struct buf bad = {0};
	long at = saved_find(good, str);
	uint32_t v = UINT32_MAX;
	int rc = 0;

	if (at < 0) {
		check("saved", name, 0, "the record is not in the file");
		return;
	}
	buf_add(&bad, good->data, (size_t)at);
	buf_add(&bad, &v, sizeof(v));
	size_t after = (size_t)at + 4 + strlen(str);
	buf_add(&bad, good->data + after, good->len - after);
	saved_seal(&bad);
	check("saved", name, saved_refused(c, &bad, &rc), "status %d", rc);
	buf_free(&bad);
}

int main(void)
{
	char top[4096];
	struct buf dir = {0}, path = {0}, text = {0}, good = {0}, again = {0}, bad = {0};
	const char *t = getenv("TMPDIR");
	struct config c;
	struct site *s = NULL;
	struct site_files back = {0}, now, first, second;
	const char *why = NULL;
	int rc;

	if (getcwd(top, sizeof(top)) == NULL)
		return 1;
	log_set_level(LOG_ERROR);
	buf_printf(&dir, "%s/quire-saved-test-XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp((char *)buf_cstr(&dir)) == NULL)
		return 1;
	buf_printf(&path, "%s/posts", dir.data);
	mkdir(buf_cstr(&path), 0700);
	for (const char *const *f = posts; *f != NULL; f += 2) {
		buf_reset(&path);
		buf_printf(&path, "%s/posts/%s", dir.data, f[0]);
		scratch_write(buf_cstr(&path), f[1], strlen(f[1]));
	}
	buf_printf(&text, "posts: posts\nstate: state\nlayouts: %s/conf/layouts\n", top);
	buf_reset(&path);
	buf_printf(&path, "%s/quire.yaml", dir.data);
	scratch_write(buf_cstr(&path), text.data, text.len);
	if (config_load(&c, buf_cstr(&path)) < 0) {
		check("saved", "the scratch site's configuration loads", 0, "");
		goto out;
	}
	s = site_load(&c, NULL, NULL, 1);
	if (s == NULL || s->nposts != 2) {
		check("saved", "the scratch site loads", 0, "");
		goto free_config;
	}

	/* The round trip: what comes back encodes to the same bytes. */
	now = site_files(s);
	saved_encode(&c, &now, &good);
	rc = saved_decode(&c, good.data, good.len, &back, &why);
	if (rc == 0)
		saved_encode(&c, &back, &again);
	check("saved", "a snapshot comes back whole",
	      rc == 0 && back.nposts == 2 && back.nsaid == now.nsaid && again.len == good.len &&
	          memcmp(again.data, good.data, good.len) == 0,
	      "status %d (%s)", rc, why ? why : "");
	saved_free(&back);

	/* Saved and loaded through the state folder. */
	saved_save(&c, &now);
	check("saved", "saved_save() then saved_load() gives the posts back",
	      saved_load(&c, &back) == 0 && back.nposts == 2 &&
	          strcmp(back.posts[0]->name, "alpha.md") == 0 && back.posts[0]->tags.len == 2 &&
	          strcmp(back.posts[0]->tags.items[1], "shared") == 0,
	      "");
	saved_free(&back);

	/* Every byte changed, every length cut short: refused. */
	int flips = 1, cuts = 1;
	for (size_t i = 0; i < good.len; i++) {
		buf_reset(&bad);
		buf_add(&bad, good.data, good.len);
		bad.data[i] ^= (char)(i & 1 ? 0x01 : 0xa5);
		flips &= saved_refused(&c, &bad, &rc);
	}
	check("saved", "a file with any one byte changed is refused", flips, "");
	for (size_t n = 0; n < good.len; n++) {
		buf_reset(&bad);
		buf_add(&bad, good.data, n);
		cuts &= saved_refused(&c, &bad, &rc);
	}
	check("saved", "a file cut short anywhere is refused", cuts, "");
	buf_reset(&bad);
	buf_add(&bad, good.data, good.len);
	buf_add(&bad, "x", 1);
	check("saved", "a file with a byte more is refused", saved_refused(&c, &bad, &rc), "");

	/* Records damaged with their checksum made right again: the records are checked too. */
	saved_null_case(&c, &good, "alpha-tag", "a tag of length 0xffffffff is refused");
	saved_null_case(&c, &good, "notes", "a category of length 0xffffffff is refused");
	saved_null_case(&c, &good, "/old-alpha", "an alias of length 0xffffffff is refused");
	saved_null_case(&c, &good, "Bob Author", "an author of length 0xffffffff is refused");
	saved_null_case(&c, &good, "Beta", "a title of length 0xffffffff is refused");
	saved_null_case(&c, &good, "The first.", "a description of length 0xffffffff is refused");
	saved_null_case(&c, &good, "/alpha", "a route of length 0xffffffff is refused");
	saved_null_case(&c, &good, "beta.md", "a file name of length 0xffffffff is refused");
	saved_patch_case(&c, &good, saved_find(&good, "Beta"), 0x7ffffff0, -1,
	                 "a length past the end of the file is refused");
	long key = saved_find(&good, "absolute_url");
	saved_null_case(&c, &good, "absolute_url", "a key of length 0xffffffff is refused");
	/* The key's record, then the value's type and html bytes, then its record. */
	if (key >= 0) {
		struct buf tail = {0};
		uint32_t n;
		memcpy(&n, good.data + key + 18, sizeof(n));
		buf_add(&tail, good.data + key + 18 + 4, n);
		saved_null_case(&c, &good, buf_cstr(&tail),
		                "an absolute_url of length 0xffffffff is refused");
		buf_free(&tail);
	}
	uint32_t urx;
	memcpy(&urx, "_urx", 4);
	saved_patch_case(&c, &good, key < 0 ? -1 : key + 4 + 8, urx, -1,
	                 "a post without absolute_url is refused");
	uint32_t format;
	memcpy(&format, good.data + 12, sizeof(format));
	saved_patch_case(&c, &good, 12, format + 1, 2,
	                 "a file of another format number is refused");

	/* A damaged file in the state folder: ignored and said once, naming it. */
	buf_reset(&path);
	buf_printf(&path, "%s/state/posts", dir.data);
	buf_reset(&bad);
	buf_add(&bad, good.data, good.len);
	bad.data[good.len / 2] ^= 0x10;
	scratch_write(buf_cstr(&path), bad.data, bad.len);
	buf_reset(&text);
	buf_printf(&text, "%s/log", dir.data);
	int saved = dup(2);
	fflush(stderr);
	if (freopen(buf_cstr(&text), "w", stderr) == NULL)
		return 1;
	log_set_level(LOG_WARN);
	int rc1 = saved_load(&c, &first), rc2 = saved_load(&c, &second);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_set_level(LOG_ERROR);
	scratch_read(buf_cstr(&text), &again);
	const char *said = strstr(again.data, path.data);
	check("saved", "a damaged file is ignored and said once, naming it",
	      rc1 < 0 && rc2 < 0 && first.posts == NULL && second.posts == NULL && said != NULL &&
	          strstr(said + 1, path.data) == NULL,
	      "log: %s", again.data);
	saved_save(&c, &now);
	check("saved", "the damaged file is written anew",
	      saved_load(&c, &back) == 0 && back.nposts == 2, "");
	saved_free(&back);

	site_release(s);
free_config:
	config_free(&c);
out:
	scratch_rm(dir.data);
	buf_free(&dir);
	buf_free(&path);
	buf_free(&text);
	buf_free(&good);
	buf_free(&again);
	buf_free(&bad);
	return check_exit();
}

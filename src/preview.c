/* preview.c — preview addresses: the key in the state folder, tokens made and checked, and
 * the server's look-up of the post a token shows. */
#include "preview.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "file.h"
#include "log.h"
#include "post.h"
#include "route.h"
#include "site.h"

#define PREVIEW_MAC_CHARS  43  /* 32 bytes in base64url without padding */
#define PREVIEW_EXPIRY_MAX 12  /* digits: past the year 33000 */
#define PREVIEW_NAME_MAX   255 /* NAME_MAX: a file name in the posts folder */

static const char preview_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url of len bytes at p, without padding, appended to out. */
static void preview_b64_encode(const unsigned char *p, size_t len, struct buf *out)
{
	size_t i = 0;

	for (; i + 3 <= len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		buf_addc(out, preview_b64[v >> 18]);
		buf_addc(out, preview_b64[(v >> 12) & 63]);
		buf_addc(out, preview_b64[(v >> 6) & 63]);
		buf_addc(out, preview_b64[v & 63]);
	}
	if (len - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		buf_addc(out, preview_b64[v >> 18]);
		buf_addc(out, preview_b64[(v >> 12) & 63]);
	} else if (len - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		buf_addc(out, preview_b64[v >> 18]);
		buf_addc(out, preview_b64[(v >> 12) & 63]);
		buf_addc(out, preview_b64[(v >> 6) & 63]);
	}
}

static int preview_b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Decode len characters of base64url without padding into out (emptied first): 0, or -1
 * for anything but the one spelling preview_b64_encode() makes (a character outside the
 * alphabet, a length no bytes have, bits set past the last byte). */
static int preview_b64_decode(const char *s, size_t len, struct buf *out)
{
	unsigned v = 0;
	int bits = 0;

	buf_reset(out);
	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int d = preview_b64_value(s[i]);
		if (d < 0)
			return -1;
		v = (v << 6 | (unsigned)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(out, (char)(v >> bits & 0xff));
		}
	}
	/* What is left over must be zero bits. */
	return (v & ((1u << bits) - 1)) == 0 ? 0 : -1;
}

/* HMAC-SHA256(key, name NUL expiry) into mac. */
static void preview_mac(const unsigned char key[PREVIEW_KEY_SIZE], const char *name, size_t len,
                        const char *expiry, size_t elen, unsigned char mac[SHA256_DIGEST_SIZE])
{
	struct hmac_sha256_ctx ctx;

	hmac_sha256_set_key(&ctx, PREVIEW_KEY_SIZE, key);
	hmac_sha256_update(&ctx, len, (const uint8_t *)name);
	hmac_sha256_update(&ctx, 1, (const uint8_t *)"");
	hmac_sha256_update(&ctx, elen, (const uint8_t *)expiry);
	hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, mac);
	memset(&ctx, 0, sizeof(ctx));
}

void preview_token(const unsigned char key[PREVIEW_KEY_SIZE], const char *name, size_t len,
                   time_t expiry, struct buf *out)
{
	unsigned char mac[SHA256_DIGEST_SIZE];
	char e[32];
	int elen = snprintf(e, sizeof(e), "%lld", (long long)expiry);

	preview_mac(key, name, len, e, (size_t)elen, mac);
	preview_b64_encode((const unsigned char *)name, len, out);
	buf_addc(out, '.');
	buf_add(out, e, (size_t)elen);
	buf_addc(out, '.');
	preview_b64_encode(mac, sizeof(mac), out);
}

int preview_check(const unsigned char key[PREVIEW_KEY_SIZE], const char *token, size_t len,
                  time_t now, struct buf *name)
{
	unsigned char want[SHA256_DIGEST_SIZE];
	struct buf mac = {0};
	const char *dot1, *dot2, *e;
	size_t elen;
	long long expiry = 0;
	int rc = -1;

	buf_reset(name);
	if (len == 0 || len > PREVIEW_TOKEN_MAX)
		return -1;
	dot1 = memchr(token, '.', len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
	if (dot2 == NULL)
		return -1;
	e = dot1 + 1;
	elen = (size_t)(dot2 - e);
	/* The expiry: decimal, no sign, no leading zero. */
	if (elen == 0 || elen > PREVIEW_EXPIRY_MAX || *e == '0')
		return -1;
	for (size_t i = 0; i < elen; i++) {
		if (e[i] < '0' || e[i] > '9')
			return -1;
		expiry = expiry * 10 + (e[i] - '0');
	}
	if (len - (size_t)(dot2 + 1 - token) != PREVIEW_MAC_CHARS ||
	    preview_b64_decode(dot2 + 1, PREVIEW_MAC_CHARS, &mac) < 0 ||
	    mac.len != SHA256_DIGEST_SIZE)
		goto out;
	if (preview_b64_decode(token, (size_t)(dot1 - token), name) < 0 || name->len == 0 ||
	    name->len > PREVIEW_NAME_MAX || memchr(name->data, '\0', name->len) != NULL ||
	    memchr(name->data, '/', name->len) != NULL)
		goto out;
	preview_mac(key, name->data, name->len, e, elen, want);
	if (!memeql_sec(want, mac.data, SHA256_DIGEST_SIZE) || (long long)now >= expiry)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		buf_reset(name);
	buf_free(&mac);
	return rc;
}

int preview_key_read(const char *dir, unsigned char key[PREVIEW_KEY_SIZE])
{
	struct buf path = {0}, data = {0};
	int rc = -1;

	buf_printf(&path, "%s/" PREVIEW_KEY_FILE, dir);
	if (file_read(AT_FDCWD, buf_cstr(&path), FILE_NOFOLLOW, PREVIEW_KEY_SIZE, &data, NULL) < 0)
		goto out;
	if (data.len != PREVIEW_KEY_SIZE) {
		errno = EINVAL;
		goto out;
	}
	memcpy(key, data.data, PREVIEW_KEY_SIZE);
	rc = 0;
out:
	if (data.data != NULL)
		memset(data.data, 0, data.len);
	buf_free(&path);
	buf_free(&data);
	return rc;
}

int preview_key_make(const char *dir, unsigned char key[PREVIEW_KEY_SIZE])
{
	unsigned char fresh[PREVIEW_KEY_SIZE];
	struct buf path = {0}, tmp = {0};
	int rc = -1, fd = -1, saved = 0;

	if (preview_key_read(dir, key) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	for (size_t got = 0; got < sizeof(fresh);) {
		ssize_t n = getrandom(fresh + got, sizeof(fresh) - got, 0);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0)
			got += (size_t)n;
	}
	buf_printf(&path, "%s/" PREVIEW_KEY_FILE, dir);
	buf_printf(&tmp, "%s/." PREVIEW_KEY_FILE ".%ld", dir, (long)getpid());
	unlink(buf_cstr(&tmp));
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		saved = errno;
		goto out;
	}
	if (write(fd, fresh, sizeof(fresh)) != (ssize_t)sizeof(fresh) || fsync(fd) < 0)
		saved = errno ? errno : EIO;
	if (close(fd) < 0 && saved == 0)
		saved = errno;
	/* link() never replaces: a key another quire made meanwhile is kept, and read. A
	 * file system without hard links gets it by rename(). */
	if (saved == 0 && link(tmp.data, buf_cstr(&path)) < 0 && errno != EEXIST &&
	    rename(tmp.data, path.data) < 0)
		saved = errno;
	unlink(tmp.data);
	if (saved == 0 && preview_key_read(dir, key) < 0)
		saved = errno;
	rc = saved == 0 ? 0 : -1;
out:
	memset(fresh, 0, sizeof(fresh));
	buf_free(&path);
	buf_free(&tmp);
	errno = saved;
	return rc;
}

/* The server's key. Set once (under preview_lock), then only read: preview_have is
 * stored after the key with release order and loaded with acquire. */
static unsigned char preview_key[PREVIEW_KEY_SIZE];
static int preview_have;
static char preview_dir[PATH_MAX];
static time_t preview_tried;
static pthread_mutex_t preview_lock = PTHREAD_MUTEX_INITIALIZER;

/* Read the key when there is none yet; said once when the file is there but unusable. */
static void preview_load(void)
{
	static int said;
	unsigned char key[PREVIEW_KEY_SIZE];

	if (__atomic_load_n(&preview_have, __ATOMIC_ACQUIRE) || preview_dir[0] == '\0')
		return;
	if (preview_key_read(preview_dir, key) == 0) {
		memcpy(preview_key, key, sizeof(key));
		__atomic_store_n(&preview_have, 1, __ATOMIC_RELEASE);
	} else if (errno != ENOENT && !said) {
		said = 1;
		log_msg(LOG_WARN, "%s/" PREVIEW_KEY_FILE ": %s; preview addresses are not served",
		        preview_dir, errno == EINVAL ? "not a key" : file_strerror(errno));
	}
	memset(key, 0, sizeof(key));
}

void preview_start(const struct config *c)
{
	pthread_mutex_lock(&preview_lock);
	if (c->state_dir != NULL && strlen(c->state_dir) < sizeof(preview_dir))
		snprintf(preview_dir, sizeof(preview_dir), "%s", c->state_dir);
	preview_tried = clock_now();
	preview_load();
	pthread_mutex_unlock(&preview_lock);
}

/* The key, or NULL while there is none. */
static const unsigned char *preview_server_key(void)
{
	if (__atomic_load_n(&preview_have, __ATOMIC_ACQUIRE))
		return preview_key;
	pthread_mutex_lock(&preview_lock);
	time_t now = clock_now();
	if (now != preview_tried) {
		preview_tried = now;
		preview_load();
	}
	pthread_mutex_unlock(&preview_lock);
	return __atomic_load_n(&preview_have, __ATOMIC_ACQUIRE) ? preview_key : NULL;
}

const struct post *preview_find(const struct site *s, const char *token, size_t len)
{
	const unsigned char *key;
	const struct post *found = NULL;
	struct buf name = {0};
	size_t lo = 0, hi = s->nposts;

	if (len == 0 || len > PREVIEW_TOKEN_MAX || (key = preview_server_key()) == NULL ||
	    preview_check(key, token, len, clock_now(), &name) < 0)
		goto out;
	buf_cstr(&name);
	/* s->posts is sorted by file name. */
	while (lo < hi && found == NULL) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->posts[mid]->name, name.data);
		if (c == 0)
			found = s->posts[mid];
		else if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
out:
	buf_free(&name);
	return found;
}

/* The file name of file in the posts folder dir, into name: file is a name there, or a
 * path whose folder is dir. 0, or -1 with why said. */
static int preview_name(const char *dir, const char *file, struct buf *name)
{
	const char *slash = strrchr(file, '/');
	char *want = NULL, *got = NULL;
	struct buf folder = {0};
	int rc = -1;

	buf_reset(name);
	buf_adds(name, slash ? slash + 1 : file);
	buf_cstr(name);
	if (slash == NULL)
		return 0;
	buf_add(&folder, file, (size_t)(slash - file));
	if (folder.len == 0)
		buf_addc(&folder, '/');
	want = realpath(dir, NULL);
	got = realpath(buf_cstr(&folder), NULL);
	if (want == NULL)
		fprintf(stderr, "quire: %s: %s\n", dir, strerror(errno));
	else if (got == NULL || strcmp(want, got) != 0)
		fprintf(stderr, "quire: %s: not in the posts folder %s\n", file, want);
	else
		rc = 0;
	free(want);
	free(got);
	buf_free(&folder);
	return rc;
}

/* When root and told to run as a user, the key is that user's: the server reads it. */
static void preview_key_owner(const struct config *c)
{
	struct passwd *pw;
	struct buf path = {0};

	if (geteuid() != 0 || c->user == NULL || (pw = getpwnam(c->user)) == NULL)
		return;
	buf_printf(&path, "%s/" PREVIEW_KEY_FILE, c->state_dir);
	if (chown(buf_cstr(&path), pw->pw_uid, pw->pw_gid) < 0)
		fprintf(stderr, "quire: cannot give %s to %s: %s\n", path.data, c->user,
		        strerror(errno));
	buf_free(&path);
}

int preview_command(const struct config *c, const char *file, long days)
{
	unsigned char key[PREVIEW_KEY_SIZE];
	struct buf name = {0}, why = {0}, url = {0};
	struct post *p = NULL;
	struct stat st;
	int rc = 1, level, dfd = -1;
	size_t len;

	if (days < 1 || days > 365) {
		fprintf(stderr, "quire: preview: --days must be from 1 to 365\n");
		goto out;
	}
	if (c->state_dir == NULL) {
		fprintf(stderr,
		        "quire: preview needs a state folder for its key: set \"state:\" in %s\n",
		        c->file);
		goto out;
	}
	if (preview_name(c->posts_dir, file, &name) < 0)
		goto out;
	len = name.len;
	if (len < 4 || strcmp(name.data + len - 3, ".md") != 0 || name.data[0] == '.' ||
	    len > PREVIEW_NAME_MAX) {
		fprintf(stderr, "quire: %s: not a post file (NAME.md in %s)\n", file, c->posts_dir);
		goto out;
	}
	dfd = open(c->posts_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		fprintf(stderr, "quire: %s: %s\n", c->posts_dir, strerror(errno));
		goto out;
	}
	p = post_load(dfd, c->posts_dir, name.data, c, &level, &why, &st);
	if (p == NULL) {
		fprintf(stderr, "quire: %s\n", buf_cstr(&why));
		goto out;
	}
	if (preview_key_make(c->state_dir, key) < 0) {
		fprintf(stderr, "quire: %s/" PREVIEW_KEY_FILE ": %s\n", c->state_dir,
		        errno == EINVAL ? "not a key (delete it to make a new one)"
		                        : strerror(errno));
		goto out;
	}
	preview_key_owner(c);
	time_t expiry = clock_now() + (time_t)days * 86400;
	char when[64];
	struct tm tm;
	gmtime_r(&expiry, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	buf_printf(&url, "%s%s%s/", c->site_base_url, c->mount, &ROUTE_PREVIEW[1]);
	preview_token(key, name.data, name.len, expiry, &url);
	printf("%s\nvalid until %s (%ld day%s)\n", buf_cstr(&url), when, days,
	       days == 1 ? "" : "s");
	memset(key, 0, sizeof(key));
	rc = 0;
out:
	if (dfd >= 0)
		close(dfd);
	post_unref(p);
	buf_free(&name);
	buf_free(&why);
	buf_free(&url);
	return rc;
}

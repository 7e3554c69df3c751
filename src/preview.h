/* preview.h — preview addresses: a post not served yet (a draft, a post scheduled for
 * later) shown until a set time to whoever has its address, /_preview/TOKEN. TOKEN is
 * base64url(file name) "." expiry (decimal Unix seconds) "." base64url(HMAC-SHA256(key,
 * file name NUL expiry)), the key 32 random bytes in the state folder's preview.key. */
#ifndef QUIRE_PREVIEW_H
#define QUIRE_PREVIEW_H

#include <stddef.h>
#include <time.h>

struct buf;
struct config;
struct post;
struct site;

#define PREVIEW_KEY_SIZE  32
#define PREVIEW_KEY_FILE  "preview.key"
#define PREVIEW_TOKEN_MAX 600 /* longer tokens are refused before any decoding */

/* The key in dir/preview.key into key: 0, or -1 with errno set (ENOENT: there is none;
 * EINVAL: the file is not 32 bytes). */
int preview_key_read(const char *dir, unsigned char key[PREVIEW_KEY_SIZE]);
/* The key in dir/preview.key, made first when missing (dir too): 32 bytes from
 * getrandom(2), mode 0600, written beside it and then linked into place, so that a
 * reader sees no key or the whole key, and two makers agree on one. 0, or -1 with
 * errno set. */
int preview_key_make(const char *dir, unsigned char key[PREVIEW_KEY_SIZE]);

/* The token for the file name (len bytes) until expiry, appended to out. */
void preview_token(const unsigned char key[PREVIEW_KEY_SIZE], const char *name, size_t len,
                   time_t expiry, struct buf *out);
/* Check the len bytes of token at time now: 0 when it is well formed, made with key
 * and not expired, the file name it names then in name (emptied first); else -1.
 * Strict: one spelling per token, no padding, at most PREVIEW_TOKEN_MAX bytes; the MAC
 * is compared in constant time. */
int preview_check(const unsigned char key[PREVIEW_KEY_SIZE], const char *token, size_t len,
                  time_t now, struct buf *name);

/* quire preview FILE: FILE (a path, or a name in the posts folder) must be a post
 * file of c's posts folder; prints its preview address, good for days days, and when it
 * expires. The key is made when missing. Returns the exit status: 0, or 1 after saying
 * why on stderr. */
int preview_command(const struct config *c, const char *file, long days);

/* The server's key: read from c's state folder (when it has one) before the sandbox;
 * while there is none it is looked for again, at most once a second, when a preview
 * address is asked for. */
void preview_start(const struct config *c);
/* The post of snapshot s that token shows now (a post file of s, drafts and scheduled
 * posts included), or NULL: no key, a bad or expired token, a file s does not have. */
const struct post *preview_find(const struct site *s, const char *token, size_t len);

#endif

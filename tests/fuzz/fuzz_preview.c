/* fuzz_preview.c — preview_check() on any bytes: it accepts only what preview_token() makes
 * (the token made again from the name and expiry it gives back is the input itself), and
 * an input that is a good token with one byte changed is refused. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "preview.h"

#define NOW 1767312000

static unsigned char key[PREVIEW_KEY_SIZE];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 13 + 5);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf name, again, edited;
	const char *p = (const char *)data;

	if (preview_check(key, p, size, NOW, &name) == 0) {
		FUZZ_CHECK(size <= PREVIEW_TOKEN_MAX, "accepted %zu bytes", size);
		FUZZ_CHECK(name.len > 0 && memchr(name.data, '/', name.len) == NULL &&
		               memchr(name.data, '\0', name.len) == NULL,
		           "accepted a name with / or NUL");
		const char *dot = memchr(p, '.', size);
		FUZZ_CHECK(dot != NULL, "accepted without a dot");
		long long expiry = strtoll(dot + 1, NULL, 10);
		FUZZ_CHECK(expiry > NOW, "accepted expired %lld", expiry);
		buf_reset(&again);
		preview_token(key, name.data, name.len, (time_t)expiry, &again);
		FUZZ_CHECK(again.len == size && memcmp(again.data, p, size) == 0,
		           "two spellings of one token");
	} else {
		FUZZ_CHECK(name.len == 0, "a refused token left a name");
	}
	/* The input as a file name: its token is accepted; with a byte changed, refused. */
	if (size == 0 || size > 255 || memchr(p, '/', size) || memchr(p, '\0', size))
		return 0;
	buf_reset(&edited);
	preview_token(key, p, size, NOW + 60, &edited);
	FUZZ_CHECK(preview_check(key, edited.data, edited.len, NOW, &name) == 0 &&
	               name.len == size && memcmp(name.data, p, size) == 0,
	           "own token refused");
	FUZZ_CHECK(preview_check(key, edited.data, edited.len, NOW + 60, &name) < 0,
	           "expired token accepted");
	size_t at = (size_t)data[0] % edited.len;
	edited.data[at] ^= (char)(1 + data[size - 1] % 127);
	FUZZ_CHECK(preview_check(key, edited.data, edited.len, NOW, &name) < 0,
	           "changed at %zu, still accepted", at);
	return 0;
}

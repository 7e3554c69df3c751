/* emoji.c — emoji by their Unicode names, from a table made at build time. */
#include "emoji.h"

#include <string.h>

struct emoji {
	const char *key;
	const char *glyph;
};

static const struct emoji emoji_table[] = {
#include "emoji-table.h"
};

#define EMOJI_KEY_MAX 128

/* Normalise a name as emoji-table.sh does, so "Grinning face" is "grinning-face". */
static size_t emoji_key(const char *name, size_t len, char *key)
{
	size_t n = 0;
	int sep = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '#' || c == '*' ||
		    c >= 0x80 || (c >= 'A' && c <= 'Z')) {
			if (sep && n > 0)
				key[n++] = '-';
			sep = 0;
			key[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		} else {
			sep = 1;
		}
		if (n >= EMOJI_KEY_MAX - 1)
			return 0;
	}
	return n;
}

const char *emoji_lookup(const char *name, size_t len)
{
	char key[EMOJI_KEY_MAX];
	size_t n = emoji_key(name, len, key);
	size_t lo = 0, hi = sizeof(emoji_table) / sizeof(emoji_table[0]);

	if (n == 0)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = emoji_table[mid].key;
		size_t klen = strlen(k);
		int c = memcmp(k, key, klen < n ? klen : n);
		if (c == 0)
			c = klen < n ? -1 : klen > n;
		if (c == 0)
			return emoji_table[mid].glyph;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

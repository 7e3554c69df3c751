/* scan.c — the bytes of a text that are one of a few (scan_mask() in scan.h: sixteen at
 * a time where the machine has SSE2, as every x86-64 has; a byte at a time elsewhere). */
#include "scan.h"

#include <string.h>

void scan_init(struct scan_set *set, const char *bytes, size_t count, int high)
{
	memset(set, 0, sizeof(*set));
	if (count > SCAN_MAX)
		count = SCAN_MAX;
	for (size_t i = 0; i < count; i++) {
		memset(set->lanes[i], (unsigned char)bytes[i], 16);
		set->is[(unsigned char)bytes[i]] = 1;
	}
	set->count = (unsigned char)count;
	set->high = high != 0;
}

size_t scan_find(const struct scan_set *set, const char *p, size_t n)
{
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		unsigned mask = scan_mask(set, p + i, 16);
		if (mask != 0)
			return i + (size_t)__builtin_ctz(mask);
	}
	/* Most of md4c's pieces of text are shorter than sixteen bytes. */
	while (i < n && !scan_in(set, (unsigned char)p[i]))
		i++;
	return i;
}

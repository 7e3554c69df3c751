/* scan_test.c — scan_find(), scan_mask() and scan_match() against a byte at a time: every
 * length to 48 and every alignment, the bytes looked for at each place, high bytes, and
 * texts that end just short of or just past sixteen bytes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scan.h"

#define SUITE "scan"

static size_t naive_find(const struct scan_set *set, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (scan_in(set, (unsigned char)p[i]))
			return i;
	return n;
}

static unsigned naive_match(const char *p, size_t n, const char *pat, size_t plen, int fold)
{
	unsigned mask = 0;

	for (size_t i = 0; i < 16 && i + plen <= n; i++) {
		size_t k = 0;
		while (k < plen &&
		       (fold && pat[k] >= 'a' && pat[k] <= 'z' ? (p[i + k] | 0x20) == pat[k]
		                                               : p[i + k] == pat[k]))
			k++;
		if (k == plen)
			mask |= 1u << i;
	}
	return mask;
}

int main(void)
{
	static const char alphabet[] = "ab.\"'-&<>:/wW\n]|\0\x80\xC3\xA9\xFF";
	struct scan_set sets[4];
	unsigned seed = 7, bad_find = 0, bad_mask = 0, bad_match = 0;
	char text[64 + 16];

	scan_init(&sets[0], "\0\"&<>", 5, 1);
	scan_init(&sets[1], "\"'-.", 4, 0);
	scan_init(&sets[2], "\n]|", 3, 0);
	scan_init(&sets[3], "x", 1, 1);
	for (unsigned round = 0; round < 20000; round++) {
		size_t n = round % 49, off = (round / 49) % 16;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly letters, so that what is looked for comes after a run. */
			unsigned r = (seed >> 16) % 64;
			text[off + i] =
			    r < (unsigned)sizeof(alphabet) - 1 ? alphabet[r] : (char)('a' + r % 26);
		}
		const char *p = text + off;
		for (int s = 0; s < 4; s++) {
			if (scan_find(&sets[s], p, n) != naive_find(&sets[s], p, n))
				bad_find++;
			unsigned want = 0;
			for (size_t i = 0; i < n && i < 16; i++)
				want |= (unsigned)((unsigned char)p[i] >= 0x80
				                       ? sets[s].high
				                       : sets[s].is[(unsigned char)p[i]])
				        << i;
			if (scan_mask(&sets[s], p, n) != want)
				bad_mask++;
		}
		if (scan_match(p, n, "://", 3, 0) != naive_match(p, n, "://", 3, 0) ||
		    scan_match(p, n, "www.", 4, 1) != naive_match(p, n, "www.", 4, 1) ||
		    scan_match(p, n, "w", 1, 0) != naive_match(p, n, "w", 1, 0))
			bad_match++;
	}
	check(SUITE, "scan_find finds what a byte at a time finds (20,000 texts, 4 sets)",
	      bad_find == 0, "%u differ", bad_find);
	check(SUITE, "scan_mask marks what a byte at a time marks", bad_mask == 0, "%u differ",
	      bad_mask);
	check(SUITE, "scan_match finds \"://\", \"www.\" in any case and \"w\" where they are",
	      bad_match == 0, "%u differ", bad_match);

	memset(text, 'a', sizeof(text));
	check(SUITE, "nothing looked for: the length", scan_find(&sets[0], text, 64) == 64, "");
	check(SUITE, "an empty text: 0", scan_find(&sets[0], text, 0) == 0, "");
	text[17] = '<';
	check(SUITE, "'<' after sixteen bytes", scan_find(&sets[0], text, 64) == 17, "");
	check(SUITE, "'<' past the text is not found", scan_find(&sets[0], text, 17) == 17, "");
	text[3] = (char)0xE9;
	check(SUITE, "a high byte with high set", scan_find(&sets[0], text, 64) == 3, "");
	check(SUITE, "a high byte without", scan_find(&sets[1], text, 64) == 64, "");
	text[15] = '\0';
	check(SUITE, "a NUL when it is looked for", scan_find(&sets[0], text + 4, 60) == 11, "");
	check(SUITE, "a NUL when it is not", scan_find(&sets[2], text, 64) == 64, "");
	return check_exit();
}

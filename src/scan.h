/* scan.h — the bytes of a text that are one of a few, and the places of a short string:
 * what the passes over a post look for (the bytes to escape, the marks of typography,
 * what tells the bounds), sixteen bytes at a time. */
#ifndef QUIRE_SCAN_H
#define QUIRE_SCAN_H

#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* What scan_find() and scan_mask() look for: count bytes (1 to SCAN_MAX), each sixteen
 * times over, the same as a table, and with high every byte of 0x80 and above (what
 * starts or goes on a UTF-8 sequence). scan_init() makes one; a constant one is written
 * with SCAN_LANE. */
#define SCAN_MAX 8
#define SCAN_LANE(c)                                                                               \
	{                                                                                          \
		c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c                                     \
	}
struct scan_set {
	_Alignas(16) unsigned char lanes[SCAN_MAX][16];
	unsigned char count, high;
	unsigned char is[256]; /* 1 for each of the count bytes (high ones aside) */
};

/* Is c one of the bytes set looks for? */
static inline int scan_in(const struct scan_set *set, unsigned char c)
{
	return set->is[c] || (set->high && c >= 0x80);
}

/* Make set look for the count bytes of bytes (1 to SCAN_MAX), and with high, for every
 * byte >= 0x80. */
void scan_init(struct scan_set *set, const char *bytes, size_t count, int high);

/* The bytes of set among the first 16 of p (n bytes, fewer when n is less): bit i for
 * p[i]. Inline: the passes call it for every sixteen bytes of a post. */
static inline unsigned scan_mask(const struct scan_set *set, const char *p, size_t n)
{
	unsigned mask = 0;

#ifdef __SSE2__
	if (n >= 16) {
		const __m128i *lane = (const __m128i *)(const void *)set->lanes;
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* A byte's top bit is set in hit where it is looked for. */
		__m128i hit = set->high ? v : _mm_setzero_si128();
		switch (set->count) {
		case 8:
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_load_si128(lane + 7)));
			/* fall through */
		case 7:
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_load_si128(lane + 6)));
			/* fall through */
		case 6:
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_load_si128(lane + 5)));
			/* fall through */
		case 5:
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_load_si128(lane + 4)));
			/* fall through */
		case 4:
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_load_si128(lane + 3)));
			/* fall through */
		case 3:
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_load_si128(lane + 2)));
			/* fall through */
		case 2:
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_load_si128(lane + 1)));
			/* fall through */
		default:
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_load_si128(lane)));
		}
		return (unsigned)_mm_movemask_epi8(hit);
	}
#endif
	if (n > 16)
		n = 16;
	for (size_t i = 0; i < n; i++)
		mask |= (unsigned)scan_in(set, (unsigned char)p[i]) << i;
	return mask;
}

/* The byte at p compared with c, a letter in either case with fold (c in lower case). */
static inline int scan_is(char p, char c, int fold)
{
	return (fold && c >= 'a' && c <= 'z' ? (char)(p | 0x20) : p) == c;
}

#ifdef __SSE2__
/* 0xFF for each of the 16 bytes at p that is c (a letter in either case with fold). */
static inline __m128i scan_lane(const char *p, char c, int fold)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

	if (fold && c >= 'a' && c <= 'z')
		v = _mm_or_si128(v, _mm_set1_epi8(0x20));
	return _mm_cmpeq_epi8(v, _mm_set1_epi8(c));
}
#endif

/* Where the string pat (plen bytes, 1 to 4) starts among the first 16 offsets of p (n
 * bytes): bit i for a match at p[i]; with fold, its letters (in lower case) match in
 * either case. */
static inline unsigned scan_match(const char *p, size_t n, const char *pat, size_t plen, int fold)
{
	unsigned mask = 0;

#ifdef __SSE2__
	if (n >= 15 + plen) {
		__m128i all = scan_lane(p, pat[0], fold);
		if (plen > 1)
			all = _mm_and_si128(all, scan_lane(p + 1, pat[1], fold));
		if (plen > 2)
			all = _mm_and_si128(all, scan_lane(p + 2, pat[2], fold));
		if (plen > 3)
			all = _mm_and_si128(all, scan_lane(p + 3, pat[3], fold));
		return (unsigned)_mm_movemask_epi8(all);
	}
#endif
	for (size_t i = 0; i < 16 && i + plen <= n; i++) {
		size_t k = 0;
		while (k < plen && scan_is(p[i + k], pat[k], fold))
			k++;
		mask |= (unsigned)(k == plen) << i;
	}
	return mask;
}

/* The offset of the first byte of p (n bytes) in set, or n when none is. */
size_t scan_find(const struct scan_set *set, const char *p, size_t n);

#endif

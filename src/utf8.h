/* utf8.h — text as pages and feeds carry it: well-formed UTF-8, whatever a post holds. */
#ifndef QUIRE_UTF8_H
#define QUIRE_UTF8_H

#include <stddef.h>

struct buf;

/* utf8_clean(): also drop what XML 1.0 cannot carry (control characters but tab, LF
 * and CR; U+FFFE and U+FFFF). */
#define UTF8_XML 1

/* The length of the well-formed UTF-8 character that p (n bytes) starts with, or 0 when
 * it is ill-formed (or n is 0). */
size_t utf8_len(const char *p, size_t n);
/* The length of the well-formed UTF-8 that p (n bytes) starts with: n when all of it is. */
size_t utf8_valid(const char *p, size_t n);
/* Append p to out with each ill-formed sequence replaced by one U+FFFD (one for each
 * maximal subpart, as the WHATWG decoder does: a lead byte with the continuation bytes
 * that may follow it, or one stray byte); flags: UTF8_XML or 0. */
void utf8_clean(struct buf *out, const char *p, size_t n, int flags);
/* The UTF-8 of code point cp (at most U+10FFFF) into out: its length, 1 to 4. */
size_t utf8_encode(unsigned cp, char out[4]);
/* Make the bytes of b from start well-formed UTF-8, as utf8_clean(b, ..., 0) would. */
void utf8_fix(struct buf *b, size_t start);

#endif

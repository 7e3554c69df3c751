/* date.h — dates in front matter and file names, and the forms pages and feeds print. */
#ifndef QUIRE_DATE_H
#define QUIRE_DATE_H

#include <stddef.h>
#include <time.h>

/* "2023-02-28", "2023-02-28T10:00:00Z", "2023-02-28 10:00:00 +01:00",
 * "2023-02-28T10:00:00.5-0700": a date without a zone is UTC. -1 when s is
 * none of these or names no real day (2023-02-30). */
int date_parse(const char *s, size_t len, time_t *out);
/* A Jekyll-style file name "YYYY-MM-DD-slug.md": its date, and where the slug
 * starts. -1 when the name does not start so. */
int date_from_name(const char *name, time_t *out, size_t *slug_at);

/* RFC 3339 in UTC ("2023-02-28T10:00:00Z"), for Atom, JSON Feed and sitemaps. */
void date_rfc3339(time_t t, char *out, size_t size);
/* The IMF-fixdate of HTTP and RSS ("Sun, 06 Nov 1994 08:49:37 GMT"; 30 bytes). */
void date_imf(time_t t, char *out, size_t size);
/* "28 February 2023", for people. */
void date_human(time_t t, char *out, size_t size);

#endif

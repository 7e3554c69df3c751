/* conditional_test.c — RFC 9110 section 13: the four conditional fields, in their order. */
#include <stdio.h>

#include "check.h"
#include "conditional.h"

#define ETAG    "\"00ab\""
#define THEN    "Sun, 06 Nov 1994 08:49:37 GMT" /* 784111777 */
#define EARLIER "Sun, 06 Nov 1994 08:49:36 GMT"
#define LATER   "Sun, 06 Nov 1994 08:49:38 GMT"
#define FUTURE  "Fri, 31 Dec 9999 23:59:59 GMT"

static const struct {
	const char *name;
	struct conditional c;
	int want;
} cases[] = {
    {"no fields", {0}, 0},
    {"If-None-Match with the tag", {.if_none_match = ETAG}, 304},
    {"If-None-Match with its weak form", {.if_none_match = "W/" ETAG}, 304},
    {"If-None-Match in a list", {.if_none_match = "\"x\", " ETAG ",\"y\""}, 304},
    {"If-None-Match *", {.if_none_match = "*"}, 304},
    {"If-None-Match with another tag", {.if_none_match = "\"00ac\""}, 0},
    {"If-None-Match unterminated", {.if_none_match = "\"00ab"}, 0},
    {"If-None-Match not a tag", {.if_none_match = "00ab"}, 0},
    {"If-Modified-Since its time", {.if_modified_since = THEN}, 304},
    {"If-Modified-Since later", {.if_modified_since = LATER}, 304},
    {"If-Modified-Since earlier", {.if_modified_since = EARLIER}, 0},
    {"If-Modified-Since in the future is ignored", {.if_modified_since = FUTURE}, 0},
    {"If-Modified-Since RFC 850 form",
     {.if_modified_since = "Sunday, 06-Nov-94 08:49:37 GMT"},
     304},
    {"If-Modified-Since asctime form", {.if_modified_since = "Sun Nov  6 08:49:37 1994"}, 304},
    {"If-Modified-Since garbage", {.if_modified_since = "yesterday"}, 0},
    {"If-None-Match wins over If-Modified-Since",
     {.if_none_match = "\"zz\"", .if_modified_since = LATER},
     0},
    {"If-Match with the tag", {.if_match = ETAG}, 0},
    {"If-Match *", {.if_match = "*"}, 0},
    {"If-Match with another tag", {.if_match = "\"00ac\""}, 412},
    {"If-Match is strong: the weak form fails", {.if_match = "W/" ETAG}, 412},
    {"If-Match in a list", {.if_match = "\"a\", " ETAG}, 0},
    {"If-Unmodified-Since its time", {.if_unmodified_since = THEN}, 0},
    {"If-Unmodified-Since earlier", {.if_unmodified_since = EARLIER}, 412},
    {"If-Unmodified-Since garbage is ignored", {.if_unmodified_since = "soon"}, 0},
    {"If-Match holds: If-Unmodified-Since is not looked at",
     {.if_match = ETAG, .if_unmodified_since = EARLIER},
     0},
    {"If-Match fails before If-None-Match matches",
     {.if_match = "\"q\"", .if_none_match = ETAG},
     412},
    {"If-Unmodified-Since fails before If-Modified-Since",
     {.if_unmodified_since = EARLIER, .if_modified_since = LATER},
     412},
    {"If-Match holds, If-None-Match matches", {.if_match = ETAG, .if_none_match = ETAG}, 304},
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = conditional_status(&cases[i].c, ETAG, 784111777, 1700000000);
		check("conditional", cases[i].name, got == cases[i].want, "%d, not %d", got,
		      cases[i].want);
	}
	return check_exit();
}

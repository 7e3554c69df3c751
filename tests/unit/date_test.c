/* date_test.c — dates read from front matter and file names, and the forms written. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "date.h"

static const struct {
	const char *in;
	long long want; /* -1: refused */
} parses[] = {
    {"2023-02-28", 1677542400},
    {"2023-02-28T10:00:00Z", 1677578400},
    {"2023-02-28 10:00:00 +01:00", 1677574800},
    {"2023-02-28T10:00:00.5-0700", 1677603600},
    {"2024-02-29", 1709164800},
    {"1970-01-01", 0},
    {"0001-01-01", -62135596800},
    {"0999-12-31T23:59:59Z", -30610224001},
    {"9999-12-31", 253402214400},
    {"2023-02-29", -1},
    {"2023-02-30", -1},
    {"2023-13-01", -1},
    {"2023-00-10", -1},
    {"2023-1-1", -1},
    {"23-01-01", -1},
    {"", -1},
    {"2023-02-28T25:00:00Z", -1},
    {"2023-02-28T10:00:00+25:00", -1},
    {"2023-02-28junk", -1},
    {"yesterday", -1},
};

static const struct {
	long long t;
	const char *rfc3339, *imf, *human;
} writes[] = {
    {0, "1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 GMT", "1 January 1970"},
    {1677578400, "2023-02-28T10:00:00Z", "Tue, 28 Feb 2023 10:00:00 GMT", "28 February 2023"},
    {-62135596800, "0001-01-01T00:00:00Z", "Mon, 01 Jan 0001 00:00:00 GMT", "1 January 1"},
    {-30610224001, "0999-12-31T23:59:59Z", "Tue, 31 Dec 0999 23:59:59 GMT", "31 December 999"},
    {253402214400, "9999-12-31T00:00:00Z", "Fri, 31 Dec 9999 00:00:00 GMT", "31 December 9999"},
};

int main(void)
{
	char out[64], name[96];
	time_t t;

	for (size_t i = 0; i < sizeof(parses) / sizeof(parses[0]); i++) {
		int rc = date_parse(parses[i].in, strlen(parses[i].in), &t);
		snprintf(name, sizeof(name), "parse \"%s\"", parses[i].in);
		if (parses[i].want == -1)
			check("date", name, rc < 0, "took it as %lld", (long long)t);
		else
			check("date", name, rc == 0 && (long long)t == parses[i].want,
			      "rc %d, %lld", rc, (long long)t);
	}
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		t = (time_t)writes[i].t;
		date_rfc3339(t, out, sizeof(out));
		snprintf(name, sizeof(name), "RFC 3339 of %lld", writes[i].t);
		check("date", name, strcmp(out, writes[i].rfc3339) == 0, "%s", out);
		date_imf(t, out, sizeof(out));
		snprintf(name, sizeof(name), "IMF-fixdate of %lld (four-digit year)", writes[i].t);
		check("date", name, strcmp(out, writes[i].imf) == 0, "%s", out);
		date_human(t, out, sizeof(out));
		snprintf(name, sizeof(name), "human form of %lld", writes[i].t);
		check("date", name, strcmp(out, writes[i].human) == 0, "%s", out);
	}
	size_t slug;
	check("date", "file name 2023-02-28-hello.md",
	      date_from_name("2023-02-28-hello.md", &t, &slug) == 0 && t == 1677542400 &&
	          slug == 11,
	      "");
	check("date", "file name without a date", date_from_name("hello.md", &t, &slug) < 0, "");
	check("date", "file name with no real day",
	      date_from_name("2023-02-30-hello.md", &t, &slug) < 0, "");
	return check_exit();
}

/* date.c — dates in front matter and file names, and the forms pages and feeds print. */
#include "date.h"

#include <stdio.h>
#include <string.h>

/* Read exactly n digits at *p. */
static int date_digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;

	if (end - *p < n)
		return -1;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int date_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a Gregorian date: count in 400-year eras from a
 * year that starts in March, so that the leap day falls at the end. */
static long date_days(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long year_of_era = yy - era * 400;
	long day_of_year = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

	return era * 146097 + day_of_era - 719468;
}

int date_parse(const char *s, size_t len, time_t *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *p = s, *end = s + len;
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;

	if (date_digits(&p, end, 4, &y) < 0 || p == end || *p++ != '-' ||
	    date_digits(&p, end, 2, &mo) < 0 || p == end || *p++ != '-' ||
	    date_digits(&p, end, 2, &d) < 0)
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && date_leap(y)))
		return -1;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		while (p < end && *p == ' ')
			p++;
		if (date_digits(&p, end, 2, &h) < 0 || p == end || *p++ != ':' ||
		    date_digits(&p, end, 2, &mi) < 0)
			return -1;
		if (p < end && *p == ':') {
			p++;
			if (date_digits(&p, end, 2, &sec) < 0)
				return -1;
			if (p < end && *p == '.')
				for (p++; p < end && *p >= '0' && *p <= '9'; p++)
					;
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		while (p < end && *p == ' ')
			p++;
		if (p < end && (*p == 'Z' || *p == 'z')) {
			p++;
		} else if (p < end && (*p == '+' || *p == '-')) {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if (date_digits(&p, end, 2, &oh) < 0)
				return -1;
			if (p < end && *p == ':')
				p++;
			if (p < end && date_digits(&p, end, 2, &om) < 0)
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (p != end)
		return -1;
	*out = (time_t)(date_days(y, mo, d) * 86400L + h * 3600L + mi * 60L + sec - off);
	return 0;
}

int date_from_name(const char *name, time_t *out, size_t *slug_at)
{
	size_t n = strlen(name);

	if (n < 12 || name[10] != '-' || date_parse(name, 10, out) < 0)
		return -1;
	*slug_at = 11;
	return 0;
}

/* Every form below writes the year with four digits, also before the year 1000
 * (strftime's %Y writes "1" for the year 1): ISO 8601, RFC 3339, RFC 5322 and HTTP
 * all want four. date_parse reads four digits, so years stay within 0000-9999. */
void date_rfc3339(time_t t, char *out, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void date_imf(time_t t, char *out, size_t size)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
	         months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void date_human(time_t t, char *out, size_t size)
{
	static const char *months[] = {"January",   "February", "March",    "April",
	                               "May",       "June",     "July",     "August",
	                               "September", "October",  "November", "December"};
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, size, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

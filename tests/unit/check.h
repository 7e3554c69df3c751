/* check.h — the unit tests' one assertion: a PASS or FAIL line per case. */
#ifndef QUIRE_CHECK_H
#define QUIRE_CHECK_H

#include <stdarg.h>
#include <stdio.h>

/* An empty reason is fine: a passing case has nothing to say. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

static int check_failed;

/* Print "PASS suite: name" or "FAIL suite: name: why" (why from fmt). */
__attribute__((format(printf, 4, 5), unused)) static void check(const char *suite, const char *name,
                                                                int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s: %s\n", suite, name);
		return;
	}
	check_failed++;
	printf("FAIL %s: %s: ", suite, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

__attribute__((unused)) static int check_exit(void)
{
	return check_failed ? 1 : 0;
}

#endif

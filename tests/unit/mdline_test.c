/* mdline_test.c — the line scanners the renderer's, the footnotes' and the bounds' passes
 * share: code fences, table delimiter rows and cells, a pair of bytes. */
#include <string.h>

#include "check.h"
#include "mdline.h"

#define SUITE "mdline"

static size_t fence(const char *s, char *c)
{
	return mdline_fence(s, s + strlen(s), c);
}

static size_t cols(const char *s, int *short_cell)
{
	return mdline_delimiter_cols(s, s + strlen(s), short_cell);
}

int main(void)
{
	char c = 0;
	int sh = 0;

	check(SUITE, "``` opens a fence of three", fence("```rust", &c) == 3 && c == '`', "");
	check(SUITE, "~~~~ opens a fence of four", fence("~~~~", &c) == 4 && c == '~', "");
	check(SUITE, "`` is no fence", fence("``", &c) == 0, "");
	check(SUITE, "a backtick fence whose info holds a backtick is none",
	      fence("``` a`b", &c) == 0, "");
	check(SUITE, "a tilde fence's info may hold a backtick", fence("~~~ a`b", &c) == 3, "");
	check(SUITE, "an empty line is no fence", fence("", &c) == 0, "");

	check(SUITE, "| --- | :-: | has two columns", cols("| --- | :-: |", &sh) == 2 && !sh, "");
	check(SUITE, "| - | - | has two, short", cols("| - | - |", &sh) == 2 && sh, "");
	check(SUITE, "--- alone is no delimiter row (no pipe)", cols("---", &sh) == 0, "");
	check(SUITE, "- a is a list item, no row", cols("- a", &sh) == 0, "");
	check(SUITE, "| a | is no delimiter row", cols("| a |", &sh) == 0, "");
	check(SUITE, "a row's cells: pipes escaped and at the ends left out",
	      mdline_row_cells("| a \\| b | c |", "| a \\| b | c |" + 14) == 2, "");

	const char *s = "a{b{:c[^d";
	check(SUITE, "a pair found", mdline_pair(s, strlen(s), '{', ':') == s + 3, "");
	check(SUITE, "another pair found", mdline_pair(s, strlen(s), '[', '^') == s + 6, "");
	check(SUITE, "no pair", mdline_pair(s, strlen(s), '^', '[') == NULL, "");
	check(SUITE, "the first byte at the end is no pair",
	      mdline_pair("ab{", 3, '{', ':') == NULL, "");
	check(SUITE, "an empty text holds none", mdline_pair("", 0, '{', ':') == NULL, "");
	return check_exit();
}

/* utf8_test.c — the one UTF-8 check: well-formed text kept byte for byte, each maximal
 * subpart of an ill-formed sequence one U+FFFD, XML's forbidden characters dropped on
 * demand, and utf8_fix() in place agreeing with utf8_clean(). */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "utf8.h"

#define S(s) s, sizeof(s) - 1
#define FFFD "\xef\xbf\xbd"

static const struct {
	const char *name;
	const char *in;
	size_t in_len;
	int flags;
	const char *want;
	size_t want_len;
	size_t valid; /* utf8_valid() of in */
} cases[] = {
    {"empty", S(""), 0, S(""), 0},
    {"ASCII", S("hello, world"), 0, S("hello, world"), 12},
    {"two, three and four bytes", S("caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80"), 0,
     S("caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80"), 14},
    {"the last code point U+10FFFF", S("\xf4\x8f\xbf\xbf"), 0, S("\xf4\x8f\xbf\xbf"), 4},
    {"past U+10FFFF", S("\xf4\x90\x80\x80"), 0, S(FFFD FFFD FFFD FFFD), 0},
    {"a stray continuation byte", S("a\x80z"), 0, S("a" FFFD "z"), 1},
    {"0xC0 and 0xC1 never start a character", S("\xc0\xaf"), 0, S(FFFD FFFD), 0},
    {"0xF5 to 0xFF never start one", S("\xf5\xff"), 0, S(FFFD FFFD), 0},
    {"an overlong three-byte form", S("\xe0\x80\xaf"), 0, S(FFFD FFFD FFFD), 0},
    {"a surrogate", S("\xed\xa0\x80"), 0, S(FFFD FFFD FFFD), 0},
    {"the last before the surrogates", S("\xed\x9f\xbf"), 0, S("\xed\x9f\xbf"), 3},
    {"an overlong four-byte form", S("\xf0\x8f\xbf\xbf"), 0, S(FFFD FFFD FFFD FFFD), 0},
    {"a cut sequence is one U+FFFD", S("\xe2\x98z"), 0, S(FFFD "z"), 0},
    {"a cut four-byte sequence at the end", S("ok\xf0\x9f\x98"), 0, S("ok" FFFD), 2},
    {"a lone lead byte at the end", S("ok\xc3"), 0, S("ok" FFFD), 2},
    {"NUL is UTF-8", S("a\0b"), 0, S("a\0b"), 3},
    {"XML: controls dropped, tab LF CR kept",
     S("a\x01\t\n\r\x1f"
       "b"),
     UTF8_XML, S("a\t\n\rb"), 7},
    {"XML: U+FFFE and U+FFFF dropped", S("\xef\xbf\xbe\xef\xbf\xbfx"), UTF8_XML, S("x"), 7},
    {"XML: U+FFFD itself kept", S(FFFD), UTF8_XML, S(FFFD), 3},
    {"XML: ill-formed still replaced", S("\x80"), UTF8_XML, S(FFFD), 0},
    {"XML: DEL and NEL are allowed", S("\x7f\xc2\x85"), UTF8_XML, S("\x7f\xc2\x85"), 3},
};

int main(void)
{
	struct buf out = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&out);
		utf8_clean(&out, cases[i].in, cases[i].in_len, cases[i].flags);
		check("utf8", cases[i].name,
		      out.len == cases[i].want_len &&
		          (out.len == 0 || memcmp(out.data, cases[i].want, out.len) == 0),
		      "got %zu bytes", out.len);
		size_t v = utf8_valid(cases[i].in, cases[i].in_len);
		check("utf8", cases[i].name, v == cases[i].valid, "utf8_valid %zu, want %zu", v,
		      cases[i].valid);
		if (cases[i].flags)
			continue;
		/* In place, after a prefix that is not looked at. */
		buf_reset(&out);
		buf_add(&out, "\x80", 1);
		buf_add(&out, cases[i].in, cases[i].in_len);
		utf8_fix(&out, 1);
		check("utf8", cases[i].name,
		      out.len == cases[i].want_len + 1 &&
		          memcmp(out.data + 1, cases[i].want, cases[i].want_len) == 0 &&
		          out.data[0] == '\x80',
		      "utf8_fix gave %zu bytes", out.len);
	}
	/* Linear: a megabyte of stray bytes is 3 MB of U+FFFD, at once. */
	buf_reset(&out);
	for (int i = 0; i < 1 << 20; i++)
		buf_addc(&out, (char)0x80);
	utf8_fix(&out, 0);
	check("utf8", "1 MB of stray bytes becomes 1 Mi U+FFFD", out.len == 3u << 20, "%zu",
	      out.len);
	buf_free(&out);
	return check_exit();
}

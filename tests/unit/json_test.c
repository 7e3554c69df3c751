/* json_test.c — json_string: quotes, backslashes and control characters escaped, every
 * other byte as given, and each of the 256 bytes alone. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "json.h"

#define S(s) s, sizeof(s) - 1

static const struct {
	const char *name;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
} cases[] = {
    {"empty", S(""), S("\"\"")},
    {"plain", S("hello"), S("\"hello\"")},
    {"double quote", S("say \"hi\""), S("\"say \\\"hi\\\"\"")},
    {"backslash", S("a\\b"), S("\"a\\\\b\"")},
    {"backslash before a quote", S("\\\""), S("\"\\\\\\\"\"")},
    {"an escape written out stays text", S("\\u0000"), S("\"\\\\u0000\"")},
    {"newline, CR, tab", S("a\nb\rc\td"), S("\"a\\nb\\rc\\td\"")},
    {"NUL inside the length", S("a\0b"), S("\"a\\u0000b\"")},
    {"backspace and form feed", S("\b\f"), S("\"\\u0008\\u000c\"")},
    {"vertical tab and escape", S("\v\x1b"), S("\"\\u000b\\u001b\"")},
    {"unit separator 0x1f", S("\x1f"), S("\"\\u001f\"")},
    {"DEL", S("\x7f"), S("\"\\u007f\"")},
    {"space and tilde are kept", S(" ~"), S("\" ~\"")},
    {"slash is kept", S("</script>"), S("\"</script>\"")},
    {"HTML specials are kept (JSON, not HTML)", S("<&>'"), S("\"<&>'\"")},
    {"specials back to back", S("\"\"\\\\\n\n"), S("\"\\\"\\\"\\\\\\\\\\n\\n\"")},
    {"a special first and last", S("\"x\\"), S("\"\\\"x\\\\\"")},
    {"UTF-8 is kept", S("caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80"),
     S("\"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80\"")},
    {"U+2028 and U+2029 are valid JSON as they are", S("\xe2\x80\xa8\xe2\x80\xa9"),
     S("\"\xe2\x80\xa8\xe2\x80\xa9\"")},
    {"U+0085 (NEL) is kept", S("\xc2\x85"), S("\"\xc2\x85\"")},
    /* The caller cleans invalid UTF-8 first (json.h): bytes >= 0x80 are passed as given,
     * and cannot end the string or start an escape. */
    {"invalid UTF-8 passed as given", S("\xff\xfe\xc0\xaf"), S("\"\xff\xfe\xc0\xaf\"")},
    {"a lone continuation byte before a quote", S("\x80\""), S("\"\x80\\\"\"")},
    {"a truncated sequence before a backslash", S("\xe2\x80\\"), S("\"\xe2\x80\\\\\"")},
};

/* What one byte alone must become inside the quotes. */
static void json_test_want(unsigned c, char *out)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"')
		strcpy(out, "\\\"");
	else if (c == '\\')
		strcpy(out, "\\\\");
	else if (c == '\n')
		strcpy(out, "\\n");
	else if (c == '\r')
		strcpy(out, "\\r");
	else if (c == '\t')
		strcpy(out, "\\t");
	else if (c < 0x20 || c == 0x7f)
		snprintf(out, 8, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
	else {
		out[0] = (char)c;
		out[1] = '\0';
	}
}

int main(void)
{
	struct buf out = {0};
	char name[160], want[16];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&out);
		json_string(&out, cases[i].in, cases[i].in_len);
		snprintf(name, sizeof(name), "string: %s", cases[i].name);
		check("json", name,
		      out.len == cases[i].want_len &&
		          memcmp(out.data, cases[i].want, cases[i].want_len) == 0,
		      "got %zu bytes %.*s", out.len, (int)out.len, out.data);
	}

	/* Each byte alone, and no raw control character ever in the output. */
	int all = 1, raw_control = 0;
	for (unsigned c = 0; c < 256; c++) {
		char in = (char)c;
		buf_reset(&out);
		json_string(&out, &in, 1);
		json_test_want(c, want);
		size_t n = strlen(want);
		if (out.len != n + 2 || out.data[0] != '"' || out.data[out.len - 1] != '"' ||
		    memcmp(out.data + 1, want, n) != 0) {
			all = 0;
			printf("# byte 0x%02x: %.*s\n", c, (int)out.len, out.data);
		}
		for (size_t k = 0; k < out.len; k++)
			if ((unsigned char)out.data[k] < 0x20)
				raw_control = 1;
	}
	check("json", "each of the 256 bytes alone", all, "");
	check("json", "no raw control character in any output", !raw_control, "");

	/* Appending keeps what is there and reads only n bytes. */
	buf_reset(&out);
	buf_adds(&out, "{\"k\":");
	json_string(&out, "v\"w", 1);
	check("json", "appends to the buffer and reads only n bytes",
	      out.len == 8 && memcmp(out.data, "{\"k\":\"v\"", 8) == 0, "%.*s", (int)out.len,
	      out.data);

	/* A long string of escapes: each six bytes. */
	char ctl[4096];
	memset(ctl, 0x01, sizeof(ctl));
	buf_reset(&out);
	json_string(&out, ctl, sizeof(ctl));
	int ok = out.len == 2 + 6 * sizeof(ctl);
	for (size_t i = 0; ok && i < sizeof(ctl); i++)
		ok = memcmp(out.data + 1 + 6 * i, "\\u0001", 6) == 0;
	check("json", "4096 control characters become 4096 \\u0001", ok, "%zu bytes", out.len);
	buf_free(&out);
	return check_exit();
}

/* buf_test.c — growable buffers: appends of every kind across the capacity's boundaries,
 * printf that fits and that does not, reset keeping the memory, cstr and free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"

static int buf_test_is(const struct buf *b, const char *p, size_t n)
{
	/* Room for cstr's NUL once anything is allocated. */
	return b->len == n && (n == 0 || memcmp(b->data, p, n) == 0) &&
	       (b->cap > b->len || (b->cap == 0 && n == 0));
}

/* Appends of len bytes onto a buffer already holding prefix bytes: around the first
 * capacity (256) and its doublings. */
static const struct {
	size_t prefix, len;
} appends[] = {
    {0, 0},   {0, 1},     {0, 254},   {0, 255},   {0, 256},  {0, 257},   {1, 254},
    {1, 255}, {100, 155}, {100, 156}, {255, 1},   {255, 0},  {256, 256}, {300, 4000},
    {511, 1}, {510, 1},   {0, 70000}, {70000, 1}, {1, 1024}, {1023, 1},  {4095, 1},
};

/* buf_printf writing width bytes onto prefix bytes: around its first 64-byte reserve
 * and the capacity. */
static const struct {
	size_t prefix;
	int width;
} printfs[] = {
    {0, 0},   {0, 1},    {0, 62},   {0, 63},   {0, 64},    {0, 65},    {0, 254},   {0, 255},
    {0, 256}, {0, 1000}, {200, 54}, {200, 55}, {200, 56},  {200, 57},  {250, 100}, {255, 0},
    {255, 1}, {192, 63}, {192, 64}, {1, 5000}, {4000, 95}, {4000, 96},
};

static void buf_test_appends(void)
{
	char name[120];
	char *src = malloc(80000), *want = malloc(160000);

	if (src == NULL || want == NULL) {
		check("buf", "appends: memory", 0, "");
		free(src);
		free(want);
		return;
	}
	for (size_t i = 0; i < 80000; i++)
		src[i] = (char)(i * 31 + 7); /* every byte value, NUL included */
	for (size_t i = 0; i < sizeof(appends) / sizeof(appends[0]); i++) {
		size_t pre = appends[i].prefix, n = appends[i].len;
		struct buf b = {0};

		memset(want, 'p', pre);
		memcpy(want + pre, src, n);
		for (size_t k = 0; k < pre; k++)
			buf_addc(&b, 'p');
		buf_add(&b, src, n);
		snprintf(name, sizeof(name), "add %zu bytes after %zu", n, pre);
		check("buf", name, buf_test_is(&b, want, pre + n), "len %zu cap %zu", b.len, b.cap);
		buf_free(&b);
	}
	free(src);
	free(want);
}

static void buf_test_printfs(void)
{
	char name[120];
	char *want = malloc(10000);

	if (want == NULL) {
		check("buf", "printf: memory", 0, "");
		return;
	}
	for (size_t i = 0; i < sizeof(printfs) / sizeof(printfs[0]); i++) {
		size_t pre = printfs[i].prefix;
		int w = printfs[i].width;
		struct buf b = {0};

		memset(want, 'p', pre);
		/* "%*d" of 7: width - 1 spaces and the digit (or just the digit). */
		size_t n = w > 1 ? (size_t)w : 1;
		memset(want + pre, ' ', n - 1);
		want[pre + n - 1] = '7';
		for (size_t k = 0; k < pre; k++)
			buf_addc(&b, 'p');
		buf_printf(&b, "%*d", w, 7);
		snprintf(name, sizeof(name), "printf %zu bytes after %zu", n, pre);
		check("buf", name, buf_test_is(&b, want, pre + n), "len %zu cap %zu", b.len, b.cap);
		buf_free(&b);
	}
	free(want);
}

static void buf_test_misc(void)
{
	struct buf b = {0};

	check("buf", "a zeroed buffer is empty", b.len == 0 && b.data == NULL && b.cap == 0, "");
	buf_add(&b, NULL, 0);
	check("buf", "adding nothing to a zeroed buffer allocates nothing", b.data == NULL, "");
	const char *s = buf_cstr(&b);
	check("buf", "cstr of an empty buffer is \"\"", s != NULL && s[0] == '\0' && b.len == 0,
	      "");
	buf_adds(&b, "abc");
	buf_addc(&b, '\0');
	buf_adds(&b, "def");
	check("buf", "adds, a NUL by addc, adds", buf_test_is(&b, "abc\0def", 7), "len %zu", b.len);
	s = buf_cstr(&b);
	check("buf", "cstr ends with a NUL not counted",
	      s == b.data && s[7] == '\0' && b.len == 7 && memcmp(s, "abc\0def", 7) == 0, "");
	buf_adds(&b, "");
	check("buf", "adds of \"\" changes nothing", b.len == 7, "");
	buf_printf(&b, "%s", "");
	check("buf", "printf of nothing changes nothing", b.len == 7, "len %zu", b.len);
	buf_printf(&b, "[%d|%s|%c|%05.1f|%llx]", -42, "x", 'y', 3.14159, 0xabcULL);
	check("buf", "printf of several conversions appends",
	      buf_test_is(&b, "abc\0def[-42|x|y|003.1|abc]", 26), "%.*s", (int)b.len, b.data);

	for (int i = 0; i < 5000; i++)
		buf_addc(&b, 'z');
	size_t cap = b.cap;
	char *data = b.data;
	buf_reset(&b);
	check("buf", "reset empties and keeps the memory",
	      b.len == 0 && b.cap == cap && b.data == data, "");
	for (int i = 0; i < 5000; i++)
		buf_addc(&b, 'q');
	check("buf", "refilling to the old length does not reallocate",
	      b.cap == cap && b.data == data && b.len == 5000, "");
	buf_grow(&b, cap);
	check("buf", "grow makes room for extra bytes and a NUL", b.cap >= b.len + cap + 1,
	      "cap %zu", b.cap);
	buf_free(&b);
	check("buf", "free zeroes the buffer", b.data == NULL && b.len == 0 && b.cap == 0, "");
	buf_free(&b);
	check("buf", "free twice is harmless", b.data == NULL, "");
	buf_adds(&b, "again");
	check("buf", "a freed buffer is usable again", buf_test_is(&b, "again", 5), "");
	buf_free(&b);

	/* One large printf whose output is far past the first reserve. */
	buf_printf(&b, "%s-%0*d", "big", 100000, 1);
	check("buf", "printf of 100004 bytes into an empty buffer",
	      b.len == 100004 && memcmp(b.data, "big-000", 7) == 0 && b.data[b.len - 1] == '1' &&
	          b.cap > b.len,
	      "len %zu", b.len);
	buf_free(&b);
}

/* buf_trim: a buffer that grew past the bound gives its memory back; one within it
 * keeps its room for the next use. */
static void buf_test_trim(void)
{
	struct buf b = {0};

	buf_add(&b, "small", 5);
	size_t cap = b.cap;
	buf_trim(&b, 4096);
	check("buf", "trim within the bound: emptied, room kept",
	      b.len == 0 && b.cap == cap && b.data != NULL, "len %zu cap %zu", b.len, b.cap);
	for (int i = 0; i < 10000; i++)
		buf_add(&b, "0123456789", 10);
	buf_trim(&b, 4096);
	check("buf", "trim past the bound: emptied, memory given back",
	      b.len == 0 && b.cap == 0 && b.data == NULL, "len %zu cap %zu", b.len, b.cap);
	buf_adds(&b, "again");
	check("buf", "a trimmed buffer is usable again",
	      b.len == 5 && memcmp(b.data, "again", 5) == 0, "");
	buf_free(&b);
}

int main(void)
{
	buf_test_trim();
	buf_test_appends();
	buf_test_printfs();
	buf_test_misc();
	return check_exit();
}

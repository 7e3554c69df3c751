/* fuzz_manifest.c — export_manifest_parse() on the input after the manifest's first line,
 * and on the input itself: every path it gives stays in the export's folder (no "/"
 * first, no empty, "." or ".." part, no NUL), and each, written as the export writes it,
 * reads back alone and the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void fuzz_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void fuzz_safe(const char *p)
{
	size_t n = strlen(p);

	FUZZ_CHECK(n > 0 && p[0] != '/' && p[n - 1] != '/' && strstr(p, "//") == NULL,
	           "a path with an empty part: %s", p);
	for (const char *q = p; q != NULL; q = strchr(q, '/') ? strchr(q, '/') + 1 : NULL) {
		size_t part = strchr(q, '/') ? (size_t)(strchr(q, '/') - q) : strlen(q);
		FUZZ_CHECK(!(part == 1 && q[0] == '.') &&
		               !(part == 2 && q[0] == '.' && q[1] == '.'),
		           "a path out of the folder: %s", p);
	}
}

static void fuzz_one(const char *data, size_t len)
{
	char **v, **again;
	size_t n, m;

	if (export_manifest_parse(data, len, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct buf enc = {0};
		fuzz_safe(v[i]);
		buf_adds(&enc, "# quire export\n");
		for (const unsigned char *p = (const unsigned char *)v[i]; *p; p++) {
			if (*p < 0x20 || *p == '%' || *p == 0x7F)
				buf_printf(&enc, "%%%02X", *p);
			else
				buf_addc(&enc, (char)*p);
		}
		buf_addc(&enc, '\n');
		FUZZ_CHECK(export_manifest_parse(enc.data, enc.len, &again, &m) == 0 && m == 1 &&
		               strcmp(again[0], v[i]) == 0,
		           "%s does not read back", v[i]);
		fuzz_free(again, m);
		buf_free(&enc);
	}
	fuzz_free(v, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf m = {0};

	fuzz_one((const char *)data, size);
	buf_adds(&m, "# quire export\n");
	buf_add(&m, data, size);
	fuzz_one(m.data, m.len);
	buf_free(&m);
	return 0;
}

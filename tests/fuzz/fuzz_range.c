/* fuzz_range.c — range_parse() on any Range value for sizes around it, checked to give a
 * range inside the file; mime_type() on the input as a name; and a page bundle's
 * relative URLs made absolute (markdown_render() with a base) on the input as Markdown. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "markdown.h"
#include "mime.h"
#include "range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long long sizes[] = {0, 1, 10, 65536, 20LL * 1024 * 1024, INT64_MAX};
	char *v = malloc(size + 1);
	struct buf out = {0};

	memcpy(v, data, size);
	v[size] = '\0';
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		off_t off = -1, len = -1;
		if (range_parse(v, (off_t)sizes[i], &off, &len) == RANGE_OK &&
		    (off < 0 || len < 1 || off > (off_t)sizes[i] - len))
			abort();
	}
	if (strlen(mime_type(v, size)) == 0)
		abort();
	if (size < 4096) {
		markdown_render(v, size,
		                &(struct markdown_opts){.base = "/blog/a-post/", .base_len = 13},
		                &out);
		buf_reset(&out);
		markdown_render(
		    v, size,
		    &(struct markdown_opts){.escape_html = 1, .base = "/x/", .base_len = 3}, &out);
	}
	buf_free(&out);
	free(v);
	return 0;
}

/* fuzz_imagesize.c — imagesize_parse on any bytes: no read past them, and a size given is
 * within bounds. */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "imagesize.h"
#include "mem.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned w = 0, h = 0;
	/* A copy of exactly size bytes: ASan sees any read past them. */
	unsigned char *p = xmalloc(size ? size : 1);

	memcpy(p, data, size);
	if (imagesize_parse(p, size, &w, &h) == 0 &&
	    (w == 0 || h == 0 || w > IMAGESIZE_MAX || h > IMAGESIZE_MAX))
		__builtin_trap();
	free(p);
	return 0;
}

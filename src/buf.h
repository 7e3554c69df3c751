/* buf.h — growable byte buffers that keep their capacity between uses. */
#ifndef QUIRE_BUF_H
#define QUIRE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Empty b, and give its memory back when it grew past keep bytes (for one large use). */
void buf_trim(struct buf *b, size_t keep);
void buf_free(struct buf *b);
/* Make data NUL-terminated (the NUL is not counted in len). */
const char *buf_cstr(struct buf *b);

#endif

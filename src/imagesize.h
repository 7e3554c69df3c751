/* imagesize.h — an image's width and height from its file's first bytes: PNG, JPEG,
 * GIF, WebP and SVG, bounded in what is read and what is believed. */
#ifndef QUIRE_IMAGESIZE_H
#define QUIRE_IMAGESIZE_H

#include <stddef.h>

/* Bytes read from the start of a file at most: a JPEG's frame header past a larger
 * EXIF block, or an SVG's <svg> tag past that many bytes, gives no size. */
#define IMAGESIZE_PREFIX 65536
/* The longest side believed: a header saying more (or 0) is taken as corrupt. */
#define IMAGESIZE_MAX 65535u

/* The size the header [p, p + n) gives: 0 with *w and *h set, or -1. */
int imagesize_parse(const unsigned char *p, size_t n, unsigned *w, unsigned *h);
/* The size of the open file fd, from at most IMAGESIZE_PREFIX bytes of it: 0 or -1. */
int imagesize_fd(int fd, unsigned *w, unsigned *h);
/* struct render_opts' image_size for a site snapshot (ctx: const struct site *): url
 * is an img's src as the renderer wrote it ("/mount/a%20b.png", HTML-escaped); a file
 * of the snapshot's table (the static folder's, or a served bundle's) at that address gives
 * its size, read from the file as it is now through no symbolic link. 0 or -1. */
int imagesize_site(void *ctx, const char *url, size_t len, unsigned *w, unsigned *h);

#endif

/* imagesize.c — an image's width and height from its file's first bytes. */
#include "imagesize.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "files.h"
#include "mem.h"
#include "path.h"
#include "post.h"
#include "site.h"

static unsigned imagesize_be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned imagesize_le16(const unsigned char *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

static unsigned long imagesize_be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

static unsigned long imagesize_le24(const unsigned char *p)
{
	return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

/* 0 with the size set when both sides are believable, else -1. */
static int imagesize_set(unsigned long w, unsigned long h, unsigned *ow, unsigned *oh)
{
	if (w == 0 || h == 0 || w > IMAGESIZE_MAX || h > IMAGESIZE_MAX)
		return -1;
	*ow = (unsigned)w;
	*oh = (unsigned)h;
	return 0;
}

/* JPEG: the segments after SOI up to a frame header (SOF0 to SOF15 but DHT, JPG, DAC). */
static int imagesize_jpeg(const unsigned char *p, size_t n, unsigned *w, unsigned *h)
{
	size_t i = 2;

	for (;;) {
		if (i >= n || p[i] != 0xFF)
			return -1;
		while (i < n && p[i] == 0xFF) /* fill bytes */
			i++;
		if (i >= n)
			return -1;
		unsigned m = p[i++];
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
			continue; /* no length */
		if (m == 0xD9 || m == 0xDA || m == 0x00)
			return -1; /* the image ends or its data starts before any frame header */
		if (n - i < 2)
			return -1;
		size_t len = imagesize_be16(p + i);
		if (len < 2)
			return -1;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (len < 7 || n - i < 7)
				return -1;
			return imagesize_set(imagesize_be16(p + i + 5), imagesize_be16(p + i + 3),
			                     w, h);
		}
		if (n - i < len)
			return -1;
		i += len;
	}
}

/* WebP: RIFF, then the first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended). */
static int imagesize_webp(const unsigned char *p, size_t n, unsigned *w, unsigned *h)
{
	const unsigned char *c = p + 12;

	if (n < 25)
		return -1;
	if (memcmp(c, "VP8 ", 4) == 0) {
		if (n < 30)
			return -1;
		/* A key frame's tag (3 bytes), its start code, 14-bit width and height. */
		if (memcmp(c + 11, "\x9d\x01\x2a", 3) != 0)
			return -1;
		return imagesize_set(imagesize_le16(c + 14) & 0x3FFF,
		                     imagesize_le16(c + 16) & 0x3FFF, w, h);
	}
	if (memcmp(c, "VP8L", 4) == 0) {
		if (c[8] != 0x2F)
			return -1;
		unsigned long b = (unsigned long)c[9] | (unsigned long)c[10] << 8 |
		                  (unsigned long)c[11] << 16 | (unsigned long)c[12] << 24;
		return imagesize_set((b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1, w, h);
	}
	if (memcmp(c, "VP8X", 4) == 0 && n >= 30)
		return imagesize_set(imagesize_le24(c + 12) + 1, imagesize_le24(c + 15) + 1, w, h);
	return -1;
}

static int imagesize_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A non-negative decimal number at [*p, end) ("12", "12.5", "0.5"), *p moved past it;
 * -1 when there is none. Above IMAGESIZE_MAX it is IMAGESIZE_MAX + 1. */
static double imagesize_number(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *q = *p;
	double v = 0, scale = 1;
	int digits = 0;

	while (q < end && *q >= '0' && *q <= '9') {
		if (v <= IMAGESIZE_MAX)
			v = v * 10 + (*q - '0');
		q++;
		digits = 1;
	}
	if (q < end && *q == '.') {
		q++;
		while (q < end && *q >= '0' && *q <= '9') {
			scale /= 10;
			v += scale * (*q - '0');
			q++;
			digits = 1;
		}
	}
	if (!digits)
		return -1;
	*p = q;
	return v > IMAGESIZE_MAX ? IMAGESIZE_MAX + 1.0 : v;
}

/* An SVG length attribute's value: a number alone or in px; -1 for any other unit. */
static double imagesize_length(const unsigned char *p, const unsigned char *end)
{
	while (p < end && imagesize_space(*p))
		p++;
	double v = imagesize_number(&p, end);
	if (end - p >= 2 && p[0] == 'p' && p[1] == 'x')
		p += 2;
	while (p < end && imagesize_space(*p))
		p++;
	return p == end ? v : -1;
}

/* viewBox="min-x min-y width height": its width and height, or -1. */
static int imagesize_viewbox(const unsigned char *p, const unsigned char *end, double *vw,
                             double *vh)
{
	double v[4];

	for (int k = 0; k < 4; k++) {
		while (p < end && (imagesize_space(*p) || *p == ','))
			p++;
		int neg = p < end && *p == '-';
		if (p < end && (*p == '-' || *p == '+'))
			p++;
		v[k] = imagesize_number(&p, end);
		if (v[k] < 0)
			return -1;
		if (neg)
			v[k] = -v[k];
	}
	while (p < end && imagesize_space(*p))
		p++;
	if (p != end || v[2] <= 0 || v[3] <= 0)
		return -1;
	*vw = v[2];
	*vh = v[3];
	return 0;
}

static int imagesize_round(double v, unsigned long *out)
{
	if (v < 0.5 || v > IMAGESIZE_MAX)
		return -1;
	*out = (unsigned long)(v + 0.5);
	return 0;
}

/* SVG: the root <svg> tag's width and height (in px or no unit), or its viewBox's for
 * what is missing, kept to the viewBox's proportions. */
static int imagesize_svg(const unsigned char *p, size_t n, unsigned *w, unsigned *h)
{
	const unsigned char *end = p + n, *q = p;
	double aw = -1, ah = -1, vw = -1, vh = -1;
	int has_w = 0, has_h = 0;

	for (;;) {
		q = memchr(q, '<', (size_t)(end - q));
		if (q == NULL || end - q < 5)
			return -1;
		if (memcmp(q, "<svg", 4) == 0 &&
		    (imagesize_space(q[4]) || q[4] == '>' || q[4] == '/'))
			break;
		q++;
	}
	q += 4;
	/* Its attributes: name="value" or name='value', up to '>'. */
	for (;;) {
		while (q < end && imagesize_space(*q))
			q++;
		if (q >= end)
			return -1;
		if (*q == '>' || *q == '/')
			break;
		const unsigned char *name = q;
		while (q < end && !imagesize_space(*q) && *q != '=' && *q != '>' && *q != '/')
			q++;
		size_t nlen = (size_t)(q - name);
		while (q < end && imagesize_space(*q))
			q++;
		if (nlen == 0 || q >= end || *q != '=')
			return -1;
		q++;
		while (q < end && imagesize_space(*q))
			q++;
		if (q >= end || (*q != '"' && *q != '\''))
			return -1;
		const unsigned char *v = q + 1, *ve = memchr(v, *q, (size_t)(end - v));
		if (ve == NULL)
			return -1;
		q = ve + 1;
		if (nlen == 5 && memcmp(name, "width", 5) == 0) {
			has_w = 1;
			aw = imagesize_length(v, ve);
		} else if (nlen == 6 && memcmp(name, "height", 6) == 0) {
			has_h = 1;
			ah = imagesize_length(v, ve);
		} else if (nlen == 7 && memcmp(name, "viewBox", 7) == 0) {
			if (imagesize_viewbox(v, ve, &vw, &vh) < 0)
				vw = vh = -1;
		}
	}
	/* A width or height in another unit ("100%", "10em") says nothing in pixels. */
	if (has_w && aw < 0)
		has_w = 0;
	if (has_h && ah < 0)
		has_h = 0;
	if (!has_w && !has_h) {
		aw = vw;
		ah = vh;
	} else if (!has_h) {
		ah = vw > 0 ? aw * vh / vw : -1;
	} else if (!has_w) {
		aw = vh > 0 ? ah * vw / vh : -1;
	}
	unsigned long rw, rh;
	if (imagesize_round(aw, &rw) < 0 || imagesize_round(ah, &rh) < 0)
		return -1;
	return imagesize_set(rw, rh, w, h);
}

int imagesize_parse(const unsigned char *p, size_t n, unsigned *w, unsigned *h)
{
	if (n >= 24 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
		if (memcmp(p + 12, "IHDR", 4) != 0)
			return -1;
		return imagesize_set(imagesize_be32(p + 16), imagesize_be32(p + 20), w, h);
	}
	if (n >= 10 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return imagesize_set(imagesize_le16(p + 6), imagesize_le16(p + 8), w, h);
	if (n >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return imagesize_jpeg(p, n, w, h);
	if (n >= 16 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return imagesize_webp(p, n, w, h);
	return imagesize_svg(p, n, w, h);
}

int imagesize_fd(int fd, unsigned *w, unsigned *h)
{
	unsigned char *b = xmalloc(IMAGESIZE_PREFIX);
	size_t n = 0;

	while (n < IMAGESIZE_PREFIX) {
		ssize_t r = read(fd, b + n, IMAGESIZE_PREFIX - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	int rc = imagesize_parse(b, n, w, h);
	free(b);
	return rc;
}

/* The route of an img's src as written (HTML-escaped, percent-encoded): what lies below
 * the site's mount, its query and fragment left out, "&amp;" read back, decoded. */
static int imagesize_route(const struct config *c, const char *url, size_t len, struct buf *out)
{
	struct buf raw = {0};
	size_t mlen = strlen(c->mount) - 1; /* the mount less its last '/' */
	int changed = 0, rc = -1;

	if (len <= mlen || memcmp(url, c->mount, mlen) != 0 || url[mlen] != '/')
		return -1;
	for (size_t i = mlen; i < len && url[i] != '?' && url[i] != '#'; i++) {
		if (url[i] == '&') {
			if (len - i < 5 || memcmp(url + i, "&amp;", 5) != 0)
				goto out;
			i += 4;
			buf_addc(&raw, '&');
			continue;
		}
		buf_addc(&raw, url[i]);
	}
	rc = path_canon(raw.data, raw.len, 1, out, &changed) == PATH_OK ? 0 : -1;
out:
	buf_free(&raw);
	return rc;
}

int imagesize_site(void *ctx, const char *url, size_t len, unsigned *w, unsigned *h)
{
	const struct site *s = ctx;
	struct buf route = {0};
	struct stat st;
	int rc = -1, fd;

	if (s == NULL || imagesize_route(s->config, url, len, &route) < 0)
		goto out;
	const struct files_entry *e = files_find(&s->files, route.data, route.len);
	/* A bundle's file while its post is not served is not there. */
	if (e == NULL || (e->post != NULL && !post_live(e->post, clock_now())) ||
	    (fd = files_open(s->config, e, &st)) < 0)
		goto out;
	rc = imagesize_fd(fd, w, h);
	close(fd);
out:
	buf_free(&route);
	return rc;
}

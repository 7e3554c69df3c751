/* imagesize_test.c — image sizes from headers made here: PNG, JPEG (EXIF before the frame
 * header, near and past the bound), GIF, WebP (lossy, lossless, extended), SVG; truncated,
 * corrupt and absurd files; and a site's files found by address, symbolic links not. */
#include <fcntl.h>
#include <md4c.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "config.h"
#include "files.h"
#include "imagesize.h"
#include "post.h"
#include "render.h"
#include "route.h"
#include "scratch.h"
#include "site.h"

static void be32(struct buf *b, unsigned long v)
{
	char c[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
	buf_add(b, c, 4);
}

static void be16(struct buf *b, unsigned v)
{
	char c[2] = {(char)(v >> 8), (char)v};
	buf_add(b, c, 2);
}

static void le16(struct buf *b, unsigned v)
{
	char c[2] = {(char)v, (char)(v >> 8)};
	buf_add(b, c, 2);
}

static void le24(struct buf *b, unsigned long v)
{
	char c[3] = {(char)v, (char)(v >> 8), (char)(v >> 16)};
	buf_add(b, c, 3);
}

static void le32(struct buf *b, unsigned long v)
{
	le16(b, (unsigned)(v & 0xFFFF));
	le16(b, (unsigned)(v >> 16));
}

static void png(struct buf *b, unsigned long w, unsigned long h)
{
	buf_reset(b);
	buf_add(b, "\x89PNG\r\n\x1a\n", 8);
	be32(b, 13);
	buf_adds(b, "IHDR");
	be32(b, w);
	be32(b, h);
	buf_add(b, "\x08\x06\x00\x00\x00", 5);
	be32(b, 0); /* the CRC, not read */
}

static void gif(struct buf *b, unsigned w, unsigned h)
{
	buf_reset(b);
	buf_adds(b, "GIF89a");
	le16(b, w);
	le16(b, h);
	buf_add(b, "\xf7\x00\x00", 3);
}

/* A JPEG: SOI, APP1 segments of exif bytes in all (an EXIF block), a DQT, then the frame
 * header sof (0xC0 baseline, 0xC2 progressive). */
static void jpeg(struct buf *b, size_t exif, unsigned sof, unsigned w, unsigned h)
{
	buf_reset(b);
	buf_add(b, "\xff\xd8", 2);
	while (exif > 0) {
		size_t n = exif > 65000 ? 65000 : exif;
		buf_add(b, "\xff\xe1", 2);
		be16(b, (unsigned)n + 2);
		for (size_t i = 0; i < n; i++)
			buf_addc(b, i < 6 ? "Exif\0\0"[i] : (char)0xFF);
		exif -= n;
	}
	buf_add(b, "\xff\xdb", 2);
	be16(b, 3);
	buf_addc(b, 0);
	buf_add(b, "\xff\xff", 2); /* a fill byte */
	buf_addc(b, (char)sof);
	be16(b, 17);
	buf_addc(b, 8);
	be16(b, h);
	be16(b, w);
	buf_add(b, "\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
	buf_add(b, "\xff\xd9", 2);
}

static void riff(struct buf *b, const char *chunk, size_t len)
{
	buf_reset(b);
	buf_adds(b, "RIFF");
	le32(b, 4 + 8 + len);
	buf_adds(b, "WEBPVP8");
	buf_addc(b, chunk[0]);
	le32(b, len);
}

static void webp_lossy(struct buf *b, unsigned w, unsigned h)
{
	riff(b, " ", 10);
	buf_add(b, "\x30\x01\x00\x9d\x01\x2a", 6);
	le16(b, w);
	le16(b, h);
}

static void webp_lossless(struct buf *b, unsigned w, unsigned h)
{
	riff(b, "L", 5);
	buf_addc(b, 0x2F);
	le32(b, (unsigned long)(w - 1) | (unsigned long)(h - 1) << 14);
}

static void webp_extended(struct buf *b, unsigned long w, unsigned long h)
{
	riff(b, "X", 10);
	buf_add(b, "\x10\x00\x00\x00", 4);
	le24(b, w - 1);
	le24(b, h - 1);
}

/* imagesize_parse() of b: want_w 0 for no size. */
static void test_size(const char *name, const struct buf *b, unsigned want_w, unsigned want_h)
{
	unsigned w = 0, h = 0;
	int rc = imagesize_parse((const unsigned char *)b->data, b->len, &w, &h);

	if (want_w == 0)
		check("imagesize", name, rc < 0, "gave %ux%u", w, h);
	else
		check("imagesize", name, rc == 0 && w == want_w && h == want_h, "rc %d, %ux%u", rc,
		      w, h);
}

static void test_svg(const char *name, const char *svg, unsigned want_w, unsigned want_h)
{
	struct buf b = {0};

	buf_adds(&b, svg);
	test_size(name, &b, want_w, want_h);
	buf_free(&b);
}

static void test_headers(void)
{
	struct buf b = {0};

	png(&b, 640, 480);
	test_size("PNG", &b, 640, 480);
	b.len = 20;
	test_size("a truncated PNG", &b, 0, 0);
	png(&b, 0, 0);
	test_size("a 0x0 PNG", &b, 0, 0);
	png(&b, 100000, 100000);
	test_size("a 100000x100000 PNG", &b, 0, 0);
	png(&b, 0xFFFFFFFFul, 1);
	test_size("a 2^32-1 wide PNG", &b, 0, 0);
	png(&b, 3, 4);
	memcpy(b.data + 12, "IDAT", 4);
	test_size("a PNG without IHDR first", &b, 0, 0);
	gif(&b, 320, 200);
	test_size("GIF", &b, 320, 200);
	gif(&b, 0, 10);
	test_size("a GIF 0 wide", &b, 0, 0);
	jpeg(&b, 0, 0xC0, 800, 600);
	test_size("JPEG, baseline", &b, 800, 600);
	jpeg(&b, 40000, 0xC2, 1024, 768);
	test_size("JPEG, progressive, after 40 KB of EXIF", &b, 1024, 768);
	jpeg(&b, 70000, 0xC0, 1024, 768);
	test_size("JPEG: the frame header after 70 KB (read to 64 KiB: none)", &b, 1024, 768);
	struct buf cut = {0};
	buf_add(&cut, b.data, IMAGESIZE_PREFIX);
	test_size("... cut to the bound: no size", &cut, 0, 0);
	buf_free(&cut);
	jpeg(&b, 10, 0xC0, 0, 600);
	test_size("a JPEG 0 wide", &b, 0, 0);
	jpeg(&b, 100, 0xC0, 8, 8);
	b.data[4] = 0;
	b.data[5] = 1; /* a segment length of 1 */
	test_size("a JPEG segment length below 2", &b, 0, 0);
	buf_reset(&b);
	buf_add(&b, "\xff\xd8\xff\xda\x00\x02", 6);
	test_size("a JPEG whose scan comes before a frame header", &b, 0, 0);
	buf_reset(&b);
	buf_add(&b, "\xff\xd8\xff", 3);
	for (int i = 0; i < 100; i++)
		buf_addc(&b, (char)(i * 37));
	test_size("a corrupt JPEG", &b, 0, 0);
	webp_lossy(&b, 400, 300);
	test_size("WebP, lossy", &b, 400, 300);
	b.data[23] = 0;
	test_size("WebP, lossy without its start code", &b, 0, 0);
	webp_lossless(&b, 16383, 1);
	test_size("WebP, lossless", &b, 16383, 1);
	webp_extended(&b, 20000, 10000);
	test_size("WebP, extended", &b, 20000, 10000);
	webp_extended(&b, 100000, 100000);
	test_size("WebP, extended, 100000x100000", &b, 0, 0);
	b.len = 25;
	test_size("a truncated WebP", &b, 0, 0);
	test_svg("SVG, viewBox",
	         "<?xml version=\"1.0\"?>\n<!-- a comment -->\n<svg "
	         "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 150\"><g/></svg>",
	         300, 150);
	test_svg("SVG, width and height", "<svg width=\"120px\" height='60.4' stroke-width=\"9\">",
	         120, 60);
	test_svg("SVG, a width in %: the viewBox", "<svg width=\"100%\" viewBox=\"-5,-5 40 20\">",
	         40, 20);
	test_svg("SVG, a width alone: the viewBox's proportions",
	         "<svg width=\"80\" viewBox=\"0 0 40 20\">", 80, 40);
	test_svg("SVG without a size", "<svg xmlns=\"http://www.w3.org/2000/svg\">", 0, 0);
	test_svg("SVG, an unterminated tag", "<svg width=\"10\" height=\"10\"", 0, 0);
	test_svg("SVG, an absurd viewBox", "<svg viewBox=\"0 0 1e9 99999999999\">", 0, 0);
	test_svg("SVG, a 0 height", "<svg width=\"10\" height=\"0\">", 0, 0);
	test_svg("<svgx> is no svg", "<svgx width=\"10\" height=\"10\">", 0, 0);
	test_svg("text", "hello", 0, 0);
	buf_reset(&b);
	test_size("an empty file", &b, 0, 0);
	buf_free(&b);
}

static char dir[256];

static const char *at(const char *name)
{
	static char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void put(const char *name, const struct buf *b)
{
	scratch_write(at(name), b->data != NULL ? b->data : "", b->len);
}

static void say(void *ctx, const char *name, const struct stat *st, int level, const char *line)
{
	(void)ctx;
	(void)name;
	(void)st;
	(void)level;
	(void)line;
}

static int image_size(void *ctx, const char *url, unsigned *w, unsigned *h)
{
	return imagesize_site(ctx, url, strlen(url), w, h);
}

static void render(const struct site *s, const char *md, const char *base, struct buf *out)
{
	struct render_opts o = {.parser_flags = MD_DIALECT_GITHUB,
	                        .additions = 1,
	                        .base = base,
	                        .base_len = base ? strlen(base) : 0,
	                        .image_size = imagesize_site,
	                        .image_ctx = (void *)s};
	buf_reset(out);
	render_html(md, strlen(md), &o, out);
}

/* A site's files: found by address below the mount, read through no symbolic link. */
static void test_site(void)
{
	struct buf b = {0}, out = {0};
	struct config conf = {0};
	struct site s;
	struct route_table routes;
	struct files_say fs = {say, NULL, &routes, &conf};
	unsigned w = 0, h = 0;

	scratch_dir("imagesize", dir, sizeof(dir));
	mkdir(at("static"), 0700);
	mkdir(at("static/images"), 0700);
	mkdir(at("posts"), 0700);
	mkdir(at("posts/trip"), 0700);
	png(&b, 64, 32);
	put("static/images/x.png", &b);
	put("static/images/a b&c.png", &b);
	put("static/images/gone.png", &b);
	gif(&b, 7, 5);
	put("posts/trip/photo.gif", &b);
	buf_reset(&b);
	buf_adds(&b, "---\ntitle: Trip\n---\n");
	put("posts/trip/index.md", &b);
	jpeg(&b, 70000, 0xC0, 9, 9);
	put("static/exif.jpg", &b);
	jpeg(&b, 60000, 0xC0, 9, 9);
	put("static/exif60.jpg", &b);
	symlink("images/x.png", at("static/link.png"));
	png(&b, 1, 1);
	put("static/huge.png", &b);
	/* Past the prefix read, and ending after it: read no further. */
	for (int i = 0; i < 200000; i++)
		buf_addc(&b, 'x');
	put("static/huge.png", &b);

	conf.mount = "/blog/";
	conf.static_dir = (char *)at("static");
	conf.static_dir = strdup(conf.static_dir);
	conf.posts_dir = strdup(at("posts"));
	conf.ntaxonomies = 0;
	route_init(&routes, 4);
	memset(&s, 0, sizeof(s));
	s.config = &conf;
	struct post *p = post_new(conf.posts_dir, "trip/index.md");
	p->route = "/trip";
	p->route_len = 5;
	route_add(&routes, p->route, p->route_len, p);
	files_add_static(&s.files, conf.static_dir, &fs);
	int pfd = open(conf.posts_dir, O_RDONLY | O_DIRECTORY);
	files_add_bundle(&s.files, pfd, conf.posts_dir, "trip", p, &fs);
	close(pfd);
	files_seal(&s.files, &fs);
	/* Made a link after the scan: not opened. */
	unlink(at("static/images/gone.png"));
	symlink("x.png", at("static/images/gone.png"));

	check("imagesize", "a static file by its address",
	      image_size(&s, "/blog/images/x.png", &w, &h) == 0 && w == 64 && h == 32, "%ux%u", w,
	      h);
	check("imagesize", "escaped and encoded, with a query",
	      image_size(&s, "/blog/images/a%20b&amp;c.png?v=2#f", &w, &h) == 0, "");
	check("imagesize", "outside the mount: none", image_size(&s, "/images/x.png", &w, &h) < 0,
	      "");
	check("imagesize", "another site's: none",
	      image_size(&s, "https://e.org/blog/images/x.png", &w, &h) < 0, "");
	check("imagesize", "a missing file: none", image_size(&s, "/blog/nope.png", &w, &h) < 0,
	      "");
	check("imagesize", "a symbolic link is not in the table",
	      image_size(&s, "/blog/link.png", &w, &h) < 0, "");
	check("imagesize", "a file made a symbolic link since the scan is not opened",
	      image_size(&s, "/blog/images/gone.png", &w, &h) < 0, "");
	check("imagesize", "a dot-dot address: none",
	      image_size(&s, "/blog/images/../../static/images/x.png", &w, &h) < 0, "");
	check("imagesize", "a bundle's file",
	      image_size(&s, "/blog/trip/photo.gif", &w, &h) == 0 && w == 7 && h == 5, "");
	p->has_publish = 1;
	p->publish = time(NULL) + 3600;
	check("imagesize", "a bundle's file before its post is published: none",
	      image_size(&s, "/blog/trip/photo.gif", &w, &h) < 0, "");
	p->has_publish = 0;
	check("imagesize", "a JPEG's frame header 60 KB in",
	      image_size(&s, "/blog/exif60.jpg", &w, &h) == 0 && w == 9, "");
	check("imagesize", "a JPEG's frame header 70 KB in, past the bound: none",
	      image_size(&s, "/blog/exif.jpg", &w, &h) < 0, "");
	check("imagesize", "a 200 KB file: its header",
	      image_size(&s, "/blog/huge.png", &w, &h) == 0, "");

	render(&s, "![a](/blog/images/x.png) ![b](/blog/nope.png)\n", NULL, &out);
	check("imagesize", "rendered: a size for the file, none for a missing one",
	      strcmp(buf_cstr(&out),
	             "<p><img src=\"/blog/images/x.png\" alt=\"a\" width=\"64\" height=\"32\" "
	             "loading=\"lazy\" decoding=\"async\"> <img src=\"/blog/nope.png\" alt=\"b\" "
	             "loading=\"lazy\" decoding=\"async\"></p>\n") == 0,
	      "got \"%s\"", buf_cstr(&out));
	render(&s, "![A trip](photo.gif \"The trip\")\n", "/blog/trip/", &out);
	check("imagesize", "rendered: a bundle's relative image, a figure",
	      strcmp(buf_cstr(&out),
	             "<figure><img src=\"/blog/trip/photo.gif\" alt=\"A trip\" width=\"7\" "
	             "height=\"5\" loading=\"lazy\" decoding=\"async\"><figcaption>The "
	             "trip</figcaption></figure>\n") == 0,
	      "got \"%s\"", buf_cstr(&out));
	render(&s, "<img src=\"/blog/images/x.png\">\n", NULL, &out);
	check("imagesize", "raw HTML's img is left as written",
	      strcmp(buf_cstr(&out), "<img src=\"/blog/images/x.png\">\n") == 0, "got \"%s\"",
	      buf_cstr(&out));

	files_free(&s.files);
	route_free(&routes);
	post_unref(p);
	free(conf.static_dir);
	free(conf.posts_dir);
	scratch_rm(dir);
	buf_free(&b);
	buf_free(&out);
}

int main(void)
{
	test_headers();
	test_site();
	return check_exit();
}

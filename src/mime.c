/* mime.c — a file's media type from its name: the types a blog's files have. */
#include "mime.h"

#include <string.h>

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
    /* Sorted by extension, for the binary search. */
    {"7z", "application/x-7z-compressed"},
    {"aac", "audio/aac"},
    {"apng", "image/apng"},
    {"asc", "text/plain; charset=utf-8"},
    {"atom", "application/atom+xml"},
    {"avif", "image/avif"},
    {"bmp", "image/bmp"},
    {"bz2", "application/x-bzip2"},
    {"c", "text/plain; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"epub", "application/epub+zip"},
    {"flac", "audio/flac"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"h", "text/plain; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/vnd.microsoft.icon"},
    {"ics", "text/calendar; charset=utf-8"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"jsonld", "application/ld+json"},
    {"m4a", "audio/mp4"},
    {"m4v", "video/mp4"},
    {"map", "application/json"},
    {"md", "text/markdown; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},
    {"opus", "audio/ogg"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"py", "text/plain; charset=utf-8"},
    {"rs", "text/plain; charset=utf-8"},
    {"rss", "application/rss+xml"},
    {"sh", "text/plain; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"toml", "text/plain; charset=utf-8"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"wav", "audio/wav"},
    {"webm", "video/webm"},
    {"webmanifest", "application/manifest+json"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xml", "application/xml"},
    {"xz", "application/x-xz"},
    {"yaml", "text/plain; charset=utf-8"},
    {"yml", "text/plain; charset=utf-8"},
    {"zip", "application/zip"},
    {"zst", "application/zstd"},
};

const char *mime_type(const char *name, size_t len)
{
	const char *dot = NULL, *base = name;
	size_t lo = 0, hi = sizeof(mime_types) / sizeof(mime_types[0]);
	char ext[16];
	size_t n;

	for (size_t i = 0; i < len; i++) {
		if (name[i] == '/')
			base = name + i + 1, dot = NULL;
		else if (name[i] == '.')
			dot = name + i;
	}
	/* ".profile" has no extension; nor has a name ending in a dot. */
	if (dot == NULL || dot == base || (n = (size_t)(name + len - dot - 1)) == 0 ||
	    n >= sizeof(ext))
		return "application/octet-stream";
	for (size_t i = 0; i < n; i++) {
		char ch = dot[1 + i];
		ext[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	ext[n] = '\0';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(mime_types[mid].ext, ext);
		if (c == 0)
			return mime_types[mid].type;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "application/octet-stream";
}

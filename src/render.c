/* render.c — HTML from md4c's parser: md_html's output, and quire's additions. */
#include "render.h"

#include <md4c.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "buf.h"
#include "emoji.h"
#include "footnote.h"
#include "highlight.h"
#include "html.h"
#include "mdline.h"
#include "mem.h"
#include "scan.h"
#include "smart.h"
#include "utf8.h"

struct render_entity {
	const char *name; /* without '&' and ';' */
	unsigned cp[2];
};

#include "entity-table.h"

/* Bytes that a URL attribute escapes (all but letters, digits, NUL and -_.+!*(),%#@?=;:/$),
 * and those HTML text escapes (&, <, >, ", and NUL dropped) to scan_find(), alone and with
 * every byte >= 0x80 (UTF-8 to check). */
static unsigned char render_url_esc[256];
static struct scan_set render_html_set, render_html_utf8_set;

struct render {
	struct buf *out;
	const struct render_opts *o;
	struct buf scratch; /* ill-formed UTF-8 made well-formed */
	unsigned image;     /* inside an image's alt text: no tags */
	size_t html_run;    /* offset + 1 in out where the current raw HTML began, or 0 */
	size_t para;        /* offset in out of the open paragraph's "<p>" */
	int more;           /* the <!--more--> line has been made the comment again */
	/* The heading being written (with the additions): where its content starts in out,
	 * its text; and the ids given so far, each NUL-terminated. */
	size_t heading;
	int in_heading;
	struct buf htext, ids;
	/* With the additions: the image being written (its size, 0 for none), and offset + 1
	 * in out where a paragraph's image that may make it a figure ends (else 0), with its
	 * caption; the text md4c reads, and the block attribute lists in it. */
	unsigned img_w, img_h;
	size_t fig_end, fig_title; /* and where its title attribute starts */
	int in_para;
	struct buf caption;
	const char *src;
	size_t src_len;
	struct attr_blocks attrs;
	/* Offset + 1 in out of the tag of the image or link just closed, or 0; and the end of
	 * the span attribute list after it, whose text is not written. */
	size_t span_tag, img_tag, a_tag; /* and where the open image's and link's start */
	const char *skip_to;
	/* With the additions, the post's footnotes (NULL: none); inside a link (references
	 * stay text there); blocks open, those of the top level, the first one's type. */
	struct footnotes *notes;
	unsigned link, depth, blocks;
	MD_BLOCKTYPE block;
	/* With markdown.smart: the typography's state, the open link's URL (an
	 * autolink's text is left); src shows a backslash before a piece of text. */
	int smart_on;
	struct smart smart;
	struct buf href;
	int in_link;
	/* The inline math span being written: where its markup starts in out, where its
	 * text ends in the input. */
	size_t math_at;
	const char *math_end;
	/* The fenced code being collected to be highlighted (with the additions). */
	const struct highlight_lang *hl;
	struct highlight_opts hlo;
	struct buf code;
};

#define RENDER_MATH_OPEN "<span class=\"math inline\">\\("

/* Inline math whose closing '$' a digit follows ("$5 and $10") is text, as in Pandoc: 1
 * when the span was made text again. */
static int render_price(struct render *r)
{
	const char *e = r->math_end;

	if (e == NULL || e < r->src || e + 1 >= r->src + r->src_len || *e != '$' || e[1] < '0' ||
	    e[1] > '9')
		return 0;
	size_t at = r->math_at, k = sizeof(RENDER_MATH_OPEN) - 1;
	memmove(r->out->data + at + 1, r->out->data + at + k, r->out->len - at - k);
	r->out->data[at] = '$';
	r->out->len -= k - 1;
	buf_addc(r->out, '$');
	return 1;
}

static int render_space(char c)
{
	return c == ' ' || c == '\t';
}

static pthread_once_t render_esc_once = PTHREAD_ONCE_INIT;

/* Made once, before any thread reads it (request threads and the watcher render at once). */
static void render_init_esc(void)
{
	for (int i = 0; i < 256; i++) {
		unsigned char c = (unsigned char)i;
		int alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		/* As md_html's strchr() finds a NUL in any string: text drops it, a URL keeps it.
		 */
		render_url_esc[i] = !alnum && c != 0 && strchr("-_.+!*(),%#@?=;:/$", c) == NULL;
	}
	scan_init(&render_html_set, "\0\"&<>", 5, 0);
	scan_init(&render_html_utf8_set, "\0\"&<>", 5, 1);
}

static void render_out(struct render *r, const char *p, size_t n)
{
	buf_add(r->out, p, n);
}

#define RENDER_LIT(r, s) render_out((r), (s), sizeof(s) - 1)

/* With the additions, p made well-formed UTF-8 (in r->scratch when it was not). */
static const char *render_utf8(struct render *r, const char *p, size_t *n)
{
	if (!r->o->additions || utf8_valid(p, *n) == *n)
		return p;
	buf_reset(&r->scratch);
	utf8_clean(&r->scratch, p, *n, 0);
	*n = r->scratch.len;
	return r->scratch.data;
}

static void render_html_escaped(struct render *r, const char *p, size_t n)
{
	const struct scan_set *set = r->o->additions ? &render_html_utf8_set : &render_html_set;
	size_t beg = 0, off = 0;

	for (;;) {
		off += scan_find(set, p + off, n - off);
		if (off >= n) {
			render_out(r, p + beg, n - beg);
			return;
		}
		if ((unsigned char)p[off] >= 0x80) {
			size_t len = utf8_len(p + off, n - off);
			if (len > 0) {
				off += len;
				continue;
			}
			/* Ill-formed: the rest made well-formed, then escaped. */
			render_out(r, p + beg, off - beg);
			buf_reset(&r->scratch);
			utf8_clean(&r->scratch, p + off, n - off, 0);
			p = r->scratch.data;
			n = r->scratch.len;
			beg = off = 0;
			set = &render_html_set;
			continue;
		}
		render_out(r, p + beg, off - beg);
		html_text_char(r->out, p[off]);
		beg = ++off;
	}
}

static void render_url_escaped_to(struct buf *out, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t beg = 0, off = 0;

	for (;;) {
		while (off < n && !render_url_esc[(unsigned char)p[off]])
			off++;
		if (off > beg)
			buf_add(out, p + beg, off - beg);
		if (off >= n)
			break;
		unsigned char c = (unsigned char)p[off];
		if (c == '&') {
			buf_add(out, "&amp;", 5);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_add(out, e, 3);
		}
		beg = ++off;
	}
}

static void render_url_escaped(struct render *r, const char *p, size_t n)
{
	render_url_escaped_to(r->out, p, n);
}

static void render_verbatim(struct render *r, const char *p, size_t n)
{
	p = render_utf8(r, p, &n);
	render_out(r, p, n);
}

typedef void render_fn(struct render *r, const char *p, size_t n);

/* The UTF-8 of cp, given to fn; U+FFFD for 0 and what is past U+10FFFF, and with the
 * additions for surrogates (md_html writes those as three bytes each). */
static void render_codepoint(struct render *r, unsigned cp, render_fn *fn)
{
	char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10FFFF || (r->o->additions && cp >= 0xD800 && cp <= 0xDFFF)) {
		fn(r, "\xEF\xBF\xBD", 3);
		return;
	}
	n = utf8_encode(cp, u);
	fn(r, u, n);
}

static const struct render_entity *render_entity_find(const char *name, size_t n)
{
	size_t lo = 0, hi = sizeof(render_entities) / sizeof(render_entities[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = render_entities[mid].name;
		size_t klen = strlen(k);
		int c = memcmp(k, name, klen < n ? klen : n);
		if (c == 0)
			c = klen < n ? -1 : klen > n;
		if (c == 0)
			return &render_entities[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static unsigned render_hex(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A' + 10);
	return (unsigned)(c - 'a' + 10);
}

/* An entity md4c recognised ("&amp;", "&#123;", "&#x1F600;"): its characters, or the
 * text when the name is unknown. */
static void render_entity(struct render *r, const char *p, size_t n, render_fn *fn)
{
	if (n > 3 && p[1] == '#') {
		unsigned cp = 0;
		if (p[2] == 'x' || p[2] == 'X') {
			for (size_t i = 3; i + 1 < n; i++)
				cp = 16 * cp + render_hex(p[i]);
		} else {
			for (size_t i = 2; i + 1 < n; i++)
				cp = 10 * cp + (unsigned)(p[i] - '0');
		}
		render_codepoint(r, cp, fn);
		return;
	}
	const struct render_entity *e = n > 2 ? render_entity_find(p + 1, n - 2) : NULL;
	if (e != NULL) {
		render_codepoint(r, e->cp[0], fn);
		if (e->cp[1] != 0)
			render_codepoint(r, e->cp[1], fn);
		return;
	}
	fn(r, p, n);
}

static void render_attribute(struct render *r, const MD_ATTRIBUTE *a, render_fn *fn)
{
	for (int i = 0; a->substr_offsets[i] < a->size; i++) {
		MD_OFFSET off = a->substr_offsets[i];
		MD_SIZE size = a->substr_offsets[i + 1] - off;
		switch (a->substr_types[i]) {
		case MD_TEXT_NULLCHAR:
			render_codepoint(r, 0, render_verbatim);
			break;
		case MD_TEXT_ENTITY:
			render_entity(r, a->text + off, size, fn);
			break;
		default:
			fn(r, a->text + off, size);
			break;
		}
	}
}

/* Does the URL at p (an attribute's value as written, escaped) start with a scheme that
 * runs code? Browsers ignore case, and tabs and newlines, in a scheme. */
static int render_unsafe_url(const char *p, const char *end)
{
	static const char *const schemes[] = {"javascript:", "vbscript:", "data:"};
	char scheme[12];
	size_t n = 0;

	for (; p < end && n < sizeof(scheme); p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ')
			continue;
		scheme[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t k = strlen(schemes[i]);
		if (n >= k && memcmp(scheme, schemes[i], k) == 0)
			return 1;
	}
	return 0;
}

/* Is the URL relative to the page (not "/...", "#...", "?..." or "scheme:...")? */
static int render_relative(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0 || p[0] == '/' || p[0] == '#' || p[0] == '?')
		return 0;
	if (!((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z'))
		return 1;
	while (i < n && (((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') ||
	                 (p[i] >= '0' && p[i] <= '9') || p[i] == '+' || p[i] == '-' || p[i] == '.'))
		i++;
	return !(i < n && p[i] == ':');
}

/* A link's or image's URL: against the base when relative; with the additions "#" for
 * one that would run script. */
static void render_url(struct render *r, const MD_ATTRIBUTE *a)
{
	size_t at = r->out->len;

	if (r->o->base != NULL && render_relative(a->text, a->size))
		render_url_escaped(r, r->o->base, r->o->base_len);
	render_attribute(r, a, render_url_escaped);
	if (r->o->additions && render_unsafe_url(r->out->data + at, r->out->data + r->out->len)) {
		r->out->len = at;
		RENDER_LIT(r, "#");
	}
}

/* Replace each <span emoji='name'></span> (either quote) of out from start on by its
 * emoji. */
static void render_emoji(struct buf *out, size_t start)
{
	static const char open[] = "<span emoji=";
	static const char close[] = "></span>";
	size_t r = start, w = start;

	while (r < out->len) {
		char *p = memmem(out->data + r, out->len - r, open, sizeof(open) - 1);
		if (p == NULL)
			break;
		size_t at = (size_t)(p - out->data);
		memmove(out->data + w, out->data + r, at - r);
		w += at - r;
		r = at;
		size_t q = at + sizeof(open) - 1;
		const char *glyph = NULL;
		size_t end = 0;
		if (q < out->len && (out->data[q] == '\'' || out->data[q] == '"')) {
			char *e = memchr(out->data + q + 1, out->data[q], out->len - q - 1);
			if (e != NULL) {
				size_t name = q + 1, nlen = (size_t)(e - out->data) - name;
				end = (size_t)(e - out->data) + 1;
				if (out->len - end >= sizeof(close) - 1 &&
				    memcmp(out->data + end, close, sizeof(close) - 1) == 0) {
					glyph = emoji_lookup(out->data + name, nlen);
					end += sizeof(close) - 1;
				}
			}
		}
		/* Written in place, the glyph must fit where the span was; all do. */
		if (glyph != NULL && strlen(glyph) > end - w)
			glyph = NULL;
		if (glyph == NULL) {
			memmove(out->data + w, out->data + r, sizeof(open) - 1);
			w += sizeof(open) - 1;
			r += sizeof(open) - 1;
			continue;
		}
		size_t glen = strlen(glyph);
		memcpy(out->data + w, glyph, glen);
		w += glen;
		r = end;
	}
	memmove(out->data + w, out->data + r, out->len - r);
	w += out->len - r;
	out->len = w;
}

/* In raw HTML (out from start on), an href or src whose URL would run script gets "#",
 * and with a base (base_len bytes, or NULL) a relative one is resolved against it. */
static void render_raw_links(struct buf *out, size_t start, const char *base, size_t base_len)
{
	static const char *const attrs[] = {" href=", " src="};

	for (size_t a = 0; a < 2; a++) {
		size_t alen = strlen(attrs[a]), at = start;
		char *p;
		while ((p = memmem(out->data + at, out->len - at, attrs[a], alen)) != NULL) {
			char *v = p + alen, *end = out->data + out->len;
			at = (size_t)(v - out->data);
			if (v >= end || (*v != '"' && *v != '\''))
				continue;
			char *q = memchr(v + 1, *v, (size_t)(end - v - 1));
			v++;
			if (q == NULL)
				break;
			if (render_unsafe_url(v, q)) {
				*v = '#';
				memmove(v + 1, q, (size_t)(end - q));
				out->len -= (size_t)(q - v) - 1;
				continue;
			}
			if (base == NULL || !render_relative(v, (size_t)(q - v)))
				continue;
			size_t vat = (size_t)(v - out->data);
			buf_grow(out, base_len);
			memmove(out->data + vat + base_len, out->data + vat, out->len - vat);
			memcpy(out->data + vat, base, base_len);
			out->len += base_len;
			at = vat + base_len;
		}
	}
}

/* Raw HTML ended: with the additions, its emoji spans and unsafe URLs. */
static void render_html_end(struct render *r)
{
	if (r->html_run == 0)
		return;
	if (r->o->additions) {
		render_emoji(r->out, r->html_run - 1);
		render_raw_links(r->out, r->html_run - 1, r->o->base, r->o->base_len);
	}
	r->html_run = 0;
}

/* A heading's text, collected for its id. */
static void render_collect(struct render *r, const char *p, size_t n)
{
	buf_add(&r->htext, p, n);
}

static int render_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == ':' || c == '.';
}

/* The author's "{#id}" ending [p, p + *n) (spaces before it too): its id, *n cut to
 * what is before it; else NULL. */
static const char *render_own_id(const char *p, size_t *n, size_t *idlen)
{
	size_t e = *n;

	while (e > 0 && render_space(p[e - 1]))
		e--;
	if (e < 4 || p[e - 1] != '}')
		return NULL;
	size_t b = e - 1;
	while (b > 0 && render_id_char(p[b - 1]))
		b--;
	if (b == e - 1 || b < 2 || p[b - 1] != '#' || p[b - 2] != '{')
		return NULL;
	*idlen = e - 1 - b;
	e = b - 2;
	while (e > 0 && render_space(p[e - 1]))
		e--;
	*n = e;
	return p + b;
}

/* Has the page an element with this id yet? */
static int render_id_taken(const struct buf *ids, const char *id, size_t n)
{
	for (size_t i = 0; i < ids->len;) {
		size_t k = strlen(ids->data + i);
		if (k == n && memcmp(ids->data + i, id, n) == 0)
			return 1;
		i += k + 1;
	}
	return 0;
}

/* A character past ASCII in a heading's id: lower case for Latin, Greek and Cyrillic
 * capitals; 0 for punctuation and symbols GitHub drops (Latin-1's, general punctuation,
 * arrows to dingbats, CJK's, emoji). */
static unsigned render_slug_cp(unsigned cp)
{
	if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB) ||
	    (cp >= 0x410 && cp <= 0x42F))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 0x50;
	if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x138 && cp != 0x149 &&
	    cp != 0x178 &&
	    ((cp >= 0x139 && cp <= 0x148) || cp >= 0x179 ? cp % 2 == 1 : cp % 2 == 0))
		return cp + 1;
	if ((cp >= 0xA0 && cp <= 0xBF && cp != 0xAA && cp != 0xB2 && cp != 0xB3 && cp != 0xB5 &&
	     cp != 0xB9 && cp != 0xBA && cp != 0xBC && cp != 0xBD && cp != 0xBE) ||
	    cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) ||
	    (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
	    (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0x1F000 && cp <= 0x1FAFF) ||
	    (cp >= 0xFE00 && cp <= 0xFE0F))
		return 0;
	return cp;
}

/* GitHub's id for a heading's text: lower case, spaces '-', punctuation dropped, other
 * scripts' letters kept; "-1", "-2"... after one taken. */
static void render_slug(const struct buf *ids, const char *p, size_t n, struct buf *id)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0xC2 && c <= 0xF4) {
			size_t len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, k;
			unsigned cp = c & (0x3Fu >> (len - 1));
			for (k = 1;
			     k < len && i + k < n && ((unsigned char)p[i + k] & 0xC0) == 0x80; k++)
				cp = cp << 6 | ((unsigned char)p[i + k] & 0x3F);
			if (k == len) {
				i += len - 1;
				cp = render_slug_cp(cp);
				if (cp >= 0x10000) {
					buf_add(id, p + i - 3, 4);
				} else if (cp >= 0x800) {
					buf_addc(id, (char)(0xE0 | (cp >> 12)));
					buf_addc(id, (char)(0x80 | ((cp >> 6) & 0x3F)));
					buf_addc(id, (char)(0x80 | (cp & 0x3F)));
				} else if (cp != 0) {
					buf_addc(id, (char)(0xC0 | (cp >> 6)));
					buf_addc(id, (char)(0x80 | (cp & 0x3F)));
				}
				continue;
			}
		}
		if (c >= 'A' && c <= 'Z')
			buf_addc(id, (char)(c + 32));
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		         c >= 0x80)
			buf_addc(id, (char)c);
		else if (c == ' ' || c == '\t' || c == '\n')
			buf_addc(id, '-');
	}
	if (id->len == 0)
		buf_adds(id, "section");
	size_t base = id->len;
	for (unsigned k = 1; render_id_taken(ids, id->data, id->len); k++) {
		id->len = base;
		buf_printf(id, "-%u", k);
	}
}

/* The heading ends: its id (the author's {#id}, cut from the text, or its text's) goes
 * into its tag, and a link to it after the text. */
static void render_heading_id(struct render *r)
{
	struct buf id = {0}, attr = {0};
	size_t n = r->out->len - r->heading, idlen = 0;
	const char *own = render_own_id(r->out->data + r->heading, &n, &idlen);

	r->in_heading = 0;
	if (own != NULL) {
		buf_add(&id, own, idlen);
		r->out->len = r->heading + n;
	} else {
		render_slug(&r->ids, r->htext.data, r->htext.len, &id);
	}
	buf_add(&r->ids, id.data, id.len);
	buf_addc(&r->ids, '\0');
	/* "<hN>" becomes "<hN id="ID">". */
	buf_adds(&attr, " id=\"");
	utf8_clean(&attr, id.data, id.len, 0);
	buf_adds(&attr, "\"");
	buf_grow(r->out, attr.len);
	char *at = r->out->data + r->heading - 1;
	memmove(at + attr.len, at, r->out->len - (r->heading - 1));
	memcpy(at, attr.data, attr.len);
	r->out->len += attr.len;
	RENDER_LIT(r, " <a class=\"anchor\" href=\"#");
	render_url_escaped_to(r->out, id.data, id.len);
	RENDER_LIT(r, "\" aria-label=\"Link to this section\">#</a>");
	buf_free(&attr);
	buf_free(&id);
}

/* Does a block of type take kramdown's block attributes? */
static int render_takes_attrs(MD_BLOCKTYPE type)
{
	return type == MD_BLOCK_P || type == MD_BLOCK_H || type == MD_BLOCK_UL ||
	       type == MD_BLOCK_OL || type == MD_BLOCK_QUOTE || type == MD_BLOCK_CODE ||
	       type == MD_BLOCK_TABLE;
}

/* With the additions, fenced code in a language the highlighter knows: its text is
 * collected, and written highlighted when the block ends. */
static void render_code_begin(struct render *r, const MD_BLOCK_CODE_DETAIL *d)
{
	const char *info = d->info.text, *end, *rest;

	if (!r->o->additions || d->lang.text == NULL || info == NULL)
		return;
	r->hl = highlight_find(d->lang.text, d->lang.size);
	if (r->hl == NULL)
		return;
	buf_reset(&r->code);
	end = info + d->info.size; /* the options follow the language's name */
	rest = d->lang.text >= info && d->lang.text <= end ? d->lang.text + d->lang.size : end;
	highlight_opts_parse(rest, (size_t)(end - rest), &r->hlo);
}

static void render_code_end(struct render *r)
{
	highlight_html(r->hl, r->code.data != NULL ? r->code.data : "", r->code.len, &r->hlo,
	               r->out);
	highlight_opts_free(&r->hlo);
	r->hl = NULL;
}

static int render_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct render *r = userdata;
	char tmp[64];

	render_html_end(r);
	r->span_tag = 0;
	attr_blocks_enter(&r->attrs, r->out->len, render_takes_attrs(type), type == MD_BLOCK_QUOTE,
	                  type == MD_BLOCK_H);
	if (r->depth++ == 1 && r->blocks++ == 0)
		r->block = type;
	smart_block(&r->smart);
	switch (type) {
	case MD_BLOCK_DOC:
	case MD_BLOCK_HTML:
		break;
	case MD_BLOCK_QUOTE:
		RENDER_LIT(r, "<blockquote>\n");
		break;
	case MD_BLOCK_UL:
		RENDER_LIT(r, "<ul>\n");
		break;
	case MD_BLOCK_OL: {
		const MD_BLOCK_OL_DETAIL *d = detail;
		if (d->start == 1) {
			RENDER_LIT(r, "<ol>\n");
		} else {
			int n = snprintf(tmp, sizeof(tmp), "<ol start=\"%u\">\n", d->start);
			render_out(r, tmp, (size_t)n);
		}
		break;
	}
	case MD_BLOCK_LI: {
		const MD_BLOCK_LI_DETAIL *d = detail;
		if (!d->is_task) {
			RENDER_LIT(r, "<li>");
			break;
		}
		RENDER_LIT(r, "<li class=\"task-list-item\"><input type=\"checkbox\" "
		              "class=\"task-list-item-checkbox\" disabled");
		if (d->task_mark == 'x' || d->task_mark == 'X')
			RENDER_LIT(r, " checked");
		RENDER_LIT(r, ">");
		break;
	}
	case MD_BLOCK_HR:
		RENDER_LIT(r, "<hr>\n");
		break;
	case MD_BLOCK_H: {
		int n = snprintf(tmp, sizeof(tmp), "<h%u>", ((MD_BLOCK_H_DETAIL *)detail)->level);
		render_out(r, tmp, (size_t)n);
		if (r->o->additions) {
			r->in_heading = 1;
			r->heading = r->out->len;
			buf_reset(&r->htext);
		}
		break;
	}
	case MD_BLOCK_CODE: {
		const MD_BLOCK_CODE_DETAIL *d = detail;
		RENDER_LIT(r, "<pre><code");
		if (d->lang.text != NULL) {
			RENDER_LIT(r, " class=\"language-");
			render_attribute(r, &d->lang, render_html_escaped);
			RENDER_LIT(r, "\"");
		}
		RENDER_LIT(r, ">");
		render_code_begin(r, d);
		break;
	}
	case MD_BLOCK_P:
		r->para = r->out->len;
		r->in_para = 1;
		r->fig_end = 0;
		RENDER_LIT(r, "<p>");
		break;
	case MD_BLOCK_TABLE:
		RENDER_LIT(r, "<table>\n");
		break;
	case MD_BLOCK_THEAD:
		RENDER_LIT(r, "<thead>\n");
		break;
	case MD_BLOCK_TBODY:
		RENDER_LIT(r, "<tbody>\n");
		break;
	case MD_BLOCK_TR:
		RENDER_LIT(r, "<tr>\n");
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD: {
		const MD_BLOCK_TD_DETAIL *d = detail;
		static const char *const align[] = {[MD_ALIGN_DEFAULT] = ">",
		                                    [MD_ALIGN_LEFT] = " align=\"left\">",
		                                    [MD_ALIGN_CENTER] = " align=\"center\">",
		                                    [MD_ALIGN_RIGHT] = " align=\"right\">"};
		render_out(r, type == MD_BLOCK_TH ? "<th" : "<td", 3);
		buf_adds(r->out, align[d->align <= MD_ALIGN_RIGHT ? d->align : 0]);
		break;
	}
	}
	return 0;
}

/* With raw HTML escaped, the <!--more--> line would be visible: make it the comment. */
static int render_more(struct render *r)
{
	static const char shown[] = "<p>&lt;!--more--&gt;";

	if (!r->o->additions || !r->o->raw_html_escape || r->more ||
	    r->out->len - r->para != sizeof(shown) - 1 ||
	    memcmp(r->out->data + r->para, shown, sizeof(shown) - 1) != 0)
		return 0;
	r->out->len = r->para;
	RENDER_LIT(r, "<!--more-->\n");
	r->more = 1;
	return 1;
}

/* A block attribute list is due at text from offset pos of what md4c reads: its
 * attributes go into the tag of the block it follows. */
/* Attributes a go into the tag that starts at offset tag of out, before its '>'; the
 * offsets kept past that point move. */
static void render_tag_attrs(struct render *r, size_t tag, const struct buf *a)
{
	char *gt = memchr(r->out->data + tag, '>', r->out->len - tag);

	if (gt == NULL || a->len == 0)
		return;
	size_t at = (size_t)(gt - r->out->data);
	buf_grow(r->out, a->len);
	memmove(r->out->data + at + a->len, r->out->data + at, r->out->len - at);
	memcpy(r->out->data + at, a->data, a->len);
	r->out->len += a->len;
	r->para += r->para > at ? a->len : 0;
	r->heading += r->heading > at ? a->len : 0;
	r->html_run += r->html_run > at + 1 ? a->len : 0;
	r->fig_end += r->fig_end > at + 1 ? a->len : 0;
	r->fig_title += r->fig_title > at ? a->len : 0;
	r->span_tag += r->span_tag > at + 1 ? a->len : 0;
	r->img_tag += r->img_tag > at ? a->len : 0;
	r->a_tag += r->a_tag > at ? a->len : 0;
	attr_blocks_shift(&r->attrs, at, a->len);
}

static void render_attrs_due(struct render *r, size_t pos)
{
	struct buf a = {0};
	size_t tag;

	while (attr_blocks_due(&r->attrs, pos, &tag, &a)) {
		render_tag_attrs(r, tag, &a);
		buf_reset(&a);
	}
	buf_free(&a);
}

/* Text at p (in what md4c reads) right after an image or a link: when it starts with an
 * attribute list on its line, of characters no inline syntax of md4c's takes, the list's
 * attributes go on that tag and its text is skipped. */
static void render_span_attrs(struct render *r, const char *p)
{
	const char *end = r->src + r->src_len, *q = p;
	struct buf a = {0};

	while (q < end && *q != '\n' && *q != '}' && *q != '\0' &&
	       ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
	        strchr("{: \t-.#=\"'", *q) != NULL))
		q++;
	if (q < end && *q == '}' && memmem(p, (size_t)(q - p), "www.", 4) == NULL) {
		size_t took = attr_parse(p, (size_t)(q + 1 - p), 0, &a);
		if (took == (size_t)(q + 1 - p)) {
			render_tag_attrs(r, r->span_tag, &a);
			r->skip_to = q + 1;
		}
	}
	buf_free(&a);
}

/* A paragraph of one image with a title becomes a figure, the title its caption. */
static int render_figure(struct render *r)
{
	if (!r->o->additions || r->fig_end == 0 || r->fig_end - 1 != r->out->len)
		return 0;
	/* The title goes: it is the caption. */
	size_t t = r->fig_title, tn = r->caption.len + 9;
	memmove(r->out->data + t, r->out->data + t + tn, r->out->len - t - tn);
	r->out->len -= tn;
	buf_grow(r->out, 5);
	char *p = r->out->data + r->para;
	memmove(p + 8, p + 3, r->out->len - r->para - 3);
	memcpy(p, "<figure>", 8);
	r->out->len += 5;
	RENDER_LIT(r, "<figcaption>");
	render_out(r, r->caption.data, r->caption.len);
	RENDER_LIT(r, "</figcaption></figure>\n");
	return 1;
}

static int render_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct render *r = userdata;
	char tmp[16];

	render_html_end(r);
	r->span_tag = 0;
	attr_blocks_leave(&r->attrs, render_takes_attrs(type), type == MD_BLOCK_QUOTE,
	                  type == MD_BLOCK_H);
	r->depth--;
	smart_block(&r->smart);
	switch (type) {
	case MD_BLOCK_DOC:
	case MD_BLOCK_HTML:
	case MD_BLOCK_HR:
		break;
	case MD_BLOCK_QUOTE:
		RENDER_LIT(r, "</blockquote>\n");
		break;
	case MD_BLOCK_UL:
		RENDER_LIT(r, "</ul>\n");
		break;
	case MD_BLOCK_OL:
		RENDER_LIT(r, "</ol>\n");
		break;
	case MD_BLOCK_LI:
		RENDER_LIT(r, "</li>\n");
		break;
	case MD_BLOCK_H: {
		if (r->in_heading)
			render_heading_id(r);
		int n =
		    snprintf(tmp, sizeof(tmp), "</h%u>\n", ((MD_BLOCK_H_DETAIL *)detail)->level);
		render_out(r, tmp, (size_t)n);
		break;
	}
	case MD_BLOCK_CODE:
		if (r->hl != NULL)
			render_code_end(r);
		RENDER_LIT(r, "</code></pre>\n");
		break;
	case MD_BLOCK_P:
		r->in_para = 0;
		if (!render_more(r) && !render_figure(r))
			RENDER_LIT(r, "</p>\n");
		break;
	case MD_BLOCK_TABLE:
		RENDER_LIT(r, "</table>\n");
		break;
	case MD_BLOCK_THEAD:
		RENDER_LIT(r, "</thead>\n");
		break;
	case MD_BLOCK_TBODY:
		RENDER_LIT(r, "</tbody>\n");
		break;
	case MD_BLOCK_TR:
		RENDER_LIT(r, "</tr>\n");
		break;
	case MD_BLOCK_TH:
		RENDER_LIT(r, "</th>\n");
		break;
	case MD_BLOCK_TD:
		RENDER_LIT(r, "</td>\n");
		break;
	}
	return 0;
}

/* An image's src was written from offset at of out: its size, and whether it starts
 * its paragraph (so that it may be a figure). */
static void render_open_img(struct render *r, size_t at)
{
	r->img_w = r->img_h = 0;
	r->fig_end = 0;
	if (!r->o->additions)
		return;
	if (r->o->image_size != NULL &&
	    r->o->image_size(r->o->image_ctx, r->out->data + at, r->out->len - at, &r->img_w,
	                     &r->img_h) < 0)
		r->img_w = r->img_h = 0;
	if (r->in_para && at == r->para + sizeof("<p><img src=\"") - 1)
		r->fig_end = 1;
}

static void render_close_img(struct render *r, const MD_SPAN_IMG_DETAIL *d)
{
	char tmp[64];
	int fig = r->fig_end != 0 && d->title.text != NULL;

	RENDER_LIT(r, "\"");
	/* A figure's title is its caption alone. */
	if (d->title.text != NULL) {
		size_t at = r->out->len;
		RENDER_LIT(r, " title=\"");
		render_attribute(r, &d->title, render_html_escaped);
		RENDER_LIT(r, "\"");
		if (fig) {
			buf_reset(&r->caption);
			buf_add(&r->caption, r->out->data + at + 8, r->out->len - at - 9);
			r->fig_title = at;
		}
	}
	if (r->o->additions) {
		if (r->img_w != 0) {
			int n = snprintf(tmp, sizeof(tmp), " width=\"%u\" height=\"%u\"", r->img_w,
			                 r->img_h);
			render_out(r, tmp, (size_t)n);
		}
		RENDER_LIT(r, " loading=\"lazy\" decoding=\"async\"");
	}
	RENDER_LIT(r, ">");
	r->fig_end = fig ? r->out->len + 1 : 0;
}

static int render_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct render *r = userdata;

	render_html_end(r);
	r->span_tag = 0;
	/* An image's alt text is its label's text alone. */
	if (r->image > 0)
		return 0;
	switch (type) {
	case MD_SPAN_EM:
		RENDER_LIT(r, "<em>");
		break;
	case MD_SPAN_STRONG:
		RENDER_LIT(r, "<strong>");
		break;
	case MD_SPAN_U:
		RENDER_LIT(r, "<u>");
		break;
	case MD_SPAN_A: {
		const MD_SPAN_A_DETAIL *d = detail;
		r->a_tag = r->out->len;
		r->link++;
		/* md4c's detail lasts for this call only. */
		buf_reset(&r->href);
		buf_add(&r->href, d->href.text, d->href.size);
		r->in_link = 1;
		RENDER_LIT(r, "<a href=\"");
		render_url(r, &d->href);
		if (d->title.text != NULL) {
			RENDER_LIT(r, "\" title=\"");
			render_attribute(r, &d->title, render_html_escaped);
		}
		RENDER_LIT(r, "\">");
		break;
	}
	case MD_SPAN_IMG: {
		r->img_tag = r->out->len;
		RENDER_LIT(r, "<img src=\"");
		size_t at = r->out->len;
		render_url(r, &((const MD_SPAN_IMG_DETAIL *)detail)->src);
		render_open_img(r, at);
		RENDER_LIT(r, "\" alt=\"");
		r->image++;
		break;
	}
	case MD_SPAN_CODE:
		RENDER_LIT(r, "<code>");
		break;
	case MD_SPAN_DEL:
		RENDER_LIT(r, "<del>");
		break;
	case MD_SPAN_LATEXMATH:
		r->math_at = r->out->len;
		r->math_end = NULL;
		if (r->o->additions)
			RENDER_LIT(r, RENDER_MATH_OPEN);
		else
			RENDER_LIT(r, "<x-equation>");
		break;
	case MD_SPAN_LATEXMATH_DISPLAY:
		if (r->o->additions)
			RENDER_LIT(r, "<span class=\"math display\">\\[");
		else
			RENDER_LIT(r, "<x-equation type=\"display\">");
		break;
	case MD_SPAN_WIKILINK:
		r->link++;
		RENDER_LIT(r, "<x-wikilink data-target=\"");
		render_attribute(r, &((const MD_SPAN_WIKILINK_DETAIL *)detail)->target,
		                 render_html_escaped);
		RENDER_LIT(r, "\">");
		break;
	}
	return 0;
}

static int render_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct render *r = userdata;

	render_html_end(r);
	r->span_tag = 0;
	if (r->image > 0) {
		if (r->image == 1 && type == MD_SPAN_IMG) {
			render_close_img(r, detail);
			r->image--;
			r->span_tag = r->o->additions ? r->img_tag + 1 : 0;
		}
		return 0;
	}
	switch (type) {
	case MD_SPAN_EM:
		RENDER_LIT(r, "</em>");
		break;
	case MD_SPAN_STRONG:
		RENDER_LIT(r, "</strong>");
		break;
	case MD_SPAN_U:
		RENDER_LIT(r, "</u>");
		break;
	case MD_SPAN_A:
		r->link--;
		r->in_link = 0;
		RENDER_LIT(r, "</a>");
		r->span_tag = r->o->additions ? r->a_tag + 1 : 0;
		break;
	case MD_SPAN_IMG:
		break;
	case MD_SPAN_CODE:
		RENDER_LIT(r, "</code>");
		break;
	case MD_SPAN_DEL:
		RENDER_LIT(r, "</del>");
		break;
	case MD_SPAN_LATEXMATH:
		if (r->o->additions && render_price(r))
			break;
		if (r->o->additions)
			RENDER_LIT(r, "\\)</span>");
		else
			RENDER_LIT(r, "</x-equation>");
		break;
	case MD_SPAN_LATEXMATH_DISPLAY:
		if (r->o->additions)
			RENDER_LIT(r, "\\]</span>");
		else
			RENDER_LIT(r, "</x-equation>");
		break;
	case MD_SPAN_WIKILINK:
		r->link--;
		RENDER_LIT(r, "</x-wikilink>");
		break;
	}
	return 0;
}

/* Plain text, with markdown.smart its typography (an autolink's URL, a heading's own
 * "{#id}" and a character escaped with a backslash left as written). */
static void render_plain(struct render *r, const char *text, size_t size)
{
	size_t slashes = 0;

	if (!r->smart_on) {
		render_html_escaped(r, text, size);
		return;
	}
	if (r->in_link && size <= r->href.len &&
	    memcmp(r->href.data + r->href.len - size, text, size) == 0) {
		smart_word(&r->smart);
		render_html_escaped(r, text, size);
		return;
	}
	if (text > r->src && text <= r->src + r->src_len)
		while (text - slashes > r->src && text[-(ptrdiff_t)slashes - 1] == '\\')
			slashes++;
	size_t keep = size;
	for (size_t i = 0; r->in_heading && i + 1 < size; i++)
		if (text[i] == '{' && text[i + 1] == '#')
			keep = i;
	if (!smart_text(&r->smart, text, keep, slashes % 2 == 1, r->out)) {
		render_html_escaped(r, text, size);
		return;
	}
	render_html_escaped(r, text + keep, size - keep);
}

/* With markdown.smart, what text other than plain text came (it is written as it is). */
static void render_smart_note(struct render *r, MD_TEXTTYPE type, const char *text, size_t size)
{
	if (!r->smart_on || type == MD_TEXT_NORMAL)
		return;
	if (type == MD_TEXT_BR || type == MD_TEXT_SOFTBR)
		smart_space(&r->smart);
	else if (type == MD_TEXT_HTML)
		smart_html(&r->smart, text, size);
	else
		smart_word(&r->smart);
}

/* Text with footnote references: each becomes its note's link (in a heading's text, its
 * number). */
static void render_notes_text(struct render *r, const char *p, size_t n)
{
	const char *end = p + n, *ref;
	size_t ref_len;
	unsigned num, nth;

	while ((ref = footnote_find(r->notes, p, end, &ref_len, &num, &nth)) != NULL) {
		render_plain(r, p, (size_t)(ref - p));
		if (r->in_heading) {
			buf_add(&r->htext, p, (size_t)(ref - p));
			buf_printf(&r->htext, "%u", num);
		}
		footnote_ref_html(r->out, num, nth);
		p = ref + ref_len;
	}
	render_plain(r, p, (size_t)(end - p));
	if (r->in_heading)
		buf_add(&r->htext, p, (size_t)(end - p));
}

static int render_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	struct render *r = userdata;
	int in_src = text >= r->src && text < r->src + r->src_len;
	if (r->attrs.n > 0 && in_src)
		render_attrs_due(r, (size_t)(text - r->src));
	if (r->span_tag != 0 && in_src && type == MD_TEXT_NORMAL && size >= 2 && text[0] == '{' &&
	    text[1] == ':') {
		r->span_tag--;
		render_span_attrs(r, text);
	}
	r->span_tag = 0;
	if (r->skip_to != NULL) {
		if (in_src && text + size <= r->skip_to)
			return 0;
		if (in_src && text < r->skip_to) {
			size -= (MD_SIZE)(r->skip_to - text);
			text = r->skip_to;
		}
		r->skip_to = NULL;
	}
	render_smart_note(r, type, text, size);
	if (type == MD_TEXT_LATEXMATH)
		r->math_end = text + size;
	if (r->hl != NULL) { /* code to highlight: well-formed, a NUL as U+FFFD */
		if (type == MD_TEXT_NULLCHAR)
			buf_adds(&r->code, "\xEF\xBF\xBD");
		else if (utf8_valid(text, size) == size)
			buf_add(&r->code, text, size);
		else
			utf8_clean(&r->code, text, size, 0);
		return 0;
	}
	if (type == MD_TEXT_HTML) {
		if (r->html_run == 0)
			r->html_run = r->out->len + 1;
		render_verbatim(r, text, size);
		return 0;
	}
	render_html_end(r);
	int notes = type == MD_TEXT_NORMAL && r->notes != NULL && r->image == 0 && r->link == 0;
	if (r->in_heading && type != MD_TEXT_ENTITY && type != MD_TEXT_NULLCHAR && !notes)
		buf_add(&r->htext, text, size);
	switch (type) {
	case MD_TEXT_NULLCHAR:
		render_codepoint(r, 0, render_verbatim);
		break;
	case MD_TEXT_BR:
		if (r->image == 0)
			RENDER_LIT(r, "<br>\n");
		else
			RENDER_LIT(r, " ");
		break;
	case MD_TEXT_SOFTBR:
		if (r->image == 0)
			RENDER_LIT(r, "\n");
		else
			RENDER_LIT(r, " ");
		break;
	case MD_TEXT_ENTITY:
		if (r->in_heading)
			render_entity(r, text, size, render_collect);
		render_entity(r, text, size, render_html_escaped);
		break;
	case MD_TEXT_NORMAL:
		if (notes)
			render_notes_text(r, text, size);
		else
			render_plain(r, text, size);
		break;
	default:
		render_html_escaped(r, text, size);
		break;
	}
	return 0;
}

/* Append the delimiter row [p, end) with each cell of fewer than three characters
 * made three ("-" "---", ":-" ":--"). */
static void render_pad_delimiter(struct buf *b, const char *p, const char *end)
{
	while (p < end) {
		if (*p != ':' && *p != '-') {
			buf_addc(b, *p++);
			continue;
		}
		const char *cell = p;
		while (p < end && (*p == ':' || *p == '-'))
			p++;
		size_t n = (size_t)(p - cell);
		if (n >= 3) {
			buf_add(b, cell, n);
			continue;
		}
		if (*cell == ':')
			buf_addc(b, ':');
		for (size_t k = 0; k < 3 - n; k++)
			buf_addc(b, '-');
		buf_add(b, cell + (*cell == ':'), n - (*cell == ':'));
	}
}

/* The line's container prefix (spaces, tabs, '>') and its indentation past the last '>'. */
static size_t render_prefix(const char *p, const char *end, size_t *indent)
{
	const char *q = p;

	*indent = 0;
	while (q < end && (render_space(*q) || *q == '>')) {
		*indent = *q == '>' ? 0 : *indent + (*q == '\t' ? 4 : 1);
		q++;
	}
	return (size_t)(q - p);
}

/* The post as md4c reads it for the additions: each short table delimiter row under a
 * one-line paragraph whose cells it matches padded (not in code). NULL: as it is. */
/* Is [p, end) kramdown's "{:toc}", or the list item "* TOC" ("- TOC", "1. TOC") before it? */
static int render_toc_line(const char *p, const char *end, int item)
{
	while (end > p && (render_space(end[-1]) || end[-1] == '\r'))
		end--;
	if (!item)
		return end - p == 6 && memcmp(p, "{:toc}", 6) == 0;
	if (p < end && (*p == '*' || *p == '-' || *p == '+'))
		p++;
	else if (end - p >= 2 && *p >= '0' && *p <= '9' && (p[1] == '.' || p[1] == ')'))
		p += 2;
	else
		return 0;
	while (p < end && render_space(*p))
		p++;
	return end - p == 3 && memcmp(p, "TOC", 3) == 0;
}

static char *render_prepass(const char *md, size_t len, unsigned flags, size_t *out_len, int *toc,
                            struct attr_blocks *attrs)
{
	struct buf b = {0};
	size_t i = 0, done = 0, fence = 0;
	size_t prev = 0, prev_t = 0, prev_end = 0; /* the previous line, its text, its end */
	char fence_c = 0;
	/* The previous line: paragraph text that starts a paragraph; leaves no paragraph open. */
	int prev_first = 0, after_break = 1, code = 0, prev_blank = 1;

	int tables = (flags & MD_FLAG_TABLES) && memchr(md, '|', len) != NULL;
	if (!tables && mdline_pair(md, len, '{', ':') == NULL)
		return NULL;
	while (i < len) {
		const char *nl = memchr(md + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - md) : len;
		size_t next = end < len ? end + 1 : len, indent;
		size_t t = i + render_prefix(md + i, md + end, &indent);
		int blank = t == end || (t + 1 == end && md[t] == '\r');
		char c = 0;
		size_t f = indent < 4 ? mdline_fence(md + t, md + end, &c) : 0;
		int text = 0;

		if (fence != 0) {
			if (f >= fence && c == fence_c)
				fence = 0;
		} else if (blank) {
			code = 0;
		} else if (indent >= 4 && (after_break || code)) {
			code = 1;
		} else if (f != 0) {
			fence = f;
			fence_c = c;
			code = 0;
		} else {
			size_t cols;
			int short_cell;
			code = 0;
			if (render_toc_line(md + t, md + end, 0)) {
				/* Dropped, and the list item before it. */
				size_t from = prev < i && done <= prev &&
				                      render_toc_line(md + prev_t, md + prev_end, 1)
				                  ? prev
				                  : i;
				buf_add(&b, md + done, from - done);
				buf_addc(&b, '\n');
				done = next;
				*toc = 1;
			} else if (attr_line(md + t, end - t)) {
				/* Taken out, its container prefix kept: it ends the block before.
				 */
				unsigned quotes = 0;
				for (size_t k = i; k < t; k++)
					quotes += md[k] == '>';
				size_t k = next;
				while (k < len &&
				       (render_space(md[k]) || md[k] == '>' || md[k] == '\r'))
					k++;
				buf_add(&b, md + done, t - done);
				/* Between blank lines it goes to no block. */
				if (!prev_blank || (k < len && md[k] != '\n'))
					attr_blocks_add(attrs, b.len, md + t, end - t, quotes,
					                prev_blank);
				else if (b.data == NULL)
					buf_grow(&b, 1);
				done = end;
				prev_first = 0;
				after_break = 1;
				prev = i;
				prev_t = t;
				prev_end = end;
				i = next;
				continue;
			} else if (tables && prev_first && t - i == prev_t - prev &&
			           memcmp(md + i, md + prev, t - i) == 0 &&
			           (cols = mdline_delimiter_cols(md + t, md + end, &short_cell)) !=
			               0 &&
			           short_cell &&
			           mdline_row_cells(md + prev_t, md + prev_end) == cols) {
				buf_add(&b, md + done, t - done);
				render_pad_delimiter(&b, md + t, md + end);
				done = end;
			}
			text = md[t] != '#';
		}
		prev_first = text && after_break;
		after_break = !text;
		prev_blank = blank;
		prev = i;
		prev_t = t;
		prev_end = end;
		i = next;
	}
	if (b.data == NULL && attrs->n == 0)
		return NULL;
	buf_add(&b, md + done, len - done);
	buf_addc(&b, '\0');
	*out_len = b.len - 1;
	return b.data;
}

/* md's HTML into out, its references to notes numbered; lone: NULL for a post (its
 * {:toc} line marked), else set when md is one paragraph (a note's body). */
static int render_parse(const char *md, size_t len, const struct render_opts *o, struct buf *out,
                        struct footnotes *notes, int *lone)
{
	struct render r = {.out = out, .o = o, .notes = notes};
	unsigned flags = o->parser_flags | (o->raw_html_escape ? MD_FLAG_NOHTML : 0);
	MD_PARSER parser = {
	    .flags = flags,
	    .enter_block = render_enter_block,
	    .leave_block = render_leave_block,
	    .enter_span = render_enter_span,
	    .leave_span = render_leave_span,
	    .text = render_text,
	};
	char *copy = NULL;
	size_t clen = len;
	int toc = 0;

	if (o->additions)
		copy = render_prepass(md, len, flags, &clen, &toc, &r.attrs);
	if (copy == NULL) {
		/* md4c 0.4.8 reads a byte past the end of its input (a post ending in
		 * "<script<"): it gets a copy whose next byte is a NUL. */
		copy = xmalloc(len + 1);
		memcpy(copy, md, len);
		copy[len] = '\0';
		clen = len;
	}
	if (toc && lone == NULL)
		buf_adds(out, RENDER_TOC_MARK "\n");
	r.src = copy;
	r.src_len = clen;
	if (o->additions && o->smart) {
		r.smart_on = 1;
		smart_init(&r.smart, o->lang, o->lang_len);
	}
	int rc = md_parse(copy, (MD_SIZE)clen, &parser, &r);
	render_html_end(&r);
	render_attrs_due(&r, SIZE_MAX);
	attr_blocks_free(&r.attrs);
	buf_free(&r.caption);
	if (lone != NULL)
		*lone = r.blocks == 1 && r.block == MD_BLOCK_P;
	free(copy);
	buf_free(&r.scratch);
	buf_free(&r.htext);
	buf_free(&r.ids);
	buf_free(&r.href);
	buf_free(&r.code);
	if (r.hl != NULL)
		highlight_opts_free(&r.hlo);
	return rc == 0 ? 0 : -1;
}

struct render_note {
	const struct render_opts *o;
	struct footnotes *notes;
};

/* A note's body, for footnote_section. */
static int render_note_body(void *ctx, const char *md, size_t len, struct buf *out, int *lone)
{
	const struct render_note *n = ctx;

	return render_parse(md, len, n->o, out, n->notes, lone);
}

int render_html(const char *md, size_t len, const struct render_opts *o, struct buf *out)
{
	struct footnotes *notes = NULL;
	char *text = NULL;
	size_t tlen = 0;

	pthread_once(&render_esc_once, render_init_esc);
	if (len >= 3 && memcmp(md, "\xEF\xBB\xBF", 3) == 0) {
		md += 3;
		len -= 3;
	}
	if (o->additions) {
		notes = footnote_new();
		text = footnote_extract(notes, md, len, &tlen);
		if (text == NULL) {
			footnote_free(notes);
			notes = NULL;
		}
	}
	int rc =
	    render_parse(text != NULL ? text : md, text != NULL ? tlen : len, o, out, notes, NULL);
	if (rc == 0 && notes != NULL) {
		struct render_note n = {.o = o, .notes = notes};
		rc = footnote_section(notes, out, render_note_body, &n);
	}
	footnote_free(notes);
	free(text);
	return rc;
}

size_t render_headings(const char *html, size_t len, struct render_heading *h, size_t max)
{
	static const char link[] = " <a class=\"anchor\" href=\"#";
	static const char tail[] = "\" aria-label=\"Link to this section\">#</a>";
	const char *p = html, *end;
	size_t n = 0;

	if (html == NULL)
		return 0;
	end = html + len;
	/* "<h" found by its '<' (memchr is many times memmem's speed on a pair of bytes). */
	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (end - p < 2 || p[1] != 'h') {
			p++;
			continue;
		}
		const char *q = p + 2;
		p = q;
		if (end - q < 7 || *q < '1' || *q > '6' || memcmp(q + 1, " id=\"", 5) != 0)
			continue;
		int level = *q - '0';
		const char *id = q + 6, *e = memchr(id, '"', (size_t)(end - id));
		if (e == NULL || e + 1 >= end || e[1] != '>')
			break;
		const char *content = e + 2;
		/* The self-link ending it names the same id. */
		char close[8];
		snprintf(close, sizeof(close), "</h%d>", level);
		const char *c = memmem(content, (size_t)(end - content), close, 5);
		size_t idl = (size_t)(e - id);
		if (c == NULL)
			break;
		/* The href holds the id URL-escaped: find the link by its fixed parts. */
		const char *t = c - (sizeof(tail) - 1);
		if (t < content || memcmp(t, tail, sizeof(tail) - 1) != 0)
			continue;
		const char *l = t;
		while (l > content && memcmp(l, link, sizeof(link) - 1) != 0)
			l--;
		if (memcmp(l, link, sizeof(link) - 1) != 0)
			continue;
		if (n < max) {
			h[n].level = level;
			h[n].id = id;
			h[n].id_len = idl;
			h[n].html = content;
			h[n].html_len = (size_t)(l - content);
		}
		n++;
		p = c + 5;
	}
	return n;
}

void render_heading_text(const struct render_heading *h, struct buf *text)
{
	const char *p = h->html, *end = h->html + h->html_len;

	while (p < end) {
		if (*p == '<') {
			const char *e = memchr(p, '>', (size_t)(end - p));
			p = e != NULL ? e + 1 : end;
			continue;
		}
		const char *lt = memchr(p, '<', (size_t)(end - p)), *stop = lt != NULL ? lt : end;
		html_unescape(text, p, (size_t)(stop - p));
		p = stop;
	}
}

/* A heading's content for a link to it: its tags left out (a link holds no link). */
static void render_toc_text(const struct render_heading *h, struct buf *toc)
{
	const char *p = h->html, *end = h->html + h->html_len;

	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (lt == NULL)
			lt = end;
		buf_add(toc, p, (size_t)(lt - p));
		if (lt == end)
			break;
		const char *gt = memchr(lt, '>', (size_t)(end - lt));
		p = gt != NULL ? gt + 1 : end;
	}
}

void render_toc(const struct render_heading *h, size_t n, int lo, int hi, struct buf *toc)
{
	int stack[8];
	size_t depth = 0;

	for (size_t i = 0; i < n; i++) {
		if (h[i].level < lo || h[i].level > hi)
			continue;
		if (depth == 0) {
			buf_adds(toc, "<ul>\n<li>");
			stack[depth++] = h[i].level;
		} else if (h[i].level > stack[depth - 1] && depth < 8) {
			buf_adds(toc, "\n<ul>\n<li>");
			stack[depth++] = h[i].level;
		} else {
			while (depth > 1 && h[i].level < stack[depth - 1] &&
			       h[i].level <= stack[depth - 2]) {
				buf_adds(toc, "</li>\n</ul>\n");
				depth--;
			}
			if (h[i].level < stack[depth - 1])
				stack[depth - 1] = h[i].level;
			buf_adds(toc, "</li>\n<li>");
		}
		buf_adds(toc, "<a href=\"#");
		render_url_escaped_to(toc, h[i].id, h[i].id_len);
		buf_adds(toc, "\">");
		render_toc_text(&h[i], toc);
		buf_adds(toc, "</a>");
	}
	while (depth > 0) {
		buf_adds(toc, "</li>\n</ul>\n");
		depth--;
	}
}

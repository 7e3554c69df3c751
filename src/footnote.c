/* footnote.c — footnotes: definitions taken out of the Markdown before md4c reads it (md4c
 * 0.4.8 would read "[^1]: https://…" as a link reference definition), references found in
 * the text md4c hands over, the notes written at the end. */
#include "footnote.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mdline.h"
#include "mem.h"

struct footnote_def {
	size_t label, label_len; /* in the Markdown given to footnote_extract */
	size_t body, body_len;   /* in bodies */
	unsigned num;            /* 0: not referenced yet */
	unsigned refs;
};

/* A link reference definition of the post ("[label]: /url"), for the notes' links. */
struct footnote_link {
	size_t key, key_len;   /* its label folded, in keys */
	size_t line, line_len; /* in the Markdown */
	size_t mark;           /* the note it was last added to, + 1 */
};

struct footnotes {
	const char *md; /* the Markdown the labels are in */
	struct footnote_def *defs;
	size_t ndefs, cap;
	struct buf bodies;
	uint32_t *table; /* open addressing: index + 1 into defs, 0 empty */
	size_t table_size;
	size_t *order; /* defs by number */
	size_t norder, order_cap;
	struct footnote_link *links;
	size_t nlinks, links_cap;
	struct buf keys;
	uint32_t *ltable; /* as table, into links */
	size_t ltable_size;
	size_t link_budget; /* bytes of link definitions the notes may still be given */
};

struct footnotes *footnote_new(void)
{
	struct footnotes *f = xmalloc(sizeof(*f));

	memset(f, 0, sizeof(*f));
	return f;
}

void footnote_free(struct footnotes *f)
{
	if (f == NULL)
		return;
	free(f->defs);
	free(f->table);
	free(f->order);
	free(f->links);
	free(f->ltable);
	buf_free(&f->keys);
	buf_free(&f->bodies);
	free(f);
}

static int footnote_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

/* The character at *i of [p, n) with its case folded (Latin, Greek and Cyrillic
 * capitals to small letters), *i moved past it; a byte that starts no well-formed
 * character is taken alone, kept apart from the characters. */
static uint32_t footnote_fold(const char *p, size_t n, size_t *i)
{
	const unsigned char *u = (const unsigned char *)p + *i;
	size_t left = n - *i, k = 0;
	uint32_t c = u[0];

	if (c < 0x80) {
		k = 1;
	} else if (c >= 0xC2 && c <= 0xDF && left >= 2 && (u[1] & 0xC0) == 0x80) {
		c = (c & 0x1F) << 6 | (u[1] & 0x3F);
		k = 2;
	} else if (c >= 0xE0 && c <= 0xEF && left >= 3 && (u[1] & 0xC0) == 0x80 &&
	           (u[2] & 0xC0) == 0x80) {
		c = (c & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
		k = 3;
	} else {
		*i += 1;
		return 0x80000000u | c;
	}
	*i += k;
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
	    (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x410 && c <= 0x42F))
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	if (((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) ||
	     (c >= 0x14A && c <= 0x177)) &&
	    c % 2 == 0)
		return c + 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) && c % 2 == 1)
		return c + 1;
	return c;
}

static uint64_t footnote_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n;) {
		h ^= footnote_fold(p, n, &i);
		h *= 1099511628211ULL;
	}
	return h;
}

/* Are the labels a and b the same but for case? */
static int footnote_same(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	while (i < an && j < bn)
		if (footnote_fold(a, an, &i) != footnote_fold(b, bn, &j))
			return 0;
	return i == an && j == bn;
}

/* The definition of the label, or NULL. */
static struct footnote_def *footnote_lookup(struct footnotes *f, const char *p, size_t n)
{
	if (f->table_size == 0)
		return NULL;
	size_t mask = f->table_size - 1;
	for (size_t i = (size_t)footnote_hash(p, n) & mask;; i = (i + 1) & mask) {
		uint32_t k = f->table[i];
		if (k == 0)
			return NULL;
		struct footnote_def *d = &f->defs[k - 1];
		if (footnote_same(f->md + d->label, d->label_len, p, n))
			return d;
	}
}

/* Index each label (the first definition of a label wins). */
static void footnote_index(struct footnotes *f)
{
	size_t size = 16;

	while (size < 2 * f->ndefs)
		size *= 2;
	f->table = xcalloc(size, sizeof(*f->table));
	f->table_size = size;
	for (size_t d = 0; d < f->ndefs; d++) {
		const char *label = f->md + f->defs[d].label;
		size_t n = f->defs[d].label_len;
		if (footnote_lookup(f, label, n) != NULL)
			continue;
		size_t i = (size_t)footnote_hash(label, n) & (size - 1);
		while (f->table[i] != 0)
			i = (i + 1) & (size - 1);
		f->table[i] = (uint32_t)(d + 1);
	}
}

/* A label at p ("^" read): its end, at the ']' closing it; NULL when it has no closing
 * ']' before white space or '[', or is empty. *stop: where the scan stopped. */
static const char *footnote_label(const char *p, const char *end, const char **stop)
{
	const char *q = p;

	while (q < end && *q != ']' && *q != '[' && !footnote_ws(*q))
		q++;
	*stop = q;
	if (q == p || q >= end || *q != ']')
		return NULL;
	return q;
}

/* The leading spaces and tabs of a line: their bytes, *cols their columns. */
static size_t footnote_indent(const char *p, const char *end, size_t *cols)
{
	size_t n = 0;

	*cols = 0;
	while (p + n < end && (p[n] == ' ' || p[n] == '\t')) {
		*cols = p[n] == '\t' ? (*cols + 4) / 4 * 4 : *cols + 1;
		n++;
	}
	return n;
}

/* p past up to max columns of its indentation. */
static const char *footnote_dedent(const char *p, const char *end, size_t max)
{
	size_t cols = 0;

	while (p < end && (*p == ' ' || *p == '\t') && cols < max) {
		cols = *p == '\t' ? (cols + 4) / 4 * 4 : cols + 1;
		p++;
	}
	return p;
}

/* Does the line at p (its indentation read) start a definition? Its label's bounds, and
 * where its text starts. */
static const char *footnote_def_line(const char *p, const char *end, const char **label,
                                     size_t *label_len)
{
	const char *stop;

	if (end - p < 4 || p[0] != '[' || p[1] != '^')
		return NULL;
	const char *close = footnote_label(p + 2, end, &stop);
	if (close == NULL || close + 1 >= end || close[1] != ':')
		return NULL;
	*label = p + 2;
	*label_len = (size_t)(close - p - 2);
	p = close + 2;
	while (p < end && footnote_ws(*p))
		p++;
	return p;
}

/* A bracket at p closed before another opens: its ']', or NULL. */
static const char *footnote_bracket(const char *p, const char *end)
{
	if (p >= end || *p != '[')
		return NULL;
	for (const char *q = p + 1; q < end; q++) {
		if (*q == '\\' && q + 1 < end)
			q++;
		else if (*q == '[')
			return NULL;
		else if (*q == ']')
			return q > p + 1 ? q : NULL;
	}
	return NULL;
}

/* Does the line look like a link reference definition ("[label]: …"), which leaves a
 * definition after it at the start of its block? Its label's ']', or NULL. */
static const char *footnote_linkref_line(const char *p, const char *end)
{
	const char *close = footnote_bracket(p, end);

	return close != NULL && close + 1 < end && close[1] == ':' ? close : NULL;
}

/* A link label [p, n) as CommonMark matches it, into out: case folded, white space
 * runs one space, none at the ends. */
static void footnote_link_key(const char *p, size_t n, struct buf *out)
{
	size_t start = out->len;
	int space = 0;

	for (size_t i = 0; i < n;) {
		if (footnote_ws(p[i])) {
			space = 1;
			i++;
			continue;
		}
		uint32_t c = footnote_fold(p, n, &i);
		if (space && out->len > start)
			buf_add(out, "\0\0\0 ", 4);
		space = 0;
		buf_add(out, &c, sizeof(c));
	}
}

static uint64_t footnote_key_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The post's link definition of the label (folded, key_len bytes), or NULL. */
static struct footnote_link *footnote_link_find(struct footnotes *f, const char *key,
                                                size_t key_len)
{
	if (f->ltable_size == 0)
		return NULL;
	size_t mask = f->ltable_size - 1;
	for (size_t i = (size_t)footnote_key_hash(key, key_len) & mask;; i = (i + 1) & mask) {
		uint32_t k = f->ltable[i];
		if (k == 0)
			return NULL;
		struct footnote_link *l = &f->links[k - 1];
		if (l->key_len == key_len && memcmp(f->keys.data + l->key, key, key_len) == 0)
			return l;
	}
}

static void footnote_link_add(struct footnotes *f, const char *label, size_t label_len,
                              const char *line, const char *lend)
{
	if (label_len > 999)
		return;
	if (f->nlinks == f->links_cap) {
		f->links_cap = f->links_cap ? 2 * f->links_cap : 8;
		f->links = xrealloc(f->links, f->links_cap * sizeof(*f->links));
	}
	struct footnote_link *l = &f->links[f->nlinks++];
	l->key = f->keys.len;
	footnote_link_key(label, label_len, &f->keys);
	l->key_len = f->keys.len - l->key;
	l->line = (size_t)(line - f->md);
	l->line_len = (size_t)(lend - line);
	l->mark = 0;
	if (l->key_len == 0) /* white space alone: no label */
		f->nlinks--;
}

/* Index the link definitions (the first of a label wins). */
static void footnote_link_index(struct footnotes *f)
{
	size_t size = 16;

	while (size < 2 * f->nlinks)
		size *= 2;
	f->ltable = xcalloc(size, sizeof(*f->ltable));
	f->ltable_size = size;
	for (size_t k = 0; k < f->nlinks; k++) {
		const char *key = f->keys.data + f->links[k].key;
		size_t n = f->links[k].key_len;
		if (footnote_link_find(f, key, n) != NULL)
			continue;
		size_t i = (size_t)footnote_key_hash(key, n) & (size - 1);
		while (f->ltable[i] != 0)
			i = (i + 1) & (size - 1);
		f->ltable[i] = (uint32_t)(k + 1);
	}
}

/* A note's Markdown with, after it, the post's link definitions its brackets name (the
 * note is read apart from the post). */
static void footnote_body_links(struct footnotes *f, size_t note, const char *md, size_t len,
                                struct buf *out)
{
	const char *p = md, *end = md + len, *close;
	struct buf key = {0};
	int added = 0;

	buf_add(out, md, len);
	while (f->nlinks > 0 && (p = memchr(p, '[', (size_t)(end - p))) != NULL) {
		close = footnote_bracket(p, end);
		p++;
		if (close == NULL || close - p > 999)
			continue;
		buf_reset(&key);
		footnote_link_key(p, (size_t)(close - p), &key);
		struct footnote_link *l =
		    key.len > 0 ? footnote_link_find(f, key.data, key.len) : NULL;
		if (l == NULL || l->mark == note + 1 || l->line_len + 2 > f->link_budget)
			continue;
		/* As many bytes as the post has, in all: a long definition named in each of
		 * many notes costs no more than the post. */
		f->link_budget -= l->line_len + 2;
		l->mark = note + 1;
		buf_adds(out, added ? "\n" : "\n\n");
		buf_add(out, f->md + l->line, l->line_len);
		added = 1;
	}
	if (added)
		buf_addc(out, '\n');
	buf_free(&key);
}

/* Is the line a thematic break ("---", "* * *")? */
static int footnote_hr(const char *p, const char *end)
{
	size_t n = 0;
	char c = p < end ? *p : 0;

	if (c != '-' && c != '*' && c != '_')
		return 0;
	for (; p < end; p++) {
		if (*p == c)
			n++;
		else if (!footnote_ws(*p))
			return 0;
	}
	return n >= 3;
}

/* Does the line start an HTML block that may end a paragraph (CommonMark's kinds 1 to 6:
 * "<!--", "<?", "<!X", "<![CDATA[", or a block-level tag)? */
static int footnote_html_block(const char *p, const char *end)
{
	static const char *const tags[] = {
	    "address", "article",  "aside",    "base",     "basefont", "blockquote", "body",
	    "caption", "center",   "col",      "colgroup", "dd",       "details",    "dialog",
	    "dir",     "div",      "dl",       "dt",       "fieldset", "figcaption", "figure",
	    "footer",  "form",     "frame",    "frameset", "h1",       "h2",         "h3",
	    "h4",      "h5",       "h6",       "head",     "header",   "hr",         "html",
	    "iframe",  "legend",   "li",       "link",     "main",     "menu",       "menuitem",
	    "nav",     "noframes", "ol",       "optgroup", "option",   "p",          "param",
	    "pre",     "script",   "section",  "source",   "style",    "summary",    "table",
	    "tbody",   "td",       "textarea", "tfoot",    "th",       "thead",      "title",
	    "tr",      "track",    "ul"};
	char name[16];
	size_t n = 0;

	p++;
	if (p < end && (*p == '!' || *p == '?'))
		return 1;
	if (p < end && *p == '/')
		p++;
	while (p < end && n < sizeof(name) - 1 &&
	       (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9')))
		name[n++] = (char)(*p++ | 0x20);
	name[n] = '\0';
	if (n == 0 || (p < end && !footnote_ws(*p) && *p != '>' && *p != '/'))
		return 0;
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strcmp(tags[i], name) == 0)
			return 1;
	return 0;
}

/* Past a list item's mark and the space after it ("- ", "1. "), or NULL; with *first
 * set when the item may end a paragraph before it (a bullet, or "1."). */
static const char *footnote_item(const char *p, const char *end, int *first)
{
	const char *q = p;

	if (q < end && (*q == '-' || *q == '*' || *q == '+')) {
		q++;
		*first = 1;
	} else {
		while (q < end && q - p < 9 && *q >= '0' && *q <= '9')
			q++;
		if (q == p || q >= end || (*q != '.' && *q != ')'))
			return NULL;
		*first = q - p == 1 && *p == '1';
		q++;
	}
	if (q >= end || (*q != ' ' && *q != '\t'))
		return NULL;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	return q;
}

/* Is the line an ATX heading ("# …")? */
static int footnote_atx(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q == '#')
		q++;
	return q > p && q - p <= 6 && (q == end || footnote_ws(*q));
}

/* Would the line (indented less than four columns, its indentation read) end a
 * paragraph before it: a heading, fence, quote, list item or thematic break? */
static int footnote_interrupts(const char *p, const char *end)
{
	char c;

	if (p >= end)
		return 1;
	if (*p == '#')
		return footnote_atx(p, end);
	if (*p == '>' || mdline_fence(p, end, &c) != 0 || footnote_hr(p, end))
		return 1;
	/* A list item ends it when it is not empty, and a numbered one when it is the first. */
	int first;
	const char *item = footnote_item(p, end, &first);
	if (item != NULL && item < end && first)
		return 1;
	return *p == '<' && footnote_html_block(p, end);
}

/* Is the line a setext heading's underline ("===", or "-" and "--", which are not
 * thematic breaks)? */
static int footnote_setext(const char *p, const char *end)
{
	char c = p < end ? *p : 0;

	if (c != '=' && c != '-')
		return 0;
	while (p < end && *p == c)
		p++;
	while (p < end && footnote_ws(*p))
		p++;
	return p == end;
}

static void footnote_add_def(struct footnotes *f, const char *label, size_t label_len)
{
	if (f->ndefs == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 8;
		f->defs = xrealloc(f->defs, f->cap * sizeof(*f->defs));
	}
	struct footnote_def *d = &f->defs[f->ndefs++];
	memset(d, 0, sizeof(*d));
	d->label = (size_t)(label - f->md);
	d->label_len = label_len;
	d->body = f->bodies.len;
}

/* A line of the open definition's body. */
static void footnote_body_line(struct footnotes *f, const char *p, const char *end)
{
	buf_add(&f->bodies, p, (size_t)(end - p));
	buf_addc(&f->bodies, '\n');
	f->defs[f->ndefs - 1].body_len = f->bodies.len - f->defs[f->ndefs - 1].body;
}

/* Past the line's block quote marks ("> > "): their count in *depth. */
static const char *footnote_quote(const char *p, const char *end, size_t *depth)
{
	*depth = 0;
	for (;;) {
		const char *q = p;
		while (q < end && *q == ' ' && q - p < 3)
			q++;
		if (q >= end || *q != '>')
			return p;
		q++;
		if (q < end && (*q == ' ' || *q == '\t'))
			q++;
		(*depth)++;
		p = q;
	}
}

/* The definition ends: the Markdown before it kept, and of its first line what holds it
 * (a quote's or list item's marks), after a blank line with gap (an empty item does not
 * end a paragraph as the item did). */
static void footnote_def_end(struct buf *b, const char *md, size_t *done, size_t start, size_t keep,
                             int gap, size_t end)
{
	buf_add(b, md + *done, start - *done);
	if (gap)
		buf_addc(b, '\n');
	if (keep > 0) {
		buf_add(b, md + start, keep);
		buf_addc(b, '\n');
	}
	*done = end;
}

char *footnote_extract(struct footnotes *f, const char *md, size_t len, size_t *out_len)
{
	struct buf b = {0};
	size_t i = 0, done = 0, fence = 0, fence_depth = 0, blanks = 0, prev_depth = 0;
	size_t def_start = 0, def_end = 0, def_keep = 0, def_depth = 0;
	char fence_c = 0;
	/* A block ended before this line; an indented code block is open; the line before
	 * was in a list (an item, or indented). */
	int after_break = 1, code = 0, in_list = 0;
	/* In a definition: its last block is an open paragraph; it is a list item's; a blank
	 * line goes before what stays of it. */
	int in_def = 0, def_para = 0, def_item = 0, def_gap = 0;
	size_t def_fence = 0;
	char def_fence_c = 0;

	f->md = md;
	f->link_budget = len;
	if (mdline_pair(md, len, '[', '^') == NULL)
		return NULL;
	while (i < len) {
		const char *nl = memchr(md + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - md) : len;
		size_t next = end < len ? end + 1 : len, cols, depth;
		const char *line = md + i, *lend = md + end;
		if (lend > line && lend[-1] == '\r')
			lend--;
		/* rest: the line inside its block quotes; t: its text. */
		const char *rest = footnote_quote(line, lend, &depth);
		const char *t = rest + footnote_indent(rest, lend, &cols);
		int blank = t == lend;
		const char *label, *close;
		size_t label_len;
		char c = 0;
		int first = 0;

		if (in_def) {
			int same = depth == def_depth;
			if (blank && same) {
				blanks++;
				i = next;
				continue;
			}
			int more = 0;
			if (blank || depth > def_depth) {
				/* A blank line out of the note's quote, or a quote in it, ends it.
				 */
			} else if (!same) {
				/* A lazy line of the note's paragraph, out of its quote. */
				more = blanks == 0 && def_para && cols < 4 &&
				       !footnote_interrupts(t, lend) &&
				       footnote_def_line(t, lend, &label, &label_len) == NULL;
				if (more)
					footnote_body_line(f, t, lend);
			} else if (def_fence != 0) {
				/* A fence in the note runs on through lines indented four. */
				if (cols >= 4) {
					const char *s = footnote_dedent(rest, lend, 4);
					size_t ind;
					const char *st = s + footnote_indent(s, lend, &ind);
					if (ind < 4 && mdline_fence(st, lend, &c) >= def_fence &&
					    c == def_fence_c)
						def_fence = 0;
					for (; blanks > 0; blanks--)
						footnote_body_line(f, s, s);
					footnote_body_line(f, s, lend);
					more = 1;
				}
			} else if (blanks > 0 || !def_para) {
				/* After a blank line or a code block: blocks indented four. */
				if (cols >= 4) {
					const char *s = footnote_dedent(rest, lend, 4);
					size_t ind;
					const char *st = s + footnote_indent(s, lend, &ind);
					size_t fl = ind < 4 ? mdline_fence(st, lend, &c) : 0;
					if (fl != 0) {
						def_fence = fl;
						def_fence_c = c;
					}
					def_para = ind < 4 && fl == 0;
					for (; blanks > 0; blanks--)
						footnote_body_line(f, s, s);
					footnote_body_line(f, s, lend);
					more = 1;
				}
			} else if (cols >= 4 ||
			           (!footnote_interrupts(t, lend) &&
			            footnote_def_line(t, lend, &label, &label_len) == NULL &&
			            !(def_item && footnote_item(t, lend, &first) != NULL))) {
				/* The paragraph's next line, lazy or indented; a line of '='
				 * or '-' stays text (the note is read apart, where it would
				 * make the paragraph a heading). */
				if (footnote_setext(t, lend))
					buf_addc(&f->bodies, '\\');
				footnote_body_line(f, t, lend);
				more = 1;
			}
			if (more) {
				def_end = next;
				i = next;
				continue;
			}
			footnote_def_end(&b, md, &done, def_start, def_keep, def_gap, def_end);
			in_def = 0;
			blanks = 0;
			def_fence = 0;
			after_break = 1;
		}
		if (depth > prev_depth)
			after_break = 1; /* a quote starts */
		if (depth != prev_depth)
			code = 0;
		prev_depth = depth;
		if (fence != 0 && depth < fence_depth)
			fence = 0; /* the quote holding it ended */
		if (fence != 0) {
			if (cols < 4 && mdline_fence(t, lend, &c) >= fence && c == fence_c)
				fence = 0;
			after_break = 1;
		} else if (blank) {
			code = 0;
			after_break = 1;
		} else if (cols >= 4 && (after_break || code)) {
			code = 1;
		} else if (cols < 4 && (fence = mdline_fence(t, lend, &c)) != 0) {
			fence_c = c;
			fence_depth = depth;
			code = 0;
			after_break = 1;
		} else {
			const char *text = NULL, *u = t;
			code = 0;
			/* A list item's text starts a block. */
			if (cols < 4 && (u = footnote_item(t, lend, &first)) != NULL &&
			    (after_break || first))
				text = footnote_def_line(u, lend, &label, &label_len);
			else if (cols < 4 && after_break)
				text = footnote_def_line(u = t, lend, &label, &label_len);
			if (text != NULL) {
				footnote_add_def(f, label, label_len);
				if (text < lend)
					footnote_body_line(f, text, lend);
				in_def = 1;
				def_para = 1;
				def_start = i;
				def_end = next;
				def_depth = depth;
				def_item = u != t;
				/* At the top level the line goes; in a container, its marks stay.
				 */
				def_keep = depth > 0 || def_item ? (size_t)(u - line) : 0;
				def_gap = def_item && !after_break && !in_list;
			} else if (cols < 4 && after_break &&
			           (close = footnote_linkref_line(t, lend)) != NULL) {
				/* A link reference definition: a definition may follow it. */
				footnote_link_add(f, t + 1, (size_t)(close - t - 1), t, lend);
			} else {
				after_break =
				    cols < 4 && (footnote_atx(t, lend) || footnote_hr(t, lend));
			}
		}
		in_list = !blank && (cols >= 2 || footnote_item(t, lend, &first) != NULL);
		i = next;
	}
	if (in_def)
		footnote_def_end(&b, md, &done, def_start, def_keep, def_gap, def_end);
	if (f->ndefs == 0) {
		buf_free(&b);
		return NULL;
	}
	footnote_index(f);
	footnote_link_index(f);
	buf_add(&b, md + done, len - done);
	buf_addc(&b, '\0');
	*out_len = b.len - 1;
	return b.data;
}

const char *footnote_find(struct footnotes *f, const char *p, const char *end, size_t *ref_len,
                          unsigned *num, unsigned *nth)
{
	if (f == NULL || f->ndefs == 0)
		return NULL;
	while (p < end) {
		const char *q = memchr(p, '[', (size_t)(end - p)), *stop;
		if (q == NULL || end - q < 4)
			return NULL;
		/* "![^1]" is an image's opening, not a reference (as md4c's master has it). */
		if (q[1] != '^' || (q > p && q[-1] == '!')) {
			p = q + 1;
			continue;
		}
		const char *close = footnote_label(q + 2, end, &stop);
		struct footnote_def *d =
		    close != NULL ? footnote_lookup(f, q + 2, (size_t)(close - q - 2)) : NULL;
		if (d == NULL) {
			p = stop;
			continue;
		}
		if (d->num == 0) {
			if (f->norder == f->order_cap) {
				f->order_cap = f->order_cap ? 2 * f->order_cap : 8;
				f->order = xrealloc(f->order, f->order_cap * sizeof(*f->order));
			}
			f->order[f->norder++] = (size_t)(d - f->defs);
			d->num = (unsigned)f->norder;
		}
		d->refs++;
		*num = d->num;
		*nth = d->refs;
		*ref_len = (size_t)(close + 1 - q);
		return q;
	}
	return NULL;
}

void footnote_ref_html(struct buf *out, unsigned num, unsigned nth)
{
	buf_printf(out, "<sup><a href=\"#fn-%u\" id=\"fnref-%u-%u\">%u</a></sup>", num, num, nth,
	           num);
}

static void footnote_backrefs(struct buf *out, unsigned num, unsigned refs)
{
	for (unsigned k = 1; k <= refs; k++)
		buf_printf(out, "%s<a href=\"#fnref-%u-%u\" class=\"footnote-backref\">&#8617;</a>",
		           k > 1 ? " " : "", num, k);
}

int footnote_section(struct footnotes *f, struct buf *out, footnote_body_fn *body, void *ctx)
{
	struct buf *html = NULL, md = {0};
	int *lone = NULL, rc = 0;
	size_t n = 0, cap = 0;

	if (f == NULL || f->norder == 0)
		return 0;
	/* Each body first, as one may reference a note that comes after it (or before it:
	 * then that note's back-links count the reference). */
	for (; n < f->norder; n++) {
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			html = xrealloc(html, cap * sizeof(*html));
			lone = xrealloc(lone, cap * sizeof(*lone));
		}
		memset(&html[n], 0, sizeof(html[n]));
		lone[n] = 0;
		const struct footnote_def *d = &f->defs[f->order[n]];
		buf_reset(&md);
		footnote_body_links(f, n, d->body_len > 0 ? f->bodies.data + d->body : "",
		                    d->body_len, &md);
		if (body(ctx, md.len > 0 ? md.data : "", md.len, &html[n], &lone[n]) != 0) {
			rc = -1;
			n++;
			goto out;
		}
	}
	buf_adds(out, "<section class=\"footnotes\">\n<ol>\n");
	for (size_t i = 0; i < n; i++) {
		const struct footnote_def *d = &f->defs[f->order[i]];
		const char *h = html[i].data;
		size_t hl = html[i].len;
		buf_printf(out, "<li id=\"fn-%u\">\n", d->num);
		if (lone[i] && hl >= 8 && memcmp(h, "<p>", 3) == 0 &&
		    memcmp(h + hl - 5, "</p>\n", 5) == 0) {
			/* One paragraph: its text alone, as md4c writes it. */
			buf_add(out, h + 3, hl - 8);
			footnote_backrefs(out, d->num, d->refs);
			buf_adds(out, "\n</li>\n");
		} else if (hl >= 5 && memcmp(h + hl - 5, "</p>\n", 5) == 0) {
			buf_add(out, h, hl - 5);
			footnote_backrefs(out, d->num, d->refs);
			buf_adds(out, "</p>\n</li>\n");
		} else {
			buf_add(out, h, hl);
			footnote_backrefs(out, d->num, d->refs);
			buf_adds(out, "\n</li>\n");
		}
	}
	buf_adds(out, "</ol>\n</section>\n");
out:
	buf_free(&md);
	for (size_t i = 0; i < n; i++)
		buf_free(&html[i]);
	free(html);
	free(lone);
	return rc;
}

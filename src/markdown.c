/* markdown.c — a post's Markdown to HTML with md4c, GitHub dialect, within bounds of time. */
#include "markdown.h"

#include <md4c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "hash.h"
#include "mdline.h"
#include "render.h"

/* md4c 0.4.8 takes more than linear time or output on four shapes of input. Each bound
 * keeps a 1 MB post's render to a few tens of milliseconds; a post beyond one is rendered
 * without what costs (see markdown_shape_measure(); every estimate only errs high).
 * - Permissive URL and www. autolinks: each candidate scans the marks (the bytes md4c
 *   notes for inline syntax) after it in its paragraph, and its lines. Bound: the sum
 *   over paragraphs of candidates × (marks + lines + bytes / 16), about 2 ns each;
 *   beyond it the post is rendered without permissive URL and www. autolinks. */
#define MARKDOWN_AUTOLINK_WORK ((size_t)1 << 24)
/* - Links: each "[...]" and "](" walks the lines of its paragraph from the first, and
 *   each "](" reads a destination up to a space (or 32 unclosed '('). Bound: the sum
 *   over paragraphs of ']' × lines + the bytes after each "](" to a space (at most
 *   4,096 each); beyond it each ']' of a paragraph with more than MARKDOWN_BRACKET_PARA
 *   is escaped (its links stay text). */
#define MARKDOWN_BRACKET_WORK ((size_t)1 << 25)
#define MARKDOWN_BRACKET_PARA ((size_t)1 << 14)
/* - Tables: every row gets as many cells as the delimiter row has columns, however few
 *   it has (170 to 600 ns a cell). Bound: rows × columns, summed over tables; beyond it
 *   the post is rendered without tables. */
#define MARKDOWN_TABLE_CELLS ((size_t)1 << 17)
/* - Nesting: md4c writes about 27 bytes for each block quote or list a line opens, so a
 *   line of 1 MB of '>' is 28 MB of HTML. Bound: 32 containers opened on a line; beyond
 *   it the mark of the 33rd is escaped (the rest of the line is text). */
#define MARKDOWN_DEPTH 32
/* - Reference links: each copies its definition's destination and title. Bound: the
 *   post's ']' × its longest definition, in bytes; beyond it the ']' ending each
 *   definition's label is escaped (the definitions and their references stay text). */
#define MARKDOWN_REF_OUTPUT ((size_t)1 << 22)

struct markdown_shape {
	/* The post. */
	size_t autolink_work; /* sum over paragraphs of autolink candidates × their weight */
	size_t bracket_work;  /* sum over paragraphs of ']' × lines */
	size_t table_cells;   /* rows × columns of the tables */
	size_t brackets;      /* ']' in the post: at most that many reference links */
	size_t ref_max;       /* bytes of the longest definition (destination and title) */
	/* The paragraph being read (or what may be one). */
	size_t para_beg, para_links, para_marks, para_bytes, para_brackets, para_lines, para_dest;
	size_t table_cols; /* columns of the table being read (to a blank line), 0 outside one */
	size_t row_prefix, row_prefix_len;   /* the container prefix of its rows (+ 1), while each
	                                        line surely is a row (a paragraph of its own) */
	size_t prev_prefix, prev_prefix_len; /* the previous line's container prefix */
	size_t ref_open; /* offset + 1 of the first definition that may go on, or 0 */
	int tables;      /* md4c parses tables: their rows are paragraphs of their own */
	/* Rewriting: out is NULL while only measuring. */
	struct buf *out;
	int unref;     /* escape the ']' ending each definition's label */
	int unbracket; /* escape each ']' of a paragraph beyond MARKDOWN_BRACKET_PARA */
	int deep;      /* a line opens more than MARKDOWN_DEPTH containers: escape the next */
};

/* What a byte is to markdown_shape_measure(): md4c's mark characters with the GitHub
 * dialect (a '[' costs four marks), ']' besides, and the letters an autolink starts with. */
#define MARKDOWN_KIND_MARK   1
#define MARKDOWN_KIND_OPEN   2
#define MARKDOWN_KIND_CLOSE  3
#define MARKDOWN_KIND_LETTER 4
static const unsigned char markdown_kinds[256] = {
    ['\0'] = MARKDOWN_KIND_MARK,  ['\\'] = MARKDOWN_KIND_MARK,  ['*'] = MARKDOWN_KIND_MARK,
    ['_'] = MARKDOWN_KIND_MARK,   ['`'] = MARKDOWN_KIND_MARK,   ['&'] = MARKDOWN_KIND_MARK,
    [';'] = MARKDOWN_KIND_MARK,   ['<'] = MARKDOWN_KIND_MARK,   ['>'] = MARKDOWN_KIND_MARK,
    ['!'] = MARKDOWN_KIND_MARK,   ['~'] = MARKDOWN_KIND_MARK,   ['@'] = MARKDOWN_KIND_MARK,
    [':'] = MARKDOWN_KIND_MARK,   ['.'] = MARKDOWN_KIND_MARK,   ['|'] = MARKDOWN_KIND_MARK,
    ['['] = MARKDOWN_KIND_OPEN,   [']'] = MARKDOWN_KIND_CLOSE,  ['w'] = MARKDOWN_KIND_LETTER,
    ['W'] = MARKDOWN_KIND_LETTER, ['h'] = MARKDOWN_KIND_LETTER, ['H'] = MARKDOWN_KIND_LETTER,
    ['f'] = MARKDOWN_KIND_LETTER, ['F'] = MARKDOWN_KIND_LETTER,
};

static int markdown_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Is the ']' at i escaped (an odd number of backslashes before it)? */
static int markdown_escaped(const char *md, size_t i)
{
	size_t b = i;

	while (b > 0 && md[b - 1] == '\\')
		b--;
	return (i - b) % 2 == 1;
}

/* Can a permissive URL or www. autolink start at i? md4c 0.4.8 wants "www." or
 * "http://", "https://", "ftp://" after the start of a line, a space or one of "*_~(["
 * (this counts any case, after anything but a letter or digit: the caller looks at
 * what comes before). */
static int markdown_autolink_at(const char *md, size_t i, size_t end)
{
	static const char *const starts[] = {"www.", "http://", "https://", "ftp://"};

	/* The second letter tells which it may be: "ww", "tt" or "tp". */
	if (end - i < 4)
		return 0;
	unsigned char second = (unsigned char)md[i + 1] | 0x20;
	if (second != 'w' && second != 't')
		return 0;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		size_t n = strlen(starts[k]);
		if (end - i >= n && strncasecmp(md + i, starts[k], n) == 0)
			return 1;
	}
	return 0;
}

/* Columns of a table delimiter row as the renderer takes it ("| --- | :-: |", "| - |"),
 * or 0 when the line is not one. */
static size_t markdown_table_cols(const char *p, const char *end)
{
	int short_cell;

	return mdline_delimiter_cols(p, end, &short_cell);
}

/* The offset of the ']' that may end a reference definition's label on the line
 * [i, end): the first unescaped ']', if a ':' follows it; else end. A label holds
 * no unescaped ']' and a definition starts a line, so no later one can. */
static size_t markdown_ref_label(const char *md, size_t i, size_t end)
{
	for (; i < end; i++) {
		const char *close = memchr(md + i, ']', end - i);
		if (close == NULL)
			return end;
		i = (size_t)(close - md);
		if (markdown_escaped(md, i))
			continue;
		return i + 1 < end && md[i + 1] == ':' ? i : end;
	}
	return end;
}

/* Bytes of the definition whose label ends at the ']' at at, if it ends on its line
 * [at, end) (next: the first byte of the next line's text, 0 at the end); else 0, and
 * the caller counts up to the end of the paragraph (a definition holds no blank line). */
static size_t markdown_ref_line(const char *md, size_t at, size_t end, char next)
{
	size_t i = at + 2;

	while (i < end && markdown_space(md[i]))
		i++;
	if (i == end)
		return 0; /* the destination is on the next line */
	if (md[i] == '<') {
		while (i < end && md[i] != '>')
			i++;
	} else {
		while (i < end && !markdown_space(md[i]))
			i++;
	}
	while (i < end && markdown_space(md[i]))
		i++;
	if (i == end)
		return next == '"' || next == '\'' || next == '(' ? 0 : end - at;
	char close = md[i] == '(' ? ')' : md[i];
	if (close != '"' && close != '\'' && close != ')')
		return end - at; /* not a definition: bounded by its line all the same */
	for (i++; i < end; i++) {
		if (md[i] == '\\')
			i++;
		else if (md[i] == close)
			return end - at;
	}
	return 0; /* the title goes on */
}

/* The offset of the block quote or list mark on the line [i, end) past the first
 * MARKDOWN_DEPTH ones at its start, or end. A line of only '-', '*', '_' and spaces is
 * a thematic break, not lists. */
static size_t markdown_deep(const char *md, size_t i, size_t end)
{
	size_t n = 0, k = i;

	while (k < end) {
		while (k < end && markdown_space(md[k]))
			k++;
		size_t mark = k;
		if (k < end && md[k] == '>') {
			k++;
		} else if (k + 1 < end && (md[k] == '-' || md[k] == '*' || md[k] == '+') &&
		           markdown_space(md[k + 1])) {
			k++;
		} else {
			size_t d = k;
			while (d < end && d - k < 9 && (unsigned)(md[d] - '0') < 10)
				d++;
			if (d == k || d + 1 >= end || (md[d] != '.' && md[d] != ')') ||
			    !markdown_space(md[d + 1]))
				break;
			mark = d;
			k = d + 1;
		}
		if (++n > MARKDOWN_DEPTH) {
			size_t r = i;
			while (r < end && (md[r] == '-' || md[r] == '*' || md[r] == '_' ||
			                   markdown_space(md[r]) || md[r] == '\r'))
				r++;
			return r == end ? end : mark;
		}
	}
	return end;
}

/* Copy the lines [beg, end) of md to s->out, each ']' escaped that the rewrite asks for. */
static void markdown_shape_copy(struct markdown_shape *s, const char *md, size_t beg, size_t end,
                                int all)
{
	size_t i = beg;

	while (i < end) {
		const char *nl = memchr(md + i, '\n', end - i);
		size_t next = nl != NULL ? (size_t)(nl - md) + 1 : end;
		size_t at = s->unref ? markdown_ref_label(md, i, next) : next;
		size_t deep = s->deep ? markdown_deep(md, i, next) : next;
		size_t from = i;
		for (size_t k = i; k < next; k++) {
			if ((md[k] == ']' && (k == at || (all && !markdown_escaped(md, k)))) ||
			    k == deep) {
				buf_add(s->out, md + from, k - from);
				buf_addc(s->out, '\\');
				from = k;
			}
		}
		buf_add(s->out, md + from, next - from);
		i = next;
	}
}

/* A paragraph (or what may be one) ends at offset at; blank: at a blank line, which
 * ends tables and definitions too. */
static void markdown_shape_break(struct markdown_shape *s, const char *md, size_t at, int blank)
{
	size_t brackets = s->para_brackets * s->para_lines + s->para_dest;

	s->autolink_work += s->para_links * (s->para_marks + s->para_lines + s->para_bytes / 16);
	s->bracket_work += brackets;
	if (s->out != NULL) {
		int all = s->unbracket && brackets > MARKDOWN_BRACKET_PARA;
		if (all || s->unref || s->deep)
			markdown_shape_copy(s, md, s->para_beg, at, all);
		else
			buf_add(s->out, md + s->para_beg, at - s->para_beg);
	}
	s->para_beg = at;
	s->para_dest = s->para_links = s->para_marks = s->para_bytes = s->para_brackets =
	    s->para_lines = 0;
	if (!blank)
		return;
	s->table_cols = 0;
	s->row_prefix_len = 0;
	if (s->ref_open != 0 && at - (s->ref_open - 1) > s->ref_max)
		s->ref_max = at - (s->ref_open - 1);
	s->ref_open = 0;
}

/* Does the line's text start a list item ("- x", "* x", "+ x"), so a new paragraph?
 * indent: spaces before it, less one per '>' of block quotes. Only what md4c sees as
 * an item: a line indented further may be the paragraph going on. */
static int markdown_shape_item(const char *p, const char *end, long indent)
{
	return indent <= 3 && end - p >= 3 && (*p == '-' || *p == '*' || *p == '+') &&
	       markdown_space(p[1]);
}

/* One pass over the post: how much of each superlinear shape it holds; with s->out set,
 * the post rewritten as s->unref and s->unbracket ask. */
static void markdown_shape_measure(const char *md, size_t len, struct markdown_shape *s)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(md + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - md) : len;
		size_t next = end < len ? end + 1 : len;
		if (end > i && md[end - 1] == '\r')
			end--;
		/* The container prefix: block quote marks and indentation. */
		size_t t = i;
		long indent = 0;
		while (t < end && (markdown_space(md[t]) || md[t] == '>')) {
			indent += md[t] == '>' ? -1 : md[t] == '\t' ? 4 : 1;
			t++;
		}
		if (s->out == NULL && !s->deep && markdown_deep(md, i, end) < end)
			s->deep = 1;
		if (t == end) {
			markdown_shape_break(s, md, i, 1);
			i = next;
			continue;
		}
		if (markdown_shape_item(md + t, md + end, indent))
			markdown_shape_break(s, md, i, 0);
		/* Tables: a delimiter row under a one-line paragraph starts one; md4c makes every
		 * line after it a row, to a blank line or another block, and each cell a paragraph.
		 * Counted as cells to the blank line; split into paragraphs only while a line
		 * (same container, no block start) surely is a row. */
		size_t prefix_len = t - i;
		int same = prefix_len == s->prev_prefix_len &&
		           memcmp(md + i, md + s->prev_prefix, prefix_len) == 0;
		if (s->table_cols != 0) {
			s->table_cells += s->table_cols;
			if (s->row_prefix_len != 0) {
				if (prefix_len + 1 == s->row_prefix_len &&
				    memcmp(md + i, md + s->row_prefix, prefix_len) == 0 &&
				    strchr("#>`~<-*+_=0123456789", md[t]) == NULL)
					markdown_shape_break(s, md, i, 0);
				else
					s->row_prefix_len = 0;
			}
		} else if ((s->table_cols = markdown_table_cols(md + t, md + end)) != 0) {
			if (s->tables && s->para_lines == 1 && same) {
				markdown_shape_break(s, md, i, 0);
				s->row_prefix = i;
				s->row_prefix_len = prefix_len + 1;
			}
		}
		s->prev_prefix = i;
		s->prev_prefix_len = prefix_len;
		/* Autolink candidates, marks and ']' of the line. */
		size_t links = 0, marks = 0, brackets = 0, run = t;
		for (size_t k = t; k < end; k++) {
			while (k < end && markdown_kinds[(unsigned char)md[k]] == 0)
				k++;
			if (k == end)
				break;
			unsigned char kind = markdown_kinds[(unsigned char)md[k]];
			if (kind == MARKDOWN_KIND_LETTER) {
				/* Only where a word starts: most are inside one. */
				unsigned char c = k > 0 ? (unsigned char)md[k - 1] : ' ';
				if ((unsigned)((c | 0x20) - 'a') >= 26 && (unsigned)(c - '0') >= 10)
					links += (size_t)markdown_autolink_at(md, k, end);
				continue;
			}
			marks += kind == MARKDOWN_KIND_OPEN ? 4 : 1;
			if (kind != MARKDOWN_KIND_CLOSE)
				continue;
			brackets++;
			if (k + 1 < end && md[k + 1] == '(') {
				if (k >= run) { /* the end of the run of non-spaces k is in */
					run = k;
					while (run < end && !markdown_space(md[run]))
						run++;
				}
				s->para_dest += run - k < 4096 ? run - k : 4096;
			}
		}
		s->para_marks += marks;
		s->brackets += brackets;
		s->para_brackets += brackets;
		s->para_links += links;
		s->para_bytes += next - i;
		s->para_lines++;
		/* Reference definitions. */
		size_t at = markdown_ref_label(md, t, end);
		if (at < end) {
			size_t q = next;
			while (q < len && (markdown_space(md[q]) || md[q] == '>'))
				q++;
			size_t n = markdown_ref_line(md, at, end, q < len ? md[q] : 0);
			if (n > s->ref_max)
				s->ref_max = n;
			if (n == 0 && s->ref_open == 0)
				s->ref_open = at + 1;
		}
		i = next;
	}
	markdown_shape_break(s, md, len, 1);
}

void markdown_opts_init(struct markdown_opts *o, const struct config *c)
{
	memset(o, 0, sizeof(*o));
	o->escape_html = c->raw_html_escape;
	o->smart = c->markdown_smart;
	o->language = c->site_language;
	o->language_len = c->site_language != NULL ? strlen(c->site_language) : 0;
	o->math = c->markdown_math;
}

uint64_t markdown_opts_key(const struct markdown_opts *o)
{
	uint64_t k = hash_bytes("markdown", 8, o->escape_html ? 0x5bd1e995ULL : 0);
	if (o->base != NULL && o->base_len > 0)
		k = hash_bytes(o->base, o->base_len, k);
	if (o->image_size != NULL)
		k = hash_bytes("image_size", 10, k);
	if (o->smart)
		k = hash_bytes(o->language != NULL ? o->language : "", o->language_len,
		               k ^ 0x736d617274ULL);
	if (o->math)
		k = hash_bytes("math", 4, k);
	return k;
}

/* md as md4c may parse it within the bounds: the parser's flags, and the source, which is
 * md or, rewritten, b's. */
static const char *markdown_bound(const char *md, size_t *len, unsigned *flags, struct buf *b)
{
	struct markdown_shape shape;

	*flags = MD_DIALECT_GITHUB;
	memset(&shape, 0, sizeof(shape));
	shape.tables = 1;
	markdown_shape_measure(md, *len, &shape);
	if (shape.table_cells > MARKDOWN_TABLE_CELLS) {
		/* Without tables their rows are lines of paragraphs: measure again. */
		*flags &= ~(unsigned)MD_FLAG_TABLES;
		memset(&shape, 0, sizeof(shape));
		markdown_shape_measure(md, *len, &shape);
	}
	if (shape.autolink_work > MARKDOWN_AUTOLINK_WORK)
		*flags &=
		    ~(unsigned)(MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS);
	int unref = shape.ref_max != 0 && shape.brackets > MARKDOWN_REF_OUTPUT / shape.ref_max;
	int unbracket = shape.bracket_work > MARKDOWN_BRACKET_WORK;
	int deep = shape.deep;
	if (unref || unbracket || deep) {
		memset(&shape, 0, sizeof(shape));
		shape.tables = (*flags & MD_FLAG_TABLES) != 0;
		shape.out = b;
		shape.unref = unref;
		shape.unbracket = unbracket;
		shape.deep = deep;
		markdown_shape_measure(md, *len, &shape);
		md = b->data != NULL ? b->data : "";
		*len = b->len;
	}
	return md;
}

int markdown_render(const char *md, size_t len, const struct markdown_opts *mo, struct buf *out)
{
	static const struct markdown_opts none;
	struct buf b = {0};
	unsigned flags;

	if (mo == NULL)
		mo = &none;
	md = markdown_bound(md, &len, &flags, &b);
	if (mo->math)
		flags |= MD_FLAG_LATEXMATHSPANS;
	struct render_opts o = {.parser_flags = flags,
	                        .raw_html_escape = mo->escape_html,
	                        .additions = 1,
	                        .base = mo->base,
	                        .base_len = mo->base_len,
	                        .image_size = mo->image_size,
	                        .image_ctx = mo->image_ctx,
	                        .smart = mo->smart,
	                        .lang = mo->language,
	                        .lang_len = mo->language_len};
	int rc = render_html(md, len, &o, out);
	buf_free(&b);
	return rc;
}

/* The text of a post as markdown_text() collects it. */
struct markdown_text {
	struct buf *out;
	int escape_html; /* raw HTML is text too */
	int in_tag;      /* inside a tag of raw HTML */
	int space;       /* the last byte written is a space (or nothing is written) */
};

static void markdown_text_add(struct markdown_text *t, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		int sp = c == ' ' || c == '\n' || c == '\t' || c == '\r';
		if (sp && t->space)
			continue;
		buf_addc(t->out, sp ? ' ' : c);
		t->space = sp;
	}
}

static int markdown_text_block(MD_BLOCKTYPE type, void *detail, void *user)
{
	(void)type;
	(void)detail;
	markdown_text_add(user, " ", 1);
	return 0;
}

static int markdown_text_span(MD_SPANTYPE type, void *detail, void *user)
{
	(void)type;
	(void)detail;
	(void)user;
	return 0;
}

static int markdown_text_text(MD_TEXTTYPE type, const MD_CHAR *p, MD_SIZE n, void *user)
{
	static const struct {
		const char *e;
		const char *c;
	} ents[] = {{"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
	            {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
	struct markdown_text *t = user;

	switch (type) {
	case MD_TEXT_NULLCHAR:
		break;
	case MD_TEXT_BR:
	case MD_TEXT_SOFTBR:
		markdown_text_add(t, " ", 1);
		break;
	case MD_TEXT_ENTITY:
		for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
			if (strlen(ents[k].e) == n && memcmp(p, ents[k].e, n) == 0) {
				markdown_text_add(t, ents[k].c, 1);
				return 0;
			}
		markdown_text_add(t, p, n);
		break;
	case MD_TEXT_HTML:
		if (t->escape_html) {
			markdown_text_add(t, p, n);
			break;
		}
		/* Tags left out, each a space; the text between them kept. */
		for (MD_SIZE i = 0; i < n; i++) {
			if (p[i] == '<' || p[i] == '>') {
				t->in_tag = p[i] == '<';
				markdown_text_add(t, " ", 1);
			} else if (!t->in_tag) {
				markdown_text_add(t, p + i, 1);
			}
		}
		break;
	default:
		markdown_text_add(t, p, n);
		break;
	}
	return 0;
}

int markdown_text(const char *md, size_t len, const struct markdown_opts *mo, struct buf *out)
{
	struct buf b = {0};
	struct markdown_text t = {.out = out, .space = 1};
	MD_PARSER parser = {0};
	unsigned flags;

	t.escape_html = mo != NULL && mo->escape_html;
	md = markdown_bound(md, &len, &flags, &b);
	parser.flags = flags | (mo != NULL && mo->math ? MD_FLAG_LATEXMATHSPANS : 0);
	parser.enter_block = markdown_text_block;
	parser.leave_block = markdown_text_block;
	parser.enter_span = markdown_text_span;
	parser.leave_span = markdown_text_span;
	parser.text = markdown_text_text;
	int rc = md_parse(md, (MD_SIZE)len, &parser, &t);
	if (out->len > 0 && out->data[out->len - 1] == ' ')
		out->len--;
	buf_cstr(out);
	buf_free(&b);
	return rc == 0 ? 0 : -1;
}

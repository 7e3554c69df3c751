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
#include "scan.h"

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
	size_t ref_open;          /* offset + 1 of the first definition that may go on, or 0 */
	size_t colon, dot, close; /* the next ':', '.' and ']' of the post, or its length */
	int tables;               /* md4c parses tables: their rows are paragraphs of their own */
	/* Rewriting: out is NULL while only measuring. */
	struct buf *out;
	int unref;     /* escape the ']' ending each definition's label */
	int unbracket; /* escape each ']' of a paragraph beyond MARKDOWN_BRACKET_PARA */
	int deep;      /* a line opens more than MARKDOWN_DEPTH containers: escape the next */
};

/* What a byte is to the autolink bound: md4c's mark characters with the GitHub dialect
 * ('[' costs four marks). */
static const unsigned char markdown_marks[256] = {
    ['\0'] = 1, ['\\'] = 1, ['*'] = 1, ['_'] = 1, ['`'] = 1, ['&'] = 1,
    [';'] = 1,  ['<'] = 1,  ['>'] = 1, ['!'] = 1, ['~'] = 1, ['@'] = 1,
    [':'] = 1,  ['.'] = 1,  ['|'] = 1, ['['] = 4, [']'] = 1,
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

/* The offset of the next c in md from i on, or len. */
static size_t markdown_next(const char *md, size_t i, size_t len, char c)
{
	const char *p = i < len ? memchr(md + i, c, len - i) : NULL;

	return p != NULL ? (size_t)(p - md) : len;
}

/* Does a word start at i (the line's text starting at t): is the byte before it neither
 * a letter nor a digit? */
static int markdown_word_start(const char *md, size_t i)
{
	unsigned char c = i > 0 ? (unsigned char)md[i - 1] : ' ';

	return (unsigned)((c | 0x20) - 'a') >= 26 && (unsigned)(c - '0') >= 10;
}

/* Is the ':' at k of the line [t, end) that of a permissive URL autolink's start? md4c
 * 0.4.8 wants "http://", "https://" or "ftp://" (counted in any case) at the start of a
 * line, after a space or one of "*_~([" (counted after anything but a letter or digit). */
static int markdown_autolink_colon(const char *md, size_t t, size_t k, size_t end)
{
	static const char *const schemes[] = {"http", "https", "ftp"};

	if (end - k < 3 || md[k + 1] != '/' || md[k + 2] != '/')
		return 0;
	for (size_t j = 0; j < sizeof(schemes) / sizeof(schemes[0]); j++) {
		size_t n = strlen(schemes[j]);
		if (k - t >= n && strncasecmp(md + k - n, schemes[j], n) == 0 &&
		    markdown_word_start(md, k - n))
			return 1;
	}
	return 0;
}

/* Is the '.' at k of the line starting at t that of a www. autolink's start? */
static int markdown_autolink_dot(const char *md, size_t t, size_t k)
{
	return k - t >= 3 && (md[k - 1] | 0x20) == 'w' && (md[k - 2] | 0x20) == 'w' &&
	       (md[k - 3] | 0x20) == 'w' && markdown_word_start(md, k - 3);
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

	/* The marks are counted only where there is an autolink to weigh them, and only
	 * when four a byte (what a '[' costs) would take the post to a quarter of the bound. */
	if (s->para_links != 0) {
		size_t most =
		    s->para_links * (4 * s->para_bytes + s->para_lines + s->para_bytes / 16);
		if (s->autolink_work + most <= MARKDOWN_AUTOLINK_WORK / 4)
			s->para_marks = 4 * s->para_bytes;
		else
			for (size_t k = s->para_beg; k < at; k++)
				s->para_marks += markdown_marks[(unsigned char)md[k]];
	}
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

	s->colon = markdown_next(md, 0, len, ':');
	s->dot = markdown_next(md, 0, len, '.');
	s->close = markdown_next(md, 0, len, ']');
	while (i < len) {
		const char *nl = memchr(md + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - md) : len;
		size_t next = end < len ? end + 1 : len;
		if (end > i && md[end - 1] == '\r')
			end--;
		/* The container prefix: block quote marks and indentation. */
		size_t t = i, quotes = 0;
		long indent = 0;
		while (t < end && (markdown_space(md[t]) || md[t] == '>')) {
			quotes += md[t] == '>';
			indent += md[t] == '>' ? -1 : md[t] == '\t' ? 4 : 1;
			t++;
		}
		/* Too many containers take that many '>' or a list mark after them. */
		int may_nest = quotes > MARKDOWN_DEPTH ||
		               (t < end && (md[t] == '-' || md[t] == '*' || md[t] == '+' ||
		                            (unsigned)(md[t] - '0') < 10));
		if (s->out == NULL && !s->deep && may_nest && markdown_deep(md, i, end) < end)
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
		} else if ((md[t] == '|' || md[t] == ':' || md[t] == '-') &&
		           (s->table_cols = markdown_table_cols(md + t, md + end)) != 0) {
			if (s->tables && s->para_lines == 1 && same) {
				markdown_shape_break(s, md, i, 0);
				s->row_prefix = i;
				s->row_prefix_len = prefix_len + 1;
			}
		}
		s->prev_prefix = i;
		s->prev_prefix_len = prefix_len;
		/* Autolink candidates and ']' of the line, from the post's next ':', '.' and ']'
		 * (each found once, by memchr, for the whole post). */
		size_t links = 0, brackets = 0, run = t, at = end;
		for (; s->colon < end; s->colon = markdown_next(md, s->colon + 1, len, ':'))
			if (s->colon >= t)
				links += (size_t)markdown_autolink_colon(md, t, s->colon, end);
		for (; s->dot < end; s->dot = markdown_next(md, s->dot + 1, len, '.'))
			if (s->dot >= t)
				links += (size_t)markdown_autolink_dot(md, t, s->dot);
		for (; s->close < end; s->close = markdown_next(md, s->close + 1, len, ']')) {
			size_t k = s->close;
			if (k < t)
				continue;
			brackets++;
			/* The first unescaped ']' of the line may end a definition's label. */
			if (at == end && !markdown_escaped(md, k))
				at = k + 1 < end && md[k + 1] == ':' ? k : end + 1;
			if (k + 1 < end && md[k + 1] == '(') {
				if (k >= run) { /* the end of the run of non-spaces k is in */
					run = k;
					while (run < end && !markdown_space(md[run]))
						run++;
				}
				s->para_dest += run - k < 4096 ? run - k : 4096;
			}
		}
		s->brackets += brackets;
		s->para_brackets += brackets;
		s->para_links += links;
		s->para_bytes += next - i;
		s->para_lines++;
		/* Reference definitions. */
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

/* The bytes markdown_within() stops at: line ends, ']' and '|'. */
static const struct scan_set markdown_stops = {
    .lanes = {SCAN_LANE('\n'), SCAN_LANE(']'), SCAN_LANE('|')},
    .count = 3,
    .is = {['\n'] = 1, [']'] = 1, ['|'] = 1},
};

/* May the line at i open more than MARKDOWN_DEPTH containers? Each of its marks ('>',
 * "- ", "12. ") is a byte or more of these, so only if its first MARKDOWN_DEPTH + 1 are. */
static int markdown_may_nest(const char *md, size_t i, size_t len)
{
	if (len - i <= MARKDOWN_DEPTH)
		return 0;
	for (size_t k = i; k <= i + MARKDOWN_DEPTH; k++) {
		char c = md[k];
		if (!markdown_space(c) && c != '>' && c != '-' && c != '*' && c != '+' &&
		    c != '.' && c != ')' && (unsigned)(c - '0') >= 10)
			return 0;
	}
	return 1;
}

/* Is the line at i blank to markdown_shape_measure() (spaces and block quote marks)? */
static int markdown_blank(const char *md, size_t i, size_t len)
{
	while (i < len && (markdown_space(md[i]) || md[i] == '>' || md[i] == '\r'))
		i++;
	return i == len || md[i] == '\n';
}

/* Is the post surely within every bound? One quick pass over the bytes that tell, each
 * shape's measure taken at its highest (every autolink in one paragraph of the whole
 * post, every ']' on all its lines, every line a row of the widest table, each
 * definition running to a blank line): 1 when even so none is beyond its bound, and
 * markdown_shape_measure() would find the same; 0 when it must measure. */
static int markdown_within(const char *md, size_t len)
{
	size_t lines = 1, links = 0, brackets = 0, pipes = 0, pipes_most = 0;
	size_t line = 0, ref = 0, ref_most = 0; /* ref: offset + 1 of an open definition */

	if (markdown_may_nest(md, 0, len))
		return 0;
	for (size_t at = 0; at < len; at += 16) {
		/* Autolinks: each "://" and "www." (in any case), what is before it looked at (a
		 * scheme's letters hold no line end: the post's start will do for the line's). */
		for (unsigned m = scan_match(md + at, len - at, "://", 3, 0); m != 0; m &= m - 1)
			links += (size_t)markdown_autolink_colon(
			    md, 0, at + (size_t)__builtin_ctz(m), len);
		for (unsigned m = scan_match(md + at, len - at, "www.", 4, 1); m != 0; m &= m - 1)
			links +=
			    (size_t)markdown_autolink_dot(md, 0, at + (size_t)__builtin_ctz(m) + 3);
		/* Line ends, ']' and '|' in order: a definition opens at "]:" and ends at a
		 * blank line. */
		for (unsigned m = scan_mask(&markdown_stops, md + at, len - at); m != 0;
		     m &= m - 1) {
			size_t k = at + (size_t)__builtin_ctz(m);
			if (md[k] == ']') {
				brackets++;
				if (ref == 0 && k + 1 < len && md[k + 1] == ':')
					ref = k + 1;
				continue;
			}
			if (md[k] == '|') {
				pipes++;
				continue;
			}
			pipes_most = pipes > pipes_most ? pipes : pipes_most;
			pipes = 0;
			lines++;
			line = k + 1;
			if (markdown_may_nest(md, line, len))
				return 0;
			if (ref != 0 && markdown_blank(md, line, len)) {
				ref_most =
				    line - (ref - 1) > ref_most ? line - (ref - 1) : ref_most;
				ref = 0;
			}
		}
	}
	pipes_most = pipes > pipes_most ? pipes : pipes_most;
	if (ref != 0 && len - (ref - 1) > ref_most)
		ref_most = len - (ref - 1);
	/* Each product compared by division: none can overflow. */
	size_t weight = 4 * len + lines + len / 16;
	return (links == 0 || MARKDOWN_AUTOLINK_WORK / links >= weight) &&
	       (brackets == 0 || MARKDOWN_BRACKET_WORK / brackets >= lines + 4096) &&
	       MARKDOWN_TABLE_CELLS / lines >= pipes_most + 1 &&
	       (brackets == 0 || ref_most == 0 || MARKDOWN_REF_OUTPUT / brackets >= ref_most);
}

/* md as md4c may parse it within the bounds: the parser's flags, and the source, which is
 * md or, rewritten, b's; quick: markdown_within() answers where it can. */
static const char *markdown_bound(const char *md, size_t *len, unsigned *flags, struct buf *b,
                                  int quick)
{
	struct markdown_shape shape;

	*flags = MD_DIALECT_GITHUB;
	if (quick && markdown_within(md, *len))
		return md;
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

int markdown_bounds(const char *md, size_t len, int quick, unsigned *flags, struct buf *out)
{
	struct buf b = {0};
	const char *p = markdown_bound(md, &len, flags, &b, quick);
	int rewritten = p != md;

	if (rewritten && out != NULL)
		buf_add(out, p, len);
	buf_free(&b);
	return rewritten;
}

int markdown_render(const char *md, size_t len, const struct markdown_opts *mo, struct buf *out)
{
	static const struct markdown_opts none;
	struct buf b = {0};
	unsigned flags;

	if (mo == NULL)
		mo = &none;
	md = markdown_bound(md, &len, &flags, &b, 1);
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
	md = markdown_bound(md, &len, &flags, &b, 1);
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

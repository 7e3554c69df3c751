/* smart.c — typography in a post's text: curly quotes by language, dashes, ellipses.
 *
 * A quote opens or closes by what precedes it and what follows it, as SmartyPants
 * decides: after the start of a block, a space, an opening bracket, a dash or another
 * opening quote it opens (unless a space follows); after anything else it closes. A '\''
 * between letters, or before a decade ("'90s"), is an apostrophe, and so is one after a
 * letter while no single quote is open ("the boys' books"). md4c gives a paragraph's text
 * in pieces (at emphasis, links, entities, code), so what came before is kept across
 * them; what follows is known within a piece only, and at a piece's end a quote is
 * taken to be followed by a word. */
#include "smart.h"

#include <string.h>

#include "buf.h"
#include "html.h"
#include "scan.h"
#include "utf8.h"

/* What a character is to a quote next to it. */
enum {
	SMART_START, /* the start of a block */
	SMART_SPACE,
	SMART_OPEN,  /* an opening bracket, a dash, an opening quote */
	SMART_PUNCT, /* closing punctuation and brackets, a closing quote */
	SMART_WORD,  /* letters, digits, anything else */
	SMART_END    /* the end of the piece of text: what follows is not known */
};

#define NNBSP "\xE2\x80\xAF" /* U+202F NARROW NO-BREAK SPACE */
#define APOS  "\xE2\x80\x99" /* U+2019, the apostrophe of every language here */

/* CLDR's quotationStart/End and alternateQuotationStart/End for each language. */
static const struct smart_lang smart_langs[] = {
    {"en", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", 0}, /* “” ‘’ */
    {"de", "\xE2\x80\x9E", "\xE2\x80\x9C", "\xE2\x80\x9A", "\xE2\x80\x98", 0}, /* „“ ‚‘ */
    {"fr", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C", "\xE2\x80\x9D", 1},         /* «» “” */
    {"es", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C", "\xE2\x80\x9D", 0},         /* «» “” */
    {"it", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C", "\xE2\x80\x9D", 0},         /* «» “” */
    {"nl", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", 0}, /* “” ‘’ */
    {"sv", "\xE2\x80\x9D", "\xE2\x80\x9D", "\xE2\x80\x99", "\xE2\x80\x99", 0}, /* ”” ’’ */
    {"pt-pt", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C", "\xE2\x80\x9D", 0},      /* «» “” */
    {"pt", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", 0}, /* “” ‘’ */
    {"pl", "\xE2\x80\x9E", "\xE2\x80\x9D", "\xC2\xAB", "\xC2\xBB", 0},         /* „” «» */
    {"ru", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9E", "\xE2\x80\x9C", 0},         /* «» „“ */
    {"uk", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9E", "\xE2\x80\x9C", 0},         /* «» „“ */
    {"cs", "\xE2\x80\x9E", "\xE2\x80\x9C", "\xE2\x80\x9A", "\xE2\x80\x98", 0}, /* „“ ‚‘ */
    {"da", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", 0}, /* “” ‘’ */
    {"nb", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x98", "\xE2\x80\x99", 0},         /* «» ‘’ */
    {"fi", "\xE2\x80\x9D", "\xE2\x80\x9D", "\xE2\x80\x99", "\xE2\x80\x99", 0}, /* ”” ’’ */
};

static char smart_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c == '_' ? '-' : c;
}

/* Does tag (len bytes) name language t ("pt" matches "pt", "pt-BR", not "ptx")? */
static int smart_tag_is(const char *tag, size_t len, const char *t)
{
	size_t k = strlen(t);

	if (len < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (smart_lower(tag[i]) != t[i])
			return 0;
	return len == k || tag[k] == '-' || tag[k] == '_';
}

const struct smart_lang *smart_lang(const char *tag, size_t len)
{
	for (size_t i = 0; tag != NULL && i < sizeof(smart_langs) / sizeof(smart_langs[0]); i++)
		if (smart_tag_is(tag, len, smart_langs[i].tag))
			return &smart_langs[i];
	return &smart_langs[0];
}

void smart_init(struct smart *s, const char *tag, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->lang = smart_lang(tag, len);
}

void smart_block(struct smart *s)
{
	s->prev = SMART_START;
	s->open1 = 0;
	s->open2 = 0;
}

void smart_word(struct smart *s)
{
	s->prev = SMART_WORD;
}

void smart_space(struct smart *s)
{
	s->prev = SMART_SPACE;
}

/* The elements whose text is left as written: the one p (n bytes, after "<" or "</")
 * names, 1 to SMART_VERBATIM; else 0. */
static int smart_verbatim_tag(const char *p, size_t n)
{
	static const char *const tags[SMART_VERBATIM] = {"code",   "pre",   "kbd", "samp",
	                                                 "script", "style", "math"};

	for (size_t i = 0; i < SMART_VERBATIM; i++) {
		size_t k = strlen(tags[i]);
		if (n < k || (n > k && p[k] != '>' && p[k] != ' ' && p[k] != '\t' && p[k] != '\n' &&
		              p[k] != '/'))
			continue;
		size_t j = 0;
		while (j < k && smart_lower(p[j]) == tags[i][j])
			j++;
		if (j == k)
			return (int)i + 1;
	}
	return 0;
}

void smart_html(struct smart *s, const char *p, size_t n)
{
	/* md4c gives an inline tag whole, in one piece. */
	if (n < 3 || p[0] != '<')
		return;
	/* An end tag ends its own element only: "<code></pre>" is still code. */
	if (p[1] == '/') {
		int t = smart_verbatim_tag(p + 2, n - 2);
		if (t != 0 && s->open_tags[t - 1] > 0) {
			s->open_tags[t - 1]--;
			s->skip--;
		}
	} else {
		int t = smart_verbatim_tag(p + 1, n - 1);
		/* None is void: "<code/>" opens one, as browsers read it. */
		if (t != 0 && s->skip < 65535) {
			s->open_tags[t - 1]++;
			s->skip++;
		}
	}
}

static int smart_class(const char *p, size_t i, size_t n)
{
	if (i >= n)
		return SMART_END;
	unsigned char c = (unsigned char)p[i];
	switch (c) {
	case ' ':
	case '\t':
	case '\n':
	case '\r':
		return SMART_SPACE;
	case '(':
	case '[':
	case '{':
	case '<':
	case '-':
		return SMART_OPEN;
	case '.':
	case ',':
	case ';':
	case ':':
	case '!':
	case '?':
	case ')':
	case ']':
	case '}':
	case '>':
		return SMART_PUNCT;
	case 0xC2: /* U+00A0 NO-BREAK SPACE */
		return i + 1 < n && (unsigned char)p[i + 1] == 0xA0 ? SMART_SPACE : SMART_WORD;
	default:
		return SMART_WORD;
	}
}

static int smart_digit(const char *p, size_t i, size_t n)
{
	return i < n && p[i] >= '0' && p[i] <= '9';
}

static int smart_alnum(const char *p, size_t i, size_t n)
{
	return i < n && (((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') ||
	                 (p[i] >= '0' && p[i] <= '9') || (unsigned char)p[i] >= 0x80);
}

/* An opening mark: with the French spacing, the space written after it is the no-break
 * space. Returns how many bytes of p after i it took. */
static size_t smart_open(struct smart *s, const char *mark, const char *p, size_t i, size_t n,
                         struct buf *out)
{
	size_t k = 0;

	buf_adds(out, mark);
	s->prev = SMART_OPEN;
	if (!s->lang->spaced || mark[0] != '\xC2')
		return 0;
	buf_adds(out, NNBSP);
	while (i + 1 + k < n && (p[i + 1 + k] == ' ' || p[i + 1 + k] == '\t'))
		k++;
	return k;
}

static void smart_close(struct smart *s, const char *mark, struct buf *out, size_t start)
{
	if (s->lang->spaced && mark[0] == '\xC2') {
		while (out->len > start &&
		       (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\t'))
			out->len--;
		buf_adds(out, NNBSP);
	}
	buf_adds(out, mark);
	s->prev = SMART_PUNCT;
}

/* What smart_text() stops at: the characters typography may change, those HTML text
 * escapes (and a NUL, dropped), and every byte of 0x80 and above (UTF-8 to check). */
static const struct scan_set smart_stops = {
    .lanes = {SCAN_LANE('"'), SCAN_LANE('\''), SCAN_LANE('-'), SCAN_LANE('.'), SCAN_LANE('&'),
              SCAN_LANE('<'), SCAN_LANE('>'), SCAN_LANE('\0')},
    .count = 8,
    .high = 1,
    .is =
        {['"'] = 1, ['\''] = 1, ['-'] = 1, ['.'] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['\0'] = 1},
};

int smart_text(struct smart *s, const char *p, size_t n, int escaped, struct buf *out)
{
	size_t start = out->len, done = 0, i = 0;
	struct smart before = *s;

	if (s->skip > 0) {
		s->prev = SMART_WORD;
		return 0;
	}
	if (escaped && n > 0 && (unsigned char)p[0] < 0x80) {
		/* Written as it is (a backslash escapes only ASCII punctuation). */
		s->prev = smart_class(p, 0, n) == SMART_SPACE ? SMART_SPACE : SMART_WORD;
		html_text_char(out, p[0]);
		done = i = 1;
	}
	for (;;) {
		size_t k = i + scan_find(&smart_stops, p + i, n - i);
		/* What comes before a stop is the class of the last character of the run (ASCII:
		 * every byte of 0x80 and above is a stop). */
		if (k > i)
			s->prev = smart_class(p, k - 1, n);
		if (k >= n)
			break;
		unsigned char c = (unsigned char)p[k];
		if (c >= 0x80) {
			size_t len = utf8_len(p + k, n - k);
			if (len == 0) {
				/* Ill-formed: all of it again, made well-formed first. */
				struct buf clean = {0};
				*s = before;
				out->len = start;
				utf8_clean(&clean, p, n, 0);
				smart_text(s, clean.data, clean.len, escaped, out);
				buf_free(&clean);
				return 1;
			}
			s->prev = smart_class(p, k, n);
			i = k + len;
			continue;
		}
		if (c == '&' || c == '<' || c == '>' || c == '\0') {
			buf_add(out, p + done, k - done);
			html_text_char(out, (char)c);
			s->prev = smart_class(p, k, n);
			done = i = k + 1;
			continue;
		}
		i = k;
		size_t run = 1;
		if (c == '-' || c == '.')
			while (i + run < n && p[i + run] == (char)c)
				run++;
		/* "<!--", "-->" (a comment shown as text, an arrow) stay. */
		int arrow =
		    c == '-' && ((i > 0 && p[i - 1] == '!') || (i + run < n && p[i + run] == '>'));
		if ((c == '-' && (run < 2 || arrow)) || (c == '.' && run < 3)) {
			s->prev = c == '-' ? SMART_OPEN : SMART_PUNCT;
			i += run;
			continue;
		}
		buf_add(out, p + done, i - done);
		int next = smart_class(p, i + run, n);
		int opening =
		    s->prev == SMART_START || s->prev == SMART_SPACE || s->prev == SMART_OPEN;
		size_t skip = 0;
		if (c == '-') {
			size_t em = run / 3, rest = run % 3;
			for (size_t k2 = 0; k2 < em; k2++)
				buf_adds(out, "\xE2\x80\x94"); /* — */
			if (rest == 2)
				buf_adds(out, "\xE2\x80\x93"); /* – */
			else if (rest == 1)
				buf_addc(out, '-');
			s->prev = SMART_OPEN;
		} else if (c == '.') {
			for (size_t k2 = 0; k2 < run / 3; k2++)
				buf_adds(out, "\xE2\x80\xA6"); /* … */
			for (size_t k2 = 0; k2 < run % 3; k2++)
				buf_addc(out, '.');
			s->prev = SMART_PUNCT;
		} else if (c == '"') {
			/* French writes a space inside the guillemets: '"' before one opens. */
			if (opening &&
			    (next != SMART_SPACE || (s->lang->spaced && s->open1 == 0))) {
				skip = smart_open(s, s->lang->open1, p, i, n, out);
				s->open1++;
			} else if (!opening || s->open1 > 0) {
				smart_close(s, s->lang->close1, out, start);
				if (s->open1 > 0)
					s->open1--;
			} else {
				buf_adds(out, "&quot;");
				s->prev = SMART_PUNCT;
			}
		} else if (s->prev == SMART_WORD && smart_alnum(p, i + 1, n)) {
			buf_adds(out, APOS); /* don't, l'eau */
		} else if (opening && smart_digit(p, i + 1, n) && smart_digit(p, i + 2, n) &&
		           !smart_digit(p, i + 3, n)) {
			buf_adds(out, APOS); /* '90s */
			s->prev = SMART_WORD;
		} else if (opening && next != SMART_SPACE) {
			skip = smart_open(s, s->lang->open2, p, i, n, out);
			s->open2++;
		} else if (!opening && s->open2 > 0) {
			smart_close(s, s->lang->close2, out, start);
			s->open2--;
		} else if (!opening) {
			buf_adds(out, APOS); /* the boys' books */
			s->prev = SMART_WORD;
		} else {
			buf_addc(out, '\'');
			s->prev = SMART_PUNCT;
		}
		i += run + skip;
		done = i;
	}
	buf_add(out, p + done, n - done);
	return 1;
}

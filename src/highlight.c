/* highlight.c — one scanner for every language table of highlight_lang.c: each byte is
 * looked at a bounded number of times (no backtracking), so any input is linear. */
#include "highlight.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

/* --- the words of every language, in one hash table made once --- */

#define HL_WORD_MAX  48
#define HL_HASH_SIZE 8192 /* a power of two, well above all the tables' words */

struct hl_entry {
	const struct highlight_lang *lang;
	const char *word;
	unsigned char len;
	unsigned char next; /* 1: the next name is a function, 2: a class or type */
	const char *cls;
};

static struct hl_entry hl_table[HL_HASH_SIZE];
static pthread_once_t hl_once = PTHREAD_ONCE_INIT;

/* Each language's bytes: what they may be or start (made once, with the words). */
#define HL_LANGS_MAX 64
enum {
	HL_C_IDENT = 1,    /* in a name */
	HL_C_START = 2,    /* starts a name */
	HL_C_OP = 4,       /* an operator */
	HL_C_PUNCT = 8,    /* punctuation */
	HL_C_QUOTE = 16,   /* opens a string */
	HL_C_COMMENT = 32, /* may start a comment */
	HL_C_PLAIN = 64,   /* may start an operator left plain, a type's or an attribute's */
};
static unsigned char hl_ctab[HL_LANGS_MAX + 1][256];

static unsigned char hl_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static unsigned hl_hash(const struct highlight_lang *l, const char *w, size_t n, int nocase)
{
	unsigned h = 2166136261u ^ (unsigned)((size_t)l >> 4);
	for (size_t i = 0; i < n; i++)
		h = (h ^ (nocase ? hl_lower((unsigned char)w[i]) : (unsigned char)w[i])) *
		    16777619u;
	return h;
}

static int hl_same(const char *a, const char *b, size_t n, int nocase)
{
	if (!nocase)
		return memcmp(a, b, n) == 0;
	for (size_t i = 0; i < n; i++)
		if (hl_lower((unsigned char)a[i]) != hl_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static struct hl_entry *hl_slot(const struct highlight_lang *l, const char *w, size_t n)
{
	int nocase = (l->flags & HL_NOCASE) != 0;
	unsigned h = hl_hash(l, w, n, nocase);

	for (unsigned k = 0; k < HL_HASH_SIZE; k++) {
		struct hl_entry *e = &hl_table[(h + k) & (HL_HASH_SIZE - 1)];
		if (e->lang == NULL ||
		    (e->lang == l && e->len == n && hl_same(e->word, w, n, nocase)))
			return e;
	}
	return NULL;
}

/* Each word of the space-separated list s: class cls (when the word is new or cls is
 * not NULL), next mark next. */
static void hl_add_list(const struct highlight_lang *l, const char *s, const char *cls,
                        unsigned char next)
{
	while (s != NULL && *s) {
		while (*s == ' ')
			s++;
		size_t n = strcspn(s, " ");
		if (n > 0 && n <= HL_WORD_MAX) {
			struct hl_entry *e = hl_slot(l, s, n);
			if (e != NULL) {
				if (e->lang == NULL) {
					e->lang = l;
					e->word = s;
					e->len = (unsigned char)n;
					e->cls = cls != NULL ? cls : "k";
				} else if (cls != NULL) {
					e->cls = cls;
				}
				if (next)
					e->next = next;
			}
		}
		s += n;
	}
}

static void hl_mark_firsts(unsigned char *ct, const char *list, unsigned char bit)
{
	while (list != NULL && *list) {
		while (*list == ' ')
			list++;
		if (*list)
			ct[(unsigned char)*list] |= bit;
		list += strcspn(list, " ");
	}
}

static void hl_init_chars(const struct highlight_lang *l, unsigned char *ct)
{
	for (int c = 1; c < 256; c++) {
		int alpha =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
		int extra = l->ident_extra != NULL && strchr(l->ident_extra, c) != NULL;
		if (alpha || extra)
			ct[c] |= HL_C_IDENT | HL_C_START;
		if (c >= '0' && c <= '9')
			ct[c] |= HL_C_IDENT;
		if (l->ops != NULL && strchr(l->ops, c) != NULL)
			ct[c] |= HL_C_OP;
		if (l->punct != NULL && strchr(l->punct, c) != NULL)
			ct[c] |= HL_C_PUNCT;
		if (l->quotes != NULL && strchr(l->quotes, c) != NULL)
			ct[c] |= HL_C_QUOTE;
	}
	for (int k = 0; k < 3 && l->line_comment[k] != NULL; k++)
		ct[(unsigned char)l->line_comment[k][0]] |= HL_C_COMMENT;
	if (l->block_open != NULL)
		ct[(unsigned char)l->block_open[0]] |= HL_C_COMMENT;
	hl_mark_firsts(ct, l->plain_ops, HL_C_PLAIN);
	hl_mark_firsts(ct, l->type_ops, HL_C_PLAIN);
	hl_mark_firsts(ct, l->attr_ops, HL_C_PLAIN);
}

/* The byte table of l (one for a language not in highlight_langs: letters, digits). */
static const unsigned char *hl_chars(const struct highlight_lang *l)
{
	for (size_t i = 0; i < HL_LANGS_MAX && highlight_langs[i] != NULL; i++)
		if (highlight_langs[i] == l)
			return hl_ctab[i];
	return hl_ctab[HL_LANGS_MAX];
}

static void hl_init(void)
{
	static const struct highlight_lang none = {.names = ""};
	hl_init_chars(&none, hl_ctab[HL_LANGS_MAX]);
	for (size_t i = 0; highlight_langs[i] != NULL; i++) {
		const struct highlight_lang *l = highlight_langs[i];
		if (i < HL_LANGS_MAX)
			hl_init_chars(l, hl_ctab[i]);
		for (const struct highlight_words *w = l->words; w != NULL && w->cls != NULL; w++)
			hl_add_list(l, w->words, w->cls, 0);
		hl_add_list(l, l->fn_after, NULL, 1);
		hl_add_list(l, l->class_after, NULL, 2);
	}
}

static const struct hl_entry *hl_word(const struct highlight_lang *l, const char *w, size_t n)
{
	if (n == 0 || n > HL_WORD_MAX)
		return NULL;
	struct hl_entry *e = hl_slot(l, w, n);
	return e != NULL && e->lang != NULL ? e : NULL;
}

/* Is [w, w+n) one of the space-separated words of list? */
static int hl_in_list(const char *list, const char *w, size_t n)
{
	while (list != NULL && *list) {
		while (*list == ' ')
			list++;
		size_t k = strcspn(list, " ");
		if (k == n && n > 0 && memcmp(list, w, n) == 0)
			return 1;
		list += k;
	}
	return 0;
}

const struct highlight_lang *highlight_find(const char *name, size_t n)
{
	char low[32];

	/* "rust,ignore" (rustdoc's), "go{hl_lines=2}": the name ends there. */
	for (size_t i = 0; i < n; i++)
		if (name[i] == ',' || name[i] == '{') {
			n = i;
			break;
		}
	if (n == 0 || n >= sizeof(low))
		return NULL;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)hl_lower((unsigned char)name[i]);
	for (size_t i = 0; highlight_langs[i] != NULL; i++)
		if (hl_in_list(highlight_langs[i]->names, low, n))
			return highlight_langs[i];
	return NULL;
}

/* --- fence options --- */

static size_t hl_num(const char *p, size_t i, size_t n, unsigned *v)
{
	unsigned x = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9') {
		if (x < 1000000)
			x = x * 10 + (unsigned)(p[i] - '0');
		i++;
	}
	*v = x;
	return i;
}

#define HL_LINES_MAX 100000

static void hl_mark(struct highlight_opts *o, unsigned a, unsigned b)
{
	if (a == 0 || b < a || a > HL_LINES_MAX)
		return;
	if (b > HL_LINES_MAX)
		b = HL_LINES_MAX;
	if (b > o->hl_n) {
		o->hl = xrealloc(o->hl, b);
		memset(o->hl + o->hl_n, 0, b - o->hl_n);
		o->hl_n = b;
	}
	memset(o->hl + a - 1, 1, b - a + 1);
}

void highlight_opts_parse(const char *info, size_t n, struct highlight_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->linestart = 1;
	for (size_t i = 0; i < n;) {
		if (n - i > 8 && memcmp(info + i, "hl_lines", 8) == 0) {
			i += 8;
			while (i < n && (info[i] == ' ' || info[i] == '=' || info[i] == ':'))
				i++;
			int list = i < n && info[i] == '[';
			int quoted = 0;
			if (list)
				i++;
			/* Numbers and ranges, "2", "4-5", each quoted or not, space- or
			 * comma-separated, up to ']' (or the next option when not a list). */
			while (i < n && info[i] != ']' && info[i] != '}') {
				if (info[i] == '"') {
					quoted = !quoted;
					i++;
				} else if (info[i] >= '0' && info[i] <= '9') {
					unsigned a, b;
					i = hl_num(info, i, n, &a);
					b = a;
					if (i < n && info[i] == '-')
						i = hl_num(info, i + 1, n, &b);
					hl_mark(o, a, b);
				} else if (!list && !quoted && (info[i] == ',' || info[i] == ' ')) {
					break;
				} else {
					i++;
				}
			}
		} else if (n - i > 11 && memcmp(info + i, "linenostart", 11) == 0) {
			i += 11;
			while (i < n && (info[i] == ' ' || info[i] == '=' || info[i] == ':'))
				i++;
			i = hl_num(info, i, n, &o->linestart);
		} else if (n - i > 7 && memcmp(info + i, "linenos", 7) == 0) {
			i += 7;
			while (i < n && (info[i] == ' ' || info[i] == '=' || info[i] == ':'))
				i++;
			o->linenos = !(n - i >= 5 && memcmp(info + i, "false", 5) == 0);
		} else {
			i++;
		}
	}
}

void highlight_opts_free(struct highlight_opts *o)
{
	free(o->hl);
	o->hl = NULL;
	o->hl_n = 0;
}

/* --- output: spans never cross a line, so a line can be wrapped in its own span --- */

struct hl_out {
	struct buf *out;
	const struct highlight_opts *o;
	const char *cur; /* the class of the open span, or NULL */
	unsigned line;   /* lines begun */
	int in_line;     /* a line has begun and not ended */
	int hl_open;
};

static void hl_close(struct hl_out *e)
{
	if (e->cur != NULL) {
		buf_add(e->out, "</span>", 7);
		e->cur = NULL;
	}
}

static void hl_line_begin(struct hl_out *e)
{
	const struct highlight_opts *o = e->o;

	e->in_line = 1;
	e->line++;
	if (o == NULL)
		return;
	if (o->hl != NULL && e->line <= o->hl_n && o->hl[e->line - 1]) {
		buf_adds(e->out, "<span class=\"hl\">");
		e->hl_open = 1;
	}
	if (o->linenos)
		buf_printf(e->out, "<span class=\"ln\">%u</span>", o->linestart + e->line - 1);
}

static void hl_line_end(struct hl_out *e)
{
	hl_close(e);
	buf_addc(e->out, '\n');
	if (e->hl_open)
		buf_adds(e->out, "</span>");
	e->hl_open = 0;
	e->in_line = 0;
}

static void hl_emit(struct hl_out *e, const char *cls, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (p[i] == '\n') {
			if (!e->in_line)
				hl_line_begin(e);
			hl_line_end(e);
			i++;
			continue;
		}
		if (!e->in_line)
			hl_line_begin(e);
		if (cls != e->cur && (cls == NULL || e->cur == NULL || strcmp(cls, e->cur) != 0)) {
			hl_close(e);
			if (cls != NULL) {
				buf_add(e->out, "<span class=\"", 13);
				buf_adds(e->out, cls);
				buf_add(e->out, "\">", 2);
				e->cur = cls;
			}
		}
		size_t beg = i;
		while (i < n && p[i] != '\n') {
			unsigned char c = (unsigned char)p[i];
			if (c == '&' || c == '<' || c == '>' || c == '"' || c == 0) {
				buf_add(e->out, p + beg, i - beg);
				if (c == '&')
					buf_adds(e->out, "&amp;");
				else if (c == '<')
					buf_adds(e->out, "&lt;");
				else if (c == '>')
					buf_adds(e->out, "&gt;");
				else if (c == '"')
					buf_adds(e->out, "&quot;");
				beg = i + 1;
			}
			i++;
		}
		buf_add(e->out, p + beg, i - beg);
	}
}

static void hl_finish(struct hl_out *e)
{
	hl_close(e);
	if (e->hl_open)
		buf_adds(e->out, "</span>");
	e->hl_open = 0;
}

/* --- character classes --- */

static int hl_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hl_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int hl_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int hl_has(const char *set, unsigned char c)
{
	return set != NULL && c != 0 && strchr(set, c) != NULL;
}

static int hl_ident_start(const unsigned char *ct, unsigned char c)
{
	return (ct[c] & HL_C_START) != 0;
}

static int hl_ident(const unsigned char *ct, unsigned char c)
{
	return (ct[c] & HL_C_IDENT) != 0;
}

static int hl_at(const char *p, size_t i, size_t n, const char *s)
{
	size_t k = strlen(s);
	return k > 0 && n - i >= k && memcmp(p + i, s, k) == 0;
}

static size_t hl_eol(const char *p, size_t i, size_t n)
{
	const char *q = memchr(p + i, '\n', n - i);
	return q != NULL ? (size_t)(q - p) : n;
}

/* The end of what starts at i and ends with s (included), or n. */
static size_t hl_until(const char *p, size_t i, size_t n, const char *s)
{
	size_t k = strlen(s);
	if (n - i < k)
		return n;
	const char *q = memmem(p + i, n - i, s, k);
	return q != NULL ? (size_t)(q - p) + k : n;
}

/* A number at i: its end, and its class in *cls. */
static size_t hl_number(const unsigned char *ct, const char *p, size_t i, size_t n,
                        const char **cls)
{
	size_t j = i;
	*cls = "mi";
	if (p[j] == '0' && j + 1 < n && (p[j + 1] == 'x' || p[j + 1] == 'X')) {
		*cls = "mh";
		j += 2;
		while (j < n && (hl_digit((unsigned char)p[j]) || p[j] == '_' ||
		                 (hl_lower((unsigned char)p[j]) >= 'a' &&
		                  hl_lower((unsigned char)p[j]) <= 'f')))
			j++;
	} else if (p[j] == '0' && j + 1 < n &&
	           (p[j + 1] == 'b' || p[j + 1] == 'B' || p[j + 1] == 'o' || p[j + 1] == 'O')) {
		*cls = p[j + 1] == 'b' || p[j + 1] == 'B' ? "mb" : "mo";
		j += 2;
		while (j < n && (hl_digit((unsigned char)p[j]) || p[j] == '_'))
			j++;
	} else {
		while (j < n && (hl_digit((unsigned char)p[j]) || (p[j] == '_' && j > i)))
			j++;
		if (j + 1 < n && p[j] == '.' && hl_digit((unsigned char)p[j + 1])) {
			*cls = "mf";
			j++;
			while (j < n && (hl_digit((unsigned char)p[j]) || p[j] == '_'))
				j++;
		}
		if (j < n && (p[j] == 'e' || p[j] == 'E')) {
			size_t k = j + 1;
			if (k < n && (p[k] == '+' || p[k] == '-'))
				k++;
			if (k < n && hl_digit((unsigned char)p[k])) {
				*cls = "mf";
				j = k;
				while (j < n && hl_digit((unsigned char)p[j]))
					j++;
			}
		}
	}
	while (j < n && hl_ident(ct, (unsigned char)p[j])) /* suffixes: 1u8, 10UL, 2.0f */
		j++;
	return j;
}

/* A string whose quote q is at i (triple: three of them): its end. */
static size_t hl_string(const struct highlight_lang *l, const char *p, size_t i, size_t n, char q,
                        int triple)
{
	size_t j = i + (triple ? 3 : 1);
	while (j < n) {
		char c = p[j];
		if (c == '\\' && !(l->flags & HL_QUOTE_DOUBLE) &&
		    !(q == '\'' && (l->flags & HL_SHELL))) {
			j += 2;
			continue;
		}
		if (c == q) {
			if (triple) {
				if (n - j >= 3 && p[j + 1] == q && p[j + 2] == q)
					return j + 3;
			} else if ((l->flags & HL_QUOTE_DOUBLE) && j + 1 < n && p[j + 1] == q) {
				j += 2;
				continue;
			} else {
				return j + 1;
			}
		}
		if (c == '\n' && !triple && (l->flags & HL_STR_LINE))
			return j;
		j++;
	}
	return n;
}

static const char *hl_quote_class(char q)
{
	return q == '"' ? "s2" : q == '\'' ? "s1" : "sb";
}

/* A shell variable at i ('$'): its end (i when there is none). */
static size_t hl_dollar(const struct highlight_lang *l, const char *p, size_t i, size_t n)
{
	const unsigned char *ct = hl_chars(l);
	size_t j = i + 1;
	if (j >= n)
		return i;
	if (hl_ident_start(ct, (unsigned char)p[j]) && p[j] != '-') {
		while (j < n && hl_ident(ct, (unsigned char)p[j]) && p[j] != '-')
			j++;
		return j;
	}
	if ((l->flags & HL_SHELL) &&
	    (hl_digit((unsigned char)p[j]) || hl_has("?#@*!$", (unsigned char)p[j])))
		return j + 1;
	return i;
}

/* A double-quoted shell string: its variables as nv inside it. */
static void hl_shell_string(struct hl_out *e, const struct highlight_lang *l, const char *p,
                            size_t i, size_t end)
{
	size_t beg = i;
	for (size_t j = i + 1; j < end;) {
		if (p[j] == '\\') {
			j += 2;
			continue;
		}
		if (p[j] == '$') {
			size_t k = hl_dollar(l, p, j, end);
			if (k > j) {
				hl_emit(e, "s2", p + beg, j - beg);
				hl_emit(e, "nv", p + j, k - j);
				beg = j = k;
				continue;
			}
		}
		j++;
	}
	if (end > beg)
		hl_emit(e, "s2", p + beg, (end > beg ? end : beg) - beg);
}

/* A string [i, end) with ${...} (or #{...}) inside: those as si around plain code. */
static void hl_interp_string(struct hl_out *e, const char *cls, char mark, const char *p, size_t i,
                             size_t end)
{
	size_t beg = i;
	for (size_t j = i + 1; j + 1 < end;) {
		if (p[j] == '\\') {
			j += 2;
			continue;
		}
		if (p[j] != mark || p[j + 1] != '{') {
			j++;
			continue;
		}
		size_t k = j + 2;
		unsigned depth = 1;
		while (k < end && depth > 0) {
			if (p[k] == '{')
				depth++;
			else if (p[k] == '}')
				depth--;
			k++;
		}
		if (depth > 0)
			break;
		hl_emit(e, cls, p + beg, j - beg);
		hl_emit(e, "si", p + j, 2);
		hl_emit(e, NULL, p + j + 2, k - 1 - (j + 2));
		hl_emit(e, "si", p + k - 1, 1);
		beg = j = k;
	}
	hl_emit(e, cls, p + beg, end - beg);
}

/* --- the code scanner --- */

static void hl_code(struct hl_out *e, const struct highlight_lang *l, const char *p, size_t n)
{
	size_t i = 0, no_regex = 0;
	/* pending: what the next name is (1 function, 2 type, 3 attribute, 4 namespace);
	 * value: the last token ends a value; decl: a name, then a space, went before. */
	int line_start = 1, pending = 0, value = 0, decl = 0;
	unsigned fl = l->flags;
	const unsigned char *ct = hl_chars(l);

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t j = i + 1;
		const char *cls = NULL;

		if (c == '\n') {
			hl_emit(e, NULL, "\n", 1);
			line_start = 1;
			decl = 0;
			i++;
			continue;
		}
		if (hl_space(c)) {
			while (j < n && hl_space((unsigned char)p[j]))
				j++;
			hl_emit(e, NULL, p + i, j - i);
			decl = decl == 1 ? 2 : decl;
			i = j;
			continue;
		}
		int was_decl = decl;
		decl = 0;
		int first = line_start;
		line_start = 0;
		if (first && (fl & HL_PREPROC) && c == '#') {
			j = i;
			for (;;) { /* backslash-newline continues the line */
				j = hl_eol(p, j, n);
				if (j < n && j > i && p[j - 1] == '\\')
					j++;
				else
					break;
			}
			hl_emit(e, "cp", p + i, j - i);
			i = j;
			continue;
		}
		if ((fl & HL_PHP_OPEN) && (hl_at(p, i, n, "<?") || hl_at(p, i, n, "?>"))) {
			hl_emit(e, "cp", p + i, 2);
			i += 2;
			continue;
		}
		int lc = 0;
		for (int k = 0; k < 3 && (ct[c] & HL_C_COMMENT) && l->line_comment[k] != NULL; k++)
			if (hl_at(p, i, n, l->line_comment[k]))
				lc = 1;
		if (lc && (fl & HL_HASH_WORD) && i > 0 && !hl_space((unsigned char)p[i - 1]) &&
		    p[i - 1] != '\n' && p[i - 1] != ';')
			lc = 0;
		if (lc) {
			j = hl_eol(p, i, n);
			cls = "c1";
			if ((fl & HL_RUST) && ((hl_at(p, i, n, "///") && !hl_at(p, i, n, "////")) ||
			                       hl_at(p, i, n, "//!")))
				cls = "sd";
			hl_emit(e, cls, p + i, j - i);
			i = j;
			continue;
		}
		if ((ct[c] & HL_C_COMMENT) && l->block_open != NULL &&
		    hl_at(p, i, n, l->block_open)) {
			size_t ol = strlen(l->block_open), cl = strlen(l->block_close);
			if (fl & HL_NEST_COMMENT) {
				unsigned depth = 0;
				j = i;
				while (j < n) {
					if (hl_at(p, j, n, l->block_open)) {
						depth++;
						j += ol;
					} else if (hl_at(p, j, n, l->block_close)) {
						j += cl;
						if (--depth == 0)
							break;
					} else {
						j++;
					}
				}
			} else {
				j = hl_until(p, i + ol, n, l->block_close);
			}
			hl_emit(e, "cm", p + i, j - i);
			i = j;
			continue;
		}
		if ((fl & HL_RUST) && c == '#' && (hl_at(p, i, n, "#[") || hl_at(p, i, n, "#!["))) {
			unsigned depth = 0;
			for (j = i; j < n; j++) {
				if (p[j] == '[') {
					depth++;
				} else if (p[j] == ']' && --depth == 0) {
					j++;
					break;
				} else if (p[j] == '"') {
					j = hl_string(l, p, j, n, '"', 0) - 1;
				}
			}
			hl_emit(e, "cp", p + i, j - i);
			i = j;
			value = 1;
			continue;
		}
		if ((fl & HL_CHAR_LIFETIME) && c == '\'') {
			/* 'x' or '\n' is a character; 'a alone a lifetime or label. */
			size_t k = i + 1;
			if (k < n && p[k] == '\\') {
				k += 2;
				while (k < n && k < i + 12 && p[k] != '\'' && p[k] != '\n')
					k++;
			} else if (k < n) {
				k++;
				while (k < n && ((unsigned char)p[k] & 0xC0) == 0x80 && k < i + 5)
					k++;
			}
			if (k < n && p[k] == '\'') {
				hl_emit(e, "sc", p + i, k + 1 - i);
				i = k + 1;
				value = 1;
				continue;
			}
			hl_emit(e, "o", p + i, 1);
			i++;
			if (i < n && hl_ident_start(ct, (unsigned char)p[i])) {
				j = i;
				while (j < n && hl_ident(ct, (unsigned char)p[j]))
					j++;
				hl_emit(e, "na", p + i, j - i);
				i = j;
			}
			continue;
		}
		if (ct[c] & HL_C_QUOTE) {
			int triple = (fl & HL_TRIPLE) && n - i >= 3 && p[i + 1] == (char)c &&
			             p[i + 2] == (char)c;
			j = hl_string(l, p, i, n, (char)c, triple);
			cls = hl_quote_class((char)c);
			if (fl & HL_KEY_STRING) {
				size_t k = j;
				while (k < n && hl_space((unsigned char)p[k]))
					k++;
				if (k < n && p[k] == ':')
					cls = "nt";
			}
			if ((fl & HL_SHELL) && c == '"')
				hl_shell_string(e, l, p, i, j);
			else if ((fl & HL_INTERP) && (c == '`' || (c == '"' && (fl & HL_SYMBOL))))
				hl_interp_string(e, cls, c == '`' ? '$' : '#', p, i, j);
			else
				hl_emit(e, cls, p + i, j - i);
			i = j;
			value = 1;
			continue;
		}
		if (hl_digit(c) || (c == '.' && i + 1 < n && hl_digit((unsigned char)p[i + 1]) &&
		                    !(i > 0 && p[i - 1] == '.'))) {
			if ((fl & HL_SHELL) && i > 0 && !hl_space((unsigned char)p[i - 1]) &&
			    !hl_has("=;|&(<>\n", (unsigned char)p[i - 1])) {
				j = i; /* part of a word: plain */
				while (j < n && !hl_space((unsigned char)p[j]) && p[j] != '\n' &&
				       !hl_has(";|&()<>\"'", (unsigned char)p[j]))
					j++;
				hl_emit(e, NULL, p + i, j - i);
				i = j;
				continue;
			}
			j = hl_number(ct, p, i, n, &cls);
			if ((fl & HL_SHELL) && j < n && !hl_space((unsigned char)p[j]) &&
			    p[j] != '\n' && !hl_has(";|&()<>", (unsigned char)p[j])) {
				while (j < n && !hl_space((unsigned char)p[j]) && p[j] != '\n' &&
				       !hl_has(";|&()<>\"'", (unsigned char)p[j]))
					j++;
				cls = NULL; /* 1.2.3, 2>&1 is a number then '>' */
			}
			hl_emit(e, cls, p + i, j - i);
			i = j;
			value = 1;
			continue;
		}
		if (hl_ident_start(ct, c) && !((fl & HL_SHELL) && c == '-')) {
			while (j < n && hl_ident(ct, (unsigned char)p[j]))
				j++;
			size_t wl = j - i;
			/* A string's prefix: r"..", b'..', f"..", L"..", and Rust's r#".."#. */
			if ((fl & HL_RUST) && j < n && (p[j] == '#' || p[j] == '"') &&
			    ((wl == 1 && p[i] == 'r') ||
			     (wl == 2 && p[i] == 'b' && p[i + 1] == 'r'))) {
				size_t k = j, h = 0;
				while (k < n && p[k] == '#' && h < 256) {
					k++;
					h++;
				}
				if (k < n && p[k] == '"') {
					k++;
					while (k < n) {
						if (p[k] == '"') { /* '"' and h of '#' close it */
							size_t m = 0;
							while (m < h && k + 1 + m < n &&
							       p[k + 1 + m] == '#')
								m++;
							if (m == h) {
								k += 1 + h;
								break;
							}
						}
						k++;
					}
					hl_emit(e, "s", p + i, k - i);
					i = k;
					value = 1;
					continue;
				}
			}
			if (j < n && (ct[(unsigned char)p[j]] & HL_C_QUOTE) &&
			    hl_in_list(l->str_prefix, p + i, wl)) {
				int triple = (fl & HL_TRIPLE) && n - j >= 3 && p[j + 1] == p[j] &&
				             p[j + 2] == p[j];
				size_t k = hl_string(l, p, j, n, p[j], triple);
				hl_emit(e, hl_quote_class(p[j]), p + i, k - i);
				i = k;
				value = 1;
				continue;
			}
			if ((fl & HL_RUST) && j < n && p[j] == '!' &&
			    (j + 1 >= n || p[j + 1] != '=')) {
				hl_emit(e, "fm", p + i, j + 1 - i);
				i = j + 1;
				pending = 0;
				value = 0;
				continue;
			}
			if (pending == 4) {
				while (j < n && (hl_ident(ct, (unsigned char)p[j]) || p[j] == '.' ||
				                 p[j] == '*'))
					j++;
				hl_emit(e, "nn", p + i, j - i);
				pending = 0;
				i = j;
				continue;
			}
			const struct hl_entry *w = hl_word(l, p + i, wl);
			/* A word keeps its class, but for a function's or attribute's name. */
			if (w != NULL && (pending == 0 || pending == 2 || w->cls[0] == 'k')) {
				cls = w->cls;
			} else if (pending == 1) {
				cls = "nf";
			} else if (pending == 2) {
				cls = l->type_cls != NULL ? l->type_cls : "nc";
			} else if (pending == 3) {
				cls = "na";
			} else if ((fl & HL_DECL_FN) && was_decl == 2 && j < n && p[j] == '(') {
				cls = "nf";
			} else if ((fl & HL_CALL_FN) && j < n && p[j] == '(') {
				cls = "nf";
			} else if ((fl & HL_CAP_TYPE) && p[i] >= 'A' && p[i] <= 'Z') {
				cls = "nc";
			}
			pending = w != NULL ? w->next : 0;
			if (w != NULL && hl_in_list(l->ns_after, p + i, wl))
				pending = 4;
			value = w == NULL || w->cls[0] != 'k' || w->cls[1] == 'c';
			decl = w == NULL ||
			       (w->cls[0] == 'k' && (w->cls[1] == 't' || w->cls[1] == 'd'));
			hl_emit(e, cls, p + i, wl);
			i = j;
			continue;
		}
		if ((fl & HL_DOLLAR_VAR) && c == '$') {
			if ((fl & HL_SHELL) && j < n && (p[j] == '{' || p[j] == '(')) {
				char close = p[j] == '{' ? '}' : ')';
				size_t k = j + 1;
				while (k < n && p[k] != close && p[k] != '\n' && k < i + 256)
					k++;
				if (p[j] == '{' && k < n && p[k] == '}') {
					hl_emit(e, "si", p + i, 2);
					hl_emit(e, "nv", p + i + 2, k - i - 2);
					hl_emit(e, "si", p + k, 1);
					i = k + 1;
					continue;
				}
				hl_emit(e, "k", p + i, 2);
				i += 2;
				continue;
			}
			j = hl_dollar(l, p, i, n);
			if (j > i) {
				hl_emit(e, "nv", p + i, j - i);
				i = j;
				value = 1;
				continue;
			}
			j = i + 1;
		}
		if ((fl & HL_DECORATOR) && c == '@' && j < n &&
		    hl_ident_start(ct, (unsigned char)p[j])) {
			while (j < n && (hl_ident(ct, (unsigned char)p[j]) || p[j] == '.'))
				j++;
			hl_emit(e, "nd", p + i, j - i);
			i = j;
			continue;
		}
		if ((fl & HL_REGEX) && c == '/' && !value && i >= no_regex && j < n &&
		    p[j] != '/' && p[j] != '*') {
			size_t k = j;
			int cl = 0;
			while (k < n && p[k] != '\n') {
				if (p[k] == '\\')
					k++;
				else if (p[k] == '[')
					cl = 1;
				else if (p[k] == ']')
					cl = 0;
				else if (p[k] == '/' && !cl)
					break;
				k++;
			}
			if (k < n && p[k] == '/') {
				k++;
				while (k < n && hl_alpha((unsigned char)p[k]))
					k++;
				hl_emit(e, "sr", p + i, k - i);
				i = k;
				value = 1;
				continue;
			}
			no_regex = k; /* no regular expression closes on this line */
		}
		if (fl & HL_SHELL) {
			/* An option or a word: plain up to the next space or operator. */
			if (c == '-' || c == '/' || c == '.' || c == '~' || c == '*' || c == '+' ||
			    c == ',' || c == ':' || c == '@' || c == '%' || c == '^') {
				while (j < n && !hl_space((unsigned char)p[j]) && p[j] != '\n' &&
				       !hl_has(";|&()<>\"'`=$", (unsigned char)p[j]))
					j++;
				hl_emit(e, NULL, p + i, j - i);
				i = j;
				continue;
			}
		}
		/* Operators left plain, as the reference highlighter leaves them. */
		if ((ct[c] & HL_C_PLAIN) && l->plain_ops != NULL) {
			const char *s = l->plain_ops;
			size_t best = 0;
			while (*s) {
				while (*s == ' ')
					s++;
				size_t k = strcspn(s, " ");
				if (k > best && n - i >= k && memcmp(p + i, s, k) == 0)
					best = k;
				s += k;
			}
			if (best > 0) {
				hl_emit(e, NULL, p + i, best);
				pending = hl_in_list(l->type_ops, p + i, best)   ? 2
				          : hl_in_list(l->attr_ops, p + i, best) ? 3
				                                                 : 0;
				i += best;
				value = 0;
				continue;
			}
		}
		if ((fl & HL_SYMBOL) && c == ':' && j < n &&
		    hl_ident_start(ct, (unsigned char)p[j]) &&
		    !(i > 0 && (p[i - 1] == ':' || hl_ident(ct, (unsigned char)p[i - 1])))) {
			while (j < n && hl_ident(ct, (unsigned char)p[j]))
				j++;
			hl_emit(e, "ss", p + i, j - i);
			i = j;
			value = 1;
			continue;
		}
		if ((fl & HL_RUST) && c == '&' && pending == 2) {
			hl_emit(e, "kp", p + i, 1); /* a reference type's '&' */
			i++;
			continue;
		}
		if (ct[c] & HL_C_OP) {
			while (j < n && (ct[(unsigned char)p[j]] & HL_C_OP) && j < i + 3)
				j++;
			hl_emit(e, "o", p + i, j - i);
			value = 0;
		} else if (ct[c] & HL_C_PUNCT) {
			hl_emit(e, "p", p + i, 1);
			value = c == ')' || c == ']' || c == '}';
		} else {
			hl_emit(e, NULL, p + i, 1);
		}
		if ((ct[c] & HL_C_PLAIN) && hl_in_list(l->attr_ops, p + i, j - i))
			pending = 3;
		else if ((ct[c] & HL_C_PLAIN) && hl_in_list(l->type_ops, p + i, j - i))
			pending = 2;
		else if (!(pending && (c == '<' || c == '*' || c == '&')))
			pending = 0;
		if (c == '*' || c == '&' || c == '>' || c == ']')
			decl = was_decl;
		i = j;
	}
}

static void hl_css(struct hl_out *e, const struct highlight_lang *l, const char *p, size_t n);

/* --- markup: tags, attributes, comments, entities; script and style inside --- */

static int hl_name_char(unsigned char c)
{
	return hl_alpha(c) || hl_digit(c) || c == '-' || c == ':' || c == '.';
}

/* The start of the closing tag "</name" from i (any case), or n. */
static size_t hl_find_close(const char *p, size_t i, size_t n, const char *name, size_t nl)
{
	for (; i + 2 + nl <= n; i++) {
		const char *q = memchr(p + i, '<', n - i);
		if (q == NULL)
			return n;
		i = (size_t)(q - p);
		if (i + 2 + nl <= n && p[i + 1] == '/' && hl_same(p + i + 2, name, nl, 1))
			return i;
	}
	return n;
}

static void hl_markup(struct hl_out *e, const struct highlight_lang *l, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i + 1;
		if (p[i] == '<' && hl_at(p, i, n, "<!--")) {
			j = hl_until(p, i + 4, n, "-->");
			hl_emit(e, "c", p + i, j - i);
			i = j;
			continue;
		}
		if (p[i] == '<' && hl_at(p, i, n, "<![CDATA[")) {
			j = hl_until(p, i + 9, n, "]]>");
			hl_emit(e, "cp", p + i, j - i);
			i = j;
			continue;
		}
		if (p[i] == '<' && j < n && (p[j] == '!' || p[j] == '?')) {
			j = hl_until(p, i + 2, n, ">");
			hl_emit(e, "cp", p + i, j - i);
			i = j;
			continue;
		}
		if (p[i] == '<' && j < n && (hl_alpha((unsigned char)p[j]) || p[j] == '/')) {
			int closing = p[j] == '/';
			const char *tp = (l->flags & HL_XML) ? "nt" : "p";
			hl_emit(e, tp, p + i, 1);
			if (closing) {
				hl_emit(e, tp, p + j, 1);
				j++;
			}
			size_t ns = j;
			while (j < n && hl_name_char((unsigned char)p[j]))
				j++;
			size_t name = ns, name_len = j - ns;
			hl_emit(e, "nt", p + ns, j - ns);
			i = j;
			int self = 0;
			/* Attributes up to '>'. */
			while (i < n && p[i] != '>' && p[i] != '<') {
				unsigned char c = (unsigned char)p[i];
				j = i + 1;
				if (hl_space(c) || c == '\n') {
					hl_emit(e, NULL, p + i, 1);
				} else if (c == '=') {
					hl_emit(e, (l->flags & HL_XML) ? "na" : "o", p + i, 1);
					j = i + 1;
					while (j < n && hl_space((unsigned char)p[j]))
						j++;
					hl_emit(e, NULL, p + i + 1, j - i - 1);
					i = j;
					if (i < n && (p[i] == '"' || p[i] == '\'')) {
						const char *q = memchr(p + i + 1, p[i], n - i - 1);
						j = q != NULL ? (size_t)(q - p) + 1 : n;
					} else {
						while (j < n && !hl_space((unsigned char)p[j]) &&
						       p[j] != '\n' && p[j] != '>')
							j++;
					}
					hl_emit(e, "s", p + i, j - i);
				} else if (c == '/') {
					hl_emit(e, tp, p + i, 1);
					self = 1;
				} else if (hl_name_char(c) || c == '@') {
					while (j < n &&
					       (hl_name_char((unsigned char)p[j]) || p[j] == '@'))
						j++;
					hl_emit(e, "na", p + i, j - i);
				} else {
					hl_emit(e, NULL, p + i, 1);
				}
				i = j;
			}
			if (i < n && p[i] == '>') {
				hl_emit(e, tp, p + i, 1);
				i++;
			}
			const struct highlight_lang *in = NULL;
			if (!closing && !self && name_len == 6 && hl_same(p + name, "script", 6, 1))
				in = l->inner[0];
			else if (!closing && !self && name_len == 5 &&
			         hl_same(p + name, "style", 5, 1))
				in = l->inner[1];
			if (in != NULL) {
				j = hl_find_close(p, i, n, p + name, name_len);
				if (in->mode == HL_CSS)
					hl_css(e, in, p + i, j - i);
				else
					hl_code(e, in, p + i, j - i);
				i = j;
			}
			continue;
		}
		if (p[i] == '&') {
			while (j < n && j < i + 40 &&
			       (hl_alpha((unsigned char)p[j]) || hl_digit((unsigned char)p[j]) ||
			        p[j] == '#'))
				j++;
			if (j < n && p[j] == ';' && j > i + 1) {
				hl_emit(e, "ni", p + i, j + 1 - i);
				i = j + 1;
				continue;
			}
			j = i + 1;
		}
		while (j < n && p[j] != '<' && p[j] != '&')
			j++;
		hl_emit(e, NULL, p + i, j - i);
		i = j;
	}
}

/* --- CSS: selectors, and declarations inside braces --- */

static size_t hl_css_ident(const char *p, size_t i, size_t n)
{
	while (i < n &&
	       (hl_alpha((unsigned char)p[i]) || hl_digit((unsigned char)p[i]) || p[i] == '-'))
		i++;
	return i;
}

static void hl_css(struct hl_out *e, const struct highlight_lang *l, const char *p, size_t n)
{
	size_t i = 0;
	unsigned depth = 0, at_bits = 0; /* bit d: the block at depth d + 1 is an at-rule's */
	int at = 0, value = 0;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t j = i + 1;
		int decl = depth > 0 && !(depth <= 32 && (at_bits >> (depth - 1)) & 1);

		if (hl_space(c) || c == '\n') {
			hl_emit(e, NULL, p + i, 1);
		} else if (hl_at(p, i, n, "/*")) {
			j = hl_until(p, i + 2, n, "*/");
			hl_emit(e, "c", p + i, j - i);
		} else if (c == '"' || c == '\'') {
			j = hl_string(l, p, i, n, (char)c, 0);
			hl_emit(e, hl_quote_class((char)c), p + i, j - i);
		} else if (c == '{') {
			hl_emit(e, "p", p + i, 1);
			if (depth < 32) {
				at_bits &= ~(1u << depth);
				if (at)
					at_bits |= 1u << depth;
			}
			depth++;
			at = value = 0;
		} else if (c == '}') {
			hl_emit(e, "p", p + i, 1);
			if (depth > 0)
				depth--;
			value = 0;
		} else if (c == ';') {
			hl_emit(e, "p", p + i, 1);
			at = value = 0;
		} else if (c == '@') {
			hl_emit(e, "p", p + i, 1);
			j = hl_css_ident(p, i + 1, n);
			hl_emit(e, "k", p + i + 1, j - i - 1);
			at = 1;
		} else if (decl && !value) {
			if (hl_alpha(c) || c == '-') {
				j = hl_css_ident(p, i, n); /* a property; --name a custom one */
				hl_emit(e, hl_at(p, i, n, "--") ? "nv" : "k", p + i, j - i);
			} else if (c == ':') {
				hl_emit(e, "p", p + i, 1);
				value = 1;
			} else {
				hl_emit(e, NULL, p + i, 1);
			}
		} else if (decl) {
			if (c == '#') {
				j = hl_css_ident(p, i + 1, n);
				hl_emit(e, "mh", p + i, j - i);
			} else if (hl_digit(c) || ((c == '.' || c == '-') && j < n &&
			                           hl_digit((unsigned char)p[j]))) {
				while (j < n && (hl_digit((unsigned char)p[j]) || p[j] == '.'))
					j++;
				hl_emit(e, memchr(p + i, '.', j - i) ? "mf" : "mi", p + i, j - i);
				i = j;
				if (i < n && p[i] == '%')
					j = i + 1;
				else
					j = hl_css_ident(p, i, n);
				hl_emit(e, "kt", p + i, j - i);
				i = j; /* the number took at least a character */
				continue;
			} else if (c == '!') {
				j = hl_css_ident(p, i + 1, n);
				hl_emit(e, "cp", p + i, j - i);
			} else if (hl_alpha(c) || c == '-') {
				j = hl_css_ident(p, i, n);
				hl_emit(e, j < n && p[j] == '(' ? "nb" : "kc", p + i, j - i);
			} else if (hl_has(",:()", c)) {
				hl_emit(e, "p", p + i, 1);
			} else if (hl_has("+-*/=", c)) {
				hl_emit(e, "o", p + i, 1);
			} else {
				hl_emit(e, NULL, p + i, 1);
			}
		} else {
			/* A selector (or an at-rule's prelude). */
			if ((c == '.' || c == '#' || c == ':') && j < n) {
				if (c == ':' && p[j] == ':')
					j++;
				hl_emit(e, "p", p + i, j - i);
				size_t k = hl_css_ident(p, j, n);
				hl_emit(e, c == '.' ? "nc" : c == '#' ? "nn" : "nd", p + j, k - j);
				j = k;
			} else if (hl_alpha(c) || c == '-' || hl_digit(c)) {
				j = hl_css_ident(p, i, n);
				hl_emit(e, "nt", p + i, j - i);
			} else if (hl_has(",>+~()=", c)) {
				hl_emit(e, "o", p + i, 1);
			} else if (hl_has("[]*", c)) {
				hl_emit(e, "p", p + i, 1);
			} else {
				hl_emit(e, NULL, p + i, 1);
			}
		}
		i = j > i ? j : i + 1;
	}
}

/* --- YAML --- */

static size_t hl_yaml_quoted(const char *p, size_t i, size_t n)
{
	char q = p[i];
	size_t j = i + 1;
	for (; j < n && p[j] != '\n'; j++) {
		if (q == '"' && p[j] == '\\' && j + 1 < n && p[j + 1] != '\n')
			j++;
		else if (p[j] == q)
			return j + 1;
	}
	return j;
}

static void hl_yaml(struct hl_out *e, const struct highlight_lang *l, const char *p, size_t n)
{
	size_t i = 0;
	long block = -1; /* a block scalar's key's indentation, or -1 */

	(void)l;
	while (i < n) {
		size_t eol = hl_eol(p, i, n), j = i;
		while (j < eol && p[j] == ' ')
			j++;
		long ind = (long)(j - i);
		if (block >= 0 && (j == eol || ind > block)) {
			hl_emit(e, NULL, p + i, eol - i);
			goto next;
		}
		block = -1;
		hl_emit(e, NULL, p + i, j - i);
		i = j;
		if (i < eol && p[i] == '#') {
			hl_emit(e, "c1", p + i, eol - i);
			goto next;
		}
		if (eol - i >= 3 && (hl_at(p, i, n, "---") || hl_at(p, i, n, "...")) &&
		    (eol - i == 3 || p[i + 3] == ' ')) {
			hl_emit(e, "nn", p + i, 3);
			i += 3;
		}
		while (i < eol && p[i] == '-' && (i + 1 == eol || p[i + 1] == ' ')) {
			hl_emit(e, "p", p + i, 1);
			i++;
			while (i < eol && p[i] == ' ')
				hl_emit(e, NULL, p + i++, 1);
		}
		/* A key: a quoted or plain scalar followed by ':' and a space or the line's end. */
		j = i;
		if (j < eol && (p[j] == '"' || p[j] == '\'')) {
			j = hl_yaml_quoted(p, j, eol);
		} else if (j < eol && !hl_has("[{|>&*!%@`#", (unsigned char)p[j])) {
			while (j < eol && !(p[j] == ':' && (j + 1 == eol || p[j + 1] == ' ')) &&
			       !(p[j] == '#' && j > i && p[j - 1] == ' '))
				j++;
		}
		if (j > i && j < eol && p[j] == ':' && (j + 1 == eol || p[j + 1] == ' ')) {
			size_t ke = j;
			while (ke > i && p[ke - 1] == ' ')
				ke--;
			hl_emit(e, "nt", p + i, ke - i);
			hl_emit(e, NULL, p + ke, j - ke);
			hl_emit(e, "p", p + j, 1);
			i = j + 1;
		}
		/* The value. */
		while (i < eol) {
			unsigned char c = (unsigned char)p[i];
			j = i + 1;
			if (c == ' ') {
				hl_emit(e, NULL, p + i, 1);
			} else if (c == '#' && p[i - 1] == ' ') {
				j = eol;
				hl_emit(e, "c1", p + i, j - i);
			} else if (c == '"' || c == '\'') {
				j = hl_yaml_quoted(p, i, eol);
				hl_emit(e, "s", p + i, j - i);
			} else if (c == '|' || c == '>') {
				hl_emit(e, "p", p + i, 1);
				block = ind;
			} else if (hl_has("[]{},", c)) {
				hl_emit(e, "p", p + i, 1);
			} else if (c == '!' || c == '&' || c == '*') {
				while (j < eol && p[j] != ' ')
					j++;
				hl_emit(e, c == '!' ? "kt" : "nl", p + i, j - i);
			} else {
				while (j < eol && !hl_has("[]{},", (unsigned char)p[j]) &&
				       !(p[j] == '#' && p[j - 1] == ' '))
					j++;
				while (j > i + 1 && p[j - 1] == ' ')
					j--;
				hl_emit(e, NULL, p + i, j - i);
			}
			i = j;
		}
	next:
		i = eol;
		if (i < n) {
			hl_emit(e, NULL, "\n", 1);
			i++;
		}
	}
}

/* --- TOML --- */

static void hl_toml(struct hl_out *e, const struct highlight_lang *l, const char *p, size_t n)
{
	const unsigned char *ct = hl_chars(l);
	size_t i = 0;
	unsigned depth = 0;       /* open arrays and inline tables */
	int key = 1;              /* a key is expected */
	unsigned long tables = 0; /* bit d: the bracket at depth d is an inline table */

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t j = i + 1;
		if (c == '\n') {
			hl_emit(e, NULL, p + i, 1);
			if (depth == 0)
				key = 1;
		} else if (hl_space(c)) {
			hl_emit(e, NULL, p + i, 1);
		} else if (c == '#') {
			j = hl_eol(p, i, n);
			hl_emit(e, "c1", p + i, j - i);
		} else if (c == '[' && depth == 0 && key) {
			j = i + 1; /* up to "]" or "]]", within the line */
			while (j < n && p[j] != ']' && p[j] != '\n')
				j++;
			while (j < n && p[j] == ']')
				j++;
			hl_emit(e, "k", p + i, j - i);
		} else if (c == '"' || c == '\'') {
			int triple = n - i >= 3 && p[i + 1] == (char)c && p[i + 2] == (char)c;
			if (c == '\'') {
				if (triple) {
					j = hl_until(p, i + 3, n, "'''");
				} else { /* a literal string: no escapes, one line */
					j = i + 1;
					while (j < n && p[j] != '\'' && p[j] != '\n')
						j++;
					if (j < n && p[j] == '\'')
						j++;
				}
			} else {
				j = hl_string(l, p, i, n, '"', triple);
			}
			hl_emit(e, key ? NULL : "s", p + i, j - i);
		} else if (c == '=') {
			hl_emit(e, "o", p + i, 1);
			key = 0;
		} else if (c == '[' || c == '{') {
			hl_emit(e, "p", p + i, 1);
			if (depth < 64) {
				tables &= ~(1ul << depth);
				if (c == '{')
					tables |= 1ul << depth;
			}
			depth++;
			key = c == '{';
		} else if (c == ']' || c == '}') {
			hl_emit(e, "p", p + i, 1);
			if (depth > 0)
				depth--;
			key = 0;
		} else if (c == ',') {
			hl_emit(e, "p", p + i, 1);
			key = depth > 0 && depth <= 64 && ((tables >> (depth - 1)) & 1);
		} else if (key) {
			while (j < n &&
			       (hl_alpha((unsigned char)p[j]) || hl_digit((unsigned char)p[j]) ||
			        p[j] == '-' || p[j] == '.'))
				j++;
			hl_emit(e, NULL, p + i, j - i);
		} else if (hl_digit(c) ||
		           ((c == '+' || c == '-') && j < n && hl_digit((unsigned char)p[j]))) {
			while (j < n && (hl_digit((unsigned char)p[j]) ||
			                 hl_has("_.:-+TZeExXobabcdefABCDEF", (unsigned char)p[j])))
				j++;
			hl_emit(e, memchr(p + i, '.', j - i) ? "mf" : "mi", p + i, j - i);
		} else if (hl_alpha(c)) {
			while (j < n && hl_ident(ct, (unsigned char)p[j]))
				j++;
			const struct hl_entry *w = hl_word(l, p + i, j - i);
			hl_emit(e, w != NULL ? w->cls : NULL, p + i, j - i);
		} else {
			hl_emit(e, NULL, p + i, 1);
		}
		i = j;
	}
}

/* --- diff: a line's class by its first character --- */

static void hl_diff(struct hl_out *e, const char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t eol = hl_eol(p, i, n);
		const char *cls = NULL;
		if (hl_at(p, i, n, "diff ") || hl_at(p, i, n, "index ") || p[i] == '=')
			cls = "gh";
		else if (p[i] == '+')
			cls = "gi";
		else if (p[i] == '-')
			cls = "gd";
		else if (p[i] == '@')
			cls = "gu";
		else if (p[i] == '!')
			cls = "gs";
		hl_emit(e, cls, p + i, eol - i);
		if (eol < n)
			hl_emit(e, NULL, "\n", 1);
		i = eol + 1;
	}
}

/* --- shell sessions: prompts, the commands after them (as sh), their output --- */

/* The length of the prompt line [p, eol) starts with ("$ ", "# ", "user@host:~$ "), or 0. */
static size_t hl_prompt(const char *p, size_t i, size_t eol)
{
	size_t j = i;
	if (j < eol && p[j] == '(') { /* (venv) */
		while (j < eol && p[j] != ')' && p[j] != ' ')
			j++;
		if (j < eol && p[j] == ')')
			j++;
		while (j < eol && p[j] == ' ')
			j++;
	}
	size_t w = j;
	int at = 0;
	while (w < eol && p[w] != ' ' && p[w] != '$' && p[w] != '#' && p[w] != '%' && w < i + 80) {
		if (p[w] == '@' || p[w] == ':')
			at = 1;
		w++;
	}
	if (w > j && !at)
		w = j;
	if (w > j && w < eol && p[w] == ' ' && w + 1 < eol &&
	    hl_has("$#%", (unsigned char)p[w + 1]))
		w++;
	if (w < eol && hl_has("$#%", (unsigned char)p[w]) && (w + 1 == eol || p[w + 1] == ' ')) {
		w++;
		while (w < eol && p[w] == ' ')
			w++;
		return w - i;
	}
	if (w == eol && w > i && hl_has("$#%", (unsigned char)p[w - 1]))
		return w - i;
	return 0;
}

static void hl_session(struct hl_out *e, const struct highlight_lang *l, const char *p, size_t n)
{
	int cont = 0; /* the last command line ended with a backslash */

	for (size_t i = 0; i < n;) {
		size_t eol = hl_eol(p, i, n), k = 0;
		if (cont && hl_at(p, i, n, "> "))
			k = 2;
		else if (!cont)
			k = hl_prompt(p, i, eol);
		if (k > 0 || cont) {
			hl_emit(e, "gp", p + i, k);
			hl_code(e, l->inner[0], p + i + k, eol - i - k);
			cont = eol > i && p[eol - 1] == '\\';
		} else {
			hl_emit(e, "go", p + i, eol - i);
		}
		if (eol < n)
			hl_emit(e, NULL, "\n", 1);
		i = eol + 1;
	}
}

void highlight_html(const struct highlight_lang *l, const char *p, size_t n,
                    const struct highlight_opts *o, struct buf *out)
{
	struct hl_out e = {.out = out, .o = o};

	pthread_once(&hl_once, hl_init);
	switch (l->mode) {
	case HL_CODE:
		hl_code(&e, l, p, n);
		break;
	case HL_MARKUP:
		hl_markup(&e, l, p, n);
		break;
	case HL_CSS:
		hl_css(&e, l, p, n);
		break;
	case HL_YAML:
		hl_yaml(&e, l, p, n);
		break;
	case HL_TOML:
		hl_toml(&e, l, p, n);
		break;
	case HL_DIFF:
		hl_diff(&e, p, n);
		break;
	case HL_SESSION:
		hl_session(&e, l, p, n);
		break;
	}
	hl_finish(&e);
}

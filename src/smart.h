/* smart.h — typography in a post's text: curly quotes by language, dashes, ellipses. */
#ifndef QUIRE_SMART_H
#define QUIRE_SMART_H

#include <stddef.h>

struct buf;

/* A language's quotation marks (CLDR's delimiters), UTF-8. */
struct smart_lang {
	const char *tag;            /* "en", "de", ... */
	const char *open1, *close1; /* for '"' */
	const char *open2, *close2; /* for '\'' */
	int spaced;                 /* a narrow no-break space inside guillemets (French) */
};

#define SMART_VERBATIM 7

/* The state kept across the pieces of text md4c gives a block in. */
struct smart {
	const struct smart_lang *lang;
	int prev;  /* what came before: SMART_* of smart.c */
	int open1; /* double quotes opened in the block and not closed */
	int open2; /* single quotes */
	/* Inside raw HTML's <code>, <pre>, <kbd>, <samp>, <script>, <style> or <math>: how
	 * many are open, of each. */
	unsigned skip, open_tags[SMART_VERBATIM];
};

/* Quotes for the language tag (len bytes: "de", "fr-CH", "pt_BR"; case ignored), English
 * for one not known. */
const struct smart_lang *smart_lang(const char *tag, size_t len);
void smart_init(struct smart *s, const char *tag, size_t len);

/* A block starts or ends: nothing before, no quote open. */
void smart_block(struct smart *s);
/* Text left as it is came (code, an entity, math): like a word. */
void smart_word(struct smart *s);
/* A line break came. */
void smart_space(struct smart *s);
/* Raw HTML came: p is a tag or part of one; inside <code> and the like, text is left. */
void smart_html(struct smart *s, const char *p, size_t n);

/* The text p (n bytes, md4c's plain text) with straight quotes curled, "--" an en dash,
 * "---" an em dash, "..." an ellipsis, appended to out as HTML text (escaped, ill-formed
 * UTF-8 replaced as utf8_clean() does): 1; 0 when it is to be left as it is (inside raw
 * HTML's <code> and the like) and nothing was appended. escaped: its first character
 * was escaped with a backslash (it stays as it is). */
int smart_text(struct smart *s, const char *p, size_t n, int escaped, struct buf *out);

#endif

/* highlight.h — syntax highlighting of fenced code: one table per language
 * (highlight_lang.c), one linear scanner, Pygments' short class names. */
#ifndef QUIRE_HIGHLIGHT_H
#define QUIRE_HIGHLIGHT_H

#include <stddef.h>

struct buf;

/* How a language is scanned: the word-and-delimiter scanner, or a line-oriented one. */
enum highlight_mode {
	HL_CODE,
	HL_MARKUP,  /* html, xml: tags, attributes, comments, entities */
	HL_CSS,     /* selectors, properties, values */
	HL_YAML,    /* keys, scalars, comments */
	HL_TOML,    /* tables, keys, values */
	HL_DIFF,    /* a line's class by its first character */
	HL_SESSION, /* shell prompts with commands (as sh), and their output */
};

/* Flags of a HL_CODE language. */
enum {
	HL_NEST_COMMENT = 1 << 0,  /* block comments nest (Rust) */
	HL_PREPROC = 1 << 1,       /* '#' first on a line starts a preprocessor line (C) */
	HL_TRIPLE = 1 << 2,        /* """ and ''' strings (Python) */
	HL_CHAR_LIFETIME = 1 << 3, /* 'x' is a character, 'a alone a lifetime (Rust) */
	HL_RUST = 1 << 4,          /* r#"raw"#, name! macros, #[attributes], doc comments */
	HL_DOLLAR_VAR = 1 << 5,    /* $name is a variable (shell, PHP, Perl) */
	HL_DECORATOR = 1 << 6,     /* @name is a decorator or annotation */
	HL_NOCASE = 1 << 7,        /* keywords in any case (SQL) */
	HL_KEY_STRING = 1 << 8,    /* a string before ':' is a key (JSON) */
	HL_HASH_WORD = 1 << 9,     /* '#' starts a comment only at a word's start (shell) */
	HL_STR_LINE = 1 << 10,     /* strings end at a line's end */
	HL_QUOTE_DOUBLE = 1 << 11, /* a quote doubled inside a string is kept (SQL) */
	HL_CAP_TYPE = 1 << 12,     /* a capitalised name is a type (nc) */
	HL_CALL_FN = 1 << 13,      /* a name before '(' is a function (nf) */
	HL_SHELL = 1 << 14,        /* ${...}, $(...), -options, words as plain text */
	HL_PHP_OPEN = 1 << 15,     /* <?php and ?> are preprocessor marks */
	HL_REGEX = 1 << 16,        /* /re/ after an operator is a regular expression (JS) */
	HL_XML = 1 << 17,          /* a tag's brackets and an attribute's '=' are the tag's */
	HL_DECL_FN = 1 << 18,      /* "type name(" declares function name (nf) */
	HL_INTERP = 1 << 19,       /* ${...} in `strings` (JS), #{...} in "strings" (Ruby) */
	HL_SYMBOL = 1 << 20,       /* :name is a symbol (Ruby) */
};

/* Words of one class ("k", "kt", ...): space-separated. */
struct highlight_words {
	const char *cls;
	const char *words;
};

struct highlight_lang {
	const char *names; /* the name first, then its aliases, space-separated, lower case */
	enum highlight_mode mode;
	unsigned flags;
	const struct highlight_words *words; /* ended by {NULL, NULL} */
	const char *line_comment[3];         /* NULL-ended */
	const char *block_open, *block_close;
	const char *quotes;      /* characters that open a string of their own kind */
	const char *str_prefix;  /* names that may stand right before a quote: r b f u L */
	const char *fn_after;    /* words whose next name is a function (nf) */
	const char *class_after; /* words whose next name is a class or type (nc) */
	const char *plain_ops;   /* space-separated operators left without a class */
	const char *type_ops;    /* operators after which the next name is a type */
	const char *type_cls;    /* that type's class: "nc" when NULL */
	const char *attr_ops;    /* operators after which the next name is an attribute (na) */
	const char *ns_after;    /* words whose next dotted name is a namespace (nn) */
	const char *ops;         /* operator characters (o) */
	const char *punct;       /* punctuation characters (p) */
	const char *ident_extra; /* characters in names besides letters, digits, '_' */
	const struct highlight_lang *inner[2]; /* markup: the script and style languages */
};

/* The language of a fence's info string's first word (Hugo's, Rouge's and GitHub's names
 * and aliases, any case), or NULL when it is unknown or plain text. */
const struct highlight_lang *highlight_find(const char *name, size_t n);

/* Options of a fence as Hugo takes them: {hl_lines=[2,"4-5"], linenos=inline}. */
struct highlight_opts {
	unsigned char *hl; /* hl[i] set: line i + 1 is highlighted; NULL when none */
	size_t hl_n;
	int linenos;        /* number the lines (<span class="ln">) */
	unsigned linestart; /* the first line's number */
};

/* Read the options from a fence's info string (after its first word); hl is allocated
 * (free it with highlight_opts_free). Unknown options are ignored. */
void highlight_opts_parse(const char *info, size_t n, struct highlight_opts *o);
void highlight_opts_free(struct highlight_opts *o);

/* Append code [p, p+n) as HTML with <span class="..."> around its tokens: &<>" escaped,
 * NUL dropped, other bytes (invalid UTF-8 too) as they are. o may be NULL. Linear in n. */
void highlight_html(const struct highlight_lang *l, const char *p, size_t n,
                    const struct highlight_opts *o, struct buf *out);

/* The languages, ended by NULL (for tests). */
extern const struct highlight_lang *const highlight_langs[];

#endif

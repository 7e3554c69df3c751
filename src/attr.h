/* attr.h — kramdown's inline attribute lists, "{: .class #id name="value"}": the
 * attributes they give a tag, each checked and escaped. */
#ifndef QUIRE_ATTR_H
#define QUIRE_ATTR_H

#include <stddef.h>

struct buf;

/* Read the list that [p, p + n) starts with ("{:", its items, "}"), appending what it
 * gives to out (NULL: only read it) as ' id="x" class="a b" name="v"' (with no_id the
 * id left out): the id of the last "#id", the classes of each ".class" in order, then
 * each other name="value" (or 'value') in order. A class is [-A-Za-z0-9_]+, an id
 * [-A-Za-z0-9_:.]+, a name [a-zA-Z_:][-a-zA-Z0-9_:.]* ("class" and "id" as names join
 * the classes and set the id); an item that is none of these, a name of an event
 * handler ("on..."), "style", or a name whose value is a URL or code (href, src,
 * srcset, srcdoc, action, formaction, xlink:href, ...) is dropped, as is a bare word
 * (kramdown's reference to an attribute list definition, which quire does not read).
 * Values are well-formed UTF-8 and HTML-escaped. Returns the bytes of p the list took
 * ("}" included), or 0 when p does not start with one (then out is unchanged): no
 * closing "}", an unterminated quote, or "{::" (kramdown's extensions). */
size_t attr_parse(const char *p, size_t n, int no_id, struct buf *out);

/* Is the line [p, p + n) (its container prefix left out) an attribute list alone, with
 * only spaces (or a CR) after it, and not kramdown's "{:toc}"? */
int attr_line(const char *p, size_t n);

/* The block attribute lists of a post, each given to the block it follows (kramdown's
 * rule): of the blocks that end just before its line (and in as many block quotes as it
 * is), the outermost that takes one (a paragraph, heading, list, block quote, code block
 * or table); or, for a list after a blank line (or first), to the first such block that
 * begins after it. The renderer tells the blocks and the text it meets in order; a list
 * is due when text from after its line (or the end) comes. */
struct attr_list {
	size_t pos;       /* where its line was in the text md4c reads */
	const char *text; /* "{: ... }" */
	size_t len;
	unsigned quotes; /* the block quotes it is in */
	int before;      /* it goes to the block after it */
};

struct attr_blocks {
	struct attr_list *v;
	size_t n, cap, next; /* next: the first not yet due */
	size_t *open;        /* where each open block's tag starts in the output */
	size_t nopen, capopen;
	/* Since the last text before the next list's line: the block that ended last (in
	 * that list's block quotes), and the first that began; offset + 1 of each tag, or 0. */
	size_t after, before;
	unsigned before_quotes;
	int after_heading, before_heading; /* a heading keeps its own id */
	int frozen;      /* a block began after the one that ended: that one stays */
	unsigned quotes; /* block quotes open */
};

void attr_blocks_add(struct attr_blocks *b, size_t pos, const char *text, size_t len,
                     unsigned quotes, int before);
/* A block begins, its tag at offset tag of the output; takes: a block that takes
 * attributes. */
void attr_blocks_enter(struct attr_blocks *b, size_t tag, int takes, int quote, int heading);
/* A block ends; takes: a block that takes attributes. */
void attr_blocks_leave(struct attr_blocks *b, int takes, int quote, int heading);
/* Text from offset pos of what md4c reads comes (SIZE_MAX: the end): 1 when a list is
 * due, its attributes appended to attrs and *tag where the tag they go into starts in
 * the output (call again until 0); 0 when none is. */
int attr_blocks_due(struct attr_blocks *b, size_t pos, size_t *tag, struct buf *attrs);
/* The output grew by n bytes at offset at: the tags after it moved. */
void attr_blocks_shift(struct attr_blocks *b, size_t at, size_t n);
void attr_blocks_free(struct attr_blocks *b);

#endif

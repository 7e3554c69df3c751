/* footnote.h — footnotes: "[^label]" references and "[^label]: …" definitions, written
 * as md4c's master writes them (a <sup> link per reference, a <section class="footnotes">
 * list of the referenced notes at the end, back-links to each reference). */
#ifndef QUIRE_FOOTNOTE_H
#define QUIRE_FOOTNOTE_H

#include <stddef.h>

struct buf;
struct footnotes;

struct footnotes *footnote_new(void);
void footnote_free(struct footnotes *f);

/* Take the definitions out of md: each "[^label]: text" line starting a block (not in
 * code; in a quote or list item its marks stay), with its paragraph's lines and the
 * indented blocks after it, recorded, and the post's link reference definitions noted
 * for the notes' links. The Markdown left, NUL-terminated, *out_len bytes (the caller
 * frees it); NULL when md has no definition. Labels match ignoring case (of Latin, Greek
 * and Cyrillic letters); the first definition of a label wins. md must outlive f. */
char *footnote_extract(struct footnotes *f, const char *md, size_t len, size_t *out_len);

/* The first reference to a definition in [p, end): where it starts, *ref_len its bytes,
 * *num its note's number (given in order of first reference) and *nth which reference to
 * that note it is (1, 2, …); NULL when there is none. Each call counts what it finds. */
const char *footnote_find(struct footnotes *f, const char *p, const char *end, size_t *ref_len,
                          unsigned *num, unsigned *nth);

/* Append a reference's HTML: <sup><a href="#fn-NUM" id="fnref-NUM-NTH">NUM</a></sup>. */
void footnote_ref_html(struct buf *out, unsigned num, unsigned nth);

/* The HTML of a note's Markdown appended to out; *lone_p set when it is one paragraph.
 * 0, or -1. */
typedef int footnote_body_fn(void *ctx, const char *md, size_t len, struct buf *out, int *lone_p);

/* Append the section of the notes referenced, in order of number, each body written by
 * body (references in a body number further notes, which follow): nothing when no note
 * was referenced. 0, or -1 when body fails. */
int footnote_section(struct footnotes *f, struct buf *out, footnote_body_fn *body, void *ctx);

#endif

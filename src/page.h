/* page.h — the page handlers, one file each: post, index, error and redirect. */
#ifndef QUIRE_PAGE_H
#define QUIRE_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct post;
struct request;
struct response;
struct site;
struct site_tag;

void page_post(const struct site *s, const struct post *p, struct request *rq, struct response *rs);
/* Page n (from 1) of the index. */
void page_index(const struct site *s, struct request *rq, struct response *rs, size_t n);
/* Page n of a tag's posts, and the index of tags. */
void page_tag(const struct site *s, const struct site_tag *tag, struct request *rq,
              struct response *rs, size_t n);
void page_tags(const struct site *s, struct request *rq, struct response *rs);
void page_error(const struct site *s, struct request *rq, struct response *rs, int status);
struct cache_entry;
struct value;

/* The HTML body of post p as the snapshot knows it, held from the cache (release
 * it); NULL when its file cannot be read now (logged). */
struct cache_entry *page_post_body(const struct site *s, const struct post *p, struct request *rq);
/* p's summary for listings and feeds: its summary field (text), else its body
 * up to <!--more-->, else its first paragraph (both HTML, pointing into body). */
void page_post_summary(const struct post *p, const struct cache_entry *body, struct value *v);

/* The generated files: /feed.xml (Atom), /rss.xml (RSS 2.0), /feed.json (JSON
 * Feed 1.1), the same under /tags/NAME/, /sitemap.xml and /robots.txt. Returns 1
 * when the path is one of them, answered; else 0. */
int page_file(const struct site *s, struct request *rq, struct response *rs);

/* Answer with a rendered page and its validators: 304 when the request's
 * conditions say the client has it, else 200 with its bytes. Takes the caller's
 * reference to page. */
void page_send(const struct site *s, struct request *rq, struct response *rs,
               struct cache_entry *page);
/* The cache key of a page of snapshot s, named by name. */
uint64_t page_key(const struct site *s, const char *name);

/* 301 to path, a canonical path within the site ("/" or "/route"). */
void page_redirect(const struct site *s, struct request *rq, struct response *rs, const char *path,
                   size_t len);

#endif

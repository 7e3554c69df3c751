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

void page_post(const struct site *s, const struct post *p, struct request *rq, struct response *rs);
void page_index(const struct site *s, struct request *rq, struct response *rs);
void page_error(const struct site *s, struct request *rq, struct response *rs, int status);
/* Answer with a rendered page and its validators: 304 when the request's
 * conditions say the client has it, else 200 with the bytes. */
void page_send(const struct site *s, struct request *rq, struct response *rs, const char *data,
               size_t len, const char *etag, time_t modified);
/* The cache key of a page of snapshot s, named by name. */
uint64_t page_key(const struct site *s, const char *name);

/* 301 to path, a canonical path within the site ("/" or "/route"). */
void page_redirect(const struct site *s, struct request *rq, struct response *rs, const char *path,
                   size_t len);

#endif

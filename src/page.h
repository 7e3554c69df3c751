/* page.h — the page handlers, one file each: post, index, error and redirect. */
#ifndef QUIRE_PAGE_H
#define QUIRE_PAGE_H

#include <stddef.h>

struct post;
struct request;
struct response;
struct site;

void page_post(const struct site *s, const struct post *p, struct request *rq, struct response *rs);
void page_index(const struct site *s, struct request *rq, struct response *rs);
void page_error(const struct site *s, struct request *rq, struct response *rs, int status);
/* 301 to path, a canonical path within the site ("/" or "/route"). */
void page_redirect(const struct site *s, struct request *rq, struct response *rs, const char *path,
                   size_t len);

#endif

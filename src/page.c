/* page.c — what every page handler shares: sending a rendered page with its validators. */
#include "page.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "clock.h"
#include "conditional.h"
#include "config.h"
#include "date.h"
#include "hash.h"
#include "request.h"
#include "response.h"
#include "site.h"

void page_term_title(const struct site_term *t, struct buf *out)
{
	const struct config_taxonomy *x = t->taxonomy->config;

	if (strcmp(x->name, "tags") == 0)
		buf_printf(out, "Posts tagged %s", t->name);
	else
		buf_printf(out, "Posts in %s %s", x->singular, t->name);
}

uint64_t page_key(const struct site *s, const char *name)
{
	return hash_bytes(name, strlen(name),
	                  hash_bytes(&s->id, sizeof(s->id), 0x9e3779b97f4a7c15ULL));
}

/* The configured Cache-Control with each max-age and s-maxage cut to left
 * seconds (when left >= 0): a page must not be kept past the next scheduled
 * change, when a post appears or expires. */
static void page_cache_control(const char *cc, long left, struct buf *out)
{
	static const char *const keys[] = {"max-age=", "s-maxage="};

	while (*cc) {
		size_t klen = 0;
		for (size_t k = 0; k < 2 && left >= 0; k++)
			if (strncmp(cc, keys[k], strlen(keys[k])) == 0)
				klen = strlen(keys[k]);
		if (klen == 0) {
			buf_addc(out, *cc++);
			continue;
		}
		buf_add(out, cc, klen);
		cc += klen;
		long v = strtol(cc, NULL, 10);
		cc += strspn(cc, "0123456789");
		buf_printf(out, "%ld", v < left ? v : left);
	}
}

void page_send(const struct site *s, struct request *rq, struct response *rs,
               struct cache_entry *page)
{
	const char *cc = s->config->cache_control;
	char date[40];
	time_t now = clock_now(), modified = page->modified;

	/* A file stamped in the future would make If-Modified-Since useless. */
	if (modified > now)
		modified = now;
	date_imf(modified, date, sizeof(date));
	response_header(rs, "ETag", page->etag, strlen(page->etag));
	response_header(rs, "Last-Modified", date, strlen(date));
	if (*cc) {
		struct buf *h = &rs->value;
		buf_reset(h);
		page_cache_control(cc, s->next_change ? s->next_change - now : -1, h);
		response_header(rs, "Cache-Control", h->data, h->len);
	}
	buf_reset(&rs->body);
	switch (conditional_status(&rq->cond, page->etag, modified, now)) {
	case 304:
		rs->status = 304;
		cache_release(page);
		return;
	case 412:
		cache_release(page);
		page_error(s, rq, rs, 412);
		return;
	}
	rs->status = 200;
	response_page(rs, page);
}

/* page.c — what every page handler shares: sending a rendered page with its validators. */
#include "page.h"

#include <string.h>

#include "cache.h"
#include "conditional.h"
#include "config.h"
#include "request.h"
#include "response.h"
#include "site.h"

uint64_t page_key(const struct site *s, const char *name)
{
	return cache_hash(name, strlen(name),
	                  cache_hash(&s->id, sizeof(s->id), 0x9e3779b97f4a7c15ULL));
}

void page_send(const struct site *s, struct request *rq, struct response *rs, const char *data,
               size_t len, const char *etag, time_t modified)
{
	const char *cc = s->config->cache_control;
	char date[40];
	time_t now = time(NULL);

	/* A file stamped in the future would make If-Modified-Since useless. */
	if (modified > now)
		modified = now;
	conditional_format_date(modified, date, sizeof(date));
	response_header(rs, "ETag", etag, strlen(etag));
	response_header(rs, "Last-Modified", date, strlen(date));
	if (*cc)
		response_header(rs, "Cache-Control", cc, strlen(cc));
	buf_reset(&rs->body);
	if (conditional_not_modified(rq->if_none_match, rq->if_modified_since, etag, modified,
	                             now)) {
		rs->status = 304;
		return;
	}
	rs->status = 200;
	buf_add(&rs->body, data, len);
}

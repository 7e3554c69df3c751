/* page_file.c — a file of the static folder or of a page bundle, sent as it is now:
 * its media type, validators (ETag, Last-Modified, 304), HEAD and one range of bytes
 * (206, 416); the bytes are streamed from the open file, never read whole. */
#include "page.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "conditional.h"
#include "config.h"
#include "date.h"
#include "files.h"
#include "log.h"
#include "mime.h"
#include "range.h"
#include "request.h"
#include "response.h"
#include "site.h"

/* Does If-Range (absent: yes) name the file as it is: its strong ETag, or exactly its
 * Last-Modified date (RFC 9110 13.1.5)? When not, the whole file is sent. */
static int page_file_if_range(const char *if_range, const char *etag, const char *date)
{
	if (if_range == NULL)
		return 1;
	if (if_range[0] == '"')
		return strcmp(if_range, etag) == 0;
	return strcmp(if_range, date) == 0;
}

void page_file(const struct site *s, struct request *rq, struct response *rs,
               const struct page_target *t)
{
	const struct files_entry *e = t->file;
	const char *cc = s->config->cache_control;
	char etag[80], date[40], span[96];
	time_t now = clock_now(), modified;
	off_t off = 0, len;
	struct stat st;
	int fd = files_open(s->config, e, &st);

	if (fd < 0) {
		/* Gone since the scan, or no longer a plain file: as if never there. */
		if (errno != ENOENT)
			log_msg(LOG_INFO, "%s: cannot open: %s", e->rel, strerror(errno));
		page_error(s, rq, rs, 404);
		return;
	}
	/* The validators of the file as it is now, not as the scan saw it. */
	snprintf(etag, sizeof(etag), "\"%llx-%llx-%llx\"", (unsigned long long)st.st_ino,
	         (unsigned long long)st.st_size,
	         (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
	             (unsigned long long)st.st_mtim.tv_nsec);
	modified = st.st_mtime > now ? now : st.st_mtime;
	date_imf(modified, date, sizeof(date));
	response_header(rs, "ETag", etag, strlen(etag));
	response_header(rs, "Last-Modified", date, strlen(date));
	response_header(rs, "Accept-Ranges", "bytes", 5);
	if (*cc)
		response_header(rs, "Cache-Control", cc, strlen(cc));
	rs->content_type = mime_type(e->rel, strlen(e->rel));
	switch (conditional_status(&rq->cond, etag, modified, now)) {
	case 304:
		rs->status = 304;
		close(fd);
		return;
	case 412:
		close(fd);
		page_error(s, rq, rs, 412);
		return;
	}
	len = st.st_size;
	rs->status = 200;
	if (rq->range != NULL && page_file_if_range(rq->if_range, etag, date)) {
		switch (range_parse(rq->range, st.st_size, &off, &len)) {
		case RANGE_OK:
			rs->status = 206;
			snprintf(span, sizeof(span), "bytes %lld-%lld/%lld", (long long)off,
			         (long long)(off + len - 1), (long long)st.st_size);
			response_header(rs, "Content-Range", span, strlen(span));
			break;
		case RANGE_UNSATISFIABLE:
			close(fd);
			rs->status = 416;
			snprintf(span, sizeof(span), "bytes */%lld", (long long)st.st_size);
			response_header(rs, "Content-Range", span, strlen(span));
			buf_reset(&rs->body);
			return;
		case RANGE_NONE:
			off = 0;
			len = st.st_size;
			break;
		}
	}
	response_file(rs, fd, off, len);
}

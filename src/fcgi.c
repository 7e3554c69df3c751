/* fcgi.c — FastCGI 1.0 records, read and written by quire itself (responder role).
 *
 * The parser takes bytes as they come, split anywhere, and holds at most one
 * request's parameters (capped) and FCGI_VALUES_BYTES of a record's body: every
 * other record's content is thrown away as it is read, so memory per connection is
 * constant whatever the peer sends. */
#include "fcgi.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "mem.h"

/* STDOUT records sent per system call. */
#define FCGI_BATCH 16
/* How long, and how many bytes, a closing connection is read for what its peer still
 * sends (fcgi_close()). */
#define FCGI_LINGER_MS    1000
#define FCGI_LINGER_BYTES (1L << 20)
/* How long a connection just accepted, with nothing on it yet, is waited for when the
 * worker stops. */
#define FCGI_FRESH_MS 200

static void fcgi_header(unsigned char *h, int type, unsigned id, size_t clen, size_t plen)
{
	h[0] = FCGI_VERSION_1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)(id >> 8);
	h[3] = (unsigned char)id;
	h[4] = (unsigned char)(clen >> 8);
	h[5] = (unsigned char)clen;
	h[6] = (unsigned char)plen;
	h[7] = 0;
}

static void fcgi_record(struct buf *out, int type, unsigned id, const void *content, size_t len)
{
	unsigned char h[8];

	fcgi_header(h, type, id, len, 0);
	buf_add(out, h, sizeof(h));
	buf_add(out, content, len);
}

void fcgi_end_record(struct buf *out, unsigned id, int protocol_status)
{
	unsigned char body[8] = {0, 0, 0, 0, (unsigned char)protocol_status, 0, 0, 0};

	fcgi_record(out, FCGI_END_REQUEST, id, body, sizeof(body));
}

void fcgi_init(struct fcgi_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->pairs = xcalloc(FCGI_PARAMS_MAX, sizeof(*p->pairs));
}

void fcgi_free(struct fcgi_parser *p)
{
	buf_free(&p->stream);
	buf_free(&p->env);
	buf_free(&p->reply);
	free(p->pairs);
	p->pairs = NULL;
}

/* One length of a name-value pair at *at in s[0..n): one byte below 128, else four
 * with the top bit set. -1 when it does not fit. */
static int fcgi_length(const unsigned char *s, size_t n, size_t *at, uint32_t *len)
{
	if (*at >= n)
		return -1;
	if (s[*at] < 0x80) {
		*len = s[(*at)++];
		return 0;
	}
	if (n - *at < 4)
		return -1;
	*len = ((uint32_t)(s[*at] & 0x7f) << 24) | ((uint32_t)s[*at + 1] << 16) |
	       ((uint32_t)s[*at + 2] << 8) | s[*at + 3];
	*at += 4;
	return 0;
}

/* The next pair in s[0..n) from *at: -1 when a length or a name or value goes past
 * the end. */
static int fcgi_pair(const unsigned char *s, size_t n, size_t *at, uint32_t *nl, uint32_t *vl)
{
	if (fcgi_length(s, n, at, nl) < 0 || fcgi_length(s, n, at, vl) < 0 || *nl > n - *at ||
	    *vl > n - *at - *nl)
		return -1;
	return 0;
}

/* The PARAMS stream into pairs: -1 for a malformed one. Past FCGI_PARAMS_MAX pairs
 * the request is marked too big. */
static int fcgi_pairs(struct fcgi_parser *p)
{
	const unsigned char *s = (const unsigned char *)p->stream.data;
	size_t n = p->stream.len, at = 0;
	uint32_t nl, vl;

	buf_reset(&p->env);
	p->npairs = 0;
	while (at < n) {
		if (fcgi_pair(s, n, &at, &nl, &vl) < 0)
			return -1;
		if (p->npairs == FCGI_PARAMS_MAX) {
			p->too_big = 1;
			return 0;
		}
		struct fcgi_pair *pr = &p->pairs[p->npairs++];
		pr->name = (uint32_t)p->env.len;
		pr->name_len = nl;
		buf_add(&p->env, s + at, nl);
		buf_addc(&p->env, '\0');
		pr->value = (uint32_t)p->env.len;
		buf_add(&p->env, s + at + nl, vl);
		buf_addc(&p->env, '\0');
		at += (size_t)nl + vl;
	}
	return 0;
}

static void fcgi_value_add(struct buf *b, const char *name, long value)
{
	char v[24];
	size_t nl = strlen(name);
	int vl = snprintf(v, sizeof(v), "%ld", value);

	buf_addc(b, (char)nl);
	buf_addc(b, (char)vl);
	buf_add(b, name, nl);
	buf_add(b, v, (size_t)vl);
}

/* FCGI_GET_VALUES: each variable quire knows, asked for in the (possibly cut) body,
 * answered once; the others left out, as the specification says. */
static void fcgi_get_values(struct fcgi_parser *p)
{
	static const struct {
		const char *name;
		long value;
	} known[] = {{"FCGI_MAX_CONNS", FCGI_ANNOUNCE_CONNS},
	             {"FCGI_MAX_REQS", FCGI_ANNOUNCE_REQS},
	             {"FCGI_MPXS_CONNS", 0}};
	int asked[3] = {0, 0, 0};
	struct buf ans = {0};
	size_t at = 0;
	uint32_t nl, vl;

	while (at < p->body_len && fcgi_pair(p->body, p->body_len, &at, &nl, &vl) == 0) {
		for (int i = 0; i < 3; i++)
			if (strlen(known[i].name) == nl &&
			    memcmp(p->body + at, known[i].name, nl) == 0)
				asked[i] = 1;
		at += (size_t)nl + vl;
	}
	for (int i = 0; i < 3; i++)
		if (asked[i])
			fcgi_value_add(&ans, known[i].name, known[i].value);
	fcgi_record(&p->reply, FCGI_GET_VALUES_RESULT, 0, ans.data, ans.len);
	buf_free(&ans);
}

/* A record's header is complete. */
static enum fcgi_event fcgi_record_begin(struct fcgi_parser *p)
{
	const unsigned char *h = p->head;

	if (h[0] != FCGI_VERSION_1) {
		p->why = "a record of another FastCGI version";
		return FCGI_ERROR;
	}
	p->type = h[1];
	p->id = (unsigned)h[2] << 8 | h[3];
	p->content_left = (size_t)h[4] << 8 | h[5];
	p->padding_left = h[6];
	p->body_len = 0;
	if (p->id == 0) {
		if (p->type != FCGI_GET_VALUES) {
			unsigned char body[8] = {(unsigned char)p->type, 0, 0, 0, 0, 0, 0, 0};
			fcgi_record(&p->reply, FCGI_UNKNOWN_TYPE, 0, body, sizeof(body));
		}
		return FCGI_MORE;
	}
	if (p->type == FCGI_BEGIN_REQUEST) {
		if (p->content_left != 8) {
			p->why = "a BEGIN_REQUEST record whose body is not 8 bytes";
			return FCGI_ERROR;
		}
		return FCGI_MORE;
	}
	if (p->id != p->id_open) {
		/* A body left after its answer, a request refused: read and dropped. */
		p->discarded += p->content_left + p->padding_left;
		if (p->discarded > FCGI_DISCARD_MAX) {
			p->why = "too many bytes for no open request";
			return FCGI_ERROR;
		}
	}
	return FCGI_MORE;
}

/* Content bytes of the current record. */
static void fcgi_content(struct fcgi_parser *p, const unsigned char *d, size_t n)
{
	if (p->type == FCGI_BEGIN_REQUEST || (p->id == 0 && p->type == FCGI_GET_VALUES)) {
		size_t room = sizeof(p->body) - p->body_len;
		size_t take = n < room ? n : room;
		memcpy(p->body + p->body_len, d, take);
		p->body_len += take;
		return;
	}
	if (p->type != FCGI_PARAMS || p->id != p->id_open || p->id == 0 || p->too_big)
		return;
	if (p->stream.len + n > FCGI_PARAMS_BYTES) {
		p->too_big = 1;
		buf_reset(&p->stream);
		return;
	}
	buf_add(&p->stream, d, n);
}

static enum fcgi_event fcgi_begin_request(struct fcgi_parser *p)
{
	unsigned role = (unsigned)p->body[0] << 8 | p->body[1];
	int keep = p->body[2] & FCGI_KEEP_CONN;

	if (p->id_open != 0) {
		if (p->id == p->id_open) {
			p->why = "a second BEGIN_REQUEST for the open request";
			return FCGI_ERROR;
		}
		fcgi_end_record(&p->reply, p->id, FCGI_CANT_MPX_CONN);
		return FCGI_MORE;
	}
	p->keep_conn = keep;
	p->discarded = 0;
	if (role != FCGI_RESPONDER) {
		/* Its PARAMS and STDIN records, if the connection goes on, are dropped. */
		fcgi_end_record(&p->reply, p->id, FCGI_UNKNOWN_ROLE);
		return keep ? FCGI_MORE : FCGI_CLOSE;
	}
	p->id_open = p->id;
	p->too_big = 0;
	p->npairs = 0;
	buf_reset(&p->stream);
	buf_reset(&p->env);
	return FCGI_MORE;
}

/* A record's content and padding have all been read. */
static enum fcgi_event fcgi_record_end(struct fcgi_parser *p, size_t clen)
{
	if (p->id == 0)
		return p->type == FCGI_GET_VALUES ? (fcgi_get_values(p), FCGI_MORE) : FCGI_MORE;
	if (p->type == FCGI_BEGIN_REQUEST)
		return fcgi_begin_request(p);
	if (p->id != p->id_open)
		return FCGI_MORE;
	if (p->type == FCGI_ABORT_REQUEST) {
		fcgi_end_record(&p->reply, p->id, FCGI_REQUEST_COMPLETE);
		p->id_open = 0;
		return p->keep_conn ? FCGI_MORE : FCGI_CLOSE;
	}
	if (p->type != FCGI_PARAMS || clen != 0)
		return FCGI_MORE;
	/* The empty PARAMS record ends the stream: the request can be answered (its
	 * body, if any, is not read: records that follow the answer are dropped). */
	if (!p->too_big && fcgi_pairs(p) < 0) {
		p->why = "a parameter's length goes past the PARAMS stream";
		return FCGI_ERROR;
	}
	return FCGI_READY;
}

enum fcgi_event fcgi_feed(struct fcgi_parser *p, const void *data, size_t len, size_t *used)
{
	const unsigned char *d = data;
	enum fcgi_event ev = FCGI_MORE;
	size_t at = 0;

	while (at < len && ev == FCGI_MORE) {
		if (p->head_len < sizeof(p->head)) {
			size_t take = sizeof(p->head) - p->head_len;
			if (take > len - at)
				take = len - at;
			memcpy(p->head + p->head_len, d + at, take);
			p->head_len += take;
			at += take;
			if (p->head_len < sizeof(p->head))
				break;
			ev = fcgi_record_begin(p);
		} else if (p->content_left > 0) {
			size_t take = p->content_left < len - at ? p->content_left : len - at;
			fcgi_content(p, d + at, take);
			p->content_left -= take;
			at += take;
		} else {
			size_t take = p->padding_left < len - at ? p->padding_left : len - at;
			p->padding_left -= take;
			at += take;
		}
		if (ev == FCGI_MORE && p->head_len == sizeof(p->head) && p->content_left == 0 &&
		    p->padding_left == 0) {
			p->head_len = 0;
			ev = fcgi_record_end(p, (size_t)p->head[4] << 8 | p->head[5]);
		}
	}
	*used = at;
	return ev;
}

const char *fcgi_param(const struct fcgi_parser *p, const char *name)
{
	size_t n = strlen(name);

	if (p->id_open == 0 || p->too_big)
		return NULL;
	for (size_t i = 0; i < p->npairs; i++) {
		const struct fcgi_pair *pr = &p->pairs[i];
		if (pr->name_len == n && memcmp(p->env.data + pr->name, name, n) == 0)
			return p->env.data + pr->value;
	}
	return NULL;
}

void fcgi_done(struct fcgi_parser *p, size_t keep)
{
	p->id_open = 0;
	p->too_big = 0;
	p->npairs = 0;
	buf_trim(&p->stream, keep);
	buf_trim(&p->env, keep);
}

/* --- the socket --- */

void fcgi_open(struct fcgi_conn *c, int fd, int stop_fd, int timeout_s)
{
	c->fd = fd;
	c->stop_fd = stop_fd;
	c->timeout_ms = timeout_s * 1000;
	c->deadline = clock_ms() + c->timeout_ms;
	c->begun = 0;
	c->fresh = 1;
	c->in_at = c->in_len = 0;
	c->p.head_len = 0;
	c->p.keep_conn = 0;
	c->p.discarded = 0;
	buf_reset(&c->p.reply);
	fcgi_done(&c->p, FCGI_IN_SIZE);
}

/* Wait until fd is ready for events, the deadline passes (-1), or, when stoppable,
 * the stop event is readable and fd is not ready (-1). */
static int fcgi_wait(struct fcgi_conn *c, short events, long deadline, int stoppable)
{
	for (;;) {
		struct pollfd pf[2] = {{.fd = c->fd, .events = events},
		                       {.fd = c->stop_fd, .events = POLLIN}};
		long left = deadline - clock_ms();
		if (left <= 0)
			return -1;
		int n = poll(pf, stoppable && c->stop_fd >= 0 ? 2 : 1, (int)left);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n <= 0)
			continue;
		if (pf[0].revents != 0)
			return 0;
		if (pf[1].revents != 0)
			return -1;
	}
}

/* Send every byte iov holds (iov is used up), waiting for room until the deadline. */
static int fcgi_write(struct fcgi_conn *c, struct iovec *iov, int n, long deadline)
{
	while (n > 0) {
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = (size_t)n};
		ssize_t sent = sendmsg(c->fd, &m, MSG_NOSIGNAL);
		if (sent < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (fcgi_wait(c, POLLOUT, deadline, 0) < 0)
				return -1;
			continue;
		}
		while (n > 0 && (size_t)sent >= iov->iov_len) {
			sent -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + sent;
			iov->iov_len -= (size_t)sent;
		}
	}
	return 0;
}

static int fcgi_flush(struct fcgi_conn *c)
{
	struct iovec iov = {.iov_base = c->p.reply.data, .iov_len = c->p.reply.len};
	int rc = c->p.reply.len ? fcgi_write(c, &iov, 1, c->deadline) : 0;

	buf_trim(&c->p.reply, FCGI_IN_SIZE * 4);
	return rc;
}

int fcgi_next(struct fcgi_conn *c)
{
	for (;;) {
		while (c->in_at < c->in_len) {
			size_t used;
			enum fcgi_event ev =
			    fcgi_feed(&c->p, c->in + c->in_at, c->in_len - c->in_at, &used);
			c->in_at += used;
			if (ev == FCGI_ERROR) {
				log_msg(LOG_INFO, "closing a FastCGI connection: %s", c->p.why);
				return -1;
			}
			if (fcgi_flush(c) < 0 || ev == FCGI_CLOSE)
				return -1;
			if (ev == FCGI_READY)
				return 0;
		}
		c->in_at = c->in_len = 0;
		/* Waiting between requests gives way to the stop; a request begun does not,
		 * nor, for a moment, one just accepted: its first bytes may be on the way. */
		if (fcgi_wait(c, POLLIN, c->deadline, !c->begun) < 0 &&
		    (!c->fresh || c->begun || clock_ms() >= c->deadline ||
		     fcgi_wait(c, POLLIN, clock_ms() + FCGI_FRESH_MS, 0) < 0)) {
			if (c->begun && clock_ms() >= c->deadline)
				log_msg(LOG_INFO,
				        "closing a FastCGI connection: its request was not "
				        "complete within limits.read_timeout");
			return -1;
		}
		ssize_t n = recv(c->fd, c->in, sizeof(c->in), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n <= 0)
			return -1;
		c->in_len = (size_t)n;
		c->fresh = 0;
		if (!c->begun) {
			/* One deadline for the whole request, from its first byte. */
			c->begun = 1;
			c->deadline = clock_ms() + c->timeout_ms;
		}
		if (c->tick != NULL)
			c->tick(c->tick_ctx);
	}
}

/* Send a then b as STDOUT records of the open request; with end, then the empty STDOUT
 * record and END_REQUEST. */
static int fcgi_stdout(struct fcgi_conn *c, const char *a, size_t alen, const char *b, size_t blen,
                       int end, long deadline)
{
	struct {
		const char *p;
		size_t n;
	} seg[2] = {{a, alen}, {b, blen}};
	unsigned char hdr[FCGI_BATCH][8], tail[24];
	struct iovec iov[FCGI_BATCH * 3 + 1];
	unsigned id = c->p.id_open;
	size_t off = 0;
	int si = 0;

	for (int last = 0; !last;) {
		int n = 0, r = 0;
		while (r < FCGI_BATCH && si < 2) {
			int at = n++;
			size_t clen = 0;
			/* A record's content may hold the end of the head and the start of the
			 * body. */
			while (clen < FCGI_CONTENT_MAX && si < 2) {
				size_t take = seg[si].n - off;
				if (take > FCGI_CONTENT_MAX - clen)
					take = FCGI_CONTENT_MAX - clen;
				if (take > 0) {
					iov[n].iov_base = (void *)(seg[si].p + off);
					iov[n++].iov_len = take;
					clen += take;
					off += take;
				}
				if (off == seg[si].n) {
					si++;
					off = 0;
				}
			}
			if (clen == 0) {
				n--;
				break;
			}
			fcgi_header(hdr[r], FCGI_STDOUT, id, clen, 0);
			iov[at].iov_base = hdr[r++];
			iov[at].iov_len = 8;
		}
		if (si == 2) {
			if (end) {
				fcgi_header(tail, FCGI_STDOUT, id, 0, 0);
				fcgi_header(tail + 8, FCGI_END_REQUEST, id, 8, 0);
				memset(tail + 16, 0, 8);
				tail[16 + 4] = FCGI_REQUEST_COMPLETE;
				iov[n].iov_base = tail;
				iov[n++].iov_len = sizeof(tail);
			}
			last = 1;
		}
		if (fcgi_write(c, iov, n, deadline) < 0)
			return -1;
	}
	return 0;
}

/* The request is answered, or given up: the next one gets its own deadline. */
static void fcgi_answered(struct fcgi_conn *c)
{
	fcgi_done(&c->p, FCGI_IN_SIZE * 4);
	c->begun = 0;
	c->deadline = clock_ms() + c->timeout_ms;
}

int fcgi_answer(struct fcgi_conn *c, const char *head, size_t hlen, const char *body, size_t blen)
{
	int rc = fcgi_stdout(c, head, hlen, body, blen, 1, clock_ms() + c->timeout_ms);

	fcgi_answered(c);
	return rc;
}

int fcgi_answer_stream(struct fcgi_conn *c, const char *head, size_t hlen,
                       ssize_t (*next)(void *ctx, char *chunk), void *ctx, size_t chunk_size)
{
	char *chunk = xmalloc(chunk_size);
	int rc = fcgi_stdout(c, head, hlen, NULL, 0, 0, clock_ms() + c->timeout_ms);
	ssize_t n;

	/* Each chunk may take the peer limits.read_timeout: a slow reader of a large
	 * file is not cut off for its size. */
	while (rc == 0 && (n = next(ctx, chunk)) != 0)
		rc = n < 0
		         ? -1
		         : fcgi_stdout(c, chunk, (size_t)n, NULL, 0, 0, clock_ms() + c->timeout_ms);
	if (rc == 0)
		rc = fcgi_stdout(c, NULL, 0, NULL, 0, 1, clock_ms() + c->timeout_ms);
	free(chunk);
	fcgi_answered(c);
	return rc;
}

int fcgi_kept(const struct fcgi_conn *c)
{
	return c->p.keep_conn;
}

/* A lingering close: the peer may still be sending the rest of its request when it
 * has its answer (Apache writes the empty STDIN record after the parameters, and
 * answers 503 when that write fails on a closed socket). So this side is ended first,
 * what the peer sends is read and dropped until it closes its own, for a moment at
 * most, and only then the socket is closed. */
void fcgi_close(struct fcgi_conn *c)
{
	if (c->fd < 0)
		return;
	if (shutdown(c->fd, SHUT_WR) == 0) {
		long until = clock_ms() + FCGI_LINGER_MS, taken = 0;
		char sink[4096];
		while (taken < FCGI_LINGER_BYTES && fcgi_wait(c, POLLIN, until, 0) == 0) {
			ssize_t n = recv(c->fd, sink, sizeof(sink), 0);
			if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
				continue;
			if (n <= 0)
				break;
			taken += n;
		}
	}
	close(c->fd);
	c->fd = -1;
}

/* fcgi_test.c — the FastCGI record parser on bytes in memory: record headers and
 * padding, 1- and 4-byte lengths, pairs cut short, the caps, management records
 * (FCGI_GET_VALUES's answer byte for byte, FCGI_UNKNOWN_TYPE), roles, multiplexing,
 * ABORT_REQUEST, and the same input fed whole and a byte at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "fcgi.h"

#define S "fcgi"

static void rec(struct buf *b, int type, unsigned id, const void *content, size_t len, size_t pad)
{
	unsigned char h[8] = {1,
	                      (unsigned char)type,
	                      (unsigned char)(id >> 8),
	                      (unsigned char)id,
	                      (unsigned char)(len >> 8),
	                      (unsigned char)len,
	                      (unsigned char)pad,
	                      0};
	buf_add(b, h, 8);
	buf_add(b, content, len);
	for (size_t i = 0; i < pad; i++)
		buf_addc(b, 'P');
}

static void begin(struct buf *b, unsigned id, int role, int flags)
{
	unsigned char body[8] = {(unsigned char)(role >> 8), (unsigned char)role,
	                         (unsigned char)flags};
	rec(b, 1, id, body, 8, 0);
}

static void len_add(struct buf *b, size_t n, int four)
{
	if (!four && n < 128) {
		buf_addc(b, (char)n);
		return;
	}
	buf_addc(b, (char)(0x80 | (n >> 24)));
	buf_addc(b, (char)(n >> 16));
	buf_addc(b, (char)(n >> 8));
	buf_addc(b, (char)n);
}

static void pair(struct buf *b, const char *name, const char *value, int four)
{
	len_add(b, strlen(name), four);
	len_add(b, strlen(value), four);
	buf_adds(b, name);
	buf_adds(b, value);
}

/* Feed all of in, whole (step 0) or step bytes at a time; the events seen in order
 * as letters (R ready, C close, E error), stopping at R, C or E. */
static void run(struct fcgi_parser *p, const struct buf *in, size_t step, char *events, size_t *at)
{
	size_t n = 0;

	*at = 0;
	while (*at < in->len) {
		size_t len = step && in->len - *at > step ? step : in->len - *at, used;
		enum fcgi_event ev = fcgi_feed(p, in->data + *at, len, &used);
		*at += used;
		if (ev == FCGI_READY || ev == FCGI_CLOSE || ev == FCGI_ERROR) {
			events[n++] = ev == FCGI_READY ? 'R' : ev == FCGI_CLOSE ? 'C' : 'E';
			break;
		}
	}
	events[n] = '\0';
}

enum { PLAIN, FOUR, CUT_NAME, CUT_LEN, MANY, BIG, PADDED, SPLIT_PAIR, BAD_VERSION, SHORT_BEGIN };

static const struct {
	const char *name;
	int kind;
	const char *events; /* what feeding it gives */
	const char *uri;    /* REQUEST_URI afterwards, NULL for none */
	int too_big;
} cases[] = {
    {"1-byte lengths", PLAIN, "R", "/a", 0},
    {"4-byte lengths", FOUR, "R", "/a", 0},
    {"a name past the stream", CUT_NAME, "E", NULL, 0},
    {"a 4-byte length cut short", CUT_LEN, "E", NULL, 0},
    {"FCGI_PARAMS_MAX + 1 pairs: too big", MANY, "R", NULL, 1},
    {"FCGI_PARAMS_BYTES + 1 bytes: too big", BIG, "R", NULL, 1},
    {"records padded 255 bytes", PADDED, "R", "/a", 0},
    {"a pair split across two PARAMS records", SPLIT_PAIR, "R", "/a", 0},
    {"another version", BAD_VERSION, "E", NULL, 0},
    {"a BEGIN_REQUEST body of 7 bytes", SHORT_BEGIN, "E", NULL, 0},
};

static void make(struct buf *in, int kind)
{
	struct buf st = {0};

	if (kind == BAD_VERSION) {
		begin(in, 1, 1, 0);
		in->data[0] = 2;
		return;
	}
	if (kind == SHORT_BEGIN) {
		rec(in, 1, 1, "\0\1\0\0\0\0\0", 7, 0);
		return;
	}
	begin(in, 1, 1, 0);
	pair(&st, "REQUEST_METHOD", "GET", kind == FOUR);
	if (kind == CUT_NAME) {
		buf_addc(&st, 20);
		buf_addc(&st, 1);
		buf_adds(&st, "SHORT");
	} else if (kind == CUT_LEN) {
		buf_add(&st, "\x80\x00", 2);
	} else {
		pair(&st, "REQUEST_URI", "/a", kind == FOUR);
	}
	if (kind == MANY)
		for (int i = 0; i < FCGI_PARAMS_MAX; i++)
			pair(&st, "X", "y", 0);
	if (kind == BIG) {
		char *v = malloc(FCGI_PARAMS_BYTES + 1);
		memset(v, 'v', FCGI_PARAMS_BYTES);
		v[FCGI_PARAMS_BYTES] = '\0';
		pair(&st, "HTTP_BIG", v, 1);
		free(v);
	}
	if (kind == SPLIT_PAIR) {
		rec(in, 4, 1, st.data, 5, 0);
		rec(in, 4, 1, st.data + 5, st.len - 5, 0);
	} else {
		for (size_t at = 0; at < st.len; at += 65535) {
			size_t n = st.len - at < 65535 ? st.len - at : 65535;
			rec(in, 4, 1, st.data + at, n, kind == PADDED ? 255 : 0);
		}
	}
	rec(in, 4, 1, NULL, 0, kind == PADDED ? 255 : 0);
	rec(in, 5, 1, NULL, 0, 0);
	buf_free(&st);
}

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t step = 0; step <= 1; step++) {
			struct fcgi_parser p;
			struct buf in = {0};
			char ev[8], name[160];
			size_t at;
			fcgi_init(&p);
			make(&in, cases[i].kind);
			/* A byte at a time is slow for the big ones: 7 bytes at a time. */
			run(&p, &in, step ? 7 : 0, ev, &at);
			const char *uri = fcgi_param(&p, "REQUEST_URI");
			snprintf(name, sizeof(name), "%s (%s)", cases[i].name,
			         step ? "7 bytes at a time" : "whole");
			check(S, name,
			      strcmp(ev, cases[i].events) == 0 && p.too_big == cases[i].too_big &&
			          (cases[i].uri ? uri && strcmp(uri, cases[i].uri) == 0
			                        : uri == NULL) &&
			          (cases[i].kind == BAD_VERSION || cases[i].events[0] != 'R' ||
			           (fcgi_param(&p, "REQUEST_METHOD") != NULL) == !cases[i].too_big),
			      "events %s, too_big %d, uri %s", ev, p.too_big, uri ? uri : "(none)");
			buf_free(&in);
			fcgi_free(&p);
		}
	}
}

/* Every byte of the answer to FCGI_GET_VALUES asking for all three and one unknown. */
static void test_get_values(void)
{
	struct fcgi_parser p;
	struct buf in = {0}, names = {0}, want = {0};
	size_t used;

	fcgi_init(&p);
	pair(&names, "FCGI_MPXS_CONNS", "", 0);
	pair(&names, "FCGI_MAX_CONNS", "", 0);
	pair(&names, "OTHER", "", 0);
	pair(&names, "FCGI_MAX_REQS", "", 0);
	pair(&names, "FCGI_MAX_REQS", "", 0);
	rec(&in, 9, 0, names.data, names.len, 3);
	enum fcgi_event ev = fcgi_feed(&p, in.data, in.len, &used);
	buf_reset(&names);
	pair(&names, "FCGI_MAX_CONNS", "1000", 0);
	pair(&names, "FCGI_MAX_REQS", "1000", 0);
	pair(&names, "FCGI_MPXS_CONNS", "0", 0);
	rec(&want, 10, 0, names.data, names.len, 0);
	check(S, "FCGI_GET_VALUES: the answer, byte for byte",
	      ev == FCGI_MORE && used == in.len && p.reply.len == want.len &&
	          memcmp(p.reply.data, want.data, want.len) == 0,
	      "%zu bytes, want %zu", p.reply.len, want.len);
	buf_free(&in);
	buf_free(&names);
	buf_free(&want);
	fcgi_free(&p);
}

/* Unknown management records with bodies, many, fed a byte at a time: each answered
 * with 16 bytes, then a request on the same stream parsed. */
static void test_unknown_type(void)
{
	struct fcgi_parser p;
	struct buf in = {0}, st = {0};
	size_t at = 0, replies = 0;
	enum fcgi_event ev = FCGI_MORE;

	fcgi_init(&p);
	for (int i = 0; i < 1000; i++)
		rec(&in, 20 + i % 200, 0, "12345", 5, (size_t)i % 4);
	begin(&in, 7, 1, 1);
	pair(&st, "REQUEST_URI", "/u", 0);
	rec(&in, 4, 7, st.data, st.len, 0);
	rec(&in, 4, 7, NULL, 0, 0);
	while (at < in.len && ev == FCGI_MORE) {
		size_t used;
		ev = fcgi_feed(&p, in.data + at, 1, &used);
		at += used;
		if (p.reply.len) {
			replies += p.reply.len == 16 && p.reply.data[1] == 11 &&
			           (unsigned char)p.reply.data[8] == 20 + (replies % 200);
			buf_reset(&p.reply);
		}
	}
	const char *uri = fcgi_param(&p, "REQUEST_URI");
	check(S, "1000 unknown management records with bodies: each UNKNOWN_TYPE, then a request",
	      replies == 1000 && ev == FCGI_READY && uri && strcmp(uri, "/u") == 0 && p.keep_conn,
	      "%zu replies, event %d", replies, ev);
	/* The request answered: the next one on the stream is parsed as well. */
	fcgi_done(&p, 4096);
	buf_reset(&in);
	begin(&in, 8, 1, 0);
	rec(&in, 4, 8, st.data, st.len, 0);
	rec(&in, 4, 8, NULL, 0, 0);
	size_t used;
	ev = fcgi_feed(&p, in.data, in.len, &used);
	check(S, "after fcgi_done, the next request",
	      ev == FCGI_READY && !p.keep_conn && fcgi_param(&p, "REQUEST_URI") != NULL, "event %d",
	      ev);
	buf_free(&in);
	buf_free(&st);
	fcgi_free(&p);
}

/* Roles, multiplexing, ABORT_REQUEST and records for no open request. */
static void test_requests(void)
{
	static const struct {
		const char *name;
		int role, flags, second, abort;
		const char *events;
		int reply_status; /* END_REQUEST's protocol status in the reply, -1 none */
	} rows[] = {
	    {"AUTHORIZER, not kept: UNKNOWN_ROLE, close", 2, 0, 0, 0, "C", 3},
	    {"FILTER, kept: UNKNOWN_ROLE, the stream goes on", 3, 1, 0, 0, "", 3},
	    {"a second BEGIN_REQUEST with another id: CANT_MPX_CONN", 1, 0, 2, 0, "R", 1},
	    {"a second BEGIN_REQUEST with the same id: error", 1, 0, 1, 0, "E", -1},
	    {"ABORT_REQUEST, not kept: REQUEST_COMPLETE, close", 1, 0, 0, 1, "C", 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fcgi_parser p;
		struct buf in = {0}, st = {0};
		char ev[8];
		size_t at;
		fcgi_init(&p);
		begin(&in, 1, rows[i].role, rows[i].flags);
		if (rows[i].second)
			begin(&in, (unsigned)rows[i].second, 1, 0);
		if (rows[i].abort)
			rec(&in, 2, 1, NULL, 0, 0);
		pair(&st, "REQUEST_URI", "/r", 0);
		rec(&in, 4, 1, st.data, st.len, 0);
		rec(&in, 4, 1, NULL, 0, 0);
		run(&p, &in, 0, ev, &at);
		int status = p.reply.len >= 16 && p.reply.data[1] == 3 ? p.reply.data[12] : -1;
		check(S, rows[i].name,
		      strcmp(ev, rows[i].events) == 0 && status == rows[i].reply_status,
		      "events '%s', status %d", ev, status);
		buf_free(&in);
		buf_free(&st);
		fcgi_free(&p);
	}
}

/* END_REQUEST's bytes. */
static void test_end_record(void)
{
	struct buf out = {0};
	static const unsigned char want[16] = {1, 3, 0x01, 0x02, 0, 8, 0, 0,
	                                       0, 0, 0,    0,    3, 0, 0, 0};

	fcgi_end_record(&out, 0x102, 3);
	check(S, "END_REQUEST record bytes", out.len == 16 && memcmp(out.data, want, 16) == 0,
	      "%zu bytes", out.len);
	buf_free(&out);
}

int main(void)
{
	test_cases();
	test_get_values();
	test_unknown_type();
	test_requests();
	test_end_record();
	return check_exit();
}

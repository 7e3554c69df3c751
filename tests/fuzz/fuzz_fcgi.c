/* fuzz_fcgi.c — the FastCGI record parser on arbitrary bytes. The first byte picks how
 * many bytes each fcgi_feed call gets (1 to 256, or all at once for 0); the rest is the
 * stream from the web server. Each request the parser announces is looked up as
 * request.c would, then done with, and parsing goes on after it, as a kept connection
 * does. Checked: every call takes at most what it is given and makes progress, replies
 * stay within a bound per record, lookups return NUL-terminated strings inside the
 * parser's memory, and the caps hold. */
#include <stdint.h>
#include <string.h>

#include "fcgi.h"
#include "fuzz.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR);
	return 0;
}

static const char *const names[] = {"REQUEST_METHOD",
                                    "REQUEST_URI",
                                    "SCRIPT_NAME",
                                    "PATH_INFO",
                                    "QUERY_STRING",
                                    "HTTP_IF_NONE_MATCH",
                                    "",
                                    "X"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fcgi_parser p;
	static int ready;
	size_t at = 1, step;

	if (size == 0)
		return 0;
	if (!ready) {
		fcgi_init(&p);
		ready = 1;
	}
	/* A fresh connection each time, the parser's memory kept (as a worker keeps it). */
	p.head_len = 0;
	p.keep_conn = 0;
	p.discarded = 0;
	buf_reset(&p.reply);
	fcgi_done(&p, 4096);
	step = data[0] == 0 ? size : data[0];
	while (at < size) {
		size_t len = size - at < step ? size - at : step, used = 0;
		enum fcgi_event ev = fcgi_feed(&p, data + at, len, &used);
		FUZZ_CHECK(used <= len, "took %zu of %zu", used, len);
		FUZZ_CHECK(used > 0 || ev != FCGI_MORE, "no progress");
		/* At most a 16-byte answer for each 8-byte header fed, or one GET_VALUES answer. */
		FUZZ_CHECK(p.reply.len <= 2 * used + 256, "%zu reply bytes for %zu", p.reply.len,
		           used);
		FUZZ_CHECK(p.stream.len <= FCGI_PARAMS_BYTES, "stream %zu", p.stream.len);
		FUZZ_CHECK(p.npairs <= FCGI_PARAMS_MAX, "%zu pairs", p.npairs);
		buf_reset(&p.reply);
		at += used;
		if (ev == FCGI_ERROR || ev == FCGI_CLOSE)
			break;
		if (ev == FCGI_READY) {
			FUZZ_CHECK(p.id_open != 0, "a request ready with no id");
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
				const char *v = fcgi_param(&p, names[i]);
				if (v == NULL)
					continue;
				FUZZ_CHECK(v >= p.env.data && v < p.env.data + p.env.len,
				           "a value outside env");
				FUZZ_CHECK(memchr(v, '\0',
				                  (size_t)(p.env.data + p.env.len - v) + 1) != NULL,
				           "a value not NUL-terminated");
			}
			fcgi_done(&p, 4096);
		}
	}
	return 0;
}

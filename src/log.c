/* log.c — messages to standard error, one line each, with a level. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level log_level_max = LOG_INFO;
static void (*log_sink)(enum log_level, const char *, void *);
static void *log_sink_ctx;

void log_set_sink(void (*sink)(enum log_level level, const char *message, void *ctx), void *ctx)
{
	log_sink = sink;
	log_sink_ctx = ctx;
}

void log_set_level(enum log_level level)
{
	log_level_max = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = {"error", "warning", "info"};
	char line[2048];
	va_list ap;
	int n, head;

	if (level > log_level_max)
		return;
	head = snprintf(line, sizeof(line), "quire: %s: ", names[level]);
	va_start(ap, fmt);
	n = vsnprintf(line + head, sizeof(line) - (size_t)head - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += head;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	/* A message never spans lines: a newline inside it would forge a log entry. */
	for (int i = head; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	if (log_sink != NULL) {
		line[n] = '\0';
		log_sink(level, line + head, log_sink_ctx);
		return;
	}
	line[n++] = '\n';
	fwrite(line, 1, (size_t)n, stderr);
}

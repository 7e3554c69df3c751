/* log.h — messages to standard error, one line each, with a level. */
#ifndef QUIRE_LOG_H
#define QUIRE_LOG_H

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
};

/* One line on stderr: "quire: LEVEL: message". Safe from any thread. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Messages below this level are dropped (LOG_INFO shows everything). */
void log_set_level(enum log_level level);
/* Hand each message to sink (its level, and the message without "quire: LEVEL: ")
 * instead of writing it; NULL writes them again. For quire check, which reports what
 * loading the site says; not for use while threads log. */
void log_set_sink(void (*sink)(enum log_level level, const char *message, void *ctx), void *ctx);

#endif

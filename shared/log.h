/*
 * log: one line per event on stderr, in logfmt:
 *
 *   ts=2025-10-14T12:00:00.123Z level=info worker=dh-live msg="cycle done" rows=12
 *
 * The message is formatted with printf, then written quoted and escaped, so a
 * line can never be split by what it carries.  Each line goes out in one
 * write(2), so lines from several processes sharing a file do not interleave.
 */
#ifndef DH_LOG_H
#define DH_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Sets the program name and the lowest level written.  Cannot fail. */
void log_init(const char *program, enum log_level min);

/*
 * Parses "debug", "info", "warn" or "error", or Python logging's "warning",
 * "critical" (error), "fatal" (error) and "notset" (debug), in any case.
 * Returns 0, or -1 if unknown (*out untouched).
 */
int log_level_parse(const char *s, enum log_level *out);

/* Writes one event. */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/*
 * Formats one event into out (always NUL-terminated, truncated to outlen)
 * without writing it; ts is a Unix time in milliseconds.  For tests.
 */
void log_format(char *out, unsigned long outlen, long long ts_ms,
    enum log_level level, const char *msg);

#endif

/* log: logfmt lines on stderr (see log.h). */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *log_program = "dh";
static enum log_level log_min = LOG_INFO;

static const char *const log_names[] = { "debug", "info", "warn", "error" };

void
log_init(const char *program, enum log_level min)
{
	log_program = program;
	log_min = min;
}

/*
 * Ours, then the names of Python's logging module, which the original read
 * from the same LOG_LEVEL (INFO, WARNING, CRITICAL...): any case.
 */
static const struct {
	const char     *name;
	enum log_level  level;
} log_aliases[] = {
	{ "debug", LOG_DEBUG }, { "info", LOG_INFO }, { "warn", LOG_WARN }, { "error", LOG_ERROR },
	{ "warning", LOG_WARN }, { "critical", LOG_ERROR }, { "fatal", LOG_ERROR }, { "notset", LOG_DEBUG },
};

int
log_level_parse(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(log_aliases) / sizeof(log_aliases[0]); i++) {
		if (strcasecmp(s, log_aliases[i].name) == 0) {
			*out = log_aliases[i].level;
			return 0;
		}
	}
	return -1;
}

/*
 * Appends s to out at *pos, escaping quotes, backslashes and controls; stops
 * before end so that an escape is never cut in half.
 */
static void
log_escape(char *out, size_t end, size_t *pos, const char *s)
{
	for (; *s != '\0' && *pos + 2 <= end; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[(*pos)++] = '\\';
			out[(*pos)++] = (char)c;
		} else if (c == '\n') {
			out[(*pos)++] = '\\';
			out[(*pos)++] = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			out[(*pos)++] = ' ';
		} else {
			out[(*pos)++] = (char)c;
		}
	}
}

void
log_format(char *out, unsigned long outlen, long long ts_ms,
    enum log_level level, const char *msg)
{
	time_t secs = (time_t)(ts_ms / 1000);
	struct tm tm;
	size_t pos;
	int n;

	gmtime_r(&secs, &tm);
	n = snprintf(out, outlen,
	    "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ level=%s worker=%s msg=\"",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ts_ms % 1000), log_names[level],
	    log_program);
	/* Room must stay for the closing quote, the newline and the NUL. */
	if (n < 0 || (size_t)n + 3 > outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return;
	}
	pos = (size_t)n;
	log_escape(out, outlen - 3, &pos, msg);
	out[pos++] = '"';
	out[pos++] = '\n';
	out[pos] = '\0';
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[2048], line[4600];
	struct timeval tv;
	va_list ap;
	int saved = errno;

	if (level < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gettimeofday(&tv, NULL);
	log_format(line, sizeof(line),
	    (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000, level, msg);
	if (write(STDERR_FILENO, line, strlen(line)) < 0) {
		/* nowhere left to report it */
	}
	errno = saved;
}

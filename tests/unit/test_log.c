/* Unit tests for shared/log: line shape, escaping, truncation, levels. */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"

/* 2025-10-14T12:00:00.123Z in milliseconds. */
#define TS_MS 1760443200123LL
#define PREFIX "ts=2025-10-14T12:00:00.123Z level=info worker=dh-test msg="

static int
setup(void **state)
{
	(void)state;
	log_init("dh-test", LOG_INFO);
	return 0;
}

/* Formats msg at level info and checks the whole line. */
static void
check_line(const char *msg, const char *quoted)
{
	char out[512], expect[512];

	snprintf(expect, sizeof(expect), PREFIX "%s\n", quoted);
	log_format(out, sizeof(out), TS_MS, LOG_INFO, msg);
	assert_string_equal(out, expect);
}

static void
test_format_shape(void **state)
{
	(void)state;
	check_line("cycle done", "\"cycle done\"");
	check_line("", "\"\"");
}

static void
test_format_levels_and_time(void **state)
{
	char out[256];

	(void)state;
	log_format(out, sizeof(out), 0, LOG_ERROR, "x");
	assert_string_equal(out, "ts=1970-01-01T00:00:00.000Z level=error worker=dh-test msg=\"x\"\n");
	log_format(out, sizeof(out), 1000LL * 86400 * 365 + 7, LOG_WARN, "x");
	assert_contains(out, "ts=1971-01-01T00:00:00.007Z level=warn ");
	log_format(out, sizeof(out), TS_MS, LOG_DEBUG, "x");
	assert_contains(out, " level=debug ");
}

static void
test_escape_quotes_and_backslashes(void **state)
{
	(void)state;
	check_line("say \"hi\"", "\"say \\\"hi\\\"\"");
	check_line("C:\\dir\\", "\"C:\\\\dir\\\\\"");
	check_line("\\\"", "\"\\\\\\\"\"");
}

/* Newlines are written as \n, other controls as spaces: one line per event. */
static void
test_escape_newlines_and_controls(void **state)
{
	(void)state;
	check_line("one\ntwo", "\"one\\ntwo\"");
	check_line("a\r\nb", "\"a \\nb\"");
	check_line("tab\there\x01\x7f", "\"tab here  \"");
	check_line("\n\n", "\"\\n\\n\"");
}

/* UTF-8 text passes through untouched. */
static void
test_utf8_passes(void **state)
{
	(void)state;
	check_line("Sé \xf0\x9f\x90\x8e", "\"Sé \xf0\x9f\x90\x8e\"");
}

/*
 * For every buffer size the output stays inside the buffer, is one line,
 * and when anything is written it ends with the closing quote and newline.
 */
static void
test_truncation_stays_in_bounds(void **state)
{
	static const char *const msgs[] = {
		"short", "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	};

	(void)state;
	for (size_t m = 0; m < sizeof(msgs) / sizeof(msgs[0]); m++) {
		for (unsigned long outlen = 1; outlen < 200; outlen++) {
			char out[256];
			size_t len;

			memset(out, '#', sizeof(out));
			log_format(out, outlen, TS_MS, LOG_INFO, msgs[m]);
			for (size_t i = outlen; i < sizeof(out); i++)
				if (out[i] != '#')
					fail_msg("outlen %lu: byte %zu written", outlen, i);
			len = strlen(out);
			assert_true(len < outlen);
			if (len == 0)
				continue;
			assert_int_equal(strncmp(out, PREFIX "\"", len < sizeof(PREFIX) ? len : sizeof(PREFIX)), 0);
			assert_true(len >= sizeof(PREFIX) + 2);
			assert_string_equal(out + len - 2, "\"\n");
			assert_ptr_equal(strchr(out, '\n'), out + len - 1);
			/* An escape is never cut in half: the quote before the end is not escaped. */
			if (out[len - 3] == '\\') {
				size_t k = len - 3, n = 0;

				while (k > 0 && out[k] == '\\') {
					n++;
					k--;
				}
				assert_int_equal(n % 2, 0);
			}
		}
	}
}

static void
test_level_parse(void **state)
{
	static const struct {
		const char *s;
		enum log_level level;
	} good[] = {
		{ "debug", LOG_DEBUG }, { "info", LOG_INFO }, { "warn", LOG_WARN },
		{ "warning", LOG_WARN }, { "error", LOG_ERROR },
		/* the original's (Python logging), any case */
		{ "INFO", LOG_INFO }, { "Info", LOG_INFO }, { "DEBUG", LOG_DEBUG }, { "WARNING", LOG_WARN },
		{ "ERROR", LOG_ERROR }, { "CRITICAL", LOG_ERROR }, { "critical", LOG_ERROR }, { "FATAL", LOG_ERROR },
		{ "NOTSET", LOG_DEBUG },
	};
	static const char *const bad[] = { "", "verbose", "err", "info ", " info", "debugx", "INFOS", "crit" };
	enum log_level level;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		level = LOG_ERROR + 1;
		assert_int_equal(log_level_parse(good[i].s, &level), 0);
		assert_int_equal(level, good[i].level);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		level = LOG_DEBUG;
		if (log_level_parse(bad[i], &level) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(level, LOG_DEBUG);
	}
}

/*
 * Runs log_msg with stderr sent to a temporary file and returns what was
 * written (caller frees).
 */
static char *
capture_stderr(enum log_level level, const char *text)
{
	char path[] = "/tmp/dh-test-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	char *out = calloc(1, 8192);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0 && out != NULL);
	unlink(path);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	errno = EAGAIN;
	log_msg(level, "%s", text);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	n = pread(fd, out, 8191, 0);
	assert_true(n >= 0);
	close(fd);
	return out;
}

/* log_msg writes one whole line at or above the minimum level, nothing below. */
static void
test_log_msg_filters_and_writes(void **state)
{
	char *out;

	(void)state;
	out = capture_stderr(LOG_DEBUG, "hidden");
	assert_string_equal(out, "");
	free(out);

	out = capture_stderr(LOG_WARN, "disk \"low\"\nretrying");
	assert_int_equal(strncmp(out, "ts=", 3), 0);
	assert_contains(out, " level=warn worker=dh-test msg=\"disk \\\"low\\\"\\nretrying\"\n");
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	free(out);

	log_init("dh-test", LOG_ERROR);
	out = capture_stderr(LOG_WARN, "hidden");
	assert_string_equal(out, "");
	free(out);
	log_init("dh-test", LOG_INFO);
}

/* A message longer than log_msg's buffer is cut, still as one line. */
static void
test_log_msg_long_message(void **state)
{
	char *big = malloc(10000), *out;

	(void)state;
	assert_non_null(big);
	memset(big, '"', 9999);
	big[9999] = '\0';
	out = capture_stderr(LOG_ERROR, big);
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	assert_string_equal(out + strlen(out) - 2, "\"\n");
	free(out);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_shape),
		cmocka_unit_test(test_format_levels_and_time),
		cmocka_unit_test(test_escape_quotes_and_backslashes),
		cmocka_unit_test(test_escape_newlines_and_controls),
		cmocka_unit_test(test_utf8_passes),
		cmocka_unit_test(test_truncation_stays_in_bounds),
		cmocka_unit_test(test_level_parse),
		cmocka_unit_test(test_log_msg_filters_and_writes),
		cmocka_unit_test(test_log_msg_long_message),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

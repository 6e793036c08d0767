/* Unit tests for shared/num: the whole string, decimal, in range, or nothing. */
#include "testutil.h"

#include <limits.h>

#include "num.h"

static void
test_parse_long(void **state)
{
	static const struct {
		const char *s;
		long        min, max, want;
	} good[] = {
		{ "0", 0, 0, 0 }, { "-0", 0, 10, 0 }, { "42", 0, 100, 42 }, { "010", 0, 100, 10 },
		{ "1", 1, 1, 1 }, { "-5", -5, 5, -5 }, { "5", -5, 5, 5 },
		{ "9223372036854775807", 0, LONG_MAX, LONG_MAX },
		{ "-9223372036854775808", LONG_MIN, 0, LONG_MIN },
	};
	static const struct {
		const char *s;
		long        min, max;
	} bad[] = {
		{ "", 0, 100 }, { " ", 0, 100 }, { " 5", 0, 100 }, { "\t5", 0, 100 },
		{ "5 ", 0, 100 }, { "5\n", 0, 100 }, { "5x", 0, 100 }, { "x5", 0, 100 },
		{ "1e3", 0, 10000 }, { "0x10", 0, 100 }, { "1.0", 0, 100 }, { "-", 0, 100 },
		{ "--1", -10, 10 }, { "101", 0, 100 }, { "-1", 0, 100 }, { "0", 1, 100 },
		{ "9223372036854775808", LONG_MIN, LONG_MAX },
		{ "-9223372036854775809", LONG_MIN, LONG_MAX },
		{ "99999999999999999999", LONG_MIN, LONG_MAX },
	};
	long out;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		out = 7;
		if (num_parse_long(good[i].s, good[i].min, good[i].max, &out) != 0)
			fail_msg("\"%s\" rejected", good[i].s);
		assert_long_equal(out, good[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = 7;
		if (num_parse_long(bad[i].s, bad[i].min, bad[i].max, &out) != -1)
			fail_msg("\"%s\" in [%ld, %ld] accepted", bad[i].s, bad[i].min, bad[i].max);
		assert_long_equal(out, 7);
	}
	assert_int_equal(num_parse_long(NULL, 0, 100, &out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for shared/odds.c: each-way terms, settlement, intervals, stages. */
#include "testutil.h"

#include "odds.h"

static void
test_ew_terms(void **state)
{
	static const struct { int runners, places, num, den; } cases[] = {
		{ 1, 0, 0, 0 }, { 4, 0, 0, 0 }, { 5, 2, 1, 4 }, { 7, 2, 1, 4 },
		{ 8, 3, 1, 5 }, { 11, 3, 1, 5 }, { 12, 3, 1, 4 }, { 15, 3, 1, 4 },
		{ 16, 4, 1, 4 }, { 30, 4, 1, 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct odds_ew_terms t = odds_ew_terms(cases[i].runners);

		assert_int_equal(t.places, cases[i].places);
		assert_int_equal(t.num, cases[i].num);
		assert_int_equal(t.den, cases[i].den);
	}
}

static void
test_settle(void **state)
{
	struct odds_returns r;

	(void)state;
	r = odds_settle(5.0, 1, 10);		/* winner, 1/5 three places */
	assert_float_equal(r.win, 5.0, 1e-9);
	assert_float_equal(r.place, 1.8, 1e-9);
	assert_float_equal(r.each_way, 6.8, 1e-9);
	r = odds_settle(9.0, 3, 16);		/* third of 16: 1/4 four places */
	assert_float_equal(r.win, 0.0, 1e-9);
	assert_float_equal(r.place, 3.0, 1e-9);
	r = odds_settle(9.0, 4, 12);		/* fourth of 12: three places only */
	assert_float_equal(r.each_way, 0.0, 1e-9);
	r = odds_settle(3.0, 2, 4);		/* four runners: win only */
	assert_float_equal(r.place, 0.0, 1e-9);
	r = odds_settle(3.0, 0, 10);		/* did not finish */
	assert_float_equal(r.each_way, 0.0, 1e-9);
	r = odds_settle(1.0, 1, 10);		/* no usable price */
	assert_float_equal(r.win, 0.0, 1e-9);
}

static void
test_poll_interval(void **state)
{
	(void)state;
	assert_int_equal(odds_poll_interval(0).seconds, 10);
	assert_int_equal(odds_poll_interval(5).seconds, 10);
	assert_int_equal(odds_poll_interval(5.01).seconds, 60);
	assert_int_equal(odds_poll_interval(30).seconds, 60);
	assert_int_equal(odds_poll_interval(30.5).seconds, 300);
	assert_int_equal(odds_poll_interval(120).seconds, 300);
	assert_int_equal(odds_poll_interval(121).seconds, 900);
	assert_int_equal(odds_poll_interval(-1).seconds, 900);
	assert_string_equal(odds_poll_interval(4.2).label, "IMMINENT");
}

static void
test_stage(void **state)
{
	(void)state;
	assert_string_equal(odds_stage(0), "at_post");
	assert_string_equal(odds_stage(4.99), "at_post");
	assert_string_equal(odds_stage(5), "going_to_post");
	assert_string_equal(odds_stage(29.9), "going_to_post");
	assert_string_equal(odds_stage(30), "pre_race");
	assert_string_equal(odds_stage(119.9), "pre_race");
	assert_string_equal(odds_stage(120), "early_market");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ew_terms),
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_poll_interval),
		cmocka_unit_test(test_stage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

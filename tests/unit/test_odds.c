/* Unit tests for shared/odds: stages, next phases, best prices, favourites, each-way terms, settlement, polling intervals. */
#include "testutil.h"

#include "odds.h"

static void
test_stage_boundaries(void **state)
{
	(void)state;
	assert_int_equal(odds_stage_of(-1), ODDS_STAGE_OFF);
	assert_int_equal(odds_stage_of(-3600), ODDS_STAGE_OFF);
	assert_int_equal(odds_stage_of(0), ODDS_AT_POST);
	assert_int_equal(odds_stage_of(299), ODDS_AT_POST);
	/* Exactly 5, 30 and 120 minutes belong to the later stage. */
	assert_int_equal(odds_stage_of(300), ODDS_GOING_TO_POST);
	assert_int_equal(odds_stage_of(1799), ODDS_GOING_TO_POST);
	assert_int_equal(odds_stage_of(1800), ODDS_PRE_RACE);
	assert_int_equal(odds_stage_of(7199), ODDS_PRE_RACE);
	assert_int_equal(odds_stage_of(7200), ODDS_EARLY_MARKET);
	assert_int_equal(odds_stage_of(7 * 86400), ODDS_EARLY_MARKET);
}

static void
test_stage_names(void **state)
{
	(void)state;
	assert_string_equal(odds_stage_name(ODDS_AT_POST), "at_post");
	assert_string_equal(odds_stage_name(ODDS_GOING_TO_POST), "going_to_post");
	assert_string_equal(odds_stage_name(ODDS_PRE_RACE), "pre_race");
	assert_string_equal(odds_stage_name(ODDS_EARLY_MARKET), "early_market");
	assert_string_equal(odds_stage_name(ODDS_STAGE_OFF), "off");
	/* The enum order is the order of the stages in a body. */
	assert_int_equal(ODDS_AT_POST, 0);
	assert_int_equal(ODDS_NSTAGES, 4);
}

static void
test_next_phase(void **state)
{
	long until = -1;

	(void)state;
	assert_string_equal(odds_next_phase(7200, &until), "pre_race");
	assert_long_equal(until, 0);
	assert_string_equal(odds_next_phase(10000, &until), "pre_race");
	assert_long_equal(until, 2800);
	assert_string_equal(odds_next_phase(7199, &until), "going_to_post");
	assert_long_equal(until, 5399);
	assert_string_equal(odds_next_phase(1800, &until), "going_to_post");
	assert_long_equal(until, 0);
	assert_string_equal(odds_next_phase(1799, &until), "at_post");
	assert_long_equal(until, 1499);
	assert_string_equal(odds_next_phase(300, &until), "at_post");
	assert_long_equal(until, 0);
	assert_string_equal(odds_next_phase(299, &until), "off");
	assert_long_equal(until, 299);
	assert_string_equal(odds_next_phase(0, &until), "off");
	assert_long_equal(until, 0);
	assert_null(odds_next_phase(-1, &until));
	assert_long_equal(until, 0);
}

static void
test_best_is_highest(void **state)
{
	const double prices[] = { 3.5, 4.0, 3.75, 4.0, 2.1 };
	const double none[] = { 0, 1.0, -2 };

	(void)state;
	/* The original called the lowest price "best": the bettor wants the highest. */
	assert_true(odds_best(prices, 5) == 4.0);
	assert_true(odds_best(prices, 1) == 3.5);
	assert_true(odds_best(prices, 0) == 0);
	assert_true(odds_best(none, 3) == 0);
}

static void
test_favourite_is_lowest(void **state)
{
	const double best[] = { 5.0, 2.25, 9.0, 2.25, 0 };
	const double single[] = { 1.01 };

	(void)state;
	assert_true(odds_favourite_price(best, 5) == 2.25);
	/* Runners 1 and 3 are joint favourites: both match the price. */
	assert_true(odds_same_price(best[1], odds_favourite_price(best, 5)));
	assert_true(odds_same_price(best[3], odds_favourite_price(best, 5)));
	assert_false(odds_same_price(best[0], odds_favourite_price(best, 5)));
	/* A runner without a price is never the favourite. */
	assert_true(odds_favourite_price(best + 4, 1) == 0);
	assert_true(odds_favourite_price(single, 1) == 1.01);
	assert_true(odds_favourite_price(best, 0) == 0);
}

static void
test_same_price(void **state)
{
	(void)state;
	assert_true(odds_same_price(3.75, 3.750));
	assert_true(odds_same_price(1.1, 1.1000001));
	assert_false(odds_same_price(3.75, 3.751));
	assert_false(odds_same_price(2.0, 2.01));
}

static void
test_each_way_standard(void **state)
{
	static const struct { int runners, places, denom; } cases[] = {
		{ 0, 0, 0 }, { 1, 0, 0 }, { 4, 0, 0 },
		{ 5, 2, 4 }, { 7, 2, 4 },
		{ 8, 3, 5 }, { 11, 3, 5 },
		{ 12, 3, 4 }, { 15, 3, 4 },
		{ 16, 4, 4 }, { 40, 4, 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct odds_ew ew = odds_ew_standard(cases[i].runners);

		if (ew.places != cases[i].places || ew.denom != cases[i].denom)
			fail_msg("%d runners: %d places at 1/%d, expected %d at 1/%d", cases[i].runners,
			    ew.places, ew.denom, cases[i].places, cases[i].denom);
	}
}

static void
test_each_way_text(void **state)
{
	char out[48];

	(void)state;
	odds_ew_text(3, 4, out, sizeof(out));
	assert_string_equal(out, "1/4 odds, 3 places");
	odds_ew_text(1, 5, out, sizeof(out));
	assert_string_equal(out, "1/5 odds, 1 place");
	odds_ew_text(0, 4, out, sizeof(out));
	assert_string_equal(out, "win only");
	odds_ew_text(3, 0, out, sizeof(out));
	assert_string_equal(out, "win only");
	odds_ew_text(4, 4, out, 8);
	assert_string_equal(out, "1/4 odd");
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_poll_interval),
		cmocka_unit_test(test_stage_boundaries),
		cmocka_unit_test(test_stage_names),
		cmocka_unit_test(test_next_phase),
		cmocka_unit_test(test_best_is_highest),
		cmocka_unit_test(test_favourite_is_lowest),
		cmocka_unit_test(test_same_price),
		cmocka_unit_test(test_each_way_standard),
		cmocka_unit_test(test_each_way_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for shared/market: book percentages, medians, fair prices,
 * American odds and price moves, each against a case worked by hand.
 */
#include "testutil.h"

#include <math.h>

#include "market.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 0.0005)

/* Evens, 2/1 and 4/1: 50 + 33.333 + 20 = 103.333%. */
static void
test_three_runner_book(void **state)
{
	const double dec[] = { 2.0, 3.0, 5.0 };
	double prob[3], fair[3];
	int priced = -1;

	(void)state;
	NEAR(market_book_percent(dec, 3, &priced), 103.3333);
	assert_int_equal(priced, 3);
	/* One bookmaker: its book is the consensus, normalised to 100%. */
	NEAR(market_fair(dec, 3, prob, fair), 103.3333);
	NEAR(prob[0], 0.5 / 1.033333);		/* 0.48387 */
	NEAR(prob[1], 0.333333 / 1.033333);	/* 0.32258 */
	NEAR(prob[2], 0.2 / 1.033333);		/* 0.19355 */
	NEAR(fair[0], 2.066667);
	NEAR(fair[1], 3.1);
	NEAR(fair[2], 5.166667);
	NEAR(prob[0] + prob[1] + prob[2], 1.0);
}

/* Joint favourites at 2/1 and a 3/1 shot: a 91.667% book, equal fair prices. */
static void
test_joint_favourites(void **state)
{
	const double dec[] = { 3.0, 3.0, 4.0 };
	double prob[3], fair[3];

	(void)state;
	NEAR(market_fair(dec, 3, prob, fair), 91.6667);
	NEAR(prob[0], prob[1]);
	NEAR(fair[0], 2.75);
	NEAR(fair[1], 2.75);
	NEAR(fair[2], 3.666667);
}

/* A runner withdrawn mid-market (no price) and SP-only prices take no part. */
static void
test_non_runner_and_sp(void **state)
{
	const double dec[] = { 2.0, 0, 4.0, 1.0 };
	double prob[4], fair[4];
	int priced;

	(void)state;
	NEAR(market_book_percent(dec, 4, &priced), 75.0);
	assert_int_equal(priced, 2);
	NEAR(market_fair(dec, 4, prob, fair), 75.0);
	NEAR(fair[0], 1.5);
	NEAR(fair[1], 0);
	NEAR(prob[1], 0);
	NEAR(fair[2], 3.0);
	NEAR(fair[3], 0);
	/* Nothing priced at all. */
	NEAR(market_book_percent(dec + 1, 1, &priced), 0);
	assert_int_equal(priced, 0);
	NEAR(market_fair(dec + 1, 1, prob, fair), 0);
	NEAR(fair[0], 0);
}

static void
test_median(void **state)
{
	const double odd[] = { 5.0, 2.0, 3.0 }, even[] = { 10.0, 2.0, 4.0, 3.0 };
	const double one[] = { 0, 7.5, 1.0 };

	(void)state;
	NEAR(market_median(odd, 3), 3.0);
	NEAR(market_median(even, 4), 3.5);	/* (3 + 4) / 2 */
	NEAR(market_median(one, 3), 7.5);	/* one bookmaker's price, no price ignored */
	NEAR(market_median(one, 1), 0);
	/* One bookmaker far out of line does not move it. */
	{
		const double line[] = { 4.0, 4.2, 4.0, 26.0, 4.33 };

		NEAR(market_median(line, 5), 4.2);
	}
}

static void
test_american(void **state)
{
	static const struct { double dec; const char *american; } cases[] = {
		{ 3.5, "+250" }, { 1.5, "-200" }, { 2.0, "+100" }, { 1.909, "-110" },
		{ 1.01, "-10000" }, { 101.0, "+10000" }, { 1.0, "" }, { 0, "" },
	};
	char s[16];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		market_american(cases[i].dec, s, sizeof(s));
		assert_string_equal(s, cases[i].american);
	}
}

static void
test_implied_and_moves(void **state)
{
	(void)state;
	NEAR(market_implied(4.0), 0.25);
	NEAR(market_implied(1.0), 0);
	NEAR(market_implied(-3), 0);
	NEAR(market_move_percent(4.0, 3.0), -25.0);	/* steamer: 3/1 into 2/1 */
	NEAR(market_move_percent(3.0, 4.0), 33.3333);	/* drifter */
	NEAR(market_move_percent(0, 4.0), 0);
	NEAR(market_move_percent(4.0, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_runner_book),
		cmocka_unit_test(test_joint_favourites),
		cmocka_unit_test(test_non_runner_and_sp),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_american),
		cmocka_unit_test(test_implied_and_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for shared/rapi_odds: price conversions and bookmaker ids. */
#include "testutil.h"

#include <math.h>

#include "rapi_odds.h"

static double
dec(const char *s)
{
	double d = -1;

	if (rapi_odds_from_fractional(s, &d) != 0)
		fail_msg("\"%s\" rejected", s);
	return d;
}

static void
test_from_fractional(void **state)
{
	static const char *const bad[] = { "SP", "-", "", "4.5", "5/0", "0", "0/1", "/2", "5/",
	    "5//2", "a/b", "5/2X", "1234567890/1", "-5/2", " 5/2", "5/2 ", "F", "evensx" };
	double d = 42;

	(void)state;
	assert_true(dec("5/2") == 3.5);
	assert_true(dec("11/4") == 3.75);
	assert_true(fabs(dec("10/3") - 4.3333333) < 1e-6);
	assert_true(fabs(dec("100/30") - 4.3333333) < 1e-6);
	assert_true(dec("1/4") == 1.25);
	assert_true(dec("evs") == 2.0);
	assert_true(dec("Evens") == 2.0);
	assert_true(dec("EVS") == 2.0);
	assert_true(dec("1/1") == 2.0);
	/* Older cards' bare "4" is 4/1; results mark favourites. */
	assert_true(dec("4") == 5.0);
	assert_true(dec("9/4F") == 3.25);
	assert_true(dec("7/2J") == 4.5);
	assert_true(dec("5/1C") == 6.0);
	assert_true(dec("2/1JF") == 3.0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rapi_odds_from_fractional(bad[i], &d) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(rapi_odds_from_fractional(NULL, &d), -1);
	assert_true(d == 42);
}

static void
test_to_fractional(void **state)
{
	static const struct { double d; const char *f; } cases[] = {
		{ 3.75, "11/4" }, { 4.33, "10/3" }, { 2.0, "evs" }, { 1.25, "1/4" }, { 4.5, "7/2" },
		{ 5.0, "4/1" }, { 1.62, "8/13" }, { 1.91, "10/11" }, { 26, "25/1" }, { 1001, "1000/1" },
		{ 3.5, "5/2" }, { 2.2, "6/5" }, { 14.4, "67/5" }, { 5.12, "103/25" },
	};
	char out[16];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(rapi_odds_to_fractional(cases[i].d, out, sizeof(out)), 0);
		if (strcmp(out, cases[i].f) != 0)
			fail_msg("%g gave %s, expected %s", cases[i].d, out, cases[i].f);
	}
	assert_int_equal(rapi_odds_to_fractional(1.0, out, sizeof(out)), -1);
	assert_int_equal(rapi_odds_to_fractional(0.5, out, sizeof(out)), -1);
	assert_int_equal(rapi_odds_to_fractional(NAN, out, sizeof(out)), -1);
	assert_int_equal(rapi_odds_to_fractional(INFINITY, out, sizeof(out)), -1);
	assert_int_equal(rapi_odds_to_fractional(3.75, out, 4), -1);
}

/* The original DarkHorses' ids (reference §6), as dh_bookmaker_slug() makes them. */
static void
test_slug(void **state)
{
	static const struct { const char *name, *slug; } cases[] = {
		{ "Betfair Exchange", "betfairexchange" }, { "William Hill", "williamhill" },
		{ "10 Bet", "10bet" }, { "7Bet", "7bet" }, { "888 Sport", "888sport" },
		{ "BetMGM", "betmgm" }, { "talkSPORT BET", "talksportbet" },
		{ "Spread Ex", "spreadex" }, { "Spreadex", "spreadex" },
		{ "Sporting Index", "sportingindex" }, { "SportingIndex", "sportingindex" },
		{ "Bet Victor", "betvictor" }, { "Boyle Sports", "boylesports" },
		{ "Boyle", "boylesports" }, { "Sport 888", "888sport" }, { "Betfair", "betfair" },
		{ "  --Paddy   Power!! ", "paddypower" }, { "Bet-365.com", "bet365com" },
		{ "Caf\xc3\xa9 Bet", "cafbet" }, { "\xc3\x89lite Bet", "litebet" },
		{ "\xe2\x84\xaa" "ings", "kings" }, { "\xc4\xb0" "bet", "ibet" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = rapi_odds_bookmaker_slug(cases[i].name, out, sizeof(out));

		if (n < 0 || strcmp(out, cases[i].slug) != 0)
			fail_msg("\"%s\" gave \"%s\"", cases[i].name, n < 0 ? "(error)" : out);
		assert_int_equal(n, strlen(cases[i].slug));
	}
	assert_int_equal(rapi_odds_bookmaker_slug("!!!", out, sizeof(out)), -1);
	assert_int_equal(rapi_odds_bookmaker_slug("", out, sizeof(out)), -1);
	assert_int_equal(rapi_odds_bookmaker_slug(NULL, out, sizeof(out)), -1);
	assert_int_equal(rapi_odds_bookmaker_slug("Betfair Exchange", out, 15), -1);
	assert_int_equal(rapi_odds_bookmaker_slug("Betfair Exchange", out, 16), 15);
	/* "boyle" fits, the id it maps to does not. */
	assert_int_equal(rapi_odds_bookmaker_slug("Boyle", out, 8), -1);
	assert_int_equal(rapi_odds_bookmaker_slug("Boyle", out, 12), 11);
}

/* The alias map's display names; other ids keep their upstream name. */
static void
test_bookmaker_name(void **state)
{
	(void)state;
	assert_string_equal(rapi_odds_bookmaker_name("betvictor"), "BetVictor");
	assert_string_equal(rapi_odds_bookmaker_name("boylesports"), "BoyleSports");
	assert_string_equal(rapi_odds_bookmaker_name("888sport"), "888 Sport");
	assert_string_equal(rapi_odds_bookmaker_name("williamhill"), "William Hill");
	assert_null(rapi_odds_bookmaker_name("betfairexchange"));
	assert_null(rapi_odds_bookmaker_name("boyle"));
	assert_null(rapi_odds_bookmaker_name(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_fractional),
		cmocka_unit_test(test_to_fractional),
		cmocka_unit_test(test_slug),
		cmocka_unit_test(test_bookmaker_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for fcgi-api/board: aggregated arrays into race
 * objects (best prices, favourites, stages, the grid), on results built by
 * hand with libpq's PQsetvalue.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "board.h"
#include "jsonw.h"

/* 2025-10-14T12:00:00Z */
#define NOW ((time_t)1760443200)

static const char *const cols[] = {
	"race_date", "off_dt", "race_id", "number", "horse_id", "course_id", "course", "region_code",
	"race_name", "horse_name", "fetched_at", "bookmakers", "fractionals", "decimals",
	"bookmaker_names", "ew_places", "ew_denoms", "changed",
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* One runner row: the race, the runner and its prices (NULL: SQL NULL). */
struct row {
	const char *v[NCOLS];
};

static PGresult *
make_result(const struct row *rows, int n)
{
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc attrs[NCOLS];

	assert_non_null(res);
	memset(attrs, 0, sizeof(attrs));
	for (size_t c = 0; c < NCOLS; c++) {
		attrs[c].name = (char *)cols[c];
		attrs[c].typid = 25;
		attrs[c].typlen = -1;
		attrs[c].atttypmod = -1;
	}
	assert_int_equal(PQsetResultAttrs(res, (int)NCOLS, attrs), 1);
	for (int r = 0; r < n; r++)
		for (size_t c = 0; c < NCOLS; c++) {
			const char *v = rows[r].v[c];

			assert_int_equal(PQsetvalue(res, r, (int)c, (char *)v, v ? (int)strlen(v) : -1), 1);
		}
	return res;
}

#define RACE_A "2025-10-14", "2025-10-14 12:04:59+00", "rac_1"
#define RACE_A_REST "crs_1", "Ascot", "GB", "Ascot \"Sprint\" Stakes"
#define RACE_B "2025-10-14", "2025-10-14 14:00:00+00", "rac_2"
#define RACE_B_REST "crs_2", "Ayr", "GB", "Ayr Handicap"

/*
 * Race A (off in 4:59, at post): runner 1's best price is 5.0 at two
 * bookmakers; runners 2 and 3 share the lowest best price, 2.5: joint
 * favourites, although runner 1 has the single lowest price (1.5).
 * Race B (off in 120 minutes, early market): one runner.
 */
static const struct row rows[] = {
	{ { RACE_A, "1", "hrs_1", RACE_A_REST, "Alpha", "2025-10-14 11:59:00+00",
	    "[\"bet365\", \"coral\", \"sky_bet\"]", "[\"4/1\", \"4/1\", \"1/2\"]", "[5.000, 5.000, 1.500]",
	    "[\"Bet365\", \"Coral\", \"Sky Bet\"]", "[3, 3, 4]", "[4, 4, 5]",
	    "[\"2025-10-14T11:00:00+00:00\", \"2025-10-14T11:01:00+00:00\", \"2025-10-14T11:02:00+00:00\"]" } },
	{ { RACE_A, "2", "hrs_2", RACE_A_REST, "Beta", "2025-10-14 11:59:30+00",
	    "[\"bet365\", \"coral\"]", "[\"6/4\", \"5/4\"]", "[2.500, 2.250]",
	    "[\"Bet365\", \"Coral\"]", "[3, 3]", "[4, 4]",
	    "[\"2025-10-14T11:00:00+00:00\", \"2025-10-14T11:01:00+00:00\"]" } },
	{ { RACE_A, "3", "hrs_3", RACE_A_REST, "Gamma", "2025-10-14 11:58:00+00",
	    "[\"betfair_exchange\", \"coral\"]", "[\"2.5\", \"6/4\"]", "[2.500, 2.500]",
	    "[\"Betfair Exchange\", \"Coral\"]", "[null, 3]", "[null, 4]",
	    "[\"2025-10-14T11:00:00+00:00\", null]" } },
	{ { RACE_B, "1", "hrs_9", RACE_B_REST, "Delta", "2025-10-14 11:00:00+00",
	    "[\"coral\"]", "[\"evs\"]", "[2.000]", "[\"Coral\"]", "[3]", "[4]",
	    "[\"2025-10-14T10:00:00+00:00\"]" } },
};

/* Writes every race of res as the stage view does and parses the result. */
static json_t *
write_races(const struct row *r, int n, int grid)
{
	struct board_race race;
	struct board b;
	struct jsonw w;
	struct buf out;
	json_error_t err;
	json_t *j;
	PGresult *res = make_result(r, n);

	buf_init(&out, 1 << 20);
	jsonw_init(&w, &out);
	assert_int_equal(board_init(&b, res), 0);
	jsonw_arr(&w);
	for (int row = 0; board_race(&b, row, NOW, &race) == 0; row = race.end) {
		if (grid)
			board_write_grid(&w, &b, &race, NOW);
		else
			board_write_race(&w, &b, &race, NOW);
	}
	jsonw_arr_end(&w);
	assert_false(jsonw_failed(&w));
	board_free(&b);
	PQclear(res);
	j = json_loadb(out.data, out.len, 0, &err);
	if (j == NULL)
		fail_msg("invalid JSON (%s): %.300s", err.text, out.data);
	buf_free(&out);
	return j;
}

static const char *
str_at(const json_t *j, const char *path)
{
	const json_t *v = j;
	char key[64];

	while (*path != '\0' && v != NULL) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		if (json_is_array(v))
			v = json_array_get(v, strtoul(key, NULL, 10));
		else
			v = json_object_get(v, key);
		path += n + (path[n] == '.');
	}
	return json_string_value(v);
}

static const json_t *
get(const json_t *j, const char *path)
{
	char key[64];

	while (*path != '\0' && j != NULL) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		j = json_is_array(j) ? json_array_get(j, strtoul(key, NULL, 10)) : json_object_get(j, key);
		path += n + (path[n] == '.');
	}
	return j;
}

static void
test_tokens(void **state)
{
	struct board_tok t[8];

	(void)state;
	assert_int_equal(board_tokens("[]", t, 8), 0);
	assert_int_equal(board_tokens("  [ ]", t, 8), 0);
	assert_int_equal(board_tokens("[\"a\", 1.500, null]", t, 8), 3);
	assert_int_equal(t[0].len, 3);
	assert_memory_equal(t[0].p, "\"a\"", 3);
	assert_memory_equal(t[1].p, "1.500", 5);
	assert_int_equal(t[2].len, 4);
	/* Commas, brackets and escaped quotes inside strings. */
	assert_int_equal(board_tokens("[\"a,]b\", \"say \\\"hi\\\"\", \"\\\\\"]", t, 8), 3);
	assert_int_equal(t[0].len, 6);
	assert_int_equal(t[1].len, 12);
	assert_int_equal(t[2].len, 4);
	/* More values than room: all counted, max written. */
	assert_int_equal(board_tokens("[1,2,3,4]", t, 2), 4);
	assert_memory_equal(t[1].p, "2", 1);
	/* Not arrays of scalars. */
	assert_int_equal(board_tokens("", t, 8), -1);
	assert_int_equal(board_tokens("{}", t, 8), -1);
	assert_int_equal(board_tokens("[\"open", t, 8), -1);
	assert_int_equal(board_tokens("[\"a\\", t, 8), -1);
	assert_int_equal(board_tokens("[1 2]", t, 8), -1);
	assert_int_equal(board_tokens("[1,]", t, 8), -1);
	assert_int_equal(board_tokens("[1", t, 8), -1);
}

static void
test_race_view(void **state)
{
	json_t *j = write_races(rows, 4, 0);
	const json_t *a = json_array_get(j, 0), *b = json_array_get(j, 1);

	(void)state;
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(str_at(a, "race_id"), "rac_1");
	assert_string_equal(str_at(a, "race_name"), "Ascot \"Sprint\" Stakes");
	assert_string_equal(str_at(a, "off_dt"), "2025-10-14T12:04:59+00:00");
	assert_string_equal(str_at(a, "off_time"), "13:04");
	assert_string_equal(str_at(a, "stage"), "at_post");
	assert_int_equal(json_integer_value(get(a, "seconds_to_off")), 299);
	assert_string_equal(str_at(a, "next_phase"), "off");
	assert_string_equal(str_at(a, "next_phase_at"), "2025-10-14T12:04:59+00:00");
	assert_string_equal(str_at(a, "prices_updated_at"), "2025-10-14T11:59:30+00:00");
	assert_int_equal(json_integer_value(get(a, "runner_count")), 3);
	assert_int_equal(json_integer_value(get(a, "bookmaker_count")), 4);
	/* runners_data: shortest-priced first (2 and 3 share 2.5, in row order), then runner 1. */
	assert_int_equal(json_array_size(get(a, "runners_data")), 3);
	assert_string_equal(str_at(a, "runners_data.0.horse_id"), "hrs_2");
	assert_string_equal(str_at(a, "runners_data.1.horse_id"), "hrs_3");
	assert_string_equal(str_at(a, "runners_data.2.horse_id"), "hrs_1");
	/* The best price is the highest, at every bookmaker offering it. */
	assert_true(json_real_value(get(a, "runners_data.2.best_price.decimal")) == 5.0);
	assert_string_equal(str_at(a, "runners_data.2.best_price.fractional"), "4/1");
	assert_int_equal(json_array_size(get(a, "runners_data.2.best_price.bookmakers")), 2);
	assert_string_equal(str_at(a, "runners_data.2.best_price.bookmakers.1"), "coral");
	assert_int_equal(json_array_size(get(a, "runners_data.2.prices")), 3);
	assert_string_equal(str_at(a, "runners_data.2.prices.2.bookmaker_id"), "sky_bet");
	/* The favourite has the lowest best price: runners 2 and 3, jointly. */
	assert_false(json_is_true(get(a, "runners_data.2.favourite")));
	assert_true(json_is_true(get(a, "runners_data.0.favourite")));
	assert_true(json_is_true(get(a, "runners_data.1.favourite")));
	assert_string_equal(str_at(a, "favourite.horse_id"), "hrs_2");
	assert_true(json_is_true(get(a, "favourite.joint")));
	assert_true(json_real_value(get(a, "favourite.decimal")) == 2.5);
	assert_int_equal(json_array_size(get(a, "runners_data.1.best_price.bookmakers")), 2);
	/* The original's fields (C1): best = highest, ties by bookmaker name A-Z. */
	assert_string_equal(str_at(a, "race_time"), "13:04:59");
	assert_int_equal(json_integer_value(get(a, "runners")), 3);
	assert_true(fabs(json_real_value(get(a, "minutes_until")) - 299.0 / 60) < 1e-6);
	assert_string_equal(str_at(a, "next_phase_name"), "Race Start");
	assert_string_equal(str_at(a, "next_phase_time"), "2025-10-14T12:04:59+00:00");
	assert_true(json_real_value(get(a, "next_phase_minutes")) == 5.0);
	assert_string_equal(str_at(a, "last_updated"), "2025-10-14T11:59:30+00:00");
	assert_int_equal(json_integer_value(get(a, "runners_data.2.horse_number")), 1);
	assert_true(json_real_value(get(a, "runners_data.2.best_odds_decimal")) == 5.0);
	assert_string_equal(str_at(a, "runners_data.2.best_odds_fractional"), "4/1");
	assert_string_equal(str_at(a, "runners_data.2.best_bookmaker"), "Bet365");
	assert_string_equal(str_at(a, "runners_data.1.best_bookmaker"), "Betfair Exchange");
	assert_false(json_is_true(get(a, "runners_data.2.is_favorite")));
	assert_true(json_is_true(get(a, "runners_data.0.is_favorite")));
	assert_true(json_is_true(get(a, "runners_data.1.is_favorite")));
	/* all_odds: decimal descending, then name; the bookmaker by its display name. */
	assert_int_equal(json_array_size(get(a, "runners_data.2.all_odds")), 3);
	assert_string_equal(str_at(a, "runners_data.2.all_odds.0.bookmaker"), "Bet365");
	assert_string_equal(str_at(a, "runners_data.2.all_odds.1.bookmaker"), "Coral");
	assert_string_equal(str_at(a, "runners_data.2.all_odds.2.bookmaker"), "Sky Bet");
	assert_string_equal(str_at(a, "runners_data.2.all_odds.2.odds_fractional"), "1/2");
	assert_true(json_real_value(get(a, "runners_data.2.all_odds.2.odds_decimal")) == 1.5);
	assert_string_equal(str_at(a, "runners_data.0.all_odds.1.bookmaker"), "Coral");
	/* Race B: exactly 120 minutes out is the early market. */
	assert_string_equal(str_at(b, "stage"), "early_market");
	assert_string_equal(str_at(b, "next_phase"), "pre_race");
	assert_true(json_real_value(get(b, "minutes_to_next_phase")) == 0.0);
	assert_string_equal(str_at(b, "next_phase_name"), "Pre Race");
	assert_true(json_real_value(get(b, "next_phase_minutes")) == 0.0);
	assert_false(json_is_true(get(b, "favourite.joint")));
	json_decref(j);
}

static void
test_grid(void **state)
{
	json_t *j = write_races(rows, 3, 1);
	const json_t *a = json_array_get(j, 0);

	(void)state;
	assert_int_equal(json_array_size(j), 1);
	/* Columns in id order, each once, with its each-way terms. */
	assert_int_equal(json_array_size(get(a, "bookmakers")), 4);
	assert_string_equal(str_at(a, "bookmakers.0.bookmaker_id"), "bet365");
	assert_string_equal(str_at(a, "bookmakers.1.bookmaker_id"), "betfair_exchange");
	assert_string_equal(str_at(a, "bookmakers.1.ew_terms"), "win only");
	assert_true(json_is_null(get(a, "bookmakers.1.ew_places")));
	assert_string_equal(str_at(a, "bookmakers.2.bookmaker"), "Coral");
	assert_string_equal(str_at(a, "bookmakers.3.ew_terms"), "1/5 odds, 4 places");
	/* Three runners: win only by the standard terms. */
	assert_int_equal(json_integer_value(get(a, "each_way.places")), 0);
	assert_string_equal(str_at(a, "each_way.terms"), "win only");
	/* Prices keyed by bookmaker, the best marked. */
	assert_true(json_is_true(get(a, "runners.0.prices.coral.best")));
	assert_false(json_is_true(get(a, "runners.0.prices.sky_bet.best")));
	assert_string_equal(str_at(a, "runners.0.prices.sky_bet.changed_at"), "2025-10-14T11:02:00+00:00");
	assert_true(json_is_null(get(a, "runners.2.prices.coral.changed_at")));
	assert_true(json_is_true(get(a, "runners.1.favourite")));
	json_decref(j);
}

static void
test_malformed_rows(void **state)
{
	struct row bad = rows[0];
	struct board b;
	PGresult *res;

	(void)state;
	bad.v[12] = "[\"4/1\"]";	/* fewer fractionals than bookmakers */
	res = make_result(&bad, 1);
	assert_int_equal(board_init(&b, res), -1);
	board_free(&b);
	PQclear(res);
	bad = rows[0];
	bad.v[13] = "not json";
	res = make_result(&bad, 1);
	assert_int_equal(board_init(&b, res), -1);
	board_free(&b);
	PQclear(res);
}

static void
test_no_prices(void **state)
{
	struct row none = rows[3];
	json_t *j;

	(void)state;
	none.v[11] = "[]";
	none.v[12] = "[]";
	none.v[13] = "[]";
	none.v[14] = none.v[15] = none.v[16] = none.v[17] = "[]";
	j = write_races(&none, 1, 0);
	assert_true(json_is_null(get(j, "0.favourite")));
	assert_true(json_is_null(get(j, "0.runners_data.0.best_price")));
	assert_true(json_is_null(get(j, "0.runners_data.0.best_odds_decimal")));
	assert_false(json_is_true(get(j, "0.runners_data.0.is_favorite")));
	assert_int_equal(json_array_size(get(j, "0.runners_data.0.prices")), 0);
	assert_int_equal(json_array_size(get(j, "0.runners_data.0.all_odds")), 0);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_race_view),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_malformed_rows),
		cmocka_unit_test(test_no_prices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

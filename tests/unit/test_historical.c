/* Unit tests for shared/historical.c: the racecard x result join and derived fields. */
#include "testutil.h"

#include <stdlib.h>

#include <jansson.h>

#include "historical.h"

static const char card[] =
    "{\"racecards\":[{\"race_id\":\"rac_1\",\"course_id\":\"crs_1\",\"course\":\"Leopardstown\","
    "\"region\":\"IRE\",\"off_dt\":\"2025-10-13T14:30:00+01:00\",\"runners\":["
    "{\"horse_id\":\"hrs_a\",\"horse\":\"Able\",\"odds\":["
    "  {\"bookmaker\":\"Bet365\",\"fractional\":\"2/1\",\"decimal\":\"3.0\"},"
    "  {\"bookmaker\":\"Betfair Exchange\",\"fractional\":\"3.4\",\"decimal\":\"3.4\"},"
    "  {\"bookmaker\":\"Coral\",\"fractional\":\"SP\",\"decimal\":\"SP\"}]},"
    "{\"horse_id\":\"hrs_b\",\"horse\":\"Baker\",\"odds\":["
    "  {\"bookmaker\":\"Bet365\",\"fractional\":\"4/1\",\"decimal\":\"5.0\"}]},"
    "{\"horse_id\":\"hrs_c\",\"horse\":\"Charlie\",\"odds\":[]}]}],\"total\":\"1\"}";

static const char result[] =
    "{\"results\":[{\"race_id\":\"rac_1\",\"date\":\"2025-10-13\",\"region\":\"IRE\","
    "\"course_id\":\"crs_1\",\"course\":\"Leopardstown\",\"off\":\"2:30\","
    "\"off_dt\":\"2025-10-13T14:30:00+01:00\",\"race_name\":\"Maiden\",\"type\":\"Flat\","
    "\"class\":\"\",\"dist\":\"1m\",\"going\":\"Good\",\"runners\":["
    "{\"horse_id\":\"hrs_b\",\"horse\":\"Baker\",\"position\":\"1\",\"sp\":\"4/1\",\"sp_dec\":\"5.00\","
    "  \"number\":\"2\",\"jockey\":\"J One\",\"jockey_id\":\"jky_1\"},"
    "{\"horse_id\":\"hrs_a\",\"horse\":\"Able\",\"position\":\"2\",\"sp\":\"2/1F\",\"sp_dec\":\"3.00\","
    "  \"number\":\"1\"},"
    "{\"horse_id\":\"hrs_c\",\"horse\":\"Charlie\",\"position\":\"PU\",\"sp\":\"4/1\",\"sp_dec\":\"5.00\","
    "  \"number\":\"3\"}]}],\"total\":\"1\",\"limit\":\"50\",\"skip\":\"0\"}";

static json_t *
join(struct historical_counts *c)
{
	struct rapi_racecards *rc = rapi_racecards_new();
	struct rapi_results *rs = rapi_results_new();
	struct rows out;
	json_error_t jerr;
	char err[256];
	json_t *j;

	assert_int_equal(rapi_parse(&rc->doc, card, sizeof(card) - 1, err, sizeof(err)), 0);
	assert_int_equal(rapi_parse(&rs->doc, result, sizeof(result) - 1, err, sizeof(err)), 0);
	rows_init(&out, 1 << 20);
	historical_rows(rc, rs, &out, c);
	j = json_loads(rows_finish(&out), 0, &jerr);
	assert_non_null(j);
	rows_free(&out);
	rapi_racecards_free(rc);
	rapi_results_free(rs);
	return j;
}

static json_t *
row_of(json_t *rows, const char *horse_id)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row)
		if (strcmp(json_string_value(json_object_get(row, "horse_id")), horse_id) == 0)
			return row;
	fail_msg("no row for %s", horse_id);
	return NULL;
}

static double
num(json_t *row, const char *key)
{
	return json_number_value(json_object_get(row, key));
}

static void
test_join(void **state)
{
	struct historical_counts c;
	json_t *rows = join(&c), *a, *b, *ch;

	(void)state;
	assert_int_equal(c.races, 1);
	assert_int_equal(c.runners, 3);
	assert_int_equal(c.priced, 2);
	assert_int_equal(json_array_size(rows), 3);
	a = row_of(rows, "hrs_a");
	b = row_of(rows, "hrs_b");
	ch = row_of(rows, "hrs_c");

	/* Prices: SP entries are no price; mean over the real ones. */
	assert_float_equal(num(a, "price_min"), 3.0, 1e-9);
	assert_float_equal(num(a, "price_max"), 3.4, 1e-9);
	assert_float_equal(num(a, "price_mean"), 3.2, 1e-9);
	assert_int_equal((int)num(a, "bookmaker_count"), 2);
	assert_true(json_is_null(json_object_get(ch, "price_min")));

	/* SP favourite rank: shortest is 1, ties share. */
	assert_int_equal((int)num(a, "sp_fav_rank"), 1);
	assert_int_equal((int)num(b, "sp_fav_rank"), 2);
	assert_int_equal((int)num(ch, "sp_fav_rank"), 2);

	/* Three runners: win only.  The winner returns its SP. */
	assert_float_equal(num(b, "win_return"), 5.0, 1e-9);
	assert_float_equal(num(b, "place_return"), 0.0, 1e-9);
	assert_float_equal(num(a, "win_return"), 0.0, 1e-9);
	assert_true(json_is_null(json_object_get(b, "ew_fraction")));

	/* Non-numeric position: kept as text, not finished. */
	assert_string_equal(json_string_value(json_object_get(ch, "position")), "PU");
	assert_true(json_is_false(json_object_get(ch, "finished")));
	assert_true(json_is_null(json_object_get(ch, "position_num")));

	/* Country from the region (IRE, not GB), race time from off_dt in UK time. */
	assert_string_equal(json_string_value(json_object_get(b, "country")), "IRE");
	assert_string_equal(json_string_value(json_object_get(b, "race_time")), "14:30:00");
	assert_string_equal(json_string_value(json_object_get(b, "race_date")), "2025-10-13");
	assert_string_equal(json_string_value(json_object_get(b, "jockey")), "J One");
	/* The result's "dist" and "type", under the model's names. */
	assert_string_equal(json_string_value(json_object_get(b, "distance")), "1m");
	assert_string_equal(json_string_value(json_object_get(b, "race_type")), "Flat");
	json_decref(rows);
}

static void
test_no_card(void **state)
{
	struct rapi_results *rs = rapi_results_new();
	struct historical_counts c;
	struct rows out;
	char err[256];

	(void)state;
	assert_int_equal(rapi_parse(&rs->doc, result, sizeof(result) - 1, err, sizeof(err)), 0);
	rows_init(&out, 1 << 20);
	historical_rows(NULL, rs, &out, &c);
	assert_non_null(rows_finish(&out));
	assert_int_equal(c.no_card, 1);
	assert_int_equal(c.runners, 3);
	assert_int_equal(c.priced, 0);
	rows_free(&out);
	rapi_results_free(rs);
}

/* The same result twice, and a horse twice in it (dropped by the parser): one row per horse. */
static void
test_listed_twice(void **state)
{
	static const char twice[] =
	    "{\"results\":[{\"race_id\":\"rac_1\",\"date\":\"2025-10-13\",\"region\":\"GB\","
	    "\"course_id\":\"crs_1\",\"off_dt\":\"2025-10-13T14:30:00+01:00\",\"runners\":["
	    "{\"horse_id\":\"hrs_a\",\"position\":\"1\",\"sp\":\"2/1\",\"sp_dec\":\"3.00\"},"
	    "{\"horse_id\":\"hrs_b\",\"position\":\"2\",\"sp\":\"4/1\",\"sp_dec\":\"5.00\"},"
	    "{\"horse_id\":\"hrs_a\",\"position\":\"3\",\"sp\":\"9/1\",\"sp_dec\":\"10.00\"}]},"
	    "{\"race_id\":\"rac_1\",\"date\":\"2025-10-13\",\"region\":\"GB\","
	    "\"course_id\":\"crs_1\",\"off_dt\":\"2025-10-13T14:30:00+01:00\",\"runners\":["
	    "{\"horse_id\":\"hrs_c\",\"position\":\"1\"}]}],\"total\":\"2\"}";
	struct rapi_results *rs = rapi_results_new();
	struct historical_counts c;
	struct rows out;
	json_error_t jerr;
	char err[256];
	json_t *rows;

	(void)state;
	assert_int_equal(rapi_parse(&rs->doc, twice, sizeof(twice) - 1, err, sizeof(err)), 0);
	rows_init(&out, 1 << 20);
	historical_rows(NULL, rs, &out, &c);
	rows = json_loads(rows_finish(&out), 0, &jerr);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 2);
	assert_int_equal(c.races, 1);
	assert_int_equal(c.runners, 2);
	assert_int_equal(rs->doc.counts.repeated, 2);
	/* The first entry wins; the field is two horses (win only). */
	assert_string_equal(json_string_value(json_object_get(row_of(rows, "hrs_a"), "position")), "1");
	assert_int_equal((int)num(row_of(rows, "hrs_a"), "field_size"), 2);
	json_decref(rows);
	rows_free(&out);
	rapi_results_free(rs);
}

static void
test_rows_limit(void **state)
{
	struct rows r;

	(void)state;
	rows_init(&r, 16);
	rows_open(&r);
	rows_text(&r, "race_id", "rac_123456789012345");
	assert_null(rows_finish(&r));
	rows_free(&r);
	rows_init(&r, 1024);
	assert_string_equal(rows_finish(&r), "[]");
	rows_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_no_card),
		cmocka_unit_test(test_listed_twice),
		cmocka_unit_test(test_rows_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

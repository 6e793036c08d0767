/* Unit tests for shared/clock: parsing, UK time, the racing day, dates. */
#include "testutil.h"

#include <stdio.h>

#include "clock.h"

/* 2025-06-01T12:00:00Z */
#define JUNE_NOON ((time_t)1748779200)

/* Parses an instant that must be valid and returns it. */
static time_t
instant(const char *s)
{
	time_t t = 0;

	if (clock_parse_instant(s, &t) != 0)
		fail_msg("\"%s\" rejected", s);
	return t;
}

/* A macro, so that a failure names the caller's line. */
#define check_date(dv, y, m, dd) do { \
	struct clock_date d_ = (dv); \
	if (d_.year != (y) || d_.month != (m) || d_.day != (dd)) \
		fail_msg("got %04d-%02d-%02d, expected %04d-%02d-%02d", d_.year, \
		    d_.month, d_.day, (y), (m), (dd)); \
} while (0)

static void
test_instant_zones(void **state)
{
	(void)state;
	assert_long_equal(instant("2025-06-01T12:00:00Z"), JUNE_NOON);
	assert_long_equal(instant("2025-06-01t12:00:00z"), JUNE_NOON);
	assert_long_equal(instant("2025-06-01T13:00:00+01:00"), JUNE_NOON);
	assert_long_equal(instant("2025-06-01T06:30:00-05:30"), JUNE_NOON);
	assert_long_equal(instant("2025-06-01T12:00:00+00:00"), JUNE_NOON);
	assert_long_equal(instant("2025-06-01T12:00:00-00:00"), JUNE_NOON);
	assert_long_equal(instant("2025-06-02T02:00:00+14:00"), JUNE_NOON);
	/* A zone moves the instant across a day boundary. */
	assert_long_equal(instant("2025-06-01T00:30:00+01:00"), JUNE_NOON - 12 * 3600 - 1800);
	assert_long_equal(instant("1970-01-01T00:00:00Z"), 0);
	assert_long_equal(instant("1969-12-31T23:59:59Z"), -1);
}

static void
test_instant_forms(void **state)
{
	(void)state;
	/* Seconds are optional; a fraction is dropped; a space may replace T. */
	assert_long_equal(instant("2025-06-01T12:00Z"), JUNE_NOON);
	assert_long_equal(instant("2025-06-01T12:00:00.999Z"), JUNE_NOON);
	assert_long_equal(instant("2025-06-01T12:00:00.5+01:00"), JUNE_NOON - 3600);
	assert_long_equal(instant("2025-06-01T12:00:00.123456789Z"), JUNE_NOON);
	assert_long_equal(instant("2025-06-01 12:00:00Z"), JUNE_NOON);
	assert_long_equal(instant("2025-06-01T12:00:59Z"), JUNE_NOON + 59);
	assert_long_equal(instant("2025-06-01T23:59:59Z"), JUNE_NOON + 43199);
	/* A leap second is read as :59. */
	assert_long_equal(instant("2016-12-31T23:59:60Z"), instant("2016-12-31T23:59:59Z"));
	assert_long_equal(instant("2024-02-29T00:00:00Z"), 1709164800);
}

static void
test_instant_rejects(void **state)
{
	static const char *const bad[] = {
		"", "2025-06-01", "2025-06-01T12:00:00", "2025-06-01T12:00",
		"2025-06-01T12:00:00 Z", "2025-06-01T12:00:00ZZ", "2025-06-01T12:00:00Zjunk",
		"2025-06-01T12:00:00+01", "2025-06-01T12:00:00+0100", "2025-06-01T12:00:00+01:00x",
		"2025-06-01T12:00:00+15:00", "2025-06-01T12:00:00+01:60", "2025-06-01T12:00:00+1:00",
		"2025-02-29T12:00:00Z", "2024-02-30T12:00:00Z", "2025-13-01T12:00:00Z",
		"2025-00-01T12:00:00Z", "2025-06-00T12:00:00Z", "2025-06-31T12:00:00Z",
		"2025-06-01T24:00:00Z", "2025-06-01T12:60:00Z", "2025-06-01T12:00:61Z",
		"2025-06-01T12:00:00.Z", "2025-06-01T1:00:00Z", "2025-06-01T12:0:00Z",
		"2025-06-01X12:00:00Z", "2025-6-01T12:00:00Z", "25-06-01T12:00:00Z",
		"0000-01-01T00:00:00Z", "2025-06-01T12:00:00.12.3Z", " 2025-06-01T12:00:00Z",
		"2025-06-01T12:00:00Z ", "2025-06-01T12", "2025-06-01T", "2025-06-01T-1:00:00Z",
		"２０２５-06-01T12:00:00Z",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		time_t t = 42;

		if (clock_parse_instant(bad[i], &t) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_long_equal(t, 42);
	}
}

static void
test_parse_date(void **state)
{
	static const char *const bad[] = {
		"", "2025-02-29", "2024-02-30", "1900-02-29", "2025-04-31", "2025-13-01",
		"2025-00-10", "2025-01-00", "2025-1-1", "2025/01/01", "2025-01-01T00:00:00Z",
		"2025-01-01 ", " 2025-01-01", "20250101", "2025-01-0a", "0000-01-01", "-2025-01-01",
	};
	struct clock_date d;

	(void)state;
	assert_int_equal(clock_parse_date("2025-10-14", &d), 0);
	check_date(d, 2025, 10, 14);
	assert_int_equal(clock_parse_date("2024-02-29", &d), 0);
	check_date(d, 2024, 2, 29);
	assert_int_equal(clock_parse_date("2000-02-29", &d), 0);
	check_date(d, 2000, 2, 29);
	assert_int_equal(clock_parse_date("0001-01-01", &d), 0);
	assert_int_equal(clock_parse_date("9999-12-31", &d), 0);
	check_date(d, 9999, 12, 31);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d.year = 7;
		if (clock_parse_date(bad[i], &d) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(d.year, 7);
	}
}

/* BST starts at 01:00Z on the last Sunday of March, ends there in October. */
static void
test_uk_offset_boundaries(void **state)
{
	(void)state;
	assert_int_equal(clock_uk_offset(instant("2025-03-30T00:59:59Z")), 0);
	assert_int_equal(clock_uk_offset(instant("2025-03-30T01:00:00Z")), 3600);
	assert_int_equal(clock_uk_offset(instant("2025-10-26T00:59:59Z")), 3600);
	assert_int_equal(clock_uk_offset(instant("2025-10-26T01:00:00Z")), 0);
	/* Other years: last Sundays 2024-03-31/10-27, 2026-03-29/10-25. */
	assert_int_equal(clock_uk_offset(instant("2024-03-31T00:59:59Z")), 0);
	assert_int_equal(clock_uk_offset(instant("2024-03-31T01:00:00Z")), 3600);
	assert_int_equal(clock_uk_offset(instant("2024-10-27T00:59:59Z")), 3600);
	assert_int_equal(clock_uk_offset(instant("2024-10-27T01:00:00Z")), 0);
	assert_int_equal(clock_uk_offset(instant("2026-03-29T01:00:00Z")), 3600);
	assert_int_equal(clock_uk_offset(instant("2026-10-25T01:00:00Z")), 0);
	/* Mid-season and mid-winter. */
	assert_int_equal(clock_uk_offset(JUNE_NOON), 3600);
	assert_int_equal(clock_uk_offset(instant("2025-01-01T00:00:00Z")), 0);
	assert_int_equal(clock_uk_offset(instant("2025-12-31T23:59:59Z")), 0);
	assert_int_equal(clock_uk_offset(instant("1969-07-20T20:17:00Z")), 3600);
}

static void
test_racing_day(void **state)
{
	(void)state;
	check_date(clock_racing_day(instant("2025-06-01T23:30:00Z")), 2025, 6, 2);
	check_date(clock_racing_day(instant("2025-06-01T22:59:59Z")), 2025, 6, 1);
	check_date(clock_racing_day(instant("2025-06-01T23:00:00Z")), 2025, 6, 2);
	check_date(clock_racing_day(instant("2025-12-01T23:30:00Z")), 2025, 12, 1);
	check_date(clock_racing_day(instant("2025-12-01T23:59:59Z")), 2025, 12, 1);
	check_date(clock_racing_day(instant("2025-12-02T00:00:00Z")), 2025, 12, 2);
	/* On the change nights. */
	check_date(clock_racing_day(instant("2025-03-29T23:30:00Z")), 2025, 3, 29);
	check_date(clock_racing_day(instant("2025-10-25T23:30:00Z")), 2025, 10, 26);
	check_date(clock_racing_day(instant("2025-12-31T23:30:00Z")), 2025, 12, 31);
}

static void
test_parse_uk_local(void **state)
{
	static const char *const bad[] = {
		"", "2025-10-14", "2025-10-14 13:43", "2025-10-14 13:43:08Z",
		"2025-10-14 13:43:08+01:00", "2025-10-14 24:00:00", "2025-02-29 10:00:00",
		"2025-10-14 13:43:08 ", "2025-10-14x13:43:08",
	};
	time_t t;

	(void)state;
	assert_int_equal(clock_parse_uk_local("2025-10-14 13:43:08", &t), 0);
	assert_long_equal(t, instant("2025-10-14T12:43:08Z"));
	assert_int_equal(clock_parse_uk_local("2025-12-01 13:43:08", &t), 0);
	assert_long_equal(t, instant("2025-12-01T13:43:08Z"));
	assert_int_equal(clock_parse_uk_local("2025-10-14T13:43:08", &t), 0);
	assert_long_equal(t, instant("2025-10-14T12:43:08Z"));

	/* Spring forward: 00:59:59 GMT, then 02:00:00 BST. */
	assert_int_equal(clock_parse_uk_local("2025-03-30 00:59:59", &t), 0);
	assert_long_equal(t, instant("2025-03-30T00:59:59Z"));
	assert_int_equal(clock_parse_uk_local("2025-03-30 02:00:00", &t), 0);
	assert_long_equal(t, instant("2025-03-30T01:00:00Z"));
	/* Fall back: 01:30 happens twice and is read as BST; 02:00 is GMT. */
	assert_int_equal(clock_parse_uk_local("2025-10-26 01:30:00", &t), 0);
	assert_long_equal(t, instant("2025-10-26T00:30:00Z"));
	assert_int_equal(clock_parse_uk_local("2025-10-26 02:00:00", &t), 0);
	assert_long_equal(t, instant("2025-10-26T02:00:00Z"));
	assert_int_equal(clock_parse_uk_local("2025-10-26 00:59:59", &t), 0);
	assert_long_equal(t, instant("2025-10-25T23:59:59Z"));

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 42;
		if (clock_parse_uk_local(bad[i], &t) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_long_equal(t, 42);
	}
}

static void
test_date_add(void **state)
{
	struct clock_date d = { 2025, 1, 31 };
	struct clock_date leap = { 2024, 2, 28 };
	struct clock_date noleap = { 2100, 2, 28 };
	struct clock_date y400 = { 2000, 2, 28 };
	struct clock_date ny = { 2025, 12, 31 };

	(void)state;
	check_date(clock_date_add(d, 1), 2025, 2, 1);
	check_date(clock_date_add(d, 0), 2025, 1, 31);
	check_date(clock_date_add(d, -31), 2024, 12, 31);
	check_date(clock_date_add(d, 365), 2026, 1, 31);
	check_date(clock_date_add(ny, 1), 2026, 1, 1);
	check_date(clock_date_add(clock_date_add(ny, 1), -1), 2025, 12, 31);
	check_date(clock_date_add(leap, 1), 2024, 2, 29);
	check_date(clock_date_add(leap, 2), 2024, 3, 1);
	check_date(clock_date_add(noleap, 1), 2100, 3, 1);
	check_date(clock_date_add(y400, 1), 2000, 2, 29);
	check_date(clock_date_add(y400, 366), 2001, 2, 28);
	check_date(clock_date_add(d, -20000), 1970, 4, 30);
}

static void
test_days_from_civil(void **state)
{
	(void)state;
	assert_long_equal(clock_days_from_civil(1970, 1, 1), 0);
	assert_long_equal(clock_days_from_civil(1970, 1, 2), 1);
	assert_long_equal(clock_days_from_civil(1969, 12, 31), -1);
	assert_long_equal(clock_days_from_civil(1900, 1, 1), -25567);
	assert_long_equal(clock_days_from_civil(2000, 3, 1), 11017);
	assert_long_equal(clock_days_from_civil(2025, 10, 14), 20375);
}

static void
test_utc_date_and_back(void **state)
{
	struct clock_date d = { 2025, 10, 14 };

	(void)state;
	assert_long_equal(clock_date_to_utc(&d), instant("2025-10-14T00:00:00Z"));
	check_date(clock_utc_date(instant("2025-10-14T23:59:59Z")), 2025, 10, 14);
	check_date(clock_utc_date(instant("2025-10-15T00:00:00Z")), 2025, 10, 15);
	/* Before the epoch the day rounds down, not toward zero. */
	check_date(clock_utc_date(-1), 1969, 12, 31);
	check_date(clock_utc_date(-86400), 1969, 12, 31);
	check_date(clock_utc_date(-86401), 1969, 12, 30);
}

static void
test_format(void **state)
{
	struct clock_date d = { 2025, 3, 7 };
	char out[32];

	(void)state;
	clock_format_date(&d, out, 11);
	assert_string_equal(out, "2025-03-07");
	clock_format_instant(JUNE_NOON + 3723, out, 21);
	assert_string_equal(out, "2025-06-01T13:02:03Z");
	clock_format_instant(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	clock_format_instant(-1, out, sizeof(out));
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	/* A short buffer is cut and terminated. */
	clock_format_instant(0, out, 5);
	assert_string_equal(out, "1970");
	/* Round trip. */
	assert_long_equal(instant("2025-06-01T13:02:03Z"), JUNE_NOON + 3723);
}

/* DH_NOW's override freezes both clocks; the monotonic clock is never frozen. */
static void
test_override(void **state)
{
	time_t t = instant("2025-10-14T13:30:00Z");
	int64_t m;

	(void)state;
	assert_true(clock_now() > instant("2020-01-01T00:00:00Z"));
	assert_int_equal(clock_has_override(), 0);
	clock_set_override(t);
	assert_int_equal(clock_has_override(), 1);
	assert_long_equal(clock_now(), t);
	m = clock_mono_ms();
	assert_true(clock_mono_ms() >= m);
	assert_true(m > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instant_zones),
		cmocka_unit_test(test_instant_forms),
		cmocka_unit_test(test_instant_rejects),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_uk_offset_boundaries),
		cmocka_unit_test(test_racing_day),
		cmocka_unit_test(test_parse_uk_local),
		cmocka_unit_test(test_date_add),
		cmocka_unit_test(test_days_from_civil),
		cmocka_unit_test(test_utc_date_and_back),
		cmocka_unit_test(test_format),
		/* Last: the override cannot be undone. */
		cmocka_unit_test(test_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

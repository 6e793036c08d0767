/*
 * odds_live: GET /api/live-odds (current prices, filtered and paged) and
 * /api/live-odds/upcoming-races (races off within hours_ahead hours, with
 * runner and bookmaker counts).  One statement each; PostgreSQL builds the
 * body.  Both read ra_odds_live in the order of ra_odds_live_board_idx
 * (race_date, off_dt, race_id, number, horse_id, bookmaker_id): the page is
 * taken from the index, and the races are grouped without a sort.
 */
#include <stdio.h>

#include "api.h"
#include "clock.h"

static const char sql_live[] =
    "SELECT json_build_object('success', true, 'count', count(*), 'limit', $4::int,"
    "       'offset', $5::int, 'data', coalesce(json_agg(t), '[]'::json))::text AS body"
    "  FROM (SELECT race_id, horse_id, bookmaker_id, race_date, off_dt, course_id, course,"
    "               region_code, race_name, horse_name, number, bookmaker_name AS bookmaker,"
    "               fractional, decimal, ew_places, ew_denom, price_changed_at, fetched_at,"
    "               upstream_updated_at"
    "          FROM ra_odds_live"
    "         WHERE ($1::date IS NULL OR race_date = $1)"
    "           AND ($2::text IS NULL OR lower(course) = lower($2))"
    "           AND ($3::text IS NULL OR bookmaker_id = $3)"
    "         ORDER BY race_date, off_dt, race_id, number, horse_id, bookmaker_id"
    "         LIMIT $4 OFFSET $5) t";

/*
 * Runners first (one group per runner: how many bookmakers price it), then
 * races; both groupings follow the index order.  $1 now, $2 hours ahead,
 * $3 and $4 the racing days of now and of now + hours (the index's first
 * column), $5 limit, $6 offset.
 */
static const char sql_upcoming[] =
    "SELECT json_build_object('success', true, 'timestamp', $1::timestamptz,"
    "       'hours_ahead', $2::int,"
    "       'until', $1::timestamptz + make_interval(hours => $2::int),"
    "       'count', count(*), 'limit', $5::int, 'offset', $6::int,"
    "       'races', coalesce(json_agg(t), '[]'::json))::text AS body"
    "  FROM (SELECT race_id, race_date, off_dt,"
    "               to_char(off_dt AT TIME ZONE 'Europe/London', 'HH24:MI') AS off_time,"
    "               min(course_id) AS course_id, min(course) AS course,"
    "               min(region_code) AS region_code, min(race_name) AS race_name,"
    "               round(extract(epoch FROM off_dt - $1::timestamptz) / 60, 2) AS minutes_to_off,"
    "               count(*) AS runners, max(books) AS bookmakers,"
    "               max(fetched_at) AS prices_updated_at"
    "          FROM (SELECT race_date, off_dt, race_id, number, horse_id,"
    "                       min(course_id) AS course_id, min(course) AS course,"
    "                       min(region_code) AS region_code, min(race_name) AS race_name,"
    "                       count(*) AS books, max(fetched_at) AS fetched_at"
    "                  FROM ra_odds_live"
    "                 WHERE race_date BETWEEN $3::date AND $4::date"
    "                   AND off_dt >= $1::timestamptz"
    "                   AND off_dt < $1::timestamptz + make_interval(hours => $2::int)"
    "                 GROUP BY race_date, off_dt, race_id, number, horse_id) runner"
    "         GROUP BY race_date, off_dt, race_id"
    "         ORDER BY race_date, off_dt, race_id"
    "         LIMIT $5 OFFSET $6) t";

static const struct db_stmt odds_live_stmt = DB_STMT("odds_live", sql_live);
static const struct db_stmt odds_upcoming_stmt = DB_STMT("odds_upcoming", sql_upcoming);

static enum api_outcome
odds_live_list(struct request *r)
{
	struct clock_date day;
	char date[16];
	const char *params[5] = { NULL, NULL, NULL, NULL, NULL };
	struct api_page page;

	if (query_date(&r->query, "race_date", &day) == 1) {
		clock_format_date(&day, date, sizeof(date));
		params[0] = date;
	}
	query_str(&r->query, "course", 100, &params[1]);
	query_id(&r->query, "bookmaker", &params[2]);
	api_page(r, 100, &page);
	return api_send_page(r, &odds_live_stmt, params, 3, &page);
}

static enum api_outcome
odds_live_upcoming(struct request *r)
{
	struct clock_date d1, d2;
	char now[32], hours[16], day1[16], day2[16];
	const char *params[6] = { now, hours, day1, day2, NULL, NULL };
	struct api_page page;
	long h;

	query_int(&r->query, "hours_ahead", 1, 168, 24, &h);
	api_page(r, 100, &page);
	clock_format_instant(r->now, now, sizeof(now));
	snprintf(hours, sizeof(hours), "%ld", h);
	d1 = clock_racing_day(r->now);
	d2 = clock_racing_day(r->now + (time_t)h * 3600);
	clock_format_date(&d1, day1, sizeof(day1));
	clock_format_date(&d2, day2, sizeof(day2));
	return api_send_page(r, &odds_upcoming_stmt, params, 4, &page);
}

static const struct api_route odds_live_routes[] = {
	{ .method = "GET", .pattern = "/api/live-odds",
	  .operation_id = "get_live_odds_api_live_odds_get",
	  .handler = odds_live_list, .cache_control = API_LIVE, .name = "live_odds",
	  .summary = "Current prices, one row per race, runner and bookmaker",
	  .schema = "LiveOddsList",
	  .params = { { "race_date", "d", "racing day (Europe/London)" }, API_P_COURSE,
	      { "bookmaker", "s", "bookmaker_id, e.g. bet365" }, API_P_LIMIT(100), API_P_OFFSET } },
	{ .method = "GET", .pattern = "/api/live-odds/upcoming-races",
	  .operation_id = "get_upcoming_races_api_live_odds_upcoming_races_get",
	  .handler = odds_live_upcoming, .cache_control = API_LIVE, .name = "upcoming_races",
	  .summary = "Races off within hours_ahead hours",
	  .schema = "UpcomingRaces",
	  .params = { { "hours_ahead", "i", "1 to 168 (default 24)" }, API_P_LIMIT(100), API_P_OFFSET } },
};

static const struct api_schema odds_live_schemas[] = {
	{ "LiveOdds", "race_id:s horse_id:s bookmaker_id:s race_date:d off_dt:t course_id:s course:s region_code:s "
	  "race_name:s horse_name:s number:i bookmaker:s fractional:s decimal:n ew_places:i ew_denom:i "
	  "price_changed_at:t fetched_at:t upstream_updated_at:t" },
	{ "LiveOddsList", "success:b count:i limit:i offset:i data:[LiveOdds]" },
	{ "UpcomingRace", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "minutes_to_off:n runners:i bookmakers:i prices_updated_at:t" },
	{ "UpcomingRaces", "success:b timestamp:t hours_ahead:i until:t count:i limit:i offset:i races:[UpcomingRace]" },
};

const struct api_module odds_live_module = {
	.name = "odds_live", .tag = "Odds API",
	.routes = odds_live_routes, .nroutes = API_COUNT(odds_live_routes),
	.schemas = odds_live_schemas, .nschemas = API_COUNT(odds_live_schemas),
};

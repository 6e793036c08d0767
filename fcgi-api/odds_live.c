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

/*
 * The page is taken from ra_odds_live in the board index's order, then each
 * row gets the original's columns (reference §2.4): the race's class, type,
 * distance, going and field size from ra_races, the runner's jockey,
 * trainer, draw, weight (lbs, C6), age and form from ra_runners, the
 * bookmaker's type from ra_bookmakers.  The lookups are LATERAL with LIMIT 1
 * so that each stays one primary-key probe per row of the page.  The
 * original's integer id has no column here: a stable 52-bit number made from
 * the row's key stands in.  $1 race_date, $2 course and $3 bookmaker (NULL:
 * any; literal case-insensitive substrings; a bookmaker also by id, with or
 * without its underscores), $4 limit, $5 offset, $6..$11 the cursor: the
 * last row's race_date, off_dt (microseconds since 1970), race_id, number
 * (2^31 - 1 for none), horse_id, bookmaker_id.  The cursor's race starts the
 * index scan; the rows of that race before the cursor are filtered.  (dh-live
 * writes off_dt on every row: a row without one would be left out of pages
 * by key.)
 */
#define LIVE_RACE_KEY "$6, 'epoch'::timestamptz + $7::bigint * interval '1 microsecond', $8::text"

static const struct api_key live_key = { "live", "dusiss" };

static const char sql_live[] =
    "SELECT json_build_object('success', true, 'count', count(*), 'limit', $4::int,"
    "       'offset', $5::int, 'data', coalesce(json_agg(t), '[]'::json),"
    "       'next_after', CASE WHEN count(*) = $4 THEN dh_cursor((array_agg(json_build_array('live',"
    "           t.race_date, (extract(epoch FROM t.off_dt) * 1000000)::bigint, t.race_id,"
    "           coalesce(t.number, 2147483647), t.horse_id, t.bookmaker_id)))[$4]) END)::text AS body"
    "  FROM (SELECT l.race_id, l.horse_id, l.bookmaker_id, l.race_date, l.off_dt, l.course_id, l.course,"
    "               l.region_code, l.race_name, l.horse_name, l.number, l.bookmaker_name AS bookmaker,"
    "               l.fractional, l.decimal, l.ew_places, l.ew_denom, l.price_changed_at, l.fetched_at,"
    "               l.upstream_updated_at,"
    "               ('x' || substr(md5(l.race_id || '/' || l.horse_id || '/' || l.bookmaker_id), 1, 13))"
    "                   ::bit(52)::bigint AS id,"
    "               to_char(l.off_dt AT TIME ZONE 'Europe/London', 'HH24:MI:SS') AS race_time,"
    "               ra.race_class, ra.type AS race_type, ra.distance, ra.going, ra.field_size AS runners,"
    "               l.number AS horse_number, ru.jockey_name AS jockey, ru.trainer_name AS trainer,"
    "               ru.draw, ru.lbs::text AS weight, ru.age, ru.form, l.bookmaker_name,"
    "               dh_original_type(bk.type) AS bookmaker_type,"
    "               'WIN' AS market_type, l.decimal AS odds_decimal, l.fractional AS odds_fractional,"
    "               'OPEN' AS market_status, false AS in_play, l.price_changed_at AS odds_timestamp,"
    "               l.updated_at"
    "          FROM (SELECT * FROM ra_odds_live"
    "                 WHERE ($1::date IS NULL OR race_date = $1)"
    "                   AND ($2::text IS NULL OR strpos(lower(course), lower($2)) > 0)"
    "                   AND ($3::text IS NULL OR bookmaker_id = lower($3)"
    "                        OR replace(bookmaker_id, '_', '') = replace(lower($3), '_', '')"
    "                        OR strpos(lower(bookmaker_name), lower($3)) > 0)"
    "                   AND ($6::date IS NULL OR ((race_date, off_dt, race_id) >= (" LIVE_RACE_KEY ")"
    "                        AND ((race_date, off_dt, race_id) > (" LIVE_RACE_KEY ")"
    "                             OR (coalesce(number, 2147483647), horse_id, bookmaker_id)"
    "                                > ($9::bigint, $10::text, $11::text))))"
    "                 ORDER BY race_date, off_dt, race_id, number, horse_id, bookmaker_id"
    "                 LIMIT $4 OFFSET $5) l"
    "          LEFT JOIN LATERAL (SELECT race_class, type, distance, going, field_size FROM ra_races"
    "                              WHERE race_id = l.race_id LIMIT 1) ra ON true"
    "          LEFT JOIN LATERAL (SELECT jockey_name, trainer_name, draw, lbs, age, form FROM ra_runners"
    "                              WHERE race_id = l.race_id AND horse_id = l.horse_id LIMIT 1) ru ON true"
    "          LEFT JOIN LATERAL (SELECT type FROM ra_bookmakers"
    "                              WHERE bookmaker_id = l.bookmaker_id LIMIT 1) bk ON true"
    "         ORDER BY l.race_date, l.off_dt, l.race_id, l.number, l.horse_id, l.bookmaker_id) t";

/*
 * Runners first (one group per runner: how many bookmakers price it), then
 * races; both groupings follow the index order.  The races are answered
 * twice, as ours ("races") and as the original's ("data", reference §2.6,
 * whose five keys the same objects carry, race_time among them).  $1 now, $2 hours ahead,
 * $3 and $4 the racing days of now and of now + hours (the index's first
 * column), $5 limit, $6 offset, $7..$9 the cursor (the last race's
 * race_date, off_dt in microseconds since 1970, race_id).
 */
static const struct api_key upcoming_key = { "upcoming", "dus" };

static const char sql_upcoming[] =
    "SELECT json_build_object('success', true, 'timestamp', $1::timestamptz,"
    "       'hours_ahead', $2::int,"
    "       'until', $1::timestamptz + make_interval(hours => $2::int),"
    "       'count', n, 'limit', $5::int, 'offset', $6::int, 'races', races, 'data', races,"
    "       'next_after', CASE WHEN n = $5 THEN dh_cursor(last) END)::text AS body"
    "  FROM (SELECT count(*) AS n, coalesce(json_agg(t), '[]'::json) AS races,"
    "               (array_agg(json_build_array('upcoming', t.race_date,"
    "                   (extract(epoch FROM t.off_dt) * 1000000)::bigint, t.race_id)))[$5] AS last"
    "  FROM (SELECT race_id, race_date, off_dt,"
    "               to_char(off_dt AT TIME ZONE 'Europe/London', 'HH24:MI') AS off_time,"
    "               to_char(off_dt AT TIME ZONE 'Europe/London', 'HH24:MI:SS') AS race_time,"
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
    "                   AND ($7::date IS NULL OR (race_date, off_dt, race_id)"
    "                        > ($7, 'epoch'::timestamptz + $8::bigint * interval '1 microsecond', $9::text))"
    "                 GROUP BY race_date, off_dt, race_id, number, horse_id) runner"
    "         GROUP BY race_date, off_dt, race_id"
    "         ORDER BY race_date, off_dt, race_id"
    "         LIMIT $5 OFFSET $6) t) page";

static const struct db_stmt odds_live_stmt = DB_STMT("odds_live", sql_live);
static const struct db_stmt odds_upcoming_stmt = DB_STMT("odds_upcoming", sql_upcoming);

static enum api_outcome
odds_live_list(struct request *r)
{
	struct clock_date day;
	char date[16];
	const char *params[3 + 2 + API_MAX_KEYS] = { NULL };
	struct api_page page;

	if (query_date(&r->query, "race_date", &day) == 1) {
		clock_format_date(&day, date, sizeof(date));
		params[0] = date;
	}
	query_str(&r->query, "course", 100, &params[1]);
	query_str(&r->query, "bookmaker", 100, &params[2]);
	for (int i = 1; i <= 2; i++)
		if (params[i] != NULL && params[i][0] == '\0')
			params[i] = NULL;	/* empty: no filter, as the original */
	api_page_keyed(r, 100, &live_key, &page);
	return api_send_page(r, &odds_live_stmt, params, 3, &page);
}

static enum api_outcome
odds_live_upcoming(struct request *r)
{
	struct clock_date d1, d2;
	char now[32], hours[16], day1[16], day2[16];
	const char *params[4 + 2 + API_MAX_KEYS] = { now, hours, day1, day2 };
	struct api_page page;
	long h;

	query_int(&r->query, "hours_ahead", 1, 168, 24, &h);
	api_page_keyed(r, 100, &upcoming_key, &page);
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
	  .params = { { "race_date", "d", "racing day (Europe/London)" },
	      { "course", "s", "part of the course name, case-insensitive (e.g. ascot)" },
	      { "bookmaker", "s", "bookmaker_id (bet365, william_hill or williamhill) or part of the "
	        "bookmaker's name, case-insensitive (e.g. william)" }, API_P_LIMIT(100), API_P_OFFSET,
	      API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/live-odds/upcoming-races",
	  .operation_id = "get_upcoming_races_api_live_odds_upcoming_races_get",
	  .handler = odds_live_upcoming, .cache_control = API_LIVE, .name = "upcoming_races",
	  .summary = "Races off within hours_ahead hours",
	  .schema = "UpcomingRaces",
	  .params = { { "hours_ahead", "i", "1 to 168 (default 24)" }, API_P_LIMIT(100), API_P_OFFSET,
	      API_P_AFTER } },
};

static const struct api_schema odds_live_schemas[] = {
	{ "LiveOdds", "race_id:s horse_id:s bookmaker_id:s race_date:d off_dt:t course_id:s course:s region_code:s "
	  "race_name:s horse_name:s number:i bookmaker:s fractional:s decimal:n ew_places:i ew_denom:i "
	  "price_changed_at:t fetched_at:t upstream_updated_at:t "
	  "id:i race_time:s race_class:s race_type:s distance:s going:s runners:i horse_number:i jockey:s "
	  "trainer:s draw:i weight:s age:i form:s bookmaker_name:s bookmaker_type:s market_type:s "
	  "odds_decimal:n odds_fractional:s market_status:s in_play:b odds_timestamp:t updated_at:t" },
	{ "LiveOddsList", "success:b count:i limit:i offset:i data:[LiveOdds] next_after:s" },
	{ "UpcomingRace", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "minutes_to_off:n runners:i bookmakers:i prices_updated_at:t race_time:s" },
	{ "UpcomingRaces", "success:b timestamp:t hours_ahead:i until:t count:i limit:i offset:i races:[UpcomingRace] "
	  "data:[UpcomingRace] next_after:s" },
};

const struct api_module odds_live_module = {
	.name = "odds_live", .tag = "Odds API",
	.routes = odds_live_routes, .nroutes = API_COUNT(odds_live_routes),
	.schemas = odds_live_schemas, .nschemas = API_COUNT(odds_live_schemas),
};

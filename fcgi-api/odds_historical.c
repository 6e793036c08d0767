/*
 * odds_historical: finished races' odds (ra_odds_historical) and the
 * backfill's progress (dh_historical_dates).
 *
 *   GET /api/historical-odds           rows, newest first: race_date, course (substring),
 *                                      year (2015..this year), limit, offset, after
 *   GET /api/historical-odds/summary   totals and by year, from the per-day bookkeeping
 *   GET /api/historical-odds/coverage  dates present and missing between from and to
 *
 * The summary reads dh_historical_dates (one row a day) and the ends of the
 * race_date index, never the whole table.
 */
#include <stdio.h>

#include "api.h"
#include "clock.h"

#define HISTORICAL_FIRST_YEAR 2015	/* the original's lower bound of ?year */
#define COVERAGE_MAX_DAYS 366
#define COVERAGE_DEFAULT_DAYS 90

/*
 * The list's order (ra_odds_historical_page_idx, 0011): newest day, latest
 * off (no time first, as DESC puts NULLs), race, finishing position, horse.
 * Its cursor: the day, the off time's seconds (24:00 for none), race,
 * position (2^31 - 1 for none), horse; a cursor's condition starts the index
 * scan at its day and filters that day's rows before it.
 */
#define HISTORICAL_ORDER(t) \
    t "race_date DESC, " t "race_time DESC, " t "race_id, " t "position_num NULLS LAST, " t "horse_id"
#define HISTORICAL_TIME(t) "extract(epoch FROM coalesce(" t "race_time, TIME '24:00'))::bigint"

static const struct api_key historical_key = { "historical", "disis" };

/*
 * A page of rows: ours, and beside them the original's columns (reference
 * §2.8), derived from ours and the runner's result (ra_runners, one
 * primary-key probe a row of the page: LATERAL with LIMIT 1 keeps it a
 * nested loop, where a join would hash the whole of ra_runners for a page).  The
 * original's racing_bet_data_id was a serial; ours is a stable number made
 * from the row's key (race, horse), below 2^52 so JavaScript reads it whole.
 */
static const char sql_list[] =
    "SELECT json_build_object('success', true, 'count', count(*), 'limit', $4::int,"
    "       'offset', $5::int,"
    "       'data', coalesce(json_agg(t ORDER BY " HISTORICAL_ORDER("t.") "), '[]'::json),"
    "       'message', CASE WHEN count(*) = 0 THEN 'No historical data available yet' END,"
    "       'next_after', CASE WHEN count(*) = $4 THEN dh_cursor((array_agg(json_build_array('historical',"
    "           t.race_date, " HISTORICAL_TIME("t.") ", t.race_id, coalesce(t.position_num, 2147483647),"
    "           t.horse_id) ORDER BY " HISTORICAL_ORDER("t.") "))[$4]) END)::text AS body"
    "  FROM (SELECT h.race_id, h.horse_id, h.race_date, h.race_time, h.off_dt, h.country, h.course_id,"
    "               h.course, h.race_name, substring(h.race_class FROM '[0-9]+')::int AS race_class,"
    "               h.race_class AS race_class_name, h.race_type, h.distance, h.going, h.field_size,"
    "               h.horse_name, h.jockey, h.trainer, h.number, h.draw, h.position, h.position_num,"
    "               h.finished, h.sp, h.sp_dec, h.sp_fav_rank, h.bookmaker_count, h.price_min,"
    "               h.price_max, h.price_mean, h.win_return, h.place_return, h.ew_return,"
    "               h.ew_fraction, h.ew_places,"
    "               ('x' || left(md5(h.race_id || '/' || h.horse_id), 13))::bit(52)::bigint"
    "                   AS racing_bet_data_id,"
    "               h.race_date::timestamp AT TIME ZONE 'UTC' AS date_of_race,"
    "               upper(h.course) AS track, h.field_size AS runners_count,"
    "               coalesce(ru.result_or, ru.ofr) AS official_rating, ru.age, ru.weight,"
    "               ru.headgear, h.draw AS stall_number, h.sp_fav_rank AS sp_favorite_position,"
    "               h.sp_dec AS industry_sp, h.position AS finishing_position,"
    "               ru.btn AS winning_distance, h.price_min AS ip_min, h.price_max AS ip_max,"
    "               h.price_min AS pre_race_min, h.price_max AS pre_race_max,"
    "               h.price_mean AS forecasted_odds, h.win_return AS sp_win_return,"
    "               'Racing API - Racecards + Results' AS data_source,"
    "               'racing_api_combined_v1' AS file_source, h.created_at, h.updated_at,"
    "               h.off_dt AS match_timestamp"
    "          FROM (SELECT * FROM ra_odds_historical"
    "                 WHERE ($1::date IS NULL OR race_date = $1)"
    "                   AND ($2::text IS NULL OR lower(course) LIKE dh_contains_pattern($2))"
    "                   AND ($3::int IS NULL OR (race_date >= make_date($3, 1, 1)"
    "                                            AND race_date < make_date($3 + 1, 1, 1)))"
    "                   AND ($6::date IS NULL OR (race_date <= $6 AND (race_date < $6"
    "                        OR " HISTORICAL_TIME("") " < $7::bigint"
    "                        OR (" HISTORICAL_TIME("") " = $7::bigint"
    "                            AND (race_id, coalesce(position_num, 2147483647), horse_id)"
    "                                > ($8::text, $9::bigint, $10::text)))))"
    "                 ORDER BY " HISTORICAL_ORDER("")
    "                 LIMIT $4 OFFSET $5) h"
    "          LEFT JOIN LATERAL (SELECT result_or, ofr, age, weight, headgear, btn FROM ra_runners"
    "                              WHERE race_id = h.race_id AND horse_id = h.horse_id LIMIT 1) ru ON true) t";

/*
 * The original's keys (reference §2.9) sit at the top: total_records and
 * unique_races_sample are the bookkeeping's exact totals (C12), the dates
 * instants at 00:00 UTC of the racing day, as its date_of_race rendered.
 */
static const char sql_summary[] =
    "WITH d AS (SELECT race_date, state, races, rows, completed_at FROM dh_historical_dates),"
    "     s AS (SELECT (SELECT coalesce(sum(rows), 0) FROM d) AS total_records,"
    "                  (SELECT coalesce(sum(races), 0) FROM d) AS total_races,"
    "                  (SELECT min(race_date) FROM ra_odds_historical) AS earliest,"
    "                  (SELECT max(race_date) FROM ra_odds_historical) AS latest)"
    "SELECT json_build_object('success', true,"
    "       'total_records', s.total_records,"
    "       'earliest_date', s.earliest::timestamp AT TIME ZONE 'UTC',"
    "       'latest_date', s.latest::timestamp AT TIME ZONE 'UTC',"
    "       'unique_races_sample', s.total_races,"
    "       'date_range', coalesce(to_char(s.earliest, 'YYYY'), '?') || ' - '"
    "                     || coalesce(to_char(s.latest, 'YYYY'), '?'),"
    "       'summary', json_build_object("
    "         'total_records', s.total_records,"
    "         'total_races', s.total_races,"
    "         'days_done', (SELECT count(*) FROM d WHERE state = 'done'),"
    "         'days_missing', (SELECT count(*) FROM d WHERE state = 'missing'),"
    "         'days_failed', (SELECT count(*) FROM d WHERE state = 'failed'),"
    "         'earliest_date', s.earliest,"
    "         'latest_date', s.latest,"
    "         'last_completed_at', (SELECT max(completed_at) FROM d),"
    "         'estimated_rows', (SELECT greatest(reltuples, 0)::bigint FROM pg_class"
    "                             WHERE oid = 'ra_odds_historical'::regclass)),"
    "       'by_year', (SELECT coalesce(json_agg(y ORDER BY y.year DESC), '[]'::json)"
    "                     FROM (SELECT extract(year FROM race_date)::int AS year,"
    "                                  sum(rows) AS records, sum(races) AS races,"
    "                                  count(*) FILTER (WHERE state = 'done') AS days_done,"
    "                                  count(*) FILTER (WHERE state <> 'done') AS days_not_done,"
    "                                  min(race_date) AS first_date, max(race_date) AS last_date"
    "                             FROM d GROUP BY 1) y))::text AS body"
    "  FROM s";

/*
 * One row a day from $1 to $2: the backfill's state, and whether rows are
 * really there (one probe of the race_date index a day).  A day marked done
 * with no rows had no racing.
 */
static const char sql_coverage[] =
    "WITH days AS ("
    "  SELECT g.day::date AS day, h.state, h.races, h.rows, h.attempts, h.last_error,"
    "         EXISTS (SELECT 1 FROM ra_odds_historical o WHERE o.race_date = g.day::date) AS has_data"
    "    FROM generate_series($1::date, $2::date, interval '1 day') g (day)"
    "    LEFT JOIN dh_historical_dates h ON h.race_date = g.day::date)"
    "SELECT json_build_object('success', true, 'from', $1::date, 'to', $2::date,"
    "       'days', count(*),"
    "       'present_count', count(*) FILTER (WHERE has_data),"
    "       'missing_count', count(*) FILTER (WHERE NOT has_data AND state IS DISTINCT FROM 'done'),"
    "       'present', coalesce(json_agg(day ORDER BY day) FILTER (WHERE has_data), '[]'::json),"
    "       'missing', coalesce(json_agg(day ORDER BY day DESC)"
    "                           FILTER (WHERE NOT has_data AND state IS DISTINCT FROM 'done'),"
    "                           '[]'::json),"
    "       'no_racing', coalesce(json_agg(day ORDER BY day) FILTER (WHERE NOT has_data AND state = 'done'),"
    "                             '[]'::json),"
    "       'dates', json_agg(json_build_object('date', day, 'has_data', has_data,"
    "                          'state', coalesce(state, 'unknown'), 'races', races, 'rows', rows,"
    "                          'attempts', attempts, 'last_error', " API_ERROR_TEXT("last_error", "$3::bool") ")"
    "                          ORDER BY day)"
    "       )::text AS body"
    "  FROM days";

static const struct db_stmt historical_list_stmt = DB_STMT("historical_list", sql_list);
static const struct db_stmt historical_summary_stmt = DB_STMT("historical_summary", sql_summary);
static const struct db_stmt historical_coverage_stmt = DB_STMT("historical_coverage", sql_coverage);

static enum api_outcome
odds_historical_list(struct request *r)
{
	struct clock_date day;
	char date[16], year_s[16];
	const char *params[3 + 2 + API_MAX_KEYS] = { NULL };
	struct api_page page;
	long year;

	if (query_date(&r->query, "race_date", &day) == 1) {
		clock_format_date(&day, date, sizeof(date));
		params[0] = date;
	}
	if (query_str(&r->query, "course", 100, &params[1]) == 1 && params[1][0] == '\0')
		params[1] = NULL;	/* the original: an empty filter is no filter */
	if (query_int(&r->query, "year", HISTORICAL_FIRST_YEAR, clock_racing_day(r->now).year, 0,
	    &year) == 1) {
		snprintf(year_s, sizeof(year_s), "%ld", year);
		params[2] = year_s;
	}
	api_page_keyed(r, 100, &historical_key, &page);
	return api_send_page(r, &historical_list_stmt, params, 3, &page);
}

static enum api_outcome
odds_historical_summary(struct request *r)
{
	return api_send_json(r, &historical_summary_stmt, 0, NULL);
}

static enum api_outcome
odds_historical_coverage(struct request *r)
{
	struct clock_date to = clock_date_add(clock_racing_day(r->now), -1), from;
	char from_s[16], to_s[16];
	const char *params[3] = { from_s, to_s, NULL };
	int operator;

	query_date_range(&r->query, COVERAGE_DEFAULT_DAYS, COVERAGE_MAX_DAYS, &from, &to);
	if (resp_invalid_params(r))
		return API_DONE;
	operator = api_operator(r);
	if (operator < 0)
		return api_db_failed(r);
	params[2] = operator ? "true" : "false";
	clock_format_date(&from, from_s, sizeof(from_s));
	clock_format_date(&to, to_s, sizeof(to_s));
	return api_send_json(r, &historical_coverage_stmt, 3, params);
}

static const struct api_route odds_historical_routes[] = {
	{ .method = "GET", .pattern = "/api/historical-odds",
	  .operation_id = "get_historical_odds_api_historical_odds_get",
	  .handler = odds_historical_list, .cache_control = API_MASTERS, .name = "historical_odds",
	  .summary = "Finished races: SP, position, pre-race price range, returns; newest first",
	  .schema = "HistoricalList",
	  .params = { { "race_date", "d", "racing day" },
	      { "course", "s", "part of the course name, any case (e.g. asc)" },
	      { "year", "i", "2015 to the current year" }, API_P_LIMIT(100), API_P_OFFSET, API_P_AFTER } },
	{ .method = "GET", .pattern = "/api/historical-odds/summary",
	  .operation_id = "get_historical_summary_api_historical_odds_summary_get",
	  .handler = odds_historical_summary, .cache_control = API_SLOW, .name = "historical_summary",
	  .summary = "Totals of the historical odds (the original's keys at the top), by year",
	  .schema = "HistoricalSummary" },
	{ .method = "GET", .pattern = "/api/historical-odds/coverage",
	  .handler = odds_historical_coverage, .cache_control = API_SLOW, .name = "historical_coverage",
	  .summary = "Backfill gap report: dates with historical odds and dates missing (at most 366 days)",
	  .schema = "Coverage",
	  .params = { { "from", "d", "first date (default: 89 days before to)" },
	      { "to", "d", "last date (default: yesterday)" } } },
};

static const struct api_schema odds_historical_schemas[] = {
	{ "HistoricalOdds", "race_id:s horse_id:s race_date:d race_time:s off_dt:t country:s course_id:s course:s "
	  "race_name:s race_class:i race_class_name:s race_type:s distance:s going:s field_size:i horse_name:s "
	  "jockey:s trainer:s number:i draw:i position:s position_num:i finished:b sp:s sp_dec:n sp_fav_rank:i "
	  "bookmaker_count:i price_min:n price_max:n price_mean:n win_return:n place_return:n ew_return:n "
	  "ew_fraction:s ew_places:i racing_bet_data_id:i date_of_race:t track:s runners_count:i "
	  "official_rating:i age:i weight:s headgear:s stall_number:i sp_favorite_position:i industry_sp:n "
	  "finishing_position:s winning_distance:s ip_min:n ip_max:n pre_race_min:n pre_race_max:n "
	  "forecasted_odds:n sp_win_return:n data_source:s file_source:s created_at:t updated_at:t "
	  "match_timestamp:t" },
	{ "HistoricalList", "success:b count:i limit:i offset:i data:[HistoricalOdds] message:s next_after:s" },
	{ "HistoricalTotals", "total_records:i total_races:i days_done:i days_missing:i days_failed:i "
	  "earliest_date:d latest_date:d last_completed_at:t estimated_rows:i" },
	{ "HistoricalYear", "year:i records:i races:i days_done:i days_not_done:i first_date:d last_date:d" },
	{ "HistoricalSummary", "success:b total_records:i earliest_date:t latest_date:t unique_races_sample:i "
	  "date_range:s summary:HistoricalTotals by_year:[HistoricalYear]" },
	{ "CoverageDay", "date:d has_data:b state:s races:i rows:i attempts:i last_error:s" },
	{ "Coverage", "success:b from:d to:d days:i present_count:i missing_count:i present:[d] missing:[d] "
	  "no_racing:[d] dates:[CoverageDay]" },
};

const struct api_module odds_historical_module = {
	.name = "odds_historical", .tag = "Odds API",
	.routes = odds_historical_routes, .nroutes = API_COUNT(odds_historical_routes),
	.schemas = odds_historical_schemas, .nschemas = API_COUNT(odds_historical_schemas),
};

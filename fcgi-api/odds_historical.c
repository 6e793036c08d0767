/*
 * odds_historical: finished races' odds (ra_odds_historical) and the
 * backfill's progress (dh_historical_dates).
 *
 *   GET /api/historical-odds           rows, newest first: race_date, course, year, limit, offset
 *   GET /api/historical-odds/summary   totals by year, from the per-day bookkeeping
 *   GET /api/historical-odds/coverage  dates present and missing between from and to
 *
 * The summary reads dh_historical_dates (one row a day) and the ends of the
 * race_date index, never the whole table.
 */
#include <stdio.h>

#include "api.h"
#include "clock.h"

#define COVERAGE_MAX_DAYS 366
#define COVERAGE_DEFAULT_DAYS 90

static const char sql_list[] =
    "SELECT json_build_object('success', true, 'count', count(*), 'limit', $4::int,"
    "       'offset', $5::int, 'data', coalesce(json_agg(t), '[]'::json))::text AS body"
    "  FROM (SELECT race_id, horse_id, race_date, race_time, off_dt, country, course_id, course,"
    "               race_name, race_class, race_type, distance, going, field_size, horse_name,"
    "               jockey, trainer, number, draw, position, position_num, finished, sp, sp_dec,"
    "               sp_fav_rank, bookmaker_count, price_min, price_max, price_mean, win_return,"
    "               place_return, ew_return, ew_fraction, ew_places"
    "          FROM ra_odds_historical"
    "         WHERE ($1::date IS NULL OR race_date = $1)"
    "           AND ($2::text IS NULL OR lower(course) = lower($2))"
    "           AND ($3::int IS NULL OR (race_date >= make_date($3, 1, 1)"
    "                                    AND race_date < make_date($3 + 1, 1, 1)))"
    "         ORDER BY race_date DESC, race_time DESC, race_id, position_num NULLS LAST, horse_id"
    "         LIMIT $4 OFFSET $5) t";

static const char sql_summary[] =
    "WITH d AS (SELECT race_date, state, races, rows, completed_at FROM dh_historical_dates)"
    "SELECT json_build_object('success', true, 'summary', json_build_object("
    "         'total_records', (SELECT coalesce(sum(rows), 0) FROM d),"
    "         'total_races', (SELECT coalesce(sum(races), 0) FROM d),"
    "         'days_done', (SELECT count(*) FROM d WHERE state = 'done'),"
    "         'days_missing', (SELECT count(*) FROM d WHERE state = 'missing'),"
    "         'days_failed', (SELECT count(*) FROM d WHERE state = 'failed'),"
    "         'earliest_date', (SELECT min(race_date) FROM ra_odds_historical),"
    "         'latest_date', (SELECT max(race_date) FROM ra_odds_historical),"
    "         'last_completed_at', (SELECT max(completed_at) FROM d),"
    "         'estimated_rows', (SELECT greatest(reltuples, 0)::bigint FROM pg_class"
    "                             WHERE oid = 'ra_odds_historical'::regclass)),"
    "       'by_year', (SELECT coalesce(json_agg(y ORDER BY y.year DESC), '[]'::json)"
    "                     FROM (SELECT extract(year FROM race_date)::int AS year,"
    "                                  sum(rows) AS records, sum(races) AS races,"
    "                                  count(*) FILTER (WHERE state = 'done') AS days_done,"
    "                                  count(*) FILTER (WHERE state <> 'done') AS days_not_done,"
    "                                  min(race_date) AS first_date, max(race_date) AS last_date"
    "                             FROM d GROUP BY 1) y))::text AS body";

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
    "                          'attempts', attempts, 'last_error', last_error) ORDER BY day)"
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
	const char *params[5] = { NULL, NULL, NULL, NULL, NULL };
	struct api_page page;
	long year;

	if (query_date(&r->query, "race_date", &day) == 1) {
		clock_format_date(&day, date, sizeof(date));
		params[0] = date;
	}
	query_str(&r->query, "course", 100, &params[1]);
	if (query_int(&r->query, "year", 1990, 2100, 0, &year) == 1) {
		snprintf(year_s, sizeof(year_s), "%ld", year);
		params[2] = year_s;
	}
	api_page(r, 100, &page);
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
	const char *params[2] = { from_s, to_s };
	int has_from;
	int64_t span;

	has_from = query_date(&r->query, "from", &from);
	query_date(&r->query, "to", &to);
	if (has_from != 1)
		from = clock_date_add(to, -(COVERAGE_DEFAULT_DAYS - 1));
	span = clock_days_from_civil(to.year, to.month, to.day) -
	    clock_days_from_civil(from.year, from.month, from.day) + 1;
	if (r->query.errors == NULL && span < 1)
		query_error(&r->query, "from", "parameter \"from\" must not be after \"to\"",
		    "value_error.date_range");
	else if (r->query.errors == NULL && span > COVERAGE_MAX_DAYS)
		query_error(&r->query, "from", "at most 366 days from \"from\" to \"to\"",
		    "value_error.date_range");
	if (resp_invalid_params(r))
		return API_DONE;
	clock_format_date(&from, from_s, sizeof(from_s));
	clock_format_date(&to, to_s, sizeof(to_s));
	return api_send_json(r, &historical_coverage_stmt, 2, params);
}

static const struct api_route odds_historical_routes[] = {
	{ .method = "GET", .pattern = "/api/historical-odds",
	  .operation_id = "get_historical_odds_api_historical_odds_get",
	  .handler = odds_historical_list, .cache_control = API_MASTERS, .name = "historical_odds",
	  .summary = "Finished races: SP, position, pre-race price range, returns; newest first",
	  .schema = "HistoricalList",
	  .params = { { "race_date", "d", "racing day" }, API_P_COURSE, { "year", "i", "1990 to 2100" }, API_P_LIMIT(100), API_P_OFFSET } },
	{ .method = "GET", .pattern = "/api/historical-odds/summary",
	  .operation_id = "get_historical_summary_api_historical_odds_summary_get",
	  .handler = odds_historical_summary, .cache_control = API_SLOW, .name = "historical_summary",
	  .summary = "Totals of the historical odds, by year",
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
	  "race_name:s race_class:s race_type:s distance:s going:s field_size:i horse_name:s jockey:s trainer:s "
	  "number:i draw:i position:s position_num:i finished:b sp:s sp_dec:n sp_fav_rank:i bookmaker_count:i "
	  "price_min:n price_max:n price_mean:n win_return:n place_return:n ew_return:n ew_fraction:s ew_places:i" },
	{ "HistoricalList", "success:b count:i limit:i offset:i data:[HistoricalOdds]" },
	{ "HistoricalTotals", "total_records:i total_races:i days_done:i days_missing:i days_failed:i "
	  "earliest_date:d latest_date:d last_completed_at:t estimated_rows:i" },
	{ "HistoricalYear", "year:i records:i races:i days_done:i days_not_done:i first_date:d last_date:d" },
	{ "HistoricalSummary", "success:b summary:HistoricalTotals by_year:[HistoricalYear]" },
	{ "CoverageDay", "date:d has_data:b state:s races:i rows:i attempts:i last_error:s" },
	{ "Coverage", "success:b from:d to:d days:i present_count:i missing_count:i present:[d] missing:[d] "
	  "no_racing:[d] dates:[CoverageDay]" },
};

const struct api_module odds_historical_module = {
	.name = "odds_historical", .tag = "Odds API",
	.routes = odds_historical_routes, .nroutes = API_COUNT(odds_historical_routes),
	.schemas = odds_historical_schemas, .nschemas = API_COUNT(odds_historical_schemas),
};

/*
 * dh-statistics: every 10 minutes (and at start) computes what the original
 * statistics job produced, for live and historical odds, with SQL, and stores
 * one JSON snapshot per kind in dh_stats_snapshots so any API host can serve
 * it, with the original's per-table block beside ours, and refreshes the form
 * figures and early-price rollups (dh_refresh_form, dh_refresh_market).
 * Snapshots older than 7 days are pruned (the newest of each kind stays).
 * The figures come from counts the writes keep (migration 0012) and bounded
 * index reads, not scans of whole tables, so a cycle costs the same at three
 * years as at one day.
 */
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "num.h"
#include "worker.h"

#define STATS_INTERVAL_S 600

/*
 * $1 is "now" (DH_NOW or the clock), so recent-activity windows are
 * reproducible in tests.  ra_odds_history's 24-hour count takes its window
 * from C as constants, $2 = now - 24 h and $3 = the first whole UTC hour
 * after $2, so the planner prunes the monthly partitions itself (a STABLE
 * now-expression is pruned only at execution, after every partition was
 * costed): whole hours from dh_odds_history_hourly (migration 0012), the
 * rest of the first hour row by row on the BRIN index of observed_at.  The session's TimeZone is UTC (stats_cycle), so
 * instants render with +00:00.
 *
 * Each snapshot also carries the original's block (reference §4.1) under
 * the original's table name, which /api/statistics serves as "data": its
 * basic_metrics times are strings as Python's str() printed them
 * ("2025-10-14 11:15:02.532911+00:00"), list times ISO instants.
 */
#define STATS_PY_STR(x) "((" x ")::text || ':00')"
#define STATS_TODAY "($1::timestamptz AT TIME ZONE 'Europe/London')::date"

static const char sql_live[] =
    "WITH t AS (SELECT count(*) AS total, min(race_date) AS earliest, max(race_date) AS latest,"
    "        max(fetched_at) AS latest_fetch, max(price_changed_at) AS latest_odds,"
    "        count(*) FILTER (WHERE fetched_at > $1::timestamptz - interval '1 hour') AS last_hour,"
    "        count(*) FILTER (WHERE fetched_at > $1::timestamptz - interval '24 hours') AS last_24h,"
    "        count(*) FILTER (WHERE fetched_at > $1::timestamptz - interval '7 days') AS last_7d,"
    "        count(DISTINCT race_id) AS races, count(DISTINCT horse_id) AS horses,"
    "        count(DISTINCT course_id) AS courses, count(DISTINCT course) AS course_names,"
    "        count(DISTINCT bookmaker_id) AS bookmakers,"
    "        count(DISTINCT (race_id, horse_id)) AS runners,"
    "        count(*) FILTER (WHERE off_dt IS NULL) AS null_off,"
    "        count(*) FILTER (WHERE course_id IS NULL) AS null_course,"
    "        count(*) FILTER (WHERE course IS NULL) AS null_course_name,"
    "        count(*) FILTER (WHERE horse_name IS NULL) AS null_horse,"
    "        count(*) FILTER (WHERE ew_places IS NULL) AS null_ew"
    "       FROM ra_odds_live),"
    "     b AS (SELECT l.bookmaker_id, max(l.bookmaker_name) AS name, count(*) AS n,"
    "        count(DISTINCT l.race_id) AS races, count(DISTINCT l.horse_id) AS horses,"
    "        max(l.price_changed_at) AS latest,"
    "        dh_original_type(max(k.type)) AS type"
    "       FROM ra_odds_live l LEFT JOIN ra_bookmakers k ON k.bookmaker_id = l.bookmaker_id"
    "      GROUP BY 1),"
    "     d AS (SELECT race_date, count(*) AS n, count(DISTINCT race_id) AS races,"
    "        count(DISTINCT bookmaker_id) AS books"
    "       FROM ra_odds_live WHERE race_date >= " STATS_TODAY " - 7 GROUP BY 1),"
    "     c AS (SELECT course, count(*) AS n, count(DISTINCT race_id) AS races,"
    "        count(DISTINCT bookmaker_id) AS books"
    "       FROM ra_odds_live WHERE course IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20)"
    "INSERT INTO dh_stats_snapshots (kind, taken_at, body)"
    " SELECT 'live', $1::timestamptz, jsonb_build_object("
    "  'table', 'ra_odds_live',"
    "  'generated_at', $1::timestamptz,"
    "  'total_records', t.total,"
    "  'date_range', jsonb_build_object('earliest', t.earliest, 'latest', t.latest),"
    "  'latest_fetch', t.latest_fetch,"
    "  'recent_activity', jsonb_build_object('last_hour', t.last_hour, 'last_24h', t.last_24h,"
    "                                         'last_7d', t.last_7d),"
    "  'unique_entities', jsonb_build_object('races', t.races, 'horses', t.horses,"
    "                                         'courses', t.courses, 'bookmakers', t.bookmakers),"
    "  'bookmaker_coverage', (SELECT coalesce(jsonb_agg(jsonb_build_object("
    "        'bookmaker_id', bookmaker_id, 'bookmaker', name, 'records', n, 'races', races)"
    "        ORDER BY n DESC), '[]') FROM b),"
    "  'records_per_date', (SELECT coalesce(jsonb_agg(jsonb_build_object('date', race_date,"
    "        'records', n) ORDER BY race_date DESC), '[]') FROM d"
    "        WHERE race_date > " STATS_TODAY " - 7),"
    "  'course_distribution', (SELECT coalesce(jsonb_agg(jsonb_build_object('course_id', course_id,"
    "        'course', course, 'records', n) ORDER BY n DESC), '[]') FROM (SELECT course_id,"
    "        max(course) AS course, count(*) AS n FROM ra_odds_live GROUP BY 1"
    "        ORDER BY 3 DESC LIMIT 20) c),"
    "  'null_counts', jsonb_build_object('off_dt', t.null_off, 'course_id', t.null_course,"
    "        'horse_name', t.null_horse, 'ew_places', t.null_ew),"
    "  'odds_coverage', jsonb_build_object('runners', t.runners,"
    "        'avg_bookmakers_per_runner', round(t.total::numeric / nullif(t.runners, 0), 2)),"
    "  'history_records', ((SELECT coalesce(sum(rows), 0) FROM dh_odds_history_hourly"
    "        WHERE hour >= $3::timestamptz) + (SELECT count(*) FROM ra_odds_history"
    "        WHERE observed_at > $2::timestamptz AND observed_at < $3::timestamptz))::bigint,"
    "  'ra_odds_live', jsonb_build_object("
    "    'basic_metrics', jsonb_build_object('total_records', t.total,"
    "        'earliest_race_date', t.earliest::text, 'latest_race_date', t.latest::text,"
    "        'latest_odds_timestamp', " STATS_PY_STR("t.latest_odds") ","
    "        'latest_fetch', " STATS_PY_STR("t.latest_fetch") "),"
    "    'recent_activity', jsonb_build_object('records_last_hour', t.last_hour,"
    "        'records_last_24h', t.last_24h),"
    "    'unique_entities', jsonb_build_object('unique_races', t.races, 'unique_horses', t.horses,"
    "        'unique_courses', t.course_names, 'unique_bookmakers', t.bookmakers),"
    "    'bookmaker_coverage', (SELECT coalesce(jsonb_agg(jsonb_build_object("
    "        'bookmaker_id', bookmaker_id, 'bookmaker_name', name, 'bookmaker_type', type,"
    "        'odds_count', n, 'races_covered', races, 'horses_covered', horses, 'latest_odds', latest)"
    "        ORDER BY n DESC, bookmaker_id), '[]') FROM b),"
    "    'records_per_date', (SELECT coalesce(jsonb_agg(jsonb_build_object('race_date', race_date,"
    "        'record_count', n, 'unique_races', races, 'unique_bookmakers', books)"
    "        ORDER BY race_date DESC), '[]') FROM d),"
    "    'course_distribution', (SELECT coalesce(jsonb_agg(jsonb_build_object('course', course,"
    "        'record_count', n, 'unique_races', races, 'unique_bookmakers', books)"
    "        ORDER BY n DESC, course), '[]') FROM c),"
    "    'data_quality', jsonb_build_object('null_race_id', 0, 'null_horse_id', 0,"
    "        'null_bookmaker_id', 0, 'null_race_date', 0, 'null_course', t.null_course_name,"
    "        'null_horse_name', t.null_horse, 'null_odds_decimal', 0, 'null_odds_timestamp', 0,"
    "        'total_records', t.total),"
    "    'market_status', CASE WHEN t.total > 0 THEN jsonb_build_array(jsonb_build_object("
    "        'market_status', 'OPEN', 'record_count', t.total, 'percentage', 100.0))"
    "        ELSE '[]' END))"
    " FROM t";

/*
 * ra_odds_historical's figures come from dh_historical_counts (migration
 * 0012: how many rows carry each value of each column counted, kept by
 * triggers), its indexes (race dates, updated_at, created_at) and the last
 * week's rows, never from a scan of the whole table.  STATS_N is the rows
 * counted under a kind and value, STATS_DISTINCT the distinct non-NULL
 * values of a kind.
 */
#define STATS_N(kind, value) \
    "coalesce((SELECT n FROM dh_historical_counts WHERE kind = '" kind "' AND value = '" value "'), 0)"
#define STATS_DISTINCT(kind) "(SELECT count(*) FROM dh_historical_counts WHERE kind = '" kind "')"

static const char sql_historical[] =
    "WITH t AS (SELECT " STATS_N("total", "") " AS total,"
    "        (SELECT min(race_date) FROM ra_odds_historical) AS earliest,"
    "        (SELECT max(race_date) FROM ra_odds_historical) AS latest,"
    "        " STATS_DISTINCT("race_date") " AS days,"
    "        (SELECT max(updated_at) FROM ra_odds_historical) AS latest_fetch,"
    "        (SELECT count(*) FROM ra_odds_historical"
    "          WHERE updated_at > $1::timestamptz - interval '24 hours') AS last_24h,"
    "        (SELECT count(*) FROM ra_odds_historical"
    "          WHERE updated_at > $1::timestamptz - interval '7 days') AS last_7d,"
    "        (SELECT count(*) FROM ra_odds_historical"
    "          WHERE created_at > $1::timestamptz - interval '1 hour') AS new_hour,"
    "        (SELECT count(*) FROM ra_odds_historical"
    "          WHERE created_at > $1::timestamptz - interval '24 hours') AS new_24h,"
    "        (SELECT count(*) FROM ra_odds_historical"
    "          WHERE created_at > $1::timestamptz - interval '7 days') AS new_7d,"
    "        " STATS_DISTINCT("race_id") " AS races, " STATS_DISTINCT("horse_id") " AS horses,"
    "        " STATS_DISTINCT("horse_name") " AS horse_names,"
    "        " STATS_DISTINCT("course") " AS course_names,"
    "        " STATS_DISTINCT("course_id") " AS tracks, " STATS_DISTINCT("jockey") " AS jockeys,"
    "        " STATS_DISTINCT("trainer") " AS trainers, " STATS_DISTINCT("country") " AS countries,"
    "        " STATS_N("null", "sp_dec") " AS null_sp,"
    "        " STATS_N("null", "position") " AS null_pos,"
    "        " STATS_N("null", "price_mean") " AS null_price,"
    "        " STATS_N("null", "price_min") " AS null_price_min,"
    "        " STATS_N("null", "price_max") " AS null_price_max,"
    "        " STATS_N("null", "race_time") " AS null_time,"
    "        " STATS_N("null", "jockey") " AS null_jockey,"
    "        " STATS_N("null", "trainer") " AS null_trainer,"
    "        " STATS_N("null", "course") " AS null_course,"
    "        " STATS_N("null", "course_id") " AS null_course_id,"
    "        " STATS_N("null", "horse_name") " AS null_horse,"
    "        " STATS_N("null", "country") " AS null_country,"
    "        " STATS_N("sum", "bookmaker_count") " AS sum_books),"
    "     k AS (SELECT kind, value, n FROM dh_historical_counts"
    "            WHERE kind IN ('country', 'course_id', 'course_id.course', 'track'))"
    "INSERT INTO dh_stats_snapshots (kind, taken_at, body)"
    " SELECT 'historical', $1::timestamptz, jsonb_build_object("
    "  'table', 'ra_odds_historical',"
    "  'generated_at', $1::timestamptz,"
    "  'total_records', t.total,"
    "  'date_range', jsonb_build_object('earliest', t.earliest, 'latest', t.latest,"
    "                                    'days', t.days),"
    "  'latest_fetch', t.latest_fetch,"
    "  'recent_activity', jsonb_build_object('last_24h', t.last_24h, 'last_7d', t.last_7d),"
    "  'unique_entities', jsonb_build_object('races', t.races, 'horses', t.horses,"
    "        'tracks', t.tracks, 'jockeys', t.jockeys, 'trainers', t.trainers,"
    "        'countries', t.countries),"
    "  'records_per_date', (SELECT coalesce(jsonb_agg(jsonb_build_object('date', value::date,"
    "        'records', n) ORDER BY value DESC), '[]') FROM (SELECT value, n"
    "        FROM dh_historical_counts WHERE kind = 'race_date' ORDER BY value DESC LIMIT 7) d),"
    "  'track_distribution', (SELECT coalesce(jsonb_agg(jsonb_build_object('course_id', course_id,"
    "        'course', (SELECT max(substr(c.value, length(coalesce(g.course_id, '')) + 2)) FROM k c"
    "                    WHERE c.kind = 'course_id.course'"
    "                      AND left(c.value, length(coalesce(g.course_id, '')) + 1)"
    "                          = coalesce(g.course_id, '') || E'\\t'),"
    "        'records', n) ORDER BY n DESC, course_id), '[]')"
    "        FROM (SELECT course_id, n FROM (SELECT value AS course_id, n FROM k WHERE kind = 'course_id'"
    "              UNION ALL SELECT NULL, t.null_course_id WHERE t.null_course_id > 0) a"
    "              ORDER BY n DESC, course_id LIMIT 20) g),"
    "  'country_distribution', (SELECT coalesce(jsonb_object_agg(country, n), '{}')"
    "        FROM (SELECT value AS country, n FROM k WHERE kind = 'country'"
    "              UNION ALL SELECT 'unknown', t.null_country WHERE t.null_country > 0) c),"
    "  'null_counts', jsonb_build_object('sp_dec', t.null_sp, 'position', t.null_pos,"
    "        'price_mean', t.null_price, 'race_time', t.null_time, 'jockey', t.null_jockey),"
    "  'odds_coverage', jsonb_build_object('with_prices', t.total - t.null_price,"
    "        'with_sp', t.total - t.null_sp,"
    "        'avg_bookmakers', round(t.sum_books::numeric / nullif(t.total, 0), 2)),"
    "  'ra_odds_historical', jsonb_build_object("
    "    'basic_metrics', jsonb_build_object('total_records', t.total,"
    "        'earliest_race_date', " STATS_PY_STR("t.earliest::timestamp AT TIME ZONE 'UTC'") ","
    "        'latest_race_date', " STATS_PY_STR("t.latest::timestamp AT TIME ZONE 'UTC'") ","
    "        'date_range_days', t.latest - t.earliest,"
    "        'latest_update', " STATS_PY_STR("t.latest_fetch") "),"
    "    'recent_activity', jsonb_build_object('records_last_hour', t.new_hour,"
    "        'records_last_24h', t.new_24h, 'records_last_7d', t.new_7d),"
    "    'unique_entities', jsonb_build_object('unique_horses', t.horse_names,"
    "        'unique_tracks', t.course_names, 'unique_jockeys', t.jockeys,"
    "        'unique_trainers', t.trainers, 'unique_countries', t.countries,"
    "        'unique_races', t.races),"
    "    'records_per_date', (SELECT coalesce(jsonb_agg(jsonb_build_object('race_date', race_date,"
    "        'record_count', n, 'unique_races', races) ORDER BY race_date DESC), '[]')"
    "        FROM (SELECT race_date, count(*) AS n, count(DISTINCT race_id) AS races"
    "              FROM ra_odds_historical WHERE race_date >= " STATS_TODAY " - 7 GROUP BY 1) d),"
    "    'country_distribution', (SELECT coalesce(jsonb_agg(jsonb_build_object('country', country,"
    "        'record_count', n, 'percentage', round(100.0 * n / t.total, 2))"
    "        ORDER BY n DESC, country), '[]')"
    "        FROM (SELECT value AS country, n FROM k WHERE kind = 'country'"
    "              ORDER BY 2 DESC, 1 LIMIT 10) c),"
    "    'track_distribution', (SELECT coalesce(jsonb_agg(jsonb_build_object('track', track,"
    "        'record_count', n) ORDER BY n DESC, track), '[]')"
    "        FROM (SELECT value AS track, n FROM k WHERE kind = 'track'"
    "              ORDER BY 2 DESC, 1 LIMIT 20) c),"
    "    'data_quality', jsonb_build_object('null_date_of_race', 0, 'null_track', t.null_course,"
    "        'null_horse_name', t.null_horse, 'null_industry_sp', t.null_sp,"
    "        'null_finishing_position', t.null_pos, 'null_jockey', t.null_jockey,"
    "        'null_trainer', t.null_trainer, 'null_country', t.null_country,"
    "        'total_records', t.total),"
    "    'odds_coverage', jsonb_build_object('has_industry_sp', t.total - t.null_sp,"
    "        'has_pre_race_min', t.total - t.null_price_min,"
    "        'has_pre_race_max', t.total - t.null_price_max,"
    "        'has_forecasted_odds', t.total - t.null_price, 'total_records', t.total)))"
    " FROM t";

static const char sql_prune[] =
    "DELETE FROM dh_stats_snapshots s"
    " WHERE taken_at < $1::timestamptz - interval '7 days'"
    "   AND id <> (SELECT max(id) FROM dh_stats_snapshots l WHERE l.kind = s.kind)";

/*
 * Form figures (migration 0021) and early prices against SP (0020): the days
 * whose results or closing lines changed since the last cycle rolled up, the
 * touched figures summed again; nothing when nothing came and the racing
 * day is the same.
 */
static const char sql_form[] =
    "SELECT dh_refresh_form(" STATS_TODAY ") + dh_refresh_market(" STATS_TODAY ") AS days";

/* Hours of dh_odds_history_hourly older than a week: sql_live reads one day. */
static const char sql_prune_hours[] =
    "DELETE FROM dh_odds_history_hourly WHERE hour < $1::timestamptz - interval '7 days'";

/* now - 24 h, and the first whole UTC hour after it, for sql_live's history count. */
static void
stats_history_window(time_t now, char *from, char *hour, size_t len)
{
	time_t t = now - 24 * 3600;

	clock_format_instant(t, from, len);
	clock_format_instant(t - t % 3600 + 3600, hour, len);
}

static void
stats_cycle(struct worker_ctx *ctx, struct worker_result *res)
{
	char now[32], from[32], hour[32];
	const char *params[3] = { now, from, hour };
	PGresult *r, *form;
	long pruned = 0, form_days = 0;
	time_t t = clock_now();

	clock_format_instant(t, now, sizeof(now));
	stats_history_window(t, from, hour, sizeof(from));
	if (db_begin(ctx->db) < 0 ||
	    db_command(ctx->db, "SET LOCAL TimeZone = 'UTC'", 0, NULL) < 0 ||
	    db_command(ctx->db, sql_live, 3, params) < 0 ||
	    db_command(ctx->db, sql_historical, 1, params) < 0 ||
	    db_command(ctx->db, sql_prune_hours, 1, params) < 0 ||
	    (r = db_exec(ctx->db, sql_prune, 1, params)) == NULL) {
		worker_fail(res, "statistics: %s", db_error(ctx->db));
		db_rollback(ctx->db);
		return;
	}
	if (num_parse_long(PQcmdTuples(r), 0, 1L << 40, &pruned) < 0)
		pruned = 0;
	PQclear(r);
	form = db_exec(ctx->db, sql_form, 1, params);
	if (form == NULL) {
		worker_fail(res, "statistics: form figures: %s", db_error(ctx->db));
		db_rollback(ctx->db);
		return;
	}
	if (num_parse_long(PQgetvalue(form, 0, 0), 0, 1L << 30, &form_days) < 0)
		form_days = 0;
	PQclear(form);
	if (db_commit(ctx->db) < 0) {
		worker_fail(res, "statistics: commit: %s", db_error(ctx->db));
		return;
	}
	res->rows_written = 2;
	res->detail = json_pack("{s:s, s:i, s:i}", "snapshot_at", now, "pruned", (int)pruned,
	    "form_days_rolled", (int)form_days);
	worker_next(res, STATS_INTERVAL_S, "every %d min", STATS_INTERVAL_S / 60);
}

int
main(int argc, char **argv)
{
	static const struct worker_def def = {
		.name = "statistics",
		.lock_key = WORKER_LOCK_STATISTICS,
		.schedule = "every 10 minutes and at start",
		.cycle = stats_cycle,
	};

	return worker_main(argc, argv, &def);
}

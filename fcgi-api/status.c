/*
 * status: what the workers report about themselves.
 *
 *   GET /api/statistics?table=live|historical|all  the latest snapshot of each kind
 *                                                  (dh_stats_snapshots); {} when none yet;
 *                                                  and the original's nested "data"
 *   GET /api/scheduler-status                      dh_worker_status, one entry a worker,
 *                                                  with its schedule and a stale flag;
 *                                                  and the original's "schedulers"
 *
 * A worker is stale when its next run is overdue by more than
 * max(2 minutes, half its interval) at the request's now (DH_NOW aware):
 * it is stuck or not running.
 *
 * The public sees each worker's last error as a summary and no host or pid
 * (null); a request with a valid admin key sees them (api_operator).
 */
#include <string.h>

#include "api.h"
#include "clock.h"

/*
 * Ours: each kind's latest snapshot under "statistics" (without the
 * original's blocks, which sit in the same snapshot) and when it was taken.
 * The original's (reference §2.11, C11): "data" with live, historical and
 * (for table=all) combined, each present when its snapshot holds the
 * original's block; "message" when there is none.
 */
static const char sql_statistics[] =
    "WITH s AS (SELECT s.* FROM unnest($2::text[]) k (kind)"
    "            CROSS JOIN LATERAL (SELECT id, kind, taken_at, body FROM dh_stats_snapshots"
    "                                 WHERE kind = k.kind ORDER BY taken_at DESC, id DESC LIMIT 1) s),"
    "     l AS (SELECT taken_at, body -> 'ra_odds_live' AS block FROM s"
    "            WHERE kind = 'live' AND body ? 'ra_odds_live'),"
    "     h AS (SELECT taken_at, body -> 'ra_odds_historical' AS block FROM s"
    "            WHERE kind = 'historical' AND body ? 'ra_odds_historical'),"
    "     d AS (SELECT 'live' AS k, jsonb_build_object('timestamp', taken_at, 'table', 'live',"
    "                                 'ra_odds_live', block) AS v FROM l"
    "           UNION ALL"
    "           SELECT 'historical', jsonb_build_object('timestamp', taken_at, 'table', 'historical',"
    "                                 'ra_odds_historical', block) FROM h"
    "           UNION ALL"
    "           SELECT 'combined', jsonb_build_object('timestamp', greatest(l.taken_at, h.taken_at),"
    "                                 'ra_odds_historical', h.block, 'ra_odds_live', l.block)"
    "             FROM l, h WHERE $1::text = 'all')"
    "SELECT (jsonb_build_object('success', true, 'table', $1::text,"
    "       'statistics', (SELECT coalesce(jsonb_object_agg(kind,"
    "                             body - 'ra_odds_live' - 'ra_odds_historical'), '{}') FROM s),"
    "       'snapshots', (SELECT coalesce(jsonb_object_agg(kind, jsonb_build_object("
    "                             'id', id, 'taken_at', taken_at)), '{}') FROM s),"
    "       'data', (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM d))"
    "       || CASE WHEN EXISTS (SELECT 1 FROM d) THEN '{}'::jsonb"
    "          ELSE jsonb_build_object('message',"
    "                                  'Statistics not available yet - data collection in progress')"
    "          END)::text AS body";

/*
 * The original's three schedulers (reference §2.12): its constant text, and
 * the values of our workers live, historical and statistics (C10, C13).
 * status: running while a cycle runs; failed when the worker is in backoff
 * or its last error is newer than its last success; success; idle before
 * any success; unknown when the worker has never started.
 */
#define STATUS_ORIGINAL_STATE(w) \
    "CASE WHEN " w ".state IS NULL OR " w ".state = 'not_started' THEN 'unknown'" \
    "     WHEN " w ".state = 'running' THEN 'running'" \
    "     WHEN " w ".state IN ('backoff', 'error')" \
    "          OR " w ".last_error_at > coalesce(" w ".last_success_at, '-infinity') THEN 'failed'" \
    "     WHEN " w ".last_success_at IS NOT NULL THEN 'success'" \
    "     ELSE 'idle' END"

static const char status_schedulers[] =
    "{\"live_odds\": {\"name\": \"Live Odds Fetcher\","
    "   \"schedule\": \"ADAPTIVE (10s-15min based on race proximity)\","
    "   \"description\": \"Fetches live odds for today and tomorrow's races with smart scheduling\","
    "   \"details\": {\"adaptive_intervals\": {\"imminent\": \"10 seconds (race <5 min away)\","
    "                 \"soon\": \"60 seconds (race <30 min away)\","
    "                 \"upcoming\": \"5 minutes (race <2 hours away)\","
    "                 \"default\": \"15 minutes (checking for races)\"},"
    "     \"coverage\": \"Today + Tomorrow (GB & IRE races)\", \"stop_updating\": \"When race starts\","
    "     \"tables\": [\"ra_odds_live\"]}},"
    " \"historical_odds\": {\"name\": \"Historical Odds Fetcher\", \"schedule\": \"Daily at 1:00 AM UK time\","
    "   \"description\": \"Fetches yesterday's final odds and results\","
    "   \"details\": {\"daily_fetch\": \"1:00 AM UK time\","
    "     \"coverage\": \"GB & IRE races from 2015 onwards\","
    "     \"data_includes\": \"Final odds, results, and race metadata\","
    "     \"tables\": [\"ra_odds_historical\"]}},"
    " \"statistics_updater\": {\"name\": \"Statistics Tracker\", \"schedule\": \"Every 10 minutes\","
    "   \"description\": \"Updates statistics after live/historical fetches\","
    "   \"details\": {\"frequency\": \"Every 10 minutes\", \"output_location\": \"dh_stats_snapshots\","
    "     \"files_generated\": [\"live_stats_latest.json\", \"historical_stats_latest.json\","
    "                           \"all_stats_latest.json\"],"
    "     \"manual_run\": \"dh-statistics --once\"}}}";

static const char sql_scheduler[] =
    "SELECT json_build_object('success', true, 'timestamp', $1::timestamptz,"
    "       'workers', coalesce(json_agg(t ORDER BY t.worker), '[]'::json),"
    "       'stale', coalesce(json_agg(t.worker ORDER BY t.worker) FILTER (WHERE t.stale), '[]'::json),"
    "       'schedulers', (SELECT jsonb_object_agg(c.key, c.value || jsonb_build_object("
    "                          'last_run', w.last_run_at, 'last_success', w.last_success_at,"
    "                          'status', " STATUS_ORIGINAL_STATE("w") ")"
    "                          || CASE WHEN c.key = 'live_odds' THEN jsonb_build_object("
    "                                 'next_check', w.interval_reason, 'next_interval', w.interval_s)"
    "                             ELSE '{}' END)"
    "                        FROM jsonb_each($2::jsonb) c"
    "                        LEFT JOIN dh_worker_status w ON w.worker = CASE c.key"
    "                            WHEN 'live_odds' THEN 'live' WHEN 'historical_odds' THEN 'historical'"
    "                            ELSE 'statistics' END),"
    "       'system_info', json_build_object('timezone', 'UK Time (GMT/BST)',"
    "                                        'database', 'PostgreSQL',"
    "                                        'api_source', 'Racing API (racingapi.com)',"
    "                                        'regions_covered', json_build_array('GB', 'IRE'))"
    "       )::text AS body"
    "  FROM (SELECT w.worker, w.state, s.schedule,"
    "               CASE WHEN $3::bool THEN w.host END AS host,"
    "               CASE WHEN $3::bool THEN w.pid END AS pid, w.started_at, w.last_run_at,"
    "               w.last_success_at, w.next_run_at, w.interval_s, w.interval_reason,"
    "               " API_ERROR_TEXT("w.last_error", "$3::bool") " AS last_error,"
    "               w.last_error_at, w.rows_written, w.cycles, w.detail,"
    "               w.updated_at,"
    "               round(extract(epoch FROM w.next_run_at - $1::timestamptz))::bigint"
    "                   AS seconds_to_next_run,"
    "               coalesce(w.state NOT IN ('not_started', 'stopped')"
    "                        AND w.next_run_at < $1::timestamptz"
    "                            - make_interval(secs => greatest(120, coalesce(w.interval_s, 0) / 2)),"
    "                        false) AS stale"
    "          FROM dh_worker_status w"
    "          LEFT JOIN (VALUES"
    "              ('live', 'prices for today''s and tomorrow''s races not yet off, every 10 s to"
    " 15 min by the nearest race''s minutes to the off: <= 5 min 10 s, <= 30 min 60 s,"
    " <= 120 min 300 s, otherwise 900 s'),"
    "              ('historical', 'daily at 01:00 UK time: yesterday''s racecards and results"
    " joined into ra_odds_historical, then missing dates backfilled newest first'),"
    "              ('statistics', 'every 10 minutes: statistics of live and historical odds"
    " into dh_stats_snapshots'),"
    "              ('masters', 'courses monthly, bookmakers seeded; races, runners, results,"
    " horses (with pedigree), jockeys, trainers and owners daily')"
    "          ) s (worker, schedule) ON s.worker = w.worker) t";

static const struct db_stmt status_statistics_stmt = DB_STMT("status_statistics", sql_statistics);
static const struct db_stmt status_scheduler_stmt = DB_STMT("status_scheduler", sql_scheduler);

static enum api_outcome
status_statistics(struct request *r)
{
	static const char *const tables[] = { "live", "historical", "all", NULL };
	const char *table, *kinds;
	const char *params[2];

	query_enum(&r->query, "table", tables, "all", &table);
	if (resp_invalid_params(r))
		return API_DONE;
	kinds = strcmp(table, "all") == 0 ? "{live,historical,all}" :
	    strcmp(table, "live") == 0 ? "{live}" : "{historical}";
	params[0] = table;
	params[1] = kinds;
	return api_send_json(r, &status_statistics_stmt, 2, params);
}

static enum api_outcome
status_scheduler(struct request *r)
{
	char now[32];
	const char *params[3] = { now, status_schedulers, NULL };
	int operator = api_operator(r);

	if (operator < 0)
		return api_db_failed(r);
	params[2] = operator ? "true" : "false";
	clock_format_instant(r->now, now, sizeof(now));
	return api_send_json(r, &status_scheduler_stmt, 3, params);
}

static const struct api_route status_routes[] = {
	{ .method = "GET", .pattern = "/api/statistics",
	  .operation_id = "get_statistics_api_statistics_get",
	  .handler = status_statistics, .cache_control = API_SLOW, .name = "statistics",
	  .summary = "The latest statistics snapshot of each kind; {} when none yet; "
	      "data: the original's nested per-table statistics",
	  .schema = "Statistics",
	  .params = { { "table", "s", "live, historical or all (default all)" } } },
	{ .method = "GET", .pattern = "/api/scheduler-status",
	  .operation_id = "get_scheduler_status_api_scheduler_status_get",
	  .handler = status_scheduler, .cache_control = API_LIVE, .name = "scheduler_status",
	  .summary = "Each worker's schedule, state, last and next run, last error, stale flag; "
	      "schedulers: the original's live_odds, historical_odds, statistics_updater",
	  .schema = "SchedulerStatus" },
};

static const struct api_schema status_schemas[] = {
	{ "StatisticsData", "live:o historical:o combined:o" },
	{ "Statistics", "success:b table:s statistics:o snapshots:o data:StatisticsData message:s" },
	{ "Worker", "worker:s state:s schedule:s host:s pid:i started_at:t last_run_at:t last_success_at:t "
	  "next_run_at:t interval_s:i interval_reason:s last_error:s last_error_at:t rows_written:i cycles:i "
	  "detail:o updated_at:t seconds_to_next_run:i stale:b" },
	{ "Scheduler", "name:s schedule:s description:s details:o last_run:t last_success:t status:s "
	  "next_check:s next_interval:i" },
	{ "Schedulers", "live_odds:Scheduler historical_odds:Scheduler statistics_updater:Scheduler" },
	{ "SystemInfo", "timezone:s database:s api_source:s regions_covered:[s]" },
	{ "SchedulerStatus", "success:b timestamp:t workers:[Worker] stale:[s] schedulers:Schedulers "
	  "system_info:SystemInfo" },
};

const struct api_module status_module = {
	.name = "status", .tag = "Odds API",
	.routes = status_routes, .nroutes = API_COUNT(status_routes),
	.schemas = status_schemas, .nschemas = API_COUNT(status_schemas),
};

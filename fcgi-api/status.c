/*
 * status: what the workers report about themselves.
 *
 *   GET /api/statistics?table=live|historical|all  the latest snapshot of each kind
 *                                                  (dh_stats_snapshots); {} when none yet
 *   GET /api/scheduler-status                      dh_worker_status, one entry a worker,
 *                                                  with its schedule and a stale flag
 *
 * A worker is stale when its next run is overdue by more than
 * max(2 minutes, half its interval) at the request's now (DH_NOW aware):
 * it is stuck or not running.
 */
#include <string.h>

#include "api.h"
#include "clock.h"

static const char sql_statistics[] =
    "SELECT json_build_object('success', true, 'table', $1::text,"
    "       'statistics', coalesce(json_object_agg(s.kind, s.body), '{}'::json),"
    "       'snapshots', coalesce(json_object_agg(s.kind, json_build_object("
    "                        'id', s.id, 'taken_at', s.taken_at)), '{}'::json))::text AS body"
    "  FROM unnest($2::text[]) k (kind)"
    "  CROSS JOIN LATERAL (SELECT id, kind, taken_at, body FROM dh_stats_snapshots"
    "                       WHERE kind = k.kind ORDER BY taken_at DESC, id DESC LIMIT 1) s";

static const char sql_scheduler[] =
    "SELECT json_build_object('success', true, 'timestamp', $1::timestamptz,"
    "       'workers', coalesce(json_agg(t ORDER BY t.worker), '[]'::json),"
    "       'stale', coalesce(json_agg(t.worker ORDER BY t.worker) FILTER (WHERE t.stale), '[]'::json)"
    "       )::text AS body"
    "  FROM (SELECT w.worker, w.state, s.schedule, w.host, w.pid, w.started_at, w.last_run_at,"
    "               w.last_success_at, w.next_run_at, w.interval_s, w.interval_reason,"
    "               w.last_error, w.last_error_at, w.rows_written, w.cycles, w.detail,"
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
	const char *params[1] = { now };

	clock_format_instant(r->now, now, sizeof(now));
	return api_send_json(r, &status_scheduler_stmt, 1, params);
}

static const struct api_route status_routes[] = {
	{ .method = "GET", .pattern = "/api/statistics",
	  .operation_id = "get_statistics_api_statistics_get",
	  .handler = status_statistics, .cache_control = API_SLOW, .name = "statistics",
	  .summary = "The latest statistics snapshot of each kind; {} when none yet",
	  .schema = "Statistics",
	  .params = { { "table", "s", "live, historical or all (default all)" } } },
	{ .method = "GET", .pattern = "/api/scheduler-status",
	  .operation_id = "get_scheduler_status_api_scheduler_status_get",
	  .handler = status_scheduler, .cache_control = API_LIVE, .name = "scheduler_status",
	  .summary = "Each worker's schedule, state, last and next run, last error, stale flag",
	  .schema = "SchedulerStatus" },
};

static const struct api_schema status_schemas[] = {
	{ "Statistics", "success:b table:s statistics:o snapshots:o" },
	{ "Worker", "worker:s state:s schedule:s host:s pid:i started_at:t last_run_at:t last_success_at:t "
	  "next_run_at:t interval_s:i interval_reason:s last_error:s last_error_at:t rows_written:i cycles:i "
	  "detail:o updated_at:t seconds_to_next_run:i stale:b" },
	{ "SchedulerStatus", "success:b timestamp:t workers:[Worker] stale:[s]" },
};

const struct api_module status_module = {
	.name = "status", .tag = "Odds API",
	.routes = status_routes, .nroutes = API_COUNT(status_routes),
	.schemas = status_schemas, .nschemas = API_COUNT(status_schemas),
};

/*
 * health: GET /health, /api/health and /api/masters/health, answered from the
 * database; GET /version, the original's description of the deployment
 * (reference section 2.3) with instants (C13).
 */
#include <string.h>

#include "api.h"
#include "clock.h"

static const char sql_health[] =
    "SELECT m.version AS schema_version, m.name AS schema_name,"
    "       to_json(m.applied_at) #>> '{}' AS deployed_at"
    "  FROM (SELECT 1) one"
    "  LEFT JOIN (SELECT version, name, applied_at FROM schema_migrations"
    "              ORDER BY version DESC LIMIT 1) m ON true";

static const struct db_stmt health_stmt = DB_STMT("health", sql_health);

static enum api_outcome
health_get(struct request *r)
{
	char now[32];
	PGresult *res;

	clock_format_instant(clock_now(), now, sizeof(now));
	res = db_exec_prepared(r->db, &health_stmt, 0, NULL);
	if (res == NULL) {
		r->cache_control = "no-store";
		resp_json(r, 503, json_pack("{s:b, s:s, s:s, s:s, s:s}",
		    "success", 0, "status", "unhealthy", "database", "unreachable",
		    "detail", "database unavailable", "timestamp", now));
		return API_DONE;
	}
	resp_json(r, 200, json_pack("{s:b, s:s, s:s, s:s?, s:s}",
	    "success", 1, "status", "healthy", "database", "connected",
	    "schema_version", db_value(res, 0, "schema_version"), "timestamp", now));
	PQclear(res);
	return API_DONE;
}

/*
 * GET /version: what is deployed.  deployed_at is when the newest migration
 * was applied (the request's now when the database does not answer);
 * git_commit names that migration, as the build carries no commit.
 */
static enum api_outcome
health_version(struct request *r)
{
	char now[32];
	const char *deployed = NULL, *schema = NULL;
	PGresult *res;

	clock_format_instant(r->now, now, sizeof(now));
	res = db_exec_prepared(r->db, &health_stmt, 0, NULL);
	if (res != NULL) {
		deployed = db_value(res, 0, "deployed_at");
		schema = db_value(res, 0, "schema_name");
	}
	resp_json(r, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:b, s:b, s:s}, s:b, s:s?}",
	    "service", "DarkHorses Odds API", "version", "1.0.0",
	    "deployed_at", deployed != NULL ? deployed : now,
	    "historical_table_columns", "race_date, course, race_time (rows also carry the original's "
	    "date_of_race and track)",
	    "logger_names", "dh-api, dh-live, dh-historical, dh-statistics, dh-masters",
	    "git_commit", schema != NULL ? schema : "unknown",
	    "checks",
	    "database_url_configured", r->cfg->database_url != NULL,
	    "supabase_configured", 0,
	    "historical_table", "ra_odds_historical (race_date, course, race_time)",
	    "database_connected", res != NULL,
	    "schema_version", res != NULL ? db_value(res, 0, "schema_version") : NULL));
	PQclear(res);
	return API_DONE;
}

static const struct api_route health_routes[] = {
	{ .method = "GET", .pattern = "/version",
	  .handler = health_version, .cache_control = API_SLOW, .name = "version",
	  .summary = "What is deployed: service, version, when, and the database's schema",
	  .operation_id = "version_check_version_get",
	  .schema = "Version" },
	{ .method = "GET", .pattern = "/health",
	  .operation_id = "health_check_health_get",
	  .handler = health_get, .cache_control = API_NEVER, .name = "health",
	  .summary = "Health: 200 when the database answers, 503 when not",
	  .schema = "Health" },
	{ .method = "GET", .pattern = "/api/health",
	  .handler = health_get, .cache_control = API_NEVER, .name = "health",
	  .summary = "Health (same as /health)",
	  .schema = "Health" },
	{ .method = "GET", .pattern = "/api/masters/health",
	  .handler = health_get, .cache_control = API_NEVER, .name = "masters_health",
	  .tag = "Masters API",
	  .summary = "Health",
	  .schema = "Health" },
};

static const struct api_schema health_schemas[] = {
	{ "Health", "success:b status:s database:s schema_version:s timestamp:t" },
	{ "VersionChecks", "database_url_configured:b supabase_configured:b historical_table:s" },
	{ "Version", "service:s version:s deployed_at:t historical_table_columns:s logger_names:s git_commit:s "
	  "checks:VersionChecks database_connected:b schema_version:s" },
};

const struct api_module health_module = {
	.name = "health", .tag = "Odds API",
	.routes = health_routes, .nroutes = API_COUNT(health_routes),
	.schemas = health_schemas, .nschemas = API_COUNT(health_schemas),
};

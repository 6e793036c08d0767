/* health: GET /health, /api/health and /api/masters/health, answered from the database. */
#include <string.h>

#include "api.h"
#include "clock.h"

static const char sql_health[] =
    "SELECT (SELECT max(version) FROM schema_migrations) AS schema_version";

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

static const struct api_route health_routes[] = {
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
};

const struct api_module health_module = {
	.name = "health", .tag = "Odds API",
	.routes = health_routes, .nroutes = API_COUNT(health_routes),
	.schemas = health_schemas, .nschemas = API_COUNT(health_schemas),
};

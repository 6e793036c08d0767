/* health: GET /health and /api/health, answered from the database. */
#include <string.h>

#include "api.h"
#include "clock.h"

static const char sql_health[] =
    "SELECT (SELECT max(version) FROM schema_migrations) AS schema_version";

int
health_prepare(struct db *db)
{
	return db_prepare(db, "health", sql_health);
}

int
health_get(struct request *r)
{
	char now[32];
	PGresult *res;

	clock_format_instant(clock_now(), now, sizeof(now));
	res = db_exec_prepared(r->db, "health", 0, NULL);
	if (res == NULL) {
		r->cache_control = "no-store";
		resp_json(r, 503, json_pack("{s:b, s:s, s:s, s:s, s:s}",
		    "success", 0, "status", "unhealthy", "database", "unreachable",
		    "detail", "database unavailable", "timestamp", now));
		return 0;
	}
	resp_json(r, 200, json_pack("{s:b, s:s, s:s, s:s?, s:s}",
	    "success", 1, "status", "healthy", "database", "connected",
	    "schema_version", db_value(res, 0, "schema_version"), "timestamp", now));
	PQclear(res);
	return 0;
}

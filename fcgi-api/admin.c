/*
 * admin: GET /api/db-health/stats, the database's health for operators:
 * connections, table and index sizes and use, cache hit ratio, long-running
 * queries.  Requires an API key: `Authorization: Bearer <key>` (the route's
 * API_ADMIN_KEY flag: api_dispatch answers 401 to a missing or malformed
 * key and hands the handler its SHA-256 in r->key_hash).
 *
 * Keys are made by dh-apikey (admin/dh-apikey.c); only their SHA-256 is
 * stored, in dh_api_keys.  The key is checked through dh_touch_api_key(),
 * which also records its use; the function writes, so it runs in a
 * read-write transaction (dh-api's sessions are read-only by default):
 * BEGIN READ WRITE, one statement that checks the key and, only when it is
 * valid, gathers the statistics, COMMIT (X-Query-Count 3).  On a replica
 * BEGIN READ WRITE fails: the same statement then checks the hash with a
 * SELECT (X-Query-Count 2).  A missing or wrong key is a 401, never cached
 * (no-store, and nginx bypasses its cache for /api/db-health/).  The
 * statistics come from dh_db_health(), which runs as dh_monitor, the one role
 * with pg_read_all_stats (migration 0010).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "log.h"

/*
 * The statistics: dh_db_health() (migration 0010), which runs as dh_monitor,
 * the only role with pg_read_all_stats; $2 is the long-query threshold in
 * seconds.
 */
#define ADMIN_STATS_BODY "dh_db_health($2::int)::text"

/*
 * Checks the key's hash ($1) with valid, then gathers the statistics only
 * when it is valid (a CASE evaluates its subqueries lazily).  OFFSET 0 keeps
 * the check evaluated once.
 */
#define ADMIN_SQL(valid) \
    "SELECT k.valid, CASE WHEN k.valid THEN " ADMIN_STATS_BODY " END AS body" \
    "  FROM (SELECT " valid " AS valid OFFSET 0) k"

static const char sql_touch[] = ADMIN_SQL("dh_touch_api_key($1)");

static const char sql_check[] = ADMIN_SQL(
    "EXISTS (SELECT 1 FROM dh_api_keys WHERE key_hash = $1 AND revoked_at IS NULL)");

static const struct db_stmt admin_touch_key_stmt = DB_STMT("admin_touch_key", sql_touch);
static const struct db_stmt admin_check_key_stmt = DB_STMT("admin_check_key", sql_check);

/*
 * Checks the key's hash and gathers the statistics: through
 * dh_touch_api_key() in a read-write transaction, else (a replica, or the
 * function failing) with a SELECT.  Returns the result (columns valid and
 * body), or NULL when the database failed.
 */
static PGresult *
admin_query(struct request *r, const char *const *params)
{
	PGresult *res = NULL;

	if (db_begin_read_write(r->db) == 0) {
		res = db_exec_prepared(r->db, &admin_touch_key_stmt, 2, params);
		if (res != NULL && db_commit(r->db) < 0) {
			PQclear(res);
			res = NULL;
		}
		if (res == NULL)
			db_rollback(r->db);
	}
	if (res == NULL && !db_is_down(r->db)) {
		log_debug("dh_touch_api_key unavailable (%s); checking the key with a SELECT",
		    db_error(r->db));
		res = db_exec_prepared(r->db, &admin_check_key_stmt, 2, params);
	}
	return res;
}

static enum api_outcome
admin_db_stats(struct request *r)
{
	char secs_s[16];
	const char *params[2] = { r->key_hash, secs_s };
	const char *valid;
	PGresult *res;
	long secs;

	query_int(&r->query, "long_query_seconds", 0, 86400, 5, &secs);
	if (resp_invalid_params(r))
		return API_DONE;
	snprintf(secs_s, sizeof(secs_s), "%ld", secs);
	res = admin_query(r, params);
	if (res == NULL)
		return api_db_failed(r);
	valid = db_value(res, 0, "valid");
	if (valid == NULL || strcmp(valid, "t") != 0) {
		PQclear(res);
		r->www_authenticate = "Bearer realm=\"darkhorses\", error=\"invalid_token\"";
		resp_detail(r, 401, "invalid API key");
		return API_DONE;
	}
	resp_result(r, 200, res, "body");
	return API_DONE;
}

static const struct api_route admin_routes[] = {
	{ .method = "GET", .pattern = "/api/db-health/stats",
	  .handler = admin_db_stats, .cache_control = API_NEVER, .name = "db_health", .flags = API_ADMIN_KEY,
	  .summary = "Database health: connections, table sizes, index usage, cache hit ratio, long-running queries",
	  .schema = "DbHealth",
	  .params = { { "long_query_seconds", "i", "0 to 86400 (default 5)" } } },
};

static const struct api_schema admin_schemas[] = {
	{ "DbHealth", "success:b timestamp:t database:o connections:o cache_hit_ratio:n transactions:o tables:[o] "
	  "indexes:[o] unused_indexes:[s] long_query_seconds:i long_running_queries:[o]" },
};

const struct api_module admin_module = {
	.name = "admin", .tag = "Admin",
	.routes = admin_routes, .nroutes = API_COUNT(admin_routes),
	.schemas = admin_schemas, .nschemas = API_COUNT(admin_schemas),
};

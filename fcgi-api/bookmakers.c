/* bookmakers: GET /api/bookmakers, the bookmakers and exchanges quoting prices. */
#include "api.h"

static const char sql_bookmakers[] =
    "SELECT json_build_object('success', true, 'count', count(*), 'limit', $3::int,"
    "       'offset', $4::int, 'bookmakers', coalesce(json_agg(t), '[]'::json))::text AS body"
    "  FROM (SELECT bookmaker_id, name, type, active FROM ra_bookmakers"
    "         WHERE ($1::text IS NULL OR type = $1) AND ($2::boolean IS NULL OR active = $2)"
    "         ORDER BY bookmaker_id LIMIT $3 OFFSET $4) t";

int
bookmakers_prepare(struct db *db)
{
	return db_prepare(db, "bookmakers_list", sql_bookmakers);
}

int
bookmakers_list(struct request *r)
{
	static const char *const types[] = { "bookmaker", "exchange", NULL };
	const char *params[4] = { NULL, NULL, NULL, NULL };
	struct api_page page;
	int active;

	query_enum(&r->query, "type", types, NULL, &params[0]);
	if (query_bool(&r->query, "active", 1, &active) == 1)
		params[1] = active ? "true" : "false";
	api_page(r, API_MAX_LIMIT, &page);
	return api_send_page(r, "bookmakers_list", params, 2, &page);
}

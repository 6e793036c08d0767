/*
 * bookmakers: GET /api/bookmakers, the bookmakers and exchanges quoting
 * prices: ours under "bookmakers", and the same page in the original's shape
 * under "data" (reference section 2.13): {id, name, type} with type "fixed"
 * or "exchange" (C16).
 */
#include "api.h"

static const char sql_bookmakers[] =
    "SELECT json_build_object('success', true, 'count', count(*), 'limit', $3::int,"
    "       'offset', $4::int, 'bookmakers', coalesce(json_agg(t), '[]'::json),"
    "       'data', coalesce(json_agg(json_build_object('id', t.bookmaker_id, 'name', t.name,"
    "                                 'type', dh_original_type(t.type))), '[]'::json),"
    "       'next_after', CASE WHEN count(*) = $3 THEN"
    "           dh_cursor((array_agg(json_build_array('bookmakers_all', t.bookmaker_id)))[$3]) END)::text AS body"
    "  FROM (SELECT bookmaker_id, name, type, active FROM ra_bookmakers"
    "         WHERE ($1::text IS NULL OR type = $1) AND ($2::boolean IS NULL OR active = $2)"
    "           AND ($5::text IS NULL OR bookmaker_id > $5)"
    "         ORDER BY bookmaker_id LIMIT $3 OFFSET $4) t";

static const struct api_key bookmakers_key = { "bookmakers_all", "s" };

static const struct db_stmt bookmakers_list_stmt = DB_STMT("bookmakers_list", sql_bookmakers);

static enum api_outcome
bookmakers_list(struct request *r)
{
	static const char *const types[] = { "bookmaker", "exchange", NULL };
	const char *params[2 + 2 + API_MAX_KEYS] = { NULL };
	struct api_page page;
	int active;

	query_enum(&r->query, "type", types, NULL, &params[0]);
	if (query_bool(&r->query, "active", 1, &active) == 1)
		params[1] = active ? "true" : "false";
	api_page_keyed(r, API_MAX_LIMIT, &bookmakers_key, &page);
	return api_send_page(r, &bookmakers_list_stmt, params, 2, &page);
}

static const struct api_route bookmakers_routes[] = {
	{ .method = "GET", .pattern = "/api/bookmakers",
	  .operation_id = "get_bookmakers_api_bookmakers_get",
	  .handler = bookmakers_list, .cache_control = API_MASTERS, .name = "bookmakers",
	  .summary = "Bookmakers and exchanges (data: the original's {id, name, type})",
	  .schema = "BookmakerList",
	  .params = { { "type", "s", "bookmaker or exchange" }, { "active", "b", "true or false" }, API_P_LIMIT(1000), API_P_OFFSET,
	      API_P_AFTER } },
};

static const struct api_schema bookmakers_schemas[] = {
	{ "Bookmaker", "bookmaker_id:s name:s type:s active:b" },
	{ "BookmakerRef", "id:s name:s type:s" },
	{ "BookmakerList", "success:b count:i limit:i offset:i bookmakers:[Bookmaker] data:[BookmakerRef] next_after:s" },
};

const struct api_module bookmakers_module = {
	.name = "bookmakers", .tag = "Odds API",
	.routes = bookmakers_routes, .nroutes = API_COUNT(bookmakers_routes),
	.schemas = bookmakers_schemas, .nschemas = API_COUNT(bookmakers_schemas),
};

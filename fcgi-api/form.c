/*
 * form: GET /api/form/leaderboard, the jockeys, trainers, courses or sires
 * ranked by their form over 14 days, 30 days or every stored day.
 *
 * The figures are dh_form's (migration 0021), refreshed by dh-statistics from
 * the stored results; nothing is computed from results per request.  An
 * entity's own figures are in its masters item (/api/masters/jockeys/{id}...).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

/*
 * $1 kind, $2 window (14, 30 or all), $3 sort (wins, win_percent, profit or
 * places), $4 min_runs, $5 limit.  Ties by runs, then id.
 */
static const char sql_leaderboard[] =
    "WITH f AS ("
    "  SELECT kind, entity_id, name, as_of, last_win_date, runs_since_win,"
    "         CASE $2::text WHEN '14' THEN runs_14 WHEN '30' THEN runs_30 ELSE runs END AS runs,"
    "         CASE $2::text WHEN '14' THEN wins_14 WHEN '30' THEN wins_30 ELSE wins END AS wins,"
    "         CASE $2::text WHEN '14' THEN places_14 WHEN '30' THEN places_30 ELSE places END AS places,"
    "         CASE $2::text WHEN '14' THEN profit_14 WHEN '30' THEN profit_30 ELSE profit END AS profit"
    "    FROM dh_form WHERE kind = $1),"
    " r AS ("
    "  SELECT entity_id AS id, name, runs, wins, places,"
    "         round(100.0 * wins / runs, 1) AS win_percent, round(100.0 * places / runs, 1) AS place_percent,"
    "         profit, last_win_date, runs_since_win, as_of"
    "    FROM f WHERE runs >= $4::int AND runs > 0)"
    "SELECT json_build_object('success', true, 'kind', $1::text, 'window', $2::text, 'sort', $3::text,"
    "       'min_runs', $4::int, 'as_of', (SELECT max(as_of) FROM r),"
    "       'data', coalesce(json_agg(x), '[]'::json))::text AS body"
    "  FROM (SELECT id, name, runs, wins, places, win_percent, place_percent, profit, last_win_date,"
    "               runs_since_win"
    "          FROM r"
    "         ORDER BY CASE $3::text WHEN 'wins' THEN wins::numeric WHEN 'places' THEN places::numeric"
    "                                WHEN 'win_percent' THEN win_percent ELSE profit END DESC,"
    "                  runs DESC, id"
    "         LIMIT $5) x";

static const struct db_stmt leaderboard_stmt = DB_STMT("form_leaderboard", sql_leaderboard);

static enum api_outcome
form_leaderboard(struct request *r)
{
	static const char *const kinds[] = { "jockey", "trainer", "course", "sire", NULL };
	static const char *const windows[] = { "14", "30", "all", NULL };
	static const char *const sorts[] = { "wins", "win_percent", "profit", "places", NULL };
	char min_s[16], limit_s[16];
	const char *params[5] = { NULL, NULL, NULL, min_s, limit_s };
	long min_runs, limit;

	query_enum(&r->query, "kind", kinds, "jockey", &params[0]);
	query_enum(&r->query, "window", windows, "14", &params[1]);
	query_enum(&r->query, "sort", sorts, "wins", &params[2]);
	query_int(&r->query, "min_runs", 1, 1000, 5, &min_runs);
	query_int(&r->query, "limit", 1, 100, 20, &limit);
	if (resp_invalid_params(r))
		return API_DONE;
	snprintf(min_s, sizeof(min_s), "%ld", min_runs);
	snprintf(limit_s, sizeof(limit_s), "%ld", limit);
	return api_send_json(r, &leaderboard_stmt, 5, params);
}

static const struct api_route form_routes[] = {
	{ .method = "GET", .pattern = "/api/form/leaderboard",
	  .handler = form_leaderboard, .cache_control = API_MASTERS, .name = "form_leaderboard",
	  .summary = "Jockeys, trainers, courses or sires ranked by form: runs, wins, places, strike rates and "
	      "level-stakes profit at SP (dead heats settled by the dead-heat rule) over 14 days, 30 days or all",
	  .schema = "Leaderboard",
	  .params = { { "kind", "s", "jockey (default), trainer, course or sire" },
	      { "window", "s", "14 (days, default), 30 or all" },
	      { "sort", "s", "wins (default), win_percent, profit or places" },
	      { "min_runs", "i", "runs in the window at least, 1 to 1000 (default 5)" },
	      { "limit", "i", "1 to 100 (default 20)" } } },
};

static const struct api_schema form_schemas[] = {
	{ "LeaderboardRow", "id:s name:s runs:i wins:i places:i win_percent:n place_percent:n profit:n "
	  "last_win_date:d runs_since_win:i" },
	{ "Leaderboard", "success:b kind:s window:s sort:s min_runs:i as_of:d data:[LeaderboardRow]" },
};

const struct api_module form_module = {
	.name = "form", .tag = "Form",
	.routes = form_routes, .nroutes = API_COUNT(form_routes),
	.schemas = form_schemas, .nschemas = API_COUNT(form_schemas),
};

/*
 * odds_stage: GET /api/live-odds/races-by-stage and /api/live-odds/next-race,
 * the live board: races still to run with every runner's prices, grouped by
 * stage (see odds.h).  One query each; the body is written in one pass over
 * the rows (board.c), which PostgreSQL returns in the order of
 * ra_odds_live_board_idx, so nothing is sorted.
 */
#include <stdio.h>

#include "api.h"
#include "board.h"
#include "clock.h"
#include "odds.h"

/* More runners than a busy day has (about 100 races x 16 runners). */
#define STAGE_MAX_ROWS 3000

/*
 * One row per runner, its prices as JSON arrays in bookmaker order: the
 * grouping follows ra_odds_live_board_idx, so nothing is sorted.
 */
#define STAGE_SELECT \
    "SELECT race_date, off_dt, race_id, number, horse_id, min(course_id) AS course_id," \
    "       min(course) AS course, min(region_code) AS region_code, min(race_name) AS race_name," \
    "       min(horse_name) AS horse_name, max(fetched_at) AS fetched_at," \
    "       json_agg(bookmaker_id) AS bookmakers, json_agg(fractional) AS fractionals," \
    "       json_agg(decimal) AS decimals" \
    "  FROM ra_odds_live"
#define STAGE_GROUP \
    " GROUP BY race_date, off_dt, race_id, number, horse_id" \
    " ORDER BY race_date, off_dt, race_id, number, horse_id"

static const char sql_stage[] =
    STAGE_SELECT
    " WHERE race_date = $1::date AND off_dt >= $2::timestamptz"
    STAGE_GROUP
    " LIMIT $3";

static const char sql_next[] =
    STAGE_SELECT
    " WHERE (race_date, off_dt, race_id) = (SELECT race_date, off_dt, race_id FROM ra_odds_live"
    "                                        WHERE off_dt >= $1::timestamptz"
    "                                        ORDER BY off_dt, race_id LIMIT 1)"
    STAGE_GROUP;

static const struct db_stmt odds_stage_stmt = DB_STMT("odds_stage", sql_stage);
static const struct db_stmt odds_next_stmt = DB_STMT("odds_next", sql_next);

/* Closes the array of the stage before and opens the array of stage. */
static void
odds_stage_next(struct jsonw *w, int stage)
{
	jsonw_arr_end(w);
	jsonw_key(w, odds_stage_name((enum odds_stage)stage));
	jsonw_arr(w);
}

/* Writes the races of b grouped into the four stage arrays, with counts. */
static void
odds_stage_write(struct jsonw *w, const struct board *b, time_t now, int *total, int truncated)
{
	struct board_race race;
	int counts[ODDS_NSTAGES] = { 0 }, stage = 0, n = 0;

	jsonw_key(w, "stages");
	jsonw_obj(w);
	jsonw_key(w, odds_stage_name(ODDS_AT_POST));
	jsonw_arr(w);
	for (int row = 0; board_race(b, row, now, &race) == 0; row = race.end) {
		int s = odds_stage_of(race.secs_to_off);

		if (truncated && race.end == b->nrows)
			break;		/* cut short by the row limit: leave it out */
		if (s < 0)
			continue;
		while (stage < s)
			odds_stage_next(w, ++stage);
		counts[s]++;
		board_write_race(w, b, &race, now);
		n++;
	}
	while (stage < ODDS_NSTAGES - 1)
		odds_stage_next(w, ++stage);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	jsonw_key(w, "counts");
	jsonw_obj(w);
	for (int s = 0; s < ODDS_NSTAGES; s++)
		jsonw_kint(w, odds_stage_name((enum odds_stage)s), counts[s]);
	jsonw_obj_end(w);
	*total = n;
}

static enum api_outcome
odds_stage_races(struct request *r)
{
	struct clock_date day = clock_racing_day(r->now);
	char date[16], now[32], limit[16];
	const char *params[3] = { date, now, limit };
	struct board b;
	struct jsonw w;
	PGresult *res;
	int total = 0, truncated;

	query_date(&r->query, "race_date", &day);
	if (resp_invalid_params(r))
		return API_DONE;
	clock_format_date(&day, date, sizeof(date));
	clock_format_instant(r->now, now, sizeof(now));
	snprintf(limit, sizeof(limit), "%d", STAGE_MAX_ROWS + 1);
	res = db_exec_prepared(r->db, &odds_stage_stmt, 3, params);
	if (res == NULL)
		return api_db_failed(r);
	truncated = PQntuples(res) > STAGE_MAX_ROWS;
	if (api_board_start(r, res, &b, &w) == 0) {
		jsonw_kstr(&w, "race_date", date);
		odds_stage_write(&w, &b, r->now, &total, truncated);
		jsonw_kint(&w, "total_races", total);
		jsonw_kbool(&w, "truncated", truncated);
		jsonw_obj_end(&w);
		resp_body(r, 200, jsonw_failed(&w));
		board_free(&b);
	}
	PQclear(res);
	return API_DONE;
}

static enum api_outcome
odds_stage_next_race(struct request *r)
{
	char now[32];
	const char *params[1] = { now };
	struct board_race race;
	struct board b;
	struct jsonw w;
	PGresult *res;

	clock_format_instant(r->now, now, sizeof(now));
	res = db_exec_prepared(r->db, &odds_next_stmt, 1, params);
	if (res == NULL)
		return api_db_failed(r);
	if (api_board_start(r, res, &b, &w) == 0) {
		jsonw_key(&w, "race");
		if (board_race(&b, 0, r->now, &race) == 0)
			board_write_race(&w, &b, &race, r->now);
		else
			jsonw_null(&w);
		jsonw_obj_end(&w);
		resp_body(r, 200, jsonw_failed(&w));
		board_free(&b);
	}
	PQclear(res);
	return API_DONE;
}

static const struct api_route odds_stage_routes[] = {
	{ .method = "GET", .pattern = "/api/live-odds/races-by-stage",
	  .operation_id = "get_races_by_stage_api_live_odds_races_by_stage_get",
	  .handler = odds_stage_races, .cache_control = API_LIVE, .name = "races_by_stage",
	  .summary = "Races still to run on a racing day, grouped by stage: at_post (< 5 min to the off), "
	      "going_to_post (5 to < 30), pre_race (30 to < 120), early_market (>= 120); every runner with "
	      "all prices, its best price (the highest decimal) and the favourite (the lowest best price)",
	  .schema = "RacesByStage",
	  .params = { { "race_date", "d", "racing day (default: today, Europe/London)" } } },
	{ .method = "GET", .pattern = "/api/live-odds/next-race",
	  .operation_id = "get_next_race_api_live_odds_next_race_get",
	  .handler = odds_stage_next_race, .cache_control = API_LIVE, .name = "next_race",
	  .summary = "The next race to run, with its runners and prices",
	  .schema = "NextRace" },
};

static const struct api_schema odds_stage_schemas[] = {
	{ "Price", "bookmaker_id:s bookmaker:s fractional:s decimal:n" },
	{ "BestPrice", "decimal:n fractional:s bookmakers:[s]" },
	{ "Favourite", "horse_id:s horse_name:s number:i decimal:n joint:b" },
	{ "BoardRunner", "horse_id:s horse_name:s number:i favourite:b best_price:BestPrice prices:[Price]" },
	{ "BoardRace", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "stage:s seconds_to_off:i minutes_to_off:n next_phase:s next_phase_at:t minutes_to_next_phase:n "
	  "prices_updated_at:t runner_count:i bookmaker_count:i favourite:Favourite runners:[BoardRunner]" },
	{ "Stages", "at_post:[BoardRace] going_to_post:[BoardRace] pre_race:[BoardRace] early_market:[BoardRace]" },
	{ "StageCounts", "at_post:i going_to_post:i pre_race:i early_market:i" },
	{ "RacesByStage", "success:b timestamp:t race_date:d stages:Stages counts:StageCounts total_races:i truncated:b" },
	{ "NextRace", "success:b timestamp:t race:BoardRace" },
};

const struct api_module odds_stage_module = {
	.name = "odds_stage", .tag = "Odds API",
	.routes = odds_stage_routes, .nroutes = API_COUNT(odds_stage_routes),
	.schemas = odds_stage_schemas, .nschemas = API_COUNT(odds_stage_schemas),
};

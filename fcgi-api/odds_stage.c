/*
 * odds_stage: GET /api/live-odds/races-by-stage and /api/live-odds/next-race,
 * the live board: races still to run with every runner's prices, grouped by
 * stage (see odds.h).  One query each; the body is written in one pass over
 * the rows (board.c), which PostgreSQL returns in the order of
 * ra_odds_live_board_idx, so nothing is sorted.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "board.h"
#include "clock.h"
#include "odds.h"

/* More runners than two busy days have (about 2 x 100 races x 16 runners). */
#define STAGE_MAX_ROWS 4000

/*
 * One row per runner, its prices as JSON arrays in bookmaker order: the
 * grouping follows ra_odds_live_board_idx, so nothing is sorted.  Then the
 * race's type, distance and field size from ra_races for the original's
 * fields, one primary-key probe a runner (LATERAL with LIMIT 1 keeps it a
 * nested loop, which keeps the order).
 */
#define STAGE_SELECT \
    "SELECT g.*, ra.type AS race_type, ra.distance, ra.field_size" \
    "  FROM (SELECT race_date, off_dt, race_id, number, horse_id, min(course_id) AS course_id," \
    "               min(course) AS course, min(region_code) AS region_code, min(race_name) AS race_name," \
    "               min(horse_name) AS horse_name, max(fetched_at) AS fetched_at," \
    "               json_agg(bookmaker_id) AS bookmakers, json_agg(fractional) AS fractionals," \
    "               json_agg(decimal) AS decimals, json_agg(bookmaker_name) AS bookmaker_names" \
    "          FROM ra_odds_live"
#define STAGE_GROUP \
    " GROUP BY race_date, off_dt, race_id, number, horse_id" \
    " ORDER BY race_date, off_dt, race_id, number, horse_id"
#define STAGE_RACES \
    ") g LEFT JOIN LATERAL (SELECT type, distance, field_size FROM ra_races" \
    "                        WHERE race_id = g.race_id LIMIT 1) ra ON true" \
    " ORDER BY g.race_date, g.off_dt, g.race_id, g.number, g.horse_id"

/* $1..$2 the racing days, $3 now: every race not yet off, as the original. */
static const char sql_stage[] =
    STAGE_SELECT
    " WHERE race_date BETWEEN $1::date AND $2::date AND off_dt >= $3::timestamptz"
    STAGE_GROUP
    " LIMIT $4"
    STAGE_RACES;

static const char sql_next[] =
    STAGE_SELECT
    " WHERE (race_date, off_dt, race_id) = (SELECT race_date, off_dt, race_id FROM ra_odds_live"
    "                                        WHERE off_dt >= $1::timestamptz"
    "                                        ORDER BY off_dt, race_id LIMIT 1)"
    STAGE_GROUP
    STAGE_RACES;

/*
 * The original's next-race fields (reference §2.7) over today's racecards
 * (ra_races: the races already off are gone from ra_odds_live), abandoned
 * races left out.  $1 the racing day, $2 now.  One row, each column a JSON
 * value.
 */
static const char sql_today[] =
    "WITH r AS (SELECT race_id, course, race_name,"
    "                  to_char(off_dt AT TIME ZONE 'Europe/London', 'HH24:MI:SS') AS race_time, off_dt,"
    "                  round((extract(epoch FROM off_dt - $2::timestamptz) / 60)::numeric, 1) AS minutes_until,"
    "                  off_dt < $2::timestamptz AS started"
    "             FROM ra_races"
    "            WHERE race_date = $1::date AND off_dt IS NOT NULL AND NOT is_abandoned),"
    "     nx AS (SELECT * FROM r WHERE NOT started ORDER BY off_dt, race_id LIMIT 1)"
    "SELECT (SELECT row_to_json(nx) FROM nx)::text AS next_race,"
    "       (SELECT coalesce(json_agg(x), '[]'::json)"
    "          FROM (SELECT * FROM r ORDER BY off_dt, race_id LIMIT 10) x)::text AS races_today,"
    "       (SELECT count(*) FROM r) AS total_races_today,"
    "       (SELECT count(*) FROM r WHERE started) AS races_finished,"
    "       (SELECT count(*) FROM r WHERE NOT started) AS races_upcoming,"
    "       CASE WHEN (SELECT minutes_until FROM nx) <= 5 THEN '10 seconds (imminent)'"
    "            WHEN (SELECT minutes_until FROM nx) <= 30 THEN '60 seconds (soon)'"
    "            WHEN (SELECT minutes_until FROM nx) <= 120 THEN '5 minutes (upcoming)'"
    "            ELSE '15 minutes (default)' END AS current_interval";

static const struct db_stmt odds_stage_stmt = DB_STMT("odds_stage", sql_stage);
static const struct db_stmt odds_next_stmt = DB_STMT("odds_next", sql_next);
static const struct db_stmt odds_today_stmt = DB_STMT("odds_today", sql_today);

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
	char from[16], to[16] = "infinity", now[32], limit[16];
	const char *params[4] = { from, to, now, limit };
	struct board b;
	struct jsonw w;
	PGresult *res;
	int total = 0, truncated, narrowed, format;

	narrowed = query_date(&r->query, "race_date", &day) == 1;
	format = api_odds_format(r);
	if (resp_invalid_params(r))
		return API_DONE;
	clock_format_date(&day, from, sizeof(from));
	if (narrowed)
		clock_format_date(&day, to, sizeof(to));
	clock_format_instant(r->now, now, sizeof(now));
	snprintf(limit, sizeof(limit), "%d", STAGE_MAX_ROWS + 1);
	res = db_exec_prepared(r->db, &odds_stage_stmt, 4, params);
	if (res == NULL)
		return api_db_failed(r);
	truncated = PQntuples(res) > STAGE_MAX_ROWS;
	if (api_board_start(r, res, format, &b, &w) == 0) {
		jsonw_kstr(&w, "race_date", narrowed ? from : NULL);
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

/* Writes "key": column col of res's first row as it stands (JSON PostgreSQL wrote), or null. */
static void
odds_stage_json(struct jsonw *w, const PGresult *res, const char *key)
{
	int col = PQfnumber(res, key);

	jsonw_key(w, key);
	if (col < 0 || PQntuples(res) < 1 || PQgetisnull(res, 0, col))
		jsonw_null(w);
	else
		jsonw_token(w, PQgetvalue(res, 0, col), strlen(PQgetvalue(res, 0, col)));
}

/*
 * The original's next-race keys (reference §2.7) from today's racecards;
 * with no race today, its message beside them.  Returns 0, or -1 when the
 * statement failed.
 */
static int
odds_stage_today(struct request *r, struct jsonw *w)
{
	static const char *const keys[] = { "next_race", "races_today", "total_races_today",
		"races_finished", "races_upcoming" };
	struct clock_date day = clock_racing_day(r->now);
	char date[16], now[32];
	const char *params[2] = { date, now }, *total;
	PGresult *res;
	int col;

	clock_format_date(&day, date, sizeof(date));
	clock_format_instant(r->now, now, sizeof(now));
	res = db_exec_prepared(r->db, &odds_today_stmt, 2, params);
	if (res == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		odds_stage_json(w, res, keys[i]);
	col = PQfnumber(res, "current_interval");
	jsonw_kstr(w, "current_interval", col >= 0 && PQntuples(res) > 0 ? PQgetvalue(res, 0, col) : NULL);
	col = PQfnumber(res, "total_races_today");
	total = col >= 0 && PQntuples(res) > 0 ? PQgetvalue(res, 0, col) : "0";
	if (strcmp(total, "0") == 0)
		jsonw_kstr(w, "message", "No races scheduled for today");
	PQclear(res);
	return 0;
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
	int format = api_odds_format(r);

	if (resp_invalid_params(r))
		return API_DONE;
	clock_format_instant(r->now, now, sizeof(now));
	res = db_exec_prepared(r->db, &odds_next_stmt, 1, params);
	if (res == NULL)
		return api_db_failed(r);
	if (api_board_start(r, res, format, &b, &w) == 0) {
		jsonw_key(&w, "race");
		if (board_race(&b, 0, r->now, &race) == 0)
			board_write_race(&w, &b, &race, r->now);
		else
			jsonw_null(&w);
		board_free(&b);
		PQclear(res);
		if (odds_stage_today(r, &w) < 0)
			return api_db_failed(r);
		jsonw_obj_end(&w);
		resp_body(r, 200, jsonw_failed(&w));
		return API_DONE;
	}
	PQclear(res);
	return API_DONE;
}

static const struct api_route odds_stage_routes[] = {
	{ .method = "GET", .pattern = "/api/live-odds/races-by-stage",
	  .operation_id = "get_races_by_stage_api_live_odds_races_by_stage_get",
	  .handler = odds_stage_races, .cache_control = API_LIVE, .name = "races_by_stage",
	  .summary = "Races still to run (every day ahead, or race_date's), grouped by stage: at_post (< 5 min to the off), "
	      "going_to_post (5 to < 30), pre_race (30 to < 120), early_market (>= 120); every runner with "
	      "all prices, its best price (the highest decimal) and the favourite (the lowest best price)",
	  .schema = "RacesByStage",
	  .params = { { "race_date", "d", "only this racing day (Europe/London); default: every race not yet off" },
	      API_FORMAT_PARAM } },
	{ .method = "GET", .pattern = "/api/live-odds/next-race",
	  .operation_id = "get_next_race_api_live_odds_next_race_get",
	  .handler = odds_stage_next_race, .cache_control = API_LIVE, .name = "next_race",
	  .summary = "The next race to run, with its runners and prices; today's races (Europe/London) "
	      "and how many have run",
	  .schema = "NextRace", .params = { API_FORMAT_PARAM } },
};

static const struct api_schema odds_stage_schemas[] = {
	{ "Price", "bookmaker_id:s bookmaker:s fractional:s decimal:n american:s implied_probability:n" },
	{ "BestPrice", "decimal:n fractional:s american:s implied_probability:n bookmakers:[s]" },
	{ "Market", "best_book_percent:n consensus_book_percent:n runners_priced:i" },
	{ "Favourite", "horse_id:s horse_name:s number:i decimal:n joint:b" },
	{ "BookmakerOdds", "bookmaker:s odds_fractional:s odds_decimal:n" },
	{ "BoardRunner", "horse_id:s horse_name:s number:i favourite:b best_price:BestPrice implied_probability:n "
	  "consensus_decimal:n fair_probability:n fair_decimal:n horse_number:i "
	  "best_odds_decimal:n best_odds_fractional:s best_bookmaker:s is_favorite:b all_odds:[BookmakerOdds] "
	  "prices:[Price]" },
	{ "BoardRace", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "stage:s seconds_to_off:i minutes_to_off:n next_phase:s next_phase_at:t minutes_to_next_phase:n "
	  "prices_updated_at:t runner_count:i bookmaker_count:i market:Market favourite:Favourite race_time:s race_type:s "
	  "distance:s runners:i last_updated:t minutes_until:n next_phase_name:s next_phase_time:t "
	  "next_phase_minutes:n runners_data:[BoardRunner]" },
	{ "Stages", "at_post:[BoardRace] going_to_post:[BoardRace] pre_race:[BoardRace] early_market:[BoardRace]" },
	{ "StageCounts", "at_post:i going_to_post:i pre_race:i early_market:i" },
	{ "RacesByStage", "success:b timestamp:t race_date:d stages:Stages counts:StageCounts total_races:i truncated:b" },
	{ "RaceInfo", "race_id:s course:s race_name:s race_time:s off_dt:t minutes_until:n started:b" },
	{ "NextRace", "success:b timestamp:t race:BoardRace next_race:RaceInfo races_today:[RaceInfo] "
	  "total_races_today:i races_finished:i races_upcoming:i current_interval:s message:s" },
};

const struct api_module odds_stage_module = {
	.name = "odds_stage", .tag = "Odds API",
	.routes = odds_stage_routes, .nroutes = API_COUNT(odds_stage_routes),
	.schemas = odds_stage_schemas, .nschemas = API_COUNT(odds_stage_schemas),
};

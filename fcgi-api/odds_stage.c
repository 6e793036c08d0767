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

int
odds_stage_prepare(struct db *db)
{
	if (db_prepare(db, "odds_stage", sql_stage) < 0)
		return -1;
	return db_prepare(db, "odds_next", sql_next);
}

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

int
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
		return 0;
	clock_format_date(&day, date, sizeof(date));
	clock_format_instant(r->now, now, sizeof(now));
	snprintf(limit, sizeof(limit), "%d", STAGE_MAX_ROWS + 1);
	res = db_exec_prepared(r->db, "odds_stage", 3, params);
	if (res == NULL)
		return -1;
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
	return 0;
}

int
odds_stage_next_race(struct request *r)
{
	char now[32];
	const char *params[1] = { now };
	struct board_race race;
	struct board b;
	struct jsonw w;
	PGresult *res;

	clock_format_instant(r->now, now, sizeof(now));
	res = db_exec_prepared(r->db, "odds_next", 1, params);
	if (res == NULL)
		return -1;
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
	return 0;
}

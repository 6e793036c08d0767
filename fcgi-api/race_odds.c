/*
 * race_odds: one race's prices.
 *
 *   GET /api/races/{race_id}/odds          runners x bookmakers grid, best prices and the
 *                                          favourite marked, each-way terms (board.c)
 *   GET /api/races/{race_id}/odds/history  price movement per runner and bookmaker, the last
 *                                          `points` observations of each (sparklines)
 *
 * The grid comes from ra_odds_live while the race is open; once its live rows
 * are gone (the race is off) a second statement rebuilds it from the last
 * observation of each price in ra_odds_history, with the race from ra_races.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "board.h"
#include "jsonw.h"

#define HISTORY_MAX_ROWS 20000

/* One row per runner, prices as JSON arrays (see board.h). */
static const char sql_grid_live[] =
    "SELECT race_date, off_dt, race_id, number, horse_id, min(course_id) AS course_id,"
    "       min(course) AS course, min(region_code) AS region_code, min(race_name) AS race_name,"
    "       min(horse_name) AS horse_name, max(fetched_at) AS fetched_at,"
    "       json_agg(bookmaker_id ORDER BY bookmaker_id) AS bookmakers,"
    "       json_agg(fractional ORDER BY bookmaker_id) AS fractionals,"
    "       json_agg(decimal ORDER BY bookmaker_id) AS decimals,"
    "       json_agg(bookmaker_name ORDER BY bookmaker_id) AS bookmaker_names,"
    "       json_agg(ew_places ORDER BY bookmaker_id) AS ew_places,"
    "       json_agg(ew_denom ORDER BY bookmaker_id) AS ew_denoms,"
    "       json_agg(price_changed_at ORDER BY bookmaker_id) AS changed"
    "  FROM ra_odds_live WHERE race_id = $1"
    " GROUP BY race_date, off_dt, race_id, number, horse_id"
    " ORDER BY number, horse_id";

/*
 * Once the race is off: the last observation of each runner and bookmaker,
 * with the race from ra_races (one row without prices when nothing was ever
 * observed; none when the race is unknown).
 */
static const char sql_grid_history[] =
    "SELECT r.race_date, r.off_dt, r.race_id, ru.number, p.horse_id, r.course_id, r.course,"
    "       r.region_code, r.race_name, ru.horse_name, max(p.observed_at) AS fetched_at,"
    "       coalesce(json_agg(p.bookmaker_id ORDER BY p.bookmaker_id)"
    "                FILTER (WHERE p.bookmaker_id IS NOT NULL), '[]') AS bookmakers,"
    "       coalesce(json_agg(p.fractional ORDER BY p.bookmaker_id)"
    "                FILTER (WHERE p.bookmaker_id IS NOT NULL), '[]') AS fractionals,"
    "       coalesce(json_agg(p.decimal ORDER BY p.bookmaker_id)"
    "                FILTER (WHERE p.bookmaker_id IS NOT NULL), '[]') AS decimals,"
    "       coalesce(json_agg(b.name ORDER BY p.bookmaker_id)"
    "                FILTER (WHERE p.bookmaker_id IS NOT NULL), '[]') AS bookmaker_names,"
    "       coalesce(json_agg(p.observed_at ORDER BY p.bookmaker_id)"
    "                FILTER (WHERE p.bookmaker_id IS NOT NULL), '[]') AS changed"
    "  FROM ra_races r"
    "  LEFT JOIN LATERAL (SELECT DISTINCT ON (h.horse_id, h.bookmaker_id)"
    "                            h.horse_id, h.bookmaker_id, h.fractional, h.decimal, h.observed_at"
    "                       FROM ra_odds_history h WHERE h.race_id = r.race_id"
    "                      ORDER BY h.horse_id, h.bookmaker_id, h.observed_at DESC) p ON true"
    "  LEFT JOIN ra_runners ru ON ru.race_id = r.race_id AND ru.horse_id = p.horse_id"
    "  LEFT JOIN ra_bookmakers b ON b.bookmaker_id = p.bookmaker_id"
    " WHERE r.race_id = $1"
    " GROUP BY r.race_date, r.off_dt, r.race_id, r.course_id, r.course, r.region_code, r.race_name,"
    "          ru.number, p.horse_id, ru.horse_name"
    " ORDER BY ru.number, p.horse_id";

static const char sql_exists[] =
    "SELECT 1 AS known FROM ra_races WHERE race_id = $1"
    " UNION ALL SELECT 1 FROM ra_odds_live WHERE race_id = $1"
    " LIMIT 1";

static const char sql_history[] =
    "SELECT horse_id, bookmaker_id, observed_at, decimal, fractional,"
    "       CASE WHEN rn = greatest(n - $4, 0) + 1"
    "            THEN (SELECT ru.horse_name FROM ra_runners ru"
    "                   WHERE ru.race_id = $1 AND ru.horse_id = x.horse_id) END AS horse_name"
    "  FROM (SELECT horse_id, bookmaker_id, observed_at, decimal, fractional,"
    "               row_number() OVER w AS rn, count(*) OVER w AS n"
    "          FROM ra_odds_history"
    "         WHERE race_id = $1 AND ($2::text IS NULL OR horse_id = $2)"
    "           AND ($3::text IS NULL OR bookmaker_id = $3)"
    "        WINDOW w AS (PARTITION BY horse_id, bookmaker_id ORDER BY observed_at"
    "                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) x"
    " WHERE rn > n - $4"
    " ORDER BY horse_id, bookmaker_id, observed_at"
    " LIMIT $5";

int
race_odds_prepare(struct db *db)
{
	if (db_prepare(db, "race_grid_live", sql_grid_live) < 0 ||
	    db_prepare(db, "race_grid_history", sql_grid_history) < 0)
		return -1;
	if (db_prepare(db, "race_exists", sql_exists) < 0)
		return -1;
	return db_prepare(db, "race_history", sql_history);
}

/* Writes {"success": true, "source": ..., "race": grid} for a result of one race. */
static int
race_odds_write(struct request *r, const PGresult *res, const char *source)
{
	struct board_race race;
	struct board b;
	struct jsonw w;
	int rc = -1;

	if (board_init(&b, res) == 0 && board_race(&b, 0, r->now, &race) == 0) {
		/* The race alone, without a price: no runners. */
		if (race.end == race.first + 1 && PQgetisnull(res, 0, b.c.horse_id))
			race.end = race.first;
		buf_reset(&r->body);
		jsonw_init(&w, &r->body);
		jsonw_rawf(&w, "{\"success\":true,\"source\":\"%s\",\"timestamp\":", source);
		jsonw_instant(&w, r->now);
		jsonw_raw(&w, ",\"race\":");
		board_write_grid(&w, &b, &race, r->now);
		jsonw_raw(&w, "}");
		rc = resp_body(r, 200, jsonw_failed(&w));
	} else {
		resp_detail(r, 500, "internal error");
	}
	board_free(&b);
	return rc;
}

int
race_odds_grid(struct request *r)
{
	const char *id = api_path_id(r, 0, "race_id");
	PGresult *res;

	if (resp_invalid_params(r))
		return 0;
	res = db_exec_prepared(r->db, "race_grid_live", 1, &id);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		race_odds_write(r, res, "live");
		PQclear(res);
		return 0;
	}
	PQclear(res);
	res = db_exec_prepared(r->db, "race_grid_history", 1, &id);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0)
		resp_detail(r, 404, "race %s not found", id);
	else
		race_odds_write(r, res, "history");
	PQclear(res);
	return 0;
}

/* Rows a and b are of the same runner and bookmaker. */
static int
race_history_same(const PGresult *res, int a, int b)
{
	int horse = PQfnumber(res, "horse_id"), book = PQfnumber(res, "bookmaker_id");

	return strcmp(PQgetvalue(res, a, horse), PQgetvalue(res, b, horse)) == 0 &&
	    strcmp(PQgetvalue(res, a, book), PQgetvalue(res, b, book)) == 0;
}

/* Writes the first n rows of res: one object per runner and bookmaker with its points. */
static void
race_history_series(struct jsonw *w, const PGresult *res, int n)
{
	int horse = PQfnumber(res, "horse_id"), book = PQfnumber(res, "bookmaker_id");
	int at = PQfnumber(res, "observed_at"), dec = PQfnumber(res, "decimal");
	int frac = PQfnumber(res, "fractional"), name = PQfnumber(res, "horse_name");
	int nseries = 0;

	jsonw_raw(w, ",\"series\":[");
	for (int i = 0; i < n; ) {
		int end = i + 1;

		while (end < n && race_history_same(res, i, end))
			end++;
		jsonw_raw(w, nseries++ ? ",{\"horse_id\":" : "{\"horse_id\":");
		jsonw_str(w, PQgetvalue(res, i, horse));
		jsonw_raw(w, ",\"horse_name\":");
		jsonw_str(w, PQgetisnull(res, i, name) ? NULL : PQgetvalue(res, i, name));
		jsonw_raw(w, ",\"bookmaker_id\":");
		jsonw_str(w, PQgetvalue(res, i, book));
		jsonw_rawf(w, ",\"count\":%d,\"points\":[", end - i);
		for (int k = i; k < end; k++) {
			jsonw_raw(w, k > i ? ",{\"observed_at\":" : "{\"observed_at\":");
			jsonw_time(w, PQgetvalue(res, k, at));
			jsonw_raw(w, ",\"decimal\":");
			jsonw_num(w, PQgetvalue(res, k, dec));
			jsonw_raw(w, ",\"fractional\":");
			jsonw_str(w, PQgetvalue(res, k, frac));
			jsonw_raw(w, "}");
		}
		jsonw_raw(w, "]}");
		i = end;
	}
	jsonw_rawf(w, "],\"series_count\":%d", nseries);
}

int
race_odds_history(struct request *r)
{
	const char *id = api_path_id(r, 0, "race_id");
	char points_s[16], limit_s[16];
	const char *params[5] = { id, NULL, NULL, points_s, limit_s };
	struct jsonw w;
	PGresult *res;
	long points;
	int truncated, n;

	query_id(&r->query, "horse_id", &params[1]);
	query_id(&r->query, "bookmaker", &params[2]);
	query_int(&r->query, "points", 1, 500, 100, &points);
	if (resp_invalid_params(r))
		return 0;
	snprintf(points_s, sizeof(points_s), "%ld", points);
	snprintf(limit_s, sizeof(limit_s), "%d", HISTORY_MAX_ROWS + 1);
	res = db_exec_prepared(r->db, "race_history", 5, params);
	if (res == NULL)
		return -1;
	truncated = PQntuples(res) > HISTORY_MAX_ROWS;
	n = truncated ? HISTORY_MAX_ROWS : PQntuples(res);
	/* Cut at a series boundary: a series without its newest points would mislead. */
	while (truncated && n > 0 && race_history_same(res, n - 1, n))
		n--;
	if (n == 0 && !truncated) {
		/* No movement: a known race without prices yet, or no such race. */
		PQclear(res);
		res = db_exec_prepared(r->db, "race_exists", 1, &id);
		if (res == NULL)
			return -1;
		if (PQntuples(res) == 0) {
			PQclear(res);
			resp_detail(r, 404, "race %s not found", id);
			return 0;
		}
	}
	buf_reset(&r->body);
	jsonw_init(&w, &r->body);
	jsonw_raw(&w, "{\"success\":true,\"race_id\":");
	jsonw_str(&w, id);
	jsonw_rawf(&w, ",\"points_per_series\":%ld", points);
	race_history_series(&w, res, n);
	jsonw_rawf(&w, ",\"truncated\":%s}", truncated ? "true" : "false");
	resp_body(r, 200, jsonw_failed(&w));
	PQclear(res);
	return 0;
}

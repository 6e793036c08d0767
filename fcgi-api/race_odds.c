/*
 * race_odds: one race's prices.
 *
 *   GET /api/races/{race_id}/odds          runners x bookmakers grid, best prices and the
 *                                          favourite marked, each-way terms, the market's
 *                                          figures (board.c); ?at=INSTANT: as it stood then
 *   GET /api/races/{race_id}/odds/history  price movement per runner and bookmaker, the last
 *                                          `points` observations of each (sparklines)
 *   GET /api/races/{race_id}/odds/summary  opening, closing (last before the off, or current)
 *                                          and starting price per runner and bookmaker, with
 *                                          closing-line value against SP
 *
 * The grid comes from ra_odds_live while the race is open.  Once its live
 * rows are gone (the race is off) the first statement returns the race alone
 * from ra_races, and a second rebuilds the grid from the last observation of
 * each price in ra_odds_history.  With ?at= the grid is always rebuilt from
 * the history, from the last observation of each price at or before that
 * instant (back-tests, disputes).  A runner withdrawn before it still shows
 * its last prices: the history records prices, not withdrawals.
 *
 * ra_odds_history is partitioned by month: its statements take the window
 * of a race's prices, [off - 8 days, off + 1 day), as parameters, so that
 * PostgreSQL opens only the partitions of that window (pruning at executor
 * start needs parameters, not values from a join).  Racecards, and so
 * prices, appear at most 7 days before the off.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "board.h"
#include "clock.h"
#include "jsonw.h"

#define HISTORY_MAX_ROWS 20000
#define HISTORY_BEFORE_S (8 * 86400)
#define HISTORY_AFTER_S  86400

/*
 * One row per runner, prices as JSON arrays (see board.h); when the race has
 * no live price, the race alone (no runner) from ra_races; nothing when it
 * is unknown.
 */
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
    " UNION ALL "
    "SELECT race_date, off_dt, race_id, NULL, NULL, course_id, course, region_code, race_name,"
    "       NULL, NULL, '[]', '[]', '[]', '[]', '[]', '[]', '[]'"
    "  FROM ra_races"
    " WHERE race_id = $1 AND NOT EXISTS (SELECT 1 FROM ra_odds_live WHERE race_id = $1)"
    " ORDER BY number, horse_id";

/* The last observation of each runner and bookmaker in [$2, $3], as grid rows. */
static const char sql_grid_history[] =
    "SELECT r.race_date, r.off_dt, r.race_id, ru.number, p.horse_id, r.course_id, r.course,"
    "       r.region_code, r.race_name, ru.horse_name, max(p.observed_at) AS fetched_at,"
    "       json_agg(p.bookmaker_id ORDER BY p.bookmaker_id) AS bookmakers,"
    "       json_agg(p.fractional ORDER BY p.bookmaker_id) AS fractionals,"
    "       json_agg(p.decimal ORDER BY p.bookmaker_id) AS decimals,"
    "       json_agg(b.name ORDER BY p.bookmaker_id) AS bookmaker_names,"
    "       json_agg(p.observed_at ORDER BY p.bookmaker_id) AS changed"
    "  FROM (SELECT DISTINCT ON (horse_id, bookmaker_id)"
    "               horse_id, bookmaker_id, fractional, decimal, observed_at"
    "          FROM ra_odds_history"
    "         WHERE race_id = $1 AND observed_at >= $2::timestamptz AND observed_at < $3::timestamptz"
    "         ORDER BY horse_id, bookmaker_id, observed_at DESC) p"
    "  JOIN ra_races r ON r.race_id = $1"
    "  LEFT JOIN ra_runners ru ON ru.race_id = $1 AND ru.horse_id = p.horse_id"
    "  LEFT JOIN ra_bookmakers b ON b.bookmaker_id = p.bookmaker_id"
    " GROUP BY r.race_date, r.off_dt, r.race_id, r.course_id, r.course, r.region_code, r.race_name,"
    "          ru.number, p.horse_id, ru.horse_name"
    " ORDER BY ru.number, p.horse_id";

/* The race's off time (its prices' window); no row when the race is unknown. */
static const char sql_race_off[] =
    "SELECT off_dt FROM ra_races WHERE race_id = $1"
    " UNION ALL SELECT off_dt FROM ra_odds_live WHERE race_id = $1"
    " LIMIT 1";

/*
 * The last $4 observations of each series in [$6, $7), oldest first: the
 * race's rows come from the series index (race_id, horse_id, bookmaker_id),
 * and each series, a few dozen rows, is sorted by observed_at; the runner's
 * name only on a series' first row.
 */
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
    "           AND observed_at >= $6::timestamptz AND observed_at < $7::timestamptz"
    "        WINDOW w AS (PARTITION BY horse_id, bookmaker_id ORDER BY observed_at"
    "                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) x"
    " WHERE rn > n - $4"
    " ORDER BY horse_id, bookmaker_id, observed_at"
    " LIMIT $5";

/*
 * The window of a race's prices, from its off time as PostgreSQL writes it,
 * as two timestamptz texts; the whole of time when the off is not known.
 * An instant `at` (0: none) ends the window earlier.
 */
static void
race_odds_window(const char *off_dt, time_t at, char *from, char *to, size_t len)
{
	time_t off;

	if (off_dt == NULL || jsonw_parse_pgtime(off_dt, &off) < 0) {
		snprintf(from, len, "-infinity");
		if (at)
			clock_format_instant(at, to, len);
		else
			snprintf(to, len, "infinity");
		return;
	}
	clock_format_instant(off - HISTORY_BEFORE_S, from, len);
	clock_format_instant(at && at < off + HISTORY_AFTER_S ? at : off + HISTORY_AFTER_S, to, len);
}

/*
 * Each runner's prices at each bookmaker: the first seen and the last (the
 * closing line once off), from ra_odds_live while the race is open, else
 * from ra_odds_closing (migration 0020); the runner's SP and result from
 * ra_runners.  Closing-line value: 100 * (price / SP - 1), what the price
 * was worth against the SP; null without both.  No row: unknown race.
 */
static const char sql_summary[] =
    "WITH p AS ("
    "  SELECT horse_id, bookmaker_id, opening_decimal, opening_at, decimal AS closing_decimal,"
    "         price_changed_at AS closing_at"
    "    FROM ra_odds_live WHERE race_id = $1"
    "  UNION ALL"
    "  SELECT horse_id, bookmaker_id, opening_decimal, opening_at, closing_decimal, closing_at"
    "    FROM ra_odds_closing WHERE race_id = $1"
    "     AND NOT EXISTS (SELECT 1 FROM ra_odds_live WHERE race_id = $1)),"
    " race AS ("
    "  SELECT race_id, race_name, course, off_dt FROM ra_races WHERE race_id = $1"
    "  UNION ALL SELECT race_id, min(race_name), min(course), min(off_dt) FROM ra_odds_live"
    "   WHERE race_id = $1 AND NOT EXISTS (SELECT 1 FROM ra_races WHERE race_id = $1) GROUP BY race_id),"
    " priced AS ("
    "  SELECT p.*, ru.horse_name, ru.number, ru.position, ru.sp, ru.sp_dec,"
    "         round(100 * (p.opening_decimal / ru.sp_dec - 1), 2) AS clv_opening_percent,"
    "         round(100 * (p.closing_decimal / ru.sp_dec - 1), 2) AS clv_closing_percent"
    "    FROM p LEFT JOIN ra_runners ru ON ru.race_id = $1 AND ru.horse_id = p.horse_id),"
    " runner AS ("
    "  SELECT horse_id, min(horse_name) AS horse_name, min(number) AS number, min(position) AS position,"
    "         min(sp) AS sp, min(sp_dec) AS sp_dec, max(opening_decimal) AS best_opening,"
    "         max(closing_decimal) AS best_closing,"
    "         round(100 * (max(opening_decimal) / min(sp_dec) - 1), 2) AS clv_best_opening_percent,"
    "         round(100 * (max(closing_decimal) / min(sp_dec) - 1), 2) AS clv_best_closing_percent,"
    "         json_agg(json_build_object('bookmaker_id', bookmaker_id, 'opening_decimal', opening_decimal,"
    "                  'opening_at', opening_at, 'closing_decimal', closing_decimal, 'closing_at', closing_at,"
    "                  'clv_opening_percent', clv_opening_percent, 'clv_closing_percent', clv_closing_percent)"
    "                  ORDER BY bookmaker_id) AS prices"
    "    FROM priced GROUP BY horse_id)"
    "SELECT json_build_object('success', true, 'race_id', race.race_id, 'race_name', race.race_name,"
    "       'course', race.course, 'off_dt', race.off_dt,"
    "       'runners', (SELECT coalesce(json_agg(x ORDER BY x.number, x.horse_id), '[]'::json) FROM runner x)"
    "       )::text AS body"
    "  FROM race";

static const struct db_stmt race_grid_live_stmt = DB_STMT("race_grid_live", sql_grid_live);
static const struct db_stmt race_grid_history_stmt = DB_STMT("race_grid_history", sql_grid_history);
static const struct db_stmt race_off_stmt = DB_STMT("race_off", sql_race_off);
static const struct db_stmt race_history_stmt = DB_STMT("race_history", sql_history);
static const struct db_stmt race_summary_stmt = DB_STMT("race_odds_summary", sql_summary);

/*
 * Answers {"success": true, "timestamp", "source", "at" (when asked for an
 * instant), "race": grid} for a result of one race; alone: the race without
 * its runners (no price yet at that instant).
 */
static void
race_odds_write(struct request *r, const PGresult *res, int format, const char *source, time_t at, int alone)
{
	struct board_race race;
	struct board b;
	struct jsonw w;

	if (api_board_start(r, res, format, &b, &w) < 0)
		return;
	if (board_race(&b, 0, r->now, &race) == 0) {
		/* The race alone, without a price: no runners. */
		if (alone || (race.end == race.first + 1 && PQgetisnull(res, 0, b.c.horse_id)))
			race.end = race.first;
		jsonw_kstr(&w, "source", source);
		if (at) {
			jsonw_key(&w, "at");
			jsonw_instant(&w, at);
		}
		jsonw_key(&w, "race");
		board_write_grid(&w, &b, &race, r->now);
		jsonw_obj_end(&w);
		resp_body(r, 200, jsonw_failed(&w));
	} else {
		resp_detail(r, 500, "internal error");
	}
	board_free(&b);
}

/*
 * Runs stmt for race id; returns its result, or NULL with a 404 set (no
 * row) or *failed set (the database failed).
 */
static PGresult *
race_odds_find(struct request *r, const struct db_stmt *stmt, const char *id, int *failed)
{
	PGresult *res = db_exec_prepared(r->db, stmt, 1, &id);

	*failed = res == NULL;
	if (res != NULL && PQntuples(res) == 0) {
		PQclear(res);
		resp_detail(r, 404, "race %s not found", id);
		return NULL;
	}
	return res;
}

static enum api_outcome
race_odds_grid(struct request *r)
{
	const char *id = api_path_id(r, 0, "race_id");
	char from[32], to[32];
	const char *params[3] = { id, from, to };
	PGresult *res, *hist;
	int failed, format = api_odds_format(r), has_at;
	time_t at = 0;

	has_at = query_instant(&r->query, "at", &at) == 1;
	if (resp_invalid_params(r))
		return API_DONE;
	res = race_odds_find(r, &race_grid_live_stmt, id, &failed);
	if (res == NULL)
		return failed ? api_db_failed(r) : API_DONE;
	if (!has_at && db_value(res, 0, "horse_id") != NULL) {
		race_odds_write(r, res, format, "live", 0, 0);
		PQclear(res);
		return API_DONE;
	}
	/*
	 * Off, not priced yet, or asked for an instant: the last observed
	 * prices (up to that instant), else the race alone.
	 */
	race_odds_window(db_value(res, 0, "off_dt"), has_at ? at : 0, from, to, sizeof(from));
	hist = db_exec_prepared(r->db, &race_grid_history_stmt, 3, params);
	if (hist == NULL) {
		PQclear(res);
		return api_db_failed(r);
	}
	if (PQntuples(hist) > 0)
		race_odds_write(r, hist, format, "history", at, 0);
	else
		race_odds_write(r, res, format, "history", at, 1);
	PQclear(hist);
	PQclear(res);
	return API_DONE;
}

/* Rows a and b are of the same runner and bookmaker. */
static int
race_odds_same_series(const PGresult *res, int a, int b)
{
	int horse = PQfnumber(res, "horse_id"), book = PQfnumber(res, "bookmaker_id");

	return strcmp(PQgetvalue(res, a, horse), PQgetvalue(res, b, horse)) == 0 &&
	    strcmp(PQgetvalue(res, a, book), PQgetvalue(res, b, book)) == 0;
}

/* Writes the first n rows of res: one object per runner and bookmaker with its points. */
static void
race_odds_series(struct jsonw *w, const PGresult *res, int n)
{
	int horse = PQfnumber(res, "horse_id"), book = PQfnumber(res, "bookmaker_id");
	int at = PQfnumber(res, "observed_at"), dec = PQfnumber(res, "decimal");
	int frac = PQfnumber(res, "fractional"), name = PQfnumber(res, "horse_name");
	int nseries = 0;

	jsonw_key(w, "series");
	jsonw_arr(w);
	for (int i = 0; i < n; ) {
		int end = i + 1;

		while (end < n && race_odds_same_series(res, i, end))
			end++;
		nseries++;
		jsonw_obj(w);
		jsonw_kstr(w, "horse_id", PQgetvalue(res, i, horse));
		jsonw_kstr(w, "horse_name", PQgetisnull(res, i, name) ? NULL : PQgetvalue(res, i, name));
		jsonw_kstr(w, "bookmaker_id", PQgetvalue(res, i, book));
		jsonw_kint(w, "count", end - i);
		jsonw_key(w, "points");
		jsonw_arr(w);
		for (int k = i; k < end; k++) {
			jsonw_obj(w);
			jsonw_key(w, "observed_at");
			jsonw_time(w, PQgetvalue(res, k, at));
			jsonw_key(w, "decimal");
			jsonw_num(w, PQgetvalue(res, k, dec));
			jsonw_kstr(w, "fractional", PQgetvalue(res, k, frac));
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
		jsonw_obj_end(w);
		i = end;
	}
	jsonw_arr_end(w);
	jsonw_kint(w, "series_count", nseries);
}

static enum api_outcome
race_odds_history(struct request *r)
{
	const char *id = api_path_id(r, 0, "race_id");
	char points_s[16], limit_s[16], from[32], to[32];
	const char *params[7] = { id, NULL, NULL, points_s, limit_s, from, to };
	struct jsonw w;
	PGresult *res;
	long points;
	int truncated, n, failed;

	query_id(&r->query, "horse_id", &params[1]);
	query_id(&r->query, "bookmaker", &params[2]);
	query_int(&r->query, "points", 1, 500, 100, &points);
	if (resp_invalid_params(r))
		return API_DONE;
	res = race_odds_find(r, &race_off_stmt, id, &failed);
	if (res == NULL)
		return failed ? api_db_failed(r) : API_DONE;
	race_odds_window(db_value(res, 0, "off_dt"), 0, from, to, sizeof(from));
	PQclear(res);
	snprintf(points_s, sizeof(points_s), "%ld", points);
	snprintf(limit_s, sizeof(limit_s), "%d", HISTORY_MAX_ROWS + 1);
	res = db_exec_prepared(r->db, &race_history_stmt, 7, params);
	if (res == NULL)
		return api_db_failed(r);
	truncated = PQntuples(res) > HISTORY_MAX_ROWS;
	n = truncated ? HISTORY_MAX_ROWS : PQntuples(res);
	/* Cut at a series boundary: a series without its newest points would mislead. */
	while (truncated && n > 0 && race_odds_same_series(res, n - 1, n))
		n--;
	buf_reset(&r->body);
	jsonw_init(&w, &r->body);
	jsonw_obj(&w);
	jsonw_kbool(&w, "success", 1);
	jsonw_kstr(&w, "race_id", id);
	jsonw_kint(&w, "points_per_series", points);
	race_odds_series(&w, res, n);
	jsonw_kbool(&w, "truncated", truncated);
	jsonw_obj_end(&w);
	resp_body(r, 200, jsonw_failed(&w));
	PQclear(res);
	return API_DONE;
}

static enum api_outcome
race_odds_summary(struct request *r)
{
	const char *id = api_path_id(r, 0, "race_id");

	if (resp_invalid_params(r))
		return API_DONE;
	return api_send_found(r, &race_summary_stmt, 1, &id, "race", id);
}

static const struct api_route race_odds_routes[] = {
	{ .method = "GET", .pattern = "/api/races/{race_id}/odds",
	  .handler = race_odds_grid, .cache_control = API_LIVE, .name = "race_odds",
	  .summary = "Runners x bookmakers grid of a race: best prices and the favourite marked, each-way terms; from the "
	      "last observed prices once the race is off",
	  .schema = "RaceOdds",
	  .params = { API_FORMAT_PARAM, { "at", "t", "an instant (ISO-8601 with its zone): the grid as it stood then, "
	      "from the recorded price changes" } } },
	{ .method = "GET", .pattern = "/api/races/{race_id}/odds/history",
	  .handler = race_odds_history, .cache_control = API_LIVE, .name = "race_odds_history",
	  .summary = "Price movement per runner and bookmaker, the last `points` observations of each, oldest first",
	  .schema = "OddsHistory",
	  .params = { { "horse_id", "s", "one runner only" }, { "bookmaker", "s", "one bookmaker_id only" },
	      { "points", "i", "observations per series, 1 to 500 (default 100)" } } },
	{ .method = "GET", .pattern = "/api/races/{race_id}/odds/summary",
	  .handler = race_odds_summary, .cache_control = API_LIVE, .name = "race_odds_summary",
	  .summary = "Opening price, closing price (the last before the off; the current one while the race is open) and "
	      "SP per runner and bookmaker, with closing-line value: 100 x (price / SP - 1)",
	  .schema = "OddsSummary" },
};

static const struct api_schema race_odds_schemas[] = {
	{ "EachWay", "places:i fraction:s terms:s" },
	{ "GridBookmaker", "bookmaker_id:s bookmaker:s ew_places:i ew_denom:i ew_terms:s book_percent:n "
	  "runners_priced:i" },
	{ "GridPrice", "fractional:s decimal:n best:b changed_at:t american:s implied_probability:n" },
	{ "GridRunner", "horse_id:s horse_name:s number:i favourite:b best_price:BestPrice implied_probability:n "
	  "consensus_decimal:n fair_probability:n fair_decimal:n prices:o" },
	{ "GridRace", "race_id:s race_date:d off_dt:t off_time:s course_id:s course:s region_code:s race_name:s "
	  "stage:s seconds_to_off:i minutes_to_off:n next_phase:s next_phase_at:t minutes_to_next_phase:n "
	  "prices_updated_at:t runner_count:i bookmaker_count:i market:Market each_way:EachWay favourite:Favourite "
	  "bookmakers:[GridBookmaker] runners:[GridRunner]" },
	{ "RaceOdds", "success:b source:s timestamp:t at:t race:GridRace" },
	{ "OddsPoint", "observed_at:t decimal:n fractional:s" },
	{ "OddsSeries", "horse_id:s horse_name:s bookmaker_id:s count:i points:[OddsPoint]" },
	{ "OddsHistory", "success:b race_id:s points_per_series:i series:[OddsSeries] series_count:i truncated:b" },
	{ "SummaryPrice", "bookmaker_id:s opening_decimal:n opening_at:t closing_decimal:n closing_at:t "
	  "clv_opening_percent:n clv_closing_percent:n" },
	{ "SummaryRunner", "horse_id:s horse_name:s number:i position:s sp:s sp_dec:n best_opening:n best_closing:n "
	  "clv_best_opening_percent:n clv_best_closing_percent:n prices:[SummaryPrice]" },
	{ "OddsSummary", "success:b race_id:s race_name:s course:s off_dt:t runners:[SummaryRunner]" },
};

const struct api_module race_odds_module = {
	.name = "race_odds", .tag = "Races",
	.routes = race_odds_routes, .nroutes = API_COUNT(race_odds_routes),
	.schemas = race_odds_schemas, .nschemas = API_COUNT(race_odds_schemas),
};

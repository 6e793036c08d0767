/*
 * market: derived figures over many races (shared/market.h for the
 * arithmetic of one race's book, which board.c applies).
 *
 *   GET /api/movers    steamers and drifters: the runners of the races still to run whose
 *                      best price (or consensus, the median across bookmakers) moved most
 *                      over the window: 5m, 15m, 30m, 60m, 120m, or open (since first seen)
 *
 *   GET /api/analysis/early-price  how often a bookmaker's opening (and closing) price
 *                      beat the SP, by bookmaker and by days before the off, over racing days
 *                      from..to: dh_market_daily's rollups (migration 0020, dh-statistics)
 *
 * A price's value at the window's start costs nothing when it has not
 * changed since (ra_odds_live.price_changed_at is before it): it is the
 * current price.  Only prices changed inside the window read the history,
 * one primary-key probe each for the last change at or before the start.
 * "open" reads ra_odds_live.opening_decimal (migration 0020) and no history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"

#define MOVERS_HISTORY_BEFORE_S (8 * 86400)	/* prices appear at most 7 days before the off */

/*
 * $1 race_date, $2 now, $3 region, $4 race_id (NULL: any), $5 the window's
 * start (NULL: since first seen), $6 the history's lower bound (partition
 * pruning), $7 limit, $8 the window's name, $9 sort (best or consensus).
 * A bookmaker that had no price at the start takes no part in "from".
 * live is MATERIALIZED: inlined, its then_dec (a history probe) would run
 * once for each aggregate that reads it, three times a price.
 */
static const char sql_movers[] =
    "WITH live AS MATERIALIZED ("
    "  SELECT l.race_id, l.horse_id, l.decimal, l.off_dt, l.course, l.region_code, l.race_name,"
    "         l.horse_name, l.number,"
    "         CASE WHEN $5::timestamptz IS NULL THEN l.opening_decimal"
    "              WHEN l.price_changed_at <= $5::timestamptz THEN l.decimal"
    "              ELSE (SELECT h.decimal FROM ra_odds_history h"
    "                     WHERE h.race_id = l.race_id AND h.horse_id = l.horse_id"
    "                       AND h.bookmaker_id = l.bookmaker_id AND h.observed_at <= $5::timestamptz"
    "                       AND h.observed_at >= $6::timestamptz"
    "                     ORDER BY h.observed_at DESC LIMIT 1) END AS then_dec"
    "    FROM ra_odds_live l"
    "   WHERE l.race_date = $1::date AND l.off_dt > $2::timestamptz"
    "     AND ($3::text IS NULL OR l.region_code = upper($3)) AND ($4::text IS NULL OR l.race_id = $4)),"
    " runners AS ("
    "  SELECT race_id, horse_id, min(off_dt) AS off_dt, min(course) AS course,"
    "         min(region_code) AS region_code, min(race_name) AS race_name,"
    "         min(horse_name) AS horse_name, min(number) AS number,"
    "         max(then_dec) AS best_from, max(decimal) AS best_to,"
    "         percentile_cont(0.5) WITHIN GROUP (ORDER BY then_dec) AS consensus_from,"
    "         percentile_cont(0.5) WITHIN GROUP (ORDER BY decimal) AS consensus_to,"
    "         count(*) FILTER (WHERE then_dec IS DISTINCT FROM decimal) AS bookmakers_moved,"
    "         count(*) AS bookmakers"
    "    FROM live GROUP BY race_id, horse_id),"
    " moves AS ("
    "  SELECT race_id, race_name, course, region_code, off_dt, horse_id, horse_name, number,"
    "         best_from, best_to, round(100 * (best_to - best_from) / best_from, 2) AS best_change_percent,"
    "         round(consensus_from::numeric, 3) AS consensus_from,"
    "         round(consensus_to::numeric, 3) AS consensus_to,"
    "         round((100 * (consensus_to - consensus_from) / consensus_from)::numeric, 2)"
    "             AS consensus_change_percent,"
    "         bookmakers_moved, bookmakers"
    "    FROM runners WHERE best_from IS NOT NULL),"
    " ranked AS ("
    "  SELECT m.*, CASE WHEN $9::text = 'consensus' THEN consensus_change_percent"
    "                   ELSE best_change_percent END AS change"
    "    FROM moves m)"
    "SELECT json_build_object('success', true, 'window', $8::text, 'since', $5::timestamptz,"
    "       'race_date', $1::date, 'sort', $9::text,"
    "       'steamers', (SELECT coalesce(json_agg(s), '[]'::json) FROM"
    "                     (SELECT * FROM ranked WHERE change < 0 ORDER BY change, race_id, horse_id LIMIT $7) s),"
    "       'drifters', (SELECT coalesce(json_agg(d), '[]'::json) FROM"
    "                     (SELECT * FROM ranked WHERE change > 0 ORDER BY change DESC, race_id, horse_id LIMIT $7) d)"
    "       )::text AS body";

static const struct db_stmt movers_stmt = DB_STMT("movers", sql_movers);

/* The windows GET /api/movers offers, in minutes (0: since first seen). */
static const char *const movers_windows[] = { "5m", "15m", "30m", "60m", "120m", "open", NULL };

static enum api_outcome
market_movers(struct request *r)
{
	static const char *const sorts[] = { "best", "consensus", NULL };
	struct clock_date day = clock_racing_day(r->now);
	char date[16], now[32], since[32], floor[32], limit_s[16];
	const char *params[9] = { date, now, NULL, NULL, since, floor, limit_s, NULL, NULL };
	const char *window;
	long limit, minutes;

	query_date(&r->query, "race_date", &day);
	query_enum(&r->query, "region", api_regions, NULL, &params[2]);
	query_id(&r->query, "race_id", &params[3]);
	query_enum(&r->query, "window", movers_windows, "60m", &window);
	query_enum(&r->query, "sort", sorts, "best", &params[8]);
	query_int(&r->query, "limit", 1, 100, 20, &limit);
	if (resp_invalid_params(r))
		return API_DONE;
	minutes = strcmp(window, "open") == 0 ? 0 : strtol(window, NULL, 10);
	clock_format_date(&day, date, sizeof(date));
	clock_format_instant(r->now, now, sizeof(now));
	clock_format_instant(r->now - minutes * 60 - MOVERS_HISTORY_BEFORE_S, floor, sizeof(floor));
	if (minutes > 0)
		clock_format_instant(r->now - minutes * 60, since, sizeof(since));
	else
		params[4] = NULL;
	snprintf(limit_s, sizeof(limit_s), "%ld", limit);
	params[7] = window;
	return api_send_json(r, &movers_stmt, 9, params);
}

/*
 * $1 from, $2 to.  Percentages of the prices compared; closing-line value
 * averaged over them.  '_best' (each runner's best opening price) is "best",
 * apart from the bookmakers.
 */
#define EARLY_FIGURES \
    "sum(runners) AS runners," \
    " round(100.0 * sum(opening_beat_sp) / sum(runners), 1) AS opening_beat_sp_percent," \
    " round(100.0 * sum(closing_beat_sp) / sum(runners), 1) AS closing_beat_sp_percent," \
    " round(sum(opening_clv_sum) / sum(runners), 2) AS opening_clv_avg_percent," \
    " round(sum(closing_clv_sum) / sum(runners), 2) AS closing_clv_avg_percent"

static const char sql_early[] =
    "WITH d AS (SELECT * FROM dh_market_daily WHERE race_date BETWEEN $1::date AND $2::date)"
    "SELECT json_build_object('success', true, 'from', $1::date, 'to', $2::date,"
    "       'days', (SELECT count(DISTINCT race_date) FROM d),"
    "       'best', (SELECT row_to_json(b) FROM (SELECT " EARLY_FIGURES " FROM d"
    "                 WHERE bookmaker_id = '_best' HAVING sum(runners) > 0) b),"
    "       'best_by_days_before', (SELECT coalesce(json_agg(b ORDER BY b.days_before), '[]'::json) FROM"
    "                 (SELECT days_before, " EARLY_FIGURES " FROM d WHERE bookmaker_id = '_best'"
    "                   GROUP BY days_before) b),"
    "       'by_bookmaker', (SELECT coalesce(json_agg(k ORDER BY k.opening_beat_sp_percent DESC,"
    "                 k.bookmaker_id), '[]'::json) FROM"
    "                 (SELECT d.bookmaker_id, min(bk.name) AS bookmaker, " EARLY_FIGURES
    "                    FROM d LEFT JOIN ra_bookmakers bk USING (bookmaker_id)"
    "                   WHERE d.bookmaker_id <> '_best' GROUP BY d.bookmaker_id) k),"
    "       'by_days_before', (SELECT coalesce(json_agg(b ORDER BY b.days_before), '[]'::json) FROM"
    "                 (SELECT days_before, " EARLY_FIGURES " FROM d WHERE bookmaker_id <> '_best'"
    "                   GROUP BY days_before) b))::text AS body";

static const struct db_stmt early_stmt = DB_STMT("analysis_early_price", sql_early);

#define EARLY_MAX_DAYS 366
#define EARLY_DEFAULT_DAYS 30

static enum api_outcome
market_early_price(struct request *r)
{
	struct clock_date to = clock_racing_day(r->now), from;
	char from_s[16], to_s[16];
	const char *params[2] = { from_s, to_s };

	query_date_range(&r->query, EARLY_DEFAULT_DAYS, EARLY_MAX_DAYS, &from, &to);
	if (resp_invalid_params(r))
		return API_DONE;
	clock_format_date(&from, from_s, sizeof(from_s));
	clock_format_date(&to, to_s, sizeof(to_s));
	return api_send_json(r, &early_stmt, 2, params);
}

static const struct api_route market_routes[] = {
	{ .method = "GET", .pattern = "/api/movers",
	  .handler = market_movers, .cache_control = API_LIVE, .name = "movers",
	  .summary = "Steamers (price shortening) and drifters (lengthening) among the runners of races still to run: "
	      "each runner's best price and consensus (median) price at the window's start and now, and the change in "
	      "percent; ranked by the best price's change (or the consensus's)",
	  .schema = "Movers",
	  .params = { { "window", "s", "5m, 15m, 30m, 60m (default), 120m, or open (since the price was first seen)" },
	      { "race_date", "d", "racing day (default: today, Europe/London)" }, API_P_REGION,
	      { "race_id", "s", "one race only" }, { "sort", "s", "best (default) or consensus" },
	      { "limit", "i", "runners in each list, 1 to 100 (default 20)" } } },
	{ .method = "GET", .pattern = "/api/analysis/early-price",
	  .handler = market_early_price, .cache_control = API_MASTERS, .name = "analysis_early_price",
	  .summary = "How often the opening (first seen) and closing prices beat the SP, and their average closing-line "
	      "value, for each runner's best opening price, by bookmaker and by days before the off",
	  .schema = "EarlyPrice",
	  .params = { { "from", "d", "first racing day (default: 29 days before to)" },
	      { "to", "d", "last racing day (default: today; at most 366 days from from)" } } },
};

static const struct api_schema market_schemas[] = {
	{ "Mover", "race_id:s race_name:s course:s region_code:s off_dt:t horse_id:s horse_name:s number:i "
	  "best_from:n best_to:n best_change_percent:n consensus_from:n consensus_to:n consensus_change_percent:n "
	  "bookmakers_moved:i bookmakers:i change:n" },
	{ "Movers", "success:b window:s since:t race_date:d sort:s steamers:[Mover] drifters:[Mover]" },
	{ "EarlyFigures", "runners:i opening_beat_sp_percent:n closing_beat_sp_percent:n opening_clv_avg_percent:n "
	  "closing_clv_avg_percent:n" },
	{ "EarlyByBookmaker", "bookmaker_id:s bookmaker:s runners:i opening_beat_sp_percent:n "
	  "closing_beat_sp_percent:n opening_clv_avg_percent:n closing_clv_avg_percent:n" },
	{ "EarlyByDays", "days_before:i runners:i opening_beat_sp_percent:n closing_beat_sp_percent:n "
	  "opening_clv_avg_percent:n closing_clv_avg_percent:n" },
	{ "EarlyPrice", "success:b from:d to:d days:i best:EarlyFigures best_by_days_before:[EarlyByDays] "
	  "by_bookmaker:[EarlyByBookmaker] by_days_before:[EarlyByDays]" },
};

const struct api_module market_module = {
	.name = "market", .tag = "Market",
	.routes = market_routes, .nroutes = API_COUNT(market_routes),
	.schemas = market_schemas, .nschemas = API_COUNT(market_schemas),
};

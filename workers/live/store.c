/* store: dh-live's write of one cycle's prices (see live.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "num.h"
#include "rows.h"
#include "live.h"
#include "log.h"

#define LIVE_ROWS_MAX (256 * 1024 * 1024)	/* bytes of row JSON, far above a full day */

/*
 * A cycle's prices arrive by COPY into session temp tables (emptied at
 * commit: live_prices, and live_races with each race's own fields), then
 * one statement compares them with ra_odds_live: only new or changed
 * prices are written, so an unchanged price costs a join and no write.  Each new price and each change of decimal is appended to
 * ra_odds_history (its series' next row, with the price it replaced:
 * migration 0024); rows of the races fetched that are no longer quoted
 * (non-runners, withdrawn prices) are deleted.  A history row is appended
 * in the transaction that writes the price to ra_odds_live, so a cycle run
 * again finds it there and appends nothing twice.
 *
 * New prices are a plain INSERT and changed ones an UPDATE, not one upsert:
 * ON CONFLICT's speculative insertion costs a fifth more per new row, and the
 * join has already told the two apart.  That is safe because the keys are
 * unique in the batch (the parser keeps a race, a runner in a race and a
 * bookmaker for a runner once: rapi_model.h) and this session holds
 * dh-live's advisory lock, so nobody else inserts a price between the join
 * and the insert; should that ever fail, the unique key refuses the row and
 * the cycle rolls back whole.
 */
/*
 * The closing line (ra_odds_closing, migration 0020): a price of a race that
 * is off leaves ra_odds_live as the race's last price before the off, with
 * the opening price beside it.  Written from the deleted rows (the CTE
 * `gone`, after FROM), never from the history.
 */
#define CLOSING_FROM(rows) \
    " closed AS (" \
    "  INSERT INTO ra_odds_closing (race_id, horse_id, bookmaker_id, race_date, off_dt," \
    "    opening_decimal, opening_at, closing_decimal, closing_fractional, closing_at)" \
    "  SELECT race_id, horse_id, bookmaker_id, race_date, off_dt, opening_decimal, opening_at," \
    "         decimal, fractional, price_changed_at" \
    "    FROM " rows \
    "  ON CONFLICT (race_id, horse_id, bookmaker_id) DO NOTHING RETURNING 1)"

/*
 * A race's own fields travel once, in live_races (the races fetched), not
 * with each of its ~260 prices in live_prices.
 */
static const char sql_temp[] =
    "CREATE TEMP TABLE IF NOT EXISTS live_prices (race_id text, horse_id text,"
    "  bookmaker_id text, horse_name text, number int, bookmaker_name text,"
    "  fractional text, decimal numeric, ew_places int, ew_denom int,"
    "  upstream_updated_at timestamptz) ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS live_races (race_id text, race_date date,"
    "  off_dt timestamptz, course_id text, course text, region_code text, race_name text)"
    "  ON COMMIT DELETE ROWS";

static const char sql_copy_prices[] =
    "COPY live_prices (race_id, horse_id, bookmaker_id, horse_name, number, bookmaker_name,"
    "  fractional, decimal, ew_places, ew_denom, upstream_updated_at) FROM STDIN";

static const char sql_copy_races[] =
    "COPY live_races (race_id, race_date, off_dt, course_id, course, region_code, race_name)"
    "  FROM STDIN";

static const char sql_store[] =
    "WITH incoming AS (SELECT p.race_id, p.horse_id, p.bookmaker_id, r.race_date, r.off_dt,"
    "    r.course_id, r.course, r.region_code, r.race_name, p.horse_name, p.number,"
    "    p.bookmaker_name, p.fractional, p.decimal, p.ew_places, p.ew_denom, p.upstream_updated_at"
    "  FROM live_prices p JOIN live_races r USING (race_id)),"
    " cur AS ("
    "  SELECT i.*, l.decimal AS old_decimal, l.race_id IS NULL AS is_new"
    "    FROM incoming i LEFT JOIN ra_odds_live l USING (race_id, horse_id, bookmaker_id)"
    "   WHERE l.race_id IS NULL OR l.decimal IS DISTINCT FROM i.decimal"
    "      OR l.fractional IS DISTINCT FROM i.fractional OR l.off_dt IS DISTINCT FROM i.off_dt"
    "      OR l.number IS DISTINCT FROM i.number OR l.ew_places IS DISTINCT FROM i.ew_places"
    "      OR l.ew_denom IS DISTINCT FROM i.ew_denom),"
    " books AS ("
    "  INSERT INTO ra_bookmakers (bookmaker_id, name, type)"
    "  SELECT DISTINCT ON (bookmaker_id) bookmaker_id, bookmaker_name,"
    "         CASE dh_bookmaker_type(bookmaker_id, bookmaker_name)"
    "           WHEN 'exchange' THEN 'exchange' ELSE 'bookmaker' END"
    "    FROM cur c"
    "   WHERE c.is_new AND NOT EXISTS (SELECT 1 FROM ra_bookmakers b WHERE b.bookmaker_id = c.bookmaker_id)"
    "  ON CONFLICT DO NOTHING RETURNING 1),"
    " ins AS ("
    "  INSERT INTO ra_odds_live (race_id, horse_id, bookmaker_id, race_date, off_dt,"
    "    course_id, course, region_code, race_name, horse_name, number, bookmaker_name,"
    "    fractional, decimal, ew_places, ew_denom, upstream_updated_at,"
    "    price_changed_at, fetched_at, updated_at, opening_decimal, opening_at)"
    "  SELECT race_id, horse_id, bookmaker_id, race_date, off_dt, course_id, course,"
    "    region_code, race_name, horse_name, number, bookmaker_name, fractional, decimal,"
    "    ew_places, ew_denom, upstream_updated_at, $1::timestamptz, $1::timestamptz,"
    "    $1::timestamptz, decimal, $1::timestamptz"
    "    FROM cur WHERE is_new"
    "  RETURNING race_id, horse_id, bookmaker_id, fractional, decimal, upstream_updated_at),"
    " upd AS ("
    "  UPDATE ra_odds_live l SET"
    "    fractional = c.fractional, decimal = c.decimal,"
    "    ew_places = c.ew_places, ew_denom = c.ew_denom,"
    "    off_dt = c.off_dt, race_date = c.race_date, number = c.number,"
    "    upstream_updated_at = c.upstream_updated_at,"
    "    price_changed_at = CASE WHEN l.decimal IS DISTINCT FROM c.decimal"
    "                            THEN $1::timestamptz ELSE l.price_changed_at END,"
    "    fetched_at = $1::timestamptz, updated_at = $1::timestamptz"
    "    FROM cur c"
    "   WHERE NOT c.is_new AND l.race_id = c.race_id AND l.horse_id = c.horse_id"
    "     AND l.bookmaker_id = c.bookmaker_id"
    "  RETURNING l.race_id, l.horse_id, l.bookmaker_id, l.fractional, l.decimal,"
    "            l.upstream_updated_at, c.old_decimal),"
    " hist AS ("
    "  INSERT INTO ra_odds_history (race_id, horse_id, bookmaker_id, observed_at, fractional,"
    "    decimal, previous_decimal)"
    "  SELECT race_id, horse_id, bookmaker_id, coalesce(upstream_updated_at, $1::timestamptz),"
    "         fractional, decimal, NULL"
    "    FROM ins"
    "  UNION ALL"
    "  SELECT race_id, horse_id, bookmaker_id, coalesce(upstream_updated_at, $1::timestamptz),"
    "         fractional, decimal, old_decimal"
    "    FROM upd WHERE old_decimal IS DISTINCT FROM decimal"
    "  RETURNING 1),"
    " gone AS ("
    "  DELETE FROM ra_odds_live l USING live_races r"
    "   WHERE l.race_id = r.race_id"
    "     AND NOT EXISTS (SELECT 1 FROM live_prices i WHERE i.race_id = l.race_id"
    "                     AND i.horse_id = l.horse_id AND i.bookmaker_id = l.bookmaker_id)"
    "  RETURNING l.*),"
    CLOSING_FROM("gone WHERE off_dt <= $1::timestamptz")
    " SELECT (SELECT count(*) FROM ins) + (SELECT count(*) FROM upd) AS changed,"
    "        (SELECT count(*) FROM hist) AS history, (SELECT count(*) FROM gone) AS removed";

static const char sql_prune[] =
    "WITH gone AS ("
    "  DELETE FROM ra_odds_live WHERE off_dt < $1::timestamptz - make_interval(secs => $2::int)"
    "  RETURNING *),"
    CLOSING_FROM("gone")
    " SELECT count(*) AS pruned FROM gone";

static const char sql_statistics_prune[] =
    "DELETE FROM ra_odds_statistics WHERE cycle_started_at < $1::timestamptz - make_interval(days => $2::int)";

static const char sql_statistics[] =
    "INSERT INTO ra_odds_statistics (cycle_started_at, duration_ms, races, horses, bookmakers,"
    "  odds_fetched, rows_changed, history_rows, errors)"
    " VALUES ($1::timestamptz, $2::int, $3::int, $4::int, $5::int, $6::int, $7::int, $8::int,"
    "         $9::int)";

const struct rapi_race *
live_next_race(const struct rapi_racecards *rc, time_t now)
{
	const struct rapi_race *next = NULL;

	for (size_t i = 0; rc != NULL && i < rc->n; i++) {
		const struct rapi_race *race = &rc->races[i];

		if (!race->off_dt.present || race->off_dt.v <= now || race->is_abandoned.v)
			continue;
		if (next == NULL || race->off_dt.v < next->off_dt.v)
			next = race;
	}
	return next;
}

/* Adds one price as a row; an each-way denominator of 0 is no terms (NULL). */
static void
row_add(struct rows *rows, const struct rapi_race *race, const struct rapi_runner *run,
    const struct rapi_odds *o)
{
	struct rapi_int denom = o->ew_denom;
	char dec[32];

	denom.present = denom.present && denom.v > 0;
	snprintf(dec, sizeof(dec), "%.3f", o->decimal.v);
	rows_open(rows);
	rows_text(rows, "race_id", race->race_id);
	rows_text(rows, "horse_id", run->horse_id);
	rows_text(rows, "bookmaker_id", o->bookmaker_id);
	rows_text(rows, "horse_name", run->horse);
	rows_int(rows, "number", &run->number_n);
	rows_text(rows, "bookmaker_name", o->bookmaker);
	rows_text(rows, "fractional", o->fractional ? o->fractional : dec);
	rows_real(rows, "decimal", &o->decimal);
	rows_int(rows, "ew_places", &o->ew_places);
	rows_int(rows, "ew_denom", &denom);
	rows_instant(rows, "upstream_updated_at", &o->updated);
}

int
live_price_usable(const struct rapi_odds *o)
{
	return o->decimal.present && o->decimal.v > 1.0 && o->decimal.v < 10000.0;
}

/*
 * A race whose runners, or a runner's odds, are not a list: what it quotes is
 * unknown, not nothing, so it is left out of the cycle (neither written nor
 * in the list of races fetched, whose unquoted prices are deleted).
 */
static int
prices_unreadable(const struct rapi_race *race)
{
	if (race->runners_unreadable)
		return 1;
	for (size_t r = 0; r < race->n_runners; r++)
		if (race->runners[r].odds_unreadable)
			return 1;
	return 0;
}

/* A race with ids, not off at now and not abandoned. */
static int
race_open(const struct rapi_race *race, time_t now)
{
	return race->race_id != NULL && race->course_id != NULL && race->off_dt.present &&
	    race->off_dt.v > now && !race->is_abandoned.v;
}

int
live_race_stored(const struct rapi_race *race, time_t now)
{
	return race_open(race, now) && !prices_unreadable(race);
}

/*
 * Builds the rows and the list of races fetched.  Counts races, horses and
 * prices; distinct bookmakers are counted by name over at most 64.
 */
static void
rows_build(const struct rapi_racecards *rc, time_t now, struct rows *rows, struct rows *races,
    struct live_counts *c)
{
	const char *books[64];
	size_t nbooks = 0;

	for (size_t i = 0; rc != NULL && i < rc->n; i++) {
		const struct rapi_race *race = &rc->races[i];
		struct clock_date day;
		char race_date[11];
		long priced = 0;

		if (!race_open(race, now))
			continue;
		if (prices_unreadable(race)) {
			log_warn("race %s: runners or odds that are not lists: its stored prices are kept"
			    " as they are this cycle", race->race_id);
			continue;
		}
		day = clock_racing_day(race->off_dt.v);
		clock_format_date(&day, race_date, sizeof(race_date));
		rows_race(races, race, race_date);
		for (size_t r = 0; r < race->n_runners; r++) {
			const struct rapi_runner *run = &race->runners[r];
			long before = c->odds;

			for (size_t k = 0; k < run->n_odds; k++) {
				const struct rapi_odds *o = &run->odds[k];
				size_t j;

				if (!live_price_usable(o))
					continue;
				row_add(rows, race, run, o);
				c->odds++;
				for (j = 0; j < nbooks && strcmp(books[j], o->bookmaker_id) != 0; j++)
					;
				if (j == nbooks && nbooks < 64)
					books[nbooks++] = o->bookmaker_id;
			}
			if (c->odds > before) {
				c->horses++;
				priced++;
			}
		}
		if (priced > 0)
			c->races++;
	}
	c->bookmakers = (long)nbooks;
}

static long
count_of(PGresult *res, const char *column)
{
	const char *v = db_value(res, 0, column);
	long n = 0;

	if (v == NULL || num_parse_long(v, 0, 1L << 40, &n) < 0)
		return 0;
	return n;
}

int
live_store_day(struct db *db, const struct rapi_racecards *rc, time_t now, struct live_counts *c)
{
	struct live_counts day;
	struct rows rows, races;
	char at[32];
	const char *params[1], *data, *race_ids;
	unsigned queries;
	int64_t before, after;
	PGresult *res;
	int status = -1;

	memset(&day, 0, sizeof(day));
	rows_init_copy(&rows, LIVE_ROWS_MAX);
	rows_init_copy(&races, LIVE_ROWS_MAX);
	clock_format_instant(now, at, sizeof(at));
	rows_build(rc, now, &rows, &races, &day);
	data = rows_finish(&rows);
	race_ids = rows_finish(&races);
	if (data == NULL || race_ids == NULL) {
		log_error("could not build the rows: out of memory or over %d bytes", LIVE_ROWS_MAX);
		goto out;
	}
	params[0] = at;
	db_stats(db, &queries, &before);
	if (db_begin(db) < 0)
		goto out;
	/*
	 * Hash joins: merge joins would sort three text keys per row under the
	 * database collation, three times slower here (measured: 50 ms against
	 * 170 ms for 15,000 unchanged prices).
	 */
	if (db_script(db, sql_temp) < 0 ||
	    db_command(db, "SET LOCAL enable_mergejoin = off", 0, NULL) < 0 ||
	    db_copy_in(db, sql_copy_prices, data, rows.buf.len) < 0 ||
	    db_copy_in(db, sql_copy_races, race_ids, races.buf.len) < 0 ||
	    db_command(db, "ANALYZE live_races", 0, NULL) < 0 ||
	    (res = db_exec(db, sql_store, 1, params)) == NULL) {
		db_rollback(db);
		goto out;
	}
	day.changed = count_of(res, "changed");
	day.history = count_of(res, "history");
	day.removed = count_of(res, "removed");
	PQclear(res);
	if (db_commit(db) < 0)
		goto out;
	db_stats(db, &queries, &after);
	c->races += day.races;
	c->horses += day.horses;
	c->bookmakers = day.bookmakers > c->bookmakers ? day.bookmakers : c->bookmakers;
	c->odds += day.odds;
	c->changed += day.changed;
	c->history += day.history;
	c->removed += day.removed;
	c->db_ms += (after - before) / 1000;
	status = 0;
out:
	rows_free(&rows);
	rows_free(&races);
	return status;
}

int
live_finish_cycle(struct db *db, time_t now, long duration_ms, long errors, int keep_days,
    struct live_counts *c)
{
	char at[32], retention[16], nums[8][24];
	const char *params[9];
	PGresult *res;

	clock_format_instant(now, at, sizeof(at));
	snprintf(retention, sizeof(retention), "%d", LIVE_RETENTION_S);
	params[0] = at;
	params[1] = retention;
	if (db_begin(db) < 0)
		return -1;
	res = db_exec(db, sql_prune, 2, params);
	if (res == NULL)
		goto out_rollback;
	if (num_parse_long(PQgetvalue(res, 0, 0), 0, 1L << 40, &c->pruned) < 0)
		c->pruned = 0;
	PQclear(res);
	snprintf(nums[0], sizeof(nums[0]), "%ld", duration_ms);
	snprintf(nums[1], sizeof(nums[1]), "%ld", c->races);
	snprintf(nums[2], sizeof(nums[2]), "%ld", c->horses);
	snprintf(nums[3], sizeof(nums[3]), "%ld", c->bookmakers);
	snprintf(nums[4], sizeof(nums[4]), "%ld", c->odds);
	snprintf(nums[5], sizeof(nums[5]), "%ld", c->changed);
	snprintf(nums[6], sizeof(nums[6]), "%ld", c->history);
	snprintf(nums[7], sizeof(nums[7]), "%ld", errors);
	for (int i = 0; i < 8; i++)
		params[i + 1] = nums[i];
	if (db_command(db, sql_statistics, 9, params) < 0)
		goto out_rollback;
	if (keep_days > 0) {
		snprintf(retention, sizeof(retention), "%d", keep_days);
		params[1] = retention;
		if (db_command(db, sql_statistics_prune, 2, params) < 0)
			goto out_rollback;
	}
	return db_commit(db);
out_rollback:
	db_rollback(db);
	return -1;
}

/* store: dh-live's write of one cycle's prices (see live.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "clock.h"
#include "rows.h"
#include "live.h"
#include "log.h"

#define LIVE_ROWS_MAX (256 * 1024 * 1024)	/* bytes of row JSON, far above a full day */

/*
 * $1: the rows (a JSON array of objects), $2: the cycle's instant, $3: the
 * race ids fetched (a JSON array).  A price that did not change is filtered
 * by the DO UPDATE ... WHERE and writes nothing.  The "old" CTE reads the
 * table as it was before this statement, which gives previous_decimal.
 */
static const char sql_store[] =
    "WITH incoming AS ("
    "  SELECT DISTINCT ON (race_id, horse_id, bookmaker_id) *"
    "    FROM json_to_recordset($1::json) AS x(race_id text, horse_id text, bookmaker_id text,"
    "     race_date date, off_dt timestamptz, course_id text, course text,"
    "    region_code text, race_name text, horse_name text, number int, bookmaker_name text,"
    "    fractional text, decimal numeric, ew_places int, ew_denom int,"
    "    upstream_updated_at timestamptz)),"
    " old AS ("
    "  SELECT l.race_id, l.horse_id, l.bookmaker_id, l.decimal"
    "    FROM ra_odds_live l JOIN incoming i USING (race_id, horse_id, bookmaker_id)),"
    " books AS ("
    "  INSERT INTO ra_bookmakers (bookmaker_id, name, type)"
    "  SELECT DISTINCT ON (bookmaker_id) bookmaker_id, bookmaker_name,"
    "         CASE WHEN bookmaker_name ~* 'exchange|matchbook' THEN 'exchange' ELSE 'bookmaker' END"
    "    FROM incoming i"
    "   WHERE NOT EXISTS (SELECT 1 FROM ra_bookmakers b WHERE b.bookmaker_id = i.bookmaker_id)"
    "  ON CONFLICT DO NOTHING RETURNING 1),"
    " up AS ("
    "  INSERT INTO ra_odds_live AS l (race_id, horse_id, bookmaker_id, race_date, off_dt,"
    "    course_id, course, region_code, race_name, horse_name, number, bookmaker_name,"
    "    fractional, decimal, ew_places, ew_denom, upstream_updated_at,"
    "    price_changed_at, fetched_at, updated_at)"
    "  SELECT race_id, horse_id, bookmaker_id, race_date, off_dt, course_id, course,"
    "    region_code, race_name, horse_name, number, bookmaker_name, fractional, decimal,"
    "    ew_places, ew_denom, upstream_updated_at, $2::timestamptz, $2::timestamptz,"
    "    $2::timestamptz"
    "    FROM incoming"
    "  ON CONFLICT (race_id, horse_id, bookmaker_id) DO UPDATE SET"
    "    fractional = EXCLUDED.fractional, decimal = EXCLUDED.decimal,"
    "    ew_places = EXCLUDED.ew_places, ew_denom = EXCLUDED.ew_denom,"
    "    off_dt = EXCLUDED.off_dt, race_date = EXCLUDED.race_date, number = EXCLUDED.number,"
    "    upstream_updated_at = EXCLUDED.upstream_updated_at,"
    "    price_changed_at = CASE WHEN l.decimal IS DISTINCT FROM EXCLUDED.decimal"
    "                            THEN EXCLUDED.price_changed_at ELSE l.price_changed_at END,"
    "    fetched_at = EXCLUDED.fetched_at, updated_at = EXCLUDED.updated_at"
    "  WHERE l.decimal IS DISTINCT FROM EXCLUDED.decimal"
    "     OR l.fractional IS DISTINCT FROM EXCLUDED.fractional"
    "     OR l.off_dt IS DISTINCT FROM EXCLUDED.off_dt"
    "     OR l.number IS DISTINCT FROM EXCLUDED.number"
    "     OR l.ew_places IS DISTINCT FROM EXCLUDED.ew_places"
    "     OR l.ew_denom IS DISTINCT FROM EXCLUDED.ew_denom"
    "  RETURNING l.race_id, l.horse_id, l.bookmaker_id, l.fractional, l.decimal,"
    "            l.upstream_updated_at),"
    " hist AS ("
    "  INSERT INTO ra_odds_history (race_id, horse_id, bookmaker_id, observed_at, fractional,"
    "    decimal, previous_decimal)"
    "  SELECT u.race_id, u.horse_id, u.bookmaker_id,"
    "         coalesce(u.upstream_updated_at, $2::timestamptz), u.fractional, u.decimal, o.decimal"
    "    FROM up u LEFT JOIN old o USING (race_id, horse_id, bookmaker_id)"
    "   WHERE o.decimal IS DISTINCT FROM u.decimal"
    "  ON CONFLICT DO NOTHING RETURNING 1),"
    " gone AS ("
    "  DELETE FROM ra_odds_live l"
    "   WHERE l.race_id IN (SELECT race_id FROM json_to_recordset($3::json) AS f(race_id text))"
    "     AND NOT EXISTS (SELECT 1 FROM incoming i WHERE i.race_id = l.race_id"
    "                     AND i.horse_id = l.horse_id AND i.bookmaker_id = l.bookmaker_id)"
    "  RETURNING 1)"
    " SELECT (SELECT count(*) FROM up) AS changed, (SELECT count(*) FROM hist) AS history,"
    "        (SELECT count(*) FROM gone) AS removed";

static const char sql_prune[] =
    "DELETE FROM ra_odds_live WHERE off_dt < $1::timestamptz - make_interval(secs => $2::int)";

static const char sql_statistics[] =
    "INSERT INTO ra_odds_statistics (cycle_started_at, duration_ms, races, horses, bookmakers,"
    "  odds_fetched, rows_changed, history_rows, errors)"
    " VALUES ($1::timestamptz, $2::int, $3::int, $4::int, $5::int, $6::int, $7::int, $8::int,"
    "         $9::int)";

const struct rapi_race *
live_next_race(const struct rapi_racecards *const *days, int ndays, time_t now)
{
	const struct rapi_race *next = NULL;

	for (int d = 0; d < ndays; d++) {
		for (size_t i = 0; days[d] != NULL && i < days[d]->n; i++) {
			const struct rapi_race *race = &days[d]->races[i];

			if (!race->off_dt.present || race->off_dt.v <= now || race->is_abandoned.v)
				continue;
			if (next == NULL || race->off_dt.v < next->off_dt.v)
				next = race;
		}
	}
	return next;
}

/* Adds one price as a row. */
static void
row_add(struct rows *rows, const struct rapi_race *race, const char *race_date,
    const struct rapi_runner *run, const struct rapi_odds *o)
{
	char dec[32];

	snprintf(dec, sizeof(dec), "%.3f", o->decimal.v);
	rows_open(rows);
	rows_text(rows, "race_id", race->race_id);
	rows_text(rows, "horse_id", run->horse_id);
	rows_text(rows, "bookmaker_id", o->bookmaker_id);
	rows_text(rows, "race_date", race_date);
	rows_instant(rows, "off_dt", &race->off_dt);
	rows_text(rows, "course_id", race->course_id);
	rows_text(rows, "course", race->course);
	rows_text(rows, "region_code", race->region);
	rows_text(rows, "race_name", race->race_name);
	rows_text(rows, "horse_name", run->horse);
	rows_int(rows, "number", &run->number_n);
	rows_text(rows, "bookmaker_name", o->bookmaker);
	rows_text(rows, "fractional", o->fractional ? o->fractional : dec);
	rows_real(rows, "decimal", &o->decimal);
	rows_int(rows, "ew_places", &o->ew_places);
	rows_int(rows, "ew_denom", &o->ew_denom);
	rows_instant(rows, "upstream_updated_at", &o->updated);
}

/* A usable price: a bookmaker we can key and a decimal above evens' floor. */
static int
price_usable(const struct rapi_odds *o)
{
	return o->bookmaker_id != NULL && o->bookmaker != NULL && o->decimal.present &&
	    o->decimal.v > 1.0 && o->decimal.v < 10000.0;
}

/*
 * Builds the rows and the list of races fetched.  Counts races, horses and
 * prices; distinct bookmakers are counted by name over at most 64.
 */
static void
rows_build(const struct rapi_racecards *const *days, int ndays, time_t now, struct rows *rows,
    struct rows *races, struct live_counts *c)
{
	const char *books[64];
	size_t nbooks = 0;

	for (int d = 0; d < ndays; d++) {
		for (size_t i = 0; days[d] != NULL && i < days[d]->n; i++) {
			const struct rapi_race *race = &days[d]->races[i];
			struct clock_date day;
			char race_date[11];
			long priced = 0;

			if (race->race_id == NULL || race->course_id == NULL || !race->off_dt.present ||
			    race->off_dt.v <= now || race->is_abandoned.v)
				continue;
			day = clock_racing_day(race->off_dt.v);
			clock_format_date(&day, race_date, sizeof(race_date));
			rows_open(races);
			rows_text(races, "race_id", race->race_id);
			for (size_t r = 0; r < race->n_runners; r++) {
				const struct rapi_runner *run = &race->runners[r];
				long before = c->odds;

				if (run->horse_id == NULL)
					continue;
				for (size_t k = 0; k < run->n_odds; k++) {
					const struct rapi_odds *o = &run->odds[k];
					size_t j;

					if (!price_usable(o))
						continue;
					row_add(rows, race, race_date, run, o);
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
	}
	c->bookmakers = (long)nbooks;
}

static long
count_of(PGresult *res, const char *column)
{
	const char *v = db_value(res, 0, column);
	long n = 0;

	if (v == NULL || cfg_parse_long(v, 0, 1L << 40, &n) < 0)
		return 0;
	return n;
}

int
live_store(struct db *db, const struct rapi_racecards *const *days, int ndays, time_t now,
    long duration_ms, long errors, struct live_counts *c)
{
	struct rows rows, races;
	char at[32], retention[16], nums[8][24];
	const char *params[9];
	PGresult *res = NULL;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	rows_init(&rows, LIVE_ROWS_MAX);
	rows_init(&races, LIVE_ROWS_MAX);
	clock_format_instant(now, at, sizeof(at));
	rows_build(days, ndays, now, &rows, &races, c);
	params[0] = rows_json(&rows);
	params[1] = at;
	params[2] = rows_json(&races);
	if (params[0] == NULL || params[2] == NULL) {
		log_error("could not build the rows: out of memory or over %d bytes", LIVE_ROWS_MAX);
		goto out;
	}
	if (db_begin(db) < 0)
		goto out;
	res = db_exec(db, sql_store, 3, params);
	if (res == NULL)
		goto out_rollback;
	c->changed = count_of(res, "changed");
	c->history = count_of(res, "history");
	c->removed = count_of(res, "removed");
	PQclear(res);

	snprintf(retention, sizeof(retention), "%d", LIVE_RETENTION_S);
	params[1] = retention;
	params[0] = at;
	res = db_exec(db, sql_prune, 2, params);
	if (res == NULL)
		goto out_rollback;
	if (cfg_parse_long(PQcmdTuples(res), 0, 1L << 40, &c->pruned) < 0)
		c->pruned = 0;
	PQclear(res);
	res = NULL;

	snprintf(nums[0], sizeof(nums[0]), "%ld", duration_ms);
	snprintf(nums[1], sizeof(nums[1]), "%ld", c->races);
	snprintf(nums[2], sizeof(nums[2]), "%ld", c->horses);
	snprintf(nums[3], sizeof(nums[3]), "%ld", c->bookmakers);
	snprintf(nums[4], sizeof(nums[4]), "%ld", c->odds);
	snprintf(nums[5], sizeof(nums[5]), "%ld", c->changed);
	snprintf(nums[6], sizeof(nums[6]), "%ld", c->history);
	snprintf(nums[7], sizeof(nums[7]), "%ld", errors);
	params[0] = at;
	for (int i = 0; i < 8; i++)
		params[i + 1] = nums[i];
	if (db_command(db, sql_statistics, 9, params) < 0)
		goto out_rollback;
	if (db_commit(db) < 0)
		goto out;
	rc = 0;
	goto out;
out_rollback:
	db_rollback(db);
out:
	rows_free(&rows);
	rows_free(&races);
	return rc;
}

/*
 * dh-historical: daily at 01:00 Europe/London, the previous racing day's
 * racecards (the last prices before each off) and results (SP, positions),
 * joined into ra_odds_historical (shared/historical.c); then the missing
 * dates of the last HIST_WINDOW_DAYS, newest first, one per cycle at a pace
 * the shared rate budget allows.  dh_historical_dates keeps the coverage
 * (done, missing, failed) that the API reports.
 */
#include <stdio.h>
#include <string.h>

#include "hist_publish.h"
#include "historical.h"
#include "log.h"
#include "num.h"
#include "rapi.h"
#include "rows.h"
#include "worker.h"

#define HIST_WINDOW_DAYS  365	/* the results API keeps 12 months */
#define HIST_PACE_S       20	/* between backfill dates: ~0.2 req/s of the shared budget */
#define HIST_RETRY_S      3600	/* before a failed date is tried again */
#define HIST_ROWS_MAX     (64 * 1024 * 1024)

static const char sql_coverage[] =
    "INSERT INTO dh_historical_dates (race_date)"
    " SELECT d::date FROM generate_series($1::date, $2::date, interval '1 day') d"
    " ON CONFLICT DO NOTHING";

/* The newest date to do: missing ones first, then failed ones due a retry. */
static const char sql_next_date[] =
    "SELECT race_date::text AS race_date,"
    "       (SELECT count(*) FROM dh_historical_dates WHERE state <> 'done'"
    "          AND race_date BETWEEN $1::date AND $2::date) AS todo"
    "  FROM dh_historical_dates"
    " WHERE race_date BETWEEN $1::date AND $2::date"
    "   AND (state = 'missing' OR (state = 'failed'"
    "        AND attempted_at < $3::timestamptz - make_interval(secs => $4::int)))"
    " ORDER BY state = 'failed', race_date DESC LIMIT 1";

static const char sql_store[] =
    "WITH incoming AS ("
    "  SELECT * FROM json_to_recordset($1::json) AS x(race_id text, horse_id text,"
    "    race_date date, race_time time, off_dt timestamptz, country text, course_id text,"
    "    course text, race_name text, race_class text, race_type text, distance text,"
    "    going text, field_size int, horse_name text, jockey text, trainer text, number int,"
    "    draw int, position text, position_num int, finished boolean, sp text, sp_dec numeric,"
    "    sp_fav_rank int, bookmaker_count int, price_min numeric, price_max numeric,"
    "    price_mean numeric, win_return numeric, place_return numeric, ew_return numeric,"
    "    ew_fraction text, ew_places int))"
    " INSERT INTO ra_odds_historical AS h (race_id, horse_id, race_date, race_time, off_dt,"
    "   country, course_id, course, race_name, race_class, race_type, distance, going,"
    "   field_size, horse_name, jockey, trainer, number, draw, position, position_num,"
    "   finished, sp, sp_dec, sp_fav_rank, bookmaker_count, price_min, price_max, price_mean,"
    "   win_return, place_return, ew_return, ew_fraction, ew_places)"
    " SELECT race_id, horse_id, race_date, race_time, off_dt, upper(country), course_id, course,"
    "   race_name, race_class, race_type, distance, going, field_size, horse_name, jockey,"
    "   trainer, number, draw, position, position_num, finished, sp,"
    "   CASE WHEN sp_dec > 1 THEN sp_dec END, sp_fav_rank, bookmaker_count, price_min,"
    "   price_max, price_mean, win_return, place_return, ew_return, ew_fraction, ew_places"
    "   FROM incoming WHERE race_date IS NOT NULL"
    " ON CONFLICT (race_id, horse_id) DO UPDATE SET"
    "   race_date = EXCLUDED.race_date, race_time = EXCLUDED.race_time, off_dt = EXCLUDED.off_dt,"
    "   country = EXCLUDED.country, course_id = EXCLUDED.course_id, course = EXCLUDED.course,"
    "   race_name = EXCLUDED.race_name, race_class = EXCLUDED.race_class,"
    "   race_type = EXCLUDED.race_type, distance = EXCLUDED.distance, going = EXCLUDED.going,"
    "   field_size = EXCLUDED.field_size, horse_name = EXCLUDED.horse_name,"
    "   jockey = EXCLUDED.jockey, trainer = EXCLUDED.trainer, number = EXCLUDED.number,"
    "   draw = EXCLUDED.draw, position = EXCLUDED.position, position_num = EXCLUDED.position_num,"
    "   finished = EXCLUDED.finished, sp = EXCLUDED.sp, sp_dec = EXCLUDED.sp_dec,"
    "   sp_fav_rank = EXCLUDED.sp_fav_rank, bookmaker_count = EXCLUDED.bookmaker_count,"
    "   price_min = EXCLUDED.price_min, price_max = EXCLUDED.price_max,"
    "   price_mean = EXCLUDED.price_mean, win_return = EXCLUDED.win_return,"
    "   place_return = EXCLUDED.place_return, ew_return = EXCLUDED.ew_return,"
    "   ew_fraction = EXCLUDED.ew_fraction, ew_places = EXCLUDED.ew_places";

static const char sql_done[] =
    "INSERT INTO dh_historical_dates AS d (race_date, state, races, rows, attempts, attempted_at,"
    "   completed_at, last_error)"
    " VALUES ($1::date, 'done', $2::int, $3::int, 1, $4::timestamptz, $4::timestamptz, NULL)"
    " ON CONFLICT (race_date) DO UPDATE SET state = 'done', races = EXCLUDED.races,"
    "   rows = EXCLUDED.rows, attempts = d.attempts + 1, attempted_at = EXCLUDED.attempted_at,"
    "   completed_at = EXCLUDED.completed_at, last_error = NULL";

static const char sql_failed[] =
    "INSERT INTO dh_historical_dates AS d (race_date, state, attempts, attempted_at, last_error)"
    " VALUES ($1::date, 'failed', 1, $2::timestamptz, $3)"
    " ON CONFLICT (race_date) DO UPDATE SET state = 'failed', attempts = d.attempts + 1,"
    "   attempted_at = EXCLUDED.attempted_at, last_error = EXCLUDED.last_error";

/* The next 01:00 Europe/London after now. */
static time_t
hist_next_0100(time_t now)
{
	struct clock_date day = clock_racing_day(now);

	for (int i = 0; i < 3; i++) {
		struct clock_date d = clock_date_add(day, i);
		time_t local = clock_date_to_utc(&d) + 3600;
		time_t t = local - clock_uk_offset(local - 3600);

		if (t > now)
			return t;
	}
	return now + 86400;
}

/* Fetches, joins and stores one date.  0, or -1 with res failed. */
static int
hist_date(struct worker_ctx *ctx, const char *date, struct worker_result *res)
{
	struct rapi_racecards *rc = NULL;
	struct rapi_results *rs = NULL;
	struct historical_counts c;
	struct rows rows;
	char now[32], races[24], nrows[24];
	const char *params[4];
	enum rapi_err e;
	int rc_ok = -1;

	clock_format_instant(clock_now(), now, sizeof(now));
	rows_init(&rows, HIST_ROWS_MAX);
	e = rapi_results(ctx->api, date, &rs);
	if (e == RAPI_OK) {
		e = rapi_racecards(ctx->api, date, &rc);
		if (e == RAPI_ERR_NOT_FOUND)
			e = RAPI_OK;	/* results without cards: rows without prices */
	}
	if (e != RAPI_OK) {
		worker_fail(res, "upstream: %s for %s: %s", rapi_err_name(e), date, rapi_error(ctx->api));
		goto failed;
	}
	historical_rows(rc, rs, &rows, &c);
	params[0] = rows_finish(&rows);
	if (params[0] == NULL) {
		worker_fail(res, "rows for %s too large", date);
		goto failed;
	}
	snprintf(races, sizeof(races), "%ld", c.races);
	snprintf(nrows, sizeof(nrows), "%ld", c.runners);
	if (db_begin(ctx->db) < 0 || db_command(ctx->db, sql_store, 1, params) < 0 ||
	    db_command(ctx->db, sql_done, 4, (const char *[]){ date, races, nrows, now }) < 0 ||
	    db_commit(ctx->db) < 0) {
		worker_fail(res, "database: %s", db_error(ctx->db));
		db_rollback(ctx->db);
		goto out;
	}
	res->rows_written += c.runners;
	hist_publish_date(ctx->db, date, clock_now());	/* after COMMIT, never before */
	log_info("%s: %ld races, %ld runners (%ld priced, %ld races without a card)", date, c.races,
	    c.runners, c.priced, c.no_card);
	rc_ok = 0;
	goto out;
failed:
	if (db_command(ctx->db, sql_failed, 3, (const char *[]){ date, now, res->error }) < 0)
		log_warn("could not record the failure of %s: %s", date, db_error(ctx->db));
out:
	rows_free(&rows);
	rapi_racecards_free(rc);
	rapi_results_free(rs);
	return rc_ok;
}

static void
hist_cycle(struct worker_ctx *ctx, struct worker_result *res)
{
	time_t now = clock_now(), next;
	struct clock_date today = clock_racing_day(now);
	struct clock_date newest = clock_date_add(today, -1), oldest;
	char from[11], to[11], at[32], retry[16], date[11] = "";
	const char *params[4] = { from, to, at, retry };
	long todo = 0;
	PGresult *r;

	/* Yesterday becomes due at 01:00 UK time. */
	if (now + clock_uk_offset(now) - clock_date_to_utc(&today) < 3600)
		newest = clock_date_add(today, -2);
	oldest = clock_date_add(newest, -(HIST_WINDOW_DAYS - 1));
	clock_format_date(&oldest, from, sizeof(from));
	clock_format_date(&newest, to, sizeof(to));
	clock_format_instant(now, at, sizeof(at));
	snprintf(retry, sizeof(retry), "%d", HIST_RETRY_S);

	if (ctx->has_date) {
		clock_format_date(&ctx->date, date, sizeof(date));
	} else {
		if (db_command(ctx->db, sql_coverage, 2, params) < 0) {
			worker_fail(res, "database: %s", db_error(ctx->db));
			return;
		}
		r = db_exec(ctx->db, sql_next_date, 4, params);
		if (r == NULL) {
			worker_fail(res, "database: %s", db_error(ctx->db));
			return;
		}
		if (PQntuples(r) > 0) {
			snprintf(date, sizeof(date), "%s", db_value(r, 0, "race_date"));
			if (num_parse_long(db_value(r, 0, "todo"), 0, 100000, &todo) < 0)
				todo = 0;
		}
		PQclear(r);
	}
	if (date[0] != '\0' && hist_date(ctx, date, res) < 0)
		return;
	if (todo > 1) {
		worker_next(res, HIST_PACE_S, "BACKFILL: %s done, %ld dates to go", date, todo - 1);
		return;
	}
	next = hist_next_0100(now);
	worker_next(res, (int)(next - now), "DAILY: next run at 01:00 UK for the day before");
}

/* --backfill: one date, skipped when dh_historical_dates says it is done. */
static int
hist_backfill(struct worker_ctx *ctx, struct clock_date day, struct worker_result *res)
{
	char date[11];
	int found = worker_date_found(ctx, "SELECT 1 FROM dh_historical_dates"
	    " WHERE race_date = $1::date AND state = 'done'", day, res);

	if (found != 0)
		return found;
	clock_format_date(&day, date, sizeof(date));
	return hist_date(ctx, date, res);
}

static int
hist_setup(struct worker_ctx *ctx)
{
	hist_publish_init(ctx->cfg);
	return 0;
}

static void
hist_teardown(struct worker_ctx *ctx)
{
	(void)ctx;
	hist_publish_free();
}

int
main(int argc, char **argv)
{
	static const struct worker_def def = {
		.name = "historical",
		.lock_key = WORKER_LOCK_HISTORICAL,
		.schedule = "daily at 01:00 Europe/London, then backfill newest first",
		.rapi_page_races = 20,
		.setup = hist_setup,
		.teardown = hist_teardown,
		.cycle = hist_cycle,
		.backfill = hist_backfill,
	};
	return worker_main(argc, argv, &def);
}

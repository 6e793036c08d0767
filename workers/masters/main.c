/*
 * dh-masters: the reference data.  Courses at start and every 30 days; each
 * hour today's and tomorrow's racecards and yesterday's and today's results
 * into races, runners, results, horses (with pedigree), jockeys, trainers and
 * owners; horses new to the database enriched through /horses/{id}/pro, a few
 * per cycle within the shared rate budget; and, after a start, the past
 * DH_MASTERS_BACKFILL_DAYS days, one per cycle.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "masters.h"
#include "rapi.h"
#include "worker.h"

#define MASTERS_INTERVAL_S   3600
#define MASTERS_BUSY_S       5		/* between past days after a start */
#define MASTERS_ENRICH_S     30		/* between batches of new horses: ~0.3 req/s, leaving
					   most of the shared budget to dh-live */
#define MASTERS_COURSES_S    (30 * 86400)
#define MASTERS_ENRICH_BATCH 10

static const char sql_to_enrich[] =
    "SELECT horse_id FROM ra_horses WHERE enriched_at IS NULL"
    " ORDER BY created_at DESC LIMIT $1::int";

struct masters_state {
	time_t       courses_at;	/* last /courses refresh */
	int          backfilled;	/* past days done since start */
};

static struct masters_state ms;

static int
upstream_failed(struct worker_ctx *ctx, struct worker_result *res, enum rapi_err e,
    const char *what)
{
	worker_fail(res, "upstream: %s: %s: %s", what, rapi_err_name(e), rapi_error(ctx->api));
	return -1;
}

static int
masters_courses(struct worker_ctx *ctx, time_t now, struct worker_result *res)
{
	struct rapi_courses *cs = NULL;
	enum rapi_err e;
	int rc;

	if (ms.courses_at != 0 && now - ms.courses_at < MASTERS_COURSES_S)
		return 0;
	e = rapi_courses(ctx->api, &cs);
	if (e != RAPI_OK)
		return upstream_failed(ctx, res, e, "courses");
	rc = masters_store_courses(ctx->db, cs, &res->rows_written);
	rapi_courses_free(cs);
	if (rc < 0) {
		worker_fail(res, "database: courses: %s", db_error(ctx->db));
		return -1;
	}
	ms.courses_at = now;
	return 0;
}

/* Racecards and/or results of one racing day. */
static int
masters_day(struct worker_ctx *ctx, struct clock_date day, int cards, int results,
    struct worker_result *res)
{
	char date[11], what[48];
	enum rapi_err e;
	int rc = 0;

	clock_format_date(&day, date, sizeof(date));
	if (cards && !*ctx->stop) {
		struct rapi_racecards *rc_cards = NULL;

		e = rapi_racecards(ctx->api, date, &rc_cards);
		snprintf(what, sizeof(what), "racecards %s", date);
		if (e != RAPI_OK && e != RAPI_ERR_NOT_FOUND)
			return upstream_failed(ctx, res, e, what);
		if (e == RAPI_OK && masters_store_cards(ctx->db, rc_cards, &res->rows_written) < 0) {
			worker_fail(res, "database: %s: %s", what, db_error(ctx->db));
			rc = -1;
		}
		rapi_racecards_free(rc_cards);
	}
	if (results && rc == 0 && !*ctx->stop) {
		struct rapi_results *rs = NULL;

		e = rapi_results(ctx->api, date, &rs);
		snprintf(what, sizeof(what), "results %s", date);
		if (e != RAPI_OK && e != RAPI_ERR_NOT_FOUND)
			return upstream_failed(ctx, res, e, what);
		if (e == RAPI_OK && masters_store_results(ctx->db, rs, clock_now(), &res->rows_written) < 0) {
			worker_fail(res, "database: %s: %s", what, db_error(ctx->db));
			rc = -1;
		}
		rapi_results_free(rs);
	}
	return rc;
}

/* Enriches up to a batch of new horses.  Returns how many were tried, or -1. */
static int
masters_enrich(struct worker_ctx *ctx, struct worker_result *res)
{
	char batch[8];
	const char *params[1] = { batch };
	PGresult *r;
	int n, done = 0;

	snprintf(batch, sizeof(batch), "%d", MASTERS_ENRICH_BATCH);
	r = db_exec(ctx->db, sql_to_enrich, 1, params);
	if (r == NULL) {
		worker_fail(res, "database: %s", db_error(ctx->db));
		return -1;
	}
	n = PQntuples(r);
	for (int i = 0; i < n && !*ctx->stop; i++) {
		const char *id = PQgetvalue(r, i, 0);
		struct rapi_horse *h = NULL;
		enum rapi_err e = rapi_horse(ctx->api, id, &h);

		if (e != RAPI_OK && e != RAPI_ERR_NOT_FOUND && e != RAPI_ERR_REQUEST) {
			upstream_failed(ctx, res, e, "horse profile");
			break;
		}
		if (masters_store_horse(ctx->db, id, e == RAPI_OK ? h : NULL, clock_now()) < 0) {
			worker_fail(res, "database: %s", db_error(ctx->db));
			rapi_horse_free(h);
			break;
		}
		res->rows_written++;
		rapi_horse_free(h);
		done++;
	}
	PQclear(r);
	return res->ok ? done : -1;
}

static void
masters_cycle(struct worker_ctx *ctx, struct worker_result *res)
{
	time_t now = clock_now();
	struct clock_date today = clock_racing_day(now);
	int backfill_days = ctx->cfg->masters_backfill_days, enriched;

	if (ctx->has_date) {
		masters_day(ctx, ctx->date, 1, 1, res);
		return;
	}
	if (masters_courses(ctx, now, res) < 0 ||
	    masters_day(ctx, today, 1, 1, res) < 0 ||
	    masters_day(ctx, clock_date_add(today, 1), 1, 0, res) < 0 ||
	    masters_day(ctx, clock_date_add(today, -1), 1, 1, res) < 0)
		return;
	if (ms.backfilled + 1 < backfill_days) {
		struct clock_date day = clock_date_add(today, -(ms.backfilled + 2));

		if (masters_day(ctx, day, 1, 1, res) < 0)
			return;
		ms.backfilled++;
		worker_next(res, MASTERS_BUSY_S, "BACKFILL: %d of %d past days done", ms.backfilled + 1,
		    backfill_days);
		return;
	}
	enriched = masters_enrich(ctx, res);
	if (enriched < 0)
		return;
	if (enriched == MASTERS_ENRICH_BATCH)
		worker_next(res, MASTERS_ENRICH_S, "ENRICH: more new horses to fetch profiles for");
	else
		worker_next(res, MASTERS_INTERVAL_S, "HOURLY: cards, results and new horses");
}

/* --backfill: a date's cards and results, skipped when its results are in. */
static int
masters_backfill(struct worker_ctx *ctx, struct clock_date day, struct worker_result *res)
{
	int found = worker_date_found(ctx, "SELECT 1 FROM ra_results WHERE race_date = $1::date LIMIT 1",
	    day, res);

	return found != 0 ? found : masters_day(ctx, day, 1, 1, res);
}

int
main(int argc, char **argv)
{
	static const struct worker_def def = {
		.name = "masters",
		.lock_key = WORKER_LOCK_MASTERS,
		.schedule = "hourly; courses monthly; past days and new horses at start",
		.rapi_page_races = 20,	/* bounds the parser's memory, as dh-live */
		.cycle = masters_cycle,
		.backfill = masters_backfill,
	};
	return worker_main(argc, argv, &def);
}

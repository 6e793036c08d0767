/*
 * dh-live: the live odds loop.  Each cycle fetches today's and tomorrow's
 * racecards for DH_REGIONS, writes the prices of races not yet off
 * (store.c), and picks the next interval by the nearest off: <= 5 min 10 s,
 * <= 30 min 60 s, <= 120 min 300 s, otherwise 900 s.  At start and daily it
 * makes sure ra_odds_history has partitions three months ahead.
 */
#include <stdio.h>
#include <string.h>

#include "live.h"
#include "log.h"
#include "odds.h"
#include "rapi.h"
#include "worker.h"

/* Races per /racecards/pro page: bounds the parser's memory (about 0.5 MiB a race). */
#define LIVE_PAGE_RACES 20

struct live_state {
	struct clock_date partitions_checked;	/* racing day of the last check */
};

static struct live_state live;

static int
live_setup(struct worker_ctx *ctx)
{
	ctx->state = &live;
	live_publish_init(ctx->cfg);
	return 0;
}

/*
 * Once per racing day: creates the next three months' history partitions
 * and drops those past DH_ODDS_HISTORY_RETENTION_MONTHS (each in its own
 * transaction, before the cycle's writes).
 */
static void
live_partitions(struct worker_ctx *ctx, struct clock_date today)
{
	char date[11], keep[11];
	const char *params[1] = { date };
	PGresult *r;

	if (memcmp(&today, &live.partitions_checked, sizeof(today)) == 0)
		return;
	clock_format_date(&today, date, sizeof(date));
	if (db_command(ctx->db, "SELECT dh_ensure_odds_history_partitions($1::date, 3)", 1, params) < 0) {
		log_warn("could not create history partitions: %s", db_error(ctx->db));
		return;
	}
	if (ctx->cfg->history_retention_months > 0) {
		struct clock_date from = { today.year, today.month, 1 };

		for (int i = 0; i < ctx->cfg->history_retention_months; i++) {
			from = clock_date_add(from, -1);	/* the last day of the month before */
			from.day = 1;
		}
		clock_format_date(&from, keep, sizeof(keep));
		params[0] = keep;
		r = db_exec(ctx->db, "SELECT dh_drop_odds_history_partitions($1::date) AS dropped", 1, params);
		if (r == NULL) {
			log_warn("could not drop old history partitions: %s", db_error(ctx->db));
			return;
		}
		if (strcmp(db_value(r, 0, "dropped"), "0") != 0)
			log_info("dropped %s ra_odds_history partitions before %s (retention %d months)",
			    db_value(r, 0, "dropped"), keep, ctx->cfg->history_retention_months);
		PQclear(r);
	}
	live.partitions_checked = today;
}

/*
 * One cycle: each day's cards are fetched, written and freed before the
 * next (memory holds one day at a time); the nearest off of both sets the
 * next interval.
 */
static void
live_teardown(struct worker_ctx *ctx)
{
	(void)ctx;
	live_publish_free();
}

static void
live_cycle(struct worker_ctx *ctx, struct worker_result *res)
{
	time_t now = clock_now(), next_off = 0;
	struct clock_date today = ctx->has_date ? ctx->date : clock_racing_day(now);
	char next_course[64] = "";
	struct live_counts c;
	struct odds_interval iv;
	int64_t t0 = clock_mono_ms();
	long errors = 0, pushed, push_failed, push_dropped;

	memset(&c, 0, sizeof(c));
	live_partitions(ctx, clock_racing_day(now));
	for (int d = 0; d < 2; d++) {
		struct clock_date day = clock_date_add(today, d);
		struct rapi_racecards *rc = NULL;
		const struct rapi_race *next;
		char date[11];
		enum rapi_err e;
		int stored;

		if (*ctx->stop) {
			worker_fail(res, "stopped");
			return;
		}
		clock_format_date(&day, date, sizeof(date));
		e = rapi_racecards(ctx->api, date, &rc);
		if (e != RAPI_OK) {
			errors++;
			log_warn("racecards for %s: %s: %s", date, rapi_err_name(e), rapi_error(ctx->api));
			if (d == 0) {
				worker_fail(res, "upstream: racecards for %s: %s", date, rapi_error(ctx->api));
				return;
			}
			continue;
		}
		next = live_next_race(rc, now);
		if (next != NULL && (next_off == 0 || next->off_dt.v < next_off)) {
			next_off = next->off_dt.v;
			snprintf(next_course, sizeof(next_course), "%s", next->course ? next->course : "?");
		}
		live_publish_prepare(ctx->db, rc, now);
		stored = live_store_day(ctx->db, rc, now, &c);
		if (stored == 0)
			live_publish_day(ctx->db, rc, now);	/* after COMMIT, never before */
		rapi_racecards_free(rc);
		if (stored < 0) {
			worker_fail(res, "database: %s", db_error(ctx->db));
			return;
		}
	}
	if (live_finish_cycle(ctx->db, now, (long)(clock_mono_ms() - t0), errors,
	    ctx->cfg->ops_retention_days, &c) < 0) {
		worker_fail(res, "database: %s", db_error(ctx->db));
		return;
	}
	res->rows_written = c.changed + c.history;
	live_publish_stats(&pushed, &push_failed, &push_dropped);
	res->detail = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:I, s:I, s:I}",
	    "races", (int)c.races, "horses", (int)c.horses, "bookmakers", (int)c.bookmakers,
	    "odds", (int)c.odds, "changed", (int)c.changed, "history", (int)c.history,
	    "removed", (int)c.removed, "pruned", (int)c.pruned, "db_ms", (int)c.db_ms,
	    "push_published", (json_int_t)pushed, "push_failed", (json_int_t)push_failed,
	    "push_dropped", (json_int_t)push_dropped);
	log_info("%ld prices of %ld races: %ld changed, %ld history rows, %ld removed; %ld ms in the database",
	    c.odds, c.races, c.changed, c.history, c.removed, c.db_ms);
	if (next_off == 0) {
		iv = odds_poll_interval(-1);
		worker_next(res, iv.seconds, "%s: no race to come today or tomorrow", iv.label);
	} else {
		double minutes = (double)(next_off - now) / 60.0;
		time_t local = next_off + clock_uk_offset(next_off);

		iv = odds_poll_interval(minutes);
		worker_next(res, iv.seconds, "%s: %s %02d:%02d in %.1f min", iv.label, next_course,
		    (int)(local % 86400 / 3600), (int)(local % 3600 / 60), minutes);
	}
}

int
main(int argc, char **argv)
{
	static const struct worker_def def = {
		.name = "live",
		.lock_key = WORKER_LOCK_LIVE,
		.schedule = "adaptive: 10 s to 15 min by the next off",
		.rapi_page_races = LIVE_PAGE_RACES,
		.setup = live_setup,
		.teardown = live_teardown,
		.cycle = live_cycle,
	};
	return worker_main(argc, argv, &def);
}

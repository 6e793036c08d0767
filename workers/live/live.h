/*
 * live: dh-live's pieces.  main.c runs the adaptive loop (fetch today's and
 * tomorrow's racecards, pick the next interval); store.c turns the prices of
 * races not yet off into rows and writes them in one statement.
 */
#ifndef DH_LIVE_H
#define DH_LIVE_H

#include <time.h>

#include "db.h"
#include "rapi_model.h"

/* Live rows of races that went off longer ago than this are deleted (history stays). */
#define LIVE_RETENTION_S (24 * 3600)

struct live_counts {
	long races;		/* races not yet off, with at least one price */
	long horses;		/* runners with at least one price */
	long bookmakers;	/* distinct bookmakers seen */
	long odds;		/* prices read this cycle */
	long changed;		/* live rows inserted or updated (price changed) */
	long history;		/* rows appended to ra_odds_history */
	long removed;		/* live rows of fetched races no longer quoted */
	long pruned;		/* live rows past the retention */
};

/* The race not yet off that goes next among both days' cards, or NULL. */
const struct rapi_race *live_next_race(const struct rapi_racecards *const *days, int ndays,
    time_t now);

/*
 * Writes the prices of every race in days[] that is not off at `now`, in one
 * transaction: upserts ra_odds_live where a price changed (an unchanged price
 * writes nothing), appends each change to ra_odds_history, deletes rows no
 * longer quoted in fetched races and rows past the retention, and records the
 * cycle in ra_odds_statistics.  Returns 0, or -1 (rolled back; db_error says why).
 */
int live_store(struct db *db, const struct rapi_racecards *const *days, int ndays, time_t now,
    long duration_ms, long errors, struct live_counts *out);

#endif

/*
 * live: dh-live's pieces.  main.c runs the adaptive loop (fetch today's and
 * tomorrow's racecards, pick the next interval); store.c turns the prices of
 * races not yet off into rows and writes them in one statement.
 */
#ifndef DH_LIVE_H
#define DH_LIVE_H

#include <time.h>

#include "cfg.h"
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
	long db_ms;		/* time spent in the day writes */
};

/*
 * Whether live_store_day writes race at now (it has ids, is not off, not
 * abandoned, and its runners and odds are lists): its rows in ra_odds_live
 * are then exactly its usable prices (live_price_usable) after the commit.
 * Races it does not write keep their rows as they are.
 */
int live_race_stored(const struct rapi_race *race, time_t now);
int live_price_usable(const struct rapi_odds *o);

/* The race not yet off that goes next on a day's cards, or NULL. */
const struct rapi_race *live_next_race(const struct rapi_racecards *rc, time_t now);

/*
 * Writes the prices of one day's races that are not off at `now`, in one
 * transaction: upserts ra_odds_live where a price changed (an unchanged price
 * writes nothing), appends each change to ra_odds_history and deletes rows no
 * longer quoted in the races fetched.  Adds to *c.  Returns 0, or -1 (rolled
 * back; db_error says why).
 */
int live_store_day(struct db *db, const struct rapi_racecards *rc, time_t now, struct live_counts *c);

/*
 * Ends a cycle: deletes live rows of races off longer than the retention,
 * records the cycle in ra_odds_statistics and deletes the cycles recorded
 * more than keep_days days before now (0: none).  0, or -1 (rolled back).
 */
int live_finish_cycle(struct db *db, time_t now, long duration_ms, long errors, int keep_days,
    struct live_counts *c);

/*
 * publish.c: live push.  live_publish_init starts the publisher when
 * DH_PUSH is on (nothing otherwise; every other call is then a no-op).
 * live_publish_prepare, called before a day's prices are stored, reads the
 * stored prices of races not held yet and compares the prices the day is
 * about to write with what is held, in memory: the deltas wait for the
 * commit (a later prepare drops them: the day was rolled back).
 * live_publish_day, called right after the day's COMMIT, queues those deltas
 * (nothing is read back), keeps the new state, and hands the races' stage
 * transitions to the push thread as timed messages; it never fails the
 * cycle.  live_publish_stats: the publisher's counters so far.
 * live_publish_free sends what is queued (within a second) and stops it.
 */
void live_publish_init(const struct cfg *cfg);
void live_publish_prepare(struct db *db, const struct rapi_racecards *rc, time_t now);
void live_publish_day(struct db *db, const struct rapi_racecards *rc, time_t now);
void live_publish_stats(long *published, long *failed, long *dropped);
void live_publish_free(void);

#endif

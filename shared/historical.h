/*
 * historical: joins a day's racecards (the last prices before the off) with
 * its results (SP, positions) on race_id + horse_id into ra_odds_historical
 * rows with the derived fields.  Pure: no I/O.
 *
 * Per runner that ran: price min/max/mean over the bookmakers' decimals and
 * their count; SP favourite rank (1 = shortest SP; ties share a rank); win,
 * place and each-way returns of one unit at SP by the field-size terms of
 * odds.h; the country from the race's region (GB, IRE, ...); the race time
 * as UK local time of off_dt.  A runner without a racecard entry still gets
 * its row, with no prices.
 */
#ifndef DH_HISTORICAL_H
#define DH_HISTORICAL_H

#include "rapi_model.h"
#include "rows.h"

struct historical_counts {
	long races;		/* result races joined */
	long runners;		/* rows written */
	long priced;		/* rows with at least one bookmaker price */
	long no_card;		/* result races with no racecard */
};

/*
 * Adds one row per result runner to out (the parser has dropped races and
 * runners listed twice: rapi_model.h).  rc may be NULL (no prices).
 */
void historical_rows(const struct rapi_racecards *rc, const struct rapi_results *rs,
    struct rows *out, struct historical_counts *counts);

#endif

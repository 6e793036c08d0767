/*
 * field: the runners of a race, chosen from the pool (pool.h) to fit the
 * race: its code, age band, sex restriction and, for handicaps, rating
 * band; no horse twice in a day.  Then weights, numbers (top weight
 * first), draws (flat only), jockeys, ratings, the market's view of each
 * chance, and the odd non-runner (withdrawn on the morning of the race).
 */
#ifndef SIM_FIELD_H
#define SIM_FIELD_H

#include <stdint.h>

#include "world.h"

/*
 * Chooses the horses of every race of a day, in slot order, none twice,
 * into day->field, day->horses and day->ages.  Cannot fail.
 */
void field_pick_day(struct world_day *day);

/* Fills in r->nrunners and r->runners from its day's picks; r's card must be set. */
void field_fill(struct world_race *r, const struct world_day *day);

#endif

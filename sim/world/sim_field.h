/*
 * sim_field: the runners of a race, chosen from the pool (sim_pool.h) to fit the
 * race: its code, age band, sex restriction and, for handicaps, rating
 * band; no horse twice in a day.  Then weights, numbers (top weight
 * first), draws (flat only), jockeys, ratings, the market's view of each
 * chance, and the odd non-runner (withdrawn on the morning of the race).
 */
#ifndef SIM_FIELD_H
#define SIM_FIELD_H

#include <stdint.h>

#include "sim_world.h"

/*
 * Chooses the horses of every race of a day, in slot order, none twice,
 * into day->field, day->horses and day->ages.  Cannot fail.
 */
void sim_field_pick_day(struct sim_world_day *day);

/* Fills in r->nrunners and r->runners from its day's picks; r's card must be set. */
void sim_field_fill(struct sim_world_race *r, const struct sim_world_day *day);

#endif

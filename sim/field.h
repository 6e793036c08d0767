/*
 * field: the runners of a race, chosen from the pool (pool.h) to fit the
 * race: its code, age band, sex restriction and, for handicaps, rating
 * band; each distinct within the race.  Then weights, numbers (top weight
 * first), draws (flat only), jockeys, ratings, the market's view of each
 * chance, and the odd non-runner (withdrawn on the morning of the race).
 */
#ifndef SIM_FIELD_H
#define SIM_FIELD_H

#include <stdint.h>

#include "world.h"

/* Fills in r->nrunners and r->runners; r's card must be set.  Cannot fail. */
void field_fill(struct world_race *r, uint64_t h);

#endif

/* sim_field: a race's runners (see sim_field.h). */
#include "sim_field.h"

#include <math.h>
#include <string.h>

#include "sim_pool.h"
#include "sim_rng.h"

/* Crop year for runner k: within the age band, younger ones likelier. */
static int
sim_field_crop(const struct sim_world_race *r, uint64_t h)
{
	int hi = r->age_max == 99 ? r->age_min + (r->type == SIM_WORLD_FLAT ? 5 : 7) : r->age_max;
	int age = r->age_min + sim_rng_skewed(h, hi - r->age_min + 1);

	return r->date.year - age;
}

/* Official rating of a horse in a year (flat or jumps scale). */
static int
sim_field_rating(const struct sim_world_race *r, uint32_t horse, int age)
{
	double a = sim_pool_horse_ability(horse) + 0.25 * sim_rng_normal(sim_rng_hash(SIM_RNG_HORSE, horse, 100, (uint64_t)r->date.year));
	int v;

	if (r->type == SIM_WORLD_FLAT) {
		v = (int)lround(70 + 15 * a) - (age == 2 ? 12 : age == 3 ? 3 : age > 6 ? 3 * (age - 6) : 0);
		return v < 35 ? 35 : v > 120 ? 120 : v;
	}
	v = (int)lround(112 + 16 * a) - (age == 4 ? 10 : age == 5 ? 4 : age > 9 ? 4 * (age - 9) : 0);
	return v < 70 ? 70 : v > 170 ? 170 : v;
}

/* The horses taken so far on the day being picked: open addressing, index + 1. */
#define SIM_FIELD_SET 4096	/* a power of two well above 70 races x 20 runners */
static uint32_t sim_field_taken[SIM_FIELD_SET];

/* Takes a horse for the day.  Returns 1, or 0 when it is taken already. */
static int
sim_field_take(uint32_t horse)
{
	uint32_t i = (horse * 2654435761u) & (SIM_FIELD_SET - 1);

	while (sim_field_taken[i] != 0) {
		if (sim_field_taken[i] == horse + 1)
			return 0;
		i = (i + 1) & (SIM_FIELD_SET - 1);
	}
	sim_field_taken[i] = horse + 1;
	return 1;
}

/*
 * Chooses the horse for runner k: not running elsewhere that day, and
 * fitting the race's sex restriction and rating band when it can.
 */
static uint32_t
sim_field_choose(const struct sim_world_race *r, int k, uint64_t h, int *age)
{
	static const uint32_t strides[] = { 7, 11, 17, 19, 23, 29, 31, 37, 41, 43 };
	int ire = r->meeting->course->ire, jumps = r->type != SIM_WORLD_FLAT;
	uint64_t stride = strides[h % 10], start = h >> 8;
	uint32_t pick = 0;

	for (int attempt = 0; attempt < 60; attempt++) {
		uint64_t hk = sim_rng_hash(SIM_RNG_RUNNER, (uint64_t)r->day * 128 + (uint64_t)r->slot, (uint64_t)k, (uint64_t)attempt);
		int home = (hk % 10) != 0 ? ire : !ire;
		enum sim_pool_block b = home ? (jumps ? SIM_POOL_IRE_JUMPS : SIM_POOL_IRE_FLAT) : (jumps ? SIM_POOL_GB_JUMPS : SIM_POOL_GB_FLAT);
		int crop = sim_field_crop(r, hk >> 8), rating;
		uint32_t size = sim_pool_block_size(b);
		/* Distinct for distinct k: stride is prime to the size, a multiple of 20. */
		uint32_t pos = (uint32_t)((start % size + (uint64_t)(k + 20 * attempt) * stride) % size);

		crop = crop < SIM_POOL_FIRST_CROP ? SIM_POOL_FIRST_CROP : crop > SIM_POOL_LAST_CROP ? SIM_POOL_LAST_CROP : crop;
		pick = (uint32_t)(crop - SIM_POOL_FIRST_CROP) * SIM_POOL_CROP_SIZE + sim_pool_block_first(b) + pos;
		*age = r->date.year - crop;
		rating = sim_field_rating(r, pick, *age);
		if (attempt < 30 && ((*r->sex_rest != '\0' && !sim_pool_horse_female(pick)) ||
		    (r->handicap && (rating > r->rating_max || rating < r->rating_max - 30))))
			continue;
		if (sim_field_take(pick))
			break;
	}
	return pick;
}

/* Weights carried: handicaps by rating, others by age and sex. */
static int
sim_field_lbs(const struct sim_world_race *r, const struct sim_world_runner *w, int top_rating, uint64_t h)
{
	int flat = r->type == SIM_WORLD_FLAT, lbs, female = sim_pool_horse_female(w->horse);

	if (r->handicap) {
		lbs = (flat ? 140 : 166) - (top_rating - w->ofr);
		return lbs < (flat ? 112 : 140) ? (flat ? 112 : 140) : lbs;
	}
	lbs = flat ? (w->age == 2 ? 128 : w->age == 3 ? 130 : 134) : 160;
	return lbs - (female ? (flat ? 5 : 7) : 0) + (int)(h % 3) * (flat ? 0 : 2);
}

/* Numbers by weight, top weight first; draws shuffled (flat only). */
static void
sim_field_numbers(struct sim_world_race *r)
{
	int order[SIM_WORLD_MAX_RUNNERS];

	for (int i = 0; i < r->nrunners; i++) {
		int j = i;

		while (j > 0 && r->runners[order[j - 1]].lbs < r->runners[i].lbs) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (int i = 0; i < r->nrunners; i++)
		r->runners[order[i]].number = i + 1;
	for (int i = 0; i < r->nrunners; i++)
		order[i] = i + 1;
	for (int i = r->nrunners - 1; i > 0; i--) {
		int j = (int)(sim_rng_hash(SIM_RNG_RUNNER, (uint64_t)r->day, (uint64_t)r->slot, (uint64_t)i + 5000) % (uint64_t)(i + 1));
		int t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (int i = 0; i < r->nrunners; i++)
		r->runners[i].draw = r->type == SIM_WORLD_FLAT ? order[i] : 0;
}

/* How many runners a race has. */
static int
sim_field_size(const struct sim_world_race *r, uint64_t h)
{
	if (r->handicap)
		return sim_rng_range(h, 8, (h >> 40) % 20 == 0 ? 20 : 16);
	return sim_rng_range(h, 5, r->type == SIM_WORLD_FLAT ? 14 : 12);
}

void
sim_field_pick_day(struct sim_world_day *day)
{
	struct sim_world_race r;

	memset(sim_field_taken, 0, sizeof(sim_field_taken));
	for (int slot = 0; slot < SIM_WORLD_MAX_SLOTS; slot++) {
		uint64_t h = sim_rng_hash(SIM_RNG_RACE, (uint64_t)day->day, (uint64_t)slot, 2);

		if (sim_world_race(day, slot, 0, &r) < 0)
			continue;
		day->field[slot] = sim_field_size(&r, h);
		for (int k = 0; k < day->field[slot]; k++)
			day->horses[slot][k] = sim_field_choose(&r, k, h >> 3, &day->ages[slot][k]);
	}
	day->picked = 1;
}

void
sim_field_fill(struct sim_world_race *r, const struct sim_world_day *day)
{
	static const uint32_t jstrides[] = { 7, 11, 17, 19, 23, 29, 31, 37 };
	int top = 0;
	int njockeys = r->meeting->course->ire ? SIM_POOL_JOCKEYS - SIM_POOL_JOCKEYS_GB : SIM_POOL_JOCKEYS_GB;
	double k = 0.8 + 0.45 * sim_rng_unit(sim_rng_hash(SIM_RNG_MARKET, (uint64_t)r->day, (uint64_t)r->slot, 7));
	uint64_t hj = sim_rng_next(sim_rng_hash(SIM_RNG_RACE, (uint64_t)r->day, (uint64_t)r->slot, 2));

	r->nrunners = day->field[r->slot];
	for (int i = 0; i < r->nrunners; i++) {
		struct sim_world_runner *w = &r->runners[i];
		uint64_t hr = sim_rng_hash(SIM_RNG_RUNNER, (uint64_t)r->day * 128 + (uint64_t)r->slot, (uint64_t)i, 999);
		double form;

		w->horse = day->horses[r->slot][i];
		w->age = day->ages[r->slot][i];
		w->jockey = (uint32_t)((hj + (uint64_t)i * jstrides[(hj >> 40) % 8]) % (uint64_t)njockeys) +
		    (r->meeting->course->ire ? SIM_POOL_JOCKEYS_GB : 0);
		w->ofr = sim_field_rating(r, w->horse, w->age);
		if (w->ofr > top)
			top = w->ofr;
		w->rpr = w->ofr + sim_rng_range(hr, -8, 8);
		w->ts = w->rpr - sim_rng_range(hr >> 8, 5, 40);
		if (!r->handicap && (w->age == 2 || hr % 3 == 0))
			w->ofr = -1;
		if (w->age == 2 && (hr >> 16) % 3 == 0)
			w->rpr = w->ts = -1;
		form = (r->handicap ? 0.35 : 0.9) * sim_pool_horse_ability(w->horse) + 0.8 * sim_rng_normal(hr >> 4);
		w->weight = exp(k * form);
		w->nr_at = 0;
		if (r->nrunners >= 6 && (hr >> 24) % 100 < 4) {
			w->nr_at = sim_world_local(r->date, 7 * 60 + 30 + (int)((hr >> 32) % 240));
			if (w->nr_at > r->off - 15 * 60)
				w->nr_at = r->off - 15 * 60;
		}
	}
	for (int i = 0; i < r->nrunners; i++) {
		struct sim_world_runner *w = &r->runners[i];

		w->lbs = sim_field_lbs(r, w, top, sim_rng_hash(SIM_RNG_RUNNER, w->horse, (uint64_t)r->day, 1));
	}
	sim_field_numbers(r);
}

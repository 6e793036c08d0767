/*
 * sim_rng: deterministic values from hashes of integers.  Every part of the
 * simulated world is a pure function of the seed and its coordinates (a
 * date, a race, a runner, a bookmaker, a minute), so nothing is stored and
 * the same question always gets the same answer.  No state but the seed;
 * nothing here can fail.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

/* What a hash is for, so that two uses of the same coordinates differ. */
enum sim_rng_kind {
	SIM_RNG_HORSE = 1, SIM_RNG_STALLION, SIM_RNG_DAM, SIM_RNG_JOCKEY, SIM_RNG_TRAINER, SIM_RNG_OWNER,
	SIM_RNG_NAME, SIM_RNG_DAY, SIM_RNG_MEETING, SIM_RNG_RACE, SIM_RNG_RUNNER, SIM_RNG_RUNNER_TEXT,
	SIM_RNG_MARKET, SIM_RNG_BOOK, SIM_RNG_UPDATE, SIM_RNG_JITTER, SIM_RNG_DRIFT, SIM_RNG_RESULT,
	SIM_RNG_FAULT, SIM_RNG_CORRUPT, SIM_RNG_ID
};

/* Sets the seed (DH_SIM_SEED).  Call once at start. */
void sim_rng_init(uint64_t seed);

/* A well-mixed 64-bit value from x (splitmix64's finaliser). */
uint64_t sim_rng_mix(uint64_t x);

/* The seeded hash of a kind and three coordinates. */
uint64_t sim_rng_hash(enum sim_rng_kind kind, uint64_t a, uint64_t b, uint64_t c);

/* Another value derived from h, to draw several numbers from one hash. */
uint64_t sim_rng_next(uint64_t h);

/* A uniform double in [0, 1), from any h (it is mixed first). */
double sim_rng_unit(uint64_t h);

/* A uniform integer in lo..hi (inclusive; lo <= hi), from any h. */
int sim_rng_range(uint64_t h, int lo, int hi);

/* A standard normal value (Box-Muller on two values from h). */
double sim_rng_normal(uint64_t h);

/* An index below n weighted towards 0 (popular stallions, busy jockeys). */
int sim_rng_skewed(uint64_t h, int n);

#endif

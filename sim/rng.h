/*
 * rng: deterministic values from hashes of integers.  Every part of the
 * simulated world is a pure function of the seed and its coordinates (a
 * date, a race, a runner, a bookmaker, a minute), so nothing is stored and
 * the same question always gets the same answer.  No state but the seed;
 * nothing here can fail.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

/* What a hash is for, so that two uses of the same coordinates differ. */
enum rng_kind {
	RNG_HORSE = 1, RNG_STALLION, RNG_DAM, RNG_JOCKEY, RNG_TRAINER, RNG_OWNER,
	RNG_NAME, RNG_DAY, RNG_MEETING, RNG_RACE, RNG_RUNNER, RNG_RUNNER_TEXT,
	RNG_MARKET, RNG_BOOK, RNG_UPDATE, RNG_JITTER, RNG_DRIFT, RNG_RESULT,
	RNG_FAULT, RNG_CORRUPT, RNG_ID
};

/* Sets the seed (DH_SIM_SEED).  Call once at start. */
void rng_init(uint64_t seed);

/* A well-mixed 64-bit value from x (splitmix64's finaliser). */
uint64_t rng_mix(uint64_t x);

/* The seeded hash of a kind and three coordinates. */
uint64_t rng_hash(enum rng_kind kind, uint64_t a, uint64_t b, uint64_t c);

/* Another value derived from h, to draw several numbers from one hash. */
uint64_t rng_next(uint64_t h);

/* A uniform double in [0, 1), from any h (it is mixed first). */
double rng_unit(uint64_t h);

/* A uniform integer in lo..hi (inclusive; lo <= hi), from any h. */
int rng_range(uint64_t h, int lo, int hi);

/* A standard normal value (Box-Muller on two values from h). */
double rng_normal(uint64_t h);

/* An index below n weighted towards 0 (popular stallions, busy jockeys). */
int rng_skewed(uint64_t h, int n);

#endif

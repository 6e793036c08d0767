/* sim_rng: seeded hashing (see sim_rng.h). */
#include "sim_rng.h"

#include <math.h>

static uint64_t sim_rng_seed_value;

void
sim_rng_init(uint64_t seed)
{
	sim_rng_seed_value = sim_rng_mix(seed ^ 0x5eed5eed5eed5eedULL);
}

uint64_t
sim_rng_mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
sim_rng_hash(enum sim_rng_kind kind, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t h = sim_rng_mix(sim_rng_seed_value ^ ((uint64_t)kind << 56));

	h = sim_rng_mix(h ^ a);
	h = sim_rng_mix(h ^ (b * 0x9e3779b97f4a7c15ULL));
	return sim_rng_mix(h ^ (c * 0xc2b2ae3d27d4eb4fULL));
}

uint64_t
sim_rng_next(uint64_t h)
{
	return sim_rng_mix(h);
}

/* Both mix h first, so that any value will do, shifted hashes included. */
double
sim_rng_unit(uint64_t h)
{
	return (double)(sim_rng_mix(h) >> 11) * (1.0 / 9007199254740992.0);
}

int
sim_rng_range(uint64_t h, int lo, int hi)
{
	return lo + (int)((sim_rng_mix(h) >> 11) % (uint64_t)(hi - lo + 1));
}

double
sim_rng_normal(uint64_t h)
{
	double u1 = sim_rng_unit(h), u2 = sim_rng_unit(sim_rng_mix(h));

	if (u1 < 1e-12)
		u1 = 1e-12;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

int
sim_rng_skewed(uint64_t h, int n)
{
	double u = sim_rng_unit(h);

	return (int)(u * u * n);
}

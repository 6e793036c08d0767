/* sim_pool: horses, pedigrees and people from the seed (see sim_pool.h). */
#include "sim_pool.h"

#include <stdio.h>
#include <string.h>

#include "num.h"
#include "sim_names.h"
#include "sim_rng.h"

/* How ids are made: prefix + offset + a seeded bijection of the index on `bits` bits. */
struct sim_pool_idspace {
	const char *prefix;
	long        offset;
	int         bits;
	uint64_t    salt;
};

static const struct sim_pool_idspace sim_pool_ids_horse = { "hrs_", 20000000L, 24, 11 };
static const struct sim_pool_idspace sim_pool_ids_sire = { "sir_", 3000000L, 22, 12 };
static const struct sim_pool_idspace sim_pool_ids_damsire = { "dsi_", 3000000L, 22, 12 };
static const struct sim_pool_idspace sim_pool_ids_dam = { "dam_", 5000000L, 23, 13 };
static const struct sim_pool_idspace sim_pool_ids_jockey = { "jky_", 250000L, 18, 14 };
static const struct sim_pool_idspace sim_pool_ids_trainer = { "trn_", 100000L, 18, 15 };
static const struct sim_pool_idspace sim_pool_ids_owner = { "own_", 1000000L, 21, 16 };

#define SIM_POOL_MULT 0x9E3779B97F4A7C15ULL	/* odd: invertible modulo 2^bits */

static uint64_t
sim_pool_mask(const struct sim_pool_idspace *s)
{
	return (1ULL << s->bits) - 1;
}

static uint64_t
sim_pool_xor(const struct sim_pool_idspace *s)
{
	return sim_rng_hash(SIM_RNG_ID, s->salt, 0, 0) & sim_pool_mask(s);
}

static void
sim_pool_id(const struct sim_pool_idspace *s, uint32_t index, char *out, size_t outlen)
{
	uint64_t v = (((uint64_t)index ^ sim_pool_xor(s)) * SIM_POOL_MULT) & sim_pool_mask(s);

	snprintf(out, outlen, "%s%ld", s->prefix, s->offset + (long)v);
}

/* The index behind an id of this space, or -1. */
static long
sim_pool_unid(const struct sim_pool_idspace *s, const char *id, uint32_t count)
{
	uint64_t inv = SIM_POOL_MULT, v;
	size_t plen = strlen(s->prefix);
	long n;

	if (strncmp(id, s->prefix, plen) != 0 ||
	    num_parse_long(id + plen, s->offset, s->offset + (long)sim_pool_mask(s), &n) < 0)
		return -1;
	for (int i = 0; i < 6; i++)
		inv *= 2 - SIM_POOL_MULT * inv;	/* Newton: the inverse modulo 2^64 */
	v = (((uint64_t)(n - s->offset) * inv) & sim_pool_mask(s)) ^ sim_pool_xor(s);
	return v < count ? (long)v : -1;
}

uint32_t
sim_pool_block_first(enum sim_pool_block b)
{
	static const uint32_t first[] = { 0, 1000, 1800, 2200 };

	return first[b];
}

uint32_t
sim_pool_block_size(enum sim_pool_block b)
{
	static const uint32_t size[] = { 1000, 800, 400, 400 };

	return size[b];
}

/* A country of breeding, by where the horse is trained and what it does. */
static const char *
sim_pool_bred(uint64_t h, int ire, int jumps)
{
	static const char *const gb_flat[] = { "GB", "GB", "GB", "GB", "GB", "IRE", "IRE", "IRE", "FR", "USA", "GER", "IRE" };
	static const char *const jumpers[] = { "IRE", "IRE", "IRE", "IRE", "FR", "FR", "FR", "GB", "GB", "GB", "GER", "IRE" };
	static const char *const irish[] = { "IRE", "IRE", "IRE", "IRE", "IRE", "IRE", "IRE", "IRE", "GB", "FR", "USA", "IRE" };

	if (jumps)
		return jumpers[h % 12];
	return ire ? irish[h % 12] : gb_flat[h % 12];
}

static uint64_t
sim_pool_h(uint32_t index, int what)
{
	return sim_rng_hash(SIM_RNG_HORSE, index, (uint64_t)what, 0);
}

int
sim_pool_horse_female(uint32_t index)
{
	return sim_pool_h(index, 1) % 100 < 45;
}

double
sim_pool_horse_ability(uint32_t index)
{
	return sim_rng_normal(sim_pool_h(index, 2));
}

/* The block of a horse from its place in the crop. */
static enum sim_pool_block
sim_pool_block_of(uint32_t index)
{
	uint32_t i = index % SIM_POOL_CROP_SIZE;

	if (i >= sim_pool_block_first(SIM_POOL_IRE_JUMPS))
		return SIM_POOL_IRE_JUMPS;
	if (i >= sim_pool_block_first(SIM_POOL_IRE_FLAT))
		return SIM_POOL_IRE_FLAT;
	return i >= sim_pool_block_first(SIM_POOL_GB_JUMPS) ? SIM_POOL_GB_JUMPS : SIM_POOL_GB_FLAT;
}

void
sim_pool_horse_name(uint32_t index, char *out, size_t outlen)
{
	enum sim_pool_block b = sim_pool_block_of(index);
	const char *bred = sim_pool_bred(sim_pool_h(index, 3), b >= SIM_POOL_IRE_FLAT, b == SIM_POOL_GB_JUMPS || b == SIM_POOL_IRE_JUMPS);

	sim_names_horse(sim_rng_hash(SIM_RNG_NAME, SIM_RNG_HORSE, index, 0), strcmp(bred, "IRE") == 0, out, outlen);
}

void
sim_pool_horse(uint32_t index, struct sim_pool_horse *out)
{
	static const char *const colours[] = { "b", "b", "b", "b", "b", "b", "ch", "ch", "ch", "br", "br", "gr", "gr", "bl" };
	enum sim_pool_block b = sim_pool_block_of(index);
	uint64_t h = sim_pool_h(index, 4);
	int month;

	memset(out, 0, sizeof(*out));
	out->index = index;
	out->ire = b >= SIM_POOL_IRE_FLAT;
	out->jumps = b == SIM_POOL_GB_JUMPS || b == SIM_POOL_IRE_JUMPS;
	out->birth_year = SIM_POOL_FIRST_CROP + (int)(index / SIM_POOL_CROP_SIZE);
	out->female = sim_pool_horse_female(index);
	out->gelded = !out->female && (h % 100) < (unsigned)(out->jumps ? 92 : 35);
	out->ability = sim_pool_horse_ability(index);
	out->colour = colours[(h >> 8) % 14];
	sim_pool_id(&sim_pool_ids_horse, index, out->id, sizeof(out->id));
	sim_pool_horse_name(index, out->name, sizeof(out->name));
	snprintf(out->region, sizeof(out->region), "%s", sim_pool_bred(sim_pool_h(index, 3), out->ire, out->jumps));
	month = 1 + (int)((h >> 16) % 5);
	snprintf(out->dob, sizeof(out->dob), "%04d-%02d-%02d", out->birth_year, month, 1 + (int)((h >> 24) % 28));
	out->sire = (uint32_t)sim_rng_skewed(sim_pool_h(index, 5), SIM_POOL_STALLIONS);
	out->dam = (uint32_t)((sim_pool_h(index, 6) >> 3) % SIM_POOL_DAMS);
	out->trainer = (uint32_t)sim_rng_skewed(sim_pool_h(index, 7), out->ire ? SIM_POOL_TRAINERS - SIM_POOL_TRAINERS_GB : SIM_POOL_TRAINERS_GB) +
	    (out->ire ? SIM_POOL_TRAINERS_GB : 0);
	out->owner = (uint32_t)sim_rng_skewed(sim_pool_h(index, 8), SIM_POOL_OWNERS);
	sim_names_breeder(sim_pool_h(index, 9), out->breeder, sizeof(out->breeder));
}

int
sim_pool_horse_find(const char *id, uint32_t *index)
{
	long v = sim_pool_unid(&sim_pool_ids_horse, id, SIM_POOL_HORSES);

	if (v < 0)
		return -1;
	*index = (uint32_t)v;
	return 0;
}

const char *
sim_pool_horse_sex(const struct sim_pool_horse *h, int age, const char **code)
{
	if (h->female) {
		*code = age <= 4 ? "F" : "M";
		return age <= 4 ? "filly" : "mare";
	}
	if (h->gelded) {
		*code = "G";
		return "gelding";
	}
	*code = age <= 4 ? "C" : "H";
	return age <= 4 ? "colt" : "horse";
}

void
sim_pool_stallion(uint32_t index, struct sim_pool_stallion *out)
{
	static const char *const bred[] = { "GB", "GB", "GB", "IRE", "IRE", "IRE", "USA", "USA", "FR", "FR", "GER", "JPN" };
	uint64_t h = sim_rng_hash(SIM_RNG_STALLION, index, 0, 0);

	sim_pool_id(&sim_pool_ids_sire, index, out->id, sizeof(out->id));
	sim_pool_id(&sim_pool_ids_damsire, index, out->damsire_id, sizeof(out->damsire_id));
	sim_names_horse(sim_rng_hash(SIM_RNG_NAME, SIM_RNG_STALLION, index, 0), 0, out->name, sizeof(out->name));
	snprintf(out->region, sizeof(out->region), "%s", bred[h % 12]);
}

void
sim_pool_dam(uint32_t index, struct sim_pool_dam *out)
{
	uint64_t h = sim_rng_hash(SIM_RNG_DAM, index, 0, 0);

	sim_pool_id(&sim_pool_ids_dam, index, out->id, sizeof(out->id));
	snprintf(out->region, sizeof(out->region), "%s", sim_pool_bred(h, (h >> 8) % 3 == 0, 0));
	sim_names_horse(sim_rng_hash(SIM_RNG_NAME, SIM_RNG_DAM, index, 0), strcmp(out->region, "IRE") == 0,
	    out->name, sizeof(out->name));
	out->sire = (uint32_t)sim_rng_skewed(sim_rng_next(h), SIM_POOL_STALLIONS);
}

void
sim_pool_jockey(uint32_t index, struct sim_pool_person *out)
{
	static const int claims[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 5, 7 };
	uint64_t h = sim_rng_hash(SIM_RNG_JOCKEY, index, 0, 0);

	memset(out, 0, sizeof(*out));
	out->ire = index >= SIM_POOL_JOCKEYS_GB;
	sim_pool_id(&sim_pool_ids_jockey, index, out->id, sizeof(out->id));
	sim_names_person(sim_rng_next(h), out->ire, out->name, sizeof(out->name));
	out->claim = claims[h % 20];
}

void
sim_pool_trainer(uint32_t index, struct sim_pool_person *out)
{
	uint64_t h = sim_rng_hash(SIM_RNG_TRAINER, index, 0, 0);

	memset(out, 0, sizeof(*out));
	out->ire = index >= SIM_POOL_TRAINERS_GB;
	sim_pool_id(&sim_pool_ids_trainer, index, out->id, sizeof(out->id));
	sim_names_trainer(sim_rng_next(h), out->ire, out->name, sizeof(out->name));
	sim_names_location(h >> 7, out->ire, out->location, sizeof(out->location));
}

void
sim_pool_owner(uint32_t index, struct sim_pool_person *out)
{
	uint64_t h = sim_rng_hash(SIM_RNG_OWNER, index, 0, 0);

	memset(out, 0, sizeof(*out));
	sim_pool_id(&sim_pool_ids_owner, index, out->id, sizeof(out->id));
	sim_names_owner(sim_rng_next(h), out->name, sizeof(out->name));
	if (h % 10 == 0)
		snprintf(out->silk, sizeof(out->silk), "%u%c", (unsigned)(h >> 20) % 390000 + 10000,
		    (char)('a' + (h >> 50) % 11));
	else
		snprintf(out->silk, sizeof(out->silk), "%u", (unsigned)(h >> 20) % 390000 + 10000);
}

void
sim_pool_silk_url(const struct sim_pool_person *owner, char *out, size_t outlen)
{
	const char *s = owner->silk;
	size_t n = strlen(s);

	snprintf(out, outlen, "https://www.rp-assets.com/svg/%c/%c/%c/%s.svg",
	    s[n - 1], s[n - 2], s[n - 3], s);
}

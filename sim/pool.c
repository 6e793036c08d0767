/* pool: horses, pedigrees and people from the seed (see pool.h). */
#include "num.h"
#include "pool.h"

#include <stdio.h>
#include <string.h>

#include "names.h"
#include "rng.h"

/* How ids are made: prefix + offset + a seeded bijection of the index on `bits` bits. */
struct pool_idspace {
	const char *prefix;
	long        offset;
	int         bits;
	uint64_t    salt;
};

static const struct pool_idspace pool_ids_horse = { "hrs_", 20000000L, 24, 11 };
static const struct pool_idspace pool_ids_sire = { "sir_", 3000000L, 22, 12 };
static const struct pool_idspace pool_ids_damsire = { "dsi_", 3000000L, 22, 12 };
static const struct pool_idspace pool_ids_dam = { "dam_", 5000000L, 23, 13 };
static const struct pool_idspace pool_ids_jockey = { "jky_", 250000L, 18, 14 };
static const struct pool_idspace pool_ids_trainer = { "trn_", 100000L, 18, 15 };
static const struct pool_idspace pool_ids_owner = { "own_", 1000000L, 21, 16 };

#define POOL_MULT 0x9E3779B97F4A7C15ULL	/* odd: invertible modulo 2^bits */

static uint64_t
pool_mask(const struct pool_idspace *s)
{
	return (1ULL << s->bits) - 1;
}

static uint64_t
pool_xor(const struct pool_idspace *s)
{
	return rng_hash(RNG_ID, s->salt, 0, 0) & pool_mask(s);
}

static void
pool_id(const struct pool_idspace *s, uint32_t index, char *out, size_t outlen)
{
	uint64_t v = (((uint64_t)index ^ pool_xor(s)) * POOL_MULT) & pool_mask(s);

	snprintf(out, outlen, "%s%ld", s->prefix, s->offset + (long)v);
}

/* The index behind an id of this space, or -1. */
static long
pool_unid(const struct pool_idspace *s, const char *id, uint32_t count)
{
	uint64_t inv = POOL_MULT, v;
	size_t plen = strlen(s->prefix);
	long n;

	if (strncmp(id, s->prefix, plen) != 0 ||
	    num_parse_long(id + plen, s->offset, s->offset + (long)pool_mask(s), &n) < 0)
		return -1;
	for (int i = 0; i < 6; i++)
		inv *= 2 - POOL_MULT * inv;	/* Newton: the inverse modulo 2^64 */
	v = (((uint64_t)(n - s->offset) * inv) & pool_mask(s)) ^ pool_xor(s);
	return v < count ? (long)v : -1;
}

uint32_t
pool_block_first(enum pool_block b)
{
	static const uint32_t first[] = { 0, 1000, 1800, 2200 };

	return first[b];
}

uint32_t
pool_block_size(enum pool_block b)
{
	static const uint32_t size[] = { 1000, 800, 400, 400 };

	return size[b];
}

/* A country of breeding, by where the horse is trained and what it does. */
static const char *
pool_bred(uint64_t h, int ire, int jumps)
{
	static const char *const gb_flat[] = { "GB", "GB", "GB", "GB", "GB", "IRE", "IRE", "IRE", "FR", "USA", "GER", "IRE" };
	static const char *const jumpers[] = { "IRE", "IRE", "IRE", "IRE", "FR", "FR", "FR", "GB", "GB", "GB", "GER", "IRE" };
	static const char *const irish[] = { "IRE", "IRE", "IRE", "IRE", "IRE", "IRE", "IRE", "IRE", "GB", "FR", "USA", "IRE" };

	if (jumps)
		return jumpers[h % 12];
	return ire ? irish[h % 12] : gb_flat[h % 12];
}

static uint64_t
pool_h(uint32_t index, int what)
{
	return rng_hash(RNG_HORSE, index, (uint64_t)what, 0);
}

int
pool_horse_female(uint32_t index)
{
	return pool_h(index, 1) % 100 < 45;
}

double
pool_horse_ability(uint32_t index)
{
	return rng_normal(pool_h(index, 2));
}

/* The block of a horse from its place in the crop. */
static enum pool_block
pool_block_of(uint32_t index)
{
	uint32_t i = index % POOL_CROP_SIZE;

	if (i >= pool_block_first(POOL_IRE_JUMPS))
		return POOL_IRE_JUMPS;
	if (i >= pool_block_first(POOL_IRE_FLAT))
		return POOL_IRE_FLAT;
	return i >= pool_block_first(POOL_GB_JUMPS) ? POOL_GB_JUMPS : POOL_GB_FLAT;
}

void
pool_horse_name(uint32_t index, char *out, size_t outlen)
{
	enum pool_block b = pool_block_of(index);
	const char *bred = pool_bred(pool_h(index, 3), b >= POOL_IRE_FLAT, b == POOL_GB_JUMPS || b == POOL_IRE_JUMPS);

	names_horse(rng_hash(RNG_NAME, RNG_HORSE, index, 0), strcmp(bred, "IRE") == 0, out, outlen);
}

void
pool_horse(uint32_t index, struct pool_horse *out)
{
	static const char *const colours[] = { "b", "b", "b", "b", "b", "b", "ch", "ch", "ch", "br", "br", "gr", "gr", "bl" };
	enum pool_block b = pool_block_of(index);
	uint64_t h = pool_h(index, 4);
	int month;

	memset(out, 0, sizeof(*out));
	out->index = index;
	out->ire = b >= POOL_IRE_FLAT;
	out->jumps = b == POOL_GB_JUMPS || b == POOL_IRE_JUMPS;
	out->birth_year = POOL_FIRST_CROP + (int)(index / POOL_CROP_SIZE);
	out->female = pool_horse_female(index);
	out->gelded = !out->female && (h % 100) < (unsigned)(out->jumps ? 92 : 35);
	out->ability = pool_horse_ability(index);
	out->colour = colours[(h >> 8) % 14];
	pool_id(&pool_ids_horse, index, out->id, sizeof(out->id));
	pool_horse_name(index, out->name, sizeof(out->name));
	snprintf(out->region, sizeof(out->region), "%s", pool_bred(pool_h(index, 3), out->ire, out->jumps));
	month = 1 + (int)((h >> 16) % 5);
	snprintf(out->dob, sizeof(out->dob), "%04d-%02d-%02d", out->birth_year, month, 1 + (int)((h >> 24) % 28));
	out->sire = (uint32_t)rng_skewed(pool_h(index, 5), POOL_STALLIONS);
	out->dam = (uint32_t)((pool_h(index, 6) >> 3) % POOL_DAMS);
	out->trainer = (uint32_t)rng_skewed(pool_h(index, 7), out->ire ? POOL_TRAINERS - POOL_TRAINERS_GB : POOL_TRAINERS_GB) +
	    (out->ire ? POOL_TRAINERS_GB : 0);
	out->owner = (uint32_t)rng_skewed(pool_h(index, 8), POOL_OWNERS);
	names_breeder(pool_h(index, 9), out->breeder, sizeof(out->breeder));
}

int
pool_horse_find(const char *id, uint32_t *index)
{
	long v = pool_unid(&pool_ids_horse, id, POOL_HORSES);

	if (v < 0)
		return -1;
	*index = (uint32_t)v;
	return 0;
}

const char *
pool_horse_sex(const struct pool_horse *h, int age, const char **code)
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
pool_stallion(uint32_t index, struct pool_stallion *out)
{
	static const char *const bred[] = { "GB", "GB", "GB", "IRE", "IRE", "IRE", "USA", "USA", "FR", "FR", "GER", "JPN" };
	uint64_t h = rng_hash(RNG_STALLION, index, 0, 0);

	pool_id(&pool_ids_sire, index, out->id, sizeof(out->id));
	pool_id(&pool_ids_damsire, index, out->damsire_id, sizeof(out->damsire_id));
	names_horse(rng_hash(RNG_NAME, RNG_STALLION, index, 0), 0, out->name, sizeof(out->name));
	snprintf(out->region, sizeof(out->region), "%s", bred[h % 12]);
}

void
pool_dam(uint32_t index, struct pool_dam *out)
{
	uint64_t h = rng_hash(RNG_DAM, index, 0, 0);

	pool_id(&pool_ids_dam, index, out->id, sizeof(out->id));
	snprintf(out->region, sizeof(out->region), "%s", pool_bred(h, (h >> 8) % 3 == 0, 0));
	names_horse(rng_hash(RNG_NAME, RNG_DAM, index, 0), strcmp(out->region, "IRE") == 0,
	    out->name, sizeof(out->name));
	out->sire = (uint32_t)rng_skewed(rng_next(h), POOL_STALLIONS);
}

void
pool_jockey(uint32_t index, struct pool_person *out)
{
	static const int claims[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 5, 7 };
	uint64_t h = rng_hash(RNG_JOCKEY, index, 0, 0);

	memset(out, 0, sizeof(*out));
	out->ire = index >= POOL_JOCKEYS_GB;
	pool_id(&pool_ids_jockey, index, out->id, sizeof(out->id));
	names_person(rng_next(h), out->ire, out->name, sizeof(out->name));
	out->claim = claims[h % 20];
}

void
pool_trainer(uint32_t index, struct pool_person *out)
{
	uint64_t h = rng_hash(RNG_TRAINER, index, 0, 0);

	memset(out, 0, sizeof(*out));
	out->ire = index >= POOL_TRAINERS_GB;
	pool_id(&pool_ids_trainer, index, out->id, sizeof(out->id));
	names_trainer(rng_next(h), out->ire, out->name, sizeof(out->name));
	names_location(h >> 7, out->ire, out->location, sizeof(out->location));
}

void
pool_owner(uint32_t index, struct pool_person *out)
{
	uint64_t h = rng_hash(RNG_OWNER, index, 0, 0);

	memset(out, 0, sizeof(*out));
	pool_id(&pool_ids_owner, index, out->id, sizeof(out->id));
	names_owner(rng_next(h), out->name, sizeof(out->name));
	if (h % 10 == 0)
		snprintf(out->silk, sizeof(out->silk), "%u%c", (unsigned)(h >> 20) % 390000 + 10000,
		    (char)('a' + (h >> 50) % 11));
	else
		snprintf(out->silk, sizeof(out->silk), "%u", (unsigned)(h >> 20) % 390000 + 10000);
}

void
pool_silk_url(const struct pool_person *owner, char *out, size_t outlen)
{
	const char *s = owner->silk;
	size_t n = strlen(s);

	snprintf(out, outlen, "https://www.rp-assets.com/svg/%c/%c/%c/%s.svg",
	    s[n - 1], s[n - 2], s[n - 3], s);
}

/*
 * pool: the standing population of the simulated world, derived from the
 * seed: horses (one foal crop of POOL_CROP_SIZE per birth year), their
 * sires and dams, jockeys, trainers and owners.  Nothing is stored: each
 * member is computed from its index when asked for, so the same index
 * always gives the same id and name, across days and restarts.
 *
 * Ids are the upstream's prefixed numbers, a seeded bijection of the index,
 * so that an id can be turned back into its member (pool_horse_find).
 * Writers fill the caller's struct; nothing here allocates or fails.
 */
#ifndef SIM_POOL_H
#define SIM_POOL_H

#include <stddef.h>
#include <stdint.h>

#define POOL_FIRST_CROP  2005
#define POOL_LAST_CROP   2030
#define POOL_CROP_SIZE   2600
#define POOL_HORSES      ((POOL_LAST_CROP - POOL_FIRST_CROP + 1) * POOL_CROP_SIZE)
#define POOL_STALLIONS   400
#define POOL_DAMS        30000
#define POOL_JOCKEYS     360     /* the first POOL_JOCKEYS_GB ride in Britain */
#define POOL_JOCKEYS_GB  260
#define POOL_TRAINERS    560     /* the first POOL_TRAINERS_GB train in Britain */
#define POOL_TRAINERS_GB 400
#define POOL_OWNERS      5000

/* Where in a crop a horse is: trained in Britain or Ireland, flat or jumps. */
enum pool_block { POOL_GB_FLAT, POOL_GB_JUMPS, POOL_IRE_FLAT, POOL_IRE_JUMPS };

struct pool_horse {
	uint32_t    index;
	char        id[16];
	char        name[48];      /* without the country: "Raging Raj" */
	char        region[4];     /* where bred: "GB", "IRE", "FR", ... */
	char        dob[11];
	int         birth_year;
	int         female, gelded;
	const char *colour;        /* "b", "ch", "br", "gr", "bl" */
	int         jumps, ire;    /* a jumper; trained in Ireland */
	uint32_t    sire, dam, trainer, owner;
	double      ability;       /* standard normal: how good */
	char        breeder[64];
};

struct pool_stallion {
	char id[16];               /* "sir_N" */
	char damsire_id[16];       /* "dsi_N", the same N */
	char name[48];
	char region[4];
};

struct pool_dam {
	char     id[16];
	char     name[48];
	char     region[4];
	uint32_t sire;             /* the runner's damsire */
};

struct pool_person {
	char id[16];
	char name[64];
	int  ire;
	int  claim;                /* jockeys: apprentice allowance in lbs */
	char location[48];         /* trainers */
	char silk[12];             /* owners: the silk's file name */
};

/* The first index of a block within a crop, and its size. */
uint32_t pool_block_first(enum pool_block b);
uint32_t pool_block_size(enum pool_block b);

void pool_horse(uint32_t index, struct pool_horse *out);
/* Returns 0 with *index set when id names a horse of the pool, else -1. */
int pool_horse_find(const char *id, uint32_t *index);
/* Cheap facts, for choosing runners without building whole horses. */
int pool_horse_female(uint32_t index);
double pool_horse_ability(uint32_t index);
void pool_horse_name(uint32_t index, char *out, size_t outlen);
/* The horse's sex at an age: "gelding" with *code "G", "filly"/"F", ... */
const char *pool_horse_sex(const struct pool_horse *h, int age, const char **code);

void pool_stallion(uint32_t index, struct pool_stallion *out);
void pool_dam(uint32_t index, struct pool_dam *out);
void pool_jockey(uint32_t index, struct pool_person *out);
void pool_trainer(uint32_t index, struct pool_person *out);
void pool_owner(uint32_t index, struct pool_person *out);

/* The silk image of an owner: "https://www.rp-assets.com/svg/4/0/9/319904.svg". */
void pool_silk_url(const struct pool_person *owner, char *out, size_t outlen);

#endif

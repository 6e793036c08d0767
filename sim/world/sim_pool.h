/*
 * sim_pool: the standing population of the simulated world, derived from the
 * seed: horses (one foal crop of SIM_POOL_CROP_SIZE per birth year), their
 * sires and dams, jockeys, trainers and owners.  Nothing is stored: each
 * member is computed from its index when asked for, so the same index
 * always gives the same id and name, across days and restarts.
 *
 * Ids are the upstream's prefixed numbers, a seeded bijection of the index,
 * so that an id can be turned back into its member (sim_pool_horse_find).
 * Writers fill the caller's struct; nothing here allocates or fails.
 */
#ifndef SIM_POOL_H
#define SIM_POOL_H

#include <stddef.h>
#include <stdint.h>

#define SIM_POOL_FIRST_CROP  2005
#define SIM_POOL_LAST_CROP   2030
#define SIM_POOL_CROP_SIZE   2600
#define SIM_POOL_HORSES      ((SIM_POOL_LAST_CROP - SIM_POOL_FIRST_CROP + 1) * SIM_POOL_CROP_SIZE)
#define SIM_POOL_STALLIONS   400
#define SIM_POOL_DAMS        30000
#define SIM_POOL_JOCKEYS     360     /* the first SIM_POOL_JOCKEYS_GB ride in Britain */
#define SIM_POOL_JOCKEYS_GB  260
#define SIM_POOL_TRAINERS    560     /* the first SIM_POOL_TRAINERS_GB train in Britain */
#define SIM_POOL_TRAINERS_GB 400
#define SIM_POOL_OWNERS      5000

/* Where in a crop a horse is: trained in Britain or Ireland, flat or jumps. */
enum sim_pool_block { SIM_POOL_GB_FLAT, SIM_POOL_GB_JUMPS, SIM_POOL_IRE_FLAT, SIM_POOL_IRE_JUMPS };

struct sim_pool_horse {
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

struct sim_pool_stallion {
	char id[16];               /* "sir_N" */
	char damsire_id[16];       /* "dsi_N", the same N */
	char name[48];
	char region[4];
};

struct sim_pool_dam {
	char     id[16];
	char     name[48];
	char     region[4];
	uint32_t sire;             /* the runner's damsire */
};

struct sim_pool_person {
	char id[16];
	char name[64];
	int  ire;
	int  claim;                /* jockeys: apprentice allowance in lbs */
	char location[48];         /* trainers */
	char silk[12];             /* owners: the silk's file name */
};

/* The first index of a block within a crop, and its size. */
uint32_t sim_pool_block_first(enum sim_pool_block b);
uint32_t sim_pool_block_size(enum sim_pool_block b);

void sim_pool_horse(uint32_t index, struct sim_pool_horse *out);
/* Returns 0 with *index set when id names a horse of the pool, else -1. */
int sim_pool_horse_find(const char *id, uint32_t *index);
/* Cheap facts, for choosing runners without building whole horses. */
int sim_pool_horse_female(uint32_t index);
double sim_pool_horse_ability(uint32_t index);
void sim_pool_horse_name(uint32_t index, char *out, size_t outlen);
/* The horse's sex at an age: "gelding" with *code "G", "filly"/"F", ... */
const char *sim_pool_horse_sex(const struct sim_pool_horse *h, int age, const char **code);

void sim_pool_stallion(uint32_t index, struct sim_pool_stallion *out);
void sim_pool_dam(uint32_t index, struct sim_pool_dam *out);
void sim_pool_jockey(uint32_t index, struct sim_pool_person *out);
void sim_pool_trainer(uint32_t index, struct sim_pool_person *out);
void sim_pool_owner(uint32_t index, struct sim_pool_person *out);

/* The silk image of an owner: "https://www.rp-assets.com/svg/4/0/9/319904.svg". */
void sim_pool_silk_url(const struct sim_pool_person *owner, char *out, size_t outlen);

#endif

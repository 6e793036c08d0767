/*
 * sim_runner: everything about one runner of a race that a racecard or a result
 * shows, expanded from the pool (horse, pedigree, people) and from hashes
 * of the race and the horse (form, headgear, comments...).  Fills the
 * caller's struct; cannot fail.
 */
#ifndef SIM_RUNNER_H
#define SIM_RUNNER_H

#include "sim_pool.h"
#include "sim_world.h"

struct sim_runner_info {
	const struct sim_world_runner *w;
	struct sim_pool_horse    horse;
	struct sim_pool_stallion sire, damsire;
	struct sim_pool_dam      dam;
	struct sim_pool_person   jockey, trainer, owner;
	const char          *sex, *sex_code;
	char                 silk_url[96];
	char                 headgear[8];
	int                  headgear_first;  /* first time in this headgear */
	char                 form[16];
	char                 last_run[24];
	int                  rtf;              /* -1: none */
	int                  runs14, wins14;
	char                 jockey_shown[80]; /* "Joe Williamson(5)" */
};

void sim_runner_info(const struct sim_world_race *r, int i, struct sim_runner_info *out);

/* "Flaggan (IRE)": a name with its country. */
void sim_runner_suffixed(const char *name, const char *region, char *out, size_t outlen);

#endif

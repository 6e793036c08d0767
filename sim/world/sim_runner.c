/* sim_runner: one runner, expanded (see sim_runner.h). */
#include "sim_runner.h"

#include <stdio.h>
#include <string.h>

#include "sim_rng.h"

void
sim_runner_suffixed(const char *name, const char *region, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s (%s)", name, region);
}

/* Past positions, best horses doing best: "0-7212", "21", "" for a debut. */
static void
sim_runner_form(const struct sim_world_race *r, const struct sim_runner_info *ri, uint64_t h, char *out, size_t outlen)
{
	static const char fall[] = "PFUP";
	int runs = ri->w->age == 2 ? (int)(h % 4) : (int)(h % 9);
	size_t n = 0;

	for (int k = 0; k < runs && n + 2 < outlen; k++) {
		uint64_t hk = sim_rng_hash(SIM_RNG_RUNNER_TEXT, ri->horse.index, (uint64_t)r->day, (uint64_t)k + 50);
		double u = sim_rng_unit(hk) - 0.12 * ri->horse.ability;
		int pos = 1 + (int)(u * u * 12);

		if (k > 0 && hk % 9 == 0)
			out[n++] = (hk >> 8) % 3 == 0 ? '/' : '-';
		if (ri->horse.jumps && (hk >> 12) % 12 == 0)
			out[n++] = fall[(hk >> 16) % 4];
		else
			out[n++] = pos >= 10 ? '0' : (char)('0' + pos);
	}
	out[n] = '\0';
}

void
sim_runner_info(const struct sim_world_race *r, int i, struct sim_runner_info *out)
{
	static const char *const gear[] = { "p", "b", "h", "t", "v", "tp", "hp", "ht", "bt", "es" };
	const struct sim_world_runner *w = &r->runners[i];
	uint64_t h = sim_rng_hash(SIM_RNG_RUNNER_TEXT, w->horse, (uint64_t)r->day, (uint64_t)r->slot);

	memset(out, 0, sizeof(*out));
	out->w = w;
	sim_pool_horse(w->horse, &out->horse);
	sim_pool_stallion(out->horse.sire, &out->sire);
	sim_pool_dam(out->horse.dam, &out->dam);
	sim_pool_stallion(out->dam.sire, &out->damsire);
	sim_pool_jockey(w->jockey, &out->jockey);
	sim_pool_trainer(out->horse.trainer, &out->trainer);
	sim_pool_owner(out->horse.owner, &out->owner);
	sim_pool_silk_url(&out->owner, out->silk_url, sizeof(out->silk_url));
	out->sex = sim_pool_horse_sex(&out->horse, w->age, &out->sex_code);
	/* Headgear stays with a horse for a while: hash it by month. */
	if (sim_rng_hash(SIM_RNG_RUNNER_TEXT, w->horse, (uint64_t)(r->day / 30), 1) % 4 == 0) {
		snprintf(out->headgear, sizeof(out->headgear), "%s", gear[(h >> 4) % 10]);
		out->headgear_first = (h >> 12) % 10 == 0;
	}
	sim_runner_form(r, out, sim_rng_next(h), out->form, sizeof(out->form));
	if (out->form[0] == '\0')
		out->last_run[0] = '\0';
	else if ((h >> 20) % 30 == 0)
		snprintf(out->last_run, sizeof(out->last_run), "%d (%dF)", 100 + (int)((h >> 24) % 200),
		    20 + (int)((h >> 32) % 60));
	else
		snprintf(out->last_run, sizeof(out->last_run), "%d", 7 + (int)((h >> 24) % 110));
	out->rtf = (h >> 40) % 10 == 0 ? -1 : (int)((h >> 44) % 101);
	out->runs14 = (int)((h >> 48) % 45);
	out->wins14 = out->runs14 > 0 ? (int)((h >> 54) % (unsigned)(out->runs14 / 3 + 1)) : 0;
	if (out->jockey.claim > 0)
		snprintf(out->jockey_shown, sizeof(out->jockey_shown), "%s(%d)", out->jockey.name, out->jockey.claim);
	else
		snprintf(out->jockey_shown, sizeof(out->jockey_shown), "%s", out->jockey.name);
}

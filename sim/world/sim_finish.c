/* sim_finish: finishing order, distances, times and prizes (see sim_finish.h). */
#include "sim_finish.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim_rng.h"

static uint64_t
sim_finish_key(const struct sim_world_race *r)
{
	return (uint64_t)r->day * 128 + (uint64_t)r->slot;
}

/* Standard seconds per furlong, and the going's effect. */
static double
sim_finish_standard(const struct sim_world_race *r)
{
	static const double per_f[] = { 12.4, 14.2, 14.9, 13.9 };
	const char *g = r->meeting->going;
	double t = per_f[r->type] * r->furlongs + r->yards * per_f[r->type] / 220.0;

	if (strstr(g, "Heavy") != NULL)
		return t * 1.09;
	if (strstr(g, "Soft") != NULL || strstr(g, "Yielding") != NULL || strstr(g, "Slow") != NULL)
		return t * 1.04;
	if (strstr(g, "Firm") != NULL || strstr(g, "Fast") != NULL)
		return t * 0.985;
	return t;
}

double
sim_finish_winner_time(const struct sim_world_race *r)
{
	double u = sim_rng_unit(sim_rng_hash(SIM_RNG_RESULT, sim_finish_key(r), 0, 0));

	return sim_finish_standard(r) * (0.99 + 0.04 * u);
}

time_t
sim_finish_available_at(const struct sim_world_race *r)
{
	return r->off + (time_t)ceil(sim_finish_winner_time(r)) + 180;
}

/* "2:19.97" or "59.52". */
static void
sim_finish_clock(double secs, char *out, size_t outlen)
{
	int m = (int)(secs / 60);

	if (m > 0)
		snprintf(out, outlen, "%d:%05.2f", m, secs - m * 60);
	else
		snprintf(out, outlen, "%.2f", secs);
}

void
sim_finish_time_detail(const struct sim_world_race *r, char *out, size_t outlen)
{
	double t = sim_finish_winner_time(r), diff = t - sim_finish_standard(r) * 0.995;
	int m = (int)(t / 60);
	char head[32];

	if (m > 0)
		snprintf(head, sizeof(head), "%dm %.2fs", m, t - m * 60);
	else
		snprintf(head, sizeof(head), "%.2fs", t);
	snprintf(out, outlen, "%s (%s by %.2fs)", head, diff >= 0 ? "slow" : "fast", fabs(diff));
}

/*
 * Beaten distances as upstream writes them: the short ones (nose, short
 * head, head, neck) as "0.05" to "0.3", other fractions without the
 * leading zero (".75"), the rest plainly ("1.25", "14").
 */
static void
sim_finish_lengths(double v, char *out, size_t outlen)
{
	static const double shorts[] = { 0.05, 0.1, 0.2, 0.3 };
	char tmp[16];
	int is_short = 0;

	if (v <= 0) {
		snprintf(out, outlen, "0");
		return;
	}
	for (size_t i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++)
		is_short |= fabs(v - shorts[i]) < 1e-9;
	snprintf(tmp, sizeof(tmp), "%g", v);
	snprintf(out, outlen, "%s", v < 1 && !is_short ? tmp + 1 : tmp);
}

/* A beaten distance for the horse k-th home, longer further back. */
static double
sim_finish_gap(uint64_t h, int k, int runners)
{
	static const double gaps[] = {
		0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 12, 14,
	};
	double u = sim_rng_unit(h);
	int n = (int)(sizeof(gaps) / sizeof(gaps[0])), i = (int)(u * u * (11 + 12.0 * k / runners));

	return gaps[i < n ? i : n - 1];
}

/* Why a jumper did not finish, or NULL when it did. */
static const char *
sim_finish_mishap(const struct sim_world_race *r, uint64_t h)
{
	static const char *const rare[] = { "BD", "RO", "RR", "SU", "CO", "VO", "DSQ" };
	int x = (int)(h % 1000);

	if (r->type == SIM_WORLD_FLAT || r->type == SIM_WORLD_NHF)
		return NULL;
	if (x < (r->type == SIM_WORLD_CHASE ? 70 : 40))
		return "PU";
	if (x < (r->type == SIM_WORLD_CHASE ? 110 : 60))
		return "F";
	if (x < (r->type == SIM_WORLD_CHASE ? 140 : 70))
		return "UR";
	return x < 75 ? rare[(h >> 12) % 7] : NULL;
}

/* Marks the favourites: "F", two joint "J", more co-favourites "C". */
static void
sim_finish_favourites(const struct sim_world_race *r, struct sim_finish *out)
{
	double best = 1e9;
	int n = 0;

	for (int i = 0; i < r->nrunners; i++) {
		out->fav[i] = "";
		if (r->runners[i].nr_at == 0 && out->sp[i].dec < best - 1e-9)
			best = out->sp[i].dec;
	}
	for (int i = 0; i < r->nrunners; i++)
		n += r->runners[i].nr_at == 0 && fabs(out->sp[i].dec - best) < 1e-9;
	for (int i = 0; i < r->nrunners; i++)
		if (r->runners[i].nr_at == 0 && fabs(out->sp[i].dec - best) < 1e-9)
			out->fav[i] = n == 1 ? "F" : n == 2 ? "J" : "C";
}

/* Orders the runners: Gumbel keys on the log of the final chances. */
static int
sim_finish_order(const struct sim_world_race *r, int *order, double *key)
{
	double q[SIM_WORLD_MAX_RUNNERS];
	int n = 0;

	sim_market_final_chances(r, q);
	for (int i = 0; i < r->nrunners; i++) {
		double u = sim_rng_unit(sim_rng_hash(SIM_RNG_RESULT, sim_finish_key(r), (uint64_t)i, 1));
		int j = n++;

		if (r->runners[i].nr_at != 0 || q[i] <= 0) {
			n--;
			continue;
		}
		key[i] = log(q[i]) - log(-log(u < 1e-12 ? 1e-12 : u));
		while (j > 0 && key[order[j - 1]] < key[i]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	return n;
}

/* Puts the non-finishers last, keeping the winner a finisher. */
static void
sim_finish_mishaps(const struct sim_world_race *r, struct sim_finish *out, const int *order, int n)
{
	int k = 0;

	for (int pass = 0; pass < 2; pass++)
		for (int j = 0; j < n; j++) {
			const char *m = j == 0 ? NULL : sim_finish_mishap(r, sim_rng_hash(SIM_RNG_RESULT, sim_finish_key(r), (uint64_t)order[j], 2));
			struct sim_finish_place *p = &out->places[k];

			if ((pass == 0) != (m == NULL))
				continue;
			memset(p, 0, sizeof(*p));
			p->runner = order[j];
			p->finished = m == NULL;
			if (m != NULL)
				snprintf(p->position, sizeof(p->position), "%s", m);
			k++;
		}
	out->nplaces = k;
}

void
sim_finish_race(const struct sim_world_race *r, struct sim_finish *out)
{
	static const double shares[] = { 1, 0.47, 0.235, 0.117, 0.058, 0.029 };
	double key[SIM_WORLD_MAX_RUNNERS], ovr = 0, winner = sim_finish_winner_time(r);
	int order[SIM_WORLD_MAX_RUNNERS], n = sim_finish_order(r, order, key);

	memset(out, 0, sizeof(*out));
	sim_market_sp(r, out->sp);
	sim_finish_favourites(r, out);
	sim_finish_mishaps(r, out, order, n);
	for (int k = 0; k < out->nplaces && out->places[k].finished; k++) {
		struct sim_finish_place *p = &out->places[k];
		int paid = n >= 12 ? 6 : n >= 8 ? 5 : 4;
		double gap = k == 0 ? 0 : sim_finish_gap(sim_rng_hash(SIM_RNG_RESULT, sim_finish_key(r), (uint64_t)p->runner, 3), k, n);
		double shown;

		p->place = k + 1;
		snprintf(p->position, sizeof(p->position), "%d", k + 1);
		ovr += gap;
		shown = k <= 1 ? ovr : floor(ovr * 4 + 0.5) / 4;
		sim_finish_lengths(gap, p->btn, sizeof(p->btn));
		sim_finish_lengths(shown, p->ovr_btn, sizeof(p->ovr_btn));
		sim_finish_clock(winner + shown * 0.2, p->time, sizeof(p->time));
		if (k < paid)
			snprintf(p->prize, sizeof(p->prize), "%.2f", r->prize * shares[k]);
	}
}

/* "£9.50", "£12": a dividend in the race's currency. */
static void
sim_finish_money(const struct sim_world_race *r, double v, char *out, size_t outlen)
{
	const char *sym = r->meeting->course->ire ? "€" : "£";

	if (fabs(v - floor(v + 0.5)) < 0.005)
		snprintf(out, outlen, "%s%.0f", sym, v);
	else
		snprintf(out, outlen, "%s%.2f", sym, v);
}

void
sim_finish_tote(const struct sim_world_race *r, const struct sim_finish *f, const char *key, char *out, size_t outlen)
{
	double sp[3] = { 2, 2, 2 }, noise = 0.75 + 0.6 * sim_rng_unit(sim_rng_hash(SIM_RNG_RESULT, sim_finish_key(r), 9, 4));
	int places = f->nplaces >= 16 && r->handicap ? 4 : f->nplaces >= 8 ? 3 : f->nplaces >= 5 ? 2 : 1;

	out[0] = '\0';
	for (int k = 0; k < 3 && k < f->nplaces; k++)
		sp[k] = f->sp[f->places[k].runner].dec;
	if (strcmp(key, "tote_win") == 0) {
		sim_finish_money(r, floor(sp[0] * noise * 10 + 0.5) / 10, out, outlen);
	} else if (strcmp(key, "tote_pl") == 0) {
		size_t n = 0;

		for (int k = 0; k < places && k < f->nplaces && f->places[k].finished && n < outlen; k++) {
			char one[24];

			sim_finish_money(r, floor((1 + (sp[k < 3 ? k : 2] - 1) / 4.5 * noise) * 10 + 0.5) / 10, one, sizeof(one));
			n += (size_t)snprintf(out + n, outlen - n, "%s%s", k > 0 ? " " : "", one);
		}
	} else if (f->nplaces < 3 || !f->places[2].finished) {
		return;
	} else if (strcmp(key, "tote_ex") == 0) {
		sim_finish_money(r, sp[0] * sp[1] * 0.8 * noise, out, outlen);
	} else if (strcmp(key, "tote_csf") == 0) {
		sim_finish_money(r, sp[0] * sp[1] * 0.7, out, outlen);
	} else if (strcmp(key, "tote_tricast") == 0 && r->handicap && f->nplaces >= 8) {
		sim_finish_money(r, sp[0] * sp[1] * sp[2] * 0.6, out, outlen);
	} else if (strcmp(key, "tote_trifecta") == 0) {
		sim_finish_money(r, sp[0] * sp[1] * sp[2] * 0.9 * noise, out, outlen);
	}
}

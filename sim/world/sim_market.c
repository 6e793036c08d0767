/* sim_market: prices over time (see sim_market.h). */
#include "sim_market.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim_rng.h"

struct sim_market_frac {
	int num, den;
};

/* The bookmakers' ladder, shortest first. */
static const struct sim_market_frac sim_market_ladder[] = {
	{ 1, 100 }, { 1, 50 }, { 1, 33 }, { 1, 25 }, { 1, 20 }, { 1, 16 }, { 1, 14 }, { 1, 12 },
	{ 1, 10 }, { 1, 9 }, { 1, 8 }, { 2, 15 }, { 1, 7 }, { 1, 6 }, { 2, 11 }, { 1, 5 }, { 2, 9 },
	{ 1, 4 }, { 2, 7 }, { 3, 10 }, { 1, 3 }, { 4, 11 }, { 2, 5 }, { 4, 9 }, { 1, 2 }, { 8, 15 },
	{ 4, 7 }, { 8, 13 }, { 4, 6 }, { 8, 11 }, { 4, 5 }, { 5, 6 }, { 10, 11 }, { 1, 1 },
	{ 11, 10 }, { 6, 5 }, { 5, 4 }, { 11, 8 }, { 6, 4 }, { 13, 8 }, { 7, 4 }, { 15, 8 },
	{ 2, 1 }, { 9, 4 }, { 5, 2 }, { 11, 4 }, { 3, 1 }, { 10, 3 }, { 7, 2 }, { 4, 1 }, { 9, 2 },
	{ 5, 1 }, { 11, 2 }, { 6, 1 }, { 13, 2 }, { 7, 1 }, { 15, 2 }, { 8, 1 }, { 17, 2 },
	{ 9, 1 }, { 10, 1 }, { 11, 1 }, { 12, 1 }, { 14, 1 }, { 16, 1 }, { 18, 1 }, { 20, 1 },
	{ 22, 1 }, { 25, 1 }, { 28, 1 }, { 33, 1 }, { 40, 1 }, { 50, 1 }, { 66, 1 }, { 80, 1 },
	{ 100, 1 }, { 125, 1 }, { 150, 1 }, { 200, 1 }, { 250, 1 },
};

#define SIM_MARKET_LADDER_N (int)(sizeof(sim_market_ladder) / sizeof(sim_market_ladder[0]))

static const struct {
	const char *name;
	int         core;   /* prices every race */
} sim_market_bookies[] = {
	{ "Bet365", 1 }, { "Sky Bet", 0 }, { "Paddy Power", 0 }, { "William Hill", 1 },
	{ "888 Sport", 0 }, { "Betfair Sportsbook", 0 }, { "Coral", 1 }, { "Betfred", 1 },
	{ "Boyle Sports", 1 }, { "Ladbrokes", 1 }, { "Unibet", 1 }, { "Bet Goodwin", 0 },
	{ "Bet Victor", 1 }, { "10 Bet", 0 }, { "BetMGM", 0 }, { "Grosvenor Sports", 0 },
	{ "Betway", 0 }, { "Virgin Bet", 0 }, { "talkSPORT BET", 0 }, { "Dragon Bet", 0 },
	{ "CopyBet", 0 }, { "PricedUp Bet", 0 }, { "Spreadex", 0 }, { "BresBet", 0 },
	{ "Star Sports", 0 }, { "7Bet", 0 }, { "BetTom", 0 }, { "Gentlemen Jim", 0 },
	{ "Midnite", 0 }, { "SportingIndex", 0 }, { "Quinn Bet", 0 }, { "Tote", 0 },
	{ "Livescore Bet", 0 }, { "Betfair Exchange", 1 },
};

#define SIM_MARKET_NBOOKIES (int)(sizeof(sim_market_bookies) / sizeof(sim_market_bookies[0]))
#define SIM_MARKET_EXCHANGE (SIM_MARKET_NBOOKIES - 1)

const char *
sim_market_book_name(int id)
{
	return id >= 0 && id < SIM_MARKET_NBOOKIES ? sim_market_bookies[id].name : "";
}

static uint64_t
sim_market_race_key(const struct sim_world_race *r)
{
	return (uint64_t)r->day * 128 + (uint64_t)r->slot;
}

/* When prices first show. */
static time_t
sim_market_open_at(const struct sim_world_race *r)
{
	return r->sim_market_open;
}

int
sim_market_is_open(const struct sim_world_race *r, time_t t)
{
	return !r->meeting->abandoned && t >= sim_market_open_at(r);
}

void
sim_market_books(const struct sim_world_race *r, struct sim_market_books *out)
{
	uint64_t key = sim_market_race_key(r);
	int want = sim_rng_range(sim_rng_hash(SIM_RNG_BOOK, key, 0, 0), 20, 28), ncore = 0;
	double score[SIM_MARKET_NBOOKIES];
	int chosen[SIM_MARKET_NBOOKIES];

	for (int i = 0; i < SIM_MARKET_NBOOKIES; i++) {
		chosen[i] = sim_market_bookies[i].core;
		ncore += chosen[i];
		score[i] = sim_rng_unit(sim_rng_hash(SIM_RNG_BOOK, key, (uint64_t)i + 1, 0));
	}
	for (int n = ncore; n < want; n++) {
		int best = -1;

		for (int i = 0; i < SIM_MARKET_NBOOKIES; i++)
			if (!chosen[i] && (best < 0 || score[i] > score[best]))
				best = i;
		chosen[best] = 1;
	}
	out->n = 0;
	for (int i = 0; i < SIM_MARKET_NBOOKIES; i++)
		if (chosen[i])
			out->id[out->n++] = i;
}

/* Smooth noise in about [-2, 2]: interpolated normals on a grid of `period` minutes. */
static double
sim_market_noise(uint64_t key, int period, long minute)
{
	long cell = minute / period;
	double f = (double)(minute % period) / period, a, b;

	a = sim_rng_normal(sim_rng_hash(SIM_RNG_DRIFT, key, (uint64_t)period, (uint64_t)cell));
	b = sim_rng_normal(sim_rng_hash(SIM_RNG_DRIFT, key, (uint64_t)period, (uint64_t)cell + 1));
	f = f * f * (3 - 2 * f);
	return a + (b - a) * f;
}

/* The last minute with prices: the one before the off. */
static long
sim_market_last_minute(const struct sim_world_race *r)
{
	return (long)((r->off - 60 - sim_market_open_at(r)) / 60);
}

/* The minute of the market that t falls in, past the off the last one. */
static long
sim_market_minute(const struct sim_world_race *r, time_t t)
{
	long m = (long)((t - sim_market_open_at(r)) / 60), last = sim_market_last_minute(r);

	return m < 0 ? 0 : m > last ? last : m;
}

static int
sim_market_active(const struct sim_world_race *r, int i, time_t at)
{
	return r->runners[i].nr_at == 0 || r->runners[i].nr_at > at;
}

/* Every runner's chance at a minute, over the runners still in at that minute. */
static void
sim_market_chances(const struct sim_world_race *r, long minute, double *q)
{
	time_t at = sim_market_open_at(r) + minute * 60;
	double sum = 0;

	for (int i = 0; i < r->nrunners; i++) {
		uint64_t key = sim_market_race_key(r) * 32 + (uint64_t)i;
		double drift = 0.22 * sim_market_noise(key, 240, minute) + 0.10 * sim_market_noise(key, 45, minute) +
		    0.04 * sim_market_noise(key, 10, minute);

		q[i] = sim_market_active(r, i, at) ? r->runners[i].weight * exp(drift) : 0;
		sum += q[i];
	}
	for (int i = 0; i < r->nrunners; i++)
		q[i] = sum > 0 ? q[i] / sum : 0;
}

/* Whether a bookmaker reprices the race at a minute. */
static int
sim_market_updates(const struct sim_world_race *r, int book, long minute)
{
	long to_off = sim_market_last_minute(r) + 1 - minute;
	double p = to_off > 120 ? 0.04 : to_off > 30 ? 0.12 : to_off > 5 ? 0.3 : 0.6;
	time_t at = sim_market_open_at(r) + minute * 60;

	if (minute == 0)
		return 1;
	for (int i = 0; i < r->nrunners; i++)
		if (r->runners[i].nr_at == at)
			return 1;
	return sim_rng_unit(sim_rng_hash(SIM_RNG_UPDATE, sim_market_race_key(r), (uint64_t)book, (uint64_t)minute)) < p;
}

static long
sim_market_last_update(const struct sim_world_race *r, int book, long minute)
{
	while (minute > 0 && !sim_market_updates(r, book, minute))
		minute--;
	return minute;
}

/* "3.75", "4": two decimals without trailing zeros. */
static void
sim_market_decimal(double d, char *out, size_t outlen)
{
	size_t n;

	snprintf(out, outlen, "%.2f", d);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '0')
		out[--n] = '\0';
	if (n > 0 && out[n - 1] == '.')
		out[--n] = '\0';
}

static double
sim_market_frac_dec(struct sim_market_frac f)
{
	return 1.0 + (double)f.num / f.den;
}

/* The longest ladder price not above d (the bookmaker's rounding). */
static struct sim_market_frac
sim_market_round_down(double d)
{
	int lo = 0;

	for (int i = 0; i < SIM_MARKET_LADDER_N; i++)
		if (sim_market_frac_dec(sim_market_ladder[i]) <= d + 1e-9)
			lo = i;
	return sim_market_ladder[lo];
}

/* The exchange's tick ladder, rounded down. */
static double
sim_market_tick(double d)
{
	static const double bands[][2] = {
		{ 2, 0.01 }, { 3, 0.02 }, { 4, 0.05 }, { 6, 0.1 }, { 10, 0.2 }, { 20, 0.5 },
		{ 30, 1 }, { 50, 2 }, { 100, 5 }, { 1000, 10 },
	};
	double base = 1.0;

	if (d < 1.01)
		return 1.01;
	for (size_t i = 0; i < sizeof(bands) / sizeof(bands[0]); i++) {
		if (d < bands[i][0])
			return base + floor((d - base) / bands[i][1] + 1e-9) * bands[i][1];
		base = bands[i][0];
	}
	return 1000;
}

/*
 * A bookmaker's fair-plus-margin decimal odds for every runner at a minute:
 * its own view of each chance (the market's, give or take a few percent),
 * scaled so the book sums to exactly 1 + margin before rounding.
 */
static void
sim_market_quote(const struct sim_world_race *r, int book, long minute, const double *q, double *dec)
{
	uint64_t rk = sim_market_race_key(r);
	double margin, view[SIM_WORLD_MAX_RUNNERS], sum = 0;

	if (book == SIM_MARKET_EXCHANGE)
		margin = 0.005 + 0.025 * sim_rng_unit(sim_rng_hash(SIM_RNG_BOOK, rk, (uint64_t)book, 10));
	else
		margin = 0.06 + 0.08 * sim_rng_unit(sim_rng_hash(SIM_RNG_BOOK, rk, (uint64_t)book, 10));
	for (int i = 0; i < r->nrunners; i++) {
		view[i] = q[i] * exp(0.03 * sim_market_noise(rk * 4096 + (uint64_t)i * 64 + (uint64_t)book, 60, minute));
		sum += view[i];
	}
	for (int i = 0; i < r->nrunners; i++)
		dec[i] = view[i] > 0 ? sum / (view[i] * (1 + margin)) : 0;
}

/* Formats a quoted price: the exchange's ticks, or the bookmakers' ladder. */
static void
sim_market_format(int book, double d, struct sim_market_entry *e)
{
	if (book == SIM_MARKET_EXCHANGE) {
		sim_market_decimal(sim_market_tick(d), e->decimal, sizeof(e->decimal));
		snprintf(e->fractional, sizeof(e->fractional), "%s", e->decimal);
	} else {
		struct sim_market_frac f = sim_market_round_down(d);

		if (f.num == 1 && f.den == 1)
			snprintf(e->fractional, sizeof(e->fractional), "evs");
		else
			snprintf(e->fractional, sizeof(e->fractional), "%d/%d", f.num, f.den);
		sim_market_decimal(sim_market_frac_dec(f), e->decimal, sizeof(e->decimal));
	}
}

/* Each-way terms for the field size, as the upstream shows them. */
static void
sim_market_ew(const struct sim_world_race *r, int book, int field, struct sim_market_entry *e)
{
	int places = 0, denom = 0;

	if (book == SIM_MARKET_EXCHANGE || field < 5) {
		e->ew_places[0] = e->ew_denom[0] = '\0';
		return;
	}
	if (field <= 7) {
		places = 2;
		denom = 4;
	} else if (field <= 11 || !r->handicap) {
		places = 3;
		denom = 5;
	} else {
		places = field <= 15 ? 3 : 4;
		denom = 4;
	}
	if (field >= 8 && sim_rng_unit(sim_rng_hash(SIM_RNG_BOOK, sim_market_race_key(r), (uint64_t)book, 3)) < 0.15)
		places++;
	snprintf(e->ew_places, sizeof(e->ew_places), "%d", places);
	snprintf(e->ew_denom, sizeof(e->ew_denom), "%d", denom);
}

/* When a bookmaker's update at a minute was stamped, never after t. */
static void
sim_market_stamp(const struct sim_world_race *r, int book, long minute, time_t t, char *out, size_t outlen)
{
	time_t at = sim_market_open_at(r) + minute * 60 +
	    (time_t)(sim_rng_hash(SIM_RNG_UPDATE, sim_market_race_key(r), (uint64_t)book, (uint64_t)minute + 100000) % 60);

	sim_world_uk_local(at < t ? at : t, out, outlen);
}

void
sim_market_prices(const struct sim_world_race *r, const struct sim_market_books *mb, int bi, time_t t,
    struct sim_market_entry *out)
{
	int book = mb->id[bi], field = 0;
	long now = sim_market_minute(r, t), u = sim_market_last_update(r, book, now);
	time_t snap = sim_market_open_at(r) + now * 60;
	uint64_t rk = sim_market_race_key(r);
	int sp_only = book != SIM_MARKET_EXCHANGE && sim_rng_unit(sim_rng_hash(SIM_RNG_BOOK, rk, (uint64_t)book, 1)) < 0.03;
	double q[SIM_WORLD_MAX_RUNNERS], dec[SIM_WORLD_MAX_RUNNERS];
	char updated[sizeof(out->updated)];

	sim_market_chances(r, u, q);
	sim_market_quote(r, book, u, q, dec);
	for (int i = 0; i < r->nrunners; i++)
		field += sim_market_active(r, i, snap);
	sim_market_stamp(r, book, u, t < r->off ? t : r->off, updated, sizeof(updated));
	for (int i = 0; i < r->nrunners; i++) {
		struct sim_market_entry *e = &out[i];

		sim_market_ew(r, book, field, e);
		memcpy(e->updated, updated, sizeof(updated));
		if (!sim_market_active(r, i, snap)) {
			snprintf(e->fractional, sizeof(e->fractional), "-");
			snprintf(e->decimal, sizeof(e->decimal), "-");
		} else if (sp_only || (book != SIM_MARKET_EXCHANGE &&
		    sim_rng_unit(sim_rng_hash(SIM_RNG_BOOK, rk * 32 + (uint64_t)i, (uint64_t)book, 2)) < 0.006)) {
			snprintf(e->fractional, sizeof(e->fractional), "SP");
			snprintf(e->decimal, sizeof(e->decimal), "SP");
		} else {
			sim_market_format(book, dec[i], e);
		}
	}
}

void
sim_market_history(const struct sim_world_race *r, int runner, int book_id, time_t t,
    sim_market_step_fn fn, void *arg)
{
	struct sim_market_entry ring[SIM_MARKET_HISTORY], e;
	char last[16] = "";
	long end = sim_market_minute(r, t);
	int n = 0;
	double q[SIM_WORLD_MAX_RUNNERS], dec[SIM_WORLD_MAX_RUNNERS];

	for (long m = 0; m <= end; m++) {
		if (!sim_market_updates(r, book_id, m))
			continue;
		if (!sim_market_active(r, runner, sim_market_open_at(r) + m * 60))
			break;
		sim_market_chances(r, m, q);
		sim_market_quote(r, book_id, m, q, dec);
		sim_market_format(book_id, dec[runner], &e);
		if (strcmp(e.decimal, last) == 0)
			continue;
		snprintf(last, sizeof(last), "%s", e.decimal);
		sim_market_stamp(r, book_id, m, t < r->off ? t : r->off, e.updated, sizeof(e.updated));
		ring[n % SIM_MARKET_HISTORY] = e;
		n++;
	}
	for (int i = n > SIM_MARKET_HISTORY ? n - SIM_MARKET_HISTORY : 0; i < n; i++)
		fn(ring[i % SIM_MARKET_HISTORY].updated, ring[i % SIM_MARKET_HISTORY].fractional,
		    ring[i % SIM_MARKET_HISTORY].decimal, arg);
}

void
sim_market_final_chances(const struct sim_world_race *r, double *out)
{
	sim_market_chances(r, sim_market_last_minute(r) + 1, out);
}

/* Prices in SP style (nearest ladder price) from chances q with a margin. */
static void
sim_market_sp_style(const struct sim_world_race *r, const double *q, double margin, struct sim_market_sp *out)
{
	for (int i = 0; i < r->nrunners; i++) {
		double d = q[i] > 0 ? 1.0 / (q[i] * (1 + margin)) : 1000, best = 1e9;
		struct sim_market_frac f = sim_market_ladder[0];

		for (int k = 0; k < SIM_MARKET_LADDER_N; k++) {
			double gap = fabs(log(sim_market_frac_dec(sim_market_ladder[k]) / d));

			if (gap < best) {
				best = gap;
				f = sim_market_ladder[k];
			}
		}
		if (f.num == 1 && f.den == 1)
			snprintf(out[i].sp, sizeof(out[i].sp), "Evs");
		else if (f.num == 10 && f.den == 3)
			snprintf(out[i].sp, sizeof(out[i].sp), "100/30");
		else
			snprintf(out[i].sp, sizeof(out[i].sp), "%d/%d", f.num, f.den);
		out[i].dec = sim_market_frac_dec(f);
		snprintf(out[i].sp_dec, sizeof(out[i].sp_dec), "%.2f", out[i].dec);
	}
}

void
sim_market_sp(const struct sim_world_race *r, struct sim_market_sp *out)
{
	double q[SIM_WORLD_MAX_RUNNERS];

	sim_market_final_chances(r, q);
	sim_market_sp_style(r, q, 0.12, out);
}

void
sim_market_forecast(const struct sim_world_race *r, struct sim_market_sp *out)
{
	double q[SIM_WORLD_MAX_RUNNERS];

	sim_market_chances(r, 0, q);
	sim_market_sp_style(r, q, 0.2, out);
}

/*
 * sim_market: the betting market of a race over wall-clock time.
 *
 * Prices open at 18:00 (UK) the day before the race.  Each runner's chance
 * drifts smoothly with the minute (deterministic noise); each bookmaker
 * reprices the whole race at random minutes, more often near the off, and
 * always at the minute a runner is withdrawn.  A bookmaker's price is its
 * view of the chance plus its margin, rounded down to the fractional
 * ladder, so a book's overround is some 108-122%; the exchange is near
 * 100% on its own tick ladder.  Past the off the last prices before it
 * stay.  Everything is a pure function of the race and the minute.
 */
#ifndef SIM_MARKET_H
#define SIM_MARKET_H

#include <time.h>

#include "sim_world.h"

#define SIM_MARKET_MAX_BOOKS 28
#define SIM_MARKET_HISTORY   50	/* changes kept per runner and bookmaker */

struct sim_market_entry {
	char fractional[16];   /* "11/4", "evs", "4.5" (exchange), "SP", "-" */
	char decimal[16];      /* "3.75", "SP", "-" */
	char ew_places[4];
	char ew_denom[4];
	char updated[20];      /* UK local "YYYY-MM-DD HH:MM:SS" */
};

/* The bookmakers pricing a race, in the upstream's order (ids for sim_market_book_name). */
struct sim_market_books {
	int n;
	int id[SIM_MARKET_MAX_BOOKS];
};

/* A starting price: "9/4" ("Evs", "100/30") and its decimal "3.25". */
struct sim_market_sp {
	char   sp[16];
	char   sp_dec[12];
	double dec;
};

/* Called by sim_market_history for each change, oldest first. */
typedef void (*sim_market_step_fn)(const char *changed_at, const char *fractional,
    const char *decimal, void *arg);

/* Whether the racecard shows prices at t (opened, not abandoned). */
int sim_market_is_open(const struct sim_world_race *r, time_t t);

void sim_market_books(const struct sim_world_race *r, struct sim_market_books *out);
const char *sim_market_book_name(int id);

/*
 * Every runner's entry with bookmaker mb->id[bi] as at t (a time past the
 * off means the last prices before it).  out has r->nrunners entries.
 */
void sim_market_prices(const struct sim_world_race *r, const struct sim_market_books *mb, int bi,
    time_t t, struct sim_market_entry *out);

/* The changes of runner's price with bookmaker book_id up to t (at most SIM_MARKET_HISTORY, the latest). */
void sim_market_history(const struct sim_world_race *r, int runner, int book_id, time_t t,
    sim_market_step_fn fn, void *arg);

/* The starting prices of every runner (out has r->nrunners entries). */
void sim_market_sp(const struct sim_world_race *r, struct sim_market_sp *out);

/* The betting forecast's prices: the market when it opens, in SP style. */
void sim_market_forecast(const struct sim_world_race *r, struct sim_market_sp *out);

/* Each runner's chance at the off (withdrawn runners 0), summing to 1. */
void sim_market_final_chances(const struct sim_world_race *r, double *out);

#endif

/*
 * market: the betting market of a race over wall-clock time.
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

#include "world.h"

#define MARKET_MAX_BOOKS 28
#define MARKET_HISTORY   50	/* changes kept per runner and bookmaker */

struct market_entry {
	char fractional[16];   /* "11/4", "evs", "4.5" (exchange), "SP", "-" */
	char decimal[16];      /* "3.75", "SP", "-" */
	char ew_places[4];
	char ew_denom[4];
	char updated[20];      /* UK local "YYYY-MM-DD HH:MM:SS" */
};

/* The bookmakers pricing a race, in the upstream's order (ids for market_book_name). */
struct market_books {
	int n;
	int id[MARKET_MAX_BOOKS];
};

/* A starting price: "9/4" ("Evs", "100/30") and its decimal "3.25". */
struct market_sp {
	char   sp[16];
	char   sp_dec[12];
	double dec;
};

/* Called by market_history for each change, oldest first. */
typedef void (*market_step_fn)(const char *changed_at, const char *fractional,
    const char *decimal, void *arg);

/* Whether the racecard shows prices at t (opened, not abandoned). */
int market_is_open(const struct world_race *r, time_t t);

void market_books(const struct world_race *r, struct market_books *out);
const char *market_book_name(int id);

/*
 * Every runner's entry with bookmaker mb->id[bi] as at t (a time past the
 * off means the last prices before it).  out has r->nrunners entries.
 */
void market_prices(const struct world_race *r, const struct market_books *mb, int bi,
    time_t t, struct market_entry *out);

/* The changes of runner's price with bookmaker book_id up to t (at most MARKET_HISTORY, the latest). */
void market_history(const struct world_race *r, int runner, int book_id, time_t t,
    market_step_fn fn, void *arg);

/* The starting prices of every runner (out has r->nrunners entries). */
void market_sp(const struct world_race *r, struct market_sp *out);

/* The betting forecast's prices: the market when it opens, in SP style. */
void market_forecast(const struct world_race *r, struct market_sp *out);

/* Each runner's chance at the off (withdrawn runners 0), summing to 1. */
void market_final_chances(const struct world_race *r, double *out);

#endif

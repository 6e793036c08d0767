/*
 * sim_odds: /v1/odds/{race_id}/{horse_id}, one runner's prices with every
 * bookmaker and, for races from 2025-03-17 (as upstream), the history of
 * each price: its changes since the market opened, oldest first.
 */
#include <string.h>

#include "sim_market.h"
#include "sim_runner.h"
#include "sim.h"
#include "sim_world.h"

/* Price movements upstream start with races of this day. */
static const struct clock_date sim_odds_history_from = { 2025, 3, 17 };

static void
sim_odds_step(const char *changed_at, const char *fractional, const char *decimal, void *arg)
{
	struct jsonw *w = arg;

	jsonw_obj(w);
	jsonw_kstr(w, "changed_at", changed_at);
	jsonw_kstr(w, "fractional", fractional);
	jsonw_kstr(w, "decimal", decimal);
	jsonw_obj_end(w);
}

int
sim_odds_runner(struct sim_req *r)
{
	static struct sim_world_day day;
	static struct sim_world_race race;
	static struct sim_market_entry grid[SIM_MARKET_MAX_BOOKS][SIM_WORLD_MAX_RUNNERS];
	struct sim_runner_info ri;
	struct sim_market_books mb;
	int dayno, slot, runner = -1, today, history;
	uint32_t horse;

	if (sim_world_race_find(r->seg[2], &dayno, &slot) < 0 || sim_pool_horse_find(r->seg[3], &horse) < 0)
		return 404;
	today = sim_world_day_number(clock_racing_day(r->now));
	if (dayno < sim_world_day_number(sim_world_first_date()) || dayno > today + 7)
		return 404;
	sim_world_day(sim_world_day_date(dayno), &day);
	if (sim_world_race(&day, slot, 1, &race) < 0)
		return 404;
	for (int i = 0; i < race.nrunners; i++)
		if (race.runners[i].horse == horse)
			runner = i;
	if (runner < 0)
		return 404;
	sim_runner_info(&race, runner, &ri);
	history = dayno >= sim_world_day_number(sim_odds_history_from);
	jsonw_obj(&r->w);
	jsonw_kstr(&r->w, "race_id", race.id);
	jsonw_kstr(&r->w, "horse_id", ri.horse.id);
	jsonw_kstr(&r->w, "horse", ri.horse.name);
	jsonw_key(&r->w, "odds");
	jsonw_arr(&r->w);
	sim_market_books(&race, &mb);
	for (int b = 0; sim_market_is_open(&race, r->now) && b < mb.n; b++) {
		const struct sim_market_entry *e = &grid[b][runner];

		sim_market_prices(&race, &mb, b, r->now, grid[b]);
		jsonw_obj(&r->w);
		jsonw_kstr(&r->w, "bookmaker", sim_market_book_name(mb.id[b]));
		jsonw_kstr(&r->w, "fractional", e->fractional);
		jsonw_kstr(&r->w, "decimal", e->decimal);
		jsonw_kstr(&r->w, "ew_places", e->ew_places);
		jsonw_kstr(&r->w, "ew_denom", e->ew_denom);
		jsonw_kstr(&r->w, "updated", e->updated);
		jsonw_key(&r->w, "history");
		jsonw_arr(&r->w);
		if (history)
			sim_market_history(&race, runner, mb.id[b], r->now, sim_odds_step, &r->w);
		jsonw_arr_end(&r->w);
		jsonw_obj_end(&r->w);
	}
	jsonw_arr_end(&r->w);
	jsonw_obj_end(&r->w);
	return 200;
}

/*
 * sim_racecards: /v1/racecards/pro, /v1/racecards/{race_id}/pro and
 * /v1/racecards/summaries.  Racecards exist from 2023-01-23 to seven days
 * after today (the racing day of clock_now()); a date outside is a 422
 * naming "date".  Lists are in order of the off.
 */
#include <stdio.h>
#include <string.h>

#include "sim_card.h"
#include "sim_filter.h"
#include "sim_page.h"
#include "sim.h"
#include "sim_world.h"

#define SIM_RACECARDS_AHEAD 7

/* Whether racecards of a date exist at now. */
static int
sim_racecards_in_range(struct clock_date d, time_t now)
{
	int day = sim_world_day_number(d);

	return day >= sim_world_day_number(sim_world_first_date()) &&
	    day <= sim_world_day_number(clock_racing_day(now)) + SIM_RACECARDS_AHEAD;
}

/* Reads "date" (default today).  Returns 0, or -1 with a detail item added. */
static int
sim_racecards_date(struct sim_req *r, struct clock_date *d)
{
	char msg[160], first[11], last[11];
	struct clock_date end = clock_date_add(clock_racing_day(r->now), SIM_RACECARDS_AHEAD), start = sim_world_first_date();
	int rc = sim_params_date(&r->params, "date", d);

	if (rc < 0)
		return -1;
	if (rc == 0)
		*d = clock_racing_day(r->now);
	if (sim_racecards_in_range(*d, r->now))
		return 0;
	clock_format_date(&start, first, sizeof(first));
	clock_format_date(&end, last, sizeof(last));
	snprintf(msg, sizeof(msg), "racecards are available from %s to %s", first, last);
	sim_params_error(&r->params, "date", msg, "value_error");
	return -1;
}

/* The day's races in order of the off, and the filter of the request.  Returns how many. */
static int
sim_racecards_day(struct sim_req *r, struct clock_date d, struct sim_world_day *day, struct sim_filter *f, int *slots)
{
	sim_filter_init(f, &r->params, "region_codes", "course_ids");
	sim_world_day(d, day);
	return sim_world_slots(day, slots, SIM_WORLD_MAX_SLOTS);
}

int
sim_racecards_list(struct sim_req *r)
{
	static struct sim_world_day day;
	static struct sim_world_race race;
	struct clock_date d;
	struct sim_filter f;
	struct sim_page pg = { 0, 0, 0 };
	int slots[SIM_WORLD_MAX_SLOTS], n, bad = 0;

	bad |= sim_racecards_date(r, &d) < 0;
	bad |= sim_params_int(&r->params, "limit", 1, 500, 500, &pg.limit) < 0;
	bad |= sim_params_int(&r->params, "skip", 0, 500, 0, &pg.skip) < 0;
	if (bad)
		return 422;
	n = sim_racecards_day(r, d, &day, &f, slots);
	sim_page_begin(&r->w, "racecards");
	for (int i = 0; i < n; i++)
		if (sim_filter_match(&f, day.meetings[slots[i] / 10].course) && sim_page_take(&pg) &&
		    sim_world_race(&day, slots[i], 1, &race) == 0)
			sim_card_write(&r->w, &race, r->now);
	sim_page_end(&r->w, &pg, &r->params);
	return 200;
}

int
sim_racecards_one(struct sim_req *r)
{
	static struct sim_world_day day;
	static struct sim_world_race race;
	int dayno, slot;

	if (sim_world_race_find(r->seg[2], &dayno, &slot) < 0 || !sim_racecards_in_range(sim_world_day_date(dayno), r->now))
		return 404;
	sim_world_day(sim_world_day_date(dayno), &day);
	if (sim_world_race(&day, slot, 1, &race) < 0)
		return 404;
	sim_card_write(&r->w, &race, r->now);
	return 200;
}

int
sim_racecards_summaries(struct sim_req *r)
{
	static struct sim_world_day day;
	struct sim_world_race race;
	struct clock_date d;
	struct sim_filter f;
	int slots[SIM_WORLD_MAX_SLOTS], n;

	if (sim_racecards_date(r, &d) < 0)
		return 422;
	n = sim_racecards_day(r, d, &day, &f, slots);
	jsonw_obj(&r->w);
	jsonw_key(&r->w, "racecard_summaries");
	jsonw_arr(&r->w);
	for (int i = 0; i < n; i++)
		if (sim_filter_match(&f, day.meetings[slots[i] / 10].course) && sim_world_race(&day, slots[i], 0, &race) == 0)
			sim_card_summary(&r->w, &race);
	jsonw_arr_end(&r->w);
	jsonw_key(&r->w, "query");
	sim_params_echo(&r->params, &r->w);
	jsonw_obj_end(&r->w);
	return 200;
}

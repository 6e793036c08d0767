/*
 * racecards: /v1/racecards/pro, /v1/racecards/{race_id}/pro and
 * /v1/racecards/summaries.  Racecards exist from 2023-01-23 to seven days
 * after today (the racing day of clock_now()); a date outside is a 422
 * naming "date".  Lists are in order of the off.
 */
#include <stdio.h>
#include <string.h>

#include "card.h"
#include "filter.h"
#include "page.h"
#include "sim.h"
#include "world.h"

#define RACECARDS_AHEAD 7

/* Whether racecards of a date exist at now. */
static int
racecards_in_range(struct clock_date d, time_t now)
{
	int day = world_day_number(d);

	return day >= world_day_number(world_first_date()) &&
	    day <= world_day_number(clock_racing_day(now)) + RACECARDS_AHEAD;
}

/* Reads "date" (default today).  Returns 0, or -1 with a detail item added. */
static int
racecards_date(struct sim_req *r, struct clock_date *d)
{
	char msg[160], first[11], last[11];
	struct clock_date end = clock_date_add(clock_racing_day(r->now), RACECARDS_AHEAD), start = world_first_date();
	int rc = params_date(&r->params, "date", d);

	if (rc < 0)
		return -1;
	if (rc == 0)
		*d = clock_racing_day(r->now);
	if (racecards_in_range(*d, r->now))
		return 0;
	clock_format_date(&start, first, sizeof(first));
	clock_format_date(&end, last, sizeof(last));
	snprintf(msg, sizeof(msg), "racecards are available from %s to %s", first, last);
	params_error(&r->params, "date", msg, "value_error");
	return -1;
}

/* The day's races in order of the off, and the filter of the request.  Returns how many. */
static int
racecards_day(struct sim_req *r, struct clock_date d, struct world_day *day, struct filter *f, int *slots)
{
	filter_init(f, &r->params, "region_codes", "course_ids");
	world_day(d, day);
	return world_slots(day, slots, WORLD_MAX_SLOTS);
}

int
racecards_list(struct sim_req *r)
{
	static struct world_day day;
	static struct world_race race;
	struct clock_date d;
	struct filter f;
	struct page pg = { 0, 0, 0 };
	int slots[WORLD_MAX_SLOTS], n, bad = 0;

	bad |= racecards_date(r, &d) < 0;
	bad |= params_int(&r->params, "limit", 1, 500, 500, &pg.limit) < 0;
	bad |= params_int(&r->params, "skip", 0, 500, 0, &pg.skip) < 0;
	if (bad)
		return 422;
	n = racecards_day(r, d, &day, &f, slots);
	page_begin(&r->w, "racecards");
	for (int i = 0; i < n; i++)
		if (filter_match(&f, day.meetings[slots[i] / 10].course) && page_take(&pg) &&
		    world_race(&day, slots[i], 1, &race) == 0)
			card_write(&r->w, &race, r->now);
	page_end(&r->w, &pg, &r->params);
	return 200;
}

int
racecards_one(struct sim_req *r)
{
	static struct world_day day;
	static struct world_race race;
	int dayno, slot;

	if (world_race_find(r->seg[2], &dayno, &slot) < 0 || !racecards_in_range(world_day_date(dayno), r->now))
		return 404;
	world_day(world_day_date(dayno), &day);
	if (world_race(&day, slot, 1, &race) < 0)
		return 404;
	card_write(&r->w, &race, r->now);
	return 200;
}

int
racecards_summaries(struct sim_req *r)
{
	static struct world_day day;
	struct world_race race;
	struct clock_date d;
	struct filter f;
	int slots[WORLD_MAX_SLOTS], n;

	if (racecards_date(r, &d) < 0)
		return 422;
	n = racecards_day(r, d, &day, &f, slots);
	jsonw_obj(&r->w);
	jsonw_key(&r->w, "racecard_summaries");
	jsonw_arr(&r->w);
	for (int i = 0; i < n; i++)
		if (filter_match(&f, day.meetings[slots[i] / 10].course) && world_race(&day, slots[i], 0, &race) == 0)
			card_summary(&r->w, &race);
	jsonw_arr_end(&r->w);
	jsonw_key(&r->w, "query");
	params_echo(&r->params, &r->w);
	jsonw_obj_end(&r->w);
	return 200;
}

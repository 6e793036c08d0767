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

int
racecards_list(struct sim_req *r)
{
	static struct world_day day;
	static struct world_race race;
	struct clock_date d;
	struct filter f;
	int slots[WORLD_MAX_MEETINGS * 10], n, total = 0, bad = 0;
	long limit, skip;

	bad |= racecards_date(r, &d) < 0;
	bad |= params_int(&r->params, "limit", 1, 500, 500, &limit) < 0;
	bad |= params_int(&r->params, "skip", 0, 500, 0, &skip) < 0;
	if (bad)
		return 422;
	filter_init(&f, &r->params, "region_codes", "course_ids");
	world_day(d, &day);
	n = world_slots(&day, slots, WORLD_MAX_MEETINGS * 10);
	jsonw_obj(&r->w);
	jsonw_key(&r->w, "racecards");
	jsonw_arr(&r->w);
	for (int i = 0; i < n; i++) {
		if (!filter_match(&f, day.meetings[slots[i] / 10].course))
			continue;
		if (total >= skip && total < skip + limit && world_race(&day, slots[i], 1, &race) == 0)
			card_write(&r->w, &race, r->now);
		total++;
	}
	jsonw_arr_end(&r->w);
	jsonw_kint(&r->w, "total", total);
	jsonw_kint(&r->w, "limit", limit);
	jsonw_kint(&r->w, "skip", skip);
	jsonw_key(&r->w, "query");
	params_echo(&r->params, &r->w);
	jsonw_obj_end(&r->w);
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
	int slots[WORLD_MAX_MEETINGS * 10], n;

	if (racecards_date(r, &d) < 0)
		return 422;
	filter_init(&f, &r->params, "region_codes", "course_ids");
	world_day(d, &day);
	n = world_slots(&day, slots, WORLD_MAX_MEETINGS * 10);
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

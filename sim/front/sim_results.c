/*
 * sim_results: /v1/results and /v1/results/{race_id}.  A race has a result a
 * few minutes after it is off (sim_finish_available_at), unless abandoned.
 * Upstream keeps the last 12 months: a start_date before that is a 422
 * naming start_date.  Lists run newest first (by day, then by the off),
 * filtered by region (NB not region_codes) and course.
 */
#include <stdio.h>
#include <string.h>

#include "sim_card.h"
#include "sim_filter.h"
#include "sim_finish.h"
#include "sim_page.h"
#include "sim_rng.h"
#include "sim_runner.h"
#include "sim.h"
#include "sim_text.h"
#include "sim_world.h"

#define SIM_RESULTS_DAYS 365

static int
sim_results_ready(const struct sim_world_race *race, time_t now)
{
	return !race->meeting->abandoned && now >= sim_finish_available_at(race);
}

static void
sim_results_runner(struct jsonw *w, const struct sim_world_race *race, const struct sim_finish *f,
    const struct sim_finish_place *p, int same_day)
{
	const struct sim_world_runner *wr = &race->runners[p->runner];
	struct sim_runner_info ri;
	char name[64], text[400];

	sim_runner_info(race, p->runner, &ri);
	jsonw_obj(w);
	jsonw_kstr(w, "horse_id", ri.horse.id);
	sim_runner_suffixed(ri.horse.name, ri.horse.region, name, sizeof(name));
	jsonw_kstr(w, "horse", name);
	sim_json_kfmt(w, "sp", "%s%s", f->sp[p->runner].sp, f->fav[p->runner]);
	jsonw_kstr(w, "sp_dec", f->sp[p->runner].sp_dec);
	sim_json_knum(w, "number", wr->number);
	jsonw_kstr(w, "position", p->position);
	sim_json_knum(w, "draw", wr->draw);
	jsonw_kstr(w, "btn", p->btn);
	jsonw_kstr(w, "ovr_btn", p->ovr_btn);
	sim_json_knum(w, "age", wr->age);
	jsonw_kstr(w, "sex", ri.sex_code);
	sim_json_kfmt(w, "weight", "%d-%d", wr->lbs / 14, wr->lbs % 14);
	sim_json_knum(w, "weight_lbs", wr->lbs);
	jsonw_kstr(w, "headgear", ri.headgear);
	jsonw_kstr(w, "time", p->time);
	if (wr->ofr >= 0)
		sim_json_knum(w, "or", wr->ofr);
	else
		jsonw_kstr(w, "or", "–");
	if (same_day || wr->rpr < 0) {
		jsonw_kstr(w, "rpr", "–");
		jsonw_kstr(w, "tsr", "–");
	} else {
		sim_json_knum(w, "rpr", wr->rpr - (p->finished ? 0 : 20));
		sim_json_knum(w, "tsr", wr->ts > 0 ? wr->ts : 1);
	}
	jsonw_kstr(w, "prize", p->prize);
	jsonw_kstr(w, "jockey", ri.jockey.name);
	sim_json_knum(w, "jockey_claim_lbs", ri.jockey.claim);
	jsonw_kstr(w, "jockey_id", ri.jockey.id);
	jsonw_kstr(w, "trainer", ri.trainer.name);
	jsonw_kstr(w, "trainer_id", ri.trainer.id);
	jsonw_kstr(w, "owner", ri.owner.name);
	jsonw_kstr(w, "owner_id", ri.owner.id);
	sim_runner_suffixed(ri.sire.name, ri.sire.region, name, sizeof(name));
	jsonw_kstr(w, "sire", name);
	jsonw_kstr(w, "sire_id", ri.sire.id);
	sim_runner_suffixed(ri.dam.name, ri.dam.region, name, sizeof(name));
	jsonw_kstr(w, "dam", name);
	jsonw_kstr(w, "dam_id", ri.dam.id);
	jsonw_kstr(w, "damsire", ri.damsire.name);
	jsonw_kstr(w, "damsire_id", ri.damsire.damsire_id);
	sim_text_running(sim_rng_hash(SIM_RNG_RUNNER_TEXT, wr->horse, (uint64_t)race->day, 88),
	    p->place, f->nplaces, text, sizeof(text));
	jsonw_kstr(w, "comment", text);
	jsonw_kstr(w, "silk_url", ri.silk_url);
	jsonw_obj_end(w);
}

/* "Miss Chester (self certificate, coughing), Other Horse". */
static void
sim_results_non_runners(const struct sim_world_race *race, char *out, size_t outlen)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < race->nrunners && n < outlen; i++) {
		const char *why;
		char name[48];
		int len;

		if (race->runners[i].nr_at == 0)
			continue;
		sim_pool_horse_name(race->runners[i].horse, name, sizeof(name));
		why = sim_text_nr_reason(sim_rng_hash(SIM_RNG_RUNNER_TEXT, race->runners[i].horse, (uint64_t)race->day, 99));
		len = *why != '\0' ? snprintf(out + n, outlen - n, "%s%s (%s)", n > 0 ? ", " : "", name, why)
		    : snprintf(out + n, outlen - n, "%s%s", n > 0 ? ", " : "", name);
		n += len > 0 ? (size_t)len : 0;
	}
}

/* One result object in the upstream's shape. */
static void
sim_results_write(struct jsonw *w, const struct sim_world_race *race, time_t now)
{
	static const char *const totes[] = {
		"tote_win", "tote_pl", "tote_ex", "tote_csf", "tote_tricast", "tote_trifecta",
	};
	static struct sim_finish f;
	char buf[512];
	int same_day = sim_world_day_number(clock_racing_day(now)) == race->day;

	sim_finish_race(race, &f);
	jsonw_obj(w);
	jsonw_kstr(w, "race_id", race->id);
	clock_format_date(&race->date, buf, sizeof(buf));
	jsonw_kstr(w, "date", buf);
	jsonw_kstr(w, "region", sim_courses_region(race->meeting->course->ire));
	jsonw_kstr(w, "course", race->meeting->course->name);
	jsonw_kstr(w, "course_id", race->meeting->course->id);
	sim_card_off(w, race, "off");
	jsonw_kstr(w, "race_name", race->name);
	jsonw_kstr(w, "type", sim_world_type_name(race->type));
	sim_card_class(race, buf, sizeof(buf));
	jsonw_kstr(w, "class", buf);
	jsonw_kstr(w, "pattern", race->pattern);
	sim_card_rating_band(race, buf, sizeof(buf));
	jsonw_kstr(w, "rating_band", buf);
	sim_card_age_band(race, buf, sizeof(buf));
	jsonw_kstr(w, "age_band", buf);
	jsonw_kstr(w, "sex_rest", race->sex_rest);
	sim_world_distance_round(race, buf, sizeof(buf));
	jsonw_kstr(w, "dist", buf);
	sim_json_knum(w, "dist_y", race->furlongs * 220 + race->yards);
	sim_json_knum(w, "dist_m", (race->furlongs * 220 + race->yards) * 9144 / 10000);
	sim_json_kfmt(w, "dist_f", "%df", race->furlongs);
	jsonw_kstr(w, "going", race->meeting->going);
	jsonw_kstr(w, "surface", race->meeting->course->kind == 'A' ? "AW" : "Turf");
	sim_card_jumps(race, buf, sizeof(buf));
	jsonw_kstr(w, "jumps", buf);
	jsonw_key(w, "runners");
	jsonw_arr(w);
	for (int k = 0; k < f.nplaces; k++)
		sim_results_runner(w, race, &f, &f.places[k], same_day);
	jsonw_arr_end(w);
	sim_finish_time_detail(race, buf, sizeof(buf));
	jsonw_kstr(w, "winning_time_detail", buf);
	jsonw_kstr(w, "comments", "");
	sim_results_non_runners(race, buf, sizeof(buf));
	jsonw_kstr(w, "non_runners", buf);
	for (size_t i = 0; i < sizeof(totes) / sizeof(totes[0]); i++) {
		sim_finish_tote(race, &f, totes[i], buf, sizeof(buf));
		jsonw_kstr(w, totes[i], buf);
	}
	jsonw_obj_end(w);
}

/* Reads the date range; 422 items for bad ones.  Returns 0 or -1. */
static int
sim_results_range(struct sim_req *r, int *first, int *last)
{
	struct clock_date s, e;
	int today = sim_world_day_number(clock_racing_day(r->now)), rs, re;

	rs = sim_params_date(&r->params, "start_date", &s);
	re = sim_params_date(&r->params, "end_date", &e);
	if (rs < 0 || re < 0)
		return -1;
	/* Upstream's defaults: from a year ago to today. */
	*last = re > 0 ? sim_world_day_number(e) : today;
	*first = rs > 0 ? sim_world_day_number(s) : today - SIM_RESULTS_DAYS;
	if (*first < today - SIM_RESULTS_DAYS) {
		sim_params_error(&r->params, "start_date", "results are available for the last 12 months only",
		    "value_error");
		return -1;
	}
	if (*last > today)
		*last = today;
	return 0;
}

int
sim_results_list(struct sim_req *r)
{
	static struct sim_world_day day;
	static struct sim_world_race race;
	struct sim_filter f;
	struct sim_page pg = { 0, 0, 0 };
	int slots[SIM_WORLD_MAX_SLOTS], first, last, bad = 0;

	bad |= sim_results_range(r, &first, &last) < 0;
	bad |= sim_params_int(&r->params, "limit", 1, 50, 25, &pg.limit) < 0;
	bad |= sim_params_int(&r->params, "skip", 0, 20000, 0, &pg.skip) < 0;
	if (bad)
		return 422;
	sim_filter_init(&f, &r->params, "region", "course");
	sim_page_begin(&r->w, "results");
	for (int d = last; d >= first; d--) {
		int n;

		sim_world_day(sim_world_day_date(d), &day);
		n = sim_world_slots(&day, slots, SIM_WORLD_MAX_SLOTS);
		for (int i = n - 1; i >= 0; i--)
			if (sim_filter_match(&f, day.meetings[slots[i] / 10].course) &&
			    sim_world_race(&day, slots[i], 0, &race) == 0 && sim_results_ready(&race, r->now) &&
			    sim_page_take(&pg) && sim_world_race(&day, slots[i], 1, &race) == 0)
				sim_results_write(&r->w, &race, r->now);
	}
	sim_page_end(&r->w, &pg, &r->params);
	return 200;
}

int
sim_results_one(struct sim_req *r)
{
	static struct sim_world_day day;
	static struct sim_world_race race;
	int dayno, slot, today = sim_world_day_number(clock_racing_day(r->now));

	if (sim_world_race_find(r->seg[2], &dayno, &slot) < 0 || dayno < today - SIM_RESULTS_DAYS || dayno > today)
		return 404;
	sim_world_day(sim_world_day_date(dayno), &day);
	if (sim_world_race(&day, slot, 1, &race) < 0 || !sim_results_ready(&race, r->now))
		return 404;
	sim_results_write(&r->w, &race, r->now);
	return 200;
}

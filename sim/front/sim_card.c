/* sim_card: the racecard object (see sim_card.h). */
#include "sim_card.h"

#include <stdio.h>
#include <string.h>

#include "sim_market.h"
#include "sim_rng.h"
#include "sim_runner.h"
#include "sim_json.h"
#include "sim_text.h"

void
sim_card_age_band(const struct sim_world_race *r, char *out, size_t outlen)
{
	if (r->age_max == 99)
		snprintf(out, outlen, "%dyo+", r->age_min);
	else if (r->age_max == r->age_min)
		snprintf(out, outlen, "%dyo", r->age_min);
	else
		snprintf(out, outlen, "%d-%dyo", r->age_min, r->age_max);
}

void
sim_card_rating_band(const struct sim_world_race *r, char *out, size_t outlen)
{
	if (!r->handicap)
		snprintf(out, outlen, "%s", "");
	else if (r->class_no > 0)
		snprintf(out, outlen, "0-%d", r->rating_max);
	else
		snprintf(out, outlen, "%d-%d", r->rating_max - 20, r->rating_max);
}

void
sim_card_class(const struct sim_world_race *r, char *out, size_t outlen)
{
	if (r->class_no > 0)
		snprintf(out, outlen, "Class %d", r->class_no);
	else
		snprintf(out, outlen, "%s", "");
}

void
sim_card_jumps(const struct sim_world_race *r, char *out, size_t outlen)
{
	if (r->type == SIM_WORLD_HURDLE)
		snprintf(out, outlen, "%d hurdles", r->furlongs / 2 - 1);
	else if (r->type == SIM_WORLD_CHASE)
		snprintf(out, outlen, "%d fences", r->furlongs * 3 / 5);
	else
		snprintf(out, outlen, "%s", "");
}

void
sim_card_off(struct jsonw *w, const struct sim_world_race *r, const char *time_key)
{
	char buf[40];

	sim_world_off_time(r, buf, sizeof(buf));
	jsonw_kstr(w, time_key, buf);
	sim_world_off_dt(r, buf, sizeof(buf));
	jsonw_kstr(w, "off_dt", buf);
}

/* The race-level fields up to "jumps", in the upstream's order. */
static void
sim_card_head(struct jsonw *w, const struct sim_world_race *r, int field)
{
	char buf[64];

	jsonw_kstr(w, "race_id", r->id);
	jsonw_kstr(w, "course", r->meeting->course->name);
	jsonw_kstr(w, "course_id", r->meeting->course->id);
	clock_format_date(&r->date, buf, sizeof(buf));
	jsonw_kstr(w, "date", buf);
	sim_card_off(w, r, "off_time");
	jsonw_kstr(w, "race_name", r->name);
	sim_world_distance_round(r, buf, sizeof(buf));
	jsonw_kstr(w, "distance_round", buf);
	sim_world_distance(r, buf, sizeof(buf));
	jsonw_kstr(w, "distance", buf);
	sim_json_kfmt(w, "distance_f", "%d.0", r->furlongs);
	jsonw_kstr(w, "region", sim_courses_region(r->meeting->course->ire));
	jsonw_kstr(w, "pattern", r->pattern);
	jsonw_kstr(w, "sex_restriction", r->sex_rest);
	sim_card_class(r, buf, sizeof(buf));
	jsonw_kstr(w, "race_class", buf);
	jsonw_kstr(w, "type", sim_world_type_name(r->type));
	sim_card_age_band(r, buf, sizeof(buf));
	jsonw_kstr(w, "age_band", buf);
	sim_card_rating_band(r, buf, sizeof(buf));
	jsonw_kstr(w, "rating_band", buf);
	sim_world_money(r, r->prize, buf, sizeof(buf));
	jsonw_kstr(w, "prize", buf);
	sim_json_knum(w, "field_size", field);
	jsonw_kstr(w, "going_detailed", "");
	jsonw_kstr(w, "rail_movements", "");
	jsonw_kstr(w, "stalls", "");
	jsonw_kstr(w, "weather", "");
	jsonw_kstr(w, "going", r->meeting->going);
	jsonw_kstr(w, "surface", r->meeting->course->kind == 'A' ? "AW" : "Turf");
	sim_card_jumps(r, buf, sizeof(buf));
	jsonw_kstr(w, "jumps", buf);
}

/* A rating, or the upstream's marks for none. */
static void
sim_card_rating(struct jsonw *w, const char *key, int v, uint64_t h)
{
	if (v >= 0)
		sim_json_knum(w, key, v);
	else
		jsonw_kstr(w, key, h % 10 == 0 ? "" : "-");
}

/*
 * A list of previous trainers or owners: [] when p is NULL, else one item
 * {"trainer": name, "trainer_id": id, "change_date": date} (or "owner").
 */
static void
sim_card_prev(struct jsonw *w, const char *list, const char *who, const struct sim_pool_person *p, const char *date)
{
	char id_key[16];

	jsonw_key(w, list);
	jsonw_arr(w);
	if (p != NULL) {
		snprintf(id_key, sizeof(id_key), "%s_id", who);
		jsonw_obj(w);
		jsonw_kstr(w, who, p->name);
		jsonw_kstr(w, id_key, p->id);
		jsonw_kstr(w, "change_date", date);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

/* "dam": name, "dam_id": id, "dam_region": region (likewise sire, damsire). */
static void
sim_card_parent(struct jsonw *w, const char *who, const char *name, const char *id, const char *region)
{
	char key[24];

	jsonw_kstr(w, who, name);
	snprintf(key, sizeof(key), "%s_id", who);
	jsonw_kstr(w, key, id);
	snprintf(key, sizeof(key), "%s_region", who);
	jsonw_kstr(w, key, region);
}

/* The pedigree and connections of a runner. */
static void
sim_card_connections(struct jsonw *w, const struct sim_world_race *r, const struct sim_runner_info *ri, uint64_t h)
{
	struct clock_date changed = clock_date_add(r->date, -20 - (int)(h % 200));
	struct sim_pool_person prev;
	char date[11];

	jsonw_kstr(w, "breeder", ri->horse.breeder);
	sim_card_parent(w, "dam", ri->dam.name, ri->dam.id, ri->dam.region);
	sim_card_parent(w, "sire", ri->sire.name, ri->sire.id, ri->sire.region);
	sim_card_parent(w, "damsire", ri->damsire.name, ri->damsire.damsire_id, ri->damsire.region);
	jsonw_kstr(w, "trainer", ri->trainer.name);
	jsonw_kstr(w, "trainer_id", ri->trainer.id);
	jsonw_kstr(w, "trainer_location", ri->trainer.location);
	jsonw_key(w, "trainer_14_days");
	jsonw_obj(w);
	sim_json_knum(w, "runs", ri->runs14);
	sim_json_knum(w, "wins", ri->wins14);
	sim_json_knum(w, "percent", ri->runs14 > 0 ? (ri->wins14 * 100 + ri->runs14 / 2) / ri->runs14 : 0);
	jsonw_obj_end(w);
	jsonw_kstr(w, "owner", ri->owner.name);
	jsonw_kstr(w, "owner_id", ri->owner.id);
	clock_format_date(&changed, date, sizeof(date));
	if (h % 25 == 0)
		sim_pool_trainer((uint32_t)((h >> 8) % SIM_POOL_TRAINERS), &prev);
	sim_card_prev(w, "prev_trainers", "trainer", h % 25 == 0 ? &prev : NULL, date);
	if (h % 16 == 0)
		sim_pool_owner((uint32_t)((h >> 16) % SIM_POOL_OWNERS), &prev);
	sim_card_prev(w, "prev_owners", "owner", h % 16 == 0 ? &prev : NULL, date);
}

/* The comment, spotlight, quotes, stable tour and medical history. */
static void
sim_card_words(struct jsonw *w, const struct sim_world_race *r, const struct sim_runner_info *ri, uint64_t h)
{
	int say = r->meeting->course->ire ? h % 5 == 0 : h % 5 != 0;
	char text[512];

	if (say)
		sim_text_comment(h >> 4, ri->horse.female, text, sizeof(text));
	jsonw_kstr(w, "comment", say ? text : "");
	if (say)
		sim_text_spotlight(h >> 12, ri->horse.female, ri->trainer.name, text, sizeof(text));
	jsonw_kstr(w, "spotlight", say ? text : "");
	sim_json_kempty(w, "quotes");
	jsonw_key(w, "stable_tour");
	jsonw_arr(w);
	if ((h >> 20) % 40 == 0) {
		sim_text_quote(h >> 24, text, sizeof(text));
		jsonw_obj(w);
		jsonw_kstr(w, "quote", text);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	sim_json_kempty(w, "medical");
}

static void
sim_card_odds(struct jsonw *w, const struct sim_market_books *mb, struct sim_market_entry (*grid)[SIM_WORLD_MAX_RUNNERS],
    int runner, int open)
{
	jsonw_key(w, "odds");
	jsonw_arr(w);
	for (int b = 0; open && b < mb->n; b++) {
		const struct sim_market_entry *e = &grid[b][runner];

		jsonw_obj(w);
		jsonw_kstr(w, "bookmaker", sim_market_book_name(mb->id[b]));
		jsonw_kstr(w, "fractional", e->fractional);
		jsonw_kstr(w, "decimal", e->decimal);
		jsonw_kstr(w, "ew_places", e->ew_places);
		jsonw_kstr(w, "ew_denom", e->ew_denom);
		jsonw_kstr(w, "updated", e->updated);
		sim_json_kempty(w, "history");
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

static void
sim_card_runner(struct jsonw *w, const struct sim_world_race *r, const struct sim_runner_info *ri)
{
	static const char *const flags[] = { "C", "D", "CD", "BF" };
	const struct sim_world_runner *wr = ri->w;
	uint64_t h = sim_rng_hash(SIM_RNG_RUNNER_TEXT, wr->horse, (uint64_t)r->day, 77);

	jsonw_kstr(w, "horse_id", ri->horse.id);
	jsonw_kstr(w, "horse", ri->horse.name);
	jsonw_kstr(w, "dob", ri->horse.dob);
	sim_json_knum(w, "age", wr->age);
	jsonw_kstr(w, "sex", ri->sex);
	jsonw_kstr(w, "sex_code", ri->sex_code);
	jsonw_kstr(w, "colour", ri->horse.colour);
	jsonw_kstr(w, "region", ri->horse.region);
	sim_card_connections(w, r, ri, h);
	sim_card_words(w, r, ri, sim_rng_next(h));
	sim_json_knum(w, "number", wr->number);
	sim_json_knum(w, "draw", wr->draw);
	jsonw_kstr(w, "headgear", ri->headgear);
	jsonw_kstr(w, "headgear_run", ri->headgear_first ? "1" : "");
	jsonw_kstr(w, "wind_surgery", "");
	jsonw_kstr(w, "wind_surgery_run", "");
	jsonw_key(w, "past_results_flags");
	jsonw_arr(w);
	if ((h >> 30) % 10 == 0)
		jsonw_str(w, flags[(h >> 34) % 4]);
	jsonw_arr_end(w);
	sim_json_knum(w, "lbs", wr->lbs);
	sim_card_rating(w, "ofr", wr->ofr, 1);
	sim_card_rating(w, "rpr", wr->rpr, h >> 40);
	sim_card_rating(w, "ts", wr->ts, 1);
	jsonw_kstr(w, "jockey", ri->jockey_shown);
	jsonw_kstr(w, "jockey_id", ri->jockey.id);
	jsonw_kstr(w, "silk_url", ri->silk_url);
	jsonw_kstr(w, "last_run", ri->last_run);
	jsonw_kstr(w, "form", ri->form);
	if (ri->rtf >= 0)
		sim_json_knum(w, "trainer_rtf", ri->rtf);
	else
		jsonw_kstr(w, "trainer_rtf", "");
}

/* "7/2 Bird Of War, 100/30 Supreme Dancer, 7/1 Born To Bright,  Mr Nippy" */
static void
sim_card_forecast(const struct sim_world_race *r, const struct sim_runner_info *ri, char *out, size_t outlen)
{
	struct sim_market_sp sp[SIM_WORLD_MAX_RUNNERS];
	int order[SIM_WORLD_MAX_RUNNERS];
	size_t n = 0;

	sim_market_forecast(r, sp);
	for (int i = 0; i < r->nrunners; i++) {
		int j = i;

		while (j > 0 && sp[order[j - 1]].dec > sp[i].dec) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	out[0] = '\0';
	for (int k = 0; k < r->nrunners && n < outlen; k++) {
		const struct sim_market_sp *s = &sp[order[k]];
		int same = k > 0 && strcmp(sp[order[k - 1]].sp, s->sp) == 0;
		int len = snprintf(out + n, outlen - n, "%s%s %s", k > 0 ? ", " : "", same ? "" : s->sp,
		    ri[order[k]].horse.name);

		n += len > 0 ? (size_t)len : 0;
	}
}

void
sim_card_write(struct jsonw *w, const struct sim_world_race *r, time_t now)
{
	static struct sim_market_entry grid[SIM_MARKET_MAX_BOOKS][SIM_WORLD_MAX_RUNNERS];
	static struct sim_runner_info ri[SIM_WORLD_MAX_RUNNERS];
	struct sim_market_books mb;
	time_t at = now < r->off ? now : r->off;
	int open = sim_market_is_open(r, now), field = 0, order[SIM_WORLD_MAX_RUNNERS], tip = -1, other = -1;
	uint64_t h = sim_rng_hash(SIM_RNG_RACE, (uint64_t)r->day, (uint64_t)r->slot, 3);
	char verdict[400] = "", forecast[800] = "";
	const char *tip_name = "";

	sim_market_books(r, &mb);
	for (int b = 0; open && b < mb.n; b++)
		sim_market_prices(r, &mb, b, now, grid[b]);
	for (int i = 0; i < r->nrunners; i++) {
		const struct sim_world_runner *wr = &r->runners[i];

		sim_runner_info(r, i, &ri[i]);
		order[wr->number - 1] = i;
		if (wr->nr_at != 0 && wr->nr_at <= at)
			continue;
		field++;
		if (tip < 0 || wr->weight > r->runners[tip].weight) {
			other = tip;
			tip = i;
		} else if (other < 0 || wr->weight > r->runners[other].weight) {
			other = i;
		}
	}
	jsonw_obj(w);
	sim_card_head(w, r, field);
	jsonw_key(w, "runners");
	jsonw_arr(w);
	for (int k = 0; k < r->nrunners; k++) {
		jsonw_obj(w);
		sim_card_runner(w, r, &ri[order[k]]);
		sim_card_odds(w, &mb, grid, order[k], open);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_kbool(w, "big_race", r->big_race);
	jsonw_kbool(w, "is_abandoned", r->meeting->abandoned);
	/* Tips and forecasts: most British races, few Irish ones. */
	if ((r->meeting->course->ire ? h % 10 == 0 : h % 10 < 8) && tip >= 0 && other >= 0) {
		tip_name = ri[tip].horse.name;
		sim_text_verdict(sim_rng_next(h), tip_name, ri[other].horse.name, verdict, sizeof(verdict));
		sim_card_forecast(r, ri, forecast, sizeof(forecast));
	}
	jsonw_kstr(w, "tip", tip_name);
	jsonw_kstr(w, "verdict", verdict);
	jsonw_kstr(w, "betting_forecast", forecast);
	jsonw_obj_end(w);
}

void
sim_card_summary(struct jsonw *w, const struct sim_world_race *r)
{
	char buf[64];

	jsonw_obj(w);
	clock_format_date(&r->date, buf, sizeof(buf));
	jsonw_kstr(w, "date", buf);
	jsonw_kstr(w, "region", sim_courses_region(r->meeting->course->ire));
	jsonw_kstr(w, "course_id", r->meeting->course->id);
	jsonw_kstr(w, "course", r->meeting->course->name);
	jsonw_kstr(w, "race_id", r->id);
	jsonw_kstr(w, "race_name", r->name);
	sim_card_class(r, buf, sizeof(buf));
	jsonw_kstr(w, "race_class", buf);
	sim_card_off(w, r, "off_time");
	jsonw_kbool(w, "big_race", r->big_race);
	jsonw_kbool(w, "is_abandoned", r->meeting->abandoned);
	jsonw_obj_end(w);
}

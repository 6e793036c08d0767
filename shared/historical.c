/* historical: racecards + results into ra_odds_historical rows (see historical.h). */
#include "historical.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "odds.h"

static const struct rapi_race *
find_race(const struct rapi_racecards *rc, const char *race_id)
{
	for (size_t i = 0; rc != NULL && i < rc->n; i++)
		if (strcmp(rc->races[i].race_id, race_id) == 0)
			return &rc->races[i];
	return NULL;
}

static const struct rapi_runner *
find_runner(const struct rapi_race *race, const char *horse_id)
{
	for (size_t i = 0; race != NULL && i < race->n_runners; i++)
		if (strcmp(race->runners[i].horse_id, horse_id) == 0)
			return &race->runners[i];
	return NULL;
}

/* 1 + the number of runners with a strictly shorter SP; 0 without an SP. */
static int
sp_rank(const struct rapi_result *race, const struct rapi_result_runner *run)
{
	int rank = 1;

	if (!run->sp_dec.present)
		return 0;
	for (size_t i = 0; i < race->n_runners; i++)
		if (race->runners[i].sp_dec.present && race->runners[i].sp_dec.v < run->sp_dec.v)
			rank++;
	return rank;
}

static void
add_prices(struct rows *out, const struct rapi_runner *card, long *priced)
{
	double min = 0, max = 0, sum = 0;
	long n = 0;

	for (size_t i = 0; card != NULL && i < card->n_odds; i++) {
		double d = card->odds[i].decimal.v;

		if (!card->odds[i].decimal.present || !(d > 1.0))
			continue;
		if (n == 0 || d < min)
			min = d;
		if (n == 0 || d > max)
			max = d;
		sum += d;
		n++;
	}
	rows_long(out, "bookmaker_count", n);
	rows_double(out, "price_min", min, n > 0);
	rows_double(out, "price_max", max, n > 0);
	rows_double(out, "price_mean", n > 0 ? sum / (double)n : 0, n > 0);
	if (n > 0)
		(*priced)++;
}

/* The race's columns: what the result says, its card's off and region where it says none. */
static void
add_race(struct rows *out, const struct rapi_race *race, const struct rapi_race *card,
    int field)
{
	struct rapi_time off = race->off_dt.present ? race->off_dt : card ? card->off_dt : race->off_dt;
	char day[11] = "", at[16] = "";

	if (off.present) {
		struct clock_date d = clock_racing_day(off.v);
		time_t local = off.v + clock_uk_offset(off.v);

		clock_format_date(&d, day, sizeof(day));
		snprintf(at, sizeof(at), "%02d:%02d:00", (int)(local % 86400 / 3600),
		    (int)(local % 3600 / 60));
	}
	rows_text(out, "race_date", race->date ? race->date : day[0] ? day : NULL);
	rows_text(out, "race_time", at[0] ? at : NULL);
	rows_instant(out, "off_dt", &off);
	rows_text(out, "country", race->region ? race->region : card ? card->region : NULL);
	rows_text(out, "course_id", race->course_id);
	rows_text(out, "course", race->course);
	rows_text(out, "race_name", race->race_name);
	rows_text(out, "race_class", race->race_class);
	rows_text(out, "race_type", race->type);
	rows_text(out, "distance", race->distance);
	rows_text(out, "going", race->going);
	rows_long(out, "field_size", field);
}

void
historical_rows(const struct rapi_racecards *rc, const struct rapi_results *rs, struct rows *out,
    struct historical_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; rs != NULL && i < rs->n; i++) {
		const struct rapi_result *res = &rs->races[i];
		const struct rapi_race *card = find_race(rc, res->race.race_id);
		int field = (int)res->n_runners;

		if (card == NULL)
			c->no_card++;
		c->races++;
		for (size_t r = 0; r < res->n_runners; r++) {
			const struct rapi_result_runner *run = &res->runners[r];
			int pos = run->position_n.present ? (int)run->position_n.v : 0;
			struct odds_ew terms = odds_ew_standard(field);
			struct odds_returns ret = odds_settle(run->sp_dec.v, pos, field);
			int rank = sp_rank(res, run);
			char fraction[16];

			rows_open(out);
			rows_text(out, "race_id", res->race.race_id);
			rows_text(out, "horse_id", run->horse_id);
			add_race(out, &res->race, card, field);
			rows_text(out, "horse_name", run->horse);
			rows_text(out, "jockey", run->jockey.name);
			rows_text(out, "trainer", run->trainer.name);
			rows_int(out, "number", &run->number_n);
			rows_int(out, "draw", &run->draw);
			rows_text(out, "position", run->position);
			rows_int(out, "position_num", &run->position_n);
			rows_bool(out, "finished", run->position_n.present);
			rows_text(out, "sp", run->sp);
			rows_real(out, "sp_dec", &run->sp_dec);
			rows_double(out, "sp_fav_rank", rank, rank > 0);
			add_prices(out, find_runner(card, run->horse_id), &c->priced);
			rows_double(out, "win_return", ret.win, run->sp_dec.present);
			rows_double(out, "place_return", ret.place, run->sp_dec.present);
			rows_double(out, "ew_return", ret.each_way, run->sp_dec.present);
			snprintf(fraction, sizeof(fraction), "1/%d", terms.denom);
			rows_text(out, "ew_fraction", terms.places > 0 ? fraction : NULL);
			rows_long(out, "ew_places", terms.places);
			c->runners++;
		}
	}
}

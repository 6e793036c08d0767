/* sim_world: meetings, races and runners of a day (see sim_world.h). */
#include "sim_world.h"

#include <stdio.h>
#include <string.h>

#include "num.h"
#include "sim_field.h"
#include "sim_rng.h"
#include "sim_text.h"

#define SIM_WORLD_ID_BASE 10000000L	/* race ids: base + day * 128 + slot */

struct clock_date
sim_world_first_date(void)
{
	struct clock_date d = { 2023, 1, 23 };

	return d;
}

int
sim_world_day_number(struct clock_date d)
{
	return (int)(clock_days_from_civil(d.year, d.month, d.day) - clock_days_from_civil(2023, 1, 1));
}

struct clock_date
sim_world_day_date(int day)
{
	struct clock_date base = { 2023, 1, 1 };

	return clock_date_add(base, day);
}

time_t
sim_world_local(struct clock_date d, int minutes)
{
	time_t noon = clock_date_to_utc(&d) + 12 * 3600;

	return clock_date_to_utc(&d) + minutes * 60 - clock_uk_offset(noon);
}

void
sim_world_uk_local(time_t t, char *out, size_t outlen)
{
	time_t local = t + clock_uk_offset(t);
	struct clock_date d = clock_utc_date(local);
	long s = (long)(local - clock_date_to_utc(&d));

	snprintf(out, outlen, "%04d-%02d-%02d %02ld:%02ld:%02ld", d.year, d.month, d.day,
	    s / 3600, s / 60 % 60, s % 60);
}

/* The going of a meeting, by surface, code and month. */
static const char *
sim_world_going(const struct sim_courses_course *c, int jumps, int month, uint64_t h)
{
	static const char *const aw[] = { "Standard", "Standard", "Standard", "Standard To Slow", "Standard To Fast" };
	static const char *const summer[] = { "Good", "Good", "Good To Firm", "Good To Firm", "Good To Soft", "Firm", "Soft" };
	static const char *const winter[] = { "Soft", "Soft", "Heavy", "Good To Soft", "Good To Soft", "Good", "Soft To Heavy" };
	static const char *const ire[] = { "Yielding", "Yielding To Soft", "Soft", "Good", "Good To Yielding", "Heavy", "Soft To Heavy" };
	int wet = jumps || month <= 3 || month >= 10;

	if (c->kind == 'A')
		return aw[h % 5];
	if (c->ire)
		return ire[(h % 7 + (wet ? 1 : 0)) % 7];
	return wet ? winter[h % 7] : summer[h % 7];
}

/* Whether a course can race in a month (h thins out summer jumping), and which code. */
static int
sim_world_eligible(const struct sim_courses_course *c, int month, uint64_t h, int *jumps)
{
	int summer = month >= 4 && month <= 10;

	switch (c->kind) {
	case 'A':
		*jumps = 0;
		return 1;
	case 'F':
		*jumps = 0;
		return summer;
	case 'J':
		*jumps = 1;
		/* Jumping thins out in high summer. */
		return !(month >= 6 && month <= 8) || h % 5 < 2;
	default:
		*jumps = !summer;
		return 1;
	}
}

/* Picks `want` meetings among a region's courses (all-weather ones: `aw` of them). */
static void
sim_world_pick(struct sim_world_day *out, int ire, int want, int aw)
{
	size_t picked[SIM_WORLD_MAX_MEETINGS];
	int n = 0, jumps;

	while (n < want) {
		double best = -1;
		size_t best_i = 0;

		for (size_t i = 0; i < sim_courses_count(); i++) {
			const struct sim_courses_course *c = sim_courses_get(i);
			uint64_t h = sim_rng_hash(SIM_RNG_DAY, (uint64_t)out->day, i, 0);
			double score = sim_rng_unit(h);
			int taken = 0;

			if (c->ire != ire || (c->kind == 'A') != (n < aw) ||
			    !sim_world_eligible(c, out->date.month, h >> 20, &jumps))
				continue;
			for (int k = 0; k < n; k++)
				taken |= picked[k] == i;
			if (!taken && score > best) {
				best = score;
				best_i = i;
			}
		}
		if (best < 0) {
			if (n < aw) {
				aw = n;	/* no more all-weather courses: turf instead */
				continue;
			}
			break;
		}
		picked[n++] = best_i;
		out->meetings[out->nmeetings++].course = sim_courses_get(best_i);
	}
}

/* Start times, race counts and going of the meetings picked. */
static void
sim_world_shape(struct sim_world_day *out)
{
	int month = out->date.month, evenings = month >= 5 && month <= 8;

	for (int i = 0; i < out->nmeetings; i++) {
		struct sim_world_meeting *m = &out->meetings[i];
		uint64_t h = sim_rng_hash(SIM_RNG_MEETING, (uint64_t)out->day, (uint64_t)i, 0);
		int aw = m->course->kind == 'A', evening;

		sim_world_eligible(m->course, month, 0, &m->jumps);
		evening = !m->jumps && (aw ? h % 10 < 4 : evenings && h % 10 < 3);
		m->first_off = evening ? 16 * 60 + 30 + 5 * sim_rng_range(h >> 8, 0, 15)
		    : 12 * 60 + 5 * sim_rng_range(h >> 8, 0, 30);
		m->gap = (h >> 16) % 3 == 0 ? 35 : 30;
		m->nraces = m->jumps ? sim_rng_range(h >> 24, 6, 7) : sim_rng_range(h >> 24, 6, 8);
		if (m->course->ire)
			m->nraces = sim_rng_range(h >> 24, 7, 8);
		m->going = sim_world_going(m->course, m->jumps, month, h >> 32);
		m->abandoned = !aw && (h >> 40) % 1000 < (unsigned)(m->jumps && (month <= 3 || month >= 11) ? 15 : 3);
	}
}

/* Keeps the day between 40 and 70 races. */
static void
sim_world_balance(struct sim_world_day *out)
{
	out->nraces = 0;
	for (int i = 0; i < out->nmeetings; i++)
		out->nraces += out->meetings[i].nraces;
	for (int i = 0; out->nraces < 40 && i < 100; i++) {
		struct sim_world_meeting *m = &out->meetings[i % out->nmeetings];

		if (m->nraces < 9) {
			m->nraces++;
			out->nraces++;
		}
	}
	for (int i = 0; out->nraces > 70 && i < 100; i++) {
		struct sim_world_meeting *m = &out->meetings[i % out->nmeetings];

		if (m->nraces > 5) {
			m->nraces--;
			out->nraces--;
		}
	}
}

void
sim_world_day(struct clock_date d, struct sim_world_day *out)
{
	uint64_t h;
	int winter = d.month <= 3 || d.month >= 10;

	memset(out, 0, sizeof(*out));
	out->date = d;
	out->day = sim_world_day_number(d);
	h = sim_rng_hash(SIM_RNG_DAY, (uint64_t)out->day, 1000, 0);
	sim_world_pick(out, 0, sim_rng_range(h, 5, 7), winter ? 2 : 1);
	sim_world_pick(out, 1, sim_rng_range(h >> 8, 2, 3), winter && (h >> 16) % 2 == 0 ? 1 : 0);
	sim_world_shape(out);
	sim_world_balance(out);
}

int
sim_world_slots(const struct sim_world_day *day, int *slots, int max)
{
	int n = 0;

	for (int m = 0; m < day->nmeetings; m++)
		for (int r = 0; r < day->meetings[m].nraces && n < max; r++)
			slots[n++] = m * 10 + r;
	/* Insertion sort by off time, then course: a day has at most ~70. */
	for (int i = 1; i < n; i++) {
		int s = slots[i], j = i;
		const struct sim_world_meeting *ms = &day->meetings[s / 10];
		int off = ms->first_off + (s % 10) * ms->gap;

		while (j > 0) {
			const struct sim_world_meeting *mp = &day->meetings[slots[j - 1] / 10];
			int prev = mp->first_off + (slots[j - 1] % 10) * mp->gap;

			if (prev < off || (prev == off && strcmp(mp->course->name, ms->course->name) <= 0))
				break;
			slots[j] = slots[j - 1];
			j--;
		}
		slots[j] = s;
	}
	return n;
}

int
sim_world_race_find(const char *id, int *day, int *slot)
{
	long n;

	if (strncmp(id, "rac_", 4) != 0 ||
	    num_parse_long(id + 4, SIM_WORLD_ID_BASE, SIM_WORLD_ID_BASE + 128L * 20000, &n) < 0)
		return -1;
	*day = (int)((n - SIM_WORLD_ID_BASE) / 128);
	*slot = (int)((n - SIM_WORLD_ID_BASE) % 128);
	return 0;
}

/* The kind of race: code, class, pattern, ages, sex, distance, prize. */
static void
sim_world_design(struct sim_world_race *r, uint64_t h)
{
	const struct sim_world_meeting *m = r->meeting;
	int ire = m->course->ire, roll = (int)(h % 100), month = r->date.month;
	uint64_t h2 = sim_rng_next(h), h3 = sim_rng_next(h2);

	r->pattern = "";
	r->sex_rest = "";
	r->age_max = 99;
	if (!m->jumps) {
		r->type = SIM_WORLD_FLAT;
		if (roll < 22 && month >= 4 && month <= 10) {
			r->age_min = r->age_max = 2;
			r->handicap = month >= 7 && h2 % 3 == 0;
			r->furlongs = 5 + (int)(h3 % 4);
		} else if (roll < 30 && month >= 4 && month <= 9) {
			r->age_min = r->age_max = 3;
			r->handicap = h2 % 2;
			r->furlongs = 6 + (int)(h3 % 7);
		} else {
			static const int dist[] = { 5, 6, 6, 7, 7, 8, 8, 8, 10, 10, 12, 12, 14, 16 };

			r->age_min = (h2 >> 4) % 4 == 0 ? 4 : 3;
			r->handicap = roll < 85;
			r->furlongs = dist[h3 % 14];
		}
		if (roll >= 97 && !r->handicap) {
			static const char *const pat[] = { "Listed", "Listed", "Group 3", "Group 3", "Group 2", "Group 1" };

			r->pattern = pat[(h3 >> 8) % 6];
		}
		if ((h2 >> 12) % 8 == 0)
			r->sex_rest = r->age_max <= 3 ? "F" : "F & M";
	} else {
		static const int hdist[] = { 16, 16, 17, 18, 19, 20, 20, 21, 22, 24, 25 };
		static const int cdist[] = { 16, 17, 19, 20, 20, 21, 22, 24, 25, 26, 28, 29, 31 };

		r->age_min = 4;
		if (r->slot % 10 == m->nraces - 1 && h2 % 5 < 2) {
			r->type = SIM_WORLD_NHF;
			r->age_max = 6;
			r->furlongs = 16 + (int)(h3 % 3);
		} else if (roll < 55) {
			r->type = SIM_WORLD_HURDLE;
			r->handicap = roll < 30;
			r->furlongs = hdist[h3 % 11];
		} else {
			r->type = SIM_WORLD_CHASE;
			r->handicap = roll < 88;
			r->age_min = 5;
			r->furlongs = cdist[h3 % 13];
		}
		if (roll == 54 || roll == 99)
			r->pattern = (h3 >> 8) % 3 == 0 ? "Grade 1" : "Grade 2";
		if ((h2 >> 12) % 12 == 0)
			r->sex_rest = "F & M";
	}
	r->yards = (h3 >> 16) % 2 == 0 ? 0 : 10 + (int)((h3 >> 20) % 190);
	if (ire) {
		r->class_no = 0;
	} else if (*r->pattern != '\0') {
		r->class_no = 1;
	} else if (r->type == SIM_WORLD_FLAT) {
		r->class_no = m->course->kind == 'A' ? sim_rng_range(h3 >> 32, 3, 7) : sim_rng_range(h3 >> 32, 2, 6);
	} else {
		r->class_no = r->type == SIM_WORLD_NHF ? 5 : sim_rng_range(h3 >> 32, 2, 5);
	}
	r->big_race = strcmp(r->pattern, "Group 1") == 0 || strcmp(r->pattern, "Grade 1") == 0 ||
	    strcmp(r->pattern, "Group 2") == 0;
}

/* The winner's prize and, for handicaps, the top of the rating band. */
static void
sim_world_money_band(struct sim_world_race *r, uint64_t h)
{
	static const long prize_gb[] = { 0, 40000, 12000, 7000, 4500, 3400, 3100, 2600 };
	int jumps = r->type != SIM_WORLD_FLAT;

	if (r->class_no > 0)
		r->prize = prize_gb[r->class_no] + (long)(h % (unsigned long)(prize_gb[r->class_no] / 3));
	else
		r->prize = 8000 + (long)(h % 9000);
	if (*r->pattern != '\0')
		r->prize *= strstr(r->pattern, "1") != NULL ? 8 : 2;
	r->prize = r->prize / 5 * 5;
	if (!r->handicap)
		return;
	if (r->class_no > 0)
		r->rating_max = jumps ? 160 - 15 * r->class_no : 115 - 10 * r->class_no;
	else
		r->rating_max = jumps ? 100 + 10 * (int)(h % 4) : 60 + 10 * (int)(h % 4);
	if (r->age_max == 2)
		r->rating_max -= 15;
}

int
sim_world_race(struct sim_world_day *day, int slot, int with_runners, struct sim_world_race *out)
{
	int mi = slot / 10, ri = slot % 10;
	uint64_t h;

	if (slot < 0 || mi >= day->nmeetings || ri >= day->meetings[mi].nraces)
		return -1;
	memset(out, 0, sizeof(*out));
	out->day = day->day;
	out->slot = slot;
	out->date = day->date;
	out->meeting = &day->meetings[mi];
	snprintf(out->id, sizeof(out->id), "rac_%ld", SIM_WORLD_ID_BASE + (long)day->day * 128 + slot);
	out->off_local = out->meeting->first_off + ri * out->meeting->gap;
	out->off = sim_world_local(day->date, out->off_local);
	out->sim_market_open = sim_world_local(clock_date_add(day->date, -1), 18 * 60);
	h = sim_rng_hash(SIM_RNG_RACE, (uint64_t)day->day, (uint64_t)slot, 0);
	sim_world_design(out, h);
	sim_world_money_band(out, sim_rng_next(h));
	sim_text_race_name(out, sim_rng_hash(SIM_RNG_RACE, (uint64_t)day->day, (uint64_t)slot, 1), out->name, sizeof(out->name));
	if (with_runners) {
		if (!day->picked)
			sim_field_pick_day(day);
		sim_field_fill(out, day);
	}
	return 0;
}

void
sim_world_off_time(const struct sim_world_race *r, char *out, size_t outlen)
{
	int h = r->off_local / 60 % 12;

	snprintf(out, outlen, "%d:%02d", h == 0 ? 12 : h, r->off_local % 60);
}

void
sim_world_off_dt(const struct sim_world_race *r, char *out, size_t outlen)
{
	int off = clock_uk_offset(r->off);
	char date[11];

	clock_format_date(&r->date, date, sizeof(date));
	snprintf(out, outlen, "%sT%02d:%02d:00+%02d:00", date, r->off_local / 60, r->off_local % 60, off / 3600);
}

const char *
sim_world_type_name(enum sim_world_type t)
{
	static const char *const names[] = { "Flat", "Hurdle", "Chase", "NH Flat" };

	return names[t];
}

/* "1m3f" from furlongs. */
static void
sim_world_miles(int furlongs, char *out, size_t outlen)
{
	if (furlongs < 8)
		snprintf(out, outlen, "%df", furlongs);
	else if (furlongs % 8 == 0)
		snprintf(out, outlen, "%dm", furlongs / 8);
	else
		snprintf(out, outlen, "%dm%df", furlongs / 8, furlongs % 8);
}

void
sim_world_distance_round(const struct sim_world_race *r, char *out, size_t outlen)
{
	sim_world_miles(r->furlongs, out, outlen);
}

void
sim_world_distance(const struct sim_world_race *r, char *out, size_t outlen)
{
	char round[16];

	sim_world_miles(r->furlongs, round, sizeof(round));
	if (r->yards > 0)
		snprintf(out, outlen, "%s%dy", round, r->yards);
	else
		snprintf(out, outlen, "%s", round);
}

void
sim_world_money(const struct sim_world_race *r, long amount, char *out, size_t outlen)
{
	const char *sym = r->meeting->course->ire ? "€" : "£";

	if (amount >= 1000)
		snprintf(out, outlen, "%s%ld,%03ld", sym, amount / 1000, amount % 1000);
	else
		snprintf(out, outlen, "%s%ld", sym, amount);
}

/*
 * sim_world: the racing of a day, as a pure function of the seed and the date.
 * A day has GB and IRE meetings (40-70 races in all); a race has its card
 * (type, distance, class, prize, going, name) and up to SIM_WORLD_MAX_RUNNERS
 * runners drawn from the pool (sim_pool.h).  Nothing is cached: a race is
 * computed again each time it is asked for, which takes microseconds.
 *
 * Race ids encode the day and the race's slot (meeting * 10 + race), so an
 * id leads straight back to its race.  Times: "local" means Europe/London,
 * which is also Irish time.
 */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "clock.h"
#include "sim_courses.h"

#define SIM_WORLD_MAX_MEETINGS 12
#define SIM_WORLD_MAX_RUNNERS  20

enum sim_world_type { SIM_WORLD_FLAT, SIM_WORLD_HURDLE, SIM_WORLD_CHASE, SIM_WORLD_NHF };

struct sim_world_meeting {
	const struct sim_courses_course *course;
	int         first_off;    /* minutes after local midnight */
	int         gap;          /* minutes between races */
	int         nraces;
	int         jumps;        /* else flat */
	int         abandoned;
	const char *going;
};

#define SIM_WORLD_MAX_SLOTS (SIM_WORLD_MAX_MEETINGS * 10)

struct sim_world_day {
	struct clock_date    date;
	int                  day;         /* days since 2023-01-01 */
	int                  nmeetings;
	int                  nraces;
	struct sim_world_meeting meetings[SIM_WORLD_MAX_MEETINGS];
	/*
	 * The horses of every race, chosen for the whole day at once (so that
	 * no horse runs twice in a day) the first time a race needs its runners.
	 */
	int                  picked;
	int                  field[SIM_WORLD_MAX_SLOTS];
	uint32_t             horses[SIM_WORLD_MAX_SLOTS][SIM_WORLD_MAX_RUNNERS];
	int                  ages[SIM_WORLD_MAX_SLOTS][SIM_WORLD_MAX_RUNNERS];
};

struct sim_world_runner {
	uint32_t horse;           /* pool index */
	uint32_t jockey;          /* pool index */
	int      age;
	int      number, draw, lbs;
	int      ofr, rpr, ts;    /* -1: none */
	double   weight;          /* the market's unnormalised chance */
	time_t   nr_at;           /* withdrawn from this instant; 0: runs */
};

struct sim_world_race {
	char                        id[24];
	int                         day, slot;
	struct clock_date           date;
	const struct sim_world_meeting *meeting;   /* points into the day it came from */
	time_t                      off;       /* UTC */
	time_t                      sim_market_open;  /* prices show from 18:00 the day before */
	int                         off_local; /* minutes after local midnight */
	enum sim_world_type             type;
	int                         furlongs, yards;   /* yards beyond the furlongs */
	int                         class_no;  /* 1..7; 0: none (Ireland) */
	int                         handicap;
	const char                 *pattern;   /* "", "Listed", "Group 3", ... */
	int                         age_min, age_max;  /* age_max 99: "3yo+" */
	int                         rating_max;        /* handicaps */
	const char                 *sex_rest;  /* "", "F", "F & M" */
	long                        prize;     /* the winner's, in pounds or euros */
	char                        name[160];
	int                         big_race;
	int                         nrunners;
	struct sim_world_runner         runners[SIM_WORLD_MAX_RUNNERS];
};

/* The first day with racecards upstream: 2023-01-23. */
struct clock_date sim_world_first_date(void);

/* Days since 2023-01-01 of a date, and back. */
int sim_world_day_number(struct clock_date d);
struct clock_date sim_world_day_date(int day);

/* The meetings of a date.  Cannot fail. */
void sim_world_day(struct clock_date d, struct sim_world_day *out);

/*
 * Race `slot` of a day, with its runners when with_runners (the first such
 * call chooses the horses of the whole day into *day).  Returns 0, or -1
 * when the day has no such race.  out->meeting points into day.
 */
int sim_world_race(struct sim_world_day *day, int slot, int with_runners, struct sim_world_race *out);

/* The day and slot an id names (any day; the caller checks the range).  0 or -1. */
int sim_world_race_find(const char *id, int *day, int *slot);

/* Slots of a day in order of the off: returns how many (at most max). */
int sim_world_slots(const struct sim_world_day *day, int *slots, int max);

/* The instant of a local time on a date (minutes after local midnight). */
time_t sim_world_local(struct clock_date d, int minutes);

/* "2025-10-14 13:43:08": an instant as UK local time, the upstream's "updated". */
void sim_world_uk_local(time_t t, char *out, size_t outlen);

/* "1:44" (12-hour, no am/pm) and "2025-10-14T13:44:00+01:00". */
void sim_world_off_time(const struct sim_world_race *r, char *out, size_t outlen);
void sim_world_off_dt(const struct sim_world_race *r, char *out, size_t outlen);

/* "Flat", "Hurdle", "Chase", "NH Flat". */
const char *sim_world_type_name(enum sim_world_type t);

/* "1m53y" (distance), "1m" (distance_round), "8.0" (distance_f). */
void sim_world_distance(const struct sim_world_race *r, char *out, size_t outlen);
void sim_world_distance_round(const struct sim_world_race *r, char *out, size_t outlen);

/* "£3,140" or "€8,850". */
void sim_world_money(const struct sim_world_race *r, long amount, char *out, size_t outlen);

#endif

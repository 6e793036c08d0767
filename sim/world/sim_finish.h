/*
 * sim_finish: how a race was run.  The finishing order follows the starting
 * prices roughly (the favourite wins about as often as its price says);
 * jumpers may fall, unseat or be pulled up.  Beaten distances, times,
 * prize money and tote dividends follow.  A pure function of the race.
 */
#ifndef SIM_FINISH_H
#define SIM_FINISH_H

#include <time.h>

#include "sim_market.h"
#include "sim_world.h"

struct sim_finish_place {
	int    runner;        /* index in the race */
	char   position[8];   /* "1".."20", or "PU", "F", "UR", ... */
	int    finished;
	int    place;         /* 1.. for finishers, 0 for the others */
	char   btn[16];       /* "0", ".75", "0.2", "" */
	char   ovr_btn[16];
	char   time[32];      /* "2:19.97", "" */
	char   prize[16];     /* "4187.20", "" */
};

struct sim_finish {
	int                 nplaces;                     /* runners that ran */
	struct sim_finish_place places[SIM_WORLD_MAX_RUNNERS];   /* in finishing order */
	struct sim_market_sp    sp[SIM_WORLD_MAX_RUNNERS];       /* by runner index */
	const char         *fav[SIM_WORLD_MAX_RUNNERS];      /* "F", "J", "C" or "" by runner index */
};

/* Seconds the winner takes, from distance and going (no runners needed). */
double sim_finish_winner_time(const struct sim_world_race *r);

/* When the result shows upstream: a few minutes after the winner is home. */
time_t sim_finish_available_at(const struct sim_world_race *r);

/* "2m 19.97s (slow by 2.07s)". */
void sim_finish_time_detail(const struct sim_world_race *r, char *out, size_t outlen);

/* The result of a race with its runners. */
void sim_finish_race(const struct sim_world_race *r, struct sim_finish *out);

/* Tote returns for the first three home: "£9.50" and so on. */
void sim_finish_tote(const struct sim_world_race *r, const struct sim_finish *f, const char *key, char *out, size_t outlen);

#endif

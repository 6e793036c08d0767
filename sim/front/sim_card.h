/*
 * sim_card: writes one racecard object in the upstream's "pro" shape (as in
 * /racecards/pro and /racecards/{race_id}/pro), with every bookmaker's
 * odds as at `now`, and the summary object of /racecards/summaries.
 */
#ifndef SIM_CARD_H
#define SIM_CARD_H

#include <time.h>

#include "jsonw.h"
#include "sim_world.h"

/* r must have its runners (sim_world_race with_runners). */
void sim_card_write(struct jsonw *w, const struct sim_world_race *r, time_t now);

void sim_card_summary(struct jsonw *w, const struct sim_world_race *r);

/* The off: time_key ("off_time", or "off" in results) with "1:44", then "off_dt". */
void sim_card_off(struct jsonw *w, const struct sim_world_race *r, const char *time_key);

/* "2yo", "3yo+", "4-6yo"; "0-60" (rating band); "Class 6" or "". */
void sim_card_age_band(const struct sim_world_race *r, char *out, size_t outlen);
void sim_card_rating_band(const struct sim_world_race *r, char *out, size_t outlen);
void sim_card_class(const struct sim_world_race *r, char *out, size_t outlen);
/* "11 hurdles", "16 fences", "". */
void sim_card_jumps(const struct sim_world_race *r, char *out, size_t outlen);

#endif

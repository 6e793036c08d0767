/* odds: stages, best prices, favourites and each-way terms (see odds.h). */
#include "odds.h"

#include <math.h>
#include <stdio.h>

#define ODDS_AT_POST_S       (5 * 60)
#define ODDS_GOING_TO_POST_S (30 * 60)
#define ODDS_PRE_RACE_S      (120 * 60)

enum odds_stage
odds_stage_of(long secs)
{
	if (secs < 0)
		return ODDS_STAGE_OFF;
	if (secs < ODDS_AT_POST_S)
		return ODDS_AT_POST;
	if (secs < ODDS_GOING_TO_POST_S)
		return ODDS_GOING_TO_POST;
	if (secs < ODDS_PRE_RACE_S)
		return ODDS_PRE_RACE;
	return ODDS_EARLY_MARKET;
}

const char *
odds_stage_name(enum odds_stage stage)
{
	switch (stage) {
	case ODDS_AT_POST:       return "at_post";
	case ODDS_GOING_TO_POST: return "going_to_post";
	case ODDS_PRE_RACE:      return "pre_race";
	case ODDS_EARLY_MARKET:  return "early_market";
	default:                 return "off";
	}
}

const char *
odds_next_phase(long secs, long *secs_until)
{
	switch (odds_stage_of(secs)) {
	case ODDS_EARLY_MARKET:
		*secs_until = secs - ODDS_PRE_RACE_S;
		return "pre_race";
	case ODDS_PRE_RACE:
		*secs_until = secs - ODDS_GOING_TO_POST_S;
		return "going_to_post";
	case ODDS_GOING_TO_POST:
		*secs_until = secs - ODDS_AT_POST_S;
		return "at_post";
	case ODDS_AT_POST:
		*secs_until = secs;
		return "off";
	default:
		*secs_until = 0;
		return NULL;
	}
}

int
odds_same_price(double a, double b)
{
	return fabs(a - b) < 0.0005;
}

double
odds_best(const double *prices, size_t n)
{
	double best = 0;

	for (size_t i = 0; i < n; i++)
		if (prices[i] > 1 && prices[i] > best)
			best = prices[i];
	return best;
}

double
odds_favourite_price(const double *best, size_t n)
{
	double fav = 0;

	for (size_t i = 0; i < n; i++)
		if (best[i] > 1 && (fav == 0 || best[i] < fav))
			fav = best[i];
	return fav;
}

struct odds_ew
odds_ew_standard(int runners)
{
	struct odds_ew ew = { 0, 0 };

	if (runners >= 16) {
		ew.places = 4;
		ew.denom = 4;
	} else if (runners >= 12) {
		ew.places = 3;
		ew.denom = 4;
	} else if (runners >= 8) {
		ew.places = 3;
		ew.denom = 5;
	} else if (runners >= 5) {
		ew.places = 2;
		ew.denom = 4;
	}
	return ew;
}

void
odds_ew_text(int places, int denom, char *out, size_t outlen)
{
	if (places <= 0 || denom <= 0)
		snprintf(out, outlen, "win only");
	else
		snprintf(out, outlen, "1/%d odds, %d place%s", denom, places, places == 1 ? "" : "s");
}

struct odds_returns
odds_settle(double sp_dec, int position, int runners)
{
	struct odds_ew ew = odds_ew_standard(runners);
	struct odds_returns r = { 0, 0, 0 };

	if (!(sp_dec > 1.0) || position <= 0)
		return r;
	if (position == 1)
		r.win = sp_dec;
	if (ew.places > 0 && position <= ew.places)
		r.place = 1.0 + (sp_dec - 1.0) / ew.denom;
	r.each_way = r.win + r.place;
	return r;
}

struct odds_interval
odds_poll_interval(double minutes)
{
	if (minutes < 0)
		return (struct odds_interval){ 900, "QUIET" };
	if (minutes <= 5)
		return (struct odds_interval){ 10, "IMMINENT" };
	if (minutes <= 30)
		return (struct odds_interval){ 60, "SOON" };
	if (minutes <= 120)
		return (struct odds_interval){ 300, "UPCOMING" };
	return (struct odds_interval){ 900, "QUIET" };
}

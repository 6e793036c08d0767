/* odds: each-way terms, settlement and polling intervals (see odds.h). */
#include "odds.h"

struct odds_ew_terms
odds_ew_terms(int runners)
{
	struct odds_ew_terms t = { 0, 0, 0 };

	if (runners >= 16)
		t = (struct odds_ew_terms){ 4, 1, 4 };
	else if (runners >= 12)
		t = (struct odds_ew_terms){ 3, 1, 4 };
	else if (runners >= 8)
		t = (struct odds_ew_terms){ 3, 1, 5 };
	else if (runners >= 5)
		t = (struct odds_ew_terms){ 2, 1, 4 };
	return t;
}

struct odds_returns
odds_settle(double sp_dec, int position, int runners)
{
	struct odds_ew_terms t = odds_ew_terms(runners);
	struct odds_returns r = { 0, 0, 0 };

	if (!(sp_dec > 1.0) || position <= 0)
		return r;
	if (position == 1)
		r.win = sp_dec;
	if (t.places > 0 && position <= t.places)
		r.place = 1.0 + (sp_dec - 1.0) * t.num / t.den;
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

const char *
odds_stage(double minutes)
{
	if (minutes < 5)
		return "at_post";
	if (minutes < 30)
		return "going_to_post";
	if (minutes < 120)
		return "pre_race";
	return "early_market";
}

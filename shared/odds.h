/*
 * odds: the pure rules behind the live-odds answers, kept apart from SQL and
 * JSON so unit tests can pin them down.
 *
 * - Stages by time to the off: at_post under 5 minutes, going_to_post from
 *   5 to under 30, pre_race from 30 to under 120, early_market from 120 on.
 *   A boundary belongs to the later stage (exactly 5 minutes is
 *   going_to_post).
 * - The best price of a runner is the highest decimal any bookmaker offers
 *   (what a bettor wants); the favourite of a race is the runner whose best
 *   price is the lowest (the market's shortest), joint favourites when
 *   several share it.  The original system called the lowest price "best".
 * - Standard each-way terms by the number of runners, the returns of a
 *   settled bet, and the live worker's polling interval by the next off.
 *
 * Shared by dh-api and the workers; no I/O, nothing here can fail.
 */
#ifndef DH_ODDS_H
#define DH_ODDS_H

#include <stddef.h>

enum odds_stage {
	ODDS_STAGE_OFF = -1,		/* the off time has passed */
	ODDS_AT_POST = 0,
	ODDS_GOING_TO_POST,
	ODDS_PRE_RACE,
	ODDS_EARLY_MARKET,
	ODDS_NSTAGES
};

/* The stage of a race secs seconds before its off (negative: after). */
enum odds_stage odds_stage_of(long secs);

/* "at_post", "going_to_post", "pre_race", "early_market", or "off". */
const char *odds_stage_name(enum odds_stage stage);

/*
 * The phase a race secs seconds before its off enters next, and in how many
 * seconds: early_market -> pre_race at 120 minutes, pre_race -> going_to_post
 * at 30, going_to_post -> at_post at 5, at_post -> "off" at the off.
 * Returns the phase name ("off" for a race at post; NULL when already off).
 */
const char *odds_next_phase(long secs, long *secs_until);

/* Two decimal prices are the same price (numeric(10,3) values). */
int odds_same_price(double a, double b);

/*
 * The highest of n prices (the best for a bettor); 0 when n is 0.  Prices
 * that are not above 1 (no price) are ignored.
 */
double odds_best(const double *prices, size_t n);

/*
 * The favourite's price among n runners' best prices: the lowest of them
 * above 1; 0 when none.  A runner is a favourite when
 * odds_same_price(its best, this).
 */
double odds_favourite_price(const double *best, size_t n);

/* Each-way terms: places paid and the fraction of the odds (1/denom). */
struct odds_ew {
	int places;	/* 0: win only */
	int denom;	/* 4 for 1/4 odds, 5 for 1/5 */
};

/*
 * The standard terms for a field of runners: 16 or more 1/4 odds 4 places;
 * 12-15 1/4, 3; 8-11 1/5, 3; 5-7 1/4, 2; fewer: win only.
 */
struct odds_ew odds_ew_standard(int runners);

/*
 * Writes terms as text into out: "1/4 odds, 3 places", or "win only".
 * places or denom not positive means win only (an exchange).
 */
void odds_ew_text(int places, int denom, char *out, size_t outlen);

/* The returns of one unit staked, SP settled (stake included when it wins). */
struct odds_returns {
	double win;		/* sp_dec when first, else 0 */
	double place;		/* 1 + (sp_dec - 1) / denom when placed, else 0 */
	double each_way;	/* win + place: what a 2-unit each-way bet returns */
};

/*
 * position is the finishing place (0 or less: did not finish), runners the
 * field size that sets the terms (odds_ew_standard).  sp_dec must be > 1.
 */
struct odds_returns odds_settle(double sp_dec, int position, int runners);

/* The live worker's polling interval for the next off in `minutes`. */
struct odds_interval {
	int         seconds;	/* 10, 60, 300 or 900 */
	const char *label;	/* IMMINENT, SOON, UPCOMING, QUIET */
};

/*
 * <= 5 min: 10 s; <= 30: 60 s; <= 120: 300 s; further or no race (minutes < 0
 * means none): 900 s.
 */
struct odds_interval odds_poll_interval(double minutes);

#endif

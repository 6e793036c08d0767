/*
 * odds: the pure arithmetic of prices that workers and the API share:
 * each-way terms by field size, the returns of a settled bet, and the live
 * worker's polling interval by the time to the next off.  No I/O; cannot fail.
 */
#ifndef DH_ODDS_H
#define DH_ODDS_H

/* Each-way terms: a fraction of the win odds, paid down to `places`. */
struct odds_ew_terms {
	int places;	/* 0: win only (no each-way betting) */
	int num, den;	/* the fraction of the odds: 1/4, 1/5 */
};

/*
 * The original system's terms by runners: 16+ 1/4 four places; 12-15 1/4
 * three; 8-11 1/5 three; 5-7 1/4 two; fewer: win only.
 */
struct odds_ew_terms odds_ew_terms(int runners);

/* The returns of one unit staked, SP settled (stake included when it wins). */
struct odds_returns {
	double win;	/* sp_dec when first, else 0 */
	double place;	/* 1 + (sp_dec - 1) * fraction when placed, else 0 */
	double each_way;	/* win + place: what a 2-unit each-way bet returns */
};

/*
 * position is the finishing place (0 or less: did not finish), runners the
 * field size that sets the terms.  sp_dec must be > 1.
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

/* The stage of a race by minutes to the off: "at_post" (<5), "going_to_post" (5-30),
 * "pre_race" (30-120), "early_market" (>=120). */
const char *odds_stage(double minutes);

#endif

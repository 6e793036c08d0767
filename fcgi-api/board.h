/*
 * board: the live prices of one or more races turned into race objects with
 * runners, all their prices, each runner's best price and the favourite (see
 * odds.h), in one pass over a query result.
 *
 * The result has one row per runner, ordered by race (off time, race_id)
 * then runner (number, horse_id), with the runner's prices aggregated by
 * PostgreSQL into JSON arrays in bookmaker order (json_agg over the index
 * order): far fewer rows to send than one per price, and every value
 * already JSON, so it is copied into the body without escaping.
 *
 * Columns are found by name once per result.  Required: race_id, off_dt,
 * horse_id, bookmakers, fractionals, decimals (arrays of the same length).
 * Used when present: race_date, course_id, course, region_code, race_name,
 * horse_name, number, fetched_at (the runner's latest), race_type, distance,
 * field_size (the original's race fields, from ra_races), bookmaker_names
 * (an array again: the display names, for the original's best_bookmaker and
 * all_odds), and for the grid ew_places, ew_denoms, changed (arrays again).
 */
#ifndef DH_BOARD_H
#define DH_BOARD_H

#include <time.h>

#include <libpq-fe.h>

#include "jsonw.h"

#define BOARD_MAX_PRICES 128	/* bookmakers a runner or race; more are left out */

struct board_cols {
	int race_id, race_date, off_dt, course_id, course, region_code, race_name;
	int horse_id, horse_name, number, fetched_at, race_type, distance, field_size;
	int bookmakers, fractionals, decimals, names, ew_places, ew_denoms, changed;
};

/* A JSON value inside an aggregated array: text[0..len), as it stands. */
struct board_tok {
	const char *p;
	size_t      len;
};

/*
 * What each price object carries besides its decimal and fractional (the
 * API's format= parameter): American odds, or the implied probability.
 */
enum board_format { BOARD_FORMAT_PLAIN, BOARD_FORMAT_AMERICAN, BOARD_FORMAT_PROBABILITY };

/* The kinds of array a runner row carries. */
enum board_array { BOARD_ID, BOARD_FRAC, BOARD_DEC, BOARD_NAME, BOARD_EWP, BOARD_EWD, BOARD_CHANGED,
	BOARD_NARRAYS };

struct board {
	const PGresult   *res;
	int               nrows;
	struct board_cols c;
	int              *first;	/* row i's prices are [first[i], first[i + 1]) of the pools */
	struct board_tok *tok[BOARD_NARRAYS];	/* every row's tokens, one pool an array kind */
	double           *dec;		/* every price's decimal */
	double           *best;		/* each row's (runner's) best price, 0 when none */
	int              *order;	/* room for a race's rows in price order (board_write_race) */
	double           *consensus;	/* each row's median price across bookmakers, 0 when none */
	double           *fair_prob;	/* each row's fair probability and price (market.h), */
	double           *fair;		/* set for a race's rows as it is written */
	enum board_format format;	/* set by the caller after board_init; plain by default */
};

/* One race: rows (runners) [first, end) of the result. */
struct board_race {
	int     first, end;
	time_t  off;			/* 0 when off_dt is missing */
	long    secs_to_off;		/* from the request's now */
};

/*
 * Prepares a board over res (which it does not own): parses every runner's
 * arrays once and computes its best price.  Returns 0, or -1 when a required column is missing,
 * an array is malformed or memory ran out; board_free() in both cases.
 */
int board_init(struct board *b, const PGresult *res);
void board_free(struct board *b);

/*
 * The race whose rows start at row; returns 0, or -1 past the last row.
 * The next race starts at race->end.
 */
int board_race(const struct board *b, int row, time_t now, struct board_race *race);

/*
 * Writes one race as a JSON object: its fields, stage, minutes to the off,
 * the next phase and when, prices last updated, counts, the favourite, the
 * market's figures (market.h: best-price and consensus book percentages;
 * each runner's implied probability at its best price, consensus, fair
 * probability and fair price), and
 * the original's fields (reference §2.5): race_time, race_type, distance,
 * "runners" (the field size, a count), minutes_until, last_updated (absent
 * when unknown), next_phase_name/_time/_minutes and "runners_data": the
 * runners shortest-priced first (unpriced last), each with its best_price,
 * favourite and prices, and the original's best_odds_decimal,
 * best_odds_fractional, best_bookmaker (the highest decimal; on a tie the
 * bookmaker name first in A-Z order), is_favorite and all_odds (decimal
 * descending, then bookmaker name).
 */
void board_write_race(struct jsonw *w, const struct board *b, const struct board_race *race,
    time_t now);

/*
 * Writes one race as a runners x bookmakers grid: the race fields,
 * "bookmakers" (columns, with each-way terms and the bookmaker's book
 * percentage over the runners it prices), "runners" (rows, prices keyed by
 * bookmaker_id, the best marked), the favourite, the market's figures as in
 * board_write_race and the standard each-way terms for the field.
 */
void board_write_grid(struct jsonw *w, const struct board *b, const struct board_race *race,
    time_t now);

/*
 * Splits a JSON array of scalars ("[\"a\", 1.5, null]", as json_agg writes
 * it) into raw tokens, writing at most max of them.  Returns how many values
 * the array has, or -1 when it is not such an array.
 */
int board_tokens(const char *json, struct board_tok *toks, int max);

#endif

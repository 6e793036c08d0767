/*
 * rapi_odds: pure helpers for prices and bookmakers, shared by the parser
 * and the workers.  No allocation, no global state.
 */
#ifndef DH_RAPI_ODDS_H
#define DH_RAPI_ODDS_H

#include <stddef.h>

/*
 * Reads a fractional price as decimal odds: "5/2" -> 3.5, "evs" or "Evens"
 * -> 2.0, a bare integer "4" (upstream's "4/1" in older cards) -> 5.0.  A
 * favourite mark as in results' SP ("9/4F", "7/2J", "5/1C", "2/1JF") is
 * ignored.  Returns 0, or -1 with *out untouched for anything else ("SP",
 * "-", "", "4.5": Betfair's decimal in `fractional` is not a fraction, use
 * the entry's decimal).
 */
int rapi_odds_from_fractional(const char *s, double *out);

/*
 * Writes the usual fractional form of decimal odds d > 1 into out: a price
 * of the bookmakers' ladder when d is one (3.75 -> "11/4", 4.33 -> "10/3",
 * 2.0 -> "evs"), otherwise the nearest fraction with a denominator up to
 * 100.  Returns 0, or -1 when d <= 1, not finite, or out is too small
 * (16 bytes always suffice).
 */
int rapi_odds_to_fractional(double d, char *out, size_t outlen);

/*
 * Writes the bookmaker id for an upstream name into out, the original
 * DarkHorses' id, exactly as the SQL function dh_bookmaker_slug(name)
 * (sql/migrations/0008_original_columns.sql) does on a C.UTF-8 database:
 * lower case, every character other than [a-z0-9] removed, then the
 * original's alias map ("boyle" -> "boylesports", "sport888" -> "888sport").
 * "Betfair Exchange" -> "betfairexchange", "William Hill" -> "williamhill".
 * The original removed only spaces; names with other characters (none seen
 * upstream) lose them here too, so an id stays [a-z0-9]+.  Returns the id's
 * length, or -1 when it is empty or does not fit in outlen (including the
 * NUL).
 */
int rapi_odds_bookmaker_slug(const char *name, char *out, size_t outlen);

/*
 * The display name the original gave a bookmaker id of its alias map
 * ("betvictor" -> "BetVictor", "boylesports" -> "BoyleSports"), or NULL for
 * any other id (its upstream name is kept).  Static storage: not to be
 * freed.  id may be NULL.
 */
const char *rapi_odds_bookmaker_name(const char *id);

#endif

/*
 * market: the figures a trader reads a market by, from decimal prices.
 *
 * - The implied probability of a decimal price d is 1/d.
 * - A bookmaker's book (overround) is the sum of the implied probabilities
 *   of the runners it prices, as a percentage: 100 is a fair book, above it
 *   the bookmaker's margin.  A book that leaves runners out is partial, and
 *   the caller says so by the count of runners priced.
 * - The best-price book is the same sum over every runner's best price
 *   across bookmakers: below 100 a bettor could back every runner and win.
 * - A runner's consensus price is the median of its bookmakers' prices (the
 *   mean of the two middle ones for an even count): one bookmaker out of
 *   line does not move it.  The consensus book normalised to 100% gives each
 *   runner's fair probability, p_i = (1/c_i) / sum_j (1/c_j), and its fair
 *   price 1/p_i: the market's view without the margin.
 * - Prices not above 1 are no price (an SP, "-", a withdrawn runner) and
 *   take no part in any figure.
 *
 * Pure arithmetic shared by dh-api and the workers; nothing here can fail.
 */
#ifndef DH_MARKET_H
#define DH_MARKET_H

#include <stddef.h>

/* 1/dec, or 0 when dec is not above 1 (no price). */
double market_implied(double dec);

/*
 * 100 * the sum of 1/dec over the n prices above 1; 0 when none.  *priced
 * (when not NULL) gets how many prices counted.
 */
double market_book_percent(const double *dec, size_t n, int *priced);

/*
 * The median of the n prices above 1 (an even count: the mean of the two
 * middle ones); 0 when none.  Sorts a copy of at most MARKET_MAX prices.
 */
#define MARKET_MAX 128
double market_median(const double *dec, size_t n);

/*
 * Normalises the n runners' consensus prices (0: unpriced) to a 100% book:
 * prob[i] gets the runner's fair probability and fair[i] its fair price,
 * both 0 for an unpriced runner.  Returns the consensus book percentage
 * before normalising (0 when no runner is priced).
 */
double market_fair(const double *consensus, size_t n, double *prob, double *fair);

/*
 * Writes dec as American (moneyline) odds into out: "+250" for 3.5, "-200"
 * for 1.5, "+100" for evens; "" when dec is not above 1.
 */
void market_american(double dec, char *out, size_t outlen);

/*
 * The change from price `from` to `to` as a percentage of from: negative
 * when the price shortened (a steamer), positive when it drifted; 0 when
 * either is no price.
 */
double market_move_percent(double from, double to);

#endif
